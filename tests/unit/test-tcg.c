/*
 * tests/unit/test-tcg.c — the IR core, optimizer and interpreter.
 *
 * Every op is emitted, optionally optimized, lowered by the interpreter and
 * run, and the result compared with C reference semantics written here
 * independently of emu/tcg/internal.h.  A randomized differential test runs
 * random TBs three ways (a reference evaluator of the IR in this file, the
 * interpreter without and with the optimizer) and compares all state.
 *
 * This file defines guest_base, guest_addr_limit and cpu_raise_access_fault
 * itself, so that only the tcg objects are pulled from libemucore.a.
 */
#include <check.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/tcg/tcg.h"
#include "emu/tcg/backend.h"
#include "test-tcg.h"

/* ---- test-local versions of what softmmu and the core provide ---- */

uintptr_t guest_base;
uint64_t guest_addr_limit;

static sigjmp_buf fault_jmp;
uint64_t fault_addr;
int fault_is_write;
uint64_t fault_insn_pc;

void cpu_raise_access_fault(CPUX86State *env, uint64_t addr, int is_write)
{
    fault_addr = addr;
    fault_is_write = is_write;
    fault_insn_pc = env->insn_pc;
    siglongjmp(fault_jmp, 1);
}

/* ---- fixture ---- */

CPUX86State *env;
TCGv R[16];
uint8_t *gmem;                 /* guest memory for ld/st: guest 0..GMEM_SIZE */

static void setup(void)
{
    env = g_malloc0(sizeof(*env));
    env->env_ptr = (uint64_t)(uintptr_t)env;
    tcg_context_init();
    tcg_func_start();
    static const char *const names[16] = {
        "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
    };
    for (int i = 0; i < 16; i++) {
        R[i] = tcg_global_slot(ENV_SLOT(regs[i]), names[i]);
    }
    gmem = g_malloc0(GMEM_SIZE);
    guest_base = (uintptr_t)gmem;
    guest_addr_limit = GMEM_SIZE;
}

static void teardown(void)
{
    g_free(env);
    g_free(gmem);
}

/* The backend under test: EMU_BACKEND=jit tests the host JIT instead. */
static const TCGBackend *backend(void)
{
    const char *b = getenv("EMU_BACKEND");
    return b && strcmp(b, "jit") == 0 ? &tcg_backend_jit : &tcg_backend_interp;
}

/* Compile the current IR (optimized if asked), run it once, free it. */
unsigned run_tb(bool optimize)
{
    TCGContext *s = tcg_ctx();
    size_t size = 0;
    if (optimize) {
        tcg_optimize(s);
    }
    void *code = backend()->gen_code(s, &size);
    ck_assert_ptr_nonnull(code);
    ck_assert_uint_gt(size, 0);
    unsigned r = backend()->exec(env, code);
    backend()->free_code(code);
    return r;
}

static const uint64_t vals[] = {
    0, 1, 2, 3, 7, 8, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000,
    0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x8000000000000000ull,
    0x7fffffffffffffffull, 0xffffffffffffffffull, 0xfffffffffffffffeull,
    0x123456789abcdef0ull, 0xfedcba9876543210ull,
};
#define NVALS (sizeof(vals) / sizeof(vals[0]))

/* ---- reference semantics (independent of the implementation) ---- */

static uint64_t ref_rotl(uint64_t a, unsigned n)
{
    n &= 63;
    return n ? (a << n) | (a >> (64 - n)) : a;
}

static uint64_t ref_rotl32(uint64_t a, unsigned n)
{
    uint32_t x = (uint32_t)a;
    n &= 31;
    return n ? (uint32_t)((x << n) | (x >> (32 - n))) : x;
}

static unsigned ref_clz(uint64_t a)
{
    unsigned n = 0;
    for (int i = 63; i >= 0 && !((a >> i) & 1); i--) {
        n++;
    }
    return n;
}

static unsigned ref_ctz(uint64_t a)
{
    unsigned n = 0;
    for (int i = 0; i < 64 && !((a >> i) & 1); i++) {
        n++;
    }
    return n;
}

static unsigned ref_pop(uint64_t a)
{
    unsigned n = 0;
    for (; a; a >>= 1) {
        n += a & 1;
    }
    return n;
}

static uint64_t ref_bswap(uint64_t a, int bytes)
{
    uint64_t r = 0;
    for (int i = 0; i < bytes; i++) {
        r = (r << 8) | ((a >> (8 * i)) & 0xff);
    }
    return r;
}

uint64_t ref_binop(TCGOpcode opc, uint64_t a, uint64_t b)
{
    switch (opc) {
    case INDEX_op_add: return a + b;
    case INDEX_op_sub: return a - b;
    case INDEX_op_mul: return a * b;
    case INDEX_op_and: return a & b;
    case INDEX_op_or: return a | b;
    case INDEX_op_xor: return a ^ b;
    case INDEX_op_andc: return a & ~b;
    case INDEX_op_shl: return a << (b % 64);
    case INDEX_op_shr: return a >> (b % 64);
    case INDEX_op_sar: {
        unsigned n = b % 64;
        uint64_t r = a >> n;
        if ((a >> 63) && n) {
            r |= ~0ull << (64 - n);
        }
        return r;
    }
    case INDEX_op_rotl: return ref_rotl(a, (unsigned)(b % 64));
    case INDEX_op_rotr: return ref_rotl(a, (unsigned)((64 - b % 64) % 64));
    case INDEX_op_rotl32: return ref_rotl32(a, (unsigned)(b % 32));
    case INDEX_op_rotr32: return ref_rotl32(a, (unsigned)((32 - b % 32) % 32));
    case INDEX_op_clz: return a ? ref_clz(a) : b;
    case INDEX_op_ctz: return a ? ref_ctz(a) : b;
    default: ck_abort_msg("not a binop"); return 0;
    }
}

uint64_t ref_unop(TCGOpcode opc, uint64_t a)
{
    switch (opc) {
    case INDEX_op_mov: return a;
    case INDEX_op_neg: return 0 - a;
    case INDEX_op_not: return a ^ ~0ull;
    case INDEX_op_ext8s: return (a & 0x80) ? (a | ~0xffull) : (a & 0xff);
    case INDEX_op_ext8u: return a & 0xff;
    case INDEX_op_ext16s: return (a & 0x8000) ? (a | ~0xffffull) : (a & 0xffff);
    case INDEX_op_ext16u: return a & 0xffff;
    case INDEX_op_ext32s: return (a & 0x80000000) ? (a | ~0xffffffffull) : (a & 0xffffffff);
    case INDEX_op_ext32u: return a & 0xffffffff;
    case INDEX_op_bswap16: return ref_bswap(a, 2);
    case INDEX_op_bswap32: return ref_bswap(a, 4);
    case INDEX_op_bswap64: return ref_bswap(a, 8);
    case INDEX_op_ctpop: return ref_pop(a);
    default: ck_abort_msg("not a unop"); return 0;
    }
}

