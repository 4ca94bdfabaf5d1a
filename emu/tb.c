/*
 * emu/tb.c — the translation block cache.
 *
 * TBs are found by guest pc through a per-vCPU direct-mapped jump cache,
 * then a global hash table.  Each guest page that holds translated code has
 * a list of its TBs, so that a change to the page's bytes (reported by
 * softmmu through tb_invalidate_range) drops exactly those TBs.
 *
 * Reclamation: an invalidated TB may still be executing (x86 lets code
 * overwrite the block it runs), and cached pointers to it may exist in jump
 * caches and in other TBs' chaining slots.  So invalidation only marks it,
 * unhooks it from the hash and page lists, and bumps tb_epoch; every cached
 * pointer is tagged with the epoch it was made in and is ignored once the
 * epoch moves on.  The TB itself goes to a graveyard, tagged with the
 * epoch its invalidation created.
 *
 * Threads (docs/design-notes.md, "Concurrency of the TB cache"): every vCPU
 * publishes a quiescent epoch `qs` at each TB boundary (the epoch it has
 * seen there, after dropping every TB pointer cached in an older epoch),
 * or QS_OFFLINE while it is outside cpu_exec (syscalls, blocked in a
 * futex...).  A graveyard TB tagged T is freed only when every online
 * vCPU has qs >= T: none of them can still run it or chain into it.
 */
#include <glib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/exec.h"
#include "emu/log.h"
#include "emu/perfmap.h"
#include "emu/tb-internal.h"
#include "emu/translator.h"
#include "emu/tcg/backend.h"
#include "emu/tcg/tcg.h"
#include "emu/tcg/tcg-vec.h"
#include "emu/x86/disas.h"
#include "plugins/plugin.h"
#include "softmmu/softmmu.h"

/* The host JIT by default (the whole test suite passes on both; the
 * interpreter stays the reference: -accel tcg,backend=interp). */
const TCGBackend *tcg_backend = &tcg_backend_jit;
static bool tcg_backend_chosen;     /* by -accel: EMU_BACKEND is ignored */

bool tcg_backend_select(const char *name)
{
    static const TCGBackend *const all[] = { &tcg_backend_interp, &tcg_backend_jit };
    for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
        if (strcmp(name, all[i]->name) == 0) {
            tcg_backend = all[i];
            tcg_backend_chosen = true;
            return true;
        }
    }
    return false;
}

/* Serializes translation and invalidation. Lookups in the per-vCPU jump
 * cache do not take it. */
static pthread_mutex_t tb_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

uint64_t tb_epoch = 1;
bool tb_chaining_enabled = true;

static GHashTable *tb_hash;      /* pc -> TranslationBlock* (chained by hash_next) */
static GHashTable *tb_pages;     /* guest page -> GPtrArray of TBs */
/* Invalidated TBs awaiting free, with the epoch their retirement made. */
typedef struct TBGrave {
    TranslationBlock *tb;
    uint64_t tag;
} TBGrave;
static GArray *tb_graveyard;
static unsigned tb_graveyard_len;   /* atomic copy of ->len for the fast check */
static GPtrArray *tb_vcpus;         /* TBJmpCache of every registered vCPU */
/* add_counter targets with a per-vCPU pointer slot (env->counter_ptr). */
static struct { void *base; uint64_t stride; } counter_slots[EMU_COUNTER_SLOTS];
static int n_counter_slots;
static int tb_counter_slot(void *base, uint64_t stride);
static uint64_t nb_tbs;

/* fork() of a multi-threaded guest: no other thread may hold tb_lock at
 * the fork (the child has only the forking thread). */
static void tb_atfork_prepare(void)
{
    pthread_mutex_lock(&tb_lock);
}

static void tb_atfork_parent(void)
{
    pthread_mutex_unlock(&tb_lock);
}

static void tb_atfork_child(void)
{
    /* The owner's tid changed: a fresh (recursive) mutex. */
    pthread_mutex_t fresh = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
    tb_lock = fresh;
}

