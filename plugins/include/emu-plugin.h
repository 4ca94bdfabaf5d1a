/*
 * emu-plugin.h - emu's extensions to the QEMU plugin API.
 *
 * Everything in qemu-plugin.h behaves as QEMU documents it.  The few
 * functions here exist only in emu; a plugin that uses them does not run
 * under QEMU.  Test for them at run time with
 *   if (&emu_plugin_api_version != NULL) ...   (declare them weak)
 * or simply require emu.
 */
#ifndef EMU_PLUGIN_H
#define EMU_PLUGIN_H

#include "qemu-plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the emu extensions below (bumped when one is added). */
#define EMU_PLUGIN_API_VERSION 1

/** The extension version this emu provides. */
QEMU_PLUGIN_API
int emu_plugin_api_version(void);

/**
 * Guest thread id (the TID the guest sees from gettid()) of vCPU
 * @vcpu_index, or -1 if no such vCPU exists.  Under emu each guest thread
 * is one vCPU; vCPU indexes are never reused within a run.
 */
QEMU_PLUGIN_API
int64_t emu_plugin_vcpu_tid(unsigned int vcpu_index);

/**
 * The vCPU index of the calling thread, or -1 outside vCPU context
 * (e.g. in an atexit callback run after the last vCPU exited).
 */
QEMU_PLUGIN_API
int emu_plugin_current_vcpu(void);

#ifdef __cplusplus
}
#endif

#endif /* EMU_PLUGIN_H */
