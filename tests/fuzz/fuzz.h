/*
 * tests/fuzz/fuzz.h — the differential CPU fuzzer's shared types.
 *
 * A Case is a short instruction sequence (generated from the decoder's
 * tables, gen.c) plus constraints on the initial state (registers that
 * must hold data-area addresses or small counts).  The state before or
 * after a run is tests/harness's HxState (GPRs, RIP, RFLAGS, the FXSAVE
 * image, the YMM upper halves, the data area, the signal that ended the
 * run); the harness runs a case in its native sandbox and under emu and
 * compares the two with the masks main.c gives.  See docs/fuzzer.md.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "x86-state.h"

/* Fixed guest/native layout: code page, a gap, the data area. */
#define FZ_CODE      0x12000000ull
#define FZ_CODE_SZ   0x1000ull
#define FZ_DATA      0x12010000ull
#define FZ_DATA_SZ   0x2000ull
#define FZ_DATA_MID  (FZ_DATA + 0x1000)
#define FZ_UNMAPPED  0x12040000ull   /* never mapped: faulting accesses */

#define FZ_MAX_INSNS 8

typedef struct FuzzInsn {
    uint8_t off, len;        /* offset in the code, length */
    uint16_t mnemonic;       /* X86Mnemonic as decoded */
    uint16_t line;           /* table line it was generated from */
    uint8_t vex, vex_l;
    uint32_t undef_flags;    /* RFLAGS bits it leaves undefined */
} FuzzInsn;

typedef struct FuzzCase {
    uint8_t code[256];
    int code_len;            /* instructions + ud2 + ud2 */
    int nb_insns;
    FuzzInsn insns[FZ_MAX_INSNS];
    bool invalid_probe;      /* one possibly-invalid encoding: #UD must agree */
    bool gated_probe;        /* one instruction the model lacks: emu must #UD */
    uint64_t state_seed;     /* seeds the random initial state */
    /* relative branches: displacement at rel_at (size 1/4), insn end */
    int nb_rel;
    uint8_t rel_at[FZ_MAX_INSNS], rel_size[FZ_MAX_INSNS], rel_end[FZ_MAX_INSNS];
    /* data the first instruction needs (the value POPF pops, an XRSTOR
     * header): patch_len[i] bytes at data offset patch_off[i] */
    int nb_patch;
    uint16_t patch_off[2], patch_len[2];
    uint8_t patch_data[2][64];
    /* constraints on the initial state */
    bool reg_set[16];
    uint64_t reg_val[16];
    int vsib_reg;            /* xmm index register of a gather, or -1 */
    int vsib_mask_reg;       /* gather mask register, or -1 */
    uint32_t undef_flags;    /* union over the sequence */
    /* data bytes whose stored value is host-dependent (FXSAVE's MXCSR_MASK,
     * FOP/FIP/FDP...): [off, off+len) relative to FZ_DATA, not compared */
    int nb_ignore;
    uint16_t ignore_off[8], ignore_len[8];
} FuzzCase;

/* gen.c: the generator, driven by the decoder's tables. */
typedef struct FuzzGenConfig {
    const char *only;        /* comma-separated mnemonics, or NULL */
    int max_len;             /* 1..FZ_MAX_INSNS */
    int invalid_percent;     /* share of invalid-encoding probes */
} FuzzGenConfig;

void fz_gen_init(const FuzzGenConfig *cfg);
/* Build case number idx of the run seeded by seed.  Returns false if no
 * line is eligible (e.g. --only names nothing of the model). */
bool fz_gen_case(uint64_t seed, uint64_t idx, FuzzCase *c);
/* Decode code at off with the decoder; returns length or < 0, mnemonic in *mn. */
int fz_decode(const uint8_t *code, size_t len, uint64_t pc, int *mn);
const char *fz_mnemonic_name(int mn);
int fz_mnemonic_count(void);
/* Distinct mnemonics the table can produce that the current model and the
 * host support and that are not excluded; fills in_table[mn]. */
int fz_table_mnemonics(bool *in_table);
/* Forms: table lines, legacy and VEX encodings counted apart. */
int fz_variant_count(void);
const char *fz_form_name(int i);
int fz_table_forms(bool *eligible);
/* Why a mnemonic is excluded, or NULL. */
const char *fz_excluded_reason(int mn);

/* features.c: which CPUID feature an encoding needs. */
int fz_feature_of(int mn, int map, bool vex, bool vex_l, bool mod_reg);   /* X86_FEAT_* or -1 */
bool fz_host_has(int feat);
bool fz_model_has(int feat);
const char *fz_feature_name(int feat);

/* flags.c: per-mnemonic undefined RFLAGS and flag readers. */
uint32_t fz_undef_flags(int mn, int opsize);
uint32_t fz_flags_read(int mn, int cond);

/* pseudo RFLAGS bit: x87 C0/C2/C3 undefined (see flags.c) */
#define FZ_FLAG_X87C (1u << 31)
#define FZ_FLAG_X87C1 (1u << 30)   /* x87 C1 undefined */

/* ---- the known-mismatch list (known.c) ---- */

/* What differs between the native and the emu state: HX_DIFF_* (x86-state.h). */
enum { FZ_KNOWN_X87, FZ_KNOWN_FAULT_X87, FZ_KNOWN_MF_FIRST, FZ_KNOWN_MXCSR,
       FZ_KNOWN_XMM, FZ_KNOWN_GATED };

int fz_known_load(const char *path);
bool fz_known_match(int mn, unsigned diff, const HxState *nat, const HxState *emu,
                    bool gated);
void fz_known_summary(void);

#endif
