/*
 * plugins/plugin.h — what the rest of emu calls in the plugin subsystem.
 *
 * The plugin API itself (what plugins call) is plugins/include/qemu-plugin.h.
 * This header is the other side: the loader entry point for emu/main.c,
 * the translation-time instrumentation pass for emu/tb.c, the early-exit
 * correction for emu/cpu-exec.c, and the event hooks for linux-user/.
 *
 * Every hook is cheap when no plugin is loaded: callers test plugin_enabled
 * (or the event-specific flags) first.
 */
#ifndef EMU_PLUGINS_PLUGIN_H
#define EMU_PLUGINS_PLUGIN_H

#include <stdbool.h>
#include <stdint.h>

#include "emu/cpu.h"
#include "emu/exec.h"

/* True once at least one plugin is installed. */
extern bool plugin_enabled;
/* True if some plugin wants syscall / syscall-return callbacks. */
extern bool plugin_syscall_enabled;

/* ---- loading (plugins/loader.c, linked into the emu executable) ---- */

/*
 * Load and install every "-plugin FILE[,ARG...]" spec, in order, for the
 * guest program `exec_path`.  On any error prints "emu: ..." and exits 1.
 */
void plugin_load_all(char **specs, int n, const char *exec_path);

/* ---- process information (set by the loader) ---- */
void plugin_set_binary(const char *exec_path);

/* ---- vCPU life cycle (emu/cpu-exec.c, linux-user/) ---- */

/* A vCPU starts (env->cpu_index assigned): vcpu_init callbacks. */
void plugin_vcpu_init(CPUX86State *env);
/* A vCPU (guest thread) ends: vcpu_exit callbacks (once per vCPU). */
void plugin_vcpu_exit(CPUX86State *env);
/* The vCPU idles / resumes (idle / resume callbacks).  QEMU calls them
 * only in system emulation; linux-user does not call these yet. */
void plugin_vcpu_idle(CPUX86State *env);
void plugin_vcpu_resume(CPUX86State *env);

/*
 * The guest process ends (exit, exit_group, fatal signal): vcpu_exit for
 * every live vCPU, then every plugin's atexit callback.  Runs once; later
 * calls do nothing.  env may be NULL.
 */
void plugin_process_exit(CPUX86State *env);

/* ---- syscalls (linux-user/syscall.c) ---- */
void plugin_syscall(CPUX86State *env, int64_t num, const uint64_t args[6]);
void plugin_syscall_ret(CPUX86State *env, int64_t num, int64_t ret);

/* ---- translation and execution (emu/tb.c, emu/cpu-exec.c) ---- */

/*
 * Offer the TB whose IR is in the current TCGContext (front end done,
 * optimizer not yet run) to every plugin's tb_trans callback, and insert
 * the instrumentation they ask for into the IR.  Sets tb->plugin when the
 * TB needs work on early exit or on freeing.  False (nothing inserted) if
 * the TB must be translated again: a plugin asked for TB-level
 * instrumentation on a superblock, which turned superblocks off.
 */
bool plugin_instrument_tb(CPUX86State *env, TranslationBlock *tb);

/*
 * The TB `tb` was left by an exception (siglongjmp to cpu_exec) with
 * env->rip already set to where the guest resumes: either the instruction
 * that faulted (it did not execute) or, for trap-like exits (syscall,
 * int3), the one after the instruction that trapped.  Undo the part of the
 * TB-entry merged counter adds that belongs to instructions that did not
 * execute.
 */
void plugin_tb_exit_early(CPUX86State *env, TranslationBlock *tb);

/* Free tb->plugin (the TB is being freed). */
void plugin_tb_free(TranslationBlock *tb);

/* The TB cache was flushed: flush callbacks. */
void plugin_flush_notify(void);

#endif
