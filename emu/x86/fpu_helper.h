/*
 * emu/x86/fpu_helper.h — x87 FPU helpers called from translated code.
 *
 * The x87 register stack lives in env: fpregs[] (physical registers; host
 * long double has the same 80-bit format), fpstt (TOP), fptags (bit i set =
 * physical register i empty), fpus (status word without TOP), fpuc
 * (control word).  ST(i) is fpregs[(fpstt + i) & 7].
 *
 * Arithmetic runs the same x87 instruction on the host (FLDENV of the
 * guest's control word and condition codes, an empty stack), so results,
 * C0-C3 (including the "undefined" ones, which hardware leaves as they
 * were) and exception flags are bit-exact with hardware.  The host runs
 * under the guest's exception masks too: unmasked overflow/underflow give
 * the biased results, unmasked invalid/denormal/zero-divide leave the
 * operands, and the pending host exception is cleared before any waiting
 * instruction.  The stack logic (tags, overflow/underflow -> IE|SF with
 * C1, the default NaN when IM is masked) is emulated here.
 *
 * Exceptions the guest unmasked: the flag and ES/B are set, and the next
 * waiting x87 instruction (FWAIT, any non-FN* x87 instruction, any MMX
 * instruction) raises SIGFPE (#MF), as on hardware.
 *
 * Memory operands are read and written inside the helpers with
 * cpu_ld*_data / cpu_st*_data (precise faults), always before the x87 state changes.
 * FIP/FDP/FOP are not tracked (stored as 0 by FNSTENV/FNSAVE/FXSAVE).
 */
#ifndef EMU_X86_FPU_HELPER_H
#define EMU_X86_FPU_HELPER_H

#include <stdbool.h>
#include <stdint.h>
#include "emu/cpu.h"
#include "emu/tcg/tcg.h"

/* Memory operand kinds (FKIND_*), in ctl bits 0..3 unless said otherwise. */
enum {
    FKIND_F32, FKIND_F64, FKIND_F80,
    FKIND_I16, FKIND_I32, FKIND_I64,
    FKIND_BCD,
    FKIND_TI16, FKIND_TI32, FKIND_TI64,   /* FISTTP (truncating) */
};

/* Arithmetic operations (FOP_*). */
enum { FOP_ADD, FOP_MUL, FOP_COM, FOP_COMP, FOP_SUB, FOP_SUBR, FOP_DIV, FOP_DIVR };

/* One-operand / fixed-operand instructions for helper_fspecial. */
enum {
    FSP_CHS, FSP_ABS, FSP_TST, FSP_XAM,
    FSP_F2XM1, FSP_YL2X, FSP_PTAN, FSP_PATAN, FSP_XTRACT, FSP_PREM1,
    FSP_DECSTP, FSP_INCSTP, FSP_PREM, FSP_YL2XP1, FSP_SQRT, FSP_SINCOS,
    FSP_RNDINT, FSP_SCALE, FSP_SIN, FSP_COS,
    FSP_LD1, FSP_LDL2T, FSP_LDL2E, FSP_LDPI, FSP_LDLG2, FSP_LDLN2, FSP_LDZ,
    FSP_NOP, FSP_WAIT, FSP_NINIT, FSP_NCLEX, FSP_COMPP, FSP_UCOMPP,
};

/* Push the memory operand at addr of kind FKIND_*. */
void helper_fld_mem(CPUX86State *env, uint64_t addr, uint64_t kind);
/* Push a copy of ST(i). */
void helper_fld_st(CPUX86State *env, uint64_t i);
/* Store ST(0) to memory as ctl & 15 (FKIND_*), then pop if ctl & 16. */
void helper_fst_mem(CPUX86State *env, uint64_t addr, uint64_t ctl);
/* ST(i) = ST(0), then pop if pop. */
void helper_fst_st(CPUX86State *env, uint64_t i, uint64_t pop);
/* ST(dst) = ST(dst) op ST(src); ctl = op | dst << 4 | src << 8 | pop << 12.
 * FOP_COM/FOP_COMP compare ST(0) with ST(src) (pop once for COMP). */
void helper_farith(CPUX86State *env, uint64_t ctl);
/* ST(0) = ST(0) op mem; ctl = op | kind << 4 (kind F32/F64/I16/I32). */
void helper_farith_mem(CPUX86State *env, uint64_t addr, uint64_t ctl);
/* FUCOM/FUCOMP/FUCOMPP-style unordered compare of ST(0) with ST(i), then
 * pops; ctl = i | pops << 4 | unordered << 6. */
void helper_fcom_st(CPUX86State *env, uint64_t ctl);
/* F(U)COMI(P) ST(0), ST(i): returns ZF/PF/CF; ctl = i | pop << 4 | unordered << 6. */
uint64_t helper_fcomi(CPUX86State *env, uint64_t ctl);
/* Operand-less instructions (FSP_*). */
void helper_fspecial(CPUX86State *env, uint64_t op);
void helper_fxch(CPUX86State *env, uint64_t i);
void helper_ffree(CPUX86State *env, uint64_t i, uint64_t pop);
/* FCMOVcc: ST(0) = ST(i) if cond. */
void helper_fcmov(CPUX86State *env, uint64_t i, uint64_t cond);
/* Status word with TOP (FNSTSW). */
uint64_t helper_fnstsw(CPUX86State *env);
uint64_t helper_fnstcw(CPUX86State *env);
void helper_fldcw(CPUX86State *env, uint64_t cw);
/* FNSTENV/FLDENV/FNSAVE/FRSTOR; data16: 16-bit (66-prefixed) layouts. */
void helper_fnstenv(CPUX86State *env, uint64_t addr, uint64_t data16);
void helper_fldenv(CPUX86State *env, uint64_t addr, uint64_t data16);
void helper_fnsave(CPUX86State *env, uint64_t addr, uint64_t data16);
void helper_frstor(CPUX86State *env, uint64_t addr, uint64_t data16);
/* FXSAVE/FXRSTOR (512 bytes, 16-byte aligned); rexw: 64-bit FIP/FDP form. */
void helper_fxsave(CPUX86State *env, uint64_t addr, uint64_t rexw);
void helper_fxrstor(CPUX86State *env, uint64_t addr, uint64_t rexw);

extern const TCGHelperInfo helper_info_fld_mem, helper_info_fld_st, helper_info_fst_mem,
    helper_info_fst_st, helper_info_farith, helper_info_farith_mem, helper_info_fcom_st,
    helper_info_fcomi, helper_info_fspecial, helper_info_fxch, helper_info_ffree,
    helper_info_fcmov, helper_info_fnstsw, helper_info_fnstcw, helper_info_fldcw,
    helper_info_fnstenv, helper_info_fldenv, helper_info_fnsave, helper_info_frstor,
    helper_info_fxsave, helper_info_fxrstor;

/*
 * The 512-byte FXSAVE layout in host memory (bytes 0..415 written, the rest
 * left alone), for signal frames and the like.  rexw selects the 64-bit
 * FIP/FDP form.  x86_fxrstor_image returns false (and changes nothing) if
 * the MXCSR image has reserved bits set.
 */
void x86_fxsave_image(CPUX86State *env, uint8_t *img, bool rexw);
bool x86_fxrstor_image(CPUX86State *env, const uint8_t *img, bool rexw);

/* Raise #MF (SIGFPE) if an unmasked x87 exception is pending (ES set):
 * what every waiting x87 instruction, and every MMX instruction, does first. */
void fpu_check_pending(CPUX86State *env);

/* Reset state of the FPU (FNINIT) and MXCSR; for cpu_x86_init. */
void fpu_reset(CPUX86State *env);

#endif
