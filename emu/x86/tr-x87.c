/*
 * emu/x86/tr-x87.c — x87 FPU instructions.
 *
 * Every x87 instruction is one helper call (fpu_helper.h): the register
 * stack, tags and status word live in env and are not worth IR globals.
 * The translator only works out the operand form — memory kind from the
 * operand size, stack register numbers — and passes the effective address
 * for memory forms; the helpers access guest memory themselves with
 * precise faults.
 */
#include "translate.h"
#include "fpu_helper.h"
#include "cpu-model.h"

static inline TCGv env_arg(void)
{
    return tcg_ctx()->env;
}

static TCGv cst(uint64_t v)
{
    return tcg_constant_i64(v);
}

/* The memory operand of insn, or NULL. */
static const X86Operand *mem_op(X86Insn *insn)
{
    for (int i = 0; i < insn->nb_ops; i++) {
        if (insn->ops[i].kind == X86_OPK_MEM) {
            return &insn->ops[i];
        }
    }
    return NULL;
}

/* Register forms: (dst, src) stack indices.  Two operands are Intel's
 * "op ST(x), ST(y)"; one operand is ST(0) op ST(i); none is def_dst/def_src. */
static void st_operands(X86Insn *insn, int def_dst, int def_src, int *dst, int *src)
{
    int n = 0, regs[4];
    for (int i = 0; i < insn->nb_ops; i++) {
        if (insn->ops[i].kind == X86_OPK_ST) {
            regs[n++] = insn->ops[i].reg & 7;
        }
    }
    if (n >= 2) {
        *dst = regs[0];
        *src = regs[1];
    } else if (n == 1) {
        *dst = 0;
        *src = regs[0];
    } else {
        *dst = def_dst;
        *src = def_src;
    }
}

static int float_kind(int size)
{
    return size == 4 ? FKIND_F32 : size == 8 ? FKIND_F64 : FKIND_F80;
}

static int int_kind(int size)
{
    return size == 2 ? FKIND_I16 : size == 4 ? FKIND_I32 : FKIND_I64;
}

/* ---- loads and stores ---- */

static void gen_FLD(DisasContext *s, X86Insn *insn)
{
    const X86Operand *m = mem_op(insn);
    if (m) {
        tcg_gen_call3(&helper_info_fld_mem, NULL, env_arg(), gen_lea(s), cst(float_kind(m->size)));
    } else {
        int d, i;
        st_operands(insn, 0, 1, &d, &i);
        tcg_gen_call2(&helper_info_fld_st, NULL, env_arg(), cst(i));
    }
}

static void gen_FILD(DisasContext *s, X86Insn *insn)
{
    const X86Operand *m = mem_op(insn);
    if (!m) {
        gen_illegal_opcode(s);
        return;
    }
    tcg_gen_call3(&helper_info_fld_mem, NULL, env_arg(), gen_lea(s), cst(int_kind(m->size)));
}

static void gen_FBLD(DisasContext *s, X86Insn *insn)
{
    if (!mem_op(insn)) {
        gen_illegal_opcode(s);
        return;
    }
    tcg_gen_call3(&helper_info_fld_mem, NULL, env_arg(), gen_lea(s), cst(FKIND_BCD));
}

static void gen_fst(DisasContext *s, X86Insn *insn, bool pop)
{
    const X86Operand *m = mem_op(insn);
    if (m) {
        tcg_gen_call3(&helper_info_fst_mem, NULL, env_arg(), gen_lea(s),
                      cst(float_kind(m->size) | (pop ? 16 : 0)));
    } else {
        int d, i;
        st_operands(insn, 0, 1, &d, &i);
        /* FST ST(i): the single operand is the destination */
        tcg_gen_call3(&helper_info_fst_st, NULL, env_arg(), cst(insn->nb_ops >= 2 ? d : i),
                      cst(pop));
    }
}

static void gen_FST(DisasContext *s, X86Insn *insn) { gen_fst(s, insn, false); }
static void gen_FSTP(DisasContext *s, X86Insn *insn) { gen_fst(s, insn, true); }

