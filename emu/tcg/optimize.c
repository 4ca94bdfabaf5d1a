/*
 * emu/tcg/optimize.c — the IR optimizer.
 *
 * Three passes over the TB's ops:
 *  1. forward: constant folding and propagation, copy propagation,
 *     algebraic simplification, branches/setcond/movcond with a known
 *     outcome, removal of code after an unconditional br/exit_tb up to the
 *     next referenced label, and of branches to the label right after them;
 *  2. backward: liveness of globals and TB temps (exact: branches only go
 *     forward, so a label's live set is known before its branches are
 *     seen) and removal of pure ops whose outputs are all dead;
 *  3. retarget: `t = op; ...; mov x, t` computes op straight into x.
 *
 * Invariants that keep guest state precise:
 *  - at every op that can fault or call out (qemu_ld/qemu_st, a call that
 *    is not TCG_CALL_NO_RWG_SE) and wherever the TB can be left (goto_tb,
 *    exit_tb, its end) every global is live: a write to a global goes only
 *    if the global is written again before any such point, and no write
 *    is delayed, so at those points globals are in their slots with the
 *    values the IR gives them (see op_syncs_globals);
 *  - what is known about globals is dropped at labels (joins) and at calls
 *    that may write them;
 *  - ops with TCG_OPF_SIDE_EFFECTS and calls stay, unless a call is
 *    TCG_CALL_NO_SIDE_EFFECTS and its result is dead.
 */
#include <string.h>
#include <glib.h>

#include "emu/tcg/tcg.h"
#include "emu/tcg/internal.h"

/* What is known about a non-constant temp.  Temps known equal form a ring
 * (copy class); entries are valid only if gen is current. */
typedef struct TempInfo {
    uint32_t gen;
    uint32_t next, prev;   /* ring of copies (temp indices) */
    uint32_t seq;          /* joining order: the oldest member is the source */
    bool is_const;
    uint64_t val;
    uint64_t zmask;        /* bits that may be nonzero (valid when !is_const) */
    uint32_t ver;          /* bumped at every write of the temp */
    /* how the value was computed from other temps (fold_add_chain), valid
     * while their vers are rx_ver/ry_ver (constants never change) */
    uint8_t rel;           /* REL_* */
    uint32_t rx_ver, ry_ver;
    const TCGTemp *rx, *ry;
    uint64_t off;
} TempInfo;

enum {
    REL_NONE,
    REL_ADDI,              /* value = rx + off */
    REL_SUB,               /* value = rx - ry */
    REL_SETCOND,           /* value = cond(rx, ry), cond in off */
};

typedef struct OptState {
    TCGContext *s;
    TempInfo *info;
    size_t info_cap;
    uint32_t gen, seq;
    TCGOp *out;
    uint32_t nout, out_cap;
    int32_t *refs;          /* per label: live branches to it */
    size_t refs_cap;
    uint64_t *live, *label_live;
    size_t live_cap, label_live_cap;
    uint8_t *label_seen;
    size_t label_seen_cap;
} OptState;

static __thread OptState opt_state;

/* Max copies inspected when looking for a better one (keeps it linear). */
#define MAX_RING_WALK 16

static inline TempInfo *ti(OptState *o, const TCGTemp *t)
{
    TempInfo *i = &o->info[t->index];
    if (i->gen != o->gen) {
        i->gen = o->gen;
        i->next = i->prev = t->index;
        i->seq = 0;
        i->is_const = false;
        i->zmask = ~0ull;
        i->ver = 0;
        i->rel = REL_NONE;
    }
    return i;
}

static inline bool known_const(OptState *o, const TCGTemp *t, uint64_t *v)
{
    if (t->kind == TEMP_CONST) {
        *v = t->val;
        return true;
    }
    TempInfo *i = ti(o, t);
    *v = i->val;
    return i->is_const;
}

static void reset_temp(OptState *o, const TCGTemp *t)
{
    if (t->kind == TEMP_CONST) {
        return;
    }
    TempInfo *i = ti(o, t);
    if (i->next != t->index) {
        o->info[i->prev].next = i->next;
        o->info[i->next].prev = i->prev;
        i->next = i->prev = t->index;
    }
    i->is_const = false;
    i->zmask = ~0ull;
    i->ver++;
    i->rel = REL_NONE;
}

static void set_const(OptState *o, const TCGTemp *t, uint64_t v)
{
    reset_temp(o, t);
    TempInfo *i = ti(o, t);
    i->is_const = true;
    i->val = v;
}

/* d now holds the value of a. */
static void set_copy(OptState *o, const TCGTemp *d, const TCGTemp *a)
{
    uint64_t v;
    if (d == a) {
        return;
    }
    reset_temp(o, d);
    if (known_const(o, a, &v)) {
        set_const(o, d, v);
        return;
    }
    TempInfo *ia = ti(o, a), *id = ti(o, d);
    id->zmask = ia->zmask;
    id->rel = ia->rel;
    id->rx = ia->rx;
    id->ry = ia->ry;
    id->rx_ver = ia->rx_ver;
    id->ry_ver = ia->ry_ver;
    id->off = ia->off;
    if (ia->next == a->index) {
        ia->seq = ++o->seq;
    }
    id->seq = ++o->seq;
    id->next = ia->next;
    id->prev = a->index;
    o->info[ia->next].prev = d->index;
    ia->next = d->index;
}

/* Bits of t that may be nonzero. */
static uint64_t zmask_of(OptState *o, const TCGTemp *t)
{
    uint64_t v;
    if (known_const(o, t, &v)) {
        return v;
    }
    return ti(o, t)->zmask;
}

