/*
 * linux-user/signal.c — guest signal state and delivery.
 *
 * Dispositions (rt_sigaction) are per process, the mask and the altstack
 * per thread, as on Linux.  Signals reach the guest in three ways:
 *
 *  - Host-routed signals (all but SIGKILL/SIGSTOP and the fault signals
 *    SIGSEGV SIGBUS SIGILL SIGFPE SIGTRAP) travel through the host kernel:
 *    guest kill/tgkill/sigqueue become host syscalls (guest pids and tids
 *    are host ones), timers and other processes send them as usual.  Each
 *    host thread's signal mask mirrors its guest thread's mask, so the
 *    host kernel picks the receiving thread, keeps blocked signals pending
 *    (sigpending, sigtimedwait, signalfd use the host's queue) and
 *    interrupts blocking syscalls exactly when Linux would.  emu's host
 *    handler only records the signal in a per-thread one-slot mailbox,
 *    blocks further signals until the slot is taken, and asks the vCPU to
 *    leave generated code (env->exit_request, checked at every TB entry).
 *  - Synchronous faults of the guest (cpu_exec exceptions) are forced at
 *    once (signal_raise_sync).
 *  - The fault signals sent by the guest to itself are queued inside emu
 *    (signal_queue, thread_signal).
 *
 * signal_process_pending() runs after every syscall and at exit requests:
 * it takes the default action or builds a handler frame (sigframe.c).
 * Blocking syscalls go through safe_syscall (safe-syscall.S) so that a
 * signal arriving just before the host call starts is not lost.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "emu/exec.h"
#include "emu/log.h"
#include "emu/x86/cpu-model.h"
#include "plugins/plugin.h"
#include "linux-user/internal.h"
#include "linux-user/safe-syscall.h"
#include "softmmu/softmmu.h"

/* Linux's guest-visible signal numbers equal the host's on x86_64. */

#define TARGET_SA_NOCLDSTOP  0x00000001u
#define TARGET_SA_NOCLDWAIT  0x00000002u
#define TARGET_SA_SIGINFO    0x00000004u
#define TARGET_SA_EXPOSE_TAGBITS 0x00000800u
#define TARGET_SA_RESTORER   0x04000000u
#define TARGET_SA_ONSTACK    0x08000000u
#define TARGET_SA_RESTART    0x10000000u
#define TARGET_SA_NODEFER    0x40000000u
#define TARGET_SA_RESETHAND  0x80000000u
/* Unknown bits are cleared, so a guest can probe for support (Linux 5.11). */
#define TARGET_SA_KNOWN (TARGET_SA_NOCLDSTOP | TARGET_SA_NOCLDWAIT | TARGET_SA_SIGINFO | \
                         TARGET_SA_EXPOSE_TAGBITS | TARGET_SA_RESTORER | TARGET_SA_ONSTACK | \
                         TARGET_SA_RESTART | TARGET_SA_NODEFER | TARGET_SA_RESETHAND)

#define TARGET_SS_ONSTACK    1
#define TARGET_SS_DISABLE    2
#define TARGET_SS_AUTODISARM (1u << 31)

#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define FAULT_SIGS (SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) | SIGBIT(SIGFPE) | \
                    SIGBIT(SIGTRAP))
/* Signals that travel through the host kernel (see the top of the file). */
#define ROUTED_SIGS (~(UNBLOCKABLE | FAULT_SIGS))

/* The kernel's struct sigaction (raw rt_sigaction: glibc refuses 32/33). */
struct host_ksigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
};
#define HOST_SA_RESTORER 0x04000000ul
void emu_host_sigreturn(void);
extern char safe_syscall_start[], safe_syscall_end[], safe_syscall_eintr[];

