/*
 * softmmu/procmaps.c — the guest's /proc/self/maps and /proc/self/smaps
 * text, from the tracker (the guest's view, never emu's own mappings).
 *
 * maps is exact (Linux's show_map_vma format).  smaps adds per-range
 * sizes: Size from the tracker, Rss from the host's residency of the same
 * pages (mincore), counted as private dirty memory for private ranges and
 * shared clean for shared ones; there is no swap, no huge page and no
 * locking to report.  Programs that read smaps to size their heap or
 * their code (allocators, runtimes, profilers) see the guest's ranges with
 * plausible numbers; the numbers are the host's, so not reproducible.
 */
#include <glib.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>

#include "softmmu/internal.h"

/* The maps line of v into s: the name, if any, starts in column 74 (the
 * prefix is padded to 72 characters, then one space). */
static void maps_line(GString *s, const Vma *v)
{
    size_t line = s->len;
    g_string_append_printf(s, "%08" PRIx64 "-%08" PRIx64 " %c%c%c%c %08" PRIx64
                           " %02x:%02x %" PRIu64 " ",
                           v->start, v->end,
                           v->prot & PROT_READ ? 'r' : '-',
                           v->prot & PROT_WRITE ? 'w' : '-',
                           v->prot & PROT_EXEC ? 'x' : '-',
                           v->flags & MAP_SHARED ? 's' : 'p',
                           v->file ? v->offset : 0,
                           major(v->dev), minor(v->dev), v->inode);
    if (v->name) {
        while (s->len - line < 72) {
            g_string_append_c(s, ' ');
        }
        g_string_append_c(s, ' ');
        g_string_append(s, v->name);
    }
    g_string_append_c(s, '\n');
}

char *mm_format_maps(void)
{
    GString *s = g_string_new(NULL);
    mm_lock();
    for (Vma *v = vma_first(&mm_tree); v; v = vma_next(&mm_tree, v)) {
        maps_line(s, v);
    }
    mm_unlock();
    return g_string_free(s, false);
}

/* Resident bytes of guest [start, end) on the host. */
static uint64_t resident_bytes(uint64_t start, uint64_t end)
{
    unsigned char vec[256];
    uint64_t n = 0;
    for (uint64_t a = start; a < end;) {
        uint64_t pages = (end - a) / GUEST_PAGE_SIZE;
        if (pages > sizeof(vec)) {
            pages = sizeof(vec);
        }
        if (mincore(g2h(a), pages * GUEST_PAGE_SIZE, vec) != 0) {
            break;
        }
        for (uint64_t i = 0; i < pages; i++) {
            n += (vec[i] & 1) ? GUEST_PAGE_SIZE : 0;
        }
        a += pages * GUEST_PAGE_SIZE;
    }
    return n;
}

typedef struct SmapsSums {
    uint64_t size, rss, shared, private_, anon;
} SmapsSums;

static void smaps_fields(GString *s, const SmapsSums *t, bool with_size)
{
    const uint64_t k = 1024;
    if (with_size) {
        g_string_append_printf(s, "Size:           %8" PRIu64 " kB\n", t->size / k);
        g_string_append_printf(s, "KernelPageSize: %8d kB\n", 4);
        g_string_append_printf(s, "MMUPageSize:    %8d kB\n", 4);
    }
    g_string_append_printf(s, "Rss:            %8" PRIu64 " kB\n", t->rss / k);
    g_string_append_printf(s, "Pss:            %8" PRIu64 " kB\n", t->rss / k);
    g_string_append_printf(s, "Pss_Dirty:      %8" PRIu64 " kB\n", t->private_ / k);
    g_string_append_printf(s, "Shared_Clean:   %8" PRIu64 " kB\n", t->shared / k);
    g_string_append_printf(s, "Shared_Dirty:   %8d kB\n", 0);
    g_string_append_printf(s, "Private_Clean:  %8d kB\n", 0);
    g_string_append_printf(s, "Private_Dirty:  %8" PRIu64 " kB\n", t->private_ / k);
    g_string_append_printf(s, "Referenced:     %8" PRIu64 " kB\n", t->rss / k);
    g_string_append_printf(s, "Anonymous:      %8" PRIu64 " kB\n", t->anon / k);
    static const char *const zero[] = {
        "KSM", "LazyFree", "AnonHugePages", "ShmemPmdMapped", "FilePmdMapped",
        "Shared_Hugetlb", "Private_Hugetlb", "Swap", "SwapPss", "Locked",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(zero); i++) {
        g_string_append_printf(s, "%s:%*s%8d kB\n", zero[i], (int)(15 - strlen(zero[i])), "", 0);
    }
}

char *mm_format_smaps(bool rollup)
{
    GString *s = g_string_new(NULL);
    SmapsSums all = { 0 };
    uint64_t lo = 0, hi = 0;
    mm_lock();
    for (Vma *v = vma_first(&mm_tree); v; v = vma_next(&mm_tree, v)) {
        SmapsSums t = { .size = v->end - v->start, .rss = resident_bytes(v->start, v->end) };
        bool shared = (v->flags & MAP_SHARED) != 0;
        t.shared = shared ? t.rss : 0;
        t.private_ = shared ? 0 : t.rss;
        t.anon = (!shared && !v->file) ? t.rss : 0;
        all.size += t.size;
        all.rss += t.rss;
        all.shared += t.shared;
        all.private_ += t.private_;
        all.anon += t.anon;
        lo = lo ? lo : v->start;
        hi = v->end;
        if (rollup) {
            continue;
        }
        maps_line(s, v);
        smaps_fields(s, &t, true);
        g_string_append_printf(s, "THPeligible:    %8d\n", 0);
        g_string_append(s, "VmFlags:");
        if (v->prot & PROT_READ) {
            g_string_append(s, " rd");
        }
        if (v->prot & PROT_WRITE) {
            g_string_append(s, " wr");
        }
        if (v->prot & PROT_EXEC) {
            g_string_append(s, " ex");
        }
        if (shared) {
            g_string_append(s, " sh");
        }
        g_string_append(s, (v->flags & VMA_F_NOMAYWRITE) ? " mr me" : " mr mw me");
        if (shared) {
            g_string_append(s, " ms");
        }
        if (v->flags & MAP_GROWSDOWN) {
            g_string_append(s, " gd");
        }
        if (vma_desc_is_data(v->prot, v->flags, v->name)) {
            g_string_append(s, " ac");
        }
        g_string_append(s, "\n");
    }
    mm_unlock();
    if (rollup) {
        g_string_append_printf(s, "%08" PRIx64 "-%08" PRIx64 " ---p 00000000 00:00 0"
                               "                          [rollup]\n", lo, hi);
        smaps_fields(s, &all, false);
    }
    return g_string_free(s, false);
}
