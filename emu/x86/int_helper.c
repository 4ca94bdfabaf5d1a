/*
 * emu/x86/int_helper.c — integer helpers (see int_helper.h).
 */
#include <signal.h>

#include "emu/x86/int_helper.h"
#include "emu/exec.h"

/* Divide error: SIGFPE/FPE_INTDIV at the instruction, nothing written. */
static void __attribute__((noreturn)) raise_de(CPUX86State *env, uint64_t pc)
{
    env->fault_signo = SIGFPE;
    env->fault_code = FPE_INTDIV;
    env->fault_addr = pc;
    env->ud_unimplemented = false;
    cpu_loop_exit_restore(env, EXCP_DE);
}

/* Write the low `size` bytes of reg with x86 rules (32-bit zero-extends). */
static void set_reg(CPUX86State *env, int reg, uint64_t v, int size)
{
    switch (size) {
    case 2:
        env->regs[reg] = (env->regs[reg] & ~0xffffull) | (v & 0xffff);
        break;
    case 4:
        env->regs[reg] = (uint32_t)v;
        break;
    default:
        env->regs[reg] = v;
        break;
    }
}

void helper_div(CPUX86State *env, uint64_t d, uint64_t size, uint64_t pc)
{
    uint64_t rax = env->regs[R_EAX], rdx = env->regs[R_EDX];

    if (d == 0) {
        raise_de(env, pc);
    }
    switch (size) {
    case 1: {
        uint64_t n = rax & 0xffff, q = n / d, r = n % d;
        if (q > 0xff) {
            raise_de(env, pc);
        }
        env->regs[R_EAX] = (rax & ~0xffffull) | (r << 8) | q;
        break;
    }
    case 2:
    case 4: {
        int bits = (int)size * 8;
        uint64_t mask = (1ull << bits) - 1;
        uint64_t n = ((rdx & mask) << bits) | (rax & mask), q = n / d, r = n % d;
        if (q > mask) {
            raise_de(env, pc);
        }
        set_reg(env, R_EAX, q, (int)size);
        set_reg(env, R_EDX, r, (int)size);
        break;
    }
    default: {
        unsigned __int128 n = ((unsigned __int128)rdx << 64) | rax;
        unsigned __int128 q = n / d;
        if (q >> 64) {
            raise_de(env, pc);
        }
        env->regs[R_EAX] = (uint64_t)q;
        env->regs[R_EDX] = (uint64_t)(n % d);
        break;
    }
    }
}
HELPER_INFO(div, 0, 4, false);

void helper_idiv(CPUX86State *env, uint64_t d, uint64_t size, uint64_t pc)
{
    uint64_t rax = env->regs[R_EAX], rdx = env->regs[R_EDX];

    if (d == 0) {
        raise_de(env, pc);
    }
    switch (size) {
    case 1: {
        int64_t n = (int16_t)rax, dv = (int8_t)d;
        int64_t q = n / dv, r = n % dv;
        if (q < INT8_MIN || q > INT8_MAX) {
            raise_de(env, pc);
        }
        env->regs[R_EAX] = (rax & ~0xffffull) | ((uint64_t)(r & 0xff) << 8) | (q & 0xff);
        break;
    }
    case 2:
    case 4: {
        int bits = (int)size * 8;
        uint64_t mask = (1ull << bits) - 1;
        /* Dividend of 32/64 bits, sign-extended; divisor sign-extended. */
        uint64_t un = ((rdx & mask) << bits) | (rax & mask);
        int64_t n = size == 2 ? (int64_t)(int32_t)un : (int64_t)un;
        int64_t dv = size == 2 ? (int16_t)d : (int32_t)d;
        int64_t lo = -(1ll << (bits - 1)), hi = (1ll << (bits - 1)) - 1;
        /* INT64_MIN / -1 cannot occur for 32-bit: n fits in 64 bits but
         * n = -2^63, dv = -1 would trap in C; it overflows the quotient
         * range anyway. */
        if (dv == -1 && n == INT64_MIN) {
            raise_de(env, pc);
        }
        int64_t q = n / dv, r = n % dv;
        if (q < lo || q > hi) {
            raise_de(env, pc);
        }
        set_reg(env, R_EAX, (uint64_t)q, (int)size);
        set_reg(env, R_EDX, (uint64_t)r, (int)size);
        break;
    }
    default: {
        __int128 n = (__int128)(((unsigned __int128)rdx << 64) | rax);
        int64_t dv = (int64_t)d;
        __int128 q, r;
        if (dv == -1) {
            /* -n overflows for n = -2^127; any n < -2^63 or > 2^63 fails. */
            if (n < -(__int128)INT64_MAX || n > (__int128)INT64_MAX + 1) {
                raise_de(env, pc);
            }
            q = -n;
            r = 0;
        } else {
            q = n / dv;
            r = n % dv;
        }
        if (q < INT64_MIN || q > INT64_MAX) {
            raise_de(env, pc);
        }
        env->regs[R_EAX] = (uint64_t)(int64_t)q;
        env->regs[R_EDX] = (uint64_t)(int64_t)r;
        break;
    }
    }
}
HELPER_INFO(idiv, 0, 4, false);

