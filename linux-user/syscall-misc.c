/*
 * linux-user/syscall-misc.c — process, identity, time, limits, randomness,
 * signals (recording), futex and the other non-file syscalls (fork, clone
 * of processes and wait: fork.c).
 *
 * Host and guest are both x86_64 Linux, so the kernel structures passed
 * here (timespec, rusage, utsname, sysinfo, tms, rlimit, siginfo) have
 * the same layout on both sides; the sizes below are the x86_64 ABI's and
 * are checked against the host's at compile time.  Guest buffers are
 * always validated through softmmu (EFAULT) before the host touches them.
 */
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "emu/vclock.h"
#include "emu/log.h"
#include "linux-user/internal.h"
#include "linux-user/safe-syscall.h"
#include "softmmu/softmmu.h"

_Static_assert(sizeof(struct timespec) == 16, "x86_64 timespec");
_Static_assert(sizeof(struct timeval) == 16, "x86_64 timeval");
_Static_assert(sizeof(struct rusage) == 144, "x86_64 rusage");
_Static_assert(sizeof(struct utsname) == 390, "x86_64 utsname");
_Static_assert(sizeof(struct sysinfo) == 112, "x86_64 sysinfo");
_Static_assert(sizeof(struct tms) == 32, "x86_64 tms");
_Static_assert(sizeof(struct rlimit) == 16, "x86_64 rlimit");
_Static_assert(sizeof(siginfo_t) == 128, "x86_64 siginfo");
_Static_assert(sizeof(struct itimerval) == 32, "x86_64 itimerval");

#define RAW(...) host_ret(syscall(__VA_ARGS__))

/* Copy a host struct out to the guest: 0 or -EFAULT. */
static int put_guest(uint64_t addr, const void *src, size_t len)
{
    return mm_copy_to_guest(addr, src, len) < 0 ? -EFAULT : 0;
}

static int get_guest(void *dst, uint64_t addr, size_t len)
{
    return mm_copy_from_guest(dst, addr, len) < 0 ? -EFAULT : 0;
}

/* ---- exit ---- */

/* The strace line of a call that does not return ends like strace's. */
static void strace_noreturn(void)
{
    if (emu_log_enabled(LOG_STRACE)) {
        qemu_log(" = ?\n");
    }
}

int64_t sys_exit(CPUX86State *env, const uint64_t *a)
{
    /* This thread only; the last one leaving ends the process. */
    strace_noreturn();
    thread_exit(env, (int)a[0]);
}

int64_t sys_exit_group(CPUX86State *env, const uint64_t *a)
{
    strace_noreturn();
    lu_exit((int)a[0]);
}

/* ---- identity ---- */

int64_t sys_getpid(CPUX86State *env, const uint64_t *a)  { return lu_proc.pid; }
int64_t sys_gettid(CPUX86State *env, const uint64_t *a)  { return task_state(env)->tid; }
int64_t sys_getppid(CPUX86State *env, const uint64_t *a) { return getppid(); }
int64_t sys_getuid(CPUX86State *env, const uint64_t *a)  { return getuid(); }
int64_t sys_geteuid(CPUX86State *env, const uint64_t *a) { return geteuid(); }
int64_t sys_getgid(CPUX86State *env, const uint64_t *a)  { return getgid(); }
int64_t sys_getegid(CPUX86State *env, const uint64_t *a) { return getegid(); }
int64_t sys_getpgrp(CPUX86State *env, const uint64_t *a) { return RAW(SYS_getpgid, 0); }
int64_t sys_setsid(CPUX86State *env, const uint64_t *a)  { return RAW(SYS_setsid); }
int64_t sys_setpgid(CPUX86State *env, const uint64_t *a) { return RAW(SYS_setpgid, (pid_t)a[0], (pid_t)a[1]); }
int64_t sys_getpgid(CPUX86State *env, const uint64_t *a) { return RAW(SYS_getpgid, (pid_t)a[0]); }
int64_t sys_getsid(CPUX86State *env, const uint64_t *a)  { return RAW(SYS_getsid, (pid_t)a[0]); }
/* Raw syscalls: they change this thread only, as the guest's would. */
int64_t sys_setuid(CPUX86State *env, const uint64_t *a)  { return RAW(SYS_setuid, (uid_t)a[0]); }
int64_t sys_setgid(CPUX86State *env, const uint64_t *a)  { return RAW(SYS_setgid, (gid_t)a[0]); }
int64_t sys_setreuid(CPUX86State *env, const uint64_t *a) { return RAW(SYS_setreuid, (uid_t)a[0], (uid_t)a[1]); }
int64_t sys_setregid(CPUX86State *env, const uint64_t *a) { return RAW(SYS_setregid, (gid_t)a[0], (gid_t)a[1]); }
int64_t sys_setresuid(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_setresuid, (uid_t)a[0], (uid_t)a[1], (uid_t)a[2]);
}
int64_t sys_setresgid(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_setresgid, (gid_t)a[0], (gid_t)a[1], (gid_t)a[2]);
}
int64_t sys_setfsuid(CPUX86State *env, const uint64_t *a) { return RAW(SYS_setfsuid, (uid_t)a[0]); }
int64_t sys_setfsgid(CPUX86State *env, const uint64_t *a) { return RAW(SYS_setfsgid, (gid_t)a[0]); }

