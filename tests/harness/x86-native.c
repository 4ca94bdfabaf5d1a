/*
 * tests/harness/x86-native.c — the host CPU as the oracle: a sandboxed child.
 *
 * One long-lived forked child maps the layout's areas at their fixed
 * addresses (the ones emu's guest uses), unmaps its holes, and runs case
 * after case: the parent puts the code and the initial state into shared
 * memory and writes a byte to a pipe; the child refills every mapped area
 * (so that a run never sees what an earlier one left), copies the code,
 * the data and stack areas and the poke in place, sets the GS base, and
 * enters the trampoline, which XRSTORs x87/SSE/AVX state (components 0-2
 * from a standard-format XSAVE area: FXSAVE image, header with the
 * state's XSTATE_BV, YMM upper halves), loads RFLAGS and all sixteen GPRs
 * (rsp included) and jumps to the code.  The ud2 that ends the code, or
 * any fault, raises a signal; the handler (on an alternate stack) records
 * GPRs, RIP, RFLAGS, si_addr and the FXSAVE + YMM state from the kernel's
 * signal frame and the memory areas, and siglongjmps back to the child's
 * loop, which answers with a byte.  A timer turns a runaway case into
 * SIGALRM.  If the child dies anyway the parent restarts it and reports
 * the run as lost.
 */
#include <asm/prctl.h>
#include <cpuid.h>
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "x86-native.h"

typedef struct NativeShm {
    HxLayout layout;
    uint8_t code[HX_CODE_MAX];
    size_t code_len;
    HxState in;
    HxState out;
} NativeShm;

static NativeShm *shm;
static pid_t child = -1;
static int to_child = -1, from_child = -1;

/* child side */
static sigjmp_buf child_jb;
static uint64_t enter_regs[18] __attribute__((aligned(16)));   /* 16 GPRs, target, rflags */
static uint8_t xsave_area[4096] __attribute__((aligned(64)));
static unsigned ymm_off = 576;

void hx_native_enter(const uint64_t *regs, const uint8_t *xsave) __attribute__((noreturn));
__asm__(
    ".text\n"
    ".globl hx_native_enter\n"
    "hx_native_enter:\n"
    "  mov $7, %eax\n"
    "  xor %edx, %edx\n"
    "  xrstor64 (%rsi)\n"
    "  pushq 0x88(%rdi)\n"
    "  popfq\n"
    "  pushq 0x80(%rdi)\n"
    "  popq hx_native_target(%rip)\n"
    "  mov 0x00(%rdi), %rax\n"
    "  mov 0x08(%rdi), %rcx\n"
    "  mov 0x10(%rdi), %rdx\n"
    "  mov 0x18(%rdi), %rbx\n"
    "  mov 0x20(%rdi), %rsp\n"
    "  mov 0x28(%rdi), %rbp\n"
    "  mov 0x30(%rdi), %rsi\n"
    "  mov 0x40(%rdi), %r8\n"
    "  mov 0x48(%rdi), %r9\n"
    "  mov 0x50(%rdi), %r10\n"
    "  mov 0x58(%rdi), %r11\n"
    "  mov 0x60(%rdi), %r12\n"
    "  mov 0x68(%rdi), %r13\n"
    "  mov 0x70(%rdi), %r14\n"
    "  mov 0x78(%rdi), %r15\n"
    "  mov 0x38(%rdi), %rdi\n"
    "  jmp *hx_native_target(%rip)\n"
    ".data\n"
    "hx_native_target: .quad 0\n"
    ".text\n");

static void child_handler(int sig, siginfo_t *si, void *uc_void)
{
    ucontext_t *uc = uc_void;
    HxState *o = &shm->out;
    const HxLayout *l = &shm->layout;
    static const int map[16] = {
        REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
        REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
    };
    for (int i = 0; i < 16; i++) {
        o->regs[i] = (uint64_t)uc->uc_mcontext.gregs[map[i]];
    }
    o->rflags = (uint64_t)uc->uc_mcontext.gregs[REG_EFL];
    o->rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
    o->signo = sig == SIGALRM ? HX_SIG_TIMEOUT : sig;
    o->fault_addr = sig == SIGSEGV ? (uint64_t)si->si_addr : 0;
    const uint8_t *fp = (const uint8_t *)uc->uc_mcontext.fpregs;
    memcpy(o->fx, fp, 512);
    memset(o->ymmh, 0, sizeof(o->ymmh));
    uint32_t magic;
    memcpy(&magic, fp + 464, 4);
    if (magic == 0x46505853u) {     /* FP_XSTATE_MAGIC1: an XSAVE frame */
        uint64_t bv;
        memcpy(&bv, fp + 512, 8);
        if (bv & 4) {
            memcpy(o->ymmh, fp + ymm_off, sizeof(o->ymmh));
        }
        if (!(bv & 2)) {
            memset(o->fx + 160, 0, 256);   /* XMM in their initial state */
        }
    }
    memcpy(o->data, (const void *)l->data, l->data_size);
    if (l->stack_size) {
        memcpy(o->stack, (const void *)l->stack, l->stack_size);
    }
    siglongjmp(child_jb, 1);
}

