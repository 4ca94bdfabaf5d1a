/*
 * emu/x86/translate.c — the x86 front end: TB loop hooks, operand access,
 * lazy flags, control flow and exceptions.  The per-mnemonic emitters live
 * in tr-*.c and are found through the tables listed in translate.h.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "emu/x86/translate.h"
#include "emu/x86/cc_helper.h"
#include "emu/log.h"
#include "softmmu/softmmu.h"

/* IR globals: per thread, because each thread has its own TCGContext. */
__thread TCGv cpu_regs[16];
__thread TCGv cpu_rip, cpu_cc_dst, cpu_cc_src, cpu_cc_src2, cpu_cc_op;
__thread TCGv cpu_df, cpu_eflags, cpu_fs_base, cpu_gs_base;
__thread TCGv cpu_xmm[16][4];
__thread TCGv cpu_mxcsr;
__thread TCGv cpu_vtmp[4];

static __thread bool x86_tr_initialized;

/* Dispatch: mnemonic -> emitter, filled once from the family tables. */
static X86GenFn x86_dispatch[X86_MN_NB];
static GOnce x86_dispatch_once = G_ONCE_INIT;

static const X86GenEntry *const x86_gen_tables[] = {
    x86_gen_int, x86_gen_int2, x86_gen_sse, x86_gen_sse4, x86_gen_avx, x86_gen_x87,
};

static gpointer x86_dispatch_build(gpointer unused)
{
    for (size_t t = 0; t < G_N_ELEMENTS(x86_gen_tables); t++) {
        for (const X86GenEntry *e = x86_gen_tables[t]; e->fn; e++) {
            if (e->mnemonic < X86_MN_NB && e->mnemonic != X86_MN_UNKNOWN) {
                x86_dispatch[e->mnemonic] = e->fn;
            }
        }
    }
    return NULL;
}

void x86_translate_init(void)
{
    static const char *const reg_names[16] = {
        "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
    };
    static char xmm_names[16][4][12];

    g_once(&x86_dispatch_once, x86_dispatch_build, NULL);
    if (x86_tr_initialized) {
        return;
    }
    x86_tr_initialized = true;

    tcg_context_init();
    for (int i = 0; i < 16; i++) {
        cpu_regs[i] = tcg_global_slot(ENV_SLOT(regs[i]), reg_names[i]);
    }
    cpu_rip = tcg_global_slot(ENV_SLOT(rip), "rip");
    cpu_cc_dst = tcg_global_slot(ENV_SLOT(cc_dst), "cc_dst");
    cpu_cc_src = tcg_global_slot(ENV_SLOT(cc_src), "cc_src");
    cpu_cc_src2 = tcg_global_slot(ENV_SLOT(cc_src2), "cc_src2");
    cpu_cc_op = tcg_global_slot(ENV_SLOT(cc_op), "cc_op");
    cpu_df = tcg_global_slot(ENV_SLOT(df), "df");
    cpu_eflags = tcg_global_slot(ENV_SLOT(eflags), "eflags");
    cpu_fs_base = tcg_global_slot(ENV_SLOT(fs_base), "fs_base");
    cpu_gs_base = tcg_global_slot(ENV_SLOT(gs_base), "gs_base");
    for (int r = 0; r < 16; r++) {
        for (int i = 0; i < 4; i++) {
            /* Names are written identically by every thread: no race in effect. */
            snprintf(xmm_names[r][i], sizeof(xmm_names[r][i]), "xmm%d_%d", r, i);
            cpu_xmm[r][i] = tcg_global_slot(ENV_SLOT(xmm[r].q[i]), xmm_names[r][i]);
        }
    }
    cpu_mxcsr = tcg_global_slot(ENV_SLOT(mxcsr), "mxcsr");
    for (int i = 0; i < 4; i++) {
        static const char *const vtmp_names[4] = { "vtmp_0", "vtmp_1", "vtmp_2", "vtmp_3" };
        cpu_vtmp[i] = tcg_global_slot(ENV_SLOT(vtmp.q[i]), vtmp_names[i]);
    }
    tr_string_init();
}

static inline TCGv tcg_env(void)
{
    return tcg_ctx()->env;
}

/* ---- exception helpers ---- */

/* Raise excp with rip already set by generated code; fills the signal
 * details linux-user turns into the guest's siginfo. */
