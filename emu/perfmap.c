/*
 * emu/perfmap.c — the perf map file of -perfmap.
 *
 * perf(1) resolves samples in anonymous executable memory through
 * /tmp/perf-<pid>.map, one "START SIZE NAME" line (hex, hex, text) per
 * symbol.  Each translated TB becomes a symbol named after its guest pc
 * ("guest 0x401620+36": start and guest byte length), so `perf report`
 * on an emu run shows which guest code the JIT time is spent in.  When
 * the code cache is flushed, addresses are reused: perf takes the latest
 * line covering a sample, which is the TB generated last (mostly right
 * for a long run).  Lines are written with one write() each (O_APPEND),
 * so threads need no lock.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "perfmap.h"

static int perfmap_fd = -1;

static int perfmap_create(void)
{
    char path[64];
    snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
    return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
}

bool perfmap_open(void)
{
    perfmap_fd = perfmap_create();
    return perfmap_fd >= 0;
}

void perfmap_after_fork(void)
{
    if (perfmap_fd >= 0) {
        close(perfmap_fd);
        perfmap_fd = perfmap_create();
    }
}

void perfmap_add(const void *host, size_t size, uint64_t pc, uint32_t guest_size)
{
    if (perfmap_fd < 0 || size == 0) {
        return;
    }
    char line[96];
    int n = snprintf(line, sizeof(line), "%lx %zx guest 0x%llx+%u\n", (unsigned long)(uintptr_t)host,
                     size, (unsigned long long)pc, guest_size);
    if (n > 0 && write(perfmap_fd, line, (size_t)n) < 0) {
        /* a full /tmp only loses symbols */
    }
}
