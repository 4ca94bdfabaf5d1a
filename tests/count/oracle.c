/*
 * oracle: the native reference for emu's instruction counts.
 *
 *   oracle [--started] [--count-per-thread] [--on-every-close] [--aslr]
 *          [--json FILE] [--out FILE] -- PROGRAM [ARGS...]
 *
 * Runs PROGRAM natively under ptrace and plays the magic-fd protocol of
 * docs/counting.md exactly as libinsncount does: a read() whose fd has low
 * 32 bits BASE+k (BASE 0xcafebabe or 0x0afebabe, k 0..3) is START, STOP,
 * bytes-read, bytes-written.  Inside a region the tracee is single-stepped
 * (PTRACE_SINGLESTEP) and every step that retired an instruction counts
 * one; outside regions it runs at full speed between syscalls
 * (PTRACE_SYSCALL).  The region is the instructions after the START
 * syscall retires up to and including the STOP syscall.
 *
 * What counts as a step (x86_64 Linux):
 *  - SIGTRAP with si_code TRAP_TRACE: the #DB single-step trap after an
 *    ordinary instruction.  A REP string instruction traps after every
 *    iteration, and once when it iterates zero times: max(n, 1).
 *  - SIGTRAP with si_code TRAP_BRKPT: the kernel's report at the exit of a
 *    stepped `syscall` (user_single_step_report): the syscall counts once;
 *    its arguments (rdi, rsi, rdx survive `syscall`) and result are read
 *    here.
 *  - SIGTRAP with si_code SIGTRAP: ptrace_notify() after a signal frame was
 *    set up while stepping; no instruction ran: not counted.
 *  - any other signal: the instruction faulted (did not retire): not
 *    counted; the signal is passed on.
 *  - the tracee exiting during a step: the exit/exit_group syscall counts.
 * Like the plugin, the guest buffer is written only if it is writable
 * (process_vm_writev honours page protections, PTRACE_POKEDATA would not),
 * so the guest sees exactly what it sees under emu.
 *
 * Output: `executed N instructions; R bytes read; W bytes written` at every
 * STOP (and at exit while a region is open), on stderr or --out FILE, and
 * with --json FILE the JSON document libinsncount writes (the total only
 * with --started: outside regions instructions are not counted).
 * The tracee runs without address-space randomization unless --aslr.
 * Exit status: the tracee's (128+N if signal N killed it); 77 if ptrace is
 * not permitted here (the tests then skip); 2 for the oracle's own errors.
 *
 * Threads: every thread is traced (PTRACE_O_TRACECLONE) and numbered in
 * creation order (0 = the main thread), as emu numbers vCPUs.  A thread is
 * single-stepped while it counts: with --started always, with
 * --count-per-thread only the thread that issued START, otherwise every
 * thread while a region is open (threads running when START happens
 * switch at their next stop: only the per-thread and --started figures
 * are exact with several threads).  A thread's exit/exit_group counts when
 * the thread issued it (PTRACE_EVENT_EXIT with orig_rax = the call); a
 * thread killed by another's exit_group does not count.  JSON "threads"
 * lists each thread's total (with --started), "thread" in a region is the
 * thread that issued START.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef TRAP_TRACE
#define TRAP_TRACE 2
#endif
#ifndef TRAP_BRKPT
#define TRAP_BRKPT 1
#endif

#define MAGIC_BASE_A 0xcafebabeu
#define MAGIC_BASE_B 0x0afebabeu

typedef struct Region {
    uint64_t insns, bytes_read, bytes_written;
} Region;

static bool opt_started, opt_on_every_close, opt_aslr, opt_per_thread;
static FILE *out;
static const char *json_path;

static bool counting;
static uint64_t insns, bytes_read, bytes_written;
static Region *regions;
static int *region_thread;
static size_t n_regions;
static int start_index;                /* thread that issued START */

/* One traced thread. */
typedef struct Thread {
    pid_t tid;
    int index;             /* creation order; -1 until its parent's clone event */
    bool fresh;            /* its initial SIGSTOP not seen yet */
    bool in_syscall;       /* PTRACE_SYSCALL mode: the entry stop was seen */
    bool stepped;          /* last resumed with PTRACE_SINGLESTEP */
    bool alive;
    uint64_t total;        /* instructions it retired (with --started) */
} Thread;
static Thread *threads;
static size_t n_threads;
static int next_index;

static Thread *thread_get(pid_t tid)
{
    for (size_t i = 0; i < n_threads; i++)
        if (threads[i].tid == tid && threads[i].alive)
            return &threads[i];
    threads = realloc(threads, (n_threads + 1) * sizeof(*threads));
    threads[n_threads] = (Thread){ .tid = tid, .index = -1, .fresh = true, .alive = true };
    return &threads[n_threads++];
}

/* Does this thread single-step now? */
static bool thread_steps(const Thread *t)
{
    return opt_started || (counting && (!opt_per_thread || t->index == start_index));
}