static inline uint64_t field_mask(unsigned len)
{
    return len >= 64 ? ~0ull : (1ull << len) - 1;
}

/* Bits of op's (single) output that may be nonzero, from its inputs. */
static uint64_t out_zmask(OptState *o, const TCGOp *op)
{
    unsigned no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
    uint64_t za = ni > 0 ? zmask_of(o, tcg_op_temp(op, no)) : ~0ull;
    uint64_t zb = ni > 1 ? zmask_of(o, tcg_op_temp(op, no + 1)) : ~0ull;
    uint64_t c;

    switch (op->opc) {
    case INDEX_op_mov:     return za;
    case INDEX_op_and:     return za & zb;
    case INDEX_op_or:
    case INDEX_op_xor:     return za | zb;
    case INDEX_op_andc:    return za;
    case INDEX_op_ext8u:   return za & 0xff;
    case INDEX_op_ext16u:  return za & 0xffff;
    case INDEX_op_ext32u:  return za & 0xffffffffu;
    case INDEX_op_bswap16: return 0xffff;
    case INDEX_op_bswap32:
    case INDEX_op_rotl32:
    case INDEX_op_rotr32:  return 0xffffffffu;
    case INDEX_op_ctpop:   return 127;
    case INDEX_op_clz:
    case INDEX_op_ctz:     return 127 | zb;
    case INDEX_op_setcond: return 1;
    case INDEX_op_movcond:
        return zmask_of(o, tcg_op_temp(op, 3)) | zmask_of(o, tcg_op_temp(op, 4));
    case INDEX_op_extract:
        return (za >> op->args[2]) & field_mask((unsigned)op->args[3]);
    case INDEX_op_deposit: {
        uint64_t m = field_mask((unsigned)op->args[4]) << op->args[3];
        return (za & ~m) | ((zb << op->args[3]) & m);
    }
    case INDEX_op_shr:
        return known_const(o, tcg_op_temp(op, 2), &c) ? za >> (c & 63) : ~0ull;
    case INDEX_op_shl:
        return known_const(o, tcg_op_temp(op, 2), &c) ? za << (c & 63) : ~0ull;
    case INDEX_op_qemu_ld:
        if (op->args[2] & MO_SIGN) {
            return ~0ull;
        }
        return field_mask(8u << (op->args[2] & MO_SIZE));
    default:
        return ~0ull;
    }
}

static void set_zmask(OptState *o, const TCGTemp *t, uint64_t z)
{
    if (t->kind != TEMP_CONST) {
        ti(o, t)->zmask = z;
    }
}

static bool same_value(OptState *o, const TCGTemp *a, const TCGTemp *b)
{
    uint64_t va, vb;
    if (a == b) {
        return true;
    }
    if (known_const(o, a, &va) && known_const(o, b, &vb)) {
        return va == vb;
    }
    if (a->kind == TEMP_CONST || b->kind == TEMP_CONST) {
        return false;
    }
    TempInfo *ia = ti(o, a);
    uint32_t k = ia->next;
    for (int n = 0; k != a->index && n < MAX_RING_WALK; n++) {
        if (k == b->index) {
            return true;
        }
        k = o->info[k].next;
    }
    return false;
}

/* The best temp holding t's value: a constant, else the oldest global
 * holding it (always in its slot; the oldest is the copies' source, so the
 * copies made since, e.g. the cc words, stay dead when unread), else the
 * oldest TB temp of its class. */
static TCGTemp *best_copy(OptState *o, TCGTemp *t)
{
    TCGContext *s = o->s;
    uint64_t v;
    if (t->kind == TEMP_CONST) {
        return t;
    }
    if (known_const(o, t, &v)) {
        return tcg_constant_i64(v);
    }
    if (t->kind == TEMP_GLOBAL) {
        return t;
    }
    TempInfo *it = ti(o, t);
    TCGTemp *best = t, *global = NULL;
    uint32_t best_seq = it->seq, global_seq = 0;
    uint32_t k = it->next;
    for (int n = 0; k != t->index && n < MAX_RING_WALK; n++) {
        TCGTemp *c = &s->temps[k];
        if (c->kind == TEMP_GLOBAL) {
            if (global == NULL || o->info[k].seq < global_seq) {
                global = c;
                global_seq = o->info[k].seq;
            }
        } else if (o->info[k].seq < best_seq) {
            best = c;
            best_seq = o->info[k].seq;
        }
        k = o->info[k].next;
    }
    return global ? global : best;
}

static void reset_globals(OptState *o)
{
    TCGContext *s = o->s;
    for (uint32_t i = 0; i < s->nb_globals; i++) {
        if (o->info[i].gen == o->gen) {
            reset_temp(o, &s->temps[i]);
        }
    }
}

/* Forget what is known of the globals in env bytes [off, off + size). */
static void reset_globals_in(OptState *o, uint64_t off, uint64_t size)
{
    TCGContext *s = o->s;
    for (uint32_t i = 0; i < s->nb_globals; i++) {
        uint64_t at = (uint64_t)s->temps[i].slot * 8;
        if (o->info[i].gen == o->gen && at + 8 > off && at < off + size) {
            reset_temp(o, &s->temps[i]);
        }
    }
}

static void new_gen(OptState *o)
{
    if (++o->gen == 0) {
        memset(o->info, 0, o->info_cap * sizeof(TempInfo));
        o->gen = 1;
    }
}

static TCGOp *emit(OptState *o, const TCGOp *op)
{
    if (o->nout == o->out_cap) {
        o->out_cap = o->out_cap ? o->out_cap * 2 : 1024;
        o->out = g_renew(TCGOp, o->out, o->out_cap);
    }
    TCGOp *n = &o->out[o->nout++];
    *n = *op;
    return n;
}

