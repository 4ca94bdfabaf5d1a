/*
 * tests/fuzz/main.c — x86-fuzz: emu against the host CPU, case by case.
 *
 *   x86-fuzz --seed S --count N [--cpu MODEL] [--only MN[,MN..]] [--len L]
 *            [--case I] [--invalid PCT] [--max-seconds T] [--verbose]
 *
 * Case i of seed S is a pure function of (S, i, --only, --len, --cpu), so a
 * mismatch is reproduced by the one line it prints.  Each case gets a
 * random initial state (GPRs with edge values, RFLAGS, x87 stack and
 * control word, MXCSR modes, YMM registers and the data area filled with
 * float/double/extended edge values: ±0, ±1, NaNs quiet and signalling,
 * infinities, denormals, extremes, integer limits), runs natively and under
 * emu, and the results are compared.  See docs/fuzzer.md.
 * Exit status: 0 no mismatch, 1 mismatches, 2 usage/setup error,
 * 77 the CPU model does not exist (meson: skipped).
 */
#include <cpuid.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/exec.h"
#include "emu/x86/cpu-model.h"
#include "fuzz.h"
#include "x86-emu.h"
#include "x86-native.h"
#include "x86-random.h"

/* ---- edge values (doubles: hx_f64_edge, tests/harness/x86-random.c) ---- */

static const uint32_t f32_edge[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7fc00000, 0xffc00000,
    0x7f800001, 0x7fa12345, 0xffc54321, 0x7f800000, 0xff800000, 0x00000001,
    0x807fffff, 0x00400000, 0x7f7fffff, 0xff7fffff, 0x00800000, 0x3fc00000,
    0x3f000000, 0x40200000, 0xc0600000, 0x3dcccccd, 0x4b800001, 0x4effffff,
    0x4f000000, 0xcf000000, 0xcf000001, 0x5f000000, 0xdf000000, 0x5effffff,
    0x3eaaaaab, 0x42f6e979, 0x477fe000, 0x387fc000, 0x33800000,
};

static const uint64_t f80_edge[][2] = {
    { 0, 0 }, { 0, 0x8000 }, { 0x8000000000000000ull, 0x3fff },
    { 0x8000000000000000ull, 0xbfff }, { 0xc90fdaa22168c235ull, 0x4000 },
    { 0xc000000000000000ull, 0x7fff }, { 0xc000000000000000ull, 0xffff },
    { 0xa000000000000000ull, 0x7fff }, { 0x8000000000000000ull, 0x7fff },
    { 0x8000000000000000ull, 0xffff }, { 0x0000000000000001ull, 0x0000 },
    { 0x8000000000000000ull, 0x0001 }, { 0xffffffffffffffffull, 0x7ffe },
    { 0x8000000000000000ull, 0x403e }, { 0xffffffffffffffffull, 0x403d },
    { 0x8000000000000000ull, 0xc03e }, { 0xc000000000000000ull, 0x3ffe },
    { 0xa000000000000000ull, 0x4000 }, { 0xe000000000000000ull, 0xc000 },
    { 0x8000000000000001ull, 0x3fff }, { 0xb17217f7d1cf79acull, 0x3ffe },
    { 0x9a209a84fbcff799ull, 0x3ffd }, { 0x8000000000000000ull, 0x4050 },
    { 0x9c40000000000000ull, 0x400c }, { 0x4000000000000000ull, 0x3fff },
    { 0x8000000000000000ull, 0x0000 }, { 0xfffffffffffff800ull, 0x401c },
    { 0x8000000000000400ull, 0x3ff5 }, { 0xccccccccccccccccull, 0x3ffb },
    { 0x8000000000000000ull, 0x3ffd }, { 0x8000000000000000ull, 0x4400 },
    { 0xdeadbeefdeadbeefull, 0xbff0 },
};

static const int64_t int_edge[] = {
    0, 1, -1, 2, 127, -128, 255, 256, 32767, -32768, 65535, 0x7fffffff,
    (int64_t)0x80000000ull, (int64_t)0xffffffffull, INT64_MAX, INT64_MIN, 3, 15, 16, 63, 64,
};

