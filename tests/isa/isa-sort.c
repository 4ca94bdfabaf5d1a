/*
 * tests/isa/isa-sort.c — sorting and searching: qsort, an insertion/merge
 * sort, a branch-free sorting network (min/max vectorized: PMINSD,
 * PMAXUB, VPMINSQ-free forms), counting sort with histograms, bsearch and
 * a vectorizable linear search; 8/16/32/64-bit and float keys.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 4099

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_f(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static void merge_sort(int64_t *a, int64_t *tmp, size_t n)
{
    if (n < 16) {
        for (size_t i = 1; i < n; i++) {
            int64_t v = a[i];
            size_t j = i;
            while (j > 0 && a[j - 1] > v) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
        return;
    }
    size_t h = n / 2;
    merge_sort(a, tmp, h);
    merge_sort(a + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    }
    while (i < h) {
        tmp[k++] = a[i++];
    }
    while (j < n) {
        tmp[k++] = a[j++];
    }
    memcpy(a, tmp, n * sizeof(*a));
}

/* Odd-even transposition over columns: each step is elementwise min/max. */
static void network_cols(int16_t (*m)[64], int rows)
{
    for (int pass = 0; pass < rows; pass++) {
        for (int r = pass & 1; r + 1 < rows; r += 2) {
            for (int c = 0; c < 64; c++) {
                int16_t a = m[r][c], b = m[r + 1][c];
                m[r][c] = a < b ? a : b;
                m[r + 1][c] = a < b ? b : a;
            }
        }
    }
}

static void minmax_u8(uint8_t *lo, uint8_t *hi, const uint8_t *a, const uint8_t *b, int n)
{
    for (int i = 0; i < n; i++) {
        lo[i] = a[i] < b[i] ? a[i] : b[i];
        hi[i] = a[i] > b[i] ? a[i] : b[i];
    }
}

static uint64_t hash64(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ b[i]) * 1099511628211ull;
    }
    return h;
}

int main(void)
{
    static int32_t a[N];
    static float f[N];
    static int64_t l[N], tmp[N];
    static int16_t m[32][64];
    static uint8_t u[N], v[N], lo[N], hi[N];

    for (int i = 0; i < N; i++) {
        a[i] = (int32_t)next();
        f[i] = (float)(int32_t)next() / 65536.0f;
        l[i] = (int64_t)next() >> (i & 31);
        u[i] = (uint8_t)next();
        v[i] = (uint8_t)next();
    }
    for (int r = 0; r < 32; r++) {
        for (int c = 0; c < 64; c++) {
            m[r][c] = (int16_t)next();
        }
    }
    qsort(a, N, sizeof(a[0]), cmp_i32);
    qsort(f, N, sizeof(f[0]), cmp_f);
    merge_sort(l, tmp, N);
    network_cols(m, 32);
    minmax_u8(lo, hi, u, v, N);

    int sorted = 1;
    for (int i = 1; i < N; i++) {
        sorted &= a[i - 1] <= a[i] && f[i - 1] <= f[i] && l[i - 1] <= l[i];
    }
    for (int r = 1; r < 32; r++) {
        for (int c = 0; c < 64; c++) {
            sorted &= m[r - 1][c] <= m[r][c];
        }
    }
    printf("sorted %d\n", sorted);
    printf("hash i32 %016llx f %016llx i64 %016llx net %016llx\n",
           (unsigned long long)hash64(a, sizeof(a)), (unsigned long long)hash64(f, sizeof(f)),
           (unsigned long long)hash64(l, sizeof(l)), (unsigned long long)hash64(m, sizeof(m)));
    printf("minmax %016llx %016llx\n", (unsigned long long)hash64(lo, N), (unsigned long long)hash64(hi, N));

    /* counting sort of bytes */
    uint32_t hist[256] = { 0 };
    for (int i = 0; i < N; i++) {
        hist[u[i]]++;
    }
    int k = 0;
    for (int b = 0; b < 256; b++) {
        for (uint32_t c = 0; c < hist[b]; c++) {
            v[k++] = (uint8_t)b;
        }
    }
    printf("counting %016llx\n", (unsigned long long)hash64(v, N));

    /* searches */
    long found = 0, lin = 0;
    for (int i = 0; i < 2000; i++) {
        int32_t key = (i & 1) ? a[(i * 37) % N] : (int32_t)next();
        found += bsearch(&key, a, N, sizeof(a[0]), cmp_i32) != NULL;
        int cnt = 0;
        for (int j = 0; j < N; j++) {
            cnt += a[j] < key;
        }
        lin += cnt;
    }
    printf("found %ld rank-sum %ld\n", found, lin);
    return 0;
}
