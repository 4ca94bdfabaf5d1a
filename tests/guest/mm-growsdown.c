/*
 * mm-growsdown.c — MAP_GROWSDOWN mappings grow on a fault below them as
 * Linux's expand_stack grows them: any distance within RLIMIT_STACK, not
 * into the 256-page guard gap above another mapping, and only downward.
 * Faults that must not grow are taken in forked children, whose death by
 * SIGSEGV is reported.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define KiB 1024UL
#define MiB (1024 * KiB)

/* Start of the mapping that contains addr, from /proc/self/maps (0: none). */
static unsigned long range_start(void *addr)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    unsigned long s, e, found = 0;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "%lx-%lx", &s, &e) == 2 && (unsigned long)addr >= s && (unsigned long)addr < e) {
            found = s;
        }
    }
    fclose(f);
    return found;
}

static void touch_in_child(const char *what, volatile char *p)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        *p = 1;
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st)) {
        printf("%s: killed by signal %d\n", what, WTERMSIG(st));
    } else {
        printf("%s: exit %d\n", what, WEXITSTATUS(st));
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct rlimit rl;
    getrlimit(RLIMIT_STACK, &rl);
    unsigned long lim = rl.rlim_cur == RLIM_INFINITY ? 64 * MiB : rl.rlim_cur;
    if (lim > 64 * MiB) {
        lim = 64 * MiB;
    }
    /* Room: a hole of lim + 4 MiB with one page mapped at its top. */
    size_t room = lim + 4 * MiB;
    char *base = mmap(NULL, room, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(base, room);
    char *top = base + room - 4096;
    char *g = mmap(top, 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED, -1, 0);
    printf("mapped: %d\n", g == top);
    printf("start is the page: %d\n", range_start(g) == (unsigned long)g);

    volatile char *p = g - 100;
    *p = 7;
    printf("touch 100 bytes below: grew to %lu KiB\n", ((unsigned long)g + 4096 - range_start(g)) / KiB);
    p = g - 1 * MiB;
    *p = 8;
    printf("touch 1 MiB below: start moved down %lu KiB\n", ((unsigned long)g - range_start(g)) / KiB);
    printf("old bytes kept: %d %d\n", g[-100], *p);
    touch_in_child("touch beyond RLIMIT_STACK", g + 4096 - lim - 8192);

    /* A mapping 1.5 MiB below the current start: the guard gap (1 MiB)
     * above it cannot be grown into, what lies between can. */
    char *cur = (char *)range_start(g);
    char *blocker = mmap(cur - 1536 * KiB - 4096, 4096, PROT_READ,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("blocker mapped: %d\n", blocker != MAP_FAILED);
    touch_in_child("touch inside the guard gap", blocker + 4096 + 512 * KiB);
    p = cur - 256 * KiB;
    *p = 9;
    printf("touch above the guard gap: start moved down %lu KiB more\n",
           ((unsigned long)cur - range_start(g)) / KiB);

    char *plain = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(plain - 4096, 4096);
    touch_in_child("touch below a normal mapping", plain - 16);
    printf("mprotect PROT_GROWSDOWN: %d\n", mprotect(g, 4096, PROT_READ | PROT_WRITE | PROT_GROWSDOWN));
    return 0;
}
