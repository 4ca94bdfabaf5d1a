/*
 * tests/unit/test-x86-sse4.c — SSE3, SSSE3, SSE4.1 and SSE4.2 (legacy
 * encodings, MMX forms of SSSE3 included) under emu vs. natively.
 *
 * The method and harness are those of test-x86-fp.c: each snippet runs
 * from the same random initial state (GPRs, RFLAGS, MXCSR mode/FTZ/DAZ
 * and sometimes unmasked exceptions, XMM lanes from float/double/integer
 * edge values or NUL-studded strings, a data page) natively in
 * tests/harness's sandboxed child and under emu, up to the ud2 appended to it or the fault;
 * compared: GPRs, rip, arithmetic RFLAGS, the FXSAVE image (x87/MMX state,
 * MXCSR, XMM), the data page and the signal.
 *
 * Besides the fixed snippets, "imm" runs every imm8 value (0..255) of the
 * instructions that take one (PCMPxSTRx — with lengths in rAX/rDX beyond
 * 16 and negative, REX.W too — DPPS/DPPD, ROUNDxx, blends, MPSADBW,
 * INSERTPS, PALIGNR...), register and memory forms; "gating" checks #UD
 * under a model without the features.  SSE4TEST_SEED=n explores other
 * inputs, SSE4TEST_ITERS=n sets the runs per case, SSE4TEST_ONLY=name
 * selects one case.
 */
#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/exec.h"
#include "emu/x86/cpu-model.h"
#include "x86-check.h"
#include "x86-random.h"
#include "x86-emu.h"

#define G_CODE   0x11000000ull
#define G_DATA   0x11010000ull
#define G_STACK  0x11020000ull
#define G_SIZE   0x30000ull
#define DATA_SZ  0x1000ull
#define STACK_SZ 0x1000ull
#define G_RSP    (G_STACK + STACK_SZ - 0x100)

static const HxLayout layout = {
    HX_WINDOW_LAYOUT(G_CODE, G_SIZE, G_DATA, DATA_SZ, G_STACK, STACK_SZ),
};

/* ---- snippets ---- */

typedef struct Snippet {
    const char *name;
    const uint8_t *start, *end;
} Snippet;

#define SNIP(name, code)                                                   \
    extern const uint8_t s4snip_##name##_start[], s4snip_##name##_end[];  \
    __asm__(".pushsection .rodata\n"                                       \
            "s4snip_" #name "_start:\n" code "\ns4snip_" #name "_end:\n"  \
            ".popsection\n");

/* rsi = G_DATA (floats at 0, doubles at 0x100, random bytes at 0x400,
 * small integers at 0x800, NUL-studded strings at 0xc00). */
#define FLAGS_TO(r) "pushfq\n pop " r "\n and $0x8d5, " r "\n"

/* SSE3 */
SNIP(sse3_fp, "addsubps %xmm1, %xmm0\n addsubpd %xmm3, %xmm2\n haddps %xmm5, %xmm4\n haddpd %xmm7, %xmm6\n"
              "hsubps %xmm9, %xmm8\n hsubpd %xmm11, %xmm10\n haddps %xmm12, %xmm12\n hsubpd %xmm13, %xmm13")
SNIP(sse3_fp_mem, "addsubps 0x10(%rsi), %xmm0\n addsubpd 0x100(%rsi), %xmm2\n haddps 0x20(%rsi), %xmm4\n"
                  "haddpd 0x110(%rsi), %xmm6\n hsubps 0x30(%rsi), %xmm8\n hsubpd 0x120(%rsi), %xmm10")
SNIP(sse3_mov, "movsldup %xmm1, %xmm0\n movshdup %xmm3, %xmm2\n movddup %xmm5, %xmm4\n movsldup 0x400(%rsi), %xmm6\n"
               "movshdup 0x410(%rsi), %xmm7\n movddup 0x408(%rsi), %xmm8\n movddup 0x403(%rsi), %xmm9\n"
               "lddqu 0x401(%rsi), %xmm10\n movddup %xmm11, %xmm11")
/* OM and UM unmasked (the rest of MXCSR as drawn): PE of overflowing lanes */
#define UNMASK_OU "stmxcsr 0x4f0(%rsi)\n andl $0xfffff3ff, 0x4f0(%rsi)\n ldmxcsr 0x4f0(%rsi)\n"
/* lanes of two registers forced to the largest finite exponent (random
 * sign and mantissa), so that sums and products overflow */
