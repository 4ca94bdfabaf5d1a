/*
 * emu/x86/tr-int.c — integer ALU, moves, stack and control flow.
 *
 * One emitter per mnemonic (table at the end).  Every emitter loads and
 * stores guest memory before it writes any register or cc_* global, so a
 * fault leaves the guest state of the instruction's start (translate.h).
 */
#include "emu/x86/translate.h"
#include "emu/x86/cc_helper.h"
#include "emu/x86/misc_helper.h"
#include "emu/x86/cpu-model.h"

/* log2 of an operand size in bytes (1, 2, 4, 8). */
static int size_idx(int size)
{
    switch (size) {
    case 1: return 0;
    case 2: return 1;
    case 4: return 2;
    default: return 3;
    }
}

static bool has_lock(const X86Insn *insn)
{
    return (insn->prefixes & X86_PREFIX_LOCK) != 0;
}

/* LOCK is valid only on read-modify-write forms with a memory destination;
 * anything else is #UD.  Returns false (and raised) if invalid. */
static bool check_lock(DisasContext *s, const X86Insn *insn, bool lockable)
{
    if (has_lock(insn) && !(lockable && insn->ops[0].kind == X86_OPK_MEM)) {
        gen_illegal_opcode(s);
        return false;
    }
    return true;
}

/* Source operand value: immediates as the decoder extended them (the
 * arithmetic only needs their low op-size bits), others zero-extended. */
static void load_src(DisasContext *s, TCGv dst, const X86Operand *op)
{
    if (op->kind == X86_OPK_IMM) {
        tcg_gen_movi_i64(dst, (uint64_t)op->imm);
    } else {
        gen_load_operand(s, dst, op);
    }
}

/* The value a LOCK'd read-modify-write loaded (see store_rmw). */
static __thread TCGv lock_old;

/* Destination operand of a read-modify-write: value in t, and the address
 * (NULL for a register) for the store. */
static TCGv load_rmw(DisasContext *s, const X86Operand *op, TCGv t)
{
    if (op->kind == X86_OPK_MEM) {
        TCGv addr = gen_lea(s);
        gen_ld(s, t, addr, op->size, false);
        if (has_lock(&s->insn)) {
            lock_old = tcg_temp_new();
            tcg_gen_mov_i64(lock_old, t);
        }
        return addr;
    }
    gen_load_operand(s, t, op);
    return NULL;
}

/* With LOCK the store is a compare-and-swap against the loaded value; if
 * another thread wrote the word meanwhile, the instruction starts again
 * (helper_atomic_store_cond): atomic, as on hardware. */
static void store_rmw(DisasContext *s, const X86Operand *op, TCGv addr, TCGv val)
{
    if (addr && has_lock(&s->insn)) {
        TCGv args[5] = { tcg_ctx()->env, addr, lock_old, val, tcg_constant_i64(op->size) };
        tcg_gen_callN(&helper_info_atomic_store_cond, NULL, 5, args);
        return;
    }
    gen_store_operand(s, op, val, addr);
}

/* ---- ALU ---- */

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP, ALU_TEST };

static void gen_alu(DisasContext *s, X86Insn *insn, int op)
{
    const X86Operand *d = &insn->ops[0], *o = &insn->ops[1];
    int size = d->size, sz = size_idx(size);
    TCGv t0, t1, res, cin = NULL, addr;

    if (!check_lock(s, insn, op != ALU_CMP && op != ALU_TEST)) {
        return;
    }
    /* xor r,r / sub r,r: the zeroing idiom; flags are those of a zero result. */
    if ((op == ALU_XOR || op == ALU_SUB) && d->kind == X86_OPK_GPR &&
        o->kind == X86_OPK_GPR && d->reg == o->reg && d->hi8 == o->hi8) {
        gen_write_gpr(s, d->reg, d->hi8, size, tcg_constant_i64(0));
        set_cc_op(s, CC_OP_CLR);
        return;
    }

    t0 = tcg_temp_new();
    t1 = tcg_temp_new();
    res = tcg_temp_new();
    addr = load_rmw(s, d, t0);
    if (d->kind == X86_OPK_GPR && o->kind == X86_OPK_GPR && d->reg == o->reg &&
        d->hi8 == o->hi8) {
        /* `test eax, eax`, `sbb ecx, ecx`...: the same value, which the
         * optimizer then knows (sbb r, r is -CF, and r, r is r) */
        tcg_gen_mov_i64(t1, t0);
    } else {
        load_src(s, t1, o);
    }
    if (op == ALU_ADC || op == ALU_SBB) {
        cin = tcg_temp_new();
        gen_compute_eflags_c(s, cin);
    }
    switch (op) {
    case ALU_ADD:
        tcg_gen_add_i64(res, t0, t1);
        break;
    case ALU_ADC:
        tcg_gen_add_i64(res, t0, t1);
        tcg_gen_add_i64(res, res, cin);
        break;
    case ALU_SUB:
    case ALU_CMP:
        tcg_gen_sub_i64(res, t0, t1);
        break;
    case ALU_SBB:
        tcg_gen_sub_i64(res, t0, t1);
        tcg_gen_sub_i64(res, res, cin);
        break;
    case ALU_AND:
    case ALU_TEST:
        tcg_gen_and_i64(res, t0, t1);
        break;
    case ALU_OR:
        tcg_gen_or_i64(res, t0, t1);
        break;
    default:
        tcg_gen_xor_i64(res, t0, t1);
        break;
    }
    if (op != ALU_CMP && op != ALU_TEST) {
        store_rmw(s, d, addr, res);
    }

    tcg_gen_mov_i64(cpu_cc_dst, res);
    switch (op) {
    case ALU_ADD:
        tcg_gen_mov_i64(cpu_cc_src, t1);
        set_cc_op(s, CC_OP_ADDB + sz);
        break;
    case ALU_ADC:
        tcg_gen_mov_i64(cpu_cc_src, t1);
        tcg_gen_mov_i64(cpu_cc_src2, cin);
        set_cc_op(s, CC_OP_ADCB + sz);
        break;
    case ALU_SUB:
    case ALU_CMP:
        tcg_gen_mov_i64(cpu_cc_src, t1);
        set_cc_op(s, CC_OP_SUBB + sz);
        s->cc_srcT_next = t0;       /* for a jcc/setcc/cmovcc next */
        s->cc_srcT_next_op = CC_OP_SUBB + sz;
        break;
    case ALU_SBB:
        tcg_gen_mov_i64(cpu_cc_src, t1);
        tcg_gen_mov_i64(cpu_cc_src2, cin);
        set_cc_op(s, CC_OP_SBBB + sz);
        break;
    default:
        set_cc_op(s, CC_OP_LOGICB + sz);
        break;
    }
}

