/*
 * emu/cpu.h — the guest CPU state of one x86_64 vCPU.
 *
 * The IR addresses CPU state in 64-bit "slots": slot i is the u64 at byte
 * offset 8*i from the start of CPUX86State.  Everything from `regs` up to
 * and including `tmp[]` is slot-addressable: globals (guest registers,
 * lazy-flag words, XMM halves, ...) are fixed slots, and `tmp[]` is the
 * scratch area where a backend keeps IR temporaries.  Keep every field in
 * that part a uint64_t (or an array/union of them) so slot numbers stay
 * exact; fields after `tmp[]` are plain C and never seen by the IR.
 */
#ifndef EMU_CPU_H
#define EMU_CPU_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* General-purpose register numbers, in instruction-encoding order. */
enum {
    R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI,
    R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
};

/* Segment register numbers (encoding order). Only FS/GS have bases in 64-bit mode. */
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS };

/* RFLAGS bits. */
#define CC_C   0x0001u
#define CC_P   0x0004u
#define CC_A   0x0010u
#define CC_Z   0x0040u
#define CC_S   0x0080u
#define TF_MASK 0x0100u
#define IF_MASK 0x0200u
#define DF_MASK 0x0400u
#define CC_O   0x0800u
#define AC_MASK 0x40000u
#define ID_MASK 0x200000u
#define CC_ARITH_MASK (CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O)

/*
 * Lazy condition codes: the last flag-setting operation is remembered as
 * (cc_op, cc_dst, cc_src, cc_src2) and RFLAGS' arithmetic bits are computed
 * only when read.  Suffix B/W/L/Q is the operand size.
 */
#define CC_OP_SIZES(X) X##B, X##W, X##L, X##Q
typedef enum CCOp {
    CC_OP_DYNAMIC,  /* translator only: cc_op is whatever env->cc_op holds */
    CC_OP_EFLAGS,   /* cc_src holds the arithmetic flags themselves */
    CC_OP_CLR,      /* Z and P set, others clear (xor r,r) */
    CC_OP_SIZES(CC_OP_MUL),   /* dst = low result, src = nonzero if overflow into high half */
    CC_OP_SIZES(CC_OP_ADD),   /* dst = result, src = src2 (second operand) */
    CC_OP_SIZES(CC_OP_ADC),   /* dst = result, src = src2, src2 = carry in */
    CC_OP_SIZES(CC_OP_SUB),   /* dst = result, src = src2 */
    CC_OP_SIZES(CC_OP_SBB),   /* dst = result, src = src2, src2 = borrow in */
    CC_OP_SIZES(CC_OP_LOGIC), /* dst = result */
    CC_OP_SIZES(CC_OP_INC),   /* dst = result, src = carry flag preserved (0/1) */
    CC_OP_SIZES(CC_OP_DEC),   /* dst = result, src = carry flag preserved (0/1) */
    CC_OP_SIZES(CC_OP_SHL),   /* dst = result, src = value shifted by count-1 */
    CC_OP_SIZES(CC_OP_SAR),   /* dst = result, src = value shifted by count-1 (also SHR) */
    CC_OP_SIZES(CC_OP_BMILG), /* dst = result, src = carry source (BMI) */
    CC_OP_ADCX,     /* dst = C, src2 = O, src = other flags (EFLAGS form) */
    CC_OP_ADOX,
    CC_OP_ADCOX,
    CC_OP_POPCNT,   /* dst = source; Z from dst==0, others clear */
    CC_OP_SIZES(CC_OP_SHLN),  /* SHL by a constant > 1: dst = result, src = value
                               * shifted by count-1, src2 = the value */
    CC_OP_NB
} CCOp;

/* Size index of a CC op with sizes: 0=byte .. 3=quad. */
static inline int cc_op_size(CCOp op, CCOp base) { return (int)(op - base) & 3; }

/*
 * A rotate over lazy flags: ROL/ROR by a constant change only CF (and
 * OF), so rather than computing every flag they tag the last op's cc_op
 * with CC_OP_ROT and keep its cc_dst/cc_src; cc_src2 holds the override:
 * bits 31:0 the new flag values, bits 63:32 which flags they replace:
 *     RFLAGS = (flags(op & ~CC_OP_ROT) & ~mask) | (src2 & mask),
 *     mask = src2 >> 32 (CF, and OF unless the rotate keeps it).
 * Only for ops that leave cc_src2 unused (cc_op_rot_base_ok).
 */
#define CC_OP_ROT 0x80u

static inline bool cc_op_rot_base_ok(CCOp op)
{
    return op != CC_OP_DYNAMIC && op != CC_OP_EFLAGS && op < CC_OP_NB &&
           !(op >= CC_OP_ADCB && op <= CC_OP_ADCQ) && !(op >= CC_OP_SBBB && op <= CC_OP_SBBQ) &&
           op != CC_OP_ADCX && op != CC_OP_ADOX && op != CC_OP_ADCOX &&
           !(op >= CC_OP_SHLNB && op <= CC_OP_SHLNQ);
}

typedef union X86YMMReg {
    uint8_t  b[32];
    uint16_t w[16];
    uint32_t l[8];
    uint64_t q[4];
    float    s[8];
    double   d[4];
} X86YMMReg;

