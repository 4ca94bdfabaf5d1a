/*
 * superblock.c — blocks that go on through conditional branches.  emu
 * translates the not-taken side of a conditional branch into the same
 * block as the code before it, the taken side becoming a side exit
 * (docs/jit.md, "Superblocks"); its JIT leaves the registers changed
 * before such a branch in host registers and stores them only on the
 * taken path.  Each case is written in assembly so that the block shapes
 * are known, and prints what it leaves behind, to be compared with native:
 *
 *  - a loop whose body has a rarely taken branch out to a second block
 *    (two blocks before, one now: a one-block loop with a side exit), with
 *    registers changed before the branch and used on both paths;
 *  - a loop with two jumps back to its start (a side exit and the block's
 *    final jump both chained to the block itself);
 *  - eight conditional branches in a row, each taken by one bit of a
 *    counter (more than a block's side exits: it ends at the fifth);
 *  - a fault two side exits into a block, with registers changed between
 *    the branches: the SIGSEGV handler prints them from its ucontext;
 *  - a branch-heavy C function (a byte-class scanner) over 64 KiB.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static void rare_exit_loop(void)
{
    uint64_t a = 1, b = 2, c = 3, rare = 0;
    __asm__ volatile("movl $20000, %%r8d\n\t"
                     "1:\n\t"
                     "addq %[b], %[a]\n\t"
                     "rolq $5, %[a]\n\t"
                     "xorq %[a], %[c]\n\t"
                     "testl $1023, %%r8d\n\t"
                     "jz 3f\n\t"             /* taken every 1024th time */
                     "2:\n\t"
                     "addq %[c], %[b]\n\t"
                     "decl %%r8d\n\t"
                     "jnz 1b\n\t"
                     "jmp 4f\n\t"
                     "3:\n\t"
                     "incq %[rare]\n\t"
                     "addq %[a], %[rare]\n\t"
                     "jmp 2b\n\t"
                     "4:"
                     : [a] "+r"(a), [b] "+r"(b), [c] "+r"(c), [rare] "+r"(rare)
                     :
                     : "r8", "cc");
    printf("rare exit loop: %016llx %016llx %016llx %016llx\n", (unsigned long long)a,
           (unsigned long long)b, (unsigned long long)c, (unsigned long long)rare);
}

static void two_back_edges(void)
{
    uint64_t sum = 0, odd = 0;
    __asm__ volatile("movl $5000, %%ecx\n\t"
                     "1:\n\t"
                     "decl %%ecx\n\t"
                     "jz 3f\n\t"
                     "addq %%rcx, %[odd]\n\t"
                     "testb $1, %%cl\n\t"
                     "jnz 1b\n\t"            /* a side exit to the block's start */
                     "imulq $3, %%rcx, %%rdx\n\t"
                     "addq %%rdx, %[sum]\n\t"
                     "jmp 1b\n\t"            /* its final jump, to the same start */
                     "3:"
                     : [sum] "+r"(sum), [odd] "+r"(odd)
                     :
                     : "rcx", "rdx", "cc");
    printf("two back edges: %llu %llu\n", (unsigned long long)sum, (unsigned long long)odd);
}

static void branch_chain(void)
{
    uint64_t acc = 0;
    for (uint32_t i = 0; i < 512; i++) {
        uint64_t x = i * 0x9e3779b9u;
        __asm__ volatile("xorl %%edx, %%edx\n\t"
                         "testl $1, %k[i]\n\t"   "jnz 1f\n\t"  "addq $1, %%rdx\n\t"
                         "testl $2, %k[i]\n\t"   "jnz 1f\n\t"  "addq %[x], %%rdx\n\t"
                         "testl $4, %k[i]\n\t"   "jnz 1f\n\t"  "rolq $3, %%rdx\n\t"
                         "testl $8, %k[i]\n\t"   "jnz 1f\n\t"  "xorq %[x], %%rdx\n\t"
                         "testl $16, %k[i]\n\t"  "jnz 1f\n\t"  "addq $5, %%rdx\n\t"
                         "testl $32, %k[i]\n\t"  "jnz 1f\n\t"  "imulq $7, %%rdx\n\t"
                         "testl $64, %k[i]\n\t"  "jnz 1f\n\t"  "subq %[x], %%rdx\n\t"
                         "testl $128, %k[i]\n\t" "jnz 1f\n\t"  "notq %%rdx\n\t"
                         "1:\n\t"
                         "addq %%rdx, %[acc]\n\t"
                         "rolq $1, %[acc]"
                         : [acc] "+r"(acc)
                         : [i] "r"(i), [x] "r"(x)
                         : "rdx", "cc");
    }
    printf("branch chain: %016llx\n", (unsigned long long)acc);
}

static sigjmp_buf jb;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    greg_t *g = ((ucontext_t *)ucv)->uc_mcontext.gregs;
    (void)sig;
    printf("fault at %p: rax=%llx rcx=%llx rdx=%llx r8=%llx eflags=%03llx\n", si->si_addr,
           (unsigned long long)g[REG_RAX], (unsigned long long)g[REG_RCX],
           (unsigned long long)g[REG_RDX], (unsigned long long)g[REG_R8],
           (unsigned long long)(g[REG_EFL] & 0x8d5));
    siglongjmp(jb, 1);
}

static void fault_after_side_exits(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(jb, 1) == 0) {
        __asm__ volatile("movl $7, %%eax\n\t"
                         "movl $100, %%ecx\n\t"
                         "xorl %%edx, %%edx\n\t"
                         "addq $11, %%rax\n\t"
                         "cmpq $5, %%rax\n\t"
                         "jb 1f\n\t"             /* not taken */
                         "imulq $13, %%rax, %%rcx\n\t"
                         "subq $1, %%rdx\n\t"
                         "testq %%rcx, %%rcx\n\t"
                         "jz 1f\n\t"             /* not taken */
                         "leaq 3(%%rcx,%%rax), %%r8\n\t"
                         "addq %%r8, %%rax\n\t"
                         "movq 16, %%rdx\n\t"    /* faults (page 0) */
                         "1:"
                         :
                         :
                         : "rax", "rcx", "rdx", "r8", "cc", "memory");
        printf("no fault\n");
    }
}

/* Classifies bytes the way a tokenizer would: many short if/else chains. */
static void scanner(void)
{
    static uint8_t text[65536];
    uint32_t s = 12345;
    for (size_t i = 0; i < sizeof(text); i++) {
        s = s * 1103515245u + 12345u;
        text[i] = (uint8_t)(s >> 16);
    }
    unsigned counts[6] = {0};
    unsigned run = 0, longest = 0;
    for (size_t i = 0; i < sizeof(text); i++) {
        uint8_t ch = text[i];
        int k;
        if (ch >= 'a' && ch <= 'z') {
            k = 0;
        } else if (ch >= 'A' && ch <= 'Z') {
            k = 1;
        } else if (ch >= '0' && ch <= '9') {
            k = 2;
        } else if (ch == ' ' || ch == '\t' || ch == '\n') {
            k = 3;
        } else if (ch < 32) {
            k = 4;
        } else {
            k = 5;
        }
        counts[k]++;
        run = k == 5 ? run + 1 : 0;
        if (run > longest) {
            longest = run;
        }
    }
    printf("scanner: %u %u %u %u %u %u longest %u\n", counts[0], counts[1], counts[2],
           counts[3], counts[4], counts[5], longest);
}

int main(void)
{
    rare_exit_loop();
    two_back_edges();
    branch_chain();
    fault_after_side_exits();
    scanner();
    return 0;
}