/* d = a, skipped when d provably holds it already. */
static void emit_mov(OptState *o, TCGTemp *d, TCGTemp *a)
{
    if (same_value(o, d, a)) {
        return;
    }
    TCGOp op = { .opc = INDEX_op_mov };
    op.args[0] = (TCGArg)d;
    op.args[1] = (TCGArg)a;
    emit(o, &op);
    set_copy(o, d, a);
}

static void emit_movi(OptState *o, TCGTemp *d, uint64_t v)
{
    emit_mov(o, d, tcg_constant_i64(v));
}

/* Outcome of cond(a, b): 1 true, 0 false, -1 unknown. */
static int eval_cond(OptState *o, TCGCond c, TCGTemp *a, TCGTemp *b)
{
    uint64_t va, vb;
    bool ca = known_const(o, a, &va), cb = known_const(o, b, &vb);
    if (c == TCG_COND_NEVER || c == TCG_COND_ALWAYS) {
        return c == TCG_COND_ALWAYS;
    }
    if (ca && cb) {
        return tcg_cond_eval(c, va, vb);
    }
    if (same_value(o, a, b)) {
        switch (c) {
        case TCG_COND_EQ: case TCG_COND_GE: case TCG_COND_LE:
        case TCG_COND_GEU: case TCG_COND_LEU:
            return 1;
        case TCG_COND_NE: case TCG_COND_LT: case TCG_COND_GT:
        case TCG_COND_LTU: case TCG_COND_GTU:
            return 0;
        default:
            return -1;
        }
    }
    if (cb && vb == 0) {
        switch (c) {
        case TCG_COND_LTU: case TCG_COND_TSTNE: return 0;
        case TCG_COND_GEU: case TCG_COND_TSTEQ: return 1;
        default: break;
        }
    }
    return -1;
}

/* Put a constant first operand of a comparison second. */
static void canon_cond(OptState *o, TCGOp *op, unsigned ai, unsigned ci)
{
    uint64_t v;
    TCGTemp *a = tcg_op_temp(op, ai), *b = tcg_op_temp(op, ai + 1);
    if (known_const(o, a, &v) && !known_const(o, b, &v)) {
        op->args[ai] = (TCGArg)b;
        op->args[ai + 1] = (TCGArg)a;
        op->args[ci] = tcg_swap_cond((TCGCond)op->args[ci]);
    }
}

static void replace_inputs(OptState *o, TCGOp *op)
{
    unsigned no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
    for (unsigned k = no; k < no + ni; k++) {
        op->args[k] = (TCGArg)best_copy(o, tcg_op_temp(op, k));
    }
}

static void reset_outputs(OptState *o, const TCGOp *op)
{
    unsigned no = tcg_op_nb_oargs(op);
    for (unsigned k = 0; k < no; k++) {
        reset_temp(o, tcg_op_temp(op, k));
    }
}

enum { SIMP_NONE, SIMP_MOV, SIMP_CONST };

/*
 * Algebraic identities of binary ops (inputs already replaced, not all
 * constant).  May rewrite op in place (sub x,c -> add x,-c ...); returns
 * SIMP_MOV with *src or SIMP_CONST with *val when the result is known.
 */
static int simplify(OptState *o, TCGOp *op, TCGTemp **src, uint64_t *val)
{
    TCGTemp *a = tcg_op_temp(op, 1), *b = tcg_op_temp(op, 2);
    uint64_t va = 0, vb = 0;
    bool ca = known_const(o, a, &va), cb = false;

    switch (op->opc) {
    case INDEX_op_add: case INDEX_op_mul: case INDEX_op_and:
    case INDEX_op_or: case INDEX_op_xor:
        cb = known_const(o, b, &vb);
        if (ca && !cb) {
            TCGTemp *t = a; a = b; b = t;
            uint64_t tv = va; va = vb; vb = tv;
            ca = false;
            cb = true;
            op->args[1] = (TCGArg)a;
            op->args[2] = (TCGArg)b;
        }
        break;
    case INDEX_op_clz: case INDEX_op_ctz:
        if (ca) {
            if (va) {
                *val = op->opc == INDEX_op_clz ? (uint64_t)__builtin_clzll(va)
                                               : (uint64_t)__builtin_ctzll(va);
                return SIMP_CONST;
            }
            *src = b;
            return SIMP_MOV;
        }
        return SIMP_NONE;
    default:
        cb = known_const(o, b, &vb);
        break;
    }

    switch (op->opc) {
    case INDEX_op_add:
        if (cb && vb == 0) { *src = a; return SIMP_MOV; }
        break;
    case INDEX_op_sub:
        if (same_value(o, a, b)) { *val = 0; return SIMP_CONST; }
        if (cb) {
            if (vb == 0) { *src = a; return SIMP_MOV; }
            op->opc = INDEX_op_add;
            op->args[2] = (TCGArg)tcg_constant_i64(-vb);
        } else if (ca && va == 0) {
            op->opc = INDEX_op_neg;
            op->args[1] = (TCGArg)b;
        }
        break;
    case INDEX_op_mul:
        if (cb && vb == 0) { *val = 0; return SIMP_CONST; }
        if (cb && vb == 1) { *src = a; return SIMP_MOV; }
        break;
    case INDEX_op_andc:
        if (same_value(o, a, b) || (ca && va == 0)) { *val = 0; return SIMP_CONST; }
        if (!cb) {
            break;
        }
        vb = ~vb;
        op->opc = INDEX_op_and;
        op->args[2] = (TCGArg)tcg_constant_i64(vb);
        /* fall through */
    case INDEX_op_and:
        if (cb && vb == 0) { *val = 0; return SIMP_CONST; }
        if ((cb && vb == ~0ull) || same_value(o, a, b)) { *src = a; return SIMP_MOV; }
        break;
    case INDEX_op_or:
        if (cb && vb == ~0ull) { *val = ~0ull; return SIMP_CONST; }
        if ((cb && vb == 0) || same_value(o, a, b)) { *src = a; return SIMP_MOV; }
        break;
    case INDEX_op_xor:
        if (same_value(o, a, b)) { *val = 0; return SIMP_CONST; }
        if (cb && vb == 0) { *src = a; return SIMP_MOV; }
        if (cb && vb == ~0ull) {
            op->opc = INDEX_op_not;
        }
        break;
    case INDEX_op_shl: case INDEX_op_shr: case INDEX_op_rotl: case INDEX_op_rotr:
    case INDEX_op_sar:
        if (cb && (vb & 63) == 0) { *src = a; return SIMP_MOV; }
        if (ca && (va == 0 || (va == ~0ull && op->opc != INDEX_op_shl &&
                               op->opc != INDEX_op_shr))) {
            *val = va;
            return SIMP_CONST;
        }
        break;
    case INDEX_op_rotl32: case INDEX_op_rotr32:
        if (cb && (vb & 31) == 0) {
            op->opc = INDEX_op_ext32u;
        }
        break;
    default:
        break;
    }
    return SIMP_NONE;
}

