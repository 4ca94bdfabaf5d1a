/*
 * tests/unit/test-x86-sse4.c — SSE3, SSSE3, SSE4.1 and SSE4.2 (legacy
 * encodings, MMX forms of SSSE3 included) under emu vs. natively.
 *
 * The method and harness are those of test-x86-fp.c: each snippet runs
 * from the same random initial state (GPRs, RFLAGS, MXCSR mode/FTZ/DAZ
 * and sometimes unmasked exceptions, XMM lanes from float/double/integer
 * edge values or NUL-studded strings, a data page) natively in a forked
 * child and under emu, up to the ud2 appended to it or the fault;
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
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/exec.h"
#include "emu/x86/cpu-model.h"
#include "softmmu/softmmu.h"

#define G_CODE   0x11000000ull
#define G_DATA   0x11010000ull
#define G_STACK  0x11020000ull
#define G_SIZE   0x30000ull
#define DATA_SZ  0x1000ull
#define STACK_SZ 0x1000ull
#define G_RSP    (G_STACK + STACK_SZ - 0x100)

typedef struct State {
    uint64_t regs[16];
    uint64_t rflags;
    uint64_t rip;
    int signo;
    uint8_t fx[512] __attribute__((aligned(16)));
    uint8_t data[DATA_SZ];
    uint8_t stack[STACK_SZ];
} State;

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

/* ---- edge values ---- */

static const uint32_t f32_edge[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7fc00000, 0xffc00000,
    0x7f800001, 0x7fa12345, 0xffc54321, 0x7f800000, 0xff800000, 0x00000001,
    0x807fffff, 0x00400000, 0x7f7fffff, 0xff7fffff, 0x00800000, 0x3fc00000,
    0x3f000000, 0x40200000, 0xc0600000, 0x3dcccccd, 0x4b800001, 0x4effffff,
    0x4f000000, 0xcf000000, 0xcf000001, 0x5f000000, 0xdf000000, 0x5effffff,
    0x3eaaaaab, 0x42f6e979,
};

static const uint64_t f64_edge[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull,
    0xbff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull,
    0x7ff0000000000001ull, 0x7ff4000000abcdefull, 0xfff8000012345678ull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x0000000000000001ull,
    0x800fffffffffffffull, 0x0008000000000000ull, 0x7fefffffffffffffull,
    0x0010000000000000ull, 0x3ff8000000000000ull, 0x3fe0000000000000ull,
    0x4004000000000000ull, 0xc00c000000000000ull, 0x3fb999999999999aull,
    0x4340000000000001ull, 0x41dfffffffc00000ull, 0x41e0000000000000ull,
    0xc1e0000000000000ull, 0xc1e0000000200000ull, 0x43e0000000000000ull,
    0xc3e0000000000000ull, 0x43dfffffffffffffull, 0x3fd5555555555555ull,
    0x36a0000000000000ull, 0x47efffffe0000000ull,
};

/* 80-bit: {mantissa, sign|exponent} */
static const uint64_t f80_edge[][2] = {
    { 0, 0 }, { 0, 0x8000 }, { 0x8000000000000000ull, 0x3fff },
    { 0x8000000000000000ull, 0xbfff }, { 0xc90fdaa22168c235ull, 0x4000 },
    { 0xc000000000000000ull, 0x7fff }, { 0xc000000000000000ull, 0xffff },
    { 0xa000000000000000ull, 0x7fff }, { 0x8000000000000000ull, 0x7fff },
    { 0x8000000000000000ull, 0xffff }, { 0x0000000000000001ull, 0x0000 },
    { 0x8000000000000000ull, 0x0001 }, { 0xffffffffffffffffull, 0x7ffe },
    { 0x8000000000000000ull, 0x403e }, { 0xffffffffffffffffull, 0x403d },
    { 0x8000000000000000ull, 0xc03e }, { 0xc000000000000000ull, 0x3ffe },
    { 0xa000000000000000ull, 0x4000 }, { 0xe000000000000000ull, 0xc000 },
    { 0x8000000000000001ull, 0x3fff }, { 0xb17217f7d1cf79acull, 0x3ffe },
    { 0x9a209a84fbcff799ull, 0x3ffd }, { 0x8000000000000000ull, 0x4050 },
    { 0x9c40000000000000ull, 0x400c }, { 0x4000000000000000ull, 0x3fff }, /* unnormal */
    { 0x8000000000000000ull, 0x0000 }, /* pseudo-denormal */
    { 0xfffffffffffff800ull, 0x401c }, { 0x8000000000000400ull, 0x3ff5 },
    { 0xccccccccccccccccull, 0x3ffb }, { 0x8000000000000000ull, 0x3ffd },
    { 0x8000000000000000ull, 0x4400 }, { 0xdeadbeefdeadbeefull, 0xbff0 },
};

