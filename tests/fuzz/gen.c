/*
 * tests/fuzz/gen.c — instruction sequences generated from the decoder's
 * own opcode tables.
 *
 * This file includes emu/x86/decode.c (with its three exported names
 * renamed) so that it sees the static tables built from insns-*.def, the
 * operand-spec enum (Eb, Gv, Wx, ...) and the line flags (PNP, REG(n), W1,
 * L0, VEX, ...).  Every table line, legacy- and (for VEX lines) VEX-encoded,
 * is a "variant"; a case picks variants uniformly by mnemonic and encodes
 * them with prefixes, REX/VEX bits, ModRM forms (register, [base],
 * [base+disp], [base+index*scale+disp], [disp32], RIP-relative, VSIB),
 * immediates and operand sizes as the line's selectors allow.  Every
 * encoding is decoded back with the same decoder and kept only if it
 * decodes to the intended mnemonic, so table bugs show up as "no encoding"
 * rather than as false mismatches.  Memory operands are steered into the
 * data area through registers whose initial values the case constrains.
 */
#define x86_decode fz_dec_x86_decode
#define x86_insn_length fz_dec_x86_insn_length
#define x86_mnemonic_names fz_dec_mnemonic_names
#include "emu/x86/decode.c"
#undef x86_decode
#undef x86_insn_length
#undef x86_mnemonic_names

#include <stdio.h>
#include <stdlib.h>
#include "emu/x86/cpu-model.h"
#include "fuzz.h"

typedef struct Variant {
    const X86InsnDesc *d;
    uint8_t map;
    bool vex;
    uint16_t mn;         /* the mnemonic this variant decodes to */
} Variant;

#define NB_LINES_MAX 4096

/* VEX 0F3A 00/01 (VPERMQ/VPERMPD) with W0, after any segment or address
 * size prefixes (which VEX allows). */
static bool vpermq_w0(const uint8_t *b, int len)
{
    int i = 0;
    while (i < len && (b[i] == 0x26 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e ||
                       b[i] == 0x64 || b[i] == 0x65 || b[i] == 0x67)) {
        i++;
    }
    return i + 3 < len && b[i] == 0xc4 && (b[i + 1] & 0x1f) == 3 && !(b[i + 2] & 0x80) &&
           (b[i + 3] == 0x00 || b[i + 3] == 0x01);
}

static Variant variants[NB_LINES_MAX];
static int nb_variants;
/* eligible variants grouped by mnemonic: mn_first[mn] .. + mn_count[mn] */
static int *by_mn;
static int mn_first[X86_MN_NB], mn_count[X86_MN_NB];
static int eligible_mn[X86_MN_NB], nb_eligible_mn;
/* the same for variants the model lacks but the host has (gated probes) */
static int gated[NB_LINES_MAX], nb_gated;
static FuzzGenConfig gcfg;

const char *fz_mnemonic_name(int mn)
{
    return mn >= 0 && mn < X86_MN_NB ? fz_dec_mnemonic_names[mn] : "?";
}

int fz_mnemonic_count(void)
{
    return X86_MN_NB;
}

int fz_decode(const uint8_t *code, size_t len, uint64_t pc, int *mn)
{
    X86Insn insn;
    int r = fz_dec_x86_decode(code, len, pc, &insn);
    *mn = r > 0 ? insn.mnemonic : -1;
    return r;
}

static bool spec_in(const X86InsnDesc *d, uint8_t lo, uint8_t hi)
{
    for (int k = 0; k < 4; k++) {
        if (d->ops[k] >= lo && d->ops[k] <= hi) {
            return true;
        }
    }
    return false;
}

static bool spec_has(const X86InsnDesc *d, uint8_t s)
{
    return spec_in(d, s, s);
}

/* Lines excluded by form (the mnemonic as such is fine). */
static const char *line_excluded(const X86InsnDesc *d, int map)
{
    int mn = d->mn;
    if (mn == X86_MN_MOV && d->ops[0] == Sw) {
        return "segment load";
    }
    if (mn == X86_MN_POP && (spec_has(d, SFS) || spec_has(d, SGS))) {
        return "segment load";
    }
    if ((mn == X86_MN_CALL || mn == X86_MN_JMP) && !spec_has(d, Jb) && !spec_has(d, Jz)) {
        return "indirect branch";
    }
    if (map == X86_MAP_0F && d->opc == 0x0d && mn == X86_MN_NOP) {
        return "0F 0D register form: #UD on AMD, NOP on Intel";
    }
    if (mn == X86_MN_FSTP && d->opc == 0xd9 && spec_has(d, STi)) {
        return "D9 D8+i (FSTP1): undocumented; AMD raises no stack underflow";
    }
    return NULL;
}

static int feature_of_variant(const Variant *v, bool vex_l, bool mod_reg)
{
    return fz_feature_of(v->mn, v->map, v->vex, vex_l, mod_reg);
}

/* A variant can be generated if its mnemonic isn't excluded and the host
 * has its feature (for both VEX.L values if L is free, checked again per
 * encoding). */
