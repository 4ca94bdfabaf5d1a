/*
 * emu/tcg/interp.c — the IR interpreter: the reference backend.
 *
 * gen_code lowers the IR of a TB to a compact direct-threaded bytecode:
 * each instruction is a handler address followed by its operands.  Slot
 * operands are u16 indices into the CPUX86State viewed as u64 words (globals
 * are their own slots; TB temps get scratch slots in env->tmp[] by a linear
 * scan over their [first, last] use intervals).  Constants become
 * immediates: binary ops, comparisons and branches have register-immediate
 * forms for a constant second input; a constant elsewhere is first
 * materialised into a scratch slot.  exec runs the bytecode with GCC's
 * computed goto.
 *
 * Layout of an instruction (u64 words):
 *   [handler] [u16 slot operands, packed 4 per word] [immediates...]
 * Calls:  [handler] [function] [ret a0 a1 a2] [a3 a4 a5 -]
 * Branch targets are absolute pointers into the same code.
 *
 * insn_start is lazy: env->insn_pc/insn_cc_op are only written before an op
 * that can fault or call out (qemu_ld/qemu_st/call), once per guest
 * instruction and again after a label.  Nothing else reads them.
 */
#include <inttypes.h>
#include <string.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/tcg/tcg.h"
#include "emu/tcg/backend.h"
#include "emu/tcg/internal.h"

_Static_assert(ENV_SLOT_END <= 65536, "slot numbers must fit in u16");

#define TMP_SLOT0 ENV_SLOT(tmp[0])

/* Operand formats, with their size in words (handler included). */
enum {
    FMT_0,      /* [h] */
    FMT_I,      /* [h] [imm] */
    FMT_II,     /* [h] [imm] [imm] */
    FMT_T,      /* [h] [target] */
    FMT_S2,     /* [h] [d a] */
    FMT_S3,     /* [h] [d a b] */
    FMT_S4,     /* [h] [d a b c] */
    FMT_S1I,    /* [h] [d] [imm] */
    FMT_S2I,    /* [h] [d a] [imm] */
    FMT_S3I,    /* [h] [d a b] [imm] */
    FMT_S4I,    /* [h] [d a b c] [imm] */
    FMT_S5,     /* [h] [d a b c] [e] */
    FMT_S2T,    /* [h] [a b] [target] */
    FMT_S1IT,   /* [h] [a] [imm] [target] */
    FMT_CALL,   /* [h] [fn] [ret a0 a1 a2] [a3 a4 a5] */
    FMT_S2II,   /* [h] [d e] [imm] [imm] */
    FMT_S5I,    /* [h] [d a b c] [e] [imm] */
    FMT_S1II,   /* [h] [d] [imm] [imm] */
    FMT_III,    /* [h] [imm] [imm] [imm] */
};
static const uint8_t fmt_words[] = {
    [FMT_0] = 1, [FMT_I] = 2, [FMT_II] = 3, [FMT_T] = 2, [FMT_S2] = 2,
    [FMT_S3] = 2, [FMT_S4] = 2, [FMT_S1I] = 3, [FMT_S2I] = 3, [FMT_S3I] = 3,
    [FMT_S4I] = 3, [FMT_S5] = 3, [FMT_S2T] = 3, [FMT_S1IT] = 4, [FMT_CALL] = 4,
    [FMT_S2II] = 4, [FMT_S5I] = 4, [FMT_S1II] = 4, [FMT_III] = 4,
};

/* Handlers that are not generated from the semantic tables. */
#define INTERP_MISC_HANDLERS(X) \
    X(movi,      FMT_S1I)   /* d = imm */ \
    X(mov2,      FMT_S4)    /* d = a; d2 = a2  (fused: flag updates come in runs) */ \
    X(movi2,     FMT_S2II)  /* d = imm; d2 = imm2 */ \
    X(mov_movi,  FMT_S3I)   /* d = a; d2 = imm */ \
    X(movi_mov,  FMT_S3I)   /* d = imm; d2 = a2 */ \
    X(mov2_movi, FMT_S5I)   /* d = a; d2 = a2; d3 = imm */ \
    X(br,        FMT_T)     /* goto target */ \
    X(extract,   FMT_S3I)   /* d = (a >> sh) & imm */ \
    X(sextract,  FMT_S4)    /* d = (int64_t)(a << l) >> r */ \
    X(deposit,   FMT_S4I)   /* d = (a & ~imm) | ((b << pos) & imm) */ \
    X(mulu2,     FMT_S4)    /* (d, d2) = (u128)a * b */ \
    X(muls2,     FMT_S4)    /* (d, d2) = (s128)a * b */ \
    X(call0,     FMT_CALL)  /* ret = fn() */ \
    X(call1,     FMT_CALL) \
    X(call2,     FMT_CALL) \
    X(call3,     FMT_CALL) \
    X(call4,     FMT_CALL) \
    X(call5,     FMT_CALL) \
    X(call6,     FMT_CALL) \
    X(call0v,    FMT_CALL)  /* fn(), no result */ \
    X(call1v,    FMT_CALL) \
    X(call2v,    FMT_CALL) \
    X(call3v,    FMT_CALL) \
    X(call4v,    FMT_CALL) \
    X(call5v,    FMT_CALL) \
    X(call6v,    FMT_CALL) \
    X(insn_start, FMT_II)   /* env->insn_pc = imm0, env->insn_cc_op = imm1 */ \
    X(exit_tb,   FMT_I)     /* return imm */ \
    X(movi_exit, FMT_S1II)  /* d = imm; return imm2 (rip = target; exit) */ \
    X(mb,        FMT_0)     /* full memory barrier */ \
    X(ld_env,    FMT_S1II)  /* env bytes [imm0, +imm1) = guest[a] (tcg_ld_env) */ \
    X(st_env,    FMT_S1II)  /* guest[a] = env bytes [imm0, +imm1) (tcg_st_env) */ \
    X(add_counter, FMT_III) /* *(u64 *)(imm0 + env->cpu_index * imm1) += imm2 */

/*
 * Guest loads and stores, each in three address forms:
 *   ld_x      [h] [d a]        d = guest[a]
 *   ld_x_off  [h] [d a] [imm]  d = guest[a + imm]   (an add folded in)
 *   ld_x_abs  [h] [d] [imm]    d = guest[imm]
 * and the same for st_x with the value in slot 0.
 */
#define INTERP_LD_LIST(X) \
    X(ub, uint8_t)  X(sb, int8_t)  X(uw, uint16_t) X(sw, int16_t) \
    X(ul, uint32_t) X(sl, int32_t) X(uq, uint64_t)
#define INTERP_ST_LIST(X) \
    X(b, uint8_t) X(w, uint16_t) X(l, uint32_t) X(q, uint64_t)

