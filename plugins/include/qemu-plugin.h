/*
 * qemu-plugin.h - emu's implementation of the QEMU TCG plugin API.
 *
 * This header is emu's own text.  It declares QEMU's TCG plugin API by the
 * names, types and signatures QEMU documents (API version 5, accepting
 * plugins built for versions 2..5), so that a plugin written for QEMU
 * builds against it unchanged and runs under emu.  Differences from QEMU
 * (what is a stub, what emu guarantees beyond QEMU) are listed in
 * docs/plugins.md; emu-only extensions live in emu-plugin.h.
 *
 * Plugins are shared objects.  Build one with, e.g.
 *   cc -shared -fPIC -I plugins/include $(pkg-config --cflags glib-2.0) \
 *      -o libfoo.so foo.c
 * and run it with `emu -plugin ./libfoo.so,arg=value PROGRAM`.
 * The qemu_plugin_* functions are resolved from the emu executable.
 */
#ifndef QEMU_QEMU_PLUGIN_H
#define QEMU_QEMU_PLUGIN_H

#include <glib.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Symbol visibility.  Build plugins with -fvisibility=hidden if you like;
 * only the two symbols emu looks up (qemu_plugin_version and
 * qemu_plugin_install) must be exported.
 */
#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
#define QEMU_PLUGIN_LOCAL  __attribute__((visibility("hidden")))
/* Marks functions the emulator provides (empty on ELF hosts). */
#define QEMU_PLUGIN_API

/** Unique, opaque id of a loaded plugin, passed to every API call. */
typedef uint64_t qemu_plugin_id_t;

/*
 * API versioning.  Every plugin exports the version it was built against:
 *   QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;
 * emu refuses a plugin without that symbol or with a version outside
 * [info->version.min, info->version.cur].
 *   2: scoreboards and *_inline_per_vcpu replace the shared inline ops
 *   3: qemu_plugin_insn_data copies into a caller buffer
 *   4: qemu_plugin_read_memory_vaddr
 *   5: qemu_plugin_write_memory_vaddr, qemu_plugin_write_register
 */
extern QEMU_PLUGIN_EXPORT int qemu_plugin_version;

#define QEMU_PLUGIN_VERSION 5

/** What the emulator tells a plugin at install time (valid during the call). */
typedef struct qemu_info_t {
    /** Guest architecture name: "x86_64" under emu. */
    const char *target_name;
    /** Lowest and highest plugin API version the emulator accepts. */
    struct {
        int min;
        int cur;
    } version;
    /** false under emu: emu is a user-mode (linux-user) emulator. */
    bool system_emulation;
    union {
        /** System-emulation data; zero under user-mode emulation. */
        struct {
            int smp_vcpus;
            int max_vcpus;
        } system;
    };
} qemu_info_t;

/**
 * qemu_plugin_install() - entry point every plugin exports.
 * @id: this plugin's id
 * @info: emulator description, only valid during the call
 * @argc, @argv: the plugin's arguments as written on the command line
 *   (e.g. "inline=on", "started"); @argv stays valid while the plugin is
 *   loaded.
 * Return 0 on success; anything else makes emu report an error and exit 1.
 */
QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
                                           const qemu_info_t *info,
                                           int argc, char **argv);

/* Callback shapes. */
typedef void (*qemu_plugin_simple_cb_t)(qemu_plugin_id_t id);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_simple_cb_t)(qemu_plugin_id_t id,
                                             unsigned int vcpu_index);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index,
                                            void *userdata);

/**
 * qemu_plugin_uninstall() - remove a plugin; @cb runs once it is gone.
 * Under emu removal takes effect at once (translated code is flushed).
 */
QEMU_PLUGIN_API
void qemu_plugin_uninstall(qemu_plugin_id_t id, qemu_plugin_simple_cb_t cb);

/** qemu_plugin_reset() - drop all of a plugin's callbacks, then call @cb. */
QEMU_PLUGIN_API
void qemu_plugin_reset(qemu_plugin_id_t id, qemu_plugin_simple_cb_t cb);

