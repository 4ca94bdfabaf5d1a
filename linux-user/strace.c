/*
 * linux-user/strace.c — -strace / -d strace output, QEMU style:
 *
 *   1234 write(1,0x4a0e10,12) = 12
 *   1234 openat(AT_FDCWD,"/nonexistent",0x0,0) = -1 errno=2 (No such file or directory)
 *
 * The call is printed on entry and the result on return, so a call that
 * blocks or never returns (exit_group) still shows.  Argument formats come
 * from syscalls.def (one letter per argument); the symbolic ones (flags,
 * signals, commands) are decoded by strace-decode.c.
 */
#include <fcntl.h>
#include <string.h>

#include "emu/log.h"
#include "linux-user/internal.h"
#include "softmmu/softmmu.h"

#define STRACE_STR_MAX 64
#define STRACE_VEC_MAX 32

static void strace_string(uint64_t addr)
{
    int err = 0;
    char *s;

    if (addr == 0) {
        qemu_log("NULL");
        return;
    }
    s = mm_strdup_from_guest(addr, 4096, &err);
    if (s == NULL) {
        qemu_log("0x%" G_GINT64_MODIFIER "x", addr);
        return;
    }
    qemu_log("\"");
    for (size_t i = 0; s[i] && i < STRACE_STR_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            qemu_log("\\%c", c);
        } else if (c == '\n') {
            qemu_log("\\n");
        } else if (c < 0x20 || c >= 0x7f) {
            qemu_log("\\%o", c);
        } else {
            qemu_log("%c", c);
        }
    }
    qemu_log(strlen(s) > STRACE_STR_MAX ? "\"..." : "\"");
    g_free(s);
}

/* A NULL-terminated array of strings (execve's argv and envp). */
static void strace_string_vector(uint64_t addr)
{
    if (addr == 0) {
        qemu_log("NULL");
        return;
    }
    qemu_log("[");
    for (int i = 0;; i++) {
        uint64_t p;
        if (mm_copy_from_guest(&p, addr + 8 * (uint64_t)i, sizeof(p)) < 0) {
            qemu_log("%s0x%" G_GINT64_MODIFIER "x", i ? "," : "", addr + 8 * (uint64_t)i);
            break;
        }
        if (p == 0) {
            break;
        }
        if (i == STRACE_VEC_MAX) {
            qemu_log(",...");
            break;
        }
        if (i) {
            qemu_log(",");
        }
        strace_string(p);
    }
    qemu_log("]");
}

static void strace_arg(char f, uint64_t v)
{
    switch (f) {
    case 'd':
        qemu_log("%d", (int)v);
        break;
    case 'l':
        qemu_log("%" G_GINT64_MODIFIER "d", (int64_t)v);
        break;
    case 'u':
        qemu_log("%" G_GINT64_MODIFIER "u", v);
        break;
    case 'o':
        qemu_log("0%" G_GINT64_MODIFIER "o", v);
        break;
    case 'p':
        if (v == 0) {
            qemu_log("NULL");
        } else {
            qemu_log("0x%" G_GINT64_MODIFIER "x", v);
        }
        break;
    case 's':
        strace_string(v);
        break;
    case 'f':
        if ((int)v == AT_FDCWD) {
            qemu_log("AT_FDCWD");
        } else {
            qemu_log("%d", (int)v);
        }
        break;
    case 'v':
        strace_string_vector(v);
        break;
    case 'x':
    default:
        if (!strace_decode_letter(f, v)) {
            qemu_log("0x%" G_GINT64_MODIFIER "x", v);
        }
        break;
    }
}

void strace_enter(int nr, const char *name, const char *fmt, int nargs, const uint64_t *a)
{
    qemu_log("%d %s(", lu_proc.pid, name);
    const char *f = fmt;
    for (int i = 0; i < nargs && i < 6; i++) {
        /* A format shorter than nargs: the rest in hex. */
        char c = (*f && *f != ':') ? *f++ : 'x';
        if (i) {
            qemu_log(",");
        }
        strace_arg(c, a[i]);
    }
    qemu_log(")");
    /* Shown before a blocking call ends; with threads only whole lines
     * are written (emu/log.c), so that lines of threads do not mix. */
    if (lu_thread_count() <= 1 && nr != 56 /* clone */ && nr != 435 /* clone3 */) {
        qemu_log_flush();
    }
}

void strace_unknown(int nr, const uint64_t *a)
{
    qemu_log("%d Unknown syscall %d(", lu_proc.pid, nr);
    for (int i = 0; i < 6; i++) {
        qemu_log("%s0x%" G_GINT64_MODIFIER "x", i ? "," : "", a[i]);
    }
    qemu_log(")");
}

void strace_exit(const char *fmt, int64_t ret)
{
    const char *colon = strchr(fmt, ':');
    char rf = colon ? colon[1] : 'd';

    if (ret < 0 && ret >= -4095) {
        qemu_log(" = -1 errno=%d (%s)\n", (int)-ret, strerror((int)-ret));
    } else if (rf == 'x' || rf == 'p') {
        qemu_log(" = 0x%" G_GINT64_MODIFIER "x\n", (uint64_t)ret);
    } else {
        qemu_log(" = %" G_GINT64_MODIFIER "d\n", ret);
    }
    qemu_log_flush();
}
