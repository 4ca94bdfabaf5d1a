/*
 * emu/tcg/tcg.c — the IR core: per-thread context, temps, constants,
 * labels, op emission and the typed emitters (which fold trivial cases so
 * the front end can stay simple).
 *
 * Memory: everything is per thread and reused from one TB to the next.
 * Temps live in one array reserved up front (TCGv handles are pointers into
 * it, so it may never move); pages are only touched as temps are used.
 */
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/tcg/tcg.h"
#include "emu/tcg/internal.h"
#include "emu/tcg/backend.h"

const TCGOpDef tcg_op_defs[NB_OPS] = {
#define DEF(nm, o, i, c, f) [INDEX_op_##nm] = { .name = #nm, .nb_oargs = o, \
    .nb_iargs = i, .nb_cargs = c, .flags = f },
#include "ir-ops.def"   /* IR-OPS-DEF */
};

/* Chaining hooks for backends (backend.h), set by the core. */
bool tcg_chaining_enabled;
bool tcg_vec_ops_native;
void *(*tcg_lookup_code)(struct CPUX86State *env);
int (*tcg_counter_slot)(void *base, uint64_t stride);

/*
 * Temps reserved per thread.  A TB of 512 guest instructions needs a few
 * tens of thousands at most; the reservation is address space only.
 */
#define TCG_TEMPS_RESERVE (1u << 18)

/* Per-TB interning of constants: open addressing over temp indices. */
typedef struct ConstSlot {
    uint32_t gen;      /* valid only if == const_gen */
    uint32_t index;    /* temp index */
} ConstSlot;

typedef struct TCGContextPriv {
    TCGContext pub;
    bool inited;
    /* constant interning */
    ConstSlot *const_tab;
    uint32_t const_mask, const_count, const_gen;
    /* labels are pooled: labels[0..label_pool) are allocated objects */
    uint32_t label_pool;
    /* slot -> global temp index + 1 (0: none), to make registration idempotent */
    uint32_t *global_of_slot;
} TCGContextPriv;

static __thread TCGContextPriv tcg_priv;

static void tcg_context_init_priv(TCGContextPriv *p);

TCGContext *tcg_ctx(void)
{
    if (G_UNLIKELY(!tcg_priv.inited)) {
        tcg_context_init_priv(&tcg_priv);
    }
    return &tcg_priv.pub;
}

const char *tcg_cond_name(TCGCond c)
{
    switch (c) {
    case TCG_COND_NEVER:  return "never";
    case TCG_COND_ALWAYS: return "always";
#define X(nm, NM, expr) case TCG_COND_##NM: return #nm;
    TCG_COND_LIST(X)
#undef X
    }
    return "?";
}

bool tcg_cond_eval(TCGCond c, uint64_t a, uint64_t b)
{
    switch (c) {
    case TCG_COND_NEVER:  return false;
    case TCG_COND_ALWAYS: return true;
#define X(nm, NM, expr) case TCG_COND_##NM: return expr;
    TCG_COND_LIST(X)
#undef X
    }
    g_assert_not_reached();
}

bool tcg_fold_op(TCGOpcode opc, const uint64_t *in, const TCGArg *cargs, uint64_t *out)
{
    uint64_t a = in[0], b = in[1];
    switch (opc) {
#define X(nm, expr) case INDEX_op_##nm: *out = (expr); return true;
    TCG_SEM_BINOPS(X)
    TCG_SEM_UNOPS(X)
#undef X
    case INDEX_op_setcond:
        *out = tcg_cond_eval((TCGCond)cargs[0], a, b);
        return true;
    case INDEX_op_movcond:
        *out = tcg_cond_eval((TCGCond)cargs[0], a, b) ? in[2] : in[3];
        return true;
    case INDEX_op_extract:
        *out = tcg_sem_extract(a, (unsigned)cargs[0], (unsigned)cargs[1]);
        return true;
    case INDEX_op_sextract:
        *out = tcg_sem_sextract(a, (unsigned)cargs[0], (unsigned)cargs[1]);
        return true;
    case INDEX_op_deposit:
        *out = tcg_sem_deposit(a, b, (unsigned)cargs[0], (unsigned)cargs[1]);
        return true;
    default:
        return false;
    }
}

