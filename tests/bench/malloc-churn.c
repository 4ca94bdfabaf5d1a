/* malloc-churn: N (default 300,000) malloc/free/realloc operations on a
 * pool of 32768 slots: sizes mostly small, some medium, a few above the
 * mmap threshold; blocks are freed in pseudo-random (not LIFO) order.
 * Every block is filled and checked when it is freed, so the checksum
 * depends only on N. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 32768
static unsigned char *slot[SLOTS];
static size_t slot_size[SLOTS];
static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return rng;
}

static size_t pick_size(void)
{
    uint64_t r = next();
    switch (r % 64) {
    case 0: return 64 * 1024 + (r >> 8) % (256 * 1024);   /* large: often mmap'd */
    case 1: case 2: case 3: return 1024 + (r >> 8) % 8192;  /* medium */
    default: return 1 + (r >> 8) % 256;                     /* small */
    }
}

static void fill(unsigned char *p, size_t n, unsigned char v)
{
    /* head, tail and a few bytes in between: enough to catch overlap */
    for (size_t i = 0; i < n; i += 1 + n / 8) p[i] = (unsigned char)(v + i);
    p[n - 1] = v;
}

static uint64_t check(const unsigned char *p, size_t n, unsigned char v)
{
    uint64_t s = 0;
    for (size_t i = 0; i < n; i += 1 + n / 8) s += p[i] == (unsigned char)(v + i);
    return s + (p[n - 1] == v) * 1000;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 300000;
    uint64_t sum = 0;
    long mallocs = 0, frees = 0, reallocs = 0;
    for (long op = 0; op < n; op++) {
        uint64_t r = next();
        unsigned i = (unsigned)(r % SLOTS);
        unsigned char v = (unsigned char)i;
        if (!slot[i]) {
            size_t sz = pick_size();
            slot[i] = malloc(sz); slot_size[i] = sz;
            fill(slot[i], sz, v);
            mallocs++;
        } else if ((r >> 20) % 8 == 0) {
            /* grow or shrink: the kept prefix must survive */
            size_t sz = pick_size(), keep = sz < slot_size[i] ? sz : slot_size[i];
            unsigned char first = slot[i][0];
            slot[i] = realloc(slot[i], sz); slot_size[i] = sz;
            sum += slot[i][0] == first && keep > 0;
            fill(slot[i], sz, v);
            reallocs++;
        } else {
            sum = sum * 31 + check(slot[i], slot_size[i], v);
            free(slot[i]); slot[i] = NULL;
            frees++;
        }
    }
    for (unsigned i = 0; i < SLOTS; i++)
        if (slot[i]) { sum = sum * 31 + check(slot[i], slot_size[i], (unsigned char)i); free(slot[i]); }
    printf("malloc-churn %ld ops: %ld malloc, %ld free, %ld realloc, checksum %016llx\n",
           n, mallocs, frees, reallocs, (unsigned long long)sum);
    return 0;
}
