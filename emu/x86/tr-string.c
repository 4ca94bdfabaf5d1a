/*
 * emu/x86/tr-string.c — MOVS STOS LODS CMPS SCAS (sizes 1/2/4/8), with
 * REP/REPE/REPNE; INS/OUTS (#GP in user mode).
 *
 * A REP-prefixed instruction is a TB of its own (the TB before it ends just
 * before it) and each execution of that TB does at most one iteration:
 *
 *     if (rCX == 0) goto next;             zero count: no iteration
 *     one element: loads, stores           (a fault leaves all registers)
 *     rSI/rDI += ±size; rCX -= 1; rep_cc = flags (CMPS/SCAS, see below)
 *     if (rCX == 0 || REPE/REPNE condition fails) goto stop;
 *     goto_tb self                          next iteration, chained
 *   stop:
 *     cc = rep_cc; rep_cc_op = 0            (CMPS/SCAS)
 *   next:
 *     goto_tb pc_next
 *
 * so faults are precise per element, pending signals are taken between
 * iterations, and one execution of the TB is one retired iteration — the
 * counting contract's max(n, 1).  The 0x67 prefix makes rSI/rDI/rCX 32-bit
 * (addresses wrap, updates zero-extend); a segment override (FS/GS) applies
 * to the source of MOVS/LODS/CMPS, never to rDI.
 *
 * Flags of REPE/REPNE CMPS/SCAS: a fault in the middle restores RFLAGS to
 * their value before the instruction (Intel SDM, REP prefix) while
 * rCX/rSI/rDI show the iterations done; an interrupt between iterations
 * shows the flags of the last one.  So the iterations write their flags
 * to env->rep_cc_{dst,src,op}, not to cc_*, which keep the flags of before
 * the instruction until it stops; rep_cc_op != 0 says they are pending.
 * A fault drops them (cpu_restore_insn_state); leaving generated code for
 * an interrupt (a signal) makes them RFLAGS (cpu_exec_loop), and the
 * instruction starts over after the handler, as on hardware; readers of
 * RFLAGS in between see them (cpu_get_eflags).  No cost per iteration:
 * the flags are written once either way.  (AMD hosts mostly keep the last
 * iteration's flags at a fault: tests/guest/rep-fault.c.)
 */
#include "emu/x86/tr-int2.h"

enum { STR_MOVS, STR_STOS, STR_LODS, STR_CMPS, STR_SCAS };

/* env->rep_cc_dst/src/op: pending flags of a REPE/REPNE CMPS/SCAS */
static __thread TCGv cpu_rep_cc_dst, cpu_rep_cc_src, cpu_rep_cc_op;

void tr_string_init(void)
{
    cpu_rep_cc_dst = tcg_global_slot(ENV_SLOT(rep_cc_dst), "rep_cc_dst");
    cpu_rep_cc_src = tcg_global_slot(ENV_SLOT(rep_cc_src), "rep_cc_src");
    cpu_rep_cc_op = tcg_global_slot(ENV_SLOT(rep_cc_op), "rep_cc_op");
}

static int str_addr_size(X86Insn *insn)
{
    return (insn->prefixes & X86_PREFIX_ADDR) ? 4 : 8;
}

/* Address of the element at index register reg (+ FS/GS base if seg). */
static TCGv str_addr(DisasContext *s, X86Insn *insn, int reg, bool seg)
{
    TCGv a = tcg_temp_new();
    if (str_addr_size(insn) == 4) {
        tcg_gen_ext32u_i64(a, cpu_regs[reg]);
    } else {
        tcg_gen_mov_i64(a, cpu_regs[reg]);
    }
    if (seg) {
        gen_add_seg_base(s, a);
    }
    return a;
}

/* reg += step (±size), with the address size's wrap-around. */
static void str_advance(X86Insn *insn, int reg, TCGv step)
{
    tcg_gen_add_i64(cpu_regs[reg], cpu_regs[reg], step);
    if (str_addr_size(insn) == 4) {
        tcg_gen_ext32u_i64(cpu_regs[reg], cpu_regs[reg]);
    }
}

/* Drop the insn_start just emitted for an instruction we hand to the next
 * TB (translator.h: end the TB before the current instruction). */
static void str_drop_insn_start(void)
{
    TCGContext *c = tcg_ctx();
    if (c->nb_ops > 0 && c->ops[c->nb_ops - 1].opc == INDEX_op_insn_start) {
        c->nb_ops--;
    }
}

/* Flags of a CMPS/SCAS element: SUB, res = a - w.  Under REPE/REPNE they
 * are pending (top of the file). */
static void str_flags(DisasContext *s, bool rep, TCGv res, TCGv w, int ot)
{
    if (rep) {
        tcg_gen_mov_i64(cpu_rep_cc_src, w);
        tcg_gen_mov_i64(cpu_rep_cc_dst, res);
        tcg_gen_movi_i64(cpu_rep_cc_op, CC_OP_SUBB + ot);
    } else {
        tcg_gen_mov_i64(cpu_cc_src, w);
        tcg_gen_mov_i64(cpu_cc_dst, res);
        set_cc_op(s, CC_OP_SUBB + ot);
    }
}