bool ref_cond(TCGCond c, uint64_t a, uint64_t b)
{
    int64_t sa = (int64_t)a, sb = (int64_t)b;
    switch (c) {
    case TCG_COND_NEVER: return false;
    case TCG_COND_ALWAYS: return true;
    case TCG_COND_EQ: return a == b;
    case TCG_COND_NE: return a != b;
    case TCG_COND_LT: return sa < sb;
    case TCG_COND_GE: return sa >= sb;
    case TCG_COND_LE: return sa <= sb;
    case TCG_COND_GT: return sa > sb;
    case TCG_COND_LTU: return a < b;
    case TCG_COND_GEU: return a >= b;
    case TCG_COND_LEU: return a <= b;
    case TCG_COND_GTU: return a > b;
    case TCG_COND_TSTEQ: return (a & b) == 0;
    case TCG_COND_TSTNE: return (a & b) != 0;
    }
    ck_abort_msg("bad cond");
    return false;
}

uint64_t ref_extract(uint64_t a, unsigned pos, unsigned len, bool sign)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < len; i++) {
        r |= ((a >> (pos + i)) & 1) << i;
    }
    if (sign && ((r >> (len - 1)) & 1)) {
        for (unsigned i = len; i < 64; i++) {
            r |= 1ull << i;
        }
    }
    return r;
}

uint64_t ref_deposit(uint64_t a, uint64_t b, unsigned pos, unsigned len)
{
    uint64_t r = a;
    for (unsigned i = 0; i < len; i++) {
        r &= ~(1ull << (pos + i));
        r |= ((b >> i) & 1) << (pos + i);
    }
    return r;
}

