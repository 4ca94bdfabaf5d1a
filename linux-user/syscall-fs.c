/*
 * linux-user/syscall-fs.c — files, descriptors, directories, polling.
 *
 * Most calls pass through to the host kernel, which gives exactly Linux's
 * semantics and errors, once every guest buffer has been validated for
 * its full length through softmmu (EFAULT otherwise) and turned into a
 * host pointer.  x86_64 host and guest share the kernel structure layouts
 * (stat 144 bytes, statx 256, statfs 120, pollfd 8, iovec 16, flock 32,
 * epoll_event 12 packed); the static asserts below keep that honest.
 *
 * The guest's own view of /proc/self (maps, auxv, cmdline, exe, stat) is
 * emulated: opening one gives a memfd holding the guest's content.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>

#include "emu/log.h"
#include "linux-user/internal.h"
#include "linux-user/safe-syscall.h"
#include "softmmu/softmmu.h"

_Static_assert(sizeof(struct stat) == 144, "x86_64 struct stat");
_Static_assert(sizeof(struct statfs) == 120, "x86_64 struct statfs");
_Static_assert(sizeof(struct pollfd) == 8, "x86_64 struct pollfd");
_Static_assert(sizeof(struct iovec) == 16, "x86_64 struct iovec");
_Static_assert(sizeof(struct flock) == 32, "x86_64 struct flock");
_Static_assert(sizeof(struct epoll_event) == 12, "x86_64 struct epoll_event");

#define RAW(...) host_ret(syscall(__VA_ARGS__))
#define MAX_RW_COUNT 0x7ffff000ULL  /* Linux caps one read/write at this */
#define GUEST_UIO_MAXIOV 1024
#define GUEST_STATX_SIZE 256

static uint64_t rw_count(uint64_t n)
{
    return n > MAX_RW_COUNT ? MAX_RW_COUNT : n;
}

