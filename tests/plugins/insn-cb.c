/*
 * insn-cb: an instruction counter written the way QEMU's documentation and
 * example plugins write one, against the QEMU plugin API only: a tb_trans
 * callback registers an exec callback on every instruction; the callback
 * adds one to the running vCPU's scoreboard entry; at exit the plugin
 * prints the sum.  Built unchanged against emu's qemu-plugin.h, its total
 * must equal libinsncount's.
 */
#include <inttypes.h>
#include <stdio.h>

#include <glib.h>
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static struct qemu_plugin_scoreboard *insn_counts;
static qemu_plugin_u64 insn_count;

static void vcpu_insn_exec(unsigned int vcpu_index, void *udata)
{
    qemu_plugin_u64_add(insn_count, vcpu_index, 1);
}

static void vcpu_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);

    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        qemu_plugin_register_vcpu_insn_exec_cb(insn, vcpu_insn_exec,
                                               QEMU_PLUGIN_CB_NO_REGS, NULL);
    }
}

static void plugin_exit(qemu_plugin_id_t id, void *p)
{
    g_autoptr(GString) out = g_string_new("");

    for (int i = 0; i < qemu_plugin_num_vcpus(); i++) {
        g_string_append_printf(out, "cpu %d insns: %" PRIu64 "\n",
                               i, qemu_plugin_u64_get(insn_count, i));
    }
    g_string_append_printf(out, "total insns: %" PRIu64 "\n",
                           qemu_plugin_u64_sum(insn_count));
    qemu_plugin_outs(out->str);
    qemu_plugin_scoreboard_free(insn_counts);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
                                           const qemu_info_t *info,
                                           int argc, char **argv)
{
    insn_counts = qemu_plugin_scoreboard_new(sizeof(uint64_t));
    insn_count = qemu_plugin_scoreboard_u64(insn_counts);
    qemu_plugin_register_vcpu_tb_trans_cb(id, vcpu_tb_trans);
    qemu_plugin_register_atexit_cb(id, plugin_exit, NULL);
    return 0;
}