static void gen_ADD(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_ADD); }
static void gen_OR(DisasContext *s, X86Insn *insn)  { gen_alu(s, insn, ALU_OR); }
static void gen_ADC(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_ADC); }
static void gen_SBB(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_SBB); }
static void gen_AND(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_AND); }
static void gen_SUB(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_SUB); }
static void gen_XOR(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_XOR); }
static void gen_CMP(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_CMP); }
static void gen_TEST(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_TEST); }

static void gen_incdec(DisasContext *s, X86Insn *insn, bool dec)
{
    const X86Operand *d = &insn->ops[0];
    TCGv t0 = tcg_temp_new(), res = tcg_temp_new(), cf = tcg_temp_new(), addr;

    if (!check_lock(s, insn, true)) {
        return;
    }
    addr = load_rmw(s, d, t0);
    gen_compute_eflags_c(s, cf);     /* INC/DEC keep CF */
    tcg_gen_addi_i64(res, t0, dec ? -1 : 1);
    store_rmw(s, d, addr, res);
    tcg_gen_mov_i64(cpu_cc_dst, res);
    tcg_gen_mov_i64(cpu_cc_src, cf);
    set_cc_op(s, (dec ? CC_OP_DECB : CC_OP_INCB) + size_idx(d->size));
}

static void gen_INC(DisasContext *s, X86Insn *insn) { gen_incdec(s, insn, false); }
static void gen_DEC(DisasContext *s, X86Insn *insn) { gen_incdec(s, insn, true); }

/* neg: flags of 0 - x. */
static void gen_NEG(DisasContext *s, X86Insn *insn)
{
    const X86Operand *d = &insn->ops[0];
    TCGv t0 = tcg_temp_new(), res = tcg_temp_new(), addr;

    if (!check_lock(s, insn, true)) {
        return;
    }
    addr = load_rmw(s, d, t0);
    tcg_gen_neg_i64(res, t0);
    store_rmw(s, d, addr, res);
    tcg_gen_mov_i64(cpu_cc_dst, res);
    tcg_gen_mov_i64(cpu_cc_src, t0);
    set_cc_op(s, CC_OP_SUBB + size_idx(d->size));
}

static void gen_NOT(DisasContext *s, X86Insn *insn)
{
    const X86Operand *d = &insn->ops[0];
    TCGv t0 = tcg_temp_new(), addr;

    if (!check_lock(s, insn, true)) {
        return;
    }
    addr = load_rmw(s, d, t0);
    tcg_gen_not_i64(t0, t0);
    store_rmw(s, d, addr, t0);
}

/* ---- moves ---- */

static void gen_MOV(DisasContext *s, X86Insn *insn)
{
    const X86Operand *d = &insn->ops[0], *o = &insn->ops[1];
    TCGv t = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    if ((d->kind == X86_OPK_SEG || o->kind == X86_OPK_SEG) &&
        (d->kind == X86_OPK_SEG ? d : o)->reg > R_GS) {
        /* ModRM.reg 6 and 7 name no segment register. */
        gen_illegal_opcode(s);
        return;
    }
    if (d->kind == X86_OPK_SEG) {
        /* Loading a selector: CS cannot be loaded; the others are accepted
         * and ignored (user mode has flat segments; FS/GS bases are set
         * through arch_prctl).  The source is still read: it may fault. */
        if (d->reg == R_CS) {
            gen_illegal_opcode(s);
            return;
        }
        load_src(s, t, o);
        return;
    }
    if (d->kind == X86_OPK_CTRL || o->kind == X86_OPK_CTRL) {
        gen_exception(s, EXCP_GP);
        return;
    }
    load_src(s, t, o);
    gen_store_operand(s, d, t, NULL);
}

static void gen_movx(DisasContext *s, X86Insn *insn, bool sign)
{
    const X86Operand *d = &insn->ops[0], *o = &insn->ops[1];
    TCGv t = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    if (sign) {
        gen_load_operand_sext(s, t, o);
    } else {
        gen_load_operand(s, t, o);
    }
    gen_store_operand(s, d, t, NULL);
}

static void gen_MOVZX(DisasContext *s, X86Insn *insn) { gen_movx(s, insn, false); }
static void gen_MOVSX(DisasContext *s, X86Insn *insn) { gen_movx(s, insn, true); }

