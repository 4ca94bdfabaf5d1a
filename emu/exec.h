/*
 * emu/exec.h — translation blocks, the TB cache and cpu_exec().
 *
 * cpu_exec() runs TBs for one vCPU until something the core cannot handle
 * itself happens, and returns that as an exit reason (EXCP_*).  The core
 * never calls up into linux-user/.
 */
#ifndef EMU_EXEC_H
#define EMU_EXEC_H

#include <stdint.h>
#include <stdbool.h>
#include "cpu.h"

/* Exit reasons of cpu_exec(). */
enum {
    EXCP_SYSCALL = 1,  /* `syscall` executed; env->rip is the next insn */
    EXCP_INTERRUPT,    /* env->exit_request was set; nothing pending in the TB */
    EXCP_UD,           /* invalid opcode; rip = the insn; fault_signo = SIGILL */
    EXCP_DE,           /* divide error; SIGFPE FPE_INTDIV */
    EXCP_BP,           /* int3; rip = after the insn; SIGTRAP */
    EXCP_GP,           /* general protection (privileged insn...); SIGSEGV SI_KERNEL */
    EXCP_PF,           /* page fault; fault_addr, fault_code (SEGV_MAPERR/ACCERR) */
    EXCP_BUS,          /* SIGBUS (e.g. access past the end of a file mapping) */
    EXCP_MF,           /* x87 / SIMD floating-point exception; SIGFPE */
    EXCP_HLT,          /* hlt (privileged in user mode -> SIGSEGV) */
    EXCP_INT80,        /* `int $0x80` executed; env->rip is the next insn */
};

/* Internal (never returned by cpu_exec): re-execute the instruction at
 * env->rip (a LOCK'd read-modify-write lost a race with another thread). */
#define EXCP_RETRY (-2)

#define TB_MAX_INSNS 512

/* goto_tb slots of a TB: 0 and 1 for its final exits (a conditional
 * branch's two sides), 2.. for the side exits of a superblock (a TB that
 * goes on through the not-taken side of conditional branches,
 * emu/x86/translate.c).  Equal to tcg.h's TCG_GOTO_TB_SLOTS. */
#define TB_JMP_SLOTS 6

/* TranslationBlock.flags bits. */
#define TB_FLAG_ONE_INSN 0x1   /* exactly one instruction (self-modifying code restart) */

typedef struct TranslationBlock {
    uint64_t pc;           /* guest address of the first instruction */
    uint32_t flags;        /* translation-affecting state (cpu model, ...) */
    uint32_t size;         /* guest bytes covered */
    uint32_t icount;       /* guest instructions */
    bool invalid;          /* set when its guest bytes changed; never run again */
    void *code;            /* backend code handle */
    uint64_t page[2];      /* guest pages it covers (page[1] = -1 if one page) */
    uint64_t jmp_target[TB_JMP_SLOTS];    /* guest pc of goto_tb slot n, or -1 */
    struct TranslationBlock *jmp_dest[TB_JMP_SLOTS]; /* cached successor for slot n */
    uint64_t jmp_epoch[TB_JMP_SLOTS];     /* tb_epoch when jmp_dest[n] was set */
    /* Direct chaining in generated code (backends with a chain hook),
     * under tb_lock: the TB slot n's jump is patched to, and the (TB,
     * slot) pairs patched to this one, encoded as (uintptr_t)tb | slot. */
    struct TranslationBlock *link_to[TB_JMP_SLOTS];
    uintptr_t *link_in;
    uint32_t n_link_in, cap_link_in;
    struct TranslationBlock *hash_next;   /* TB hash chain */
    void *plugin;          /* plugin instrumentation data (plugins/), or NULL */
    uint16_t *insn_off;    /* -icount only: offset of each instruction from pc */
    uint8_t *shadow;       /* code in MAP_SHARED memory: its bytes as translated,
                            * checked before each run (cpu-exec.c) */
} TranslationBlock;

/* Run guest code on env until an exit reason; returns EXCP_*. */
int cpu_exec(CPUX86State *env);

/* The TB this thread is executing (NULL outside generated code). */
TranslationBlock *cpu_exec_current_tb(void);

/* A host SIGSEGV/SIGBUS that is not a fault (si_code <= 0: sent by
 * kill/tgkill/sigqueue) goes to this hook if set (linux-user queues it for
 * the guest), from the host signal handler. */
extern void (*cpu_user_signal_hook)(int sig, void *siginfo, void *ucontext);

/* Set up the TB cache and host fault handling; call once at start-up. */
void cpu_exec_init_all(void);
/* Per-vCPU set-up of exec state (jump cache). */
void cpu_exec_init_vcpu(CPUX86State *env);
/* A vCPU (guest thread) ends: vcpu_exit for plugins, its instruction
 * count kept by the virtual clock, its exec state freed.  Call on its own
 * host thread, outside cpu_exec. */
void cpu_exec_exit_vcpu(CPUX86State *env);
/* In the child of fork(): env's vCPU is the only one left. */
void cpu_exec_fork_child(CPUX86State *env);

/* Invalidate every TB overlapping guest [start, end).  Called by softmmu when
 * guest bytes change (write to a code page, munmap, mprotect, mremap). */
void tb_invalidate_range(uint64_t start, uint64_t end);
/* Drop all TBs (code cache full, ...). */
void tb_flush(void);

/*
 * Leaving generated code from a helper (siglongjmp to cpu_exec, which
 * returns excp).  The guest state is first restored to the start of the
 * instruction being executed: rip = env->insn_pc and, if the insn_start
 * recorded a static cc_op, env->cc_op = that.  So a helper that raises
 * must not have written architectural state.
 */
void cpu_loop_exit_restore(CPUX86State *env, int excp) __attribute__((noreturn));
/* Same, with signal details (EXCP_PF/EXCP_BUS/EXCP_MF...). */
void cpu_loop_exit_fault(CPUX86State *env, int excp, int signo, int si_code,
                         uint64_t addr) __attribute__((noreturn));
/* A guest access fault at addr (a #GP for a non-canonical address). */
void cpu_raise_access_fault(CPUX86State *env, uint64_t addr, int is_write)
    __attribute__((noreturn));
/* Leave without restoring (rip and state already set by generated code). */
void cpu_loop_exit(CPUX86State *env, int excp) __attribute__((noreturn));

/* Guest data access from helpers: bounds-checked like generated code; a
 * bad address raises a precise guest fault (cpu_loop_exit_fault). */
uint64_t cpu_ldub_data(CPUX86State *env, uint64_t addr);
uint64_t cpu_lduw_data(CPUX86State *env, uint64_t addr);
uint64_t cpu_ldl_data(CPUX86State *env, uint64_t addr);
uint64_t cpu_ldq_data(CPUX86State *env, uint64_t addr);
void cpu_stb_data(CPUX86State *env, uint64_t addr, uint64_t val);
void cpu_stw_data(CPUX86State *env, uint64_t addr, uint64_t val);
void cpu_stl_data(CPUX86State *env, uint64_t addr, uint64_t val);
void cpu_stq_data(CPUX86State *env, uint64_t addr, uint64_t val);

/* Statistics for -d and tests. */
uint64_t tb_count(void);

/* Backend selection (-accel tcg,backend=..., EMU_BACKEND); default jit. */
struct TCGBackend;
extern const struct TCGBackend *tcg_backend;

#endif