/** Called when a vCPU (a guest thread under emu) starts. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_init_cb(qemu_plugin_id_t id,
                                       qemu_plugin_vcpu_simple_cb_t cb);
/** Called when a vCPU (guest thread) exits. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_exit_cb(qemu_plugin_id_t id,
                                       qemu_plugin_vcpu_simple_cb_t cb);
/** Called when a vCPU idles (system emulation; never in user mode, as in
 *  QEMU linux-user). */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_idle_cb(qemu_plugin_id_t id,
                                       qemu_plugin_vcpu_simple_cb_t cb);
/** Called when a vCPU resumes from idle (never in user mode). */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_resume_cb(qemu_plugin_id_t id,
                                         qemu_plugin_vcpu_simple_cb_t cb);

/* Opaque handles. */
struct qemu_plugin_tb;          /* a block being translated */
struct qemu_plugin_insn;        /* one guest instruction of that block */
struct qemu_plugin_scoreboard;  /* per-vCPU array of plugin-defined entries */
struct qemu_plugin_register;    /* a guest register (see get_registers) */

/**
 * qemu_plugin_u64 - one uint64_t inside every vCPU's scoreboard entry:
 * the entry of vCPU i is at scoreboard base + i * element_size + @offset.
 * Inline operations take one of these as their target.
 */
typedef struct {
    struct qemu_plugin_scoreboard *score;
    size_t offset;
} qemu_plugin_u64;

/** What a callback does with the guest registers. */
enum qemu_plugin_cb_flags {
    QEMU_PLUGIN_CB_NO_REGS,  /* does not access them */
    QEMU_PLUGIN_CB_R_REGS,   /* reads them */
    QEMU_PLUGIN_CB_RW_REGS,  /* reads and writes them */
};

/** Which memory accesses a memory callback wants. */
enum qemu_plugin_mem_rw {
    QEMU_PLUGIN_MEM_R = 1,
    QEMU_PLUGIN_MEM_W,
    QEMU_PLUGIN_MEM_RW,
};

/** Width of a value returned by qemu_plugin_mem_get_value(). */
enum qemu_plugin_mem_value_type {
    QEMU_PLUGIN_MEM_VALUE_U8,
    QEMU_PLUGIN_MEM_VALUE_U16,
    QEMU_PLUGIN_MEM_VALUE_U32,
    QEMU_PLUGIN_MEM_VALUE_U64,
    QEMU_PLUGIN_MEM_VALUE_U128,
};

/** A value loaded or stored by a guest memory access. */
typedef struct {
    enum qemu_plugin_mem_value_type type;
    union {
        uint8_t u8;
        uint16_t u16;
        uint32_t u32;
        uint64_t u64;
        struct {
            uint64_t low;
            uint64_t high;
        } u128;
    } data;
} qemu_plugin_mem_value;

/** Condition of a conditional callback: `entry COND imm`. */
enum qemu_plugin_cond {
    QEMU_PLUGIN_COND_NEVER,   /* never call */
    QEMU_PLUGIN_COND_ALWAYS,  /* always call */
    QEMU_PLUGIN_COND_EQ,      /* entry == imm */
    QEMU_PLUGIN_COND_NE,      /* entry != imm */
    QEMU_PLUGIN_COND_LT,      /* entry <  imm (unsigned) */
    QEMU_PLUGIN_COND_LE,      /* entry <= imm (unsigned) */
    QEMU_PLUGIN_COND_GT,      /* entry >  imm (unsigned) */
    QEMU_PLUGIN_COND_GE,      /* entry >= imm (unsigned) */
};

/** Inline operations on a scoreboard entry. */
enum qemu_plugin_op {
    QEMU_PLUGIN_INLINE_ADD_U64,    /* entry += imm */
    QEMU_PLUGIN_INLINE_STORE_U64,  /* entry = imm */
};

/** Called once per translated block, to inspect and instrument it. */
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
                                               struct qemu_plugin_tb *tb);

