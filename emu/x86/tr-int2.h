/*
 * emu/x86/tr-int2.h — shared bits of the tr-shift/muldiv/bits/string/misc
 * emitters (the "int2" family; table x86_gen_int2 in tr-int2.c).
 */
#ifndef EMU_X86_TR_INT2_H
#define EMU_X86_TR_INT2_H

#include "emu/x86/translate.h"
#include "emu/x86/cpu-model.h"

/* log2 of an operand size in bytes (1,2,4,8 -> 0..3): the CC_OP_* offset. */
static inline int tr2_ot(int size)
{
    return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
}

static inline TCGv tr2_env(void)
{
    return tcg_ctx()->env;
}

static inline TCGv tr2_ext_new(TCGv a, int size, bool sign)
{
    TCGv t = tcg_temp_new();
    gen_ext(t, a, size, sign);
    return t;
}

/*
 * Read-modify-write operand access: load op (GPR or MEM) into a new temp,
 * computing a memory address once into *addr (NULL for registers), so the
 * store can reuse it.  Memory is read here; the caller stores before it
 * writes any other state.
 */
static inline TCGv tr2_load_rm(DisasContext *s, const X86Operand *op, TCGv *addr, bool sign)
{
    TCGv v = tcg_temp_new();
    *addr = NULL;
    if (op->kind == X86_OPK_MEM) {
        *addr = gen_lea(s);
        gen_ld(s, v, *addr, op->size, sign);
    } else if (sign) {
        gen_load_operand_sext(s, v, op);
    } else {
        gen_load_operand(s, v, op);
    }
    return v;
}

/* LOCK is valid only on lockable read-modify-write forms with a memory
 * destination; otherwise #UD.  Returns false (having raised) if invalid. */
static inline bool tr2_lock_ok(DisasContext *s, X86Insn *insn, bool lockable)
{
    if ((insn->prefixes & X86_PREFIX_LOCK) &&
        !(lockable && insn->ops[0].kind == X86_OPK_MEM)) {
        gen_illegal_opcode(s);
        return false;
    }
    return true;
}

/* The r/m operand of one-operand forms (MUL, DIV, NOT-like groups): the last
 * listed operand, whether or not the decoder lists implicit ones first. */
static inline const X86Operand *tr2_rm_op(const X86Insn *insn)
{
    return &insn->ops[insn->nb_ops ? insn->nb_ops - 1 : 0];
}

/* Emitters, grouped by file. */
#define TR2_DECL(n) void gen_##n(DisasContext *s, X86Insn *insn);
/* tr-shift.c */
TR2_DECL(SHL) TR2_DECL(SHR) TR2_DECL(SAR) TR2_DECL(ROL) TR2_DECL(ROR)
TR2_DECL(RCL) TR2_DECL(RCR) TR2_DECL(SHLD) TR2_DECL(SHRD)
TR2_DECL(SARX) TR2_DECL(SHLX) TR2_DECL(SHRX) TR2_DECL(RORX)
/* tr-muldiv.c */
TR2_DECL(MUL) TR2_DECL(IMUL) TR2_DECL(DIV) TR2_DECL(IDIV) TR2_DECL(MULX)
/* tr-bits.c */
TR2_DECL(BT) TR2_DECL(BTS) TR2_DECL(BTR) TR2_DECL(BTC) TR2_DECL(BSF)
TR2_DECL(BSR) TR2_DECL(BSWAP) TR2_DECL(POPCNT) TR2_DECL(LZCNT)
TR2_DECL(TZCNT) TR2_DECL(MOVBE) TR2_DECL(ANDN) TR2_DECL(BEXTR)
TR2_DECL(BLSI) TR2_DECL(BLSMSK) TR2_DECL(BLSR) TR2_DECL(BZHI)
TR2_DECL(PDEP) TR2_DECL(PEXT) TR2_DECL(ADCX) TR2_DECL(ADOX)
/* tr-string.c */
TR2_DECL(MOVS) TR2_DECL(STOS) TR2_DECL(LODS) TR2_DECL(CMPS)
TR2_DECL(SCAS) TR2_DECL(INS) TR2_DECL(OUTS)
/* tr-misc.c */
TR2_DECL(SYSCALL) TR2_DECL(CPUID) TR2_DECL(RDTSC) TR2_DECL(RDTSCP)
TR2_DECL(INT3) TR2_DECL(INT) TR2_DECL(INT1) TR2_DECL(privileged)
TR2_DECL(UD) TR2_DECL(NOP2) TR2_DECL(FENCE) TR2_DECL(CLFLUSH)
TR2_DECL(CMPXCHG8B) TR2_DECL(CMPXCHG16B) TR2_DECL(XLAT)
TR2_DECL(RDFSBASE) TR2_DECL(RDGSBASE) TR2_DECL(WRFSBASE) TR2_DECL(WRGSBASE)
TR2_DECL(LAR) TR2_DECL(LSL) TR2_DECL(VERR) TR2_DECL(RDPID) TR2_DECL(RDRAND)
TR2_DECL(MOVNTI) TR2_DECL(XGETBV)
#undef TR2_DECL

#endif
