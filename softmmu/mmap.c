/*
 * softmmu/mmap.c — the guest's memory syscalls over the tracker and the
 * host reservation: mmap, munmap, mprotect, mremap, brk, madvise, msync,
 * mlock, mincore, with Linux's argument checks and errno.
 *
 * Every change follows the same order: validate, take mm_lock, change the
 * host mapping (host mmap/mprotect/mremap inside the reservation), then the
 * tracker, collect the range whose translated code is stale, unlock, call
 * the invalidate hook.  Unmapped guest memory goes back to the reservation
 * at once (fresh PROT_NONE anonymous memory), so the host frees its pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "emu/log.h"
#include "softmmu/internal.h"

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_UNINITIALIZED
#define MAP_UNINITIALIZED 0x4000000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef PROT_SEM
#define PROT_SEM 0x8
#endif
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101
#endif
#define MM_MAP_TYPE 0x0f

#define MM_MAP_DROPPABLE 0x08       /* 6.11+: private anonymous, may be dropped */
#define MM_MAP_ABOVE4G 0x80
#define MM_MAP_HUGE_BITS 0x7c000000  /* MAP_HUGE_2MB | MAP_HUGE_1GB */

/* Flags MAP_SHARED_VALIDATE accepts (Linux's LEGACY_MAP_MASK; note that
 * MAP_FIXED_NOREPLACE is not among them). */
#define MM_LEGACY_MAP_MASK (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | \
                            MAP_DENYWRITE | MAP_EXECUTABLE | MAP_UNINITIALIZED | \
                            MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | \
                            MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | \
                            MAP_32BIT | MM_MAP_ABOVE4G | MM_MAP_HUGE_BITS)

static uint64_t brk_start, brk_cur;
static uint64_t shanon_next_inode = 1;

/* ---- logging ---- */

static const char *prot_str(int prot, char buf[4])
{
    buf[0] = prot & PROT_READ ? 'r' : '-';
    buf[1] = prot & PROT_WRITE ? 'w' : '-';
    buf[2] = prot & PROT_EXEC ? 'x' : '-';
    buf[3] = 0;
    return buf;
}

#define PAGE_LOG(...) do { if (emu_log_enabled(LOG_PAGE)) { qemu_log(__VA_ARGS__); } } while (0)

/* ---- helpers (mm_lock held) ---- */

/* Guest-visible flags kept in the tracker (the rest are one-shot). */
static int mm_vma_flags(int flags)
{
    int type = (flags & MM_MAP_TYPE) == MAP_PRIVATE ? MAP_PRIVATE : MAP_SHARED;
    return type | (flags & (MAP_ANONYMOUS | MAP_GROWSDOWN));
}

static VmaDesc mm_desc_of(const Vma *v, uint64_t at)
{
    VmaDesc d = {
        .prot = v->prot, .flags = v->flags, .dev = v->dev, .inode = v->inode,
        .name = v->name, .file = v->file,
        .offset = v->file ? v->offset + (at - v->start) : 0,
    };
    return d;
}

/* Return [start, end) to the reservation and forget it.  Stale code in it
 * is added to iv.  Returns 0 or -ENOMEM (too many ranges to split). */
int mm_unmap_locked(uint64_t start, uint64_t end, MMInval *iv)
{
    if (end > guest_addr_limit) {
        end = guest_addr_limit;
    }
    if (start >= end) {
        return 0;
    }
    Vma *v = vma_lookup(&mm_tree, start);
    if (v && v->start < start && v->end > end && vma_count(&mm_tree) >= MM_MAX_MAP_COUNT) {
        return -ENOMEM;
    }
    if (mm_code_clear_range(start, end)) {
        mm_inval_add(iv, start, end);
    }
    /* Release maximal runs of mapped pages, one host call each. */
    uint64_t run_s = 0, run_e = 0;
    for (v = vma_find_next(&mm_tree, start); v && v->start < end; v = vma_find_next(&mm_tree, v->end)) {
        uint64_t s = v->start > start ? v->start : start;
        uint64_t e = v->end < end ? v->end : end;
        if (run_e != s) {
            mm_host_release(run_s, run_e);
            run_s = s;
        }
        run_e = e;
    }
    mm_host_release(run_s, run_e);
    vma_remove_range(&mm_tree, start, end);
    return 0;
}

