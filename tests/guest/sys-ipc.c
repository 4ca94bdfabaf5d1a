/*
 * sys-ipc.c — System V IPC, POSIX message queues and timers, xattrs,
 * inotify, capabilities, splice/tee/vmsplice, sendmmsg/recvmmsg, mlock2,
 * unshare: results and errors printed, compared natively vs under emu.
 *
 * Only deterministic facts are printed (ids, keys and times vary).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <linux/capability.h>

#include "show-result.h"

#define BAD (bad_pointer)

/* Is there a /proc/self/maps line at addr with these perms and name? */
static void maps_line(const char *what, void *addr)
{
    char want[32], line[512];
    snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
    FILE *f = fopen("/proc/self/maps", "r");
    int found = 0;
    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, want, strlen(want)) == 0) {
            char perms[8] = "", name[256] = "";
            sscanf(line, "%*s %7s %*s %*s %*s %255[^\n]", perms, name);
            printf("%s: maps %s %s\n", what, perms, strstr(name, "/SYSV") ? "/SYSV..." : name);
            found = 1;
        }
    }
    if (!found) {
        printf("%s: not in maps\n", what);
    }
    if (f) {
        fclose(f);
    }
}

static void test_shm(void)
{
    int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
    show("shmget", id < 0 ? -1 : 0);
    if (id < 0) {
        return;
    }
    char *p = shmat(id, NULL, 0);
    show("shmat", p == (void *)-1 ? -1 : 0);
    strcpy(p, "shared");
    struct shmid_ds ds;
    show("shmctl IPC_STAT", shmctl(id, IPC_STAT, &ds));
    printf("segsz %zu nattch %lu mode %o\n", ds.shm_segsz, (unsigned long)ds.shm_nattch,
           ds.shm_perm.mode & 0777);
    maps_line("shm", p);
    /* A second attach, read-only, at a chosen (unaligned + SHM_RND) address. */
    char *want = mmap(NULL, 4 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(want, 4 * 4096);
    char *q = shmat(id, want + 100, SHM_RDONLY | SHM_RND);
    printf("second attach at the asked page: %d, sees \"%s\"\n", q == want, q == want ? q : "");
    show("shmat unaligned without SHM_RND", (long)shmat(id, want + 100, 0) == -1 ? -1 : 0);
    shmctl(id, IPC_STAT, &ds);
    printf("nattch %lu\n", (unsigned long)ds.shm_nattch);
    maps_line("shm ro", q);
    show("shmdt middle", shmdt(p + 4096));
    show("shmdt", shmdt(q));
    show("shmdt again", shmdt(q));
    show("shmdt", shmdt(p));
    shmctl(id, IPC_STAT, &ds);
    printf("nattch %lu\n", (unsigned long)ds.shm_nattch);
    show("shmctl IPC_STAT bad buf", shmctl(id, IPC_STAT, BAD));
    show("shmctl IPC_RMID", shmctl(id, IPC_RMID, NULL));
    show("shmat removed", (long)shmat(id, NULL, 0) == -1 ? -1 : 0);
}

static void test_sem(void)
{
    int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    show("semget", id < 0 ? -1 : 0);
    unsigned short vals[3] = { 1, 2, 3 }, back[3] = { 0 };
    show("semctl SETALL", semctl(id, 0, SETALL, vals));
    show("semctl GETALL", semctl(id, 0, GETALL, back));
    printf("vals %u %u %u\n", back[0], back[1], back[2]);
    show("semctl SETVAL", semctl(id, 1, SETVAL, 7));
    show("semctl GETVAL", semctl(id, 1, GETVAL));
    struct sembuf ops[2] = { { 0, -1, 0 }, { 2, 2, 0 } };
    show("semop", semop(id, ops, 2));
    struct sembuf block = { 0, -1, IPC_NOWAIT };
    show("semop would block", semop(id, &block, 1));
    struct timespec ts = { 0, 1000000 };
    block.sem_flg = 0;
    show("semtimedop timeout", semtimedop(id, &block, 1, &ts));
    show("semop bad sops", semop(id, BAD, 1));
    struct semid_ds ds;
    show("semctl IPC_STAT", semctl(id, 0, IPC_STAT, &ds));
    printf("nsems %lu\n", (unsigned long)ds.sem_nsems);
    show("semctl GETALL bad buf", semctl(id, 0, GETALL, BAD));
    show("semctl IPC_RMID", semctl(id, 0, IPC_RMID));
}

static void test_msg(void)
{
    int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    show("msgget", id < 0 ? -1 : 0);
    struct { long type; char text[16]; } m = { 5, "five" }, r;
    show("msgsnd", msgsnd(id, &m, 5, 0));
    m.type = 3;
    strcpy(m.text, "three");
    show("msgsnd", msgsnd(id, &m, 6, 0));
    show("msgrcv type 3", msgrcv(id, &r, sizeof(r.text), 3, 0));
    printf("got %ld %s\n", r.type, r.text);
    show("msgrcv any", msgrcv(id, &r, sizeof(r.text), 0, 0));
    printf("got %ld %s\n", r.type, r.text);
    show("msgrcv empty", msgrcv(id, &r, sizeof(r.text), 0, IPC_NOWAIT));
    show("msgsnd bad buf", msgsnd(id, BAD, 4, 0));
    struct msqid_ds ds;
    show("msgctl IPC_STAT", msgctl(id, IPC_STAT, &ds));
    printf("qnum %lu\n", (unsigned long)ds.msg_qnum);
    show("msgctl IPC_RMID", msgctl(id, IPC_RMID, NULL));
}

static void test_mq(void)
{
    char name[64];
    snprintf(name, sizeof(name), "/emu-sys-ipc-%d", getpid());
    struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 32 };
    mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    show("mq_open", q < 0 ? -1 : 0);
    if (q < 0) {
        return;
    }
    show("mq_send", mq_send(q, "low", 4, 1));
    show("mq_send", mq_send(q, "high", 5, 9));
    char buf[32];
    unsigned prio = 0;
    show("mq_receive", mq_receive(q, buf, sizeof(buf), &prio));
    printf("got %s prio %u\n", buf, prio);
    show("mq_receive small buf", mq_receive(q, buf, 8, &prio));
    struct mq_attr now;
    show("mq_getattr", mq_getattr(q, &now));
    printf("maxmsg %ld msgsize %ld curmsgs %ld\n", now.mq_maxmsg, now.mq_msgsize, now.mq_curmsgs);
    show("mq_send bad buf", mq_send(q, BAD, 4, 0));
    mq_close(q);
    show("mq_unlink", mq_unlink(name));
    show("mq_unlink again", mq_unlink(name));
}

