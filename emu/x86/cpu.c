/*
 * emu/x86/cpu.c — vCPU reset state.
 */
#include <string.h>

#include "emu/cpu.h"

void cpu_x86_init(CPUX86State *env)
{
    /* The owner's bookkeeping survives the reset. */
    void *jmp_cache = env->tb_jmp_cache;
    void *jmp_fast = env->tb_jmp_fast;
    uint64_t *counters[EMU_COUNTER_SLOTS];
    memcpy(counters, env->counter_ptr, sizeof(counters));
    void *opaque = env->opaque;
    int cpu_index = env->cpu_index;

    memset(env, 0, sizeof(*env));
    env->tb_jmp_cache = jmp_cache;
    env->tb_jmp_fast = jmp_fast;
    memcpy(env->counter_ptr, counters, sizeof(counters));
    env->opaque = opaque;
    env->cpu_index = cpu_index;

    env->env_ptr = (uint64_t)(uintptr_t)env;
    env->eflags = IF_MASK | 0x2;
    env->df = 1;
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = 0;
    env->insn_cc_op = 0;   /* CC_OP_DYNAMIC */
    env->mxcsr = 0x1f80;
    env->fpuc = 0x37f;
    env->fptags = 0xff;
    env->fpstt = 0;
}
