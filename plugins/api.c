/*
 * plugins/api.c — the query side of the plugin API: TB and instruction
 * handles, memory-access info, scoreboards, guest registers and memory,
 * the guest program's layout and symbols.
 *
 * Registration of instrumentation on TBs and instructions is in
 * instrument.c; global events in core.c.
 */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <glib.h>

#include "emu/x86/disas.h"
#include "plugins/internal.h"
#include "softmmu/softmmu.h"

void plugin_api_anchor(void)
{
}

/* ---- TB and instruction queries ---- */

size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb)
{
    return tb ? tb->n : 0;
}

uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb)
{
    return tb ? tb->vaddr : 0;
}

struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx)
{
    if (tb == NULL || idx >= tb->n) {
        return NULL;
    }
    return &tb->insns[idx];
}

size_t qemu_plugin_insn_data(const struct qemu_plugin_insn *insn, void *dest, size_t len)
{
    if (insn == NULL || dest == NULL) {
        return 0;
    }
    size_t n = MIN(len, (size_t)insn->data_len);
    memcpy(dest, insn->data, n);
    return n;
}

size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn)
{
    return insn ? insn->size : 0;
}

uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn)
{
    return insn ? insn->vaddr : 0;
}

void *qemu_plugin_insn_haddr(const struct qemu_plugin_insn *insn)
{
    /* QEMU linux-user answers the host address of the guest code; under
     * emu that is guest_base + vaddr, but only softmmu may form it. */
    if (insn == NULL || !mm_access_ok(insn->vaddr, 1, MM_READ)) {
        return NULL;
    }
    return mm_guest_ptr(insn->vaddr, 1, MM_READ);
}

char *qemu_plugin_insn_disas(const struct qemu_plugin_insn *insn)
{
    if (insn == NULL) {
        return g_strdup("");
    }
    char *s = x86_disas_insn(insn->vaddr, insn->data, insn->data_len);
    return s ? s : g_strdup("(bad)");
}

const char *qemu_plugin_insn_symbol(const struct qemu_plugin_insn *insn)
{
    return insn ? plugin_symbol_lookup(insn->vaddr) : NULL;
}

/* ---- memory access info ----
 * qemu_plugin_meminfo_t bits: 0-2 log2 size, 3 sign-extended, 4 store.
 * The value of the access is kept per thread while the callback runs. */
#define MEMINFO_SIZE_MASK 0x7u
#define MEMINFO_SIGN      0x8u
#define MEMINFO_STORE     0x10u

__thread uint64_t plugin_mem_value, plugin_mem_value_hi;   /* hi: 16-byte accesses */

unsigned int qemu_plugin_mem_size_shift(qemu_plugin_meminfo_t info)
{
    return info & MEMINFO_SIZE_MASK;
}

bool qemu_plugin_mem_is_sign_extended(qemu_plugin_meminfo_t info)
{
    return (info & MEMINFO_SIGN) != 0;
}

bool qemu_plugin_mem_is_big_endian(qemu_plugin_meminfo_t info)
{
    return false;
}

bool qemu_plugin_mem_is_store(qemu_plugin_meminfo_t info)
{
    return (info & MEMINFO_STORE) != 0;
}

qemu_plugin_mem_value qemu_plugin_mem_get_value(qemu_plugin_meminfo_t info)
{
    qemu_plugin_mem_value v;
    memset(&v, 0, sizeof(v));
    switch (info & MEMINFO_SIZE_MASK) {
    case 0:
        v.type = QEMU_PLUGIN_MEM_VALUE_U8;
        v.data.u8 = (uint8_t)plugin_mem_value;
        break;
    case 1:
        v.type = QEMU_PLUGIN_MEM_VALUE_U16;
        v.data.u16 = (uint16_t)plugin_mem_value;
        break;
    case 2:
        v.type = QEMU_PLUGIN_MEM_VALUE_U32;
        v.data.u32 = (uint32_t)plugin_mem_value;
        break;
    case 3:
        v.type = QEMU_PLUGIN_MEM_VALUE_U64;
        v.data.u64 = plugin_mem_value;
        break;
    default:
        v.type = QEMU_PLUGIN_MEM_VALUE_U128;
        v.data.u128.low = plugin_mem_value;
        v.data.u128.high = plugin_mem_value_hi;
        break;
    }
    return v;
}

