/*
 * linux-user/syscall-ioctl.c — ioctl(2): the requests emu knows, each
 * with the shape of its argument, passed to the host on a validated copy.
 *
 * Terminals (termios, window size, job control, ptys), files (close-on-
 * exec, non-blocking, FIONREAD, inode flags, block size), sockets
 * (SIOCATMARK, interface queries through struct ifreq, SIOCGIFCONF).
 * Anything else is ENOTTY (EBADF for a bad fd) and logged under -d unimp,
 * so a guest probing a request it does not need carries on as on a
 * kernel without it; an unknown request is never passed through blind,
 * since emu cannot know which guest memory it would touch.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <linux/fs.h>
#include <linux/sockios.h>

#include "emu/log.h"
#include "linux-user/internal.h"
#include "softmmu/softmmu.h"

#define RAW(...) host_ret(syscall(__VA_ARGS__))

/* What the argument is: none, a value, or a buffer of `size` bytes read
 * (IN), written (OUT) or both (INOUT) by the kernel. */
enum { IO_NONE, IO_VAL, IO_IN, IO_OUT, IO_INOUT };

_Static_assert(sizeof(struct ifreq) == 40, "x86_64 struct ifreq");

static const struct {
    unsigned long req;
    uint8_t kind;
    uint8_t size;
} ioctl_table[] = {
    /* terminals */
    { TCGETS,      IO_OUT, 36 },   /* kernel struct termios (not glibc's) */
    { TCSETS,      IO_IN,  36 },
    { TCSETSW,     IO_IN,  36 },
    { TCSETSF,     IO_IN,  36 },
    { 0x802c542a,  IO_OUT, 44 },   /* TCGETS2: struct termios2 */
    { 0x402c542b,  IO_IN,  44 },   /* TCSETS2 */
    { 0x402c542c,  IO_IN,  44 },   /* TCSETSW2 */
    { 0x402c542d,  IO_IN,  44 },   /* TCSETSF2 */
    { TIOCGWINSZ,  IO_OUT, 8 },
    { TIOCSWINSZ,  IO_IN,  8 },
    { TIOCOUTQ,    IO_OUT, 4 },    /* = SIOCOUTQ */
    { TIOCGPGRP,   IO_OUT, 4 },
    { TIOCSPGRP,   IO_IN,  4 },
    { TIOCGSID,    IO_OUT, 4 },
    { TIOCMGET,    IO_OUT, 4 },
    { TIOCMSET,    IO_IN,  4 },
    { TIOCMBIS,    IO_IN,  4 },
    { TIOCMBIC,    IO_IN,  4 },
    { TIOCGPTN,    IO_OUT, 4 },
    { TIOCSPTLCK,  IO_IN,  4 },
    { TIOCGPTLCK,  IO_OUT, 4 },
    { TIOCGPTPEER, IO_VAL, 0 },
    { TIOCGETD,    IO_OUT, 4 },
    { TIOCSETD,    IO_IN,  4 },
    { TIOCGEXCL,   IO_OUT, 4 },
    { TIOCSTI,     IO_IN,  1 },
    { TIOCSCTTY,   IO_VAL, 0 },
    { TIOCNOTTY,   IO_NONE, 0 },
    { TIOCEXCL,    IO_NONE, 0 },
    { TIOCNXCL,    IO_NONE, 0 },
    { TIOCSBRK,    IO_NONE, 0 },
    { TIOCCBRK,    IO_NONE, 0 },
    { TCSBRK,      IO_VAL, 0 },
    { TCSBRKP,     IO_VAL, 0 },
    { TCXONC,      IO_VAL, 0 },
    { TCFLSH,      IO_VAL, 0 },
    /* files */
    { FIONREAD,    IO_OUT, 4 },    /* = SIOCINQ */
    { FIONBIO,     IO_IN,  4 },
    { FIOASYNC,    IO_IN,  4 },
    { FIOCLEX,     IO_NONE, 0 },
    { FIONCLEX,    IO_NONE, 0 },
    { FIGETBSZ,    IO_OUT, 4 },
    { FIBMAP,      IO_INOUT, 4 },
    { FS_IOC_GETFLAGS, IO_OUT, 4 },/* the kernel reads and writes an int */
    { FS_IOC_SETFLAGS, IO_IN,  4 },
    { FS_IOC_GETVERSION, IO_OUT, 4 },
    { FICLONE,     IO_VAL, 0 },
    { BLKGETSIZE64, IO_OUT, 8 },
    { BLKSSZGET,   IO_OUT, 4 },
    /* sockets */
    { SIOCATMARK,  IO_OUT, 4 },
    { SIOCGIFNAME, IO_INOUT, 40 },
    { SIOCGIFINDEX, IO_INOUT, 40 },
    { SIOCGIFFLAGS, IO_INOUT, 40 },
    { SIOCGIFADDR, IO_INOUT, 40 },
    { SIOCGIFDSTADDR, IO_INOUT, 40 },
    { SIOCGIFBRDADDR, IO_INOUT, 40 },
    { SIOCGIFNETMASK, IO_INOUT, 40 },
    { SIOCGIFMTU,  IO_INOUT, 40 },
    { SIOCGIFHWADDR, IO_INOUT, 40 },
    { SIOCGIFTXQLEN, IO_INOUT, 40 },
};

