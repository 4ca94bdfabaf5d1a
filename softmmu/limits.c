/*
 * softmmu/limits.c — RLIMIT_AS and RLIMIT_DATA for the guest.
 *
 * The host cannot apply these to emu (they would count its guest-memory
 * reservation), so softmmu applies them to the guest's own mappings, with
 * Linux's rules (may_expand_vm, check_data_rlimit):
 *   - any growth of the address space by n bytes fails with ENOMEM if
 *     total mapped + n > RLIMIT_AS;
 *   - growth of private writable non-stack memory (data_vm) fails if
 *     data mapped + n > RLIMIT_DATA;
 *   - brk fails if (new brk - start of the heap) + initialized data of the
 *     program > RLIMIT_DATA.
 * The totals are the tracker's (vma.c keeps them exact).  One deviation:
 * emu maps the whole RLIMIT_STACK range of the main stack up front, so it
 * counts in the total at its full size where Linux counts what was touched
 * (docs/address-space.md).  The limits start as the host's at start-up
 * (inherited, as across execve), which emu then lifts for itself, and
 * change with the guest's setrlimit; before emu execs a program it puts
 * the guest's values back on the host (mm_restore_host_rlimits), so the
 * next emu inherits them as the program would.
 */
#include <sys/resource.h>

#include "softmmu/internal.h"

static uint64_t limit_as = UINT64_MAX, limit_data = UINT64_MAX;
static uint64_t static_data_bytes;

/* Take one limit over for the guest, and lift it for emu itself as far as
 * the hard limit allows (the reservation and emu's own heap must not count
 * against the guest's limit). */
static uint64_t take_over(int res)
{
    struct rlimit r;
    if (getrlimit(res, &r) != 0 || r.rlim_cur == RLIM_INFINITY) {
        return UINT64_MAX;
    }
    uint64_t guest = r.rlim_cur;
    r.rlim_cur = r.rlim_max;
    setrlimit(res, &r);
    return guest;
}

void mm_limits_init(void)
{
    limit_as = take_over(RLIMIT_AS);
    limit_data = take_over(RLIMIT_DATA);
}

void mm_lift_host_rlimits(void)
{
    struct rlimit r;
    for (int res = 0; res < 2; res++) {
        int which = res ? RLIMIT_DATA : RLIMIT_AS;
        if (getrlimit(which, &r) == 0 && r.rlim_cur != r.rlim_max) {
            r.rlim_cur = r.rlim_max;
            setrlimit(which, &r);
        }
    }
}

void mm_restore_host_rlimits(void)
{
    struct rlimit r;
    if (limit_as != UINT64_MAX && getrlimit(RLIMIT_AS, &r) == 0) {
        r.rlim_cur = limit_as < r.rlim_max ? limit_as : r.rlim_max;
        setrlimit(RLIMIT_AS, &r);
    }
    if (limit_data != UINT64_MAX && getrlimit(RLIMIT_DATA, &r) == 0) {
        r.rlim_cur = limit_data < r.rlim_max ? limit_data : r.rlim_max;
        setrlimit(RLIMIT_DATA, &r);
    }
}

void mm_set_rlimits(uint64_t as, uint64_t data)
{
    mm_lock();
    limit_as = as;
    limit_data = data;
    mm_unlock();
}

void mm_get_rlimits(uint64_t *as, uint64_t *data)
{
    mm_lock();
    *as = limit_as;
    *data = limit_data;
    mm_unlock();
}

void mm_brk_set_static_data(uint64_t bytes)
{
    static_data_bytes = bytes;
}

uint64_t mm_mapped_bytes_locked(uint64_t start, uint64_t end)
{
    uint64_t n = 0;
    for (Vma *v = vma_find_next(&mm_tree, start); v && v->start < end;
         v = vma_find_next(&mm_tree, v->end)) {
        uint64_t s = v->start > start ? v->start : start;
        uint64_t e = v->end < end ? v->end : end;
        n += e - s;
    }
    return n;
}

bool mm_may_expand_locked(uint64_t bytes, bool is_data)
{
    if (bytes > limit_as || mm_tree.total_bytes > limit_as - bytes) {
        return false;
    }
    if (is_data && (bytes > limit_data || mm_tree.data_bytes > limit_data - bytes)) {
        return false;
    }
    return true;
}

bool mm_brk_within_limit(uint64_t heap_bytes)
{
    return limit_data == UINT64_MAX ||
           (heap_bytes <= limit_data && static_data_bytes <= limit_data - heap_bytes);
}
