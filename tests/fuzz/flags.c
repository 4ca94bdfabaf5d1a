/*
 * tests/fuzz/flags.c — what the fuzzer must not compare, per mnemonic.
 *
 *  - undefined RFLAGS bits (Intel SDM, "Flags Affected" of each
 *    instruction).  The host is AMD, emu models Intel: where the manual
 *    says "undefined" the two vendors differ, so these bits are masked,
 *    and a later instruction that would read them (ADC, Jcc, SETcc,
 *    CMOVcc, PUSHF, LAHF...) is not placed after them in a sequence.
 *  - FZ_FLAG_X87C, a pseudo flag: the x87 condition codes C0, C2, C3 that
 *    most x87 arithmetic leaves undefined (FSW bits 8, 10, 14), and
 *    FZ_FLAG_X87C1 for C1 (bit 9), undefined after FFREE, FNOP, FNCLEX,
 *    FWAIT, FLDCW and the FNST* stores.
 *  - the exclusion list: instructions whose result legitimately differs
 *    between the host and emu (time, randomness, CPUID, the host OS, the
 *    host's XCR0, vendor-specific approximations) or that would escape the
 *    sandbox (segment loads, indirect branches to random targets).
 * docs/fuzzer.md reproduces these tables; keep them in step.
 */
#include <string.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/x86/decode.h"
#include "fuzz.h"

#define F_C CC_C
#define F_P CC_P
#define F_A CC_A
#define F_Z CC_Z
#define F_S CC_S
#define F_O CC_O
#define F_ALL CC_ARITH_MASK