/*
 * Rotates through carry, one bit at a time (rare instructions; a loop of at
 * most 63 steps).  The count is masked to 5 bits (6 for 64-bit) by the
 * caller; for 8/16-bit operands the rotation is modulo 9/17.
 * Flags: when the rotation amount (count mod 9/17 for 8/16 bits) is
 * nonzero, CF is the last bit rotated out and OF that of the first 1-bit
 * step (MSB ^ MSB-1 of the operand for RCL, MSB ^ CF for RCR: the manual's
 * count-1 definition, which Intel parts apply to every count); a rotation
 * by 0 (including 9, 18, 27 for bytes) changes no flag, as on Intel.
 */
static uint64_t rc_mask(int bits)
{
    return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

static int rc_count(uint64_t count, int bits)
{
    if (bits == 8) {
        return (int)(count % 9);
    }
    if (bits == 16) {
        return (int)(count % 17);
    }
    return (int)count;
}

static uint64_t do_rcl(uint64_t val, uint64_t count, uint64_t *flags, int bits)
{
    uint64_t mask = rc_mask(bits);
    uint64_t cf = *flags & CC_C;
    int n = rc_count(count, bits);

    val &= mask;
    /* OF of the first step, as Intel parts give it for any count. */
    uint64_t of = ((val >> (bits - 1)) ^ (val >> (bits - 2))) & 1;
    for (int i = 0; i < n; i++) {
        uint64_t out = (val >> (bits - 1)) & 1;
        val = ((val << 1) | cf) & mask;
        cf = out;
    }
    if (n) {
        *flags = (*flags & ~(uint64_t)(CC_C | CC_O)) | cf | (of ? CC_O : 0);
    }
    return val;
}

static uint64_t do_rcr(uint64_t val, uint64_t count, uint64_t *flags, int bits)
{
    uint64_t mask = rc_mask(bits);
    uint64_t cf = *flags & CC_C;
    int n = rc_count(count, bits);

    val &= mask;
    uint64_t of = ((val >> (bits - 1)) ^ cf) & 1;   /* first step's OF */
    for (int i = 0; i < n; i++) {
        uint64_t out = val & 1;
        val = (val >> 1) | (cf << (bits - 1));
        cf = out;
    }
    if (n) {
        *flags = (*flags & ~(uint64_t)(CC_C | CC_O)) | cf | (of ? CC_O : 0);
    }
    return val;
}

uint64_t helper_rcl(uint64_t val, uint64_t count, uint64_t flags, uint64_t size)
{
    return do_rcl(val, count, &flags, (int)size * 8);
}
HELPER_INFO(rcl, TCG_CALL_NO_RWG_SE, 4, true);

uint64_t helper_rcl_cc(uint64_t val, uint64_t count, uint64_t flags, uint64_t size)
{
    do_rcl(val, count, &flags, (int)size * 8);
    return flags;
}
HELPER_INFO(rcl_cc, TCG_CALL_NO_RWG_SE, 4, true);

uint64_t helper_rcr(uint64_t val, uint64_t count, uint64_t flags, uint64_t size)
{
    return do_rcr(val, count, &flags, (int)size * 8);
}
HELPER_INFO(rcr, TCG_CALL_NO_RWG_SE, 4, true);

uint64_t helper_rcr_cc(uint64_t val, uint64_t count, uint64_t flags, uint64_t size)
{
    do_rcr(val, count, &flags, (int)size * 8);
    return flags;
}
HELPER_INFO(rcr_cc, TCG_CALL_NO_RWG_SE, 4, true);

uint64_t helper_pdep(uint64_t src, uint64_t mask)
{
    uint64_t r = 0;
    for (uint64_t bit = 1; mask; bit <<= 1) {
        uint64_t low = mask & -mask;   /* lowest set bit of the mask */
        if (src & bit) {
            r |= low;
        }
        mask &= mask - 1;
    }
    return r;
}
HELPER_INFO(pdep, TCG_CALL_NO_RWG_SE, 2, true);

uint64_t helper_pext(uint64_t src, uint64_t mask)
{
    uint64_t r = 0;
    for (uint64_t bit = 1; mask; bit <<= 1) {
        uint64_t low = mask & -mask;
        if (src & low) {
            r |= bit;
        }
        mask &= mask - 1;
    }
    return r;
}
HELPER_INFO(pext, TCG_CALL_NO_RWG_SE, 2, true);