/* The version of t (constants: 0, they never change). */
static uint32_t ver_of(OptState *o, const TCGTemp *t)
{
    return t->kind == TEMP_CONST ? 0 : ti(o, t)->ver;
}

/* What t is known to be computed from, or REL_NONE. */
static int rel_of(OptState *o, const TCGTemp *t)
{
    if (t->kind == TEMP_CONST) {
        return REL_NONE;
    }
    TempInfo *i = ti(o, t);
    if (i->rel == REL_NONE || ver_of(o, i->rx) != i->rx_ver ||
        (i->rel != REL_ADDI && ver_of(o, i->ry) != i->ry_ver)) {
        return REL_NONE;
    }
    return i->rel;
}

/*
 * Adds that undo an earlier add or sub whose inputs are unchanged since:
 * `(x + c1) + c2` becomes `x + (c1 + c2)`, `(x - y) + y` becomes x.  The
 * front end recomputes a cmp's first operand from the lazy flags (cc_dst
 * + cc_src) for a jcc/setcc/adc right after it; this gives the operand
 * itself back.  Returns true if op was rewritten (into a move of x or an
 * add of x and a constant).
 */
static bool fold_add_chain(OptState *o, TCGOp *op)
{
    uint64_t c2;
    if (op->opc != INDEX_op_add) {
        return false;
    }
    for (int k = 1; k <= 2; k++) {
        TCGTemp *p = tcg_op_temp(op, k), *q = tcg_op_temp(op, 3 - k);
        int rel = rel_of(o, p);
        TempInfo *ip = rel != REL_NONE ? ti(o, p) : NULL;
        if (rel == REL_ADDI && known_const(o, q, &c2)) {
            op->args[1] = (TCGArg)best_copy(o, (TCGTemp *)ip->rx);
            op->args[2] = (TCGArg)tcg_constant_i64(ip->off + c2);
            return true;
        }
        if (rel == REL_SUB && same_value(o, q, ip->ry)) {
            op->args[1] = (TCGArg)best_copy(o, (TCGTemp *)ip->rx);
            op->args[2] = (TCGArg)tcg_constant_i64(0);
            return true;
        }
    }
    return false;
}

/* After `d = a + c` or `d = a - b` is emitted: remember it. */
static void note_rel(OptState *o, const TCGOp *op)
{
    uint64_t c;
    TCGTemp *d = tcg_op_temp(op, 0), *a = tcg_op_temp(op, 1), *b = tcg_op_temp(op, 2);
    TempInfo *id;
    if (a == d || b == d) {
        return;
    }
    if (op->opc == INDEX_op_add && a->kind != TEMP_CONST && known_const(o, b, &c)) {
        id = ti(o, d);
        id->rel = REL_ADDI;
        id->off = c;
    } else if (op->opc == INDEX_op_sub && !known_const(o, b, &c)) {
        id = ti(o, d);
        id->rel = REL_SUB;
        id->ry = b;
        id->ry_ver = ver_of(o, b);
    } else {
        return;
    }
    id->rx = a;
    id->rx_ver = ver_of(o, a);
}

/* After `d = setcond a, b, c` is emitted: remember it. */
static void note_setcond(OptState *o, const TCGOp *op)
{
    TCGTemp *d = tcg_op_temp(op, 0), *a = tcg_op_temp(op, 1), *b = tcg_op_temp(op, 2);
    if (a == d || b == d) {
        return;
    }
    TempInfo *id = ti(o, d);
    id->rel = REL_SETCOND;
    id->rx = a;
    id->ry = b;
    id->rx_ver = ver_of(o, a);
    id->ry_ver = ver_of(o, b);
    id->off = op->args[3];
}

/*
 * A test of a setcond's result against 0 (the front end's Jcc and CMOVcc
 * when the flags come from an earlier instruction: setcond then
 * brcond/movcond on it) becomes the comparison itself while its inputs are
 * unchanged: `t = setcond a, b, c; brcond t, 0, ne` -> `brcond a, b, c`
 * (eq: the inverse condition); t then often dies.  ai: the compared
 * operands' index, ci: the condition's.
 */
