/*
 * emu/tcg/x86_64/vec.c — the `vec` IR op (emu/tcg/tcg-vec.h) as host SSE/AVX
 * instructions.
 *
 * A vec op names a guest vector instruction by its own encoding (the guest
 * and host ISAs are the same) plus the env offsets of its registers.  When
 * the host has the instruction's feature (detected at run time; the guest
 * CPU model never depends on it) it becomes, inline:
 *
 *     movdqu xmm0, [env + d]        (VEX: vmovdqu x/ymm1, [env + a])
 *     movdqu xmm1, [env + b]        (or movq/punpcklqdq from the two GPRs
 *                                    holding a memory source the IR loaded)
 *     OP     xmm0, xmm1 [, imm8]    (VEX: vOP x/ymm0, x/ymm1, x/ymm2)
 *     movdqu [env + d], xmm0        (VEX: all 32 bytes of ymm0, whose upper
 *                                    half VEX.128 zeroed, as the guest rule)
 * otherwise it is its fallback helper call.  xmm0-xmm3 are scratch: nothing
 * is kept in vector registers across ops (C code may clobber them).  A
 * vec_ret op's result is a GPR: the instruction's own (VEC_RGPR), its
 * flags (VEC_FLAGS: pushfq; pop), or for the string compares (VEC_STR,
 * emit_str) the flags and ECX, the host registers they use reserved.
 *
 * MXCSR (VEC_FP ops).  The native path is taken only while the guest has
 * every exception masked (a runtime test of env->mxcsr in front of a run's
 * first op);
 * then the host instruction under the guest's MXCSR (rounding, DAZ, FTZ,
 * its sticky flags) gives the exact result and flags, and no #XM can
 * happen.  Otherwise an out-of-line stub calls the fallback helper, which
 * keeps the exact unmasked semantics (#XM, tininess, no result written).
 * The host MXCSR holds the guest's from the first native FP op on (a
 * *run*: `ldmxcsr [env->mxcsr]`, env->jit_mx_live = 1) until C code runs
 * or generated code is left: across guest accesses, branches and chained
 * jumps to other TBs, so a loop of FP code pays the switch once, not per
 * iteration (stmxcsr waits for the FP work in flight: about 13 ns on the
 * Zen 5 host of docs/jit.md; simd 0.32 -> 0.25 s, n-body 0.19 -> 0.13 s
 * when runs stopped at every TB's end).  An FP op tests the mark (`cmp
 * byte [live], 0`): set, it runs natively; clear, its stub opens a run if
 * every exception is masked, else calls the fallback.  Within a stretch
 * of one TB with no call or label since such a test, the masks cannot
 * have changed: a clear mark means the fallback (`je stub`).  A run is
 * closed (`stmxcsr [env->mxcsr]; ldmxcsr host`, the mark cleared) by
 * the segment's close thunk, called before every helper call but those
 * flagged TCG_CALL_NO_FP, before an op reading or writing the MXCSR
 * global (STMXCSR's store), by cold raises' stubs, and by jit_exec when
 * generated code returns; the access slow path (helpers.c) stores the
 * register into env and runs under the host's (jit_mx_suspend/resume);
 * a host fault takes the guest's MXCSR from the interrupted context
 * (jit_fault_context).  tb_lookup_code, called on an indirect jump's
 * miss, is integer C and runs inside a run.  So C code that may do
 * floating point never runs under the guest's MXCSR, and env->mxcsr is
 * exact wherever it is read.  tests/guest/fp-mxcsr-across.
 * The host value restored is the MXCSR the process started with (C code
 * never changes it lastingly).
 */
#include <stdlib.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/tcg/internal.h"
#include "emu/tcg/tcg-vec.h"
#include "jit-internal.h"
#include "vec.h"

/* Where a fallback argument is at the stub. */
typedef struct VecArg {
    enum { VA_CONST, VA_REG, VA_SLOT } kind;
    uint64_t val;     /* constant, register number or env slot */
} VecArg;

/* Out-of-line fallback call of one FP vec op whose guard failed. */
#define NO_JCC SIZE_MAX
typedef struct VecStub {
    size_t jcc_at, back;      /* jcc_at: NO_JCC if only the open part leads here */
    size_t open_at, open_back;    /* the jcc to the part that opens a run, or NO_JCC */
    const void *func;
    uint64_t fn, ctl;
    VecArg b[2];
    int8_t ret;       /* register of the result (vec_ret), or -1 */
    bool have_insn;
    uint64_t pc, cc_op;
    XCacheState xc;   /* the cached values after the op: reloaded */
    XCacheState pre;  /* and before it: its dirty entries stored first */
    DirtyGlobals dirty;   /* globals only in registers: stored before the call */
} VecStub;

static __thread VecStub *stubs;
static __thread uint32_t nstubs, stubs_cap;
/* The host MXCSR holds the guest's (a run of FP ops is open), and the run
 * set env->jit_mx_live (it has more than one op or spans a guest access). */
