/*
 * emu/x86/int_helper.h — integer helpers called from generated code:
 * division (#DE before any state is written), rotates through carry,
 * PDEP/PEXT.
 */
#ifndef EMU_X86_INT_HELPER_H
#define EMU_X86_INT_HELPER_H

#include <stdint.h>
#include "emu/cpu.h"
#include "emu/tcg/tcg.h"

/* DIV/IDIV of rDX:rAX (AX for size 1) by divisor (size 1/2/4/8 bytes, value
 * already zero-extended).  Raises #DE (SIGFPE at pc) on a zero divisor or a
 * quotient that does not fit, before touching any state; else writes the
 * quotient and remainder registers as the instruction does. */
void helper_div(CPUX86State *env, uint64_t divisor, uint64_t size, uint64_t pc);
void helper_idiv(CPUX86State *env, uint64_t divisor, uint64_t size, uint64_t pc);

/* RCL/RCR of val (size bytes) by count (already masked to 5/6 bits), with
 * flags = current arithmetic flags: the result, and the new arithmetic
 * flags (only CF and OF change; unchanged if count is 0). */
uint64_t helper_rcl(uint64_t val, uint64_t count, uint64_t flags, uint64_t size);
uint64_t helper_rcl_cc(uint64_t val, uint64_t count, uint64_t flags, uint64_t size);
uint64_t helper_rcr(uint64_t val, uint64_t count, uint64_t flags, uint64_t size);
uint64_t helper_rcr_cc(uint64_t val, uint64_t count, uint64_t flags, uint64_t size);

/* BMI2 parallel bit deposit / extract. */
uint64_t helper_pdep(uint64_t src, uint64_t mask);
uint64_t helper_pext(uint64_t src, uint64_t mask);

extern const TCGHelperInfo helper_info_div, helper_info_idiv;
extern const TCGHelperInfo helper_info_rcl, helper_info_rcl_cc;
extern const TCGHelperInfo helper_info_rcr, helper_info_rcr_cc;
extern const TCGHelperInfo helper_info_pdep, helper_info_pext;

#endif
