/*
 * emu/tcg/x86_64/jit-internal.h — state shared by the JIT's files during one
 * translation: the code buffer, the register allocator's view of every
 * temp, labels, out-of-line slow paths and the lazy insn_start.
 *
 * Fixed host registers inside generated code:
 *   rbp  env (CPUX86State *)
 *   r14  guest_addr_limit - JIT_ACCESS_MAX (one compare bounds-checks any
 *        access size: accesses near the limit take the exact slow path)
 *   r15  guest_base
 *   r11  scratch of the op being lowered (never allocated)
 *   rsp  16-byte aligned in TB code (the entry trampoline makes it so)
 *   rbx  the guest rsp (REG_PIN)
 * Allocatable: rax rcx rdx rsi rdi r8 r9 r10 (caller-saved), r12;
 * r13 holds the pending instruction count (REG_ICOUNT).
 */
#ifndef EMU_TCG_X86_64_JIT_INTERNAL_H
#define EMU_TCG_X86_64_JIT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "emu/tcg/tcg.h"
#include "emit.h"
#include "cache.h"
#include "vec.h"

struct CPUX86State;

#define REG_ENV   RBP
#define REG_LIMIT R14
#define REG_GBASE R15
#define REG_TMP   R11
/* The guest's stack pointer lives in rbx in all generated code: loaded by
 * the entry trampoline, stored by the epilogue, never written to env at
 * the end of a TB (chained TBs take it from the register).  Inside a TB it
 * is an ordinary global always bound to rbx (regalloc.c); env holds it
 * where the backend contract says (calls, faults through the access map,
 * stubs).  Most TBs read it (push, pop, call, ret, locals): this saves a
 * load, and often a store, per TB. */
#define REG_PIN   RBX
#define JIT_PIN_SLOT 4      /* env slot: regs[4], the guest rsp */
/* The widest guest access (a 32-byte AVX load or store): r14 holds
 * guest_addr_limit minus this. */
#define JIT_ACCESS_MAX 32

#define CALLER_SAVED_MASK ((1u << RAX) | (1u << RCX) | (1u << RDX) | (1u << RSI) | \
                           (1u << RDI) | (1u << R8) | (1u << R9) | (1u << R10) | \
                           (1u << R11))
#define ALLOC_MASK ((CALLER_SAVED_MASK & ~(1u << R11)) | (1u << R12))
/* The pending count of counter slot 0 (the bundled counter's): TBs add to
 * this register, not to memory (a read-modify-write per TB of one cell is
 * a store-forwarding chain); it is added to the cell and cleared in the
 * epilogue, before calls to C that can raise or read counters
 * (jit_flush_icount), and by the fault handler from the interrupted
 * context (jit_fault_context). */
#define REG_ICOUNT R13

/* Where a temp's value is. */
typedef struct TempInfo {
    int8_t reg;        /* host register holding it, or -1 */
    bool mem_ok;       /* its home slot holds the current value */
    int32_t home;      /* env slot (globals: fixed; TB temps: -1 until spilled) */
    int32_t last_use;  /* TB temps: index of the last op using it */
    bool loop_seen;    /* globals: met by loop_select (jit.c) */
} TempInfo;

/* Globals whose value is only in a host register: the registers and the
 * env displacements (ra_dirty_globals). */
typedef struct DirtyGlobals {
    unsigned n;
    uint8_t reg[16];
    int32_t disp[16];
} DirtyGlobals;
/* A guest access whose bounds check failed: the out-of-line call. */
typedef struct SlowPath {
    size_t jcc_at;     /* rel32 of the ja into the slow path */
    size_t back;       /* where to continue */
    int8_t addr, val;  /* registers (val: store value / load destination;
                        * -1: a store of the immediate imm) */
    int16_t imm;
    bool is_store;
    uint8_t memop;
    XCacheState xc;    /* vector values cached in xmm4..7: reloaded after */
    uint32_t amap_at;  /* its access map record (JitGen.amap): its host
                        * offset, and the globals only in registers */
    uint16_t env_off;  /* qemu_ld/st_env: env bytes [env_off, +env_size) */
    uint8_t env_size;  /* 0 for qemu_ld/st */
} SlowPath;

/* Which guest instruction the host code from host_off on belongs to:
 * inline guest accesses do not store env->insn_pc/insn_cc_op; a host
 * fault there finds them here (jit_restore_insn). */
typedef struct InsnMapEntry {
    uint32_t host_off;
    uint32_t cc_op;
    uint64_t pc;
} InsnMapEntry;

typedef struct LabelFix {
    size_t at;         /* rel32 to patch */
    uint32_t label;
} LabelFix;

