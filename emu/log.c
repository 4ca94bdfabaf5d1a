/*
 * emu/log.c — the -d/-D debug log.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <glib.h>

#include "log.h"

unsigned emu_loglevel;
FILE *emu_logfile;

static const struct {
    const char *name;
    unsigned mask;
    const char *help;
} log_items[] = {
    { "in_asm",  LOG_IN_ASM,  "show guest code of each translated TB (disassembled)" },
    { "op",      LOG_OP,      "show the IR of each TB before optimization" },
    { "op_opt",  LOG_OP_OPT,  "show the IR of each TB after optimization" },
    { "out_asm", LOG_OUT_ASM, "show the backend's code of each TB" },
    { "exec",    LOG_EXEC,    "show each TB as it is executed" },
    { "cpu",     LOG_CPU,     "show CPU registers before each executed TB" },
    { "nochain", LOG_NOCHAIN, "do not chain TBs (with exec: see every TB run)" },
    { "unimp",   LOG_UNIMP,   "log unimplemented instructions and syscalls" },
    { "guest_errors", LOG_GUEST_ERROR, "log invalid guest operations (bad syscall arguments...)" },
    { "page",    LOG_PAGE,    "log guest address-space changes (mmap, munmap, ...)" },
    { "strace",  LOG_STRACE,  "log system calls (same as -strace)" },
    { "plugin",  LOG_PLUGIN,  "plugin output (qemu_plugin_outs) goes to the log" },
};

bool emu_log_parse_items(const char *str, unsigned *mask)
{
    unsigned m = 0;
    gchar **items = g_strsplit(str, ",", -1);
    bool ok = true;

    for (gchar **it = items; *it; it++) {
        bool found = false;
        if (**it == '\0') {
            continue;
        }
        if (strcmp(*it, "all") == 0) {
            for (size_t i = 0; i < G_N_ELEMENTS(log_items); i++) {
                if (log_items[i].mask != LOG_NOCHAIN) {
                    m |= log_items[i].mask;
                }
            }
            continue;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(log_items); i++) {
            if (strcmp(*it, log_items[i].name) == 0) {
                m |= log_items[i].mask;
                found = true;
                break;
            }
        }
        if (!found) {
            fprintf(stderr, "emu: unknown -d item '%s' (try -d help)\n", *it);
            ok = false;
            break;
        }
    }
    g_strfreev(items);
    if (ok) {
        *mask = m;
    }
    return ok;
}

void emu_log_print_help(void)
{
    printf("Log items (comma separated):\n");
    for (size_t i = 0; i < G_N_ELEMENTS(log_items); i++) {
        printf("%-13s %s\n", log_items[i].name, log_items[i].help);
    }
    printf("%-13s %s\n", "all", "everything above except nochain");
}

bool emu_log_set_file(const char *path)
{
    if (path == NULL) {
        emu_logfile = stderr;
        return true;
    }
    /* As QEMU's -D: "%d" stands for the process id, so that the emu of
     * every exec'd program writes its own file. */
    g_autofree char *name = NULL;
    const char *pct = strstr(path, "%d");
    if (pct) {
        name = g_strdup_printf("%.*s%d%s", (int)(pct - path), path, (int)getpid(), pct + 2);
        path = name;
    }
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "emu: cannot open log file '%s': %s\n", path, strerror(errno));
        return false;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    emu_logfile = f;
    return true;
}

/* Each thread builds its lines here and writes only whole lines, in one
 * fwrite (stdio locks the FILE per call): lines of several guest threads
 * never mix (an strace line of a blocking syscall appears when it ends). */
static __thread GString *log_line;

void qemu_log(const char *fmt, ...)
{
    va_list ap;
    FILE *f = emu_logfile ? emu_logfile : stderr;
    if (log_line == NULL) {
        log_line = g_string_sized_new(256);
    }
    va_start(ap, fmt);
    g_string_append_vprintf(log_line, fmt, ap);
    va_end(ap);
    const char *nl = strrchr(log_line->str, '\n');
    if (nl) {
        size_t n = (size_t)(nl - log_line->str) + 1;
        fwrite(log_line->str, 1, n, f);
        g_string_erase(log_line, 0, (gssize)n);
    }
}

void qemu_log_flush(void)
{
    FILE *f = emu_logfile ? emu_logfile : stderr;
    if (log_line && log_line->len) {
        fwrite(log_line->str, 1, log_line->len, f);
        g_string_truncate(log_line, 0);
    }
    fflush(f);
}

void emu_error(const char *fmt, ...)
{
    va_list ap;
    fputs("emu: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
