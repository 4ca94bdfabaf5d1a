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

#include <stddef.h>

#include "emu/cpu.h"
#include "emu/exec.h"
#include "emu/tcg/backend.h"
#include "emu/tcg/internal.h"
#include "emu/tcg/tcg-vec.h"
#include "jit-internal.h"
#include "vec.h"

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
        g->label_refs = g_renew(uint16_t, g->label_refs, g->label_cap);
        g->label_regs = g_renew(LabelRegs, g->label_regs, g->label_cap);
        g->label_defer = g_renew(bool, g->label_defer, g->label_cap);
        g->label_dirty = g_renew(uint16_t, g->label_dirty, g->label_cap);
        g->label_xc = g_renew(XCacheState, g->label_xc, g->label_cap);
    }
    for (uint32_t i = 0; i < s->nb_labels; i++) {
        g->label_pos[i] = SIZE_MAX;
        g->label_refs[i] = 0;
        g->label_defer[i] = false;
        g->label_dirty[i] = 0;
        memset(&g->label_xc[i], 0, sizeof(g->label_xc[i]));   /* empty until its branch */
    }
    g->pin = NULL;
    for (uint32_t i = 0; i < s->nb_temps; i++) {
        TCGTemp *t = &s->temps[i];
        TempInfo *ti = &g->ti[i];
        if (t->kind == TEMP_GLOBAL && t->slot == JIT_PIN_SLOT) {
            g->pin = t;
        }
        ti->reg = -1;
        ti->mem_ok = t->kind != TEMP_TB;
        ti->home = t->kind == TEMP_GLOBAL ? (int32_t)t->slot : -1;
        ti->last_use = -1;
        ti->loop_seen = false;
    }
    const TCGOp *prev = NULL;   /* the last op that generates code */
    g->mx_global_used = false;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        if (op->opc == INDEX_op_discard) {
            continue;
        }
        if (op->opc == INDEX_op_set_label) {
            g->label_defer[tcg_op_label(op, 0)->id] =
                prev && (prev->opc == INDEX_op_exit_tb || prev->opc == INDEX_op_br);
        }
        if (op->opc != INDEX_op_nop && op->opc != INDEX_op_insn_start) {
            prev = op;
        }
        if (op->opc == INDEX_op_brcond) {
            g->label_refs[tcg_op_label(op, 3)->id]++;
        } else if (op->opc == INDEX_op_br) {
            g->label_refs[tcg_op_label(op, 0)->id]++;
        }
        unsigned n = tcg_op_nb_oargs(op) + tcg_op_nb_iargs(op);
        for (unsigned k = 0; k < n; k++) {
            const TCGTemp *t = tcg_op_temp(op, k);
            g->ti[t->index].last_use = (int32_t)i;
            g->mx_global_used |= t->kind == TEMP_GLOBAL && t->slot == ENV_SLOT(mxcsr);
        }
    }
    g->nfix = 0;
    g->nslow = 0;
    g->nimap = 0;
    g->namap = 0;
    g->have_insn = g->insn_stored = false;
    g->evict_rr = 0;
    ra_start(g);
}

#define ENV_OFF(field) ((int32_t)offsetof(CPUX86State, field))

/* env->cur_tb = this TB (uses r11).  Generated code does not store it at
 * every TB's entry (chained TBs run on without it): only where C code may
 * look: before the jump to the epilogue (cpu_exec chains from it), before
 * helper calls and in out-of-line stubs that call C (a raise takes back the
 * counts of the instructions that did not run).  A host fault in TB code
 * finds its TB from the host pc (jit_tb_at). */
void jit_store_cur_tb(JitGen *g)
{
    jit_movi(&g->b, REG_TMP, (uint64_t)(uintptr_t)g->s->tb);
    jit_st64(&g->b, REG_TMP, REG_ENV, ENV_OFF(cur_tb));
}

/* if (env->exit_request) jump to the rel32 returned (patched by the
 * caller to a normal exit of the TB: the loop then meets the request). */