#define BIGPS(x, y) "mov $0x7f000000, %eax\n movd %eax, %xmm15\n pshufd $0, %xmm15, %xmm15\n" \
    "mov $0xff7fffff, %eax\n movd %eax, %xmm14\n pshufd $0, %xmm14, %xmm14\n" \
    "orps %xmm15, " x "\n andps %xmm14, " x "\n orps %xmm15, " y "\n andps %xmm14, " y "\n"
#define BIGPD(x, y) "mov $0x7fe0000000000000, %rax\n movq %rax, %xmm15\n punpcklqdq %xmm15, %xmm15\n" \
    "mov $0xffefffffffffffff, %rax\n movq %rax, %xmm14\n punpcklqdq %xmm14, %xmm14\n" \
    "orpd %xmm15, " x "\n andpd %xmm14, " x "\n orpd %xmm15, " y "\n andpd %xmm14, " y "\n"
SNIP(sse3_ou_haddps, UNMASK_OU BIGPS("%xmm0", "%xmm1") "haddps %xmm1, %xmm0")
SNIP(sse3_ou_hsubpd, UNMASK_OU BIGPD("%xmm4", "%xmm5") "hsubpd %xmm5, %xmm4")
SNIP(sse3_ou_addsubps, UNMASK_OU BIGPS("%xmm2", "%xmm3") "addsubps %xmm3, %xmm2")
SNIP(sse3_ou_addsubpd, UNMASK_OU BIGPD("%xmm6", "%xmm7") "addsubpd %xmm7, %xmm6")
SNIP(sse41_ou_dpps, UNMASK_OU BIGPS("%xmm0", "%xmm1") "dpps $0xff, %xmm1, %xmm0")
SNIP(sse41_ou_dppd, UNMASK_OU "dppd $0x31, %xmm5, %xmm4")
SNIP(sse3_misaligned_hadd, "haddps 0x404(%rsi), %xmm0")
SNIP(sse3_misaligned_movsldup, "movsldup 0x408(%rsi), %xmm0")
SNIP(sse3_monitor, "lea 0x400(%rsi), %rax\n xor %ecx, %ecx\n xor %edx, %edx\n monitor")   /* #UD at CPL 3 */
SNIP(sse3_mwait, "xor %eax, %eax\n xor %ecx, %ecx\n mwait")
SNIP(sse3_fisttp, "fldt 0x200(%rsi)\n fisttps 0x400(%rsi)\n fldt 0x210(%rsi)\n fisttpl 0x404(%rsi)\n"
                  "fldt 0x220(%rsi)\n fisttpll 0x408(%rsi)\n fnstsw %ax")

/* SSSE3 */
SNIP(ssse3_a, "pshufb %xmm1, %xmm0\n phaddw %xmm1, %xmm2\n phaddd %xmm1, %xmm3\n phaddsw %xmm1, %xmm4\n"
              "phsubw %xmm1, %xmm5\n phsubd %xmm1, %xmm6\n phsubsw %xmm1, %xmm7\n pmaddubsw %xmm1, %xmm8\n"
              "pmulhrsw %xmm1, %xmm9\n pshufb %xmm10, %xmm10\n phaddsw %xmm11, %xmm11")
SNIP(ssse3_b, "psignb %xmm1, %xmm0\n psignw %xmm1, %xmm2\n psignd %xmm1, %xmm3\n pabsb %xmm1, %xmm4\n"
              "pabsw %xmm1, %xmm5\n pabsd %xmm1, %xmm6\n palignr $5, %xmm1, %xmm7\n palignr $0, %xmm1, %xmm8\n"
              "palignr $16, %xmm1, %xmm9\n palignr $17, %xmm1, %xmm10\n palignr $31, %xmm1, %xmm11\n"
              "palignr $32, %xmm1, %xmm12\n palignr $255, %xmm1, %xmm13\n palignr $15, %xmm14, %xmm14")
SNIP(ssse3_mem, "pshufb 0x400(%rsi), %xmm0\n phaddw 0x800(%rsi), %xmm2\n phaddd 0x810(%rsi), %xmm3\n"
                "phaddsw 0x820(%rsi), %xmm4\n phsubw 0x830(%rsi), %xmm5\n phsubd 0x840(%rsi), %xmm6\n"
                "phsubsw 0x850(%rsi), %xmm7\n pmaddubsw 0x410(%rsi), %xmm8\n pmulhrsw 0x860(%rsi), %xmm9\n"
                "psignb 0x420(%rsi), %xmm10\n psignw 0x870(%rsi), %xmm11\n psignd 0x880(%rsi), %xmm12\n"
                "pabsb 0x430(%rsi), %xmm13\n pabsw 0x890(%rsi), %xmm14\n pabsd 0x8a0(%rsi), %xmm15\n"
                "palignr $9, 0x440(%rsi), %xmm1")
