/*
 * tests/unit/test-x86-fp.c — SSE/SSE2, MMX and x87 under emu vs. natively.
 *
 * Each snippet is assembled into .rodata and run from the same initial
 * state twice:
 *  - under emu (decode + translate + optimize + interpret over the softmmu)
 *    until the ud2 appended to it raises #UD (or it faults);
 *  - natively in a forked child: the same bytes at the same address,
 *    entered through a trampoline that loads the FXSAVE image (x87 stack,
 *    control/status words, MXCSR, XMM registers), all GPRs and RFLAGS; the
 *    child's signal handler records the state at the ud2 (or the fault)
 *    from the kernel's signal frame.
 * The initial state draws XMM lanes and the data page from edge values
 * (±0, ±1, quiet/signalling NaNs, infinities, denormals, extremes, values
 * that round differently per mode, integer-conversion limits) and picks a
 * random MXCSR rounding mode/FTZ/DAZ and x87 RC/PC, sometimes with
 * exceptions unmasked.  Compared: GPRs, rip, arithmetic RFLAGS, the FXSAVE
 * image (minus FOP/FIP/FDP, which emu does not track), the data page and
 * the signal.
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

#include "emu/x86/cpu-model.h"
#include "emu/cpu.h"
#include "emu/exec.h"
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
    extern const uint8_t fsnip_##name##_start[], fsnip_##name##_end[];    \
    __asm__(".pushsection .rodata\n"                                       \
            "fsnip_" #name "_start:\n" code "\nfsnip_" #name "_end:\n"    \
            ".popsection\n");

/* rsi = G_DATA (floats at 0, doubles at 0x100, long doubles at 0x200 with
 * a 16-byte stride, random bytes at 0x400, small integers at 0x800). */

/* SSE floating point, register and memory forms */
SNIP(addsub, "addps %xmm1, %xmm0\n addss %xmm3, %xmm2\n addpd %xmm5, %xmm4\n addsd %xmm7, %xmm6\n"
             "subps %xmm0, %xmm8\n subss %xmm2, %xmm9\n subpd %xmm4, %xmm10\n subsd %xmm6, %xmm11")
SNIP(muldiv, "mulps %xmm1, %xmm0\n mulss %xmm3, %xmm2\n mulpd %xmm5, %xmm4\n mulsd %xmm7, %xmm6\n"
             "divps %xmm1, %xmm8\n divss %xmm3, %xmm9\n divpd %xmm5, %xmm10\n divsd %xmm7, %xmm11")
SNIP(minmax, "minps %xmm1, %xmm0\n minss %xmm3, %xmm2\n minpd %xmm5, %xmm4\n minsd %xmm7, %xmm6\n"
             "maxps %xmm1, %xmm8\n maxss %xmm3, %xmm9\n maxpd %xmm5, %xmm10\n maxsd %xmm7, %xmm11")
SNIP(sqrt, "sqrtps %xmm1, %xmm0\n sqrtss %xmm3, %xmm2\n sqrtpd %xmm5, %xmm4\n sqrtsd %xmm7, %xmm6")
SNIP(rcp, "rcpps %xmm1, %xmm0\n rcpss %xmm3, %xmm2\n rsqrtps %xmm5, %xmm4\n rsqrtss %xmm7, %xmm6")
SNIP(fp_mem, "addps 0x10(%rsi), %xmm0\n addss 0x24(%rsi), %xmm1\n mulpd 0x110(%rsi), %xmm2\n"
             "divsd 0x128(%rsi), %xmm3\n sqrtsd 0x138(%rsi), %xmm4\n minss 0x8(%rsi), %xmm5\n"
             "maxpd 0x140(%rsi), %xmm6\n subsd 0x108(%rsi), %xmm7")
SNIP(cmpps, "cmpeqps %xmm1, %xmm0\n cmpltps %xmm1, %xmm2\n cmpleps %xmm1, %xmm3\n cmpunordps %xmm1, %xmm4\n"
            "cmpneqps %xmm1, %xmm5\n cmpnltps %xmm1, %xmm6\n cmpnleps %xmm1, %xmm7\n cmpordps %xmm1, %xmm8")
