/*
 * tests/isa/decode-sweep.c — emu's decoder and translator over the .text of
 * every x86-64 ELF file under some directories (default: /usr/bin and
 * /usr/lib/x86_64-linux-gnu, recursively).
 *
 * For each instruction capstone decodes:
 *   - x86_decode() must give the same length: mismatches are printed, and
 *     those not of a known harmless kind (explained_mismatch) make the exit
 *     status 1;
 *   - the instruction is translated alone under the selected CPU model
 *     (-cpu, default "max") and classified: translates, #UD because the
 *     model lacks it or the encoding is invalid ("illegal"), #UD because
 *     emu has no emitter for it ("unimplemented"), or EVEX (AVX-512, which
 *     no model has), or not modelled by the decoder at all (UNKNOWN: VMX,
 *     3DNow!, AVX-512 mask ops...).  The #UD counts are reported by mnemonic; they are
 *     information, not failures.
 * Translation results are cached by instruction bytes (they do not depend
 * on the address), so the sweep costs about one capstone pass.
 *
 * usage: decode-sweep [-cpu MODEL] [-sample N -max-size BYTES] [-v] [PATH...]
 *   -sample N     only N files, spread evenly over the sorted list (and no
 *                 larger than -max-size, default 4 MiB): the meson test
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <capstone/capstone.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/exec.h"
#include "emu/translator.h"
#include "emu/tcg/tcg.h"
#include "emu/x86/cpu-model.h"
#include "emu/x86/decode.h"
#include "softmmu/softmmu.h"

#define G_CODE 0x10000000ull

enum { SW_OK, SW_ILLEGAL, SW_UNIMP, SW_EVEX, SW_UNKNOWN, SW_NB };
static const char *const r_names[SW_NB] = {
    "ok", "illegal", "unimplemented", "evex", "not modelled (decoder UNKNOWN)",
};

typedef struct Sweep {
    CPUX86State *env;
    csh cs;
    GHashTable *cache;          /* insn bytes -> result + 1 */
    GHashTable *ud_mnem[SW_NB];  /* "mnemonic" -> count, per #UD class */
    GHashTable *ud_example;     /* "class mnemonic" -> example bytes */
    GHashTable *len_class;      /* "emu verdict | capstone mnemonic" -> count */
    GHashTable *len_example;    /* same key -> "file+addr: bytes" */
    GHashTable *len_files;      /* file -> mismatch count */
    long files, elf_files, insns, len_mismatch, len_explained, cs_skipped;
    long res[SW_NB];
    bool verbose;
} Sweep;

/* ---- translation ---- */

static void sweep_emu_init(Sweep *sw)
{
    if (mm_init() != 0) {
        fprintf(stderr, "decode-sweep: mm_init failed\n");
        exit(2);
    }
    cpu_exec_init_all();
    sw->env = g_malloc0(sizeof(*sw->env));
    cpu_x86_init(sw->env);
    cpu_exec_init_vcpu(sw->env);
    int64_t r = mm_mmap(G_CODE, 2 * GUEST_PAGE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert(r == (int64_t)G_CODE);
}

/* Does the op list of the current translation raise #UD?  Returns SW_OK,
 * SW_ILLEGAL or SW_UNIMP (the raise_exception helper's third argument). */
static int scan_ops(void)
{
    TCGContext *s = tcg_ctx();
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        if (op->opc != INDEX_op_call) {
            continue;
        }
        const TCGHelperInfo *info =
            (const TCGHelperInfo *)op->args[op->call_oargs + op->call_iargs];
        if (!info || !info->name || strcmp(info->name, "raise_exception") != 0) {
            continue;
        }
        const TCGTemp *excp = (const TCGTemp *)op->args[op->call_oargs + 1];
        const TCGTemp *unimp = (const TCGTemp *)op->args[op->call_oargs + 2];
        if (excp->kind == TEMP_CONST && excp->val == EXCP_UD) {
            return unimp->kind == TEMP_CONST && unimp->val ? SW_UNIMP : SW_ILLEGAL;
        }
    }
    return SW_OK;
}

