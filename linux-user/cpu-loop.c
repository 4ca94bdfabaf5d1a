/*
 * linux-user/cpu-loop.c — the per-thread loop around cpu_exec().
 *
 * cpu_exec() runs guest code until something only the OS can handle:
 * a syscall, an exception, an exit request.  This loop handles it and goes
 * back into cpu_exec(); it never returns (the guest leaves through
 * exit/exit_group or dies of a signal).
 */
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

void cpu_loop(CPUX86State *env)
{
    for (;;) {
        int excp = cpu_exec(env);

        switch (excp) {
        case EXCP_SYSCALL:
            do_syscall(env);
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
            signal_raise_sync(env, SIGILL, ILL_ILLOPN, env->rip);
            break;
        case EXCP_DE:
            signal_raise_sync(env, SIGFPE, FPE_INTDIV, env->rip);
            break;
        case EXCP_BP:
            signal_raise_sync(env, SIGTRAP, SI_KERNEL, 0);
            break;
        case EXCP_GP:
        case EXCP_HLT:
            signal_raise_sync(env, SIGSEGV, SI_KERNEL, 0);
            break;
        case EXCP_PF:
            signal_raise_sync(env, SIGSEGV, env->fault_code, env->fault_addr);
            break;
        case EXCP_BUS:
            signal_raise_sync(env, SIGBUS, env->fault_code, env->fault_addr);
            break;
        case EXCP_MF:
            signal_raise_sync(env, env->fault_signo ? env->fault_signo : SIGFPE,
                              env->fault_code, env->fault_addr);
            break;
        default:
            fprintf(stderr, "emu: internal error: unexpected exit reason %d at 0x%"
                    G_GINT64_MODIFIER "x\n", excp, env->rip);
            qemu_log_flush();
            abort();
        }
    }
}
