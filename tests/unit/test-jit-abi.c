/*
 * tests/unit/test-jit-abi.c — the JIT keeps the host SysV ABI.
 *
 *  - Helpers called from generated code see a 16-byte aligned stack
 *    ((rsp + 8) % 16 == 0 at entry, checked by an assembly helper), with
 *    the guest's rsp deliberately misaligned, many values live across the
 *    call (so some sit in caller-saved registers), and from the slow path
 *    of a guest access near the end of guest memory.
 *  - Every argument register carries its value; live values survive.
 *  - The callee-saved registers (rbx rbp r12-r15) hold their values
 *    across exec, checked by an assembly caller that plants magic values.
 *
 * Like test-tcg.c, defines guest_base, guest_addr_limit and
 * cpu_raise_access_fault itself, so only the tcg objects are pulled in.
 */
#include <check.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/tcg/tcg.h"
#include "emu/tcg/backend.h"

uintptr_t guest_base;
uint64_t guest_addr_limit;
static sigjmp_buf fault_jmp;

void cpu_raise_access_fault(CPUX86State *env, uint64_t addr, int is_write)
{
    siglongjmp(fault_jmp, 1);
}

/* Returns rsp % 16 as the callee sees it at entry (8 when aligned). */
uint64_t jit_test_sp_mod16(void);
/* Calls exec(env, code) with rbx rbp r12-r15 set to magic values, then
 * stores what they hold afterwards into out[0..5] and the result in out[6]. */
void jit_test_exec_cs(unsigned (*exec)(CPUX86State *, void *), CPUX86State *env,
                      void *code, uint64_t *out);
__asm__(
    ".text\n"
    ".globl jit_test_sp_mod16\n"
    "jit_test_sp_mod16:\n"
    "    mov %rsp, %rax\n"
    "    and $15, %rax\n"
    "    ret\n"
    ".globl jit_test_exec_cs\n"
    "jit_test_exec_cs:\n"
    "    push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
    "    push %rcx\n"                       /* out; rsp % 16 == 0 now */
    "    mov %rdi, %rax\n"
    "    mov %rsi, %rdi\n"
    "    mov %rdx, %rsi\n"
    "    movabs $0x1111111111111111, %rbx\n"
    "    movabs $0x2222222222222222, %rbp\n"
    "    movabs $0x3333333333333333, %r12\n"
    "    movabs $0x4444444444444444, %r13\n"
    "    movabs $0x5555555555555555, %r14\n"
    "    movabs $0x6666666666666666, %r15\n"
    "    call *%rax\n"
    "    pop %rcx\n"
    "    mov %rbx, 0(%rcx)\n mov %rbp, 8(%rcx)\n mov %r12, 16(%rcx)\n"
    "    mov %r13, 24(%rcx)\n mov %r14, 32(%rcx)\n mov %r15, 40(%rcx)\n"
    "    mov %rax, 48(%rcx)\n"
    "    pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
    "    ret\n");

static const TCGHelperInfo info_sp = {
    .func = (void *)jit_test_sp_mod16, .name = "sp", .flags = TCG_CALL_NO_RWG, .nb_args = 0,
    .has_ret = true,
};

/* Checks its arguments arrive in order; returns a mix of them. */
static uint64_t helper_args6(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
                             uint64_t f)
{
    return a * 1 + b * 3 + c * 5 + d * 7 + e * 11 + f * 13 + (jit_test_sp_mod16() == 8 ? 0 : 1000000);
}
static const TCGHelperInfo info_args6 = {
    .func = (void *)helper_args6, .name = "args6", .flags = 0, .nb_args = 6, .has_ret = true,
};

static CPUX86State *env;
static TCGv R[16];
static uint8_t *gmem;
#define GMEM_SIZE 4096

