/*
 * strace-probe.c — makes a fixed set of system calls whose -strace lines
 * tests/strace/strace-test.py checks (symbolic flags, strings, argv
 * vectors, errors, pointer results).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

int main(void)
{
    syscall(SYS_openat, AT_FDCWD, "/nonexistent-dir/emu-strace",
            O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(p, 4096, PROT_NONE);
    syscall(SYS_mprotect, p, 4096, PROT_READ | 0x1000);
    struct timespec ts;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
    signal(SIGUSR1, SIG_IGN);
    syscall(SYS_kill, getpid(), SIGUSR1);
    char old[32];
    syscall(SYS_rt_sigaction, 40, NULL, old, 8);
    syscall(SYS_fcntl, 1, F_DUPFD_CLOEXEC, 10);
    syscall(SYS_lseek, 0, 0, SEEK_CUR);
    syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
    syscall(SYS_wait4, -1, NULL, WNOHANG, NULL);
    syscall(SYS_write, 1, "quote\" and \\ newline\n", 21);
    char *av[] = { "one", "two words", NULL };
    syscall(SYS_execve, "/nonexistent-dir/prog", av, av);
    return 0;
}
