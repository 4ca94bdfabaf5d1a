/*
 * softmmu/space.c — the host reservation behind guest memory, the layout,
 * the code-page set and host fault classification.
 *
 * Guest address g lives at host address guest_base + g.  mm_init() reserves
 * [GUEST_MMAP_MIN_ADDR, guest_addr_limit) at guest_base 0 when the host
 * layout allows (a PIE emu, its heap and libraries live above 2^46), else
 * anywhere (sanitizer builds) with a nonzero base; the whole reservation is
 * PROT_NONE + MAP_NORESERVE, so it costs neither memory nor commit charge.
 * Host protections of mapped guest ranges follow the tracker (see
 * mm_host_prot), except that guest-writable pages holding translated code
 * are kept host read-only so a guest store into them faults here first.
 * See docs/address-space.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "emu/log.h"
#include "softmmu/internal.h"

uintptr_t guest_base;
uint64_t guest_addr_limit = GUEST_ADDR_LIMIT_DEFAULT;
uintptr_t mm_res_start;
VmaTree mm_tree;

static bool mm_ready;
static uint64_t mm_stack_gap;      /* address space kept free below the stack top */
static uint64_t mm_growsdown_limit = 8ULL << 20; /* RLIMIT_STACK at start-up, for MAP_GROWSDOWN */
static MMInvalidateFn mm_invalidate_hook;

/* ---- lock ---- */

static pthread_mutex_t mm_mutex = PTHREAD_MUTEX_INITIALIZER;
static __thread int mm_lock_owner;   /* this thread holds mm_mutex */

void mm_lock(void)
{
    pthread_mutex_lock(&mm_mutex);
    mm_lock_owner = 1;
}

void mm_unlock(void)
{
    mm_lock_owner = 0;
    pthread_mutex_unlock(&mm_mutex);
}

bool mm_locked_by_me(void)
{
    return mm_lock_owner != 0;
}

/* ---- reservation and layout ---- */

