/*
 * tests/unit/test-tcg-liveness.c — the optimizer's liveness of globals.
 *
 * A write to a global (a guest register, a lazy-flag word) that nothing
 * can observe before the next write goes; one that a fault, a helper
 * call, a chained or exited TB, or a join could observe stays.  Each case
 * counts the writes left in the optimized IR and runs it (optimized and
 * not, on the backend under test) to check the values, at the exit and at
 * a fault.  R[8..11] play cc_dst, cc_src, cc_src2 and cc_op.  Also the
 * forward pass's folding of a cmp's operand recomputed from the flags.
 */
#include <glib.h>

#include "test-tcg.h"
#include "emu/tcg/backend.h"

#define CC_DST R[8]
#define CC_SRC R[9]

/* Ops of the current IR whose outputs include t. */
static unsigned count_writes(TCGv t)
{
    TCGContext *s = tcg_ctx();
    unsigned n = 0;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        unsigned no = op->opc == INDEX_op_call ? op->call_oargs : tcg_op_defs[op->opc].nb_oargs;
        for (unsigned k = 0; k < no; k++) {
            n += (TCGv)op->args[k] == t;
        }
    }
    return n;
}

/* Whether the current IR still writes constant v into t. */
static bool writes_const(TCGv t, uint64_t v)
{
    TCGContext *s = tcg_ctx();
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        if (op->opc == INDEX_op_mov && (TCGv)op->args[0] == t &&
            tcg_temp_is_const((TCGv)op->args[1]) && ((TCGv)op->args[1])->val == v) {
            return true;
        }
    }
    return false;
}

static void optimize(void)
{
    tcg_optimize(tcg_ctx());
}

/* Three flag-setting "instructions" in a row, no fault point in between:
 * only the last one's flags and the register results are written. */
START_TEST(test_live_flags_overwritten)
{
    for (int opt = 0; opt < 2; opt++) {
        tcg_func_start();
        TCGv t = tcg_temp_new(), u = tcg_temp_new(), v = tcg_temp_new();
        tcg_gen_insn_start(0x1000, 2);          /* add rax, rbx */
        tcg_gen_add_i64(t, R[0], R[3]);
        tcg_gen_mov_i64(R[0], t);
        tcg_gen_mov_i64(CC_DST, t);
        tcg_gen_mov_i64(CC_SRC, R[3]);
        tcg_gen_insn_start(0x1003, 10);         /* sub rcx, 1 */
        tcg_gen_subi_i64(u, R[1], 1);
        tcg_gen_mov_i64(R[1], u);
        tcg_gen_mov_i64(CC_DST, u);
        tcg_gen_movi_i64(CC_SRC, 1);
        tcg_gen_insn_start(0x1007, 14);         /* xor rdx, rsi */
        tcg_gen_xor_i64(v, R[2], R[6]);
        tcg_gen_mov_i64(R[2], v);
        tcg_gen_mov_i64(CC_DST, v);
        tcg_gen_movi_i64(CC_SRC, 0);
        tcg_gen_movi_i64(R[11], 18);            /* cc_op, written at the exit */
        tcg_gen_exit_tb(0);
        if (opt) {
            optimize();
            ck_assert_uint_eq(count_writes(CC_DST), 1);
            ck_assert_uint_eq(count_writes(CC_SRC), 1);
            ck_assert_uint_eq(count_writes(R[0]), 1);
            ck_assert_uint_eq(count_writes(R[1]), 1);
            ck_assert_uint_eq(count_writes(R[2]), 1);
            /* cc_src, cc_op, and cc_dst = rdx (xor computed into rdx) */
            ck_assert_uint_eq(count_ops(INDEX_op_mov), 3);
        }
        env->regs[0] = 10;
        env->regs[1] = 20;
        env->regs[2] = 0xf0;
        env->regs[3] = 5;
        env->regs[6] = 0x0f;
        env->regs[8] = env->regs[9] = 0x5555;
        run_tb(false);
        ck_assert_uint_eq(env->regs[0], 15);
        ck_assert_uint_eq(env->regs[1], 19);
        ck_assert_uint_eq(env->regs[2], 0xff);
        ck_assert_uint_eq(env->regs[8], 0xff);
        ck_assert_uint_eq(env->regs[9], 0);
        ck_assert_uint_eq(env->regs[11], 18);
    }
}
END_TEST

