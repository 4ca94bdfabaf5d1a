/* Prints what the loader handed over: qemu_info_t and argv, one line each,
 * through qemu_plugin_outs (stderr, or the -D file).  The loader test
 * checks QEMU's argument conventions against this output. */
#include <stdio.h>
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static void at_exit(qemu_plugin_id_t id, void *p)
{
    qemu_plugin_outs("args: atexit\n");
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "args: target=%s min=%d cur=%d system=%d argc=%d\n",
             info->target_name, info->version.min, info->version.cur,
             (int)info->system_emulation, argc);
    qemu_plugin_outs(buf);
    for (int i = 0; i < argc; i++) {
        snprintf(buf, sizeof(buf), "args: argv[%d]=%s\n", i, argv[i]);
        qemu_plugin_outs(buf);
    }
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
