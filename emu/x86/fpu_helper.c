/*
 * emu/x86/fpu_helper.c — x87 FPU helpers (see fpu_helper.h).
 *
 * Each operation runs as one self-contained host x87 sequence: load the
 * operands (fldt from 80-bit copies, or the memory forms), execute the
 * guest's instruction, FNSTSW, store the results and leave the host stack
 * empty.  The host control word is the guest's PC/RC with all exceptions
 * masked for the duration.
 */
#include <signal.h>
#include <string.h>

#include "emu/exec.h"
#include "fpu_helper.h"
#include "sse_helper.h"
#include "softmmu/softmmu.h"

HELPER_INFO(fld_mem, 0, 3, false);
HELPER_INFO(fld_st, 0, 2, false);
HELPER_INFO(fst_mem, 0, 3, false);
HELPER_INFO(fst_st, 0, 3, false);
HELPER_INFO(farith, 0, 2, false);
HELPER_INFO(farith_mem, 0, 3, false);
HELPER_INFO(fcom_st, 0, 2, false);
HELPER_INFO(fcomi, 0, 2, true);
HELPER_INFO(fspecial, 0, 2, false);
HELPER_INFO(fxch, 0, 2, false);
HELPER_INFO(ffree, 0, 3, false);
HELPER_INFO(fcmov, 0, 3, false);
HELPER_INFO(fnstsw, 0, 1, true);
HELPER_INFO(fnstcw, 0, 1, true);
HELPER_INFO(fldcw, 0, 2, false);
HELPER_INFO(fnstenv, 0, 3, false);
HELPER_INFO(fldenv, 0, 3, false);
HELPER_INFO(fnsave, 0, 3, false);
HELPER_INFO(frstor, 0, 3, false);
HELPER_INFO(fxsave, 0, 3, false);
HELPER_INFO(fxrstor, 0, 3, false);

/* Status word bits. */
#define FSW_IE 0x0001
#define FSW_DE 0x0002
#define FSW_ZE 0x0004
#define FSW_EXC 0x003f
#define FSW_SF 0x0040
#define FSW_ES 0x0080
#define FSW_C0 0x0100
#define FSW_C1 0x0200
#define FSW_C2 0x0400
#define FSW_C3 0x4000
#define FSW_B  0x8000
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

#define ST(i) (env->fpregs[(env->fpstt + (i)) & 7])

/* The default ("real indefinite") QNaN. */
static X86FPReg fp_indefinite(void)
{
    X86FPReg r;
    r.q[0] = 0xc000000000000000ull;
    r.q[1] = 0xffff;
    return r;
}

static bool st_empty(CPUX86State *env, int i)
{
    return (env->fptags >> ((env->fpstt + i) & 7)) & 1;
}

static void st_set(CPUX86State *env, int i, X86FPReg v)
{
    int p = (env->fpstt + i) & 7;
    env->fpregs[p].q[0] = v.q[0];
    env->fpregs[p].q[1] = v.q[1] & 0xffff;
    env->fptags &= ~(1u << p);
}

static void fpush_raw(CPUX86State *env)
{
    env->fpstt = (env->fpstt - 1) & 7;
    env->fptags &= ~(1u << env->fpstt);
}

static void fpop(CPUX86State *env)
{
    env->fptags |= 1u << env->fpstt;
    env->fpstt = (env->fpstt + 1) & 7;
}

static void fpu_update_es(CPUX86State *env)
{
    if (env->fpus & FSW_EXC & ~env->fpuc) {
        env->fpus |= FSW_ES | FSW_B;
    } else {
        env->fpus &= ~(uint64_t)(FSW_ES | FSW_B);
    }
}

/* Merge a host status word: exception flags accumulate; the condition
 * codes in cmask are replaced. */
static void fpu_merge(CPUX86State *env, uint16_t sw, uint16_t cmask)
{
    env->fpus = (env->fpus & ~(uint64_t)cmask) | (sw & cmask) | (sw & FSW_EXC);
    fpu_update_es(env);
}

/* The destination is kept when an unmasked pre-computation exception
 * (invalid, denormal, divide by zero) occurred. */
static bool fpu_suppress(CPUX86State *env, uint16_t sw)
{
    return (sw & (FSW_IE | FSW_DE | FSW_ZE) & ~env->fpuc) != 0;
}

static bool im_masked(CPUX86State *env)
{
    return env->fpuc & FSW_IE;
}

/* Stack underflow (reading an empty register): IE|SF, C1 = 0.  Returns
 * whether the masked response (write the default NaN) applies. */
static bool fpu_underflow(CPUX86State *env)
{
    env->fpus = (env->fpus & ~(uint64_t)FSW_C1) | FSW_IE | FSW_SF;
    fpu_update_es(env);
    return im_masked(env);
}

/* Push v, detecting stack overflow (ST(7) in use): IE|SF, C1 = 1, and
 * with IM masked the default NaN is pushed instead. */
static void fpush_val(CPUX86State *env, X86FPReg v)
{
    if (!((env->fptags >> ((env->fpstt - 1) & 7)) & 1)) {
        env->fpus |= FSW_IE | FSW_SF | FSW_C1;
        fpu_update_es(env);
        if (!im_masked(env)) {
            return;
        }
        v = fp_indefinite();
    } else {
        env->fpus &= ~(uint64_t)FSW_C1;
    }
    fpush_raw(env);
    st_set(env, 0, v);
}

/* An unmasked exception is pending (ES): waiting instructions raise #MF. */
void fpu_check_pending(CPUX86State *env)
{
    if (env->fpus & FSW_ES) {
        uint16_t e = env->fpus & FSW_EXC & ~env->fpuc;
        int code = (e & 0x01) ? FPE_FLTINV : (e & 0x04) ? FPE_FLTDIV
                 : (e & 0x08) ? FPE_FLTOVF : (e & 0x12) ? FPE_FLTUND : FPE_FLTRES;
        cpu_loop_exit_fault(env, EXCP_MF, SIGFPE, code, env->insn_pc);
    }
}

/* ---- the host FPU ---- */

/*
 * Enter the host FPU: FLDENV of an environment with the given control word,
 * the guest's condition codes, no exception flags and an empty stack.  The
 * guest's C0-C3 go in because many instructions leave some of them
 * "undefined", which in practice means unchanged: with the guest's values
 * loaded, the host leaves exactly what hardware leaves.
 */