#define N(a) ((uint64_t)G_N_ELEMENTS(a))

/* 16 bytes of vector data: singles, doubles, words or random */
static void fill16(uint64_t *rng, uint8_t *x)
{
    switch (hx_rng(rng) % 5) {
    case 0:
        for (int i = 0; i < 4; i++) {
            memcpy(x + 4 * i, &f32_edge[hx_rng(rng) % N(f32_edge)], 4);
        }
        break;
    case 1:
        for (int i = 0; i < 2; i++) {
            memcpy(x + 8 * i, &hx_f64_edge[hx_rng(rng) % hx_n_f64_edge], 8);
        }
        break;
    case 2:
        for (int i = 0; i < 2; i++) {
            int64_t v = int_edge[hx_rng(rng) % N(int_edge)];
            memcpy(x + 8 * i, &v, 8);
        }
        break;
    case 3: {
        const uint64_t *v = f80_edge[hx_rng(rng) % N(f80_edge)];
        memcpy(x, &v[0], 8);
        memset(x + 8, 0, 8);
        memcpy(x + 8, &v[1], 2);
        break;
    }
    default:
        for (int i = 0; i < 2; i++) {
            uint64_t v = hx_rng(rng);
            memcpy(x + 8 * i, &v, 8);
        }
        break;
    }
}

static void random_state(const FuzzCase *c, HxState *st)
{
    uint64_t rng = c->state_seed | 1;

    memset(st, 0, offsetof(HxState, stack));   /* no stack area in this layout */
    for (int i = 0; i < 16; i++) {
        switch (hx_rng(&rng) % 4) {
        case 0: st->regs[i] = hx_rng(&rng); break;
        case 1: st->regs[i] = (uint64_t)int_edge[hx_rng(&rng) % N(int_edge)]; break;
        case 2: st->regs[i] = hx_rng(&rng) & 0x7f; break;
        default: st->regs[i] = (uint64_t)(int64_t)(int32_t)hx_rng(&rng); break;
        }
        if (c->reg_set[i]) {
            st->regs[i] = c->reg_val[i];
        }
    }
    st->rflags = 0x202 | (hx_rng(&rng) & CC_ARITH_MASK);
    if (hx_rng(&rng) % 4 == 0) {
        st->rflags |= DF_MASK;
    }
    st->rip = FZ_CODE;
    st->xstate_bv = 7;         /* XINUSE all set natively: emu decides by content */

    /* x87: random RC/PC, a partly filled stack at a random TOP */
    uint16_t fcw = 0x037f | (uint16_t)((hx_rng(&rng) & 3) << 10);
    int pc = (int)(hx_rng(&rng) % 4);
    fcw = (uint16_t)((fcw & ~0x0300) | ((pc == 1 ? 3 : pc) << 8));
    if (hx_rng(&rng) % 8 == 0) {
        fcw &= (uint16_t)~(hx_rng(&rng) & 0x3f);     /* unmask some */
    }
    uint16_t fsw = (uint16_t)((hx_rng(&rng) & 7) << 11);
    memcpy(st->fx, &fcw, 2);
    memcpy(st->fx + 2, &fsw, 2);
    st->fx[4] = (uint8_t)(hx_rng(&rng) & hx_rng(&rng));
    for (int i = 0; i < 8; i++) {
        const uint64_t *v = f80_edge[hx_rng(&rng) % N(f80_edge)];
        memcpy(st->fx + 32 + 16 * i, &v[0], 8);
        memcpy(st->fx + 40 + 16 * i, &v[1], 2);
    }
    /* MXCSR: rounding, FTZ, DAZ; exceptions masked, sometimes not */
    uint32_t mxcsr = 0x1f80 | (uint32_t)((hx_rng(&rng) & 3) << 13);
    if (hx_rng(&rng) % 4 == 0) {
        mxcsr |= 0x8000;
    }
    if (hx_rng(&rng) % 4 == 0) {
        mxcsr |= 0x0040;
    }
    if (hx_rng(&rng) % 8 == 0) {
        mxcsr &= ~(uint32_t)((hx_rng(&rng) & 0x3f) << 7);
    }
    if (hx_rng(&rng) % 8 == 0) {
        mxcsr |= (uint32_t)(hx_rng(&rng) & 0x3f);   /* sticky flags already set */
    }
    memcpy(st->fx + 24, &mxcsr, 4);
    for (int i = 0; i < 16; i++) {
        fill16(&rng, st->fx + 160 + 16 * i);
        fill16(&rng, st->ymmh[i]);
    }
    if (c->vsib_reg >= 0) {
        /* gather indices: small dwords, zero odd dwords (qword indices) */
        uint8_t *lo = st->fx + 160 + 16 * c->vsib_reg, *hi = st->ymmh[c->vsib_reg];
        for (int i = 0; i < 8; i++) {
            uint32_t v = (i & 1) && hx_rng(&rng) % 2 ? 0 : (uint32_t)(hx_rng(&rng) % 64);
            memcpy(i < 4 ? lo + 4 * i : hi + 4 * (i - 4), &v, 4);
        }
    }
    for (size_t off = 0; off < FZ_DATA_SZ; off += 16) {
        fill16(&rng, st->data + off);
    }
    for (int i = 0; i < c->nb_patch; i++) {
        memcpy(st->data + c->patch_off[i], c->patch_data[i], c->patch_len[i]);
    }
}

