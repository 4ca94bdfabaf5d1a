/*
 * emu/x86/tr-shift.c — SHL/SAL SHR SAR ROL ROR RCL RCR SHLD SHRD (and the
 * BMI2 SHLX/SHRX/SARX/RORX, which do not touch flags).
 *
 * Counts are masked to 5 bits (6 for 64-bit operands).  A masked count of
 * zero leaves the flags alone; the destination is still written (a 32-bit
 * register destination is zero-extended, as hardware does).  With a count
 * only known at run time the flag update is made conditional with movcond,
 * and cc_op becomes dynamic.
 *
 * Flags: SHL/SHR/SAR use CC_OP_SHLx / CC_OP_SARx (dst = result, src = the
 * value shifted by count-1: CF is its top/bottom bit, OF the sign change);
 * rotates change only CF and OF: by a constant, over a known cc_op, the
 * lazy op | CC_OP_ROT (emu/cpu.h), else CC_OP_EFLAGS.
 *
 * OF for counts other than 1 is undefined in the manual.  We reproduce what
 * Intel parts do (our CPUID vendor is GenuineIntel; checked on a Xeon): OF
 * is the OF of the first 1-bit step, computed from the original operand —
 *   SHL, ROL, RCL, SHLD: MSB(v) ^ MSB-1(v)      SHR: MSB(v)     SAR: 0
 *   ROR: MSB(v) ^ LSB(v)   RCR: MSB(v) ^ CF   SHRD: MSB(v) ^ LSB(src)
 * except ROL/ROR of a register by an immediate other than 1, which leave OF
 * unchanged.
 * SHL by a constant other than 1 keeps the value in cc_src2 (CC_OP_SHLN).
 * For SHL by CL and SHLD/SHRD that OF is not the one CC_OP_SHL/SAR derives
 * from (src, dst), so they use CC_OP_SAR with a crafted src: bit 0 = CF, top bit
 * = OF ^ SF (CC_OP_SAR reads only those two bits of src).  AF (undefined)
 * is 0.
 */
#include "emu/x86/tr-int2.h"
#include "emu/x86/int_helper.h"

/* The count operand: ops[1] (CL or an immediate); 1 if absent. */
static const X86Operand *count_op(X86Insn *insn, int idx)
{
    return insn->nb_ops > idx ? &insn->ops[idx] : NULL;
}

/*
 * Load the count masked to 5/6 bits.  Returns true and *c if it is a
 * translation-time constant.
 */
static bool load_count(DisasContext *s, const X86Operand *op, int size,
                       TCGv *cnt, uint64_t *c)
{
    uint64_t mask = size == 8 ? 63 : 31;

    if (!op) {
        *c = 1;
        *cnt = tcg_constant_i64(1);
        return true;
    }
    if (op->kind == X86_OPK_IMM) {
        *c = (uint64_t)op->imm & mask;
        *cnt = tcg_constant_i64(*c);
        return true;
    }
    TCGv t = tcg_temp_new();
    gen_load_operand(s, t, op);
    tcg_gen_andi_i64(t, t, mask);
    *cnt = t;
    return false;
}

/*
 * Set lazy flags (op, dst, src) — unconditionally when the count is a
 * constant (already known to be nonzero), else only if cnt != 0.
 */
static void set_shift_flags(DisasContext *s, CCOp op, TCGv dst, TCGv src,
                            bool is_const, TCGv cnt)
{
    if (is_const) {
        tcg_gen_mov_i64(cpu_cc_dst, dst);
        tcg_gen_mov_i64(cpu_cc_src, src);
        set_cc_op(s, op);
        return;
    }
    TCGv zero = tcg_constant_i64(0);
    gen_update_cc_op(s);
    tcg_gen_movcond_i64(TCG_COND_NE, cpu_cc_dst, cnt, zero, dst, cpu_cc_dst);
    tcg_gen_movcond_i64(TCG_COND_NE, cpu_cc_src, cnt, zero, src, cpu_cc_src);
    if (s->cc_op == CC_OP_DYNAMIC) {
        tcg_gen_movcond_i64(TCG_COND_NE, cpu_cc_op, cnt, zero,
                            tcg_constant_i64(op), cpu_cc_op);
    } else {
        tcg_gen_movcond_i64(TCG_COND_NE, cpu_cc_op, cnt, zero,
                            tcg_constant_i64(op), tcg_constant_i64(s->cc_op));
    }
    set_cc_op(s, CC_OP_DYNAMIC);
}

