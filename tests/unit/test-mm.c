/*
 * tests/unit/test-mm.c — the softmmu API (softmmu/softmmu.h) on a real host
 * reservation: Linux semantics and errno of the memory syscalls, file
 * mappings, mremap, brk, validated access, host protections and fault
 * classification, code-page write protection, and the 6 GiB churn
 * scenario of issue 2.  Each test runs in its own forked process with a
 * fresh reservation.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "softmmu/softmmu.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define PG 4096ULL
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

static inline uint8_t *h(uint64_t g) { return (uint8_t *)(guest_base + g); }

/* ---- invalidate hook recorder ---- */

static int hook_calls;
static uint64_t hook_start, hook_end;

static void hook(uint64_t start, uint64_t end)
{
    hook_calls++;
    hook_start = start;
    hook_end = end;
}

/* ---- host fault catcher: classifies through mm_handle_host_fault and
 * either retries (code page) or jumps back to the test ---- */

static sigjmp_buf fault_jmp;
static volatile MMFaultResult fault_res;
static volatile uint64_t fault_gaddr;
static volatile int fault_code, fault_count;

static void on_fault(int sig, siginfo_t *si, void *uc_void)
{
    ucontext_t *uc = uc_void;
    bool is_write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
    uint64_t g = 0;
    int code = 0;
    MMFaultResult r = mm_handle_host_fault((uintptr_t)si->si_addr, is_write, &g, &code);
    fault_count++;
    fault_res = r;
    fault_gaddr = g;
    fault_code = code;
    if (r == MM_FAULT_RETRY) {
        return;
    }
    siglongjmp(fault_jmp, 1);
}

