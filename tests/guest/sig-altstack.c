/*
 * sig-altstack.c — sigaltstack: queries and errors (ENOMEM, EINVAL, EPERM
 * while on it), SA_ONSTACK handlers running on the alternate stack (and
 * nested ones staying there), handlers without SA_ONSTACK not, uc_stack
 * in the frame, SS_AUTODISARM, and recovery from a stack overflow whose
 * SIGSEGV can only be handled on the alternate stack.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#define ALT_SIZE (64 * 1024)
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif
static char *alt;
static sigjmp_buf jb;

static int on_alt(void *p)
{
    return (char *)p >= alt && (char *)p < alt + ALT_SIZE;
}

static void show_ss(const char *what)
{
    stack_t o;
    int r = sigaltstack(NULL, &o);
    printf("  %s: r=%d flags=%#x size=%zu sp_is_alt=%d\n", what, r, (unsigned)o.ss_flags,
           o.ss_size, o.ss_sp == alt);
}

static volatile int nested_done;

static void handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    int local;
    printf("handler %d: local_on_alt=%d uc_on_alt=%d uc_stack.flags=%#x size=%zu\n", sig,
           on_alt(&local), on_alt(uc), (unsigned)uc->uc_stack.ss_flags, uc->uc_stack.ss_size);
    show_ss("inside");
    stack_t n = { .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0 };
    int r = sigaltstack(&n, NULL);
    printf("  change inside: r=%d errno=%s\n", r, r ? strerror(errno) : "-");
    if (sig == SIGUSR1 && !nested_done) {
        nested_done = 1;
        raise(SIGUSR2);
    }
}

static volatile int depth;
static int recurse(int n)
{
    volatile char buf[1024];
    buf[0] = (char)n;
    depth++;
    if (depth < 0) {
        return 0;
    }
    return recurse(n + 1) + buf[0];
}

static void segv(int sig, siginfo_t *si, void *ucv)
{
    int local;
    printf("segv on_alt=%d code=%d\n", on_alt(&local), si->si_code);
    siglongjmp(jb, 1);
}

static void on(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    alt = malloc(ALT_SIZE);

    show_ss("initial");
    stack_t s = { .ss_sp = alt, .ss_size = 1024, .ss_flags = 0 };
    int r = sigaltstack(&s, NULL);
    printf("small: r=%d errno=%s\n", r, r ? strerror(errno) : "-");
    s.ss_size = ALT_SIZE;
    s.ss_flags = 5;
    r = sigaltstack(&s, NULL);
    printf("bad flags: r=%d errno=%s\n", r, r ? strerror(errno) : "-");
    s.ss_flags = 0;
    r = sigaltstack(&s, NULL);
    printf("set: r=%d\n", r);
    show_ss("after set");

    on(SIGUSR1, handler, SA_ONSTACK);
    on(SIGUSR2, handler, SA_ONSTACK);
    raise(SIGUSR1);
    on(SIGHUP, handler, 0);
    raise(SIGHUP);

    /* SS_AUTODISARM: disarmed inside the handler, restored after */
    s.ss_flags = SS_AUTODISARM;
    r = sigaltstack(&s, NULL);
    printf("autodisarm set: r=%d\n", r);
    show_ss("autodisarm");
    nested_done = 0;
    raise(SIGUSR1);
    show_ss("after autodisarm handler");

    /* SS_ONSTACK as a mode is accepted like 0 */
    s.ss_flags = SS_ONSTACK;
    r = sigaltstack(&s, NULL);
    printf("onstack mode: r=%d\n", r);
    show_ss("onstack mode");

    /* stack overflow, handled on the altstack */
    on(SIGSEGV, segv, SA_ONSTACK);
    if (sigsetjmp(jb, 1) == 0) {
        recurse(0);
    }
    printf("recovered from overflow: deep=%d\n", depth > 100);

    s.ss_flags = SS_DISABLE;
    r = sigaltstack(&s, NULL);
    printf("disable: r=%d\n", r);
    show_ss("disabled");
    return 0;
}