static int64_t get_res_ids(uint64_t pr, uint64_t pe, uint64_t ps, bool gid)
{
    uint32_t r, e, s;
    if (gid) {
        getresgid(&r, &e, &s);
    } else {
        getresuid(&r, &e, &s);
    }
    if (put_guest(pr, &r, 4) || put_guest(pe, &e, 4) || put_guest(ps, &s, 4)) {
        return -EFAULT;
    }
    return 0;
}

int64_t sys_getresuid(CPUX86State *env, const uint64_t *a) { return get_res_ids(a[0], a[1], a[2], false); }
int64_t sys_getresgid(CPUX86State *env, const uint64_t *a) { return get_res_ids(a[0], a[1], a[2], true); }

int64_t sys_getgroups(CPUX86State *env, const uint64_t *a)
{
    int size = (int)a[0];
    if (size < 0) {
        return -EINVAL;
    }
    if (size == 0) {
        return RAW(SYS_getgroups, 0, NULL);
    }
    void *p = g_ptr_w(a[1], (uint64_t)size * 4);
    if (!p) {
        /* Linux reports EINVAL for a too-small size before touching it. */
        int64_t n = RAW(SYS_getgroups, 0, NULL);
        return n > size ? -EINVAL : -EFAULT;
    }
    return RAW(SYS_getgroups, size, p);
}

int64_t sys_setgroups(CPUX86State *env, const uint64_t *a)
{
    int size = (int)a[0];
    if (size < 0 || size > 65536) {
        return -EINVAL;
    }
    void *p = g_ptr_r(a[1], (uint64_t)size * 4);
    if (!p) {
        return -EFAULT;
    }
    return RAW(SYS_setgroups, size, p);
}

int64_t sys_set_tid_address(CPUX86State *env, const uint64_t *a)
{
    task_state(env)->clear_child_tid = a[0];
    return task_state(env)->tid;
}

int64_t sys_set_robust_list(CPUX86State *env, const uint64_t *a)
{
    if (a[1] != 24) {   /* sizeof(struct robust_list_head) */
        return -EINVAL;
    }
    task_state(env)->robust_list = a[0];
    task_state(env)->robust_list_len = a[1];
    return 0;
}

int64_t sys_get_robust_list(CPUX86State *env, const uint64_t *a)
{
    int pid = (int)a[0];
    uint64_t len = 24;
    if (pid != 0 && pid != task_state(env)->tid) {
        return -ESRCH;
    }
    if (put_guest(a[2], &len, 8) || put_guest(a[1], &task_state(env)->robust_list, 8)) {
        return -EFAULT;
    }
    return 0;
}

int64_t sys_rseq(CPUX86State *env, const uint64_t *a)
{
    return -ENOSYS;     /* glibc then does without (rseq_size 0) */
}

int64_t sys_restart_syscall(CPUX86State *env, const uint64_t *a)
{
    return -EINTR;
}

int64_t sys_personality(CPUX86State *env, const uint64_t *a)
{
    static uint32_t persona;    /* PER_LINUX */
    uint32_t old = persona;
    if ((uint32_t)a[0] != 0xffffffffu) {
        persona = (uint32_t)a[0];   /* recorded; emu's layout does not change */
    }
    return old;
}

/* ---- arch_prctl ---- */

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define ARCH_GET_CPUID 0x1011
#define ARCH_SET_CPUID 0x1012
#define TASK_SIZE_MAX 0x7ffffffff000ULL

