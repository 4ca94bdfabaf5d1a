/*
 * tests/harness/x86-state.h — the CPU state the native-vs-emu harness
 * compares, the memory layout both worlds share, and the comparison.
 *
 * A test describes its guest layout once (HxLayout: mapped areas, holes
 * that must stay unmapped, where the code goes, the data and stack areas
 * whose bytes are part of the state, the GS base), builds an initial
 * HxState, runs the same code natively (x86-native.h) and under emu's
 * translator (x86-emu.h), and compares the two final states with
 * hx_compare(), choosing which parts count and which RFLAGS / x87
 * condition bits are left undefined.  Used by tests/unit/test-x86-*.c and
 * tests/fuzz; see docs/testing.md "The native-vs-emu harness".
 */
#ifndef TESTS_HARNESS_X86_STATE_H
#define TESTS_HARNESS_X86_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <glib.h>

#define HX_DATA_MAX   0x2000     /* largest data area a layout may declare */
#define HX_STACK_MAX  0x10000    /* largest stack area */
#define HX_CODE_MAX   0x4000     /* largest code a run may copy in */

/* signo values for ends of a run that are not a signal */
#define HX_SIG_TIMEOUT  1000     /* native: the 2 s alarm fired */
#define HX_SIG_OTHER    1002     /* emu: some other exit (syscall...) */

typedef struct HxState {
    uint64_t regs[16];           /* RAX..R15 in encoding order */
    uint64_t rip;
    uint64_t rflags;
    int signo;                   /* output: the signal that ended the run */
    uint64_t fault_addr;         /* output: si_addr of a SIGSEGV, else 0 */
    /* input: XSTATE_BV of the image the native side XRSTORs (bit 0 x87,
     * 1 SSE, 2 AVX; a clear bit loads that component's init state) */
    uint64_t xstate_bv;
    /* input: one qword stored at poke_addr before the run (0: none),
     * outside the compared areas (a mask a snippet reads, say) */
    uint64_t poke_addr, poke_val;
    uint8_t fx[512] __attribute__((aligned(16)));   /* FXSAVE image, 64-bit */
    uint8_t ymmh[16][16];        /* YMM[255:128] */
    uint8_t data[HX_DATA_MAX];   /* the layout's data area */
    uint8_t stack[HX_STACK_MAX]; /* the layout's stack area */
} HxState;

/* One mapped area: its bytes are set to fill before every run. */
typedef struct HxMap {
    uint64_t addr, size;
    int prot;                    /* PROT_* */
    uint8_t fill;
} HxMap;

typedef struct HxLayout {
    HxMap maps[4];
    int nb_maps;
    uint64_t holes[4][2];        /* [addr, size]: kept unmapped in both worlds */
    int nb_holes;
    uint64_t code;               /* the code is copied here and entered here */
    uint64_t data, data_size;    /* compared areas (inside the maps) */
    uint64_t stack, stack_size;  /* stack_size 0: none */
    uint64_t gs_base;            /* 0: left alone */
} HxLayout;

/* The usual layout: one RWX window [base, base + size) holding the code
 * (at base), the data area and the stack area, refilled with zeros. */
#define HX_WINDOW_LAYOUT(base, size, data_, data_sz, stack_, stack_sz)     \
    .maps = { { (base), (size), PROT_READ | PROT_WRITE | PROT_EXEC, 0 } }, \
    .nb_maps = 1, .code = (base),                                          \
    .data = (data_), .data_size = (data_sz),                               \
    .stack = (stack_), .stack_size = (stack_sz)

/* Fill in the default x87/SSE control state (FCW 0x37f, MXCSR 0x1f80,
 * MXCSR_MASK 0xffff) and xstate_bv = 7. */
void hx_state_init_fp(HxState *st);

/* What hx_compare() compares (besides GPRs, rip, signal, RFLAGS). */
enum {
    HX_CMP_X87        = 0x01,   /* FCW, FSW, abridged FTW, ST registers */
    HX_CMP_MXCSR      = 0x02,
    HX_CMP_XMM        = 0x04,
    HX_CMP_YMM        = 0x08,   /* upper halves */
    HX_CMP_DATA       = 0x10,
    HX_CMP_STACK      = 0x20,
    HX_CMP_FAULT_ADDR = 0x40,   /* si_addr of SIGSEGV */
};

/* What differed (hx_compare()'s *diff), as the fuzzer's known list sees it. */
enum {
    HX_DIFF_SIG   = 0x01,       /* signal or rip */
    HX_DIFF_GPR   = 0x02,
    HX_DIFF_FLAGS = 0x04,
    HX_DIFF_X87   = 0x08,
    HX_DIFF_MXCSR = 0x10,
    HX_DIFF_XMM   = 0x20,       /* XMM registers, YMM upper halves */
    HX_DIFF_MEM   = 0x40,
};

typedef struct HxCompare {
    unsigned parts;              /* HX_CMP_* */
    uint64_t rflags_mask;        /* RFLAGS bits compared */
    uint8_t fsw_hi_undef;        /* bits of FSW[15:8] not compared (C3 C2 C1 C0: 0x47) */
    /* memory bytes not compared (NULL: all are); stack: which area */
    bool (*mem_skip)(const void *ctx, bool stack, size_t off);
    const void *ctx;
    bool oneline;                /* differences "; "-separated, else one a line */
} HxCompare;

/* Compare nat and emu (in: the initial state, for context in messages).
 * Appends a description of each difference to msg (if not NULL), stores
 * the HX_DIFF_* set in *diff (if not NULL), returns how many differ. */
int hx_compare(const HxLayout *l, const HxCompare *c, const HxState *in,
               const HxState *nat, const HxState *emu, GString *msg, unsigned *diff);

/* "SIGILL", "timeout"...; static buffer for unknown numbers. */
const char *hx_sig_name(int signo);

/* The xorshift generator every harness user draws states from. */
static inline uint64_t hx_rng(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

#endif
