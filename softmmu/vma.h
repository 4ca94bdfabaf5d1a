/*
 * softmmu/vma.h — the VMA tracker: an ordered set of non-overlapping guest
 * address ranges with their protection and backing.
 *
 * This is the single truth about what the guest has mapped.  It knows
 * nothing about the host: softmmu/vma.c includes only this header (and
 * libc), so the same file compiles into tests/unit/test-vma.c.
 *
 * Structure: an AVL tree keyed by start address, augmented with the free
 * gap in front of each range (start - previous end) and the largest such
 * gap in each subtree, so that lookup, insert, remove and the lowest-fit
 * free-gap search are O(log n).  Memory is one node per range: mapping and
 * unmapping any number of bytes costs O(1) nodes, and every node is freed
 * as soon as its range is unmapped.
 *
 * Locking: none here; softmmu serializes callers with its own mutex.
 */
#ifndef SOFTMMU_VMA_H
#define SOFTMMU_VMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Internal flag bits kept beside the guest MAP_* flags in Vma.flags; they
 * sit far above any Linux MAP_* bit. */
#define VMA_F_NOMAYWRITE (1 << 28)  /* shared file mapping of a read-only fd */
#define VMA_F_SHANON     (1 << 29)  /* MAP_SHARED|MAP_ANONYMOUS object */
#define VMA_F_SYSVSHM    (1 << 30)  /* SysV shared memory (shmat); inode = shmid */

/* What describes a range, apart from where it is. */
typedef struct VmaDesc {
    int prot;          /* guest PROT_* */
    int flags;         /* guest MAP_* flags that matter + VMA_F_* */
    uint64_t offset;   /* file offset of the range's first byte */
    uint64_t dev, inode;
    const char *name;  /* copied by the tracker; NULL = anonymous */
    bool file;         /* offset advances with the address (file-like) */
} VmaDesc;

typedef struct Vma {
    uint64_t start, end;       /* [start, end), page aligned */
    int prot, flags;
    uint64_t offset, dev, inode;
    char *name;                /* owned (malloc) or NULL */
    bool file;
    /* tree linkage and augmentation (private to vma.c) */
    struct Vma *left, *right;
    int height;
    uint64_t gap;              /* start - end of the previous range (or low) */
    uint64_t max_gap;          /* largest gap in this subtree */
} Vma;

typedef struct VmaTree {
    Vma *root;
    size_t count;
    uint64_t low;              /* gaps are measured from here */
    /* Bytes mapped in all ranges, and in data ranges (vma_is_data): what
     * Linux calls total_vm and data_vm, for RLIMIT_AS and RLIMIT_DATA. */
    uint64_t total_bytes, data_bytes;
} VmaTree;

/* A data range as Linux's RLIMIT_DATA counts it (data_vm): private and
 * writable, and not the stack (MAP_GROWSDOWN or named "[stack]"). */
bool vma_desc_is_data(int prot, int flags, const char *name);

void vma_tree_init(VmaTree *t, uint64_t low);
/* Free every node. */
void vma_tree_destroy(VmaTree *t);
size_t vma_count(const VmaTree *t);

/* Range containing addr, or NULL. */
Vma *vma_lookup(const VmaTree *t, uint64_t addr);
/* First range that ends above addr (contains addr or lies above it). */
Vma *vma_find_next(const VmaTree *t, uint64_t addr);
/* Last range that starts below addr. */
Vma *vma_find_prev(const VmaTree *t, uint64_t addr);
Vma *vma_first(const VmaTree *t);
Vma *vma_last(const VmaTree *t);
static inline Vma *vma_next(const VmaTree *t, const Vma *v) { return vma_find_next(t, v->end); }
static inline Vma *vma_prev(const VmaTree *t, const Vma *v) { return vma_find_prev(t, v->start); }
/* True if no range intersects [start, end). */
bool vma_range_free(const VmaTree *t, uint64_t start, uint64_t end);
/* True if [start, end) is covered by ranges without holes. */
bool vma_range_mapped(const VmaTree *t, uint64_t start, uint64_t end);

/* Add [start, end) described by d; the range must be free (returns NULL
 * otherwise).  Merges with compatible neighbours; returns the node that
 * now holds the range. */
Vma *vma_insert(VmaTree *t, uint64_t start, uint64_t end, const VmaDesc *d);
/* Remove whatever is mapped in [start, end), splitting ranges that cross
 * the edges.  Returns the number of bytes that were mapped. */
uint64_t vma_remove_range(VmaTree *t, uint64_t start, uint64_t end);
/* Make addr a range boundary (split the range that strictly contains it). */
void vma_split_at(VmaTree *t, uint64_t addr);
/* Set prot over the mapped parts of [start, end), splitting and merging. */
void vma_set_prot(VmaTree *t, uint64_t start, uint64_t end, int prot);
/* Set the name over the mapped parts of [start, end). */
void vma_set_name(VmaTree *t, uint64_t start, uint64_t end, const char *name);
/* Merge v with compatible neighbours; returns the surviving node. */
Vma *vma_merge_around(VmaTree *t, Vma *v);
/* Grow v upward to new_end (the space must be free).  Returns v (maybe
 * merged with its successor). */
Vma *vma_extend(VmaTree *t, Vma *v, uint64_t new_end);

/* Grow v downward to new_start (the space must be free); no allocation.
 * False if it is not free. */
bool vma_extend_down(VmaTree *t, Vma *v, uint64_t new_start);

/* Lowest page-aligned address a >= hint with [a, a+len) free and
 * a + len <= limit.  Returns false if there is none. */
bool vma_find_free(const VmaTree *t, uint64_t hint, uint64_t len, uint64_t limit, uint64_t *out);

/* Self-check of the tree invariants (order, no overlap, heights, gaps);
 * for tests.  Returns false on the first violation. */
bool vma_tree_check(const VmaTree *t);

#endif
