/*
 * tests/harness/x86-check.c — one differential check (see x86-check.h).
 */
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "x86-check.h"
#include "x86-emu.h"
#include "x86-native.h"

int hx_check(const HxLayout *l, const HxCompare *c, const char *name, int it,
             const uint8_t *nat_code, size_t nat_len, const uint8_t *emu_code, size_t emu_len,
             const HxState *in, HxState *nat, HxState *emu)
{
    HxState *n = nat ? nat : g_malloc(sizeof(HxState));
    HxState *e = emu ? emu : g_malloc(sizeof(HxState));
    int bad;

    if (hx_native_run(l, nat_code, nat_len, in, n) < 0) {
        fprintf(stderr, "%s run %d: the native child was lost\n", name, it);
        bad = -1;
    } else {
        hx_emu_run(l, emu_code, emu_len, in, e);
        GString *msg = g_string_new(NULL);
        bad = hx_compare(l, c, in, n, e, msg, NULL);
        if (bad) {
            uint16_t fcw;
            uint32_t mx;
            memcpy(&fcw, in->fx, 2);
            memcpy(&mx, in->fx + 24, 4);
            fprintf(stderr, "%s run %d differs (fcw %04x mxcsr %08x):\n%s", name, it, fcw, mx,
                    msg->str);
        }
        g_string_free(msg, TRUE);
    }
    if (!nat) {
        g_free(n);
    }
    if (!emu) {
        g_free(e);
    }
    return bad;
}

uint8_t *hx_code_ud2(const uint8_t *code, size_t len)
{
    uint8_t *b = g_malloc(len + 2);
    memcpy(b, code, len);
    b[len] = 0x0f;
    b[len + 1] = 0x0b;
    return b;
}
