/*
 * emu/x86/tr-sse4.c — the SSE3..SSE4.2 instructions that are not vec ops.
 *
 * The vec ops of SSE3, SSSE3, SSE4.1 and SSE4.2 (sse4-ops.h) go through
 * tr-sse.c's generic emitter, legacy and VEX forms alike: it checks the
 * model's feature for each table line.  What is left here is CRC32, a
 * general-register instruction (inline IR and a small helper).
 */
#include "translate.h"
#include "cpu-model.h"
#include "sse4-ops.h"

/* CRC32 r32/r64, r/m8/16/32/64: crc32c accumulate; flags unchanged.  The
 * source size is the operand's (Eb, or Ev: 66 = 16, REX.W = 64). */
static void gen_CRC32(DisasContext *s, X86Insn *insn)
{
    const X86Operand *d = &insn->ops[0], *src = &insn->ops[1];
    TCGv v = tcg_temp_new(), crc = tcg_temp_new(), r = tcg_temp_new();

    if (!x86_cpu_has(X86_FEAT_SSE4_2) || (insn->prefixes & X86_PREFIX_LOCK) ||
        d->kind != X86_OPK_GPR) {
        gen_illegal_opcode(s);
        return;
    }
    gen_load_operand(s, v, src);
    tcg_gen_ext32u_i64(crc, cpu_regs[d->reg]);
    tcg_gen_call3(&helper_info_crc32, r, crc, v, tcg_constant_i64(src->size));
    gen_write_gpr(s, d->reg, false, 8, r);   /* zero-extended result */
}

const X86GenEntry x86_gen_sse4[] = {
    { X86_MN_CRC32, gen_CRC32 },          /* r32/64 = crc32c(r, r/m8..64) */
    { 0, NULL },
};
