/*
 * linux-user/exec.c — execve and execveat: the new program runs under emu.
 *
 * emu cannot hand a guest program to the host kernel, so a guest execve
 * becomes a host execve of emu itself (/proc/self/exe) with the options
 * this emu runs with (saved by emu/main.c), the internal option -reexec,
 * `-0 ARGV0`, the program and its arguments; the guest's envp is the new
 * emu's environment.  Everything the kernel would refuse is found out
 * before that, while the process can still return the error: the file is
 * resolved, permission-checked and read as Linux's do_open_execat and
 * binfmt handlers would (ENOENT, ENOTDIR, ELOOP, EACCES, ENOEXEC, E2BIG),
 * `#!` scripts are expanded as binfmt_script does, nested up to Linux's
 * depth, and the final x86_64 ELF file is checked with emu's own loader
 * checks.  See docs/linux-user.md, "Processes".
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#include "emu/log.h"
#include "linux-user/internal.h"
#include "softmmu/softmmu.h"

#define BINPRM_BUF_SIZE 256          /* bytes of the file the kernel looks at */
#define MAX_ARG_STRLEN (32 * 4096)   /* one argument or environment string */
#define ARG_MAX_MIN    (32 * 4096)   /* the least the strings may take */
/* Interpreter rewrites (#! scripts) before ELOOP: fs/exec.c exec_binprm
 * gives up at depth > 5. */
#define MAX_INTERP_DEPTH 5

/* The options the new emu gets (emu/main.c), without argv[0]. */
static char **exec_opts;
/* A descriptor to close once the program is loaded (-execfd). */
static int exec_program_fd = -1;
/* AT_EXECFN when it is not PROGRAM (-execfn). */
static char *exec_execfn;

void linux_user_set_exec_options(char **opts)
{
    exec_opts = g_strdupv(opts);
}

void linux_user_set_program_fd(int fd)
{
    exec_program_fd = fd;
}

void linux_user_set_execfn(const char *name)
{
    g_free(exec_execfn);
    exec_execfn = g_strdup(name);
}

const char *exec_execfn_or(const char *program)
{
    return exec_execfn ? exec_execfn : program;
}

void exec_after_load(void)
{
    if (exec_program_fd >= 0) {
        close(exec_program_fd);
        exec_program_fd = -1;
    }
}

/* ---- the guest's argv and envp ---- */

typedef struct ExecArgs {
    GPtrArray *argv;        /* g_malloc'ed strings */
    GPtrArray *envp;
    size_t bytes;           /* strings with their NULs */
} ExecArgs;

static int copy_strv(uint64_t addr, GPtrArray *out, size_t *bytes)
{
    if (addr == 0) {
        return 0;           /* Linux: a NULL array is an empty one */
    }
    for (uint64_t i = 0;; i++) {
        uint64_t p;
        if (mm_copy_from_guest(&p, addr + i * 8, 8) < 0) {
            return -EFAULT;
        }
        if (p == 0) {
            return 0;
        }
        if (i >= 0x7fffffff) {
            return -E2BIG;
        }
        int err = 0;
        char *s = mm_strdup_from_guest(p, MAX_ARG_STRLEN, &err);
        if (s == NULL) {
            return err == -ENAMETOOLONG ? -E2BIG : err;
        }
        *bytes += strlen(s) + 1;
        g_ptr_array_add(out, s);
    }
}

/* fs/exec.c bprm_stack_limits: the strings and pointers may take a
 * quarter of the stack limit (at most 6 MiB, at least 128 KiB). */
static bool args_fit(const ExecArgs *ea)
{
    struct rlimit rl;
    uint64_t limit = (8u << 20) / 4 * 3;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur / 4 < limit) {
        limit = rl.rlim_cur / 4;
    }
    if (limit < ARG_MAX_MIN) {
        limit = ARG_MAX_MIN;
    }
    uint64_t ptrs = ((ea->argv->len ? ea->argv->len : 1) + ea->envp->len) * 8ull;
    return limit > ptrs && ea->bytes <= limit - ptrs;
}

/* ---- finding the file ---- */

/* Resolve what execve would open: an O_PATH descriptor of a regular file
 * the caller may execute, or -errno as do_open_execat gives it. */
