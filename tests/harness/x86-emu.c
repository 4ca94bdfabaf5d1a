/*
 * tests/harness/x86-emu.c — a run under emu: refill the layout's areas,
 * copy the code and the state in, translate and execute through
 * cpu_exec() until the ud2 that ends the code (or a fault), read the
 * state back.  The FXSAVE image <-> CPUX86State conversion is written
 * here, independently of emu's own FXSAVE/XSAVE helpers, so that a bug
 * there can't hide itself.
 */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <glib.h>

#include "emu/exec.h"
#include "softmmu/softmmu.h"
#include "x86-emu.h"

static CPUX86State *env;

int hx_emu_init(const HxLayout *l)
{
    if (env) {
        return 0;
    }
    if (mm_init() != 0) {
        return -1;
    }
    cpu_exec_init_all();
    env = g_malloc0(sizeof(*env));
    cpu_x86_init(env);
    cpu_exec_init_vcpu(env);
    for (int i = 0; i < l->nb_maps; i++) {
        const HxMap *m = &l->maps[i];
        if (mm_mmap(m->addr, m->size, m->prot, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS,
                    -1, 0) != (int64_t)m->addr) {
            return -2;
        }
    }
    for (int i = 0; i < l->nb_holes; i++) {
        mm_munmap(l->holes[i][0], l->holes[i][1]);   /* never mapped: fine */
    }
    return 0;
}

CPUX86State *hx_emu_env(void)
{
    return env;
}

static void fx_to_env(const uint8_t *fx, CPUX86State *e)
{
    uint16_t fcw, fsw;
    uint32_t mxcsr;
    memcpy(&fcw, fx, 2);
    memcpy(&fsw, fx + 2, 2);
    memcpy(&mxcsr, fx + 24, 4);
    e->fpuc = fcw;
    e->fpus = fsw & ~0x3800;
    e->fpstt = (fsw >> 11) & 7;
    e->fptags = (uint8_t)~fx[4];
    for (int i = 0; i < 8; i++) {
        X86FPReg *r = &e->fpregs[(e->fpstt + i) & 7];
        memcpy(&r->q[0], fx + 32 + 16 * i, 8);
        r->q[1] = 0;
        memcpy(&r->q[1], fx + 40 + 16 * i, 2);
    }
    e->mxcsr = mxcsr;
    for (int i = 0; i < 16; i++) {
        memcpy(&e->xmm[i].b[0], fx + 160 + 16 * i, 16);
    }
}

static void env_to_fx(const CPUX86State *e, uint8_t *fx)
{
    uint16_t fcw = (uint16_t)e->fpuc;
    uint16_t fsw = (uint16_t)((e->fpus & ~0x3800) | ((e->fpstt & 7) << 11));
    uint32_t mxcsr = (uint32_t)e->mxcsr, mask = 0xffff;
    memset(fx, 0, 512);
    memcpy(fx, &fcw, 2);
    memcpy(fx + 2, &fsw, 2);
    fx[4] = (uint8_t)~e->fptags;
    memcpy(fx + 24, &mxcsr, 4);
    memcpy(fx + 28, &mask, 4);
    for (int i = 0; i < 8; i++) {
        const X86FPReg *r = &e->fpregs[(e->fpstt + i) & 7];
        memcpy(fx + 32 + 16 * i, &r->q[0], 8);
        memcpy(fx + 40 + 16 * i, &r->q[1], 2);
    }
    for (int i = 0; i < 16; i++) {
        memcpy(fx + 160 + 16 * i, &e->xmm[i].b[0], 16);
    }
}

/* Refill one mapped area (in chunks: areas may be larger than a buffer). */
static void fill_area(const HxMap *m)
{
    static uint8_t buf[0x4000];
    memset(buf, m->fill, sizeof(buf));
    for (uint64_t off = 0; off < m->size; off += sizeof(buf)) {
        uint64_t n = MIN(sizeof(buf), m->size - off);
        g_assert(mm_copy_to_guest(m->addr + off, buf, n) == 0);
    }
}

int hx_emu_run(const HxLayout *l, const uint8_t *code, size_t len, const HxState *in,
               HxState *out)
{
    g_assert(hx_emu_init(l) == 0);
    tb_flush();
    for (int i = 0; i < l->nb_maps; i++) {
        fill_area(&l->maps[i]);
        tb_invalidate_range(l->maps[i].addr, l->maps[i].addr + l->maps[i].size);
    }
    g_assert(mm_copy_to_guest(l->code, code, len) == 0);
    g_assert(mm_copy_to_guest(l->data, in->data, l->data_size) == 0);
    if (l->stack_size) {
        g_assert(mm_copy_to_guest(l->stack, in->stack, l->stack_size) == 0);
    }
    if (in->poke_addr) {
        g_assert(mm_copy_to_guest(in->poke_addr, &in->poke_val, 8) == 0);
    }

    void *jc = env->tb_jmp_cache;
    cpu_x86_init(env);
    env->tb_jmp_cache = jc;
    memcpy(env->regs, in->regs, sizeof(in->regs));
    cpu_set_eflags(env, in->rflags);
    env->rip = l->code;
    if (l->gs_base) {
        env->gs_base = l->gs_base;
    }
    fx_to_env(in->fx, env);
    for (int i = 0; i < 16; i++) {
        memcpy(&env->xmm[i].b[16], in->ymmh[i], 16);
    }
    env->ud_unimplemented = false;
    env->fault_signo = 0;

    int excp = cpu_exec(env);
    memset(out, 0, offsetof(HxState, data));
    memcpy(out->regs, env->regs, sizeof(out->regs));
    out->rflags = cpu_get_eflags(env);
    out->rip = env->rip;
    switch (excp) {
    case EXCP_UD: out->signo = SIGILL; break;
    case EXCP_DE: out->signo = SIGFPE; break;
    case EXCP_BP: out->signo = SIGTRAP; break;
    case EXCP_GP: case EXCP_HLT: case EXCP_PF: case EXCP_BUS: case EXCP_MF:
        out->signo = env->fault_signo ? env->fault_signo : SIGSEGV;
        break;
    default:
        out->signo = HX_SIG_OTHER;
        break;
    }
    out->fault_addr = out->signo == SIGSEGV ? env->fault_addr : 0;
    env_to_fx(env, out->fx);
    for (int i = 0; i < 16; i++) {
        memcpy(out->ymmh[i], &env->xmm[i].b[16], 16);
    }
    g_assert(mm_copy_from_guest(out->data, l->data, l->data_size) == 0);
    if (l->stack_size) {
        g_assert(mm_copy_from_guest(out->stack, l->stack, l->stack_size) == 0);
    }
    return excp;
}
