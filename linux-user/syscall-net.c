/*
 * linux-user/syscall-net.c — sockets, passed through to the host after
 * validating every guest buffer (sockaddr, socklen_t, option values,
 * msghdr with its iovecs and control data).  Layouts are x86_64's on both
 * sides.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "linux-user/internal.h"
#include "linux-user/safe-syscall.h"
#include "softmmu/softmmu.h"

#define RAW(...) host_ret(syscall(__VA_ARGS__))

_Static_assert(sizeof(struct msghdr) == 56, "x86_64 struct msghdr");

int64_t sys_socket(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_socket, (int)a[0], (int)a[1], (int)a[2]);
}

int64_t sys_socketpair(CPUX86State *env, const uint64_t *a)
{
    int sv[2];
    int64_t r = RAW(SYS_socketpair, (int)a[0], (int)a[1], (int)a[2], sv);
    if (r < 0) {
        return r;
    }
    if (mm_copy_to_guest(a[3], sv, sizeof(sv)) < 0) {
        close(sv[0]);
        close(sv[1]);
        return -EFAULT;
    }
    return 0;
}

/* sockaddr in: addrlen bytes at g (Linux: addrlen > 128 is EINVAL). */
static int64_t addr_in(uint64_t g, uint64_t len, void **out)
{
    *out = NULL;
    if ((int)len < 0 || len > 128) {
        return -EINVAL;
    }
    if (g == 0) {
        return 0;
    }
    *out = g_ptr_r(g, len);
    return *out ? 0 : -EFAULT;
}

int64_t sys_bind(CPUX86State *env, const uint64_t *a)
{
    void *p;
    int64_t e = addr_in(a[1], a[2], &p);
    return e ? e : RAW(SYS_bind, (int)a[0], p, (socklen_t)a[2]);
}

int64_t sys_connect(CPUX86State *env, const uint64_t *a)
{
    void *p;
    int64_t e = addr_in(a[1], a[2], &p);
    return e ? e : safe_syscall(SYS_connect, (int)a[0], p, (socklen_t)a[2]);
}

int64_t sys_listen(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_listen, (int)a[0], (int)a[1]);
}

int64_t sys_shutdown(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_shutdown, (int)a[0], (int)a[1]);
}

/* sockaddr out with a socklen_t in/out at glen. */
static int64_t addr_out(int nr, int fd, uint64_t gaddr, uint64_t glen, int flags, bool with_flags)
{
    uint8_t buf[256];
    socklen_t len = 0, in_len = 0;
    if (gaddr && glen) {
        if (mm_copy_from_guest(&in_len, glen, sizeof(in_len)) < 0) {
            return -EFAULT;
        }
        if ((int)in_len < 0) {
            return -EINVAL;
        }
    }
    len = sizeof(buf);
    int64_t r = with_flags ? safe_syscall(nr, fd, gaddr ? buf : NULL, gaddr ? &len : NULL, flags)
                           : safe_syscall(nr, fd, gaddr ? buf : NULL, gaddr ? &len : NULL);
    if (r < 0 || !gaddr) {
        return r;
    }
    /* Copy the address truncated to the guest's buffer; report the full length. */
    if (mm_copy_to_guest(gaddr, buf, MIN(len, in_len)) < 0 ||
        mm_copy_to_guest(glen, &len, sizeof(len)) < 0) {
        if (nr == SYS_accept4) {
            close((int)r);
        }
        return -EFAULT;
    }
    return r;
}

int64_t sys_accept(CPUX86State *env, const uint64_t *a)
{
    return addr_out(SYS_accept4, (int)a[0], a[1], a[2], 0, true);
}

int64_t sys_accept4(CPUX86State *env, const uint64_t *a)
{
    return addr_out(SYS_accept4, (int)a[0], a[1], a[2], (int)a[3], true);
}

int64_t sys_getsockname(CPUX86State *env, const uint64_t *a)
{
    if (!a[1] || !a[2]) {
        return -EFAULT;
    }
    return addr_out(SYS_getsockname, (int)a[0], a[1], a[2], 0, false);
}

int64_t sys_getpeername(CPUX86State *env, const uint64_t *a)
{
    if (!a[1] || !a[2]) {
        return -EFAULT;
    }
    return addr_out(SYS_getpeername, (int)a[0], a[1], a[2], 0, false);
}

