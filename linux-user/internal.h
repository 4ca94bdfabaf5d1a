/*
 * linux-user/internal.h — shared by the files of linux-user/.
 *
 * The process (one per emu run) is `lu_proc`; each guest thread has a
 * TaskState hanging off env->opaque.  Guest ABI structures are x86_64
 * Linux's; the target_* types below spell out their layout so that the
 * code does not silently depend on the host's.
 */
#ifndef LINUX_USER_INTERNAL_H
#define LINUX_USER_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <glib.h>

#include "emu/cpu.h"
#include "linux-user/user.h"

/* ---- the loaded program (elfload.c) ---- */

typedef struct ImageInfo {
    char *path;             /* absolute path of the file (for /proc/self/exe) */
    int fd;                 /* -1: the file is closed once loaded */
    uint16_t e_type;        /* ET_EXEC or ET_DYN */
    uint64_t load_bias;     /* added to every p_vaddr (0 for ET_EXEC) */
    uint64_t load_addr;     /* lowest mapped address */
    uint64_t entry;         /* e_entry + load_bias */
    uint64_t phdr;          /* guest address of the program headers (AT_PHDR) */
    uint16_t phnum, phent;
    uint64_t start_code, end_code;
    uint64_t start_data, end_data;
    uint64_t brk;           /* page-aligned end of the highest segment */
    bool exec_stack;        /* PT_GNU_STACK with PF_X */
    char *interp;           /* PT_INTERP path, or NULL (static program) */
    char *interp_path;      /* the interpreter file loaded (after -L), or NULL */
    uint64_t interp_base;   /* AT_BASE: the interpreter's load bias; 0: none */
    uint64_t start;         /* first rip: the interpreter's entry, else entry */
    uint64_t tls_vaddr, tls_memsz; /* PT_TLS (informational) */
} ImageInfo;

/* Validate and load `path` and, for a dynamic program, its ELF
 * interpreter (PT_INTERP through lu_path) into the guest address space
 * (mm_init done, nothing mapped yet).  Returns true, or false with a
 * g_malloc'ed message in *err ("not an ELF file", "cannot load its ELF
 * interpreter ...") that the caller prints after the file name. */
bool elf_load_program(const char *path, ImageInfo *info, char **err);
/* Validate only, program and interpreter (no mapping): used before the
 * address space exists, so that a bad file changes nothing. */
bool elf_check_program(const char *path, char **err);

/* Load cfg->exec_path (and its interpreter) into the current, empty guest
 * address space and build the initial stack from cfg's argv and envp:
 * fills lu_proc.image, execfn, cmdline and auxv, and gives the first rip
 * and rsp.  False with *err on failure (process.c; for exec too). */
bool lu_load_exec(const LinuxUserConfig *cfg, uint64_t *rip, uint64_t *rsp, char **err);

/* ---- the initial stack (stack.c) ---- */

/* Map the stack, write strings, auxv, envp, argv, argc; returns the
 * initial rsp (points at argc, 16-byte aligned), or 0 with *err set. */
uint64_t stack_setup(const LinuxUserConfig *cfg, const ImageInfo *info, char **err);

/* ---- per-process state ---- */

#define TARGET_NSIG 64
#define TARGET_MINSIGSTKSZ 2048   /* AT_MINSIGSTKSZ and sigaltstack's minimum */

/* struct sigaction as the x86_64 kernel takes it (rt_sigaction). */
typedef struct TargetSigaction {
    uint64_t handler;   /* SIG_DFL 0, SIG_IGN 1, or the guest handler */
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
} TargetSigaction;

#define TARGET_SIG_DFL 0
#define TARGET_SIG_IGN 1

typedef struct LinuxUserProc {
    ImageInfo image;
    char *execfn;           /* AT_EXECFN string (program as given) */
    GByteArray *auxv;       /* the auxv as written to the stack (/proc/self/auxv) */
    GByteArray *cmdline;    /* argv joined by NULs (/proc/self/cmdline) */
    uint64_t stack_size;    /* mapped stack size: reported as RLIMIT_STACK */
    uint64_t stack_top;
    uint64_t start_stack;   /* the initial rsp (at argc): /proc/self/stat's startstack */
    uint64_t rlimit_stack_max;
    bool have_seed;
    uint64_t rng_state;     /* splitmix64 state for -seed */
    TargetSigaction sigact[TARGET_NSIG + 1];
    uint64_t sigpending;    /* process-directed pending signals (bit sig-1) */
    int pid;
} LinuxUserProc;

extern LinuxUserProc lu_proc;

