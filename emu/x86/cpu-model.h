/*
 * emu/x86/cpu-model.h — the fixed CPU model emu presents through CPUID.
 *
 * The model is process-global and chosen once (-cpu NAME) before any code
 * is translated; it never depends on the host, so guests take the same
 * code paths (glibc ifuncs, cache-size tunings) on every machine.  The
 * translator asks x86_cpu_has() whether an optional instruction exists and
 * raises #UD when it does not.  Never advertise what is not implemented.
 */
#ifndef EMU_X86_CPU_MODEL_H
#define EMU_X86_CPU_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Feature numbers encode where the bit lives in CPUID: word * 32 + bit.
 * Words: see X86_FW_* (the order of X86CPUModel.features[]).
 */
enum {
    X86_FW_1_EDX,       /* CPUID.1:EDX */
    X86_FW_1_ECX,       /* CPUID.1:ECX */
    X86_FW_7_0_EBX,     /* CPUID.(7,0):EBX */
    X86_FW_7_0_ECX,     /* CPUID.(7,0):ECX */
    X86_FW_7_0_EDX,     /* CPUID.(7,0):EDX */
    X86_FW_8000_0001_EDX,
    X86_FW_8000_0001_ECX,
    X86_FW_D_1_EAX,     /* CPUID.(0xD,1):EAX (xsave variants) */
    X86_FW_NB
};

#define X86_FEAT(w, b) ((X86_FW_##w) * 32 + (b))

enum X86Feature {
    /* CPUID.1:EDX */
    X86_FEAT_FPU      = X86_FEAT(1_EDX, 0),
    X86_FEAT_TSC      = X86_FEAT(1_EDX, 4),
    X86_FEAT_CX8      = X86_FEAT(1_EDX, 8),
    X86_FEAT_CMOV     = X86_FEAT(1_EDX, 15),
    X86_FEAT_CLFSH    = X86_FEAT(1_EDX, 19),
    X86_FEAT_MMX      = X86_FEAT(1_EDX, 23),
    X86_FEAT_FXSR     = X86_FEAT(1_EDX, 24),
    X86_FEAT_SSE      = X86_FEAT(1_EDX, 25),
    X86_FEAT_SSE2     = X86_FEAT(1_EDX, 26),
    /* CPUID.1:ECX */
    X86_FEAT_SSE3     = X86_FEAT(1_ECX, 0),
    X86_FEAT_PCLMULQDQ = X86_FEAT(1_ECX, 1),
    X86_FEAT_SSSE3    = X86_FEAT(1_ECX, 9),
    X86_FEAT_FMA      = X86_FEAT(1_ECX, 12),
    X86_FEAT_CX16     = X86_FEAT(1_ECX, 13),
    X86_FEAT_SSE4_1   = X86_FEAT(1_ECX, 19),
    X86_FEAT_SSE4_2   = X86_FEAT(1_ECX, 20),
    X86_FEAT_MOVBE    = X86_FEAT(1_ECX, 22),
    X86_FEAT_POPCNT   = X86_FEAT(1_ECX, 23),
    X86_FEAT_AES      = X86_FEAT(1_ECX, 25),
    X86_FEAT_XSAVE    = X86_FEAT(1_ECX, 26),
    X86_FEAT_OSXSAVE  = X86_FEAT(1_ECX, 27),
    X86_FEAT_AVX      = X86_FEAT(1_ECX, 28),
    X86_FEAT_F16C     = X86_FEAT(1_ECX, 29),
    X86_FEAT_RDRAND   = X86_FEAT(1_ECX, 30),
    /* CPUID.(7,0):EBX */
    X86_FEAT_FSGSBASE = X86_FEAT(7_0_EBX, 0),
    X86_FEAT_BMI1     = X86_FEAT(7_0_EBX, 3),
    X86_FEAT_AVX2     = X86_FEAT(7_0_EBX, 5),
    X86_FEAT_BMI2     = X86_FEAT(7_0_EBX, 8),
    X86_FEAT_ERMS     = X86_FEAT(7_0_EBX, 9),
    X86_FEAT_RDSEED   = X86_FEAT(7_0_EBX, 18),
    X86_FEAT_ADX      = X86_FEAT(7_0_EBX, 19),
    X86_FEAT_CLFLUSHOPT = X86_FEAT(7_0_EBX, 23),
    X86_FEAT_CLWB     = X86_FEAT(7_0_EBX, 24),
    X86_FEAT_SHA      = X86_FEAT(7_0_EBX, 29),
    /* CPUID.(7,0):ECX */
    X86_FEAT_RDPID    = X86_FEAT(7_0_ECX, 22),
    /* CPUID.(7,0):EDX */
    X86_FEAT_FSRM     = X86_FEAT(7_0_EDX, 4),
    /* CPUID.0x80000001:EDX */
    X86_FEAT_SYSCALL  = X86_FEAT(8000_0001_EDX, 11),
    X86_FEAT_NX       = X86_FEAT(8000_0001_EDX, 20),
    X86_FEAT_RDTSCP   = X86_FEAT(8000_0001_EDX, 27),
    X86_FEAT_LM       = X86_FEAT(8000_0001_EDX, 29),
    /* CPUID.0x80000001:ECX */
    X86_FEAT_LAHF_LM  = X86_FEAT(8000_0001_ECX, 0),
    X86_FEAT_ABM      = X86_FEAT(8000_0001_ECX, 5),   /* LZCNT */
    X86_FEAT_LZCNT    = X86_FEAT(8000_0001_ECX, 5),
    X86_FEAT_PREFETCHW = X86_FEAT(8000_0001_ECX, 8),
    /* CPUID.(0xD,1):EAX */
    X86_FEAT_XSAVEOPT = X86_FEAT(D_1_EAX, 0),
    X86_FEAT_XSAVEC   = X86_FEAT(D_1_EAX, 1),
};

