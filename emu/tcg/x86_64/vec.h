/*
 * emu/tcg/x86_64/vec.h — host SSE/AVX lowering of the `vec` IR op
 * (emu/tcg/tcg-vec.h): the encoder (vec-emit.c) and the lowering (vec.c).
 */
#ifndef EMU_TCG_X86_64_VEC_H
#define EMU_TCG_X86_64_VEC_H

#include <stdbool.h>
#include <stdint.h>
#include "emit.h"

/* ---- vec-emit.c ----
 * pp: 0 none, 1 = 66, 2 = F3, 3 = F2; map: 1 = 0F, 2 = 0F 38, 3 = 0F 3A.
 * Register numbers are xmm/ymm (or GPR for ModRM.rm of movq) 0..15. */
void jit_sse_rr(JitBuf *b, unsigned pp, unsigned map, bool w, uint8_t opc, int r, int rm);
void jit_sse_rm(JitBuf *b, unsigned pp, unsigned map, bool w, uint8_t opc, int r,
                int base, int32_t disp);
void jit_vex_rr(JitBuf *b, unsigned pp, unsigned map, bool w, bool l, uint8_t opc,
                int r, int v, int rm);
void jit_vex_rm(JitBuf *b, unsigned pp, unsigned map, bool w, bool l, uint8_t opc,
                int r, int v, int base, int32_t disp);
/* the same with a memory operand [base + index] */
void jit_sse_rbi(JitBuf *b, unsigned pp, unsigned map, bool w, uint8_t opc, int r,
                 int base, int index);
void jit_vex_rbi(JitBuf *b, unsigned pp, unsigned map, bool w, bool l, uint8_t opc,
                 int r, int v, int base, int index);
void jit_ldmxcsr(JitBuf *b, int base, int32_t disp);
void jit_stmxcsr(JitBuf *b, int base, int32_t disp);
void jit_vzeroupper(JitBuf *b);

/* ---- vec.c ---- */
struct JitGen;
struct TCGOp;
/* Lower one vec op (natively when the host can, else as its helper call). */
void jit_lower_vec(struct JitGen *g, const struct TCGOp *op);
/* Vector register x = the `bytes` low bytes (4, 8, 16 or 32) of the
 * vector register at env offset off (the rest of x: don't care), from the
 * vec cache, the GPRs caching its halves or env (which must hold every
 * other byte). */
void jit_vec_load_x(struct JitGen *g, bool vex, int x, int32_t off, unsigned bytes);
/* Whether a native vec op after this one, before anything that empties
 * the register cache (vec-cache.c), reads env offset off: only then is a
 * value worth a copy in the cache. */
bool jit_vec_read_later(struct JitGen *g, int32_t off);
/* The run of FP vec ops (the guest's MXCSR in the host register,
 * env->jit_mx_live) must be closed before C code and before an op that
 * reads or writes the MXCSR global (jit_vec_reads_mxcsr):
 * jit_vec_mx_close emits a call of the segment's close thunk
 * (jit_vec_emit_mx_close_thunk: if live, stmxcsr into env, the host's
 * back, live = 0; clobbers r11 and the flags); on the main path the run
 * is then forgotten too (jit_vec_mx_close_main), as at a label
 * (jit_vec_mx_forget), where paths with and without an open run meet. */
bool jit_vec_reads_mxcsr(const struct TCGOp *op);
void jit_vec_mx_close(JitBuf *b, const uint8_t *epilogue);
/* Both, on the main path (an out-of-line stub only closes). */
void jit_vec_mx_close_main(struct JitGen *g);
void jit_vec_mx_forget(void);
void jit_vec_emit_mx_close_thunk(JitBuf *b);
/* Emit the out-of-line fallback calls of this TB's vec ops. */
void jit_vec_emit_stubs(struct JitGen *g);
/* Whether the host runs vec ops needing host feature f (VEC_HF_*) natively. */
bool jit_vec_host_has(unsigned f);

