/*
 * emu/x86/sse_helper.c — SSE/SSE2 and MMX lane operations (see sse_helper.h).
 *
 * Integer lane ops are plain C over the lanes of X86YMMReg (the lane count
 * follows VF_256 so AVX2 can reuse them).  Floating-point ops run the same
 * instruction on the host under the guest's MXCSR: that is the only way to
 * be bit-exact with hardware in NaN propagation, denormal handling and the
 * approximations of RCP/RSQRT without re-deriving them.
 */
#include <signal.h>
#include <string.h>
#include <emmintrin.h>

#include "emu/exec.h"
#include "sse_helper.h"
#include "fpu_helper.h"

HELPER_INFO(vec, 0, 5, false);
HELPER_INFO(vec_ret, 0, 5, true);
HELPER_INFO(vex, 0, 5, false);
HELPER_INFO(vex_ret, 0, 5, true);
HELPER_INFO(sse_misaligned, TCG_CALL_NO_RETURN, 1, false);
HELPER_INFO(ldmxcsr, 0, 2, false);
HELPER_INFO(maskmov, 0, 5, false);
HELPER_INFO(mmx_wait, 0, 1, false);
HELPER_INFO(mmx_enter, 0, 1, false);
HELPER_INFO(mmx_read, 0, 3, true);
HELPER_INFO(mmx_write, 0, 3, false);
HELPER_INFO(emms, 0, 1, false);

/* ---- MMX state ----
 *
 * Every MMX instruction first waits (a pending unmasked x87 exception is
 * #MF, before anything else can fault), then does its memory access, and
 * only then enters MMX mode: a faulting instruction leaves the x87 state
 * as it was.  Register forms wait and enter inside their one helper;
 * forms with a memory operand get helper_mmx_wait from the translator
 * before the access (and, when they store, helper_mmx_enter after it).
 */

/* Any MMX instruction: TOP = 0 and all x87 tags valid. */
static void mmx_enter(CPUX86State *env)
{
    env->fpstt = 0;
    env->fptags = 0;
}

void helper_mmx_wait(CPUX86State *env)
{
    fpu_check_pending(env);
}

void helper_mmx_enter(CPUX86State *env)
{
    fpu_check_pending(env);
    mmx_enter(env);
}

/* Writing an MMX register also sets bits 64..79 of the x87 register to 1s. */
static void mmx_set(CPUX86State *env, unsigned reg, uint64_t v)
{
    env->fpregs[reg & 7].q[0] = v;
    env->fpregs[reg & 7].q[1] = 0xffff;
}

uint64_t helper_mmx_read(CPUX86State *env, uint64_t reg, uint64_t enter)
{
    fpu_check_pending(env);
    if (enter) {
        mmx_enter(env);
    }
    return env->fpregs[reg & 7].q[0];
}

void helper_mmx_write(CPUX86State *env, uint64_t reg, uint64_t val)
{
    fpu_check_pending(env);
    mmx_enter(env);
    mmx_set(env, reg, val);
}

void helper_emms(CPUX86State *env)
{
    fpu_check_pending(env);
    env->fptags = 0xff;
    env->fpstt = 0;      /* like every MMX instruction, TOP = 0 */
}

/* ---- dispatch ---- */

uint64_t helper_vec(CPUX86State *env, uint64_t fn, uint64_t ctl, uint64_t b_lo, uint64_t b_hi)
{
    X86VecFn f = (X86VecFn)(uintptr_t)fn;
    unsigned dreg = ctl & 31, areg = (ctl >> 5) & 31;
    uint32_t imm = (uint32_t)(ctl >> 10);
    X86YMMReg b;
    uint64_t r;

    b.q[0] = b_lo;
    b.q[1] = b_hi;
    b.q[2] = b.q[3] = 0;
    if (imm & (VF_MMX | VF_MMX_DST | VF_MMX_SRC)) {
        /* MMX instructions wait like x87 ones (a memory form waited
         * before its load already); the memory source, if any, was read:
         * nothing faults from here but the FP op itself */
        fpu_check_pending(env);
        if (imm & VF_BREG_MMX) {
            b.q[0] = env->fpregs[b_lo & 7].q[0];
        }
        mmx_enter(env);
    }
    if (imm & (VF_MMX_DST | VF_MMX)) {
        X86YMMReg d, a;
        memset(&d, 0, sizeof(d));
        memset(&a, 0, sizeof(a));
        if (imm & VF_MMX_DST) {
            d.q[0] = env->fpregs[dreg & 7].q[0];
            a.q[0] = env->fpregs[areg & 7].q[0];
        }
        r = f(env, &d, &a, &b, imm);
        if (imm & VF_MMX_DST) {
            mmx_set(env, dreg, d.q[0]);
        }
        return r;   /* VF_MMX alone (PEXTRW, PMOVMSKB r, mm): d is not written */
    }
    return f(env, &env->xmm[dreg & 15], &env->xmm[areg & 15], &b, imm);
}

uint64_t helper_vec_ret(CPUX86State *env, uint64_t fn, uint64_t ctl, uint64_t b_lo, uint64_t b_hi)
{
    return helper_vec(env, fn, ctl, b_lo, b_hi);
}

/*
 * 256-bit forms of 128-bit FP ops run once per lane with the flags of
 * both lanes collected in vex_defer (>= 0 while collecting) and committed
 * together, as hardware checks every element before it raises: an
 * unmasked exception reports the flags of all lanes.
 */
static __thread int64_t vex_defer = -1;
static void mxcsr_commit(CPUX86State *env, uint32_t flags);

/* r = fn on each 128-bit lane (VX_LANES), on each half of b's low lane
 * widened (VX_WIDEN), or on each lane of b narrowed to 64 bits (VX_NARROW). */
