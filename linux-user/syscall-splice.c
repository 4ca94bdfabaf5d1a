/*
 * linux-user/syscall-splice.c — moving data through pipes without copying
 * it through user memory: splice, tee, vmsplice.
 *
 * The data stays in the host kernel; emu validates the offsets and, for
 * vmsplice, the iovecs in the direction the pipe end implies (a write end
 * reads guest memory, a read end writes it).
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "linux-user/internal.h"
#include "softmmu/softmmu.h"

#define RAW(...) host_ret(syscall(__VA_ARGS__))

int64_t sys_splice(CPUX86State *env, const uint64_t *a)
{
    loff_t off_in, off_out;
    if (a[1] && mm_copy_from_guest(&off_in, a[1], sizeof(off_in)) < 0) {
        return -EFAULT;
    }
    if (a[3] && mm_copy_from_guest(&off_out, a[3], sizeof(off_out)) < 0) {
        return -EFAULT;
    }
    int64_t r = RAW(SYS_splice, (int)a[0], a[1] ? &off_in : NULL, (int)a[2],
                    a[3] ? &off_out : NULL, (size_t)a[4], (unsigned)a[5]);
    if (r >= 0 && ((a[1] && mm_copy_to_guest(a[1], &off_in, sizeof(off_in)) < 0) ||
                   (a[3] && mm_copy_to_guest(a[3], &off_out, sizeof(off_out)) < 0))) {
        return -EFAULT;
    }
    return r;
}

int64_t sys_tee(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_tee, (int)a[0], (int)a[1], (size_t)a[2], (unsigned)a[3]);
}

int64_t sys_vmsplice(CPUX86State *env, const uint64_t *a)
{
    uint64_t n = a[2];
    if (n > IOV_MAX) {
        return -EINVAL;
    }
    int fl = fcntl((int)a[0], F_GETFL);
    if (fl < 0) {
        return -EBADF;
    }
    bool to_pipe = (fl & O_ACCMODE) != O_RDONLY;
    g_autofree struct iovec *v = g_new(struct iovec, n ? n : 1);
    if (n && mm_copy_from_guest(v, a[1], n * sizeof(*v)) < 0) {
        return -EFAULT;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t b = (uint64_t)(uintptr_t)v[i].iov_base;
        if ((int64_t)v[i].iov_len < 0) {
            return -EINVAL;
        }
        v[i].iov_base = to_pipe ? g_ptr_r(b, v[i].iov_len) : g_ptr_w(b, v[i].iov_len);
        if (!v[i].iov_base) {
            return -EFAULT;
        }
    }
    /* SPLICE_F_GIFT would hand guest pages to the pipe: emu copies. */
    return RAW(SYS_vmsplice, (int)a[0], v, (unsigned long)n, (unsigned)a[3] & ~SPLICE_F_GIFT);
}