/* ---- context ---- */

static void tcg_context_init_priv(TCGContextPriv *p)
{
    TCGContext *s = &p->pub;
    size_t bytes = (size_t)TCG_TEMPS_RESERVE * sizeof(TCGTemp);
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) {
        g_error("tcg: cannot reserve %zu bytes for IR temps", bytes);
    }
    memset(p, 0, sizeof(*p));
    p->inited = true;
    s->temps = mem;
    s->temps_alloc = TCG_TEMPS_RESERVE;
    s->ops_alloc = 1024;
    s->ops = g_new(TCGOp, s->ops_alloc);
    s->labels_alloc = 64;
    s->labels = g_new(TCGLabel *, s->labels_alloc);
    p->const_mask = 255;
    p->const_tab = g_new0(ConstSlot, p->const_mask + 1);
    p->const_gen = 1;
    p->global_of_slot = g_new0(uint32_t, ENV_SLOT_END);
    s->env = tcg_global_slot(ENV_SLOT(env_ptr), "env");
}

void tcg_context_init(void)
{
    (void)tcg_ctx();
}

void tcg_func_start(void)
{
    TCGContextPriv *p = &tcg_priv;
    TCGContext *s = tcg_ctx();
    s->nb_temps = s->nb_globals;
    s->nb_ops = 0;
    s->nb_labels = 0;
    s->nb_side_exits = 0;
    p->const_count = 0;
    if (++p->const_gen == 0) {
        memset(p->const_tab, 0, (p->const_mask + 1) * sizeof(ConstSlot));
        p->const_gen = 1;
    }
}

/* ---- temps ---- */

static TCGTemp *tcg_temp_alloc(TCGContext *s, TCGTempKind kind)
{
    if (G_UNLIKELY(s->nb_temps >= s->temps_alloc)) {
        g_error("tcg: more than %u IR temps in one TB", s->temps_alloc);
    }
    TCGTemp *t = &s->temps[s->nb_temps];
    memset(t, 0, sizeof(*t));
    t->kind = kind;
    t->index = s->nb_temps++;
    return t;
}

TCGv tcg_global_slot(unsigned slot, const char *name)
{
    TCGContextPriv *p = &tcg_priv;
    TCGContext *s = tcg_ctx();
    g_assert(slot < ENV_SLOT_END);
    if (p->global_of_slot[slot]) {
        return &s->temps[p->global_of_slot[slot] - 1];
    }
    /* Globals come first: they are registered before any TB is built. */
    g_assert(s->nb_temps == s->nb_globals);
    TCGTemp *t = tcg_temp_alloc(s, TEMP_GLOBAL);
    t->slot = slot;
    t->name = name;
    s->nb_globals = s->nb_temps;
    p->global_of_slot[slot] = t->index + 1;
    return t;
}

TCGv tcg_temp_new(void)
{
    return tcg_temp_alloc(tcg_ctx(), TEMP_TB);
}

static inline uint32_t const_hash(uint64_t v)
{
    v *= 0x9e3779b97f4a7c15ull;
    return (uint32_t)(v >> 32);
}

static void const_tab_grow(TCGContextPriv *p)
{
    TCGContext *s = &p->pub;
    uint32_t nmask = p->const_mask * 2 + 1;
    ConstSlot *nt = g_new0(ConstSlot, nmask + 1);
    for (uint32_t i = 0; i <= p->const_mask; i++) {
        ConstSlot *e = &p->const_tab[i];
        if (e->gen != p->const_gen) {
            continue;
        }
        uint32_t h = const_hash(s->temps[e->index].val) & nmask;
        while (nt[h].gen == p->const_gen) {
            h = (h + 1) & nmask;
        }
        nt[h] = *e;
    }
    g_free(p->const_tab);
    p->const_tab = nt;
    p->const_mask = nmask;
}

