/* count-libc: regions that call glibc's IFUNC-dispatched string functions
 * (memcpy, memmove, memset, strlen, strcmp, strcpy, memcmp, memchr,
 * strchr) and snprintf.  Natively glibc picks variants for the host CPU
 * (AVX2, EVEX, ERMS), under emu for emu's CPU model.  The test
 * runs both with GLIBC_TUNABLES masking every feature above x86-64-v1
 * (count_baseline_tunables in meson.build), which makes the native
 * choice equal emu's: then the counts must be equal too.  Buffers are on
 * the stack and static, at several alignments, so alignment-dependent
 * paths are exercised (the stack layout below the top page must match
 * the kernel's for that). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "magic.h"

static char sa[8192] __attribute__((aligned(64)));
static char sb[8192] __attribute__((aligned(64)));

static void report(const char *what, size_t arg, uint64_t n)
{
    printf("%-8s %5zu %llu\n", what, arg, (unsigned long long)n);
}

int main(int argc, char **argv)
{
    char stack_buf[3000];
    volatile size_t sink = 0;
    static const size_t sizes[] = { 0, 1, 7, 16, 33, 64, 100, 255, 1000, 4000 };
    static const size_t offs[] = { 0, 1, 5, 16, 31 };

    for (size_t i = 0; i < sizeof(sa); i++)
        sa[i] = (char)('a' + i % 23);
    memcpy(sb, sa, sizeof(sb));

    for (size_t o = 0; o < sizeof(offs) / sizeof(offs[0]); o++) {
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            size_t n = sizes[i], off = offs[o];
            magic_start();
            memcpy(sb + off, sa + 3, n);
            report("memcpy", n * 100 + off, magic_stop());
            magic_start();
            memset(sb + off, 'q', n);
            report("memset", n * 100 + off, magic_stop());
            magic_start();
            memmove(sa + off + 9, sa + off, n);
            report("memmove", n * 100 + off, magic_stop());
            magic_start();
            sink += memcmp(sa + off, sa + 32, n) != 0;
            report("memcmp", n * 100 + off, magic_stop());
            sa[off + n] = '\0';
            magic_start();
            sink += strlen(sa + off);
            report("strlen", n * 100 + off, magic_stop());
            magic_start();
            strcpy(sb + 17, sa + off);
            report("strcpy", n * 100 + off, magic_stop());
            magic_start();
            sink += strcmp(sb + 17, sa + off) == 0;
            report("strcmp", n * 100 + off, magic_stop());
            magic_start();
            sink += strchr(sa + off, '#') != NULL;
            report("strchr", n * 100 + off, magic_stop());
            magic_start();
            sink += memchr(sa + off, '#', n) != NULL;
            report("memchr", n * 100 + off, magic_stop());
            sa[off + n] = 'x';
        }
    }
    magic_start();
    memcpy(stack_buf + 3, sa, 2000);
    report("stackcpy", 2000, magic_stop());
    magic_start();
    sink += snprintf(stack_buf, sizeof(stack_buf), "%d %s %08x %.3f|%-10s|", 42, "hello",
                     0xbeef, 2.5, "pad");
    report("snprintf", 0, magic_stop());
    printf("%s sink %d\n", stack_buf, (int)(sink != 0));
    return 0;
}
