/*
 * emu/vclock.c — the virtual clock (-icount); see vclock.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "emu/vclock.h"
#include "emu/exec.h"

bool vclock_enabled;

static unsigned vclock_shift;        /* ns per instruction = 1 << shift */
static bool vclock_real_sleep = true;
/* Virtual ns added by guest sleeps (all threads). */
static uint64_t vclock_slept_ns;

/* Live vCPUs, and the instructions of those that have exited. */
static GMutex vclock_lock;
static GPtrArray *vclock_vcpus;
static uint64_t vclock_exited_insns;

/* Fixed origins: the realtime clock starts at 2000-01-01T00:00:00Z, the
 * monotonic clocks at 1 s (0 is a value some programs treat as unset). */
#define VCLOCK_REALTIME_ORIGIN_S  946684800ull
#define VCLOCK_MONOTONIC_ORIGIN_S 1ull

bool vclock_parse(const char *arg, char **err)
{
    gchar **parts = g_strsplit(arg, ",", -1);
    bool ok = true;
    for (gchar **p = parts; ok && *p; p++) {
        const char *v = *p;
        if (g_str_has_prefix(v, "shift=")) {
            v += strlen("shift=");
        } else if (g_str_has_prefix(v, "sleep=")) {
            v += strlen("sleep=");
            if (!strcmp(v, "on")) {
                vclock_real_sleep = true;
            } else if (!strcmp(v, "off")) {
                vclock_real_sleep = false;
            } else {
                *err = g_strdup_printf("-icount: sleep must be on or off, not '%s'", v);
                ok = false;
            }
            continue;
        } else if (p != parts) {
            *err = g_strdup_printf("-icount: unknown property '%s' (shift=N, sleep=on|off)", v);
            ok = false;
            continue;
        }
        if (!strcmp(v, "auto")) {
            *err = g_strdup("-icount: shift=auto is not supported: the clock must not "
                            "depend on the host (give shift=0..10)");
            ok = false;
            continue;
        }
        char *end;
        errno = 0;
        unsigned long n = strtoul(v, &end, 10);
        if (*v == '\0' || *end != '\0' || errno || n > 10) {
            *err = g_strdup_printf("-icount: invalid shift '%s' (0..10: 2^shift ns per "
                                   "instruction)", v);
            ok = false;
            continue;
        }
        vclock_shift = (unsigned)n;
    }
    g_strfreev(parts);
    if (ok) {
        vclock_enabled = true;
    }
    return ok;
}

/* ---- exact instruction counts ---- */

void vclock_tb_translated(TranslationBlock *tb, const uint16_t *insn_off, uint32_t n)
{
    g_free(tb->insn_off);
    tb->insn_off = g_memdup2(insn_off, n * sizeof(uint16_t));
}

static uint32_t insn_index_of(const TranslationBlock *tb, uint64_t pc)
{
    for (uint32_t i = 0; i < tb->icount; i++) {
        if (tb->pc + tb->insn_off[i] == pc) {
            return i;
        }
    }
    return tb->icount;
}

void vclock_tb_exit_early(CPUX86State *env, TranslationBlock *tb)
{
    if (!tb->insn_off) {
        return;
    }
    /* Instruction k raised (env->insn_pc); it retired if rip moved on
     * (syscall, int3), not if it faulted (rip = its pc). */
    uint32_t k = insn_index_of(tb, env->insn_pc);
    uint32_t executed;
    if (k == tb->icount) {
        executed = tb->icount;   /* not expected: insn_pc is always current */
    } else {
        executed = env->rip == env->insn_pc ? k : k + 1;
    }
    env->icount -= tb->icount - executed;
}

uint64_t vclock_insns_before(CPUX86State *env, uint32_t k)
{
    const TranslationBlock *tb = cpu_exec_current_tb();
    /* The TB added its whole length at entry. */
    return tb ? env->icount - (tb->icount - k) : env->icount;
}

/* ---- the clock ---- */

