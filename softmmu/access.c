/*
 * softmmu/access.c — validated guest-memory access for syscalls and
 * helpers, code fetch, code-page marking, and views of the tracker
 * (/proc/self/maps).
 *
 * Every pointer a syscall dereferences is checked against the tracker for
 * its whole length first (EFAULT as Linux gives it); only then does it
 * become a host pointer.
 */
#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <setjmp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "softmmu/internal.h"

/* x86 pages: anything mapped at all is readable (write and exec imply
 * read); writing needs PROT_WRITE. */
static bool prot_allows(int prot, int access)
{
    if ((access & MM_WRITE) && !(prot & PROT_WRITE)) {
        return false;
    }
    if ((access & MM_READ) && prot == PROT_NONE) {
        return false;
    }
    return true;
}

/* *file (optional) is set if part of the range is file-backed, where the
 * host may raise SIGBUS (past the end of the file). */
static bool mm_range_ok_locked(uint64_t addr, uint64_t len, int access, bool *file)
{
    if (file) {
        *file = false;
    }
    if (len == 0) {
        return true;
    }
    if (addr >= guest_addr_limit || len > guest_addr_limit - addr) {
        return false;
    }
    uint64_t a = addr, end = addr + len;
    while (a < end) {
        Vma *v = vma_lookup(&mm_tree, a);
        if (v == NULL || !prot_allows(v->prot, access)) {
            return false;
        }
        if (file && v->file) {
            *file = true;
        }
        a = v->end;
    }
    return true;
}

static bool mm_access_ok_locked(uint64_t addr, uint64_t len, int access)
{
    return mm_range_ok_locked(addr, len, access, NULL);
}

/* Copy between emu and guest memory where the guest pages may fault
 * (file pages past EOF give SIGBUS): a plain memcpy under a probe — the
 * host fault handler sees mm_probe_fault() and jumps back here — instead
 * of a process_vm_readv system call per copy.  sigsetjmp without the
 * signal mask: the fault handlers run with SA_NODEFER. */
static __thread sigjmp_buf *probe_jmp;

bool mm_probe_fault(void)
{
    sigjmp_buf *jb = probe_jmp;
    if (jb == NULL) {
        return false;
    }
    probe_jmp = NULL;
    siglongjmp(*jb, 1);
}

static bool mm_safe_copy(void *dst, const void *src, size_t len, bool to_guest)
{
    (void)to_guest;
    sigjmp_buf jb;
    if (sigsetjmp(jb, 0) != 0) {
        return false;
    }
    probe_jmp = &jb;
    memcpy(dst, src, len);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    probe_jmp = NULL;
    return true;
}

bool mm_access_ok(uint64_t addr, uint64_t len, int access)
{
    mm_lock();
    bool ok = mm_access_ok_locked(addr, len, access);
    mm_unlock();
    return ok;
}

/* Validate; for writes, drop translated code in the range and make it
 * host-writable.  Returns false for EFAULT. */
static bool mm_prepare(uint64_t addr, uint64_t len, int access, bool *file)
{
    MMInval iv = { 0, 0 };
    mm_lock();
    bool ok = mm_range_ok_locked(addr, len, access, file);
    if (ok && (access & MM_WRITE) && len) {
        uint64_t s = addr & GUEST_PAGE_MASK, e = mm_page_up(addr + len);
        if (mm_code_release_range_locked(s, e)) {
            mm_inval_add(&iv, s, e);
        }
    }
    mm_unlock();
    mm_inval_flush(&iv);
    return ok;
}

void *mm_guest_ptr(uint64_t addr, uint64_t len, int access)
{
    if (!mm_prepare(addr, len, access, NULL)) {
        return NULL;
    }
    return g2h(addr);
}

int mm_copy_from_guest(void *dst, uint64_t src, size_t len)
{
    bool file;
    if (!mm_prepare(src, len, MM_READ, &file)) {
        return -EFAULT;
    }
    if (file) {
        return mm_safe_copy(dst, g2h(src), len, false) ? 0 : -EFAULT;
    }
    memcpy(dst, g2h(src), len);
    return 0;
}

int mm_copy_to_guest(uint64_t dst, const void *src, size_t len)
{
    bool file;
    if (!mm_prepare(dst, len, MM_WRITE, &file)) {
        return -EFAULT;
    }
    if (file) {
        return mm_safe_copy(g2h(dst), src, len, true) ? 0 : -EFAULT;
    }
    memcpy(g2h(dst), src, len);
    return 0;
}

