/*
 * tests/unit/test-decode-xcheck.c — emu's decoder against capstone on the
 * .text of real binaries: every instruction capstone decodes must get the
 * same length from x86_decode(), the same memory operand (base, index,
 * scale, displacement), and a mnemonic other than UNKNOWN unless it is in
 * a short list of classes emu does not model (VMX, 3DNow!, AVX-512...).
 */
#include <check.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <capstone/capstone.h>
#include <glib.h>

#include "emu/x86/decode.h"
#include "test-decode.h"

/* capstone mnemonics (prefix match) that emu leaves UNKNOWN on purpose */
static const char *const unknown_ok[] = {
    "vm", "femms", "pf", "pi2f", "pswapd", "pmulhrw", "pavgusb", /* VMX, 3DNow! */
    "encl", "invept", "invvpid", "ptwrite", "xsusldtrk", "xresldtrk",
    "clzero", "monitorx", "mwaitx", "rdpru", "invlpga", "skinit", "stgi",
    "clgi", "wrss", "wruss", "setssbsy", "clrssbsy", "saveprevssp",
    "rstorssp", "movdir", "enqcmd", "tdpb", "ldtilecfg", "sttilecfg",
    "tileload", "tilestore", "tilezero", "tilerelease", "vpdpb", "vpdpw",
    "extrq", "insertq", "movntss", "movntsd", "rdssp", "incssp", "senduipi",
    "uiret", "testui", "clui", "stui", "hreset", "pconfig", "loadiwkey",
    "encodekey", "aesenc128kl", "aesdec128kl", "aesencwide", "aesdecwide",
    "aesenc256kl", "aesdec256kl", "vpmadd52", "vcvtneps2bf16", "vpermil2",
    "bndcl", "bndcu", "bndcn", "bndmk", "bndmov", "bndldx", "bndstx",
    NULL,
};

/* AMD FMA4 (VEX-like, but no FMA3 name has no digits) */
static const char *const unknown_exact[] = {
    "vfmaddps", "vfmaddpd", "vfmaddss", "vfmaddsd", "vfmsubps", "vfmsubpd",
    "vfmsubss", "vfmsubsd", "vfnmaddps", "vfnmaddpd", "vfnmaddss",
    "vfnmaddsd", "vfnmsubps", "vfnmsubpd", "vfnmsubss", "vfnmsubsd",
    "vfmaddsubps", "vfmaddsubpd", "vfmsubaddps", "vfmsubaddpd", NULL,
};

static bool is_unknown_ok(const char *mnem)
{
    for (int i = 0; unknown_exact[i]; i++) {
        if (!strcmp(mnem, unknown_exact[i])) {
            return true;
        }
    }
    /* AVX-512 opmask instructions (kmovw, kunpckbw...) are VEX-encoded */
    if (mnem[0] == 'k') {
        return true;
    }
    for (int i = 0; unknown_ok[i]; i++) {
        if (g_str_has_prefix(mnem, unknown_ok[i])) {
            return true;
        }
    }
    return false;
}

/* capstone register id -> emu GPR number, or -1 */
static int cs_gpr(csh h, unsigned reg)
{
    static const char *const names[16][3] = {
        {"rax", "eax"}, {"rcx", "ecx"}, {"rdx", "edx"}, {"rbx", "ebx"},
        {"rsp", "esp"}, {"rbp", "ebp"}, {"rsi", "esi"}, {"rdi", "edi"},
        {"r8", "r8d"}, {"r9", "r9d"}, {"r10", "r10d"}, {"r11", "r11d"},
        {"r12", "r12d"}, {"r13", "r13d"}, {"r14", "r14d"}, {"r15", "r15d"},
    };
    const char *n = cs_reg_name(h, reg);
    if (!n) {
        return -1;
    }
    for (int i = 0; i < 16; i++) {
        if (!strcmp(n, names[i][0]) || !strcmp(n, names[i][1])) {
            return i;
        }
    }
    if (!strcmp(n, "rip") || !strcmp(n, "eip")) {
        return X86_REG_RIP;
    }
    return -2 - 100;   /* vector index (VSIB) or other: not compared */
}

