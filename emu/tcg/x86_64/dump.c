/*
 * emu/tcg/x86_64/dump.c — `-d out_asm` for the JIT: a TB's host code
 * disassembled by capstone, one instruction per line with its address.
 */
#include <inttypes.h>
#include "emu/x86/capstone-load.h"
#include "jit-internal.h"

void jit_dump_code(void *code, FILE *f)
{
    const JitCode *h = code;
    const CapstoneApi *api = capstone_api();
    csh cs;
    cs_insn *insn;
    if (api == NULL || api->open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
        fprintf(f, "  (capstone unavailable)\n");
        return;
    }
    size_t n = api->disasm(cs, h->code, h->size, (uint64_t)(uintptr_t)h->code, 0, &insn);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "  0x%012" PRIx64 ":  %-8s %s\n", insn[i].address, insn[i].mnemonic,
                insn[i].op_str);
    }
    if (n) {
        api->free(insn, n);
    }
    api->close(&cs);
}
