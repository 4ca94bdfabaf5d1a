/*
 * proc-fork: new processes and waiting for them — fork, vfork, clone and
 * clone3 without CLONE_VM (other exit signals, the tid words, pidfd),
 * clone3 with CLONE_VM|CLONE_VFORK (shared memory until the child exits),
 * exit statuses, children killed by signals, wait4/waitid/WNOHANG, fork
 * from a multi-threaded process.  Prints only what is the same natively
 * and under emu (no pids, only relations between them).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static void show_status(const char *what, int st)
{
    if (WIFEXITED(st)) {
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    } else if (WIFSIGNALED(st)) {
        printf("%s: killed by signal %d%s\n", what, WTERMSIG(st), WCOREDUMP(st) ? " (core)" : "");
    } else if (WIFSTOPPED(st)) {
        printf("%s: stopped by %d\n", what, WSTOPSIG(st));
    } else {
        printf("%s: status 0x%x\n", what, st);
    }
    fflush(stdout);     /* nothing buffered for the next child to repeat */
}

static void wait_show(const char *what, pid_t pid)
{
    int st;
    pid_t r = waitpid(pid, &st, 0);
    if (r != pid) {
        printf("%s: waitpid gave %d (%s)\n", what, (int)r, strerror(errno));
        return;
    }
    show_status(what, st);
}

static void exit_statuses(void)
{
    static const int codes[] = { 0, 1, 42, 255, 256 + 7 };
    for (unsigned i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        pid_t p = fork();
        if (p == 0) {
            _exit(codes[i]);
        }
        char what[32];
        snprintf(what, sizeof(what), "_exit(%d)", codes[i]);
        wait_show(what, p);
    }
    /* exit() flushes stdio in the child: the buffered text shows twice. */
    printf("buffered before fork ");
    pid_t p = fork();
    if (p == 0) {
        printf("(child)\n");
        exit(3);
    }
    wait_show("\nexit(3) with buffered output", p);
}

static volatile uintptr_t argc_zero;   /* a null pointer the compiler cannot see */

static void killed_children(void)
{
    /* Dies of its own signal, of a fault, of abort(), of the parent's kill. */
    static const char *const how[] = { "raise-term", "segv", "abort", "kill-9", "parent-kill" };
    for (unsigned i = 0; i < sizeof(how) / sizeof(how[0]); i++) {
        int pfd[2];
        if (pipe(pfd) < 0) {
            perror("pipe");
            exit(1);
        }
        pid_t p = fork();
        if (p == 0) {
            struct rlimit nocore = { 0, 0 };
            setrlimit(RLIMIT_CORE, &nocore);
            close(pfd[0]);
            switch (i) {
            case 0: raise(SIGTERM); break;
            case 1: *(volatile int *)(uintptr_t)argc_zero = 1; break;
            case 2: abort();
            case 3: kill(getpid(), SIGKILL); break;
            case 4:
                write(pfd[1], "r", 1);
                for (;;) {
                    pause();
                }
            }
            _exit(99);
        }
        close(pfd[1]);
        if (i == 4) {
            char c;
            if (read(pfd[0], &c, 1) == 1) {
                kill(p, SIGTERM);
            }
        }
        close(pfd[0]);
        wait_show(how[i], p);
    }
}

static void wait_variants(void)
{
    int st;
    /* WNOHANG before the child exits, then wait4 with rusage. */
    int pfd[2];
    pipe(pfd);
    pid_t p = fork();
    if (p == 0) {
        char c;
        close(pfd[1]);
        read(pfd[0], &c, 1);
        _exit(5);
    }
    close(pfd[0]);
    printf("WNOHANG while running: %d\n", (int)waitpid(p, &st, WNOHANG));
    close(pfd[1]);
    struct rusage ru;
    pid_t r = wait4(p, &st, 0, &ru);
    printf("wait4: right pid %d, ", r == p);
    show_status("status", st);

    /* waitid with WEXITED and WNOWAIT, then reaping. */
    p = fork();
    if (p == 0) {
        _exit(9);
    }
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    int w = waitid(P_PID, p, &si, WEXITED | WNOWAIT);
    printf("waitid WNOWAIT: %d signo %d code %d status %d right pid %d\n", w, si.si_signo,
           si.si_code, si.si_status, si.si_pid == p);
    memset(&si, 0, sizeof(si));
    w = waitid(P_ALL, 0, &si, WEXITED);
    printf("waitid P_ALL: %d code %d status %d right pid %d\n", w, si.si_code, si.si_status,
           si.si_pid == p);

    /* A killed child through waitid: CLD_KILLED. */
    p = fork();
    if (p == 0) {
        raise(SIGKILL);
        _exit(1);
    }
    memset(&si, 0, sizeof(si));
    waitid(P_PID, p, &si, WEXITED);
    printf("waitid killed: code %d status %d\n", si.si_code, si.si_status);

    /* No children left. */
    errno = 0;
    r = waitpid(-1, &st, 0);
    printf("no children: %d %s\n", (int)r, strerror(errno));
    errno = 0;
    r = waitpid(-1, &st, WNOHANG);
    printf("no children WNOHANG: %d %s\n", (int)r, strerror(errno));
    /* Bad status pointer: EFAULT (the child is then still a zombie). */
    p = fork();
    if (p == 0) {
        _exit(0);
    }
    r = (pid_t)syscall(SYS_wait4, p, (int *)8, 0, NULL);
    printf("wait4 bad pointer: %d %s\n", (int)r, r < 0 ? strerror(errno) : "");
    errno = 0;
    r = waitpid(p, &st, WNOHANG);
    printf("then (Linux reaped it anyway): %d %s\n", (int)r, strerror(errno));
}