char *mm_strdup_from_guest(uint64_t addr, size_t max, int *err)
{
    GString *str = g_string_new(NULL);
    uint8_t page[GUEST_PAGE_SIZE];
    size_t n = 0;
    /* Page by page; each page is checked before it is read. */
    while (n < max) {
        uint64_t a = addr + n;
        bool file;
        mm_lock();
        bool ok = a >= addr && mm_range_ok_locked(a, 1, MM_READ, &file);
        size_t chunk = GUEST_PAGE_SIZE - (a & (GUEST_PAGE_SIZE - 1));
        if (chunk > max - n) {
            chunk = max - n;
        }
        if (ok) {
            if (file) {
                ok = mm_safe_copy(page, g2h(a), chunk, false);
            } else {
                memcpy(page, g2h(a), chunk);
            }
        }
        mm_unlock();
        if (!ok) {
            g_string_free(str, true);
            *err = -EFAULT;
            return NULL;
        }
        const uint8_t *nul = memchr(page, 0, chunk);
        if (nul) {
            g_string_append_len(str, (const char *)page, nul - page);
            *err = 0;
            return g_string_free(str, false);
        }
        g_string_append_len(str, (const char *)page, chunk);
        n += chunk;
    }
    g_string_free(str, true);
    *err = -ENAMETOOLONG;
    return NULL;
}

/* ---- code ---- */

size_t mm_fetch_code(uint64_t addr, uint8_t *buf, size_t len)
{
    size_t n = 0;
    mm_lock();
    while (n < len) {
        uint64_t a = addr + n;
        if (a < addr || a >= guest_addr_limit) {
            break;
        }
        Vma *v = vma_lookup(&mm_tree, a);
        if (v == NULL || !(v->prot & PROT_EXEC)) {
            break;
        }
        uint64_t avail = v->end - a;
        size_t chunk = len - n < avail ? len - n : (size_t)avail;
        if (v->file) {
            /* Page by page: a page past EOF ends the fetch (the guest
             * gets SIGBUS when it executes there), not emu. */
            size_t done = 0;
            while (done < chunk) {
                size_t in_page = GUEST_PAGE_SIZE - ((a + done) & (GUEST_PAGE_SIZE - 1));
                size_t c = chunk - done < in_page ? chunk - done : in_page;
                if (!mm_safe_copy(buf + n + done, g2h(a + done), c, false)) {
                    mm_unlock();
                    return n + done;
                }
                done += c;
            }
        } else {
            memcpy(buf + n, g2h(a), chunk);
        }
        n += chunk;
    }
    mm_unlock();
    return n;
}

void mm_mark_code_page(uint64_t page)
{
    page &= GUEST_PAGE_MASK;
    mm_lock();
    if (mm_code_insert(page)) {
        Vma *v = vma_lookup(&mm_tree, page);
        if (v && (v->prot & PROT_WRITE)) {
            mprotect(g2h(page), GUEST_PAGE_SIZE, mm_host_prot(v->prot) & ~PROT_WRITE);
        }
    }
    mm_unlock();
}

bool mm_code_is_shared(uint64_t addr, uint64_t len)
{
    bool shared = false;
    mm_lock();
    for (Vma *v = vma_find_next(&mm_tree, addr); v && v->start < addr + len;
         v = vma_find_next(&mm_tree, v->end)) {
        shared |= (v->flags & MAP_SHARED) != 0;
    }
    mm_unlock();
    return shared;
}

bool mm_code_unchanged(uint64_t addr, const uint8_t *copy, size_t len)
{
    /* Plain reads: the caller runs this as guest code (a fault is the
     * guest's instruction fetch fault). */
    return memcmp(g2h(addr), copy, len) == 0;
}

/* ---- introspection ---- */

static void mm_info_of(const Vma *v, MMVmaInfo *info)
{
    info->start = v->start;
    info->end = v->end;
    info->prot = v->prot;
    info->flags = v->flags & ~(VMA_F_NOMAYWRITE | VMA_F_SHANON | VMA_F_SYSVSHM);
    info->offset = v->file ? v->offset : 0;
    info->dev = v->dev;
    info->inode = v->inode;
    info->name = v->name;
}

/* fn runs on a snapshot, without mm_lock, so it may call mm_* itself. */
void mm_foreach_vma(MMVmaFn fn, void *opaque)
{
    mm_lock();
    size_t n = vma_count(&mm_tree), i = 0;
    MMVmaInfo *infos = g_new(MMVmaInfo, n ? n : 1);
    for (Vma *v = vma_first(&mm_tree); v && i < n; v = vma_next(&mm_tree, v), i++) {
        mm_info_of(v, &infos[i]);
        infos[i].name = g_strdup(v->name);
    }
    mm_unlock();
    for (size_t j = 0; j < i; j++) {
        fn(&infos[j], opaque);
    }
    for (size_t j = 0; j < i; j++) {
        g_free((char *)infos[j].name);
    }
    g_free(infos);
}

size_t mm_vma_count(void)
{
    mm_lock();
    size_t n = vma_count(&mm_tree);
    mm_unlock();
    return n;
}
