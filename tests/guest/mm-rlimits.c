/*
 * mm-rlimits.c — RLIMIT_AS and RLIMIT_DATA as Linux applies them to mmap,
 * mremap, mprotect, brk and SysV shm, natively and under emu.
 *
 * Limits are set relative to what the process has mapped now (the sum of
 * its /proc/self/maps ranges, which is Linux's total_vm, and of its
 * private writable non-stack ranges, data_vm), so the test does not
 * depend on how big the program or its stack is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/wait.h>

#define MiB (1024UL * 1024)

static void show(const char *what, long ok)
{
    printf("%s: %s\n", what, ok ? "ok" : strerrorname_np(errno));
}

/* total_vm and data_vm in bytes, from /proc/self/maps. */
static void vm_sizes(uint64_t *total, uint64_t *data)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    *total = *data = 0;
    while (fgets(line, sizeof(line), f)) {
        unsigned long s, e;
        char perms[8], name[256] = "";
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255[^\n]", &s, &e, perms, name) < 3) {
            continue;
        }
        *total += e - s;
        if (perms[1] == 'w' && perms[3] == 'p' && strcmp(name, "[stack]") != 0) {
            *data += e - s;
        }
    }
    fclose(f);
}

static void set_limit(int res, uint64_t v)
{
    struct rlimit r = { v, RLIM_INFINITY };
    if (setrlimit(res, &r) != 0) {
        perror("setrlimit");
    }
}

static void *map(size_t len, int prot, int flags)
{
    void *p = mmap(NULL, len, prot, flags, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void address_space(void)
{
    uint64_t total, data;
    /* A place for 8 MiB with a free MiB above it (for MAP_FIXED past the
     * end: natively other mappings may lie right above a fresh mmap). */
    char *room = map(9 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS);
    munmap(room, 9 * MiB);
    vm_sizes(&total, &data);
    set_limit(RLIMIT_AS, total + 10 * MiB);
    char *a = mmap(room, 8 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    a = a == MAP_FAILED ? NULL : a;
    show("AS: map 8 MiB under a 10 MiB margin", a != NULL);
    char *b = map(4 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS);
    show("AS: 4 MiB more", b != NULL);
    show("AS: MAP_FIXED over the 8 MiB", mmap(a, 8 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED);
    show("AS: MAP_FIXED 1 MiB past its end", mmap(a + 7 * MiB, 2 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED);
    show("AS: mremap grow by 4 MiB", mremap(a, 8 * MiB, 12 * MiB, MREMAP_MAYMOVE) != MAP_FAILED);
    show("AS: mremap grow by 1 MiB", (a = mremap(a, 8 * MiB, 9 * MiB, MREMAP_MAYMOVE)) != MAP_FAILED);
    int id = shmget(IPC_PRIVATE, 4 * MiB, IPC_CREAT | 0600);
    void *s = shmat(id, NULL, 0);
    show("AS: shmat 4 MiB", s != (void *)-1);
    shmctl(id, IPC_RMID, NULL);
    munmap(a, 9 * MiB);
    b = map(4 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS);
    show("AS: 4 MiB after unmapping", b != NULL);
    munmap(b, 4 * MiB);
    set_limit(RLIMIT_AS, RLIM_INFINITY);
    struct rlimit r;
    getrlimit(RLIMIT_AS, &r);
    printf("AS: back to infinity: %d\n", r.rlim_cur == RLIM_INFINITY);
}

static void data_limit(void)
{
    uint64_t total, data;
    vm_sizes(&total, &data);
    set_limit(RLIMIT_DATA, data + 4 * MiB);
    char *a = map(3 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    show("DATA: private writable 3 MiB", a != NULL);
    char *b = map(2 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    show("DATA: 2 MiB more", b != NULL);
    char *c = map(2 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
    show("DATA: shared writable 2 MiB (not data)", c != NULL);
    char *d = map(2 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
    show("DATA: private read-only 2 MiB (not data)", d != NULL);
    show("DATA: mprotect it writable", d && mprotect(d, 2 * MiB, PROT_READ | PROT_WRITE) == 0);
    show("DATA: mprotect 512 KiB writable", d && mprotect(d, 512 * 1024, PROT_READ | PROT_WRITE) == 0);
    show("DATA: mremap grow 1 MiB", mremap(a, 3 * MiB, 4 * MiB, MREMAP_MAYMOVE) != MAP_FAILED);
    munmap(a, 3 * MiB);
    munmap(c, 2 * MiB);
    munmap(d, 2 * MiB);
    /* brk: the heap plus the initialized data must stay within the limit. */
    vm_sizes(&total, &data);
    set_limit(RLIMIT_DATA, data + 2 * MiB);
    int steps = 0;
    while (steps < 100 && sbrk(256 * 1024) != (void *)-1) {
        steps++;
    }
    printf("DATA: brk grew %d steps of 256 KiB (some)\n", steps > 0 && steps < 100);
    errno = 0;
    show("DATA: brk shrink", sbrk(-256 * 1024) != (void *)-1);
    set_limit(RLIMIT_DATA, RLIM_INFINITY);
    show("DATA: brk after lifting", sbrk(4 * MiB) != (void *)-1);
}

/* The limits cross execve: set one, exec this program again. */
static void across_exec(char *self)
{
    set_limit(RLIMIT_AS, 3UL << 30);
    fflush(stdout);
    if (fork() == 0) {
        execl(self, self, "exec-child", (char *)NULL);
        _exit(127);
    }
    wait(NULL);
    set_limit(RLIMIT_AS, RLIM_INFINITY);
}

static int exec_child(void)
{
    struct rlimit r;
    getrlimit(RLIMIT_AS, &r);
    printf("exec child: RLIMIT_AS is 3 GiB: %d\n", r.rlim_cur == (3UL << 30));
    show("exec child: map 4 GiB", map(4UL << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS) != NULL);
    show("exec child: map 1 GiB", map(1UL << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS) != NULL);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "exec-child") == 0) {
        return exec_child();
    }
    address_space();
    data_limit();
    across_exec(argv[0]);
    return 0;
}