bool signal_default_ignored(int sig)
{
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

static bool signal_default_stops(int sig)
{
    return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

bool signal_host_routed(int sig)
{
    return sig >= 1 && sig <= TARGET_NSIG && (ROUTED_SIGS & SIGBIT(sig));
}

static int host_sigaction_raw(int sig, void *handler, unsigned long flags, uint64_t mask)
{
    struct host_ksigaction ka = { handler, flags | HOST_SA_RESTORER,
                                  (void *)emu_host_sigreturn, mask };
    return (int)syscall(SYS_rt_sigaction, sig, &ka, NULL, 8);
}

static void host_sigmask_raw(int how, uint64_t set, uint64_t *old)
{
    syscall(SYS_rt_sigprocmask, how, &set, old, 8);
}

/* ---- the per-thread mailbox filled by the host handler ---- */

static __thread CPUX86State *sig_env;
static __thread volatile int sig_mail_pending;
static __thread int sig_mail_sig, sig_mail_pid;
static __thread siginfo_t sig_mail_info;
/* The host mask is not the mirror of the guest's (handler blocked all). */
static __thread volatile int sig_mask_dirty;
static __thread uint64_t sig_host_mask;      /* what the host mask was set to */

volatile int *signal_pending_flag(void)
{
    return &sig_mail_pending;
}

static void host_signal_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    uint64_t *ucmask = (uint64_t *)&uc->uc_sigmask;
    CPUX86State *env = sig_env;

    if (FAULT_SIGS & SIGBIT(sig)) {
        /* SIGSEGV/SIGBUS sent by another process (the core's hook): never
         * blocked on the host (faults must get through), so queued inside
         * emu, its siginfo lost. */
        if (env) {
            __atomic_fetch_or(&task_state(env)->sigpending, SIGBIT(sig), __ATOMIC_SEQ_CST);
            __atomic_store_n(&env->exit_request, 1, __ATOMIC_SEQ_CST);
        }
        return;
    }
    if (env == NULL || sig_mail_pending) {
        /* Not a vCPU thread (or leaving), or (never by design) the slot
         * is full: hand a process-directed signal to another thread and
         * keep it blocked here. */
        *ucmask |= SIGBIT(sig);
        sig_mask_dirty = 1;
        if (si->si_code != SI_TKILL) {
            int e = errno;
            syscall(SYS_rt_sigqueueinfo, getpid(), sig, si);
            errno = e;
        }
        return;
    }
    sig_mail_sig = sig;
    sig_mail_pid = lu_proc.pid;
    sig_mail_info = *si;
    __atomic_store_n(&sig_mail_pending, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&env->exit_request, 1, __ATOMIC_SEQ_CST);
    /* Nothing else until the mailbox is emptied. */
    *ucmask |= ROUTED_SIGS;
    sig_mask_dirty = 1;
    /* About to enter a blocking syscall: return -EINTR instead. */
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (pc >= (uintptr_t)safe_syscall_start && pc < (uintptr_t)safe_syscall_end) {
        uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)safe_syscall_eintr;
    }
}

/* Make the host mask the mirror of the guest's (not while the mailbox is
 * full: the host handler blocked everything until it is emptied). */
static void host_mask_sync(CPUX86State *env)
{
    uint64_t want = task_state(env)->sigmask & ROUTED_SIGS;
    if (__atomic_load_n(&sig_mail_pending, __ATOMIC_SEQ_CST)) {
        return;
    }
    if (sig_mask_dirty || want != sig_host_mask) {
        sig_mask_dirty = 0;
        sig_host_mask = want;
        host_sigmask_raw(SIG_SETMASK, want, NULL);
    }
}

void signal_thread_start(CPUX86State *env)
{
    TaskState *ts = task_state(env);
    static bool first = true;

    if (first) {
        /* The mask survives execve: the first thread starts with the
         * host's (routed signals; the fault signals are never blocked on
         * the host). */
        uint64_t m = 0;
        first = false;
        host_sigmask_raw(SIG_BLOCK, 0, &m);
        ts->sigmask = m & ROUTED_SIGS;
    }
    /* A new thread's altstack is reset (Linux sas_ss_reset): SS_DISABLE. */
    if (ts->tid != lu_proc.pid && ts->ss_size == 0) {
        ts->ss_flags = TARGET_SS_DISABLE;
    }
    sig_env = env;
    env->fault_host_err = -1;
    sig_mask_dirty = 1;
    host_mask_sync(env);
}

void signal_thread_end(void)
{
    host_sigmask_raw(SIG_BLOCK, ROUTED_SIGS, NULL);
    sig_env = NULL;
    /* A process-directed signal this thread took but did not deliver goes
     * to another thread (Linux lets any thread take it). */
    if (sig_mail_pending && sig_mail_pid == lu_proc.pid && sig_mail_info.si_code != SI_TKILL) {
        syscall(SYS_rt_sigqueueinfo, lu_proc.pid, sig_mail_sig, &sig_mail_info);
    }
    sig_mail_pending = 0;
}

