/*
 * tests/guest/proc-self.c — the process's own view of /proc: exe, maps,
 * auxv, cmdline, stat.  Prints only facts that hold natively and under
 * emu alike (names, permissions, consistency with getauxval and with the
 * program's own addresses), never raw addresses.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

extern char _start[];
int data_var = 42;           /* .data: the file's rw page (tail zeroed) */
static char bss_var[64];     /* .bss: same page or anonymous beyond it */

typedef struct Map {
    unsigned long start, end, off, inode;
    unsigned maj, min;
    char perms[8];
    char name[512];
    int name_col;       /* column where the name starts (0: none) */
} Map;

static Map maps[4096];
static int nmaps;

static void read_maps(void)
{
    char line[1024];
    FILE *f = fopen("/proc/self/maps", "r");
    if (f == NULL) {
        printf("cannot open /proc/self/maps\n");
        exit(1);
    }
    while (nmaps < 4096 && fgets(line, sizeof(line), f)) {
        Map *m = &maps[nmaps++];
        int n = 0;
        memset(m, 0, sizeof(*m));
        if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu %n", &m->start, &m->end, m->perms,
                   &m->off, &m->maj, &m->min, &m->inode, &n) < 7) {
            printf("malformed maps line: %s", line);
            exit(1);
        }
        line[strcspn(line, "\n")] = 0;
        if (line[n]) {
            snprintf(m->name, sizeof(m->name), "%s", line + n);
            m->name_col = n;
        }
    }
    fclose(f);
}

static const Map *map_of(const void *p)
{
    unsigned long a = (unsigned long)p;
    for (int i = 0; i < nmaps; i++) {
        if (maps[i].start <= a && a < maps[i].end) {
            return &maps[i];
        }
    }
    return NULL;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void show_map(const char *what, const void *p)
{
    const Map *m = map_of(p);
    if (m == NULL) {
        printf("%s: not mapped\n", what);
        return;
    }
    printf("%s: %.4s %s\n", what, m->perms, m->name[0] == '/' ? base_name(m->name) : m->name);
}

static char *slurp(const char *path, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        *len = 0;
        return b;
    }
    for (;;) {
        ssize_t r = read(fd, b + n, cap - n);
        if (r <= 0) {
            break;
        }
        n += (size_t)r;
        if (n == cap) {
            b = realloc(b, cap *= 2);
        }
    }
    close(fd);
    *len = n;
    return b;
}

int main(int argc, char **argv)
{
    char buf[4096], buf2[4096], link[64];
    struct stat st1, st2;

    /* exe */
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("exe: absolute %d, name %s\n", buf[0] == '/', base_name(buf));
    snprintf(link, sizeof(link), "/proc/%d/exe", (int)getpid());
    n = readlink(link, buf2, sizeof(buf2) - 1);
    buf2[n > 0 ? n : 0] = 0;
    printf("/proc/<pid>/exe same: %d\n", strcmp(buf, buf2) == 0);
    int fd = open("/proc/self/exe", O_RDONLY);
    printf("exe opens the program: %d\n", fd >= 0 && fstat(fd, &st1) == 0 &&
           stat(argv[0], &st2) == 0 && st1.st_ino == st2.st_ino && st1.st_dev == st2.st_dev);
    if (fd >= 0) {
        close(fd);
    }
    printf("stat exe is the program: %d\n", stat("/proc/self/exe", &st1) == 0 &&
           st1.st_ino == st2.st_ino);

    /* maps */
    void *heap = malloc(1000);
    int on_stack = 0;
    read_maps();
    show_map("main", (void *)main);
    show_map("stack variable", &on_stack);
    show_map("malloc(1000)", heap);
    show_map("argv strings", argv[0]);
    show_map(".data", &data_var);
    show_map(".bss", bss_var);
    const Map *mm = map_of((void *)main);
    printf("main's mapping: inode and device of the program %d\n",
           mm && mm->inode == st2.st_ino && mm->maj == major(st2.st_dev) &&
           mm->min == minor(st2.st_dev));
    int sorted = 1, cols = 1, libc = 0;
    for (int i = 0; i < nmaps; i++) {
        if (i && maps[i].start < maps[i - 1].end) {
            sorted = 0;
        }
        if (maps[i].start >= maps[i].end || (maps[i].start & 4095) || (maps[i].end & 4095)) {
            sorted = 0;
        }
        /* Linux pads the fields so that names start in column 73. */
        if (maps[i].name_col && maps[i].name_col != 73) {
            cols = 0;
        }
        if (strstr(maps[i].name, "/libc.so")) {
            libc = 1;
        }
    }
    printf("maps sorted and page aligned: %d, names in column 73: %d\n", sorted, cols);
    printf("libc.so mapped: %d\n", libc);
    unsigned long base = getauxval(AT_BASE);
    if (base) {
        const Map *m = map_of((void *)base);
        printf("AT_BASE: %s, file offset %lu\n",
               m ? base_name(m->name) : "not mapped", m ? m->off : 0);
    } else {
        printf("AT_BASE: 0\n");
    }

    /* auxv */
    size_t len;
    uint64_t *av = (uint64_t *)slurp("/proc/self/auxv", &len);
    int matches = 1, terminated = 0, entries = 0;
    for (size_t i = 0; (i + 2) * 8 <= len; i += 2) {
        if (av[i] == AT_NULL) {
            terminated = (i + 2) * 8 == len;
            break;
        }
        entries++;
        /* glibc's getauxval(AT_HWCAP) on x86_64 is its own HWCAP_X86_64 bits. */
        if (av[i] != AT_HWCAP && getauxval(av[i]) != av[i + 1]) {
            matches = 0;
            printf("auxv %lu: %lx, getauxval %lx\n", (unsigned long)av[i],
                   (unsigned long)av[i + 1], getauxval(av[i]));
        }
    }
    printf("auxv: %d entries > 10, match getauxval %d, ends with AT_NULL %d\n",
           entries > 10, matches, terminated);
    printf("AT_ENTRY==_start %d, AT_PHDR in the program: %s\n",
           getauxval(AT_ENTRY) == (unsigned long)_start,
           map_of((void *)getauxval(AT_PHDR)) ? base_name(map_of((void *)getauxval(AT_PHDR))->name) : "no");
    free(av);

    /* cmdline */
    char *cl = slurp("/proc/self/cmdline", &len);
    size_t want = 0;
    int same = 1;
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(argv[i]) + 1;
        if (want + l > len || memcmp(cl + want, argv[i], l) != 0) {
            same = 0;
        }
        want += l;
    }
    printf("cmdline is argv: %d (%d args)\n", same && want == len, argc);
    free(cl);

    /* stat: comm, start_code/end_code, startstack */
    char *s = slurp("/proc/self/stat", &len);
    s[len < 4095 ? len : 4095] = 0;
    char *lp = strchr(s, '('), *rp = strrchr(s, ')');
    if (lp && rp) {
        printf("stat comm: %.*s\n", (int)(rp - lp - 1), lp + 1);
        unsigned long f[64] = { 0 };
        char *p = rp + 2;
        for (int i = 3; i < 64 && *p; i++) {
            char *e;
            f[i] = strtoul(p, &e, 10);
            if (*e != ' ') {
                p = e + (*e != 0);
            } else {
                p = e + 1;
            }
        }
        printf("stat: main in [start_code, end_code) %d, startstack in [stack] %d\n",
               f[26] <= (unsigned long)main && (unsigned long)main < f[27],
               map_of((void *)f[28]) && strcmp(map_of((void *)f[28])->name, "[stack]") == 0);
    }
    free(s);
    free(heap);
    return 0;
}