SNIP(cmppd, "cmpeqpd %xmm1, %xmm0\n cmpltpd %xmm1, %xmm2\n cmplepd %xmm1, %xmm3\n cmpunordpd %xmm1, %xmm4\n"
            "cmpneqpd %xmm1, %xmm5\n cmpnltpd %xmm1, %xmm6\n cmpnlepd %xmm1, %xmm7\n cmpordpd (%rsi), %xmm8")
SNIP(cmpss, "cmpeqss %xmm1, %xmm0\n cmpltss %xmm1, %xmm2\n cmpless 4(%rsi), %xmm3\n cmpunordss %xmm1, %xmm4\n"
            "cmpeqsd %xmm1, %xmm5\n cmpltsd %xmm1, %xmm6\n cmpnlesd 0x108(%rsi), %xmm7\n cmpordsd %xmm1, %xmm8")
SNIP(comis, "xor %eax, %eax\n xor %ebx, %ebx\n xor %ecx, %ecx\n xor %edx, %edx\n"
            "comiss %xmm1, %xmm0\n setz %al\n setp %ah\n setc %bl\n seto %bh\n sets %cl\n"
            "ucomiss %xmm3, %xmm2\n setz %dl\n setp %dh\n setc %ch\n"
            "comisd %xmm5, %xmm4\n setz %r8b\n setp %r9b\n setc %r10b\n"
            "ucomisd 0x100(%rsi), %xmm6\n setz %r11b\n setp %r12b\n setc %r13b\n setbe %r14b\n sets %r15b")
SNIP(comis_flags, "comisd %xmm1, %xmm0")
SNIP(ucomis_flags, "ucomiss %xmm1, %xmm0")

/* conversions */
SNIP(cvt_i2f, "cvtsi2sd %rax, %xmm0\n cvtsi2sdl %ecx, %xmm1\n cvtsi2ss %rdx, %xmm2\n cvtsi2ssl %ebx, %xmm3\n"
              "cvtsi2sdq 0x800(%rsi), %xmm4\n cvtsi2ssl 0x808(%rsi), %xmm5")
SNIP(cvt_f2i, "cvtsd2si %xmm0, %rax\n cvtsd2si %xmm1, %ecx\n cvttsd2si %xmm2, %rdx\n cvttsd2si %xmm3, %ebx\n"
              "cvtss2si %xmm4, %r8\n cvtss2si %xmm5, %r9d\n cvttss2si %xmm6, %r10\n cvttss2si %xmm7, %r11d\n"
              "cvtsd2si 0x100(%rsi), %r12\n cvttss2si 4(%rsi), %r13d")
SNIP(cvt_packed, "cvtps2pd %xmm1, %xmm0\n cvtpd2ps %xmm3, %xmm2\n cvtdq2ps %xmm5, %xmm4\n cvtps2dq %xmm7, %xmm6\n"
                 "cvttps2dq %xmm1, %xmm8\n cvtdq2pd %xmm3, %xmm9\n cvtpd2dq %xmm5, %xmm10\n cvttpd2dq %xmm7, %xmm11\n"
                 "cvtss2sd %xmm1, %xmm12\n cvtsd2ss %xmm3, %xmm13\n cvtps2pd 0x8(%rsi), %xmm14\n cvtpd2ps 0x110(%rsi), %xmm15")
SNIP(cvt_mmx, "movq 0x800(%rsi), %mm0\n movq 0x400(%rsi), %mm1\n cvtpi2ps %mm0, %xmm0\n cvtpi2pd %mm1, %xmm1\n"
              "cvtps2pi %xmm2, %mm2\n cvttps2pi %xmm3, %mm3\n cvtpd2pi %xmm4, %mm4\n cvttpd2pi %xmm5, %mm5\n"
              "cvtpi2ps 0x808(%rsi), %xmm6\n emms")