static bool variant_host_ok(const Variant *v)
{
    int f = feature_of_variant(v, false, false);
    return f < 0 || fz_host_has(f);
}

static bool variant_model_ok(const Variant *v)
{
    int f = feature_of_variant(v, false, false);
    return f < 0 || fz_model_has(f);
}

static bool only_has(const char *name)
{
    if (!gcfg.only) {
        return true;
    }
    size_t n = strlen(name);
    for (const char *p = gcfg.only; *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && !g_ascii_strncasecmp(p, name, n)) {
            return true;
        }
        if (!e) {
            break;
        }
        p = e + 1;
    }
    return false;
}

void fz_gen_init(const FuzzGenConfig *cfg)
{
    static const struct { const X86InsnDesc *t; size_t n; int map; } maps[] = {
        { tbl_one, G_N_ELEMENTS(tbl_one), X86_MAP_ONE },
        { tbl_0f, G_N_ELEMENTS(tbl_0f), X86_MAP_0F },
        { tbl_0f38, G_N_ELEMENTS(tbl_0f38), X86_MAP_0F38 },
        { tbl_0f3a, G_N_ELEMENTS(tbl_0f3a), X86_MAP_0F3A },
    };
    gcfg = *cfg;
    x86_dec_init();
    nb_variants = 0;
    for (size_t m = 0; m < G_N_ELEMENTS(maps); m++) {
        for (size_t i = 0; i < maps[m].n; i++) {
            const X86InsnDesc *d = &maps[m].t[i];
            if (d->mn == X86_MN_UNKNOWN || (d->flags & INV)) {
                continue;
            }
            if (!(d->flags & VEXONLY)) {
                variants[nb_variants++] = (Variant){ d, maps[m].map, false, d->mn };
            }
            if (d->flags & (VEX | VEXONLY)) {
                uint16_t vmn = (d->flags & VEX) ? x86_dec.vex_mn[d->mn] : d->mn;
                variants[nb_variants++] = (Variant){ d, maps[m].map, true, vmn };
            }
            g_assert(nb_variants < NB_LINES_MAX - 2);
        }
    }
    by_mn = g_new0(int, nb_variants);
    memset(mn_count, 0, sizeof(mn_count));
    nb_eligible_mn = 0;
    nb_gated = 0;
    int pos = 0;
    for (int mn = 1; mn < X86_MN_NB; mn++) {
        mn_first[mn] = pos;
        for (int i = 0; i < nb_variants; i++) {
            const Variant *v = &variants[i];
            if (v->mn != mn || fz_excluded_reason(mn) || line_excluded(v->d, v->map) ||
                !variant_host_ok(v) || !only_has(fz_mnemonic_name(mn))) {
                continue;
            }
            if (!variant_model_ok(v)) {
                gated[nb_gated++] = i;
                continue;
            }
            by_mn[pos++] = i;
            mn_count[mn]++;
        }
        if (mn_count[mn]) {
            eligible_mn[nb_eligible_mn++] = mn;
        }
    }
}

int fz_table_mnemonics(bool *in_table)
{
    int n = 0;
    memset(in_table, 0, X86_MN_NB);
    for (int i = 0; i < nb_variants; i++) {
        const Variant *v = &variants[i];
        if (fz_excluded_reason(v->mn) || line_excluded(v->d, v->map) ||
            !variant_host_ok(v) || !variant_model_ok(v) || in_table[v->mn]) {
            continue;
        }
        in_table[v->mn] = true;
        n++;
    }
    return n;
}

const char *fz_form_name(int i)
{
    return i >= 0 && i < nb_variants ? fz_mnemonic_name(variants[i].mn) : "?";
}

int fz_variant_count(void)
{
    return nb_variants;
}

/* Forms (table line x legacy/VEX encoding) the current model and the host
 * support and that are not excluded; fills eligible[variant]. */
int fz_table_forms(bool *eligible)
{
    int n = 0;
    for (int i = 0; i < nb_variants; i++) {
        const Variant *v = &variants[i];
        eligible[i] = !fz_excluded_reason(v->mn) && !line_excluded(v->d, v->map) &&
                      variant_host_ok(v) && variant_model_ok(v);
        n += eligible[i];
    }
    return n;
}

/* ---- encoding ---- */

typedef struct Gen {
    uint64_t rng;
    FuzzCase *c;
    int pos;             /* index of the instruction in the sequence */
} Gen;

static uint64_t rnd(Gen *g, uint64_t n)
{
    return n ? hx_rng(&g->rng) % n : 0;
}

static bool chance(Gen *g, int one_in)
{
    return rnd(g, one_in) == 0;
}

static uint64_t imm_value(Gen *g)
{
    static const int64_t edge[] = {
        0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 63, 64, 0x7f, 0x80, 0xff, -1, -2,
        0x7fff, 0x8000, 0xffff, 0x7fffffff, (int64_t)0x80000000ull,
        (int64_t)0xffffffffull, INT64_MAX, INT64_MIN,
    };
    if (chance(g, 2)) {
        return (uint64_t)edge[rnd(g, G_N_ELEMENTS(edge))];
    }
    return hx_rng(&g->rng);
}

