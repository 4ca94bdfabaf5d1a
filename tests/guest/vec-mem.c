/*
 * tests/guest/vec-mem.c — 16- and 32-byte SSE/AVX memory accesses, which emu
 * runs as one access each (the IR's qemu_ld_env/qemu_st_env, docs/jit.md
 * "Vector and FP"):
 *  - every move form, memory sources of legacy and VEX vector ops (16 and
 *    32 bytes, AVX2 forms among them) and stores, on data whose result is
 *    printed;
 *  - the same accesses straddling a page boundary into a PROT_NONE page,
 *    stores into a read-only one, a store from a read-only page into a
 *    writable one, an address above the user address space and a
 *    non-canonical one: the SIGSEGV's si_code and si_addr, the faulting
 *    pc, the destination register in the signal frame unchanged, memory
 *    unchanged (nothing of the access written);
 *  - code rewritten by 16- and 32-byte stores, then run again.
 * Prints hex; must match the native run.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

/* blk_ops(mem, out): mem holds 8 x 32 bytes of input; out gets the
 * results (16 x 32 bytes). */
void blk_ops(const void *mem, void *out);
__asm__(
    ".text\n"
    ".globl blk_ops\n blk_ops:\n"
    /* a vector register's half just written from a GPR, then loaded or
     * stored whole */
    "mov 8(%rdi), %rax\n movq %rax, %xmm0\n movups 16(%rdi), %xmm0\n movq %xmm0, %rdx\n"
    "mov %rdx, 496(%rsi)\n add $1, %rax\n movq %rax, %xmm1\n movups %xmm1, 504(%rsi)\n"
    /* moves in */
    "movups 3(%rdi), %xmm0\n movaps 16(%rdi), %xmm1\n movdqu 35(%rdi), %xmm2\n"
    "movdqa 48(%rdi), %xmm3\n lddqu 67(%rdi), %xmm4\n movupd 81(%rdi), %xmm5\n"
    "vmovdqu 97(%rdi), %ymm6\n vmovaps 128(%rdi), %ymm7\n vmovups 161(%rdi), %xmm8\n"
    "movntdqa 192(%rdi), %xmm9\n"
    /* legacy memory sources, 16 bytes (aligned where SSE needs it) */
    "addps 16(%rdi), %xmm0\n paddd 32(%rdi), %xmm1\n pshufb 64(%rdi), %xmm2\n"
    "pcmpeqb 80(%rdi), %xmm3\n mulpd 96(%rdi), %xmm5\n pmaddwd 112(%rdi), %xmm4\n"
    "pcmpistri $0x0c, 7(%rdi), %xmm3\n mov %ecx, 480(%rsi)\n"
    "ptest 144(%rdi), %xmm1\n setz 484(%rsi)\n"
    "pand 176(%rdi), %xmm9\n pxor 208(%rdi), %xmm8\n"
    /* VEX memory sources: 16 and 32 bytes, unaligned */
    "vaddps 5(%rdi), %xmm1, %xmm10\n vpaddq 9(%rdi), %ymm6, %ymm11\n"
    "vmulps 33(%rdi), %ymm7, %ymm12\n vpshufb 17(%rdi), %ymm6, %ymm13\n"
    "vpmovzxbw 41(%rdi), %ymm14\n vpermq $0x1b, 55(%rdi), %ymm15\n"
    "vpermd 71(%rdi), %ymm6, %ymm6\n vptest 99(%rdi), %ymm7\n setc 485(%rsi)\n"
    "vpxor 131(%rdi), %ymm7, %ymm7\n vpand 13(%rdi), %xmm8, %xmm8\n"
    /* moves out */
    "movups %xmm0, 0(%rsi)\n movaps %xmm1, 16(%rsi)\n movdqu %xmm2, 33(%rsi)\n"
    "movdqa %xmm3, 64(%rsi)\n movntdq %xmm4, 80(%rsi)\n movupd %xmm5, 97(%rsi)\n"
    "vmovdqu %ymm6, 113(%rsi)\n vmovaps %ymm7, 160(%rsi)\n vmovups %xmm8, 193(%rsi)\n"
    "vmovntdq %ymm9, 224(%rsi)\n vmovdqu %ymm10, 257(%rsi)\n vmovdqu %ymm11, 290(%rsi)\n"
    "vmovdqu %ymm12, 323(%rsi)\n vmovdqu %ymm13, 356(%rsi)\n vmovdqu %ymm14, 389(%rsi)\n"
    "vmovdqu %ymm15, 422(%rsi)\n movntps %xmm0, 464(%rsi)\n"
    "vzeroupper\n ret\n");