static uint64_t rng_state;

static uint64_t rng(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return x;
}

static const int16_t int_edge16[] = { 0, 1, -1, 2, 127, -128, 255, 256, 32767, -32768, 3, 15, 16, 100 };

static void fill_xmm(uint8_t *x)
{
    switch (rng() % 5) {
    case 0:
        for (int i = 0; i < 4; i++) {
            uint32_t v = f32_edge[rng() % G_N_ELEMENTS(f32_edge)];
            memcpy(x + 4 * i, &v, 4);
        }
        break;
    case 1:
        for (int i = 0; i < 2; i++) {
            uint64_t v = f64_edge[rng() % G_N_ELEMENTS(f64_edge)];
            memcpy(x + 8 * i, &v, 8);
        }
        break;
    case 2:
        for (int i = 0; i < 8; i++) {
            int16_t v = int_edge16[rng() % G_N_ELEMENTS(int_edge16)];
            memcpy(x + 2 * i, &v, 2);
        }
        break;
    default:
        for (int i = 0; i < 2; i++) {
            uint64_t v = rng();
            memcpy(x + 8 * i, &v, 8);
        }
        break;
    }
}

static void random_state(State *st)
{
    memset(st, 0, sizeof(*st));
    for (int i = 0; i < 16; i++) {
        switch (rng() % 4) {
        case 0: st->regs[i] = rng(); break;
        case 1: st->regs[i] = (uint64_t)(int64_t)int_edge16[rng() % G_N_ELEMENTS(int_edge16)]; break;
        case 2: st->regs[i] = rng() & 0x7f; break;
        default: st->regs[i] = (uint64_t)(int64_t)(int32_t)rng(); break;
        }
    }
    st->regs[R_ESP] = G_RSP;
    st->regs[R_ESI] = G_DATA;
    st->rflags = 0x202 | (rng() & CC_ARITH_MASK);
    st->rip = G_CODE;

    /* FXSAVE image: x87 empty, random RC/PC; MXCSR random mode */
    uint16_t fcw = 0x037f | ((rng() & 3) << 10);
    int pc = (int)(rng() % 4);
    fcw = (fcw & ~0x0300) | ((pc == 1 ? 3 : pc) << 8);
    uint32_t mxcsr = 0x1f80 | ((rng() & 3) << 13);
    if (rng() % 4 == 0) {
        mxcsr |= 0x8000;   /* FTZ */
    }
    if (rng() % 4 == 0) {
        mxcsr |= 0x0040;   /* DAZ */
    }
    if (rng() % 8 == 0) {
        mxcsr &= ~(uint32_t)((rng() & 0x3f) << 7);   /* unmask some */
    }
    if (rng() % 8 == 0) {
        fcw &= ~(uint16_t)(rng() & 0x3f);
    }
    if (rng() % 2) {
        /* a partly filled register stack at a random TOP */
        uint16_t fsw = (uint16_t)((rng() & 7) << 11);
        memcpy(st->fx + 2, &fsw, 2);
        st->fx[4] = (uint8_t)(rng() & rng());
        for (int i = 0; i < 8; i++) {
            const uint64_t *v = f80_edge[rng() % G_N_ELEMENTS(f80_edge)];
            memcpy(st->fx + 32 + 16 * i, &v[0], 8);
            memcpy(st->fx + 40 + 16 * i, &v[1], 2);
        }
    }
    memcpy(st->fx + 0, &fcw, 2);
    memcpy(st->fx + 24, &mxcsr, 4);
    uint32_t mxcsr_mask = 0xffff;
    memcpy(st->fx + 28, &mxcsr_mask, 4);
    for (int i = 0; i < 16; i++) {
        fill_xmm(st->fx + 160 + 16 * i);
    }

    /* data page */
    for (int i = 0; i < 64; i++) {
        uint32_t v = f32_edge[rng() % G_N_ELEMENTS(f32_edge)];
        memcpy(st->data + 4 * i, &v, 4);
    }
    for (int i = 0; i < 32; i++) {
        uint64_t v = f64_edge[rng() % G_N_ELEMENTS(f64_edge)];
        memcpy(st->data + 0x100 + 8 * i, &v, 8);
    }
    for (int i = 0; i < 32; i++) {
        const uint64_t *v = f80_edge[rng() % G_N_ELEMENTS(f80_edge)];
        memcpy(st->data + 0x200 + 16 * i, &v[0], 8);
        memcpy(st->data + 0x208 + 16 * i, &v[1], 2);
    }
    for (int i = 0x400; i < 0x800; i++) {
        st->data[i] = (uint8_t)rng();
    }
    for (int i = 0; i < 0x400; i += 2) {
        int16_t v = int_edge16[rng() % G_N_ELEMENTS(int_edge16)];
        if (rng() % 4 == 0) {
            v = (int16_t)rng();
        }
        memcpy(st->data + 0x800 + i, &v, 2);
    }
    for (size_t i = 0; i < sizeof(st->stack); i++) {
        st->stack[i] = (uint8_t)rng();
    }
}

