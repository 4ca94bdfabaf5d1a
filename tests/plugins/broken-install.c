/* qemu_plugin_install fails (as plugins do on a bad option): exit 1.
 * It registers an atexit callback first: that must not run. */
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static void at_exit(qemu_plugin_id_t id, void *p)
{
    qemu_plugin_outs("broken-install: atexit ran (must not happen)\n");
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    qemu_plugin_outs("broken-install: refusing\n");
    return -1;
}