SNIP(ssse3_mmx, "movq 0x400(%rsi), %mm0\n movq 0x408(%rsi), %mm1\n movq 0x800(%rsi), %mm2\n movq 0x808(%rsi), %mm3\n"
                "pshufb %mm1, %mm0\n phaddw %mm3, %mm2\n phaddd %mm3, %mm4\n phaddsw %mm2, %mm5\n"
                "phsubw %mm3, %mm6\n phsubd %mm3, %mm7\n movq %mm0, 0x480(%rsi)\n movq %mm2, 0x488(%rsi)\n"
                "movq %mm4, 0x490(%rsi)\n phsubsw %mm3, %mm0\n pmaddubsw %mm1, %mm2\n pmulhrsw %mm3, %mm4\n"
                "psignb %mm1, %mm5\n psignw 0x810(%rsi), %mm6\n psignd %mm3, %mm7\n pabsb %mm1, %mm1\n"
                "pabsw 0x818(%rsi), %mm3\n emms")
SNIP(ssse3_mmx2, "movq 0x400(%rsi), %mm0\n movq 0x408(%rsi), %mm1\n pabsd %mm0, %mm2\n palignr $3, %mm1, %mm0\n"
                 "palignr $8, %mm0, %mm3\n palignr $9, %mm0, %mm4\n palignr $15, %mm0, %mm5\n palignr $16, %mm0, %mm6\n"
                 "palignr $200, 0x410(%rsi), %mm7\n pshufb 0x418(%rsi), %mm1\n phaddw 0x421(%rsi), %mm2")
SNIP(ssse3_misaligned, "pshufb 0x401(%rsi), %xmm0")
SNIP(ssse3_mmx_unaligned, "pshufb 0x401(%rsi), %mm0\n palignr $4, 0x403(%rsi), %mm1\n emms")

/* SSE4.1 */
SNIP(blendv, "pblendvb %xmm0, %xmm1, %xmm2\n blendvps %xmm0, %xmm3, %xmm4\n blendvpd %xmm0, %xmm5, %xmm6\n"
             "pblendvb %xmm0, 0x400(%rsi), %xmm7\n blendvps %xmm0, 0x410(%rsi), %xmm8\n"
             "blendvpd %xmm0, 0x420(%rsi), %xmm9\n pblendvb %xmm0, %xmm0, %xmm10\n blendvps %xmm0, %xmm11, %xmm0")
SNIP(blend, "blendps $5, %xmm1, %xmm0\n blendpd $2, %xmm1, %xmm2\n pblendw $0xa5, %xmm1, %xmm3\n"
            "blendps $0xff, 0x400(%rsi), %xmm4\n blendpd $3, 0x410(%rsi), %xmm5\n pblendw $0x3c, 0x420(%rsi), %xmm6")
SNIP(ptest, FLAGS_TO("%rax") "ptest %xmm1, %xmm0\n" FLAGS_TO("%rbx") "ptest %xmm2, %xmm2\n" FLAGS_TO("%rcx")
            "ptest 0x400(%rsi), %xmm3\n" FLAGS_TO("%rdx") "pcmpeqb %xmm4, %xmm4\n ptest %xmm4, %xmm5\n"
            FLAGS_TO("%r8") "pxor %xmm6, %xmm6\n ptest %xmm7, %xmm6")
SNIP(pmovx, "pmovsxbw %xmm1, %xmm0\n pmovsxbd %xmm1, %xmm2\n pmovsxbq %xmm1, %xmm3\n pmovsxwd %xmm1, %xmm4\n"
            "pmovsxwq %xmm1, %xmm5\n pmovsxdq %xmm1, %xmm6\n pmovzxbw %xmm1, %xmm7\n pmovzxbd %xmm1, %xmm8\n"
            "pmovzxbq %xmm1, %xmm9\n pmovzxwd %xmm1, %xmm10\n pmovzxwq %xmm1, %xmm11\n pmovzxdq %xmm1, %xmm12\n"
            "pmovsxbw %xmm13, %xmm13")
