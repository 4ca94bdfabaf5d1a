/*
 * emu/x86/misc_helper.c — CPUID, RDTSC, SYSCALL exit, alignment checks and
 * the atomic read-modify-writes of LOCK-prefixed instructions.
 */
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <x86intrin.h>

#include "emu/vclock.h"
#include "emu/x86/misc_helper.h"
#include "emu/x86/cpu-model.h"
#include "emu/x86/decode.h"
#include "softmmu/softmmu.h"
#include "emu/exec.h"
#include "emu/log.h"
#include "softmmu/softmmu.h"

void helper_cpuid(CPUX86State *env)
{
    uint32_t out[4];

    x86_cpu_cpuid((uint32_t)env->regs[R_EAX], (uint32_t)env->regs[R_ECX], out);
    env->regs[R_EAX] = out[0];
    env->regs[R_EBX] = out[1];
    env->regs[R_ECX] = out[2];
    env->regs[R_EDX] = out[3];
}
HELPER_INFO(cpuid, 0, 1, false);

uint64_t helper_rdtsc(void)
{
    return __rdtsc();
}
/* Not pure: two reads differ, so it must not be merged or dropped. */
HELPER_INFO(rdtsc, TCG_CALL_NO_RWG, 0, true);

/* -icount: the virtual TSC as instruction k of the running TB reads it
 * (reads env->icount: not NO_RWG). */
uint64_t helper_vclock_tsc(CPUX86State *env, uint64_t k)
{
    return vclock_tsc_at(env, (uint32_t)k);
}
HELPER_INFO(vclock_tsc, 0, 2, true);

void helper_syscall(CPUX86State *env)
{
    cpu_loop_exit(env, EXCP_SYSCALL);
}
HELPER_INFO(syscall, 0, 1, false);

/* int $0x80: the i386 system call ABI, run by linux-user (EXCP_INT80). */
void helper_int80(CPUX86State *env)
{
    cpu_loop_exit(env, EXCP_INT80);
}
HELPER_INFO(int80, 0, 1, false);

void helper_check_align16(CPUX86State *env, uint64_t addr)
{
    if (addr & 15) {
        env->fault_signo = SIGSEGV;
        env->fault_code = SI_KERNEL;
        env->fault_addr = 0;
        env->ud_unimplemented = false;
        cpu_loop_exit_restore(env, EXCP_GP);
    }
}
HELPER_INFO(check_align16, TCG_CALL_NO_RWG, 2, false);

void helper_xgetbv(CPUX86State *env)
{
    uint64_t xcr0 = 3;   /* x87 | SSE */

    if ((uint32_t)env->regs[R_ECX] != 0) {
        env->fault_signo = SIGSEGV;
        env->fault_code = SI_KERNEL;
        env->fault_addr = 0;
        env->ud_unimplemented = false;
        cpu_loop_exit_restore(env, EXCP_GP);
    }
    if (x86_cpu_has(X86_FEAT_AVX)) {
        xcr0 |= 4;
    }
    env->regs[R_EAX] = (uint32_t)xcr0;
    env->regs[R_EDX] = xcr0 >> 32;
}
HELPER_INFO(xgetbv, 0, 1, false);

/* #GP(0) from user mode: SIGSEGV SI_KERNEL, si_addr 0, rip = the insn. */
static void __attribute__((noreturn)) raise_gp(CPUX86State *env)
{
    env->fault_signo = SIGSEGV;
    env->fault_code = SI_KERNEL;
    env->fault_addr = 0;
    env->ud_unimplemented = false;
    cpu_loop_exit_restore(env, EXCP_GP);
}

void helper_raise_gp(CPUX86State *env)
{
    raise_gp(env);
}
HELPER_INFO(raise_gp, TCG_CALL_NO_RETURN, 1, false);

/*
 * Selectors a 64-bit Linux user program can load into CS/SS by a far
 * transfer (measured on hardware): far JMP/CALL accept the user code
 * segment with any RPL (0x30-0x33, CS becomes 0x33); far RET and IRET need
 * exactly 0x33 (RPL = CPL); IRET's SS must be the user data segment 0x2b.
 * Anything else faults with #GP.  The 32-bit compatibility code segment
 * (0x20-0x23) switches the CPU to 32-bit mode, which emu cannot run: it is
 * reported as #GP too.
 */
void helper_check_far_sel(CPUX86State *env, uint64_t sel, uint64_t kind)
{
    bool ok;

    sel &= 0xffff;
    switch (kind) {
    case FAR_SEL_JMP: ok = (sel & ~3u) == 0x30; break;
    case FAR_SEL_RET: ok = sel == 0x33; break;
    default:          ok = sel == 0x2b; break;   /* FAR_SEL_SS */
    }
    if (!ok) {
        if (kind != FAR_SEL_SS && (sel & ~3u) == 0x20 && emu_log_enabled(LOG_UNIMP)) {
            qemu_log("emu: far transfer to 32-bit code (selector 0x%x) at 0x%" PRIx64
                     ": not supported, raising #GP\n",
                     (unsigned)sel, env->insn_pc);
        }
        raise_gp(env);
    }
}
HELPER_INFO(check_far_sel, 0, 3, false);

/* ---- #SS or #GP for a non-canonical address ---- */

static bool mn_uses_stack(int mn)
{
    switch (mn) {
    case X86_MN_PUSH: case X86_MN_POP: case X86_MN_PUSHF: case X86_MN_POPF:
    case X86_MN_CALL: case X86_MN_CALLF: case X86_MN_RET: case X86_MN_RETF:
    case X86_MN_IRET: case X86_MN_ENTER: case X86_MN_LEAVE:
        return true;
    default:
        return false;
    }
}