static const struct { const char *mn; uint32_t undef; } undef_tbl[] = {
    { "AND", F_A }, { "OR", F_A }, { "XOR", F_A }, { "TEST", F_A },
    { "SHL", F_O | F_A }, { "SHR", F_O | F_A }, { "SAR", F_O | F_A },
    { "ROL", F_O }, { "ROR", F_O }, { "RCL", F_O }, { "RCR", F_O },
    { "SHLD", F_O | F_A }, { "SHRD", F_O | F_A },
    { "MUL", F_S | F_Z | F_A | F_P }, { "IMUL", F_S | F_Z | F_A | F_P },
    { "DIV", F_ALL }, { "IDIV", F_ALL },
    { "BT", F_O | F_S | F_A | F_P }, { "BTS", F_O | F_S | F_A | F_P },
    { "BTR", F_O | F_S | F_A | F_P }, { "BTC", F_O | F_S | F_A | F_P },
    { "BSF", F_C | F_O | F_S | F_A | F_P }, { "BSR", F_C | F_O | F_S | F_A | F_P },
    { "LZCNT", F_O | F_S | F_A | F_P }, { "TZCNT", F_O | F_S | F_A | F_P },
    { "ANDN", F_A | F_P }, { "BEXTR", F_A | F_S | F_P },
    { "BLSI", F_A | F_P }, { "BLSMSK", F_A | F_P }, { "BLSR", F_A | F_P },
    { "BZHI", F_A | F_P },
    /* x87: C0, C2, C3 undefined (and C1 for the control instructions) */
    { "FADD", FZ_FLAG_X87C }, { "FADDP", FZ_FLAG_X87C }, { "FIADD", FZ_FLAG_X87C },
    { "FSUB", FZ_FLAG_X87C }, { "FSUBP", FZ_FLAG_X87C }, { "FISUB", FZ_FLAG_X87C },
    { "FSUBR", FZ_FLAG_X87C }, { "FSUBRP", FZ_FLAG_X87C }, { "FISUBR", FZ_FLAG_X87C },
    { "FMUL", FZ_FLAG_X87C }, { "FMULP", FZ_FLAG_X87C }, { "FIMUL", FZ_FLAG_X87C },
    { "FDIV", FZ_FLAG_X87C }, { "FDIVP", FZ_FLAG_X87C }, { "FIDIV", FZ_FLAG_X87C },
    { "FDIVR", FZ_FLAG_X87C }, { "FDIVRP", FZ_FLAG_X87C }, { "FIDIVR", FZ_FLAG_X87C },
    { "FLD", FZ_FLAG_X87C }, { "FILD", FZ_FLAG_X87C }, { "FBLD", FZ_FLAG_X87C },
    { "FST", FZ_FLAG_X87C }, { "FSTP", FZ_FLAG_X87C }, { "FIST", FZ_FLAG_X87C },
    { "FISTP", FZ_FLAG_X87C }, { "FISTTP", FZ_FLAG_X87C }, { "FBSTP", FZ_FLAG_X87C },
    { "FABS", FZ_FLAG_X87C }, { "FCHS", FZ_FLAG_X87C }, { "FSQRT", FZ_FLAG_X87C },
    { "FRNDINT", FZ_FLAG_X87C }, { "FSCALE", FZ_FLAG_X87C }, { "FXTRACT", FZ_FLAG_X87C },
    { "F2XM1", FZ_FLAG_X87C }, { "FYL2X", FZ_FLAG_X87C }, { "FYL2XP1", FZ_FLAG_X87C },
    { "FPATAN", FZ_FLAG_X87C }, { "FSIN", FZ_FLAG_X87C }, { "FCOS", FZ_FLAG_X87C },
    { "FSINCOS", FZ_FLAG_X87C }, { "FPTAN", FZ_FLAG_X87C },
    { "FLD1", FZ_FLAG_X87C }, { "FLDL2T", FZ_FLAG_X87C }, { "FLDL2E", FZ_FLAG_X87C },
    { "FLDPI", FZ_FLAG_X87C }, { "FLDLG2", FZ_FLAG_X87C }, { "FLDLN2", FZ_FLAG_X87C },
    { "FLDZ", FZ_FLAG_X87C }, { "FXCH", FZ_FLAG_X87C }, { "FINCSTP", FZ_FLAG_X87C },
    { "FDECSTP", FZ_FLAG_X87C }, { "FFREE", FZ_FLAG_X87C | FZ_FLAG_X87C1 }, { "FFREEP", FZ_FLAG_X87C | FZ_FLAG_X87C1 },
    { "FCMOVCC", FZ_FLAG_X87C }, { "FLDCW", FZ_FLAG_X87C | FZ_FLAG_X87C1 }, { "FNCLEX", FZ_FLAG_X87C | FZ_FLAG_X87C1 },
    { "FNOP", FZ_FLAG_X87C | FZ_FLAG_X87C1 }, { "FWAIT", FZ_FLAG_X87C | FZ_FLAG_X87C1 }, { "FNSTCW", FZ_FLAG_X87C | FZ_FLAG_X87C1 },
    { "FNSTSW", FZ_FLAG_X87C | FZ_FLAG_X87C1 }, { "FNSTENV", FZ_FLAG_X87C | FZ_FLAG_X87C1 },
    /* FCOMI family: C1 "set to 0" (Intel); AMD hosts leave it as it was */
    { "FCOMI", FZ_FLAG_X87C1 }, { "FCOMIP", FZ_FLAG_X87C1 },
    { "FUCOMI", FZ_FLAG_X87C1 }, { "FUCOMIP", FZ_FLAG_X87C1 },
};