static void test_timers(void)
{
    struct sigevent sev = { .sigev_notify = SIGEV_NONE };
    timer_t t;
    show("timer_create", syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &t));
    struct itimerspec its = { .it_value = { 100, 0 } }, cur;
    show("timer_settime", syscall(SYS_timer_settime, t, 0, &its, NULL));
    show("timer_gettime", syscall(SYS_timer_gettime, t, &cur));
    printf("remaining in (90,100]: %d\n", cur.it_value.tv_sec >= 90 && cur.it_value.tv_sec <= 100);
    show("timer_getoverrun", syscall(SYS_timer_getoverrun, t));
    show("timer_gettime bad buf", syscall(SYS_timer_gettime, t, BAD));
    show("timer_delete", syscall(SYS_timer_delete, t));
    show("timer_delete again", syscall(SYS_timer_delete, t));
    show("timer_create bad clock", syscall(SYS_timer_create, 1234, &sev, &t));
}

static void test_files(void)
{
    int fd = open("xattr-file", O_CREAT | O_RDWR, 0600);
    show("setxattr", setxattr("xattr-file", "user.emu", "v1", 2, 0));
    char v[16] = "";
    long n = getxattr("xattr-file", "user.emu", v, sizeof(v));
    show("getxattr", n);
    show("fgetxattr size probe", fgetxattr(fd, "user.emu", NULL, 0));
    show("listxattr bad buf", listxattr("xattr-file", BAD, 64));
    show("getxattr missing", getxattr("xattr-file", "user.none", v, sizeof(v)));
    show("removexattr", removexattr("xattr-file", "user.emu"));
    show("setxattr bad name", setxattr("xattr-file", BAD, "v", 1, 0));
    close(fd);

    int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    show("inotify_init1", in < 0 ? -1 : 0);
    int wd = inotify_add_watch(in, ".", IN_CREATE);
    show("inotify_add_watch", wd < 0 ? -1 : wd);
    close(open("new-file", O_CREAT | O_WRONLY, 0600));
    char ev[256] __attribute__((aligned(8)));
    n = read(in, ev, sizeof(ev));
    struct inotify_event *e = (struct inotify_event *)ev;
    printf("event: %d %s %s\n", n > 0, n > 0 && (e->mask & IN_CREATE) ? "IN_CREATE" : "-",
           n > 0 ? e->name : "");
    show("read again", read(in, ev, sizeof(ev)));
    show("inotify_rm_watch", inotify_rm_watch(in, wd));
    show("inotify_add_watch bad path", inotify_add_watch(in, BAD, IN_CREATE));
    close(in);
}

