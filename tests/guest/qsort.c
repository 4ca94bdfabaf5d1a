/* qsort: sort ints, strings and structs produced by a fixed PRNG; check
 * order and print checksums.  Also bsearch. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint32_t rng(void)   /* xorshift64*: deterministic everywhere */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct rec { int key; double weight; char name[12]; };
static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->weight != y->weight)
        return x->weight < y->weight ? -1 : 1;
    return strcmp(x->name, y->name);
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 6000;
    int *v = malloc(n * sizeof *v);
    for (int i = 0; i < n; i++)
        v[i] = (int)rng() - (i % 3 == 0 ? 0x40000000 : 0);
    qsort(v, n, sizeof *v, cmp_int);
    uint64_t h = 0xcbf29ce484222325ULL;
    int sorted = 1;
    for (int i = 0; i < n; i++) {
        h = mix(h, (uint32_t)v[i]);
        if (i && v[i - 1] > v[i])
            sorted = 0;
    }
    printf("ints: n=%d sorted=%d min=%d max=%d median=%d hash=%016llx\n",
           n, sorted, v[0], v[n - 1], v[n / 2], (unsigned long long)h);
    int found = 0;
    for (int i = 0; i < n; i += 97) {
        int key = v[i];
        int *p = bsearch(&key, v, n, sizeof *v, cmp_int);
        found += p && *p == key;
    }
    int missing = 0x7fffffff;
    printf("bsearch: found %d, missing %s\n", found,
           bsearch(&missing, v, n, sizeof *v, cmp_int) ? "found?" : "absent");

    int ns = n / 4;
    char **s = malloc(ns * sizeof *s);
    for (int i = 0; i < ns; i++) {
        int len = 1 + rng() % 15;
        s[i] = malloc(len + 1);
        for (int j = 0; j < len; j++)
            s[i][j] = 'a' + rng() % 6;
        s[i][len] = 0;
    }
    qsort(s, ns, sizeof *s, cmp_str);
    h = 0xcbf29ce484222325ULL;
    sorted = 1;
    for (int i = 0; i < ns; i++) {
        for (char *c = s[i]; *c; c++)
            h = mix(h, *c);
        if (i && strcmp(s[i - 1], s[i]) > 0)
            sorted = 0;
    }
    printf("strings: n=%d sorted=%d first=%s last=%s hash=%016llx\n",
           ns, sorted, s[0], s[ns - 1], (unsigned long long)h);

    int nr = n / 4;
    struct rec *r = malloc(nr * sizeof *r);
    for (int i = 0; i < nr; i++) {
        r[i].key = rng() % 50;
        r[i].weight = (rng() % 1000) / 8.0;
        snprintf(r[i].name, sizeof r[i].name, "r%u", rng() % 100000);
    }
    qsort(r, nr, sizeof *r, cmp_rec);
    h = 0xcbf29ce484222325ULL;
    sorted = 1;
    for (int i = 0; i < nr; i++) {
        h = mix(h, r[i].key);
        h = mix(h, (uint64_t)(r[i].weight * 8));
        if (i && cmp_rec(&r[i - 1], &r[i]) > 0)
            sorted = 0;
    }
    printf("structs: n=%d sorted=%d first=(%d,%g,%s) last=(%d,%g,%s) hash=%016llx\n",
           nr, sorted, r[0].key, r[0].weight, r[0].name, r[nr - 1].key,
           r[nr - 1].weight, r[nr - 1].name, (unsigned long long)h);
    /* already sorted, reversed and constant inputs */
    for (int i = 0; i < n; i++) v[i] = n - i;
    qsort(v, n, sizeof *v, cmp_int);
    int ok = 1;
    for (int i = 0; i < n; i++) ok &= v[i] == i + 1;
    for (int i = 0; i < n; i++) v[i] = 5;
    qsort(v, n, sizeof *v, cmp_int);
    printf("reversed ok=%d constant ok=%d\n", ok, v[0] == 5 && v[n - 1] == 5);
    return 0;
}