/* One faulting access each: rdi = address, rsi = 64 bytes whose first 32
 * preset the register (ymm0, or rcx for PCMPISTRI) the access would
 * write or store.  a_NAME labels the access instruction. */
#define FN(name, insn) \
    ".globl f_" #name "\n f_" #name ":\n vmovdqu (%rsi), %ymm0\n vmovdqu %ymm0, %ymm1\n" \
    " mov 32(%rsi), %rcx\n .globl a_" #name "\n a_" #name ":\n " insn "\n" \
    " vmovdqu %ymm0, (%rsi)\n vzeroupper\n ret\n"
__asm__(
    ".text\n"
    FN(ld16, "movups (%rdi), %xmm0")
    FN(ld16a, "movaps (%rdi), %xmm0")
    FN(ld32, "vmovdqu (%rdi), %ymm0")
    FN(ld16v, "vmovdqu (%rdi), %xmm0")
    FN(op16, "addps (%rdi), %xmm0")
    FN(op16u, "pcmpistri $0x0c, (%rdi), %xmm0")
    FN(vop16, "vpaddd (%rdi), %xmm1, %xmm0")
    FN(vop32, "vaddps (%rdi), %ymm1, %ymm0")
    FN(avx16, "vpmovzxbw (%rdi), %ymm0")
    FN(avx32, "vpermq $0x1b, (%rdi), %ymm0")
    FN(st16, "movups %xmm0, (%rdi)")
    FN(st16a, "movntdq %xmm0, (%rdi)")
    FN(st16v, "vmovdqu %xmm0, (%rdi)")
    FN(st32, "vmovdqu %ymm0, (%rdi)")
    /* FP ops around a misaligned movaps (#GP) or a load into a PROT_NONE
     * page, MXCSR from regs + 40 (the JIT keeps one MXCSR switch for the
     * ops on both sides) */
    FN(mxgp, "ldmxcsr 40(%rsi)\n addps %xmm0, %xmm1\n mulps %xmm1, %xmm1\n"
             " .globl a_mxgp1\n a_mxgp1: movaps (%rdi), %xmm2\n mulps %xmm2, %xmm1")
    FN(mxpf, "ldmxcsr 40(%rsi)\n addps %xmm0, %xmm1\n"
             " .globl a_mxpf1\n a_mxpf1: movups (%rdi), %xmm2\n mulps %xmm2, %xmm1"));

typedef void AccessFn(void *addr, void *regs);
#define DECL(name) extern AccessFn f_##name; extern char a_##name[];
DECL(ld16) DECL(ld16a) DECL(ld32) DECL(ld16v) DECL(op16) DECL(op16u) DECL(vop16)
DECL(vop32) DECL(avx16) DECL(avx32) DECL(st16) DECL(st16a) DECL(st16v) DECL(st32)
DECL(mxgp) DECL(mxpf) extern char a_mxgp1[], a_mxpf1[];

static sigjmp_buf jb;
static volatile uintptr_t base;     /* of the pages of the current case */
static volatile int got_sig, got_code, pc_ok;
static volatile uintptr_t got_addr;
static volatile uint64_t got_rcx;
static volatile uint32_t got_mxcsr;
static uint8_t got_xmm0[16];
static const char *volatile want_pc;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = (uintptr_t)si->si_addr;
    pc_ok = uc->uc_mcontext.gregs[REG_RIP] == (greg_t)(uintptr_t)want_pc;
    got_rcx = (uint64_t)uc->uc_mcontext.gregs[REG_RCX];
    memcpy(got_xmm0, &uc->uc_mcontext.fpregs->_xmm[0], 16);
    got_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    siglongjmp(jb, 1);
}

static uint64_t sum_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 1099511628211ull;
    }
    return h;
}