/* Declare `char *p` from guest path argument `arg`, or return its error. */
#define GUEST_PATH(p, arg)                          \
    int p##_err_ = 0;                               \
    g_autofree char *p = g_path((arg), &p##_err_);  \
    if (p == NULL) {                                \
        return p##_err_;                            \
    }

/* The same for a path that is looked up (open, stat, access, readlink,
 * statfs): through the -L prefix (path.c) when one is given. */
#define GUEST_LOOKUP_PATH(p, arg)                               \
    int p##_err_ = 0;                                           \
    g_autofree char *p##_guest_ = g_path((arg), &p##_err_);     \
    if (p##_guest_ == NULL) {                                   \
        return p##_err_;                                        \
    }                                                           \
    g_autofree char *p = lu_path(p##_guest_);

/* stat/access of /proc/self/exe see the program, not emu. */
static const char *path_subst(const char *path)
{
    const char *exe = proc_self_readlink(path);
    return exe ? exe : path;
}

/* ---- open / close / read / write ---- */

static int64_t do_openat(int dirfd, uint64_t gpath, int flags, unsigned mode)
{
    GUEST_LOOKUP_PATH(path, gpath);
    int r = proc_self_open(path, flags);
    if (r != INT_MIN) {
        return r;
    }
    return RAW(SYS_openat, dirfd, path, flags, mode);
}

int64_t sys_open(CPUX86State *env, const uint64_t *a)
{
    return do_openat(AT_FDCWD, a[0], (int)a[1], (unsigned)a[2]);
}

int64_t sys_openat(CPUX86State *env, const uint64_t *a)
{
    return do_openat((int)a[0], a[1], (int)a[2], (unsigned)a[3]);
}

int64_t sys_creat(CPUX86State *env, const uint64_t *a)
{
    return do_openat(AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, (unsigned)a[1]);
}

/* emu's own descriptor (the -D log) is not the guest's to close: it
 * behaves as if it were not open. */
static int emu_own_fd(void)
{
    return emu_logfile && emu_logfile != stderr ? fileno(emu_logfile) : -1;
}

int64_t sys_close(CPUX86State *env, const uint64_t *a)
{
    if ((int)a[0] >= 0 && (int)a[0] == emu_own_fd()) {
        return -EBADF;
    }
    return RAW(SYS_close, (int)a[0]);
}

int64_t sys_close_range(CPUX86State *env, const uint64_t *a)
{
    unsigned first = (unsigned)a[0], last = (unsigned)a[1], flags = (unsigned)a[2];
    int own = emu_own_fd();
    if (own < 0 || first > last || (unsigned)own < first || (unsigned)own > last) {
        return RAW(SYS_close_range, first, last, flags);
    }
    /* Around emu's descriptor. */
    int64_t r = 0;
    if ((unsigned)own > first) {
        r = RAW(SYS_close_range, first, (unsigned)own - 1, flags);
    }
    if (r == 0 && (unsigned)own < last) {
        r = RAW(SYS_close_range, (unsigned)own + 1, last, flags);
    }
    return r;
}

/* A bad buffer for read/write on fd: Linux checks the descriptor (and
 * its access mode) before the buffer, so a bad fd gives EBADF even with a
 * bad pointer (the magic-fd protocol relies on it: read(0xcafebabe, NULL,
 * 8) is EBADF natively). */
static int64_t bad_buffer_errno(int fd, bool reading)
{
    int fl = (int)RAW(SYS_fcntl, fd, F_GETFL);
    if (fl < 0) {
        return fl;
    }
    int acc = fl & O_ACCMODE;
    if (fl & O_PATH || acc == (reading ? O_WRONLY : O_RDONLY)) {
        return -EBADF;
    }
    return -EFAULT;
}

int64_t sys_read(CPUX86State *env, const uint64_t *a)
{
    uint64_t n = rw_count(a[2]);
    void *p = g_ptr_w(a[1], n);
    if (!p) {
        return bad_buffer_errno((int)a[0], true);
    }
    return safe_syscall(SYS_read, (int)a[0], p, n);
}

int64_t sys_write(CPUX86State *env, const uint64_t *a)
{
    uint64_t n = rw_count(a[2]);
    void *p = g_ptr_r(a[1], n);
    if (!p) {
        return bad_buffer_errno((int)a[0], false);
    }
    return safe_syscall(SYS_write, (int)a[0], p, n);
}

int64_t sys_pread64(CPUX86State *env, const uint64_t *a)
{
    uint64_t n = rw_count(a[2]);
    void *p = g_ptr_w(a[1], n);
    if (!p) {
        return bad_buffer_errno((int)a[0], true);
    }
    return safe_syscall(SYS_pread64, (int)a[0], p, n, (off_t)a[3]);
}

int64_t sys_pwrite64(CPUX86State *env, const uint64_t *a)
{
    uint64_t n = rw_count(a[2]);
    void *p = g_ptr_r(a[1], n);
    if (!p) {
        return bad_buffer_errno((int)a[0], false);
    }
    return safe_syscall(SYS_pwrite64, (int)a[0], p, n, (off_t)a[3]);
}

/* Guest iovec[cnt] to host iovecs (each buffer validated).  Returns cnt,
 * or -errno; *out is g_malloc'ed. */
static int64_t iov_from_guest(uint64_t giov, uint64_t cnt, bool to_guest, struct iovec **out)
{
    *out = NULL;
    if ((int64_t)cnt < 0 || cnt > GUEST_UIO_MAXIOV) {
        return -EINVAL;
    }
    if (cnt == 0) {
        return 0;
    }
    struct iovec *v = g_new(struct iovec, cnt);
    if (mm_copy_from_guest(v, giov, cnt * sizeof(*v)) < 0) {
        g_free(v);
        return -EFAULT;
    }
    uint64_t total = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        uint64_t base = (uint64_t)(uintptr_t)v[i].iov_base, len = v[i].iov_len;
        if ((int64_t)len < 0) {
            g_free(v);
            return -EINVAL;
        }
        /* Linux truncates the total to MAX_RW_COUNT. */
        if (len > MAX_RW_COUNT - total) {
            len = MAX_RW_COUNT - total;
        }
        total += len;
        void *p = to_guest ? g_ptr_w(base, len) : g_ptr_r(base, len);
        if (!p) {
            g_free(v);
            return -EFAULT;
        }
        v[i].iov_base = p;
        v[i].iov_len = len;
    }
    *out = v;
    return (int64_t)cnt;
}

static int64_t do_iov(int nr, const uint64_t *a, bool to_guest, int extra)
{
    g_autofree struct iovec *v = NULL;
    int64_t cnt = iov_from_guest(a[1], a[2], to_guest, &v);
    if (cnt < 0) {
        return cnt;
    }
    switch (extra) {
    case 0:
        return safe_syscall(nr, (int)a[0], v, cnt);
    case 1:
        return safe_syscall(nr, (int)a[0], v, cnt, a[3], a[4]);
    default:
        return safe_syscall(nr, (int)a[0], v, cnt, a[3], a[4], a[5]);
    }
}

int64_t sys_readv(CPUX86State *env, const uint64_t *a)    { return do_iov(SYS_readv, a, true, 0); }
int64_t sys_writev(CPUX86State *env, const uint64_t *a)   { return do_iov(SYS_writev, a, false, 0); }
int64_t sys_preadv(CPUX86State *env, const uint64_t *a)   { return do_iov(SYS_preadv, a, true, 1); }
int64_t sys_pwritev(CPUX86State *env, const uint64_t *a)  { return do_iov(SYS_pwritev, a, false, 1); }
int64_t sys_preadv2(CPUX86State *env, const uint64_t *a)  { return do_iov(SYS_preadv2, a, true, 2); }
int64_t sys_pwritev2(CPUX86State *env, const uint64_t *a) { return do_iov(SYS_pwritev2, a, false, 2); }

int64_t sys_lseek(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_lseek, (int)a[0], (off_t)a[1], (int)a[2]);
}

