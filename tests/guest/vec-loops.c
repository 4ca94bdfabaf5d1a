/*
 * vec-loops.c — one-block loops whose SSE registers carry values from one
 * iteration to the next.
 *
 * emu's JIT keeps such a loop's vector registers in host xmm registers
 * across its jump back to its start (docs/jit.md, "Vector and FP"): the
 * values are loaded once when the block is entered and put back into the
 * same host registers before each jump back, from wherever the block left
 * them.  Each loop here is one block of inline assembly: a max/blend loop
 * (the back edge a conditional branch), one whose back edge is a jmp with
 * the exit in the middle, six accumulators (more than the JIT keeps), a
 * loop that writes a register's halves from GPRs (scalar moves) between
 * vector ops, one whose values end up in other host registers than they
 * started in, scalar FP accumulators, and a loop that faults on its last
 * iteration (the SIGSEGV handler prints the registers from its ucontext),
 * and chains of vector results followed by traps, helpers, a syscall.
 * Printed values must match the native run byte for byte.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

typedef struct { uint64_t q[2]; } V;

/* the end of a loop over data with rax, [e] its end */
#define NEXT16 "add $16, %%rax\n\t" "cmp %%rax, %[e]\n\t" "jne 1b\n\t"

static uint64_t mix;

static void put(const char *what, V v)
{
    printf("%-12s %016llx %016llx\n", what, (unsigned long long)v.q[1], (unsigned long long)v.q[0]);
    mix = (mix ^ v.q[0]) * 1099511628211ull ^ v.q[1];
}

#define N 256
static int32_t data[N] __attribute__((aligned(16)));

/* xmm0 = per-lane max of data (SSE2 pcmpgtd/pand/pandn/por), the loop's
 * back edge its final jne */
static V lane_max(void)
{
    V r;
    const int32_t *p = data;
    __asm__ volatile("pxor %%xmm0, %%xmm0\n\t"
                     "1: movdqa %%xmm0, %%xmm1\n\t"
                     "pcmpgtd (%[p]), %%xmm1\n\t"
                     "pand %%xmm1, %%xmm0\n\t"
                     "pandn (%[p]), %%xmm1\n\t"
                     "por %%xmm1, %%xmm0\n\t"
                     "add $16, %[p]\n\t"
                     "cmp %[p], %[e]\n\t"
                     "jne 1b\n\t"
                     "movdqu %%xmm0, %[r]\n\t"
                     : [r] "=m"(r), [p] "+r"(p)
                     : [e] "r"(data + N)
                     : "xmm0", "xmm1", "cc", "memory");
    return r;
}

/* xmm2 += data, xmm3 ^= xmm2 (rotated through pshufd); the exit test in
 * the middle, the back edge a jmp */
static void sum_xor(V *s, V *x)
{
    __asm__ volatile("pxor %%xmm2, %%xmm2\n\t"
                     "pxor %%xmm3, %%xmm3\n\t"
                     "mov %[p], %%rax\n\t"
                     "1: paddd (%%rax), %%xmm2\n\t"
                     "add $16, %%rax\n\t"
                     "cmp %%rax, %[e]\n\t"
                     "je 2f\n\t"
                     "pshufd $0x93, %%xmm3, %%xmm3\n\t"
                     "pxor %%xmm2, %%xmm3\n\t"
                     "jmp 1b\n\t"
                     "2: movdqu %%xmm2, %[s]\n\t"
                     "movdqu %%xmm3, %[x]\n\t"
                     : [s] "=m"(*s), [x] "=m"(*x)
                     : [p] "r"(data), [e] "r"(data + N)
                     : "rax", "xmm2", "xmm3", "cc", "memory");
}