static void *mm_try_reserve(void *want, uint64_t size, int extra)
{
    void *p = mmap(want, size, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | extra, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

int mm_init(void)
{
    if (mm_ready) {
        return 0;
    }
    uint64_t limit = GUEST_ADDR_LIMIT_DEFAULT;
    void *want = (void *)(uintptr_t)GUEST_MMAP_MIN_ADDR;
    mm_limits_init();      /* before reserving: RLIMIT_AS would refuse it */
    /* EMU_MM_NO_IDENTITY=1 forces the nonzero-base variant (for tests). */
    const char *no_id = getenv("EMU_MM_NO_IDENTITY");
    void *p = NULL;
    if (no_id == NULL || strcmp(no_id, "1") != 0) {
        p = mm_try_reserve(want, limit - GUEST_MMAP_MIN_ADDR, MAP_FIXED_NOREPLACE);
    }
    if (p == want) {
        /* Identity: guest address == host address. */
        guest_base = 0;
        mm_res_start = GUEST_MMAP_MIN_ADDR;
    } else {
        if (p) {
            /* Old kernel: MAP_FIXED_NOREPLACE taken as a mere hint. */
            munmap(p, limit - GUEST_MMAP_MIN_ADDR);
        }
        /* Anywhere, shrinking the guest space until it fits. */
        for (p = NULL; limit >= (1ULL << 35); limit >>= 1) {
            p = mm_try_reserve(NULL, limit, 0);
            if (p) {
                break;
            }
        }
        if (p == NULL) {
            emu_error("cannot reserve host address space for guest memory: %s", strerror(errno));
            return -ENOMEM;
        }
        guest_base = (uintptr_t)p;
        mm_res_start = 0;
    }
    guest_addr_limit = limit;

    /* Keep the stack's room free of mmaps, like Linux's mmap_base gap:
     * RLIMIT_STACK clamped to [128 MiB, limit/6], plus a 1 MiB guard. */
    struct rlimit rl;
    uint64_t stack = 8ULL << 20;
    if (getrlimit(RLIMIT_STACK, &rl) == 0) {
        stack = rl.rlim_cur == RLIM_INFINITY ? limit / 6 : rl.rlim_cur;
        mm_growsdown_limit = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : rl.rlim_cur;
    }
    if (stack < (128ULL << 20)) {
        stack = 128ULL << 20;
    }
    if (stack > limit / 6) {
        stack = limit / 6;
    }
    mm_stack_gap = ((stack + (1ULL << 20)) + GUEST_PAGE_SIZE - 1) & GUEST_PAGE_MASK;

    vma_tree_init(&mm_tree, GUEST_MMAP_MIN_ADDR);
    /* A fork (guest fork, or any host fork) must not copy the lock held
     * by another thread mid-change. */
    pthread_atfork(mm_lock, mm_unlock, mm_unlock);
    mm_ready = true;
    if (emu_log_enabled(LOG_PAGE)) {
        qemu_log("page: guest space [0, 0x%" PRIx64 ") at host base 0x%" PRIxPTR
                 "%s; mmap base 0x%" PRIx64 ", stack top 0x%" PRIx64 "\n",
                 guest_addr_limit, guest_base, guest_base ? "" : " (identity)",
                 mm_mmap_base(), mm_stack_top());
    }
    return 0;
}

/* Layout points scale with the limit; for the default 64 TiB they are
 * mmap base 16 TiB, interpreter 8 TiB, PIE ~5.3 TiB, stack top limit-64K. */
uint64_t mm_mmap_base(void)   { return guest_addr_limit / 4; }
uint64_t mm_interp_base(void) { return guest_addr_limit / 8; }
uint64_t mm_pie_base(void)    { return (guest_addr_limit / 12) & ~0xffffULL; }
uint64_t mm_stack_top(void)   { return guest_addr_limit - 16 * GUEST_PAGE_SIZE; }
uint64_t mm_mmap_limit(void)  { return mm_stack_top() - mm_stack_gap; }

void mm_set_invalidate_hook(MMInvalidateFn fn)
{
    mm_invalidate_hook = fn;
}

void mm_inval_flush(MMInval *iv)
{
    if (iv->end > iv->start && mm_invalidate_hook) {
        mm_invalidate_hook(iv->start, iv->end);
    }
    iv->start = iv->end = 0;
}

/* ---- host protections ---- */

int mm_host_prot(int guest_prot)
{
    int h = guest_prot & (PROT_READ | PROT_WRITE);
    if (guest_prot & (PROT_EXEC | PROT_WRITE)) {
        h |= PROT_READ;
    }
    return h;
}

void mm_host_release(uint64_t start, uint64_t end)
{
    if (start < mm_res_start) {
        start = mm_res_start;
    }
    if (end > guest_addr_limit) {
        end = guest_addr_limit;
    }
    if (start >= end) {
        return;
    }
    void *p = mmap(g2h(start), end - start, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    if (p == MAP_FAILED) {
        /* Cannot happen short of host exhaustion; at least drop the pages. */
        madvise(g2h(start), end - start, MADV_DONTNEED);
        mprotect(g2h(start), end - start, PROT_NONE);
    }
}

int mm_host_sync_prot_locked(uint64_t start, uint64_t end)
{
    uint64_t a = start;
    while (a < end) {
        Vma *v = vma_find_next(&mm_tree, a);
        if (v == NULL || v->start >= end) {
            break;
        }
        uint64_t s = v->start > a ? v->start : a;
        uint64_t e = v->end < end ? v->end : end;
        if (mprotect(g2h(s), e - s, mm_host_prot(v->prot)) != 0) {
            return -errno;
        }
        a = e;
    }
    return 0;
}

/* ---- code-page set ----
 * Open addressing over page numbers, so that the fault handler can test
 * and remove without allocating (removal leaves a tombstone).  Growth only
 * happens in mm_code_insert, under mm_lock, outside signal context. */

#define CODE_EMPTY 0
#define CODE_TOMB  UINT64_MAX
static uint64_t *code_tab;     /* key = page number + 1 */
static size_t code_cap;        /* power of two */
static size_t code_used;       /* live keys */
static size_t code_filled;     /* live keys + tombstones */

static inline size_t code_hash(uint64_t key, size_t mask)
{
    key *= 0x9e3779b97f4a7c15ULL;
    return (size_t)(key >> 20) & mask;
}

/* Slot index of key, or -1. */
static long code_find(uint64_t key)
{
    if (code_cap == 0) {
        return -1;
    }
    size_t mask = code_cap - 1;
    for (size_t i = code_hash(key, mask), n = 0; n < code_cap; i = (i + 1) & mask, n++) {
        if (code_tab[i] == key) {
            return (long)i;
        }
        if (code_tab[i] == CODE_EMPTY) {
            return -1;
        }
    }
    return -1;
}

bool mm_code_test(uint64_t page)
{
    return code_find((page / GUEST_PAGE_SIZE) + 1) >= 0;
}

static void code_remove_key(uint64_t key)
{
    long s = code_find(key);
    if (s >= 0) {
        code_tab[s] = CODE_TOMB;
        code_used--;
    }
}

static void code_rehash(size_t cap)
{
    uint64_t *old = code_tab;
    size_t old_cap = code_cap;
    code_tab = calloc(cap, sizeof(uint64_t));
    if (code_tab == NULL) {
        emu_error("out of memory (code-page set)");
        abort();
    }
    code_cap = cap;
    code_used = code_filled = 0;
    for (size_t i = 0; i < old_cap; i++) {
        uint64_t k = old[i];
        if (k != CODE_EMPTY && k != CODE_TOMB) {
            size_t j = code_hash(k, cap - 1);
            while (code_tab[j] != CODE_EMPTY) {
                j = (j + 1) & (cap - 1);
            }
            code_tab[j] = k;
            code_used++;
            code_filled++;
        }
    }
    free(old);
}

bool mm_code_insert(uint64_t page)
{
    uint64_t key = (page / GUEST_PAGE_SIZE) + 1;
    if (code_find(key) >= 0) {
        return false;
    }
    if ((code_filled + 1) * 4 > code_cap * 3) {
        size_t cap = code_cap ? code_cap : 256;
        while ((code_used + 1) * 2 > cap) {
            cap *= 2;
        }
        code_rehash(cap);
    }
    size_t mask = code_cap - 1;
    size_t i = code_hash(key, mask);
    while (code_tab[i] != CODE_EMPTY && code_tab[i] != CODE_TOMB) {
        i = (i + 1) & mask;
    }
    if (code_tab[i] == CODE_EMPTY) {
        code_filled++;
    }
    code_tab[i] = key;
    code_used++;
    return true;
}

/* Visit the marked pages in [start, end): probe page by page when the
 * range is small, else scan the table (a 6 GiB munmap must not walk 1.5M
 * pages).  fn may remove the visited key. */
static bool code_foreach_in(uint64_t start, uint64_t end, void (*fn)(uint64_t page))
{
    bool any = false;
    if (code_used == 0 || start >= end) {
        return false;
    }
    uint64_t first = start / GUEST_PAGE_SIZE, last = (end - 1) / GUEST_PAGE_SIZE;
    if (last - first + 1 <= code_cap) {
        for (uint64_t p = first; p <= last; p++) {
            if (code_find(p + 1) >= 0) {
                any = true;
                fn(p * GUEST_PAGE_SIZE);
            }
        }
    } else {
        for (size_t i = 0; i < code_cap; i++) {
            uint64_t k = code_tab[i];
            if (k != CODE_EMPTY && k != CODE_TOMB && k - 1 >= first && k - 1 <= last) {
                any = true;
                fn((k - 1) * GUEST_PAGE_SIZE);
            }
        }
    }
    return any;
}

static void code_drop_page(uint64_t page)
{
    code_remove_key(page / GUEST_PAGE_SIZE + 1);
}

static void code_release_page(uint64_t page)
{
    code_remove_key(page / GUEST_PAGE_SIZE + 1);
    Vma *v = vma_lookup(&mm_tree, page);
    if (v) {
        mprotect(g2h(page), GUEST_PAGE_SIZE, mm_host_prot(v->prot));
    }
}

static void code_protect_page(uint64_t page)
{
    Vma *v = vma_lookup(&mm_tree, page);
    if (v && (v->prot & PROT_WRITE)) {
        mprotect(g2h(page), GUEST_PAGE_SIZE, mm_host_prot(v->prot) & ~PROT_WRITE);
    }
}

void mm_code_protect_range_locked(uint64_t start, uint64_t end)
{
    code_foreach_in(start, end, code_protect_page);
}

bool mm_code_clear_range(uint64_t start, uint64_t end)
{
    return code_foreach_in(start, end, code_drop_page);
}

bool mm_code_release_range_locked(uint64_t start, uint64_t end)
{
    return code_foreach_in(start, end, code_release_page);
}

/* ---- host faults ----
 * Runs in the host SIGSEGV/SIGBUS handler: no allocation.  Taking mm_mutex
 * is safe because a thread faulting on guest memory does not hold it, and
 * one that does (a softmmu copy under the lock) is detected by the
 * thread-local owner flag. */

/*
 * A fault in the hole below a MAP_GROWSDOWN mapping grows it, as Linux's
 * expand_stack does: private anonymous only, the new size within
 * RLIMIT_STACK (as emu started with it) and RLIMIT_AS, and not closer than
 * Linux's stack_guard_gap (256 pages) to an accessible mapping below.
 * Returns true if [page, v->start) is now part of v.
 */
#define MM_STACK_GUARD_GAP (256 * GUEST_PAGE_SIZE)

static bool mm_grow_down_locked(Vma *v, uint64_t page)
{
    if (!(v->flags & MAP_GROWSDOWN) || v->file || (v->flags & MAP_SHARED) ||
        page < GUEST_MMAP_MIN_ADDR) {
        return false;
    }
    if (v->end - page > mm_growsdown_limit || !mm_may_expand_locked(v->start - page, false)) {
        return false;
    }
    Vma *p = vma_find_prev(&mm_tree, v->start);
    if (p && !(p->flags & MAP_GROWSDOWN) && p->prot != PROT_NONE &&
        page - p->end < MM_STACK_GUARD_GAP) {
        return false;
    }
    if (mprotect(g2h(page), v->start - page, mm_host_prot(v->prot)) != 0) {
        return false;
    }
    return vma_extend_down(&mm_tree, v, page);
}

static __thread uint64_t mm_retry_addr = UINT64_MAX;
static __thread int mm_retry_count;

MMFaultResult mm_handle_host_fault(uintptr_t haddr, bool is_write, uint64_t *gaddr, int *si_code)
{
    /* Inside a guarded copy (access.c, which holds mm_lock): the copy
     * fails, this does not return. */
    mm_probe_fault();
    if (!mm_ready || haddr < guest_base || haddr - guest_base >= guest_addr_limit) {
        return MM_FAULT_NOT_GUEST;
    }
    uint64_t g = haddr - guest_base;
    uint64_t page = g & GUEST_PAGE_MASK;
    bool own = !mm_locked_by_me();
    *gaddr = g;
    if (own) {
        mm_lock();
    }
    MMFaultResult r;
    Vma *v = vma_lookup(&mm_tree, g);
    Vma *above = v ? NULL : vma_find_next(&mm_tree, g);
    if (v == NULL && above && mm_grow_down_locked(above, page)) {
        r = MM_FAULT_RETRY;
    } else if (v == NULL) {
        *si_code = SEGV_MAPERR;
        r = MM_FAULT_SEGV;
    } else if (is_write ? !(v->prot & PROT_WRITE) : v->prot == PROT_NONE) {
        *si_code = SEGV_ACCERR;
        r = MM_FAULT_SEGV;
    } else if (is_write && mm_code_test(page)) {
        /* A store into translated code: unprotect now, drop the stale
         * translations below (after unlocking), then retry the store. */
        code_drop_page(page);
        mprotect(g2h(page), GUEST_PAGE_SIZE, mm_host_prot(v->prot));
        if (own) {
            mm_unlock();
        }
        if (mm_invalidate_hook) {
            mm_invalidate_hook(page, page + GUEST_PAGE_SIZE);
        }
        return MM_FAULT_RETRY;
    } else if (v->file) {
        /* Permitted, yet the host refused: past the end of the file (or
         * of a shared anonymous object grown by mremap). */
        *si_code = BUS_ADRERR;
        r = MM_FAULT_BUS;
    } else if (g == mm_retry_addr && ++mm_retry_count > 3) {
        /* Re-applying did not help: do not loop forever. */
        *si_code = SEGV_ACCERR;
        r = MM_FAULT_SEGV;
    } else {
        /* Permitted anonymous memory: host protection was stale (a racing
         * change); re-apply it and retry. */
        if (g != mm_retry_addr) {
            mm_retry_addr = g;
            mm_retry_count = 0;
        }
        int hp = mm_host_prot(v->prot);
        if (mm_code_test(page)) {
            hp &= ~PROT_WRITE;
        }
        mprotect(g2h(page), GUEST_PAGE_SIZE, hp);
        r = MM_FAULT_RETRY;
    }
    if (own) {
        mm_unlock();
    }
    return r;
}
