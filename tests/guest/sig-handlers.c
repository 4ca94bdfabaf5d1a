/*
 * sig-handlers.c — guest signal handlers: SA_SIGINFO fields for raise,
 * kill, sigqueue and tgkill; the mask inside a handler; SA_NODEFER,
 * SA_RESETHAND; nested signals; blocked signals left pending and the
 * order in which several are delivered on unblock; queued real-time
 * signals; the ucontext/sigcontext layout Linux gives a handler.
 * Only deterministic values are printed (no addresses).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static char log_buf[4096];
static size_t log_len;

/* Handlers append here (async-signal-safe), main prints. */
static void note(const char *s)
{
    size_t n = strlen(s);
    if (log_len + n < sizeof(log_buf)) {
        memcpy(log_buf + log_len, s, n);
        log_len += n;
    }
}

static void flush_log(const char *what)
{
    printf("%s: %.*s\n", what, (int)log_len, log_buf);
    log_len = 0;
}

static void note_num(const char *pfx, long v)
{
    char b[64];
    snprintf(b, sizeof(b), "%s%ld ", pfx, v);
    note(b);
}

static void on(int sig, void (*fn)(int, siginfo_t *, void *), int flags, const sigset_t *mask)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    if (mask) {
        sa.sa_mask = *mask;
    } else {
        sigemptyset(&sa.sa_mask);
    }
    sigaction(sig, &sa, NULL);
}

static uint64_t cur_mask(void)
{
    uint64_t m = 0;
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &m, 8);
    return m;
}

static void h_info(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    note_num("sig=", sig);
    note_num("signo=", si->si_signo);
    note_num("code=", si->si_code);
    note_num("pid_ok=", si->si_pid == getpid());
    note_num("uid_ok=", si->si_uid == getuid());
    if (si->si_code == SI_QUEUE) {
        note_num("val=", si->si_value.sival_int);
    }
    note_num("mask=", (long)cur_mask());
    note_num("ucmask=", (long)uc->uc_sigmask.__val[0]);
}

static volatile int depth, maxdepth, calls;
static void h_nodefer(int sig, siginfo_t *si, void *ucv)
{
    depth++;
    calls++;
    if (depth > maxdepth) {
        maxdepth = depth;
    }
    if (calls < 3) {
        raise(sig);
    }
    depth--;
}

static void h_order(int sig, siginfo_t *si, void *ucv)
{
    note_num("", sig);
    if (sig == SIGUSR1) {
        /* a nested, different signal runs at once */
        raise(SIGUSR2);
        note("back-in-usr1 ");
    }
}

static void h_rt(int sig, siginfo_t *si, void *ucv)
{
    note_num("rt+", sig - SIGRTMIN);
    note_num("v", si->si_value.sival_int);
}

static void h_layout(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    mcontext_t *mc = &uc->uc_mcontext;
    note_num("uc_flags=", (long)uc->uc_flags);
    note_num("uc_link=", (long)(uintptr_t)uc->uc_link);
    note_num("ss_flags=", uc->uc_stack.ss_flags);
    note_num("ss_size=", (long)uc->uc_stack.ss_size);
    note_num("uc%16=", (long)((uintptr_t)uc % 16));
    note_num("info-uc=", (long)((char *)si - (char *)uc));
    note_num("fp%64=", (long)((uintptr_t)mc->fpregs % 64));
    note_num("fp>info=", (char *)mc->fpregs >= (char *)si + 128);
    note_num("csgsfs=", (long)mc->gregs[REG_CSGSFS]);
    note_num("trapno=", (long)mc->gregs[REG_TRAPNO]);
    note_num("err=", (long)mc->gregs[REG_ERR]);
    note_num("oldmask=", (long)mc->gregs[REG_OLDMASK]);
    note_num("rsp_ok=", (uintptr_t)mc->gregs[REG_RSP] > (uintptr_t)uc);
}