/* A guest access that may fault sees every global as it was at the start
 * of its instruction: the previous instruction's flags stay, whether the
 * access is a load or a store, and whether it faults or not. */
START_TEST(test_live_kept_before_access)
{
    for (int st = 0; st < 2; st++) {
        for (int opt = 0; opt < 2; opt++) {
            for (int faults = 0; faults < 2; faults++) {
                tcg_func_start();
                TCGv t = tcg_temp_new(), d = tcg_temp_new();
                tcg_gen_insn_start(0x2000, 2);
                tcg_gen_addi_i64(t, R[0], 1);
                tcg_gen_mov_i64(R[0], t);
                tcg_gen_mov_i64(CC_DST, t);
                tcg_gen_mov_i64(CC_SRC, R[0]);
                tcg_gen_insn_start(0x2004, 10);
                if (st) {
                    tcg_gen_qemu_st_i64(R[2], R[1], MO_UQ);
                    tcg_gen_mov_i64(d, R[2]);
                } else {
                    tcg_gen_qemu_ld_i64(d, R[1], MO_UQ);
                }
                tcg_gen_sub_i64(CC_DST, d, R[2]);
                tcg_gen_mov_i64(CC_SRC, R[2]);
                tcg_gen_exit_tb(0);
                if (opt) {
                    optimize();
                    ck_assert_uint_eq(count_writes(CC_DST), 2);
                    ck_assert_uint_eq(count_writes(CC_SRC), 2);
                }
                env->regs[0] = 100;
                env->regs[1] = faults ? GMEM_SIZE - 4 : 64;
                env->regs[2] = 7;
                env->regs[8] = env->regs[9] = 0x5555;
                memset(gmem, 0, GMEM_SIZE);
                gmem[64] = 9;
                unsigned r;
                ck_assert_int_eq(run_catching(false, &r), faults);
                if (faults) {
                    ck_assert_uint_eq(fault_insn_pc, 0x2004);
                    ck_assert_uint_eq(env->regs[8], 101);
                    ck_assert_uint_eq(env->regs[9], 101);
                } else {
                    ck_assert_uint_eq(env->regs[8], st ? 0 : 2);
                    ck_assert_uint_eq(env->regs[9], 7);
                }
            }
        }
    }
}
END_TEST

/* A load into a global that faults leaves the global's old value: the
 * write before it (same global, earlier instruction) is not dead. */
START_TEST(test_live_load_into_global)
{
    for (int opt = 0; opt < 2; opt++) {
        tcg_func_start();
        tcg_gen_insn_start(0x2100, 0);
        tcg_gen_movi_i64(R[4], 0x44);
        tcg_gen_insn_start(0x2104, 0);
        tcg_gen_qemu_ld_i64(R[4], R[1], MO_UQ);
        tcg_gen_exit_tb(0);
        if (opt) {
            optimize();
            ck_assert_uint_eq(count_writes(R[4]), 2);
        }
        env->regs[1] = GMEM_SIZE;
        env->regs[4] = 0;
        unsigned r;
        ck_assert(run_catching(false, &r));
        ck_assert_uint_eq(env->regs[4], 0x44);
    }
}
END_TEST

/* ---- helpers with each kind of flags ---- */

static uint64_t helper_get_r8(uint64_t envp)
{
    return ((CPUX86State *)(uintptr_t)envp)->regs[8];
}
static const TCGHelperInfo get_r8_info = { (void *)helper_get_r8, "get_r8",
                                           TCG_CALL_NO_WRITE_GLOBALS, 1, true };