/* The host disposition that gives the guest's semantics. */
static void host_disposition(int sig)
{
    if (!signal_host_routed(sig)) {
        return;
    }
    uint64_t h = lu_proc.sigact[sig].handler;
    /* SIGCHLD's flags change what the kernel does with children. */
    unsigned long cf = sig == SIGCHLD ? lu_proc.sigact[sig].flags &
                       (TARGET_SA_NOCLDSTOP | TARGET_SA_NOCLDWAIT) : 0;
    if (h == TARGET_SIG_IGN) {
        host_sigaction_raw(sig, SIG_IGN, cf, 0);
    } else if (h == TARGET_SIG_DFL && (signal_default_ignored(sig) || signal_default_stops(sig))) {
        /* The host kernel ignores (or stops) exactly as Linux would, and
         * keeps a blocked one pending for sigwait/signalfd. */
        host_sigaction_raw(sig, SIG_DFL, cf, 0);
    } else {
        host_sigaction_raw(sig, (void *)host_signal_handler, SA_SIGINFO | SA_ONSTACK | cf,
                           ROUTED_SIGS);
    }
}

static void user_fault_signal(int sig, void *si, void *uc)
{
    host_signal_handler(sig, si, uc);
}

void signal_init(void)
{
    cpu_user_signal_hook = user_fault_signal;
    for (int i = 1; i <= TARGET_NSIG; i++) {
        memset(&lu_proc.sigact[i], 0, sizeof(lu_proc.sigact[i]));
    }
    /* An ignored signal stays ignored across exec: inherit the host's
     * dispositions (e.g. nohup's SIGHUP). */
    for (int sig = 1; sig <= TARGET_NSIG; sig++) {
        struct host_ksigaction old;
        if (signal_host_routed(sig) &&
            syscall(SYS_rt_sigaction, sig, NULL, &old, 8) == 0 && old.handler == SIG_IGN) {
            lu_proc.sigact[sig].handler = TARGET_SIG_IGN;
        }
        host_disposition(sig);
    }
}

void signal_die(int sig)
{
    struct rlimit nocore = { 0, 0 };

    /* Plugins' atexit callbacks run before the process dies (QEMU does). */
    plugin_process_exit(NULL);
    qemu_log_flush();
    fflush(stdout);
    fflush(stderr);
    setrlimit(RLIMIT_CORE, &nocore);
    /* Remove any handler (the core's SIGSEGV/SIGBUS one included). */
    host_sigaction_raw(sig, SIG_DFL, 0, 0);
    host_sigmask_raw(SIG_UNBLOCK, SIGBIT(sig), NULL);
    syscall(SYS_tgkill, getpid(), gettid(), sig);
    /* Signals whose default action does not terminate cannot get here;
     * be safe anyway. */
    kill(getpid(), sig);
    _exit(128 + sig);
}

/* The default action of sig. */
static void signal_take_default(CPUX86State *env, int sig)
{
    if (signal_default_ignored(sig)) {
        return;
    }
    if (signal_default_stops(sig)) {
        /* Stop emu itself with the same signal; it continues with
         * SIGCONT as the guest would. */
        host_sigaction_raw(sig, SIG_DFL, 0, 0);
        syscall(SYS_tgkill, getpid(), gettid(), sig);
        host_disposition(sig);
        return;
    }
    signal_die(sig);
}

void signal_set_mask(CPUX86State *env, uint64_t mask)
{
    task_state(env)->sigmask = mask & ~UNBLOCKABLE;
    host_mask_sync(env);
}

void signal_begin_temp_mask(CPUX86State *env, uint64_t mask)
{
    TaskState *ts = task_state(env);
    ts->saved_mask = ts->sigmask;
    ts->has_saved_mask = true;
    signal_set_mask(env, mask);
}

void signal_end_temp_mask(CPUX86State *env, int64_t ret)
{
    TaskState *ts = task_state(env);
    if (ret != -EINTR && ts->has_saved_mask) {
        ts->has_saved_mask = false;
        signal_set_mask(env, ts->saved_mask);
    }
}

/* ---- restart of interrupted syscalls ---- */

enum { RESTART_NEVER, RESTART_SYS, RESTART_NOHAND };

