/*
 * tests/unit/test-x86-int.c — integer instructions under emu vs. natively.
 *
 * Each snippet below is assembled into this test's .rodata.  It runs twice
 * from the same initial state (registers, RFLAGS, a data page and a stack
 * page at fixed addresses, GS base = the data page):
 *  - under emu: decode + translate + optimize + interpret over the softmmu,
 *    until the ud2 appended to the snippet raises #UD (or a fault);
 *  - natively in the sandboxed child of tests/harness (x86-native.c): the
 *    same bytes at the same address, entered with all registers and RFLAGS
 *    loaded; its signal handler records the state at the ud2 (or fault).
 * Registers, rip, RFLAGS (minus the bits the snippet leaves undefined), the
 * two memory pages and the signal (with si_addr) are compared.
 *
 * emu models an Intel CPU; where Intel and AMD parts differ (intel_only
 * below; in the random sequences, the flags MUL/IMUL leave undefined),
 * the comparison is made on Intel hosts only.
 */
#include <check.h>
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <glib.h>

#include "emu/x86/cpu-model.h"
#include "emu/cpu.h"
#include "emu/exec.h"
#include "emu/log.h"
#include "x86-check.h"
#include "x86-emu.h"
#include "x86-random.h"

#define G_CODE   0x10000000ull
#define G_DATA   0x10010000ull
#define G_STACK  0x10020000ull
#define G_SIZE   0x30000ull
#define STACK_SZ 0x10000ull
#define G_RSP    (G_STACK + STACK_SZ - 0x1000)
#define G_UNMAPPED 0x10040000ull    /* never mapped */

#define STR_(x) #x
#define STR(x) STR_(x)

/* ---- snippets ---- */

typedef struct Snippet {
    const char *name;
    const uint8_t *start, *end;
    uint64_t undef_flags;    /* RFLAGS bits the snippet leaves undefined */
} Snippet;

/* Helper macros for the snippets (visible to every later asm block). */
__asm__(
    /* Record all 16 conditions: setcc bits into rdx, cmov into rdi, and a
     * 32-bit cmov into r11 (must zero-extend even when false). */
    ".macro ALLCC\n"
    " .irp cc, o,no,b,ae,e,ne,be,a,s,ns,p,np,l,ge,le,g\n"
    "  set\\cc %r8b\n"
    "  movzbl %r8b, %r8d\n"
    "  lea (%r8,%rdx,2), %rdx\n"
    "  mov $0, %r9d\n"
    "  mov $1, %r10d\n"
    "  cmov\\cc %r10, %r9\n"
    "  lea (%r9,%rdi,2), %rdi\n"
    "  cmov\\cc %r10d, %r11d\n"
    " .endr\n"
    ".endm\n"
    /* Redo the flag-setting op before each jcc: the branch sees the op's
     * cc state statically; the result bits go to rsi. */
    ".macro ALLJCC op:vararg\n"
    " .irp cc, o,no,b,ae,e,ne,be,a,s,ns,p,np,l,ge,le,g\n"
    "  \\op\n"
    "  j\\cc 1f\n"
    "  lea (%rsi,%rsi), %rsi\n"
    "  jmp 2f\n"
    "1: lea 1(%rsi,%rsi), %rsi\n"
    "2:\n"
    " .endr\n"
    ".endm\n"
    ".macro FLAGTEST op:vararg\n"
    "  mov $0, %edx\n  mov $0, %esi\n  mov $0, %edi\n"
    "  ALLJCC \\op\n"
    "  \\op\n"
    "  ALLCC\n"
    ".endm\n");

#define SNIP(name, code)                                                   \
    extern const uint8_t snip_##name##_start[], snip_##name##_end[];      \
    __asm__(".pushsection .rodata\n"                                       \
            "snip_" #name "_start:\n" code "\nsnip_" #name "_end:\n"      \
            ".popsection\n");

#define FT(name, op) SNIP(name, "FLAGTEST " op)

