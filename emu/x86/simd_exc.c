/*
 * emu/x86/simd_exc.c — MXCSR flags and #XM around host SIMD floating
 * point, and exact "inexact with an unbounded exponent" tests (see
 * simd_exc.h).
 */
#include <signal.h>
#include <string.h>

#include "emu/exec.h"
#include "simd_exc.h"

uint32_t simd_fp_enter(CPUX86State *env)
{
    uint32_t old = simd_host_stmxcsr();
    uint32_t g = (uint32_t)env->mxcsr;

    /* FTZ applies only while underflow is masked */
    simd_host_ldmxcsr((g & ((g & 0x0800) ? 0xe040 : 0x6040)) | 0x1f80);
    return old;
}

bool simd_is_denormal(const void *p, unsigned esize)
{
    uint64_t v = 0;

    memcpy(&v, p, esize);
    switch (esize) {
    case 2:
        return (v & 0x7c00) == 0 && (v & 0x03ff) != 0;
    case 4:
        return (v & 0x7f800000u) == 0 && (v & 0x007fffffu) != 0;
    default:
        return (v & 0x7ff0000000000000ull) == 0 && (v & 0x000fffffffffffffull) != 0;
    }
}

uint32_t simd_fp_flags(CPUX86State *env, const void *res, unsigned n, unsigned esize)
{
    uint32_t flags = simd_host_stmxcsr() & 0x3f;

    if (res && (simd_unmasked(env) & MX_UE)) {
        for (unsigned i = 0; i < n; i += esize) {
            if (simd_is_denormal((const uint8_t *)res + i, esize)) {
                flags |= MX_UE;
                break;
            }
        }
    }
    return flags;
}

void simd_fp_commit(CPUX86State *env, uint32_t old, uint32_t flags)
{
    uint32_t unmasked;

    simd_host_ldmxcsr(old);
    unmasked = flags & simd_unmasked(env);
    if (unmasked & (MX_IE | MX_DE | MX_ZE)) {
        /* invalid/denormal/zero-divide stop the operation before a result
         * exists: the post-computation flags are not raised */
        flags &= MX_IE | MX_DE | MX_ZE;
        unmasked &= MX_IE | MX_DE | MX_ZE;
    }
    env->mxcsr |= flags;
    if (unmasked) {
        int code = (unmasked & MX_IE) ? FPE_FLTINV : (unmasked & MX_ZE) ? FPE_FLTDIV
                 : (unmasked & MX_OE) ? FPE_FLTOVF : (unmasked & (MX_UE | MX_DE)) ? FPE_FLTUND
                 : FPE_FLTRES;
        cpu_loop_exit_fault(env, EXCP_MF, SIGFPE, code, env->insn_pc);
    }
}

uint64_t simd_daz(uint64_t x, bool f64)
{
    if (f64) {
        return (x & 0x7ff0000000000000ull) ? x : x & 0x8000000000000000ull;
    }
    return (x & 0x7f800000u) ? x : x & 0x80000000u;
}

/* ---- exact arithmetic ---- */

/* x = m * 2^e exactly (m an integer); sign in *neg. */
static void fp_decode(uint64_t x, bool f64, bool *neg, uint64_t *m, int *e)
{
    if (f64) {
        int ex = (int)((x >> 52) & 0x7ff);
        *neg = x >> 63;
        *m = x & 0x000fffffffffffffull;
        *e = ex ? ex - 1075 : -1074;
        if (ex) {
            *m |= 1ull << 52;
        }
    } else {
        int ex = (int)((x >> 23) & 0xff);
        *neg = (x >> 31) & 1;
        *m = x & 0x007fffffu;
        *e = ex ? ex - 150 : -149;
        if (ex) {
            *m |= 1u << 23;
        }
    }
}

/* A 384-bit magnitude, little-endian words. */
typedef struct Big {
    uint64_t w[6];
} Big;

