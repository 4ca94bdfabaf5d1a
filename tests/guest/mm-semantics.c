/*
 * mm-semantics — Linux memory-syscall behaviour a guest can observe,
 * printed deterministically (results, errno names and relations between
 * addresses, never addresses), so that the output is the same natively and
 * under emu.
 *
 *   mm-semantics            syscall results and memory contents
 *   mm-semantics signals    also faults (SIGSEGV/SIGBUS with si_code and
 *                           si_addr) caught by a handler
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define PG 4096UL
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

static const char *errname(int e)
{
    switch (e) {
    case 0: return "0";
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case EEXIST: return "EEXIST";
    case EBADF: return "EBADF";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EPERM: return "EPERM";
    case ENODEV: return "ENODEV";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EOVERFLOW: return "EOVERFLOW";
    default: return "other-errno";
    }
}

/* Result of a call returning 0/-1 with errno. */
static void res(const char *what, int r)
{
    printf("%-48s %s\n", what, r == 0 ? "ok" : errname(errno));
}

/* Result of an mmap-like call: "ok" or the errno name. */
static void *resp(const char *what, void *p)
{
    printf("%-48s %s\n", what, p != MAP_FAILED ? "ok" : errname(errno));
    return p;
}

static void say(const char *what, int cond)
{
    printf("%-48s %s\n", what, cond ? "yes" : "no");
}

static void *map(size_t len, int prot)
{
    void *p = mmap(NULL, len, prot, ANON, -1, 0);
    if (p == MAP_FAILED) {
        printf("setup mmap failed\n");
        exit(1);
    }
    return p;
}

static int all_bytes(const char *p, size_t n, int v)
{
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)p[i] != v) {
            return 0;
        }
    }
    return 1;
}

static int maps_lines(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    int n = 0, c;
    if (f == NULL) {
        return -1;
    }
    while ((c = getc(f)) != EOF) {
        n += c == '\n';
    }
    fclose(f);
    return n;
}

/* ---- faults (only with "signals") ---- */

static sigjmp_buf jb;
static volatile int got_sig, got_code;
static volatile uintptr_t got_addr;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
    got_sig = sig;
    got_code = si->si_code;
    got_addr = (uintptr_t)si->si_addr;
    siglongjmp(jb, 1);
}

static void probe(const char *what, volatile char *p, int write)
{
    got_sig = 0;
    if (sigsetjmp(jb, 1) == 0) {
        if (write) {
            *p = 1;
        } else {
            (void)*p;
        }
    }
    const char *sig = got_sig == SIGSEGV ? "SIGSEGV" : got_sig == SIGBUS ? "SIGBUS" : "none";
    const char *code = !got_sig ? "" :
                       got_sig == SIGSEGV ? (got_code == SEGV_MAPERR ? " MAPERR" :
                                             got_code == SEGV_ACCERR ? " ACCERR" : " other") :
                       (got_code == BUS_ADRERR ? " ADRERR" : " other");
    printf("%-48s %s%s%s\n", what, sig, code,
           got_sig ? (got_addr == (uintptr_t)p ? " addr-exact" : " addr-WRONG") : "");
}