int64_t sys_sendfile(CPUX86State *env, const uint64_t *a)
{
    off_t off, *poff = NULL;
    if (a[2]) {
        if (mm_copy_from_guest(&off, a[2], 8) < 0) {
            return -EFAULT;
        }
        poff = &off;
    }
    int64_t r = safe_syscall(SYS_sendfile, (int)a[0], (int)a[1], poff, rw_count(a[3]));
    if (poff && r >= 0 && mm_copy_to_guest(a[2], &off, 8) < 0) {
        return -EFAULT;
    }
    return r;
}

int64_t sys_copy_file_range(CPUX86State *env, const uint64_t *a)
{
    loff_t in, out, *pin = NULL, *pout = NULL;
    if (a[1]) {
        if (mm_copy_from_guest(&in, a[1], 8) < 0) {
            return -EFAULT;
        }
        pin = &in;
    }
    if (a[3]) {
        if (mm_copy_from_guest(&out, a[3], 8) < 0) {
            return -EFAULT;
        }
        pout = &out;
    }
    int64_t r = RAW(SYS_copy_file_range, (int)a[0], pin, (int)a[2], pout, a[4], (unsigned)a[5]);
    if (r >= 0 && ((pin && mm_copy_to_guest(a[1], &in, 8) < 0) ||
                   (pout && mm_copy_to_guest(a[3], &out, 8) < 0))) {
        return -EFAULT;
    }
    return r;
}

/* ---- stat family ---- */

static int64_t put_stat(int64_t r, const struct stat *st, uint64_t gaddr)
{
    if (r < 0) {
        return r;
    }
    return mm_copy_to_guest(gaddr, st, sizeof(*st)) < 0 ? -EFAULT : 0;
}

static int64_t do_fstatat(int dirfd, uint64_t gpath, uint64_t gbuf, int flags)
{
    struct stat st;
    if (gpath == 0 && (flags & AT_EMPTY_PATH)) {
        return put_stat(RAW(SYS_newfstatat, dirfd, "", &st, flags), &st, gbuf);
    }
    GUEST_LOOKUP_PATH(path, gpath);
    if (!g_ptr_w(gbuf, sizeof(st))) {
        return -EFAULT;
    }
    return put_stat(RAW(SYS_newfstatat, dirfd, path_subst(path), &st, flags), &st, gbuf);
}

int64_t sys_stat(CPUX86State *env, const uint64_t *a)  { return do_fstatat(AT_FDCWD, a[0], a[1], 0); }
int64_t sys_lstat(CPUX86State *env, const uint64_t *a)
{
    return do_fstatat(AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW);
}
int64_t sys_newfstatat(CPUX86State *env, const uint64_t *a)
{
    return do_fstatat((int)a[0], a[1], a[2], (int)a[3]);
}

int64_t sys_fstat(CPUX86State *env, const uint64_t *a)
{
    struct stat st;
    return put_stat(RAW(SYS_fstat, (int)a[0], &st), &st, a[1]);
}

int64_t sys_statx(CPUX86State *env, const uint64_t *a)
{
    uint8_t buf[GUEST_STATX_SIZE];
    const char *p = NULL;
    g_autofree char *path = NULL;
    int err = 0;

    if (a[1] != 0 || !((int)a[2] & AT_EMPTY_PATH)) {
        g_autofree char *gpath = g_path(a[1], &err);
        if (!gpath) {
            return err;
        }
        path = lu_path(gpath);
        p = path_subst(path);
    } else {
        p = "";
    }
    void *out = g_ptr_w(a[4], sizeof(buf));
    if (!out) {
        return -EFAULT;
    }
    int64_t r = RAW(SYS_statx, (int)a[0], p, (int)a[2], (unsigned)a[3], buf);
    if (r < 0) {
        return r;
    }
    return mm_copy_to_guest(a[4], buf, sizeof(buf)) < 0 ? -EFAULT : 0;
}

