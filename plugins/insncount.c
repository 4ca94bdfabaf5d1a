/*
 * libinsncount: emu's bundled instruction counter (docs/counting.md).
 *
 *   emu -plugin build/plugins/libinsncount.so[,started][,count_per_thread]
 *       [,on_every_close][,json=FILE] PROGRAM ARGS...
 *
 * The guest brackets what it wants measured with magic reads:
 * read(BASE+k, buf, len), BASE 0xcafebabe or 0x0afebabe (low 32 bits of
 * the fd compared), k=0 START, k=1 STOP, k=2 bytes read, k=3 bytes
 * written.  The region is the instructions after the START syscall up to
 * and including the STOP syscall.  The read itself is left to the
 * emulator, which runs it on the host with the bad fd: the guest sees
 * EBADF exactly as natively.
 *
 * How it counts: every instruction adds 1 inline to its vCPU's scoreboard
 * entry, always (the core makes those adds exact and merges them per
 * block; inline ops cannot be conditional).  Regions are differences: START
 * takes a snapshot, STOP subtracts it.  The syscall callback runs when the
 * syscall instruction has been counted, so the snapshot includes START's
 * syscall and the STOP value includes STOP's.  Each vCPU (guest thread)
 * counts into its own entry; totals are sums, so the hot path needs no
 * atomics.  Region bookkeeping (rare: syscalls only) is under one mutex.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "qemu-plugin.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAGIC_BASE_A 0xcafebabeu
#define MAGIC_BASE_B 0x0afebabeu

/* x86_64 syscall numbers the plugin watches */
enum {
    NR_read = 0, NR_write = 1, NR_close = 3, NR_pread64 = 17, NR_pwrite64 = 18,
    NR_readv = 19, NR_writev = 20, NR_preadv = 295, NR_pwritev = 296,
};

/* One scoreboard entry per vCPU. */
typedef struct {
    uint64_t insns;          /* every instruction this vCPU executed */
} VCPUCount;

/* One closed START..STOP region, for json=. */
typedef struct {
    unsigned int vcpu;       /* thread that issued START */
    uint64_t insns, bytes_read, bytes_written;
} Region;

static struct qemu_plugin_scoreboard *counts;
static qemu_plugin_u64 insn_entry;

static bool opt_started, opt_per_thread, opt_on_every_close;
static char *opt_json;

static GMutex lock;              /* protects everything below */
static bool counting;
static unsigned int start_vcpu;  /* who issued START (per-thread mode) */
static uint64_t snapshot;        /* instruction counter at START */
static uint64_t frozen_insns;    /* region count as of the last STOP */
static uint64_t bytes_read, bytes_written;
static GArray *regions;          /* of Region */

/* The counter the region is measured on: the starting vCPU's own entry
 * in per-thread mode, else the sum over all vCPUs. */
static uint64_t raw_insns(void)
{
    return opt_per_thread ? qemu_plugin_u64_get(insn_entry, start_vcpu)
                          : qemu_plugin_u64_sum(insn_entry);
}

static uint64_t region_insns(void)
{
    return counting ? raw_insns() - snapshot : frozen_insns;
}

static void print_counters(void)
{
    g_autofree char *line = g_strdup_printf(
        "executed %" PRIu64 " instructions; %" PRIu64 " bytes read; %" PRIu64
        " bytes written\n", region_insns(), bytes_read, bytes_written);
    qemu_plugin_outs(line);
}

/* Store @value into the guest's buffer through the API (the guest address
 * is never used as a host pointer).  A buffer the guest cannot write is
 * left alone: the guest then only sees its read fail with EBADF. */
static void guest_store_u64(uint64_t addr, uint64_t value)
{
    uint8_t bytes[8];
    for (int i = 0; i < 8; i++) {
        bytes[i] = value >> (8 * i);     /* little-endian guest */
    }
    GByteArray *ba = g_byte_array_new();
    g_byte_array_append(ba, bytes, sizeof(bytes));
    (void)qemu_plugin_write_memory_vaddr(addr, ba);
    g_byte_array_unref(ba);
}

/* Called with the lock held. */
static void magic(unsigned int vcpu, unsigned int k, uint64_t buf, uint64_t len)
{
    switch (k) {
    case 0: /* START: reset and start */
        start_vcpu = vcpu;
        counting = true;
        snapshot = raw_insns();
        bytes_read = bytes_written = 0;
        if (len == 8) {
            guest_store_u64(buf, 1);
        }
        break;
    case 1: /* STOP */
        if (counting) {
            frozen_insns = raw_insns() - snapshot;
            counting = false;
            Region r = { start_vcpu, frozen_insns, bytes_read, bytes_written };
            g_array_append_val(regions, r);
        }
        if (len == 8) {
            guest_store_u64(buf, frozen_insns);
        }
        print_counters();
        break;
    case 2:
        if (len == 8) {
            guest_store_u64(buf, bytes_read);
        }
        break;
    case 3:
        if (len == 8) {
            guest_store_u64(buf, bytes_written);
        }
        break;
    }
}