SNIP(pmovx_mem, "pmovsxbw 0x401(%rsi), %xmm0\n pmovsxbd 0x403(%rsi), %xmm2\n pmovsxbq 0x405(%rsi), %xmm3\n"
                "pmovsxwd 0x407(%rsi), %xmm4\n pmovsxwq 0x409(%rsi), %xmm5\n pmovsxdq 0x40b(%rsi), %xmm6\n"
                "pmovzxbw 0x40d(%rsi), %xmm7\n pmovzxbd 0x40f(%rsi), %xmm8\n pmovzxbq 0x411(%rsi), %xmm9\n"
                "pmovzxwd 0x413(%rsi), %xmm10\n pmovzxwq 0x415(%rsi), %xmm11\n pmovzxdq 0x417(%rsi), %xmm12\n"
                "pmovzxbq 0xffe(%rsi), %xmm13")
SNIP(pmovx_fault, "pmovzxbw 0xffc(%rsi), %xmm13")
SNIP(sse41_int, "pmuldq %xmm1, %xmm0\n pmulld %xmm1, %xmm2\n pcmpeqq %xmm1, %xmm3\n packusdw %xmm1, %xmm4\n"
                "pminsb %xmm1, %xmm5\n pminsd %xmm1, %xmm6\n pminuw %xmm1, %xmm7\n pminud %xmm1, %xmm8\n"
                "pmaxsb %xmm1, %xmm9\n pmaxsd %xmm1, %xmm10\n pmaxuw %xmm1, %xmm11\n pmaxud %xmm1, %xmm12\n"
                "phminposuw %xmm1, %xmm13\n pcmpeqq %xmm14, %xmm14\n pcmpgtq %xmm1, %xmm15")
SNIP(sse41_int_mem, "pmuldq 0x400(%rsi), %xmm0\n pmulld 0x800(%rsi), %xmm2\n pcmpeqq 0x410(%rsi), %xmm3\n"
                    "packusdw 0x810(%rsi), %xmm4\n pminsb 0x420(%rsi), %xmm5\n pminsd 0x820(%rsi), %xmm6\n"
                    "pminuw 0x830(%rsi), %xmm7\n pminud 0x430(%rsi), %xmm8\n pmaxsb 0x840(%rsi), %xmm9\n"
                    "pmaxsd 0x440(%rsi), %xmm10\n pmaxuw 0x850(%rsi), %xmm11\n pmaxud 0x450(%rsi), %xmm12\n"
                    "phminposuw 0x860(%rsi), %xmm13\n pcmpgtq 0x460(%rsi), %xmm15\n phminposuw 0x800(%rsi), %xmm14")
SNIP(round, "roundps $0, %xmm1, %xmm0\n roundps $1, %xmm1, %xmm2\n roundpd $2, %xmm3, %xmm4\n roundpd $3, %xmm3, %xmm5\n"
            "roundss $4, %xmm1, %xmm6\n roundsd $8, %xmm3, %xmm7\n roundss $9, 0x4(%rsi), %xmm8\n"
            "roundsd $10, 0x108(%rsi), %xmm9\n roundps $12, 0x10(%rsi), %xmm10\n roundpd $15, 0x110(%rsi), %xmm11\n"
            "roundps $0xf4, %xmm12, %xmm12\n roundsd $0x0b, %xmm13, %xmm14")
SNIP(dp, "dpps $0xff, %xmm1, %xmm0\n dpps $0x31, %xmm1, %xmm2\n dppd $0x33, %xmm3, %xmm4\n dppd $0x12, %xmm3, %xmm5\n"
         "dpps $0x7e, 0x10(%rsi), %xmm6\n dppd $0x31, 0x100(%rsi), %xmm7\n dpps $0xf1, %xmm8, %xmm8")
SNIP(mpsadbw, "mpsadbw $0, %xmm1, %xmm0\n mpsadbw $5, %xmm1, %xmm2\n mpsadbw $7, %xmm1, %xmm3\n"
              "mpsadbw $0xfa, 0x400(%rsi), %xmm4\n mpsadbw $3, %xmm5, %xmm5")
SNIP(insext, "insertps $0x00, %xmm1, %xmm0\n insertps $0xd5, %xmm1, %xmm2\n insertps $0x6f, %xmm1, %xmm3\n"
             "insertps $0xf2, 0x404(%rsi), %xmm4\n insertps $0x38, 0x8(%rsi), %xmm5\n"
             "extractps $2, %xmm1, %eax\n extractps $3, %xmm1, %rbx\n extractps $1, %xmm1, 0x481(%rsi)\n"
             "pextrb $13, %xmm1, %ecx\n pextrb $3, %xmm1, %rdx\n pextrb $15, %xmm1, 0x485(%rsi)\n"
             "pextrw $5, %xmm1, %r8d\n pextrw $6, %xmm1, 0x487(%rsi)\n pextrd $3, %xmm1, %r9d\n"
             "pextrd $2, %xmm1, 0x48a(%rsi)\n pextrq $1, %xmm1, %r10\n pextrq $0, %xmm1, 0x493(%rsi)\n"
             "pextrb $31, %xmm3, %r11d\n pextrw $0, %xmm2, %r12")
