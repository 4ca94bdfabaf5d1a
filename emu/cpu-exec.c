/*
 * emu/cpu-exec.c — run translated code until an exit reason.
 *
 * cpu_exec() looks up (or translates) the TB at env->rip, runs it through
 * the backend, follows its successor (cached per chaining slot), and returns
 * to its caller — the linux-user cpu loop — only for what the core cannot
 * handle: syscalls, exceptions, exit requests.
 *
 * Exceptions leave generated code and helpers by siglongjmp to the
 * sigsetjmp in cpu_exec(); so do host faults on guest memory, through the
 * host SIGSEGV/SIGBUS handler installed here.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <glib.h>

#include "emu/exec.h"
#include "emu/log.h"
#include "emu/tb-internal.h"
#include "emu/translator.h"
#include "emu/tcg/backend.h"
#include "emu/perfmap.h"
#include "emu/vclock.h"
#include "plugins/plugin.h"
#include "softmmu/softmmu.h"
#include "emu/x86/misc_helper.h"

/* The vCPU this host thread runs, and whether it is inside cpu_exec's
 * execution of generated code (only then is a host fault on guest memory
 * a guest fault). */
static __thread CPUX86State *current_cpu;
static __thread volatile int in_guest_code;

/* Internal exit: a store invalidated the TB that is running it (x86 lets
 * code modify its own block).  cpu_exec restarts the storing instruction
 * alone in a one-instruction TB, then goes on with fresh translations. */
#define EXCP_SMC_RESTART (-1)

/* ---- leaving generated code ---- */

void cpu_loop_exit(CPUX86State *env, int excp)
{
    env->exception_index = excp;
    siglongjmp(env->jmp_env, 1);
}

static void cpu_restore_insn_state(CPUX86State *env)
{
    env->rip = env->insn_pc;
    if (env->insn_cc_op != CC_OP_DYNAMIC) {
        env->cc_op = env->insn_cc_op;
    }
    /* A fault inside a REPE/REPNE CMPS/SCAS: RFLAGS of before it stay
     * (emu/x86/tr-string.c). */
    env->rep_cc_op = 0;
}

void cpu_loop_exit_restore(CPUX86State *env, int excp)
{
    cpu_restore_insn_state(env);
    cpu_loop_exit(env, excp);
}

void cpu_loop_exit_fault(CPUX86State *env, int excp, int signo, int si_code, uint64_t addr)
{
    env->fault_signo = signo;
    env->fault_code = si_code;
    env->fault_addr = addr;
    cpu_loop_exit_restore(env, excp);
}

/* Canonical: bits 63..47 all equal.  A non-canonical address is a #GP on
 * x86_64, which Linux reports as SIGSEGV with si_code SI_KERNEL, addr 0. */
void cpu_raise_access_fault(CPUX86State *env, uint64_t addr, int is_write)
{
    env->fault_write = is_write;
    env->fault_host_err = -1;
    if (!addr_is_canonical(addr)) {
        /* through SS it is a stack-segment fault, which Linux delivers
         * as SIGBUS (SI_KERNEL, addr 0) */
        if (x86_fault_is_stack(env, addr)) {
            cpu_loop_exit_fault(env, EXCP_BUS, SIGBUS, SI_KERNEL, 0);
        }
        cpu_loop_exit_fault(env, EXCP_GP, SIGSEGV, SI_KERNEL, 0);
    }
    cpu_loop_exit_fault(env, EXCP_PF, SIGSEGV, SEGV_MAPERR, addr);
}

/* ---- guest data access for helpers ---- */

static inline void *cpu_access(CPUX86State *env, uint64_t addr, unsigned size, int is_write)
{
    if (addr > guest_addr_limit - size) {
        cpu_raise_access_fault_n(env, addr, size, is_write);
    }
    return (void *)(guest_base + (uintptr_t)addr);
}

#define DEF_CPU_LD(name, type)                                          \
    uint64_t cpu_##name##_data(CPUX86State *env, uint64_t addr)          \
    {                                                                    \
        type v;                                                          \
        memcpy(&v, cpu_access(env, addr, sizeof(type), 0), sizeof(type)); \
        return v;                                                        \
    }
