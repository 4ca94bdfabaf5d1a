/*
 * emu/tcg/tcg.h — the IR: temps, ops, labels and the typed emitters.
 *
 * A front end builds one TB's IR into the calling thread's TCGContext with
 * the tcg_gen_* emitters; the optimizer rewrites it in place; a backend
 * (interp.c now, a host JIT later) turns it into something executable.
 * Nothing here knows x86 guest semantics.
 *
 * Temps:
 *   - globals: a fixed 64-bit slot of CPUX86State (a guest register, a
 *     lazy-flag word, half of an XMM register...).  Writes to a global are
 *     architectural state: a fault after the write exposes it.
 *   - temps: TB-local values, allocated by tcg_temp_new(); a backend maps
 *     them to host registers or scratch slots.  Branches inside a TB only go
 *     forward, so a temp's live range is [first use, last use] in op order.
 *   - constants: tcg_constant_i64(v), read-only, interned per TB.
 */
#ifndef EMU_TCG_H
#define EMU_TCG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum TCGOpcode {
#define DEF(name, oargs, iargs, cargs, flags) INDEX_op_##name,
#include "ir-ops.def"   /* IR-OPS-DEF */
    NB_OPS
} TCGOpcode;

/* Op flags (TCGOpDef.flags). */
#define TCG_OPF_BB_END       0x01   /* ends a basic block */
#define TCG_OPF_BB_EXIT      0x02   /* leaves the TB */
#define TCG_OPF_CALL         0x04   /* helper call */
#define TCG_OPF_SIDE_EFFECTS 0x08   /* never removed even if outputs are dead */
#define TCG_OPF_NOT_PRESENT  0x10   /* marker: generates no code */

typedef struct TCGOpDef {
    const char *name;
    uint8_t nb_oargs, nb_iargs, nb_cargs;
    uint8_t flags;
} TCGOpDef;
extern const TCGOpDef tcg_op_defs[NB_OPS];

/* Conditions: bit patterns chosen so that cond ^ 1 is the inverse. */
typedef enum TCGCond {
    TCG_COND_NEVER  = 0,
    TCG_COND_ALWAYS = 1,
    TCG_COND_EQ     = 8,
    TCG_COND_NE     = 9,
    TCG_COND_LT     = 10,  /* signed */
    TCG_COND_GE     = 11,
    TCG_COND_LE     = 12,
    TCG_COND_GT     = 13,
    TCG_COND_LTU    = 14,  /* unsigned */
    TCG_COND_GEU    = 15,
    TCG_COND_LEU    = 16,
    TCG_COND_GTU    = 17,
    TCG_COND_TSTEQ  = 18,  /* (a & b) == 0 */
    TCG_COND_TSTNE  = 19,  /* (a & b) != 0 */
} TCGCond;
static inline TCGCond tcg_invert_cond(TCGCond c) { return (TCGCond)(c ^ 1); }
/* Evaluate a condition on two values (used by optimizer and interpreter). */
bool tcg_cond_eval(TCGCond c, uint64_t a, uint64_t b);

/* Memory operation descriptor for qemu_ld/qemu_st (little-endian guest). */
typedef enum MemOp {
    MO_8 = 0, MO_16 = 1, MO_32 = 2, MO_64 = 3,
    MO_SIZE = 3,
    MO_SIGN = 4,
    MO_UB = MO_8, MO_UW = MO_16, MO_UL = MO_32, MO_UQ = MO_64,
    MO_SB = MO_8 | MO_SIGN, MO_SW = MO_16 | MO_SIGN, MO_SL = MO_32 | MO_SIGN,
} MemOp;

/* goto_tb slots per TB (emu/exec.h's TB_JMP_SLOTS). */
#define TCG_GOTO_TB_SLOTS 6

/* TB exit values returned by a backend's exec (exit_tb's constant):
 * a slot number n < TCG_GOTO_TB_SLOTS (took goto_tb slot n; env->rip = its
 * target), or one of these. */