/* ---- the harness: layout, runs, comparison ---- */

/* code page (int3-filled), a gap, the data area; nothing else mapped up
 * to FZ_UNMAPPED + 64 KiB (faulting accesses) */
static const HxLayout layout = {
    .maps = { { FZ_CODE, FZ_CODE_SZ, PROT_READ | PROT_WRITE | PROT_EXEC, 0xcc },
              { FZ_DATA, FZ_DATA_SZ, PROT_READ | PROT_WRITE, 0 } },
    .nb_maps = 2,
    .holes = { { FZ_CODE + FZ_CODE_SZ, FZ_DATA - (FZ_CODE + FZ_CODE_SZ) },
               { FZ_DATA + FZ_DATA_SZ, FZ_UNMAPPED + 0x10000 - (FZ_DATA + FZ_DATA_SZ) } },
    .nb_holes = 2,
    .code = FZ_CODE,
    .data = FZ_DATA, .data_size = FZ_DATA_SZ,
};

/* The case under emu; *unimpl: it stopped at an encoding emu decodes but
 * does not implement. */
static void emu_run(const FuzzCase *c, const HxState *in, HxState *out, bool *unimpl)
{
    int excp = hx_emu_run(&layout, c->code, (size_t)c->code_len, in, out);
    *unimpl = excp == EXCP_UD && hx_emu_env()->ud_unimplemented;
}

static int native_run(const FuzzCase *c, const HxState *in, HxState *out)
{
    return hx_native_run(&layout, c->code, (size_t)c->code_len, in, out);
}

static bool data_ignored(const void *ctx, bool stack, size_t off)
{
    const FuzzCase *c = ctx;
    (void)stack;
    for (int i = 0; i < c->nb_ignore; i++) {
        if (off >= c->ignore_off[i] && off < (size_t)c->ignore_off[i] + c->ignore_len[i]) {
            return true;
        }
    }
    return false;
}

/* Did both runs fault at a REPE/REPNE CMPS/SCAS?  Intel (emu's model)
 * then restores RFLAGS of before the instruction (SDM, REP prefix); AMD
 * hosts mostly show the flags of the last iteration done, so on them the
 * arithmetic flags are not compared then (tests/guest/rep-fault.c checks
 * them, vendor-aware). */
static bool host_intel;