/* How Linux ends syscall nr when a signal interrupts it: ERESTARTSYS
 * (restarted with SA_RESTART or without a handler), ERESTARTNOHAND /
 * restart_block (restarted only without a handler) or plain EINTR. */
static int restart_class(CPUX86State *env, int nr)
{
    switch (nr) {
    case 0: case 1: case 17: case 18: case 19: case 20:     /* read write pread pwrite readv writev */
    case 2: case 257: case 16:                              /* open openat ioctl */
    case 40: case 42: case 43: case 44: case 45: case 46: case 47: /* sendfile connect accept send/recv* */
    case 61: case 247: case 73: case 288:                   /* wait4 waitid flock accept4 */
    case 295: case 296: case 299: case 307: case 275:       /* preadv pwritev recvmmsg sendmmsg splice */
        return RESTART_SYS;
    case 72:                                                /* fcntl F_SETLKW / F_OFD_SETLKW */
        return RESTART_SYS;
    case 202: {                                             /* futex */
        int cmd = (int)env->regs[R_ESI] & 127;
        if (cmd == 6 /* LOCK_PI */ || cmd == 13 /* LOCK_PI2 */) {
            return RESTART_SYS;
        }
        return env->regs[R_R10] ? RESTART_NOHAND : RESTART_SYS;
    }
    case 34: case 130: case 23: case 270: case 7: case 271: /* pause sigsuspend select pselect6 poll ppoll */
    case 35: case 230: case 69: case 70:                    /* nanosleep clock_nanosleep msgsnd msgrcv */
        return RESTART_NOHAND;
    default:
        return RESTART_NEVER;
    }
}

/* Before the first handler frame after an interrupted syscall. */
static void syscall_restart(CPUX86State *env, const TargetSigaction *sa, bool handler)
{
    TaskState *ts = task_state(env);
    int nr = ts->in_syscall - 1;

    if (ts->in_syscall == 0) {
        return;
    }
    ts->in_syscall = 0;
    if ((int64_t)env->regs[R_EAX] != -EINTR) {
        return;
    }
    int cls = restart_class(env, nr);
    if (cls == RESTART_NEVER || (handler && !(cls == RESTART_SYS && (sa->flags & TARGET_SA_RESTART)))) {
        return;
    }
    /* nanosleep without a handler would restart with the time left;
     * keep its EINTR (it wrote the remaining time). */
    if (nr == 35 || nr == 230) {
        return;
    }
    env->regs[R_EAX] = (uint64_t)nr;
    env->rip -= 2;
}

/* ---- delivery ---- */

static void force_sigsegv(CPUX86State *env, int sig);

/* Deliver one signal (already dequeued) with its siginfo. */
static void signal_deliver(CPUX86State *env, int sig, const void *info)
{
    TaskState *ts = task_state(env);
    TargetSigaction *sa = &lu_proc.sigact[sig];

    if (sig != SIGKILL && sig != SIGSTOP) {
        if (sa->handler == TARGET_SIG_IGN) {
            syscall_restart(env, sa, false);
            return;
        }
        if (sa->handler != TARGET_SIG_DFL) {
            syscall_restart(env, sa, true);
            uint64_t oldmask = ts->has_saved_mask ? ts->saved_mask : ts->sigmask;
            uint64_t newmask = ts->sigmask | sa->mask |
                               ((sa->flags & TARGET_SA_NODEFER) ? 0 : SIGBIT(sig));
            ts->has_saved_mask = false;
            /* x86_64 Linux requires SA_RESTORER (the frame's return). */
            if (!(sa->flags & TARGET_SA_RESTORER) ||
                !sigframe_setup(env, sig, sa, info, oldmask)) {
                force_sigsegv(env, sig);
                return;
            }
            if (sa->flags & TARGET_SA_RESETHAND) {
                sa->handler = TARGET_SIG_DFL;
                host_disposition(sig);
            }
            signal_set_mask(env, newmask);
            return;
        }
    }
    syscall_restart(env, sa, false);
    signal_take_default(env, sig);
}

/* Linux force_sig_info: a blocked or ignored signal is reset to SIG_DFL
 * (and unblocked); then delivered. */
