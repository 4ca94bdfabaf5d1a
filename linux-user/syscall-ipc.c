/*
 * linux-user/syscall-ipc.c — System V IPC (shared memory, semaphores,
 * message queues) and POSIX message queues.
 *
 * All objects are the host kernel's: ids, keys, permissions and limits are
 * exactly what the same program sees natively, and other processes (guest
 * or not) share them.  emu's part is validating every guest buffer through
 * the softmmu and, for shmat/shmdt, attaching segments inside the guest
 * address space (softmmu/shm.c).  Structure layouts are x86_64's on both
 * sides, and x86_64 has no IPC_64 distinction, so buffers pass unchanged.
 */
#include <mqueue.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>

#include "linux-user/internal.h"
#include "softmmu/softmmu.h"

#define RAW(...) host_ret(syscall(__VA_ARGS__))

_Static_assert(sizeof(struct shmid_ds) == 112, "x86_64 struct shmid_ds");
_Static_assert(sizeof(struct semid_ds) == 104, "x86_64 struct semid_ds");
_Static_assert(sizeof(struct msqid_ds) == 120, "x86_64 struct msqid_ds");
_Static_assert(sizeof(struct sembuf) == 6, "struct sembuf");
_Static_assert(sizeof(struct mq_attr) == 64, "x86_64 struct mq_attr");

/* Linux's command numbers beyond glibc's headers' defaults. */
#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY 15
#endif
#ifndef SEM_STAT_ANY
#define SEM_STAT_ANY 20
#endif
#ifndef MSG_STAT_ANY
#define MSG_STAT_ANY 13
#endif

/* How an *ctl command uses its buffer argument. */
typedef enum { BUF_NONE, BUF_IN, BUF_OUT } BufUse;

/* Run an *ctl call whose buffer (len bytes at guest g) is used as `use`. */
static int64_t ctl_with_buf(long nr, int id, int cmd, uint64_t g, size_t len, BufUse use)
{
    void *p = NULL;
    if (use != BUF_NONE) {
        p = use == BUF_IN ? g_ptr_r(g, len) : g_ptr_w(g, len);
        if (!p) {
            return -EFAULT;
        }
    }
    return RAW(nr, id, cmd, p);
}

/* ---- shared memory ---- */

int64_t sys_shmget(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_shmget, (key_t)a[0], (size_t)a[1], (int)a[2]);
}

int64_t sys_shmat(CPUX86State *env, const uint64_t *a)
{
    return mm_shmat((int)a[0], a[1], (int)a[2]);
}

int64_t sys_shmdt(CPUX86State *env, const uint64_t *a)
{
    return mm_shmdt(a[0]);
}

int64_t sys_shmctl(CPUX86State *env, const uint64_t *a)
{
    int cmd = (int)a[1];
    switch (cmd) {
    case IPC_STAT: case SHM_STAT: case SHM_STAT_ANY:
        return ctl_with_buf(SYS_shmctl, (int)a[0], cmd, a[2], sizeof(struct shmid_ds), BUF_OUT);
    case IPC_SET:
        return ctl_with_buf(SYS_shmctl, (int)a[0], cmd, a[2], sizeof(struct shmid_ds), BUF_IN);
    case IPC_INFO:
        return ctl_with_buf(SYS_shmctl, (int)a[0], cmd, a[2], sizeof(struct shminfo), BUF_OUT);
    case SHM_INFO:
        return ctl_with_buf(SYS_shmctl, (int)a[0], cmd, a[2], sizeof(struct shm_info), BUF_OUT);
    default:    /* IPC_RMID, SHM_LOCK, SHM_UNLOCK; unknown: the host says EINVAL */
        return ctl_with_buf(SYS_shmctl, (int)a[0], cmd, 0, 0, BUF_NONE);
    }
}

/* ---- semaphores ---- */

int64_t sys_semget(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_semget, (key_t)a[0], (int)a[1], (int)a[2]);
}

