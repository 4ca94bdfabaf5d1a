/*
 * tests/harness/x86-random.c — random initial states drawn from edge
 * values, shared by the x86 unit tests (the fuzzer draws its doubles from
 * here too, the rest from its own, wider tables).  Each generator is the
 * one its tests had before the harness was shared, draw for draw, so that
 * a seed gives the same states.
 */
#include <string.h>
#include <glib.h>

#include "emu/cpu.h"
#include "x86-random.h"

const uint32_t hx_f32_edge[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7fc00000, 0xffc00000,
    0x7f800001, 0x7fa12345, 0xffc54321, 0x7f800000, 0xff800000, 0x00000001,
    0x807fffff, 0x00400000, 0x7f7fffff, 0xff7fffff, 0x00800000, 0x3fc00000,
    0x3f000000, 0x40200000, 0xc0600000, 0x3dcccccd, 0x4b800001, 0x4effffff,
    0x4f000000, 0xcf000000, 0xcf000001, 0x5f000000, 0xdf000000, 0x5effffff,
    0x3eaaaaab, 0x42f6e979,
};

const uint64_t hx_f64_edge[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull,
    0xbff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull,
    0x7ff0000000000001ull, 0x7ff4000000abcdefull, 0xfff8000012345678ull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x0000000000000001ull,
    0x800fffffffffffffull, 0x0008000000000000ull, 0x7fefffffffffffffull,
    0x0010000000000000ull, 0x3ff8000000000000ull, 0x3fe0000000000000ull,
    0x4004000000000000ull, 0xc00c000000000000ull, 0x3fb999999999999aull,
    0x4340000000000001ull, 0x41dfffffffc00000ull, 0x41e0000000000000ull,
    0xc1e0000000000000ull, 0xc1e0000000200000ull, 0x43e0000000000000ull,
    0xc3e0000000000000ull, 0x43dfffffffffffffull, 0x3fd5555555555555ull,
    0x36a0000000000000ull, 0x47efffffe0000000ull,
};

/* 80-bit: {mantissa, sign|exponent} */
const uint64_t hx_f80_edge[][2] = {
    { 0, 0 }, { 0, 0x8000 }, { 0x8000000000000000ull, 0x3fff },
    { 0x8000000000000000ull, 0xbfff }, { 0xc90fdaa22168c235ull, 0x4000 },
    { 0xc000000000000000ull, 0x7fff }, { 0xc000000000000000ull, 0xffff },
    { 0xa000000000000000ull, 0x7fff }, { 0x8000000000000000ull, 0x7fff },
    { 0x8000000000000000ull, 0xffff }, { 0x0000000000000001ull, 0x0000 },
    { 0x8000000000000000ull, 0x0001 }, { 0xffffffffffffffffull, 0x7ffe },
    { 0x8000000000000000ull, 0x403e }, { 0xffffffffffffffffull, 0x403d },
    { 0x8000000000000000ull, 0xc03e }, { 0xc000000000000000ull, 0x3ffe },
    { 0xa000000000000000ull, 0x4000 }, { 0xe000000000000000ull, 0xc000 },
    { 0x8000000000000001ull, 0x3fff }, { 0xb17217f7d1cf79acull, 0x3ffe },
    { 0x9a209a84fbcff799ull, 0x3ffd }, { 0x8000000000000000ull, 0x4050 },
    { 0x9c40000000000000ull, 0x400c }, { 0x4000000000000000ull, 0x3fff }, /* unnormal */
    { 0x8000000000000000ull, 0x0000 }, /* pseudo-denormal */
    { 0xfffffffffffff800ull, 0x401c }, { 0x8000000000000400ull, 0x3ff5 },
    { 0xccccccccccccccccull, 0x3ffb }, { 0x8000000000000000ull, 0x3ffd },
    { 0x8000000000000000ull, 0x4400 }, { 0xdeadbeefdeadbeefull, 0xbff0 },
};

