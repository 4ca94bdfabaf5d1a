/*
 * emu/main.c — the command line.
 *
 *   emu [options] PROGRAM [ARGS...]
 *
 * Options are QEMU linux-user's (single or double dash); they stop at the
 * first argument that is not an option, which is PROGRAM.  QEMU's
 * environment variables (QEMU_STRACE, QEMU_LOG, ...) give defaults that
 * the command line overrides.  See docs/cli.md.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "emu-config.h"
#include "emu/exec.h"
#include "emu/log.h"
#include "emu/perfmap.h"
#include "emu/tcg/backend.h"
#include "emu/vclock.h"
#include "emu/x86/cpu-model.h"
#include "linux-user/user.h"
#include "plugins/plugin.h"

extern char **environ;

typedef struct EmuOptions {
    const char *interp_prefix;
    const char *argv0;
    uint64_t stack_size;
    const char *cpu_model;
    unsigned log_mask;
    bool log_mask_set;
    const char *log_file;
    bool strace;
    bool perfmap;
    GPtrArray *plugins;     /* "FILE[,ARG=VAL...]" strings, in order */
    bool have_seed;
    uint64_t seed;
    GHashTable *env_set;    /* VAR -> VALUE from -E (in order: env_order) */
    GPtrArray *env_order;
    GHashTable *env_unset;  /* VAR from -U */
    /* For a guest execve (the new emu gets the options in effect): */
    const char *log_arg, *accel_arg, *icount_arg;
    bool reexec;            /* -reexec: started by a guest execve */
    int log_fd;             /* -logfd N (with -reexec), else -1 */
} EmuOptions;

static void usage(FILE *f)
{
    fprintf(f,
"usage: emu [options] PROGRAM [ARGS...]\n"
"Run the x86_64 Linux program PROGRAM (static or dynamic) under emulation.\n"
"\n"
"Options (a double dash works too; options stop at PROGRAM):\n"
"  -h, -help              print this help and exit\n"
"  -version               print the version and exit\n"
"  -L PATH                sysroot for the ELF interpreter and the absolute paths\n"
"                         the guest looks up, when they exist there (QEMU_LD_PREFIX)\n"
"  -E VAR=VALUE[,...]     set VAR in the guest environment (repeatable)\n"
"  -U VAR[,...]           remove VAR from the guest environment (repeatable)\n"
"  -0 ARGV0               use ARGV0 as the guest's argv[0] (QEMU_ARGV0)\n"
"  -s SIZE                guest stack size, k/M/G suffixes (QEMU_STACK_SIZE)\n"
"  -cpu MODEL             CPU model presented by CPUID; -cpu help lists them (QEMU_CPU)\n"
"  -d ITEM[,...]          enable debug log items; -d help lists them (QEMU_LOG)\n"
"  -D FILE                write the log to FILE instead of stderr (QEMU_LOG_FILENAME)\n"
"  -strace                log system calls (QEMU_STRACE)\n"
"  -perfmap               write /tmp/perf-PID.map naming each TB's host code\n"
"                         by its guest address, for perf report (QEMU_PERFMAP)\n"
"  -plugin FILE[,ARG=VAL...]  load a TCG plugin (repeatable)\n"
"  -accel tcg[,backend=jit|interp][,split-wx=on|off]\n"
"                         translation backend: host JIT (default) or IR\n"
"                         interpreter (also EMU_BACKEND); split-wx=on maps the\n"
"                         JIT's code twice, never writable and executable at\n"
"                         once (default off; also EMU_JIT_SPLIT_WX=1)\n"
"  -seed N                seed for AT_RANDOM and getrandom: deterministic runs\n"
"                         (QEMU_RAND_SEED)\n"
"  -icount [shift=]N[,sleep=on|off]  virtual clock: time and RDTSC advance\n"
"                         2^N ns per executed instruction (EMU_ICOUNT)\n");
}

