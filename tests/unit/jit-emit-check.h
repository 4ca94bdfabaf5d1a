/*
 * tests/unit/jit-emit-check.h — the check shared by the JIT encoder tests
 * (test-jit-emit.c, test-jit-vec-emit.c): emit case i into a buffer and
 * compare capstone's disassembly of it with the expected text.
 */
#ifndef TESTS_UNIT_JIT_EMIT_CHECK_H
#define TESTS_UNIT_JIT_EMIT_CHECK_H

#include <stdio.h>
#include <string.h>
#include <capstone/capstone.h>
#include <check.h>

#include "emu/tcg/x86_64/emit.h"

/* wants[] (the expected texts) and emit_case(i, b) from an X-macro list
 * CASES(CASE) of CASE("text", code emitting into JitBuf *b). */
#define JIT_EMIT_CASE_TABLE(CASES)                                          \
    static const char *const wants[] = {                                    \
        CASES(JIT_EMIT_CASE_TEXT)                                           \
    };                                                                      \
    static void emit_case(int i, JitBuf *b)                                 \
    {                                                                       \
        int k = 0;                                                          \
        CASES(JIT_EMIT_CASE_BODY)                                           \
    }
#define JIT_EMIT_CASE_TEXT(text, body) text,
#define JIT_EMIT_CASE_BODY(text, body) if (k++ == i) { body; return; }

/* The case must encode exactly one instruction that disassembles to want. */
static inline void jit_check_encoding(int i, const char *want, void (*emit)(int, JitBuf *))
{
    csh cs;
    ck_assert_int_eq(cs_open(CS_ARCH_X86, CS_MODE_64, &cs), CS_ERR_OK);
    uint8_t buf[64];
    JitBuf b = { .start = buf, .p = buf, .end = buf + sizeof(buf) };
    emit(i, &b);
    ck_assert(!b.overflow);
    size_t len = (size_t)(b.p - b.start);
    cs_insn *insn;
    size_t n = cs_disasm(cs, buf, len, 0x1000, 0, &insn);
    char got[256] = "(undecodable)";
    if (n >= 1) {
        snprintf(got, sizeof(got), "%s%s%s", insn[0].mnemonic, insn[0].op_str[0] ? " " : "",
                 insn[0].op_str);
    }
    ck_assert_msg(n == 1 && insn[0].size == len && strcmp(got, want) == 0,
                  "case %d: want '%s', got '%s' (%zu insns, %zu bytes)", i, want, got, n, len);
    cs_free(insn, n);
    cs_close(&cs);
}

#endif
