/*
 * api-check: a plugin that checks emu's plugin API from the inside and
 * reports on the plugin output.  Every check that fails prints a line
 * "api-check: FAIL ..."; at exit it prints its instruction count
 * ("api-check: insns N", from per-instruction inline adds) and a summary.
 *
 * Options:
 *   unmerged=on  also register a (no-op) TB exec callback on every TB,
 *                which keeps emu from merging the per-instruction adds:
 *                the count must stay the same (exactness of both paths)
 *   regs=on      check rip in an exec callback of every instruction
 *   cond=on      a conditional callback (insns == 1000) on every
 *                instruction fires exactly once, when the inline count
 *                reaches 1000; a NEVER one never fires
 *   mem=on       memory callbacks and memory inline ops on every
 *                instruction: the two must see the same accesses, and a
 *                store's value must be in guest memory after it
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static struct qemu_plugin_scoreboard *sb;
static qemu_plugin_u64 insns;
static bool unmerged, check_regs, check_mem, check_cond;
static uint64_t cond_fired;
static struct qemu_plugin_scoreboard *mem_sb;
static qemu_plugin_u64 mem_inline;
static uint64_t mem_cbs, mem_stores, mem_vec;   /* mem_vec: 16-byte accesses */
static int fails;
static uint64_t n_tbs, n_vcpu_init, n_vcpu_exit, n_syscalls, n_rets, n_rip_checks;
static int64_t last_sys = -1;
static bool saw_entry_symbol;
static struct qemu_plugin_register *rip_reg, *rax_reg;

#define CHECK(cond, ...) do { if (!(cond)) { fail(__VA_ARGS__); } } while (0)

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    g_autofree char *line = g_strdup_printf("api-check: FAIL %s\n", buf);
    qemu_plugin_outs(line);
    fails++;
}

static uint64_t read_reg(struct qemu_plugin_register *r)
{
    GByteArray *b = g_byte_array_new();
    uint64_t v = 0;
    int n = qemu_plugin_read_register(r, b);
    if (n == 8 && b->len == 8) {
        memcpy(&v, b->data, 8);
    } else {
        fail("read_register returned %d", n);
    }
    g_byte_array_free(b, TRUE);
    return v;
}

static void vcpu_init(qemu_plugin_id_t id, unsigned int vcpu)
{
    n_vcpu_init++;
    CHECK(vcpu == 0, "vcpu_init index %u", vcpu);
    GArray *regs = qemu_plugin_get_registers();
    for (guint i = 0; i < regs->len; i++) {
        qemu_plugin_reg_descriptor *d = &g_array_index(regs, qemu_plugin_reg_descriptor, i);
        if (!strcmp(d->name, "rip")) {
            rip_reg = d->handle;
        } else if (!strcmp(d->name, "rax")) {
            rax_reg = d->handle;
        }
    }
    CHECK(rip_reg && rax_reg, "get_registers lacks rip/rax");
    g_array_free(regs, TRUE);
}

static void vcpu_exit(qemu_plugin_id_t id, unsigned int vcpu)
{
    n_vcpu_exit++;
}

static void tb_exec_noop(unsigned int vcpu, void *udata)
{
}

static void insn_rip(unsigned int vcpu, void *udata)
{
    uint64_t rip = read_reg(rip_reg);
    n_rip_checks++;
    CHECK(rip == (uint64_t)(uintptr_t)udata, "rip %" PRIx64 " in callback of insn %" PRIx64,
          rip, (uint64_t)(uintptr_t)udata);
}

static void mem_cb(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t va, void *udata)
{
    unsigned sz = 1u << qemu_plugin_mem_size_shift(info);
    mem_cbs++;
    CHECK(sz <= 16 && !qemu_plugin_mem_is_big_endian(info), "access size %u", sz);
    if (sz == 16) {
        mem_vec++;
    }
    /* a store's value is what memory holds after it (loads: the value
     * may change before the callback in other threads' programs) */
    if (qemu_plugin_mem_is_store(info) && sz <= 16) {
        qemu_plugin_mem_value v = qemu_plugin_mem_get_value(info);
        uint64_t want[2] = { 0, 0 }, got[2] = { 0, 0 };
        switch (v.type) {
        case QEMU_PLUGIN_MEM_VALUE_U8: want[0] = v.data.u8; break;
        case QEMU_PLUGIN_MEM_VALUE_U16: want[0] = v.data.u16; break;
        case QEMU_PLUGIN_MEM_VALUE_U32: want[0] = v.data.u32; break;
        case QEMU_PLUGIN_MEM_VALUE_U64: want[0] = v.data.u64; break;
        default: want[0] = v.data.u128.low; want[1] = v.data.u128.high; break;
        }
        CHECK((sz == 16) == (v.type == QEMU_PLUGIN_MEM_VALUE_U128), "value type %d of a %u-byte store",
              (int)v.type, sz);
        GByteArray *b = g_byte_array_new();
        CHECK(qemu_plugin_read_memory_vaddr(va, b, sz), "stored-to address %" PRIx64 " unreadable", va);
        if (b->len == sz) {
            memcpy(got, b->data, sz);
        }
        CHECK(got[0] == want[0] && got[1] == want[1],
              "store at %" PRIx64 ": memory %016" PRIx64 "%016" PRIx64 ", value %016" PRIx64 "%016" PRIx64,
              va, got[1], got[0], want[1], want[0]);
        g_byte_array_free(b, TRUE);
        mem_stores++;
    }
}

