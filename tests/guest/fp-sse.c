/*
 * tests/guest/fp-sse.c — SSE/SSE2 behaviour a C program can see: scalar
 * and packed arithmetic on edge values in every MXCSR rounding mode (with
 * FTZ/DAZ), the exception flags, conversions, compares, integer SIMD, and
 * the libc paths that use SSE2 (string functions at every alignment,
 * printf/strtod of doubles).  Prints hex; deterministic; must match the
 * native run byte for byte.
 */
#include <emmintrin.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t f32v[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7fc00000, 0x7f800001,
    0xffc54321, 0x7f800000, 0xff800000, 0x00000001, 0x807fffff, 0x7f7fffff,
    0x00800000, 0x3f000000, 0x40200000, 0x3dcccccd, 0x4b800001, 0x4f000000,
    0xcf000001, 0x5f000000, 0x3eaaaaab, 0xc2f6e979,
};
static const uint64_t f64v[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull,
    0xbff0000000000000ull, 0x7ff8000000000000ull, 0x7ff0000000000001ull,
    0xfff8000012345678ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
    0x0000000000000001ull, 0x800fffffffffffffull, 0x7fefffffffffffffull,
    0x0010000000000000ull, 0x3fe0000000000000ull, 0x4004000000000000ull,
    0x3fb999999999999aull, 0x4340000000000001ull, 0x41e0000000000000ull,
    0xc1e0000000200000ull, 0x43e0000000000000ull, 0x3fd5555555555555ull,
    0xc05edd2f1a9fbe77ull,
};
#define NF (sizeof(f32v) / sizeof(f32v[0]))
#define ND (sizeof(f64v) / sizeof(f64v[0]))

static unsigned hash;

static void mix(uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        hash = (hash ^ (uint8_t)(v >> (8 * i))) * 16777619u;
    }
}

static __m128 ps(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    return _mm_castsi128_ps(_mm_set_epi32((int)d, (int)c, (int)b, (int)a));
}

static __m128d pd(uint64_t a, uint64_t b)
{
    return _mm_castsi128_pd(_mm_set_epi64x((long long)b, (long long)a));
}

/* Keep the compiler from moving FP operations across MXCSR accesses:
 * values pass through empty volatile asm after ldmxcsr / before stmxcsr. */
static inline __m128 opq(__m128 v) { __asm__ volatile("" : "+x"(v)); return v; }
static inline __m128d opqd(__m128d v) { __asm__ volatile("" : "+x"(v)); return v; }
static inline double opqs(double v) { __asm__ volatile("" : "+x"(v)); return v; }
static inline uint64_t opqi(uint64_t v) { __asm__ volatile("" : "+r"(v)); return v; }

static void mixv(__m128i v)
{
    __asm__ volatile("" : "+x"(v));
    mix((uint64_t)_mm_cvtsi128_si64(v));
    mix((uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v)));
}

/* Packed/scalar float arithmetic over all pairs, in one MXCSR setting. */
static void float_ops(unsigned csr)
{
    for (unsigned i = 0; i < NF; i++) {
        for (unsigned j = 0; j < NF; j++) {
            __m128 a = ps(f32v[i], f32v[j], f32v[(i + 1) % NF], f32v[(j + 3) % NF]);
            __m128 b = ps(f32v[j], f32v[i], f32v[(i + j) % NF], f32v[(2 * j) % NF]);
            _mm_setcsr(csr);
            a = opq(a);
            b = opq(b);
            mixv(_mm_castps_si128(_mm_add_ps(a, b)));
            mixv(_mm_castps_si128(_mm_sub_ss(a, b)));
            mixv(_mm_castps_si128(_mm_mul_ps(a, b)));
            mixv(_mm_castps_si128(_mm_div_ps(a, b)));
            mixv(_mm_castps_si128(_mm_min_ps(a, b)));
            mixv(_mm_castps_si128(_mm_max_ss(a, b)));
            mixv(_mm_castps_si128(_mm_sqrt_ps(a)));
            mixv(_mm_castps_si128(_mm_cmplt_ps(a, b)));
            mixv(_mm_castps_si128(_mm_cmpunord_ps(a, b)));
            mixv(_mm_castps_si128(_mm_cmpnle_ss(a, b)));
            mix(opqi((uint64_t)_mm_comilt_ss(a, b) | (uint64_t)_mm_ucomieq_ss(a, b) << 1));
            mixv(_mm_cvtps_epi32(a));
            mixv(_mm_cvttps_epi32(b));
            mixv(_mm_castpd_si128(_mm_cvtps_pd(a)));
            mix(opqi((uint64_t)_mm_cvtss_si64(a)));
            mix(opqi((uint32_t)_mm_cvttss_si32(b)));
            mix(_mm_getcsr());
        }
    }
}