void helper_raise_exception(CPUX86State *env, uint64_t excp, uint64_t unimp)
{
    env->ud_unimplemented = false;
    env->fault_addr = 0;
    switch (excp) {
    case EXCP_UD:
        env->fault_signo = SIGILL;
        env->fault_code = ILL_ILLOPN;
        env->fault_addr = env->rip;
        env->ud_unimplemented = unimp != 0;
        break;
    case EXCP_GP:
    case EXCP_HLT:
        env->fault_signo = SIGSEGV;
        env->fault_code = SI_KERNEL;
        break;
    case EXCP_BP:
        env->fault_signo = SIGTRAP;
        env->fault_code = SI_KERNEL;
        break;
    case EXCP_DE:
        env->fault_signo = SIGFPE;
        env->fault_code = FPE_INTDIV;
        env->fault_addr = env->rip;
        break;
    default:
        break;
    }
    cpu_loop_exit(env, (int)excp);
}
static HELPER_INFO(raise_exception, TCG_CALL_NO_RETURN, 3, false);

/* Instruction bytes at addr cannot be fetched: SIGSEGV at addr.  MAPERR
 * if nothing is mapped there, ACCERR if it is mapped but not executable. */
void helper_raise_fetch_fault(CPUX86State *env, uint64_t addr)
{
    int code = mm_access_ok(addr, 1, 0) ? SEGV_ACCERR : SEGV_MAPERR;
    cpu_loop_exit_fault(env, EXCP_PF, SIGSEGV, code, addr);
}
static HELPER_INFO(raise_fetch_fault, TCG_CALL_NO_RETURN, 2, false);

/* ---- flags ---- */

void set_cc_op(DisasContext *s, CCOp op)
{
    s->cc_srcT = NULL;     /* this instruction's flags replace the last one's */
    if (s->cc_op == op) {
        return;
    }
    /* CC_OP_DYNAMIC: the emitter stored cpu_cc_op itself. */
    s->cc_op_dirty = op != CC_OP_DYNAMIC;
    s->cc_op = op;
}

void gen_update_cc_op(DisasContext *s)
{
    if (s->cc_op_dirty) {
        tcg_gen_movi_i64(cpu_cc_op, s->cc_op);
        s->cc_op_dirty = false;
    }
}

static TCGv cc_op_value(DisasContext *s)
{
    return s->cc_op == CC_OP_DYNAMIC ? cpu_cc_op : tcg_constant_i64(s->cc_op);
}

void gen_compute_eflags(DisasContext *s, TCGv dst)
{
    switch (s->cc_op) {
    case CC_OP_EFLAGS:
        tcg_gen_andi_i64(dst, cpu_cc_src, CC_ARITH_MASK);
        return;
    case CC_OP_CLR:
        tcg_gen_movi_i64(dst, CC_Z | CC_P);
        return;
    default:
        tcg_gen_call4(&helper_info_cc_compute_all, dst, cpu_cc_dst, cpu_cc_src,
                      cpu_cc_src2, cc_op_value(s));
        return;
    }
}

/* Size in bytes of a sized CC op, 0 if unsized. */
static int cc_op_bytes(CCOp op, CCOp base)
{
    return 1 << cc_op_size(op, base);
}

/* d = a zero- or sign-extended from size bytes. */
void gen_ext(TCGv d, TCGv a, int size, bool sign)
{
    switch (size) {
    case 1:
        sign ? tcg_gen_ext8s_i64(d, a) : tcg_gen_ext8u_i64(d, a);
        break;
    case 2:
        sign ? tcg_gen_ext16s_i64(d, a) : tcg_gen_ext16u_i64(d, a);
        break;
    case 4:
        sign ? tcg_gen_ext32s_i64(d, a) : tcg_gen_ext32u_i64(d, a);
        break;
    default:
        tcg_gen_mov_i64(d, a);
        break;
    }
}

static TCGv ext_new(TCGv a, int size, bool sign)
{
    if (size == 8) {
        return a;
    }
    TCGv t = tcg_temp_new();
    gen_ext(t, a, size, sign);
    return t;
}

