/*
 * linux-user/syscall-task.c — per-task attributes that are the host's to
 * keep: capabilities, I/O priority, scheduling parameters, unshare.
 *
 * The calls act on emu's own host thread or process, which is the guest
 * thread or process (one host thread per guest thread), so pass-through
 * gives the guest exactly the native answer.
 */
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "linux-user/internal.h"
#include "softmmu/softmmu.h"

#define RAW(...) host_ret(syscall(__VA_ARGS__))

/* Data words a capability header version uses (0: unknown version). */
static int cap_words(uint32_t version)
{
    switch (version) {
    case _LINUX_CAPABILITY_VERSION_1:
        return 1;
    case _LINUX_CAPABILITY_VERSION_2:
    case _LINUX_CAPABILITY_VERSION_3:
        return 2;
    default:
        return 0;
    }
}

int64_t sys_capget(CPUX86State *env, const uint64_t *a)
{
    struct __user_cap_header_struct hdr;
    struct __user_cap_data_struct data[2];
    if (mm_copy_from_guest(&hdr, a[0], sizeof(hdr)) < 0) {
        return -EFAULT;
    }
    int n = cap_words(hdr.version);
    /* An unknown version is answered with the preferred one, and EINVAL
     * if a data pointer came with it. */
    int64_t r = RAW(SYS_capget, &hdr, a[1] ? data : NULL);
    if (mm_copy_to_guest(a[0], &hdr, sizeof(hdr)) < 0) {
        return -EFAULT;
    }
    if (r == 0 && a[1] && n && mm_copy_to_guest(a[1], data, n * sizeof(data[0])) < 0) {
        return -EFAULT;
    }
    return r;
}

int64_t sys_capset(CPUX86State *env, const uint64_t *a)
{
    struct __user_cap_header_struct hdr;
    struct __user_cap_data_struct data[2] = { 0 };
    if (mm_copy_from_guest(&hdr, a[0], sizeof(hdr)) < 0) {
        return -EFAULT;
    }
    int n = cap_words(hdr.version);
    if (n == 0) {
        int64_t r = RAW(SYS_capset, &hdr, NULL);
        mm_copy_to_guest(a[0], &hdr, sizeof(hdr));
        return r;
    }
    if (mm_copy_from_guest(data, a[1], n * sizeof(data[0])) < 0) {
        return -EFAULT;
    }
    return RAW(SYS_capset, &hdr, data);
}

int64_t sys_ioprio_set(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_ioprio_set, (int)a[0], (int)a[1], (int)a[2]);
}

int64_t sys_ioprio_get(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_ioprio_get, (int)a[0], (int)a[1]);
}

int64_t sys_sched_setparam(CPUX86State *env, const uint64_t *a)
{
    struct sched_param p;
    if (mm_copy_from_guest(&p, a[1], sizeof(p)) < 0) {
        return -EFAULT;
    }
    return RAW(SYS_sched_setparam, (pid_t)a[0], &p);
}

int64_t sys_sched_rr_get_interval(CPUX86State *env, const uint64_t *a)
{
    struct timespec ts;
    int64_t r = RAW(SYS_sched_rr_get_interval, (pid_t)a[0], &ts);
    if (r == 0 && mm_copy_to_guest(a[1], &ts, sizeof(ts)) < 0) {
        return -EFAULT;
    }
    return r;
}

int64_t sys_unshare(CPUX86State *env, const uint64_t *a)
{
    /* Sharing the address space or signal handlers differently from the
     * other guest threads is what emu cannot express in one host process:
     * Linux itself refuses these for multi-threaded processes. */
    if ((a[0] & (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD)) && lu_thread_count() > 1) {
        return -EINVAL;
    }
    return RAW(SYS_unshare, (int)(a[0] & ~(uint64_t)(CLONE_VM | CLONE_SIGHAND | CLONE_THREAD)));
}
