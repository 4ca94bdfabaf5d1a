/*
 * fp-mxcsr-across.c — MXCSR flags and rounding when a stretch of SSE
 * floating-point code goes on across block boundaries and what ends it.
 *
 * emu's JIT keeps the guest's MXCSR in the host register from the first
 * FP instruction until C code runs or generated code is left (docs/jit.md,
 * "MXCSR"), across jumps between translated blocks.  Each case here
 * raises a flag with one FP instruction, then crosses a block boundary
 * (a jmp, a taken branch, a loop, a call) and then does what must see
 * the exact MXCSR or the host's: STMXCSR, a syscall, CPUID, LDMXCSR of
 * another rounding mode followed by rounding-sensitive FP, traps (UD2, a
 * misaligned MOVAPS) whose handler reads the MXCSR from its ucontext, a timer signal arriving in
 * an FP loop, and two threads with different rounding modes.  Printed
 * values must match the native run byte for byte.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#include "mxcsr-util.h"


/* divsd x, y (1/3: PE), then a jmp to the next block, then STMXCSR. */
static uint32_t div_jmp_stmxcsr(double x, double y, double *q)
{
    uint32_t mx;
    __asm__ volatile("divsd %[y], %[x]\n\t"
                     "jmp 1f\n\t"
                     "1: stmxcsr %[mx]\n\t"
                     : [x] "+x"(x), [mx] "=m"(mx)
                     : [y] "x"(y));
    *q = x;
    return mx;
}

/* divsd in a loop of n blocks chained to themselves, then STMXCSR. */
static uint32_t div_loop_stmxcsr(double x, double y, long n, double *q)
{
    uint32_t mx;
    double acc = 0;
    __asm__ volatile("1: movsd %[x], %%xmm0\n\t"
                     "divsd %[y], %%xmm0\n\t"
                     "addsd %%xmm0, %[acc]\n\t"
                     "dec %[n]\n\t"
                     "jnz 1b\n\t"
                     "stmxcsr %[mx]\n\t"
                     : [acc] "+x"(acc), [n] "+r"(n), [mx] "=m"(mx)
                     : [x] "x"(x), [y] "x"(y)
                     : "xmm0");
    *q = acc;
    return mx;
}

/* divsd, jmp, then a raw getpid syscall, then STMXCSR. */
static uint32_t div_syscall_stmxcsr(double x, double y, double *q)
{
    uint32_t mx;
    long nr = SYS_getpid;
    __asm__ volatile("divsd %[y], %[x]\n\t"
                     "jmp 1f\n\t"
                     "1: syscall\n\t"
                     "stmxcsr %[mx]\n\t"
                     : [x] "+x"(x), [mx] "=m"(mx), "+a"(nr)
                     : [y] "x"(y)
                     : "rcx", "r11", "memory");
    *q = x;
    return mx;
}

/* divsd, then CPUID (a helper call) in the next block, then divsd again
 * (the stretch opens again) and STMXCSR. */
static uint32_t div_cpuid_div(double x, double y, double *q1, double *q2)
{
    uint32_t mx, a = 0, b, c, d;
    double x2 = x;
    __asm__ volatile("divsd %[y], %[x]\n\t"
                     "jmp 1f\n\t"
                     "1: cpuid\n\t"
                     "divsd %[y], %[x2]\n\t"
                     "stmxcsr %[mx]\n\t"
                     : [x] "+x"(x), [x2] "+x"(x2), [mx] "=m"(mx), "+a"(a), "=b"(b), "=c"(c),
                       "=d"(d)
                     : [y] "x"(y));
    *q1 = x;
    *q2 = x2;
    return mx;
}

/* divsd under mode m1, jmp, LDMXCSR m2, jmp, divsd again: the second
 * quotient must be rounded in m2 and the flags of the first dropped. */
static uint32_t div_ldmxcsr_div(double x, double y, uint32_t m2, double *q1, double *q2)
{
    uint32_t mx;
    double x2 = x;
    __asm__ volatile("divsd %[y], %[x]\n\t"
                     "jmp 1f\n\t"
                     "1: ldmxcsr %[m2]\n\t"
                     "jmp 2f\n\t"
                     "2: divsd %[y], %[x2]\n\t"
                     "stmxcsr %[mx]\n\t"
                     : [x] "+x"(x), [x2] "+x"(x2), [mx] "=m"(mx)
                     : [y] "x"(y), [m2] "m"(m2));
    *q1 = x;
    *q2 = x2;
    return mx;
}

static sigjmp_buf jb;
static volatile uint32_t seen_mx, handler_mx;

static void on_trap(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)sig;
    (void)si;
    seen_mx = uc->uc_mcontext.fpregs->mxcsr;
    handler_mx = get_mx();
    siglongjmp(jb, 1);
}

/* divsd, jmp, ud2: the SIGILL handler's ucontext holds the flags. */
static void div_jmp_ud2(double x, double y)
{
    __asm__ volatile("divsd %[y], %[x]\n\t"
                     "jmp 1f\n\t"
                     "1: ud2\n\t"
                     : [x] "+x"(x)
                     : [y] "x"(y));
}

/* divsd, jmp, movaps from a misaligned address (#GP: SIGSEGV; emu
 * raises it from an out-of-line path of the block). */
static void div_jmp_misaligned(double x, double y, const void *p)
{
    __asm__ volatile("divsd %[y], %[x]\n\t"
                     "jmp 1f\n\t"
                     "1: movaps (%[p]), %%xmm1\n\t"
                     : [x] "+x"(x)
                     : [y] "x"(y), [p] "r"(p)
                     : "xmm1", "memory");
}

