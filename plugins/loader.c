/*
 * plugins/loader.c — `-plugin FILE[,ARG...]`: load plugins with GModule
 * and install them.
 *
 * As QEMU does: the file must export `int qemu_plugin_version` within
 * [QEMU_PLUGIN_MIN_VERSION, QEMU_PLUGIN_VERSION] and `qemu_plugin_install`,
 * which gets the arguments after FILE split at commas, exactly as written
 * ("arg=X", "X=on", "flag").  Any failure is fatal: a message naming the
 * file, exit status 1.
 *
 * This file is linked into the emu executable (it needs gmodule); the
 * executable exports its symbols (-rdynamic) so that plugins resolve the
 * qemu_plugin_* functions from it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <gmodule.h>

#include "emu/log.h"
#include "plugins/internal.h"

/* Oldest API version emu still accepts (see qemu-plugin.h). */
#define QEMU_PLUGIN_MIN_VERSION 2

static void __attribute__((noreturn, format(printf, 2, 3)))
load_error(const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
    fprintf(stderr, "emu: plugin %s: %s\n", file, msg);
    exit(1);
}

/*
 * Split a -plugin spec the way QEMU's option parser does: elements are
 * separated by ',' (",," is a literal comma); the first is the file, bare
 * or as "file=PATH".  Each other element reaches the plugin as QEMU gives
 * it:
 *   NAME=VALUE  -> "NAME=VALUE"
 *   FLAG        -> "FLAG=on"
 *   arg=X       -> "X=on" (X without '='), "X" (X = "NAME=VALUE"); the
 *                  deprecated spelling of QEMU < 5.2
 * Returns the file, or NULL with *err set for a malformed spec.
 */
static char *split_spec(const char *spec, int *argc, char ***argv, char **err)
{
    GPtrArray *elems = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new(NULL);
    for (const char *p = spec;; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(cur, ',');
            p++;
        } else if (*p == ',' || *p == '\0') {
            g_ptr_array_add(elems, g_string_free(cur, FALSE));
            if (*p == '\0') {
                break;
            }
            cur = g_string_new(NULL);
        } else {
            g_string_append_c(cur, *p);
        }
    }

    char *file = NULL;
    GPtrArray *args = g_ptr_array_new();
    *err = NULL;
    for (guint i = 0; i < elems->len && *err == NULL; i++) {
        const char *e = g_ptr_array_index(elems, i);
        const char *eq = strchr(e, '=');
        if (i == 0) {
            file = g_strdup(g_str_has_prefix(e, "file=") ? e + 5 : e);
            if (*file == '\0') {
                *err = g_strdup("no plugin file name");
            }
            continue;
        }
        if (*e == '\0') {
            continue;                       /* trailing comma */
        }
        if (eq == e) {
            *err = g_strdup_printf("bad argument '%s': empty name", e);
        } else if (eq == NULL) {
            g_ptr_array_add(args, g_strdup_printf("%s=on", e));
        } else if (g_str_has_prefix(e, "file=")) {
            *err = g_strdup_printf("'%s': only one file per -plugin", e);
        } else if (g_str_has_prefix(e, "arg=") && strcmp(e + 4, "on") && strcmp(e + 4, "off") &&
                   strcmp(e + 4, "yes") && strcmp(e + 4, "no") &&
                   strcmp(e + 4, "true") && strcmp(e + 4, "false")) {
            const char *v = e + 4;
            if (*v == '\0' || *v == '=') {
                *err = g_strdup_printf("bad argument '%s'", e);
            } else if (strchr(v, '=')) {
                g_ptr_array_add(args, g_strdup(v));
            } else {
                g_ptr_array_add(args, g_strdup_printf("%s=on", v));
            }
        } else {
            g_ptr_array_add(args, g_strdup(e));
        }
    }
    g_ptr_array_free(elems, TRUE);
    *argc = (int)args->len;
    g_ptr_array_add(args, NULL);
    *argv = (char **)g_ptr_array_free(args, FALSE);
    return file;
}

static void plugin_load_one(const char *spec, const qemu_info_t *info)
{
    int argc;
    char **argv;
    char *err = NULL;
    char *file = split_spec(spec, &argc, &argv, &err);

    if (err) {
        load_error(file && *file ? file : spec, "%s", err);
    }
    /* G_MODULE_BIND_LOCAL: plugins do not see each other's symbols. */
    GModule *mod = g_module_open(file, G_MODULE_BIND_LOCAL);
    if (mod == NULL) {
        load_error(file, "cannot load: %s", g_module_error());
    }
    gpointer sym = NULL;
    if (!g_module_symbol(mod, "qemu_plugin_version", &sym) || sym == NULL) {
        load_error(file, "does not export qemu_plugin_version "
                   "(declare QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;)");
    }
    int version = *(int *)sym;
    if (version < info->version.min || version > info->version.cur) {
        load_error(file, "built for plugin API version %d; emu supports versions %d to %d",
                   version, info->version.min, info->version.cur);
    }
    if (!g_module_symbol(mod, "qemu_plugin_install", &sym) || sym == NULL) {
        load_error(file, "does not export qemu_plugin_install");
    }
    typedef int (*install_fn)(qemu_plugin_id_t, const qemu_info_t *, int, char **);
    install_fn install = (install_fn)sym;

    PluginCtx *ctx = plugin_ctx_new();
    ctx->module = mod;
    ctx->path = file;
    ctx->argc = argc;
    ctx->argv = argv;
    ctx->installing = true;
    plugin_enabled = true;   /* registrations during install take effect */
    int rc = install(ctx->id, info, argc, argv);
    ctx->installing = false;
    if (rc != 0) {
        load_error(file, "qemu_plugin_install failed (returned %d)", rc);
    }
    plugin_update_flags();
    /* A plugin with no callbacks at all still counts as loaded. */
    plugin_enabled = true;
}

void plugin_load_all(char **specs, int n, const char *exec_path)
{
    if (n <= 0) {
        return;
    }
    if (!g_module_supported()) {
        fprintf(stderr, "emu: plugins are not supported on this host\n");
        exit(1);
    }
    /* Keep the API's object files in the executable. */
    plugin_api_anchor();
    plugin_core_anchor();
    plugin_set_binary(exec_path);

    qemu_info_t info;
    memset(&info, 0, sizeof(info));
    info.target_name = "x86_64";
    info.version.min = QEMU_PLUGIN_MIN_VERSION;
    info.version.cur = QEMU_PLUGIN_VERSION;
    info.system_emulation = false;
    for (int i = 0; i < n; i++) {
        plugin_load_one(specs[i], &info);
    }
}
