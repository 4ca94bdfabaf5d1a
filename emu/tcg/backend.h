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
    /* Print the host form of code (for -d out_asm); may be NULL. */
    void (*dump_code)(void *code, FILE *f);
} TCGBackend;

/*
 * Contract every backend keeps (the core relies on it):
 *  - exec returns TB_EXIT_REQUESTED without running anything when
 *    env->exit_request is set at entry;
 *  - env->insn_pc / env->insn_cc_op hold the current guest instruction's
 *    insn_start values whenever an op that can fault or call out runs
 *    (qemu_ld, qemu_st, call); elsewhere they may be stale (the
 *    interpreter writes them lazily, only before such ops);
 *  - every write to a global reaches its env slot, in op order, before the
 *    next op that can fault or call out.
 */
extern const TCGBackend tcg_backend_interp;
/* The host x86_64 JIT (emu/tcg/x86_64/, docs/jit.md). */
extern const TCGBackend tcg_backend_jit;

/* Make the backend called name ("interp", "jit") the one the core uses
 * (emu/tb.c's tcg_backend).  Returns false for an unknown name.  Without a
 * call, the core takes EMU_BACKEND from the environment at start-up. */
bool tcg_backend_select(const char *name);

/* Guest memory as the backends see it: guest address g lives at host
 * guest_base + g, and only addresses below guest_addr_limit exist.  Owned
 * and set by softmmu/ at start-up. */
extern uintptr_t guest_base;
extern uint64_t guest_addr_limit;

/* Raise a guest page fault for an access to addr (out of the guest range):
 * fills env and siglongjmps; implemented by the core (emu/cpu-exec.c). */
void cpu_raise_access_fault(struct CPUX86State *env, uint64_t addr, int is_write)
    __attribute__((noreturn));

#endif