typedef struct XcheckStats {
    long insns, len_mismatch, mem_mismatch, unknown_bad, unknown_ok;
    long evex, cs_fail, mn_mismatch, op_mismatch;
    GHashTable *op_pairs;   /* "emu reason" -> example line */
    int printed;
    GHashTable *mn_pairs;   /* "emu capstone" -> example line */
} XcheckStats;

static const char *const cc_names[16] = {
    "o", "no", "b", "ae", "e", "ne", "be", "a",
    "s", "ns", "p", "np", "l", "ge", "le", "g",
};

/* capstone's mnemonic without prefixes it folds in ("rep stosb"). */
static const char *cs_base_mnemonic(const char *m)
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

/* Does emu's mnemonic name the instruction capstone printed as cs? */
static bool mnemonic_agrees(const X86Insn *insn, const char *cs)
{
    static const char *const fcc[16] = {
        [2] = "b", [3] = "nb", [4] = "e", [5] = "ne", [6] = "be", [7] = "nbe",
        [10] = "u", [11] = "nu",
    };
    static const char sfx[9] = { [1] = 'b', [2] = 'w', [4] = 'd', [8] = 'q' };
    char ours[40];
    int mn = insn->mnemonic;

    switch (mn) {
    case X86_MN_JCC:
        g_snprintf(ours, sizeof(ours), "j%s", cc_names[insn->cond]);
        break;
    case X86_MN_SETCC:
        g_snprintf(ours, sizeof(ours), "set%s", cc_names[insn->cond]);
        break;
    case X86_MN_CMOVCC:
        g_snprintf(ours, sizeof(ours), "cmov%s", cc_names[insn->cond]);
        break;
    case X86_MN_FCMOVCC:
        g_snprintf(ours, sizeof(ours), "fcmov%s", fcc[insn->cond] ? fcc[insn->cond] : "?");
        break;
    case X86_MN_MOVS: case X86_MN_CMPS: case X86_MN_STOS: case X86_MN_LODS:
    case X86_MN_SCAS: case X86_MN_INS: case X86_MN_OUTS:
        g_snprintf(ours, sizeof(ours), "%s%c", x86_mnemonic_names[mn],
                   sfx[insn->opsize]);
        break;
    case X86_MN_MOVSD_SSE:
        g_strlcpy(ours, "movsd", sizeof(ours));
        break;
    default:
        g_strlcpy(ours, x86_mnemonic_names[mn], sizeof(ours));
        break;
    }
    for (char *c = ours; *c; c++) {
        *c = g_ascii_tolower(*c);
    }
    if (!strcmp(ours, cs)) {
        return true;
    }
    /* spellings that differ without being different instructions */
    static const char *const alias[][2] = {
        { "mov", "movabs" }, { "shl", "sal" }, { "jrcxz", "jecxz" },
        { "fwait", "wait" }, { "pushf", "pushfq" }, { "popf", "popfq" },
        { "pushf", "pushf" }, { "iret", "iretq" }, { "iret", "iretd" },
        { "nop", "xchg" }, { "xchg", "nop" }, { "mov_cr", "mov" },
        { "mov_dr", "mov" }, { "retf", "retfq" }, { "retf", "lret" },
        { "xlat", "xlatb" }, { "int1", "icebp" }, { NULL, NULL },
    };
    for (int i = 0; alias[i][0]; i++) {
        if (!strcmp(ours, alias[i][0]) && !strcmp(cs, alias[i][1])) {
            return true;
        }
    }
    /* CMPPS/CMPSD...: capstone names the predicate (cmpltsd) */
    size_t ol = strlen(ours);
    if ((g_str_has_prefix(ours, "cmp") || g_str_has_prefix(ours, "vcmp")) && ol > 2 &&
        (g_str_has_prefix(cs, "cmp") || g_str_has_prefix(cs, "vcmp")) &&
        strlen(cs) > 2 && !strcmp(cs + strlen(cs) - 2, ours + ol - 2) &&
        (ours[0] == 'v') == (cs[0] == 'v')) {
        return true;
    }
    /* FXSAVE64, XSAVE64, ...: the REX.W form of the same mnemonic */
    size_t n = strlen(ours);
    if (!strncmp(ours, cs, n) && !strcmp(cs + n, "64")) {
        return true;
    }
    return false;
}