/* Non-fixed placement: the hint if [hint, hint+len) is free, else the
 * lowest fitting gap at or above mm_mmap_base(), else the lowest fitting
 * gap anywhere; always below the stack's room.  0 = no space. */
uint64_t mm_place_locked(uint64_t hint, uint64_t len, int flags)
{
    uint64_t a, lim = mm_mmap_limit();
    if (len > lim) {
        return 0;
    }
    if (flags & MAP_32BIT) {
        /* x86_64 Linux: the second GiB, lowest first. */
        return vma_find_free(&mm_tree, 0x40000000, len, 0x80000000, &a) ? a : 0;
    }
    if (hint) {
        hint = mm_page_up(hint);
        if (hint < GUEST_MMAP_MIN_ADDR) {
            hint = GUEST_MMAP_MIN_ADDR;
        }
        if (hint <= guest_addr_limit - len && vma_range_free(&mm_tree, hint, hint + len)) {
            return hint;
        }
    }
    if (vma_find_free(&mm_tree, mm_mmap_base(), len, lim, &a) ||
        vma_find_free(&mm_tree, GUEST_MMAP_MIN_ADDR, len, lim, &a)) {
        return a;
    }
    return 0;
}

/* Host-map [addr, addr+len) as described and record it, replacing what
 * was there.  fd < 0: anonymous. */
static int mm_map_locked(uint64_t addr, uint64_t len, int prot, bool shared, int fd,
                         uint64_t offset, const VmaDesc *d, MMInval *iv)
{
    uint64_t end = addr + len;
    int hflags = MAP_FIXED | (shared ? MAP_SHARED : MAP_PRIVATE | MAP_NORESERVE);
    if (fd < 0) {
        hflags |= MAP_ANONYMOUS;
        offset = 0;
    }
    bool was_free = vma_range_free(&mm_tree, addr, end);
    void *p = mmap(g2h(addr), len, mm_host_prot(prot), hflags, fd, (off_t)offset);
    if (p == MAP_FAILED) {
        int err = -errno;
        if (was_free) {
            mm_host_release(addr, end);
        }
        return err;
    }
    if (!was_free) {
        if (mm_code_clear_range(addr, end)) {
            mm_inval_add(iv, addr, end);
        }
        vma_remove_range(&mm_tree, addr, end);
    }
    vma_insert(&mm_tree, addr, end, d);
    return 0;
}

/* /proc/self/fd/N's target, as Linux names file mappings. */
static char *mm_fd_path(int fd)
{
    char link[64], buf[4096];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, buf, sizeof(buf) - 1);
    if (n <= 0) {
        return NULL;
    }
    buf[n] = 0;
    return strdup(buf);
}

