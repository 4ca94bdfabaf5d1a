/*
 * linux-user/signal.c — guest signal state and default actions.
 *
 * For now emu records what the guest asks (rt_sigaction, rt_sigprocmask,
 * sigaltstack, with Linux's validation and old-value semantics) but does
 * not deliver signals to guest handlers: a signal that becomes deliverable
 * takes its default action, except that SIG_IGN (and default-ignore)
 * discards it.  A fatal default action kills emu with the same signal and
 * no core file, so a shell sees what it would see natively.
 *
 * Synchronous faults (#UD, #PF, #DE, int3) are forced as Linux forces
 * them: blocked or ignored, they still kill.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "emu/log.h"
#include "plugins/plugin.h"
#include "linux-user/internal.h"
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

bool signal_default_ignored(int sig)
{
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

static bool signal_default_stops(int sig)
{
    return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* Host signals whose disposition emu mirrors from the guest's SIG_IGN /
 * SIG_DFL: those the core does not use for itself. */
static bool signal_host_mirrored(int sig)
{
    switch (sig) {
    case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGTRAP:
    case SIGKILL: case SIGSTOP:
        return false;
    default:
        return sig >= 1 && sig < SIGRTMIN;
    }
}

void signal_init(void)
{
    for (int i = 1; i <= TARGET_NSIG; i++) {
        memset(&lu_proc.sigact[i], 0, sizeof(lu_proc.sigact[i]));
    }
    /* An ignored signal stays ignored across exec: inherit the host's
     * dispositions for the mirrored signals (e.g. nohup's SIGHUP). */
    for (int sig = 1; sig < SIGRTMIN; sig++) {
        struct sigaction old;
        if (signal_host_mirrored(sig) && sigaction(sig, NULL, &old) == 0 &&
            old.sa_handler == SIG_IGN) {
            lu_proc.sigact[sig].handler = TARGET_SIG_IGN;
        }
    }
}

void signal_die(int sig)
{
    struct rlimit nocore = { 0, 0 };
    struct sigaction sa;
    sigset_t set;

    /* Plugins' atexit callbacks run before the process dies (QEMU does). */
    plugin_process_exit(NULL);
    qemu_log_flush();
    fflush(stdout);
    fflush(stderr);
    setrlimit(RLIMIT_CORE, &nocore);
    /* Remove any handler (the core's SIGSEGV/SIGBUS one included). */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    /* Signals whose default action does not terminate cannot get here;
     * be safe anyway. */
    kill(getpid(), sig);
    _exit(128 + sig);
}

/* The default action of sig, or SIG_IGN's. */
static void signal_take_default(CPUX86State *env, int sig)
{
    const TargetSigaction *sa = &lu_proc.sigact[sig];

    if (sig != SIGKILL && sig != SIGSTOP) {
        if (sa->handler == TARGET_SIG_IGN) {
            return;
        }
        if (sa->handler != TARGET_SIG_DFL && emu_log_enabled(LOG_UNIMP)) {
            qemu_log("emu: signal %d: guest handlers are not supported yet, "
                     "taking the default action\n", sig);
        }
    }
    if (signal_default_ignored(sig)) {
        return;
    }
    if (signal_default_stops(sig)) {
        /* Stop emu itself with the same signal (its host action is the
         * default one, or the guest would have ignored it); it continues
         * with SIGCONT as the guest would. */
        raise(sig);
        return;
    }
    signal_die(sig);
}

void signal_raise_sync(CPUX86State *env, int signo, int code, uint64_t addr)
{
    if (emu_log_enabled(LOG_GUEST_ERROR)) {
        qemu_log("emu: guest signal %d (code %d, addr 0x%" G_GINT64_MODIFIER "x) at pc 0x%"
                 G_GINT64_MODIFIER "x\n", signo, code, addr, env->rip);
    }
    /* Forced: a blocked or ignored synchronous signal kills (Linux
     * force_sig_info resets it to SIG_DFL). */
    signal_die(signo);
}

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
}

void signal_process_pending(CPUX86State *env)
{
    TaskState *ts = task_state(env);
    uint64_t ready;

    while ((ready = (__atomic_load_n(&ts->sigpending, __ATOMIC_SEQ_CST) |
                     __atomic_load_n(&lu_proc.sigpending, __ATOMIC_SEQ_CST)) &
                    ~(ts->sigmask & ~UNBLOCKABLE)) != 0) {
        int sig = __builtin_ctzll(ready) + 1;
        /* Synchronous-type signals first, as Linux dequeues them. */
        static const int sync_first[] = { SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS };
        for (size_t i = 0; i < G_N_ELEMENTS(sync_first); i++) {
            if (ready & SIGBIT(sync_first[i])) {
                sig = sync_first[i];
                break;
            }
        }
        __atomic_fetch_and(&ts->sigpending, ~SIGBIT(sig), __ATOMIC_SEQ_CST);
        __atomic_fetch_and(&lu_proc.sigpending, ~SIGBIT(sig), __ATOMIC_SEQ_CST);
        signal_take_default(env, sig);
    }
}

/* Mirror the guest's choice between ignoring and not ignoring a signal
 * to the host, so that e.g. SIGPIPE ignored by the guest gives EPIPE
 * instead of killing emu, and a default SIGPIPE kills emu as natively. */
static void signal_mirror_host(int sig)
{
    struct sigaction sa;

    if (!signal_host_mirrored(sig)) {
        return;
    }
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = lu_proc.sigact[sig].handler == TARGET_SIG_IGN ? SIG_IGN : SIG_DFL;
    sigaction(sig, &sa, NULL);
}

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
         * discards a pending instance. */
        if (new_sa.handler == TARGET_SIG_IGN ||
            (new_sa.handler == TARGET_SIG_DFL && signal_default_ignored(sig))) {
            lu_proc.sigpending &= ~SIGBIT(sig);
            task_state(env)->sigpending &= ~SIGBIT(sig);
        }
        signal_mirror_host(sig);
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
        new_set &= ~UNBLOCKABLE;
        switch (how) {
        case SIG_BLOCK:
            ts->sigmask |= new_set;
            break;
        case SIG_UNBLOCK:
            ts->sigmask &= ~new_set;
            break;
        case SIG_SETMASK:
            ts->sigmask = new_set;
            break;
        default:
            return -EINVAL;
        }
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
    TargetStack ss, old;

    memset(&old, 0, sizeof(old));
    old.ss_sp = ts->ss_sp;
    old.ss_size = ts->ss_size;
    /* Never on the alternate stack while no handler runs. */
    old.ss_flags = (ts->ss_size == 0 ? TARGET_SS_DISABLE : 0) |
                   (ts->ss_flags & (int32_t)TARGET_SS_AUTODISARM);

    if (uss) {
        if (mm_copy_from_guest(&ss, uss, sizeof(ss)) < 0) {
            return -EFAULT;
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
        ts->ss_flags = (int)((uint32_t)ss.ss_flags & TARGET_SS_AUTODISARM);
    }
    if (uoss && mm_copy_to_guest(uoss, &old, sizeof(old)) < 0) {
        return -EFAULT;
    }
    return 0;
}
