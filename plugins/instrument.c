/*
 * plugins/instrument.c — translation-time instrumentation and its
 * run-time side.
 *
 * After the front end has produced a TB's IR (one insn_start op per guest
 * instruction) and before the optimizer runs, plugin_instrument_tb() shows
 * the TB to every tb_trans callback, collects what they register, and
 * rewrites the IR:
 *
 *   insn_start(pc0)                       <- TB start: tb exec callbacks,
 *   [tb inline ops, merged counter adds]     tb inline ops, merged adds
 *   ...insn 0's ops...
 *   insn_start(pc1)
 *   [insn 1's callbacks / inline ops]     <- "before the instruction"
 *   ...insn 1's ops, each qemu_ld/st followed by its memory callbacks...
 *
 * Exact counting (DESIGN.md, "The counting contract").  An inline ADD on an
 * instruction must count that instruction once per execution, not when it
 * faults.  Two placements, both corrected on early exit:
 *   - merged: in a straight-line TB without callbacks, all per-instruction
 *     ADDs to one scoreboard entry within a region become one ADD of their
 *     sum at the region's start.  Straight-line: no exit and no branch
 *     between instructions, except a superblock's side exits (a brcond of
 *     instruction k, recorded in TCGContext.side_exit_insn, to an exit
 *     after the TB's final one); a side exit ends a region, so the ADDs
 *     done when it is taken are exactly those of instructions 0..k;
 *   - per instruction: the ADD sits before the instruction's own ops.
 * A TB is left early only by an exception (siglongjmp to cpu_exec) raised
 * while instruction k executes (env->insn_pc = its pc).  Either k faulted
 * (env->rip = its pc: it did not retire) or it trapped after retiring
 * (syscall, int3: env->rip = the next instruction).  So instructions
 * 0..e-1 executed, e = k or k+1, while the ADDs of 0..end(k)-1 (merged;
 * end(k) = the end of k's region) or 0..k (per instruction) were done;
 * plugin_tb_exit_early() subtracts the rest.  Normal TB exits and side
 * exits all come after the last instruction of their region retired.
 * Each vCPU adds into its own scoreboard entry: no atomics.
 *
 * TB-level instrumentation (a callback or inline op on the TB's
 * execution) assumes that the whole TB runs: a plugin that asks for it on
 * a superblock turns superblocks off for good, and the TB is translated
 * again (plugin_instrument_tb returns false).
 */
#include <string.h>
#include <glib.h>

#include "emu/exec.h"
#include "emu/log.h"
#include "emu/translator.h"
#include "emu/tcg/tcg.h"
#include "emu/tcg/internal.h"
#include "plugins/internal.h"
#include "softmmu/softmmu.h"

extern __thread uint64_t plugin_mem_value, plugin_mem_value_hi;

/* ---- run-time data hanging off a TB ---- */

/* A callback list run by one helper call. */
typedef struct PluginCbList {
    uint32_t n;
    PluginDyn dyn[];
} PluginCbList;

/* A scoreboard entry whose per-instruction ADDs need early-exit correction. */
typedef struct PluginCorr {
    uint8_t *base;        /* entry of vCPU 0 */
    size_t stride;        /* element size */
    bool merged;          /* all ADDs were done at TB start */
    uint64_t *imm;        /* per instruction (n entries) */
} PluginCorr;

typedef struct PluginTBData {
    uint32_t n;
    uint64_t *pc;         /* pc of each instruction */
    uint32_t *region_end; /* superblocks: one past the last instruction of
                           * instruction i's merged region (NULL: all n) */
    uint32_t n_corr;
    PluginCorr *corr;
    GPtrArray *owned;     /* PluginCbList* and other allocations to free */
} PluginTBData;

static void plugin_td_free(PluginTBData *td)
{
    for (uint32_t c = 0; c < td->n_corr; c++) {
        g_free(td->corr[c].imm);
    }
    g_free(td->corr);
    if (td->owned) {
        g_ptr_array_free(td->owned, TRUE);
    }
    g_free(td);     /* pc[] and region_end[] are in the same block */
}

/* Grow-only scratch arrays of plugin_instrument_tb, kept from one TB to
 * the next (translation runs under tb_lock): python3's start-up
 * instruments some 25,000 TBs, and a dozen allocations for each were a
 * third of the counter's translation time. */
static void *scratch(void **buf, size_t *cap, size_t bytes, bool zero)
{
    if (*cap < bytes) {
        *cap = MAX(bytes, 2 * *cap);
        *buf = g_realloc(*buf, *cap);
    }
    if (zero) {
        memset(*buf, 0, bytes);
    }
    return *buf;
}