TCGv tcg_constant_i64(uint64_t val)
{
    TCGContextPriv *p = &tcg_priv;
    TCGContext *s = tcg_ctx();
    uint32_t h = const_hash(val) & p->const_mask;
    for (;;) {
        ConstSlot *e = &p->const_tab[h];
        if (e->gen != p->const_gen) {
            break;
        }
        if (s->temps[e->index].val == val) {
            return &s->temps[e->index];
        }
        h = (h + 1) & p->const_mask;
    }
    TCGTemp *t = tcg_temp_alloc(s, TEMP_CONST);
    t->val = val;
    p->const_tab[h].gen = p->const_gen;
    p->const_tab[h].index = t->index;
    /* keep the load factor under one half */
    if (++p->const_count * 2 > p->const_mask) {
        const_tab_grow(p);
    }
    return t;
}

/* ---- labels ---- */

TCGLabel *gen_new_label(void)
{
    TCGContextPriv *p = &tcg_priv;
    TCGContext *s = tcg_ctx();
    if (s->nb_labels == p->label_pool) {
        if (p->label_pool == s->labels_alloc) {
            s->labels_alloc *= 2;
            s->labels = g_renew(TCGLabel *, s->labels, s->labels_alloc);
        }
        s->labels[p->label_pool++] = g_new(TCGLabel, 1);
    }
    TCGLabel *l = s->labels[s->nb_labels];
    l->id = s->nb_labels++;
    l->op_index = -1;
    l->has_refs = false;
    return l;
}

void gen_set_label(TCGLabel *l)
{
    TCGContext *s = tcg_ctx();
    g_assert(l->op_index < 0);
    l->op_index = (int32_t)s->nb_ops;
    tcg_emit_op(INDEX_op_set_label, 1, (TCGArg)l);
}

/* ---- op emission ---- */

static inline TCGOp *tcg_op_alloc(TCGContext *s, TCGOpcode opc)
{
    if (G_UNLIKELY(s->nb_ops >= s->ops_alloc)) {
        s->ops_alloc *= 2;
        s->ops = g_renew(TCGOp, s->ops, s->ops_alloc);
    }
    TCGOp *op = &s->ops[s->nb_ops++];
    op->opc = opc;
    op->call_oargs = op->call_iargs = 0;
    return op;
}

TCGOp *tcg_emit_op(TCGOpcode opc, int nargs, ...)
{
    TCGContext *s = tcg_ctx();
    TCGOp *op = tcg_op_alloc(s, opc);
    va_list ap;
    g_assert(nargs <= TCG_MAX_OP_ARGS);
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++) {
        op->args[i] = va_arg(ap, TCGArg);
    }
    va_end(ap);
    return op;
}

static inline void emit1(TCGOpcode opc, TCGv d, TCGv a)
{
    TCGOp *op = tcg_op_alloc(&tcg_priv.pub, opc);
    op->args[0] = (TCGArg)d;
    op->args[1] = (TCGArg)a;
}

static inline void emit2(TCGOpcode opc, TCGv d, TCGv a, TCGv b)
{
    TCGOp *op = tcg_op_alloc(&tcg_priv.pub, opc);
    op->args[0] = (TCGArg)d;
    op->args[1] = (TCGArg)a;
    op->args[2] = (TCGArg)b;
}

static inline bool is_const(TCGv t, uint64_t v)
{
    return t->kind == TEMP_CONST && t->val == v;
}

/* Both inputs constant: store the folded value instead. */
static bool fold2(TCGOpcode opc, TCGv d, TCGv a, TCGv b)
{
    if (a->kind == TEMP_CONST && b->kind == TEMP_CONST) {
        uint64_t in[2] = { a->val, b->val }, r;
        if (tcg_fold_op(opc, in, NULL, &r)) {
            tcg_gen_movi_i64(d, r);
            return true;
        }
    }
    return false;
}

