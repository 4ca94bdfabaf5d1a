/*
 * emu/tb-internal.h — TB cache internals shared by emu/tb.c and
 * emu/cpu-exec.c.
 */
#ifndef EMU_TB_INTERNAL_H
#define EMU_TB_INTERNAL_H

#include "emu/exec.h"

#include "emu/tcg/backend.h"

#define TB_JMP_CACHE_BITS TCG_JMP_FAST_BITS   /* the fast table's hash too */
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)

#define QS_OFFLINE UINT64_MAX

/* Entry of the per-vCPU table generated code looks indirect jumps up in
 * (chaining backends): a guest pc and the host address to jump to. */
typedef struct TBFastEntry {
    uint64_t pc;
    const void *entry;
} TBFastEntry;

/* Per-vCPU direct-mapped pc -> TB cache; valid only for `epoch`.  Also the
 * vCPU's quiescent epoch for TB reclamation (see emu/tb.c). */
typedef struct TBJmpCache {
    uint64_t epoch;
    uint64_t qs;        /* epoch seen at the last TB boundary, or QS_OFFLINE */
    CPUX86State *env;   /* its vCPU (kicked to publish qs: tb_retire_commit_locked) */
    TranslationBlock *entry[TB_JMP_CACHE_SIZE];
    /* Chainable TBs (flags 0, not in shared memory) for generated code's
     * inline lookup (env->tb_jmp_fast points here).  Emptied by cpu_exec's
     * loop when the epoch moves, before it publishes the new one, so it
     * never holds a TB that reclamation may free.  Between an invalidation
     * and that, the invalidating thread kicks every online vCPU: a jump
     * through a stale entry meets the kick at the TB's entry check. */
    uint64_t fast_epoch;
    TBFastEntry fast[TB_JMP_CACHE_SIZE];
} TBJmpCache;

/* Bumped whenever a TB is invalidated: cached TB pointers (jump caches,
 * chaining slots) made in an older epoch must not be used. */
extern uint64_t tb_epoch;

void tb_cache_init(void);
/* Create/free a vCPU's jump cache; it registers the vCPU for reclamation. */
TBJmpCache *tb_jmp_cache_new(CPUX86State *env);
void tb_jmp_cache_free(TBJmpCache *jc);
/* In a fork child: keep's vCPU is the only one. */
void tb_vcpus_fork_child(TBJmpCache *keep);
/* Entering / leaving cpu_exec: an offline vCPU never delays reclamation
 * and holds no TB pointer. */
void tb_vcpu_online(TBJmpCache *jc);
void tb_vcpu_offline(TBJmpCache *jc);
/* At a TB boundary: publish the epoch seen (no older TB pointer kept). */
static inline void tb_vcpu_quiescent(TBJmpCache *jc, uint64_t epoch)
{
    __atomic_store_n(&jc->qs, epoch, __ATOMIC_RELEASE);
}
/* Chaining slot cache: set (under tb_lock) and get (lock-free). */
void tb_set_jmp(TranslationBlock *from, unsigned slot, TranslationBlock *to, uint64_t epoch);
static inline TranslationBlock *tb_get_jmp(TranslationBlock *from, unsigned slot, uint64_t epoch)
{
    uint64_t e1 = __atomic_load_n(&from->jmp_epoch[slot], __ATOMIC_ACQUIRE);
    if (e1 != epoch) {
        return NULL;
    }
    TranslationBlock *to = __atomic_load_n(&from->jmp_dest[slot], __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return __atomic_load_n(&from->jmp_epoch[slot], __ATOMIC_RELAXED) == epoch ? to : NULL;
}
/* Whether TBs are chained (off for -d nochain/exec/cpu). */
extern bool tb_chaining_enabled;
/* See tcg_lookup_code in emu/tcg/backend.h. */
void *tb_lookup_code(CPUX86State *env);
/* Make generated code's fast table (jc->fast) valid for epoch: emptied
 * if it was made in another.  Called at a TB boundary before publishing. */
void tb_fast_sync(TBJmpCache *jc, uint64_t epoch);
/* Put tb in the fast table if it may be entered from generated code. */
void tb_fast_add(TBJmpCache *jc, TranslationBlock *tb);
/* Chain from's goto_tb slot straight to to's code, if the backend chains
 * and both may be (neither invalid, to not in shared memory...). */
void tb_link(TranslationBlock *from, unsigned slot, TranslationBlock *to);
/* Find or translate the TB for pc.  Never returns NULL. */
TranslationBlock *tb_lookup(CPUX86State *env, uint64_t pc, uint32_t flags);
/* Free the graveyard TBs no online vCPU can reach any more. */
bool tb_reclaim(void);   /* true if anything was freed */

#endif
