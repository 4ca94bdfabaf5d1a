/*
 * emu/tcg/internal.h — what the IR core shares with its passes and backends:
 * argument counts of an op, and the value semantics of the pure ops (used
 * by the optimizer to fold constants and by the interpreter to execute, so
 * the two can never disagree).
 */
#ifndef EMU_TCG_INTERNAL_H
#define EMU_TCG_INTERNAL_H

#include <stdint.h>
#include "tcg.h"

/* Number of output / input temps of op (calls carry their own counts). */
static inline unsigned tcg_op_nb_oargs(const TCGOp *op)
{
    return op->opc == INDEX_op_call ? op->call_oargs : tcg_op_defs[op->opc].nb_oargs;
}
static inline unsigned tcg_op_nb_iargs(const TCGOp *op)
{
    return op->opc == INDEX_op_call ? op->call_iargs : tcg_op_defs[op->opc].nb_iargs;
}
static inline unsigned tcg_op_nb_cargs(const TCGOp *op)
{
    return op->opc == INDEX_op_call ? 1 : tcg_op_defs[op->opc].nb_cargs;
}
static inline TCGTemp *tcg_op_temp(const TCGOp *op, unsigned i)
{
    return (TCGTemp *)op->args[i];
}
static inline TCGLabel *tcg_op_label(const TCGOp *op, unsigned i)
{
    return (TCGLabel *)op->args[i];
}
static inline const TCGHelperInfo *tcg_op_helper(const TCGOp *op)
{
    return (const TCGHelperInfo *)op->args[op->call_oargs + op->call_iargs];
}

/* Swap the operands of a comparison: cond(a, b) == tcg_swap_cond(cond)(b, a). */
static inline TCGCond tcg_swap_cond(TCGCond c)
{
    switch (c) {
    case TCG_COND_LT:  return TCG_COND_GT;
    case TCG_COND_GT:  return TCG_COND_LT;
    case TCG_COND_LE:  return TCG_COND_GE;
    case TCG_COND_GE:  return TCG_COND_LE;
    case TCG_COND_LTU: return TCG_COND_GTU;
    case TCG_COND_GTU: return TCG_COND_LTU;
    case TCG_COND_LEU: return TCG_COND_GEU;
    case TCG_COND_GEU: return TCG_COND_LEU;
    default:           return c;   /* EQ, NE, TST*, NEVER, ALWAYS are symmetric */
    }
}

/* Every real (runtime) condition with its C test, for generated tables. */
#define TCG_COND_LIST(X) \
    X(eq,    EQ,    a == b)                         /* equal */ \
    X(ne,    NE,    a != b)                         /* not equal */ \
    X(lt,    LT,    (int64_t)a < (int64_t)b)        /* signed less */ \
    X(ge,    GE,    (int64_t)a >= (int64_t)b)       /* signed greater or equal */ \
    X(le,    LE,    (int64_t)a <= (int64_t)b)       /* signed less or equal */ \
    X(gt,    GT,    (int64_t)a > (int64_t)b)        /* signed greater */ \
    X(ltu,   LTU,   a < b)                          /* unsigned less */ \
    X(geu,   GEU,   a >= b)                         /* unsigned greater or equal */ \
    X(leu,   LEU,   a <= b)                         /* unsigned less or equal */ \
    X(gtu,   GTU,   a > b)                          /* unsigned greater */ \
    X(tsteq, TSTEQ, (a & b) == 0)                   /* no common bit */ \
    X(tstne, TSTNE, (a & b) != 0)                   /* some common bit */

/* ---- value semantics of pure ops (IR-OPS-DEF: keep in step) ---- */

static inline uint64_t tcg_sem_rotl(uint64_t a, unsigned n)
{
    n &= 63;
    return (a << n) | (a >> ((64 - n) & 63));
}
static inline uint64_t tcg_sem_rotr(uint64_t a, unsigned n)
{
    n &= 63;
    return (a >> n) | (a << ((64 - n) & 63));
}
static inline uint64_t tcg_sem_rotl32(uint64_t a, unsigned n)
{
    uint32_t x = (uint32_t)a;
    n &= 31;
    return (uint32_t)((x << n) | (x >> ((32 - n) & 31)));
}
static inline uint64_t tcg_sem_rotr32(uint64_t a, unsigned n)
{
    uint32_t x = (uint32_t)a;
    n &= 31;
    return (uint32_t)((x >> n) | (x << ((32 - n) & 31)));
}

