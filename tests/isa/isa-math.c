/*
 * tests/isa/isa-math.c — floating-point and integer kernels the compiler
 * vectorizes (dot products, saxpy, polynomials, prefix sums, min/max,
 * int<->float conversions, rounding, sqrt, bit counts).  With
 * -march=x86-64-v3 GCC contracts a*b+c to FMA: emu's fused rounding must
 * match the host's bit for bit.  Results printed in hex (%a) so every bit
 * is compared.  No libm transcendentals (their ifunc variants differ).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#define N 1031

static float fa[N], fb[N], fc[N];
static double da[N], db[N], dc[N];
static int32_t ia[N], ib[N];
static uint64_t ua[N];

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static float dotf(const float *a, const float *b, int n)
{
    float s = 0;
    for (int i = 0; i < n; i++) {
        s += a[i] * b[i];
    }
    return s;
}

static double dotd(const double *a, const double *b, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) {
        s += a[i] * b[i];
    }
    return s;
}

static void saxpy(float *y, const float *x, float a, int n)
{
    for (int i = 0; i < n; i++) {
        y[i] = a * x[i] + y[i];
    }
}

static void poly(double *d, const double *x, int n)
{
    for (int i = 0; i < n; i++) {
        double v = x[i];
        d[i] = ((((0.5 * v - 1.25) * v + 3.0) * v - 0.125) * v + 7.0);
    }
}

static float hsumf(const float *a, int n)
{
    float s = 0;
    for (int i = 0; i < n; i++) {
        s += a[i];
    }
    return s;
}

int main(void)
{
    for (int i = 0; i < N; i++) {
        fa[i] = (float)((int64_t)(next() % 20001) - 10000) / 97.0f;
        fb[i] = (float)(next() % 1000) / 13.0f;
        da[i] = (double)((int64_t)(next() % 2000001) - 1000000) / 1013.0;
        db[i] = (double)(next() % 100000) / 7.0;
        ia[i] = (int32_t)next();
        ib[i] = (int32_t)(next() % 1000) - 500;
        ua[i] = next();
    }
    printf("dotf %a dotd %a\n", dotf(fa, fb, N), dotd(da, db, N));
    for (int i = 0; i < N; i++) {
        fc[i] = fb[i];
    }
    saxpy(fc, fa, 1.75f, N);
    printf("saxpy %a %a %a\n", fc[0], fc[N / 2], hsumf(fc, N));
    poly(dc, da, N);
    printf("poly %a %a %a\n", dc[1], dc[N - 1], dotd(dc, db, N));

    /* rounding (ROUNDSD/PS under SSE4.1), sqrt, min/max, conversions */
    double r = 0;
    float mn = 1e30f, mx = -1e30f;
    int64_t conv = 0;
    for (int i = 0; i < N; i++) {
        r += floor(da[i]) + ceil(da[i]) * 2 + trunc(da[i]) * 3 + nearbyint(da[i]) * 5 + rint(da[i] * 0.5);
        fc[i] = sqrtf(fb[i]) + floorf(fa[i]);
        dc[i] = sqrt(db[i]);
        mn = fa[i] < mn ? fa[i] : mn;
        mx = fa[i] > mx ? fa[i] : mx;
        conv += (int64_t)fa[i] + (int32_t)da[i] + lrint(db[i]);
    }
    printf("round %a sqrt %a %a min %a max %a conv %lld\n", r, hsumf(fc, N), dotd(dc, dc, N), mn, mx,
           (long long)conv);
    for (int i = 0; i < N; i++) {
        fc[i] = (float)ia[i] * 0.5f + (float)(uint32_t)ia[i];
        dc[i] = (double)ua[i] + (double)(int64_t)ua[i];
    }
    printf("i2f %a %a\n", hsumf(fc, N), dotd(dc, db, N));

    /* integer: multiply-accumulate, abs, shifts, popcount/clz/ctz */
    int64_t imac = 0;
    uint64_t bits = 0;
    int32_t iabs = 0;
    for (int i = 0; i < N; i++) {
        imac += (int64_t)ia[i] * ib[i];
        iabs += ia[i] < 0 ? -(ia[i] >> 1) : ia[i] >> 1;
        bits += (uint64_t)__builtin_popcountll(ua[i]) + (ua[i] ? __builtin_clzll(ua[i]) : 64) * 3 +
                (ua[i] ? __builtin_ctzll(ua[i]) : 64) * 7;
        bits ^= (ua[i] >> (i & 63)) | (ua[i] << ((i * 7) & 31));
    }
    printf("imac %lld iabs %d bits %016llx\n", (long long)imac, iabs, (unsigned long long)bits);
    int32_t prefix[N];
    prefix[0] = ib[0];
    for (int i = 1; i < N; i++) {
        prefix[i] = prefix[i - 1] + ib[i];
    }
    uint32_t m = 0;
    for (int i = 0; i < N; i++) {
        m += (uint32_t)(prefix[i] * 3) ^ (uint32_t)(ib[i] > 0 ? ib[i] : 0);
    }
    printf("prefix %d %u\n", prefix[N - 1], m);
    return 0;
}
