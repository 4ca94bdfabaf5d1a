/*
 * linux-user/safe-syscall.h — blocking host syscalls that a guest signal
 * interrupts reliably (see safe-syscall.S).
 *
 * safe_syscall(nr, ...) returns the raw result (-errno).  The safe_NAME()
 * wrappers behave like the libc functions of the same name (-1 and errno),
 * so that handlers switch to them by a plain rename.  All return EINTR
 * when a signal for the guest is pending, before or during the call; the
 * signal code then decides between EINTR and a restart (SA_RESTART).
 */
#ifndef LINUX_USER_SAFE_SYSCALL_H
#define LINUX_USER_SAFE_SYSCALL_H

#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/types.h>

long safe_syscall_base(volatile int *pending, long nr, ...);
/* This thread's "a guest signal is pending" flag (signal.c). */
volatile int *signal_pending_flag(void);

/* Like syscall(2), variadic: arguments not given are whatever the
 * registers hold, which the kernel ignores (the same holds for int
 * arguments' upper halves). */
#define safe_syscall(nr, ...) safe_syscall_base(signal_pending_flag(), (long)(nr), __VA_ARGS__)
#define safe_syscall0(nr) safe_syscall_base(signal_pending_flag(), (long)(nr))

/* libc-style: -1 and errno. */
static inline long safe_libc_ret(long r)
{
    if (r < 0 && r > -4096) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

#define safe_read(fd, buf, n)          safe_libc_ret(safe_syscall(SYS_read, fd, buf, n))
#define safe_write(fd, buf, n)         safe_libc_ret(safe_syscall(SYS_write, fd, buf, n))
#define safe_readv(fd, iov, n)         safe_libc_ret(safe_syscall(SYS_readv, fd, iov, n))
#define safe_writev(fd, iov, n)        safe_libc_ret(safe_syscall(SYS_writev, fd, iov, n))
#define safe_pread64(fd, b, n, o)      safe_libc_ret(safe_syscall(SYS_pread64, fd, b, n, o))
#define safe_pwrite64(fd, b, n, o)     safe_libc_ret(safe_syscall(SYS_pwrite64, fd, b, n, o))
#define safe_recvfrom(s, b, n, f, a, l) safe_libc_ret(safe_syscall(SYS_recvfrom, s, b, n, f, a, l))
#define safe_sendto(s, b, n, f, a, l)  safe_libc_ret(safe_syscall(SYS_sendto, s, b, n, f, a, l))
#define safe_recvmsg(s, m, f)          safe_libc_ret(safe_syscall(SYS_recvmsg, s, m, f))
#define safe_sendmsg(s, m, f)          safe_libc_ret(safe_syscall(SYS_sendmsg, s, m, f))
#define safe_accept4(s, a, l, f)       safe_libc_ret(safe_syscall(SYS_accept4, s, a, l, f))
#define safe_connect(s, a, l)          safe_libc_ret(safe_syscall(SYS_connect, s, a, l))
#define safe_wait4(p, st, o, ru)       safe_libc_ret(safe_syscall(SYS_wait4, p, st, o, ru))
#define safe_flock(fd, op)             safe_libc_ret(safe_syscall(SYS_flock, fd, op))
#define safe_poll(f, n, t)             safe_libc_ret(safe_syscall(SYS_poll, f, n, t))
#define safe_epoll_wait(e, ev, n, t)   safe_libc_ret(safe_syscall(SYS_epoll_wait, e, ev, n, t))

#endif
