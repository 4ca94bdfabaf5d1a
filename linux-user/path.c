/*
 * linux-user/path.c — the -L prefix (QEMU's interp_prefix): guest paths
 * looked up in a directory tree first.
 *
 * With -L PREFIX (or QEMU_LD_PREFIX), an absolute path the guest names in
 * a lookup (open, stat, access, readlink, execve, the ELF interpreter...)
 * becomes PREFIX/path when that exists, else stays as it is: so a foreign
 * or private sysroot's ld.so finds its libraries there.  /proc, /dev and
 * /sys are never redirected (they describe this machine and this process),
 * nor "/" itself.  Relative paths are not redirected (as in QEMU).
 *
 * No cache of the prefix tree: one lstat per lookup, and only with -L.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "linux-user/internal.h"

static char *prefix;        /* absolute, no trailing slash; NULL: no -L */

void lu_path_init(const char *p)
{
    g_free(prefix);
    prefix = NULL;
    if (p == NULL || *p == '\0') {
        return;
    }
    char *r = realpath(p, NULL);
    prefix = r ? g_strdup(r) : g_canonicalize_filename(p, NULL);
    free(r);
    if (strcmp(prefix, "/") == 0) {
        g_free(prefix);     /* "-L /" changes nothing */
        prefix = NULL;
    }
}

const char *lu_path_prefix(void)
{
    return prefix;
}

/* /proc, /dev, /sys and everything below them. */
static bool never_redirected(const char *path)
{
    static const char *const roots[] = { "/proc", "/dev", "/sys" };
    for (size_t i = 0; i < G_N_ELEMENTS(roots); i++) {
        size_t n = strlen(roots[i]);
        if (strncmp(path, roots[i], n) == 0 && (path[n] == '\0' || path[n] == '/')) {
            return true;
        }
    }
    return false;
}

char *lu_path(const char *path)
{
    struct stat st;

    if (prefix == NULL || path[0] != '/' || path[1] == '\0' || never_redirected(path)) {
        return g_strdup(path);
    }
    char *full = g_strconcat(prefix, path, NULL);
    if (strlen(full) >= PATH_MAX || lstat(full, &st) != 0) {
        g_free(full);
        return g_strdup(path);
    }
    return full;
}