static __thread bool mx_open;

static bool host_has[VEC_HF_NB];
static uint32_t host_mxcsr;
static GOnce vec_once = G_ONCE_INIT;

static gpointer vec_init(gpointer unused)
{
    const char *off = getenv("EMU_JIT_NO_VEC");
    bool on = !(off && *off && off[0] != '0');

    __builtin_cpu_init();
    host_has[VEC_HF_SSE2] = on;
    host_has[VEC_HF_SSE3] = on && __builtin_cpu_supports("sse3");
    host_has[VEC_HF_SSSE3] = on && __builtin_cpu_supports("ssse3");
    host_has[VEC_HF_SSE41] = on && __builtin_cpu_supports("sse4.1");
    host_has[VEC_HF_SSE42] = on && __builtin_cpu_supports("sse4.2");
    host_has[VEC_HF_AVX] = on && __builtin_cpu_supports("avx");
    host_has[VEC_HF_AVX2] = on && __builtin_cpu_supports("avx2");
    __asm__ volatile("stmxcsr %0" : "=m"(host_mxcsr));
    host_mxcsr &= ~0x3fu;   /* no sticky flags */
    return NULL;
}

uint32_t jit_host_mxcsr(void)
{
    g_once(&vec_once, vec_init, NULL);
    return host_mxcsr;
}

bool jit_mx_suspend(CPUX86State *env)
{
    if (!env->jit_mx_live) {
        return false;
    }
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    env->mxcsr = v;
    env->jit_mx_live = 0;
    __asm__ volatile("ldmxcsr %0" : : "m"(host_mxcsr));
    return true;
}

void jit_mx_resume(CPUX86State *env)
{
    uint32_t v = (uint32_t)env->mxcsr;
    __asm__ volatile("ldmxcsr %0" : : "m"(v));
    env->jit_mx_live = 1;
}

bool jit_vec_host_has(unsigned f)
{
    g_once(&vec_once, vec_init, NULL);
    return f < VEC_HF_NB && host_has[f];
}

static inline TCGTemp *T(const TCGOp *op, unsigned k)
{
    return (TCGTemp *)op->args[k];
}

static bool native_ok(uint64_t desc)
{
    return jit_vec_host_has(VEC_FEAT(desc));
}

/* Whether op needs the exact env->mxcsr although it calls no C: it reads
 * or writes the MXCSR global (STMXCSR's store; LDMXCSR, FXSAVE & co. are
 * helper calls, which close the run anyway). */
bool jit_vec_reads_mxcsr(const TCGOp *op)
{
    if (op->opc == INDEX_op_call || op->opc == INDEX_op_vec ||
        op->opc == INDEX_op_vec_ret) {
        return false;
    }
    int32_t mx_slot = (int32_t)offsetof(CPUX86State, mxcsr) / 8;
    unsigned n = tcg_op_nb_oargs(op) + tcg_op_nb_iargs(op);
    for (unsigned k = 0; k < n; k++) {
        TCGTemp *t = T(op, k);
        if (t->kind == TEMP_GLOBAL && (int32_t)t->slot == mx_slot) {
            return true;
        }
    }
    return false;
}

void jit_vec_mx_forget(void)
{
    mx_open = false;
}

/* Are all MXCSR exceptions masked?  mov r11d, [mx]; and; cmp; jcc cc:
 * returns the jcc's rel32 to patch. */
static size_t emit_mask_test(JitBuf *b, int32_t mx, int cc)
{
    jit_op_rm(b, OPC_MOV_LD, REG_TMP, REG_ENV, mx);
    jit_alu_ri(b, 0, EXT_AND, REG_TMP, 0x1f80);
    jit_alu_ri(b, 0, EXT_CMP, REG_TMP, 0x1f80);
    return jit_jcc32(b, cc);
}

/* cmp byte [env->jit_mx_live], 0 */
static void emit_live_test(JitBuf *b)
{
    jit_op_rm(b, 0x80, EXT_CMP, REG_ENV, (int32_t)offsetof(CPUX86State, jit_mx_live));
    jit_byte(b, 0);
}

void jit_vec_emit_mx_close_thunk(JitBuf *b)
{
    int32_t mx = (int32_t)offsetof(CPUX86State, mxcsr);
    emit_live_test(b);
    size_t open = jit_jcc32(b, JCC_NE);
    jit_ret(b);
    jit_patch_rel32(b, open, jit_buf_offset(b));
    jit_stmxcsr(b, REG_ENV, mx);
    jit_movi(b, REG_TMP, (uint64_t)(uintptr_t)&host_mxcsr);
    jit_ldmxcsr(b, REG_TMP, 0);
    jit_st8i(b, REG_ENV, (int32_t)offsetof(CPUX86State, jit_mx_live), 0);
    jit_ret(b);
}

