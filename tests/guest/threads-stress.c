/*
 * threads-stress: many threads (default 64) that start, communicate and
 * exit at the same time, for several rounds (argv[1] threads, argv[2]
 * rounds).  Each round: every thread takes a mutex-protected counter,
 * adds to an atomic, waits at a barrier, passes a token around a ring
 * with a condition variable, writes its thread-local value, and all exit
 * together; main joins them.  The output depends only on the arithmetic,
 * never on the scheduling, so it must equal the native run's.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>

static int nthreads = 64;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t barrier;
static long counter;
static atomic_long atom;
static int token;              /* index of the thread whose turn it is */
static long ring_sum;
static long results[1024];
static pid_t tids[1024];
static __thread long tl_value = 7;

static void *worker(void *arg)
{
    long id = (long)arg;
    tids[id] = (pid_t)syscall(SYS_gettid);
    for (int i = 0; i < 50; i++) {
        pthread_mutex_lock(&mu);
        counter += id + 1;
        pthread_mutex_unlock(&mu);
        atomic_fetch_add(&atom, 3);
    }
    tl_value += id;
    pthread_barrier_wait(&barrier);
    /* the token ring: thread i adds i*i when the token reaches it */
    pthread_mutex_lock(&mu);
    while (token != id) {
        pthread_cond_wait(&cv, &mu);
    }
    ring_sum = ring_sum * 3 + id * id;
    token++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    results[id] = tl_value * 10 + id;
    pthread_barrier_wait(&barrier);     /* all exit at the same time */
    return (void *)(tl_value + 1);
}

int main(int argc, char **argv)
{
    int rounds = 3;
    if (argc > 1) nthreads = atoi(argv[1]);
    if (argc > 2) rounds = atoi(argv[2]);
    if (nthreads < 1 || nthreads > 1024) return 2;
    pthread_t th[1024];
    for (int r = 0; r < rounds; r++) {
        counter = 0;
        atom = 0;
        token = 0;
        ring_sum = 0;
        pthread_barrier_init(&barrier, NULL, (unsigned)nthreads);
        for (long i = 0; i < nthreads; i++) {
            if (pthread_create(&th[i], NULL, worker, (void *)i) != 0) {
                printf("pthread_create failed\n");
                return 1;
            }
        }
        long rets = 0;
        for (int i = 0; i < nthreads; i++) {
            void *ret;
            pthread_join(th[i], &ret);
            rets += (long)ret;
        }
        pthread_barrier_destroy(&barrier);
        long check = 0;
        int distinct = 1;
        for (int i = 0; i < nthreads; i++) {
            check += results[i];
            for (int j = 0; j < i; j++) {
                if (tids[i] == tids[j] || tids[i] == getpid()) distinct = 0;
            }
        }
        printf("round %d: counter=%ld atom=%ld ring=%ld results=%ld rets=%ld tids-distinct=%d main-tl=%ld\n",
               r, counter, (long)atom, ring_sum, check, rets, distinct, tl_value);
    }
    return 0;
}
