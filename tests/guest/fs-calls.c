/*
 * fs-calls.c — file and directory system calls natively and under emu:
 * the *at family, statx, getdents64, fallocate, utimensat, fchmodat,
 * fchownat, symlinks and hard links, mknodat (fifo), flock and fcntl
 * record locks, renameat2 flags, copy_file_range, sendfile, truncate,
 * fsync family, statfs, faccessat2, O_TMPFILE + linkat, memfd seals,
 * close_range, preadv2/pwritev2, and the errors of each.
 * Times, inode numbers and device numbers vary: only relations are printed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <linux/fs.h>

#include "show-result.h"

/* Names in directory fd, sorted (getdents64 order is the file system's). */
static void list_dir(const char *what, int dfd)
{
    char buf[4096], *names[64];
    int n = 0;
    long r;
    lseek(dfd, 0, SEEK_SET);
    while ((r = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
        for (long off = 0; off < r;) {
            struct { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type; char name[]; }
                *d = (void *)(buf + off);
            if (n < 64) {
                names[n++] = strdup(d->name);
            }
            off += d->reclen;
        }
    }
    for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
            if (strcmp(names[j], names[i]) < 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
        }
    }
    printf("%s:", what);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    umask(022);
    show("mkdirat", mkdirat(AT_FDCWD, "d", 0750));
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    int fd = openat(dfd, "f", O_CREAT | O_RDWR | O_EXCL, 0666);
    show("openat", fd < 0 ? -1 : 0);
    show("openat O_EXCL again", openat(dfd, "f", O_CREAT | O_EXCL | O_RDWR, 0666));
    show("write", write(fd, "0123456789", 10));

    struct statx sx;
    show("statx", statx(dfd, "f", 0, STATX_BASIC_STATS, &sx));
    printf("size %llu mode %o nlink %u type-reg %d\n", (unsigned long long)sx.stx_size,
           sx.stx_mode & 07777, sx.stx_nlink, S_ISREG(sx.stx_mode));
    show("statx bad buffer", statx(dfd, "f", 0, STATX_BASIC_STATS, bad_pointer));
    show("statx bad flags", statx(dfd, "f", 0x40000000, STATX_BASIC_STATS, &sx));
    struct stat st;
    show("fstatat AT_EMPTY_PATH", fstatat(fd, "", &st, AT_EMPTY_PATH));
    printf("same inode: %d\n", st.st_ino == sx.stx_ino);

    show("fallocate", fallocate(fd, 0, 0, 65536));
    fstat(fd, &st);
    printf("size after fallocate %lld\n", (long long)st.st_size);
    show("fallocate KEEP_SIZE", fallocate(fd, FALLOC_FL_KEEP_SIZE, 65536, 4096));
    show("fallocate bad mode", fallocate(fd, 0x1000, 0, 10));
    show("ftruncate", ftruncate(fd, 100));
    show("truncate", truncate("d/f", 50));
    fstat(fd, &st);
    printf("size %lld\n", (long long)st.st_size);

    struct timespec ts[2] = { { 1000000000, 5 }, { 1500000000, 123456789 } };
    show("utimensat", utimensat(dfd, "f", ts, 0));
    stat("d/f", &st);
    printf("atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
           (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timespec omit[2] = { { 0, UTIME_OMIT }, { 7, 0 } };
    show("utimensat OMIT", utimensat(dfd, "f", omit, 0));
    stat("d/f", &st);
    printf("atime kept %d mtime %lld\n", st.st_atim.tv_sec == 1000000000, (long long)st.st_mtim.tv_sec);
    show("utimensat bad times", utimensat(dfd, "f", bad_pointer, 0));

    show("fchmodat", fchmodat(dfd, "f", 0640, 0));
    show("fchownat self", fchownat(dfd, "f", getuid(), getgid(), 0));
    stat("d/f", &st);
    printf("mode %o\n", st.st_mode & 07777);
    show("symlinkat", symlinkat("f", dfd, "link"));
    char target[64] = "";
    show("readlinkat", readlinkat(dfd, "link", target, sizeof(target)));
    printf("target %s\n", target);
    show("readlinkat not a link", readlinkat(dfd, "f", target, sizeof(target)));
    show("fstatat NOFOLLOW", fstatat(dfd, "link", &st, AT_SYMLINK_NOFOLLOW));
    printf("is link %d\n", S_ISLNK(st.st_mode));
    show("linkat", linkat(dfd, "f", dfd, "hard", 0));
    stat("d/f", &st);
    printf("nlink %lu\n", (unsigned long)st.st_nlink);
    show("mknodat fifo", mknodat(dfd, "fifo", S_IFIFO | 0600, 0));
    fstatat(dfd, "fifo", &st, 0);
    printf("fifo %d\n", S_ISFIFO(st.st_mode));
    show("faccessat2 W_OK", syscall(SYS_faccessat2, dfd, "f", W_OK, AT_EACCESS));
    show("faccessat missing", faccessat(dfd, "nope", F_OK, 0));

    show("renameat2 NOREPLACE", renameat2(dfd, "hard", dfd, "f", RENAME_NOREPLACE));
    show("renameat2 EXCHANGE", renameat2(dfd, "hard", dfd, "fifo", RENAME_EXCHANGE));
    fstatat(dfd, "hard", &st, 0);
    printf("hard is now the fifo: %d\n", S_ISFIFO(st.st_mode));
    list_dir("entries", dfd);

    int g = open("d/copy", O_CREAT | O_RDWR | O_TRUNC, 0600);
    loff_t in = 2, out = 0;
    show("copy_file_range", copy_file_range(fd, &in, g, &out, 20, 0));
    printf("offsets %lld %lld\n", (long long)in, (long long)out);
    off_t so = 0;
    int h = open("d/sent", O_CREAT | O_RDWR | O_TRUNC, 0600);
    show("sendfile", sendfile(h, fd, &so, 8));
    printf("sendfile offset %lld\n", (long long)so);
    show("sendfile bad offset", sendfile(h, fd, bad_pointer, 8));

    show("flock LOCK_EX", flock(fd, LOCK_EX));
    int fd2 = open("d/f", O_RDWR);
    show("flock other LOCK_EX|NB", flock(fd2, LOCK_EX | LOCK_NB));
    show("flock LOCK_UN", flock(fd, LOCK_UN));
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
    show("F_SETLK", fcntl(fd, F_SETLK, &fl));
    fl.l_type = F_RDLCK;
    show("F_OFD_GETLK", fcntl(fd2, F_OFD_GETLK, &fl));
    printf("conflict type %s\n", fl.l_type == F_WRLCK ? "F_WRLCK" : fl.l_type == F_UNLCK ? "F_UNLCK" : "?");
    show("F_SETLK bad struct", fcntl(fd, F_SETLK, bad_pointer));

    show("fsync", fsync(fd));
    show("fdatasync", fdatasync(fd));
    show("sync_file_range", sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE));
    show("syncfs", syncfs(fd));
    struct statfs sf;
    show("fstatfs", fstatfs(fd, &sf));
    printf("bsize > 0: %d\n", sf.f_bsize > 0);
    show("statfs bad buffer", statfs("d", bad_pointer));

    struct iovec v[2] = { { "ab", 2 }, { "cd", 2 } };
    show("pwritev2", pwritev2(fd, v, 2, 0, RWF_DSYNC));
    char b1[3] = "", b2[3] = "";
    struct iovec r[2] = { { b1, 2 }, { b2, 2 } };
    show("preadv2", preadv2(fd, r, 2, 0, 0));
    printf("read %s %s\n", b1, b2);
    show("preadv2 bad flags", preadv2(fd, r, 2, 0, 0x100));

    int t = open("d", O_TMPFILE | O_RDWR, 0600);
    if (t >= 0) {
        write(t, "tmp", 3);
        char path[64];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", t);
        show("linkat O_TMPFILE", linkat(AT_FDCWD, path, dfd, "from-tmp", AT_SYMLINK_FOLLOW));
        close(t);
    } else {
        printf("O_TMPFILE unsupported here\n");
    }

    int m = memfd_create("sealed", MFD_ALLOW_SEALING | MFD_CLOEXEC);
    write(m, "sealed data", 11);
    show("F_ADD_SEALS", fcntl(m, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK));
    printf("seals %#x\n", fcntl(m, F_GET_SEALS));
    show("write sealed", write(m, "x", 1));
    show("mmap shared writable sealed", mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0) == MAP_FAILED ? -1 : 0);

    int hi = dup2(fd, 90);
    dup2(fd, 91);
    show("close_range", syscall(SYS_close_range, 90, 91, 0));
    show("fcntl closed", fcntl(hi, F_GETFD));
    show("unlinkat dir not empty", unlinkat(AT_FDCWD, "d", AT_REMOVEDIR));
    show("unlinkat bad flags", unlinkat(dfd, "f", 0x1));
    list_dir("entries at the end", dfd);
    return 0;
}