/* six accumulators, each fed by the one before: more than the JIT keeps */
static void six_acc(V out[6])
{
    __asm__ volatile("pxor %%xmm4, %%xmm4\n\t"
                     "pxor %%xmm5, %%xmm5\n\t"
                     "pxor %%xmm6, %%xmm6\n\t"
                     "pxor %%xmm7, %%xmm7\n\t"
                     "pxor %%xmm8, %%xmm8\n\t"
                     "pxor %%xmm9, %%xmm9\n\t"
                     "mov %[p], %%rax\n\t"
                     "1: paddd (%%rax), %%xmm4\n\t"
                     "paddd %%xmm4, %%xmm5\n\t"
                     "pxor %%xmm5, %%xmm6\n\t"
                     "paddq %%xmm6, %%xmm7\n\t"
                     "psubd %%xmm7, %%xmm8\n\t"
                     "por %%xmm8, %%xmm9\n\t"
                     "pslld $1, %%xmm9\n\t"
                     NEXT16
                     "movdqu %%xmm4, 0(%[o])\n\t"
                     "movdqu %%xmm5, 16(%[o])\n\t"
                     "movdqu %%xmm6, 32(%[o])\n\t"
                     "movdqu %%xmm7, 48(%[o])\n\t"
                     "movdqu %%xmm8, 64(%[o])\n\t"
                     "movdqu %%xmm9, 80(%[o])\n\t"
                     :
                     : [p] "r"(data), [e] "r"(data + N), [o] "r"(out)
                     : "rax", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "cc", "memory");
}

/* the low half of xmm10 written from a GPR each iteration (a scalar
 * move: not a vec op), then used and accumulated in xmm11 */
static void gpr_halves(V *acc, V *last)
{
    __asm__ volatile("pxor %%xmm11, %%xmm11\n\t"
                     "pcmpeqd %%xmm10, %%xmm10\n\t"
                     "mov %[p], %%rax\n\t"
                     "1: mov (%%rax), %%rcx\n\t"
                     "movq %%rcx, %%xmm10\n\t"
                     "pinsrw $5, %%ecx, %%xmm10\n\t"
                     "paddw %%xmm10, %%xmm11\n\t"
                     "pxor (%%rax), %%xmm11\n\t"
                     NEXT16
                     "movdqu %%xmm11, %[a]\n\t"
                     "movdqu %%xmm10, %[l]\n\t"
                     : [a] "=m"(*acc), [l] "=m"(*last)
                     : [p] "r"(data), [e] "r"(data + N)
                     : "rax", "rcx", "xmm10", "xmm11", "cc", "memory");
}

/* scalar and packed double accumulators (addsd keeps the high half) */
static void fp_acc(V *a, V *b)
{
    __asm__ volatile("xorpd %%xmm12, %%xmm12\n\t"
                     "xorpd %%xmm13, %%xmm13\n\t"
                     "mov $0x3fe0000000000000, %%rcx\n\t"    /* 0.5 */
                     "movq %%rcx, %%xmm15\n\t"
                     "punpcklqdq %%xmm15, %%xmm15\n\t"
                     "mov %[p], %%rax\n\t"
                     "1: cvtdq2pd (%%rax), %%xmm14\n\t"
                     "addsd %%xmm14, %%xmm12\n\t"
                     "addpd %%xmm14, %%xmm13\n\t"
                     "mulpd %%xmm15, %%xmm13\n\t"
                     NEXT16
                     "movupd %%xmm12, %[a]\n\t"
                     "movupd %%xmm13, %[b]\n\t"
                     : [a] "=m"(*a), [b] "=m"(*b)
                     : [p] "r"(data), [e] "r"(data + N)
                     : "rax", "rcx", "xmm12", "xmm13", "xmm14", "xmm15", "cc", "memory");
}

/* A and B (xmm0, xmm1) carried; A's low half rewritten from a GPR each
 * iteration (not a vec op), after which B's new value is the vector
 * result: the JIT's cache then holds B where it had A at the loop's
 * start, and the jump back must move it. */
static void moved_entries(V *a, V *b)
{
    __asm__ volatile("pxor %%xmm0, %%xmm0\n\t"
                     "pcmpeqd %%xmm1, %%xmm1\n\t"
                     "mov %[p], %%rax\n\t"
                     "1: paddd (%%rax), %%xmm0\n\t"
                     "psubd %%xmm0, %%xmm1\n\t"
                     "movq %%xmm0, %%rcx\n\t"
                     "rol $7, %%rcx\n\t"
                     "movq %%rcx, %%xmm0\n\t"
                     "paddq %%xmm1, %%xmm1\n\t"
                     NEXT16
                     "movdqu %%xmm0, %[a]\n\t"
                     "movdqu %%xmm1, %[b]\n\t"
                     : [a] "=m"(*a), [b] "=m"(*b)
                     : [p] "r"(data), [e] "r"(data + N)
                     : "rax", "rcx", "xmm0", "xmm1", "cc", "memory");
}

