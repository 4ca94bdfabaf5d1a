/*
 * tests/guest/vec-native.c — SSE/AVX floating point and integer operations
 * as the JIT runs them natively (docs/jit.md, "Vector and FP"): runs of
 * FP operations with integer ones in between and memory operands that end
 * a run, under every rounding mode, with and without FTZ/DAZ, with all
 * exceptions masked (sticky flags clear or already set) and with each one
 * unmasked (SIGFPE: si_code, MXCSR and registers of the signal frame), on
 * edge values (signed zeros, NaNs, infinities, denormals, extremes), plus
 * a guest fault right after an FP run (the frame's MXCSR must hold the
 * run's flags), COMISS/COMISD/UCOMISx flags, CVTSI2SS/SD and
 * CVT(T)SS/SD2SI, PMOVMSKB/MOVMSKPS/PD/PEXTRW, and VEX.128/256 forms
 * (bits 255:128 of VEX.128 destinations zeroed).  Prints hex; must match
 * the native run.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

/* Each block: in = 8 x 16 bytes (xmm0..xmm3, ymm halves, memory
 * operands), out = the registers after and GPR results at out + 64,
 * mx = MXCSR in and out.  SysV: rdi, rsi, rdx (which blocks keep). */
void blk_sd(const void *in, void *out, uint32_t *mx);
void blk_pd(const void *in, void *out, uint32_t *mx);
void blk_ps(const void *in, void *out, uint32_t *mx);
void blk_sse4(const void *in, void *out, uint32_t *mx);
void blk_avx(const void *in, void *out, uint32_t *mx);
void blk_fault(const void *in, void *out, uint32_t *mx);
void blk_cmp(const void *in, void *out, uint32_t *mx);
void blk_cvt(const void *in, void *out, uint32_t *mx);
void blk_msk(const void *in, void *out, uint32_t *mx);

#define LOAD3 "movupd (%rdi), %xmm0\n movupd 16(%rdi), %xmm1\n movupd 32(%rdi), %xmm2\n" \
              "movupd 80(%rdi), %xmm3\n ldmxcsr (%rdx)\n"
#define STORE3 "stmxcsr (%rdx)\n movupd %xmm0, (%rsi)\n movupd %xmm1, 16(%rsi)\n" \
               "movupd %xmm2, 32(%rsi)\n movupd %xmm3, 48(%rsi)\n ret\n"