enum {
    TB_EXIT_SLOT0 = 0,     /* took goto_tb slot 0 */
    TB_EXIT_SLOT1 = 1,     /* took goto_tb slot 1 */
    TB_EXIT_NOCHAIN = TCG_GOTO_TB_SLOTS,   /* env->rip set dynamically (indirect jump, ...) */
    TB_EXIT_REQUESTED,     /* env->exit_request was set at TB entry; rip = TB pc */
};

typedef enum TCGTempKind {
    TEMP_GLOBAL,   /* fixed CPUX86State slot */
    TEMP_TB,       /* TB-local value */
    TEMP_CONST,    /* constant */
} TCGTempKind;

typedef struct TCGTemp {
    TCGTempKind kind;
    uint32_t slot;        /* TEMP_GLOBAL: env slot; others: backend's choice */
    uint64_t val;         /* TEMP_CONST: the value */
    const char *name;     /* globals: for dumps */
    uint32_t index;       /* position in TCGContext.temps */
    /* scratch for passes (liveness, allocation) */
    int32_t state;
    uint64_t state_val;
} TCGTemp;

/* Handle used by front ends.  Opaque by convention: do not poke inside. */
typedef TCGTemp *TCGv_i64;
typedef TCGv_i64 TCGv;

typedef struct TCGLabel {
    uint32_t id;
    int32_t op_index;     /* index of its set_label op, -1 until placed */
    bool has_refs;
} TCGLabel;

typedef uintptr_t TCGArg;

#define TCG_MAX_OP_ARGS 10
#define TCG_MAX_HELPER_ARGS 6

typedef struct TCGOp {
    uint16_t opc;         /* TCGOpcode */
    /* For call: number of outputs (0/1) and inputs; args[] =
     * [ret?] [inputs...] [TCGHelperInfo*]. */
    uint8_t call_oargs, call_iargs;
    TCGArg args[TCG_MAX_OP_ARGS];   /* temps as (TCGArg)TCGTemp*, labels as TCGLabel* */
} TCGOp;

/* Helper call descriptors. */
#define TCG_CALL_NO_READ_GLOBALS  0x1  /* does not read guest globals via env */
#define TCG_CALL_NO_WRITE_GLOBALS 0x2  /* does not write guest globals via env */
#define TCG_CALL_NO_SIDE_EFFECTS  0x4  /* pure: may be removed if result unused */
#define TCG_CALL_NO_RETURN        0x8  /* always raises: never returns (backends may
                                        * put a branch around it out of line) */
#define TCG_CALL_NO_FP            0x10 /* no floating point, reads no MXCSR: may run
                                        * under the guest's MXCSR (JIT backend) */
#define TCG_CALL_NO_RWG (TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS)
#define TCG_CALL_NO_RWG_SE (TCG_CALL_NO_RWG | TCG_CALL_NO_SIDE_EFFECTS)
/* Helpers may also raise a guest exception (longjmp to cpu_exec); that is
 * always allowed: state written before the call is architectural. */

typedef struct TCGHelperInfo {
    void *func;           /* uint64_t fn(uint64_t...) or void fn(...) under SysV */
    const char *name;
    unsigned flags;
    uint8_t nb_args;
    bool has_ret;
} TCGHelperInfo;

/* Declare a helper descriptor next to the helper: HELPER_INFO(foo, flags, nargs, has_ret)
 * defines `const TCGHelperInfo helper_info_foo` for function helper_foo. */
#define HELPER_INFO(fn, fl, n, r) \
    const TCGHelperInfo helper_info_##fn = { .func = (void *)helper_##fn, \
        .name = #fn, .flags = (fl), .nb_args = (n), .has_ret = (r) }

typedef struct TCGContext {
    TCGTemp *temps;       /* all temps; globals first (same for every TB) */
    uint32_t nb_temps, nb_globals, temps_alloc;
    TCGOp *ops;
    uint32_t nb_ops, ops_alloc;
    TCGLabel **labels;
    uint32_t nb_labels, labels_alloc;
    TCGv env;             /* global holding the CPUX86State pointer (env->env_ptr) */
    void *tb;             /* TranslationBlock being translated (opaque here) */
    /* Side exits of a superblock (emu/x86/translate.c), in order: the
     * index of the guest instruction whose brcond leaves the TB to a label
     * placed after the TB's final exit (plugins/instrument.c ends a
     * straight-line region of merged counter adds there). */
    uint16_t side_exit_insn[TCG_GOTO_TB_SLOTS];
    uint8_t nb_side_exits;
} TCGContext;

