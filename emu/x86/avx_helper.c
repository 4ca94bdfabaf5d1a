/*
 * emu/x86/avx_helper.c — helpers of the AVX/AVX2-only instructions
 * (permutes, broadcasts, gathers, masked moves, F16C) and XSAVE; FMA is
 * in fma_helper.c.  See avx_helper.h for the calling contract.
 *
 * F16C is executed with the host's own instructions (under the guest
 * MXCSR, flags per simd_exc.h), which makes it bit-exact with hardware in
 * rounding, NaN propagation and flags; a host without F16C raises #UD for
 * VCVTPH2PS/VCVTPS2PH.
 */
#include <signal.h>
#include <string.h>
#include <immintrin.h>

#include "emu/exec.h"
#include "softmmu/softmmu.h"
#include "avx_helper.h"
#include "cpu-model.h"
#include "fpu_helper.h"
#include "simd_exc.h"
#include "sse_helper.h"

HELPER_INFO(avx, 0, 4, false);
HELPER_INFO(avx_ret, 0, 4, true);
HELPER_INFO(avx_maskload, 0, 3, false);
HELPER_INFO(avx_maskstore, 0, 3, false);
HELPER_INFO(avx_gather, 0, 4, false);
HELPER_INFO(avx_cvtps2ph_st, 0, 3, false);
HELPER_INFO(xsave, 0, 3, false);
HELPER_INFO(xrstor, 0, 3, false);

#define AVX_HOST __attribute__((target("avx2,f16c")))

static void __attribute__((noreturn)) raise_gp(CPUX86State *env)
{
    cpu_loop_exit_fault(env, EXCP_GP, SIGSEGV, SI_KERNEL, 0);
}

static void __attribute__((noreturn)) raise_ud(CPUX86State *env)
{
    env->fault_signo = SIGILL;
    env->ud_unimplemented = true;
    cpu_loop_exit_restore(env, EXCP_UD);
}

/* ---- guest memory ---- */

/* Read n bytes (1, 2, 4, 8, 16 or 32) at addr into p. */
static void ld_bytes(CPUX86State *env, uint64_t addr, void *p, unsigned n)
{
    uint8_t *b = p;
    uint64_t v;

    switch (n) {
    case 1: v = cpu_ldub_data(env, addr); memcpy(b, &v, 1); return;
    case 2: v = cpu_lduw_data(env, addr); memcpy(b, &v, 2); return;
    case 4: v = cpu_ldl_data(env, addr); memcpy(b, &v, 4); return;
    }
    for (unsigned i = 0; i < n; i += 8) {
        v = cpu_ldq_data(env, addr + i);
        memcpy(b + i, &v, 8);
    }
}

static void st_bytes(CPUX86State *env, uint64_t addr, const void *p, unsigned n)
{
    const uint8_t *b = p;
    uint64_t v = 0;

    switch (n) {
    case 1: memcpy(&v, b, 1); cpu_stb_data(env, addr, v); return;
    case 2: memcpy(&v, b, 2); cpu_stw_data(env, addr, v); return;
    case 4: memcpy(&v, b, 4); cpu_stl_data(env, addr, v); return;
    }
    for (unsigned i = 0; i < n; i += 8) {
        memcpy(&v, b + i, 8);
        cpu_stq_data(env, addr + i, v);
    }
}

/* Fault now (precisely, writing nothing) unless [addr, addr+len) is all
 * writable: a multi-part store then either completes or leaves memory as
 * it was.  The faulting access is redone through the softmmu so the
 * signal carries the address and code a real access would. */
static void probe_write(CPUX86State *env, uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len;

    while (addr < end) {
        uint64_t next = (addr | 4095) + 1;
        if (next > end) {
            next = end;
        }
        if (!mm_access_ok(addr, next - addr, MM_WRITE)) {
            uint64_t old = cpu_ldub_data(env, addr);
            cpu_stb_data(env, addr, old);   /* faults: not writable */
        }
        addr = next;
    }
}