static void force_signal(CPUX86State *env, int sig, const void *info)
{
    TaskState *ts = task_state(env);
    TargetSigaction *sa = &lu_proc.sigact[sig];
    if ((ts->sigmask & SIGBIT(sig)) || sa->handler == TARGET_SIG_IGN) {
        sa->handler = TARGET_SIG_DFL;
        ts->sigmask &= ~SIGBIT(sig);
        host_disposition(sig);
        host_mask_sync(env);
    }
    signal_deliver(env, sig, info);
}

static void fill_info(siginfo_t *si, int sig, int code, uint64_t addr)
{
    memset(si, 0, sizeof(*si));
    si->si_signo = sig;
    si->si_code = code;
    if (code != SI_KERNEL) {
        si->si_addr = (void *)(uintptr_t)addr;
    }
}

/* A frame could not be written for sig (Linux force_sigsegv). */
static void force_sigsegv(CPUX86State *env, int sig)
{
    siginfo_t si;
    if (emu_log_enabled(LOG_GUEST_ERROR)) {
        qemu_log("emu: cannot set up the frame of signal %d (rsp 0x%" G_GINT64_MODIFIER
                 "x): SIGSEGV\n", sig, env->regs[R_ESP]);
    }
    if (sig == SIGSEGV) {
        lu_proc.sigact[SIGSEGV].handler = TARGET_SIG_DFL;
    }
    fill_info(&si, SIGSEGV, SI_KERNEL, 0);
    force_signal(env, SIGSEGV, &si);
}

void signal_raise_sync(CPUX86State *env, int excp, int signo, int code, uint64_t addr)
{
    TaskState *ts = task_state(env);
    siginfo_t si;

    if (emu_log_enabled(LOG_GUEST_ERROR)) {
        qemu_log("emu: guest signal %d (code %d, addr 0x%" G_GINT64_MODIFIER "x) at pc 0x%"
                 G_GINT64_MODIFIER "x\n", signo, code, addr, env->rip);
    }
    /* What Linux's trap handlers leave in thread_struct (sigcontext). */
    ts->trap_err = 0;
    switch (excp) {
    case EXCP_DE: ts->trap_nr = 0; break;
    case EXCP_BP: ts->trap_nr = 3; break;
    case EXCP_UD: ts->trap_nr = 6; break;
    case EXCP_GP: case EXCP_HLT: ts->trap_nr = 13; break;
    case EXCP_MF: ts->trap_nr = (env->fpus & 0x80) ? 16 : 19; break;
    case EXCP_BUS:
        if (code == SI_KERNEL) {
            ts->trap_nr = 12;       /* #SS: non-canonical stack access */
            break;
        }
        /* a page fault (beyond the end of a file) */
        __attribute__((fallthrough));
    case EXCP_PF: {
        /* error code: P (protection), W, U (user), I (fetch).  P tells
         * whether the page was populated: the host's fault on its copy
         * of the mapping knows; else guess from the si_code. */
        bool fetch = !env->fault_write && addr - env->rip < 16;
        ts->trap_nr = 14;
        if (env->fault_host_err >= 0) {
            ts->trap_err = (uint64_t)(env->fault_host_err & 0x1f) | 4;
        } else {
            ts->trap_err = 4 | (code == SEGV_ACCERR || excp == EXCP_BUS ? 1 : 0) |
                           (env->fault_write ? 2 : 0) | (fetch ? 0x10 : 0);
        }
        ts->cr2 = addr;
        break;
    }
    default:
        break;
    }
    env->fault_write = 0;
    env->fault_host_err = -1;
    fill_info(&si, signo, code, addr);
    force_signal(env, signo, &si);
}

/* ---- pending signals ---- */

void signal_queue(CPUX86State *env, int sig, bool thread)
{
    if (sig == 0) {
        return;
    }
    /* Other threads queue too (tgkill, kill): atomic updates. */
    if (thread) {
        __atomic_fetch_or(&task_state(env)->sigpending, SIGBIT(sig), __ATOMIC_SEQ_CST);
    } else {
        __atomic_fetch_or(&lu_proc.sigpending, SIGBIT(sig), __ATOMIC_SEQ_CST);
    }
    __atomic_store_n(&env->exit_request, 1, __ATOMIC_SEQ_CST);
}

/* Internally queued signals (no siginfo kept): lowest number first, the
 * synchronous ones before the others, as Linux dequeues. */