/* 128-bit products by 32-bit pieces. */
void ref_mulu2(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi)
{
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *lo = (mid << 32) | (uint32_t)p00;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

void ref_muls2(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi)
{
    ref_mulu2(a, b, lo, hi);
    if ((int64_t)a < 0) {
        *hi -= b;
    }
    if ((int64_t)b < 0) {
        *hi -= a;
    }
}

/* ---- op tables for the exhaustive tests ---- */

typedef void (*Gen3)(TCGv, TCGv, TCGv);
typedef void (*Gen2)(TCGv, TCGv);

static const struct {
    TCGOpcode opc;
    Gen3 gen;
    const char *name;
} binops[] = {
    { INDEX_op_add, tcg_gen_add_i64, "add" },
    { INDEX_op_sub, tcg_gen_sub_i64, "sub" },
    { INDEX_op_mul, tcg_gen_mul_i64, "mul" },
    { INDEX_op_and, tcg_gen_and_i64, "and" },
    { INDEX_op_or, tcg_gen_or_i64, "or" },
    { INDEX_op_xor, tcg_gen_xor_i64, "xor" },
    { INDEX_op_andc, tcg_gen_andc_i64, "andc" },
    { INDEX_op_shl, tcg_gen_shl_i64, "shl" },
    { INDEX_op_shr, tcg_gen_shr_i64, "shr" },
    { INDEX_op_sar, tcg_gen_sar_i64, "sar" },
    { INDEX_op_rotl, tcg_gen_rotl_i64, "rotl" },
    { INDEX_op_rotr, tcg_gen_rotr_i64, "rotr" },
    { INDEX_op_rotl32, tcg_gen_rotl32_i64, "rotl32" },
    { INDEX_op_rotr32, tcg_gen_rotr32_i64, "rotr32" },
    { INDEX_op_clz, tcg_gen_clz_i64, "clz" },
    { INDEX_op_ctz, tcg_gen_ctz_i64, "ctz" },
};

static const struct {
    TCGOpcode opc;
    Gen2 gen;
    const char *name;
} unops[] = {
    { INDEX_op_mov, tcg_gen_mov_i64, "mov" },
    { INDEX_op_neg, tcg_gen_neg_i64, "neg" },
    { INDEX_op_not, tcg_gen_not_i64, "not" },
    { INDEX_op_ext8s, tcg_gen_ext8s_i64, "ext8s" },
    { INDEX_op_ext8u, tcg_gen_ext8u_i64, "ext8u" },
    { INDEX_op_ext16s, tcg_gen_ext16s_i64, "ext16s" },
    { INDEX_op_ext16u, tcg_gen_ext16u_i64, "ext16u" },
    { INDEX_op_ext32s, tcg_gen_ext32s_i64, "ext32s" },
    { INDEX_op_ext32u, tcg_gen_ext32u_i64, "ext32u" },
    { INDEX_op_bswap16, tcg_gen_bswap16_i64, "bswap16" },
    { INDEX_op_bswap32, tcg_gen_bswap32_i64, "bswap32" },
    { INDEX_op_bswap64, tcg_gen_bswap64_i64, "bswap64" },
    { INDEX_op_ctpop, tcg_gen_ctpop_i64, "ctpop" },
};

static const TCGCond conds[] = {
    TCG_COND_NEVER, TCG_COND_ALWAYS, TCG_COND_EQ, TCG_COND_NE, TCG_COND_LT, TCG_COND_GE,
    TCG_COND_LE, TCG_COND_GT, TCG_COND_LTU, TCG_COND_GEU, TCG_COND_LEU, TCG_COND_GTU,
    TCG_COND_TSTEQ, TCG_COND_TSTNE,
};

/* Operand forms: both in registers, second constant, first constant, both
 * constant (the last through raw ops, so the backend sees them unfolded). */
enum { F_RR, F_RI, F_IR, F_II, F_NFORMS };

static TCGv operand(int form, int which, uint64_t v, TCGv reg)
{
    bool is_const = form == F_II || (form == F_RI && which == 1) || (form == F_IR && which == 0);
    return is_const ? tcg_constant_i64(v) : reg;
}

START_TEST(test_binops)
{
    for (size_t k = 0; k < G_N_ELEMENTS(binops); k++) {
        for (size_t i = 0; i < NVALS; i++) {
            for (size_t j = 0; j < NVALS; j++) {
                uint64_t a = vals[i], b = vals[j], want = ref_binop(binops[k].opc, a, b);
                for (int form = 0; form < F_NFORMS; form++) {
                    for (int opt = 0; opt < 2; opt++) {
                        tcg_func_start();
                        TCGv t = tcg_temp_new();
                        TCGv x = operand(form, 0, a, R[0]), y = operand(form, 1, b, R[1]);
                        if (form == F_II || opt == 0) {
                            tcg_emit_op(binops[k].opc, 3, (TCGArg)t, (TCGArg)x, (TCGArg)y);
                        } else {
                            binops[k].gen(t, x, y);
                        }
                        tcg_gen_mov_i64(R[2], t);
                        tcg_gen_exit_tb(TB_EXIT_NOCHAIN);
                        env->regs[0] = a;
                        env->regs[1] = b;
                        env->regs[2] = 0xdead;
                        ck_assert_uint_eq(run_tb(opt), TB_EXIT_NOCHAIN);
                        ck_assert_msg(env->regs[2] == want,
                                      "%s(%#" PRIx64 ", %#" PRIx64 ") form %d opt %d: got %#"
                                      PRIx64 " want %#" PRIx64, binops[k].name, a, b, form,
                                      opt, env->regs[2], want);
                    }
                }
            }
        }
    }
}
END_TEST

/* Output register also an input: d = op(d, b) and d = op(a, d). */
START_TEST(test_binops_aliasing)
{
    for (size_t k = 0; k < G_N_ELEMENTS(binops); k++) {
        for (size_t i = 0; i < NVALS; i += 3) {
            for (size_t j = 0; j < NVALS; j += 2) {
                uint64_t a = vals[i], b = vals[j];
                for (int opt = 0; opt < 2; opt++) {
                    tcg_func_start();
                    TCGv t = tcg_temp_new(), u = tcg_temp_new();
                    tcg_gen_mov_i64(t, R[0]);
                    tcg_gen_mov_i64(u, R[1]);
                    tcg_emit_op(binops[k].opc, 3, (TCGArg)t, (TCGArg)t, (TCGArg)u);
                    tcg_emit_op(binops[k].opc, 3, (TCGArg)R[3], (TCGArg)R[0], (TCGArg)R[3]);
                    tcg_gen_mov_i64(R[2], t);
                    tcg_gen_exit_tb(0);
                    env->regs[0] = a;
                    env->regs[1] = b;
                    env->regs[3] = b;
                    run_tb(opt);
                    uint64_t want = ref_binop(binops[k].opc, a, b);
                    ck_assert_msg(env->regs[2] == want && env->regs[3] == want,
                                  "%s aliasing opt %d", binops[k].name, opt);
                }
            }
        }
    }
}
END_TEST

START_TEST(test_unops)
{
    for (size_t k = 0; k < G_N_ELEMENTS(unops); k++) {
        for (size_t i = 0; i < NVALS; i++) {
            uint64_t a = vals[i], want = ref_unop(unops[k].opc, a);
            for (int form = 0; form < 2; form++) {
                for (int opt = 0; opt < 2; opt++) {
                    tcg_func_start();
                    TCGv t = tcg_temp_new();
                    TCGv x = form ? tcg_constant_i64(a) : R[0];
                    if (form) {
                        tcg_emit_op(unops[k].opc, 2, (TCGArg)t, (TCGArg)x);
                    } else {
                        unops[k].gen(t, x);
                    }
                    tcg_gen_mov_i64(R[2], t);
                    tcg_gen_exit_tb(0);
                    env->regs[0] = a;
                    env->regs[2] = 0xdead;
                    run_tb(opt);
                    ck_assert_msg(env->regs[2] == want, "%s(%#" PRIx64 ") form %d opt %d: got %#"
                                  PRIx64, unops[k].name, a, form, opt, env->regs[2]);
                }
            }
        }
    }
}
END_TEST

START_TEST(test_immediate_emitters)
{
    for (size_t i = 0; i < NVALS; i++) {
        for (size_t j = 0; j < NVALS; j++) {
            uint64_t a = vals[i], b = vals[j];
            for (int opt = 0; opt < 2; opt++) {
                tcg_func_start();
                tcg_gen_addi_i64(R[1], R[0], (int64_t)b);
                tcg_gen_subi_i64(R[2], R[0], (int64_t)b);
                tcg_gen_muli_i64(R[3], R[0], (int64_t)b);
                tcg_gen_andi_i64(R[4], R[0], b);
                tcg_gen_ori_i64(R[5], R[0], b);
                tcg_gen_xori_i64(R[6], R[0], b);
                tcg_gen_shli_i64(R[7], R[0], (unsigned)(b & 63));
                tcg_gen_shri_i64(R[8], R[0], (unsigned)(b & 63));
                tcg_gen_sari_i64(R[9], R[0], (unsigned)(b & 63));
                tcg_gen_rotli_i64(R[10], R[0], (unsigned)(b & 63));
                tcg_gen_rotri_i64(R[11], R[0], (unsigned)(b & 63));
                tcg_gen_setcondi_i64(TCG_COND_LT, R[12], R[0], (int64_t)b);
                tcg_gen_negsetcond_i64(TCG_COND_GEU, R[13], R[0], tcg_constant_i64(b));
                tcg_gen_movi_i64(R[14], b);
                tcg_gen_exit_tb(0);
                env->regs[0] = a;
                run_tb(opt);
                ck_assert_uint_eq(env->regs[1], a + b);
                ck_assert_uint_eq(env->regs[2], a - b);
                ck_assert_uint_eq(env->regs[3], a * b);
                ck_assert_uint_eq(env->regs[4], a & b);
                ck_assert_uint_eq(env->regs[5], a | b);
                ck_assert_uint_eq(env->regs[6], a ^ b);
                ck_assert_uint_eq(env->regs[7], ref_binop(INDEX_op_shl, a, b & 63));
                ck_assert_uint_eq(env->regs[8], ref_binop(INDEX_op_shr, a, b & 63));
                ck_assert_uint_eq(env->regs[9], ref_binop(INDEX_op_sar, a, b & 63));
                ck_assert_uint_eq(env->regs[10], ref_rotl(a, (unsigned)(b & 63)));
                ck_assert_uint_eq(env->regs[11], ref_binop(INDEX_op_rotr, a, b & 63));
                ck_assert_uint_eq(env->regs[12], (int64_t)a < (int64_t)b);
                ck_assert_uint_eq(env->regs[13], a >= b ? ~0ull : 0);
                ck_assert_uint_eq(env->regs[14], b);
            }
        }
    }
}
END_TEST

START_TEST(test_conditions)
{
    for (size_t k = 0; k < G_N_ELEMENTS(conds); k++) {
        TCGCond c = conds[k];
        ck_assert_int_eq(tcg_cond_eval(tcg_invert_cond(c), 1, 2), !tcg_cond_eval(c, 1, 2));
        for (size_t i = 0; i < NVALS; i++) {
            for (size_t j = 0; j < NVALS; j++) {
                uint64_t a = vals[i], b = vals[j];
                bool want = ref_cond(c, a, b);
                ck_assert_int_eq(tcg_cond_eval(c, a, b), want);
                for (int form = 0; form < F_NFORMS; form++) {
                    for (int opt = 0; opt < 2; opt++) {
                        tcg_func_start();
                        TCGv x = operand(form, 0, a, R[0]), y = operand(form, 1, b, R[1]);
                        TCGv t = tcg_temp_new();
                        TCGLabel *l = gen_new_label();
                        /* setcond */
                        tcg_emit_op(INDEX_op_setcond, 4, (TCGArg)t, (TCGArg)x, (TCGArg)y, (TCGArg)c);
                        tcg_gen_mov_i64(R[2], t);
                        /* movcond, selecting between two registers */
                        tcg_emit_op(INDEX_op_movcond, 6, (TCGArg)R[3], (TCGArg)x, (TCGArg)y,
                                    (TCGArg)R[4], (TCGArg)R[5], (TCGArg)c);
                        /* movcond selecting constants */
                        tcg_emit_op(INDEX_op_movcond, 6, (TCGArg)R[6], (TCGArg)x, (TCGArg)y,
                                    (TCGArg)tcg_constant_i64(11), (TCGArg)tcg_constant_i64(22),
                                    (TCGArg)c);
                        /* brcond */
                        tcg_gen_movi_i64(R[7], 1);
                        tcg_emit_op(INDEX_op_brcond, 4, (TCGArg)x, (TCGArg)y, (TCGArg)c, (TCGArg)l);
                        tcg_gen_movi_i64(R[7], 0);
                        gen_set_label(l);
                        tcg_gen_exit_tb(0);
                        env->regs[0] = a;
                        env->regs[1] = b;
                        env->regs[4] = 0x4444;
                        env->regs[5] = 0x5555;
                        run_tb(opt);
                        ck_assert_msg(env->regs[2] == want && env->regs[3] == (want ? 0x4444u : 0x5555u) &&
                                      env->regs[6] == (want ? 11u : 22u) && env->regs[7] == want,
                                      "cond %d (%#" PRIx64 ", %#" PRIx64 ") form %d opt %d: %"
                                      PRIu64 " %#" PRIx64 " %" PRIu64 " %" PRIu64,
                                      c, a, b, form, opt, env->regs[2], env->regs[3],
                                      env->regs[6], env->regs[7]);
                    }
                }
            }
        }
    }
}
END_TEST

START_TEST(test_mul2)
{
    for (size_t i = 0; i < NVALS; i++) {
        for (size_t j = 0; j < NVALS; j++) {
            uint64_t a = vals[i], b = vals[j], ulo, uhi, slo, shi;
            ref_mulu2(a, b, &ulo, &uhi);
            ref_muls2(a, b, &slo, &shi);
            for (int form = 0; form < F_NFORMS; form++) {
                for (int opt = 0; opt < 2; opt++) {
                    tcg_func_start();
                    TCGv x = operand(form, 0, a, R[0]), y = operand(form, 1, b, R[1]);
                    TCGv lo = tcg_temp_new(), hi = tcg_temp_new();
                    tcg_gen_mulu2_i64(lo, hi, x, y);
                    tcg_gen_mov_i64(R[2], lo);
                    tcg_gen_mov_i64(R[3], hi);
                    /* outputs straight into the input registers */
                    tcg_gen_muls2_i64(R[4], R[5], x, y);
                    tcg_gen_exit_tb(0);
                    env->regs[0] = a;
                    env->regs[1] = b;
                    run_tb(opt);
                    ck_assert_msg(env->regs[2] == ulo && env->regs[3] == uhi,
                                  "mulu2(%#" PRIx64 ", %#" PRIx64 ") form %d opt %d", a, b, form, opt);
                    ck_assert_msg(env->regs[4] == slo && env->regs[5] == shi,
                                  "muls2(%#" PRIx64 ", %#" PRIx64 ") form %d opt %d", a, b, form, opt);
                }
            }
        }
    }
}
END_TEST

START_TEST(test_bitfields)
{
    static const uint64_t fvals[] = { 0, ~0ull, 0x8000000000000001ull, 0x123456789abcdef0ull,
                                      0xfedcba9876543210ull };
    for (unsigned pos = 0; pos < 64; pos++) {
        for (unsigned len = 1; pos + len <= 64; len++) {
            for (size_t i = 0; i < G_N_ELEMENTS(fvals); i++) {
                uint64_t a = fvals[i], b = fvals[(i + 3) % G_N_ELEMENTS(fvals)];
                int opt = (pos + len) & 1;
                tcg_func_start();
                tcg_gen_extract_i64(R[2], R[0], pos, len);
                tcg_gen_sextract_i64(R[3], R[0], pos, len);
                tcg_gen_deposit_i64(R[4], R[0], R[1], pos, len);
                /* raw forms: no emitter rewriting, constant inputs */
                tcg_emit_op(INDEX_op_extract, 4, (TCGArg)R[5], (TCGArg)R[0], (TCGArg)pos, (TCGArg)len);
                tcg_emit_op(INDEX_op_sextract, 4, (TCGArg)R[6], (TCGArg)tcg_constant_i64(a),
                            (TCGArg)pos, (TCGArg)len);
                tcg_emit_op(INDEX_op_deposit, 5, (TCGArg)R[7], (TCGArg)tcg_constant_i64(a),
                            (TCGArg)R[1], (TCGArg)pos, (TCGArg)len);
                tcg_emit_op(INDEX_op_deposit, 5, (TCGArg)R[8], (TCGArg)R[0],
                            (TCGArg)tcg_constant_i64(b), (TCGArg)pos, (TCGArg)len);
                tcg_gen_exit_tb(0);
                env->regs[0] = a;
                env->regs[1] = b;
                run_tb(opt);
                uint64_t ex = ref_extract(a, pos, len, false), sx = ref_extract(a, pos, len, true);
                uint64_t dp = ref_deposit(a, b, pos, len);
                ck_assert_msg(env->regs[2] == ex && env->regs[5] == ex, "extract %u,%u", pos, len);
                ck_assert_msg(env->regs[3] == sx && env->regs[6] == sx, "sextract %u,%u", pos, len);
                ck_assert_msg(env->regs[4] == dp && env->regs[7] == dp && env->regs[8] == dp,
                              "deposit %u,%u", pos, len);
            }
        }
    }
}
END_TEST

/* ---- calls ---- */

static uint64_t call_log[8];
static int call_count;

#define H(n) ((uint64_t)(n) * 0x1000193u)
static uint64_t h0(void) { call_count++; return 0x42; }
static uint64_t h1(uint64_t a) { call_count++; return a * H(1) + 1; }
static uint64_t h2(uint64_t a, uint64_t b) { call_count++; return a * H(1) + b * H(2) + 2; }
static uint64_t h3(uint64_t a, uint64_t b, uint64_t c)
{
    call_count++;
    return a * H(1) + b * H(2) + c * H(3) + 3;
}
static uint64_t h4(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    call_count++;
    return a * H(1) + b * H(2) + c * H(3) + d * H(4) + 4;
}
static uint64_t h5(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
    call_count++;
    return a * H(1) + b * H(2) + c * H(3) + d * H(4) + e * H(5) + 5;
}
static uint64_t h6(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
    call_count++;
    return a * H(1) + b * H(2) + c * H(3) + d * H(4) + e * H(5) + f * H(6) + 6;
}
static void v6(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
    uint64_t x[6] = { a, b, c, d, e, f };
    memcpy(call_log, x, sizeof(x));
    call_count++;
}

static uint64_t ref_call(int n, const uint64_t *a)
{
    uint64_t r = (uint64_t)n;
    for (int i = 0; i < n; i++) {
        r += a[i] * H(i + 1);
    }
    return n ? r : 0x42;
}

static const TCGHelperInfo hinfo[7] = {
    { (void *)h0, "h0", TCG_CALL_NO_RWG, 0, true },
    { (void *)h1, "h1", TCG_CALL_NO_RWG, 1, true },
    { (void *)h2, "h2", TCG_CALL_NO_RWG, 2, true },
    { (void *)h3, "h3", TCG_CALL_NO_RWG, 3, true },
    { (void *)h4, "h4", TCG_CALL_NO_RWG, 4, true },
    { (void *)h5, "h5", TCG_CALL_NO_RWG, 5, true },
    { (void *)h6, "h6", TCG_CALL_NO_RWG, 6, true },
};
static const TCGHelperInfo vinfo = { (void *)v6, "v6", TCG_CALL_NO_RWG, 6, false };
static const TCGHelperInfo pure_info = { (void *)h2, "h2pure", TCG_CALL_NO_RWG_SE, 2, true };

START_TEST(test_calls)
{
    uint64_t args[6] = { 1, 0x8000000000000000ull, 3, ~0ull, 0x12345678, 6 };
    for (int n = 0; n <= 6; n++) {
        for (int opt = 0; opt < 2; opt++) {
            for (int cmask = 0; cmask < 4; cmask++) {
                TCGv a[6];
                tcg_func_start();
                for (int i = 0; i < n; i++) {
                    /* some arguments constant, some in registers, some temps */
                    if ((cmask >> (i & 1)) & 1) {
                        a[i] = tcg_constant_i64(args[i]);
                    } else if (i & 1) {
                        a[i] = tcg_temp_new();
                        tcg_gen_mov_i64(a[i], R[i]);
                    } else {
                        a[i] = R[i];
                    }
                }
                TCGv t = tcg_temp_new();
                tcg_gen_callN(&hinfo[n], t, n, a);
                tcg_gen_mov_i64(R[8], t);
                tcg_gen_callN(&hinfo[n], R[9], n, a);
                tcg_gen_call6(&vinfo, NULL, R[0], R[1], R[2], R[3], R[4], R[5]);
                tcg_gen_exit_tb(0);
                memcpy(env->regs, args, sizeof(args));
                call_count = 0;
                run_tb(opt);
                ck_assert_int_eq(call_count, 3);
                ck_assert_msg(env->regs[8] == ref_call(n, args), "call%d opt %d", n, opt);
                ck_assert_uint_eq(env->regs[9], ref_call(n, args));
                ck_assert_mem_eq(call_log, args, sizeof(args));
            }
        }
    }
}
END_TEST

/* A helper that writes a guest register behind the optimizer's back. */
static void helper_set_rbx(uint64_t envp, uint64_t v)
{
    ((CPUX86State *)(uintptr_t)envp)->regs[R_EBX] = v;
}
static const TCGHelperInfo set_rbx_info = { (void *)helper_set_rbx, "set_rbx", 0, 2, false };

static uint64_t helper_get_rbx(uint64_t envp)
{
    return ((CPUX86State *)(uintptr_t)envp)->regs[R_EBX];
}
static const TCGHelperInfo get_rbx_info = { (void *)helper_get_rbx, "get_rbx",
                                            TCG_CALL_NO_WRITE_GLOBALS, 1, true };

START_TEST(test_call_globals)
{
    TCGContext *s = tcg_ctx();
    for (int opt = 0; opt < 2; opt++) {
        tcg_func_start();
        tcg_gen_movi_i64(R[R_EBX], 5);
        /* the helper must see rbx = 5 in its slot */
        tcg_gen_call1(&get_rbx_info, R[0], s->env);
        tcg_gen_call2(&set_rbx_info, NULL, s->env, tcg_constant_i64(7));
        /* rbx is 7 now, whatever the optimizer knew */
        tcg_gen_addi_i64(R[1], R[R_EBX], 1);
        /* an unused pure call goes away, a used one stays */
        tcg_gen_call2(&pure_info, tcg_temp_new(), R[0], R[1]);
        tcg_gen_exit_tb(0);
        call_count = 0;
        run_tb(opt);
        ck_assert_uint_eq(env->regs[0], 5);
        ck_assert_uint_eq(env->regs[R_EBX], 7);
        ck_assert_uint_eq(env->regs[1], 8);
        ck_assert_int_eq(call_count, opt ? 0 : 1);
    }
}
END_TEST

/* ---- guest memory ---- */

START_TEST(test_qemu_ld_st)
{
    static const struct { MemOp mo; int size; bool sign; } mops[] = {
        { MO_UB, 1, false }, { MO_SB, 1, true }, { MO_UW, 2, false }, { MO_SW, 2, true },
        { MO_UL, 4, false }, { MO_SL, 4, true }, { MO_UQ, 8, false },
    };
    for (size_t m = 0; m < G_N_ELEMENTS(mops); m++) {
        for (uint64_t addr = 0; addr < 20; addr += 3) {
            for (int opt = 0; opt < 2; opt++) {
                uint64_t v = 0x8182838485868788ull;
                tcg_func_start();
                TCGv t = tcg_temp_new();
                tcg_gen_insn_start(0x1000, 0);
                tcg_gen_qemu_st_i64(R[0], R[1], mops[m].mo);
                tcg_gen_qemu_ld_i64(t, R[1], mops[m].mo);
                tcg_gen_mov_i64(R[2], t);
                /* constant address and constant value */
                tcg_gen_qemu_st_i64(tcg_constant_i64(v), tcg_constant_i64(100 + addr), mops[m].mo);
                tcg_gen_qemu_ld_i64(R[3], tcg_constant_i64(100 + addr), mops[m].mo);
                /* register + offset, with the base used again later */
                TCGv a2 = tcg_temp_new(), b2 = tcg_temp_new();
                tcg_gen_addi_i64(a2, R[1], 200);
                tcg_gen_qemu_st_i64(R[0], a2, mops[m].mo);
                tcg_gen_addi_i64(b2, R[1], 200);
                tcg_gen_qemu_ld_i64(R[4], b2, mops[m].mo);
                tcg_gen_exit_tb(0);
                memset(gmem, 0xcc, GMEM_SIZE);
                env->regs[0] = v;
                env->regs[1] = addr;
                run_tb(opt);
                uint64_t mask = mops[m].size == 8 ? ~0ull : (1ull << (8 * mops[m].size)) - 1;
                uint64_t want = v & mask;
                if (mops[m].sign && ((want >> (8 * mops[m].size - 1)) & 1)) {
                    want |= ~mask;
                }
                ck_assert_msg(env->regs[2] == want, "ld/st memop %d at %" PRIu64, mops[m].mo, addr);
                ck_assert_uint_eq(env->regs[3], want);
                ck_assert_uint_eq(env->regs[4], want);
                /* little-endian bytes, nothing else touched */
                for (int i = 0; i < 8; i++) {
                    uint8_t exp = i < mops[m].size ? (uint8_t)(v >> (8 * i)) : 0xcc;
                    ck_assert_uint_eq(gmem[addr + i], exp);
                }
                ck_assert_uint_eq(gmem[addr + 8], 0xcc);
            }
        }
    }
}
END_TEST

/* Run the current IR; returns true if it raised an access fault. */
bool __attribute__((noinline)) run_catching(bool opt, unsigned *ret)
{
    if (sigsetjmp(fault_jmp, 0) != 0) {
        return true;
    }
    *ret = run_tb(opt);
    return false;
}

/* Faults: the address check, insn_pc, and globals written before the
 * faulting op are in their slots. */
START_TEST(test_fault_precise)
{
    static const struct { MemOp mo; int size; } mops[] = {
        { MO_UB, 1 }, { MO_UW, 2 }, { MO_UL, 4 }, { MO_UQ, 8 },
    };
    for (size_t m = 0; m < G_N_ELEMENTS(mops); m++) {
        for (int st = 0; st < 2; st++) {
            for (int opt = 0; opt < 2; opt++) {
                uint64_t addrs[] = { GMEM_SIZE - mops[m].size, GMEM_SIZE - mops[m].size + 1,
                                     GMEM_SIZE, ~0ull, ~0ull - 2 };
                for (size_t k = 0; k < G_N_ELEMENTS(addrs); k++) {
                    bool faults = k > 0;
                    tcg_func_start();
                    tcg_gen_insn_start(0x401000, 3);
                    tcg_gen_movi_i64(R[5], 0x55);
                    tcg_gen_insn_start(0x401004, 4);
                    /* address forms: register, register + offset, constant */
                    int form = (int)((m + k + st) % 3);
                    TCGv t = tcg_temp_new();
                    tcg_gen_movi_i64(R[6], 0x66);
                    if (form == 0) {
                        tcg_gen_mov_i64(t, R[1]);
                    } else if (form == 1) {
                        tcg_gen_addi_i64(t, R[2], 0x10);
                    } else {
                        t = tcg_constant_i64(addrs[k]);
                    }
                    if (st) {
                        tcg_gen_qemu_st_i64(R[0], t, mops[m].mo);
                    } else {
                        tcg_gen_qemu_ld_i64(R[0], t, mops[m].mo);
                    }
                    tcg_gen_insn_start(0x401008, 5);
                    tcg_gen_movi_i64(R[7], 0x77);
                    tcg_gen_exit_tb(1);
                    env->regs[1] = addrs[k];
                    env->regs[2] = addrs[k] - 0x10;
                    env->regs[5] = env->regs[6] = env->regs[7] = 0;
                    env->insn_pc = 0;
                    fault_addr = 0;
                    unsigned r = 99;
                    bool faulted = run_catching(opt, &r);
                    ck_assert_int_eq(faulted, faults);
                    if (faults) {
                        ck_assert_uint_eq(r, 99);
                        ck_assert_uint_eq(fault_addr, addrs[k]);
                        ck_assert_int_eq(fault_is_write, st);
                        ck_assert_uint_eq(fault_insn_pc, 0x401004);
                        ck_assert_uint_eq(env->insn_cc_op, 4);
                        ck_assert_uint_eq(env->regs[5], 0x55);
                        ck_assert_uint_eq(env->regs[6], 0x66);
                        ck_assert_uint_eq(env->regs[7], 0);
                    } else {
                        ck_assert_uint_eq(r, 1);
                        ck_assert_uint_eq(env->regs[7], 0x77);
                    }
                }
            }
        }
    }
}
END_TEST

/* insn_pc after a label is that of the instruction the label sits in,
 * whichever path reached it. */
START_TEST(test_fault_after_label)
{
    for (int opt = 0; opt < 2; opt++) {
        for (int taken = 0; taken < 2; taken++) {
            tcg_func_start();
            TCGLabel *l = gen_new_label();
            tcg_gen_insn_start(0x2000, 0);
            tcg_gen_brcondi_i64(TCG_COND_NE, R[2], 0, l);
            tcg_gen_insn_start(0x2004, 0);
            tcg_gen_qemu_ld_i64(R[3], tcg_constant_i64(8), MO_UQ);
            tcg_gen_insn_start(0x2008, 0);
            tcg_gen_qemu_ld_i64(R[4], tcg_constant_i64(16), MO_UQ);
            gen_set_label(l);
            tcg_gen_qemu_ld_i64(R[0], R[1], MO_UQ);
            tcg_gen_exit_tb(0);
            env->regs[1] = GMEM_SIZE;
            env->regs[2] = taken;
            env->insn_pc = 0;
            unsigned r;
            ck_assert(run_catching(opt, &r));
            ck_assert_uint_eq(fault_insn_pc, 0x2008);
        }
    }
}
END_TEST

START_TEST(test_exit_request)
{
    tcg_func_start();
    tcg_gen_movi_i64(R[0], 1);
    tcg_gen_exit_tb(TB_EXIT_SLOT1);
    void *code = backend()->gen_code(tcg_ctx(), NULL);
    env->regs[0] = 0;
    env->exit_request = 1;
    ck_assert_uint_eq(backend()->exec(env, code), TB_EXIT_REQUESTED);
    ck_assert_uint_eq(env->regs[0], 0);
    env->exit_request = 0;
    ck_assert_uint_eq(backend()->exec(env, code), TB_EXIT_SLOT1);
    ck_assert_uint_eq(env->regs[0], 1);
    backend()->free_code(code);
}
END_TEST

/* ---- control flow ---- */

START_TEST(test_branches)
{
    for (int opt = 0; opt < 2; opt++) {
        for (uint64_t a = 0; a < 4; a++) {
            for (uint64_t b = 0; b < 4; b++) {
                tcg_func_start();
                TCGLabel *l_else = gen_new_label(), *l_end = gen_new_label();
                TCGLabel *l_skip = gen_new_label(), *l_unused = gen_new_label();
                TCGv m = tcg_temp_new();
                /* m = max(a, b) with an if/else diamond */
                tcg_gen_brcond_i64(TCG_COND_LTU, R[0], R[1], l_else);
                tcg_gen_mov_i64(m, R[0]);
                tcg_gen_br(l_end);
                tcg_gen_movi_i64(R[9], 0xbad);          /* unreachable */
                gen_set_label(l_else);
                tcg_gen_mov_i64(m, R[1]);
                gen_set_label(l_end);
                tcg_gen_mov_i64(R[2], m);
                /* a label nobody branches to */
                gen_set_label(l_unused);
                /* an early exit */
                tcg_gen_brcondi_i64(TCG_COND_EQ, R[0], 3, l_skip);
                tcg_gen_addi_i64(R[3], R[3], 1);
                tcg_gen_goto_tb(0);
                tcg_gen_exit_tb(TB_EXIT_SLOT0);
                gen_set_label(l_skip);
                tcg_gen_exit_tb(TB_EXIT_NOCHAIN);
                env->regs[0] = a;
                env->regs[1] = b;
                env->regs[3] = 10;
                env->regs[9] = 0;
                unsigned r = run_tb(opt);
                ck_assert_uint_eq(env->regs[2], a > b ? a : b);
                ck_assert_uint_eq(env->regs[9], 0);
                ck_assert_uint_eq(r, a == 3 ? TB_EXIT_NOCHAIN : TB_EXIT_SLOT0);
                ck_assert_uint_eq(env->regs[3], a == 3 ? 10u : 11u);
            }
        }
    }
}
END_TEST

/* IR that falls off its end leaves with TB_EXIT_NOCHAIN. */
START_TEST(test_fall_off_end)
{
    for (int opt = 0; opt < 2; opt++) {
        tcg_func_start();
        TCGLabel *l = gen_new_label();
        tcg_gen_movi_i64(R[0], 7);
        tcg_gen_brcondi_i64(TCG_COND_EQ, R[1], 0, l);
        tcg_gen_movi_i64(R[0], 8);
        gen_set_label(l);
        env->regs[1] = 0;
        ck_assert_uint_eq(run_tb(opt), TB_EXIT_NOCHAIN);
        ck_assert_uint_eq(env->regs[0], 7);
    }
}
END_TEST

/* ---- optimizer ---- */

unsigned count_ops(TCGOpcode opc)
{
    TCGContext *s = tcg_ctx();
    unsigned n = 0;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        n += s->ops[i].opc == opc;
    }
    return n;
}