/* ALU flag tests, every size and form */
FT(add_b, "add %cl, %al")
FT(add_w, "add %cx, %ax")
FT(add_l, "add %ecx, %eax")
FT(add_q, "add %rcx, %rax")
FT(add_hi8, "add %ah, %bh")
FT(add_imm8, "add $0x7f, %al")
FT(add_imm32s, "add $-2, %rax")
FT(adc_b, "adc %cl, %al")
FT(adc_w, "adc %cx, %ax")
FT(adc_l, "adc %ecx, %eax")
FT(adc_q, "adc %rcx, %rax")
FT(sub_b, "sub %cl, %al")
FT(sub_w, "sub %cx, %ax")
FT(sub_l, "sub %ecx, %eax")
FT(sub_q, "sub %rcx, %rax")
FT(sub_imm, "sub $-0x80000000, %rax")
FT(sbb_b, "sbb %cl, %al")
FT(sbb_w, "sbb %cx, %ax")
FT(sbb_l, "sbb %ecx, %eax")
FT(sbb_q, "sbb %rcx, %rax")
FT(cmp_b, "cmp %cl, %al")
FT(cmp_w, "cmp %cx, %ax")
FT(cmp_l, "cmp %ecx, %eax")
FT(cmp_q, "cmp %rcx, %rax")
FT(cmp_imm8, "cmp $-128, %al")
FT(cmp_imm_q, "cmp $0x7fffffff, %rax")
FT(cmp_hi8, "cmp %ch, %ah")
FT(and_b, "and %cl, %al")
FT(and_l, "and %ecx, %eax")
FT(and_q, "and $-16, %rax")
FT(or_w, "or %cx, %ax")
FT(or_q, "or %rcx, %rax")
FT(xor_b, "xor %cl, %al")
FT(xor_l, "xor %ecx, %eax")
FT(test_b, "test %cl, %al")
FT(test_q, "test %rcx, %rax")
FT(test_imm, "test $0x80, %al")
FT(inc_b, "inc %al")
FT(inc_w, "inc %ax")
FT(inc_l, "inc %eax")
FT(inc_q, "inc %rax")
FT(dec_b, "dec %cl")
FT(dec_l, "dec %ecx")
FT(dec_q, "dec %rcx")
FT(neg_b, "neg %al")
FT(neg_w, "neg %ax")
FT(neg_l, "neg %eax")
FT(neg_q, "neg %rax")
/* multiplies: all 16 conditions (fast paths and the helper) */
FT(mul_b, "mul %cl")
FT(mul_w, "mul %cx")
FT(mul_l, "mul %ecx")
FT(mul_q, "mul %rcx")
FT(imul1_b, "imul %cl")
FT(imul1_q, "imul %rcx")
FT(imul2_w, "imul %cx, %ax")
FT(imul2_l, "imul %ecx, %eax")
FT(imul2_q, "imul %rcx, %rax")
FT(imul3_q, "imul $-3, %rcx, %rax")
/* flags surviving across a TB boundary (cc_op dynamic) */
SNIP(flags_dyn, "mov $0, %edx\n mov $0, %edi\n cmp %rcx, %rax\n jmp 1f\n 1: ALLCC\n"
                "add %ecx, %ebx\n jmp 2f\n 2: adc %rax, %rcx\n jmp 3f\n 3: ALLCC")
/* inc keeps CF from an earlier sub; dec after adc */
SNIP(inc_keeps_cf, "sub %rcx, %rax\n inc %rbx\n mov $0, %edx\n mov $0, %edi\n ALLCC\n"
                   "stc\n dec %eax\n adc $0, %rbx")
/* zeroing idioms */
SNIP(zero_idiom, "xor %eax, %eax\n sub %rcx, %rcx\n mov $0, %edx\n mov $0, %edi\n ALLCC\n"
                 "xor %bh, %bh\n")
/* flag instructions */
SNIP(flagops, "clc\n adc %rax, %rbx\n stc\n adc %rcx, %rdx\n cmc\n sbb %rsi, %rdi\n"
              "cmc\n adc $0, %r8\n std\n pushf\n pop %r9\n cld\n pushf\n pop %r10\n"
              "sahf\n lahf\n adc %r11, %r11\n")
SNIP(popf, "and $0x200cd5, %eax\n push %rax\n popf\n pushf\n pop %rbx\n sbb %rcx, %rcx\n"
           "mov $0, %edx\n mov $0, %edi\n ALLCC\n cld\n")
SNIP(lahf_sahf, "cmp %rcx, %rax\n lahf\n mov %ah, %bl\n mov %ch, %ah\n sahf\n"
                "mov $0, %edx\n mov $0, %edi\n ALLCC\n")
/* moves */
SNIP(movs, "mov %eax, %ebx\n mov %cx, %dx\n mov %ah, %cl\n mov %al, %dil\n"
           "mov $0x12345678, %r8d\n mov $-5, %r9\n movabs $0x123456789abcdef0, %r10\n"
           "mov %ch, %bh\n movzbl %al, %r11d\n movzwl %cx, %r12d\n movzbw %al, %r13w\n"
           "movsbq %cl, %r14\n movswl %ax, %r15d\n movslq %ecx, %rbp\n movsbw %ch, %si\n")
SNIP(mov_mem, "mov $" STR(G_DATA) ", %ebx\n mov %rax, 8(%rbx)\n mov %ecx, 16(%rbx)\n"
              "mov %dx, 20(%rbx)\n mov %ah, 23(%rbx)\n movb $0x5a, 24(%rbx)\n movq $-3, 32(%rbx)\n"
              "movl $-3, 40(%rbx)\n mov 48(%rbx), %rsi\n mov 56(%rbx), %edi\n mov 60(%rbx), %r8w\n"
              "mov 64(%rbx), %r9b\n movzbl 65(%rbx), %r10d\n movsbq 66(%rbx), %r11\n"
              "movswq 68(%rbx), %r12\n movslq 72(%rbx), %r13\n mov 8(%rbx,%rcx,8), %r14\n"
              "mov -8(%rbx,%rcx,4), %r15\n")
SNIP(moffs, "movabs " STR(G_DATA) "+0x40, %rax\n movabs %eax, " STR(G_DATA) "+0x80\n"
            "movabs " STR(G_DATA) "+0x44, %al\n")
SNIP(lea, "lea 8(%rax,%rcx,4), %rbx\n lea -1(%rcx), %edx\n lea (%rax,%rax,2), %si\n"
          "lea 0x7fffffff(%rcx,%rax,8), %rdi\n lea 1f(%rip), %r8\n lea (%eax,%ecx), %r9\n"
          "lea -16(%ecx), %r10d\n lea 0x10(,%rcx,2), %r11\n lea 3(%eax), %r12\n 1:\n")
SNIP(gs_mem, "mov %gs:8, %rax\n mov $16, %ebx\n add %rcx, %gs:(%rbx)\n mov %gs:16, %rdx\n"
             ".byte 0x65\n lea 8(%rbx), %rsi\n")