/* One x87 register: host long double is the same 80-bit format. */
typedef union X86FPReg {
    long double d;
    uint64_t q[2];   /* q[0] = mantissa, low 16 bits of q[1] = sign+exponent */
} X86FPReg;

#define EMU_COUNTER_SLOTS 8   /* see counter_ptr */
#define EMU_MAX_TEMPS 1024   /* IR scratch slots per vCPU (tmp[]) */

typedef struct CPUX86State {
    /* ---- slot-addressable part (see top of file) ---- */
    uint64_t regs[16];
    uint64_t rip;
    uint64_t cc_dst, cc_src, cc_src2, cc_op;
    uint64_t df;          /* +1 or -1: direction for string instructions */
    uint64_t eflags;      /* RFLAGS without the arithmetic bits and DF */
    uint64_t fs_base, gs_base;
    uint64_t env_ptr;     /* (uint64_t)this: lets the IR pass env to helpers */
    uint64_t insn_pc;     /* pc of the instruction being executed (faults) */
    uint64_t insn_cc_op;  /* its static cc_op from insn_start (CC_OP_DYNAMIC: none) */
    uint64_t exit_request;/* nonzero: leave generated code at the next TB entry;
                           * EXIT_KICK alone only returns to cpu_exec's loop */
    uint64_t icount;      /* guest instructions retired by this vCPU */

    X86YMMReg xmm[16];
    uint64_t mxcsr;
    X86YMMReg vtmp;       /* not guest state: a 32-byte memory source of a VEX
                           * vec op, stored by the IR (emu/x86/tr-sse.c) */

    /* x87 and MMX (MMX aliases the mantissas of fpregs). */
    X86FPReg fpregs[8];
    uint64_t fpstt;       /* top-of-stack index 0..7 */
    uint64_t fpus;        /* status word without TOP */
    uint64_t fpuc;        /* control word */
    uint64_t fptags;      /* bit i set = register i empty */
    uint64_t fpop, fpip, fpdp;

    /* Flags of a REPE/REPNE CMPS/SCAS under way, not yet in cc_* (which
     * a fault inside it keeps): rep_cc_op is CC_OP_SUB* then, else 0
     * (emu/x86/tr-string.c). */
    uint64_t rep_cc_dst, rep_cc_src, rep_cc_op;

    uint64_t tmp[EMU_MAX_TEMPS];
    /* ---- end of slot-addressable part ---- */

    /* Exit information filled when cpu_exec() returns an exception. */
    int exception_index;  /* EXCP_* from emu/exec.h */
    int fault_signo;      /* SIGSEGV/SIGBUS/... for EXCP_FAULT */
    int fault_code;       /* si_code */
    uint64_t fault_addr;  /* si_addr */
    uint64_t atomic_hi;   /* high half of the old value of a CMPXCHG16B (misc_helper.c) */
    int fault_write;      /* EXCP_PF/EXCP_BUS from a write access (page-fault error code) */
    int fault_host_err;   /* the host's page-fault error code for it, or -1 if none */

    bool ud_unimplemented; /* last EXCP_UD came from a valid but unimplemented encoding */

    sigjmp_buf jmp_env;   /* where faults inside generated code return to */
    void *tb_jmp_cache;   /* per-vCPU pc -> TB cache (emu/tb.c) */
    /* The TB being executed: set by cpu_exec before it enters generated
     * code and by every TB's entry code (chained TBs never return to
     * cpu_exec in between); faults use it to find the running TB. */
    void *cur_tb;
    /* Generated code's indirect-jump table: TB_JMP_CACHE_SIZE entries of
     * { guest pc, host code address } (emu/tb-internal.h TBFastEntry). */
    void *tb_jmp_fast;
    /* Set by generated code while the host MXCSR holds the guest's (a run
     * of native FP vec ops spanning guest accesses, emu/tcg/x86_64/vec.c):
     * a fault in between takes the guest's flags from the interrupted
     * context, the access slow path from the register itself. */
    uint8_t jit_mx_live;
    /* add_counter targets of this vCPU: slot k = base_k + cpu_index *
     * stride_k for the (base, stride) pairs registered with
     * tcg_counter_slot (emu/tb.c), so generated code adds in two
     * instructions. */
    uint64_t *counter_ptr[EMU_COUNTER_SLOTS];
    void *opaque;         /* owner (linux-user thread state) */
    int cpu_index;
} CPUX86State;

/* exit_request bit that only sends the vCPU back through cpu_exec's loop
 * (so that it publishes a quiescent epoch: emu/tb.c), without making
 * cpu_exec return.  Any other bit makes cpu_exec return EXCP_INTERRUPT. */
#define EXIT_KICK 2

#define ENV_SLOT(field) ((unsigned)(offsetof(CPUX86State, field) / 8))
#define ENV_SLOT_END    ENV_SLOT(tmp[EMU_MAX_TEMPS])

/* Read the full RFLAGS value (computes lazy flags). In emu/x86/cc_helper.c. */
uint64_t cpu_get_eflags(CPUX86State *env);
/* Set RFLAGS from a full value (arith bits into CC_OP_EFLAGS form). */
void cpu_set_eflags(CPUX86State *env, uint64_t eflags);

/* Initialise a vCPU to the reset state linux-user expects. */
void cpu_x86_init(CPUX86State *env);

#endif