/* ---- the generic helper ---- */

static uint64_t avx_run(CPUX86State *env, uint64_t fn, uint64_t ctl, uint64_t addr)
{
    AvxFn f = (AvxFn)(uintptr_t)fn;
    X86YMMReg r, w, d;
    const X86YMMReg *v = &env->xmm[AVX_V(ctl)];
    uint64_t ret;

    if (ctl & AF_MEM) {
        memset(&w, 0, sizeof(w));
        ld_bytes(env, addr, &w, AVX_MSIZE(ctl));
    } else {
        w = env->xmm[AVX_RM(ctl)];
    }
    d = env->xmm[AVX_D(ctl)];
    memset(&r, 0, sizeof(r));
    ret = f(env, &r, v, &w, &d, &env->xmm[AVX_X(ctl)], ctl);
    if (!(ctl & AF_NOWRITE)) {
        if (!(ctl & AF_L)) {
            memset(&r.q[2], 0, 16);
        }
        env->xmm[AVX_D(ctl)] = r;
    }
    return ret;
}

uint64_t helper_avx(CPUX86State *env, uint64_t fn, uint64_t ctl, uint64_t addr)
{
    return avx_run(env, fn, ctl, addr);
}

uint64_t helper_avx_ret(CPUX86State *env, uint64_t fn, uint64_t ctl, uint64_t addr)
{
    return avx_run(env, fn, ctl, addr);
}

#define NBYTES(ctl) (((ctl) & AF_L) ? 32 : 16)

/* An AVX op as an X86VecFn (AVX_VEC_OPS): r from zero, written whole (a
 * VEX.128 result has bits 255:128 zero, as helper_avx leaves them). */
static uint64_t avx_as_vop(AvxFn f, CPUX86State *env, X86YMMReg *d, const X86YMMReg *a,
                           const X86YMMReg *b, uint32_t imm, unsigned msize)
{
    X86YMMReg r, v = *a, w = *b, old = *d, x;
    uint64_t ctl = AVX_CTL(0, 0, 0, 0, imm & 0xff, msize) | ((imm & VF_256) ? AF_L : 0);
    uint64_t ret;

    memset(&r, 0, sizeof(r));
    memset(&x, 0, sizeof(x));
    ret = f(env, &r, &v, &w, &old, &x, ctl);
    *d = r;
    return ret;
}

