/* count-signals: instructions of signal handlers are counted like any
 * guest code; a faulting instruction is not.  Regions (magic-fd protocol,
 * bare `syscall`s so that only the guest's own code is inside):
 *   raise     tgkill to itself; the handler and the sa_restorer's
 *             rt_sigreturn run inside the region
 *   segv      a load from an unmapped address; the SIGSEGV handler skips
 *             it by editing the ucontext's rip
 *   ud2       the same with SIGILL
 *   nested    a handler that sends itself a second, different signal
 * The counts of native (oracle) and emu + libinsncount must be equal.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "magic.h"

static volatile int hits;
static long my_pid, my_tid;

static long raw_tgkill(int sig)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "0"((long)SYS_tgkill), "D"(my_pid), "S"(my_tid),
                     "d"((long)sig) : "rcx", "r11", "memory");
    return ret;
}

static void on_usr(int sig, siginfo_t *si, void *uc)
{
    hits++;
    if (sig == SIGUSR1 && hits < 2) {
        raw_tgkill(SIGUSR2);
    }
}

/* skip the faulting instruction: its end is in rbx */
static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    hits++;
    uc->uc_mcontext.gregs[REG_RIP] = uc->uc_mcontext.gregs[REG_RBX];
}

static void on(int sig, void (*fn)(int, siginfo_t *, void *))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv)
{
    const char *sc = argc > 1 ? argv[1] : "raise";
    uint64_t v = 0;
    my_pid = getpid();
    my_tid = gettid();
    on(SIGUSR1, on_usr);
    on(SIGUSR2, on_usr);
    on(SIGSEGV, on_fault);
    on(SIGILL, on_fault);

    /* (strcmp is IFUNC-dispatched: CPU-model dependent, keep it outside) */
    int k = !strcmp(sc, "raise") ? 0 : !strcmp(sc, "nested") ? 1 : !strcmp(sc, "segv") ? 2 : 3;
    magic_start();
    if (k == 0) {
        raw_tgkill(SIGUSR2);
    } else if (k == 1) {
        raw_tgkill(SIGUSR1);
    } else if (k == 2) {
        __asm__ volatile("lea 1f(%%rip), %%rbx\n\tmovq 16, %%rax\n1:"
                         ::: "rax", "rbx", "memory");
    } else {
        __asm__ volatile("lea 1f(%%rip), %%rbx\n\tud2\n1:" ::: "rbx", "memory");
    }
    magic_sys(MAGIC_A, MAGIC_STOP, &v, 8);
    printf("%s: hits=%d\n", sc, hits);
    return 0;
}
