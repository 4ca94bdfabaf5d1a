/*
 * emu/translator.c — the generic translation loop (see translator.h).
 *
 * The front end's hooks translate one instruction at a time; this loop
 * decides where the TB ends: when the front end says so (is_jmp), at the
 * instruction limit, or when the next instruction starts on another guest
 * page than the first (a TB covers at most two pages: its first, and the
 * one its last instruction may straddle into).
 */
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "emu/translator.h"
#include "emu/tcg/tcg.h"
#include "emu/vclock.h"
#include "softmmu/softmmu.h"

bool translator_superblocks = true;

/* How many side exits a TB may have: EMU_TB_SIDE_EXITS if set (for A/B
 * comparisons), else as many as its goto_tb slots allow (two are its
 * final exits'). */
static int side_exit_limit(void)
{
    static int limit = -1;
    if (limit < 0) {
        const char *e = getenv("EMU_TB_SIDE_EXITS");
        int max = TB_JMP_SLOTS - 2;
        limit = e && *e ? CLAMP(atoi(e), 0, max) : max;
    }
    return limit;
}

/* -icount: env->icount as an IR global (per thread, like the TCG context). */
static __thread TCGv vclock_icount;

/* The guest bytes of the TB being translated, fetched in chunks: the
 * front end asks for each instruction's bytes, and a fetch from a file
 * mapping is a system call (softmmu/access.c).  Emptied at every TB start
 * (the bytes may have changed since the last translation). */
#define FETCH_CHUNK 512
static __thread struct {
    uint64_t pc;
    size_t len;
    bool at_end;        /* the mapping ended within it: no more bytes */
    uint8_t bytes[FETCH_CHUNK];
} fetch_cache;

void translator_loop(const TranslatorOps *ops, DisasContextBase *db,
                     CPUX86State *env, TranslationBlock *tb, int max_insns)
{
    db->tb = tb;
    db->pc_first = tb->pc;
    db->pc_next = tb->pc;
    db->is_jmp = DISAS_NEXT;
    db->num_insns = 0;
    db->max_insns = max_insns;
    db->max_side_exits = translator_superblocks && !vclock_enabled && max_insns > 1 ?
                         side_exit_limit() : 0;
    tb->page[0] = tb->pc & GUEST_PAGE_MASK;
    tb->page[1] = (uint64_t)-1;
    fetch_cache.len = 0;
    fetch_cache.at_end = false;

    ops->init_disas_context(db, env);
    ops->tb_start(db, env);

    /* -icount: the TB adds its length to env->icount at entry (the
     * constant is set once the length is known); early exits are
     * corrected from the instruction offsets (emu/vclock.h). */
    int icount_op = -1;
    uint16_t insn_off[TB_MAX_INSNS];
    if (vclock_enabled) {
        if (!vclock_icount) {
            vclock_icount = tcg_global_slot(ENV_SLOT(icount), "icount");
        }
        icount_op = (int)tcg_ctx()->nb_ops;
        /* placeholder 1: the emitter would fold an add of 0 away */
        tcg_gen_add_i64(vclock_icount, vclock_icount, tcg_constant_i64(1));
        g_assert(tcg_ctx()->nb_ops == (uint32_t)icount_op + 1);
    }

    for (;;) {
        uint64_t pc = db->pc_next;

        if (db->num_insns < TB_MAX_INSNS) {
            insn_off[db->num_insns] = (uint16_t)(pc - db->pc_first);
        }
        db->num_insns++;
        ops->insn_start(db, env);
        ops->translate_insn(db, env);

        if (db->pc_next == pc && db->is_jmp == DISAS_TOO_MANY) {
            /* The front end chose to end the TB before this instruction
             * (not fetchable, or it wants a TB of its own). */
            db->num_insns--;
            break;
        }
        if (db->pc_next > pc) {
            /* Record the page the instruction's last byte lies on. */
            uint64_t last_page = (db->pc_next - 1) & GUEST_PAGE_MASK;
            if (last_page != tb->page[0]) {
                tb->page[1] = last_page;
            }
        }
        if (db->is_jmp != DISAS_NEXT) {
            break;
        }
        if (db->num_insns >= db->max_insns ||
            (db->pc_next & GUEST_PAGE_MASK) != (db->pc_first & GUEST_PAGE_MASK)) {
            db->is_jmp = DISAS_TOO_MANY;
            break;
        }
    }

    ops->tb_stop(db, env);
    tb->size = (uint32_t)(db->pc_next - db->pc_first);
    tb->icount = (uint32_t)db->num_insns;
    if (icount_op >= 0) {
        TCGContext *s = tcg_ctx();
        s->ops[icount_op].args[2] = (TCGArg)tcg_constant_i64(tb->icount);
        vclock_tb_translated(tb, insn_off, tb->icount);
    }
}

size_t translator_fetch(DisasContextBase *db, uint64_t pc, uint8_t *buf, size_t len)
{
    /* Pages are recorded by translator_loop from the bytes actually used:
     * the front end may fetch ahead of the instruction's end. */
    (void)db;
    if (len > FETCH_CHUNK) {
        return mm_fetch_code(pc, buf, len);
    }
    uint64_t off = pc - fetch_cache.pc;
    bool inside = pc >= fetch_cache.pc && off < fetch_cache.len &&
                  (off + len <= fetch_cache.len || fetch_cache.at_end);
    if (!inside) {
        fetch_cache.pc = pc;
        fetch_cache.len = mm_fetch_code(pc, fetch_cache.bytes, FETCH_CHUNK);
        fetch_cache.at_end = fetch_cache.len < FETCH_CHUNK;
        off = 0;
    }
    size_t n = fetch_cache.len > off ? MIN(len, fetch_cache.len - off) : 0;
    memcpy(buf, fetch_cache.bytes + off, n);
    return n;
}
