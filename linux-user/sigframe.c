/*
 * linux-user/sigframe.c — the x86_64 rt_sigframe: build it on the guest
 * stack for a handler, and restore from it in rt_sigreturn.
 *
 * The layout and the choices are Linux's (arch/x86/kernel/signal*.c and
 * fpu/signal.c), so that a guest that reads or edits its ucontext sees
 * what it would natively:
 *
 *   fpstate (64-byte aligned): FXSAVE image + XSAVE header + AVX state of
 *       the CPU model (x86_cpu_xsave_size() bytes), sw_reserved bytes with
 *       TARGET_FP_XSTATE_MAGIC1, and TARGET_FP_XSTATE_MAGIC2 right after the image;
 *   the frame (rsp at handler entry, (rsp + 8) % 16 == 0):
 *       +0   pretcode (sa_restorer)
 *       +8   ucontext: uc_flags, uc_link, uc_stack, sigcontext, uc_sigmask
 *       +312 siginfo (written only with SA_SIGINFO)
 *
 * Below the interrupted rsp, 128 bytes of red zone are skipped.
 */
#include <signal.h>
#include <string.h>

#include "emu/x86/avx_helper.h"
#include "emu/x86/cpu-model.h"
#include "emu/x86/fpu_helper.h"
#include "linux-user/internal.h"
#include "softmmu/softmmu.h"

#define TARGET_FP_XSTATE_MAGIC1 0x46505853u
#define TARGET_FP_XSTATE_MAGIC2 0x46505845u
#define FXSAVE_SIZE      512
#define SW_RESERVED_OFF  464

#define UC_FP_XSTATE         0x1
#define UC_SIGCONTEXT_SS     0x2
#define UC_STRICT_RESTORE_SS 0x4

#define USER_CS 0x33
#define USER_DS 0x2b

/* struct sigcontext (x86_64), 256 bytes. */
typedef struct TargetSigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;
    uint64_t reserved1[8];
} TargetSigcontext;

typedef struct TargetUcontext {
    uint64_t uc_flags;
    uint64_t uc_link;
    uint64_t ss_sp;
    int32_t ss_flags;
    int32_t ss_pad;
    uint64_t ss_size;
    TargetSigcontext mc;
    uint64_t uc_sigmask;
} TargetUcontext;

typedef struct TargetRtSigframe {
    uint64_t pretcode;
    TargetUcontext uc;
    uint8_t info[128];
} TargetRtSigframe;

_Static_assert(sizeof(TargetSigcontext) == 256, "sigcontext");
_Static_assert(sizeof(TargetUcontext) == 304, "ucontext");
_Static_assert(offsetof(TargetRtSigframe, info) == 312, "rt_sigframe.info");
_Static_assert(sizeof(TargetRtSigframe) == 440, "rt_sigframe");

/* struct _fpx_sw_bytes, at byte 464 of the FXSAVE image. */
typedef struct FpxSwBytes {
    uint32_t magic1;
    uint32_t extended_size;
    uint64_t xfeatures;
    uint32_t xstate_size;
    uint32_t padding[7];
} FpxSwBytes;
_Static_assert(sizeof(FpxSwBytes) == 48, "_fpx_sw_bytes");

/* Linux's user_size: the XSAVE image (or the FXSAVE one without XSAVE). */
static uint32_t fp_user_size(void)
{
    uint32_t n = x86_cpu_xsave_size();
    return n ? n : FXSAVE_SIZE;
}

static uint64_t fp_user_xfeatures(void)
{
    uint64_t x = x86_cpu_xcr0();
    return x ? x : 3;
}

/* Linux's sas_ss_flags()/on_sig_stack() for the thread's altstack. */
bool signal_on_altstack(CPUX86State *env, uint64_t sp)
{
    TaskState *ts = task_state(env);
    if ((uint32_t)ts->ss_flags & (1u << 31) /* SS_AUTODISARM */) {
        return false;
    }
    return sp > ts->ss_sp && sp - ts->ss_sp <= ts->ss_size;
}

static bool on_altstack_raw(TaskState *ts, uint64_t sp)
{
    return sp > ts->ss_sp && sp - ts->ss_sp <= ts->ss_size;
}

void sigframe_reset_fpu(CPUX86State *env)
{
    fpu_reset(env);
    memset(env->xmm, 0, sizeof(env->xmm));
}

/* The fpstate image: FXSAVE64 layout, XSAVE header and AVX of the model,
 * sw_reserved and magic2; size fp_user_size() + 4. */
static void fpstate_build(CPUX86State *env, uint8_t *img)
{
    uint32_t size = fp_user_size();
    uint64_t xcr0 = x86_cpu_xcr0();
    FpxSwBytes sw;

    memset(img, 0, size + 4);
    x86_fxsave_image(env, img, true);
    if (xcr0) {
        x86_xsave_image(env, img, xcr0, true);
        /* The legacy area is always taken from the image on return. */
        uint64_t bv;
        memcpy(&bv, img + XSAVE_HDR_OFF, 8);
        bv |= 3;
        memcpy(img + XSAVE_HDR_OFF, &bv, 8);
        uint32_t m2 = TARGET_FP_XSTATE_MAGIC2;
        memcpy(img + size, &m2, 4);
    }
    memset(&sw, 0, sizeof(sw));
    sw.magic1 = TARGET_FP_XSTATE_MAGIC1;
    sw.extended_size = size + 4;
    sw.xfeatures = fp_user_xfeatures();
    sw.xstate_size = size;
    memcpy(img + SW_RESERVED_OFF, &sw, sizeof(sw));
}