static size_t emit_exit_check(JitGen *g)
{
    jit_op_rm(&g->b, P_W | 0x83, EXT_CMP, REG_ENV, ENV_OFF(exit_request));
    jit_byte(&g->b, 0);
    return jit_jcc32(&g->b, JCC_NE);
}

/*
 * A TB that jumps to its own start (a loop's body) keeps the globals it
 * reads in registers from one iteration to the next instead of storing
 * and reloading them through env (a store-forwarding delay on every
 * loop-carried value): loop_preload loads the first JIT_LOOP_GLOBALS
 * globals it reads before writing them, after the entry code, and the
 * self slot is chained to just after those loads (jit_chain), its jump
 * preceded by moves that put the globals back into the same registers.
 * Globals are synced to env as at any exit, so every other path into or
 * out of the TB sees the usual state.
 */
/* EMU_JIT_NO_LOOP=1: no loop registers (to compare). */
static bool getenv_loop_off(void)
{
    static int off = -1;
    return jit_env_flag("EMU_JIT_NO_LOOP", &off);
}

/* The ops that run on the way from the TB's start to its goto_tb slot
 * `slot` are among those before the returned index: the slot's own op,
 * or for a side exit (a label after the TB's final exit, its goto_tb
 * right after it) the branch to that label.  A superblock's ops after it
 * are not on the loop's path: loading their globals into registers before
 * the loop would only take registers from the loop's body. */
static uint32_t loop_path_end(const TCGContext *s, int slot)
{
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        if (op->opc != INDEX_op_goto_tb || (int)op->args[0] != slot) {
            continue;
        }
        uint32_t k = i;
        while (k > 0 && s->ops[k - 1].opc == INDEX_op_nop) {
            k--;
        }
        if (k == 0 || s->ops[k - 1].opc != INDEX_op_set_label) {
            return i;
        }
        const TCGLabel *l = tcg_op_label(&s->ops[k - 1], 0);
        uint32_t last = i;
        for (uint32_t j = 0; j < k - 1; j++) {
            const TCGOp *b = &s->ops[j];
            if ((b->opc == INDEX_op_brcond && tcg_op_label(b, 3) == l) ||
                (b->opc == INDEX_op_br && tcg_op_label(b, 0) == l)) {
                last = j;   /* the last branch there: all paths to it */
            }
        }
        return last;
    }
    return s->nb_ops;
}

/* The loop's vector registers: legacy vec ops' 16-byte register operands
 * read on the loop's path (a DNR destination is written, not read). */
static void loop_select_vecs(JitGen *g, uint32_t end)
{
    TCGContext *s = g->s;
    int32_t xmm0 = (int32_t)offsetof(CPUX86State, xmm[0]);
    int32_t xmm16 = (int32_t)offsetof(CPUX86State, xmm[16]);
    for (uint32_t i = 0; i < end && g->nloop_x < JIT_LOOP_VECS; i++) {
        const TCGOp *op = &s->ops[i];
        if (op->opc != INDEX_op_vec && op->opc != INDEX_op_vec_ret) {
            continue;
        }
        unsigned no = op->opc == INDEX_op_vec_ret;
        uint64_t desc = op->args[no + 5], offs = op->args[no + 6];
        if (desc & (VEC_VEX | VEC_STR)) {
            continue;
        }
        int32_t rd[3] = {
            (desc & (VEC_DNR | VEC_FLAGS | VEC_RGPR)) ? -1 : VEC_OFF_D(offs),
            (desc & VEC_BREG) ? VEC_OFF_B(offs) : -1, -1,
        };
        for (int k = 0; k < 2 && g->nloop_x < JIT_LOOP_VECS; k++) {
            int32_t off = rd[k];
            if (off < xmm0 || off >= xmm16) {
                continue;
            }
            bool seen = false;
            for (unsigned j = 0; j < g->nloop_x; j++) {
                seen |= g->loop_xoff[j] == off;
            }
            if (!seen) {
                g->loop_xoff[g->nloop_x++] = off;
            }
        }
    }
}