static uint64_t vex_split(CPUX86State *env, X86VecFn f, uint64_t ctl, X86YMMReg *r,
                          const X86YMMReg *a, const X86YMMReg *b, uint32_t imm)
{
    X86YMMReg al, ah, bl, bh, rl, rh;

    imm &= ~VF_256;
    memset(&al, 0, sizeof(al));
    memset(&ah, 0, sizeof(ah));
    memset(&bl, 0, sizeof(bl));
    memset(&bh, 0, sizeof(bh));
    al.q[0] = a->q[0], al.q[1] = a->q[1];
    ah.q[0] = a->q[2], ah.q[1] = a->q[3];
    if (ctl & VX_WIDEN) {
        bl.q[0] = b->q[0];
        bh.q[0] = b->q[1];
    } else {
        bl.q[0] = b->q[0], bl.q[1] = b->q[1];
        bh.q[0] = b->q[2], bh.q[1] = b->q[3];
    }
    rl = al;
    rh = ah;
    vex_defer = 0;
    f(env, &rl, &al, &bl, imm);
    f(env, &rh, &ah, &bh, imm);
    uint32_t flags = (uint32_t)vex_defer;
    vex_defer = -1;
    mxcsr_commit(env, flags);   /* may raise: d is not written then */
    if (ctl & VX_NARROW) {
        r->q[0] = rl.q[0], r->q[1] = rh.q[0];
        r->q[2] = r->q[3] = 0;
    } else {
        r->q[0] = rl.q[0], r->q[1] = rl.q[1];
        r->q[2] = rh.q[0], r->q[3] = rh.q[1];
    }
    return 0;
}

uint64_t helper_vex(CPUX86State *env, uint64_t fn, uint64_t ctl, uint64_t b_lo, uint64_t b_hi)
{
    X86VecFn f = (X86VecFn)(uintptr_t)fn;
    X86YMMReg *d = &env->xmm[ctl & 15];
    X86YMMReg a = env->xmm[(ctl >> 5) & 15], b, r;
    uint32_t imm = (uint32_t)(ctl >> 10) & 0x3fffff;
    uint64_t ret;

    if (ctl & VX_BREG) {
        b = env->xmm[(ctl >> VX_BREG_SHIFT) & 15];
    } else if (ctl & VX_BTMP) {
        b = env->vtmp;
    } else {
        b.q[0] = b_lo;
        b.q[1] = b_hi;
        b.q[2] = b.q[3] = 0;
    }
    r = *d;   /* 128-bit ops write 16 bytes: the rest stays (or is zeroed below) */
    if (ctl & (VX_LANES | VX_WIDEN | VX_NARROW)) {
        ret = vex_split(env, f, ctl, &r, &a, &b, imm);
    } else {
        ret = f(env, &r, &a, &b, imm);
    }
    if (ctl & VX_ZUPPER) {
        r.q[2] = r.q[3] = 0;
    }
    if (!(ctl & VX_NODEST)) {
        *d = r;
    }
    return ret;
}

uint64_t helper_vex_ret(CPUX86State *env, uint64_t fn, uint64_t ctl, uint64_t b_lo, uint64_t b_hi)
{
    return helper_vex(env, fn, ctl, b_lo, b_hi);
}

void helper_sse_misaligned(CPUX86State *env)
{
    cpu_loop_exit_fault(env, EXCP_GP, SIGSEGV, SI_KERNEL, 0);
}

void helper_ldmxcsr(CPUX86State *env, uint64_t val)
{
    if ((uint32_t)val & ~MXCSR_MASK) {
        cpu_loop_exit_fault(env, EXCP_GP, SIGSEGV, SI_KERNEL, 0);
    }
    env->mxcsr = (uint32_t)val;
}

void helper_maskmov(CPUX86State *env, uint64_t data_reg, uint64_t mask_reg,
                    uint64_t addr, uint64_t mmx)
{
    uint8_t data[16], mask[16];
    int n = mmx ? 8 : 16;

    if (mmx) {
        fpu_check_pending(env);
        memcpy(data, &env->fpregs[data_reg & 7].q[0], 8);
        memcpy(mask, &env->fpregs[mask_reg & 7].q[0], 8);
    } else {
        memcpy(data, &env->xmm[data_reg & 15], 16);
        memcpy(mask, &env->xmm[mask_reg & 15], 16);
    }
    for (int i = 0; i < n; i++) {
        if (mask[i] & 0x80) {
            cpu_stb_data(env, addr + i, data[i]);
        }
    }
    if (mmx) {
        mmx_enter(env);   /* after the stores: a fault leaves x87 state alone */
    }
}

/* ---- integer lane ops ---- */

#define VOP(name) uint64_t vop_##name(CPUX86State *env, X86YMMReg *d, const X86YMMReg *a, \
                                      const X86YMMReg *b, uint32_t imm)
#define VBYTES(imm) (((imm) & VF_256) ? 32 : ((imm) & VF_MMX) ? 8 : 16)
/* 128-bit lanes (AVX2 in-lane semantics); MMX counts as one lane. */
#define VLANES(imm) (((imm) & VF_256) ? 2 : 1)

static inline __m128i ld128(const X86YMMReg *r) { return _mm_loadu_si128((const __m128i *)r); }
static inline void st128(X86YMMReg *r, __m128i v) { _mm_storeu_si128((__m128i *)r, v); }

static inline int sat_s8(int v)   { return v < -128 ? -128 : v > 127 ? 127 : v; }
static inline int sat_u8(int v)   { return v < 0 ? 0 : v > 255 ? 255 : v; }
static inline int sat_s16(int v)  { return v < -32768 ? -32768 : v > 32767 ? 32767 : v; }
static inline int sat_u16(int v)  { return v < 0 ? 0 : v > 65535 ? 65535 : v; }

/* r.F[i] = EXPR(x = (T)a.F[i], y = (T)b.F[i]) over all lanes of element
 * type T.  One body per vector size with a constant trip count, so that
 * the compiler turns the common 16-byte case into host SIMD code. */
#define LANEWISE(name, F, T, EXPR)                                          \
    static inline __attribute__((always_inline)) void                       \
    name##_lanes(X86YMMReg *r, const X86YMMReg *a, const X86YMMReg *b, const int bytes) \
    {                                                                       \
        for (int i = 0; i < bytes / (int)sizeof(a->F[0]); i++) {            \
            T x = (T)a->F[i], y = (T)b->F[i];                               \
            (void)x; (void)y;                                               \
            r->F[i] = (EXPR);                                               \
        }                                                                   \
    }                                                                       \
    VOP(name)                                                               \
    {                                                                       \
        X86YMMReg r;                                                        \
        switch (VBYTES(imm)) {                                              \
        case 16: name##_lanes(&r, a, b, 16); memcpy(d, &r, 16); break;      \
        case 8: name##_lanes(&r, a, b, 8); memcpy(d, &r, 8); break;         \
        default: name##_lanes(&r, a, b, 32); memcpy(d, &r, 32); break;      \
        }                                                                   \
        return 0;                                                           \
    }