bool sigframe_setup(CPUX86State *env, int sig, const TargetSigaction *sa,
                    const void *info, uint64_t oldmask)
{
    TaskState *ts = task_state(env);
    uint64_t rsp = env->regs[R_ESP];
    bool onsigstack = signal_on_altstack(env, rsp);
    bool entering = false;
    uint64_t sp = rsp - 128;
    uint32_t fpsize = fp_user_size() + (x86_cpu_xcr0() ? 4 : 0);

    if (sa->flags & 0x08000000u /* SA_ONSTACK */) {
        if (ts->ss_size != 0 && !signal_on_altstack(env, sp)) {
            sp = ts->ss_sp + ts->ss_size;
            entering = true;
        }
    }
    uint64_t fp = (sp - fpsize) & ~(uint64_t)63;
    sp = ((fp - sizeof(TargetRtSigframe)) & ~(uint64_t)15) - 8;
    if ((onsigstack || entering) && !on_altstack_raw(ts, sp)) {
        return false;   /* would overflow the altstack: Linux's -1 frame */
    }

    uint8_t fpimg[XSAVE_SIZE_AVX + 8 > 2048 ? XSAVE_SIZE_AVX + 8 : 2048];
    if (fpsize > sizeof(fpimg)) {
        return false;
    }
    fpstate_build(env, fpimg);
    if (mm_copy_to_guest(fp, fpimg, fpsize) < 0) {
        return false;
    }

    TargetRtSigframe f;
    memset(&f, 0, sizeof(f));
    f.pretcode = sa->restorer;
    f.uc.uc_flags = (x86_cpu_xcr0() ? UC_FP_XSTATE : 0) | UC_SIGCONTEXT_SS |
                    UC_STRICT_RESTORE_SS;
    f.uc.uc_link = 0;
    f.uc.ss_sp = ts->ss_sp;
    f.uc.ss_flags = ts->ss_flags;     /* Linux: the raw sas_ss_flags */
    f.uc.ss_size = ts->ss_size;
    TargetSigcontext *sc = &f.uc.mc;
    sc->r8 = env->regs[R_R8];
    sc->r9 = env->regs[R_R9];
    sc->r10 = env->regs[R_R10];
    sc->r11 = env->regs[R_R11];
    sc->r12 = env->regs[R_R12];
    sc->r13 = env->regs[R_R13];
    sc->r14 = env->regs[R_R14];
    sc->r15 = env->regs[R_R15];
    sc->rdi = env->regs[R_EDI];
    sc->rsi = env->regs[R_ESI];
    sc->rbp = env->regs[R_EBP];
    sc->rbx = env->regs[R_EBX];
    sc->rdx = env->regs[R_EDX];
    sc->rax = env->regs[R_EAX];
    sc->rcx = env->regs[R_ECX];
    sc->rsp = rsp;
    sc->rip = env->rip;
    sc->eflags = cpu_get_eflags(env);
    sc->cs = USER_CS;
    sc->ss = USER_DS;
    sc->err = ts->trap_err;
    sc->trapno = ts->trap_nr;
    sc->oldmask = oldmask;
    sc->cr2 = ts->cr2;
    sc->fpstate = fp;
    f.uc.uc_sigmask = oldmask;

    /* Without SA_SIGINFO the info bytes are not written (as Linux). */
    size_t len = (sa->flags & 0x4u /* SA_SIGINFO */) ? sizeof(f) : offsetof(TargetRtSigframe, info);
    if (len == sizeof(f)) {
        memcpy(f.info, info, sizeof(f.info));
    }
    if (mm_copy_to_guest(sp, &f, len) < 0) {
        return false;
    }
    /* SS_AUTODISARM: the altstack is reset while the handler runs (and
     * restored from uc_stack by rt_sigreturn). */
    if ((uint32_t)ts->ss_flags & (1u << 31)) {
        ts->ss_sp = 0;
        ts->ss_size = 0;
        ts->ss_flags = 2;
    }

    env->regs[R_EDI] = (uint64_t)sig;
    env->regs[R_EAX] = 0;
    env->regs[R_ESI] = sp + offsetof(TargetRtSigframe, info);
    env->regs[R_EDX] = sp + offsetof(TargetRtSigframe, uc);
    env->regs[R_ESP] = sp;
    env->rip = sa->handler;
    /* The ABI's function entry: DF clear (TF and RF too). */
    cpu_set_eflags(env, cpu_get_eflags(env) & ~(uint64_t)(DF_MASK | TF_MASK | 0x10000));
    env->df = 1;
    sigframe_reset_fpu(env);
    return true;
}