int64_t sys_arch_prctl(CPUX86State *env, const uint64_t *a)
{
    switch (a[0]) {
    case ARCH_SET_FS:
    case ARCH_SET_GS:
        if (a[1] >= TASK_SIZE_MAX) {
            return -EPERM;
        }
        if (a[0] == ARCH_SET_FS) {
            env->fs_base = a[1];
        } else {
            env->gs_base = a[1];
        }
        return 0;
    case ARCH_GET_FS:
        return put_guest(a[1], &env->fs_base, 8);
    case ARCH_GET_GS:
        return put_guest(a[1], &env->gs_base, 8);
    case ARCH_GET_CPUID:
        return 1;       /* cpuid does not fault */
    case ARCH_SET_CPUID:
        return -ENODEV; /* no CPUID faulting */
    default:
        return -EINVAL; /* CET, AMX, LAM ...: not offered */
    }
}

/* ---- uname, sysinfo, times, rusage ---- */

int64_t sys_uname(CPUX86State *env, const uint64_t *a)
{
    struct utsname u;
    if (uname(&u) < 0) {
        return -errno;
    }
    g_strlcpy(u.machine, "x86_64", sizeof(u.machine));
    return put_guest(a[0], &u, sizeof(u));
}

int64_t sys_sysinfo(CPUX86State *env, const uint64_t *a)
{
    struct sysinfo si;
    if (sysinfo(&si) < 0) {
        return -errno;
    }
    return put_guest(a[0], &si, sizeof(si));
}

int64_t sys_times(CPUX86State *env, const uint64_t *a)
{
    struct tms t;
    int64_t r = RAW(SYS_times, &t);
    if (a[0] && put_guest(a[0], &t, sizeof(t))) {
        return -EFAULT;
    }
    return r;
}

int64_t sys_getrusage(CPUX86State *env, const uint64_t *a)
{
    struct rusage ru;
    int64_t r = RAW(SYS_getrusage, (int)a[0], &ru);
    if (r < 0) {
        return r;
    }
    return put_guest(a[1], &ru, sizeof(ru));
}

/* ---- resource limits ---- */

/* Limits kept for the guest but not applied to emu itself: the stack
 * (emu's own is not the guest's), and address-space/data limits, which
 * would count emu's guest-memory reservation: softmmu applies those to
 * the guest's own mappings (softmmu/limits.c). */
static struct rlimit guest_rlimit_as = { RLIM_INFINITY, RLIM_INFINITY };
static struct rlimit guest_rlimit_data = { RLIM_INFINITY, RLIM_INFINITY };
static bool guest_rlimits_init;

static struct rlimit *guest_only_rlimit(int res)
{
    if (!guest_rlimits_init) {
        /* The hard limits are the host's; the soft ones are what emu found
         * at start-up (softmmu lifted the host's for itself). */
        getrlimit(RLIMIT_AS, &guest_rlimit_as);
        getrlimit(RLIMIT_DATA, &guest_rlimit_data);
        uint64_t as, data;
        mm_get_rlimits(&as, &data);
        guest_rlimit_as.rlim_cur = as == UINT64_MAX ? RLIM_INFINITY : as;
        guest_rlimit_data.rlim_cur = data == UINT64_MAX ? RLIM_INFINITY : data;
        guest_rlimits_init = true;
    }
    switch (res) {
    case RLIMIT_AS:
        return &guest_rlimit_as;
    case RLIMIT_DATA:
        return &guest_rlimit_data;
    default:
        return NULL;
    }
}