#define HOST_ENTER(old_cw, cw)                                              \
    do {                                                                    \
        uint32_t fenv_[7] = { (cw), (uint32_t)(env->fpus & FSW_CC), 0xffff, 0, 0, 0, 0 }; \
        __asm__ volatile("fnstcw %0\n\tfldenv %1" : "=m"(old_cw) : "m"(fenv_)); \
    } while (0)

/* Host sequences.  x0/x1 are 80-bit in/out values, m is a memory image
 * for the conversions. */
enum {
    H_ADD, H_SUB, H_MUL, H_DIV,
    H_SQRT, H_RNDINT, H_SIN, H_COS, H_F2XM1, H_ABS, H_CHS,
    H_SCALE, H_PREM, H_PREM1, H_PATAN, H_YL2X, H_YL2XP1,
    H_PTAN, H_SINCOS, H_XTRACT,
    H_COM, H_UCOM, H_COMI, H_UCOMI, H_TST, H_XAM,
    H_LD_F32, H_LD_F64, H_LD_I16, H_LD_I32, H_LD_I64, H_LD_BCD,
    H_ST_F32, H_ST_F64, H_ST_I16, H_ST_I32, H_ST_I64, H_ST_BCD,
    H_STT_I16, H_STT_I32, H_STT_I64,
    H_LD1, H_LDL2T, H_LDL2E, H_LDPI, H_LDLG2, H_LDLN2, H_LDZ,
};

typedef struct HostX87 {
    long double x0, x1;
    union { uint8_t b[16]; uint64_t q[2]; uint32_t l[4]; uint16_t w[8]; } m;
    uint16_t sw;
    uint64_t eflags;   /* H_COMI/H_UCOMI */
} HostX87;

#define A0 "fldt %[x0]\n\t"
#define A1 "fldt %[x1]\n\t"
#define SW "fnstsw %[sw]\n\tfnclex\n\t"
#define OPS [x0] "+m"(h->x0), [x1] "+m"(h->x1), [m] "+m"(h->m), [sw] "=m"(h->sw)

/*
 * Run op on the host FPU under the guest's precision and rounding control.
 * guest_masks: also under the guest's exception masks, so that unmasked
 * overflow/underflow give hardware's biased results and unmasked invalid
 * operations leave the operands alone (the host's pending exception is
 * cleared by FNCLEX right after FNSTSW, before any waiting instruction).
 * The host x87 is re-initialised around the sequence, so its own state
 * never leaks in or out.
 */
