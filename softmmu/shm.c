/*
 * softmmu/shm.c — System V shared memory segments in the guest address
 * space (shmat/shmdt).
 *
 * The host attaches the segment straight into the guest reservation
 * (shmat with SHM_REMAP at guest_base + addr), so the memory is the host
 * kernel's shared object: other processes, fork children and the host's
 * own IPC_STAT/nattch see exactly what they would natively.  The tracker
 * records the range as a MAP_SHARED file-like mapping whose inode is the
 * shmid, with the name Linux shows ("/SYSV%08x (deleted)"), so shmdt can
 * find the segment again and /proc/self/maps matches Linux's.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/sysmacros.h>

#include "softmmu/internal.h"

#ifndef SHM_EXEC
#define SHM_EXEC 0100000
#endif
#ifndef SHM_REMAP
#define SHM_REMAP 040000
#endif

int64_t mm_shmat(int shmid, uint64_t addr, int shmflg)
{
    struct shmid_ds ds;
    if (shmctl(shmid, IPC_STAT, &ds) != 0) {
        return -errno;      /* EINVAL (no such id) or EACCES */
    }
    if (addr & (GUEST_PAGE_SIZE - 1)) {
        if (!(shmflg & SHM_RND)) {
            return -EINVAL;
        }
        addr &= GUEST_PAGE_MASK;     /* SHMLBA is the page size on x86_64 */
    }
    uint64_t len = mm_page_up(ds.shm_segsz);
    int prot = (shmflg & SHM_RDONLY) ? PROT_READ : PROT_READ | PROT_WRITE;
    if (shmflg & SHM_EXEC) {
        prot |= PROT_EXEC;
    }
    char name[40];
    snprintf(name, sizeof(name), "/SYSV%08x (deleted)", (unsigned)ds.shm_perm.__key);
    VmaDesc d = { .prot = prot, .flags = MAP_SHARED | VMA_F_SYSVSHM, .file = true,
                  .offset = 0, .dev = makedev(0, 1), .inode = (uint64_t)shmid, .name = name };

    MMInval iv = { 0, 0 };
    int64_t ret;
    mm_lock();
    if (vma_count(&mm_tree) >= MM_MAX_MAP_COUNT) {
        ret = -ENOMEM;
        goto out;
    }
    if (!mm_may_expand_locked(len, false)) {
        ret = -ENOMEM;
        goto out;
    }
    if (addr == 0) {
        addr = mm_place_locked(0, len, 0);
        if (addr == 0) {
            ret = -ENOMEM;
            goto out;
        }
    } else if (addr < GUEST_MMAP_MIN_ADDR || len > guest_addr_limit || addr > guest_addr_limit - len) {
        ret = -EINVAL;
        goto out;
    } else if (!vma_range_free(&mm_tree, addr, addr + len)) {
        /* Linux: an occupied range is EINVAL unless SHM_REMAP. */
        if (!(shmflg & SHM_REMAP)) {
            ret = -EINVAL;
            goto out;
        }
        ret = mm_unmap_locked(addr, addr + len, &iv);
        if (ret < 0) {
            goto out;
        }
    }
    int hflags = SHM_REMAP | (shmflg & SHM_RDONLY);
    if (shmat(shmid, g2h(addr), hflags) == (void *)-1) {
        ret = -errno;
        mm_host_release(addr, addr + len);
        goto out;
    }
    vma_insert(&mm_tree, addr, addr + len, &d);
    ret = (int64_t)addr;
out:
    mm_unlock();
    mm_inval_flush(&iv);
    return ret;
}

int mm_shmdt(uint64_t addr)
{
    if (addr & (GUEST_PAGE_SIZE - 1)) {
        return -EINVAL;
    }
    MMInval iv = { 0, 0 };
    int ret = -EINVAL;
    mm_lock();
    /* The segment attached at addr: ranges of one shmid whose offset says
     * they start at addr, up to the first gap or other mapping. */
    Vma *v = vma_lookup(&mm_tree, addr);
    if (v && (v->flags & VMA_F_SYSVSHM) && v->start - v->offset == addr) {
        uint64_t shmid = v->inode, end = v->end;
        for (Vma *n = vma_next(&mm_tree, v);
             n && n->start == end && (n->flags & VMA_F_SYSVSHM) && n->inode == shmid &&
             n->start - n->offset == addr;
             n = vma_next(&mm_tree, n)) {
            end = n->end;
        }
        ret = mm_unmap_locked(addr, end, &iv);
    }
    mm_unlock();
    mm_inval_flush(&iv);
    return ret;
}