/* Set CF (bit 0 of cf) and OF (bit 0 of of; kept if of is NULL) in EFLAGS
 * form, other flags kept; conditional on cnt != 0 when the count is not
 * constant. */
static void set_cf_of(DisasContext *s, TCGv cf, TCGv of, bool is_const, TCGv cnt)
{
    TCGv old = tcg_temp_new(), f = tcg_temp_new(), t = tcg_temp_new();

    gen_compute_eflags(s, old);
    tcg_gen_andi_i64(f, old, ~(uint64_t)(of ? CC_C | CC_O : CC_C));
    tcg_gen_andi_i64(t, cf, 1);
    tcg_gen_or_i64(f, f, t);
    if (of) {
        tcg_gen_andi_i64(t, of, 1);
        tcg_gen_shli_i64(t, t, 11);
        tcg_gen_or_i64(f, f, t);
    }
    if (!is_const) {
        tcg_gen_movcond_i64(TCG_COND_NE, f, cnt, tcg_constant_i64(0), f, old);
    }
    tcg_gen_mov_i64(cpu_cc_src, f);
    set_cc_op(s, CC_OP_EFLAGS);
}

/* A rotate's CF (bit 0 of cf) and OF (bit 0 of of; kept if of is NULL):
 * over a known cc_op that leaves cc_src2 free, the lazy CC_OP_ROT form
 * (emu/cpu.h), a few ALU ops that are dead when the next flag writer comes
 * before any reader — the usual case (hash rounds); otherwise every flag
 * computed (set_cf_of). */
static void set_rot_flags(DisasContext *s, TCGv cf, TCGv of, bool is_const, TCGv cnt)
{
    CCOp op = s->cc_op;
    bool chained = op != CC_OP_DYNAMIC && (op & CC_OP_ROT);
    if (!is_const || (!chained && !cc_op_rot_base_ok(op))) {
        set_cf_of(s, cf, of, is_const, cnt);
        return;
    }
    uint64_t mask = of ? CC_C | CC_O : CC_C;
    TCGv v = tcg_temp_new(), t = tcg_temp_new();
    tcg_gen_andi_i64(v, cf, 1);
    if (of) {
        tcg_gen_andi_i64(t, of, 1);
        tcg_gen_shli_i64(t, t, 11);
        tcg_gen_or_i64(v, v, t);
    }
    if (chained && !of) {
        /* keep the OF (and its override) of the rotate before */
        tcg_gen_andi_i64(t, cpu_cc_src2, ~(CC_C | ((uint64_t)CC_C << 32)));
        tcg_gen_or_i64(v, v, t);
    }
    tcg_gen_ori_i64(cpu_cc_src2, v, mask << 32);
    set_cc_op(s, (CCOp)(chained ? op : (op | CC_OP_ROT)));
}

/* src for CC_OP_SAR giving CF = cf (0/1) and OF = of (0/1) with result
 * res of `bits` bits: bit 0 = CF, bit bits-1 = OF ^ sign(res). */
static TCGv craft_sar_src(TCGv cf, TCGv of, TCGv res, int bits)
{
    TCGv t = tcg_temp_new(), u = tcg_temp_new(), w = tcg_temp_new();
    TCGv out = tcg_temp_new();
    tcg_gen_extract_i64(t, res, bits - 1, 1);
    tcg_gen_xor_i64(u, t, of);
    tcg_gen_shli_i64(w, u, bits - 1);
    tcg_gen_or_i64(out, w, cf);
    return out;
}

/* (bit a of v) ^ (bit b of v), as 0/1. */
static TCGv bits_xor(TCGv v, int a, TCGv w, int b)
{
    TCGv x = tcg_temp_new(), y = tcg_temp_new(), r = tcg_temp_new();
    tcg_gen_extract_i64(x, v, a, 1);
    tcg_gen_extract_i64(y, w, b, 1);
    tcg_gen_xor_i64(r, x, y);
    return r;
}

enum { SH_SHL, SH_SHR, SH_SAR };