static void double_ops(unsigned csr)
{
    for (unsigned i = 0; i < ND; i++) {
        for (unsigned j = 0; j < ND; j++) {
            __m128d a = pd(f64v[i], f64v[(j + 5) % ND]);
            __m128d b = pd(f64v[j], f64v[(i + 7) % ND]);
            _mm_setcsr(csr);
            a = opqd(a);
            b = opqd(b);
            mixv(_mm_castpd_si128(_mm_add_pd(a, b)));
            mixv(_mm_castpd_si128(_mm_sub_sd(a, b)));
            mixv(_mm_castpd_si128(_mm_mul_pd(a, b)));
            mixv(_mm_castpd_si128(_mm_div_sd(a, b)));
            mixv(_mm_castpd_si128(_mm_min_sd(a, b)));
            mixv(_mm_castpd_si128(_mm_max_pd(a, b)));
            mixv(_mm_castpd_si128(_mm_sqrt_pd(b)));
            mixv(_mm_castpd_si128(_mm_cmple_pd(a, b)));
            mixv(_mm_castpd_si128(_mm_cmpord_sd(a, b)));
            mix(opqi((uint64_t)_mm_comige_sd(a, b) | (uint64_t)_mm_ucomineq_sd(a, b) << 1));
            mixv(_mm_cvtpd_epi32(a));
            mixv(_mm_cvttpd_epi32(b));
            mixv(_mm_castps_si128(_mm_cvtpd_ps(a)));
            mixv(_mm_castps_si128(_mm_cvtsd_ss(_mm_setzero_ps(), b)));
            mix(opqi((uint64_t)_mm_cvtsd_si64(a)));
            mix(opqi((uint64_t)_mm_cvttsd_si64(b)));
            mix(opqi((uint32_t)_mm_cvtsd_si32(b)));
            mixv(_mm_castpd_si128(_mm_cvtsi64_sd(a, (long long)f64v[j])));
            mixv(_mm_castps_si128(_mm_cvtsi32_ss(_mm_castpd_ps(a), (int)f64v[i])));
            mix(_mm_getcsr());
        }
    }
}

static void fp_section(void)
{
    static const unsigned csrs[] = {
        0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x9f80, 0x1fc0, 0x9fc0, 0xff80,
    };
    for (unsigned k = 0; k < sizeof(csrs) / sizeof(csrs[0]); k++) {
        hash = 2166136261u;
        float_ops(csrs[k]);
        printf("float  mxcsr %04x: %08x\n", csrs[k], hash);
        hash = 2166136261u;
        double_ops(csrs[k]);
        printf("double mxcsr %04x: %08x\n", csrs[k], hash);
    }
    _mm_setcsr(0x1f80);
    /* a few individual results, readable */
    __m128 r = _mm_rcp_ps(ps(0x3f800000, 0x40400000, 0x3dcccccd, 0x7f7fffff));
    __m128 q = _mm_rsqrt_ps(ps(0x40000000, 0x3f000000, 0x00800000, 0x4b800001));
    uint32_t rv[4], qv[4];
    memcpy(rv, &r, 16);
    memcpy(qv, &q, 16);
    printf("rcpps   %08x %08x %08x %08x\n", rv[0], rv[1], rv[2], rv[3]);
    printf("rsqrtps %08x %08x %08x %08x\n", qv[0], qv[1], qv[2], qv[3]);
    _mm_setcsr(0x1f80);
    volatile double z = 0.0, one = 1.0;
    double d = opqs(opqs(one) / opqs(z));
    printf("1/0 = %a flags %04x\n", d, _mm_getcsr());
    _mm_setcsr(0x1f80);
    d = opqs(opqs(z) / opqs(z));
    printf("0/0 = %a flags %04x\n", d, _mm_getcsr());
    _mm_setcsr(0x1f80);
    d = opqs(opqs(one) / opqs(3.0));
    printf("1/3 = %a flags %04x\n", d, _mm_getcsr());
    _mm_setcsr(0x1f80);
    d = opqs(opqs(DBL_MIN) / opqs(3.0));
    printf("min/3 = %a flags %04x\n", d, _mm_getcsr());
    _mm_setcsr(0x1f80);
}

