/*
 * emu/tcg/x86_64/prologue.c — entering and leaving generated code.
 *
 * One entry trampoline in its own page (read+execute once written), shared
 * by all TBs:
 *
 *   jit_enter(env, code):   push rbx rbp r12 r13 r14 r15   (all callee-saved)
 *                           sub rsp, 8         rsp % 16 == 0 inside TB code
 *                           rbp = env, r15 = guest_base,
 *                           r14 = guest_addr_limit - JIT_ACCESS_MAX,
 *                           rbx = the guest rsp (REG_PIN)
 *                           jmp code
 *                           r13 = 0 (the pending instruction count)
 *   epilogue:               the guest rsp = rbx (REG_PIN)
 *                           counter slot 0 += r13 (jit_flush_icount)
 *                           add rsp, 8; pop r15 r14 r13 r12 rbp rbx; ret
 *
 * A TB leaves with eax = its TB_EXIT_* value and a jmp to the epilogue,
 * of which every code cache segment has a copy at its start.
 * Guest faults leave by siglongjmp to cpu_exec, whose sigsetjmp restored
 * the callee-saved registers as they were there.
 */
#include <stdlib.h>
#include <ucontext.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/tcg/backend.h"
#include "jit-internal.h"
#include "vec.h"

bool jit_have_bmi2, jit_have_popcnt;

static const int8_t saved_regs[6] = { RBX, RBP, R12, R13, R14, R15 };

_Static_assert(JIT_PIN_SLOT == ENV_SLOT(regs[4]), "REG_PIN holds the guest rsp");

void jit_flush_icount(JitBuf *b)
{
    /* test r13, r13; jz 1f; mov r11, [rbp + counter_ptr[0]];
     * add [r11], r13; xor r13d, r13d; 1: */
    jit_op_rr(b, P_W | OPC_TEST, REG_ICOUNT, REG_ICOUNT);
    size_t skip = jit_jcc32(b, JCC_E);
    jit_ld64(b, REG_TMP, REG_ENV, (int32_t)offsetof(CPUX86State, counter_ptr));
    jit_op_rm(b, P_W | 0x01, REG_ICOUNT, REG_TMP, 0);
    jit_op_rr(b, OPC_XOR, REG_ICOUNT, REG_ICOUNT);
    jit_patch_rel32(b, skip, jit_buf_offset(b));
}

static void emit_epilogue(JitBuf *b)
{
    jit_st64(b, REG_PIN, REG_ENV, JIT_PIN_SLOT * 8);     /* the guest rsp */
    jit_flush_icount(b);
    jit_alu_ri(b, P_W, EXT_ADD, RSP, 8);
    for (int i = 5; i >= 0; i--) {
        jit_pop(b, saved_regs[i]);
    }
    jit_ret(b);
}

/*
 * The guest-access slow paths' common part (ops.c, jit_emit_slow_paths):
 * called with r11 = the access's description (JIT_SLOW_* fields), it saves
 * all sixteen registers as an array regs[16] (regs[r] = register r), calls
 * jit_slow_access(env, regs, return address), which does the access and
 * puts a load's value into its register's slot, and returns with every
 * register restored from the array.  A site is then 15 bytes (mov r11,
 * imm64; call) and its jmp back instead of ~150 bytes of saves and
 * restores: two thirds of the code python3's start-up generates were
 * slow paths, nearly never run (an address past the guest space).
 */
static void emit_slow_thunk(JitBuf *b)
{
    for (int r = 15; r >= 0; r--) {
        jit_push(b, r);     /* regs[r] at [rsp + 8 * r] */
    }
    jit_alu_ri(b, P_W, EXT_SUB, RSP, 8);    /* 16-byte aligned for the call */
    jit_mov_rr(b, RDI, REG_ENV);
    jit_op_rm(b, P_W | OPC_LEA, RSI, RSP, 8);
    jit_ld64(b, RDX, RSP, 8 + 16 * 8);     /* the return address */
    jit_movi(b, RAX, (uint64_t)(uintptr_t)jit_slow_access);
    jit_call_r(b, RAX);
    jit_alu_ri(b, P_W, EXT_ADD, RSP, 8);
    for (int r = 0; r < 16; r++) {
        if (r == RSP) {
            jit_alu_ri(b, P_W, EXT_ADD, RSP, 8);
        } else {
            jit_pop(b, r);
        }
    }
    jit_ret(b);
}

void jit_emit_seg_head(JitBuf *b)
{
    const uint8_t *epilogue = jit_buf_rx(b);
    emit_epilogue(b);
    g_assert(jit_buf_offset(b) <= JIT_SEG_THUNK_OFF);
    while (jit_buf_offset(b) < JIT_SEG_THUNK_OFF) {
        jit_byte(b, 0xcc);
    }
    emit_slow_thunk(b);
    g_assert(jit_buf_offset(b) <= JIT_SEG_SLOT_EXIT_OFF);
    while (jit_buf_offset(b) < JIT_SEG_SLOT_EXIT_OFF) {
        jit_byte(b, 0xcc);
    }
    /* a goto_tb slot's unchained exit: r11 = its TB, eax = the slot (jit.c) */
    jit_st64(b, REG_TMP, REG_ENV, (int32_t)offsetof(CPUX86State, cur_tb));
    jit_jmp_abs(b, epilogue);
    g_assert(jit_buf_offset(b) <= JIT_SEG_MX_CLOSE_OFF);
    while (jit_buf_offset(b) < JIT_SEG_MX_CLOSE_OFF) {
        jit_byte(b, 0xcc);
    }
    jit_vec_emit_mx_close_thunk(b);
}