static void ids(void)
{
    pid_t parent = getpid();
    int pfd[2];
    pipe(pfd);
    pid_t p = fork();
    if (p == 0) {
        int ok = getppid() == parent && getpid() != parent && syscall(SYS_gettid) == getpid();
        write(pfd[1], &ok, sizeof(ok));
        pid_t me = getpid();
        write(pfd[1], &me, sizeof(me));
        _exit(0);
    }
    int ok = 0;
    pid_t child = 0;
    read(pfd[0], &ok, sizeof(ok));
    read(pfd[0], &child, sizeof(child));
    printf("child ids consistent: %d, fork returned the child's pid: %d\n", ok, child == p);
    close(pfd[0]);
    close(pfd[1]);
    wait_show("ids child", p);
}

/* The raw clone system call: clone(flags, newsp, ptid, ctid, tls). */
static long raw_clone(unsigned long flags, void *ptid, void *ctid)
{
    return syscall(SYS_clone, flags, NULL, ptid, ctid, 0);
}

static void clones(void)
{
    /* glibc's fork flags, written by hand. */
    static volatile pid_t ctid_word = -1;
    pid_t ptid_word = -1;
    long p = raw_clone(CLONE_CHILD_SETTID | CLONE_PARENT_SETTID | SIGCHLD, &ptid_word,
                       (void *)&ctid_word);
    if (p == 0) {
        _exit(ctid_word == getpid() ? 11 : 12);
    }
    printf("clone PARENT_SETTID right: %d\n", ptid_word == p);
    wait_show("clone CHILD_SETTID (11 = right)", (pid_t)p);

    /* Exit signal 0: not a SIGCHLD child; waitpid needs __WALL. */
    p = raw_clone(0, NULL, NULL);
    if (p == 0) {
        _exit(21);
    }
    int st;
    errno = 0;
    pid_t r = waitpid((pid_t)p, &st, WNOHANG);
    printf("exit signal 0, plain waitpid: %d %s\n", (int)r, strerror(errno));
    r = waitpid((pid_t)p, &st, __WALL);
    printf("exit signal 0, __WALL: right pid %d, ", r == p);
    show_status("status", st);

    /* Exit signal SIGUSR1 (ignored here so that it does not kill us). */
    signal(SIGUSR1, SIG_IGN);
    p = raw_clone(SIGUSR1, NULL, NULL);
    if (p == 0) {
        _exit(22);
    }
    r = waitpid((pid_t)p, &st, __WCLONE);
    printf("exit signal SIGUSR1, __WCLONE: right pid %d, ", r == p);
    show_status("status", st);
    signal(SIGUSR1, SIG_DFL);

    /* clone3 of a process, with a pidfd. */
    int pidfd = -1;
    struct clone_args ca;
    memset(&ca, 0, sizeof(ca));
    ca.flags = CLONE_PIDFD;
    ca.pidfd = (uintptr_t)&pidfd;
    ca.exit_signal = SIGCHLD;
    p = syscall(SYS_clone3, &ca, sizeof(ca));
    if (p == 0) {
        _exit(31);
    }
    if (p < 0) {
        printf("clone3: %s\n", strerror(errno));
    } else {
        siginfo_t si;
        memset(&si, 0, sizeof(si));
        printf("clone3 pidfd valid: %d\n", pidfd >= 0);
        int w = waitid(P_PIDFD, pidfd, &si, WEXITED);
        printf("waitid P_PIDFD: %d right pid %d status %d\n", w, si.si_pid == p, si.si_status);
        close(pidfd);
    }
    /* Invalid: CLONE_SIGHAND without CLONE_VM, bad exit signal in clone3. */
    errno = 0;
    p = raw_clone(CLONE_SIGHAND | SIGCHLD, NULL, NULL);
    printf("CLONE_SIGHAND without VM: %ld %s\n", p, strerror(errno));
    memset(&ca, 0, sizeof(ca));
    ca.exit_signal = 200;
    errno = 0;
    p = syscall(SYS_clone3, &ca, sizeof(ca));
    printf("clone3 exit_signal 200: %ld %s\n", p, strerror(errno));
    memset(&ca, 0, sizeof(ca));
    ca.flags = SIGCHLD;
    errno = 0;
    p = syscall(SYS_clone3, &ca, sizeof(ca));
    printf("clone3 signal in flags: %ld %s\n", p, strerror(errno));
}

