/*
 * emu/tcg/x86_64/vec-cache.c — host xmm4..xmm15 as a write-through cache
 * of guest vector values inside a basic block.
 *
 * A vec op (vec.c) loads its operands from env into xmm0-xmm3 and stores
 * its result back to env.  A chain of dependent ops (n-body's mulsd, addsd,
 * ...) then goes through env between every two of them: a store and a
 * reload of the same bytes, a store-forwarding delay on the chain.  Here
 * the result, still in xmm0 after its store, is also copied to one of
 * xmm4..xmm15 (a register move, free at rename), and the next op that reads
 * those env bytes takes them from that register instead.  env stays the
 * authority wherever it is read: a result is stored before anything reads
 * it there (see dirty entries below).
 *
 * An entry is dropped when anything else may change those env bytes (an
 * IR write to a global in them, another vec op's result) and all entries
 * at anything that may run C code or where paths merge (calls, fallback
 * vec ops, labels): C code may clobber every xmm register.  A branch
 * keeps them: the code after it is on the same path, its target a label.
 * Out-of-line stubs that return to the main path (access slow paths,
 * vector fallbacks) reload the entries live after their op from env once
 * their C call is done, so the main path finds them either way.
 * Results of ops run in place (vec.c, emit_inplace) are kept *dirty*: env
 * gets them only when something may read env there (jit_xc_flush: guest
 * accesses, calls, IR reads of the halves, env loads of operands, exits,
 * branches to labels other paths reach; stubs store what was dirty where
 * they leave the main path).  docs/jit.md lists the points.
 * A label that only one branch leads to (a superblock's side exit, the
 * taken side of a conditional exit) starts with the cache as it was at
 * that branch (jit_xc_restore).  A one-block loop keeps its vector
 * registers here across its jump back (jit.c, jit_xc_preload/place).
 */
#include <string.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/tcg/internal.h"
#include "jit-internal.h"
#include "vec.h"

static __thread XCacheState xc;

static void move_x(JitBuf *b, bool vex, int dst, int src);

bool jit_xc_write_through(void)
{
    static int on = -1;
    return jit_env_flag("EMU_JIT_VEC_WT", &on);
}

void jit_xc_reset(void)
{
    memset(&xc, 0, sizeof(xc));
}

void jit_xc_save(XCacheState *st)
{
    *st = xc;
}

void jit_xc_store_env(JitBuf *b, int x, int32_t off, unsigned bytes)
{
    if (bytes == 4) {
        jit_sse_rm(b, 1, 1, false, 0x7E, x, REG_ENV, off);          /* movd [off], x */
    } else if (bytes == 8) {
        jit_sse_rm(b, 1, 1, false, 0xD6, x, REG_ENV, off);          /* movq [off], x */
    } else {
        jit_sse_rm(b, 2, 1, false, 0x7F, x, REG_ENV, off);          /* movdqu [off], x */
    }
}

void jit_xc_load_env16(JitBuf *b, int x, int32_t off)
{
    jit_sse_rm(b, 2, 1, false, 0x7E, x, REG_ENV, off);              /* movq */
    jit_sse_rm(b, 0, 1, false, 0x16, x, REG_ENV, off + 8);          /* movhps */
}

/* the stores of entry e from register x */
static void store_entry(JitBuf *b, const XCacheEntry *e, int x)
{
    jit_xc_store_env(b, x, e->off, e->bytes);
}

void jit_xc_flush(JitBuf *b, int32_t lo, int32_t hi)
{
    if (!xc.any) {
        return;
    }
    for (int i = 0; i < XC_N; i++) {
        XCacheEntry *e = &xc.e[i];
        if (e->bytes && e->dirty && e->off < hi && lo < e->off + 16) {
            store_entry(b, e, XC_FIRST + i);
            e->dirty = false;
        }
    }
}

void jit_xc_flush_all(JitBuf *b)
{
    jit_xc_flush(b, INT32_MIN, INT32_MAX);
}