static void int_section(void)
{
    __m128i a = _mm_set_epi32(0x80007fff, 0x01ff7f80, (int)0xfedcba98, 0x12345678);
    __m128i b = _mm_set_epi32(0x7fff8000, (int)0xff017f7f, 0x00000100, (int)0x89abcdef);
    __m128i r[40];
    int n = 0;
    r[n++] = _mm_add_epi8(a, b);
    r[n++] = _mm_adds_epi16(a, b);
    r[n++] = _mm_adds_epu8(a, b);
    r[n++] = _mm_subs_epi8(a, b);
    r[n++] = _mm_subs_epu16(a, b);
    r[n++] = _mm_sub_epi64(a, b);
    r[n++] = _mm_mullo_epi16(a, b);
    r[n++] = _mm_mulhi_epi16(a, b);
    r[n++] = _mm_mulhi_epu16(a, b);
    r[n++] = _mm_mul_epu32(a, b);
    r[n++] = _mm_madd_epi16(a, b);
    r[n++] = _mm_sad_epu8(a, b);
    r[n++] = _mm_avg_epu8(a, b);
    r[n++] = _mm_avg_epu16(a, b);
    r[n++] = _mm_min_epu8(a, b);
    r[n++] = _mm_max_epi16(a, b);
    r[n++] = _mm_cmpeq_epi8(a, b);
    r[n++] = _mm_cmpgt_epi16(a, b);
    r[n++] = _mm_cmpgt_epi32(a, b);
    r[n++] = _mm_slli_epi16(a, 5);
    r[n++] = _mm_srai_epi32(a, 7);
    r[n++] = _mm_srli_epi64(a, 33);
    r[n++] = _mm_sll_epi32(a, _mm_cvtsi32_si128(3));
    r[n++] = _mm_sra_epi16(b, _mm_cvtsi32_si128(20));
    r[n++] = _mm_slli_si128(a, 5);
    r[n++] = _mm_srli_si128(b, 11);
    r[n++] = _mm_packs_epi16(a, b);
    r[n++] = _mm_packs_epi32(a, b);
    r[n++] = _mm_packus_epi16(a, b);
    r[n++] = _mm_unpacklo_epi8(a, b);
    r[n++] = _mm_unpackhi_epi16(a, b);
    r[n++] = _mm_unpacklo_epi32(a, b);
    r[n++] = _mm_unpackhi_epi64(a, b);
    r[n++] = _mm_shuffle_epi32(a, 0x4e);
    r[n++] = _mm_shufflelo_epi16(b, 0x1b);
    r[n++] = _mm_shufflehi_epi16(b, 0xb1);
    r[n++] = _mm_insert_epi16(a, 0xbeef, 5);
    r[n++] = _mm_andnot_si128(a, b);
    r[n++] = _mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(a), _mm_castsi128_ps(b), 0x9c));
    r[n++] = _mm_castpd_si128(_mm_shuffle_pd(_mm_castsi128_pd(a), _mm_castsi128_pd(b), 1));
    for (int i = 0; i < n; i++) {
        uint64_t v[2];
        memcpy(v, &r[i], 16);
        printf("int %2d: %016llx %016llx\n", i, (unsigned long long)v[1], (unsigned long long)v[0]);
    }
    printf("movemask %04x %x %x pextrw %x\n", _mm_movemask_epi8(a),
           _mm_movemask_ps(_mm_castsi128_ps(b)), _mm_movemask_pd(_mm_castsi128_pd(a)),
           _mm_extract_epi16(b, 6));
}

