/*
 * tests/unit/test-cpuid.c — the CPU models' CPUID leaves, XCR0, AT_HWCAP*.
 *
 * For every model: the features the x86-64 psABI level requires are there
 * (checked the way glibc computes its ISA level, which decides what
 * glibc-hwcaps and -march=x86-64-vN binaries accept), the models nest,
 * dependent bits agree (OSXSAVE <-> XSAVE, AVX -> XCR0.YMM, leaf 0xD sizes),
 * and nothing emu must never advertise is set.  The architectural XSAVE
 * layout (leaf 0xD subleaf 2) is compared with the host CPU's.
 */
#include <check.h>
#include <cpuid.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/x86/cpu-model.h"

static const char *const models[] = { "x86-64-v1", "x86-64-v2", "x86-64-v3", "max" };

typedef struct Leaves {
    uint32_t l1[4], l7[4], l81[4], d0[4], d1[4], d2[4];
} Leaves;

static void read_leaves(Leaves *l)
{
    x86_cpu_cpuid(1, 0, l->l1);
    x86_cpu_cpuid(7, 0, l->l7);
    x86_cpu_cpuid(0x80000001, 0, l->l81);
    x86_cpu_cpuid(0xd, 0, l->d0);
    x86_cpu_cpuid(0xd, 1, l->d1);
    x86_cpu_cpuid(0xd, 2, l->d2);
}

#define BIT(w, b) (((w) >> (b)) & 1)

/* The x86-64 ISA level as glibc (sysdeps/x86/get-isa-level.h) derives it
 * from CPUID: the bits written out here from the psABI, independently of
 * cpuid.c's tables. */
static int isa_level(const Leaves *l)
{
    uint32_t c1 = l->l1[2], d1 = l->l1[3], b7 = l->l7[1], c81 = l->l81[2];
    int level = 0;

    if (BIT(d1, 0) && BIT(d1, 8) && BIT(d1, 15) && BIT(d1, 23) && BIT(d1, 24) &&
        BIT(d1, 25) && BIT(d1, 26)) {                   /* FPU CX8 CMOV MMX FXSR SSE SSE2 */
        level = 1;
    }
    if (level == 1 && BIT(c1, 13) && BIT(c81, 0) && BIT(c1, 23) && BIT(c1, 0) &&
        BIT(c1, 19) && BIT(c1, 20) && BIT(c1, 9)) {     /* CX16 LAHF POPCNT SSE3 4.1 4.2 SSSE3 */
        level = 2;
    }
    /* AVX is usable only with OSXSAVE and XCR0 enabling SSE and YMM. */
    bool avx_usable = BIT(c1, 28) && BIT(c1, 27) && (x86_cpu_xcr0() & 6) == 6;
    if (level == 2 && avx_usable && BIT(b7, 5) && BIT(b7, 3) && BIT(b7, 8) && BIT(c1, 29) &&
        BIT(c1, 12) && BIT(c81, 5) && BIT(c1, 22)) {    /* AVX2 BMI1 BMI2 F16C FMA LZCNT MOVBE */
        level = 3;
    }
    if (level == 3 && BIT(b7, 16)) {                   /* AVX512F (and more): never */
        level = 4;
    }
    return level;
}

START_TEST(test_model_leaves)
{
    static const int want_level[] = { 1, 2, 3, 3 };
    Leaves l;

    ck_assert(x86_cpu_model_set(models[_i]));
    ck_assert_str_eq(x86_cpu_model_name(), models[_i]);
    read_leaves(&l);

    ck_assert_int_eq(isa_level(&l), want_level[_i]);

    /* Max leaf covers 0xD; vendor GenuineIntel. */
    uint32_t l0[4];
    x86_cpu_cpuid(0, 0, l0);
    ck_assert_uint_ge(l0[0], 0xd);
    ck_assert_uint_eq(l0[1], 0x756e6547);

    /* Features and the leaves agree. */
    ck_assert_uint_eq(!!x86_cpu_has(X86_FEAT_AVX2), BIT(l.l7[1], 5));
    ck_assert_uint_eq(!!x86_cpu_has(X86_FEAT_LAHF_LM), BIT(l.l81[2], 0));
    ck_assert_uint_eq(x86_cpu_hwcap(), l.l1[3]);
    ck_assert_uint_eq(x86_cpu_hwcap2(), BIT(l.l7[1], 0) ? 2u : 0u);   /* FSGSBASE */
    ck_assert_uint_eq(l.l7[0], 0);   /* no subleaves of 7 beyond 0 */

    /* Never: ERMS, FSRM, RDRAND, RDSEED, AES, PCLMULQDQ, SHA, AVX-512,
     * hypervisor bit, XSAVEOPT/XSAVEC/XGETBV1/XSAVES (not implemented). */
    ck_assert(!BIT(l.l7[1], 9) && !BIT(l.l7[3], 4));
    ck_assert(!BIT(l.l1[2], 30) && !BIT(l.l7[1], 18));
    ck_assert(!BIT(l.l1[2], 25) && !BIT(l.l1[2], 1) && !BIT(l.l7[1], 29));
    ck_assert(!BIT(l.l7[1], 16) && !BIT(l.l1[2], 31));
    ck_assert_uint_eq(l.d1[0] & 0xf, 0);

    /* XSAVE: OSXSAVE with XSAVE; AVX needs both and YMM in XCR0. */
    bool xsave = BIT(l.l1[2], 26);
    ck_assert_uint_eq(BIT(l.l1[2], 27), xsave);
    if (BIT(l.l1[2], 28)) {
        ck_assert(xsave);
    }
    if (!xsave) {
        ck_assert_uint_eq(x86_cpu_xcr0(), 0);
        ck_assert_uint_eq(x86_cpu_xsave_size(), 0);
        ck_assert_uint_eq(l.d0[0] | l.d0[1] | l.d0[2] | l.d0[3], 0);
        ck_assert_uint_eq(l.d2[0] | l.d2[1], 0);
        return;
    }
    uint64_t xcr0 = x86_cpu_xcr0();
    bool avx = BIT(l.l1[2], 28);
    ck_assert_uint_eq(xcr0, avx ? 7u : 3u);
    ck_assert_uint_eq(l.d0[0], (uint32_t)xcr0);
    ck_assert_uint_eq(l.d0[3], (uint32_t)(xcr0 >> 32));
    ck_assert_uint_eq(l.d0[1], avx ? 576u + 256u : 576u);
    ck_assert_uint_eq(l.d0[2], l.d0[1]);
    ck_assert_uint_eq(l.d0[1], x86_cpu_xsave_size());
    if (avx) {
        ck_assert_uint_eq(l.d2[0], 256);
        ck_assert_uint_eq(l.d2[1], 576);
        /* The standard-format layout is architectural: same as the host's. */
        unsigned a, b, c, d;
        __cpuid(1, a, b, c, d);
        if (c & (1u << 28)) {
            __cpuid_count(0xd, 2, a, b, c, d);
            ck_assert_uint_eq(l.d2[0], a);
            ck_assert_uint_eq(l.d2[1], b);
        }
    }
    for (uint32_t sub = 3; sub < 64; sub++) {
        uint32_t o[4];
        x86_cpu_cpuid(0xd, sub, o);
        ck_assert_uint_eq(o[0] | o[1] | o[2] | o[3], 0);
    }
}
END_TEST

