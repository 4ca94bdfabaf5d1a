/*
 * linux-user/fork.c — new guest processes: fork, vfork, clone and clone3
 * without CLONE_THREAD, and waiting for children (wait4, waitid).
 *
 * A guest process is an emu process, so a guest fork is a host fork of
 * emu: the child has a copy of the guest address space and of emu, and
 * continues in the forking thread's cpu loop with rax = 0.  Only that
 * thread survives in the child; the locks other threads could hold at the
 * fork are taken around it (pthread_atfork in tb.c and softmmu, and
 * fork_prepare below for the thread table, plugins and the log).
 *
 * vfork (CLONE_VM | CLONE_VFORK, what posix_spawn and vfork() use) is a
 * real host vfork: the child shares the address space — the guest's and
 * emu's — and runs the guest on the parent's vCPU, on a host stack of its
 * own, while the kernel keeps the parent thread suspended until the child
 * execs or exits.  Writes the child makes to guest memory (posix_spawn's
 * error code) are seen by the parent as natively.  The parent then puts
 * back the per-process emu state the child may have changed in the shared
 * memory (its registers, signal table, pid).  See docs/linux-user.md,
 * "Processes".
 */
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "emu/exec.h"
#include "emu/log.h"
#include "linux-user/internal.h"
#include "linux-user/safe-syscall.h"
#include "plugins/internal.h"
#include "plugins/plugin.h"
#include "softmmu/softmmu.h"

#define RAW(...) host_ret(syscall(__VA_ARGS__))

#define F_CLONE_VM             0x00000100ull
#define F_CLONE_FS             0x00000200ull
#define F_CLONE_FILES          0x00000400ull
#define F_CLONE_SIGHAND        0x00000800ull
#define F_CLONE_PIDFD          0x00001000ull
#define F_CLONE_PTRACE         0x00002000ull
#define F_CLONE_VFORK          0x00004000ull
#define F_CLONE_PARENT         0x00008000ull
#define F_CLONE_THREAD         0x00010000ull
#define F_CLONE_NEWNS          0x00020000ull
#define F_CLONE_SYSVSEM        0x00040000ull
#define F_CLONE_SETTLS         0x00080000ull
#define F_CLONE_PARENT_SETTID  0x00100000ull
#define F_CLONE_CHILD_CLEARTID 0x00200000ull
#define F_CLONE_DETACHED       0x00400000ull
#define F_CLONE_UNTRACED       0x00800000ull
#define F_CLONE_CHILD_SETTID   0x01000000ull
#define F_CLONE_IO             0x80000000ull
#define F_CLONE_CLEAR_SIGHAND  0x100000000ull   /* clone3 only */
#define F_CLONE_INTO_CGROUP    0x200000000ull   /* clone3 only */

/* What emu does itself in the child, whatever the host clone is. */
#define EMU_HANDLED (F_CLONE_SETTLS | F_CLONE_PARENT_SETTID | F_CLONE_CHILD_SETTID | \
                     F_CLONE_CHILD_CLEARTID | F_CLONE_DETACHED | F_CLONE_UNTRACED | \
                     F_CLONE_CLEAR_SIGHAND)
/* Passed to the host clone as they are (they concern the host process). */
#define HOST_PASSED (F_CLONE_FS | F_CLONE_FILES | F_CLONE_SYSVSEM | F_CLONE_PARENT | \
                     F_CLONE_IO | F_CLONE_PIDFD)

/* The vfork child runs on its parent's host thread's TLS (CLONE_VM without
 * CLONE_SETTLS): this flag is seen by that thread only, and the parent
 * clears it when it resumes. */
static __thread bool in_vfork_child;

bool fork_in_vfork_child(void)
{
    return in_vfork_child;
}

/* ---- locks around fork ---- */