static void __attribute__((noreturn)) die(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void die(const char *fmt, ...)
{
    va_list ap;
    fputs("emu: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* "8M", "512k", "1G", "65536" -> bytes; false if malformed or zero. */
static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    uint64_t mult = 1;

    if (!g_ascii_isdigit(*s)) {
        return false;
    }
    errno = 0;
    uint64_t v = g_ascii_strtoull(s, &end, 0);
    if (errno || end == s) {
        return false;
    }
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': mult = 1ULL << 10; end++; break;
    case 'm': case 'M': mult = 1ULL << 20; end++; break;
    case 'g': case 'G': mult = 1ULL << 30; end++; break;
    default: return false;
    }
    if (*end != '\0' || v == 0 || v > UINT64_MAX / mult) {
        return false;
    }
    *out = v * mult;
    return true;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!g_ascii_isdigit(*s)) {
        return false;
    }
    errno = 0;
    *out = g_ascii_strtoull(s, &end, 0);
    return errno == 0 && *end == '\0';
}

static void opt_env_set(EmuOptions *o, const char *arg)
{
    /* QEMU allows a comma-separated list: -E A=1,B=2. */
    gchar **items = g_strsplit(arg, ",", -1);
    for (gchar **it = items; *it; it++) {
        char *eq = strchr(*it, '=');
        if (eq == NULL || eq == *it) {
            die("-E expects VAR=VALUE, got '%s'", *it);
        }
        char *name = g_strndup(*it, (gsize)(eq - *it));
        if (!g_hash_table_contains(o->env_set, name)) {
            g_ptr_array_add(o->env_order, g_strdup(name));
        }
        g_hash_table_insert(o->env_set, name, g_strdup(eq + 1));
        g_hash_table_remove(o->env_unset, name);
    }
    g_strfreev(items);
}

static void opt_env_unset(EmuOptions *o, const char *arg)
{
    gchar **items = g_strsplit(arg, ",", -1);
    for (gchar **it = items; *it; it++) {
        if (**it == '\0' || strchr(*it, '=')) {
            die("-U expects a variable name, got '%s'", *it);
        }
        g_hash_table_add(o->env_unset, g_strdup(*it));
        g_hash_table_remove(o->env_set, *it);
    }
    g_strfreev(items);
}

static void opt_log(EmuOptions *o, const char *arg)
{
    if (strcmp(arg, "help") == 0) {
        emu_log_print_help();
        exit(0);
    }
    unsigned m = 0;
    if (!emu_log_parse_items(arg, &m)) {
        exit(1);
    }
    o->log_mask = m;
    o->log_mask_set = true;
    o->log_arg = arg;
}

static void opt_stack(EmuOptions *o, const char *arg)
{
    if (!parse_size(arg, &o->stack_size)) {
        die("invalid stack size '%s'", arg);
    }
}

static void opt_seed(EmuOptions *o, const char *arg)
{
    if (!parse_u64(arg, &o->seed)) {
        die("invalid seed '%s'", arg);
    }
    o->have_seed = true;
}

static void opt_icount(EmuOptions *o, const char *arg)
{
    o->icount_arg = arg;
    char *err = NULL;
    if (!vclock_parse(arg, &err)) {
        fprintf(stderr, "emu: %s\n", err);
        g_free(err);
        exit(1);
    }
}

/* -accel tcg[,backend=jit|interp][,split-wx=on|off] (QEMU's syntax).
 * Repeated -accel options add up, the last value of a property winning;
 * a guest execve passes their sum on (o->accel_arg). */
static void opt_accel(EmuOptions *o, const char *arg)
{
    static char *backend;       /* backend= so far, or NULL */
    static int split_wx = -1;   /* split-wx= so far (0, 1), or -1 */
    gchar **parts = g_strsplit(arg, ",", -1);
    if (parts[0] == NULL || strcmp(parts[0], "tcg") != 0) {
        die("unsupported accelerator '%s' (only tcg)", parts[0] ? parts[0] : "");
    }
    for (gchar **p = parts + 1; *p; p++) {
        if (g_str_has_prefix(*p, "backend=")) {
            const char *b = *p + strlen("backend=");
            if (!tcg_backend_select(b)) {
                die("backend '%s' is not available (interp, jit)", b);
            }
            g_free(backend);
            backend = g_strdup(b);
        } else if (g_str_has_prefix(*p, "split-wx=")) {
            const char *v = *p + strlen("split-wx=");
            if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0) {
                die("-accel split-wx: invalid value '%s' (on, off)", v);
            }
            split_wx = strcmp(v, "on") == 0;
        } else {
            die("unknown -accel property '%s'", *p);
        }
    }
    g_strfreev(parts);
    if (split_wx == 1) {
        /* the backend in effect: backend=, else EMU_BACKEND (emu/tb.c) */
        const char *b = backend ? backend : getenv("EMU_BACKEND");
        if (b && strcmp(b, "interp") == 0) {
            die("-accel split-wx=on needs backend=jit (the interpreter makes no host code)");
        }
        if (!tcg_jit_split_wx(true)) {
            die("-accel split-wx=on: cannot create the code cache's memfd: %s",
                strerror(errno));
        }
    } else if (split_wx == 0) {
        tcg_jit_split_wx(false);
    }
    o->accel_arg = g_strdup_printf("tcg%s%s%s", backend ? ",backend=" : "",
                                   backend ? backend : "",
                                   split_wx < 0 ? "" : split_wx ? ",split-wx=on"
                                                                : ",split-wx=off");
}