int64_t sys_sendto(CPUX86State *env, const uint64_t *a)
{
    void *addr;
    uint64_t n = a[2] > 0x7ffff000 ? 0x7ffff000 : a[2];
    void *p = g_ptr_r(a[1], n);
    if (!p) {
        return -EFAULT;
    }
    int64_t e = addr_in(a[4], a[4] ? a[5] : 0, &addr);
    if (e) {
        return e;
    }
    return safe_syscall(SYS_sendto, (int)a[0], p, n, (int)a[3], addr, (socklen_t)(addr ? a[5] : 0));
}

int64_t sys_recvfrom(CPUX86State *env, const uint64_t *a)
{
    uint64_t n = a[2] > 0x7ffff000 ? 0x7ffff000 : a[2];
    uint8_t abuf[256];
    socklen_t alen = sizeof(abuf), in_len = 0;
    void *p = g_ptr_w(a[1], n);
    if (!p) {
        return -EFAULT;
    }
    if (a[4] && a[5]) {
        if (mm_copy_from_guest(&in_len, a[5], sizeof(in_len)) < 0) {
            return -EFAULT;
        }
        if ((int)in_len < 0) {
            return -EINVAL;
        }
    }
    bool want = a[4] && a[5];
    int64_t r = safe_syscall(SYS_recvfrom, (int)a[0], p, n, (int)a[3],
                    want ? abuf : NULL, want ? &alen : NULL);
    if (r >= 0 && want) {
        if (mm_copy_to_guest(a[4], abuf, MIN(alen, in_len)) < 0 ||
            mm_copy_to_guest(a[5], &alen, sizeof(alen)) < 0) {
            return -EFAULT;
        }
    }
    return r;
}

int64_t sys_setsockopt(CPUX86State *env, const uint64_t *a)
{
    if ((int)a[4] < 0) {
        return -EINVAL;
    }
    void *p = a[3] ? g_ptr_r(a[3], (unsigned)a[4]) : NULL;
    if (a[3] && !p) {
        return -EFAULT;
    }
    return RAW(SYS_setsockopt, (int)a[0], (int)a[1], (int)a[2], p, (socklen_t)a[4]);
}

int64_t sys_getsockopt(CPUX86State *env, const uint64_t *a)
{
    socklen_t len;
    if (mm_copy_from_guest(&len, a[4], sizeof(len)) < 0) {
        return -EFAULT;
    }
    if ((int)len < 0) {
        return -EINVAL;
    }
    void *p = a[3] ? g_ptr_w(a[3], len) : NULL;
    if (a[3] && !p) {
        return -EFAULT;
    }
    int64_t r = RAW(SYS_getsockopt, (int)a[0], (int)a[1], (int)a[2], p, &len);
    if (r >= 0 && mm_copy_to_guest(a[4], &len, sizeof(len)) < 0) {
        return -EFAULT;
    }
    return r;
}