/* What each host register holds (JitGen.owner's shape). */
typedef TCGTemp *LabelRegs[16];

/* At most this many globals are kept in registers across a TB's jump to
 * itself (of the 9 allocatable registers). */
#define JIT_LOOP_GLOBALS 6
/* ... and this many guest vector registers in the vector cache (vec.h) */
#define JIT_LOOP_VECS 4

typedef struct JitGen {
    JitBuf b;
    TCGContext *s;
    TCGTemp *pin;              /* the global in REG_PIN, or NULL (no such global) */
    uint32_t idx;              /* op being lowered */
    uint32_t skip_ops;         /* ops after idx the lowering consumed */
    TCGTemp *owner[16];        /* temp held by each host register */
    uint32_t locked;           /* registers the current op still needs */
    unsigned evict_rr;         /* round-robin start for eviction */
    TempInfo *ti;
    uint32_t ti_cap;
    uint16_t *free_homes;      /* free tmp[] slot indices */
    uint32_t nfree_homes, next_home;
    size_t *label_pos;
    uint32_t label_cap;
    /* Branches to each label, and for a label with one, the registers'
     * contents at that branch: when code before the label cannot fall into
     * it, they still hold those values there.  label_defer: such a label
     * (after an exit: a superblock's side exit, the taken side of a
     * conditional exit); its branch leaves the dirty globals in registers
     * and the label stores the ones label_dirty marks (by register). */
    uint16_t *label_refs;
    LabelRegs *label_regs;
    bool *label_defer;
    uint16_t *label_dirty;
    struct XCacheState *label_xc;  /* the vector cache at that branch (vec-cache.c) */
    LabelFix *fix;
    uint32_t nfix, fix_cap;
    SlowPath *slow;
    uint32_t nslow, slow_cap;
    /* insn_start of the current guest instruction, stored lazily */
    bool have_insn, insn_stored;
    uint64_t insn_pc, insn_cc_op;
    const uint8_t *epilogue;   /* the exit epilogue of this code's segment */
    /* chaining (backend.h): goto_tb jumps, the entry's exit-request branch */
    bool chain;                /* emit patchable goto_tb jumps and lookups */
    InsnMapEntry *imap;        /* host offset -> guest instruction */
    uint32_t nimap, imap_cap;
    /* Access map: per guest access, {host offset of the access
     * instruction, n, then n words slot << 8 | host register} of the
     * globals only in registers there (jit_note_access). */
    uint32_t *amap;
    uint32_t namap, amap_cap;
    uint32_t amap_last;        /* index of the latest record */
    uint32_t jmp_off[TCG_GOTO_TB_SLOTS];
    /* A TB whose goto_tb slots loop_want jump to its own start:
     * the globals loop_t[] it reads are loaded into loop_r[] once, at its
     * entry, and the slot is chained to loop_off, just after those loads,
     * with them put back into those registers (jit.c). */
    int loop_slot;             /* one of them, or -1 */
    uint32_t loop_want;        /* all of them (bit n: slot n) */
    uint32_t loop_slots;       /* those emitted with the moves (JitCode) */
    unsigned nloop;
    TCGTemp *loop_t[JIT_LOOP_GLOBALS];
    int8_t loop_r[JIT_LOOP_GLOBALS];
    /* ... and the guest vector registers (env offsets) it reads, in the
     * vector cache's first entries at loop_off and put back there by the
     * slot's jump; loop_end: the ops from there on are not on the loop's
     * path (loop_path_end) */
    unsigned nloop_x;
    int32_t loop_xoff[JIT_LOOP_VECS];
    uint32_t loop_end;
    uint32_t loop_off;
    bool mx_global_used;       /* an op reads or writes the MXCSR global */
} JitGen;

/* Host features used for instruction selection (detected at start-up). */
extern bool jit_have_bmi2, jit_have_popcnt;

static inline TempInfo *ti_of(JitGen *g, TCGTemp *t)
{
    return &g->ti[t->index];
}

/* ---- prologue.c, dump.c ---- */
/* Whether environment variable name is set to something but "" or "0",
 * read once into *cache (initially -1). */
bool jit_env_flag(const char *name, int *cache);
void jit_init_once(void);
/* A code segment's head: the exit epilogue at its start, the slow-access
 * thunk at JIT_SEG_THUNK_OFF (prologue.c). */