void gen_compute_eflags_c(DisasContext *s, TCGv dst)
{
    CCOp op = s->cc_op;
    int size;

    if (op != CC_OP_DYNAMIC && (op & CC_OP_ROT)) {
        tcg_gen_andi_i64(dst, cpu_cc_src2, CC_C);   /* a rotate's CF */
    } else if (op >= CC_OP_ADDB && op <= CC_OP_ADDQ) {
        size = cc_op_bytes(op, CC_OP_ADDB);
        tcg_gen_setcond_i64(TCG_COND_LTU, dst, ext_new(cpu_cc_dst, size, false),
                            ext_new(cpu_cc_src, size, false));
    } else if (op >= CC_OP_SUBB && op <= CC_OP_SUBQ) {
        size = cc_op_bytes(op, CC_OP_SUBB);
        TCGv src1 = s->cc_srcT;
        if (src1 == NULL || s->cc_srcT_op != op) {
            src1 = tcg_temp_new();
            tcg_gen_add_i64(src1, cpu_cc_dst, cpu_cc_src);
        }
        tcg_gen_setcond_i64(TCG_COND_LTU, dst, ext_new(src1, size, false),
                            ext_new(cpu_cc_src, size, false));
    } else if ((op >= CC_OP_ADCB && op <= CC_OP_ADCQ) || (op >= CC_OP_SBBB && op <= CC_OP_SBBQ)) {
        /* a + b + cin = d carries iff d < b, or d == b with cin;
         * a - b - bin = d borrows iff a < b, or a == b with bin. */
        bool adc = op <= CC_OP_ADCQ;
        size = cc_op_bytes(op, adc ? CC_OP_ADCB : CC_OP_SBBB);
        TCGv x = tcg_temp_new(), lt = tcg_temp_new(), eq = tcg_temp_new();
        if (adc) {
            tcg_gen_mov_i64(x, cpu_cc_dst);
        } else {
            tcg_gen_add_i64(x, cpu_cc_dst, cpu_cc_src);
            tcg_gen_add_i64(x, x, cpu_cc_src2);
        }
        x = ext_new(x, size, false);
        TCGv b = ext_new(cpu_cc_src, size, false);
        tcg_gen_setcond_i64(TCG_COND_LTU, lt, x, b);
        tcg_gen_setcond_i64(TCG_COND_EQ, eq, x, b);
        tcg_gen_and_i64(eq, eq, cpu_cc_src2);
        tcg_gen_or_i64(dst, lt, eq);
    } else if ((op >= CC_OP_LOGICB && op <= CC_OP_LOGICQ) || op == CC_OP_CLR ||
               op == CC_OP_POPCNT) {
        tcg_gen_movi_i64(dst, 0);
    } else if (op >= CC_OP_INCB && op <= CC_OP_DECQ) {
        tcg_gen_andi_i64(dst, cpu_cc_src, 1);
    } else if (op == CC_OP_EFLAGS) {
        tcg_gen_andi_i64(dst, cpu_cc_src, CC_C);
    } else if (op >= CC_OP_SHLB && op <= CC_OP_SHLQ) {
        size = cc_op_bytes(op, CC_OP_SHLB);
        tcg_gen_extract_i64(dst, cpu_cc_src, size * 8 - 1, 1);
    } else if (op >= CC_OP_SHLNB && op <= CC_OP_SHLNQ) {
        size = cc_op_bytes(op, CC_OP_SHLNB);
        tcg_gen_extract_i64(dst, cpu_cc_src, size * 8 - 1, 1);
    } else if (op >= CC_OP_SARB && op <= CC_OP_SARQ) {
        tcg_gen_andi_i64(dst, cpu_cc_src, 1);
    } else {
        tcg_gen_call4(&helper_info_cc_compute_c, dst, cpu_cc_dst, cpu_cc_src,
                      cpu_cc_src2, cc_op_value(s));
    }
}

/* A condition as a comparison: holds iff cond(a, b). */
typedef struct CCPrepare {
    TCGCond cond;
    TCGv a, b;
} CCPrepare;

static CCPrepare ccp(TCGCond cond, TCGv a, TCGv b)
{
    return (CCPrepare){ cond, a, b };
}

static CCPrepare ccp_imm(TCGCond cond, TCGv a, uint64_t b)
{
    return (CCPrepare){ cond, a, tcg_constant_i64(b) };
}

