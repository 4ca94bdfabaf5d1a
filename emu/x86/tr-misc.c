/*
 * emu/x86/tr-misc.c — SYSCALL, CPUID, RDTSC(P), INT3/INT n, privileged and
 * undefined instructions, fences and hints, CMPXCHG8B/16B, XLAT,
 * RD/WR{FS,GS}BASE, LAR/LSL/VERR/VERW.
 */
#include "emu/x86/tr-int2.h"
#include "emu/x86/misc_helper.h"
#include "emu/vclock.h"

/* SYSCALL: rcx = next rip, r11 = RFLAGS, rip = next rip; linux-user runs the
 * system call (EXCP_SYSCALL) and resumes at rip. */
void gen_SYSCALL(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    TCGv f = tcg_temp_new(), df = tcg_temp_new();

    gen_compute_eflags(s, f);
    tcg_gen_or_i64(f, f, cpu_eflags);
    /* DF is kept as +1/-1 in cpu_df. */
    tcg_gen_setcondi_i64(TCG_COND_LT, df, cpu_df, 0);
    tcg_gen_shli_i64(df, df, 10);
    tcg_gen_or_i64(f, f, df);
    gen_update_cc_op(s);
    tcg_gen_mov_i64(cpu_regs[R_R11], f);
    tcg_gen_movi_i64(cpu_regs[R_ECX], s->next_pc);
    tcg_gen_movi_i64(cpu_rip, s->next_pc);
    tcg_gen_call1(&helper_info_syscall, NULL, tr2_env());
    tcg_gen_exit_tb(TB_EXIT_NOCHAIN);   /* not reached */
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_CPUID(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    tcg_gen_call1(&helper_info_cpuid, NULL, tr2_env());
}

static void gen_tsc(DisasContext *s)
{
    TCGv t = tcg_temp_new();
    if (vclock_enabled) {
        /* the virtual TSC: instructions retired before this one */
        tcg_gen_call2(&helper_info_vclock_tsc, t, tr2_env(),
                      tcg_constant_i64((uint64_t)s->base.num_insns - 1));
    } else {
        tcg_gen_call0(&helper_info_rdtsc, t);
    }
    tcg_gen_ext32u_i64(cpu_regs[R_EAX], t);
    tcg_gen_shri_i64(cpu_regs[R_EDX], t, 32);
}

void gen_RDTSC(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    gen_tsc(s);
}

/* RDTSCP: also ECX = IA32_TSC_AUX, which Linux sets to the CPU number; we
 * present CPU 0. */
void gen_RDTSCP(DisasContext *s, X86Insn *insn)
{
    if (!x86_cpu_has(X86_FEAT_RDTSCP)) {
        gen_illegal_opcode(s);
        return;
    }
    gen_tsc(s);
    tcg_gen_movi_i64(cpu_regs[R_ECX], 0);
}

void gen_RDPID(DisasContext *s, X86Insn *insn)
{
    if (!x86_cpu_has(X86_FEAT_RDPID)) {
        gen_illegal_opcode(s);
        return;
    }
    tcg_gen_movi_i64(cpu_regs[insn->ops[0].reg], 0);
}

void gen_RDRAND(DisasContext *s, X86Insn *insn)
{
    /* Not advertised by any model yet (its output is not deterministic). */
    gen_illegal_opcode(s);
}

/* INT3 (and INT1/ICEBP): SIGTRAP with rip after the instruction. */
void gen_INT3(DisasContext *s, X86Insn *insn)
{
    gen_exception(s, EXCP_BP);
}

void gen_INT1(DisasContext *s, X86Insn *insn)
{
    gen_exception(s, EXCP_BP);
}

/* INT n: vector 3 traps like INT3; 0x80 is the 32-bit system call entry
 * (not supported for 64-bit guests here); all other vectors have DPL 0 on
 * Linux: #GP, SIGSEGV. */
void gen_INT(DisasContext *s, X86Insn *insn)
{
    uint8_t n = insn->nb_ops ? (uint8_t)insn->ops[0].imm : 0;
    if (n == 3) {
        gen_exception(s, EXCP_BP);
    } else if (n == 0x80) {
        /* Linux runs the i386 syscall ABI for it even in 64-bit code. */
        gen_update_cc_op(s);
        tcg_gen_movi_i64(cpu_rip, s->next_pc);
        tcg_gen_call1(&helper_info_int80, NULL, tr2_env());
        tcg_gen_exit_tb(TB_EXIT_NOCHAIN);   /* not reached */
        s->base.is_jmp = DISAS_NORETURN;
    } else {
        gen_exception(s, EXCP_GP);
    }
}

/* MOV CR/DR naming a register that does not exist (CR1, CR5-7, CR9-15;
 * DR8-15 through REX.R) is #UD, checked before the privilege level. */
static bool ctrl_reg_exists(const X86Insn *insn)
{
    for (int i = 0; i < insn->nb_ops; i++) {
        const X86Operand *op = &insn->ops[i];
        if (op->kind != X86_OPK_CTRL) {
            continue;
        }
        if (insn->mnemonic == X86_MN_MOV_DR) {
            return op->reg < 8;
        }
        return op->reg == 0 || op->reg == 2 || op->reg == 3 ||
               op->reg == 4 || op->reg == 8;
    }
    return true;
}

/* HLT, CLI, STI, IN, OUT, LGDT, WRMSR, MOV CRn ...: #GP at CPL 3. */
void gen_privileged(DisasContext *s, X86Insn *insn)
{
    /* XSETBV is #UD, not #GP, when CR4.OSXSAVE is clear (no XSAVE). */
    if (!ctrl_reg_exists(insn) ||
        (insn->mnemonic == X86_MN_XSETBV && !x86_cpu_has(X86_FEAT_OSXSAVE))) {
        gen_illegal_opcode(s);
        return;
    }
    gen_exception(s, insn->mnemonic == X86_MN_HLT ? EXCP_HLT : EXCP_GP);
}

/* UD0/UD1/UD2: the architected invalid opcodes. */
void gen_UD(DisasContext *s, X86Insn *insn)
{
    gen_illegal_opcode(s);
}

/* PAUSE, PREFETCH*: hints with no architectural effect (a prefetch never
 * faults). */
void gen_NOP2(DisasContext *s, X86Insn *insn)
{
}

/* LFENCE/MFENCE/SFENCE. */
void gen_FENCE(DisasContext *s, X86Insn *insn)
{
    tcg_gen_mb();
}

/* CLFLUSH/CLFLUSHOPT/CLWB: no cache to flush; they fault like a byte load
 * on an unmapped address, so do that load. */
void gen_CLFLUSH(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    int feat = insn->mnemonic == X86_MN_CLFLUSH ? X86_FEAT_CLFSH :
               insn->mnemonic == X86_MN_CLWB ? X86_FEAT_CLWB : X86_FEAT_CLFLUSHOPT;
    if (!x86_cpu_has(feat) || !insn->has_mem) {
        gen_illegal_opcode(s);
        return;
    }
    TCGv t = tcg_temp_new();
    gen_ld(s, t, gen_lea(s), 1, false);
}

/* MOVNTI m32/m64, r: the non-temporal hint means nothing here. */
void gen_MOVNTI(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    if (insn->ops[0].kind != X86_OPK_MEM) {
        gen_illegal_opcode(s);
        return;
    }
    TCGv v = tcg_temp_new();
    gen_load_operand(s, v, &insn->ops[1]);
    gen_store_operand(s, &insn->ops[0], v, NULL);
}

/* XGETBV: EDX:EAX = XCR[ECX]; #UD unless the model has OSXSAVE.  XCR0 is
 * x87 | SSE (| AVX when advertised); other ECX values are #GP. */
void gen_XGETBV(DisasContext *s, X86Insn *insn)
{
    if (!x86_cpu_has(X86_FEAT_OSXSAVE)) {
        gen_illegal_opcode(s);
        return;
    }
    tcg_gen_call1(&helper_info_xgetbv, NULL, tr2_env());
}

/* Set ZF to z (0/1), other flags kept (EFLAGS form). */
static void set_zf(DisasContext *s, TCGv z)
{
    TCGv f = tcg_temp_new(), t = tcg_temp_new();
    gen_compute_eflags(s, f);
    tcg_gen_andi_i64(f, f, ~(uint64_t)CC_Z);
    tcg_gen_shli_i64(t, z, 6);
    tcg_gen_or_i64(cpu_cc_src, f, t);
    set_cc_op(s, CC_OP_EFLAGS);
}

/*
 * CMPXCHG8B m64: if EDX:EAX == m64 { m64 = ECX:EBX; ZF = 1 } else
 * { EDX:EAX = m64; ZF = 0 }.  One host compare-and-swap, so it is atomic
 * between guest threads with or without LOCK; it writes either way (the
 * old value back on failure), as the locked hardware cycle does, which also
 * keeps every memory access before any register write.
 */
void gen_CMPXCHG8B(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, true)) {
        return;
    }
    if (insn->ops[0].kind != X86_OPK_MEM) {
        gen_illegal_opcode(s);
        return;
    }
    TCGv addr = gen_lea(s), old = tcg_temp_new(), cmp = tcg_temp_new();
    TCGv nv = tcg_temp_new(), eq = tcg_temp_new();

    /* One host compare-and-swap: atomic against other guest threads. */
    tcg_gen_deposit_i64(cmp, cpu_regs[R_EAX], cpu_regs[R_EDX], 32, 32);
    tcg_gen_deposit_i64(nv, cpu_regs[R_EBX], cpu_regs[R_ECX], 32, 32);
    TCGv args[5] = { tcg_ctx()->env, addr, cmp, nv, tcg_constant_i64(8) };
    tcg_gen_callN(&helper_info_atomic_cmpxchg, old, 5, args);
    tcg_gen_setcond_i64(TCG_COND_EQ, eq, old, cmp);

    TCGv lo = tcg_temp_new(), hi = tcg_temp_new();
    tcg_gen_ext32u_i64(lo, old);
    tcg_gen_shri_i64(hi, old, 32);
    tcg_gen_movcond_i64(TCG_COND_EQ, cpu_regs[R_EAX], eq, tcg_constant_i64(0), lo,
                        cpu_regs[R_EAX]);
    tcg_gen_movcond_i64(TCG_COND_EQ, cpu_regs[R_EDX], eq, tcg_constant_i64(0), hi,
                        cpu_regs[R_EDX]);
    set_zf(s, eq);
}

