/*
 * vec-chains.c — chains of dependent SSE/AVX instructions in one block,
 * mixed with what changes vector registers behind a chain's back: scalar
 * and half-register moves (movsd, movhps, movq, pinsrw), a GPR source
 * (cvtsi2sd), guest loads and stores between them, and 256-bit VEX
 * results.  emu's JIT keeps recent vector results in host registers within
 * a block (docs/jit.md, vec-cache.c); each block here reads a value back
 * after it was changed some other way, and the results are printed in hex
 * to be compared with native.  Every block runs twice: with all MXCSR
 * exceptions masked (host instructions) and with divide-by-zero unmasked
 * but never raised (every FP instruction then takes emu's fallback path,
 * which must leave the cached registers right too: integer ops, always
 * native, read them after a fallback; the suite runs this with
 * EMU_JIT_STUB_CLOBBER=1, which zeroes the cache registers after every
 * fallback call as C code may).
 */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    uint64_t q[4];
} V256;

static V256 in[8], out[8];
static double mem_d[4] = { 1.5, -2.25, 3.125, 1e-3 };

static void show(const char *name)
{
    printf("%-10s", name);
    for (int i = 0; i < 8; i++) {
        printf(" %016llx%016llx", (unsigned long long)out[i].q[1],
               (unsigned long long)out[i].q[0]);
    }
    printf("\n");
}

static void seed(void)
{
    for (int i = 0; i < 8; i++) {
        double d[4] = { 1.0 + i * 0.75, -0.5 * i + 0.125, 3.0 / (i + 1), 1e10 * (i - 3) };
        memcpy(&in[i], d, sizeof(d));
    }
}

#define LOAD8 \
    "movdqu 0(%[in]), %%xmm0\n\t" "movdqu 32(%[in]), %%xmm1\n\t" \
    "movdqu 64(%[in]), %%xmm2\n\t" "movdqu 96(%[in]), %%xmm3\n\t" \
    "movdqu 128(%[in]), %%xmm4\n\t" "movdqu 160(%[in]), %%xmm5\n\t" \
    "movdqu 192(%[in]), %%xmm6\n\t" "movdqu 224(%[in]), %%xmm7\n\t"
#define STORE8 \
    "movdqu %%xmm0, 0(%[out])\n\t" "movdqu %%xmm1, 32(%[out])\n\t" \
    "movdqu %%xmm2, 64(%[out])\n\t" "movdqu %%xmm3, 96(%[out])\n\t" \
    "movdqu %%xmm4, 128(%[out])\n\t" "movdqu %%xmm5, 160(%[out])\n\t" \
    "movdqu %%xmm6, 192(%[out])\n\t" "movdqu %%xmm7, 224(%[out])\n\t"
#define CLOBBERS "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", \
    "rax", "rcx", "memory", "cc"
#define RUN(name, body)                                                      \
    do {                                                                     \
        memset(out, 0, sizeof(out));                                         \
        __asm__ volatile(LOAD8 body STORE8                                   \
                         : : [in] "r"(in), [out] "r"(out), [m] "r"(mem_d)   \
                         : CLOBBERS);                                        \
        show(name);                                                          \
    } while (0)

