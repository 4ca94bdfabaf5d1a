/* asm-alu: integer ALU instructions over edge operands, in all operand
 * sizes.  Each case loads rax/rcx/rdx, sets rflags, runs the instruction(s)
 * and records rax, rcx, rdx and the rflags bits the SDM defines for it (the
 * mask); the records are written to stdout as binary and compared with the
 * native run byte for byte.  No libc; position independent.
 *
 * A record is 8 quadwords: the offset of the instruction under test from
 * _start (objdump -d --start-address=<_start + offset> finds it), the inputs
 * rax, rcx, rdx, then the outputs rax, rcx, rdx and the masked rflags. */

/* flag masks: CF=0x1 PF=0x4 AF=0x10 ZF=0x40 SF=0x80 OF=0x800 */
#define ARITH   0x8d5           /* all six status flags */
#define LOGIC   0x8c5           /* and/or/xor/test: AF undefined */
#define SHIFT1  0x8c5           /* shift by 1: AF undefined */
#define SHIFTN  0x0c5           /* shift by >1: OF, AF undefined */
#define ROT1    0x801           /* rotate by 1: CF, OF */
#define ROTN    0x001           /* rotate by >1: CF */
#define MUL     0x801           /* mul/imul: CF, OF */
#define NONE    0x000
#define ZF      0x040
#define CF      0x001

        .macro  T fin, mask, a, b, c, insn:vararg
        movabs  $\a, %rax
        movabs  $\b, %rcx
        movabs  $\c, %rdx
        movq    %rax, 8(%rdi)
        movq    %rcx, 16(%rdi)
        movq    %rdx, 24(%rdi)
        pushq   $\fin
        popfq
0:      \insn
        pushfq
        popq    %r8
        andq    $\mask, %r8
        movq    %rax, 32(%rdi)
        movq    %rcx, 40(%rdi)
        movq    %rdx, 48(%rdi)
        movq    %r8, 56(%rdi)
        lea     0b(%rip), %r8
        lea     _start(%rip), %r9
        sub     %r9, %r8
        movq    %r8, 0(%rdi)
        addq    $64, %rdi
        .endm

/* operands: signed/unsigned boundaries of every width */
#define VALS 0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff, 0x123456789abcdef1, 0xfedcba9876543210
#define DIVISORS 1, 2, 3, 7, 0x10, 0xff, 0x10001, 0x7fffffff, 0x80000000, 0xfffffffe, 0x123456789
#define COUNTS 0, 1, 2, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 127, 255

        .text
        .globl _start
