/* A plugin for API version 1 (pre-scoreboard): emu must refuse it (exit 1). */
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    qemu_plugin_outs("broken-oldversion: installed (must not happen)\n");
    return 0;
}