static void set_reg(FuzzCase *c, int r, uint64_t v)
{
    if (!c->reg_set[r]) {
        c->reg_set[r] = true;
        c->reg_val[r] = v;
    }
}

static uint64_t data_ptr(Gen *g)
{
    return FZ_DATA_MID - 0x400 + 64 * rnd(g, 32);
}

/* An encoded instruction before it is placed. */
typedef struct Enc {
    uint8_t b[15];
    int len;
    int rel_at, rel_size;     /* displacement of a Jb/Jz, or rel_at = -1 */
    int rip_at;               /* disp32 of a RIP-relative operand, or -1 */
    uint64_t rip_target;
    uint64_t ea;              /* memory operand's intended address (0: none) */
} Enc;

static void put(Enc *e, uint64_t v, int n)
{
    for (int i = 0; i < n && e->len < 15; i++) {
        e->b[e->len++] = (uint8_t)(v >> (8 * i));
    }
}

/* Pick the memory operand: ModRM mod/rm, SIB and displacement; sets
 * REX.X/B through rx/rb, and constrains base/index registers. */
typedef struct MemPlan {
    int mod, rm;
    bool sib;
    uint8_t sibb;
    int disp_size;
    int64_t disp;
    bool rip;
} MemPlan;

static void plan_mem(Gen *g, MemPlan *p, bool *rx, bool *rb, bool vsib, uint64_t *ea_out)
{
    FuzzCase *c = g->c;
    uint64_t ea;
    uint64_t off = 0x200 + rnd(g, 0x1b00);

    switch (rnd(g, 4)) {
    case 0: case 1: off &= ~63ull; break;
    case 2: off &= ~15ull; break;
    default: break;
    }
    ea = FZ_DATA + off;
    if (chance(g, 64)) {
        ea = FZ_UNMAPPED + rnd(g, 0x100);       /* must fault, precisely */
    } else if (chance(g, 48)) {
        ea = FZ_DATA + FZ_DATA_SZ - 1 - rnd(g, 8);  /* straddles the end */
    }
    *ea_out = ea;
    memset(p, 0, sizeof(*p));

    int form = vsib ? 3 : (int)rnd(g, 7);
    if (form == 5 && !vsib) {
        /* RIP-relative: the displacement is patched once placed */
        p->mod = 0;
        p->rm = 5;
        p->rip = true;
        p->disp_size = 4;
        return;
    }
    if (form == 6) {
        /* SIB without base or index: [disp32] */
        p->mod = 0;
        p->rm = 4;
        p->sib = true;
        p->sibb = (uint8_t)((rnd(g, 4) << 6) | (4 << 3) | 5);
        *rx = false;
        p->disp_size = 4;
        p->disp = (int64_t)ea;
        return;
    }
    int base = (int)rnd(g, 16);
    if (c->reg_set[base] && (c->reg_val[base] < FZ_DATA || c->reg_val[base] >= FZ_DATA + FZ_DATA_SZ)) {
        /* holds a count: pick one free of constraints, or rsp */
        base = R_ESP;
        for (int t = 0; t < 16; t++) {
            int r = (int)rnd(g, 16);
            if (!c->reg_set[r]) {
                base = r;
                break;
            }
        }
    }
    set_reg(c, base, data_ptr(g));
    int64_t disp = (int64_t)(ea - c->reg_val[base]);
    int index = -1;
    int scale = (int)rnd(g, 4);
    if (vsib) {
        index = (int)rnd(g, 16);     /* a vector register */
        c->vsib_reg = index;
    } else if (form >= 3) {
        for (int t = 0; t < 8; t++) {
            int r = (int)rnd(g, 16);
            if (r == R_ESP || r == base) {
                continue;
            }
            if (!c->reg_set[r]) {
                set_reg(c, r, rnd(g, 64));
            }
            if (c->reg_val[r] < 0x100) {
                index = r;
                break;
            }
        }
        if (index >= 0) {
            disp -= (int64_t)(c->reg_val[index] << scale);
        }
    }
    bool need_sib = index >= 0 || (base & 7) == 4 || vsib;
    if (disp == 0 && (base & 7) != 5 && chance(g, 2)) {
        p->mod = 0;
    } else if (disp >= -128 && disp <= 127) {
        p->mod = 1;
    } else {
        p->mod = 2;
    }
    p->disp_size = p->mod == 1 ? 1 : p->mod == 2 ? 4 : 0;
    p->disp = disp;
    *rb = base & 8;
    if (need_sib) {
        int idx = index >= 0 ? index : 4;
        p->rm = 4;
        p->sib = true;
        p->sibb = (uint8_t)((scale << 6) | ((idx & 7) << 3) | (base & 7));
        *rx = index >= 0 && (index & 8);
    } else {
        p->rm = base & 7;
        *rx = rnd(g, 2);     /* REX.X without SIB is ignored */
    }
}

