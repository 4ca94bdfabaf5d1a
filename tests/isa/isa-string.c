/*
 * tests/isa/isa-string.c — byte and string loops the compiler vectorizes
 * (case mapping, counting, searching, run-length, ROT13) plus the libc
 * string functions whose ifunc variants follow CPUID (SSE4.2/AVX2 paths
 * under -cpu x86-64-v2/v3).  Deterministic output; compared with native.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 6007

static unsigned char buf[N + 64], out[N + 64];

static uint32_t rng = 12345;
static uint32_t next(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static void upper(unsigned char *d, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        d[i] = (c >= 'a' && c <= 'z') ? c - 32 : c;
    }
}

static void rot13(unsigned char *d, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i], l = c | 32;
        d[i] = (l >= 'a' && l <= 'z') ? (unsigned char)(((l - 'a' + 13) % 26 + 'a') ^ (~c & 32)) : c;
    }
}

static size_t count_byte(const unsigned char *s, size_t n, unsigned char b)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        k += s[i] == b;
    }
    return k;
}

static uint64_t checksum(const unsigned char *s, size_t n)
{
    uint64_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) {
        a += s[i];
        b += a;
    }
    return (b << 32) ^ a;
}

static int sad(const unsigned char *a, const unsigned char *b, size_t n)
{
    int s = 0;
    for (size_t i = 0; i < n; i++) {
        s += abs(a[i] - b[i]);
    }
    return s;
}

int main(void)
{
    static const char words[][8] = { "alpha", "beta", "Gamma", "delta", "EPS", "zeta", "eta", "x" };
    size_t pos = 0;
    while (pos < N - 10) {
        const char *w = words[next() % 8];
        size_t l = strlen(w);
        memcpy(buf + pos, w, l);
        pos += l;
        buf[pos++] = " ,.\n"[next() % 4];
    }
    buf[pos] = 0;

    upper(out, buf, pos);
    out[pos] = 0;
    printf("upper %016llx %zu\n", (unsigned long long)checksum(out, pos), strlen((char *)out));
    rot13(out, buf, pos);
    printf("rot13 %016llx sad %d\n", (unsigned long long)checksum(out, pos), sad(out, buf, pos));
    rot13(out, out, pos);
    printf("rot13^2 same %d\n", memcmp(out, buf, pos) == 0);
    printf("count e=%zu space=%zu nl=%zu\n", count_byte(buf, pos, 'e'), count_byte(buf, pos, ' '),
           count_byte(buf, pos, '\n'));

    /* libc: str* and mem* at every alignment and length near vector sizes */
    uint64_t acc = 0;
    for (int off = 0; off < 64; off++) {
        char *s = (char *)buf + off;
        acc = acc * 31 + strlen(s);
        acc = acc * 31 + (size_t)(strchr(s, 'Z') ? strchr(s, 'Z') - s : -1);
        acc = acc * 31 + (size_t)(strrchr(s, 'G') - s);
        acc = acc * 31 + strspn(s, "abcdefghijklmnopqrstuvwxyz");
        acc = acc * 31 + strcspn(s, "\n.");
        acc = acc * 31 + (size_t)(strstr(s, "eta\nx") ? strstr(s, "eta\nx") - s : -1);
        acc = acc * 31 + (size_t)((unsigned char *)memchr(s, '.', N - 64) - buf);
        acc = acc * 31 + (size_t)(memrchr(s, 'x', 200) ? (unsigned char *)memrchr(s, 'x', 200) - buf : 0);
        for (size_t len = 1; len < 100; len += 7) {
            acc = acc * 31 + (unsigned)(memcmp(s, buf + 100, len) > 0);
            acc = acc * 31 + (unsigned)(strncmp(s, (char *)buf + 3, len) < 0);
            memmove(out + off, buf + off + len, 200);
            acc = acc * 31 + checksum(out + off, 200);
        }
    }
    printf("libc %016llx\n", (unsigned long long)acc);
    char tmp[64];
    strcpy(tmp, "the quick brown fox");
    strcat(tmp, " jumps");
    printf("%s %d %d\n", tmp, strcasecmp(tmp, "THE QUICK BROWN FOX JUMPS"), (int)strnlen(tmp, 7));
    return 0;
}