static void gen_shift(DisasContext *s, X86Insn *insn, int kind)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    const X86Operand *d = &insn->ops[0];
    int size = d->size, ot = tr2_ot(size);
    TCGv addr, cnt;
    uint64_t c = 0;
    TCGv val = tr2_load_rm(s, d, &addr, kind == SH_SAR);
    bool is_const = load_count(s, count_op(insn, 1), size, &cnt, &c);

    if (is_const && c == 0) {
        /* No flags change; a register destination is still written. */
        if (d->kind == X86_OPK_GPR) {
            gen_store_operand(s, d, val, addr);
        }
        return;
    }

    int bits = size * 8;
    CCOp op = CC_OP_SARB + ot;
    TCGv res = tcg_temp_new(), src = tcg_temp_new(), cm1 = tcg_temp_new();
    tcg_gen_subi_i64(cm1, cnt, 1);
    switch (kind) {
    case SH_SHL:
        tcg_gen_shl_i64(res, val, cnt);
        tcg_gen_shl_i64(src, val, cm1);
        if (is_const && c == 1) {
            op = CC_OP_SHLB + ot;   /* exact as is: OF = MSB(v) ^ MSB(res) */
        } else if (is_const) {
            op = CC_OP_SHLNB + ot;  /* OF from the value in cc_src2, lazily */
        } else {
            TCGv cf = tcg_temp_new();
            tcg_gen_extract_i64(cf, src, bits - 1, 1);
            src = craft_sar_src(cf, bits_xor(val, bits - 1, val, bits - 2), res, bits);
        }
        break;
    case SH_SHR: {
        /* src's top bit is free (CF is bit 0): make OF = MSB(v). */
        TCGv top = tcg_temp_new();
        tcg_gen_shr_i64(res, val, cnt);
        tcg_gen_shr_i64(src, val, cm1);
        tcg_gen_andi_i64(top, val, 1ull << (bits - 1));
        tcg_gen_or_i64(src, src, top);
        break;
    }
    default:
        /* sign(src) == sign(res) == sign(v): OF = 0 */
        tcg_gen_sar_i64(res, val, cnt);
        tcg_gen_sar_i64(src, val, cm1);
        break;
    }
    gen_store_operand(s, d, res, addr);
    set_shift_flags(s, op, res, src, is_const, cnt);
    if (op >= CC_OP_SHLNB && op <= CC_OP_SHLNQ) {
        tcg_gen_mov_i64(cpu_cc_src2, val);
    }
}

void gen_SHL(DisasContext *s, X86Insn *insn) { gen_shift(s, insn, SH_SHL); }
void gen_SHR(DisasContext *s, X86Insn *insn) { gen_shift(s, insn, SH_SHR); }
void gen_SAR(DisasContext *s, X86Insn *insn) { gen_shift(s, insn, SH_SAR); }

/*
 * ROL/ROR: 8- and 16-bit values are replicated across 64 bits, so a 64-bit
 * rotate by any count leaves the narrow rotation in the low bits.
 */
static void gen_rot(DisasContext *s, X86Insn *insn, bool left)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    const X86Operand *d = &insn->ops[0];
    int size = d->size, bits = size * 8;
    TCGv addr, cnt;
    uint64_t c = 0;
    TCGv val = tr2_load_rm(s, d, &addr, false);
    bool is_const = load_count(s, count_op(insn, 1), size, &cnt, &c);

    if (is_const && c == 0) {
        if (d->kind == X86_OPK_GPR) {
            gen_store_operand(s, d, val, addr);
        }
        return;
    }

    TCGv res = tcg_temp_new();
    switch (size) {
    case 1:
    case 2:
        tcg_gen_muli_i64(res, val, size == 1 ? 0x0101010101010101ull : 0x0001000100010001ull);
        left ? tcg_gen_rotl_i64(res, res, cnt) : tcg_gen_rotr_i64(res, res, cnt);
        gen_ext(res, res, size, false);
        break;
    case 4:
        left ? tcg_gen_rotl32_i64(res, val, cnt) : tcg_gen_rotr32_i64(res, val, cnt);
        break;
    default:
        left ? tcg_gen_rotl_i64(res, val, cnt) : tcg_gen_rotr_i64(res, val, cnt);
        break;
    }

    /* CF = LSB (ROL) or MSB (ROR) of the result; OF of the first step:
     * MSB(v) ^ MSB-1(v) (ROL), MSB(v) ^ LSB(v) (ROR) — except that Intel
     * parts leave OF alone for a register rotated by an immediate other
     * than 1 (the memory form computes it). */
    TCGv cf = tcg_temp_new(), of = NULL;
    bool keep_of = is_const && c != 1 && d->kind == X86_OPK_GPR;
    if (left) {
        tcg_gen_andi_i64(cf, res, 1);
        if (!keep_of) {
            of = bits_xor(val, bits - 1, val, bits - 2);
        }
    } else {
        tcg_gen_extract_i64(cf, res, bits - 1, 1);
        if (!keep_of) {
            of = bits_xor(val, bits - 1, val, 0);
        }
    }
    gen_store_operand(s, d, res, addr);
    set_rot_flags(s, cf, of, is_const, cnt);
}