static int64_t mm_do_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd,
                          uint64_t offset, const char *name)
{
    bool anon = (flags & MAP_ANONYMOUS) != 0;
    int type = flags & MM_MAP_TYPE;
    struct stat st;
    int acc = 0;

    if (offset & ~GUEST_PAGE_MASK) {
        return -EINVAL;
    }
    if (!anon) {
        if (fd < 0 || fstat(fd, &st) != 0) {
            return -EBADF;
        }
        acc = fcntl(fd, F_GETFL);
        if (acc < 0 || (acc & O_PATH)) {
            return -EBADF;
        }
    }
    if (len == 0) {
        return -EINVAL;
    }
    if (type == MM_MAP_DROPPABLE && anon) {
        type = MAP_PRIVATE;          /* emu never drops it: still correct */
    } else if (type != MAP_SHARED && type != MAP_PRIVATE &&
               !(type == MAP_SHARED_VALIDATE && !anon)) {
        return -EINVAL;
    }
    if (type == MAP_SHARED_VALIDATE &&
        ((flags & ~MM_LEGACY_MAP_MASK) || (flags & MAP_SYNC))) {
        return -EOPNOTSUPP;
    }
    bool shared = type != MAP_PRIVATE;
    if (flags & MAP_FIXED_NOREPLACE) {
        flags |= MAP_FIXED;
    }
    uint64_t alen = mm_page_up(len);
    if (alen < len || alen == 0) {
        return -ENOMEM;
    }
    if (!anon && offset + alen < offset) {
        return -EOVERFLOW;
    }
    if (flags & MAP_FIXED) {
        if (addr & ~GUEST_PAGE_MASK) {
            return -EINVAL;
        }
        if (alen > MM_TASK_SIZE || addr > MM_TASK_SIZE - alen) {
            return -ENOMEM;
        }
        if (addr < GUEST_MMAP_MIN_ADDR) {
            return -EPERM;
        }
        if (addr + alen > guest_addr_limit) {
            /* Linux could map up to 128 TiB; emu's guest space ends here. */
            return -ENOMEM;
        }
    }

    if (flags & MAP_HUGETLB) {
        /* Whether huge pages are available is the host's to say (usually
         * ENOMEM: none reserved); if they are, emu backs the mapping with
         * ordinary pages. */
        void *probe = mmap(NULL, alen, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
                           MAP_HUGETLB | (flags & MM_MAP_HUGE_BITS), -1, 0);
        if (probe == MAP_FAILED) {
            return -errno;
        }
        munmap(probe, alen);
    }

    VmaDesc d = { .prot = prot & (PROT_READ | PROT_WRITE | PROT_EXEC),
                  .flags = mm_vma_flags(flags), .name = name };
    char *path = NULL;
    if (!anon) {
        if (S_ISDIR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
            return -ENODEV;
        }
        int mode = acc & O_ACCMODE;
        if (mode == O_WRONLY) {
            return -EACCES;
        }
        if (shared && (prot & PROT_WRITE) && mode != O_RDWR) {
            return -EACCES;
        }
        if (shared && mode != O_RDWR) {
            d.flags |= VMA_F_NOMAYWRITE;
        }
        d.file = true;
        d.offset = offset;
        d.dev = st.st_dev;
        d.inode = st.st_ino;
        if (name == NULL) {
            d.name = path = mm_fd_path(fd);
        }
    } else if (shared) {
        if (flags & MAP_GROWSDOWN) {
            return -EINVAL;
        }
        /* Its own shmem object, as Linux shows it. */
        d.file = true;
        d.flags |= VMA_F_SHANON;
        d.dev = makedev(0, 1);
        if (name == NULL) {
            d.name = "/dev/zero (deleted)";
        }
    }

    MMInval iv = { 0, 0 };
    int64_t ret;
    mm_lock();
    if (vma_count(&mm_tree) >= MM_MAX_MAP_COUNT) {
        ret = -ENOMEM;
        goto out;
    }
    if (!(flags & MAP_FIXED)) {
        addr = mm_place_locked(addr, alen, flags);
        if (addr == 0) {
            ret = -ENOMEM;
            goto out;
        }
    } else if ((flags & MAP_FIXED_NOREPLACE) && !vma_range_free(&mm_tree, addr, addr + alen)) {
        ret = -EEXIST;
        goto out;
    }
    /* RLIMIT_AS/DATA: what the mapping adds (MAP_FIXED replaces). */
    uint64_t grow = alen - ((flags & MAP_FIXED) ? mm_mapped_bytes_locked(addr, addr + alen) : 0);
    if (!mm_may_expand_locked(grow, vma_desc_is_data(d.prot, d.flags, d.name))) {
        ret = -ENOMEM;
        goto out;
    }
    if (anon && shared) {
        d.inode = shanon_next_inode++;
    }
    ret = mm_map_locked(addr, alen, d.prot, shared, anon ? -1 : fd, offset, &d, &iv);
    if (ret == 0) {
        ret = (int64_t)addr;
    }
out:
    mm_unlock();
    mm_inval_flush(&iv);
    free(path);
    if (emu_log_enabled(LOG_PAGE)) {
        char pb[4];
        qemu_log("page: mmap(0x%" PRIx64 ", 0x%" PRIx64 ", %s, 0x%x, %d, 0x%" PRIx64 ") = %s0x%" PRIx64
                 " [%zu ranges]\n", addr, len, prot_str(prot, pb), flags, fd, offset,
                 ret < 0 ? "-" : "", ret < 0 ? (uint64_t)-ret : (uint64_t)ret, vma_count(&mm_tree));
    }
    return ret;
}

int64_t mm_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t offset)
{
    return mm_do_mmap(addr, len, prot, flags, fd, offset, NULL);
}

int mm_map_fixed(uint64_t addr, uint64_t len, int prot, int fd, uint64_t offset, const char *name)
{
    int flags = MAP_FIXED | MAP_PRIVATE | (fd < 0 ? MAP_ANONYMOUS : 0);
    int64_t r = mm_do_mmap(addr, len, prot, flags, fd, offset, name);
    return r < 0 ? (int)r : 0;
}