void jit_emit_seg_head(JitBuf *b);
#define JIT_SEG_THUNK_OFF 64
/* ... and the tail of the goto_tb slots' unchained exits (jit.c) */
#define JIT_SEG_SLOT_EXIT_OFF 224
/* ... and the thunk that closes a run of FP ops (vec.c) */
#define JIT_SEG_MX_CLOSE_OFF 256
/* The description of a guest access in r11 when a slow path calls the
 * thunk: the access's host offset in its TB's code (its access map and
 * instruction map key), its address register, its value register (the
 * store's source, the load's destination), the kind, the memop (ld/st) or
 * the env range (ld_env/st_env: size 16 << (code - 1), offset). */
#define JIT_SLOW_ADDR_SHIFT 32
#define JIT_SLOW_VAL_SHIFT 36
#define JIT_SLOW_KIND_SHIFT 40
enum { JIT_SLOW_LD, JIT_SLOW_ST, JIT_SLOW_LD_ENV, JIT_SLOW_ST_ENV };
#define JIT_SLOW_MEMOP_SHIFT 42
#define JIT_SLOW_ENVSZ_SHIFT 45
#define JIT_SLOW_ENVOFF_SHIFT 48
/* A store of an immediate (JIT_SLOW_ST with this bit): no value register,
 * the value is the signed 16 bits from JIT_SLOW_IMM_SHIFT. */
#define JIT_SLOW_IMM_BIT (1ull << 45)
#define JIT_SLOW_IMM_SHIFT 48
/* The thunk's C side (helpers.c). */
void jit_slow_access(struct CPUX86State *env, uint64_t *regs, uintptr_t ret);
/* The globals that the code at host offset off of h kept only in
 * registers (its access map record) into env, from regs[16]. */
void jit_restore_dirty_globals(struct CPUX86State *env, const JitCode *h, uintptr_t off,
                               const uint64_t regs[16]);
unsigned jit_exec(struct CPUX86State *env, void *code);
void jit_dump_code(void *code, FILE *f);
bool jit_chain(void *code, unsigned slot, void *dest);
bool jit_restore_insn(void *code, uintptr_t host_pc, uint64_t *pc, uint64_t *cc_op);

/* ---- regalloc.c ---- */
void ra_start(JitGen *g);
/* Make t's value available in a register; the register stays locked for
 * the rest of the op. */
int ra_in(JitGen *g, TCGTemp *t);
/* A register not in `avoid` nor locked, emptied (spilling what it held);
 * locked. */
int ra_alloc(JitGen *g, uint32_t avoid);
/* Empty register r (spill its owner if needed); locked. */
void ra_take(JitGen *g, int r);
/* t's new value is in r (dirty); r's previous owner is dropped. */
void ra_bind(JitGen *g, TCGTemp *t, int r);
/* A register for output t (reusing t's own if it has one not in avoid). */
int ra_out(JitGen *g, TCGTemp *t, uint32_t avoid);
/* Whether t's value is dead after the current op (a TB temp used last here). */
bool ra_dies(JitGen *g, TCGTemp *t);
/* Forget t's register without saving it (its value is dead or consumed). */
void ra_drop(JitGen *g, TCGTemp *t);
/* After an op: release TB temps whose last use it was. */
void ra_op_end(JitGen *g, const TCGOp *op);
/* Write dirty globals to env (they stay cached, now clean). */
void ra_sync_globals(JitGen *g);
/* At a TB's exit: the same but for the pinned global, which stays in
 * REG_PIN for the next TB or the epilogue. */
void ra_sync_exit(JitGen *g);
/* After a call to C that may write globals: the pinned global again from
 * env. */
void ra_reload_pin(JitGen *g);
/* Write the dirty globals in env bytes [off, off + size) to env. */
void ra_sync_env(JitGen *g, int32_t off, unsigned size);
/* Generated code just wrote env bytes [off, off + size): forget the
 * registers caching globals there (env holds their value now). */
void ra_env_written(JitGen *g, int32_t off, unsigned size);
/* Before a call: sync globals, save live TB temps held in caller-saved
 * registers, empty those; drop cached globals too if the helper may write
 * them. */
void ra_before_call(JitGen *g, bool drop_globals);
/* At a branch or label: everything live in memory (registers stay valid). */
void ra_bb_end(JitGen *g);
/* At a conditional branch to l: ra_bb_end, except that the dirty globals
 * stay so when l stores them itself (label_defer). */
void ra_branch_sync(JitGen *g, const TCGLabel *l);
/* The globals whose value is only in a register, and the stores that put
 * them into env (out-of-line stubs emit them before calling C). */