/* Conditions on an RFLAGS-form value f (arithmetic bits in place). */
static CCPrepare prepare_from_eflags(TCGv f, int jcc_base)
{
    TCGv t;

    switch (jcc_base) {
    case 0:  /* O */
        return ccp_imm(TCG_COND_TSTNE, f, CC_O);
    case 1:  /* B */
        return ccp_imm(TCG_COND_TSTNE, f, CC_C);
    case 2:  /* E */
        return ccp_imm(TCG_COND_TSTNE, f, CC_Z);
    case 3:  /* BE */
        return ccp_imm(TCG_COND_TSTNE, f, CC_C | CC_Z);
    case 4:  /* S */
        return ccp_imm(TCG_COND_TSTNE, f, CC_S);
    case 5:  /* P */
        return ccp_imm(TCG_COND_TSTNE, f, CC_P);
    case 6:  /* L: SF != OF; OF (bit 11) shifted onto SF (bit 7) */
        t = tcg_temp_new();
        tcg_gen_shri_i64(t, f, 4);
        tcg_gen_xor_i64(t, t, f);
        return ccp_imm(TCG_COND_TSTNE, t, CC_S);
    default: /* LE: ZF or SF != OF */
        t = tcg_temp_new();
        tcg_gen_shri_i64(t, f, 4);
        tcg_gen_xor_i64(t, t, f);
        tcg_gen_andi_i64(t, t, CC_S);
        {
            TCGv z = tcg_temp_new();
            tcg_gen_andi_i64(z, f, CC_Z);
            tcg_gen_or_i64(t, t, z);
        }
        return ccp_imm(TCG_COND_TSTNE, t, CC_S | CC_Z);
    }
}

/* Is op one whose cc_dst is the result (so ZF/SF come from it directly)? */
static int cc_op_result_size(CCOp op)
{
    static const CCOp bases[] = {
        CC_OP_ADDB, CC_OP_ADCB, CC_OP_SUBB, CC_OP_SBBB,
        CC_OP_LOGICB, CC_OP_INCB, CC_OP_DECB, CC_OP_SHLB, CC_OP_SARB,
        CC_OP_BMILGB, CC_OP_SHLNB,
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bases); i++) {
        if (op >= bases[i] && op <= bases[i] + 3) {
            return cc_op_bytes(op, bases[i]);
        }
    }
    return 0;
}