static void fold_setcond_test(OptState *o, TCGOp *op, unsigned ai, unsigned ci)
{
    uint64_t v;
    TCGTemp *t = tcg_op_temp(op, ai);
    TCGCond c = (TCGCond)op->args[ci];
    if ((c != TCG_COND_NE && c != TCG_COND_EQ) || !known_const(o, tcg_op_temp(op, ai + 1), &v) ||
        v != 0 || rel_of(o, t) != REL_SETCOND) {
        return;
    }
    TempInfo *it = ti(o, t);
    TCGCond sc = (TCGCond)it->off;
    op->args[ai] = (TCGArg)best_copy(o, (TCGTemp *)it->rx);
    op->args[ai + 1] = (TCGArg)best_copy(o, (TCGTemp *)it->ry);
    op->args[ci] = c == TCG_COND_NE ? sc : tcg_invert_cond(sc);
}

/* The generic path: pure or memory ops with temp outputs. */
static void opt_generic(OptState *o, TCGOp *op)
{
    const TCGOpDef *def = &tcg_op_defs[op->opc];
    unsigned no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
    uint64_t in[4] = { 0 }, r;
    bool all_const = ni > 0 && !(def->flags & TCG_OPF_SIDE_EFFECTS);

    for (unsigned k = 0; k < ni && all_const; k++) {
        all_const = known_const(o, tcg_op_temp(op, no + k), &in[k]);
    }
    if (all_const) {
        if (no == 1 && tcg_fold_op(op->opc, in, &op->args[no + ni], &r)) {
            emit_movi(o, tcg_op_temp(op, 0), r);
            return;
        }
        if (op->opc == INDEX_op_mulu2 || op->opc == INDEX_op_muls2) {
            uint64_t lo, hi;
            if (op->opc == INDEX_op_mulu2) {
                unsigned __int128 p = (unsigned __int128)in[0] * in[1];
                lo = (uint64_t)p;
                hi = (uint64_t)(p >> 64);
            } else {
                __int128 p = (__int128)(int64_t)in[0] * (int64_t)in[1];
                lo = (uint64_t)p;
                hi = (uint64_t)((unsigned __int128)p >> 64);
            }
            /* lo and hi are distinct temps by construction; write lo first
             * as the op would */
            TCGTemp *tlo = tcg_op_temp(op, 0), *thi = tcg_op_temp(op, 1);
            emit_movi(o, tlo, lo);
            emit_movi(o, thi, hi);
            return;
        }
    }
    if (no == 1 && ni == 2 && def->nb_cargs == 0) {
        /* again after fold_add_chain: x + 0 is a move */
        for (int pass = 0; pass < 2; pass++) {
            TCGTemp *src = NULL;
            uint64_t v = 0;
            switch (simplify(o, op, &src, &v)) {
            case SIMP_MOV:
                emit_mov(o, tcg_op_temp(op, 0), src);
                return;
            case SIMP_CONST:
                emit_movi(o, tcg_op_temp(op, 0), v);
                return;
            default:
                break;
            }
            if (pass || !fold_add_chain(o, op)) {
                break;
            }
        }
    }
    if (no == 1) {
        /* extensions and masks that clear no bit that may be set */
        uint64_t za = ni > 0 ? zmask_of(o, tcg_op_temp(op, 1)) : ~0ull, c, m = 0;
        switch (op->opc) {
        case INDEX_op_ext8u:  m = 0xff; break;
        case INDEX_op_ext16u: m = 0xffff; break;
        case INDEX_op_ext32u: m = 0xffffffffu; break;
        case INDEX_op_and:
            if (known_const(o, tcg_op_temp(op, 2), &c)) {
                if ((za & c) == 0) {
                    emit_movi(o, tcg_op_temp(op, 0), 0);
                    return;
                }
                m = c;
            }
            break;
        default:
            break;
        }
        if (m && (za & ~m) == 0) {
            emit_mov(o, tcg_op_temp(op, 0), tcg_op_temp(op, 1));
            return;
        }
        uint64_t z = out_zmask(o, op);
        emit(o, op);
        reset_outputs(o, op);
        set_zmask(o, tcg_op_temp(op, 0), z);
        note_rel(o, op);
        return;
    }
    emit(o, op);
    reset_outputs(o, op);
}

static void ensure_capacity(OptState *o)
{
    TCGContext *s = o->s;
    /* constants created while optimizing never index info[] */
    if (o->info_cap < s->nb_temps) {
        size_t n = MAX((size_t)s->nb_temps, o->info_cap * 2);
        o->info = g_renew(TempInfo, o->info, n);
        memset(o->info + o->info_cap, 0, (n - o->info_cap) * sizeof(TempInfo));
        o->info_cap = n;
    }
    if (o->refs_cap < s->nb_labels) {
        o->refs_cap = MAX((size_t)s->nb_labels, o->refs_cap * 2);
        o->refs = g_renew(int32_t, o->refs, o->refs_cap);
    }
}