/* Per-thread state (env->opaque). */
typedef struct TaskState {
    int tid;
    uint64_t set_child_tid, clear_child_tid;
    uint64_t robust_list, robust_list_len;
    uint64_t sigmask;       /* blocked signals (bit sig-1) */
    uint64_t sigpending;    /* thread-directed pending signals */
    uint64_t ss_sp, ss_size;/* sigaltstack */
    int ss_flags;           /* Linux's sas_ss_flags (0 with ss_size 0: SS_DISABLE) */
    /* The last trap, as Linux keeps it per thread and writes it into every
     * sigcontext (err, trapno, cr2), also for asynchronous signals. */
    uint64_t trap_nr, trap_err, cr2;
    /* A syscall is being handled (cpu_loop): its number + 1, else 0; for
     * the restart rules of the first signal delivered after it. */
    int in_syscall;
    /* Mask to restore once a handler is set up (sigsuspend, ppoll...). */
    bool has_saved_mask;
    uint64_t saved_mask;
} TaskState;

static inline TaskState *task_state(CPUX86State *env) { return env->opaque; }

/* Fill buf with random bytes: deterministic stream under -seed, else
 * the host's getrandom. */
void lu_random_bytes(void *buf, size_t len);

/* ---- threads (thread.c) ---- */

/* Register the first thread (its TaskState's tid set). */
void thread_init_main(CPUX86State *env);
/* Around a fork: the thread table's lock; in the child, env's thread is
 * the only one. */
void thread_fork_prepare(void);
void thread_fork_parent(void);
void thread_after_fork_child(CPUX86State *env);
/* Number of live guest threads. */
int lu_thread_count(void);
/* clone with CLONE_THREAD: returns the new tid or -errno. */
int64_t thread_clone(CPUX86State *env, uint64_t flags, uint64_t newsp, uint64_t ptid,
                     uint64_t ctid, uint64_t tls);
/* exit(2) of this thread: robust list, clear_child_tid, vcpu_exit; the
 * last thread ends the process with status. */
void thread_exit(CPUX86State *env, int status) __attribute__((noreturn));
/* Make sig pending for guest thread tid of this process (0 = probe);
 * false if there is no such thread. */
bool thread_signal(int tid, int sig);

/* ---- processes (fork.c, exec.c) ---- */

/* clone/clone3 without CLONE_THREAD: fork, vfork (CLONE_VM|CLONE_VFORK)
 * or CLONE_VFORK alone.  exit_signal is the clone's low byte (clone3:
 * its field); pidfd_addr receives a CLONE_PIDFD.  Returns the child's
 * pid (0 in the child) or -errno. */
int64_t process_clone(CPUX86State *env, uint64_t flags, int exit_signal, uint64_t newsp,
                      uint64_t ptid, uint64_t ctid, uint64_t tls, uint64_t pidfd_addr);
/* This host thread is running a vfork child (sharing its parent's memory
 * until it execs or exits): exit must not touch shared state. */
bool fork_in_vfork_child(void);
/* After the program is loaded: close the -execfd descriptor, if any. */
void exec_after_load(void);
/* AT_EXECFN: the -execfn name if a guest execve gave one, else program. */
const char *exec_execfn_or(const char *program);

/* ---- the cpu loop (cpu-loop.c) ---- */

void cpu_loop(CPUX86State *env) __attribute__((noreturn));
/* Flush logs and leave with the guest's exit status. */
void lu_exit(int status) __attribute__((noreturn));

/* ---- signals (signal.c) ---- */

#define SIGBIT(sig) (1ULL << ((sig) - 1))

/* A synchronous fault (#UD, #PF...) hit the guest (cpu_exec returned excp,
 * env holds the state before the faulting instruction): the signal is
 * forced as Linux forces it (blocked or ignored, it kills), else its
 * handler runs with a frame describing the fault. */
void signal_raise_sync(CPUX86State *env, int excp, int signo, int code, uint64_t addr);
/* Make signo pending for the thread (tgkill/tkill) or process (kill),
 * inside emu (signals the host does not route to the guest). */
void signal_queue(CPUX86State *env, int signo, bool thread);
/* Whether a signal sent to this process travels through the host kernel
 * (kill/tgkill/sigqueue on the host reach the guest via emu's handler). */
bool signal_host_routed(int signo);
/* Act on pending unblocked signals: deliver to handlers (frames) or take
 * the default action.  After each syscall and at exit requests. */