struct qemu_plugin_hwaddr *qemu_plugin_get_hwaddr(qemu_plugin_meminfo_t info, uint64_t vaddr)
{
    return NULL;    /* user mode, as QEMU linux-user */
}

bool qemu_plugin_hwaddr_is_io(const struct qemu_plugin_hwaddr *haddr)
{
    return false;
}

uint64_t qemu_plugin_hwaddr_phys_addr(const struct qemu_plugin_hwaddr *haddr)
{
    return 0;
}

const char *qemu_plugin_hwaddr_device_name(const struct qemu_plugin_hwaddr *h)
{
    return "RAM";
}

/* ---- scoreboards ---- */

struct qemu_plugin_scoreboard *qemu_plugin_scoreboard_new(size_t element_size)
{
    struct qemu_plugin_scoreboard *sb = g_new0(struct qemu_plugin_scoreboard, 1);
    size_t es = element_size ? element_size : 1;
    /* Reserve address space for PLUGIN_MAX_VCPUS entries (fewer if that
     * is refused); the kernel hands out zeroed pages as they are touched. */
    for (size_t cap = PLUGIN_MAX_VCPUS; cap >= 64; cap /= 4) {
        size_t bytes = (es * cap + 4095) & ~(size_t)4095;
        void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p != MAP_FAILED) {
            sb->base = p;
            sb->capacity = cap;
            sb->reserved_bytes = bytes;
            break;
        }
    }
    if (sb->base == NULL) {
        g_error("plugin: cannot reserve a scoreboard of %zu-byte entries", es);
    }
    sb->element_size = element_size;
    return sb;
}

void qemu_plugin_scoreboard_free(struct qemu_plugin_scoreboard *score)
{
    if (score == NULL) {
        return;
    }
    munmap(score->base, score->reserved_bytes);
    g_free(score);
}

void *qemu_plugin_scoreboard_find(struct qemu_plugin_scoreboard *score, unsigned int vcpu_index)
{
    if (score == NULL || vcpu_index >= score->capacity) {
        return NULL;
    }
    return score->base + (size_t)vcpu_index * score->element_size;
}

static uint64_t *u64_ptr(qemu_plugin_u64 e, unsigned int vcpu_index)
{
    if (e.score == NULL || vcpu_index >= e.score->capacity) {
        return NULL;
    }
    return (uint64_t *)(e.score->base + (size_t)vcpu_index * e.score->element_size + e.offset);
}

void qemu_plugin_u64_add(qemu_plugin_u64 entry, unsigned int vcpu_index, uint64_t added)
{
    uint64_t *p = u64_ptr(entry, vcpu_index);
    if (p) {
        *p += added;
    }
}

uint64_t qemu_plugin_u64_get(qemu_plugin_u64 entry, unsigned int vcpu_index)
{
    uint64_t *p = u64_ptr(entry, vcpu_index);
    return p ? *p : 0;
}

void qemu_plugin_u64_set(qemu_plugin_u64 entry, unsigned int vcpu_index, uint64_t val)
{
    uint64_t *p = u64_ptr(entry, vcpu_index);
    if (p) {
        *p = val;
    }
}

uint64_t qemu_plugin_u64_sum(qemu_plugin_u64 entry)
{
    uint64_t sum = 0;
    int n = qemu_plugin_num_vcpus();
    for (int i = 0; i < n; i++) {
        sum += qemu_plugin_u64_get(entry, (unsigned)i);
    }
    return sum;
}

/* ---- registers ---- */

typedef enum RegKind { PREG_GPR, PREG_RIP, PREG_EFLAGS, PREG_FS, PREG_GS, PREG_XMM, PREG_MXCSR } RegKind;

