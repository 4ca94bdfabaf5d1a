/*
 * raw-write: the magic-fd START answer written the way plugins written for
 * QEMU linux-user often do it: through the raw guest address, as a host
 * pointer.  That relies on QEMU's identity mapping (guest_base 0); emu's
 * DESIGN.md layout keeps guest addresses equal to host addresses, so it
 * must work under emu too.  On read(0xcafebabe, buf, 8) this stores
 * 0x1234567887654321 into buf before the read fails with EBADF.
 */
#include <stdint.h>

#include <glib.h>
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static void vcpu_syscall(qemu_plugin_id_t id, unsigned int vcpu_index,
                         int64_t num, uint64_t a1, uint64_t a2, uint64_t a3,
                         uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7,
                         uint64_t a8)
{
    if (num == 0 && (uint32_t)a1 == 0xcafebabeu && a3 == 8 && a2 != 0) {
        *(uint64_t *)(uintptr_t)a2 = 0x1234567887654321ull;
    }
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
                                           const qemu_info_t *info,
                                           int argc, char **argv)
{
    qemu_plugin_register_vcpu_syscall_cb(id, vcpu_syscall);
    return 0;
}
