/* malloc-churn: malloc/calloc/realloc/free of small and mmap-threshold-sized
 * blocks, memalign/posix_memalign/aligned_alloc; every block is filled with a
 * pattern derived from its id and verified before it is freed. */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

#define SLOTS 256
struct slot { unsigned char *p; size_t n; unsigned id; };
static struct slot slots[SLOTS];
static unsigned long bad, checked;
static uint64_t sum;

/* Bytes that carry the pattern: all of the first and last 32, and every
 * 509th in between (checking every byte of the big blocks would cost the
 * interpreter too much). */
static size_t next_pos(size_t i, size_t n)
{
    if (i + 1 < 32 || i + 1 + 32 >= n)
        return i + 1;
    size_t j = i + 509;
    return j + 32 < n ? j : n - 32;
}

static void fill(struct slot *s)
{
    for (size_t i = 0; i < s->n; i = next_pos(i, s->n))
        s->p[i] = (unsigned char)(s->id * 31 + i * 7);
}
static void verify(struct slot *s, size_t upto)
{
    /* after a shrinking realloc only the first upto bytes are kept */
    for (size_t i = 0; i < upto; i = next_pos(i, s->n)) {
        unsigned char want = (unsigned char)(s->id * 31 + i * 7);
        if (s->p[i] != want)
            bad++;
        sum += s->p[i] * (i + 1);
    }
    checked++;
}

static size_t pick_size(void)
{
    uint64_t r = rng() % 100;
    if (r < 60) return rng() % 256;              /* tcache/fastbin sizes */
    if (r < 90) return 256 + rng() % 8192;       /* small bins */
    if (r < 97) return 65536 + rng() % 200000;   /* large bins */
    return 200000 + rng() % (1u << 20);          /* above the mmap threshold */
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 2000;
    unsigned id = 1;
    for (int r = 0; r < rounds; r++) {
        struct slot *s = &slots[rng() % SLOTS];
        int op = rng() % 4;
        if (s->p && op == 0) {               /* realloc, keep the prefix */
            size_t nn = pick_size();
            unsigned char *q = realloc(s->p, nn ? nn : 1);
            if (!q) { printf("realloc failed\n"); return 1; }
            s->p = q;
            verify(s, s->n < nn ? s->n : nn);
            s->n = nn;
            fill(s);
        } else if (s->p) {
            verify(s, s->n);
            free(s->p);
            s->p = NULL;
        } else {
            s->n = pick_size();
            s->id = id++;
            if (op == 1) {
                s->p = calloc(1, s->n ? s->n : 1);
                for (size_t i = 0; i < s->n; i = next_pos(i, s->n))
                    if (s->p[i]) { bad++; break; }
            } else {
                s->p = malloc(s->n ? s->n : 1);
            }
            if (!s->p) { printf("alloc failed\n"); return 1; }
            fill(s);
        }
    }
    for (int i = 0; i < SLOTS; i++)
        if (slots[i].p) { verify(&slots[i], slots[i].n); free(slots[i].p); }

    /* aligned allocation */
    int misaligned = 0;
    for (size_t al = 8; al <= 65536; al *= 2) {
        void *a = memalign(al, 100 + al);
        void *b = NULL;
        int e = posix_memalign(&b, al, 3 * al);
        void *c = aligned_alloc(al, al * 2);
        misaligned += ((uintptr_t)a % al) + ((uintptr_t)b % al) + ((uintptr_t)c % al) != 0;
        memset(a, 1, 100 + al); memset(b, 2, 3 * al); memset(c, 3, 2 * al);
        if (e) printf("posix_memalign(%zu) = %d\n", al, e);
        free(a); free(b); free(c);
    }
    int e = posix_memalign(&(void *){0}, 3, 16);
    printf("posix_memalign(align 3) = %s\n", e ? "EINVAL-ish error" : "ok?");

    /* a big calloc (mmap'd, must read as zero) and a huge failing malloc */
    size_t big = 64u << 20;
    unsigned char *z = calloc(big, 1);
    unsigned long nz = 0;
    for (size_t i = 0; i < big; i += 4093) nz += z[i] != 0;
    free(z);
    void *huge = malloc((size_t)1 << 62);
    printf("calloc 64MiB nonzero=%lu, malloc(2^62)=%s\n", nz, huge ? "non-NULL" : "NULL");
    free(huge);
    printf("rounds=%d ids=%u checked=%lu bad=%lu misaligned=%d sum=%016llx\n",
           rounds, id - 1, checked, bad, misaligned, (unsigned long long)sum);
    return bad != 0 || misaligned != 0;
}