static void report(XcheckStats *s, const char *what, uint64_t pc,
                   const uint8_t *p, size_t n, const cs_insn *ci, int ours,
                   const X86Insn *insn)
{
    if (s->printed++ >= 60) {
        return;
    }
    GString *hex = g_string_new(NULL);
    for (size_t i = 0; i < n && i < 16; i++) {
        g_string_append_printf(hex, "%02x ", p[i]);
    }
    fprintf(stderr, "  %s at 0x%" G_GINT64_MODIFIER "x: %s| capstone %d '%s %s'"
            " | emu %d %s\n", what, pc, hex->str, ci->size, ci->mnemonic,
            ci->op_str, ours, ours > 0 ? x86_mnemonic_names[insn->mnemonic] : "-");
    g_string_free(hex, TRUE);
}

static void check_mem(csh h, XcheckStats *s, const cs_insn *ci,
                      const X86Insn *insn, const uint8_t *p)
{
    const cs_x86 *x = &ci->detail->x86;
    for (int i = 0; i < x->op_count; i++) {
        const cs_x86_op *o = &x->operands[i];
        if (o->type != X86_OP_MEM) {
            continue;
        }
        /* string ops' implicit memory, moffs and xlat aren't ModRM */
        if (!insn->has_modrm || !insn->has_mem) {
            return;
        }
        int base = o->mem.base ? cs_gpr(h, o->mem.base) : X86_REG_NONE;
        int index = o->mem.index ? cs_gpr(h, o->mem.index) : X86_REG_NONE;
        int scale_shift = o->mem.scale == 8 ? 3 : o->mem.scale == 4 ? 2 :
                          o->mem.scale == 2 ? 1 : 0;
        bool ok = insn->mem.base == base &&
                  (index < -100 || insn->mem.index == index) &&
                  (index == X86_REG_NONE || index < -100 ||
                   insn->mem.scale == scale_shift) &&
                  insn->mem.disp == o->mem.disp;
        /* capstone reports RIP-relative disp as is; so do we */
        if (!ok) {
            s->mem_mismatch++;
            report(s, "mem", ci->address, p, ci->size, ci, insn->len, insn);
        }
        return;
    }
}

/* capstone register -> emu operand (kind, reg, size, hi8); false if not a
 * register emu models as an operand. */