/* ---- registration (from tb_trans callbacks) ---- */

/* Translation allocates a list per instrumented instruction: they are
 * kept for the next TB rather than freed (a per-instruction counter
 * instruments every instruction translated; python3's start-up is 200,000
 * of them).  Translation runs under tb_lock: no other thread uses these. */
static GPtrArray *dyn_pool;

static GArray *dyn_new(void)
{
    if (dyn_pool && dyn_pool->len) {
        GArray *a = g_ptr_array_steal_index_fast(dyn_pool, dyn_pool->len - 1);
        g_array_set_size(a, 0);
        return a;
    }
    return g_array_new(FALSE, FALSE, sizeof(PluginDyn));
}

static void dyn_release(GArray *a)
{
    if (dyn_pool == NULL) {
        dyn_pool = g_ptr_array_new();
    }
    if (a->len > 64) {
        g_array_free(a, TRUE);      /* keep the pool's arrays small */
        return;
    }
    g_ptr_array_add(dyn_pool, a);
}

static void dyn_add(GArray **arr, const PluginDyn *d)
{
    if (*arr == NULL) {
        *arr = dyn_new();
    }
    g_array_append_val(*arr, *d);
}

static bool entry_ok(qemu_plugin_u64 e)
{
    return e.score != NULL && e.offset + sizeof(uint64_t) <= MAX(e.score->element_size, 8);
}

void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata)
{
    if (tb && cb) {
        PluginDyn d = { .kind = PLUGIN_DYN_CB, .f.exec = cb, .udata = userdata,
                        .cond = QEMU_PLUGIN_COND_ALWAYS };
        dyn_add(&tb->dyn, &d);
    }
}

void qemu_plugin_register_vcpu_tb_exec_cond_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                               enum qemu_plugin_cb_flags flags, enum qemu_plugin_cond cond,
                                               qemu_plugin_u64 entry, uint64_t imm, void *userdata)
{
    if (tb == NULL || cb == NULL || cond == QEMU_PLUGIN_COND_NEVER) {
        return;
    }
    if (cond != QEMU_PLUGIN_COND_ALWAYS && !entry_ok(entry)) {
        return;
    }
    PluginDyn d = { .kind = PLUGIN_DYN_CB, .f.exec = cb, .udata = userdata,
                    .cond = cond, .entry = entry, .imm = imm };
    dyn_add(&tb->dyn, &d);
}

void qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
                                                       qemu_plugin_u64 entry, uint64_t imm)
{
    if (tb && entry_ok(entry)) {
        PluginDyn d = { .kind = PLUGIN_DYN_INLINE, .op = op, .entry = entry, .imm = imm };
        dyn_add(&tb->dyn, &d);
    }
}

void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata)
{
    if (insn && cb) {
        PluginDyn d = { .kind = PLUGIN_DYN_CB, .f.exec = cb, .udata = userdata,
                        .cond = QEMU_PLUGIN_COND_ALWAYS };
        dyn_add(&insn->dyn, &d);
    }
}

void qemu_plugin_register_vcpu_insn_exec_cond_cb(struct qemu_plugin_insn *insn,
                                                 qemu_plugin_vcpu_udata_cb_t cb,
                                                 enum qemu_plugin_cb_flags flags,
                                                 enum qemu_plugin_cond cond,
                                                 qemu_plugin_u64 entry, uint64_t imm, void *userdata)
{
    if (insn == NULL || cb == NULL || cond == QEMU_PLUGIN_COND_NEVER) {
        return;
    }
    if (cond != QEMU_PLUGIN_COND_ALWAYS && !entry_ok(entry)) {
        return;
    }
    PluginDyn d = { .kind = PLUGIN_DYN_CB, .f.exec = cb, .udata = userdata,
                    .cond = cond, .entry = entry, .imm = imm };
    dyn_add(&insn->dyn, &d);
}

void qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(struct qemu_plugin_insn *insn,
                                                         enum qemu_plugin_op op,
                                                         qemu_plugin_u64 entry, uint64_t imm)
{
    if (insn && entry_ok(entry)) {
        PluginDyn d = { .kind = PLUGIN_DYN_INLINE, .op = op, .entry = entry, .imm = imm };
        dyn_add(&insn->dyn, &d);
    }
}