uint64_t mm_find_free(uint64_t hint, uint64_t len)
{
    uint64_t a;
    len = mm_page_up(len);
    if (len == 0) {
        return 0;
    }
    mm_lock();
    bool ok = vma_find_free(&mm_tree, mm_page_up(hint), len, mm_mmap_limit(), &a);
    mm_unlock();
    return ok ? a : 0;
}

void mm_set_name(uint64_t addr, uint64_t len, const char *name)
{
    mm_lock();
    vma_set_name(&mm_tree, addr & GUEST_PAGE_MASK, mm_page_up(addr + len), name);
    mm_unlock();
}

/* ---- munmap / mprotect ---- */

int mm_munmap(uint64_t addr, uint64_t len)
{
    if ((addr & ~GUEST_PAGE_MASK) || addr > MM_TASK_SIZE || len > MM_TASK_SIZE - addr) {
        return -EINVAL;
    }
    len = mm_page_up(len);
    if (len == 0) {
        return -EINVAL;
    }
    MMInval iv = { 0, 0 };
    mm_lock();
    int r = mm_unmap_locked(addr, addr + len, &iv);
    mm_unlock();
    mm_inval_flush(&iv);
    PAGE_LOG("page: munmap(0x%" PRIx64 ", 0x%" PRIx64 ") = %d [%zu ranges]\n",
             addr, len, r, vma_count(&mm_tree));
    return r;
}

int mm_mprotect(uint64_t addr, uint64_t len, int prot)
{
    int grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
    prot &= ~grows;
    if (grows == (PROT_GROWSDOWN | PROT_GROWSUP) || (addr & ~GUEST_PAGE_MASK)) {
        return -EINVAL;
    }
    if (len == 0) {
        return 0;
    }
    uint64_t alen = mm_page_up(len), end = addr + alen;
    if (alen < len || end <= addr) {
        return -ENOMEM;
    }
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM)) {
        return -EINVAL;
    }
    prot &= PROT_READ | PROT_WRITE | PROT_EXEC;

    MMInval iv = { 0, 0 };
    int err = 0;
    mm_lock();
    Vma *v = vma_find_next(&mm_tree, addr);
    if (v == NULL || v->start >= end) {
        err = -ENOMEM;
    } else if (grows & PROT_GROWSDOWN) {
        if (!(v->flags & MAP_GROWSDOWN)) {
            err = -EINVAL;
        } else {
            addr = v->start;
        }
    } else if (grows) {
        err = -EINVAL;      /* x86 has no grows-up mappings */
    } else if (v->start > addr) {
        err = -ENOMEM;
    }
    /* Linux applies the change range by range and stops at the first hole
     * (ENOMEM) or refusal (EACCES), keeping what it did before. */
    uint64_t a = addr;
    while (err == 0 && a < end) {
        v = vma_lookup(&mm_tree, a);
        if (v == NULL) {
            err = -ENOMEM;
            break;
        }
        if ((prot & PROT_WRITE) && (v->flags & VMA_F_NOMAYWRITE)) {
            err = -EACCES;
            break;
        }
        uint64_t e = v->end < end ? v->end : end;
        /* Becoming data memory counts against RLIMIT_DATA (Linux:
         * !may_expand_vm(new flags) && may_expand_vm(old flags)). */
        if (vma_desc_is_data(prot, v->flags, v->name) &&
            !vma_desc_is_data(v->prot, v->flags, v->name) &&
            !mm_may_expand_locked(e - a, true) && mm_may_expand_locked(e - a, false)) {
            err = -ENOMEM;
            break;
        }
        /* Translations stay valid while the code stays executable (a
         * later store still faults first); dropping exec kills them. */
        bool keep_code = (prot & PROT_EXEC) != 0;
        if (!keep_code && mm_code_clear_range(a, e)) {
            mm_inval_add(&iv, a, e);
        }
        if (mprotect(g2h(a), e - a, mm_host_prot(prot)) != 0) {
            err = -errno;
            break;
        }
        vma_set_prot(&mm_tree, a, e, prot);
        if (keep_code) {
            mm_code_protect_range_locked(a, e);
        }
        a = e;
    }
    mm_unlock();
    mm_inval_flush(&iv);
    if (emu_log_enabled(LOG_PAGE)) {
        char pb[4];
        qemu_log("page: mprotect(0x%" PRIx64 ", 0x%" PRIx64 ", %s) = %d [%zu ranges]\n",
                 addr, len, prot_str(prot, pb), err, vma_count(&mm_tree));
    }
    return err;
}