void tb_vcpus_fork_child(TBJmpCache *keep)
{
    /* The other threads' vCPUs are gone. */
    g_ptr_array_set_size(tb_vcpus, 0);
    g_ptr_array_add(tb_vcpus, keep);
}

void tb_cache_init(void)
{
    const char *b = getenv("EMU_BACKEND");
    if (!tcg_backend_chosen && b && *b && !tcg_backend_select(b)) {
        fprintf(stderr, "emu: EMU_BACKEND=%s: unknown backend (interp, jit)\n", b);
        exit(1);
    }
    /* Chained TBs skip cpu_exec's loop, which logs each TB (-d exec/cpu)
     * and is what -d nochain asks for. */
    tb_chaining_enabled = !emu_log_enabled(LOG_NOCHAIN | LOG_EXEC | LOG_CPU);
    tcg_chaining_enabled = tb_chaining_enabled && tcg_backend->chain;
    tcg_vec_ops_native = tcg_backend->vec_native && tcg_backend->vec_native();
    const char *vo = getenv("EMU_VEC_OPS");     /* 0/1: force (tests, A/B) */
    if (vo && *vo) {
        tcg_vec_ops_native = vo[0] != '0';
    }
    tcg_lookup_code = tb_lookup_code;
    tcg_counter_slot = tb_counter_slot;
    tb_hash = g_hash_table_new(g_int64_hash, g_int64_equal);
    tb_pages = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                     (GDestroyNotify)g_ptr_array_unref);
    tb_graveyard = g_array_new(FALSE, FALSE, sizeof(TBGrave));
    tb_vcpus = g_ptr_array_new();
    pthread_atfork(tb_atfork_prepare, tb_atfork_parent, tb_atfork_child);
    mm_set_invalidate_hook(tb_invalidate_range);
}

uint64_t tb_count(void)
{
    return nb_tbs;
}

/* ---- per-vCPU jump cache ---- */

static void counter_slot_fill(CPUX86State *env, int k)
{
    env->counter_ptr[k] = (uint64_t *)(void *)((uint8_t *)counter_slots[k].base +
                                               (uint64_t)env->cpu_index * counter_slots[k].stride);
}

/* Called at translation, under tb_lock (as vCPU registration is). */
static int tb_counter_slot(void *base, uint64_t stride)
{
    for (int k = 0; k < n_counter_slots; k++) {
        if (counter_slots[k].base == base && counter_slots[k].stride == stride) {
            return k;
        }
    }
    if (n_counter_slots == EMU_COUNTER_SLOTS) {
        return -1;
    }
    int k = n_counter_slots++;
    counter_slots[k].base = base;
    counter_slots[k].stride = stride;
    for (guint i = 0; i < tb_vcpus->len; i++) {
        TBJmpCache *jc = tb_vcpus->pdata[i];
        if (jc->env) {
            counter_slot_fill(jc->env, k);
        }
    }
    return k;
}

TBJmpCache *tb_jmp_cache_new(CPUX86State *env)
{
    TBJmpCache *jc = g_new0(TBJmpCache, 1);
    jc->env = env;
    memset(jc->fast, 0xff, sizeof(jc->fast));   /* pc -1: never a guest pc */
    jc->fast_epoch = jc->epoch;
    env->tb_jmp_fast = jc->fast;
    jc->epoch = tb_epoch;
    jc->qs = QS_OFFLINE;
    pthread_mutex_lock(&tb_lock);
    g_ptr_array_add(tb_vcpus, jc);
    for (int k = 0; k < n_counter_slots; k++) {
        counter_slot_fill(env, k);     /* its own cpu_index, not a parent's */
    }
    pthread_mutex_unlock(&tb_lock);
    return jc;
}

void tb_jmp_cache_free(TBJmpCache *jc)
{
    pthread_mutex_lock(&tb_lock);
    g_ptr_array_remove_fast(tb_vcpus, jc);
    pthread_mutex_unlock(&tb_lock);
    g_free(jc);
}

