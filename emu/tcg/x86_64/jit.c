/*
 * emu/tcg/x86_64/jit.c — the host x86_64 JIT backend: gen_code drives one
 * pass over the optimized IR of a TB, straight into the code cache.
 *
 * Per TB: compute each TB temp's last use; then for every op in order
 * lower it (ops.c) with the register allocator (regalloc.c), handle the
 * control ops here (labels, branches, exits, insn_start); then the
 * out-of-line slow paths of guest accesses; then patch branches to labels.
 *
 * insn_start is lazy as in interp.c: env->insn_pc/insn_cc_op are stored
 * only before an op that can fault or call out, once per guest instruction
 * and again after a label (paths joining there may not have stored them).
 */
#include <glib.h>

#include "emu/cpu.h"
#include "emu/tcg/backend.h"
#include "emu/tcg/internal.h"
#include "jit-internal.h"

static __thread JitGen gen;

static void gen_prepare(JitGen *g, TCGContext *s)
{
    g->s = s;
    if (g->ti_cap < s->nb_temps) {
        g->ti_cap = MAX(s->nb_temps, 256);
        g->ti = g_renew(TempInfo, g->ti, g->ti_cap);
    }
    if (!g->free_homes) {
        g->free_homes = g_new(uint16_t, EMU_MAX_TEMPS);
    }
    if (g->label_cap < s->nb_labels) {
        g->label_cap = MAX(s->nb_labels, 64);
        g->label_pos = g_renew(size_t, g->label_pos, g->label_cap);
    }
    for (uint32_t i = 0; i < s->nb_labels; i++) {
        g->label_pos[i] = SIZE_MAX;
    }
    for (uint32_t i = 0; i < s->nb_temps; i++) {
        TCGTemp *t = &s->temps[i];
        TempInfo *ti = &g->ti[i];
        ti->reg = -1;
        ti->mem_ok = t->kind != TEMP_TB;
        ti->home = t->kind == TEMP_GLOBAL ? (int32_t)t->slot : -1;
        ti->last_use = -1;
    }
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        if (op->opc == INDEX_op_discard) {
            continue;
        }
        unsigned n = tcg_op_nb_oargs(op) + tcg_op_nb_iargs(op);
        for (unsigned k = 0; k < n; k++) {
            g->ti[tcg_op_temp(op, k)->index].last_use = (int32_t)i;
        }
    }
    g->nfix = 0;
    g->nslow = 0;
    g->have_insn = g->insn_stored = false;
    g->evict_rr = 0;
    ra_start(g);
}

static void emit_exit(JitGen *g, uint64_t value)
{
    ra_sync_globals(g);
    jit_movi(&g->b, RAX, value);
    jit_jmp_abs(&g->b, g->epilogue);
}

static void *jit_gen_code(TCGContext *s, size_t *host_size)
{
    JitGen *g = &gen;
    bool terminal = false;

    jit_init_once();
    gen_prepare(g, s);
    jit_cache_begin(&g->b, &g->epilogue);

    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        g->idx = i;
        switch (op->opc) {
        case INDEX_op_nop:
        case INDEX_op_goto_tb:
            continue;
        case INDEX_op_discard: {
            TCGTemp *t = tcg_op_temp(op, 0);
            if (t->kind == TEMP_TB) {
                ra_drop(g, t);
                ti_of(g, t)->mem_ok = false;
            }
            continue;
        }
        case INDEX_op_insn_start:
            g->have_insn = true;
            g->insn_stored = false;
            g->insn_pc = op->args[0];
            g->insn_cc_op = op->args[1];
            continue;
        case INDEX_op_set_label:
            if (!terminal) {
                ra_bb_end(g);
            }
            ra_forget(g);
            g->label_pos[tcg_op_label(op, 0)->id] = jit_buf_offset(&g->b);
            g->insn_stored = false;
            terminal = false;
            continue;
        case INDEX_op_br:
            ra_bb_end(g);
            jit_branch_label(g, -1, tcg_op_label(op, 0));
            terminal = true;
            continue;
        case INDEX_op_brcond:
            terminal = jit_lower_brcond(g, op);
            ra_op_end(g, op);
            continue;
        case INDEX_op_exit_tb:
            emit_exit(g, op->args[0]);
            terminal = true;
            continue;
        default:
            jit_lower_op(g, op);
            ra_op_end(g, op);
            terminal = false;
            break;
        }
    }
    if (!terminal) {
        /* Falling off the end of the IR: leave without chaining. */
        emit_exit(g, TB_EXIT_NOCHAIN);
    }
    jit_emit_slow_paths(g);
    for (uint32_t i = 0; i < g->nfix; i++) {
        size_t pos = g->label_pos[g->fix[i].label];
        g_assert(pos != SIZE_MAX);   /* branch to a label never placed */
        jit_patch_rel32(&g->b, g->fix[i].at, pos);
    }

    JitCode *h = jit_cache_commit(&g->b);
    if (h && host_size) {
        *host_size = h->size;
    }
    return h;
}

static void jit_free_code(void *code)
{
    jit_cache_free(code);
}

const TCGBackend tcg_backend_jit = {
    .name = "jit",
    .gen_code = jit_gen_code,
    .exec = jit_exec,
    .free_code = jit_free_code,
    .dump_code = jit_dump_code,
};