/* Select the model by name ("x86-64-v1", "x86-64-v2", "x86-64-v3", "max").
 * Returns false if the name is unknown (nothing changes then).  Models not
 * marked complete are selectable too (development; -cpu help marks them).
 * Call before translating any code.  Without a call, the default model
 * (x86_cpu_model_default_name()) is in effect. */
bool x86_cpu_model_set(const char *name);
/* Tests: same as x86_cpu_model_set (kept for existing callers). */
bool x86_cpu_model_force_for_test(const char *name);
/* Name of the default model (always a complete one; never host-dependent). */
const char *x86_cpu_model_default_name(void);
/* Whether the current model is marked complete (all features verified). */
bool x86_cpu_model_complete(void);
/* Print the models, one per line with a description (for -cpu help). */
void x86_cpu_model_list(FILE *f);
/* Name of the current model. */
const char *x86_cpu_model_name(void);
/* AT_HWCAP (= CPUID.1:EDX) and AT_HWCAP2 (x86 HWCAP2_* bits) for auxv. */
uint64_t x86_cpu_hwcap(void);
uint64_t x86_cpu_hwcap2(void);
/* Whether the current model advertises feature f (an X86_FEAT_* value). */
bool x86_cpu_has(int f);
/* XSAVE state components (bit numbers in XCR0). */
enum {
    X86_XSTATE_X87 = 0,
    X86_XSTATE_SSE = 1,
    X86_XSTATE_AVX = 2,   /* upper halves of YMM0-15 */
};
/* XCR0 as the OS (Linux) sets it for this model: every supported component
 * (x87|SSE|AVX = 7 for v3, 0 without XSAVE).  XGETBV(0) returns it; XSAVE
 * and XRSTOR use it as the enabled-feature mask. */
uint64_t x86_cpu_xcr0(void);
/* Size of the standard-format XSAVE area for x86_cpu_xcr0() (832 with AVX;
 * 0 without XSAVE): CPUID.(0xD,0).EBX. */
uint32_t x86_cpu_xsave_size(void);
/* CPUID for leaf/subleaf under the current model: out[0..3] = EAX EBX ECX EDX. */
void x86_cpu_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

#endif
