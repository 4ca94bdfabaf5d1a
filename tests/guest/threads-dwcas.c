/*
 * threads-dwcas.c — double-width compare-and-swap between threads:
 * 4 threads increment a 128-bit pair with LOCK CMPXCHG16B and a 64-bit
 * pair of 32-bit halves with LOCK CMPXCHG8B in CAS retry loops (as
 * lock-free queues and ABA-tagged pointers do).  Lost updates would show
 * as totals below the expected ones; torn halves as halves that differ.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define THREADS 4
#define ROUNDS 20000

static unsigned __int128 wide __attribute__((aligned(16)));
static uint64_t narrow __attribute__((aligned(8)));

static int cas16(unsigned __int128 *p, unsigned __int128 *expected, unsigned __int128 desired)
{
    uint64_t lo = (uint64_t)*expected, hi = (uint64_t)(*expected >> 64);
    unsigned char ok;
    __asm__ volatile("lock cmpxchg16b %1; sete %0"
                     : "=q"(ok), "+m"(*p), "+a"(lo), "+d"(hi)
                     : "b"((uint64_t)desired), "c"((uint64_t)(desired >> 64))
                     : "memory", "cc");
    *expected = ((unsigned __int128)hi << 64) | lo;
    return ok;
}

static int cas8(uint64_t *p, uint64_t *expected, uint64_t desired)
{
    uint32_t lo = (uint32_t)*expected, hi = (uint32_t)(*expected >> 32);
    unsigned char ok;
    __asm__ volatile("lock cmpxchg8b %1; sete %0"
                     : "=q"(ok), "+m"(*p), "+a"(lo), "+d"(hi)
                     : "b"((uint32_t)desired), "c"((uint32_t)(desired >> 32))
                     : "memory", "cc");
    *expected = ((uint64_t)hi << 32) | lo;
    return ok;
}

static void *worker(void *arg)
{
    for (int i = 0; i < ROUNDS; i++) {
        unsigned __int128 w = wide;
        /* both halves count: a torn update makes them differ */
        while (!cas16(&wide, &w, w + (((unsigned __int128)1 << 64) | 1))) {
        }
        uint64_t n = narrow;
        while (!cas8(&narrow, &n, n + ((1ULL << 32) | 1))) {
        }
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        pthread_create(&t[i], NULL, worker, NULL);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
    }
    printf("cmpxchg16b: low %llu high %llu (want %d)\n", (unsigned long long)(uint64_t)wide,
           (unsigned long long)(uint64_t)(wide >> 64), THREADS * ROUNDS);
    printf("cmpxchg8b: low %u high %u (want %d)\n", (unsigned)(uint32_t)narrow,
           (unsigned)(narrow >> 32), THREADS * ROUNDS);
    return 0;
}