#define AVX_VOP(name, fn, msize)                                                          \
    uint64_t vop_avx_##name(CPUX86State *env, X86YMMReg *d, const X86YMMReg *a,           \
                            const X86YMMReg *b, uint32_t imm)                             \
    {                                                                                     \
        return avx_as_vop(avx_##fn, env, d, a, b, imm, msize);                            \
    }
AVXOP(broadcast); AVXOP(permd); AVXOP(permq); AVXOP(perm2x128); AVXOP(insert128);
AVXOP(pblendd); AVXOP(psllvd); AVXOP(psllvq); AVXOP(psrlvd); AVXOP(psrlvq); AVXOP(psravd);
AVX_VOP(broadcast1, broadcast, 1)
AVX_VOP(broadcast2, broadcast, 2)
AVX_VOP(broadcast4, broadcast, 4)
AVX_VOP(broadcast8, broadcast, 8)
AVX_VOP(permd, permd, 0)
AVX_VOP(permq, permq, 0)
AVX_VOP(perm2x128, perm2x128, 0)
AVX_VOP(insert128, insert128, 0)
AVX_VOP(pblendd, pblendd, 0)
AVX_VOP(psllvd, psllvd, 0)
AVX_VOP(psllvq, psllvq, 0)
AVX_VOP(psrlvd, psrlvd, 0)
AVX_VOP(psrlvq, psrlvq, 0)
AVX_VOP(psravd, psravd, 0)

/* ---- broadcasts, permutes, inserts ---- */

/* r = the low msize bytes of w, repeated */
AVXOP(broadcast)
{
    unsigned m = AVX_MSIZE(ctl) ? AVX_MSIZE(ctl) : 16;
    for (unsigned i = 0; i < NBYTES(ctl); i += m) {
        memcpy(r->b + i, w->b, m);
    }
    return 0;
}

/* VPERMD/VPERMPS: r.l[i] = w.l[v.l[i] & 7] */
AVXOP(permd)
{
    for (int i = 0; i < 8; i++) {
        r->l[i] = w->l[v->l[i] & 7];
    }
    return 0;
}

/* VPERMQ/VPERMPD: r.q[i] = w.q[imm field i] */
AVXOP(permq)
{
    unsigned imm = AVX_IMM(ctl);
    for (int i = 0; i < 4; i++) {
        r->q[i] = w->q[(imm >> (2 * i)) & 3];
    }
    return 0;
}

/* VPERM2F128/VPERM2I128: each lane from v or w's lanes, or zero */
AVXOP(perm2x128)
{
    unsigned imm = AVX_IMM(ctl);
    for (int l = 0; l < 2; l++) {
        unsigned sel = (imm >> (4 * l)) & 15;
        const X86YMMReg *s = (sel & 2) ? w : v;
        if (sel & 8) {
            r->q[2 * l] = r->q[2 * l + 1] = 0;
        } else {
            r->q[2 * l] = s->q[2 * (sel & 1)];
            r->q[2 * l + 1] = s->q[2 * (sel & 1) + 1];
        }
    }
    return 0;
}

/* VPERMILPS (variable): r.l[i] = v.l[in-lane w.l[i] & 3] */
AVXOP(permilps_var)
{
    for (unsigned i = 0; i < NBYTES(ctl) / 4; i++) {
        r->l[i] = v->l[(i & ~3u) + (w->l[i] & 3)];
    }
    return 0;
}

/* VPERMILPD (variable): r.q[i] = v.q[in-lane bit 1 of w.q[i]] */
AVXOP(permilpd_var)
{
    for (unsigned i = 0; i < NBYTES(ctl) / 8; i++) {
        r->q[i] = v->q[(i & ~1u) + ((w->q[i] >> 1) & 1)];
    }
    return 0;
}

/* VPERMILPS (imm): r.l[i] = w.l[in-lane imm field i%4] */
AVXOP(permilps_imm)
{
    unsigned imm = AVX_IMM(ctl);
    for (unsigned i = 0; i < NBYTES(ctl) / 4; i++) {
        r->l[i] = w->l[(i & ~3u) + ((imm >> (2 * (i & 3))) & 3)];
    }
    return 0;
}

/* VPERMILPD (imm): r.q[i] = w.q[in-lane imm bit i] */
AVXOP(permilpd_imm)
{
    unsigned imm = AVX_IMM(ctl);
    for (unsigned i = 0; i < NBYTES(ctl) / 8; i++) {
        r->q[i] = w->q[(i & ~1u) + ((imm >> i) & 1)];
    }
    return 0;
}

/* VINSERTF128/I128: r = v with lane imm&1 = w's low lane */
AVXOP(insert128)
{
    unsigned l = AVX_IMM(ctl) & 1;
    *r = *v;
    r->q[2 * l] = w->q[0];
    r->q[2 * l + 1] = w->q[1];
    return 0;
}

/* VEXTRACTF128/I128 to a register: r = lane imm&1 of w (the V operand) */
AVXOP(extract128)
{
    unsigned l = AVX_IMM(ctl) & 1;
    r->q[0] = w->q[2 * l];
    r->q[1] = w->q[2 * l + 1];
    return 0;
}

/* VPBLENDD: r.l[i] = imm bit i ? w.l[i] : v.l[i] */
AVXOP(pblendd)
{
    unsigned imm = AVX_IMM(ctl);
    for (unsigned i = 0; i < NBYTES(ctl) / 4; i++) {
        r->l[i] = ((imm >> i) & 1) ? w->l[i] : v->l[i];
    }
    return 0;
}

/* VTESTPS/VTESTPD: ZF = no sign bit in d & w, CF = none in ~d & w; the
 * other arithmetic flags clear.  (d is the V operand here.) */
static uint64_t vtest(const X86YMMReg *a, const X86YMMReg *b, uint64_t ctl, uint64_t sign)
{
    uint64_t and = 0, andn = 0;
    for (unsigned i = 0; i < NBYTES(ctl) / 8; i++) {
        and |= a->q[i] & b->q[i];
        andn |= ~a->q[i] & b->q[i];
    }
    return ((and & sign) ? 0 : CC_Z) | ((andn & sign) ? 0 : CC_C);
}

AVXOP(vtestps) { return vtest(d, w, ctl, 0x8000000080000000ull); }
AVXOP(vtestpd) { return vtest(d, w, ctl, 0x8000000000000000ull); }

/* ---- variable shifts ---- */

AVXOP(psllvd)
{
    for (unsigned i = 0; i < NBYTES(ctl) / 4; i++) {
        r->l[i] = w->l[i] > 31 ? 0 : v->l[i] << w->l[i];
    }
    return 0;
}

AVXOP(psllvq)
{
    for (unsigned i = 0; i < NBYTES(ctl) / 8; i++) {
        r->q[i] = w->q[i] > 63 ? 0 : v->q[i] << w->q[i];
    }
    return 0;
}

AVXOP(psrlvd)
{
    for (unsigned i = 0; i < NBYTES(ctl) / 4; i++) {
        r->l[i] = w->l[i] > 31 ? 0 : v->l[i] >> w->l[i];
    }
    return 0;
}

AVXOP(psrlvq)
{
    for (unsigned i = 0; i < NBYTES(ctl) / 8; i++) {
        r->q[i] = w->q[i] > 63 ? 0 : v->q[i] >> w->q[i];
    }
    return 0;
}

AVXOP(psravd)
{
    for (unsigned i = 0; i < NBYTES(ctl) / 4; i++) {
        uint32_t c = w->l[i] > 31 ? 31 : w->l[i];
        r->l[i] = (uint32_t)((int32_t)v->l[i] >> c);
    }
    return 0;
}

/* ---- F16C (host instruction; see the top of the file) ---- */

static bool host_f16c(void)
{
    static int has = -1;
    if (has < 0) {
        has = __builtin_cpu_supports("f16c") ? 1 : 0;
    }
    return has;
}

static AVX_HOST void cvtph2ps_h(X86YMMReg *r, const X86YMMReg *w, bool l256)
{
    __m128i s = _mm_loadu_si128((const __m128i *)w);
    if (l256) {
        __m256i x;
        __asm__ volatile("vcvtph2ps %1, %0" : "=x"(x) : "x"(s));
        _mm256_storeu_si256((__m256i *)r, x);
    } else {
        __m128i x;
        __asm__ volatile("vcvtph2ps %1, %0" : "=x"(x) : "x"(s));
        _mm_storeu_si128((__m128i *)r, x);
    }
}

/* VCVTPH2PS: r = singles of the halves in w */
AVXOP(cvtph2ps)
{
    if (!host_f16c()) {
        raise_ud(env);
    }
    uint32_t old = simd_fp_enter(env);
    cvtph2ps_h(r, w, (ctl & AF_L) != 0);
    simd_fp_commit(env, old, simd_fp_flags(env, NULL, 0, 4));   /* exact: IE, DE only */
    return 0;
}

#define PS2PH_CASE(N)                                                       \
    case N:                                                                 \
        if (l256) {                                                         \
            __asm__ volatile("vcvtps2ph $" #N ", %1, %0" : "=x"(x) : "x"(y256)); \
        } else {                                                            \
            __asm__ volatile("vcvtps2ph $" #N ", %1, %0" : "=x"(x) : "x"(y128)); \
        }                                                                   \
        break;

static AVX_HOST void cvtps2ph_h(X86YMMReg *r, const X86YMMReg *s, bool l256, unsigned imm)
{
    __m256i y256 = _mm256_loadu_si256((const __m256i *)s);
    __m128i y128 = _mm_loadu_si128((const __m128i *)s);
    __m128i x;
    switch (imm & 7) {
    PS2PH_CASE(0) PS2PH_CASE(1) PS2PH_CASE(2) PS2PH_CASE(3)
    PS2PH_CASE(4) PS2PH_CASE(5) PS2PH_CASE(6) PS2PH_CASE(7)
    }
    _mm_storeu_si128((__m128i *)r, x);
}

/*
 * VCVTPS2PH of the singles s into the halves t, run from mode (flags
 * clear): the flags hardware reports.  With OM/UM unmasked and raised,
 * each element is converted alone; one that overflows or is tiny gets
 * its PE from simd_f16_inexact (simd_exc.h).
 */
static uint32_t cvtps2ph_flags(CPUX86State *env, const X86YMMReg *s, const X86YMMReg *t,
                               bool l256, unsigned imm, uint32_t mode)
{
    unsigned n = l256 ? 8 : 4;
    uint32_t flags = simd_fp_flags(env, t, n * 2, 2), unm = simd_unmasked(env), all = 0;

    if (!(flags & unm & (MX_OE | MX_UE)) || (flags & unm & (MX_IE | MX_DE | MX_ZE))) {
        return flags;
    }
    for (unsigned i = 0; i < n; i++) {
        X86YMMReg ls, lt;
        memset(&ls, 0, sizeof(ls));
        ls.l[i] = s->l[i];
        simd_host_ldmxcsr(mode);
        cvtps2ph_h(&lt, &ls, l256, imm);
        uint32_t f = simd_fp_flags(env, &lt.b[2 * i], 2, 2);
        if (f & unm & (MX_OE | MX_UE)) {
            f = (f & ~MX_PE) | (simd_f16_inexact(s->l[i]) ? MX_PE : 0);
        }
        all |= f;
    }
    return all;
}

/* VCVTPS2PH to a register: r = halves of the singles of w (here the V
 * operand), rounding imm (bit 2: MXCSR.RC) */
AVXOP(cvtps2ph)
{
    if (!host_f16c()) {
        raise_ud(env);
    }
    X86YMMReg t;
    memset(&t, 0, sizeof(t));
    uint32_t old = simd_fp_enter(env), mode = simd_host_stmxcsr();
    cvtps2ph_h(&t, w, (ctl & AF_L) != 0, AVX_IMM(ctl));
    simd_fp_commit(env, old, cvtps2ph_flags(env, w, &t, (ctl & AF_L) != 0, AVX_IMM(ctl), mode));
    memcpy(r, &t, 16);
    return 0;
}

void helper_avx_cvtps2ph_st(CPUX86State *env, uint64_t ctl, uint64_t addr)
{
    X86YMMReg t;
    unsigned n = (ctl & AF_L) ? 16 : 8;

    if (!host_f16c()) {
        raise_ud(env);
    }
    memset(&t, 0, sizeof(t));
    probe_write(env, addr, n);
    uint32_t old = simd_fp_enter(env), mode = simd_host_stmxcsr();
    cvtps2ph_h(&t, &env->xmm[AVX_RM(ctl)], (ctl & AF_L) != 0, AVX_IMM(ctl));
    simd_fp_commit(env, old, cvtps2ph_flags(env, &env->xmm[AVX_RM(ctl)], &t, (ctl & AF_L) != 0,
                                            AVX_IMM(ctl), mode));
    st_bytes(env, addr, &t, n);
}

/* ---- masked moves ---- */

static bool mask_set(const X86YMMReg *m, unsigned i, unsigned esize)
{
    return esize == 4 ? (m->l[i] >> 31) : (m->q[i] >> 63);
}

void helper_avx_maskload(CPUX86State *env, uint64_t ctl, uint64_t addr)
{
    unsigned esize = AVX_IMM(ctl), n = NBYTES(ctl) / esize;
    const X86YMMReg *m = &env->xmm[AVX_V(ctl)];
    X86YMMReg r;

    memset(&r, 0, sizeof(r));
    for (unsigned i = 0; i < n; i++) {
        if (mask_set(m, i, esize)) {
            ld_bytes(env, addr + i * esize, r.b + i * esize, esize);
        }
    }
    env->xmm[AVX_D(ctl)] = r;
}

void helper_avx_maskstore(CPUX86State *env, uint64_t ctl, uint64_t addr)
{
    unsigned esize = AVX_IMM(ctl), n = NBYTES(ctl) / esize;
    const X86YMMReg *m = &env->xmm[AVX_V(ctl)];
    X86YMMReg s = env->xmm[AVX_RM(ctl)];

    /* all or nothing: fault on the first selected element that cannot be
     * written before storing any */
    for (unsigned i = 0; i < n; i++) {
        if (mask_set(m, i, esize)) {
            probe_write(env, addr + i * esize, esize);
        }
    }
    for (unsigned i = 0; i < n; i++) {
        if (mask_set(m, i, esize)) {
            st_bytes(env, addr + i * esize, s.b + i * esize, esize);
        }
    }
}

/* ---- gathers ---- */

void helper_avx_gather(CPUX86State *env, uint64_t ctl, uint64_t base, uint64_t seg)
{
    unsigned kind = AVX_IMM(ctl) & 15, scale = AVX_IMM(ctl) >> 4;
    bool idx64 = kind & AVX_G_IDX64, el64 = kind & AVX_G_EL64;
    unsigned esize = el64 ? 8 : 4;
    /* elements: the wider of index and element decides the count */
    unsigned n = (ctl & AF_L) ? ((idx64 || el64) ? 4 : 8) : ((idx64 || el64) ? 2 : 4);
    X86YMMReg *dst = &env->xmm[AVX_D(ctl)], *mask = &env->xmm[AVX_V(ctl)];
    const X86YMMReg idx = env->xmm[AVX_RM(ctl)];
    /* bytes of dst/mask the instruction defines; above them zeroed */
    unsigned width = n * esize;

    for (unsigned i = 0; i < n; i++) {
        if (!mask_set(mask, i, esize)) {
            /* the mask element is cleared whether it was set or not */
            if (el64) {
                mask->q[i] = 0;
            } else {
                mask->l[i] = 0;
            }
            continue;
        }
        int64_t ix = idx64 ? (int64_t)idx.q[i] : (int64_t)(int32_t)idx.l[i];
        uint64_t a = base + ((uint64_t)ix << scale);
        if (ctl & AF_A32) {
            a = (uint32_t)a;
        }
        a += seg;
        uint64_t v = el64 ? cpu_ldq_data(env, a) : cpu_ldl_data(env, a);
        /* completed elements are architectural even if a later one faults */
        if (el64) {
            dst->q[i] = v;
            mask->q[i] = 0;
        } else {
            dst->l[i] = (uint32_t)v;
            mask->l[i] = 0;
        }
    }
    memset(mask->b, 0, width);
    memset(dst->b + width, 0, 32 - width);
    memset(mask->b + width, 0, 32 - width);
}

/* ---- XSAVE / XRSTOR ---- */

/* Whether a component is in its initial configuration (XINUSE[i] = 0). */
static bool x87_is_init(const CPUX86State *env)
{
    if (env->fpuc != 0x037f || env->fpus != 0 || env->fpstt != 0 || env->fptags != 0xff ||
        env->fpop || env->fpip || env->fpdp) {
        return false;
    }
    for (int i = 0; i < 8; i++) {
        if (env->fpregs[i].q[0] || (env->fpregs[i].q[1] & 0xffff)) {
            return false;
        }
    }
    return true;
}

/* (MXCSR does not count: hardware reports SSE state as init after XRSTOR
 * initialised the XMM registers, whatever MXCSR it loaded) */
static bool sse_is_init(const CPUX86State *env)
{
    for (int i = 0; i < 16; i++) {
        if (env->xmm[i].q[0] || env->xmm[i].q[1]) {
            return false;
        }
    }
    return true;
}

static bool avx_is_init(const CPUX86State *env)
{
    for (int i = 0; i < 16; i++) {
        if (env->xmm[i].q[2] || env->xmm[i].q[3]) {
            return false;
        }
    }
    return true;
}

void x86_xsave_image(CPUX86State *env, uint8_t *img, uint64_t rfbm, bool rexw)
{
    uint8_t fx[416];
    uint64_t bv;

    rfbm &= x86_cpu_xcr0();
    x86_fxsave_image(env, fx, rexw);
    if (rfbm & 1) {
        memcpy(img, fx, 24);
        memcpy(img + 32, fx + 32, 128);
    }
    if (rfbm & 6) {
        memcpy(img + 24, fx + 24, 8);   /* MXCSR, MXCSR_MASK */
    }
    if (rfbm & 2) {
        memcpy(img + 160, fx + 160, 256);
    }
    if (rfbm & 4) {
        for (int i = 0; i < 16; i++) {
            memcpy(img + XSAVE_AVX_OFF + 16 * i, &env->xmm[i].q[2], 16);
        }
    }
    memcpy(&bv, img + XSAVE_HDR_OFF, 8);
    bv &= ~rfbm;
    bv |= rfbm & ((x87_is_init(env) ? 0 : 1) | (sse_is_init(env) ? 0 : 2) |
                  (avx_is_init(env) ? 0 : 4));
    memcpy(img + XSAVE_HDR_OFF, &bv, 8);
}

bool x86_xrstor_image(CPUX86State *env, const uint8_t *img, uint64_t rfbm, bool rexw)
{
    uint64_t bv, comp, hdr16;
    uint8_t fx[416];
    CPUX86State save;

    rfbm &= x86_cpu_xcr0();
    memcpy(&bv, img + XSAVE_HDR_OFF, 8);
    memcpy(&comp, img + XSAVE_HDR_OFF + 8, 8);
    memcpy(&hdr16, img + XSAVE_HDR_OFF + 16, 8);
    /* standard form only (no XSAVEC): XCOMP_BV and bytes 23:16 of the
     * header must be zero, XSTATE_BV within XCR0 */
    if (comp || hdr16 || (bv & ~x86_cpu_xcr0())) {
        return false;
    }
    if (rfbm & 6) {
        uint32_t mxcsr;
        memcpy(&mxcsr, img + 24, 4);
        if (mxcsr & ~MXCSR_MASK) {
            return false;
        }
    }
    /* Build one FXSAVE image: current state, then the parts restored. */
    x86_fxsave_image(env, fx, true);
    memcpy(&save, env, offsetof(CPUX86State, tmp));
    if (rfbm & 1) {
        if (bv & 1) {
            memcpy(fx, img, 24);
            memcpy(fx + 32, img + 32, 128);
            if (!rexw) {
                memset(fx + 12, 0, 4);   /* FCS/FDS selectors are not kept */
                memset(fx + 20, 0, 4);
            }
        } else {
            /* x87 init: FCW 037F, all else 0, every register empty */
            static const uint8_t x87_init[24] = { 0x7f, 0x03 };
            memcpy(fx, x87_init, 24);
            memset(fx + 32, 0, 128);
        }
    }
    if (rfbm & 6) {
        memcpy(fx + 24, img + 24, 4);
    }
    if (rfbm & 2) {
        if (bv & 2) {
            memcpy(fx + 160, img + 160, 256);
        } else {
            memset(fx + 160, 0, 256);
        }
    }
    if (!x86_fxrstor_image(env, fx, true)) {
        return false;
    }
    if (!(rfbm & 1)) {
        /* x87 untouched (the FXSAVE round trip is not exact for it) */
        memcpy(env->fpregs, save.fpregs, sizeof(env->fpregs));
        env->fpstt = save.fpstt;
        env->fpus = save.fpus;
        env->fpuc = save.fpuc;
        env->fptags = save.fptags;
        env->fpop = save.fpop;
        env->fpip = save.fpip;
        env->fpdp = save.fpdp;
    }
    if (rfbm & 4) {
        for (int i = 0; i < 16; i++) {
            if (bv & 4) {
                memcpy(&env->xmm[i].q[2], img + XSAVE_AVX_OFF + 16 * i, 16);
            } else {
                env->xmm[i].q[2] = env->xmm[i].q[3] = 0;
            }
        }
    }
    return true;
}

static uint64_t xsave_rfbm(CPUX86State *env)
{
    return (((uint64_t)(uint32_t)env->regs[R_EDX] << 32) | (uint32_t)env->regs[R_EAX]) &
           x86_cpu_xcr0();
}

void helper_xsave(CPUX86State *env, uint64_t addr, uint64_t rexw)
{
    uint8_t img[XSAVE_SIZE_AVX];
    uint64_t rfbm = xsave_rfbm(env);
    /* up to the last byte written: the header, or the AVX area */
    unsigned len = (rfbm & 4) ? XSAVE_SIZE_AVX : XSAVE_HDR_OFF + 8;

    if (addr & 63) {
        raise_gp(env);
    }
    /* read-modify-write of the area: reads first, then probe the writes */
    ld_bytes(env, addr + XSAVE_HDR_OFF, img + XSAVE_HDR_OFF, 8);
    probe_write(env, addr, len);
    x86_xsave_image(env, img, rfbm, rexw != 0);
    if (rfbm & 1) {
        st_bytes(env, addr, img, 8);
        st_bytes(env, addr + 8, img + 8, 16);
        for (int off = 32; off < 160; off += 32) {
            st_bytes(env, addr + off, img + off, 32);
        }
    }
    if (rfbm & 6) {
        st_bytes(env, addr + 24, img + 24, 8);
    }
    if (rfbm & 2) {
        for (int off = 160; off < 416; off += 32) {
            st_bytes(env, addr + off, img + off, 32);
        }
    }
    if (rfbm & 4) {
        for (int off = XSAVE_AVX_OFF; off < XSAVE_SIZE_AVX; off += 32) {
            st_bytes(env, addr + off, img + off, 32);
        }
    }
    st_bytes(env, addr + XSAVE_HDR_OFF, img + XSAVE_HDR_OFF, 8);
}

void helper_xrstor(CPUX86State *env, uint64_t addr, uint64_t rexw)
{
    uint8_t img[XSAVE_SIZE_AVX];
    uint64_t rfbm = xsave_rfbm(env);

    if (addr & 63) {
        raise_gp(env);
    }
    memset(img, 0, sizeof(img));
    /* the header always; legacy region and AVX area as requested */
    ld_bytes(env, addr + XSAVE_HDR_OFF, img + XSAVE_HDR_OFF, 32);
    if (rfbm & 7) {
        for (int off = 0; off < 416; off += 32) {
            ld_bytes(env, addr + off, img + off, 32);
        }
    }
    if (rfbm & 4) {
        for (int off = XSAVE_AVX_OFF; off < XSAVE_SIZE_AVX; off += 32) {
            ld_bytes(env, addr + off, img + off, 32);
        }
    }
    if (!x86_xrstor_image(env, img, rfbm, rexw != 0)) {
        raise_gp(env);
    }
}
