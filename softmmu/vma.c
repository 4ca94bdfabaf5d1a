/*
 * softmmu/vma.c — the VMA tracker (see vma.h).
 *
 * An AVL tree keyed by range start.  Each node also carries the free gap in
 * front of it (its start minus the previous range's end, or minus
 * tree->low for the first range) and the largest gap in its subtree; the
 * lowest-fit search for free space walks down that augmentation instead of
 * scanning ranges.
 *
 * Only this file's own header and libc: no host mappings are made here, so
 * the tracker compiles standalone into the unit test.
 */
#include "softmmu/vma.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void *vma_xmalloc(size_t n)
{
    void *p = malloc(n);
    if (p == NULL) {
        /* Emulator out of host memory: nothing sensible to give the guest. */
        fputs("emu: out of memory in the VMA tracker\n", stderr);
        abort();
    }
    return p;
}

static char *vma_strdup(const char *s)
{
    if (s == NULL) {
        return NULL;
    }
    size_t n = strlen(s) + 1;
    char *d = vma_xmalloc(n);
    memcpy(d, s, n);
    return d;
}

static void vma_free_node(Vma *v)
{
    free(v->name);
    free(v);
}

/* ---- AVL primitives (recursive; depth is at most ~1.44 log2 n) ---- */

static inline int avl_height(const Vma *n) { return n ? n->height : 0; }
static inline uint64_t avl_max_gap(const Vma *n) { return n ? n->max_gap : 0; }

/* Recompute height and max_gap of n from its children. */
static void avl_update(Vma *n)
{
    int hl = avl_height(n->left), hr = avl_height(n->right);
    n->height = (hl > hr ? hl : hr) + 1;
    uint64_t g = n->gap;
    if (avl_max_gap(n->left) > g) {
        g = avl_max_gap(n->left);
    }
    if (avl_max_gap(n->right) > g) {
        g = avl_max_gap(n->right);
    }
    n->max_gap = g;
}

/*
 *      y            x
 *     / \          / \
 *    x   C  ==>   A   y
 *   / \              / \
 *  A   B            B   C
 */
static Vma *avl_rotate_right(Vma *y)
{
    Vma *x = y->left;
    y->left = x->right;
    x->right = y;
    avl_update(y);
    avl_update(x);
    return x;
}

static Vma *avl_rotate_left(Vma *x)
{
    Vma *y = x->right;
    x->right = y->left;
    y->left = x;
    avl_update(x);
    avl_update(y);
    return y;
}

static Vma *avl_balance(Vma *n)
{
    avl_update(n);
    int bf = avl_height(n->left) - avl_height(n->right);
    if (bf > 1) {
        if (avl_height(n->left->left) < avl_height(n->left->right)) {
            n->left = avl_rotate_left(n->left);
        }
        return avl_rotate_right(n);
    }
    if (bf < -1) {
        if (avl_height(n->right->right) < avl_height(n->right->left)) {
            n->right = avl_rotate_right(n->right);
        }
        return avl_rotate_left(n);
    }
    return n;
}

static Vma *avl_insert(Vma *n, Vma *node)
{
    if (n == NULL) {
        node->left = node->right = NULL;
        avl_update(node);
        return node;
    }
    if (node->start < n->start) {
        n->left = avl_insert(n->left, node);
    } else {
        n->right = avl_insert(n->right, node);
    }
    return avl_balance(n);
}

static Vma *avl_remove_min(Vma *n, Vma **min)
{
    if (n->left == NULL) {
        *min = n;
        return n->right;
    }
    n->left = avl_remove_min(n->left, min);
    return avl_balance(n);
}

