/*
 * emu/tcg/x86_64/cache.c — the bounded two-half code cache (see cache.h).
 *
 *   [ trampoline page | half 0 ............ | half 1 ............ ]
 *                       ^ bump pointer while half 0 is active
 *
 * A half is reused only when its live count (TBs not yet freed) is zero:
 * by then no vCPU can be running or chaining into anything in it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <glib.h>

#include "cache.h"

#define TRAMP_SIZE 4096

static uint8_t *cache_base;
static size_t half_size;
static int cur_half;
static size_t cur_used;
static unsigned live[2];          /* atomic: codes not yet freed per half */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

uint8_t *jit_cache_init(size_t *tramp_size)
{
    static gsize done;
    if (g_once_init_enter(&done)) {
        size_t total = 128u << 20;
        const char *kb = getenv("EMU_JIT_CACHE_KB");
        if (kb && atol(kb) > 0) {
            total = (size_t)atol(kb) << 10;
        }
        half_size = (total / 2 + 4095) & ~(size_t)4095;
        void *p = mmap(NULL, TRAMP_SIZE + 2 * half_size,
                       PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) {
            g_error("emu: cannot map the JIT code cache (%zu bytes)", 2 * half_size);
        }
        cache_base = p;
        g_once_init_leave(&done, 1);
    }
    *tramp_size = TRAMP_SIZE;
    return cache_base;
}

static uint8_t *half_start(int h)
{
    return cache_base + TRAMP_SIZE + (size_t)h * half_size;
}

void jit_cache_begin(JitBuf *b)
{
    pthread_mutex_lock(&cache_lock);
    uint8_t *p = half_start(cur_half) + cur_used;
    b->start = b->p = p + sizeof(JitCode);
    b->end = half_start(cur_half) + half_size;
    b->overflow = b->p > b->end;
}

JitCode *jit_cache_commit(JitBuf *b)
{
    if (b->overflow || b->p > b->end) {
        /* Full: switch halves now; the core flushes every TB (retiring the
         * ones here) and translates again into the other half. */
        if (cur_used == 0) {
            g_error("emu: one TB does not fit a half of the JIT code cache");
        }
        int other = 1 - cur_half;
        if (__atomic_load_n(&live[other], __ATOMIC_ACQUIRE) != 0) {
            g_error("emu: JIT code cache exhausted (the previous half still has "
                    "%u live TBs); raise EMU_JIT_CACHE_KB", live[other]);
        }
        cur_half = other;
        cur_used = 0;
        pthread_mutex_unlock(&cache_lock);
        return NULL;
    }
    JitCode *h = (JitCode *)(b->start - sizeof(JitCode));
    h->size = (uint32_t)(b->p - b->start);
    h->half = (uint32_t)cur_half;
    cur_used = ((size_t)(b->p - half_start(cur_half)) + 15) & ~(size_t)15;
    __atomic_add_fetch(&live[cur_half], 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&cache_lock);
    return h;
}

void jit_cache_free(JitCode *h)
{
    __atomic_sub_fetch(&live[h->half], 1, __ATOMIC_RELEASE);
}