/* ---- native run (forked child) ---- */

static uint64_t native_regs[17] __attribute__((aligned(16)));
static uint8_t native_fx[512] __attribute__((aligned(16)));
static State *native_out;

void fp_native_enter(const uint64_t *regs, const uint8_t *fx) __attribute__((noreturn));
__asm__(
    ".text\n"
    ".globl fp_native_enter\n"
    "fp_native_enter:\n"
    "  fxrstor64 (%rsi)\n"
    "  pushq 0x80(%rdi)\n"
    "  popfq\n"
    "  mov 0x00(%rdi), %rax\n"
    "  mov 0x08(%rdi), %rcx\n"
    "  mov 0x10(%rdi), %rdx\n"
    "  mov 0x18(%rdi), %rbx\n"
    "  mov 0x20(%rdi), %rsp\n"
    "  mov 0x28(%rdi), %rbp\n"
    "  mov 0x30(%rdi), %rsi\n"
    "  mov 0x40(%rdi), %r8\n"
    "  mov 0x48(%rdi), %r9\n"
    "  mov 0x50(%rdi), %r10\n"
    "  mov 0x58(%rdi), %r11\n"
    "  mov 0x60(%rdi), %r12\n"
    "  mov 0x68(%rdi), %r13\n"
    "  mov 0x70(%rdi), %r14\n"
    "  mov 0x78(%rdi), %r15\n"
    "  mov 0x38(%rdi), %rdi\n"
    "  jmp *fp_native_target(%rip)\n"
    ".data\n"
    "fp_native_target: .quad 0x11000000\n"
    ".text\n");

static void native_handler(int sig, siginfo_t *si, void *uc_void)
{
    ucontext_t *uc = uc_void;
    static const int map[16] = {
        REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
        REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
    };
    for (int i = 0; i < 16; i++) {
        native_out->regs[i] = (uint64_t)uc->uc_mcontext.gregs[map[i]];
    }
    native_out->rflags = (uint64_t)uc->uc_mcontext.gregs[REG_EFL];
    native_out->rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
    native_out->signo = sig;
    memcpy(native_out->fx, uc->uc_mcontext.fpregs, 512);
    memcpy(native_out->data, (void *)G_DATA, sizeof(native_out->data));
    memcpy(native_out->stack, (void *)G_STACK, sizeof(native_out->stack));
    _exit(0);
}

static void run_native(const State *in, const uint8_t *code, size_t len, State *out)
{
    State *shared = mmap(NULL, sizeof(State), PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(shared, MAP_FAILED);
    memset(shared, 0, sizeof(*shared));

    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        void *m = mmap((void *)G_CODE, G_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m != (void *)G_CODE) {
            _exit(2);
        }
        memcpy((void *)G_CODE, code, len);
        memcpy((void *)G_DATA, in->data, sizeof(in->data));
        memcpy((void *)G_STACK, in->stack, sizeof(in->stack));
        native_out = shared;

        static uint8_t altstack[65536];
        stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
        sigaltstack(&ss, NULL);
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_sigaction = native_handler;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigfillset(&sa.sa_mask);
        sigaction(SIGILL, &sa, NULL);
        sigaction(SIGSEGV, &sa, NULL);
        sigaction(SIGBUS, &sa, NULL);
        sigaction(SIGFPE, &sa, NULL);
        sigaction(SIGTRAP, &sa, NULL);

        memcpy(native_regs, in->regs, sizeof(in->regs));
        native_regs[16] = in->rflags;
        memcpy(native_fx, in->fx, sizeof(native_fx));
        fp_native_enter(native_regs, native_fx);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "native child failed (status 0x%x)", status);
    *out = *shared;
    munmap(shared, sizeof(State));
}

/* ---- emu run ---- */

static CPUX86State *env;

