/*
 * stack-overflow.c — touching below the stack's RLIMIT_STACK is a SIGSEGV
 * the program can handle: on an alternate stack, with si_code SEGV_MAPERR
 * and si_addr the very address touched; then it recovers with
 * siglongjmp.  Within the limit, any stride works (stack-touch covers
 * that).  The distance is relative to a local of main, so it does not
 * depend on where the stack is.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

static sigjmp_buf back;
static volatile uintptr_t touched;
static volatile uintptr_t fault_addr;
static volatile int fault_code, on_altstack;
static char altstack[64 * 1024];

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    char here;
    fault_addr = (uintptr_t)si->si_addr;
    fault_code = si->si_code;
    on_altstack = &here >= altstack && &here < altstack + sizeof(altstack);
    siglongjmp(back, 1);
}

int main(void)
{
    struct rlimit rl;
    getrlimit(RLIMIT_STACK, &rl);
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (256UL << 20)) {
        printf("RLIMIT_STACK too large for this test: skipped\n");
        return 0;
    }
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
    sigaltstack(&ss, NULL);
    struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_ONSTACK };
    sigaction(SIGSEGV, &sa, NULL);

    char top;
    /* 1 MiB past the limit, measured from a local near the stack top. */
    touched = ((uintptr_t)&top - rl.rlim_cur - (1UL << 20)) & ~(uintptr_t)4095;
    if (sigsetjmp(back, 1) == 0) {
        *(volatile char *)touched = 1;
        printf("no fault below the stack limit\n");
        return 1;
    }
    printf("SIGSEGV below RLIMIT_STACK: si_addr is the address touched: %d, "
           "SEGV_MAPERR: %d, handled on the alternate stack: %d\n",
           fault_addr == touched, fault_code == SEGV_MAPERR, on_altstack);
    /* The stack still works after the fault, within the limit. */
    volatile char below[256 * 1024];
    below[0] = 2;
    printf("256 KiB of stack after recovering: %d\n", below[0]);
    return 0;
}