/* Why an instruction is not generated (NULL: it is). */
static const struct { const char *mn; const char *why; } excluded_tbl[] = {
    /* nondeterministic or model-defined by design */
    { "RDTSC", "time" }, { "RDTSCP", "time" }, { "RDPMC", "performance counters" },
    { "RDRAND", "random" }, { "RDSEED", "random" }, { "RDPID", "host TSC_AUX" },
    { "CPUID", "emu's CPU model by design" }, { "XGETBV", "XCR0 is the model's" },
    { "RDPKRU", "host PKRU" }, { "WRPKRU", "host PKRU (could lock the sandbox out)" },
    /* the host OS */
    { "SYSCALL", "system call" }, { "SYSEXIT", "#UD on AMD in 64-bit mode, #GP on Intel" }, { "SYSENTER", "system call (vendor-specific)" },
    { "INT", "software interrupt (int 0x80 is a system call)" },
    { "SGDT", "UMIP (host kernel policy)" }, { "SIDT", "UMIP" }, { "SLDT", "UMIP" },
    { "STR", "UMIP" }, { "SMSW", "UMIP" },
    { "LAR", "host descriptor tables" }, { "LSL", "host descriptor tables" },
    { "VERR", "host descriptor tables" }, { "VERW", "host descriptor tables" },
    { "MONITOR", "ring-3 policy of the host" }, { "MWAIT", "ring-3 policy of the host" },
    { "UMONITOR", "WAITPKG (host lacks)" }, { "UMWAIT", "WAITPKG" }, { "TPAUSE", "WAITPKG" },
    /* would leave the sandbox */
    { "RET", "return to a random address" }, { "RETF", "far transfer" },
    { "IRET", "far transfer" }, { "CALLF", "far transfer" }, { "JMPF", "far transfer" },
    { "LFS", "segment load" }, { "LGS", "segment load" }, { "LSS", "segment load" },
    { "WRFSBASE", "would change the host TLS base" }, { "WRGSBASE", "host GS base" },
    { "RDFSBASE", "host FS base differs" }, { "RDGSBASE", "host GS base differs" },
    /* state layout depends on the host's XCR0 (AVX-512 state) */
    { "XSAVEC", "host XCR0 layout" }, { "XSAVEOPT", "init optimization" },
    { "XSAVES", "supervisor" }, { "XRSTORS", "supervisor" },
    /* vendor-specific results */
    { "RCPPS", "vendor approximation" }, { "RCPSS", "vendor approximation" },
    { "RSQRTPS", "vendor approximation" }, { "RSQRTSS", "vendor approximation" },
    { "VRCPPS", "vendor approximation" }, { "VRCPSS", "vendor approximation" },
    { "VRSQRTPS", "vendor approximation" }, { "VRSQRTSS", "vendor approximation" },
    { "UD0", "length differs by vendor" },
    /* not on the host / no architectural effect to compare */
    { "XBEGIN", "RTM (host lacks)" }, { "XABORT", "RTM" }, { "XEND", "RTM" },
    { "XTEST", "RTM" }, { "PREFETCHWT1", "host lacks" }, { "SERIALIZE", "host lacks" },
    { "GETSEC", "SMX" }, { "INCSSP", "CET shadow stack" }, { "WBNOINVD", "privileged" },
};

static uint32_t undef_by_mn[X86_MN_NB];
static const char *excl_by_mn[X86_MN_NB];

static void flags_init(void)
{
    static bool done;
    if (done) {
        return;
    }
    done = true;
    for (int mn = 0; mn < fz_mnemonic_count(); mn++) {
        const char *n = fz_mnemonic_name(mn);
        for (size_t i = 0; i < G_N_ELEMENTS(undef_tbl); i++) {
            if (!strcmp(undef_tbl[i].mn, n)) {
                undef_by_mn[mn] = undef_tbl[i].undef;
            }
        }
        for (size_t i = 0; i < G_N_ELEMENTS(excluded_tbl); i++) {
            if (!strcmp(excluded_tbl[i].mn, n)) {
                excl_by_mn[mn] = excluded_tbl[i].why;
            }
        }
    }
}

uint32_t fz_undef_flags(int mn, int opsize)
{
    flags_init();
    (void)opsize;
    return mn > 0 && mn < X86_MN_NB ? undef_by_mn[mn] : 0;
}

const char *fz_excluded_reason(int mn)
{
    flags_init();
    return mn > 0 && mn < X86_MN_NB ? excl_by_mn[mn] : NULL;
}

/* Flags a Jcc/SETcc/CMOVcc/FCMOVcc condition reads. */
static uint32_t cond_reads(int cond)
{
    static const uint32_t t[8] = {
        F_O, F_C, F_Z, F_C | F_Z, F_S, F_P, F_S | F_O, F_Z | F_S | F_O,
    };
    return t[(cond >> 1) & 7];
}

uint32_t fz_flags_read(int mn, int cond)
{
    switch (mn) {
    case X86_MN_ADC: case X86_MN_SBB: case X86_MN_RCL: case X86_MN_RCR:
    case X86_MN_CMC: case X86_MN_ADCX:
        return F_C;
    case X86_MN_ADOX:
        return F_O;
    case X86_MN_JCC: case X86_MN_SETCC: case X86_MN_CMOVCC: case X86_MN_FCMOVCC:
        return cond_reads(cond);
    case X86_MN_LOOPE: case X86_MN_LOOPNE:
        return F_Z;
    case X86_MN_PUSHF: case X86_MN_LAHF:
        return F_ALL;
    case X86_MN_FNSTSW: case X86_MN_FNSTENV: case X86_MN_FNSAVE: case X86_MN_FXSAVE:
    case X86_MN_XSAVE:
        return FZ_FLAG_X87C | FZ_FLAG_X87C1;
    default:
        return 0;
    }
}
