/*
 * linux-user/thread.c — guest threads: clone/clone3 with CLONE_THREAD,
 * thread exit (robust list, CLONE_CHILD_CLEARTID) and the thread table.
 * clone/clone3 of processes go to linux-user/fork.c.
 *
 * Each guest thread is a host thread (pthread) running its own cpu_loop on
 * its own CPUX86State: a copy of the creating thread's, with rax = 0, the
 * new stack and TLS.  Its tid is the host tid (so PI futexes, whose words
 * hold tids, work on the host kernel unchanged), and its vCPU index is
 * never reused.  The guest address space is one for all threads (the
 * identity-mapped softmmu), so futexes and shared memory need nothing
 * more.  See docs/linux-user.md, "Threads".
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/syscall.h>

#include "emu/exec.h"
#include "emu/log.h"
#include "linux-user/internal.h"
#include "plugins/plugin.h"
#include "softmmu/softmmu.h"

#define T_CLONE_VM             0x00000100
#define T_CLONE_FS             0x00000200
#define T_CLONE_FILES          0x00000400
#define T_CLONE_SIGHAND        0x00000800
#define T_CLONE_PIDFD          0x00001000
#define T_CLONE_PTRACE         0x00002000
#define T_CLONE_VFORK          0x00004000
#define T_CLONE_PARENT         0x00008000
#define T_CLONE_THREAD         0x00010000
#define T_CLONE_SYSVSEM        0x00040000
#define T_CLONE_SETTLS         0x00080000
#define T_CLONE_PARENT_SETTID  0x00100000
#define T_CLONE_CHILD_CLEARTID 0x00200000
#define T_CLONE_DETACHED       0x00400000
#define T_CLONE_UNTRACED       0x00800000
#define T_CLONE_CHILD_SETTID   0x01000000

/* What a thread may ask for: pthread's set (glibc, musl, Rust std). */
#define THREAD_NEEDED  (T_CLONE_VM | T_CLONE_SIGHAND | T_CLONE_THREAD)
#define THREAD_ALLOWED (THREAD_NEEDED | T_CLONE_FS | T_CLONE_FILES | T_CLONE_SYSVSEM | \
                        T_CLONE_SETTLS | T_CLONE_PARENT_SETTID | T_CLONE_CHILD_CLEARTID | \
                        T_CLONE_CHILD_SETTID | T_CLONE_DETACHED | T_CLONE_UNTRACED)

/* The live threads: tid -> env.  nthreads counts them. */
static GMutex threads_lock;
static GHashTable *threads;
static int nthreads;
static int next_cpu_index = 1;      /* vCPU 0 is the first thread */

static void thread_table_add_locked(CPUX86State *env)
{
    if (threads == NULL) {
        threads = g_hash_table_new(g_direct_hash, g_direct_equal);
    }
    g_hash_table_insert(threads, GINT_TO_POINTER(task_state(env)->tid), env);
    nthreads++;
}

void thread_init_main(CPUX86State *env)
{
    g_mutex_lock(&threads_lock);
    thread_table_add_locked(env);
    g_mutex_unlock(&threads_lock);
}

void thread_fork_prepare(void)
{
    g_mutex_lock(&threads_lock);
}

void thread_fork_parent(void)
{
    g_mutex_unlock(&threads_lock);
}

void thread_after_fork_child(CPUX86State *env)
{
    /* Only the forking thread exists in the child. */
    g_mutex_init(&threads_lock);
    if (threads) {
        g_hash_table_remove_all(threads);
    }
    nthreads = 0;
    thread_table_add_locked(env);
    cpu_exec_fork_child(env);
}

int lu_thread_count(void)
{
    return __atomic_load_n(&nthreads, __ATOMIC_RELAXED);
}

bool thread_signal(int tid, int sig)
{
    bool found = false;
    g_mutex_lock(&threads_lock);
    CPUX86State *env = threads ? g_hash_table_lookup(threads, GINT_TO_POINTER(tid)) : NULL;
    if (env) {
        found = true;
        if (sig) {
            __atomic_fetch_or(&task_state(env)->sigpending, SIGBIT(sig), __ATOMIC_SEQ_CST);
            /* taken at its next TB boundary (or after its syscall) */
            __atomic_store_n(&env->exit_request, 1, __ATOMIC_SEQ_CST);
        }
    }
    g_mutex_unlock(&threads_lock);
    return found;
}

int64_t emu_plugin_vcpu_tid_hook(CPUX86State *env)
{
    return task_state(env)->tid;
}