void gen_ROL(DisasContext *s, X86Insn *insn) { gen_rot(s, insn, true); }
void gen_ROR(DisasContext *s, X86Insn *insn) { gen_rot(s, insn, false); }

static void gen_rc(DisasContext *s, X86Insn *insn, bool left)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    const X86Operand *d = &insn->ops[0];
    int size = d->size;
    TCGv addr, cnt;
    uint64_t c = 0;
    TCGv val = tr2_load_rm(s, d, &addr, false);
    bool is_const = load_count(s, count_op(insn, 1), size, &cnt, &c);

    if (is_const && c == 0) {
        if (d->kind == X86_OPK_GPR) {
            gen_store_operand(s, d, val, addr);
        }
        return;
    }
    TCGv flags = tcg_temp_new(), res = tcg_temp_new(), nf = tcg_temp_new();
    TCGv sz = tcg_constant_i64(size);
    gen_compute_eflags(s, flags);
    tcg_gen_call4(left ? &helper_info_rcl : &helper_info_rcr, res, val, cnt, flags, sz);
    tcg_gen_call4(left ? &helper_info_rcl_cc : &helper_info_rcr_cc, nf, val, cnt, flags, sz);
    gen_store_operand(s, d, res, addr);
    tcg_gen_mov_i64(cpu_cc_src, nf);
    set_cc_op(s, CC_OP_EFLAGS);
}

void gen_RCL(DisasContext *s, X86Insn *insn) { gen_rc(s, insn, true); }
void gen_RCR(DisasContext *s, X86Insn *insn) { gen_rc(s, insn, false); }

/*
 * SHLD/SHRD dst, src, count.  16- and 32-bit forms build one 64-bit value
 * and shift it once.  For 16-bit operands with a count above 16 (result
 * undefined per the manual) we do what Intel parts do: shift the 48-bit
 * value dst:src:dst (SHLD) / dst:src:dst read from the other end (SHRD).
 */
static void gen_shd(DisasContext *s, X86Insn *insn, bool left)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    const X86Operand *d = &insn->ops[0];
    int size = d->size, ot = tr2_ot(size);
    TCGv addr, cnt;
    uint64_t c = 0;
    TCGv val = tr2_load_rm(s, d, &addr, false);
    TCGv src = tcg_temp_new();
    gen_load_operand(s, src, &insn->ops[1]);
    bool is_const = load_count(s, count_op(insn, 2), size, &cnt, &c);

    if (is_const && c == 0) {
        if (d->kind == X86_OPK_GPR) {
            gen_store_operand(s, d, val, addr);
        }
        return;
    }

    TCGv res = tcg_temp_new(), ccs = tcg_temp_new(), cm1 = tcg_temp_new();
    TCGv x = tcg_temp_new();
    tcg_gen_subi_i64(cm1, cnt, 1);
    if (size == 8) {
        TCGv inv = tcg_temp_new(), t = tcg_temp_new();
        /* 64 - cnt, taken mod 64 by the shift op; cnt = 0 is discarded. */
        tcg_gen_neg_i64(inv, cnt);
        if (left) {
            tcg_gen_shl_i64(res, val, cnt);
            tcg_gen_shr_i64(t, src, inv);
            tcg_gen_shl_i64(ccs, val, cm1);
        } else {
            tcg_gen_shr_i64(res, val, cnt);
            tcg_gen_shl_i64(t, src, inv);
            tcg_gen_shr_i64(ccs, val, cm1);
        }
        tcg_gen_or_i64(res, res, t);
        if (!is_const) {
            /* A zero count would have or-ed in all of src. */
            tcg_gen_movcond_i64(TCG_COND_EQ, res, cnt, tcg_constant_i64(0), val, res);
        }
    } else if (left) {
        /* x = dst:src (32-bit) or dst:src:dst (16-bit), dst at bits 32+. */
        if (size == 4) {
            tcg_gen_deposit_i64(x, src, val, 32, 32);
        } else {
            tcg_gen_deposit_i64(x, val, src, 16, 16);
            tcg_gen_deposit_i64(x, x, val, 32, 16);
        }
        tcg_gen_shl_i64(res, x, cnt);
        tcg_gen_shri_i64(res, res, 32);
        tcg_gen_shl_i64(ccs, x, cm1);
        tcg_gen_shri_i64(ccs, ccs, 32);
    } else {
        /* x = src:dst (32-bit) or dst:src:dst (16-bit), dst at bit 0. */
        if (size == 4) {
            tcg_gen_deposit_i64(x, val, src, 32, 32);
        } else {
            tcg_gen_deposit_i64(x, val, src, 16, 16);
            tcg_gen_deposit_i64(x, x, val, 32, 16);
        }
        tcg_gen_shr_i64(res, x, cnt);
        tcg_gen_shr_i64(ccs, x, cm1);
    }
    /* CF from ccs (top bit for SHLD, bit 0 for SHRD); OF of the first step. */
    int bits = size * 8;
    TCGv cf = tcg_temp_new(), of;
    if (left) {
        tcg_gen_extract_i64(cf, ccs, bits - 1, 1);
        of = bits_xor(val, bits - 1, val, bits - 2);
    } else {
        tcg_gen_andi_i64(cf, ccs, 1);
        of = bits_xor(val, bits - 1, src, 0);
    }
    gen_store_operand(s, d, res, addr);
    set_shift_flags(s, CC_OP_SARB + ot, res, craft_sar_src(cf, of, res, bits), is_const, cnt);
}