static void gen_LEA(DisasContext *s, X86Insn *insn)
{
    const X86Operand *d = &insn->ops[0];

    if (!check_lock(s, insn, false) || !insn->has_mem) {
        if (!has_lock(insn)) {
            gen_illegal_opcode(s);
        }
        return;
    }
    gen_write_gpr(s, d->reg, d->hi8, d->size, gen_lea_noseg(s));
}

/* xchg: with a memory operand it is locked even without the prefix. */
static void gen_XCHG(DisasContext *s, X86Insn *insn)
{
    const X86Operand *a = &insn->ops[0], *b = &insn->ops[1];
    TCGv ta = tcg_temp_new(), tb = tcg_temp_new();

    if (has_lock(insn) && a->kind != X86_OPK_MEM && b->kind != X86_OPK_MEM) {
        gen_illegal_opcode(s);
        return;
    }
    if (a->kind == X86_OPK_MEM || b->kind == X86_OPK_MEM) {
        const X86Operand *m = a->kind == X86_OPK_MEM ? a : b;
        const X86Operand *r = a->kind == X86_OPK_MEM ? b : a;
        TCGv addr = gen_lea(s);
        gen_load_operand(s, tb, r);
        TCGv args[4] = { tcg_ctx()->env, addr, tb, tcg_constant_i64(m->size) };
        tcg_gen_callN(&helper_info_atomic_xchg, ta, 4, args);
        gen_write_gpr(s, r->reg, r->hi8, r->size, ta);
        return;
    }
    gen_load_operand(s, ta, a);
    gen_load_operand(s, tb, b);
    gen_write_gpr(s, a->reg, a->hi8, a->size, tb);
    gen_write_gpr(s, b->reg, b->hi8, b->size, ta);
}

/*
 * cmpxchg r/m, r: compare the accumulator with r/m; equal: ZF=1, r/m = r;
 * else ZF=0, accumulator = r/m.  A memory destination is always written
 * (the old value if unequal); a register destination and the accumulator
 * are written only when they change (so their upper halves stay as they are
 * for 32-bit forms, as on hardware).
 */
static void gen_CMPXCHG(DisasContext *s, X86Insn *insn)
{
    const X86Operand *d = &insn->ops[0], *o = &insn->ops[1];
    int size = d->size;
    TCGv old = tcg_temp_new(), src = tcg_temp_new(), acc = tcg_temp_new();
    TCGv t = tcg_temp_new(), addr;

    if (!check_lock(s, insn, true)) {
        return;
    }
    if (d->kind == X86_OPK_MEM) {
        /* One host compare-and-swap: atomic with or without LOCK (a
         * failing one still writes, so a read-only page faults the same). */
        addr = gen_lea(s);
        gen_load_operand(s, src, o);
        gen_ext(acc, cpu_regs[R_EAX], size, false);
        TCGv args[5] = { tcg_ctx()->env, addr, acc, src, tcg_constant_i64(size) };
        tcg_gen_callN(&helper_info_atomic_cmpxchg, old, 5, args);
    } else {
        addr = load_rmw(s, d, old);
        gen_load_operand(s, src, o);
        gen_ext(acc, cpu_regs[R_EAX], size, false);
    }
    /* accumulator = equal ? unchanged : old */
    gen_merge_gpr(t, R_EAX, false, size, old);
    tcg_gen_movcond_i64(TCG_COND_EQ, t, old, acc, cpu_regs[R_EAX], t);
    if (!addr) {
        /* dest = equal ? src : unchanged, merged after the accumulator write
         * so that a shared register (al/ah) keeps both updates. */
        TCGv nd = tcg_temp_new();
        tcg_gen_mov_i64(cpu_regs[R_EAX], t);
        gen_merge_gpr(nd, d->reg, d->hi8, size, src);
        tcg_gen_movcond_i64(TCG_COND_EQ, cpu_regs[d->reg], old, acc, nd, cpu_regs[d->reg]);
    } else {
        tcg_gen_mov_i64(cpu_regs[R_EAX], t);
    }
    tcg_gen_sub_i64(cpu_cc_dst, acc, old);
    tcg_gen_mov_i64(cpu_cc_src, old);
    set_cc_op(s, CC_OP_SUBB + size_idx(size));
}

/* xadd r/m, r: tmp = r/m + r; r = r/m; r/m = tmp. */
static void gen_XADD(DisasContext *s, X86Insn *insn)
{
    const X86Operand *d = &insn->ops[0], *o = &insn->ops[1];
    TCGv t0 = tcg_temp_new(), t1 = tcg_temp_new(), sum = tcg_temp_new(), addr;

    if (!check_lock(s, insn, true)) {
        return;
    }
    if (d->kind == X86_OPK_MEM && has_lock(insn)) {
        addr = gen_lea(s);
        gen_load_operand(s, t1, o);
        TCGv args[4] = { tcg_ctx()->env, addr, t1, tcg_constant_i64(d->size) };
        tcg_gen_callN(&helper_info_atomic_xadd, t0, 4, args);
    } else {
        addr = load_rmw(s, d, t0);
        gen_load_operand(s, t1, o);
    }
    tcg_gen_add_i64(sum, t0, t1);
    if (addr && has_lock(insn)) {
        gen_write_gpr(s, o->reg, o->hi8, o->size, t0);
    } else if (addr) {
        store_rmw(s, d, addr, sum);
        gen_write_gpr(s, o->reg, o->hi8, o->size, t0);
    } else {
        gen_write_gpr(s, o->reg, o->hi8, o->size, t0);
        gen_write_gpr(s, d->reg, d->hi8, d->size, sum);
    }
    tcg_gen_mov_i64(cpu_cc_dst, sum);
    tcg_gen_mov_i64(cpu_cc_src, t1);
    set_cc_op(s, CC_OP_ADDB + size_idx(d->size));
}

