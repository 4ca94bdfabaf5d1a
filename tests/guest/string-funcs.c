/* string-funcs: glibc's string/memory functions (which pick SSE2 or wider
 * code by ifunc) against naive reference versions, over alignments 0..15
 * and lengths 0..300; prints a checksum of all results and any mismatch. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXLEN 300
#define BUFSZ (MAXLEN + 64)

static unsigned long fails, checks;
static uint64_t h = 0xcbf29ce484222325ULL;
static void mix(uint64_t v) { h = (h ^ v) * 0x100000001b3ULL; }

#define CHECK(what, got, want, al, n) do {                                  \
    long long g_ = (long long)(got), w_ = (long long)(want);                \
    checks++; mix((uint64_t)g_);                                             \
    if (g_ != w_ && fails++ < 20)                                            \
        printf("FAIL %s align=%d len=%d: got %lld want %lld\n", what,        \
               (int)(al), (int)(n), g_, w_);                                 \
} while (0)

static int sgn(int x) { return (x > 0) - (x < 0); }
static size_t r_strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }
static int r_memcmp(const unsigned char *a, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}
static int r_strcmp(const unsigned char *a, const unsigned char *b)
{
    while (*a && *a == *b) a++, b++;
    return sgn(*a - *b);
}
static int r_strncmp(const unsigned char *a, const unsigned char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b) return *a < *b ? -1 : 1;
        if (!*a) return 0;
    }
    return 0;
}
static ssize_t r_memchr(const unsigned char *s, int c, size_t n)
{
    for (size_t i = 0; i < n; i++) if (s[i] == (unsigned char)c) return i;
    return -1;
}
static ssize_t r_memrchr(const unsigned char *s, int c, size_t n)
{
    for (size_t i = n; i--; ) if (s[i] == (unsigned char)c) return i;
    return -1;
}
static ssize_t r_strchr(const char *s, int c)
{
    for (size_t i = 0;; i++) {
        if (s[i] == (char)c) return i;
        if (!s[i]) return -1;
    }
}
static ssize_t r_strrchr(const char *s, int c)
{
    ssize_t r = -1;
    for (size_t i = 0;; i++) {
        if (s[i] == (char)c) r = i;
        if (!s[i]) return r;
    }
}
static ssize_t r_strstr(const char *h, const char *n)
{
    size_t ln = r_strlen(n), lh = r_strlen(h);
    for (size_t i = 0; i + ln <= lh; i++)
        if (!r_memcmp((const unsigned char *)h + i, (const unsigned char *)n, ln)) return i;
    return -1;
}
static size_t r_strspn(const char *s, const char *acc, int reject)
{
    size_t i = 0;
    for (; s[i]; i++) {
        int in = 0;
        for (const char *a = acc; *a; a++) if (*a == s[i]) in = 1;
        if (in == reject) break;
    }
    return i;
}
#define OFF(p, base) ((p) ? (long long)((const char *)(p) - (const char *)(base)) : -1LL)

static unsigned char A[BUFSZ + 16], B[BUFSZ + 16], C[BUFSZ + 16];

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245 + 12345;
        p[i] = 'a' + (seed >> 16) % 8;    /* small alphabet: many matches */
    }
}

