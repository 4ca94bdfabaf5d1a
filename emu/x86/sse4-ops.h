/*
 * emu/x86/sse4-ops.h — the vec-op table lines of SSE3, SSSE3, SSE4.1 and
 * SSE4.2 (and their VEX forms, which reuse the same lines), in the format
 * of SSE_VEC_OPS in tr-sse.c:
 *
 *     X(MNEMONIC, vec op, memory size of the XMM form, G_* flags)
 *
 * The vec ops themselves (vop_NAME, X86VecFn contract in sse_helper.h:
 * d may differ from a for VEX forms, VF_256 selects 32-byte width with
 * in-lane semantics) are in sse4_helper.c.  Instructions that do not fit
 * the generic emitter have their own emitters in tr-sse4.c.
 */
#ifndef EMU_X86_SSE4_OPS_H
#define EMU_X86_SSE4_OPS_H

#include "sse_helper.h"

#define SSE4_VEC_OPS(X) \
    /* (none yet) */

#define X(MN, fn, size, fl) uint64_t vop_##fn(CPUX86State *env, X86YMMReg *d, \
                                               const X86YMMReg *a, const X86YMMReg *b, uint32_t imm);
SSE4_VEC_OPS(X)
#undef X

#endif
