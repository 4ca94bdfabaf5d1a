/*
 * emu/x86/capstone-load.h — capstone, loaded when first needed.
 *
 * Only logs (-d in_asm, -d out_asm) and plugins' disassembly use capstone,
 * but linking it costs every run its load: the library carries ~80,000
 * relocations whose pages the loader touches (about 4 ms of each start-up
 * here, a fifth of a small program's run under emu).  So emu dlopen()s it
 * on the first call instead (the library the build found: EMU_CAPSTONE_LIB
 * in emu-config.h).
 */
#ifndef EMU_X86_CAPSTONE_LOAD_H
#define EMU_X86_CAPSTONE_LOAD_H

#include <capstone/capstone.h>

/* The capstone functions emu calls, with capstone's own signatures. */
typedef struct CapstoneApi {
    __typeof__(cs_open) *open;
    __typeof__(cs_close) *close;
    __typeof__(cs_disasm) *disasm;
    __typeof__(cs_disasm_iter) *disasm_iter;
    __typeof__(cs_malloc) *malloc;
    __typeof__(cs_free) *free;
} CapstoneApi;

/* The functions, or NULL if the library cannot be loaded (said once on
 * stderr).  Thread-safe. */
const CapstoneApi *capstone_api(void);

#endif