static void fork_prepare(void)
{
    qemu_log_flush();
    fflush(stdout);
    fflush(stderr);
    /* A stream locked by another thread would stay locked in the child. */
    flockfile(stderr);
    if (emu_logfile && emu_logfile != stderr) {
        flockfile(emu_logfile);
    }
    if (plugin_enabled) {
        g_mutex_lock(&plugin_lock);
    }
    thread_fork_prepare();
}

static void fork_parent(void)
{
    thread_fork_parent();
    if (plugin_enabled) {
        g_mutex_unlock(&plugin_lock);
    }
    if (emu_logfile && emu_logfile != stderr) {
        funlockfile(emu_logfile);
    }
    funlockfile(stderr);
}

static void fork_child(CPUX86State *env)
{
    if (plugin_enabled) {
        g_mutex_init(&plugin_lock);
        /* The other threads' vCPUs do not exist here (as QEMU drops them
         * from its CPU list in a fork child): no vcpu_exit for them. */
        for (guint i = 0; plugin_vcpus && i < plugin_vcpus->len; i++) {
            if (g_ptr_array_index(plugin_vcpus, i) != env) {
                g_ptr_array_index(plugin_vcpus, i) = NULL;
            }
        }
    }
    if (emu_logfile && emu_logfile != stderr) {
        funlockfile(emu_logfile);
    }
    funlockfile(stderr);
    thread_after_fork_child(env);   /* thread table, TB vCPUs, vclock */
}

/* The child's side of a fork-like clone: new ids, the clone's settings. */
static void child_setup(CPUX86State *env, uint64_t flags, uint64_t newsp, uint64_t ctid,
                        uint64_t tls)
{
    TaskState *ts = task_state(env);
    lu_proc.pid = (int)syscall(SYS_getpid);
    ts->tid = lu_proc.pid;
    lu_proc.sigpending = 0;
    ts->sigpending = 0;
    env->regs[R_EAX] = 0;
    if (newsp) {
        env->regs[R_ESP] = newsp;
    }
    if (flags & F_CLONE_SETTLS) {
        env->fs_base = tls;
    }
    if (flags & F_CLONE_CHILD_SETTID) {
        uint32_t tid = (uint32_t)ts->tid;
        mm_copy_to_guest(ctid, &tid, 4);
    }
    ts->clear_child_tid = (flags & F_CLONE_CHILD_CLEARTID) ? ctid : 0;
    if (flags & F_CLONE_CLEAR_SIGHAND) {
        /* Handled signals back to SIG_DFL; ignored ones stay ignored. */
        for (int s = 1; s <= TARGET_NSIG; s++) {
            if (lu_proc.sigact[s].handler != TARGET_SIG_IGN) {
                memset(&lu_proc.sigact[s], 0, sizeof(lu_proc.sigact[s]));
            }
        }
    }
}

/* ---- fork (separate address space) ---- */

static int64_t do_fork(CPUX86State *env, uint64_t flags, uint64_t newsp, uint64_t ptid,
                       uint64_t ctid, uint64_t tls, int exit_signal, int *pidfd)
{
    int64_t pid;

    fork_prepare();
    if (exit_signal == SIGCHLD && !(flags & (HOST_PASSED | F_CLONE_VFORK))) {
        /* glibc's fork: its own atfork handlers (tb_lock, mm_lock) and
         * malloc's locks are taken around it. */
        pid = fork();
        if (pid < 0) {
            pid = -errno;
        }
    } else {
        /* Other exit signals, CLONE_VFORK and host-level flags need the
         * raw clone (pidfd goes to a host int, copied out by the caller).
         * glibc's atfork handlers do not run then: a lock held by another
         * guest thread at that moment stays held in the child. */
        uint64_t hf = (flags & (HOST_PASSED | F_CLONE_VFORK)) | (uint64_t)exit_signal;
        pid = RAW(SYS_clone, (unsigned long)hf, NULL, pidfd, NULL, 0);
    }
    if (pid == 0) {
        child_setup(env, flags, newsp, ctid, tls);     /* the new tid first */
        fork_child(env);
        return 0;
    }
    fork_parent();
    return pid;
}

