/*
 * tests/guest/dyn-prefix.c — a program linked against libemutest.so
 * (DT_NEEDED, no rpath): run by dyn-prefix.py natively with
 * LD_LIBRARY_PATH and under `emu -L PREFIX`, where the library exists only
 * in PREFIX.  Prints what it gets from the library and, for PREFIX in
 * argv[1], whether its ELF interpreter and libemutest were mapped from
 * inside PREFIX, whether /etc/emutest.conf (only in PREFIX) is visible
 * and that /proc is the real one.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

unsigned long emutest_mix(unsigned long a, unsigned long b);
int emutest_apply(int (*f)(int), int n);
extern int emutest_counter;

static int twice(int x)
{
    return 2 * x;
}

/* "yes" if a mapping of a file whose name contains what comes from
 * under prefix, "no" if from elsewhere, "none" if not mapped. */
static const char *mapped_from(const char *prefix, const char *what)
{
    char line[4096];
    const char *r = "none";
    FILE *f = fopen("/proc/self/maps", "r");
    if (f == NULL) {
        return "maps unreadable";
    }
    while (fgets(line, sizeof(line), f)) {
        char *path = strchr(line, '/');
        if (path && strstr(path, what)) {
            r = strncmp(path, prefix, strlen(prefix)) == 0 && path[strlen(prefix)] == '/'
                ? "yes" : "no";
            break;
        }
    }
    fclose(f);
    return r;
}

int main(int argc, char **argv)
{
    char buf[256];
    const char *prefix = argc > 1 ? argv[1] : "/nonexistent";

    printf("mix: %016lx\n", emutest_mix(3, 4));
    printf("counter: %d\n", emutest_counter);
    printf("apply: %d\n", emutest_apply(twice, 5));
    printf("ld.so from prefix: %s\n", mapped_from(prefix, "ld-linux"));
    printf("libemutest from prefix: %s\n", mapped_from(prefix, "libemutest"));

    FILE *f = fopen("/etc/emutest.conf", "r");
    if (f && fgets(buf, sizeof(buf), f)) {
        printf("conf: %s", buf);
    } else {
        printf("conf: absent\n");
    }
    if (f) {
        fclose(f);
    }
    printf("access conf: %d\n", access("/etc/emutest.conf", R_OK));
    f = fopen("/proc/version", "r");
    if (f && fscanf(f, "%255s", buf) == 1) {
        printf("/proc/version starts with: %s\n", buf);
    }
    if (f) {
        fclose(f);
    }
    /* /dev is never redirected (the prefix has a decoy /dev/null file). */
    f = fopen("/dev/null", "r");
    printf("/dev/null reads: %zu bytes\n", f ? fread(buf, 1, sizeof(buf), f) : (size_t)-1);
    if (f) {
        fclose(f);
    }
    /* Relative paths are not redirected (the prefix has a decoy
     * "relative.txt" at its root; the working directory has none). */
    printf("relative.txt: %s\n", access("relative.txt", F_OK) == 0 ? "found" : "absent");
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    const char *base = strrchr(buf, '/');
    printf("exe: %s\n", base ? base + 1 : buf);
    return 0;
}
