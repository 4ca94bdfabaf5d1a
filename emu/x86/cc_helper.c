/*
 * emu/x86/cc_helper.c — lazy condition codes and the RFLAGS accessors.
 *
 * Flag formulas follow the Intel SDM, vol. 1 app. A and each instruction's
 * "Flags Affected": AF is the carry/borrow out of bit 3, which for a + b = r
 * and a - b = r is bit 4 of (a ^ b ^ r); OF is signed overflow.
 */
#include "emu/x86/cc_helper.h"

/* Width in bits of a sized CC op; base is its B variant. */
static inline unsigned cc_bits(uint64_t op, CCOp base)
{
    return 8u << cc_op_size((CCOp)op, base);
}

static inline uint64_t cc_mask(unsigned bits)
{
    return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

static inline uint64_t cc_sign(uint64_t v, unsigned bits)
{
    return (v >> (bits - 1)) & 1;
}

/* ZF, SF and PF of a result. */
static inline uint64_t cc_zsp(uint64_t dst, unsigned bits)
{
    dst &= cc_mask(bits);
    return (dst == 0 ? CC_Z : 0) | (cc_sign(dst, bits) ? CC_S : 0) | cc_parity(dst);
}

/* src1 + src2 (+ cin) = dst */
static uint64_t cc_add(uint64_t dst, uint64_t src2, uint64_t cin, unsigned bits)
{
    uint64_t m = cc_mask(bits);
    uint64_t src1 = (dst - src2 - cin) & m;
    uint64_t d = dst & m, s2 = src2 & m;
    uint64_t f = cc_zsp(d, bits);
    if (cin ? d <= src1 : d < src1) {
        f |= CC_C;
    }
    f |= (src1 ^ s2 ^ d) & CC_A;
    if (cc_sign(~(src1 ^ s2) & (src1 ^ d), bits)) {
        f |= CC_O;
    }
    return f;
}

/* src1 - src2 (- bin) = dst */
static uint64_t cc_sub(uint64_t dst, uint64_t src2, uint64_t bin, unsigned bits)
{
    uint64_t m = cc_mask(bits);
    uint64_t src1 = (dst + src2 + bin) & m;
    uint64_t d = dst & m, s2 = src2 & m;
    uint64_t f = cc_zsp(d, bits);
    if (bin ? src1 <= s2 : src1 < s2) {
        f |= CC_C;
    }
    f |= (src1 ^ s2 ^ d) & CC_A;
    if (cc_sign((src1 ^ s2) & (src1 ^ d), bits)) {
        f |= CC_O;
    }
    return f;
}

uint64_t helper_cc_compute_all(uint64_t dst, uint64_t src, uint64_t src2, uint64_t op)
{
    unsigned bits;
    uint64_t f, m;

    if (op & CC_OP_ROT) {
        m = src2 >> 32;
        f = helper_cc_compute_all(dst, src, 0, op & ~(uint64_t)CC_OP_ROT);
        return (f & ~m) | (src2 & m);
    }
    switch ((CCOp)op) {
    case CC_OP_DYNAMIC:      /* never stored in env; be safe */
    case CC_OP_EFLAGS:
        return src & CC_ARITH_MASK;
    case CC_OP_CLR:
        return CC_Z | CC_P;
    case CC_OP_POPCNT:
        return dst == 0 ? CC_Z : 0;
    case CC_OP_ADCX:
        return (src & CC_ARITH_MASK & ~CC_C) | (dst ? CC_C : 0);
    case CC_OP_ADOX:
        return (src & CC_ARITH_MASK & ~CC_O) | (src2 ? CC_O : 0);
    case CC_OP_ADCOX:
        return (src & CC_ARITH_MASK & ~(CC_C | CC_O)) | (dst ? CC_C : 0) | (src2 ? CC_O : 0);
    case CC_OP_MULB ... CC_OP_MULQ:
        /* SF, ZF, AF, PF are "undefined"; Intel hosts give SF = top bit
         * of the low half, PF from its low byte, ZF = AF = 0. */
        bits = cc_bits(op, CC_OP_MULB);
        f = (cc_sign(dst, bits) ? CC_S : 0) | cc_parity(dst);
        if (src != 0) {     /* all 64 bits: see cc_helper.h */
            f |= CC_C | CC_O;
        }
        return f;
    case CC_OP_ADDB ... CC_OP_ADDQ:
        return cc_add(dst, src, 0, cc_bits(op, CC_OP_ADDB));
    case CC_OP_ADCB ... CC_OP_ADCQ:
        return cc_add(dst, src, src2 & 1, cc_bits(op, CC_OP_ADCB));
    case CC_OP_SUBB ... CC_OP_SUBQ:
        return cc_sub(dst, src, 0, cc_bits(op, CC_OP_SUBB));
    case CC_OP_SBBB ... CC_OP_SBBQ:
        return cc_sub(dst, src, src2 & 1, cc_bits(op, CC_OP_SBBB));
    case CC_OP_LOGICB ... CC_OP_LOGICQ:
        return cc_zsp(dst, cc_bits(op, CC_OP_LOGICB));
    case CC_OP_INCB ... CC_OP_INCQ:
        bits = cc_bits(op, CC_OP_INCB);
        m = cc_mask(bits);
        f = cc_zsp(dst, bits) | (src & 1 ? CC_C : 0);
        f |= (dst ^ (dst - 1) ^ 1) & CC_A;
        if ((dst & m) == 1ull << (bits - 1)) {
            f |= CC_O;
        }
        return f;
    case CC_OP_DECB ... CC_OP_DECQ:
        bits = cc_bits(op, CC_OP_DECB);
        m = cc_mask(bits);
        f = cc_zsp(dst, bits) | (src & 1 ? CC_C : 0);
        f |= (dst ^ (dst + 1) ^ 1) & CC_A;
        if ((dst & m) == (1ull << (bits - 1)) - 1) {
            f |= CC_O;
        }
        return f;
    case CC_OP_SHLB ... CC_OP_SHLQ:
        bits = cc_bits(op, CC_OP_SHLB);
        f = cc_zsp(dst, bits);
        if (cc_sign(src, bits)) {
            f |= CC_C;
        }
        if (cc_sign(src ^ dst, bits)) {
            f |= CC_O;
        }
        return f;
    case CC_OP_SHLNB ... CC_OP_SHLNQ:
        /* OF as Intel parts give it: that of the first 1-bit step */
        bits = cc_bits(op, CC_OP_SHLNB);
        f = cc_zsp(dst, bits);
        if (cc_sign(src, bits)) {
            f |= CC_C;
        }
        if (cc_sign(src2 ^ (src2 << 1), bits)) {
            f |= CC_O;
        }
        return f;
    case CC_OP_SARB ... CC_OP_SARQ:
        bits = cc_bits(op, CC_OP_SARB);
        f = cc_zsp(dst, bits) | (src & 1 ? CC_C : 0);
        if (cc_sign(src ^ dst, bits)) {
            f |= CC_O;
        }
        return f;
    case CC_OP_BMILGB ... CC_OP_BMILGQ:
        bits = cc_bits(op, CC_OP_BMILGB);
        m = cc_mask(bits);
        f = ((dst & m) == 0 ? CC_Z : 0) | (cc_sign(dst, bits) ? CC_S : 0);
        if ((src & m) == 0) {
            f |= CC_C;
        }
        return f;
    case CC_OP_NB:
        break;
    }
    return 0;
}

uint64_t helper_cc_compute_c(uint64_t dst, uint64_t src, uint64_t src2, uint64_t op)
{
    unsigned bits;

    if (op & CC_OP_ROT) {
        return src2 & CC_C;     /* a rotate always sets CF */
    }
    switch ((CCOp)op) {
    case CC_OP_CLR:
    case CC_OP_POPCNT:
    case CC_OP_LOGICB ... CC_OP_LOGICQ:
        return 0;
    case CC_OP_DYNAMIC:
    case CC_OP_EFLAGS:
    case CC_OP_ADOX:
        return src & CC_C;
    case CC_OP_ADCX:
    case CC_OP_ADCOX:
        return dst != 0;
    case CC_OP_INCB ... CC_OP_DECQ:
        return src & 1;
    case CC_OP_MULB ... CC_OP_MULQ:
        return src != 0;
    case CC_OP_ADDB ... CC_OP_ADDQ:
        bits = cc_bits(op, CC_OP_ADDB);
        return (dst & cc_mask(bits)) < (src & cc_mask(bits));
    case CC_OP_SUBB ... CC_OP_SUBQ:
        bits = cc_bits(op, CC_OP_SUBB);
        return ((dst + src) & cc_mask(bits)) < (src & cc_mask(bits));
    case CC_OP_SHLB ... CC_OP_SHLQ:
        return cc_sign(src, cc_bits(op, CC_OP_SHLB));
    case CC_OP_SHLNB ... CC_OP_SHLNQ:
        return cc_sign(src, cc_bits(op, CC_OP_SHLNB));
    case CC_OP_SARB ... CC_OP_SARQ:
        return src & 1;
    case CC_OP_BMILGB ... CC_OP_BMILGQ:
        bits = cc_bits(op, CC_OP_BMILGB);
        return (src & cc_mask(bits)) == 0;
    default:
        return helper_cc_compute_all(dst, src, src2, op) & CC_C;
    }
}

HELPER_INFO(cc_compute_all, TCG_CALL_NO_RWG_SE | TCG_CALL_NO_FP, 4, true);
HELPER_INFO(cc_compute_c, TCG_CALL_NO_RWG_SE | TCG_CALL_NO_FP, 4, true);

uint64_t cpu_get_eflags(CPUX86State *env)
{
    uint64_t f = env->eflags & ~(uint64_t)(CC_ARITH_MASK | DF_MASK);
    if (env->rep_cc_op) {
        /* between iterations of a REPE/REPNE CMPS/SCAS (tr-string.c) */
        f |= helper_cc_compute_all(env->rep_cc_dst, env->rep_cc_src, 0, env->rep_cc_op);
    } else {
        f |= helper_cc_compute_all(env->cc_dst, env->cc_src, env->cc_src2, env->cc_op);
    }
    if ((int64_t)env->df < 0) {
        f |= DF_MASK;
    }
    return f | 0x2;
}

void cpu_set_eflags(CPUX86State *env, uint64_t eflags)
{
    env->cc_src = eflags & CC_ARITH_MASK;
    env->cc_dst = 0;
    env->cc_src2 = 0;
    env->cc_op = CC_OP_EFLAGS;
    env->rep_cc_op = 0;     /* no REP flags pending over these */
    env->df = (eflags & DF_MASK) ? (uint64_t)-1 : 1;
    env->eflags = (eflags & ~(uint64_t)(CC_ARITH_MASK | DF_MASK)) | 0x2;
}
