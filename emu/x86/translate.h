/*
 * emu/x86/translate.h — the x86 front end's internal interface, shared by
 * translate.c (the TB loop, operand access, flags, control flow) and the
 * per-family files tr-*.c that hold one emitter function per mnemonic.
 *
 * Rules every emitter follows (precise exceptions depend on them):
 *  - all guest memory accesses of an instruction happen before it writes
 *    any architectural state (guest registers, cc_* globals, rip), so a
 *    fault leaves the state as it was before the instruction;
 *  - an emitter that ends the TB sets s->base.is_jmp;
 *  - invalid forms (e.g. LOCK on a non-lockable insn, register operand
 *    where only memory is allowed) call gen_illegal_opcode().
 */
#ifndef EMU_X86_TRANSLATE_H
#define EMU_X86_TRANSLATE_H

#include "emu/cpu.h"
#include "emu/exec.h"
#include "emu/translator.h"
#include "emu/tcg/tcg.h"
#include "decode.h"

/* Front-end reasons for ending a TB (DisasContextBase.is_jmp). */
enum {
    DISAS_EOB_NEXT = DISAS_TARGET_0, /* end TB; continue at pc_next (no chain) */
    DISAS_JUMP,                      /* env->rip already set dynamically */
};

typedef struct DisasContext {
    DisasContextBase base;
    CPUX86State *env;        /* for cpu model queries only, never guest state */
    X86Insn insn;            /* the instruction being translated */
    uint64_t pc;             /* its address */
    uint64_t next_pc;        /* address of the following instruction */
    CCOp cc_op;              /* what env->cc_op is at this point, statically */
    bool cc_op_dirty;        /* cc_op differs from env->cc_op */
    /* A CMP/SUB's first operand, for a condition of the next instruction
     * (cmp; jcc): compared directly instead of rebuilt as cc_dst + cc_src.
     * cc_srcT is the previous instruction's (NULL if it set none), valid
     * while cc_op is still cc_srcT_op; cc_srcT_next is this one's. */
    TCGv cc_srcT, cc_srcT_next;
    CCOp cc_srcT_op, cc_srcT_next_op;
    /* Side exits so far (gen_side_exit): label and guest target of each;
     * side exit i uses goto_tb slot 2 + i. */
    int nb_side;
    TCGLabel *side_label[TB_JMP_SLOTS - 2];
    uint64_t side_target[TB_JMP_SLOTS - 2];
} DisasContext;

/* Globals (registered once per thread by x86_translate_init).  Thread-local:
 * each thread's TCGContext has its own temps. */
extern __thread TCGv cpu_regs[16];
extern __thread TCGv cpu_rip, cpu_cc_dst, cpu_cc_src, cpu_cc_src2, cpu_cc_op;
extern __thread TCGv cpu_df, cpu_eflags, cpu_fs_base, cpu_gs_base;
extern __thread TCGv cpu_xmm[16][4];   /* cpu_xmm[r][i] = env->xmm[r].q[i] */
extern __thread TCGv cpu_mxcsr;
extern __thread TCGv cpu_vtmp[4];   /* env->vtmp: scratch of VEX vec ops (tr-sse.c) */
/* Registers tr-string.c's globals (called by x86_translate_init). */
void tr_string_init(void);

/* ---- operands ---- */
/* Effective address of insn->mem (segment base added, 0x67 truncation). */
TCGv gen_lea(DisasContext *s);
/* Value of a GPR/MEM/IMM/REL operand, zero-extended from op->size. */
void gen_load_operand(DisasContext *s, TCGv dst, const X86Operand *op);
/* Same, sign-extended from op->size. */
void gen_load_operand_sext(DisasContext *s, TCGv dst, const X86Operand *op);
/* Write a GPR or MEM operand of op->size bytes (32-bit GPR writes zero the
 * upper half; 8/16-bit writes merge). For MEM, addr may be NULL (computed
 * from insn->mem) or a precomputed gen_lea() result. */
