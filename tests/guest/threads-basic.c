/*
 * threads-basic: pthread_join/detach, TLS (initialised and zero), key
 * destructors and C++-style thread_local destructors
 * (__cxa_thread_atexit_impl), robust mutexes whose owner dies, PI mutexes
 * (FUTEX_LOCK_PI/UNLOCK_PI), condition-variable timeouts (futex timeouts),
 * gettid/getpid, pthread_exit values.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

extern int __cxa_thread_atexit_impl(void (*fn)(void *), void *obj, void *dso);
extern void *__dso_handle;

static __thread int tls_init = 42;
static __thread long tls_zero;
static __thread char tls_buf[64];
static pthread_key_t key;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static char log_lines[64][80];
static int n_log;
static sem_t detached_done;

static void logf_(const char *s)
{
    pthread_mutex_lock(&log_mu);
    snprintf(log_lines[n_log++], 80, "%s", s);
    pthread_mutex_unlock(&log_mu);
}

static void key_dtor(void *v)
{
    char buf[80];
    snprintf(buf, sizeof(buf), "key destructor %ld", (long)v);
    logf_(buf);
}

static void tl_dtor(void *obj)
{
    char buf[80];
    snprintf(buf, sizeof(buf), "thread_local destructor %d", *(int *)obj);
    logf_(buf);
}

static void *joinable(void *arg)
{
    long id = (long)arg;
    tls_init += (int)id;
    tls_zero += id * 2;
    snprintf(tls_buf, sizeof(tls_buf), "t%ld", id);
    pthread_setspecific(key, (void *)(100 + id));
    __cxa_thread_atexit_impl(tl_dtor, &tls_init, &__dso_handle);
    if (syscall(SYS_gettid) == getpid()) return (void *)-1;
    if (id == 2) pthread_exit((void *)(long)(tls_init * 1000 + tls_zero));
    return (void *)(long)(tls_init * 1000 + tls_zero + strlen(tls_buf));
}

static void *detached(void *arg)
{
    pthread_setspecific(key, (void *)200);
    sem_post(&detached_done);
    return NULL;
}

static pthread_mutex_t robust;
static void *robust_owner(void *arg)
{
    pthread_mutex_lock(&robust);
    return NULL;            /* dies holding it */
}

static pthread_mutex_t pi;
static long pi_counter;
static void *pi_worker(void *arg)
{
    for (int i = 0; i < 2000; i++) {
        pthread_mutex_lock(&pi);
        pi_counter++;
        pthread_mutex_unlock(&pi);
    }
    return NULL;
}

int main(void)
{
    pthread_key_create(&key, key_dtor);
    sem_init(&detached_done, 0, 0);

    pthread_t t[4];
    for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, joinable, (void *)i);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        printf("join %d -> %ld\n", i, (long)r);
    }
    printf("main tls %d %ld '%s'\n", tls_init, tls_zero, tls_buf);

    pthread_t d;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_create(&d, &attr, detached, NULL);
    sem_wait(&detached_done);
    usleep(100000);         /* let it finish (its destructor runs) */

    /* the destructors ran in each thread; print them sorted */
    qsort(log_lines, (size_t)n_log, 80, (int (*)(const void *, const void *))strcmp);
    for (int i = 0; i < n_log; i++) printf("%s\n", log_lines[i]);

    /* robust mutex: its owner exits -> EOWNERDEAD, then consistent */
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&robust, &ma);
    pthread_t ro;
    pthread_create(&ro, NULL, robust_owner, NULL);
    pthread_join(ro, NULL);
    int rc = pthread_mutex_lock(&robust);
    printf("robust lock after owner died: %s\n", rc == EOWNERDEAD ? "EOWNERDEAD" : strerror(rc));
    if (rc == EOWNERDEAD) pthread_mutex_consistent(&robust);
    pthread_mutex_unlock(&robust);
    printf("robust relock: %d\n", pthread_mutex_lock(&robust));
    pthread_mutex_unlock(&robust);

    /* PI mutex under contention */
    pthread_mutexattr_t pa;
    pthread_mutexattr_init(&pa);
    pthread_mutexattr_setprotocol(&pa, PTHREAD_PRIO_INHERIT);
    pthread_mutex_init(&pi, &pa);
    pthread_t pw[4];
    for (int i = 0; i < 4; i++) pthread_create(&pw[i], NULL, pi_worker, NULL);
    for (int i = 0; i < 4; i++) pthread_join(pw[i], NULL);
    printf("pi counter %ld, trylock %d\n", pi_counter, pthread_mutex_trylock(&pi));
    pthread_mutex_unlock(&pi);

    /* condition variable timeout: absolute CLOCK_REALTIME, and monotonic */
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 20000000;
    if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
    pthread_mutex_lock(&m);
    rc = pthread_cond_timedwait(&c, &m, &ts);
    printf("timedwait: %s\n", rc == ETIMEDOUT ? "ETIMEDOUT" : strerror(rc));
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += 20000000;
    if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
    rc = pthread_cond_clockwait(&c, &m, CLOCK_MONOTONIC, &ts);
    printf("clockwait: %s\n", rc == ETIMEDOUT ? "ETIMEDOUT" : strerror(rc));
    pthread_mutex_unlock(&m);

    /* futex errors: WAIT reads the word (EFAULT); a private WAKE does
     * not touch it (0); a shared WAKE looks the page up (EFAULT) */
    long r1 = syscall(SYS_futex, (void *)8, 0 /* WAIT */, 0, NULL, NULL, 0);
    int e1 = errno;
    long r2 = syscall(SYS_futex, (void *)8, 1 | 128, 1, NULL, NULL, 0);
    errno = 0;
    long r3 = syscall(SYS_futex, (void *)8, 1, 1, NULL, NULL, 0);
    int e3 = errno;
    printf("futex wait bad addr: %ld errno %d\n", r1, e1);
    printf("futex wake private bad addr: %ld\n", r2);
    printf("futex wake shared bad addr: %ld errno %d\n", r3, e3);
    return 0;
}
