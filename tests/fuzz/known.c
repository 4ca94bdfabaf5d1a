/*
 * tests/fuzz/known.c — the known-mismatch list (`--known FILE`).
 *
 * A mismatch that matches a line of the list is counted and reported as
 * "known", not as a mismatch: emu bugs that are understood and owned by
 * someone, so that the meson 'fuzz' tests stay able to fail on anything
 * new.  A line is `MN[,MN...] CONDITION OWNER REASON...`; '#' starts a
 * comment.  The condition says which differences the entry covers (see
 * fz_known_match), so a different failure of the same instruction still
 * counts as a mismatch.  See docs/fuzzer.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <glib.h>
#include "fuzz.h"

typedef struct Known {
    bool *mn;        /* per mnemonic */
    int cond;
    char *text;      /* "OWNER REASON" for the summary */
    uint64_t hits;
} Known;

static const char *const cond_names[] = {
    [FZ_KNOWN_X87] = "x87",
    [FZ_KNOWN_FAULT_X87] = "fault-x87",
    [FZ_KNOWN_MF_FIRST] = "mf-first",
    [FZ_KNOWN_MXCSR] = "mxcsr",
    [FZ_KNOWN_XMM] = "xmm",
    [FZ_KNOWN_GATED] = "gated",
};

static GPtrArray *known;

static int mn_by_name(const char *name)
{
    int n = fz_mnemonic_count();
    for (int mn = 1; mn < n; mn++) {
        if (!strcmp(fz_mnemonic_name(mn), name)) {
            return mn;
        }
    }
    return -1;
}

/* Returns 0, or -1 after printing what is wrong. */
int fz_known_load(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    int lineno = 0;

    if (!f) {
        perror(path);
        return -1;
    }
    known = g_ptr_array_new();
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) {
            *hash = 0;
        }
        g_strstrip(line);
        if (!*line) {
            continue;
        }
        char **w = g_strsplit_set(line, " \t", 3);
        if (!w[0] || !w[1] || !w[2]) {
            fprintf(stderr, "%s:%d: want MN[,MN..] CONDITION OWNER REASON\n", path, lineno);
            g_strfreev(w);
            fclose(f);
            return -1;
        }
        Known *k = g_new0(Known, 1);
        k->cond = -1;
        for (int c = 0; c < (int)G_N_ELEMENTS(cond_names); c++) {
            if (cond_names[c] && !strcmp(w[1], cond_names[c])) {
                k->cond = c;
            }
        }
        k->mn = g_new0(bool, fz_mnemonic_count());
        char **mns = g_strsplit(w[0], ",", -1);
        bool ok = k->cond >= 0;
        for (int i = 0; mns[i] && ok; i++) {
            int mn = mn_by_name(mns[i]);
            if (mn < 0) {
                fprintf(stderr, "%s:%d: unknown mnemonic %s\n", path, lineno, mns[i]);
                ok = false;
            } else {
                k->mn[mn] = true;
            }
        }
        if (k->cond < 0) {
            fprintf(stderr, "%s:%d: unknown condition %s\n", path, lineno, w[1]);
        }
        g_strfreev(mns);
        if (!ok) {
            g_strfreev(w);
            fclose(f);
            return -1;
        }
        k->text = g_strdup_printf("%s %s: %s", w[0], w[1], g_strstrip(w[2]));
        g_ptr_array_add(known, k);
        g_strfreev(w);
    }
    fclose(f);
    return 0;
}

/*
 * Does the mismatch (blamed on mn; diff = HX_DIFF_* bits of what differs)
 * match a line?  Conditions:
 *   x87        only the x87 part of the FXSAVE image differs (FSW/FTW/ST)
 *   fault-x87  the same, and the host stopped on a memory fault (the
 *              instruction changed x87 state before faulting)
 *   mf-first   host SIGFPE, emu SIGSEGV/SIGBUS at the same instruction
 *              (a pending x87 exception must come before a memory fault)
 *   mxcsr      MXCSR differs (SIMD FP flags; with unmasked exceptions
 *              whatever follows from them may differ too)
 *   xmm        only XMM/YMM registers differ
 *   gated      a gated probe: emu executes what the model lacks
 */
bool fz_known_match(int mn, unsigned diff, const HxState *nat, const HxState *emu,
                    bool gated)
{
    if (!known) {
        return false;
    }
    for (guint i = 0; i < known->len; i++) {
        Known *k = g_ptr_array_index(known, i);
        bool m = false;
        if (!k->mn[mn]) {
            continue;
        }
        switch (k->cond) {
        case FZ_KNOWN_X87:
            m = !gated && diff && !(diff & ~HX_DIFF_X87);
            break;
        case FZ_KNOWN_FAULT_X87:
            m = !gated && diff && !(diff & ~HX_DIFF_X87) &&
                (nat->signo == SIGSEGV || nat->signo == SIGBUS);
            break;
        case FZ_KNOWN_MF_FIRST:
            m = !gated && nat->signo == SIGFPE && nat->rip == emu->rip &&
                (emu->signo == SIGSEGV || emu->signo == SIGBUS);
            break;
        case FZ_KNOWN_MXCSR:
            m = !gated && (diff & HX_DIFF_MXCSR);
            break;
        case FZ_KNOWN_XMM:
            m = !gated && diff && !(diff & ~HX_DIFF_XMM);
            break;
        case FZ_KNOWN_GATED:
            m = gated;
            break;
        }
        if (m) {
            k->hits++;
            return true;
        }
    }
    return false;
}

void fz_known_summary(void)
{
    if (!known) {
        return;
    }
    for (guint i = 0; i < known->len; i++) {
        Known *k = g_ptr_array_index(known, i);
        if (k->hits) {
            printf("  known %lu x %s\n", (unsigned long)k->hits, k->text);
        }
    }
}
