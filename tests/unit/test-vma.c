/*
 * tests/unit/test-vma.c — the VMA tracker on its own (softmmu/vma.c is
 * compiled into this test; no host reservation is involved).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "softmmu/vma.h"

#define PG 0x1000ULL
#define LOW 0x10000ULL

static VmaTree t;

static void setup(void) { vma_tree_init(&t, LOW); }
static void teardown(void) { vma_tree_destroy(&t); }

static VmaDesc anon(int prot)
{
    VmaDesc d = { .prot = prot, .flags = 0x22 };
    return d;
}

static Vma *ins(uint64_t s, uint64_t e, int prot)
{
    VmaDesc d = anon(prot);
    return vma_insert(&t, s, e, &d);
}

START_TEST(test_split_and_merge_prot)
{
    ck_assert_ptr_nonnull(ins(LOW, LOW + 16 * PG, 3));
    ck_assert_uint_eq(vma_count(&t), 1);
    vma_set_prot(&t, LOW + 4 * PG, LOW + 8 * PG, 1);
    ck_assert(vma_tree_check(&t));
    ck_assert_uint_eq(vma_count(&t), 3);
    Vma *v = vma_lookup(&t, LOW + 5 * PG);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(v->start, LOW + 4 * PG);
    ck_assert_uint_eq(v->end, LOW + 8 * PG);
    ck_assert_int_eq(v->prot, 1);
    ck_assert_int_eq(vma_lookup(&t, LOW + 3 * PG)->prot, 3);
    ck_assert_int_eq(vma_lookup(&t, LOW + 8 * PG)->prot, 3);
    /* Back to the neighbours' prot: one range again. */
    vma_set_prot(&t, LOW + 4 * PG, LOW + 8 * PG, 3);
    ck_assert(vma_tree_check(&t));
    ck_assert_uint_eq(vma_count(&t), 1);
    v = vma_first(&t);
    ck_assert_uint_eq(v->start, LOW);
    ck_assert_uint_eq(v->end, LOW + 16 * PG);
}
END_TEST

START_TEST(test_merge_rules)
{
    ins(LOW, LOW + PG, 3);
    ins(LOW + PG, LOW + 2 * PG, 3);          /* same: merges */
    ck_assert_uint_eq(vma_count(&t), 1);
    ins(LOW + 2 * PG, LOW + 3 * PG, 1);      /* other prot: separate */
    ck_assert_uint_eq(vma_count(&t), 2);
    VmaDesc d = anon(1);
    d.name = "[heap]";
    vma_insert(&t, LOW + 3 * PG, LOW + 4 * PG, &d);   /* other name: separate */
    ck_assert_uint_eq(vma_count(&t), 3);
    /* File ranges merge only where offsets continue. */
    VmaDesc f = { .prot = 5, .flags = 2, .file = true, .dev = 7, .inode = 9,
                  .name = "/bin/x", .offset = 0 };
    vma_insert(&t, LOW + 10 * PG, LOW + 12 * PG, &f);
    f.offset = 2 * PG;
    vma_insert(&t, LOW + 12 * PG, LOW + 13 * PG, &f);
    ck_assert_uint_eq(vma_count(&t), 4);
    f.offset = 9 * PG;
    vma_insert(&t, LOW + 13 * PG, LOW + 14 * PG, &f);
    ck_assert_uint_eq(vma_count(&t), 5);
    /* Splitting a file range advances the offset of the upper part. */
    vma_split_at(&t, LOW + 11 * PG);
    Vma *v = vma_lookup(&t, LOW + 11 * PG);
    ck_assert_uint_eq(v->start, LOW + 11 * PG);
    ck_assert_uint_eq(v->offset, PG);
    ck_assert_str_eq(v->name, "/bin/x");
    ck_assert(vma_tree_check(&t));
    /* Overlapping insert is refused. */
    ck_assert_ptr_null(ins(LOW + 11 * PG + 0, LOW + 20 * PG, 3));
    ck_assert(vma_tree_check(&t));
}
END_TEST

START_TEST(test_remove_range_splits_edges)
{
    ins(LOW, LOW + 10 * PG, 3);
    ins(LOW + 12 * PG, LOW + 20 * PG, 1);
    ck_assert_uint_eq(vma_remove_range(&t, LOW + 5 * PG, LOW + 15 * PG), 8 * PG);
    ck_assert(vma_tree_check(&t));
    ck_assert_uint_eq(vma_count(&t), 2);
    ck_assert_uint_eq(vma_first(&t)->end, LOW + 5 * PG);
    ck_assert_uint_eq(vma_last(&t)->start, LOW + 15 * PG);
    ck_assert_ptr_null(vma_lookup(&t, LOW + 5 * PG));
    ck_assert_ptr_null(vma_lookup(&t, LOW + 14 * PG));
    /* Removing an unmapped range is harmless. */
    ck_assert_uint_eq(vma_remove_range(&t, LOW + 6 * PG, LOW + 14 * PG), 0);
    /* A hole in the middle of one range. */
    vma_remove_range(&t, LOW + PG, LOW + 2 * PG);
    ck_assert_uint_eq(vma_count(&t), 3);
    ck_assert(vma_range_mapped(&t, LOW, LOW + PG));
    ck_assert(!vma_range_mapped(&t, LOW, LOW + 3 * PG));
    ck_assert(vma_range_free(&t, LOW + PG, LOW + 2 * PG));
    ck_assert(vma_tree_check(&t));
}
END_TEST

