/*
 * emu/tcg/x86_64/emit.h — a small x86-64 instruction encoder.
 *
 * Writes machine code into a JitBuf: legacy prefixes, REX, opcode bytes,
 * ModRM/SIB with disp8/disp32, immediates, VEX (BMI2 shifts) and rel32
 * jumps whose targets are patched later.  Knows nothing of the IR.
 *
 * Opcodes are given as the last opcode byte plus flags (P_*) naming the
 * escape bytes, prefixes and operand size, QEMU-style: `P_0F | 0xAF` is
 * imul r, r/m; `P_W | 0x03` is add r64, r/m64.
 *
 * The buffer may be a writable alias of where the code runs (split-wx):
 * rel32s to absolute targets are computed from the run address.
 *
 * Writing past the end of the buffer is not an error here: the buffer
 * records the overflow and keeps counting, and the caller gives up on the
 * whole translation (code cache full).
 */
#ifndef EMU_TCG_X86_64_EMIT_H
#define EMU_TCG_X86_64_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum HostReg {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
    R8, R9, R10, R11, R12, R13, R14, R15,
} HostReg;

typedef struct JitBuf {
    uint8_t *start;   /* first byte of this translation */
    uint8_t *p;       /* next byte to write */
    uint8_t *end;     /* limit: bytes at or past it are not written */
    bool overflow;    /* something did not fit */
    /* the bytes run at their address here + rx_off (split-wx code cache:
     * written through the RW view, run from the RX one; else 0) */
    intptr_t rx_off;
} JitBuf;

/* Opcode flags. */
#define P_0F      0x100     /* 0x0F escape */
#define P_0F38    0x200     /* 0x0F 0x38 escape */
#define P_66      0x400     /* operand-size prefix (16-bit) */
#define P_F3      0x800
#define P_F2      0x1000
#define P_W       0x2000    /* REX.W: 64-bit operand */
#define P_BREG    0x4000    /* byte registers: REX needed for spl..dil */

/* ModRM.reg extensions of the group opcodes. */
enum { EXT_ADD = 0, EXT_OR = 1, EXT_AND = 4, EXT_SUB = 5, EXT_XOR = 6, EXT_CMP = 7 };
enum { EXT_ROL = 0, EXT_ROR = 1, EXT_SHL = 4, EXT_SHR = 5, EXT_SAR = 7 };
enum { EXT_NOT = 2, EXT_NEG = 3, EXT_MUL = 4, EXT_IMUL = 5 };

/* x86 condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
enum {
    JCC_O = 0, JCC_NO, JCC_B, JCC_AE, JCC_E, JCC_NE, JCC_BE, JCC_A,
    JCC_S, JCC_NS, JCC_P, JCC_NP, JCC_L, JCC_GE, JCC_LE, JCC_G,
};

/* Common opcodes (reg, r/m forms: op r, r/m). */
#define OPC_ADD    0x03
#define OPC_OR     0x0B
#define OPC_AND    0x23
#define OPC_SUB    0x2B
#define OPC_XOR    0x33
#define OPC_CMP    0x3B
#define OPC_TEST   0x85     /* test r/m, r */
#define OPC_MOV_ST 0x89     /* mov r/m, r */
#define OPC_MOV_ST8 0x88    /* mov r/m8, r8 */
#define OPC_MOV_LD 0x8B     /* mov r, r/m */
#define OPC_LEA    0x8D
#define OPC_MOVSXD 0x63
#define OPC_IMUL   (P_0F | 0xAF)
#define OPC_MOVZB  (P_0F | 0xB6)
#define OPC_MOVZW  (P_0F | 0xB7)
#define OPC_MOVSB  (P_0F | 0xBE)
#define OPC_MOVSW  (P_0F | 0xBF)
#define OPC_BSF    (P_0F | 0xBC)
#define OPC_BSR    (P_0F | 0xBD)
#define OPC_POPCNT (P_F3 | P_0F | 0xB8)
#define OPC_CMOV(cc) (P_0F | (0x40 + (cc)))
#define OPC_SET(cc)  (P_0F | (0x90 + (cc)))

