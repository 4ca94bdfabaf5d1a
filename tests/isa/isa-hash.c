/*
 * tests/isa/isa-hash.c — hashing and checksums: CRC-32C (table, bitwise
 * and the SSE4.2 CRC32 instruction), Adler-32, FNV-1a, a SHA-256 block
 * function (rotates: RORX under BMI2), xorshift/multiply mixers (MULX),
 * and a vectorized 32-bit multiply-add hash over lanes (PMULLD, VPMULLD).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 8191

static uint8_t data[N];

static uint32_t crc32c_bitwise(const uint8_t *p, size_t n)
{
    uint32_t c = ~0u;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0x82f63b78u & -(c & 1));
        }
    }
    return ~c;
}

static uint32_t crc32c_hw(const uint8_t *p, size_t n)
{
    uint64_t c = ~0u;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        c = __builtin_ia32_crc32di(c, w);
    }
    uint32_t c32 = (uint32_t)c;
    if (i + 4 <= n) {
        uint32_t w;
        memcpy(&w, p + i, 4);
        c32 = __builtin_ia32_crc32si(c32, w);
        i += 4;
    }
    if (i + 2 <= n) {
        uint16_t w;
        memcpy(&w, p + i, 2);
        c32 = __builtin_ia32_crc32hi(c32, w);
        i += 2;
    }
    for (; i < n; i++) {
        c32 = __builtin_ia32_crc32qi(c32, p[i]);
    }
    return ~c32;
}

static uint32_t adler32(const uint8_t *p, size_t n)
{
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) {
        a = (a + p[i]) % 65521;
        b = (b + a) % 65521;
    }
    return (b << 16) | a;
}

static uint32_t lanes_hash(const uint32_t *w, size_t n)
{
    uint32_t acc[16] = { 0 };
    for (size_t i = 0; i + 16 <= n; i += 16) {
        for (int j = 0; j < 16; j++) {
            acc[j] = (acc[j] ^ w[i + j]) * 0x9e3779b1u + (acc[j] >> 15);
        }
    }
    uint32_t h = 0;
    for (int j = 0; j < 16; j++) {
        h = (h << 5 | h >> 27) ^ acc[j];
    }
    return h;
}

#define ROR(x, n) ((x) >> (n) | (x) << (32 - (n)))

static void sha256_block(uint32_t st[8], const uint8_t *blk)
{
    static const uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };
    uint32_t w[64], a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
    for (int i = 0; i < 16; i++) {
        w[i] = (uint32_t)blk[4 * i] << 24 | blk[4 * i + 1] << 16 | blk[4 * i + 2] << 8 | blk[4 * i + 3];
    }
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    st[0] += a; st[1] += b; st[2] += c; st[3] += d;
    st[4] += e; st[5] += f; st[6] += g; st[7] += h;
}

static uint64_t mix64(uint64_t x)
{
    unsigned __int128 p = (unsigned __int128)x * 0xff51afd7ed558ccdull;
    x = (uint64_t)p ^ (uint64_t)(p >> 64);
    x ^= x >> 33;
    return x * 0xc4ceb9fe1a85ec53ull;
}

int main(void)
{
    uint64_t s = 1;
    for (int i = 0; i < N; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        data[i] = (uint8_t)(s >> 56);
    }
    for (size_t n = 0; n < 40; n += 3) {
        printf("crc32c %zu %08x %08x\n", n, crc32c_bitwise(data + n, n * 7), crc32c_hw(data + n, n * 7));
    }
    printf("crc32c all %08x %08x adler %08x\n", crc32c_bitwise(data, N), crc32c_hw(data, N), adler32(data, N));
    uint32_t w[N / 4];
    memcpy(w, data, sizeof(w));
    printf("lanes %08x\n", lanes_hash(w, N / 4));
    uint32_t st[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    for (int i = 0; i + 64 <= N; i += 64) {
        sha256_block(st, data + i);
    }
    printf("sha256");
    for (int i = 0; i < 8; i++) {
        printf(" %08x", st[i]);
    }
    printf("\n");
    uint64_t m = 0;
    for (int i = 0; i < 10000; i++) {
        m = mix64(m + (uint64_t)i);
    }
    uint32_t fnv = 2166136261u;
    for (int i = 0; i < N; i++) {
        fnv = (fnv ^ data[i]) * 16777619u;
    }
    printf("mix %016llx fnv %08x\n", (unsigned long long)m, fnv);
    return 0;
}