static sigjmp_buf jb;
static V seen[4];

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)sig;
    (void)si;
    for (int i = 0; i < 4; i++) {
        memcpy(&seen[i], &uc->uc_mcontext.fpregs->_xmm[i], 16);
    }
    siglongjmp(jb, 1);
}

/* A chain of vector results (the JIT may hold them in host registers
 * only, storing them when something reads the guest's registers), then
 * what must see them: a trap (ud2: SIGILL; a misaligned movdqa: SIGSEGV
 * from an out-of-line raise), CPUID (a helper), a read of a half into a
 * GPR, an insert from a GPR (a helper), a syscall. */
/* xmm0-3 to out[0..3] */
#define STORE4 "movdqu %%xmm0, 0(%[o])\n\t" "movdqu %%xmm1, 16(%[o])\n\t" \
               "movdqu %%xmm2, 32(%[o])\n\t" "movdqu %%xmm3, 48(%[o])\n\t"
#define CHAIN "movdqa (%[p]), %%xmm0\n\t"            \
              "movdqa 32(%[p]), %%xmm3\n\t"          \
              "paddd 16(%[p]), %%xmm0\n\t"           \
              "movdqa %%xmm0, %%xmm1\n\t"            \
              "pshufd $0x4e, %%xmm1, %%xmm1\n\t"     \
              "pxor %%xmm0, %%xmm1\n\t"              \
              "movdqa %%xmm1, %%xmm2\n\t"            \
              "psllq $3, %%xmm2\n\t"                 \
              "paddq %%xmm1, %%xmm2\n\t"             \
              "punpcklbw %%xmm0, %%xmm3\n\t"
static void chain_then(int what, const void *p, V out[4], const void *bad)
{
    switch (what) {
    case 5:     /* a load from an unmapped page: SIGSEGV */
        __asm__ volatile(CHAIN "mov (%[bad]), %%rax\n\t"
                         : : [p] "r"(p), [bad] "r"(bad) : "rax", "xmm0", "xmm1", "xmm2", "xmm3", "memory");
        break;
    case 8: case 9: {   /* rep stosb of 0 or 3 bytes: paths meet after it */
        static uint8_t sink[8];
        uint64_t n = what == 8 ? 0 : 3;
        void *dst = sink;
        __asm__ volatile(CHAIN "rep stosb\n\t"
                         STORE4
                         : "+c"(n), "+D"(dst) : "a"(0x5a), [p] "r"(p), [o] "r"(out)
                         : "xmm0", "xmm1", "xmm2", "xmm3", "memory");
        out[3].q[1] ^= sink[0] + sink[2];
        break;
    }
    case 6: case 7: {   /* shifts by CL: paths that meet inside the instruction */
        uint64_t x = 0x123456789abcdefull, n = what - 6;
        __asm__ volatile(CHAIN "shl %%cl, %[x]\n\t" "sar %%cl, %[x]\n\t"
                         STORE4
                         : [x] "+r"(x) : "c"(n), [p] "r"(p), [o] "r"(out)
                         : "xmm0", "xmm1", "xmm2", "xmm3", "cc", "memory");
        out[3].q[1] ^= x;
        break;
    }
    case 0:
        __asm__ volatile(CHAIN "ud2\n\t" : : [p] "r"(p) : "xmm0", "xmm1", "xmm2", "xmm3", "memory");
        break;
    case 1:
        __asm__ volatile(CHAIN "movdqa 8(%[p]), %%xmm0\n\t"
                         : : [p] "r"(p) : "xmm0", "xmm1", "xmm2", "xmm3", "memory");
        break;
    case 2: {
        uint32_t a = 0, bx, c, d;
        __asm__ volatile(CHAIN "cpuid\n\t" "paddd %%xmm2, %%xmm3\n\t"
                         STORE4
                         : "+a"(a), "=b"(bx), "=c"(c), "=d"(d)
                         : [p] "r"(p), [o] "r"(out) : "xmm0", "xmm1", "xmm2", "xmm3", "memory");
        break;
    }
    case 3: {
        uint64_t lo, hi;
        __asm__ volatile(CHAIN "movq %%xmm2, %[lo]\n\t" "pextrq $1, %%xmm2, %[hi]\n\t"
                         "pinsrw $3, %k[lo], %%xmm1\n\t"
                         STORE4
                         : [lo] "=&r"(lo), [hi] "=&r"(hi)
                         : [p] "r"(p), [o] "r"(out) : "xmm0", "xmm1", "xmm2", "xmm3", "memory");
        out[0].q[0] ^= lo + hi;
        break;
    }
    default: {
        long nr = SYS_getppid;
        __asm__ volatile(CHAIN "syscall\n\t"
                         STORE4
                         : "+a"(nr) : [p] "r"(p), [o] "r"(out)
                         : "rcx", "r11", "xmm0", "xmm1", "xmm2", "xmm3", "memory");
        break;
    }
    }
}