void jit_xc_flush_state(JitBuf *b, const XCacheState *st)
{
    for (int i = 0; i < XC_N; i++) {
        const XCacheEntry *e = &st->e[i];
        if (e->bytes && e->dirty) {
            store_entry(b, e, XC_FIRST + i);
        }
    }
}

/* Forget the entries overlapping [lo, hi): env has them (a caller that
 * overwrites env there in part flushed them first), or will have them
 * whole from the store that made the caller drop them. */
static void drop_range(int32_t lo, int32_t hi)
{
    if (!xc.any) {
        return;
    }
    for (int i = 0; i < XC_N; i++) {
        XCacheEntry *e = &xc.e[i];
        if (e->bytes && e->off < hi && lo < e->off + 16) {
            e->bytes = 0;
            e->dirty = false;
        }
    }
}

void jit_xc_restore(const XCacheState *st)
{
    xc = *st;
}

void jit_xc_preload(JitBuf *b, const int32_t *off, unsigned n)
{
    g_assert(n <= XC_N && n <= 4);
    for (unsigned k = 0; k < n; k++) {
        jit_xc_load_env16(b, XC_FIRST + (int)k, off[k]);
        xc.e[k].off = off[k];
        xc.e[k].bytes = 16;
        xc.any = true;
    }
    xc.next = n;    /* evict the loop's entries last */
}

void jit_xc_place(JitBuf *b, const int32_t *off, unsigned n)
{
    /* through xmm0-3 (free between ops): the entries may sit in each
     * other's registers */
    for (unsigned k = 0; k < n; k++) {
        int hit = jit_xc_find(off[k], 16, NULL);
        if (hit >= 0) {
            move_x(b, false, (int)k, hit);
        } else {
            jit_xc_load_env16(b, (int)k, off[k]);
        }
    }
    for (unsigned k = 0; k < n; k++) {
        move_x(b, false, XC_FIRST + (int)k, (int)k);
    }
}

int jit_xc_find(int32_t off, unsigned bytes, unsigned *valid)
{
    for (int i = 0; i < XC_N; i++) {
        const XCacheEntry *e = &xc.e[i];
        if (e->bytes && e->off == off && bytes <= e->bytes) {
            if (valid) {
                *valid = e->bytes;
            }
            return XC_FIRST + i;
        }
    }
    return -1;
}

/* movaps/vmovaps dst, src (whole xmm) */
static void move_x(JitBuf *b, bool vex, int dst, int src)
{
    if (vex) {
        jit_vex_rr(b, 0, 1, false, false, 0x28, dst, 0, src);
    } else {
        jit_sse_rr(b, 0, 1, false, 0x28, dst, src);
    }
}

void jit_xc_load(JitBuf *b, bool vex, int x, int hit)
{
    move_x(b, vex, x, hit);
}

/* A free entry, else the round-robin victim (stored first if dirty),
 * never the one in register avoid (-1: none). */
static int pick_slot(JitBuf *b, int avoid)
{
    for (int i = 0; i < XC_N; i++) {
        if (xc.e[i].bytes == 0 && XC_FIRST + i != avoid) {
            return i;
        }
    }
    for (;;) {
        int k = (int)(xc.next++ % XC_N);
        if (XC_FIRST + k != avoid) {
            if (xc.e[k].dirty) {
                store_entry(b, &xc.e[k], XC_FIRST + k);
            }
            xc.e[k].bytes = 0;
            xc.e[k].dirty = false;
            return k;
        }
    }
}

int jit_xc_claim(JitBuf *b, int32_t off, unsigned need, int avoid, unsigned *valid)
{
    for (int i = 0; i < XC_N; i++) {
        XCacheEntry *e = &xc.e[i];
        if (e->bytes && e->off == off && e->bytes >= need) {
            *valid = e->bytes;
            return XC_FIRST + i;
        }
    }
    jit_xc_flush(b, off, off + 16);     /* a shorter copy: env has it whole */
    drop_range(off, off + 16);
    int k = pick_slot(b, avoid);
    *valid = need;                      /* the caller loads it (jit_vec_load_x) */
    return XC_FIRST + k;
}