static bool cs_reg_operand(csh h, unsigned reg, X86Operand *o)
{
    static const char *const g64[16] = { "rax", "rcx", "rdx", "rbx", "rsp",
        "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };
    static const char *const g32[16] = { "eax", "ecx", "edx", "ebx", "esp",
        "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d" };
    static const char *const g16[16] = { "ax", "cx", "dx", "bx", "sp",
        "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w" };
    static const char *const g8[16] = { "al", "cl", "dl", "bl", "spl",
        "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b" };
    static const char *const h8[4] = { "ah", "ch", "dh", "bh" };
    const char *n = cs_reg_name(h, reg);
    memset(o, 0, sizeof(*o));
    if (!n) {
        return false;
    }
    for (int i = 0; i < 16; i++) {
        const char *const *t[4] = { g64, g32, g16, g8 };
        static const int sz[4] = { 8, 4, 2, 1 };
        for (int k = 0; k < 4; k++) {
            if (!strcmp(n, t[k][i])) {
                o->kind = X86_OPK_GPR;
                o->reg = i;
                o->size = sz[k];
                return true;
            }
        }
    }
    for (int i = 0; i < 4; i++) {
        if (!strcmp(n, h8[i])) {
            o->kind = X86_OPK_GPR;
            o->reg = i;
            o->size = 1;
            o->hi8 = true;
            return true;
        }
    }
    if ((!strncmp(n, "xmm", 3) || !strncmp(n, "ymm", 3)) && g_ascii_isdigit(n[3])) {
        o->kind = X86_OPK_XMM;
        o->reg = atoi(n + 3);
        o->size = n[0] == 'y' ? 32 : 16;
        return true;
    }
    if (!strncmp(n, "mm", 2) && g_ascii_isdigit(n[2])) {
        o->kind = X86_OPK_MMX;
        o->reg = atoi(n + 2);
        o->size = 8;
        return true;
    }
    return false;
}

/* Compare explicit operands with capstone's; returns a reason or NULL. */
static const char *check_operands(csh h, const cs_insn *ci, const X86Insn *insn)
{
    const cs_x86 *x = &ci->detail->x86;
    if (insn->map == X86_MAP_X87) {
        return NULL;
    }
    switch (insn->mnemonic) {
    case X86_MN_MOVS: case X86_MN_CMPS: case X86_MN_STOS: case X86_MN_LODS:
    case X86_MN_SCAS: case X86_MN_INS: case X86_MN_OUTS: case X86_MN_XLAT:
    case X86_MN_NOP: case X86_MN_UNKNOWN:
        return NULL;
    }
    /* capstone's pseudo-ops (cmpltsd) fold the predicate immediate */
    if ((g_str_has_prefix(ci->mnemonic, "cmp") || g_str_has_prefix(ci->mnemonic, "vcmp")) &&
        x->op_count == insn->nb_ops - 1 && insn->ops[insn->nb_ops - 1].kind == X86_OPK_IMM) {
        return NULL;
    }
    if (x->op_count != insn->nb_ops) {
        return "operand count";
    }
    for (int i = 0; i < x->op_count; i++) {
        const cs_x86_op *c = &x->operands[i];
        const X86Operand *o = &insn->ops[i];
        X86Operand r;
        switch (c->type) {
        case X86_OP_REG:
            if (!cs_reg_operand(h, c->reg, &r)) {
                if (o->kind == X86_OPK_GPR || o->kind == X86_OPK_XMM ||
                    o->kind == X86_OPK_MMX) {
                    return "register kind";
                }
                break;
            }
            if (r.kind != o->kind || r.reg != o->reg || r.size != o->size ||
                r.hi8 != o->hi8) {
                return "register";
            }
            break;
        case X86_OP_IMM: {
            if (o->kind != X86_OPK_IMM && o->kind != X86_OPK_REL) {
                return "immediate kind";
            }
            int sz = o->kind == X86_OPK_REL ? 8 : o->size;
            uint64_t m = sz >= 8 ? ~0ull : (1ull << (8 * sz)) - 1;
            if (((uint64_t)o->imm & m) != ((uint64_t)c->imm & m)) {
                return "immediate value";
            }
            break;
        }
        case X86_OP_MEM:
            if (o->kind != X86_OPK_MEM) {
                return "memory kind";
            }
            /* capstone 4 says xmmword for COMISS/COMISD's m32/m64 and
             * qword for PUNPCKL*'s MMX m32 (Intel SDM: m32/m64, m32) */
            /* far pointers m16:32/64: capstone gives no useful size */
            if (o->size && c->size && o->size != c->size &&
                insn->mnemonic != X86_MN_LSS && insn->mnemonic != X86_MN_LFS &&
                insn->mnemonic != X86_MN_LGS && insn->mnemonic != X86_MN_CALLF &&
                insn->mnemonic != X86_MN_JMPF &&
                !(c->size == 16 && (strstr(ci->mnemonic, "comis"))) &&
                !(c->size == 8 && o->size == 4 && g_str_has_prefix(ci->mnemonic, "punpckl"))) {
                return "memory size";
            }
            break;
        default:
            break;
        }
    }
    return NULL;
}

static void xcheck_buffer(csh h, XcheckStats *s, const uint8_t *code,
                          size_t size, uint64_t addr)
{
    cs_insn *ci = cs_malloc(h);
    size_t off = 0;

    while (off < size) {
        const uint8_t *p = code + off;
        size_t n = size - off;
        uint64_t a = addr + off;
        const uint8_t *pp = p;
        if (!cs_disasm_iter(h, &pp, &n, &a, ci)) {
            s->cs_fail++;
            off++;
            continue;
        }
        X86Insn insn;
        int len = x86_decode(p, size - off, addr + off, &insn);
        s->insns++;
        if (len != ci->size) {
            s->len_mismatch++;
            report(s, "length", ci->address, p, ci->size, ci, len, &insn);
        } else if (insn.prefixes & X86_PREFIX_EVEX) {
            s->evex++;
        } else {
            if (insn.mnemonic == X86_MN_UNKNOWN) {
                if (is_unknown_ok(ci->mnemonic)) {
                    s->unknown_ok++;
                } else {
                    s->unknown_bad++;
                    report(s, "unknown", ci->address, p, ci->size, ci, len, &insn);
                }
            }
            check_mem(h, s, ci, &insn, p);
            const char *why = check_operands(h, ci, &insn);
            if (why) {
                char *key = g_strdup_printf("%-12s %s", x86_mnemonic_names[insn.mnemonic], why);
                s->op_mismatch++;
                if (!g_hash_table_contains(s->op_pairs, key)) {
                    GString *ex = g_string_new(NULL);
                    for (int i = 0; i < ci->size; i++) {
                        g_string_append_printf(ex, "%02x ", p[i]);
                    }
                    g_string_append_printf(ex, "| %s %s", ci->mnemonic, ci->op_str);
                    g_hash_table_insert(s->op_pairs, key, g_string_free(ex, FALSE));
                } else {
                    g_free(key);
                }
            }
            const char *csm = cs_base_mnemonic(ci->mnemonic);
            if (insn.mnemonic != X86_MN_UNKNOWN && !mnemonic_agrees(&insn, csm)) {
                char *key = g_strdup_printf("%-12s %-12s", x86_mnemonic_names[insn.mnemonic], csm);
                s->mn_mismatch++;
                if (!g_hash_table_contains(s->mn_pairs, key)) {
                    GString *ex = g_string_new(NULL);
                    for (int i = 0; i < ci->size; i++) {
                        g_string_append_printf(ex, "%02x ", p[i]);
                    }
                    g_string_append_printf(ex, "| %s %s", ci->mnemonic, ci->op_str);
                    g_hash_table_insert(s->mn_pairs, key, g_string_free(ex, FALSE));
                } else {
                    g_free(key);
                }
            }
        }
        off += ci->size;
    }
    cs_free(ci, 1);
}

/* Cross-check random instructions (dev aid): both decoders on the same
 * buffers; prints disagreement classes. */
void xcheck_random(long iters, unsigned seed)
{
    csh h;
    XcheckStats s = { 0 };
    GRand *rng = g_rand_new_with_seed(seed);
    /* capstone 4 mishandles 66 with F2/F3 and 67/64 before mandatory
     * prefixes; keep to combinations it gets right */
    static const uint8_t pfx[] = { 0x66, 0xf2, 0xf3, 0x48, 0x41, 0x4c, 0x45 };
    g_assert(cs_open(CS_ARCH_X86, CS_MODE_64, &h) == CS_ERR_OK);
    cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    s.mn_pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    s.op_pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (long i = 0; i < iters; i++) {
        uint8_t buf[24];
        int n = 0;
        int np = g_rand_int_range(rng, 0, 3);
        bool legacy = false;
        for (int k = 0; k < np; k++) {
            uint8_t b = pfx[g_rand_int_range(rng, 0, sizeof(pfx))];
            if (b == 0x66 || b == 0xf2 || b == 0xf3) {
                if (legacy) {
                    continue;
                }
                legacy = true;
            }
            buf[n++] = b;
        }
        switch (g_rand_int_range(rng, 0, 6)) {
        case 0: break;
        case 1: case 2: buf[n++] = 0x0f; break;
        case 3: buf[n++] = 0x0f; buf[n++] = 0x38; break;
        case 4: buf[n++] = 0x0f; buf[n++] = 0x3a; break;
        case 5:
            n = 0;
            buf[n++] = 0xc4;
            buf[n++] = (g_rand_int(rng) & 0xe0) | g_rand_int_range(rng, 1, 4);
            break;
        }
        while (n < 24) {
            buf[n++] = g_rand_int(rng);
        }
        xcheck_buffer(h, &s, buf, 16, 0x1000);
    }
    fprintf(stderr, "random: %ld insns, %ld length, %ld mem, %ld mnemonic, %ld operand, %ld unknown\n",
            s.insns, s.len_mismatch, s.mem_mismatch, s.mn_mismatch, s.op_mismatch, s.unknown_bad);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, s.mn_pairs);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        fprintf(stderr, "    MN %s  e.g. %s\n", (char *)k, (char *)v);
    }
    g_hash_table_iter_init(&it, s.op_pairs);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        fprintf(stderr, "    OP %s  e.g. %s\n", (char *)k, (char *)v);
    }
    g_rand_free(rng);
    cs_close(&h);
}

