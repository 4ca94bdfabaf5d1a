/*
 * emu/x86/decode.c — the table-driven x86_64 decoder.
 *
 * The opcode tables (insns-*.def) list one line per instruction form:
 *
 *     I(opcode, MNEMONIC, flags, operand specs...)   semantics comment
 *
 * with operands spelled as in the Intel manual's opcode maps (Eb, Gv, Ib,
 * Jz, Vx, Hx, Wx, ...) and flags for what selects the line (mandatory
 * prefix, ModRM.reg/mod/rm, REX.W/VEX.W, VEX.L, operand size) and what the
 * line implies (d64/f64 operand size, LOCK allowed, ...).  Several lines may
 * share an opcode; the first one whose selectors match wins, so specific
 * lines (ENDBR64) come before general ones (hint NOP).
 *
 * Decoding order: legacy prefixes and REX, VEX/EVEX, opcode map and byte,
 * ModRM/SIB/displacement (whether an opcode has a ModRM byte is derived
 * from its lines), table match, then operands in table order, which also
 * consumes the immediates in encoding order.
 */
#include <string.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/x86/decode.h"

const char *const x86_mnemonic_names[X86_MN_NB] = {
#define MN(name) #name,
#include "mnemonics.def"
#undef MN
};

/*
 * Operand specifications: addressing method + size, as in the Intel
 * opcode-map notation.  Sizes: b=1 w=2 d=4 q=8 t=10 dq=16 qq=32,
 * v = operand size (2/4/8), y = 4 or 8 (REX.W/VEX.W), z = 2 or 4 (Iz),
 * x = 16 or 32 (VEX.L), h/qt/oc = half/quarter/eighth of x (for
 * widening conversions' sources).
 */
enum X86OpSpec {
    OS_NONE,
    /* ModRM.rm: GPR or memory */
    Eb, Ew, Ed, Eq, Ev, Ey,
    Evw,            /* register: v, memory: w (MOV Ev,Sw; SLDT; SMSW) */
    Edb,            /* register: d, memory: b (PEXTRB, PINSRB) */
    Edw,            /* register: d, memory: w (PEXTRW m16, PINSRW) */
    Ezw,            /* register: 2 or 4 (z), memory: w (LAR, LSL) */
    /* ModRM.reg: GPR */
    Gb, Gw, Gd, Gq, Gv, Gy,
    /* ModRM.rm: GPR only (mod ignored for Rq of MOV CR/DR) */
    Rd, Rq, Rv, Ry,
    By,             /* VEX.vvvv GPR, size y */
    Zb, Zv, Zq,     /* register in opcode bits 2:0 (+REX.B) */
    /* ModRM.rm: memory only */
    M, Mb, Mw, Md, Mq, Mt, Mdq, Mqq, Mx, Mv, My, Mp, Ms,
    Mvsib,          /* VSIB memory (gathers): index is an XMM register */
    /* immediates: Ib zero-extended; Ibs sign-extended (size = opsize);
       Iw zero-extended; Iz 2/4 bytes sign-extended; Iv opsize bytes */
    Ib, Ibs, Iw, Iz, Iv, I1,
    Jb, Jz,         /* relative branch target */
    Ob, Ov,         /* moffs: absolute address (A0-A3) */
    /* fixed registers */
    AL, CL, DX, rAX, eAX, AX16,
    Sw, SFS, SGS,
    ST0, STi,
    Cd, Dd,         /* control/debug register from ModRM.reg */
    /* SSE/AVX: V = ModRM.reg, H = VEX.vvvv (dropped without VEX),
       W = ModRM.rm xmm or memory, U = ModRM.rm xmm only, L = imm8[7:4] */
    Vx, Vdq, Vqq,
    Hx, Hdq, Hqq,
    Wx, Wdq, Wqq, Wss, Wsd, Wq, Wd, Ww, Wb, Wh, Wqt, Woc,
    Wxq,            /* 256: x; 128: q (MOVDDUP) */
    Ux, Udq,
    Lx,
    XMM0,           /* implicit <XMM0> of legacy BLENDV* */
    /* MMX: P = ModRM.reg, Q = rm mm or memory, N = rm mm only */
    Pq, Qq, Qd, Nq,
};

