/*
 * emu/x86/sse4_helper.c — vec ops of SSE3, SSSE3, SSE4.1 and SSE4.2
 * (listed in sse4-ops.h; contract in sse_helper.h), and CRC32.
 *
 * Integer ops are plain C over the lanes; VF_MMX selects 64-bit width and
 * VF_256 32-byte width with AVX2's per-128-bit-lane semantics.  Floating
 * point (ADDSUB, HADD/HSUB, ROUND, DPPS/DPPD) runs the same instruction on
 * the host under the guest's MXCSR, as sse_helper.c does, so results and
 * flags are bit-exact (DPPS's rounding order included).
 */
#include <signal.h>
#include <string.h>
#include <emmintrin.h>

#include "emu/exec.h"
#include "sse4-ops.h"

HELPER_INFO(crc32, TCG_CALL_NO_RWG_SE, 3, true);

#define VOP(name) uint64_t vop_##name(CPUX86State *env, X86YMMReg *d, const X86YMMReg *a, \
                                      const X86YMMReg *b, uint32_t imm)
#define VBYTES(imm) (((imm) & VF_256) ? 32 : ((imm) & VF_MMX) ? 8 : 16)
/* 128-bit lanes (AVX2 in-lane semantics); MMX counts as one lane. */
#define VLANES(imm) (((imm) & VF_256) ? 2 : 1)

static inline __m128i ld128(const void *p) { return _mm_loadu_si128((const __m128i *)p); }
static inline void st128(void *p, __m128i v) { _mm_storeu_si128((__m128i *)p, v); }

static inline int sat_s16(int v)  { return v < -32768 ? -32768 : v > 32767 ? 32767 : v; }
static inline int sat_u16(int64_t v) { return v < 0 ? 0 : v > 65535 ? 65535 : (int)v; }

/* ---- SSE3 moves ---- */