static void forward_pass(OptState *o)
{
    TCGContext *s = o->s;
    bool unreachable = false;

    memset(o->refs, 0, s->nb_labels * sizeof(int32_t));
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        if (op->opc == INDEX_op_br) {
            o->refs[tcg_op_label(op, 0)->id]++;
        } else if (op->opc == INDEX_op_brcond) {
            o->refs[tcg_op_label(op, 3)->id]++;
        }
    }

    for (uint32_t i = 0; i < s->nb_ops; i++) {
        TCGOp op = s->ops[i];

        if (unreachable) {
            if (op.opc == INDEX_op_set_label && o->refs[tcg_op_label(&op, 0)->id] > 0) {
                unreachable = false;
            } else {
                if (op.opc == INDEX_op_br) {
                    o->refs[tcg_op_label(&op, 0)->id]--;
                } else if (op.opc == INDEX_op_brcond) {
                    o->refs[tcg_op_label(&op, 3)->id]--;
                }
                continue;
            }
        }

        switch (op.opc) {
        case INDEX_op_nop:
            break;
        case INDEX_op_set_label: {
            TCGLabel *l = tcg_op_label(&op, 0);
            if (o->nout && o->out[o->nout - 1].opc == INDEX_op_br &&
                tcg_op_label(&o->out[o->nout - 1], 0) == l) {
                /* br to the very next op */
                o->nout--;
                o->refs[l->id]--;
            }
            if (o->refs[l->id] == 0) {
                break;          /* only reached by falling through: not a join */
            }
            new_gen(o);
            emit(o, &op);
            break;
        }
        case INDEX_op_insn_start:
        case INDEX_op_goto_tb:
        case INDEX_op_mb:
        case INDEX_op_add_counter:
            emit(o, &op);
            break;
        case INDEX_op_discard:
            reset_temp(o, tcg_op_temp(&op, 0));
            emit(o, &op);
            break;
        case INDEX_op_exit_tb:
        case INDEX_op_br:
            emit(o, &op);
            unreachable = true;
            break;
        case INDEX_op_brcond: {
            replace_inputs(o, &op);
            fold_setcond_test(o, &op, 0, 2);
            int r = eval_cond(o, (TCGCond)op.args[2], tcg_op_temp(&op, 0), tcg_op_temp(&op, 1));
            TCGLabel *l = tcg_op_label(&op, 3);
            if (r == 0) {
                o->refs[l->id]--;
            } else if (r == 1) {
                TCGOp br = { .opc = INDEX_op_br };
                br.args[0] = (TCGArg)l;
                emit(o, &br);
                unreachable = true;
            } else {
                canon_cond(o, &op, 0, 2);
                emit(o, &op);
            }
            break;
        }
        case INDEX_op_call: {
            const TCGHelperInfo *info = tcg_op_helper(&op);
            replace_inputs(o, &op);
            emit(o, &op);
            if (!(info->flags & TCG_CALL_NO_WRITE_GLOBALS)) {
                reset_globals(o);
            }
            reset_outputs(o, &op);
            break;
        }
        case INDEX_op_qemu_ld_env:
            /* writes the globals in its env bytes */
            replace_inputs(o, &op);
            emit(o, &op);
            reset_globals_in(o, op.args[1], op.args[2]);
            break;
        case INDEX_op_qemu_st_env:
            replace_inputs(o, &op);
            emit(o, &op);
            break;
        case INDEX_op_vec:
        case INDEX_op_vec_ret:
            /* a helper call writing vector registers and MXCSR in env */
            replace_inputs(o, &op);
            emit(o, &op);
            reset_globals(o);
            reset_outputs(o, &op);
            break;
        case INDEX_op_mov: {
            TCGTemp *a = best_copy(o, tcg_op_temp(&op, 1));
            emit_mov(o, tcg_op_temp(&op, 0), a);
            break;
        }
        case INDEX_op_setcond: {
            replace_inputs(o, &op);
            int r = eval_cond(o, (TCGCond)op.args[3], tcg_op_temp(&op, 1), tcg_op_temp(&op, 2));
            if (r >= 0) {
                emit_movi(o, tcg_op_temp(&op, 0), (uint64_t)r);
            } else {
                canon_cond(o, &op, 1, 3);
                emit(o, &op);
                reset_outputs(o, &op);
                set_zmask(o, tcg_op_temp(&op, 0), 1);
                note_setcond(o, &op);
            }
            break;
        }
        case INDEX_op_movcond: {
            replace_inputs(o, &op);
            fold_setcond_test(o, &op, 1, 5);
            TCGTemp *v1 = tcg_op_temp(&op, 3), *v2 = tcg_op_temp(&op, 4);
            int r = eval_cond(o, (TCGCond)op.args[5], tcg_op_temp(&op, 1), tcg_op_temp(&op, 2));
            if (r < 0 && same_value(o, v1, v2)) {
                r = 1;
            }
            if (r >= 0) {
                emit_mov(o, tcg_op_temp(&op, 0), r ? v1 : v2);
            } else {
                canon_cond(o, &op, 1, 5);
                uint64_t z = out_zmask(o, &op);
                emit(o, &op);
                reset_outputs(o, &op);
                set_zmask(o, tcg_op_temp(&op, 0), z);
            }
            break;
        }
        default:
            replace_inputs(o, &op);
            opt_generic(o, &op);
            break;
        }
    }
}

static inline bool bit_test(const uint64_t *b, uint32_t i) { return (b[i >> 6] >> (i & 63)) & 1; }
static inline void bit_set(uint64_t *b, uint32_t i) { b[i >> 6] |= 1ull << (i & 63); }
static inline void bit_clear(uint64_t *b, uint32_t i) { b[i >> 6] &= ~(1ull << (i & 63)); }

/*
 * Where guest state must be exact.  Every global is live (its slot must
 * hold the value the IR computes for that point) at:
 *  - ops that can fault: qemu_ld/qemu_st; a fault restores rip and cc_op
 *    from insn_start (cpu_loop_exit_restore) and takes every other slot as
 *    it is, so each must hold its value at the start of the guest
 *    instruction (the front end writes no global before its faulting op);
 *  - calls, unless TCG_CALL_NO_RWG_SE: any other helper may read env,
 *    raise (even TCG_CALL_NO_RWG ones such as check_align16) or be a
 *    plugin callback reading registers;
 *  - goto_tb (the chained TB reads env) and exit_tb (the loop does);
 *  - any other op with side effects that is not known harmless.
 * mb and add_counter neither fault nor look at env.
 */