int64_t sys_statfs(CPUX86State *env, const uint64_t *a)
{
    struct statfs sf;
    GUEST_LOOKUP_PATH(path, a[0]);
    int64_t r = RAW(SYS_statfs, path, &sf);
    if (r < 0) {
        return r;
    }
    return mm_copy_to_guest(a[1], &sf, sizeof(sf)) < 0 ? -EFAULT : 0;
}

int64_t sys_fstatfs(CPUX86State *env, const uint64_t *a)
{
    struct statfs sf;
    int64_t r = RAW(SYS_fstatfs, (int)a[0], &sf);
    if (r < 0) {
        return r;
    }
    return mm_copy_to_guest(a[1], &sf, sizeof(sf)) < 0 ? -EFAULT : 0;
}

/* ---- access, readlink, getcwd, directories ---- */

int64_t sys_access(CPUX86State *env, const uint64_t *a)
{
    GUEST_LOOKUP_PATH(path, a[0]);
    return RAW(SYS_faccessat, AT_FDCWD, path_subst(path), (int)a[1]);
}

int64_t sys_faccessat(CPUX86State *env, const uint64_t *a)
{
    GUEST_LOOKUP_PATH(path, a[1]);
    return RAW(SYS_faccessat, (int)a[0], path_subst(path), (int)a[2]);
}

int64_t sys_faccessat2(CPUX86State *env, const uint64_t *a)
{
    GUEST_LOOKUP_PATH(path, a[1]);
    return RAW(SYS_faccessat2, (int)a[0], path_subst(path), (int)a[2], (int)a[3]);
}

static int64_t do_readlinkat(int dirfd, uint64_t gpath, uint64_t gbuf, uint64_t bufsiz)
{
    GUEST_LOOKUP_PATH(path, gpath);
    if ((int)bufsiz <= 0) {
        return -EINVAL;
    }
    const char *exe = proc_self_readlink(path);
    if (exe) {
        size_t n = MIN(strlen(exe), (size_t)(int)bufsiz);
        return mm_copy_to_guest(gbuf, exe, n) < 0 ? -EFAULT : (int64_t)n;
    }
    void *p = g_ptr_w(gbuf, (uint64_t)(int)bufsiz);
    if (!p) {
        return -EFAULT;
    }
    return RAW(SYS_readlinkat, dirfd, path, p, (size_t)(int)bufsiz);
}

int64_t sys_readlink(CPUX86State *env, const uint64_t *a)
{
    return do_readlinkat(AT_FDCWD, a[0], a[1], a[2]);
}

int64_t sys_readlinkat(CPUX86State *env, const uint64_t *a)
{
    return do_readlinkat((int)a[0], a[1], a[2], a[3]);
}

int64_t sys_getcwd(CPUX86State *env, const uint64_t *a)
{
    char buf[PATH_MAX + 1];
    int64_t r = RAW(SYS_getcwd, buf, sizeof(buf));
    if (r < 0) {
        return r;
    }
    if ((uint64_t)r > a[1]) {
        return -ERANGE;
    }
    return mm_copy_to_guest(a[0], buf, (size_t)r) < 0 ? -EFAULT : r;
}

int64_t sys_chdir(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(path, a[0]);
    return RAW(SYS_chdir, path);
}

int64_t sys_fchdir(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_fchdir, (int)a[0]);
}

int64_t sys_getdents(CPUX86State *env, const uint64_t *a)
{
    void *p = g_ptr_w(a[1], (unsigned)a[2]);
    if (!p) {
        return -EFAULT;
    }
    return RAW(SYS_getdents, (int)a[0], p, (unsigned)a[2]);
}

int64_t sys_getdents64(CPUX86State *env, const uint64_t *a)
{
    void *p = g_ptr_w(a[1], (unsigned)a[2]);
    if (!p) {
        return -EFAULT;
    }
    return RAW(SYS_getdents64, (int)a[0], p, (unsigned)a[2]);
}

int64_t sys_mkdir(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(path, a[0]);
    return RAW(SYS_mkdirat, AT_FDCWD, path, (unsigned)a[1]);
}