void jit_vec_mx_close(JitBuf *b, const uint8_t *epilogue)
{
    jit_call_abs(b, epilogue + JIT_SEG_MX_CLOSE_OFF);
}

void jit_vec_mx_close_main(JitGen *g)
{
    jit_vec_mx_close(&g->b, g->epilogue);
    mx_open = false;
}

static VecArg arg_where(JitGen *g, TCGTemp *t)
{
    TempInfo *ti = ti_of(g, t);
    if (t->kind == TEMP_CONST) {
        return (VecArg){ VA_CONST, t->val };
    }
    if (ti->reg >= 0) {
        return (VecArg){ VA_REG, (uint64_t)ti->reg };
    }
    g_assert(ti->home >= 0 && ti->mem_ok);
    return (VecArg){ VA_SLOT, (uint64_t)ti->home };
}

static void add_stub(JitGen *g, size_t jcc_at, const TCGOp *op, unsigned no, int ret,
                     VecArg blo, VecArg bhi)
{
    if (nstubs == stubs_cap) {
        stubs_cap = stubs_cap ? stubs_cap * 2 : 32;
        stubs = g_renew(VecStub, stubs, stubs_cap);
    }
    stubs[nstubs++] = (VecStub){
        .jcc_at = jcc_at, .back = jit_buf_offset(&g->b), .open_at = NO_JCC,
        .func = ((const TCGHelperInfo *)op->args[no + 7])->func,
        .fn = T(op, no + 1)->val, .ctl = T(op, no + 2)->val, .b = { blo, bhi },
        .ret = (int8_t)ret,
        .have_insn = g->have_insn, .pc = g->insn_pc, .cc_op = g->insn_cc_op,
    };
    jit_xc_save(&stubs[nstubs - 1].xc);
    ra_dirty_globals(g, &stubs[nstubs - 1].dirty);
}

/* Widths (VEC_DW/VEC_BW codes) in bytes. */
static const uint8_t width_bytes[4] = { 16, 8, 4, 16 };

/* movq/movd x, r (VEX or legacy encoding); w: 64 bits */
static void mov_x_r(JitBuf *b, bool vex, bool w, int x, int r)
{
    if (vex) {
        jit_vex_rr(b, 1, 1, w, false, 0x6E, x, 0, r);
    } else {
        jit_sse_rr(b, 1, 1, w, 0x6E, x, r);
    }
}

/* x = {lo, hi} from GPRs (hi < 0: upper half don't care); scratch x + 1. */
static void load_x_gprs(JitBuf *b, bool vex, int x, int rlo, int rhi)
{
    mov_x_r(b, vex, true, x, rlo);
    if (rhi < 0) {
        return;
    }
    if (jit_vec_host_has(VEC_HF_SSE41)) {
        if (vex) {
            jit_vex_rr(b, 1, 3, true, false, 0x22, x, x, rhi);     /* vpinsrq x, x, rhi, 1 */
        } else {
            jit_sse_rr(b, 1, 3, true, 0x22, x, rhi);               /* pinsrq x, rhi, 1 */
        }
        jit_byte(b, 1);
    } else if (vex) {
        mov_x_r(b, true, true, x + 1, rhi);
        jit_vex_rr(b, 1, 1, false, false, 0x6C, x, x, x + 1);      /* vpunpcklqdq */
    } else {
        mov_x_r(b, false, true, x + 1, rhi);
        jit_sse_rr(b, 1, 1, false, 0x6C, x, x + 1);                /* punpcklqdq */
    }
}

/* The host register caching the global at env slot `slot`, or -1. */
static int cached_reg(JitGen *g, int32_t slot)
{
    for (int r = 0; r < 16; r++) {
        TCGTemp *t = g->owner[r];
        if (t && t->kind == TEMP_GLOBAL && (int32_t)t->slot == slot) {
            return r;
        }
    }
    return -1;
}

/*
 * Vector register x = the `bytes` low bytes of the register at env offset
 * off (the rest of x: don't care; 32 = a whole ymm).  Globals are in env
 * (synced), but a half cached in a GPR is taken from there: the IR often
 * wrote it with a 64-bit store just before, and a wider load of it would
 * stall on store forwarding.
 */