static bool op_syncs_globals(const TCGOp *op)
{
    switch (op->opc) {
    case INDEX_op_mb:
    case INDEX_op_add_counter:
        return false;
    case INDEX_op_call:
        return (tcg_op_helper(op)->flags & TCG_CALL_NO_RWG_SE) != TCG_CALL_NO_RWG_SE;
    case INDEX_op_goto_tb:
        return true;
    default:
        return (tcg_op_defs[op->opc].flags & (TCG_OPF_SIDE_EFFECTS | TCG_OPF_BB_EXIT)) != 0;
    }
}

/* All outputs of op dead (constants never are outputs). */
static bool outputs_dead(const OptState *o, const TCGOp *op, unsigned no)
{
    for (unsigned k = 0; k < no; k++) {
        if (bit_test(o->live, tcg_op_temp(op, k)->index)) {
            return false;
        }
    }
    return true;
}

/*
 * Backward liveness of globals and TB temps; ops whose only effect is to
 * write dead temps become nops.  Branches only go forward, so a label's
 * live set is known before its branches are seen; the TB's end and
 * exit_tb have exactly the globals live, op_syncs_globals() points add
 * them all.  A write to a global is thus removed only when the global is
 * written again before any point that can observe it (flags overwritten
 * by the next instruction, a register reloaded...).
 */
static void backward_pass(OptState *o)
{
    TCGContext *s = o->s;
    size_t nw = (s->nb_temps + 63) / 64;
    size_t nl = s->nb_labels;

    if (o->live_cap < 2 * nw) {
        o->live_cap = MAX(2 * nw, o->live_cap * 2);
        o->live = g_renew(uint64_t, o->live, o->live_cap);
    }
    if (o->label_live_cap < nw * nl) {
        o->label_live_cap = MAX(nw * nl, o->label_live_cap * 2);
        o->label_live = g_renew(uint64_t, o->label_live, o->label_live_cap);
    }
    if (o->label_seen_cap < nl) {
        o->label_seen_cap = MAX(nl, o->label_seen_cap * 2);
        o->label_seen = g_renew(uint8_t, o->label_seen, o->label_seen_cap);
    }
    /* live[nw..2nw): the set of all globals (globals come first) */
    uint64_t *gmask = o->live + nw;
    {
        /* bits [0, nb_globals): whole words, then the partial one */
        size_t full = s->nb_globals / 64;
        memset(gmask, 0xff, full * sizeof(uint64_t));
        memset(gmask + full, 0, (nw - full) * sizeof(uint64_t));
        if (s->nb_globals % 64) {
            gmask[full] = (1ull << (s->nb_globals % 64)) - 1;
        }
    }
    memcpy(o->live, gmask, nw * sizeof(uint64_t));
    memset(o->label_seen, 0, nl);

    for (int64_t j = (int64_t)o->nout - 1; j >= 0; j--) {
        TCGOp *op = &o->out[j];
        unsigned no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
        uint64_t *ll;

        if (op->opc == INDEX_op_nop) {
            continue;
        }
        switch (op->opc) {
        case INDEX_op_exit_tb:
            memcpy(o->live, gmask, nw * sizeof(uint64_t));
            continue;
        case INDEX_op_set_label: {
            uint32_t id = tcg_op_label(op, 0)->id;
            memcpy(o->label_live + id * nw, o->live, nw * sizeof(uint64_t));
            o->label_seen[id] = 1;
            continue;
        }
        case INDEX_op_br: {
            uint32_t id = tcg_op_label(op, 0)->id;
            ll = o->label_live + id * nw;
            if (o->label_seen[id]) {
                memcpy(o->live, ll, nw * sizeof(uint64_t));
            } else {
                memset(o->live, 0xff, nw * sizeof(uint64_t));
            }
            continue;
        }
        case INDEX_op_brcond: {
            uint32_t id = tcg_op_label(op, 3)->id;
            ll = o->label_live + id * nw;
            for (size_t w = 0; w < nw; w++) {
                o->live[w] |= o->label_seen[id] ? ll[w] : ~0ull;
            }
            break;      /* then its inputs */
        }
        case INDEX_op_discard:
            /* only TB temps are discarded (tcg_gen_discard_i64): a
             * global's slot is always observable */
            if (tcg_op_temp(op, 0)->kind == TEMP_TB) {
                bit_clear(o->live, tcg_op_temp(op, 0)->index);
            }
            op->opc = INDEX_op_nop;
            continue;
        case INDEX_op_call:
            if (no && outputs_dead(o, op, no) &&
                (tcg_op_helper(op)->flags & TCG_CALL_NO_SIDE_EFFECTS) &&
                (tcg_op_temp(op, 0)->kind == TEMP_TB ||
                 (tcg_op_helper(op)->flags & TCG_CALL_NO_RWG_SE) == TCG_CALL_NO_RWG_SE)) {
                op->opc = INDEX_op_nop;
                continue;
            }
            break;
        default:
            if (no && !(tcg_op_defs[op->opc].flags & TCG_OPF_SIDE_EFFECTS) &&
                outputs_dead(o, op, no)) {
                op->opc = INDEX_op_nop;
                continue;
            }
            break;
        }
        for (unsigned k = 0; k < no; k++) {
            bit_clear(o->live, tcg_op_temp(op, k)->index);
        }
        if (op_syncs_globals(op)) {
            /* after the outputs: a faulting qemu_ld into a global must
             * leave the global's old value */
            for (size_t w = 0; w < nw; w++) {
                o->live[w] |= gmask[w];
            }
        }
        for (unsigned k = no; k < no + ni; k++) {
            TCGTemp *t = tcg_op_temp(op, k);
            if (t->kind != TEMP_CONST) {
                bit_set(o->live, t->index);
            }
        }
    }
}

