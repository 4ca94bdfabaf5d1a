/* tests/count/vclock-loop.S — vclock_loop(n): runs RDTSC, two moves, n
 * iterations of dec/jnz (2n instructions) and RDTSC again; returns the
 * second TSC minus the first.  Under emu -icount shift=S that is exactly
 * (3 + 2n) << S: the instructions retired between the two reads. */
    .text
    .globl vclock_loop
    .type vclock_loop, @function
vclock_loop:
    rdtsc
    mov %eax, %r8d
    mov %edx, %r9d
1:  dec %rdi
    jnz 1b
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    shl $32, %r9
    or %r9, %r8
    sub %r8, %rax
    ret
    .size vclock_loop, .-vclock_loop
    .section .note.GNU-stack, "", @progbits
