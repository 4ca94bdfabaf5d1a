/*
 * tests/guest/vec-strings.c — the SSE4.2/AVX2 instructions of glibc's
 * string functions as the JIT runs them natively (docs/jit.md, "Vector
 * and FP"), compared with the host CPU:
 *
 *  - PCMPISTRI/PCMPESTRI/PCMPISTRM/PCMPESTRM, legacy and VEX.128, register
 *    and memory sources, REX.W/VEX.W lengths: every imm8 0..127 (byte/word,
 *    signed/unsigned, equal any/ranges/equal each/equal ordered, the four
 *    polarities, least/most significant index or bit/byte mask) on
 *    strings with NULs anywhere and explicit lengths around 16, negative,
 *    huge and with garbage in bits 63:32; ECX (all of RCX), the flags and
 *    all of YMM0 (legacy forms keep bits 255:128, VEX.128 zeroes them);
 *  - VPMOVMSKB x/ymm, VMOVMSKPS/PD ymm, VPTEST, VPCMPEQB/VPMINUB with a
 *    256-bit memory source, VPBROADCASTB/W/Q from registers and memory,
 *    VPERMQ/VINSERTI128 from memory, at every offset up to and across the
 *    end of a mapped page: a fault must be the same SIGSEGV (si_addr, the
 *    faulting instruction's RIP, registers unchanged) as on the host.
 *
 * Prints hashes per instruction form and imm8 group, and one line per
 * fault; must match the native run.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

/* ---- string compares: one 16-byte stub per imm8 (a in xmm0, b in xmm1
 * or at r9, lengths in rax/rdx), called by str_call ---- */

#define STUBS(name, insn)                      \
    ".balign 16\n .globl " #name "\n" #name ":\n" \
    ".set i, 0\n .rept 128\n .balign 16\n" insn "\n ret\n .set i, i+1\n .endr\n"

__asm__(
    ".text\n"
    STUBS(s_istri_r, "pcmpistri $i, %xmm1, %xmm0")
    STUBS(s_istri_m, "pcmpistri $i, (%r9), %xmm0")
    STUBS(s_estri_r, "pcmpestri $i, %xmm1, %xmm0")
    STUBS(s_estri_m, "pcmpestri $i, (%r9), %xmm0")
    STUBS(s_estriq_r, ".byte 0x66, 0x48, 0x0f, 0x3a, 0x61, 0xc1, i")   /* REX.W */
    STUBS(s_istrm_r, "pcmpistrm $i, %xmm1, %xmm0")
    STUBS(s_istrm_m, "pcmpistrm $i, (%r9), %xmm0")
    STUBS(s_estrm_r, "pcmpestrm $i, %xmm1, %xmm0")
    STUBS(s_estrmq_m, ".byte 0x66, 0x49, 0x0f, 0x3a, 0x60, 0x01, i")  /* REX.W, (%r9) */
    STUBS(s_vistri_r, "vpcmpistri $i, %xmm1, %xmm0")
    STUBS(s_vestri_m, "vpcmpestri $i, (%r9), %xmm0")
    STUBS(s_vistrm_r, "vpcmpistrm $i, %xmm1, %xmm0")
    STUBS(s_vestrmq_r, ".byte 0xc4, 0xe3, 0xf9, 0x60, 0xc1, i")        /* VEX.W1 */
    STUBS(s_vestriq_m, ".byte 0xc4, 0xc3, 0xf9, 0x61, 0x01, i")        /* VEX.W1, (%r9) */
    /* str_call(stub, in, out): ymm0 = in[0..31] (a, then b as garbage
     * above it), xmm1 = [r9] = b, rax/rdx = lengths, rcx = garbage; out =
     * flags, rcx, ymm0 */
    ".globl str_call\n str_call:\n"
    "mov %rdx, %r10\n vmovdqu (%rsi), %ymm0\n vmovdqu 16(%rsi), %xmm1\n lea 16(%rsi), %r9\n"
    "mov 32(%rsi), %rax\n mov 40(%rsi), %rdx\n mov 48(%rsi), %rcx\n"
    "call *%rdi\n"
    "pushfq\n pop %r8\n and $0x8d5, %r8d\n mov %r8, (%r10)\n mov %rcx, 8(%r10)\n"
    "vmovdqu %ymm0, 16(%r10)\n vzeroupper\n ret\n");

extern const char s_istri_r[], s_istri_m[], s_estri_r[], s_estri_m[], s_estriq_r[];
extern const char s_istrm_r[], s_istrm_m[], s_estrm_r[], s_estrmq_m[];
extern const char s_vistri_r[], s_vestri_m[], s_vistrm_r[], s_vestrmq_r[], s_vestriq_m[];
void str_call(const void *stub, const void *in, uint64_t *out);

