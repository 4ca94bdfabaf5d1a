/*
 * emu/tcg/x86_64/cache.c — the bounded, segmented code cache (see cache.h).
 *
 *   segment: [ epilogue | TB | TB | TB | ...  free ... ]
 *                                        ^ bump pointer (active segment)
 *
 * Retired segments (full, all their TBs flushed) wait for their live count
 * to reach zero, then are unmapped: by then no vCPU can be running or
 * chaining into anything in them.
 *
 * split-wx: every segment is a slot of one memfd, mapped twice for the
 * whole run (no page is ever writable and executable at once):
 *
 *   rx_base                                     rx_base + nslots * seg_size
 *   [ slot 0 | slot 1 | slot 2 | ...          ]  r-x, MAP_SHARED: code runs
 *   [ slot 0 | slot 1 | slot 2 | ...          ]  rw-, MAP_SHARED: code is written
 *   rx_base + jit_wx_delta
 *
 * A freed slot's pages go back to the kernel (MADV_REMOVE) and the slot
 * is reused.  Because the views are MAP_SHARED, a fork child
 * would share the cache with its parent: the child gets a copy in a new
 * memfd mapped at the same addresses (jit_cache_fork_child).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <glib.h>

#include "emu/tcg/backend.h"
#include "cache.h"
#include "jit-internal.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x10u      /* Linux 6.3: executable even if vm.memfd_noexec=1 */
#endif

#define TRAMP_SIZE 4096
#define SEG_HEAD   320      /* room for the epilogue copy and the thunks (prologue.c) */
/* split-wx: address space of each view (slots of seg_size) */
#define WX_SPAN    (16ull << 30)
/* split-wx: both views prefaulted this much ahead of the bump pointer */
#define WX_POPULATE (256u << 10)

struct JitSegment {
    uint8_t *base;          /* RX address */
    size_t used;
    unsigned live;          /* TBs not yet freed */
    bool retired;           /* no longer active: unmap when live == 0 */
    unsigned slot;          /* split-wx: its slot in the memfd */
    size_t populated;       /* split-wx: bytes of both views prefaulted */
};

intptr_t jit_wx_delta;

static size_t seg_size;

/* [start, end) of every mapped segment, for jit_code_at in a signal
 * handler: slots written under cache_lock, read without it (a TB being
 * run keeps its segment mapped, so a fault in it finds it here). */
#define MAX_SEGS 65536      /* mapped at once: normally two; thousands only
                             * with a tiny EMU_JIT_CACHE_KB and threads */
static uintptr_t seg_start[MAX_SEGS], seg_end[MAX_SEGS];
static int seg_hwm;                 /* slots [0, seg_hwm) ever used */

static void seg_register(JitSegment *s)
{
    for (int i = 0; i < MAX_SEGS; i++) {
        if (seg_start[i] == 0) {
            __atomic_store_n(&seg_end[i], (uintptr_t)s->base + seg_size, __ATOMIC_RELAXED);
            __atomic_store_n(&seg_start[i], (uintptr_t)s->base, __ATOMIC_RELEASE);
            if (i >= seg_hwm) {
                __atomic_store_n(&seg_hwm, i + 1, __ATOMIC_RELEASE);
            }
            return;
        }
    }
    g_error("emu: more than %d JIT code segments mapped", MAX_SEGS);
}

static void seg_deregister(JitSegment *s)
{
    for (int i = 0; i < MAX_SEGS; i++) {
        if (seg_start[i] == (uintptr_t)s->base) {
            __atomic_store_n(&seg_start[i], 0, __ATOMIC_RELEASE);
            return;
        }
    }
}

const JitCode *jit_code_at(uintptr_t pc)
{
    int n = __atomic_load_n(&seg_hwm, __ATOMIC_ACQUIRE);
    for (int i = 0; i < n; i++) {
        uintptr_t lo = __atomic_load_n(&seg_start[i], __ATOMIC_ACQUIRE);
        if (lo == 0 || pc < lo + SEG_HEAD || pc >= __atomic_load_n(&seg_end[i], __ATOMIC_RELAXED)) {
            continue;
        }
        /* headers are 8-byte aligned, right before their code */
        for (uintptr_t h = (pc - sizeof(JitCode)) & ~(uintptr_t)7; h >= lo + SEG_HEAD; h -= 8) {
            const JitCode *c = (const JitCode *)h;
            if (c->magic == (JIT_CODE_MAGIC ^ (uintptr_t)c->code)) {
                return pc < (uintptr_t)c->code + c->size ? c : NULL;
            }
        }
        return NULL;
    }
    return NULL;
}