/* One retired instruction of t. */
static void count_insn(Thread *t)
{
    t->total += opt_started;
    if (counting && (!opt_per_thread || t->index == start_index))
        insns++;
}

static void report(void)
{
    fprintf(out, "executed %llu instructions; %llu bytes read; %llu bytes written\n",
            (unsigned long long)insns, (unsigned long long)bytes_read,
            (unsigned long long)bytes_written);
    fflush(out);
}

static void guest_write_u64(pid_t pid, uint64_t addr, uint64_t value)
{
    struct iovec local = { &value, 8 }, remote = { (void *)(uintptr_t)addr, 8 };
    /* failure (unmapped or read-only buffer) is silently ignored, as in
     * the plugin: the guest only sees its read fail with EBADF */
    (void)process_vm_writev(pid, &local, 1, &remote, 1, 0);
}

static bool is_io_read(long nr)  { return nr == SYS_read || nr == SYS_pread64 || nr == SYS_readv || nr == SYS_preadv; }
static bool is_io_write(long nr) { return nr == SYS_write || nr == SYS_pwrite64 || nr == SYS_writev || nr == SYS_pwritev; }

/* A syscall has retired (its result is in rax): play the protocol.
 * Returns true if counting state changed. */
static void on_syscall_exit(pid_t pid, Thread *t, const struct user_regs_struct *r)
{
    long nr = (long)r->orig_rax;
    int64_t ret = (int64_t)r->rax;

    if (counting && ret > 0 && (!opt_per_thread || t->index == start_index)) {
        if (is_io_read(nr))
            bytes_read += (uint64_t)ret;
        else if (is_io_write(nr))
            bytes_written += (uint64_t)ret;
    }
    if (nr == SYS_close && opt_on_every_close)
        report();
    if (nr != SYS_read)
        return;
    uint32_t fd = (uint32_t)r->rdi;
    uint32_t k;
    if (fd - MAGIC_BASE_A < 4)
        k = fd - MAGIC_BASE_A;
    else if (fd - MAGIC_BASE_B < 4)
        k = fd - MAGIC_BASE_B;
    else
        return;
    bool len8 = r->rdx == 8;
    switch (k) {
    case 0:                                     /* START */
        insns = bytes_read = bytes_written = 0;
        counting = true;
        start_index = t->index;
        if (len8)
            guest_write_u64(pid, r->rsi, 1);
        break;
    case 1:                                     /* STOP */
        if (counting) {
            regions = realloc(regions, (n_regions + 1) * sizeof(*regions));
            region_thread = realloc(region_thread, (n_regions + 1) * sizeof(int));
            region_thread[n_regions] = start_index;
            regions[n_regions++] = (Region){ insns, bytes_read, bytes_written };
        }
        counting = false;
        if (len8)
            guest_write_u64(pid, r->rsi, insns);
        report();
        break;
    case 2:
        if (len8)
            guest_write_u64(pid, r->rsi, bytes_read);
        break;
    case 3:
        if (len8)
            guest_write_u64(pid, r->rsi, bytes_written);
        break;
    }
}

static void write_json(void)
{
    FILE *f = fopen(json_path, "w");
    if (!f) {
        perror(json_path);
        exit(2);
    }
    uint64_t total = 0;
    for (size_t i = 0; i < n_threads; i++)
        total += threads[i].total;
    fprintf(f, "{\n  \"total\": ");
    if (opt_started)
        fprintf(f, "%llu", (unsigned long long)total);
    else
        fprintf(f, "null");
    fprintf(f, ",\n  \"regions\": [");
    for (size_t i = 0; i < n_regions; i++)
        fprintf(f, "%s\n    {\"index\": %zu, \"thread\": %d, \"instructions\": %llu, "
                "\"bytes_read\": %llu, \"bytes_written\": %llu}", i ? "," : "", i,
                region_thread[i],
                (unsigned long long)regions[i].insns,
                (unsigned long long)regions[i].bytes_read,
                (unsigned long long)regions[i].bytes_written);
    fprintf(f, "%s],\n  \"threads\": [", n_regions ? "\n  " : "");
    if (opt_started) {
        for (int idx = 0; idx < next_index; idx++)
            for (size_t i = 0; i < n_threads; i++)
                if (threads[i].index == idx)
                    fprintf(f, "%s\n    {\"thread\": %d, \"instructions\": %llu}",
                            idx ? "," : "", idx, (unsigned long long)threads[i].total);
        if (next_index)
            fprintf(f, "\n  ");
    }
    fprintf(f, "]\n}\n");
    fclose(f);
}