static bool fold1(TCGOpcode opc, TCGv d, TCGv a)
{
    if (a->kind == TEMP_CONST) {
        uint64_t in[2] = { a->val, 0 }, r;
        if (tcg_fold_op(opc, in, NULL, &r)) {
            tcg_gen_movi_i64(d, r);
            return true;
        }
    }
    return false;
}

void tcg_gen_mov_i64(TCGv d, TCGv a)
{
    if (d != a) {
        emit1(INDEX_op_mov, d, a);
    }
}

void tcg_gen_movi_i64(TCGv d, uint64_t v)
{
    emit1(INDEX_op_mov, d, tcg_constant_i64(v));
}

void tcg_gen_add_i64(TCGv d, TCGv a, TCGv b)
{
    if (is_const(b, 0)) {
        tcg_gen_mov_i64(d, a);
    } else if (is_const(a, 0)) {
        tcg_gen_mov_i64(d, b);
    } else if (!fold2(INDEX_op_add, d, a, b)) {
        emit2(INDEX_op_add, d, a, b);
    }
}

void tcg_gen_addi_i64(TCGv d, TCGv a, int64_t b)
{
    tcg_gen_add_i64(d, a, tcg_constant_i64((uint64_t)b));
}

void tcg_gen_sub_i64(TCGv d, TCGv a, TCGv b)
{
    if (is_const(b, 0)) {
        tcg_gen_mov_i64(d, a);
    } else if (a == b) {
        tcg_gen_movi_i64(d, 0);
    } else if (b->kind == TEMP_CONST) {
        /* canonical form: add of the negated constant */
        tcg_gen_add_i64(d, a, tcg_constant_i64(-b->val));
    } else if (!fold2(INDEX_op_sub, d, a, b)) {
        emit2(INDEX_op_sub, d, a, b);
    }
}

void tcg_gen_subi_i64(TCGv d, TCGv a, int64_t b)
{
    tcg_gen_sub_i64(d, a, tcg_constant_i64((uint64_t)b));
}

void tcg_gen_mul_i64(TCGv d, TCGv a, TCGv b)
{
    if (is_const(a, 0) || is_const(b, 0)) {
        tcg_gen_movi_i64(d, 0);
    } else if (is_const(b, 1)) {
        tcg_gen_mov_i64(d, a);
    } else if (is_const(a, 1)) {
        tcg_gen_mov_i64(d, b);
    } else if (!fold2(INDEX_op_mul, d, a, b)) {
        emit2(INDEX_op_mul, d, a, b);
    }
}

void tcg_gen_muli_i64(TCGv d, TCGv a, int64_t b)
{
    tcg_gen_mul_i64(d, a, tcg_constant_i64((uint64_t)b));
}

void tcg_gen_and_i64(TCGv d, TCGv a, TCGv b)
{
    if (is_const(a, 0) || is_const(b, 0)) {
        tcg_gen_movi_i64(d, 0);
    } else if (is_const(b, ~0ull) || a == b) {
        tcg_gen_mov_i64(d, a);
    } else if (is_const(a, ~0ull)) {
        tcg_gen_mov_i64(d, b);
    } else if (!fold2(INDEX_op_and, d, a, b)) {
        emit2(INDEX_op_and, d, a, b);
    }
}

void tcg_gen_andi_i64(TCGv d, TCGv a, uint64_t b)
{
    tcg_gen_and_i64(d, a, tcg_constant_i64(b));
}

void tcg_gen_or_i64(TCGv d, TCGv a, TCGv b)
{
    if (is_const(a, ~0ull) || is_const(b, ~0ull)) {
        tcg_gen_movi_i64(d, ~0ull);
    } else if (is_const(b, 0) || a == b) {
        tcg_gen_mov_i64(d, a);
    } else if (is_const(a, 0)) {
        tcg_gen_mov_i64(d, b);
    } else if (!fold2(INDEX_op_or, d, a, b)) {
        emit2(INDEX_op_or, d, a, b);
    }
}

void tcg_gen_ori_i64(TCGv d, TCGv a, uint64_t b)
{
    tcg_gen_or_i64(d, a, tcg_constant_i64(b));
}