SNIP(xchg, "xchg %rax, %rcx\n xchg %bl, %bh\n xchg %edx, %esi\n xchg %di, %r8w\n"
           "mov $" STR(G_DATA) ", %r9d\n xchg %r10, 8(%r9)\n xchg 16(%r9), %r11d\n"
           "mov $" STR(G_DATA) ", %ebp\n xchg %ah, 24(%rbp)\n mov 8(%r9), %r12\n mov 16(%r9), %r13\n xchg %eax, %eax\n")
SNIP(cmpxchg, "mov $" STR(G_DATA) ", %r9d\n mov 8(%r9), %rax\n cmpxchg %rcx, 8(%r9)\n"
              "mov %rax, %rdx\n cmpxchg %ebx, 8(%r9)\n mov %rax, %rsi\n cmpxchg %ebx, %edi\n"
              "mov %rax, %r10\n lock cmpxchg %cl, 16(%r9)\n cmpxchg %r11w, %r12w\n"
              "mov %r12, %rax\n cmpxchg %r13, %r12\n mov 8(%r9), %r14\n mov 16(%r9), %r15\n")
SNIP(xadd, "mov $" STR(G_DATA) ", %r9d\n xadd %rax, %rcx\n lock xadd %ebx, 8(%r9)\n"
           "xadd %dl, %dh\n xadd %si, 16(%r9)\n mov 8(%r9), %r10\n mov 16(%r9), %r11\n")
SNIP(alu_mem, "mov $" STR(G_DATA) ", %r9d\n add %rax, 8(%r9)\n adc 16(%r9), %ecx\n"
              "lock sub %dx, 24(%r9)\n sbbq $5, 32(%r9)\n lock orq $-1, 40(%r9)\n xor 48(%r9), %bl\n"
              "lock incl 56(%r9)\n decw 60(%r9)\n lock negq 64(%r9)\n notl 72(%r9)\n"
              "cmp %rsi, 80(%r9)\n test %edi, 88(%r9)\n lock andb $0x0f, 96(%r9)\n"
              "mov 8(%r9), %r10\n mov 56(%r9), %r11\n mov 64(%r9), %r12\n")
SNIP(cbw, "mov %rax, %rbx\n cbw\n mov %rax, %rcx\n mov %rbx, %rax\n cwde\n mov %rax, %rdx\n"
          "mov %rbx, %rax\n cdqe\n mov %rax, %rsi\n mov %rbx, %rax\n cwd\n mov %rdx, %rdi\n"
          "cdq\n mov %rdx, %r8\n cqo\n")
/* stack */
SNIP(pushpop, "push %rax\n push %cx\n push $-7\n push $0x1234\n pushw $-2\n"
              "mov $" STR(G_DATA) ", %r9d\n push 8(%r9)\n push %gs:16\n pop %rbx\n pop %rdx\n"
              "pop %si\n pop %rdi\n pop 24(%r9)\n pop %r10w\n pop %r11\n mov 24(%r9), %r12\n"
              "push %rsp\n pop %r13\n push %rsp\n pop %rsp\n")
SNIP(pop_rsp_mem, "mov %rsp, %rbx\n push %rax\n pop 8(%rsp)\n mov 8(%rbx), %rcx\n")
SNIP(call_ret, "call 1f\n jmp 2f\n 1: mov (%rsp), %rbx\n ret\n 2: lea 3f(%rip), %rcx\n"
               "call *%rcx\n jmp 4f\n 3: ret $8\n 4: push %rcx\n call *(%rsp)\n add $8, %rsp\n"
               "lea 5f(%rip), %rdx\n jmp *%rdx\n 5: push %rdx\n lea 6f(%rip), %rdx\n mov %rdx, (%rsp)\n"
               "jmp *(%rsp)\n 6: pop %rsi\n")
SNIP(enter_leave, "mov %rsp, %rbp\n enter $32, $0\n mov %rsp, %rax\n mov %rbp, %rbx\n"
                  "enter $16, $3\n mov %rsp, %rcx\n mov %rbp, %rdx\n mov 8(%rsp), %rsi\n"
                  "mov 16(%rsp), %rdi\n mov 24(%rsp), %r8\n leave\n mov %rsp, %r9\n leave\n")
/* loops and branches */
SNIP(loop, "and $7, %ecx\n inc %ecx\n mov $0, %edx\n 1: add %rcx, %rdx\n loop 1b\n"
           "mov $5, %ecx\n mov $0, %esi\n 2: inc %esi\n cmp $3, %esi\n loopne 2b\n"
           "mov $5, %ecx\n mov $0, %edi\n 3: inc %edi\n cmp %edi, %edi\n loope 3b\n"
           "mov $0, %ebx\n jrcxz 4f\n mov $1, %ebx\n 4: mov $0, %ecx\n jrcxz 5f\n mov $2, %ebx\n 5:\n"
           "movabs $0x100000000, %rcx\n mov $0, %r8d\n jecxz 6f\n mov $1, %r8d\n 6:\n"
           "movabs $0x100000001, %rcx\n addr32 loop 7f\n mov $1, %r9d\n 7:\n")
SNIP(nops, "nop\n xchg %ax, %ax\n nopl 0(%rax)\n nopw 0(%rax,%rax,1)\n .byte 0xf3, 0x0f, 0x1e, 0xfa\n"
           "pause\n .byte 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0\n add %rcx, %rax\n")
