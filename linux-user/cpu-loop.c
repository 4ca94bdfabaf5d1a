/*
 * linux-user/cpu-loop.c — the per-thread loop around cpu_exec().
 *
 * cpu_exec() runs guest code until something only the OS can handle:
 * a syscall, an exception, an exit request.  This loop handles it and goes
 * back into cpu_exec(); it never returns (the guest leaves through
 * exit/exit_group or dies of a signal).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "emu/exec.h"
#include "emu/log.h"
#include "emu/x86/decode.h"
#include "linux-user/internal.h"
#include "softmmu/softmmu.h"

void lu_exit(int status)
{
    qemu_log_flush();
    fflush(stdout);
    fflush(stderr);
    _exit(status & 0xff);
}

/* "emu: unimplemented instruction 0f 38 f0 c1 at 0x401234" */
static void report_unimplemented(CPUX86State *env)
{
    uint8_t buf[15];
    size_t n = mm_fetch_code(env->rip, buf, sizeof(buf));
    GString *s = g_string_new(NULL);

    /* The instruction's own bytes when the decoder can tell its length,
     * else what it could have looked at. */
    int len = x86_insn_length(buf, n);
    if (len > 0 && (size_t)len < n) {
        n = (size_t)len;
    }
    for (size_t i = 0; i < n; i++) {
        g_string_append_printf(s, "%s%02x", i ? " " : "", buf[i]);
    }
    fflush(stdout);
    fprintf(stderr, "emu: unimplemented instruction %s at 0x%" G_GINT64_MODIFIER "x\n",
            s->str, env->rip);
    g_string_free(s, TRUE);
}

/*
 * int $0x80 from 64-bit code: Linux runs the i386 system call ABI (number in
 * eax, arguments in ebx ecx edx esi edi ebp, zero-extended; the result in
 * rax, sign-extended; every other register kept).  The common calls whose
 * i386 and x86_64 forms take the same arguments run through their x86_64
 * handlers; any other number is -ENOSYS (logged under -d unimp).
 */
static const struct {
    uint16_t nr;            /* i386 number */
    const char *name, *fmt;
    uint8_t nargs;
    SyscallHandler fn;
} int80_map[] = {
    { 1, "exit", "d", 1, sys_exit },
    { 3, "read", "dpu", 3, sys_read },
    { 4, "write", "dpu", 3, sys_write },
    { 5, "open", "sxo", 3, sys_open },
    { 6, "close", "d", 1, sys_close },
    { 20, "getpid", "", 0, sys_getpid },
    { 37, "kill", "dd", 2, sys_kill },
    { 64, "getppid", "", 0, sys_getppid },
    { 199, "getuid32", "", 0, sys_getuid },
    { 200, "getgid32", "", 0, sys_getgid },
    { 201, "geteuid32", "", 0, sys_geteuid },
    { 202, "getegid32", "", 0, sys_getegid },
    { 224, "gettid", "", 0, sys_gettid },
    { 252, "exit_group", "d", 1, sys_exit_group },
};

static void do_int80(CPUX86State *env)
{
    unsigned nr = (uint32_t)env->regs[R_EAX];
    const uint64_t a[6] = {
        (uint32_t)env->regs[R_EBX], (uint32_t)env->regs[R_ECX], (uint32_t)env->regs[R_EDX],
        (uint32_t)env->regs[R_ESI], (uint32_t)env->regs[R_EDI], (uint32_t)env->regs[R_EBP],
    };
    const bool trace = emu_log_enabled(LOG_STRACE);
    int64_t ret = -ENOSYS;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(int80_map) && int80_map[i].nr != nr; i++) {
    }
    if (i < G_N_ELEMENTS(int80_map)) {
        if (trace) {
            strace_enter((int)nr, int80_map[i].name, int80_map[i].fmt, int80_map[i].nargs, a);
        }
        ret = int80_map[i].fn(env, a);
        if (trace) {
            strace_exit(int80_map[i].fmt, ret);
        }
    } else {
        if (trace) {
            strace_unknown((int)nr, a);
            strace_exit("", ret);
        }
        if (emu_log_enabled(LOG_UNIMP)) {
            qemu_log("emu: unsupported int $0x80 (i386) syscall %u\n", nr);
        }
    }
    env->regs[R_EAX] = (uint64_t)ret;
    signal_process_pending(env);
}

void cpu_loop(CPUX86State *env)
{
    TaskState *ts = task_state(env);

    signal_thread_start(env);
    for (;;) {
        int excp = cpu_exec(env);

        switch (excp) {
        case EXCP_SYSCALL:
            /* for the restart rules of a signal that interrupts it */
            ts->in_syscall = (int)(uint32_t)env->regs[R_EAX] + 1;
            do_syscall(env);
            ts->in_syscall = 0;
            break;
        case EXCP_INT80:
            do_int80(env);
            break;
        case EXCP_INTERRUPT:
            signal_process_pending(env);
            break;
        case EXCP_UD:
            /* (-d unimp to stderr already said so when translating) */
            if (env->ud_unimplemented &&
                !(emu_log_enabled(LOG_UNIMP) && (!emu_logfile || emu_logfile == stderr))) {
                report_unimplemented(env);
            }
            signal_raise_sync(env, excp, SIGILL, ILL_ILLOPN, env->rip);
            break;
        case EXCP_DE:
            signal_raise_sync(env, excp, SIGFPE, FPE_INTDIV, env->rip);
            break;
        case EXCP_BP:
            signal_raise_sync(env, excp, SIGTRAP, SI_KERNEL, 0);
            break;
        case EXCP_GP:
        case EXCP_HLT:
            signal_raise_sync(env, excp, SIGSEGV, SI_KERNEL, 0);
            break;
        case EXCP_PF:
            signal_raise_sync(env, excp, SIGSEGV, env->fault_code, env->fault_addr);
            break;
        case EXCP_BUS:
            signal_raise_sync(env, excp, SIGBUS, env->fault_code, env->fault_addr);
            break;
        case EXCP_MF:
            signal_raise_sync(env, excp, env->fault_signo ? env->fault_signo : SIGFPE,
                              env->fault_code, env->fault_addr);
            break;
        default:
            fprintf(stderr, "emu: internal error: unexpected exit reason %d at 0x%"
                    G_GINT64_MODIFIER "x\n", excp, env->rip);
            qemu_log_flush();
            abort();
        }
        /* A synchronous signal's frame is set up: deliver what else is
         * pending on top of it, as Linux does before returning. */
        if (excp != EXCP_SYSCALL && excp != EXCP_INT80 && excp != EXCP_INTERRUPT) {
            signal_process_pending(env);
        }
    }
}