/* Line flags: selectors first, then properties. */
#define PNP      (1ull << 0)    /* selector: no 66/F2/F3 mandatory prefix */
#define P66      (1ull << 1)    /* selector: 66 (and no F2/F3) */
#define PF3      (1ull << 2)    /* selector: F3 (the last of F2/F3) */
#define PF2      (1ull << 3)    /* selector: F2 (the last of F2/F3) */
#define PMASK    0xfull
#define REG(n)   ((uint64_t)((n) + 1) << 4)     /* selector: ModRM.reg */
#define RM(n)    ((uint64_t)((n) + 1) << 8)     /* selector: ModRM.rm */
#define REGMASK  (0xfull << 4)
#define RMMASK   (0xfull << 8)
#define MODMEM   (1ull << 12)   /* selector: mod != 3 */
#define MODREG   (1ull << 13)   /* selector: mod == 3 */
#define W0       (1ull << 14)   /* selector: REX.W / VEX.W clear */
#define W1       (1ull << 15)   /* selector: REX.W / VEX.W set */
#define L0       (1ull << 16)   /* selector: VEX.L = 0 */
#define L1       (1ull << 17)   /* selector: VEX.L = 1 */
#define VEX      (1ull << 18)   /* also VEX-encoded, as V<MNEMONIC> */
#define VEXONLY  (1ull << 19)   /* only VEX-encoded, mnemonic as written */
#define D64      (1ull << 20)   /* operand size defaults to 64 (66: 16) */
#define F64      (1ull << 21)   /* operand size forced to 64 */
#define LOCK     (1ull << 22)   /* LOCK allowed with a memory destination */
#define BYTE     (1ull << 23)   /* byte operation without byte operands */
#define INV      (1ull << 24)   /* matching encodings are invalid (#UD) */
#define NOREXB   (1ull << 25)   /* selector: REX.B clear (90 NOP/PAUSE) */
#define MODRM    (1ull << 26)   /* has a ModRM byte but no ModRM operand */
#define COND(c)  ((uint64_t)((c) | 16) << 27)   /* FCMOVcc condition */
#define OS16     (1ull << 32)   /* selector: operand size 16 */
#define OS32     (1ull << 33)   /* selector: operand size 32 */
#define OS64     (1ull << 34)   /* selector: operand size 64 */
#define A32      (1ull << 35)   /* selector: address size 32 (0x67) */
#define A64      (1ull << 36)   /* selector: address size 64 */

typedef struct X86InsnDesc {
    uint16_t mn;
    uint8_t opc;
    uint8_t ops[4];
    uint64_t flags;
} X86InsnDesc;

