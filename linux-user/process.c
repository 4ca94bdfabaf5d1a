/*
 * linux-user/process.c — create the guest process and start its first
 * thread: check the program, set up the address space and the core, load
 * the ELF image, build the stack, set the registers the ABI promises and
 * enter the cpu loop.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "emu/exec.h"
#include "emu/log.h"
#include "linux-user/internal.h"
#include "softmmu/softmmu.h"

LinuxUserProc lu_proc;

static void __attribute__((noreturn)) load_failed(const char *path, char *err)
{
    emu_error("%s: %s", path, err);
    g_free(err);
    exit(1);
}

bool lu_load_exec(const LinuxUserConfig *cfg, uint64_t *rip, uint64_t *rsp, char **err)
{
    ImageInfo *info = &lu_proc.image;

    /* A previous image's strings (exec); elf_load_program clears info. */
    g_free(info->path);
    g_free(info->interp);
    g_free(info->interp_path);
    g_free(lu_proc.execfn);
    lu_proc.execfn = g_strdup(exec_execfn_or(cfg->exec_path));
    if (lu_proc.cmdline) {
        g_byte_array_free(lu_proc.cmdline, TRUE);
    }
    lu_proc.cmdline = g_byte_array_new();
    for (int i = 0; i < cfg->argc; i++) {
        g_byte_array_append(lu_proc.cmdline, (const guint8 *)cfg->argv[i],
                            strlen(cfg->argv[i]) + 1);
    }
    if (!elf_load_program(cfg->exec_path, info, err)) {
        return false;
    }
    exec_after_load();
    *rsp = stack_setup(cfg, info, err);
    if (*rsp == 0) {
        return false;
    }
    *rip = info->start;
    return true;
}

void linux_user_run(const LinuxUserConfig *cfg)
{
    char *err = NULL;
    uint64_t rip, sp;

    lu_path_init(cfg->interp_prefix);
    /* Refuse bad files before anything is reserved or mapped. */
    if (!elf_check_program(cfg->exec_path, &err)) {
        load_failed(cfg->exec_path, err);
    }
    /* The signal mask crosses execve as the host mask emu was started
     * with (exec.c passes the guest's): signal_thread_start() takes it as
     * the first thread's, and the host mask stays its mirror. */

    if (mm_init() < 0) {
        exit(1);
    }
    cpu_exec_init_all();

    lu_proc.pid = getpid();
    lu_proc.have_seed = cfg->have_seed;
    lu_proc.rng_state = cfg->seed;
    signal_init();

    if (!lu_load_exec(cfg, &rip, &sp, &err)) {
        load_failed(cfg->exec_path, err);
    }

    /* The first thread: all registers zero (rdx = 0: no rtld_fini for
     * atexit), rsp at argc, rip at the entry point. */
    CPUX86State *env = NULL;
    if (posix_memalign((void **)&env, 64, sizeof(*env)) != 0) {
        emu_error("out of memory");
        exit(1);
    }
    memset(env, 0, sizeof(*env));
    cpu_x86_init(env);
    TaskState *main_task = g_new0(TaskState, 1);  /* freed if it exits first */
    main_task->tid = gettid();
    env->opaque = main_task;
    env->cpu_index = 0;
    thread_init_main(env);
    cpu_exec_init_vcpu(env);
    env->regs[R_ESP] = sp;
    env->regs[R_EDX] = 0;
    env->rip = rip;
    cpu_loop(env);
}
