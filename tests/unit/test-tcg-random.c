/*
 * tests/unit/test-tcg-random.c — randomized differential test of the IR
 * pipeline: random TBs (all ops, forward branches, unreachable code, calls
 * with every kind of global side effect, guest loads and stores) run
 *   1. on a reference evaluator of the IR written here,
 *   2. on the interpreter,
 *   3. on the interpreter after tcg_optimize,
 * and must leave identical registers, memory and exit values — or fault at
 * the same op (a guest access out of range, a helper that raises) with
 * identical registers, memory and insn_pc: at a fault every global must
 * hold the value the IR gives it there, whatever the optimizer removed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "test-tcg.h"
#include "emu/tcg/backend.h"

static uint64_t rng;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const uint64_t edge[] = {
    0, 1, 2, 7, 8, 31, 32, 63, 64, 0x80, 0xff, 0x8000, 0x7fffffff, 0x80000000,
    0xffffffff, 0x8000000000000000ull, 0x7fffffffffffffffull, ~0ull, ~1ull,
};

static uint64_t rnd_value(void)
{
    switch (rnd() % 4) {
    case 0: return edge[rnd() % G_N_ELEMENTS(edge)];
    case 1: return rnd() % 70;
    default: return rnd();
    }
}

/* ---- helpers called by random TBs ---- */

static uint64_t rh_mix(uint64_t a, uint64_t b)
{
    return a * 0x9e3779b97f4a7c15ull ^ (b >> 7);
}

static void rh_write(uint64_t envp, uint64_t v)
{
    CPUX86State *e = (CPUX86State *)(uintptr_t)envp;
    e->regs[3] ^= v;
    e->regs[0] += 1;
}

static uint64_t rh_read(uint64_t envp)
{
    CPUX86State *e = (CPUX86State *)(uintptr_t)envp;
    return e->regs[2] * 3 + e->regs[5];
}

/* Reads and writes no global but may raise (like check_align16): a fault
 * point the optimizer must not see through. */
static void rh_check(uint64_t envp, uint64_t v)
{
    if ((v & 7) == 7) {
        cpu_raise_access_fault((CPUX86State *)(uintptr_t)envp, v, 0);
    }
}

static const TCGHelperInfo ri_mix = { (void *)rh_mix, "mix", TCG_CALL_NO_RWG_SE, 2, true };
static const TCGHelperInfo ri_write = { (void *)rh_write, "write", 0, 2, false };
static const TCGHelperInfo ri_read = { (void *)rh_read, "read", TCG_CALL_NO_WRITE_GLOBALS, 1, true };
static const TCGHelperInfo ri_check = { (void *)rh_check, "check", TCG_CALL_NO_RWG, 2, false };

/* ---- the reference evaluator ---- */

static uint64_t ref_get(uint64_t *tv, CPUX86State *e, const TCGTemp *t)
{
    switch (t->kind) {
    case TEMP_CONST: return t->val;
    case TEMP_GLOBAL: return ((uint64_t *)e)[t->slot];
    default: return tv[t->index];
    }
}

static void ref_set(uint64_t *tv, CPUX86State *e, const TCGTemp *t, uint64_t v)
{
    ck_assert_int_ne(t->kind, TEMP_CONST);
    if (t->kind == TEMP_GLOBAL) {
        ((uint64_t *)e)[t->slot] = v;
    } else {
        tv[t->index] = v;
    }
}

static uint32_t find_label(TCGContext *s, uint32_t from, const TCGLabel *l)
{
    for (uint32_t j = from + 1; j < s->nb_ops; j++) {
        if (s->ops[j].opc == INDEX_op_set_label && (TCGLabel *)s->ops[j].args[0] == l) {
            return j;
        }
    }
    ck_abort_msg("branch to a label that is not placed later");
    return 0;
}

/* A fault the reference evaluator met: ref_eval returns REF_FAULT. */
#define REF_FAULT 99u
static uint64_t ref_fault_addr, ref_fault_pc;