_start:
        lea     buf(%rip), %rdi

        /* two-operand arithmetic and logic, flags in CF=0 and CF=1 */
        .irp a, VALS
        .irp b, VALS
        T 0x202, ARITH, \a, \b, 0, add %rcx, %rax
        T 0x202, ARITH, \a, \b, 0, sub %rcx, %rax
        T 0x203, ARITH, \a, \b, 0, adc %rcx, %rax
        T 0x203, ARITH, \a, \b, 0, sbb %rcx, %rax
        T 0x202, ARITH, \a, \b, 0, cmp %rcx, %rax
        T 0x202, LOGIC, \a, \b, 0, and %rcx, %rax
        T 0x202, LOGIC, \a, \b, 0, or %rcx, %rax
        T 0x202, LOGIC, \a, \b, 0, xor %rcx, %rax
        T 0x202, LOGIC, \a, \b, 0, test %rcx, %rax
        T 0x202, ARITH, \a, \b, 0, add %ecx, %eax
        T 0x203, ARITH, \a, \b, 0, sbb %ecx, %eax
        T 0x202, ARITH, \a, \b, 0, sub %cx, %ax
        T 0x203, ARITH, \a, \b, 0, adc %cx, %ax
        T 0x202, ARITH, \a, \b, 0, add %cl, %al
        T 0x202, ARITH, \a, \b, 0, sub %cl, %ah
        T 0x202, ARITH, \a, \b, 0, cmp %ch, %al
        T 0x202, MUL, \a, \b, 0x5555, imul %rcx, %rax
        T 0x202, MUL, \a, \b, 0x5555, imul %ecx, %eax
        T 0x202, MUL, \a, \b, 0x5555, imul %cx, %ax
        T 0x202, MUL, \a, \b, 0x5555, mul %rcx
        T 0x202, MUL, \a, \b, 0x5555, imul %rcx
        T 0x202, MUL, \a, \b, 0x5555, mul %ecx
        T 0x202, MUL, \a, \b, 0x5555, imul %ecx
        T 0x202, MUL, \a, \b, 0x5555, mul %cx
        T 0x202, MUL, \a, \b, 0x5555, mul %cl
        T 0x202, MUL, \a, \b, 0x5555, imul %cl
        T 0x202, ARITH, \a, \b, 0x77, cmpxchg %rcx, %rdx
        T 0x202, ARITH, \a, \b, 0, cmpxchg %ecx, %eax
        T 0x202, ARITH, \a, \b, 0x77, xadd %rcx, %rdx
        T 0x202, ARITH, \a, \b, 0, xadd %cl, %al
        T 0x202, NONE, \a, \b, 0, cmovl %rcx, %rax
        T 0x202, NONE, \a, \b, 0, cmp %rcx, %rax; cmovbe %ecx, %eax; setg %dl; setnp %dh
        T 0x202, NONE, \a, \b, 0, cmp %ecx, %eax; seto %dl; sets %dh; cmovae %cx, %ax
        T 0x202, CF, \a, \b, 0, bt %rcx, %rax
        T 0x202, CF, \a, \b, 0, btc %rcx, %rax
        T 0x202, CF, \a, \b, 0, bts %ecx, %eax
        T 0x202, CF, \a, \b, 0, btr %cx, %ax
        T 0x202, NONE, \a, \b, 0, lea 0x7f(%rax,%rcx,4), %rdx; lea -1(%eax,%ecx,8), %eax
        .endr
        /* one-operand */
        T 0x202, ARITH, \a, 0, 0, neg %rax
        T 0x202, ARITH, \a, 0, 0, neg %eax
        T 0x202, ARITH, \a, 0, 0, neg %al
        T 0x203, 0x8d4, \a, 0, 0, inc %rax
        T 0x202, 0x8d4, \a, 0, 0, dec %eax
        T 0x203, 0x8d4, \a, 0, 0, inc %ax
        T 0x202, 0x8d4, \a, 0, 0, dec %al
        T 0x202, NONE, \a, 0, 0, not %rax
        T 0x202, NONE, \a, 0, 0, not %ax
        T 0x202, NONE, \a, 0, 0, bswap %rax
        T 0x202, NONE, \a, 0, 0, bswap %eax
        T 0x202, NONE, \a, 0, 0, cqo
        T 0x202, NONE, \a, 0, 0, cdq
        T 0x202, NONE, \a, 0, 0, cwd
        T 0x202, NONE, \a, 0, 0, cdqe
        T 0x202, NONE, \a, 0, 0, cwde
        T 0x202, NONE, \a, 0, 0, cbw
        T 0x202, NONE, \a, 0, 0, movsbq %al, %rcx; movswl %ax, %edx; movzbl %ah, %eax
        T 0x202, NONE, \a, 0, 0, movslq %eax, %rcx; movzwq %ax, %rdx; mov %eax, %eax
        T 0x202, NONE, \a, 0x1122334455667788, 0, xchg %rcx, %rax; xchg %dl, %ah
        .endr

        /* bit scans (non-zero sources only: the result is undefined for 0) */
        .irp a, 1, 2, 0x80, 0x8000, 0x80000000, 0x8000000000000000, 0xffffffffffffffff, 0x123456789abcdef0, 0x10000, 0x100000000
        T 0x202, ZF, 0, \a, 0, bsf %rcx, %rax
        T 0x202, ZF, 0, \a, 0, bsr %rcx, %rax
        T 0x202, ZF, 0, \a, 0, bsf %ecx, %eax
        T 0x202, ZF, 0, \a, 0, bsr %cx, %dx
        .endr

        /* shifts and rotates by cl */
        .irp a, 0, 1, 0x80, 0x8000000000000000, 0xffffffffffffffff, 0x123456789abcdef1, 0x80000001
        .irp c, COUNTS
        T 0x202, SHIFTN, \a, \c, 0x5a5a5a5a5a5a5a5a, shl %cl, %rax
        T 0x202, SHIFTN, \a, \c, 0x5a5a5a5a5a5a5a5a, shr %cl, %rax
        T 0x202, SHIFTN, \a, \c, 0x5a5a5a5a5a5a5a5a, sar %cl, %rax
        T 0x202, SHIFTN, \a, \c, 0x5a5a5a5a5a5a5a5a, shl %cl, %eax
        T 0x202, SHIFTN, \a, \c, 0x5a5a5a5a5a5a5a5a, sar %cl, %eax
        T 0x202, SHIFTN, \a, \c, 0x5a5a5a5a5a5a5a5a, shr %cl, %eax
        T 0x202, ROTN, \a, \c, 0, rol %cl, %rax
        T 0x202, ROTN, \a, \c, 0, ror %cl, %rax
        T 0x202, ROTN, \a, \c, 0, rol %cl, %eax
        T 0x203, ROTN, \a, \c, 0, rcl %cl, %rax
        T 0x203, ROTN, \a, \c, 0, rcr %cl, %rax
        T 0x202, ROTN, \a, \c, 0, rcr %cl, %eax
        T 0x202, SHIFTN, \a, \c, 0x5a5a5a5a5a5a5a5a, shld %cl, %rdx, %rax
        T 0x202, SHIFTN, \a, \c, 0x5a5a5a5a5a5a5a5a, shrd %cl, %rdx, %rax
        .endr
        T 0x202, SHIFT1, \a, 0, 0, shl $1, %rax
        T 0x202, SHIFT1, \a, 0, 0, shr $1, %rax
        T 0x202, SHIFT1, \a, 0, 0, sar $1, %eax
        T 0x202, SHIFT1, \a, 0, 0, shl $1, %ax
        T 0x202, SHIFT1, \a, 0, 0, sar $1, %al
        T 0x202, SHIFTN, \a, 0, 0, shr $5, %al
        T 0x202, SHIFTN, \a, 0, 0, shl $3, %ax
        T 0x202, ROT1, \a, 0, 0, rol $1, %rax
        T 0x202, ROT1, \a, 0, 0, ror $1, %eax
        T 0x203, ROT1, \a, 0, 0, rcl $1, %rax
        T 0x203, ROT1, \a, 0, 0, rcr $1, %ax
        T 0x202, ROTN, \a, 0, 0, rol $7, %al
        T 0x203, ROTN, \a, 0, 0, rcr $3, %al
        .endr

        /* unsigned and signed division (no #DE cases) */
        .irp a, VALS
        .irp b, DIVISORS
        T 0x202, NONE, \a, \b, 0, div %rcx
        T 0x202, NONE, \a, \b, 0, cqo; idiv %rcx
        T 0x202, NONE, \a, \b, 0, div %ecx
        T 0x202, NONE, \a, \b, 0, cdq; idiv %ecx
        T 0x202, NONE, \a, \b, \b-1, div %rcx
        .endr
        .endr

        /* write the records and leave */
        lea     buf(%rip), %rsi
        mov     %rdi, %rdx
        sub     %rsi, %rdx
        mov     $1, %edi
1:      mov     $1, %eax
        syscall
        test    %rax, %rax
        jle     2f
        add     %rax, %rsi
        sub     %rax, %rdx
        jnz     1b
2:      mov     $231, %eax
        xor     %edi, %edi
        syscall

        .bss
        .align  64
buf:    .space  2 << 20
        .section .note.GNU-stack, "", @progbits