/** Register the translation callback of plugin @id. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
                                           qemu_plugin_vcpu_tb_trans_cb_t cb);

/** From a tb_trans callback: call @cb every time block @tb starts. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
                                          qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags,
                                          void *userdata);

/** As above, but only when `entry[vcpu] COND imm` holds at that moment. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_tb_exec_cond_cb(struct qemu_plugin_tb *tb,
                                               qemu_plugin_vcpu_udata_cb_t cb,
                                               enum qemu_plugin_cb_flags flags,
                                               enum qemu_plugin_cond cond,
                                               qemu_plugin_u64 entry,
                                               uint64_t imm,
                                               void *userdata);

/** Apply inline @op to the running vCPU's @entry every time @tb starts. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(
    struct qemu_plugin_tb *tb,
    enum qemu_plugin_op op,
    qemu_plugin_u64 entry,
    uint64_t imm);

/**
 * Call @cb every time @insn executes, before it executes.  Under emu the
 * call happens only when the instruction is reached; see docs/plugins.md
 * for the precise guarantee around faults.
 */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags,
                                            void *userdata);

/** As above, only when `entry[vcpu] COND imm` holds at that moment. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_insn_exec_cond_cb(
    struct qemu_plugin_insn *insn,
    qemu_plugin_vcpu_udata_cb_t cb,
    enum qemu_plugin_cb_flags flags,
    enum qemu_plugin_cond cond,
    qemu_plugin_u64 entry,
    uint64_t imm,
    void *userdata);

/**
 * Apply inline @op to the running vCPU's @entry every time @insn executes.
 * emu counts exactly: an instruction that faults does not count, a REP
 * string instruction counts once per iteration (once if it iterates zero
 * times).
 */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(
    struct qemu_plugin_insn *insn,
    enum qemu_plugin_op op,
    qemu_plugin_u64 entry,
    uint64_t imm);

/* Block and instruction queries (valid during the tb_trans callback). */

/** Number of guest instructions in @tb. */
QEMU_PLUGIN_API
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);

/** Guest virtual address of @tb's first instruction. */
QEMU_PLUGIN_API
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);

/** Instruction @idx (0-based) of @tb, or NULL past the end. */
QEMU_PLUGIN_API
struct qemu_plugin_insn *
qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);

/**
 * Copy up to @len bytes of @insn's encoding into @dest.
 * Returns the number of bytes copied: min(@len, instruction size).
 */
QEMU_PLUGIN_API
size_t qemu_plugin_insn_data(const struct qemu_plugin_insn *insn,
                             void *dest, size_t len);

/** Size of @insn in bytes. */
QEMU_PLUGIN_API
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);

/** Guest virtual address of @insn. */
QEMU_PLUGIN_API
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);

/**
 * "Hardware" address of @insn.  In user mode QEMU returns the host
 * address backing the guest code; emu does the same (NULL if unknown).
 */
QEMU_PLUGIN_API
void *qemu_plugin_insn_haddr(const struct qemu_plugin_insn *insn);

/* Memory accesses. */

/** Opaque description of one memory access, passed to memory callbacks. */
typedef uint32_t qemu_plugin_meminfo_t;
/** Opaque physical-address handle (system emulation only). */
struct qemu_plugin_hwaddr;

/** log2 of the access size in bytes (0 = byte ... 4 = 16 bytes). */
QEMU_PLUGIN_API
unsigned int qemu_plugin_mem_size_shift(qemu_plugin_meminfo_t info);
/** true if the loaded value was sign-extended. */
QEMU_PLUGIN_API
bool qemu_plugin_mem_is_sign_extended(qemu_plugin_meminfo_t info);
/** true if the access was big-endian (never on x86). */
QEMU_PLUGIN_API
bool qemu_plugin_mem_is_big_endian(qemu_plugin_meminfo_t info);
/** true for a store, false for a load. */
QEMU_PLUGIN_API
bool qemu_plugin_mem_is_store(qemu_plugin_meminfo_t info);
/** The value loaded or stored (valid only inside the memory callback). */
QEMU_PLUGIN_API
qemu_plugin_mem_value qemu_plugin_mem_get_value(qemu_plugin_meminfo_t info);

/** System emulation only: NULL in user mode, as in QEMU linux-user. */
QEMU_PLUGIN_API
struct qemu_plugin_hwaddr *qemu_plugin_get_hwaddr(qemu_plugin_meminfo_t info,
                                                  uint64_t vaddr);