static void hex(const char *tag, const uint8_t *p, size_t n)
{
    printf("%s", tag);
    for (size_t i = 0; i < n; i++) {
        printf("%s%02x", i % 16 ? "" : " ", p[i]);
    }
    printf("\n");
}

/* Run fn at addr (which must fault) and print what the fault showed;
 * region/len: the writable memory that must not change. */
static uint32_t case_mxcsr = 0x1f80;    /* the mx* cases load it */

static void fault_case(const char *name, AccessFn *fn, const char *pc, uintptr_t addr,
                       uint8_t *region, size_t len)
{
    uint8_t regs[64];
    for (int i = 0; i < 32; i++) {
        regs[i] = (uint8_t)(0xa0 + i);
    }
    memset(regs + 32, 0x5c, 8);
    memcpy(regs + 40, &case_mxcsr, 4);
    uint64_t before = region ? sum_bytes(region, len) : 0;
    got_sig = 0;
    want_pc = pc;
    if (sigsetjmp(jb, 1) == 0) {
        fn((void *)addr, regs);
        printf("%-6s no fault\n", name);
        return;
    }
    long off = got_addr ? (long)(got_addr - base) : 0;
    printf("%-6s sig %d code %d addr %s%+ld pc %s rcx %s xmm0 %s mem %s mxcsr %04x\n", name,
           got_sig, got_code, got_addr ? "base" : "0", off, pc_ok ? "ok" : "WRONG",
           got_rcx == 0x5c5c5c5c5c5c5c5cull ? "kept" : "CHANGED",
           memcmp(got_xmm0, regs, 16) ? "CHANGED" : "kept",
           !region || sum_bytes(region, len) == before ? "kept" : "CHANGED", got_mxcsr);
}