/* Reads no global and writes none, but may raise (like check_align16). */
static void helper_check_even(uint64_t envp, uint64_t v)
{
    if (v & 1) {
        cpu_raise_access_fault((CPUX86State *)(uintptr_t)envp, v, 0);
    }
}
static const TCGHelperInfo check_even_info = { (void *)helper_check_even, "check_even",
                                               TCG_CALL_NO_RWG, 2, false };

static uint64_t helper_pure(uint64_t a, uint64_t b)
{
    return a * 3 + b;
}
static const TCGHelperInfo pure_info = { (void *)helper_pure, "pure",
                                         TCG_CALL_NO_RWG_SE, 2, true };

/* kind 0: a helper that reads globals; 1: one that may raise; 2: a pure
 * one.  Only across the pure one is the first write to cc_dst dead. */
START_TEST(test_live_across_calls)
{
    TCGContext *s = tcg_ctx();
    for (int kind = 0; kind < 3; kind++) {
        for (int opt = 0; opt < 2; opt++) {
            for (int raise = 0; raise < (kind == 1 ? 2 : 1); raise++) {
                tcg_func_start();
                TCGv t = tcg_temp_new();
                tcg_gen_insn_start(0x3000, 0);
                tcg_gen_addi_i64(CC_DST, R[0], 5);
                tcg_gen_insn_start(0x3004, 0);
                switch (kind) {
                case 0: tcg_gen_call1(&get_r8_info, t, s->env); break;
                case 1: tcg_gen_call2(&check_even_info, NULL, s->env, R[1]); break;
                default: tcg_gen_call2(&pure_info, t, R[0], R[1]); break;
                }
                tcg_gen_addi_i64(CC_DST, R[0], 6);
                if (kind != 1) {
                    tcg_gen_mov_i64(R[10], t);
                }
                tcg_gen_exit_tb(0);
                if (opt) {
                    optimize();
                    ck_assert_uint_eq(count_writes(CC_DST), kind == 2 ? 1 : 2);
                }
                env->regs[0] = 10;
                env->regs[1] = raise ? 3 : 2;
                env->regs[8] = 0;
                env->regs[10] = 0;
                unsigned r;
                ck_assert_int_eq(run_catching(false, &r), raise);
                ck_assert_uint_eq(env->regs[8], raise ? 15 : 16);
                if (kind == 0) {
                    ck_assert_uint_eq(env->regs[10], 15);
                } else if (kind == 2) {
                    ck_assert_uint_eq(env->regs[10], 32);
                }
            }
        }
    }
}
END_TEST

/* Leaving the TB (exit_tb, or goto_tb: a chained TB reads env) makes every
 * global live; a branch to an exit keeps the write before it. */
START_TEST(test_live_at_exits)
{
    for (int opt = 0; opt < 2; opt++) {
        for (uint64_t c = 0; c < 2; c++) {
            tcg_func_start();
            TCGLabel *l = gen_new_label();
            tcg_gen_insn_start(0x4000, 0);
            tcg_gen_addi_i64(CC_DST, R[0], 1);
            tcg_gen_brcondi_i64(TCG_COND_EQ, R[1], 0, l);
            tcg_gen_insn_start(0x4004, 0);
            tcg_gen_addi_i64(CC_DST, R[0], 2);
            tcg_gen_exit_tb(TB_EXIT_SLOT0);
            gen_set_label(l);
            tcg_gen_exit_tb(TB_EXIT_SLOT1);
            if (opt) {
                optimize();
                ck_assert_uint_eq(count_writes(CC_DST), 2);
            }
            env->regs[0] = 40;
            env->regs[1] = c;
            unsigned r = run_tb(false);
            ck_assert_uint_eq(r, c ? TB_EXIT_SLOT0 : TB_EXIT_SLOT1);
            ck_assert_uint_eq(env->regs[8], c ? 42u : 41u);
        }
    }
    /* goto_tb: if chained, the next TB starts here and sees cc_dst = 1 */
    tcg_func_start();
    tcg_gen_movi_i64(CC_DST, 1);
    tcg_gen_goto_tb(0);
    tcg_gen_movi_i64(CC_DST, 2);
    tcg_gen_exit_tb(TB_EXIT_SLOT0);
    optimize();
    ck_assert_uint_eq(count_writes(CC_DST), 2);
}
END_TEST