static void host_x87_m(CPUX86State *env, int op, HostX87 *h, bool guest_masks)
{
    uint16_t old_cw, cw = (uint16_t)((env->fpuc & 0x0f00) | 0x0040 |
                                     (guest_masks ? (env->fpuc & 0x3f) : 0x3f));
    bool z = false, p = false, c = false;

    HOST_ENTER(old_cw, cw);
    switch (op) {
    /* x0 = x0 op x1 */
    case H_ADD: __asm__ volatile(A1 A0 "fadd %%st(1), %%st\n\t" SW "fstpt %[x0]\n\tfstp %%st(0)" : OPS); break;
    case H_SUB: __asm__ volatile(A1 A0 "fsub %%st(1), %%st\n\t" SW "fstpt %[x0]\n\tfstp %%st(0)" : OPS); break;
    case H_MUL: __asm__ volatile(A1 A0 "fmul %%st(1), %%st\n\t" SW "fstpt %[x0]\n\tfstp %%st(0)" : OPS); break;
    case H_DIV: __asm__ volatile(A1 A0 "fdiv %%st(1), %%st\n\t" SW "fstpt %[x0]\n\tfstp %%st(0)" : OPS); break;
    /* x0 = f(x0) */
    case H_SQRT:   __asm__ volatile(A0 "fsqrt\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_RNDINT: __asm__ volatile(A0 "frndint\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_SIN:    __asm__ volatile(A0 "fsin\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_COS:    __asm__ volatile(A0 "fcos\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_F2XM1:  __asm__ volatile(A0 "f2xm1\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_ABS:    __asm__ volatile(A0 "fabs\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_CHS:    __asm__ volatile(A0 "fchs\n\t" SW "fstpt %[x0]" : OPS); break;
    /* x0 = f(st0 = x0, st1 = x1) */
    case H_SCALE: __asm__ volatile(A1 A0 "fscale\n\t" SW "fstpt %[x0]\n\tfstp %%st(0)" : OPS); break;
    case H_PREM:  __asm__ volatile(A1 A0 "fprem\n\t" SW "fstpt %[x0]\n\tfstp %%st(0)" : OPS); break;
    case H_PREM1: __asm__ volatile(A1 A0 "fprem1\n\t" SW "fstpt %[x0]\n\tfstp %%st(0)" : OPS); break;
    /* x1 = f(st0 = x0, st1 = x1), popped */
    case H_PATAN:  __asm__ volatile(A1 A0 "fpatan\n\t" SW "fstpt %[x1]" : OPS); break;
    case H_YL2X:   __asm__ volatile(A1 A0 "fyl2x\n\t" SW "fstpt %[x1]" : OPS); break;
    case H_YL2XP1: __asm__ volatile(A1 A0 "fyl2xp1\n\t" SW "fstpt %[x1]" : OPS); break;
    /* st0 = x0 -> (new st0 = x0, new st1 = x1), unless C2 (out of range) */
    /* (the second store finds an empty register when nothing was pushed:
     * harmless, the caller then ignores x1) */
    case H_PTAN: __asm__ volatile(A0 "fptan\n\t" SW "fstpt %[x0]\n\tfstpt %[x1]" : OPS); break;
    case H_SINCOS: __asm__ volatile(A0 "fsincos\n\t" SW "fstpt %[x0]\n\tfstpt %[x1]" : OPS); break;
    case H_XTRACT: __asm__ volatile(A0 "fxtract\n\t" SW "fstpt %[x0]\n\tfstpt %[x1]" : OPS); break;
    /* compares of st0 = x0 with x1 */
    case H_COM:  __asm__ volatile(A1 A0 "fcompp\n\t" SW : OPS); break;
    case H_UCOM: __asm__ volatile(A1 A0 "fucompp\n\t" SW : OPS); break;
    case H_COMI:
        __asm__ volatile(A1 A0 "fcomip %%st(1), %%st\n\t" SW "fstp %%st(0)"
                         : OPS, "=@ccz"(z), "=@ccp"(p), "=@ccc"(c));
        break;
    case H_UCOMI:
        __asm__ volatile(A1 A0 "fucomip %%st(1), %%st\n\t" SW "fstp %%st(0)"
                         : OPS, "=@ccz"(z), "=@ccp"(p), "=@ccc"(c));
        break;
    case H_TST: __asm__ volatile(A0 "ftst\n\t" SW "fstp %%st(0)" : OPS); break;
    case H_XAM: __asm__ volatile(A0 "fxam\n\t" SW "fstp %%st(0)" : OPS); break;
    /* x0 = conversion of m */
    case H_LD_F32: __asm__ volatile("flds %[m]\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_LD_F64: __asm__ volatile("fldl %[m]\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_LD_I16: __asm__ volatile("filds %[m]\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_LD_I32: __asm__ volatile("fildl %[m]\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_LD_I64: __asm__ volatile("fildll %[m]\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_LD_BCD: __asm__ volatile("fbld %[m]\n\t" SW "fstpt %[x0]" : OPS); break;
    /* m = conversion of x0 */
    case H_ST_F32: __asm__ volatile(A0 "fstps %[m]\n\t" SW : OPS); break;
    case H_ST_F64: __asm__ volatile(A0 "fstpl %[m]\n\t" SW : OPS); break;
    case H_ST_I16: __asm__ volatile(A0 "fistps %[m]\n\t" SW : OPS); break;
    case H_ST_I32: __asm__ volatile(A0 "fistpl %[m]\n\t" SW : OPS); break;
    case H_ST_I64: __asm__ volatile(A0 "fistpll %[m]\n\t" SW : OPS); break;
    case H_ST_BCD: __asm__ volatile(A0 "fbstp %[m]\n\t" SW : OPS); break;
    case H_STT_I16: __asm__ volatile(A0 "fisttps %[m]\n\t" SW : OPS); break;
    case H_STT_I32: __asm__ volatile(A0 "fisttpl %[m]\n\t" SW : OPS); break;
    case H_STT_I64: __asm__ volatile(A0 "fisttpll %[m]\n\t" SW : OPS); break;
    /* constants (rounded per RC) */
    case H_LD1:   __asm__ volatile("fld1\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_LDL2T: __asm__ volatile("fldl2t\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_LDL2E: __asm__ volatile("fldl2e\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_LDPI:  __asm__ volatile("fldpi\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_LDLG2: __asm__ volatile("fldlg2\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_LDLN2: __asm__ volatile("fldln2\n\t" SW "fstpt %[x0]" : OPS); break;
    case H_LDZ:   __asm__ volatile("fldz\n\t" SW "fstpt %[x0]" : OPS); break;
    }
    __asm__ volatile("fninit\n\tfldcw %0" : : "m"(old_cw));
    h->eflags = (z ? CC_Z : 0) | (p ? CC_P : 0) | (c ? CC_C : 0);
}

/* Everything runs under the guest's masks: which flags an unmasked
 * exception leaves (underflow without precision on a store...) and what
 * is written are then the hardware's. */
static void host_x87(CPUX86State *env, int op, HostX87 *h)
{
    host_x87_m(env, op, h, true);
}

/* ST(0) = x0 op memory image m (FKIND_F32/F64/I16/I32) with the very
 * instruction (FADD m32fp, FISUBR m16int, FCOM m64fp...): which operand
 * exceptions are reported (a denormal beside a NaN...) is the hardware's
 * business, so the conversion is not done separately. */
static void host_x87_mem(CPUX86State *env, int op, int kind, HostX87 *h)
{
    uint16_t old_cw, cw = (uint16_t)((env->fpuc & 0x0f00) | 0x0040 | (env->fpuc & 0x3f));

#define MOP(I) __asm__ volatile(A0 I " %[m]\n\t" SW "fstpt %[x0]" : OPS)
#define MCMP(I) __asm__ volatile(A0 I " %[m]\n\t" SW "fstp %%st(0)" : OPS)
#define MCASES(K, P, S)                                                     \
    case K * 8 + FOP_ADD: MOP(P "add" S); break;                            \
    case K * 8 + FOP_MUL: MOP(P "mul" S); break;                            \
    case K * 8 + FOP_COM: case K * 8 + FOP_COMP: MCMP(P "com" S); break;    \
    case K * 8 + FOP_SUB: MOP(P "sub" S); break;                            \
    case K * 8 + FOP_SUBR: MOP(P "subr" S); break;                          \
    case K * 8 + FOP_DIV: MOP(P "div" S); break;                            \
    case K * 8 + FOP_DIVR: MOP(P "divr" S); break;

    HOST_ENTER(old_cw, cw);
    switch (kind * 8 + op) {
    MCASES(FKIND_F32, "f", "s")
    MCASES(FKIND_F64, "f", "l")
    MCASES(FKIND_I16, "fi", "s")
    MCASES(FKIND_I32, "fi", "l")
    }
    __asm__ volatile("fninit\n\tfldcw %0" : : "m"(old_cw));
#undef MOP
#undef MCMP
#undef MCASES
}

static long double fp_ld(X86FPReg r)
{
    return r.d;
}

static X86FPReg fp_from(long double d)
{
    X86FPReg r;
    memset(&r, 0, sizeof(r));
    r.d = d;
    r.q[1] &= 0xffff;
    return r;
}

/* ---- memory images ---- */

static int fkind_bytes(int kind)
{
    static const uint8_t n[] = {
        [FKIND_F32] = 4, [FKIND_F64] = 8, [FKIND_F80] = 10, [FKIND_I16] = 2,
        [FKIND_I32] = 4, [FKIND_I64] = 8, [FKIND_BCD] = 10,
        [FKIND_TI16] = 2, [FKIND_TI32] = 4, [FKIND_TI64] = 8,
    };
    return kind < (int)sizeof(n) ? n[kind] : 0;
}

static void mem_read(CPUX86State *env, uint64_t addr, int bytes, HostX87 *h)
{
    memset(&h->m, 0, sizeof(h->m));
    switch (bytes) {
    case 2: h->m.w[0] = cpu_lduw_data(env, addr); break;
    case 4: h->m.l[0] = cpu_ldl_data(env, addr); break;
    case 8: h->m.q[0] = cpu_ldq_data(env, addr); break;
    case 10:
        h->m.q[0] = cpu_ldq_data(env, addr);
        h->m.w[4] = cpu_lduw_data(env, addr + 8);
        break;
    }
}

/* Fault (as the store would) unless [addr, addr+len) is writable: a
 * store suppressed by an unmasked exception still takes its page fault
 * first.  len <= 10: at most two pages. */
static void probe_write(CPUX86State *env, uint64_t addr, int len)
{
    uint64_t last = addr + len - 1;

    for (uint64_t a = addr; ; a = (a | 4095) + 1) {
        uint64_t end = (a | 4095) < last ? (a | 4095) : last;
        if (!mm_access_ok(a, end - a + 1, MM_WRITE)) {
            cpu_stb_data(env, a, cpu_ldub_data(env, a));   /* faults */
        }
        if (end == last) {
            break;
        }
    }
}

static void mem_write(CPUX86State *env, uint64_t addr, int bytes, HostX87 *h)
{
    switch (bytes) {
    case 2: cpu_stw_data(env, addr, h->m.w[0]); break;
    case 4: cpu_stl_data(env, addr, h->m.l[0]); break;
    case 8: cpu_stq_data(env, addr, h->m.q[0]); break;
    case 10:
        /* the high part first: if it faults nothing has been written */
        cpu_stw_data(env, addr + 8, h->m.w[4]);
        cpu_stq_data(env, addr, h->m.q[0]);
        break;
    }
}

/* Convert the memory image in h->m of kind to h->x0; returns the status. */
static uint16_t load_kind(CPUX86State *env, int kind, HostX87 *h)
{
    static const uint8_t hop[] = {
        [FKIND_F32] = H_LD_F32, [FKIND_F64] = H_LD_F64, [FKIND_I16] = H_LD_I16,
        [FKIND_I32] = H_LD_I32, [FKIND_I64] = H_LD_I64, [FKIND_BCD] = H_LD_BCD,
    };
    if (kind == FKIND_F80) {
        X86FPReg r;
        r.q[0] = h->m.q[0];
        r.q[1] = h->m.w[4];
        h->x0 = r.d;
        return 0;
    }
    host_x87(env, hop[kind], h);
    return h->sw;
}

/* ---- loads and stores ---- */

void helper_fld_mem(CPUX86State *env, uint64_t addr, uint64_t kind)
{
    HostX87 h;
    uint16_t sw;

    fpu_check_pending(env);
    mem_read(env, addr, fkind_bytes(kind), &h);
    if (!st_empty(env, 7)) {
        /* stack overflow comes first: no conversion, no operand flags */
        fpush_val(env, fp_from(0));
        return;
    }
    sw = load_kind(env, kind, &h);
    fpu_merge(env, sw, kind == FKIND_F80 ? 0 : FSW_CC);
    if (sw & FSW_IE & ~env->fpuc) {
        return;   /* unmasked invalid (SNaN): nothing pushed; a denormal still loads */
    }
    fpush_val(env, fp_from(h.x0));
}

void helper_fld_st(CPUX86State *env, uint64_t i)
{
    X86FPReg v = ST(i);

    fpu_check_pending(env);
    if (st_empty(env, i)) {
        /* underflow wins over overflow: C1 = 0, the default NaN pushed
         * over whatever ST(7) held */
        if (fpu_underflow(env)) {
            fpush_raw(env);
            st_set(env, 0, fp_indefinite());
        }
        return;
    }
    fpush_val(env, v);
}

void helper_fst_mem(CPUX86State *env, uint64_t addr, uint64_t ctl)
{
    static const uint8_t hop[] = {
        [FKIND_F32] = H_ST_F32, [FKIND_F64] = H_ST_F64, [FKIND_I16] = H_ST_I16,
        [FKIND_I32] = H_ST_I32, [FKIND_I64] = H_ST_I64, [FKIND_BCD] = H_ST_BCD,
        [FKIND_TI16] = H_STT_I16, [FKIND_TI32] = H_STT_I32, [FKIND_TI64] = H_STT_I64,
    };
    int kind = ctl & 15;
    int bytes = fkind_bytes(kind);
    HostX87 h;
    uint16_t sw = 0;

    fpu_check_pending(env);
    memset(&h, 0, sizeof(h));
    if (st_empty(env, 0)) {
        /* underflow: the store gets the indefinite of its format */
        h.x0 = fp_ld(fp_indefinite());
        if (!im_masked(env)) {
            probe_write(env, addr, bytes);
            fpu_underflow(env);
            return;
        }
    } else {
        h.x0 = fp_ld(ST(0));
    }
    if (kind == FKIND_F80) {
        X86FPReg r = fp_from(h.x0);
        h.m.q[0] = r.q[0];
        h.m.w[4] = r.q[1];
    } else {
        host_x87(env, hop[kind], &h);
        sw = h.sw;
    }
    if (sw & ~env->fpuc & (FSW_EXC & ~0x20)) {
        /* unmasked exception other than precision: memory and stack
         * unchanged, but the destination's page fault comes first */
        probe_write(env, addr, bytes);
        fpu_merge(env, sw, kind == FKIND_F80 ? FSW_C1 : FSW_CC);
        return;
    }
    mem_write(env, addr, bytes, &h);
    if (st_empty(env, 0)) {
        fpu_underflow(env);
    } else {
        fpu_merge(env, sw, kind == FKIND_F80 ? FSW_C1 : FSW_CC);
    }
    if (ctl & 16) {
        fpop(env);
    }
}

void helper_fst_st(CPUX86State *env, uint64_t i, uint64_t pop)
{
    fpu_check_pending(env);
    if (st_empty(env, 0)) {
        if (!fpu_underflow(env)) {
            return;
        }
        st_set(env, i, fp_indefinite());
    } else {
        st_set(env, i, ST(0));
        env->fpus &= ~(uint64_t)FSW_C1;
    }
    if (pop) {
        fpop(env);
    }
}

/* ---- arithmetic and compares ---- */

/* r = a op b for FOP_ADD..FOP_DIVR; returns the host status. */
static uint16_t do_arith(CPUX86State *env, int op, long double a, long double b, long double *r)
{
    HostX87 h;
    int hop;

    memset(&h, 0, sizeof(h));
    switch (op) {
    case FOP_ADD: hop = H_ADD; break;
    case FOP_MUL: hop = H_MUL; break;
    case FOP_SUB: hop = H_SUB; break;
    case FOP_SUBR: hop = H_SUB; { long double t = a; a = b; b = t; } break;
    case FOP_DIV: hop = H_DIV; break;
    default: hop = H_DIV; { long double t = a; a = b; b = t; } break;
    }
    h.x0 = a;
    h.x1 = b;
    host_x87(env, hop, &h);
    *r = h.x0;
    return h.sw;
}

/* Compare a with b: sets C0/C2/C3 (C1 = 0) and flags. */
static uint16_t do_compare(CPUX86State *env, long double a, long double b, bool unordered)
{
    HostX87 h;
    memset(&h, 0, sizeof(h));
    h.x0 = a;
    h.x1 = b;
    host_x87(env, unordered ? H_UCOM : H_COM, &h);
    fpu_merge(env, h.sw, FSW_CC);
    return h.sw;
}

/* Compare with an empty operand: unordered with IM masked; returns a
 * status word for fpu_suppress (the IE that suppresses pops if unmasked). */
static uint16_t compare_underflow(CPUX86State *env)
{
    fpu_underflow(env);
    env->fpus |= FSW_C0 | FSW_C2 | FSW_C3;   /* unordered, masked or not */
    return FSW_IE;
}

void helper_farith(CPUX86State *env, uint64_t ctl)
{
    int op = ctl & 15, dst = (ctl >> 4) & 7, src = (ctl >> 8) & 7;
    bool pop = (ctl >> 12) & 1;
    long double r;
    uint16_t sw;

    fpu_check_pending(env);
    if (op == FOP_COM || op == FOP_COMP) {
        uint16_t csw = 0;
        if (st_empty(env, 0) || st_empty(env, src)) {
            csw = compare_underflow(env);
        } else {
            csw = do_compare(env, fp_ld(ST(0)), fp_ld(ST(src)), false);
        }
        if (op == FOP_COMP && !fpu_suppress(env, csw)) {
            fpop(env);
        }
        return;
    }
    if (st_empty(env, dst) || st_empty(env, src)) {
        if (!fpu_underflow(env)) {
            return;
        }
        st_set(env, dst, fp_indefinite());
    } else {
        sw = do_arith(env, op, fp_ld(ST(dst)), fp_ld(ST(src)), &r);
        fpu_merge(env, sw, FSW_CC);
        if (fpu_suppress(env, sw)) {
            return;
        }
        st_set(env, dst, fp_from(r));
    }
    if (pop) {
        fpop(env);
    }
}

void helper_farith_mem(CPUX86State *env, uint64_t addr, uint64_t ctl)
{
    int op = ctl & 15, kind = (ctl >> 4) & 15;
    bool cmp = op == FOP_COM || op == FOP_COMP;
    HostX87 h;

    fpu_check_pending(env);
    mem_read(env, addr, fkind_bytes(kind), &h);
    if (st_empty(env, 0)) {
        if (cmp) {
            compare_underflow(env);
            if (op == FOP_COMP && im_masked(env)) {
                fpop(env);
            }
        } else if (fpu_underflow(env)) {
            st_set(env, 0, fp_indefinite());
        }
        return;
    }
    h.x0 = fp_ld(ST(0));
    h.x1 = 0;
    host_x87_mem(env, op, kind, &h);
    if (cmp) {
        fpu_merge(env, h.sw, FSW_CC);
        if (op == FOP_COMP && !fpu_suppress(env, h.sw)) {
            fpop(env);
        }
        return;
    }
    fpu_merge(env, h.sw, FSW_CC);
    if (!fpu_suppress(env, h.sw)) {
        st_set(env, 0, fp_from(h.x0));
    }
}

void helper_fcom_st(CPUX86State *env, uint64_t ctl)
{
    int i = ctl & 7, pops = (ctl >> 4) & 3;
    bool unordered = (ctl >> 6) & 1;

    uint16_t csw = 0;

    fpu_check_pending(env);
    if (st_empty(env, 0) || st_empty(env, i)) {
        csw = compare_underflow(env);
    } else {
        csw = do_compare(env, fp_ld(ST(0)), fp_ld(ST(i)), unordered);
    }
    while (pops-- && !fpu_suppress(env, csw)) {
        fpop(env);
    }
}

uint64_t helper_fcomi(CPUX86State *env, uint64_t ctl)
{
    int i = ctl & 7;
    bool pop = (ctl >> 4) & 1, unordered = (ctl >> 6) & 1;
    uint64_t flags;

    fpu_check_pending(env);
    if (st_empty(env, 0) || st_empty(env, i)) {
        fpu_underflow(env);
        flags = CC_Z | CC_P | CC_C;   /* unordered (masked response) */
        pop = pop && im_masked(env);
    } else {
        HostX87 h;
        memset(&h, 0, sizeof(h));
        h.x0 = fp_ld(ST(0));
        h.x1 = fp_ld(ST(i));
        host_x87(env, unordered ? H_UCOMI : H_COMI, &h);
        fpu_merge(env, h.sw, FSW_CC);
        flags = h.eflags;
        if (fpu_suppress(env, h.sw)) {
            pop = false;
        }
    }
    if (pop) {
        fpop(env);
    }
    return flags;
}

/* ---- operand-less instructions ---- */

static void push_const(CPUX86State *env, int hop)
{
    HostX87 h;
    memset(&h, 0, sizeof(h));
    host_x87(env, hop, &h);
    fpush_val(env, fp_from(h.x0));
}

/* ST(0) = f(ST(0)) with C1 from the host (round-up indicator). */
static void unary_st0(CPUX86State *env, int hop, uint16_t cmask)
{
    HostX87 h;

    if (st_empty(env, 0)) {
        if (hop == H_SIN || hop == H_COS) {
            env->fpus &= ~(uint64_t)FSW_C2;
        }
        if (fpu_underflow(env)) {
            st_set(env, 0, fp_indefinite());
        }
        return;
    }
    memset(&h, 0, sizeof(h));
    h.x0 = fp_ld(ST(0));
    host_x87(env, hop, &h);
    fpu_merge(env, h.sw, FSW_CC);
    if (!fpu_suppress(env, h.sw)) {
        st_set(env, 0, fp_from(h.x0));
    }
}

/* ST(0) = f(ST(0), ST(1)) (FSCALE, FPREM, FPREM1). */
static void binary_st0(CPUX86State *env, int hop, uint16_t cmask)
{
    HostX87 h;

    if (st_empty(env, 0) || st_empty(env, 1)) {
        if (hop != H_SCALE) {
            env->fpus &= ~(uint64_t)FSW_C2;   /* FPREM(1): "complete" */
        }
        if (fpu_underflow(env)) {
            st_set(env, 0, fp_indefinite());
        }
        return;
    }
    memset(&h, 0, sizeof(h));
    h.x0 = fp_ld(ST(0));
    h.x1 = fp_ld(ST(1));
    host_x87(env, hop, &h);
    fpu_merge(env, h.sw, FSW_CC);
    if (!fpu_suppress(env, h.sw)) {
        st_set(env, 0, fp_from(h.x0));
    }
}

/* ST(1) = f(ST(0), ST(1)), pop (FPATAN, FYL2X, FYL2XP1). */
static void binary_pop(CPUX86State *env, int hop)
{
    HostX87 h;

    if (st_empty(env, 0) || st_empty(env, 1)) {
        if (fpu_underflow(env)) {
            st_set(env, 1, fp_indefinite());
            fpop(env);
        }
        return;
    }
    memset(&h, 0, sizeof(h));
    h.x0 = fp_ld(ST(0));
    h.x1 = fp_ld(ST(1));
    host_x87(env, hop, &h);
    fpu_merge(env, h.sw, FSW_CC);
    if (!fpu_suppress(env, h.sw)) {
        st_set(env, 1, fp_from(h.x1));
        fpop(env);
    }
}

/* FPTAN, FSINCOS, FXTRACT: ST(0) replaced, then a second value pushed. */
static void unary_push(CPUX86State *env, int hop)
{
    HostX87 h;

    if (hop != H_XTRACT) {
        env->fpus &= ~(uint64_t)FSW_C2;   /* in range (stack faults included) */
    }
    if (st_empty(env, 0)) {
        /* underflow wins over overflow (C1 = 0) */
        if (fpu_underflow(env)) {
            st_set(env, 0, fp_indefinite());
            fpush_raw(env);
            st_set(env, 0, fp_indefinite());
        }
        return;
    }
    if (!st_empty(env, 7)) {
        /* stack overflow: the masked response replaces ST(0) too */
        env->fpus |= FSW_IE | FSW_SF | FSW_C1;
        fpu_update_es(env);
        if (im_masked(env)) {
            st_set(env, 0, fp_indefinite());
            fpush_raw(env);
            st_set(env, 0, fp_indefinite());
        }
        return;
    }
    memset(&h, 0, sizeof(h));
    h.x0 = fp_ld(ST(0));
    host_x87(env, hop, &h);
    fpu_merge(env, h.sw, FSW_CC);
    if (fpu_suppress(env, h.sw)) {
        return;
    }
    if (hop != H_XTRACT && (h.sw & FSW_C2)) {
        return;   /* out of range: ST(0) unchanged, nothing pushed */
    }
    /* host order: x0 = new ST(0), x1 = new ST(1) */
    st_set(env, 0, fp_from(h.x1));
    fpush_raw(env);
    st_set(env, 0, fp_from(h.x0));
}

static void fpu_examine(CPUX86State *env)
{
    HostX87 h;
    uint16_t cc;

    if (st_empty(env, 0)) {
        cc = FSW_C3 | FSW_C0 | ((ST(0).q[1] & 0x8000) ? FSW_C1 : 0);
        env->fpus = (env->fpus & ~(uint64_t)FSW_CC) | cc;
        return;
    }
    memset(&h, 0, sizeof(h));
    h.x0 = fp_ld(ST(0));
    host_x87(env, H_XAM, &h);
    env->fpus = (env->fpus & ~(uint64_t)FSW_CC) | (h.sw & FSW_CC);
}

void helper_fspecial(CPUX86State *env, uint64_t op)
{
    if (op != FSP_NINIT && op != FSP_NCLEX) {
        fpu_check_pending(env);
    }
    switch (op) {
    case FSP_CHS: unary_st0(env, H_CHS, FSW_C1); break;
    case FSP_ABS: unary_st0(env, H_ABS, FSW_C1); break;
    case FSP_TST:
        if (st_empty(env, 0)) {
            compare_underflow(env);
        } else {
            HostX87 h;
            memset(&h, 0, sizeof(h));
            h.x0 = fp_ld(ST(0));
            host_x87(env, H_TST, &h);
            fpu_merge(env, h.sw, FSW_CC);
        }
        break;
    case FSP_XAM: fpu_examine(env); break;
    case FSP_F2XM1: unary_st0(env, H_F2XM1, FSW_C1); break;
    case FSP_YL2X: binary_pop(env, H_YL2X); break;
    case FSP_PTAN: unary_push(env, H_PTAN); break;
    case FSP_PATAN: binary_pop(env, H_PATAN); break;
    case FSP_XTRACT: unary_push(env, H_XTRACT); break;
    case FSP_PREM1: binary_st0(env, H_PREM1, FSW_CC); break;
    case FSP_DECSTP:
        env->fpstt = (env->fpstt - 1) & 7;
        env->fpus &= ~(uint64_t)FSW_C1;
        break;
    case FSP_INCSTP:
        env->fpstt = (env->fpstt + 1) & 7;
        env->fpus &= ~(uint64_t)FSW_C1;
        break;
    case FSP_PREM: binary_st0(env, H_PREM, FSW_CC); break;
    case FSP_YL2XP1: binary_pop(env, H_YL2XP1); break;
    case FSP_SQRT: unary_st0(env, H_SQRT, FSW_C1); break;
    case FSP_SINCOS: unary_push(env, H_SINCOS); break;
    case FSP_RNDINT: unary_st0(env, H_RNDINT, FSW_C1); break;
    case FSP_SCALE: binary_st0(env, H_SCALE, FSW_C1); break;
    case FSP_SIN: unary_st0(env, H_SIN, FSW_C1 | FSW_C2); break;
    case FSP_COS: unary_st0(env, H_COS, FSW_C1 | FSW_C2); break;
    case FSP_LD1: push_const(env, H_LD1); break;
    case FSP_LDL2T: push_const(env, H_LDL2T); break;
    case FSP_LDL2E: push_const(env, H_LDL2E); break;
    case FSP_LDPI: push_const(env, H_LDPI); break;
    case FSP_LDLG2: push_const(env, H_LDLG2); break;
    case FSP_LDLN2: push_const(env, H_LDLN2); break;
    case FSP_LDZ: push_const(env, H_LDZ); break;
    case FSP_NOP:
    case FSP_WAIT:
        break;
    case FSP_NINIT:
        env->fpuc = 0x37f;
        env->fpus = 0;
        env->fpstt = 0;
        env->fptags = 0xff;
        env->fpop = env->fpip = env->fpdp = 0;
        break;
    case FSP_NCLEX:
        env->fpus &= ~(uint64_t)(FSW_EXC | FSW_SF | FSW_ES | FSW_B);
        break;
    case FSP_COMPP:
        helper_fcom_st(env, 1 | (2 << 4));
        break;
    case FSP_UCOMPP:
        helper_fcom_st(env, 1 | (2 << 4) | (1 << 6));
        break;
    }
}

void helper_fxch(CPUX86State *env, uint64_t i)
{
    X86FPReg a, b;

    fpu_check_pending(env);
    if (st_empty(env, 0) || st_empty(env, i)) {
        if (!fpu_underflow(env)) {
            return;
        }
        if (st_empty(env, 0)) {
            st_set(env, 0, fp_indefinite());
        }
        if (st_empty(env, i)) {
            st_set(env, i, fp_indefinite());
        }
    } else {
        env->fpus &= ~(uint64_t)FSW_C1;
    }
    a = ST(0);
    b = ST(i);
    st_set(env, 0, b);
    st_set(env, i, a);
}

void helper_ffree(CPUX86State *env, uint64_t i, uint64_t pop)
{
    fpu_check_pending(env);
    env->fptags |= 1u << ((env->fpstt + i) & 7);
    if (pop) {
        fpop(env);
    }
}

void helper_fcmov(CPUX86State *env, uint64_t i, uint64_t cond)
{
    fpu_check_pending(env);
    if (st_empty(env, 0) || st_empty(env, i)) {
        if (fpu_underflow(env)) {
            st_set(env, 0, fp_indefinite());
        }
        return;
    }
    /* C1 is only written (0) on a stack underflow */
    if (cond) {
        st_set(env, 0, ST(i));
    }
}

/* ---- control/status ---- */

uint64_t helper_fnstsw(CPUX86State *env)
{
    return (env->fpus & ~0x3800ull & 0xffff) | ((env->fpstt & 7) << 11);
}

uint64_t helper_fnstcw(CPUX86State *env)
{
    return env->fpuc & 0xffff;
}

void helper_fldcw(CPUX86State *env, uint64_t cw)
{
    fpu_check_pending(env);
    env->fpuc = cw & 0x1f7f;   /* reserved bits read back as 0 (bit 6 reads as 1) */
    env->fpuc |= 0x40;
    fpu_update_es(env);
}

/* Two-bit tag of physical register p (FNSTENV): 0 valid, 1 zero, 2 special, 3 empty. */
static unsigned fpu_tag2(CPUX86State *env, int p)
{
    uint64_t mant = env->fpregs[p].q[0];
    unsigned exp = env->fpregs[p].q[1] & 0x7fff;

    if ((env->fptags >> p) & 1) {
        return 3;
    }
    if (exp == 0x7fff) {
        return 2;
    }
    if (exp == 0) {
        return mant == 0 ? 1 : 2;
    }
    return (mant >> 63) ? 0 : 2;   /* unnormal: special */
}

static uint16_t fpu_full_tags(CPUX86State *env)
{
    uint16_t t = 0;
    for (int p = 0; p < 8; p++) {
        t |= fpu_tag2(env, p) << (2 * p);
    }
    return t;
}

/* Environment: 28 bytes (32-bit format) or 14 bytes (data16). */
static void fpu_store_env(CPUX86State *env, uint64_t addr, bool data16)
{
    uint16_t cw = env->fpuc, sw = helper_fnstsw(env), tw = fpu_full_tags(env);

    if (data16) {
        cpu_stw_data(env, addr + 12, 0);   /* highest first: fault before any write */
        cpu_stw_data(env, addr + 0, cw);
        cpu_stw_data(env, addr + 2, sw);
        cpu_stw_data(env, addr + 4, tw);
        cpu_stw_data(env, addr + 6, 0);
        cpu_stw_data(env, addr + 8, 0);
        cpu_stw_data(env, addr + 10, 0);
    } else {
        cpu_stl_data(env, addr + 24, 0xffff0000u);
        cpu_stl_data(env, addr + 0, 0xffff0000u | cw);
        cpu_stl_data(env, addr + 4, 0xffff0000u | sw);
        cpu_stl_data(env, addr + 8, 0xffff0000u | tw);
        cpu_stl_data(env, addr + 12, 0);
        cpu_stl_data(env, addr + 16, 0);
        cpu_stl_data(env, addr + 20, 0);
    }
}

static void fpu_load_env(CPUX86State *env, uint64_t addr, bool data16)
{
    uint16_t cw, sw, tw;

    if (data16) {
        cw = cpu_lduw_data(env, addr);
        sw = cpu_lduw_data(env, addr + 2);
        tw = cpu_lduw_data(env, addr + 4);
        (void)cpu_lduw_data(env, addr + 12);
    } else {
        cw = cpu_lduw_data(env, addr);
        sw = cpu_lduw_data(env, addr + 4);
        tw = cpu_lduw_data(env, addr + 8);
        (void)cpu_ldl_data(env, addr + 24);
    }
    env->fpuc = (cw & 0x1f7f) | 0x40;
    env->fpstt = (sw >> 11) & 7;
    env->fpus = sw & ~0x3800u;
    env->fptags = 0;
    for (int p = 0; p < 8; p++) {
        if (((tw >> (2 * p)) & 3) == 3) {
            env->fptags |= 1u << p;
        }
    }
    fpu_update_es(env);
}

void helper_fnstenv(CPUX86State *env, uint64_t addr, uint64_t data16)
{
    fpu_store_env(env, addr, data16);
    env->fpuc |= FSW_EXC;   /* FNSTENV masks all exceptions afterwards */
    fpu_update_es(env);
}

/* FLDENV and FRSTOR wait: a pending unmasked exception is #MF first. */
void helper_fldenv(CPUX86State *env, uint64_t addr, uint64_t data16)
{
    fpu_check_pending(env);
    fpu_load_env(env, addr, data16);
}

void helper_fnsave(CPUX86State *env, uint64_t addr, uint64_t data16)
{
    int off = data16 ? 14 : 28;

    /* probe the last byte first so a fault leaves memory untouched */
    cpu_stb_data(env, addr + off + 79, env->fpregs[(env->fpstt + 7) & 7].q[1] >> 8);
    fpu_store_env(env, addr, data16);
    for (int i = 0; i < 8; i++) {
        X86FPReg r = ST(i);
        cpu_stq_data(env, addr + off + 10 * i, r.q[0]);
        cpu_stw_data(env, addr + off + 10 * i + 8, r.q[1]);
    }
    helper_fspecial(env, FSP_NINIT);
}

void helper_frstor(CPUX86State *env, uint64_t addr, uint64_t data16)
{
    int off = data16 ? 14 : 28;
    X86FPReg regs[8];

    fpu_check_pending(env);

    for (int i = 0; i < 8; i++) {
        regs[i].q[0] = cpu_ldq_data(env, addr + off + 10 * i);
        regs[i].q[1] = cpu_lduw_data(env, addr + off + 10 * i + 8);
    }
    fpu_load_env(env, addr, data16);
    for (int i = 0; i < 8; i++) {
        env->fpregs[(env->fpstt + i) & 7] = regs[i];
    }
}

/* FXSAVE image: 0 FCW, 2 FSW, 4 abridged FTW, 6 FOP, 8 FIP, 16 FDP, 24 MXCSR,
 * 28 MXCSR_MASK, 32 + 16*i ST(i), 160 + 16*i XMMi; 416..511 untouched. */
void x86_fxsave_image(CPUX86State *env, uint8_t *img, bool rexw)
{
    uint16_t cw = env->fpuc, sw = helper_fnstsw(env), fop = env->fpop & 0x7ff;
    uint64_t ip = rexw ? env->fpip : (uint32_t)env->fpip;
    uint64_t dp = rexw ? env->fpdp : (uint32_t)env->fpdp;
    uint32_t mxcsr = env->mxcsr, mask = MXCSR_MASK;
    uint8_t ftw = 0;

    for (int p = 0; p < 8; p++) {
        if (!((env->fptags >> p) & 1)) {
            ftw |= 1u << p;
        }
    }
    memset(img, 0, 416);
    memcpy(img + 0, &cw, 2);
    memcpy(img + 2, &sw, 2);
    img[4] = ftw;
    memcpy(img + 6, &fop, 2);
    memcpy(img + 8, &ip, 8);
    memcpy(img + 16, &dp, 8);
    memcpy(img + 24, &mxcsr, 4);
    memcpy(img + 28, &mask, 4);
    for (int i = 0; i < 8; i++) {
        X86FPReg r = ST(i);
        uint16_t se = r.q[1];
        memcpy(img + 32 + 16 * i, &r.q[0], 8);
        memcpy(img + 40 + 16 * i, &se, 2);
    }
    for (int i = 0; i < 16; i++) {
        memcpy(img + 160 + 16 * i, &env->xmm[i], 16);
    }
}

bool x86_fxrstor_image(CPUX86State *env, const uint8_t *img, bool rexw)
{
    uint16_t cw, sw, fop;
    uint32_t mxcsr;

    memcpy(&mxcsr, img + 24, 4);
    if (mxcsr & ~MXCSR_MASK) {
        return false;
    }
    memcpy(&cw, img, 2);
    memcpy(&sw, img + 2, 2);
    memcpy(&fop, img + 6, 2);
    env->fpuc = (cw & 0x1f7f) | 0x40;
    env->fpstt = (sw >> 11) & 7;
    env->fpus = sw & ~0x3800u;
    env->fptags = (uint8_t)~img[4];
    env->fpop = fop & 0x7ff;
    memcpy(&env->fpip, img + 8, 8);
    memcpy(&env->fpdp, img + 16, 8);
    if (!rexw) {
        env->fpip &= 0xffffffff;
        env->fpdp &= 0xffffffff;
    }
    env->mxcsr = mxcsr;
    for (int i = 0; i < 8; i++) {
        X86FPReg *r = &env->fpregs[(env->fpstt + i) & 7];
        uint16_t se;
        memcpy(&r->q[0], img + 32 + 16 * i, 8);
        memcpy(&se, img + 40 + 16 * i, 2);
        r->q[1] = se;
    }
    for (int i = 0; i < 16; i++) {
        memcpy(&env->xmm[i].q[0], img + 160 + 16 * i, 16);
    }
    fpu_update_es(env);
    return true;
}

/* FXSAVE/FXRSTOR: #GP for a misaligned image, but a non-canonical one
 * faults as that first (#SS through SS, SIGBUS), as the host does (its
 * MOVAPS and XSAVE check alignment first; emu does so too). */
static void fx_check_align(CPUX86State *env, uint64_t addr)
{
    if (addr & 15) {
        if ((uint64_t)(((int64_t)addr << 16) >> 16) != addr) {
            cpu_raise_access_fault(env, addr, 0);
        }
        cpu_loop_exit_fault(env, EXCP_GP, SIGSEGV, SI_KERNEL, 0);
    }
}

void helper_fxsave(CPUX86State *env, uint64_t addr, uint64_t rexw)
{
    uint8_t img[416];

    fx_check_align(env, addr);
    x86_fxsave_image(env, img, rexw);
    /* the last quadword first: a fault on the second page writes nothing */
    for (int off = 408; off >= 0; off -= 8) {
        uint64_t q;
        memcpy(&q, img + off, 8);
        cpu_stq_data(env, addr + off, q);
    }
}

void helper_fxrstor(CPUX86State *env, uint64_t addr, uint64_t rexw)
{
    uint8_t img[416];

    fx_check_align(env, addr);
    for (int off = 0; off < 416; off += 8) {
        uint64_t q = cpu_ldq_data(env, addr + off);
        memcpy(img + off, &q, 8);
    }
    if (!x86_fxrstor_image(env, img, rexw)) {
        cpu_loop_exit_fault(env, EXCP_GP, SIGSEGV, SI_KERNEL, 0);
    }
}

void fpu_reset(CPUX86State *env)
{
    helper_fspecial(env, FSP_NINIT);
    env->mxcsr = MXCSR_DEFAULT;
}
