/*
 * emu/log.h — the -d/-D debug log.
 *
 * qemu_log() writes to the -D file (stderr by default).  Each -d item is a
 * bit in emu_loglevel; test with emu_log_enabled(LOG_X).
 */
#ifndef EMU_LOG_H
#define EMU_LOG_H

#include <stdbool.h>
#include <stdio.h>

#define LOG_IN_ASM   (1u << 0)  /* guest code of each translated TB (capstone) */
#define LOG_OP       (1u << 1)  /* IR before optimization */
#define LOG_OP_OPT   (1u << 2)  /* IR after optimization */
#define LOG_EXEC     (1u << 3)  /* each TB executed */
#define LOG_UNIMP    (1u << 4)  /* unimplemented instructions and syscalls */
#define LOG_PAGE     (1u << 5)  /* guest address-space changes */
#define LOG_STRACE   (1u << 6)  /* syscalls, strace style */
#define LOG_OUT_ASM  (1u << 7)  /* host code of each TB (backend) */
#define LOG_CPU      (1u << 8)  /* CPU state before each TB */
#define LOG_NOCHAIN  (1u << 9)  /* do not chain TBs */
#define LOG_GUEST_ERROR (1u << 10) /* guest did something odd (bad syscall args...) */
#define LOG_PLUGIN   (1u << 11) /* plugin output (qemu_plugin_outs) */

extern unsigned emu_loglevel;
extern FILE *emu_logfile;

static inline bool emu_log_enabled(unsigned mask) { return (emu_loglevel & mask) != 0; }

/* Parse "-d" items ("in_asm,op"); returns false and prints the bad item on error. */
bool emu_log_parse_items(const char *str, unsigned *mask);
/* Print the -d help text to stdout. */
void emu_log_print_help(void);
/* Open -D FILE (NULL = stderr).  Returns false with a message on error. */
bool emu_log_set_file(const char *path);

void qemu_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void qemu_log_flush(void);

/* "emu: ..." on stderr: fatal user-facing errors. */
void emu_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