static void setup(void)
{
    ck_assert_int_eq(mm_init(), 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    hook_calls = 0;
    fault_count = 0;
}

/* Touch a guest byte from the host; returns true if it faulted (result in
 * fault_res/fault_code/fault_gaddr). */
static bool touch(uint64_t g, bool write)
{
    fault_res = -1;
    if (sigsetjmp(fault_jmp, 1)) {
        return true;
    }
    volatile uint8_t *p = h(g);
    if (write) {
        *p = 0x5a;
    } else {
        (void)*p;
    }
    return false;
}

/* ---- layout and placement ---- */

START_TEST(test_layout)
{
    const char *no_id = getenv("EMU_MM_NO_IDENTITY");
    if (no_id && strcmp(no_id, "1") == 0) {
        ck_assert_uint_ne(guest_base, 0);
    }
    ck_assert_uint_eq(guest_addr_limit % PG, 0);
    ck_assert_uint_gt(mm_mmap_base(), mm_pie_base());
    ck_assert_uint_gt(mm_mmap_base(), mm_interp_base());
    ck_assert_uint_gt(mm_interp_base(), mm_pie_base());
    ck_assert_uint_lt(mm_stack_top(), guest_addr_limit);
    ck_assert_uint_gt(mm_stack_top(), mm_mmap_base());
    ck_assert_uint_eq(mm_pie_base() % PG, 0);
    ck_assert_uint_eq(mm_vma_count(), 0);
    ck_assert_int_eq(mm_init(), 0);     /* idempotent */
}
END_TEST

START_TEST(test_mmap_anon_placement_and_reuse)
{
    int64_t a = mm_mmap(0, 3 * PG, RW, ANON, -1, 0);
    ck_assert_int_eq(a, (int64_t)mm_mmap_base());
    int64_t b = mm_mmap(0, PG, PROT_READ, ANON, -1, 0);
    ck_assert_int_eq(b, a + 3 * PG);
    ck_assert_uint_eq(mm_vma_count(), 2);
    /* Fresh anonymous memory is zero and writable. */
    ck_assert_int_eq(h(a)[0] | h(a)[3 * PG - 1], 0);
    h(a)[5] = 7;
    ck_assert_int_eq(mm_munmap(a, 3 * PG), 0);
    ck_assert_uint_eq(mm_vma_count(), 1);
    /* The hole is reused, and its memory was given back (zero again). */
    int64_t c = mm_mmap(0, 2 * PG, RW, ANON, -1, 0);
    ck_assert_int_eq(c, a);
    ck_assert_int_eq(h(c)[5], 0);
    /* A free hint is taken as is. */
    uint64_t hint = mm_mmap_base() + 0x100000000ULL;
    ck_assert_int_eq(mm_mmap(hint, PG, RW, ANON, -1, 0), (int64_t)hint);
    /* An occupied hint is not. */
    int64_t d = mm_mmap(hint, PG, RW, ANON, -1, 0);
    ck_assert_int_ne(d, (int64_t)hint);
    ck_assert_int_eq(d, a + 2 * PG);
    /* MAP_32BIT lands in the second GiB. */
    int64_t e = mm_mmap(0, PG, RW, ANON | MAP_32BIT, -1, 0);
    ck_assert_int_ge(e, 0x40000000);
    ck_assert_int_lt(e, 0x80000000);
}
END_TEST

START_TEST(test_mmap_errno)
{
    ck_assert_int_eq(mm_mmap(0, 0, RW, ANON, -1, 0), -EINVAL);
    ck_assert_int_eq(mm_mmap(0, PG, RW, MAP_ANONYMOUS, -1, 0), -EINVAL);
    ck_assert_int_eq(mm_mmap(0, PG, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0), -EINVAL);
    ck_assert_int_eq(mm_mmap(0, PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0), -EINVAL);
    ck_assert_int_gt(mm_mmap(0, PG, RW, 0x08 | MAP_ANONYMOUS, -1, 0), 0);   /* MAP_DROPPABLE */
    ck_assert_int_gt(mm_mmap(0, PG, RW, ANON | 0x40000000, -1, 0), 0);     /* unknown: ignored */
    ck_assert_int_eq(mm_mmap(0, PG, RW, ANON, -1, 123), -EINVAL);
    ck_assert_int_eq(mm_mmap(mm_mmap_base() + 1, PG, RW, ANON | MAP_FIXED, -1, 0), -EINVAL);
    ck_assert_int_eq(mm_mmap(0, PG, RW, MAP_PRIVATE, -1, 0), -EBADF);
    ck_assert_int_eq(mm_mmap(0, PG, RW, MAP_PRIVATE, 9999, 0), -EBADF);
    ck_assert_int_eq(mm_mmap(0x1000, PG, RW, ANON | MAP_FIXED, -1, 0), -EPERM);
    ck_assert_int_eq(mm_mmap(guest_addr_limit, PG, RW, ANON | MAP_FIXED, -1, 0), -ENOMEM);
    ck_assert_int_eq(mm_mmap(0, 1ULL << 63, RW, ANON, -1, 0), -ENOMEM);
    ck_assert_int_eq(mm_mmap(0, UINT64_MAX, RW, ANON, -1, 0), -ENOMEM);
    ck_assert_int_eq(mm_mmap(0, guest_addr_limit, RW, ANON, -1, 0), -ENOMEM);
    /* a hint never lets a mapping run past the guest space */
    ck_assert_int_eq(mm_mmap(0x10000, guest_addr_limit + PG, RW, ANON, -1, 0), -ENOMEM);
    int64_t over = mm_mmap(guest_addr_limit - PG, 2 * PG, RW, ANON, -1, 0);
    ck_assert_int_ge(over, (int64_t)mm_mmap_base());
    ck_assert_int_lt(over, (int64_t)mm_mmap_base() + 64 * PG);
    ck_assert_int_eq(mm_munmap(over, 2 * PG), 0);
    int64_t a = mm_mmap(0, 4 * PG, RW, ANON, -1, 0);
    ck_assert_int_gt(a, 0);
    ck_assert_int_eq(mm_mmap(a + PG, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), -EEXIST);
    ck_assert_int_eq(mm_mmap(a + 4 * PG, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), a + 4 * PG);
    /* munmap */
    ck_assert_int_eq(mm_munmap(a + 1, PG), -EINVAL);
    ck_assert_int_eq(mm_munmap(a, 0), -EINVAL);
    ck_assert_int_eq(mm_munmap(0x7ffffffff000ULL, 2 * PG), -EINVAL);
    ck_assert_int_eq(mm_munmap(a + 100 * PG, 10 * PG), 0);          /* nothing there: fine */
    ck_assert_int_eq(mm_munmap(guest_addr_limit, PG), 0);           /* above emu's space: fine */
    /* mprotect */
    ck_assert_int_eq(mm_mprotect(a + 1, PG, PROT_READ), -EINVAL);
    ck_assert_int_eq(mm_mprotect(a, PG, 0x100), -EINVAL);
    ck_assert_int_eq(mm_mprotect(a, 0, PROT_READ), 0);
    ck_assert_int_eq(mm_mprotect(a + 100 * PG, PG, PROT_READ), -ENOMEM);
    ck_assert_int_eq(mm_mprotect(a, PG, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP), -EINVAL);
    ck_assert_int_eq(mm_mprotect(a, PG, PROT_READ | PROT_GROWSDOWN), -EINVAL);
    /* Partly mapped: applied up to the hole, then ENOMEM. */
    ck_assert_int_eq(mm_mprotect(a, 20 * PG, PROT_READ), -ENOMEM);
    ck_assert(!mm_access_ok(a, PG, MM_WRITE));
    ck_assert(mm_access_ok(a, 5 * PG, MM_READ));
}
END_TEST

START_TEST(test_map_fixed_replaces_and_splits)
{
    int64_t a = mm_mmap(0, 8 * PG, RW, ANON, -1, 0);
    memset(h(a), 0xab, 8 * PG);
    ck_assert_int_eq(mm_mmap(a + 2 * PG, 2 * PG, PROT_READ, ANON | MAP_FIXED, -1, 0), a + 2 * PG);
    ck_assert_uint_eq(mm_vma_count(), 3);
    ck_assert_int_eq(h(a)[2 * PG], 0);
    ck_assert_int_eq(h(a)[4 * PG - 1], 0);
    ck_assert_int_eq(h(a)[2 * PG - 1], 0xab);
    ck_assert_int_eq(h(a)[4 * PG], 0xab);
    ck_assert(!mm_access_ok(a + 2 * PG, 1, MM_WRITE));
    ck_assert(mm_access_ok(a + 2 * PG, 1, MM_READ));
    /* Unmap across the edges of all three. */
    ck_assert_int_eq(mm_munmap(a + PG, 6 * PG), 0);
    ck_assert_uint_eq(mm_vma_count(), 2);
    ck_assert(mm_access_ok(a, PG, MM_WRITE));
    ck_assert(!mm_access_ok(a, 2 * PG, MM_READ));
    ck_assert(mm_access_ok(a + 7 * PG, PG, MM_WRITE));
    ck_assert_int_eq(h(a)[7 * PG], 0xab);
    /* mprotect back and forth: split then merge. */
    int64_t b = mm_mmap(0, 16 * PG, RW, ANON, -1, 0);
    size_t n = mm_vma_count();
    ck_assert_int_eq(mm_mprotect(b + 4 * PG, 4 * PG, PROT_READ), 0);
    ck_assert_uint_eq(mm_vma_count(), n + 2);
    ck_assert_int_eq(mm_mprotect(b + 4 * PG, 4 * PG, RW), 0);
    ck_assert_uint_eq(mm_vma_count(), n);
}
END_TEST

START_TEST(test_host_protection_and_faults)
{
    int64_t a = mm_mmap(0, 4 * PG, RW, ANON, -1, 0);
    ck_assert(!touch(a, true));
    ck_assert_int_eq(mm_mprotect(a, PG, PROT_READ), 0);
    ck_assert(!touch(a, false));
    ck_assert(touch(a + 8, true));
    ck_assert_int_eq(fault_res, MM_FAULT_SEGV);
    ck_assert_int_eq(fault_code, SEGV_ACCERR);
    ck_assert_uint_eq(fault_gaddr, a + 8);
    /* exec-only is readable (x86), not writable */
    ck_assert_int_eq(mm_mprotect(a + PG, PG, PROT_EXEC), 0);
    ck_assert(!touch(a + PG, false));
    ck_assert(touch(a + PG, true));
    ck_assert_int_eq(fault_code, SEGV_ACCERR);
    ck_assert_int_eq(mm_mprotect(a + 2 * PG, PG, PROT_NONE), 0);
    ck_assert(touch(a + 2 * PG, false));
    ck_assert_int_eq(fault_res, MM_FAULT_SEGV);
    ck_assert_int_eq(fault_code, SEGV_ACCERR);
    ck_assert_int_eq(mm_munmap(a + 3 * PG, PG), 0);
    ck_assert(touch(a + 3 * PG + 5, false));
    ck_assert_int_eq(fault_code, SEGV_MAPERR);
    ck_assert_uint_eq(fault_gaddr, a + 3 * PG + 5);
    /* Below the first mappable page: still a guest fault. */
    ck_assert(touch(0x10, false));
    ck_assert_int_eq(fault_res, MM_FAULT_SEGV);
    ck_assert_int_eq(fault_code, SEGV_MAPERR);
    /* Outside the guest space: not the guest's. */
    uint64_t g;
    int code;
    static int emu_var;
    if ((uintptr_t)&emu_var >= guest_base + guest_addr_limit || (uintptr_t)&emu_var < guest_base) {
        ck_assert_int_eq(mm_handle_host_fault((uintptr_t)&emu_var, true, &g, &code), MM_FAULT_NOT_GUEST);
    }
    ck_assert_int_eq(mm_handle_host_fault(guest_base + guest_addr_limit, false, &g, &code),
                     MM_FAULT_NOT_GUEST);
}
END_TEST

/* ---- code pages ---- */

START_TEST(test_code_page_write_protection)
{
    mm_set_invalidate_hook(hook);
    int64_t a = mm_mmap(0, 4 * PG, RW | PROT_EXEC, ANON, -1, 0);
    memset(h(a), 0x90, 4 * PG);
    mm_mark_code_page(a + PG);
    mm_mark_code_page(a + PG);          /* twice is fine */
    ck_assert_int_eq(hook_calls, 0);
    /* A guest store into it faults once, invalidates that page, retries. */
    ck_assert(!touch(a + PG + 10, true));
    ck_assert_int_eq(fault_count, 1);
    ck_assert_int_eq(fault_res, MM_FAULT_RETRY);
    ck_assert_int_eq(hook_calls, 1);
    ck_assert_uint_eq(hook_start, a + PG);
    ck_assert_uint_eq(hook_end, a + 2 * PG);
    ck_assert_int_eq(h(a)[PG + 10], 0x5a);
    ck_assert(!touch(a + PG + 11, true));
    ck_assert_int_eq(fault_count, 1);   /* unprotected now */
    /* Other pages never faulted. */
    ck_assert(!touch(a, true));
    ck_assert_int_eq(fault_count, 1);

    /* mm_guest_ptr(MM_WRITE) over a code page drops its code too. */
    mm_mark_code_page(a + 2 * PG);
    hook_calls = 0;
    uint8_t *p = mm_guest_ptr(a + 2 * PG + 4, 8, MM_WRITE);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(hook_calls, 1);
    ck_assert_uint_le(hook_start, a + 2 * PG);
    ck_assert_uint_ge(hook_end, a + 3 * PG);
    p[0] = 1;                           /* no fault: writable again */
    ck_assert_int_eq(fault_count, 1);
    /* read access does not invalidate */
    mm_mark_code_page(a + 2 * PG);
    hook_calls = 0;
    ck_assert_ptr_nonnull(mm_guest_ptr(a + 2 * PG, 8, MM_READ));
    ck_assert_int_eq(hook_calls, 0);
    /* copy_to_guest is a write too */
    ck_assert_int_eq(mm_copy_to_guest(a + 2 * PG, "xy", 2), 0);
    ck_assert_int_eq(hook_calls, 1);

    /* mprotect keeping exec keeps the code (W^X toggling JITs): no hook,
     * and the page stays write-protected whatever the new prot. */
    mm_mark_code_page(a + 3 * PG);
    hook_calls = 0;
    fault_count = 0;
    ck_assert_int_eq(mm_mprotect(a + 3 * PG, PG, PROT_READ | PROT_EXEC), 0);
    ck_assert_int_eq(mm_mprotect(a, 4 * PG, RW | PROT_EXEC), 0);
    ck_assert_int_eq(hook_calls, 0);
    ck_assert(!touch(a + 3 * PG, true));
    ck_assert_int_eq(fault_count, 1);
    ck_assert_int_eq(hook_calls, 1);
    /* dropping exec drops the code */
    mm_mark_code_page(a + 3 * PG);
    ck_assert_int_eq(mm_mprotect(a + 3 * PG, PG, RW), 0);
    ck_assert_int_eq(hook_calls, 2);
    ck_assert(!touch(a + 3 * PG, true));
    ck_assert_int_eq(fault_count, 1);
    /* madvise(DONTNEED), munmap over code call the hook. */
    ck_assert_int_eq(mm_mprotect(a + 3 * PG, PG, RW | PROT_EXEC), 0);
    hook_calls = 1;
    mm_mark_code_page(a + 3 * PG);
    ck_assert_int_eq(mm_madvise(a + 3 * PG, PG, MADV_DONTNEED), 0);
    ck_assert_int_eq(hook_calls, 2);
    mm_mark_code_page(a);
    ck_assert_int_eq(mm_munmap(a, 4 * PG), 0);
    ck_assert_int_eq(hook_calls, 3);
    ck_assert_uint_le(hook_start, a);
    ck_assert_uint_ge(hook_end, a + PG);
    /* Changes to ranges without code do not call it. */
    int64_t b = mm_mmap(0, 4 * PG, RW, ANON, -1, 0);
    ck_assert_int_eq(mm_munmap(b, 4 * PG), 0);
    ck_assert_int_eq(hook_calls, 3);
    /* MAP_FIXED over code calls it. */
    int64_t c = mm_mmap(0, 2 * PG, RW | PROT_EXEC, ANON, -1, 0);
    mm_mark_code_page(c);
    ck_assert_int_eq(mm_mmap(c, PG, RW, ANON | MAP_FIXED, -1, 0), c);
    ck_assert_int_eq(hook_calls, 4);
    /* Read-only code pages: a write is a plain ACCERR. */
    int64_t d = mm_mmap(0, PG, PROT_READ | PROT_EXEC, ANON, -1, 0);
    mm_mark_code_page(d);
    ck_assert(touch(d, true));
    ck_assert_int_eq(fault_res, MM_FAULT_SEGV);
    ck_assert_int_eq(fault_code, SEGV_ACCERR);
    /* Code marked, then made writable: still protected, still works. */
    hook_calls = 0;
    ck_assert_int_eq(mm_mprotect(d, PG, RW | PROT_EXEC), 0);
    ck_assert_int_eq(hook_calls, 0);    /* still exec: code kept */
    mm_mark_code_page(d);
    ck_assert(!touch(d, true));
    ck_assert_int_eq(hook_calls, 1);    /* the store dropped it */
}
END_TEST

START_TEST(test_code_pages_without_hook)
{
    /* The core may not have registered a hook: everything still works. */
    int64_t a = mm_mmap(0, 2 * PG, RW | PROT_EXEC, ANON, -1, 0);
    mm_mark_code_page(a);
    ck_assert(!touch(a, true));
    ck_assert_int_eq(fault_res, MM_FAULT_RETRY);
    mm_mark_code_page(a + PG);
    ck_assert_int_eq(mm_munmap(a, 2 * PG), 0);
}
END_TEST

START_TEST(test_fetch_code)
{
    int64_t a = mm_mmap(0, 2 * PG, PROT_READ | PROT_EXEC, ANON, -1, 0);
    ck_assert_int_eq(mm_mmap(a + 2 * PG, PG, RW, ANON | MAP_FIXED, -1, 0), a + 2 * PG);
    uint8_t buf[32];
    ck_assert_uint_eq(mm_fetch_code(a, buf, 16), 16);
    ck_assert_uint_eq(mm_fetch_code(a + 2 * PG - 5, buf, 16), 5);
    ck_assert_uint_eq(mm_fetch_code(a + 2 * PG, buf, 16), 0);
    ck_assert_uint_eq(mm_fetch_code(0, buf, 16), 0);
    ck_assert_uint_eq(mm_fetch_code(UINT64_MAX - 3, buf, 16), 0);
}
END_TEST

/* ---- files ---- */

static char tmpl[64];

static int make_file(size_t size)
{
    strcpy(tmpl, "/tmp/emu-test-mm-XXXXXX");
    int fd = mkstemp(tmpl);
    ck_assert_int_ge(fd, 0);
    for (size_t i = 0; i < size; i++) {
        uint8_t c = (uint8_t)(i / PG + 1);
        ck_assert_int_eq(write(fd, &c, 1), 1);
    }
    return fd;
}

START_TEST(test_file_mappings)
{
    int fd = make_file(3 * PG + 100);
    /* private: file content, copy on write */
    int64_t a = mm_mmap(0, 3 * PG, RW, MAP_PRIVATE, fd, PG);
    ck_assert_int_gt(a, 0);
    ck_assert_int_eq(h(a)[0], 2);
    ck_assert_int_eq(h(a)[2 * PG + 99], 4);
    ck_assert_int_eq(h(a)[2 * PG + 100], 0);    /* tail of the last page */
    h(a)[0] = 77;
    uint8_t c;
    ck_assert_int_eq(pread(fd, &c, 1, PG), 1);
    ck_assert_int_eq(c, 2);
    /* past EOF: SIGBUS */
    ck_assert(touch(a + 3 * PG - 1, false) == false);
    int64_t b = mm_mmap(0, 8 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
    ck_assert(touch(b + 5 * PG, false));
    ck_assert_int_eq(fault_res, MM_FAULT_BUS);
    ck_assert_int_eq(fault_code, BUS_ADRERR);
    /* emu's own copies there fail with EFAULT instead of crashing emu */
    char tmp[16];
    int err;
    fault_count = 0;
    ck_assert_int_eq(mm_copy_from_guest(tmp, b + 5 * PG, 4), -EFAULT);
    ck_assert_int_eq(mm_copy_from_guest(tmp, b + 4 * PG - 4, 8), -EFAULT);
    ck_assert_int_eq(mm_copy_from_guest(tmp, b + 3 * PG, 8), 0);
    ck_assert_ptr_null(mm_strdup_from_guest(b + 5 * PG, 100, &err));
    ck_assert_int_eq(err, -EFAULT);
    int64_t x = mm_mmap(0, 8 * PG, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
    ck_assert_uint_eq(mm_fetch_code(x + 4 * PG - 8, (uint8_t *)tmp, 16), 8);
    ck_assert_int_eq(fault_count, 0);
    /* shared: writes reach the file */
    int64_t s = mm_mmap(0, PG, RW, MAP_SHARED, fd, 0);
    h(s)[1] = 99;
    ck_assert_int_eq(mm_msync(s, PG, MS_SYNC), 0);
    ck_assert_int_eq(pread(fd, &c, 1, 1), 1);
    ck_assert_int_eq(c, 99);
    /* /proc/self/maps view */
    char *maps = mm_format_maps();
    ck_assert_ptr_nonnull(strstr(maps, tmpl));
    ck_assert_ptr_nonnull(strstr(maps, " rw-s 00000000 "));
    ck_assert_ptr_nonnull(strstr(maps, " rw-p 00001000 "));
    g_free(maps);
    /* permissions */
    int ro = open(tmpl, O_RDONLY), wo = open(tmpl, O_WRONLY);
    ck_assert_int_eq(mm_mmap(0, PG, RW, MAP_SHARED, ro, 0), -EACCES);
    ck_assert_int_eq(mm_mmap(0, PG, PROT_READ, MAP_PRIVATE, wo, 0), -EACCES);
    int64_t r = mm_mmap(0, PG, PROT_READ, MAP_SHARED, ro, 0);
    ck_assert_int_gt(r, 0);
    ck_assert_int_eq(mm_mprotect(r, PG, RW), -EACCES);
    int64_t rp = mm_mmap(0, PG, PROT_READ, MAP_PRIVATE, ro, 0);
    ck_assert_int_eq(mm_mprotect(rp, PG, RW), 0);    /* private: fine */
    int dfd = open("/tmp", O_RDONLY);
    ck_assert_int_eq(mm_mmap(0, PG, PROT_READ, MAP_PRIVATE, dfd, 0), -ENODEV);
    ck_assert_int_eq(mm_mmap(0, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_SYNC, ro, 0), -EOPNOTSUPP);
    ck_assert_int_eq(mm_mmap(0, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_FIXED_NOREPLACE, ro, 0),
                     -EOPNOTSUPP);
    ck_assert_int_gt(mm_mmap(0, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_POPULATE, ro, 0), 0);
    ck_assert_int_eq(mm_mmap(0, PG, PROT_READ, 0x08, ro, 0), -EINVAL);     /* DROPPABLE file */
    int ap = open(tmpl, O_RDWR | O_APPEND);
    ck_assert_int_gt(mm_mmap(0, PG, RW, MAP_SHARED, ap, 0), 0);            /* O_APPEND is fine */
    close(ap);
    /* loader entry point */
    ck_assert_int_eq(mm_map_fixed(0x400000, 2 * PG, PROT_READ | PROT_EXEC, fd, 0, "/prog"), 0);
    ck_assert_int_eq(h(0x400000)[PG], 2);
    maps = mm_format_maps();
    ck_assert_ptr_nonnull(strstr(maps, "00400000-00402000 r-xp 00000000 "));
    ck_assert_ptr_nonnull(strstr(maps, " /prog\n"));
    g_free(maps);
    ck_assert_int_eq(mm_map_fixed(0x1000, PG, PROT_READ, -1, 0, NULL), -EPERM);
    unlink(tmpl);
    close(fd);
    close(ro);
    close(wo);
    close(dfd);
}
END_TEST

START_TEST(test_shared_anon)
{
    int64_t a = mm_mmap(0, 2 * PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_int_gt(a, 0);
    int64_t b = mm_mmap(0, 2 * PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_int_eq(b, a + 2 * PG);
    ck_assert_uint_eq(mm_vma_count(), 2);    /* distinct objects never merge */
    h(a)[0] = 3;
    pid_t pid = fork();
    if (pid == 0) {
        h(a)[1] = 4;
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    ck_assert_int_eq(h(a)[1], 4);            /* shared with the child */
    char *maps = mm_format_maps();
    ck_assert_ptr_nonnull(strstr(maps, "rw-s 00000000 00:01 "));
    ck_assert_ptr_nonnull(strstr(maps, "/dev/zero (deleted)"));
    g_free(maps);
    /* grow in place keeps the object */
    ck_assert_int_eq(mm_munmap(b, 2 * PG), 0);
    ck_assert_int_eq(mm_mremap(a, 2 * PG, 3 * PG, 0, 0), a);
    ck_assert_int_eq(h(a)[0], 3);
}
END_TEST

/* ---- mremap ---- */

START_TEST(test_mremap)
{
    int64_t a = mm_mmap(0, 2 * PG, RW, ANON, -1, 0);
    memset(h(a), 0x11, 2 * PG);
    /* grow in place */
    ck_assert_int_eq(mm_mremap(a, 2 * PG, 4 * PG, 0, 0), a);
    ck_assert_int_eq(h(a)[2 * PG - 1], 0x11);
    ck_assert_int_eq(h(a)[3 * PG], 0);
    ck_assert_uint_eq(mm_vma_count(), 1);
    /* blocked: ENOMEM without MAYMOVE, moves with it */
    int64_t blk = mm_mmap(a + 4 * PG, PG, PROT_READ, ANON | MAP_FIXED, -1, 0);
    ck_assert_int_eq(blk, a + 4 * PG);
    ck_assert_int_eq(mm_mremap(a, 4 * PG, 8 * PG, 0, 0), -ENOMEM);
    int64_t m = mm_mremap(a, 4 * PG, 8 * PG, MREMAP_MAYMOVE, 0);
    ck_assert_int_gt(m, 0);
    ck_assert_int_ne(m, a);
    ck_assert_int_eq(h(m)[0], 0x11);
    ck_assert_int_eq(h(m)[2 * PG - 1], 0x11);
    ck_assert_int_eq(h(m)[7 * PG], 0);
    ck_assert(!mm_access_ok(a, 1, MM_READ));
    ck_assert(mm_access_ok(m, 8 * PG, MM_WRITE));
    /* shrink */
    ck_assert_int_eq(mm_mremap(m, 8 * PG, 3 * PG, 0, 0), m);
    ck_assert(!mm_access_ok(m + 3 * PG, 1, MM_READ));
    /* fixed */
    uint64_t f = mm_mmap_base() + (1ULL << 32);
    ck_assert_int_eq(mm_mremap(m, 3 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, f), (int64_t)f);
    ck_assert_int_eq(h(f)[0], 0x11);
    ck_assert(!mm_access_ok(m, 1, MM_READ));
    /* dontunmap: old stays mapped, empty */
    uint64_t g = f + (1ULL << 30);
    ck_assert_int_eq(mm_mremap(f, 3 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, g),
                     (int64_t)g);
    ck_assert_int_eq(h(g)[0], 0x11);
    ck_assert(mm_access_ok(f, 3 * PG, MM_WRITE));
    ck_assert_int_eq(h(f)[0], 0);
    /* errno */
    ck_assert_int_eq(mm_mremap(g, PG, PG, 0x80, 0), -EINVAL);
    ck_assert_int_eq(mm_mremap(g, PG, PG, MREMAP_FIXED, f), -EINVAL);
    ck_assert_int_eq(mm_mremap(g, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0), -EINVAL);
    ck_assert_int_eq(mm_mremap(g + 1, PG, PG, 0, 0), -EINVAL);
    ck_assert_int_eq(mm_mremap(g, PG, 0, 0, 0), -EINVAL);
    ck_assert_int_eq(mm_mremap(g + 100 * PG, PG, 2 * PG, MREMAP_MAYMOVE, 0), -EFAULT);
    ck_assert_int_eq(mm_mremap(g, 4 * PG, 5 * PG, MREMAP_MAYMOVE, 0), -EFAULT);
    ck_assert_int_eq(mm_mremap(g, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, g + PG), -EINVAL);
    ck_assert_int_eq(mm_mremap(g, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, g + 1), -EINVAL);
    /* a moved file mapping keeps its offset */
    int fd = make_file(4 * PG);
    int64_t fm = mm_mmap(0, 2 * PG, PROT_READ, MAP_PRIVATE, fd, PG);
    ck_assert_int_eq(mm_mmap(fm + 2 * PG, PG, PROT_READ, ANON | MAP_FIXED, -1, 0), fm + 2 * PG);
    int64_t fm2 = mm_mremap(fm + PG, PG, 2 * PG, MREMAP_MAYMOVE, 0);
    ck_assert_int_gt(fm2, 0);
    ck_assert_int_eq(h(fm2)[0], 3);
    ck_assert_int_eq(h(fm2)[PG], 4);
    char *maps = mm_format_maps();
    ck_assert_ptr_nonnull(strstr(maps, "r--p 00002000 "));
    g_free(maps);
    /* grow a file mapping in place: new pages come from the file */
    int64_t fg = mm_mmap(mm_mmap_base() + (1ULL << 36), PG, PROT_READ, MAP_PRIVATE, fd, 0);
    ck_assert_int_eq(mm_mremap(fg, PG, 3 * PG, 0, 0), fg);
    ck_assert_int_eq(h(fg)[2 * PG], 3);
    unlink(tmpl);
    close(fd);
}
END_TEST

/* ---- brk ---- */

START_TEST(test_brk)
{
    uint64_t start = 0x600000 + 0x123;
    /* no heap before mm_brk_init */
    ck_assert_uint_eq(mm_brk(0x700000), 0);
    ck_assert_uint_eq(mm_vma_count(), 0);
    ck_assert_int_eq(mm_map_fixed(0x600000, PG, RW, -1, 0, NULL), 0);   /* bss */
    mm_brk_init(start);
    ck_assert_uint_eq(mm_brk(0), start);
    ck_assert_uint_eq(mm_brk(start + 3 * PG), start + 3 * PG);
    ck_assert(mm_access_ok(start, 3 * PG, MM_WRITE));
    h(start + 3 * PG - 1)[0] = 1;
    char *maps = mm_format_maps();
    ck_assert_ptr_nonnull(strstr(maps, "00601000-00604000 rw-p 00000000 00:00 0 "));
    ck_assert_ptr_nonnull(strstr(maps, "[heap]"));
    g_free(maps);
    /* shrink releases pages */
    ck_assert_uint_eq(mm_brk(start + PG), start + PG);
    ck_assert(!mm_access_ok(0x602000, 1, MM_READ));
    /* below the start: refused, returns the current break */
    ck_assert_uint_eq(mm_brk(start - 1), start + PG);
    /* grows again, zeroed */
    ck_assert_uint_eq(mm_brk(start + 3 * PG), start + 3 * PG);
    ck_assert_int_eq(h(start + 3 * PG - 1)[0], 0);
    /* blocked by a mapping (Linux wants one free page after the heap) */
    ck_assert_int_eq(mm_mmap(0x608000, PG, PROT_READ, ANON | MAP_FIXED, -1, 0), 0x608000);
    ck_assert_uint_eq(mm_brk(0x607000), 0x607000);
    ck_assert_uint_eq(mm_brk(0x607001), 0x607000);
    ck_assert_uint_eq(mm_brk(0x700000), 0x607000);
}
END_TEST

/* ---- validated access ---- */

START_TEST(test_access)
{
    int64_t a = mm_mmap(0, 2 * PG, RW, ANON, -1, 0);
    ck_assert_int_eq(mm_mmap(a + 2 * PG, PG, PROT_READ, ANON | MAP_FIXED, -1, 0), a + 2 * PG);
    ck_assert(mm_access_ok(a, 3 * PG, MM_READ));
    ck_assert(!mm_access_ok(a, 3 * PG, MM_WRITE));
    ck_assert(!mm_access_ok(a, 3 * PG + 1, MM_READ));
    ck_assert(mm_access_ok(12345, 0, MM_READ));
    ck_assert(!mm_access_ok(UINT64_MAX - 10, 100, MM_READ));
    ck_assert(!mm_access_ok(guest_addr_limit, 1, MM_READ));
    ck_assert_ptr_null(mm_guest_ptr(a, 3 * PG, MM_WRITE));
    ck_assert_ptr_nonnull(mm_guest_ptr(a, 2 * PG, MM_WRITE));
    char buf[16] = "hello";
    ck_assert_int_eq(mm_copy_to_guest(a + 10, buf, 6), 0);
    ck_assert_int_eq(mm_copy_to_guest(a + 2 * PG, buf, 6), -EFAULT);
    ck_assert_int_eq(mm_copy_to_guest(a + 5 * PG, buf, 6), -EFAULT);
    memset(buf, 0, sizeof(buf));
    ck_assert_int_eq(mm_copy_from_guest(buf, a + 10, 6), 0);
    ck_assert_str_eq(buf, "hello");
    ck_assert_int_eq(mm_copy_from_guest(buf, a + 3 * PG - 2, 6), -EFAULT);
    int err = 1;
    char *s = mm_strdup_from_guest(a + 10, 100, &err);
    ck_assert_str_eq(s, "hello");
    ck_assert_int_eq(err, 0);
    g_free(s);
    ck_assert_ptr_null(mm_strdup_from_guest(a + 10, 5, &err));
    ck_assert_int_eq(err, -ENAMETOOLONG);
    s = mm_strdup_from_guest(a + 10, 6, &err);
    ck_assert_str_eq(s, "hello");
    g_free(s);
    /* a string running into unmapped memory */
    memset(h(a + 2 * PG - 8), 'x', 8);
    ck_assert_int_eq(mm_mprotect(a + 2 * PG, PG, RW), 0);
    memset(h(a + 2 * PG), 'y', PG);
    ck_assert_ptr_null(mm_strdup_from_guest(a + 2 * PG - 8, 1 << 20, &err));
    ck_assert_int_eq(err, -EFAULT);
    /* crossing a page boundary */
    h(a + 2 * PG + 5)[0] = 0;
    s = mm_strdup_from_guest(a + 2 * PG - 8, 100, &err);
    ck_assert_uint_eq(strlen(s), 13);
    g_free(s);
    ck_assert_ptr_null(mm_strdup_from_guest(0, 10, &err));
    ck_assert_int_eq(err, -EFAULT);
}
END_TEST

START_TEST(test_madvise_msync_mlock_mincore)
{
    int64_t a = mm_mmap(0, 4 * PG, RW, ANON, -1, 0);
    h(a)[0] = 9;
    h(a)[2 * PG] = 9;
    ck_assert_int_eq(mm_madvise(a, PG, MADV_DONTNEED), 0);
    ck_assert_int_eq(h(a)[0], 0);
    ck_assert_int_eq(h(a)[2 * PG], 9);
    ck_assert_int_eq(mm_madvise(a, PG, 9999), -EINVAL);
    ck_assert_int_eq(mm_madvise(a + 1, PG, MADV_NORMAL), -EINVAL);
    ck_assert_int_eq(mm_madvise(a, 0, MADV_NORMAL), 0);
    ck_assert_int_eq(mm_madvise(a, 8 * PG, MADV_WILLNEED), -ENOMEM);
    ck_assert_int_eq(mm_madvise(a + 100 * PG, PG, MADV_DONTNEED), -ENOMEM);
    ck_assert_int_eq(mm_madvise(a, PG, MADV_HWPOISON), -EPERM);
    ck_assert_int_eq(mm_msync(a, PG, MS_SYNC), 0);
    ck_assert_int_eq(mm_msync(a, PG, MS_SYNC | MS_ASYNC), -EINVAL);
    ck_assert_int_eq(mm_msync(a + 1, PG, MS_SYNC), -EINVAL);
    ck_assert_int_eq(mm_msync(a, 8 * PG, MS_SYNC), -ENOMEM);
    ck_assert_int_eq(mm_mlock(a + 5, 100), 0);
    ck_assert_int_eq(mm_mlock(a, 5 * PG), -ENOMEM);
    /* mincore: residency into a guest vector */
    int64_t v = mm_mmap(0, PG, RW, ANON, -1, 0);
    ck_assert_int_eq(mm_mincore(a, 4 * PG, v), 0);
    ck_assert_int_eq(h(v)[1], 0);       /* never touched */
    ck_assert_int_eq(h(v)[2], 1);
    ck_assert_int_eq(mm_mincore(a + 1, PG, v), -EINVAL);
    ck_assert_int_eq(mm_mincore(a, 6 * PG, v), -ENOMEM);
    ck_assert_int_eq(mm_mincore(a, PG, a + 100 * PG), -EFAULT);
}
END_TEST

/* ---- introspection ---- */

static void count_cb(const MMVmaInfo *info, void *opaque)
{
    size_t *n = opaque;
    ck_assert_uint_lt(info->start, info->end);
    (*n)++;
}

START_TEST(test_maps_format)
{
    int64_t a = mm_mmap(0, 2 * PG, RW, ANON, -1, 0);
    mm_mmap(0, PG, PROT_READ | PROT_EXEC, ANON, -1, 0);
    mm_set_name(a, 2 * PG, "[stack]");
    size_t n = 0;
    mm_foreach_vma(count_cb, &n);
    ck_assert_uint_eq(n, mm_vma_count());
    ck_assert_uint_eq(n, 2);
    char *maps = mm_format_maps();
    char want[256];
    snprintf(want, sizeof(want), "%08llx-%08llx rw-p 00000000 00:00 0 ",
             (unsigned long long)a, (unsigned long long)a + 2 * PG);
    ck_assert_ptr_eq(strstr(maps, want), maps);
    /* the name starts in column 74, as in Linux */
    char *nl = strchr(maps, '\n');
    ck_assert_int_eq(nl - maps, 73 + 7);
    ck_assert_int_eq(strncmp(maps + 73, "[stack]", 7), 0);
    ck_assert_ptr_nonnull(strstr(nl + 1, " r-xp 00000000 00:00 0 \n"));
    g_free(maps);
}
END_TEST

/* ---- the scenario of issue 2 ---- */

static long vm_rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof(line), f)) {
        if (sscanf(line, "VmRSS: %ld", &kb) == 1) {
            break;
        }
    }
    if (f) {
        fclose(f);
    }
    return kb;
}

static void churn(int iters, bool pinned)
{
    const uint64_t big = 6ULL << 30, head = 64ULL << 20, stride = 64 << 10;
    int64_t keep = mm_mmap(0, PG, RW, ANON, -1, 0);
    ck_assert_int_gt(keep, 0);
    size_t baseline = mm_vma_count();
    long rss0 = 0, rss_max = 0;
    GArray *pins = g_array_new(false, false, sizeof(int64_t));
    for (int i = 0; i < iters; i++) {
        int64_t a = mm_mmap(0, big, PROT_NONE, ANON | MAP_NORESERVE, -1, 0);
        ck_assert_int_gt(a, 0);
        ck_assert_int_eq(mm_mprotect(a, head, RW), 0);
        for (uint64_t off = 0; off < head; off += stride) {
            h(a + off)[0] = 1;
        }
        if (pinned) {
            /* a small mapping right above the big one survives it */
            int64_t p = mm_mmap(a + big, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
            ck_assert(p == a + (int64_t)big || p == -EEXIST);
            if (p > 0) {
                g_array_append_val(pins, p);
            }
        }
        ck_assert_int_eq(mm_munmap(a, big), 0);
        if (i == 10) {
            rss0 = vm_rss_kb();
        }
        if (i > 10 && i % 50 == 0) {
            long r = vm_rss_kb();
            rss_max = r > rss_max ? r : rss_max;
        }
    }
    for (guint i = 0; i < pins->len; i++) {
        ck_assert_int_eq(mm_munmap(g_array_index(pins, int64_t, i), PG), 0);
    }
    g_array_free(pins, true);
    ck_assert_uint_eq(mm_vma_count(), baseline);
    /* RSS stays flat: far below one iteration's 64 MiB of touched memory
     * kept even once, let alone accumulated. */
    ck_assert_msg(rss_max - rss0 < 16 * 1024, "RSS grew from %ld kB to %ld kB", rss0, rss_max);
    ck_assert_int_eq(mm_munmap(keep, PG), 0);
    ck_assert_uint_eq(mm_vma_count(), baseline - 1);
}

START_TEST(test_churn_6g)
{
    churn(2000, false);
}
END_TEST

START_TEST(test_churn_6g_pinned)
{
    churn(2000, true);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mm");
    TCase *tc = tcase_create("api");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_layout);
    tcase_add_test(tc, test_mmap_anon_placement_and_reuse);
    tcase_add_test(tc, test_mmap_errno);
    tcase_add_test(tc, test_map_fixed_replaces_and_splits);
    tcase_add_test(tc, test_host_protection_and_faults);
    tcase_add_test(tc, test_code_page_write_protection);
    tcase_add_test(tc, test_code_pages_without_hook);
    tcase_add_test(tc, test_fetch_code);
    tcase_add_test(tc, test_file_mappings);
    tcase_add_test(tc, test_shared_anon);
    tcase_add_test(tc, test_mremap);
    tcase_add_test(tc, test_brk);
    tcase_add_test(tc, test_access);
    tcase_add_test(tc, test_madvise_msync_mlock_mincore);
    tcase_add_test(tc, test_maps_format);
    tcase_add_test(tc, test_churn_6g);
    tcase_add_test(tc, test_churn_6g_pinned);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