void jit_vec_load_x(JitGen *g, bool vex, int x, int32_t off, unsigned bytes)
{
    JitBuf *b = &g->b;
    int hit = bytes <= 16 ? jit_xc_find(off, bytes, NULL) : -1;
    if (hit >= 0) {
        jit_xc_load(b, vex, x, hit);    /* a result still in a register */
        return;
    }
    jit_xc_flush(b, off, off + (int32_t)bytes);     /* env is read below */
    int rlo = cached_reg(g, off / 8), rhi = bytes >= 16 ? cached_reg(g, off / 8 + 1) : -1;
    unsigned valid = 0;
    hit = bytes == 16 && rhi < 0 ? jit_xc_find(off, 8, &valid) : -1;
    if (hit >= 0) {
        /* a scalar result (8 bytes, just stored with movq): a 16-byte load
         * of env would wait for that store to retire (no forwarding to a
         * wider load).  The cached low half, the high one from env. */
        jit_xc_load(b, vex, x, hit);
        if (vex) {
            jit_vex_rm(b, 0, 1, false, false, 0x16, x, x, REG_ENV, off + 8);   /* vmovhps */
        } else {
            jit_sse_rm(b, 0, 1, false, 0x16, x, REG_ENV, off + 8);             /* movhps */
        }
        return;
    }

    if (bytes == 32 && vex && rlo >= 0 && rhi >= 0) {
        int r2 = cached_reg(g, off / 8 + 2), r3 = cached_reg(g, off / 8 + 3);
        if (r2 >= 0 && r3 >= 0) {
            /* typically a 32-byte memory source the IR just stored to env */
            load_x_gprs(b, true, x, rlo, rhi);
            load_x_gprs(b, true, x + 1, r2, r3);
            jit_vex_rr(b, 1, 3, false, true, 0x18, x, x, x + 1);   /* vinsertf128 x, x, x+1, 1 */
            jit_byte(b, 1);
            return;
        }
    }
    if (bytes <= 8 && rlo >= 0) {
        mov_x_r(b, vex, bytes == 8, x, rlo);
    } else if (bytes == 16 && rlo >= 0 && rhi >= 0) {
        load_x_gprs(b, vex, x, rlo, rhi);
    } else if (bytes == 4) {
        if (vex) {
            jit_vex_rm(b, 1, 1, false, false, 0x6E, x, 0, REG_ENV, off);   /* vmovd */
        } else {
            jit_sse_rm(b, 1, 1, false, 0x6E, x, REG_ENV, off);             /* movd */
        }
    } else if (bytes == 8) {
        if (vex) {
            jit_vex_rm(b, 2, 1, false, false, 0x7E, x, 0, REG_ENV, off);   /* vmovq */
        } else {
            jit_sse_rm(b, 2, 1, false, 0x7E, x, REG_ENV, off);             /* movq */
        }
    } else if (vex) {
        jit_vex_rm(b, 2, 1, false, bytes == 32, 0x6F, x, 0, REG_ENV, off); /* vmovdqu */
    } else {
        jit_xc_load_env16(b, x, off);   /* two halves: store forwarding */
    }
}

/* rd = the arithmetic flags of the host instruction just run, masked. */
static void flags_to(JitBuf *b, int rd, int32_t mask)
{
    jit_byte(b, 0x9C);                                              /* pushfq */
    jit_pop(b, rd);
    jit_alu_ri(b, 0, EXT_AND, rd, mask);
}

/*
 * PCMPxSTRx (VEC_STR): a in xmm1, b in xmm2, the lengths (VEC_LENS) in
 * rax/rdx, which the caller reserved as it did rcx (VEC_ECX):
 *     (v)pcmpXstrX xmm1, xmm2, imm8     ; ECX or XMM0, flags
 *     pushfq; pop rd; and rd, CF|ZF|SF|OF   (AF and PF are cleared)
 *     shl rcx, 32; or rd, rcx           (I forms)
 *     movdqu [env + d], xmm0            (M forms)
 */
static void emit_str(JitGen *g, uint64_t desc, uint64_t offs, int rlo, int rhi, int rd)
{
    JitBuf *b = &g->b;
    bool vex = desc & VEC_VEX, w = desc & VEC_W;

    jit_vec_load_x(g, vex, 1, VEC_OFF_A(offs), 16);
    if (desc & VEC_BREG) {
        jit_vec_load_x(g, vex, 2, VEC_OFF_B(offs), 16);
    } else {
        load_x_gprs(b, vex, 2, rlo, rhi);
    }
    if (desc & VEC_LENS) {
        jit_ld64(b, RAX, REG_ENV, VEC_OFF_LEN_AX(offs));
        jit_ld64(b, RDX, REG_ENV, VEC_OFF_LEN_DX(offs));
    }
    if (vex) {
        jit_vex_rr(b, VEC_PP(desc), VEC_MAP(desc), w, false, VEC_OPC(desc), 1, 0, 2);
    } else {
        jit_sse_rr(b, VEC_PP(desc), VEC_MAP(desc), w, VEC_OPC(desc), 1, 2);
    }
    jit_byte(b, VEC_IMM8(desc));
    flags_to(b, rd, 0x8c1);
    if (desc & VEC_ECX) {
        jit_shift_ri(b, P_W, EXT_SHL, RCX, 32);
        jit_op_rr(b, OPC_OR | P_W, rd, RCX);
    } else {
        if (vex) {
            jit_vex_rm(b, 2, 1, false, false, 0x7F, 0, 0, REG_ENV, VEC_OFF_D(offs)); /* vmovdqu */
        } else {
            jit_sse_rm(b, 2, 1, false, 0x7F, 0, REG_ENV, VEC_OFF_D(offs));           /* movdqu */
        }
        jit_xc_wrote(b, vex, VEC_OFF_D(offs), 16, 0);
    }
}