typedef struct RegDesc {
    const char *name;
    RegKind kind;
    int index;
} RegDesc;

static const RegDesc reg_table[] = {
    { "rax", PREG_GPR, R_EAX }, { "rbx", PREG_GPR, R_EBX },
    { "rcx", PREG_GPR, R_ECX }, { "rdx", PREG_GPR, R_EDX },
    { "rsi", PREG_GPR, R_ESI }, { "rdi", PREG_GPR, R_EDI },
    { "rbp", PREG_GPR, R_EBP }, { "rsp", PREG_GPR, R_ESP },
    { "r8", PREG_GPR, R_R8 },   { "r9", PREG_GPR, R_R9 },
    { "r10", PREG_GPR, R_R10 }, { "r11", PREG_GPR, R_R11 },
    { "r12", PREG_GPR, R_R12 }, { "r13", PREG_GPR, R_R13 },
    { "r14", PREG_GPR, R_R14 }, { "r15", PREG_GPR, R_R15 },
    { "rip", PREG_RIP, 0 },     { "eflags", PREG_EFLAGS, 0 },
    { "fs_base", PREG_FS, 0 },  { "gs_base", PREG_GS, 0 },
    { "xmm0", PREG_XMM, 0 },   { "xmm1", PREG_XMM, 1 },
    { "xmm2", PREG_XMM, 2 },   { "xmm3", PREG_XMM, 3 },
    { "xmm4", PREG_XMM, 4 },   { "xmm5", PREG_XMM, 5 },
    { "xmm6", PREG_XMM, 6 },   { "xmm7", PREG_XMM, 7 },
    { "xmm8", PREG_XMM, 8 },   { "xmm9", PREG_XMM, 9 },
    { "xmm10", PREG_XMM, 10 }, { "xmm11", PREG_XMM, 11 },
    { "xmm12", PREG_XMM, 12 }, { "xmm13", PREG_XMM, 13 },
    { "xmm14", PREG_XMM, 14 }, { "xmm15", PREG_XMM, 15 },
    { "mxcsr", PREG_MXCSR, 0 },
};
#define NB_REGS (sizeof(reg_table) / sizeof(reg_table[0]))

GArray *qemu_plugin_get_registers(void)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(qemu_plugin_reg_descriptor));
    for (size_t i = 0; i < NB_REGS; i++) {
        qemu_plugin_reg_descriptor d = {
            .handle = (struct qemu_plugin_register *)(uintptr_t)(i + 1),
            .name = reg_table[i].name,
            .feature = reg_table[i].kind == PREG_XMM || reg_table[i].kind == PREG_MXCSR
                       ? "org.gnu.gdb.i386.sse" : "org.gnu.gdb.i386.core",
        };
        g_array_append_val(a, d);
    }
    return a;
}

static const RegDesc *reg_of(struct qemu_plugin_register *handle)
{
    uintptr_t i = (uintptr_t)handle;
    return i >= 1 && i <= NB_REGS ? &reg_table[i - 1] : NULL;
}

/* RFLAGS as the instruction about to run sees it: inside an exec callback
 * env->cc_op may lag behind the translator's static cc_op. */
static uint64_t current_eflags(CPUX86State *env)
{
    if (plugin_in_exec_cb && env->insn_cc_op != CC_OP_DYNAMIC) {
        uint64_t saved = env->cc_op;
        env->cc_op = env->insn_cc_op;
        uint64_t f = cpu_get_eflags(env);
        env->cc_op = saved;
        return f;
    }
    return cpu_get_eflags(env);
}

