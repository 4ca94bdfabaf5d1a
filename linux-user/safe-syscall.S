/*
 * linux-user/safe-syscall.S — a host syscall that a guest signal cannot
 * slip past.
 *
 * long safe_syscall_base(volatile int *pending, long nr, a1, a2, a3, a4, a5, a6)
 *
 * Checks *pending (set by emu's host signal handler when a signal for the
 * guest arrived) and only then executes `syscall`.  A signal arriving
 * between the check and the syscall instruction would otherwise be
 * noticed only after the (possibly endless) blocking call: the host
 * handler sees its interrupted pc inside [safe_syscall_start,
 * safe_syscall_end) and moves it to safe_syscall_eintr, so the call
 * returns -EINTR without blocking.  A signal during the syscall makes the
 * host kernel return -EINTR itself (emu's handler has no SA_RESTART).
 * Returns the raw result (-errno on error).
 *
 * emu_host_sigreturn: the sa_restorer of emu's own host handlers.
 */
    .text
    .globl  safe_syscall_base
    .globl  safe_syscall_start
    .globl  safe_syscall_end
    .globl  safe_syscall_eintr
    .globl  emu_host_sigreturn
    .type   safe_syscall_base, @function
safe_syscall_base:
    .cfi_startproc
    /* SysV: rdi=pending rsi=nr rdx=a1 rcx=a2 r8=a3 r9=a4 8(rsp)=a5 16(rsp)=a6
     * syscall: rax=nr rdi rsi rdx r10 r8 r9 */
    mov     %rdi, %r11
    mov     %rsi, %rax
    mov     %rdx, %rdi
    mov     %rcx, %rsi
    mov     %r8, %rdx
    mov     %r9, %r10
    mov     8(%rsp), %r8
    mov     16(%rsp), %r9
safe_syscall_start:
    cmpl    $0, (%r11)
    jne     safe_syscall_eintr
    syscall
safe_syscall_end:
    ret
safe_syscall_eintr:
    mov     $-4, %rax       /* -EINTR */
    ret
    .cfi_endproc
    .size   safe_syscall_base, .-safe_syscall_base

    .type   emu_host_sigreturn, @function
emu_host_sigreturn:
    mov     $15, %eax       /* rt_sigreturn */
    syscall
    hlt
    .size   emu_host_sigreturn, .-emu_host_sigreturn

    .section .note.GNU-stack, "", @progbits