/* semop/semtimedop: the sembuf array is read-only for the kernel. */
static int64_t do_semtimedop(const uint64_t *a, uint64_t gtimeout)
{
    unsigned nsops = (unsigned)a[2];
    if (nsops < 1) {
        return -EINVAL;
    }
    if (nsops > 65536) {
        return -E2BIG;      /* far above SEMOPM; the kernel says the same */
    }
    void *sops = g_ptr_r(a[1], (uint64_t)nsops * sizeof(struct sembuf));
    if (!sops) {
        return -EFAULT;
    }
    struct timespec ts, *pts = NULL;
    if (gtimeout) {
        if (mm_copy_from_guest(&ts, gtimeout, sizeof(ts)) < 0) {
            return -EFAULT;
        }
        pts = &ts;
    }
    return RAW(SYS_semtimedop, (int)a[0], sops, nsops, pts);
}

int64_t sys_semop(CPUX86State *env, const uint64_t *a)
{
    return do_semtimedop(a, 0);
}

int64_t sys_semtimedop(CPUX86State *env, const uint64_t *a)
{
    return do_semtimedop(a, a[3]);
}

/* The number of semaphores in set id (for GETALL/SETALL), or -errno. */
static int64_t sem_count(int id)
{
    struct semid_ds ds;
    int64_t r = RAW(SYS_semctl, id, 0, IPC_STAT, &ds);
    return r < 0 ? r : (int64_t)ds.sem_nsems;
}

int64_t sys_semctl(CPUX86State *env, const uint64_t *a)
{
    int id = (int)a[0], num = (int)a[1], cmd = (int)a[2];
    uint64_t g = a[3];      /* union semun, passed by value */
    void *p;
    switch (cmd) {
    case IPC_STAT: case SEM_STAT: case SEM_STAT_ANY:
        p = g_ptr_w(g, sizeof(struct semid_ds));
        break;
    case IPC_SET:
        p = g_ptr_r(g, sizeof(struct semid_ds));
        break;
    case IPC_INFO: case SEM_INFO:
        p = g_ptr_w(g, sizeof(struct seminfo));
        break;
    case GETALL: case SETALL: {
        int64_t n = sem_count(id);
        if (n < 0) {
            return n;
        }
        uint64_t len = (uint64_t)n * sizeof(unsigned short);
        p = cmd == GETALL ? g_ptr_w(g, len) : g_ptr_r(g, len);
        break;
    }
    case SETVAL:
        return RAW(SYS_semctl, id, num, cmd, (unsigned long)(int)g);
    default:    /* IPC_RMID, GETVAL, GETPID, GETNCNT, GETZCNT; unknown: EINVAL */
        return RAW(SYS_semctl, id, num, cmd, 0UL);
    }
    if (!p) {
        return -EFAULT;
    }
    return RAW(SYS_semctl, id, num, cmd, p);
}

/* ---- message queues ---- */

int64_t sys_msgget(CPUX86State *env, const uint64_t *a)
{
    return RAW(SYS_msgget, (key_t)a[0], (int)a[1]);
}

/* struct msgbuf: a long mtype, then msgsz bytes of text. */
static void *msgbuf_ptr(uint64_t g, uint64_t msgsz, int access)
{
    if ((int64_t)msgsz < 0 || msgsz > (1ULL << 31)) {
        return NULL;
    }
    return access == MM_READ ? g_ptr_r(g, 8 + msgsz) : g_ptr_w(g, 8 + msgsz);
}

int64_t sys_msgsnd(CPUX86State *env, const uint64_t *a)
{
    if ((int64_t)a[2] < 0) {
        return -EINVAL;
    }
    void *p = msgbuf_ptr(a[1], a[2], MM_READ);
    return p ? RAW(SYS_msgsnd, (int)a[0], p, (size_t)a[2], (int)a[3]) : -EFAULT;
}

int64_t sys_msgrcv(CPUX86State *env, const uint64_t *a)
{
    if ((int64_t)a[2] < 0) {
        return -EINVAL;
    }
    void *p = msgbuf_ptr(a[1], a[2], MM_WRITE);
    return p ? RAW(SYS_msgrcv, (int)a[0], p, (size_t)a[2], (long)a[3], (int)a[4]) : -EFAULT;
}