#define I(opc_, mn_, flags_, ...) \
    { X86_MN_##mn_, (opc_), { __VA_ARGS__ }, (flags_) },
/* Eight consecutive opcodes with the register in bits 2:0. */
#define I8(opc_, mn_, flags_, ...) \
    I((opc_) + 0, mn_, flags_, __VA_ARGS__) I((opc_) + 1, mn_, flags_, __VA_ARGS__) \
    I((opc_) + 2, mn_, flags_, __VA_ARGS__) I((opc_) + 3, mn_, flags_, __VA_ARGS__) \
    I((opc_) + 4, mn_, flags_, __VA_ARGS__) I((opc_) + 5, mn_, flags_, __VA_ARGS__) \
    I((opc_) + 6, mn_, flags_, __VA_ARGS__) I((opc_) + 7, mn_, flags_, __VA_ARGS__)
/* Sixteen consecutive opcodes with the condition in bits 3:0. */
#define I16(opc_, mn_, flags_, ...) \
    I8(opc_, mn_, flags_, __VA_ARGS__) I8((opc_) + 8, mn_, flags_, __VA_ARGS__)

static const X86InsnDesc tbl_one[] = {
#include "insns-one.def"
#include "insns-x87.def"
};
static const X86InsnDesc tbl_0f[] = {
#include "insns-0f.def"
#include "insns-sse.def"
#include "insns-sse2.def"
};
static const X86InsnDesc tbl_0f38[] = {
#include "insns-0f38.def"
};
static const X86InsnDesc tbl_0f3a[] = {
#include "insns-0f3a.def"
};

/* Index built once: the lines of each (map, opcode) in table order. */
#define NB_MAPS 4
typedef struct X86OpcodeIndex {
    uint16_t start, count;
    bool has_modrm;
} X86OpcodeIndex;

static struct {
    X86OpcodeIndex idx[NB_MAPS][256];
    const X86InsnDesc *lines[G_N_ELEMENTS(tbl_one) + G_N_ELEMENTS(tbl_0f) +
                             G_N_ELEMENTS(tbl_0f38) + G_N_ELEMENTS(tbl_0f3a)];
    uint16_t vex_mn[X86_MN_NB];     /* legacy mnemonic -> V-form */
} x86_dec;

static bool spec_uses_modrm(uint8_t s)
{
    switch (s) {
    case Eb ... Ry:
    case M ... Mvsib:
    case Sw: case STi: case Cd: case Dd:
    case Vx ... Udq:
    case Pq ... Nq:
        return true;
    default:
        return false;
    }
}

/* The mnemonic id of name (names: the id + 1 of every mnemonic, by name). */
static uint16_t lookup_mnemonic(GHashTable *names, const char *name)
{
    uintptr_t id = (uintptr_t)g_hash_table_lookup(names, name);
    return id ? (uint16_t)(id - 1) : X86_MN_UNKNOWN;
}

/* Per opcode map, the table lines grouped by opcode (stable: a counting
 * sort keeps the table's order within an opcode), and each VEX line's
 * V-mnemonic.  Runs at every start-up: linear in the tables' size. */
static void x86_dec_init_once(void)
{
    static const struct { const X86InsnDesc *t; size_t n; } maps[NB_MAPS] = {
        { tbl_one, G_N_ELEMENTS(tbl_one) },
        { tbl_0f, G_N_ELEMENTS(tbl_0f) },
        { tbl_0f38, G_N_ELEMENTS(tbl_0f38) },
        { tbl_0f3a, G_N_ELEMENTS(tbl_0f3a) },
    };
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    for (uintptr_t i = 0; i < X86_MN_NB; i++) {
        g_hash_table_insert(names, (gpointer)x86_mnemonic_names[i], (gpointer)(i + 1));
    }
    size_t pos = 0;

    for (int m = 0; m < NB_MAPS; m++) {
        for (size_t i = 0; i < maps[m].n; i++) {
            x86_dec.idx[m][maps[m].t[i].opc].count++;
        }
        uint16_t fill[256];
        for (int op = 0; op < 256; op++) {
            X86OpcodeIndex *ix = &x86_dec.idx[m][op];
            ix->start = (uint16_t)pos;
            fill[op] = (uint16_t)pos;
            pos += ix->count;
        }
        for (size_t i = 0; i < maps[m].n; i++) {
            const X86InsnDesc *d = &maps[m].t[i];
            X86OpcodeIndex *ix = &x86_dec.idx[m][d->opc];
            x86_dec.lines[fill[d->opc]++] = d;
            if (d->flags & (MODRM | REGMASK | RMMASK | MODMEM | MODREG)) {
                ix->has_modrm = true;
            }
            for (int k = 0; k < 4; k++) {
                if (spec_uses_modrm(d->ops[k])) {
                    ix->has_modrm = true;
                }
            }
            if ((d->flags & VEX) && !x86_dec.vex_mn[d->mn]) {
                const char *name = x86_mnemonic_names[d->mn];
                char vname[32];
                if (d->mn == X86_MN_MOVSD_SSE) {
                    name = "MOVSD";
                }
                g_snprintf(vname, sizeof(vname), "V%s", name);
                x86_dec.vex_mn[d->mn] = lookup_mnemonic(names, vname);
                /* A VEX line without a V-mnemonic is a table bug. */
                g_assert(x86_dec.vex_mn[d->mn] != X86_MN_UNKNOWN);
            }
        }
    }
    g_assert(pos == G_N_ELEMENTS(x86_dec.lines));
    g_hash_table_destroy(names);
}

static void x86_dec_init(void)
{
    static gsize done;
    if (g_once_init_enter(&done)) {
        x86_dec_init_once();
        g_once_init_leave(&done, 1);
    }
}

/* ------------------------------------------------------------------ */

typedef struct DecodeState {
    const uint8_t *buf;
    size_t avail;
    int pos;
    int err;            /* 0 or X86_DECODE_* */
    X86Insn *insn;
    /* REX or VEX register extension bits */
    bool rex_w, rex_r, rex_x, rex_b;
    bool vex;
    uint8_t pclass;     /* mandatory prefix: 0 none, 1 66, 2 F3, 3 F2 */
    bool has_66, has_67;
    int mod, reg, rm;   /* raw ModRM fields (reg/rm without REX) */
    int rel_op;         /* ops[] index of a REL operand, or -1 */
    bool uses_vvvv;
} DecodeState;

static int fetch(DecodeState *st)
{
    if (st->err) {
        return 0;
    }
    if (st->pos >= 15) {
        st->err = X86_DECODE_INVALID;
        return 0;
    }
    if ((size_t)st->pos >= st->avail) {
        st->err = X86_DECODE_TRUNCATED;
        return 0;
    }
    uint8_t b = st->buf[st->pos];
    st->insn->bytes[st->pos++] = b;
    return b;
}

static uint64_t fetch_le(DecodeState *st, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) {
        v |= (uint64_t)fetch(st) << (8 * i);
    }
    return v;
}

static int64_t sext(uint64_t v, int bytes)
{
    int sh = 64 - 8 * bytes;
    return (int64_t)(v << sh) >> sh;
}