/* Unlink the node whose start is key (it must exist); the caller frees it. */
static Vma *avl_remove(Vma *n, uint64_t key)
{
    if (n == NULL) {
        return NULL;
    }
    if (key < n->start) {
        n->left = avl_remove(n->left, key);
    } else if (key > n->start) {
        n->right = avl_remove(n->right, key);
    } else {
        Vma *l = n->left, *r = n->right, *m;
        if (l == NULL) {
            return r;
        }
        if (r == NULL) {
            return l;
        }
        r = avl_remove_min(r, &m);
        m->left = l;
        m->right = r;
        n = m;
    }
    return avl_balance(n);
}

/* A node's gap changed: recompute max_gap along its path from the root. */
static void avl_refresh(Vma *n, uint64_t key)
{
    if (n == NULL) {
        return;
    }
    if (key < n->start) {
        avl_refresh(n->left, key);
    } else if (key > n->start) {
        avl_refresh(n->right, key);
    }
    avl_update(n);
}

/* ---- tree API ---- */

void vma_tree_init(VmaTree *t, uint64_t low)
{
    t->root = NULL;
    t->count = 0;
    t->low = low;
    t->total_bytes = t->data_bytes = 0;
}

bool vma_desc_is_data(int prot, int flags, const char *name)
{
    return (prot & PROT_WRITE) && !(flags & MAP_SHARED) && !(flags & MAP_GROWSDOWN) &&
           !(name && strcmp(name, "[stack]") == 0);
}

static void vma_destroy_rec(Vma *n)
{
    if (n) {
        vma_destroy_rec(n->left);
        vma_destroy_rec(n->right);
        vma_free_node(n);
    }
}

void vma_tree_destroy(VmaTree *t)
{
    vma_destroy_rec(t->root);
    t->root = NULL;
    t->count = 0;
    t->total_bytes = t->data_bytes = 0;
}

size_t vma_count(const VmaTree *t)
{
    return t->count;
}

Vma *vma_lookup(const VmaTree *t, uint64_t addr)
{
    Vma *n = t->root;
    while (n) {
        if (addr < n->start) {
            n = n->left;
        } else if (addr >= n->end) {
            n = n->right;
        } else {
            return n;
        }
    }
    return NULL;
}

Vma *vma_find_next(const VmaTree *t, uint64_t addr)
{
    /* Ends are ordered like starts because ranges do not overlap. */
    Vma *n = t->root, *best = NULL;
    while (n) {
        if (n->end > addr) {
            best = n;
            n = n->left;
        } else {
            n = n->right;
        }
    }
    return best;
}

Vma *vma_find_prev(const VmaTree *t, uint64_t addr)
{
    Vma *n = t->root, *best = NULL;
    while (n) {
        if (n->start < addr) {
            best = n;
            n = n->right;
        } else {
            n = n->left;
        }
    }
    return best;
}

Vma *vma_first(const VmaTree *t)
{
    Vma *n = t->root;
    while (n && n->left) {
        n = n->left;
    }
    return n;
}

Vma *vma_last(const VmaTree *t)
{
    Vma *n = t->root;
    while (n && n->right) {
        n = n->right;
    }
    return n;
}

bool vma_range_free(const VmaTree *t, uint64_t start, uint64_t end)
{
    Vma *v = vma_find_next(t, start);
    return v == NULL || v->start >= end;
}

bool vma_range_mapped(const VmaTree *t, uint64_t start, uint64_t end)
{
    uint64_t a = start;
    while (a < end) {
        Vma *v = vma_lookup(t, a);
        if (v == NULL) {
            return false;
        }
        a = v->end;
    }
    return true;
}

/* Recompute the gap in front of v (its predecessor may have changed). */
static void vma_fix_gap(VmaTree *t, Vma *v)
{
    if (v == NULL) {
        return;
    }
    Vma *p = vma_find_prev(t, v->start);
    v->gap = v->start - (p ? p->end : t->low);
    avl_refresh(t->root, v->start);
}

/* Add (sign 1) or remove (sign -1) v's bytes from the tree's totals;
 * every change of a range's extent, prot, flags or name is bracketed by
 * the pair. */