static void gen_fist(DisasContext *s, X86Insn *insn, int kind_base, bool pop)
{
    const X86Operand *m = mem_op(insn);
    int kind;
    if (!m) {
        gen_illegal_opcode(s);
        return;
    }
    if (kind_base == FKIND_TI16) {
        kind = m->size == 2 ? FKIND_TI16 : m->size == 4 ? FKIND_TI32 : FKIND_TI64;
    } else {
        kind = int_kind(m->size);
    }
    tcg_gen_call3(&helper_info_fst_mem, NULL, env_arg(), gen_lea(s), cst(kind | (pop ? 16 : 0)));
}

static void gen_FIST(DisasContext *s, X86Insn *insn) { gen_fist(s, insn, FKIND_I16, false); }
static void gen_FISTP(DisasContext *s, X86Insn *insn) { gen_fist(s, insn, FKIND_I16, true); }

/* FISTTP came with SSE3. */
static void gen_FISTTP(DisasContext *s, X86Insn *insn)
{
    if (!x86_cpu_has(X86_FEAT_SSE3)) {
        gen_illegal_opcode(s);
        return;
    }
    gen_fist(s, insn, FKIND_TI16, true);
}

static void gen_FBSTP(DisasContext *s, X86Insn *insn)
{
    if (!mem_op(insn)) {
        gen_illegal_opcode(s);
        return;
    }
    tcg_gen_call3(&helper_info_fst_mem, NULL, env_arg(), gen_lea(s), cst(FKIND_BCD | 16));
}

/* ---- arithmetic ---- */

/* op with float memory, integer memory (int_mem) or register operands;
 * def_dst/def_src for the operand-less register forms (FADDP = ST(1), ST(0)). */
static void gen_farith(DisasContext *s, X86Insn *insn, int op, bool pop, bool int_mem)
{
    const X86Operand *m = mem_op(insn);
    if (m) {
        int kind = int_mem ? int_kind(m->size) : float_kind(m->size);
        if (pop && op != FOP_COMP) {
            gen_illegal_opcode(s);
            return;
        }
        tcg_gen_call3(&helper_info_farith_mem, NULL, env_arg(), gen_lea(s),
                      cst(op | (kind << 4)));
    } else if (int_mem) {
        gen_illegal_opcode(s);
    } else {
        int d, i;
        if (op == FOP_COM || op == FOP_COMP) {
            st_operands(insn, 0, 1, &d, &i);
            if (insn->nb_ops >= 2) {
                i = insn->ops[1].reg & 7;
            }
            d = 0;
        } else {
            st_operands(insn, pop ? 1 : 0, pop ? 0 : 1, &d, &i);
        }
        tcg_gen_call2(&helper_info_farith, NULL, env_arg(),
                      cst(op | (d << 4) | (i << 8) | ((pop ? 1 : 0) << 12)));
    }
}

#define ARITH(NAME, OP, POP, INT) \
    static void gen_##NAME(DisasContext *s, X86Insn *insn) { gen_farith(s, insn, OP, POP, INT); }
ARITH(FADD, FOP_ADD, false, false)
ARITH(FADDP, FOP_ADD, true, false)
ARITH(FIADD, FOP_ADD, false, true)
ARITH(FMUL, FOP_MUL, false, false)
ARITH(FMULP, FOP_MUL, true, false)
ARITH(FIMUL, FOP_MUL, false, true)
ARITH(FSUB, FOP_SUB, false, false)
ARITH(FSUBP, FOP_SUB, true, false)
ARITH(FISUB, FOP_SUB, false, true)
ARITH(FSUBR, FOP_SUBR, false, false)
ARITH(FSUBRP, FOP_SUBR, true, false)
ARITH(FISUBR, FOP_SUBR, false, true)
ARITH(FDIV, FOP_DIV, false, false)
ARITH(FDIVP, FOP_DIV, true, false)
ARITH(FIDIV, FOP_DIV, false, true)
ARITH(FDIVR, FOP_DIVR, false, false)
ARITH(FDIVRP, FOP_DIVR, true, false)
ARITH(FIDIVR, FOP_DIVR, false, true)
ARITH(FCOM, FOP_COM, false, false)
ARITH(FCOMP, FOP_COMP, true, false)
ARITH(FICOM, FOP_COM, false, true)
ARITH(FICOMP, FOP_COMP, true, true)