LANEWISE(paddb, b, uint8_t, x + y)
LANEWISE(paddw, w, uint16_t, x + y)
LANEWISE(paddd, l, uint32_t, x + y)
LANEWISE(paddq, q, uint64_t, x + y)
LANEWISE(psubb, b, uint8_t, x - y)
LANEWISE(psubw, w, uint16_t, x - y)
LANEWISE(psubd, l, uint32_t, x - y)
LANEWISE(psubq, q, uint64_t, x - y)
LANEWISE(paddsb, b, int8_t, sat_s8(x + y))
LANEWISE(paddsw, w, int16_t, sat_s16(x + y))
LANEWISE(paddusb, b, uint8_t, sat_u8(x + y))
LANEWISE(paddusw, w, uint16_t, sat_u16(x + y))
LANEWISE(psubsb, b, int8_t, sat_s8(x - y))
LANEWISE(psubsw, w, int16_t, sat_s16(x - y))
LANEWISE(psubusb, b, uint8_t, sat_u8(x - y))
LANEWISE(psubusw, w, uint16_t, sat_u16(x - y))
LANEWISE(pmullw, w, int16_t, (uint16_t)((int32_t)x * y))
LANEWISE(pmulhw, w, int16_t, (uint16_t)(((int32_t)x * y) >> 16))
LANEWISE(pmulhuw, w, uint16_t, (uint16_t)(((uint32_t)x * y) >> 16))
LANEWISE(pmuludq, q, uint64_t, (uint64_t)(uint32_t)x * (uint32_t)y)
LANEWISE(pavgb, b, uint8_t, (x + y + 1) >> 1)
LANEWISE(pavgw, w, uint16_t, (x + y + 1) >> 1)
LANEWISE(pminub, b, uint8_t, x < y ? x : y)
LANEWISE(pmaxub, b, uint8_t, x > y ? x : y)
LANEWISE(pminsw, w, int16_t, x < y ? x : y)
LANEWISE(pmaxsw, w, int16_t, x > y ? x : y)
LANEWISE(pcmpeqb, b, uint8_t, x == y ? 0xff : 0)
LANEWISE(pcmpeqw, w, uint16_t, x == y ? 0xffff : 0)
LANEWISE(pcmpeqd, l, uint32_t, x == y ? 0xffffffffu : 0)
LANEWISE(pcmpgtb, b, int8_t, x > y ? 0xff : 0)
LANEWISE(pcmpgtw, w, int16_t, x > y ? 0xffff : 0)
LANEWISE(pcmpgtd, l, int32_t, x > y ? 0xffffffffu : 0)
LANEWISE(pand, q, uint64_t, x & y)
LANEWISE(pandn, q, uint64_t, ~x & y)
LANEWISE(por, q, uint64_t, x | y)
LANEWISE(pxor, q, uint64_t, x ^ y)

/* d = b: a whole-register move as a vec op (tr-sse.c, gen_vec_whole and
 * gen_vex_mov_rr); 16 or 32 bytes */
VOP(mov128)
{
    (void)env;
    (void)a;
    st128(d, ld128(b));
    if (imm & VF_256) {
        st128((X86YMMReg *)&d->q[2], ld128((const X86YMMReg *)&b->q[2]));
    }
    return 0;
}

