/*
 * emu/tcg/x86_64/cache.c — the bounded, segmented code cache (see cache.h).
 *
 *   segment: [ epilogue | TB | TB | TB | ...  free ... ]
 *                                        ^ bump pointer (active segment)
 *
 * Retired segments (full, all their TBs flushed) wait for their live count
 * to reach zero, then are unmapped: by then no vCPU can be running or
 * chaining into anything in them.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <glib.h>

#include "cache.h"

#define TRAMP_SIZE 4096
#define SEG_HEAD   64       /* room for the epilogue copy */

struct JitSegment {
    uint8_t *base;
    size_t used;
    unsigned live;          /* TBs not yet freed */
    bool retired;           /* no longer active: unmap when live == 0 */
};

static size_t seg_size;
static JitSegment *cur;
static void (*emit_epilogue)(JitBuf *b);
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static void *map_rwx(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        g_error("emu: cannot map %zu bytes for the JIT code cache", size);
    }
    return p;
}

static JitSegment *seg_new(void)
{
    JitSegment *s = g_new0(JitSegment, 1);
    s->base = map_rwx(seg_size);
    JitBuf b = { .start = s->base, .p = s->base, .end = s->base + SEG_HEAD };
    emit_epilogue(&b);
    g_assert(!b.overflow);
    s->used = SEG_HEAD;
    return s;
}

static void seg_unmap(JitSegment *s)
{
    munmap(s->base, seg_size);
    g_free(s);
}

uint8_t *jit_cache_init(size_t *tramp_size, void (*emit_epi)(JitBuf *b))
{
    static uint8_t *tramp;
    static gsize done;
    if (g_once_init_enter(&done)) {
        seg_size = 64u << 20;
        const char *kb = getenv("EMU_JIT_CACHE_KB");
        if (kb && atol(kb) > 0) {
            seg_size = MAX((size_t)atol(kb) << 10, (size_t)8192);
        }
        seg_size = (seg_size + 4095) & ~(size_t)4095;
        emit_epilogue = emit_epi;
        tramp = map_rwx(TRAMP_SIZE);
        g_once_init_leave(&done, 1);
    }
    *tramp_size = TRAMP_SIZE;
    return tramp;
}

void jit_cache_begin(JitBuf *b, const uint8_t **epilogue)
{
    pthread_mutex_lock(&cache_lock);
    if (cur == NULL) {
        cur = seg_new();
    }
    b->start = b->p = cur->base + cur->used + sizeof(JitCode);
    b->end = cur->base + seg_size;
    b->overflow = b->p > b->end;
    *epilogue = cur->base;
}

JitCode *jit_cache_commit(JitBuf *b)
{
    if (b->overflow || b->p > b->end) {
        /* Full: the core flushes every TB (retiring the ones here) and
         * translates again, into a new segment. */
        if (cur->used == SEG_HEAD) {
            g_error("emu: one TB does not fit the JIT code cache; raise EMU_JIT_CACHE_KB");
        }
        cur->retired = true;
        if (cur->live == 0) {
            seg_unmap(cur);
        }
        cur = NULL;
        pthread_mutex_unlock(&cache_lock);
        return NULL;
    }
    JitCode *h = (JitCode *)(b->start - sizeof(JitCode));
    h->size = (uint32_t)(b->p - b->start);
    h->seg = cur;
    cur->used = ((size_t)(b->p - cur->base) + 15) & ~(size_t)15;
    cur->live++;
    pthread_mutex_unlock(&cache_lock);
    return h;
}

void jit_cache_free(JitCode *h)
{
    pthread_mutex_lock(&cache_lock);
    JitSegment *s = h->seg;
    if (--s->live == 0 && s->retired) {
        seg_unmap(s);
    }
    pthread_mutex_unlock(&cache_lock);
}