static void child_run_one(void)
{
    const HxState *in = &shm->in;
    const HxLayout *l = &shm->layout;

    for (int i = 0; i < l->nb_maps; i++) {
        memset((void *)l->maps[i].addr, l->maps[i].fill, l->maps[i].size);
    }
    memcpy((void *)l->code, shm->code, shm->code_len);
    memcpy((void *)l->data, in->data, l->data_size);
    if (l->stack_size) {
        memcpy((void *)l->stack, in->stack, l->stack_size);
    }
    if (in->poke_addr) {
        memcpy((void *)in->poke_addr, &in->poke_val, 8);
    }
    if (l->gs_base) {
        syscall(SYS_arch_prctl, ARCH_SET_GS, l->gs_base);
    }
    memset(xsave_area, 0, sizeof(xsave_area));
    memcpy(xsave_area, in->fx, 512);
    memcpy(xsave_area + 512, &in->xstate_bv, 8);
    memcpy(xsave_area + ymm_off, in->ymmh, sizeof(in->ymmh));
    memcpy(enter_regs, in->regs, 16 * 8);
    enter_regs[16] = l->code;
    enter_regs[17] = in->rflags;
    memset(&shm->out, 0, sizeof(shm->out));

    struct itimerval it = { .it_value = { .tv_sec = 2 } };
    if (sigsetjmp(child_jb, 1) == 0) {
        setitimer(ITIMER_REAL, &it, NULL);
        hx_native_enter(enter_regs, xsave_area);
    }
    struct itimerval off = { 0 };
    setitimer(ITIMER_REAL, &off, NULL);
}

static void child_main(int rd, int wr)
{
    const HxLayout *l = &shm->layout;

    for (int i = 0; i < l->nb_maps; i++) {
        const HxMap *m = &l->maps[i];
        void *p = mmap((void *)m->addr, m->size, m->prot,
                       MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != (void *)m->addr) {
            _exit(2);
        }
    }
    for (int i = 0; i < l->nb_holes; i++) {
        munmap((void *)l->holes[i][0], l->holes[i][1]);
    }

    unsigned a, b, c, dd;
    __cpuid_count(0xd, 2, a, b, c, dd);
    if (b) {
        ymm_off = b;
    }

    static uint8_t altstack[1 << 16];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = child_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&sa.sa_mask);
    static const int sigs[] = { SIGILL, SIGSEGV, SIGBUS, SIGFPE, SIGTRAP, SIGALRM };
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        sigaction(sigs[i], &sa, NULL);
    }
    for (;;) {
        char cmd;
        if (read(rd, &cmd, 1) != 1) {
            _exit(0);
        }
        child_run_one();
        if (write(wr, &cmd, 1) != 1) {
            _exit(0);
        }
    }
}

int hx_native_start(const HxLayout *l)
{
    int p1[2], p2[2];

    if (!shm) {
        shm = mmap(NULL, sizeof(NativeShm), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (shm == MAP_FAILED) {
            shm = NULL;
            return -1;
        }
    }
    shm->layout = *l;
    signal(SIGPIPE, SIG_IGN);   /* a dead child shows as a failed write */
    if (pipe(p1)) {
        return -1;
    }
    if (pipe(p2)) {
        close(p1[0]);
        close(p1[1]);
        return -1;
    }
    fflush(NULL);
    child = fork();
    if (child < 0) {
        return -1;
    }
    if (child == 0) {
        close(p1[1]);
        close(p2[0]);
        child_main(p1[0], p2[1]);
    }
    close(p1[0]);
    close(p2[1]);
    to_child = p1[1];
    from_child = p2[0];
    return 0;
}

void hx_native_stop(void)
{
    if (child > 0) {
        close(to_child);
        close(from_child);
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        child = -1;
    }
}

/* Only the parts of the memory areas the layout uses (the rest is large). */
static void copy_state(HxState *dst, const HxState *src, const HxLayout *l)
{
    memcpy(dst, src, offsetof(HxState, data));
    memcpy(dst->data, src->data, l->data_size);
    memcpy(dst->stack, src->stack, l->stack_size);
}

int hx_native_run(const HxLayout *l, const uint8_t *code, size_t len, const HxState *in,
                  HxState *out)
{
    char cmd = 'r';
    struct pollfd pfd = { .fd = 0, .events = POLLIN };

    if (len > HX_CODE_MAX) {
        return -1;
    }
    if (child < 0 && hx_native_start(l) < 0) {
        return -1;
    }
    memcpy(shm->code, code, len);
    shm->code_len = len;
    copy_state(&shm->in, in, l);
    if (write(to_child, &cmd, 1) != 1) {
        goto restart;
    }
    pfd.fd = from_child;
    int r;
    do {
        r = poll(&pfd, 1, 10000);
    } while (r < 0 && errno == EINTR);
    if (r != 1 || read(from_child, &cmd, 1) != 1) {
        goto restart;
    }
    copy_state(out, &shm->out, l);
    return 0;

restart:
    hx_native_stop();
    hx_native_start(l);
    return -1;
}