/* faults: precise state at the faulting instruction */
SNIP(fault_load, "add $1, %rax\n mov $" STR(G_UNMAPPED) ", %ecx\n add (%rcx), %rbx\n")
SNIP(fault_push, "sub %rcx, %rax\n mov $" STR(G_UNMAPPED) "+8, %esp\n push %rbx\n")
SNIP(fault_rmw, "cmp %rcx, %rax\n mov $" STR(G_UNMAPPED) ", %edx\n lock xadd %rax, 8(%rdx)\n")
SNIP(fault_call, "inc %rax\n mov $" STR(G_UNMAPPED) ", %esp\n call 1f\n 1:\n")
SNIP(fault_ret, "dec %rax\n mov $" STR(G_DATA) "+0x800, %esp\n movq $" STR(G_UNMAPPED) ", (%rsp)\n ret\n")
/* an instruction running into an unmapped page: SIGSEGV at the first
 * missing byte, rip = the instruction (after two nops in the same TB) */
SNIP(fault_fetch, "movl $0xb8489090, " STR(G_STACK) "+" STR(STACK_SZ) "-4\n"
                  "mov $" STR(G_STACK) "+" STR(STACK_SZ) "-4, %eax\n inc %rcx\n jmp *%rax\n")
SNIP(ud_lock, "add %rcx, %rax\n .byte 0xf0\n mov %eax, %ebx\n")
/* far transfers to the user code segment 0x33: like near ones */
SNIP(far_ret, "lea 1f(%rip), %rbx\n push $0x33\n push %rbx\n lretq\n mov $1, %r15d\n"
              "1: lea 2f(%rip), %ecx\n mov $0x33, %edx\n shl $32, %rdx\n or %rcx, %rdx\n"
              "push %rdx\n lret\n mov $2, %r15d\n"
              "2: push $7\n push $8\n push $0x33\n lea 3f(%rip), %rsi\n push %rsi\n lretq $16\n"
              "mov $3, %r15d\n 3: sub $4, %rsp\n lea 4f(%rip), %edi\n mov %edi, (%rsp)\n"
              "movl $0x33, 4(%rsp)\n lret $4\n mov $4, %r15d\n 4:\n")
SNIP(far_jmp, "mov $" STR(G_DATA) ", %r9d\n lea 1f(%rip), %rax\n mov %rax, (%r9)\n"
              "movw $0x33, 8(%r9)\n rex.W ljmp *(%r9)\n mov $1, %r15d\n"
              "1: lea 2f(%rip), %eax\n mov %eax, 16(%r9)\n movw $0x30, 20(%r9)\n ljmp *16(%r9)\n"
              "mov $2, %r15d\n 2: lea 3f(%rip), %ebx\n mov %ebx, 24(%r9)\n movw $0x31, 28(%r9)\n"
              "ljmp *%gs:24\n mov $3, %r15d\n 3:\n")
SNIP(far_call, "mov $" STR(G_DATA) ", %r9d\n lea 1f(%rip), %rax\n mov %rax, (%r9)\n"
               "movw $0x33, 8(%r9)\n rex.W lcall *(%r9)\n jmp 2f\n"
               "1: mov (%rsp), %rbx\n mov 8(%rsp), %rcx\n lretq\n"
               "2: lea 3f(%rip), %eax\n mov %eax, 16(%r9)\n movw $0x32, 20(%r9)\n"
               "lcall *16(%r9)\n jmp 4f\n 3: mov (%rsp), %rdx\n lret\n 4:\n")
SNIP(far_iret, "mov %rsp, %rax\n push $0x2b\n push %rax\n pushfq\n xorq $0x8c5, (%rsp)\n"
               "push $0x33\n lea 1f(%rip), %rcx\n push %rcx\n iretq\n mov $1, %r15d\n"
               "1: pushfq\n pop %r8\n mov %rsp, %rax\n sub $20, %rsp\n lea 2f(%rip), %ecx\n"
               "mov %ecx, (%rsp)\n movl $0x33, 4(%rsp)\n pushfq\n pop %rdx\n xor $0x8c5, %edx\n"
               "mov %edx, 8(%rsp)\n mov %eax, 12(%rsp)\n movl $0x2b, 16(%rsp)\n iretl\n"
               "mov $2, %r15d\n 2:\n")
/* far transfers to other selectors: #GP, nothing changed */
SNIP(far_ret_bad, "lea 1f(%rip), %rbx\n push $0x2b\n push %rbx\n inc %rax\n lretq\n 1:\n")
SNIP(far_ret_rpl0, "lea 1f(%rip), %rbx\n push $0x30\n push %rbx\n inc %rax\n lretq\n 1:\n")
SNIP(far_jmp_bad, "mov $" STR(G_DATA) ", %r9d\n lea 1f(%rip), %rax\n mov %rax, (%r9)\n"
                  "movw $0x10, 8(%r9)\n rex.W ljmp *(%r9)\n 1:\n")
SNIP(far_call_bad, "mov $" STR(G_DATA) ", %r9d\n lea 1f(%rip), %eax\n mov %eax, (%r9)\n"
                   "movw $0, 4(%r9)\n lcall *(%r9)\n 1:\n")
SNIP(far_iret_bad_ss, "mov %rsp, %rax\n push $0\n push %rax\n pushfq\n"
                      "push $0x33\n lea 1f(%rip), %rcx\n push %rcx\n iretq\n 1:\n")