/* CMPXCHG16B m128 (REX.W): the same with RDX:RAX / RCX:RBX; #GP unless the
 * operand is 16-byte aligned; only with CX16. */
void gen_CMPXCHG16B(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, true)) {
        return;
    }
    if (!x86_cpu_has(X86_FEAT_CX16) || insn->ops[0].kind != X86_OPK_MEM) {
        gen_illegal_opcode(s);
        return;
    }
    TCGv addr = gen_lea(s);
    TCGv lo = tcg_temp_new(), hi = tcg_temp_new(), eq = tcg_temp_new();
    TCGv t = tcg_temp_new();
    TCGv zero = tcg_constant_i64(0);

    tcg_gen_call2(&helper_info_check_align16, NULL, tr2_env(), addr);
    /* One host LOCK CMPXCHG16B: atomic against other guest threads. */
    tcg_gen_call6(&helper_info_atomic_cmpxchg16, lo, tr2_env(), addr, cpu_regs[R_EAX],
                  cpu_regs[R_EDX], cpu_regs[R_EBX], cpu_regs[R_ECX]);
    tcg_gen_callN(&helper_info_atomic_hi, hi, 1, (TCGv[]){ tr2_env() });
    tcg_gen_xor_i64(eq, lo, cpu_regs[R_EAX]);
    tcg_gen_xor_i64(t, hi, cpu_regs[R_EDX]);
    tcg_gen_or_i64(eq, eq, t);
    tcg_gen_setcondi_i64(TCG_COND_EQ, eq, eq, 0);
    tcg_gen_movcond_i64(TCG_COND_EQ, cpu_regs[R_EAX], eq, zero, lo, cpu_regs[R_EAX]);
    tcg_gen_movcond_i64(TCG_COND_EQ, cpu_regs[R_EDX], eq, zero, hi, cpu_regs[R_EDX]);
    set_zf(s, eq);
}