void tb_vcpu_online(TBJmpCache *jc)
{
    /* Publish an epoch, then check it is still current: a reclaimer that
     * saw us offline bumped the epoch before looking, so a stale publish
     * is caught here (seq_cst on both sides). */
    for (;;) {
        uint64_t e = __atomic_load_n(&tb_epoch, __ATOMIC_SEQ_CST);
        __atomic_store_n(&jc->qs, e, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&tb_epoch, __ATOMIC_SEQ_CST) == e) {
            return;
        }
    }
}

void tb_vcpu_offline(TBJmpCache *jc)
{
    __atomic_store_n(&jc->qs, QS_OFFLINE, __ATOMIC_RELEASE);
}

static inline unsigned tb_jmp_hash(uint64_t pc)
{
    return (unsigned)((pc ^ (pc >> TB_JMP_CACHE_BITS)) & (TB_JMP_CACHE_SIZE - 1));
}

/* ---- global table ---- */

static TranslationBlock *tb_hash_lookup_locked(uint64_t pc, uint32_t flags)
{
    TranslationBlock *tb = g_hash_table_lookup(tb_hash, &pc);
    for (; tb; tb = tb->hash_next) {
        if (tb->pc == pc && tb->flags == flags && !tb->invalid) {
            return tb;
        }
    }
    return NULL;
}

static void tb_page_add_locked(uint64_t page, TranslationBlock *tb)
{
    GPtrArray *list = g_hash_table_lookup(tb_pages, &page);
    if (list == NULL) {
        uint64_t *key = g_new(uint64_t, 1);
        *key = page;
        list = g_ptr_array_new();
        g_hash_table_insert(tb_pages, key, list);
    }
    g_ptr_array_add(list, tb);
    mm_mark_code_page(page);
}

static void tb_link_locked(TranslationBlock *tb)
{
    TranslationBlock *head = g_hash_table_lookup(tb_hash, &tb->pc);
    tb->hash_next = head;
    /* The key points into the TB itself; the TB outlives its entry. */
    g_hash_table_replace(tb_hash, &tb->pc, tb);
    tb_page_add_locked(tb->page[0], tb);
    if (tb->page[1] != (uint64_t)-1) {
        tb_page_add_locked(tb->page[1], tb);
    }
    nb_tbs++;
}

static void tb_hash_remove_locked(TranslationBlock *tb)
{
    TranslationBlock *head = g_hash_table_lookup(tb_hash, &tb->pc);
    if (head == tb) {
        if (tb->hash_next) {
            g_hash_table_replace(tb_hash, &tb->hash_next->pc, tb->hash_next);
        } else {
            g_hash_table_remove(tb_hash, &tb->pc);
        }
        return;
    }
    for (TranslationBlock *p = head; p; p = p->hash_next) {
        if (p->hash_next == tb) {
            p->hash_next = tb->hash_next;
            return;
        }
    }
}

static void tb_page_remove_locked(uint64_t page, TranslationBlock *tb)
{
    GPtrArray *list = g_hash_table_lookup(tb_pages, &page);
    if (list) {
        g_ptr_array_remove_fast(list, tb);
        if (list->len == 0) {
            g_hash_table_remove(tb_pages, &page);
        }
    }
}

/* ---- direct chaining in generated code ---- */

static void tb_link_in_remove(TranslationBlock *to, uintptr_t key)
{
    for (uint32_t i = 0; i < to->n_link_in; i++) {
        if (to->link_in[i] == key) {
            to->link_in[i] = to->link_in[--to->n_link_in];
            return;
        }
    }
}

/* A link_in entry: the source TB with its slot in the low bits (TBs come
 * from g_new0: malloc's 16-byte alignment leaves four bits). */