VOP(movsldup)
{
    X86YMMReg r;
    for (int i = 0; i < VBYTES(imm) / 4; i += 2) {
        r.l[i] = r.l[i + 1] = b->l[i];
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

VOP(movshdup)
{
    X86YMMReg r;
    for (int i = 0; i < VBYTES(imm) / 4; i += 2) {
        r.l[i] = r.l[i + 1] = b->l[i + 1];
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

VOP(movddup)
{
    X86YMMReg r;
    for (int i = 0; i < VBYTES(imm) / 8; i += 2) {
        r.q[i] = r.q[i + 1] = b->q[i];
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

/* ---- SSSE3 ---- */

VOP(pshufb)
{
    X86YMMReg r;
    int n = VBYTES(imm), lane = (imm & VF_MMX) ? 8 : 16;
    for (int i = 0; i < n; i++) {
        int base = i & ~(lane - 1);
        uint8_t c = b->b[i];
        r.b[i] = (c & 0x80) ? 0 : a->b[base + (c & (lane - 1))];
    }
    memcpy(d, &r, n);
    return 0;
}

/* Horizontal ops: per lane, the pair results of a then of b. */
#define HORIZ(name, F, T, EXPR)                                             \
    VOP(name)                                                               \
    {                                                                       \
        X86YMMReg r;                                                        \
        int lane = (imm & VF_MMX) ? 8 : 16;                                 \
        int ne = lane / (int)sizeof(r.F[0]);   /* elements per lane */      \
        for (int l = 0; l < VLANES(imm); l++) {                             \
            int o = l * ne;                                                 \
            for (int i = 0; i < ne / 2; i++) {                              \
                T x = (T)a->F[o + 2 * i], y = (T)a->F[o + 2 * i + 1];       \
                r.F[o + i] = (EXPR);                                        \
                x = (T)b->F[o + 2 * i];                                     \
                y = (T)b->F[o + 2 * i + 1];                                 \
                r.F[o + ne / 2 + i] = (EXPR);                               \
            }                                                               \
        }                                                                   \
        memcpy(d, &r, VBYTES(imm));                                         \
        return 0;                                                           \
    }

HORIZ(phaddw, w, uint16_t, (uint16_t)(x + y))
HORIZ(phaddd, l, uint32_t, x + y)
HORIZ(phaddsw, w, int16_t, (uint16_t)sat_s16(x + y))
HORIZ(phsubw, w, uint16_t, (uint16_t)(x - y))
HORIZ(phsubd, l, uint32_t, x - y)
HORIZ(phsubsw, w, int16_t, (uint16_t)sat_s16(x - y))

/* r.F[i] = EXPR(x = (T)a.F[i], y = (T)b.F[i]) over all elements. */
#define LANEWISE(name, F, T, EXPR)                                          \
    VOP(name)                                                               \
    {                                                                       \
        X86YMMReg r;                                                        \
        int n = VBYTES(imm) / (int)sizeof(r.F[0]);                          \
        for (int i = 0; i < n; i++) {                                       \
            T x = (T)a->F[i], y = (T)b->F[i];                               \
            (void)x;                                                        \
            r.F[i] = (EXPR);                                                \
        }                                                                   \
        memcpy(d, &r, VBYTES(imm));                                         \
        return 0;                                                           \
    }

LANEWISE(pmulhrsw, w, int16_t, (uint16_t)((((int32_t)x * y >> 14) + 1) >> 1))
LANEWISE(psignb, b, int8_t, (uint8_t)(y < 0 ? -x : y == 0 ? 0 : x))
LANEWISE(psignw, w, int16_t, (uint16_t)(y < 0 ? -x : y == 0 ? 0 : x))
LANEWISE(psignd, l, int32_t, (uint32_t)(y < 0 ? -(uint32_t)x : y == 0 ? 0 : (uint32_t)x))
LANEWISE(pabsb, b, int8_t, (uint8_t)(y < 0 ? -y : y))
LANEWISE(pabsw, w, int16_t, (uint16_t)(y < 0 ? -y : y))
LANEWISE(pabsd, l, int32_t, y < 0 ? -(uint32_t)y : (uint32_t)y)

VOP(pmaddubsw)
{
    X86YMMReg r;
    int n = VBYTES(imm) / 2;
    for (int i = 0; i < n; i++) {
        int v = a->b[2 * i] * (int8_t)b->b[2 * i] + a->b[2 * i + 1] * (int8_t)b->b[2 * i + 1];
        r.w[i] = (uint16_t)sat_s16(v);
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

/* Per lane: the bytes of (a:b) from byte imm8 on, zeros beyond. */
VOP(palignr)
{
    X86YMMReg r;
    unsigned c = imm & 0xff;
    int lane = (imm & VF_MMX) ? 8 : 16;
    for (int l = 0; l < VLANES(imm); l++) {
        uint8_t t[32];
        memcpy(t, &b->b[16 * l], lane);
        memcpy(t + lane, &a->b[16 * l], lane);
        for (int i = 0; i < lane; i++) {
            r.b[16 * l + i] = c + i < 2u * lane ? t[c + i] : 0;
        }
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

/* ---- SSE4.1 blends ---- */

/* Variable blends: the mask register is imm[7:4] (XMM0 for legacy forms). */
#define BLENDV(name, F, T)                                                  \
    VOP(name)                                                               \
    {                                                                       \
        X86YMMReg r;                                                        \
        const X86YMMReg *m = &env->xmm[(imm >> 4) & 15];                    \
        int n = VBYTES(imm) / (int)sizeof(r.F[0]);                          \
        for (int i = 0; i < n; i++) {                                       \
            r.F[i] = (T)m->F[i] < 0 ? b->F[i] : a->F[i];                    \
        }                                                                   \
        memcpy(d, &r, VBYTES(imm));                                         \
        return 0;                                                           \
    }

BLENDV(pblendvb, b, int8_t)
BLENDV(blendvps, l, int32_t)
BLENDV(blendvpd, q, int64_t)

VOP(blendps)
{
    X86YMMReg r;
    for (int i = 0; i < VBYTES(imm) / 4; i++) {
        r.l[i] = (imm >> i) & 1 ? b->l[i] : a->l[i];
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

VOP(blendpd)
{
    X86YMMReg r;
    for (int i = 0; i < VBYTES(imm) / 8; i++) {
        r.q[i] = (imm >> i) & 1 ? b->q[i] : a->q[i];
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

VOP(pblendw)
{
    X86YMMReg r;
    for (int i = 0; i < VBYTES(imm) / 2; i++) {
        r.w[i] = (imm >> (i & 7)) & 1 ? b->w[i] : a->w[i];
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

/* PTEST: returns ZF/CF (the other arithmetic flags clear); d not written. */
VOP(ptest)
{
    uint64_t and = 0, andn = 0;
    for (int i = 0; i < VBYTES(imm) / 8; i++) {
        and |= a->q[i] & b->q[i];
        andn |= ~a->q[i] & b->q[i];
    }
    return (and ? 0 : CC_Z) | (andn ? 0 : CC_C);
}

/* ---- SSE4.1 extensions and arithmetic ---- */

/* Widen the low elements of b: r.DF[i] = (DT)(ST)b.SF[i]. */
#define PMOVX(name, SF, ST, DF, DT)                                         \
    VOP(name)                                                               \
    {                                                                       \
        X86YMMReg r;                                                        \
        int n = VBYTES(imm) / (int)sizeof(r.DF[0]);                         \
        for (int i = 0; i < n; i++) {                                       \
            r.DF[i] = (DT)(ST)b->SF[i];                                     \
        }                                                                   \
        memcpy(d, &r, VBYTES(imm));                                         \
        return 0;                                                           \
    }

PMOVX(pmovsxbw, b, int8_t, w, uint16_t)
PMOVX(pmovsxbd, b, int8_t, l, uint32_t)
PMOVX(pmovsxbq, b, int8_t, q, uint64_t)
PMOVX(pmovsxwd, w, int16_t, l, uint32_t)
PMOVX(pmovsxwq, w, int16_t, q, uint64_t)
PMOVX(pmovsxdq, l, int32_t, q, uint64_t)
PMOVX(pmovzxbw, b, uint8_t, w, uint16_t)
PMOVX(pmovzxbd, b, uint8_t, l, uint32_t)
PMOVX(pmovzxbq, b, uint8_t, q, uint64_t)
PMOVX(pmovzxwd, w, uint16_t, l, uint32_t)
PMOVX(pmovzxwq, w, uint16_t, q, uint64_t)
PMOVX(pmovzxdq, l, uint32_t, q, uint64_t)

LANEWISE(pmuldq, q, uint64_t, (uint64_t)((int64_t)(int32_t)x * (int32_t)y))
LANEWISE(pmulld, l, uint32_t, x * y)
LANEWISE(pcmpeqq, q, uint64_t, x == y ? ~0ull : 0)
LANEWISE(pcmpgtq, q, int64_t, x > y ? ~0ull : 0)
LANEWISE(pminsb, b, int8_t, (uint8_t)(x < y ? x : y))
LANEWISE(pminsd, l, int32_t, (uint32_t)(x < y ? x : y))
LANEWISE(pminuw, w, uint16_t, x < y ? x : y)
LANEWISE(pminud, l, uint32_t, x < y ? x : y)
LANEWISE(pmaxsb, b, int8_t, (uint8_t)(x > y ? x : y))
LANEWISE(pmaxsd, l, int32_t, (uint32_t)(x > y ? x : y))
LANEWISE(pmaxuw, w, uint16_t, x > y ? x : y)
LANEWISE(pmaxud, l, uint32_t, x > y ? x : y)

/* Per lane: the 4 dwords of a then of b, unsigned-saturated to words. */
VOP(packusdw)
{
    X86YMMReg r;
    for (int l = 0; l < VLANES(imm); l++) {
        for (int i = 0; i < 4; i++) {
            r.w[8 * l + i] = (uint16_t)sat_u16((int32_t)a->l[4 * l + i]);
            r.w[8 * l + 4 + i] = (uint16_t)sat_u16((int32_t)b->l[4 * l + i]);
        }
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

VOP(phminposuw)
{
    X86YMMReg r;
    unsigned min = b->w[0], idx = 0;
    for (unsigned i = 1; i < 8; i++) {
        if (b->w[i] < min) {
            min = b->w[i];
            idx = i;
        }
    }
    memset(&r, 0, sizeof(r));
    r.l[0] = min | (idx << 16);
    memcpy(d, &r, 16);
    return 0;
}

/* MPSADBW: per lane, 8 sums of |a[ao + i + k] - b[bo + k]| (k < 4); the
 * upper lane of the 256-bit form takes its offsets from imm[5:3]. */
VOP(mpsadbw)
{
    X86YMMReg r;
    for (int l = 0; l < VLANES(imm); l++) {
        unsigned sel = (imm >> (3 * l)) & 7;
        const uint8_t *pa = &a->b[16 * l + (sel & 4)];
        const uint8_t *pb = &b->b[16 * l + 4 * (sel & 3)];
        for (int i = 0; i < 8; i++) {
            unsigned s = 0;
            for (int k = 0; k < 4; k++) {
                int x = pa[i + k], y = pb[k];
                s += x > y ? x - y : y - x;
            }
            r.w[8 * l + i] = (uint16_t)s;
        }
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

/* ---- SSE4.1 inserts and extracts ---- */

/* INSERTPS: the single b.s[imm7:6] (the translator clears imm[7:6] for
 * memory sources, whose m32 is in b.s[0]) into a.s[imm5:4], then the
 * lanes in imm[3:0] zeroed. */
VOP(insertps)
{
    X86YMMReg r = *a;
    r.l[(imm >> 4) & 3] = b->l[(imm >> 6) & 3];
    for (int i = 0; i < 4; i++) {
        if ((imm >> i) & 1) {
            r.l[i] = 0;
        }
    }
    memcpy(d, &r, 16);
    return 0;
}

VOP(extractps) { return b->l[imm & 3]; }
VOP(pextrb) { return b->b[imm & 15]; }
VOP(pextrd) { return b->l[imm & 3]; }
VOP(pextrq) { return b->q[imm & 1]; }

#define PINSR(name, F, MASK)                                                \
    VOP(name)                                                               \
    {                                                                       \
        X86YMMReg r = *a;                                                   \
        r.F[imm & (MASK)] = b->F[0];                                        \
        memcpy(d, &r, 16);                                                  \
        return 0;                                                           \
    }

PINSR(pinsrb, b, 15)
PINSR(pinsrd, l, 3)
PINSR(pinsrq, q, 1)

/* ---- floating point on the host under the guest MXCSR ---- */
/* (the same protocol as sse_helper.c: guest RC/FTZ/DAZ, host exceptions
 * masked, raised flags merged and unmasked ones delivered as #XM) */

static inline uint32_t host_stmxcsr(void)
{
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

static inline void host_ldmxcsr(uint32_t v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v));
}

static inline uint32_t mxcsr_enter(CPUX86State *env)
{
    uint32_t old = host_stmxcsr();
    uint32_t g = (uint32_t)env->mxcsr;
    /* FTZ applies only while underflow is masked */
    host_ldmxcsr((g & ((g & 0x0800) ? 0xe040 : 0x6040)) | 0x1f80);
    return old;
}

/* True if one of the n floats (f64: doubles) at res is a nonzero denormal. */
static bool has_tiny(const void *res, int n, bool f64)
{
    for (int i = 0; i < n; i++) {
        if (f64) {
            uint64_t q;
            memcpy(&q, (const uint8_t *)res + 8 * i, 8);
            if ((q & 0x7ff0000000000000ull) == 0 && (q << 1) != 0) {
                return true;
            }
        } else {
            uint32_t l;
            memcpy(&l, (const uint8_t *)res + 4 * i, 4);
            if ((l & 0x7f800000u) == 0 && (l << 1) != 0) {
                return true;
            }
        }
    }
    return false;
}

/* Merge flags (those of earlier stages, then of the last one) into the
 * guest MXCSR; an unmasked one raises #XM (SIGFPE) before the destination
 * is written (callers store only after this returns).  The host MXCSR has
 * been restored already. */
static void mxcsr_commit(CPUX86State *env, uint32_t prior, uint32_t flags)
{
    uint32_t masks = ((uint32_t)env->mxcsr >> 7) & 0x3f;
    uint32_t unmasked = flags & ~masks;

    if (unmasked & 0x07) {
        /* a pre-computation exception stops the instruction before the
         * post-computation flags exist */
        flags &= 0x07;
        unmasked &= 0x07;
    }
    env->mxcsr |= prior | flags;
    if (unmasked) {
        int code = (unmasked & 0x01) ? FPE_FLTINV : (unmasked & 0x04) ? FPE_FLTDIV
                 : (unmasked & 0x08) ? FPE_FLTOVF : (unmasked & 0x12) ? FPE_FLTUND
                 : FPE_FLTRES;
        cpu_loop_exit_fault(env, EXCP_MF, SIGFPE, code, env->insn_pc);
    }
}

/* Host flags raised since mxcsr_enter, plus UE for a tiny result (n lanes
 * at res) when UM is unmasked: hardware signals underflow on tininess
 * alone then, the masked host only when inexact. */
static uint32_t host_flags(CPUX86State *env, const void *res, int n, bool f64)
{
    uint32_t flags = host_stmxcsr() & 0x3f;
    if (res && !(env->mxcsr & 0x0800) && has_tiny(res, n, f64)) {
        flags |= 0x10;
    }
    return flags;
}

static void mxcsr_leave(CPUX86State *env, uint32_t old, const void *res, int n, bool f64)
{
    uint32_t flags = host_flags(env, res, n, f64);
    host_ldmxcsr(old);
    mxcsr_commit(env, 0, flags);
}

enum { HOP_ADDSUB, HOP_HADD, HOP_HSUB };

static uint32_t stage_fix_pe(CPUX86State *env, uint32_t f, uint32_t mode, bool mul, bool f64,
                             const uint64_t *xs, const uint64_t *ys, int n);

/* The operand pairs x[i] + y[i] of the result lanes of one 128-bit lane
 * (subtractions as additions of the negated operand: same rounding and
 * flags), for stage_fix_pe. */
static int hop_pairs(int kind, bool f64, const uint8_t *a, const uint8_t *b,
                     uint64_t *xs, uint64_t *ys)
{
    int n = f64 ? 2 : 4;
    uint64_t va[4], vb[4], sign = f64 ? 1ull << 63 : 1ull << 31;

    for (int i = 0; i < n; i++) {
        va[i] = vb[i] = 0;
        memcpy(&va[i], a + i * (f64 ? 8 : 4), f64 ? 8 : 4);
        memcpy(&vb[i], b + i * (f64 ? 8 : 4), f64 ? 8 : 4);
    }
    for (int i = 0; i < n; i++) {
        if (kind == HOP_ADDSUB) {
            xs[i] = va[i];
            ys[i] = vb[i] ^ ((i & 1) ? 0 : sign);
        } else {
            const uint64_t *src = i < n / 2 ? va : vb;
            int j = 2 * (i % (n / 2));
            xs[i] = src[j];
            ys[i] = src[j + 1] ^ (kind == HOP_HSUB ? sign : 0);
        }
    }
    return n;
}

/* d = a OP b per 128-bit lane with the host instruction INSN. */
#define FP_BINOP(name, INSN, F64, KIND)                                     \
    VOP(name)                                                               \
    {                                                                       \
        X86YMMReg r;                                                        \
        uint32_t old = mxcsr_enter(env), mode = host_stmxcsr() & ~0x3fu, f; \
        for (int l = 0; l < VLANES(imm); l++) {                             \
            __m128i x = ld128(&a->b[16 * l]), y = ld128(&b->b[16 * l]);     \
            __asm__ volatile(INSN " %1, %0" : "+x"(x) : "x"(y));            \
            st128(&r.b[16 * l], x);                                         \
        }                                                                   \
        f = host_flags(env, &r, VBYTES(imm) / ((F64) ? 8 : 4), F64);        \
        if (f & ~((uint32_t)env->mxcsr >> 7) & 0x18) {                      \
            uint32_t pe = 0;                                                \
            for (int l = 0; l < VLANES(imm); l++) {                         \
                uint64_t xs[4], ys[4];                                      \
                int n = hop_pairs(KIND, F64, &a->b[16 * l], &b->b[16 * l], xs, ys); \
                pe |= stage_fix_pe(env, f, mode, false, F64, xs, ys, n) & 0x20; \
            }                                                               \
            f = (f & ~0x20u) | pe;                                          \
        }                                                                   \
        host_ldmxcsr(old);                                                  \
        mxcsr_commit(env, 0, f);                                            \
        memcpy(d, &r, VBYTES(imm));                                         \
        return 0;                                                           \
    }

FP_BINOP(addsubps, "addsubps", false, HOP_ADDSUB)
FP_BINOP(addsubpd, "addsubpd", true, HOP_ADDSUB)
FP_BINOP(haddps, "haddps", false, HOP_HADD)
FP_BINOP(haddpd, "haddpd", true, HOP_HADD)
FP_BINOP(hsubps, "hsubps", false, HOP_HSUB)
FP_BINOP(hsubpd, "hsubpd", true, HOP_HSUB)

/*
 * Instructions whose imm8 is part of the host instruction: one case per
 * meaningful imm value.  The assembler evaluates the "$(base)+k" sums.
 */
#define C1(INSN, N) case N: __asm__ volatile(INSN " $" #N ", %1, %0" : "+x"(x) : "x"(y)); break;
#define C4(INSN, N) C1(INSN, (N) + 0) C1(INSN, (N) + 1) C1(INSN, (N) + 2) C1(INSN, (N) + 3)
#define C16(INSN, N) C4(INSN, (N) + 0) C4(INSN, (N) + 4) C4(INSN, (N) + 8) C4(INSN, (N) + 12)
#define C64(INSN, N) C16(INSN, (N) + 0) C16(INSN, (N) + 16) C16(INSN, (N) + 32) C16(INSN, (N) + 48)
#define C256(INSN) C64(INSN, 0) C64(INSN, 64) C64(INSN, 128) C64(INSN, 192)

/* ROUNDxx: imm[1:0] mode, imm[2] use MXCSR.RC, imm[3] suppress PE. */
static __m128i host_round(int which, unsigned i, __m128i x, __m128i y)
{
    switch (which) {
    case 0: switch (i & 15) { C16("roundps", 0) } break;
    case 1: switch (i & 15) { C16("roundpd", 0) } break;
    case 2: switch (i & 15) { C16("roundss", 0) } break;
    default: switch (i & 15) { C16("roundsd", 0) } break;
    }
    return x;
}

#define FP_ROUND(name, WHICH, SCALAR)                                       \
    VOP(name)                                                               \
    {                                                                       \
        X86YMMReg r;                                                        \
        int lanes = (SCALAR) ? 1 : VLANES(imm);                             \
        uint32_t old = mxcsr_enter(env);                                    \
        for (int l = 0; l < lanes; l++) {                                   \
            __m128i x = ld128(&a->b[16 * l]), y = ld128(&b->b[16 * l]);     \
            st128(&r.b[16 * l], host_round(WHICH, imm, x, y));              \
        }                                                                   \
        mxcsr_leave(env, old, NULL, 0, false);                              \
        memcpy(d, &r, (SCALAR) ? 16 : VBYTES(imm));                         \
        return 0;                                                           \
    }

FP_ROUND(roundps, 0, false)
FP_ROUND(roundpd, 1, false)
FP_ROUND(roundss, 2, true)
FP_ROUND(roundsd, 3, true)

static __m128i host_dpps(unsigned i, __m128i x, __m128i y)
{
    switch (i & 0xff) { C256("dpps") }
    return x;
}

/* DPPD uses only imm[5:4] and imm[1:0]. */
static __m128i host_dppd(unsigned i, __m128i x, __m128i y)
{
    switch (i & 0x33) {
    C4("dppd", 0x00) C4("dppd", 0x10) C4("dppd", 0x20) C4("dppd", 0x30)
    }
    return x;
}

/*
 * With OM or UM unmasked, a lane that overflows or underflows reports PE
 * only if its result rounded to the destination precision with an
 * unbounded exponent is inexact (hardware delivers the scaled result).
 * The x87 computes that: precision control 24/53 bits, the guest's
 * rounding, its wide exponent range.  mul: x * y, else x + y.
 */
static bool inexact_unbounded(bool mul, bool f64, uint64_t xb, uint64_t yb, uint32_t mxcsr)
{
    long double x, y;
    uint16_t old_cw, sw = 0;
    uint16_t cw = (uint16_t)(0x007f | ((mxcsr >> 3) & 0x0c00) | (f64 ? 0x0200 : 0));

    if (f64) {
        double dx, dy;
        if ((mxcsr & 0x40) && (xb & 0x7ff0000000000000ull) == 0) {
            xb &= 0x8000000000000000ull;
        }
        if ((mxcsr & 0x40) && (yb & 0x7ff0000000000000ull) == 0) {
            yb &= 0x8000000000000000ull;
        }
        memcpy(&dx, &xb, 8);
        memcpy(&dy, &yb, 8);
        x = dx;
        y = dy;
    } else {
        float fx, fy;
        uint32_t lx = (uint32_t)xb, ly = (uint32_t)yb;
        if ((mxcsr & 0x40) && (lx & 0x7f800000u) == 0) {
            lx &= 0x80000000u;
        }
        if ((mxcsr & 0x40) && (ly & 0x7f800000u) == 0) {
            ly &= 0x80000000u;
        }
        memcpy(&fx, &lx, 4);
        memcpy(&fy, &ly, 4);
        x = fx;
        y = fy;
    }
    __asm__ volatile("fnstcw %0\n\tfninit\n\tfldcw %1" : "=m"(old_cw) : "m"(cw));
    if (mul) {
        __asm__ volatile("fldt %1\n\tfldt %2\n\tfmul %%st(1), %%st\n\tfnstsw %0\n\tfninit"
                         : "=m"(sw) : "m"(y), "m"(x));
    } else {
        __asm__ volatile("fldt %1\n\tfldt %2\n\tfadd %%st(1), %%st\n\tfnstsw %0\n\tfninit"
                         : "=m"(sw) : "m"(y), "m"(x));
    }
    __asm__ volatile("fldcw %0" : : "m"(old_cw));
    return sw & 0x20;
}

/* PE of a stage of n lanes (x[i] op y[i]) that raised an unmasked OE/UE:
 * each lane is rerun alone; those that overflow/underflow report PE per
 * inexact_unbounded, the others their own PE. */
static uint32_t stage_fix_pe(CPUX86State *env, uint32_t f, uint32_t mode, bool mul, bool f64,
                             const uint64_t *xs, const uint64_t *ys, int n)
{
    uint32_t masks = ((uint32_t)env->mxcsr >> 7) & 0x3f, pe = 0;

    if (!(f & ~masks & 0x18)) {
        return f;
    }
    for (int i = 0; i < n; i++) {
        __m128i vx = _mm_set_epi64x(0, (long long)xs[i]), vy = _mm_set_epi64x(0, (long long)ys[i]);
        uint64_t r;
        uint32_t lf;
        host_ldmxcsr(mode);
        if (f64) {
            if (mul) {
                __asm__ volatile("mulsd %1, %0" : "+x"(vx) : "x"(vy));
            } else {
                __asm__ volatile("addsd %1, %0" : "+x"(vx) : "x"(vy));
            }
        } else {
            if (mul) {
                __asm__ volatile("mulss %1, %0" : "+x"(vx) : "x"(vy));
            } else {
                __asm__ volatile("addss %1, %0" : "+x"(vx) : "x"(vy));
            }
        }
        r = (uint64_t)_mm_cvtsi128_si64(vx);
        lf = host_flags(env, &r, 1, f64);
        if (lf & ~masks & 0x18) {
            pe |= inexact_unbounded(mul, f64, xs[i], ys[i], (uint32_t)env->mxcsr) ? 0x20 : 0;
        } else {
            pe |= lf & 0x20;
        }
    }
    return (f & ~0x20u) | pe;
}

/*
 * With an exception unmasked, DPPS/DPPD stop at the stage that raised it
 * (multiplies, then the pairwise adds, then the final add), so the flags
 * of later stages never appear.  A stage runs in every 128-bit lane at
 * once (VDPPS ymm): its flags are those of both lanes, and an unmasked
 * one in either lane stops both.  dp_staged recomputes stage by stage
 * with the same host arithmetic (unselected products are +0.0 and raise
 * nothing) and raises at the first stage with an unmasked flag (an exact
 * tiny product signals UE with UM unmasked even if the sum is not tiny).
 * Used whenever an exception is unmasked; its flags then replace the
 * host DPPS's.
 */
static void dp_staged(CPUX86State *env, uint32_t old, uint32_t imm, bool f64,
                      const X86YMMReg *a, const X86YMMReg *b, int lanes)
{
    uint32_t mode = host_stmxcsr() & ~0x3fu, prior = 0, f;
    uint32_t masks = ((uint32_t)env->mxcsr >> 7) & 0x3f;
    X86YMMReg x = *a, y = *b, t;
    /* operands of the current stage, over all lanes, for stage_fix_pe */
    uint64_t xs[8], ys[8];
    int n = f64 ? 2 : 4, k;

    for (int l = 0; l < lanes; l++) {
        for (int i = 0; i < n; i++) {
            if (!((imm >> (4 + i)) & 1)) {
                if (f64) {
                    x.q[l * 2 + i] = y.q[l * 2 + i] = 0;
                } else {
                    x.l[l * 4 + i] = y.l[l * 4 + i] = 0;
                }
            }
        }
    }
    /* stage 1: the products */
    host_ldmxcsr(mode);
    for (int l = 0; l < lanes; l++) {
        __m128i vx = ld128(&x.b[16 * l]), vy = ld128(&y.b[16 * l]);
        if (f64) {
            __asm__ volatile("mulpd %1, %0" : "+x"(vx) : "x"(vy));
        } else {
            __asm__ volatile("mulps %1, %0" : "+x"(vx) : "x"(vy));
        }
        st128(&t.b[16 * l], vx);
    }
    f = host_flags(env, &t, n * lanes, f64);
    if (f & ~masks) {
        for (k = 0; k < n * lanes; k++) {
            xs[k] = f64 ? x.q[k] : x.l[k];
            ys[k] = f64 ? y.q[k] : y.l[k];
        }
        f = stage_fix_pe(env, f, mode, true, f64, xs, ys, n * lanes);
        goto raise;
    }
    prior = f;
    if (!f64) {
        /* stage 2: {T0, T2} + {T1, T3} in each lane */
        X86YMMReg s;
        memset(&s, 0, sizeof(s));
        k = 0;
        for (int l = 0; l < lanes; l++) {
            xs[k] = t.l[4 * l], ys[k++] = t.l[4 * l + 1];
            xs[k] = t.l[4 * l + 2], ys[k++] = t.l[4 * l + 3];
        }
        host_ldmxcsr(mode);
        for (int i = 0; i < k; i++) {
            __m128i vx = _mm_set_epi32(0, 0, 0, (int)xs[i]);
            __m128i vy = _mm_set_epi32(0, 0, 0, (int)ys[i]);
            __asm__ volatile("addss %1, %0" : "+x"(vx) : "x"(vy));
            s.l[i] = (uint32_t)_mm_cvtsi128_si32(vx);
        }
        f = host_flags(env, &s, k, false);
        if (f & ~masks) {
            f = stage_fix_pe(env, f, mode, false, false, xs, ys, k);
            goto raise;
        }
        prior |= f;
        for (int l = 0; l < lanes; l++) {
            t.l[2 * l] = s.l[2 * l];
            t.l[2 * l + 1] = s.l[2 * l + 1];
        }
    }
    /* last stage: the two sums (products of DPPD) of each lane */
    for (int l = 0; l < lanes; l++) {
        xs[l] = f64 ? t.q[2 * l] : t.l[2 * l];
        ys[l] = f64 ? t.q[2 * l + 1] : t.l[2 * l + 1];
    }
    host_ldmxcsr(mode);
    for (int l = 0; l < lanes; l++) {
        __m128i vx = _mm_set_epi64x(0, (long long)xs[l]), vy = _mm_set_epi64x(0, (long long)ys[l]);
        if (f64) {
            __asm__ volatile("addsd %1, %0" : "+x"(vx) : "x"(vy));
            t.q[l] = (uint64_t)_mm_cvtsi128_si64(vx);
        } else {
            __asm__ volatile("addss %1, %0" : "+x"(vx) : "x"(vy));
            t.l[l] = (uint32_t)_mm_cvtsi128_si32(vx);
        }
    }
    f = host_flags(env, &t, lanes, f64);
    f = stage_fix_pe(env, f, mode, false, f64, xs, ys, lanes);
raise:
    host_ldmxcsr(old);
    mxcsr_commit(env, prior, f);
}

VOP(dpps)
{
    X86YMMReg r;
    uint32_t old = mxcsr_enter(env);
    for (int l = 0; l < VLANES(imm); l++) {
        st128(&r.b[16 * l], host_dpps(imm, ld128(&a->b[16 * l]), ld128(&b->b[16 * l])));
    }
    if (~(uint32_t)env->mxcsr & 0x1f80) {   /* some exception unmasked */
        dp_staged(env, old, imm, false, a, b, VLANES(imm));   /* may raise */
        old = mxcsr_enter(env);
    }
    mxcsr_leave(env, old, &r, VBYTES(imm) / 4, false);
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

VOP(dppd)
{
    X86YMMReg r;
    uint32_t old = mxcsr_enter(env);
    st128(&r, host_dppd(imm, ld128(a), ld128(b)));
    if (~(uint32_t)env->mxcsr & 0x1f80) {   /* some exception unmasked */
        dp_staged(env, old, imm, true, a, b, 1);   /* may raise */
        old = mxcsr_enter(env);
    }
    mxcsr_leave(env, old, &r, 2, true);
    memcpy(d, &r, 16);
    return 0;
}

/* ---- SSE4.2 string compares ---- */

/*
 * PCMPxSTRx, imm8: [1:0] element type (ub, uw, sb, sw), [3:2] aggregation
 * (equal any, ranges, equal each, equal ordered), [5:4] polarity, [6] the
 * most significant index (I) / byte mask (M).  a = first operand (the
 * pattern), b = second (the text); la, lb are the valid element counts.
 * Returns IntRes2 and sets *flags.
 */
static unsigned pcmpstr(const X86YMMReg *a, const X86YMMReg *b, int la, int lb, uint32_t imm,
                        uint64_t *flags)
{
    bool words = imm & 1, sgn = imm & 2;
    int n = words ? 8 : 16;
    int32_t va[16], vb[16];
    unsigned res = 0, mask = (1u << n) - 1;

    for (int i = 0; i < n; i++) {
        va[i] = words ? (sgn ? (int16_t)a->w[i] : a->w[i]) : (sgn ? (int8_t)a->b[i] : a->b[i]);
        vb[i] = words ? (sgn ? (int16_t)b->w[i] : b->w[i]) : (sgn ? (int8_t)b->b[i] : b->b[i]);
    }
    switch ((imm >> 2) & 3) {
    case 0:   /* equal any: b[j] is one of a[0..la) */
        for (int j = 0; j < lb; j++) {
            for (int i = 0; i < la; i++) {
                if (va[i] == vb[j]) {
                    res |= 1u << j;
                    break;
                }
            }
        }
        break;
    case 1:   /* ranges: a[i] <= b[j] <= a[i+1] for a valid pair */
        for (int j = 0; j < lb; j++) {
            for (int i = 0; i + 1 < la; i += 2) {
                if (va[i] <= vb[j] && vb[j] <= va[i + 1]) {
                    res |= 1u << j;
                    break;
                }
            }
        }
        break;
    case 2:   /* equal each: both invalid match, one invalid does not */
        for (int i = 0; i < n; i++) {
            bool ia = i >= la, ib = i >= lb;
            if ((ia && ib) || (!ia && !ib && va[i] == vb[i])) {
                res |= 1u << i;
            }
        }
        break;
    default:  /* equal ordered: a[0..la) occurs in b at j (may run off b's end) */
        for (int j = 0; j < n; j++) {
            bool m = true;
            for (int k = 0; k < n - j && m; k++) {
                if (k >= la) {
                    break;            /* a invalid: forced true */
                }
                if (j + k >= lb || va[k] != vb[j + k]) {
                    m = false;        /* b invalid (a valid): forced false */
                }
            }
            if (m) {
                res |= 1u << j;
            }
        }
        break;
    }
    switch ((imm >> 4) & 3) {
    case 1:
        res ^= mask;
        break;
    case 3:
        res ^= mask & ((1u << lb) - 1);
        break;
    }
    *flags = (res ? CC_C : 0) | (lb < n ? CC_Z : 0) | (la < n ? CC_S : 0) | ((res & 1) ? CC_O : 0);
    return res;
}

/* Explicit length from rAX/rDX: |value| saturated to n. */
static int str_explicit_len(uint64_t v, bool w64, int n)
{
    int64_t s = w64 ? (int64_t)v : (int64_t)(int32_t)v;
    /* |INT64_MIN| is not representable but is >= n anyway */
    if (s < 0) {
        s = s == INT64_MIN ? n : -s;
    }
    return s > n ? n : (int)s;
}

/* Implicit length: index of the first zero element, or n. */
static int str_implicit_len(const X86YMMReg *r, bool words)
{
    int n = words ? 8 : 16;
    for (int i = 0; i < n; i++) {
        if ((words ? r->w[i] : r->b[i]) == 0) {
            return i;
        }
    }
    return n;
}

static uint64_t pcmpstr_lengths(CPUX86State *env, const X86YMMReg *a, const X86YMMReg *b,
                                uint32_t imm, bool expl, unsigned *res)
{
    int n = (imm & 1) ? 8 : 16;
    int la, lb;
    uint64_t flags;

    if (expl) {
        la = str_explicit_len(env->regs[R_EAX], imm & VF_W64, n);
        lb = str_explicit_len(env->regs[R_EDX], imm & VF_W64, n);
    } else {
        la = str_implicit_len(a, imm & 1);
        lb = str_implicit_len(b, imm & 1);
    }
    *res = pcmpstr(a, b, la, lb, imm, &flags);
    return flags;
}

/* The index result for ECX, returned as ECX << 32 | flags (the translator
 * writes both, as it does the host instruction's, emu/tcg/tcg-vec.h). */
static uint64_t pcmpstri(CPUX86State *env, const X86YMMReg *a, const X86YMMReg *b,
                         uint32_t imm, bool expl)
{
    unsigned res;
    uint64_t flags = pcmpstr_lengths(env, a, b, imm, expl, &res);
    uint64_t idx;

    if (!res) {
        idx = (imm & 1) ? 8 : 16;
    } else if (imm & 0x40) {
        idx = 31 - __builtin_clz(res);
    } else {
        idx = __builtin_ctz(res);
    }
    return idx << 32 | flags;
}

/* Mask result in XMM0: bits, or expanded to elements (imm[6]). */
static uint64_t pcmpstrm(CPUX86State *env, const X86YMMReg *a, const X86YMMReg *b,
                         uint32_t imm, bool expl)
{
    unsigned res;
    uint64_t flags = pcmpstr_lengths(env, a, b, imm, expl, &res);
    X86YMMReg r;

    memset(&r, 0, 16);
    if (imm & 0x40) {
        for (int i = 0; i < ((imm & 1) ? 8 : 16); i++) {
            if ((res >> i) & 1) {
                if (imm & 1) {
                    r.w[i] = 0xffff;
                } else {
                    r.b[i] = 0xff;
                }
            }
        }
    } else {
        r.q[0] = res;
    }
    memcpy(&env->xmm[0], &r, 16);
    return flags;
}

VOP(pcmpestri) { return pcmpstri(env, a, b, imm, true); }
VOP(pcmpistri) { return pcmpstri(env, a, b, imm, false); }
VOP(pcmpestrm) { return pcmpstrm(env, a, b, imm, true); }
VOP(pcmpistrm) { return pcmpstrm(env, a, b, imm, false); }

/* ---- CRC32 ---- */

/* CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), no inversion:
 * the instruction leaves pre- and post-conditioning to software. */
uint64_t helper_crc32(uint64_t crc, uint64_t val, uint64_t size)
{
    uint32_t c = (uint32_t)crc;
    for (uint64_t i = 0; i < size; i++) {
        c ^= (uint8_t)(val >> (8 * i));
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0x82f63b78u & -(c & 1));
        }
    }
    return c;
}