/* EMU_TCG_NO_OPT=1 in the environment turns the optimizer off: a quick
 * way to tell an optimizer bug from a front-end one. */
static bool opt_disabled(void)
{
    static int disabled = -1;
    if (G_UNLIKELY(disabled < 0)) {
        const char *e = g_getenv("EMU_TCG_NO_OPT");
        disabled = e && *e && strcmp(e, "0") != 0;
    }
    return disabled;
}

/* Ops retarget_pass looks back over, from a move to the op computing its
 * source. */
#define RETARGET_WINDOW 12

static bool op_uses_temp(const TCGOp *op, unsigned from, unsigned to, const TCGTemp *t)
{
    for (unsigned k = from; k < to; k++) {
        if (tcg_op_temp(op, k) == t) {
            return true;
        }
    }
    return false;
}

/*
 * `t = op ...; (a few ops); mov x, t` with t dead after the move becomes
 * `x = op ...; (the same ops reading x for t)`: the front end computes a
 * result, derives flags from it, then writes it back, so this saves one
 * move per such guest instruction.  Allowed when, in between, nothing
 * branches or joins, nothing reads or writes x, and — if x is a global —
 * nothing can fault or call out (x would be written early).
 */
static void retarget_pass(OptState *o)
{
    TCGContext *s = o->s;

    for (uint32_t i = s->nb_globals; i < s->nb_temps; i++) {
        s->temps[i].state = -1;
    }
    for (uint32_t j = 0; j < o->nout; j++) {
        const TCGOp *op = &o->out[j];
        unsigned n = tcg_op_nb_oargs(op) + tcg_op_nb_iargs(op);
        if (op->opc == INDEX_op_nop) {
            continue;
        }
        for (unsigned k = 0; k < n; k++) {
            tcg_op_temp(op, k)->state = (int32_t)j;
        }
    }

    for (uint32_t m = 1; m < o->nout; m++) {
        TCGOp *mv = &o->out[m];
        if (mv->opc != INDEX_op_mov) {
            continue;
        }
        TCGTemp *x = tcg_op_temp(mv, 0), *t = tcg_op_temp(mv, 1);
        if (t->kind != TEMP_TB || t == x || t->state != (int32_t)m) {
            continue;
        }
        int64_t def = -1;
        for (int64_t k = (int64_t)m - 1, seen = 0; k >= 0 && seen < RETARGET_WINDOW; k--) {
            TCGOp *op = &o->out[k];
            unsigned no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
            if (op->opc == INDEX_op_nop) {
                continue;
            }
            seen++;
            if (no == 1 && tcg_op_temp(op, 0) == t) {
                if (op->opc != INDEX_op_discard) {
                    def = k;
                }
                break;
            }
            if ((tcg_op_defs[op->opc].flags & TCG_OPF_BB_END) ||
                op->opc == INDEX_op_set_label ||
                op_uses_temp(op, 0, no + ni, x) || op_uses_temp(op, 0, no, t) ||
                (x->kind == TEMP_GLOBAL &&
                 (op->opc == INDEX_op_call || op->opc == INDEX_op_vec ||
                  op->opc == INDEX_op_vec_ret ||
                  op->opc == INDEX_op_qemu_ld || op->opc == INDEX_op_qemu_st ||
                  op->opc == INDEX_op_qemu_ld_env || op->opc == INDEX_op_qemu_st_env ||
                  op->opc == INDEX_op_mb))) {
                break;
            }
        }
        if (def < 0) {
            continue;
        }
        o->out[def].args[0] = (TCGArg)x;
        for (uint32_t k = (uint32_t)def + 1; k < m; k++) {
            TCGOp *op = &o->out[k];
            unsigned no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
            for (unsigned a = no; a < no + ni; a++) {
                if (tcg_op_temp(op, a) == t) {
                    op->args[a] = (TCGArg)x;
                }
            }
        }
        mv->opc = INDEX_op_nop;
    }
}

void tcg_optimize(TCGContext *s)
{
    OptState *o = &opt_state;
    if (opt_disabled()) {
        return;
    }
    o->s = s;
    o->nout = 0;
    o->seq = 0;
    ensure_capacity(o);
    new_gen(o);

    forward_pass(o);
    backward_pass(o);
    retarget_pass(o);

    /* Compact into the output array and make it the context's op list. */
    uint32_t n = 0;
    for (uint32_t j = 0; j < o->nout; j++) {
        TCGOp *op = &o->out[j];
        if (op->opc == INDEX_op_nop) {
            continue;
        }
        if (op->opc == INDEX_op_set_label) {
            tcg_op_label(op, 0)->op_index = (int32_t)n;
        }
        o->out[n++] = *op;
    }
    for (uint32_t i = 0; i < s->nb_labels; i++) {
        TCGLabel *l = s->labels[i];
        l->has_refs = o->refs[l->id] > 0;
        if (!l->has_refs) {
            l->op_index = -1;
        }
    }
    TCGOp *old = s->ops;
    uint32_t old_cap = s->ops_alloc;
    s->ops = o->out;
    s->ops_alloc = o->out_cap;
    s->nb_ops = n;
    o->out = old;
    o->out_cap = old_cap;
}