static CCPrepare prepare_cc(DisasContext *s, int jcc)
{
    int b = (jcc >> 1) & 7;
    CCOp op = s->cc_op;
    int size;
    CCPrepare p;

    if (op >= CC_OP_SUBB && op <= CC_OP_SUBQ && b != 0 && b != 5) {
        /* cmp/sub: compare the operands themselves. */
        size = cc_op_bytes(op, CC_OP_SUBB);
        TCGv src1 = s->cc_srcT;
        if (src1 == NULL || s->cc_srcT_op != op) {
            src1 = tcg_temp_new();
            tcg_gen_add_i64(src1, cpu_cc_dst, cpu_cc_src);
        }
        switch (b) {
        case 1:
            p = ccp(TCG_COND_LTU, ext_new(src1, size, false), ext_new(cpu_cc_src, size, false));
            break;
        case 2:
            p = ccp_imm(TCG_COND_EQ, ext_new(cpu_cc_dst, size, false), 0);
            break;
        case 3:
            p = ccp(TCG_COND_LEU, ext_new(src1, size, false), ext_new(cpu_cc_src, size, false));
            break;
        case 4:
            p = ccp_imm(TCG_COND_LT, ext_new(cpu_cc_dst, size, true), 0);
            break;
        case 6:
            p = ccp(TCG_COND_LT, ext_new(src1, size, true), ext_new(cpu_cc_src, size, true));
            break;
        default:
            p = ccp(TCG_COND_LE, ext_new(src1, size, true), ext_new(cpu_cc_src, size, true));
            break;
        }
    } else if (op >= CC_OP_LOGICB && op <= CC_OP_LOGICQ && b != 5) {
        /* CF = OF = 0. */
        size = cc_op_bytes(op, CC_OP_LOGICB);
        switch (b) {
        case 0:
        case 1:
            p = ccp_imm(TCG_COND_NEVER, cpu_cc_dst, 0);
            break;
        case 2:
        case 3:
            p = ccp_imm(TCG_COND_EQ, ext_new(cpu_cc_dst, size, false), 0);
            break;
        case 4:
        case 6:
            p = ccp_imm(TCG_COND_LT, ext_new(cpu_cc_dst, size, true), 0);
            break;
        default:
            p = ccp_imm(TCG_COND_LE, ext_new(cpu_cc_dst, size, true), 0);
            break;
        }
    } else if (op >= CC_OP_MULB && op <= CC_OP_MULQ && b <= 4) {
        /* MUL/IMUL: CF = OF = (src != 0) on all 64 bits; ZF = 0 (Intel). */
        size = cc_op_bytes(op, CC_OP_MULB);
        if (b == 2) {
            p = ccp_imm(TCG_COND_NEVER, cpu_cc_dst, 0);
        } else if (b == 4) {
            p = ccp_imm(TCG_COND_LT, ext_new(cpu_cc_dst, size, true), 0);
        } else {    /* O, B, BE */
            p = ccp_imm(TCG_COND_NE, cpu_cc_src, 0);
        }
    } else if ((size = cc_op_result_size(op & ~CC_OP_ROT)) != 0 && (b == 2 || b == 4)) {
        /* ZF/SF of the result (a rotate over it does not change them) */
        if (b == 2) {
            p = ccp_imm(TCG_COND_EQ, ext_new(cpu_cc_dst, size, false), 0);
        } else {
            p = ccp_imm(TCG_COND_LT, ext_new(cpu_cc_dst, size, true), 0);
        }
    } else if (op >= CC_OP_ADDB && op <= CC_OP_ADDQ && b == 1) {
        size = cc_op_bytes(op, CC_OP_ADDB);
        p = ccp(TCG_COND_LTU, ext_new(cpu_cc_dst, size, false), ext_new(cpu_cc_src, size, false));
    } else if (b == 1) {
        TCGv c = tcg_temp_new();
        gen_compute_eflags_c(s, c);
        p = ccp_imm(TCG_COND_NE, c, 0);
    } else if (op == CC_OP_EFLAGS) {
        p = prepare_from_eflags(cpu_cc_src, b);
    } else {
        TCGv f = tcg_temp_new();
        gen_compute_eflags(s, f);
        p = prepare_from_eflags(f, b);
    }
    if (jcc & 1) {
        p.cond = tcg_invert_cond(p.cond);
    }
    return p;
}

void gen_setcc(DisasContext *s, int cond, TCGv dst)
{
    CCPrepare p = prepare_cc(s, cond);
    if (p.cond == TCG_COND_NEVER) {
        tcg_gen_movi_i64(dst, 0);
    } else if (p.cond == TCG_COND_ALWAYS) {
        tcg_gen_movi_i64(dst, 1);
    } else {
        tcg_gen_setcond_i64(p.cond, dst, p.a, p.b);
    }
}

TCGCond gen_jcc(DisasContext *s, int cond, TCGLabel *l)
{
    CCPrepare p = prepare_cc(s, cond);
    if (p.cond == TCG_COND_NEVER) {
        return p.cond;
    }
    if (p.cond == TCG_COND_ALWAYS) {
        tcg_gen_br(l);
        return p.cond;
    }
    tcg_gen_brcond_i64(p.cond, p.a, p.b, l);
    return p.cond;
}

/* ---- operands ---- */

MemOp mo_from_size(int size)
{
    switch (size) {
    case 1: return MO_8;
    case 2: return MO_16;
    case 4: return MO_32;
    default: return MO_64;
    }
}

/* Effective address without the segment base (what LEA computes). */
TCGv gen_lea_noseg(DisasContext *s)
{
    const X86MemRef *m = &s->insn.mem;
    TCGv ea = tcg_temp_new();

    if (m->base == X86_REG_RIP) {
        tcg_gen_movi_i64(ea, s->next_pc + (uint64_t)m->disp);
    } else {
        TCGv ix = NULL;
        if (m->index >= 0) {
            ix = cpu_regs[m->index];
            if (m->scale) {
                ix = tcg_temp_new();
                tcg_gen_shli_i64(ix, cpu_regs[m->index], m->scale);
            }
        }
        if (m->base >= 0 && ix) {
            /* (base + index << scale) + disp: in this order the JIT makes
             * one lea of it (shl_fuse_add in emu/tcg/x86_64/ops.c) */
            tcg_gen_add_i64(ea, cpu_regs[m->base], ix);
            if (m->disp) {
                tcg_gen_addi_i64(ea, ea, m->disp);
            }
        } else if (m->base >= 0) {
            tcg_gen_addi_i64(ea, cpu_regs[m->base], m->disp);
        } else if (ix) {
            tcg_gen_addi_i64(ea, ix, m->disp);
        } else {
            tcg_gen_movi_i64(ea, (uint64_t)m->disp);
        }
    }
    if (m->addr_size == 4) {
        tcg_gen_ext32u_i64(ea, ea);
    }
    return ea;
}

