/* simd: loops gcc vectorises at -O3 (built with -O3 and the float
 * reassociation flags, baseline SSE2): saxpy and dot product over floats,
 * dot product and min/max over int32, a byte blend and sum of absolute
 * differences over uint8, int16 saturating-style clamp, and a byte
 * histogram (scalar).  N passes (default 2000) over 64 Ki-element arrays.
 * The same binary runs natively and emulated, so results are bit-exact. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define LEN 65536
static float fx[LEN], fy[LEN];
static int32_t ix[LEN], iy[LEN];
static uint8_t bx[LEN], by[LEN], bz[LEN];
static int16_t sx[LEN], sy[LEN];

__attribute__((noinline)) static void saxpy(float a, const float *x, float *y)
{
    for (int i = 0; i < LEN; i++) y[i] = a * x[i] + y[i];
}

__attribute__((noinline)) static float fdot(const float *x, const float *y)
{
    float s = 0;
    for (int i = 0; i < LEN; i++) s += x[i] * y[i];
    return s;
}

__attribute__((noinline)) static int64_t idot(const int32_t *x, const int32_t *y)
{
    int32_t s = 0;
    for (int i = 0; i < LEN; i++) s += x[i] * y[i];
    return s;
}

__attribute__((noinline)) static int32_t imax(const int32_t *x)
{
    int32_t m = x[0];
    for (int i = 0; i < LEN; i++) m = x[i] > m ? x[i] : m;
    return m;
}

__attribute__((noinline)) static void blend(const uint8_t *x, const uint8_t *y, uint8_t *z, unsigned a)
{
    for (int i = 0; i < LEN; i++) z[i] = (uint8_t)((x[i] * a + y[i] * (256 - a)) >> 8);
}

__attribute__((noinline)) static uint32_t sad(const uint8_t *x, const uint8_t *y)
{
    uint32_t s = 0;
    for (int i = 0; i < LEN; i++) s += (uint32_t)abs(x[i] - y[i]);
    return s;
}

__attribute__((noinline)) static void clamp16(int16_t *x, const int16_t *y)
{
    for (int i = 0; i < LEN; i++) {
        int v = x[i] + y[i];
        x[i] = (int16_t)(v > 2000 ? 2000 : v < -2000 ? -2000 : v);
    }
}

__attribute__((noinline)) static void histogram(const uint8_t *x, uint32_t *h)
{
    for (int i = 0; i < LEN; i++) h[x[i]]++;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 2000;
    uint32_t s = 1;
    for (int i = 0; i < LEN; i++) {
        s = s * 1103515245 + 12345;
        fx[i] = (float)(s >> 16) / 65536.0f;
        fy[i] = (float)((s >> 8) & 255) / 256.0f;
        ix[i] = (int32_t)(s >> 3) % 1000;
        iy[i] = (int32_t)(s >> 11) % 777 - 300;
        bx[i] = (uint8_t)(s >> 24); by[i] = (uint8_t)(s >> 13);
        sx[i] = (int16_t)((s >> 5) % 300); sy[i] = (int16_t)((s >> 17) % 301) - 150;
    }
    uint64_t sum = 0;
    double fsum = 0;
    uint32_t hist[256] = {0};
    for (long p = 0; p < n; p++) {
        saxpy(p & 1 ? -0.5f : 0.5f, fx, fy);
        fsum += fdot(fx, fy);
        sum = sum * 31 + (uint64_t)idot(ix, iy);
        ix[p % LEN] += (int32_t)(p * 7);
        sum = sum * 31 + (uint32_t)imax(ix);
        blend(bx, by, bz, (unsigned)(p & 255));
        sum = sum * 31 + sad(bz, bx);
        clamp16(sx, sy);
        histogram(bz, hist);
    }
    for (int i = 0; i < 256; i++) sum = sum * 31 + hist[i];
    for (int i = 0; i < LEN; i += 97) sum = sum * 31 + (uint16_t)sx[i];
    printf("simd %ld passes: fdot %.6e, checksum %016llx\n", n, fsum, (unsigned long long)sum);
    return 0;
}
