/*
 * emu/x86/misc_helper.h — helpers for CPUID, RDTSC, SYSCALL and friends.
 */
#ifndef EMU_X86_MISC_HELPER_H
#define EMU_X86_MISC_HELPER_H

#include <stdbool.h>
#include <stdint.h>
#include "emu/cpu.h"
#include "emu/tcg/tcg.h"

/* CPUID: EAX/EBX/ECX/EDX from the CPU model for leaf EAX, subleaf ECX. */
void helper_cpuid(CPUX86State *env);
/* The host time-stamp counter (RDTSC for now reads it directly). */
uint64_t helper_rdtsc(void);
uint64_t helper_vclock_tsc(CPUX86State *env, uint64_t k);
/* Leave generated code with EXCP_SYSCALL; rip/rcx/r11 already written. */
void helper_syscall(CPUX86State *env);
/* Leave generated code with EXCP_INT80; rip already written. */
void helper_int80(CPUX86State *env);
extern const TCGHelperInfo helper_info_int80;
/* #GP (SIGSEGV) unless addr is 16-byte aligned (CMPXCHG16B). */
void helper_check_align16(CPUX86State *env, uint64_t addr);

/* XGETBV: EDX:EAX = XCR[ECX] (#GP for an unknown ECX). */
void helper_xgetbv(CPUX86State *env);

/* #GP (SIGSEGV SI_KERNEL, si_addr 0) at the current instruction. */
void helper_raise_gp(CPUX86State *env);
/* #GP unless sel is a selector a far transfer of this kind accepts in
 * 64-bit user mode (see misc_helper.c). */
enum { FAR_SEL_JMP, FAR_SEL_RET, FAR_SEL_SS };
void helper_check_far_sel(CPUX86State *env, uint64_t sel, uint64_t kind);

/* For a non-canonical data address addr at env->insn_pc: true if the
 * access goes through SS (a memory operand based on RSP/RBP without an
 * FS/GS override, or the stack access of PUSH/POP/CALL/RET/ENTER/LEAVE...),
 * a stack-segment fault (#SS) rather than #GP.  Slow path only. */
bool x86_fault_is_stack(CPUX86State *env, uint64_t addr);

/*
 * LOCK-prefixed read-modify-writes (and XCHG with memory) between guest
 * threads: host atomics on the guest word (size 1/2/4/8).  A bad address
 * raises the guest fault.  store_cond stores newv only if the word still
 * holds expected (what the instruction loaded); otherwise the instruction
 * is restarted (EXCP_RETRY), so a generic RMW becomes a CAS loop.
 */
uint64_t helper_atomic_cmpxchg(CPUX86State *env, uint64_t addr, uint64_t expected,
                               uint64_t newv, uint64_t size);
void helper_atomic_store_cond(CPUX86State *env, uint64_t addr, uint64_t expected,
                              uint64_t newv, uint64_t size);
uint64_t helper_atomic_xchg(CPUX86State *env, uint64_t addr, uint64_t val, uint64_t size);
uint64_t helper_atomic_xadd(CPUX86State *env, uint64_t addr, uint64_t val, uint64_t size);
extern const TCGHelperInfo helper_info_atomic_cmpxchg, helper_info_atomic_store_cond;
extern const TCGHelperInfo helper_info_atomic_xchg, helper_info_atomic_xadd;
uint64_t helper_atomic_cmpxchg16(CPUX86State *env, uint64_t addr, uint64_t cmp_lo,
                                 uint64_t cmp_hi, uint64_t new_lo, uint64_t new_hi);
uint64_t helper_atomic_hi(CPUX86State *env);
extern const TCGHelperInfo helper_info_atomic_cmpxchg16, helper_info_atomic_hi;

extern const TCGHelperInfo helper_info_raise_gp, helper_info_check_far_sel;
extern const TCGHelperInfo helper_info_xgetbv;
extern const TCGHelperInfo helper_info_cpuid, helper_info_rdtsc, helper_info_vclock_tsc;
extern const TCGHelperInfo helper_info_syscall, helper_info_check_align16;

#endif
