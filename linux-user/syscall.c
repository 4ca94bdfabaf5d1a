/*
 * linux-user/syscall.c — syscall dispatch, driven by syscalls.def.
 *
 * The guest's `syscall` leaves cpu_exec() with EXCP_SYSCALL; cpu_loop()
 * calls do_syscall(), which looks the number up in the table built from
 * syscalls.def, logs it (-strace / -d strace), runs the handler and puts
 * the result (or -errno) in rax.  Handlers live in syscall-fs.c (files,
 * fds, sockets), syscall-mm.c (memory) and syscall-misc.c (process, time,
 * ids, signals).  Every guest pointer goes through softmmu first.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "emu/log.h"
#include "linux-user/internal.h"
#include "plugins/plugin.h"
#include "softmmu/softmmu.h"

typedef struct SyscallDef {
    const char *name;
    SyscallHandler fn;
    uint8_t nargs;
    const char *fmt;
} SyscallDef;

#define SYSCALL_TABLE_SIZE 512

static const SyscallDef syscall_table[SYSCALL_TABLE_SIZE] = {
#define SYSCALL(nr, name, handler, nargs, fmt) [nr] = { #name, handler, nargs, fmt },
#include "linux-user/syscalls.def"
#undef SYSCALL
};

/* Known but not emulated: ENOSYS (do_syscall logs it under -d unimp). */
int64_t sys_ni(CPUX86State *env, const uint64_t *a)
{
    return -ENOSYS;
}

void do_syscall(CPUX86State *env)
{
    /* Linux looks only at the low 32 bits of rax (do_syscall_x64). */
    unsigned nr = (uint32_t)env->regs[R_EAX];
    const uint64_t a[6] = {
        env->regs[R_EDI], env->regs[R_ESI], env->regs[R_EDX],
        env->regs[R_R10], env->regs[R_R8], env->regs[R_R9],
    };
    const bool trace = emu_log_enabled(LOG_STRACE);
    int64_t ret;

    /* The syscall instruction leaves the return address in rcx and
     * RFLAGS in r11; the kernel returns with both so. */
    env->regs[R_ECX] = env->rip;
    env->regs[R_R11] = cpu_get_eflags(env);

    const SyscallDef *d = nr < SYSCALL_TABLE_SIZE && syscall_table[nr].fn ? &syscall_table[nr] : NULL;
    if (plugin_syscall_enabled) {
        plugin_syscall(env, nr, a);
    }
    if (plugin_enabled && nr == 231 /* exit_group */ && !fork_in_vfork_child()) {
        /* The guest ends here: vcpu_exit for all, then atexit.  (exit of
         * the last thread does the same in thread_exit.) */
        plugin_process_exit(env);
    }
    if (d == NULL) {
        if (trace) {
            strace_unknown(nr, a);
        }
        ret = -ENOSYS;
    } else {
        if (trace) {
            strace_enter(nr, d->name, d->fmt, d->nargs, a);
        }
        ret = d->fn(env, a);
    }
    if (trace) {
        strace_exit(d ? d->fmt : "", ret);
    }
    /* After the strace line, so that the two do not interleave. */
    if ((d == NULL || d->fn == sys_ni) && emu_log_enabled(LOG_UNIMP)) {
        if (d) {
            qemu_log("emu: unsupported syscall %u (%s)\n", nr, d->name);
        } else {
            qemu_log("emu: unsupported syscall %u\n", nr);
        }
    }
    env->regs[R_EAX] = (uint64_t)ret;
    if (plugin_syscall_enabled) {
        plugin_syscall_ret(env, nr, ret);
    }
    signal_process_pending(env);
}

/* ---- guest pointers ---- */

/* What a zero-length access points at: never dereferenced by the host. */
static uint8_t zero_len_dummy[1];

void *g_ptr_r(uint64_t addr, uint64_t len)
{
    if (len == 0) {
        return zero_len_dummy;
    }
    return mm_guest_ptr(addr, len, MM_READ);
}

void *g_ptr_w(uint64_t addr, uint64_t len)
{
    if (len == 0) {
        return zero_len_dummy;
    }
    return mm_guest_ptr(addr, len, MM_WRITE);
}

char *g_path(uint64_t addr, int *err)
{
    return mm_strdup_from_guest(addr, PATH_MAX, err);
}
