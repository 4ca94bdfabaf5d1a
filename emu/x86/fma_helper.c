/*
 * emu/x86/fma_helper.c — FMA3 (VFMADD*, VFMSUB*, VFNMADD*, VFNMSUB*,
 * VFMADDSUB*, VFMSUBADD*): the helper ops of tr-avx.c's FMA lines.
 *
 * Each op runs the very same host instruction under the guest MXCSR
 * (bit-exact results, NaN propagation and flags; see simd_exc.h for the
 * flags with exceptions unmasked).  Where the host lacks FMA, the
 * software path soft_fma_lane() is used instead (fma()/fmaf() from glibc
 * are exact in every rounding mode; DAZ/FTZ, tininess and NaN rules are
 * applied explicitly).
 */
#include <fenv.h>
#include <math.h>
#include <string.h>
#include <immintrin.h>

#include "emu/exec.h"
#include "avx_helper.h"
#include "simd_exc.h"

#define AVX_HOST __attribute__((target("avx2,fma")))
#define NBYTES(ctl) (((ctl) & AF_L) ? 32 : 16)

static bool avx_soft_fma_forced;
static int avx_host_fma = -1;   /* -1: not probed yet */

void avx_helper_force_soft_fma(bool on)
{
    avx_soft_fma_forced = on;
}

static bool use_host_fma(void)
{
    if (avx_host_fma < 0) {
        avx_host_fma = __builtin_cpu_supports("fma") ? 1 : 0;
    }
    return avx_host_fma && !avx_soft_fma_forced;
}

/* FMA operation kinds. */
enum { FMA_MADD, FMA_MSUB, FMA_NMADD, FMA_NMSUB, FMA_MADDSUB, FMA_MSUBADD };
/* operand orders: 132 d = d*w + v; 213 d = v*d + w; 231 d = v*w + d */
enum { FMA_132, FMA_213, FMA_231 };

/* The host instruction of one FMA vop: r = FMA(d, v, w). */
typedef void (*FmaHostFn)(X86YMMReg *r, const X86YMMReg *v, const X86YMMReg *w,
                          const X86YMMReg *d);

/* Element i of an FMA as a*b+c with the signs applied. */
typedef struct FmaLane {
    uint64_t a, b, c;
    bool neg_p, neg_c;     /* negate the product / the addend */
} FmaLane;

static void fma_lane(FmaLane *l, const X86YMMReg *d, const X86YMMReg *v, const X86YMMReg *w,
                     unsigned i, int kind, int order, bool f64)
{
    const X86YMMReg *pa, *pb, *pc;

    switch (order) {
    case FMA_132: pa = d; pb = w; pc = v; break;
    case FMA_213: pa = v; pb = d; pc = w; break;
    default:      pa = v; pb = w; pc = d; break;
    }
    l->a = f64 ? pa->q[i] : pa->l[i];
    l->b = f64 ? pb->q[i] : pb->l[i];
    l->c = f64 ? pc->q[i] : pc->l[i];
    l->neg_p = kind == FMA_NMADD || kind == FMA_NMSUB;
    l->neg_c = kind == FMA_MSUB || kind == FMA_NMSUB ||
               (kind == FMA_MADDSUB && !(i & 1)) || (kind == FMA_MSUBADD && (i & 1));
}

/* The flags f of element l: if it overflows with OM unmasked or
 * underflows with UM unmasked, its PE is that of the result rounded with
 * an unbounded exponent (simd_exc.h). */
static uint32_t fma_fix_pe(CPUX86State *env, const FmaLane *l, bool f64, uint32_t f)
{
    uint32_t unm = simd_unmasked(env);

    if ((f & unm & (MX_OE | MX_UE)) && !(f & (MX_IE | MX_DE | MX_ZE) & unm)) {
        bool daz = env->mxcsr & 0x40;
        uint64_t a = daz ? simd_daz(l->a, f64) : l->a;
        uint64_t b = daz ? simd_daz(l->b, f64) : l->b;
        uint64_t c = daz ? simd_daz(l->c, f64) : l->c;
        f = (f & ~MX_PE) | (simd_fma_inexact(a, b, c, f64, l->neg_p, l->neg_c) ? MX_PE : 0);
    }
    return f;
}

