/*
 * tests/harness/x86-check.h — one differential check: the same initial
 * state run natively and under emu, compared, differences printed.
 */
#ifndef TESTS_HARNESS_X86_CHECK_H
#define TESTS_HARNESS_X86_CHECK_H

#include "x86-state.h"

/* Run nat_code natively and emu_code under emu (usually the same bytes;
 * a test may give the host a stand-in where emu's CPU model deliberately
 * differs) from in, compare with c.  On a difference, prints "NAME run IT
 * differs (fcw .. mxcsr ..):" and the differences to stderr.  Returns the
 * number of differences, or -1 if the native run was lost.  If nat/emu
 * are not NULL they receive the end states. */
int hx_check(const HxLayout *l, const HxCompare *c, const char *name, int it,
             const uint8_t *nat_code, size_t nat_len, const uint8_t *emu_code, size_t emu_len,
             const HxState *in, HxState *nat, HxState *emu);

/* code + ud2 (what ends every snippet): a new buffer of len + 2 bytes. */
uint8_t *hx_code_ud2(const uint8_t *code, size_t len);

#endif
