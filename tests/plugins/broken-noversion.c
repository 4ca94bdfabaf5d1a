/* A plugin without qemu_plugin_version: emu must refuse it (exit 1). */
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    qemu_plugin_outs("broken-noversion: installed (must not happen)\n");
    return 0;
}