static bool rep_cmp_fault(const FuzzCase *c, const HxState *nat, const HxState *emu)
{
    if ((nat->signo != SIGSEGV && nat->signo != SIGBUS) || nat->signo != emu->signo ||
        nat->rip != emu->rip) {
        return false;
    }
    for (int i = 0; i < c->nb_insns; i++) {
        const FuzzInsn *fi = &c->insns[i];
        const char *mn = fi->mnemonic ? fz_mnemonic_name(fi->mnemonic) : "";
        if (FZ_CODE + fi->off != nat->rip || (strcmp(mn, "CMPS") && strcmp(mn, "SCAS"))) {
            continue;
        }
        bool rep = false;
        for (int k = fi->off; k < fi->off + fi->len; k++) {
            uint8_t b = c->code[k];
            if (b == 0xf2 || b == 0xf3) {
                rep = true;
            } else if (!memchr("\x26\x2e\x36\x3e\x64\x65\x66\x67\xf0", b, 9) &&
                       (b & 0xf0) != 0x40) {
                break;          /* the opcode */
            }
        }
        return rep;
    }
    return false;
}

/* Appends differences to msg (one line); returns their number. */
static int compare(const FuzzCase *c, const HxState *in, const HxState *nat,
                   const HxState *emu, GString *msg, unsigned *diffp)
{
    uint64_t arith = CC_ARITH_MASK;
    if (!host_intel && rep_cmp_fault(c, nat, emu)) {
        arith = 0;
    }
    HxCompare cmp = {
        .parts = HX_CMP_X87 | HX_CMP_MXCSR | HX_CMP_XMM | HX_CMP_YMM | HX_CMP_DATA,
        .rflags_mask = (arith | DF_MASK) & ~(uint64_t)c->undef_flags,
        .fsw_hi_undef = (uint8_t)(((c->undef_flags & FZ_FLAG_X87C) ? 0x45 : 0) |
                                  ((c->undef_flags & FZ_FLAG_X87C1) ? 0x02 : 0)),
        .mem_skip = data_ignored, .ctx = c, .oneline = true,
    };
    return hx_compare(&layout, &cmp, in, nat, emu, msg, diffp);
}

/* ---- statistics ---- */

typedef struct Stats {
    uint64_t cases, compared, mismatches, lost, unimpl_cases, timeouts;
    uint64_t probes, probes_ud, gated, gated_bad, ss_bus, vendor_skipped, known;
    uint64_t *ok, *bad, *unimpl, *known_mn;   /* per mnemonic */
    uint64_t *form_ok;             /* per form (FuzzInsn.line) */
} Stats;

static const char *prog_cpu = "x86-64-v1";
static uint64_t opt_seed = 1;
static const char *opt_only;
static int opt_len = 4;
static int opt_invalid = 5;
static bool opt_verbose;

static void print_repro(uint64_t idx)
{
    printf("x86-fuzz --cpu %s --seed %lu --case %lu --len %d --invalid %d%s%s",
           prog_cpu, (unsigned long)opt_seed, (unsigned long)idx, opt_len, opt_invalid,
           opt_only ? " --only " : "", opt_only ? opt_only : "");
}

static void print_code(const FuzzCase *c)
{
    for (int i = 0; i < c->nb_insns; i++) {
        const FuzzInsn *fi = &c->insns[i];
        printf("%s%s:", i ? " ; " : "", fi->mnemonic ? fz_mnemonic_name(fi->mnemonic) : "(invalid)");
        for (int k = 0; k < fi->len; k++) {
            printf("%02x", c->code[fi->off + k]);
        }
    }
}

static void print_state(const char *what, const HxState *s)
{
    printf("  %s: rip +%#lx %s rflags %04lx\n", what, (unsigned long)(s->rip - FZ_CODE),
           hx_sig_name(s->signo), (unsigned long)s->rflags);
    for (int i = 0; i < 16; i++) {
        printf("    r%-2d %016lx%s", i, (unsigned long)s->regs[i], i % 4 == 3 ? "\n" : "");
    }
    uint16_t fcw, fsw;
    uint32_t mx;
    memcpy(&fcw, s->fx, 2);
    memcpy(&fsw, s->fx + 2, 2);
    memcpy(&mx, s->fx + 24, 4);
    printf("    fcw %04x fsw %04x ftw %02x mxcsr %08x\n", fcw, fsw, s->fx[4], mx);
}