static int fn_ret(void *code)
{
    return ((int (*)(void))code)();
}

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    uint8_t in[256] __attribute__((aligned(32))), out[544] __attribute__((aligned(32)));
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);

    /* results of every form, on data with all byte values */
    for (int i = 0; i < 256; i++) {
        in[i] = (uint8_t)(i * 37 + 11);
    }
    for (int round = 0; round < 3; round++) {
        memset(out, round, sizeof(out));
        blk_ops(in, out);
        hex("ops", out, 520);
        in[round * 50] ^= 0xff;
    }

    /* three pages: RW | hole | RW; the hole PROT_NONE or read-only */
    uint8_t *p = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    base = (uintptr_t)p;
    for (long i = 0; i < 3 * pg; i++) {
        p[i] = (uint8_t)(i * 7);
    }
    uint8_t *hole = p + pg, *end0 = hole - 8;
    mprotect(hole, pg, PROT_NONE);
    struct { const char *n; AccessFn *f; const char *pc; uintptr_t at; } into_none[] = {
        { "ld16", f_ld16, a_ld16, (uintptr_t)end0 },
        { "ld16a", f_ld16a, a_ld16a, (uintptr_t)hole },
        { "ld32", f_ld32, a_ld32, (uintptr_t)hole - 24 },
        { "ld16v", f_ld16v, a_ld16v, (uintptr_t)hole - 1 },
        { "op16", f_op16, a_op16, (uintptr_t)hole },
        { "op16u", f_op16u, a_op16u, (uintptr_t)end0 },
        { "vop16", f_vop16, a_vop16, (uintptr_t)hole - 15 },
        { "vop32", f_vop32, a_vop32, (uintptr_t)hole - 16 },
        { "avx16", f_avx16, a_avx16, (uintptr_t)end0 },
        { "avx32", f_avx32, a_avx32, (uintptr_t)hole - 31 },
        { "st16", f_st16, a_st16, (uintptr_t)end0 },
        { "st16a", f_st16a, a_st16a, (uintptr_t)hole },
        { "st16v", f_st16v, a_st16v, (uintptr_t)hole - 4 },
        { "st32", f_st32, a_st32, (uintptr_t)hole - 8 },
    };
    printf("into PROT_NONE:\n");
    for (size_t i = 0; i < sizeof(into_none) / sizeof(into_none[0]); i++) {
        fault_case(into_none[i].n, into_none[i].f, into_none[i].pc, into_none[i].at, p, pg);
    }
    printf("stores into read-only:\n");
    mprotect(hole, pg, PROT_READ);
    fault_case("st16", f_st16, a_st16, (uintptr_t)end0, p, pg);
    fault_case("st32", f_st32, a_st32, (uintptr_t)hole - 20, p, pg);
    fault_case("st16v", f_st16v, a_st16v, (uintptr_t)hole + 64, p, pg);
    printf("store from read-only into writable:\n");
    mprotect(hole, pg, PROT_READ | PROT_WRITE);
    mprotect(p, pg, PROT_READ);
    fault_case("st16", f_st16, a_st16, (uintptr_t)end0, hole, pg);
    fault_case("st32", f_st32, a_st32, (uintptr_t)hole - 16, hole, pg);
    mprotect(p, pg, PROT_READ | PROT_WRITE);
    printf("pages: %016llx\n", (unsigned long long)sum_bytes(p, 3 * pg));

    /* faults right after FP ops, under MXCSRs with every exception
     * masked (the JIT runs them under the guest's MXCSR) or some not (no
     * exception happens: they run as helpers), rounding and FTZ varied:
     * the frame's MXCSR holds the ops' flags */
    static const uint32_t mxcsrs[] = { 0x1f80, 0x7f80, 0x9fc0, 0x1fbf, 0x1d80, 0x1580, 0x3580 };
    printf("faults after FP ops:\n");
    mprotect(hole, pg, PROT_NONE);
    for (size_t i = 0; i < sizeof(mxcsrs) / sizeof(mxcsrs[0]); i++) {
        case_mxcsr = mxcsrs[i];
        fault_case("mxgp", f_mxgp, a_mxgp1, (uintptr_t)p + 8, NULL, 0);
        fault_case("mxpf", f_mxpf, a_mxpf1, (uintptr_t)end0, NULL, 0);
    }
    case_mxcsr = 0x1f80;
    mprotect(hole, pg, PROT_READ | PROT_WRITE);

    /* above the user address space (mapped nowhere), and non-canonical */
    printf("outside:\n");
    base = 0;
    fault_case("ld16", f_ld16, a_ld16, 0x7ffffffff000ull + 0x100, NULL, 0);
    fault_case("ld32", f_ld32, a_ld32, 0x7ffffffff000ull + 0x7f0, NULL, 0);
    fault_case("ld16", f_ld16, a_ld16, 0x7ffffffffff8ull, NULL, 0);
    fault_case("st32", f_st32, a_st32, 0x7fffffffffe8ull, NULL, 0);
    fault_case("st32", f_st32, a_st32, 0x7ffffffff000ull + 0x7f0, NULL, 0);
    fault_case("vop32", f_vop32, a_vop32, 0x8000000000000000ull, NULL, 0);
    fault_case("st16", f_st16, a_st16, 0xffff800000000000ull, NULL, 0);

    /* code rewritten by vector stores, then run again */
    uint8_t *code = mmap(NULL, pg, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    uint8_t patch[32] __attribute__((aligned(32)));
    for (int v = 1; v <= 4; v++) {
        memset(patch, 0x90, sizeof(patch));
        patch[0] = 0xb8;                /* mov eax, v; ret (at 5) */
        memcpy(patch + 1, &v, 4);
        patch[5] = 0xc3;
        if (v == 1) {
            memcpy(code, patch, 32);
        } else if (v == 2) {
            __asm__ volatile("movdqu (%0), %%xmm0\n movups %%xmm0, (%1)"
                             : : "r"(patch), "r"(code) : "xmm0", "memory");
        } else if (v == 3) {
            __asm__ volatile("vmovdqu (%0), %%ymm0\n vmovdqu %%ymm0, (%1)\n vzeroupper"
                             : : "r"(patch), "r"(code) : "xmm0", "memory");
        } else {
            __asm__ volatile("movdqa (%0), %%xmm0\n movntdq %%xmm0, (%1)\n sfence"
                             : : "r"(patch), "r"(code) : "xmm0", "memory");
        }
        printf("code v%d: %d\n", v, fn_ret(code));
    }
    return 0;
}