int main(void)
{
    sigset_t m;
    struct sigaction old;

    setvbuf(stdout, NULL, _IONBF, 0);

    /* siginfo of each way of sending */
    sigemptyset(&m);
    sigaddset(&m, SIGHUP);
    on(SIGUSR1, h_info, 0, &m);
    raise(SIGUSR1);
    flush_log("raise");
    kill(getpid(), SIGUSR1);
    flush_log("kill");
    union sigval v = { .sival_int = 42 };
    sigqueue(getpid(), SIGUSR1, v);
    flush_log("sigqueue");
    syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
    flush_log("tgkill");
    syscall(SYS_tkill, gettid(), SIGUSR1);
    flush_log("tkill");
    sigaction(SIGUSR1, NULL, &old);
    printf("oldact flags restorer=%d siginfo=%d\n", !!(old.sa_flags & 0x04000000),
           !!(old.sa_flags & SA_SIGINFO));

    /* SA_NODEFER: the handler is re-entered; without it, not. */
    on(SIGUSR2, h_nodefer, SA_NODEFER, NULL);
    depth = maxdepth = calls = 0;
    raise(SIGUSR2);
    printf("nodefer maxdepth=%d calls=%d\n", maxdepth, calls);
    on(SIGUSR2, h_nodefer, 0, NULL);
    depth = maxdepth = calls = 0;
    raise(SIGUSR2);
    printf("defer maxdepth=%d calls=%d\n", maxdepth, calls);

    /* SA_RESETHAND: back to SIG_DFL after one delivery */
    on(SIGHUP, h_info, SA_RESETHAND, NULL);
    raise(SIGHUP);
    log_len = 0;
    sigaction(SIGHUP, NULL, &old);
    printf("resethand now dfl=%d\n", old.sa_handler == SIG_DFL);

    /* nested different signal */
    on(SIGUSR1, h_order, 0, NULL);
    on(SIGUSR2, h_order, 0, NULL);
    raise(SIGUSR1);
    flush_log("nested");

    /* blocked -> pending -> delivered on unblock, in Linux's order */
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGUSR2);
    sigaddset(&m, SIGTERM);
    sigaddset(&m, SIGRTMIN + 2);
    on(SIGTERM, h_order, 0, NULL);
    on(SIGRTMIN + 2, h_order, 0, NULL);
    sigprocmask(SIG_BLOCK, &m, NULL);
    raise(SIGRTMIN + 2);
    raise(SIGTERM);
    raise(SIGUSR2);
    kill(getpid(), SIGUSR1);
    sigset_t p;
    sigpending(&p);
    printf("pending usr1=%d usr2=%d term=%d rt2=%d hup=%d\n", sigismember(&p, SIGUSR1),
           sigismember(&p, SIGUSR2), sigismember(&p, SIGTERM), sigismember(&p, SIGRTMIN + 2),
           sigismember(&p, SIGHUP));
    flush_log("while blocked");
    sigprocmask(SIG_UNBLOCK, &m, NULL);
    flush_log("unblocked");

    /* real-time signals queue, standard ones merge */
    on(SIGRTMIN + 1, h_rt, 0, NULL);
    sigemptyset(&m);
    sigaddset(&m, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &m, NULL);
    for (int i = 1; i <= 3; i++) {
        v.sival_int = i * 10;
        sigqueue(getpid(), SIGRTMIN + 1, v);
    }
    sigprocmask(SIG_UNBLOCK, &m, NULL);
    flush_log("rt queue");
    on(SIGUSR1, h_info, 0, NULL);
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, NULL);
    raise(SIGUSR1);
    raise(SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &m, NULL);
    printf("merged deliveries=%d\n", (int)(strstr(log_buf, "sig=") != NULL) +
           (int)(strstr(strstr(log_buf, "sig=") + 1, "sig=") != NULL));
    log_len = 0;

    /* the frame */
    on(SIGWINCH, h_layout, 0, NULL);
    raise(SIGWINCH);
    flush_log("layout");

    /* SIG_IGN discards, default-ignore too */
    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    signal(SIGUSR1, SIG_DFL);
    raise(SIGCHLD);
    raise(SIGURG);
    printf("ignored ok\n");

    /* the default action of SIGTERM ends the program */
    signal(SIGTERM, SIG_DFL);
    raise(SIGTERM);
    printf("not reached\n");
    return 0;
}