int64_t sys_msgctl(CPUX86State *env, const uint64_t *a)
{
    int cmd = (int)a[1];
    switch (cmd) {
    case IPC_STAT: case MSG_STAT: case MSG_STAT_ANY:
        return ctl_with_buf(SYS_msgctl, (int)a[0], cmd, a[2], sizeof(struct msqid_ds), BUF_OUT);
    case IPC_SET:
        return ctl_with_buf(SYS_msgctl, (int)a[0], cmd, a[2], sizeof(struct msqid_ds), BUF_IN);
    case IPC_INFO: case MSG_INFO:
        return ctl_with_buf(SYS_msgctl, (int)a[0], cmd, a[2], sizeof(struct msginfo), BUF_OUT);
    default:    /* IPC_RMID; unknown: EINVAL */
        return ctl_with_buf(SYS_msgctl, (int)a[0], cmd, 0, 0, BUF_NONE);
    }
}

/* ---- POSIX message queues ---- */

int64_t sys_mq_open(CPUX86State *env, const uint64_t *a)
{
    int err;
    char *name = g_path(a[0], &err);
    if (!name) {
        return err;
    }
    struct mq_attr attr, *pattr = NULL;
    if ((a[1] & O_CREAT) && a[3]) {
        if (mm_copy_from_guest(&attr, a[3], sizeof(attr)) < 0) {
            g_free(name);
            return -EFAULT;
        }
        pattr = &attr;
    }
    int64_t r = RAW(SYS_mq_open, name, (int)a[1], (mode_t)a[2], pattr);
    g_free(name);
    return r;
}

int64_t sys_mq_unlink(CPUX86State *env, const uint64_t *a)
{
    int err;
    char *name = g_path(a[0], &err);
    if (!name) {
        return err;
    }
    int64_t r = RAW(SYS_mq_unlink, name);
    g_free(name);
    return r;
}

static int64_t read_timeout(uint64_t g, struct timespec *ts, struct timespec **pts)
{
    *pts = NULL;
    if (g == 0) {
        return 0;
    }
    if (mm_copy_from_guest(ts, g, sizeof(*ts)) < 0) {
        return -EFAULT;
    }
    *pts = ts;
    return 0;
}

int64_t sys_mq_timedsend(CPUX86State *env, const uint64_t *a)
{
    void *msg = g_ptr_r(a[1], a[2]);
    struct timespec ts, *pts;
    if (!msg || read_timeout(a[4], &ts, &pts) < 0) {
        return -EFAULT;
    }
    return RAW(SYS_mq_timedsend, (int)a[0], msg, (size_t)a[2], (unsigned)a[3], pts);
}

int64_t sys_mq_timedreceive(CPUX86State *env, const uint64_t *a)
{
    void *msg = g_ptr_w(a[1], a[2]);
    unsigned prio;
    struct timespec ts, *pts;
    if (!msg || read_timeout(a[4], &ts, &pts) < 0) {
        return -EFAULT;
    }
    int64_t r = RAW(SYS_mq_timedreceive, (int)a[0], msg, (size_t)a[2], a[3] ? &prio : NULL, pts);
    if (r >= 0 && a[3] && mm_copy_to_guest(a[3], &prio, sizeof(prio)) < 0) {
        return -EFAULT;
    }
    return r;
}

int64_t sys_mq_notify(CPUX86State *env, const uint64_t *a)
{
    /* struct sigevent (64 bytes) has the same layout; SIGEV_THREAD_ID
     * names a host tid, which is the guest's (one host thread each). */
    uint8_t sev[64];
    if (a[1] && mm_copy_from_guest(sev, a[1], sizeof(sev)) < 0) {
        return -EFAULT;
    }
    return RAW(SYS_mq_notify, (int)a[0], a[1] ? sev : NULL);
}

int64_t sys_mq_getsetattr(CPUX86State *env, const uint64_t *a)
{
    struct mq_attr in, out;
    if (a[1] && mm_copy_from_guest(&in, a[1], sizeof(in)) < 0) {
        return -EFAULT;
    }
    if (a[2] && !g_ptr_w(a[2], sizeof(out))) {
        return -EFAULT;
    }
    int64_t r = RAW(SYS_mq_getsetattr, (int)a[0], a[1] ? &in : NULL, a[2] ? &out : NULL);
    if (r >= 0 && a[2] && mm_copy_to_guest(a[2], &out, sizeof(out)) < 0) {
        return -EFAULT;
    }
    return r;
}