static volatile int ticks;

static void on_alarm(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)sig;
    (void)si;
    if (ticks == 0) {
        seen_mx = uc->uc_mcontext.fpregs->mxcsr;
        handler_mx = get_mx();
        double h = 1.0;
        __asm__ volatile("divsd %[t], %[h]" : [h] "+x"(h) : [t] "x"(7.0));  /* PE here only */
    }
    ticks++;
}

/* Exact FP work (no flag raised) in a loop until the timer has fired. */
static double spin_until_tick(void)
{
    double acc = 0;
    while (!ticks) {
        __asm__ volatile("addsd %[one], %[acc]" : [acc] "+x"(acc) : [one] "x"(1.0));
    }
    return acc;
}

typedef struct {
    uint32_t mode;
    uint64_t q[64];
    uint32_t mx;
} ThreadCase;

static void *thread_div(void *arg)
{
    ThreadCase *t = arg;
    set_mx(t->mode);
    for (int i = 0; i < 64; i++) {
        double x = 1.0 + i, y = 3.0;
        __asm__ volatile("divsd %[y], %[x]" : [x] "+x"(x) : [y] "x"(y));
        t->q[i] = bits(x);
        if (i % 8 == 0) {
            sched_yield();
        }
    }
    t->mx = get_mx();
    return NULL;
}

static const uint32_t modes[] = {
    0x1f80, 0x1f80 | 0x2000, 0x1f80 | 0x4000, 0x1f80 | 0x6000, 0x1f80 | 0x8040,
};
#define NMODES (sizeof(modes) / sizeof(modes[0]))

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t m = 0; m < NMODES; m++) {
        double q1, q2;
        uint32_t mx;
        set_mx(modes[m]);
        mx = div_jmp_stmxcsr(1.0, 3.0, &q1);
        printf("mode %04x jmp:     q %016llx mxcsr %04x\n", modes[m], (unsigned long long)bits(q1), mx);
        set_mx(modes[m]);
        mx = div_loop_stmxcsr(2.0, 3.0, 1000, &q1);
        printf("mode %04x loop:    q %016llx mxcsr %04x\n", modes[m], (unsigned long long)bits(q1), mx);
        set_mx(modes[m]);
        mx = div_syscall_stmxcsr(1.0, 0.0, &q1);    /* ZE */
        printf("mode %04x syscall: q %016llx mxcsr %04x\n", modes[m], (unsigned long long)bits(q1), mx);
        set_mx(modes[m]);
        mx = div_cpuid_div(1e-308, 1e10, &q1, &q2);  /* UE PE */
        printf("mode %04x cpuid:   q %016llx %016llx mxcsr %04x\n", modes[m],
               (unsigned long long)bits(q1), (unsigned long long)bits(q2), mx);
        for (size_t k = 0; k < NMODES; k++) {
            set_mx(modes[m]);
            mx = div_ldmxcsr_div(1.0, 3.0, modes[k], &q1, &q2);
            printf("mode %04x ldmxcsr %04x: q %016llx %016llx mxcsr %04x\n", modes[m], modes[k],
                   (unsigned long long)bits(q1), (unsigned long long)bits(q2), mx);
        }
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_trap;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGILL, &sa, NULL);
    for (size_t m = 0; m < NMODES; m++) {
        seen_mx = handler_mx = 0;
        set_mx(modes[m]);
        if (sigsetjmp(jb, 1) == 0) {
            div_jmp_ud2(1.0, 3.0);
        }
        printf("mode %04x ud2: handler sees %04x, runs under %04x, after %04x\n", modes[m],
               seen_mx, handler_mx, get_mx());
    }

    sigaction(SIGSEGV, &sa, NULL);
    static double buf[4] __attribute__((aligned(16)));
    for (size_t m = 0; m < NMODES; m++) {
        seen_mx = handler_mx = 0;
        set_mx(modes[m]);
        if (sigsetjmp(jb, 1) == 0) {
            div_jmp_misaligned(2.0, 3.0, (const char *)buf + 8);
        }
        printf("mode %04x misaligned: handler sees %04x, runs under %04x\n", modes[m], seen_mx,
               handler_mx);
    }

    sa.sa_sigaction = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    for (size_t m = 0; m < NMODES; m++) {
        double q;
        ticks = 0;
        seen_mx = handler_mx = 0;
        set_mx(modes[m]);
        div_jmp_stmxcsr(1.0, 3.0, &q);     /* PE before the loop */
        struct itimerval it = { .it_value = { 0, 2000 } };
        setitimer(ITIMER_REAL, &it, NULL);
        volatile double acc = spin_until_tick();
        (void)acc;
        printf("mode %04x alarm: interrupted code's %04x, handler's %04x, after %04x\n",
               modes[m], seen_mx, handler_mx, get_mx());
    }

    ThreadCase tc[2] = { { .mode = 0x1f80 | 0x2000 }, { .mode = 0x1f80 | 0x4000 } };
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        pthread_create(&th[i], NULL, thread_div, &tc[i]);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
        uint64_t h = 1469598103934665603ull;
        for (int k = 0; k < 64; k++) {
            h = (h ^ tc[i].q[k]) * 1099511628211ull;
        }
        printf("thread mode %04x: quotients %016llx mxcsr %04x\n", tc[i].mode,
               (unsigned long long)h, tc[i].mx);
    }
    set_mx(0x1f80);
    printf("main after threads: mxcsr %04x\n", get_mx());
    return 0;
}
