/*
 * linux-user/stack.c — the initial process stack (x86_64 SysV ABI).
 *
 *   mm_stack_top() ──► +------------------------------+
 *                      | 8 zero bytes (end marker)    |
 *                      | execfn string                |
 *                      | envp strings                 |
 *                      | argv strings                 |
 *                      | "x86_64" (AT_PLATFORM)       |
 *                      | 16 random bytes (AT_RANDOM)  |  16-aligned
 *                      | (padding to 16)              |
 *                      | auxv pairs ... AT_NULL, 0    |
 *                      | NULL, envp[envc-1] .. envp[0]|
 *                      | NULL, argv[argc-1] .. argv[0]|
 *        rsp ────────► | argc                         |  16-aligned
 *                      +------------------------------+
 *   stack_top - stack_size: lowest stack byte ("[stack]" mapping)
 *
 * Same order as Linux's create_elf_tables().  No AT_SYSINFO_EHDR: there
 * is no vDSO, and glibc then makes real syscalls for time functions.
 */
#include <elf.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>

#include "emu/x86/cpu-model.h"
#include "linux-user/internal.h"
#include "softmmu/softmmu.h"

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

/* ---- deterministic randomness for -seed ---- */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void lu_random_bytes(void *buf, size_t len)
{
    uint8_t *p = buf;

    if (lu_proc.have_seed) {
        while (len > 0) {
            uint64_t v = splitmix64(&lu_proc.rng_state);
            size_t n = len < 8 ? len : 8;
            memcpy(p, &v, n);
            p += n;
            len -= n;
        }
        return;
    }
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            /* No entropy source: fall back to something varying. */
            for (size_t i = 0; i < len; i++) {
                p[i] = (uint8_t)g_random_int();
            }
            return;
        }
        p += n;
        len -= (size_t)n;
    }
}

/* ---- building the stack ---- */

typedef struct StackWriter {
    uint64_t sp;        /* grows down */
    uint64_t limit;     /* lowest address we may use */
    bool ok;
} StackWriter;

static uint64_t push_bytes(StackWriter *w, const void *data, size_t len)
{
    if (!w->ok || w->sp - w->limit < len) {
        w->ok = false;
        return 0;
    }
    w->sp -= len;
    if (mm_copy_to_guest(w->sp, data, len) < 0) {
        w->ok = false;
    }
    return w->sp;
}

static uint64_t push_string(StackWriter *w, const char *s)
{
    return push_bytes(w, s, strlen(s) + 1);
}

static uint64_t stack_size_default(void)
{
    struct rlimit rl;
    uint64_t size = 8ULL << 20;

    if (getrlimit(RLIMIT_STACK, &rl) == 0) {
        lu_proc.rlimit_stack_max = rl.rlim_max;
        if (rl.rlim_cur != RLIM_INFINITY) {
            size = rl.rlim_cur;
        }
    } else {
        lu_proc.rlimit_stack_max = RLIM_INFINITY;
    }
    return size;
}

