/*
 * emu/x86/decode.h — the table-driven x86_64 instruction decoder.
 *
 * x86_decode() turns up to 15 bytes into an X86Insn: prefixes, REX/VEX,
 * opcode map, ModRM/SIB/displacement/immediates, and — from the opcode
 * tables in insns.def, which spell operands the way the Intel manual does
 * (Eb, Gv, Ib, Jz, Vx, Wx, ...) — a mnemonic and decoded operands.  The
 * decoder knows encodings only; what an instruction does is the
 * translator's business (emu/x86/translate.c dispatches on the mnemonic).
 *
 * Mnemonic conventions (mnemonics.def lists each once as MN(NAME)):
 *  - Intel's uppercase mnemonic: ADD, MOV, MOVZX, IMUL, MOVDQA, PCMPEQB...
 *  - condition-code families are one mnemonic each: JCC, SETCC, CMOVCC,
 *    FCMOVCC; the condition (0..15, Intel order O,NO,B,AE,E,NE,BE,A,S,NS,P,
 *    NP,L,GE,LE,G) is in X86Insn.cond.
 *  - string instructions: MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS, with the
 *    element size in opsize (1,2,4,8) and REP/REPNE in prefixes.
 *  - forms that differ only by operand size share a mnemonic
 *    (CWD/CDQ/CQO -> CWD_CDQ_CQO is avoided: use CWD, CDQ, CQO; CBW/CWDE/
 *    CDQE likewise: CBW, CWDE, CDQE).
 *  - SSE forms that differ by mandatory prefix are distinct mnemonics
 *    (MOVUPS, MOVUPD, MOVSS, MOVSD_SSE — MOVSD is the string insn).
 *  - VEX-encoded forms use the V-prefixed name (VADDPS...).
 *  - valid encodings emu has no entry for decode with mnemonic
 *    X86_MN_UNKNOWN and a correct length (the translator raises #UD and logs
 *    "unimplemented"); invalid encodings return X86_DECODE_INVALID.
 */
#ifndef EMU_X86_DECODE_H
#define EMU_X86_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum X86Mnemonic {
#define MN(name) X86_MN_##name,
#include "mnemonics.def"
#undef MN
    X86_MN_NB
} X86Mnemonic;

extern const char *const x86_mnemonic_names[X86_MN_NB];

enum X86Map { X86_MAP_ONE, X86_MAP_0F, X86_MAP_0F38, X86_MAP_0F3A, X86_MAP_X87 };

/* Prefix bits. */
#define X86_PREFIX_LOCK  0x01
#define X86_PREFIX_REPZ  0x02   /* F3 */
#define X86_PREFIX_REPNZ 0x04   /* F2 */
#define X86_PREFIX_DATA  0x08   /* 66 */
#define X86_PREFIX_ADDR  0x10   /* 67 */
#define X86_PREFIX_REX   0x20
#define X86_PREFIX_VEX   0x40
#define X86_PREFIX_EVEX  0x80

typedef enum X86OpKind {
    X86_OPK_NONE,
    X86_OPK_GPR,    /* reg = 0..15; hi8 = AH/CH/DH/BH: reg is 0..3, the register
                       holding it (AH -> 0) */
    X86_OPK_MEM,    /* the memory operand X86Insn.mem */
    X86_OPK_IMM,    /* imm = value, already extended to 64 bits as the
                       instruction defines it (sign-extended Ib/Iz where the
                       manual says so, zero-extended otherwise) */
    X86_OPK_REL,    /* branch: imm = absolute target (pc + len + disp) */
    X86_OPK_XMM,    /* reg = 0..15 (size 16 = xmm, 32 = ymm) */
    X86_OPK_MMX,    /* reg = 0..7 */
    X86_OPK_SEG,    /* reg = R_ES..R_GS */
    X86_OPK_ST,     /* x87 st(reg) */
    X86_OPK_CTRL,   /* control/debug register (always #UD/#GP in user mode) */
} X86OpKind;

typedef struct X86Operand {
    uint8_t kind;   /* X86OpKind */
    uint8_t size;   /* bytes: 1, 2, 4, 8, 10, 16, 32; 0 = not meaningful */
    uint8_t reg;
    bool hi8;
    int64_t imm;
} X86Operand;

#define X86_REG_NONE (-1)
#define X86_REG_RIP  (-2)    /* mem.base for RIP-relative addressing */

typedef struct X86MemRef {
    int8_t base;      /* 0..15, X86_REG_NONE or X86_REG_RIP */
    int8_t index;     /* 0..15 or X86_REG_NONE */
    uint8_t scale;    /* shift count 0..3 */
    int8_t seg;       /* R_FS / R_GS override, or -1 (others are no-ops) */
    uint8_t addr_size;/* 8, or 4 with the 0x67 prefix */
    int64_t disp;     /* RIP-relative: effective = pc + len + disp */
} X86MemRef;

typedef struct X86Insn {
    uint64_t pc;
    uint8_t len;
    uint8_t bytes[15];
    uint16_t mnemonic;   /* X86Mnemonic */
    uint8_t map;         /* enum X86Map */
    uint8_t opcode;      /* opcode byte in its map */
    uint16_t prefixes;   /* X86_PREFIX_* */
    uint8_t rex;         /* REX byte, 0 if none */
    uint8_t opsize;      /* effective operand size 2/4/8 (1 for byte forms) */
    uint8_t cond;        /* JCC/SETCC/CMOVCC/FCMOVCC condition */
    bool has_modrm;
    uint8_t modrm;       /* raw ModRM byte */
    bool has_mem;
    X86MemRef mem;
    uint8_t nb_ops;
    X86Operand ops[4];   /* Intel order: ops[0] is the destination */
    /* VEX */
    uint8_t vex_l;       /* 0 = 128, 1 = 256 */
    uint8_t vex_v;       /* the extra register (already inverted), 0..15 */
    uint8_t vex_w;
} X86Insn;

#define X86_DECODE_TRUNCATED (-1)  /* needs more bytes than available */
#define X86_DECODE_INVALID   (-2)  /* #UD: unassigned or invalid encoding, or > 15 bytes */

/* Decode the instruction at buf[0..avail) whose address is pc.  Returns its
 * length (1..15) and fills *insn, or a negative X86_DECODE_* value. */
int x86_decode(const uint8_t *buf, size_t avail, uint64_t pc, X86Insn *insn);

/* Length only (same rules as x86_decode). */
int x86_insn_length(const uint8_t *buf, size_t avail);

#endif