START_TEST(test_find_free_lowest_fit_and_reuse)
{
    uint64_t a, lim = LOW + 1000 * PG;
    ck_assert(vma_find_free(&t, LOW, 4 * PG, lim, &a));
    ck_assert_uint_eq(a, LOW);
    ins(LOW, LOW + 4 * PG, 3);               /* A */
    ins(LOW + 4 * PG, LOW + 8 * PG, 1);      /* B */
    ins(LOW + 8 * PG, LOW + 12 * PG, 3);     /* C */
    ck_assert(vma_find_free(&t, LOW, 4 * PG, lim, &a));
    ck_assert_uint_eq(a, LOW + 12 * PG);
    vma_remove_range(&t, LOW + 4 * PG, LOW + 8 * PG);
    /* The freed gap is reused, for any size that fits. */
    ck_assert(vma_find_free(&t, LOW, 4 * PG, lim, &a));
    ck_assert_uint_eq(a, LOW + 4 * PG);
    ck_assert(vma_find_free(&t, LOW, 2 * PG, lim, &a));
    ck_assert_uint_eq(a, LOW + 4 * PG);
    ck_assert(vma_find_free(&t, LOW, 5 * PG, lim, &a));
    ck_assert_uint_eq(a, LOW + 12 * PG);
    /* A hint inside the gap cuts it. */
    ck_assert(vma_find_free(&t, LOW + 5 * PG, 3 * PG, lim, &a));
    ck_assert_uint_eq(a, LOW + 5 * PG);
    ck_assert(vma_find_free(&t, LOW + 5 * PG, 4 * PG, lim, &a));
    ck_assert_uint_eq(a, LOW + 12 * PG);
    /* A hint inside a range starts after it. */
    ck_assert(vma_find_free(&t, LOW + 9 * PG, PG, lim, &a));
    ck_assert_uint_eq(a, LOW + 12 * PG);
    /* The limit is respected. */
    ck_assert(!vma_find_free(&t, LOW, 989 * PG, lim, &a));
    ck_assert(vma_find_free(&t, LOW, 988 * PG, lim, &a));
    ck_assert_uint_eq(a, LOW + 12 * PG);
    ck_assert(!vma_find_free(&t, LOW, 0, lim, &a));
}
END_TEST

/* The churn of the project's memory scenario, at the tracker level:
 * map a big range, protect its head, pin a page above it, unmap it. */
START_TEST(test_churn_back_to_baseline)
{
    uint64_t big = 6ULL << 30, base = 1ULL << 40, lim = 1ULL << 46, a;
    ins(LOW, LOW + 16 * PG, 5);
    ins(0x3fff00000000ULL, 0x3fff00800000ULL, 3);
    size_t baseline = vma_count(&t);
    uint64_t first = 0, pins_lo = 0, pins_hi = 0;
    for (int i = 0; i < 20000; i++) {
        ck_assert(vma_find_free(&t, base, big, lim, &a));
        if (i == 0) {
            first = a;
        }
        /* Unmapped space is reused: the big range always lands on the
         * first hole, never creeping upward. */
        ck_assert_uint_eq(a, first);
        ck_assert_ptr_nonnull(ins(a, a + big, 0));
        vma_set_prot(&t, a, a + (64ULL << 20), 3);
        if (i % 2) {
            uint64_t p;
            ck_assert(vma_find_free(&t, a + big, PG, lim, &p));
            ck_assert_ptr_nonnull(ins(p, p + PG, 3));
            if (!pins_lo) {
                pins_lo = p;
            }
            pins_hi = p + PG;
        }
        vma_remove_range(&t, a, a + big);
    }
    ck_assert(vma_tree_check(&t));
    /* Adjacent pins merged into one range. */
    ck_assert_uint_eq(vma_count(&t), baseline + 1);
    vma_remove_range(&t, pins_lo, pins_hi);
    ck_assert_uint_eq(vma_count(&t), baseline);
}
END_TEST

