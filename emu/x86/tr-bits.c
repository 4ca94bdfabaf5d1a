/*
 * emu/x86/tr-bits.c — BT BTS BTR BTC, BSF BSR, BSWAP, POPCNT LZCNT TZCNT,
 * MOVBE, the BMI1/BMI2 GPR instructions and ADCX/ADOX.
 *
 * Optional instructions check the CPU model first: without the feature they
 * are #UD, except that F3 0F BC/BD on a CPU without BMI1/LZCNT execute as
 * BSF/BSR (the F3 prefix is ignored there, as on older hardware).
 */
#include "emu/x86/tr-int2.h"
#include "emu/x86/int_helper.h"
#include "emu/x86/misc_helper.h"

/* Replace CF (bit 0 of cf) in the flags, other flags kept (EFLAGS form). */
static void set_cf_only(DisasContext *s, TCGv cf)
{
    TCGv f = tcg_temp_new(), t = tcg_temp_new();
    gen_compute_eflags(s, f);
    tcg_gen_andi_i64(f, f, ~(uint64_t)CC_C);
    tcg_gen_andi_i64(t, cf, 1);
    tcg_gen_or_i64(cpu_cc_src, f, t);
    set_cc_op(s, CC_OP_EFLAGS);
}

enum { BT_TEST, BT_SET, BT_RESET, BT_COMPL };

/*
 * BTx r/m, reg|imm.  With a memory operand and a register bit offset the
 * offset is a signed index into a bit string starting at the operand:
 * the accessed unit is at ea + (offset >> log2(bits)) * size.  Otherwise
 * the offset is taken modulo the operand width.  CF = the bit; ZF is kept,
 * OF SF AF PF (undefined) are kept too.
 */
static void gen_bt(DisasContext *s, X86Insn *insn, int kind)
{
    if (!tr2_lock_ok(s, insn, kind != BT_TEST)) {
        return;
    }
    const X86Operand *d = &insn->ops[0], *b = &insn->ops[1];
    int size = d->size, bits = size * 8, ot = tr2_ot(size);
    TCGv off = tcg_temp_new(), bitno = tcg_temp_new(), addr = NULL;
    TCGv val = tcg_temp_new();

    if (d->kind == X86_OPK_MEM && b->kind == X86_OPK_GPR) {
        TCGv unit = tcg_temp_new();
        gen_load_operand_sext(s, off, b);
        addr = gen_lea(s);
        tcg_gen_sari_i64(unit, off, 3 + ot);
        tcg_gen_shli_i64(unit, unit, ot);
        tcg_gen_add_i64(addr, addr, unit);
        if (insn->mem.addr_size == 4) {
            /* The bit-string address wraps like any 32-bit address. */
            tcg_gen_ext32u_i64(addr, addr);
        }
    } else {
        gen_load_operand(s, off, b);
        if (d->kind == X86_OPK_MEM) {
            addr = gen_lea(s);
        }
    }
    tcg_gen_andi_i64(bitno, off, bits - 1);
    bool lock = (insn->prefixes & X86_PREFIX_LOCK) != 0 && addr;
    TCGv old = NULL;
    if (addr) {
        gen_ld(s, val, addr, size, false);
        if (lock) {
            old = tcg_temp_new();
            tcg_gen_mov_i64(old, val);
        }
    } else {
        gen_load_operand(s, val, d);
    }

    TCGv cf = tcg_temp_new();
    tcg_gen_shr_i64(cf, val, bitno);
    if (kind != BT_TEST) {
        TCGv mask = tcg_temp_new();
        tcg_gen_shl_i64(mask, tcg_constant_i64(1), bitno);
        switch (kind) {
        case BT_SET:
            tcg_gen_or_i64(val, val, mask);
            break;
        case BT_RESET:
            tcg_gen_andc_i64(val, val, mask);
            break;
        default:
            tcg_gen_xor_i64(val, val, mask);
            break;
        }
        if (lock) {
            /* compare-and-swap against what was loaded, else restart */
            TCGv args[5] = { tcg_ctx()->env, addr, old, val, tcg_constant_i64(size) };
            tcg_gen_callN(&helper_info_atomic_store_cond, NULL, 5, args);
        } else {
            gen_store_operand(s, d, val, addr);
        }
    }
    set_cf_only(s, cf);
}

void gen_BT(DisasContext *s, X86Insn *insn)  { gen_bt(s, insn, BT_TEST); }
void gen_BTS(DisasContext *s, X86Insn *insn) { gen_bt(s, insn, BT_SET); }
void gen_BTR(DisasContext *s, X86Insn *insn) { gen_bt(s, insn, BT_RESET); }
void gen_BTC(DisasContext *s, X86Insn *insn) { gen_bt(s, insn, BT_COMPL); }