static JitSegment *cur;
static void (*emit_epilogue)(JitBuf *b);
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* split-wx state */
static int wx_request = -1;         /* -accel's choice; -1: EMU_JIT_SPLIT_WX */
static bool wx_on;                  /* the cache is split (set at init) */
static uint8_t *wx_rx;              /* RX view; RW view at wx_rx + jit_wx_delta */
static size_t wx_nslots;
static JitSegment **wx_slots;       /* segment in each slot, or NULL */
static int wx_fork_fd = -1;         /* atfork prepare's copy, for the child */

static __attribute__((noreturn)) void wx_fail(const char *what)
{
    fprintf(stderr, "emu: split-wx code cache: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* The memfd is open only until both views map it (the guest must not see
 * a descriptor natively absent); one made at a fork in a threaded guest
 * is moved out of the way of the other threads' open()s. */
static int wx_memfd(void)
{
    int fd = memfd_create("emu-jit-code", MFD_CLOEXEC | MFD_EXEC);
    if (fd < 0 && errno == EINVAL) {
        fd = memfd_create("emu-jit-code", MFD_CLOEXEC);     /* before Linux 6.3 */
    }
    int hi = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 256) : -1;
    if (hi >= 0) {
        close(fd);
        fd = hi;
    }
    return fd;
}

bool tcg_jit_split_wx(bool on)
{
    if (on) {
        /* fail now, with the option, rather than at the first translation */
        int fd = wx_memfd();
        if (fd < 0) {
            return false;
        }
        close(fd);
    }
    wx_request = on;
    return true;
}

static void *map_rwx(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        g_error("emu: cannot map %zu bytes for the JIT code cache", size);
    }
    /* Transparent huge pages: the cache fills 2 MiB at a time instead of
     * taking a page fault on each new 4 KiB of code (python3's start-up
     * writes ~20 MB of code: 6,000 faults, 0.30 -> 0.24 s).  Its memory
     * then grows by 2 MiB steps, at most one step beyond what is used. */
    static int no_thp = -1;
    if (!jit_env_flag("EMU_JIT_NO_THP", &no_thp)) {
        madvise(p, size, MADV_HUGEPAGE);
    }
    return p;
}

/* Map both views of fd (the whole slot range), over the old ones if fixed. */
static void wx_map_views(int fd, bool fixed)
{
    size_t len = wx_nslots * seg_size;
    int fl = MAP_SHARED | (fixed ? MAP_FIXED : 0);
    void *rx = mmap(fixed ? wx_rx : NULL, len, PROT_READ | PROT_EXEC, fl, fd, 0);
    if (rx == MAP_FAILED) {
        wx_fail("cannot map the executable view");
    }
    void *rw = mmap(fixed ? wx_rx + jit_wx_delta : NULL, len, PROT_READ | PROT_WRITE,
                    fl, fd, 0);
    if (rw == MAP_FAILED) {
        wx_fail("cannot map the writable view");
    }
    wx_rx = rx;
    jit_wx_delta = (uint8_t *)rw - (uint8_t *)rx;
}

static void wx_init(void)
{
    wx_nslots = CLAMP(WX_SPAN / seg_size, 8, 4096);
    wx_slots = g_new0(JitSegment *, wx_nslots);
    int fd = wx_memfd();
    if (fd < 0) {
        wx_fail("memfd_create");
    }
    if (ftruncate(fd, (off_t)(wx_nslots * seg_size)) != 0) {
        wx_fail("ftruncate");
    }
    wx_map_views(fd, false);
    close(fd);
}

/* A new memfd holding what every live slot holds now (the cache must not
 * change meanwhile); -1 with errno set on failure. */
static int wx_copy(void)
{
    int fd = wx_memfd();
    if (fd < 0 || ftruncate(fd, (off_t)(wx_nslots * seg_size)) != 0) {
        goto fail;
    }
    for (size_t i = 0; i < wx_nslots; i++) {
        JitSegment *s = wx_slots[i];
        size_t done = 0;
        while (s && done < s->used) {
            ssize_t n = pwrite(fd, s->base + done, s->used - done,
                               (off_t)(i * seg_size + done));
            if (n <= 0) {
                goto fail;
            }
            done += (size_t)n;
        }
    }
    return fd;
fail:
    if (fd >= 0) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return -1;
}

static JitSegment *seg_new(void)
{
    JitSegment *s = g_new0(JitSegment, 1);
    if (wx_on) {
        while (s->slot < wx_nslots && wx_slots[s->slot]) {
            s->slot++;
        }
        if (s->slot == wx_nslots) {
            g_error("emu: split-wx code cache: all %zu segments in use", wx_nslots);
        }
        wx_slots[s->slot] = s;
        s->base = wx_rx + (size_t)s->slot * seg_size;
    } else {
        s->base = map_rwx(seg_size);
    }
    uint8_t *w = jit_rw(s->base);
    JitBuf b = { .start = w, .p = w, .end = w + SEG_HEAD, .rx_off = -jit_wx_delta };
    emit_epilogue(&b);
    g_assert(!b.overflow);
    s->used = SEG_HEAD;
    seg_register(s);
    return s;
}