/* ---- creation ---- */

typedef struct ThreadStart {
    CPUX86State *env;
    uint64_t flags, ptid, ctid;
    sem_t ready;
    int tid;
} ThreadStart;

static void *thread_main(void *arg)
{
    ThreadStart *st = arg;
    CPUX86State *env = st->env;
    TaskState *ts = task_state(env);
    uint32_t tid = (uint32_t)gettid();

    ts->tid = (int)tid;
    /* Both tid words are written before the parent's clone returns and
     * before the child runs guest code, as Linux does. */
    if (st->flags & T_CLONE_PARENT_SETTID) {
        mm_copy_to_guest(st->ptid, &tid, 4);
    }
    if (st->flags & T_CLONE_CHILD_SETTID) {
        mm_copy_to_guest(st->ctid, &tid, 4);
    }
    if (st->flags & T_CLONE_CHILD_CLEARTID) {
        ts->clear_child_tid = st->ctid;
    }
    g_mutex_lock(&threads_lock);
    thread_table_add_locked(env);
    g_mutex_unlock(&threads_lock);
    cpu_exec_init_vcpu(env);        /* jump cache, vclock, plugin vcpu_init */
    st->tid = (int)tid;
    sem_post(&st->ready);           /* st belongs to the parent from here */
    cpu_loop(env);
}

static int64_t do_thread(CPUX86State *env, uint64_t flags, uint64_t newsp, uint64_t ptid,
                         uint64_t ctid, uint64_t tls)
{
    if ((flags & THREAD_NEEDED) != THREAD_NEEDED || (flags & ~(THREAD_ALLOWED | 0xff))) {
        if (emu_log_enabled(LOG_UNIMP)) {
            qemu_log("emu: unsupported clone flags 0x%" G_GINT64_MODIFIER "x\n", flags);
        }
        return -EINVAL;
    }
    if ((flags & T_CLONE_PARENT_SETTID) && !g_ptr_w(ptid, 4)) {
        return -EFAULT;
    }
    CPUX86State *child = NULL;
    if (posix_memalign((void **)&child, 64, sizeof(*child)) != 0) {
        return -ENOMEM;
    }
    memcpy(child, env, sizeof(*child));
    TaskState *ts = g_new0(TaskState, 1);
    ts->sigmask = task_state(env)->sigmask;
    child->opaque = ts;
    child->regs[R_EAX] = 0;
    if (newsp) {
        child->regs[R_ESP] = newsp;
    }
    if (flags & T_CLONE_SETTLS) {
        child->fs_base = tls;
    }
    child->env_ptr = (uint64_t)(uintptr_t)child;
    child->icount = 0;
    child->exit_request = 0;
    child->tb_jmp_cache = NULL;     /* its own: cpu_exec_init_vcpu */
    child->tb_jmp_fast = NULL;
    child->cur_tb = NULL;
    child->cpu_index = __atomic_fetch_add(&next_cpu_index, 1, __ATOMIC_SEQ_CST);

    ThreadStart st = { .env = child, .flags = flags, .ptid = ptid, .ctid = ctid };
    sem_init(&st.ready, 0, 0);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 4u << 20);
    pthread_t th;
    int r = pthread_create(&th, &attr, thread_main, &st);
    pthread_attr_destroy(&attr);
    if (r != 0) {
        sem_destroy(&st.ready);
        g_free(ts);
        free(child);
        return -EAGAIN;
    }
    while (sem_wait(&st.ready) != 0) {
    }
    sem_destroy(&st.ready);
    return st.tid;
}

int64_t thread_clone(CPUX86State *env, uint64_t flags, uint64_t newsp, uint64_t ptid,
                     uint64_t ctid, uint64_t tls)
{
    return do_thread(env, flags, newsp, ptid, ctid, tls);
}

/* struct clone_args (clone3), version 0 .. 2 */
typedef struct TargetCloneArgs {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    uint64_t set_tid, set_tid_size, cgroup;
} TargetCloneArgs;

