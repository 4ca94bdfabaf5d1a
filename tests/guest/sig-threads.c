/*
 * sig-threads.c — signals and threads: pthread_kill runs the handler in
 * the target thread; a process-directed signal goes to the one thread
 * that does not block it; a thread waits in sigwaitinfo for a signal all
 * threads block; a blocking read in a thread is interrupted (EINTR) by a
 * signal directed to it; masks are inherited and the altstack is not;
 * pthread_cancel of a thread blocked in read (glibc's SIGCANCEL and
 * unwinding through the signal frame).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile pid_t handler_tid;
static volatile int hits;
static pid_t worker_tid;
static pthread_barrier_t bar;
static int pfd[2];

static void handler(int sig)
{
    handler_tid = gettid();
    hits++;
}

static void *worker(void *arg)
{
    int mode = (int)(long)arg;
    worker_tid = gettid();
    sigset_t m;
    if (mode == 0) {
        /* inherited mask: SIGUSR2 blocked as in main; unblock it here */
        sigprocmask(SIG_BLOCK, NULL, &m);
        printf("worker: inherited usr2 blocked=%d\n", sigismember(&m, SIGUSR2));
        stack_t ss;
        sigaltstack(NULL, &ss);
        printf("worker: altstack flags=%#x size=%zu\n", (unsigned)ss.ss_flags, ss.ss_size);
        sigemptyset(&m);
        sigaddset(&m, SIGUSR2);
        pthread_sigmask(SIG_UNBLOCK, &m, NULL);
        pthread_barrier_wait(&bar);
        while (hits < 1) {
        }
        pthread_barrier_wait(&bar);
        return NULL;
    }
    if (mode == 1) {
        /* wait for SIGTERM, blocked everywhere */
        siginfo_t si;
        sigemptyset(&m);
        sigaddset(&m, SIGTERM);
        pthread_barrier_wait(&bar);
        int r = sigwaitinfo(&m, &si);
        printf("worker: sigwaitinfo=%d code=%d\n", r, si.si_code);
        return NULL;
    }
    if (mode == 2) {
        char c;
        pthread_barrier_wait(&bar);
        ssize_t n = read(pfd[0], &c, 1);
        printf("worker: read=%zd errno=%s in_me=%d\n", n, n < 0 ? strerror(errno) : "-",
               handler_tid == gettid());
        return NULL;
    }
    /* mode 3: cancelled while blocked in read */
    char c;
    pthread_barrier_wait(&bar);
    for (;;) {
        if (read(pfd[0], &c, 1) < 0 && errno != EINTR) {
            break;
        }
    }
    return NULL;
}

int main(void)
{
    pthread_t t;
    sigset_t m;
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGUSR1, handler);
    signal(SIGUSR2, handler);
    pthread_barrier_init(&bar, NULL, 2);
    char alt[65536];
    stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 0 };
    sigaltstack(&ss, NULL);

    /* process-directed SIGUSR2: only the worker can take it */
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    sigprocmask(SIG_BLOCK, &m, NULL);
    pthread_create(&t, NULL, worker, (void *)0);
    pthread_barrier_wait(&bar);
    kill(getpid(), SIGUSR2);
    pthread_barrier_wait(&bar);
    printf("kill: handled by worker=%d hits=%d\n", handler_tid == worker_tid, hits);
    pthread_join(t, NULL);

    /* pthread_kill: the handler runs in the target */
    hits = 0;
    pthread_create(&t, NULL, worker, (void *)0);
    pthread_barrier_wait(&bar);
    pthread_kill(t, SIGUSR1);
    pthread_barrier_wait(&bar);
    printf("pthread_kill: handled by worker=%d hits=%d\n", handler_tid == worker_tid, hits);
    pthread_join(t, NULL);

    /* sigwaitinfo in a thread */
    sigemptyset(&m);
    sigaddset(&m, SIGTERM);
    sigprocmask(SIG_BLOCK, &m, NULL);
    pthread_create(&t, NULL, worker, (void *)1);
    pthread_barrier_wait(&bar);
    usleep(20000);
    kill(getpid(), SIGTERM);
    pthread_join(t, NULL);

    /* a read in a thread interrupted by a signal to that thread */
    if (pipe(pfd) != 0) {
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigaction(SIGUSR1, &sa, NULL);     /* no SA_RESTART */
    handler_tid = 0;
    pthread_create(&t, NULL, worker, (void *)2);
    pthread_barrier_wait(&bar);
    usleep(50000);
    pthread_kill(t, SIGUSR1);
    pthread_join(t, NULL);

    /* cancellation of a thread blocked in read */
    pthread_create(&t, NULL, worker, (void *)3);
    pthread_barrier_wait(&bar);
    usleep(50000);
    pthread_cancel(t);
    void *ret;
    pthread_join(t, &ret);
    printf("cancel: canceled=%d\n", ret == PTHREAD_CANCELED);
    return 0;
}