static unsigned ref_eval(TCGContext *s, CPUX86State *e, uint8_t *mem)
{
    uint64_t *tv = g_new0(uint64_t, s->nb_temps);
    unsigned ret = TB_EXIT_NOCHAIN;
    uint64_t insn_pc = 0;
#define G(k) ref_get(tv, e, (TCGTemp *)op->args[k])
#define SET(k, v) ref_set(tv, e, (TCGTemp *)op->args[k], (v))
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        switch (op->opc) {
        case INDEX_op_insn_start:
            insn_pc = op->args[0];
            break;
        case INDEX_op_nop: case INDEX_op_set_label:
        case INDEX_op_goto_tb: case INDEX_op_mb: case INDEX_op_discard:
            break;
        case INDEX_op_br:
            i = find_label(s, i, (TCGLabel *)op->args[0]);
            break;
        case INDEX_op_brcond:
            if (ref_cond((TCGCond)op->args[2], G(0), G(1))) {
                i = find_label(s, i, (TCGLabel *)op->args[3]);
            }
            break;
        case INDEX_op_exit_tb:
            ret = (unsigned)op->args[0];
            goto out;
        case INDEX_op_add: case INDEX_op_sub: case INDEX_op_mul: case INDEX_op_and:
        case INDEX_op_or: case INDEX_op_xor: case INDEX_op_andc: case INDEX_op_shl:
        case INDEX_op_shr: case INDEX_op_sar: case INDEX_op_rotl: case INDEX_op_rotr:
        case INDEX_op_rotl32: case INDEX_op_rotr32: case INDEX_op_clz: case INDEX_op_ctz:
            SET(0, ref_binop(op->opc, G(1), G(2)));
            break;
        case INDEX_op_mov: case INDEX_op_neg: case INDEX_op_not: case INDEX_op_ext8s:
        case INDEX_op_ext8u: case INDEX_op_ext16s: case INDEX_op_ext16u:
        case INDEX_op_ext32s: case INDEX_op_ext32u: case INDEX_op_bswap16:
        case INDEX_op_bswap32: case INDEX_op_bswap64: case INDEX_op_ctpop:
            SET(0, ref_unop(op->opc, G(1)));
            break;
        case INDEX_op_setcond:
            SET(0, ref_cond((TCGCond)op->args[3], G(1), G(2)));
            break;
        case INDEX_op_movcond: {
            uint64_t v = ref_cond((TCGCond)op->args[5], G(1), G(2)) ? G(3) : G(4);
            SET(0, v);
            break;
        }
        case INDEX_op_extract:
        case INDEX_op_sextract:
            SET(0, ref_extract(G(1), (unsigned)op->args[2], (unsigned)op->args[3],
                               op->opc == INDEX_op_sextract));
            break;
        case INDEX_op_deposit:
            SET(0, ref_deposit(G(1), G(2), (unsigned)op->args[3], (unsigned)op->args[4]));
            break;
        case INDEX_op_mulu2:
        case INDEX_op_muls2: {
            uint64_t lo, hi;
            if (op->opc == INDEX_op_mulu2) {
                ref_mulu2(G(2), G(3), &lo, &hi);
            } else {
                ref_muls2(G(2), G(3), &lo, &hi);
            }
            SET(0, lo);
            SET(1, hi);
            break;
        }
        case INDEX_op_qemu_ld: {
            unsigned size = 1u << (op->args[2] & MO_SIZE);
            uint64_t addr = G(1), v = 0;
            if (addr + size > GMEM_SIZE) {
                ref_fault_addr = addr;
                ref_fault_pc = insn_pc;
                ret = REF_FAULT;
                goto out;
            }
            for (unsigned b = 0; b < size; b++) {
                v |= (uint64_t)mem[addr + b] << (8 * b);
            }
            if ((op->args[2] & MO_SIGN) && size < 8 && ((v >> (8 * size - 1)) & 1)) {
                v |= ~0ull << (8 * size);
            }
            SET(0, v);
            break;
        }
        case INDEX_op_qemu_st: {
            unsigned size = 1u << (op->args[2] & MO_SIZE);
            uint64_t addr = G(1), v = G(0);
            if (addr + size > GMEM_SIZE) {
                ref_fault_addr = addr;
                ref_fault_pc = insn_pc;
                ret = REF_FAULT;
                goto out;
            }
            for (unsigned b = 0; b < size; b++) {
                mem[addr + b] = (uint8_t)(v >> (8 * b));
            }
            break;
        }
        case INDEX_op_call: {
            const TCGHelperInfo *info = (const TCGHelperInfo *)op->args[op->call_oargs + op->call_iargs];
            unsigned o = op->call_oargs;
            uint64_t r = 0;
            if (info == &ri_mix) {
                r = rh_mix(G(o), G(o + 1));
            } else if (info == &ri_write) {
                rh_write(G(o), G(o + 1));
            } else if (info == &ri_read) {
                r = rh_read(G(o));
            } else if (info == &ri_check) {
                if ((G(o + 1) & 7) == 7) {
                    ref_fault_addr = G(o + 1);
                    ref_fault_pc = insn_pc;
                    ret = REF_FAULT;
                    goto out;
                }
            } else {
                ck_abort_msg("unknown helper");
            }
            if (o) {
                SET(0, r);
            }
            break;
        }
        default:
            ck_abort_msg("reference evaluator: op %s", tcg_op_defs[op->opc].name);
        }
    }
