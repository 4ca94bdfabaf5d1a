/*
 * plugins/core.c — the plugin registry and its global events: vCPU life
 * cycle, syscalls, flush, exit; plus the small API calls that do not
 * touch translation (outs, bool_parse, uninstall/reset, vCPU queries).
 *
 * Callbacks run on the thread of the vCPU they concern, without a lock
 * held (plugins take their own).  The registry only changes while
 * plugins install (start-up) or through uninstall/reset.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>

#include "emu/exec.h"
#include "emu/log.h"
#include "plugins/internal.h"
#include "plugins/include/emu-plugin.h"

bool plugin_enabled;
bool plugin_syscall_enabled;
GPtrArray *plugin_ctxs;
GPtrArray *plugin_vcpus;
GMutex plugin_lock;
__thread CPUX86State *plugin_cur_env;
__thread bool plugin_in_exec_cb;
PluginProcInfo plugin_proc;

static bool process_exited;
static __thread bool exiting_here;   /* this thread runs the process exit */

void plugin_core_anchor(void)
{
}

PluginCtx *plugin_ctx_new(void)
{
    if (plugin_ctxs == NULL) {
        plugin_ctxs = g_ptr_array_new();
        plugin_vcpus = g_ptr_array_new();
    }
    PluginCtx *ctx = g_new0(PluginCtx, 1);
    g_ptr_array_add(plugin_ctxs, ctx);
    ctx->id = plugin_ctxs->len;     /* ids start at 1 */
    return ctx;
}

PluginCtx *plugin_ctx_get(qemu_plugin_id_t id)
{
    if (plugin_ctxs == NULL || id == 0 || id > plugin_ctxs->len) {
        return NULL;
    }
    PluginCtx *ctx = g_ptr_array_index(plugin_ctxs, id - 1);
    return ctx->removed ? NULL : ctx;
}

#define FOR_EACH_CTX(ctx)                                                  \
    for (guint i_ = 0; plugin_ctxs && i_ < plugin_ctxs->len; i_++)         \
        for (PluginCtx *ctx = g_ptr_array_index(plugin_ctxs, i_);          \
             ctx && !ctx->removed; ctx = NULL)

void plugin_update_flags(void)
{
    bool any = false, sys = false;
    FOR_EACH_CTX(ctx) {
        any = true;
        sys |= ctx->syscall != NULL || ctx->syscall_ret != NULL;
    }
    plugin_enabled = any;
    plugin_syscall_enabled = sys;
}

/* ---- registration of global callbacks ---- */

#define REGISTER(field, type)                                             \
    PluginCtx *ctx = plugin_ctx_get(id);                                  \
    if (ctx) {                                                            \
        ctx->field = (type)cb;                                            \
        plugin_update_flags();                                            \
    }

void qemu_plugin_register_vcpu_init_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_simple_cb_t cb)
{
    REGISTER(vcpu_init, qemu_plugin_vcpu_simple_cb_t);
    /* QEMU calls it for vCPUs that already exist too. */
    if (ctx && cb && plugin_vcpus) {
        for (guint i = 0; i < plugin_vcpus->len; i++) {
            if (g_ptr_array_index(plugin_vcpus, i)) {
                cb(id, i);
            }
        }
    }
}

void qemu_plugin_register_vcpu_exit_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_simple_cb_t cb)
{
    REGISTER(vcpu_exit, qemu_plugin_vcpu_simple_cb_t);
}

void qemu_plugin_register_vcpu_idle_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_simple_cb_t cb)
{
    REGISTER(vcpu_idle, qemu_plugin_vcpu_simple_cb_t);
}

void qemu_plugin_register_vcpu_resume_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_simple_cb_t cb)
{
    REGISTER(vcpu_resume, qemu_plugin_vcpu_simple_cb_t);
}

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb)
{
    REGISTER(tb_trans, qemu_plugin_vcpu_tb_trans_cb_t);
}

void qemu_plugin_register_vcpu_syscall_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_syscall_cb_t cb)
{
    REGISTER(syscall, qemu_plugin_vcpu_syscall_cb_t);
}

void qemu_plugin_register_vcpu_syscall_ret_cb(qemu_plugin_id_t id,
                                              qemu_plugin_vcpu_syscall_ret_cb_t cb)
{
    REGISTER(syscall_ret, qemu_plugin_vcpu_syscall_ret_cb_t);
}

void qemu_plugin_register_flush_cb(qemu_plugin_id_t id, qemu_plugin_simple_cb_t cb)
{
    REGISTER(flush, qemu_plugin_simple_cb_t);
}

