/*
 * tb-inline: a block counter in the style of QEMU's example "bb" plugin:
 * per translated block, two inline ops on a per-vCPU scoreboard (one adds
 * 1 to the block count, one adds the block's instruction count), no
 * callbacks on the hot path.  Options as QEMU plugins take them:
 * "inline=on|off" (off: an exec callback per block instead).  Built
 * unchanged against emu's qemu-plugin.h, its instruction total must equal
 * libinsncount's for programs without faults.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

typedef struct {
    uint64_t bb_count;
    uint64_t insn_count;
} CPUCount;

static struct qemu_plugin_scoreboard *counts;
static qemu_plugin_u64 bb_count;
static qemu_plugin_u64 insn_count;
static bool do_inline = true;

static void vcpu_tb_exec(unsigned int cpu_index, void *udata)
{
    CPUCount *count = qemu_plugin_scoreboard_find(counts, cpu_index);
    uintptr_t n_insns = (uintptr_t)udata;

    count->insn_count += n_insns;
    count->bb_count++;
}

static void vcpu_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n_insns = qemu_plugin_tb_n_insns(tb);

    if (do_inline) {
        qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(
            tb, QEMU_PLUGIN_INLINE_ADD_U64, bb_count, 1);
        qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(
            tb, QEMU_PLUGIN_INLINE_ADD_U64, insn_count, n_insns);
    } else {
        qemu_plugin_register_vcpu_tb_exec_cb(tb, vcpu_tb_exec,
                                             QEMU_PLUGIN_CB_NO_REGS,
                                             (void *)n_insns);
    }
}

static void plugin_exit(qemu_plugin_id_t id, void *p)
{
    g_autofree char *out = g_strdup_printf(
        "bb's: %" PRIu64 ", insns: %" PRIu64 "\n",
        qemu_plugin_u64_sum(bb_count), qemu_plugin_u64_sum(insn_count));
    qemu_plugin_outs(out);
    qemu_plugin_scoreboard_free(counts);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
                                           const qemu_info_t *info,
                                           int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        char *opt = argv[i];
        g_auto(GStrv) tokens = g_strsplit(opt, "=", 2);
        if (g_strcmp0(tokens[0], "inline") == 0) {
            if (!qemu_plugin_bool_parse(tokens[0], tokens[1], &do_inline)) {
                fprintf(stderr, "boolean argument parsing failed: %s\n", opt);
                return -1;
            }
        } else {
            fprintf(stderr, "option parsing failed: %s\n", opt);
            return -1;
        }
    }

    counts = qemu_plugin_scoreboard_new(sizeof(CPUCount));
    bb_count = qemu_plugin_scoreboard_u64_in_struct(counts, CPUCount, bb_count);
    insn_count = qemu_plugin_scoreboard_u64_in_struct(counts, CPUCount, insn_count);
    qemu_plugin_register_vcpu_tb_trans_cb(id, vcpu_tb_trans);
    qemu_plugin_register_atexit_cb(id, plugin_exit, NULL);
    return 0;
}