static int take_internal(CPUX86State *env, uint64_t set, siginfo_t *si)
{
    TaskState *ts = task_state(env);
    uint64_t tp = __atomic_load_n(&ts->sigpending, __ATOMIC_SEQ_CST) & set;
    uint64_t pp = __atomic_load_n(&lu_proc.sigpending, __ATOMIC_SEQ_CST) & set;
    uint64_t ready = tp | pp;
    if (ready == 0) {
        return 0;
    }
    uint64_t sync = ready & FAULT_SIGS;
    int sig = __builtin_ctzll(sync ? sync : ready) + 1;
    bool thread = (tp & SIGBIT(sig)) != 0;
    if (thread) {
        __atomic_fetch_and(&ts->sigpending, ~SIGBIT(sig), __ATOMIC_SEQ_CST);
    } else {
        __atomic_fetch_and(&lu_proc.sigpending, ~SIGBIT(sig), __ATOMIC_SEQ_CST);
    }
    memset(si, 0, sizeof(*si));
    si->si_signo = sig;
    si->si_code = thread ? SI_TKILL : SI_USER;
    si->si_pid = lu_proc.pid;
    si->si_uid = getuid();
    return sig;
}

/* Put a host-routed signal back into the host queue (the guest blocked
 * it after the host handler took it). */
static void requeue_host(CPUX86State *env, int sig, siginfo_t *si)
{
    syscall(SYS_rt_tgsigqueueinfo, lu_proc.pid, task_state(env)->tid, sig, si);
}

void signal_process_pending(CPUX86State *env)
{
    TaskState *ts = task_state(env);

    for (;;) {
        siginfo_t si;
        int sig;

        __atomic_store_n(&env->exit_request, 0, __ATOMIC_SEQ_CST);
        host_mask_sync(env);     /* may let the next host signal in */
        if (__atomic_load_n(&sig_mail_pending, __ATOMIC_SEQ_CST)) {
            sig = sig_mail_sig;
            si = sig_mail_info;
            int pid = sig_mail_pid;
            __atomic_store_n(&sig_mail_pending, 0, __ATOMIC_SEQ_CST);
            if (pid != lu_proc.pid) {
                continue;       /* received by the parent before fork */
            }
            if (ts->sigmask & SIGBIT(sig)) {
                requeue_host(env, sig, &si);
                continue;
            }
        } else {
            sig = take_internal(env, ~(ts->sigmask & ~UNBLOCKABLE), &si);
            if (sig == 0) {
                break;
            }
        }
        signal_deliver(env, sig, &si);
    }
    if (ts->has_saved_mask) {
        /* sigsuspend & co. interrupted without a handler frame */
        ts->has_saved_mask = false;
        signal_set_mask(env, ts->saved_mask);
    }
    ts->in_syscall = 0;
}

/* ---- syscalls: dispositions, mask, altstack ---- */

int64_t signal_do_sigaction(CPUX86State *env, int sig, uint64_t act, uint64_t oact,
                            uint64_t sigsetsize)
{
    TargetSigaction new_sa, old_sa;

    if (sigsetsize != 8) {
        return -EINVAL;
    }
    if (act && mm_copy_from_guest(&new_sa, act, sizeof(new_sa)) < 0) {
        return -EFAULT;
    }
    if (sig < 1 || sig > TARGET_NSIG || (act && (sig == SIGKILL || sig == SIGSTOP))) {
        return -EINVAL;
    }
    old_sa = lu_proc.sigact[sig];
    if (act) {
        new_sa.flags &= TARGET_SA_KNOWN;
        new_sa.mask &= ~UNBLOCKABLE;
        lu_proc.sigact[sig] = new_sa;
        /* POSIX: setting SIG_IGN (or SIG_DFL for a default-ignored signal)
         * discards a pending instance (the host kernel does so for the
         * routed signals). */
        if (new_sa.handler == TARGET_SIG_IGN ||
            (new_sa.handler == TARGET_SIG_DFL && signal_default_ignored(sig))) {
            __atomic_fetch_and(&lu_proc.sigpending, ~SIGBIT(sig), __ATOMIC_SEQ_CST);
            __atomic_fetch_and(&task_state(env)->sigpending, ~SIGBIT(sig), __ATOMIC_SEQ_CST);
        }
        host_disposition(sig);
    }
    if (oact && mm_copy_to_guest(oact, &old_sa, sizeof(old_sa)) < 0) {
        return -EFAULT;
    }
    return 0;
}