static void vma_account(VmaTree *t, const Vma *v, int sign)
{
    uint64_t n = v->end - v->start;
    t->total_bytes += sign > 0 ? n : -n;
    if (vma_desc_is_data(v->prot, v->flags, v->name)) {
        t->data_bytes += sign > 0 ? n : -n;
    }
}

static void vma_link(VmaTree *t, Vma *v)
{
    vma_account(t, v, 1);
    Vma *p = vma_find_prev(t, v->start);
    v->gap = v->start - (p ? p->end : t->low);
    t->root = avl_insert(t->root, v);
    t->count++;
    vma_fix_gap(t, vma_find_next(t, v->end));
}

static void vma_unlink(VmaTree *t, Vma *v)
{
    uint64_t end = v->end;
    vma_account(t, v, -1);
    t->root = avl_remove(t->root, v->start);
    t->count--;
    vma_fix_gap(t, vma_find_next(t, end));
}

static bool vma_compatible(const Vma *a, const Vma *b)
{
    if (a->end != b->start || a->prot != b->prot || a->flags != b->flags ||
        a->file != b->file || a->dev != b->dev || a->inode != b->inode) {
        return false;
    }
    if ((a->name == NULL) != (b->name == NULL) ||
        (a->name && strcmp(a->name, b->name) != 0)) {
        return false;
    }
    /* File-like ranges merge only where the offsets continue. */
    return !a->file || a->offset + (a->end - a->start) == b->offset;
}

/*
 * Merge with neighbours that continue v seamlessly:
 *
 *   before:  |--prev--|----v----|--next--|     (same prot/backing)
 *   after:   |------------prev-----------|
 *
 * The lower node survives (its start, the tree key, does not move).
 */
Vma *vma_merge_around(VmaTree *t, Vma *v)
{
    Vma *p = vma_find_prev(t, v->start);
    if (p && vma_compatible(p, v)) {
        uint64_t end = v->end;
        vma_unlink(t, v);
        vma_free_node(v);
        vma_account(t, p, -1);
        p->end = end;
        vma_account(t, p, 1);
        vma_fix_gap(t, vma_find_next(t, end));
        v = p;
    }
    Vma *n = vma_find_next(t, v->end);
    if (n && vma_compatible(v, n)) {
        uint64_t end = n->end;
        vma_unlink(t, n);
        vma_free_node(n);
        vma_account(t, v, -1);
        v->end = end;
        vma_account(t, v, 1);
        vma_fix_gap(t, vma_find_next(t, end));
    }
    return v;
}

Vma *vma_insert(VmaTree *t, uint64_t start, uint64_t end, const VmaDesc *d)
{
    if (end <= start || start < t->low || !vma_range_free(t, start, end)) {
        return NULL;
    }
    Vma *v = vma_xmalloc(sizeof(*v));
    memset(v, 0, sizeof(*v));
    v->start = start;
    v->end = end;
    v->prot = d->prot;
    v->flags = d->flags;
    v->offset = d->offset;
    v->dev = d->dev;
    v->inode = d->inode;
    v->file = d->file;
    v->name = vma_strdup(d->name);
    vma_link(t, v);
    return vma_merge_around(t, v);
}

/*
 * Split the range that strictly contains addr:
 *
 *   before:  |--------v--------|
 *                   ^addr
 *   after:   |---v---|---w-----|    w copies v, offset advanced
 *
 * The gap of w is 0 and the successor's gap is unchanged (w ends where v
 * ended).
 */
void vma_split_at(VmaTree *t, uint64_t addr)
{
    Vma *v = vma_lookup(t, addr);
    if (v == NULL || v->start == addr) {
        return;
    }
    Vma *w = vma_xmalloc(sizeof(*w));
    *w = *v;
    w->name = vma_strdup(v->name);
    w->start = addr;
    if (w->file) {
        w->offset = v->offset + (addr - v->start);
    }
    v->end = addr;
    w->gap = 0;
    t->root = avl_insert(t->root, w);
    t->count++;
}