/* ---- vfork (shared address space, parent suspended) ---- */

#define VFORK_STACK_SIZE (4u << 20)

typedef struct VforkStart {
    CPUX86State *env;
    uint64_t flags, newsp, ctid, tls;
    sigset_t mask;          /* the parent's host signal mask */
} VforkStart;

static int vfork_child_main(void *arg)
{
    VforkStart *vs = arg;
    CPUX86State *env = vs->env;

    in_vfork_child = true;
    child_setup(env, vs->flags, vs->newsp, vs->ctid, vs->tls);
    pthread_sigmask(SIG_SETMASK, &vs->mask, NULL);
    cpu_loop(env);
}

static int64_t do_vfork(CPUX86State *env, uint64_t flags, uint64_t newsp, uint64_t ctid,
                        uint64_t tls, int exit_signal, int *pidfd)
{
    TaskState *ts = task_state(env);
    VforkStart vs = { .env = env, .flags = flags, .newsp = newsp, .ctid = ctid, .tls = tls };

    void *stack = mmap(NULL, VFORK_STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        return -ENOMEM;
    }
    /* What the child may change in memory it shares with us, but which is
     * ours (registers, thread and process state) or its own. */
    CPUX86State *saved_env = g_malloc(sizeof(*env));
    memcpy(saved_env, env, sizeof(*env));
    TaskState saved_ts = *ts;
    LinuxUserProc *saved_proc = g_memdup2(&lu_proc, sizeof(lu_proc));
    bool was_vfork_child = in_vfork_child;     /* a vfork child may vfork */

    /* No host signal handler may run in this thread until that state is
     * back (the child restores the mask in its own thread). */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &vs.mask);
    qemu_log_flush();
    fflush(stdout);
    fflush(stderr);

    int host_flags = CLONE_VM | CLONE_VFORK | exit_signal | (int)(flags & HOST_PASSED);
    int pid = clone(vfork_child_main, (char *)stack + VFORK_STACK_SIZE, host_flags, &vs,
                    pidfd, NULL, NULL);
    int64_t ret = pid < 0 ? -errno : pid;

    /* The child has exec'd or exited: take our state back, keeping what
     * is the vCPU's (its instruction count goes on: the child ran on it). */
    in_vfork_child = was_vfork_child;
    uint64_t icount = env->icount;
    memcpy(env, saved_env, sizeof(*env));
    env->icount = icount;
    *ts = saved_ts;
    lu_proc = *saved_proc;
    g_free(saved_proc);
    g_free(saved_env);
    munmap(stack, VFORK_STACK_SIZE);
    pthread_sigmask(SIG_SETMASK, &vs.mask, NULL);
    return ret;
}

/* ---- the entry points ---- */