static bool is_nan32(uint32_t x) { return (x & 0x7fffffffu) > 0x7f800000u; }
static bool is_nan64(uint64_t x) { return (x & 0x7fffffffffffffffull) > 0x7ff0000000000000ull; }

/* a*b+c (signs applied) of the bit patterns ops[] in rounding mode mode;
 * *ex = the exceptions fma raised. */
static uint64_t soft_fma_round(const uint64_t *ops, bool f64, bool neg_p, bool neg_c, int mode,
                               int *ex)
{
    uint64_t res;

    feclearexcept(FE_ALL_EXCEPT);
    fesetround(mode);
    if (f64) {
        double x, y, z, rr;
        memcpy(&x, &ops[0], 8);
        memcpy(&y, &ops[1], 8);
        memcpy(&z, &ops[2], 8);
        rr = fma(neg_p ? -x : x, y, neg_c ? -z : z);
        memcpy(&res, &rr, 8);
    } else {
        float x, y, z, rr;
        uint32_t l;
        l = (uint32_t)ops[0]; memcpy(&x, &l, 4);
        l = (uint32_t)ops[1]; memcpy(&y, &l, 4);
        l = (uint32_t)ops[2]; memcpy(&z, &l, 4);
        rr = fmaf(neg_p ? -x : x, y, neg_c ? -z : z);
        memcpy(&l, &rr, 4);
        res = l;
    }
    if (ex) {
        *ex = fetestexcept(FE_ALL_EXCEPT);
    }
    return res;
}

/*
 * One lane of a fused multiply-add in software: a*b+c with the signs the
 * operation asks for (neg_p negates the product, neg_c the addend).  Runs
 * under the host MXCSR set by simd_fp_enter (rounding mode, DAZ/FTZ do not
 * reach libm's fma, so they are applied here); flags are taken from
 * fetestexcept.  NaNs: the first NaN operand in instruction order
 * (a, b, c) is returned quieted; a*b = inf*0 gives the default NaN.
 */