static int translate_one(Sweep *sw, const uint8_t *p, int len)
{
    uint8_t buf[32];
    memset(buf, 0x90, sizeof(buf));
    memcpy(buf, p, len);
    g_assert(mm_copy_to_guest(G_CODE, buf, sizeof(buf)) == 0);

    TranslationBlock tb = { .pc = G_CODE };
    tb.jmp_target[0] = tb.jmp_target[1] = (uint64_t)-1;
    tcg_func_start();
    tcg_ctx()->tb = &tb;
    x86_translate_code(sw->env, &tb, 1);
    return scan_ops();
}

static int classify(Sweep *sw, const uint8_t *p, int len, const X86Insn *insn)
{
    if (insn->prefixes & X86_PREFIX_EVEX) {
        return SW_EVEX;
    }
    if (insn->mnemonic == X86_MN_UNKNOWN) {
        return SW_UNKNOWN;   /* VMX, 3DNow!, AVX-512 k-ops...: no model has them */
    }
    char key[17];
    key[0] = (char)len;
    memcpy(key + 1, p, len);
    gpointer v = g_hash_table_lookup(sw->cache, key);
    if (v) {
        return GPOINTER_TO_INT(v) - 1;
    }
    int r = translate_one(sw, p, len);
    g_hash_table_insert(sw->cache, g_memdup2(key, len + 1), GINT_TO_POINTER(r + 1));
    return r;
}

/* g_hash_table keyed by the length-prefixed bytes. */
static guint key_hash(gconstpointer k)
{
    const unsigned char *b = k;
    guint h = 5381;
    for (int i = 0; i <= b[0]; i++) {
        h = h * 33 + b[i];
    }
    return h;
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
    const unsigned char *x = a, *y = b;
    return x[0] == y[0] && memcmp(x + 1, y + 1, x[0]) == 0;
}

/* ---- the sweep ---- */

/* capstone's mnemonic without the prefixes it folds in ("lock or"). */
static const char *cs_base_name(const char *m)
{
    static const char *const pfx[] = {
        "rep ", "repe ", "repne ", "lock ", "notrack ", "bnd ", "xacquire ",
        "xrelease ", "repz ", "repnz ", NULL,
    };
    for (bool again = true; again;) {
        again = false;
        for (int i = 0; pfx[i]; i++) {
            if (g_str_has_prefix(m, pfx[i])) {
                m += strlen(pfx[i]);
                again = true;
            }
        }
    }
    return m;
}

static void count_ud(Sweep *sw, int r, const X86Insn *insn, const cs_insn *ci,
                     const uint8_t *p)
{
    const char *mn = insn->mnemonic != X86_MN_UNKNOWN ? x86_mnemonic_names[insn->mnemonic]
                                                       : ci->mnemonic;
    GHashTable *t = sw->ud_mnem[r];
    gpointer old = g_hash_table_lookup(t, mn);
    if (old) {
        g_hash_table_replace(t, g_strdup(mn), GINT_TO_POINTER(GPOINTER_TO_INT(old) + 1));
    } else {
        g_hash_table_insert(t, g_strdup(mn), GINT_TO_POINTER(1));
        GString *ex = g_string_new(NULL);
        for (int i = 0; i < ci->size; i++) {
            g_string_append_printf(ex, "%02x ", p[i]);
        }
        g_string_append_printf(ex, "| %s %s", ci->mnemonic, ci->op_str);
        g_hash_table_insert(sw->ud_example, g_strdup_printf("%d %s", r, mn),
                            g_string_free(ex, FALSE));
    }
}

/* Length disagreements, grouped by what emu said (invalid / truncated /
 * another length) and capstone's mnemonic, and by file. */