/*
 * Remove [start, end):
 *
 *   before:  |--a--|   |----b----|  |--c--|
 *               [start ........ end)
 *   after:   |a|                       |c|
 *
 * Ranges crossing an edge are split first, then every node inside is
 * unlinked and freed.
 */
uint64_t vma_remove_range(VmaTree *t, uint64_t start, uint64_t end)
{
    uint64_t removed = 0;
    if (end <= start) {
        return 0;
    }
    vma_split_at(t, start);
    vma_split_at(t, end);
    for (;;) {
        Vma *v = vma_find_next(t, start);
        if (v == NULL || v->start >= end) {
            break;
        }
        removed += v->end - v->start;
        vma_unlink(t, v);
        vma_free_node(v);
    }
    return removed;
}

/* Re-merge every node touching [start, end] after a change over it. */
static void vma_merge_range(VmaTree *t, uint64_t start, uint64_t end)
{
    Vma *v = vma_find_next(t, start > 0 ? start - 1 : 0);
    while (v && v->start <= end) {
        v = vma_merge_around(t, v);
        v = vma_find_next(t, v->end);
    }
}

/*
 * Change prot over the mapped parts of [start, end):
 *
 *   before:  |--------a (rw)--------|
 *                 [start  end)
 *   after:   |-a rw-|-b r--|-c rw---|     then neighbours merge again if
 *                                         the new prot equals theirs
 */
void vma_set_prot(VmaTree *t, uint64_t start, uint64_t end, int prot)
{
    if (end <= start) {
        return;
    }
    vma_split_at(t, start);
    vma_split_at(t, end);
    for (Vma *v = vma_find_next(t, start); v && v->start < end; v = vma_find_next(t, v->end)) {
        vma_account(t, v, -1);
        v->prot = prot;
        vma_account(t, v, 1);
    }
    vma_merge_range(t, start, end);
}

void vma_set_name(VmaTree *t, uint64_t start, uint64_t end, const char *name)
{
    if (end <= start) {
        return;
    }
    vma_split_at(t, start);
    vma_split_at(t, end);
    for (Vma *v = vma_find_next(t, start); v && v->start < end; v = vma_find_next(t, v->end)) {
        vma_account(t, v, -1);
        free(v->name);
        v->name = vma_strdup(name);
        vma_account(t, v, 1);
    }
    vma_merge_range(t, start, end);
}

/*
 * Grow v upward into free space:
 *
 *   before:  |--v--|.......|--n--|
 *   after:   |--v------|...|--n--|     (merges with n if it now touches)
 */
Vma *vma_extend(VmaTree *t, Vma *v, uint64_t new_end)
{
    if (new_end <= v->end || !vma_range_free(t, v->end, new_end)) {
        return v;
    }
    vma_account(t, v, -1);
    v->end = new_end;
    vma_account(t, v, 1);
    vma_fix_gap(t, vma_find_next(t, new_end));
    return vma_merge_around(t, v);
}

/*
 * Grow v downward into free space (a MAP_GROWSDOWN fault below it):
 *
 *   before:  |--p--|..........|--v--|
 *   after:   |--p--|.....|-------v--|
 *
 * No allocation (runs in the host fault handler): the key of v moves
 * down, which keeps the order since [new_start, v->start) is free, and
 * the gap bookkeeping is refreshed along its path.
 */
bool vma_extend_down(VmaTree *t, Vma *v, uint64_t new_start)
{
    Vma *p = vma_find_prev(t, v->start);
    uint64_t low = p ? p->end : t->low;
    if (new_start >= v->start || new_start < low) {
        return false;
    }
    vma_account(t, v, -1);
    if (v->file) {
        v->offset -= v->start - new_start;
    }
    v->start = new_start;
    v->gap = new_start - low;
    vma_account(t, v, 1);
    avl_refresh(t->root, new_start);
    return true;
}