/* Which instruction of the case starts at rip (index), or -1. */
static int insn_at(const FuzzCase *c, uint64_t rip)
{
    for (int i = 0; i < c->nb_insns; i++) {
        if (FZ_CODE + c->insns[i].off == rip) {
            return i;
        }
    }
    return -1;
}

/* The case cut after its first k instructions (ud2; ud2 appended again,
 * branches re-aimed at the new second ud2). */
static void truncate_case(const FuzzCase *c, int k, FuzzCase *t)
{
    *t = *c;
    int end = c->insns[k - 1].off + c->insns[k - 1].len;
    t->nb_insns = k;
    t->code_len = end + 4;
    t->code[end] = 0x0f;
    t->code[end + 1] = 0x0b;
    t->code[end + 2] = 0x0f;
    t->code[end + 3] = 0x0b;
    t->undef_flags = 0;
    for (int i = 0; i < k; i++) {
        t->undef_flags |= c->insns[i].undef_flags;
    }
    for (int i = 0; i < c->nb_rel; i++) {
        if (c->rel_end[i] > end) {
            continue;
        }
        int64_t disp = (end + 2) - c->rel_end[i];
        if (c->rel_size[i] == 1) {
            t->code[c->rel_at[i]] = (uint8_t)(int8_t)disp;
        } else {
            int32_t d32 = (int32_t)disp;
            memcpy(t->code + c->rel_at[i], &d32, 4);
        }
    }
}

/* Shortest prefix of a mismatching sequence that mismatches too: its last
 * instruction is the one to blame.  Returns its index, or -1; *diffp gets
 * what differs after that prefix (left alone for the whole sequence). */
static int minimize(const FuzzCase *c, const HxState *in, unsigned *diffp)
{
    static FuzzCase t;
    static HxState nat, emu;
    bool unimpl;

    for (int k = 1; k < c->nb_insns; k++) {
        truncate_case(c, k, &t);
        emu_run(&t, in, &emu, &unimpl);
        if (native_run(&t, in, &nat) < 0 || unimpl) {
            return -1;
        }
        GString *m = g_string_new(NULL);
        unsigned d = 0;
        int bad = compare(&t, in, &nat, &emu, m, &d);
        g_string_free(m, TRUE);
        if (bad) {
            *diffp = d;
            return k - 1;
        }
    }
    return c->nb_insns - 1;
}