START_TEST(test_opt_folding)
{
    TCGContext *s = tcg_ctx();
    tcg_func_start();
    TCGv a = tcg_temp_new(), b = tcg_temp_new(), c = tcg_temp_new(), d = tcg_temp_new();
    tcg_gen_movi_i64(a, 40);
    tcg_gen_mov_i64(b, a);
    tcg_emit_op(INDEX_op_add, 3, (TCGArg)c, (TCGArg)b, (TCGArg)tcg_constant_i64(2));
    tcg_emit_op(INDEX_op_mul, 3, (TCGArg)d, (TCGArg)c, (TCGArg)c);
    tcg_gen_mov_i64(R[0], d);                    /* 42 * 42 */
    tcg_emit_op(INDEX_op_sub, 3, (TCGArg)R[1], (TCGArg)R[2], (TCGArg)R[2]);  /* 0 */
    tcg_emit_op(INDEX_op_xor, 3, (TCGArg)R[3], (TCGArg)R[4], (TCGArg)tcg_constant_i64(0));
    tcg_gen_exit_tb(0);
    tcg_optimize(s);
    /* only the writes to globals remain, as moves */
    ck_assert_uint_eq(count_ops(INDEX_op_add) + count_ops(INDEX_op_mul) +
                      count_ops(INDEX_op_sub) + count_ops(INDEX_op_xor), 0);
    ck_assert_uint_eq(count_ops(INDEX_op_mov), 3);
    env->regs[4] = 0x1234;
    run_tb(false);
    ck_assert_uint_eq(env->regs[0], 42 * 42);
    ck_assert_uint_eq(env->regs[1], 0);
    ck_assert_uint_eq(env->regs[3], 0x1234);
}
END_TEST