bool jit_vec_read_later(JitGen *g, int32_t off)
{
    TCGContext *s = g->s;
    if (g->idx < g->loop_end) {
        for (unsigned k = 0; k < g->nloop_x; k++) {
            if (g->loop_xoff[k] == off) {
                return true;    /* the next iteration reads it (jit_xc_place) */
            }
        }
    }
    for (uint32_t j = g->idx + 1; j < s->nb_ops; j++) {
        const TCGOp *op = &s->ops[j];
        if (op->opc == INDEX_op_vec || op->opc == INDEX_op_vec_ret) {
            unsigned no = op->opc == INDEX_op_vec_ret;
            uint64_t offs = op->args[no + 6];
            if (VEC_OFF_A(offs) == off || VEC_OFF_B(offs) == off || VEC_OFF_D(offs) == off) {
                return true;
            }
        } else if (op->opc == INDEX_op_qemu_st_env) {
            if ((int32_t)op->args[1] == off) {
                return true;        /* a store of it: straight from the cache */
            }
        } else if (op->opc == INDEX_op_brcond && jit_is_cold_raise(g, j)) {
            j += 2;                 /* out of line: the cache stays */
        } else if (op->opc == INDEX_op_call || op->opc == INDEX_op_set_label ||
                   op->opc == INDEX_op_exit_tb || op->opc == INDEX_op_goto_tb) {
            return false;
        }
    }
    return false;
}

/* EMU_JIT_NO_INPLACE=1: legacy ops through xmm0/xmm1 as before (A/B). */
static bool inplace_off(void)
{
    static int off = -1;
    return jit_env_flag("EMU_JIT_NO_INPLACE", &off);
}

/* pxor x, x */
static bool is_zeroing(uint64_t desc, uint64_t offs)
{
    return !(desc & VEC_VEX) && (desc & VEC_BREG) && VEC_OFF_B(offs) == VEC_OFF_D(offs) &&
           VEC_MAP(desc) == 1 && VEC_PP(desc) == 1 && VEC_OPC(desc) == 0xEF;
}

/* Whether emit_native runs the op in place on the vector cache
 * (emit_inplace): a legacy op that writes its destination. */
static bool goes_inplace(uint64_t desc, uint64_t offs)
{
    return !(desc & (VEC_VEX | VEC_STR | VEC_RGPR | VEC_FLAGS)) && !is_zeroing(desc, offs) &&
           jit_vec_host_has(VEC_HF_SSE41) && !inplace_off();
}

/*
 * A legacy op that writes d, in place in the vector cache: `op Xd, Xb`
 * on the cache register that holds (or is loaded with) d's value, b from
 * its cache register, a GPR, or xmm1, then d's written bytes stored to env
 * from Xd, which now caches the result.  Instead of copying both
 * operands to xmm0/xmm1 and the result back into the cache (three
 * register moves per op: front-end bandwidth in long SIMD blocks).
 */
static void emit_inplace(JitGen *g, uint64_t desc, uint64_t offs, int rlo, int rhi)
{
    JitBuf *b = &g->b;
    bool w = desc & VEC_W;
    unsigned pp = VEC_PP(desc), map = VEC_MAP(desc);
    int32_t d = VEC_OFF_D(offs), bo = VEC_OFF_B(offs);
    unsigned dw = width_bytes[VEC_DW(desc)], bw = width_bytes[VEC_BW(desc)];

    int xb = -1;
    if ((desc & VEC_BREG) && bo != d) {
        xb = jit_xc_find(bo, bw, NULL);
    }
    /* the bytes of d the op reads: dw, or bw when b is d too
     * (cvtsd2ss x, x reads 8 and writes 4) */
    unsigned need = (desc & VEC_DNR) ? 0 : dw;
    if ((desc & VEC_BREG) && bo == d) {
        need = MAX(need, bw);
    }
    unsigned valid;
    int xd = jit_xc_claim(b, d, need, xb, &valid);
    if (need && jit_xc_find(d, need, NULL) != xd) {
        jit_vec_load_x(g, false, xd, d, need);
    }
    int rm = -1;
    if (desc & VEC_GROUP) {
        /* shift by imm8: xd alone */
    } else if (desc & VEC_BGPR) {
        rm = rlo;                                   /* CVTSI2S[SD] x, r32/r64 */
    } else if ((desc & VEC_BREG) && bo == d) {
        rm = xd;
    } else if (xb >= 0) {
        rm = xb;
    } else if (desc & VEC_BREG) {
        jit_vec_load_x(g, false, 1, bo, bw);
        rm = 1;
    } else {
        load_x_gprs(b, false, 1, rlo, rhi);
        rm = 1;
    }
    if (desc & VEC_GROUP) {
        jit_sse_rr(b, pp, map, false, VEC_OPC(desc), VEC_EXT(desc), xd);
    } else {
        jit_sse_rr(b, pp, map, w && (desc & VEC_BGPR), VEC_OPC(desc), xd, rm);
    }
    if (desc & VEC_IMM) {
        jit_byte(b, VEC_IMM8(desc));
    }
    /* a scalar op keeps the bytes of xd above dw: still env's if they were */
    unsigned now = (desc & VEC_DNR) ? dw : MAX(valid, dw);
    if (jit_xc_write_through()) {
        jit_xc_store_env(b, xd, d, dw);
        jit_xc_set(xd, d, now, false);
        return;
    }
    /* Stored when env is next read there or by anyone (jit_xc_flush):
     * the dirty entry then writes all `now` bytes, which env's value
     * around the written dw bytes has if the register had them. */
    jit_xc_set(xd, d, now, true);
}