/* b = v << s (s <= 200: v << s stays below 2^384) */
static void big_set_shl(Big *b, unsigned __int128 v, unsigned s)
{
    unsigned q = s / 64, r = s % 64;
    uint64_t lo = (uint64_t)v, hi = (uint64_t)(v >> 64);

    memset(b, 0, sizeof(*b));
    b->w[q] = lo << r;
    b->w[q + 1] = r ? (hi << r) | (lo >> (64 - r)) : hi;
    b->w[q + 2] = r ? hi >> (64 - r) : 0;
}

static int big_cmp(const Big *a, const Big *b)
{
    for (int i = 5; i >= 0; i--) {
        if (a->w[i] != b->w[i]) {
            return a->w[i] < b->w[i] ? -1 : 1;
        }
    }
    return 0;
}

/* r = a + b (add) or a - b (a >= b) */
static void big_addsub(Big *r, const Big *a, const Big *b, bool add)
{
    unsigned carry = 0;

    for (int i = 0; i < 6; i++) {
        unsigned __int128 t = add ? (unsigned __int128)a->w[i] + b->w[i] + carry
                                  : (unsigned __int128)a->w[i] - b->w[i] - carry;
        r->w[i] = (uint64_t)t;
        carry = add ? (unsigned)(t >> 64) : (unsigned)((t >> 64) != 0);
    }
}

/* Significant bits of b (highest set bit - lowest set bit + 1), 0 for 0. */
static int big_sigbits(const Big *b)
{
    int lo = -1, hi = -1;

    for (int i = 0; i < 6; i++) {
        if (b->w[i]) {
            if (lo < 0) {
                lo = i * 64 + __builtin_ctzll(b->w[i]);
            }
            hi = i * 64 + 63 - __builtin_clzll(b->w[i]);
        }
    }
    return lo < 0 ? 0 : hi - lo + 1;
}

static int u128_sigbits(unsigned __int128 v)
{
    Big b;
    big_set_shl(&b, v, 0);
    return big_sigbits(&b);
}

bool simd_fma_inexact(uint64_t a, uint64_t b, uint64_t c, bool f64, bool neg_p, bool neg_c)
{
    int p = f64 ? 53 : 24, ea, eb, ec;
    uint64_t ma, mb, mc;
    bool na, nb, nc;

    fp_decode(a, f64, &na, &ma, &ea);
    fp_decode(b, f64, &nb, &mb, &eb);
    fp_decode(c, f64, &nc, &mc, &ec);
    unsigned __int128 prod = (unsigned __int128)ma * mb;
    int ep = ea + eb;
    bool sp = na ^ nb ^ neg_p, sc = nc ^ neg_c;

    if (prod == 0) {
        return false;               /* the result is c: representable */
    }
    if (mc == 0) {
        return u128_sigbits(prod) > p;
    }
    /* align on the lower exponent; terms further apart than 200 bits
     * (the product has at most 106 significant bits, c 53) leave a sum
     * whose significant bits span more than 90: inexact */
    int lo = ep < ec ? ep : ec;
    unsigned dp = (unsigned)(ep - lo), dc = (unsigned)(ec - lo);
    if (dp > 200 || dc > 200) {
        return true;
    }
    Big x, y, s;
    big_set_shl(&x, prod, dp);
    big_set_shl(&y, mc, dc);
    if (sp == sc) {
        big_addsub(&s, &x, &y, true);
    } else if (big_cmp(&x, &y) >= 0) {
        big_addsub(&s, &x, &y, false);
    } else {
        big_addsub(&s, &y, &x, false);
    }
    return big_sigbits(&s) > p;
}

bool simd_f16_inexact(uint32_t f)
{
    bool neg;
    uint64_t m;
    int e;

    fp_decode(f, false, &neg, &m, &e);
    return m && 64 - __builtin_clzll(m) - __builtin_ctzll(m) > 11;
}