static uint64_t soft_fma_lane(uint64_t a, uint64_t b, uint64_t c, bool f64, bool neg_p,
                              bool neg_c, uint32_t mxcsr, uint32_t *flags)
{
    static const int rnd[4] = { FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO };
    bool daz = mxcsr & 0x40, ftz = (mxcsr & 0x8000) && (mxcsr & 0x0800);
    uint64_t ops[3] = { a, b, c };
    int save = fegetround();

    for (int i = 0; i < 3; i++) {
        if (f64) {
            if (!is_nan64(ops[i]) && (ops[i] & 0x7ff0000000000000ull) == 0 &&
                (ops[i] & 0x000fffffffffffffull)) {
                if (daz) {
                    ops[i] &= 0x8000000000000000ull;
                } else {
                    *flags |= 0x02;   /* denormal operand */
                }
            }
        } else if ((ops[i] & 0x7f800000u) == 0 && (ops[i] & 0x007fffffu)) {
            if (daz) {
                ops[i] &= 0x80000000u;
            } else {
                *flags |= 0x02;
            }
        }
    }
    for (int i = 0; i < 3; i++) {
        bool nan = f64 ? is_nan64(ops[i]) : is_nan32((uint32_t)ops[i]);
        bool snan = nan && !(ops[i] & (f64 ? 0x0008000000000000ull : 0x00400000u));
        if (snan) {
            *flags |= 0x01;
        }
    }
    for (int i = 0; i < 3; i++) {
        if (f64 ? is_nan64(ops[i]) : is_nan32((uint32_t)ops[i])) {
            *flags &= ~0x02u;   /* a NaN operand: no denormal exception */
            return ops[i] | (f64 ? 0x0008000000000000ull : 0x00400000u);
        }
    }
    int ex;
    uint64_t res = soft_fma_round(ops, f64, neg_p, neg_c, rnd[(mxcsr >> 13) & 3], &ex);
    if (ex & FE_INVALID) {
        fesetround(save);
        *flags = (*flags & ~0x02u) | 0x01;
        return f64 ? 0xfff8000000000000ull : 0xffc00000u;   /* the default NaN */
    }
    int mode = rnd[(mxcsr >> 13) & 3];
    uint64_t sign = f64 ? 0x8000000000000000ull : 0x80000000u;
    uint64_t minn = f64 ? 0x0010000000000000ull : 0x00800000u;
    uint64_t mag = res & ~sign;
    /* x86 detects tininess after rounding with an unbounded exponent.  A
     * result below the smallest normal is tiny that way too; one rounded
     * up to exactly the smallest normal may or may not be: redo it with a
     * and c scaled by 2^64 (2^32), exactly, where the result is normal. */
    bool tiny = mag < minn && (mag != 0 || (ex & FE_INEXACT));
    if (mag == minn && (ex & FE_INEXACT)) {
        uint64_t sc[3] = { ops[0], ops[1], ops[2] };
        if (f64) {
            double t;
            memcpy(&t, &sc[0], 8); t = ldexp(t, 64); memcpy(&sc[0], &t, 8);
            memcpy(&t, &sc[2], 8); t = ldexp(t, 64); memcpy(&sc[2], &t, 8);
        } else {
            float t;
            uint32_t l;
            l = (uint32_t)sc[0]; memcpy(&t, &l, 4); t = ldexpf(t, 32); memcpy(&l, &t, 4); sc[0] = l;
            l = (uint32_t)sc[2]; memcpy(&t, &l, 4); t = ldexpf(t, 32); memcpy(&l, &t, 4); sc[2] = l;
        }
        uint64_t r2 = soft_fma_round(sc, f64, neg_p, neg_c, mode, NULL) & ~sign;
        tiny = r2 < minn + (f64 ? (64ull << 52) : (32ull << 23));
    }
    fesetround(save);
    *flags |= ((ex & FE_OVERFLOW) ? 0x08 : 0) | ((ex & FE_INEXACT) ? 0x20 : 0);
    if (tiny && !(mxcsr & 0x0800)) {
        *flags |= 0x10;   /* UM unmasked: underflow on tininess alone */
    } else if (tiny && ftz) {
        /* flush to zero, with the sign of the result */
        res &= sign;
        *flags |= 0x30;
    } else if (tiny && (ex & FE_INEXACT)) {
        *flags |= 0x10;
    }
    return res;
}

/* Software FMA over the lanes of one instruction. */
static void soft_fma(CPUX86State *env, X86YMMReg *r, const X86YMMReg *v, const X86YMMReg *w,
                     const X86YMMReg *d, uint64_t ctl, int kind, int order, bool f64,
                     bool scalar)
{
    unsigned esize = f64 ? 8 : 4;
    unsigned n = scalar ? 1 : NBYTES(ctl) / esize;
    uint32_t mxcsr = (uint32_t)env->mxcsr, flags = 0;

    *r = *d;
    if (scalar) {
        memset(&r->q[2], 0, 16);   /* VEX.L is ignored: bits 255:128 = 0 */
    }
    for (unsigned i = 0; i < n; i++) {
        FmaLane l;
        fma_lane(&l, d, v, w, i, kind, order, f64);
        uint32_t lane_flags = 0;
        uint64_t res = soft_fma_lane(l.a, l.b, l.c, f64, l.neg_p, l.neg_c, mxcsr, &lane_flags);
        flags |= fma_fix_pe(env, &l, f64, lane_flags);
        if (f64) {
            r->q[i] = res;
        } else {
            r->l[i] = (uint32_t)res;
        }
    }
    /* (scalar forms: r keeps d's other elements, as VEX scalar FMA does;
     * soft_fma_lane has signalled UE on tininess already) */
    simd_fp_commit(env, simd_host_stmxcsr(), flags);
}

