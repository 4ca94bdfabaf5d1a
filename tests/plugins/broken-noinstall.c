/* A plugin that declares its version but has no qemu_plugin_install. */
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

QEMU_PLUGIN_EXPORT int not_the_install_function(void)
{
    return 0;
}
