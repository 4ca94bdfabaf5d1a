/*
 * sig-faults.c — synchronous signals from the guest's own faults,
 * delivered to handlers with the state before the faulting instruction:
 * SIGSEGV (unmapped: MAPERR, read-only: ACCERR, not executable,
 * non-canonical: SI_KERNEL), SIGBUS past the end of a file mapping,
 * SIGFPE from #DE, SSE and x87 exceptions, SIGILL from ud2, SIGTRAP from
 * int3, SIGSEGV from hlt.  The handler checks registers in the sigcontext,
 * prints si_code / si_addr / trapno / err / cr2 (addresses relative to
 * the expected ones), then resumes by editing the ucontext (skip the
 * instruction, or return from a bad call) or by siglongjmp.
 *
 * argv[1] selects a fatal case instead: "blocked" (SIGSEGV blocked),
 * "in-handler" (a fault inside the SIGSEGV handler), "ignored".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static uintptr_t expect_addr, resume_rip, expect_rip, last_pf;
static int mode;                 /* 0 skip to resume_rip, 1 return from call, 2 longjmp,
                                  * 3 fault again inside the handler */
static sigjmp_buf jb;
static volatile int handled;

static void report(const char *what, int sig, siginfo_t *si, ucontext_t *uc)
{
    greg_t *g = uc->uc_mcontext.gregs;
    uintptr_t cr2 = (uintptr_t)g[REG_CR2];
    /* cr2 is the last page fault's address (Linux keeps it per thread) */
    const char *c = cr2 == 0 ? "0" : cr2 == expect_addr ? "addr" : cr2 == last_pf ? "last" : "other";
    printf("%-10s sig=%d code=%d addr=%+ld rip=%+ld trapno=%ld err=%#lx cr2=%s",
           what, sig, si->si_code, (long)((uintptr_t)si->si_addr - expect_addr),
           (long)((uintptr_t)g[REG_RIP] - expect_rip), (long)g[REG_TRAPNO], (long)g[REG_ERR], c);
    if (mode != 1) {
        printf(" rbx=%#lx r12=%#lx", (long)g[REG_RBX], (long)g[REG_R12]);
    }
    printf("\n");
    if (g[REG_TRAPNO] == 14) {
        last_pf = cr2;
    }
}

static const char *cur;
static volatile int *volatile bad_ptr = (volatile int *)8;

static void handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    report(cur, sig, si, uc);
    handled++;
    if (mode == 3) {
        *bad_ptr = 1;               /* SIGSEGV is blocked here: forced, fatal */
    }
    if (mode == 2) {
        siglongjmp(jb, 1);
    }
    if (mode == 1) {
        /* the fault was on entering a called address: return from it */
        g[REG_RIP] = *(greg_t *)g[REG_RSP];
        g[REG_RSP] += 8;
        return;
    }
    g[REG_RIP] = (greg_t)resume_rip;
    g[REG_RAX] = 0x42;
    if (sig == SIGFPE) {
        /* clear the exception flags so the next FP insn does not trap */
        uc->uc_mcontext.fpregs->swd &= ~0xffu;
        uc->uc_mcontext.fpregs->mxcsr &= ~0x3fu;
    }
}

/* Each fault site: label the faulting instruction and the next one. */
#define SITE(name, setup, insn)                                                     \
    static uint64_t __attribute__((noinline, noclone)) name(uint64_t arg)           \
    {                                                                               \
        uint64_t out;                                                               \
        __asm__ volatile("mov $0x1111, %%rbx\n\t"                                   \
                         "mov $0x2222, %%r12\n\t"                                   \
                         setup "\n\t"                                               \
                         ".globl " #name "_at\n" #name "_at:\n\t" insn "\n\t"        \
                         ".globl " #name "_end\n" #name "_end:\n\t"                  \
                         : "=a"(out) : "D"(arg) : "rbx", "r12", "rcx", "rdx", "memory", "cc"); \
        return out;                                                                 \
    }                                                                               \
    extern char name##_at[], name##_end[];

SITE(f_read, "xor %%eax, %%eax", "movq (%%rdi), %%rax")
SITE(f_write, "xor %%eax, %%eax", "movq %%rbx, (%%rdi)")
SITE(f_div, "mov $7, %%eax\n\txor %%edx, %%edx\n\txor %%ecx, %%ecx", "divl %%ecx")
SITE(f_ud2, "xor %%eax, %%eax", "ud2")
SITE(f_int3, "mov $0x42, %%eax", "int3")
SITE(f_hlt, "xor %%eax, %%eax", "hlt")
SITE(f_noncanon, "xor %%eax, %%eax\n\tmovabs $0x8000000000001000, %%rdx", "movq (%%rdx), %%rax")
SITE(f_sse, "xor %%eax, %%eax\n\tpxor %%xmm1, %%xmm1\n\tmov $1, %%ecx\n\tcvtsi2ss %%ecx, %%xmm0",
     "divss %%xmm1, %%xmm0")