#define LINK_SLOT_MASK ((uintptr_t)7)
_Static_assert(TB_JMP_SLOTS <= LINK_SLOT_MASK + 1, "slot must fit in link_in's low bits");
_Static_assert(TB_JMP_SLOTS == TCG_GOTO_TB_SLOTS, "exec.h and tcg.h agree on the slots");

static uintptr_t link_key(TranslationBlock *from, unsigned slot)
{
    g_assert(((uintptr_t)from & LINK_SLOT_MASK) == 0 && slot < TB_JMP_SLOTS);
    return (uintptr_t)from | slot;
}

void tb_link(TranslationBlock *from, unsigned slot, TranslationBlock *to)
{
    if (!tcg_backend->chain || !tb_chaining_enabled) {
        return;
    }
    pthread_mutex_lock(&tb_lock);
    /* Code in shared memory is checked before each run (cpu-exec.c), and a
     * one-instruction TB is a restart that cpu_exec must see end. */
    if (!from->invalid && !to->invalid && !to->shadow && to->flags == 0 &&
        from->flags == 0 && from->jmp_target[slot] == to->pc &&
        from->link_to[slot] == NULL && tcg_backend->chain(from->code, slot, to->code)) {
        if (to->n_link_in == to->cap_link_in) {
            to->cap_link_in = MAX(4u, to->cap_link_in * 2);
            to->link_in = g_renew(uintptr_t, to->link_in, to->cap_link_in);
        }
        to->link_in[to->n_link_in++] = link_key(from, slot);
        from->link_to[slot] = to;
    }
    pthread_mutex_unlock(&tb_lock);
}

/* Nothing jumps into tb's code any more, nor is it on a list of the TBs
 * it jumps to.  A vCPU already past a patched jump finishes this TB (the
 * code stays until reclamation). */
static void tb_unlink_locked(TranslationBlock *tb)
{
    for (uint32_t i = 0; i < tb->n_link_in; i++) {
        TranslationBlock *from = (TranslationBlock *)(tb->link_in[i] & ~LINK_SLOT_MASK);
        unsigned slot = (unsigned)(tb->link_in[i] & LINK_SLOT_MASK);
        tcg_backend->chain(from->code, slot, NULL);
        from->link_to[slot] = NULL;
    }
    tb->n_link_in = 0;
    for (unsigned slot = 0; slot < TB_JMP_SLOTS; slot++) {
        if (tb->link_to[slot]) {
            tb_link_in_remove(tb->link_to[slot], link_key(tb, slot));
            tb->link_to[slot] = NULL;
        }
    }
}

/* Unhook tb everywhere and queue it for freeing. */
static void tb_invalidate_locked(TranslationBlock *tb, uint64_t skip_page)
{
    if (tb->invalid) {
        return;
    }
    __atomic_store_n(&tb->invalid, true, __ATOMIC_RELEASE);
    tb_unlink_locked(tb);
    tb_hash_remove_locked(tb);
    if (tb->page[0] != skip_page) {
        tb_page_remove_locked(tb->page[0], tb);
    }
    if (tb->page[1] != (uint64_t)-1 && tb->page[1] != skip_page) {
        tb_page_remove_locked(tb->page[1], tb);
    }
    TBGrave g = { tb, 0 };     /* tagged by tb_retire_commit_locked */
    g_array_append_val(tb_graveyard, g);
    nb_tbs--;
}

/* After a batch of tb_invalidate_locked: a new epoch, and the batch's
 * graveyard entries (tag 0) get it. */
static void tb_retire_commit_locked(void)
{
    uint64_t e = __atomic_add_fetch(&tb_epoch, 1, __ATOMIC_SEQ_CST);
    for (guint i = tb_graveyard->len; i-- > 0;) {
        TBGrave *g = &g_array_index(tb_graveyard, TBGrave, i);
        if (g->tag != 0) {
            break;
        }
        g->tag = e;
    }
    __atomic_store_n(&tb_graveyard_len, tb_graveyard->len, __ATOMIC_RELEASE);
    if (tcg_backend->chain) {
        /* A vCPU running chained code never passes cpu_exec's loop, where
         * it publishes its epoch: send every online one through it once,
         * so that the graveyard can be freed. */
        for (guint i = 0; i < tb_vcpus->len; i++) {
            TBJmpCache *jc = tb_vcpus->pdata[i];
            if (__atomic_load_n(&jc->qs, __ATOMIC_SEQ_CST) != QS_OFFLINE && jc->env) {
                __atomic_or_fetch(&jc->env->exit_request, EXIT_KICK, __ATOMIC_SEQ_CST);
            }
        }
    }
}

