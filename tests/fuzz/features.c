/*
 * tests/fuzz/features.c — which CPUID feature an instruction needs, whether
 * the host has it, and whether emu's current CPU model advertises it.
 *
 * Written from the Intel SDM's "CPUID feature flag" column, independently
 * of emu's translator, so that a wrong gate in emu shows up as a mismatch
 * (valid cases) or as a "model lacks it but emu executes it" failure
 * (gated probes).  Baseline instructions (x86-64-v1: x87, MMX, SSE, SSE2,
 * CMOV, CX8, FXSR) return -1.
 */
#include <cpuid.h>
#include <string.h>
#include <glib.h>

#include "emu/x86/cpu-model.h"
#include "emu/x86/decode.h"
#include "fuzz.h"

/* features no emu model has (not in cpu-model.h's list) */
#define FZ_FEAT_GFNI    X86_FEAT(7_0_ECX, 8)
#define FZ_FEAT_INVPCID X86_FEAT(7_0_EBX, 10)

static const char *const sse3[] = {
    "ADDSUBPD", "ADDSUBPS", "HADDPD", "HADDPS", "HSUBPD", "HSUBPS", "LDDQU",
    "MOVDDUP", "MOVSHDUP", "MOVSLDUP", "FISTTP", "MONITOR", "MWAIT", NULL,
};
static const char *const ssse3[] = {
    "PSHUFB", "PHADDW", "PHADDD", "PHADDSW", "PMADDUBSW", "PHSUBW", "PHSUBD",
    "PHSUBSW", "PSIGNB", "PSIGNW", "PSIGND", "PMULHRSW", "PABSB", "PABSW",
    "PABSD", "PALIGNR", NULL,
};
static const char *const sse42[] = {
    "PCMPESTRI", "PCMPESTRM", "PCMPISTRI", "PCMPISTRM", "PCMPGTQ", "CRC32", NULL,
};
static const char *const aes[] = {
    "AESENC", "AESENCLAST", "AESDEC", "AESDECLAST", "AESIMC", "AESKEYGENASSIST", NULL,
};
static const char *const sha[] = {
    "SHA1RNDS4", "SHA1NEXTE", "SHA1MSG1", "SHA1MSG2", "SHA256RNDS2",
    "SHA256MSG1", "SHA256MSG2", NULL,
};
static const char *const bmi1[] = { "ANDN", "BEXTR", "BLSI", "BLSMSK", "BLSR", "TZCNT", NULL };
static const char *const bmi2[] = {
    "BZHI", "MULX", "PDEP", "PEXT", "RORX", "SARX", "SHLX", "SHRX", NULL,
};
static const char *const avx2_always[] = {
    "VPBROADCASTB", "VPBROADCASTW", "VPBROADCASTD", "VPBROADCASTQ",
    "VBROADCASTI128", "VPERMD", "VPERMPS", "VPERMQ", "VPERMPD", "VPERM2I128",
    "VINSERTI128", "VEXTRACTI128", "VPMASKMOVD", "VPMASKMOVQ", "VPSLLVD",
    "VPSLLVQ", "VPSRLVD", "VPSRLVQ", "VPSRAVD", "VPGATHERDD", "VPGATHERDQ",
    "VPGATHERQD", "VPGATHERQQ", "VGATHERDPS", "VGATHERDPD", "VGATHERQPS",
    "VGATHERQPD", "VPBLENDD", NULL,
};
/* VEX "VP..." names that stay AVX at 256 bits (floating point) */
static const char *const avx_vp[] = {
    "VPTEST", "VPERMILPS", "VPERMILPD", "VPERM2F128", NULL,
};
static const char *const legacy_0f38_not41[] = {
    "MOVBE", "CRC32", "ADCX", "ADOX", NULL,
};

static bool in_list(const char *const *l, const char *n)
{
    for (; *l; l++) {
        if (!strcmp(*l, n)) {
            return true;
        }
    }
    return false;
}

