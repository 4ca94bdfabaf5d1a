/* asm-ud: prints a line, then executes ud2: the guest must die of SIGILL
 * at that instruction (and emu must not crash). */
        .text
        .globl _start
_start:
        mov     $1, %eax
        mov     $1, %edi
        lea     msg(%rip), %rsi
        mov     $msg_len, %edx
        syscall
        ud2
        mov     $60, %eax               /* exit(0) would mean ud2 was skipped */
        xor     %edi, %edi
        syscall
        .section .rodata
msg:    .ascii  "before ud2\n"
        .set    msg_len, . - msg
        .section .note.GNU-stack, "", @progbits
