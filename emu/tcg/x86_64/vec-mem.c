/*
 * emu/tcg/x86_64/vec-mem.c — qemu_ld_env / qemu_st_env (ir-ops.def): the
 * 16- or 32-byte guest access of an SSE/AVX instruction as one host vector
 * load or store, instead of two or four 8-byte accesses through GPRs.
 *
 *   load:   cmp addr, r14; ja slow       (nothing for a constant address)
 *           movdqu xmm0, [r15 + addr]    (vmovdqu ymm0: 32 bytes)
 *           movdqu [rbp + off], xmm0     (env stays the authority)
 *           movaps xmmN, xmm0            (vec-cache.c: when a vec op reads
 *                                         it next, as a memory source does)
 *   store:  xmm0 = env bytes             (or the vec-cache register itself)
 *           cmp addr, r14; ja slow
 *           movdqu [r15 + addr], xmm0
 *
 * r14 is the limit minus JIT_ACCESS_MAX, so the one compare covers 32
 * bytes; the slow path (ops.c) calls tcg_ld_env/tcg_st_env, the exact
 * check, for the last bytes below the limit and beyond.  One host
 * instruction is all or nothing as the guest's: a host fault in it (the
 * access map and insn map, as for qemu_ld/st) raises the guest fault with
 * nothing written.  A host without AVX (the guest CPU model does not
 * depend on the host) moves 32 bytes as two 16-byte halves, loads both
 * before writing env and stores the upper half first (env-access.c).
 */
#include "emu/cpu.h"
#include "emu/tcg/internal.h"
#include "emu/tcg/tcg-vec.h"
#include "jit-internal.h"
#include "vec.h"

static inline TCGTemp *T(const TCGOp *op, unsigned k)
{
    return (TCGTemp *)op->args[k];
}

/* movdqu/vmovdqu between xmm/ymm x and [r15 + ra] (ra < 0: [r15 + disp]) */
static void guest_vmov(JitBuf *b, bool store, bool l, int x, int ra, int32_t disp)
{
    uint8_t opc = store ? 0x7F : 0x6F;
    if (l) {
        if (ra >= 0) {
            jit_vex_rbi(b, 2, 1, false, true, opc, x, 0, REG_GBASE, ra);
        } else {
            jit_vex_rm(b, 2, 1, false, true, opc, x, 0, REG_GBASE, disp);
        }
    } else if (ra >= 0) {
        jit_sse_rbi(b, 2, 1, false, opc, x, REG_GBASE, ra);
    } else {
        jit_sse_rm(b, 2, 1, false, opc, x, REG_GBASE, disp);
    }
}

/* Without AVX: xmm1 to or from the upper 16 of 32 bytes at [r15 + ra]
 * (checked: ra + 16 does not wrap) or [r15 + disp + 16]. */
static void upper_half(JitGen *g, bool store, int ra, int32_t disp)
{
    if (ra >= 0) {
        jit_op_rm(&g->b, P_W | OPC_LEA, REG_TMP, ra, 16);
        jit_note_access(g);
        guest_vmov(&g->b, store, false, 1, REG_TMP, 0);
    } else {
        jit_note_access(g);
        guest_vmov(&g->b, store, false, 1, -1, disp + 16);
    }
}

/*
 * The bounds check of an access of size bytes at a (unless a constant that
 * needs none): returns the jcc to patch into the slow path, or 0, with
 * *ra the address register or -1 (then *disp the constant).
 */
static size_t bounds_check(JitGen *g, TCGTemp *a, unsigned size, int *ra, int32_t *disp)
{
    if (a->kind == TEMP_CONST && jit_const_addr_ok(a->val, size)) {
        *ra = -1;
        *disp = (int32_t)a->val;
        return 0;
    }
    *ra = ra_in(g, a);
    *disp = 0;
    jit_op_rr(&g->b, P_W | OPC_CMP, *ra, REG_LIMIT);
    return jit_jcc32(&g->b, JCC_A);
}