/* moves */
SNIP(mov128, "movaps %xmm1, %xmm0\n movups 0x401(%rsi), %xmm2\n movdqa 0x410(%rsi), %xmm3\n movdqu 0x423(%rsi), %xmm4\n"
             "movapd %xmm5, 0x430(%rsi)\n movups %xmm6, 0x445(%rsi)\n movdqu %xmm7, 0x457(%rsi)\n movntdq %xmm8, 0x470(%rsi)\n"
             "movupd 0x409(%rsi), %xmm9\n movntps %xmm10, 0x480(%rsi)")
SNIP(movaps_misaligned, "movaps 0x408(%rsi), %xmm0")
SNIP(paddb_misaligned, "paddb 0x404(%rsi), %xmm0")
SNIP(movaps_store_misaligned, "movdqa %xmm3, 0x401(%rsi)")
SNIP(movs_scalar, "movss 0x4(%rsi), %xmm0\n movsd 0x108(%rsi), %xmm1\n movss %xmm3, %xmm2\n movsd %xmm5, %xmm4\n"
                  "movss %xmm6, 0x403(%rsi)\n movsd %xmm7, 0x411(%rsi)")
SNIP(movhl, "movhps 0x400(%rsi), %xmm0\n movlps 0x408(%rsi), %xmm1\n movhpd 0x410(%rsi), %xmm2\n movlpd 0x418(%rsi), %xmm3\n"
            "movhps %xmm4, 0x420(%rsi)\n movlps %xmm5, 0x428(%rsi)\n movhlps %xmm7, %xmm6\n movlhps %xmm9, %xmm8\n"
            "movhpd %xmm10, 0x431(%rsi)\n movlpd %xmm11, 0x439(%rsi)")
SNIP(movdq, "movd %eax, %xmm0\n movq %rcx, %xmm1\n movd %xmm2, %edx\n movq %xmm3, %rbx\n movd 0x400(%rsi), %xmm4\n"
            "movq 0x408(%rsi), %xmm5\n movd %xmm6, 0x410(%rsi)\n movq %xmm7, 0x418(%rsi)\n movq %xmm9, %xmm8\n"
            "movd %xmm10, %r8d\n movq %xmm11, %r9")
SNIP(movq_mmx, "movd %eax, %mm0\n movq %rcx, %mm1\n movq 0x400(%rsi), %mm2\n movq %mm2, %mm3\n movd %mm1, %edx\n"
               "movq %mm0, %rbx\n movq %mm1, 0x420(%rsi)\n movd %mm2, 0x428(%rsi)\n movq2dq %mm1, %xmm0\n"
               "movdq2q %xmm1, %mm4\n movntq %mm4, 0x430(%rsi)")
SNIP(movmsk, "movmskps %xmm0, %eax\n movmskpd %xmm1, %ecx\n pmovmskb %xmm2, %edx\n pmovmskb %xmm3, %r8d\n"
             "movq 0x400(%rsi), %mm0\n pmovmskb %mm0, %r9d\n emms")
SNIP(maskmov, "lea 0x420(%rsi), %rdi\n maskmovdqu %xmm1, %xmm0\n lea 0x440(%rsi), %rdi\n"
              "movq 0x400(%rsi), %mm0\n movq 0x408(%rsi), %mm1\n maskmovq %mm1, %mm0\n emms")

/* logic */
SNIP(logic, "andps %xmm1, %xmm0\n andnps %xmm3, %xmm2\n orps %xmm5, %xmm4\n xorps %xmm7, %xmm6\n"
            "pand %xmm9, %xmm8\n pandn 0x400(%rsi), %xmm10\n por %xmm11, %xmm12\n pxor %xmm13, %xmm13\n"
            "andpd %xmm14, %xmm15\n xorpd 0x410(%rsi), %xmm1\n orpd %xmm2, %xmm3\n andnpd %xmm4, %xmm5")

/* integer SIMD */
SNIP(padd, "paddb %xmm1, %xmm0\n paddw %xmm1, %xmm2\n paddd %xmm1, %xmm3\n paddq %xmm1, %xmm4\n"
           "psubb %xmm1, %xmm5\n psubw %xmm1, %xmm6\n psubd %xmm1, %xmm7\n psubq 0x400(%rsi), %xmm8")