/*
 * BSF/BSR: a zero source leaves the destination unchanged (all 64 bits, as
 * hardware does) and sets ZF; otherwise ZF = 0.  The other flags are
 * undefined; Intel parts give CF = OF = SF = AF = 0 and PF = parity of the
 * index (PF = 1 for a zero source), i.e. a logic op on a value that is 0
 * for a zero source and index | 0x100 otherwise.
 */
static void gen_bsx(DisasContext *s, X86Insn *insn, bool reverse)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    const X86Operand *d = &insn->ops[0];
    int size = d->size;
    TCGv src = tcg_temp_new(), res = tcg_temp_new(), merged = tcg_temp_new();

    gen_load_operand(s, src, &insn->ops[1]);
    if (reverse) {
        tcg_gen_clz_i64(res, src, tcg_constant_i64(0));
        tcg_gen_xori_i64(res, res, 63);   /* 63 - clz */
    } else {
        tcg_gen_ctz_i64(res, src, tcg_constant_i64(0));
    }
    gen_merge_gpr(merged, d->reg, d->hi8, size, res);
    TCGv fl = tcg_temp_new(), zero = tcg_constant_i64(0);
    tcg_gen_ori_i64(fl, res, 0x100);
    tcg_gen_movcond_i64(TCG_COND_NE, cpu_regs[d->reg], src, zero, merged, cpu_regs[d->reg]);
    tcg_gen_movcond_i64(TCG_COND_NE, cpu_cc_dst, src, zero, fl, zero);
    set_cc_op(s, CC_OP_LOGICQ);
}

void gen_BSF(DisasContext *s, X86Insn *insn) { gen_bsx(s, insn, false); }
void gen_BSR(DisasContext *s, X86Insn *insn) { gen_bsx(s, insn, true); }

/* BSWAP r32/r64; with a 16-bit operand (undefined) the register's low word
 * becomes 0, as on Intel and AMD parts. */
void gen_BSWAP(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    const X86Operand *d = &insn->ops[0];
    TCGv r = cpu_regs[d->reg];

    switch (d->size) {
    case 8:
        tcg_gen_bswap64_i64(r, r);
        break;
    case 4:
        tcg_gen_bswap32_i64(r, r);
        break;
    default:
        gen_write_gpr(s, d->reg, false, 2, tcg_constant_i64(0));
        break;
    }
}

/* POPCNT: ZF = (source == 0), other flags clear. */
void gen_POPCNT(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    if (!x86_cpu_has(X86_FEAT_POPCNT)) {
        gen_illegal_opcode(s);
        return;
    }
    TCGv src = tcg_temp_new(), res = tcg_temp_new();
    gen_load_operand(s, src, &insn->ops[1]);
    tcg_gen_ctpop_i64(res, src);
    gen_store_operand(s, &insn->ops[0], res, NULL);
    tcg_gen_mov_i64(cpu_cc_dst, src);
    set_cc_op(s, CC_OP_POPCNT);
}

/* LZCNT/TZCNT: CF = (source == 0), ZF = (result == 0); a zero source gives
 * the operand width.  CC_OP_BMILG: CF = (src == 0), ZF/SF from dst. */
static void gen_xzcnt(DisasContext *s, X86Insn *insn, bool leading)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    const X86Operand *d = &insn->ops[0];
    int size = d->size, bits = size * 8;
    TCGv src = tcg_temp_new(), res = tcg_temp_new();

    gen_load_operand(s, src, &insn->ops[1]);
    if (leading) {
        tcg_gen_clz_i64(res, src, tcg_constant_i64(64));
        tcg_gen_subi_i64(res, res, 64 - bits);
    } else {
        tcg_gen_ctz_i64(res, src, tcg_constant_i64(bits));
    }
    gen_store_operand(s, d, res, NULL);
    tcg_gen_mov_i64(cpu_cc_dst, res);
    tcg_gen_mov_i64(cpu_cc_src, src);
    set_cc_op(s, CC_OP_BMILGB + tr2_ot(size));
}

void gen_LZCNT(DisasContext *s, X86Insn *insn)
{
    if (!x86_cpu_has(X86_FEAT_LZCNT)) {
        gen_bsx(s, insn, true);
        return;
    }
    gen_xzcnt(s, insn, true);
}

void gen_TZCNT(DisasContext *s, X86Insn *insn)
{
    if (!x86_cpu_has(X86_FEAT_BMI1)) {
        gen_bsx(s, insn, false);
        return;
    }
    gen_xzcnt(s, insn, false);
}