void jit_lower_ld_env(JitGen *g, const TCGOp *op)
{
    JitBuf *b = &g->b;
    int32_t off = (int32_t)op->args[1];
    unsigned size = (unsigned)op->args[2];
    bool avx = jit_vec_host_has(VEC_HF_AVX);
    int ra;
    int32_t disp;

    jit_note_insn(g);
    if (size == 16 && !jit_xc_write_through()) {
        /* straight into a cache register, dirty (env gets it when read
         * there); the register is taken before the bounds check: a dirty
         * entry it evicts is stored on both paths */
        unsigned valid;
        int x = jit_xc_claim(b, off, 0, -1, &valid);
        size_t jcc = bounds_check(g, T(op, 0), size, &ra, &disp);
        jit_note_access(g);
        guest_vmov(b, false, false, x, ra, disp);
        ra_env_written(g, off, size);
        jit_xc_set(x, off, 16, true);
        if (jcc) {
            /* the slow path's helper writes env, then the stub reloads
             * the cache, x included, and comes back here */
            jit_add_slow(g, jcc, ra, -1, false, 0, (uint32_t)off, size);
        }
        return;
    }
    size_t jcc = bounds_check(g, T(op, 0), size, &ra, &disp);
    if (size == 16 || avx) {
        jit_note_access(g);
        guest_vmov(b, false, size == 32, 0, ra, disp);
    } else {
        /* both halves read before env is written */
        jit_note_access(g);
        guest_vmov(b, false, false, 0, ra, disp);
        upper_half(g, false, ra, disp);
    }
    /* env bytes: the caches of globals there are stale now */
    if (size == 32 && avx) {
        jit_vex_rm(b, 2, 1, false, true, 0x7F, 0, 0, REG_ENV, off);   /* vmovdqu */
        jit_vzeroupper(b);
    } else {
        jit_sse_rm(b, 2, 1, false, 0x7F, 0, REG_ENV, off);            /* movdqu */
        if (size == 32) {
            jit_sse_rm(b, 2, 1, false, 0x7F, 1, REG_ENV, off + 16);
        }
    }
    ra_env_written(g, off, size);
    jit_xc_wrote(b, false, off, size, size == 16 && jit_vec_read_later(g, off) ? 16 : 0);
    if (jcc) {
        /* the slow path's helper writes env and comes back here */
        jit_add_slow(g, jcc, ra, -1, false, 0, (uint32_t)off, size);
    }
}

void jit_lower_st_env(JitGen *g, const TCGOp *op)
{
    JitBuf *b = &g->b;
    int32_t off = (int32_t)op->args[1];
    unsigned size = (unsigned)op->args[2];
    bool avx = jit_vec_host_has(VEC_HF_AVX);
    int ra, x = 0;
    int32_t disp;

    jit_note_insn(g);
    ra_sync_env(g, off, size);      /* the slow path reads env */
    if (size == 16) {
        x = jit_xc_find(off, 16, NULL);
        if (x < 0) {
            x = 0;
            jit_vec_load_x(g, false, 0, off, 16);
        }
    } else if (avx) {
        jit_vec_load_x(g, true, 0, off, 32);
    } else {
        jit_vec_load_x(g, false, 0, off, 16);
        jit_vec_load_x(g, false, 1, off + 16, 16);
    }
    size_t jcc = bounds_check(g, T(op, 0), size, &ra, &disp);
    if (size == 16 || avx) {
        jit_note_access(g);
        guest_vmov(b, true, size == 32, x, ra, disp);
    } else {
        /* the upper half first: a fault on a following page writes nothing */
        upper_half(g, true, ra, disp);
        jit_note_access(g);
        guest_vmov(b, true, false, 0, ra, disp);
    }
    if (size == 32 && avx) {
        jit_vzeroupper(b);
    }
    if (jcc) {
        jit_add_slow(g, jcc, ra, -1, true, 0, (uint32_t)off, size);
    }
}