SNIP(pinsr, "pinsrb $3, %eax, %xmm0\n pinsrb $15, 0x401(%rsi), %xmm1\n pinsrb $20, %ecx, %xmm2\n"
            "pinsrd $1, %edx, %xmm3\n pinsrd $3, 0x405(%rsi), %xmm4\n pinsrq $1, %rbx, %xmm5\n"
            "pinsrq $0, 0x409(%rsi), %xmm6\n pinsrd $6, %r8d, %xmm7\n pinsrb $0, %r15d, %xmm8")
SNIP(pextr_fault, "pextrd $2, %xmm1, 0xffe(%rsi)")
SNIP(movntdqa, "movntdqa 0x400(%rsi), %xmm0\n movntdqa 0x410(%rsi), %xmm15")
SNIP(movntdqa_misaligned, "movntdqa 0x408(%rsi), %xmm0")
SNIP(ptest_misaligned, "ptest 0x404(%rsi), %xmm0")
SNIP(phminposuw_misaligned, "phminposuw 0x402(%rsi), %xmm0")
SNIP(dpps_misaligned, "dpps $0xff, 0x408(%rsi), %xmm0")
SNIP(roundps_misaligned, "roundps $1, 0x404(%rsi), %xmm0")
SNIP(roundss_unaligned, "roundss $1, 0x401(%rsi), %xmm0\n roundsd $2, 0x403(%rsi), %xmm1")
SNIP(pblendvb_misaligned, "pblendvb %xmm0, 0x401(%rsi), %xmm1")
SNIP(mpsadbw_misaligned, "mpsadbw $1, 0x401(%rsi), %xmm1")

/* SSE4.2 */
SNIP(crc32, "crc32b %al, %ecx\n crc32w %dx, %ebx\n crc32l %esi, %edi\n crc32q %rax, %r8\n crc32b %r9b, %r10\n"
            "crc32l 0x404(%rsi), %r11d\n crc32q 0x408(%rsi), %r12\n crc32w 0x402(%rsi), %r13d\n"
            "crc32b 0x403(%rsi), %r14d\n crc32b %ah, %ebp\n crc32l %eax, %eax\n crc32q 0x411(%rsi), %rdx")
SNIP(crc32_flags, FLAGS_TO("%rbx") "crc32q %rax, %rcx\n" FLAGS_TO("%rdx"))
SNIP(pcmpstr, "pcmpestri $0x0c, %xmm1, %xmm0\n mov %ecx, %r8d\n" FLAGS_TO("%r9")
              "pcmpistri $0x4a, %xmm3, %xmm2\n mov %ecx, %r10d\n" FLAGS_TO("%r11")
              "pcmpestrm $0x44, 0xc03(%rsi), %xmm4\n movdqa %xmm0, %xmm14\n" FLAGS_TO("%r12")
              "pcmpistrm $0x39, 0xc21(%rsi), %xmm5\n" FLAGS_TO("%r13")
              "pcmpistri $0x18, 0xc47(%rsi), %xmm6\n" FLAGS_TO("%r14")
              "rex.w pcmpestri $0x01, %xmm7, %xmm6")
SNIP(pcmpstr_unaligned, "pcmpistri $0, 0xc01(%rsi), %xmm0\n pcmpestrm $0, 0xc0f(%rsi), %xmm1")