/* FUCOM/FUCOMP ST(i): unordered compare (default ST(1)). */
static void gen_fucom(DisasContext *s, X86Insn *insn, int pops)
{
    int d, i;
    st_operands(insn, 0, 1, &d, &i);
    if (insn->nb_ops >= 2) {
        i = insn->ops[1].reg & 7;
    }
    tcg_gen_call2(&helper_info_fcom_st, NULL, env_arg(), cst(i | (pops << 4) | (1 << 6)));
}

static void gen_FUCOM(DisasContext *s, X86Insn *insn) { gen_fucom(s, insn, 0); }
static void gen_FUCOMP(DisasContext *s, X86Insn *insn) { gen_fucom(s, insn, 1); }

/* F(U)COMI(P) ST(0), ST(i): ZF/PF/CF from the compare, OF/SF/AF clear. */
static void gen_fcomi(DisasContext *s, X86Insn *insn, bool pop, bool unordered)
{
    int d, i;
    TCGv flags = tcg_temp_new();
    st_operands(insn, 0, 1, &d, &i);
    if (insn->nb_ops >= 2) {
        i = insn->ops[1].reg & 7;
    }
    tcg_gen_call2(&helper_info_fcomi, flags, env_arg(),
                  cst(i | ((pop ? 1 : 0) << 4) | ((unordered ? 1 : 0) << 6)));
    tcg_gen_mov_i64(cpu_cc_src, flags);
    set_cc_op(s, CC_OP_EFLAGS);
}

static void gen_FCOMI(DisasContext *s, X86Insn *insn) { gen_fcomi(s, insn, false, false); }
static void gen_FCOMIP(DisasContext *s, X86Insn *insn) { gen_fcomi(s, insn, true, false); }
static void gen_FUCOMI(DisasContext *s, X86Insn *insn) { gen_fcomi(s, insn, false, true); }
static void gen_FUCOMIP(DisasContext *s, X86Insn *insn) { gen_fcomi(s, insn, true, true); }

/* FCMOVcc ST(0), ST(i): the condition is evaluated on the lazy flags. */
static void gen_FCMOVCC(DisasContext *s, X86Insn *insn)
{
    int d, i;
    TCGv c = tcg_temp_new();
    st_operands(insn, 0, 1, &d, &i);
    if (insn->nb_ops >= 2) {
        i = insn->ops[1].reg & 7;
    }
    gen_setcc(s, insn->cond, c);
    tcg_gen_call3(&helper_info_fcmov, NULL, env_arg(), cst(i), c);
}

static void gen_FXCH(DisasContext *s, X86Insn *insn)
{
    int d, i;
    st_operands(insn, 0, 1, &d, &i);
    if (insn->nb_ops >= 2) {
        i = d ? d : insn->ops[1].reg & 7;
    }
    tcg_gen_call2(&helper_info_fxch, NULL, env_arg(), cst(i));
}

static void gen_ffree(DisasContext *s, X86Insn *insn, bool pop)
{
    int d, i;
    st_operands(insn, 0, 0, &d, &i);
    tcg_gen_call3(&helper_info_ffree, NULL, env_arg(), cst(i), cst(pop));
}

static void gen_FFREE(DisasContext *s, X86Insn *insn) { gen_ffree(s, insn, false); }
static void gen_FFREEP(DisasContext *s, X86Insn *insn) { gen_ffree(s, insn, true); }

/* ---- operand-less instructions ---- */

static void gen_fspecial(DisasContext *s, int op)
{
    tcg_gen_call2(&helper_info_fspecial, NULL, env_arg(), cst(op));
}