START_TEST(test_opt_dce_and_unreachable)
{
    TCGContext *s = tcg_ctx();
    tcg_func_start();
    TCGv t = tcg_temp_new(), u = tcg_temp_new();
    TCGLabel *l = gen_new_label(), *l2 = gen_new_label();
    tcg_gen_add_i64(t, R[0], R[1]);      /* dead: t is never read */
    tcg_gen_mul_i64(u, R[0], R[1]);
    tcg_gen_mov_i64(R[2], u);            /* global write: kept */
    tcg_gen_mov_i64(R[3], R[0]);         /* dead: overwritten, nothing sees it */
    tcg_gen_mov_i64(R[3], R[1]);
    tcg_gen_br(l);
    tcg_gen_movi_i64(R[4], 1);           /* unreachable */
    tcg_gen_brcondi_i64(TCG_COND_EQ, R[0], 0, l2);  /* unreachable branch */
    gen_set_label(l);
    tcg_gen_movi_i64(t, 5);
    tcg_gen_brcondi_i64(TCG_COND_EQ, t, 5, l2);     /* always taken */
    tcg_gen_movi_i64(R[5], 1);           /* unreachable */
    gen_set_label(l2);
    tcg_gen_exit_tb(0);
    tcg_optimize(s);
    ck_assert_uint_eq(count_ops(INDEX_op_add), 0);
    /* mul u; mov rdx, u  ->  mul rdx */
    ck_assert_uint_eq(count_ops(INDEX_op_mul), 1);
    ck_assert_ptr_eq((TCGv)s->ops[0].args[0], R[2]);
    ck_assert_uint_eq(count_ops(INDEX_op_mov), 1);
    ck_assert_uint_eq(count_ops(INDEX_op_brcond), 0);
    ck_assert_uint_eq(count_ops(INDEX_op_set_label), 0);
    ck_assert_uint_eq(s->nb_ops, 3);
    env->regs[0] = 6;
    env->regs[1] = 7;
    run_tb(false);
    ck_assert_uint_eq(env->regs[2], 42);
    ck_assert_uint_eq(env->regs[3], 7);
    ck_assert_uint_eq(env->regs[4], 0);
    ck_assert_uint_eq(env->regs[5], 0);
}
END_TEST