static void loop_select(JitGen *g)
{
    TCGContext *s = g->s;
    TranslationBlock *tb = s->tb;
    g->loop_slot = -1;
    g->loop_want = 0;
    g->loop_slots = 0;
    g->nloop = 0;
    g->nloop_x = 0;
    g->loop_end = 0;
    g->loop_off = 0;
    if (!g->chain || !tb || getenv_loop_off()) {
        return;
    }
    /* every slot to the TB's own start (a loop with several back edges:
     * side exits and the final jump) goes to the loop head */
    uint32_t end = 0;
    for (int k = 0; k < TCG_GOTO_TB_SLOTS; k++) {
        if (tb->jmp_target[k] == tb->pc) {
            g->loop_slot = k;
            g->loop_want |= 1u << k;
            end = MAX(end, loop_path_end(s, k));
        }
    }
    if (g->loop_slot < 0) {
        return;
    }
    /* written[] marks globals written before any read (by temp index) */
    g->loop_end = end;
    loop_select_vecs(g, end);
    for (uint32_t i = 0; i < end && g->nloop < JIT_LOOP_GLOBALS; i++) {
        const TCGOp *op = &s->ops[i];
        if (op->opc == INDEX_op_discard || op->opc == INDEX_op_insn_start ||
            op->opc == INDEX_op_nop) {
            continue;
        }
        unsigned no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
        if (op->opc == INDEX_op_vec || op->opc == INDEX_op_vec_ret) {
            ni = 0;     /* its vector registers are read from env (vec.c) */
        }
        for (unsigned k = no; k < no + ni && g->nloop < JIT_LOOP_GLOBALS; k++) {
            TCGTemp *t = tcg_op_temp(op, k);
            TempInfo *ti = ti_of(g, t);
            if (t->kind != TEMP_GLOBAL || ti->loop_seen || t == g->pin) {
                continue;   /* the pinned global is in its register anyway */
            }
            ti->loop_seen = true;
            g->loop_t[g->nloop++] = t;
        }
        for (unsigned k = 0; k < no; k++) {
            TCGTemp *t = tcg_op_temp(op, k);
            if (t->kind == TEMP_GLOBAL) {
                ti_of(g, t)->loop_seen = true;
            }
        }
    }
}

static void loop_preload(JitGen *g)
{
    for (unsigned i = 0; i < g->nloop; i++) {
        g->loop_r[i] = (int8_t)ra_in(g, g->loop_t[i]);
    }
    g->locked = 0;
    jit_xc_preload(&g->b, g->loop_xoff, g->nloop_x);
    if (g->loop_slot >= 0) {
        g->loop_off = (uint32_t)jit_buf_offset(&g->b);
    }
}

/* goto_tb: a jmp whose rel32 (4-byte aligned, so that it is patched
 * atomically while other vCPUs may run it) first points to the next
 * instruction, the slot's normal exit; jit_chain retargets it. */