void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_mem_cb_t cb,
                                      enum qemu_plugin_cb_flags flags, enum qemu_plugin_mem_rw rw,
                                      void *userdata)
{
    if (insn && cb && (rw & QEMU_PLUGIN_MEM_RW)) {
        PluginDyn d = { .kind = PLUGIN_DYN_MEM_CB, .f.mem = cb, .udata = userdata, .rw = rw };
        dyn_add(&insn->dyn, &d);
        insn->has_mem = true;
    }
}

void qemu_plugin_register_vcpu_mem_inline_per_vcpu(struct qemu_plugin_insn *insn,
                                                   enum qemu_plugin_mem_rw rw, enum qemu_plugin_op op,
                                                   qemu_plugin_u64 entry, uint64_t imm)
{
    if (insn && entry_ok(entry) && (rw & QEMU_PLUGIN_MEM_RW)) {
        PluginDyn d = { .kind = PLUGIN_DYN_MEM_INLINE, .op = op, .entry = entry, .imm = imm, .rw = rw };
        dyn_add(&insn->dyn, &d);
        insn->has_mem = true;
    }
}

/* ---- run-time helpers (called from generated code) ---- */

static inline uint64_t *entry_ptr(const qemu_plugin_u64 *e, const CPUX86State *env)
{
    return (uint64_t *)(e->score->base + (size_t)env->cpu_index * e->score->element_size + e->offset);
}

static bool cond_holds(const PluginDyn *d, const CPUX86State *env)
{
    if (d->cond == QEMU_PLUGIN_COND_ALWAYS) {
        return true;
    }
    uint64_t v = *entry_ptr(&d->entry, env);
    switch (d->cond) {
    case QEMU_PLUGIN_COND_EQ: return v == d->imm;
    case QEMU_PLUGIN_COND_NE: return v != d->imm;
    case QEMU_PLUGIN_COND_LT: return v < d->imm;
    case QEMU_PLUGIN_COND_LE: return v <= d->imm;
    case QEMU_PLUGIN_COND_GT: return v > d->imm;
    case QEMU_PLUGIN_COND_GE: return v >= d->imm;
    default:                  return false;
    }
}

static inline void run_inline(const PluginDyn *d, CPUX86State *env)
{
    uint64_t *p = entry_ptr(&d->entry, env);
    if (d->op == QEMU_PLUGIN_INLINE_STORE_U64) {
        *p = d->imm;
    } else {
        *p += d->imm;
    }
}

/* *(u64 *)(base + cpu_index * stride) += imm */
void helper_plugin_add(CPUX86State *env, uint64_t base, uint64_t stride, uint64_t imm)
{
    *(uint64_t *)(uintptr_t)(base + (uint64_t)env->cpu_index * stride) += imm;
}
static HELPER_INFO(plugin_add, TCG_CALL_NO_RWG, 4, false);

/* *(u64 *)(base + cpu_index * stride) = imm */
void helper_plugin_store(CPUX86State *env, uint64_t base, uint64_t stride, uint64_t imm)
{
    *(uint64_t *)(uintptr_t)(base + (uint64_t)env->cpu_index * stride) = imm;
}
static HELPER_INFO(plugin_store, TCG_CALL_NO_RWG, 4, false);

/* Run a TB's or an instruction's exec callbacks, in registration order. */
void helper_plugin_exec_cbs(CPUX86State *env, uint64_t list)
{
    const PluginCbList *l = (const PluginCbList *)(uintptr_t)list;
    CPUX86State *saved = plugin_cur_env;
    plugin_cur_env = env;
    plugin_in_exec_cb = true;
    for (uint32_t i = 0; i < l->n; i++) {
        const PluginDyn *d = &l->dyn[i];
        if (d->kind == PLUGIN_DYN_INLINE) {
            run_inline(d, env);
        } else if (cond_holds(d, env)) {
            d->f.exec((unsigned)env->cpu_index, d->udata);
        }
    }
    plugin_in_exec_cb = false;
    plugin_cur_env = saved;
}
static HELPER_INFO(plugin_exec_cbs, 0, 2, false);

