/*
 * emu/x86/disas.h — x86_64 disassembly through capstone, for the -d in_asm
 * log and for plugins.  Independent of emu's own decoder (decode.h), which
 * makes capstone usable as an oracle in tests.
 */
#ifndef EMU_X86_DISAS_H
#define EMU_X86_DISAS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Print code[0..size) as one line per instruction:
 *   "0x401000:  48 89 e5                 mov rbp, rsp"
 * Undecodable bytes are printed as "(bad)" one byte at a time. */
void x86_disas_log(FILE *f, uint64_t pc, const uint8_t *code, size_t size);

/* "mnemonic operands" of the first instruction at code[0..size), as a
 * g_malloc'd string the caller g_free()s; NULL if capstone cannot decode
 * it.  Thread-safe. */
char *x86_disas_insn(uint64_t pc, const uint8_t *code, size_t size);

#endif
