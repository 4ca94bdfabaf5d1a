/*
 * emu/perfmap.h — -perfmap: tell Linux perf which guest code each block of
 * generated host code runs (/tmp/perf-<pid>.map, as QEMU's -perfmap).
 */
#ifndef EMU_PERFMAP_H
#define EMU_PERFMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Open /tmp/perf-<pid>.map (truncated); false with errno on failure. */
bool perfmap_open(void);
/* Record that host [host, host + size) runs the TB at guest pc of
 * guest_size bytes.  No-op unless perfmap_open succeeded. */
void perfmap_add(const void *host, size_t size, uint64_t pc, uint32_t guest_size);
/* After fork: the child writes its own file. */
void perfmap_after_fork(void);

#endif