int qemu_plugin_read_register(struct qemu_plugin_register *handle, GByteArray *buf)
{
    CPUX86State *env = plugin_cur_env;
    const RegDesc *r = reg_of(handle);
    uint64_t v;

    if (env == NULL || r == NULL || buf == NULL) {
        return -1;
    }
    switch (r->kind) {
    case PREG_GPR:    v = env->regs[r->index]; break;
    case PREG_RIP:    v = plugin_in_exec_cb ? env->insn_pc : env->rip; break;
    case PREG_EFLAGS: v = current_eflags(env); break;
    case PREG_FS:     v = env->fs_base; break;
    case PREG_GS:     v = env->gs_base; break;
    case PREG_MXCSR:  {
        uint32_t m = (uint32_t)env->mxcsr;
        g_byte_array_append(buf, (const guint8 *)&m, 4);
        return 4;
    }
    case PREG_XMM:
        g_byte_array_append(buf, env->xmm[r->index].b, 16);
        return 16;
    default:
        return -1;
    }
    g_byte_array_append(buf, (const guint8 *)&v, 8);
    return 8;
}

int qemu_plugin_write_register(struct qemu_plugin_register *handle, GByteArray *buf)
{
    CPUX86State *env = plugin_cur_env;
    const RegDesc *r = reg_of(handle);
    uint64_t v = 0;

    if (env == NULL || r == NULL || buf == NULL || buf->len == 0) {
        return -1;
    }
    switch (r->kind) {
    case PREG_GPR:
    case PREG_FS:
    case PREG_GS:
        if (buf->len < 8) {
            return -1;
        }
        memcpy(&v, buf->data, 8);
        if (r->kind == PREG_GPR) {
            env->regs[r->index] = v;
        } else if (r->kind == PREG_FS) {
            env->fs_base = v;
        } else {
            env->gs_base = v;
        }
        return 8;
    case PREG_XMM:
        if (buf->len < 16) {
            return -1;
        }
        memcpy(env->xmm[r->index].b, buf->data, 16);
        return 16;
    default:
        /* rip, eflags and mxcsr would need the translated code to resync. */
        return -1;
    }
}

/* ---- guest memory ---- */

bool qemu_plugin_read_memory_vaddr(uint64_t addr, GByteArray *data, size_t len)
{
    if (data == NULL || len == 0 || !mm_access_ok(addr, len, MM_READ)) {
        return false;
    }
    g_byte_array_set_size(data, (guint)len);
    return mm_copy_from_guest(data->data, addr, len) == 0;
}

bool qemu_plugin_write_memory_vaddr(uint64_t addr, GByteArray *data)
{
    if (data == NULL || data->len == 0 || !mm_access_ok(addr, data->len, MM_WRITE)) {
        return false;
    }
    return mm_copy_to_guest(addr, data->data, data->len) == 0;
}

/* ---- the guest program: layout and symbols ---- */

typedef struct PluginSym {
    uint64_t addr, size;   /* link-time addresses */
    char *name;
} PluginSym;

static GArray *plugin_syms;      /* sorted by addr */
static uint64_t elf_entry;       /* e_entry, link time */
static int elf_type;
static uint64_t elf_start_code = UINT64_MAX, elf_end_code;
static gsize elf_loaded;