/* accumulates until it runs into the unmapped page after the buffer */
static void fault_loop(const int32_t *p)
{
    __asm__ volatile("pxor %%xmm0, %%xmm0\n\t"
                     "pcmpeqd %%xmm1, %%xmm1\n\t"
                     "pxor %%xmm2, %%xmm2\n\t"
                     "1: movdqa %%xmm0, %%xmm2\n\t"
                     "paddd (%[p]), %%xmm0\n\t"
                     "psubd %%xmm0, %%xmm1\n\t"
                     "add $16, %[p]\n\t"
                     "jmp 1b\n\t"
                     : [p] "+r"(p)
                     :
                     : "xmm0", "xmm1", "xmm2", "cc", "memory");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    uint32_t s = 12345;
    for (int i = 0; i < N; i++) {
        s = s * 1103515245u + 12345u;
        data[i] = (int32_t)(s >> 1) - (1 << 30);
    }
    for (int rep = 0; rep < 3; rep++) {     /* the blocks run again, chained */
        data[rep * 7] ^= 0x5a5a5a5a;
        put("lane_max", lane_max());
        V a, b, six[6];
        sum_xor(&a, &b);
        put("sum", a);
        put("xor", b);
        six_acc(six);
        for (int i = 0; i < 6; i++) {
            put("acc", six[i]);
        }
        gpr_halves(&a, &b);
        put("gpr acc", a);
        put("gpr last", b);
        moved_entries(&a, &b);
        put("moved a", a);
        put("moved b", b);
        fp_acc(&a, &b);
        put("fp scalar", a);
        put("fp packed", b);
    }

    long pg = sysconf(_SC_PAGESIZE);
    char *buf = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED || munmap(buf + pg, (size_t)pg) != 0) {
        perror("mmap");
        return 1;
    }
    for (long i = 0; i < pg; i++) {
        buf[i] = (char)(i * 37 + 11);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(jb, 1) == 0) {
        fault_loop((const int32_t *)(buf + pg - 64 * 16));
    }
    put("fault xmm0", seen[0]);
    put("fault xmm1", seen[1]);
    put("fault xmm2", seen[2]);

    sigaction(SIGILL, &sa, NULL);
    for (int what = 0; what < 10; what++) {
        V out[4];
        bool trap = what < 2 || what == 5;
        memset(out, 0, sizeof(out));
        memset(seen, 0, sizeof(seen));
        if (sigsetjmp(jb, 1) == 0) {
            chain_then(what, data + 4 * what, out, buf + pg);
        }
        for (int i = 0; i < 4; i++) {
            printf("chain %d: xmm%d ", what, i);
            put(trap ? "(trap)" : "(after)", trap ? seen[i] : out[i]);
        }
    }
    printf("mix %016llx\n", (unsigned long long)mix);
    return 0;
}