/* ---- mremap ---- */

/* Copy fallback for a private mapping the host cannot move in one piece:
 * copy the pages that are not all zero (untouched memory stays free). */
static int mm_move_by_copy_locked(const Vma *v, uint64_t old_addr, uint64_t old_len,
                                  uint64_t new_len, uint64_t dst)
{
    if (!(v->flags & MAP_PRIVATE)) {
        return -ENOMEM;
    }
    void *p = mmap(g2h(dst), new_len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    if (p == MAP_FAILED) {
        return -ENOMEM;
    }
    if (mprotect(g2h(old_addr), old_len, PROT_READ) != 0) {
        mm_host_release(dst, dst + new_len);
        return -ENOMEM;
    }
    static const uint8_t zero[4096];
    uint64_t n = old_len < new_len ? old_len : new_len;
    for (uint64_t off = 0; off < n; off += GUEST_PAGE_SIZE) {
        if (memcmp(g2h(old_addr + off), zero, GUEST_PAGE_SIZE) != 0) {
            memcpy(g2h(dst + off), g2h(old_addr + off), GUEST_PAGE_SIZE);
        }
    }
    mprotect(g2h(old_addr), old_len, mm_host_prot(v->prot));
    mprotect(g2h(dst), new_len, mm_host_prot(v->prot));
    return 0;
}

/*
 * Move [old_addr, +old_len) of v to dst, resized to new_len:
 *
 *   before:  |--v--[old....]--|         [dst.......]  (free or PROT_NONE)
 *   after:   |--v--|  (hole)  |--|      [moved.........]
 *
 * The host moves the pages (host mremap with MREMAP_FIXED inside the
 * reservation), the hole goes back to the reservation.
 */
static int64_t mm_move_locked(Vma *v, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
                              uint64_t dst, bool dontunmap, MMInval *iv)
{
    VmaDesc d = mm_desc_of(v, old_addr);
    char *name = d.name ? strdup(d.name) : NULL;
    d.name = name;
    /* The host needs the old range in one host mapping: give code pages
     * back their plain protection (their translations go anyway). */
    if (mm_code_release_range_locked(old_addr, old_addr + old_len)) {
        mm_inval_add(iv, old_addr, old_addr + old_len);
    }
    if (mm_code_clear_range(dst, dst + new_len)) {
        mm_inval_add(iv, dst, dst + new_len);
    }
    int hflags = MREMAP_MAYMOVE | MREMAP_FIXED | (dontunmap ? MREMAP_DONTUNMAP : 0);
    void *p = mremap(g2h(old_addr), old_len, new_len, hflags, g2h(dst));
    if (p == MAP_FAILED) {
        int r = old_len ? mm_move_by_copy_locked(v, old_addr, old_len, new_len, dst) : -errno;
        if (r < 0) {
            free(name);
            return r;
        }
        if (dontunmap) {
            /* Private memory left behind reads as zero. */
            madvise(g2h(old_addr), old_len, MADV_DONTNEED);
        }
    }
    if (!dontunmap && old_len) {
        mm_host_release(old_addr, old_addr + old_len);
        vma_remove_range(&mm_tree, old_addr, old_addr + old_len);
    }
    vma_remove_range(&mm_tree, dst, dst + new_len);
    vma_insert(&mm_tree, dst, dst + new_len, &d);
    free(name);
    return (int64_t)dst;
}

/*
 * Grow v in place:
 *
 *   before:  |----v----|..........|--next--|
 *   after:   |----v-------------|.|--next--|
 */
static int mm_grow_locked(Vma *v, uint64_t old_addr, uint64_t new_end, MMInval *iv)
{
    uint64_t old_end = v->end;
    VmaDesc d = mm_desc_of(v, old_end);
    if (!v->file) {
        /* Private anonymous: fresh zero pages are exactly the growth. */
        void *p = mmap(g2h(old_end), new_end - old_end, mm_host_prot(v->prot),
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
        if (p == MAP_FAILED) {
            return -ENOMEM;
        }
    } else {
        /* File or shared object: let the host extend its own mapping into
         * a hole opened in the reservation just for this. */
        if (mm_code_release_range_locked(old_addr, old_end)) {
            mm_inval_add(iv, old_addr, old_end);
        }
        munmap(g2h(old_end), new_end - old_end);
        void *p = mremap(g2h(old_addr), old_end - old_addr, new_end - old_addr, 0);
        if (p == MAP_FAILED) {
            mm_host_release(old_end, new_end);
            return -ENOMEM;
        }
    }
    char *name = d.name ? strdup(d.name) : NULL;
    d.name = name;
    vma_insert(&mm_tree, old_end, new_end, &d);
    free(name);
    return 0;
}

static int64_t mm_mremap_locked(uint64_t old_addr, uint64_t old_len, uint64_t new_len,
                                int flags, uint64_t new_addr, MMInval *iv)
{
    Vma *v = vma_lookup(&mm_tree, old_addr);
    if (v == NULL) {
        return -EFAULT;
    }
    if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
        if (new_addr & ~GUEST_PAGE_MASK) {
            return -EINVAL;
        }
        if (new_len > MM_TASK_SIZE || new_addr > MM_TASK_SIZE - new_len) {
            return -EINVAL;
        }
        if (old_addr + old_len > new_addr && new_addr + new_len > old_addr) {
            return -EINVAL;
        }
        if (flags & MREMAP_FIXED) {
            if (new_addr < GUEST_MMAP_MIN_ADDR) {
                return -EPERM;
            }
            if (new_addr + new_len > guest_addr_limit) {
                return -ENOMEM;
            }
            int r = mm_unmap_locked(new_addr, new_addr + new_len, iv);
            if (r < 0) {
                return r;
            }
        }
        if (old_len > new_len) {
            int r = mm_unmap_locked(old_addr + new_len, old_addr + old_len, iv);
            if (r < 0) {
                return r;
            }
            old_len = new_len;
        }
        v = vma_lookup(&mm_tree, old_addr);
        if (v == NULL || old_len > v->end - old_addr) {
            return -EFAULT;
        }
        if (old_len == 0 && !(v->flags & MAP_SHARED)) {
            return -EINVAL;
        }
        uint64_t extra = (flags & MREMAP_DONTUNMAP) ? new_len : new_len - old_len;
        if (!mm_may_expand_locked(extra, vma_desc_is_data(v->prot, v->flags, v->name))) {
            return -ENOMEM;
        }
        uint64_t dst = new_addr;
        if (!(flags & MREMAP_FIXED)) {
            dst = mm_place_locked(new_addr, new_len, 0);
            if (dst == 0) {
                return -ENOMEM;
            }
        }
        return mm_move_locked(v, old_addr, old_len, new_len, dst,
                              (flags & MREMAP_DONTUNMAP) != 0, iv);
    }
    /* Shrinking always works: it unmaps the tail. */
    if (old_len >= new_len) {
        int r = mm_unmap_locked(old_addr + new_len, old_addr + old_len, iv);
        return r < 0 ? r : (int64_t)old_addr;
    }
    if (old_len > v->end - old_addr) {
        return -EFAULT;
    }
    if (old_len == 0 && !(v->flags & MAP_SHARED)) {
        return -EINVAL;
    }
    if (!mm_may_expand_locked(new_len - old_len, vma_desc_is_data(v->prot, v->flags, v->name))) {
        return -ENOMEM;
    }
    /* Grow in place if the range ends the mapping and room follows. */
    uint64_t new_end = old_addr + new_len;
    if (old_len && old_addr + old_len == v->end && new_end > old_addr &&
        new_end <= guest_addr_limit && vma_range_free(&mm_tree, v->end, new_end)) {
        if (mm_grow_locked(v, old_addr, new_end, iv) == 0) {
            return (int64_t)old_addr;
        }
    }
    if (!(flags & MREMAP_MAYMOVE)) {
        return -ENOMEM;
    }
    uint64_t dst = mm_place_locked(0, new_len, 0);
    if (dst == 0) {
        return -ENOMEM;
    }
    return mm_move_locked(v, old_addr, old_len, new_len, dst, false, iv);
}

int64_t mm_mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr)
{
    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) {
        return -EINVAL;
    }
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) {
        return -EINVAL;
    }
    if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len)) {
        return -EINVAL;
    }
    if (old_addr & ~GUEST_PAGE_MASK) {
        return -EINVAL;
    }
    old_len = mm_page_up(old_len);
    new_len = mm_page_up(new_len);
    if (new_len == 0) {
        return -EINVAL;
    }
    MMInval iv = { 0, 0 };
    mm_lock();
    int64_t r = mm_mremap_locked(old_addr, old_len, new_len, flags, new_addr, &iv);
    mm_unlock();
    mm_inval_flush(&iv);
    PAGE_LOG("page: mremap(0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%x, 0x%" PRIx64
             ") = %s0x%" PRIx64 " [%zu ranges]\n", old_addr, old_len, new_len, flags, new_addr,
             r < 0 ? "-" : "", r < 0 ? (uint64_t)-r : (uint64_t)r, vma_count(&mm_tree));
    return r;
}