int64_t signal_do_sigprocmask(CPUX86State *env, int how, uint64_t set, uint64_t oset,
                              uint64_t sigsetsize)
{
    TaskState *ts = task_state(env);
    uint64_t old = ts->sigmask, new_set;

    if (sigsetsize != 8) {
        return -EINVAL;
    }
    if (set) {
        if (mm_copy_from_guest(&new_set, set, 8) < 0) {
            return -EFAULT;
        }
        switch (how) {
        case SIG_BLOCK:
            new_set |= ts->sigmask;
            break;
        case SIG_UNBLOCK:
            new_set = ts->sigmask & ~new_set;
            break;
        case SIG_SETMASK:
            break;
        default:
            return -EINVAL;
        }
        signal_set_mask(env, new_set);
    }
    if (oset && mm_copy_to_guest(oset, &old, 8) < 0) {
        return -EFAULT;
    }
    return 0;
}

/* stack_t on x86_64: { void *ss_sp; int ss_flags; (pad) size_t ss_size; } */
typedef struct TargetStack {
    uint64_t ss_sp;
    int32_t ss_flags;
    int32_t pad;
    uint64_t ss_size;
} TargetStack;

int64_t signal_do_sigaltstack(CPUX86State *env, uint64_t uss, uint64_t uoss)
{
    TaskState *ts = task_state(env);
    uint64_t sp = env->regs[R_ESP];
    TargetStack ss, old;

    memset(&old, 0, sizeof(old));
    old.ss_sp = ts->ss_sp;
    old.ss_size = ts->ss_size;
    old.ss_flags = (ts->ss_size == 0 ? TARGET_SS_DISABLE
                    : signal_on_altstack(env, sp) ? TARGET_SS_ONSTACK : 0) |
                   (int32_t)((uint32_t)ts->ss_flags & TARGET_SS_AUTODISARM);

    if (uss) {
        if (mm_copy_from_guest(&ss, uss, sizeof(ss)) < 0) {
            return -EFAULT;
        }
        if (signal_on_altstack(env, sp)) {
            return -EPERM;
        }
        uint32_t mode = (uint32_t)ss.ss_flags & ~TARGET_SS_AUTODISARM;
        if (mode != TARGET_SS_DISABLE && mode != TARGET_SS_ONSTACK && mode != 0) {
            return -EINVAL;
        }
        if (mode == TARGET_SS_DISABLE) {
            ts->ss_sp = 0;
            ts->ss_size = 0;
        } else {
            if (ss.ss_size < TARGET_MINSIGSTKSZ) {
                return -ENOMEM;
            }
            ts->ss_sp = ss.ss_sp;
            ts->ss_size = ss.ss_size;
        }
        ts->ss_flags = ss.ss_flags;
    }
    if (uoss && mm_copy_to_guest(uoss, &old, sizeof(old)) < 0) {
        return -EFAULT;
    }
    return 0;
}

/* ---- syscalls: return, waiting, queries ---- */

int64_t sys_rt_sigreturn(CPUX86State *env, const uint64_t *a)
{
    if (!sigframe_return(env)) {
        siginfo_t si;
        fill_info(&si, SIGSEGV, SI_KERNEL, 0);
        force_signal(env, SIGSEGV, &si);
        return (int64_t)env->regs[R_EAX];
    }
    /* The restored rax is the result (no restart of an old -EINTR). */
    task_state(env)->in_syscall = 0;
    return (int64_t)env->regs[R_EAX];
}

int64_t sys_rt_sigsuspend(CPUX86State *env, const uint64_t *a)
{
    uint64_t m;
    if (a[1] != 8) {
        return -EINVAL;
    }
    if (mm_copy_from_guest(&m, a[0], 8) < 0) {
        return -EFAULT;
    }
    signal_begin_temp_mask(env, m);
    uint64_t hm = task_state(env)->sigmask & ROUTED_SIGS;
    siginfo_t si;
    for (;;) {
        /* An internal one (a fault signal sent to itself) ends it too. */
        int sig = take_internal(env, ~task_state(env)->sigmask, &si);
        if (sig) {
            signal_queue(env, sig, true);
            break;
        }
        if (safe_syscall(SYS_rt_sigsuspend, &hm, 8) == -EINTR) {
            break;
        }
    }
    return -EINTR;
}

