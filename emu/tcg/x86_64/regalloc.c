/*
 * emu/tcg/x86_64/regalloc.c — register allocation across a TB.
 *
 * A local allocator in the manner of QEMU's TCG: host registers cache
 * temps.  Every temp has a home in env — a global its own slot, a TB temp
 * a tmp[] slot taken when it must first be spilled and given back at its
 * last use — and a register binding that may be dirty (newer than home).
 * Constants are rematerialized rather than spilled.
 *
 * Writes to globals stay in registers until a call, a branch or a label,
 * or the TB's exit (the backend contract in backend.h); across guest
 * accesses too, whose faults find them through the access map
 * (jit_note_access, jit_fault_context).  Across a branch or label
 * everything live goes home, so the state at a label is simply "all in
 * memory" (but registers still hold clean copies where the label has one
 * way in: ra_enter_label); inside a basic block values stay in registers.
 * Live ranges are [first, last use] in op order (branches only go
 * forward), computed by the driver into last_use.
 */
#include <string.h>
#include <glib.h>

#include "emu/cpu.h"
#include "jit-internal.h"

/* Allocation order: caller-saved first, callee-saved last (rbx is the
 * pinned guest rsp, REG_PIN). */
static const int8_t alloc_order[] = {
    RAX, RCX, RDX, RSI, RDI, R8, R9, R10, R12,
};

static inline int32_t home_disp(int32_t slot)
{
    return slot * 8;
}

/* The pinned global in REG_PIN, newer than env (a TB's entry: the
 * previous TB or the trampoline left it there, env may be stale), or as
 * env has it (mem_ok). */
static void bind_pin(JitGen *g, bool mem_ok)
{
    if (g->pin) {
        TempInfo *ti = ti_of(g, g->pin);
        ti->reg = REG_PIN;
        ti->mem_ok = mem_ok;
        g->owner[REG_PIN] = g->pin;
    }
}

void ra_start(JitGen *g)
{
    for (int r = 0; r < 16; r++) {
        g->owner[r] = NULL;
    }
    bind_pin(g, false);
    g->locked = 0;
    g->nfree_homes = 0;
    g->next_home = 0;
}

static int32_t home_of(JitGen *g, TCGTemp *t)
{
    TempInfo *ti = ti_of(g, t);
    if (ti->home < 0) {
        uint32_t k;
        if (g->nfree_homes) {
            k = g->free_homes[--g->nfree_homes];
        } else {
            if (g->next_home >= EMU_MAX_TEMPS) {
                g_error("tcg jit: a TB needs more than EMU_MAX_TEMPS=%d spill slots",
                        EMU_MAX_TEMPS);
            }
            k = g->next_home++;
        }
        ti->home = (int32_t)(ENV_SLOT(tmp[0]) + k);
    }
    return ti->home;
}

/* Save r's owner home if its register copy is the only one; unbind it. */
static void evict(JitGen *g, int r)
{
    TCGTemp *t = g->owner[r];
    if (t == NULL) {
        return;
    }
    TempInfo *ti = ti_of(g, t);
    if (t->kind != TEMP_CONST && !ti->mem_ok) {
        jit_st64(&g->b, r, REG_ENV, home_disp(home_of(g, t)));
        ti->mem_ok = true;
    }
    ti->reg = -1;
    g->owner[r] = NULL;
}

void ra_take(JitGen *g, int r)
{
    evict(g, r);
    g->locked |= 1u << r;
}

