/*
 * emu/x86/misc_helper.c — CPUID, RDTSC, SYSCALL exit and alignment checks.
 */
#include <signal.h>
#include <x86intrin.h>

#include "emu/x86/misc_helper.h"
#include "emu/x86/cpu-model.h"
#include "emu/exec.h"

void helper_cpuid(CPUX86State *env)
{
    uint32_t out[4];

    x86_cpu_cpuid((uint32_t)env->regs[R_EAX], (uint32_t)env->regs[R_ECX], out);
    env->regs[R_EAX] = out[0];
    env->regs[R_EBX] = out[1];
    env->regs[R_ECX] = out[2];
    env->regs[R_EDX] = out[3];
}
HELPER_INFO(cpuid, 0, 1, false);

uint64_t helper_rdtsc(void)
{
    return __rdtsc();
}
/* Not pure: two reads differ, so it must not be merged or dropped. */
HELPER_INFO(rdtsc, TCG_CALL_NO_RWG, 0, true);

void helper_syscall(CPUX86State *env)
{
    cpu_loop_exit(env, EXCP_SYSCALL);
}
HELPER_INFO(syscall, 0, 1, false);

void helper_check_align16(CPUX86State *env, uint64_t addr)
{
    if (addr & 15) {
        env->fault_signo = SIGSEGV;
        env->fault_code = SI_KERNEL;
        env->fault_addr = 0;
        env->ud_unimplemented = false;
        cpu_loop_exit_restore(env, EXCP_GP);
    }
}
HELPER_INFO(check_align16, TCG_CALL_NO_RWG, 2, false);

void helper_xgetbv(CPUX86State *env)
{
    uint64_t xcr0 = 3;   /* x87 | SSE */

    if ((uint32_t)env->regs[R_ECX] != 0) {
        env->fault_signo = SIGSEGV;
        env->fault_code = SI_KERNEL;
        env->fault_addr = 0;
        env->ud_unimplemented = false;
        cpu_loop_exit_restore(env, EXCP_GP);
    }
    if (x86_cpu_has(X86_FEAT_AVX)) {
        xcr0 |= 4;
    }
    env->regs[R_EAX] = (uint32_t)xcr0;
    env->regs[R_EDX] = xcr0 >> 32;
}
HELPER_INFO(xgetbv, 0, 1, false);
