/*
 * emu/translator.h — the generic translation loop.
 *
 * translator_loop() drives a guest front end through a small table of hooks,
 * one guest instruction at a time, and decides where a TB ends (branch,
 * page boundary, instruction limit).  The front end (emu/x86/translate.c)
 * embeds DisasContextBase first in its own context struct.
 */
#ifndef EMU_TRANSLATOR_H
#define EMU_TRANSLATOR_H

#include <stdbool.h>
#include <stdint.h>
#include "exec.h"

/* How translation of the current TB ended (DisasContextBase.is_jmp). */
enum {
    DISAS_NEXT,        /* keep translating */
    DISAS_TOO_MANY,    /* limit reached: the loop's tb_stop chains to pc_next */
    DISAS_NORETURN,    /* the front end already emitted the TB exit */
    DISAS_TARGET_0,    /* front-end specific reasons from here on */
};

typedef struct DisasContextBase {
    TranslationBlock *tb;
    uint64_t pc_first;   /* guest pc of the TB's first instruction */
    uint64_t pc_next;    /* guest pc of the next instruction to translate */
    int is_jmp;
    int num_insns;
    int max_insns;
    int max_side_exits;  /* conditional branches the TB may go on through */
} DisasContextBase;

/* Superblocks: whether a TB may go on through the not-taken side of a
 * conditional branch, its taken side a side exit (emu/x86/translate.c).
 * Cleared for good by the plugin layer the first time a plugin puts
 * TB-level instrumentation on a TB (QEMU's plugins assume a TB runs
 * whole); never under -icount (the virtual clock adds a TB's length at
 * its entry); EMU_TB_SIDE_EXITS=n caps the side exits per TB (0: none). */
extern bool translator_superblocks;

typedef struct TranslatorOps {
    void (*init_disas_context)(DisasContextBase *db, CPUX86State *env);
    void (*tb_start)(DisasContextBase *db, CPUX86State *env);
    void (*insn_start)(DisasContextBase *db, CPUX86State *env);
    void (*translate_insn)(DisasContextBase *db, CPUX86State *env);
    void (*tb_stop)(DisasContextBase *db, CPUX86State *env);
} TranslatorOps;

/* Translate the TB starting at tb->pc into the thread's TCGContext. */
void translator_loop(const TranslatorOps *ops, DisasContextBase *db,
                     CPUX86State *env, TranslationBlock *tb, int max_insns);

/* Fetch up to len guest code bytes at pc into buf for the TB being built.
 * Returns the count fetched (fewer if the code is not mapped executable).
 * The TB's pages are recorded from the instructions actually translated.
 *
 * A front end that wants to end the TB *before* the current instruction
 * (its bytes are not all fetchable and it is not the first, or it wants the
 * instruction in a TB of its own) leaves pc_next unchanged and sets
 * is_jmp = DISAS_TOO_MANY; the loop then drops it from the TB. */
/* (db may be NULL: the plugin layer reads the TB just translated, whose
 * bytes are still in the fetch cache.) */
size_t translator_fetch(DisasContextBase *db, uint64_t pc, uint8_t *buf, size_t len);

/* The x86 front end's entry point (emu/x86/translate.c). */
void x86_translate_code(CPUX86State *env, TranslationBlock *tb, int max_insns);
/* One-time front-end set-up for the calling thread (registers globals). */
void x86_translate_init(void);

#endif