/* jumps to non-canonical addresses fault at the jump (#GP, state kept) */
SNIP(noncanon_jmp, "movabs $0x800000000000, %rbx\n inc %rax\n jmp *%rbx\n")
SNIP(noncanon_call, "movabs $0xffff7ffffffff000, %rbx\n inc %rax\n call *%rbx\n")
SNIP(noncanon_ret, "movabs $0x8000000000000000, %rbx\n push %rbx\n inc %rax\n ret\n")
SNIP(noncanon_retf, "movabs $0x1000000000000, %rbx\n push $0x33\n push %rbx\n lretq\n")
SNIP(noncanon_lcall, "mov $" STR(G_DATA) ", %r9d\n movabs $0x800000000000, %rax\n mov %rax, (%r9)\n"
                    "movw $0x33, 8(%r9)\n rex.W lcall *(%r9)\n")
/* the same with a target not known at translation, registers changed just
 * before in the same block (the JIT's out-of-line raise stores them) */
SNIP(noncanon_jmp_mem, "mov $" STR(G_DATA) ", %r9d\n movabs $0x800000000000, %rbx\n mov %rbx, (%r9)\n"
                       "jmp 1f\n 1: mov (%r9), %rsi\n add %rcx, %rdx\n inc %rax\n lea 3(%rdi), %rdi\n"
                       "jmp *%rsi\n")
SNIP(noncanon_call_mem, "mov $" STR(G_DATA) ", %r9d\n movabs $0xffff7ffffffff000, %rbx\n mov %rbx, (%r9)\n"
                        "jmp 1f\n 1: add %rcx, %rdx\n lea 1(%rdi), %rdi\n call *(%r9)\n")
SNIP(noncanon_ret_mem, "mov $" STR(G_DATA) ", %r9d\n movabs $0x8000000000000000, %rbx\n mov %rbx, (%r9)\n"
                       "push (%r9)\n jmp 1f\n 1: sub %rcx, %rdx\n lea 5(%rdi), %rdi\n ret\n")
SNIP(noncanon_ok, "movabs $0x7ffffffff000, %rbx\n inc %rax\n jmp *%rbx\n")

#define S(name, undef) { #name, snip_##name##_start, snip_##name##_end, undef }
#define F(name) S(name, 0)
/* AF is undefined after logic ops. */
#define FL(name) S(name, CC_A)

static const Snippet snippets[] = {
    F(add_b), F(add_w), F(add_l), F(add_q), F(add_hi8), F(add_imm8), F(add_imm32s),
    F(adc_b), F(adc_w), F(adc_l), F(adc_q),
    F(sub_b), F(sub_w), F(sub_l), F(sub_q), F(sub_imm),
    F(sbb_b), F(sbb_w), F(sbb_l), F(sbb_q),
    F(cmp_b), F(cmp_w), F(cmp_l), F(cmp_q), F(cmp_imm8), F(cmp_imm_q), F(cmp_hi8),
    FL(and_b), FL(and_l), FL(and_q), FL(or_w), FL(or_q), FL(xor_b), FL(xor_l),
    FL(test_b), FL(test_q), FL(test_imm),
    F(inc_b), F(inc_w), F(inc_l), F(inc_q), F(dec_b), F(dec_l), F(dec_q),
    F(neg_b), F(neg_w), F(neg_l), F(neg_q),
    F(mul_b), F(mul_w), F(mul_l), F(mul_q), F(imul1_b), F(imul1_q), F(imul2_w), F(imul2_l),
    F(imul2_q), F(imul3_q),
    F(flags_dyn), F(inc_keeps_cf), FL(zero_idiom), F(flagops), F(popf), F(lahf_sahf),
    F(movs), F(mov_mem), F(moffs), F(lea), F(gs_mem), F(xchg), F(cmpxchg), F(xadd),
    FL(alu_mem), F(cbw), F(pushpop), F(pop_rsp_mem), F(call_ret), F(enter_leave),
    F(loop), F(nops),
    F(fault_load), F(fault_push), F(fault_rmw), F(fault_call), F(fault_ret), F(fault_fetch), F(ud_lock),
    F(far_ret), F(far_jmp), F(far_call), F(far_iret), F(far_ret_bad), F(far_ret_rpl0),
    F(far_jmp_bad), F(far_call_bad), F(far_iret_bad_ss),
    F(noncanon_jmp), F(noncanon_call), F(noncanon_ret), F(noncanon_jmp_mem), F(noncanon_call_mem), F(noncanon_ret_mem), F(noncanon_retf), F(noncanon_lcall),
    F(noncanon_ok),
};

/* ---- machine state ---- */

/* code, data (GS base) and stack in one mapped window, a hole above it */
static const HxLayout layout = {
    HX_WINDOW_LAYOUT(G_CODE, G_SIZE, G_DATA, 4096, G_STACK, STACK_SZ),
    .holes = { { G_UNMAPPED, 0x10000 } }, .nb_holes = 1, .gs_base = G_DATA,
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    return hx_rng(&rng_state);
}

/* ---- comparison ---- */

/* Runs code natively and under emu from in; returns true if they differ. */
static bool differs(const Snippet *sn, int iter, const uint8_t *code, size_t len, const HxState *in)
{
    HxCompare c = {
        .parts = HX_CMP_DATA | HX_CMP_STACK | HX_CMP_FAULT_ADDR,
        .rflags_mask = (CC_ARITH_MASK | DF_MASK) & ~sn->undef_flags,
    };
    return hx_check(&layout, &c, sn->name, iter, code, len, code, len, in, NULL, NULL) != 0;
}