/* Encode one variant; returns false if this attempt isn't usable. */
static bool encode(Gen *g, const Variant *v, Enc *e, int mutate)
{
    const X86InsnDesc *d = v->d;
    uint64_t f = d->flags;
    bool vex = v->vex;
    const X86OpcodeIndex *ix = &x86_dec.idx[v->map][d->opc];
    bool has_modrm = ix->has_modrm || (vex && ix->count == 0);

    memset(e, 0, sizeof(*e));
    e->rel_at = e->rip_at = -1;

    /* mandatory prefix class */
    int pclass = 0;
    if (f & PMASK) {
        int opts[4], n = 0;
        for (int k = 0; k < 4; k++) {
            if (f & (PNP << k)) {
                opts[n++] = k;
            }
        }
        pclass = opts[rnd(g, n)];
    }
    /* operand size / W */
    bool w = false, data16 = false;
    if (f & W1) {
        w = true;
    } else if (!(f & W0)) {
        if (f & (OS16 | OS32 | OS64)) {
            int opts[3] = { 4, 4, 4 }, n = 0;
            if (f & OS16) opts[n++] = 2;
            if (f & OS32) opts[n++] = 4;
            if (f & OS64) opts[n++] = 8;
            int os = opts[rnd(g, n)];
            w = os == 8;
            data16 = os == 2;
        } else {
            w = chance(g, 3);
            data16 = !vex && chance(g, 4);
        }
    }
    if (pclass == 0 && (f & PMASK)) {
        data16 = false;          /* 66 would select another line */
    }
    if (pclass == 1) {
        data16 = false;          /* the 66 is the mandatory prefix */
    }
    if (f & F64) {
        data16 = false;          /* near branches: AMD honours 66, Intel ignores it */
    }
    bool vl = (f & L1) ? true : (f & L0) ? false : rnd(g, 2);
    bool uses_vvvv = spec_has(d, Hx) || spec_has(d, Hdq) || spec_has(d, Hqq) || spec_has(d, By);
    int vvvv = uses_vvvv ? (int)rnd(g, 16) : 0;
    bool vsib = spec_has(d, Mvsib);

    /* ModRM */
    int reg = (f & REGMASK) ? (int)((f >> 4) & 15) - 1 : (int)rnd(g, 8);
    bool mem;
    if (f & RMMASK) {
        mem = false;
    } else if ((f & MODMEM) || spec_in(d, M, Mvsib)) {
        mem = true;
    } else if ((f & MODREG) || spec_has(d, Rd) || spec_has(d, Rq) || spec_has(d, Rv) ||
               spec_has(d, Ry) || spec_has(d, Ux) || spec_has(d, Udq) || spec_has(d, Nq) ||
               spec_has(d, STi)) {
        mem = false;
    } else {
        mem = rnd(g, 2);
    }
    if (v->map == X86_MAP_0F && (d->opc & 0xfc) == 0x20) {
        mem = false;             /* MOV CR/DR ignore mod */
    }
    bool rr = rnd(g, 2), rx = rnd(g, 2), rb = rnd(g, 2);
    MemPlan mp;
    memset(&mp, 0, sizeof(mp));
    int rm = (f & RMMASK) ? (int)((f >> 8) & 15) - 1 : (int)rnd(g, 8);
    int mod = 3;
    if (has_modrm && mem) {
        plan_mem(g, &mp, &rx, &rb, vsib, &e->ea);
        mod = mp.mod;
        rm = mp.rm;
    }
    bool a32 = has_modrm && mem && !vsib && !mp.rip && chance(g, 16) && e->ea < (1ull << 32);

    /* invalid-encoding mutations */
    bool lock = false;
    switch (mutate) {
    case 1:                                                     /* LOCK anywhere */
        /* but not on MOV CR: AMD reads LOCK MOV CR0 as CR8 */
        lock = !(v->map == X86_MAP_0F && (d->opc & 0xfd) == 0x20);
        break;
    case 2: if (vex) { vl = !vl; } break;                       /* VEX.L flipped */
    case 3: if (vex) { vvvv = (int)rnd(g, 15) + 1; } break;     /* vvvv != 1111 */
    case 4:                                                     /* wrong mandatory prefix */
        /* only where one is defined: F2/F3 elsewhere are reserved, and
         * AMD parts give them meaning (F2 LOOPE behaves as LOOPNE) */
        if (f & PMASK) {
            pclass = (pclass + 1 + (int)rnd(g, 3)) & 3;
        }
        break;
    case 5: if (has_modrm && !(f & RMMASK) && !vsib) {          /* other mod */
            if (mem) {
                mod = 3;
                rm = (int)rnd(g, 8);
                mp.sib = false;
                mp.disp_size = 0;
                mp.rip = false;
            } else {
                mem = true;
                plan_mem(g, &mp, &rx, &rb, false, &e->ea);
                mod = mp.mod;
                rm = mp.rm;
            }
        }
        break;
    case 6: w = !w; break;                                      /* W flipped */
    default: break;
    }

    /* AMD-only SSE4a (MOVNTSS/MOVNTSD F3/F2 0F 2B, EXTRQ/INSERTQ 66/F2 0F
     * 78/79): emu models an Intel CPU, the host would execute them */
    if (!vex && v->map == X86_MAP_0F &&
        ((d->opc == 0x2b && pclass >= 2) || ((d->opc == 0x78 || d->opc == 0x79) && pclass != 0))) {
        return false;
    }

    /* prefixes */
    if (!vex && chance(g, 16)) {
        static const uint8_t seg[] = { 0x2e, 0x3e, 0x26, 0x36 };
        put(e, seg[rnd(g, 4)], 1);
    }
    if (lock) {
        put(e, 0xf0, 1);
    }
    if (a32) {
        put(e, 0x67, 1);
    }
    if (!vex) {
        if (data16 || pclass == 1) {
            put(e, 0x66, 1);
        }
        if (pclass == 2) {
            put(e, 0xf3, 1);
        } else if (pclass == 3) {
            put(e, 0xf2, 1);
        } else if (!(f & PMASK) && (d->mn == X86_MN_MOVS || d->mn == X86_MN_STOS ||
                   d->mn == X86_MN_LODS || d->mn == X86_MN_CMPS || d->mn == X86_MN_SCAS) &&
                   chance(g, 2)) {
            put(e, chance(g, 2) ? 0xf3 : 0xf2, 1);
        }
        if (w || rr || rx || rb || chance(g, 4)) {
            put(e, 0x40 | (w << 3) | (rr << 2) | (rx << 1) | rb, 1);
        }
        if (v->map != X86_MAP_ONE) {
            put(e, 0x0f, 1);
            if (v->map == X86_MAP_0F38) {
                put(e, 0x38, 1);
            } else if (v->map == X86_MAP_0F3A) {
                put(e, 0x3a, 1);
            }
        }
    } else {
        int mmmmm = v->map == X86_MAP_0F ? 1 : v->map == X86_MAP_0F38 ? 2 : 3;
        if (mmmmm == 1 && !w && !rx && !rb && chance(g, 2)) {
            put(e, 0xc5, 1);
            put(e, (!rr << 7) | ((~vvvv & 15) << 3) | (vl << 2) | pclass, 1);
        } else {
            put(e, 0xc4, 1);
            put(e, (!rr << 7) | (!rx << 6) | (!rb << 5) | mmmmm, 1);
            put(e, (w << 7) | ((~vvvv & 15) << 3) | (vl << 2) | pclass, 1);
        }
    }
    put(e, d->opc, 1);
    if (has_modrm) {
        put(e, (uint64_t)((mod << 6) | ((reg & 7) << 3) | (rm & 7)), 1);
        if (mod != 3) {
            if (mp.sib) {
                put(e, mp.sibb, 1);
            }
            if (mp.rip) {
                e->rip_at = e->len;
                e->rip_target = e->ea;
            }
            put(e, (uint64_t)mp.disp, mp.disp_size);
        }
    }
    /* immediates in table order */
    int os = vex ? (w ? 8 : 4) : (f & F64) ? 8 : w ? 8 : data16 ? 2 : (f & D64) ? 8 : 4;
    for (int k = 0; k < 4 && d->ops[k]; k++) {
        switch (d->ops[k]) {
        case Ib: case Ibs:
            put(e, imm_value(g), 1);
            break;
        case Lx:
            put(e, (rnd(g, 16) << 4) | rnd(g, 16), 1);
            break;
        case Iw:
            /* ENTER: a frame that stays inside the data area */
            put(e, d->mn == X86_MN_ENTER ? rnd(g, 0x400) : imm_value(g), 2);
            break;
        case Iz:
            put(e, imm_value(g), os == 2 ? 2 : 4);
            break;
        case Iv:
            put(e, imm_value(g), os);
            break;
        case Jb: case Jz:
            e->rel_at = e->len;
            e->rel_size = d->ops[k] == Jb ? 1 : 4;
            put(e, 0, e->rel_size);
            break;
        case Ob: case Ov: {
            uint64_t a = FZ_DATA + 0x200 + rnd(g, 0x1b00);
            put(e, a, a32 ? 4 : 8);
            e->ea = a;
            break;
        }
        default:
            break;
        }
    }
    return e->len < 15;
}