/* The calling thread's context (translation is per-thread). */
TCGContext *tcg_ctx(void);

/* Set up the calling thread's context; globals must be re-registered in the
 * same order by every thread (done by the front end's init). */
void tcg_context_init(void);
/* Start a new TB: drops ops, labels and non-global temps. */
void tcg_func_start(void);

/* Temps. */
TCGv tcg_global_slot(unsigned slot, const char *name);
TCGv tcg_temp_new(void);
TCGv tcg_constant_i64(uint64_t val);
static inline bool tcg_temp_is_const(TCGv t) { return t->kind == TEMP_CONST; }

/* Labels. */
TCGLabel *gen_new_label(void);
void gen_set_label(TCGLabel *l);

/* Raw op emission (prefer the typed emitters below). */
TCGOp *tcg_emit_op(TCGOpcode opc, int nargs, ...);

/* Typed emitters.  The *i forms take an immediate and fold trivial cases. */
void tcg_gen_mov_i64(TCGv d, TCGv a);
void tcg_gen_movi_i64(TCGv d, uint64_t v);
void tcg_gen_add_i64(TCGv d, TCGv a, TCGv b);
void tcg_gen_addi_i64(TCGv d, TCGv a, int64_t b);
void tcg_gen_sub_i64(TCGv d, TCGv a, TCGv b);
void tcg_gen_subi_i64(TCGv d, TCGv a, int64_t b);
void tcg_gen_mul_i64(TCGv d, TCGv a, TCGv b);
void tcg_gen_muli_i64(TCGv d, TCGv a, int64_t b);
void tcg_gen_and_i64(TCGv d, TCGv a, TCGv b);
void tcg_gen_andi_i64(TCGv d, TCGv a, uint64_t b);
void tcg_gen_or_i64(TCGv d, TCGv a, TCGv b);
void tcg_gen_ori_i64(TCGv d, TCGv a, uint64_t b);
void tcg_gen_xor_i64(TCGv d, TCGv a, TCGv b);
void tcg_gen_xori_i64(TCGv d, TCGv a, uint64_t b);
void tcg_gen_andc_i64(TCGv d, TCGv a, TCGv b);
void tcg_gen_neg_i64(TCGv d, TCGv a);
void tcg_gen_not_i64(TCGv d, TCGv a);
void tcg_gen_shl_i64(TCGv d, TCGv a, TCGv b);
void tcg_gen_shli_i64(TCGv d, TCGv a, unsigned b);
void tcg_gen_shr_i64(TCGv d, TCGv a, TCGv b);
void tcg_gen_shri_i64(TCGv d, TCGv a, unsigned b);
void tcg_gen_sar_i64(TCGv d, TCGv a, TCGv b);
void tcg_gen_sari_i64(TCGv d, TCGv a, unsigned b);
void tcg_gen_rotl_i64(TCGv d, TCGv a, TCGv b);
void tcg_gen_rotli_i64(TCGv d, TCGv a, unsigned b);
void tcg_gen_rotr_i64(TCGv d, TCGv a, TCGv b);
void tcg_gen_rotri_i64(TCGv d, TCGv a, unsigned b);
void tcg_gen_rotl32_i64(TCGv d, TCGv a, TCGv b);
void tcg_gen_rotr32_i64(TCGv d, TCGv a, TCGv b);
void tcg_gen_mulu2_i64(TCGv lo, TCGv hi, TCGv a, TCGv b);
void tcg_gen_muls2_i64(TCGv lo, TCGv hi, TCGv a, TCGv b);
void tcg_gen_ext8s_i64(TCGv d, TCGv a);
void tcg_gen_ext8u_i64(TCGv d, TCGv a);
void tcg_gen_ext16s_i64(TCGv d, TCGv a);
void tcg_gen_ext16u_i64(TCGv d, TCGv a);
void tcg_gen_ext32s_i64(TCGv d, TCGv a);
void tcg_gen_ext32u_i64(TCGv d, TCGv a);
void tcg_gen_extract_i64(TCGv d, TCGv a, unsigned pos, unsigned len);
void tcg_gen_sextract_i64(TCGv d, TCGv a, unsigned pos, unsigned len);
void tcg_gen_deposit_i64(TCGv d, TCGv a, TCGv b, unsigned pos, unsigned len);
void tcg_gen_bswap16_i64(TCGv d, TCGv a);
void tcg_gen_bswap32_i64(TCGv d, TCGv a);
void tcg_gen_bswap64_i64(TCGv d, TCGv a);
void tcg_gen_clz_i64(TCGv d, TCGv a, TCGv if_zero);
void tcg_gen_ctz_i64(TCGv d, TCGv a, TCGv if_zero);
void tcg_gen_ctpop_i64(TCGv d, TCGv a);
void tcg_gen_setcond_i64(TCGCond c, TCGv d, TCGv a, TCGv b);
void tcg_gen_setcondi_i64(TCGCond c, TCGv d, TCGv a, int64_t b);
void tcg_gen_negsetcond_i64(TCGCond c, TCGv d, TCGv a, TCGv b);  /* d = cond ? -1 : 0 */
void tcg_gen_movcond_i64(TCGCond c, TCGv d, TCGv a, TCGv b, TCGv v1, TCGv v2);
void tcg_gen_br(TCGLabel *l);
void tcg_gen_brcond_i64(TCGCond c, TCGv a, TCGv b, TCGLabel *l);
void tcg_gen_brcondi_i64(TCGCond c, TCGv a, int64_t b, TCGLabel *l);
void tcg_gen_qemu_ld_i64(TCGv val, TCGv addr, MemOp op);
void tcg_gen_qemu_st_i64(TCGv val, TCGv addr, MemOp op);
/* size (16 or 32) bytes between guest memory at addr and env bytes
 * [env_off, env_off + size), as one access (ir-ops.def) */