static void count_mismatch(Sweep *sw, const char *path, uint64_t pc, const uint8_t *p,
                           int len, const cs_insn *ci)
{
    char verdict[32];
    if (len == X86_DECODE_INVALID) {
        g_strlcpy(verdict, "emu invalid", sizeof(verdict));
    } else if (len == X86_DECODE_TRUNCATED) {
        g_strlcpy(verdict, "emu truncated", sizeof(verdict));
    } else {
        g_snprintf(verdict, sizeof(verdict), "emu len %d vs %d", len, ci->size);
    }
    char *key = g_strdup_printf("%-16s| %s", verdict, cs_base_name(ci->mnemonic));
    gpointer old = g_hash_table_lookup(sw->len_class, key);
    if (!old) {
        GString *ex = g_string_new(NULL);
        g_string_append_printf(ex, "%s+0x%" G_GINT64_MODIFIER "x:", path, pc);
        for (int i = 0; i < ci->size; i++) {
            g_string_append_printf(ex, " %02x", p[i]);
        }
        g_string_append_printf(ex, " | %s %s", ci->mnemonic, ci->op_str);
        g_hash_table_insert(sw->len_example, g_strdup(key), g_string_free(ex, FALSE));
    }
    g_hash_table_replace(sw->len_class, key, GINT_TO_POINTER(GPOINTER_TO_INT(old) + 1));
    gpointer f = g_hash_table_lookup(sw->len_files, path);
    g_hash_table_replace(sw->len_files, g_strdup(path), GINT_TO_POINTER(GPOINTER_TO_INT(f) + 1));
}

/*
 * A length disagreement that is not a decoder bug (the full sweep's 1,847
 * in session 2 were all of these kinds):
 *   - emu says invalid (the guest gets #UD): encodings Intel raises #UD on
 *     that capstone still decodes (AMD XOP 8F maps, 3DNow!, VIA PadLock,
 *     LOCK on a register or non-lockable operation, malformed EVEX) —
 *     mostly data inside .text; which valid encodings emu executes is the
 *     fuzzer's to check;
 *   - capstone following AMD where Intel differs: near branches with a 66
 *     prefix (Intel ignores it: rel32), UD0/UD1 (Intel: with a ModRM);
 *   - EVEX (AVX-512), which no model implements.
 * Any other disagreement (emu decodes a valid instruction to another
 * length) fails the sweep.
 */
static int explained_mismatch(int len, const cs_insn *ci)
{
    if (len == X86_DECODE_INVALID) {
        return 1;
    }
    const char *m = cs_base_name(ci->mnemonic);
    if (strcmp(m, "ud0") == 0 || strcmp(m, "ud1") == 0 || strcmp(m, "ud2b") == 0) {
        return 1;
    }
    bool has66 = false;
    int i = 0;
    for (; i < ci->size && (ci->bytes[i] == 0x66 || (ci->bytes[i] & 0xf0) == 0x40 ||
                            ci->bytes[i] == 0xf2 || ci->bytes[i] == 0xf3 ||
                            ci->bytes[i] == 0x2e || ci->bytes[i] == 0x3e); i++) {
        has66 |= ci->bytes[i] == 0x66;
    }
    if (i < ci->size && ci->bytes[i] == 0x62) {
        return 1;       /* EVEX: no model has AVX-512 (#UD at any length);
                         * capstone also counts a byte too many for some
                         * register forms with {sae} */
    }
    bool branch = m[0] == 'j' || strcmp(m, "call") == 0 || strncmp(m, "loop", 4) == 0;
    return has66 && branch;
}

static void sweep_buffer(Sweep *sw, const char *path, const uint8_t *code, size_t size,
                         uint64_t addr)
{
    cs_insn *ci = cs_malloc(sw->cs);
    size_t off = 0;

    while (off < size) {
        const uint8_t *p = code + off, *pp = p;
        size_t n = size - off;
        uint64_t a = addr + off;
        if (!cs_disasm_iter(sw->cs, &pp, &n, &a, ci)) {
            sw->cs_skipped++;
            off++;
            continue;
        }
        X86Insn insn;
        int len = x86_decode(p, size - off, addr + off, &insn);
        sw->insns++;
        if (len != ci->size) {
            sw->len_mismatch++;
            sw->len_explained += explained_mismatch(len, ci);
            count_mismatch(sw, path, addr + off, p, len, ci);
        } else {
            int r = classify(sw, p, len, &insn);
            sw->res[r]++;
            if (r != SW_OK) {
                count_ud(sw, r, &insn, ci, p);
            }
        }
        off += ci->size;
    }
    cs_free(ci, 1);
}