/* MOVBE Gv, Mv / Mv, Gv: a load or store with the bytes reversed. */
void gen_MOVBE(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    if (!x86_cpu_has(X86_FEAT_MOVBE)) {
        gen_illegal_opcode(s);
        return;
    }
    const X86Operand *d = &insn->ops[0];
    int size = d->size;
    TCGv v = tcg_temp_new();

    gen_load_operand(s, v, &insn->ops[1]);
    switch (size) {
    case 2:
        tcg_gen_bswap16_i64(v, v);
        break;
    case 4:
        tcg_gen_bswap32_i64(v, v);
        break;
    default:
        tcg_gen_bswap64_i64(v, v);
        break;
    }
    gen_store_operand(s, d, v, NULL);
}

/* ---- BMI1 / BMI2 (VEX-encoded; ops: dst, then sources in Intel order) ---- */

/* Value of source operand idx; the VEX.vvvv register if the decoder did not
 * list it. */
static TCGv bmi_src(DisasContext *s, X86Insn *insn, int idx, bool vvvv)
{
    TCGv t = tcg_temp_new();
    if (idx < insn->nb_ops) {
        gen_load_operand(s, t, &insn->ops[idx]);
    } else if (vvvv) {
        gen_ext(t, cpu_regs[insn->vex_v], insn->ops[0].size, false);
    } else {
        tcg_gen_movi_i64(t, 0);
    }
    return t;
}

static bool bmi_check(DisasContext *s, int feat)
{
    if (!x86_cpu_has(feat)) {
        gen_illegal_opcode(s);
        return false;
    }
    return true;
}

/* Result with flags as a logic op (ZF SF from it, CF = OF = 0). */
static void bmi_finish_logic(DisasContext *s, X86Insn *insn, TCGv res)
{
    gen_store_operand(s, &insn->ops[0], res, NULL);
    tcg_gen_mov_i64(cpu_cc_dst, res);
    set_cc_op(s, CC_OP_LOGICB + tr2_ot(insn->ops[0].size));
}

/* Result with CC_OP_BMILG flags: CF = (cfsrc == 0). */
static void bmi_finish_bmilg(DisasContext *s, X86Insn *insn, TCGv res, TCGv cfsrc)
{
    gen_store_operand(s, &insn->ops[0], res, NULL);
    tcg_gen_mov_i64(cpu_cc_dst, res);
    tcg_gen_mov_i64(cpu_cc_src, cfsrc);
    set_cc_op(s, CC_OP_BMILGB + tr2_ot(insn->ops[0].size));
}

/* ANDN dst, src1(vvvv), src2(r/m): dst = ~src1 & src2. */
void gen_ANDN(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    if (!bmi_check(s, X86_FEAT_BMI1)) {
        return;
    }
    TCGv a = bmi_src(s, insn, 1, true), b = bmi_src(s, insn, 2, false);
    TCGv res = tcg_temp_new();
    tcg_gen_andc_i64(res, b, a);
    bmi_finish_logic(s, insn, res);
}

/* BEXTR dst, src(r/m), ctl(vvvv): start = ctl[7:0], len = ctl[15:8]. */
void gen_BEXTR(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    if (!bmi_check(s, X86_FEAT_BMI1)) {
        return;
    }
    TCGv src = bmi_src(s, insn, 1, false), ctl = bmi_src(s, insn, 2, true);
    TCGv start = tcg_temp_new(), len = tcg_temp_new(), res = tcg_temp_new();
    TCGv mask = tcg_temp_new(), zero = tcg_constant_i64(0);

    tcg_gen_extract_i64(start, ctl, 0, 8);
    tcg_gen_extract_i64(len, ctl, 8, 8);
    tcg_gen_shr_i64(res, src, start);
    tcg_gen_movcond_i64(TCG_COND_GEU, res, start, tcg_constant_i64(64), zero, res);
    /* mask = len >= 64 ? ~0 : (1 << len) - 1 */
    tcg_gen_shl_i64(mask, tcg_constant_i64(1), len);
    tcg_gen_subi_i64(mask, mask, 1);
    tcg_gen_movcond_i64(TCG_COND_GEU, mask, len, tcg_constant_i64(64),
                        tcg_constant_i64(~0ull), mask);
    tcg_gen_and_i64(res, res, mask);
    bmi_finish_logic(s, insn, res);
}

/* BLSI dst(vvvv), src: dst = src & -src; CF = (src != 0). */
void gen_BLSI(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    if (!bmi_check(s, X86_FEAT_BMI1)) {
        return;
    }
    TCGv src = bmi_src(s, insn, 1, false), res = tcg_temp_new(), c = tcg_temp_new();
    tcg_gen_neg_i64(res, src);
    tcg_gen_and_i64(res, res, src);
    tcg_gen_setcondi_i64(TCG_COND_EQ, c, src, 0);
    bmi_finish_bmilg(s, insn, res, c);
}