/* Each model advertises at least what the one before it does. */
START_TEST(test_models_nest)
{
    Leaves prev, cur;

    ck_assert(x86_cpu_model_set(models[0]));
    read_leaves(&prev);
    for (size_t i = 1; i < G_N_ELEMENTS(models); i++) {
        ck_assert(x86_cpu_model_set(models[i]));
        read_leaves(&cur);
        const uint32_t *p[3] = { prev.l1, prev.l7, prev.l81 };
        const uint32_t *c[3] = { cur.l1, cur.l7, cur.l81 };
        for (int w = 0; w < 12; w++) {
            ck_assert_msg((p[w / 4][w % 4] & ~c[w / 4][w % 4]) == 0,
                          "%s drops bits of the previous model (word %d)", models[i], w);
        }
        prev = cur;
    }
}
END_TEST

/* Every advertised feature exists on the host too, so the fuzzer and the
 * native-vs-emu guest runs can check it (a note, not a failure, if not). */
START_TEST(test_host_has_features)
{
    unsigned h[3][4];
    __cpuid(1, h[0][0], h[0][1], h[0][2], h[0][3]);
    __cpuid_count(7, 0, h[1][0], h[1][1], h[1][2], h[1][3]);
    __cpuid(0x80000001, h[2][0], h[2][1], h[2][2], h[2][3]);
    ck_assert(x86_cpu_model_set("max"));
    Leaves l;
    read_leaves(&l);
    const uint32_t *m[3] = { l.l1, l.l7, l.l81 };
    for (int i = 0; i < 3; i++) {
        static const uint32_t leaf[3] = { 1, 7, 0x80000001 };
        for (int r = 0; r < 4; r++) {
            uint32_t miss = m[i][r] & ~h[i][r];
            if (r == 0 || (r == 1 && i != 1)) {
                continue;   /* signature, max subleaf, leaf 1 EBX: not features */
            }
            if (miss) {
                fprintf(stderr, "note: the host lacks features emu advertises, so "
                        "they cannot be compared natively: CPUID %#x %s bits %#x\n",
                        leaf[i], (const char *[]){ "eax", "ebx", "ecx", "edx" }[r], miss);
            }
        }
    }
}
END_TEST

/* The default is a complete model; -cpu help marks it and the incomplete. */
START_TEST(test_default_and_list)
{
    const char *def = x86_cpu_model_default_name();
    ck_assert(x86_cpu_model_set(def));
    ck_assert(x86_cpu_model_complete());
    ck_assert(!x86_cpu_model_set("no-such-cpu"));
    ck_assert_str_eq(x86_cpu_model_name(), def);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    x86_cpu_model_list(f);
    fclose(f);
    for (size_t i = 0; i < G_N_ELEMENTS(models); i++) {
        ck_assert(x86_cpu_model_set(models[i]));
        char *line = strstr(buf, models[i]);
        ck_assert_ptr_nonnull(line);
        char *eol = strchr(line, '\n');
        ck_assert_ptr_nonnull(eol);
        *eol = 0;
        ck_assert_uint_eq(strstr(line, "incomplete") == NULL, x86_cpu_model_complete());
        ck_assert_uint_eq(strstr(line, "(default)") != NULL, strcmp(models[i], def) == 0);
        *eol = '\n';
    }
    free(buf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cpuid");
    TCase *tc = tcase_create("models");
    tcase_add_loop_test(tc, test_model_leaves, 0, (int)G_N_ELEMENTS(models));
    tcase_add_test(tc, test_models_nest);
    tcase_add_test(tc, test_host_has_features);
    tcase_add_test(tc, test_default_and_list);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? 0 : 1;
}