/* ModRM memory operand: SIB, displacement, RIP-relative. */
static void decode_modrm_mem(DecodeState *st)
{
    X86Insn *insn = st->insn;
    X86MemRef *m = &insn->mem;
    int disp_bytes = st->mod == 1 ? 1 : st->mod == 2 ? 4 : 0;

    insn->has_mem = true;
    m->base = X86_REG_NONE;
    m->index = X86_REG_NONE;
    m->scale = 0;
    if (st->rm == 4) {
        int sib = fetch(st);
        int base = sib & 7, index = ((sib >> 3) & 7) | (st->rex_x << 3);
        m->scale = sib >> 6;
        /* index 100 without REX.X means no index (RSP can't be one) */
        if (index != 4) {
            m->index = index;
        }
        if (base == 5 && st->mod == 0) {
            disp_bytes = 4;
        } else {
            m->base = base | (st->rex_b << 3);
        }
    } else if (st->rm == 5 && st->mod == 0) {
        m->base = X86_REG_RIP;
        disp_bytes = 4;
    } else {
        m->base = st->rm | (st->rex_b << 3);
    }
    m->disp = sext(fetch_le(st, disp_bytes), disp_bytes ? disp_bytes : 8);
}

static void set_gpr(DecodeState *st, X86Operand *op, int reg, int size)
{
    op->kind = X86_OPK_GPR;
    op->size = size;
    op->reg = reg;
    /* Without any REX, byte registers 4-7 are AH, CH, DH, BH. */
    if (size == 1 && !st->insn->rex && !st->vex && reg >= 4 && reg < 8) {
        op->reg = reg - 4;
        op->hi8 = true;
    }
}

static void set_mem(DecodeState *st, X86Operand *op, int size)
{
    op->kind = X86_OPK_MEM;
    op->size = size;
}

static void set_xmm(X86Operand *op, int reg, int size)
{
    op->kind = X86_OPK_XMM;
    op->reg = reg;
    op->size = size;
}

static void set_imm(X86Operand *op, int64_t v, int size)
{
    op->kind = X86_OPK_IMM;
    op->imm = v;
    op->size = size;
}

static bool spec_is_byte_gpr(uint8_t s)
{
    return s == Eb || s == Gb || s == Zb || s == AL || s == Ob;
}

/* Can this line's operands be encoded with the ModRM.mod we have? */
static bool ops_match_mod(const X86InsnDesc *d, bool is_mem)
{
    for (int k = 0; k < 4; k++) {
        switch (d->ops[k]) {
        case Rd: case Rv: case Ry: case Ux: case Udq: case Nq: case STi:
            if (is_mem) {
                return false;
            }
            break;
        case M ... Mvsib:
            if (!is_mem) {
                return false;
            }
            break;
        default:
            break;
        }
    }
    return true;
}

static bool line_matches(DecodeState *st, const X86InsnDesc *d, bool has_modrm)
{
    uint64_t f = d->flags;
    X86Insn *insn = st->insn;

    if (st->vex ? !(f & (VEX | VEXONLY)) : (f & VEXONLY)) {
        return false;
    }
    if ((f & PMASK) && !(f & (PNP << st->pclass))) {
        return false;
    }
    if (has_modrm) {
        bool is_mem = st->mod != 3;
        if ((f & REGMASK) && ((f >> 4) & 15) != st->reg + 1) {
            return false;
        }
        /* An rm selector is about register forms (0F 01 C8, D9 E0...). */
        if ((f & RMMASK) && (is_mem || ((f >> 8) & 15) != st->rm + 1)) {
            return false;
        }
        if (((f & MODMEM) && !is_mem) || ((f & MODREG) && is_mem)) {
            return false;
        }
        if (!ops_match_mod(d, is_mem)) {
            return false;
        }
    }
    /* VSIB (gathers) needs a SIB byte */
    for (int k = 0; k < 4; k++) {
        if (d->ops[k] == Mvsib && (!has_modrm || st->mod == 3 || st->rm != 4)) {
            return false;
        }
    }
    if (((f & W0) && st->rex_w) || ((f & W1) && !st->rex_w)) {
        return false;
    }
    if (((f & L0) && insn->vex_l) || ((f & L1) && !insn->vex_l)) {
        return false;
    }
    if ((f & NOREXB) && st->rex_b) {
        return false;
    }
    if (f & (OS16 | OS32 | OS64)) {
        int os = st->rex_w ? 8 : st->has_66 ? 2 : 4;
        if (!(f & (os == 2 ? OS16 : os == 4 ? OS32 : OS64))) {
            return false;
        }
    }
    if (((f & A32) && !st->has_67) || ((f & A64) && st->has_67)) {
        return false;
    }
    return true;
}