void vclock_vcpu_add(CPUX86State *env)
{
    g_mutex_lock(&vclock_lock);
    if (vclock_vcpus == NULL) {
        vclock_vcpus = g_ptr_array_new();
    }
    g_ptr_array_add(vclock_vcpus, env);
    g_mutex_unlock(&vclock_lock);
}

void vclock_vcpu_remove(CPUX86State *env)
{
    g_mutex_lock(&vclock_lock);
    if (vclock_vcpus && g_ptr_array_remove_fast(vclock_vcpus, env)) {
        vclock_exited_insns += env->icount;
    }
    g_mutex_unlock(&vclock_lock);
}

void vclock_fork_child(CPUX86State *env)
{
    /* The parent's other threads no longer exist here; their past
     * instructions still count (the child inherits the clock). */
    g_mutex_init(&vclock_lock);
    uint64_t n = vclock_exited_insns;
    for (guint i = 0; vclock_vcpus && i < vclock_vcpus->len; i++) {
        CPUX86State *o = vclock_vcpus->pdata[i];
        if (o != env) {
            n += o->icount;
        }
    }
    vclock_exited_insns = n;
    if (vclock_vcpus) {
        g_ptr_array_set_size(vclock_vcpus, 0);
        g_ptr_array_add(vclock_vcpus, env);
    }
}

/* Instructions of every vCPU but env (other threads' counters are read as
 * they are: with threads the clock cannot be more exact than that). */
static uint64_t vclock_other_insns(CPUX86State *env)
{
    g_mutex_lock(&vclock_lock);
    uint64_t n = vclock_exited_insns;
    for (guint i = 0; vclock_vcpus && i < vclock_vcpus->len; i++) {
        CPUX86State *o = vclock_vcpus->pdata[i];
        if (o != env) {
            n += __atomic_load_n(&o->icount, __ATOMIC_RELAXED);
        }
    }
    g_mutex_unlock(&vclock_lock);
    return n;
}

/* env's own (exact) count plus the others'. */
static uint64_t vclock_ns_at(CPUX86State *env, uint64_t insns)
{
    insns += vclock_other_insns(env);
    return (insns << vclock_shift) + __atomic_load_n(&vclock_slept_ns, __ATOMIC_RELAXED);
}

uint64_t vclock_ns(CPUX86State *env)
{
    return vclock_ns_at(env, env->icount);
}

uint64_t vclock_tsc_at(CPUX86State *env, uint32_t k)
{
    /* A 1 GHz TSC: one tick per virtual ns. */
    return vclock_ns_at(env, vclock_insns_before(env, k));
}

static bool clock_origin(clockid_t clk, uint64_t *origin_ns)
{
    switch (clk) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_TAI:
        *origin_ns = VCLOCK_REALTIME_ORIGIN_S * 1000000000ull;
        return true;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        *origin_ns = VCLOCK_MONOTONIC_ORIGIN_S * 1000000000ull;
        return true;
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        *origin_ns = 0;
        return true;
    default:
        return false;   /* per-process/thread CPU clock ids, alarm clocks */
    }
}

bool vclock_gettime(CPUX86State *env, clockid_t clk, struct timespec *ts)
{
    uint64_t origin;
    if (!clock_origin(clk, &origin)) {
        return false;
    }
    uint64_t ns = origin + vclock_ns(env);
    ts->tv_sec = (time_t)(ns / 1000000000ull);
    ts->tv_nsec = (long)(ns % 1000000000ull);
    return true;
}

void vclock_getres(struct timespec *ts)
{
    ts->tv_sec = 0;
    ts->tv_nsec = 1l << vclock_shift;
}

bool vclock_sleep(uint64_t ns)
{
    __atomic_fetch_add(&vclock_slept_ns, ns, __ATOMIC_RELAXED);
    return vclock_real_sleep;
}

uint64_t vclock_until(CPUX86State *env, clockid_t clk, const struct timespec *abs)
{
    struct timespec now;
    if (!vclock_gettime(env, clk, &now)) {
        return 0;
    }
    int64_t d = ((int64_t)abs->tv_sec - (int64_t)now.tv_sec) * 1000000000ll +
                (abs->tv_nsec - now.tv_nsec);
    return d > 0 ? (uint64_t)d : 0;
}