uint64_t stack_setup(const LinuxUserConfig *cfg, const ImageInfo *info, char **err)
{
    uint64_t top = mm_stack_top();
    uint64_t size = cfg->stack_size ? cfg->stack_size : stack_size_default();
    int prot = PROT_READ | PROT_WRITE | (info->exec_stack ? PROT_EXEC : 0);
    StackWriter w;
    int r;

    if (cfg->stack_size) {
        stack_size_default();   /* just for the hard limit */
        if (lu_proc.rlimit_stack_max < cfg->stack_size) {
            lu_proc.rlimit_stack_max = cfg->stack_size;
        }
    }
    size = (size + GUEST_PAGE_SIZE - 1) & GUEST_PAGE_MASK;
    if (size < 16 * GUEST_PAGE_SIZE) {
        size = 16 * GUEST_PAGE_SIZE;    /* room for argv/envp/auxv at least */
    }
    if (size > top - GUEST_MMAP_MIN_ADDR || size > (1ULL << 40)) {
        *err = g_strdup_printf("stack size %" G_GUINT64_FORMAT " is too large", (guint64)size);
        return 0;
    }
    r = mm_map_fixed(top - size, size, prot, -1, 0, "[stack]");
    if (r < 0) {
        *err = g_strdup_printf("cannot map the stack: %s", g_strerror(-r));
        return 0;
    }
    lu_proc.stack_size = size;
    lu_proc.stack_top = top;

    /* Linux limits argv+envp strings to a quarter of the stack. */
    w.sp = top;
    w.limit = top - size / 4;
    w.ok = true;

    uint64_t zero = 0;
    push_bytes(&w, &zero, sizeof(zero));
    uint64_t execfn = push_string(&w, lu_proc.execfn);

    int envc = 0;
    while (cfg->envp[envc]) {
        envc++;
    }
    g_autofree uint64_t *envp_addr = g_new0(uint64_t, envc + 1);
    g_autofree uint64_t *argv_addr = g_new0(uint64_t, cfg->argc + 1);
    for (int i = envc - 1; i >= 0; i--) {
        envp_addr[i] = push_string(&w, cfg->envp[i]);
    }
    for (int i = cfg->argc - 1; i >= 0; i--) {
        argv_addr[i] = push_string(&w, cfg->argv[i]);
    }
    if (!w.ok) {
        *err = g_strdup("argument list too long");
        return 0;
    }
    w.limit = top - size + GUEST_PAGE_SIZE;

    uint64_t platform = push_string(&w, "x86_64");
    uint8_t rnd[16];
    lu_random_bytes(rnd, sizeof(rnd));
    w.sp &= ~15ULL;
    uint64_t random_addr = push_bytes(&w, rnd, sizeof(rnd));

    /* auxv, in Linux's order */
    GArray *aux = g_array_new(FALSE, FALSE, sizeof(uint64_t));
#define AUX(type, val) do { uint64_t t_ = (type), v_ = (val); \
        g_array_append_val(aux, t_); g_array_append_val(aux, v_); } while (0)
    AUX(AT_MINSIGSTKSZ, TARGET_MINSIGSTKSZ);
    AUX(AT_HWCAP, x86_cpu_hwcap());
    AUX(AT_PAGESZ, GUEST_PAGE_SIZE);
    AUX(AT_CLKTCK, sysconf(_SC_CLK_TCK) > 0 ? (uint64_t)sysconf(_SC_CLK_TCK) : 100);
    AUX(AT_PHDR, info->phdr);
    AUX(AT_PHENT, info->phent);
    AUX(AT_PHNUM, info->phnum);
    AUX(AT_BASE, info->interp_base);  /* the interpreter's load bias, 0: none */
    AUX(AT_FLAGS, 0);
    AUX(AT_ENTRY, info->entry);
    AUX(AT_UID, getuid());
    AUX(AT_EUID, geteuid());
    AUX(AT_GID, getgid());
    AUX(AT_EGID, getegid());
    AUX(AT_SECURE, 0);
    AUX(AT_RANDOM, random_addr);
    AUX(AT_HWCAP2, x86_cpu_hwcap2());
    AUX(AT_EXECFN, execfn);
    AUX(AT_PLATFORM, platform);
    AUX(AT_NULL, 0);
#undef AUX

    /* argc, argv[], NULL, envp[], NULL, auxv: rsp at argc, 16-aligned. */
    size_t nwords = 1 + (size_t)cfg->argc + 1 + (size_t)envc + 1 + aux->len;
    g_autofree uint64_t *table = g_new0(uint64_t, nwords);
    size_t k = 0;
    table[k++] = (uint64_t)cfg->argc;
    for (int i = 0; i < cfg->argc; i++) {
        table[k++] = argv_addr[i];
    }
    table[k++] = 0;
    for (int i = 0; i < envc; i++) {
        table[k++] = envp_addr[i];
    }
    table[k++] = 0;
    memcpy(&table[k], aux->data, aux->len * sizeof(uint64_t));

    uint64_t sp = (w.sp - nwords * 8) & ~15ULL;
    if (sp < w.limit || mm_copy_to_guest(sp, table, nwords * 8) < 0 || !w.ok) {
        g_array_free(aux, TRUE);
        *err = g_strdup("argument list too long");
        return 0;
    }

    if (lu_proc.auxv) {
        g_byte_array_free(lu_proc.auxv, TRUE);
    }
    lu_proc.auxv = g_byte_array_new();
    lu_proc.start_stack = sp;
    g_byte_array_append(lu_proc.auxv, (const guint8 *)aux->data, aux->len * sizeof(uint64_t));
    g_array_free(aux, TRUE);
    return sp;
}