/* ---- vec-cache.c: xmm4..xmm15 as copies of guest vector values ---- */
#define XC_N 12
#define XC_FIRST 4
typedef struct XCacheEntry {
    int32_t off;       /* env offset of the bytes copied */
    uint8_t bytes;     /* how many (4, 8 or 16); 0: empty */
    bool dirty;        /* env does not have them yet (jit_xc_flush) */
} XCacheEntry;
typedef struct XCacheState {
    XCacheEntry e[XC_N];   /* entry i is in xmm(XC_FIRST + i) */
    unsigned next;         /* round-robin replacement */
    bool any;              /* an entry was filled since the last reset (false:
                            * all empty, the common case of integer code) */
} XCacheState;
/* movd/movq/movdqu [env + off], x (bytes 4, 8, 16); x = the 16 bytes at
 * env offset off as two halves (movq, movhps: each forwards from the last
 * store to it, where one 16-byte load after two 8-byte stores would wait
 * for both to retire). */
void jit_xc_store_env(JitBuf *b, int x, int32_t off, unsigned bytes);
void jit_xc_load_env16(JitBuf *b, int x, int32_t off);
/* EMU_JIT_VEC_WT=1: every result stored at once (write-through, as before
 * entries could be dirty; A/B, debugging). */
bool jit_xc_write_through(void);
/* Nothing cached (a TB's start, or after jit_xc_flush_all before C code). */
void jit_xc_reset(void);
/* Before lowering op (not vec ops): store what it may read or overwrite
 * in part, drop what it may change; before anything that may run C code
 * or where paths merge, store all and drop all. */
void jit_xc_note_op(JitBuf *b, const struct TCGOp *op);
/* Store the dirty entries overlapping env bytes [lo, hi) (all of them),
 * which then stay, clean: before env is read there (or by anyone). */
void jit_xc_flush(JitBuf *b, int32_t lo, int32_t hi);
void jit_xc_flush_all(JitBuf *b);
/* The stores of state st's dirty entries (for a stub, whose registers
 * still hold them: st is the state where the stub left the main path). */
void jit_xc_flush_state(JitBuf *b, const XCacheState *st);
/* Before a branch to l: all stored unless only this branch leads to l
 * (which then starts with this cache, jit_xc_restore). */
struct TCGLabel;
void jit_xc_branch(struct JitGen *g, const struct TCGLabel *l);
/* The xmm register holding at least `bytes` bytes at env offset off, or
 * -1; *valid (if not NULL) = how many it holds. */
int jit_xc_find(int32_t off, unsigned bytes, unsigned *valid);
/* xmm x = cached register hit (movaps, or vmovaps when vex). */
void jit_xc_load(JitBuf *b, bool vex, int x, int hit);
/* A vec op stored `span` bytes at env offset off from xmm0, whose low
 * `valid` bytes are the value now there (0: do not cache it). */
void jit_xc_wrote(JitBuf *b, bool vex, int32_t off, unsigned span, unsigned valid);
/* The state now, for a stub that returns here; a stub's reload of it from
 * env after its C call. */
void jit_xc_save(XCacheState *st);
/* A cache register for an op that writes the bytes at env offset off in
 * place (vec.c): the one holding them if it has at least `need` bytes
 * (*valid = how many), else a free or evicted one, never register avoid,
 * that the caller fills with `need` bytes (*valid = need).  Then
 * jit_xc_set records what the register holds after the op. */
int jit_xc_claim(JitBuf *b, int32_t off, unsigned need, int avoid, unsigned *valid);
void jit_xc_set(int x, int32_t off, unsigned valid, bool dirty);
/* The cache is st again (a label reached only from the branch that saved st). */
void jit_xc_restore(const XCacheState *st);
/* A one-block loop's vector registers (jit.c): at its head, entry k holds
 * the 16 bytes at env offset off[k] (jit_xc_preload loads them); its jump
 * back puts them there again from wherever the cache has them, else env
 * (jit_xc_place, through xmm0-3). */
void jit_xc_preload(JitBuf *b, const int32_t *off, unsigned n);
void jit_xc_place(JitBuf *b, const int32_t *off, unsigned n);
void jit_xc_reload(JitBuf *b, const XCacheState *st);

#endif