static void emit_goto_tb(JitGen *g, unsigned slot)
{
    ra_sync_exit(g);
    if (!g->chain || slot >= TCG_GOTO_TB_SLOTS || g->jmp_off[slot]) {
        return;
    }
    if (g->loop_want >> slot & 1) {
        ra_place_globals(g, g->loop_t, g->loop_r, g->nloop);
        jit_xc_place(&g->b, g->loop_xoff, g->nloop_x);
        g->loop_slots |= 1u << slot;
    }
    /* Any cycle of chained TBs has a jump to a pc not above its source's
     * (or an indirect one): checking there bounds the time to the loop. */
    TranslationBlock *tb = g->s->tb;
    size_t req = SIZE_MAX;
    if (tb && tb->jmp_target[slot] <= tb->pc) {
        req = emit_exit_check(g);
    }
    /* one nop of 1-3 bytes (TB code starts 16-byte aligned, so this
     * depends on the TB alone) */
    switch (((uintptr_t)jit_buf_rx(&g->b) + 1) & 3) {
    case 1:     /* 3 bytes: nop dword [rax] */
        jit_byte(&g->b, 0x0f);
        jit_byte(&g->b, 0x1f);
        jit_byte(&g->b, 0x00);
        break;
    case 2:     /* 2 bytes: xchg ax, ax */
        jit_byte(&g->b, 0x66);
        jit_byte(&g->b, 0x90);
        break;
    case 3:
        jit_byte(&g->b, 0x90);
        break;
    }
    size_t at = jit_jmp32(&g->b);
    jit_patch_rel32(&g->b, at, jit_buf_offset(&g->b));
    g->jmp_off[slot] = (uint32_t)at;
    if (req != SIZE_MAX) {
        jit_patch_rel32(&g->b, req, jit_buf_offset(&g->b));   /* the slot's exit */
    }
}

static void emit_exit(JitGen *g, uint64_t value)
{
    ra_sync_exit(g);
    if (value == TB_EXIT_NOCHAIN && g->chain) {
        /* rip is dynamic: straight into its TB if env->tb_jmp_fast has it
         * (backend.h), else if the core's jump cache has it */
        JitBuf *b = &g->b;
        size_t req = emit_exit_check(g);
        int rip_reg = -1;
        for (int r = 0; r < 16; r++) {
            const TCGTemp *t = g->owner[r];
            if (t && t->kind == TEMP_GLOBAL && t->slot == ENV_SLOT(rip)) {
                rip_reg = r;    /* just stored: no reload through memory */
            }
        }
        if (rip_reg >= 0) {
            jit_mov_rr(b, REG_TMP, rip_reg);
        } else {
            jit_ld64(b, REG_TMP, REG_ENV, ENV_OFF(rip));
        }
        jit_mov_rr(b, RAX, REG_TMP);
        jit_shift_ri(b, P_W, EXT_SHR, RAX, TCG_JMP_FAST_BITS);
        jit_op_rr(b, P_W | OPC_XOR, RAX, REG_TMP);
        jit_alu_ri(b, 0, EXT_AND, RAX, (1 << TCG_JMP_FAST_BITS) - 1);
        jit_shift_ri(b, 0, EXT_SHL, RAX, 4);
        jit_op_rm(b, P_W | OPC_ADD, RAX, REG_ENV, ENV_OFF(tb_jmp_fast));
        jit_op_rm(b, P_W | OPC_CMP, REG_TMP, RAX, 0);
        size_t slow = jit_jcc32(b, JCC_NE);
        jit_op_rm(b, 0xFF, 4, RAX, 8);          /* jmp [rax + 8] */
        jit_patch_rel32(b, slow, jit_buf_offset(b));
        /* tb_lookup_code is integer C: an open run of FP ops may stay */
        jit_mov_rr(&g->b, RDI, REG_ENV);
        jit_movi(&g->b, REG_TMP, (uint64_t)(uintptr_t)tcg_lookup_code);
        jit_call_r(&g->b, REG_TMP);
        jit_op_rr(&g->b, P_W | OPC_TEST, RAX, RAX);
        size_t miss = jit_jcc32(&g->b, JCC_E);
        jit_op_rm(&g->b, P_W | OPC_LEA, RAX, RAX, (int32_t)offsetof(JitCode, code));
        jit_jmp_r(&g->b, RAX);
        jit_patch_rel32(&g->b, miss, jit_buf_offset(&g->b));
        jit_patch_rel32(&g->b, req, jit_buf_offset(&g->b));
    }
    if (value < TCG_GOTO_TB_SLOTS) {
        /* a slot's exit (cpu_exec sets rip, backend.h): mov r11, tb;
         * mov eax, n; jmp to the segment's tail that stores cur_tb */
        jit_movi(&g->b, REG_TMP, (uint64_t)(uintptr_t)g->s->tb);
        jit_movi(&g->b, RAX, value);
        jit_jmp_abs(&g->b, g->epilogue + JIT_SEG_SLOT_EXIT_OFF);
        return;
    }
    jit_store_cur_tb(g);
    jit_movi(&g->b, RAX, value);
    jit_jmp_abs(&g->b, g->epilogue);
}

