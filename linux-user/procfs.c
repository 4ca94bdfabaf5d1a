/*
 * linux-user/procfs.c — the guest's view of its own /proc/self (and
 * /proc/<pid>, /proc/thread-self) entries: exe (the guest program, for
 * readlink and open), maps, smaps and smaps_rollup (the guest's ranges,
 * softmmu/procmaps.c), auxv and cmdline (as given to the guest), stat
 * (the host's line with the guest's name and layout fields).  An open of
 * one of these gets a memfd holding the text at the time of the open.
 * Everything else under /proc is the host's.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "linux-user/internal.h"
#include "softmmu/softmmu.h"

#define RAW(...) host_ret(syscall(__VA_ARGS__))

/* The part after "/proc/self/" or "/proc/<our pid>/", or NULL. */
static const char *proc_self_sub(const char *path)
{
    char pidpfx[32];
    if (g_str_has_prefix(path, "/proc/self/")) {
        return path + strlen("/proc/self/");
    }
    if (g_str_has_prefix(path, "/proc/thread-self/")) {
        return path + strlen("/proc/thread-self/");
    }
    snprintf(pidpfx, sizeof(pidpfx), "/proc/%d/", lu_proc.pid);
    if (g_str_has_prefix(path, pidpfx)) {
        return path + strlen(pidpfx);
    }
    return NULL;
}

const char *proc_self_readlink(const char *path)
{
    const char *sub = proc_self_sub(path);
    if (sub && strcmp(sub, "exe") == 0) {
        return lu_proc.image.path;
    }
    return NULL;
}

/* /proc/self/stat: the host's line with the guest's name and layout. */
static GString *proc_self_stat(void)
{
    g_autofree char *host = NULL;
    GString *s = g_string_new(NULL);
    g_autofree char *base = g_path_get_basename(lu_proc.image.path ? lu_proc.image.path : "?");
    char comm[16];

    g_strlcpy(comm, base, sizeof(comm));
    if (!g_file_get_contents("/proc/self/stat", &host, NULL, NULL) || !strrchr(host, ')')) {
        g_string_printf(s, "%d (%s) R\n", lu_proc.pid, comm);
        return s;
    }
    /* Fields after "pid (comm) " start with field 3 (state). */
    gchar **f = g_strsplit(strrchr(host, ')') + 2, " ", -1);
    guint n = g_strv_length(f);
    g_string_printf(s, "%d (%s)", lu_proc.pid, comm);
    for (guint i = 0; i < n; i++) {
        int field = (int)i + 3;
        char *v = g_strchomp(f[i]);
        if (field == 26) {
            g_string_append_printf(s, " %" G_GUINT64_FORMAT, (guint64)lu_proc.image.start_code);
        } else if (field == 27) {
            g_string_append_printf(s, " %" G_GUINT64_FORMAT, (guint64)lu_proc.image.end_code);
        } else if (field == 28) {
            g_string_append_printf(s, " %" G_GUINT64_FORMAT, (guint64)lu_proc.start_stack);
        } else {
            g_string_append_printf(s, " %s", v);
        }
    }
    g_string_append_c(s, '\n');
    g_strfreev(f);
    return s;
}

static int memfd_with(const void *data, size_t len, int flags)
{
    int fd = memfd_create("emu-proc", (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
    if (fd < 0) {
        return -errno;
    }
    const uint8_t *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            close(fd);
            return -e;
        }
        p += n;
        left -= (size_t)n;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

int proc_self_open(const char *path, int flags)
{
    const char *sub = proc_self_sub(path);
    int fd;

    if (sub == NULL) {
        return INT_MIN;
    }
    if (strcmp(sub, "exe") == 0) {
        return (int)RAW(SYS_openat, AT_FDCWD, lu_proc.image.path, flags, 0);
    }
    bool known = strcmp(sub, "maps") == 0 || strcmp(sub, "auxv") == 0 ||
                 strcmp(sub, "cmdline") == 0 || strcmp(sub, "stat") == 0 ||
                 strcmp(sub, "smaps") == 0 || strcmp(sub, "smaps_rollup") == 0;
    if (!known) {
        return INT_MIN;
    }
    if ((flags & O_ACCMODE) != O_RDONLY) {
        return -EACCES;
    }
    if (strcmp(sub, "maps") == 0) {
        g_autofree char *m = mm_format_maps();
        fd = memfd_with(m, strlen(m), flags);
    } else if (strncmp(sub, "smaps", 5) == 0) {
        g_autofree char *m = mm_format_smaps(strcmp(sub, "smaps_rollup") == 0);
        fd = memfd_with(m, strlen(m), flags);
    } else if (strcmp(sub, "auxv") == 0) {
        fd = memfd_with(lu_proc.auxv->data, lu_proc.auxv->len, flags);
    } else if (strcmp(sub, "cmdline") == 0) {
        fd = memfd_with(lu_proc.cmdline->data, lu_proc.cmdline->len, flags);
    } else {
        GString *s = proc_self_stat();
        fd = memfd_with(s->str, s->len, flags);
        g_string_free(s, TRUE);
    }
    return fd;
}
