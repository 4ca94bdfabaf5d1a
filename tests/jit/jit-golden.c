/*
 * tests/jit/jit-golden.c — how much host code the JIT makes for each guest
 * instruction of a fixed list: the golden code-size table (docs/jit.md,
 * "Golden code-size table"), in the manner of FEX's InstructionCountCI.
 *
 * For every entry of the list (tests/jit/insns.txt: "asm text | hex bytes",
 * one or a few guest instructions) the bytes are put at a fixed guest
 * address and translated as the core's tb_gen_code does — front end,
 * optimizer, then the host JIT's gen_code, called directly so that
 * EMU_BACKEND does not matter — but never run.  The TB is cut after the
 * entry's instructions (max_insns = their number), so it ends the way a
 * TB reaching its instruction limit ends (goto_tb to the next pc), unless
 * an instruction ends it itself (jmp, call, ret, jcc...).
 *
 * Method (isolating an instruction's own code): a TB always carries
 * end-of-block code (writing back dirty globals, setting rip, the exit).
 * The baseline is the TB of a lone `nop`, which translates to nothing but
 * that end-of-block code.  Each entry's numbers are its TB's minus the
 * baseline's; the baseline itself is printed in the table's header, so a
 * change to the end-of-block code shows up there (once) rather than in
 * every line.  What an instruction adds to the end of the block — the
 * write-back of the guest registers and flags words it changed — is thus
 * counted as its own, which is what it costs.  A TB-ending instruction
 * replaces the fall-through exit by its own exits, so its numbers are
 * "exits it makes minus the plain exit" and may be small or negative.
 *
 * Columns:
 *   ir     IR ops after optimization (nop, insn_start and discard, which
 *          make no code, not counted)
 *   host   host instructions (capstone) of the TB's main body: up to and
 *          including its last jmp out of the TB (the last exit)
 *   bytes  host code bytes of the main body
 *   ool    host instructions after it: the out-of-line slow paths of
 *          guest accesses (taken only near the end of guest memory)
 *   ool-b  their bytes
 *
 * Determinism: the numbers depend only on the code, not on addresses: the
 * guest pc is fixed (below 4 GiB: rip stores are imm32), code-cache
 * addresses appear only in rel32 jumps, and helper addresses in
 * `mov r11, imm64` whose size is fixed in a PIE build (the tool skips,
 * exit 77, in a non-PIE build, where helpers sit below 4 GiB).  The JIT's
 * host-feature choices are pinned: EMU_JIT_NO_* are cleared and a host
 * without BMI2/POPCNT skips.  The CPU model is x86-64-v3 (AVX2, FMA, BMI).
 *
 * Usage: jit-golden LIST            print the table (stdout)
 *        jit-golden --dump LIST N   IR after optimization and host code of
 *                                   the entries whose text contains N
 * tests/jit/golden-test.py compares the table with tests/jit/golden.txt.
 */
#include <capstone/capstone.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/exec.h"
#include "emu/translator.h"
#include "emu/tcg/tcg.h"
#include "emu/tcg/backend.h"
#include "emu/tcg/x86_64/cache.h"   /* JitCode: the backend's code handle */
#include "emu/x86/cpu-model.h"
#include "softmmu/softmmu.h"

#define GUEST_CODE 0x400000ULL     /* fixed: rip constants fit an imm32 */
#define GUEST_CODE_SIZE 0x10000ULL
#define MAX_BYTES 64

typedef struct Entry {
    char *text;
    uint8_t bytes[MAX_BYTES];
    int len;
    int ninsns;          /* guest instructions: "; "-separated parts of text */
} Entry;

typedef struct Cost {
    int ir;
    int host, bytes;           /* inline code: the TB's main body */
    int ool_host, ool_bytes;   /* out-of-line code after it (slow paths) */
} Cost;

static CPUX86State *env;
static csh cs;

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "jit-golden: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

/* Skip (meson's exit code 77) with the reason. */
static void skip(const char *why)
{
    printf("SKIP: %s\n", why);
    exit(77);
}

