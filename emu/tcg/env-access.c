/*
 * emu/tcg/env-access.c — the qemu_ld_env / qemu_st_env IR ops in C: 16 or
 * 32 bytes between guest memory and env (ir-ops.def).  The interpreter runs
 * them here; the JIT inlines them and comes here from its slow path.
 *
 * All or nothing, as the guest instruction (one SSE/AVX access): a fault
 * writes neither env nor guest memory.  A load reads every byte before it
 * writes env.  A store is one host instruction per 16 bytes; 32 bytes are
 * one `vmovdqu` where the host has AVX, else two 16-byte stores, the upper
 * one first, so that only a store whose first page is unwritable while the
 * second is writable could write half (a host without AVX running a guest
 * with it: the only case the guest CPU model and the host differ in).
 */
#include <string.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/tcg/backend.h"
#include "emu/tcg/internal.h"

typedef uint8_t V16 __attribute__((vector_size(16), aligned(1)));

static bool host_avx(void)
{
    static int have = -1;
    if (G_UNLIKELY(have < 0)) {
        __builtin_cpu_init();
        have = __builtin_cpu_supports("avx");
    }
    return have;
}

__attribute__((target("avx")))
static void store32_avx(void *dst, const void *src)
{
    typedef uint8_t V32 __attribute__((vector_size(32), aligned(1)));
    V32 v = *(const V32 *)src;
    *(V32 *)dst = v;
}

void tcg_ld_env(CPUX86State *env, uint64_t addr, uint32_t env_off, uint32_t size)
{
    if (addr > guest_addr_limit - size) {
        cpu_raise_access_fault_n(env, addr, size, 0);
    }
    const uint8_t *p = (const uint8_t *)(guest_base + (uintptr_t)addr);
    V16 lo = *(const V16 *)p, hi = {0};
    if (size == 32) {
        hi = *(const V16 *)(p + 16);
    }
    uint8_t *e = (uint8_t *)env + env_off;
    *(V16 *)e = lo;
    if (size == 32) {
        *(V16 *)(e + 16) = hi;
    }
}

void tcg_st_env(CPUX86State *env, uint64_t addr, uint32_t env_off, uint32_t size)
{
    if (addr > guest_addr_limit - size) {
        cpu_raise_access_fault_n(env, addr, size, 1);
    }
    uint8_t *p = (uint8_t *)(guest_base + (uintptr_t)addr);
    const uint8_t *e = (const uint8_t *)env + env_off;
    if (size == 16) {
        *(V16 *)p = *(const V16 *)e;
    } else if (host_avx()) {
        store32_avx(p, e);
    } else {
        *(V16 *)(p + 16) = *(const V16 *)(e + 16);
        *(V16 *)p = *(const V16 *)e;
    }
}
