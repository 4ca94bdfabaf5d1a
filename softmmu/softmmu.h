/*
 * softmmu/softmmu.h — the guest address space.
 *
 * The VMA tracker (softmmu/vma.c) is the single truth about what the guest
 * has mapped.  Guest memory lives in one host reservation: guest address g
 * is host address guest_base + g (guest_base is 0 — identity — whenever the
 * host layout allows), and only addresses below guest_addr_limit exist.
 * Host protections in the reservation follow the tracker, except that pages
 * holding translated code are kept write-protected so that a guest store
 * into them is seen (and the stale translations dropped).
 *
 * Nothing outside softmmu/ turns a guest address into a host pointer,
 * except the backends' inline access (guest_base + g after a bounds check).
 * All functions return negative Linux errno values on failure, as the
 * corresponding Linux syscall would.
 */
#ifndef SOFTMMU_H
#define SOFTMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define GUEST_PAGE_SIZE 4096ULL
#define GUEST_PAGE_MASK (~(GUEST_PAGE_SIZE - 1))

/* Default guest layout (see docs/address-space.md). */
#define GUEST_ADDR_LIMIT_DEFAULT (1ULL << 46)   /* 64 TiB */
#define GUEST_MMAP_MIN_ADDR      0x10000ULL     /* like vm.mmap_min_addr */

extern uintptr_t guest_base;
extern uint64_t guest_addr_limit;

/* Reserve the host region that backs guest memory; called once at start-up.
 * Prefers guest_base 0.  Returns 0 or -errno (message printed). */
int mm_init(void);

/* Layout points chosen by mm_init(). */
uint64_t mm_mmap_base(void);      /* where non-fixed mmaps start searching */
uint64_t mm_stack_top(void);      /* one past the highest stack byte */
uint64_t mm_pie_base(void);       /* load bias for ET_DYN programs */
uint64_t mm_interp_base(void);    /* load bias for the ELF interpreter */

/* Hook the core registers: drop translations of guest [start, end). */
typedef void (*MMInvalidateFn)(uint64_t start, uint64_t end);
void mm_set_invalidate_hook(MMInvalidateFn fn);

/* ---- Linux memory syscalls (guest semantics; returns like the kernel) ---- */
int64_t mm_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t offset);
int mm_munmap(uint64_t addr, uint64_t len);
int mm_mprotect(uint64_t addr, uint64_t len, int prot);
int64_t mm_mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr);
int mm_madvise(uint64_t addr, uint64_t len, int advice);
int mm_msync(uint64_t addr, uint64_t len, int flags);
int mm_mlock(uint64_t addr, uint64_t len);     /* range check only */
int mm_mincore(uint64_t addr, uint64_t len, uint64_t vec);
/* System V shared memory: shmat(2)/shmdt(2) of host segment shmid. */
int64_t mm_shmat(int shmid, uint64_t addr, int shmflg);
int mm_shmdt(uint64_t addr);
/* The guest's RLIMIT_AS and RLIMIT_DATA (UINT64_MAX: none), applied to
 * its mappings and brk as Linux applies them; initially the host's. */
void mm_set_rlimits(uint64_t as, uint64_t data);
void mm_get_rlimits(uint64_t *as, uint64_t *data);
/* Before exec: put the guest's limits back as the host's soft limits. */
void mm_restore_host_rlimits(void);
/* After a failed exec: lift them for emu again. */
void mm_lift_host_rlimits(void);
/* Initialized data of the program (counts against RLIMIT_DATA with brk). */
void mm_brk_set_static_data(uint64_t bytes);
/* brk: set the initial break (end of the program's bss), then brk(2). */
void mm_brk_init(uint64_t start);
uint64_t mm_brk(uint64_t new_brk);

/* Map a region for the loader: like mmap(MAP_FIXED|MAP_PRIVATE) of a file or
 * anonymous (fd < 0) memory, with a name shown in /proc/self/maps (may be
 * NULL).  Returns 0 or -errno. */
int mm_map_fixed(uint64_t addr, uint64_t len, int prot, int fd, uint64_t offset, const char *name);
/* Find a free guest range of len bytes (page multiple) at or above hint;
 * returns 0 if none. */