/* Defaults from QEMU's environment variables. */
static void options_from_env(EmuOptions *o)
{
    const char *v;
    if ((v = getenv("QEMU_LD_PREFIX")) && *v) {
        o->interp_prefix = v;
    }
    if (getenv("QEMU_STRACE")) {
        o->strace = true;
    }
    if (getenv("QEMU_PERFMAP")) {
        o->perfmap = true;
    }
    if ((v = getenv("QEMU_CPU")) && *v) {
        o->cpu_model = v;
    }
    if ((v = getenv("QEMU_STACK_SIZE")) && *v) {
        opt_stack(o, v);
    }
    if ((v = getenv("QEMU_LOG")) && *v) {
        opt_log(o, v);
    }
    if ((v = getenv("QEMU_LOG_FILENAME")) && *v) {
        o->log_file = v;
    }
    /* After a guest execve, the environment and argv are the guest's as
     * it passed them: these were applied once, by the first emu. */
    if ((v = getenv("QEMU_SET_ENV")) && *v && !o->reexec) {
        opt_env_set(o, v);
    }
    if ((v = getenv("QEMU_UNSET_ENV")) && *v && !o->reexec) {
        opt_env_unset(o, v);
    }
    if ((v = getenv("QEMU_ARGV0")) && *v && !o->reexec) {
        o->argv0 = v;
    }
    if ((v = getenv("QEMU_RAND_SEED")) && *v) {
        opt_seed(o, v);
    }
    if ((v = getenv("EMU_ICOUNT")) && *v) {
        opt_icount(o, v);
    }
}

/* Parse options; returns the index of PROGRAM in argv. */
static int parse_args(EmuOptions *o, int argc, char **argv)
{
    int i = 1;
    while (i < argc) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0') {
            break;              /* PROGRAM */
        }
        i++;
        if (strcmp(a, "--") == 0) {
            break;
        }
        const char *name = a + 1;
        if (*name == '-') {
            name++;             /* --opt is -opt */
        }
        /* Options without an argument. */
        if (!strcmp(name, "h") || !strcmp(name, "help")) {
            usage(stdout);
            exit(0);
        }
        if (!strcmp(name, "version")) {
            printf("emu version %s\n"
                   "user-mode x86_64 Linux emulator (QEMU linux-user compatible command line)\n",
                   EMU_VERSION);
            exit(0);
        }
        if (!strcmp(name, "strace")) {
            o->strace = true;
            continue;
        }
        if (!strcmp(name, "perfmap")) {
            o->perfmap = true;
            continue;
        }
        if (!strcmp(name, "reexec")) {
            continue;       /* seen by main() before the environment */
        }
        /* Options with one argument. */
        static const char *const with_arg[] = {
            "L", "E", "U", "0", "s", "cpu", "d", "D", "plugin", "accel", "seed", "icount",
            "logfd", "execfd", "execfn",    /* internal (with -reexec) */
        };
        bool known = false;
        for (size_t k = 0; k < G_N_ELEMENTS(with_arg); k++) {
            if (!strcmp(name, with_arg[k])) {
                known = true;
            }
        }
        if (!known) {
            fprintf(stderr, "emu: unknown option '%s' (try -help)\n", a);
            exit(1);
        }
        if (i >= argc) {
            die("option '%s' needs an argument", a);
        }
        const char *arg = argv[i++];
        if (!strcmp(name, "L")) {
            o->interp_prefix = arg;
        } else if (!strcmp(name, "E")) {
            opt_env_set(o, arg);
        } else if (!strcmp(name, "U")) {
            opt_env_unset(o, arg);
        } else if (!strcmp(name, "0")) {
            o->argv0 = arg;
        } else if (!strcmp(name, "s")) {
            opt_stack(o, arg);
        } else if (!strcmp(name, "cpu")) {
            if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
                x86_cpu_model_list(stdout);
                exit(0);
            }
            o->cpu_model = arg;
        } else if (!strcmp(name, "d")) {
            opt_log(o, arg);
        } else if (!strcmp(name, "D")) {
            o->log_file = arg;
        } else if (!strcmp(name, "plugin")) {
            if (*arg == '\0' || *arg == ',') {
                die("-plugin expects FILE[,ARG=VALUE...]");
            }
            g_ptr_array_add(o->plugins, g_strdup(arg));
        } else if (!strcmp(name, "accel")) {
            opt_accel(o, arg);
        } else if (!strcmp(name, "seed")) {
            opt_seed(o, arg);
        } else if (!strcmp(name, "execfn")) {
            if (!o->reexec) {
                die("option '%s' is internal (for -reexec)", a);
            }
            linux_user_set_execfn(arg);
        } else if (!strcmp(name, "logfd") || !strcmp(name, "execfd")) {
            uint64_t fd;
            if (!o->reexec || !parse_u64(arg, &fd) || fd > INT_MAX) {
                die("option '%s' is internal (for -reexec)", a);
            }
            if (name[0] == 'l') {
                o->log_fd = (int)fd;
            } else {
                linux_user_set_program_fd((int)fd);
            }
        } else if (!strcmp(name, "icount")) {
            opt_icount(o, arg);
        }
    }
    return i;
}