out:
#undef G
#undef SET
    g_free(tv);
    return ret;
}

/* ---- random TB generation ---- */

#define NT 8

static TCGv T[NT];

static TCGv pick_in(void)
{
    switch (rnd() % 5) {
    case 0: case 1: return R[rnd() % 8];
    case 2: case 3: return T[rnd() % NT];
    default: return tcg_constant_i64(rnd_value());
    }
}

static TCGv pick_out(void)
{
    return rnd() % 2 ? R[rnd() % 8] : T[rnd() % NT];
}

static const TCGOpcode rbinops[] = {
    INDEX_op_add, INDEX_op_sub, INDEX_op_mul, INDEX_op_and, INDEX_op_or, INDEX_op_xor,
    INDEX_op_andc, INDEX_op_shl, INDEX_op_shr, INDEX_op_sar, INDEX_op_rotl, INDEX_op_rotr,
    INDEX_op_rotl32, INDEX_op_rotr32, INDEX_op_clz, INDEX_op_ctz,
};
static const TCGOpcode runops[] = {
    INDEX_op_mov, INDEX_op_neg, INDEX_op_not, INDEX_op_ext8s, INDEX_op_ext8u,
    INDEX_op_ext16s, INDEX_op_ext16u, INDEX_op_ext32s, INDEX_op_ext32u, INDEX_op_bswap16,
    INDEX_op_bswap32, INDEX_op_bswap64, INDEX_op_ctpop,
};
static const TCGCond rconds[] = {
    TCG_COND_EQ, TCG_COND_NE, TCG_COND_LT, TCG_COND_GE, TCG_COND_LE, TCG_COND_GT,
    TCG_COND_LTU, TCG_COND_GEU, TCG_COND_LEU, TCG_COND_GTU, TCG_COND_TSTEQ, TCG_COND_TSTNE,
    TCG_COND_ALWAYS, TCG_COND_NEVER,
};

