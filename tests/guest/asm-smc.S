/* asm-smc: self-modifying code in an RWX mapping.  (1) A "mov $imm32,
 * %eax; ret" stub whose immediate is patched between calls, 100 times.
 * (2) A block that rewrites the immediates of its own next instructions
 * before running them: x86 guarantees the new bytes execute (the result
 * must be 0x55 + 0x66, not 0x11 + 0x22), on the first run and after.
 * Results go to stdout as binary.  No libc; position independent. */
        .text
        .globl _start
_start:
        lea     out(%rip), %r15
        /* self-modifying code: mmap(NULL, 4096, RWX, PRIVATE|ANON) */
        mov     $9, %eax
        xor     %edi, %edi
        mov     $4096, %esi
        mov     $7, %edx
        mov     $0x22, %r10d
        mov     $-1, %r8
        xor     %r9d, %r9d
        syscall
        mov     %rax, %r12
        /* copy the template "mov $imm32, %eax; ret" */
        lea     tpl(%rip), %rsi
        mov     %r12, %rdi
        mov     $tpl_len, %ecx
        rep movsb
        xor     %r13d, %r13d            /* i */
        xor     %r14d, %r14d            /* sum */
2:      lea     (%r13,%r13,2), %eax
        mov     %eax, 1(%r12)           /* patch the immediate, then run it */
        call    *%r12
        mov     %eax, (%r15)
        add     $4, %r15
        add     %rax, %r14
        inc     %r13
        cmp     $100, %r13
        jne     2b
        mov     %r14, (%r15)
        add     $8, %r15
        /* code that patches its own next instruction in the same block */
        lea     tpl2(%rip), %rsi
        lea     512(%r12), %rdi
        mov     $tpl2_len, %ecx
        rep movsb
        lea     512(%r12), %rax
        call    *%rax
        mov     %rax, (%r15)
        add     $8, %r15
        lea     512(%r12), %rax
        call    *%rax                   /* second run: the patched code again */
        mov     %rax, (%r15)
        add     $8, %r15

        /* write out[] and exit */
        lea     out(%rip), %rsi
        mov     %r15, %rdx
        sub     %rsi, %rdx
        mov     $1, %edi
        mov     $1, %eax
        syscall
        mov     $231, %eax
        xor     %edi, %edi
        syscall

        .section .rodata
tpl:    mov     $0x12345678, %eax
        ret
        .set    tpl_len, . - tpl
tpl2:   movl    $0x55, next+1(%rip)     /* rewrite the immediate below */
        movl    $0x66, next2+1(%rip)
next:   mov     $0x11, %eax
next2:  mov     $0x22, %ecx
        add     %ecx, %eax
        ret
        .set    tpl2_len, . - tpl2

        .bss
        .align  64
out:    .space  4096
        .section .note.GNU-stack, "", @progbits
