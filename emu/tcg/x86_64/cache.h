/*
 * emu/tcg/x86_64/cache.h — the JIT's code cache.
 *
 * Code lives in segments, one active at a time, filled by bump allocation;
 * each segment starts with its own copy of the exit epilogue (so every
 * TB reaches it with a rel32 jump).  When the active segment is full,
 * jit_cache_commit fails once: the core flushes every TB (retiring all
 * code of that segment) and translates again, into a fresh segment.  A
 * retired segment is unmapped when its last TB is freed — quiescent
 * reclamation (emu/tb.c) frees a retired TB once no vCPU can run it — so
 * normally at most two segments exist, briefly.  Segment size:
 * EMU_JIT_CACHE_KB (default 64 MiB).  Mappings are RWX.
 */
#ifndef EMU_TCG_X86_64_CACHE_H
#define EMU_TCG_X86_64_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "emit.h"

typedef struct JitSegment JitSegment;

/* Header in front of every TB's code (the backend's code handle). */
typedef struct JitCode {
    uint32_t size;      /* bytes of code after the header */
    uint32_t pad;
    JitSegment *seg;    /* the segment holding it */
    /* goto_tb slot n: offset in code of its jmp's 4-byte aligned rel32
     * (patched to chain), or 0 if the TB has no such slot */
    uint32_t jmp_off[2];
    /* the InsnMapEntry table after the code (jit-internal.h) */
    uint32_t map_off, map_n;
    uint8_t code[];     /* 16-byte aligned */
} JitCode;

/* Map the entry trampoline page (once): returns it and its size.  emit_epi
 * writes the exit epilogue at the start of every new segment. */
uint8_t *jit_cache_init(size_t *tramp_size, void (*emit_epi)(JitBuf *b));
/* Start a translation: *b covers the free part of the active segment, after
 * room for the header; *epilogue is that segment's epilogue.  Takes the
 * cache lock until commit. */
void jit_cache_begin(JitBuf *b, const uint8_t **epilogue);
/* Finish: returns the handle, or NULL if b overflowed (segment full: the
 * caller returns NULL to the core, which flushes and retries). */
JitCode *jit_cache_commit(JitBuf *b);
/* The code of h is no longer reachable. */
void jit_cache_free(JitCode *h);

#endif