int64_t sys_mkdirat(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(path, a[1]);
    return RAW(SYS_mkdirat, (int)a[0], path, (unsigned)a[2]);
}

int64_t sys_mknod(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(path, a[0]);
    return RAW(SYS_mknodat, AT_FDCWD, path, (unsigned)a[1], (unsigned)a[2]);
}

int64_t sys_mknodat(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(path, a[1]);
    return RAW(SYS_mknodat, (int)a[0], path, (unsigned)a[2], (unsigned)a[3]);
}

int64_t sys_rmdir(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(path, a[0]);
    return RAW(SYS_unlinkat, AT_FDCWD, path, AT_REMOVEDIR);
}

int64_t sys_unlink(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(path, a[0]);
    return RAW(SYS_unlinkat, AT_FDCWD, path, 0);
}

int64_t sys_unlinkat(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(path, a[1]);
    return RAW(SYS_unlinkat, (int)a[0], path, (int)a[2]);
}

int64_t sys_rename(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(from, a[0]);
    GUEST_PATH(to, a[1]);
    return RAW(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 0);
}

int64_t sys_renameat(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(from, a[1]);
    GUEST_PATH(to, a[3]);
    return RAW(SYS_renameat2, (int)a[0], from, (int)a[2], to, 0);
}

int64_t sys_renameat2(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(from, a[1]);
    GUEST_PATH(to, a[3]);
    return RAW(SYS_renameat2, (int)a[0], from, (int)a[2], to, (unsigned)a[4]);
}

int64_t sys_link(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(from, a[0]);
    GUEST_PATH(to, a[1]);
    return RAW(SYS_linkat, AT_FDCWD, from, AT_FDCWD, to, 0);
}

int64_t sys_linkat(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(from, a[1]);
    GUEST_PATH(to, a[3]);
    return RAW(SYS_linkat, (int)a[0], from, (int)a[2], to, (int)a[4]);
}

int64_t sys_symlink(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(target, a[0]);
    GUEST_PATH(path, a[1]);
    return RAW(SYS_symlinkat, target, AT_FDCWD, path);
}

int64_t sys_symlinkat(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(target, a[0]);
    GUEST_PATH(path, a[2]);
    return RAW(SYS_symlinkat, target, (int)a[1], path);
}

int64_t sys_chmod(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(path, a[0]);
    return RAW(SYS_fchmodat, AT_FDCWD, path, (unsigned)a[1]);
}

int64_t sys_fchmodat(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(path, a[1]);
    return RAW(SYS_fchmodat, (int)a[0], path, (unsigned)a[2]);
}

int64_t sys_fchmod(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_fchmod, (int)a[0], (unsigned)a[1]);
}

int64_t sys_chown(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(path, a[0]);
    return RAW(SYS_fchownat, AT_FDCWD, path, (uid_t)a[1], (gid_t)a[2], 0);
}

int64_t sys_lchown(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(path, a[0]);
    return RAW(SYS_fchownat, AT_FDCWD, path, (uid_t)a[1], (gid_t)a[2], AT_SYMLINK_NOFOLLOW);
}

int64_t sys_fchownat(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(path, a[1]);
    return RAW(SYS_fchownat, (int)a[0], path, (uid_t)a[2], (gid_t)a[3], (int)a[4]);
}

int64_t sys_fchown(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_fchown, (int)a[0], (uid_t)a[1], (gid_t)a[2]);
}

int64_t sys_umask(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_umask, (unsigned)a[0]);
}

int64_t sys_truncate(CPUX86State *env, const uint64_t *a)
{
    GUEST_PATH(path, a[0]);
    return RAW(SYS_truncate, path, (off_t)a[1]);
}

int64_t sys_ftruncate(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_ftruncate, (int)a[0], (off_t)a[1]);
}

int64_t sys_fsync(CPUX86State *env, const uint64_t *a)     { return RAW(SYS_fsync, (int)a[0]); }
int64_t sys_fdatasync(CPUX86State *env, const uint64_t *a) { return RAW(SYS_fdatasync, (int)a[0]); }
int64_t sys_syncfs(CPUX86State *env, const uint64_t *a)    { return RAW(SYS_syncfs, (int)a[0]); }
int64_t sys_sync(CPUX86State *env, const uint64_t *a)      { sync(); return 0; }
int64_t sys_flock(CPUX86State *env, const uint64_t *a)     { return safe_syscall(SYS_flock, (int)a[0], (int)a[1]); }