/* Extensions and masks of values known to fit are moves. */
START_TEST(test_opt_known_zero_bits)
{
    TCGContext *s = tcg_ctx();
    for (int sign = 0; sign < 2; sign++) {
        tcg_func_start();
        TCGv t = tcg_temp_new(), u = tcg_temp_new(), v = tcg_temp_new();
        tcg_gen_qemu_ld_i64(t, R[1], sign ? MO_SL : MO_UL);
        tcg_gen_ext32u_i64(R[0], t);                 /* redundant unless signed */
        tcg_gen_setcond_i64(TCG_COND_LT, u, R[2], R[3]);
        tcg_gen_andi_i64(R[4], u, 1);                /* redundant */
        tcg_gen_andi_i64(R[5], u, 2);                /* always 0 */
        tcg_gen_extract_i64(v, R[6], 8, 8);
        tcg_gen_ext16u_i64(R[7], v);                 /* redundant */
        tcg_gen_exit_tb(0);
        tcg_optimize(s);
        ck_assert_uint_eq(count_ops(INDEX_op_ext32u), sign ? 1 : 0);
        ck_assert_uint_eq(count_ops(INDEX_op_and), 0);
        ck_assert_uint_eq(count_ops(INDEX_op_ext16u), 0);
        memcpy(gmem + 16, "\x01\x02\x03\x84", 4);
        env->regs[1] = 16;
        env->regs[2] = 1;
        env->regs[3] = 2;
        env->regs[5] = 99;
        env->regs[6] = 0xabcd;
        run_tb(false);
        ck_assert_uint_eq(env->regs[0], 0x84030201u);
        ck_assert_uint_eq(env->regs[4], 1);
        ck_assert_uint_eq(env->regs[5], 0);
        ck_assert_uint_eq(env->regs[7], 0xab);
    }
}
END_TEST

