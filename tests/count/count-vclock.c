/* count-vclock: the virtual clock (-icount).  Run as
 *     emu -icount shift=S[,sleep=off] count-vclock S
 * it checks what the clock promises and prints every value it read, so
 * that two runs can be compared byte for byte (tests/count/vclock-test.py):
 *  - RDTSC advances exactly 2^S per instruction retired in between;
 *  - CLOCK_REALTIME, gettimeofday and time agree and start at 2000-01-01;
 *  - CLOCK_MONOTONIC advances by at least a requested sleep;
 *  - the clocks never go backwards. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

uint64_t vclock_loop(uint64_t n);

static int bad;

static void check(int ok, const char *what)
{
    if (!ok) {
        printf("FAIL: %s\n", what);
        bad = 1;
    }
}

static uint64_t ns_of(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    unsigned shift = argc > 1 ? (unsigned)atoi(argv[1]) : 0;

    static const uint64_t ns[] = { 1, 2, 10, 1000, 100000 };
    for (unsigned i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
        uint64_t d = vclock_loop(ns[i]);
        printf("rdtsc loop %llu: %llu\n", (unsigned long long)ns[i], (unsigned long long)d);
        check(d == (3 + 2 * ns[i]) << shift, "rdtsc advances 2^shift per instruction");
    }

    struct timespec rt;
    struct timeval tv;
    clock_gettime(CLOCK_REALTIME, &rt);
    gettimeofday(&tv, NULL);
    time_t t = time(NULL);
    printf("realtime %lld.%09ld gettimeofday %lld.%06ld time %lld\n", (long long)rt.tv_sec,
           rt.tv_nsec, (long long)tv.tv_sec, (long)tv.tv_usec, (long long)t);
    check(rt.tv_sec >= 946684800 && rt.tv_sec < 946684800 + 86400, "realtime starts at 2000-01-01");
    check(tv.tv_sec == rt.tv_sec || tv.tv_sec == rt.tv_sec + 1, "gettimeofday agrees");
    check(t == tv.tv_sec || t == tv.tv_sec + 1, "time agrees");

    uint64_t m0 = ns_of(CLOCK_MONOTONIC);
    struct timespec req = { 2, 500000000 };
    nanosleep(&req, NULL);
    uint64_t m1 = ns_of(CLOCK_MONOTONIC);
    printf("monotonic %llu -> %llu\n", (unsigned long long)m0, (unsigned long long)m1);
    check(m1 - m0 >= 2500000000ull, "a sleep advances the clock by what was asked");

    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_sec += 1;
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
    uint64_t m2 = ns_of(CLOCK_MONOTONIC);
    printf("after absolute sleep %llu\n", (unsigned long long)m2);
    check(m2 >= (uint64_t)abs.tv_sec * 1000000000ull + (uint64_t)abs.tv_nsec,
          "an absolute sleep ends at its deadline");

    uint64_t prev = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t c = ns_of(CLOCK_MONOTONIC);
        check(c > prev, "monotonic never stands still across a syscall");
        prev = c;
    }
    uint64_t cpu = ns_of(CLOCK_PROCESS_CPUTIME_ID);
    printf("cputime %llu\n", (unsigned long long)cpu);
    printf("%s\n", bad ? "vclock: FAILED" : "vclock: ok");
    return bad;
}
