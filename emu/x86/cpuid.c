/*
 * emu/x86/cpuid.c — the CPU models and the CPUID leaves they answer.
 *
 * Vendor: "GenuineIntel".  glibc (and other runtimes) pick their cache-size
 * and string-function tunings by vendor; the Intel path reads the
 * deterministic cache-parameter leaf 4 (through leaf 2's 0xFF descriptor)
 * and topology leaf 0xB, which we answer with fixed values, so every run on
 * every host sees the same cache sizes and so the same memcpy thresholds.
 * An unknown vendor string would leave glibc with no cache information at
 * all (thresholds of 0), which takes paths nobody tests.
 *
 * Family 6, model 0xFF: a model number no real Intel part uses, so runtimes
 * that key quirks on (family, model) take their generic Intel branch
 * instead of tunings meant for a real CPU with more features than ours.
 *
 * Models never advertise anything emu does not implement; in particular no
 * ERMS/FSRM (glibc would then prefer `rep movsb`, which emu runs one
 * iteration per TB execution), no XSAVE/AVX for v1.  All model data (the
 * feature words, the XSAVE components) is in the tables below; the CPUID
 * leaves, AT_HWCAP/AT_HWCAP2 and XCR0 are derived from them.
 */
#include <string.h>
#include <glib.h>

#include "emu/x86/cpu-model.h"

typedef struct X86CPUModel {
    const char *name;
    const char *desc;
    /* Every advertised feature is implemented and verified (fuzzer, guest
     * programs).  Incomplete models are selectable for development; -cpu
     * help marks them and the default never lands on one. */
    bool complete;
    uint32_t features[X86_FW_NB];
} X86CPUModel;

#define B(f) (1u << ((f) & 31))

/* x86-64-v1: the psABI baseline — CMOV CX8 FPU FXSR MMX SSE SSE2 (+ TSC,
 * CLFSH, SYSCALL, NX, LM that every x86-64 CPU has). */
#define V1_1_EDX (B(X86_FEAT_FPU) | B(X86_FEAT_TSC) | B(X86_FEAT_CX8) | \
                  B(X86_FEAT_CMOV) | B(X86_FEAT_CLFSH) | B(X86_FEAT_MMX) | \
                  B(X86_FEAT_FXSR) | B(X86_FEAT_SSE) | B(X86_FEAT_SSE2))
#define V1_81_EDX (B(X86_FEAT_SYSCALL) | B(X86_FEAT_NX) | B(X86_FEAT_LM))
/* x86-64-v2 adds CX16 LAHF-SAHF POPCNT SSE3 SSE4_1 SSE4_2 SSSE3. */
#define V2_1_ECX (B(X86_FEAT_SSE3) | B(X86_FEAT_SSSE3) | B(X86_FEAT_CX16) | \
                  B(X86_FEAT_SSE4_1) | B(X86_FEAT_SSE4_2) | B(X86_FEAT_POPCNT))
#define V2_81_ECX (B(X86_FEAT_LAHF_LM))
/* x86-64-v3 adds AVX AVX2 BMI1 BMI2 F16C FMA LZCNT MOVBE OSXSAVE (and
 * XSAVE, which OSXSAVE implies; XCR0 = x87|SSE|AVX, see x86_cpu_xcr0). */
#define V3_1_ECX (V2_1_ECX | B(X86_FEAT_FMA) | B(X86_FEAT_MOVBE) | \
                  B(X86_FEAT_XSAVE) | B(X86_FEAT_OSXSAVE) | B(X86_FEAT_AVX) | \
                  B(X86_FEAT_F16C))
#define V3_7_EBX (B(X86_FEAT_BMI1) | B(X86_FEAT_AVX2) | B(X86_FEAT_BMI2))
#define V3_81_ECX (V2_81_ECX | B(X86_FEAT_LZCNT))
/* max: v3 + the extras emu translates.  Never RDRAND/RDSEED (not
 * deterministic), never ERMS/FSRM (see the header comment), no AES,
 * PCLMULQDQ, SHA (not implemented), no XSAVEOPT/XSAVEC/XSAVES. */