/* After a guest memory access of an instrumented instruction. */
static void run_mem_cbs(CPUX86State *env, uint64_t vaddr, uint64_t lo, uint64_t hi,
                        uint64_t info, uint64_t list)
{
    const PluginCbList *l = (const PluginCbList *)(uintptr_t)list;
    bool store = qemu_plugin_mem_is_store((qemu_plugin_meminfo_t)info);
    enum qemu_plugin_mem_rw want = store ? QEMU_PLUGIN_MEM_W : QEMU_PLUGIN_MEM_R;
    CPUX86State *saved = plugin_cur_env;
    uint64_t saved_value = plugin_mem_value, saved_hi = plugin_mem_value_hi;

    plugin_cur_env = env;
    plugin_in_exec_cb = true;
    plugin_mem_value = lo;
    plugin_mem_value_hi = hi;
    for (uint32_t i = 0; i < l->n; i++) {
        const PluginDyn *d = &l->dyn[i];
        if (!(d->rw & want)) {
            continue;
        }
        if (d->kind == PLUGIN_DYN_MEM_INLINE) {
            run_inline(d, env);
        } else if (d->kind == PLUGIN_DYN_MEM_CB) {
            d->f.mem((unsigned)env->cpu_index, (qemu_plugin_meminfo_t)info, vaddr, d->udata);
        }
    }
    plugin_mem_value = saved_value;
    plugin_mem_value_hi = saved_hi;
    plugin_in_exec_cb = false;
    plugin_cur_env = saved;
}

void helper_plugin_mem(CPUX86State *env, uint64_t vaddr, uint64_t value, uint64_t info, uint64_t list)
{
    run_mem_cbs(env, vaddr, value, 0, info, list);
}
static HELPER_INFO(plugin_mem, 0, 5, false);

/* A 16-byte access of a qemu_ld/st_env op: its value is in env. */
void helper_plugin_mem_env(CPUX86State *env, uint64_t vaddr, uint64_t env_off, uint64_t info,
                           uint64_t list)
{
    const uint64_t *v = (const uint64_t *)(const void *)((const uint8_t *)env + env_off);
    run_mem_cbs(env, vaddr, v[0], v[1], info, list);
}
static HELPER_INFO(plugin_mem_env, 0, 5, false);

/* ---- IR emission ---- */

static inline TCGv cst(uint64_t v)
{
    return tcg_constant_i64(v);
}

static TCGv ir_env(void)
{
    return tcg_ctx()->env;
}

static void gen_inline(enum qemu_plugin_op op, uint8_t *base, size_t stride, uint64_t imm)
{
    if (op == QEMU_PLUGIN_INLINE_ADD_U64) {
        tcg_gen_add_counter(base, stride, imm);
        return;
    }
    const TCGHelperInfo *h = op == QEMU_PLUGIN_INLINE_STORE_U64 ? &helper_info_plugin_store
                                                                : &helper_info_plugin_add;
    tcg_gen_call4(h, NULL, ir_env(), cst((uint64_t)(uintptr_t)base), cst(stride), cst(imm));
}

static PluginCbList *cb_list_new(PluginTBData *td, const PluginDyn *src, guint n)
{
    PluginCbList *l = g_malloc(sizeof(PluginCbList) + n * sizeof(PluginDyn));
    l->n = n;
    memcpy(l->dyn, src, n * sizeof(PluginDyn));
    if (td->owned == NULL) {
        td->owned = g_ptr_array_new_with_free_func(g_free);
    }
    g_ptr_array_add(td->owned, l);
    return l;
}

static bool dyn_is_cb(const PluginDyn *d)
{
    return d->kind == PLUGIN_DYN_CB || d->kind == PLUGIN_DYN_MEM_CB;
}

static bool same_entry(qemu_plugin_u64 a, qemu_plugin_u64 b)
{
    return a.score == b.score && a.offset == b.offset;
}

/* Correction record for entry e (created on first use). */
static PluginCorr *corr_for(PluginTBData *td, qemu_plugin_u64 e, bool merged)
{
    uint8_t *base = plugin_u64_base(e);
    for (uint32_t i = 0; i < td->n_corr; i++) {
        if (td->corr[i].base == base && td->corr[i].merged == merged) {
            return &td->corr[i];
        }
    }
    td->corr = g_renew(PluginCorr, td->corr, td->n_corr + 1);
    PluginCorr *c = &td->corr[td->n_corr++];
    c->base = base;
    c->stride = e.score->element_size;
    c->merged = merged;
    c->imm = g_new0(uint64_t, td->n);
    return c;
}

/* Emit what instruction/TB-start list `dyn` asks for "before execution":
 * inline ops and exec callbacks, in registration order.  Inline ADDs that
 * were merged (skip_merged) are left out. */
