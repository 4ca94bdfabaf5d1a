/* file-io: stdio and raw syscalls on files in $TMPDIR (a scratch directory
 * the harness creates): fopen/fprintf/fread/fseek/ftell/ungetc, open/pwrite/
 * pread/lseek/ftruncate/fstat sizes, rename, unlink, mkdir, readdir. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[4096];
static const char *p(const char *name)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : ".", name);
    return path;
}

int main(void)
{
    FILE *f = fopen(p("data.txt"), "w+");
    if (!f) { printf("fopen: %s\n", strerror(errno)); return 1; }
    for (int i = 0; i < 1000; i++)
        fprintf(f, "line %4d: %08x %s\n", i, i * 2654435761u, i % 3 ? "foo" : "barbaz");
    long size = ftell(f);
    rewind(f);
    char line[128];
    unsigned long sum = 0;
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        for (char *c = line; *c; c++) sum = sum * 31 + (unsigned char)*c;
        lines++;
    }
    printf("wrote %ld bytes, read back %d lines, hash %016lx\n", size, lines, sum);
    fseek(f, 5, SEEK_SET);
    int c = fgetc(f);
    ungetc('X', f);
    printf("at 5: '%c', after ungetc: '%c', ftell %ld\n", c, fgetc(f), ftell(f));
    fseek(f, -10, SEEK_END);
    size_t n = fread(line, 1, 20, f);
    line[n] = 0;
    printf("tail read %zu: [%.*s] eof=%d\n", n, (int)n - 1, line, feof(f));
    fclose(f);

    int fd = open(p("raw.bin"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    unsigned char buf[8192];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 13);
    ssize_t w = write(fd, buf, sizeof buf);
    ssize_t pw = pwrite(fd, "HOLE", 4, 20000);
    struct stat st;
    fstat(fd, &st);
    printf("write %zd pwrite %zd size %lld regular %d\n", w, pw, (long long)st.st_size,
           S_ISREG(st.st_mode));
    memset(buf, 0, sizeof buf);
    ssize_t pr = pread(fd, buf, 16, 19998);
    printf("pread %zd: %02x %02x %.4s\n", pr, buf[0], buf[1], buf + 2);
    off_t o = lseek(fd, 100, SEEK_SET);
    ssize_t r = read(fd, buf, 4);
    printf("lseek %lld read %zd: %02x %02x %02x %02x\n", (long long)o, r, buf[0], buf[1], buf[2], buf[3]);
    ftruncate(fd, 50);
    fstat(fd, &st);
    printf("after ftruncate size %lld, read at end %zd\n", (long long)st.st_size,
           read(fd, buf, 10));
    close(fd);
    ssize_t rc = read(fd, buf, 1);
    printf("read on closed fd: %zd errno %s\n", rc, strerrorname_np(errno));

    char from[4096];
    strcpy(from, p("raw.bin"));
    int ri = rename(from, p("renamed.bin"));
    printf("rename %d\n", ri);
    ri = stat(from, &st);
    printf("stat old: %d %s\n", ri, strerrorname_np(errno));
    ri = mkdir(p("sub"), 0755);
    int ri2 = mkdir(p("sub"), 0755);
    printf("mkdir %d, again %d %s\n", ri, ri2, strerrorname_np(errno));
    ri = open(p("missing/x"), O_RDONLY);
    printf("open missing: %d %s\n", ri, strerrorname_np(errno));

    DIR *d = opendir(p("."));
    char names[16][256];
    int nn = 0;
    struct dirent *de;
    while ((de = readdir(d)) && nn < 16)
        if (de->d_name[0] != '.')
            snprintf(names[nn++], 256, "%s", de->d_name);
    closedir(d);
    qsort(names, nn, 256, (int (*)(const void *, const void *))strcmp);
    printf("directory:");
    for (int i = 0; i < nn; i++) printf(" %s", names[i]);
    printf("\n");
    ri = unlink(p("data.txt"));
    ri2 = unlink(p("renamed.bin"));
    int ri3 = rmdir(p("sub"));
    printf("unlink %d %d rmdir %d\n", ri, ri2, ri3);
    char cwd[4096];
    printf("getcwd matches TMPDIR: %d\n", getcwd(cwd, sizeof cwd) && !strcmp(cwd, getenv("TMPDIR")));
    return 0;
}