/* Implicit operands: registers that must point into the data area or hold
 * small counts so that the instruction stays inside the sandbox. */
static void implicit_constraints(Gen *g, int mn)
{
    FuzzCase *c = g->c;
    switch (mn) {
    case X86_MN_MOVS: case X86_MN_CMPS: case X86_MN_STOS: case X86_MN_LODS:
    case X86_MN_SCAS: case X86_MN_INS: case X86_MN_OUTS:
        set_reg(c, R_ESI, data_ptr(g));
        set_reg(c, R_EDI, data_ptr(g));
        set_reg(c, R_ECX, rnd(g, 17));
        break;
    case X86_MN_XLAT:
        set_reg(c, R_EBX, data_ptr(g));
        break;
    case X86_MN_MASKMOVQ: case X86_MN_MASKMOVDQU: case X86_MN_VMASKMOVDQU:
        set_reg(c, R_EDI, data_ptr(g));
        break;
    case X86_MN_ENTER: case X86_MN_LEAVE:
        set_reg(c, R_EBP, data_ptr(g));
        break;
    case X86_MN_LOOP: case X86_MN_LOOPE: case X86_MN_LOOPNE: case X86_MN_JRCXZ:
        if (chance(g, 2)) {
            set_reg(c, R_ECX, rnd(g, 3));
        }
        break;
    default:
        break;
    }
}