SNIP(padds, "paddsb %xmm1, %xmm0\n paddsw %xmm1, %xmm2\n paddusb %xmm1, %xmm3\n paddusw %xmm1, %xmm4\n"
            "psubsb %xmm1, %xmm5\n psubsw %xmm1, %xmm6\n psubusb %xmm1, %xmm7\n psubusw 0x410(%rsi), %xmm8")
SNIP(pmul, "pmullw %xmm1, %xmm0\n pmulhw %xmm1, %xmm2\n pmulhuw %xmm1, %xmm3\n pmuludq %xmm1, %xmm4\n"
           "pmaddwd %xmm1, %xmm5\n psadbw %xmm1, %xmm6\n pavgb %xmm1, %xmm7\n pavgw %xmm1, %xmm8")
SNIP(pminmax, "pminub %xmm1, %xmm0\n pmaxub %xmm1, %xmm2\n pminsw %xmm1, %xmm3\n pmaxsw %xmm1, %xmm4\n"
              "pcmpeqb %xmm1, %xmm5\n pcmpeqw %xmm1, %xmm6\n pcmpeqd %xmm1, %xmm7\n pcmpgtb %xmm1, %xmm8\n"
              "pcmpgtw %xmm1, %xmm9\n pcmpgtd %xmm1, %xmm10\n pcmpeqb %xmm11, %xmm11")
SNIP(pshift, "psllw %xmm1, %xmm0\n pslld %xmm2, %xmm3\n psllq %xmm4, %xmm5\n psrlw $3, %xmm6\n psrld $31, %xmm7\n"
             "psrlq $63, %xmm8\n psraw $9, %xmm9\n psrad $40, %xmm10\n psllw $16, %xmm11\n pslldq $3, %xmm12\n"
             "psrldq $5, %xmm13\n pslldq $17, %xmm14\n psrad 0x800(%rsi), %xmm15")
SNIP(pshift_cnt, "movq %rax, %xmm1\n psrlw %xmm1, %xmm0\n movd %ecx, %xmm3\n psraw %xmm3, %xmm2\n"
                 "and $0x3f, %edx\n movd %edx, %xmm5\n psllq %xmm5, %xmm4\n psrad %xmm5, %xmm6")
SNIP(pack, "packsswb %xmm1, %xmm0\n packssdw %xmm1, %xmm2\n packuswb %xmm1, %xmm3\n packuswb %xmm4, %xmm4\n"
           "punpcklbw %xmm1, %xmm5\n punpcklwd %xmm1, %xmm6\n punpckldq %xmm1, %xmm7\n punpcklqdq %xmm1, %xmm8\n"
           "punpckhbw %xmm1, %xmm9\n punpckhwd %xmm1, %xmm10\n punpckhdq %xmm1, %xmm11\n punpckhqdq 0x400(%rsi), %xmm12")
SNIP(shuffle, "pshufd $0x1b, %xmm1, %xmm0\n pshufhw $0xe4, %xmm1, %xmm2\n pshuflw $0x4e, %xmm1, %xmm3\n"
              "shufps $0x93, %xmm1, %xmm4\n shufpd $1, %xmm1, %xmm5\n shufpd $2, %xmm5, %xmm5\n"
              "unpcklps %xmm1, %xmm6\n unpckhps %xmm1, %xmm7\n unpcklpd %xmm1, %xmm8\n unpckhpd 0x400(%rsi), %xmm9\n"
              "pshufd $0x00, 0x410(%rsi), %xmm10\n shufps $0xff, %xmm10, %xmm10")
SNIP(pextr, "pextrw $3, %xmm0, %eax\n pextrw $7, %xmm1, %ecx\n pinsrw $2, %edx, %xmm2\n pinsrw $7, 0x400(%rsi), %xmm3\n"
            "movq 0x408(%rsi), %mm0\n pextrw $1, %mm0, %ebx\n pinsrw $3, %eax, %mm0\n pshufw $0x1b, %mm0, %mm1\n"
            "movq %mm1, %r8\n emms")