static void setup(void)
{
    /* The table is for the JIT's full host feature set. */
    if (!__builtin_cpu_supports("bmi2") || !__builtin_cpu_supports("popcnt")) {
        skip("host lacks BMI2 or POPCNT: the JIT takes its fallback paths");
    }
    if ((uintptr_t)&setup < (1ULL << 32)) {
        skip("non-PIE build: helper addresses fit an imm32, sizes would differ");
    }
    unsetenv("EMU_JIT_NO_BMI2");
    unsetenv("EMU_JIT_NO_POPCNT");
    unsetenv("EMU_JIT_CACHE_KB");
    /* The core sets chaining up for the backend EMU_BACKEND names (the
     * interp test setup sets it): the JIT's, as in a normal run. */
    unsetenv("EMU_BACKEND");
    if (!x86_cpu_model_set("x86-64-v3")) {
        die("no CPU model %s", "x86-64-v3");
    }
    if (mm_init() != 0) {
        die("%s", "cannot reserve guest memory");
    }
    cpu_exec_init_all();
    env = g_malloc0(sizeof(*env));
    cpu_x86_init(env);
    cpu_exec_init_vcpu(env);
    if (mm_mmap(GUEST_CODE, GUEST_CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != (int64_t)GUEST_CODE) {
        die("%s", "cannot map guest code");
    }
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
        die("%s", "capstone unavailable");
    }
}

/* Parse "text | hex bytes" lines; '#' starts a comment line. */
static Entry *read_list(const char *path, int *n)
{
    gchar *all;
    if (!g_file_get_contents(path, &all, NULL, NULL)) {
        die("cannot read %s", path);
    }
    gchar **lines = g_strsplit(all, "\n", -1);
    GArray *a = g_array_new(FALSE, TRUE, sizeof(Entry));
    for (int i = 0; lines[i]; i++) {
        char *l = g_strstrip(lines[i]);
        if (!*l || *l == '#') {
            continue;
        }
        char *bar = strrchr(l, '|');
        if (!bar) {
            die("list line without '|': %s", l);
        }
        *bar = 0;
        Entry e = { .text = g_strdup(g_strstrip(l)), .ninsns = 1 };
        for (const char *p = e.text; (p = strchr(p, ';')); p++) {
            e.ninsns++;
        }
        for (char *p = bar + 1;;) {
            while (isspace((unsigned char)*p)) {
                p++;
            }
            if (!*p) {
                break;
            }
            char *end;
            unsigned long v = strtoul(p, &end, 16);
            if (end != p + 2 || v > 0xff || e.len == MAX_BYTES) {
                die("bad bytes in list entry: %s", e.text);
            }
            e.bytes[e.len++] = (uint8_t)v;
            p = end;
        }
        if (!e.len) {
            die("no bytes in list entry: %s", e.text);
        }
        g_array_append_val(a, e);
    }
    g_strfreev(lines);
    g_free(all);
    *n = (int)a->len;
    return (Entry *)g_array_free(a, FALSE);
}

static int count_ir(TCGContext *s)
{
    int n = 0;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        unsigned opc = s->ops[i].opc;
        n += opc != INDEX_op_nop && !(tcg_op_defs[opc].flags & TCG_OPF_NOT_PRESENT);
    }
    return n;
}

/* Translate e (without running it); fill *c, and print IR and host code
 * if dump. */
