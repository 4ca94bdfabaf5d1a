/*
 * emu/tcg/x86_64/vec-emit.c — encoder for SSE and VEX instructions on xmm/ymm
 * registers (see vec.h): legacy [66|F3|F2] [REX] 0F [38|3A] op ModRM and
 * three-byte VEX (C4) forms, with a register or a [base + disp] operand.
 */
#include "vec.h"

static const uint8_t pp_byte[4] = { 0, 0x66, 0xF3, 0xF2 };

/* ModRM (+ SIB, disp) for r and rm = register (base < 0: rm_reg) or memory. */
static void modrm(JitBuf *b, int r, int rm_reg, int base, int32_t disp)
{
    if (base < 0) {
        jit_byte(b, (uint8_t)(0xC0 | ((r & 7) << 3) | (rm_reg & 7)));
        return;
    }
    int mod = (disp == 0 && (base & 7) != 5) ? 0 : jit_fits_s8(disp) ? 1 : 2;
    jit_byte(b, (uint8_t)((mod << 6) | ((r & 7) << 3) | (base & 7)));
    if ((base & 7) == 4) {
        jit_byte(b, 0x24);   /* SIB: base only */
    }
    if (mod == 1) {
        jit_byte(b, (uint8_t)disp);
    } else if (mod == 2) {
        jit_u32(b, (uint32_t)disp);
    }
}

/* ModRM + SIB for r and memory [base + index] (index never rsp; base
 * r13/rbp take a zero disp8). */
static void modrm_sib(JitBuf *b, int r, int base, int index)
{
    int mod = (base & 7) == 5 ? 1 : 0;
    jit_byte(b, (uint8_t)((mod << 6) | ((r & 7) << 3) | 4));
    jit_byte(b, (uint8_t)(((index & 7) << 3) | (base & 7)));
    if (mod) {
        jit_byte(b, 0);
    }
}

static void sse_head_x(JitBuf *b, unsigned pp, unsigned map, bool w, int r, int rmb, int x)
{
    unsigned rex = (w ? 8 : 0) | ((r & 8) ? 4 : 0) | ((x & 8) ? 2 : 0) | ((rmb & 8) ? 1 : 0);
    if (pp) {
        jit_byte(b, pp_byte[pp & 3]);
    }
    if (rex) {
        jit_byte(b, (uint8_t)(0x40 | rex));
    }
    jit_byte(b, 0x0F);
    if (map == 2) {
        jit_byte(b, 0x38);
    } else if (map == 3) {
        jit_byte(b, 0x3A);
    }
}

static void sse_head(JitBuf *b, unsigned pp, unsigned map, bool w, int r, int rmb)
{
    sse_head_x(b, pp, map, w, r, rmb, 0);
}

void jit_sse_rr(JitBuf *b, unsigned pp, unsigned map, bool w, uint8_t opc, int r, int rm)
{
    sse_head(b, pp, map, w, r, rm);
    jit_byte(b, opc);
    modrm(b, r, rm, -1, 0);
}

void jit_sse_rm(JitBuf *b, unsigned pp, unsigned map, bool w, uint8_t opc, int r,
                int base, int32_t disp)
{
    sse_head(b, pp, map, w, r, base);
    jit_byte(b, opc);
    modrm(b, r, 0, base, disp);
}

static void vex_head_x(JitBuf *b, unsigned pp, unsigned map, bool w, bool l, int r, int v,
                       int rmb, int x)
{
    jit_byte(b, 0xC4);
    jit_byte(b, (uint8_t)(((r & 8) ? 0 : 0x80) | ((x & 8) ? 0 : 0x40) | ((rmb & 8) ? 0 : 0x20) |
                          (map & 0x1f)));
    jit_byte(b, (uint8_t)((w ? 0x80 : 0) | ((~v & 15) << 3) | (l ? 4 : 0) | (pp & 3)));
}

static void vex_head(JitBuf *b, unsigned pp, unsigned map, bool w, bool l, int r, int v, int rmb)
{
    vex_head_x(b, pp, map, w, l, r, v, rmb, 0);
}

void jit_vex_rr(JitBuf *b, unsigned pp, unsigned map, bool w, bool l, uint8_t opc,
                int r, int v, int rm)
{
    vex_head(b, pp, map, w, l, r, v, rm);
    jit_byte(b, opc);
    modrm(b, r, rm, -1, 0);
}

void jit_vex_rm(JitBuf *b, unsigned pp, unsigned map, bool w, bool l, uint8_t opc,
                int r, int v, int base, int32_t disp)
{
    vex_head(b, pp, map, w, l, r, v, base);
    jit_byte(b, opc);
    modrm(b, r, 0, base, disp);
}

void jit_sse_rbi(JitBuf *b, unsigned pp, unsigned map, bool w, uint8_t opc, int r,
                 int base, int index)
{
    sse_head_x(b, pp, map, w, r, base, index);
    jit_byte(b, opc);
    modrm_sib(b, r, base, index);
}

void jit_vex_rbi(JitBuf *b, unsigned pp, unsigned map, bool w, bool l, uint8_t opc,
                 int r, int v, int base, int index)
{
    vex_head_x(b, pp, map, w, l, r, v, base, index);
    jit_byte(b, opc);
    modrm_sib(b, r, base, index);
}

void jit_ldmxcsr(JitBuf *b, int base, int32_t disp)
{
    jit_sse_rm(b, 0, 1, false, 0xAE, 2, base, disp);
}

void jit_stmxcsr(JitBuf *b, int base, int32_t disp)
{
    jit_sse_rm(b, 0, 1, false, 0xAE, 3, base, disp);
}

void jit_vzeroupper(JitBuf *b)
{
    jit_byte(b, 0xC5);
    jit_byte(b, 0xF8);
    jit_byte(b, 0x77);
}