static void sweep_file(Sweep *sw, const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return;
    }
    sw->files++;
    unsigned char magic[20];
    if (pread(fd, magic, sizeof(magic), 0) != (ssize_t)sizeof(magic) ||
        memcmp(magic, ELFMAG, SELFMAG) != 0 || magic[EI_CLASS] != ELFCLASS64 ||
        magic[EI_DATA] != ELFDATA2LSB || (magic[18] | magic[19] << 8) != EM_X86_64) {
        close(fd);
        return;
    }
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    size_t shstrndx;
    if (!e || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstrndx) != 0) {
        if (e) {
            elf_end(e);
        }
        close(fd);
        return;
    }
    sw->elf_files++;
    long before = sw->insns;
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(e, scn)) != NULL;) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh)) {
            continue;
        }
        const char *name = elf_strptr(e, shstrndx, sh.sh_name);
        if (sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR) ||
            !name || strcmp(name, ".text") != 0) {
            continue;
        }
        Elf_Data *d = elf_getdata(scn, NULL);
        if (d && d->d_buf) {
            sweep_buffer(sw, path, d->d_buf, d->d_size, sh.sh_addr);
        }
    }
    if (sw->verbose) {
        fprintf(stderr, "%s: %ld insns\n", path, sw->insns - before);
    }
    elf_end(e);
    close(fd);
}

typedef struct FileEnt {
    char *path;
    off_t size;
} FileEnt;

/* Regular files under path (recursively; symlinks not followed, each
 * inode once). */
static void collect(const char *path, GArray *out, GHashTable *seen)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        return;
    }
    if (S_ISREG(st.st_mode)) {
        char *key = g_strdup_printf("%lu:%lu", (unsigned long)st.st_dev, (unsigned long)st.st_ino);
        if (g_hash_table_add(seen, key)) {
            FileEnt f = { g_strdup(path), st.st_size };
            g_array_append_val(out, f);
        }
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        return;
    }
    GDir *d = g_dir_open(path, 0, NULL);
    if (!d) {
        return;
    }
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
        char *sub = g_build_filename(path, name, NULL);
        collect(sub, out, seen);
        g_free(sub);
    }
    g_dir_close(d);
}

static int cmp_ent(const void *a, const void *b)
{
    return strcmp(((const FileEnt *)a)->path, ((const FileEnt *)b)->path);
}

static int cmp_count(const void *a, const void *b, void *t)
{
    int x = GPOINTER_TO_INT(g_hash_table_lookup(t, *(char *const *)a));
    int y = GPOINTER_TO_INT(g_hash_table_lookup(t, *(char *const *)b));
    return x != y ? (y > x) - (y < x) : strcmp(*(char *const *)a, *(char *const *)b);
}

/* Print t's keys by descending count (at most max), with examples. */
static void print_table(GHashTable *t, GHashTable *examples, const char *ex_prefix, guint max)
{
    guint n;
    gpointer *keys = g_hash_table_get_keys_as_array(t, &n);
    g_qsort_with_data(keys, n, sizeof(*keys), cmp_count, t);
    for (guint i = 0; i < n && i < max; i++) {
        char *ek = g_strdup_printf("%s%s", ex_prefix, (char *)keys[i]);
        const char *ex = examples ? g_hash_table_lookup(examples, ek) : NULL;
        printf("  %-30s %9d%s%s\n", (char *)keys[i],
               GPOINTER_TO_INT(g_hash_table_lookup(t, keys[i])), ex ? "  e.g. " : "", ex ? ex : "");
        g_free(ek);
    }
    g_free(keys);
}

static void print_ud(Sweep *sw, int r)
{
    char prefix[8];
    g_snprintf(prefix, sizeof(prefix), "%d ", r);
    printf("%s: %ld instructions, %u mnemonics\n", r_names[r], sw->res[r],
           g_hash_table_size(sw->ud_mnem[r]));
    print_table(sw->ud_mnem[r], sw->ud_example, prefix, 60);
}