static void usage(void)
{
    fprintf(stderr, "usage: oracle [--started] [--count-per-thread] [--on-every-close] [--aslr] "
            "[--json FILE] [--out FILE] -- PROGRAM [ARGS...]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int i;
    out = stderr;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        } else if (!strcmp(a, "--started")) {
            opt_started = true;
        } else if (!strcmp(a, "--count-per-thread")) {
            opt_per_thread = true;
        } else if (!strcmp(a, "--aslr")) {
            opt_aslr = true;
        } else if (!strcmp(a, "--on-every-close")) {
            opt_on_every_close = true;
        } else if (!strcmp(a, "--json") && i + 1 < argc) {
            json_path = argv[++i];
        } else if (!strcmp(a, "--out") && i + 1 < argc) {
            out = fopen(argv[++i], "w");
            if (!out) {
                perror(argv[i]);
                return 2;
            }
        } else {
            break;
        }
    }
    if (i >= argc)
        usage();

    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        /* a fixed layout: natively, code whose path depends on addresses
         * (alignment-dependent copies) then counts the same every run */
        if (!opt_aslr)
            personality(ADDR_NO_RANDOMIZE);
        if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0) {
            perror("ptrace(TRACEME)");
            _exit(125);
        }
        execv(argv[i], argv + i);
        perror(argv[i]);
        _exit(127);
    }

    int st;
    if (waitpid(pid, &st, 0) < 0 || (WIFEXITED(st) && WEXITSTATUS(st) == 125)) {
        fprintf(stderr, "oracle: ptrace is not permitted here\n");
        return 77;          /* the tests skip */
    }
    if (!WIFSTOPPED(st)) {
        fprintf(stderr, "oracle: %s did not start\n", argv[i]);
        return 2;
    }
    ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD |
           PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXIT);

    counting = opt_started;
    Thread *main_t = thread_get(pid);
    main_t->fresh = false;
    main_t->index = next_index++;
    int status = 0;
    pid_t tid = pid;
    int sig = 0;
    Thread *t = main_t;
    for (;;) {
        if (t) {
            t->stepped = thread_steps(t);
            if (t->stepped)
                t->in_syscall = false;
            if (ptrace(t->stepped ? PTRACE_SINGLESTEP : PTRACE_SYSCALL, tid, 0, sig) < 0 &&
                errno != ESRCH) {
                perror("ptrace(resume)");
                return 2;
            }
        }
        sig = 0;
        t = NULL;
        tid = waitpid(-1, &st, __WALL);
        if (tid < 0) {
            if (errno == ECHILD)
                break;
            perror("waitpid");
            return 2;
        }
        Thread *th = thread_get(tid);
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            th->alive = false;
            if (tid == pid) {
                status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
                break;
            }
            continue;
        }
        t = th;
        int s = WSTOPSIG(st);
        int event = st >> 16;
        if (event == PTRACE_EVENT_CLONE) {
            unsigned long newtid;
            ptrace(PTRACE_GETEVENTMSG, tid, 0, &newtid);
            Thread *c = thread_get((pid_t)newtid);
            c->index = next_index++;
            t = thread_get(tid);     /* (the array may have moved) */
            continue;               /* resume in the same mode */
        }
        if (event == PTRACE_EVENT_EXIT) {
            /* it retired its exit/exit_group if it issued one (a thread
             * killed by another's exit_group did not) */
            struct user_regs_struct r;
            ptrace(PTRACE_GETREGS, tid, 0, &r);
            if (t->stepped && ((long)r.orig_rax == SYS_exit || (long)r.orig_rax == SYS_exit_group))
                count_insn(t);
            continue;
        }
        if (t->fresh && s == SIGSTOP) {
            t->fresh = false;       /* the new thread's initial stop */
            continue;
        }
        if (!t->stepped) {
            if (s == (SIGTRAP | 0x80)) {
                t->in_syscall = !t->in_syscall;
                if (!t->in_syscall) {
                    struct user_regs_struct r;
                    ptrace(PTRACE_GETREGS, tid, 0, &r);
                    on_syscall_exit(tid, t, &r);
                }
            } else {
                sig = s;
            }
            continue;
        }
        if (s != SIGTRAP) {
            sig = s;                /* fault or async signal: no retirement */
            continue;
        }
        siginfo_t si;
        ptrace(PTRACE_GETSIGINFO, tid, 0, &si);
        if (si.si_code == SIGTRAP)
            continue;               /* ptrace_notify at signal-handler entry */
        if (si.si_code != TRAP_TRACE && si.si_code != TRAP_BRKPT && si.si_code != SI_KERNEL) {
            sig = s;                /* a real SIGTRAP sent to the tracee */
            continue;
        }
        count_insn(t);
        if (si.si_code == TRAP_BRKPT) {
            struct user_regs_struct r;
            ptrace(PTRACE_GETREGS, tid, 0, &r);
            if ((int64_t)r.orig_rax >= 0)
                on_syscall_exit(tid, t, &r);
        } else if (si.si_code == SI_KERNEL) {
            sig = s;                /* int3: retired, and raises SIGTRAP */
        }
    }
    if (counting)
        report();
    if (json_path)
        write_json();
    fflush(out);
    return status;
}