SITE(f_x87, "xor %%eax, %%eax\n\tfld1\n\tfldz\n\tfdivrp\n\t", "fwait")

static void try_site(const char *what, uint64_t (*fn)(uint64_t), uint64_t arg, char *at, char *end,
                     uintptr_t addr)
{
    cur = what;
    expect_addr = addr;
    expect_rip = (uintptr_t)at;
    resume_rip = (uintptr_t)end;
    mode = 0;
    handled = 0;
    uint64_t r = fn(arg);
    printf("%-10s handled=%d rax=%#lx\n", what, handled, (unsigned long)r);
}

static void on(int sig, int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv)
{
    long pg = sysconf(_SC_PAGESIZE);
    setvbuf(stdout, NULL, _IONBF, 0);
    on(SIGSEGV, 0);
    on(SIGBUS, 0);
    on(SIGFPE, 0);
    on(SIGILL, 0);
    on(SIGTRAP, 0);

    if (argc > 1) {
        if (strcmp(argv[1], "blocked") == 0) {
            sigset_t m;
            sigemptyset(&m);
            sigaddset(&m, SIGSEGV);
            sigprocmask(SIG_BLOCK, &m, NULL);
        } else if (strcmp(argv[1], "ignored") == 0) {
            signal(SIGSEGV, SIG_IGN);
        } else if (strcmp(argv[1], "in-handler") == 0) {
            cur = "in-handler";
            mode = 3;
            expect_addr = 16;
            expect_rip = (uintptr_t)f_read_at;
        }
        printf("%s: faulting\n", argv[1]);
        f_read(16);
        printf("not reached\n");
        return 1;
    }

    try_site("read-null", f_read, 16, f_read_at, f_read_end, 16);

    char *ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    try_site("write-ro", f_write, (uint64_t)(uintptr_t)(ro + 8), f_write_at, f_write_end,
             (uintptr_t)(ro + 8));
    try_site("read-ro", f_read, (uint64_t)(uintptr_t)(ro + 8), f_read_at, f_read_end,
             (uintptr_t)(ro + 8));
    try_site("div0", f_div, 0, f_div_at, f_div_end, (uintptr_t)f_div_at);
    try_site("ud2", f_ud2, 0, f_ud2_at, f_ud2_end, (uintptr_t)f_ud2_at);
    /* int3: rip is after the instruction, si_addr 0 (SI_KERNEL) */
    cur = "int3";
    expect_addr = 0;
    expect_rip = (uintptr_t)f_int3_end;
    resume_rip = (uintptr_t)f_int3_end;
    handled = 0;
    printf("%-10s handled=%d rax=%#lx\n", "int3", handled, (unsigned long)f_int3(0));
    /* hlt and non-canonical: #GP, SI_KERNEL, addr 0, cr2 keeps the last page fault's */
    try_site("hlt", f_hlt, 0, f_hlt_at, f_hlt_end, 0);
    try_site("noncanon", f_noncanon, 0, f_noncanon_at, f_noncanon_end, 0);

    /* SSE divide by zero unmasked */
    unsigned mx = 0x1f80 & ~0x200u;
    __asm__ volatile("ldmxcsr %0" : : "m"(mx));
    try_site("sse-div0", f_sse, 0, f_sse_at, f_sse_end, (uintptr_t)f_sse_at);
    mx = 0x1f80;
    __asm__ volatile("ldmxcsr %0" : : "m"(mx));
    /* x87 divide by zero unmasked: #MF at the next waiting instruction */
    unsigned short cw = 0x37f & ~0x4;
    __asm__ volatile("fldcw %0" : : "m"(cw));
    try_site("x87-div0", f_x87, 0, f_x87_at, f_x87_end, (uintptr_t)f_x87_at);
    __asm__ volatile("fninit");

    /* executing a non-executable page: return from the call */
    cur = "exec-nx";
    expect_addr = (uintptr_t)ro;
    expect_rip = (uintptr_t)ro;
    mode = 1;
    handled = 0;
    ((void (*)(void))ro)();
    printf("%-10s handled=%d\n", "exec-nx", handled);

    /* SIGBUS past the end of a file, recovered by siglongjmp */
    char path[] = "/tmp/sig-faults-XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0 && write(fd, "0123456789", 10) == 10) {
        char *fm = mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, 0);
        unlink(path);
        cur = "bus-eof";
        expect_addr = (uintptr_t)(fm + pg + 4);
        expect_rip = (uintptr_t)f_read_at;
        mode = 2;
        handled = 0;
        if (sigsetjmp(jb, 1) == 0) {
            f_read((uint64_t)(uintptr_t)(fm + pg + 4));
        }
        printf("%-10s handled=%d first=%c\n", "bus-eof", handled, fm[0]);
        /* again: the mask was restored by siglongjmp */
        handled = 0;
        if (sigsetjmp(jb, 1) == 0) {
            f_read((uint64_t)(uintptr_t)(fm + pg + 4));
        }
        printf("%-10s handled=%d\n", "bus-again", handled);
        close(fd);
    }
    return 0;
}