/** false in user mode. */
QEMU_PLUGIN_API
bool qemu_plugin_hwaddr_is_io(const struct qemu_plugin_hwaddr *haddr);
/** 0 in user mode. */
QEMU_PLUGIN_API
uint64_t qemu_plugin_hwaddr_phys_addr(const struct qemu_plugin_hwaddr *haddr);
/** "RAM" in user mode. */
QEMU_PLUGIN_API
const char *qemu_plugin_hwaddr_device_name(const struct qemu_plugin_hwaddr *h);

/** Memory callback: after a load/store of an instrumented instruction. */
typedef void (*qemu_plugin_vcpu_mem_cb_t)(unsigned int vcpu_index,
                                          qemu_plugin_meminfo_t info,
                                          uint64_t vaddr,
                                          void *userdata);

/** Call @cb after every access of kind @rw made by @insn. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn,
                                      qemu_plugin_vcpu_mem_cb_t cb,
                                      enum qemu_plugin_cb_flags flags,
                                      enum qemu_plugin_mem_rw rw,
                                      void *userdata);

/** Apply inline @op to @entry after every access of kind @rw by @insn. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_mem_inline_per_vcpu(
    struct qemu_plugin_insn *insn,
    enum qemu_plugin_mem_rw rw,
    enum qemu_plugin_op op,
    qemu_plugin_u64 entry,
    uint64_t imm);

/* System calls. */

/** Before a guest syscall: number and its first eight argument words. */
typedef void (*qemu_plugin_vcpu_syscall_cb_t)(qemu_plugin_id_t id,
                                              unsigned int vcpu_index,
                                              int64_t num, uint64_t a1,
                                              uint64_t a2, uint64_t a3,
                                              uint64_t a4, uint64_t a5,
                                              uint64_t a6, uint64_t a7,
                                              uint64_t a8);

QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_syscall_cb(qemu_plugin_id_t id,
                                          qemu_plugin_vcpu_syscall_cb_t cb);

/** After a guest syscall: number and return value (negative errno). */
typedef void (*qemu_plugin_vcpu_syscall_ret_cb_t)(qemu_plugin_id_t id,
                                                  unsigned int vcpu_idx,
                                                  int64_t num, int64_t ret);

QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_syscall_ret_cb(
    qemu_plugin_id_t id,
    qemu_plugin_vcpu_syscall_ret_cb_t cb);

/** Disassembly of @insn (AT&T-free Intel syntax); g_free() the result. */
QEMU_PLUGIN_API
char *qemu_plugin_insn_disas(const struct qemu_plugin_insn *insn);

/**
 * Name of the ELF symbol containing @insn, or NULL.  Best effort, from the
 * guest binary's symbol table; the string lives as long as emu.
 */
QEMU_PLUGIN_API
const char *qemu_plugin_insn_symbol(const struct qemu_plugin_insn *insn);

/** Call @cb once for each existing vCPU. */
QEMU_PLUGIN_API
void qemu_plugin_vcpu_for_each(qemu_plugin_id_t id,
                               qemu_plugin_vcpu_simple_cb_t cb);

/** Called whenever the translated code cache is flushed. */
QEMU_PLUGIN_API
void qemu_plugin_register_flush_cb(qemu_plugin_id_t id,
                                   qemu_plugin_simple_cb_t cb);

/**
 * Called once when the guest ends: exit, exit_group, or death by a
 * signal, before emu exits.  The place to print results.
 */
QEMU_PLUGIN_API
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
                                    qemu_plugin_udata_cb_t cb,
                                    void *userdata);

/** Number of vCPUs created so far (guest threads ever started). */
QEMU_PLUGIN_API
int qemu_plugin_num_vcpus(void);

/**
 * Write @string to the plugin output: stderr, or the -D log file when one
 * is given (QEMU writes it to its log under `-d plugin`).
 */
QEMU_PLUGIN_API
void qemu_plugin_outs(const char *string);

/**
 * Parse a boolean option value ("on"/"yes"/"true"/"off"/"no"/"false") into
 * *@ret.  Returns false if @val is not a boolean.
 */
QEMU_PLUGIN_API
bool qemu_plugin_bool_parse(const char *name, const char *val, bool *ret);

/** Path of the guest program; g_free() the result. */
QEMU_PLUGIN_API
const char *qemu_plugin_path_to_binary(void);

