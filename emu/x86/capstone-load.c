/*
 * emu/x86/capstone-load.c — dlopen() of capstone on first use (see the
 * header for why).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <glib.h>

#include "emu-config.h"
#include "emu/x86/capstone-load.h"

static CapstoneApi api;
static const CapstoneApi *loaded;

static const CapstoneApi *load(void)
{
    void *lib = dlopen(EMU_CAPSTONE_LIB, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "emu: cannot load capstone (%s): no disassembly\n", dlerror());
        return NULL;
    }
#define SYM(field, name)                                                               \
    if ((*(void **)&api.field = dlsym(lib, name)) == NULL) {                            \
        fprintf(stderr, "emu: %s has no %s: no disassembly\n", EMU_CAPSTONE_LIB, name); \
        return NULL;                                                                    \
    }
    SYM(open, "cs_open");
    SYM(close, "cs_close");
    SYM(disasm, "cs_disasm");
    SYM(disasm_iter, "cs_disasm_iter");
    SYM(malloc, "cs_malloc");
    SYM(free, "cs_free");
#undef SYM
    return &api;
}

const CapstoneApi *capstone_api(void)
{
    static gsize once;
    if (g_once_init_enter(&once)) {
        loaded = load();
        g_once_init_leave(&once, 1);
    }
    return loaded;
}