/* Add the FS/GS base of a segment override. */
void gen_add_seg_base(DisasContext *s, TCGv ea)
{
    if (s->insn.mem.seg == R_FS) {
        tcg_gen_add_i64(ea, ea, cpu_fs_base);
    } else if (s->insn.mem.seg == R_GS) {
        tcg_gen_add_i64(ea, ea, cpu_gs_base);
    }
}

TCGv gen_lea(DisasContext *s)
{
    TCGv ea = gen_lea_noseg(s);
    gen_add_seg_base(s, ea);
    return ea;
}

void gen_ld(DisasContext *s, TCGv val, TCGv addr, int size, bool sign)
{
    MemOp mo = mo_from_size(size);
    if (sign && size < 8) {
        mo |= MO_SIGN;
    }
    tcg_gen_qemu_ld_i64(val, addr, mo);
}

void gen_st(DisasContext *s, TCGv val, TCGv addr, int size)
{
    tcg_gen_qemu_st_i64(val, addr, mo_from_size(size));
}

/* Value of the segment selector reg as user mode sees it in 64-bit mode. */
static uint64_t seg_selector(int reg)
{
    switch (reg) {
    case R_CS: return 0x33;
    case R_SS: return 0x2b;
    default: return 0;
    }
}

static void gen_load_gpr(TCGv dst, const X86Operand *op, bool sign)
{
    if (op->hi8) {
        if (sign) {
            tcg_gen_sextract_i64(dst, cpu_regs[op->reg], 8, 8);
        } else {
            tcg_gen_extract_i64(dst, cpu_regs[op->reg], 8, 8);
        }
    } else {
        gen_ext(dst, cpu_regs[op->reg], op->size, sign);
    }
}

static void gen_load_operand_ext(DisasContext *s, TCGv dst, const X86Operand *op, bool sign)
{
    switch (op->kind) {
    case X86_OPK_GPR:
        gen_load_gpr(dst, op, sign);
        break;
    case X86_OPK_MEM:
        gen_ld(s, dst, gen_lea(s), op->size, sign);
        break;
    case X86_OPK_IMM:
        if (op->size == 1 || op->size == 2 || op->size == 4) {
            uint64_t v = (uint64_t)op->imm;
            int sh = 64 - op->size * 8;
            v = sign ? (uint64_t)((int64_t)(v << sh) >> sh) : (v << sh) >> sh;
            tcg_gen_movi_i64(dst, v);
        } else {
            tcg_gen_movi_i64(dst, (uint64_t)op->imm);
        }
        break;
    case X86_OPK_REL:
        tcg_gen_movi_i64(dst, (uint64_t)op->imm);
        break;
    case X86_OPK_SEG:
        tcg_gen_movi_i64(dst, seg_selector(op->reg));
        break;
    default:
        /* Not an integer operand: an emitter bug; give a defined value. */
        tcg_gen_movi_i64(dst, 0);
        break;
    }
}

void gen_load_operand(DisasContext *s, TCGv dst, const X86Operand *op)
{
    gen_load_operand_ext(s, dst, op, false);
}

void gen_load_operand_sext(DisasContext *s, TCGv dst, const X86Operand *op)
{
    gen_load_operand_ext(s, dst, op, true);
}

void gen_merge_gpr(TCGv dst, int reg, bool hi8, int size, TCGv val)
{
    switch (size) {
    case 1:
        tcg_gen_deposit_i64(dst, cpu_regs[reg], val, hi8 ? 8 : 0, 8);
        break;
    case 2:
        tcg_gen_deposit_i64(dst, cpu_regs[reg], val, 0, 16);
        break;
    case 4:
        tcg_gen_ext32u_i64(dst, val);
        break;
    default:
        tcg_gen_mov_i64(dst, val);
        break;
    }
}

