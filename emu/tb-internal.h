/*
 * emu/tb-internal.h — TB cache internals shared by emu/tb.c and
 * emu/cpu-exec.c.
 */
#ifndef EMU_TB_INTERNAL_H
#define EMU_TB_INTERNAL_H

#include "emu/exec.h"

#define TB_JMP_CACHE_BITS 12
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)

#define QS_OFFLINE UINT64_MAX

/* Per-vCPU direct-mapped pc -> TB cache; valid only for `epoch`.  Also the
 * vCPU's quiescent epoch for TB reclamation (see emu/tb.c). */
typedef struct TBJmpCache {
    uint64_t epoch;
    uint64_t qs;        /* epoch seen at the last TB boundary, or QS_OFFLINE */
    TranslationBlock *entry[TB_JMP_CACHE_SIZE];
} TBJmpCache;

/* Bumped whenever a TB is invalidated: cached TB pointers (jump caches,
 * chaining slots) made in an older epoch must not be used. */
extern uint64_t tb_epoch;

void tb_cache_init(void);
/* Create/free a vCPU's jump cache; it registers the vCPU for reclamation. */
TBJmpCache *tb_jmp_cache_new(void);
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
/* Find or translate the TB for pc.  Never returns NULL. */
TranslationBlock *tb_lookup(CPUX86State *env, uint64_t pc, uint32_t flags);
/* Free the graveyard TBs no online vCPU can reach any more. */
bool tb_reclaim(void);   /* true if anything was freed */

#endif