void gen_SHLD(DisasContext *s, X86Insn *insn) { gen_shd(s, insn, true); }
void gen_SHRD(DisasContext *s, X86Insn *insn) { gen_shd(s, insn, false); }

/*
 * BMI2 flagless shifts (VEX): SHLX/SHRX/SARX dst, src(r/m), count(vvvv);
 * RORX dst, src(r/m), imm8.  Count masked to 5/6 bits.
 */
static void gen_shx(DisasContext *s, X86Insn *insn, int kind)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    if (!x86_cpu_has(X86_FEAT_BMI2)) {
        gen_illegal_opcode(s);
        return;
    }
    int size = insn->ops[0].size;
    TCGv val = tcg_temp_new(), cnt = tcg_temp_new(), res = tcg_temp_new();
    gen_load_operand(s, val, &insn->ops[1]);
    if (insn->nb_ops > 2) {
        gen_load_operand(s, cnt, &insn->ops[2]);
    } else {
        tcg_gen_mov_i64(cnt, cpu_regs[insn->vex_v]);
    }
    tcg_gen_andi_i64(cnt, cnt, size == 8 ? 63 : 31);
    switch (kind) {
    case SH_SHL:
        tcg_gen_shl_i64(res, val, cnt);
        break;
    case SH_SHR:
        tcg_gen_shr_i64(res, val, cnt);
        break;
    default:
        if (size == 4) {
            tcg_gen_ext32s_i64(val, val);
        }
        tcg_gen_sar_i64(res, val, cnt);
        break;
    }
    gen_store_operand(s, &insn->ops[0], res, NULL);
}

void gen_SHLX(DisasContext *s, X86Insn *insn) { gen_shx(s, insn, SH_SHL); }
void gen_SHRX(DisasContext *s, X86Insn *insn) { gen_shx(s, insn, SH_SHR); }
void gen_SARX(DisasContext *s, X86Insn *insn) { gen_shx(s, insn, SH_SAR); }

void gen_RORX(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    if (!x86_cpu_has(X86_FEAT_BMI2)) {
        gen_illegal_opcode(s);
        return;
    }
    int size = insn->ops[0].size;
    TCGv val = tcg_temp_new(), res = tcg_temp_new();
    gen_load_operand(s, val, &insn->ops[1]);
    unsigned c = (unsigned)insn->ops[2].imm & (size == 8 ? 63 : 31);
    if (size == 8) {
        tcg_gen_rotri_i64(res, val, c);
    } else {
        tcg_gen_rotr32_i64(res, val, tcg_constant_i64(c));
    }
    gen_store_operand(s, &insn->ops[0], res, NULL);
}