/* The host instruction itself: load, operate, store (see the top). */
static void emit_native(JitGen *g, uint64_t desc, uint64_t offs, int rlo, int rhi, int rd)
{
    JitBuf *b = &g->b;
    bool l = desc & VEC_L, w = desc & VEC_W;
    unsigned pp = VEC_PP(desc), map = VEC_MAP(desc);
    int32_t d = VEC_OFF_D(offs), a = VEC_OFF_A(offs), bo = VEC_OFF_B(offs);

    if (desc & VEC_STR) {
        emit_str(g, desc, offs, rlo, rhi, rd);
        return;
    }
    if ((desc & (VEC_VEX | VEC_A3 | VEC_BREG | VEC_FLAGS | VEC_RGPR)) ==
            (VEC_VEX | VEC_A3 | VEC_BREG) && a == bo && map == 1 &&
        ((VEC_OPC(desc) == 0xEF && pp == 1) || VEC_OPC(desc) == 0x57)) {
        /* vpxor/vxorps d, h, h: zero, reads nothing (VEX.128 zeroes 255:128) */
        jit_vex_rr(b, 1, 1, false, false, 0xEF, 0, 0, 0);
        jit_vex_rm(b, 2, 1, false, true, 0x7F, 0, 0, REG_ENV, d);   /* vmovdqu [d], ymm0 */
        jit_xc_wrote(b, true, d, 32, jit_vec_read_later(g, d) ? 16 : 0);
        return;
    }
    if (desc & VEC_VEX) {
        /* a: the vvvv source, the group forms' rm, or the first operand
         * of a flags result (in xmm0); unused otherwise */
        if (desc & VEC_FLAGS) {
            jit_vec_load_x(g, true, 0, a, l ? 32 : 16);
        } else if (desc & (VEC_A3 | VEC_GROUP)) {
            jit_vec_load_x(g, true, 1, a, l ? 32 : 16);
        }
        if (desc & VEC_BREG) {
            jit_vec_load_x(g, true, 2, bo, l ? 32 : 16);
        } else if (!(desc & VEC_GROUP)) {      /* a group form's count is its imm8 */
            load_x_gprs(b, true, 2, rlo, rhi);
        }
        if (desc & (VEC_RGPR | VEC_FLAGS)) {
            /* VPMOVMSKB/VMOVMSKPx/VCVT*2SI rd, x/ymm2; VPTEST/VCOMISx x/ymm0, x/ymm2 */
            jit_vex_rr(b, pp, map, w, l, VEC_OPC(desc), (desc & VEC_RGPR) ? rd : 0, 0, 2);
            if (desc & VEC_IMM) {
                jit_byte(b, VEC_IMM8(desc));   /* VPEXTRW */
            }
            if (desc & VEC_FLAGS) {
                flags_to(b, rd, 0x45);   /* ZF|PF|CF; the others are cleared */
            }
            if (l) {
                jit_vzeroupper(b);
            }
            return;
        }
        if (desc & VEC_GROUP) {
            jit_vex_rr(b, pp, map, w, l, VEC_OPC(desc), VEC_EXT(desc), 0, 1);
        } else {
            jit_vex_rr(b, pp, map, w, l, VEC_OPC(desc), 0, (desc & VEC_A3) ? 1 : 0, 2);
        }
        if (desc & VEC_IMM) {
            jit_byte(b, VEC_IMM8(desc));
        }
        jit_vex_rm(b, 2, 1, false, true, 0x7F, 0, 0, REG_ENV, d);   /* vmovdqu [d], ymm0 */
        jit_xc_wrote(b, true, d, 32, l || !jit_vec_read_later(g, d) ? 0 : 16);
        if (l) {
            jit_vzeroupper(b);   /* no dirty upper state for SSE code after us */
        }
        return;
    }
    unsigned dw = width_bytes[VEC_DW(desc)], bw = width_bytes[VEC_BW(desc)];
    if (desc & VEC_RGPR) {
        /* CVT(T)S[SD]2SI rd, xmm1 */
        if (desc & VEC_BREG) {
            jit_vec_load_x(g, false, 1, bo, bw);
        } else {
            load_x_gprs(b, false, 1, rlo, rhi);
        }
        jit_sse_rr(b, pp, map, w, VEC_OPC(desc), rd, 1);
        if (desc & VEC_IMM) {
            jit_byte(b, VEC_IMM8(desc));   /* PEXTRW */
        }
        return;
    }
    if (is_zeroing(desc, offs)) {
        jit_sse_rr(b, 1, 1, false, 0xEF, 0, 0);     /* pxor x, x: zero, reads nothing */
        goto store;
    }
    if (goes_inplace(desc, offs)) {
        emit_inplace(g, desc, offs, rlo, rhi);    /* (load_x_gprs: pinsrq, no scratch) */
        return;
    }
    if (!(desc & VEC_DNR)) {
        jit_vec_load_x(g, false, 0, d, dw);
    }
    if (desc & VEC_BGPR) {
        /* CVTSI2S[SD] xmm0, r32/r64 */
        jit_sse_rr(b, pp, map, w, VEC_OPC(desc), 0, rlo);
        goto store;
    }
    if (desc & VEC_BREG) {
        jit_vec_load_x(g, false, 1, bo, bw);
    } else if (!(desc & VEC_GROUP)) {
        load_x_gprs(b, false, 1, rlo, rhi);
    }
    if (desc & VEC_GROUP) {
        jit_sse_rr(b, pp, map, false, VEC_OPC(desc), VEC_EXT(desc), 0);
    } else {
        jit_sse_rr(b, pp, map, false, VEC_OPC(desc), 0, 1);
    }
    if (desc & VEC_IMM) {
        jit_byte(b, VEC_IMM8(desc));
    }
    if (desc & VEC_FLAGS) {
        /* COMIS*, PTEST: rd = ZF|PF|CF (the other arithmetic flags are cleared) */
        flags_to(b, rd, 0x45);
        return;
    }
store:
    /* only the bytes the instruction writes: a scalar op keeps the rest */
    jit_xc_store_env(b, 0, d, dw);
    /* a scalar op's upper bytes in xmm0 need not be env's: keep dw only */
    jit_xc_wrote(b, false, d, dw, jit_vec_read_later(g, d) ? dw : 0);
}