/* ---- brk ---- */

void mm_brk_init(uint64_t start)
{
    mm_lock();
    brk_start = brk_cur = start;
    mm_unlock();
    PAGE_LOG("page: brk starts at 0x%" PRIx64 "\n", start);
}

/*
 *   start_brk      brk (page-aligned up)     new brk
 *   |----[heap]-------|+++++++ grow ++++++++|   needs one free page above
 *   |----[heap]---|xxx shrink xxx|              released at once
 */
uint64_t mm_brk(uint64_t new_brk)
{
    MMInval iv = { 0, 0 };
    mm_lock();
    uint64_t ret = brk_cur;
    /* Before mm_brk_init() there is no heap to move. */
    if (brk_start < GUEST_MMAP_MIN_ADDR || new_brk < brk_start || new_brk > guest_addr_limit) {
        goto out;
    }
    if (!mm_brk_within_limit(new_brk - brk_start)) {
        goto out;
    }
    uint64_t oldp = mm_page_up(brk_cur), newp = mm_page_up(new_brk);
    if (oldp == newp) {
        brk_cur = ret = new_brk;
        goto out;
    }
    if (new_brk < brk_cur) {
        mm_unmap_locked(newp, oldp, &iv);
        brk_cur = ret = new_brk;
        goto out;
    }
    /* Linux keeps a page between the heap and the next mapping. */
    if (newp + GUEST_PAGE_SIZE > guest_addr_limit ||
        !vma_range_free(&mm_tree, oldp, newp + GUEST_PAGE_SIZE)) {
        goto out;
    }
    if (!mm_may_expand_locked(newp - oldp, true)) {
        goto out;
    }
    VmaDesc d = { .prot = PROT_READ | PROT_WRITE, .flags = MAP_PRIVATE | MAP_ANONYMOUS,
                  .name = "[heap]" };
    if (mm_map_locked(oldp, newp - oldp, d.prot, false, -1, 0, &d, &iv) == 0) {
        brk_cur = ret = new_brk;
    }
out:
    mm_unlock();
    mm_inval_flush(&iv);
    PAGE_LOG("page: brk(0x%" PRIx64 ") = 0x%" PRIx64 "\n", new_brk, ret);
    return ret;
}