void tcg_gen_xor_i64(TCGv d, TCGv a, TCGv b)
{
    if (a == b) {
        tcg_gen_movi_i64(d, 0);
    } else if (is_const(b, 0)) {
        tcg_gen_mov_i64(d, a);
    } else if (is_const(a, 0)) {
        tcg_gen_mov_i64(d, b);
    } else if (is_const(b, ~0ull) && a->kind != TEMP_CONST) {
        emit1(INDEX_op_not, d, a);
    } else if (!fold2(INDEX_op_xor, d, a, b)) {
        emit2(INDEX_op_xor, d, a, b);
    }
}

void tcg_gen_xori_i64(TCGv d, TCGv a, uint64_t b)
{
    tcg_gen_xor_i64(d, a, tcg_constant_i64(b));
}

void tcg_gen_andc_i64(TCGv d, TCGv a, TCGv b)
{
    if (a == b || is_const(a, 0) || is_const(b, ~0ull)) {
        tcg_gen_movi_i64(d, 0);
    } else if (b->kind == TEMP_CONST) {
        tcg_gen_and_i64(d, a, tcg_constant_i64(~b->val));
    } else {
        emit2(INDEX_op_andc, d, a, b);
    }
}

void tcg_gen_neg_i64(TCGv d, TCGv a)
{
    if (!fold1(INDEX_op_neg, d, a)) {
        emit1(INDEX_op_neg, d, a);
    }
}

void tcg_gen_not_i64(TCGv d, TCGv a)
{
    if (!fold1(INDEX_op_not, d, a)) {
        emit1(INDEX_op_not, d, a);
    }
}

/* Shifts and rotates: a count of 0 (mod width) is a move. */
static void gen_shift(TCGOpcode opc, TCGv d, TCGv a, TCGv b, unsigned mask)
{
    if (b->kind == TEMP_CONST && (b->val & mask) == 0) {
        if (mask == 31) {
            tcg_gen_ext32u_i64(d, a);
        } else {
            tcg_gen_mov_i64(d, a);
        }
    } else if (!fold2(opc, d, a, b)) {
        emit2(opc, d, a, b);
    }
}

void tcg_gen_shl_i64(TCGv d, TCGv a, TCGv b) { gen_shift(INDEX_op_shl, d, a, b, 63); }
void tcg_gen_shr_i64(TCGv d, TCGv a, TCGv b) { gen_shift(INDEX_op_shr, d, a, b, 63); }
void tcg_gen_sar_i64(TCGv d, TCGv a, TCGv b) { gen_shift(INDEX_op_sar, d, a, b, 63); }
void tcg_gen_rotl_i64(TCGv d, TCGv a, TCGv b) { gen_shift(INDEX_op_rotl, d, a, b, 63); }
void tcg_gen_rotr_i64(TCGv d, TCGv a, TCGv b) { gen_shift(INDEX_op_rotr, d, a, b, 63); }
void tcg_gen_rotl32_i64(TCGv d, TCGv a, TCGv b) { gen_shift(INDEX_op_rotl32, d, a, b, 31); }
void tcg_gen_rotr32_i64(TCGv d, TCGv a, TCGv b) { gen_shift(INDEX_op_rotr32, d, a, b, 31); }
void tcg_gen_shli_i64(TCGv d, TCGv a, unsigned b) { tcg_gen_shl_i64(d, a, tcg_constant_i64(b)); }
void tcg_gen_shri_i64(TCGv d, TCGv a, unsigned b) { tcg_gen_shr_i64(d, a, tcg_constant_i64(b)); }
void tcg_gen_sari_i64(TCGv d, TCGv a, unsigned b) { tcg_gen_sar_i64(d, a, tcg_constant_i64(b)); }
void tcg_gen_rotli_i64(TCGv d, TCGv a, unsigned b) { tcg_gen_rotl_i64(d, a, tcg_constant_i64(b)); }
void tcg_gen_rotri_i64(TCGv d, TCGv a, unsigned b) { tcg_gen_rotr_i64(d, a, tcg_constant_i64(b)); }