static const struct { const char *name; const char *stubs; } forms[] = {
    { "pcmpistri", s_istri_r }, { "pcmpistri-m", s_istri_m },
    { "pcmpestri", s_estri_r }, { "pcmpestri-m", s_estri_m }, { "pcmpestriq", s_estriq_r },
    { "pcmpistrm", s_istrm_r }, { "pcmpistrm-m", s_istrm_m },
    { "pcmpestrm", s_estrm_r }, { "pcmpestrmq-m", s_estrmq_m },
    { "vpcmpistri", s_vistri_r }, { "vpcmpestri-m", s_vestri_m },
    { "vpcmpistrm", s_vistrm_r }, { "vpcmpestrmq", s_vestrmq_r },
    { "vpcmpestriq-m", s_vestriq_m },
};

static unsigned hash;

static void mix(uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        hash = (hash ^ (unsigned)((v >> (8 * i)) & 0xff)) * 16777619u;
    }
}

static uint64_t seed = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return seed >> 16;
}

/* Strings: a small alphabet (so that elements match, order and range
 * tests hit), NULs at random places, sometimes none. */
static void fill_str(uint8_t *p)
{
    static const uint8_t alpha[] = { 'a', 'b', 'c', 'z', 0x80, 0xff, 0x7f, 0x01, 'A', ' ' };
    for (int i = 0; i < 16; i++) {
        p[i] = alpha[rnd() % sizeof(alpha)];
    }
    switch (rnd() % 4) {
    case 0:
        break;                               /* no NUL */
    case 1:
        p[rnd() % 16] = 0;                   /* a NUL byte */
        break;
    default: {
        int w = (int)(rnd() % 8);            /* a NUL word (and later bytes) */
        p[2 * w] = p[2 * w + 1] = 0;
        break;
    }
    }
}

static int64_t rnd_len(void)
{
    static const int64_t special[] = {
        0, 1, 7, 8, 9, 15, 16, 17, 31, -1, -8, -9, -16, -17, 0x7fffffff, 0x80000000ll,
        0xffffffffll, 0x100000010ll, 0xffffffff00000005ll, INT64_MIN, INT64_MAX,
    };
    if (rnd() % 3) {
        return (int64_t)(rnd() % 41) - 20;
    }
    return special[rnd() % (sizeof(special) / sizeof(special[0]))];
}

static void test_strings(void)
{
    for (unsigned f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
        for (unsigned g = 0; g < 8; g++) {
            hash = 2166136261u;
            for (unsigned imm = 16 * g; imm < 16 * (g + 1); imm++) {
                for (int t = 0; t < 24; t++) {
                    struct { uint8_t a[16], b[16]; int64_t la, lb; uint64_t rcx; } in;
                    uint64_t out[6];
                    fill_str(in.a);
                    fill_str(in.b);
                    if (t % 6 == 0) {
                        memcpy(in.a + rnd() % 8, in.b + rnd() % 8, 4);   /* a substring */
                    }
                    in.la = rnd_len();
                    in.lb = rnd_len();
                    in.rcx = 0xdeadbeefcafef00dull;
                    str_call(forms[f].stubs + 16 * imm, &in, out);
                    for (int i = 0; i < 6; i++) {
                        mix(out[i]);
                    }
                }
            }
            printf("%-14s imm %02x..%02x: %08x\n", forms[f].name, 16 * g, 16 * g + 15, hash);
        }
    }
}

/* ---- AVX2 string-function instructions, at page ends ----
 * avx_BLOCK(p, out, q): ymm1..ymm11 from q (96 bytes, never faulting),
 * then the block's first access to p (label BLOCK_insn, the one that may
 * fault), then the common tail: masks, tests and registers to out. */
#define AVX_BLOCK(name, insn)                                                 \
    ".globl avx_" #name "\n avx_" #name ":\n"                                 \
    "vmovdqu (%rdx), %ymm1\n vmovdqu 32(%rdx), %ymm2\n vmovdqu 64(%rdx), %ymm3\n" \
    "vpxor %ymm4, %ymm4, %ymm4\n vpbroadcastb %xmm1, %ymm5\n"                  \
    "vpbroadcastw %xmm2, %xmm6\n vpbroadcastq 8(%rdx), %ymm7\n"                \
    "vmovdqu %ymm3, %ymm8\n vmovdqu %ymm2, %ymm9\n mov $0x1234, %eax\n"       \
    "mov $0x5678, %ecx\n"                                                     \
    ".globl " #name "_insn\n " #name "_insn:\n " insn "\n jmp avx_tail\n"