static void gen_exec_list(PluginTBData *td, GArray *dyn, int insn_idx,
                          const bool *entry_merged_of, bool tb_level)
{
    if (dyn == NULL) {
        return;
    }
    GArray *pending = NULL;     /* from the first callback on (rare) */
    for (guint i = 0; i < dyn->len; i++) {
        PluginDyn *d = &g_array_index(dyn, PluginDyn, i);
        if (d->kind == PLUGIN_DYN_MEM_CB || d->kind == PLUGIN_DYN_MEM_INLINE) {
            continue;
        }
        if (d->kind == PLUGIN_DYN_INLINE) {
            if (!tb_level && d->op == QEMU_PLUGIN_INLINE_ADD_U64) {
                if (entry_merged_of[i]) {
                    continue;       /* done at TB start */
                }
                corr_for(td, d->entry, false)->imm[insn_idx] += d->imm;
            }
            if (pending == NULL) {
                gen_inline(d->op, plugin_u64_base(d->entry), d->entry.score->element_size, d->imm);
                continue;
            }
        }
        if (pending == NULL) {
            pending = dyn_new();
        }
        g_array_append_val(pending, *d);
    }
    if (pending) {
        PluginCbList *l = cb_list_new(td, (PluginDyn *)pending->data, pending->len);
        tcg_gen_call2(&helper_info_plugin_exec_cbs, NULL, ir_env(), cst((uint64_t)(uintptr_t)l));
        dyn_release(pending);
    }
}

/* ---- the pass ---- */

static bool any_tb_trans(void)
{
    for (guint i = 0; plugin_ctxs && i < plugin_ctxs->len; i++) {
        PluginCtx *ctx = g_ptr_array_index(plugin_ctxs, i);
        if (!ctx->removed && ctx->tb_trans) {
            return true;
        }
    }
    return false;
}

static bool is_side_exit_insn(const TCGContext *s, int k)
{
    for (unsigned i = 0; i < s->nb_side_exits; i++) {
        if (s->side_exit_insn[i] == k) {
            return true;
        }
    }
    return false;
}

/*
 * True if the IR is straight-line at instruction granularity: every TB
 * exit comes after the last instruction's insn_start and every branch
 * stays inside the instruction it belongs to or is a side exit (to a label
 * after the last instruction's code).  Then, once the TB starts, the
 * instructions of each region run unless an exception ends it early.
 */
static bool ir_straight_line(TCGContext *s, const int *op_insn, int n, uint32_t last_start)
{
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        switch (op->opc) {
        case INDEX_op_exit_tb:
        case INDEX_op_goto_tb:
            if (op_insn[i] != n - 1) {
                return false;
            }
            break;
        case INDEX_op_br:
        case INDEX_op_brcond: {
            TCGLabel *l = tcg_op_label(op, op->opc == INDEX_op_br ? 0 : 3);
            if (l->op_index < 0) {
                return false;
            }
            if (op_insn[l->op_index] == op_insn[i]) {
                break;
            }
            if (op->opc == INDEX_op_brcond && is_side_exit_insn(s, op_insn[i]) &&
                (uint32_t)l->op_index > last_start) {
                break;
            }
            return false;
        }
        default:
            break;
        }
    }
    return true;
}

static void insn_free(struct qemu_plugin_insn *insn)
{
    if (insn->dyn) {
        dyn_release(insn->dyn);
    }
}

/* A merged ADD: the sum of one entry's per-instruction ADDs in the
 * region that starts at instruction `start`. */
typedef struct MergedAdd {
    qemu_plugin_u64 entry;
    uint32_t start;
    uint64_t sum;
} MergedAdd;