/* Instructions that store host-dependent bytes (x87 pointers, MXCSR_MASK)
 * run alone in a case, where their address is known: the bytes are not
 * compared.  POPF and XRSTOR too, reading sanitized values. */
static bool first_only(int mn)
{
    switch (mn) {
    case X86_MN_FXSAVE: case X86_MN_FNSAVE: case X86_MN_FNSTENV: case X86_MN_POPF:
    case X86_MN_XSAVE: case X86_MN_XRSTOR:
    /* with an all-zero mask, whether a bad address faults is
     * implementation-specific: run alone, with rdi in the data area */
    case X86_MN_MASKMOVQ: case X86_MN_MASKMOVDQU: case X86_MN_VMASKMOVDQU:
        return true;
    default:
        return false;
    }
}

static void add_ignore(FuzzCase *c, uint64_t ea, int off, int len)
{
    if (c->nb_ignore < 8 && ea >= FZ_DATA && ea + off + len <= FZ_DATA + FZ_DATA_SZ) {
        c->ignore_off[c->nb_ignore] = (uint16_t)(ea - FZ_DATA + off);
        c->ignore_len[c->nb_ignore] = (uint16_t)len;
        c->nb_ignore++;
    }
}

static void add_patch(FuzzCase *c, uint64_t addr, const void *v, int len)
{
    if (c->nb_patch < 2 && addr >= FZ_DATA && addr + (uint64_t)len <= FZ_DATA + FZ_DATA_SZ) {
        c->patch_off[c->nb_patch] = (uint16_t)(addr - FZ_DATA);
        c->patch_len[c->nb_patch] = (uint16_t)len;
        memcpy(c->patch_data[c->nb_patch], v, (size_t)len);
        c->nb_patch++;
    }
}

static void first_only_fixups(Gen *g, int mn, const Enc *e, const X86Insn *insn)
{
    FuzzCase *c = g->c;
    /* REX.W wins over 66: the 32-bit (28/108-byte) format */
    bool o16 = (insn->prefixes & X86_PREFIX_DATA) && !(insn->rex & 8);
    switch (mn) {
    case X86_MN_FXSAVE: case X86_MN_XSAVE:
        add_ignore(c, e->ea, 6, 18);      /* FOP, FIP, FDP (and FCS/FDS) */
        add_ignore(c, e->ea, 28, 4);      /* MXCSR_MASK */
        break;
    case X86_MN_XRSTOR: {
        /* a valid header for components 0-2 (bits 5-7 are in the host's
         * XCR0 but not in the model's); MXCSR without AMD's bit 17 */
        uint8_t hdr[64] = { 0 };
        hdr[0] = (uint8_t)rnd(g, 8);
        add_patch(c, e->ea + 512, hdr, 64);
        uint32_t mx = 0x1f80 | (uint32_t)(rnd(g, 4) << 13) | (uint32_t)rnd(g, 64);
        add_patch(c, e->ea + 24, &mx, 4);
        break;
    }
    case X86_MN_FNSAVE: case X86_MN_FNSTENV:
        if (o16) {
            add_ignore(c, e->ea, 6, 8);
        } else {
            add_ignore(c, e->ea, 12, 16);
            add_ignore(c, e->ea, 2, 2);   /* reserved upper words */
            add_ignore(c, e->ea, 6, 2);
            add_ignore(c, e->ea, 10, 2);
        }
        break;
    default:
        break;
    }
}