void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata)
{
    PluginCtx *ctx = plugin_ctx_get(id);
    if (ctx) {
        ctx->atexit_cb = cb;
        ctx->atexit_udata = userdata;
    }
}

/* Drop every callback of ctx; translated code is flushed so that no
 * instrumentation of it survives. */
static void plugin_clear(PluginCtx *ctx)
{
    ctx->vcpu_init = ctx->vcpu_exit = ctx->vcpu_idle = ctx->vcpu_resume = NULL;
    ctx->tb_trans = NULL;
    ctx->syscall = NULL;
    ctx->syscall_ret = NULL;
    ctx->flush = NULL;
    ctx->atexit_cb = NULL;
    plugin_update_flags();
    tb_flush();
}

void qemu_plugin_uninstall(qemu_plugin_id_t id, qemu_plugin_simple_cb_t cb)
{
    PluginCtx *ctx = plugin_ctx_get(id);
    if (ctx == NULL || ctx->installing) {
        /* QEMU: calling it from qemu_plugin_install is a bug. */
        return;
    }
    plugin_clear(ctx);
    ctx->removed = true;
    plugin_update_flags();
    if (cb) {
        cb(id);
    }
    /* The module stays mapped: code of it may still be on some stack. */
}

void qemu_plugin_reset(qemu_plugin_id_t id, qemu_plugin_simple_cb_t cb)
{
    PluginCtx *ctx = plugin_ctx_get(id);
    if (ctx == NULL || ctx->installing) {
        return;
    }
    plugin_clear(ctx);
    if (cb) {
        cb(id);
    }
}

/* ---- vCPU life cycle ---- */

void plugin_vcpu_init(CPUX86State *env)
{
    if (!plugin_enabled) {
        return;
    }
    unsigned idx = (unsigned)env->cpu_index;
    g_mutex_lock(&plugin_lock);
    if (idx >= plugin_vcpus->len) {
        g_ptr_array_set_size(plugin_vcpus, idx + 1);
    }
    g_ptr_array_index(plugin_vcpus, idx) = env;
    g_mutex_unlock(&plugin_lock);

    CPUX86State *saved = plugin_cur_env;
    plugin_cur_env = env;
    FOR_EACH_CTX(ctx) {
        if (ctx->vcpu_init) {
            ctx->vcpu_init(ctx->id, idx);
        }
    }
    plugin_cur_env = saved;
}

void plugin_vcpu_exit(CPUX86State *env)
{
    if (!plugin_enabled || env == NULL) {
        return;
    }
    unsigned idx = (unsigned)env->cpu_index;
    g_mutex_lock(&plugin_lock);
    bool live = idx < plugin_vcpus->len && g_ptr_array_index(plugin_vcpus, idx) == env;
    if (live) {
        g_ptr_array_index(plugin_vcpus, idx) = NULL;
    }
    g_mutex_unlock(&plugin_lock);
    if (!live) {
        return;     /* already reported */
    }
    CPUX86State *saved = plugin_cur_env;
    plugin_cur_env = env;
    FOR_EACH_CTX(ctx) {
        if (ctx->vcpu_exit) {
            ctx->vcpu_exit(ctx->id, idx);
        }
    }
    plugin_cur_env = saved;
}

void plugin_vcpu_idle(CPUX86State *env)
{
    if (!plugin_enabled) {
        return;
    }
    FOR_EACH_CTX(ctx) {
        if (ctx->vcpu_idle) {
            ctx->vcpu_idle(ctx->id, (unsigned)env->cpu_index);
        }
    }
}

void plugin_vcpu_resume(CPUX86State *env)
{
    if (!plugin_enabled) {
        return;
    }
    FOR_EACH_CTX(ctx) {
        if (ctx->vcpu_resume) {
            ctx->vcpu_resume(ctx->id, (unsigned)env->cpu_index);
        }
    }
}

void plugin_process_exit(CPUX86State *env)
{
    if (!plugin_enabled) {
        return;
    }
    if (__atomic_exchange_n(&process_exited, true, __ATOMIC_SEQ_CST)) {
        if (exiting_here) {
            return;     /* nested (a fatal signal inside atexit) */
        }
        /* Another thread is ending the process (its atexit callbacks are
         * running and it will exit): wait for that. */
        for (;;) {
            pause();
        }
    }
    exiting_here = true;
    if (env) {
        plugin_vcpu_exit(env);
    }
    /* The other vCPUs end with the process. */
    for (guint i = 0; plugin_vcpus && i < plugin_vcpus->len; i++) {
        CPUX86State *other = g_ptr_array_index(plugin_vcpus, i);
        if (other) {
            plugin_vcpu_exit(other);
        }
    }
    plugin_cur_env = env;
    FOR_EACH_CTX(ctx) {
        if (ctx->atexit_cb) {
            ctx->atexit_cb(ctx->id, ctx->atexit_udata);
        }
    }
    fflush(stderr);
    if (emu_logfile) {
        fflush(emu_logfile);
    }
}