/* XLAT: AL = [seg: rBX + AL] (0x67: EBX + AL, wrapping at 4 GiB). */
void gen_XLAT(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    TCGv a = tcg_temp_new(), v = tcg_temp_new();
    tcg_gen_ext8u_i64(a, cpu_regs[R_EAX]);
    tcg_gen_add_i64(a, a, cpu_regs[R_EBX]);
    if (insn->prefixes & X86_PREFIX_ADDR) {
        tcg_gen_ext32u_i64(a, a);
    }
    gen_add_seg_base(s, a);
    gen_ld(s, v, a, 1, false);
    gen_write_gpr(s, R_EAX, false, 1, v);
}

/* RD/WR{FS,GS}BASE r32/r64: only where the model advertises FSGSBASE. */
static void gen_segbase(DisasContext *s, X86Insn *insn, TCGv base, bool wr)
{
    if (!x86_cpu_has(X86_FEAT_FSGSBASE)) {
        gen_illegal_opcode(s);
        return;
    }
    const X86Operand *op = &insn->ops[0];
    if (wr) {
        TCGv v = tcg_temp_new();
        gen_load_operand(s, v, op);
        tcg_gen_mov_i64(base, v);
    } else {
        gen_store_operand(s, op, base, NULL);
    }
}

void gen_RDFSBASE(DisasContext *s, X86Insn *insn) { gen_segbase(s, insn, cpu_fs_base, false); }
void gen_RDGSBASE(DisasContext *s, X86Insn *insn) { gen_segbase(s, insn, cpu_gs_base, false); }
void gen_WRFSBASE(DisasContext *s, X86Insn *insn) { gen_segbase(s, insn, cpu_fs_base, true); }
void gen_WRGSBASE(DisasContext *s, X86Insn *insn) { gen_segbase(s, insn, cpu_gs_base, true); }

/*
 * LAR/LSL/VERR/VERW are unprivileged.  emu has no descriptor tables to
 * show, so every selector reads as unusable: ZF = 0 and the destination
 * unchanged.  A memory operand is still read (it may fault).
 */
static void gen_selector_query(DisasContext *s, X86Insn *insn)
{
    if (!tr2_lock_ok(s, insn, false)) {
        return;
    }
    const X86Operand *src = &insn->ops[insn->nb_ops > 1 ? 1 : 0];
    if (src->kind == X86_OPK_MEM) {
        TCGv t = tcg_temp_new();
        gen_ld(s, t, gen_lea(s), 2, false);
    }
    set_zf(s, tcg_constant_i64(0));
}

void gen_LAR(DisasContext *s, X86Insn *insn)  { gen_selector_query(s, insn); }
void gen_LSL(DisasContext *s, X86Insn *insn)  { gen_selector_query(s, insn); }
void gen_VERR(DisasContext *s, X86Insn *insn) { gen_selector_query(s, insn); }
