/* int-arith: +,-,*,/,%,shifts,rotates,bit tricks of 8/16/32/64/128-bit
 * signed and unsigned values over edge cases (no UB: signed overflow and
 * INT_MIN/-1 are avoided).  One hash per (operation, width) so a failure
 * names the culprit. */
#include <stdint.h>
#include <stdio.h>

static const uint64_t edge[] = {
    0, 1, 2, 3, 5, 7, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL, 0x123456789abcdef0ULL,
    0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffffffffffffffULL,
    0xfffffffffffffffeULL, 0xdeadbeefcafebabeULL, 0x5555555555555555ULL,
    0xaaaaaaaaaaaaaaaaULL, 1000000007, 0xfffffffffff00000ULL, 37, 64, 63, 65,
};
#define NE (sizeof edge / sizeof *edge)
static volatile uint64_t sink;   /* defeats constant folding */

static uint64_t h;
static void mix(uint64_t v) { h = (h ^ v) * 0x100000001b3ULL; }
static void begin(void) { h = 0xcbf29ce484222325ULL; }
static void end(const char *what) { printf("%-16s %016llx\n", what, (unsigned long long)h); }

#define UNSIGNED_OPS(T, NAME, BITS) do {                                          \
    begin();                                                                      \
    for (size_t i = 0; i < NE; i++) for (size_t j = 0; j < NE; j++) {             \
        T a = (T)(sink = edge[i]), b = (T)(sink = edge[j]);                       \
        mix((T)(a + b)); mix((T)(a - b)); mix((T)(a * b)); mix((T)(a & b));      \
        mix((T)(a | b)); mix((T)(a ^ b)); mix((T)~a); mix((T)-a);                 \
        mix(a < b); mix(a == b);                                                  \
        if (b) { mix((T)(a / b)); mix((T)(a % b)); }                              \
        unsigned s = b % BITS;                                                    \
        mix((T)(a << s)); mix((T)(a >> s));                                       \
        mix((T)((T)(a << s) | (T)(a >> ((BITS - s) % BITS))));                    \
    }                                                                             \
    end(NAME);                                                                    \
} while (0)

#define SIGNED_OPS(T, UT, NAME, BITS, MIN) do {                                   \
    begin();                                                                      \
    for (size_t i = 0; i < NE; i++) for (size_t j = 0; j < NE; j++) {             \
        T a = (T)(UT)(sink = edge[i]), b = (T)(UT)(sink = edge[j]);               \
        mix((UT)a < (UT)b); mix(a < b); mix(a <= b); mix(a > 0);                  \
        if (b && !(a == MIN && b == -1)) { mix((UT)(a / b)); mix((UT)(a % b)); }  \
        mix((UT)(a >> (j % BITS)));                 /* arithmetic shift */        \
        mix((UT)(T)(int8_t)a); mix((UT)(T)(int16_t)a);   /* sign extension */     \
        __int128 p = (__int128)a * b;                                             \
        mix((uint64_t)p); mix((uint64_t)(p >> 64));                               \
    }                                                                             \
    end(NAME);                                                                    \
} while (0)

int main(void)
{
    UNSIGNED_OPS(uint8_t, "u8", 8);
    UNSIGNED_OPS(uint16_t, "u16", 16);
    UNSIGNED_OPS(uint32_t, "u32", 32);
    UNSIGNED_OPS(uint64_t, "u64", 64);
    SIGNED_OPS(int8_t, uint8_t, "s8", 8, INT8_MIN);
    SIGNED_OPS(int16_t, uint16_t, "s16", 16, INT16_MIN);
    SIGNED_OPS(int32_t, uint32_t, "s32", 32, INT32_MIN);
    SIGNED_OPS(int64_t, uint64_t, "s64", 64, INT64_MIN);

    begin();
    for (size_t i = 0; i < NE; i++) for (size_t j = 0; j < NE; j++) {
        unsigned __int128 a = ((unsigned __int128)(sink = edge[i]) << 64) | edge[(i + 5) % NE];
        unsigned __int128 b = (sink = edge[j]);
        if (j & 1) b = (b << 64) | edge[(j + 3) % NE];
        unsigned __int128 r[] = {a + b, a - b, a * b, b ? a / b : 0, b ? a % b : 0,
                                 a << (j % 128), a >> (i % 128)};
        for (int k = 0; k < 7; k++) { mix((uint64_t)r[k]); mix((uint64_t)(r[k] >> 64)); }
        __int128 sa = (__int128)a, sb = (__int128)b;
        if (sb && !(sb == -1 && sa == (__int128)((unsigned __int128)1 << 127))) {
            mix((uint64_t)(sa / sb)); mix((uint64_t)((sa % sb) >> 64));
        }
        mix((uint64_t)(sa >> (j % 128)));
    }
    end("u128/s128");

    begin();
    for (size_t i = 0; i < NE; i++) {
        uint64_t a = (sink = edge[i]);
        mix(__builtin_popcountll(a)); mix(__builtin_parityll(a));
        if (a) { mix(__builtin_clzll(a)); mix(__builtin_ctzll(a)); }
        mix(__builtin_bswap64(a)); mix(__builtin_bswap32((uint32_t)a));
        mix(__builtin_bswap16((uint16_t)a));
        uint64_t r; mix(__builtin_add_overflow(a, edge[NE - 1 - i], &r)); mix(r);
        mix(__builtin_mul_overflow((int64_t)a, (int64_t)edge[(i + 1) % NE], (int64_t *)&r)); mix(r);
        mix(__builtin_sub_overflow((int32_t)a, (int32_t)edge[(i + 7) % NE], (int32_t *)&r));
        mix((uint32_t)r);
    }
    end("bits/overflow");

    /* a few printed values, for humans reading a failure */
    int64_t x = (int64_t)(sink = 0x8000000000000001ULL);
    printf("%lld / 7 = %lld rem %lld; >> 3 = %lld\n", (long long)x, (long long)(x / 7),
           (long long)(x % 7), (long long)(x >> 3));
    unsigned __int128 big = (unsigned __int128)(sink = 0xffffffffffffffffULL) * 0xffffffffffffffffULL;
    printf("(2^64-1)^2 = %016llx%016llx\n", (unsigned long long)(big >> 64),
           (unsigned long long)big);
    sink = -7;
    int m7 = (int)sink;
    printf("-7 / 2 = %d, -7 %% 2 = %d, -7 >> 1 = %d\n", m7 / 2, m7 % 2, m7 >> 1);
    return 0;
}