/*
 * The flags of a host FMA that ran from mode (flags clear) into r: with
 * an unmasked overflow or underflow raised, each element is rerun alone
 * (the other elements zero: 0*0+0 raises nothing) for its own flags, and
 * the elements that overflow/underflow get their PE from the exact test.
 */
static uint32_t fma_host_flags(CPUX86State *env, FmaHostFn h, const X86YMMReg *r,
                               const X86YMMReg *v, const X86YMMReg *w, const X86YMMReg *d,
                               unsigned n, bool f64, int kind, int order, uint32_t mode)
{
    unsigned esize = f64 ? 8 : 4;
    uint32_t flags = simd_fp_flags(env, r, n * esize, esize), unm = simd_unmasked(env), all = 0;

    if (!(flags & unm & (MX_OE | MX_UE)) || (flags & unm & (MX_IE | MX_DE | MX_ZE))) {
        return flags;
    }
    for (unsigned i = 0; i < n; i++) {
        X86YMMReg lv, lw, ld, lr;
        FmaLane l;
        memset(&lv, 0, sizeof(lv));
        memset(&lw, 0, sizeof(lw));
        memset(&ld, 0, sizeof(ld));
        memcpy(&lv.b[i * esize], &v->b[i * esize], esize);
        memcpy(&lw.b[i * esize], &w->b[i * esize], esize);
        memcpy(&ld.b[i * esize], &d->b[i * esize], esize);
        simd_host_ldmxcsr(mode);
        h(&lr, &lv, &lw, &ld);
        fma_lane(&l, d, v, w, i, kind, order, f64);
        all |= fma_fix_pe(env, &l, f64, simd_fp_flags(env, &lr.b[i * esize], esize, esize));
    }
    return all;
}

/*
 * One vop per FMA instruction, running the very same host instruction:
 * name = the mnemonic's suffix, e.g. vfmadd132ps.  The destination's old
 * value is the first operand, VEX.vvvv the second, r/m the third.
 */