bool plugin_instrument_tb(CPUX86State *env, TranslationBlock *tb)
{
    static bool first_done;
    bool ok = true;
    if (!plugin_enabled) {
        return true;
    }
    if (!first_done) {
        /* The first TB is the entry point: it gives a PIE's load bias. */
        first_done = true;
        plugin_note_first_pc(tb->pc);
    }
    if (!any_tb_trans()) {
        return true;
    }
    TCGContext *s = tcg_ctx();

    /* Where each instruction starts in the IR. */
    int n = 0;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        n += s->ops[i].opc == INDEX_op_insn_start;
    }
    if (n == 0) {
        return true;
    }
    static void *insns_buf, *op_insn_buf, *region_buf, *merged_of_buf, *flat_buf;
    static size_t insns_cap, op_insn_cap, region_cap, merged_of_cap, flat_cap;
    static GArray *merged, *blocked;
    struct qemu_plugin_tb ptb = { .vaddr = tb->pc, .n = (size_t)n };
    ptb.insns = scratch(&insns_buf, &insns_cap, n * sizeof(*ptb.insns), true);
    int *op_insn = scratch(&op_insn_buf, &op_insn_cap, s->nb_ops * sizeof(int), false);
    int cur = -1;
    uint32_t last_start = 0;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        if (s->ops[i].opc == INDEX_op_insn_start) {
            cur++;
            last_start = i;
            ptb.insns[cur].vaddr = s->ops[i].args[0];
            ptb.insns[cur].index = (uint32_t)cur;
        }
        op_insn[i] = cur;
    }
    uint64_t tb_end = tb->pc + tb->size;
    for (int i = 0; i < n; i++) {
        struct qemu_plugin_insn *in = &ptb.insns[i];
        uint64_t next = i + 1 < n ? ptb.insns[i + 1].vaddr : tb_end;
        in->size = next > in->vaddr ? (uint32_t)MIN(next - in->vaddr, 15) : 1;
        /* the translator's fetch still holds this TB's bytes (a fetch
         * from a file mapping is a system call each) */
        in->data_len = (uint32_t)translator_fetch(NULL, in->vaddr, in->data, in->size);
    }

    /* Let every plugin look at it. */
    for (guint i = 0; i < plugin_ctxs->len; i++) {
        PluginCtx *ctx = g_ptr_array_index(plugin_ctxs, i);
        if (!ctx->removed && ctx->tb_trans) {
            ctx->tb_trans(ctx->id, &ptb);
        }
    }

    bool any = ptb.dyn && ptb.dyn->len;
    if (any && s->nb_side_exits) {
        /* TB-level instrumentation on a superblock (see the top) */
        translator_superblocks = false;
        ok = false;
        goto out;
    }
    bool any_cb = false, any_mem = false;
    if (ptb.dyn) {
        for (guint j = 0; j < ptb.dyn->len; j++) {
            any_cb |= dyn_is_cb(&g_array_index(ptb.dyn, PluginDyn, j));
        }
    }
    for (int i = 0; i < n; i++) {
        GArray *dyn = ptb.insns[i].dyn;
        if (dyn == NULL) {
            continue;
        }
        any |= dyn->len > 0;
        any_mem |= ptb.insns[i].has_mem;
        for (guint j = 0; j < dyn->len; j++) {
            any_cb |= dyn_is_cb(&g_array_index(dyn, PluginDyn, j));
        }
    }
    if (!any) {
        goto out;
    }

    /* one block: the struct, pc[n], region_end[n] (superblocks) */
    size_t head = (sizeof(PluginTBData) + 7) & ~(size_t)7;
    PluginTBData *td = g_malloc0(head + n * sizeof(uint64_t) +
                                 (s->nb_side_exits ? n * sizeof(uint32_t) : 0));
    td->n = (uint32_t)n;
    td->pc = (uint64_t *)((char *)td + head);
    for (int i = 0; i < n; i++) {
        td->pc[i] = ptb.insns[i].vaddr;
    }
    /* Regions: a side exit ends one (see the top). */
    uint32_t *region_start = scratch(&region_buf, &region_cap, n * sizeof(uint32_t), false);
    if (s->nb_side_exits) {
        td->region_end = (uint32_t *)(td->pc + n);
        uint32_t end = (uint32_t)n;
        for (int i = n - 1; i >= 0; i--) {
            if (is_side_exit_insn(s, i)) {
                end = (uint32_t)i + 1;
            }
            td->region_end[i] = end;
        }
    }
    for (int i = 0; i < n; i++) {
        bool starts = i == 0 || (td->region_end && td->region_end[i - 1] == (uint32_t)i);
        region_start[i] = starts ? (uint32_t)i : region_start[i - 1];
    }

    /*
     * Merging: in a straight-line TB without callbacks (a callback could
     * read a counter mid-TB), an entry that only ever gets per-instruction
     * ADDs in this TB is added once at the start of each region.
     */
    bool can_merge = !any_cb && ir_straight_line(s, op_insn, n, last_start);
    /* merged_of[i][j]: insn i's dyn entry j was merged (one allocation) */
    bool **merged_of = scratch(&merged_of_buf, &merged_of_cap, n * sizeof(bool *), true);
    size_t n_dyn = 0;
    for (int i = 0; i < n; i++) {
        n_dyn += ptb.insns[i].dyn ? ptb.insns[i].dyn->len : 0;
    }
    bool *merged_flat = scratch(&flat_buf, &flat_cap, n_dyn + 1, true);
    if (merged == NULL) {
        merged = g_array_new(FALSE, FALSE, sizeof(MergedAdd));
        blocked = g_array_new(FALSE, FALSE, sizeof(qemu_plugin_u64));
    }
    g_array_set_size(merged, 0);
    /* Entries with any other kind of use in this TB (STORE, memory inline
     * op, TB-level op) keep their ADDs unmerged: there, order matters. */
    g_array_set_size(blocked, 0);
    for (int i = -1; can_merge && i < n; i++) {
        GArray *dd = i < 0 ? ptb.dyn : ptb.insns[i].dyn;
        for (guint j = 0; dd && j < dd->len; j++) {
            PluginDyn *o = &g_array_index(dd, PluginDyn, j);
            if (o->entry.score && !(i >= 0 && o->kind == PLUGIN_DYN_INLINE &&
                                    o->op == QEMU_PLUGIN_INLINE_ADD_U64)) {
                g_array_append_val(blocked, o->entry);
            }
        }
    }
    for (int i = 0; i < n; i++) {
        GArray *dyn = ptb.insns[i].dyn;
        merged_of[i] = merged_flat;
        merged_flat += dyn ? dyn->len : 0;
        if (!can_merge || dyn == NULL) {
            continue;
        }
        for (guint j = 0; j < dyn->len; j++) {
            PluginDyn *d = &g_array_index(dyn, PluginDyn, j);
            if (d->kind != PLUGIN_DYN_INLINE || d->op != QEMU_PLUGIN_INLINE_ADD_U64) {
                continue;
            }
            bool ok = true;
            for (guint b = 0; b < blocked->len && ok; b++) {
                ok = !same_entry(g_array_index(blocked, qemu_plugin_u64, b), d->entry);
            }
            if (!ok) {
                continue;
            }
            merged_of[i][j] = true;
            corr_for(td, d->entry, true)->imm[i] += d->imm;
            guint k;
            for (k = 0; k < merged->len; k++) {
                MergedAdd *m = &g_array_index(merged, MergedAdd, k);
                if (m->start == region_start[i] && same_entry(m->entry, d->entry)) {
                    break;
                }
            }
            if (k == merged->len) {
                MergedAdd m = { .entry = d->entry, .start = region_start[i] };
                g_array_append_val(merged, m);
            }
            g_array_index(merged, MergedAdd, k).sum += d->imm;
        }
    }

    /* Rebuild the op stream with the instrumentation in place: the front
     * end's ops become `old` and the context writes into the other
     * buffer (swapped, not copied; tcg_optimize does the same). */
    uint32_t nb_old = s->nb_ops;
    static TCGOp *spare;
    static uint32_t spare_cap;
    if (spare_cap < nb_old + 16) {
        spare_cap = MAX(nb_old + 16, 2 * spare_cap);
        spare = g_renew(TCGOp, spare, spare_cap);
    }
    TCGOp *old = s->ops;
    uint32_t old_cap = s->ops_alloc;
    s->ops = spare;
    s->ops_alloc = spare_cap;
    spare = old;
    spare_cap = old_cap;
    s->nb_ops = 0;
    cur = -1;
    for (uint32_t i = 0; i < nb_old; i++) {
        TCGOp *o = &old[i];
        TCGv mem_addr = NULL;
        bool env_op = o->opc == INDEX_op_qemu_ld_env || o->opc == INDEX_op_qemu_st_env;
        bool mem_op = any_mem && cur >= 0 && ptb.insns[cur].has_mem &&
                      (o->opc == INDEX_op_qemu_ld || o->opc == INDEX_op_qemu_st || env_op);

        if (mem_op) {
            /* The address may be overwritten by the load itself. */
            mem_addr = tcg_temp_new();
            tcg_gen_mov_i64(mem_addr, tcg_op_temp(o, env_op ? 0 : 1));
        }
        if (s->nb_ops == s->ops_alloc) {
            s->ops_alloc *= 2;
            s->ops = g_renew(TCGOp, s->ops, s->ops_alloc);
        }
        s->ops[s->nb_ops++] = *o;
        if (o->opc == INDEX_op_set_label) {
            tcg_op_label(o, 0)->op_index = (int32_t)(s->nb_ops - 1);
        }
        if (mem_op) {
            MemOp mo = env_op ? 0 : (MemOp)o->args[2];
            bool store = o->opc == INDEX_op_qemu_st || o->opc == INDEX_op_qemu_st_env;
            /* log2 size: a vector access is reported 16 bytes at a time */
            uint64_t info = (env_op ? 4 : (uint64_t)(mo & MO_SIZE)) | ((mo & MO_SIGN) ? 0x8 : 0) |
                            (store ? 0x10 : 0);
            GArray *dyn = ptb.insns[cur].dyn;
            GArray *mem = dyn_new();
            for (guint j = 0; j < dyn->len; j++) {
                PluginDyn *d = &g_array_index(dyn, PluginDyn, j);
                if ((d->kind == PLUGIN_DYN_MEM_CB || d->kind == PLUGIN_DYN_MEM_INLINE) &&
                    (d->rw & (store ? QEMU_PLUGIN_MEM_W : QEMU_PLUGIN_MEM_R))) {
                    g_array_append_val(mem, *d);
                }
            }
            if (mem->len && env_op) {
                /* 16 bytes per access, as QEMU reports its 128-bit
                 * accesses (a 32-byte one is two) */
                PluginCbList *l = cb_list_new(td, (PluginDyn *)mem->data, mem->len);
                for (uint64_t k = 0; k < o->args[2]; k += 16) {
                    TCGv va = mem_addr;
                    if (k) {
                        va = tcg_temp_new();
                        tcg_gen_addi_i64(va, mem_addr, (int64_t)k);
                    }
                    TCGv a[5] = { ir_env(), va, cst(o->args[1] + k), cst(info),
                                  cst((uint64_t)(uintptr_t)l) };
                    tcg_gen_callN(&helper_info_plugin_mem_env, NULL, 5, a);
                }
            } else if (mem->len) {
                PluginCbList *l = cb_list_new(td, (PluginDyn *)mem->data, mem->len);
                TCGv a[5] = { ir_env(), mem_addr, tcg_op_temp(o, 0), cst(info),
                              cst((uint64_t)(uintptr_t)l) };
                tcg_gen_callN(&helper_info_plugin_mem, NULL, 5, a);
            }
            dyn_release(mem);
        }
        if (o->opc != INDEX_op_insn_start) {
            continue;
        }
        cur++;
        if (cur == 0) {
            /* TB start: TB-level list, then the merged ADDs. */
            gen_exec_list(td, ptb.dyn, -1, NULL, true);
        }
        for (guint k = 0; k < merged->len; k++) {
            const MergedAdd *m = &g_array_index(merged, MergedAdd, k);
            if (m->start == (uint32_t)cur) {
                gen_inline(QEMU_PLUGIN_INLINE_ADD_U64, plugin_u64_base(m->entry),
                           m->entry.score->element_size, m->sum);
            }
        }
        gen_exec_list(td, ptb.insns[cur].dyn, cur, merged_of[cur], false);
    }

    if (td->n_corr == 0 && (td->owned == NULL || td->owned->len == 0)) {
        plugin_td_free(td);
    } else {
        tb->plugin = td;
    }