int64_t sys_prlimit64(CPUX86State *env, const uint64_t *a)
{
    int pid = (int)a[0];
    unsigned res = (unsigned)a[1];
    struct rlimit nr, old;

    if (res >= RLIM_NLIMITS) {
        return -EINVAL;
    }
    if (a[2] && get_guest(&nr, a[2], sizeof(nr))) {
        return -EFAULT;
    }
    if (a[2] && nr.rlim_cur > nr.rlim_max) {
        return -EINVAL;
    }
    if (pid != 0 && pid != lu_proc.pid) {
        /* Another process: the host's answer. */
        void *pn = a[2] ? &nr : NULL;
        int64_t r = RAW(SYS_prlimit64, pid, res, pn, a[3] ? &old : NULL);
        if (r == 0 && a[3] && put_guest(a[3], &old, sizeof(old))) {
            return -EFAULT;
        }
        return r;
    }
    struct rlimit *gl = guest_only_rlimit((int)res);
    if (res == RLIMIT_STACK) {
        old.rlim_cur = lu_proc.stack_size;
        old.rlim_max = lu_proc.rlimit_stack_max;
        if (a[2]) {
            if (nr.rlim_max > old.rlim_max && geteuid() != 0) {
                return -EPERM;
            }
            /* Affects future execs only, as on Linux. */
            lu_proc.stack_size = nr.rlim_cur;
            lu_proc.rlimit_stack_max = nr.rlim_max;
        }
    } else if (gl) {
        old = *gl;
        if (a[2]) {
            if (nr.rlim_max > old.rlim_max && geteuid() != 0) {
                return -EPERM;
            }
            *gl = nr;
            /* softmmu applies them to the guest's mappings and brk. */
            struct rlimit *as = guest_only_rlimit(RLIMIT_AS), *data = guest_only_rlimit(RLIMIT_DATA);
            mm_set_rlimits(as->rlim_cur == RLIM_INFINITY ? UINT64_MAX : as->rlim_cur,
                           data->rlim_cur == RLIM_INFINITY ? UINT64_MAX : data->rlim_cur);
        }
    } else {
        int64_t r = RAW(SYS_prlimit64, 0, res, a[2] ? &nr : NULL, &old);
        if (r < 0) {
            return r;
        }
    }
    if (a[3] && put_guest(a[3], &old, sizeof(old))) {
        return -EFAULT;
    }
    return 0;
}

int64_t sys_getrlimit(CPUX86State *env, const uint64_t *a)
{
    const uint64_t b[4] = { 0, a[0], 0, a[1] };
    if (a[1] == 0) {
        return -EFAULT;
    }
    return sys_prlimit64(env, b);
}

int64_t sys_setrlimit(CPUX86State *env, const uint64_t *a)
{
    const uint64_t b[4] = { 0, a[0], a[1], 0 };
    if (a[1] == 0) {
        return -EFAULT;
    }
    return sys_prlimit64(env, b);
}

/* ---- randomness ---- */

int64_t sys_getrandom(CPUX86State *env, const uint64_t *a)
{
    unsigned flags = (unsigned)a[2];
    uint64_t len = a[1];

    if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | 0x4u /* GRND_INSECURE */)) {
        return -EINVAL;
    }
    if ((flags & GRND_RANDOM) && (flags & 0x4u)) {
        return -EINVAL;
    }
    if (len > 0x7ffff000) {
        len = 0x7ffff000;   /* MAX_RW_COUNT */
    }
    void *p = g_ptr_w(a[0], len);
    if (!p) {
        return -EFAULT;
    }
    if (lu_proc.have_seed) {
        lu_random_bytes(p, len);
        return (int64_t)len;
    }
    return RAW(SYS_getrandom, p, len, flags);
}

/* ---- time ---- */

int64_t sys_clock_gettime(CPUX86State *env, const uint64_t *a)
{
    struct timespec ts;
    if (vclock_enabled && vclock_gettime(env, (clockid_t)a[0], &ts)) {
        return put_guest(a[1], &ts, sizeof(ts));
    }
    int64_t r = RAW(SYS_clock_gettime, (clockid_t)a[0], &ts);
    return r < 0 ? r : put_guest(a[1], &ts, sizeof(ts));
}

int64_t sys_clock_getres(CPUX86State *env, const uint64_t *a)
{
    struct timespec ts;
    int64_t r = RAW(SYS_clock_getres, (clockid_t)a[0], &ts);
    if (r < 0 || a[1] == 0) {
        return r;
    }
    struct timespec dummy;
    if (vclock_enabled && vclock_gettime(env, (clockid_t)a[0], &dummy)) {
        vclock_getres(&ts);
    }
    return put_guest(a[1], &ts, sizeof(ts));
}

int64_t sys_clock_settime(CPUX86State *env, const uint64_t *a)
{
    struct timespec ts;
    if (get_guest(&ts, a[1], sizeof(ts))) {
        return -EFAULT;
    }
    return RAW(SYS_clock_settime, (clockid_t)a[0], &ts);
}