/* One element.  Memory first, then registers and flags. */
static void str_iteration(DisasContext *s, X86Insn *insn, int kind, bool rep)
{
    int size = insn->opsize, ot = tr2_ot(size);
    TCGv step = tcg_temp_new();
    TCGv v = tcg_temp_new(), w = tcg_temp_new(), res = tcg_temp_new();

    tcg_gen_shli_i64(step, cpu_df, ot);
    switch (kind) {
    case STR_MOVS:
        gen_ld(s, v, str_addr(s, insn, R_ESI, true), size, false);
        gen_st(s, v, str_addr(s, insn, R_EDI, false), size);
        str_advance(insn, R_ESI, step);
        str_advance(insn, R_EDI, step);
        break;
    case STR_STOS:
        gen_st(s, cpu_regs[R_EAX], str_addr(s, insn, R_EDI, false), size);
        str_advance(insn, R_EDI, step);
        break;
    case STR_LODS:
        gen_ld(s, v, str_addr(s, insn, R_ESI, true), size, false);
        gen_write_gpr(s, R_EAX, false, size, v);
        str_advance(insn, R_ESI, step);
        break;
    case STR_CMPS:
        /* flags of [rSI] - [rDI] */
        gen_ld(s, v, str_addr(s, insn, R_ESI, true), size, false);
        gen_ld(s, w, str_addr(s, insn, R_EDI, false), size, false);
        str_advance(insn, R_ESI, step);
        str_advance(insn, R_EDI, step);
        tcg_gen_sub_i64(res, v, w);
        str_flags(s, rep, res, w, ot);
        break;
    default:
        /* SCAS: flags of rAX - [rDI] */
        gen_ld(s, w, str_addr(s, insn, R_EDI, false), size, false);
        str_advance(insn, R_EDI, step);
        gen_ext(v, cpu_regs[R_EAX], size, false);
        tcg_gen_sub_i64(res, v, w);
        str_flags(s, rep, res, w, ot);
        break;
    }
}

static void gen_string(DisasContext *s, X86Insn *insn, int kind)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    bool repz = insn->prefixes & X86_PREFIX_REPZ;
    bool repnz = insn->prefixes & X86_PREFIX_REPNZ;
    bool cmp = kind == STR_CMPS || kind == STR_SCAS;

    if (!repz && !repnz) {
        str_iteration(s, insn, kind, false);
        return;
    }
    if (s->base.num_insns > 1) {
        /* Start a TB of its own. */
        str_drop_insn_start();
        s->base.pc_next = s->pc;
        s->base.is_jmp = DISAS_TOO_MANY;
        return;
    }

    TCGLabel *next = gen_new_label(), *stop = cmp ? gen_new_label() : next;
    TCGv cx = tcg_temp_new();
    bool a32 = str_addr_size(insn) == 4;

    gen_update_cc_op(s);
    if (a32) {
        tcg_gen_ext32u_i64(cx, cpu_regs[R_ECX]);
    } else {
        tcg_gen_mov_i64(cx, cpu_regs[R_ECX]);
    }
    tcg_gen_brcondi_i64(TCG_COND_EQ, cx, 0, next);

    str_iteration(s, insn, kind, true);

    tcg_gen_subi_i64(cx, cx, 1);
    if (a32) {
        tcg_gen_ext32u_i64(cx, cx);
    }
    tcg_gen_mov_i64(cpu_regs[R_ECX], cx);
    gen_update_cc_op(s);
    if (cmp) {
        /* REPE: stop when not equal; REPNE: stop when equal.  F2 wins if
         * both are present (the last one decoded, in practice F2/F3 are
         * not combined). */
        TCGv r = tr2_ext_new(cpu_rep_cc_dst, insn->opsize, false);
        tcg_gen_brcondi_i64(repnz ? TCG_COND_EQ : TCG_COND_NE, r, 0, stop);
    }
    tcg_gen_brcondi_i64(TCG_COND_EQ, cx, 0, stop);
    gen_jmp_tb(s, s->pc, 1);

    if (cmp) {
        gen_set_label(stop);
        /* the instruction is over: its flags are RFLAGS */
        tcg_gen_mov_i64(cpu_cc_dst, cpu_rep_cc_dst);
        tcg_gen_mov_i64(cpu_cc_src, cpu_rep_cc_src);
        tcg_gen_movi_i64(cpu_cc_op, CC_OP_SUBB + tr2_ot(insn->opsize));
        tcg_gen_movi_i64(cpu_rep_cc_op, 0);
    }
    gen_set_label(next);
    /* Both paths have flushed cc_op to env. */
    set_cc_op(s, CC_OP_DYNAMIC);
    gen_jmp_tb(s, s->next_pc, 0);
}

void gen_MOVS(DisasContext *s, X86Insn *insn) { gen_string(s, insn, STR_MOVS); }
void gen_STOS(DisasContext *s, X86Insn *insn) { gen_string(s, insn, STR_STOS); }
void gen_LODS(DisasContext *s, X86Insn *insn) { gen_string(s, insn, STR_LODS); }
void gen_CMPS(DisasContext *s, X86Insn *insn) { gen_string(s, insn, STR_CMPS); }
void gen_SCAS(DisasContext *s, X86Insn *insn) { gen_string(s, insn, STR_SCAS); }

/* Port I/O is privileged (IOPL 0): SIGSEGV like the kernel gives. */
void gen_INS(DisasContext *s, X86Insn *insn)  { gen_exception(s, EXCP_GP); }
void gen_OUTS(DisasContext *s, X86Insn *insn) { gen_exception(s, EXCP_GP); }