static int gpr_size(DecodeState *st, uint8_t s)
{
    switch (s) {
    case Eb: case Gb: case Zb: case Mb: return 1;
    case Ew: case Gw: case Mw: return 2;
    case Ed: case Gd: case Rd: case Md: return 4;
    case Eq: case Gq: case Rq: case Zq: case Mq: return 8;
    case Ey: case Gy: case Ry: case By: case My: return st->rex_w ? 8 : 4;
    default: return st->insn->opsize;
    }
}

/* x-sized vector width, and the widening-source fractions of it. */
static int vec_size(DecodeState *st, uint8_t s)
{
    int x = st->insn->vex_l ? 32 : 16;
    switch (s) {
    case Vx: case Hx: case Wx: case Ux: case Lx: case Mx: return x;
    case Vqq: case Hqq: case Wqq: case Mqq: return 32;
    case Wss: case Wd: return 4;
    case Wsd: case Wq: return 8;
    case Ww: return 2;
    case Wb: return 1;
    case Wh: return x / 2;
    case Wxq: return st->insn->vex_l ? 32 : 8;
    case Wqt: return x / 4;
    case Woc: return x / 8;
    default: return 16;
    }
}

static void decode_operand(DecodeState *st, uint8_t s, X86Operand *op, int k)
{
    X86Insn *insn = st->insn;
    int reg = st->reg | (st->rex_r << 3);
    int rm = st->rm | (st->rex_b << 3);
    bool is_mem = insn->has_modrm && st->mod != 3;
    int os = insn->opsize;

    switch (s) {
    case Eb: case Ew: case Ed: case Eq: case Ev: case Ey:
        if (is_mem) {
            set_mem(st, op, gpr_size(st, s));
        } else {
            set_gpr(st, op, rm, gpr_size(st, s));
        }
        break;
    case Evw:
        if (is_mem) {
            set_mem(st, op, 2);
        } else {
            set_gpr(st, op, rm, os);
        }
        break;
    case Edb: case Edw: case Ezw:
        if (is_mem) {
            set_mem(st, op, s == Edb ? 1 : 2);
        } else {
            set_gpr(st, op, rm, s == Ezw && os == 2 ? 2 : 4);
        }
        break;
    case Gb: case Gw: case Gd: case Gq: case Gv: case Gy:
        set_gpr(st, op, reg, gpr_size(st, s));
        break;
    case Rd: case Rq: case Rv: case Ry:
        set_gpr(st, op, rm, gpr_size(st, s));
        break;
    case By:
        set_gpr(st, op, insn->vex_v, gpr_size(st, s));
        st->uses_vvvv = true;
        break;
    case Zb: case Zv: case Zq:
        set_gpr(st, op, (insn->opcode & 7) | (st->rex_b << 3), gpr_size(st, s));
        break;
    case M:
        set_mem(st, op, 0);
        break;
    case Mb: case Mw: case Md: case Mq: case Mv: case My:
        set_mem(st, op, gpr_size(st, s));
        break;
    case Mt:
        set_mem(st, op, 10);
        break;
    case Mdq:
        set_mem(st, op, 16);
        break;
    case Mqq: case Mx:
        set_mem(st, op, vec_size(st, s));
        break;
    case Mp:
        set_mem(st, op, os + 2);
        break;
    case Ms:
        set_mem(st, op, 10);
        break;
    case Mvsib:
        /* The SIB index names a vector register. */
        if (insn->mem.index == X86_REG_NONE) {
            insn->mem.index = 4 | (st->rex_x << 3);
        }
        set_mem(st, op, 0);
        break;
    case Ib:
        set_imm(op, fetch(st), 1);
        break;
    case Ibs:
        set_imm(op, (int8_t)fetch(st), os);
        break;
    case Iw:
        set_imm(op, fetch_le(st, 2), 2);
        break;
    case Iz: {
        int n = os == 2 ? 2 : 4;
        set_imm(op, sext(fetch_le(st, n), n), os);
        break;
    }
    case Iv:
        set_imm(op, sext(fetch_le(st, os), os), os);
        break;
    case I1:
        set_imm(op, 1, 1);
        break;
    case Jb: case Jz: {
        int n = s == Jb ? 1 : 4;
        op->kind = X86_OPK_REL;
        op->size = 8;
        op->imm = sext(fetch_le(st, n), n);
        st->rel_op = k;
        break;
    }
    case Ob: case Ov: {
        int n = st->has_67 ? 4 : 8;
        insn->has_mem = true;
        insn->mem.base = X86_REG_NONE;
        insn->mem.index = X86_REG_NONE;
        insn->mem.scale = 0;
        insn->mem.disp = (int64_t)fetch_le(st, n);
        set_mem(st, op, s == Ob ? 1 : os);
        break;
    }
    case AL:
        set_gpr(st, op, R_EAX, 1);
        break;
    case CL:
        set_gpr(st, op, R_ECX, 1);
        break;
    case DX:
        set_gpr(st, op, R_EDX, 2);
        break;
    case AX16:
        set_gpr(st, op, R_EAX, 2);
        break;
    case rAX:
        set_gpr(st, op, R_EAX, os);
        break;
    case eAX:
        set_gpr(st, op, R_EAX, st->has_66 ? 2 : 4);
        break;
    case Sw:
        op->kind = X86_OPK_SEG;
        op->reg = st->reg;
        op->size = 2;
        break;
    case SFS: case SGS:
        op->kind = X86_OPK_SEG;
        op->reg = s == SFS ? R_FS : R_GS;
        op->size = 2;
        break;
    case ST0:
        op->kind = X86_OPK_ST;
        op->reg = 0;
        op->size = 10;
        break;
    case STi:
        op->kind = X86_OPK_ST;
        op->reg = st->rm;
        op->size = 10;
        break;
    case Cd: case Dd:
        op->kind = X86_OPK_CTRL;
        op->reg = reg;
        op->size = 8;
        break;
    case Vx: case Vdq: case Vqq:
        set_xmm(op, reg, vec_size(st, s));
        break;
    case Hx: case Hdq: case Hqq:
        set_xmm(op, insn->vex_v, vec_size(st, s));
        st->uses_vvvv = true;
        break;
    case Wx: case Wdq: case Wqq: case Wss: case Wsd: case Wq: case Wd:
    case Ww: case Wb: case Wh: case Wqt: case Woc: case Wxq:
        if (is_mem) {
            set_mem(st, op, vec_size(st, s));
        } else {
            /* Register forms name the whole xmm/ymm register. */
            set_xmm(op, rm, (s == Wx || s == Wqq || s == Wxq) ?
                    (st->insn->vex_l ? 32 : 16) : 16);
        }
        break;
    case Ux: case Udq:
        set_xmm(op, rm, vec_size(st, s));
        break;
    case Lx:
        set_xmm(op, (fetch(st) >> 4) & 15, vec_size(st, s));
        break;
    case XMM0:
        set_xmm(op, 0, 16);
        break;
    case Pq:
        op->kind = X86_OPK_MMX;
        op->reg = st->reg;
        op->size = 8;
        break;
    case Qq: case Qd: case Nq:
        if (is_mem) {
            set_mem(st, op, s == Qd ? 4 : 8);
        } else {
            op->kind = X86_OPK_MMX;
            op->reg = st->rm;
            op->size = 8;
        }
        break;
    default:
        break;
    }
}