void gen_write_gpr(DisasContext *s, int reg, bool hi8, int size, TCGv val)
{
    gen_merge_gpr(cpu_regs[reg], reg, hi8, size, val);
}

void gen_store_operand(DisasContext *s, const X86Operand *op, TCGv val, TCGv addr)
{
    switch (op->kind) {
    case X86_OPK_GPR:
        gen_write_gpr(s, op->reg, op->hi8, op->size, val);
        break;
    case X86_OPK_MEM:
        gen_st(s, val, addr ? addr : gen_lea(s), op->size);
        break;
    default:
        /* Segment registers and the like: writes are ignored. */
        break;
    }
}

/* ---- control flow and exceptions ---- */

/* Leave through goto_tb slot to target.  rip is not written: cpu_exec
 * sets it from tb->jmp_target[slot] when the TB leaves by the slot
 * (emu/tcg/backend.h). */
static void gen_goto_slot(DisasContext *s, uint64_t target, int slot)
{
    tcg_gen_goto_tb(slot);
    tcg_gen_exit_tb(slot);
    s->base.tb->jmp_target[slot] = target;
}

void gen_jmp_tb(DisasContext *s, uint64_t target, int slot)
{
    gen_update_cc_op(s);
    gen_goto_slot(s, target, slot);
    s->base.is_jmp = DISAS_NORETURN;
}

bool gen_side_exit(DisasContext *s, TCGLabel *taken, uint64_t target)
{
    if (s->nb_side >= s->base.max_side_exits) {
        return false;
    }
    TCGContext *c = tcg_ctx();
    s->side_label[s->nb_side] = taken;
    s->side_target[s->nb_side] = target;
    s->nb_side++;
    c->side_exit_insn[c->nb_side_exits++] = (uint16_t)(s->base.num_insns - 1);
    return true;
}

/* After the TB's final exit: each side exit's code, reached only by its
 * branch (env->cc_op was made current before it). */
static void gen_side_exits(DisasContext *s)
{
    for (int i = 0; i < s->nb_side; i++) {
        gen_set_label(s->side_label[i]);
        gen_goto_slot(s, s->side_target[i], 2 + i);
    }
}

void gen_jmp_dyn(DisasContext *s, TCGv target)
{
    gen_update_cc_op(s);
    tcg_gen_mov_i64(cpu_rip, target);
    tcg_gen_exit_tb(TB_EXIT_NOCHAIN);
    s->base.is_jmp = DISAS_NORETURN;
}