static void cond_cb(unsigned int vcpu, void *udata)
{
    cond_fired++;
    CHECK(udata == NULL && qemu_plugin_u64_get(insns, vcpu) == 1000,
          "conditional callback at count %" PRIu64, qemu_plugin_u64_get(insns, vcpu));
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    n_tbs++;
    CHECK(n > 0, "empty TB at %" PRIx64, qemu_plugin_tb_vaddr(tb));
    CHECK(qemu_plugin_tb_get_insn(tb, n) == NULL, "tb_get_insn past the end");
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t va = qemu_plugin_insn_vaddr(insn);
        size_t sz = qemu_plugin_insn_size(insn);
        uint8_t data[16];
        CHECK(sz >= 1 && sz <= 15, "insn size %zu at %" PRIx64, sz, va);
        if (i == 0) {
            CHECK(va == qemu_plugin_tb_vaddr(tb), "first insn not at tb vaddr");
        }
        if (i + 1 < n) {
            uint64_t next = qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb, i + 1));
            CHECK(next == va + sz, "insn %" PRIx64 " size %zu, next at %" PRIx64, va, sz, next);
        }
        size_t got = qemu_plugin_insn_data(insn, data, sizeof(data));
        CHECK(got == sz, "insn_data gave %zu of %zu bytes", got, sz);
        GByteArray *mem = g_byte_array_new();
        bool ok = qemu_plugin_read_memory_vaddr(va, mem, sz);
        CHECK(ok && mem->len == sz && !memcmp(mem->data, data, sz),
              "read_memory_vaddr differs from insn_data at %" PRIx64, va);
        g_byte_array_free(mem, TRUE);
        char *dis = qemu_plugin_insn_disas(insn);
        CHECK(dis && dis[0], "no disassembly at %" PRIx64, va);
        g_free(dis);
        const char *sym = qemu_plugin_insn_symbol(insn);
        if (va == qemu_plugin_entry_code()) {
            saw_entry_symbol = sym && !strcmp(sym, "_start");
        }
        qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                            insns, 1);
        if (check_cond) {
            qemu_plugin_register_vcpu_insn_exec_cond_cb(insn, cond_cb, QEMU_PLUGIN_CB_NO_REGS,
                                                        QEMU_PLUGIN_COND_EQ, insns, 1000, NULL);
            qemu_plugin_register_vcpu_insn_exec_cond_cb(insn, cond_cb, QEMU_PLUGIN_CB_NO_REGS,
                                                        QEMU_PLUGIN_COND_NEVER, insns, 0,
                                                        (void *)1);
        }
        if (check_mem) {
            qemu_plugin_register_vcpu_mem_cb(insn, mem_cb, QEMU_PLUGIN_CB_NO_REGS,
                                             QEMU_PLUGIN_MEM_RW, NULL);
            qemu_plugin_register_vcpu_mem_inline_per_vcpu(insn, QEMU_PLUGIN_MEM_RW,
                                                          QEMU_PLUGIN_INLINE_ADD_U64, mem_inline, 1);
        }
        if (check_regs) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, insn_rip, QEMU_PLUGIN_CB_R_REGS,
                                                   (void *)(uintptr_t)va);
        }
    }
    if (unmerged) {
        qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec_noop, QEMU_PLUGIN_CB_NO_REGS, NULL);
    }
}

static void on_syscall(qemu_plugin_id_t id, unsigned int vcpu, int64_t num, uint64_t a1,
                       uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6,
                       uint64_t a7, uint64_t a8)
{
    n_syscalls++;
    CHECK(last_sys == -1, "syscall %" PRId64 " before the return of %" PRId64, num, last_sys);
    CHECK(read_reg(rax_reg) == (uint64_t)num, "rax != syscall number %" PRId64, num);
    last_sys = num;
}