bool jit_restore_insn(void *code, uintptr_t host_pc, uint64_t *pc, uint64_t *cc_op)
{
    const JitCode *h = code;
    uintptr_t start = (uintptr_t)h->code;
    if (host_pc < start || host_pc >= start + h->size) {
        return false;       /* not in this TB's code (a helper, ...) */
    }
    uint32_t off = (uint32_t)(host_pc - start);
    const InsnMapEntry *map = (const InsnMapEntry *)(const void *)(h->code + h->map_off);
    const InsnMapEntry *found = NULL;
    for (uint32_t i = 0; i < h->map_n && map[i].host_off <= off; i++) {
        found = &map[i];
    }
    if (found == NULL) {
        return false;
    }
    *pc = found->pc;
    *cc_op = found->cc_op;
    return true;
}

static const void *jit_code_entry(void *code)
{
    return ((JitCode *)code)->code;
}

static struct TranslationBlock *jit_tb_at(uintptr_t host_pc)
{
    const JitCode *c = jit_code_at(host_pc);
    return c ? c->tb : NULL;
}

bool jit_chain(void *code, unsigned slot, void *dest)
{
    JitCode *h = code;
    if (slot >= TCG_GOTO_TB_SLOTS || h->jmp_off[slot] == 0) {
        return false;
    }
    uint8_t *field = h->code + h->jmp_off[slot];
    const uint8_t *target = dest ? ((JitCode *)dest)->code : field + 4;
    if (dest == code && h->loop_off && (h->loop_slots >> slot & 1)) {
        target = h->code + h->loop_off;    /* its loop head (loop_preload) */
    }
    int64_t rel = (int64_t)(target - (field + 4));
    if (rel != (int32_t)rel) {
        return false;
    }
    /* code runs at field (RX); with split-wx it is written at its alias */
    __atomic_store_n((uint32_t *)jit_rw(field), (uint32_t)(int32_t)rel, __ATOMIC_RELEASE);
    return true;
}