/* the arithmetic flags after a compare into out + off */
#define FLAGS(off) "pushfq\n pop %rax\n and $0x8d5, %eax\n mov %rax, " #off "(%rsi)\n"
__asm__(
    ".text\n"
    ".globl blk_sd\n blk_sd:\n" LOAD3
    "addsd %xmm1, %xmm0\n mulsd %xmm2, %xmm0\n paddq %xmm1, %xmm2\n subsd %xmm1, %xmm0\n"
    "mov %rdi, %rax\n add $8, %rax\n"
    "divsd %xmm2, %xmm1\n sqrtsd %xmm0, %xmm2\n minsd %xmm1, %xmm0\n maxsd %xmm2, %xmm1\n"
    "mulsd 48(%rdi), %xmm2\n cmpltsd %xmm0, %xmm2\n cvtsd2ss %xmm1, %xmm1\n"
    "cvtss2sd %xmm0, %xmm0\n addsd 64(%rdi), %xmm0\n" STORE3
    ".globl blk_pd\n blk_pd:\n" LOAD3
    "addpd %xmm1, %xmm0\n mulpd %xmm2, %xmm0\n pxor %xmm1, %xmm2\n psrlq $3, %xmm2\n"
    "subpd %xmm1, %xmm0\n divpd %xmm0, %xmm1\n sqrtpd %xmm1, %xmm2\n minpd %xmm2, %xmm0\n"
    "maxpd %xmm0, %xmm1\n movupd 48(%rdi), %xmm3\n mulpd %xmm3, %xmm2\n"
    "cmpunordpd %xmm2, %xmm3\n cvtpd2ps %xmm1, %xmm1\n cvttpd2dq %xmm0, %xmm3\n"
    "unpcklpd %xmm3, %xmm2\n shufpd $1, %xmm0, %xmm2\n cvtpd2dq %xmm2, %xmm2\n" STORE3
    ".globl blk_ps\n blk_ps:\n" LOAD3
    "addps %xmm1, %xmm0\n mulps %xmm2, %xmm0\n paddd %xmm1, %xmm2\n subss %xmm1, %xmm0\n"
    "divps %xmm2, %xmm1\n sqrtps %xmm0, %xmm2\n rcpss %xmm1, %xmm3\n rsqrtps %xmm2, %xmm3\n"
    "minps %xmm1, %xmm0\n maxss %xmm2, %xmm1\n cvtps2pd %xmm0, %xmm3\n cvtdq2ps %xmm1, %xmm3\n"
    "cvttps2dq %xmm2, %xmm3\n cvtps2dq %xmm0, %xmm3\n shufps $0x1b, %xmm3, %xmm2\n"
    "cmpless %xmm1, %xmm0\n unpckhps %xmm3, %xmm1\n divss 48(%rdi), %xmm1\n" STORE3
    ".globl blk_sse4\n blk_sse4:\n" LOAD3
    "haddpd %xmm1, %xmm0\n addsubps %xmm2, %xmm1\n roundsd $4, %xmm1, %xmm2\n"
    "roundps $1, %xmm0, %xmm3\n dpps $0xf1, %xmm3, %xmm1\n pshufb %xmm2, %xmm3\n"
    "dppd $0x31, %xmm2, %xmm0\n hsubps %xmm3, %xmm2\n roundss $0xc, %xmm2, %xmm2\n"
    "pminsd %xmm3, %xmm0\n addpd %xmm3, %xmm0\n" STORE3
    ".globl blk_avx\n blk_avx:\n"
    "vmovupd (%rdi), %ymm0\n vmovupd 32(%rdi), %ymm1\n vmovupd 64(%rdi), %ymm2\n"
    "vmovupd 96(%rdi), %ymm3\n"
    "ldmxcsr (%rdx)\n"
    "vaddpd %ymm1, %ymm0, %ymm3\n vmulps %ymm2, %ymm3, %ymm0\n vpaddd %ymm1, %ymm2, %ymm2\n"
    "vsqrtpd %ymm0, %ymm1\n vdivps %ymm1, %ymm2, %ymm2\n vcvtpd2ps %ymm2, %xmm3\n"
    "vaddsd %xmm1, %xmm0, %xmm0\n vminps %ymm3, %ymm2, %ymm2\n vsubpd %xmm2, %xmm1, %xmm1\n"
    "vcmpps $0x1d, %ymm2, %ymm0, %ymm3\n vpsrld $5, %ymm3, %ymm3\n vpshufd $0x4e, %ymm3, %ymm3\n"
    "vcvtps2pd %xmm2, %ymm2\n vroundpd $2, %ymm2, %ymm2\n vhaddps %ymm3, %ymm2, %ymm3\n"
    "vcvtsi2sdl 8(%rdi), %xmm1, %xmm1\n vcvtsi2ssq 16(%rdi), %xmm0, %xmm0\n"
    "stmxcsr (%rdx)\n"
    "vmovupd %ymm0, (%rsi)\n vmovupd %ymm1, 32(%rsi)\n vmovupd %ymm2, 64(%rsi)\n"
    "vmovupd %ymm3, 96(%rsi)\n vzeroupper\n ret\n"
    ".globl blk_cmp\n blk_cmp:\n" LOAD3
    "ucomisd %xmm1, %xmm0\n" FLAGS(64) "addsd %xmm2, %xmm0\n comisd %xmm2, %xmm1\n" FLAGS(72)
    "ucomiss %xmm0, %xmm2\n" FLAGS(80) "comiss 48(%rdi), %xmm1\n" FLAGS(88)
    "comisd %xmm3, %xmm3\n" FLAGS(96) STORE3
    ".globl blk_cvt\n blk_cvt:\n" LOAD3
    "cvtsd2si %xmm0, %rax\n mov %rax, 64(%rsi)\n cvttss2si %xmm1, %eax\n mov %rax, 72(%rsi)\n"
    "cvtsi2sdq 48(%rdi), %xmm2\n cvtsi2ss %eax, %xmm3\n cvtsd2si 16(%rdi), %rcx\n"
    "mov %rcx, 80(%rsi)\n cvtsi2sdl %ecx, %xmm0\n cvttsd2si %xmm2, %ecx\n mov %rcx, 88(%rsi)\n"
    "cvtss2si 4(%rdi), %r10\n mov %r10, 96(%rsi)\n cvtsi2ssq %r10, %xmm1\n" STORE3
    ".globl blk_msk\n blk_msk:\n" LOAD3
    "pmovmskb %xmm0, %eax\n mov %rax, 64(%rsi)\n pcmpeqb %xmm1, %xmm2\n pmovmskb %xmm2, %ecx\n"
    "mov %rcx, 72(%rsi)\n movmskps %xmm3, %r10d\n movmskpd %xmm1, %eax\n shl $8, %r10\n"
    "or %r10, %rax\n mov %rax, 80(%rsi)\n pextrw $5, %xmm0, %r9d\n pextrw $0, %xmm3, %ecx\n"
    "shl $16, %r9\n or %r9, %rcx\n mov %rcx, 88(%rsi)\n" STORE3
    ".globl blk_fault\n blk_fault:\n" LOAD3
    "mulsd %xmm1, %xmm0\n addpd %xmm2, %xmm1\n movq 0, %rax\n" STORE3
);