/* ---- madvise, msync, mlock, mincore ---- */

#ifndef MADV_FREE
#define MADV_FREE 8
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED 24
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

/* What emu does with each advice over the mapped parts of the range. */
enum { ADV_INVALID, ADV_HOST, ADV_HOST_DROP, ADV_IGNORE, ADV_EPERM };

static int mm_advice_kind(int advice)
{
    switch (advice) {
    case MADV_DONTNEED:          /* drops contents: translated code goes too */
    case MADV_DONTNEED_LOCKED:
    case MADV_FREE:
    case MADV_REMOVE:
        return ADV_HOST_DROP;
    case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
    case MADV_MERGEABLE: case MADV_UNMERGEABLE: case MADV_HUGEPAGE: case MADV_NOHUGEPAGE:
    case MADV_DONTDUMP: case MADV_DODUMP: case MADV_COLD: case MADV_PAGEOUT:
    case MADV_POPULATE_READ: case MADV_POPULATE_WRITE: case MADV_COLLAPSE:
    case MADV_WIPEONFORK: case MADV_KEEPONFORK:
        return ADV_HOST;
    case MADV_DONTFORK:          /* the child emu needs its whole reservation */
    case MADV_DOFORK:
        return ADV_IGNORE;
    case MADV_HWPOISON:
    case MADV_SOFT_OFFLINE:
        return ADV_EPERM;        /* needs CAP_SYS_ADMIN */
    default:
        return ADV_INVALID;
    }
}