SNIP(mmx_arith, "movq 0x400(%rsi), %mm0\n movq 0x408(%rsi), %mm1\n paddb %mm1, %mm0\n psubsw %mm0, %mm1\n"
                "pmullw %mm1, %mm2\n pcmpeqb 0x410(%rsi), %mm3\n punpcklbw %mm1, %mm4\n punpckhwd %mm1, %mm5\n"
                "packsswb %mm1, %mm6\n packuswb %mm0, %mm7\n psllq $7, %mm0\n psrlw %mm1, %mm1\n"
                "pand %mm0, %mm2\n pxor %mm3, %mm3\n psadbw %mm1, %mm4\n pmuludq %mm0, %mm5\n"
                "punpckldq 0x418(%rsi), %mm6\n pavgb %mm1, %mm7\n movq %mm7, 0x420(%rsi)")

/* MXCSR */
SNIP(mxcsr, "stmxcsr 0x400(%rsi)\n movl $0x7f80, 0x404(%rsi)\n ldmxcsr 0x404(%rsi)\n addps %xmm1, %xmm0\n"
            "stmxcsr 0x408(%rsi)\n movl $0x3fc0, 0x40c(%rsi)\n ldmxcsr 0x40c(%rsi)\n mulps %xmm3, %xmm2\n"
            "stmxcsr 0x410(%rsi)")
SNIP(ldmxcsr_reserved, "movl $0x11f80, 0x404(%rsi)\n ldmxcsr 0x404(%rsi)")

/* x87 */
SNIP(x87_ld_st, "flds 0x4(%rsi)\n fldl 0x108(%rsi)\n fldt 0x210(%rsi)\n fld %st(1)\n"
                "fsts 0x400(%rsi)\n fstl 0x408(%rsi)\n fstps 0x410(%rsi)\n fstpl 0x418(%rsi)\n"
                "fstpt 0x420(%rsi)\n fstp %st(0)\n fnstsw %ax")
SNIP(x87_arith, "fldt 0x200(%rsi)\n fldt 0x210(%rsi)\n fadd %st(1), %st\n fldt 0x220(%rsi)\n fsub %st(2), %st\n"
                "fsubr %st, %st(1)\n fmul %st(2), %st\n fdiv %st(1), %st\n fdivr %st(2), %st\n fxch %st(2)\n"
                "faddp\n fmulp %st, %st(1)\n fnstsw %ax")
SNIP(x87_arith_mem, "fldt 0x230(%rsi)\n fadds 0x8(%rsi)\n fsubl 0x110(%rsi)\n fmuls 0xc(%rsi)\n fdivl 0x118(%rsi)\n"
                    "fsubrs 0x10(%rsi)\n fdivrl 0x120(%rsi)\n fiadds 0x800(%rsi)\n fimull 0x804(%rsi)\n"
                    "fisubs 0x802(%rsi)\n fidivrl 0x808(%rsi)\n fnstsw %ax")
SNIP(x87_pops, "fldt 0x200(%rsi)\n fldt 0x210(%rsi)\n fldt 0x220(%rsi)\n fldt 0x230(%rsi)\n"
               "fsubp %st, %st(2)\n fsubrp %st, %st(1)\n fdivp\n fdivrp %st, %st(0)\n fnstsw %ax\n fstpt 0x400(%rsi)")
SNIP(x87_compare, "xor %ebx, %ebx\n fldt 0x200(%rsi)\n fldt 0x210(%rsi)\n fcom %st(1)\n fnstsw %ax\n mov %eax, %ecx\n"
                  "fucom %st(1)\n fnstsw %ax\n mov %eax, %edx\n fcoms 0x4(%rsi)\n fnstsw %ax\n mov %eax, %r8d\n"
                  "fcompl 0x108(%rsi)\n fnstsw %ax\n mov %eax, %r9d\n ficoms 0x800(%rsi)\n fnstsw %ax\n mov %eax, %r10d\n"
                  "fldt 0x220(%rsi)\n fucompp\n fnstsw %ax\n mov %eax, %r11d\n ftst\n fnstsw %ax\n mov %eax, %r12d\n"
                  "fxam\n fnstsw %ax\n mov %eax, %r13d\n fldt 0x240(%rsi)\n fcompp\n fnstsw %ax")