static bool starts(const char *n, const char *p)
{
    return !strncmp(n, p, strlen(p));
}

/* Feature of a legacy-encoded mnemonic (or of the V-form's base name). */
static int base_feature(const char *n)
{
    if (in_list(sse3, n)) return X86_FEAT_SSE3;
    if (in_list(ssse3, n)) return X86_FEAT_SSSE3;
    if (in_list(sse42, n)) return X86_FEAT_SSE4_2;
    if (in_list(aes, n)) return X86_FEAT_AES;
    if (in_list(sha, n)) return X86_FEAT_SHA;
    if (in_list(bmi1, n)) return X86_FEAT_BMI1;
    if (in_list(bmi2, n)) return X86_FEAT_BMI2;
    if (!strcmp(n, "PCLMULQDQ")) return X86_FEAT_PCLMULQDQ;
    if (starts(n, "GF2P8")) return FZ_FEAT_GFNI;
    if (!strcmp(n, "INVPCID")) return FZ_FEAT_INVPCID;
    if (!strcmp(n, "POPCNT")) return X86_FEAT_POPCNT;
    if (!strcmp(n, "LZCNT")) return X86_FEAT_LZCNT;
    if (!strcmp(n, "MOVBE")) return X86_FEAT_MOVBE;
    if (!strcmp(n, "CMPXCHG16B")) return X86_FEAT_CX16;
    if (!strcmp(n, "LAHF") || !strcmp(n, "SAHF")) return X86_FEAT_LAHF_LM;
    if (!strcmp(n, "ADCX") || !strcmp(n, "ADOX")) return X86_FEAT_ADX;
    if (!strcmp(n, "PREFETCHW")) return X86_FEAT_PREFETCHW;
    if (!strcmp(n, "CLFLUSHOPT")) return X86_FEAT_CLFLUSHOPT;
    if (!strcmp(n, "CLWB")) return X86_FEAT_CLWB;
    if (!strcmp(n, "RDTSCP")) return X86_FEAT_RDTSCP;
    if (!strcmp(n, "RDPID")) return X86_FEAT_RDPID;
    if (!strcmp(n, "RDRAND")) return X86_FEAT_RDRAND;
    if (!strcmp(n, "RDSEED")) return X86_FEAT_RDSEED;
    if (starts(n, "XSAVE") || starts(n, "XRSTOR") || !strcmp(n, "XGETBV") ||
        !strcmp(n, "XSETBV")) {
        if (!strcmp(n, "XSAVEOPT")) return X86_FEAT_XSAVEOPT;
        if (!strcmp(n, "XSAVEC")) return X86_FEAT_XSAVEC;
        return X86_FEAT_XSAVE;
    }
    if (starts(n, "RDFSBASE") || starts(n, "RDGSBASE") || starts(n, "WRFSBASE") ||
        starts(n, "WRGSBASE")) {
        return X86_FEAT_FSGSBASE;
    }
    return -1;
}

int fz_feature_of(int mn, int map, bool vex, bool vex_l, bool mod_reg)
{
    const char *n = fz_mnemonic_name(mn);

    if (!vex) {
        int f = base_feature(n);
        /* the rest of the legacy 0F38/0F3A maps is SSE4.1 */
        if (f < 0 && (map == X86_MAP_0F38 || map == X86_MAP_0F3A) &&
            !in_list(legacy_0f38_not41, n)) {
            f = X86_FEAT_SSE4_1;
        }
        return f;
    }
    /* VEX-encoded */
    if (in_list(bmi1, n)) return X86_FEAT_BMI1;
    if (in_list(bmi2, n)) return X86_FEAT_BMI2;
    if (starts(n, "VFMADD") || starts(n, "VFMSUB") || starts(n, "VFNMADD") ||
        starts(n, "VFNMSUB")) {
        return X86_FEAT_FMA;
    }
    if (!strcmp(n, "VCVTPH2PS") || !strcmp(n, "VCVTPS2PH")) return X86_FEAT_F16C;
    if (n[0] == 'V') {
        int f = base_feature(n + 1);
        if (f == X86_FEAT_AES || f == X86_FEAT_PCLMULQDQ || f == X86_FEAT_SHA || f == FZ_FEAT_GFNI) {
            return f;     /* VEX AES/PCLMUL need the base feature too: never modelled */
        }
    }
    if (in_list(avx2_always, n)) return X86_FEAT_AVX2;
    if ((!strcmp(n, "VBROADCASTSS") || !strcmp(n, "VBROADCASTSD")) && mod_reg) {
        return X86_FEAT_AVX2;
    }
    if (vex_l && ((starts(n, "VP") && !in_list(avx_vp, n)) || !strcmp(n, "VMPSADBW") ||
                  !strcmp(n, "VMOVNTDQA"))) {
        return X86_FEAT_AVX2;
    }
    return X86_FEAT_AVX;
}