/* Ops with one output and two inputs: X(name, expression of a and b). */
#define TCG_SEM_BINOPS(X) \
    X(add,    a + b)                                   /* d = a + b */ \
    X(sub,    a - b)                                   /* d = a - b */ \
    X(mul,    a * b)                                   /* d = low 64 bits of a * b */ \
    X(and,    a & b)                                   /* d = a & b */ \
    X(or,     a | b)                                   /* d = a | b */ \
    X(xor,    a ^ b)                                   /* d = a ^ b */ \
    X(andc,   a & ~b)                                  /* d = a & ~b */ \
    X(shl,    a << (b & 63))                           /* d = a << (b & 63) */ \
    X(shr,    a >> (b & 63))                           /* logical */ \
    X(sar,    (uint64_t)((int64_t)a >> (b & 63)))      /* arithmetic */ \
    X(rotl,   tcg_sem_rotl(a, (unsigned)b))            /* rotate left */ \
    X(rotr,   tcg_sem_rotr(a, (unsigned)b))            /* rotate right */ \
    X(rotl32, tcg_sem_rotl32(a, (unsigned)b))          /* 32-bit rotate left, zext */ \
    X(rotr32, tcg_sem_rotr32(a, (unsigned)b))          /* 32-bit rotate right, zext */ \
    X(clz,    a ? (uint64_t)__builtin_clzll(a) : b)    /* leading zeros or b */ \
    X(ctz,    a ? (uint64_t)__builtin_ctzll(a) : b)    /* trailing zeros or b */

/* Ops with one output and one input: X(name, expression of a). */
#define TCG_SEM_UNOPS(X) \
    X(mov,     a)                                      /* d = a */ \
    X(neg,     -a)                                     /* d = -a */ \
    X(not,     ~a)                                     /* d = ~a */ \
    X(ext8s,   (uint64_t)(int64_t)(int8_t)a)           /* sign-extend byte */ \
    X(ext8u,   (uint64_t)(uint8_t)a)                   /* zero-extend byte */ \
    X(ext16s,  (uint64_t)(int64_t)(int16_t)a)          /* sign-extend word */ \
    X(ext16u,  (uint64_t)(uint16_t)a)                  /* zero-extend word */ \
    X(ext32s,  (uint64_t)(int64_t)(int32_t)a)          /* sign-extend dword */ \
    X(ext32u,  (uint64_t)(uint32_t)a)                  /* zero-extend dword */ \
    X(bswap16, (uint64_t)__builtin_bswap16((uint16_t)a)) /* swap low 2 bytes */ \
    X(bswap32, (uint64_t)__builtin_bswap32((uint32_t)a)) /* swap low 4 bytes */ \
    X(bswap64, __builtin_bswap64(a))                   /* swap 8 bytes */ \
    X(ctpop,   (uint64_t)__builtin_popcountll(a))      /* set bits */

/* Field helpers for extract/sextract/deposit (0 < len, pos + len <= 64). */
static inline uint64_t tcg_field_mask(unsigned len)
{
    return len >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << len) - 1;
}
static inline uint64_t tcg_sem_extract(uint64_t a, unsigned pos, unsigned len)
{
    return (a >> pos) & tcg_field_mask(len);
}
static inline uint64_t tcg_sem_sextract(uint64_t a, unsigned pos, unsigned len)
{
    return (uint64_t)((int64_t)(a << (64 - pos - len)) >> (64 - len));
}
static inline uint64_t tcg_sem_deposit(uint64_t a, uint64_t b, unsigned pos, unsigned len)
{
    uint64_t m = tcg_field_mask(len) << pos;
    return (a & ~m) | ((b << pos) & m);
}

/* Evaluate a pure one-output op on constant inputs.  Returns false if opc
 * is not such an op. */
bool tcg_fold_op(TCGOpcode opc, const uint64_t *in, const TCGArg *cargs, uint64_t *out);

/* The qemu_ld_env / qemu_st_env ops (env-access.c): size (16 or 32) bytes
 * between guest memory at addr and env bytes [env_off, env_off + size),
 * all or nothing; a bad address raises the guest fault. */
struct CPUX86State;
void tcg_ld_env(struct CPUX86State *env, uint64_t addr, uint32_t env_off, uint32_t size);
void tcg_st_env(struct CPUX86State *env, uint64_t addr, uint32_t env_off, uint32_t size);

/* Name of a condition ("eq", ...) for dumps. */
const char *tcg_cond_name(TCGCond c);

#endif
