/*
 * emu/x86/misc_helper.h — helpers for CPUID, RDTSC, SYSCALL and friends.
 */
#ifndef EMU_X86_MISC_HELPER_H
#define EMU_X86_MISC_HELPER_H

#include <stdint.h>
#include "emu/cpu.h"
#include "emu/tcg/tcg.h"

/* CPUID: EAX/EBX/ECX/EDX from the CPU model for leaf EAX, subleaf ECX. */
void helper_cpuid(CPUX86State *env);
/* The host time-stamp counter (RDTSC for now reads it directly). */
uint64_t helper_rdtsc(void);
/* Leave generated code with EXCP_SYSCALL; rip/rcx/r11 already written. */
void helper_syscall(CPUX86State *env);
/* #GP (SIGSEGV) unless addr is 16-byte aligned (CMPXCHG16B). */
void helper_check_align16(CPUX86State *env, uint64_t addr);

/* XGETBV: EDX:EAX = XCR[ECX] (#GP for an unknown ECX). */
void helper_xgetbv(CPUX86State *env);

extern const TCGHelperInfo helper_info_xgetbv;
extern const TCGHelperInfo helper_info_cpuid, helper_info_rdtsc;
extern const TCGHelperInfo helper_info_syscall, helper_info_check_align16;

#endif