static void test_pipes(void)
{
    int a[2], b[2];
    pipe(a);
    pipe(b);
    write(a[1], "splice-me", 9);
    show("tee", tee(a[0], b[1], 9, 0));
    int f = open("splice-out", O_CREAT | O_RDWR | O_TRUNC, 0600);
    loff_t off = 3;
    show("splice", splice(a[0], NULL, f, &off, 9, 0));
    printf("off %lld\n", (long long)off);
    show("splice bad off", splice(b[0], NULL, f, BAD, 9, 0));
    char buf[32] = "";
    pread(f, buf, sizeof(buf), 0);
    printf("file \"%s%s\"\n", buf[0] ? "" : "\\0\\0\\0", buf[0] ? buf : buf + 3);
    struct iovec v[2] = { { "vm", 2 }, { "splice", 6 } };
    show("vmsplice", vmsplice(a[1], v, 2, 0));
    char got[16] = "";
    struct iovec r = { got, sizeof(got) - 1 };
    show("vmsplice read end", vmsplice(a[0], &r, 1, 0));
    printf("got %s\n", got);
    struct iovec badv = { BAD, 4 };
    show("vmsplice bad iov", vmsplice(a[1], &badv, 1, 0));
    close(f);
}

static void test_mmsg(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    struct iovec iv[3] = { { "one", 3 }, { "two!", 4 }, { "three", 5 } };
    struct mmsghdr out[3];
    memset(out, 0, sizeof(out));
    for (int i = 0; i < 3; i++) {
        out[i].msg_hdr.msg_iov = &iv[i];
        out[i].msg_hdr.msg_iovlen = 1;
    }
    show("sendmmsg", sendmmsg(sv[0], out, 3, 0));
    printf("lens %u %u %u\n", out[0].msg_len, out[1].msg_len, out[2].msg_len);
    char bufs[4][8];
    struct iovec rv[4];
    struct mmsghdr in[4];
    memset(in, 0, sizeof(in));
    for (int i = 0; i < 4; i++) {
        rv[i] = (struct iovec){ bufs[i], 8 };
        in[i].msg_hdr.msg_iov = &rv[i];
        in[i].msg_hdr.msg_iovlen = 1;
    }
    show("recvmmsg", recvmmsg(sv[1], in, 4, MSG_WAITFORONE, NULL));
    printf("got %.*s %.*s %.*s\n", (int)in[0].msg_len, bufs[0], (int)in[1].msg_len, bufs[1],
           (int)in[2].msg_len, bufs[2]);
    show("recvmmsg empty", recvmmsg(sv[1], in, 4, MSG_DONTWAIT, NULL));
    show("sendmmsg bad vec", sendmmsg(sv[0], BAD, 2, 0));
}

static void test_task(void)
{
    struct __user_cap_header_struct h = { 0x12345678, 0 };
    struct __user_cap_data_struct d[2];
    show("capget bad version", syscall(SYS_capget, &h, d));
    printf("preferred version %#x\n", h.version);
    h.version = _LINUX_CAPABILITY_VERSION_3;
    show("capget", syscall(SYS_capget, &h, d));
    show("capget bad data", syscall(SYS_capget, &h, BAD));
    show("unshare(0)", unshare(0));
    struct timespec ts;
    show("sched_rr_get_interval", sched_rr_get_interval(0, &ts));
    struct sched_param sp = { 0 };
    show("sched_setparam", sched_setparam(0, &sp));
    show("ioprio_get", syscall(SYS_ioprio_get, 1, 0) < 0 ? -1 : 0);
    char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    show("mlock2", syscall(SYS_mlock2, m, 4096, 0));
    show("mlock2 bad flags", syscall(SYS_mlock2, m, 4096, 8));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    test_shm();
    test_sem();
    test_msg();
    test_mq();
    test_timers();
    test_files();
    test_pipes();
    test_mmsg();
    test_task();
    return 0;
}