void tb_invalidate_range(uint64_t start, uint64_t end)
{
    if (end <= start) {
        return;
    }
    pthread_mutex_lock(&tb_lock);
    bool any = false;
    uint64_t first = start & GUEST_PAGE_MASK;
    uint64_t npages = ((end - 1) & GUEST_PAGE_MASK) / GUEST_PAGE_SIZE - first / GUEST_PAGE_SIZE + 1;

    if (npages > g_hash_table_size(tb_pages)) {
        /* Huge range (munmap of gigabytes): walk the code pages instead. */
        GHashTableIter it;
        gpointer key, value;
        GPtrArray *victims = g_ptr_array_new();
        g_hash_table_iter_init(&it, tb_pages);
        while (g_hash_table_iter_next(&it, &key, &value)) {
            uint64_t page = *(uint64_t *)key;
            if (page + GUEST_PAGE_SIZE > start && page < end) {
                GPtrArray *list = value;
                for (guint i = 0; i < list->len; i++) {
                    g_ptr_array_add(victims, list->pdata[i]);
                }
            }
        }
        for (guint i = 0; i < victims->len; i++) {
            tb_invalidate_locked(victims->pdata[i], (uint64_t)-1);
            any = true;
        }
        g_ptr_array_free(victims, true);
    } else {
        for (uint64_t page = first; page < end; page += GUEST_PAGE_SIZE) {
            GPtrArray *list = g_hash_table_lookup(tb_pages, &page);
            if (list == NULL) {
                continue;
            }
            /* Take ownership of this page's list, then unhook each TB from
             * its other page. */
            g_ptr_array_ref(list);
            g_hash_table_remove(tb_pages, &page);
            for (guint i = 0; i < list->len; i++) {
                tb_invalidate_locked(list->pdata[i], page);
                any = true;
            }
            g_ptr_array_unref(list);
        }
    }
    if (any) {
        tb_retire_commit_locked();
    }
    pthread_mutex_unlock(&tb_lock);
}

void tb_flush(void)
{
    pthread_mutex_lock(&tb_lock);
    GHashTableIter it;
    gpointer key, value;
    GPtrArray *all = g_ptr_array_new();
    g_hash_table_iter_init(&it, tb_pages);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        GPtrArray *list = value;
        for (guint i = 0; i < list->len; i++) {
            g_ptr_array_add(all, list->pdata[i]);
        }
    }
    for (guint i = 0; i < all->len; i++) {
        tb_invalidate_locked(all->pdata[i], (uint64_t)-1);
    }
    g_ptr_array_free(all, true);
    tb_retire_commit_locked();
    pthread_mutex_unlock(&tb_lock);
    plugin_flush_notify();
}