static void seg_unmap(JitSegment *s)
{
    seg_deregister(s);
    if (wx_on) {
        /* give the pages back; the slot reads as zeros until reused */
        madvise(jit_rw(s->base), seg_size, MADV_REMOVE);
        wx_slots[s->slot] = NULL;
    } else {
        munmap(s->base, seg_size);
    }
    g_free(s);
}

/* ---- fork: the child must not share the cache's pages ---- */

static void cache_atfork_prepare(void)
{
    /* Runs after emu/tb.c's (registered later, so run first: tb_lock),
     * so neither translation nor chaining can change the cache now. */
    pthread_mutex_lock(&cache_lock);
    if (wx_on) {
        wx_fork_fd = wx_copy();
    }
}

static void cache_atfork_parent(void)
{
    if (wx_fork_fd >= 0) {
        close(wx_fork_fd);
        wx_fork_fd = -1;
    }
    pthread_mutex_unlock(&cache_lock);
}

static void cache_atfork_child(void)
{
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    cache_lock = fresh;
}

/* Before main, so before emu/tb.c registers its handlers at start-up:
 * glibc runs prepare handlers in reverse order, which takes the locks in
 * their usual order (tb_lock, then cache_lock). */
__attribute__((constructor)) static void cache_atfork_register(void)
{
    pthread_atfork(cache_atfork_prepare, cache_atfork_parent, cache_atfork_child);
}

void jit_cache_fork_child(void)
{
    if (!wx_on) {
        return;             /* private mappings: fork copied them */
    }
    /* Without the atfork handlers (a raw clone, linux-user/fork.c) the
     * parent may already be changing the cache: copy it as it is now. */
    int fd = wx_fork_fd >= 0 ? wx_fork_fd : wx_copy();
    if (fd < 0) {
        wx_fail("cannot copy the code cache for a fork child");
    }
    wx_map_views(fd, true);
    close(fd);
    wx_fork_fd = -1;
}

/* ---- the cache ---- */

uint8_t *jit_cache_init(void (*emit_tramp)(JitBuf *b), void (*emit_epi)(JitBuf *b))
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
        const char *wx = getenv("EMU_JIT_SPLIT_WX");
        wx_on = wx_request >= 0 ? wx_request == 1 : (wx && atoi(wx) > 0);
        if (wx_on) {
            wx_init();
        }
        /* written, then made read+execute (in both modes) */
        tramp = mmap(NULL, TRAMP_SIZE, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (tramp == MAP_FAILED) {
            g_error("emu: cannot map the JIT entry trampoline");
        }
        JitBuf b = { .start = tramp, .p = tramp, .end = tramp + TRAMP_SIZE };
        emit_tramp(&b);
        g_assert(!b.overflow);
        if (mprotect(tramp, TRAMP_SIZE, PROT_READ | PROT_EXEC) != 0) {
            g_error("emu: cannot make the JIT entry trampoline executable");
        }
        g_once_init_leave(&done, 1);
    }
    return tramp;
}

/* A new code page of a shared mapping takes two faults (a write in the
 * RW view, then the first run in the RX one), slower than an anonymous
 * one's: map the next chunk of both views at once. */
static void wx_populate(JitSegment *s)
{
    if (s->used + WX_POPULATE / 2 <= s->populated || s->populated >= seg_size) {
        return;
    }
    size_t len = MIN(WX_POPULATE, seg_size - s->populated);
    madvise(jit_rw(s->base + s->populated), len, MADV_POPULATE_WRITE);
    madvise(s->base + s->populated, len, MADV_POPULATE_READ);
    s->populated += len;
}

void jit_cache_begin(JitBuf *b, const uint8_t **epilogue)
{
    pthread_mutex_lock(&cache_lock);
    if (cur == NULL) {
        cur = seg_new();
    }
    if (wx_on) {
        wx_populate(cur);
    }
    b->start = b->p = jit_rw(cur->base + cur->used + sizeof(JitCode));
    b->end = jit_rw(cur->base + seg_size);
    b->overflow = b->p > b->end;
    b->rx_off = -jit_wx_delta;
    *epilogue = cur->base;
}

JitCode *jit_cache_commit(JitBuf *b, const JitCode *hdr)
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
    JitCode *w = (JitCode *)(void *)(b->start - sizeof(JitCode));
    *w = *hdr;
    w->seg = cur;
    w->magic = JIT_CODE_MAGIC ^ (uintptr_t)((JitCode *)jit_rx(w))->code;
    cur->used = ((size_t)((uint8_t *)jit_rx(b->p) - cur->base) + 15) & ~(size_t)15;
    cur->live++;
    pthread_mutex_unlock(&cache_lock);
    return jit_rx(w);
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