void jit_lower_vec(JitGen *g, const TCGOp *op)
{
    unsigned no = op->opc == INDEX_op_vec_ret;   /* inputs follow the output */
    uint64_t desc = op->args[no + 5], offs = op->args[no + 6];
    JitBuf *b = &g->b;

    if (!native_ok(desc) || !tcg_temp_is_const(T(op, no + 1)) ||
        !tcg_temp_is_const(T(op, no + 2))) {
        jit_xc_flush_all(b);    /* C code reads env ... */
        jit_xc_reset();         /* ... and may change every xmm register */
        TCGOp call = *op;
        call.opc = INDEX_op_call;
        call.call_oargs = (uint8_t)no;
        call.call_iargs = 5;
        call.args[no + 5] = op->args[no + 7];
        jit_lower_op(g, &call);
        return;
    }

    bool fp = desc & VEC_FP;
    int32_t d = VEC_OFF_D(offs), mx = VEC_OFF_MX(offs);
    TCGTemp *blo = T(op, no + 3), *bhi = T(op, no + 4);
    int rlo = -1, rhi = -1, rd = -1;

    /* The op reads its registers in env: globals there go home first
     * (the others stay in registers; its fallback stub stores them). */
    ra_sync_env(g, d, 32);
    ra_sync_env(g, VEC_OFF_A(offs), 32);
    if (desc & VEC_BREG) {
        ra_sync_env(g, VEC_OFF_B(offs), 32);
    }
    if (desc & VEC_LENS) {
        ra_sync_env(g, VEC_OFF_LEN_AX(offs), 8);
        ra_sync_env(g, VEC_OFF_LEN_DX(offs), 8);
    } else {
        ra_sync_env(g, mx, 8);
    }
    if (desc & VEC_ECX) {
        ra_take(g, RCX);    /* written by the instruction */
    }
    if (desc & VEC_LENS) {
        ra_take(g, RAX);    /* read by it */
        ra_take(g, RDX);
    }
    if (!(desc & (VEC_BREG | VEC_GROUP))) {    /* a group form's count: its imm8 */
        rlo = ra_in(g, blo);
        if (!(tcg_temp_is_const(bhi) && bhi->val == 0)) {
            rhi = ra_in(g, bhi);
        }
    }
    if (no) {
        rd = ra_out(g, T(op, 0), 0);
    }
    if (!goes_inplace(desc, offs)) {
        /* it reads env (for what the cache lacks) and writes it from xmm0 */
        jit_xc_flush(b, d, d + 32);
        jit_xc_flush(b, VEC_OFF_A(offs), VEC_OFF_A(offs) + 32);
        if (desc & VEC_BREG) {
            jit_xc_flush(b, VEC_OFF_B(offs), VEC_OFF_B(offs) + 32);
        }
    }
    if (!fp) {
        emit_native(g, desc, offs, rlo, rhi, rd);
    } else {
        XCacheState pre;        /* where the fallback stub leaves the main path */
        jit_xc_save(&pre);
        /* the stub reads b where it is now */
        VecArg wl = arg_where(g, blo), wh = arg_where(g, bhi);
        size_t jcc = NO_JCC, open_at = NO_JCC, open_back = 0;
        emit_live_test(b);
        if (!mx_open) {
            /* the host MXCSR may hold the guest's already (a run opened
             * here or in a TB before, no C code since): else the stub
             * opens one (the masks test, ldmxcsr) or calls the fallback */
            open_at = jit_jcc32(b, JCC_E);
            open_back = jit_buf_offset(b);
            mx_open = true;
        } else {
            /* the first op of this stretch found the run open or opened
             * it, or took its fallback (an exception unmasked): the
             * masks cannot have changed since, so this one goes the
             * same way.  cmp byte [live], 0; je stub */
            jcc = jit_jcc32(b, JCC_E);
        }
        emit_native(g, desc, offs, rlo, rhi, rd);
        add_stub(g, jcc, op, no, rd, wl, wh);
        stubs[nstubs - 1].pre = pre;
        stubs[nstubs - 1].open_at = open_at;
        stubs[nstubs - 1].open_back = open_back;
    }
    if (no) {
        ra_bind(g, T(op, 0), rd);
    }

    /* Cached copies of what the op wrote are stale: the destination's
     * slots and the MXCSR's. */
    bool writes_d = !(desc & (VEC_FLAGS | VEC_RGPR | VEC_STR)) ||
                    (desc & (VEC_STR | VEC_ECX)) == VEC_STR;
    for (int r = 0; r < 16; r++) {
        TCGTemp *t = g->owner[r];
        if (t && t->kind == TEMP_GLOBAL &&
            ((writes_d && (int32_t)t->slot >= d / 8 && (int32_t)t->slot < d / 8 + 4) ||
             (fp && (int32_t)t->slot == mx / 8))) {
            ra_drop(g, t);
        }
    }
}