const int16_t hx_int16_edge[] = { 0, 1, -1, 2, 127, -128, 255, 256, 32767, -32768, 3, 15, 16, 100 };

const size_t hx_n_f32_edge = G_N_ELEMENTS(hx_f32_edge);
const size_t hx_n_f64_edge = G_N_ELEMENTS(hx_f64_edge);
const size_t hx_n_f80_edge = G_N_ELEMENTS(hx_f80_edge);
const size_t hx_n_int16_edge = G_N_ELEMENTS(hx_int16_edge);

void hx_fill16_edge(uint64_t *rng, uint8_t *x)
{
    switch (hx_rng(rng) % 5) {
    case 0:
        for (int i = 0; i < 4; i++) {
            uint32_t v = hx_f32_edge[hx_rng(rng) % G_N_ELEMENTS(hx_f32_edge)];
            memcpy(x + 4 * i, &v, 4);
        }
        break;
    case 1:
        for (int i = 0; i < 2; i++) {
            uint64_t v = hx_f64_edge[hx_rng(rng) % G_N_ELEMENTS(hx_f64_edge)];
            memcpy(x + 8 * i, &v, 8);
        }
        break;
    case 2:
        for (int i = 0; i < 8; i++) {
            int16_t v = hx_int16_edge[hx_rng(rng) % G_N_ELEMENTS(hx_int16_edge)];
            memcpy(x + 2 * i, &v, 2);
        }
        break;
    default:
        for (int i = 0; i < 2; i++) {
            uint64_t v = hx_rng(rng);
            memcpy(x + 8 * i, &v, 8);
        }
        break;
    }
}

/* Values near the edges of each size, where flags change. */
uint64_t hx_interesting(uint64_t *rng)
{
    static const uint64_t v[] = {
        0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
        0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
        0x8000000000000000ull, 0xffffffffffffffffull, 0xfffffffffffffffeull, 0x0f0f, 0x10,
    };
    uint64_t r = hx_rng(rng);
    switch (r % 4) {
    case 0: return v[(r >> 8) % G_N_ELEMENTS(v)];
    case 1: return v[(r >> 8) % G_N_ELEMENTS(v)] + ((r >> 16) % 3) - 1;
    case 2: return hx_rng(rng) & 0xffff;
    default: return hx_rng(rng);
    }
}

void hx_random_int_state(uint64_t *rng, HxState *st, const HxLayout *l, uint64_t rsp)
{
    memset(st, 0, sizeof(*st));
    hx_state_init_fp(st);
    for (int i = 0; i < 16; i++) {
        st->regs[i] = hx_interesting(rng);
    }
    if (hx_rng(rng) % 4 == 0) {
        st->regs[R_ECX] = st->regs[R_EAX];   /* equal operands */
    }
    st->regs[R_ESP] = rsp;
    st->rflags = 0x202 | (hx_rng(rng) & CC_ARITH_MASK);
    st->rip = l->code;
    for (size_t i = 0; i < l->data_size; i++) {
        st->data[i] = (uint8_t)hx_rng(rng);
    }
    for (size_t i = 0; i < l->stack_size; i += 8) {
        uint64_t v = hx_rng(rng);
        memcpy(st->stack + i, &v, 8);
    }
    uint64_t entry = l->code;   /* what an entry by a ret from rsp - 8 leaves below rsp */
    memcpy(st->stack + (rsp - 8 - l->stack), &entry, 8);
}