#define ITERS 24

/* Snippets whose native result differs between Intel and AMD hosts:
 * REX.W far JMP/CALL through m16:64 (AMD reads m16:32), what a near or
 * far CALL to a non-canonical target leaves below RSP, and the conditions
 * on SF ZF PF after MUL/IMUL (undefined; Intel computes them from the
 * result, as emu does, AMD Zen parts keep them).  A name ending in '*' is
 * a prefix. */
static const char *const intel_only[] = {
    "far_jmp", "far_call", "noncanon_call", "noncanon_call_mem", "noncanon_lcall", "mul_*", "imul*",
};

static bool host_intel;

static bool snippet_intel_only(const Snippet *sn)
{
    for (size_t i = 0; i < G_N_ELEMENTS(intel_only); i++) {
        const char *p = intel_only[i];
        size_t len = strlen(p);
        if (p[len - 1] == '*' ? strncmp(sn->name, p, len - 1) == 0 : strcmp(sn->name, p) == 0) {
            return true;
        }
    }
    return false;
}

START_TEST(test_snippet)
{
    const Snippet *sn = &snippets[_i];
    size_t n = (size_t)(sn->end - sn->start);
    const char *only = getenv("X86_INT_ONLY");   /* debugging: one snippet */

    if (only && strcmp(only, sn->name) != 0) {
        return;
    }
    if (!host_intel && snippet_intel_only(sn)) {
        fprintf(stderr, "note: %s not compared: the host is not Intel\n", sn->name);
        return;
    }
    uint8_t *code = hx_code_ud2(sn->start, n);
    int failures = 0;

    rng_state = 0x9e3779b97f4a7c15ull ^ ((uint64_t)_i * 0x100000001b3ull);
    for (int it = 0; it < ITERS && failures < 3; it++) {
        HxState *in = g_malloc(sizeof(HxState));
        hx_random_int_state(&rng_state, in, &layout, G_RSP);
        failures += differs(sn, it, code, n + 2, in);
        g_free(in);
    }
    g_free(code);
    ck_assert_msg(failures == 0, "%s: %d of the runs differ from native", sn->name, failures);
}
END_TEST


/* ---- random instruction sequences ---- */

/*
 * A generator of random but valid integer instructions whose results are
 * fully defined (no shifts or div: their undefined flags would leak into
 * later results; MUL/IMUL's "undefined" SF ZF AF PF are compared: emu
 * matches Intel hardware there).  r15 is the base of every memory operand (the data
 * page + 128) and is never written; rsp is never an operand.
 */
#define FUZZ_R15 (G_DATA + 128)

typedef struct Enc {
    uint8_t b[16];
    int n;
    bool undef_flags;   /* leaves SF ZF AF PF undefined (MUL/IMUL) */
} Enc;

static void put(Enc *e, uint8_t v)
{
    e->b[e->n++] = v;
}

/* A register number 0..15 other than rsp (4) and r15. */
static int fuzz_reg(void)
{
    static const int pool[] = { 0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };
    return pool[rng() % G_N_ELEMENTS(pool)];
}

/*
 * Emit prefixes + opcode bytes + ModRM (+disp8) for an instruction with a
 * reg field `reg` (a register, or an opcode extension when ext >= 0) and an
 * r/m operand that is a register or [r15 + disp8].  size: 1, 2, 4, 8.
 */
static void enc_modrm(Enc *e, const uint8_t *op, int nop, int size, int ext, int lock)
{
    bool mem = lock || rng() % 3 == 0;
    int reg = ext >= 0 ? ext : fuzz_reg();
    int rm = mem ? 15 : fuzz_reg();
    bool want_rex = size == 8 || (ext < 0 && reg >= 8) || rm >= 8 ||
                    (size == 1 && rng() % 4 == 0);
    if (size == 1 && !want_rex) {
        /* without REX, 4..7 are ah/ch/dh/bh: fine as operands */
    }
    if (lock) {
        put(e, 0xf0);
    }
    if (size == 2) {
        put(e, 0x66);
    }
    if (want_rex) {
        put(e, 0x40 | (size == 8 ? 8 : 0) | ((ext < 0 && reg >= 8) ? 4 : 0) | (rm >= 8 ? 1 : 0));
    }
    for (int i = 0; i < nop; i++) {
        put(e, op[i]);
    }
    if (mem) {
        put(e, 0x40 | (reg & 7) << 3 | (rm & 7));
        put(e, (uint8_t)((rng() % 200) - 100) & ~7u);
    } else {
        put(e, 0xc0 | (reg & 7) << 3 | (rm & 7));
    }
}

static void put_imm(Enc *e, int bytes)
{
    for (int i = 0; i < bytes; i++) {
        put(e, (uint8_t)hx_interesting(&rng_state) ^ (uint8_t)(i ? rng() : 0));
    }
}

static int fuzz_size(void)
{
    static const int sz[] = { 1, 2, 4, 8 };
    return sz[rng() % 4];
}