/* Linux fpu__restore_sig for a 64-bit frame. */
static bool fpstate_restore(CPUX86State *env, uint64_t fp)
{
    uint8_t img[XSAVE_SIZE_AVX + 8 > 2048 ? XSAVE_SIZE_AVX + 8 : 2048];
    uint32_t size = fp_user_size();
    uint64_t xcr0 = x86_cpu_xcr0();
    FpxSwBytes sw;

    if (fp == 0) {
        sigframe_reset_fpu(env);
        return true;
    }
    if (size > sizeof(img) || mm_copy_from_guest(img, fp, size + (xcr0 ? 4 : 0)) < 0) {
        return false;
    }
    memcpy(&sw, img + SW_RESERVED_OFF, sizeof(sw));
    bool fx_only = true;
    if (xcr0 && sw.magic1 == TARGET_FP_XSTATE_MAGIC1 && sw.xstate_size >= XSAVE_HDR_OFF + 64 &&
        sw.xstate_size <= size && sw.xstate_size <= sw.extended_size) {
        uint32_t m2;
        memcpy(&m2, img + sw.xstate_size, 4);
        fx_only = m2 != TARGET_FP_XSTATE_MAGIC2;
    }
    if (fx_only) {
        if (!x86_fxrstor_image(env, img, true)) {
            return false;
        }
        /* Components beyond x87/SSE go to their initial state. */
        for (int i = 0; i < 16; i++) {
            env->xmm[i].q[2] = env->xmm[i].q[3] = 0;
        }
        return true;
    }
    uint64_t rfbm = xcr0 & sw.xfeatures;
    if (!x86_xrstor_image(env, img, rfbm, true)) {
        return false;
    }
    /* Enabled components not named by the frame: initial state. */
    uint64_t init = xcr0 & ~rfbm;
    if (init & 1) {
        uint64_t mxcsr = env->mxcsr;
        fpu_reset(env);
        env->mxcsr = mxcsr;
    }
    if (init & 2) {
        for (int i = 0; i < 16; i++) {
            env->xmm[i].q[0] = env->xmm[i].q[1] = 0;
        }
        env->mxcsr = 0x1f80;
    }
    if (init & 4) {
        for (int i = 0; i < 16; i++) {
            env->xmm[i].q[2] = env->xmm[i].q[3] = 0;
        }
    }
    return true;
}

bool sigframe_return(CPUX86State *env)
{
    TaskState *ts = task_state(env);
    uint64_t frame = env->regs[R_ESP] - 8;
    TargetRtSigframe f;

    if (mm_copy_from_guest(&f, frame, sizeof(f)) < 0) {
        return false;
    }
    /* restore_altstack below is refused while on the altstack; Linux
     * (6.x, measured) judges that by the rsp of the frame. */
    bool on_alt = signal_on_altstack(env, env->regs[R_ESP]);
    signal_set_mask(env, f.uc.uc_sigmask);

    const TargetSigcontext *sc = &f.uc.mc;
    env->regs[R_R8] = sc->r8;
    env->regs[R_R9] = sc->r9;
    env->regs[R_R10] = sc->r10;
    env->regs[R_R11] = sc->r11;
    env->regs[R_R12] = sc->r12;
    env->regs[R_R13] = sc->r13;
    env->regs[R_R14] = sc->r14;
    env->regs[R_R15] = sc->r15;
    env->regs[R_EDI] = sc->rdi;
    env->regs[R_ESI] = sc->rsi;
    env->regs[R_EBP] = sc->rbp;
    env->regs[R_EBX] = sc->rbx;
    env->regs[R_EDX] = sc->rdx;
    env->regs[R_EAX] = sc->rax;
    env->regs[R_ECX] = sc->rcx;
    env->regs[R_ESP] = sc->rsp;
    env->rip = sc->rip;
    /* Linux FIX_EFLAGS: AC OF DF TF SF ZF AF PF CF RF (TF is not emulated). */
    const uint64_t fix = AC_MASK | CC_O | DF_MASK | CC_S | CC_Z | CC_A | CC_P | CC_C;
    uint64_t fl = (cpu_get_eflags(env) & ~fix) | (sc->eflags & fix);
    cpu_set_eflags(env, fl);
    env->df = (fl & DF_MASK) ? (uint64_t)-1 : 1;
    if (!fpstate_restore(env, sc->fpstate)) {
        return false;
    }
    /* restore_altstack: as sigaltstack(&uc_stack), refused (silently)
     * while on the altstack. */
    if (!on_alt) {
        uint32_t mode = (uint32_t)f.uc.ss_flags & ~(1u << 31);
        if (mode == 2 /* SS_DISABLE */) {
            ts->ss_sp = 0;
            ts->ss_size = 0;
            ts->ss_flags = f.uc.ss_flags;
        } else if ((mode == 0 || mode == 1) && f.uc.ss_size >= TARGET_MINSIGSTKSZ) {
            ts->ss_sp = f.uc.ss_sp;
            ts->ss_size = f.uc.ss_size;
            ts->ss_flags = f.uc.ss_flags;
        }
    }
    return true;
}