SNIP(x87_comi, "xor %eax, %eax\n xor %ebx, %ebx\n xor %ecx, %ecx\n xor %edx, %edx\n fldt 0x200(%rsi)\n fldt 0x210(%rsi)\n"
               "fcomi %st(1), %st\n setz %al\n setp %ah\n setc %bl\n seto %bh\n"
               "fucomi %st(1), %st\n setz %cl\n setp %ch\n setc %dl\n"
               "fucomip %st(1), %st\n setbe %dh\n fldz\n fcomip %st(1), %st\n setb %r8b\n fnstsw %ax")
SNIP(x87_fcmov, "fldt 0x200(%rsi)\n fldt 0x210(%rsi)\n cmp %rcx, %rax\n fcmovb %st(1), %st\n fcmovne %st(1), %st\n"
                "fcmovbe %st(1), %st\n fcmovu %st(1), %st\n fcmovnb %st(1), %st\n fcmove %st(1), %st\n"
                "fcmovnbe %st(1), %st\n fcmovnu %st(1), %st\n fstpt 0x400(%rsi)")
SNIP(x87_unary, "fldt 0x200(%rsi)\n fchs\n fldt 0x210(%rsi)\n fabs\n fldt 0x220(%rsi)\n fsqrt\n fldt 0x230(%rsi)\n"
                "frndint\n fldt 0x240(%rsi)\n fxtract\n fnstsw %ax")
SNIP(x87_trans, "fldt 0x200(%rsi)\n fsin\n fldt 0x210(%rsi)\n fcos\n fldt 0x220(%rsi)\n fptan\n fnstsw %ax\n"
                "mov %eax, %ebx\n fldt 0x230(%rsi)\n fsincos\n fnstsw %ax")
SNIP(x87_trans2, "fldt 0x200(%rsi)\n fldt 0x210(%rsi)\n fpatan\n fldt 0x220(%rsi)\n fldt 0x230(%rsi)\n fyl2x\n"
                 "fldt 0x240(%rsi)\n fldt 0x250(%rsi)\n fyl2xp1\n fldt 0x260(%rsi)\n f2xm1\n fnstsw %ax")
SNIP(x87_scale_prem, "fldt 0x200(%rsi)\n fldt 0x210(%rsi)\n fscale\n fnstsw %ax\n mov %eax, %ebx\n"
                     "fldt 0x220(%rsi)\n fldt 0x230(%rsi)\n fprem\n fnstsw %ax\n mov %eax, %ecx\n"
                     "fldt 0x240(%rsi)\n fldt 0x250(%rsi)\n fprem1\n fnstsw %ax")
SNIP(x87_const, "fld1\n fldl2t\n fldl2e\n fldpi\n fldlg2\n fldln2\n fldz\n fnstsw %ax")
SNIP(x87_int, "fldt 0x200(%rsi)\n fists 0x400(%rsi)\n fistl 0x404(%rsi)\n fistpll 0x408(%rsi)\n fldt 0x210(%rsi)\n"
              "fisttps 0x410(%rsi)\n fldt 0x220(%rsi)\n fisttpl 0x414(%rsi)\n fldt 0x230(%rsi)\n fisttpll 0x418(%rsi)\n"
              "filds 0x800(%rsi)\n fildl 0x804(%rsi)\n fildll 0x808(%rsi)\n fistps 0x420(%rsi)\n fnstsw %ax")
SNIP(x87_bcd, "fldt 0x200(%rsi)\n fbstp 0x400(%rsi)\n fbld 0x400(%rsi)\n fldt 0x210(%rsi)\n frndint\n"
              "fbstp 0x410(%rsi)\n fnstsw %ax")
