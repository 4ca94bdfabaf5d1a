/*
 * sig-async.c — asynchronous signals: setitimer, alarm and timer_create
 * ending tight loops; another process's kill; blocking calls interrupted
 * (read on a pipe with and without SA_RESTART, nanosleep with the time
 * left, pause, sigsuspend, ppoll with a sigmask) and waiting for signals
 * (sigtimedwait, sigwaitinfo, signalfd); SIGSEGV sent by another process.  Timing is never printed, only
 * what must happen.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits, last_sig, last_code, last_val;
static int wfd = -1;

static void handler(int sig, siginfo_t *si, void *uc)
{
    hits++;
    last_sig = sig;
    last_code = si->si_code;
    last_val = si->si_value.sival_int;
    if (wfd >= 0) {
        if (write(wfd, "x", 1) != 1) {
            _exit(99);
        }
        wfd = -1;
    }
}

static void on(int sig, int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void itimer_ms(int ms)
{
    struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

static void block(int sig, int how)
{
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, sig);
    sigprocmask(how, &m, NULL);
}

static int blocked(int sig)
{
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    return sigismember(&m, sig);
}

int main(void)
{
    int p[2];
    char c;
    setvbuf(stdout, NULL, _IONBF, 0);
    on(SIGALRM, 0);

    /* tight loops ended by timers */
    hits = 0;
    itimer_ms(20);
    while (!hits) {
    }
    printf("setitimer: hits=%d sig=%d code=%d\n", (int)hits, (int)last_sig, (int)last_code);
    hits = 0;
    alarm(1);
    while (!hits) {
    }
    printf("alarm: hits=%d sig=%d code=%d\n", (int)hits, (int)last_sig, (int)last_code);

    on(SIGRTMIN + 3, 0);
    timer_t tid;
    struct sigevent sev;
    memset(&sev, 0, sizeof(sev));
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGRTMIN + 3;
    sev.sigev_value.sival_int = 77;
    int r = timer_create(CLOCK_MONOTONIC, &sev, &tid);
    struct itimerspec its = { { 0, 0 }, { 0, 10 * 1000 * 1000 } };
    hits = 0;
    timer_settime(tid, 0, &its, NULL);
    while (!hits) {
    }
    printf("timer_create: r=%d hits=%d sig=rt+%d code=%d val=%d\n", r, (int)hits,
           (int)last_sig - SIGRTMIN, (int)last_code, (int)last_val);
    timer_delete(tid);

    /* another process kills us while we spin */
    on(SIGUSR1, 0);
    hits = 0;
    pid_t ch = fork();
    if (ch == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    while (!hits) {
    }
    int st;
    waitpid(ch, &st, 0);
    printf("kill from child: hits=%d sig=%d code=%d\n", (int)hits, (int)last_sig, (int)last_code);
    /* a fault signal sent by another process is a signal like any other */
    on(SIGSEGV, 0);
    hits = 0;
    ch = fork();
    if (ch == 0) {
        kill(getppid(), SIGSEGV);
        _exit(0);
    }
    while (!hits) {
    }
    waitpid(ch, &st, 0);
    printf("SIGSEGV from child: hits=%d sig=%d\n", (int)hits, (int)last_sig);

    /* read on a pipe: EINTR without SA_RESTART */
    if (pipe(p) != 0) {
        return 1;
    }
    hits = 0;
    itimer_ms(20);
    ssize_t n = read(p[0], &c, 1);
    printf("read no-restart: n=%zd errno=%s hits=%d\n", n, n < 0 ? strerror(errno) : "-",
           (int)hits);
    /* with SA_RESTART the read goes on; the handler feeds the pipe */
    on(SIGALRM, SA_RESTART);
    hits = 0;
    wfd = p[1];
    itimer_ms(20);
    n = read(p[0], &c, 1);
    printf("read restart: n=%zd c=%c hits=%d\n", n, n == 1 ? c : '-', (int)hits);

    /* nanosleep: EINTR even with SA_RESTART, with the time left */
    hits = 0;
    itimer_ms(20);
    struct timespec req = { 5, 0 }, rem = { 0, 0 };
    r = nanosleep(&req, &rem);
    printf("nanosleep: r=%d errno=%s hits=%d rem_ok=%d\n", r, r ? strerror(errno) : "-",
           (int)hits, rem.tv_sec >= 3 && rem.tv_sec < 5);

    /* pause */
    hits = 0;
    itimer_ms(20);
    r = pause();
    printf("pause: r=%d errno=%s hits=%d\n", r, strerror(errno), (int)hits);

    /* sigsuspend: the temporary mask lets the blocked SIGALRM in; the old
     * mask is back afterwards */
    block(SIGALRM, SIG_BLOCK);
    hits = 0;
    itimer_ms(20);
    sigset_t none;
    sigemptyset(&none);
    r = sigsuspend(&none);
    printf("sigsuspend: r=%d errno=%s hits=%d still_blocked=%d\n", r, strerror(errno),
           (int)hits, blocked(SIGALRM));

    /* ppoll with a sigmask: the same */
    hits = 0;
    itimer_ms(20);
    struct pollfd pf = { p[0], POLLIN, 0 };
    struct timespec pto = { 5, 0 };
    r = ppoll(&pf, 1, &pto, &none);
    printf("ppoll: r=%d errno=%s hits=%d still_blocked=%d\n", r, r < 0 ? strerror(errno) : "-",
           (int)hits, blocked(SIGALRM));
    /* ppoll whose mask keeps it blocked: timeout, then still pending */
    hits = 0;
    itimer_ms(10);
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    pto.tv_sec = 0;
    pto.tv_nsec = 100 * 1000 * 1000;
    r = ppoll(&pf, 1, &pto, &alrm);
    sigset_t pend;
    sigpending(&pend);
    printf("ppoll blocked: r=%d hits=%d pending=%d\n", r, (int)hits, sigismember(&pend, SIGALRM));

    /* sigtimedwait takes the pending SIGALRM (from the timer: SI_KERNEL) */
    siginfo_t si;
    struct timespec to = { 1, 0 };
    r = sigtimedwait(&alrm, &si, &to);
    printf("sigtimedwait timer: r=%d code=%d hits=%d\n", r, si.si_code, (int)hits);
    to.tv_sec = 0;
    to.tv_nsec = 10 * 1000 * 1000;
    r = sigtimedwait(&alrm, &si, &to);
    printf("sigtimedwait none: r=%d errno=%s\n", r, strerror(errno));
    raise(SIGALRM);
    r = sigwaitinfo(&alrm, &si);
    printf("sigwaitinfo raise: r=%d code=%d pid_ok=%d hits=%d\n", r, si.si_code,
           si.si_pid == getpid(), (int)hits);

    /* signalfd */
    block(SIGUSR2, SIG_BLOCK);
    sigset_t u2;
    sigemptyset(&u2);
    sigaddset(&u2, SIGUSR2);
    int sfd = signalfd(-1, &u2, SFD_CLOEXEC);
    kill(getpid(), SIGUSR2);
    struct signalfd_siginfo ssi;
    n = read(sfd, &ssi, sizeof(ssi));
    printf("signalfd: n=%zd signo=%u code=%d pid_ok=%d\n", n, ssi.ssi_signo, ssi.ssi_code,
           ssi.ssi_pid == (uint32_t)getpid());
    sigpending(&pend);
    printf("after signalfd pending=%d\n", sigismember(&pend, SIGUSR2));
    close(sfd);

    /* a blocked signal from the outside waits for sigwaitinfo */
    ch = fork();
    if (ch == 0) {
        union sigval v = { .sival_int = 5 };
        sigqueue(getppid(), SIGUSR2, v);
        _exit(0);
    }
    r = sigwaitinfo(&u2, &si);
    waitpid(ch, &st, 0);
    printf("sigqueue from child: r=%d code=%d val=%d pid_ok=%d\n", r, si.si_code,
           si.si_value.sival_int, si.si_pid == ch);
    return 0;
}
