/*
 * emu/tcg/backend.h — what a code generator backend provides.
 *
 * A backend turns the (optimized) IR in a TCGContext into executable code
 * and runs it.  interp.c is the reference backend; a host JIT slots in beside
 * it with the same interface.  Backends know no x86 guest semantics.
 */
#ifndef EMU_TCG_BACKEND_H
#define EMU_TCG_BACKEND_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "tcg.h"

struct CPUX86State;

typedef struct TCGBackend {
    const char *name;
    /* Compile the IR of s.  Returns an opaque code handle owned by the
     * backend, or NULL when the code cache is full (caller flushes and
     * retries).  *host_size receives the code size in bytes. */
    void *(*gen_code)(TCGContext *s, size_t *host_size);
    /* Run code for env until it leaves the TB; returns a TB_EXIT_* value.
     * Guest faults leave via siglongjmp(env->jmp_env). */
    unsigned (*exec)(struct CPUX86State *env, void *code);
    /* Release code (only when no vCPU can be executing it). */
    void (*free_code)(void *code);
    /* Direct chaining, or NULL if the backend does not chain in code:
     * patch code's goto_tb slot to continue straight into dest's code
     * (dest NULL: back to the slot's normal exit).  Called under the TB
     * lock; atomic with respect to vCPUs running code.  Returns false if
     * it cannot (no such slot, target out of reach); unchaining works. */
    bool (*chain)(void *code, unsigned slot, void *dest);
    /* For chaining backends: the host address at which code is entered
     * by a jump from other generated code (env->tb_jmp_fast's entries). */
    const void *(*code_entry)(void *code);
    /* A host fault at host_pc while code ran: if host_pc is in code at a
     * guest access, set the guest instruction's insn_start values (which
     * such accesses do not store, see below) and return true.  May be
     * NULL (the backend stores them before every access). */
    bool (*restore_insn)(void *code, uintptr_t host_pc, uint64_t *pc, uint64_t *cc_op);
    /* After restore_insn found host_pc in code: move what the code keeps
     * only in host registers (the JIT's pending instruction count, globals
     * written since the last sync, the guest's MXCSR inside a run of FP
     * ops) from
     * the interrupted context uc (a ucontext_t) to env.  May be NULL. */
    void (*fault_context)(struct CPUX86State *env, void *code, void *uc);
    /* For backends that do not store env->cur_tb at every TB's entry: the
     * TranslationBlock whose generated code holds host address host_pc,
     * or NULL (host_pc is elsewhere: then env->cur_tb is right, as it is
     * stored before any call to C).  Async-signal-safe.  May be NULL. */
    struct TranslationBlock *(*tb_at)(uintptr_t host_pc);
    /* Whether vec ops run as host instructions (tcg_vec_ops_native); may
     * be NULL (they are helper calls). */
    bool (*vec_native)(void);
    /* Print the host form of code (for -d out_asm); may be NULL. */
    void (*dump_code)(void *code, FILE *f);
    /* In a fork child (own address space), before any code runs: make the
     * code memory the child's own (split-wx shares it); may be NULL. */
    void (*fork_child)(void);
} TCGBackend;

/*
 * Contract every backend keeps (the core relies on it):
 *  - exec returns TB_EXIT_REQUESTED without running anything when
 *    env->exit_request is set at entry;
 *  - env->insn_pc / env->insn_cc_op hold the current guest instruction's
 *    insn_start values whenever an op that can fault or call out runs
 *    (qemu_ld, qemu_st, call) — or, for a host fault in a qemu_ld/st, once
 *    restore_insn has been applied; elsewhere they may be stale (the
 *    interpreter writes them lazily, only before such ops);
 *  - every write to a global reaches its env slot, in op order, before the
 *    next op that can fault or call out — or, for a host fault in a
 *    qemu_ld/st, once fault_context has been applied (the JIT keeps them
 *    in registers across guest accesses).
 * And the core keeps: when exec returns a goto_tb slot n, cpu_exec sets
 * env->rip = tb->jmp_target[n] of the TB that left (env->cur_tb); the
 * front end's `goto_tb n; exit_tb n` writes no rip.
 */