static void gen_random_tb(void)
{
    TCGContext *s = tcg_ctx();
    TCGLabel *pending[16];
    int npending = 0;
    int nops = 5 + (int)(rnd() % 80);
    uint64_t pc = 0x400000;

    tcg_func_start();
    for (int i = 0; i < NT; i++) {
        T[i] = tcg_temp_new();
        if (rnd() % 2) {
            tcg_gen_movi_i64(T[i], rnd_value());
        } else {
            tcg_gen_mov_i64(T[i], R[rnd() % 16]);
        }
    }
    for (int n = 0; n < nops; n++) {
        unsigned k = rnd() % 100;
        if (rnd() % 4 == 0) {
            /* as in a front end, branches stay inside their instruction:
             * the insn_pc a fault reports is then the same whichever
             * unreachable code the optimizer drops */
            while (npending > 0) {
                gen_set_label(pending[--npending]);
            }
            tcg_gen_insn_start(pc, rnd() % 4);
            pc += 4;
        }
        if (k < 28) {
            TCGOpcode opc = rbinops[rnd() % G_N_ELEMENTS(rbinops)];
            tcg_emit_op(opc, 3, (TCGArg)pick_out(), (TCGArg)pick_in(), (TCGArg)pick_in());
        } else if (k < 40) {
            TCGOpcode opc = runops[rnd() % G_N_ELEMENTS(runops)];
            tcg_emit_op(opc, 2, (TCGArg)pick_out(), (TCGArg)pick_in());
        } else if (k < 45) {
            tcg_emit_op(INDEX_op_setcond, 4, (TCGArg)pick_out(), (TCGArg)pick_in(),
                        (TCGArg)pick_in(), (TCGArg)rconds[rnd() % G_N_ELEMENTS(rconds)]);
        } else if (k < 50) {
            tcg_emit_op(INDEX_op_movcond, 6, (TCGArg)pick_out(), (TCGArg)pick_in(),
                        (TCGArg)pick_in(), (TCGArg)pick_in(), (TCGArg)pick_in(),
                        (TCGArg)rconds[rnd() % G_N_ELEMENTS(rconds)]);
        } else if (k < 55) {
            unsigned len = 1 + (unsigned)(rnd() % 64);
            unsigned pos = (unsigned)(rnd() % (65 - len));
            switch (rnd() % 3) {
            case 0:
                tcg_emit_op(INDEX_op_extract, 4, (TCGArg)pick_out(), (TCGArg)pick_in(), (TCGArg)pos, (TCGArg)len);
                break;
            case 1:
                tcg_emit_op(INDEX_op_sextract, 4, (TCGArg)pick_out(), (TCGArg)pick_in(), (TCGArg)pos, (TCGArg)len);
                break;
            default:
                tcg_emit_op(INDEX_op_deposit, 5, (TCGArg)pick_out(), (TCGArg)pick_in(),
                            (TCGArg)pick_in(), (TCGArg)pos, (TCGArg)len);
                break;
            }
        } else if (k < 58) {
            TCGv lo = pick_out(), hi;
            do {
                hi = pick_out();
            } while (hi == lo);
            tcg_emit_op(rnd() % 2 ? INDEX_op_mulu2 : INDEX_op_muls2, 4, (TCGArg)lo, (TCGArg)hi,
                        (TCGArg)pick_in(), (TCGArg)pick_in());
        } else if (k < 66) {
            /* guest access at an address kept inside the test memory:
             * masked register, masked register plus offset, constant */
            TCGv addr;
            switch (rnd() % 5) {
            case 0:
                addr = tcg_constant_i64(rnd() % 0x800);
                break;
            case 1: {
                TCGv base = rnd() % 2 ? T[rnd() % NT] : R[6 + rnd() % 2];
                tcg_gen_andi_i64(base, pick_in(), 0x7ff);
                addr = tcg_temp_new();
                tcg_gen_addi_i64(addr, base, (int64_t)(rnd() % 0x700));
                break;
            }
            case 4:
                /* may be out of range: a fault, depending on the data */
                addr = T[rnd() % NT];
                tcg_gen_andi_i64(addr, pick_in(), 0x1fff);
                break;
            default:
                addr = T[rnd() % NT];
                tcg_gen_andi_i64(addr, pick_in(), 0x7ff);
                break;
            }
            MemOp mo = (MemOp)(rnd() % 4);
            if (rnd() % 2) {
                tcg_gen_qemu_st_i64(pick_in(), addr, mo);
            } else {
                if (mo != MO_64 && rnd() % 2) {
                    mo |= MO_SIGN;
                }
                tcg_gen_qemu_ld_i64(pick_out(), addr, mo);
            }
        } else if (k < 72) {
            switch (rnd() % 4) {
            case 0: tcg_gen_call2(&ri_mix, pick_out(), pick_in(), pick_in()); break;
            case 1: tcg_gen_call2(&ri_write, NULL, s->env, pick_in()); break;
            case 2: tcg_gen_call2(&ri_check, NULL, s->env, pick_in()); break;
            default: tcg_gen_call1(&ri_read, pick_out(), s->env); break;
            }
        } else if (k < 82) {
            TCGLabel *l;
            if (npending > 0 && rnd() % 2) {
                l = pending[rnd() % npending];
            } else if (npending < 16) {
                l = pending[npending++] = gen_new_label();
            } else {
                continue;
            }
            tcg_gen_brcond_i64(rconds[rnd() % G_N_ELEMENTS(rconds)], pick_in(), pick_in(), l);
        } else if (k < 85) {
            if (npending > 0) {
                tcg_gen_br(pending[rnd() % npending]);
            }
        } else if (k < 93) {
            if (npending > 0) {
                int j = (int)(rnd() % npending);
                gen_set_label(pending[j]);
                pending[j] = pending[--npending];
            }
        } else if (k < 96) {
            TCGv t = T[rnd() % NT];
            tcg_gen_discard_i64(t);
            tcg_gen_movi_i64(t, rnd_value());
        } else if (k < 98) {
            tcg_gen_exit_tb(1);
        } else if (k < 99) {
            /* a chain of copies through temps and globals */
            TCGv a = pick_in(), b = pick_out(), c = pick_out();
            tcg_gen_mov_i64(b, a);
            tcg_gen_mov_i64(c, b);
            tcg_gen_add_i64(pick_out(), c, b);
        } else {
            /* cmp then jcc: x - y, then + y (y a constant or a temp),
             * x or y sometimes overwritten in between */
            TCGv x = pick_out(), b = pick_out();
            TCGv y = rnd() % 2 ? tcg_constant_i64(rnd_value()) : pick_out();
            tcg_gen_sub_i64(b, x, y);
            if (rnd() % 2) {
                tcg_emit_op(INDEX_op_xor, 3, (TCGArg)pick_out(), (TCGArg)pick_in(), (TCGArg)pick_in());
            }
            TCGv y2 = rnd() % 4 ? y : pick_in();
            if (rnd() % 2) {
                tcg_gen_add_i64(pick_out(), b, y2);
            } else {
                tcg_gen_add_i64(pick_out(), y2, b);
            }
        }
    }
    while (npending > 0) {
        gen_set_label(pending[--npending]);
    }
    tcg_gen_exit_tb(TB_EXIT_SLOT0);
}

