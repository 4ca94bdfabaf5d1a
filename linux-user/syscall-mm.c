/*
 * linux-user/syscall-mm.c — memory syscalls: all semantics (MAP_FIXED,
 * splits, placement, EFAULT/EINVAL/ENOMEM) are softmmu's; these only
 * unpack arguments.
 */
#include <sys/mman.h>

#include "linux-user/internal.h"
#include "softmmu/softmmu.h"

int64_t sys_mmap(CPUX86State *env, const uint64_t *a)
{
    return mm_mmap(a[0], a[1], (int)a[2], (int)a[3], (int)a[4], a[5]);
}

int64_t sys_munmap(CPUX86State *env, const uint64_t *a)
{
    return mm_munmap(a[0], a[1]);
}

int64_t sys_mprotect(CPUX86State *env, const uint64_t *a)
{
    return mm_mprotect(a[0], a[1], (int)a[2]);
}

int64_t sys_mremap(CPUX86State *env, const uint64_t *a)
{
    return mm_mremap(a[0], a[1], a[2], (int)a[3], a[4]);
}

int64_t sys_madvise(CPUX86State *env, const uint64_t *a)
{
    return mm_madvise(a[0], a[1], (int)a[2]);
}

int64_t sys_msync(CPUX86State *env, const uint64_t *a)
{
    return mm_msync(a[0], a[1], (int)a[2]);
}

int64_t sys_mincore(CPUX86State *env, const uint64_t *a)
{
    return mm_mincore(a[0], a[1], a[2]);
}

int64_t sys_mlock(CPUX86State *env, const uint64_t *a)
{
    return mm_mlock(a[0], a[1]);
}

int64_t sys_munlock(CPUX86State *env, const uint64_t *a)
{
    return mm_mlock(a[0], a[1]);
}

int64_t sys_mlockall(CPUX86State *env, const uint64_t *a)
{
    /* MCL_CURRENT 1, MCL_FUTURE 2, MCL_ONFAULT 4; ONFAULT alone is EINVAL. */
    uint64_t f = a[0];
    if (f == 0 || (f & ~7ULL) || f == 4) {
        return -EINVAL;
    }
    return 0;   /* guest memory is not locked: nothing to promise */
}

int64_t sys_munlockall(CPUX86State *env, const uint64_t *a)
{
    return 0;
}

int64_t sys_brk(CPUX86State *env, const uint64_t *a)
{
    return (int64_t)mm_brk(a[0]);
}

int64_t sys_mlock2(CPUX86State *env, const uint64_t *a)
{
    /* MLOCK_ONFAULT is the only flag Linux knows. */
    if (a[2] & ~1ULL) {
        return -EINVAL;
    }
    return mm_mlock(a[0], a[1]);
}

/* Memory protection keys: no CPU model advertises PKU/OSPKE, so, as Linux
 * on such a CPU, no key can be allocated and only the default key (-1)
 * is accepted. */
int64_t sys_pkey_mprotect(CPUX86State *env, const uint64_t *a)
{
    if ((int)a[3] != -1) {
        return -EINVAL;
    }
    return mm_mprotect(a[0], a[1], (int)a[2]);
}

int64_t sys_pkey_alloc(CPUX86State *env, const uint64_t *a)
{
    if (a[0] != 0 || (a[1] & ~3ULL)) {  /* PKEY_DISABLE_ACCESS | PKEY_DISABLE_WRITE */
        return -EINVAL;
    }
    return -ENOSPC;
}

int64_t sys_pkey_free(CPUX86State *env, const uint64_t *a)
{
    return -EINVAL;
}