static bool run_case(uint64_t idx, Stats *s)
{
    FuzzCase c;
    static HxState in, nat, emu;
    bool unimpl;

    if (!fz_gen_case(opt_seed, idx, &c)) {
        return false;
    }
    s->cases++;
    random_state(&c, &in);
    emu_run(&c, &in, &emu, &unimpl);

    if (c.gated_probe) {
        s->gated++;
        if ((emu.signo != SIGILL || emu.rip != FZ_CODE) &&
            fz_known_match(c.insns[0].mnemonic, HX_DIFF_SIG, &nat, &emu, true)) {
            s->known++;
            s->known_mn[c.insns[0].mnemonic]++;
        } else if (emu.signo != SIGILL || emu.rip != FZ_CODE) {
            s->gated_bad++;
            s->mismatches++;
            s->bad[c.insns[0].mnemonic]++;
            printf("MISMATCH %s: executes under -cpu %s, which lacks its feature %s | ",
                   fz_mnemonic_name(c.insns[0].mnemonic), prog_cpu,
                   fz_feature_name(fz_feature_of(c.insns[0].mnemonic, -1, c.insns[0].vex,
                                                 c.insns[0].vex_l, false)));
            print_repro(idx);
            printf(" | ");
            print_code(&c);
            printf("\n");
        }
        return true;
    }

    if (native_run(&c, &in, &nat) < 0) {
        s->lost++;
        printf("warning: native child lost on case %lu: ", (unsigned long)idx);
        print_code(&c);
        printf("\n");
        return true;
    }
    if (nat.signo == HX_SIG_TIMEOUT) {
        s->timeouts++;
        return true;
    }
    uint32_t nat_mxcsr;
    memcpy(&nat_mxcsr, nat.fx + 24, 4);
    if (nat_mxcsr & 0x20000) {
        /* AMD's misaligned-SSE mode bit (MXCSR_MASK 0x2ffff) got loaded
         * from random data: Intel (emu's model) raises #GP instead */
        s->vendor_skipped++;
        return true;
    }
    if (unimpl) {
        int k = insn_at(&c, emu.rip);
        /* unimplemented, unless the host stopped before getting there */
        if (nat.rip >= emu.rip || nat.signo != SIGILL) {
            if (k >= 0 && (nat.rip > emu.rip || (nat.rip == emu.rip && nat.signo != SIGILL) ||
                           c.invalid_probe)) {
                s->unimpl_cases++;
                s->unimpl[c.insns[k].mnemonic]++;
                if (opt_verbose) {
                    printf("unimplemented: %s (case %lu)\n",
                           fz_mnemonic_name(c.insns[k].mnemonic), (unsigned long)idx);
                }
                return true;
            }
            if (k >= 0 && nat.rip == emu.rip && nat.signo == SIGILL) {
                /* emu doesn't know it and the host says #UD too: agree */
                unimpl = false;
            }
        }
    }
    s->compared++;
    if (c.invalid_probe) {
        s->probes++;
        if (nat.signo == SIGILL && nat.rip == FZ_CODE) {
            s->probes_ud++;
        }
    }
    GString *msg = g_string_new(NULL);
    unsigned diff = 0;
    int bad = compare(&c, &in, &nat, &emu, msg, &diff);
    if (bad) {
        /* blame the instruction the host stopped at, else all executed */
        int k = insn_at(&c, nat.rip);
        int blamed = -1;
        for (int i = 0; i < c.nb_insns; i++) {
            if (FZ_CODE + c.insns[i].off <= nat.rip) {
                blamed = i;
            }
        }
        if (nat.signo != SIGILL && k >= 0) {
            blamed = k;
        }
        if (emu.signo == SIGILL && !unimpl && nat.rip > emu.rip && insn_at(&c, emu.rip) >= 0) {
            blamed = insn_at(&c, emu.rip);
            g_string_append(msg, " (emu #UD: model gate or decoder?)");
        } else if (c.nb_insns > 1) {
            unsigned mdiff = diff;
            int m = minimize(&c, &in, &mdiff);
            if (m >= 0) {
                diff = mdiff;   /* the known list judges the first difference */
            }
            if (m >= 0) {
                blamed = m;
                g_string_append_printf(msg, " (first differs after insn %d)", m + 1);
            }
        }
        int mn = blamed >= 0 ? c.insns[blamed].mnemonic : 0;
        const char *name = fz_mnemonic_name(mn);
        if (fz_known_match(mn, diff, &nat, &emu, false)) {
            /* on the known-mismatch list: counted apart, not a failure */
            s->known++;
            s->known_mn[mn]++;
            if (opt_verbose) {
                printf("KNOWN %s | ", name);
                print_repro(idx);
                printf(" | ");
                print_code(&c);
                printf(" |%s\n", msg->str);
            }
            g_string_free(msg, TRUE);
            return true;
        }
        s->mismatches++;
        if (nat.signo == SIGBUS && emu.signo == SIGSEGV && nat.rip == emu.rip) {
            /* one emu issue, whatever the instruction: a non-canonical
             * rsp/rbp-based address is #SS, which Linux delivers as SIGBUS */
            s->ss_bus++;
            name = "#SS-as-SIGSEGV";
        } else {
            s->bad[mn]++;
        }
        printf("MISMATCH %s%s | ", name, c.invalid_probe ? " (encoding probe)" : "");
        print_repro(idx);
        printf(" | ");
        print_code(&c);
        printf(" |%s\n", msg->str);
        if (opt_verbose) {
            print_state("in", &in);
            print_state("native", &nat);
            print_state("emu", &emu);
        }
    } else {
        for (int i = 0; i < c.nb_insns; i++) {
            if (FZ_CODE + c.insns[i].off <= nat.rip && c.insns[i].mnemonic) {
                s->ok[c.insns[i].mnemonic]++;
                if (!c.invalid_probe) {
                    s->form_ok[c.insns[i].line]++;
                }
            }
        }
    }
    g_string_free(msg, TRUE);
    return true;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: x86-fuzz [--seed S] [--count N] [--cpu MODEL] [--only MN[,MN..]]\n"
            "                [--len L] [--case I] [--invalid PCT] [--max-seconds T] [--verbose]\n"
            "                [--known FILE]\n");
    exit(2);
}