static void measure(const Entry *e, Cost *c, bool dump)
{
    /* the bytes after the entry are a recognisable pad (int3) */
    uint8_t page[256];
    memset(page, 0xcc, sizeof(page));
    memcpy(page, e->bytes, e->len);
    if (mm_copy_to_guest(GUEST_CODE, page, sizeof(page)) != 0) {
        die("%s", "cannot write guest code");
    }

    TranslationBlock tb = {
        .pc = GUEST_CODE,
        .jmp_target = { (uint64_t)-1, (uint64_t)-1 },
    };
    TCGContext *s = tcg_ctx();
    tcg_func_start();
    s->tb = &tb;
    x86_translate_code(env, &tb, e->ninsns);
    if (tb.icount != (uint32_t)e->ninsns || tb.size != (uint32_t)e->len) {
        fprintf(stderr, "jit-golden: '%s': translated %u insns / %u bytes, list has %d / %d\n",
                e->text, tb.icount, tb.size, e->ninsns, e->len);
        exit(1);
    }
    tcg_optimize(s);
    c->ir = count_ir(s);
    if (dump) {
        printf("== %s\n-- IR after optimization:\n", e->text);
        tcg_dump_ops(s, stdout);
    }

    size_t size = 0;
    JitCode *h = tcg_backend_jit.gen_code(s, &size);
    if (!h) {
        /* code cache segment full: the retry opens a fresh one (no TB
         * of ours is linked, so there is nothing to flush) */
        h = tcg_backend_jit.gen_code(s, &size);
        g_assert(h);
    }
    s->tb = NULL;
    cs_insn *insn;
    size_t n = cs_disasm(cs, h->code, size, 0, 0, &insn);
    size_t covered = n ? insn[n - 1].address + insn[n - 1].size : 0;
    if (covered != size) {
        fprintf(stderr, "jit-golden: '%s': capstone stops at host byte %zu of %zu\n",
                e->text, covered, size);
        exit(1);
    }
    if (dump) {
        printf("-- host code (%zu bytes):\n", size);
        for (size_t i = 0; i < n; i++) {
            printf("  %4" PRIx64 ":  %-8s %s\n", insn[i].address, insn[i].mnemonic,
                   insn[i].op_str);
        }
        printf("\n");
    }
    /* The main body ends with the TB's last exit: the last jmp out of the
     * TB's code (to the epilogue).  Slow paths follow it; they only jump
     * back into the body. */
    size_t body = n;
    for (size_t i = 0; i < n; i++) {
        if (insn[i].id == X86_INS_JMP && !strncmp(insn[i].op_str, "0x", 2) &&
            strtoull(insn[i].op_str, NULL, 16) >= size) {
            body = i + 1;
        }
    }
    c->host = (int)body;
    c->bytes = body < n ? (int)insn[body].address : (int)size;
    c->ool_host = (int)(n - body);
    c->ool_bytes = (int)size - c->bytes;
    if (n) {
        cs_free(insn, n);
    }
    tcg_backend_jit.free_code(h);
}

int main(int argc, char **argv)
{
    const char *dump = NULL;
    if (argc == 4 && !strcmp(argv[1], "--dump")) {
        dump = argv[3];
        argv++;
    } else if (argc != 2) {
        fprintf(stderr, "usage: jit-golden LIST | jit-golden --dump LIST TEXT\n");
        return 2;
    }
    setup();
    int n;
    Entry *list = read_list(argv[1], &n);

    const Entry nop = { .text = "nop", .bytes = { 0x90 }, .len = 1, .ninsns = 1 };
    Cost base;
    measure(&nop, &base, dump != NULL);
    if (dump) {
        for (int i = 0; i < n; i++) {
            if (strstr(list[i].text, dump)) {
                Cost c;
                measure(&list[i], &c, true);
            }
        }
        return 0;
    }

    int w = 24;
    for (int i = 0; i < n; i++) {
        w = MAX(w, (int)strlen(list[i].text));
    }
    printf("# Host code per guest instruction (JIT, model x86-64-v3): see docs/jit.md,\n"
           "# \"Golden code-size table\".  Each line: the entry's TB minus the\n"
           "# baseline TB (a lone nop: end-of-block code only), which is\n"
           "#   %d ir, %d host, %d bytes, %d ool, %d ool bytes.\n"
           "# ir: IR ops after optimization; host/bytes: host instructions and\n"
           "# bytes of the main body; ool/ool-b: out-of-line slow paths.\n",
           base.ir, base.host, base.bytes, base.ool_host, base.ool_bytes);
    printf("#\n# %-*s %4s %5s %6s %4s %6s\n", w - 2, "guest", "ir", "host", "bytes",
           "ool", "ool-b");
    Cost sum = { 0 };
    for (int i = 0; i < n; i++) {
        Cost c;
        measure(&list[i], &c, false);
        c.ir -= base.ir;
        c.host -= base.host;
        c.bytes -= base.bytes;
        c.ool_host -= base.ool_host;
        c.ool_bytes -= base.ool_bytes;
        sum.ir += c.ir;
        sum.host += c.host;
        sum.bytes += c.bytes;
        sum.ool_host += c.ool_host;
        sum.ool_bytes += c.ool_bytes;
        printf("%-*s %4d %5d %6d %4d %6d\n", w, list[i].text, c.ir, c.host, c.bytes,
               c.ool_host, c.ool_bytes);
    }
    printf("#\n# %-*s %4d %5d %6d %4d %6d\n", w - 2, "total", sum.ir, sum.host, sum.bytes,
           sum.ool_host, sum.ool_bytes);
    cs_close(&cs);
    return 0;
}