static int exec_open(int dirfd, const char *path, int at_flags)
{
    int fd;
    struct stat st;
    struct statvfs sv;

    if (path[0] == '\0') {
        if (!(at_flags & AT_EMPTY_PATH)) {
            return -ENOENT;
        }
        if (dirfd == AT_FDCWD) {
            return -EACCES;     /* the working directory: not a file */
        }
        fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
    } else {
        int nofollow = (at_flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0;
        fd = openat(dirfd, path, O_PATH | O_CLOEXEC | nofollow);
    }
    if (fd < 0) {
        return -errno;
    }
    if (fstat(fd, &st) < 0) {
        int e = -errno;
        close(fd);
        return e;
    }
    int err = 0;
    if (S_ISLNK(st.st_mode)) {
        err = -ELOOP;           /* AT_SYMLINK_NOFOLLOW on a symlink */
    } else if (!S_ISREG(st.st_mode)) {
        err = -EACCES;
    } else if (faccessat(fd, "", X_OK, AT_EMPTY_PATH | AT_EACCESS) < 0) {
        err = -errno;
    } else if (fstatvfs(fd, &sv) == 0 && (sv.f_flag & ST_NOEXEC)) {
        err = -EACCES;
    }
    if (err) {
        close(fd);
        return err;
    }
    return fd;
}

/* The first bytes of the file (zero-padded), as the kernel reads them. */
static int read_head(int pathfd, char buf[BINPRM_BUF_SIZE])
{
    char proc[64];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pathfd);
    int fd = open(proc, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -errno;          /* emu must read what it runs (no read bit: EACCES) */
    }
    memset(buf, 0, BINPRM_BUF_SIZE);
    ssize_t n = pread(fd, buf, BINPRM_BUF_SIZE, 0);
    int e = n < 0 ? -errno : 0;
    close(fd);
    return e;
}

/* ---- #! (fs/binfmt_script.c) ---- */

static bool spacetab(char c) { return c == ' ' || c == '\t'; }
static bool terminator(char c) { return spacetab(c) || c == '\0'; }

static char *next_non_spacetab(char *p, const char *end)
{
    for (; p < end; p++) {
        if (!spacetab(*p)) {
            return p;
        }
    }
    return NULL;
}

static char *next_terminator(char *p, const char *end)
{
    for (; p < end; p++) {
        if (terminator(*p)) {
            return p;
        }
    }
    return NULL;
}

/* Parse "#!interp [arg]" in buf: 0 with *name (and *arg, or NULL) pointing
 * into buf, NUL-terminated; -ENOEXEC as Linux refuses the line. */
static int parse_shebang(char buf[BINPRM_BUF_SIZE], char **name, char **arg)
{
    char *buf_end = buf + BINPRM_BUF_SIZE - 1;
    char *i_end = memchr(buf, '\n', BINPRM_BUF_SIZE);
    if (i_end == NULL) {
        i_end = next_non_spacetab(buf + 2, buf_end);
        if (i_end == NULL || next_terminator(i_end, buf_end) == NULL) {
            return -ENOEXEC;    /* all blanks, or a truncated interpreter path */
        }
        i_end = buf_end;
    }
    while (i_end > buf + 2 && spacetab(i_end[-1])) {
        i_end--;
    }
    char *i_name = next_non_spacetab(buf + 2, i_end);
    if (i_name == NULL || i_name == i_end) {
        return -ENOEXEC;
    }
    char *i_arg = NULL;
    char *i_sep = next_terminator(i_name, i_end);
    if (i_sep && *i_sep != '\0') {
        i_arg = next_non_spacetab(i_sep, i_end);
    }
    *i_end = '\0';
    if (i_sep) {
        *i_sep = '\0';
    }
    *name = i_name;
    *arg = i_arg;
    return 0;
}

/* ---- execve ---- */

/* The program the new emu runs, found by following #! lines. */
typedef struct ExecTarget {
    char *path;             /* what the new emu opens */
    int fd;                 /* O_PATH of the final file */
    char *execfn;           /* the name execve was given, as the kernel
                             * shows it (AT_EXECFN, even for a script) */
} ExecTarget;