int ra_alloc(JitGen *g, uint32_t avoid)
{
    avoid |= g->locked;
    for (unsigned i = 0; i < G_N_ELEMENTS(alloc_order); i++) {
        int r = alloc_order[i];
        if (!(avoid & (1u << r)) && g->owner[r] == NULL) {
            g->locked |= 1u << r;
            return r;
        }
    }
    /* Evict: a clean value first (no store), else anything. */
    int victim = -1;
    for (unsigned k = 0; k < G_N_ELEMENTS(alloc_order); k++) {
        int r = alloc_order[(g->evict_rr + k) % G_N_ELEMENTS(alloc_order)];
        if (avoid & (1u << r)) {
            continue;
        }
        TCGTemp *t = g->owner[r];
        if (t->kind == TEMP_CONST || ti_of(g, t)->mem_ok) {
            victim = r;
            break;
        }
        if (victim < 0) {
            victim = r;
        }
    }
    g_assert(victim >= 0);
    g->evict_rr++;
    ra_take(g, victim);
    return victim;
}

int ra_in(JitGen *g, TCGTemp *t)
{
    TempInfo *ti = ti_of(g, t);
    if (ti->reg >= 0) {
        g->locked |= 1u << ti->reg;
        return ti->reg;
    }
    int r = ra_alloc(g, 0);
    if (t->kind == TEMP_CONST) {
        jit_movi(&g->b, r, t->val);
    } else {
        /* A TB temp never written has no value: its home is as good. */
        jit_ld64(&g->b, r, REG_ENV, home_disp(home_of(g, t)));
        ti->mem_ok = true;
    }
    ti->reg = (int8_t)r;
    g->owner[r] = t;
    return r;
}

void ra_drop(JitGen *g, TCGTemp *t)
{
    TempInfo *ti = ti_of(g, t);
    if (ti->reg >= 0) {
        g->owner[ti->reg] = NULL;
        ti->reg = -1;
    }
}

void ra_bind(JitGen *g, TCGTemp *t, int r)
{
    TempInfo *ti = ti_of(g, t);
    g_assert(t->kind != TEMP_CONST);
    if (t == g->pin && r != REG_PIN) {
        /* the pinned global lives in REG_PIN only */
        jit_mov_rr(&g->b, REG_PIN, r);
        if (g->owner[r] && g->owner[r] != t) {
            ti_of(g, g->owner[r])->reg = -1;    /* consumed by this op */
        }
        g->owner[r] = NULL;
        r = REG_PIN;
    }
    if (g->owner[r] && g->owner[r] != t) {
        /* the previous owner was consumed by this op */
        ti_of(g, g->owner[r])->reg = -1;
    }
    if (ti->reg >= 0 && ti->reg != r) {
        g->owner[ti->reg] = NULL;
    }
    ti->reg = (int8_t)r;
    ti->mem_ok = false;
    g->owner[r] = t;
    g->locked |= 1u << r;
}

int ra_out(JitGen *g, TCGTemp *t, uint32_t avoid)
{
    TempInfo *ti = ti_of(g, t);
    if (t == g->pin && !(avoid & (1u << REG_PIN))) {
        g->locked |= 1u << REG_PIN;
        return REG_PIN;
    }
    if (ti->reg >= 0 && !((avoid | g->locked) & (1u << ti->reg))) {
        g->locked |= 1u << ti->reg;
        return ti->reg;
    }
    return ra_alloc(g, avoid);
}

bool ra_dies(JitGen *g, TCGTemp *t)
{
    return t->kind == TEMP_TB && ti_of(g, t)->last_use <= (int32_t)g->idx;
}

static void release(JitGen *g, TCGTemp *t)
{
    TempInfo *ti = ti_of(g, t);
    ra_drop(g, t);
    ti->mem_ok = false;
    if (ti->home >= 0) {
        g->free_homes[g->nfree_homes++] = (uint16_t)(ti->home - ENV_SLOT(tmp[0]));
        ti->home = -1;
    }
}

void ra_op_end(JitGen *g, const TCGOp *op)
{
    unsigned n = (op->opc == INDEX_op_call ? op->call_oargs + op->call_iargs
                  : (unsigned)(tcg_op_defs[op->opc].nb_oargs + tcg_op_defs[op->opc].nb_iargs));
    for (unsigned k = 0; k < n; k++) {
        TCGTemp *t = (TCGTemp *)op->args[k];
        if (ra_dies(g, t)) {
            release(g, t);
        }
    }
    g->locked = 0;
}