/*
 * Backends that chain (chain != NULL) keep, in the code they generate:
 *  - env->cur_tb = the TB (s->tb at translation) before leaving generated
 *    code (cpu_exec chains from it) and before calling C that may raise
 *    or look at it; a host fault in generated code finds its TB with
 *    tb_at (the code of TBs entered by chaining does not store it);
 *  - a chained jump to a guest pc not above the TB's own, and the
 *    tb_jmp_fast lookup below, first test env->exit_request and take the
 *    TB's normal exit instead when it is set (every cycle of chained code
 *    passes such a point, so a request reaches the loop in bounded time);
 *  - TB_EXIT_NOCHAIN exits may first look env->rip up in env->tb_jmp_fast
 *    (then in tcg_lookup_code) and jump to the code found instead of
 *    leaving.
 */
extern const TCGBackend tcg_backend_interp;
/* The host x86_64 JIT (emu/tcg/x86_64/, docs/jit.md). */
extern const TCGBackend tcg_backend_jit;
/* The JIT's code cache as one memfd mapped twice, read+execute and
 * read+write, never both (-accel tcg,split-wx=on; else EMU_JIT_SPLIT_WX=1
 * decides; docs/jit.md).  Call before the first translation.  Returns
 * false, errno set, if the host cannot (memfd_create fails). */
bool tcg_jit_split_wx(bool on);

/* Make the backend called name ("interp", "jit") the one the core uses
 * (emu/tb.c's tcg_backend).  Returns false for an unknown name.  Without a
 * call, the core takes EMU_BACKEND from the environment at start-up. */
bool tcg_backend_select(const char *name);

/* Set by the core (emu/tb.c) for chaining backends, read at translation
 * (emu/tcg/tcg.c holds them; unit tests that use a backend alone leave
 * them unset: no chaining):
 * - whether TBs may be chained at all (-d nochain, exec and cpu logs turn
 *   it off);
 * - the code handle of the TB at env->rip if the vCPU's jump cache has it
 *   and it may be entered straight from another TB's code, else NULL
 *   (then leave to cpu_exec).  Integer C only, no floating point: the JIT
 *   calls it under the guest's MXCSR (docs/jit.md, "Vector and FP"). */
extern bool tcg_chaining_enabled;
/* env->tb_jmp_fast: 1 << TCG_JMP_FAST_BITS entries of { uint64_t pc;
 * const void *entry; }, pc at index (pc ^ (pc >> TCG_JMP_FAST_BITS)) & mask;
 * an unused entry has pc -1. */
#define TCG_JMP_FAST_BITS 14
extern void *(*tcg_lookup_code)(struct CPUX86State *env);
/* The env->counter_ptr slot that holds base + cpu_index * stride for every
 * vCPU (an add_counter's target), or -1 when all slots are taken (then
 * compute it).  Set by the core; NULL in unit tests. */
extern int (*tcg_counter_slot)(void *base, uint64_t stride);

/* Guest memory as the backends see it: guest address g lives at host
 * guest_base + g, and only addresses below guest_addr_limit exist.  Owned
 * and set by softmmu/ at start-up. */
extern uintptr_t guest_base;
extern uint64_t guest_addr_limit;

/* Raise a guest page fault for an access to addr (out of the guest range):
 * fills env and siglongjmps; implemented by the core (emu/cpu-exec.c). */
void cpu_raise_access_fault(struct CPUX86State *env, uint64_t addr, int is_write)
    __attribute__((noreturn));

/* The same for an access of size bytes at addr: one whose first byte is
 * canonical and last is not faults as a non-canonical access does (#GP),
 * as the hardware does. */
/* Bits 63:47 all equal (the 48-bit virtual addresses of the guest). */
static inline bool addr_is_canonical(uint64_t addr)
{
    return (uint64_t)(((int64_t)addr << 16) >> 16) == addr;
}

static inline __attribute__((noreturn)) void
cpu_raise_access_fault_n(struct CPUX86State *env, uint64_t addr, unsigned size, int is_write)
{
    uint64_t last = addr + size - 1;
    if (addr_is_canonical(addr) && !addr_is_canonical(last)) {
        addr = last;
    }
    cpu_raise_access_fault(env, addr, is_write);
}

#endif