int64_t sys_gettimeofday(CPUX86State *env, const uint64_t *a)
{
    struct timeval tv;
    struct timezone tz;
    int64_t r = RAW(SYS_gettimeofday, &tv, &tz);
    if (r < 0) {
        return r;
    }
    struct timespec ts;
    if (vclock_enabled && vclock_gettime(env, CLOCK_REALTIME, &ts)) {
        tv.tv_sec = ts.tv_sec;
        tv.tv_usec = ts.tv_nsec / 1000;
        tz.tz_minuteswest = 0;   /* the host's would be an input too */
        tz.tz_dsttime = 0;
    }
    if (a[0] && put_guest(a[0], &tv, sizeof(tv))) {
        return -EFAULT;
    }
    if (a[1] && put_guest(a[1], &tz, sizeof(tz))) {
        return -EFAULT;
    }
    return 0;
}

int64_t sys_time(CPUX86State *env, const uint64_t *a)
{
    int64_t t = (int64_t)time(NULL);
    struct timespec ts;
    if (vclock_enabled && vclock_gettime(env, CLOCK_REALTIME, &ts)) {
        t = ts.tv_sec;
    }
    if (a[0] && put_guest(a[0], &t, 8)) {
        return -EFAULT;
    }
    return t;
}

int64_t sys_nanosleep(CPUX86State *env, const uint64_t *a)
{
    struct timespec req, rem;
    if (get_guest(&req, a[0], sizeof(req))) {
        return -EFAULT;
    }
    if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= 1000000000) {
        return -EINVAL;
    }
    if (vclock_enabled &&
        !vclock_sleep((uint64_t)req.tv_sec * 1000000000ull + (uint64_t)req.tv_nsec)) {
        return 0;   /* sleep=off: only virtual time passes */
    }
    int64_t r = safe_syscall(SYS_nanosleep, &req, &rem);
    if (r == -EINTR && a[1] && put_guest(a[1], &rem, sizeof(rem))) {
        return -EFAULT;
    }
    return r;
}

int64_t sys_clock_nanosleep(CPUX86State *env, const uint64_t *a)
{
    struct timespec req, rem;
    if (get_guest(&req, a[2], sizeof(req))) {
        return -EFAULT;
    }
    struct timespec probe;
    if (vclock_enabled && vclock_gettime(env, (clockid_t)a[0], &probe)) {
        if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= 1000000000) {
            return -EINVAL;
        }
        /* An absolute deadline is on the virtual clock: sleep until then. */
        uint64_t ns = (a[1] & TIMER_ABSTIME) ? vclock_until(env, (clockid_t)a[0], &req)
                                             : (uint64_t)req.tv_sec * 1000000000ull +
                                               (uint64_t)req.tv_nsec;
        if (!vclock_sleep(ns)) {
            return 0;
        }
        req.tv_sec = (time_t)(ns / 1000000000ull);
        req.tv_nsec = (long)(ns % 1000000000ull);
        int64_t r = safe_syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, &rem);
        if (r == -EINTR && a[3] && !(a[1] & TIMER_ABSTIME) &&
            put_guest(a[3], &rem, sizeof(rem))) {
            return -EFAULT;
        }
        return r;
    }
    int64_t r = safe_syscall(SYS_clock_nanosleep, (clockid_t)a[0], (int)a[1], &req, &rem);
    if (r == -EINTR && a[3] && !(a[1] & TIMER_ABSTIME) && put_guest(a[3], &rem, sizeof(rem))) {
        return -EFAULT;
    }
    return r;
}

int64_t sys_getitimer(CPUX86State *env, const uint64_t *a)
{
    struct itimerval v;
    int64_t r = RAW(SYS_getitimer, (int)a[0], &v);
    return r < 0 ? r : put_guest(a[1], &v, sizeof(v));
}

int64_t sys_setitimer(CPUX86State *env, const uint64_t *a)
{
    struct itimerval nv, ov;
    if (a[1] && get_guest(&nv, a[1], sizeof(nv))) {
        return -EFAULT;
    }
    if (!a[1]) {
        memset(&nv, 0, sizeof(nv));   /* Linux treats NULL as zero */
    }
    int64_t r = RAW(SYS_setitimer, (int)a[0], &nv, &ov);
    if (r == 0 && a[2] && put_guest(a[2], &ov, sizeof(ov))) {
        return -EFAULT;
    }
    return r;
}