/* ---- syscalls ---- */

void plugin_syscall(CPUX86State *env, int64_t num, const uint64_t a[6])
{
    CPUX86State *saved = plugin_cur_env;
    plugin_cur_env = env;
    FOR_EACH_CTX(ctx) {
        if (ctx->syscall) {
            ctx->syscall(ctx->id, (unsigned)env->cpu_index, num,
                         a[0], a[1], a[2], a[3], a[4], a[5], 0, 0);
        }
    }
    plugin_cur_env = saved;
}

void plugin_syscall_ret(CPUX86State *env, int64_t num, int64_t ret)
{
    CPUX86State *saved = plugin_cur_env;
    plugin_cur_env = env;
    FOR_EACH_CTX(ctx) {
        if (ctx->syscall_ret) {
            ctx->syscall_ret(ctx->id, (unsigned)env->cpu_index, num, ret);
        }
    }
    plugin_cur_env = saved;
}

void plugin_flush_notify(void)
{
    if (!plugin_enabled) {
        return;
    }
    FOR_EACH_CTX(ctx) {
        if (ctx->flush) {
            ctx->flush(ctx->id);
        }
    }
}

/* ---- small API calls ---- */

void qemu_plugin_outs(const char *string)
{
    FILE *f = emu_logfile ? emu_logfile : stderr;
    if (string == NULL) {
        return;
    }
    fputs(string, f);
    fflush(f);
}

bool qemu_plugin_bool_parse(const char *name, const char *val, bool *ret)
{
    (void)name;
    if (val == NULL || ret == NULL) {
        return false;
    }
    if (!g_ascii_strcasecmp(val, "on") || !g_ascii_strcasecmp(val, "yes") ||
        !g_ascii_strcasecmp(val, "true") || !strcmp(val, "1")) {
        *ret = true;
        return true;
    }
    if (!g_ascii_strcasecmp(val, "off") || !g_ascii_strcasecmp(val, "no") ||
        !g_ascii_strcasecmp(val, "false") || !strcmp(val, "0")) {
        *ret = false;
        return true;
    }
    return false;
}

int qemu_plugin_num_vcpus(void)
{
    g_mutex_lock(&plugin_lock);
    int n = plugin_vcpus ? (int)plugin_vcpus->len : 0;
    g_mutex_unlock(&plugin_lock);
    return n;
}

void qemu_plugin_vcpu_for_each(qemu_plugin_id_t id, qemu_plugin_vcpu_simple_cb_t cb)
{
    if (plugin_ctx_get(id) == NULL || cb == NULL || plugin_vcpus == NULL) {
        return;
    }
    for (guint i = 0; i < plugin_vcpus->len; i++) {
        if (g_ptr_array_index(plugin_vcpus, i)) {
            cb(id, i);
        }
    }
}

const char *qemu_plugin_path_to_binary(void)
{
    return plugin_proc.exec_path ? g_strdup(plugin_proc.exec_path) : NULL;
}

void plugin_set_binary(const char *exec_path)
{
    g_free(plugin_proc.exec_path);
    plugin_proc.exec_path = g_strdup(exec_path);
}

/* ---- emu extensions (emu-plugin.h) ---- */

int emu_plugin_api_version(void)
{
    return EMU_PLUGIN_API_VERSION;
}

/* The TaskState's first member is the tid (linux-user/internal.h); the
 * core cannot include linux-user, so it asks through this weak hook that
 * linux-user may provide, and falls back to the host tid for vCPU 0. */
int64_t emu_plugin_vcpu_tid_hook(CPUX86State *env) __attribute__((weak));

int64_t emu_plugin_vcpu_tid(unsigned int vcpu_index)
{
    CPUX86State *env = NULL;
    g_mutex_lock(&plugin_lock);
    if (plugin_vcpus && vcpu_index < plugin_vcpus->len) {
        env = g_ptr_array_index(plugin_vcpus, vcpu_index);
    }
    g_mutex_unlock(&plugin_lock);
    if (env == NULL) {
        return -1;
    }
    if (emu_plugin_vcpu_tid_hook) {
        return emu_plugin_vcpu_tid_hook(env);
    }
    return env->opaque ? *(int *)env->opaque : -1;
}

int emu_plugin_current_vcpu(void)
{
    return plugin_cur_env ? plugin_cur_env->cpu_index : -1;
}