/* vfork and clone(CLONE_VM|CLONE_VFORK): the child writes the parent's
 * memory, and the parent runs on only once the child has exited. */
static volatile int shared_word;

static int vm_child(void *arg)
{
    shared_word = *(int *)arg;
    _exit(44);
}

static void on_usr(int sig)
{
}

/* The child of this clone3 runs on another stack: it cannot return into
 * C, so it is all assembly — rt_sigaction(sig, NULL, &old), store the old
 * handler in *word, exit(45). */
static long clone3_vfork_read_handler(void *stack, size_t size, int sig, volatile int *word)
{
    static struct clone_args ca;
    static uint64_t old[4];
    memset(&ca, 0, sizeof(ca));
    ca.flags = CLONE_VM | CLONE_VFORK | CLONE_CLEAR_SIGHAND;
    ca.exit_signal = SIGCHLD;
    ca.stack = (uintptr_t)stack;
    ca.stack_size = size;
    long ret;
    __asm__ volatile(
        "mov $435, %%eax\n\t"
        "syscall\n\t"
        "test %%rax, %%rax\n\t"
        "jnz 1f\n\t"
        "mov $13, %%eax\n\t"           /* rt_sigaction(sig, NULL, old, 8) */
        "mov %[sig], %%edi\n\t"
        "xor %%esi, %%esi\n\t"
        "mov %[old], %%rdx\n\t"
        "mov $8, %%r10d\n\t"
        "syscall\n\t"
        "mov (%[old]), %%rax\n\t"
        "mov %%eax, (%[word])\n\t"
        "mov $60, %%eax\n\t"           /* exit(45) */
        "mov $45, %%edi\n\t"
        "syscall\n"
        "1:"
        : "=a"(ret)
        : "D"(&ca), "S"(sizeof(ca)), [sig] "r"(sig), [old] "r"(old), [word] "r"(word)
        : "rcx", "r11", "rdx", "r10", "memory");
    return ret;
}

static void vforks(void)
{
    shared_word = 0;
    pid_t p = vfork();
    if (p == 0) {
        shared_word = 1234;
        _exit(7);
    }
    printf("vfork: parent sees the child's write: %d\n", shared_word);
    wait_show("vfork child", p);

    static char stack[64 * 1024] __attribute__((aligned(16)));
    int val = 5678;
    shared_word = 0;
    p = clone(vm_child, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, &val);
    printf("clone VM|VFORK: parent sees %d\n", shared_word);
    wait_show("clone VM|VFORK child", p);

    /* clone3 as glibc's posix_spawn calls it (CLONE_CLEAR_SIGHAND too):
     * the child reads a signal's disposition into shared_word. */
    signal(SIGUSR1, on_usr);
    signal(SIGUSR2, SIG_IGN);
    for (int sig = SIGUSR1; sig <= SIGUSR2; sig += SIGUSR2 - SIGUSR1) {
        shared_word = -1;
        long r = clone3_vfork_read_handler(stack, sizeof(stack), sig, &shared_word);
        printf("clone3 VM|VFORK|CLEAR_SIGHAND: child saw handler %d for %s\n", shared_word,
               sig == SIGUSR1 ? "a handled signal" : "an ignored signal");
        wait_show("clone3 child", (pid_t)r);
    }
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

/* fork while other threads run: the child has one thread. */
static volatile int spin_stop;

static void *spinner(void *arg)
{
    while (!spin_stop) {
        void *m = malloc(64);
        free(m);
    }
    return NULL;
}

static void fork_with_threads(void)
{
    pthread_t th[3];
    for (int i = 0; i < 3; i++) {
        pthread_create(&th[i], NULL, spinner, NULL);
    }
    for (int round = 0; round < 5; round++) {
        pid_t p = fork();
        if (p == 0) {
            /* malloc must work here (no lock held by a vanished thread). */
            char *s = malloc(100);
            snprintf(s, 100, "child of a threaded parent, round %d", round);
            puts(s);
            fflush(stdout);
            _exit(0);
        }
        wait_show("threaded fork child", p);
    }
    spin_stop = 1;
    for (int i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOFBF, 0);   /* a child's exit() must not repeat it */
    exit_statuses();
    fflush(stdout);
    killed_children();
    wait_variants();
    ids();
    fflush(stdout);
    clones();
    fflush(stdout);
    vforks();
    fflush(stdout);
    fork_with_threads();
    printf("done\n");
    return 0;
}