#define SPECIAL(NAME, OP) \
    static void gen_##NAME(DisasContext *s, X86Insn *insn) { gen_fspecial(s, OP); }
SPECIAL(FCHS, FSP_CHS)
SPECIAL(FABS, FSP_ABS)
SPECIAL(FTST, FSP_TST)
SPECIAL(FXAM, FSP_XAM)
SPECIAL(F2XM1, FSP_F2XM1)
SPECIAL(FYL2X, FSP_YL2X)
SPECIAL(FPTAN, FSP_PTAN)
SPECIAL(FPATAN, FSP_PATAN)
SPECIAL(FXTRACT, FSP_XTRACT)
SPECIAL(FPREM1, FSP_PREM1)
SPECIAL(FDECSTP, FSP_DECSTP)
SPECIAL(FINCSTP, FSP_INCSTP)
SPECIAL(FPREM, FSP_PREM)
SPECIAL(FYL2XP1, FSP_YL2XP1)
SPECIAL(FSQRT, FSP_SQRT)
SPECIAL(FSINCOS, FSP_SINCOS)
SPECIAL(FRNDINT, FSP_RNDINT)
SPECIAL(FSCALE, FSP_SCALE)
SPECIAL(FSIN, FSP_SIN)
SPECIAL(FCOS, FSP_COS)
SPECIAL(FLD1, FSP_LD1)
SPECIAL(FLDL2T, FSP_LDL2T)
SPECIAL(FLDL2E, FSP_LDL2E)
SPECIAL(FLDPI, FSP_LDPI)
SPECIAL(FLDLG2, FSP_LDLG2)
SPECIAL(FLDLN2, FSP_LDLN2)
SPECIAL(FLDZ, FSP_LDZ)
/* D9 D0 FNOP waits for pending exceptions; the DB E0/E1/E4 no-ops
 * (FNENI, FNDISI, FNSETPM) are non-waiting: nothing to do. */
static void gen_FNOP(DisasContext *s, X86Insn *insn)
{
    if (insn->opcode == 0xdb) {
        return;
    }
    gen_fspecial(s, FSP_NOP);
}
SPECIAL(FWAIT, FSP_WAIT)
SPECIAL(FNINIT, FSP_NINIT)
SPECIAL(FNCLEX, FSP_NCLEX)
SPECIAL(FCOMPP, FSP_COMPP)
SPECIAL(FUCOMPP, FSP_UCOMPP)

/* ---- control, status, environment ---- */

static void gen_FNSTSW(DisasContext *s, X86Insn *insn)
{
    TCGv v = tcg_temp_new();
    const X86Operand *m = mem_op(insn);

    tcg_gen_call1(&helper_info_fnstsw, v, env_arg());
    if (m) {
        gen_st(s, v, gen_lea(s), 2);
    } else {
        gen_write_gpr(s, R_EAX, false, 2, v);
    }
}

static void gen_FNSTCW(DisasContext *s, X86Insn *insn)
{
    TCGv v = tcg_temp_new();
    if (!mem_op(insn)) {
        gen_illegal_opcode(s);
        return;
    }
    TCGv addr = gen_lea(s);
    tcg_gen_call1(&helper_info_fnstcw, v, env_arg());
    gen_st(s, v, addr, 2);
}

static void gen_FLDCW(DisasContext *s, X86Insn *insn)
{
    TCGv v = tcg_temp_new();
    if (!mem_op(insn)) {
        gen_illegal_opcode(s);
        return;
    }
    /* FLDCW waits: a pending unmasked exception is #MF before the load
     * can fault */
    gen_fspecial(s, FSP_WAIT);
    gen_ld(s, v, gen_lea(s), 2, false);
    tcg_gen_call2(&helper_info_fldcw, NULL, env_arg(), v);
}

/* The 16-bit environment layout: a 66 prefix without REX.W (REX.W wins,
 * giving the 32-bit layout, as for any operand size). */
static bool env16(const X86Insn *insn)
{
    return (insn->prefixes & X86_PREFIX_DATA) && !(insn->rex & 8);
}