int main(int argc, char **argv)
{
    const char *model = "max";
    long sample = 0;
    off_t max_size = 4 << 20;
    Sweep sw = { 0 };
    GPtrArray *roots = g_ptr_array_new();

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-cpu") && i + 1 < argc) {
            model = argv[++i];
        } else if (!strcmp(argv[i], "-sample") && i + 1 < argc) {
            sample = atol(argv[++i]);
        } else if (!strcmp(argv[i], "-max-size") && i + 1 < argc) {
            max_size = atol(argv[++i]);
        } else if (!strcmp(argv[i], "-v")) {
            sw.verbose = true;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: %s [-cpu MODEL] [-sample N [-max-size BYTES]] [-v] [PATH...]\n",
                    argv[0]);
            return 2;
        } else {
            g_ptr_array_add(roots, argv[i]);
        }
    }
    if (roots->len == 0) {
        g_ptr_array_add(roots, "/usr/bin");
        g_ptr_array_add(roots, "/usr/lib/x86_64-linux-gnu");
    }
    if (!x86_cpu_model_set(model)) {
        fprintf(stderr, "decode-sweep: unknown CPU model '%s'\n", model);
        return 2;
    }

    GArray *files = g_array_new(FALSE, FALSE, sizeof(FileEnt));
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < roots->len; i++) {
        collect(roots->pdata[i], files, seen);
    }
    g_array_sort(files, cmp_ent);
    if (sample > 0) {
        /* Evenly spread over the sorted small-enough files: deterministic. */
        GArray *small = g_array_new(FALSE, FALSE, sizeof(FileEnt));
        for (guint i = 0; i < files->len; i++) {
            FileEnt *f = &g_array_index(files, FileEnt, i);
            if (f->size <= max_size) {
                g_array_append_val(small, *f);
            }
        }
        GArray *pick = g_array_new(FALSE, FALSE, sizeof(FileEnt));
        for (long k = 0; k < sample && small->len; k++) {
            guint idx = (guint)((k * (long)small->len) / sample);
            g_array_append_val(pick, g_array_index(small, FileEnt, idx));
        }
        files = pick;
    }

    elf_version(EV_CURRENT);
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &sw.cs) != CS_ERR_OK) {
        fprintf(stderr, "decode-sweep: capstone failed\n");
        return 2;
    }
    sweep_emu_init(&sw);
    sw.cache = g_hash_table_new_full(key_hash, key_equal, g_free, NULL);
    for (int r = 0; r < SW_NB; r++) {
        sw.ud_mnem[r] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    }
    sw.ud_example = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    sw.len_class = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    sw.len_example = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    sw.len_files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < files->len; i++) {
        sweep_file(&sw, g_array_index(files, FileEnt, i).path);
    }

    printf("model %s: %ld files, %ld x86-64 ELF, %ld instructions, %ld length "
           "mismatches (%ld of known kinds, %ld unexplained), %ld bytes capstone could "
           "not decode\n",
           model, sw.files, sw.elf_files, sw.insns, sw.len_mismatch, sw.len_explained,
           sw.len_mismatch - sw.len_explained, sw.cs_skipped);
    printf("translated: %ld ok, %ld #UD illegal for the model, %ld #UD "
           "unimplemented, %ld EVEX (AVX-512: no model), %ld not modelled; "
           "%u distinct encodings\n",
           sw.res[SW_OK], sw.res[SW_ILLEGAL], sw.res[SW_UNIMP], sw.res[SW_EVEX],
           sw.res[SW_UNKNOWN], g_hash_table_size(sw.cache));
    if (sw.len_mismatch) {
        printf("length mismatches by kind:\n");
        print_table(sw.len_class, sw.len_example, "", 60);
        printf("length mismatches by file:\n");
        print_table(sw.len_files, NULL, "", 20);
    }
    print_ud(&sw, SW_UNIMP);
    print_ud(&sw, SW_ILLEGAL);
    print_ud(&sw, SW_UNKNOWN);
    cs_close(&sw.cs);
    return sw.len_mismatch > sw.len_explained || sw.elf_files == 0 ? 1 : 0;
}