int64_t sys_sync_file_range(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_sync_file_range, (int)a[0], (off_t)a[1], (off_t)a[2], (unsigned)a[3]);
}

int64_t sys_readahead(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_readahead, (int)a[0], (off_t)a[1], (size_t)a[2]);
}

int64_t sys_fadvise64(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_fadvise64, (int)a[0], (off_t)a[1], (off_t)a[2], (int)a[3]);
}

int64_t sys_fallocate(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_fallocate, (int)a[0], (int)a[1], (off_t)a[2], (off_t)a[3]);
}

/* Times: arrays of 2 timeval/timespec (16 bytes each), optional. */
static int64_t get_times(uint64_t g, void *buf, size_t len, void **out)
{
    *out = NULL;
    if (g) {
        if (mm_copy_from_guest(buf, g, len) < 0) {
            return -EFAULT;
        }
        *out = buf;
    }
    return 0;
}

int64_t sys_utime(CPUX86State *env, const uint64_t *a)
{
    uint64_t t[2];
    void *pt;
    GUEST_PATH(path, a[0]);
    if (get_times(a[1], t, sizeof(t), &pt)) {
        return -EFAULT;
    }
    return RAW(SYS_utime, path, pt);
}

int64_t sys_utimes(CPUX86State *env, const uint64_t *a)
{
    uint64_t t[4];
    void *pt;
    GUEST_PATH(path, a[0]);
    if (get_times(a[1], t, sizeof(t), &pt)) {
        return -EFAULT;
    }
    return RAW(SYS_utimes, path, pt);
}

int64_t sys_futimesat(CPUX86State *env, const uint64_t *a)
{
    uint64_t t[4];
    void *pt;
    GUEST_PATH(path, a[1]);
    if (get_times(a[2], t, sizeof(t), &pt)) {
        return -EFAULT;
    }
    return RAW(SYS_futimesat, (int)a[0], path, pt);
}

int64_t sys_utimensat(CPUX86State *env, const uint64_t *a)
{
    uint64_t t[4];
    void *pt;
    g_autofree char *path = NULL;
    int err = 0;
    if (a[1]) {
        path = g_path(a[1], &err);
        if (!path) {
            return err;
        }
    }
    if (get_times(a[2], t, sizeof(t), &pt)) {
        return -EFAULT;
    }
    return RAW(SYS_utimensat, (int)a[0], path, pt, (int)a[3]);
}

/* ---- descriptors ---- */

int64_t sys_dup(CPUX86State *env, const uint64_t *a)  { return RAW(SYS_dup, (int)a[0]); }
int64_t sys_dup2(CPUX86State *env, const uint64_t *a) { return RAW(SYS_dup2, (int)a[0], (int)a[1]); }
int64_t sys_dup3(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_dup3, (int)a[0], (int)a[1], (int)a[2]);
}

static int64_t do_pipe2(uint64_t gfds, int flags)
{
    int fds[2];
    int64_t r = RAW(SYS_pipe2, fds, flags);
    if (r < 0) {
        return r;
    }
    if (mm_copy_to_guest(gfds, fds, sizeof(fds)) < 0) {
        close(fds[0]);
        close(fds[1]);
        return -EFAULT;
    }
    return 0;
}

int64_t sys_pipe(CPUX86State *env, const uint64_t *a)  { return do_pipe2(a[0], 0); }
int64_t sys_pipe2(CPUX86State *env, const uint64_t *a) { return do_pipe2(a[0], (int)a[1]); }