static bool global_in(const TCGTemp *t, int32_t off, unsigned size)
{
    return t && t->kind == TEMP_GLOBAL && (int32_t)t->slot * 8 + 8 > off &&
           (int32_t)t->slot * 8 < off + (int32_t)size;
}

/* Write to env the dirty globals in env bytes [off, off + size), but the
 * pinned one if keep_pin; they stay cached, now clean. */
static void store_dirty(JitGen *g, int32_t off, unsigned size, bool keep_pin)
{
    for (int r = 0; r < 16; r++) {
        TCGTemp *t = g->owner[r];
        if (global_in(t, off, size) && !ti_of(g, t)->mem_ok && !(keep_pin && t == g->pin)) {
            jit_st64(&g->b, r, REG_ENV, home_disp(t->slot));
            ti_of(g, t)->mem_ok = true;
        }
    }
}

void ra_sync_globals(JitGen *g)
{
    store_dirty(g, 0, ENV_SLOT_END * 8, false);
}

void ra_sync_env(JitGen *g, int32_t off, unsigned size)
{
    store_dirty(g, off, size, false);
}

void ra_sync_exit(JitGen *g)
{
    store_dirty(g, 0, ENV_SLOT_END * 8, true);
}

void ra_env_written(JitGen *g, int32_t off, unsigned size)
{
    for (int r = 0; r < 16; r++) {
        TCGTemp *t = g->owner[r];
        if (global_in(t, off, size)) {
            ra_drop(g, t);
            ti_of(g, t)->mem_ok = true;
        }
    }
}

void ra_reload_pin(JitGen *g)
{
    if (g->pin) {
        jit_ld64(&g->b, REG_PIN, REG_ENV, home_disp(g->pin->slot));
        bind_pin(g, true);
    }
}

void ra_before_call(JitGen *g, bool drop_globals)
{
    ra_sync_globals(g);
    for (int r = 0; r < 16; r++) {
        TCGTemp *t = g->owner[r];
        if (t == NULL) {
            continue;
        }
        if (CALLER_SAVED_MASK & (1u << r)) {
            if (t->kind == TEMP_TB && ra_dies(g, t)) {
                ra_drop(g, t);      /* consumed by this call */
            } else {
                evict(g, r);
            }
        } else if (drop_globals && t->kind == TEMP_GLOBAL) {
            ra_drop(g, t);          /* clean: reload after the call */
        }
    }
}

void ra_dirty_globals(JitGen *g, DirtyGlobals *d)
{
    d->n = 0;
    for (int r = 0; r < 16; r++) {
        TCGTemp *t = g->owner[r];
        if (t && t->kind == TEMP_GLOBAL && !ti_of(g, t)->mem_ok) {
            d->reg[d->n] = (uint8_t)r;
            d->disp[d->n] = home_disp(t->slot);
            d->n++;
        }
    }
}

void jit_store_dirty(JitBuf *b, const DirtyGlobals *d)
{
    for (unsigned k = 0; k < d->n; k++) {
        jit_st64(b, d->reg[k], REG_ENV, d->disp[k]);
    }
}

static void bb_end(JitGen *g, bool globals)
{
    for (int r = 0; r < 16; r++) {
        TCGTemp *t = g->owner[r];
        if (t == NULL || t->kind == TEMP_CONST || ti_of(g, t)->mem_ok || t == g->pin) {
            continue;   /* the pinned global stays in REG_PIN on every path */
        }
        if (t->kind == TEMP_GLOBAL && !globals) {
            continue;
        }
        if (t->kind == TEMP_TB && ti_of(g, t)->last_use <= (int32_t)g->idx) {
            continue;   /* dead after this point */
        }
        jit_st64(&g->b, r, REG_ENV, home_disp(home_of(g, t)));
        ti_of(g, t)->mem_ok = true;
    }
}