static int cmp_count_desc(const void *a, const void *b, void *u)
{
    const uint64_t *cnt = u;
    int x = *(const int *)a, y = *(const int *)b;
    return cnt[y] > cnt[x] ? 1 : cnt[y] < cnt[x] ? -1 : x - y;
}

static void print_list(const char *title, const uint64_t *cnt, const bool *filter, bool counts)
{
    int n = fz_mnemonic_count(), k = 0;
    int *idx = g_new(int, n);
    for (int mn = cnt ? 0 : 1; mn < n; mn++) {
        if (cnt ? cnt[mn] : filter[mn]) {
            idx[k++] = mn;
        }
    }
    if (cnt) {
        g_qsort_with_data(idx, k, sizeof(int), cmp_count_desc, (void *)cnt);
    }
    printf("%s (%d):", title, k);
    for (int i = 0; i < k; i++) {
        if (counts && cnt) {
            printf(" %s(%lu)", fz_mnemonic_name(idx[i]), (unsigned long)cnt[idx[i]]);
        } else {
            printf(" %s", fz_mnemonic_name(idx[i]));
        }
    }
    printf("\n");
    g_free(idx);
}

int main(int argc, char **argv)
{
    uint64_t count = 1000;
    int64_t one_case = -1;
    double max_seconds = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            opt_verbose = true;
            continue;
        }
        if (!v) {
            usage();
        }
        i++;
        if (!strcmp(a, "--seed")) {
            opt_seed = strtoull(v, NULL, 0);
        } else if (!strcmp(a, "--count")) {
            count = strtoull(v, NULL, 0);
        } else if (!strcmp(a, "--cpu")) {
            prog_cpu = v;
        } else if (!strcmp(a, "--only")) {
            opt_only = v;
        } else if (!strcmp(a, "--len")) {
            opt_len = atoi(v);
            if (opt_len < 1 || opt_len > FZ_MAX_INSNS) {
                usage();
            }
        } else if (!strcmp(a, "--case")) {
            one_case = strtoll(v, NULL, 0);
        } else if (!strcmp(a, "--invalid")) {
            opt_invalid = atoi(v);
        } else if (!strcmp(a, "--max-seconds")) {
            max_seconds = atof(v);
        } else if (!strcmp(a, "--known")) {
            if (fz_known_load(v) < 0) {
                return 2;
            }
        } else {
            usage();
        }
    }

    unsigned max_leaf, vb, vc, vd;
    __cpuid(0, max_leaf, vb, vc, vd);
    host_intel = vb == 0x756e6547 && vd == 0x49656e69 && vc == 0x6c65746e;  /* GenuineIntel */

    /* the native child first: it needn't inherit emu's reservation */
    if (hx_native_start(&layout) < 0) {
        fprintf(stderr, "x86-fuzz: cannot start the native sandbox\n");
        return 2;
    }
    int r = x86_cpu_model_force_for_test(prog_cpu) ? hx_emu_init(&layout) : -100;
    if (r == -100) {
        printf("x86-fuzz: CPU model %s does not exist: skipped\n", prog_cpu);
        hx_native_stop();
        return 77;
    }
    if (r < 0) {
        fprintf(stderr, "x86-fuzz: emu setup failed (%d)\n", r);
        return 2;
    }
    FuzzGenConfig cfg = { .only = opt_only, .max_len = opt_len, .invalid_percent = opt_invalid };
    fz_gen_init(&cfg);

    int nmn = fz_mnemonic_count();
    Stats s = { 0 };
    s.ok = g_new0(uint64_t, nmn);
    s.bad = g_new0(uint64_t, nmn);
    s.unimpl = g_new0(uint64_t, nmn);
    s.known_mn = g_new0(uint64_t, nmn);
    s.form_ok = g_new0(uint64_t, fz_variant_count() + 1);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (one_case >= 0) {
        opt_verbose = true;
        if (!run_case((uint64_t)one_case, &s)) {
            fprintf(stderr, "x86-fuzz: no eligible instruction\n");
        }
    } else {
        for (uint64_t i = 0; i < count; i++) {
            if (!run_case(i, &s) && s.cases == 0 && i > 100) {
                fprintf(stderr, "x86-fuzz: no eligible instruction for this model/--only\n");
                break;
            }
            if (max_seconds > 0 && (i & 63) == 0) {
                clock_gettime(CLOCK_MONOTONIC, &t1);
                if ((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9 >
                    max_seconds) {
                    break;
                }
            }
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    hx_native_stop();

    bool *in_table = g_new0(bool, nmn);
    int table = fz_table_mnemonics(in_table);
    int exercised = 0, clean = 0;
    bool *never = g_new0(bool, nmn);
    for (int mn = 1; mn < nmn; mn++) {
        if (in_table[mn] && s.ok[mn]) {
            exercised++;
            clean += !s.bad[mn];
        }
        if (in_table[mn] && !s.ok[mn] && !s.unimpl[mn] && !s.bad[mn]) {
            never[mn] = true;
        }
    }
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("x86-fuzz: cpu %s seed %lu: %lu cases in %.1f s (%lu compared, %lu not implemented, "
           "%lu lost, %lu timeouts, %lu vendor-skipped)\n",
           prog_cpu, (unsigned long)opt_seed, (unsigned long)s.cases, secs,
           (unsigned long)s.compared, (unsigned long)s.unimpl_cases, (unsigned long)s.lost,
           (unsigned long)s.timeouts, (unsigned long)s.vendor_skipped);
    printf("encoding probes: %lu (host #UD on %lu); gated probes: %lu (%lu executed wrongly)\n",
           (unsigned long)s.probes, (unsigned long)s.probes_ud, (unsigned long)s.gated,
           (unsigned long)s.gated_bad);
    printf("coverage: %d / %d mnemonics of the table exercised and matched at least once, "
           "%d of them never mismatched (cpu %s%s%s)\n",
           exercised, table, clean, prog_cpu, opt_only ? ", --only " : "", opt_only ? opt_only : "");
    int nv = fz_variant_count(), forms_ok = 0;
    bool *elig = g_new0(bool, nv + 1);
    int forms = fz_table_forms(elig);
    for (int i = 0; i < nv; i++) {
        forms_ok += elig[i] && s.form_ok[i];
    }
    printf("forms: %d / %d table lines (legacy and VEX encodings apart) exercised and matched\n",
           forms_ok, forms);
    if (opt_verbose) {
        printf("forms never matched:");
        for (int i = 0; i < nv; i++) {
            if (elig[i] && !s.form_ok[i]) {
                printf(" %s#%d", fz_form_name(i), i);
            }
        }
        printf("\n");
    }
    print_list("not implemented", s.unimpl, NULL, true);
    print_list("mismatching", s.bad, NULL, true);
    if (s.ss_bus) {
        printf("mismatching #SS-as-SIGSEGV (rsp/rbp-based non-canonical address: host SIGBUS, "
               "emu SIGSEGV): %lu\n", (unsigned long)s.ss_bus);
    }
    if (s.known) {
        print_list("known (on the --known list, not counted as mismatches)", s.known_mn, NULL, true);
        fz_known_summary();
    }
    if (opt_verbose) {
        print_list("in the table, never reached", NULL, never, false);
    }
    printf("mismatches: %lu\n", (unsigned long)s.mismatches);
    return s.mismatches ? 1 : 0;
}
