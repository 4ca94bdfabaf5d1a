/*
 * tests/guest/time-novdso.c — the time functions glibc serves from the
 * vDSO natively (clock_gettime, clock_getres, gettimeofday, time,
 * sched_getcpu/getcpu).  emu provides no vDSO (no AT_SYSINFO_EHDR), so
 * under emu glibc must fall back to real syscalls and give the same kind
 * of answers.  Prints only facts that hold in both worlds.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long ns(const struct timespec *t)
{
    return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

int main(void)
{
    static const struct { clockid_t id; const char *name; } clocks[] = {
        { CLOCK_REALTIME, "REALTIME" }, { CLOCK_MONOTONIC, "MONOTONIC" },
        { CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW" }, { CLOCK_BOOTTIME, "BOOTTIME" },
        { CLOCK_REALTIME_COARSE, "REALTIME_COARSE" },
        { CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE" },
        { CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME" },
        { CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME" },
    };
    for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
        struct timespec a, b, r;
        int ok = clock_gettime(clocks[i].id, &a) == 0;
        for (int k = 0; k < 1000; k++) {
            ok &= clock_gettime(clocks[i].id, &b) == 0;
        }
        int res = clock_getres(clocks[i].id, &r) == 0;
        printf("%-17s gettime %d, not backwards %d, nsec in range %d, getres %d (%s)\n",
               clocks[i].name, ok, ns(&b) >= ns(&a), b.tv_nsec >= 0 && b.tv_nsec < 1000000000,
               res, r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec <= 10000000 ? "<= 10ms" : "odd");
    }
    struct timespec rt;
    struct timeval tv;
    clock_gettime(CLOCK_REALTIME, &rt);
    int g = gettimeofday(&tv, NULL);
    time_t t1 = time(NULL), t2;
    time(&t2);
    printf("gettimeofday %d, usec in range %d, agrees with REALTIME %d\n", g,
           tv.tv_usec >= 0 && tv.tv_usec < 1000000, tv.tv_sec - rt.tv_sec <= 2 && tv.tv_sec >= rt.tv_sec);
    /* time() reads the coarse clock (updated at the tick): just after a
     * second boundary it can still give the second before REALTIME's */
    printf("time: agrees with REALTIME %d, both forms agree %d\n",
           t1 - rt.tv_sec <= 2 && t1 >= rt.tv_sec - 1, t2 - t1 <= 1 && t2 >= t1);
    int cpu = sched_getcpu();
    unsigned c = 9999, node = 9999;
    int r = getcpu(&c, &node);
    long n = sysconf(_SC_NPROCESSORS_CONF);
    printf("sched_getcpu in range %d, getcpu %d in range %d\n", cpu >= 0 && cpu < n, r,
           c < (unsigned)n && node < 64);
    return 0;
}
