/*
 * emu/vclock.h — the virtual clock (-icount): guest time derived from the
 * number of guest instructions executed, so that programs that read the
 * time or the TSC run the same way, and count the same, on every run.
 *
 * With -icount shift=N each executed instruction advances virtual time by
 * 2^N ns.  The clock is the sum of the instructions of every vCPU plus the
 * time the guest asked to sleep (sleeps are deterministic requests).
 * clock_gettime/gettimeofday/time and RDTSC/RDTSCP read it; see
 * docs/counting.md ("Time: the virtual clock").
 *
 * Exact per-vCPU instruction counts (env->icount) are kept by the
 * translator only while the clock is on: each TB adds its length at entry;
 * an exception in the middle of a TB takes back the instructions that did
 * not retire (vclock_tb_exit_early); a read in the middle of a TB
 * subtracts the ones not reached yet (vclock_insns_before).
 */
#ifndef EMU_VCLOCK_H
#define EMU_VCLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "emu/cpu.h"

struct TranslationBlock;

extern bool vclock_enabled;

/* Parse the -icount argument: "[shift=]N[,sleep=on|off]" (N 0..10).
 * Returns false with a message in *err (g_free it) on a bad argument. */
bool vclock_parse(const char *arg, char **err);

/* Instructions env has retired before the instruction with index k of the
 * TB being executed (for reads of the clock in the middle of a TB). */
uint64_t vclock_insns_before(CPUX86State *env, uint32_t k);

/* The TSC value RDTSC/RDTSCP read as instruction k of the running TB. */
uint64_t vclock_tsc_at(CPUX86State *env, uint32_t k);

/* Virtual nanoseconds since the clock started, at env's current point
 * (between instructions: syscalls, helpers that finished their TB). */
uint64_t vclock_ns(CPUX86State *env);

/* vCPU registry: the clock counts every vCPU's instructions (live ones'
 * env->icount plus those of vCPUs that have exited).  Called by
 * cpu_exec_init_vcpu / cpu_exec_exit_vcpu, whether or not -icount is on. */
void vclock_vcpu_add(CPUX86State *env);
void vclock_vcpu_remove(CPUX86State *env);
/* In a fork child: env is the only vCPU left. */
void vclock_fork_child(CPUX86State *env);

/* Virtual time of clock `clk` (CLOCK_*), or false if the clock is not one
 * the virtual clock replaces (then the host's is used). */
bool vclock_gettime(CPUX86State *env, clockid_t clk, struct timespec *ts);

/* Resolution of the virtual clocks. */
void vclock_getres(struct timespec *ts);

/* A guest sleep of ns nanoseconds: advances virtual time; returns true if
 * the host should also really sleep (sleep=on, the default). */
bool vclock_sleep(uint64_t ns);

/* The virtual time at which an absolute sleep on clk for *abs ends
 * (relative ns from now, 0 if already passed). */
uint64_t vclock_until(CPUX86State *env, clockid_t clk, const struct timespec *abs);

/* Record per-instruction offsets of a TB being translated (translator). */
void vclock_tb_translated(struct TranslationBlock *tb, const uint16_t *insn_off, uint32_t n);

/* Take back the instructions of tb that did not retire when an exception
 * left it early (cpu_exec). */
void vclock_tb_exit_early(CPUX86State *env, struct TranslationBlock *tb);

#endif