/* Try to add one instruction of variant v at the end of the sequence. */
static bool add_insn(Gen *g, const Variant *v, int mutate, uint32_t *undef)
{
    FuzzCase *c = g->c;
    FuzzCase saved = *c;
    Enc e;
    X86Insn insn;

    if (!encode(g, v, &e, mutate)) {
        *c = saved;
        return false;
    }
    int r = fz_dec_x86_decode(e.b, (size_t)e.len, FZ_CODE + (uint64_t)c->code_len, &insn);
    if (!mutate) {
        if (r != e.len || insn.mnemonic != v->mn) {
            *c = saved;
            return false;
        }
        int feat = fz_feature_of(insn.mnemonic, v->map, v->vex, insn.vex_l, insn.has_modrm && !insn.has_mem);
        if (feat >= 0 && (!fz_host_has(feat) || !fz_model_has(feat))) {
            *c = saved;
            return false;
        }
        /* 16-bit SHLD/SHRD: counts above 16 give undefined results */
        if ((insn.mnemonic == X86_MN_SHLD || insn.mnemonic == X86_MN_SHRD) && insn.opsize == 2) {
            *c = saved;
            return false;
        }
        uint32_t rd = fz_flags_read(insn.mnemonic, insn.cond);
        if (rd & *undef) {
            *c = saved;
            return false;
        }
    } else {
        /* a probe: whatever the decoder makes of it must be something the
         * model and the host both have, or invalid, or unknown to emu */
        if (r > 0 && insn.mnemonic != X86_MN_UNKNOWN) {
            int feat = fz_feature_of(insn.mnemonic, insn.map, insn.prefixes & X86_PREFIX_VEX, insn.vex_l,
                                     insn.has_modrm && !insn.has_mem);
            if (fz_excluded_reason(insn.mnemonic) || first_only(insn.mnemonic) ||
                (insn.map == X86_MAP_0F && insn.opcode == 0x0d && !insn.has_mem) ||
                (insn.mnemonic == X86_MN_FSTP && insn.opcode == 0xd9 && !insn.has_mem) ||
                (feat >= 0 && (!fz_host_has(feat) || !fz_model_has(feat)))) {
                *c = saved;
                return false;
            }
            e.len = r;
        } else if (r == X86_DECODE_INVALID && vpermq_w0(e.b, e.len)) {
            /* VPERMQ/VPERMPD with VEX.W0: AMD executes them, Intel's
             * behaviour is not documented: no oracle */
            *c = saved;
            return false;
        } else if (r == X86_DECODE_TRUNCATED) {
            *c = saved;
            return false;
        }
    }
    if (r > 0 && (insn.mnemonic == X86_MN_SHLD || insn.mnemonic == X86_MN_SHRD) &&
        insn.opsize == 2) {
        *c = saved;      /* 16-bit SHLD/SHRD: undefined for counts above 16 */
        return false;
    }
    if (c->code_len + e.len > 100) {
        *c = saved;
        return false;
    }
    int mn = r > 0 ? insn.mnemonic : -1;
    if (mn == X86_MN_XSAVE || mn == X86_MN_XRSTOR || mn == X86_MN_FXSAVE ||
        mn == X86_MN_FXRSTOR || mn == X86_MN_FNSAVE || mn == X86_MN_FRSTOR) {
        /* a state image straddling the end of the data area: whether the
         * part before the fault is written is implementation-specific */
        if (e.ea >= FZ_DATA && e.ea + 1024 > FZ_DATA + FZ_DATA_SZ) {
            *c = saved;
            return false;
        }
    }
    if (mn == X86_MN_XSAVE || mn == X86_MN_XRSTOR) {
        /* EDX:EAX selects components 0-2 only: the host's XCR0 has more */
        if (c->reg_set[R_EAX] || c->reg_set[R_EDX]) {
            *c = saved;
            return false;
        }
        set_reg(c, R_EAX, rnd(g, 8));
        set_reg(c, R_EDX, 0);
    }
    if (mn > 0) {
        implicit_constraints(g, mn);
    }
    FuzzInsn *fi = &c->insns[c->nb_insns++];
    fi->off = (uint8_t)c->code_len;
    fi->len = (uint8_t)e.len;
    fi->mnemonic = (uint16_t)(mn > 0 ? mn : 0);
    fi->line = (uint16_t)(v - variants);
    fi->vex = v->vex;
    fi->vex_l = r > 0 ? insn.vex_l : 0;
    fi->undef_flags = mn > 0 ? fz_undef_flags(mn, insn.opsize) : 0;
    *undef |= fi->undef_flags;
    memcpy(c->code + c->code_len, e.b, (size_t)e.len);
    /* remember patch points relative to the code */
    if (e.rip_at >= 0) {
        int64_t disp = (int64_t)e.rip_target - (int64_t)(FZ_CODE + (uint64_t)c->code_len + (uint64_t)e.len);
        memcpy(c->code + c->code_len + e.rip_at, &(int32_t){ (int32_t)disp }, 4);
    }
    if ((mn == X86_MN_LDMXCSR || mn == X86_MN_VLDMXCSR) && r > 0 && insn.has_mem) {
        /* AMD hosts accept MXCSR bit 17 (misaligned-SSE mode, MXCSR_MASK
         * 0x2ffff), Intel raises #GP: load either a valid value or one
         * with a reserved bit above 17, never bit 17 alone */
        uint32_t mx = (uint32_t)rnd(g, 0x10000);
        if (rnd(g, 4) == 0) {
            mx |= 1u << (18 + rnd(g, 14));
        }
        add_patch(c, e.ea, &mx, 4);
    }
    if (mn > 0 && first_only(mn) && r > 0) {
        first_only_fixups(g, mn, &e, &insn);
        if (mn == X86_MN_POPF) {
            /* the popped value: arithmetic flags, DF, IF; never TF/AC */
            uint64_t fl = 0x202 | (rnd(g, 1 << 12) & (CC_ARITH_MASK | DF_MASK));
            add_patch(c, c->reg_val[R_ESP], &fl, 8);
        }
    }
    c->code_len += e.len;
    /* stash the rel patch info in the insn (offset of the disp in code) */
    if (e.rel_at >= 0) {
        c->rel_at[c->nb_rel] = (uint8_t)(fi->off + e.rel_at);
        c->rel_size[c->nb_rel] = (uint8_t)e.rel_size;
        c->rel_end[c->nb_rel] = (uint8_t)(fi->off + fi->len);
        c->nb_rel++;
    }
    return true;
}