static void vcpu_syscall(qemu_plugin_id_t id, unsigned int vcpu_index,
                         int64_t num, uint64_t a1, uint64_t a2, uint64_t a3,
                         uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7,
                         uint64_t a8)
{
    if (num == NR_read) {
        uint32_t fd = (uint32_t)a1;
        if (fd - MAGIC_BASE_A < 4 || fd - MAGIC_BASE_B < 4) {
            unsigned int k = fd - (fd - MAGIC_BASE_A < 4 ? MAGIC_BASE_A : MAGIC_BASE_B);
            g_mutex_lock(&lock);
            magic(vcpu_index, k, a2, a3);
            g_mutex_unlock(&lock);
        }
    } else if (num == NR_close && opt_on_every_close) {
        g_mutex_lock(&lock);
        print_counters();
        g_mutex_unlock(&lock);
    }
}

static void vcpu_syscall_ret(qemu_plugin_id_t id, unsigned int vcpu_index,
                             int64_t num, int64_t ret)
{
    bool is_read = num == NR_read || num == NR_pread64 || num == NR_readv ||
                   num == NR_preadv;
    bool is_write = num == NR_write || num == NR_pwrite64 || num == NR_writev ||
                    num == NR_pwritev;
    if (ret <= 0 || !(is_read || is_write)) {
        return;
    }
    g_mutex_lock(&lock);
    if (counting && (!opt_per_thread || vcpu_index == start_vcpu)) {
        if (is_read) {
            bytes_read += (uint64_t)ret;
        } else {
            bytes_written += (uint64_t)ret;
        }
    }
    g_mutex_unlock(&lock);
}

static void vcpu_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(
            insn, QEMU_PLUGIN_INLINE_ADD_U64, insn_entry, 1);
    }
}

static void write_json(void)
{
    GString *s = g_string_new("{\n");
    int nv = qemu_plugin_num_vcpus();
    g_string_append_printf(s, "  \"total\": %" PRIu64 ",\n  \"regions\": [",
                           qemu_plugin_u64_sum(insn_entry));
    for (guint i = 0; i < regions->len; i++) {
        Region *r = &g_array_index(regions, Region, i);
        g_string_append_printf(s, "%s\n    {\"index\": %u, \"thread\": %u, "
                               "\"instructions\": %" PRIu64 ", \"bytes_read\": %"
                               PRIu64 ", \"bytes_written\": %" PRIu64 "}",
                               i ? "," : "", i, r->vcpu, r->insns,
                               r->bytes_read, r->bytes_written);
    }
    g_string_append_printf(s, "%s],\n  \"threads\": [", regions->len ? "\n  " : "");
    for (int v = 0; v < nv; v++) {
        g_string_append_printf(s, "%s\n    {\"thread\": %d, \"instructions\": %"
                               PRIu64 "}", v ? "," : "", v,
                               qemu_plugin_u64_get(insn_entry, v));
    }
    g_string_append_printf(s, "%s]\n}\n", nv ? "\n  " : "");

    FILE *f = fopen(opt_json, "w");
    if (!f || fwrite(s->str, 1, s->len, f) != s->len || fclose(f) != 0) {
        g_autofree char *msg = g_strdup_printf("insncount: cannot write %s\n", opt_json);
        qemu_plugin_outs(msg);
    }
    g_string_free(s, TRUE);
}

static void plugin_exit(qemu_plugin_id_t id, void *userdata)
{
    g_mutex_lock(&lock);
    if (counting) {
        print_counters();   /* a region still open at exit */
    }
    if (opt_json) {
        write_json();
    }
    g_mutex_unlock(&lock);
}

/* One option: "X", "X=on|off|...", "arg=X" (QEMU's old spelling), or
 * "json=FILE".  Returns false for an unknown or malformed option. */
static bool parse_option(const char *opt)
{
    if (g_str_has_prefix(opt, "arg=")) {
        return parse_option(opt + 4);
    }
    if (g_str_has_prefix(opt, "json=")) {
        g_free(opt_json);
        opt_json = g_strdup(opt + 5);
        return opt_json[0] != '\0';
    }
    g_auto(GStrv) kv = g_strsplit(opt, "=", 2);
    bool val = true;
    if (kv[1] && !qemu_plugin_bool_parse(kv[0], kv[1], &val)) {
        return false;
    }
    if (!strcmp(kv[0], "started")) {
        opt_started = val;
    } else if (!strcmp(kv[0], "count_per_thread")) {
        opt_per_thread = val;
    } else if (!strcmp(kv[0], "on_every_close")) {
        opt_on_every_close = val;
    } else {
        return false;
    }
    return true;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
                                           const qemu_info_t *info,
                                           int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (!parse_option(argv[i])) {
            fprintf(stderr, "insncount: invalid option '%s' (valid: started, "
                    "count_per_thread, on_every_close, json=FILE)\n", argv[i]);
            return -1;
        }
    }
    counts = qemu_plugin_scoreboard_new(sizeof(VCPUCount));
    insn_entry = qemu_plugin_scoreboard_u64_in_struct(counts, VCPUCount, insns);
    regions = g_array_new(FALSE, FALSE, sizeof(Region));
    /* `started`: a region open from the first instruction, on vCPU 0 */
    counting = opt_started;
    start_vcpu = 0;
    snapshot = 0;

    qemu_plugin_register_vcpu_tb_trans_cb(id, vcpu_tb_trans);
    qemu_plugin_register_vcpu_syscall_cb(id, vcpu_syscall);
    qemu_plugin_register_vcpu_syscall_ret_cb(id, vcpu_syscall_ret);
    qemu_plugin_register_atexit_cb(id, plugin_exit, NULL);
    return 0;
}