#define E(name) { #name, s4snip_##name##_start, s4snip_##name##_end }
static const Snippet snippets[] = {
    E(sse3_fp), E(sse3_fp_mem), E(sse3_mov), E(sse3_misaligned_hadd), E(sse3_misaligned_movsldup),
    E(sse3_fisttp), E(sse3_monitor), E(sse3_mwait), E(sse3_ou_haddps), E(sse3_ou_hsubpd),
    E(sse3_ou_addsubps), E(sse3_ou_addsubpd), E(sse41_ou_dpps), E(sse41_ou_dppd),
    E(ssse3_a), E(ssse3_b), E(ssse3_mem), E(ssse3_mmx), E(ssse3_mmx2), E(ssse3_misaligned),
    E(ssse3_mmx_unaligned),
    E(blendv), E(blend), E(ptest), E(pmovx), E(pmovx_mem), E(pmovx_fault), E(sse41_int),
    E(sse41_int_mem), E(round), E(dp), E(mpsadbw), E(insext), E(pinsr), E(pextr_fault),
    E(movntdqa), E(movntdqa_misaligned), E(ptest_misaligned), E(phminposuw_misaligned),
    E(dpps_misaligned), E(roundps_misaligned), E(roundss_unaligned), E(pblendvb_misaligned),
    E(mpsadbw_misaligned),
    E(crc32), E(crc32_flags), E(pcmpstr), E(pcmpstr_unaligned),
};

/* ---- initial states: hx_random_fp_state() (tests/harness/x86-random.c) ---- */

static uint64_t rng_state;

static uint64_t rng(void)
{
    return hx_rng(&rng_state);
}

/* ---- string-heavy inputs (PCMPxSTRx) and implicit lengths ---- */

static uint8_t str_byte(void)
{
    static const uint8_t alphabet[16] = {
        0, 0, 0, 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'c', 0x80, 0xff, 0x7f, 0x01, 0xfe,
    };
    return alphabet[rng() % 16];
}

static int64_t str_len(void)
{
    switch (rng() % 8) {
    case 0: return (int64_t)rng();                        /* anything */
    case 1: return INT32_MIN;
    case 2: return (int64_t)0x100000000ull + (rng() % 20); /* high half set (REX.W matters) */
    case 3: return INT64_MIN;
    default: return (int64_t)(rng() % 41) - 20;          /* -20..20 */
    }
}

/* Some XMM registers and the string area become NUL-studded strings over
 * a small alphabet (so that compares match), sometimes shifted copies of
 * each other; rAX/rDX become lengths. */
static void spice_state(HxState *st)
{
    for (int r = 0; r < 8; r++) {
        if (rng() % 2) {
            for (int i = 0; i < 16; i++) {
                st->fx[160 + 16 * r + i] = str_byte();
            }
        }
    }
    if (rng() % 3 == 0) {
        int k = (int)(rng() % 8);
        memmove(st->fx + 160 + 16 * 2, st->fx + 160 + 16 * 1 + k, 16 - k);
    }
    for (int i = 0xc00; i < 0x1000; i++) {
        st->data[i] = str_byte();
    }
    if (rng() % 4) {
        st->regs[R_EAX] = (uint64_t)str_len();
        st->regs[R_EDX] = (uint64_t)str_len();
    }
}

/* SSE4TEST_ONLY=name runs only the snippet or imm case of that name. */
static bool skip_case(const char *name)
{
    const char *only = getenv("SSE4TEST_ONLY");
    return only && strcmp(only, name) != 0;
}

static int iters_env(int dflt)
{
    const char *it = getenv("SSE4TEST_ITERS");
    return it ? atoi(it) : dflt;
}

static void seed_rng(uint64_t salt)
{
    const char *seed = getenv("SSE4TEST_SEED");
    rng_state = (seed ? strtoull(seed, NULL, 0) * 0x9e3779b97f4a7c15ull : 0x2545f4914f6cdd1dull)
                ^ (salt * 0x100000001b3ull);
}

/* Run code from in natively and under emu; returns true if they agree.
 * Compared: GPRs, rip, signal, arithmetic flags, x87 and SSE state, the
 * data page. */
static bool run_case(const Snippet *sn, int it, const uint8_t *code, size_t n, HxState *in)
{
    static const HxCompare cmp = {
        .parts = HX_CMP_X87 | HX_CMP_MXCSR | HX_CMP_XMM | HX_CMP_DATA,
        .rflags_mask = CC_ARITH_MASK,
    };
    return hx_check(&layout, &cmp, sn->name, it, code, n, code, n, in, NULL, NULL) == 0;
}

#define ITERS 40    /* per case: the fuzzer (tests/fuzz) covers random breadth */

START_TEST(test_snippet)
{
    const Snippet *sn = &snippets[_i];
    size_t n = (size_t)(sn->end - sn->start);
    int failures = 0, iters = iters_env(ITERS);

    if (skip_case(sn->name)) {
        return;
    }

    uint8_t *code = hx_code_ud2(sn->start, n);
    seed_rng((uint64_t)_i + 1);
    for (int it = 0; it < iters && failures < 3; it++) {
        HxState *in = g_malloc(sizeof(HxState));
        hx_random_fp_state(&rng_state, in, &layout, G_RSP);
        spice_state(in);
        failures += !run_case(sn, it, code, n + 2, in);
        g_free(in);
    }
    g_free(code);
    ck_assert_msg(failures == 0, "%s: %d of the runs differ from native", sn->name, failures);
}
END_TEST