#define DEF_CPU_ST(name, type)                                          \
    void cpu_##name##_data(CPUX86State *env, uint64_t addr, uint64_t val) \
    {                                                                    \
        type v = (type)val;                                              \
        memcpy(cpu_access(env, addr, sizeof(type), 1), &v, sizeof(type)); \
    }
DEF_CPU_LD(ldub, uint8_t)
DEF_CPU_LD(lduw, uint16_t)
DEF_CPU_LD(ldl, uint32_t)
DEF_CPU_LD(ldq, uint64_t)
DEF_CPU_ST(stb, uint8_t)
DEF_CPU_ST(stw, uint16_t)
DEF_CPU_ST(stl, uint32_t)
DEF_CPU_ST(stq, uint64_t)

/* ---- host fault handling ---- */

static struct sigaction old_segv_action, old_bus_action;

void (*cpu_user_signal_hook)(int sig, void *siginfo, void *ucontext);

static void host_fault_fatal(int sig, siginfo_t *si, void *uc_void)
{
    ucontext_t *uc = uc_void;
    char msg[160];
    int n = snprintf(msg, sizeof(msg),
                     "emu: internal error: host signal %d at address %p (host pc %p)\n",
                     sig, si->si_addr, (void *)uc->uc_mcontext.gregs[REG_RIP]);
    if (n > 0) {
        ssize_t r = write(STDERR_FILENO, msg, (size_t)n);
        (void)r;
    }
    /* Re-raise with the default action once we return. */
    signal(sig, SIG_DFL);
}

/* A host fault in generated code: the guest instruction it belongs to
 * (inline accesses leave env->insn_* to this, backend.h). */
static void cpu_restore_host_pc(CPUX86State *env, TranslationBlock *tb, ucontext_t *uc)
{
    uint64_t pc, cc_op;
    uintptr_t host_pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (tcg_backend->restore_insn && tb->code &&
        tcg_backend->restore_insn(tb->code, host_pc, &pc, &cc_op)) {
        env->insn_pc = pc;
        env->insn_cc_op = cc_op;
        if (tcg_backend->fault_context) {
            tcg_backend->fault_context(env, tb->code, uc);
        }
    }
}

static void host_fault_handler(int sig, siginfo_t *si, void *uc_void)
{
    ucontext_t *uc = uc_void;
    CPUX86State *env = current_cpu;
    bool is_write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
    uint64_t gaddr = 0;
    int si_code = SEGV_MAPERR;

    if (si->si_code <= 0) {
        /* Sent by kill()/tgkill(), not a fault: the OS layer's, if it
         * wants it, else not ours to interpret. */
        if (cpu_user_signal_hook) {
            cpu_user_signal_hook(sig, si, uc_void);
            return;
        }
        host_fault_fatal(sig, si, uc_void);
        return;
    }
    MMFaultResult r = mm_handle_host_fault((uintptr_t)si->si_addr, is_write, &gaddr, &si_code);
    TranslationBlock *cur = NULL;
    if (env && in_guest_code) {
        /* A fault in generated code: its TB (chained code does not store
         * env->cur_tb at each entry); in C (a helper): the TB that called */
        uintptr_t host_pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
        cur = tcg_backend->tb_at ? tcg_backend->tb_at(host_pc) : NULL;
        if (cur) {
            env->cur_tb = cur;
        } else {
            cur = env->cur_tb;
        }
    }
    switch (r) {
    case MM_FAULT_RETRY:
        if (cur && cur->invalid && !(cur->flags & TB_FLAG_ONE_INSN)) {
            cpu_restore_host_pc(env, cur, uc);
            /* The rest of this TB is stale.  The faulting instruction has
             * not written architectural state yet (front-end rule), so
             * restart it on its own. */
            cpu_loop_exit_restore(env, EXCP_SMC_RESTART);
        }
        return;
    case MM_FAULT_SEGV:
    case MM_FAULT_BUS:
        if (env && in_guest_code) {
            if (cur) {
                cpu_restore_host_pc(env, cur, uc);
            }
            env->fault_write = is_write;
            env->fault_host_err = (int)uc->uc_mcontext.gregs[REG_ERR];
            if (r == MM_FAULT_BUS) {
                cpu_loop_exit_fault(env, EXCP_BUS, SIGBUS, si_code, gaddr);
            }
            cpu_loop_exit_fault(env, EXCP_PF, SIGSEGV, si_code, gaddr);
        }
        break;
    case MM_FAULT_NOT_GUEST:
        break;
    }
    host_fault_fatal(sig, si, uc_void);
}

