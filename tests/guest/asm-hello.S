/* asm-hello: no libc.  Writes a greeting and its arguments with raw
 * syscalls and exits with 40 + argc.  Position independent (RIP-relative
 * only), so it also builds as static-pie. */
        .text
        .globl _start
_start:
        mov     (%rsp), %r12            /* argc */
        lea     8(%rsp), %r13           /* argv */
        lea     greeting(%rip), %rsi
        mov     $greeting_len, %edx
        call    write_out
        mov     $1, %r14d               /* i = 1 */
1:      cmp     %r12, %r14
        jae     3f
        mov     (%r13,%r14,8), %rsi     /* argv[i] */
        xor     %edx, %edx
2:      cmpb    $0, (%rsi,%rdx)         /* strlen */
        je      4f
        inc     %rdx
        jmp     2b
4:      call    write_out
        lea     newline(%rip), %rsi
        mov     $1, %edx
        call    write_out
        inc     %r14
        jmp     1b
3:      lea     40(%r12), %rdi
        mov     $231, %eax              /* exit_group */
        syscall
        hlt                             /* not reached */

/* write(1, rsi, rdx) */
write_out:
        mov     $1, %eax
        mov     $1, %edi
        syscall
        ret

        .section .rodata
greeting:
        .ascii  "hello from a freestanding guest\n"
        .set    greeting_len, . - greeting
newline:
        .ascii  "\n"
        .section .note.GNU-stack, "", @progbits
