/*
 * emu/tcg/x86_64/emit.c — the x86-64 instruction encoder (see emit.h).
 *
 * Encoding order: legacy prefixes (66/F2/F3), REX, escape bytes, opcode,
 * ModRM, SIB, displacement, immediate.  r/m = rsp/r12 needs a SIB byte;
 * base = rbp/r13 with mod 00 would mean RIP-relative/no base, so those
 * always carry a displacement.
 */
#include <string.h>
#include "emit.h"

/* Prefixes, REX and opcode bytes.  r, x, rm: the registers that land in
 * ModRM.reg, SIB.index and ModRM.rm/SIB.base (or -1). */
static void emit_opc(JitBuf *b, unsigned opc, int r, int x, int rm)
{
    unsigned rex = 0;
    if (opc & P_66) {
        jit_byte(b, 0x66);
    }
    if (opc & P_F3) {
        jit_byte(b, 0xF3);
    } else if (opc & P_F2) {
        jit_byte(b, 0xF2);
    }
    if (opc & P_W) {
        rex |= 8;
    }
    if (r >= 0 && (r & 8)) {
        rex |= 4;
    }
    if (x >= 0 && (x & 8)) {
        rex |= 2;
    }
    if (rm >= 0 && (rm & 8)) {
        rex |= 1;
    }
    /* spl/bpl/sil/dil exist only with a REX prefix (else ah/ch/dh/bh) */
    if ((opc & P_BREG) && ((r >= 4 && r < 8) || (rm >= 4 && rm < 8))) {
        rex |= 0x40;
    }
    if (rex) {
        jit_byte(b, (uint8_t)(0x40 | rex));
    }
    if (opc & (P_0F | P_0F38)) {
        jit_byte(b, 0x0F);
        if (opc & P_0F38) {
            jit_byte(b, 0x38);
        }
    }
    jit_byte(b, (uint8_t)opc);
}

static void emit_modrm(JitBuf *b, int mod, int r, int rm)
{
    jit_byte(b, (uint8_t)(mod << 6 | (r & 7) << 3 | (rm & 7)));
}

void jit_op_rr(JitBuf *b, unsigned opc, int r, int rm)
{
    emit_opc(b, opc, r, -1, rm);
    emit_modrm(b, 3, r, rm);
}

/* ModRM (+SIB) + displacement for [base + disp]. */
static void emit_mem(JitBuf *b, int r, int base, int32_t disp)
{
    int mod = (disp == 0 && (base & 7) != RBP) ? 0 : jit_fits_s8(disp) ? 1 : 2;
    emit_modrm(b, mod, r, (base & 7) == RSP ? 4 : base);
    if ((base & 7) == RSP) {
        jit_byte(b, 0x24);   /* SIB: no index, base rsp/r12 */
    }
    if (mod == 1) {
        jit_byte(b, (uint8_t)disp);
    } else if (mod == 2) {
        jit_u32(b, (uint32_t)disp);
    }
}

void jit_op_rm(JitBuf *b, unsigned opc, int r, int base, int32_t disp)
{
    emit_opc(b, opc, r, -1, base);
    emit_mem(b, r, base, disp);
}

void jit_op_rbi(JitBuf *b, unsigned opc, int r, int base, int index)
{
    /* index = rsp means "no index": never allocated, so never passed */
    emit_opc(b, opc, r, index, base);
    int mod = (base & 7) == RBP ? 1 : 0;
    emit_modrm(b, mod, r, 4);
    jit_byte(b, (uint8_t)((index & 7) << 3 | (base & 7)));
    if (mod == 1) {
        jit_byte(b, 0);
    }
}

void jit_mov_rr(JitBuf *b, int d, int s)
{
    if (d != s) {
        jit_op_rr(b, P_W | OPC_MOV_LD, d, s);
    }
}

void jit_movi(JitBuf *b, int d, uint64_t v)
{
    if (v == (uint32_t)v) {
        /* mov r32, imm32 zero-extends */
        emit_opc(b, 0xB8 + (d & 7), -1, -1, d);
        jit_u32(b, (uint32_t)v);
    } else if (jit_fits_s32(v)) {
        emit_opc(b, P_W | 0xC7, -1, -1, d);
        emit_modrm(b, 3, 0, d);
        jit_u32(b, (uint32_t)v);
    } else {
        emit_opc(b, P_W | (0xB8 + (d & 7)), -1, -1, d);
        jit_u64(b, v);
    }
}

void jit_ld64(JitBuf *b, int d, int base, int32_t disp)
{
    jit_op_rm(b, P_W | OPC_MOV_LD, d, base, disp);
}

void jit_st64(JitBuf *b, int s, int base, int32_t disp)
{
    jit_op_rm(b, P_W | OPC_MOV_ST, s, base, disp);
}

void jit_st64i(JitBuf *b, int base, int32_t disp, int32_t v)
{
    jit_op_rm(b, P_W | 0xC7, 0, base, disp);
    jit_u32(b, (uint32_t)v);
}

void jit_st8i(JitBuf *b, int base, int32_t disp, uint8_t v)
{
    jit_op_rm(b, 0xC6, 0, base, disp);
    jit_byte(b, v);
}

void jit_alu_ri(JitBuf *b, unsigned w, int ext, int r, int32_t imm)
{
    if (jit_fits_s8(imm)) {
        jit_op_rr(b, w | 0x83, ext, r);
        jit_byte(b, (uint8_t)imm);
    } else {
        jit_op_rr(b, w | 0x81, ext, r);
        jit_u32(b, (uint32_t)imm);
    }
}

