/*
 * tests/fuzz/emu-run.c — a case under emu: decode, translate, run over the
 * softmmu through cpu_exec(), as linux-user's cpu loop would, until the
 * ud2 that ends the case (or a fault).  The guest layout is the native
 * one (code page, data area, nothing mapped around them).  The FXSAVE
 * image <-> CPUX86State conversion is written here, independently of
 * emu's own FXSAVE helper, so that a bug there can't hide itself.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/exec.h"
#include "emu/x86/cpu-model.h"
#include "softmmu/softmmu.h"
#include "fuzz.h"

static CPUX86State *env;

int fz_emu_init(const char *model)
{
    if (model && !x86_cpu_model_force_for_test(model)) {
        return -1;
    }
    if (mm_init() != 0) {
        return -2;
    }
    cpu_exec_init_all();
    env = g_malloc0(sizeof(*env));
    cpu_x86_init(env);
    cpu_exec_init_vcpu(env);
    if (mm_mmap(FZ_CODE, FZ_CODE_SZ, PROT_READ | PROT_WRITE | PROT_EXEC,
                MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != (int64_t)FZ_CODE ||
        mm_mmap(FZ_DATA, FZ_DATA_SZ, PROT_READ | PROT_WRITE,
                MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != (int64_t)FZ_DATA) {
        return -3;
    }
    return 0;
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
    uint32_t mxcsr = (uint32_t)e->mxcsr;
    memset(fx, 0, 512);
    memcpy(fx, &fcw, 2);
    memcpy(fx + 2, &fsw, 2);
    fx[4] = (uint8_t)~e->fptags;
    memcpy(fx + 24, &mxcsr, 4);
    for (int i = 0; i < 8; i++) {
        const X86FPReg *r = &e->fpregs[(e->fpstt + i) & 7];
        memcpy(fx + 32 + 16 * i, &r->q[0], 8);
        memcpy(fx + 40 + 16 * i, &r->q[1], 2);
    }
    for (int i = 0; i < 16; i++) {
        memcpy(fx + 160 + 16 * i, &e->xmm[i].b[0], 16);
    }
}

void fz_emu_run(const FuzzCase *c, const FuzzState *in, FuzzState *out, bool *unimpl,
                int *model_ud)
{
    static uint8_t zero_code[FZ_CODE_SZ];

    memset(zero_code, 0xcc, sizeof(zero_code));
    memcpy(zero_code, c->code, (size_t)c->code_len);
    tb_flush();
    mm_copy_to_guest(FZ_CODE, zero_code, sizeof(zero_code));
    mm_copy_to_guest(FZ_DATA, in->data, FZ_DATA_SZ);
    tb_invalidate_range(FZ_CODE, FZ_CODE + FZ_CODE_SZ);

    void *jc = env->tb_jmp_cache;
    cpu_x86_init(env);
    env->tb_jmp_cache = jc;
    memcpy(env->regs, in->regs, sizeof(in->regs));
    cpu_set_eflags(env, in->rflags);
    env->rip = FZ_CODE;
    fx_to_env(in->fx, env);
    for (int i = 0; i < 16; i++) {
        memcpy(&env->xmm[i].b[16], in->ymmh[i], 16);
    }
    env->ud_unimplemented = false;
    env->fault_signo = 0;

    int excp = cpu_exec(env);
    memset(out, 0, sizeof(*out));
    memcpy(out->regs, env->regs, sizeof(out->regs));
    out->rflags = cpu_get_eflags(env);
    out->rip = env->rip;
    *unimpl = false;
    *model_ud = 0;
    switch (excp) {
    case EXCP_UD:
        out->signo = SIGILL;
        if (env->ud_unimplemented) {
            *unimpl = true;
        }
        break;
    case EXCP_DE: out->signo = SIGFPE; break;
    case EXCP_BP: out->signo = SIGTRAP; break;
    case EXCP_GP: case EXCP_HLT: out->signo = SIGSEGV; break;
    case EXCP_PF: case EXCP_BUS: case EXCP_MF:
        out->signo = env->fault_signo ? env->fault_signo : SIGSEGV;
        break;
    default:
        out->signo = FZ_SIG_OTHER;
        break;
    }
    env_to_fx(env, out->fx);
    for (int i = 0; i < 16; i++) {
        memcpy(out->ymmh[i], &env->xmm[i].b[16], 16);
    }
    mm_copy_from_guest(out->data, FZ_DATA, FZ_DATA_SZ);
}
