/* count-superblock: counts across a superblock's side exits.  emu's
 * blocks go on through the not-taken side of conditional branches, and
 * libinsncount's per-instruction adds are merged per region between side
 * exits (plugins/instrument.c), so a taken side exit, a fault or a trap
 * after one must count exactly the instructions that ran.  One region
 * each (magic-fd protocol, bare `syscall`s):
 *   branchy  eight conditional branches in a row, each taken by one bit
 *            of a counter, 512 times
 *   segv     a load from page 0 two not-taken branches into a block, a
 *            third after it; the SIGSEGV handler skips it (its end is in
 *            rbx)
 *   ud2      the same with SIGILL
 *   syscall  a getpid `syscall` (it retires, then leaves the block) two
 *            not-taken branches in
 * The counts of native (oracle) and emu + libinsncount must be equal.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "magic.h"

static volatile int hits;

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)sig;
    (void)si;
    hits++;
    uc->uc_mcontext.gregs[REG_RIP] = uc->uc_mcontext.gregs[REG_RBX];
}

static void on(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* Two not-taken branches, the faulting instruction (skipped by on_fault:
 * its end is in rbx), then one more branch in the same block. */
#define FAULT_AFTER_SIDE_EXITS(insn)                                     \
    "xorl %%eax, %%eax\n\t"                                             \
    "testl %%eax, %%eax\n\t" "jnz 2f\n\t"                              \
    "addl $1, %%eax\n\t"                                                \
    "testl %%eax, %%eax\n\t" "jz 2f\n\t"                               \
    "lea 1f(%%rip), %%rbx\n\t"                                          \
    insn "\n"                                                           \
    "1:\n\t"                                                            \
    "addl $2, %%eax\n\t"                                                \
    "testl %%eax, %%eax\n\t" "jz 2f\n\t"                               \
    "addl $3, %%eax\n"                                                  \
    "2:"

static uint64_t branchy(void)
{
    uint64_t acc = 0;
    for (uint32_t i = 0; i < 512; i++) {
        __asm__ volatile("xorl %%edx, %%edx\n\t"
                         "testl $1, %k[i]\n\t"   "jnz 1f\n\t"  "addq $1, %%rdx\n\t"
                         "testl $2, %k[i]\n\t"   "jnz 1f\n\t"  "addq $2, %%rdx\n\t"
                         "testl $4, %k[i]\n\t"   "jnz 1f\n\t"  "rolq $3, %%rdx\n\t"
                         "testl $8, %k[i]\n\t"   "jnz 1f\n\t"  "addq $4, %%rdx\n\t"
                         "testl $16, %k[i]\n\t"  "jnz 1f\n\t"  "addq $5, %%rdx\n\t"
                         "testl $32, %k[i]\n\t"  "jnz 1f\n\t"  "imulq $7, %%rdx\n\t"
                         "testl $64, %k[i]\n\t"  "jnz 1f\n\t"  "subq $9, %%rdx\n\t"
                         "testl $128, %k[i]\n\t" "jnz 1f\n\t"  "notq %%rdx\n\t"
                         "1:\n\t"
                         "addq %%rdx, %[acc]"
                         : [acc] "+r"(acc)
                         : [i] "r"(i)
                         : "rdx", "cc");
    }
    return acc;
}

int main(int argc, char **argv)
{
    const char *sc = argc > 1 ? argv[1] : "branchy";
    uint64_t v = 0, r = 0;
    on(SIGSEGV);
    on(SIGILL);

    /* (strcmp is IFUNC-dispatched: CPU-model dependent, keep it outside) */
    int k = !strcmp(sc, "branchy") ? 0 : !strcmp(sc, "segv") ? 1 : !strcmp(sc, "ud2") ? 2 : 3;
    magic_start();
    switch (k) {
    case 0:
        r = branchy();
        break;
    case 1:
        __asm__ volatile(FAULT_AFTER_SIDE_EXITS("movq 16, %%rax") ::: "rax", "rbx", "cc", "memory");
        break;
    case 2:
        __asm__ volatile(FAULT_AFTER_SIDE_EXITS("ud2") ::: "rax", "rbx", "cc", "memory");
        break;
    default:
        __asm__ volatile("xorl %%eax, %%eax\n\t"
                         "testl %%eax, %%eax\n\t" "jnz 2f\n\t"
                         "movl %[nr], %%eax\n\t"
                         "testl %%eax, %%eax\n\t" "jz 2f\n\t"
                         "syscall\n\t"
                         "addl $2, %%eax\n"
                         "2:"
                         : : [nr] "i"(SYS_getpid) : "rax", "rcx", "r11", "cc", "memory");
        break;
    }
    magic_sys(MAGIC_A, MAGIC_STOP, &v, 8);
    printf("%s: hits=%d r=%llx\n", sc, hits, (unsigned long long)r);
    return 0;
}
