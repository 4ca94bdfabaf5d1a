/* qsort-ints: qsort of N (default 1,000,000) pseudo-random ints. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    int *v = malloc(n * sizeof *v);
    uint32_t s = 12345;
    for (long i = 0; i < n; i++) { s = s * 1664525 + 1013904223; v[i] = (int)s; }
    qsort(v, n, sizeof *v, cmp);
    long bad = 0;
    for (long i = 1; i < n; i++) bad += v[i - 1] > v[i];
    printf("sorted %ld ints, %ld out of order, median %d\n", n, bad, v[n / 2]);
    return bad != 0;
}