uint64_t mm_find_free(uint64_t hint, uint64_t len);
/* Give a name to existing mappings in [addr, addr+len) ("[stack]", "[heap]"). */
void mm_set_name(uint64_t addr, uint64_t len, const char *name);

/* ---- validated guest memory access for syscalls and helpers ---- */
#define MM_READ  1
#define MM_WRITE 2
/* True if every byte of [addr, addr+len) is mapped with the given access. */
bool mm_access_ok(uint64_t addr, uint64_t len, int access);
/* Host pointer for [addr, addr+len) if mm_access_ok; for MM_WRITE also drops
 * translations in the range and makes it host-writable.  NULL = EFAULT.
 * The pointer is valid until the guest changes its mappings. */
void *mm_guest_ptr(uint64_t addr, uint64_t len, int access);
/* Copies; return 0 or -EFAULT (a partial copy may have happened). */
int mm_copy_from_guest(void *dst, uint64_t src, size_t len);
int mm_copy_to_guest(uint64_t dst, const void *src, size_t len);
/* NUL-terminated string of at most max bytes (incl. NUL) from the guest.
 * Returns a g_malloc'ed copy, or NULL with *err = -EFAULT / -ENAMETOOLONG. */
char *mm_strdup_from_guest(uint64_t addr, size_t max, int *err);

/* ---- code fetch and translated-code tracking ---- */
/* Copy up to len instruction bytes at addr into buf; stops at the first byte
 * that is not mapped executable.  Returns the number copied. */
size_t mm_fetch_code(uint64_t addr, uint8_t *buf, size_t len);
/* Note that translated code now depends on guest page `page`: from now on a
 * guest write to it invalidates its translations first. */
void mm_mark_code_page(uint64_t page);
/* Does [addr, addr+len) lie (partly) in MAP_SHARED memory?  Such code can
 * change without a store through this mapping (another mapping of the
 * same object, another process, write(2) to the file): the core checks
 * its bytes before running it. */
bool mm_code_is_shared(uint64_t addr, uint64_t len);
/* Are the guest bytes at addr still copy[0..len)?  Plain reads: call it
 * only where a host fault counts as the guest's own (instruction fetch). */
bool mm_code_unchanged(uint64_t addr, const uint8_t *copy, size_t len);

/* ---- faults ---- */
typedef enum MMFaultResult {
    MM_FAULT_RETRY,    /* handled (code page unprotected): re-run the access */
    MM_FAULT_SEGV,     /* guest SIGSEGV; *si_code = SEGV_MAPERR / SEGV_ACCERR */
    MM_FAULT_BUS,      /* guest SIGBUS (e.g. beyond the end of a file mapping) */
    MM_FAULT_NOT_GUEST,/* not a guest address: an emulator bug */
} MMFaultResult;
/* Classify a host fault at host address haddr.  *gaddr receives the guest
 * address.  Async-signal context: called from the host SIGSEGV handler. */
MMFaultResult mm_handle_host_fault(uintptr_t haddr, bool is_write, uint64_t *gaddr, int *si_code);
/* (mm_handle_host_fault first ends softmmu's own guarded copies — of file
 * pages that may lie past EOF — by a jump back into them.) */
bool mm_probe_fault(void);
/* Classify an access to guest address gaddr that the inline bounds check
 * rejected (beyond guest_addr_limit): always SEGV_MAPERR, for symmetry. */

/* ---- introspection ---- */
typedef struct MMVmaInfo {
    uint64_t start, end;
    int prot;            /* guest PROT_* */
    int flags;           /* guest MAP_SHARED/MAP_PRIVATE/MAP_ANONYMOUS/... */
    uint64_t offset;     /* file offset */
    uint64_t dev, inode;
    const char *name;    /* path, "[heap]", "[stack]" or NULL */
} MMVmaInfo;
typedef void (*MMVmaFn)(const MMVmaInfo *info, void *opaque);
void mm_foreach_vma(MMVmaFn fn, void *opaque);
size_t mm_vma_count(void);        /* tracker nodes in use */
/* Write the guest's /proc/self/maps text into a g_malloc'ed string. */
char *mm_format_maps(void);
/* /proc/self/smaps (or smaps_rollup) text for the guest (procmaps.c). */
char *mm_format_smaps(bool rollup);

#endif