void gen_store_operand(DisasContext *s, const X86Operand *op, TCGv val, TCGv addr);
/* Memory access of 1/2/4/8 bytes at addr (size in bytes, sign extend?). */
void gen_ld(DisasContext *s, TCGv val, TCGv addr, int size, bool sign);
void gen_st(DisasContext *s, TCGv val, TCGv addr, int size);
/* Write a GPR of size bytes with x86 partial-register rules. */
void gen_write_gpr(DisasContext *s, int reg, bool hi8, int size, TCGv val);
MemOp mo_from_size(int size);
/* d = a zero- (sign = false) or sign-extended from size bytes (8: copy). */
void gen_ext(TCGv d, TCGv a, int size, bool sign);
/* Effective address of insn->mem without the FS/GS base (LEA), and adding
 * that base to an address computed so (gen_lea = both). */
TCGv gen_lea_noseg(DisasContext *s);
void gen_add_seg_base(DisasContext *s, TCGv ea);
/* dst = the full new value of GPR reg after writing val with size bytes
 * (what gen_write_gpr would store), without writing it: for conditional
 * writes through movcond. */
void gen_merge_gpr(TCGv dst, int reg, bool hi8, int size, TCGv val);

/* ---- flags ---- */
void set_cc_op(DisasContext *s, CCOp op);
/* Make env->cc_op match s->cc_op (before helpers that read flags, exits). */
void gen_update_cc_op(DisasContext *s);
/* Materialise RFLAGS' arithmetic bits into dst (does not change cc_op). */
void gen_compute_eflags(DisasContext *s, TCGv dst);
/* Carry flag (0/1) into dst. */
void gen_compute_eflags_c(DisasContext *s, TCGv dst);
/* dst = condition `cond` (0..15, Intel order) true ? 1 : 0. */
void gen_setcc(DisasContext *s, int cond, TCGv dst);
/* Branch to l if condition cond holds.  Returns TCG_COND_NEVER or
 * TCG_COND_ALWAYS when the condition is known at translation time (nothing
 * or a br emitted), another condition for a brcond. */
TCGCond gen_jcc(DisasContext *s, int cond, TCGLabel *l);

/* ---- control flow and exceptions ---- */
/* Leave the TB continuing at target, chained through goto_tb slot. */
void gen_jmp_tb(DisasContext *s, uint64_t target, int slot);
/* A superblock's side exit: if the TB may go on (a slot is free), the
 * branch to `taken` (just emitted, env->cc_op already current) becomes a
 * side exit to target, emitted after the TB's final exit, and the TB goes
 * on with the next instruction.  False if the TB must end here. */
bool gen_side_exit(DisasContext *s, TCGLabel *taken, uint64_t target);
/* Leave the TB continuing at the address in target (indirect). */
void gen_jmp_dyn(DisasContext *s, TCGv target);
/* Raise exception excp (EXCP_*) at the current instruction: rip = its pc
 * (trap-like ones such as int3 set rip = next_pc). Ends the TB. */
void gen_exception(DisasContext *s, int excp);
void gen_illegal_opcode(DisasContext *s);
/* Log "unimplemented" (under -d unimp) and raise #UD. */
void gen_unimplemented(DisasContext *s);
/* End the TB after this instruction (state that affects translation changed). */
void gen_eob(DisasContext *s);

/* ---- dispatch ---- */
typedef void (*X86GenFn)(DisasContext *s, X86Insn *insn);
typedef struct X86GenEntry {
    uint16_t mnemonic;
    X86GenFn fn;
} X86GenEntry;
/* Per-family tables, each ended by {0, NULL}. */
extern const X86GenEntry x86_gen_int[];   /* tr-int.c: ALU, moves, stack, control flow */
extern const X86GenEntry x86_gen_int2[];  /* tr-shift.c, tr-muldiv.c, tr-bits.c, tr-string.c, tr-misc.c */
extern const X86GenEntry x86_gen_sse[];   /* tr-sse.c: SSE/SSE2(+) */
extern const X86GenEntry x86_gen_sse4[];  /* tr-sse4.c: SSE3..SSE4.2 special cases */
extern const X86GenEntry x86_gen_avx[];   /* tr-avx.c: AVX/AVX2/FMA/F16C-only, XSAVE */
extern const X86GenEntry x86_gen_x87[];   /* tr-x87.c: x87 FPU */

#endif