/* libc's SSE2 string functions at every alignment and length. */
static void string_section(void)
{
    static char buf[512] __attribute__((aligned(64)));
    static char dst[512] __attribute__((aligned(64)));
    unsigned h = 2166136261u;
    for (int i = 0; i < 512; i++) {
        buf[i] = (char)('a' + (i * 7) % 26);
    }
    for (int off = 0; off < 33; off++) {
        for (int len = 0; len < 140; len += (len < 40 ? 1 : 13)) {
            char *s = buf + off;
            char save = s[len];
            s[len] = 0;
            h = (h ^ (unsigned)strlen(s)) * 16777619u;
            h = (h ^ (unsigned)(strchr(s, 'q') ? strchr(s, 'q') - s : -1)) * 16777619u;
            h = (h ^ (unsigned)(strrchr(s, 'c') ? strrchr(s, 'c') - s : -1)) * 16777619u;
            h = (h ^ (unsigned)(memchr(s, 'z', len) ? (char *)memchr(s, 'z', len) - s : -1)) * 16777619u;
            memset(dst, 0, sizeof(dst));
            memcpy(dst + (off * 3) % 17, s, len);
            h = (h ^ (unsigned)memcmp(dst + (off * 3) % 17, s, len)) * 16777619u;
            strcpy(dst + off, s);
            h = (h ^ (unsigned)strcmp(dst + off, s)) * 16777619u;
            if (len) {
                dst[off + len - 1] ^= 1;
                h = (h ^ (unsigned)(strcmp(dst + off, s) > 0)) * 16777619u;
                h = (h ^ (unsigned)(memcmp(dst + off, s, len) < 0)) * 16777619u;
                h = (h ^ (unsigned)strncmp(dst + off, s, len - 1)) * 16777619u;
            }
            memmove(dst + 1, dst, len);
            memset(dst + off, off, len);
            for (int k = 0; k < 200; k++) {
                h = (h ^ (unsigned char)dst[k]) * 16777619u;
            }
            h = (h ^ (unsigned)strspn(s, "abcdefghij")) * 16777619u;
            h = (h ^ (unsigned)(strstr(s, "hov") ? strstr(s, "hov") - s : -1)) * 16777619u;
            s[len] = save;
        }
    }
    printf("strings: %08x\n", h);
}

static void printf_section(void)
{
    static const double v[] = { 0.0, -0.0, 1.0, 0.1, 1.0 / 3, 2.5, 1e300, -1e-300, 5e-324,
                                123456789.125, 1.7976931348623157e308, 0.000123456789 };
    for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        printf("%.17g %e %f %g %a\n", v[i], v[i], v[i], v[i], v[i]);
    }
    printf("%f %f %f\n", (double)INFINITY, -(double)INFINITY, (double)NAN);
    const char *in[] = { "3.14159265358979323846", "1e-320", "0x1.8p3", "-inf", "nan",
                         "2.2250738585072011e-308", "123abc", "1e400" };
    for (unsigned i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        char *end;
        double d = strtod(in[i], &end);
        float f = strtof(in[i], NULL);
        printf("strtod(%s) = %a (%d) strtof = %a\n", in[i], d, (int)(end - in[i]), (double)f);
    }
    float fs = 0;
    double ds = 0;
    for (int i = 1; i <= 1000; i++) {
        fs += 1.0f / (float)i;
        ds += sqrt((double)i) / (double)(i + 1);
    }
    printf("sums %a %a\n", (double)fs, ds);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "sigfpe") == 0) {
        /* an unmasked SIMD exception: the process dies of SIGFPE */
        printf("unmasking divide-by-zero\n");
        fflush(stdout);
        _mm_setcsr(0x1f80 & ~0x0200);
        volatile double z = 0.0;
        double r = opqs(opqs(1.0) / opqs(z));
        printf("not reached %a\n", r);
        return 1;
    }
    fp_section();
    int_section();
    string_section();
    printf_section();
    return 0;
}