#define ENVOP(NAME, HELPER, ARG)                                            \
    static void gen_##NAME(DisasContext *s, X86Insn *insn)                  \
    {                                                                       \
        if (!mem_op(insn)) {                                                \
            gen_illegal_opcode(s);                                          \
            return;                                                         \
        }                                                                   \
        tcg_gen_call3(&helper_info_##HELPER, NULL, env_arg(), gen_lea(s), cst(ARG)); \
    }
ENVOP(FNSTENV, fnstenv, env16(insn))
ENVOP(FLDENV, fldenv, env16(insn))
ENVOP(FNSAVE, fnsave, env16(insn))
ENVOP(FRSTOR, frstor, env16(insn))
ENVOP(FXSAVE, fxsave, (insn->rex & 8) != 0)
ENVOP(FXRSTOR, fxrstor, (insn->rex & 8) != 0)

const X86GenEntry x86_gen_x87[] = {
    { X86_MN_FLD, gen_FLD },          /* push m32/m64/m80 or ST(i) */
    { X86_MN_FILD, gen_FILD },        /* push integer m16/m32/m64 */
    { X86_MN_FBLD, gen_FBLD },        /* push packed BCD m80 */
    { X86_MN_FST, gen_FST },          /* m32/m64/ST(i) = ST(0) */
    { X86_MN_FSTP, gen_FSTP },        /* ... and pop (also m80) */
    { X86_MN_FIST, gen_FIST },        /* m16/m32 = round(ST(0)) */
    { X86_MN_FISTP, gen_FISTP },      /* ... and pop (also m64) */
    { X86_MN_FISTTP, gen_FISTTP },    /* m16/m32/m64 = trunc(ST(0)), pop */
    { X86_MN_FBSTP, gen_FBSTP },      /* m80 = BCD(ST(0)), pop */
    { X86_MN_FADD, gen_FADD },        /* dst += src */
    { X86_MN_FADDP, gen_FADDP },      /* ST(i) += ST(0), pop */
    { X86_MN_FIADD, gen_FIADD },      /* ST(0) += int */
    { X86_MN_FMUL, gen_FMUL },
    { X86_MN_FMULP, gen_FMULP },
    { X86_MN_FIMUL, gen_FIMUL },
    { X86_MN_FSUB, gen_FSUB },        /* dst -= src */
    { X86_MN_FSUBP, gen_FSUBP },
    { X86_MN_FISUB, gen_FISUB },
    { X86_MN_FSUBR, gen_FSUBR },      /* dst = src - dst */
    { X86_MN_FSUBRP, gen_FSUBRP },
    { X86_MN_FISUBR, gen_FISUBR },
    { X86_MN_FDIV, gen_FDIV },        /* dst /= src */
    { X86_MN_FDIVP, gen_FDIVP },
    { X86_MN_FIDIV, gen_FIDIV },
    { X86_MN_FDIVR, gen_FDIVR },      /* dst = src / dst */
    { X86_MN_FDIVRP, gen_FDIVRP },
    { X86_MN_FIDIVR, gen_FIDIVR },
    { X86_MN_FCOM, gen_FCOM },        /* C3,C2,C0 = compare ST(0), src */
    { X86_MN_FCOMP, gen_FCOMP },
    { X86_MN_FCOMPP, gen_FCOMPP },
    { X86_MN_FICOM, gen_FICOM },
    { X86_MN_FICOMP, gen_FICOMP },
    { X86_MN_FUCOM, gen_FUCOM },      /* quiet compare */
    { X86_MN_FUCOMP, gen_FUCOMP },
    { X86_MN_FUCOMPP, gen_FUCOMPP },
    { X86_MN_FCOMI, gen_FCOMI },      /* ZF,PF,CF = compare ST(0), ST(i) */
    { X86_MN_FCOMIP, gen_FCOMIP },
    { X86_MN_FUCOMI, gen_FUCOMI },
    { X86_MN_FUCOMIP, gen_FUCOMIP },
    { X86_MN_FCMOVCC, gen_FCMOVCC },  /* if cond: ST(0) = ST(i) */
    { X86_MN_FXCH, gen_FXCH },        /* swap ST(0), ST(i) */
    { X86_MN_FFREE, gen_FFREE },      /* tag ST(i) empty */
    { X86_MN_FFREEP, gen_FFREEP },    /* ... and pop */
    { X86_MN_FCHS, gen_FCHS },        /* ST(0) = -ST(0) */
    { X86_MN_FABS, gen_FABS },        /* ST(0) = |ST(0)| */
    { X86_MN_FTST, gen_FTST },        /* compare ST(0) with 0.0 */
    { X86_MN_FXAM, gen_FXAM },        /* classify ST(0) into C3,C2,C0 (C1 = sign) */
    { X86_MN_F2XM1, gen_F2XM1 },      /* ST(0) = 2^ST(0) - 1 */
    { X86_MN_FYL2X, gen_FYL2X },      /* ST(1) *= log2(ST(0)), pop */
    { X86_MN_FPTAN, gen_FPTAN },      /* ST(0) = tan, push 1.0 */
    { X86_MN_FPATAN, gen_FPATAN },    /* ST(1) = atan(ST(1)/ST(0)), pop */
    { X86_MN_FXTRACT, gen_FXTRACT },  /* ST(0) = exponent, push significand */
    { X86_MN_FPREM1, gen_FPREM1 },    /* IEEE partial remainder */
    { X86_MN_FDECSTP, gen_FDECSTP },  /* TOP-- */
    { X86_MN_FINCSTP, gen_FINCSTP },  /* TOP++ */
    { X86_MN_FPREM, gen_FPREM },      /* partial remainder (truncating) */
    { X86_MN_FYL2XP1, gen_FYL2XP1 },  /* ST(1) *= log2(ST(0) + 1), pop */
    { X86_MN_FSQRT, gen_FSQRT },
    { X86_MN_FSINCOS, gen_FSINCOS },  /* ST(0) = sin, push cos */
    { X86_MN_FRNDINT, gen_FRNDINT },  /* round to integer per RC */
    { X86_MN_FSCALE, gen_FSCALE },    /* ST(0) *= 2^trunc(ST(1)) */
    { X86_MN_FSIN, gen_FSIN },
    { X86_MN_FCOS, gen_FCOS },
    { X86_MN_FLD1, gen_FLD1 },        /* push constants (rounded per RC) */
    { X86_MN_FLDL2T, gen_FLDL2T },
    { X86_MN_FLDL2E, gen_FLDL2E },
    { X86_MN_FLDPI, gen_FLDPI },
    { X86_MN_FLDLG2, gen_FLDLG2 },
    { X86_MN_FLDLN2, gen_FLDLN2 },
    { X86_MN_FLDZ, gen_FLDZ },
    { X86_MN_FNOP, gen_FNOP },
    { X86_MN_FWAIT, gen_FWAIT },      /* raise a pending unmasked exception */
    { X86_MN_FNINIT, gen_FNINIT },    /* reset the FPU */
    { X86_MN_FNCLEX, gen_FNCLEX },    /* clear exception flags */
    { X86_MN_FNSTSW, gen_FNSTSW },    /* AX or m16 = status word */
    { X86_MN_FNSTCW, gen_FNSTCW },    /* m16 = control word */
    { X86_MN_FLDCW, gen_FLDCW },      /* control word = m16 */
    { X86_MN_FNSTENV, gen_FNSTENV },  /* m14/m28 = environment; mask all */
    { X86_MN_FLDENV, gen_FLDENV },
    { X86_MN_FNSAVE, gen_FNSAVE },    /* m94/m108 = state; FNINIT */
    { X86_MN_FRSTOR, gen_FRSTOR },
    { X86_MN_FXSAVE, gen_FXSAVE },    /* m512 = x87 + SSE state */
    { X86_MN_FXRSTOR, gen_FXRSTOR },
    { 0, NULL }
};