/* A result written back after flags were derived from it is computed
 * straight into its register — but never across an op that can fault. */
START_TEST(test_opt_retarget)
{
    TCGContext *s = tcg_ctx();
    for (int with_ld = 0; with_ld < 2; with_ld++) {
        tcg_func_start();
        TCGv t = tcg_temp_new(), f = tcg_temp_new();
        tcg_gen_insn_start(0x3000, 0);
        tcg_gen_rotri_i64(t, R[0], 8);
        tcg_gen_extract_i64(f, t, 63, 1);
        if (with_ld) {
            tcg_gen_qemu_ld_i64(R[5], R[4], MO_UQ);
        }
        tcg_gen_mov_i64(R[1], t);
        tcg_gen_mov_i64(R[2], f);
        tcg_gen_exit_tb(0);
        tcg_optimize(s);
        ck_assert_uint_eq(count_ops(INDEX_op_mov), with_ld ? 2 : 0);
        env->regs[0] = 0x80;
        env->regs[1] = 0x1111;
        env->regs[2] = 0x2222;
        env->regs[4] = with_ld ? GMEM_SIZE : 0;
        unsigned r;
        bool faulted = run_catching(false, &r);
        ck_assert_int_eq(faulted, with_ld);
        /* on the fault, rcx still holds its old value */
        ck_assert_uint_eq(env->regs[1], with_ld ? 0x1111u : 0x8000000000000000ull);
        ck_assert_uint_eq(env->regs[2], with_ld ? 0x2222u : 1u);
    }
}
END_TEST