int64_t sys_alarm(CPUX86State *env, const uint64_t *a)
{
    /* SIGALRM reaches emu itself: with the guest's default action it
     * kills emu exactly as it would kill the program. */
    return RAW(SYS_alarm, (unsigned)a[0]);
}

/* ---- scheduling ---- */

int64_t sys_sched_yield(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_sched_yield);
}

/* The guest sees one CPU (CPU 0), whatever the host has, so that programs
 * that size thread pools from the affinity mask behave the same on every
 * machine. */
int64_t sys_sched_getaffinity(CPUX86State *env, const uint64_t *a)
{
    int pid = (int)a[0];
    uint64_t len = a[1];
    uint64_t mask = 1;

    if (pid != 0 && pid != task_state(env)->tid && pid != lu_proc.pid) {
        if (kill(pid, 0) < 0 && errno == ESRCH) {
            return -ESRCH;
        }
    }
    if (len < 8 || (len & 7)) {
        return -EINVAL;
    }
    if (put_guest(a[2], &mask, 8)) {
        return -EFAULT;
    }
    return 8;
}

int64_t sys_sched_setaffinity(CPUX86State *env, const uint64_t *a)
{
    uint64_t len = a[1], mask = 0;
    if (len == 0) {
        return -EINVAL;
    }
    if (get_guest(&mask, a[2], len < 8 ? len : 8)) {
        return -EFAULT;
    }
    return (mask & 1) ? 0 : -EINVAL;
}

int64_t sys_getcpu(CPUX86State *env, const uint64_t *a)
{
    uint32_t zero = 0;
    if ((a[0] && put_guest(a[0], &zero, 4)) || (a[1] && put_guest(a[1], &zero, 4))) {
        return -EFAULT;
    }
    return 0;
}

int64_t sys_getpriority(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_getpriority, (int)a[0], (id_t)a[1]);
}

int64_t sys_setpriority(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_setpriority, (int)a[0], (id_t)a[1], (int)a[2]);
}

int64_t sys_sched_getparam(CPUX86State *env, const uint64_t *a)
{
    struct sched_param sp;
    int64_t r = RAW(SYS_sched_getparam, (pid_t)a[0], &sp);
    return r < 0 ? r : put_guest(a[1], &sp, sizeof(sp));
}

int64_t sys_sched_setscheduler(CPUX86State *env, const uint64_t *a)
{
    struct sched_param sp;
    if (get_guest(&sp, a[2], sizeof(sp))) {
        return -EFAULT;
    }
    return RAW(SYS_sched_setscheduler, (pid_t)a[0], (int)a[1], &sp);
}

int64_t sys_sched_getscheduler(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_sched_getscheduler, (pid_t)a[0]);
}

int64_t sys_sched_get_priority_max(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_sched_get_priority_max, (int)a[0]);
}

int64_t sys_sched_get_priority_min(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_sched_get_priority_min, (int)a[0]);
}

int64_t sys_membarrier(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_membarrier, (int)a[0], (unsigned)a[1], (int)a[2]);
}

/* ---- prctl ---- */