int main(int argc, char **argv)
{
    int signals = argc > 1 && strcmp(argv[1], "signals") == 0;
    if (signals) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_sigaction = on_sig;
        sa.sa_flags = SA_SIGINFO | SA_NODEFER;
        sigaction(SIGSEGV, &sa, NULL);
        sigaction(SIGBUS, &sa, NULL);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* Everything below happens inside one PROT_NONE arena, so that the
     * neighbours of each mapping (and thus merges, holes and maps lines)
     * do not depend on where the kernel or emu put the arena. */
    char *A = map(512 * PG, PROT_NONE);
#define AT(n) (A + (n) * PG)

    /* ---- mmap arguments ---- */
    printf("== mmap\n");
    char *a = mmap(AT(0), 4 * PG, RW, ANON | MAP_FIXED, -1, 0);
    say("MAP_FIXED returns the address", a == AT(0));
    say("anonymous memory is zero", all_bytes(a, 4 * PG, 0));
    memset(a, 0x11, 4 * PG);
    resp("len 0", mmap(NULL, 0, RW, ANON, -1, 0));
    resp("no MAP_PRIVATE/MAP_SHARED", mmap(NULL, PG, RW, MAP_ANONYMOUS, -1, 0));
    resp("unaligned offset", mmap(NULL, PG, RW, ANON, -1, 100));
    resp("MAP_FIXED unaligned", mmap(a + 1, PG, RW, ANON | MAP_FIXED, -1, 0));
    resp("file mapping, fd -1", mmap(NULL, PG, RW, MAP_PRIVATE, -1, 0));
    resp("file mapping, closed fd", mmap(NULL, PG, RW, MAP_PRIVATE, 999, 0));
    resp("huge length", mmap(NULL, (size_t)1 << 62, RW, ANON, -1, 0));
    resp("MAP_SHARED_VALIDATE anonymous", mmap(NULL, PG, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0));
    resp("shared anonymous MAP_GROWSDOWN", mmap(NULL, PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0));
    char *hp = resp("MAP_HUGETLB (as the host allows)", mmap(NULL, 2 << 20, RW, ANON | MAP_HUGETLB, -1, 0));
    if (hp != MAP_FAILED) {
        munmap(hp, 2 << 20);
    }
    resp("MAP_FIXED_NOREPLACE over a mapping", mmap(a + PG, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0));
    resp("MAP_FIXED_NOREPLACE over the arena", mmap(AT(8), PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0));
    munmap(AT(100), PG);
    say("free hint is honoured", mmap(AT(100), PG, RW, ANON, -1, 0) == AT(100));
    char *nh = mmap(a, PG, RW, ANON, -1, 0);
    say("occupied hint is moved elsewhere", nh != MAP_FAILED && nh != a);
    munmap(nh, PG);

    /* MAP_FIXED replaces the middle, splitting the mapping. */
    char *f = mmap(a + PG, 2 * PG, PROT_READ, ANON | MAP_FIXED, -1, 0);
    say("MAP_FIXED over the middle returns the address", f == a + PG);
    say("replaced part reads zero", all_bytes(a + PG, 2 * PG, 0));
    say("outside parts keep their data", all_bytes(a, PG, 0x11) && all_bytes(a + 3 * PG, PG, 0x11));
    if (signals) {
        probe("write to the PROT_READ middle", a + PG + 5, 1);
    }

    /* ---- munmap ---- */
    printf("== munmap\n");
    res("middle page", munmap(a + 2 * PG, PG));
    res("again (nothing mapped)", munmap(a + 2 * PG, PG));
    res("unaligned", munmap(a + 1, PG));
    res("len 0", munmap(a, 0));
    res("beyond the address space", munmap((void *)0x7ffffffff000UL, 2 * PG));
    if (signals) {
        probe("read the hole", a + 2 * PG + 7, 0);
    }
    say("neighbours intact", all_bytes(a, PG, 0x11) && all_bytes(a + 3 * PG, PG, 0x11));

    /* ---- mprotect ---- */
    printf("== mprotect\n");
    res("unaligned", mprotect(a + 1, PG, PROT_READ));
    res("bad prot bits", mprotect(a, PG, 0x100));
    res("len 0", mprotect(a, 0, PROT_READ));
    res("over a hole", mprotect(a, 4 * PG, PROT_READ));
    say("applied up to the hole", mprotect(a, PG, RW) == 0);
    res("GROWSDOWN on a normal mapping", mprotect(a, PG, PROT_READ | PROT_GROWSDOWN));
    res("unmapped", mprotect(a + 2 * PG, PG, PROT_READ));
    res("read-only", mprotect(a + 3 * PG, PG, PROT_READ));
    if (signals) {
        probe("write after mprotect(PROT_READ)", a + 3 * PG, 1);
        probe("read after mprotect(PROT_READ)", a + 3 * PG, 0);
    }
    res("read-write again", mprotect(a + 3 * PG, PG, RW));
    a[3 * PG] = 0x22;
    say("written after restoring", a[3 * PG] == 0x22);
    if (signals) {
        mprotect(a, PG, PROT_NONE);
        probe("read PROT_NONE", a, 0);
        mprotect(a, PG, RW);
    }

    /* ---- /proc/self/maps: split and merge ---- */
    printf("== maps\n");
    munmap(AT(200), 8 * PG);
    int base = maps_lines();
    char *m = mmap(AT(201), 6 * PG, RW, ANON | MAP_FIXED, -1, 0);
    say("one mapping adds one line", maps_lines() == base + 1);
    mprotect(m + 2 * PG, 2 * PG, PROT_READ);
    say("mprotect in the middle splits into three", maps_lines() == base + 3);
    mprotect(m + 2 * PG, 2 * PG, RW);
    say("restoring merges back into one", maps_lines() == base + 1);
    munmap(m + PG, PG);
    say("a hole splits into two", maps_lines() == base + 2);
    mmap(m + PG, PG, RW, ANON | MAP_FIXED, -1, 0);
    say("filling the hole merges again", maps_lines() == base + 1);
    munmap(m, 6 * PG);
    say("unmapping all restores the count", maps_lines() == base);

    /* ---- mremap ---- */
    printf("== mremap\n");
    munmap(AT(300), 16 * PG);
    char *r = mmap(AT(300), 4 * PG, RW, ANON | MAP_FIXED, -1, 0);
    memset(r, 0x33, 4 * PG);
    char *r2 = mremap(r, 4 * PG, 8 * PG, 0);
    say("grow in place keeps the address", r2 == r);
    say("grown part is zero, old part kept", all_bytes(r, 4 * PG, 0x33) && all_bytes(r + 4 * PG, 4 * PG, 0));
    say("shrink keeps the address", mremap(r, 8 * PG, 2 * PG, 0) == r);
    char *blk = mmap(r + 2 * PG, PG, PROT_READ, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    say("blocker placed", blk == r + 2 * PG);
    resp("grow blocked, no MAYMOVE", mremap(r, 2 * PG, 4 * PG, 0));
    resp("old range spans two mappings", mremap(r + PG, 2 * PG, 4 * PG, MREMAP_MAYMOVE));
    char *mv = mremap(r, 2 * PG, 4 * PG, MREMAP_MAYMOVE);
    say("MAYMOVE moves", mv != MAP_FAILED && mv != r);
    say("moved data kept", all_bytes(mv, 2 * PG, 0x33) && all_bytes(mv + 2 * PG, 2 * PG, 0));
    res("old range is gone (mprotect)", mprotect(r, PG, PROT_READ));
    resp("old range not mapped", mremap(r, PG, 2 * PG, MREMAP_MAYMOVE));
    munmap(AT(400), 8 * PG);
    char *fx = AT(400);
    say("MREMAP_FIXED goes there", mremap(mv, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, fx) == fx);
    say("fixed data kept", all_bytes(fx, 2 * PG, 0x33));
    say("fixed over the arena goes there", mremap(fx, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, AT(410)) == AT(410));
    fx = AT(410);
    char *du = AT(420);
    munmap(du, 4 * PG);
    char *d2 = mremap(fx, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, du);
    say("DONTUNMAP moves", d2 == du);
    say("DONTUNMAP data at new place", d2 != MAP_FAILED && all_bytes(du, 2 * PG, 0x33));
    say("DONTUNMAP old range still mapped, zero", mprotect(fx, 4 * PG, RW) == 0 && all_bytes(fx, 4 * PG, 0));
    resp("bad flags", mremap(du, PG, PG, 0x80));
    resp("FIXED without MAYMOVE", mremap(du, PG, PG, MREMAP_FIXED, fx));
    resp("DONTUNMAP with resize", mremap(du, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0));
    resp("unaligned old address", mremap(du + 1, PG, PG, 0));
    resp("new length 0", mremap(du, PG, 0, 0));
    resp("overlapping FIXED", mremap(du, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, du + PG));
    resp("unaligned FIXED target", mremap(du, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, AT(430) + 1));

    /* ---- brk ---- */
    printf("== brk\n");
    uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
    say("brk(0) is stable", (uintptr_t)syscall(SYS_brk, 0) == cur);
    uintptr_t want = cur + 100000;
    say("grow", (uintptr_t)syscall(SYS_brk, want) == want);
    memset((void *)cur, 0x44, 100000);
    say("grown heap is usable", all_bytes((char *)cur, 100000, 0x44));
    say("shrink", (uintptr_t)syscall(SYS_brk, cur) == cur);
    say("below the start is refused", (uintptr_t)syscall(SYS_brk, 4096) == cur);
    say("grow again", (uintptr_t)syscall(SYS_brk, want) == want);
    say("regrown heap is zero beyond the old break",
        all_bytes((char *)((cur + PG - 1) & ~(PG - 1)), want - ((cur + PG - 1) & ~(PG - 1)), 0));
    syscall(SYS_brk, cur);
    if (signals) {
        probe("beyond the break", (char *)((cur + 2 * PG) & ~(PG - 1)), 0);
    }

    /* ---- madvise, mincore, msync, mlock ---- */
    printf("== madvise\n");
    char *v = mmap(AT(40), 4 * PG, RW, ANON | MAP_FIXED, -1, 0);
    munmap(AT(44), 4 * PG);
    memset(v, 0x55, 4 * PG);
    res("DONTNEED", madvise(v, 2 * PG, MADV_DONTNEED));
    say("private anonymous reads zero after DONTNEED", all_bytes(v, 2 * PG, 0) && all_bytes(v + 2 * PG, 2 * PG, 0x55));
    res("bad advice", madvise(v, PG, 12345));
    res("unaligned", madvise(v + 1, PG, MADV_NORMAL));
    res("len 0", madvise(v, 0, MADV_NORMAL));
    res("over a hole", madvise(v, 8 * PG, MADV_WILLNEED));
    res("unmapped", madvise(AT(45), PG, MADV_DONTNEED));
    res("over the PROT_NONE arena", madvise(AT(50), PG, MADV_DONTNEED));
    printf("== mincore\n");
    unsigned char vec[4];
    madvise(v, 4 * PG, MADV_DONTNEED);
    v[0] = 1;
    v[3 * PG] = 1;
    res("mincore", mincore(v, 4 * PG, vec));
    printf("%-48s %d%d%d%d\n", "residency", vec[0] & 1, vec[1] & 1, vec[2] & 1, vec[3] & 1);
    res("unaligned", mincore(v + 1, PG, vec));
    res("unmapped", mincore(AT(45), PG, vec));
    res("bad vector", mincore(v, PG, (unsigned char *)8));
    printf("== msync/mlock\n");
    res("msync", msync(v, PG, MS_SYNC));
    res("msync ASYNC|SYNC", msync(v, PG, MS_SYNC | MS_ASYNC));
    res("msync unaligned", msync(v + 1, PG, MS_SYNC));
    res("msync over a hole", msync(v, 8 * PG, MS_SYNC));
    res("mlock over a hole", mlock(v, 8 * PG));

    /* ---- files ---- */
    printf("== files\n");
    char path[] = "/tmp/mm-semantics-XXXXXX";
    int fd = mkstemp(path);
    char buf[PG];
    for (int i = 0; i < 3; i++) {
        memset(buf, 'a' + i, PG);
        if (write(fd, buf, PG) != (ssize_t)PG) {
            printf("write failed\n");
            return 1;
        }
    }
    if (write(fd, "tail", 4) != 4) {
        return 1;
    }
    char *fp = resp("private file mapping", mmap(NULL, 4 * PG, RW, MAP_PRIVATE, fd, PG));
    say("content at offset", fp[0] == 'b' && fp[PG] == 'c' && memcmp(fp + 2 * PG, "tail", 4) == 0);
    say("zero after EOF in the last page", all_bytes(fp + 2 * PG + 4, PG - 4, 0));
    fp[0] = 'X';
    char c;
    say("private write does not reach the file", pread(fd, &c, 1, PG) == 1 && c == 'b');
    if (signals) {
        probe("page past EOF", fp + 3 * PG, 0);
    }
    char *fs = resp("shared file mapping", mmap(NULL, PG, RW, MAP_SHARED, fd, 0));
    fs[1] = 'Z';
    res("msync shared", msync(fs, PG, MS_SYNC));
    say("shared write reaches the file", pread(fd, &c, 1, 1) == 1 && c == 'Z');
    resp("unaligned offset", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 1));
    resp("offset overflow", mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, -PG));
    resp("SHARED_VALIDATE with FIXED_NOREPLACE", mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_FIXED_NOREPLACE, fd, 0));
    resp("SHARED_VALIDATE with MAP_SYNC", mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0));
    int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY);
    resp("shared writable from O_RDONLY", mmap(NULL, PG, RW, MAP_SHARED, ro, 0));
    resp("private from O_WRONLY", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, wo, 0));
    char *sro = resp("shared read-only from O_RDONLY", mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0));
    res("mprotect it writable", mprotect(sro, PG, RW));
    char *pro = resp("private read-only from O_RDONLY", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, ro, 0));
    res("mprotect it writable", mprotect(pro, PG, RW));
    int dfd = open("/tmp", O_RDONLY);
    resp("directory", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, dfd, 0));
    char *fm = mremap(fp, 4 * PG, 5 * PG, MREMAP_MAYMOVE);
    say("mremap of a file mapping keeps data", fm != MAP_FAILED && fm[0] == 'X' && fm[PG] == 'c');
    unlink(path);
    close(fd);
    close(ro);
    close(wo);
    close(dfd);

    /* ---- shared anonymous ---- */
    printf("== shared anonymous\n");
    char *sa = resp("MAP_SHARED|MAP_ANONYMOUS", mmap(NULL, 2 * PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    say("zero", all_bytes(sa, 2 * PG, 0));
    sa[0] = 1;
    char *sb = mremap(sa, 2 * PG, 4 * PG, MREMAP_MAYMOVE);
    say("mremap keeps data", sb != MAP_FAILED && sb[0] == 1);
    printf("done\n");
    return 0;
}