START_TEST(test_many_ranges_balanced)
{
    enum { N = 20000 };
    for (uint64_t i = 0; i < N; i++) {
        ck_assert_ptr_nonnull(ins(LOW + i * 4 * PG, LOW + i * 4 * PG + (1 + i % 3) * PG, 1 + i % 2));
    }
    ck_assert(vma_tree_check(&t));
    ck_assert_uint_eq(vma_count(&t), N);
    /* AVL height bound: 1.44 log2(N) + 2 */
    ck_assert_int_le(t.root->height, 23);
    /* Only the last of every three has a 3-page gap... fits 2 pages at
     * the first range of length 1 (i = 0: gap after it of 3 pages). */
    uint64_t a;
    ck_assert(vma_find_free(&t, LOW, 3 * PG, 1ULL << 46, &a));
    ck_assert_uint_eq(a, LOW + PG);
    /* Remove every second range: the tree shrinks and frees. */
    for (uint64_t i = 0; i < N; i += 2) {
        vma_remove_range(&t, LOW + i * 4 * PG, LOW + i * 4 * PG + 4 * PG);
    }
    ck_assert(vma_tree_check(&t));
    ck_assert_uint_eq(vma_count(&t), N / 2);
    ck_assert(vma_find_free(&t, LOW, 4 * PG, 1ULL << 46, &a));
    ck_assert_uint_eq(a, LOW);
    ck_assert(vma_find_free(&t, LOW, 7 * PG, 1ULL << 46, &a));
    ck_assert_uint_eq(a, LOW + 13 * PG);
    vma_remove_range(&t, 0, 1ULL << 46);
    ck_assert_uint_eq(vma_count(&t), 0);
    ck_assert_ptr_null(t.root);
}
END_TEST

/* ---- randomized against a page model ---- */

#define NPAGES 256
static int model[NPAGES];    /* -1 free, else prot | tag << 4 */

static uint64_t rnd_state = 0x1234567;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

static void check_model(void)
{
    ck_assert(vma_tree_check(&t));
    size_t runs = 0;
    for (int i = 0; i < NPAGES; i++) {
        Vma *v = vma_lookup(&t, LOW + i * PG);
        if (model[i] < 0) {
            ck_assert_msg(v == NULL, "page %d should be free", i);
            continue;
        }
        ck_assert_msg(v != NULL, "page %d should be mapped", i);
        int tag = v->name != NULL;
        ck_assert_int_eq(v->prot | tag << 4, model[i]);
        if (i == 0 || model[i - 1] != model[i]) {
            runs++;
            ck_assert_uint_eq(v->start, LOW + i * PG);   /* maximal merge */
        }
    }
    ck_assert_uint_eq(vma_count(&t), runs);
}

START_TEST(test_random_vs_model)
{
    for (int i = 0; i < NPAGES; i++) {
        model[i] = -1;
    }
    for (int iter = 0; iter < 20000; iter++) {
        int s = rnd() % NPAGES;
        int n = 1 + rnd() % 24;
        if (s + n > NPAGES) {
            n = NPAGES - s;
        }
        int prot = rnd() % 3, tag = (rnd() % 4) == 0;
        uint64_t gs = LOW + s * PG, ge = gs + n * PG;
        switch (rnd() % 5) {
        case 0:
        case 1: {
            bool free_ = true;
            for (int i = s; i < s + n; i++) {
                free_ &= model[i] < 0;
            }
            VmaDesc d = anon(prot);
            d.name = tag ? "x" : NULL;
            Vma *v = vma_insert(&t, gs, ge, &d);
            ck_assert_int_eq(v != NULL, free_);
            if (free_) {
                for (int i = s; i < s + n; i++) {
                    model[i] = prot | tag << 4;
                }
            }
            break;
        }
        case 2: {
            uint64_t mapped = 0;
            for (int i = s; i < s + n; i++) {
                mapped += model[i] >= 0;
                model[i] = -1;
            }
            ck_assert_uint_eq(vma_remove_range(&t, gs, ge), mapped * PG);
            break;
        }
        case 3:
            vma_set_prot(&t, gs, ge, prot);
            for (int i = s; i < s + n; i++) {
                if (model[i] >= 0) {
                    model[i] = prot | (model[i] & 0x10);
                }
            }
            break;
        case 4: {
            uint64_t a;
            bool ok = vma_find_free(&t, gs, n * PG, LOW + NPAGES * PG, &a);
            int want = -1;
            for (int i = s; i + n <= NPAGES && want < 0; i++) {
                bool f = true;
                for (int j = i; j < i + n && f; j++) {
                    f = model[j] < 0;
                }
                if (f) {
                    want = i;
                }
            }
            ck_assert_int_eq(ok, want >= 0);
            if (ok) {
                ck_assert_uint_eq(a, LOW + want * PG);
            }
            break;
        }
        }
        check_model();
        /* The totals RLIMIT_AS/RLIMIT_DATA use follow every change. */
        uint64_t total = 0, data = 0;
        for (int i = 0; i < NPAGES; i++) {
            total += model[i] >= 0 ? PG : 0;
            data += model[i] >= 0 && (model[i] & 2) ? PG : 0;
        }
        ck_assert_uint_eq(t.total_bytes, total);
        ck_assert_uint_eq(t.data_bytes, data);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vma");
    TCase *tc = tcase_create("tracker");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_split_and_merge_prot);
    tcase_add_test(tc, test_merge_rules);
    tcase_add_test(tc, test_remove_range_splits_edges);
    tcase_add_test(tc, test_find_free_lowest_fit_and_reuse);
    tcase_add_test(tc, test_churn_back_to_baseline);
    tcase_add_test(tc, test_many_ranges_balanced);
    tcase_add_test(tc, test_random_vs_model);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
