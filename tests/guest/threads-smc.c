/*
 * threads-smc: cross-modifying code between threads.  A writer thread
 * rewrites a small function in an RWX buffer (mov $k, %eax; ret) for
 * k = 1..N and publishes k; a reader thread waits for each k, executes a
 * serializing instruction (cpuid, as the SDM asks of cross-modifying
 * code) and calls the function: it must return k, never a stale
 * translation.  Then the roles alternate between two buffers.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define N 300
static unsigned char *code[2];
static atomic_int published = 0;
static atomic_int consumed = 0;

static void emit(unsigned char *p, int k)
{
    p[0] = 0xb8;                         /* mov $k, %eax */
    memcpy(p + 1, &k, 4);
    p[5] = 0xc3;                         /* ret */
}

static void *writer(void *arg)
{
    for (int k = 1; k <= N; k++) {
        while (atomic_load(&consumed) != k - 1) {
            sched_yield();
        }
        emit(code[k & 1], k);
        atomic_store(&published, k);
    }
    return NULL;
}

int main(void)
{
    for (int i = 0; i < 2; i++) {
        code[i] = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        emit(code[i], 0);
    }
    pthread_t w;
    pthread_create(&w, NULL, writer, NULL);
    int bad = 0;
    long sum = 0;
    for (int k = 1; k <= N; k++) {
        while (atomic_load(&published) != k) {
            sched_yield();
        }
        unsigned a = 0, b, c = 0, d;
        __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
        int r = ((int (*)(void))code[k & 1])();
        if (r != k && bad++ < 5) {
            printf("stale code: expected %d, got %d\n", k, r);
        }
        sum += r;
        atomic_store(&consumed, k);
    }
    pthread_join(w, NULL);
    printf("%d rewrites, sum %ld, %d stale\n", N, sum, bad);
    return bad != 0;
}