static const Variant *pick_variant(Gen *g)
{
    int mn = eligible_mn[rnd(g, (uint64_t)nb_eligible_mn)];
    return &variants[by_mn[mn_first[mn] + (int)rnd(g, (uint64_t)mn_count[mn])]];
}

bool fz_gen_case(uint64_t seed, uint64_t idx, FuzzCase *c)
{
    Gen g;
    uint32_t undef = 0;

    memset(c, 0, sizeof(*c));
    c->vsib_reg = -1;
    g.rng = (seed + 1) * 0x9e3779b97f4a7c15ull ^ (idx + 1) * 0xbf58476d1ce4e5b9ull;
    g.rng ^= g.rng >> 31;
    if (!g.rng) {
        g.rng = 1;
    }
    hx_rng(&g.rng);
    g.c = c;
    c->state_seed = hx_rng(&g.rng);
    if (nb_eligible_mn == 0) {
        return false;
    }
    /* rsp: the stack lives in the data area */
    set_reg(c, R_ESP, FZ_DATA_MID + 0x600 - 16 * rnd(&g, 16));

    int kind = (int)rnd(&g, 100);
    if (kind < gcfg.invalid_percent) {
        /* one encoding, maybe invalid: #UD must agree with the host */
        c->invalid_probe = true;
        for (int t = 0; t < 50 && c->nb_insns == 0; t++) {
            add_insn(&g, pick_variant(&g), 1 + (int)rnd(&g, 6), &undef);
        }
    } else if (kind < gcfg.invalid_percent + 3 && nb_gated && !gcfg.only) {
        /* an instruction the model lacks: emu must raise #UD */
        c->gated_probe = true;
        for (int t = 0; t < 50 && c->nb_insns == 0; t++) {
            const Variant *v = &variants[gated[rnd(&g, (uint64_t)nb_gated)]];
            Enc e;
            X86Insn insn;
            if (v->mn == X86_MN_TZCNT || v->mn == X86_MN_LZCNT) {
                continue;    /* without the feature these are BSF/BSR */
            }
            if (v->mn == X86_MN_PREFETCHW || v->mn == X86_MN_CLFLUSHOPT) {
                continue;    /* without the feature: a NOP / CLFLUSH, not #UD */
            }
            if (!encode(&g, v, &e, 0) ||
                fz_dec_x86_decode(e.b, (size_t)e.len, FZ_CODE, &insn) != e.len ||
                insn.mnemonic != v->mn) {
                continue;
            }
            int feat = fz_feature_of(insn.mnemonic, v->map, v->vex, insn.vex_l, insn.has_modrm && !insn.has_mem);
            if (feat < 0 || fz_model_has(feat) || !fz_host_has(feat)) {
                continue;
            }
            memcpy(c->code, e.b, (size_t)e.len);
            c->insns[0] = (FuzzInsn){ 0, (uint8_t)e.len, insn.mnemonic, (uint16_t)(v - variants),
                                      v->vex, insn.vex_l, 0 };
            c->nb_insns = 1;
            c->code_len = e.len;
        }
    } else {
        int n = 1 + (int)rnd(&g, (uint64_t)(gcfg.max_len > 0 ? gcfg.max_len : 1));
        for (int i = 0; i < n && i < FZ_MAX_INSNS; i++) {
            g.pos = c->nb_insns;
            for (int t = 0; t < 30; t++) {
                const Variant *v = pick_variant(&g);
                if (first_only(v->mn) && c->nb_insns > 0) {
                    continue;
                }
                if (add_insn(&g, v, 0, &undef)) {
                    break;
                }
            }
            if (c->nb_insns && first_only(c->insns[0].mnemonic)) {
                break;   /* alone: later insns could copy its ignored bytes */
            }
        }
    }
    if (c->nb_insns == 0) {
        return false;
    }
    c->undef_flags = undef;
    /* ud2; ud2.  Branches go to the second one. */
    int end = c->code_len;
    c->code[c->code_len++] = 0x0f;
    c->code[c->code_len++] = 0x0b;
    c->code[c->code_len++] = 0x0f;
    c->code[c->code_len++] = 0x0b;
    for (int i = 0; i < c->nb_rel; i++) {
        int64_t disp = (end + 2) - c->rel_end[i];
        if (c->rel_size[i] == 1) {
            c->code[c->rel_at[i]] = (uint8_t)(int8_t)disp;
        } else {
            int32_t d32 = (int32_t)disp;
            memcpy(c->code + c->rel_at[i], &d32, 4);
        }
    }
    return true;
}