static void setup(void)
{
    env = g_malloc0(sizeof(*env));
    env->env_ptr = (uint64_t)(uintptr_t)env;
    tcg_context_init();
    tcg_func_start();
    for (int i = 0; i < 16; i++) {
        R[i] = tcg_global_slot(ENV_SLOT(regs[i]), "r");
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

static unsigned run(uint64_t *cs_out)
{
    size_t size;
    void *code = tcg_backend_jit.gen_code(tcg_ctx(), &size);
    ck_assert_ptr_nonnull(code);
    uint64_t out[7];
    jit_test_exec_cs(tcg_backend_jit.exec, env, code, out);
    tcg_backend_jit.free_code(code);
    if (cs_out) {
        memcpy(cs_out, out, sizeof(out));
    }
    return (unsigned)out[6];
}

/* Many values live at once (more than the caller-saved registers), a
 * helper call among them, then all of them summed into guest registers. */
static void gen_pressure_call(const TCGHelperInfo *info, TCGv ret, int nargs, TCGv *args)
{
    TCGv t[14];
    for (int i = 0; i < 14; i++) {
        t[i] = tcg_temp_new();
        tcg_gen_addi_i64(t[i], R[i % 16], 0x100 * (i + 1));
    }
    tcg_gen_callN(info, ret, nargs, args);
    for (int i = 0; i < 14; i++) {
        tcg_gen_add_i64(R[8 + i % 8], R[8 + i % 8], t[i]);
    }
}

START_TEST(test_helper_stack_aligned)
{
    for (uint64_t rsp = 0x7ff0; rsp < 0x8000; rsp++) {
        tcg_func_start();
        for (int i = 0; i < 16; i++) {
            env->regs[i] = (uint64_t)i;
        }
        env->regs[4] = rsp;     /* the guest stack pointer, misaligned */
        tcg_gen_insn_start(0x1000, 0);
        tcg_gen_subi_i64(R[4], R[4], 8);
        tcg_gen_qemu_st_i64(R[0], tcg_constant_i64(0x100), MO_UQ);
        TCGv r = tcg_temp_new();
        gen_pressure_call(&info_sp, r, 0, NULL);
        tcg_gen_mov_i64(R[0], r);
        tcg_gen_exit_tb(TB_EXIT_NOCHAIN);
        ck_assert_uint_eq(run(NULL), TB_EXIT_NOCHAIN);
        ck_assert_uint_eq(env->regs[0], 8);
        ck_assert_uint_eq(env->regs[4], rsp - 8);
        /* the values live across the call survived: r8 += t0 + t8 ... */
        uint64_t want8 = 8;
        for (int i = 0; i < 14; i++) {
            if (8 + i % 8 == 8) {
                want8 += (uint64_t)(i % 16 == 4 ? rsp : (uint64_t)(i % 16)) + 0x100 * (i + 1);
            }
        }
        ck_assert_uint_eq(env->regs[8], want8);
    }
}
END_TEST

START_TEST(test_helper_args)
{
    tcg_func_start();
    for (int i = 0; i < 16; i++) {
        env->regs[i] = 1000 + (uint64_t)i;
    }
    env->regs[4] = 0x7fff3;
    tcg_gen_insn_start(0x1000, 0);
    /* arguments from globals, temps, a constant, in every order */
    TCGv a = tcg_temp_new(), b = tcg_temp_new();
    tcg_gen_addi_i64(a, R[1], 1);
    tcg_gen_addi_i64(b, R[2], 2);
    TCGv args[6] = { R[7], b, tcg_constant_i64(5), a, R[6], R[4] };
    TCGv r = tcg_temp_new();
    gen_pressure_call(&info_args6, r, 6, args);
    tcg_gen_mov_i64(R[3], r);
    tcg_gen_exit_tb(TB_EXIT_SLOT0);
    ck_assert_uint_eq(run(NULL), TB_EXIT_SLOT0);
    ck_assert_uint_eq(env->regs[3], helper_args6(1007, 1004, 5, 1002, 1006, 0x7fff3) -
                      (jit_test_sp_mod16() == 8 ? 0 : 1000000));
}
END_TEST

/* A load in the last bytes of guest memory takes the slow path (the
 * fast check is against limit - 8): it must work and keep live values. */
START_TEST(test_slow_path_access)
{
    for (unsigned off = 1; off <= 8; off++) {
        tcg_func_start();
        memset(gmem, 0, GMEM_SIZE);
        memcpy(gmem + GMEM_SIZE - 8, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
        for (int i = 0; i < 16; i++) {
            env->regs[i] = 7 * (uint64_t)i;
        }
        env->regs[1] = GMEM_SIZE - off;
        tcg_gen_insn_start(0x1000, 0);
        TCGv t[10];
        for (int i = 0; i < 10; i++) {
            t[i] = tcg_temp_new();
            tcg_gen_addi_i64(t[i], R[i], 3);
        }
        tcg_gen_qemu_ld_i64(R[2], R[1], MO_UB);
        tcg_gen_qemu_st_i64(R[3], R[1], MO_UB);
        for (int i = 0; i < 10; i++) {
            tcg_gen_add_i64(R[5 + i % 5], R[5 + i % 5], t[i]);
        }
        tcg_gen_exit_tb(TB_EXIT_NOCHAIN);
        uint64_t cs[7];
        ck_assert_uint_eq(run(cs), TB_EXIT_NOCHAIN);
        ck_assert_uint_eq(env->regs[2], 0x11 * (9 - off));
        ck_assert_uint_eq(gmem[GMEM_SIZE - off], 21);
        ck_assert_uint_eq(env->regs[5], 35 + (0 + 3) + (35 + 3));
        ck_assert_uint_eq(cs[0], 0x1111111111111111ull);
    }
}
END_TEST

/* A store of a constant is `mov [r15 + addr], imm` with the value in the
 * slow path's description when it fits 16 signed bits (else in a
 * register): in the last bytes of guest memory both take the slow path,
 * which must store the same bytes as the fast path. */
START_TEST(test_slow_path_store_imm)
{
    static const unsigned mo[4] = { MO_UB, MO_UW, MO_UL, MO_UQ };
    static const uint64_t vals[] = { 0, 1, 0x7fff, 0xfffffffffffffffeull, 0xffffffffffff8000ull,
                                     0x8000, 0x1234567, 0xff80 };
    for (unsigned sz = 0; sz < 4; sz++) {
        unsigned n = 1u << sz;
        for (unsigned vi = 0; vi < G_N_ELEMENTS(vals); vi++) {
            for (unsigned off = n; off <= 40; off += 13) {
                uint64_t v = vals[vi];
                tcg_func_start();
                memset(gmem, 0xaa, GMEM_SIZE);
                env->regs[1] = GMEM_SIZE - off;
                env->regs[2] = 0x100;           /* far from the limit: the fast path */
                tcg_gen_insn_start(0x1000, 0);
                tcg_gen_qemu_st_i64(tcg_constant_i64((int64_t)v), R[1], mo[sz]);
                tcg_gen_qemu_st_i64(tcg_constant_i64((int64_t)v), R[2], mo[sz]);
                tcg_gen_exit_tb(TB_EXIT_NOCHAIN);
                ck_assert_uint_eq(run(NULL), TB_EXIT_NOCHAIN);
                uint8_t want[9];
                memcpy(want, &v, 8);
                want[n] = 0xaa;
                ck_assert_mem_eq(gmem + GMEM_SIZE - off, want, off == n ? n : n + 1);
                ck_assert_mem_eq(gmem + 0x100, want, n + 1);
            }
        }
    }
}
END_TEST

START_TEST(test_callee_saved)
{
    /* exits from the middle (a branch) and the end; helpers in between */
    for (int taken = 0; taken < 2; taken++) {
        tcg_func_start();
        memset(env->regs, 0, sizeof(env->regs));
        env->regs[0] = (uint64_t)taken;
        TCGLabel *l = gen_new_label();
        tcg_gen_insn_start(0x1000, 0);
        TCGv r = tcg_temp_new();
        gen_pressure_call(&info_sp, r, 0, NULL);
        tcg_gen_brcondi_i64(TCG_COND_NE, R[0], 0, l);
        tcg_gen_exit_tb(TB_EXIT_SLOT0);
        gen_set_label(l);
        gen_pressure_call(&info_sp, r, 0, NULL);
        tcg_gen_exit_tb(TB_EXIT_SLOT1);
        uint64_t cs[7];
        unsigned e = run(cs);
        ck_assert_uint_eq(e, taken ? TB_EXIT_SLOT1 : TB_EXIT_SLOT0);
        static const uint64_t magic[6] = {
            0x1111111111111111ull, 0x2222222222222222ull, 0x3333333333333333ull,
            0x4444444444444444ull, 0x5555555555555555ull, 0x6666666666666666ull,
        };
        for (int i = 0; i < 6; i++) {
            ck_assert_uint_eq(cs[i], magic[i]);
        }
    }
}
END_TEST

/* A fault leaves through siglongjmp; afterwards the JIT still runs. */
START_TEST(test_fault_then_run)
{
    tcg_func_start();
    tcg_gen_insn_start(0x1000, 0);
    tcg_gen_qemu_ld_i64(R[0], tcg_constant_i64(GMEM_SIZE + 64), MO_UQ);
    tcg_gen_exit_tb(TB_EXIT_NOCHAIN);
    void *code = tcg_backend_jit.gen_code(tcg_ctx(), NULL);
    if (sigsetjmp(fault_jmp, 1) == 0) {
        tcg_backend_jit.exec(env, code);
        ck_abort_msg("no fault");
    }
    tcg_backend_jit.free_code(code);
    tcg_func_start();
    tcg_gen_movi_i64(R[1], 42);
    tcg_gen_exit_tb(TB_EXIT_SLOT0);
    uint64_t cs[7];
    ck_assert_uint_eq(run(cs), TB_EXIT_SLOT0);
    ck_assert_uint_eq(env->regs[1], 42);
    ck_assert_uint_eq(cs[5], 0x6666666666666666ull);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("jit-abi");
    TCase *tc = tcase_create("abi");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_helper_stack_aligned);
    tcase_add_test(tc, test_helper_args);
    tcase_add_test(tc, test_slow_path_access);
    tcase_add_test(tc, test_slow_path_store_imm);
    tcase_add_test(tc, test_callee_saved);
    tcase_add_test(tc, test_fault_then_run);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