/* Length of an instruction no line describes, for maps whose layout is
 * regular (every opcode has ModRM; 0F3A and a few 0F ones have imm8). */
static bool generic_imm8(int map, int opc)
{
    if (map == X86_MAP_0F3A) {
        return true;
    }
    if (map == X86_MAP_0F) {
        return (opc >= 0x70 && opc <= 0x73) || opc == 0xc2 ||
               (opc >= 0xc4 && opc <= 0xc6);
    }
    return false;
}

static void decode_modrm(DecodeState *st)
{
    X86Insn *insn = st->insn;
    insn->has_modrm = true;
    insn->modrm = fetch(st);
    st->mod = insn->modrm >> 6;
    st->reg = (insn->modrm >> 3) & 7;
    st->rm = insn->modrm & 7;
    /* MOV to/from CR/DR ignore mod: always a register, no SIB/disp. */
    if (insn->map == X86_MAP_0F && (insn->opcode & 0xfc) == 0x20) {
        st->mod = 3;
    }
    if (st->mod != 3) {
        decode_modrm_mem(st);
    }
}

/* EVEX (62): decoded for its length only; AVX-512 is not emulated. */
static int decode_evex_rest(DecodeState *st)
{
    X86Insn *insn = st->insn;
    int p0 = fetch(st);
    fetch(st);  /* P1: W vvvv 1 pp */
    fetch(st);  /* P2: z L'L b V' aaa */
    int map = p0 & 7;
    insn->prefixes |= X86_PREFIX_EVEX;
    insn->opcode = fetch(st);
    insn->map = map == 2 ? X86_MAP_0F38 : map == 3 ? X86_MAP_0F3A : X86_MAP_0F;
    st->rex_b = st->rex_x = 0;
    decode_modrm(st);
    if (map == 3 || (map == 1 && generic_imm8(X86_MAP_0F, insn->opcode))) {
        fetch(st);
    }
    return st->err;
}