/* ---- stack ---- */

/* Stack operand size: 8, or 2 with the 0x66 prefix (32 is not encodable). */
static int stack_size(const X86Insn *insn)
{
    return insn->opsize == 2 ? 2 : 8;
}

/* Store val at rsp - size; returns the new rsp (not yet written). */
static TCGv gen_push_val(DisasContext *s, TCGv val, int size)
{
    TCGv sp = tcg_temp_new();
    tcg_gen_subi_i64(sp, cpu_regs[R_ESP], size);
    gen_st(s, val, sp, size);
    return sp;
}

static void gen_PUSH(DisasContext *s, X86Insn *insn)
{
    int size = stack_size(insn);
    TCGv t = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    load_src(s, t, &insn->ops[0]);
    tcg_gen_mov_i64(cpu_regs[R_ESP], gen_push_val(s, t, size));
}

static void gen_POP(DisasContext *s, X86Insn *insn)
{
    const X86Operand *d = &insn->ops[0];
    int size = stack_size(insn);
    TCGv t = tcg_temp_new(), sp = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    gen_ld(s, t, cpu_regs[R_ESP], size, false);
    tcg_gen_addi_i64(sp, cpu_regs[R_ESP], size);
    if (d->kind == X86_OPK_MEM) {
        /* The address is computed with rsp already incremented. */
        TCGv addr = gen_lea(s);
        if (insn->mem.base == R_ESP) {
            tcg_gen_addi_i64(addr, addr, size);
            if (insn->mem.addr_size == 4) {
                tcg_gen_ext32u_i64(addr, addr);
            }
        }
        gen_st(s, t, addr, d->size ? d->size : size);
        tcg_gen_mov_i64(cpu_regs[R_ESP], sp);
        return;
    }
    tcg_gen_mov_i64(cpu_regs[R_ESP], sp);
    if (d->kind == X86_OPK_GPR) {
        /* After the rsp update: pop rsp loads rsp. */
        gen_write_gpr(s, d->reg, d->hi8, size, t);
    }
    /* pop fs/gs/...: selector discarded. */
}

/* Full RFLAGS value into dst. */
static void gen_get_rflags(DisasContext *s, TCGv dst)
{
    TCGv t = tcg_temp_new();
    gen_compute_eflags(s, dst);
    tcg_gen_or_i64(dst, dst, cpu_eflags);
    tcg_gen_shri_i64(t, cpu_df, 63);         /* df = -1 -> DF set */
    tcg_gen_shli_i64(t, t, 10);
    tcg_gen_or_i64(dst, dst, t);
}

static void gen_PUSHF(DisasContext *s, X86Insn *insn)
{
    TCGv f = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    gen_get_rflags(s, f);
    tcg_gen_andi_i64(f, f, ~(uint64_t)0x30000);   /* RF and VM read as 0 */
    tcg_gen_mov_i64(cpu_regs[R_ESP], gen_push_val(s, f, stack_size(insn)));
}

/* Set RFLAGS bits from f: the arithmetic ones and DF always, the bits of
 * `other` (AC, ID) into cpu_eflags.  IF, IOPL, TF... stay (user mode). */
static void gen_set_rflags(DisasContext *s, TCGv f, uint64_t other)
{
    TCGv t = tcg_temp_new();

    tcg_gen_andi_i64(cpu_cc_src, f, CC_ARITH_MASK);
    set_cc_op(s, CC_OP_EFLAGS);
    /* df = DF ? -1 : 1 */
    tcg_gen_extract_i64(t, f, 10, 1);
    tcg_gen_shli_i64(t, t, 1);
    tcg_gen_sub_i64(cpu_df, tcg_constant_i64(1), t);
    if (other) {
        TCGv u = tcg_temp_new();
        tcg_gen_andi_i64(u, f, other);
        tcg_gen_andi_i64(cpu_eflags, cpu_eflags, ~other);
        tcg_gen_or_i64(cpu_eflags, cpu_eflags, u);
    }
}

static void gen_POPF(DisasContext *s, X86Insn *insn)
{
    int size = stack_size(insn);
    TCGv f = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    gen_ld(s, f, cpu_regs[R_ESP], size, false);
    tcg_gen_addi_i64(cpu_regs[R_ESP], cpu_regs[R_ESP], size);
    gen_set_rflags(s, f, size == 2 ? 0 : (AC_MASK | ID_MASK));
}

/* ah = SF:ZF:0:AF:0:PF:1:CF */
static void gen_LAHF(DisasContext *s, X86Insn *insn)
{
    TCGv f = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    if (!x86_cpu_has(X86_FEAT_LAHF_LM)) {
        gen_illegal_opcode(s);      /* 64-bit mode needs LAHF_LM */
        return;
    }
    gen_compute_eflags(s, f);
    tcg_gen_andi_i64(f, f, CC_S | CC_Z | CC_A | CC_P | CC_C);
    tcg_gen_ori_i64(f, f, 2);
    gen_write_gpr(s, R_EAX, true, 1, f);
}

static void gen_SAHF(DisasContext *s, X86Insn *insn)
{
    TCGv f = tcg_temp_new(), ah = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    if (!x86_cpu_has(X86_FEAT_LAHF_LM)) {
        gen_illegal_opcode(s);      /* 64-bit mode needs LAHF_LM */
        return;
    }
    gen_compute_eflags(s, f);
    tcg_gen_andi_i64(f, f, CC_O);
    tcg_gen_extract_i64(ah, cpu_regs[R_EAX], 8, 8);
    tcg_gen_andi_i64(ah, ah, CC_S | CC_Z | CC_A | CC_P | CC_C);
    tcg_gen_or_i64(cpu_cc_src, f, ah);
    set_cc_op(s, CC_OP_EFLAGS);
}

