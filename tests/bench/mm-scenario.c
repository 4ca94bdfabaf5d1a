/* mm-scenario: the memory scenario of issue 2 (the reason emu exists).
 * ITERATIONS times: map 6 GiB PROT_NONE, mprotect the first 64 MiB
 * read/write, touch one byte per 64 KiB, unmap the 6 GiB.  With "pinned",
 * a small mapping is kept just above each freed range so that the range
 * cannot simply be reused at the same address.  Prints the number of lines
 * in /proc/self/maps before and after (the pins are unmapped first).
 * With "threads", 8 threads do it at once (ITERATIONS in all).
 * usage: mm-scenario [ITERATIONS] [plain|pinned|threads] */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define BIG (6UL << 30)
#define RW (64UL << 20)
#define STRIDE (64UL << 10)
#define NTHREADS 8

static int maps_lines(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    int n = 0, c;
    if (!f)
        return -1;
    while ((c = getc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

static long iters;
static int pinned;

/* One churn loop; returns the checksum (or -1 on failure). */
static void *churn(void *arg)
{
    long n = (long)(intptr_t)arg;
    void **pins = pinned ? calloc(n, sizeof *pins) : NULL;
    unsigned long sum = 0;
    for (long i = 0; i < n; i++) {
        char *p = mmap(NULL, BIG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) { perror("mmap 6 GiB"); exit(1); }
        if (mprotect(p, RW, PROT_READ | PROT_WRITE)) { perror("mprotect"); exit(1); }
        for (unsigned long off = 0; off < RW; off += STRIDE) {
            p[off] = (char)(i + off);
            sum += (unsigned char)p[off];
        }
        if (pinned) {
            pins[i] = mmap(p + BIG, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (pins[i] == MAP_FAILED) { perror("mmap pin"); exit(1); }
        }
        if (munmap(p, BIG)) { perror("munmap"); exit(1); }
    }
    if (pinned)
        for (long i = 0; i < n; i++)
            munmap(pins[i], 4096);
    free(pins);
    return (void *)(uintptr_t)sum;
}

int main(int argc, char **argv)
{
    iters = argc > 1 ? atol(argv[1]) : 10000;
    const char *mode = argc > 2 ? argv[2] : "plain";
    pinned = !strcmp(mode, "pinned");
    int threads = !strcmp(mode, "threads") ? NTHREADS : 1;
    pthread_t t[NTHREADS];
    /* Warm glibc's thread stack cache so that the counts compare. */
    for (int i = 0; threads > 1 && i < threads; i++)
        pthread_create(&t[i], NULL, churn, (void *)0);
    for (int i = 0; threads > 1 && i < threads; i++)
        pthread_join(t[i], NULL);
    int before = maps_lines();
    unsigned long sum = 0;
    if (threads == 1) {
        sum = (uintptr_t)churn((void *)(intptr_t)iters);
    } else {
        for (int i = 0; i < threads; i++)
            pthread_create(&t[i], NULL, churn, (void *)(intptr_t)(iters / threads));
        for (int i = 0; i < threads; i++) {
            void *r;
            pthread_join(t[i], &r);
            sum += (uintptr_t)r;
        }
    }
    int after = maps_lines();
    printf("%ld iterations (%s): checksum %lu, maps lines before %d after %d: %s\n",
           iters, mode, sum, before, after,
           after == before ? "back to baseline" : "NOT back to baseline");
    return after != before;
}