int mm_madvise(uint64_t addr, uint64_t len, int advice)
{
    int kind = mm_advice_kind(advice);
    if (kind == ADV_INVALID || (addr & ~GUEST_PAGE_MASK)) {
        return -EINVAL;
    }
    uint64_t alen = mm_page_up(len), end = addr + alen;
    if ((len && alen == 0) || end < addr) {
        return -EINVAL;
    }
    if (end == addr) {
        return 0;
    }
    if (kind == ADV_EPERM) {
        return -EPERM;
    }
    MMInval iv = { 0, 0 };
    int err = 0, hole = 0;
    mm_lock();
    uint64_t a = addr;
    for (Vma *v = vma_find_next(&mm_tree, a); v && v->start < end; v = vma_find_next(&mm_tree, v->end)) {
        if (v->start > a) {
            hole = -ENOMEM;
        }
        uint64_t s = v->start > a ? v->start : a;
        uint64_t e = v->end < end ? v->end : end;
        if (kind == ADV_HOST_DROP && mm_code_release_range_locked(s, e)) {
            mm_inval_add(&iv, s, e);
        }
        if (kind != ADV_IGNORE && madvise(g2h(s), e - s, advice) != 0) {
            err = -errno;
            break;
        }
        a = e;
    }
    if (a < end) {
        hole = -ENOMEM;
    }
    mm_unlock();
    mm_inval_flush(&iv);
    PAGE_LOG("page: madvise(0x%" PRIx64 ", 0x%" PRIx64 ", %d) = %d\n",
             addr, len, advice, err ? err : hole);
    return err ? err : hole;
}

int mm_msync(uint64_t addr, uint64_t len, int flags)
{
    if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || (addr & ~GUEST_PAGE_MASK) ||
        ((flags & MS_ASYNC) && (flags & MS_SYNC))) {
        return -EINVAL;
    }
    uint64_t end = addr + mm_page_up(len);
    if (end < addr) {
        return -ENOMEM;
    }
    int err = 0, hole = 0;
    mm_lock();
    uint64_t a = addr;
    for (Vma *v = vma_find_next(&mm_tree, a); a < end && v && v->start < end;
         v = vma_find_next(&mm_tree, v->end)) {
        if (v->start > a) {
            hole = -ENOMEM;
        }
        uint64_t s = v->start > a ? v->start : a;
        uint64_t e = v->end < end ? v->end : end;
        if (v->file && (v->flags & MAP_SHARED) && msync(g2h(s), e - s, flags) != 0) {
            err = -errno;
            break;
        }
        a = e;
    }
    if (a < end) {
        hole = -ENOMEM;
    }
    mm_unlock();
    return err ? err : hole;
}

int mm_mlock(uint64_t addr, uint64_t len)
{
    uint64_t start = addr & GUEST_PAGE_MASK;
    uint64_t end = start + mm_page_up(len + (addr - start));
    if (end < start) {
        return -EINVAL;
    }
    if (end == start) {
        return 0;
    }
    mm_lock();
    bool ok = vma_range_mapped(&mm_tree, start, end);
    mm_unlock();
    return ok ? 0 : -ENOMEM;
}

int mm_mincore(uint64_t addr, uint64_t len, uint64_t vec)
{
    if (addr & ~GUEST_PAGE_MASK) {
        return -EINVAL;
    }
    if (addr > MM_TASK_SIZE || len > MM_TASK_SIZE - addr) {
        return -ENOMEM;
    }
    uint64_t pages = len / GUEST_PAGE_SIZE + ((len % GUEST_PAGE_SIZE) != 0);
    if (vec > MM_TASK_SIZE || pages > MM_TASK_SIZE - vec) {
        return -EFAULT;
    }
    unsigned char buf[4096];
    while (pages) {
        mm_lock();
        Vma *v = vma_lookup(&mm_tree, addr);
        if (v == NULL) {
            mm_unlock();
            return -ENOMEM;
        }
        uint64_t n = (v->end - addr) / GUEST_PAGE_SIZE;
        if (n > pages) {
            n = pages;
        }
        if (n > sizeof(buf)) {
            n = sizeof(buf);
        }
        int r = mincore(g2h(addr), n * GUEST_PAGE_SIZE, buf);
        mm_unlock();
        if (r != 0) {
            return -errno;
        }
        for (uint64_t i = 0; i < n; i++) {
            buf[i] &= 1;
        }
        if (mm_copy_to_guest(vec, buf, n) != 0) {
            return -EFAULT;
        }
        pages -= n;
        vec += n;
        addr += n * GUEST_PAGE_SIZE;
    }
    return 0;
}