bool fz_host_has(int f)
{
    static uint32_t words[X86_FW_NB];
    static bool done;
    if (!done) {
        unsigned a, b, c, d;
        done = true;
        __cpuid(1, a, b, c, d);
        words[X86_FW_1_EDX] = d;
        words[X86_FW_1_ECX] = c;
        __cpuid_count(7, 0, a, b, c, d);
        words[X86_FW_7_0_EBX] = b;
        words[X86_FW_7_0_ECX] = c;
        words[X86_FW_7_0_EDX] = d;
        __cpuid(0x80000001, a, b, c, d);
        words[X86_FW_8000_0001_EDX] = d;
        words[X86_FW_8000_0001_ECX] = c;
        __cpuid_count(0xd, 1, a, b, c, d);
        words[X86_FW_D_1_EAX] = a;
        /* AVX needs the OS to enable the YMM state (XCR0 bits 1-2) */
        if (words[X86_FW_1_ECX] & (1u << 27)) {
            uint32_t lo, hi;
            __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
            if ((lo & 6) != 6) {
                words[X86_FW_1_ECX] &= ~((1u << 28) | (1u << 12) | (1u << 29));
                words[X86_FW_7_0_EBX] &= ~(1u << 5);
            }
        } else {
            words[X86_FW_1_ECX] &= ~((1u << 28) | (1u << 12) | (1u << 29));
            words[X86_FW_7_0_EBX] &= ~(1u << 5);
        }
    }
    if (f < 0) {
        return true;
    }
    return (words[f >> 5] >> (f & 31)) & 1;
}

bool fz_model_has(int f)
{
    return f < 0 || x86_cpu_has(f);
}

const char *fz_feature_name(int f)
{
    switch (f) {
    case -1: return "base";
    case X86_FEAT_SSE3: return "SSE3";
    case X86_FEAT_SSSE3: return "SSSE3";
    case X86_FEAT_SSE4_1: return "SSE4.1";
    case X86_FEAT_SSE4_2: return "SSE4.2";
    case X86_FEAT_POPCNT: return "POPCNT";
    case X86_FEAT_CX16: return "CX16";
    case X86_FEAT_LAHF_LM: return "LAHF_LM";
    case X86_FEAT_AVX: return "AVX";
    case X86_FEAT_AVX2: return "AVX2";
    case X86_FEAT_FMA: return "FMA";
    case X86_FEAT_F16C: return "F16C";
    case X86_FEAT_BMI1: return "BMI1";
    case X86_FEAT_BMI2: return "BMI2";
    case X86_FEAT_LZCNT: return "LZCNT";
    case X86_FEAT_MOVBE: return "MOVBE";
    case X86_FEAT_XSAVE: return "XSAVE";
    case X86_FEAT_ADX: return "ADX";
    case X86_FEAT_AES: return "AES";
    case X86_FEAT_SHA: return "SHA";
    case X86_FEAT_PCLMULQDQ: return "PCLMULQDQ";
    case FZ_FEAT_GFNI: return "GFNI";
    default: return "other";
    }
}
