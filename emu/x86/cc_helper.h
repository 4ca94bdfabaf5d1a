/*
 * emu/x86/cc_helper.h — lazy condition codes: computing RFLAGS' arithmetic
 * bits from (cc_op, cc_dst, cc_src, cc_src2).
 *
 * What each CC_OP_* keeps in the cc words is listed in emu/cpu.h.  Values
 * are meaningful only in their low 8/16/32/64 bits (the op's size): the
 * translator may leave garbage above, and every consumer (these helpers,
 * the translator's fast paths) extends as needed.  Extra conventions:
 *  - CC_OP_MUL*:  CF = OF = (src != 0), src tested on all 64 bits (the one
 *                 exception to the rule above: an overflow indicator such as
 *                 sext(lo) ^ product may be nonzero only above the size);
 *                 SF = top bit of dst, PF from dst; ZF = AF = 0 (what
 *                 Intel hardware gives for these "undefined" flags).
 *  - CC_OP_SHL*:  CF = top bit of src; OF = top bit of (src ^ dst).
 *  - CC_OP_SHLN*: CF = top bit of src; OF = top bit of (src2 ^ src2 << 1).
 *  - CC_OP_SAR*:  CF = bit 0 of src; OF = top bit of (src ^ dst) (0 for SAR,
 *                 the original top bit for SHR when src = the unshifted
 *                 value and count = 1).
 *  - CC_OP_BMILG*: CF = (src == 0); ZF, SF from dst; OF = PF = AF = 0.
 *  - CC_OP_ADCX/ADOX/ADCOX: src = the other flags (CC_OP_EFLAGS form);
 *                 ADCX/ADCOX: CF = (dst != 0); ADOX/ADCOX: OF = (src2 != 0).
 *  - CC_OP_POPCNT: ZF = (dst == 0); all else clear.
 *  - op | CC_OP_ROT: op's flags with CF (and OF) replaced from src2, see
 *                 emu/cpu.h (ROL/ROR by a constant).
 *  - AF of logic ops and shifts (undefined per Intel) is 0.
 */
#ifndef EMU_X86_CC_HELPER_H
#define EMU_X86_CC_HELPER_H

#include <stdint.h>
#include "emu/cpu.h"
#include "emu/tcg/tcg.h"

/* All six arithmetic flags (CF PF AF ZF SF OF) for op (a CCOp value). */
uint64_t helper_cc_compute_all(uint64_t dst, uint64_t src, uint64_t src2, uint64_t op);
/* Just CF, as 0 or 1. */
uint64_t helper_cc_compute_c(uint64_t dst, uint64_t src, uint64_t src2, uint64_t op);

/* IR call descriptors: pure functions of their arguments. */
extern const TCGHelperInfo helper_info_cc_compute_all;
extern const TCGHelperInfo helper_info_cc_compute_c;

/* Parity flag of the low byte of v (CC_P if the number of set bits is even). */
static inline uint64_t cc_parity(uint64_t v)
{
    return __builtin_parity((unsigned)(v & 0xff)) ? 0 : CC_P;
}

#endif