#define MAX_7_EBX (V3_7_EBX | B(X86_FEAT_FSGSBASE) | B(X86_FEAT_ADX) | \
                   B(X86_FEAT_CLFLUSHOPT) | B(X86_FEAT_CLWB))
#define MAX_7_ECX (B(X86_FEAT_RDPID))
#define MAX_81_EDX (V1_81_EDX | B(X86_FEAT_RDTSCP))
#define MAX_81_ECX (V3_81_ECX | B(X86_FEAT_PREFETCHW))

/* Ordered by capability: the default falls back along this list. */
static const X86CPUModel x86_models[] = {
    {
        .name = "x86-64-v1",
        .desc = "x86-64 baseline: x87, MMX, SSE, SSE2, CMOV, CX8",
        .complete = true,
        .features = {
            [X86_FW_1_EDX] = V1_1_EDX,
            [X86_FW_8000_0001_EDX] = V1_81_EDX,
        },
    },
    {
        .name = "x86-64-v2",
        .desc = "v1 + SSE3, SSSE3, SSE4.1, SSE4.2, POPCNT, CX16, LAHF/SAHF",
        .complete = true,
        .features = {
            [X86_FW_1_EDX] = V1_1_EDX,
            [X86_FW_1_ECX] = V2_1_ECX,
            [X86_FW_8000_0001_EDX] = V1_81_EDX,
            [X86_FW_8000_0001_ECX] = V2_81_ECX,
        },
    },
    {
        .name = "x86-64-v3",
        .desc = "v2 + AVX, AVX2, BMI1, BMI2, FMA, F16C, LZCNT, MOVBE, XSAVE",
        .complete = true,
        .features = {
            [X86_FW_1_EDX] = V1_1_EDX,
            [X86_FW_1_ECX] = V3_1_ECX,
            [X86_FW_7_0_EBX] = V3_7_EBX,
            [X86_FW_8000_0001_EDX] = V1_81_EDX,
            [X86_FW_8000_0001_ECX] = V3_81_ECX,
        },
    },
    {
        .name = "max",
        .desc = "v3 + ADX, FSGSBASE, RDTSCP, RDPID, CLFLUSHOPT, CLWB, PREFETCHW",
        .complete = true,
        .features = {
            [X86_FW_1_EDX] = V1_1_EDX,
            [X86_FW_1_ECX] = V3_1_ECX,
            [X86_FW_7_0_EBX] = MAX_7_EBX,
            [X86_FW_7_0_ECX] = MAX_7_ECX,
            [X86_FW_8000_0001_EDX] = MAX_81_EDX,
            [X86_FW_8000_0001_ECX] = MAX_81_ECX,
        },
    },
};

/*
 * The default model: THE line to change when a model is declared complete.
 * If the named model is not marked complete, the default is the nearest
 * complete model before it in x86_models[] (so it is always complete, and
 * it never depends on the host).
 */
#define X86_DEFAULT_MODEL "x86-64-v3"

static const X86CPUModel *x86_cur_model;

static const X86CPUModel *x86_model_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(x86_models); i++) {
        if (strcmp(x86_models[i].name, name) == 0) {
            return &x86_models[i];
        }
    }
    return NULL;
}

static const X86CPUModel *x86_model_default(void)
{
    const X86CPUModel *m = x86_model_find(X86_DEFAULT_MODEL);

    g_assert(m);
    while (!m->complete && m > x86_models) {
        m--;
    }
    g_assert(m->complete);
    return m;
}

static const X86CPUModel *x86_model(void)
{
    if (!x86_cur_model) {
        x86_cur_model = x86_model_default();
    }
    return x86_cur_model;
}

bool x86_cpu_model_set(const char *name)
{
    const X86CPUModel *m = x86_model_find(name);

    if (!m) {
        return false;
    }
    x86_cur_model = m;
    return true;
}

bool x86_cpu_model_force_for_test(const char *name)
{
    return x86_cpu_model_set(name);
}

const char *x86_cpu_model_default_name(void)
{
    return x86_model_default()->name;
}

