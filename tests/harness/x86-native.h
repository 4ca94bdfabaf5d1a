/*
 * tests/harness/x86-native.h — the host CPU as the oracle: run code from
 * an HxState natively, in a sandboxed child process, and capture the
 * state at the signal that ends it (the ud2 a test appends, or a fault).
 */
#ifndef TESTS_HARNESS_X86_NATIVE_H
#define TESTS_HARNESS_X86_NATIVE_H

#include "x86-state.h"

/* Fork the sandbox child that maps layout l (copied).  Returns 0 or -1.
 * hx_native_run() starts it on first use if need be. */
int hx_native_start(const HxLayout *l);

/* Run len bytes of code (at most HX_CODE_MAX) from in; *out gets the end
 * state (registers, FXSAVE image, YMM upper halves, data and stack areas,
 * signal; HX_SIG_TIMEOUT after 2 s).  Returns 0, or -1 if the child died
 * or hung (it is restarted; *out is undefined). */
int hx_native_run(const HxLayout *l, const uint8_t *code, size_t len, const HxState *in,
                  HxState *out);

void hx_native_stop(void);

#endif
