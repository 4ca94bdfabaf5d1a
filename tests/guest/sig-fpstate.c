/*
 * sig-fpstate.c — FP/SSE/AVX state across a signal handler.
 *
 * main sets XMM/YMM registers, MXCSR and the x87 control word and stack;
 * the handler checks the fpstate Linux saved in its ucontext (magic
 * words, sizes against CPUID leaf 0xD and XGETBV, the XSAVE header, the
 * saved registers), checks that it starts with a clean FPU (MXCSR and FCW
 * at their defaults), clobbers everything, and edits the saved XMM2;
 * after the return main must see its own state again, with XMM2 edited.
 * The sizes are compared with the CPU's own reports, so the output is the
 * same on any CPU model.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

static uint8_t set_ymm[16][32], got_ymm[16][32];
static int have_avx;

static void load_ymm(const uint8_t (*v)[32])
{
#define LD(n) __asm__ volatile("vmovdqu %0, %%ymm" #n : : "m"(v[n][0]) : "xmm" #n)
    LD(0); LD(1); LD(2); LD(3); LD(4); LD(5); LD(6); LD(7);
    LD(8); LD(9); LD(10); LD(11); LD(12); LD(13); LD(14); LD(15);
}
#define ST(n) __asm__ volatile("vmovdqu %%ymm" #n ", %0" : "=m"(got_ymm[n][0]))
#define STX(n) __asm__ volatile("movdqu %%xmm" #n ", %0" : "=m"(got_ymm[n][0]))

static void handler(int sig, siginfo_t *si, void *ucv)
{
    uint32_t mx;
    uint16_t cw;
    __asm__ volatile("stmxcsr %0" : "=m"(mx));
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    ucontext_t *uc = ucv;
    uint8_t *fp = (uint8_t *)uc->uc_mcontext.fpregs;
    uint32_t magic1, ext, xsize, magic2;
    uint64_t xfeat, xbv;
    unsigned a, b, c, d;

    printf("handler entry: mxcsr=%#x fcw=%#x\n", mx, cw);
    memcpy(&magic1, fp + 464, 4);
    memcpy(&ext, fp + 468, 4);
    memcpy(&xfeat, fp + 472, 8);
    memcpy(&xsize, fp + 480, 4);
    printf("uc_flags=%#lx magic1=%#x\n", uc->uc_flags, magic1);
    if (uc->uc_flags & 1) {
        __cpuid_count(0xd, 0, a, b, c, d);
        uint32_t lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        uint64_t xcr0 = ((uint64_t)hi << 32) | lo;
        memcpy(&magic2, fp + xsize, 4);
        memcpy(&xbv, fp + 512, 8);
        printf("xstate_size==cpuid=%d ext==size+4=%d xfeatures==xcr0=%d magic2=%#x bv&3=%lu\n",
               xsize == b, ext == xsize + 4, xfeat == xcr0, magic2, (unsigned long)(xbv & 3));
        if (have_avx) {
            printf("avx in use=%lu ymm1.hi ok=%d ymm15.hi ok=%d\n", (unsigned long)(xbv >> 2 & 1),
                   memcmp(fp + 576 + 16 * 1, &set_ymm[1][16], 16) == 0,
                   memcmp(fp + 576 + 16 * 15, &set_ymm[15][16], 16) == 0);
        }
    }
    printf("saved mxcsr=%#x fcw=%#x xmm3 ok=%d st0 ok=%d\n", uc->uc_mcontext.fpregs->mxcsr,
           uc->uc_mcontext.fpregs->cwd,
           memcmp(uc->uc_mcontext.fpregs->_xmm[3].element, set_ymm[3], 16) == 0,
           uc->uc_mcontext.fpregs->_st[0].exponent == 0x4000);

    /* clobber everything */
    static uint8_t junk[16][32];
    memset(junk, 0xee, sizeof(junk));
    if (have_avx) {
        load_ymm((const uint8_t (*)[32])junk);
    } else {
        __asm__ volatile("movdqu %0, %%xmm2" : : "m"(junk[0][0]) : "xmm2");
    }
    uint32_t m2 = 0x7f80;
    __asm__ volatile("ldmxcsr %0" : : "m"(m2));
    __asm__ volatile("fninit; fldpi; fldpi; fldpi" ::: "st", "st(1)", "st(2)");
    /* edit the saved XMM2: main sees this value after the return */
    memset(uc->uc_mcontext.fpregs->_xmm[2].element, 0x5a, 16);
}

int main(void)
{
    unsigned a, b, c, d;
    __cpuid(1, a, b, c, d);
    have_avx = (c >> 28) & 1 && (c >> 27) & 1;
    setvbuf(stdout, NULL, _IONBF, 0);

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);

    for (int i = 0; i < 16; i++) {
        for (int j = 0; j < 32; j++) {
            set_ymm[i][j] = (uint8_t)(i * 32 + j + 1);
        }
    }
    uint32_t mx = 0x9f80 | 0x1;     /* FTZ, and a sticky flag */
    uint16_t cw = 0x27f;            /* 53-bit precision */
    double two = 2.0;
    __asm__ volatile("fninit; fldcw %0; fldl %1" : : "m"(cw), "m"(two));
    __asm__ volatile("ldmxcsr %0" : : "m"(mx));
    if (have_avx) {
        load_ymm((const uint8_t (*)[32])set_ymm);
    } else {
        __asm__ volatile("movdqu %0, %%xmm3" : : "m"(set_ymm[3][0]) : "xmm3");
    }
    /* raise by a raw syscall so nothing touches the vector registers */
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "0"(62L /* kill */), "D"((long)getpid()), "S"(SIGUSR1)
                     : "rcx", "r11", "memory");
    if (have_avx) {
        ST(0); ST(1); ST(2); ST(3); ST(4); ST(5); ST(6); ST(7);
        ST(8); ST(9); ST(10); ST(11); ST(12); ST(13); ST(14); ST(15);
    } else {
        STX(2); STX(3);
    }
    uint32_t mx2;
    uint16_t cw2;
    double top = 0;
    __asm__ volatile("stmxcsr %0" : "=m"(mx2));
    __asm__ volatile("fnstcw %0; fstpl %1" : "=m"(cw2), "=m"(top));
    printf("after: mxcsr=%#x fcw=%#x st0=%g\n", mx2, cw2, top);
    int bad = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 2) {
            continue;
        }
        if (!have_avx && i != 3) {
            continue;
        }
        if (memcmp(got_ymm[i], set_ymm[i], have_avx ? 32 : 16) != 0) {
            printf("ymm%d differs\n", i);
            bad = 1;
        }
    }
    uint8_t exp2[16];
    memset(exp2, 0x5a, 16);
    printf("registers restored=%d xmm2 edited=%d", !bad, memcmp(got_ymm[2], exp2, 16) == 0);
    if (have_avx) {
        printf(" ymm2.hi kept=%d", memcmp(&got_ymm[2][16], &set_ymm[2][16], 16) == 0);
    }
    printf("\n");
    return 0;
}