static void gen_raise(DisasContext *s, int excp, bool unimp)
{
    gen_update_cc_op(s);
    tcg_gen_movi_i64(cpu_rip, excp == EXCP_BP ? s->next_pc : s->pc);
    tcg_gen_call3(&helper_info_raise_exception, NULL, tcg_env(),
                  tcg_constant_i64(excp), tcg_constant_i64(unimp));
    /* Not reached; keeps the IR well formed (every TB ends in an exit). */
    tcg_gen_exit_tb(TB_EXIT_NOCHAIN);
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_exception(DisasContext *s, int excp)
{
    gen_raise(s, excp, false);
}

void gen_illegal_opcode(DisasContext *s)
{
    gen_raise(s, EXCP_UD, false);
}

void gen_unimplemented(DisasContext *s)
{
    if (emu_log_enabled(LOG_UNIMP)) {
        char hex[3 * 15 + 1];
        size_t n = 0;
        hex[0] = '\0';
        for (int i = 0; i < s->insn.len && i < 15; i++) {
            n += snprintf(hex + n, sizeof(hex) - n, "%s%02x", i ? " " : "", s->insn.bytes[i]);
        }
        qemu_log("emu: unimplemented instruction %s at 0x%" G_GINT64_MODIFIER "x\n",
                 hex, s->pc);
    }
    gen_raise(s, EXCP_UD, true);
}

void gen_eob(DisasContext *s)
{
    s->base.is_jmp = DISAS_EOB_NEXT;
}

/* ---- the TB loop hooks ---- */

static void x86_init_disas_context(DisasContextBase *db, CPUX86State *env)
{
    DisasContext *s = (DisasContext *)db;
    s->env = env;
    s->cc_op = CC_OP_DYNAMIC;
    s->cc_op_dirty = false;
    s->cc_srcT = s->cc_srcT_next = NULL;
}

static void x86_tb_start(DisasContextBase *db, CPUX86State *env)
{
}

static void x86_insn_start(DisasContextBase *db, CPUX86State *env)
{
    DisasContext *s = (DisasContext *)db;
    tcg_gen_insn_start(db->pc_next, s->cc_op);
}

/* Drop the insn_start of an instruction we decided not to translate. */
static void drop_last_insn_start(void)
{
    TCGContext *c = tcg_ctx();
    if (c->nb_ops > 0 && c->ops[c->nb_ops - 1].opc == INDEX_op_insn_start) {
        c->nb_ops--;
    }
}

static void x86_translate_insn(DisasContextBase *db, CPUX86State *env)
{
    DisasContext *s = (DisasContext *)db;
    uint64_t pc = db->pc_next;
    uint8_t buf[15];
    size_t n = translator_fetch(db, pc, buf, sizeof(buf));
    int len = x86_decode(buf, n, pc, &s->insn);

    s->pc = pc;
    s->cc_srcT = s->cc_srcT_next;
    s->cc_srcT_op = s->cc_srcT_next_op;
    s->cc_srcT_next = NULL;
    if (len == X86_DECODE_TRUNCATED) {
        if (db->num_insns > 1) {
            /* Let it start a TB of its own, which raises the fault. */
            drop_last_insn_start();
            db->is_jmp = DISAS_TOO_MANY;
            return;
        }
        s->next_pc = pc;
        /* The TB covers the unfetchable byte's page too, so that mapping it
         * later drops this translation. */
        db->pc_next = pc + n + 1;
        gen_update_cc_op(s);
        tcg_gen_movi_i64(cpu_rip, pc);
        tcg_gen_call2(&helper_info_raise_fetch_fault, NULL, tcg_env(),
                      tcg_constant_i64(pc + n));
        tcg_gen_exit_tb(TB_EXIT_NOCHAIN);
        db->is_jmp = DISAS_NORETURN;
        return;
    }
    if (len < 0) {
        /* Invalid encoding: #UD at pc.  Its length is unknown; one byte. */
        memset(&s->insn, 0, sizeof(s->insn));
        s->insn.pc = pc;
        s->insn.len = 1;
        s->insn.bytes[0] = n ? buf[0] : 0;
        s->next_pc = pc + 1;
        db->pc_next = pc + 1;
        gen_illegal_opcode(s);
        return;
    }

    s->next_pc = pc + (uint64_t)len;
    db->pc_next = s->next_pc;

    X86GenFn fn = s->insn.mnemonic < X86_MN_NB ? x86_dispatch[s->insn.mnemonic] : NULL;
    if (fn) {
        fn(s, &s->insn);
    } else {
        gen_unimplemented(s);
    }
}

static void x86_tb_stop(DisasContextBase *db, CPUX86State *env)
{
    DisasContext *s = (DisasContext *)db;

    switch (db->is_jmp) {
    case DISAS_NEXT:
    case DISAS_TOO_MANY:
        gen_jmp_tb(s, db->pc_next, 0);
        break;
    case DISAS_EOB_NEXT:
        gen_update_cc_op(s);
        tcg_gen_movi_i64(cpu_rip, db->pc_next);
        tcg_gen_exit_tb(TB_EXIT_NOCHAIN);
        break;
    case DISAS_JUMP:
        gen_update_cc_op(s);
        tcg_gen_exit_tb(TB_EXIT_NOCHAIN);
        break;
    default:
        break;
    }
    gen_side_exits(s);
}

static const TranslatorOps x86_tr_ops = {
    .init_disas_context = x86_init_disas_context,
    .tb_start = x86_tb_start,
    .insn_start = x86_insn_start,
    .translate_insn = x86_translate_insn,
    .tb_stop = x86_tb_stop,
};

void x86_translate_code(CPUX86State *env, TranslationBlock *tb, int max_insns)
{
    DisasContext dc;

    x86_translate_init();
    memset(&dc, 0, sizeof(dc));
    tcg_ctx()->tb = tb;
    translator_loop(&x86_tr_ops, &dc.base, env, tb, max_insns);
}
