/*
 * tests/harness/x86-emu.h — the same run under emu: decode, translate and
 * execute code from an HxState through cpu_exec() over the softmmu, as
 * linux-user's cpu loop would, until the ud2 that ends it (or a fault).
 */
#ifndef TESTS_HARNESS_X86_EMU_H
#define TESTS_HARNESS_X86_EMU_H

#include "emu/cpu.h"
#include "x86-state.h"

/* Set up the softmmu, the translator and one vCPU, and map layout l.
 * The CPU model is the caller's (x86_cpu_model_*).  Returns 0, or < 0 if
 * the guest memory cannot be set up.  Idempotent. */
int hx_emu_init(const HxLayout *l);

/* Run len bytes of code from in (emu is initialized on first use); *out
 * gets the end state, its signal as Linux would deliver it (HX_SIG_OTHER
 * for any other exit).  Returns cpu_exec()'s exit reason. */
int hx_emu_run(const HxLayout *l, const uint8_t *code, size_t len, const HxState *in,
               HxState *out);

/* The vCPU (for tests that look at more than HxState). */
CPUX86State *hx_emu_env(void);

#endif