static void blocks(void)
{
    /* a scalar chain; movsd reg-reg replaces a low half only */
    RUN("scalar",
        "mulsd %%xmm1, %%xmm0\n\t" "addsd %%xmm2, %%xmm0\n\t" "movsd %%xmm0, %%xmm3\n\t"
        "mulsd %%xmm3, %%xmm3\n\t" "subsd %%xmm0, %%xmm3\n\t" "divsd 0(%[m]), %%xmm3\n\t"
        "sqrtsd %%xmm3, %%xmm4\n\t" "addsd %%xmm4, %%xmm0\n\t");
    /* half loads and GPR moves into registers a chain just wrote */
    RUN("halves",
        "addpd %%xmm1, %%xmm0\n\t" "movhps 8(%[m]), %%xmm0\n\t" "mulpd %%xmm0, %%xmm1\n\t"
        "movlpd 16(%[m]), %%xmm1\n\t" "addpd %%xmm1, %%xmm2\n\t" "movq %%xmm2, %%rax\n\t"
        "addq $1, %%rax\n\t" "movq %%rax, %%xmm3\n\t" "addpd %%xmm3, %%xmm2\n\t"
        "pinsrw $3, %%eax, %%xmm2\n\t" "paddq %%xmm2, %%xmm4\n\t" "movsd 24(%[m]), %%xmm5\n\t"
        "mulsd %%xmm5, %%xmm4\n\t");
    /* loads and stores between the links, a store to memory read back */
    RUN("memory",
        "mulpd %%xmm1, %%xmm0\n\t" "movupd %%xmm0, 96(%[out])\n\t" "addpd 0(%[m]), %%xmm0\n\t"
        "movapd %%xmm0, %%xmm6\n\t" "mulsd 8(%[m]), %%xmm6\n\t" "movsd %%xmm6, 16(%[m])\n\t"
        "addsd 16(%[m]), %%xmm0\n\t" "subpd %%xmm0, %%xmm6\n\t" "movq 96(%[out]), %%xmm7\n\t"
        "addsd %%xmm7, %%xmm6\n\t");
    /* integer ops, a GPR source and a GPR result in the chain */
    RUN("mixed",
        "paddd %%xmm1, %%xmm0\n\t" "pshufd $0x1b, %%xmm0, %%xmm2\n\t" "pxor %%xmm2, %%xmm0\n\t"
        "movq %%xmm1, %%rax\n\t" "cvtsi2sd %%rax, %%xmm3\n\t" "addsd %%xmm3, %%xmm0\n\t"
        "mulpd %%xmm1, %%xmm2\n\t" "paddq %%xmm2, %%xmm7\n\t" "paddq %%xmm0, %%xmm6\n\t"
        "cvttsd2si %%xmm0, %%rcx\n\t"
        "cvtsi2sdq %%rcx, %%xmm4\n\t" "mulsd %%xmm4, %%xmm0\n\t" "movss %%xmm1, %%xmm5\n\t"
        "addss %%xmm5, %%xmm5\n\t" "mulss %%xmm5, %%xmm1\n\t");
}

static void blocks_avx(void)
{
    /* VEX.128 and VEX.256 results mixed with legacy ops */
    RUN("avx",
        "vaddpd %%xmm1, %%xmm0, %%xmm2\n\t" "vmulsd %%xmm2, %%xmm1, %%xmm3\n\t"
        "addpd %%xmm2, %%xmm3\n\t" "vmovupd 0(%[in]), %%ymm4\n\t" "vaddpd %%ymm4, %%ymm4, %%ymm5\n\t"
        "vsubpd %%xmm5, %%xmm3, %%xmm6\n\t" "mulpd %%xmm6, %%xmm5\n\t" "vzeroupper\n\t"
        "vfmadd231pd %%xmm1, %%xmm2, %%xmm7\n\t" "addpd %%xmm7, %%xmm0\n\t");
}

static void set_mx(uint32_t v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v));
}

int main(void)
{
    unsigned a, b, c, d;
    __cpuid(1, a, b, c, d);
    int avx = (c >> 28) & 1, fma = (c >> 12) & 1;
    seed();
    for (int pass = 0; pass < 2; pass++) {
        printf("MXCSR %s\n", pass ? "divide-by-zero unmasked" : "default");
        set_mx(pass ? 0x1f80 & ~0x200u : 0x1f80);
        for (int round = 0; round < 3; round++) {
            blocks();
            if (avx && fma) {
                blocks_avx();
            }
            memcpy(in, out, sizeof(in));   /* feed the results back in */
        }
        set_mx(0x1f80);
        seed();
    }
    return 0;
}
