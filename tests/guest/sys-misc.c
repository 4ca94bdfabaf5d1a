/* sys-misc: the everyday syscalls of static glibc programs, printing only
 * what is the same on every run: pipes, dup/dup2/dup3, fcntl, ioctl on
 * non-terminals, lseek on a pipe, uname, clocks (monotonic, not values),
 * nanosleep, getrandom, sysinfo, rlimits, access, readlink of
 * /proc/self/exe, ids, and errno of bad calls (EBADF, EFAULT, ENOENT). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define SHOW(expr) do {                                                        \
    errno = 0;                                                                 \
    long r_ = (long)(expr);                                                    \
    printf("%-48s = %ld%s%s\n", #expr, r_, errno ? " " : "",                   \
           errno ? strerrorname_np(errno) : "");                               \
} while (0)

int main(int argc, char **argv)
{
    int p[2];
    SHOW(pipe(p));
    SHOW(write(p[1], "hello pipe", 10));
    char buf[64] = {0};
    SHOW(read(p[0], buf, sizeof buf));
    printf("read back [%s]\n", buf);
    int avail = -1;
    write(p[1], "abc", 3);
    SHOW(ioctl(p[0], FIONREAD, &avail));
    printf("FIONREAD %d\n", avail);
    struct termios t;
    SHOW(ioctl(p[0], TCGETS, &t));
    SHOW(isatty(p[0]));
    SHOW(lseek(p[0], 0, SEEK_SET));
    SHOW(fcntl(p[0], F_GETFL) & O_ACCMODE);
    SHOW(fcntl(p[1], F_GETFD));
    SHOW(fcntl(p[1], F_SETFD, FD_CLOEXEC));
    SHOW(fcntl(p[1], F_GETFD));
    SHOW(fcntl(p[0], F_SETFL, O_NONBLOCK));
    SHOW(read(p[0], buf, 3));
    SHOW(read(p[0], buf, 3));                 /* empty, non-blocking: EAGAIN */
    SHOW(dup2(p[1], 50));
    SHOW(fcntl(50, F_GETFD));                 /* dup2 clears FD_CLOEXEC */
    SHOW(dup3(p[1], 51, O_CLOEXEC));
    SHOW(fcntl(51, F_GETFD));
    SHOW(dup3(51, 51, 0));
    SHOW(fcntl(p[0], F_DUPFD, 60));
    SHOW(write(50, "x", 1));
    SHOW(close(50));
    SHOW(close(50));
    SHOW(write(50, "x", 1));
    void *volatile bad_ptr = (void *)16;
    SHOW(read(p[0], bad_ptr, 1));             /* one byte pending: EFAULT */
    struct iovec iov[2] = {{buf, 2}, {buf + 10, 3}};
    SHOW(writev(p[1], iov, 2));
    SHOW(readv(p[0], iov, 2));
    SHOW(pipe2(p, O_CLOEXEC | O_NONBLOCK));
    SHOW(fcntl(p[0], F_GETFD));
    SHOW(fcntl(p[1], F_GETFL) & O_NONBLOCK);

    struct utsname u;
    SHOW(uname(&u));
    printf("uname: sysname=%s machine=%s\n", u.sysname, u.machine);

    struct timespec a, b, res;
    SHOW(clock_gettime(CLOCK_MONOTONIC, &a));
    SHOW(nanosleep(&(struct timespec){0, 2000000}, NULL));
    SHOW(clock_gettime(CLOCK_MONOTONIC, &b));
    long ns = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
    printf("monotonic advanced by >= 2ms: %d\n", ns >= 2000000);
    SHOW(clock_getres(CLOCK_MONOTONIC, &res));
    SHOW(clock_gettime(CLOCK_REALTIME, &a));
    struct timeval tv;
    SHOW(gettimeofday(&tv, NULL));
    time_t now = time(NULL);
    printf("realtime plausible (after 2020, clocks agree within 10 s): %d %d\n",
           a.tv_sec > 1577836800, labs((long)(now - a.tv_sec)) < 10 && labs((long)(tv.tv_sec - now)) < 10);
    SHOW(clock_gettime(12345, &a));
    struct tms tm;
    SHOW(times(&tm) > 0);

    unsigned char r1[16], r2[16];
    SHOW(getrandom(r1, sizeof r1, 0));
    SHOW(getrandom(r2, sizeof r2, GRND_NONBLOCK));
    printf("two getrandom calls differ: %d\n", memcmp(r1, r2, 16) != 0);

    struct sysinfo si;
    SHOW(sysinfo(&si));
    printf("sysinfo: mem_unit>0 %d totalram>0 %d\n", si.mem_unit > 0, si.totalram > 0);
    struct rlimit rl;
    SHOW(getrlimit(RLIMIT_STACK, &rl));
    SHOW(getrlimit(RLIMIT_NOFILE, &rl));
    printf("nofile soft <= hard: %d\n", rl.rlim_cur <= rl.rlim_max);
    SHOW(getrlimit(9999, &rl));

    SHOW(access("/", R_OK | X_OK));
    SHOW(access("/nonexistent/file", F_OK));
    char exe[PATH_MAX] = {0};
    SHOW(readlink("/proc/self/exe", exe, sizeof exe - 1) > 0);
    printf("/proc/self/exe == argv[0]: %d\n", !strcmp(exe, argv[0]));
    SHOW(getpid() == syscall(SYS_gettid));
    SHOW(getppid() > 0);
    SHOW(getuid() == geteuid());
    SHOW(getgid() == getegid());
    struct stat st;
    SHOW(fstat(1, &st));
    printf("stdout is a pipe: %d\n", S_ISFIFO(st.st_mode));
    SHOW(stat(argv[0], &st));
    printf("argv[0] is a regular executable file: %d\n", S_ISREG(st.st_mode) && (st.st_mode & 0111));
    SHOW(stat("", &st));
    SHOW(syscall(100000));                    /* unknown syscall: ENOSYS */
    SHOW(sched_yield());
    char cwd[PATH_MAX];
    SHOW(getcwd(cwd, sizeof cwd) != NULL);
    SHOW(getcwd(cwd, 1) != NULL);
    SHOW(chdir("/"));
    printf("cwd after chdir: %s\n", getcwd(cwd, sizeof cwd));
    return 0;
}