static void cpu_install_fault_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = host_fault_handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old_segv_action);
    sigaction(SIGBUS, &sa, &old_bus_action);
}

void cpu_exec_init_all(void)
{
    x86_translate_init();
    tb_cache_init();
    cpu_install_fault_handlers();
}

void cpu_exec_init_vcpu(CPUX86State *env)
{
    x86_translate_init();     /* per-thread IR globals */
    env->tb_jmp_cache = tb_jmp_cache_new(env);
    vclock_vcpu_add(env);
    plugin_vcpu_init(env);
}

void cpu_exec_fork_child(CPUX86State *env)
{
    if (tcg_backend->fork_child) {
        tcg_backend->fork_child();
    }
    tb_vcpus_fork_child(env->tb_jmp_cache);
    vclock_fork_child(env);
    perfmap_after_fork();
}

void cpu_exec_exit_vcpu(CPUX86State *env)
{
    plugin_vcpu_exit(env);
    vclock_vcpu_remove(env);
    tb_jmp_cache_free(env->tb_jmp_cache);
    env->tb_jmp_cache = NULL;
    if (current_cpu == env) {
        current_cpu = NULL;
    }
}

/* ---- the execution loop ---- */

static void log_cpu_state(CPUX86State *env)
{
    static const char *const names[16] = {
        "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
        "R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15",
    };
    for (int i = 0; i < 16; i++) {
        qemu_log("%s=%016" G_GINT64_MODIFIER "x%s", names[i], env->regs[i],
                 (i % 4 == 3) ? "\n" : " ");
    }
    qemu_log("RIP=%016" G_GINT64_MODIFIER "x RFL=%08" G_GINT64_MODIFIER "x"
             " FS=%016" G_GINT64_MODIFIER "x GS=%016" G_GINT64_MODIFIER "x\n",
             env->rip, cpu_get_eflags(env), env->fs_base, env->gs_base);
}

/* Code in shared memory: still the bytes it was translated from?  If
 * not, its translations go and the caller looks the pc up again.  Runs
 * as guest code (in_guest_code set): a fault reading the bytes is the
 * guest's instruction fetch fault at the TB's first instruction. */
static bool tb_shadow_current(CPUX86State *env, TranslationBlock *tb)
{
    env->insn_pc = tb->pc;
    env->insn_cc_op = CC_OP_DYNAMIC;
    env->cur_tb = NULL;         /* a fault here takes back no counts */
    in_guest_code = 1;
    bool same = mm_code_unchanged(tb->pc, tb->shadow, tb->size);
    in_guest_code = 0;
    if (!same) {
        tb_invalidate_range(tb->pc, tb->pc + tb->size);
    }
    return same;
}

