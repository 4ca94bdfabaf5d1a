/*
 * linux-user/user.h — the guest OS, as seen by emu/main.c.
 *
 * main.c parses the command line into a LinuxUserConfig and hands over to
 * linux_user_run(), which loads the program, builds the process (address
 * space, stack, auxv, first thread) and runs it to the end.
 */
#ifndef LINUX_USER_USER_H
#define LINUX_USER_USER_H

#include <stdbool.h>
#include <stdint.h>

typedef struct LinuxUserConfig {
    const char *exec_path;      /* PROGRAM as given on the command line */
    int argc;                   /* guest argv (argv[0] already replaced by -0) */
    char **argv;
    char **envp;                /* guest environment, NULL-terminated */
    const char *interp_prefix;  /* -L: prefix for the ELF interpreter (NULL: none) */
    uint64_t stack_size;        /* -s: guest stack size; 0 = host RLIMIT_STACK */
    bool have_seed;             /* -seed N given: AT_RANDOM and getrandom are */
    uint64_t seed;              /*   a deterministic stream derived from N */
} LinuxUserConfig;

/* The options a guest execve passes to the new emu (emu/main.c saves the
 * ones in effect; see docs/cli.md, "execve"), NULL-terminated, copied. */
void linux_user_set_exec_options(char **opts);
/* -execfd N: PROGRAM is /proc/self/fd/N, closed once loaded. */
void linux_user_set_program_fd(int fd);
/* -execfn NAME: AT_EXECFN (the name the guest's execve was given). */
void linux_user_set_execfn(const char *name);

/*
 * Check PROGRAM, load it and run it.  Never returns: exits with the guest's
 * exit status, or dies of the signal that killed the guest (no core file).
 * A program that cannot be loaded gives "emu: PROGRAM: <reason>" on stderr
 * and exit status 1.  The core (cpu_exec_init_all) and the CPU model must
 * be set up already; the guest address space is created here.
 */
void linux_user_run(const LinuxUserConfig *cfg) __attribute__((noreturn));

#endif