static void fuzz_insn(Enc *e)
{
    int size = fuzz_size();
    int w = size == 1 ? 0 : 1;           /* opcode bit 0: byte vs. full size */
    int immv = size == 2 ? 2 : 4;        /* Iz */
    uint8_t op[2];

    e->n = 0;
    e->undef_flags = false;
    switch (rng() % 29) {
    case 0: case 1: case 2: case 3:      /* ALU Ev,Gv / Gv,Ev (lock on memory dest) */
        op[0] = (uint8_t)((rng() % 8) << 3 | (rng() % 2) << 1 | w);
        enc_modrm(e, op, 1, size, -1, !(op[0] & 2) && (op[0] >> 3) != 7 && rng() % 4 == 0);
        break;
    case 4:                              /* ALU AL/eAX, imm */
        if (size == 2) put(e, 0x66);
        if (size == 8) put(e, 0x48);
        put(e, (uint8_t)((rng() % 8) << 3 | 4 | w));
        put_imm(e, size == 1 ? 1 : immv);
        break;
    case 5: case 6:                      /* group 1: 80/81/83 /op */
        op[0] = size == 1 ? 0x80 : (rng() % 2 ? 0x81 : 0x83);
        enc_modrm(e, op, 1, size, (int)(rng() % 8), 0);
        put_imm(e, op[0] == 0x81 ? immv : 1);
        break;
    case 7:                              /* test / not / neg */
    {
        int ext = (int)(rng() % 3);
        ext = ext == 1 ? 2 : ext == 2 ? 3 : 0;
        op[0] = (uint8_t)(0xf6 | w);
        enc_modrm(e, op, 1, size, ext, 0);
        if (ext == 0) {
            put_imm(e, size == 1 ? 1 : immv);
        }
        break;
    }
    case 8:                              /* inc / dec */
        op[0] = (uint8_t)(0xfe | w);
        enc_modrm(e, op, 1, size, (int)(rng() % 2), rng() % 8 == 0);
        break;
    case 9: case 10:                     /* mov Eb,Gb .. Gv,Ev */
        op[0] = (uint8_t)(0x88 | (rng() % 2) << 1 | w);
        enc_modrm(e, op, 1, size, -1, 0);
        break;
    case 11:                             /* mov r/m, imm  and  mov r, imm(64) */
        if (rng() % 2) {
            op[0] = (uint8_t)(0xc6 | w);
            enc_modrm(e, op, 1, size, 0, 0);
            put_imm(e, size == 1 ? 1 : immv);
        } else {
            int r = fuzz_reg();
            if (size == 2) put(e, 0x66);
            if (size == 8 || r >= 8) put(e, (uint8_t)(0x40 | (size == 8 ? 8 : 0) | (r >= 8)));
            put(e, (uint8_t)((size == 1 ? 0xb0 : 0xb8) + (r & 7)));
            put_imm(e, size);
        }
        break;
    case 12:                             /* movzx / movsx / movsxd */
    {
        int k = (int)(rng() % 5);
        int dsz = size == 1 ? 4 : size;
        if (k == 4) {
            op[0] = 0x63;
            enc_modrm(e, op, 1, dsz, -1, 0);
        } else {
            op[0] = 0x0f;
            op[1] = (uint8_t)(0xb6 + (k & 1) + (k & 2) * 4);
            enc_modrm(e, op, 2, (k & 1) && dsz == 2 ? 4 : dsz, -1, 0);
        }
        break;
    }
    case 13:                             /* lea */
    {
        int r = fuzz_reg(), b = (int)(rng() % 16), x = fuzz_reg();
        if (size == 1) size = 4;
        if (rng() % 4 == 0) put(e, 0x67);
        if (size == 2) put(e, 0x66);
        put(e, (uint8_t)(0x40 | (size == 8 ? 8 : 0) | (r >= 8 ? 4 : 0) | (x >= 8 ? 2 : 0) | (b >= 8)));
        put(e, 0x8d);
        put(e, (uint8_t)(0x44 | (r & 7) << 3));          /* mod 1, SIB */
        put(e, (uint8_t)((rng() % 4) << 6 | (x & 7) << 3 | (b & 7)));
        put(e, (uint8_t)rng());
        break;
    }
    case 14:                             /* xchg */
        op[0] = (uint8_t)(0x86 | w);
        enc_modrm(e, op, 1, size, -1, 0);
        break;
    case 15:                             /* cmpxchg / xadd */
        op[0] = 0x0f;
        op[1] = (uint8_t)((rng() % 2 ? 0xb0 : 0xc0) | w);
        enc_modrm(e, op, 2, size, -1, rng() % 4 == 0);
        break;
    case 16:                             /* cmovcc */
        op[0] = 0x0f;
        op[1] = (uint8_t)(0x40 | rng() % 16);
        enc_modrm(e, op, 2, size == 1 ? 4 : size, -1, 0);
        break;
    case 17:                             /* setcc */
        op[0] = 0x0f;
        op[1] = (uint8_t)(0x90 | rng() % 16);
        enc_modrm(e, op, 2, 1, 0, 0);
        break;
    case 18:                             /* cbw/cwde/cdqe, cwd/cdq/cqo */
        if (size == 2) put(e, 0x66);
        if (size == 8) put(e, 0x48);
        put(e, (uint8_t)(0x98 | rng() % 2));
        break;
    case 19:                             /* clc stc cmc cld std sahf */
    {
        static const uint8_t f[] = { 0xf8, 0xf9, 0xf5, 0xfc, 0xfd, 0x9e };
        put(e, f[rng() % G_N_ELEMENTS(f)]);
        break;
    }
    case 20:                             /* push / pop pairs */
    {
        int a = fuzz_reg(), b = fuzz_reg();
        if (a >= 8) put(e, 0x41);
        put(e, (uint8_t)(0x50 + (a & 7)));
        if (b >= 8) put(e, 0x41);
        put(e, (uint8_t)(0x58 + (b & 7)));
        break;
    }
    case 21:                             /* lahf (AF of logic ops: 0 as on hardware) */
        put(e, 0x9f);
        break;
    case 22:                             /* push imm; pop r/m */
        if (rng() % 2) {
            put(e, 0x6a);
            put_imm(e, 1);
        } else {
            put(e, 0x68);
            put_imm(e, 4);
        }
        op[0] = 0x8f;
        enc_modrm(e, op, 1, 8, 0, 0);
        if (e->b[e->n - 1] != 0 && (e->b[e->n - 2] & 0xc0) == 0x40) {
            /* keep the 8-byte store inside the data page */
            e->b[e->n - 1] &= 0x78;
        }
        break;
    case 23:                             /* call next; pop reg (reads rip) */
    {
        int r = fuzz_reg();
        put(e, 0xe8);
        put(e, 0); put(e, 0); put(e, 0); put(e, 0);
        if (r >= 8) put(e, 0x41);
        put(e, (uint8_t)(0x58 + (r & 7)));
        break;
    }
    case 24:                             /* mul / imul r/m (rdx:rax) */
        op[0] = (uint8_t)(0xf6 | w);
        enc_modrm(e, op, 1, size, 4 + (int)(rng() % 2), 0);
        e->undef_flags = true;
        break;
    case 25:                             /* imul Gv,Ev / Gv,Ev,Iz / Gv,Ev,Ib */
    {
        int k = (int)(rng() % 3);
        if (size == 1) size = 4;
        op[0] = k == 0 ? 0x0f : k == 1 ? 0x69 : 0x6b;
        op[1] = 0xaf;
        enc_modrm(e, op, k == 0 ? 2 : 1, size, -1, 0);
        if (k) {
            put_imm(e, k == 1 ? (size == 2 ? 2 : 4) : 1);
        }
        e->undef_flags = true;
        break;
    }
    default:                             /* jcc / jmp over the next insn */
    {
        Enc next;
        fuzz_insn(&next);
        e->undef_flags = next.undef_flags;
        put(e, (uint8_t)(rng() % 8 ? 0x70 | rng() % 16 : 0xeb));
        put(e, (uint8_t)next.n);
        for (int i = 0; i < next.n && e->n < 16; i++) {
            put(e, next.b[i]);
        }
        break;
    }
    }
}