/* At a join, a global is live if it is on any path; a write overwritten
 * on both arms of a diamond is dead. */
START_TEST(test_live_join)
{
    for (int both = 0; both < 2; both++) {
        for (int opt = 0; opt < 2; opt++) {
            for (uint64_t c = 0; c < 2; c++) {
                tcg_func_start();
                TCGLabel *l_else = gen_new_label(), *l_end = gen_new_label();
                tcg_gen_movi_i64(CC_DST, 1);
                tcg_gen_brcondi_i64(TCG_COND_EQ, R[1], 0, l_else);
                tcg_gen_movi_i64(CC_DST, 2);
                tcg_gen_br(l_end);
                gen_set_label(l_else);
                if (both) {
                    tcg_gen_movi_i64(CC_DST, 3);
                } else {
                    tcg_gen_movi_i64(R[5], 3);
                }
                gen_set_label(l_end);
                tcg_gen_exit_tb(0);
                if (opt) {
                    optimize();
                    ck_assert_uint_eq(count_writes(CC_DST), 2);
                    ck_assert_int_eq(writes_const(CC_DST, 1), !both);
                }
                env->regs[1] = c;
                env->regs[8] = 0;
                run_tb(false);
                ck_assert_uint_eq(env->regs[8], c ? 2u : (both ? 3u : 1u));
            }
        }
    }
}
END_TEST

/* mb and add_counter neither fault nor read env: no fault point. */
START_TEST(test_live_mb_counter)
{
    static uint64_t counter;
    for (int opt = 0; opt < 2; opt++) {
        tcg_func_start();
        tcg_gen_movi_i64(CC_DST, 1);
        tcg_gen_mb();
        tcg_gen_movi_i64(CC_SRC, 1);
        tcg_gen_add_counter(&counter, 0, 3);
        tcg_gen_movi_i64(CC_DST, 2);
        tcg_gen_movi_i64(CC_SRC, 2);
        tcg_gen_exit_tb(0);
        if (opt) {
            optimize();
            ck_assert_uint_eq(count_writes(CC_DST), 1);
            ck_assert_uint_eq(count_writes(CC_SRC), 1);
            ck_assert_uint_eq(count_ops(INDEX_op_mb), 1);
            ck_assert_uint_eq(count_ops(INDEX_op_add_counter), 1);
        }
        counter = 0;
        run_tb(false);
        ck_assert_uint_eq(counter, 3);
        ck_assert_uint_eq(env->regs[8], 2);
        ck_assert_uint_eq(env->regs[9], 2);
    }
}
END_TEST

/* Dead global writes feed nothing: the pure computations behind them go
 * too, and two-output ops stay while one output is live. */
START_TEST(test_live_chains)
{
    tcg_func_start();
    TCGv a = tcg_temp_new(), b = tcg_temp_new();
    tcg_gen_mul_i64(a, R[0], R[1]);
    tcg_gen_ext8u_i64(b, a);
    tcg_gen_mov_i64(CC_SRC, b);                 /* dead, and so a and b */
    tcg_gen_mulu2_i64(R[12], R[13], R[0], R[1]);
    tcg_gen_movi_i64(R[12], 0);                 /* lo dead, hi live */
    tcg_gen_movi_i64(CC_SRC, 9);
    tcg_gen_exit_tb(0);
    optimize();
    ck_assert_uint_eq(count_ops(INDEX_op_mul), 0);
    ck_assert_uint_eq(count_ops(INDEX_op_ext8u), 0);
    ck_assert_uint_eq(count_ops(INDEX_op_mulu2), 1);
    ck_assert_uint_eq(count_writes(CC_SRC), 1);
    env->regs[0] = ~0ull;
    env->regs[1] = 4;
    run_tb(false);
    ck_assert_uint_eq(env->regs[12], 0);
    ck_assert_uint_eq(env->regs[13], 3);
    ck_assert_uint_eq(env->regs[9], 9);
}
END_TEST

