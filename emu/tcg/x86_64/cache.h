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
 * EMU_JIT_CACHE_KB (default 64 MiB).
 *
 * Mappings: one RWX mapping per segment by default.  With split-wx
 * (-accel tcg,split-wx=on or EMU_JIT_SPLIT_WX=1; docs/jit.md, "W^X split
 * cache") the segments are slots of one memfd mapped twice, read+execute
 * where code runs and read+write where it is written, at a constant
 * distance: jit_rw()/jit_rx() convert.  Every address the rest of the JIT
 * and the core keep (code handles, entries, epilogues, host pcs) is an RX
 * address; only the writers (a JitBuf, a chaining patch, a header) use the
 * RW alias.
 */
#ifndef EMU_TCG_X86_64_CACHE_H
#define EMU_TCG_X86_64_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "emit.h"

typedef struct JitSegment JitSegment;

/* Header in front of every TB's code (the backend's code handle). */
typedef struct JitCode {
    /* JIT_CODE_MAGIC ^ (uintptr_t)code: how jit_code_at recognizes a
     * header, scanning back from a host pc */
    uint64_t magic;
    void *tb;           /* the TranslationBlock it is the code of */
    uint32_t size;      /* bytes of code after the header */
    uint32_t loop_off;  /* a TB jumping to itself: where that jump goes
                         * (after the entry's loads, jit.c), or 0 */
    uint32_t loop_slots; /* the goto_tb slots of those jumps (bit n: slot
                          * n; a TB may have several: side exits too) */
    JitSegment *seg;    /* the segment holding it */
    /* goto_tb slot n: offset in code of its jmp's 4-byte aligned rel32
     * (patched to chain), or 0 if the TB has no such slot */
    uint32_t jmp_off[TCG_GOTO_TB_SLOTS];
    /* the InsnMapEntry table after the code (jit-internal.h) */
    uint32_t map_off, map_n;
    /* the access map after it (jit.c: the dirty globals at each guest
     * access, for the fault handler): offset in code, length in words */
    uint32_t amap_off, amap_len;
    uint8_t code[];     /* 16-byte aligned */
} JitCode;

#define JIT_CODE_MAGIC 0x6a6974636f64652eull

/* The code whose body holds host address pc, or NULL (pc is not in TB
 * code, e.g. in a helper).  Async-signal-safe: the fault handler's way to
 * the running TB (generated code does not store it at every entry). */
const JitCode *jit_code_at(uintptr_t pc);

/* RW address minus RX address of the same code byte: 0 unless split-wx. */
extern intptr_t jit_wx_delta;

/* The writable alias of code address rx (itself unless split-wx). */
static inline void *jit_rw(const void *rx)
{
    return (uint8_t *)(uintptr_t)rx + jit_wx_delta;
}
/* The address at which the code written at rw runs. */
static inline void *jit_rx(const void *rw)
{
    return (uint8_t *)(uintptr_t)rw - jit_wx_delta;
}

/* Map the code cache (once) and the entry trampoline, which emit_tramp
 * writes (it ends up read+execute only): returns the trampoline's
 * address.  emit_epi writes the exit epilogue at the start of every new
 * segment.  Exits with a message if split-wx is on and the host cannot
 * (memfd_create or the mappings fail). */
uint8_t *jit_cache_init(void (*emit_tramp)(JitBuf *b), void (*emit_epi)(JitBuf *b));
/* Start a translation: *b covers the free part of the active segment, after
 * room for the header (b writes the RW view; b->rx_off leads to the RX
 * one); *epilogue is that segment's epilogue (RX).  Takes the cache lock
 * until commit. */
void jit_cache_begin(JitBuf *b, const uint8_t **epilogue);
/* Finish: writes the header (hdr's fields but seg, which is
 * filled in) and returns the handle (RX), or NULL if b overflowed
 * (segment full: the caller returns NULL to the core, which flushes and
 * retries). */
JitCode *jit_cache_commit(JitBuf *b, const JitCode *hdr);
/* The code of h is no longer reachable. */
void jit_cache_free(JitCode *h);
/* In a fork child (separate address space), before any code runs: the
 * split-wx views are MAP_SHARED, so give the child a private copy of the
 * cache at the same addresses (the copy was taken at the fork, under the
 * locks, when glibc's fork ran the atfork handlers; else now). */
void jit_cache_fork_child(void);

#endif