#define FUZZ_RUNS 400
#define FUZZ_LEN 24

START_TEST(test_fuzz)
{
    int failures = 0;

    if (getenv("X86_INT_ONLY")) {
        return;
    }
    rng_state = 0x2545f4914f6cdd1dull ^ ((uint64_t)_i << 32);
    if (getenv("X86_INT_FUZZ_SEED")) {   /* debugging: other random programs */
        rng_state ^= g_ascii_strtoull(getenv("X86_INT_FUZZ_SEED"), NULL, 0) * 0x9e3779b97f4a7c15ull;
    }
    for (int run = 0; run < FUZZ_RUNS && failures < 3; run++) {
        uint8_t code[FUZZ_LEN * 32 + 2];
        size_t n = 0;
        for (int k = 0; k < FUZZ_LEN; k++) {
            Enc e;
            do {
                fuzz_insn(&e);
            } while (e.n > 15);
            memcpy(code + n, e.b, (size_t)e.n);
            n += (size_t)e.n;
            if (e.undef_flags && !host_intel) {
                /* pushf; andq $~(SF|ZF|AF|PF), (%rsp); popf: AMD parts set
                 * these otherwise than Intel's (and emu's) */
                static const uint8_t scrub[] = { 0x9c, 0x48, 0x81, 0x24, 0x24, 0x2b, 0xff,
                                                 0xff, 0xff, 0x9d };
                memcpy(code + n, scrub, sizeof(scrub));
                n += sizeof(scrub);
            }
        }
        code[n++] = 0x0f;
        code[n++] = 0x0b;

        HxState *in = g_malloc(sizeof(HxState));
        hx_random_int_state(&rng_state, in, &layout, G_RSP);
        in->regs[R_R15] = FUZZ_R15;
        in->rflags &= ~(uint64_t)DF_MASK;
        Snippet sn = { "fuzz", code, code + n, 0 };
        if (differs(&sn, run, code, n, in)) {
            failures++;
            fprintf(stderr, "  code:");
            for (size_t i = 0; i < n; i++) {
                fprintf(stderr, " %02x", code[i]);
            }
            fprintf(stderr, "\n");
        }
        g_free(in);
    }
    ck_assert_msg(failures == 0, "random sequences: %d differ from native", failures);
}
END_TEST

int main(void)
{
    unsigned a, b, c, d;
    __cpuid(0, a, b, c, d);
    host_intel = b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e;   /* GenuineIntel */
    x86_cpu_model_set("x86-64-v2");   /* LAHF/SAHF, FISTTP (SSE3) are v2 */
    if (getenv("X86_INT_LOG")) {       /* debugging: e.g. in_asm,op_opt */
        emu_log_parse_items(getenv("X86_INT_LOG"), &emu_loglevel);
    }
    Suite *s = suite_create("x86-int");
    TCase *tc = tcase_create("native-diff");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_snippet, 0, (int)G_N_ELEMENTS(snippets));
    tcase_add_loop_test(tc, test_fuzz, 0, 4);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? 0 : 1;
}