int64_t sys_clone3(CPUX86State *env, const uint64_t *a)
{
    TargetCloneArgs ca;
    uint64_t size = a[1];

    if (size < 64) {
        return -EINVAL;
    }
    if (size > 4096) {
        return -E2BIG;
    }
    memset(&ca, 0, sizeof(ca));
    if (mm_copy_from_guest(&ca, a[0], size < sizeof(ca) ? size : sizeof(ca)) < 0) {
        return -EFAULT;
    }
    /* Bytes past what we know must be zero (Linux: E2BIG). */
    for (uint64_t off = sizeof(ca); off < size; off++) {
        uint8_t b;
        if (mm_copy_from_guest(&b, a[0] + off, 1) < 0) {
            return -EFAULT;
        }
        if (b) {
            return -E2BIG;
        }
    }
    if ((ca.stack == 0) != (ca.stack_size == 0) || (ca.flags & 0xff) ||
        ca.exit_signal > TARGET_NSIG) {
        return -EINVAL;
    }
    if (ca.set_tid_size) {
        return -EPERM;      /* needs CAP_SYS_ADMIN in the pid namespace */
    }
    if (!(ca.flags & T_CLONE_THREAD)) {
        /* A process (linux-user/fork.c); pidfd has its own field here. */
        return process_clone(env, ca.flags, (int)ca.exit_signal,
                             ca.stack ? ca.stack + ca.stack_size : 0, ca.parent_tid,
                             ca.child_tid, ca.tls, ca.pidfd);
    }
    if (ca.exit_signal) {
        return -EINVAL;
    }
    return do_thread(env, ca.flags, ca.stack ? ca.stack + ca.stack_size : 0,
                     ca.parent_tid, ca.child_tid, ca.tls);
}

/* ---- exit ---- */

#define ROBUST_LIST_LIMIT 2048

/* A futex word owned by the dying thread: mark OWNER_DIED and wake one
 * waiter (Linux handle_futex_death). */
static void futex_owner_died(uint64_t uaddr, uint32_t tid, bool pi)
{
    if (uaddr & 3) {
        return;
    }
    uint32_t *p = g_ptr_w(uaddr, 4);
    if (p == NULL) {
        return;
    }
    uint32_t v = __atomic_load_n(p, __ATOMIC_SEQ_CST);
    for (;;) {
        if ((v & FUTEX_TID_MASK) != tid) {
            return;
        }
        uint32_t nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        if (__atomic_compare_exchange_n(p, &v, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            break;
        }
    }
    if (!pi && (v & FUTEX_WAITERS)) {
        syscall(SYS_futex, p, FUTEX_WAKE, 1, NULL, NULL, 0);
    }
}

static void robust_list_release(TaskState *ts)
{
    struct { uint64_t next; int64_t offset; uint64_t pending; } head;
    if (ts->robust_list == 0 ||
        mm_copy_from_guest(&head, ts->robust_list, sizeof(head)) < 0) {
        return;
    }
    uint64_t entry = head.next;
    for (int n = 0; entry != ts->robust_list && n < ROBUST_LIST_LIMIT; n++) {
        uint64_t next;
        if (mm_copy_from_guest(&next, entry & ~1ull, 8) < 0) {
            break;
        }
        if (entry != head.pending) {
            futex_owner_died((entry & ~1ull) + (uint64_t)head.offset, (uint32_t)ts->tid,
                             entry & 1);
        }
        entry = next;
    }
    if (head.pending) {
        futex_owner_died((head.pending & ~1ull) + (uint64_t)head.offset, (uint32_t)ts->tid,
                         head.pending & 1);
    }
}

void thread_exit(CPUX86State *env, int status)
{
    TaskState *ts = task_state(env);

    if (fork_in_vfork_child()) {
        /* A vfork child is one thread; its state is its parent's. */
        lu_exit(status);
    }

    g_mutex_lock(&threads_lock);
    if (nthreads <= 1) {
        /* The last thread: the process ends with its status. */
        g_mutex_unlock(&threads_lock);
        plugin_process_exit(env);
        lu_exit(status);
    }
    g_hash_table_remove(threads, GINT_TO_POINTER(ts->tid));
    nthreads--;
    g_mutex_unlock(&threads_lock);
    signal_thread_end();        /* host signals go to the other threads */

    robust_list_release(ts);
    /* vcpu_exit before anyone joining this thread can go on. */
    cpu_exec_exit_vcpu(env);
    qemu_log_flush();
    if (ts->clear_child_tid) {
        uint32_t zero = 0;
        if (mm_copy_to_guest(ts->clear_child_tid, &zero, 4) == 0) {
            void *p = g_ptr_w(ts->clear_child_tid, 4);
            if (p) {
                syscall(SYS_futex, p, FUTEX_WAKE, 1, NULL, NULL, 0);
            }
        }
    }
    g_free(ts);
    free(env);
    pthread_exit(NULL);
}