/** Guest address of the start of the program's code segment. */
QEMU_PLUGIN_API
uint64_t qemu_plugin_start_code(void);
/** Guest address of the end of the program's code segment. */
QEMU_PLUGIN_API
uint64_t qemu_plugin_end_code(void);
/** Guest address of the program's entry point. */
QEMU_PLUGIN_API
uint64_t qemu_plugin_entry_code(void);

/* Scoreboards: per-vCPU storage that grows as vCPUs are added. */

/** A new scoreboard with one zeroed @element_size entry per vCPU. */
QEMU_PLUGIN_API
struct qemu_plugin_scoreboard *qemu_plugin_scoreboard_new(size_t element_size);

/** Free @score (no inline op may still target it). */
QEMU_PLUGIN_API
void qemu_plugin_scoreboard_free(struct qemu_plugin_scoreboard *score);

/** Address of vCPU @vcpu_index's entry (valid until the next vCPU is added). */
QEMU_PLUGIN_API
void *qemu_plugin_scoreboard_find(struct qemu_plugin_scoreboard *score,
                                  unsigned int vcpu_index);

/** A qemu_plugin_u64 for a scoreboard of plain uint64_t entries. */
#define qemu_plugin_scoreboard_u64(score) \
    ((qemu_plugin_u64) {(score), 0})
/** A qemu_plugin_u64 for uint64_t @member of entries of type @type. */
#define qemu_plugin_scoreboard_u64_in_struct(score, type, member) \
    ((qemu_plugin_u64) {(score), offsetof(type, member)})

/** entry[vcpu_index] += added */
QEMU_PLUGIN_API
void qemu_plugin_u64_add(qemu_plugin_u64 entry, unsigned int vcpu_index,
                         uint64_t added);
/** entry[vcpu_index] */
QEMU_PLUGIN_API
uint64_t qemu_plugin_u64_get(qemu_plugin_u64 entry, unsigned int vcpu_index);
/** entry[vcpu_index] = val */
QEMU_PLUGIN_API
void qemu_plugin_u64_set(qemu_plugin_u64 entry, unsigned int vcpu_index,
                         uint64_t val);
/** Sum of entry over all vCPUs. */
QEMU_PLUGIN_API
uint64_t qemu_plugin_u64_sum(qemu_plugin_u64 entry);

/* Registers (from vCPU context: callbacks, syscall callbacks). */

/** One readable register: its handle, name ("rax", "rip", "xmm0"...). */
typedef struct {
    struct qemu_plugin_register *handle;
    const char *name;
    const char *feature;
} qemu_plugin_reg_descriptor;

/**
 * The registers of the current vCPU: a GArray of qemu_plugin_reg_descriptor
 * that the caller frees with g_array_free(array, TRUE).
 */
QEMU_PLUGIN_API
GArray *qemu_plugin_get_registers(void);

/**
 * Append the current value of @handle (little-endian, its natural size)
 * to @buf.  Returns the number of bytes appended, or -1 on error.
 */
QEMU_PLUGIN_API
int qemu_plugin_read_register(struct qemu_plugin_register *handle,
                              GByteArray *buf);

/**
 * Set @handle from @buf (little-endian).  Only from callbacks registered
 * with QEMU_PLUGIN_CB_RW_REGS.  Returns the number of bytes used, or -1.
 */
QEMU_PLUGIN_API
int qemu_plugin_write_register(struct qemu_plugin_register *handle,
                               GByteArray *buf);

/**
 * Read @len guest bytes at virtual address @addr into @data (resized to
 * @len).  Returns false if any byte is not readable by the guest.
 */
QEMU_PLUGIN_API
bool qemu_plugin_read_memory_vaddr(uint64_t addr, GByteArray *data,
                                   size_t len);

/**
 * Write @data to guest memory at virtual address @addr as the guest would
 * (translated code in that range is invalidated).  Returns false if any
 * byte is not writable by the guest; nothing is written then.
 */
QEMU_PLUGIN_API
bool qemu_plugin_write_memory_vaddr(uint64_t addr, GByteArray *data);

#ifdef __cplusplus
}
#endif

#endif /* QEMU_QEMU_PLUGIN_H */
