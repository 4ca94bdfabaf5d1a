/*
 * emu/x86/tr-int2.c — the "int2" dispatch table: shifts and rotates,
 * multiply/divide, bit operations, string instructions and the system-ish
 * rest of the general-purpose ISA (emitters in tr-shift.c, tr-muldiv.c,
 * tr-bits.c, tr-string.c, tr-misc.c).
 */
#include "emu/x86/tr-int2.h"

#define E(mn, fn) { X86_MN_##mn, gen_##fn },

const X86GenEntry x86_gen_int2[] = {
    /* tr-shift.c */
    E(SHL, SHL)            /* r/m <<= count; CF = last bit out */
    E(SHR, SHR)            /* r/m >>= count (logical) */
    E(SAR, SAR)            /* r/m >>= count (arithmetic) */
    E(ROL, ROL)            /* rotate left; CF = LSB, OF = MSB ^ CF */
    E(ROR, ROR)            /* rotate right; CF = MSB, OF = MSB ^ MSB-1 */
    E(RCL, RCL)            /* rotate left through CF */
    E(RCR, RCR)            /* rotate right through CF */
    E(SHLD, SHLD)          /* r/m = r/m:reg << count (high part) */
    E(SHRD, SHRD)          /* r/m = reg:r/m >> count (low part) */
    E(SHLX, SHLX)          /* BMI2: dst = src << cnt, no flags */
    E(SHRX, SHRX)          /* BMI2: dst = src >> cnt, no flags */
    E(SARX, SARX)          /* BMI2: dst = src >>s cnt, no flags */
    E(RORX, RORX)          /* BMI2: dst = src ror imm, no flags */
    /* tr-muldiv.c */
    E(MUL, MUL)            /* rDX:rAX = rAX * r/m (unsigned) */
    E(IMUL, IMUL)          /* signed; 1-, 2- and 3-operand forms */
    E(DIV, DIV)            /* rAX, rDX = rDX:rAX / r/m, % r/m; #DE */
    E(IDIV, IDIV)          /* signed divide; #DE */
    E(MULX, MULX)          /* BMI2: hi:lo = rDX * r/m, no flags */
    /* tr-bits.c */
    E(BT, BT)              /* CF = bit */
    E(BTS, BTS)            /* CF = bit; bit = 1 */
    E(BTR, BTR)            /* CF = bit; bit = 0 */
    E(BTC, BTC)            /* CF = bit; bit = !bit */
    E(BSF, BSF)            /* dst = index of lowest set bit; ZF = src == 0 */
    E(BSR, BSR)            /* dst = index of highest set bit; ZF = src == 0 */
    E(BSWAP, BSWAP)        /* reverse the bytes of a register */
    E(POPCNT, POPCNT)      /* dst = number of set bits (needs POPCNT) */
    E(LZCNT, LZCNT)        /* leading zeros (LZCNT; else BSR) */
    E(TZCNT, TZCNT)        /* trailing zeros (BMI1; else BSF) */
    E(MOVBE, MOVBE)        /* byte-swapping move (needs MOVBE) */
    E(ANDN, ANDN)          /* BMI1: dst = ~src1 & src2 */
    E(BEXTR, BEXTR)        /* BMI1: bit-field extract */
    E(BLSI, BLSI)          /* BMI1: lowest set bit */
    E(BLSMSK, BLSMSK)      /* BMI1: mask up to lowest set bit */
    E(BLSR, BLSR)          /* BMI1: clear lowest set bit */
    E(BZHI, BZHI)          /* BMI2: zero bits from index n up */
    E(PDEP, PDEP)          /* BMI2: parallel bit deposit */
    E(PEXT, PEXT)          /* BMI2: parallel bit extract */
    E(ADCX, ADCX)          /* ADX: add with CF only */
    E(ADOX, ADOX)          /* ADX: add with OF only */
    /* tr-string.c */
    E(MOVS, MOVS)          /* [rDI] = [rSI]; advance both */
    E(STOS, STOS)          /* [rDI] = rAX; advance rDI */
    E(LODS, LODS)          /* rAX = [rSI]; advance rSI */
    E(CMPS, CMPS)          /* flags of [rSI] - [rDI] */
    E(SCAS, SCAS)          /* flags of rAX - [rDI] */
    E(INS, INS)            /* port input: #GP */
    E(OUTS, OUTS)          /* port output: #GP */
    /* tr-misc.c */
    E(SYSCALL, SYSCALL)    /* rcx = next rip, r11 = rflags; enter the kernel */
    E(CPUID, CPUID)        /* EAX..EDX = the CPU model's leaf EAX/ECX */
    E(RDTSC, RDTSC)        /* EDX:EAX = time-stamp counter */
    E(RDTSCP, RDTSCP)      /* same + ECX = TSC_AUX (needs RDTSCP) */
    E(RDPID, RDPID)        /* reg = TSC_AUX (needs RDPID) */
    E(RDRAND, RDRAND)      /* not advertised: #UD */
    E(INT3, INT3)          /* SIGTRAP after the instruction */
    E(INT1, INT1)          /* ICEBP: SIGTRAP */
    E(INT, INT)            /* INT n: #GP (n = 3: trap) */
    E(HLT, privileged)     /* privileged: SIGSEGV */
    E(CLI, privileged)
    E(STI, privileged)
    E(IN, privileged)
    E(OUT, privileged)
    E(SYSRET, privileged)
    E(SYSEXIT, privileged)
    E(RDPMC, privileged)   /* CR4.PCE is clear */
    E(XSETBV, privileged)
    E(SLDT, privileged)    /* UMIP: not emulated for 64-bit processes */
    E(STR, privileged)
    E(SGDT, privileged)
    E(SIDT, privileged)
    E(SMSW, privileged)
    E(LLDT, privileged)
    E(LTR, privileged)
    E(LGDT, privileged)
    E(LIDT, privileged)
    E(LMSW, privileged)
    E(INVLPG, privileged)
    E(SWAPGS, privileged)
    E(CLTS, privileged)
    E(INVD, privileged)
    E(WBINVD, privileged)
    E(WBNOINVD, privileged)
    E(MOV_CR, privileged)
    E(MOV_DR, privileged)
    E(WRMSR, privileged)
    E(RDMSR, privileged)
    E(INVPCID, privileged)
    E(UD0, UD)             /* #UD */
    E(UD1, UD)
    E(UD2, UD)
    E(MONITOR, UD)         /* #UD at CPL 3 or without the feature */
    E(MWAIT, UD)
    E(UMONITOR, UD)
    E(UMWAIT, UD)
    E(TPAUSE, UD)
    E(XBEGIN, UD)          /* no RTM */
    E(XABORT, UD)
    E(XEND, UD)
    E(XTEST, UD)
    E(SERIALIZE, UD)
    E(CLAC, UD)
    E(STAC, UD)
    E(RDPKRU, UD)          /* no PKU */
    E(WRPKRU, UD)
    E(INCSSP, UD)          /* no CET shadow stack */
    E(RDSEED, UD)
    E(RSM, UD)
    E(GETSEC, UD)
    E(PAUSE, NOP2)         /* spin-loop hint */
    E(ENDBR32, NOP2)       /* CET marker: no-op */
    E(PREFETCHNTA, NOP2)   /* prefetch hints: no-ops (never fault) */
    E(PREFETCHT0, NOP2)
    E(PREFETCHT1, NOP2)
    E(PREFETCHT2, NOP2)
    E(PREFETCH, NOP2)
    E(PREFETCHW, NOP2)
    E(PREFETCHWT1, NOP2)
    E(LFENCE, FENCE)       /* memory fences */
    E(MFENCE, FENCE)
    E(SFENCE, FENCE)
    E(CLFLUSH, CLFLUSH)    /* flush cache line: a read probe */
    E(CLFLUSHOPT, CLFLUSH) /* same (needs CLFLUSHOPT) */
    E(CLWB, CLFLUSH)       /* same (needs CLWB) */
    E(MOVNTI, MOVNTI)      /* non-temporal store: a plain store */
    E(XGETBV, XGETBV)      /* XCR0 (needs OSXSAVE) */
    E(CMPXCHG8B, CMPXCHG8B)   /* EDX:EAX == m64 ? m64 = ECX:EBX : EDX:EAX = m64 */
    E(CMPXCHG16B, CMPXCHG16B) /* 128-bit form (needs CX16) */
    E(XLAT, XLAT)          /* AL = [rBX + AL] */
    E(RDFSBASE, RDFSBASE)  /* FSGSBASE instructions (if advertised) */
    E(RDGSBASE, RDGSBASE)
    E(WRFSBASE, WRFSBASE)
    E(WRGSBASE, WRGSBASE)
    E(LAR, LAR)            /* selector queries: ZF = 0 */
    E(LSL, LSL)
    E(VERR, VERR)
    E(VERW, VERR)
    { 0, NULL }
};