int64_t sys_prctl(CPUX86State *env, const uint64_t *a)
{
    int opt = (int)a[0];
    switch (opt) {
    case PR_SET_NAME: {
        char name[16];
        /* Linux copies up to 16 bytes and stops at the first fault. */
        int err = 0;
        char *s = mm_strdup_from_guest(a[1], sizeof(name), &err);
        if (!s) {
            if (err == -ENAMETOOLONG) {
                if (get_guest(name, a[1], sizeof(name))) {
                    return -EFAULT;
                }
                name[15] = 0;
                return RAW(SYS_prctl, PR_SET_NAME, name, 0, 0, 0);
            }
            return -EFAULT;
        }
        g_strlcpy(name, s, sizeof(name));
        g_free(s);
        return RAW(SYS_prctl, PR_SET_NAME, name, 0, 0, 0);
    }
    case PR_GET_NAME: {
        char name[16] = { 0 };
        int64_t r = RAW(SYS_prctl, PR_GET_NAME, name, 0, 0, 0);
        return r < 0 ? r : put_guest(a[1], name, sizeof(name));
    }
    case PR_GET_PDEATHSIG: {
        int sig = 0;
        int64_t r = RAW(SYS_prctl, PR_GET_PDEATHSIG, &sig, 0, 0, 0);
        return r < 0 ? r : put_guest(a[1], &sig, sizeof(sig));
    }
    case PR_GET_CHILD_SUBREAPER: {
        int v = 0;
        int64_t r = RAW(SYS_prctl, PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0);
        return r < 0 ? r : put_guest(a[1], &v, sizeof(v));
    }
    case PR_GET_TID_ADDRESS:
        return put_guest(a[1], &task_state(env)->clear_child_tid, 8);
    case PR_SET_PDEATHSIG:
    case PR_GET_DUMPABLE:
    case PR_SET_DUMPABLE:
    case PR_SET_NO_NEW_PRIVS:
    case PR_GET_NO_NEW_PRIVS:
    case PR_GET_TIMERSLACK:
    case PR_SET_TIMERSLACK:
    case PR_SET_CHILD_SUBREAPER:
    case PR_CAPBSET_READ:
    case PR_GET_KEEPCAPS:
    case PR_SET_KEEPCAPS:
    case PR_GET_SECUREBITS:
    case PR_SET_PTRACER:
        /* Integer-only options: the host's answer is the guest's. */
        return RAW(SYS_prctl, opt, a[1], a[2], a[3], a[4]);
    case PR_GET_SECCOMP:
        return 0;
    default:
        if (emu_log_enabled(LOG_UNIMP)) {
            qemu_log("emu: unsupported prctl option %d\n", opt);
        }
        return -EINVAL;
    }
}

/* ---- signals (signal.c does the work) ---- */

int64_t sys_rt_sigaction(CPUX86State *env, const uint64_t *a)
{
    return signal_do_sigaction(env, (int)a[0], a[1], a[2], a[3]);
}

int64_t sys_rt_sigprocmask(CPUX86State *env, const uint64_t *a)
{
    return signal_do_sigprocmask(env, (int)a[0], a[1], a[2], a[3]);
}

int64_t sys_sigaltstack(CPUX86State *env, const uint64_t *a)
{
    return signal_do_sigaltstack(env, a[0], a[1]);
}

static bool valid_sig(uint64_t sig)
{
    return (int)sig >= 0 && (int)sig <= TARGET_NSIG;
}

/* Host-routed signals go through the host kernel, also to this process
 * (guest pids and tids are the host's): it picks the thread, keeps them
 * pending while blocked and interrupts blocking calls (signal.c).  The
 * fault signals sent to the process itself are queued inside emu. */
int64_t sys_kill(CPUX86State *env, const uint64_t *a)
{
    int pid = (int)a[0], sig = (int)a[1];
    if (!valid_sig(a[1])) {
        return -EINVAL;
    }
    if (pid == lu_proc.pid && sig != 0 && !signal_host_routed(sig) &&
        sig != SIGKILL && sig != SIGSTOP) {
        signal_queue(env, sig, false);
        return 0;
    }
    return RAW(SYS_kill, pid, sig);
}

int64_t sys_tgkill(CPUX86State *env, const uint64_t *a)
{
    int tgid = (int)a[0], tid = (int)a[1], sig = (int)a[2];
    if (tgid <= 0 || tid <= 0 || !valid_sig(a[2])) {
        return -EINVAL;
    }
    if (tgid == lu_proc.pid && sig != 0 && !signal_host_routed(sig) &&
        sig != SIGKILL && sig != SIGSTOP) {
        if (tid == task_state(env)->tid) {
            signal_queue(env, sig, true);
            return 0;
        }
        return thread_signal(tid, sig) ? 0 : -ESRCH;
    }
    return RAW(SYS_tgkill, tgid, tid, sig);
}

int64_t sys_tkill(CPUX86State *env, const uint64_t *a)
{
    int tid = (int)a[0], sig = (int)a[1];
    if (tid <= 0 || !valid_sig(a[1])) {
        return -EINVAL;
    }
    if (sig != 0 && !signal_host_routed(sig) && sig != SIGKILL && sig != SIGSTOP) {
        if (tid == task_state(env)->tid) {
            signal_queue(env, sig, true);
            return 0;
        }
        if (thread_signal(tid, sig)) {
            return 0;
        }
    }
    return RAW(SYS_tkill, tid, sig);
}

/* ---- futex ---- */

/* With -icount, a guest's absolute futex timeout is on the virtual clock:
 * turn it into the same distance on the host clock. */