static void on_syscall_ret(qemu_plugin_id_t id, unsigned int vcpu, int64_t num, int64_t ret)
{
    n_rets++;
    CHECK(num == last_sys, "return of %" PRId64 " after syscall %" PRId64, num, last_sys);
    CHECK(read_reg(rax_reg) == (uint64_t)ret, "rax != return value of %" PRId64, num);
    last_sys = -1;
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
    char buf[512];
    GByteArray *b = g_byte_array_new();
    CHECK(!qemu_plugin_read_memory_vaddr(0, b, 8), "read of guest address 0 succeeded");
    g_byte_array_append(b, (const guint8 *)"x", 1);
    CHECK(!qemu_plugin_write_memory_vaddr(0, b), "write to guest address 0 succeeded");
    g_byte_array_free(b, TRUE);
    CHECK(n_vcpu_init == 1 && n_vcpu_exit == 1, "vcpu init %" PRIu64 " exit %" PRIu64,
          n_vcpu_init, n_vcpu_exit);
    /* exit and exit_group do not return; a fatal signal ends between two. */
    bool exited = last_sys == 60 || last_sys == 231;
    CHECK(n_syscalls >= 1 && n_rets + exited == n_syscalls,
          "%" PRIu64 " syscalls, %" PRIu64 " returns", n_syscalls, n_rets);
    CHECK(qemu_plugin_num_vcpus() == 1, "num_vcpus %d", qemu_plugin_num_vcpus());
    CHECK(qemu_plugin_start_code() <= qemu_plugin_entry_code() &&
          qemu_plugin_entry_code() < qemu_plugin_end_code(), "entry outside code");
    CHECK(saw_entry_symbol, "entry point's symbol is not _start");
    const char *path = qemu_plugin_path_to_binary();
    CHECK(path && strstr(path, "/"), "path_to_binary %s", path ? path : "(null)");
    g_free((char *)path);
    if (check_cond) {
        CHECK(cond_fired == (qemu_plugin_u64_sum(insns) >= 1000),
              "conditional callback fired %" PRIu64 " times", cond_fired);
    }
    if (check_mem) {
        CHECK(mem_cbs == qemu_plugin_u64_sum(mem_inline) && (mem_stores > 0 || n_tbs < 3),
              "%" PRIu64 " memory callbacks (%" PRIu64 " stores), %" PRIu64 " inline",
              mem_cbs, mem_stores, qemu_plugin_u64_sum(mem_inline));
    }
    if (check_mem) {
        snprintf(buf, sizeof(buf), "api-check: mem16 %" PRIu64 "\n", mem_vec);
        qemu_plugin_outs(buf);
    }
    snprintf(buf, sizeof(buf), "api-check: insns %" PRIu64 "\n", qemu_plugin_u64_sum(insns));
    qemu_plugin_outs(buf);
    snprintf(buf, sizeof(buf), "api-check: %s (%d failures, %" PRIu64 " tbs, %" PRIu64
             " rip checks)\n", fails ? "FAILED" : "ok", fails, n_tbs, n_rip_checks);
    qemu_plugin_outs(buf);
    qemu_plugin_scoreboard_free(sb);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        char **kv = g_strsplit(argv[i], "=", 2);
        bool v = false;
        if (kv[1] && !strcmp(kv[0], "unmerged") && qemu_plugin_bool_parse(kv[0], kv[1], &v)) {
            unmerged = v;
        } else if (kv[1] && !strcmp(kv[0], "regs") && qemu_plugin_bool_parse(kv[0], kv[1], &v)) {
            check_regs = v;
        } else if (kv[1] && !strcmp(kv[0], "mem") && qemu_plugin_bool_parse(kv[0], kv[1], &v)) {
            check_mem = v;
        } else if (kv[1] && !strcmp(kv[0], "cond") && qemu_plugin_bool_parse(kv[0], kv[1], &v)) {
            check_cond = v;
        } else {
            fprintf(stderr, "api-check: unknown option %s\n", argv[i]);
            g_strfreev(kv);
            return -1;
        }
        g_strfreev(kv);
    }
    sb = qemu_plugin_scoreboard_new(sizeof(uint64_t));
    insns = qemu_plugin_scoreboard_u64(sb);
    mem_sb = qemu_plugin_scoreboard_new(sizeof(uint64_t));
    mem_inline = qemu_plugin_scoreboard_u64(mem_sb);
    /* scoreboard basics before any vCPU ran */
    qemu_plugin_u64_set(insns, 0, 5);
    qemu_plugin_u64_add(insns, 0, 2);
    CHECK(qemu_plugin_u64_get(insns, 0) == 7, "u64 set/add/get");
    CHECK(qemu_plugin_scoreboard_find(sb, 0) != NULL, "scoreboard_find(0)");
    qemu_plugin_u64_set(insns, 0, 0);
    CHECK(!strcmp(info->target_name, "x86_64") && !info->system_emulation, "qemu_info_t");

    qemu_plugin_register_vcpu_init_cb(id, vcpu_init);
    qemu_plugin_register_vcpu_exit_cb(id, vcpu_exit);
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
    qemu_plugin_register_vcpu_syscall_cb(id, on_syscall);
    qemu_plugin_register_vcpu_syscall_ret_cb(id, on_syscall_ret);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