/* The faulting instruction is decoded again (this runs only when a fault
 * is being delivered).  The explicit memory operand is told from the
 * implicit stack access by its effective address. */
bool x86_fault_is_stack(CPUX86State *env, uint64_t addr)
{
    uint8_t buf[15];
    size_t n = sizeof(buf);
    X86Insn insn;

    while (n > 0 && !mm_access_ok(env->insn_pc, n, MM_READ)) {
        n--;
    }
    if (n == 0) {
        return false;
    }
    memcpy(buf, mm_guest_ptr(env->insn_pc, n, MM_READ), n);
    if (x86_decode(buf, n, env->insn_pc, &insn) <= 0) {
        return false;
    }
    if (insn.has_mem && insn.mem.base >= 0) {
        const X86MemRef *m = &insn.mem;
        uint64_t ea = env->regs[m->base] + (uint64_t)m->disp;
        if (m->index >= 0) {
            ea += env->regs[m->index] << m->scale;
        }
        if (ea == addr || !mn_uses_stack(insn.mnemonic)) {
            return m->seg < 0 && (m->base == R_ESP || m->base == R_EBP);
        }
    }
    return mn_uses_stack(insn.mnemonic);
}

/* ---- LOCK: atomic read-modify-write on the guest word ---- */

static void *atomic_host_ptr(CPUX86State *env, uint64_t addr, uint64_t size)
{
    if (addr > guest_addr_limit - size) {
        cpu_raise_access_fault(env, addr, 1);
    }
    /* A host fault on it (unmapped, read-only, code page) is handled like
     * one of generated code: a guest fault or a retry. */
    return (void *)(guest_base + (uintptr_t)addr);
}

#define ATOMIC_SWITCH(size, OP)                                         \
    switch (size) {                                                     \
    case 1: { uint8_t *p = ptr; OP(p, uint8_t); }                       \
    case 2: { uint16_t *p = ptr; OP(p, uint16_t); }                     \
    case 4: { uint32_t *p = ptr; OP(p, uint32_t); }                     \
    default: { uint64_t *p = ptr; OP(p, uint64_t); }                    \
    }

uint64_t helper_atomic_cmpxchg(CPUX86State *env, uint64_t addr, uint64_t expected,
                               uint64_t newv, uint64_t size)
{
    void *ptr = atomic_host_ptr(env, addr, size);
#define CAS(p, T) { T e = (T)expected;                                              \
        __atomic_compare_exchange_n(p, &e, (T)newv, false, __ATOMIC_SEQ_CST,        \
                                    __ATOMIC_SEQ_CST);                              \
        return e; }
    ATOMIC_SWITCH(size, CAS)
#undef CAS
}
HELPER_INFO(atomic_cmpxchg, 0, 5, true);

void helper_atomic_store_cond(CPUX86State *env, uint64_t addr, uint64_t expected,
                              uint64_t newv, uint64_t size)
{
    void *ptr = atomic_host_ptr(env, addr, size);
    bool ok;
#define CASOK(p, T) { T e = (T)expected;                                            \
        ok = __atomic_compare_exchange_n(p, &e, (T)newv, false, __ATOMIC_SEQ_CST,   \
                                         __ATOMIC_SEQ_CST);                         \
        break; }
    ATOMIC_SWITCH(size, CASOK)
#undef CASOK
    if (!ok) {
        /* Another thread changed the word since this instruction loaded
         * it: run the instruction again (nothing architectural written). */
        cpu_loop_exit_restore(env, EXCP_RETRY);
    }
}
HELPER_INFO(atomic_store_cond, 0, 5, false);

/* CMPXCHG16B as one host LOCK CMPXCHG16B on the guest's 16 aligned bytes
 * (the caller checked the alignment): returns the old low half and leaves
 * the old high half in env->atomic_hi (helper_atomic_hi), so that no guest
 * register is written here.  Like the hardware, a failing compare still
 * writes, so a read-only page faults either way. */
uint64_t helper_atomic_cmpxchg16(CPUX86State *env, uint64_t addr, uint64_t cmp_lo,
                                 uint64_t cmp_hi, uint64_t new_lo, uint64_t new_hi)
{
    void *ptr = atomic_host_ptr(env, addr, 16);
    uint64_t lo = cmp_lo, hi = cmp_hi;
    __asm__ volatile("lock cmpxchg16b %0"
                     : "+m"(*(volatile unsigned __int128 *)ptr), "+a"(lo), "+d"(hi)
                     : "b"(new_lo), "c"(new_hi)
                     : "memory", "cc");
    env->atomic_hi = hi;
    return lo;
}
HELPER_INFO(atomic_cmpxchg16, TCG_CALL_NO_RWG, 6, true);

uint64_t helper_atomic_hi(CPUX86State *env)
{
    return env->atomic_hi;
}
HELPER_INFO(atomic_hi, TCG_CALL_NO_RWG, 1, true);

uint64_t helper_atomic_xchg(CPUX86State *env, uint64_t addr, uint64_t val, uint64_t size)
{
    void *ptr = atomic_host_ptr(env, addr, size);
#define XCHG(p, T) return __atomic_exchange_n(p, (T)val, __ATOMIC_SEQ_CST);
    ATOMIC_SWITCH(size, XCHG)
#undef XCHG
}
HELPER_INFO(atomic_xchg, 0, 4, true);

uint64_t helper_atomic_xadd(CPUX86State *env, uint64_t addr, uint64_t val, uint64_t size)
{
    void *ptr = atomic_host_ptr(env, addr, size);
#define XADD(p, T) return __atomic_fetch_add(p, (T)val, __ATOMIC_SEQ_CST);
    ATOMIC_SWITCH(size, XADD)
#undef XADD
}
HELPER_INFO(atomic_xadd, 0, 4, true);
