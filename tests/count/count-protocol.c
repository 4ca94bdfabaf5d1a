/* count-protocol SCENARIO: details of the magic-fd protocol.  Every
 * scenario prints what the guest sees (buffer contents, read's return and
 * errno) on stdout; the test compares that, the counter's output lines and
 * the JSON regions between the native oracle and emu + libinsncount.
 *   present       START with len 8 stores 1 (0 natively without a counter)
 *   libc          START/STOP through glibc's read() (wrapper code counted)
 *   stop-no-start STOP before any START: count 0
 *   stop-twice    a second STOP reports the same frozen count
 *   len           STOP/k=2/k=3 with len != 8 leave the buffer alone
 *   bad-buffer    NULL, unmapped and kernel buffers: no write, EBADF
 *   restart       START while counting restarts from zero
 *   no-stop       START, work, exit: the counter prints the open region
 *   close         open/close in and out of a region (on_every_close)
 *   rep-fault     REP MOVSB runs into a PROT_NONE page: the faulting
 *                 iteration does not count; the guest dies by SIGSEGV
 *   spin N        a long region (N loop iterations), for load tests
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "magic.h"

/* What the guest saw is recorded and printed at exit: printf inside a
 * region would run IFUNC-dispatched string code (CPU-model dependent). */
static struct { const char *what; long ret; uint64_t v; } seen[16];
static int n_seen;

static void show(const char *what, long ret, uint64_t v)
{
    if (n_seen < 16)
        seen[n_seen++] = (typeof(seen[0])){ what, ret, v };
}

static void print_seen(void)
{
    for (int i = 0; i < n_seen; i++)
        printf("%-12s ret %ld errno %s value %#llx\n", seen[i].what, seen[i].ret,
               seen[i].ret < 0 ? strerrorname_np((int)-seen[i].ret) : "-",
               (unsigned long long)seen[i].v);
    fflush(stdout);
}

static __attribute__((noinline)) unsigned long work(unsigned long n)
{
    volatile unsigned long s = 0;
    for (unsigned long i = 0; i < n; i++)
        s += i ^ (s >> 3);
    return s;
}

int main(int argc, char **argv)
{
    const char *sc = argc > 1 ? argv[1] : "present";
    uint64_t v;
    long r;

    if (!strcmp(sc, "present")) {
        v = 0;
        r = magic_sys(MAGIC_A, MAGIC_START, &v, 8);
        show("start", r, v);
        uint64_t present = v;
        work(10);
        v = 0;
        r = magic_sys(MAGIC_A, MAGIC_STOP, &v, 8);
        show("stop", r, v);
        printf("%s\n", present == 1 ? "counter present" : "no counter");
    } else if (!strcmp(sc, "libc")) {
        v = 0;
        errno = 0;
        r = read((int)MAGIC_A, &v, 8);
        int e = errno;
        uint64_t v0 = v;
        work(100);
        errno = 0;
        long r1 = read((int)(MAGIC_A + MAGIC_STOP), &v, 8);
        printf("read start %ld errno %s value %llu\n", r, strerrorname_np(e),
               (unsigned long long)v0);
        printf("read stop %ld errno %s value %llu\n", r1, strerrorname_np(errno),
               (unsigned long long)v);
    } else if (!strcmp(sc, "stop-no-start")) {
        work(50);
        v = 0x5555;
        r = magic_sys(MAGIC_A, MAGIC_STOP, &v, 8);
        show("stop", r, v);
        v = 0x5555;
        r = magic_sys(MAGIC_B, MAGIC_READ, &v, 8);
        show("bytes-read", r, v);
    } else if (!strcmp(sc, "stop-twice")) {
        magic_start();
        work(20);
        v = 0;
        r = magic_sys(MAGIC_A, MAGIC_STOP, &v, 8);
        show("stop1", r, v);
        work(30);
        v = 0;
        r = magic_sys(MAGIC_A, MAGIC_STOP, &v, 8);
        show("stop2", r, v);
    } else if (!strcmp(sc, "len")) {
        uint64_t big[2] = { 0x1111, 0x2222 };
        v = 0x3333;
        r = magic_sys(MAGIC_A, MAGIC_START, &v, 4);
        show("start-len4", r, v);
        work(10);
        v = 0x4444;
        r = magic_sys(MAGIC_A, MAGIC_READ, &v, 7);
        show("read-len7", r, v);
        r = magic_sys(MAGIC_A, MAGIC_WRITTEN, &v, 0);
        show("written-len0", r, v);
        r = magic_sys(MAGIC_A, MAGIC_STOP, big, 16);
        show("stop-len16", r, big[0]);
        show("stop-len16+8", r, big[1]);
        v = 0x6666;
        r = magic_sys(MAGIC_A, MAGIC_STOP, &v, 8);
        show("stop-len8", r, v);
    } else if (!strcmp(sc, "bad-buffer")) {
        char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        munmap(page, 4096);
        char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        r = magic_sys(MAGIC_A, MAGIC_START, NULL, 8);
        show("start-null", r, 0);
        work(10);
        r = magic_sys(MAGIC_A, MAGIC_READ, page, 8);
        show("read-unmapped", r, 0);
        r = magic_sys(MAGIC_A, MAGIC_WRITTEN, ro, 8);
        show("written-ro", r, *(uint64_t *)ro);
        r = magic_sys(MAGIC_A, MAGIC_STOP, (void *)0xffff800000001000ull, 8);
        show("stop-kernel", r, 0);
        r = magic_sys(MAGIC_A, MAGIC_STOP, (void *)-4l, 8);
        show("stop-wrap", r, 0);
        v = 0;
        r = magic_sys(MAGIC_A, MAGIC_STOP, &v, 8);
        show("stop-ok", r, v);
    } else if (!strcmp(sc, "restart")) {
        magic_start();
        work(1000);
        magic_start();
        work(10);
        show("stop", 0, magic_stop());
    } else if (!strcmp(sc, "no-stop")) {
        magic_start();
        work(100);
        _exit(3);
    } else if (!strcmp(sc, "close")) {
        close(open("/dev/null", O_RDONLY));
        magic_start();
        close(open("/dev/null", O_RDONLY));
        work(10);
        close(-1);
        show("stop", 0, magic_stop());
        close(open("/dev/null", O_RDONLY));
    } else if (!strcmp(sc, "rep-fault")) {
        char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        mprotect(p + 4096, 4096, PROT_NONE);
        void *d = p + 4096 - 100;
        unsigned long n = 1000;
        magic_start();
        /* 100 iterations retire, the 101st faults */
        __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(0) : "memory");
        printf("not reached\n");
    } else if (!strcmp(sc, "spin")) {
        unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 0) : 100000;
        magic_start();
        work(n);
        show("stop", 0, magic_stop());
    } else {
        fprintf(stderr, "unknown scenario %s\n", sc);
        return 2;
    }
    print_seen();
    return 0;
}