/* SIOCGIFCONF: struct ifconf holds a length and a guest pointer to an
 * array of ifreq (or NULL to ask for the length). */
static int64_t ioctl_ifconf(int fd, uint64_t garg)
{
    struct { int32_t len; int32_t pad; uint64_t buf; } gc;
    if (mm_copy_from_guest(&gc, garg, sizeof(gc)) < 0) {
        return -EFAULT;
    }
    struct ifconf hc = { .ifc_len = gc.len, .ifc_buf = NULL };
    if (gc.buf) {
        if (gc.len < 0) {
            return -EINVAL;
        }
        hc.ifc_buf = g_ptr_w(gc.buf, (uint64_t)gc.len);
        if (!hc.ifc_buf) {
            return -EFAULT;
        }
    }
    int64_t r = RAW(SYS_ioctl, fd, SIOCGIFCONF, &hc);
    if (r >= 0) {
        gc.len = hc.ifc_len;
        if (mm_copy_to_guest(garg, &gc, sizeof(gc.len)) < 0) {
            return -EFAULT;
        }
    }
    return r;
}

int64_t sys_ioctl(CPUX86State *env, const uint64_t *a)
{
    int fd = (int)a[0];
    unsigned long req = (unsigned)a[1];
    uint8_t buf[64];

    if (req == SIOCGIFCONF) {
        return ioctl_ifconf(fd, a[2]);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(ioctl_table); i++) {
        if (ioctl_table[i].req != req) {
            continue;
        }
        size_t sz = ioctl_table[i].size;
        int64_t r;
        switch (ioctl_table[i].kind) {
        case IO_NONE:
            return RAW(SYS_ioctl, fd, req, 0);
        case IO_VAL:
            return RAW(SYS_ioctl, fd, req, a[2]);
        case IO_IN:
            if (mm_copy_from_guest(buf, a[2], sz) < 0) {
                return -EFAULT;
            }
            return RAW(SYS_ioctl, fd, req, buf);
        case IO_OUT:
        case IO_INOUT:
            memset(buf, 0, sizeof(buf));
            if (ioctl_table[i].kind == IO_INOUT && mm_copy_from_guest(buf, a[2], sz) < 0) {
                return -EFAULT;
            }
            r = RAW(SYS_ioctl, fd, req, buf);
            if (r >= 0 && mm_copy_to_guest(a[2], buf, sz) < 0) {
                return -EFAULT;
            }
            return r;
        }
    }
    if (emu_log_enabled(LOG_UNIMP)) {
        qemu_log("emu: unsupported ioctl 0x%lx on fd %d\n", req, fd);
    }
    return RAW(SYS_fcntl, fd, F_GETFD) < 0 ? -EBADF : -ENOTTY;
}