SNIP(x87_stack, "fldz\n fld1\n fldpi\n fldz\n fld1\n fldpi\n fldz\n fld1\n fldpi\n fnstsw %ax\n mov %eax, %ebx\n"
                "ffree %st(2)\n fadd %st(2), %st\n fnstsw %ax\n mov %eax, %ecx\n fincstp\n fdecstp\n fdecstp\n"
                "fxch %st(3)\n fnstsw %ax")
SNIP(x87_underflow, "fld1\n fstp %st(0)\n fadd %st(1), %st\n fnstsw %ax\n mov %eax, %ebx\n fstps 0x400(%rsi)\n"
                    "fistl 0x404(%rsi)\n fcom %st(3)\n fnstsw %ax")
SNIP(x87_cw, "movw $0x0c7f, 0x400(%rsi)\n fldcw 0x400(%rsi)\n fldt 0x200(%rsi)\n fldt 0x210(%rsi)\n fdiv %st(1), %st\n"
             "fsts 0x404(%rsi)\n movw $0x007f, 0x402(%rsi)\n fldcw 0x402(%rsi)\n fldt 0x220(%rsi)\n fmul %st(1), %st\n"
             "fnstcw 0x408(%rsi)\n fnstsw %ax")
/* FIP/FOP/FDP (last x87 instruction and operand pointers) are not
 * tracked by emu: the snippets clear them in the saved images (and start
 * with FNINIT, so that no unmasked exception faults before that). */
SNIP(x87_env, "fninit\n fldt 0x200(%rsi)\n fldpi\n fnstenv 0x400(%rsi)\n fldenv 0x400(%rsi)\n fld1\n fnsave 0x440(%rsi)\n"
              "fldz\n frstor 0x440(%rsi)\n fnclex\n fnstsw %ax\n"
              "movq $0, 0x40c(%rsi)\n movl $0, 0x414(%rsi)\n movq $0, 0x44c(%rsi)\n movl $0, 0x454(%rsi)")
SNIP(x87_fxsave, "fninit\n fldt 0x200(%rsi)\n fldpi\n movq 0x400(%rsi), %mm0\n fxsave64 0x600(%rsi)\n"
                 "fninit\n fxrstor64 0x600(%rsi)\n fld1\n fnstsw %ax\n"
                 "movw $0, 0x606(%rsi)\n movq $0, 0x608(%rsi)\n movq $0, 0x610(%rsi)\n"
                 "fxsave 0x700(%rsi)\n movw $0, 0x706(%rsi)\n movq $0, 0x708(%rsi)\n movq $0, 0x710(%rsi)\n"
                 "movl $0, 0x61c(%rsi)\n movl $0, 0x71c(%rsi)")   /* MXCSR_MASK is the host's */
SNIP(x87_wait, "fldt 0x200(%rsi)\n fldt 0x210(%rsi)\n fdivp\n fldt 0x220(%rsi)\n fsqrt\n fwait\n fnstsw %ax")

/* the rarer forms */
SNIP(sse_misc, "movntpd %xmm1, 0x420(%rsi)\n cvtpi2pd 0x808(%rsi), %xmm2\n cvttpd2pi 0x110(%rsi), %mm3\n"
               "cvtpd2pi 0x120(%rsi), %mm4\n shufps $0x4e, 0x10(%rsi), %xmm5\n movmskps %xmm14, %r10d\n"
               "cvtsi2ssq 0x810(%rsi), %xmm6\n pinsrw $0, %r9d, %xmm15\n pextrw $0, %xmm15, %r11\n"
               "movq %mm3, %r12\n movq %mm4, %r13\n emms")
SNIP(cvtpd2pi_misaligned, "cvtpd2pi 0x128(%rsi), %mm4")
SNIP(x87_misc, "fldt 0x200(%rsi)\n fldt 0x210(%rsi)\n fst %st(3)\n fstp %st(2)\n fcomps 0x8(%rsi)\n"
               "fldt 0x220(%rsi)\n fucomp %st(1)\n fldt 0x230(%rsi)\n ficompl 0x804(%rsi)\n fnop\n"
               "fldt 0x240(%rsi)\n fidivs 0x802(%rsi)\n fimuls 0x806(%rsi)\n fisubrl 0x80c(%rsi)\n"
               "fxch %st(5)\n ffreep %st(0)\n fld %st(6)\n fnstsw %ax\n fstpt 0x400(%rsi)\n fstpt 0x410(%rsi)")