static int resolve(int dirfd, const char *path, int at_flags, ExecArgs *ea, ExecTarget *t)
{
    /* The kernel's name for the file (bprm->filename). */
    char *filename;
    bool inaccessible = false;
    if (dirfd == AT_FDCWD || path[0] == '/') {
        filename = g_strdup(path);
    } else {
        filename = path[0] ? g_strdup_printf("/dev/fd/%d/%s", dirfd, path)
                           : g_strdup_printf("/dev/fd/%d", dirfd);
        int fl = fcntl(dirfd, F_GETFD);
        inaccessible = fl >= 0 && (fl & FD_CLOEXEC);
    }
    t->execfn = g_strdup(filename);
    /* /proc/self/exe is the guest program, not emu. */
    const char *exe = proc_self_readlink(path);
    int fd = exe ? exec_open(AT_FDCWD, exe, 0) : exec_open(dirfd, path, at_flags);

    for (int depth = 0;; depth++) {
        char buf[BINPRM_BUF_SIZE];
        int err;
        if (fd < 0) {
            err = fd;
            goto fail;
        }
        if (depth > MAX_INTERP_DEPTH) {
            err = -ELOOP;
            goto fail;
        }
        err = read_head(fd, buf);
        if (err < 0) {
            goto fail;
        }
        if (memcmp(buf, "\177ELF", 4) == 0) {
            char proc[64];
            char *msg = NULL;
            snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
            if (!elf_check_program(proc, &msg)) {
                /* not x86_64, or nothing emu can load */
                if (emu_log_enabled(LOG_UNIMP)) {
                    qemu_log("emu: execve %s: %s\n", filename, msg);
                }
                g_free(msg);
                err = -ENOEXEC;
                goto fail;
            }
            if (exe) {
                t->path = g_strdup(exe);
                g_free(filename);
            } else if (filename[0] == '/' && strncmp(filename, "/dev/fd/", 8) != 0) {
                t->path = filename;
            } else if (dirfd == AT_FDCWD || depth > 0) {
                t->path = filename;
            } else {
                /* Only the descriptor names it: the new emu gets a copy. */
                t->path = NULL;
                g_free(filename);
            }
            t->fd = fd;
            return 0;
        }
        if (buf[0] != '#' || buf[1] != '!') {
            err = -ENOEXEC;
            goto fail;
        }
        char *name, *arg;
        err = parse_shebang(buf, &name, &arg);
        if (err == 0 && inaccessible) {
            err = -ENOENT;      /* the interpreter could not open the script */
        }
        if (err < 0) {
            goto fail;
        }
        close(fd);
        /* argv: interpreter, its argument, the script's name, then the
         * old arguments without argv[0]. */
        if (ea->argv->len > 0) {
            ea->bytes -= strlen(g_ptr_array_index(ea->argv, 0)) + 1;
            g_ptr_array_remove_index(ea->argv, 0);
        }
        g_ptr_array_insert(ea->argv, 0, filename);
        if (arg) {
            g_ptr_array_insert(ea->argv, 0, g_strdup(arg));
        }
        g_ptr_array_insert(ea->argv, 0, g_strdup(name));
        ea->bytes += strlen(filename) + 1 + strlen(name) + 1 + (arg ? strlen(arg) + 1 : 0);
        if (!args_fit(ea)) {
            return -E2BIG;
        }
        filename = g_strdup(name);
        inaccessible = false;
        exe = NULL;
        fd = exec_open(AT_FDCWD, name, 0);
        continue;
fail:
        if (fd >= 0) {
            close(fd);
        }
        g_free(filename);
        return err;
    }
}

/* Move fd to a high number without FD_CLOEXEC (it crosses the exec). */
static int fd_for_exec(int fd)
{
    int hi = fcntl(fd, F_DUPFD, 256);
    return hi < 0 ? -errno : hi;
}

