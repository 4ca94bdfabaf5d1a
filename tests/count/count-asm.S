/* count-asm: a freestanding guest (no libc) for `started`: every
 * instruction from the entry point to exit_group is the guest's own, so
 * the whole-run count (oracle --started, libinsncount started) is exact.
 * Loops, calls, REP string instructions with 0 and many iterations, a
 * START/STOP region in the middle, a write, then exit_group(0).
 * Hand count (checked by the test count-oracle-selfcheck):
 *   2 + 1000*2 (loop) + 6 (call sub1: call + 5) + 3 = 2011
 *   + 1 (REP x0) + 1 + 300 + 2 + 77 = 2392, + 5 to the START syscall = 2397
 *   region: 1 + 50 * (6 + 2) + 5 = 406                     -> 2803
 *   write: 5, exit_group: 3                                -> 2811 */
        .intel_syntax noprefix
        .text
        .globl _start
_start:
        lea     rbx, [rip + buf]
        mov     ecx, 1000
1:      add     rax, rcx                /* a loop: 1000 x 2 instructions */
        loop    1b
        call    sub1
        lea     rdi, [rip + buf]
        lea     rsi, [rip + buf + 512]
        xor     ecx, ecx
        rep     movsb                   /* zero iterations: counts once */
        mov     ecx, 300
        rep     movsb                   /* 300 */
        mov     al, 0x5a
        mov     ecx, 77
        rep     stosb

        /* region: read(0xcafebabe, buf, 8) ... read(0xcafebabf, buf, 8) */
        xor     eax, eax
        mov     rdi, 0xffffffffcafebabe
        mov     rsi, rbx
        mov     edx, 8
        syscall
        mov     ecx, 50
2:      call    sub1
        dec     ecx
        jnz     2b
        xor     eax, eax
        mov     rdi, 0x0afebabf
        mov     rsi, rbx
        mov     edx, 8
        syscall

        mov     eax, 1                  /* write(1, msg, len) */
        mov     edi, 1
        lea     rsi, [rip + msg]
        mov     edx, OFFSET msg_len
        syscall
        mov     eax, 231                /* exit_group(0) */
        xor     edi, edi
        syscall
        hlt

sub1:   push    rbp
        mov     rbp, rsp
        imul    rax, rax, 3
        pop     rbp
        ret

        .data
msg:    .ascii  "count-asm done\n"
        .set    msg_len, . - msg
        .bss
        .balign 64
buf:    .zero   1024