int main(void)
{
    static const int aligns[] = {0, 1, 2, 3, 4, 7, 8, 9, 15};
    for (size_t ai = 0; ai < sizeof aligns / sizeof *aligns; ai++)
        for (int n = 0; n <= MAXLEN; n += (n < 70 ? 1 : 7)) {
            int al = aligns[ai], al2 = (al * 7 + 3) % 16;
            unsigned char *a = A + al, *b = B + al2;
            /* memset / memcpy / memmove (both overlap directions) */
            memset(A, 'Z', sizeof A);
            memset(a, 0x5a + n, n);
            size_t k;
            for (k = 0; k < (size_t)n && a[k] == (unsigned char)(0x5a + n); k++) ;
            CHECK("memset", k + (A[al + n] == 'Z') + (al ? A[al - 1] == 'Z' : 1), n + 2, al, n);
            fill(a, n, n * 16 + al);
            memset(B, 0, sizeof B);
            memcpy(b, a, n);
            CHECK("memcpy", r_memcmp(a, b, n) + 2 * (B[al2 + n] != 0), 0, al, n);
            memcpy(C, A, sizeof C);
            memmove(A + al + 3, a, n);           /* forward overlap */
            CHECK("memmove+", r_memcmp(A + al + 3, C + al, n), 0, al, n);
            memcpy(A, C, sizeof A);
            if (al >= 5) {
                memmove(A + al - 5, a, n);       /* backward overlap */
                CHECK("memmove-", r_memcmp(A + al - 5, C + al, n), 0, al, n);
                memcpy(A, C, sizeof A);
            }
            /* memcmp / memchr / memrchr */
            memcpy(b, a, n);
            CHECK("memcmp=", sgn(memcmp(a, b, n)), 0, al, n);
            if (n) {
                size_t pos = (n * 5 + al) % n;
                b[pos] ^= 0x80;
                CHECK("memcmp!=", sgn(memcmp(a, b, n)), r_memcmp(a, b, n), al, n);
                b[pos] ^= 0x80;
            }
            for (int c = 'a'; c <= 'i'; c += 4) {
                CHECK("memchr", OFF(memchr(a, c, n), a), r_memchr(a, c, n), al, n);
                CHECK("memrchr", OFF(memrchr(a, c, n), a), r_memrchr(a, c, n), al, n);
            }
            /* NUL-terminated strings */
            a[n] = 0;
            char *s = (char *)a;
            CHECK("strlen", strlen(s), n, al, n);
            CHECK("strnlen", strnlen(s, n / 2), n / 2, al, n);
            CHECK("strnlen+", strnlen(s, n + 10), n, al, n);
            for (int c = 'a'; c <= 'i'; c += 2) {
                CHECK("strchr", OFF(strchr(s, c), s), r_strchr(s, c), al, n);
                CHECK("strrchr", OFF(strrchr(s, c), s), r_strrchr(s, c), al, n);
            }
            CHECK("strchr0", OFF(strchr(s, 0), s), n, al, n);
            strcpy((char *)b, s);
            CHECK("strcpy", r_strcmp(b, a), 0, al, n);
            CHECK("strcmp=", sgn(strcmp((char *)b, s)), 0, al, n);
            if (n) {
                b[n - 1] = 'b';
                CHECK("strcmp", sgn(strcmp((char *)b, s)), r_strcmp(b, a), al, n);
                CHECK("strncmp", sgn(strncmp((char *)b, s, n / 2 + 1)),
                      r_strncmp(b, a, n / 2 + 1), al, n);
                CHECK("strncmp-1", sgn(strncmp((char *)b, s, n - 1)), 0, al, n);
                b[n / 2] = 0;
                CHECK("strcmp-short", sgn(strcmp((char *)b, s)), r_strcmp(b, a), al, n);
            }
            char needle[8];
            for (int nl = 0; nl < 5; nl++) {
                memset(needle, 0, sizeof needle);
                memcpy(needle, s + (n ? (n * 3) % n : 0), nl < n ? nl : 0);
                needle[nl < n ? nl : 0] = 0;
                CHECK("strstr", OFF(strstr(s, needle), s), r_strstr(s, needle), al, n);
                needle[0] = 'h';   /* rarely present */
                CHECK("strstr-h", OFF(strstr(s, needle), s), r_strstr(s, needle), al, n);
            }
            CHECK("strspn", strspn(s, "abcd"), r_strspn(s, "abcd", 0), al, n);
            CHECK("strcspn", strcspn(s, "gh"), r_strspn(s, "gh", 1), al, n);
            CHECK("strcspn0", strcspn(s, ""), n, al, n);
            /* strcat onto a string of length n/3 */
            memset(C, 0, sizeof C);
            memcpy(C + al2, s, n / 3);
            strcat((char *)C + al2, s + n / 3);
            CHECK("strcat", r_strcmp(C + al2, a), 0, al, n);
        }
    /* strtok / strtok_r / strsep */
    char text[] = ",,alpha, beta;;gamma ,delta,,";
    char *save, *tok;
    printf("strtok:");
    for (tok = strtok(text, ",; "); tok; tok = strtok(NULL, ",; "))
        printf(" [%s]", tok);
    char text2[] = "a:b::c";
    printf("\nstrtok_r:");
    for (tok = strtok_r(text2, ":", &save); tok; tok = strtok_r(NULL, ":", &save))
        printf(" [%s]", tok);
    char text3[] = "a:b::c", *p3 = text3;
    printf("\nstrsep:");
    while ((tok = strsep(&p3, ":")))
        printf(" [%s]", tok);
    printf("\nstrdup/strndup: %s %s\n", strdup("dup"), strndup("truncated", 5));
    printf("checks=%lu fails=%lu hash=%016llx\n", checks, fails, (unsigned long long)h);
    return fails != 0;
}