int64_t sys_pause(CPUX86State *env, const uint64_t *a)
{
    return safe_syscall0(SYS_pause);
}

int64_t sys_rt_sigpending(CPUX86State *env, const uint64_t *a)
{
    TaskState *ts = task_state(env);
    uint64_t host = 0;
    if (a[1] > 8) {
        return -EINVAL;
    }
    syscall(SYS_rt_sigpending, &host, 8);
    uint64_t set = (ts->sigpending | lu_proc.sigpending | host) & ts->sigmask;
    return mm_copy_to_guest(a[0], &set, a[1]) < 0 ? -EFAULT : 0;
}

int64_t sys_rt_sigtimedwait(CPUX86State *env, const uint64_t *a)
{
    uint64_t set;
    struct timespec t, *pt = NULL;
    siginfo_t si;

    if (a[3] != 8) {
        return -EINVAL;
    }
    if (mm_copy_from_guest(&set, a[0], 8) < 0) {
        return -EFAULT;
    }
    if (a[2]) {
        if (mm_copy_from_guest(&t, a[2], sizeof(t)) < 0) {
            return -EFAULT;
        }
        pt = &t;
    }
    set &= ~UNBLOCKABLE;
    int64_t r = take_internal(env, set, &si);
    if (r == 0 && __atomic_load_n(&sig_mail_pending, __ATOMIC_SEQ_CST) &&
        (set & SIGBIT(sig_mail_sig)) && sig_mail_pid == lu_proc.pid) {
        /* arrived (unblocked) just before: it is the one waited for */
        si = sig_mail_info;
        r = sig_mail_sig;
        __atomic_store_n(&sig_mail_pending, 0, __ATOMIC_SEQ_CST);
    }
    if (r == 0) {
        uint64_t hset = set & ROUTED_SIGS;
        r = safe_syscall(SYS_rt_sigtimedwait, &hset, &si, pt, 8);
    }
    if (r > 0 && a[1] && mm_copy_to_guest(a[1], &si, sizeof(si)) < 0) {
        return -EFAULT;
    }
    return r;
}

int64_t sys_rt_sigqueueinfo(CPUX86State *env, const uint64_t *a)
{
    siginfo_t si;
    int pid = (int)a[0], sig = (int)a[1];
    if (mm_copy_from_guest(&si, a[2], sizeof(si)) < 0) {
        return -EFAULT;
    }
    if (pid == lu_proc.pid && sig > 0 && !signal_host_routed(sig) && sig <= TARGET_NSIG &&
        sig != SIGKILL && sig != SIGSTOP) {
        signal_queue(env, sig, false);
        return 0;
    }
    return host_ret(syscall(SYS_rt_sigqueueinfo, pid, sig, &si));
}

int64_t sys_rt_tgsigqueueinfo(CPUX86State *env, const uint64_t *a)
{
    siginfo_t si;
    int tgid = (int)a[0], tid = (int)a[1], sig = (int)a[2];
    if (mm_copy_from_guest(&si, a[3], sizeof(si)) < 0) {
        return -EFAULT;
    }
    if (tgid == lu_proc.pid && sig > 0 && !signal_host_routed(sig) && sig <= TARGET_NSIG &&
        sig != SIGKILL && sig != SIGSTOP) {
        return thread_signal(tid, sig) ? 0 : -ESRCH;
    }
    return host_ret(syscall(SYS_rt_tgsigqueueinfo, tgid, tid, sig, &si));
}

/* The host signalfd works unchanged: the guest blocks the signals it
 * reads that way, so the host mask (its mirror) keeps them pending in
 * the host kernel, and signalfd_siginfo has the same layout. */
int64_t sys_signalfd4(CPUX86State *env, const uint64_t *a)
{
    uint64_t m;
    if (a[2] != 8) {
        return -EINVAL;
    }
    if (mm_copy_from_guest(&m, a[1], 8) < 0) {
        return -EFAULT;
    }
    return host_ret(syscall(SYS_signalfd4, (int)a[0], &m, 8, (int)a[3]));
}

int64_t sys_signalfd(CPUX86State *env, const uint64_t *a)
{
    const uint64_t b[4] = { a[0], a[1], a[2], 0 };
    return sys_signalfd4(env, b);
}