/* CLC/STC/CMC: f = flags op CF. */
static void gen_carry_op(DisasContext *s, X86Insn *insn, int how)
{
    TCGv f = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    gen_compute_eflags(s, f);
    switch (how) {
    case 0: tcg_gen_andi_i64(cpu_cc_src, f, ~(uint64_t)CC_C); break;
    case 1: tcg_gen_ori_i64(cpu_cc_src, f, CC_C); break;
    default: tcg_gen_xori_i64(cpu_cc_src, f, CC_C); break;
    }
    set_cc_op(s, CC_OP_EFLAGS);
}

static void gen_CLC(DisasContext *s, X86Insn *insn) { gen_carry_op(s, insn, 0); }
static void gen_STC(DisasContext *s, X86Insn *insn) { gen_carry_op(s, insn, 1); }
static void gen_CMC(DisasContext *s, X86Insn *insn) { gen_carry_op(s, insn, 2); }

static void gen_CLD(DisasContext *s, X86Insn *insn)
{
    if (check_lock(s, insn, false)) {
        tcg_gen_movi_i64(cpu_df, 1);
    }
}

static void gen_STD(DisasContext *s, X86Insn *insn)
{
    if (check_lock(s, insn, false)) {
        tcg_gen_movi_i64(cpu_df, (uint64_t)-1);
    }
}

/*
 * enter size, level: push rbp; frame = rsp; copy level-1 frame pointers
 * from the old frame; push frame (level > 0); rbp = frame; rsp -= size.
 */
static void gen_ENTER(DisasContext *s, X86Insn *insn)
{
    int osz = stack_size(insn);
    uint64_t alloc = (uint64_t)insn->ops[0].imm & 0xffff;
    int level = (int)(insn->ops[1].imm & 31);
    TCGv sp = tcg_temp_new(), frame = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    tcg_gen_subi_i64(sp, cpu_regs[R_ESP], osz);
    gen_st(s, cpu_regs[R_EBP], sp, osz);
    tcg_gen_mov_i64(frame, sp);
    if (level > 0) {
        TCGv bp = tcg_temp_new(), v = tcg_temp_new();
        tcg_gen_mov_i64(bp, cpu_regs[R_EBP]);
        for (int i = 1; i < level; i++) {
            tcg_gen_subi_i64(bp, bp, osz);
            gen_ld(s, v, bp, osz, false);
            tcg_gen_subi_i64(sp, sp, osz);
            gen_st(s, v, sp, osz);
        }
        tcg_gen_subi_i64(sp, sp, osz);
        gen_st(s, frame, sp, osz);
    }
    /* The final stack top is checked for writing (a read-modify-write
     * touching nothing) before rbp/rsp change: an unmapped one faults. */
    if (alloc > 0) {
        TCGv top = tcg_temp_new(), v = tcg_temp_new();
        tcg_gen_subi_i64(top, sp, alloc);
        gen_ld(s, v, top, osz, false);
        gen_st(s, v, top, osz);
    }
    gen_write_gpr(s, R_EBP, false, osz, frame);
    tcg_gen_subi_i64(cpu_regs[R_ESP], sp, alloc);
}

/* leave: rsp = rbp; pop rbp. */
static void gen_LEAVE(DisasContext *s, X86Insn *insn)
{
    int osz = stack_size(insn);
    TCGv v = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    gen_ld(s, v, cpu_regs[R_EBP], osz, false);
    tcg_gen_addi_i64(cpu_regs[R_ESP], cpu_regs[R_EBP], osz);
    gen_write_gpr(s, R_EBP, false, osz, v);
}

/* ---- sign extension of the accumulator ---- */

/* cbw/cwde/cdqe: rAX = sext(half of rAX), by operand size. */
static void gen_cbw_family(DisasContext *s, X86Insn *insn)
{
    int size = insn->opsize;
    TCGv t = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    gen_ext(t, cpu_regs[R_EAX], size / 2, true);
    gen_write_gpr(s, R_EAX, false, size, t);
}

/* cwd/cdq/cqo: rDX = sign of rAX, by operand size. */
static void gen_cwd_family(DisasContext *s, X86Insn *insn)
{
    int size = insn->opsize;
    TCGv t = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    gen_ext(t, cpu_regs[R_EAX], size, true);
    tcg_gen_sari_i64(t, t, 63);
    gen_write_gpr(s, R_EDX, false, size, t);
}

/* ---- control flow ---- */

/* A jump to a non-canonical (48-bit) address faults with #GP at the jump
 * itself, before it changes any state; call before writing rsp. */
static void gen_check_canonical(DisasContext *s, TCGv target)
{
    TCGLabel *ok = gen_new_label();
    TCGv t = tcg_temp_new();

    tcg_gen_sari_i64(t, target, 47);       /* 0 or -1 when canonical */
    tcg_gen_addi_i64(t, t, 1);
    tcg_gen_brcondi_i64(TCG_COND_LEU, t, 1, ok);
    tcg_gen_call1(&helper_info_raise_gp, NULL, tcg_ctx()->env);
    gen_set_label(ok);
}