static unsigned (*jit_enter)(CPUX86State *env, const void *code);

static void emit_enter(JitBuf *b)
{
    for (int i = 0; i < 6; i++) {
        jit_push(b, saved_regs[i]);
    }
    jit_alu_ri(b, P_W, EXT_SUB, RSP, 8);
    jit_op_rr(b, OPC_XOR, REG_ICOUNT, REG_ICOUNT);
    jit_mov_rr(b, REG_ENV, RDI);
    jit_movi(b, REG_GBASE, (uint64_t)(uintptr_t)&guest_base);
    jit_ld64(b, REG_GBASE, REG_GBASE, 0);
    jit_movi(b, REG_LIMIT, (uint64_t)(uintptr_t)&guest_addr_limit);
    jit_ld64(b, REG_LIMIT, REG_LIMIT, 0);
    jit_alu_ri(b, P_W, EXT_SUB, REG_LIMIT, JIT_ACCESS_MAX);
    jit_ld64(b, REG_PIN, REG_ENV, JIT_PIN_SLOT * 8);     /* the guest rsp */
    jit_jmp_r(b, RSI);
}

void jit_init_once(void)
{
    static gsize done;
    if (!g_once_init_enter(&done)) {
        return;
    }
    __builtin_cpu_init();
    jit_have_bmi2 = __builtin_cpu_supports("bmi2") && !getenv("EMU_JIT_NO_BMI2");
    jit_have_popcnt = __builtin_cpu_supports("popcnt") && !getenv("EMU_JIT_NO_POPCNT");

    uint8_t *t = jit_cache_init(emit_enter, jit_emit_seg_head);
    jit_enter = (unsigned (*)(CPUX86State *, const void *))(void *)t;
    g_once_init_leave(&done, 1);
}

bool jit_env_flag(const char *name, int *cache)
{
    if (*cache < 0) {
        const char *v = getenv(name);
        *cache = v && *v && *v != '0';
    }
    return *cache;
}

/* Host register number (emit.h) -> its ucontext gregs index. */
static const int8_t greg_of[16] = {
    [RAX] = REG_RAX, [RCX] = REG_RCX, [RDX] = REG_RDX, [RBX] = REG_RBX,
    [RSP] = REG_RSP, [RBP] = REG_RBP, [RSI] = REG_RSI, [RDI] = REG_RDI,
    [R8] = REG_R8, [R9] = REG_R9, [R10] = REG_R10, [R11] = REG_R11,
    [R12] = REG_R12, [R13] = REG_R13, [R14] = REG_R14, [R15] = REG_R15,
};

void jit_restore_dirty_globals(struct CPUX86State *env, const JitCode *h, uintptr_t off,
                               const uint64_t regs[16])
{
    const uint32_t *m = (const uint32_t *)(const void *)(h->code + h->amap_off);
    for (uint32_t i = 0; i + 1 < h->amap_len; i += 2 + m[i + 1]) {
        if (m[i] != off) {
            continue;
        }
        for (uint32_t k = 0; k < m[i + 1]; k++) {
            uint32_t e = m[i + 2 + k];
            uint64_t *slot = (uint64_t *)(void *)env + (e >> 8);
            *slot = regs[e & 15];
        }
        return;
    }
}

static void restore_dirty_globals(struct CPUX86State *env, const JitCode *h, ucontext_t *uc)
{
    uint64_t regs[16];
    for (int r = 0; r < 16; r++) {
        regs[r] = (uint64_t)uc->uc_mcontext.gregs[greg_of[r]];
    }
    jit_restore_dirty_globals(env, h, (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] -
                              (uintptr_t)h->code, regs);
}

void jit_fault_context(struct CPUX86State *env, void *code, void *uc_void)
{
    ucontext_t *uc = uc_void;
    restore_dirty_globals(env, code, uc);
    uint64_t n = (uint64_t)uc->uc_mcontext.gregs[REG_R13];   /* REG_ICOUNT */
    if (n) {
        *env->counter_ptr[0] += n;
        uc->uc_mcontext.gregs[REG_R13] = 0;
    }
    /* Inside a run of FP ops (vec.c): the guest's MXCSR with the flags
     * the run has raised is the interrupted context's. */
    if (env->jit_mx_live && uc->uc_mcontext.fpregs) {
        env->mxcsr = uc->uc_mcontext.fpregs->mxcsr;
        uc->uc_mcontext.fpregs->mxcsr = jit_host_mxcsr();
        env->jit_mx_live = 0;
    }
}

unsigned jit_exec(CPUX86State *env, void *code)
{
    /* Chained code checks exit_request only at backward jumps and
     * indirect ones (jit.c): nothing may run once it is set. */
    if (__atomic_load_n(&env->exit_request, __ATOMIC_ACQUIRE)) {
        return TB_EXIT_REQUESTED;
    }
    unsigned r = jit_enter(env, ((JitCode *)code)->code);
    jit_mx_suspend(env);    /* a run of FP ops may stay open across TBs */
    return r;
}