out:
    for (int i = 0; i < n; i++) {
        insn_free(&ptb.insns[i]);
    }
    if (ptb.dyn) {
        dyn_release(ptb.dyn);
    }
    return ok;
}

/* ---- early exit and freeing ---- */

static int insn_index_of(const PluginTBData *td, uint64_t pc)
{
    for (uint32_t i = 0; i < td->n; i++) {
        if (td->pc[i] == pc) {
            return (int)i;
        }
    }
    return -1;
}

void plugin_tb_exit_early(CPUX86State *env, TranslationBlock *tb)
{
    PluginTBData *td = tb->plugin;
    if (td == NULL || td->n_corr == 0) {
        return;
    }
    /* k: the instruction that raised; executed: how many retired. */
    int k = insn_index_of(td, env->insn_pc);
    uint32_t executed;
    if (k < 0) {
        /* Not expected (insn_pc is current whenever something can raise);
         * fall back on rip alone. */
        int r = insn_index_of(td, env->rip);
        k = r < 0 ? (int)td->n - 1 : r;
        executed = r < 0 ? td->n : (uint32_t)r;
    } else {
        executed = env->rip == env->insn_pc ? (uint32_t)k : (uint32_t)k + 1;
    }
    for (uint32_t c = 0; c < td->n_corr; c++) {
        const PluginCorr *pc = &td->corr[c];
        uint32_t done = !pc->merged ? (uint32_t)k + 1 :
                        td->region_end ? td->region_end[k] : td->n;
        uint64_t sub = 0;
        for (uint32_t i = executed; i < done; i++) {
            sub += pc->imm[i];
        }
        if (sub) {
            *(uint64_t *)(pc->base + (size_t)env->cpu_index * pc->stride) -= sub;
        }
    }
}

void plugin_tb_free(TranslationBlock *tb)
{
    if (tb->plugin) {
        plugin_td_free(tb->plugin);
        tb->plugin = NULL;
    }
}