static void emu_setup(void)
{
    static bool done;
    if (done) {
        return;
    }
    done = true;
    ck_assert_int_eq(mm_init(), 0);
    cpu_exec_init_all();
    env = g_malloc0(sizeof(*env));
    cpu_x86_init(env);
    cpu_exec_init_vcpu(env);
    int64_t r = mm_mmap(G_CODE, G_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_int_eq(r, (int64_t)G_CODE);
}

/* FXSAVE image <-> env, written independently of emu's FXSAVE helper. */
static void fx_to_env(const uint8_t *fx, CPUX86State *e)
{
    uint16_t fcw, fsw;
    uint32_t mxcsr;
    memcpy(&fcw, fx, 2);
    memcpy(&fsw, fx + 2, 2);
    memcpy(&mxcsr, fx + 24, 4);
    e->fpuc = fcw;
    e->fpus = fsw & ~0x3800;
    e->fpstt = (fsw >> 11) & 7;
    e->fptags = (uint8_t)~fx[4];
    for (int i = 0; i < 8; i++) {
        X86FPReg *r = &e->fpregs[(e->fpstt + i) & 7];
        memcpy(&r->q[0], fx + 32 + 16 * i, 8);
        r->q[1] = 0;
        memcpy(&r->q[1], fx + 40 + 16 * i, 2);
    }
    e->mxcsr = mxcsr;
    for (int i = 0; i < 16; i++) {
        memcpy(&e->xmm[i], fx + 160 + 16 * i, 16);
    }
}

static void env_to_fx(const CPUX86State *e, uint8_t *fx)
{
    uint16_t fcw = e->fpuc, fsw = (e->fpus & ~0x3800) | ((e->fpstt & 7) << 11);
    uint32_t mxcsr = e->mxcsr, mask = 0xffff;
    memset(fx, 0, 512);
    memcpy(fx, &fcw, 2);
    memcpy(fx + 2, &fsw, 2);
    fx[4] = (uint8_t)~e->fptags;
    memcpy(fx + 24, &mxcsr, 4);
    memcpy(fx + 28, &mask, 4);
    for (int i = 0; i < 8; i++) {
        const X86FPReg *r = &e->fpregs[(e->fpstt + i) & 7];
        memcpy(fx + 32 + 16 * i, &r->q[0], 8);
        memcpy(fx + 40 + 16 * i, &r->q[1], 2);
    }
    for (int i = 0; i < 16; i++) {
        memcpy(fx + 160 + 16 * i, &e->xmm[i], 16);
    }
}

static void run_emu(const State *in, const uint8_t *code, size_t len, State *out)
{
    emu_setup();
    tb_flush();
    ck_assert_int_eq(mm_copy_to_guest(G_CODE, code, len), 0);
    ck_assert_int_eq(mm_copy_to_guest(G_DATA, in->data, sizeof(in->data)), 0);
    ck_assert_int_eq(mm_copy_to_guest(G_STACK, in->stack, sizeof(in->stack)), 0);
    tb_invalidate_range(G_CODE, G_CODE + G_SIZE);

    void *jc = env->tb_jmp_cache;
    cpu_x86_init(env);
    env->tb_jmp_cache = jc;
    memcpy(env->regs, in->regs, sizeof(in->regs));
    cpu_set_eflags(env, in->rflags);
    env->rip = G_CODE;
    fx_to_env(in->fx, env);

    int excp = cpu_exec(env);
    memset(out, 0, sizeof(*out));
    memcpy(out->regs, env->regs, sizeof(out->regs));
    out->rflags = cpu_get_eflags(env);
    out->rip = env->rip;
    switch (excp) {
    case EXCP_UD: out->signo = SIGILL; break;
    case EXCP_PF:
    case EXCP_GP:
    case EXCP_MF:
        out->signo = env->fault_signo;
        break;
    default: out->signo = -excp; break;
    }
    env_to_fx(env, out->fx);
    ck_assert_int_eq(mm_copy_from_guest(out->data, G_DATA, sizeof(out->data)), 0);
    ck_assert_int_eq(mm_copy_from_guest(out->stack, G_STACK, sizeof(out->stack)), 0);
}

/* ---- comparison ---- */

/* FXSAVE bytes compared: control/status/tags, MXCSR, ST and XMM registers
 * (the 6 reserved bytes after each ST register are not). */
static bool fx_byte_compared(size_t i)
{
    if (i < 5) {
        return true;
    }
    if (i >= 24 && i < 28) {
        return true;   /* MXCSR (not MXCSR_MASK, which depends on the host CPU) */
    }
    if (i >= 32 && i < 160) {
        return ((i - 32) % 16) < 10;
    }
    return i >= 160 && i < 416;
}

static int compare(const Snippet *sn, int it, const State *in, const State *nat, const State *emu)
{
    GString *msg = g_string_new(NULL);
    int bad = 0;

    for (int i = 0; i < 16; i++) {
        if (nat->regs[i] != emu->regs[i]) {
            g_string_append_printf(msg, "  r%d: native %016lx emu %016lx (in %016lx)\n", i,
                                   nat->regs[i], emu->regs[i], in->regs[i]);
            bad++;
        }
    }
    if ((nat->rflags ^ emu->rflags) & CC_ARITH_MASK) {
        g_string_append_printf(msg, "  rflags: native %04lx emu %04lx\n", nat->rflags, emu->rflags);
        bad++;
    }
    if (nat->rip != emu->rip || nat->signo != emu->signo) {
        g_string_append_printf(msg, "  rip/signal: native %lx/%d emu %lx/%d\n", nat->rip,
                               nat->signo, emu->rip, emu->signo);
        bad++;
    }
    for (size_t i = 0; i < 512; i++) {
        if (fx_byte_compared(i) && nat->fx[i] != emu->fx[i]) {
            size_t b = i & ~(size_t)7;
            uint64_t n, e, o;
            memcpy(&n, nat->fx + b, 8);
            memcpy(&e, emu->fx + b, 8);
            memcpy(&o, in->fx + b, 8);
            g_string_append_printf(msg, "  fx[%#zx..]: native %016lx emu %016lx (in %016lx)\n",
                                   b, n, e, o);
            bad++;
            i = b + 7;
        }
    }
    for (size_t i = 0; i < DATA_SZ; i++) {
        if (nat->data[i] != emu->data[i]) {
            g_string_append_printf(msg, "  data[%#zx]: native %02x emu %02x\n", i,
                                   nat->data[i], emu->data[i]);
            bad++;
            break;
        }
    }
    if (bad) {
        uint16_t fcw;
        uint32_t mx;
        memcpy(&fcw, in->fx, 2);
        memcpy(&mx, in->fx + 24, 4);
        fprintf(stderr, "%s run %d differs (fcw %04x mxcsr %08x):\n%s", sn->name, it, fcw, mx,
                msg->str);
    }
    g_string_free(msg, TRUE);
    return bad;
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
static void spice_state(State *st)
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

/* Run code from in natively and under emu; returns true if they agree. */
static bool run_case(const Snippet *sn, int it, const uint8_t *code, size_t n, State *in)
{
    State *nat = g_malloc(sizeof(State)), *emu = g_malloc(sizeof(State));
    run_native(in, code, n, nat);
    run_emu(in, code, n, emu);
    bool ok = compare(sn, it, in, nat, emu) == 0;
    g_free(nat);
    g_free(emu);
    return ok;
}

#define ITERS 40    /* per case: the fuzzer (tests/fuzz) covers random breadth */

START_TEST(test_snippet)
{
    const Snippet *sn = &snippets[_i];
    size_t n = (size_t)(sn->end - sn->start);
    uint8_t *code = g_malloc(n + 2);
    int failures = 0, iters = iters_env(ITERS);

    if (skip_case(sn->name)) {
        g_free(code);
        return;
    }

    memcpy(code, sn->start, n);
    code[n] = 0x0f;       /* ud2 ends the snippet */
    code[n + 1] = 0x0b;
    seed_rng((uint64_t)_i + 1);
    for (int it = 0; it < iters && failures < 3; it++) {
        State *in = g_malloc(sizeof(State));
        random_state(in);
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
            State *in = g_malloc(sizeof(State));
            random_state(in);
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
    State *in = g_malloc(sizeof(State)), *out = g_malloc(sizeof(State));
    uint8_t code[32];

    ck_assert(x86_cpu_model_force_for_test("x86-64-v1"));
    seed_rng(77);
    random_state(in);
    for (size_t i = 0; i < G_N_ELEMENTS(ud_snippets); i++) {
        size_t n = (size_t)(ud_snippets[i].end - ud_snippets[i].start);
        memcpy(code, ud_snippets[i].start, n);
        code[n] = 0x90;    /* nop; ud2: executing past the insn shows as rip G_CODE+n+1 */
        code[n + 1] = 0x0f;
        code[n + 2] = 0x0b;
        run_emu(in, code, n + 3, out);
        ck_assert_msg(out->signo == SIGILL && out->rip == G_CODE, "%s: no #UD under x86-64-v1",
                      ud_snippets[i].name);
    }
    size_t n = (size_t)(ok.end - ok.start);
    memcpy(code, ok.start, n);
    code[n] = 0x0f;
    code[n + 1] = 0x0b;
    run_emu(in, code, n + 2, out);
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