static int decode_insn(DecodeState *st)
{
    X86Insn *insn = st->insn;
    int last_seg = -1, last_rep = 0;
    int b;

    /* Legacy prefixes in any order; a REX counts only right before the
     * opcode (a legacy prefix after it cancels it). */
    for (;;) {
        b = fetch(st);
        if (st->err) {
            return st->err;
        }
        if (b >= 0x40 && b <= 0x4f) {
            insn->rex = b;
            continue;
        }
        switch (b) {
        case 0xf0: insn->prefixes |= X86_PREFIX_LOCK; break;
        case 0xf2: insn->prefixes |= X86_PREFIX_REPNZ; last_rep = b; break;
        case 0xf3: insn->prefixes |= X86_PREFIX_REPZ; last_rep = b; break;
        case 0x66: insn->prefixes |= X86_PREFIX_DATA; st->has_66 = true; break;
        case 0x67: insn->prefixes |= X86_PREFIX_ADDR; st->has_67 = true; break;
        case 0x26: last_seg = R_ES; break;
        case 0x2e: last_seg = R_CS; break;
        case 0x36: last_seg = R_SS; break;
        case 0x3e: last_seg = R_DS; break;
        case 0x64: last_seg = R_FS; break;
        case 0x65: last_seg = R_GS; break;
        default:
            goto prefixes_done;
        }
        insn->rex = 0;
    }
prefixes_done:
    if (insn->rex) {
        insn->prefixes |= X86_PREFIX_REX;
        st->rex_w = insn->rex & 8;
        st->rex_r = insn->rex & 4;
        st->rex_x = insn->rex & 2;
        st->rex_b = insn->rex & 1;
    }
    insn->mem.seg = (last_seg == R_FS || last_seg == R_GS) ? last_seg : -1;
    insn->mem.addr_size = st->has_67 ? 4 : 8;
    st->pclass = last_rep == 0xf3 ? 2 : last_rep == 0xf2 ? 3 : st->has_66 ? 1 : 0;

    int map = X86_MAP_ONE;
    if (b == 0xc4 || b == 0xc5 || b == 0x62) {
        /* VEX/EVEX: no REX, 66/F2/F3 or LOCK before them. */
        if (insn->rex || last_rep || st->has_66 ||
            (insn->prefixes & X86_PREFIX_LOCK)) {
            /* Still find the length for EVEX/VEX? #UD is what counts. */
            return X86_DECODE_INVALID;
        }
        if (b == 0x62) {
            return decode_evex_rest(st);
        }
        int p1 = fetch(st), p2;
        if (b == 0xc5) {
            p2 = p1;
            st->rex_r = !(p1 & 0x80);
            map = X86_MAP_0F;
        } else {
            p2 = fetch(st);
            st->rex_r = !(p1 & 0x80);
            st->rex_x = !(p1 & 0x40);
            st->rex_b = !(p1 & 0x20);
            switch (p1 & 0x1f) {
            case 1: map = X86_MAP_0F; break;
            case 2: map = X86_MAP_0F38; break;
            case 3: map = X86_MAP_0F3A; break;
            default:
                fetch(st);
                return st->err ? st->err : X86_DECODE_INVALID;
            }
            st->rex_w = p2 & 0x80;
        }
        if (st->err) {
            return st->err;
        }
        st->vex = true;
        insn->prefixes |= X86_PREFIX_VEX;
        insn->vex_w = st->rex_w;
        insn->vex_v = (~p2 >> 3) & 15;
        insn->vex_l = (p2 >> 2) & 1;
        st->pclass = p2 & 3;
        b = fetch(st);
    } else if (b == 0x0f) {
        b = fetch(st);
        map = X86_MAP_0F;
        if (b == 0x38 || b == 0x3a) {
            map = b == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
            b = fetch(st);
        }
    }
    if (st->err) {
        return st->err;
    }
    insn->map = map;
    insn->opcode = b;

    const X86OpcodeIndex *ix = &x86_dec.idx[map][b];
    bool regular = st->vex || map == X86_MAP_0F38 || map == X86_MAP_0F3A;
    if (ix->count == 0 && !regular) {
        return X86_DECODE_INVALID;
    }
    if (ix->has_modrm || (ix->count == 0 && regular)) {
        decode_modrm(st);
        if (st->err) {
            return st->err;
        }
    }

    const X86InsnDesc *d = NULL;
    for (int i = 0; i < ix->count; i++) {
        const X86InsnDesc *c = x86_dec.lines[ix->start + i];
        if (line_matches(st, c, insn->has_modrm)) {
            d = c;
            break;
        }
    }
    if (!d) {
        /* Opcodes with lines: the unmatched forms are invalid (#UD).  In
         * the regular maps an opcode without lines is a valid-looking
         * encoding of something emu doesn't know: UNKNOWN, with a length. */
        if (!regular || ix->count) {
            return X86_DECODE_INVALID;
        }
        /* Valid-looking VEX/0F38/0F3A encoding emu has no line for. */
        if (generic_imm8(map, b)) {
            fetch(st);
        }
        insn->mnemonic = X86_MN_UNKNOWN;
        return st->err;
    }
    if (d->flags & INV) {
        return X86_DECODE_INVALID;
    }

    uint64_t f = d->flags;
    insn->mnemonic = st->vex && (f & VEX) ? x86_dec.vex_mn[d->mn] : d->mn;
    if (map == X86_MAP_ONE && b >= 0xd8 && b <= 0xdf) {
        insn->map = X86_MAP_X87;
    }

    /* Operand size: a 66 the line uses as mandatory prefix isn't one. */
    bool data16 = st->has_66 && (f & PMASK) != P66;
    if (st->vex) {
        insn->opsize = st->rex_w ? 8 : 4;
    } else if (f & F64) {
        insn->opsize = 8;
    } else if (st->rex_w) {
        insn->opsize = 8;
    } else if (data16) {
        insn->opsize = 2;
    } else {
        insn->opsize = (f & D64) ? 8 : 4;
    }
    if (f & BYTE) {
        insn->opsize = 1;
    } else {
        for (int k = 0; k < 4 && d->ops[k]; k++) {
            uint8_t s = d->ops[k];
            if (spec_is_byte_gpr(s)) {
                insn->opsize = 1;
                break;
            }
            if (s == Ev || s == Gv || s == Zv || s == rAX || s == eAX ||
                s == Ov || s == Gy || s == Ey || s == Gw || s == Gd ||
                s == Ew || s == Ed || s == Gq || s == Eq || s == Evw ||
                s == Ezw) {
                break;
            }
        }
    }
    /* INS/OUTS and IN/OUT move at most a dword: REX.W is ignored, 66
     * still selects a word. */
    if ((insn->mnemonic == X86_MN_INS || insn->mnemonic == X86_MN_OUTS ||
         insn->mnemonic == X86_MN_IN || insn->mnemonic == X86_MN_OUT) &&
        insn->opsize > 1) {
        insn->opsize = st->has_66 ? 2 : 4;
    }
    if (f & COND(0)) {
        insn->cond = (f >> 27) & 15;
    } else if (insn->mnemonic == X86_MN_JCC || insn->mnemonic == X86_MN_SETCC ||
               insn->mnemonic == X86_MN_CMOVCC) {
        insn->cond = b & 15;
    }

    /* Operands, in table order (which is also immediate order). */
    int n = 0;
    for (int k = 0; k < 4 && d->ops[k]; k++) {
        uint8_t s = d->ops[k];
        if (!st->vex && (s == Hx || s == Hdq || s == Hqq)) {
            continue;   /* legacy SSE: the destination is the first source */
        }
        decode_operand(st, s, &insn->ops[n], n);
        n++;
    }
    insn->nb_ops = n;
    if (st->err) {
        return st->err;
    }

    /* LOCK only on lockable lines with a memory destination. */
    if ((insn->prefixes & X86_PREFIX_LOCK) &&
        (!(f & LOCK) || insn->ops[0].kind != X86_OPK_MEM)) {
        return X86_DECODE_INVALID;
    }
    /* VEX.vvvv must be 1111 when the instruction has no use for it. */
    if (st->vex && !st->uses_vvvv && insn->vex_v != 0 &&
        insn->mnemonic != X86_MN_UNKNOWN) {
        return X86_DECODE_INVALID;
    }
    return 0;
}

int x86_decode(const uint8_t *buf, size_t avail, uint64_t pc, X86Insn *insn)
{
    DecodeState st;
    int r;

    x86_dec_init();
    memset(insn, 0, sizeof(*insn));
    memset(&st, 0, sizeof(st));
    insn->pc = pc;
    st.buf = buf;
    st.avail = avail;
    st.insn = insn;
    st.rel_op = -1;
    insn->mem.seg = -1;
    insn->mem.base = X86_REG_NONE;
    insn->mem.index = X86_REG_NONE;
    insn->mem.addr_size = 8;

    r = decode_insn(&st);
    if (r < 0) {
        return r;
    }
    insn->len = st.pos;
    if (st.rel_op >= 0) {
        insn->ops[st.rel_op].imm += (int64_t)(pc + insn->len);
    }
    return insn->len;
}

int x86_insn_length(const uint8_t *buf, size_t avail)
{
    X86Insn insn;
    return x86_decode(buf, avail, 0, &insn);
}
