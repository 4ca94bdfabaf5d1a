/*
 * fp-mxcsr-runs.c — MXCSR flags and rounding across guest memory accesses
 * placed between SSE floating-point instructions.
 *
 * emu's JIT runs a stretch of native FP instructions under the guest's
 * MXCSR, and the stretch may span loads and stores (docs/jit.md): the
 * flags those instructions raise are in the host register until the
 * stretch ends.  Each case here is one straight block: an FP instruction
 * that raises a flag, a load, another FP instruction.  Printed: the
 * results, the flags read back with STMXCSR after the block, and, when
 * the load faults (an unmapped page: a host fault in generated code; a
 * non-canonical address: emu's out-of-line access path), the MXCSR the
 * SIGSEGV handler finds in its ucontext, which must hold the flags raised
 * before the fault and the rounding mode, then STMXCSR after siglongjmp.
 * Every exception stays masked (unmasked ones are sse-fp's business).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "mxcsr-util.h"

static sigjmp_buf jb;
static volatile uint32_t seen_mx;
static volatile int seen_code;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)sig;
    seen_mx = uc->uc_mcontext.fpregs->mxcsr;
    seen_code = si->si_code;
    siglongjmp(jb, 1);
}


/* op1 a, b; load c from p; op2 c, b — one block, no calls in between. */
#define BLOCK(op1, op2)                                                          \
    static void block_##op1##_##op2(double *a, double b, const double *p, double *c) \
    {                                                                            \
        double x = *a, y;                                                        \
        __asm__ volatile(#op1 " %[b], %[x]\n\t"                                  \
                         "movsd (%[p]), %[y]\n\t"                                \
                         #op2 " %[b], %[y]\n\t"                                  \
                         : [x] "+x"(x), [y] "=&x"(y)                             \
                         : [b] "x"(b), [p] "r"(p)                                \
                         : "memory");                                            \
        *a = x;                                                                  \
        *c = y;                                                                  \
    }
BLOCK(divsd, mulsd)
BLOCK(mulsd, addsd)
BLOCK(addsd, divsd)

typedef void (*block_fn)(double *, double, const double *, double *);

static const struct {
    const char *name;
    block_fn fn;
    double a, b, mem;
} cases[] = {
    { "divsd 1/3 then mulsd", block_divsd_mulsd, 1.0, 3.0, 2.0 },            /* PE */
    { "divsd 1/0 then mulsd", block_divsd_mulsd, 1.0, 0.0, 2.0 },            /* ZE, then IE-free inf */
    { "divsd 0/0 then mulsd", block_divsd_mulsd, 0.0, 0.0, 1.0 },            /* IE */
    { "mulsd overflow then addsd", block_mulsd_addsd, 1e308, 10.0, 1.0 },     /* OE PE */
    { "mulsd underflow then addsd", block_mulsd_addsd, 1e-308, 1e-10, 0.0 },  /* UE PE */
    { "addsd denormal then divsd", block_addsd_divsd, 4e-320, 1.0, 1.0 },     /* DE */
    { "divsd 2/3 then mulsd", block_divsd_mulsd, 2.0, 3.0, 1e-300 },
};

static const uint32_t modes[] = {
    0x1f80,              /* nearest */
    0x1f80 | 0x2000,     /* down */
    0x1f80 | 0x4000,     /* up */
    0x1f80 | 0x6000,     /* toward zero */
    0x1f80 | 0x8040,     /* FTZ | DAZ */
};

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    long pg = sysconf(_SC_PAGESIZE);
    double *unmapped = mmap(NULL, (size_t)pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (unmapped == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    const double *noncanonical = (const double *)0x0000800000000010ull;

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);

    for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            /* the load succeeds */
            double a = cases[i].a, mem = cases[i].mem, c = 0;
            set_mx(modes[m]);
            cases[i].fn(&a, cases[i].b, &mem, &c);
            uint32_t after = get_mx();
            printf("mx %04x %-28s ok:    a=%016llx c=%016llx mxcsr %04x\n", modes[m],
                   cases[i].name, (unsigned long long)bits(a), (unsigned long long)bits(c),
                   after);

            /* the load faults: unmapped page, then non-canonical address */
            const double *bad[2] = { unmapped, noncanonical };
            for (int k = 0; k < 2; k++) {
                a = cases[i].a;
                seen_mx = 0;
                seen_code = 0;
                set_mx(modes[m]);
                if (sigsetjmp(jb, 1) == 0) {
                    cases[i].fn(&a, cases[i].b, bad[k], &c);
                    printf("  no fault?\n");
                }
                after = get_mx();
                printf("mx %04x %-28s %s: handler mxcsr %04x si_code %d, after %04x\n",
                       modes[m], cases[i].name, k ? "noncanon" : "unmapped", seen_mx,
                       seen_code, after);
            }
        }
    }
    set_mx(0x1f80);
    return 0;
}
