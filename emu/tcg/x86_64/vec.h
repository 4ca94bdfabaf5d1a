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
void jit_ldmxcsr(JitBuf *b, int base, int32_t disp);
void jit_stmxcsr(JitBuf *b, int base, int32_t disp);
void jit_vzeroupper(JitBuf *b);

/* ---- vec.c ---- */
struct JitGen;
struct TCGOp;
/* Lower one vec op (natively when the host can, else as its helper call). */
void jit_lower_vec(struct JitGen *g, const struct TCGOp *op);
/* Emit the out-of-line fallback calls of this TB's vec ops. */
void jit_vec_emit_stubs(struct JitGen *g);
/* Whether the host runs vec ops needing host feature f (VEC_HF_*) natively. */
bool jit_vec_host_has(unsigned f);

#endif