/* cmp rax, 0x33 (or rbx = 0x33); ja: cc_dst = rax - 0x33, then the jcc
 * recomputes cc_dst + cc_src — which is rax, unless rax (or rbx) changed
 * in between (mode 1: a write of rax; 2: a helper that may write globals;
 * 3: a join; 4: a write of rbx). */
static void helper_bump_rax(uint64_t envp)
{
    ((CPUX86State *)(uintptr_t)envp)->regs[0] += 0x100;
}
static const TCGHelperInfo bump_rax_info = { (void *)helper_bump_rax, "bump_rax", 0, 1, false };

START_TEST(test_fold_add_chain)
{
    TCGContext *s = tcg_ctx();
    /* adds left after optimization, by mode, for a constant operand */
    static const unsigned adds_const[5] = { 1, 3, 2, 3, 2 };
    for (int reg = 0; reg < 2; reg++) {
        for (int mode = 0; mode < 5; mode++) {
            for (int opt = 0; opt < 2; opt++) {
                for (uint64_t rax = 0x30; rax < 0x38; rax += 3) {
                    tcg_func_start();
                    TCGv t = tcg_temp_new(), u = tcg_temp_new();
                    TCGLabel *l = gen_new_label(), *j = gen_new_label();
                    tcg_gen_insn_start(0x5000, 0);
                    if (reg) {
                        tcg_gen_sub_i64(t, R[0], R[3]);
                        tcg_gen_mov_i64(CC_SRC, R[3]);
                    } else {
                        tcg_gen_subi_i64(t, R[0], 0x33);
                        tcg_gen_movi_i64(CC_SRC, 0x33);
                    }
                    tcg_gen_mov_i64(CC_DST, t);
                    tcg_gen_insn_start(0x5004, 0);
                    if (mode == 1) {
                        tcg_gen_addi_i64(R[0], R[0], 0x100);
                    } else if (mode == 2) {
                        tcg_gen_call1(&bump_rax_info, NULL, s->env);
                    } else if (mode == 3) {
                        tcg_gen_brcondi_i64(TCG_COND_NE, R[1], 0, j);
                        tcg_gen_addi_i64(R[0], R[0], 0x100);
                        gen_set_label(j);
                    } else if (mode == 4) {
                        tcg_gen_addi_i64(R[3], R[3], 0x100);
                    }
                    tcg_gen_add_i64(u, CC_DST, CC_SRC);
                    tcg_gen_brcondi_i64(TCG_COND_GTU, u, 0x33, l);
                    tcg_gen_movi_i64(R[2], 1);
                    tcg_gen_exit_tb(0);
                    gen_set_label(l);
                    tcg_gen_movi_i64(R[2], 2);
                    tcg_gen_exit_tb(1);
                    if (opt) {
                        optimize();
                        /* folded: the brcond compares rax itself; with
                         * rbx the sub stays a sub, so one add less */
                        ck_assert_uint_eq(count_ops(INDEX_op_add),
                                          adds_const[mode] - (reg && mode != 4));
                    }
                    env->regs[0] = rax;
                    env->regs[1] = 0;
                    env->regs[3] = 0x33;
                    run_tb(false);
                    ck_assert_uint_eq(env->regs[2], rax > 0x33 ? 2u : 1u);
                    ck_assert_uint_eq(env->regs[8], rax - 0x33);
                }
            }
        }
    }
}
END_TEST

void tcg_add_liveness_tests(TCase *tc)
{
    tcase_add_test(tc, test_live_flags_overwritten);
    tcase_add_test(tc, test_live_kept_before_access);
    tcase_add_test(tc, test_live_load_into_global);
    tcase_add_test(tc, test_live_across_calls);
    tcase_add_test(tc, test_live_at_exits);
    tcase_add_test(tc, test_live_join);
    tcase_add_test(tc, test_live_mb_counter);
    tcase_add_test(tc, test_live_chains);
    tcase_add_test(tc, test_fold_add_chain);
}