void ra_dirty_globals(JitGen *g, DirtyGlobals *d);
void jit_store_dirty(JitBuf *b, const DirtyGlobals *d);
/* Add REG_ICOUNT to counter slot 0's cell and clear it (uses r11). */
void jit_flush_icount(JitBuf *b);
/* The MXCSR generated code runs with outside runs of FP ops (vec.c). */
uint32_t jit_host_mxcsr(void);
/* C code reached from inside a run of FP ops (env->jit_mx_live): the
 * guest's MXCSR into env and the host's into the register (returns
 * whether a run was live); jit_mx_resume goes back into the run. */
bool jit_mx_suspend(struct CPUX86State *env);
void jit_mx_resume(struct CPUX86State *env);
/* TCGBackend.fault_context: what the faulting code kept in registers (the
 * pending count, dirty globals at a guest access, the guest MXCSR) into
 * env. */
void jit_fault_context(struct CPUX86State *env, void *code, void *uc);
/* After a label: nothing is known to be in registers. */
void ra_forget(JitGen *g);
/* At a branch to a label l: remember what the registers hold, if l has no
 * other branch to it. */
void ra_note_branch(JitGen *g, const TCGLabel *l);
/* At label l that code before it cannot fall into: the registers hold
 * what its only branch saw (globals and constants), if it has one, and
 * the globals dirty there are stored now; else nothing is known. */
void ra_enter_label(JitGen *g, const TCGLabel *l);
/* Globals t[i] (all clean) into registers r[i] (distinct), from the
 * registers they are in or from env; then nothing is known. */
void ra_place_globals(JitGen *g, TCGTemp *const *t, const int8_t *r, unsigned n);

/* ---- jit.c ---- */
/* env->cur_tb = the TB being translated (uses r11). */
void jit_store_cur_tb(JitGen *g);
/* ---- ops.c ---- */
/* The next instruction emitted is a guest access (its access map entry). */
void jit_note_access(JitGen *g);
/* The guest access just emitted, whose bounds check branches from jcc_at:
 * its out-of-line slow path (registers addr and val; env_size 0 for
 * qemu_ld/st, else the qemu_ld/st_env's env bytes), continuing here. */
void jit_add_slow(JitGen *g, size_t jcc_at, int addr, int val, bool is_store,
                  unsigned memop, uint32_t env_off, unsigned env_size);
/* Whether a constant guest address needs no bounds check for an access of
 * size bytes (below the limit, and a disp32). */
bool jit_const_addr_ok(uint64_t addr, unsigned size);
void jit_lower_op(JitGen *g, const TCGOp *op);
/* Store the lazy insn_start values if not yet done. */
void jit_store_insn_start(JitGen *g);
/* The host code from here on belongs to the current guest instruction
 * (for faults in inline accesses, which do not store insn_start). */
void jit_note_insn(JitGen *g);
/* Emit the out-of-line slow paths of guest accesses. */
void jit_emit_slow_paths(JitGen *g);
/* Out-of-line stubs calling C (ops.c): save the caller-saved registers,
 * align rsp, store env->cur_tb and the insn_start values if have_insn; load a register's value
 * as it was at the stub's entry; leave RAX in register r after the
 * restore; restore and jump back to offset back. */
void jit_stub_enter(JitGen *g, bool have_insn, uint64_t pc, uint64_t cc_op);
void jit_stub_load(JitBuf *b, int dst, int r);
void jit_stub_result(JitBuf *b, int r);
void jit_stub_leave(JitBuf *b, size_t back);
/* Whether the brcond at op i, the call and the label after it are a cold
 * raise (taken out of line: the main path goes on with its registers, its
 * vector cache and its open run of FP ops). */
bool jit_is_cold_raise(JitGen *g, uint32_t i);
/* brcond; returns true if control never falls through. */
bool jit_lower_brcond(JitGen *g, const TCGOp *op);
/* jmp (cc < 0) or jcc to label l: recorded for patching. */
void jit_branch_label(JitGen *g, int cc, const TCGLabel *l);

/* ---- helpers.c: C fallbacks called from generated code ---- */
uint64_t jit_helper_ld(void *env, uint64_t addr, uint64_t memop);
void jit_helper_st(void *env, uint64_t addr, uint64_t val, uint64_t memop);
uint64_t jit_helper_binop(uint64_t opc, uint64_t a, uint64_t b);
void jit_helper_ld_env(void *env, uint64_t addr, uint64_t env_off, uint64_t size);
void jit_helper_st_env(void *env, uint64_t addr, uint64_t env_off, uint64_t size);
/* ---- vec-mem.c: qemu_ld_env / qemu_st_env ---- */
void jit_lower_ld_env(JitGen *g, const TCGOp *op);
void jit_lower_st_env(JitGen *g, const TCGOp *op);

#endif