VOP(pmaddwd)
{
    X86YMMReg r;
    int n = VBYTES(imm) / 4;
    for (int i = 0; i < n; i++) {
        int32_t p0 = (int32_t)(int16_t)a->w[2 * i] * (int16_t)b->w[2 * i];
        int32_t p1 = (int32_t)(int16_t)a->w[2 * i + 1] * (int16_t)b->w[2 * i + 1];
        r.l[i] = (uint32_t)p0 + (uint32_t)p1;   /* 0x8000*0x8000*2 wraps as hardware */
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

/* Sum of absolute byte differences per 64-bit group, in its low word. */
VOP(psadbw)
{
    X86YMMReg r;
    int n = VBYTES(imm) / 8;
    for (int i = 0; i < n; i++) {
        unsigned s = 0;
        for (int j = 0; j < 8; j++) {
            int x = a->b[8 * i + j], y = b->b[8 * i + j];
            s += x > y ? x - y : y - x;
        }
        r.q[i] = s;
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

/* Shifts by the 64-bit count in b->q[0]; counts beyond the element width
 * give 0 (logical) or the sign fill (arithmetic). */
#define SHIFT(name, F, T, BITS, EXPR, BIG)                                  \
    VOP(name)                                                               \
    {                                                                       \
        X86YMMReg r;                                                        \
        uint64_t c = b->q[0];                                               \
        int n = VBYTES(imm) / (int)sizeof(a->F[0]);                         \
        for (int i = 0; i < n; i++) {                                       \
            T x = (T)a->F[i];                                               \
            r.F[i] = c >= BITS ? (BIG) : (EXPR);                            \
        }                                                                   \
        memcpy(d, &r, VBYTES(imm));                                         \
        return 0;                                                           \
    }

SHIFT(psllw, w, uint16_t, 16, x << c, 0)
SHIFT(pslld, l, uint32_t, 32, x << c, 0)
SHIFT(psllq, q, uint64_t, 64, x << c, 0)
SHIFT(psrlw, w, uint16_t, 16, x >> c, 0)
SHIFT(psrld, l, uint32_t, 32, x >> c, 0)
SHIFT(psrlq, q, uint64_t, 64, x >> c, 0)
SHIFT(psraw, w, int16_t, 16, x >> c, x >> 15)
SHIFT(psrad, l, int32_t, 32, x >> c, x >> 31)

/* Byte shifts of each 128-bit lane by imm8 bytes. */
VOP(pslldq)
{
    X86YMMReg r;
    unsigned c = imm & 0xff;
    memset(&r, 0, sizeof(r));
    for (int l = 0; l < VLANES(imm); l++) {
        for (unsigned i = c; i < 16; i++) {
            r.b[16 * l + i] = a->b[16 * l + i - c];
        }
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

VOP(psrldq)
{
    X86YMMReg r;
    unsigned c = imm & 0xff;
    memset(&r, 0, sizeof(r));
    for (int l = 0; l < VLANES(imm); l++) {
        for (unsigned i = 0; i + c < 16; i++) {
            r.b[16 * l + i] = a->b[16 * l + i + c];
        }
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

/*
 * Packs: per 128-bit lane, the narrowed elements of a then of b.  The MMX
 * forms narrow 4+4 words (2+2 dwords) into one 64-bit register.
 */
#define PACK(name, SF, ST, DF, SAT)                                         \
    VOP(name)                                                               \
    {                                                                       \
        X86YMMReg r;                                                        \
        int bytes = (imm & VF_MMX) ? 8 : 16;                                \
        int ns = bytes / (int)sizeof(a->SF[0]);  /* source elements per lane */ \
        memset(&r, 0, sizeof(r));                                           \
        for (int l = 0; l < VLANES(imm); l++) {                             \
            int so = l * 16 / (int)sizeof(a->SF[0]);                        \
            int dof = l * 16 / (int)sizeof(r.DF[0]);                        \
            for (int i = 0; i < ns; i++) {                                  \
                r.DF[dof + i] = SAT((ST)a->SF[so + i]);                     \
                r.DF[dof + ns + i] = SAT((ST)b->SF[so + i]);                \
            }                                                               \
        }                                                                   \
        memcpy(d, &r, VBYTES(imm));                                         \
        return 0;                                                           \
    }

static inline int32_t sat_s16_32(int32_t v) { return v < -32768 ? -32768 : v > 32767 ? 32767 : v; }
PACK(packsswb, w, int16_t, b, sat_s8)
PACK(packssdw, l, int32_t, w, sat_s16_32)
PACK(packuswb, w, int16_t, b, sat_u8)

/*
 * Unpacks: interleave the low (or high) halves of each 128-bit lane of a
 * and b.  MMX: halves of the 64-bit register.
 */
#define UNPACK(name, F, HIGH)                                               \
    VOP(name)                                                               \
    {                                                                       \
        X86YMMReg r;                                                        \
        int bytes = (imm & VF_MMX) ? 8 : 16;                                \
        int ne = bytes / (int)sizeof(a->F[0]);                              \
        memset(&r, 0, sizeof(r));                                           \
        for (int l = 0; l < VLANES(imm); l++) {                             \
            int o = l * 16 / (int)sizeof(a->F[0]);                          \
            int h = (HIGH) ? ne / 2 : 0;                                    \
            for (int i = 0; i < ne / 2; i++) {                              \
                r.F[o + 2 * i] = a->F[o + h + i];                           \
                r.F[o + 2 * i + 1] = b->F[o + h + i];                       \
            }                                                               \
        }                                                                   \
        memcpy(d, &r, VBYTES(imm));                                         \
        return 0;                                                           \
    }

UNPACK(punpcklbw, b, 0)
UNPACK(punpcklwd, w, 0)
UNPACK(punpckldq, l, 0)
UNPACK(punpcklqdq, q, 0)
UNPACK(punpckhbw, b, 1)
UNPACK(punpckhwd, w, 1)
UNPACK(punpckhdq, l, 1)
UNPACK(punpckhqdq, q, 1)
UNPACK(unpcklps, l, 0)
UNPACK(unpckhps, l, 1)
UNPACK(unpcklpd, q, 0)
UNPACK(unpckhpd, q, 1)

/* PSHUFD d, b, imm: dwords of b selected by imm's 2-bit fields. */
VOP(pshufd)
{
    X86YMMReg r;
    for (int l = 0; l < VLANES(imm); l++) {
        for (int i = 0; i < 4; i++) {
            r.l[4 * l + i] = b->l[4 * l + ((imm >> (2 * i)) & 3)];
        }
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

VOP(pshuflw)
{
    X86YMMReg r = *b;
    for (int l = 0; l < VLANES(imm); l++) {
        for (int i = 0; i < 4; i++) {
            r.w[8 * l + i] = b->w[8 * l + ((imm >> (2 * i)) & 3)];
        }
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

VOP(pshufhw)
{
    X86YMMReg r = *b;
    for (int l = 0; l < VLANES(imm); l++) {
        for (int i = 0; i < 4; i++) {
            r.w[8 * l + 4 + i] = b->w[8 * l + 4 + ((imm >> (2 * i)) & 3)];
        }
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

/* PSHUFW mm, mm/m64, imm (MMX only). */
VOP(pshufw)
{
    X86YMMReg r = *b;
    for (int i = 0; i < 4; i++) {
        r.w[i] = b->w[(imm >> (2 * i)) & 3];
    }
    d->q[0] = r.q[0];
    return 0;
}

/* PEXTRW r, b, imm: returns the selected word of b (d is not written). */
VOP(pextrw)
{
    return b->w[imm & ((imm & VF_MMX) ? 3 : 7)];
}

/* PINSRW d, r/m16, imm: word imm of a replaced by the low word of b. */
VOP(pinsrw)
{
    X86YMMReg r = *a;
    r.w[imm & ((imm & VF_MMX) ? 3 : 7)] = b->w[0];
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

/* PMOVMSKB r, b: the sign bits of b's bytes. */
VOP(pmovmskb)
{
    uint64_t m = 0;
    int n = VBYTES(imm);
    if (n == 16) {
        return (uint64_t)_mm_movemask_epi8(ld128(b));
    }
    for (int i = 0; i < n; i++) {
        m |= (uint64_t)(b->b[i] >> 7) << i;
    }
    return m;
}

VOP(movmskps)
{
    uint64_t m = 0;
    int n = VBYTES(imm) / 4;
    for (int i = 0; i < n; i++) {
        m |= (uint64_t)(b->l[i] >> 31) << i;
    }
    return m;
}

VOP(movmskpd)
{
    uint64_t m = 0;
    int n = VBYTES(imm) / 8;
    for (int i = 0; i < n; i++) {
        m |= (b->q[i] >> 63) << i;
    }
    return m;
}

/* SHUFPS d, b, imm: two dwords of a, then two of b, per 128-bit lane. */
VOP(shufps)
{
    X86YMMReg r;
    for (int l = 0; l < VLANES(imm); l++) {
        int o = 4 * l;
        r.l[o + 0] = a->l[o + ((imm >> 0) & 3)];
        r.l[o + 1] = a->l[o + ((imm >> 2) & 3)];
        r.l[o + 2] = b->l[o + ((imm >> 4) & 3)];
        r.l[o + 3] = b->l[o + ((imm >> 6) & 3)];
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

VOP(shufpd)
{
    X86YMMReg r;
    for (int l = 0; l < VLANES(imm); l++) {
        int o = 2 * l;
        r.q[o + 0] = a->q[o + ((imm >> (2 * l)) & 1)];
        r.q[o + 1] = b->q[o + ((imm >> (2 * l + 1)) & 1)];
    }
    memcpy(d, &r, VBYTES(imm));
    return 0;
}

/* ---- floating point on the host under the guest MXCSR ---- */

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

/* Switch the host to the guest's rounding, FTZ and DAZ, all exceptions
 * masked and no flags; returns the host's MXCSR to restore. */
static inline uint32_t mxcsr_enter(CPUX86State *env)
{
    uint32_t old = host_stmxcsr();
    uint32_t g = (uint32_t)env->mxcsr;
    /* FTZ applies only while underflow is masked */
    host_ldmxcsr((g & ((g & 0x0800) ? 0xe040 : 0x6040)) | 0x1f80);
    return old;
}

/* Collect the flags the operation raised into the guest MXCSR; raise
 * SIGFPE (#XM) if one of them is unmasked.  Called before the result is
 * written, so an unmasked exception leaves the destination unchanged. */
/* Result lanes that can underflow, for tininess with UM unmasked. */
enum { TINY_NONE, TINY_PS, TINY_SS, TINY_PS2, TINY_PD, TINY_SD };

/* True if a result lane of kind is a nonzero denormal. */
static bool has_tiny(const void *res, int kind)
{
    uint32_t l[4];
    uint64_t q[2];
    int n;

    memcpy(l, res, 16);
    memcpy(q, res, 16);
    switch (kind) {
    case TINY_PS: case TINY_SS: case TINY_PS2:
        n = kind == TINY_PS ? 4 : kind == TINY_SS ? 1 : 2;
        for (int i = 0; i < n; i++) {
            if ((l[i] & 0x7f800000) == 0 && (l[i] & 0x007fffff) != 0) {
                return true;
            }
        }
        return false;
    case TINY_PD: case TINY_SD:
        n = kind == TINY_PD ? 2 : 1;
        for (int i = 0; i < n; i++) {
            if ((q[i] & 0x7ff0000000000000ull) == 0 && (q[i] & 0x000fffffffffffffull) != 0) {
                return true;
            }
        }
        return false;
    }
    return false;
}

static inline void mxcsr_leave(CPUX86State *env, uint32_t old);

/* The host instruction of a vec op: *x = x OP y (or OP(y)). */
typedef void (*HostVecInsn)(__m128i *x, __m128i y);

/* Which arithmetic a vec op does, for the precision check below. */
enum { XOP_NONE, XOP_ADD, XOP_SUB, XOP_MUL, XOP_DIV, XOP_CVT };

static long double lane_value(uint64_t bits, bool f64, bool daz)
{
    if (f64) {
        double d;
        if (daz && (bits & 0x7ff0000000000000ull) == 0) {
            bits &= 0x8000000000000000ull;
        }
        memcpy(&d, &bits, 8);
        return d;
    } else {
        float f;
        uint32_t l = (uint32_t)bits;
        if (daz && (l & 0x7f800000u) == 0) {
            l &= 0x80000000u;
        }
        memcpy(&f, &l, 4);
        return f;
    }
}

/*
 * With overflow or underflow unmasked, a lane reports inexact only if its
 * result rounded to the destination's precision, with an unbounded
 * exponent, is inexact.  The x87 computes exactly that: precision control
 * 24/53 bits with its wide exponent range, under the guest's rounding.
 */
static bool lane_inexact_unbounded(int xop, bool f64_in, bool f64_out, uint64_t a, uint64_t b,
                                   uint32_t mxcsr)
{
    bool daz = mxcsr & 0x40;
    long double x = lane_value(a, f64_in, daz), y = lane_value(b, f64_in, daz);
    uint16_t old_cw, sw = 0;
    uint16_t cw = (uint16_t)(0x007f | ((mxcsr >> 3) & 0x0c00) | (f64_out ? 0x0200 : 0));

    if (xop == XOP_CVT) {
        x = y;
        y = 1.0L;
        xop = XOP_MUL;
    }
    __asm__ volatile("fnstcw %0\n\tfninit\n\tfldcw %1" : "=m"(old_cw) : "m"(cw));
    switch (xop) {
    case XOP_ADD: __asm__ volatile("fldt %1\n\tfldt %2\n\tfadd %%st(1), %%st\n\tfnstsw %0\n\tfninit" : "=m"(sw) : "m"(y), "m"(x)); break;
    case XOP_SUB: __asm__ volatile("fldt %1\n\tfldt %2\n\tfsub %%st(1), %%st\n\tfnstsw %0\n\tfninit" : "=m"(sw) : "m"(y), "m"(x)); break;
    case XOP_MUL: __asm__ volatile("fldt %1\n\tfldt %2\n\tfmul %%st(1), %%st\n\tfnstsw %0\n\tfninit" : "=m"(sw) : "m"(y), "m"(x)); break;
    case XOP_DIV: __asm__ volatile("fldt %1\n\tfldt %2\n\tfdiv %%st(1), %%st\n\tfnstsw %0\n\tfninit" : "=m"(sw) : "m"(y), "m"(x)); break;
    }
    __asm__ volatile("fldcw %0" : : "m"(old_cw));
    return sw & 0x20;
}

/*
 * Flags of an operation with an unmasked overflow/underflow, lane by lane
 * (the host ran all lanes with those exceptions masked and ORed the
 * flags): each lane is rerun alone with 1.0 in the other lanes, which
 * computes exactly; a lane that overflows or underflows reports inexact
 * per lane_inexact_unbounded.
 */
static uint32_t lane_flags(CPUX86State *env, HostVecInsn insn, int xop, __m128i x, __m128i y,
                           int kind, uint32_t mode)
{
    bool f64_in = kind == TINY_PD || kind == TINY_SD || kind == TINY_PS2 || xop == XOP_CVT;
    bool f64_out = kind == TINY_PD || kind == TINY_SD;
    int lanes = (kind == TINY_SS || kind == TINY_SD) ? 1 : f64_in ? 2 : 4;
    uint32_t um = !(env->mxcsr & 0x0800), masks = ((uint32_t)env->mxcsr >> 7) & 0x3f;
    uint32_t all = 0;

    for (int i = 0; i < lanes; i++) {
        X86YMMReg xa, ya, r;
        __m128i xi, yi;
        uint32_t f;
        st128(&xa, x);
        st128(&ya, y);
        for (int j = 0; j < lanes; j++) {
            if (j != i) {
                if (f64_in) {
                    xa.q[j] = ya.q[j] = 0x3ff0000000000000ull;
                } else {
                    xa.l[j] = ya.l[j] = 0x3f800000u;
                }
            }
        }
        xi = ld128(&xa);
        yi = ld128(&ya);
        host_ldmxcsr(mode);
        insn(&xi, yi);
        f = host_stmxcsr() & 0x3f;
        st128(&r, xi);
        if (um && (f64_out ? has_tiny(&r.q[i], TINY_SD) : has_tiny(&r.l[i], TINY_SS))) {
            f |= 0x10;
        }
        if (f & ~masks & 0x18) {
            bool pe = lane_inexact_unbounded(xop, f64_in, f64_out,
                                             f64_in ? xa.q[i] : xa.l[i],
                                             f64_in ? ya.q[i] : ya.l[i], (uint32_t)env->mxcsr);
            f = (f & ~0x20u) | (pe ? 0x20 : 0);
        }
        all |= f;
    }
    return all;
}

/* Like mxcsr_leave, for operations whose result may be tiny: with UM
 * unmasked, underflow is signalled on tininess alone (exact or not), which
 * the host, running with UM masked, reports only when inexact. */
static inline void mxcsr_leave_res(CPUX86State *env, uint32_t old, const void *res, int kind,
                                   HostVecInsn insn, int xop, __m128i x, __m128i y)
{
    uint32_t cur = host_stmxcsr();
    uint32_t masks = ((uint32_t)env->mxcsr >> 7) & 0x3f;

    if (!(env->mxcsr & 0x0800) && kind != TINY_NONE && has_tiny(res, kind)) {
        cur |= 0x10;
    }
    if ((cur & ~masks & 0x18) && !(cur & ~masks & 0x07) && xop != XOP_NONE) {
        cur = (cur & ~0x3fu) | lane_flags(env, insn, xop, x, y, kind, cur & ~0x3fu);
    }
    host_ldmxcsr(cur);
    mxcsr_leave(env, old);
}

static inline void mxcsr_leave(CPUX86State *env, uint32_t old)
{
    uint32_t flags = host_stmxcsr() & 0x3f;
    host_ldmxcsr(old);
    if (vex_defer >= 0) {
        vex_defer |= flags;
        return;
    }
    mxcsr_commit(env, flags);
}

/* Merge the flags an operation raised into the guest MXCSR; #XM (SIGFPE)
 * if one of them is unmasked. */
static void mxcsr_commit(CPUX86State *env, uint32_t flags)
{
    uint32_t unmasked = flags & ~((uint32_t)env->mxcsr >> 7) & 0x3f;
    if (unmasked & 0x07) {
        /* an unmasked pre-computation exception (invalid, denormal, divide
         * by zero) stops the instruction before the result exists: the
         * post-computation flags the host also saw are not raised */
        flags &= 0x07;
        unmasked &= 0x07;
    }
    env->mxcsr |= flags;
    if (unmasked) {
        int code = (unmasked & 0x01) ? FPE_FLTINV : (unmasked & 0x04) ? FPE_FLTDIV
                 : (unmasked & 0x08) ? FPE_FLTOVF : (unmasked & 0x12) ? FPE_FLTUND
                 : FPE_FLTRES;
        cpu_loop_exit_fault(env, EXCP_MF, SIGFPE, code, env->insn_pc);
    }
}


/* d = a OP b with the host instruction INSN (packed or scalar). */
#define FP_BINOP(name, INSN, TINY, XOP)                                          \
    static void name##_host(__m128i *x, __m128i y)                          \
    {                                                                       \
        __asm__ volatile(INSN " %1, %0" : "+x"(*x) : "x"(y));               \
    }                                                                       \
    VOP(name)                                                               \
    {                                                                       \
        __m128i x = ld128(a), y = ld128(b), x0 = x;                         \
        uint32_t old = mxcsr_enter(env);                                    \
        name##_host(&x, y);                                                 \
        mxcsr_leave_res(env, old, &x, TINY, name##_host, XOP, x0, y);       \
        st128(d, x);                                                        \
        return 0;                                                           \
    }

FP_BINOP(addps, "addps", TINY_PS, XOP_ADD)
FP_BINOP(addss, "addss", TINY_SS, XOP_ADD)
FP_BINOP(addpd, "addpd", TINY_PD, XOP_ADD)
FP_BINOP(addsd, "addsd", TINY_SD, XOP_ADD)
FP_BINOP(subps, "subps", TINY_PS, XOP_SUB)
FP_BINOP(subss, "subss", TINY_SS, XOP_SUB)
FP_BINOP(subpd, "subpd", TINY_PD, XOP_SUB)
FP_BINOP(subsd, "subsd", TINY_SD, XOP_SUB)
FP_BINOP(mulps, "mulps", TINY_PS, XOP_MUL)
FP_BINOP(mulss, "mulss", TINY_SS, XOP_MUL)
FP_BINOP(mulpd, "mulpd", TINY_PD, XOP_MUL)
FP_BINOP(mulsd, "mulsd", TINY_SD, XOP_MUL)
FP_BINOP(divps, "divps", TINY_PS, XOP_DIV)
FP_BINOP(divss, "divss", TINY_SS, XOP_DIV)
FP_BINOP(divpd, "divpd", TINY_PD, XOP_DIV)
FP_BINOP(divsd, "divsd", TINY_SD, XOP_DIV)
FP_BINOP(minps, "minps", TINY_NONE, XOP_NONE)
FP_BINOP(minss, "minss", TINY_NONE, XOP_NONE)
FP_BINOP(minpd, "minpd", TINY_NONE, XOP_NONE)
FP_BINOP(minsd, "minsd", TINY_NONE, XOP_NONE)
FP_BINOP(maxps, "maxps", TINY_NONE, XOP_NONE)
FP_BINOP(maxss, "maxss", TINY_NONE, XOP_NONE)
FP_BINOP(maxpd, "maxpd", TINY_NONE, XOP_NONE)
FP_BINOP(maxsd, "maxsd", TINY_NONE, XOP_NONE)
/* scalar forms keep a's upper lanes: "+x" on a copy of a */
FP_BINOP(sqrtss, "sqrtss", TINY_NONE, XOP_NONE)
FP_BINOP(sqrtsd, "sqrtsd", TINY_NONE, XOP_NONE)
FP_BINOP(rcpss, "rcpss", TINY_NONE, XOP_NONE)
FP_BINOP(rsqrtss, "rsqrtss", TINY_NONE, XOP_NONE)
FP_BINOP(cvtss2sd, "cvtss2sd", TINY_NONE, XOP_NONE)
FP_BINOP(cvtsd2ss, "cvtsd2ss", TINY_SS, XOP_CVT)

/* d = OP(b), whole register written by the host instruction. */
#define FP_UNOP(name, INSN, TINY, XOP)                                           \
    static void name##_host(__m128i *x, __m128i y)                          \
    {                                                                       \
        __asm__ volatile(INSN " %1, %0" : "=x"(*x) : "x"(y));               \
    }                                                                       \
    VOP(name)                                                               \
    {                                                                       \
        __m128i x, y = ld128(b);                                            \
        uint32_t old = mxcsr_enter(env);                                    \
        name##_host(&x, y);                                                 \
        mxcsr_leave_res(env, old, &x, TINY, name##_host, XOP, y, y);        \
        st128(d, x);                                                        \
        return 0;                                                           \
    }

FP_UNOP(sqrtps, "sqrtps", TINY_NONE, XOP_NONE)
FP_UNOP(sqrtpd, "sqrtpd", TINY_NONE, XOP_NONE)
FP_UNOP(rcpps, "rcpps", TINY_NONE, XOP_NONE)
FP_UNOP(rsqrtps, "rsqrtps", TINY_NONE, XOP_NONE)
FP_UNOP(cvtpd2dq, "cvtpd2dq", TINY_NONE, XOP_NONE)
FP_UNOP(cvttpd2dq, "cvttpd2dq", TINY_NONE, XOP_NONE)
FP_UNOP(cvtdq2pd, "cvtdq2pd", TINY_NONE, XOP_NONE)
FP_UNOP(cvtps2pd, "cvtps2pd", TINY_NONE, XOP_NONE)
FP_UNOP(cvtpd2ps, "cvtpd2ps", TINY_PS2, XOP_CVT)
FP_UNOP(cvtdq2ps, "cvtdq2ps", TINY_NONE, XOP_NONE)
FP_UNOP(cvtps2dq, "cvtps2dq", TINY_NONE, XOP_NONE)
FP_UNOP(cvttps2dq, "cvttps2dq", TINY_NONE, XOP_NONE)
FP_UNOP(cvtpi2pd, "cvtdq2pd", TINY_NONE, XOP_NONE)   /* same lanes: the low two dwords of b */

/* CMPccPS/SS/PD/SD with predicate imm & 7 (legacy encodings). */
#define CMP_CASE(INSN, N) \
    case N: __asm__ volatile(INSN " $" #N ", %1, %0" : "+x"(x) : "x"(y)); break;
#define FP_CMP(name, INSN)                                                  \
    VOP(name)                                                               \
    {                                                                       \
        __m128i x = ld128(a), y = ld128(b);                                 \
        uint32_t old = mxcsr_enter(env);                                    \
        switch (imm & 7) {                                                  \
        CMP_CASE(INSN, 0) CMP_CASE(INSN, 1) CMP_CASE(INSN, 2) CMP_CASE(INSN, 3) \
        CMP_CASE(INSN, 4) CMP_CASE(INSN, 5) CMP_CASE(INSN, 6) CMP_CASE(INSN, 7) \
        }                                                                   \
        mxcsr_leave(env, old);                                              \
        st128(d, x);                                                        \
        return 0;                                                           \
    }

FP_CMP(cmpps, "cmpps")
FP_CMP(cmpss, "cmpss")
FP_CMP(cmppd, "cmppd")
FP_CMP(cmpsd, "cmpsd")

/*
 * VCMPccPS/SS/PD/SD with the 32 VEX predicates, from the legacy ones: each
 * predicate is a set of the four relations {LT, EQ, GT, UN}, and bit 4
 * swaps quiet and signalling.  The results come from the quiet compares
 * EQ (0), UNORD (3) and the signalling LT (1); the flags from one run of
 * EQ (quiet) or LT (signalling), which raise exactly what the predicate
 * raises (IE on SNaN, or on any NaN; DE on denormal operands).
 */
static const uint8_t vcmp_rel[16] = {   /* 1 = LT, 2 = EQ, 4 = GT, 8 = UN */
    2, 1, 3, 8, 13, 14, 12, 7, 10, 9, 11, 0, 5, 6, 4, 15,
};

#define FP_VCMP(name, INSN)                                                 \
    VOP(name)                                                               \
    {                                                                       \
        __m128i x = ld128(a), y = ld128(b), lt = x, eq = x, un = x, f = x;  \
        unsigned p = imm & 31, rel = vcmp_rel[p & 15];                      \
        bool sig = (((p & 3) == 1) || ((p & 3) == 2)) ^ (p >= 16);          \
        uint32_t old = mxcsr_enter(env), mode = host_stmxcsr();             \
        __asm__ volatile(INSN " $1, %1, %0" : "+x"(lt) : "x"(y));           \
        __asm__ volatile(INSN " $0, %1, %0" : "+x"(eq) : "x"(y));           \
        __asm__ volatile(INSN " $3, %1, %0" : "+x"(un) : "x"(y));           \
        host_ldmxcsr(mode);                                                 \
        if (sig) {                                                          \
            __asm__ volatile(INSN " $1, %1, %0" : "+x"(f) : "x"(y));        \
        } else {                                                            \
            __asm__ volatile(INSN " $0, %1, %0" : "+x"(f) : "x"(y));        \
        }                                                                   \
        mxcsr_leave(env, old);                                              \
        __m128i gt = _mm_andnot_si128(_mm_or_si128(_mm_or_si128(lt, eq), un), \
                                      _mm_set1_epi32(-1));                  \
        __m128i m = _mm_setzero_si128();                                    \
        if (rel & 1) m = _mm_or_si128(m, lt);                               \
        if (rel & 2) m = _mm_or_si128(m, eq);                               \
        if (rel & 4) m = _mm_or_si128(m, gt);                               \
        if (rel & 8) m = _mm_or_si128(m, un);                               \
        vcmp_store(d, a, m, VCMP_LANE_##name);                              \
        return 0;                                                           \
    }

/* Packed: all of m.  Scalar: the low element of m, the rest from a. */
enum { VCMP_LANE_vcmpps = 16, VCMP_LANE_vcmppd = 16, VCMP_LANE_vcmpss = 4, VCMP_LANE_vcmpsd = 8 };

static inline void vcmp_store(X86YMMReg *d, const X86YMMReg *a, __m128i m, int bytes)
{
    X86YMMReg r;
    st128(&r, m);
    if (bytes < 16) {
        X86YMMReg t = *a;
        memcpy(&t, &r, bytes);
        r = t;
    }
    memcpy(d, &r, 16);
}

FP_VCMP(vcmpps, "cmpps")
FP_VCMP(vcmpss, "cmpss")
FP_VCMP(vcmppd, "cmppd")
FP_VCMP(vcmpsd, "cmpsd")

/* (U)COMISS/SD: returns RFLAGS arithmetic bits (ZF PF CF; OF SF AF clear).
 * d is not written. */
#define FP_COMI(name, INSN)                                                 \
    VOP(name)                                                               \
    {                                                                       \
        __m128i x = ld128(a), y = ld128(b);                                 \
        bool z, p, c;                                                       \
        uint32_t old = mxcsr_enter(env);                                    \
        __asm__ volatile(INSN " %3, %4" : "=@ccz"(z), "=@ccp"(p), "=@ccc"(c) \
                         : "x"(y), "x"(x));                                 \
        mxcsr_leave(env, old);                                              \
        return (z ? CC_Z : 0) | (p ? CC_P : 0) | (c ? CC_C : 0);            \
    }

FP_COMI(comiss, "comiss")
FP_COMI(ucomiss, "ucomiss")
FP_COMI(comisd, "comisd")
FP_COMI(ucomisd, "ucomisd")

/* CVTSI2SS/SD d, r/m32|64 (VF_W64): integer in b->q[0]; a's upper lanes kept. */
#define CVT_I2F(name, INSN)                                                 \
    VOP(name)                                                               \
    {                                                                       \
        __m128i x = ld128(a);                                               \
        uint32_t old = mxcsr_enter(env);                                    \
        if (imm & VF_W64) {                                                 \
            int64_t v = (int64_t)b->q[0];                                   \
            __asm__ volatile(INSN "q %1, %0" : "+x"(x) : "r"(v));           \
        } else {                                                            \
            int32_t v = (int32_t)b->l[0];                                   \
            __asm__ volatile(INSN "l %1, %0" : "+x"(x) : "r"(v));           \
        }                                                                   \
        mxcsr_leave(env, old);                                              \
        st128(d, x);                                                        \
        return 0;                                                           \
    }

CVT_I2F(cvtsi2ss, "cvtsi2ss")
CVT_I2F(cvtsi2sd, "cvtsi2sd")

/* CVT(T)SS/SD2SI r32|64, b: returns the integer (32-bit forms zero-extended). */
#define CVT_F2I(name, INSN)                                                 \
    VOP(name)                                                               \
    {                                                                       \
        __m128i y = ld128(b);                                               \
        uint64_t r;                                                         \
        uint32_t old = mxcsr_enter(env);                                    \
        if (imm & VF_W64) {                                                 \
            int64_t v;                                                      \
            __asm__ volatile(INSN " %1, %0" : "=r"(v) : "x"(y));            \
            r = (uint64_t)v;                                                \
        } else {                                                            \
            int32_t v;                                                      \
            __asm__ volatile(INSN " %1, %0" : "=r"(v) : "x"(y));            \
            r = (uint32_t)v;                                                \
        }                                                                   \
        mxcsr_leave(env, old);                                              \
        return r;                                                           \
    }

CVT_F2I(cvtss2si, "cvtss2si")
CVT_F2I(cvttss2si, "cvttss2si")
CVT_F2I(cvtsd2si, "cvtsd2si")
CVT_F2I(cvttsd2si, "cvttsd2si")

/* CVTPI2PS d, mm/m64: two dwords to floats in d's low half (upper kept).
 * cvtdq2ps on zero upper lanes raises nothing, so flags are exact. */
VOP(cvtpi2ps)
{
    __m128i x, y = _mm_set_epi64x(0, (long long)b->q[0]);
    X86YMMReg r = *a;
    uint32_t old = mxcsr_enter(env);
    __asm__ volatile("cvtdq2ps %1, %0" : "=x"(x) : "x"(y));
    mxcsr_leave(env, old);
    r.q[0] = (uint64_t)_mm_cvtsi128_si64(x);
    memcpy(d, &r, 16);
    return 0;
}

/* MMX destinations: the low 64 bits of the 128-bit conversion of b with
 * zeroed upper lanes (which convert exactly). */
#define CVT_TO_MMX(name, INSN, ZERO_HI)                                     \
    VOP(name)                                                               \
    {                                                                       \
        __m128i x, y = (ZERO_HI) ? _mm_set_epi64x(0, (long long)b->q[0]) : ld128(b); \
        uint32_t old = mxcsr_enter(env);                                    \
        __asm__ volatile(INSN " %1, %0" : "=x"(x) : "x"(y));                \
        mxcsr_leave(env, old);                                              \
        d->q[0] = (uint64_t)_mm_cvtsi128_si64(x);                           \
        return 0;                                                           \
    }

CVT_TO_MMX(cvtps2pi, "cvtps2dq", 1)
CVT_TO_MMX(cvttps2pi, "cvttps2dq", 1)
CVT_TO_MMX(cvtpd2pi, "cvtpd2dq", 0)
CVT_TO_MMX(cvttpd2pi, "cvttpd2dq", 0)