/* msghdr: the name, iovecs and control buffer are all validated. */
static int64_t do_msg(CPUX86State *env, const uint64_t *a, bool send)
{
    struct msghdr m;
    if (mm_copy_from_guest(&m, a[1], sizeof(m)) < 0) {
        return -EFAULT;
    }
    if (m.msg_iovlen > 1024) {
        return -EMSGSIZE;
    }
    uint64_t gname = (uint64_t)(uintptr_t)m.msg_name;
    uint64_t gctl = (uint64_t)(uintptr_t)m.msg_control;
    if (gname) {
        if ((int)m.msg_namelen < 0) {
            return -EINVAL;
        }
        m.msg_name = send ? g_ptr_r(gname, m.msg_namelen) : g_ptr_w(gname, m.msg_namelen);
        if (!m.msg_name) {
            return -EFAULT;
        }
    }
    if (gctl && m.msg_controllen) {
        m.msg_control = send ? g_ptr_r(gctl, m.msg_controllen) : g_ptr_w(gctl, m.msg_controllen);
        if (!m.msg_control) {
            return -EFAULT;
        }
    }
    struct iovec *v = NULL;
    if (m.msg_iovlen) {
        v = g_new(struct iovec, m.msg_iovlen);
        if (mm_copy_from_guest(v, (uint64_t)(uintptr_t)m.msg_iov, m.msg_iovlen * sizeof(*v)) < 0) {
            g_free(v);
            return -EFAULT;
        }
        for (size_t i = 0; i < m.msg_iovlen; i++) {
            uint64_t b = (uint64_t)(uintptr_t)v[i].iov_base;
            if ((int64_t)v[i].iov_len < 0) {
                g_free(v);
                return -EINVAL;
            }
            v[i].iov_base = send ? g_ptr_r(b, v[i].iov_len) : g_ptr_w(b, v[i].iov_len);
            if (!v[i].iov_base) {
                g_free(v);
                return -EFAULT;
            }
        }
    }
    m.msg_iov = v;
    int64_t r = safe_syscall(send ? SYS_sendmsg : SYS_recvmsg, (int)a[0], &m, (int)a[2]);
    g_free(v);
    if (r >= 0 && !send) {
        /* The kernel updates namelen, controllen and flags. */
        struct msghdr gm;
        if (mm_copy_from_guest(&gm, a[1], sizeof(gm)) < 0) {
            return -EFAULT;
        }
        gm.msg_namelen = m.msg_namelen;
        gm.msg_controllen = m.msg_controllen;
        gm.msg_flags = m.msg_flags;
        if (mm_copy_to_guest(a[1], &gm, sizeof(gm)) < 0) {
            return -EFAULT;
        }
    }
    return r;
}

int64_t sys_sendmsg(CPUX86State *env, const uint64_t *a) { return do_msg(env, a, true); }
int64_t sys_recvmsg(CPUX86State *env, const uint64_t *a) { return do_msg(env, a, false); }

/* ---- sendmmsg / recvmmsg: one msghdr after another ---- */

/* struct mmsghdr: a msghdr, then the byte count the kernel fills in. */
#define MMSGHDR_SIZE 64
_Static_assert(sizeof(struct mmsghdr) == MMSGHDR_SIZE, "x86_64 struct mmsghdr");

/* Linux's semantics: the number of messages done, or the error of the
 * first one; recvmmsg's MSG_WAITFORONE makes the later ones non-blocking.
 * The timeout of recvmmsg is checked only between messages, as Linux
 * does. */
static int64_t do_mmsg(CPUX86State *env, const uint64_t *a, bool send, uint64_t gtimeout)
{
    unsigned vlen = (unsigned)a[2] > 1024 ? 1024 : (unsigned)a[2];
    int flags = (int)a[3];
    struct timespec end;
    if (gtimeout) {
        struct timespec t;
        if (mm_copy_from_guest(&t, gtimeout, sizeof(t)) < 0) {
            return -EFAULT;
        }
        if (t.tv_sec < 0 || (uint64_t)t.tv_nsec >= 1000000000ULL) {
            return -EINVAL;
        }
        clock_gettime(CLOCK_MONOTONIC, &end);
        end.tv_sec += t.tv_sec + (end.tv_nsec + t.tv_nsec) / 1000000000;
        end.tv_nsec = (end.tv_nsec + t.tv_nsec) % 1000000000;
    }
    unsigned done = 0;
    while (done < vlen) {
        uint64_t ghdr = a[1] + (uint64_t)done * MMSGHDR_SIZE;
        uint64_t one[3] = { a[0], ghdr, (uint64_t)(unsigned)(flags & ~MSG_WAITFORONE) };
        if (!send && done > 0 && (flags & MSG_WAITFORONE)) {
            one[2] |= MSG_DONTWAIT;
        }
        int64_t r = do_msg(env, one, send);
        if (r < 0) {
            return done ? (int64_t)done : r;
        }
        uint32_t len = (uint32_t)r;
        if (mm_copy_to_guest(ghdr + 56, &len, sizeof(len)) < 0) {
            return done ? (int64_t)done : -EFAULT;
        }
        done++;
        if (!send && gtimeout) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec)) {
                break;
            }
        }
    }
    return done;
}

int64_t sys_sendmmsg(CPUX86State *env, const uint64_t *a) { return do_mmsg(env, a, true, 0); }
int64_t sys_recvmmsg(CPUX86State *env, const uint64_t *a) { return do_mmsg(env, a, false, a[4]); }