bool tb_reclaim(void)
{
    if (__atomic_load_n(&tb_graveyard_len, __ATOMIC_ACQUIRE) == 0) {
        return false;
    }
    /* Never wait here: another thread translating will reclaim later. */
    if (pthread_mutex_trylock(&tb_lock) != 0) {
        return false;
    }
    uint64_t min_qs = QS_OFFLINE;
    for (guint i = 0; i < tb_vcpus->len; i++) {
        TBJmpCache *jc = tb_vcpus->pdata[i];
        uint64_t q = __atomic_load_n(&jc->qs, __ATOMIC_SEQ_CST);
        if (q < min_qs) {
            min_qs = q;
        }
    }
    guint kept = 0;
    bool any = false;
    for (guint i = 0; i < tb_graveyard->len; i++) {
        TBGrave g = g_array_index(tb_graveyard, TBGrave, i);
        if (g.tag == 0 || g.tag > min_qs) {
            g_array_index(tb_graveyard, TBGrave, kept++) = g;
            continue;
        }
        TranslationBlock *tb = g.tb;
        if (tb->code) {
            tcg_backend->free_code(tb->code);
        }
        plugin_tb_free(tb);
        g_free(tb->link_in);
        g_free(tb->insn_off);
        g_free(tb->shadow);
        g_free(tb);
        any = true;
    }
    g_array_set_size(tb_graveyard, kept);
    __atomic_store_n(&tb_graveyard_len, kept, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&tb_lock);
    return any;
}

void tb_set_jmp(TranslationBlock *from, unsigned slot, TranslationBlock *to, uint64_t epoch)
{
    /* Writers serialize on tb_lock; readers (tb_get_jmp) are lock-free and
     * accept the pair only if the epoch word is the same, and nonzero,
     * before and after reading the pointer. */
    pthread_mutex_lock(&tb_lock);
    __atomic_store_n(&from->jmp_epoch[slot], 0, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&from->jmp_dest[slot], to, __ATOMIC_RELAXED);
    __atomic_store_n(&from->jmp_epoch[slot], epoch, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&tb_lock);
}

/* ---- translation ---- */

static void tb_log_translation(TranslationBlock *tb)
{
    if (emu_log_enabled(LOG_IN_ASM) && tb->size > 0) {
        uint8_t *buf = g_malloc(tb->size);
        size_t n = mm_fetch_code(tb->pc, buf, tb->size);
        qemu_log("IN: \n");
        x86_disas_log(emu_logfile ? emu_logfile : stderr, tb->pc, buf, n);
        qemu_log("\n");
        g_free(buf);
    }
}

static TranslationBlock *tb_gen_code_locked(CPUX86State *env, uint64_t pc, uint32_t flags)
{
    TranslationBlock *tb = g_new0(TranslationBlock, 1);
    TCGContext *s = tcg_ctx();

    tb->pc = pc;
    tb->flags = flags;

    /* Write-protect the first page before reading its bytes: another
     * thread's store from here on faults, and its invalidation waits for
     * tb_lock, so it drops this TB once linked.  (A second page is
     * protected only at link time: a store racing with this translation
     * there can go unseen — see docs/design-notes.md.) */
    mm_mark_code_page(pc & GUEST_PAGE_MASK);

    /* Plugins see the guest instructions and insert their instrumentation
     * before the optimizer runs; a superblock is translated again if one
     * needs whole TBs (plugins/instrument.c). */
    do {
        tcg_func_start();
        s->tb = tb;
        for (unsigned k = 0; k < TB_JMP_SLOTS; k++) {
            tb->jmp_target[k] = (uint64_t)-1;
        }
        x86_translate_code(env, tb, (flags & TB_FLAG_ONE_INSN) ? 1 : TB_MAX_INSNS);
    } while (!plugin_instrument_tb(env, tb));

    tb_log_translation(tb);
    if (emu_log_enabled(LOG_OP)) {
        qemu_log("OP:\n");
        tcg_dump_ops(s, emu_logfile ? emu_logfile : stderr);
        qemu_log("\n");
    }
    tcg_optimize(s);
    if (emu_log_enabled(LOG_OP_OPT)) {
        qemu_log("OP after optimization:\n");
        tcg_dump_ops(s, emu_logfile ? emu_logfile : stderr);
        qemu_log("\n");
    }

    size_t host_size = 0;
    tb->code = tcg_backend->gen_code(s, &host_size);
    if (tb->code == NULL) {
        /* Code cache full: drop everything and retry once. */
        tb_flush();
        tb->code = tcg_backend->gen_code(s, &host_size);
        g_assert(tb->code != NULL);
    }
    if (emu_log_enabled(LOG_OUT_ASM) && tcg_backend->dump_code) {
        qemu_log("OUT: [size=%zu]\n", host_size);
        tcg_backend->dump_code(tb->code, emu_logfile ? emu_logfile : stderr);
        qemu_log("\n");
    }
    if (tcg_backend->code_entry) {
        perfmap_add(tcg_backend->code_entry(tb->code), host_size, tb->pc, tb->size);
    }
    s->tb = NULL;
    /* Shared memory can change behind the write protection (another
     * mapping, another process): keep the bytes to check before runs. */
    if (tb->size && mm_code_is_shared(tb->pc, tb->size)) {
        tb->shadow = g_malloc(tb->size);
        if (mm_fetch_code(tb->pc, tb->shadow, tb->size) != tb->size) {
            memset(tb->shadow, 0, tb->size);   /* mismatch: retranslated at once */
        }
    }
    tb_link_locked(tb);
    return tb;
}