static int __attribute__((noinline)) cpu_exec_loop(CPUX86State *env, bool one_insn)
{
    TBJmpCache *jc = env->tb_jmp_cache;
    TranslationBlock *last = NULL;
    uint64_t last_epoch = 0;     /* epoch in which `last` was obtained */
    unsigned last_exit = TB_EXIT_NOCHAIN;
    const bool chain = tb_chaining_enabled;
    /* A backend that chains in its code links TBs there (tb_link); the
     * interpreter's successors are cached per slot and followed here. */
    const bool code_chains = tcg_backend->chain != NULL;
    const bool log_exec = emu_log_enabled(LOG_EXEC | LOG_CPU);

    for (;;) {
        TranslationBlock *tb = NULL;
        uint64_t epoch = __atomic_load_n(&tb_epoch, __ATOMIC_ACQUIRE);

        /* A TB boundary: TB pointers of an older epoch are dropped, then
         * this vCPU says so (graveyard reclamation, emu/tb.c). */
        if (epoch != last_epoch) {
            last = NULL;
        }
        if (code_chains) {
            /* Before publishing epoch (and after tb_vcpu_online did: it
             * is emptied before generated code can use it). */
            tb_fast_sync(jc, epoch);
        }
        if (epoch != jc->qs) {
            tb_vcpu_quiescent(jc, epoch);
        }
        if (tb_reclaim()) {
            last = NULL;    /* it may have been freed */
        }
        if (last && last_exit < TB_JMP_SLOTS && chain && !code_chains) {
            tb = tb_get_jmp(last, last_exit, epoch);
            if (tb && tb->pc != env->rip) {
                tb = NULL;
            }
        }
        if (one_insn) {
            tb = tb_lookup(env, env->rip, TB_FLAG_ONE_INSN);
            one_insn = false;
        } else if (tb == NULL) {
            tb = tb_lookup(env, env->rip, 0);
            if (code_chains && jc->fast_epoch == epoch) {
                tb_fast_add(jc, tb);
            }
            if (last && last_exit < TB_JMP_SLOTS && chain &&
                !__atomic_load_n(&last->invalid, __ATOMIC_RELAXED) &&
                last->jmp_target[last_exit] == tb->pc) {
                if (code_chains) {
                    tb_link(last, last_exit, tb);
                } else {
                    /* Tagged with the epoch read before the lookup: if tb
                     * was retired meanwhile, the tag is already stale. */
                    tb_set_jmp(last, last_exit, tb, epoch);
                }
            }
        }

        if (log_exec) {
            if (emu_log_enabled(LOG_EXEC)) {
                qemu_log("Trace: %p [%016" G_GINT64_MODIFIER "x]\n", (void *)tb, tb->pc);
            }
            if (emu_log_enabled(LOG_CPU)) {
                log_cpu_state(env);
            }
        }

        if (tb->shadow && !tb_shadow_current(env, tb)) {
            last = NULL;
            continue;
        }
        env->cur_tb = tb;
        in_guest_code = 1;
        unsigned exit = tcg_backend->exec(env, tb->code);
        in_guest_code = 0;
        if (exit < TB_JMP_SLOTS) {
            /* a chaining backend's slot exit leaves rip to us (backend.h) */
            env->rip = ((TranslationBlock *)env->cur_tb)->jmp_target[exit];
        }

        if (exit == TB_EXIT_REQUESTED) {
            /* A kick alone only had to bring us here (emu/tb.c). */
            uint64_t left = __atomic_and_fetch(&env->exit_request, ~(uint64_t)EXIT_KICK,
                                               __ATOMIC_SEQ_CST);
            if (left == 0) {
                /* Nothing ran (the kick met the entry check).  A one-
                 * instruction restart must still happen: it never chains,
                 * so the request came from its own entry. */
                one_insn = (tb->flags & TB_FLAG_ONE_INSN) != 0;
                last = NULL;
                continue;
            }
            __atomic_store_n(&env->exit_request, 0, __ATOMIC_SEQ_CST);
            env->cur_tb = NULL;
            if (env->rep_cc_op) {
                /* A REPE/REPNE CMPS/SCAS interrupted: its flags so far
                 * become RFLAGS, it starts over later (tr-string.c). */
                env->cc_dst = env->rep_cc_dst;
                env->cc_src = env->rep_cc_src;
                env->cc_op = env->rep_cc_op;
                env->rep_cc_op = 0;
            }
            tb_vcpu_offline(jc);
            return EXCP_INTERRUPT;
        }
        /* The TB that left: chained code may have run several. */
        last = env->cur_tb;
        last_epoch = epoch;
        last_exit = exit;
    }
}

TranslationBlock *cpu_exec_current_tb(void)
{
    return current_cpu ? current_cpu->cur_tb : NULL;
}

int cpu_exec(CPUX86State *env)
{
    volatile bool one_insn = false;

    current_cpu = env;
    if (sigsetjmp(env->jmp_env, 1) != 0) {
        /* An exception: generated code, a helper or the fault handler
         * filled env and jumped here. */
        TranslationBlock *cur = env->cur_tb;
        if (cur && cur->plugin) {
            /* Counters added at TB entry for instructions that did not
             * run are taken back. */
            plugin_tb_exit_early(env, cur);
        }
        if (cur && vclock_enabled) {
            vclock_tb_exit_early(env, cur);
        }
        in_guest_code = 0;
        env->cur_tb = NULL;
        if (env->exception_index == EXCP_RETRY) {
            one_insn = false;
        } else if (env->exception_index != EXCP_SMC_RESTART) {
            tb_vcpu_offline(env->tb_jmp_cache);
            return env->exception_index;
        } else {
            one_insn = true;
        }
    } else {
        tb_vcpu_online(env->tb_jmp_cache);
    }
    return cpu_exec_loop(env, one_insn);
}
