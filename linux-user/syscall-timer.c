/*
 * linux-user/syscall-timer.c — POSIX per-process timers (timer_create and
 * friends).
 *
 * The timers are the host kernel's: expiry sends a host signal to emu's
 * process (SIGEV_SIGNAL) or to one host thread (SIGEV_THREAD_ID; guest
 * tids are host tids, one host thread per guest thread), and signal.c
 * hands it to the guest as it does any asynchronous signal.  They run on
 * host time, so under -icount their expiry is not deterministic (as
 * setitimer's and alarm's are not).
 */
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "linux-user/internal.h"
#include "softmmu/softmmu.h"

#define RAW(...) host_ret(syscall(__VA_ARGS__))

/* struct sigevent as the x86_64 kernel reads it. */
typedef struct TargetSigevent {
    uint64_t sigev_value;
    int32_t sigev_signo;
    int32_t sigev_notify;
    int32_t sigev_tid;          /* SIGEV_THREAD_ID */
    uint8_t pad[44];
} TargetSigevent;
_Static_assert(sizeof(TargetSigevent) == 64, "x86_64 struct sigevent");
_Static_assert(sizeof(struct itimerspec) == 32, "x86_64 struct itimerspec");

int64_t sys_timer_create(CPUX86State *env, const uint64_t *a)
{
    TargetSigevent sev;
    if (a[1] && mm_copy_from_guest(&sev, a[1], sizeof(sev)) < 0) {
        return -EFAULT;
    }
    if (!g_ptr_w(a[2], sizeof(int32_t))) {
        return -EFAULT;
    }
    int32_t id;
    int64_t r = RAW(SYS_timer_create, (clockid_t)a[0], a[1] ? &sev : NULL, &id);
    if (r < 0) {
        return r;
    }
    if (mm_copy_to_guest(a[2], &id, sizeof(id)) < 0) {
        syscall(SYS_timer_delete, id);
        return -EFAULT;
    }
    return 0;
}

int64_t sys_timer_settime(CPUX86State *env, const uint64_t *a)
{
    struct itimerspec in, out;
    if (mm_copy_from_guest(&in, a[2], sizeof(in)) < 0) {
        return -EFAULT;
    }
    if (a[3] && !g_ptr_w(a[3], sizeof(out))) {
        return -EFAULT;
    }
    int64_t r = RAW(SYS_timer_settime, (int)a[0], (int)a[1], &in, a[3] ? &out : NULL);
    if (r == 0 && a[3] && mm_copy_to_guest(a[3], &out, sizeof(out)) < 0) {
        return -EFAULT;
    }
    return r;
}

int64_t sys_timer_gettime(CPUX86State *env, const uint64_t *a)
{
    struct itimerspec cur;
    int64_t r = RAW(SYS_timer_gettime, (int)a[0], &cur);
    if (r == 0 && mm_copy_to_guest(a[1], &cur, sizeof(cur)) < 0) {
        return -EFAULT;
    }
    return r;
}

int64_t sys_timer_getoverrun(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_timer_getoverrun, (int)a[0]);
}

int64_t sys_timer_delete(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_timer_delete, (int)a[0]);
}