/* BLSMSK: dst = src ^ (src - 1); CF = (src == 0). */
void gen_BLSMSK(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    if (!bmi_check(s, X86_FEAT_BMI1)) {
        return;
    }
    TCGv src = bmi_src(s, insn, 1, false), res = tcg_temp_new();
    tcg_gen_subi_i64(res, src, 1);
    tcg_gen_xor_i64(res, res, src);
    bmi_finish_bmilg(s, insn, res, src);
}

/* BLSR: dst = src & (src - 1); CF = (src == 0). */
void gen_BLSR(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    if (!bmi_check(s, X86_FEAT_BMI1)) {
        return;
    }
    TCGv src = bmi_src(s, insn, 1, false), res = tcg_temp_new();
    tcg_gen_subi_i64(res, src, 1);
    tcg_gen_and_i64(res, res, src);
    bmi_finish_bmilg(s, insn, res, src);
}

/* BZHI dst, src(r/m), n(vvvv): clear bits from n[7:0] up; CF = (n >= width). */
void gen_BZHI(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    if (!bmi_check(s, X86_FEAT_BMI2)) {
        return;
    }
    int bits = insn->ops[0].size * 8;
    TCGv src = bmi_src(s, insn, 1, false), ctl = bmi_src(s, insn, 2, true);
    TCGv n = tcg_temp_new(), mask = tcg_temp_new(), res = tcg_temp_new();
    TCGv inrange = tcg_temp_new();

    tcg_gen_extract_i64(n, ctl, 0, 8);
    tcg_gen_shl_i64(mask, tcg_constant_i64(1), n);
    tcg_gen_subi_i64(mask, mask, 1);
    tcg_gen_and_i64(res, src, mask);
    tcg_gen_movcond_i64(TCG_COND_GEU, res, n, tcg_constant_i64(bits), src, res);
    tcg_gen_setcondi_i64(TCG_COND_LTU, inrange, n, bits);
    bmi_finish_bmilg(s, insn, res, inrange);
}

/* PDEP/PEXT dst, src1(vvvv), mask(r/m); no flags. */
static void gen_pdx(DisasContext *s, X86Insn *insn, bool dep)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    if (!bmi_check(s, X86_FEAT_BMI2)) {
        return;
    }
    TCGv a = bmi_src(s, insn, 1, true), m = bmi_src(s, insn, 2, false);
    TCGv res = tcg_temp_new();
    tcg_gen_call2(dep ? &helper_info_pdep : &helper_info_pext, res, a, m);
    gen_store_operand(s, &insn->ops[0], res, NULL);
}

void gen_PDEP(DisasContext *s, X86Insn *insn) { gen_pdx(s, insn, true); }
void gen_PEXT(DisasContext *s, X86Insn *insn) { gen_pdx(s, insn, false); }

/* ADCX/ADOX dst, src: dst += src + CF (OF); only CF (OF) changes. */
static void gen_adx(DisasContext *s, X86Insn *insn, bool use_of)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    if (!bmi_check(s, X86_FEAT_ADX)) {
        return;
    }
    const X86Operand *d = &insn->ops[0];
    int size = d->size, bit = use_of ? 11 : 0;
    TCGv a = tcg_temp_new(), b = tcg_temp_new(), f = tcg_temp_new();
    TCGv cin = tcg_temp_new(), sum = tcg_temp_new(), cout = tcg_temp_new();

    gen_load_operand(s, b, &insn->ops[1]);
    gen_load_operand(s, a, d);
    gen_compute_eflags(s, f);
    tcg_gen_extract_i64(cin, f, bit, 1);
    if (size == 8) {
        TCGv t = tcg_temp_new();
        tcg_gen_add_i64(sum, a, b);
        tcg_gen_setcond_i64(TCG_COND_LTU, cout, sum, a);
        tcg_gen_add_i64(sum, sum, cin);
        tcg_gen_setcond_i64(TCG_COND_LTU, t, sum, cin);
        tcg_gen_or_i64(cout, cout, t);
    } else {
        tcg_gen_add_i64(sum, a, b);
        tcg_gen_add_i64(sum, sum, cin);
        tcg_gen_extract_i64(cout, sum, 32, 1);
    }
    gen_store_operand(s, d, sum, NULL);
    tcg_gen_andi_i64(f, f, ~(1ull << bit));
    tcg_gen_shli_i64(cout, cout, bit);
    tcg_gen_or_i64(cpu_cc_src, f, cout);
    set_cc_op(s, CC_OP_EFLAGS);
}

void gen_ADCX(DisasContext *s, X86Insn *insn) { gen_adx(s, insn, false); }
void gen_ADOX(DisasContext *s, X86Insn *insn) { gen_adx(s, insn, true); }
