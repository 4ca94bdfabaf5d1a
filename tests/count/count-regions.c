/* count-regions: many small START/STOP regions of code whose instruction
 * count does not depend on the CPU model: loops, recursion, REP string
 * instructions (zero, one and many iterations, both directions, early
 * REPE/REPNE exits), hand-written string code, libc functions that do not
 * dispatch on CPUID (strtol, bsearch, rand; not qsort: glibc 2.36's merge
 * sort ends in memcpy, whose IFUNC variant and alignment-dependent path
 * differ per CPU and per stack address), an insertion sort through a
 * compare-function pointer,
 * and syscalls with byte counts.  Each region's count, as the counter wrote
 * it into the STOP buffer, is printed on stdout: natively under the oracle
 * and under emu + libinsncount the output must be identical.
 * Built with -fno-builtin -fno-tree-loop-distribute-patterns so the
 * compiler does not turn the hand-written loops into (IFUNC-dispatched)
 * memcpy/memset/strlen calls. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#include "magic.h"

static unsigned long n_regions;

static void report(const char *what, uint64_t n)
{
    printf("%-14s %llu\n", what, (unsigned long long)n);
    n_regions++;
}

static long fib(long n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static __attribute__((noinline)) size_t my_strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return p - s;
}

static __attribute__((noinline)) void my_memcpy(char *d, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static __attribute__((noinline)) void isort(int *a, int n,
                                            int (*cmp)(const void *, const void *))
{
    for (int i = 1; i < n; i++) {
        int v = a[i], j = i;
        while (j > 0 && cmp(&a[j - 1], &v) > 0) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static char src[4096], dst[4096];

static void rep_movsb(void *d, const void *s, unsigned long n)
{
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}
static void rep_movsq(void *d, const void *s, unsigned long n)
{
    __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}
static void rep_stosb(void *d, int c, unsigned long n)
{
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
}
static void rep_stosq_back(void *d_last, unsigned long n)
{
    __asm__ volatile("std; rep stosq; cld" : "+D"(d_last), "+c"(n) : "a"(0L) : "memory");
}
/* returns the remaining count: where REPE CMPSB stopped */
static unsigned long repe_cmpsb(const void *a, const void *b, unsigned long n)
{
    __asm__ volatile("repe cmpsb" : "+D"(a), "+S"(b), "+c"(n) : : "memory", "cc");
    return n;
}
static unsigned long repne_scasb(const void *a, int c, unsigned long n)
{
    __asm__ volatile("repne scasb" : "+D"(a), "+c"(n) : "a"(c) : "memory", "cc");
    return n;
}

int main(int argc, char **argv)
{
    volatile unsigned long sink = 0;
    uint64_t n;

    magic_start();
    for (unsigned long i = 0; i < 1000; i++)
        sink += i * i;
    report("loop", magic_stop());

    magic_start();
    sink += fib(12);
    report("fib12", magic_stop());

    /* the empty region: just the STOP syscall and its setup */
    magic_start();
    report("empty", magic_stop());

    for (unsigned long k = 0; k < 3000; k += k < 3 ? 1 : 999) {
        char name[32];
        magic_start();
        rep_movsb(dst, src, k);
        n = magic_stop();
        snprintf(name, sizeof(name), "movsb-%lu", k);
        report(name, n);

        magic_start();
        rep_stosb(dst, 'x', k);
        n = magic_stop();
        snprintf(name, sizeof(name), "stosb-%lu", k);
        report(name, n);

        magic_start();
        rep_movsq(dst, src, k / 8);
        n = magic_stop();
        snprintf(name, sizeof(name), "movsq-%lu", k / 8);
        report(name, n);
    }

    magic_start();
    rep_stosq_back(dst + 4096 - 8, 100);
    report("stosq-back", magic_stop());

    for (int i = 0; i < 4096; i++)
        src[i] = dst[i] = (char)(i * 7);
    dst[777] ^= 1;
    magic_start();
    sink += repe_cmpsb(src, dst, 0);
    report("cmpsb-0", magic_stop());
    magic_start();
    sink += repe_cmpsb(src, dst, 4096);          /* stops at 777 */
    report("cmpsb-777", magic_stop());
    magic_start();
    sink += repe_cmpsb(src, src, 500);           /* equal: all 500 */
    report("cmpsb-500", magic_stop());
    magic_start();
    sink += repne_scasb(src, (char)(300 * 7), 4096);
    report("scasb", magic_stop());

    static char text[] = "the quick brown fox jumps over the lazy dog, twice over";
    magic_start();
    sink += my_strlen(text);
    my_memcpy(dst, text, sizeof(text));
    sink += my_strlen(dst);
    report("strings", magic_stop());

    int arr[100];
    unsigned s = 12345;
    for (int i = 0; i < 100; i++) {
        s = s * 1103515245u + 12345u;
        arr[i] = (int)(s >> 8) % 1000;
    }
    magic_start();
    isort(arr, 50, cmp_int);
    report("isort50", magic_stop());
    int key = arr[67];
    magic_start();
    sink += (bsearch(&key, arr, 100, sizeof(int), cmp_int) != NULL);
    report("bsearch", magic_stop());

    magic_start();
    sink += strtol("-123456789", NULL, 10) + strtoul("deadbeef", NULL, 16);
    report("strtol", magic_stop());

    srand(7);
    magic_start();
    for (int i = 0; i < 50; i++)
        sink += rand();
    report("rand", magic_stop());

    /* bytes read / written: only while counting, positive returns only */
    int z = open("/dev/zero", O_RDONLY);
    int nul = open("/dev/null", O_WRONLY);
    char buf[256];
    struct iovec iov[2] = { { buf, 10 }, { buf + 10, 20 } };
    read(z, buf, 5);                             /* not counted: outside */
    magic_start();
    read(z, buf, 100);
    pread(z, buf, 7, 3);
    readv(z, iov, 2);
    preadv(z, iov, 2, 0);
    read(-1, buf, 10);                           /* error: not counted */
    write(nul, buf, 33);
    pwrite(nul, buf, 11, 0);
    writev(nul, iov, 2);
    pwritev(nul, iov, 1, 0);
    write(nul, buf, 0);                          /* zero: not counted */
    uint64_t br = 0, bw = 0;
    magic_sys(MAGIC_A, MAGIC_READ, &br, 8);
    magic_sys(MAGIC_B, MAGIC_WRITTEN, &bw, 8);
    n = magic_stop();
    /* the syscall wrappers are plain code; the count is exact too */
    report("io", n);
    report("io-read", br);
    report("io-written", bw);
    br = bw = 0;
    magic_sys(MAGIC_A, MAGIC_READ, &br, 8);       /* frozen after STOP */
    magic_sys(MAGIC_A, MAGIC_WRITTEN, &bw, 8);
    report("io-read-after", br);
    report("io-written-after", bw);
    close(z);
    close(nul);

    /* base B for START, base A for STOP and the reverse */
    uint64_t v = 0;
    magic_sys(MAGIC_B, MAGIC_START, &v, 8);
    sink += fib(8);
    n = 0;
    magic_sys(MAGIC_A, MAGIC_STOP, &n, 8);
    report("bases-ba", n);
    magic_sys(MAGIC_A, MAGIC_START, &v, 8);
    sink += fib(9);
    n = 0;
    magic_sys(MAGIC_B, MAGIC_STOP, &n, 8);
    report("bases-ab", n);

    printf("regions %lu sink %lu\n", n_regions, (unsigned long)(sink != 0));
    return 0;
}