static void load_arg(JitBuf *b, int dst, const VecArg *w)
{
    switch (w->kind) {
    case VA_CONST:
        jit_movi(b, dst, w->val);
        break;
    case VA_SLOT:
        jit_ld64(b, dst, REG_ENV, (int32_t)(w->val * 8));
        break;
    case VA_REG:
        jit_stub_load(b, dst, (int)w->val);
        break;
    }
}

void jit_vec_emit_stubs(JitGen *g)
{
    JitBuf *b = &g->b;
    for (uint32_t i = 0; i < nstubs; i++) {
        const VecStub *st = &stubs[i];
        if (st->open_at != NO_JCC) {
            /* no run open: open one if every exception is masked */
            int32_t mx = (int32_t)offsetof(CPUX86State, mxcsr);
            jit_patch_rel32(b, st->open_at, jit_buf_offset(b));
            size_t unmasked = emit_mask_test(b, mx, JCC_NE);
            jit_ldmxcsr(b, REG_ENV, mx);
            jit_st8i(b, REG_ENV, (int32_t)offsetof(CPUX86State, jit_mx_live), 1);
            jit_patch_rel32(b, jit_jmp32(b), st->open_back);
            jit_patch_rel32(b, unmasked, jit_buf_offset(b));
        }
        if (st->jcc_at != NO_JCC) {
            jit_patch_rel32(b, st->jcc_at, jit_buf_offset(b));
        }
        /* the fallback may raise #XM at this instruction: env must hold
         * every global (the main path keeps them in registers) */
        jit_store_dirty(b, &st->dirty);
        jit_xc_flush_state(b, &st->pre);
        jit_stub_enter(g, st->have_insn, st->pc, st->cc_op);
        load_arg(b, RCX, &st->b[0]);
        load_arg(b, R8, &st->b[1]);
        jit_mov_rr(b, RDI, REG_ENV);
        jit_movi(b, RSI, st->fn);
        jit_movi(b, RDX, st->ctl);
        jit_movi(b, REG_TMP, (uint64_t)(uintptr_t)st->func);
        jit_call_r(b, REG_TMP);
        if (st->ret >= 0) {
            jit_stub_result(b, st->ret);
        }
        jit_xc_reload(b, &st->xc);
        jit_stub_leave(b, st->back);
    }
    nstubs = 0;
    mx_open = false;
}