static void futex_abs_timeout_to_host(CPUX86State *env, clockid_t clk, struct timespec *ts)
{
    struct timespec now;
    if (!vclock_enabled || !vclock_gettime(env, clk, &now)) {
        return;
    }
    uint64_t d = vclock_until(env, clk, ts);
    clock_gettime(clk, &now);
    uint64_t ns = (uint64_t)now.tv_nsec + d % 1000000000ull;
    ts->tv_sec = now.tv_sec + (time_t)(d / 1000000000ull) + (time_t)(ns / 1000000000ull);
    ts->tv_nsec = (long)(ns % 1000000000ull);
}

/*
 * The host futex on the guest word's host address: the guest address
 * space is one host mapping for every guest thread, so waiters and wakers
 * meet in the host kernel, PI futexes included (guest tids are host tids).
 */
int64_t sys_futex(CPUX86State *env, const uint64_t *a)
{
    int op = (int)a[1];
    int cmd = op & FUTEX_CMD_MASK;
    struct timespec ts, *pts = NULL;
    uint32_t *uaddr, *uaddr2 = NULL;

    if (a[0] & 3) {
        return -EINVAL;
    }
    uaddr = g_ptr_r(a[0], 4);
    if (!uaddr) {
        if ((cmd == FUTEX_WAKE || cmd == FUTEX_WAKE_BITSET) && (op & FUTEX_PRIVATE_FLAG) &&
            a[0] < guest_addr_limit - 4) {
            /* Linux does not touch the word of a private wake: no waiter. */
            return (cmd == FUTEX_WAKE_BITSET && (uint32_t)a[5] == 0) ? -EINVAL : 0;
        }
        return -EFAULT;
    }
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
    case FUTEX_WAIT_REQUEUE_PI:
        if (a[3]) {
            if (get_guest(&ts, a[3], sizeof(ts))) {
                return -EFAULT;
            }
            pts = &ts;
            /* FUTEX_WAIT's timeout is relative; the others' absolute, on
             * CLOCK_REALTIME (LOCK_PI always; else with the flag) or
             * CLOCK_MONOTONIC. */
            if (cmd != FUTEX_WAIT) {
                clockid_t clk = (cmd == FUTEX_LOCK_PI || (op & FUTEX_CLOCK_REALTIME))
                                ? CLOCK_REALTIME : CLOCK_MONOTONIC;
                futex_abs_timeout_to_host(env, clk, &ts);
            }
        }
        if (cmd == FUTEX_LOCK_PI || cmd == FUTEX_LOCK_PI2) {
            uaddr = g_ptr_w(a[0], 4);
            if (!uaddr) {
                return -EFAULT;
            }
        }
        if (cmd == FUTEX_WAIT_REQUEUE_PI) {
            if (a[4] & 3) {
                return -EINVAL;
            }
            uaddr2 = g_ptr_w(a[4], 4);
            if (!uaddr2) {
                return -EFAULT;
            }
        }
        return safe_syscall(SYS_futex, uaddr, op, (uint32_t)a[2], pts, uaddr2, (uint32_t)a[5]);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
        return RAW(SYS_futex, uaddr, op, (uint32_t)a[2], NULL, NULL, (uint32_t)a[5]);
    case FUTEX_UNLOCK_PI:
    case FUTEX_TRYLOCK_PI:
        uaddr = g_ptr_w(a[0], 4);
        if (!uaddr) {
            return -EFAULT;
        }
        return RAW(SYS_futex, uaddr, op, 0, NULL, NULL, 0);
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_WAKE_OP:
    case FUTEX_CMP_REQUEUE_PI:
        if (a[4] & 3) {
            return -EINVAL;
        }
        uaddr2 = (cmd == FUTEX_WAKE_OP || cmd == FUTEX_CMP_REQUEUE_PI)
                 ? g_ptr_w(a[4], 4) : g_ptr_r(a[4], 4);
        if (!uaddr2) {
            return -EFAULT;
        }
        /* The fourth argument is the count val2, not a pointer. */
        return RAW(SYS_futex, uaddr, op, (uint32_t)a[2], (void *)(uintptr_t)(uint32_t)a[3],
                   uaddr2, (uint32_t)a[5]);
    default:
        if (emu_log_enabled(LOG_UNIMP)) {
            qemu_log("emu: unsupported futex op %d\n", op);
        }
        return -ENOSYS;
    }
}