static int64_t do_execveat(CPUX86State *env, int dirfd, uint64_t gpath, uint64_t gargv,
                           uint64_t genvp, int flags)
{
    int err = 0;
    ExecArgs ea = { g_ptr_array_new_with_free_func(g_free),
                    g_ptr_array_new_with_free_func(g_free), 0 };
    ExecTarget t = { NULL, -1, NULL };
    GPtrArray *av = NULL;
    int log_fd = -1, prog_fd = -1;

    if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
        err = -EINVAL;
        goto out;
    }
    char *path = g_path(gpath, &err);
    if (path == NULL) {
        goto out;
    }
    if ((err = copy_strv(gargv, ea.argv, &ea.bytes)) < 0 ||
        (err = copy_strv(genvp, ea.envp, &ea.bytes)) < 0) {
        g_free(path);
        goto out;
    }
    if (ea.argv->len == 0) {
        g_ptr_array_add(ea.argv, g_strdup(""));   /* Linux >= 5.18 */
        ea.bytes += 1;
    }
    if (!args_fit(&ea)) {
        g_free(path);
        err = -E2BIG;
        goto out;
    }
    err = resolve(dirfd, path, flags, &ea, &t);
    g_free(path);
    if (err < 0) {
        goto out;
    }

    /* The new emu: same options, the log and maybe the program by fd. */
    av = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(av, g_strdup("emu"));
    g_ptr_array_add(av, g_strdup("-reexec"));      /* first: main.c looks there */
    for (char **o = exec_opts; o && *o; o++) {
        g_ptr_array_add(av, g_strdup(*o));
    }
    if (emu_logfile && emu_logfile != stderr) {
        qemu_log_flush();
        fflush(emu_logfile);
        log_fd = fd_for_exec(fileno(emu_logfile));
        if (log_fd >= 0) {
            g_ptr_array_add(av, g_strdup("-logfd"));
            g_ptr_array_add(av, g_strdup_printf("%d", log_fd));
        }
    }
    if (t.path == NULL) {
        prog_fd = fd_for_exec(t.fd);
        if (prog_fd < 0) {
            err = prog_fd;
            goto out;
        }
        t.path = g_strdup_printf("/proc/self/fd/%d", prog_fd);
        g_ptr_array_add(av, g_strdup("-execfd"));
        g_ptr_array_add(av, g_strdup_printf("%d", prog_fd));
    }
    if (t.execfn && strcmp(t.execfn, t.path) != 0) {
        g_ptr_array_add(av, g_strdup("-execfn"));
        g_ptr_array_add(av, g_strdup(t.execfn));
    }
    g_ptr_array_add(av, g_strdup("-0"));
    g_ptr_array_add(av, g_strdup(g_ptr_array_index(ea.argv, 0)));
    g_ptr_array_add(av, g_strdup("--"));
    g_ptr_array_add(av, g_strdup(t.path));
    for (guint i = 1; i < ea.argv->len; i++) {
        g_ptr_array_add(av, g_strdup(g_ptr_array_index(ea.argv, i)));
    }
    g_ptr_array_add(av, NULL);
    g_ptr_array_add(ea.envp, NULL);

    if (emu_log_enabled(LOG_STRACE)) {
        qemu_log(" = 0\n");     /* the new image's lines follow */
    }
    qemu_log_flush();
    fflush(stdout);
    fflush(stderr);
    /* The guest's signal mask survives the exec: the new emu takes the
     * host mask it starts with as its first thread's (process.c). */
    uint64_t host_mask;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &task_state(env)->sigmask, &host_mask, 8);
    /* So do RLIMIT_AS/RLIMIT_DATA: the guest's values become the host's
     * again for the new emu to take over (softmmu/limits.c). */
    mm_restore_host_rlimits();
    execve("/proc/self/exe", (char **)av->pdata, (char **)ea.envp->pdata);
    err = -errno;               /* E2BIG with emu's options, ENOMEM... */
    mm_lift_host_rlimits();
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &host_mask, NULL, 8);
    if (emu_log_enabled(LOG_STRACE)) {
        qemu_log("%d execve(...)", lu_proc.pid);   /* the result follows */
    }

out:
    if (log_fd >= 0) {
        close(log_fd);
    }
    if (prog_fd >= 0) {
        close(prog_fd);
    }
    if (t.fd >= 0) {
        close(t.fd);
    }
    g_free(t.path);
    g_free(t.execfn);
    if (av) {
        g_ptr_array_free(av, TRUE);
    }
    g_ptr_array_free(ea.argv, TRUE);
    g_ptr_array_free(ea.envp, TRUE);
    return err;
}

int64_t sys_execve(CPUX86State *env, const uint64_t *a)
{
    return do_execveat(env, AT_FDCWD, a[0], a[1], a[2], 0);
}

int64_t sys_execveat(CPUX86State *env, const uint64_t *a)
{
    return do_execveat(env, (int)a[0], a[1], a[2], a[3], (int)a[4]);
}