void jit_xc_wrote(JitBuf *b, bool vex, int32_t off, unsigned span, unsigned valid)
{
    drop_range(off, off + (int32_t)span);
    if (valid == 0) {
        return;
    }
    int k = pick_slot(b, -1);
    move_x(b, vex, XC_FIRST + k, 0);
    xc.e[k].off = off;
    xc.e[k].bytes = (uint8_t)valid;
    xc.any = true;
    xc.e[k].dirty = false;
}

void jit_xc_set(int x, int32_t off, unsigned valid, bool dirty)
{
    int k = x - XC_FIRST;
    for (int i = 0; i < XC_N; i++) {
        XCacheEntry *e = &xc.e[i];
        if (i != k && e->bytes && e->off < off + 16 && off < e->off + 16) {
            g_assert(!e->dirty);    /* claim flushed or reused it */
            e->bytes = 0;
        }
    }
    xc.e[k].off = off;
    xc.e[k].bytes = (uint8_t)valid;
    xc.any = true;
    xc.e[k].dirty = dirty;
}

void jit_xc_branch(JitGen *g, const TCGLabel *l)
{
    if (!(g->label_refs[l->id] == 1 && g->label_defer[l->id])) {
        jit_xc_flush_all(&g->b);    /* paths meet at l: its cache is empty */
    }
}

void jit_xc_note_op(JitBuf *b, const TCGOp *op)
{
    if (!xc.any) {
        return;     /* nothing cached: nothing to store or forget */
    }
    switch (op->opc) {
    case INDEX_op_nop:
    case INDEX_op_insn_start:
    case INDEX_op_discard:
    case INDEX_op_add_counter:
    case INDEX_op_vec:          /* vec.c drops and adds what it writes */
    case INDEX_op_vec_ret:
        return;
    case INDEX_op_qemu_ld_env:  /* vec-mem.c likewise */
    case INDEX_op_qemu_st_env:  /* writes no env byte */
        jit_xc_flush_all(b);    /* a fault shows env to the guest */
        return;
    case INDEX_op_brcond:       /* the code after it is on the same path; */
    case INDEX_op_br:           /* its target is a label (jit.c, ops.c) */
    case INDEX_op_goto_tb:
    case INDEX_op_exit_tb:
        return;
    case INDEX_op_qemu_ld:
    case INDEX_op_qemu_st:
        jit_xc_flush_all(b);    /* a fault shows env to the guest; */
        break;                  /* their slow paths reload the entries */
    default:
        if (tcg_op_defs[op->opc].flags != 0) {
            jit_xc_flush_all(b);
            jit_xc_reset();     /* calls, labels (paths merge), ... */
            return;
        }
        break;
    }
    unsigned no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
    for (unsigned k = 0; k < no + ni; k++) {
        const TCGTemp *t = tcg_op_temp(op, k);
        if (t->kind == TEMP_GLOBAL) {
            /* env is read there, or written in part (a 64-bit half) */
            jit_xc_flush(b, (int32_t)t->slot * 8, (int32_t)t->slot * 8 + 8);
            if (k < no) {
                drop_range((int32_t)t->slot * 8, (int32_t)t->slot * 8 + 8);
            }
        }
    }
}

/* EMU_JIT_STUB_CLOBBER=1: stubs zero xmm4..xmm15 after their C call, as C
 * code may (tests/guest/vec-chains: the reload below must then be there). */
static bool stub_clobber(void)
{
    static int on = -1;
    return jit_env_flag("EMU_JIT_STUB_CLOBBER", &on);
}

void jit_xc_reload(JitBuf *b, const XCacheState *st)
{
    if (stub_clobber()) {
        for (int i = 0; i < XC_N; i++) {
            jit_sse_rr(b, 1, 1, false, 0xEF, XC_FIRST + i, XC_FIRST + i);   /* pxor */
        }
    }
    for (int i = 0; i < XC_N; i++) {
        if (st->e[i].bytes) {
            jit_sse_rm(b, 2, 1, false, 0x6F, XC_FIRST + i, REG_ENV, st->e[i].off);   /* movdqu */
        }
    }
}