/* ---- every imm8 of the 0F 3A instructions ---- */

enum { OPD_XMM, OPD_MMX, OPD_GPR_DST, OPD_GPR_SRC };

typedef struct ImmInsn {
    const char *name;
    uint8_t op;          /* 0F 3A op */
    uint8_t kind;        /* OPD_*: what the ModRM rm operand is in the register form */
    bool p66, rexw;
    int16_t disp;        /* memory form at rsi + disp; -1: unaligned in the strings */
} ImmInsn;

static const ImmInsn imm_insns[] = {
    { "pcmpestrm", 0x60, OPD_XMM, true, false, -1 },
    { "pcmpestri", 0x61, OPD_XMM, true, false, -1 },
    { "pcmpistrm", 0x62, OPD_XMM, true, false, -1 },
    { "pcmpistri", 0x63, OPD_XMM, true, false, -1 },
    { "pcmpestrm.w", 0x60, OPD_XMM, true, true, -1 },
    { "pcmpestri.w", 0x61, OPD_XMM, true, true, -1 },
    { "roundps", 0x08, OPD_XMM, true, false, 0x10 },
    { "roundpd", 0x09, OPD_XMM, true, false, 0x110 },
    { "roundss", 0x0a, OPD_XMM, true, false, 0x4 },
    { "roundsd", 0x0b, OPD_XMM, true, false, 0x108 },
    { "blendps", 0x0c, OPD_XMM, true, false, 0x400 },
    { "blendpd", 0x0d, OPD_XMM, true, false, 0x410 },
    { "pblendw", 0x0e, OPD_XMM, true, false, 0x420 },
    { "palignr", 0x0f, OPD_XMM, true, false, 0x430 },
    { "palignr.mmx", 0x0f, OPD_MMX, false, false, 0x403 },
    { "pextrb", 0x14, OPD_GPR_DST, true, false, 0x481 },
    { "pextrw", 0x15, OPD_GPR_DST, true, false, 0x483 },
    { "pextrd", 0x16, OPD_GPR_DST, true, false, 0x485 },
    { "pextrq", 0x16, OPD_GPR_DST, true, true, 0x489 },
    { "extractps", 0x17, OPD_GPR_DST, true, false, 0x48d },
    { "pinsrb", 0x20, OPD_GPR_SRC, true, false, 0x801 },
    { "insertps", 0x21, OPD_XMM, true, false, 0x4 },
    { "pinsrd", 0x22, OPD_GPR_SRC, true, false, 0x805 },
    { "pinsrq", 0x22, OPD_GPR_SRC, true, true, 0x809 },
    { "dpps", 0x40, OPD_XMM, true, false, 0x20 },
    { "dppd", 0x41, OPD_XMM, true, false, 0x120 },
    { "mpsadbw", 0x42, OPD_XMM, true, false, 0x440 },
};

#define IMM_ITERS 1

START_TEST(test_imm)
{
    const ImmInsn *ii = &imm_insns[_i];
    /* string compares: 2 register + 2 memory runs per imm8 (times
     * SSE4TEST_ITERS); the others one run, register or memory by turns */
    bool str = ii->op >= 0x60;
    int failures = 0, iters = iters_env(IMM_ITERS) * (str ? 4 : 1);
    Snippet sn = { ii->name, NULL, NULL };

    if (skip_case(ii->name)) {
        return;
    }

    seed_rng(0x1000 + (uint64_t)_i);
    for (int imm = 0; imm < 256 && failures < 3; imm++) {
        for (int it = 0; it < iters && failures < 3; it++) {
            uint8_t code[16];
            size_t n = 0;
            bool mem = str ? (it & 1) : ((imm + it) & 1);
            /* reg = xmm1/mm1 (or the GPR rdx for PEXTR/PINSR); rm = xmm2/mm2 */
            if (ii->p66) {
                code[n++] = 0x66;
            }
            if (ii->rexw) {
                code[n++] = 0x48;
            }
            code[n++] = 0x0f;
            code[n++] = 0x3a;
            code[n++] = ii->op;
            if (mem) {
                int32_t disp = ii->disp >= 0 ? ii->disp : 0xc00 + (int32_t)(rng() % 0x3f0);
                code[n++] = 0x80 | (1 << 3) | 6;
                memcpy(code + n, &disp, 4);
                n += 4;
            } else {
                code[n++] = 0xc0 | (1 << 3) | 2;
            }
            code[n++] = (uint8_t)imm;
            code[n++] = 0x0f;
            code[n++] = 0x0b;
            HxState *in = g_malloc(sizeof(HxState));
            hx_random_fp_state(&rng_state, in, &layout, G_RSP);
            spice_state(in);
            if (!run_case(&sn, imm * 100 + it, code, n, in)) {
                fprintf(stderr, "  (%s imm %#x, %s form)\n", ii->name, imm, mem ? "memory" : "register");
                failures++;
            }
            g_free(in);
        }
    }
    ck_assert_msg(failures == 0, "%s: runs differ from native", ii->name);
}
END_TEST