static void *jit_gen_code(TCGContext *s, size_t *host_size)
{
    JitGen *g = &gen;
    bool terminal = false;

    jit_init_once();
    gen_prepare(g, s);
    jit_cache_begin(&g->b, &g->epilogue);
    {
        TranslationBlock *tb = s->tb;
        g->chain = tcg_chaining_enabled && tcg_lookup_code && tb && tb->flags == 0;
        memset(g->jmp_off, 0, sizeof(g->jmp_off));
    }
    jit_xc_reset();
    loop_select(g);
    loop_preload(g);

    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        g->idx = i;
        jit_xc_note_op(&g->b, op);
        switch (op->opc) {
        case INDEX_op_nop:
            continue;
        case INDEX_op_goto_tb:
            jit_xc_flush_all(&g->b);        /* env is exact at every exit */
            emit_goto_tb(g, (unsigned)op->args[0]);
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
            jit_vec_mx_forget();    /* paths with and without a run meet */
            if (!terminal) {
                ra_bb_end(g);
                ra_forget(g);
            }
            g->label_pos[tcg_op_label(op, 0)->id] = jit_buf_offset(&g->b);
            if (terminal) {
                ra_enter_label(g, tcg_op_label(op, 0));  /* may store */
                if (g->label_refs[tcg_op_label(op, 0)->id] == 1 &&
                    g->label_defer[tcg_op_label(op, 0)->id]) {
                    /* only its branch leads here: the xmm registers too */
                    jit_xc_restore(&g->label_xc[tcg_op_label(op, 0)->id]);
                }
            }
            g->insn_stored = false;
            terminal = false;
            continue;
        case INDEX_op_br:
            ra_bb_end(g);
            jit_xc_branch(g, tcg_op_label(op, 0));
            jit_branch_label(g, -1, tcg_op_label(op, 0));
            ra_note_branch(g, tcg_op_label(op, 0));
            jit_xc_save(&g->label_xc[tcg_op_label(op, 0)->id]);
            terminal = true;
            continue;
        case INDEX_op_brcond:
            terminal = jit_lower_brcond(g, op);
            ra_op_end(g, op);
            i += g->skip_ops;       /* a cold raise taken out of line */
            g->skip_ops = 0;
            continue;
        case INDEX_op_exit_tb:
            jit_xc_flush_all(&g->b);
            emit_exit(g, op->args[0]);
            terminal = true;
            continue;
        default:
            if (g->mx_global_used && jit_vec_reads_mxcsr(op)) {
                jit_vec_mx_close_main(g);
            }
            jit_lower_op(g, op);
            ra_op_end(g, op);
            for (; g->skip_ops; g->skip_ops--) {
                /* ops the lowering fused into op's code */
                g->idx = ++i;
                ra_op_end(g, &s->ops[i]);
            }
            terminal = false;
            break;
        }
    }
    if (!terminal) {
        /* Falling off the end of the IR: leave without chaining. */
        emit_exit(g, TB_EXIT_NOCHAIN);
    }
    /* tests/jit's golden table counts the code up to the last jump to the
     * epilogue as the TB's main body: the slow paths come after it */
    jit_emit_slow_paths(g);
    size_t code_size = jit_buf_offset(&g->b);
    while (jit_buf_offset(&g->b) & 7) {
        jit_byte(&g->b, 0xcc);
    }
    size_t map_off = jit_buf_offset(&g->b);
    for (uint32_t i = 0; i < g->nimap; i++) {
        const InsnMapEntry *e = &g->imap[i];
        jit_u32(&g->b, e->host_off);
        jit_u32(&g->b, e->cc_op);
        jit_u64(&g->b, e->pc);
    }
    size_t amap_off = jit_buf_offset(&g->b);
    for (uint32_t i = 0; i < g->namap; i++) {
        jit_u32(&g->b, g->amap[i]);
    }
    for (uint32_t i = 0; i < g->nfix; i++) {
        size_t pos = g->label_pos[g->fix[i].label];
        g_assert(pos != SIZE_MAX);   /* branch to a label never placed */
        jit_patch_rel32(&g->b, g->fix[i].at, pos);
    }

    JitCode hdr = {
        .tb = s->tb,
        .size = (uint32_t)code_size,        /* the map is not code */
        .loop_off = g->loop_slots ? g->loop_off : 0,
        .loop_slots = g->loop_slots,
        .map_off = (uint32_t)map_off,
        .map_n = g->nimap,
        .amap_off = (uint32_t)amap_off,
        .amap_len = g->namap,
    };
    memcpy(hdr.jmp_off, g->jmp_off, sizeof(hdr.jmp_off));
    JitCode *h = jit_cache_commit(&g->b, &hdr);
    if (h && host_size) {
        *host_size = h->size;
    }
    return h;
}

static void jit_free_code(void *code)
{
    jit_cache_free(code);
}

static bool jit_vec_native(void)
{
    return jit_vec_host_has(VEC_HF_SSE2);
}

const TCGBackend tcg_backend_jit = {
    .name = "jit",
    .gen_code = jit_gen_code,
    .exec = jit_exec,
    .free_code = jit_free_code,
    .vec_native = jit_vec_native,
    .chain = jit_chain,
    .code_entry = jit_code_entry,
    .restore_insn = jit_restore_insn,
    .fault_context = jit_fault_context,
    .tb_at = jit_tb_at,
    .dump_code = jit_dump_code,
    .fork_child = jit_cache_fork_child,
};