START_TEST(test_random_differential)
{
    TCGContext *s = tcg_ctx();
    CPUX86State *init = g_malloc0(sizeof(*init));
    CPUX86State *ref = g_malloc0(sizeof(*ref));
    CPUX86State *plain = g_malloc0(sizeof(*plain));
    uint8_t *mem_init = g_malloc(GMEM_SIZE), *mem_ref = g_malloc(GMEM_SIZE);
    uint8_t *mem_plain = g_malloc(GMEM_SIZE);

    /* TCG_RANDOM_ITERS=n runs a longer campaign */
    const char *iters_env = getenv("TCG_RANDOM_ITERS");
    int iters = iters_env ? atoi(iters_env) : 4000;
    int nfaults = 0;

    for (int iter = 0; iter < iters; iter++) {
        uint64_t seed = 0x9e3779b97f4a7c15ull * (uint64_t)(iter + 1);
        rng = seed;
        for (int i = 0; i < 16; i++) {
            init->regs[i] = rnd_value();
        }
        for (int i = 0; i < GMEM_SIZE; i += 8) {
            uint64_t v = rnd();
            memcpy(mem_init + i, &v, 8);
        }
        gen_random_tb();

        /* 1. reference */
        memcpy(ref->regs, init->regs, sizeof(init->regs));
        ref->env_ptr = (uint64_t)(uintptr_t)ref;
        memcpy(mem_ref, mem_init, GMEM_SIZE);
        unsigned r_ref = ref_eval(s, ref, mem_ref);

        /* 2. interpreter, unoptimized */
        memcpy(env->regs, init->regs, sizeof(init->regs));
        env->env_ptr = (uint64_t)(uintptr_t)env;
        memcpy(gmem, mem_init, GMEM_SIZE);
        unsigned r_plain = REF_FAULT, r_opt = REF_FAULT;
        env->insn_pc = 0;
        fault_insn_pc = fault_addr = 0;
        run_catching(false, &r_plain);
        uint64_t pc_plain = fault_insn_pc, addr_plain = fault_addr;
        memcpy(plain->regs, env->regs, sizeof(env->regs));
        memcpy(mem_plain, gmem, GMEM_SIZE);

        /* 3. interpreter, optimized */
        memcpy(env->regs, init->regs, sizeof(init->regs));
        memcpy(gmem, mem_init, GMEM_SIZE);
        env->insn_pc = 0;
        fault_insn_pc = fault_addr = 0;
        bool fault_opt = run_catching(true, &r_opt);
        if (r_ref == REF_FAULT) {
            nfaults++;
        }

        bool ok = r_ref == r_plain && r_ref == r_opt &&
                  (r_ref != REF_FAULT ||
                   (fault_opt && fault_insn_pc == ref_fault_pc && fault_addr == ref_fault_addr &&
                    pc_plain == ref_fault_pc && addr_plain == ref_fault_addr)) &&
                  !memcmp(ref->regs, plain->regs, sizeof(ref->regs)) &&
                  !memcmp(ref->regs, env->regs, sizeof(ref->regs)) &&
                  !memcmp(mem_ref, mem_plain, GMEM_SIZE) && !memcmp(mem_ref, gmem, GMEM_SIZE);
        if (!ok) {
            fprintf(stderr, "random TB %d (seed %#" PRIx64 ") differs; optimized IR:\n", iter, seed);
            tcg_dump_ops(s, stderr);
            for (int i = 0; i < 16; i++) {
                fprintf(stderr, "  r%-2d ref %016" PRIx64 " plain %016" PRIx64 " opt %016" PRIx64 "\n",
                        i, ref->regs[i], plain->regs[i], env->regs[i]);
            }
            if (r_ref == REF_FAULT) {
                fprintf(stderr, "  fault at insn %#" PRIx64 " addr %#" PRIx64 "; plain %#" PRIx64
                        " %#" PRIx64 "; opt %#" PRIx64 " %#" PRIx64 "\n", ref_fault_pc,
                        ref_fault_addr, pc_plain, addr_plain, fault_insn_pc, fault_addr);
            }
            fprintf(stderr, "  exit ref %u plain %u opt %u; mem plain %s opt %s\n", r_ref, r_plain,
                    r_opt, memcmp(mem_ref, mem_plain, GMEM_SIZE) ? "differs" : "ok",
                    memcmp(mem_ref, gmem, GMEM_SIZE) ? "differs" : "ok");
        }
        ck_assert_msg(ok, "random TB %d differs (see stderr)", iter);
    }
    /* enough TBs fault to test state at faults (about one in six) */
    ck_assert_int_gt(nfaults, iters / 20);
    g_free(init);
    g_free(ref);
    g_free(plain);
    g_free(mem_init);
    g_free(mem_ref);
    g_free(mem_plain);
}
END_TEST

void tcg_add_random_tests(TCase *tc)
{
    tcase_add_test(tc, test_random_differential);
}
