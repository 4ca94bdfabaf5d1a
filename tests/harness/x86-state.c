/*
 * tests/harness/x86-state.c — comparing two final CPU states (native and
 * emu) part by part, with the masks a test gives for what the manual
 * leaves undefined, and describing the differences.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "x86-state.h"

static const char *const reg_names[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

void hx_state_init_fp(HxState *st)
{
    uint16_t fcw = 0x037f;
    uint32_t mxcsr = 0x1f80, mask = 0xffff;

    memcpy(st->fx, &fcw, 2);
    memcpy(st->fx + 24, &mxcsr, 4);
    memcpy(st->fx + 28, &mask, 4);
    st->xstate_bv = 7;
}

const char *hx_sig_name(int s)
{
    static char buf[16];
    switch (s) {
    case 0: return "none";
    case SIGILL: return "SIGILL";
    case SIGSEGV: return "SIGSEGV";
    case SIGFPE: return "SIGFPE";
    case SIGBUS: return "SIGBUS";
    case SIGTRAP: return "SIGTRAP";
    case HX_SIG_TIMEOUT: return "timeout";
    case HX_SIG_OTHER: return "other-exit";
    default:
        snprintf(buf, sizeof(buf), "sig%d", s);
        return buf;
    }
}

/* FXSAVE bytes that hold architectural state, by part: FCW/FSW/FTW and
 * the ST registers (not their 6 reserved bytes; not FOP/FIP/FDP, which emu
 * does not track), MXCSR (not MXCSR_MASK: the host's), XMM. */
static unsigned fx_byte_part(size_t i)
{
    if (i < 5) {
        return HX_CMP_X87;
    }
    if (i >= 24 && i < 28) {
        return HX_CMP_MXCSR;
    }
    if (i >= 32 && i < 160) {
        return ((i - 32) % 16) < 10 ? HX_CMP_X87 : 0;
    }
    return i >= 160 && i < 416 ? HX_CMP_XMM : 0;
}

static void item(GString *msg, const HxCompare *c, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void item(GString *msg, const HxCompare *c, const char *fmt, ...)
{
    va_list ap;
    if (!msg) {
        return;
    }
    g_string_append(msg, c->oneline ? " " : "  ");
    va_start(ap, fmt);
    g_string_append_vprintf(msg, fmt, ap);
    va_end(ap);
    g_string_append(msg, c->oneline ? ";" : "\n");
}

/* First differing byte of a memory area (not skipped), or -1. */
static long mem_diff(const HxCompare *c, bool stack, const uint8_t *n, const uint8_t *e,
                     size_t size)
{
    for (size_t i = 0; i < size; i++) {
        if (n[i] != e[i] && !(c->mem_skip && c->mem_skip(c->ctx, stack, i))) {
            return (long)i;
        }
    }
    return -1;
}

int hx_compare(const HxLayout *l, const HxCompare *c, const HxState *in,
               const HxState *nat, const HxState *emu, GString *msg, unsigned *diffp)
{
    int bad = 0;
    unsigned diff = 0;

    if (nat->signo != emu->signo || nat->rip != emu->rip ||
        ((c->parts & HX_CMP_FAULT_ADDR) && nat->fault_addr != emu->fault_addr)) {
        item(msg, c, "signal/rip native %s@+%#lx (addr %#lx) emu %s@+%#lx (addr %#lx)",
             hx_sig_name(nat->signo), (unsigned long)(nat->rip - l->code),
             (unsigned long)nat->fault_addr, hx_sig_name(emu->signo),
             (unsigned long)(emu->rip - l->code), (unsigned long)emu->fault_addr);
        diff |= HX_DIFF_SIG;
        bad++;
    }
    for (int i = 0; i < 16; i++) {
        if (nat->regs[i] != emu->regs[i]) {
            item(msg, c, "%s native %016lx emu %016lx (in %016lx)", reg_names[i],
                 (unsigned long)nat->regs[i], (unsigned long)emu->regs[i],
                 (unsigned long)in->regs[i]);
            diff |= HX_DIFF_GPR;
            bad++;
        }
    }
    if ((nat->rflags ^ emu->rflags) & c->rflags_mask) {
        item(msg, c, "rflags native %04lx emu %04lx (compared %04lx, in %04lx)",
             (unsigned long)(nat->rflags & c->rflags_mask),
             (unsigned long)(emu->rflags & c->rflags_mask), (unsigned long)c->rflags_mask,
             (unsigned long)in->rflags);
        diff |= HX_DIFF_FLAGS;
        bad++;
    }
    for (size_t i = 0; i < 512; i++) {
        unsigned part = fx_byte_part(i);
        if (!(part & c->parts) || nat->fx[i] == emu->fx[i]) {
            continue;
        }
        if (i == 3 && !((nat->fx[3] ^ emu->fx[3]) & ~c->fsw_hi_undef)) {
            continue;                  /* undefined condition codes */
        }
        size_t b = i & ~(size_t)7;
        uint64_t n, e, o;
        memcpy(&n, nat->fx + b, 8);
        memcpy(&e, emu->fx + b, 8);
        memcpy(&o, in->fx + b, 8);
        const char *what = b < 24 ? "fcw/fsw/ftw" : b < 32 ? "mxcsr" : b < 160 ? "st" : "xmm";
        item(msg, c, "fx[%#zx](%s) native %016lx emu %016lx (in %016lx)", b, what,
             (unsigned long)n, (unsigned long)e, (unsigned long)o);
        diff |= part == HX_CMP_X87 ? HX_DIFF_X87 : part == HX_CMP_MXCSR ? HX_DIFF_MXCSR
                                                                         : HX_DIFF_XMM;
        bad++;
        i = b + 7;
    }
    for (int r = 0; (c->parts & HX_CMP_YMM) && r < 16; r++) {
        if (memcmp(nat->ymmh[r], emu->ymmh[r], 16)) {
            uint64_t n[2], e[2], o[2];
            memcpy(n, nat->ymmh[r], 16);
            memcpy(e, emu->ymmh[r], 16);
            memcpy(o, in->ymmh[r], 16);
            item(msg, c, "ymm%d[255:128] native %016lx%016lx emu %016lx%016lx (in %016lx%016lx)",
                 r, (unsigned long)n[1], (unsigned long)n[0], (unsigned long)e[1],
                 (unsigned long)e[0], (unsigned long)o[1], (unsigned long)o[0]);
            diff |= HX_DIFF_XMM;
            bad++;
        }
    }
    for (int s = 0; s < 2; s++) {
        bool stack = s == 1;
        if (!(c->parts & (stack ? HX_CMP_STACK : HX_CMP_DATA))) {
            continue;
        }
        const uint8_t *n = stack ? nat->stack : nat->data, *e = stack ? emu->stack : emu->data;
        const uint8_t *o = stack ? in->stack : in->data;
        long i = mem_diff(c, stack, n, e, stack ? l->stack_size : l->data_size);
        if (i >= 0) {
            item(msg, c, "mem[%#lx] native %02x emu %02x (in %02x)",
                 (unsigned long)((stack ? l->stack : l->data) + (uint64_t)i), n[i], e[i], o[i]);
            diff |= HX_DIFF_MEM;
            bad++;
        }
    }
    if (diffp) {
        *diffp = diff;
    }
    return bad;
}