void tcg_gen_qemu_ld_env(uint32_t env_off, TCGv addr, unsigned size);
void tcg_gen_qemu_st_env(uint32_t env_off, TCGv addr, unsigned size);
void tcg_gen_mb(void);
/* *(u64 *)(base + env->cpu_index * stride) += imm, in host memory: the
 * per-vCPU counters of plugins' inline ops (never faults, no atomics). */
void tcg_gen_add_counter(void *base, uint64_t stride, uint64_t imm);
void tcg_gen_discard_i64(TCGv t);

/* Helper call: ret may be NULL when the helper returns nothing. */
void tcg_gen_callN(const TCGHelperInfo *info, TCGv ret, int nargs, TCGv *args);
void tcg_gen_call0(const TCGHelperInfo *info, TCGv ret);
void tcg_gen_call1(const TCGHelperInfo *info, TCGv ret, TCGv a1);
void tcg_gen_call2(const TCGHelperInfo *info, TCGv ret, TCGv a1, TCGv a2);
void tcg_gen_call3(const TCGHelperInfo *info, TCGv ret, TCGv a1, TCGv a2, TCGv a3);
void tcg_gen_call4(const TCGHelperInfo *info, TCGv ret, TCGv a1, TCGv a2, TCGv a3, TCGv a4);
void tcg_gen_call5(const TCGHelperInfo *info, TCGv ret, TCGv a1, TCGv a2, TCGv a3, TCGv a4, TCGv a5);
void tcg_gen_call6(const TCGHelperInfo *info, TCGv ret, TCGv a1, TCGv a2, TCGv a3, TCGv a4, TCGv a5, TCGv a6);

/* TB structure. */
void tcg_gen_insn_start(uint64_t pc, uint64_t cc_op);
void tcg_gen_goto_tb(unsigned slot);
void tcg_gen_exit_tb(unsigned exit_value);   /* TB_EXIT_* */

/* Passes. */
void tcg_optimize(TCGContext *s);
/* Print the current IR, one op per line, to f (for -d op / op_opt). */
#include <stdio.h>
void tcg_dump_ops(TCGContext *s, FILE *f);

#endif