#define FMA_PACKED(name, kind, order, f64)                                  \
    static AVX_HOST void name##_h256(X86YMMReg *r, const X86YMMReg *v,      \
                                     const X86YMMReg *w, const X86YMMReg *d) \
    {                                                                       \
        __m256i x = _mm256_loadu_si256((const __m256i *)d);                 \
        __m256i y = _mm256_loadu_si256((const __m256i *)v);                 \
        __m256i z = _mm256_loadu_si256((const __m256i *)w);                 \
        __asm__ volatile(#name " %2, %1, %0" : "+x"(x) : "x"(y), "x"(z));   \
        _mm256_storeu_si256((__m256i *)r, x);                               \
    }                                                                       \
    static AVX_HOST void name##_h128(X86YMMReg *r, const X86YMMReg *v,      \
                                     const X86YMMReg *w, const X86YMMReg *d) \
    {                                                                       \
        __m128i x = _mm_loadu_si128((const __m128i *)d);                    \
        __m128i y = _mm_loadu_si128((const __m128i *)v);                    \
        __m128i z = _mm_loadu_si128((const __m128i *)w);                    \
        __asm__ volatile(#name " %2, %1, %0" : "+x"(x) : "x"(y), "x"(z));   \
        _mm_storeu_si128((__m128i *)r, x);                                  \
    }                                                                       \
    AVXOP(name)                                                             \
    {                                                                       \
        if (!use_host_fma()) {                                              \
            soft_fma(env, r, v, w, d, ctl, kind, order, f64, false);        \
            return 0;                                                       \
        }                                                                   \
        uint32_t old = simd_fp_enter(env), mode = simd_host_stmxcsr();      \
        FmaHostFn h = (ctl & AF_L) ? name##_h256 : name##_h128;             \
        h(r, v, w, d);                                                      \
        simd_fp_commit(env, old, fma_host_flags(env, h, r, v, w, d,         \
                       NBYTES(ctl) / ((f64) ? 8 : 4), f64, kind, order, mode)); \
        return 0;                                                           \
    }

/* Scalar forms: the host instruction keeps d's bits 127:32/64 as VEX
 * scalar FMA does. */
#define FMA_SCALAR(name, kind, order, f64)                                  \
    static AVX_HOST void name##_h(X86YMMReg *r, const X86YMMReg *v,         \
                                  const X86YMMReg *w, const X86YMMReg *d)   \
    {                                                                       \
        __m128i x = _mm_loadu_si128((const __m128i *)d);                    \
        __m128i y = _mm_loadu_si128((const __m128i *)v);                    \
        __m128i z = _mm_loadu_si128((const __m128i *)w);                    \
        __asm__ volatile(#name " %2, %1, %0" : "+x"(x) : "x"(y), "x"(z));   \
        _mm_storeu_si128((__m128i *)r, x);                                  \
    }                                                                       \
    AVXOP(name)                                                             \
    {                                                                       \
        if (!use_host_fma()) {                                              \
            soft_fma(env, r, v, w, d, ctl & ~AF_L, kind, order, f64, true); \
            return 0;                                                       \
        }                                                                   \
        uint32_t old = simd_fp_enter(env), mode = simd_host_stmxcsr();      \
        name##_h(r, v, w, d);                                               \
        simd_fp_commit(env, old, fma_host_flags(env, name##_h, r, v, w, d, 1, \
                                                f64, kind, order, mode));   \
        return 0;                                                           \
    }

#define FMA_ORDERS(X, base, kind, sfx, f64) \
    X(base##132##sfx, kind, FMA_132, f64) \
    X(base##213##sfx, kind, FMA_213, f64) \
    X(base##231##sfx, kind, FMA_231, f64)

FMA_ORDERS(FMA_PACKED, vfmadd, FMA_MADD, ps, false)
FMA_ORDERS(FMA_PACKED, vfmadd, FMA_MADD, pd, true)
FMA_ORDERS(FMA_PACKED, vfmsub, FMA_MSUB, ps, false)
FMA_ORDERS(FMA_PACKED, vfmsub, FMA_MSUB, pd, true)
FMA_ORDERS(FMA_PACKED, vfnmadd, FMA_NMADD, ps, false)
FMA_ORDERS(FMA_PACKED, vfnmadd, FMA_NMADD, pd, true)
FMA_ORDERS(FMA_PACKED, vfnmsub, FMA_NMSUB, ps, false)
FMA_ORDERS(FMA_PACKED, vfnmsub, FMA_NMSUB, pd, true)
FMA_ORDERS(FMA_PACKED, vfmaddsub, FMA_MADDSUB, ps, false)
FMA_ORDERS(FMA_PACKED, vfmaddsub, FMA_MADDSUB, pd, true)
FMA_ORDERS(FMA_PACKED, vfmsubadd, FMA_MSUBADD, ps, false)
FMA_ORDERS(FMA_PACKED, vfmsubadd, FMA_MSUBADD, pd, true)
FMA_ORDERS(FMA_SCALAR, vfmadd, FMA_MADD, ss, false)
FMA_ORDERS(FMA_SCALAR, vfmadd, FMA_MADD, sd, true)
FMA_ORDERS(FMA_SCALAR, vfmsub, FMA_MSUB, ss, false)
FMA_ORDERS(FMA_SCALAR, vfmsub, FMA_MSUB, sd, true)
FMA_ORDERS(FMA_SCALAR, vfnmadd, FMA_NMADD, ss, false)
FMA_ORDERS(FMA_SCALAR, vfnmadd, FMA_NMADD, sd, true)
FMA_ORDERS(FMA_SCALAR, vfnmsub, FMA_NMSUB, ss, false)
FMA_ORDERS(FMA_SCALAR, vfnmsub, FMA_NMSUB, sd, true)