void x86_cpu_model_list(FILE *f)
{
    const X86CPUModel *def = x86_model_default();

    fprintf(f, "Available CPU models:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(x86_models); i++) {
        const X86CPUModel *m = &x86_models[i];
        fprintf(f, "  %-12s %s%s%s\n", m->name, m->desc,
                m == def ? " (default)" : "",
                m->complete ? "" : " (incomplete: for development)");
    }
}

const char *x86_cpu_model_name(void)
{
    return x86_model()->name;
}

bool x86_cpu_model_complete(void)
{
    return x86_model()->complete;
}

bool x86_cpu_has(int f)
{
    if (f < 0 || f >= X86_FW_NB * 32) {
        return false;
    }
    return (x86_model()->features[f >> 5] >> (f & 31)) & 1;
}

uint64_t x86_cpu_hwcap(void)
{
    return x86_model()->features[X86_FW_1_EDX];
}

uint64_t x86_cpu_hwcap2(void)
{
    /* HWCAP2_FSGSBASE (bit 1): the kernel enabled wrfsbase & co. */
    return x86_cpu_has(X86_FEAT_FSGSBASE) ? 2 : 0;
}

/*
 * XSAVE state components (standard, non-compacted format).  Components 0
 * and 1 live in the 512-byte legacy area; the 64-byte header follows; AVX
 * (YMM upper halves) sits at 576.  Only components the model's features
 * enable are in XCR0.
 */
typedef struct X86XState {
    int feat;          /* feature that enables it */
    uint32_t size, offset;
} X86XState;

static const X86XState x86_xstates[] = {
    [X86_XSTATE_X87] = { X86_FEAT_XSAVE, 160, 0 },
    [X86_XSTATE_SSE] = { X86_FEAT_XSAVE, 256, 160 },
    [X86_XSTATE_AVX] = { X86_FEAT_AVX, 256, 576 },
};
#define X86_XSAVE_LEGACY_HDR (512 + 64)

uint64_t x86_cpu_xcr0(void)
{
    uint64_t xcr0 = 0;

    if (!x86_cpu_has(X86_FEAT_XSAVE)) {
        return 0;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(x86_xstates); i++) {
        if (x86_cpu_has(x86_xstates[i].feat)) {
            xcr0 |= 1ull << i;
        }
    }
    return xcr0;
}

uint32_t x86_cpu_xsave_size(void)
{
    uint64_t xcr0 = x86_cpu_xcr0();
    uint32_t size = xcr0 ? X86_XSAVE_LEGACY_HDR : 0;

    for (size_t i = 2; i < G_N_ELEMENTS(x86_xstates); i++) {
        if (xcr0 & (1ull << i)) {
            size = MAX(size, x86_xstates[i].offset + x86_xstates[i].size);
        }
    }
    return size;
}

static void x86_cpuid_xsave(uint32_t sub, uint32_t out[4])
{
    uint64_t xcr0 = x86_cpu_xcr0();

    if (!xcr0) {
        return;
    }
    if (sub == 0) {
        /* Supported XCR0 bits; size for the enabled XCR0 (= all, as the OS
         * enables everything supported); max size; supported high bits. */
        out[0] = (uint32_t)xcr0;
        out[1] = x86_cpu_xsave_size();
        out[2] = x86_cpu_xsave_size();
        out[3] = (uint32_t)(xcr0 >> 32);
    } else if (sub == 1) {
        out[0] = x86_model()->features[X86_FW_D_1_EAX];
    } else if (sub < G_N_ELEMENTS(x86_xstates) && (xcr0 & (1ull << sub))) {
        /* Component size, offset in the standard format; ECX: user state,
         * no 64-byte alignment in compacted form. */
        out[0] = x86_xstates[sub].size;
        out[1] = x86_xstates[sub].offset;
    }
}

/* Fixed cache hierarchy (leaf 4 and 0x80000006): 32 KiB 8-way L1d and L1i,
 * 1 MiB 16-way L2, 8 MiB 16-way L3, 64-byte lines, one thread per core and
 * one core per package. */