void ra_bb_end(JitGen *g)
{
    bb_end(g, true);
}

void ra_branch_sync(JitGen *g, const TCGLabel *l)
{
    bb_end(g, !(g->label_defer[l->id] && g->label_refs[l->id] == 1));
}

void ra_forget(JitGen *g)
{
    for (int r = 0; r < 16; r++) {
        if (g->owner[r]) {
            ti_of(g, g->owner[r])->reg = -1;
            g->owner[r] = NULL;
        }
    }
    /* REG_PIN holds the pinned global on every path (env may not) */
    bind_pin(g, false);
}

void ra_note_branch(JitGen *g, const TCGLabel *l)
{
    if (g->label_refs[l->id] == 1) {
        memcpy(g->label_regs[l->id], g->owner, sizeof(g->owner));
        uint16_t dirty = 0;
        for (int r = 0; r < 16; r++) {
            TCGTemp *t = g->owner[r];
            if (t && t->kind == TEMP_GLOBAL && t != g->pin && !ti_of(g, t)->mem_ok) {
                dirty |= (uint16_t)(1u << r);
            }
        }
        g->label_dirty[l->id] = dirty;
    }
}

void ra_enter_label(JitGen *g, const TCGLabel *l)
{
    ra_forget(g);
    if (g->label_refs[l->id] != 1) {
        return;
    }
    /* ra_branch_sync ran before the branch: its globals were clean there
     * (but those label_dirty marks, stored here) and nothing on the
     * branch's path changed them.  TB temps live on from their homes. */
    for (int r = 0; r < 16; r++) {
        TCGTemp *t = g->label_regs[l->id][r];
        if (t && t != g->pin && (t->kind == TEMP_GLOBAL || t->kind == TEMP_CONST)) {
            TempInfo *ti = ti_of(g, t);
            if (g->label_dirty[l->id] & (1u << r)) {
                jit_st64(&g->b, r, REG_ENV, home_disp(home_of(g, t)));
            }
            ti->reg = (int8_t)r;
            ti->mem_ok = true;
            g->owner[r] = t;
        }
    }
}

void ra_place_globals(JitGen *g, TCGTemp *const *t, const int8_t *r, unsigned n)
{
    int8_t src[JIT_LOOP_GLOBALS];
    bool done[JIT_LOOP_GLOBALS];
    g_assert(n <= JIT_LOOP_GLOBALS);
    for (unsigned i = 0; i < n; i++) {
        g_assert(t[i]->kind == TEMP_GLOBAL && ti_of(g, t[i])->mem_ok);
        src[i] = ti_of(g, t[i])->reg;
        done[i] = src[i] == r[i];
    }
    /* A parallel move: a register is written only once no pending move
     * reads it; a cycle is broken by a load from env (every value is
     * there too), which makes the moves reading that register loads. */
    for (;;) {
        int pick = -1, any = -1;
        for (unsigned i = 0; i < n && pick < 0; i++) {
            if (done[i]) {
                continue;
            }
            any = (int)i;
            bool read = false;
            for (unsigned j = 0; j < n; j++) {
                read |= !done[j] && j != i && src[j] == r[i];
            }
            if (!read) {
                pick = (int)i;
            }
        }
        if (any < 0) {
            break;
        }
        unsigned i = (unsigned)(pick >= 0 ? pick : any);
        if (pick >= 0 && src[i] >= 0) {
            jit_mov_rr(&g->b, r[i], src[i]);
        } else {
            jit_ld64(&g->b, r[i], REG_ENV, home_disp(t[i]->slot));
            for (unsigned j = 0; j < n; j++) {
                if (src[j] == r[i]) {
                    src[j] = -1;
                }
            }
        }
        done[i] = true;
    }
    ra_forget(g);
}