/* ---- #UD without the feature ---- */

SNIP(ud_sse3, "haddps %xmm1, %xmm0")
SNIP(ud_sse3b, "movddup %xmm1, %xmm0")
SNIP(ud_ssse3, "pshufb %xmm1, %xmm0")
SNIP(ud_ssse3_mmx, "palignr $3, %mm1, %mm0")
SNIP(ud_sse41, "ptest %xmm1, %xmm0")
SNIP(ud_sse41b, "pextrb $1, %xmm1, %eax")
SNIP(ud_sse41c, "movntdqa (%rsi), %xmm0")
SNIP(ud_sse41d, "pextrw $1, %xmm1, (%rsi)")
SNIP(ud_sse42, "pcmpistri $0, %xmm1, %xmm0")
SNIP(ud_sse42b, "crc32b %al, %ecx")
SNIP(ud_sse42c, "pcmpgtq %xmm1, %xmm0")
SNIP(ok_sse2_pextrw, "pextrw $1, %xmm1, %eax")

static const Snippet ud_snippets[] = {
    E(ud_sse3), E(ud_sse3b), E(ud_ssse3), E(ud_ssse3_mmx), E(ud_sse41), E(ud_sse41b), E(ud_sse41c),
    E(ud_sse41d), E(ud_sse42), E(ud_sse42b), E(ud_sse42c),
};

START_TEST(test_gating)
{
    static const Snippet ok = E(ok_sse2_pextrw);
    HxState *in = g_malloc(sizeof(HxState)), *out = g_malloc(sizeof(HxState));
    uint8_t code[32];

    ck_assert(x86_cpu_model_force_for_test("x86-64-v1"));
    seed_rng(77);
    hx_random_fp_state(&rng_state, in, &layout, G_RSP);
    for (size_t i = 0; i < G_N_ELEMENTS(ud_snippets); i++) {
        size_t n = (size_t)(ud_snippets[i].end - ud_snippets[i].start);
        memcpy(code, ud_snippets[i].start, n);
        code[n] = 0x90;    /* nop; ud2: executing past the insn shows as rip G_CODE+n+1 */
        code[n + 1] = 0x0f;
        code[n + 2] = 0x0b;
        hx_emu_run(&layout, code, n + 3, in, out);
        ck_assert_msg(out->signo == SIGILL && out->rip == G_CODE, "%s: no #UD under x86-64-v1",
                      ud_snippets[i].name);
    }
    size_t n = (size_t)(ok.end - ok.start);
    memcpy(code, ok.start, n);
    code[n] = 0x0f;
    code[n + 1] = 0x0b;
    hx_emu_run(&layout, code, n + 2, in, out);
    ck_assert_msg(out->signo == SIGILL && out->rip == G_CODE + n, "pextrw (SSE2) should run on v1");
    ck_assert(x86_cpu_model_force_for_test("max"));
    g_free(in);
    g_free(out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("x86-sse4");
    TCase *tc = tcase_create("snippets"), *ti = tcase_create("imm"), *tg = tcase_create("gating");

    if (!x86_cpu_model_force_for_test("max")) {
        fprintf(stderr, "cpu model \"max\" not selectable\n");
        return 1;
    }
    tcase_set_timeout(tc, 600);
    tcase_set_timeout(ti, 600);
    tcase_add_loop_test(tc, test_snippet, 0, (int)G_N_ELEMENTS(snippets));
    tcase_add_loop_test(ti, test_imm, 0, (int)G_N_ELEMENTS(imm_insns));
    tcase_add_test(tg, test_gating);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, ti);
    suite_add_tcase(s, tg);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? 0 : 1;
}
