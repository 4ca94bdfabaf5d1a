/* asm-string: string instructions (movs, stos, lods, cmps, scas) with and
 * without rep/repe/repne, forward and backward (DF), counts 0..100.  Records (register offsets relative to
 * the buffers, masked flags, buffer contents) go to stdout as binary and
 * are compared with the native run.  No libc; position independent. */

#define ARITH 0x8d5
#define NONE  0
#define UP    0x202             /* IF set, DF clear */
#define DOWN  0x602             /* DF set */

        .macro  S fin, mask, count, soff, doff, al, insn:vararg
        call    reset
        lea     src(%rip), %rsi
        add     $\soff, %rsi
        lea     dst(%rip), %rdi
        add     $\doff, %rdi
        mov     $\count, %rcx
        movabs  $\al, %rax
        pushq   $\fin
        popfq
        \insn
        pushfq
        popq    %r8
        cld
        andq    $\mask, %r8
        lea     src(%rip), %r9
        sub     %r9, %rsi
        lea     dst(%rip), %r9
        sub     %r9, %rdi
        mov     %rsi, 0(%r15)
        mov     %rdi, 8(%r15)
        mov     %rcx, 16(%r15)
        mov     %rax, 24(%r15)
        mov     %r8, 32(%r15)
        add     $40, %r15           /* + 256 bytes of dst: 296-byte records */
        call    dump
        .endm

        .text
        .globl _start
_start:
        lea     out(%rip), %r15
        /* src[i] = i * 7 + 3 */
        lea     src(%rip), %rdx
        xor     %ecx, %ecx
1:      imul    $7, %ecx, %eax
        add     $3, %eax
        mov     %al, (%rdx,%rcx)
        inc     %ecx
        cmp     $256, %ecx
        jne     1b

        .irp n, 0, 1, 7, 64, 100
        S UP,   NONE, \n, 0, 0, 0, rep movsb
        S UP,   NONE, \n, 3, 5, 0, rep movsb
        S DOWN, NONE, \n, 200, 180, 0, rep movsb
        S UP,   NONE, \n, 8, 16, 0, rep movsq
        S DOWN, NONE, \n/4, 120, 128, 0, rep movsq
        S UP,   NONE, \n, 2, 6, 0, rep movsl
        S DOWN, NONE, \n, 201, 203, 0, rep movsw
        S UP,   NONE, \n, 0, 1, 0xabcdef0123456789, rep stosb
        S DOWN, NONE, \n, 0, 130, 0xabcdef0123456789, rep stosb
        S UP,   NONE, \n/2, 0, 3, 0xabcdef0123456789, rep stosq
        S UP,   NONE, \n, 0, 4, 0xabcdef0123456789, rep stosw
        S UP,   NONE, \n, 10, 0, 0, rep lodsb
        S DOWN, NONE, \n/8, 90, 0, 0, rep lodsq
        S UP,   ARITH, \n, 0, 0, 0, repe cmpsb
        S UP,   ARITH, \n, 0, 1, 0, repne cmpsb
        S DOWN, ARITH, \n, 60, 60, 0, repe cmpsb
        S UP,   ARITH, \n, 0, 0, 0, repe cmpsq
        S UP,   ARITH, \n, 0, 0, 0x2a, repne scasb
        S UP,   ARITH, \n, 0, 0, 0x2a, repe scasb
        S DOWN, ARITH, \n, 0, 99, 0x5b, repne scasb
        S UP,   ARITH, \n, 0, 0, 0x2a, repne scasl
        .endr
        S UP,   NONE,  0, 5, 7, 0, movsb
        S DOWN, NONE,  0, 5, 7, 0, movsq
        S UP,   NONE,  0, 5, 7, 0x1234, stosw
        S DOWN, NONE,  0, 5, 7, 0x1234, lodsl
        S UP,   ARITH, 0, 5, 7, 0, cmpsw
        S UP,   ARITH, 0, 5, 7, 0x26, scasb

        /* write out[] and exit */
        lea     out(%rip), %rsi
        mov     %r15, %rdx
        sub     %rsi, %rdx
        mov     $1, %edi
3:      mov     $1, %eax
        syscall
        test    %rax, %rax
        jle     4f
        add     %rax, %rsi
        sub     %rax, %rdx
        jnz     3b
4:      mov     $231, %eax
        xor     %edi, %edi
        syscall

/* dst[i] = src[i], except dst[50] = ~src[50]; preserves all but r9-r11 */
reset:
        lea     src(%rip), %r9
        lea     dst(%rip), %r10
        xor     %r11d, %r11d
5:      movq    (%r9,%r11,8), %rax
        movq    %rax, (%r10,%r11,8)
        inc     %r11
        cmp     $32, %r11
        jne     5b
        notb    50(%r10)
        ret

/* append dst[0..256) to out */
dump:
        lea     dst(%rip), %r9
        xor     %r11d, %r11d
6:      movq    (%r9,%r11,8), %r10
        movq    %r10, (%r15,%r11,8)
        inc     %r11
        cmp     $32, %r11
        jne     6b
        add     $256, %r15
        ret

        .bss
        .align  64
src:    .space  256 + 64
dst:    .space  256 + 64
out:    .space  1 << 20
        .section .note.GNU-stack, "", @progbits
