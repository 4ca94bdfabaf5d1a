/*
 * plugins/internal.h — state shared by the plugin subsystem's files:
 * the loaded plugins and their global callbacks (core.c), the translation
 * time handles given to tb_trans callbacks (instrument.c, api.c), and
 * scoreboards.
 */
#ifndef EMU_PLUGINS_INTERNAL_H
#define EMU_PLUGINS_INTERNAL_H

#include <glib.h>
#include <stdint.h>

#include "plugins/include/qemu-plugin.h"
#include "plugins/plugin.h"

/* A loaded plugin and the callbacks it registered (one of each kind, as in
 * QEMU: registering again replaces). */
typedef struct PluginCtx {
    qemu_plugin_id_t id;
    void *module;                 /* GModule*, owned by loader.c */
    char *path;
    int argc;
    char **argv;                  /* stays valid while loaded (API promise) */
    bool installing;              /* inside qemu_plugin_install */
    bool removed;                 /* uninstalled: no callbacks any more */
    qemu_plugin_vcpu_simple_cb_t vcpu_init, vcpu_exit, vcpu_idle, vcpu_resume;
    qemu_plugin_vcpu_tb_trans_cb_t tb_trans;
    qemu_plugin_vcpu_syscall_cb_t syscall;
    qemu_plugin_vcpu_syscall_ret_cb_t syscall_ret;
    qemu_plugin_simple_cb_t flush;
    qemu_plugin_udata_cb_t atexit_cb;
    void *atexit_udata;
} PluginCtx;

/* Every plugin, in load order (index = id - 1). */
extern GPtrArray *plugin_ctxs;
PluginCtx *plugin_ctx_new(void);
/* The ctx of id, or NULL (unknown or removed). */
PluginCtx *plugin_ctx_get(qemu_plugin_id_t id);
/* Recompute the plugin_*_enabled flags after a registration change. */
void plugin_update_flags(void);

/* ---- scoreboards ---- */

/* Most vCPU indexes a scoreboard holds: its memory is reserved once for
 * that many entries (address space only; pages appear as vCPUs touch
 * them), so that an entry never moves while generated code adds to it
 * and growing needs no synchronisation. */
#define PLUGIN_MAX_VCPUS 65536u

struct qemu_plugin_scoreboard {
    uint8_t *base;
    size_t element_size;
    size_t capacity;              /* entries reserved */
    size_t reserved_bytes;
};

/* ---- vCPUs ---- */

/* env of each vCPU index ever created (NULL once it exited). */
extern GPtrArray *plugin_vcpus;
extern GMutex plugin_lock;
/* The vCPU whose callback is running on this thread (registers, memory). */
extern __thread CPUX86State *plugin_cur_env;
/* Inside an exec callback: rip is env->insn_pc and cc_op insn_cc_op. */
extern __thread bool plugin_in_exec_cb;

/* ---- translation-time handles ---- */

/* A callback or inline op registered on a TB, an insn or its memory ops. */
typedef enum PluginDynKind {
    PLUGIN_DYN_CB,        /* exec callback (maybe conditional) */
    PLUGIN_DYN_INLINE,    /* inline op on a scoreboard entry */
    PLUGIN_DYN_MEM_CB,    /* memory callback */
    PLUGIN_DYN_MEM_INLINE,/* inline op after a memory access */
} PluginDynKind;

typedef struct PluginDyn {
    PluginDynKind kind;
    union {
        qemu_plugin_vcpu_udata_cb_t exec;
        qemu_plugin_vcpu_mem_cb_t mem;
    } f;
    void *udata;
    enum qemu_plugin_cond cond;   /* CB: condition on entry/imm */
    enum qemu_plugin_op op;       /* INLINE */
    enum qemu_plugin_mem_rw rw;   /* MEM_*: which accesses */
    qemu_plugin_u64 entry;
    uint64_t imm;
} PluginDyn;

struct qemu_plugin_insn {
    uint64_t vaddr;
    uint32_t size;
    uint32_t index;               /* position in its TB */
    uint8_t data[16];
    uint32_t data_len;            /* bytes actually fetchable */
    GArray *dyn;                  /* PluginDyn, in registration order */
    bool has_mem;                 /* some MEM_* dyn */
};

struct qemu_plugin_tb {
    uint64_t vaddr;
    size_t n;
    struct qemu_plugin_insn *insns;
    GArray *dyn;                  /* PluginDyn registered on the TB */
};

/* Host address of the scoreboard entry of a qemu_plugin_u64 for vCPU 0. */
static inline uint8_t *plugin_u64_base(qemu_plugin_u64 e)
{
    return e.score->base + e.offset;
}

/* ---- process information ---- */
typedef struct PluginProcInfo {
    char *exec_path;
    bool image_known;             /* start/end/entry/bias filled */
    uint64_t entry, start_code, end_code, load_bias;
} PluginProcInfo;
extern PluginProcInfo plugin_proc;
/* Called with the pc of the very first TB (the program's entry point). */
void plugin_note_first_pc(uint64_t pc);
/* Best-effort symbol name containing guest address pc (NULL if none). */
const char *plugin_symbol_lookup(uint64_t pc);

/* Anchors referenced by loader.c so that the linker keeps every API object
 * file in the emu executable (whose symbols plugins resolve). */
void plugin_api_anchor(void);
void plugin_core_anchor(void);

#endif
