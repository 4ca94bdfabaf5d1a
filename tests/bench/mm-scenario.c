/* mm-scenario: the memory scenario of issue 2 (the reason emu exists).
 * ITERATIONS times: map 6 GiB PROT_NONE, mprotect the first 64 MiB
 * read/write, touch one byte per 64 KiB, unmap the 6 GiB.  With "pinned",
 * a small mapping is kept just above each freed range so that the range
 * cannot simply be reused at the same address.  Prints the number of lines
 * in /proc/self/maps before and after (the pins are unmapped first).
 * usage: mm-scenario [ITERATIONS] [plain|pinned] */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define BIG (6UL << 30)
#define RW (64UL << 20)
#define STRIDE (64UL << 10)

static int maps_lines(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    int n = 0, c;
    if (!f)
        return -1;
    while ((c = getc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 10000;
    int pinned = argc > 2 && !strcmp(argv[2], "pinned");
    void **pins = pinned ? calloc(iters, sizeof *pins) : NULL;
    int before = maps_lines();
    unsigned long sum = 0;
    for (long i = 0; i < iters; i++) {
        char *p = mmap(NULL, BIG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) { perror("mmap 6 GiB"); return 1; }
        if (mprotect(p, RW, PROT_READ | PROT_WRITE)) { perror("mprotect"); return 1; }
        for (unsigned long off = 0; off < RW; off += STRIDE) {
            p[off] = (char)(i + off);
            sum += (unsigned char)p[off];
        }
        if (pinned) {
            pins[i] = mmap(p + BIG, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (pins[i] == MAP_FAILED) { perror("mmap pin"); return 1; }
        }
        if (munmap(p, BIG)) { perror("munmap"); return 1; }
    }
    if (pinned)
        for (long i = 0; i < iters; i++)
            munmap(pins[i], 4096);
    free(pins);
    int after = maps_lines();
    printf("%ld iterations (%s): checksum %lu, maps lines before %d after %d: %s\n",
           iters, pinned ? "pinned" : "plain", sum, before, after,
           after == before ? "back to baseline" : "NOT back to baseline");
    return after != before;
}