/* Cross-check the executable sections of one ELF file; false if absent. */
bool xcheck_elf(const char *path, long *insns, long *bad)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return false;
    }
    elf_version(EV_CURRENT);
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    size_t shstrndx;
    csh h;
    XcheckStats s = { 0 };
    s.mn_pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    s.op_pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

    g_assert(e);
    g_assert(elf_getshdrstrndx(e, &shstrndx) == 0);
    g_assert(cs_open(CS_ARCH_X86, CS_MODE_64, &h) == CS_ERR_OK);
    cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);

    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(e, scn)) != NULL;) {
        GElf_Shdr sh;
        gelf_getshdr(scn, &sh);
        const char *name = elf_strptr(e, shstrndx, sh.sh_name);
        if (sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR) ||
            !name || strcmp(name, ".text")) {
            continue;
        }
        Elf_Data *d = elf_getdata(scn, NULL);
        if (d && d->d_buf) {
            xcheck_buffer(h, &s, d->d_buf, d->d_size, sh.sh_addr);
        }
    }
    fprintf(stderr, "%s: %ld insns, %ld length mismatches, %ld memory-operand "
            "mismatches, %ld mnemonic and %ld operand disagreements, %ld "
            "unexpected UNKNOWN (%ld tolerated), %ld EVEX, %ld bytes capstone "
            "skipped\n", path, s.insns, s.len_mismatch, s.mem_mismatch,
            s.mn_mismatch, s.op_mismatch, s.unknown_bad, s.unknown_ok, s.evex,
            s.cs_fail);
    if (s.mn_mismatch) {
        GHashTableIter it;
        gpointer k, v;
        fprintf(stderr, "  %ld mnemonic disagreements with capstone:\n", s.mn_mismatch);
        g_hash_table_iter_init(&it, s.mn_pairs);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            fprintf(stderr, "    %s  e.g. %s\n", (char *)k, (char *)v);
        }
    }
    if (s.op_mismatch) {
        GHashTableIter it;
        gpointer k, v;
        fprintf(stderr, "  %ld operand disagreements with capstone:\n", s.op_mismatch);
        g_hash_table_iter_init(&it, s.op_pairs);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            fprintf(stderr, "    %s  e.g. %s\n", (char *)k, (char *)v);
        }
    }
    g_hash_table_destroy(s.mn_pairs);
    g_hash_table_destroy(s.op_pairs);
    cs_close(&h);
    elf_end(e);
    close(fd);
    *insns = s.insns;
    *bad = s.len_mismatch + s.mem_mismatch + s.unknown_bad + s.mn_mismatch +
           s.op_mismatch;
    return true;
}
