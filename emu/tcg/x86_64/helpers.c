/*
 * emu/tcg/x86_64/helpers.c — C functions that generated code calls for
 * what it does not inline: guest accesses whose fast bounds check failed
 * (exact check, fault or access, as interp.c does), and the rare pure ops
 * without a host form chosen (variable rotates; shifts without BMI2;
 * popcount without POPCNT).  Semantics come from emu/tcg/internal.h, so
 * they cannot drift from the interpreter's.
 */
#include <string.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/tcg/backend.h"
#include "emu/tcg/internal.h"
#include "jit-internal.h"
#include "cache.h"

/* The access itself; the caller has put the host MXCSR back (vec.c). */
static uint64_t helper_ld(void *env, uint64_t addr, uint64_t memop)
{
    unsigned size = 1u << (memop & MO_SIZE);
    if (addr > guest_addr_limit - size) {
        cpu_raise_access_fault_n(env, addr, size, 0);
    }
    const void *p = (const void *)(guest_base + (uintptr_t)addr);
    switch (memop & 7) {
    case MO_UB: { uint8_t v; memcpy(&v, p, 1); return v; }
    case MO_SB: { int8_t v; memcpy(&v, p, 1); return (uint64_t)(int64_t)v; }
    case MO_UW: { uint16_t v; memcpy(&v, p, 2); return v; }
    case MO_SW: { int16_t v; memcpy(&v, p, 2); return (uint64_t)(int64_t)v; }
    case MO_UL: { uint32_t v; memcpy(&v, p, 4); return v; }
    case MO_SL: { int32_t v; memcpy(&v, p, 4); return (uint64_t)(int64_t)v; }
    default:    { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

/* An access slow path may be reached inside a run of FP ops, with the
 * guest's MXCSR in the host register: C code runs under the host's, and a
 * fault it raises must find the guest's flags in env. */
uint64_t jit_helper_ld(void *env, uint64_t addr, uint64_t memop)
{
    bool mx = jit_mx_suspend(env);
    uint64_t v = helper_ld(env, addr, memop);
    if (mx) {
        jit_mx_resume(env);
    }
    return v;
}

void jit_helper_st(void *env, uint64_t addr, uint64_t val, uint64_t memop)
{
    bool mx = jit_mx_suspend(env);
    unsigned size = 1u << (memop & MO_SIZE);
    if (addr > guest_addr_limit - size) {
        cpu_raise_access_fault_n(env, addr, size, 1);
    }
    memcpy((void *)(guest_base + (uintptr_t)addr), &val, size);   /* little-endian host */
    if (mx) {
        jit_mx_resume(env);
    }
}

void jit_helper_ld_env(void *env, uint64_t addr, uint64_t env_off, uint64_t size)
{
    bool mx = jit_mx_suspend(env);
    tcg_ld_env(env, addr, (uint32_t)env_off, (uint32_t)size);
    if (mx) {
        jit_mx_resume(env);
    }
}

void jit_helper_st_env(void *env, uint64_t addr, uint64_t env_off, uint64_t size)
{
    bool mx = jit_mx_suspend(env);
    tcg_st_env(env, addr, (uint32_t)env_off, (uint32_t)size);
    if (mx) {
        jit_mx_resume(env);
    }
}

/* The slow-access thunk's C side (prologue.c): the state a raise needs
 * (env->cur_tb, the globals only in registers, the pending count, the
 * instruction), then the access; a load's value goes to regs[val]. */
void jit_slow_access(CPUX86State *env, uint64_t *regs, uintptr_t ret)
{
    uint64_t info = regs[REG_TMP];
    uint32_t off = (uint32_t)info;
    const JitCode *h = jit_code_at(ret);
    g_assert(h != NULL);    /* ret is in the stub area of its TB's code */
    env->cur_tb = h->tb;
    jit_restore_dirty_globals(env, h, off, regs);
    if (regs[REG_ICOUNT]) {
        *env->counter_ptr[0] += regs[REG_ICOUNT];
        regs[REG_ICOUNT] = 0;
    }
    uint64_t pc, cc_op;
    if (jit_restore_insn((void *)h, (uintptr_t)h->code + off, &pc, &cc_op)) {
        env->insn_pc = pc;
        env->insn_cc_op = cc_op;
    }
    uint64_t addr = regs[(info >> JIT_SLOW_ADDR_SHIFT) & 15];
    unsigned val = (info >> JIT_SLOW_VAL_SHIFT) & 15;
    unsigned memop = (info >> JIT_SLOW_MEMOP_SHIFT) & 7;
    uint64_t env_size = 16u << (((info >> JIT_SLOW_ENVSZ_SHIFT) & 3) - 1);
    uint64_t env_off = info >> JIT_SLOW_ENVOFF_SHIFT;
    switch ((info >> JIT_SLOW_KIND_SHIFT) & 3) {
    case JIT_SLOW_LD:
        regs[val] = jit_helper_ld(env, addr, memop);
        break;
    case JIT_SLOW_ST:
        jit_helper_st(env, addr,
                      info & JIT_SLOW_IMM_BIT ? (uint64_t)(int64_t)(int16_t)(info >> JIT_SLOW_IMM_SHIFT)
                                              : regs[val],
                      memop);
        break;
    case JIT_SLOW_LD_ENV:
        jit_helper_ld_env(env, addr, env_off, env_size);
        break;
    default:
        jit_helper_st_env(env, addr, env_off, env_size);
        break;
    }
}

uint64_t jit_helper_binop(uint64_t opc, uint64_t a, uint64_t b)
{
    uint64_t in[2] = { a, b }, r = 0;
    tcg_fold_op((TCGOpcode)opc, in, NULL, &r);
    return r;
}