static gint sym_cmp(gconstpointer a, gconstpointer b)
{
    const PluginSym *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Read e_entry, the executable PT_LOAD range and the function symbols of
 * the guest binary (best effort: a stripped binary has no symbols). */
static void plugin_load_elf(void)
{
    plugin_syms = g_array_new(FALSE, FALSE, sizeof(PluginSym));
    if (plugin_proc.exec_path == NULL || elf_version(EV_CURRENT) == EV_NONE) {
        return;
    }
    int fd = open(plugin_proc.exec_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return;
    }
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    GElf_Ehdr eh;
    if (e && gelf_getehdr(e, &eh)) {
        elf_entry = eh.e_entry;
        elf_type = eh.e_type;
        size_t nph = 0;
        elf_getphdrnum(e, &nph);
        for (size_t i = 0; i < nph; i++) {
            GElf_Phdr ph;
            if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD && (ph.p_flags & PF_X)) {
                elf_start_code = MIN(elf_start_code, ph.p_vaddr);
                elf_end_code = MAX(elf_end_code, ph.p_vaddr + ph.p_memsz);
            }
        }
        Elf_Scn *scn = NULL;
        while ((scn = elf_nextscn(e, scn)) != NULL) {
            GElf_Shdr sh;
            if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || sh.sh_entsize == 0) {
                continue;
            }
            Elf_Data *d = elf_getdata(scn, NULL);
            size_t n = sh.sh_size / sh.sh_entsize;
            for (size_t i = 0; d && i < n; i++) {
                GElf_Sym s;
                /* Functions, and untyped labels of assembly programs. */
                if (!gelf_getsym(d, (int)i, &s) || s.st_value == 0 ||
                    (GELF_ST_TYPE(s.st_info) != STT_FUNC &&
                     GELF_ST_TYPE(s.st_info) != STT_NOTYPE) ||
                    s.st_shndx == SHN_UNDEF || s.st_shndx >= SHN_LORESERVE) {
                    continue;
                }
                const char *nm = elf_strptr(e, sh.sh_link, s.st_name);
                if (nm == NULL || *nm == '\0') {
                    continue;
                }
                PluginSym ps = { s.st_value, s.st_size, g_strdup(nm) };
                g_array_append_val(plugin_syms, ps);
            }
        }
        g_array_sort(plugin_syms, sym_cmp);
    }
    if (e) {
        elf_end(e);
    }
    close(fd);
}

static void plugin_elf_once(void)
{
    if (g_once_init_enter(&elf_loaded)) {
        plugin_load_elf();
        g_once_init_leave(&elf_loaded, 1);
    }
}

/*
 * The load bias of a static-pie program is emu's choice; the first TB
 * translated is the entry point, which gives it (entry - e_entry).
 */
void plugin_note_first_pc(uint64_t pc)
{
    if (plugin_proc.image_known) {
        return;
    }
    plugin_elf_once();
    plugin_proc.load_bias = elf_type == ET_DYN ? pc - elf_entry : 0;
    plugin_proc.entry = elf_entry + plugin_proc.load_bias;
    if (elf_start_code != UINT64_MAX) {
        plugin_proc.start_code = elf_start_code + plugin_proc.load_bias;
        plugin_proc.end_code = elf_end_code + plugin_proc.load_bias;
    }
    plugin_proc.image_known = true;
}

const char *plugin_symbol_lookup(uint64_t pc)
{
    plugin_elf_once();
    if (!plugin_proc.image_known || plugin_syms->len == 0) {
        return NULL;
    }
    uint64_t a = pc - plugin_proc.load_bias;
    /* Last symbol starting at or below a. */
    guint lo = 0, hi = plugin_syms->len;
    while (lo < hi) {
        guint mid = (lo + hi) / 2;
        if (g_array_index(plugin_syms, PluginSym, mid).addr <= a) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    for (guint i = lo; i-- > 0;) {
        const PluginSym *s = &g_array_index(plugin_syms, PluginSym, i);
        if (s->size == 0) {
            /* An assembly label: it extends to the next symbol. */
            if (i == lo - 1 && (lo == plugin_syms->len ||
                                a < g_array_index(plugin_syms, PluginSym, lo).addr) &&
                a - s->addr < 0x10000) {
                return s->name;
            }
            continue;
        }
        if (a < s->addr + s->size) {
            return s->name;
        }
        if (a - s->addr > (1u << 20)) {
            break;   /* far past any plausible enclosing function */
        }
    }
    return NULL;
}

/* A non-PIE program's layout is known before it runs (no load bias). */
static void plugin_image_early(void)
{
    if (!plugin_proc.image_known) {
        plugin_elf_once();
        if (elf_type == ET_EXEC) {
            plugin_note_first_pc(elf_entry);
        }
    }
}

uint64_t qemu_plugin_start_code(void)
{
    plugin_image_early();
    return plugin_proc.start_code;
}

uint64_t qemu_plugin_end_code(void)
{
    plugin_image_early();
    return plugin_proc.end_code;
}

uint64_t qemu_plugin_entry_code(void)
{
    plugin_image_early();
    return plugin_proc.entry;
}