void hx_random_fp_state(uint64_t *rng, HxState *st, const HxLayout *l, uint64_t rsp)
{
    memset(st, 0, sizeof(*st));
    st->xstate_bv = 7;
    for (int i = 0; i < 16; i++) {
        switch (hx_rng(rng) % 4) {
        case 0: st->regs[i] = hx_rng(rng); break;
        case 1:
            st->regs[i] = (uint64_t)(int64_t)hx_int16_edge[hx_rng(rng) % G_N_ELEMENTS(hx_int16_edge)];
            break;
        case 2: st->regs[i] = hx_rng(rng) & 0x7f; break;
        default: st->regs[i] = (uint64_t)(int64_t)(int32_t)hx_rng(rng); break;
        }
    }
    st->regs[R_ESP] = rsp;
    st->regs[R_ESI] = l->data;
    st->rflags = 0x202 | (hx_rng(rng) & CC_ARITH_MASK);
    st->rip = l->code;

    /* FXSAVE image: x87 empty, random RC/PC; MXCSR random mode */
    uint16_t fcw = 0x037f | ((hx_rng(rng) & 3) << 10);
    int pc = (int)(hx_rng(rng) % 4);
    fcw = (fcw & ~0x0300) | ((pc == 1 ? 3 : pc) << 8);
    uint32_t mxcsr = 0x1f80 | ((hx_rng(rng) & 3) << 13);
    if (hx_rng(rng) % 4 == 0) {
        mxcsr |= 0x8000;   /* FTZ */
    }
    if (hx_rng(rng) % 4 == 0) {
        mxcsr |= 0x0040;   /* DAZ */
    }
    if (hx_rng(rng) % 8 == 0) {
        mxcsr &= ~(uint32_t)((hx_rng(rng) & 0x3f) << 7);   /* unmask some */
    }
    if (hx_rng(rng) % 8 == 0) {
        fcw &= ~(uint16_t)(hx_rng(rng) & 0x3f);
    }
    if (hx_rng(rng) % 2) {
        /* a partly filled register stack at a random TOP */
        uint16_t fsw = (uint16_t)((hx_rng(rng) & 7) << 11);
        memcpy(st->fx + 2, &fsw, 2);
        st->fx[4] = (uint8_t)(hx_rng(rng) & hx_rng(rng));
        for (int i = 0; i < 8; i++) {
            const uint64_t *v = hx_f80_edge[hx_rng(rng) % G_N_ELEMENTS(hx_f80_edge)];
            memcpy(st->fx + 32 + 16 * i, &v[0], 8);
            memcpy(st->fx + 40 + 16 * i, &v[1], 2);
        }
    }
    memcpy(st->fx + 0, &fcw, 2);
    memcpy(st->fx + 24, &mxcsr, 4);
    uint32_t mxcsr_mask = 0xffff;
    memcpy(st->fx + 28, &mxcsr_mask, 4);
    for (int i = 0; i < 16; i++) {
        hx_fill16_edge(rng, st->fx + 160 + 16 * i);
    }

    /* data page */
    for (int i = 0; i < 64; i++) {
        uint32_t v = hx_f32_edge[hx_rng(rng) % G_N_ELEMENTS(hx_f32_edge)];
        memcpy(st->data + 4 * i, &v, 4);
    }
    for (int i = 0; i < 32; i++) {
        uint64_t v = hx_f64_edge[hx_rng(rng) % G_N_ELEMENTS(hx_f64_edge)];
        memcpy(st->data + 0x100 + 8 * i, &v, 8);
    }
    for (int i = 0; i < 32; i++) {
        const uint64_t *v = hx_f80_edge[hx_rng(rng) % G_N_ELEMENTS(hx_f80_edge)];
        memcpy(st->data + 0x200 + 16 * i, &v[0], 8);
        memcpy(st->data + 0x208 + 16 * i, &v[1], 2);
    }
    for (int i = 0x400; i < 0x800; i++) {
        st->data[i] = (uint8_t)hx_rng(rng);
    }
    for (int i = 0; i < 0x400; i += 2) {
        int16_t v = hx_int16_edge[hx_rng(rng) % G_N_ELEMENTS(hx_int16_edge)];
        if (hx_rng(rng) % 4 == 0) {
            v = (int16_t)hx_rng(rng);
        }
        memcpy(st->data + 0x800 + i, &v, 2);
    }
    for (size_t i = 0; i < l->stack_size; i++) {
        st->stack[i] = (uint8_t)hx_rng(rng);
    }
}
