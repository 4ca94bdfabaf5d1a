/*
 * emu/x86/disas.c — capstone wrapper for logs (-d in_asm) and plugins.
 *
 * Capstone handles are not safe to share between threads, so each thread
 * opens its own on first use (a GPrivate frees it at thread exit).
 */
#include <inttypes.h>
#include <glib.h>

#include "emu/x86/capstone-load.h"
#include "emu/x86/disas.h"

static void disas_handle_free(gpointer p)
{
    csh *h = p;
    capstone_api()->close(h);
    g_free(h);
}

static GPrivate disas_handle_key = G_PRIVATE_INIT(disas_handle_free);

/* This thread's capstone handle, or NULL if capstone can't open one. */
static csh *disas_handle(void)
{
    const CapstoneApi *cs = capstone_api();
    csh *h = g_private_get(&disas_handle_key);
    if (!h) {
        if (cs == NULL) {
            return NULL;
        }
        h = g_new0(csh, 1);
        if (cs->open(CS_ARCH_X86, CS_MODE_64, h) != CS_ERR_OK) {
            g_free(h);
            return NULL;
        }
        /* SKIPDATA off: we print undecodable bytes ourselves. */
        g_private_set(&disas_handle_key, h);
    }
    return h;
}

static void print_line(FILE *f, uint64_t pc, const uint8_t *bytes, size_t n,
                       const char *mnem, const char *ops)
{
    char hex[3 * 16 + 1];
    size_t k = 0;

    for (size_t i = 0; i < n && i < 15; i++) {
        k += g_snprintf(hex + k, sizeof(hex) - k, i ? " %02x" : "%02x", bytes[i]);
    }
    hex[k] = 0;
    fprintf(f, "0x%" PRIx64 ":  %-30s %s%s%s\n", pc, hex, mnem,
            ops && *ops ? " " : "", ops ? ops : "");
}

void x86_disas_log(FILE *f, uint64_t pc, const uint8_t *code, size_t size)
{
    csh *h = disas_handle();
    cs_insn *insn;

    if (!h) {
        for (size_t i = 0; i < size; i++) {
            print_line(f, pc + i, code + i, 1, "(no capstone)", NULL);
        }
        return;
    }
    const CapstoneApi *cs = capstone_api();
    insn = cs->malloc(*h);
    while (size > 0) {
        const uint8_t *p = code;
        size_t n = size;
        uint64_t addr = pc;
        if (cs->disasm_iter(*h, &p, &n, &addr, insn)) {
            print_line(f, pc, code, insn->size, insn->mnemonic, insn->op_str);
            code += insn->size;
            size -= insn->size;
            pc += insn->size;
        } else {
            print_line(f, pc, code, 1, "(bad)", NULL);
            code++;
            size--;
            pc++;
        }
    }
    cs->free(insn, 1);
}

char *x86_disas_insn(uint64_t pc, const uint8_t *code, size_t size)
{
    csh *h = disas_handle();
    cs_insn *insn;
    char *s = NULL;

    if (!h) {
        return NULL;
    }
    const CapstoneApi *cs = capstone_api();
    insn = cs->malloc(*h);
    if (cs->disasm_iter(*h, &code, &size, &pc, insn)) {
        s = insn->op_str[0] ? g_strdup_printf("%s %s", insn->mnemonic, insn->op_str)
                            : g_strdup(insn->mnemonic);
    }
    cs->free(insn, 1);
    return s;
}
