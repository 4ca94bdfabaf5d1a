/*
 * linux-user/strace-decode.c — symbolic -strace arguments: flag sets and
 * enumerations (open flags, mmap prot/flags, signals, clone flags, fcntl
 * and futex commands, clocks...), printed as strace and QEMU print them:
 *
 *   openat(AT_FDCWD,"f",O_WRONLY|O_CREAT|O_TRUNC,0644)
 *   mmap(NULL,4096,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0)
 *
 * Each syscalls.def format letter that is not a plain number names one
 * table here (strace_decode_letter).  Unknown bits are printed in hex
 * after the known ones, so nothing the guest passed is hidden.
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/futex.h>
#include <sched.h>

#include "emu/log.h"
#include "linux-user/internal.h"

typedef struct Sym {
    uint64_t value;
    const char *name;
} Sym;

#define S(x) { x, #x }
#define END { 0, NULL }

/* ---- flag sets (OR of bits) ---- */

/* Composite flags (O_SYNC, O_TMPFILE) before the bits they contain. */
static const Sym open_flags[] = {
    S(O_CREAT), S(O_EXCL), S(O_NOCTTY), S(O_TRUNC), S(O_APPEND), S(O_NONBLOCK),
    S(O_SYNC), S(O_DSYNC), S(O_ASYNC), S(O_DIRECT), S(O_LARGEFILE), S(O_TMPFILE),
    S(O_DIRECTORY), S(O_NOFOLLOW), S(O_NOATIME), S(O_CLOEXEC), S(O_PATH),
    END
};

static const Sym prot_flags[] = {
    S(PROT_READ), S(PROT_WRITE), S(PROT_EXEC), S(PROT_GROWSDOWN), S(PROT_GROWSUP), END
};

static const Sym mmap_flags[] = {
    S(MAP_FIXED), S(MAP_ANONYMOUS), S(MAP_32BIT), S(MAP_GROWSDOWN), S(MAP_DENYWRITE),
    S(MAP_EXECUTABLE), S(MAP_LOCKED), S(MAP_NORESERVE), S(MAP_POPULATE), S(MAP_NONBLOCK),
    S(MAP_STACK), S(MAP_HUGETLB), S(MAP_SYNC), S(MAP_FIXED_NOREPLACE), END
};

static const Sym clone_flags[] = {
    S(CLONE_VM), S(CLONE_FS), S(CLONE_FILES), S(CLONE_SIGHAND), S(CLONE_PIDFD),
    S(CLONE_PTRACE), S(CLONE_VFORK), S(CLONE_PARENT), S(CLONE_THREAD), S(CLONE_NEWNS),
    S(CLONE_SYSVSEM), S(CLONE_SETTLS), S(CLONE_PARENT_SETTID), S(CLONE_CHILD_CLEARTID),
    S(CLONE_DETACHED), S(CLONE_UNTRACED), S(CLONE_CHILD_SETTID), S(CLONE_NEWCGROUP),
    S(CLONE_NEWUTS), S(CLONE_NEWIPC), S(CLONE_NEWUSER), S(CLONE_NEWPID), S(CLONE_NEWNET),
    S(CLONE_IO), END
};

static const Sym at_flags[] = {
    S(AT_SYMLINK_NOFOLLOW), S(AT_REMOVEDIR), S(AT_SYMLINK_FOLLOW), S(AT_NO_AUTOMOUNT),
    S(AT_EMPTY_PATH), S(AT_STATX_FORCE_SYNC), S(AT_STATX_DONT_SYNC), S(AT_RECURSIVE), END
};

static const Sym wait_flags[] = {
    S(WNOHANG), S(WUNTRACED), S(WEXITED), S(WCONTINUED), S(WNOWAIT), S(__WNOTHREAD),
    S(__WALL), S(__WCLONE), END
};

static const Sym msg_flags[] = {
    S(MSG_OOB), S(MSG_PEEK), S(MSG_DONTROUTE), S(MSG_CTRUNC), S(MSG_TRUNC),
    S(MSG_DONTWAIT), S(MSG_EOR), S(MSG_WAITALL), S(MSG_NOSIGNAL), S(MSG_MORE),
    S(MSG_WAITFORONE), S(MSG_CMSG_CLOEXEC), END
};

/* ---- enumerations (one value) ---- */

static const Sym signals[] = {
    S(SIGHUP), S(SIGINT), S(SIGQUIT), S(SIGILL), S(SIGTRAP), S(SIGABRT), S(SIGBUS),
    S(SIGFPE), S(SIGKILL), S(SIGUSR1), S(SIGSEGV), S(SIGUSR2), S(SIGPIPE), S(SIGALRM),
    S(SIGTERM), S(SIGSTKFLT), S(SIGCHLD), S(SIGCONT), S(SIGSTOP), S(SIGTSTP), S(SIGTTIN),
    S(SIGTTOU), S(SIGURG), S(SIGXCPU), S(SIGXFSZ), S(SIGVTALRM), S(SIGPROF), S(SIGWINCH),
    S(SIGIO), S(SIGPWR), S(SIGSYS), END
};

static const Sym sigmask_how[] = { S(SIG_BLOCK), S(SIG_UNBLOCK), S(SIG_SETMASK), END };

static const Sym fcntl_cmds[] = {
    S(F_DUPFD), S(F_GETFD), S(F_SETFD), S(F_GETFL), S(F_SETFL), S(F_GETLK), S(F_SETLK),
    S(F_SETLKW), S(F_SETOWN), S(F_GETOWN), S(F_SETSIG), S(F_GETSIG), S(F_SETOWN_EX),
    S(F_GETOWN_EX), S(F_OFD_GETLK), S(F_OFD_SETLK), S(F_OFD_SETLKW), S(F_SETLEASE),
    S(F_GETLEASE), S(F_NOTIFY), S(F_DUPFD_CLOEXEC), S(F_SETPIPE_SZ), S(F_GETPIPE_SZ),
    S(F_ADD_SEALS), S(F_GET_SEALS), END
};

