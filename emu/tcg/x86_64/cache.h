/*
 * emu/tcg/x86_64/cache.h — the JIT's code cache.
 *
 * One bounded RWX mapping: a page for the shared entry/exit trampoline,
 * then two halves filled one at a time by bump allocation.  When the
 * active half is full, jit_cache_begin fails once (the core flushes every
 * TB, which retires all code of the active half) and the next translation
 * starts over in the other half, provided all code there has been freed
 * (quiescent reclamation in emu/tb.c frees retired TBs once no vCPU can run
 * them).  Size: EMU_JIT_CACHE_KB (default 128 MiB, both halves).
 */
#ifndef EMU_TCG_X86_64_CACHE_H
#define EMU_TCG_X86_64_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "emit.h"

/* Header in front of every TB's code (the backend's code handle). */
typedef struct JitCode {
    uint32_t size;      /* bytes of code after the header */
    uint32_t half;      /* which half holds it */
    uint64_t pad;
    uint8_t code[];     /* 16-byte aligned */
} JitCode;

/* Map the cache (once) and return the trampoline page. */
uint8_t *jit_cache_init(size_t *tramp_size);
/* Start a translation: *b covers the free part of the active half, after
 * room for the header.  Takes the cache lock until commit/abort. */
void jit_cache_begin(JitBuf *b);
/* Finish: returns the handle, or NULL if b overflowed (cache full: the
 * caller returns NULL to the core, which flushes and retries). */
JitCode *jit_cache_commit(JitBuf *b);
/* The code of h is no longer reachable. */
void jit_cache_free(JitCode *h);

#endif