static void gen_JMP(DisasContext *s, X86Insn *insn)
{
    const X86Operand *o = &insn->ops[0];
    TCGv t;

    if (!check_lock(s, insn, false)) {
        return;
    }
    if (o->kind == X86_OPK_REL) {
        gen_jmp_tb(s, (uint64_t)o->imm, 0);
        return;
    }
    t = tcg_temp_new();
    if (o->kind == X86_OPK_MEM) {
        gen_ld(s, t, gen_lea(s), 8, false);
    } else {
        gen_load_operand(s, t, o);
    }
    gen_check_canonical(s, t);
    gen_jmp_dyn(s, t);
}

static void gen_CALL(DisasContext *s, X86Insn *insn)
{
    const X86Operand *o = &insn->ops[0];
    TCGv ret = tcg_constant_i64(s->next_pc);

    if (!check_lock(s, insn, false)) {
        return;
    }
    if (o->kind == X86_OPK_REL) {
        tcg_gen_mov_i64(cpu_regs[R_ESP], gen_push_val(s, ret, 8));
        gen_jmp_tb(s, (uint64_t)o->imm, 0);
        return;
    }
    /* Target read first: call [rsp] uses the old rsp. */
    TCGv t = tcg_temp_new();
    if (o->kind == X86_OPK_MEM) {
        gen_ld(s, t, gen_lea(s), 8, false);
    } else {
        gen_load_operand(s, t, o);
    }
    /* Hardware stores the return address before the target's #GP (rsp
     * stays): check between the store and the rsp update. */
    TCGv sp = gen_push_val(s, ret, 8);
    gen_check_canonical(s, t);
    tcg_gen_mov_i64(cpu_regs[R_ESP], sp);
    gen_jmp_dyn(s, t);
}

static void gen_RET(DisasContext *s, X86Insn *insn)
{
    uint64_t extra = 0;
    TCGv t = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    if (insn->nb_ops > 0 && insn->ops[0].kind == X86_OPK_IMM) {
        extra = (uint64_t)insn->ops[0].imm & 0xffff;
    }
    gen_ld(s, t, cpu_regs[R_ESP], 8, false);
    gen_check_canonical(s, t);
    tcg_gen_addi_i64(cpu_regs[R_ESP], cpu_regs[R_ESP], 8 + extra);
    gen_jmp_dyn(s, t);
}

/*
 * Far transfers in 64-bit user mode.  The only code segment a program can
 * stay in is the user one (0x33), so a far transfer there is a near one
 * that also moves the selector; helper_check_far_sel raises #GP for any
 * other selector (including the 32-bit compatibility segment, which emu
 * cannot run).  Operand size: 4 by default, 8 with REX.W, 2 with 0x66;
 * offsets of size 4/2 are zero-extended.  Every check precedes the first
 * state write, so a fault leaves the state as before the instruction.
 */
static void gen_check_sel(TCGv sel, int kind)
{
    tcg_gen_call3(&helper_info_check_far_sel, NULL, tcg_ctx()->env, sel,
                  tcg_constant_i64(kind));
}

/* RETF [imm16]: ip = pop; cs = pop; rsp += imm16. */
static void gen_RETF(DisasContext *s, X86Insn *insn)
{
    int size = insn->opsize;
    uint64_t extra = 0;
    TCGv ip = tcg_temp_new(), cs = tcg_temp_new(), a = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    if (insn->nb_ops > 0 && insn->ops[0].kind == X86_OPK_IMM) {
        extra = (uint64_t)insn->ops[0].imm & 0xffff;
    }
    gen_ld(s, ip, cpu_regs[R_ESP], size, false);
    tcg_gen_addi_i64(a, cpu_regs[R_ESP], size);
    gen_ld(s, cs, a, 2, false);
    gen_check_sel(cs, FAR_SEL_RET);
    gen_check_canonical(s, ip);
    tcg_gen_addi_i64(cpu_regs[R_ESP], cpu_regs[R_ESP], 2 * size + extra);
    gen_jmp_dyn(s, ip);
}

/* JMPF/CALLF m16:16/32/64: offset then selector in memory. */
static void gen_far_mem(DisasContext *s, X86Insn *insn, bool call)
{
    int size = insn->opsize;
    TCGv ea = gen_lea(s);
    TCGv ip = tcg_temp_new(), cs = tcg_temp_new(), a = tcg_temp_new();

    gen_ld(s, ip, ea, size, false);
    tcg_gen_addi_i64(a, ea, size);
    gen_ld(s, cs, a, 2, false);
    gen_check_sel(cs, FAR_SEL_JMP);
    if (call) {
        /* push cs (zero-extended to the operand size), then the return ip;
         * both stores before rsp moves; as for a near call, a
         * non-canonical target faults after the stores, rsp kept */
        TCGv sp = tcg_temp_new();
        tcg_gen_subi_i64(sp, cpu_regs[R_ESP], size);
        gen_st(s, tcg_constant_i64(0x33), sp, size);
        tcg_gen_subi_i64(sp, sp, size);
        gen_st(s, tcg_constant_i64(s->next_pc), sp, size);
        gen_check_canonical(s, ip);
        tcg_gen_mov_i64(cpu_regs[R_ESP], sp);
    } else {
        gen_check_canonical(s, ip);
    }
    gen_jmp_dyn(s, ip);
}

static void gen_JMPF(DisasContext *s, X86Insn *insn)
{
    if (check_lock(s, insn, false)) {
        gen_far_mem(s, insn, false);
    }
}

static void gen_CALLF(DisasContext *s, X86Insn *insn)
{
    if (check_lock(s, insn, false)) {
        gen_far_mem(s, insn, true);
    }
}

static void gen_set_rflags(DisasContext *s, TCGv f, uint64_t other);

/* IRET/IRETQ: pop ip, cs, rflags, rsp, ss (64-bit mode always pops the
 * stack pointer); RFLAGS as POPF sets them. */