int64_t process_clone(CPUX86State *env, uint64_t flags, int exit_signal, uint64_t newsp,
                      uint64_t ptid, uint64_t ctid, uint64_t tls, uint64_t pidfd_addr)
{
    bool vm = flags & F_CLONE_VM, vfork = flags & F_CLONE_VFORK;
    uint64_t known = F_CLONE_VM | F_CLONE_VFORK | EMU_HANDLED | HOST_PASSED;

    /* Linux's checks (kernel/fork.c copy_process). */
    if ((flags & F_CLONE_SIGHAND) && !vm) {
        return -EINVAL;
    }
    if ((flags & F_CLONE_CLEAR_SIGHAND) && (flags & F_CLONE_SIGHAND)) {
        return -EINVAL;
    }
    if ((flags & F_CLONE_PIDFD) && (flags & F_CLONE_DETACHED)) {
        return -EINVAL;
    }
    if ((flags & ~known) || (vm && !vfork) || (flags & F_CLONE_SIGHAND)) {
        /* Namespaces, ptrace, and processes that share memory without
         * vfork's suspension (they would need a vCPU and TLS of their
         * own). */
        if (emu_log_enabled(LOG_UNIMP)) {
            qemu_log("emu: unsupported clone flags 0x%" G_GINT64_MODIFIER "x\n", flags);
        }
        return -EINVAL;
    }
    if ((flags & F_CLONE_PARENT_SETTID) && !g_ptr_w(ptid, 4)) {
        return -EFAULT;
    }
    if ((flags & F_CLONE_PIDFD) && !g_ptr_w(pidfd_addr, 4)) {
        return -EFAULT;
    }

    int pidfd = -1;
    /* CLONE_VFORK alone (no CLONE_VM) is a fork whose parent the host
     * keeps waiting for the child's exec or exit. */
    int64_t pid = vm ? do_vfork(env, flags, newsp, ctid, tls, exit_signal, &pidfd)
                     : do_fork(env, flags, newsp, ptid, ctid, tls, exit_signal, &pidfd);
    if (pid > 0) {
        if (flags & F_CLONE_PARENT_SETTID) {
            uint32_t p = (uint32_t)pid;
            mm_copy_to_guest(ptid, &p, 4);
        }
        if (flags & F_CLONE_PIDFD) {
            mm_copy_to_guest(pidfd_addr, &pidfd, 4);
        }
    }
    return pid;
}

int64_t sys_clone(CPUX86State *env, const uint64_t *a)
{
    /* clone(flags, newsp, parent_tid, child_tid, tls); the low byte of
     * flags is the exit signal of a process. */
    uint64_t flags = a[0] & 0xffffffffull & ~0xffull;
    if (flags & F_CLONE_THREAD) {
        return thread_clone(env, a[0], a[1], a[2], a[3], a[4]);
    }
    if ((flags & F_CLONE_PIDFD) && (flags & F_CLONE_PARENT_SETTID)) {
        return -EINVAL;     /* both would use parent_tid */
    }
    return process_clone(env, flags, (int)(a[0] & 0xff), a[1], a[2], a[3], a[4], a[2]);
}

int64_t sys_fork(CPUX86State *env, const uint64_t *a)
{
    return process_clone(env, 0, SIGCHLD, 0, 0, 0, 0, 0);
}

int64_t sys_vfork(CPUX86State *env, const uint64_t *a)
{
    return process_clone(env, F_CLONE_VM | F_CLONE_VFORK, SIGCHLD, 0, 0, 0, 0, 0);
}

/* ---- wait ---- */

/* Linux reaps the child first and copies the results out after: a bad
 * pointer is EFAULT for a child that is gone all the same. */
int64_t sys_wait4(CPUX86State *env, const uint64_t *a)
{
    int status = 0;
    struct rusage ru;
    int64_t r = safe_syscall(SYS_wait4, (pid_t)a[0], &status, (int)a[2], a[3] ? &ru : NULL);
    if (r > 0) {
        if ((a[1] && mm_copy_to_guest(a[1], &status, 4) < 0) ||
            (a[3] && mm_copy_to_guest(a[3], &ru, sizeof(ru)) < 0)) {
            return -EFAULT;
        }
    }
    return r;
}

int64_t sys_waitid(CPUX86State *env, const uint64_t *a)
{
    siginfo_t si;
    struct rusage ru;
    memset(&si, 0, sizeof(si));
    int64_t r = safe_syscall(SYS_waitid, (int)a[0], (id_t)a[1], a[2] ? &si : NULL, (int)a[3],
                    a[4] ? &ru : NULL);
    if (r >= 0) {
        if ((a[2] && mm_copy_to_guest(a[2], &si, sizeof(si)) < 0) ||
            (a[4] && mm_copy_to_guest(a[4], &ru, sizeof(ru)) < 0)) {
            return -EFAULT;
        }
    }
    return r;
}