static const uint64_t edge[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull,
    0xbff0000000000000ull, 0x7ff8000000000000ull, 0x7ff0000000000001ull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x0000000000000001ull,
    0x800fffffffffffffull, 0x7fefffffffffffffull, 0x0010000000000000ull,
    0x3fd5555555555555ull, 0x3fb999999999999aull, 0xc05edd2f1a9fbe77ull,
    0x4340000000000001ull, 0x000000017f7fffffull, 0x807fffff00800000ull,
    0x3f8000007fc00000ull, 0x4b8000017f800001ull, 0x00000001bf800000ull,
    0x3eaaaaab3dcccccdull, 0x1234567890abcdefull, 0x5f0000004f000000ull,
};
#define NEDGE (sizeof(edge) / sizeof(edge[0]))

static unsigned hash;

static void mix(uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        hash = (hash ^ (unsigned)((v >> (8 * i)) & 0xff)) * 16777619u;
    }
}

static sigjmp_buf jb;
static volatile int got_sig;

static void on_sig(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    mix((uint64_t)sig << 32 | (uint32_t)si->si_code);
    mix(uc->uc_mcontext.fpregs->mxcsr);
    for (int r = 0; r < 4; r++) {
        for (int k = 0; k < 4; k++) {
            mix(uc->uc_mcontext.fpregs->_xmm[r].element[k]);
        }
    }
    got_sig = sig;
    siglongjmp(jb, 1);
}

typedef void (*Blk)(const void *, void *, uint32_t *);
static const struct { const char *name; Blk fn; } blocks[] = {
    { "sd", blk_sd }, { "pd", blk_pd }, { "ps", blk_ps }, { "sse4", blk_sse4 },
    { "avx", blk_avx }, { "cmp", blk_cmp }, { "cvt", blk_cvt }, { "msk", blk_msk },
    { "fault", blk_fault },
};

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);

    /* masks: all masked, all masked + sticky flags, then each one unmasked */
    static const uint32_t masks[] = { 0x1f80, 0x1fbf, 0x1f00, 0x1e80, 0x1d80, 0x1b80,
                                      0x1780, 0x0f80 };
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (unsigned b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++) {
        for (unsigned m = 0; m < sizeof(masks) / sizeof(masks[0]); m++) {
            unsigned nsig = 0;
            for (unsigned rc = 0; rc < 4; rc++) {
                for (unsigned dz = 0; dz < 4; dz++) {
                    hash = 2166136261u;
                    for (int t = 0; t < 12; t++) {
                        uint64_t in[16] __attribute__((aligned(32))), out[16] = { 0 };
                        for (int i = 0; i < 16; i++) {
                            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                            in[i] = (seed >> 61) == 0 ? seed : edge[(seed >> 33) % NEDGE];
                        }
                        volatile uint32_t mx = masks[m] | (rc << 13) |
                                               ((dz & 1) ? 0x8000 : 0) | ((dz & 2) ? 0x40 : 0);
                        got_sig = 0;
                        if (sigsetjmp(jb, 1) == 0) {
                            blocks[b].fn(in, out, (uint32_t *)&mx);
                            mix(mx);
                            for (int i = 0; i < 16; i++) {
                                mix(out[i]);
                            }
                        } else {
                            nsig++;
                        }
                    }
                    printf("%-5s mask %04x rc %u ftz %u daz %u: %08x\n", blocks[b].name,
                           masks[m], rc, dz & 1, dz >> 1, hash);
                }
            }
            printf("%-5s mask %04x: %u signals\n", blocks[b].name, masks[m], nsig);
        }
    }
    return 0;
}