/* The guest environment: emu's, with -U removals and -E settings. */
static char **build_guest_env(EmuOptions *o)
{
    GPtrArray *env = g_ptr_array_new();
    for (char **e = environ; *e; e++) {
        const char *eq = strchr(*e, '=');
        g_autofree char *name = eq ? g_strndup(*e, (gsize)(eq - *e)) : g_strdup(*e);
        if (g_hash_table_contains(o->env_unset, name) || g_hash_table_contains(o->env_set, name)) {
            continue;
        }
        g_ptr_array_add(env, g_strdup(*e));
    }
    /* -E settings come last, in the order given. */
    for (guint i = 0; i < o->env_order->len; i++) {
        const char *name = g_ptr_array_index(o->env_order, i);
        const char *val = g_hash_table_lookup(o->env_set, name);
        if (val) {
            g_ptr_array_add(env, g_strdup_printf("%s=%s", name, val));
        }
    }
    g_ptr_array_add(env, NULL);
    return (char **)g_ptr_array_free(env, FALSE);
}

/* The -D file must not take the descriptor the guest's first open()
 * would get (natively 3): move it near the top of the fd range. */
static void log_fd_out_of_the_way(void)
{
    struct rlimit rl;
    int min = 512;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur > 16 && rl.rlim_cur < 1048576) {
        min = (int)rl.rlim_cur - 8;
    }
    int hi = fcntl(fileno(emu_logfile), F_DUPFD_CLOEXEC, min);
    if (hi < 0) {
        return;
    }
    FILE *f = fdopen(hi, "w");
    if (f == NULL) {
        close(hi);
        return;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    fclose(emu_logfile);
    emu_logfile = f;
}

/* A relative path that names an existing file, made absolute: the guest
 * may chdir before it execs.  (A plugin name without a slash is looked up
 * by the dynamic loader: left alone.) */
static char *absolute_if_exists(const char *path, bool need_slash)
{
    if (path[0] != '/' && (!need_slash || strchr(path, '/')) &&
        g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_autofree char *cwd = g_get_current_dir();
        return g_build_filename(cwd, path, NULL);
    }
    return g_strdup(path);
}

/* The options in effect, as the new emu of a guest execve gets them:
 * every setting that came from the command line or the environment,
 * but not -E, -U and -0 (the guest passes its own environment and argv)
 * nor -D (the new emu writes to the same open log, -logfd). */