static const Sym futex_ops[] = {
    S(FUTEX_WAIT), S(FUTEX_WAKE), S(FUTEX_FD), S(FUTEX_REQUEUE), S(FUTEX_CMP_REQUEUE),
    S(FUTEX_WAKE_OP), S(FUTEX_LOCK_PI), S(FUTEX_UNLOCK_PI), S(FUTEX_TRYLOCK_PI),
    S(FUTEX_WAIT_BITSET), S(FUTEX_WAKE_BITSET), S(FUTEX_WAIT_REQUEUE_PI),
    S(FUTEX_CMP_REQUEUE_PI), S(FUTEX_LOCK_PI2), END
};

static const Sym clocks[] = {
    S(CLOCK_REALTIME), S(CLOCK_MONOTONIC), S(CLOCK_PROCESS_CPUTIME_ID),
    S(CLOCK_THREAD_CPUTIME_ID), S(CLOCK_MONOTONIC_RAW), S(CLOCK_REALTIME_COARSE),
    S(CLOCK_MONOTONIC_COARSE), S(CLOCK_BOOTTIME), S(CLOCK_REALTIME_ALARM),
    S(CLOCK_BOOTTIME_ALARM), S(CLOCK_TAI), END
};

static const Sym whences[] = {
    S(SEEK_SET), S(SEEK_CUR), S(SEEK_END), S(SEEK_DATA), S(SEEK_HOLE), END
};

static const Sym socket_families[] = {
    S(AF_UNSPEC), S(AF_UNIX), S(AF_INET), S(AF_INET6), S(AF_NETLINK), S(AF_PACKET), END
};

static const Sym access_modes[] = { S(O_RDONLY), S(O_WRONLY), S(O_RDWR), END };

/* ---- printing ---- */

static const char *sym_name(const Sym *t, uint64_t v)
{
    for (; t->name; t++) {
        if (t->value == v) {
            return t->name;
        }
    }
    return NULL;
}

/* Known bits by name, joined with '|', then the rest in hex; "0" if none. */
static void print_flags(const Sym *t, uint64_t v, const char *prefix)
{
    bool any = false;
    if (prefix) {
        qemu_log("%s", prefix);
        any = true;
    }
    for (; t->name; t++) {
        if (t->value && (v & t->value) == t->value) {
            qemu_log("%s%s", any ? "|" : "", t->name);
            v &= ~t->value;
            any = true;
        }
    }
    if (v || !any) {
        qemu_log("%s0x%" G_GINT64_MODIFIER "x", any ? "|" : "", v);
    }
}

static void print_enum(const Sym *t, uint64_t v, bool is_signed)
{
    const char *n = sym_name(t, v);
    if (n) {
        qemu_log("%s", n);
    } else if (is_signed) {
        qemu_log("%d", (int)v);
    } else {
        qemu_log("0x%" G_GINT64_MODIFIER "x", v);
    }
}

static void print_signal(uint64_t v)
{
    int sig = (int)v;
    if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
        qemu_log("SIGRT_%d", sig - 32);     /* the kernel's numbering, not glibc's */
    } else {
        print_enum(signals, (uint64_t)sig, true);
    }
}

bool strace_decode_letter(char f, uint64_t v)
{
    switch (f) {
    case 'O': {     /* open flags: access mode first, then the bits */
        const char *mode = sym_name(access_modes, v & O_ACCMODE);
        print_flags(open_flags, v & ~(uint64_t)O_ACCMODE, mode ? mode : "O_ACCMODE");
        return true;
    }
    case 'P':
        if (v == 0) {
            qemu_log("PROT_NONE");
        } else {
            print_flags(prot_flags, v, NULL);
        }
        return true;
    case 'M': {     /* mmap flags: the mapping type first */
        static const Sym types[] = {
            S(MAP_SHARED), S(MAP_PRIVATE), S(MAP_SHARED_VALIDATE), END
        };
        const char *type = sym_name(types, v & 3);
        print_flags(mmap_flags, v & ~3ULL, type ? type : "0");
        return true;
    }
    case 'C': {     /* clone flags: the exit signal in the low byte */
        uint64_t sig = v & 0xff;
        print_flags(clone_flags, v & ~0xffULL, NULL);
        if (sig) {
            qemu_log("|");
            print_signal(sig);
        }
        return true;
    }
    case 'a':
        print_flags(at_flags, v, NULL);
        return true;
    case 'w':
        print_flags(wait_flags, v, NULL);
        return true;
    case 'm':
        print_flags(msg_flags, v, NULL);
        return true;
    case 'S':
        print_signal(v);
        return true;
    case 'h':
        print_enum(sigmask_how, v, true);
        return true;
    case 'F':
        print_enum(fcntl_cmds, v, true);
        return true;
    case 'X': {     /* futex op with its modifier bits */
        print_enum(futex_ops, v & FUTEX_CMD_MASK, true);
        if (v & FUTEX_PRIVATE_FLAG) {
            qemu_log("|FUTEX_PRIVATE_FLAG");
        }
        if (v & FUTEX_CLOCK_REALTIME) {
            qemu_log("|FUTEX_CLOCK_REALTIME");
        }
        return true;
    }
    case 'k':
        print_enum(clocks, v, true);
        return true;
    case 'W':
        print_enum(whences, v, true);
        return true;
    case 'A':
        print_enum(socket_families, v, true);
        return true;
    default:
        return false;
    }
}
