/*
 * linux-user/syscall-xattr.c — extended attributes (the *xattr family) and
 * inotify: host pass-through after validating names, paths and buffers.
 *
 * Sizes follow the kernel: a set larger than XATTR_SIZE_MAX is E2BIG, a
 * get or list buffer larger than it is used only up to it.
 */
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "linux-user/internal.h"
#include "softmmu/softmmu.h"

#define RAW(...) host_ret(syscall(__VA_ARGS__))
#define XATTR_SIZE_MAX 65536

/* Which object an xattr call names: a path (following symlinks or not)
 * or an fd. */
typedef enum { BY_PATH, BY_LPATH, BY_FD } XattrTarget;

static const long nr_set[] = { SYS_setxattr, SYS_lsetxattr, SYS_fsetxattr };
static const long nr_get[] = { SYS_getxattr, SYS_lgetxattr, SYS_fgetxattr };
static const long nr_list[] = { SYS_listxattr, SYS_llistxattr, SYS_flistxattr };
static const long nr_remove[] = { SYS_removexattr, SYS_lremovexattr, SYS_fremovexattr };

/* The object argument as the host call takes it: a host path string
 * (g_malloc'ed into *path) or the fd. */
static int64_t target_arg(XattrTarget t, uint64_t g, char **path, long *arg)
{
    *path = NULL;
    if (t == BY_FD) {
        *arg = (long)(int)g;
        return 0;
    }
    int err;
    g_autofree char *guest = g_path(g, &err);
    if (!guest) {
        return err;
    }
    *path = lu_path(guest);     /* -L prefix */
    *arg = (long)*path;
    return 0;
}

/* What every xattr call starts with: the object (and the attribute name
 * for all but list), validated; freed by g_auto. */
typedef struct XattrArgs {
    char *path;         /* host path, or NULL for an fd */
    long obj;           /* what the host call takes: path or fd */
    char *name;
} XattrArgs;

static void xattr_args_clear(XattrArgs *x)
{
    g_free(x->path);
    g_free(x->name);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(XattrArgs, xattr_args_clear)

static int64_t xattr_args(XattrTarget t, const uint64_t *a, bool named, XattrArgs *x)
{
    int64_t r = target_arg(t, a[0], &x->path, &x->obj);
    if (r < 0 || !named) {
        return r;
    }
    int err;
    x->name = g_path(a[1], &err);
    return x->name ? 0 : err;
}

static int64_t do_setxattr(XattrTarget t, const uint64_t *a)
{
    if (a[3] > XATTR_SIZE_MAX) {
        return -E2BIG;
    }
    g_auto(XattrArgs) x = { 0 };
    int64_t r = xattr_args(t, a, true, &x);
    if (r < 0) {
        return r;
    }
    void *val = g_ptr_r(a[2], a[3]);
    if (!val) {
        return -EFAULT;
    }
    return RAW(nr_set[t], x.obj, x.name, val, (size_t)a[3], (int)a[4]);
}

static int64_t do_getxattr(XattrTarget t, const uint64_t *a)
{
    size_t size = a[3] > XATTR_SIZE_MAX ? XATTR_SIZE_MAX : (size_t)a[3];
    g_auto(XattrArgs) x = { 0 };
    int64_t r = xattr_args(t, a, true, &x);
    if (r < 0) {
        return r;
    }
    void *val = size ? g_ptr_w(a[2], size) : NULL;
    if (size && !val) {
        return -EFAULT;
    }
    return RAW(nr_get[t], x.obj, x.name, val, size);
}

static int64_t do_listxattr(XattrTarget t, const uint64_t *a)
{
    size_t size = a[2] > XATTR_SIZE_MAX ? XATTR_SIZE_MAX : (size_t)a[2];
    g_auto(XattrArgs) x = { 0 };
    int64_t r = xattr_args(t, a, false, &x);
    if (r < 0) {
        return r;
    }
    void *list = size ? g_ptr_w(a[1], size) : NULL;
    if (size && !list) {
        return -EFAULT;
    }
    return RAW(nr_list[t], x.obj, list, size);
}

static int64_t do_removexattr(XattrTarget t, const uint64_t *a)
{
    g_auto(XattrArgs) x = { 0 };
    int64_t r = xattr_args(t, a, true, &x);
    return r < 0 ? r : RAW(nr_remove[t], x.obj, x.name);
}

int64_t sys_setxattr(CPUX86State *env, const uint64_t *a) { return do_setxattr(BY_PATH, a); }
int64_t sys_lsetxattr(CPUX86State *env, const uint64_t *a) { return do_setxattr(BY_LPATH, a); }
int64_t sys_fsetxattr(CPUX86State *env, const uint64_t *a) { return do_setxattr(BY_FD, a); }
int64_t sys_getxattr(CPUX86State *env, const uint64_t *a) { return do_getxattr(BY_PATH, a); }
int64_t sys_lgetxattr(CPUX86State *env, const uint64_t *a) { return do_getxattr(BY_LPATH, a); }
int64_t sys_fgetxattr(CPUX86State *env, const uint64_t *a) { return do_getxattr(BY_FD, a); }
int64_t sys_listxattr(CPUX86State *env, const uint64_t *a) { return do_listxattr(BY_PATH, a); }
int64_t sys_llistxattr(CPUX86State *env, const uint64_t *a) { return do_listxattr(BY_LPATH, a); }
int64_t sys_flistxattr(CPUX86State *env, const uint64_t *a) { return do_listxattr(BY_FD, a); }
int64_t sys_removexattr(CPUX86State *env, const uint64_t *a) { return do_removexattr(BY_PATH, a); }
int64_t sys_lremovexattr(CPUX86State *env, const uint64_t *a) { return do_removexattr(BY_LPATH, a); }
int64_t sys_fremovexattr(CPUX86State *env, const uint64_t *a) { return do_removexattr(BY_FD, a); }

/* ---- inotify: events are read from the fd with plain read(2) ---- */

int64_t sys_inotify_init(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_inotify_init1, 0);
}

int64_t sys_inotify_init1(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_inotify_init1, (int)a[0]);
}

int64_t sys_inotify_add_watch(CPUX86State *env, const uint64_t *a)
{
    int err;
    g_autofree char *guest = g_path(a[1], &err);
    if (!guest) {
        return err;
    }
    g_autofree char *path = lu_path(guest);
    return RAW(SYS_inotify_add_watch, (int)a[0], path, (uint32_t)a[2]);
}

int64_t sys_inotify_rm_watch(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_inotify_rm_watch, (int)a[0], (int)a[1]);
}
