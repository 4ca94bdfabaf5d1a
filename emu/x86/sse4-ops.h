/*
 * emu/x86/sse4-ops.h — the vec-op table lines of SSE3, SSSE3, SSE4.1 and
 * SSE4.2 (and their VEX forms, which reuse the same lines), in the format
 * of SSE_VEC_OPS in tr-sse.c:
 *
 *     X(MNEMONIC, vec op, memory size of the XMM form, G_* flags)
 *
 * The vec ops themselves (vop_NAME, X86VecFn contract in sse_helper.h:
 * d may differ from a for VEX forms, VF_256 selects 32-byte width with
 * in-lane semantics) are in sse4_helper.c.  Both encodings are
 * translated by tr-sse.c's generic emitter, which gates each sub-list by
 * its CPUID feature (and handles memory destinations of PEXTRx/EXTRACTPS
 * and INSERTPS from memory); MOVNTDQA is a move in tr-sse.c, CRC32 (not a
 * vec op) is in tr-sse4.c.
 *
 * Implicit operands are read from env by the vec ops: PBLENDVB/BLENDVPS/
 * BLENDVPD take the mask register number from imm[7:4] (0 = XMM0 for the
 * legacy forms, the is4 register for VEX), PCMPESTRx read rAX/rDX (VF_W64
 * selects 64 bits), PCMPxSTRM write XMM0 through env and return the
 * flags, PCMPxSTRI return ECX << 32 | flags (the translator writes ECX).
 */
#ifndef EMU_X86_SSE4_OPS_H
#define EMU_X86_SSE4_OPS_H

#include "sse_helper.h"

/* SSE3 */
#define SSE3_VEC_OPS(X) \
    X(ADDSUBPS, addsubps, 16, 0)       /* even: d - s, odd: d + s (singles) */ \
    X(ADDSUBPD, addsubpd, 16, 0)       /* d.d[0] - s.d[0], d.d[1] + s.d[1] */ \
    X(HADDPS, haddps, 16, 0)           /* {d0+d1, d2+d3, s0+s1, s2+s3} */ \
    X(HADDPD, haddpd, 16, 0)           /* {d0+d1, s0+s1} */ \
    X(HSUBPS, hsubps, 16, 0)           /* {d0-d1, d2-d3, s0-s1, s2-s3} */ \
    X(HSUBPD, hsubpd, 16, 0)           /* {d0-d1, s0-s1} */ \
    X(MOVSLDUP, movsldup, 16, 0)       /* {s0, s0, s2, s2} */ \
    X(MOVSHDUP, movshdup, 16, 0)       /* {s1, s1, s3, s3} */ \
    X(MOVDDUP, movddup, 8, 0)          /* {s.q[0], s.q[0]} (m64) */

/* SSSE3 (the MMX forms reuse the lines at 64-bit width) */
#define SSSE3_VEC_OPS(X) \
    X(PSHUFB, pshufb, 16, 0)           /* d.b[i] = s.b[i] & 0x80 ? 0 : d.b[s.b[i] & 15] */ \
    X(PHADDW, phaddw, 16, 0)           /* pairwise word sums of d, then of s */ \
    X(PHADDD, phaddd, 16, 0)           /* pairwise dword sums of d, then of s */ \
    X(PHADDSW, phaddsw, 16, 0)         /* pairwise word sums, signed saturation */ \
    X(PHSUBW, phsubw, 16, 0)           /* pairwise word differences (even - odd) */ \
    X(PHSUBD, phsubd, 16, 0)           /* pairwise dword differences */ \
    X(PHSUBSW, phsubsw, 16, 0)         /* pairwise word differences, saturated */ \
    X(PMADDUBSW, pmaddubsw, 16, 0)     /* words = sat(u8 d * s8 s + u8 d * s8 s) */ \
    X(PMULHRSW, pmulhrsw, 16, 0)       /* words = (d * s + 0x4000) >> 15 */ \
    X(PSIGNB, psignb, 16, 0)           /* d.b[i] = s < 0 ? -d : s == 0 ? 0 : d */ \
    X(PSIGNW, psignw, 16, 0) \
    X(PSIGND, psignd, 16, 0) \
    X(PABSB, pabsb, 16, 0)             /* d.b[i] = |s.b[i]| */ \
    X(PABSW, pabsw, 16, 0) \
    X(PABSD, pabsd, 16, 0) \
    X(PALIGNR, palignr, 16, 0)         /* d = (d:s) >> imm8 bytes, per lane */