/* ---- free-space search ---- */

/* Leftmost node of the subtree whose gap is at least len. */
static Vma *vma_fit_any(Vma *n, uint64_t len)
{
    while (n && n->max_gap >= len) {
        if (avl_max_gap(n->left) >= len) {
            n = n->left;
        } else if (n->gap >= len) {
            return n;
        } else {
            n = n->right;
        }
    }
    return NULL;
}

/* Leftmost node with start > key whose gap is at least len. */
static Vma *vma_fit_after(Vma *n, uint64_t key, uint64_t len)
{
    if (n == NULL || n->max_gap < len) {
        return NULL;
    }
    if (n->start > key) {
        Vma *r = vma_fit_after(n->left, key, len);
        if (r) {
            return r;
        }
        if (n->gap >= len) {
            return n;
        }
        return vma_fit_any(n->right, len);
    }
    return vma_fit_after(n->right, key, len);
}

/*
 * Lowest fit at or above hint:
 *
 *   low    |--a--|  gap0  |--b--|    gap1    |--c--|   tail   limit
 *                    ^hint
 *   1. the gap holding hint (gap0, cut at hint)
 *   2. the leftmost later gap (gap1, ...) of at least len, via max_gap
 *   3. the tail after the last range, below limit
 */
bool vma_find_free(const VmaTree *t, uint64_t hint, uint64_t len, uint64_t limit, uint64_t *out)
{
    if (len == 0 || len > limit) {
        return false;
    }
    if (hint < t->low) {
        hint = t->low;
    }
    Vma *n0 = vma_find_next(t, hint);
    if (n0 == NULL) {
        Vma *last = vma_last(t);
        uint64_t a = hint;
        if (last && last->end > a) {
            a = last->end;
        }
        if (a <= limit - len) {
            *out = a;
            return true;
        }
        return false;
    }
    if (hint < n0->start && n0->start - hint >= len) {
        if (hint <= limit - len) {
            *out = hint;
            return true;
        }
        return false;
    }
    Vma *m = vma_fit_after(t->root, n0->start, len);
    uint64_t a;
    if (m) {
        a = m->start - m->gap;
    } else {
        a = vma_last(t)->end;
    }
    if (a <= limit - len) {
        *out = a;
        return true;
    }
    return false;
}

/* ---- self-check ---- */

static bool vma_check_rec(const VmaTree *t, const Vma *n, const Vma **prev, size_t *count,
                          uint64_t *total, uint64_t *data)
{
    if (n == NULL) {
        return true;
    }
    if (!vma_check_rec(t, n->left, prev, count, total, data)) {
        return false;
    }
    *total += n->end - n->start;
    if (vma_desc_is_data(n->prot, n->flags, n->name)) {
        *data += n->end - n->start;
    }
    if (n->end <= n->start) {
        return false;
    }
    uint64_t prev_end = *prev ? (*prev)->end : t->low;
    if (n->start < prev_end || n->gap != n->start - prev_end) {
        return false;
    }
    *prev = n;
    (*count)++;
    if (!vma_check_rec(t, n->right, prev, count, total, data)) {
        return false;
    }
    int hl = avl_height(n->left), hr = avl_height(n->right);
    if (n->height != (hl > hr ? hl : hr) + 1 || hl - hr > 1 || hr - hl > 1) {
        return false;
    }
    uint64_t g = n->gap;
    if (avl_max_gap(n->left) > g) {
        g = avl_max_gap(n->left);
    }
    if (avl_max_gap(n->right) > g) {
        g = avl_max_gap(n->right);
    }
    return n->max_gap == g;
}

bool vma_tree_check(const VmaTree *t)
{
    const Vma *prev = NULL;
    size_t count = 0;
    uint64_t total = 0, data = 0;
    return vma_check_rec(t, t->root, &prev, &count, &total, &data) && count == t->count &&
           total == t->total_bytes && data == t->data_bytes;
}
