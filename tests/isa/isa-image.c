/*
 * tests/isa/isa-image.c — 8- and 16-bit "image" kernels the compiler turns
 * into packed saturating/averaging/multiply-add instructions: blend with
 * alpha, box blur, saturating add, absolute difference, byte histogram,
 * a small int16 convolution, transposition, and a u8->float->u8 round trip.
 */
#include <stdint.h>
#include <stdio.h>

#define W 97
#define H 61

static uint8_t img[H][W], img2[H][W], out[H][W];
static int16_t s16[H * W];

static uint64_t fnv(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ b[i]) * 1099511628211ull;
    }
    return h;
}

int main(void)
{
    uint32_t r = 7;
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            r = r * 1664525u + 1013904223u;
            img[y][x] = (uint8_t)(r >> 24);
            img2[y][x] = (uint8_t)((x * 3 + y * 5) ^ (r >> 16));
        }
    }
    /* alpha blend */
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            unsigned a = img2[y][x];
            out[y][x] = (uint8_t)((img[y][x] * a + img2[y][x] * (255 - a) + 127) / 255);
        }
    }
    printf("blend %016llx\n", (unsigned long long)fnv(out, sizeof(out)));
    /* saturating add, average, abs diff */
    unsigned sad = 0;
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            unsigned s = img[y][x] + img2[y][x];
            out[y][x] = s > 255 ? 255 : (uint8_t)s;
            sad += img[y][x] > img2[y][x] ? img[y][x] - img2[y][x] : img2[y][x] - img[y][x];
            out[y][x] ^= (uint8_t)((img[y][x] + img2[y][x] + 1) >> 1);
        }
    }
    printf("satadd %016llx sad %u\n", (unsigned long long)fnv(out, sizeof(out)), sad);
    /* 3x3 box blur */
    for (int y = 1; y < H - 1; y++) {
        for (int x = 1; x < W - 1; x++) {
            unsigned s = 0;
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    s += img[y + dy][x + dx];
                }
            }
            out[y][x] = (uint8_t)(s / 9);
        }
    }
    printf("blur %016llx\n", (unsigned long long)fnv(out, sizeof(out)));
    /* histogram */
    uint32_t hist[256] = { 0 };
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            hist[img[y][x]]++;
        }
    }
    printf("hist %016llx\n", (unsigned long long)fnv(hist, sizeof(hist)));
    /* int16 convolution with saturation; multiply-add pairs */
    for (int i = 0; i < H * W; i++) {
        s16[i] = (int16_t)((int)img[i / W][i % W] * 129 - 16000);
    }
    static const int16_t k[8] = { 3, -7, 11, 64, 11, -7, 3, -1 };
    int64_t conv = 0;
    for (int i = 0; i + 8 <= H * W; i++) {
        int32_t s = 0;
        for (int j = 0; j < 8; j++) {
            s += s16[i + j] * k[j];
        }
        s >>= 6;
        conv += s > 32767 ? 32767 : s < -32768 ? -32768 : s;
    }
    printf("conv %lld\n", (long long)conv);
    /* transpose (shuffles) and u8->float->u8 gamma-ish scale */
    static uint8_t t[W][H];
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            t[x][y] = img[y][x];
        }
    }
    printf("transpose %016llx\n", (unsigned long long)fnv(t, sizeof(t)));
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            float f = img[y][x] * (1.0f / 255.0f);
            f = f * f * 0.75f + f * 0.25f;
            out[y][x] = (uint8_t)(f * 255.0f + 0.5f);
        }
    }
    printf("scale %016llx\n", (unsigned long long)fnv(out, sizeof(out)));
    return 0;
}