/* SSE4.1 */
#define SSE41_VEC_OPS(X) \
    X(PBLENDVB, pblendvb, 16, 0)       /* d.b[i] = XMM0.b[i] sign ? s : d */ \
    X(BLENDVPS, blendvps, 16, 0)       /* singles by XMM0's sign bits */ \
    X(BLENDVPD, blendvpd, 16, 0)       /* doubles by XMM0's sign bits */ \
    X(BLENDPS, blendps, 16, 0)         /* singles: imm bit ? s : d */ \
    X(BLENDPD, blendpd, 16, 0)         /* doubles: imm bit ? s : d */ \
    X(PBLENDW, pblendw, 16, 0)         /* words: imm bit ? s : d */ \
    X(PTEST, ptest, 16, G_FLAGS)       /* ZF = !(d & s), CF = !(~d & s) */ \
    X(PMOVSXBW, pmovsxbw, 8, 0)        /* sign-extend 8 bytes to words */ \
    X(PMOVSXBD, pmovsxbd, 4, 0)        /* 4 bytes to dwords */ \
    X(PMOVSXBQ, pmovsxbq, 2, 0)        /* 2 bytes to qwords */ \
    X(PMOVSXWD, pmovsxwd, 8, 0)        /* 4 words to dwords */ \
    X(PMOVSXWQ, pmovsxwq, 4, 0)        /* 2 words to qwords */ \
    X(PMOVSXDQ, pmovsxdq, 8, 0)        /* 2 dwords to qwords */ \
    X(PMOVZXBW, pmovzxbw, 8, 0)        /* zero-extend 8 bytes to words */ \
    X(PMOVZXBD, pmovzxbd, 4, 0) \
    X(PMOVZXBQ, pmovzxbq, 2, 0) \
    X(PMOVZXWD, pmovzxwd, 8, 0) \
    X(PMOVZXWQ, pmovzxwq, 4, 0) \
    X(PMOVZXDQ, pmovzxdq, 8, 0) \
    X(PMULDQ, pmuldq, 16, 0)           /* d.q[i] = (s64)d.l[2i] * (s64)s.l[2i] */ \
    X(PMULLD, pmulld, 16, 0)           /* low 32 bits of dword products */ \
    X(PCMPEQQ, pcmpeqq, 16, 0)         /* qwords equal ? -1 : 0 */ \
    X(PACKUSDW, packusdw, 16, 0)       /* dwords -> unsigned-saturated words */ \
    X(PMINSB, pminsb, 16, 0)           /* signed byte minimum */ \
    X(PMINSD, pminsd, 16, 0) \
    X(PMINUW, pminuw, 16, 0) \
    X(PMINUD, pminud, 16, 0) \
    X(PMAXSB, pmaxsb, 16, 0) \
    X(PMAXSD, pmaxsd, 16, 0) \
    X(PMAXUW, pmaxuw, 16, 0) \
    X(PMAXUD, pmaxud, 16, 0) \
    X(PHMINPOSUW, phminposuw, 16, 0)   /* d = {min word, its index, 0...} */ \
    X(ROUNDPS, roundps, 16, 0)         /* round singles (imm mode, bit 3: no PE) */ \
    X(ROUNDPD, roundpd, 16, 0) \
    X(ROUNDSS, roundss, 4, 0)          /* d.s[0] = round(s.s[0]) */ \
    X(ROUNDSD, roundsd, 8, 0) \
    X(DPPS, dpps, 16, 0)               /* dot product, imm[7:4] terms, imm[3:0] dest */ \
    X(DPPD, dppd, 16, 0) \
    X(MPSADBW, mpsadbw, 16, 0)         /* 8 sums of |d - s| over sliding 4-byte windows */ \
    X(INSERTPS, insertps, 4, 0)        /* d.s[imm5:4] = s.s[imm7:6] (m32), zero mask imm[3:0] */ \
    X(EXTRACTPS, extractps, 4, G_RET)  /* r/m32 = s.l[imm & 3] */ \
    X(PEXTRB, pextrb, 1, G_RET)        /* r32/m8 = s.b[imm & 15] */ \
    X(PEXTRD, pextrd, 4, G_RET)        /* r/m32 = s.l[imm & 3] */ \
    X(PEXTRQ, pextrq, 8, G_RET | G_W)  /* r/m64 = s.q[imm & 1] */ \
    X(PINSRB, pinsrb, 1, 0)            /* d.b[imm & 15] = r32/m8 */ \
    X(PINSRD, pinsrd, 4, 0)            /* d.l[imm & 3] = r/m32 */ \
    X(PINSRQ, pinsrq, 8, 0)            /* d.q[imm & 1] = r/m64 */

/* SSE4.2 (string compares: no alignment requirement) */
#define SSE42_VEC_OPS(X) \
    X(PCMPGTQ, pcmpgtq, 16, 0)         /* signed qwords d > s ? -1 : 0 */ \
    X(PCMPESTRI, pcmpestri, 16, G_FLAGS | G_NOALIGN | G_W) /* ECX = index; lengths rAX, rDX */ \
    X(PCMPESTRM, pcmpestrm, 16, G_FLAGS | G_NOALIGN | G_W) /* XMM0 = mask */ \
    X(PCMPISTRI, pcmpistri, 16, G_FLAGS | G_NOALIGN)       /* ECX = index; NUL-terminated */ \
    X(PCMPISTRM, pcmpistrm, 16, G_FLAGS | G_NOALIGN)       /* XMM0 = mask */

#define SSE4_VEC_OPS(X) SSE3_VEC_OPS(X) SSSE3_VEC_OPS(X) SSE41_VEC_OPS(X) SSE42_VEC_OPS(X)

#define X(MN, fn, size, fl) uint64_t vop_##fn(CPUX86State *env, X86YMMReg *d, \
                                               const X86YMMReg *a, const X86YMMReg *b, uint32_t imm);
SSE4_VEC_OPS(X)
#undef X

/* CRC32 (SSE4.2): crc32c of the low size bytes of val into crc. */
uint64_t helper_crc32(uint64_t crc, uint64_t val, uint64_t size);
extern const TCGHelperInfo helper_info_crc32;

#endif
