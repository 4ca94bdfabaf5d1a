/*
 * emu/tb-internal.h — TB cache internals shared by emu/tb.c and
 * emu/cpu-exec.c.
 */
#ifndef EMU_TB_INTERNAL_H
#define EMU_TB_INTERNAL_H

#include "emu/exec.h"

#define TB_JMP_CACHE_BITS 12
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)

/* Per-vCPU direct-mapped pc -> TB cache; valid only for `epoch`. */
typedef struct TBJmpCache {
    uint64_t epoch;
    TranslationBlock *entry[TB_JMP_CACHE_SIZE];
} TBJmpCache;

/* Bumped whenever a TB is invalidated: cached TB pointers (jump caches,
 * chaining slots) made in an older epoch must not be used. */
extern uint64_t tb_epoch;

void tb_cache_init(void);
TBJmpCache *tb_jmp_cache_new(void);
/* Find or translate the TB for pc.  Never returns NULL. */
TranslationBlock *tb_lookup(CPUX86State *env, uint64_t pc, uint32_t flags);
/* Free invalidated TBs; only when no generated code is running. */
bool tb_reclaim(void);   /* true if anything was freed */

#endif
