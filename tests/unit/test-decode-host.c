/*
 * tests/unit/test-decode-host.c — the decoder against the host CPU.
 * Every SSE/MMX/AVX/BMI encoding, register form and [rdi] form
 * (each map, mandatory prefix, VEX.L/W), that the host executes without
 * #UD must be accepted by x86_decode().  Only this direction is asserted:
 * what the host rejects may be a feature it lacks.  x87 (D8-DF) is
 * compared in both directions.  Run in a child
 * process: the instructions only touch registers, but a child keeps any
 * surprise away from the test runner.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "emu/x86/decode.h"
#include "test-decode.h"

static sigjmp_buf host_jb;

static void host_sig(int s)
{
    siglongjmp(host_jb, s);
}

static int host_run(uint8_t *page, const uint8_t *code, int n)
{
    static char scratch[8192] __attribute__((aligned(64)));
    memcpy(page, code, n);
    page[n] = 0xc3;     /* ret */
    int s = sigsetjmp(host_jb, 1);
    if (!s) {
        asm volatile("push %%rbx; push %%rbp; push %%r12; push %%r13; push %%r14; push %%r15\n\t"
                     "mov %0, %%rdi; mov %0, %%rsi; xor %%eax, %%eax; xor %%ecx, %%ecx; xor %%edx, %%edx\n\t"
                     "call *%1\n\t"
                     "pop %%r15; pop %%r14; pop %%r13; pop %%r12; pop %%rbp; pop %%rbx\n\t"
                     "emms"
                     :: "r"(scratch + 4096), "r"(page)
                     : "memory", "rax", "rcx", "rdx", "rdi", "rsi", "r8", "r9", "r10", "r11",
                       "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
                       "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "cc");
    }
    return s;
}

/* Register-only opcodes of each map that cannot branch or trap the host. */
static bool host_safe(int map, int op)
{
    if (map == 1) {
        return (op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2f) ||
               (op >= 0x50 && op <= 0x7f && op != 0x77 && op != 0x78 && op != 0x79) ||
               (op >= 0xc2 && op <= 0xc6) || (op >= 0xd0 && op <= 0xfe);
    }
    if (map == 2) {
        return op < 0xf0 || op == 0xf2 || op == 0xf3 || op >= 0xf5;
    }
    return op < 0xf1;
}

/* AMD-only encodings (SSE4a MOVNTSS/MOVNTSD, F3/F2 0F 2B): an AMD host
 * executes them, Intel parts (and emu's Intel models) raise #UD. */
static bool amd_only(int map, uint8_t prefix, int op, bool vex)
{
    return !vex && map == 1 && op == 0x2b && (prefix == 0xf3 || prefix == 0xf2);
}

int decode_host_sweep(void)
{
    static const uint8_t pfx[4] = { 0, 0x66, 0xf3, 0xf2 };
    uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int bad = 0;
    if (page == MAP_FAILED) {
        return 0;
    }
    signal(SIGILL, host_sig);
    signal(SIGSEGV, host_sig);
    signal(SIGBUS, host_sig);
    signal(SIGFPE, host_sig);
    for (int map = 1; map <= 3; map++) {
        for (int op = 0; op < 256; op++) {
            if (!host_safe(map, op)) {
                continue;
            }
            bool imm = map == 3 || (map == 1 && ((op >= 0x70 && op <= 0x73) ||
                                                 (op >= 0xc2 && op <= 0xc6)));
            bool group = (map == 1 && op >= 0x71 && op <= 0x73) || (map == 2 && op == 0xf3);
            for (int p = 0; p < 4; p++) {
                for (int reg = 0; reg < (group ? 8 : 1); reg++) {
                    for (int form = 0; form < 10; form++) {
                        bool mem = form >= 5;
                        uint8_t c[16];
                        int n = 0;
                        if (form % 5 == 0) {        /* legacy */
                            if (pfx[p]) {
                                c[n++] = pfx[p];
                            }
                            c[n++] = 0x0f;
                            if (map > 1) {
                                c[n++] = map == 2 ? 0x38 : 0x3a;
                            }
                        } else {                    /* VEX3, vvvv = 1 */
                            int L = (form % 5 - 1) & 1, W = (form % 5 - 1) >> 1;
                            c[n++] = 0xc4;
                            c[n++] = 0xe0 | map;
                            c[n++] = W << 7 | 0xe << 3 | L << 2 | p;
                        }
                        c[n++] = op;
                        /* register form, or [rdi] (a valid scratch buffer) */
                        c[n++] = mem ? (reg << 3 | 7) : (0xc0 | reg << 3 | 1);
                        if (imm) {
                            c[n++] = (form % 5 && map == 3 && op >= 0x4a && op <= 0x4c) ? 0x20 : 0x01;
                        }
                        X86Insn insn;
                        int r = x86_decode(c, n, 0, &insn);
                        if (r < 0 && !amd_only(map, pfx[p], op, form % 5 != 0) &&
                            host_run(page, c, n) != SIGILL) {
                            if (bad++ < 20) {
                                fprintf(stderr, "host executes, emu rejects:");
                                for (int i = 0; i < n; i++) {
                                    fprintf(stderr, " %02x", c[i]);
                                }
                                fprintf(stderr, "\n");
                            }
                        }
                    }
                }
            }
        }
    }
    /* x87 is baseline on every x86-64 CPU: both directions must agree,
     * for every register form and the [rdi] form of each /reg. */
    for (int op = 0xd8; op <= 0xdf; op++) {
        for (int modrm = 0; modrm < 256; modrm++) {
            if (modrm < 0xc0 && (modrm & 0xc7) != 0x07) {
                continue;
            }
            uint8_t c[2] = { op, modrm };
            X86Insn insn;
            bool ours = x86_decode(c, 2, 0, &insn) == 2;
            bool host = host_run(page, c, 2) != SIGILL;
            asm volatile("fninit");
            if (ours != host && bad++ < 20) {
                fprintf(stderr, "x87 %02x %02x: host %s, emu %s\n", op, modrm,
                        host ? "executes" : "#UD", ours ? "accepts" : "rejects");
            }
        }
    }
    return bad;
}