__asm__(
    ".text\n"
    AVX_BLOCK(cmpeqb, "vpcmpeqb (%rdi), %ymm1, %ymm8")
    AVX_BLOCK(minub, "vpminub (%rdi), %ymm5, %ymm8")
    AVX_BLOCK(bcastb, "vpbroadcastb (%rdi), %ymm8")
    AVX_BLOCK(bcastd, "vpbroadcastd (%rdi), %xmm8")
    AVX_BLOCK(ptest, "vptest (%rdi), %ymm1\n setz %al\n setc %cl")
    AVX_BLOCK(permq, "vpermq $0x4e, (%rdi), %ymm8")
    AVX_BLOCK(insert, "vinserti128 $1, (%rdi), %ymm2, %ymm8")
    AVX_BLOCK(istri, "vpcmpistri $0x1a, (%rdi), %xmm1")
    AVX_BLOCK(estri, "mov $13, %eax\n mov $30, %edx\n pcmpestri $0x0c, (%rdi), %xmm5")
    AVX_BLOCK(cmpeqx, "vpcmpeqb (%rdi), %xmm1, %xmm8")
    "avx_tail:\n"
    "vpcmpeqb %ymm4, %ymm8, %ymm10\n vpmovmskb %ymm10, %r8d\n mov %r8, (%rsi)\n"
    "vpmovmskb %xmm8, %r8d\n mov %r8, 8(%rsi)\n"
    "vpminub %ymm1, %ymm8, %ymm11\n vpcmpeqb %ymm5, %ymm11, %ymm11\n vpor %ymm11, %ymm10, %ymm10\n"
    "vpmovmskb %ymm10, %r8d\n mov %r8, 16(%rsi)\n"
    "vptest %ymm8, %ymm10\n pushfq\n pop %r8\n and $0x8d5, %r8d\n mov %r8, 24(%rsi)\n"
    "vptest %xmm1, %xmm5\n pushfq\n pop %r8\n and $0x8d5, %r8d\n mov %r8, 32(%rsi)\n"
    "vmovmskps %ymm8, %r8d\n vmovmskpd %ymm10, %r9d\n shl $8, %r9\n or %r9, %r8\n"
    "mov %r8, 40(%rsi)\n mov %rax, 48(%rsi)\n mov %rcx, 56(%rsi)\n"
    "vmovdqu %ymm5, 64(%rsi)\n vmovdqu %ymm6, 96(%rsi)\n vmovdqu %ymm7, 128(%rsi)\n"
    "vmovdqu %ymm8, 160(%rsi)\n vmovdqu %ymm10, 192(%rsi)\n vzeroupper\n ret\n");

#define AVX_BLOCKS(X) X(cmpeqb) X(minub) X(bcastb) X(bcastd) X(ptest) X(permq) X(insert) \
                      X(istri) X(estri) X(cmpeqx)
#define X(n) void avx_##n(const void *p, uint64_t *out, const void *q); extern const char n##_insn[];
AVX_BLOCKS(X)
#undef X
static const struct { const char *name; void (*fn)(const void *, uint64_t *, const void *);
                      const char *insn; } blocks[] = {
#define X(n) { #n, avx_##n, n##_insn },
    AVX_BLOCKS(X)
#undef X
};

static sigjmp_buf jb;
static uintptr_t fault_addr, fault_rip;
static uint64_t fault_regs;

static void on_segv(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    fault_addr = (uintptr_t)si->si_addr;
    fault_rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    /* the destination must be as before the faulting instruction */
    unsigned h = hash;
    hash = 2166136261u;
    mix((uint64_t)uc->uc_mcontext.gregs[REG_RAX]);
    mix((uint64_t)uc->uc_mcontext.gregs[REG_RCX]);
    for (int r = 1; r <= 9; r++) {   /* those the blocks set (glibc leaves others) */
        for (int k = 0; k < 4; k++) {
            mix(uc->uc_mcontext.fpregs->_xmm[r].element[k]);
        }
    }
    fault_regs = hash;
    hash = h;
    siglongjmp(jb, 1);
}

static void test_page_ends(void)
{
    uint8_t *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    static uint8_t q[96] __attribute__((aligned(32)));

    if (m == MAP_FAILED || mprotect(m + 4096, 4096, PROT_NONE) != 0) {
        printf("mmap failed\n");
        return;
    }
    for (int i = 0; i < 4096; i++) {
        m[i] = (uint8_t)(i % 7 == 0 ? 0 : 'a' + (i * 13) % 26);
    }
    for (int i = 0; i < 96; i++) {
        q[i] = (uint8_t)('a' + (i * 5) % 26);
    }
    q[0] = 'h';
    q[33] = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);

    for (unsigned b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++) {
        unsigned nfault = 0;
        hash = 2166136261u;
        for (int k = 0; k <= 48; k++) {
            const uint8_t *p = m + 4096 - 40 + k;
            uint64_t out[28] = { 0 };
            fault_addr = fault_rip = 0;
            if (sigsetjmp(jb, 1) == 0) {
                blocks[b].fn(p, out, q);
                for (int i = 0; i < 28; i++) {
                    mix(out[i]);
                }
            } else {
                nfault++;
                printf("%-7s p = end%+3d: SIGSEGV at end%+ld, rip %s, registers %08x\n",
                       blocks[b].name, k - 40, (long)(fault_addr - (uintptr_t)(m + 4096)),
                       fault_rip == (uintptr_t)blocks[b].insn ? "at the instruction" : "ELSEWHERE",
                       (unsigned)fault_regs);
            }
        }
        printf("%-7s results %08x, %u faults\n", blocks[b].name, hash, nfault);
    }
    munmap(m, 8192);
}

int main(void)
{
    test_strings();
    test_page_ends();
    return 0;
}