static void gen_IRET(DisasContext *s, X86Insn *insn)
{
    int size = insn->opsize;
    TCGv v[5];

    if (!check_lock(s, insn, false)) {
        return;
    }
    for (int i = 0; i < 5; i++) {
        TCGv a = tcg_temp_new();
        v[i] = tcg_temp_new();
        tcg_gen_addi_i64(a, cpu_regs[R_ESP], i * size);
        gen_ld(s, v[i], a, size, false);
    }
    gen_check_sel(v[1], FAR_SEL_RET);
    gen_check_sel(v[4], FAR_SEL_SS);
    gen_check_canonical(s, v[0]);
    gen_set_rflags(s, v[2], size == 2 ? 0 : (AC_MASK | ID_MASK));
    tcg_gen_mov_i64(cpu_regs[R_ESP], v[3]);
    gen_jmp_dyn(s, v[0]);
}

/* Both ways out of a conditional branch: fall-through on slot 0, taken on 1. */
static void gen_branch_pair(DisasContext *s, TCGLabel *taken, uint64_t target)
{
    gen_jmp_tb(s, s->next_pc, 0);
    gen_set_label(taken);
    gen_jmp_tb(s, target, 1);
}

static void gen_JCC(DisasContext *s, X86Insn *insn)
{
    TCGLabel *l;

    if (!check_lock(s, insn, false)) {
        return;
    }
    gen_update_cc_op(s);     /* both exits see the same cc_op */
    l = gen_new_label();
    switch (gen_jcc(s, insn->cond, l)) {
    case TCG_COND_NEVER:
        if (s->base.max_side_exits > 0) {
            return;         /* never taken: the TB goes on */
        }
        break;
    case TCG_COND_ALWAYS:
        break;
    default:
        /* Superblock: the not-taken side goes on in this TB. */
        if (gen_side_exit(s, l, (uint64_t)insn->ops[0].imm)) {
            return;
        }
        break;
    }
    gen_branch_pair(s, l, (uint64_t)insn->ops[0].imm);
}

/* Count register width of jrcxz/loop: rcx, or ecx with 0x67. */
static int count_size(const X86Insn *insn)
{
    return (insn->prefixes & X86_PREFIX_ADDR) ? 4 : 8;
}

static void gen_JRCXZ(DisasContext *s, X86Insn *insn)
{
    TCGLabel *l;
    TCGv c = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    gen_update_cc_op(s);
    l = gen_new_label();
    gen_ext(c, cpu_regs[R_ECX], count_size(insn), false);
    tcg_gen_brcondi_i64(TCG_COND_EQ, c, 0, l);
    gen_branch_pair(s, l, (uint64_t)insn->ops[0].imm);
}

/* loop/loope/loopne: rcx -= 1; branch if rcx != 0 (and ZF = 1 / 0). */
static void gen_loop(DisasContext *s, X86Insn *insn, int zcond)
{
    int asz = count_size(insn);
    TCGLabel *l;
    TCGv c = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    gen_update_cc_op(s);
    l = gen_new_label();
    tcg_gen_subi_i64(c, cpu_regs[R_ECX], 1);
    gen_write_gpr(s, R_ECX, false, asz, c);
    gen_ext(c, cpu_regs[R_ECX], asz, false);
    if (zcond >= 0) {
        TCGv z = tcg_temp_new();
        gen_setcc(s, zcond, z);
        tcg_gen_setcondi_i64(TCG_COND_NE, c, c, 0);
        tcg_gen_and_i64(c, c, z);
    }
    tcg_gen_brcondi_i64(TCG_COND_NE, c, 0, l);
    gen_branch_pair(s, l, (uint64_t)insn->ops[0].imm);
}

static void gen_LOOP(DisasContext *s, X86Insn *insn)   { gen_loop(s, insn, -1); }
static void gen_LOOPE(DisasContext *s, X86Insn *insn)  { gen_loop(s, insn, 4); }
static void gen_LOOPNE(DisasContext *s, X86Insn *insn) { gen_loop(s, insn, 5); }

static void gen_SETCC(DisasContext *s, X86Insn *insn)
{
    TCGv t = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    gen_setcc(s, insn->cond, t);
    gen_store_operand(s, &insn->ops[0], t, NULL);
}

/* cmov: the source is read (and may fault) whatever the condition; a
 * 32-bit destination is zero-extended even when nothing moves. */
static void gen_CMOVCC(DisasContext *s, X86Insn *insn)
{
    const X86Operand *d = &insn->ops[0];
    TCGv v = tcg_temp_new(), cur = tcg_temp_new(), c = tcg_temp_new();

    if (!check_lock(s, insn, false)) {
        return;
    }
    gen_load_operand(s, v, &insn->ops[1]);
    gen_load_operand(s, cur, d);
    gen_setcc(s, insn->cond, c);
    tcg_gen_movcond_i64(TCG_COND_NE, v, c, tcg_constant_i64(0), v, cur);
    gen_write_gpr(s, d->reg, d->hi8, d->size, v);
}

/* nop, hint nops, endbr64, pause: nothing (memory operands are not accessed). */
static void gen_NOP(DisasContext *s, X86Insn *insn)
{
    check_lock(s, insn, false);
}