/* What is known about a global is forgotten at a label that joins paths. */
START_TEST(test_opt_label_join)
{
    for (uint64_t c = 0; c < 2; c++) {
        tcg_func_start();
        TCGLabel *l = gen_new_label();
        tcg_gen_movi_i64(R[0], 1);
        tcg_gen_brcondi_i64(TCG_COND_EQ, R[5], 0, l);
        tcg_gen_movi_i64(R[0], 2);
        gen_set_label(l);
        tcg_gen_addi_i64(R[1], R[0], 10);
        tcg_gen_exit_tb(0);
        env->regs[5] = c;
        run_tb(true);
        ck_assert_uint_eq(env->regs[1], c ? 12u : 11u);
    }
}
END_TEST

/* ---- big TBs ---- */

START_TEST(test_big_tb)
{
    /* 512 "instructions" of 50 ops each, many temps, a few live across. */
    for (int opt = 0; opt < 2; opt++) {
        tcg_func_start();
        TCGv acc = tcg_temp_new();
        tcg_gen_movi_i64(acc, 0);
        uint64_t want = 0, r0 = 3;
        for (int insn = 0; insn < 512; insn++) {
            tcg_gen_insn_start(0x10000 + insn * 4, 0);
            TCGv t = tcg_temp_new();
            tcg_gen_mov_i64(t, R[0]);
            for (int k = 0; k < 24; k++) {
                TCGv u = tcg_temp_new();
                tcg_gen_addi_i64(u, t, k + insn);
                tcg_gen_xor_i64(t, u, R[0]);
            }
            tcg_gen_add_i64(acc, acc, t);
            uint64_t tv = r0;
            for (int k = 0; k < 24; k++) {
                tv = (tv + (uint64_t)(k + insn)) ^ r0;
            }
            want += tv;
        }
        tcg_gen_mov_i64(R[1], acc);
        tcg_gen_exit_tb(0);
        ck_assert_uint_gt(tcg_ctx()->nb_ops, 512 * 49);
        env->regs[0] = r0;
        run_tb(opt);
        ck_assert_uint_eq(env->regs[1], want);
    }
}
END_TEST

/* Many temps live at once (up to the scratch area): slots must not clash. */
START_TEST(test_many_live_temps)
{
    enum { N = 900 };
    for (int opt = 0; opt < 2; opt++) {
        TCGv t[N];
        tcg_func_start();
        for (int i = 0; i < N; i++) {
            t[i] = tcg_temp_new();
            tcg_gen_addi_i64(t[i], R[0], i);
        }
        tcg_gen_movi_i64(R[1], 0);
        for (int i = N - 1; i >= 0; i--) {
            tcg_gen_xor_i64(R[1], R[1], t[i]);
            tcg_gen_shli_i64(R[1], R[1], 1);
        }
        tcg_gen_exit_tb(0);
        env->regs[0] = 0x1000;
        run_tb(opt);
        uint64_t want = 0;
        for (int i = N - 1; i >= 0; i--) {
            want = (want ^ (0x1000 + (uint64_t)i)) << 1;
        }
        ck_assert_uint_eq(env->regs[1], want);
    }
}
END_TEST

/* ---- dumps ---- */

START_TEST(test_dump)
{
    char *buf = NULL;
    size_t len = 0;
    tcg_func_start();
    TCGv t = tcg_temp_new();
    TCGLabel *l = gen_new_label();
    tcg_gen_insn_start(0x401000, 0);
    tcg_gen_addi_i64(t, R[0], 0x10);
    tcg_gen_brcondi_i64(TCG_COND_EQ, t, 0, l);
    tcg_gen_qemu_ld_i64(R[1], t, MO_SL);
    gen_set_label(l);
    tcg_gen_call1(&hinfo[1], R[2], t);
    tcg_gen_exit_tb(0);
    FILE *f = open_memstream(&buf, &len);
    tcg_dump_ops(tcg_ctx(), f);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, " ---- 0x401000"));
    ck_assert_ptr_nonnull(strstr(buf, "add_i64 tmp0, rax, $0x10"));
    ck_assert_ptr_nonnull(strstr(buf, "brcond_i64 tmp0, $0x0, eq, $L0"));
    ck_assert_ptr_nonnull(strstr(buf, "qemu_ld_i64 rcx, tmp0, sl"));
    ck_assert_ptr_nonnull(strstr(buf, "set_label $L0"));
    ck_assert_ptr_nonnull(strstr(buf, "call h1"));
    ck_assert_ptr_nonnull(strstr(buf, "exit_tb $0x0"));
    free(buf);

    void *code = tcg_backend_interp.gen_code(tcg_ctx(), NULL);
    f = open_memstream(&buf, &len);
    tcg_backend_interp.dump_code(code, f);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "add_i"));
    ck_assert_ptr_nonnull(strstr(buf, "ld_sl"));
    ck_assert_ptr_nonnull(strstr(buf, "insn_start"));
    ck_assert_ptr_nonnull(strstr(buf, "exit_tb"));
    ck_assert_ptr_null(strstr(buf, "???"));
    free(buf);
    tcg_backend_interp.free_code(code);
}
END_TEST

static Suite *tcg_suite(void)
{
    Suite *s = suite_create("tcg");
    TCase *tc = tcase_create("ops");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_binops);
    tcase_add_test(tc, test_binops_aliasing);
    tcase_add_test(tc, test_unops);
    tcase_add_test(tc, test_immediate_emitters);
    tcase_add_test(tc, test_conditions);
    tcase_add_test(tc, test_mul2);
    tcase_add_test(tc, test_bitfields);
    tcase_add_test(tc, test_calls);
    tcase_add_test(tc, test_call_globals);
    tcase_add_test(tc, test_qemu_ld_st);
    tcase_add_test(tc, test_fault_precise);
    tcase_add_test(tc, test_fault_after_label);
    tcase_add_test(tc, test_exit_request);
    tcase_add_test(tc, test_branches);
    tcase_add_test(tc, test_fall_off_end);
    tcase_add_test(tc, test_opt_folding);
    tcase_add_test(tc, test_opt_dce_and_unreachable);
    tcase_add_test(tc, test_opt_label_join);
    tcase_add_test(tc, test_opt_known_zero_bits);
    tcase_add_test(tc, test_opt_retarget);
    tcase_add_test(tc, test_big_tb);
    tcase_add_test(tc, test_many_live_temps);
    tcase_add_test(tc, test_dump);
    tcg_add_random_tests(tc);
    tcg_add_liveness_tests(tc);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    /* the optimizer tests need the optimizer */
    g_unsetenv("EMU_TCG_NO_OPT");
    SRunner *sr = srunner_create(tcg_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