int64_t sys_fcntl(CPUX86State *env, const uint64_t *a)
{
    int fd = (int)a[0], cmd = (int)a[1];
    switch (cmd) {
    case F_DUPFD: case F_DUPFD_CLOEXEC:
    case F_GETFD: case F_SETFD:
    case F_GETFL: case F_SETFL:
    case F_SETOWN: case F_GETOWN:
    case F_SETSIG: case F_GETSIG:
    case F_SETLEASE: case F_GETLEASE:
    case F_NOTIFY:
    case F_SETPIPE_SZ: case F_GETPIPE_SZ:
    case F_ADD_SEALS: case F_GET_SEALS:
        /* Integer argument (or none). */
        return RAW(SYS_fcntl, fd, cmd, a[2]);
    case F_GETLK: case F_SETLK: case F_SETLKW:
    case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW: {
        struct flock fl;
        if (mm_copy_from_guest(&fl, a[2], sizeof(fl)) < 0) {
            return -EFAULT;
        }
        int64_t r = safe_syscall(SYS_fcntl, fd, cmd, &fl);
        if (r >= 0 && (cmd == F_GETLK || cmd == F_OFD_GETLK) &&
            mm_copy_to_guest(a[2], &fl, sizeof(fl)) < 0) {
            return -EFAULT;
        }
        return r;
    }
    case F_GETOWN_EX: case F_SETOWN_EX: {
        struct f_owner_ex o;
        if (cmd == F_SETOWN_EX && mm_copy_from_guest(&o, a[2], sizeof(o)) < 0) {
            return -EFAULT;
        }
        int64_t r = RAW(SYS_fcntl, fd, cmd, &o);
        if (r >= 0 && cmd == F_GETOWN_EX && mm_copy_to_guest(a[2], &o, sizeof(o)) < 0) {
            return -EFAULT;
        }
        return r;
    }
    default:
        if (emu_log_enabled(LOG_UNIMP)) {
            qemu_log("emu: unsupported fcntl command %d\n", cmd);
        }
        return RAW(SYS_fcntl, fd, F_GETFD) < 0 ? -EBADF : -EINVAL;
    }
}

/* ---- polling ---- */

int64_t sys_poll(CPUX86State *env, const uint64_t *a)
{
    uint64_t nfds = (unsigned)a[1];
    if (nfds > 1048576) {
        return -EINVAL;
    }
    void *p = g_ptr_w(a[0], nfds * sizeof(struct pollfd));
    if (!p) {
        return -EFAULT;
    }
    return safe_syscall(SYS_poll, p, nfds, (int)a[2]);
}

/* A guest sigmask argument: validated, then installed for the call
 * (signal.c restores the old one after it, or after the handler frame
 * when the call is interrupted, as Linux does). */
static int64_t check_sigmask(CPUX86State *env, uint64_t gmask, uint64_t size)
{
    uint64_t m;
    if (gmask == 0) {
        return 0;
    }
    if (size != 8) {
        return -EINVAL;
    }
    if (mm_copy_from_guest(&m, gmask, 8) < 0) {
        return -EFAULT;
    }
    signal_begin_temp_mask(env, m);
    return 0;
}

int64_t sys_ppoll(CPUX86State *env, const uint64_t *a)
{
    uint64_t nfds = (unsigned)a[1];
    struct timespec ts, *pts = NULL;
    if (nfds > 1048576) {
        return -EINVAL;
    }
    void *p = g_ptr_w(a[0], nfds * sizeof(struct pollfd));
    if (!p) {
        return -EFAULT;
    }
    if (a[2]) {
        if (mm_copy_from_guest(&ts, a[2], sizeof(ts)) < 0) {
            return -EFAULT;
        }
        pts = &ts;
    }
    int64_t e = check_sigmask(env, a[3], a[4]);
    if (e) {
        return e;
    }
    int64_t r = safe_syscall(SYS_ppoll, p, nfds, pts, NULL, 8);
    if (a[3]) {
        signal_end_temp_mask(env, r);
    }
    if (pts && mm_copy_to_guest(a[2], &ts, sizeof(ts)) < 0 && r >= 0) {
        return -EFAULT;
    }
    return r;
}

/* fd_set pointers for n descriptors. */
static int64_t fdsets(int n, const uint64_t *g, void **h)
{
    uint64_t bytes = (((uint64_t)n + 63) / 64) * 8;
    for (int i = 0; i < 3; i++) {
        h[i] = NULL;
        if (g[i]) {
            h[i] = g_ptr_w(g[i], bytes);
            if (!h[i]) {
                return -EFAULT;
            }
        }
    }
    return 0;
}

int64_t sys_select(CPUX86State *env, const uint64_t *a)
{
    int n = (int)a[0];
    void *h[3];
    struct timeval tv, *ptv = NULL;
    if (n < 0) {
        return -EINVAL;
    }
    if (n > 65536) {
        n = 65536;
    }
    if (fdsets(n, &a[1], h)) {
        return -EFAULT;
    }
    if (a[4]) {
        if (mm_copy_from_guest(&tv, a[4], sizeof(tv)) < 0) {
            return -EFAULT;
        }
        ptv = &tv;
    }
    int64_t r = safe_syscall(SYS_select, n, h[0], h[1], h[2], ptv);
    if (ptv) {
        mm_copy_to_guest(a[4], &tv, sizeof(tv));
    }
    return r;
}

