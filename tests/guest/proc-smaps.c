/*
 * proc-smaps.c — /proc/self/smaps and smaps_rollup show the program's own
 * ranges: a fresh 1 MiB anonymous mapping with 64 pages touched is there
 * with Rss and Anonymous of 256 kB, every range has its VmFlags line, and
 * the rollup has one Rss line.  Compared natively and under emu.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(void)
{
    /* Inaccessible pages on both sides keep the range from merging with
     * whatever the system put next to it. */
    char *g = mmap(NULL, (1 << 20) + 2 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *p = g + 4096;
    mprotect(p, 1 << 20, PROT_READ | PROT_WRITE);
    memset(p, 1, 64 * 4096);
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512], want[32];
    int ranges = 0, headers = 0, state = 0;
    snprintf(want, sizeof(want), "%lx-", (unsigned long)p);
    while (f && fgets(line, sizeof(line), f)) {
        unsigned long s, e;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &s, &e, perms) == 3) {
            headers++;
        }
        ranges += strncmp(line, "VmFlags:", 8) == 0;
        if (strncmp(line, want, strlen(want)) == 0) {
            state = 1;
        } else if (state == 1 && strncmp(line, "Size:", 5) == 0) {
            printf("our range %s", line);
        } else if (state == 1 && strncmp(line, "Rss:", 4) == 0) {
            printf("our range %s", line);
        } else if (state == 1 && strncmp(line, "Anonymous:", 10) == 0) {
            printf("our range %s", line);
        } else if (state == 1 && strncmp(line, "VmFlags:", 8) == 0) {
            printf("our range has rd wr: %d\n", strstr(line, " rd") && strstr(line, " wr"));
            state = 2;
        }
    }
    printf("every range has VmFlags: %d (more than 3: %d)\n", ranges == headers, ranges > 3);
    if (f) {
        fclose(f);
    }
    f = fopen("/proc/self/smaps_rollup", "r");
    int rss = 0;
    while (f && fgets(line, sizeof(line), f)) {
        rss += strncmp(line, "Rss:", 4) == 0;
    }
    printf("rollup Rss lines: %d\n", rss);
    return 0;
}