SNIP(x87_env16, "fninit\n fldt 0x200(%rsi)\n fldpi\n data16 fnstenv 0x400(%rsi)\n data16 fldenv 0x400(%rsi)\n"
                "fld1\n data16 fnsave 0x440(%rsi)\n fldz\n data16 frstor 0x440(%rsi)\n fnstsw %ax\n"
                "movw $0, 0x406(%rsi)\n movl $0, 0x408(%rsi)\n movw $0, 0x40c(%rsi)\n"
                "movw $0, 0x446(%rsi)\n movl $0, 0x448(%rsi)\n movw $0, 0x44c(%rsi)")

#define E(name) { #name, fsnip_##name##_start, fsnip_##name##_end }
static const Snippet snippets[] = {
    E(addsub), E(muldiv), E(minmax), E(sqrt), E(rcp), E(fp_mem),
    E(cmpps), E(cmppd), E(cmpss), E(comis), E(comis_flags), E(ucomis_flags),
    E(cvt_i2f), E(cvt_f2i), E(cvt_packed), E(cvt_mmx),
    E(mov128), E(movaps_misaligned), E(paddb_misaligned), E(movaps_store_misaligned),
    E(movs_scalar), E(movhl), E(movdq), E(movq_mmx), E(movmsk), E(maskmov), E(logic),
    E(padd), E(padds), E(pmul), E(pminmax), E(pshift), E(pshift_cnt), E(pack), E(shuffle),
    E(pextr), E(mmx_arith), E(mxcsr), E(ldmxcsr_reserved),
    E(x87_ld_st), E(x87_arith), E(x87_arith_mem), E(x87_pops), E(x87_compare), E(x87_comi),
    E(x87_fcmov), E(x87_unary), E(x87_trans), E(x87_trans2), E(x87_scale_prem), E(x87_const),
    E(x87_int), E(x87_bcd), E(x87_stack), E(x87_underflow), E(x87_cw), E(x87_env),
    E(x87_fxsave), E(x87_wait), E(sse_misc), E(cvtpd2pi_misaligned), E(x87_misc), E(x87_env16),
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

#define ITERS 64    /* per snippet: the fuzzer (tests/fuzz) covers random breadth */

START_TEST(test_snippet)
{
    const Snippet *sn = &snippets[_i];
    size_t n = (size_t)(sn->end - sn->start);
    uint8_t *code = g_malloc(n + 2);
    int failures = 0;

    memcpy(code, sn->start, n);
    code[n] = 0x0f;       /* ud2 ends the snippet */
    code[n + 1] = 0x0b;
    /* FPTEST_SEED=n explores other inputs (the default is fixed) */
    const char *seed = getenv("FPTEST_SEED");
    rng_state = (seed ? strtoull(seed, NULL, 0) * 0x9e3779b97f4a7c15ull : 0x2545f4914f6cdd1dull)
                ^ ((uint64_t)(_i + 1) * 0x100000001b3ull);
    for (int it = 0; it < ITERS && failures < 3; it++) {
        State *in = g_malloc(sizeof(State)), *nat = g_malloc(sizeof(State));
        State *emu = g_malloc(sizeof(State));
        random_state(in);
        run_native(in, code, n + 2, nat);
        run_emu(in, code, n + 2, emu);
        failures += compare(sn, it, in, nat, emu) != 0;
        g_free(in);
        g_free(nat);
        g_free(emu);
    }
    g_free(code);
    ck_assert_msg(failures == 0, "%s: %d of the runs differ from native", sn->name, failures);
}
END_TEST

int main(void)
{
    x86_cpu_model_set("x86-64-v2");   /* LAHF/SAHF, FISTTP (SSE3) are v2 */
    Suite *s = suite_create("x86-fp");
    TCase *tc = tcase_create("native-diff");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_snippet, 0, (int)G_N_ELEMENTS(snippets));
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? 0 : 1;
}