int64_t sys_pselect6(CPUX86State *env, const uint64_t *a)
{
    int n = (int)a[0];
    void *h[3];
    struct timespec ts, *pts = NULL;
    if (n < 0) {
        return -EINVAL;
    }
    if (n > 65536) {
        n = 65536;
    }
    if (fdsets(n, &a[1], h)) {
        return -EFAULT;
    }
    if (a[4]) {
        if (mm_copy_from_guest(&ts, a[4], sizeof(ts)) < 0) {
            return -EFAULT;
        }
        pts = &ts;
    }
    uint64_t sig6[2] = { 0, 0 };
    if (a[5]) {
        if (mm_copy_from_guest(sig6, a[5], sizeof(sig6)) < 0) {
            return -EFAULT;
        }
        int64_t e = check_sigmask(env, sig6[0], sig6[1]);
        if (e) {
            return e;
        }
    }
    int64_t r = safe_syscall(SYS_pselect6, n, h[0], h[1], h[2], pts, NULL);
    if (sig6[0]) {
        signal_end_temp_mask(env, r);
    }
    if (pts) {
        mm_copy_to_guest(a[4], &ts, sizeof(ts));
    }
    return r;
}

int64_t sys_epoll_create(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_epoll_create, (int)a[0]);
}

int64_t sys_epoll_create1(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_epoll_create1, (int)a[0]);
}

int64_t sys_epoll_ctl(CPUX86State *env, const uint64_t *a)
{
    struct epoll_event ev, *pev = NULL;
    if ((int)a[1] != EPOLL_CTL_DEL) {
        if (mm_copy_from_guest(&ev, a[3], sizeof(ev)) < 0) {
            return -EFAULT;
        }
        pev = &ev;
    }
    return RAW(SYS_epoll_ctl, (int)a[0], (int)a[1], (int)a[2], pev);
}

static int64_t do_epoll_wait(CPUX86State *env, const uint64_t *a, uint64_t gmask,
                             uint64_t masksize)
{
    int max = (int)a[2];
    if (max <= 0 || max > INT_MAX / (int)sizeof(struct epoll_event)) {
        return -EINVAL;
    }
    void *p = g_ptr_w(a[1], (uint64_t)max * sizeof(struct epoll_event));
    if (!p) {
        return -EFAULT;
    }
    int64_t e = check_sigmask(env, gmask, masksize);
    if (e) {
        return e;
    }
    int64_t r = safe_syscall(SYS_epoll_pwait, (int)a[0], p, max, (int)a[3], NULL, 8);
    if (gmask) {
        signal_end_temp_mask(env, r);
    }
    return r;
}

int64_t sys_epoll_wait(CPUX86State *env, const uint64_t *a)  { return do_epoll_wait(env, a, 0, 0); }
int64_t sys_epoll_pwait(CPUX86State *env, const uint64_t *a) { return do_epoll_wait(env, a, a[4], a[5]); }

/* ---- special files ---- */

int64_t sys_memfd_create(CPUX86State *env, const uint64_t *a)
{
    int err = 0;
    g_autofree char *name = mm_strdup_from_guest(a[0], 250, &err);
    if (!name) {
        return err == -ENAMETOOLONG ? -EINVAL : err;
    }
    return RAW(SYS_memfd_create, name, (unsigned)a[1]);
}

int64_t sys_eventfd(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_eventfd2, (unsigned)a[0], 0);
}

int64_t sys_eventfd2(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_eventfd2, (unsigned)a[0], (int)a[1]);
}

int64_t sys_timerfd_create(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_timerfd_create, (int)a[0], (int)a[1]);
}

int64_t sys_timerfd_settime(CPUX86State *env, const uint64_t *a)
{
    struct itimerspec nv, ov;
    if (mm_copy_from_guest(&nv, a[2], sizeof(nv)) < 0) {
        return -EFAULT;
    }
    int64_t r = RAW(SYS_timerfd_settime, (int)a[0], (int)a[1], &nv, &ov);
    if (r >= 0 && a[3] && mm_copy_to_guest(a[3], &ov, sizeof(ov)) < 0) {
        return -EFAULT;
    }
    return r;
}

int64_t sys_timerfd_gettime(CPUX86State *env, const uint64_t *a)
{
    struct itimerspec v;
    int64_t r = RAW(SYS_timerfd_gettime, (int)a[0], &v);
    if (r >= 0 && mm_copy_to_guest(a[1], &v, sizeof(v)) < 0) {
        return -EFAULT;
    }
    return r;
}