static void save_exec_options(EmuOptions *o)
{
    GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
#define OPT(name, val) do { g_ptr_array_add(v, g_strdup(name)); \
                            g_ptr_array_add(v, (val)); } while (0)
    if (o->interp_prefix) {
        OPT("-L", absolute_if_exists(o->interp_prefix, false));
    }
    if (o->stack_size) {
        OPT("-s", g_strdup_printf("%" G_GUINT64_FORMAT, o->stack_size));
    }
    if (o->cpu_model) {
        OPT("-cpu", g_strdup(o->cpu_model));
    }
    if (o->log_arg) {
        OPT("-d", g_strdup(o->log_arg));
    }
    if (o->strace) {
        g_ptr_array_add(v, g_strdup("-strace"));
    }
    if (o->perfmap) {
        g_ptr_array_add(v, g_strdup("-perfmap"));
    }
    for (guint i = 0; i < o->plugins->len; i++) {
        const char *spec = g_ptr_array_index(o->plugins, i);
        const char *comma = strchr(spec, ',');
        g_autofree char *file = comma ? g_strndup(spec, (gsize)(comma - spec)) : g_strdup(spec);
        g_autofree char *abs = absolute_if_exists(file, true);
        OPT("-plugin", g_strconcat(abs, comma ? comma : "", NULL));
    }
    if (o->accel_arg) {
        OPT("-accel", g_strdup(o->accel_arg));
    }
    if (o->have_seed) {
        OPT("-seed", g_strdup_printf("%" G_GUINT64_FORMAT, o->seed));
    }
    if (o->icount_arg) {
        OPT("-icount", g_strdup(o->icount_arg));
    }
#undef OPT
    g_ptr_array_add(v, NULL);
    linux_user_set_exec_options((char **)v->pdata);
    g_ptr_array_free(v, TRUE);
}

/* -logfd N: the log of the emu that exec'd us, already open (and high). */
static bool log_use_fd(int fd)
{
    FILE *f = fdopen(fd, "w");
    if (f == NULL) {
        fprintf(stderr, "emu: -logfd %d: %s\n", fd, strerror(errno));
        return false;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    setvbuf(f, NULL, _IOLBF, 0);
    emu_logfile = f;
    return true;
}

int main(int argc, char **argv)
{
    EmuOptions o;
    memset(&o, 0, sizeof(o));
    o.plugins = g_ptr_array_new_with_free_func(g_free);
    o.env_set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    o.env_order = g_ptr_array_new_with_free_func(g_free);
    o.env_unset = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    o.log_fd = -1;
    /* -reexec (internal, first) changes how the environment is read. */
    o.reexec = argc > 1 && !strcmp(argv[1], "-reexec");

    options_from_env(&o);
    int prog = parse_args(&o, argc, argv);
    if (prog >= argc) {
        usage(stderr);
        exit(1);
    }

    if (o.log_fd >= 0) {
        if (!log_use_fd(o.log_fd)) {
            exit(1);
        }
    } else {
        if (!emu_log_set_file(o.log_file)) {
            exit(1);
        }
        if (o.log_file) {
            log_fd_out_of_the_way();
        }
    }
    save_exec_options(&o);
    emu_loglevel = (o.log_mask_set ? o.log_mask : 0) | (o.strace ? LOG_STRACE : 0);
    if (o.perfmap && !perfmap_open()) {
        die("-perfmap: cannot create /tmp/perf-%d.map: %s", (int)getpid(), g_strerror(errno));
    }

    if (o.cpu_model && !x86_cpu_model_set(o.cpu_model)) {
        die("unknown or unsupported CPU model '%s' (try -cpu help)", o.cpu_model);
    }
    /* Plugins install before the guest exists, as in QEMU; a plugin that
     * fails to load is fatal (exit 1). */
    plugin_load_all((char **)o.plugins->pdata, (int)o.plugins->len, argv[prog]);

    LinuxUserConfig cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.exec_path = argv[prog];
    cfg.argc = argc - prog;
    cfg.argv = g_new0(char *, cfg.argc + 1);
    for (int i = 0; i < cfg.argc; i++) {
        cfg.argv[i] = argv[prog + i];
    }
    if (o.argv0) {
        cfg.argv[0] = (char *)o.argv0;
    }
    cfg.envp = build_guest_env(&o);
    cfg.interp_prefix = o.interp_prefix;
    cfg.stack_size = o.stack_size;
    cfg.have_seed = o.have_seed;
    cfg.seed = o.seed;
    linux_user_run(&cfg);
}