void tb_fast_sync(TBJmpCache *jc, uint64_t epoch)
{
    if (jc->fast_epoch != epoch) {
        memset(jc->fast, 0xff, sizeof(jc->fast));
        jc->fast_epoch = epoch;
    }
}

void tb_fast_add(TBJmpCache *jc, TranslationBlock *tb)
{
    /* Only TBs valid in the table's epoch (tb_lookup just returned tb: if
     * it was retired since, that made a newer epoch than fast_epoch, and
     * it is not freed before this vCPU empties the table). */
    if (tcg_backend->code_entry && tb->flags == 0 && !tb->shadow) {
        TBFastEntry *e = &jc->fast[tb_jmp_hash(tb->pc)];
        e->pc = tb->pc;
        e->entry = tcg_backend->code_entry(tb->code);
    }
}

void *tb_lookup_code(CPUX86State *env)
{
    TBJmpCache *jc = env->tb_jmp_cache;
    /* Entries are valid only in the current epoch; this vCPU has not
     * published a newer one than they were made in, so whatever they
     * point to is not freed (emu/tb.c's reclamation). */
    uint64_t epoch = __atomic_load_n(&tb_epoch, __ATOMIC_ACQUIRE);
    if (jc->epoch != epoch || jc->fast_epoch != epoch) {
        return NULL;
    }
    uint64_t pc = env->rip;
    TranslationBlock *tb = jc->entry[tb_jmp_hash(pc)];
    if (tb && tb->pc == pc && tb->flags == 0 && !tb->shadow &&
        !__atomic_load_n(&tb->invalid, __ATOMIC_RELAXED)) {
        tb_fast_add(jc, tb);
        return tb->code;
    }
    return NULL;
}

TranslationBlock *tb_lookup(CPUX86State *env, uint64_t pc, uint32_t flags)
{
    TBJmpCache *jc = env->tb_jmp_cache;
    uint64_t epoch = __atomic_load_n(&tb_epoch, __ATOMIC_ACQUIRE);

    if (jc->epoch != epoch) {
        memset(jc->entry, 0, sizeof(jc->entry));
        jc->epoch = epoch;
    }
    unsigned h = tb_jmp_hash(pc);
    TranslationBlock *tb = jc->entry[h];
    if (tb && tb->pc == pc && tb->flags == flags &&
        !__atomic_load_n(&tb->invalid, __ATOMIC_RELAXED)) {
        return tb;
    }

    pthread_mutex_lock(&tb_lock);
    tb = tb_hash_lookup_locked(pc, flags);
    if (tb == NULL) {
        tb = tb_gen_code_locked(env, pc, flags);
    }
    pthread_mutex_unlock(&tb_lock);

    /* Cache it only if no invalidation happened meanwhile (this lookup's
     * own translation included): an entry of epoch E must be a TB whose
     * retirement, if any, makes an epoch > E. */
    if (__atomic_load_n(&tb_epoch, __ATOMIC_ACQUIRE) == epoch) {
        jc->entry[h] = tb;
    }
    return tb;
}