/* Inline: the encoder writes every byte through these. */
static inline size_t jit_buf_offset(const JitBuf *b)
{
    return (size_t)(b->p - b->start);
}
/* The address at which the next byte will run (rel32 targets are RX). */
static inline const uint8_t *jit_buf_rx(const JitBuf *b)
{
    return b->p + b->rx_off;
}
static inline void jit_byte(JitBuf *b, uint8_t v)
{
    if (__builtin_expect(b->p < b->end, 1)) {
        *b->p = v;
    } else {
        b->overflow = true;
    }
    b->p++;
}
static inline void jit_u32(JitBuf *b, uint32_t v)
{
    if (__builtin_expect(b->p + 4 <= b->end, 1)) {
        memcpy(b->p, &v, 4);
        b->p += 4;
        return;
    }
    for (int i = 0; i < 4; i++) {
        jit_byte(b, (uint8_t)(v >> (8 * i)));
    }
}
static inline void jit_u64(JitBuf *b, uint64_t v)
{
    jit_u32(b, (uint32_t)v);
    jit_u32(b, (uint32_t)(v >> 32));
}

/* opc r, rm  (register direct) */
void jit_op_rr(JitBuf *b, unsigned opc, int r, int rm);
/* opc r, [base + disp] */
void jit_op_rm(JitBuf *b, unsigned opc, int r, int base, int32_t disp);
/* opc r, [base + index] */
void jit_op_rbi(JitBuf *b, unsigned opc, int r, int base, int index);

/* Moves. */
void jit_mov_rr(JitBuf *b, int d, int s);                 /* mov d, s (64-bit) */
void jit_movi(JitBuf *b, int d, uint64_t v);               /* shortest mov d, imm (flags kept) */
void jit_ld64(JitBuf *b, int d, int base, int32_t disp);   /* mov d, [base+disp] */
void jit_st64(JitBuf *b, int s, int base, int32_t disp);   /* mov [base+disp], s */
void jit_st64i(JitBuf *b, int base, int32_t disp, int32_t v); /* mov qword [base+disp], simm32 */
void jit_st8i(JitBuf *b, int base, int32_t disp, uint8_t v);  /* mov byte [base+disp], imm8 */
/* mov [base+index] or, index < 0, [base+disp], of 1 << size_log2 bytes, an
 * immediate (8 bytes: v sign-extended from 32 bits) */
void jit_st_imm(JitBuf *b, unsigned size_log2, int base, int index, int32_t disp, int32_t v);
/* lea r, [base + index << shift + disp] (w: P_W or 0 for a 32-bit result;
 * base < 0: no base) */
void jit_lea_sib(JitBuf *b, unsigned w, int r, int base, int index, unsigned shift, int32_t disp);

/* Group-1 ALU with an immediate: opc r64, imm (ext = EXT_*). */
void jit_alu_ri(JitBuf *b, unsigned w, int ext, int r, int32_t imm);
/* test r64, simm32 */
void jit_test_ri(JitBuf *b, int r, int32_t imm);
/* Group-2 shift/rotate by an immediate (w: P_W or 0 for 32-bit). */
void jit_shift_ri(JitBuf *b, unsigned w, int ext, int r, unsigned n);
/* Group-3 unary: not/neg/mul/imul r64 */
void jit_unary(JitBuf *b, int ext, int r);
/* imul d, s, simm32 */
void jit_imul_ri(JitBuf *b, int d, int s, int32_t imm);
/* bswap r (w: P_W or 0) */
void jit_bswap(JitBuf *b, unsigned w, int r);
/* BMI2 shlx/shrx/sarx d, s, count (64-bit); ext = EXT_SHL/SHR/SAR */
void jit_shiftx(JitBuf *b, int ext, int d, int s, int count);

void jit_push(JitBuf *b, int r);
void jit_pop(JitBuf *b, int r);
void jit_call_r(JitBuf *b, int r);
void jit_jmp_r(JitBuf *b, int r);
void jit_ret(JitBuf *b);
void jit_mfence(JitBuf *b);

/* Jumps: return the offset of the rel32 field, to patch with
 * jit_patch_rel32 once the target is known. */
size_t jit_jcc32(JitBuf *b, int cc);
size_t jit_jmp32(JitBuf *b);
/* Point the rel32 at offset `at` to offset `target` of the same buffer. */
void jit_patch_rel32(JitBuf *b, size_t at, size_t target);
/* jmp straight to an absolute host address (within +-2 GiB; relative
 * to where the jmp runs, jit_buf_rx). */
void jit_jmp_abs(JitBuf *b, const void *target);
/* call rel32 to target (RX address within reach: the same segment) */
void jit_call_abs(JitBuf *b, const void *target);

static inline bool jit_fits_s32(uint64_t v)
{
    return (uint64_t)(int64_t)(int32_t)v == v;
}
static inline bool jit_fits_s8(int64_t v)
{
    return v == (int8_t)v;
}

#endif