void signal_process_pending(CPUX86State *env);
/* The calling host thread runs vCPU env (host signals go to it). */
void signal_thread_start(CPUX86State *env);
/* The calling host thread leaves the guest: no more host signals for it. */
void signal_thread_end(void);
/* Die of signo as the native program would: no core file, same status. */
void signal_die(int signo) __attribute__((noreturn));
/* Default action of a signal is to ignore it (SIGCHLD, SIGURG, SIGWINCH, SIGCONT). */
bool signal_default_ignored(int signo);
void signal_init(void);

int64_t signal_do_sigaction(CPUX86State *env, int sig, uint64_t act, uint64_t oact, uint64_t sigsetsize);
int64_t signal_do_sigprocmask(CPUX86State *env, int how, uint64_t set, uint64_t oset, uint64_t sigsetsize);
int64_t signal_do_sigaltstack(CPUX86State *env, uint64_t ss, uint64_t old_ss);
/* Set the guest mask of this thread (SIGKILL/SIGSTOP dropped) and mirror
 * it to the host thread's mask. */
void signal_set_mask(CPUX86State *env, uint64_t mask);
/* For syscalls taking a temporary sigmask (ppoll, pselect6, epoll_pwait):
 * install it, keeping the old one to restore (signal_end_temp_mask).
 * ret is the call's result: on -EINTR the old mask is restored only after
 * the handler frame is set up (its uc_sigmask holds the old mask). */
void signal_begin_temp_mask(CPUX86State *env, uint64_t mask);
void signal_end_temp_mask(CPUX86State *env, int64_t ret);

/* ---- signal frames (sigframe.c) ---- */

/* Build an x86_64 rt_sigframe for sig on the guest stack (or altstack)
 * and point env at handler sa; info is a 128-byte siginfo.  oldmask goes
 * into the frame.  Returns false if the frame could not be written. */
bool sigframe_setup(CPUX86State *env, int sig, const TargetSigaction *sa,
                    const void *info, uint64_t oldmask);
/* rt_sigreturn: restore from the frame at rsp - 8.  Returns false on a
 * bad frame (the caller forces SIGSEGV). */
bool sigframe_return(CPUX86State *env);
/* The guest's rsp is on its alternate signal stack. */
bool signal_on_altstack(CPUX86State *env, uint64_t sp);
/* Reset the FPU/SSE/AVX state as Linux does for a handler. */
void sigframe_reset_fpu(CPUX86State *env);

/* ---- syscalls (syscall*.c, syscalls.def) ---- */

typedef int64_t (*SyscallHandler)(CPUX86State *env, const uint64_t *a);

#define SYSCALL(nr, name, handler, nargs, fmt) \
    int64_t handler(CPUX86State *env, const uint64_t *a);
#include "linux-user/syscalls.def"
#undef SYSCALL

/* Dispatch the syscall in env (rax = nr, args in rdi rsi rdx r10 r8 r9);
 * the result goes to rax. */
void do_syscall(CPUX86State *env);

/* Host result (-1/errno convention) to the guest's (-errno). */
static inline int64_t host_ret(int64_t r) { return r == -1 ? -(int64_t)errno : r; }

/* Guest pointer helpers: host pointer or NULL (caller returns -EFAULT).
 * A zero-length range is always fine (and gives a harmless pointer). */
void *g_ptr_r(uint64_t addr, uint64_t len);
void *g_ptr_w(uint64_t addr, uint64_t len);
/* Guest path string (PATH_MAX), g_malloc'ed; NULL with *err. */
char *g_path(uint64_t addr, int *err);

/* ---- the -L prefix (path.c) ---- */

/* Set the prefix (NULL or "": none); made absolute here. */
void lu_path_init(const char *prefix);
/* The absolute prefix, or NULL. */
const char *lu_path_prefix(void);
/* The host path for a guest path in a lookup: PREFIX/path if path is
 * absolute, not under /proc, /dev or /sys, and PREFIX/path exists; else
 * path.  Always a g_malloc'ed copy. */
char *lu_path(const char *path);

/* /proc emulation (syscall-fs.c): if path names one of the emulated
 * /proc/self files, return an fd with its content (>= 0), or -errno;
 * return INT_MIN when the path is not emulated. */
int proc_self_open(const char *path, int flags);
/* readlink of /proc/self/exe: the program path; NULL if not emulated. */
const char *proc_self_readlink(const char *path);

/* ---- strace (strace.c) ---- */

void strace_enter(int nr, const char *name, const char *fmt, int nargs, const uint64_t *a);
void strace_exit(const char *fmt, int64_t ret);
void strace_unknown(int nr, const uint64_t *a);
/* Print v as the symbolic format letter f says (syscalls.def); false if f
 * is not a symbolic letter (strace-decode.c). */
bool strace_decode_letter(char f, uint64_t v);

#endif