static void gen_mul2(TCGOpcode opc, TCGv lo, TCGv hi, TCGv a, TCGv b)
{
    TCGOp *op = tcg_op_alloc(&tcg_priv.pub, opc);
    op->args[0] = (TCGArg)lo;
    op->args[1] = (TCGArg)hi;
    op->args[2] = (TCGArg)a;
    op->args[3] = (TCGArg)b;
}

void tcg_gen_mulu2_i64(TCGv lo, TCGv hi, TCGv a, TCGv b) { gen_mul2(INDEX_op_mulu2, lo, hi, a, b); }
void tcg_gen_muls2_i64(TCGv lo, TCGv hi, TCGv a, TCGv b) { gen_mul2(INDEX_op_muls2, lo, hi, a, b); }

#define GEN_UNARY(nm) \
    void tcg_gen_##nm##_i64(TCGv d, TCGv a) \
    { \
        if (!fold1(INDEX_op_##nm, d, a)) { \
            emit1(INDEX_op_##nm, d, a); \
        } \
    }
GEN_UNARY(ext8s)
GEN_UNARY(ext8u)
GEN_UNARY(ext16s)
GEN_UNARY(ext16u)
GEN_UNARY(ext32s)
GEN_UNARY(ext32u)
GEN_UNARY(bswap16)
GEN_UNARY(bswap32)
GEN_UNARY(bswap64)
GEN_UNARY(ctpop)

void tcg_gen_extract_i64(TCGv d, TCGv a, unsigned pos, unsigned len)
{
    g_assert(len > 0 && len <= 64 && pos < 64 && pos + len <= 64);
    if (pos == 0) {
        switch (len) {
        case 8:  tcg_gen_ext8u_i64(d, a); return;
        case 16: tcg_gen_ext16u_i64(d, a); return;
        case 32: tcg_gen_ext32u_i64(d, a); return;
        case 64: tcg_gen_mov_i64(d, a); return;
        }
    }
    if (pos + len == 64) {
        tcg_gen_shri_i64(d, a, pos);
        return;
    }
    if (a->kind == TEMP_CONST) {
        tcg_gen_movi_i64(d, tcg_sem_extract(a->val, pos, len));
        return;
    }
    tcg_emit_op(INDEX_op_extract, 4, (TCGArg)d, (TCGArg)a, (TCGArg)pos, (TCGArg)len);
}

void tcg_gen_sextract_i64(TCGv d, TCGv a, unsigned pos, unsigned len)
{
    g_assert(len > 0 && len <= 64 && pos < 64 && pos + len <= 64);
    if (pos == 0) {
        switch (len) {
        case 8:  tcg_gen_ext8s_i64(d, a); return;
        case 16: tcg_gen_ext16s_i64(d, a); return;
        case 32: tcg_gen_ext32s_i64(d, a); return;
        case 64: tcg_gen_mov_i64(d, a); return;
        }
    }
    if (pos + len == 64) {
        tcg_gen_sari_i64(d, a, pos);
        return;
    }
    if (a->kind == TEMP_CONST) {
        tcg_gen_movi_i64(d, tcg_sem_sextract(a->val, pos, len));
        return;
    }
    tcg_emit_op(INDEX_op_sextract, 4, (TCGArg)d, (TCGArg)a, (TCGArg)pos, (TCGArg)len);
}

void tcg_gen_deposit_i64(TCGv d, TCGv a, TCGv b, unsigned pos, unsigned len)
{
    g_assert(len > 0 && len <= 64 && pos < 64 && pos + len <= 64);
    if (len == 64) {
        tcg_gen_mov_i64(d, b);
        return;
    }
    if (a->kind == TEMP_CONST && b->kind == TEMP_CONST) {
        tcg_gen_movi_i64(d, tcg_sem_deposit(a->val, b->val, pos, len));
        return;
    }
    tcg_emit_op(INDEX_op_deposit, 5, (TCGArg)d, (TCGArg)a, (TCGArg)b,
                (TCGArg)pos, (TCGArg)len);
}

void tcg_gen_clz_i64(TCGv d, TCGv a, TCGv if_zero)
{
    if (!fold2(INDEX_op_clz, d, a, if_zero)) {
        emit2(INDEX_op_clz, d, a, if_zero);
    }
}

void tcg_gen_ctz_i64(TCGv d, TCGv a, TCGv if_zero)
{
    if (!fold2(INDEX_op_ctz, d, a, if_zero)) {
        emit2(INDEX_op_ctz, d, a, if_zero);
    }
}

void tcg_gen_setcond_i64(TCGCond c, TCGv d, TCGv a, TCGv b)
{
    if (c == TCG_COND_ALWAYS || c == TCG_COND_NEVER) {
        tcg_gen_movi_i64(d, c == TCG_COND_ALWAYS);
        return;
    }
    if (a->kind == TEMP_CONST && b->kind == TEMP_CONST) {
        tcg_gen_movi_i64(d, tcg_cond_eval(c, a->val, b->val));
        return;
    }
    tcg_emit_op(INDEX_op_setcond, 4, (TCGArg)d, (TCGArg)a, (TCGArg)b, (TCGArg)c);
}

void tcg_gen_setcondi_i64(TCGCond c, TCGv d, TCGv a, int64_t b)
{
    tcg_gen_setcond_i64(c, d, a, tcg_constant_i64((uint64_t)b));
}

void tcg_gen_negsetcond_i64(TCGCond c, TCGv d, TCGv a, TCGv b)
{
    tcg_gen_setcond_i64(c, d, a, b);
    tcg_gen_neg_i64(d, d);
}

void tcg_gen_movcond_i64(TCGCond c, TCGv d, TCGv a, TCGv b, TCGv v1, TCGv v2)
{
    if (v1 == v2 || c == TCG_COND_ALWAYS) {
        tcg_gen_mov_i64(d, v1);
        return;
    }
    if (c == TCG_COND_NEVER) {
        tcg_gen_mov_i64(d, v2);
        return;
    }
    if (a->kind == TEMP_CONST && b->kind == TEMP_CONST) {
        tcg_gen_mov_i64(d, tcg_cond_eval(c, a->val, b->val) ? v1 : v2);
        return;
    }
    tcg_emit_op(INDEX_op_movcond, 6, (TCGArg)d, (TCGArg)a, (TCGArg)b,
                (TCGArg)v1, (TCGArg)v2, (TCGArg)c);
}

void tcg_gen_br(TCGLabel *l)
{
    l->has_refs = true;
    tcg_emit_op(INDEX_op_br, 1, (TCGArg)l);
}

void tcg_gen_brcond_i64(TCGCond c, TCGv a, TCGv b, TCGLabel *l)
{
    if (c == TCG_COND_ALWAYS) {
        tcg_gen_br(l);
    } else if (c != TCG_COND_NEVER) {
        l->has_refs = true;
        tcg_emit_op(INDEX_op_brcond, 4, (TCGArg)a, (TCGArg)b, (TCGArg)c, (TCGArg)l);
    }
}

void tcg_gen_brcondi_i64(TCGCond c, TCGv a, int64_t b, TCGLabel *l)
{
    tcg_gen_brcond_i64(c, a, tcg_constant_i64((uint64_t)b), l);
}

void tcg_gen_qemu_ld_i64(TCGv val, TCGv addr, MemOp op)
{
    tcg_emit_op(INDEX_op_qemu_ld, 3, (TCGArg)val, (TCGArg)addr, (TCGArg)op);
}

void tcg_gen_qemu_st_i64(TCGv val, TCGv addr, MemOp op)
{
    tcg_emit_op(INDEX_op_qemu_st, 3, (TCGArg)val, (TCGArg)addr, (TCGArg)op);
}

void tcg_gen_qemu_ld_env(uint32_t env_off, TCGv addr, unsigned size)
{
    g_assert(size == 16 || size == 32);
    tcg_emit_op(INDEX_op_qemu_ld_env, 3, (TCGArg)addr, (TCGArg)env_off, (TCGArg)size);
}

void tcg_gen_qemu_st_env(uint32_t env_off, TCGv addr, unsigned size)
{
    g_assert(size == 16 || size == 32);
    tcg_emit_op(INDEX_op_qemu_st_env, 3, (TCGArg)addr, (TCGArg)env_off, (TCGArg)size);
}

void tcg_gen_mb(void)
{
    tcg_emit_op(INDEX_op_mb, 0);
}

void tcg_gen_add_counter(void *base, uint64_t stride, uint64_t imm)
{
    tcg_emit_op(INDEX_op_add_counter, 3, (TCGArg)(uintptr_t)base, (TCGArg)stride, (TCGArg)imm);
}

void tcg_gen_discard_i64(TCGv t)
{
    if (t->kind == TEMP_TB) {
        tcg_emit_op(INDEX_op_discard, 1, (TCGArg)t);
    }
}

/* ---- calls ---- */

void tcg_gen_callN(const TCGHelperInfo *info, TCGv ret, int nargs, TCGv *args)
{
    g_assert(nargs >= 0 && nargs <= TCG_MAX_HELPER_ARGS);
    TCGOp *op = tcg_op_alloc(tcg_ctx(), INDEX_op_call);
    unsigned k = 0;
    op->call_oargs = ret != NULL;
    op->call_iargs = (uint8_t)nargs;
    if (ret) {
        op->args[k++] = (TCGArg)ret;
    }
    for (int i = 0; i < nargs; i++) {
        op->args[k++] = (TCGArg)args[i];
    }
    op->args[k] = (TCGArg)info;
}

void tcg_gen_call0(const TCGHelperInfo *info, TCGv ret)
{
    tcg_gen_callN(info, ret, 0, NULL);
}

void tcg_gen_call1(const TCGHelperInfo *info, TCGv ret, TCGv a1)
{
    tcg_gen_callN(info, ret, 1, &a1);
}

void tcg_gen_call2(const TCGHelperInfo *info, TCGv ret, TCGv a1, TCGv a2)
{
    TCGv a[] = { a1, a2 };
    tcg_gen_callN(info, ret, 2, a);
}

void tcg_gen_call3(const TCGHelperInfo *info, TCGv ret, TCGv a1, TCGv a2, TCGv a3)
{
    TCGv a[] = { a1, a2, a3 };
    tcg_gen_callN(info, ret, 3, a);
}

void tcg_gen_call4(const TCGHelperInfo *info, TCGv ret, TCGv a1, TCGv a2, TCGv a3, TCGv a4)
{
    TCGv a[] = { a1, a2, a3, a4 };
    tcg_gen_callN(info, ret, 4, a);
}

void tcg_gen_call5(const TCGHelperInfo *info, TCGv ret, TCGv a1, TCGv a2, TCGv a3,
                   TCGv a4, TCGv a5)
{
    TCGv a[] = { a1, a2, a3, a4, a5 };
    tcg_gen_callN(info, ret, 5, a);
}

void tcg_gen_call6(const TCGHelperInfo *info, TCGv ret, TCGv a1, TCGv a2, TCGv a3,
                   TCGv a4, TCGv a5, TCGv a6)
{
    TCGv a[] = { a1, a2, a3, a4, a5, a6 };
    tcg_gen_callN(info, ret, 6, a);
}

/* ---- TB structure ---- */

void tcg_gen_insn_start(uint64_t pc, uint64_t cc_op)
{
    tcg_emit_op(INDEX_op_insn_start, 2, (TCGArg)pc, (TCGArg)cc_op);
}

void tcg_gen_goto_tb(unsigned slot)
{
    tcg_emit_op(INDEX_op_goto_tb, 1, (TCGArg)slot);
}

void tcg_gen_exit_tb(unsigned exit_value)
{
    tcg_emit_op(INDEX_op_exit_tb, 1, (TCGArg)exit_value);
}