void jit_test_ri(JitBuf *b, int r, int32_t imm)
{
    jit_op_rr(b, P_W | 0xF7, 0, r);
    jit_u32(b, (uint32_t)imm);
}

void jit_shift_ri(JitBuf *b, unsigned w, int ext, int r, unsigned n)
{
    if (n == 1) {
        jit_op_rr(b, w | 0xD1, ext, r);
    } else {
        jit_op_rr(b, w | 0xC1, ext, r);
        jit_byte(b, (uint8_t)n);
    }
}

void jit_unary(JitBuf *b, int ext, int r)
{
    jit_op_rr(b, P_W | 0xF7, ext, r);
}

void jit_imul_ri(JitBuf *b, int d, int s, int32_t imm)
{
    if (jit_fits_s8(imm)) {
        jit_op_rr(b, P_W | 0x6B, d, s);
        jit_byte(b, (uint8_t)imm);
    } else {
        jit_op_rr(b, P_W | 0x69, d, s);
        jit_u32(b, (uint32_t)imm);
    }
}

void jit_bswap(JitBuf *b, unsigned w, int r)
{
    emit_opc(b, w | P_0F | (0xC8 + (r & 7)), -1, -1, r);
}

void jit_shiftx(JitBuf *b, int ext, int d, int s, int count)
{
    /* VEX.LZ.{66,F2,F3}.0F38.W1 F7 /r: d = s shifted by count */
    unsigned pp = ext == EXT_SHL ? 1 : ext == EXT_SHR ? 3 : 2;
    jit_byte(b, 0xC4);
    jit_byte(b, (uint8_t)((!(d & 8)) << 7 | 1 << 6 | (!(s & 8)) << 5 | 0x02));
    jit_byte(b, (uint8_t)(0x80 | ((~count & 15) << 3) | pp));
    jit_byte(b, 0xF7);
    emit_modrm(b, 3, d, s);
}

void jit_push(JitBuf *b, int r)
{
    emit_opc(b, 0x50 + (r & 7), -1, -1, r);
}

void jit_pop(JitBuf *b, int r)
{
    emit_opc(b, 0x58 + (r & 7), -1, -1, r);
}

void jit_call_r(JitBuf *b, int r)
{
    jit_op_rr(b, 0xFF, 2, r);
}

void jit_jmp_r(JitBuf *b, int r)
{
    jit_op_rr(b, 0xFF, 4, r);
}

void jit_ret(JitBuf *b)
{
    jit_byte(b, 0xC3);
}

void jit_mfence(JitBuf *b)
{
    jit_byte(b, 0x0F);
    jit_byte(b, 0xAE);
    jit_byte(b, 0xF0);
}

size_t jit_jcc32(JitBuf *b, int cc)
{
    jit_byte(b, 0x0F);
    jit_byte(b, (uint8_t)(0x80 + cc));
    size_t at = jit_buf_offset(b);
    jit_u32(b, 0);
    return at;
}

size_t jit_jmp32(JitBuf *b)
{
    jit_byte(b, 0xE9);
    size_t at = jit_buf_offset(b);
    jit_u32(b, 0);
    return at;
}

void jit_patch_rel32(JitBuf *b, size_t at, size_t target)
{
    uint8_t *p = b->start + at;
    if (p + 4 <= b->end) {
        int32_t rel = (int32_t)((int64_t)target - (int64_t)(at + 4));
        memcpy(p, &rel, 4);
    }
}

void jit_call_abs(JitBuf *b, const void *target)
{
    jit_byte(b, 0xE8);
    int64_t rel = (int64_t)((const uint8_t *)target - (jit_buf_rx(b) + 4));
    jit_u32(b, (uint32_t)(int32_t)rel);
}

void jit_jmp_abs(JitBuf *b, const void *target)
{
    jit_byte(b, 0xE9);
    int64_t rel = (int64_t)((const uint8_t *)target - (jit_buf_rx(b) + 4));
    jit_u32(b, (uint32_t)(int32_t)rel);
}

void jit_st_imm(JitBuf *b, unsigned size_log2, int base, int index, int32_t disp, int32_t v)
{
    static const unsigned opc[4] = { 0xC6, P_66 | 0xC7, 0xC7, P_W | 0xC7 };
    if (index >= 0) {
        jit_op_rbi(b, opc[size_log2], 0, base, index);
    } else {
        jit_op_rm(b, opc[size_log2], 0, base, disp);
    }
    switch (size_log2) {
    case 0:
        jit_byte(b, (uint8_t)v);
        break;
    case 1:
        jit_byte(b, (uint8_t)v);
        jit_byte(b, (uint8_t)(v >> 8));
        break;
    default:
        jit_u32(b, (uint32_t)v);
        break;
    }
}

void jit_lea_sib(JitBuf *b, unsigned w, int r, int base, int index, unsigned shift, int32_t disp)
{
    /* index = rsp would mean "no index": never allocated, so never passed */
    emit_opc(b, w | OPC_LEA, r, index, base);
    int mod = base < 0 ? 0 : (disp == 0 && (base & 7) != RBP) ? 0 : jit_fits_s8(disp) ? 1 : 2;
    emit_modrm(b, mod, r, 4);
    jit_byte(b, (uint8_t)(shift << 6 | (index & 7) << 3 | (base < 0 ? 5 : base & 7)));
    if (base < 0 || mod == 2) {
        jit_u32(b, (uint32_t)disp);
    } else if (mod == 1) {
        jit_byte(b, (uint8_t)disp);
    }
}