enum InterpHandler {
#define X(nm, expr) H_##nm##_rr, H_##nm##_ri,
    TCG_SEM_BINOPS(X)
#undef X
#define X(nm, expr) H_##nm,
    TCG_SEM_UNOPS(X)
#undef X
#define X(nm, NM, expr) H_setcond_##nm##_rr, H_setcond_##nm##_ri, \
    H_movcond_##nm##_rr, H_movcond_##nm##_ri, H_brcond_##nm##_rr, H_brcond_##nm##_ri,
    TCG_COND_LIST(X)
#undef X
#define X(nm, fmt) H_##nm,
    INTERP_MISC_HANDLERS(X)
#undef X
#define X(nm, type) H_ld_##nm, H_ld_##nm##_off, H_ld_##nm##_abs,
    INTERP_LD_LIST(X)
#undef X
#define X(nm, type) H_st_##nm, H_st_##nm##_off, H_st_##nm##_abs,
    INTERP_ST_LIST(X)
#undef X
    H_COUNT
};

typedef struct HandlerInfo {
    const char *name;
    uint8_t fmt;
} HandlerInfo;

static const HandlerInfo hinfo[H_COUNT] = {
#define X(nm, expr) [H_##nm##_rr] = { #nm, FMT_S3 }, [H_##nm##_ri] = { #nm "_i", FMT_S2I },
    TCG_SEM_BINOPS(X)
#undef X
#define X(nm, expr) [H_##nm] = { #nm, FMT_S2 },
    TCG_SEM_UNOPS(X)
#undef X
#define X(nm, NM, expr) \
    [H_setcond_##nm##_rr] = { "setcond_" #nm, FMT_S3 }, \
    [H_setcond_##nm##_ri] = { "setcond_" #nm "_i", FMT_S2I }, \
    [H_movcond_##nm##_rr] = { "movcond_" #nm, FMT_S5 }, \
    [H_movcond_##nm##_ri] = { "movcond_" #nm "_i", FMT_S4I }, \
    [H_brcond_##nm##_rr] = { "brcond_" #nm, FMT_S2T }, \
    [H_brcond_##nm##_ri] = { "brcond_" #nm "_i", FMT_S1IT },
    TCG_COND_LIST(X)
#undef X
#define X(nm, fmt) [H_##nm] = { #nm, fmt },
    INTERP_MISC_HANDLERS(X)
#undef X
#define X(nm, type) [H_ld_##nm] = { "ld_" #nm, FMT_S2 }, \
    [H_ld_##nm##_off] = { "ld_" #nm "_off", FMT_S2I }, [H_ld_##nm##_abs] = { "ld_" #nm "_abs", FMT_S1I },
    INTERP_LD_LIST(X)
#undef X
#define X(nm, type) [H_st_##nm] = { "st_" #nm, FMT_S2 }, \
    [H_st_##nm##_off] = { "st_" #nm "_off", FMT_S2I }, [H_st_##nm##_abs] = { "st_" #nm "_abs", FMT_S1I },
    INTERP_ST_LIST(X)
#undef X
};

/* IR opcode -> handler tables, generated from ir-ops.def and the semantic
 * tables (IR-OPS-DEF).  0 = no such form; stored as handler + 1. */
static const uint16_t binop_rr[NB_OPS] = {
#define X(nm, expr) [INDEX_op_##nm] = H_##nm##_rr + 1,
    TCG_SEM_BINOPS(X)
#undef X
};
static const uint16_t unop_h[NB_OPS] = {
#define X(nm, expr) [INDEX_op_##nm] = H_##nm + 1,
    TCG_SEM_UNOPS(X)
#undef X
};
/* Ops whose operands may be swapped. */
static const bool op_commutes[NB_OPS] = {
    [INDEX_op_add] = true, [INDEX_op_mul] = true, [INDEX_op_and] = true,
    [INDEX_op_or] = true, [INDEX_op_xor] = true,
};
/* Per condition: setcond rr (ri = +1), movcond rr (+1), brcond rr (+1). */
typedef struct CondHandlers {
    uint16_t setcond, movcond, brcond;
} CondHandlers;
static const CondHandlers cond_h[TCG_COND_TSTNE + 1] = {
#define X(nm, NM, expr) [TCG_COND_##NM] = { H_setcond_##nm##_rr + 1, \
    H_movcond_##nm##_rr + 1, H_brcond_##nm##_rr + 1 },
    TCG_COND_LIST(X)
#undef X
};

/* Shape of every op, generated from ir-ops.def: checks that the semantic
 * tables cover the ops they claim. */
static const uint8_t op_shape[NB_OPS] = {
#define DEF(nm, o, i, c, f) [INDEX_op_##nm] = (uint8_t)((o) << 4 | (i) << 2 | (c)),
#include "ir-ops.def"   /* IR-OPS-DEF */
};

/* The code handle. */
typedef struct InterpCode {
    uint32_t nwords;
    uint32_t nscratch;     /* scratch slots used */
    /* An add_counter that opens the TB, done by exec without a dispatch
     * (plugin counters cost one add per TB): *(u64 *)(cnt_base +
     * env->cpu_index * cnt_stride) += cnt_imm, if cnt_base != 0. */
    uint64_t cnt_base, cnt_stride, cnt_imm;
    uint64_t words[];
} InterpCode;

/* ---- execution ---- */

static const void *const *interp_htab;

/*
 * Run bytecode at ip.  Called once with env == NULL to publish the handler
 * addresses (labels are local to this function).
 */
static unsigned __attribute__((optimize("no-gcse"))) interp_run(CPUX86State *env, const uint64_t *ip)
{
    static const void *const htab[H_COUNT] = {
#define X(nm, expr) [H_##nm##_rr] = &&L_##nm##_rr, [H_##nm##_ri] = &&L_##nm##_ri,
        TCG_SEM_BINOPS(X)
#undef X
#define X(nm, expr) [H_##nm] = &&L_##nm,
        TCG_SEM_UNOPS(X)
#undef X
#define X(nm, NM, expr) \
        [H_setcond_##nm##_rr] = &&L_setcond_##nm##_rr, [H_setcond_##nm##_ri] = &&L_setcond_##nm##_ri, \
        [H_movcond_##nm##_rr] = &&L_movcond_##nm##_rr, [H_movcond_##nm##_ri] = &&L_movcond_##nm##_ri, \
        [H_brcond_##nm##_rr] = &&L_brcond_##nm##_rr, [H_brcond_##nm##_ri] = &&L_brcond_##nm##_ri,
        TCG_COND_LIST(X)
#undef X
#define X(nm, fmt) [H_##nm] = &&L_##nm,
        INTERP_MISC_HANDLERS(X)
#undef X
#define X(nm, type) [H_ld_##nm] = &&L_ld_##nm, [H_ld_##nm##_off] = &&L_ld_##nm##_off, \
        [H_ld_##nm##_abs] = &&L_ld_##nm##_abs,
        INTERP_LD_LIST(X)
#undef X
#define X(nm, type) [H_st_##nm] = &&L_st_##nm, [H_st_##nm##_off] = &&L_st_##nm##_off, \
        [H_st_##nm##_abs] = &&L_st_##nm##_abs,
        INTERP_ST_LIST(X)
#undef X
    };
    if (G_UNLIKELY(env == NULL)) {
        interp_htab = htab;
        return 0;
    }

    uint64_t *const slots = (uint64_t *)env;
    const uintptr_t gbase = guest_base;
    const uint64_t glimit = guest_addr_limit;

/* u16 operand k of the current instruction, and its slot */
#define O(k) (((const uint16_t *)(ip + 1))[k])
#define S(k) slots[O(k)]
#define NEXT(n) do { ip += (n); goto *(const void *)ip[0]; } while (0)
#define JUMP(w) do { ip = (const uint64_t *)(w); goto *(const void *)ip[0]; } while (0)

    goto *(const void *)ip[0];

#define X(nm, expr) \
    L_##nm##_rr: { uint64_t a = S(1), b = S(2); S(0) = (expr); NEXT(2); } \
    L_##nm##_ri: { uint64_t a = S(1), b = ip[2]; S(0) = (expr); NEXT(3); }
    TCG_SEM_BINOPS(X)
#undef X

#define X(nm, expr) \
    L_##nm: { uint64_t a = S(1); S(0) = (expr); NEXT(2); }
    TCG_SEM_UNOPS(X)
#undef X

#define X(nm, NM, expr) \
    L_setcond_##nm##_rr: { uint64_t a = S(1), b = S(2); S(0) = (expr); NEXT(2); } \
    L_setcond_##nm##_ri: { uint64_t a = S(1), b = ip[2]; S(0) = (expr); NEXT(3); } \
    L_movcond_##nm##_rr: { uint64_t a = S(1), b = S(2); S(0) = (expr) ? S(3) : S(4); NEXT(3); } \
    L_movcond_##nm##_ri: { uint64_t a = S(1), b = ip[2]; S(0) = (expr) ? S(2) : S(3); NEXT(3); } \
    L_brcond_##nm##_rr: { uint64_t a = S(0), b = S(1); if (expr) JUMP(ip[2]); NEXT(3); } \
    L_brcond_##nm##_ri: { uint64_t a = S(0), b = ip[2]; if (expr) JUMP(ip[3]); NEXT(4); }
    TCG_COND_LIST(X)
#undef X

L_mov2:
    S(0) = S(1);
    S(2) = S(3);
    NEXT(2);
L_movi2:
    S(0) = ip[2];
    S(1) = ip[3];
    NEXT(4);
L_mov_movi:
    S(0) = S(1);
    S(2) = ip[2];
    NEXT(3);
L_movi_mov:
    S(0) = ip[2];
    S(1) = S(2);
    NEXT(3);
L_mov2_movi:
    S(0) = S(1);
    S(2) = S(3);
    S(4) = ip[3];
    NEXT(4);
L_movi:
    S(0) = ip[2];
    NEXT(3);
L_br:
    JUMP(ip[1]);
L_extract:
    S(0) = (S(1) >> O(2)) & ip[2];
    NEXT(3);
L_sextract:
    S(0) = (uint64_t)((int64_t)(S(1) << O(2)) >> O(3));
    NEXT(2);
L_deposit: {
        uint64_t a = S(1), b = S(2), m = ip[2];
        S(0) = (a & ~m) | ((b << O(3)) & m);
        NEXT(3);
    }
L_mulu2: {
        unsigned __int128 r = (unsigned __int128)S(2) * S(3);
        S(0) = (uint64_t)r;
        S(1) = (uint64_t)(r >> 64);
        NEXT(2);
    }
L_muls2: {
        __int128 r = (__int128)(int64_t)S(2) * (int64_t)S(3);
        S(0) = (uint64_t)r;
        S(1) = (uint64_t)((unsigned __int128)r >> 64);
        NEXT(2);
    }

/* Loads and stores: bounds check, then an unaligned host access. */
#define LD_BODY(type, n) \
        type v; \
        if (G_UNLIKELY(addr > glimit - sizeof(type))) { \
            cpu_raise_access_fault_n(env, addr, sizeof(type), 0); \
        } \
        memcpy(&v, (const void *)(gbase + (uintptr_t)addr), sizeof(type)); \
        S(0) = (uint64_t)(int64_t)v; \
        NEXT(n);
#define X(nm, type) \
    L_ld_##nm:        { uint64_t addr = S(1); LD_BODY(type, 2) } \
    L_ld_##nm##_off:  { uint64_t addr = S(1) + ip[2]; LD_BODY(type, 3) } \
    L_ld_##nm##_abs:  { uint64_t addr = ip[2]; LD_BODY(type, 3) }
    INTERP_LD_LIST(X)
#undef X
#undef LD_BODY
#define ST_BODY(type, n) \
        type v = (type)S(0); \
        if (G_UNLIKELY(addr > glimit - sizeof(type))) { \
            cpu_raise_access_fault_n(env, addr, sizeof(type), 1); \
        } \
        memcpy((void *)(gbase + (uintptr_t)addr), &v, sizeof(type)); \
        NEXT(n);
#define X(nm, type) \
    L_st_##nm:        { uint64_t addr = S(1); ST_BODY(type, 2) } \
    L_st_##nm##_off:  { uint64_t addr = S(1) + ip[2]; ST_BODY(type, 3) } \
    L_st_##nm##_abs:  { uint64_t addr = ip[2]; ST_BODY(type, 3) }
    INTERP_ST_LIST(X)
#undef X
#undef ST_BODY

/* Calls: [h] [fn] [ret a0 a1 a2] [a3 a4 a5]; SysV passes these u64s where
 * the helper expects pointers or narrower integers. */
#define C(k) slots[((const uint16_t *)(ip + 2))[(k) + 1]]
#define FN(...) ((uint64_t (*)(__VA_ARGS__))ip[1])
#define VFN(...) ((void (*)(__VA_ARGS__))ip[1])
#define RET slots[((const uint16_t *)(ip + 2))[0]]
#define U uint64_t
L_call0: RET = FN(void)(); NEXT(4);
L_call1: RET = FN(U)(C(0)); NEXT(4);
L_call2: RET = FN(U, U)(C(0), C(1)); NEXT(4);
L_call3: RET = FN(U, U, U)(C(0), C(1), C(2)); NEXT(4);
L_call4: RET = FN(U, U, U, U)(C(0), C(1), C(2), C(3)); NEXT(4);
L_call5: RET = FN(U, U, U, U, U)(C(0), C(1), C(2), C(3), C(4)); NEXT(4);
L_call6: RET = FN(U, U, U, U, U, U)(C(0), C(1), C(2), C(3), C(4), C(5)); NEXT(4);
L_call0v: VFN(void)(); NEXT(4);
L_call1v: VFN(U)(C(0)); NEXT(4);
L_call2v: VFN(U, U)(C(0), C(1)); NEXT(4);
L_call3v: VFN(U, U, U)(C(0), C(1), C(2)); NEXT(4);
L_call4v: VFN(U, U, U, U)(C(0), C(1), C(2), C(3)); NEXT(4);
L_call5v: VFN(U, U, U, U, U)(C(0), C(1), C(2), C(3), C(4)); NEXT(4);
L_call6v: VFN(U, U, U, U, U, U)(C(0), C(1), C(2), C(3), C(4), C(5)); NEXT(4);
#undef C
#undef FN
#undef VFN
#undef RET
#undef U

L_insn_start:
    slots[ENV_SLOT(insn_pc)] = ip[1];
    slots[ENV_SLOT(insn_cc_op)] = ip[2];
    NEXT(3);
L_exit_tb:
    return (unsigned)ip[1];
L_movi_exit:
    S(0) = ip[2];
    return (unsigned)ip[3];
L_mb:
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    NEXT(1);
L_ld_env:
    tcg_ld_env(env, S(0), (uint32_t)ip[2], (uint32_t)ip[3]);
    NEXT(4);
L_st_env:
    tcg_st_env(env, S(0), (uint32_t)ip[2], (uint32_t)ip[3]);
    NEXT(4);
L_add_counter:
    *(uint64_t *)(uintptr_t)(ip[1] + (uint64_t)env->cpu_index * ip[2]) += ip[3];
    NEXT(4);

#undef O
#undef S
#undef NEXT
#undef JUMP
}

static void interp_init_once(void)
{
    static gsize done;
    if (g_once_init_enter(&done)) {
        interp_run(NULL, NULL);
        g_once_init_leave(&done, 1);
    }
}

static unsigned interp_exec(CPUX86State *env, void *code)
{
    if (G_UNLIKELY(__atomic_load_n(&env->exit_request, __ATOMIC_RELAXED))) {
        return TB_EXIT_REQUESTED;
    }
    const InterpCode *c = code;
    if (c->cnt_base) {
        *(uint64_t *)(uintptr_t)(c->cnt_base + (uint64_t)env->cpu_index * c->cnt_stride) +=
            c->cnt_imm;
    }
    return interp_run(env, c->words);
}

/* ---- code generation ---- */

#define NO_SLOT 0   /* TCGTemp.state_val of an unassigned TB temp (slot 0 is a global) */

typedef struct Fixup {
    uint32_t pos;      /* word holding the label id, to become a pointer */
    uint32_t label;
} Fixup;

/* Per-thread generation state, reused from TB to TB. */
typedef struct InterpGen {
    uint64_t *buf;
    size_t n, cap;
    Fixup *fix;
    size_t nfix, fixcap;
    uint32_t *label_pos;
    size_t label_cap;
    uint16_t *free_slots;       /* stack of free scratch indices */
    uint32_t nfree, next_fresh;
    /* release list for the current op */
    uint16_t scratch[8];
    unsigned nscratch;
    /* an `add t, base, imm` whose only use, the next op, is the address of
     * a load or store: emitted as part of that access */
    TCGTemp *fuse_t;
    unsigned fuse_base;
    uint64_t fuse_off;
    /* last instruction emitted, for fusing moves (H_COUNT: none) */
    unsigned last_h;
    size_t last_pos;
    /* add_counter at TB entry, moved into the code header */
    bool have_cnt;
    uint64_t cnt_base, cnt_stride, cnt_imm;
    /* lazy insn_start */
    bool have_insn, insn_pending;
    uint64_t insn_pc, insn_cc_op;
} InterpGen;

static __thread InterpGen gen;

static inline void emit_word(InterpGen *g, uint64_t w)
{
    if (G_UNLIKELY(g->n == g->cap)) {
        g->cap = g->cap ? g->cap * 2 : 4096;
        g->buf = g_renew(uint64_t, g->buf, g->cap);
    }
    g->buf[g->n++] = w;
}

static inline void emit_handler(InterpGen *g, unsigned h)
{
    g->last_h = h;
    g->last_pos = g->n;
    emit_word(g, (uint64_t)(uintptr_t)interp_htab[h]);
}

/* Pack up to 4 u16 operands into one word. */
static inline void emit_slots4(InterpGen *g, unsigned a, unsigned b, unsigned c, unsigned d)
{
    emit_word(g, (uint64_t)a | (uint64_t)b << 16 | (uint64_t)c << 32 | (uint64_t)d << 48);
}

static void emit_target(InterpGen *g, const TCGLabel *l)
{
    if (g->nfix == g->fixcap) {
        g->fixcap = g->fixcap ? g->fixcap * 2 : 64;
        g->fix = g_renew(Fixup, g->fix, g->fixcap);
    }
    g->fix[g->nfix].pos = (uint32_t)g->n;
    g->fix[g->nfix].label = l->id;
    g->nfix++;
    emit_word(g, l->id);
}

static unsigned alloc_scratch(InterpGen *g)
{
    if (g->nfree) {
        return g->free_slots[--g->nfree];
    }
    if (G_UNLIKELY(g->next_fresh >= EMU_MAX_TEMPS)) {
        g_error("tcg interp: a TB needs more than EMU_MAX_TEMPS=%d live temps",
                EMU_MAX_TEMPS);
    }
    return TMP_SLOT0 + g->next_fresh++;
}

static inline void free_scratch(InterpGen *g, unsigned slot)
{
    g->free_slots[g->nfree++] = (uint16_t)slot;
}

/* Set u16 operand k of the instruction at pos. */
static inline void patch_slot(InterpGen *g, size_t pos, unsigned k, unsigned slot)
{
    ((uint16_t *)&g->buf[pos + 1])[k] = (uint16_t)slot;
}

/*
 * Moves come in runs (a result, then the lazy-flag globals): fuse a move
 * into the move instruction emitted just before it, so a run costs one
 * dispatch.  The fused handlers execute their parts in order.
 */
static void emit_mov(InterpGen *g, unsigned d, unsigned a)
{
    if (g->last_h == H_mov) {
        g->buf[g->last_pos] = (uint64_t)(uintptr_t)interp_htab[H_mov2];
        g->last_h = H_mov2;
        patch_slot(g, g->last_pos, 2, d);
        patch_slot(g, g->last_pos, 3, a);
    } else if (g->last_h == H_movi) {
        g->buf[g->last_pos] = (uint64_t)(uintptr_t)interp_htab[H_movi_mov];
        g->last_h = H_movi_mov;
        patch_slot(g, g->last_pos, 1, d);
        patch_slot(g, g->last_pos, 2, a);
    } else {
        emit_handler(g, H_mov);
        emit_slots4(g, d, a, 0, 0);
    }
}

static void emit_movi(InterpGen *g, unsigned d, uint64_t v)
{
    if (g->last_h == H_mov) {
        g->buf[g->last_pos] = (uint64_t)(uintptr_t)interp_htab[H_mov_movi];
        g->last_h = H_mov_movi;
        patch_slot(g, g->last_pos, 2, d);
        emit_word(g, v);
    } else if (g->last_h == H_movi) {
        g->buf[g->last_pos] = (uint64_t)(uintptr_t)interp_htab[H_movi2];
        g->last_h = H_movi2;
        patch_slot(g, g->last_pos, 1, d);
        emit_word(g, v);
    } else if (g->last_h == H_mov2) {
        g->buf[g->last_pos] = (uint64_t)(uintptr_t)interp_htab[H_mov2_movi];
        g->last_h = H_mov2_movi;
        emit_slots4(g, d, 0, 0, 0);
        emit_word(g, v);
    } else {
        emit_handler(g, H_movi);
        emit_slots4(g, d, 0, 0, 0);
        emit_word(g, v);
    }
}

/* Slot of a global or TB temp (assigning one on first sight). */
static inline unsigned temp_slot(InterpGen *g, TCGTemp *t)
{
    if (t->kind == TEMP_GLOBAL) {
        return t->slot;
    }
    if (t->state_val == NO_SLOT) {
        t->state_val = alloc_scratch(g);
    }
    return (unsigned)t->state_val;
}

/* Slot holding the value of any input: constants are materialised into a
 * scratch slot released after the op. */
static unsigned input_slot(InterpGen *g, TCGTemp *t)
{
    if (t->kind != TEMP_CONST) {
        return temp_slot(g, t);
    }
    unsigned s = alloc_scratch(g);
    g_assert(g->nscratch < G_N_ELEMENTS(g->scratch));
    g->scratch[g->nscratch++] = (uint16_t)s;
    emit_movi(g, s, t->val);
    return s;
}

/* After the op's inputs are read: free the scratch of constants and of
 * inputs whose last use this is (unless also written by this op). */
static void release_inputs(InterpGen *g, const TCGOp *op, uint32_t idx)
{
    unsigned no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
    for (unsigned i = 0; i < g->nscratch; i++) {
        free_scratch(g, g->scratch[i]);
    }
    g->nscratch = 0;
    for (unsigned i = no; i < no + ni; i++) {
        TCGTemp *t = tcg_op_temp(op, i);
        if (t->kind != TEMP_TB || t->state != (int32_t)idx || t->state_val == NO_SLOT) {
            continue;
        }
        bool is_out = false;
        for (unsigned k = 0; k < no; k++) {
            is_out |= tcg_op_temp(op, k) == t;
        }
        if (!is_out) {
            free_scratch(g, (unsigned)t->state_val);
            t->state_val = NO_SLOT;
        }
    }
}

static void release_outputs(InterpGen *g, const TCGOp *op, uint32_t idx)
{
    unsigned no = tcg_op_nb_oargs(op);
    for (unsigned i = 0; i < no; i++) {
        TCGTemp *t = tcg_op_temp(op, i);
        if (t->kind == TEMP_TB && t->state == (int32_t)idx && t->state_val != NO_SLOT) {
            free_scratch(g, (unsigned)t->state_val);
            t->state_val = NO_SLOT;
        }
    }
}

/* Write env->insn_pc before an op that can fault or call out. */
static inline void flush_insn_start(InterpGen *g)
{
    if (g->insn_pending) {
        emit_handler(g, H_insn_start);
        emit_word(g, g->insn_pc);
        emit_word(g, g->insn_cc_op);
        g->insn_pending = false;
    }
}

static void gen_movi(InterpGen *g, TCGTemp *d, uint64_t v, const TCGOp *op, uint32_t idx)
{
    release_inputs(g, op, idx);
    emit_movi(g, temp_slot(g, d), v);
}

/* mov d, a (a may be a constant). */
static void gen_mov(InterpGen *g, TCGTemp *d, TCGTemp *a, const TCGOp *op, uint32_t idx)
{
    if (a->kind == TEMP_CONST) {
        gen_movi(g, d, a->val, op, idx);
        return;
    }
    unsigned sa = temp_slot(g, a);
    release_inputs(g, op, idx);
    unsigned sd = temp_slot(g, d);
    if (sd != sa) {
        emit_mov(g, sd, sa);
    }
}

static __thread const TCGOp *gen_ops;      /* the op list being lowered */
static __thread uint32_t gen_nb_ops;

/* add d, a, $c at idx: is d only the address of the access right after it,
 * and does a's slot stay valid until then? */
static bool can_fuse_address(InterpGen *g, const TCGOp *op, uint32_t idx)
{
    TCGTemp *d = tcg_op_temp(op, 0), *a = tcg_op_temp(op, 1);
    if (idx + 1 >= gen_nb_ops || d->kind != TEMP_TB || d->state != (int32_t)(idx + 1)) {
        return false;
    }
    if (a->kind != TEMP_GLOBAL && !(a->kind == TEMP_TB && a->state > (int32_t)idx)) {
        return false;
    }
    const TCGOp *next = &gen_ops[idx + 1];
    if (next->opc == INDEX_op_qemu_ld) {
        return tcg_op_temp(next, 1) == d;
    }
    if (next->opc == INDEX_op_qemu_st) {
        return tcg_op_temp(next, 1) == d && tcg_op_temp(next, 0) != d;
    }
    return false;
}

/* Slot of a load/store address, taken before the op's inputs are released
 * (0 when the address is a constant or a fused add). */
static unsigned access_addr_slot(InterpGen *g, TCGTemp *addr)
{
    if (addr->kind == TEMP_CONST || addr == g->fuse_t) {
        return 0;
    }
    return temp_slot(g, addr);
}

/* Emit a load or store in the form that suits its address. */
static void emit_access(InterpGen *g, unsigned h, unsigned s0, TCGTemp *addr, unsigned sa)
{
    flush_insn_start(g);
    if (addr->kind == TEMP_CONST) {
        emit_handler(g, h + 2);
        emit_slots4(g, s0, 0, 0, 0);
        emit_word(g, addr->val);
    } else if (addr == g->fuse_t) {
        emit_handler(g, h + 1);
        emit_slots4(g, s0, g->fuse_base, 0, 0);
        emit_word(g, g->fuse_off);
        g->fuse_t = NULL;
    } else {
        emit_handler(g, h);
        emit_slots4(g, s0, sa, 0, 0);
    }
}

static void gen_binop(InterpGen *g, const TCGOp *op, uint32_t idx)
{
    TCGTemp *d = tcg_op_temp(op, 0), *a = tcg_op_temp(op, 1), *b = tcg_op_temp(op, 2);
    if (a->kind == TEMP_CONST && b->kind == TEMP_CONST) {
        uint64_t in[2] = { a->val, b->val }, r;
        tcg_fold_op(op->opc, in, NULL, &r);
        gen_movi(g, d, r, op, idx);
        return;
    }
    if (a->kind == TEMP_CONST && op_commutes[op->opc]) {
        TCGTemp *t = a; a = b; b = t;
    }
    unsigned h = binop_rr[op->opc] - 1;
    if (op->opc == INDEX_op_add && b->kind == TEMP_CONST && can_fuse_address(g, op, idx)) {
        g->fuse_t = d;
        g->fuse_base = temp_slot(g, a);
        g->fuse_off = b->val;
        release_inputs(g, op, idx);
        return;
    }
    unsigned sa = input_slot(g, a);
    if (b->kind == TEMP_CONST) {
        release_inputs(g, op, idx);
        emit_handler(g, h + 1);
        emit_slots4(g, temp_slot(g, d), sa, 0, 0);
        emit_word(g, b->val);
    } else {
        unsigned sb = temp_slot(g, b);
        release_inputs(g, op, idx);
        emit_handler(g, h);
        emit_slots4(g, temp_slot(g, d), sa, sb, 0);
    }
}

static void gen_unop(InterpGen *g, const TCGOp *op, uint32_t idx)
{
    TCGTemp *d = tcg_op_temp(op, 0), *a = tcg_op_temp(op, 1);
    if (op->opc == INDEX_op_mov) {
        gen_mov(g, d, a, op, idx);
        return;
    }
    if (a->kind == TEMP_CONST) {
        uint64_t in[2] = { a->val, 0 }, r;
        tcg_fold_op(op->opc, in, NULL, &r);
        gen_movi(g, d, r, op, idx);
        return;
    }
    unsigned sa = temp_slot(g, a);
    release_inputs(g, op, idx);
    emit_handler(g, unop_h[op->opc] - 1);
    emit_slots4(g, temp_slot(g, d), sa, 0, 0);
}

static void gen_setcond(InterpGen *g, const TCGOp *op, uint32_t idx)
{
    TCGTemp *d = tcg_op_temp(op, 0), *a = tcg_op_temp(op, 1), *b = tcg_op_temp(op, 2);
    TCGCond c = (TCGCond)op->args[3];
    if (c == TCG_COND_NEVER || c == TCG_COND_ALWAYS ||
        (a->kind == TEMP_CONST && b->kind == TEMP_CONST)) {
        gen_movi(g, d, tcg_cond_eval(c, a->val, b->val), op, idx);
        return;
    }
    if (a->kind == TEMP_CONST) {
        TCGTemp *t = a; a = b; b = t;
        c = tcg_swap_cond(c);
    }
    unsigned h = cond_h[c].setcond - 1;
    unsigned sa = temp_slot(g, a);
    if (b->kind == TEMP_CONST) {
        release_inputs(g, op, idx);
        emit_handler(g, h + 1);
        emit_slots4(g, temp_slot(g, d), sa, 0, 0);
        emit_word(g, b->val);
    } else {
        unsigned sb = temp_slot(g, b);
        release_inputs(g, op, idx);
        emit_handler(g, h);
        emit_slots4(g, temp_slot(g, d), sa, sb, 0);
    }
}

static void gen_movcond(InterpGen *g, const TCGOp *op, uint32_t idx)
{
    TCGTemp *d = tcg_op_temp(op, 0), *a = tcg_op_temp(op, 1), *b = tcg_op_temp(op, 2);
    TCGTemp *v1 = tcg_op_temp(op, 3), *v2 = tcg_op_temp(op, 4);
    TCGCond c = (TCGCond)op->args[5];
    if (c == TCG_COND_NEVER || c == TCG_COND_ALWAYS ||
        (a->kind == TEMP_CONST && b->kind == TEMP_CONST)) {
        gen_mov(g, d, tcg_cond_eval(c, a->val, b->val) ? v1 : v2, op, idx);
        return;
    }
    if (a->kind == TEMP_CONST) {
        TCGTemp *t = a; a = b; b = t;
        c = tcg_swap_cond(c);
    }
    unsigned h = cond_h[c].movcond - 1;
    unsigned sa = temp_slot(g, a);
    unsigned s1 = input_slot(g, v1), s2 = input_slot(g, v2);
    if (b->kind == TEMP_CONST) {
        release_inputs(g, op, idx);
        emit_handler(g, h + 1);
        emit_slots4(g, temp_slot(g, d), sa, s1, s2);
        emit_word(g, b->val);
    } else {
        unsigned sb = temp_slot(g, b);
        release_inputs(g, op, idx);
        emit_handler(g, h);
        emit_slots4(g, temp_slot(g, d), sa, sb, s1);
        emit_slots4(g, s2, 0, 0, 0);
    }
}

/* Returns true if control cannot fall through (unconditional branch). */
static bool gen_brcond(InterpGen *g, const TCGOp *op, uint32_t idx)
{
    TCGTemp *a = tcg_op_temp(op, 0), *b = tcg_op_temp(op, 1);
    TCGCond c = (TCGCond)op->args[2];
    const TCGLabel *l = tcg_op_label(op, 3);
    if (c == TCG_COND_NEVER || c == TCG_COND_ALWAYS ||
        (a->kind == TEMP_CONST && b->kind == TEMP_CONST)) {
        release_inputs(g, op, idx);
        if (tcg_cond_eval(c, a->val, b->val)) {
            emit_handler(g, H_br);
            emit_target(g, l);
            return true;
        }
        return false;
    }
    if (a->kind == TEMP_CONST) {
        TCGTemp *t = a; a = b; b = t;
        c = tcg_swap_cond(c);
    }
    unsigned h = cond_h[c].brcond - 1;
    unsigned sa = temp_slot(g, a);
    if (b->kind == TEMP_CONST) {
        release_inputs(g, op, idx);
        emit_handler(g, h + 1);
        emit_slots4(g, sa, 0, 0, 0);
        emit_word(g, b->val);
    } else {
        unsigned sb = temp_slot(g, b);
        release_inputs(g, op, idx);
        emit_handler(g, h);
        emit_slots4(g, sa, sb, 0, 0);
    }
    emit_target(g, l);
    return false;
}

static void gen_call(InterpGen *g, const TCGOp *op, uint32_t idx)
{
    const TCGHelperInfo *info = tcg_op_helper(op);
    unsigned no = op->call_oargs, ni = op->call_iargs;
    unsigned s[7] = { 0 };
    g_assert(ni <= 6 && no <= 1);
    for (unsigned i = 0; i < ni; i++) {
        s[1 + i] = input_slot(g, tcg_op_temp(op, no + i));
    }
    release_inputs(g, op, idx);
    if (no) {
        s[0] = temp_slot(g, tcg_op_temp(op, 0));
    }
    flush_insn_start(g);
    emit_handler(g, (no ? H_call0 : H_call0v) + ni);
    emit_word(g, (uint64_t)(uintptr_t)info->func);
    emit_slots4(g, s[0], s[1], s[2], s[3]);
    emit_slots4(g, s[4], s[5], s[6], 0);
}

static void gen_op(InterpGen *g, const TCGOp *op, uint32_t idx)
{
    TCGOpcode opc = op->opc;

    if (binop_rr[opc]) {
        gen_binop(g, op, idx);
    } else if (unop_h[opc]) {
        gen_unop(g, op, idx);
    } else {
        switch (opc) {
        case INDEX_op_setcond:
            gen_setcond(g, op, idx);
            break;
        case INDEX_op_movcond:
            gen_movcond(g, op, idx);
            break;
        case INDEX_op_extract:
        case INDEX_op_sextract: {
            TCGTemp *d = tcg_op_temp(op, 0), *a = tcg_op_temp(op, 1);
            unsigned pos = (unsigned)op->args[2], len = (unsigned)op->args[3];
            if (a->kind == TEMP_CONST) {
                uint64_t in[2] = { a->val, 0 }, r;
                tcg_fold_op(opc, in, &op->args[2], &r);
                gen_movi(g, d, r, op, idx);
                break;
            }
            unsigned sa = temp_slot(g, a);
            release_inputs(g, op, idx);
            if (opc == INDEX_op_extract) {
                emit_handler(g, H_extract);
                emit_slots4(g, temp_slot(g, d), sa, pos, 0);
                emit_word(g, tcg_field_mask(len));
            } else {
                emit_handler(g, H_sextract);
                emit_slots4(g, temp_slot(g, d), sa, 64 - pos - len, 64 - len);
            }
            break;
        }
        case INDEX_op_deposit: {
            TCGTemp *d = tcg_op_temp(op, 0);
            unsigned pos = (unsigned)op->args[3], len = (unsigned)op->args[4];
            unsigned sa = input_slot(g, tcg_op_temp(op, 1));
            unsigned sb = input_slot(g, tcg_op_temp(op, 2));
            release_inputs(g, op, idx);
            emit_handler(g, H_deposit);
            emit_slots4(g, temp_slot(g, d), sa, sb, pos);
            emit_word(g, tcg_field_mask(len) << pos);
            break;
        }
        case INDEX_op_mulu2:
        case INDEX_op_muls2: {
            unsigned sa = input_slot(g, tcg_op_temp(op, 2));
            unsigned sb = input_slot(g, tcg_op_temp(op, 3));
            release_inputs(g, op, idx);
            unsigned lo = temp_slot(g, tcg_op_temp(op, 0));
            unsigned hi = temp_slot(g, tcg_op_temp(op, 1));
            emit_handler(g, opc == INDEX_op_mulu2 ? H_mulu2 : H_muls2);
            emit_slots4(g, lo, hi, sa, sb);
            break;
        }
        case INDEX_op_qemu_ld: {
            static const uint8_t ld_h[8] = {
                [MO_UB] = H_ld_ub, [MO_UW] = H_ld_uw, [MO_UL] = H_ld_ul, [MO_UQ] = H_ld_uq,
                [MO_SB] = H_ld_sb, [MO_SW] = H_ld_sw, [MO_SL] = H_ld_sl,
                [MO_SIGN | MO_64] = H_ld_uq,
            };
            TCGTemp *addr = tcg_op_temp(op, 1);
            unsigned sa = access_addr_slot(g, addr);
            release_inputs(g, op, idx);
            unsigned sd = temp_slot(g, tcg_op_temp(op, 0));
            emit_access(g, ld_h[op->args[2] & 7], sd, addr, sa);
            break;
        }
        case INDEX_op_qemu_st: {
            static const uint8_t st_h[4] = { H_st_b, H_st_w, H_st_l, H_st_q };
            TCGTemp *addr = tcg_op_temp(op, 1);
            unsigned sv = input_slot(g, tcg_op_temp(op, 0));
            unsigned sa = access_addr_slot(g, addr);
            release_inputs(g, op, idx);
            emit_access(g, st_h[op->args[2] & MO_SIZE], sv, addr, sa);
            break;
        }
        case INDEX_op_qemu_ld_env:
        case INDEX_op_qemu_st_env: {
            unsigned sa = input_slot(g, tcg_op_temp(op, 0));
            release_inputs(g, op, idx);
            flush_insn_start(g);
            emit_handler(g, opc == INDEX_op_qemu_ld_env ? H_ld_env : H_st_env);
            emit_slots4(g, sa, 0, 0, 0);
            emit_word(g, op->args[1]);
            emit_word(g, op->args[2]);
            break;
        }
        case INDEX_op_call:
            gen_call(g, op, idx);
            break;
        case INDEX_op_vec:
        case INDEX_op_vec_ret: {
            /* its meaning: the fallback helper call (emu/tcg/tcg-vec.h) */
            TCGOp call = *op;
            unsigned no = opc == INDEX_op_vec_ret;
            call.opc = INDEX_op_call;
            call.call_oargs = (uint8_t)no;
            call.call_iargs = 5;
            call.args[no + 5] = op->args[no + 7];
            gen_call(g, &call, idx);
            break;
        }
        case INDEX_op_mb:
            emit_handler(g, H_mb);
            break;
        case INDEX_op_add_counter:
            if (g->n == 0 && !g->have_cnt) {
                /* Nothing before it runs: exec does it on entry. */
                g->have_cnt = true;
                g->cnt_base = op->args[0];
                g->cnt_stride = op->args[1];
                g->cnt_imm = op->args[2];
                break;
            }
            /* Host memory, cannot fault: no insn_start needed. */
            emit_handler(g, H_add_counter);
            emit_word(g, op->args[0]);
            emit_word(g, op->args[1]);
            emit_word(g, op->args[2]);
            break;
        default:
            g_error("tcg interp: cannot lower op %s", tcg_op_defs[opc].name);
        }
    }
    release_outputs(g, op, idx);
}

static void *interp_gen_code(TCGContext *s, size_t *host_size)
{
    InterpGen *g = &gen;
    bool terminal = false;

    interp_init_once();
    g->n = 0;
    g->nfix = 0;
    g->nfree = 0;
    g->next_fresh = 0;
    g->nscratch = 0;
    g->have_insn = g->insn_pending = false;
    g->have_cnt = false;
    g->last_h = H_COUNT;
    g->fuse_t = NULL;
    gen_ops = s->ops;
    gen_nb_ops = s->nb_ops;
    if (!g->free_slots) {
        g->free_slots = g_new(uint16_t, EMU_MAX_TEMPS);
    }
    if (g->label_cap < s->nb_labels) {
        g->label_cap = MAX(s->nb_labels, 64);
        g->label_pos = g_renew(uint32_t, g->label_pos, g->label_cap);
    }
    for (uint32_t i = 0; i < s->nb_labels; i++) {
        g->label_pos[i] = UINT32_MAX;
    }

    /* Last use of every TB temp (state), no slot yet (state_val). */
    for (uint32_t i = s->nb_globals; i < s->nb_temps; i++) {
        s->temps[i].state = -1;
        s->temps[i].state_val = NO_SLOT;
    }
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        unsigned n = tcg_op_nb_oargs(op) + tcg_op_nb_iargs(op);
        if (op->opc == INDEX_op_discard) {
            continue;
        }
        for (unsigned k = 0; k < n; k++) {
            tcg_op_temp(op, k)->state = (int32_t)i;
        }
    }

    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        switch (op->opc) {
        case INDEX_op_nop:
        case INDEX_op_discard:
        case INDEX_op_goto_tb:
            continue;
        case INDEX_op_set_label:
            g->label_pos[tcg_op_label(op, 0)->id] = (uint32_t)g->n;
            g->last_h = H_COUNT;    /* a branch target: nothing to fuse into */
            /* Paths joining here may not have written insn_pc. */
            g->insn_pending = g->have_insn;
            terminal = false;
            continue;
        case INDEX_op_insn_start:
            g->have_insn = g->insn_pending = true;
            g->insn_pc = op->args[0];
            g->insn_cc_op = op->args[1];
            continue;
        case INDEX_op_br:
            emit_handler(g, H_br);
            emit_target(g, tcg_op_label(op, 0));
            terminal = true;
            continue;
        case INDEX_op_exit_tb:
            if (g->last_h == H_movi) {
                /* the usual TB end: rip = target; exit */
                g->buf[g->last_pos] = (uint64_t)(uintptr_t)interp_htab[H_movi_exit];
                g->last_h = H_movi_exit;
            } else {
                emit_handler(g, H_exit_tb);
            }
            emit_word(g, op->args[0]);
            terminal = true;
            continue;
        case INDEX_op_brcond:
            if (gen_brcond(g, op, i)) {
                terminal = true;
            }
            continue;
        default:
            gen_op(g, op, i);
            terminal = false;
            break;
        }
    }
    if (!terminal) {
        /* Falling off the end of the IR: leave without chaining. */
        emit_handler(g, H_exit_tb);
        emit_word(g, TB_EXIT_NOCHAIN);
    }

    InterpCode *code = g_malloc(sizeof(InterpCode) + g->n * sizeof(uint64_t));
    code->nwords = (uint32_t)g->n;
    code->nscratch = g->next_fresh;
    code->cnt_base = g->have_cnt ? g->cnt_base : 0;
    code->cnt_stride = g->cnt_stride;
    code->cnt_imm = g->cnt_imm;
    memcpy(code->words, g->buf, g->n * sizeof(uint64_t));
    for (size_t i = 0; i < g->nfix; i++) {
        uint32_t pos = g->label_pos[g->fix[i].label];
        g_assert(pos != UINT32_MAX);   /* branch to a label never placed */
        code->words[g->fix[i].pos] = (uint64_t)(uintptr_t)&code->words[pos];
    }
    if (host_size) {
        *host_size = sizeof(InterpCode) + g->n * sizeof(uint64_t);
    }
    return code;
}

static void interp_free_code(void *code)
{
    g_free(code);
}

/* ---- -d out_asm ---- */

static void dump_slot(FILE *f, unsigned s)
{
    static const char *const regs[16] = {
        "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
    };
    if (s < 16) {
        fputs(regs[s], f);
    } else if (s >= TMP_SLOT0 && s < ENV_SLOT_END) {
        fprintf(f, "t%u", s - TMP_SLOT0);
    } else {
        fprintf(f, "s%u", s);
    }
}

static void interp_dump_code(void *code_v, FILE *f)
{
    const InterpCode *code = code_v;
    const uint64_t *w = code->words, *end = code->words + code->nwords;
    static const uint8_t nslots[] = {
        [FMT_S2] = 2, [FMT_S3] = 3, [FMT_S4] = 4, [FMT_S1I] = 1, [FMT_S2I] = 2,
        [FMT_S3I] = 3, [FMT_S4I] = 4, [FMT_S5] = 5, [FMT_S2T] = 2, [FMT_S1IT] = 1,
        [FMT_S2II] = 2, [FMT_S5I] = 5, [FMT_S1II] = 1,
    };

    interp_init_once();
    fprintf(f, "  [%u words, %u scratch slots]\n", code->nwords, code->nscratch);
    if (code->cnt_base) {
        fprintf(f, "  entry: add_counter $0x%" PRIx64 ", $0x%" PRIx64 ", $0x%" PRIx64 "\n",
                code->cnt_base, code->cnt_stride, code->cnt_imm);
    }
    while (w < end) {
        unsigned h;
        for (h = 0; h < H_COUNT && interp_htab[h] != (const void *)(uintptr_t)w[0]; h++) {
        }
        if (h == H_COUNT) {
            fprintf(f, "  %04td: ??? 0x%" PRIx64 "\n", w - code->words, w[0]);
            return;
        }
        unsigned fmt = hinfo[h].fmt, ns = nslots[fmt];
        const uint16_t *o = (const uint16_t *)(w + 1);
        const char *sep = " ";
        fprintf(f, "  %04td: %s", w - code->words, hinfo[h].name);
        if (fmt == FMT_CALL) {
            fprintf(f, " %p", (void *)(uintptr_t)w[1]);
            o = (const uint16_t *)(w + 2);
            unsigned nargs = (h >= H_call0v ? h - H_call0v : h - H_call0);
            if (h < H_call0v) {
                fputs(" -> ", f);
                dump_slot(f, o[0]);
            }
            for (unsigned k = 0; k < nargs; k++) {
                fputs(k ? ", " : " (", f);
                dump_slot(f, o[1 + k]);
            }
            fputs(nargs ? ")\n" : "\n", f);
            w += fmt_words[fmt];
            continue;
        }
        for (unsigned k = 0; k < ns; k++) {
            fputs(sep, f);
            /* shift counts of extract/sextract/deposit are numbers */
            if ((h == H_extract && k == 2) || (h == H_sextract && k >= 2) ||
                (h == H_deposit && k == 3)) {
                fprintf(f, "#%u", o[k]);
            } else {
                dump_slot(f, o[k]);
            }
            sep = ", ";
        }
        const uint64_t *imm = w + 1 + (ns + 3) / 4;
        switch (fmt) {
        case FMT_I:
        case FMT_II:
            for (unsigned k = 0; k < (fmt == FMT_II ? 2u : 1u); k++) {
                fprintf(f, "%s$0x%" PRIx64, sep, w[1 + k]);
                sep = ", ";
            }
            break;
        case FMT_T:
            fprintf(f, " -> %04td", (const uint64_t *)(uintptr_t)w[1] - code->words);
            break;
        case FMT_S1I: case FMT_S2I: case FMT_S3I: case FMT_S4I: case FMT_S5I:
            fprintf(f, "%s$0x%" PRIx64, sep, imm[0]);
            break;
        case FMT_S2II:
        case FMT_S1II:
            fprintf(f, "%s$0x%" PRIx64 ", $0x%" PRIx64, sep, imm[0], imm[1]);
            break;
        case FMT_III:
            fprintf(f, " $0x%" PRIx64 ", $0x%" PRIx64 ", $0x%" PRIx64, w[1], w[2], w[3]);
            break;
        case FMT_S2T:
            fprintf(f, " -> %04td", (const uint64_t *)(uintptr_t)imm[0] - code->words);
            break;
        case FMT_S1IT:
            fprintf(f, ", $0x%" PRIx64 " -> %04td", imm[0],
                    (const uint64_t *)(uintptr_t)imm[1] - code->words);
            break;
        default:
            break;
        }
        fputc('\n', f);
        w += fmt_words[fmt];
    }
}

const TCGBackend tcg_backend_interp = {
    .name = "interp",
    .gen_code = interp_gen_code,
    .exec = interp_exec,
    .free_code = interp_free_code,
    .dump_code = interp_dump_code,
};

/* Keep the generated tables honest: every op the semantic tables claim is
 * binary/unary has that shape in ir-ops.def. */
static void __attribute__((constructor)) interp_check_tables(void)
{
    for (unsigned i = 0; i < NB_OPS; i++) {
        g_assert(!binop_rr[i] || op_shape[i] == (1 << 4 | 2 << 2 | 0));
        g_assert(!unop_h[i] || op_shape[i] == (1 << 4 | 1 << 2 | 0));
    }
}
