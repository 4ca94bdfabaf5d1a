/*
 * softmmu/internal.h — shared between the softmmu files (not for others).
 *
 * Locking: mm_lock() serializes every change of the tracker, the host
 * reservation's protections and the code-page set.  Lock order: the core's
 * tb_lock before mm_lock (translation marks code pages under tb_lock), so
 * the invalidate hook is never called with mm_lock held; changes collect
 * the range to invalidate in an MMInval and flush it after unlocking.
 */
#ifndef SOFTMMU_INTERNAL_H
#define SOFTMMU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>

#include "softmmu/softmmu.h"
#include "softmmu/vma.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* The highest user address of x86_64 Linux (4-level paging): syscall
 * argument checks use it, so that e.g. munmap above guest_addr_limit
 * succeeds as on Linux although emu can map nothing there. */
#define MM_TASK_SIZE 0x7ffffffff000ULL
/* vm.max_map_count default: more ranges than this is ENOMEM. */
#define MM_MAX_MAP_COUNT 65530

extern VmaTree mm_tree;
extern uintptr_t mm_res_start;   /* guest address where the host reservation begins */

void mm_lock(void);
void mm_unlock(void);
bool mm_locked_by_me(void);

static inline void *g2h(uint64_t g) { return (void *)(guest_base + (uintptr_t)g); }
static inline uint64_t mm_page_up(uint64_t x) { return (x + GUEST_PAGE_SIZE - 1) & GUEST_PAGE_MASK; }

/* Upper end of the area non-fixed mmaps are placed in (below the stack). */
uint64_t mm_mmap_limit(void);

/* Host protection for a guest prot: never PROT_EXEC on the host; guest
 * exec or write imply host read (as x86 pages do). */
int mm_host_prot(int guest_prot);
/* Give [start, end) back to the reservation: fresh PROT_NONE, no memory. */
void mm_host_release(uint64_t start, uint64_t end);

/* ---- translated-code pages ---- */
bool mm_code_test(uint64_t page);
/* Insert; returns true if it was not marked before. */
bool mm_code_insert(uint64_t page);
/* Remove the marks in [start, end); returns true if there were any.
 * Host protections are the caller's business. */
bool mm_code_clear_range(uint64_t start, uint64_t end);
/* Like mm_code_clear_range, and restore the host protection of each page
 * that was marked to what its range's guest prot gives. */
bool mm_code_release_range_locked(uint64_t start, uint64_t end);

/* Re-apply the write protection of the marked pages in [start, end)
 * after their host protection was reset (mprotect that keeps exec). */
void mm_code_protect_range_locked(uint64_t start, uint64_t end);

/* Pending invalidation, flushed after mm_unlock(). */
typedef struct MMInval {
    uint64_t start, end;
} MMInval;
static inline void mm_inval_add(MMInval *iv, uint64_t start, uint64_t end)
{
    if (start >= end) {
        return;
    }
    if (iv->end <= iv->start) {
        iv->start = start;
        iv->end = end;
    } else {
        iv->start = start < iv->start ? start : iv->start;
        iv->end = end > iv->end ? end : iv->end;
    }
}
/* Return [start, end) to the reservation and forget it; stale code goes
 * to iv.  0 or -ENOMEM (too many ranges to split).  (mmap.c) */
int mm_unmap_locked(uint64_t start, uint64_t end, MMInval *iv);
/* Non-fixed placement of len bytes (hint, MAP_32BIT in flags); 0 = no
 * space.  (mmap.c) */
uint64_t mm_place_locked(uint64_t hint, uint64_t len, int flags);

/* ---- RLIMIT_AS / RLIMIT_DATA (limits.c) ---- */
void mm_limits_init(void);
/* Bytes mapped in [start, end). */
uint64_t mm_mapped_bytes_locked(uint64_t start, uint64_t end);
/* May the guest's address space grow by bytes (of data memory if
 * is_data)?  Linux's may_expand_vm. */
bool mm_may_expand_locked(uint64_t bytes, bool is_data);
/* May the heap span heap_bytes?  Linux's check_data_rlimit. */
bool mm_brk_within_limit(uint64_t heap_bytes);

/* Call the invalidate hook for iv (never with mm_lock held). */
void mm_inval_flush(MMInval *iv);

/* Re-apply host protections over [start, end) from the tracker (code
 * pages in it must have been released first). */
int mm_host_sync_prot_locked(uint64_t start, uint64_t end);

#endif