typedef struct X86Cache {
    uint8_t type;     /* 1 data, 2 instruction, 3 unified */
    uint8_t level;
    uint32_t size;
    uint16_t ways;
} X86Cache;

static const X86Cache x86_caches[] = {
    { 1, 1, 32 * 1024, 8 },
    { 2, 1, 32 * 1024, 8 },
    { 3, 2, 1024 * 1024, 16 },
    { 3, 3, 8 * 1024 * 1024, 16 },
};
#define X86_LINE 64

#define X86_MAX_LEAF     0xd
#define X86_MAX_EXT_LEAF 0x80000008u

static void x86_cpuid_cache(uint32_t sub, uint32_t out[4])
{
    if (sub >= G_N_ELEMENTS(x86_caches)) {
        return;   /* type 0: no more caches */
    }
    const X86Cache *c = &x86_caches[sub];
    uint32_t sets = c->size / (c->ways * X86_LINE);
    /* EAX: type, level, self-initializing; sharing fields 0 = 1 thread/core. */
    out[0] = c->type | (c->level << 5) | (1u << 8);
    out[1] = (X86_LINE - 1) | (0u << 12) | ((c->ways - 1u) << 22);
    out[2] = sets - 1;
    out[3] = 0;
}

void x86_cpu_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    const uint32_t *f = x86_model()->features;
    char brand[48] = { 0 };

    memset(out, 0, 4 * sizeof(uint32_t));
    switch (leaf) {
    case 0:
        out[0] = X86_MAX_LEAF;
        /* "GenuineIntel" is EBX EDX ECX. */
        memcpy(&out[1], "Genu", 4);
        memcpy(&out[3], "ineI", 4);
        memcpy(&out[2], "ntel", 4);
        break;
    case 1:
        /* Family 6, extended model 0xF, model 0xF, stepping 1. */
        out[0] = (0xfu << 16) | (6u << 8) | (0xfu << 4) | 1u;
        /* CLFLUSH line 8 qwords, 1 logical processor, APIC id 0. */
        out[1] = (8u << 8) | (1u << 16);
        out[2] = f[X86_FW_1_ECX];
        out[3] = f[X86_FW_1_EDX];
        break;
    case 2:
        /* One round; descriptor 0xFF: "see leaf 4". */
        out[0] = 0x0000ff01;
        break;
    case 4:
        x86_cpuid_cache(sub, out);
        break;
    case 7:
        if (sub == 0) {
            out[1] = f[X86_FW_7_0_EBX];
            out[2] = f[X86_FW_7_0_ECX];
            out[3] = f[X86_FW_7_0_EDX];
        }
        break;
    case 0xb:
        /* Topology: one thread per core (SMT level), one core (core level). */
        if (sub == 0) {
            out[1] = 1;
            out[2] = (1u << 8) | sub;
        } else if (sub == 1) {
            out[1] = 1;
            out[2] = (2u << 8) | sub;
        } else {
            out[2] = sub;
        }
        out[3] = 0;   /* x2APIC id */
        break;
    case 0xd:
        x86_cpuid_xsave(sub, out);
        break;
    case 0x80000000:
        out[0] = X86_MAX_EXT_LEAF;
        break;
    case 0x80000001:
        out[2] = f[X86_FW_8000_0001_ECX];
        out[3] = f[X86_FW_8000_0001_EDX];
        break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004:
        /* Brand string "emu <model> CPU", NUL padded to 48 bytes. */
        snprintf(brand, sizeof(brand), "emu %s CPU", x86_model()->name);
        memcpy(out, brand + 16 * (leaf - 0x80000002), 16);
        break;
    case 0x80000006:
        /* L2: size in KiB, associativity code 8 = 16-way, line size. */
        out[2] = ((x86_caches[2].size / 1024) << 16) | (8u << 12) | X86_LINE;
        break;
    case 0x80000008:
        /* 39 physical, 48 linear address bits. */
        out[0] = (48u << 8) | 39u;
        break;
    default:
        /* Unlisted leaves below the maxima (and above them) read as zero. */
        break;
    }
}