/* Table: mnemonic -> emitter.  Semantics of each line in the emitter's comment. */
const X86GenEntry x86_gen_int[] = {
    { X86_MN_ADD, gen_ADD },         /* r/m += src */
    { X86_MN_OR, gen_OR },           /* r/m |= src */
    { X86_MN_ADC, gen_ADC },         /* r/m += src + CF */
    { X86_MN_SBB, gen_SBB },         /* r/m -= src + CF */
    { X86_MN_AND, gen_AND },         /* r/m &= src */
    { X86_MN_SUB, gen_SUB },         /* r/m -= src */
    { X86_MN_XOR, gen_XOR },         /* r/m ^= src */
    { X86_MN_CMP, gen_CMP },         /* flags of r/m - src */
    { X86_MN_TEST, gen_TEST },       /* flags of r/m & src */
    { X86_MN_INC, gen_INC },         /* r/m += 1, CF kept */
    { X86_MN_DEC, gen_DEC },         /* r/m -= 1, CF kept */
    { X86_MN_NEG, gen_NEG },         /* r/m = -r/m */
    { X86_MN_NOT, gen_NOT },         /* r/m = ~r/m, no flags */
    { X86_MN_MOV, gen_MOV },         /* dst = src (incl. moffs, Sreg) */
    { X86_MN_MOVZX, gen_MOVZX },     /* dst = zext(src) */
    { X86_MN_MOVSX, gen_MOVSX },     /* dst = sext(src) */
    { X86_MN_MOVSXD, gen_MOVSX },    /* dst = sext(src32) */
    { X86_MN_LEA, gen_LEA },         /* dst = effective address */
    { X86_MN_XCHG, gen_XCHG },       /* swap (locked with memory) */
    { X86_MN_CMPXCHG, gen_CMPXCHG }, /* if acc == r/m: r/m = src else acc = r/m */
    { X86_MN_XADD, gen_XADD },       /* tmp = r/m + r; r = r/m; r/m = tmp */
    { X86_MN_PUSH, gen_PUSH },       /* rsp -= n; [rsp] = src */
    { X86_MN_POP, gen_POP },         /* dst = [rsp]; rsp += n */
    { X86_MN_PUSHF, gen_PUSHF },     /* push RFLAGS */
    { X86_MN_POPF, gen_POPF },       /* pop user-modifiable RFLAGS bits */
    { X86_MN_LAHF, gen_LAHF },       /* ah = low byte of flags */
    { X86_MN_SAHF, gen_SAHF },       /* SF ZF AF PF CF = ah */
    { X86_MN_CLC, gen_CLC },         /* CF = 0 */
    { X86_MN_STC, gen_STC },         /* CF = 1 */
    { X86_MN_CMC, gen_CMC },         /* CF = !CF */
    { X86_MN_CLD, gen_CLD },         /* DF = 0 */
    { X86_MN_STD, gen_STD },         /* DF = 1 */
    { X86_MN_ENTER, gen_ENTER },     /* make a stack frame */
    { X86_MN_LEAVE, gen_LEAVE },     /* rsp = rbp; pop rbp */
    { X86_MN_CBW, gen_cbw_family },  /* ax = sext(al) */
    { X86_MN_CWDE, gen_cbw_family }, /* eax = sext(ax) */
    { X86_MN_CDQE, gen_cbw_family }, /* rax = sext(eax) */
    { X86_MN_CWD, gen_cwd_family },  /* dx = sign of ax */
    { X86_MN_CDQ, gen_cwd_family },  /* edx = sign of eax */
    { X86_MN_CQO, gen_cwd_family },  /* rdx = sign of rax */
    { X86_MN_JMP, gen_JMP },         /* rip = target */
    { X86_MN_CALL, gen_CALL },       /* push next rip; rip = target */
    { X86_MN_RET, gen_RET },         /* rip = pop; rsp += imm16 */
    { X86_MN_RETF, gen_RETF },       /* rip = pop; cs = pop (0x33 only); rsp += imm16 */
    { X86_MN_JMPF, gen_JMPF },       /* rip:cs = m16:16/32/64 (cs 0x30-0x33 only) */
    { X86_MN_CALLF, gen_CALLF },     /* push cs, next rip; rip:cs = m16:16/32/64 */
    { X86_MN_IRET, gen_IRET },       /* pop rip, cs, rflags, rsp, ss */
    { X86_MN_JCC, gen_JCC },         /* if cond: rip = target */
    { X86_MN_JRCXZ, gen_JRCXZ },     /* if rcx/ecx == 0: rip = target */
    { X86_MN_LOOP, gen_LOOP },       /* if --rcx: rip = target */
    { X86_MN_LOOPE, gen_LOOPE },     /* if --rcx && ZF: rip = target */
    { X86_MN_LOOPNE, gen_LOOPNE },   /* if --rcx && !ZF: rip = target */
    { X86_MN_SETCC, gen_SETCC },     /* r/m8 = cond */
    { X86_MN_CMOVCC, gen_CMOVCC },   /* if cond: dst = src */
    { X86_MN_NOP, gen_NOP },         /* nothing */
    { X86_MN_ENDBR64, gen_NOP },     /* nothing (no CET) */
    { X86_MN_ENDBR32, gen_NOP },     /* nothing (no CET) */
    { X86_MN_PAUSE, gen_NOP },       /* spin-wait hint: nothing */
    { X86_MN_PREFETCHNTA, gen_NOP }, /* cache hints: nothing, never fault */
    { X86_MN_PREFETCHT0, gen_NOP },
    { X86_MN_PREFETCHT1, gen_NOP },
    { X86_MN_PREFETCHT2, gen_NOP },
    { X86_MN_PREFETCH, gen_NOP },
    { X86_MN_PREFETCHW, gen_NOP },
    { X86_MN_MOVNTI, gen_MOV },      /* m = r (non-temporal hint ignored) */
    { 0, NULL },
};
