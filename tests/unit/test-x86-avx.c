/*
 * tests/unit/test-x86-avx.c — VEX-only AVX/AVX2, FMA3, F16C instructions
 * and XSAVE/XRSTOR under emu vs. natively (model x86-64-v3).
 *
 * The method of test-x86-fp.c, extended to YMM state: each snippet runs
 * from the same random initial state under emu and natively in
 * tests/harness's sandboxed child, which enters the snippet with x87, SSE
 * and AVX state loaded by XRSTOR (EDX:EAX = 7: the components the model
 * has; the host's AVX-512 state is left alone; XSTATE_BV from the state's
 * content, see content_bv()), all GPRs and RFLAGS; its signal handler
 * records the state at the ud2 that ends the snippet (or at a fault) from
 * the kernel's signal frame, whose XSAVE area holds the YMM upper halves.  Compared: GPRs, rip, arithmetic
 * RFLAGS, the legacy x87/SSE image (minus FOP/FIP/FDP and MXCSR_MASK),
 * the YMM upper halves, the data page and the signal.  The page after the
 * data page is unmapped in both worlds (masked moves and gathers at a
 * page boundary, faults in the middle of a gather).
 */
#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/exec.h"
#include "emu/x86/cpu-model.h"
#include "emu/x86/avx_helper.h"
#include "x86-check.h"
#include "x86-emu.h"

#define G_CODE   0x11000000ull
#define G_DATA   0x11010000ull
#define G_GUARD  0x11011000ull   /* unmapped */
#define G_STACK  0x11020000ull
#define G_SIZE   0x30000ull
#define DATA_SZ  0x1000ull
#define STACK_SZ 0x1000ull
#define G_RSP    (G_STACK + STACK_SZ - 0x100)
#define XS_SIZE  XSAVE_SIZE_AVX

/* code, data and stack in one mapped window, the page after the data
 * page unmapped */
static const HxLayout layout = {
    .maps = { { G_CODE, G_GUARD - G_CODE, PROT_READ | PROT_WRITE | PROT_EXEC, 0 },
              { G_GUARD + 0x1000, G_CODE + G_SIZE - (G_GUARD + 0x1000),
                PROT_READ | PROT_WRITE | PROT_EXEC, 0 } },
    .nb_maps = 2,
    .holes = { { G_GUARD, 0x1000 } },
    .nb_holes = 1,
    .code = G_CODE,
    .data = G_DATA, .data_size = DATA_SZ,
    .stack = G_STACK, .stack_size = STACK_SZ,
};

/* ---- snippets ---- */

typedef void (*SetupFn)(HxState *st);

typedef struct Snippet {
    const char *name;
    const uint8_t *start, *end;
    SetupFn setup;     /* adjusts the random state (index registers...) */
    uint32_t skip_lo, skip_hi;   /* data bytes not compared (0, 0: none) */
} Snippet;

#define SNIP(name, code)                                                   \
    extern const uint8_t asnip_##name##_start[], asnip_##name##_end[];    \
    __asm__(".pushsection .rodata\n"                                       \
            "asnip_" #name "_start:\n" code "\nasnip_" #name "_end:\n"    \
            ".popsection\n");

/* rsi = G_DATA: floats at 0, doubles at 0x100, random bytes at 0x400,
 * small integers at 0x800; 0xfc0.. is next to the unmapped page. */

SNIP(broadcast, "vbroadcastss (%rsi), %xmm0\n vbroadcastss 4(%rsi), %ymm1\n"
                "vbroadcastsd 0x100(%rsi), %ymm2\n vbroadcastf128 0x400(%rsi), %ymm3\n"
                "vbroadcasti128 0x410(%rsi), %ymm4\n vpbroadcastb 0x405(%rsi), %xmm5\n"
                "vpbroadcastb %xmm6, %ymm7\n vpbroadcastw %xmm8, %xmm9\n"
                "vpbroadcastw 0x402(%rsi), %ymm10\n vpbroadcastd %xmm11, %ymm12\n"
                "vpbroadcastq %xmm13, %ymm14\n vpbroadcastq 0x408(%rsi), %xmm15\n"
                "vbroadcastss %xmm1, %ymm8\n vbroadcastsd %xmm2, %ymm6\n"
                "vpbroadcastd 0x40c(%rsi), %xmm11\n vbroadcastss %xmm3, %xmm13")
SNIP(perm, "vpermd %ymm1, %ymm2, %ymm0\n vpermd 0x400(%rsi), %ymm3, %ymm4\n"
           "vpermps %ymm5, %ymm6, %ymm7\n vpermps 0x420(%rsi), %ymm8, %ymm8\n"
           "vpermq $0x1b, %ymm8, %ymm9\n vpermq $0xd8, 0x420(%rsi), %ymm10\n"
           "vpermpd $0x4e, %ymm11, %ymm12\n vpermpd $0x93, 0x440(%rsi), %ymm13\n"
           "vperm2f128 $0x31, %ymm1, %ymm2, %ymm3\n vperm2i128 $0x28, 0x440(%rsi), %ymm4, %ymm5\n"
           "vperm2f128 $0x83, %ymm6, %ymm7, %ymm14\n vperm2i128 $0x12, %ymm14, %ymm15, %ymm15")
SNIP(permil, "vpermilps $0x1b, %xmm1, %xmm0\n vpermilps $0x93, %ymm2, %ymm3\n"
             "vpermilps %ymm4, %ymm5, %ymm6\n vpermilps 0x400(%rsi), %xmm7, %xmm8\n"
             "vpermilpd $5, %ymm9, %ymm10\n vpermilpd $2, 0x100(%rsi), %xmm11\n"
             "vpermilpd %ymm12, %ymm13, %ymm14\n vpermilpd 0x420(%rsi), %ymm15, %ymm1\n"
             "vpermilps $0x4e, 0x440(%rsi), %ymm2\n vpermilpd %xmm3, %xmm4, %xmm5")
SNIP(insext, "vinsertf128 $1, %xmm1, %ymm2, %ymm3\n vinsertf128 $0, 0x400(%rsi), %ymm4, %ymm5\n"
             "vinserti128 $1, 0x410(%rsi), %ymm6, %ymm7\n vextractf128 $1, %ymm8, %xmm9\n"
             "vextracti128 $0, %ymm10, 0x500(%rsi)\n vextractf128 $1, %ymm11, 0x510(%rsi)\n"
             "vextracti128 $1, %ymm12, %xmm13\n vinserti128 $0, %xmm14, %ymm15, %ymm14")
SNIP(extract_fault, "vextractf128 $1, %ymm1, 0xff8(%rsi)")
SNIP(maskmov, "vmaskmovps 0x400(%rsi), %ymm1, %ymm0\n vmaskmovpd 0x100(%rsi), %xmm2, %xmm3\n"
              "vpmaskmovd 0x420(%rsi), %xmm4, %xmm5\n vpmaskmovq 0x440(%rsi), %ymm6, %ymm7\n"
              "vmaskmovps %ymm8, %ymm9, 0x500(%rsi)\n vmaskmovpd %xmm10, %xmm11, 0x520(%rsi)\n"
              "vpmaskmovd %ymm12, %ymm13, 0x540(%rsi)\n vpmaskmovq %ymm14, %ymm15, 0x560(%rsi)\n"
              "vmaskmovps 0x480(%rsi), %xmm1, %xmm2\n vpmaskmovd 0x4a0(%rsi), %ymm3, %ymm4")
/* at the end of the page: elements on the unmapped page fault only if selected */
SNIP(maskmov_page_ld, "vmaskmovps 0xff0(%rsi), %ymm1, %ymm0")
SNIP(maskmov_page_ld2, "vpmaskmovq 0xfe8(%rsi), %ymm2, %ymm3")
SNIP(maskmov_page_st, "vpmaskmovd %ymm4, %ymm5, 0xff4(%rsi)")
SNIP(maskmov_page_st2, "vmaskmovpd %ymm6, %ymm7, 0xff0(%rsi)")
SNIP(vtest, "vtestps %xmm1, %xmm0\n setz %al\n setc %bl\n vtestpd 0x400(%rsi), %ymm2\n"
            "setz %cl\n setc %dl\n vtestps %ymm3, %ymm4\n sete %r8b\n setb %r9b\n"
            "vtestpd %xmm5, %xmm6\n sete %r10b\n setb %r11b\n vtestps 0x420(%rsi), %ymm7")
SNIP(blend, "vpblendd $0xa5, %ymm1, %ymm2, %ymm3\n vpblendd $0x3, 0x400(%rsi), %xmm4, %xmm5\n"
            "vblendvps %ymm6, %ymm7, %ymm8, %ymm9\n vblendvpd %xmm10, 0x420(%rsi), %xmm11, %xmm12\n"
            "vpblendvb %ymm13, %ymm14, %ymm15, %ymm0\n vblendvps %xmm1, 0x440(%rsi), %xmm2, %xmm3\n"
            "vpblendvb %xmm4, 0x460(%rsi), %xmm5, %xmm6\n vblendvpd %ymm7, %ymm8, %ymm9, %ymm10")
SNIP(shiftv, "vpsllvd %ymm1, %ymm2, %ymm3\n vpsllvq 0x800(%rsi), %xmm4, %xmm5\n"
             "vpsrlvd %xmm6, %xmm7, %xmm8\n vpsrlvq %ymm9, %ymm10, %ymm11\n"
             "vpsravd %ymm12, %ymm13, %ymm14\n vpsravd 0x820(%rsi), %xmm15, %xmm0\n"
             "vpsrlvd 0x840(%rsi), %ymm1, %ymm2\n vpsllvd 0x860(%rsi), %ymm3, %ymm4\n"
             "vpsrlvq 0x880(%rsi), %ymm5, %ymm6\n vpsllvq %ymm7, %ymm8, %ymm9")
SNIP(vzeroupper, "vzeroupper")
SNIP(vzeroall, "vzeroall")
SNIP(f16c, "vcvtph2ps %xmm1, %ymm0\n vcvtph2ps 0x400(%rsi), %xmm2\n vcvtph2ps 0x410(%rsi), %ymm3\n"
           "vcvtps2ph $0, %ymm4, %xmm5\n vcvtps2ph $1, %xmm6, %xmm7\n vcvtps2ph $2, %ymm8, %xmm9\n"
           "vcvtps2ph $3, %xmm10, %xmm11\n vcvtps2ph $4, %ymm12, %xmm13\n"
           "vcvtps2ph $4, %xmm14, 0x500(%rsi)\n vcvtps2ph $3, %ymm15, 0x510(%rsi)\n"
           "vcvtph2ps %xmm7, %xmm1")
SNIP(f16c_edge, "vcvtps2ph $0, %ymm0, %xmm8\n vcvtps2ph $1, %ymm1, %xmm9\n"
                "vcvtps2ph $2, %ymm2, %xmm10\n vcvtps2ph $3, %ymm3, %xmm11\n"
                "vcvtps2ph $4, %ymm4, %xmm12\n vcvtph2ps %xmm5, %ymm13\n vcvtph2ps %xmm6, %ymm14")
/* gathers: indices in regs 1, 4 (dwords) and 7, 10 (qwords), set up by
 * gather_setup; masks 2, 5, 8, 11 random */
SNIP(gather_d, "vpgatherdd %ymm2, 0x400(%rsi,%ymm1,4), %ymm0\n vpgatherdd %xmm5, 0x200(%rsi,%xmm4,2), %xmm3\n"
               "vgatherdps %xmm8, -0x40(%rsi,%xmm1,8), %xmm6\n vgatherdps %ymm11, 0x500(%rsi,%ymm4,1), %ymm9")
SNIP(gather_dq, "vpgatherdq %ymm2, 0x400(%rsi,%xmm1,4), %ymm0\n vpgatherdq %xmm5, 0x200(%rsi,%xmm4,8), %xmm3\n"
                "vgatherdpd %xmm8, 0x100(%rsi,%xmm1,1), %xmm6\n vgatherdpd %ymm11, 0x300(%rsi,%xmm4,2), %ymm9")
SNIP(gather_q, "vpgatherqd %xmm2, 0x400(%rsi,%ymm7,4), %xmm0\n vpgatherqd %xmm5, 0x200(%rsi,%xmm10,2), %xmm3\n"
               "vgatherqps %xmm8, 0x100(%rsi,%xmm7,8), %xmm6\n vgatherqps %xmm11, 0x300(%rsi,%ymm10,1), %xmm9\n"
               "vpgatherqq %ymm2, 0x400(%rsi,%ymm7,1), %ymm12\n vgatherqpd %xmm5, 0x180(%rsi,%xmm10,8), %xmm13\n"
               "vgatherqpd %ymm8, 0x40(%rsi,%ymm10,4), %ymm14\n vpgatherqq %xmm11, (%rsi,%xmm7,2), %xmm15")
/* 0x67: 32-bit addresses (base esi, wrap-around of negative indices) */
SNIP(gather_a32, "vpgatherdd %ymm2, 0x400(%esi,%ymm1,4), %ymm0\n vgatherqpd %ymm8, 0x200(%esi,%ymm7,2), %ymm6")
/* one index points at the unmapped page: completed elements and the mask
 * at the fault are compared */
SNIP(gather_fault_d, "vpgatherdd %ymm2, 0x400(%rsi,%ymm1,4), %ymm0")
SNIP(gather_fault_q, "vgatherqpd %ymm8, 0x200(%rsi,%ymm7,2), %ymm6")
SNIP(gather_fault_dq, "vpgatherdq %ymm5, 0x100(%rsi,%xmm4,8), %ymm3")
/* #UD: destination, index and mask must differ */
SNIP(gather_same, "vpgatherdd %ymm2, 0x400(%rsi,%ymm2,4), %ymm0")
SNIP(gather_same2, "vgatherdpd %ymm0, 0x400(%rsi,%xmm1,4), %ymm0")
/* XSAVE/XRSTOR: areas at 0x400 and 0x800 (64-byte aligned) */
SNIP(xsave_all, "mov $7, %eax\n xor %edx, %edx\n xsave64 0x400(%rsi)")
SNIP(xsave_32, "mov $7, %eax\n xor %edx, %edx\n xsave 0x800(%rsi)")
/* (only components 0-2: the host has more, e.g. AVX-512) */
SNIP(xsave_part, "mov 0x800(%rsi), %eax\n and $7, %eax\n xor %edx, %edx\n xsave64 0x400(%rsi)")
/* glibc's _dl_runtime_resolve_xsave: header cleared, XSAVE, clobber, XRSTOR
 * (glibc asks EDX:EAX = 0xee; 6 here, the part of it the model has) */
SNIP(xsave_glibc, "mov $6, %eax\n xor %edx, %edx\n"
                  "mov %rdx, 0x600(%rsi)\n mov %rdx, 0x608(%rsi)\n mov %rdx, 0x610(%rsi)\n"
                  "mov %rdx, 0x618(%rsi)\n mov %rdx, 0x620(%rsi)\n mov %rdx, 0x628(%rsi)\n"
                  "mov %rdx, 0x630(%rsi)\n mov %rdx, 0x638(%rsi)\n xsave 0x400(%rsi)\n"
                  "vzeroall\n ldmxcsr 0x800(%rsi)\n xrstor 0x400(%rsi)")
SNIP(xsave_misaligned, "mov $7, %eax\n xor %edx, %edx\n xsave64 0x420(%rsi)")
SNIP(xrstor_all, "mov $7, %eax\n xor %edx, %edx\n xrstor64 0x400(%rsi)\n xsave64 0x800(%rsi)")
SNIP(xrstor_part, "mov 0x3f0(%rsi), %eax\n xor %edx, %edx\n xrstor64 0x400(%rsi)\n"
                  "mov $7, %eax\n xsave64 0x800(%rsi)")
SNIP(xrstor_32, "mov $7, %eax\n xor %edx, %edx\n xrstor 0x400(%rsi)\n xsave64 0x800(%rsi)")
SNIP(xrstor_bad, "mov $7, %eax\n xor %edx, %edx\n xrstor64 0x400(%rsi)")
SNIP(xrstor_misaligned, "mov $7, %eax\n xor %edx, %edx\n xrstor64 0x410(%rsi)")
SNIP(xsave_fault, "mov $7, %eax\n xor %edx, %edx\n xsave64 0xe00(%rsi)")
/* ECX = 1 (XINUSE) is not advertised by the model: #GP like ECX = 2 */
SNIP(xgetbv_gp, "mov $2, %ecx\n xgetbv")
/* VEX.L / VEX.W where the SDM does not allow them: #UD */
SNIP(ud_vpermd_l0, ".byte 0xc4, 0xe2, 0x71, 0x36, 0xc2")        /* VPERMD, L=0 */
SNIP(ud_vpermd_w1, ".byte 0xc4, 0xe2, 0xf5, 0x36, 0xc2")        /* VPERMD, W=1 */
SNIP(ud_vbroadcastsd_l0, ".byte 0xc4, 0xe2, 0x79, 0x19, 0xc1")  /* VBROADCASTSD, L=0 */
SNIP(ud_vperm2f128_l0, ".byte 0xc4, 0xe3, 0x71, 0x06, 0xc2, 0x00")
/* (VPERMQ with W=0 is #UD on Intel but runs on AMD hosts: not compared) */
SNIP(ud_vextractf128_l0, ".byte 0xc4, 0xe3, 0x79, 0x19, 0xc1, 0x01")
SNIP(ud_vbroadcastf128_reg, ".byte 0xc4, 0xe2, 0x7d, 0x1a, 0xc1") /* register source */
SNIP(ud_vtestps_w1, ".byte 0xc4, 0xe2, 0xf9, 0x0e, 0xc1")
/* scalar FMA with VEX.L = 1 (LIG): bits 255:128 still zeroed */
SNIP(fma_scalar_l1, ".byte 0xc4, 0xe2, 0xf5, 0xb9, 0xc2\n .byte 0xc4, 0xe2, 0x75, 0xa9, 0xdc")
SNIP(ud_vcvtph2ps_w1, ".byte 0xc4, 0xe2, 0xf9, 0x13, 0xc1")

/* FMA: generated lines, one snippet per operation and type, all three orders */
SNIP(fma_fmadd_ps, "vfmadd132ps %ymm1, %ymm2, %ymm0 \n vfmadd213ps %xmm4, %xmm5, %xmm3 \n vfmadd231ps 0x0(%rsi), %ymm7, %ymm6 \n vfmadd132ps 0x20(%rsi), %xmm9, %xmm8 \n vfmadd213ps %ymm11, %ymm12, %ymm10 \n vfmadd231ps %xmm14, %xmm15, %xmm13")
SNIP(fma_fmadd_pd, "vfmadd132pd %ymm1, %ymm2, %ymm0 \n vfmadd213pd %xmm4, %xmm5, %xmm3 \n vfmadd231pd 0x100(%rsi), %ymm7, %ymm6 \n vfmadd132pd 0x120(%rsi), %xmm9, %xmm8 \n vfmadd213pd %ymm11, %ymm12, %ymm10 \n vfmadd231pd %xmm14, %xmm15, %xmm13")
SNIP(fma_fmadd_ss, "vfmadd132ss %xmm1, %xmm2, %xmm0\n vfmadd213ss %xmm4, %xmm5, %xmm3\n vfmadd231ss 0x8(%rsi), %xmm7, %xmm6\n vfmadd132ss 0x18(%rsi), %xmm9, %xmm8\n vfmadd213ss %xmm11, %xmm12, %xmm10\n vfmadd231ss %xmm14, %xmm15, %xmm13")
SNIP(fma_fmadd_sd, "vfmadd132sd %xmm1, %xmm2, %xmm0\n vfmadd213sd %xmm4, %xmm5, %xmm3\n vfmadd231sd 0x108(%rsi), %xmm7, %xmm6\n vfmadd132sd 0x118(%rsi), %xmm9, %xmm8\n vfmadd213sd %xmm11, %xmm12, %xmm10\n vfmadd231sd %xmm14, %xmm15, %xmm13")
SNIP(fma_fmsub_ps, "vfmsub132ps %ymm1, %ymm2, %ymm0 \n vfmsub213ps %xmm4, %xmm5, %xmm3 \n vfmsub231ps 0x0(%rsi), %ymm7, %ymm6 \n vfmsub132ps 0x20(%rsi), %xmm9, %xmm8 \n vfmsub213ps %ymm11, %ymm12, %ymm10 \n vfmsub231ps %xmm14, %xmm15, %xmm13")
SNIP(fma_fmsub_pd, "vfmsub132pd %ymm1, %ymm2, %ymm0 \n vfmsub213pd %xmm4, %xmm5, %xmm3 \n vfmsub231pd 0x100(%rsi), %ymm7, %ymm6 \n vfmsub132pd 0x120(%rsi), %xmm9, %xmm8 \n vfmsub213pd %ymm11, %ymm12, %ymm10 \n vfmsub231pd %xmm14, %xmm15, %xmm13")
SNIP(fma_fmsub_ss, "vfmsub132ss %xmm1, %xmm2, %xmm0\n vfmsub213ss %xmm4, %xmm5, %xmm3\n vfmsub231ss 0x8(%rsi), %xmm7, %xmm6\n vfmsub132ss 0x18(%rsi), %xmm9, %xmm8\n vfmsub213ss %xmm11, %xmm12, %xmm10\n vfmsub231ss %xmm14, %xmm15, %xmm13")
SNIP(fma_fmsub_sd, "vfmsub132sd %xmm1, %xmm2, %xmm0\n vfmsub213sd %xmm4, %xmm5, %xmm3\n vfmsub231sd 0x108(%rsi), %xmm7, %xmm6\n vfmsub132sd 0x118(%rsi), %xmm9, %xmm8\n vfmsub213sd %xmm11, %xmm12, %xmm10\n vfmsub231sd %xmm14, %xmm15, %xmm13")
SNIP(fma_fnmadd_ps, "vfnmadd132ps %ymm1, %ymm2, %ymm0 \n vfnmadd213ps %xmm4, %xmm5, %xmm3 \n vfnmadd231ps 0x0(%rsi), %ymm7, %ymm6 \n vfnmadd132ps 0x20(%rsi), %xmm9, %xmm8 \n vfnmadd213ps %ymm11, %ymm12, %ymm10 \n vfnmadd231ps %xmm14, %xmm15, %xmm13")
SNIP(fma_fnmadd_pd, "vfnmadd132pd %ymm1, %ymm2, %ymm0 \n vfnmadd213pd %xmm4, %xmm5, %xmm3 \n vfnmadd231pd 0x100(%rsi), %ymm7, %ymm6 \n vfnmadd132pd 0x120(%rsi), %xmm9, %xmm8 \n vfnmadd213pd %ymm11, %ymm12, %ymm10 \n vfnmadd231pd %xmm14, %xmm15, %xmm13")
SNIP(fma_fnmadd_ss, "vfnmadd132ss %xmm1, %xmm2, %xmm0\n vfnmadd213ss %xmm4, %xmm5, %xmm3\n vfnmadd231ss 0x8(%rsi), %xmm7, %xmm6\n vfnmadd132ss 0x18(%rsi), %xmm9, %xmm8\n vfnmadd213ss %xmm11, %xmm12, %xmm10\n vfnmadd231ss %xmm14, %xmm15, %xmm13")
SNIP(fma_fnmadd_sd, "vfnmadd132sd %xmm1, %xmm2, %xmm0\n vfnmadd213sd %xmm4, %xmm5, %xmm3\n vfnmadd231sd 0x108(%rsi), %xmm7, %xmm6\n vfnmadd132sd 0x118(%rsi), %xmm9, %xmm8\n vfnmadd213sd %xmm11, %xmm12, %xmm10\n vfnmadd231sd %xmm14, %xmm15, %xmm13")
SNIP(fma_fnmsub_ps, "vfnmsub132ps %ymm1, %ymm2, %ymm0 \n vfnmsub213ps %xmm4, %xmm5, %xmm3 \n vfnmsub231ps 0x0(%rsi), %ymm7, %ymm6 \n vfnmsub132ps 0x20(%rsi), %xmm9, %xmm8 \n vfnmsub213ps %ymm11, %ymm12, %ymm10 \n vfnmsub231ps %xmm14, %xmm15, %xmm13")
SNIP(fma_fnmsub_pd, "vfnmsub132pd %ymm1, %ymm2, %ymm0 \n vfnmsub213pd %xmm4, %xmm5, %xmm3 \n vfnmsub231pd 0x100(%rsi), %ymm7, %ymm6 \n vfnmsub132pd 0x120(%rsi), %xmm9, %xmm8 \n vfnmsub213pd %ymm11, %ymm12, %ymm10 \n vfnmsub231pd %xmm14, %xmm15, %xmm13")
SNIP(fma_fnmsub_ss, "vfnmsub132ss %xmm1, %xmm2, %xmm0\n vfnmsub213ss %xmm4, %xmm5, %xmm3\n vfnmsub231ss 0x8(%rsi), %xmm7, %xmm6\n vfnmsub132ss 0x18(%rsi), %xmm9, %xmm8\n vfnmsub213ss %xmm11, %xmm12, %xmm10\n vfnmsub231ss %xmm14, %xmm15, %xmm13")
SNIP(fma_fnmsub_sd, "vfnmsub132sd %xmm1, %xmm2, %xmm0\n vfnmsub213sd %xmm4, %xmm5, %xmm3\n vfnmsub231sd 0x108(%rsi), %xmm7, %xmm6\n vfnmsub132sd 0x118(%rsi), %xmm9, %xmm8\n vfnmsub213sd %xmm11, %xmm12, %xmm10\n vfnmsub231sd %xmm14, %xmm15, %xmm13")
SNIP(fma_fmaddsub_ps, "vfmaddsub132ps %ymm1, %ymm2, %ymm0 \n vfmaddsub213ps %xmm4, %xmm5, %xmm3 \n vfmaddsub231ps 0x0(%rsi), %ymm7, %ymm6 \n vfmaddsub132ps 0x20(%rsi), %xmm9, %xmm8 \n vfmaddsub213ps %ymm11, %ymm12, %ymm10 \n vfmaddsub231ps %xmm14, %xmm15, %xmm13")
SNIP(fma_fmaddsub_pd, "vfmaddsub132pd %ymm1, %ymm2, %ymm0 \n vfmaddsub213pd %xmm4, %xmm5, %xmm3 \n vfmaddsub231pd 0x100(%rsi), %ymm7, %ymm6 \n vfmaddsub132pd 0x120(%rsi), %xmm9, %xmm8 \n vfmaddsub213pd %ymm11, %ymm12, %ymm10 \n vfmaddsub231pd %xmm14, %xmm15, %xmm13")
SNIP(fma_fmsubadd_ps, "vfmsubadd132ps %ymm1, %ymm2, %ymm0 \n vfmsubadd213ps %xmm4, %xmm5, %xmm3 \n vfmsubadd231ps 0x0(%rsi), %ymm7, %ymm6 \n vfmsubadd132ps 0x20(%rsi), %xmm9, %xmm8 \n vfmsubadd213ps %ymm11, %ymm12, %ymm10 \n vfmsubadd231ps %xmm14, %xmm15, %xmm13")
SNIP(fma_fmsubadd_pd, "vfmsubadd132pd %ymm1, %ymm2, %ymm0 \n vfmsubadd213pd %xmm4, %xmm5, %xmm3 \n vfmsubadd231pd 0x100(%rsi), %ymm7, %ymm6 \n vfmsubadd132pd 0x120(%rsi), %xmm9, %xmm8 \n vfmsubadd213pd %ymm11, %ymm12, %ymm10 \n vfmsubadd231pd %xmm14, %xmm15, %xmm13")

#define FMA_NAMES \
E(fma_fmadd_ps), E(fma_fmadd_pd), E(fma_fmadd_ss), E(fma_fmadd_sd), E(fma_fmsub_ps), E(fma_fmsub_pd), E(fma_fmsub_ss), E(fma_fmsub_sd), E(fma_fnmadd_ps), E(fma_fnmadd_pd), E(fma_fnmadd_ss), E(fma_fnmadd_sd), E(fma_fnmsub_ps), E(fma_fnmsub_pd), E(fma_fnmsub_ss), E(fma_fnmsub_sd), E(fma_fmaddsub_ps), E(fma_fmaddsub_pd), E(fma_fmsubadd_ps), E(fma_fmsubadd_pd) \


static void gather_setup(HxState *st);
static void gather_fault_setup(HxState *st);
static void xrstor_setup(HxState *st);
static void xrstor_bad_setup(HxState *st);
static bool skip_xsave_bytes(size_t i);

#define E(name) { #name, asnip_##name##_start, asnip_##name##_end, NULL, 0, 0 }
#define ES(name, setup) { #name, asnip_##name##_start, asnip_##name##_end, setup, 0, 0 }
static const Snippet snippets[] = {
    E(broadcast), E(perm), E(permil), E(insext), E(extract_fault), E(maskmov),
    E(maskmov_page_ld), E(maskmov_page_ld2), E(maskmov_page_st), E(maskmov_page_st2),
    E(vtest), E(blend), E(shiftv), E(vzeroupper), E(vzeroall), E(f16c), E(f16c_edge),
    ES(gather_d, gather_setup), ES(gather_dq, gather_setup), ES(gather_q, gather_setup), ES(gather_a32, gather_setup),
    ES(gather_fault_d, gather_fault_setup), ES(gather_fault_q, gather_fault_setup),
    ES(gather_fault_dq, gather_fault_setup), ES(gather_same, gather_setup),
    ES(gather_same2, gather_setup),
    E(xsave_all), E(xsave_32), E(xsave_part), E(xsave_glibc), E(xsave_misaligned),
    ES(xrstor_all, xrstor_setup), ES(xrstor_part, xrstor_setup), ES(xrstor_32, xrstor_setup),
    ES(xrstor_bad, xrstor_bad_setup), ES(xrstor_misaligned, xrstor_setup), E(xsave_fault),
    E(xgetbv_gp),
    E(ud_vpermd_l0), E(ud_vpermd_w1), E(ud_vbroadcastsd_l0), E(ud_vperm2f128_l0),
    E(ud_vextractf128_l0), E(ud_vbroadcastf128_reg), E(ud_vtestps_w1),
    E(ud_vcvtph2ps_w1), E(fma_scalar_l1),
    FMA_NAMES
};
#define N_FMA 20   /* the FMA snippets are the last ones */

/* ---- edge values ---- */

static const uint32_t f32_edge[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7fc00000, 0xffc00000,
    0x7f800001, 0x7fa12345, 0xffc54321, 0x7f800000, 0xff800000, 0x00000001,
    0x807fffff, 0x00400000, 0x7f7fffff, 0xff7fffff, 0x00800000, 0x3fc00000,
    0x3f000000, 0x40200000, 0xc0600000, 0x3dcccccd, 0x4b800001, 0x4effffff,
    0x477fe000, 0x477ff000, 0x38800000, 0x33800000, 0x387fc000, 0x33000001,
    0x3eaaaaab, 0x42f6e979, 0x0c000000, 0x8c000001, 0x5f000001, 0x3f800001,
};

static const uint64_t f64_edge[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull,
    0xbff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull,
    0x7ff0000000000001ull, 0x7ff4000000abcdefull, 0xfff8000012345678ull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x0000000000000001ull,
    0x800fffffffffffffull, 0x0008000000000000ull, 0x7fefffffffffffffull,
    0x0010000000000000ull, 0x3ff8000000000000ull, 0x3fe0000000000000ull,
    0x4004000000000000ull, 0xc00c000000000000ull, 0x3fb999999999999aull,
    0x4340000000000001ull, 0x3ff0000000000001ull, 0xbcb0000000000000ull,
    0x2000000000000000ull, 0xa000000000000001ull, 0x5ff0000000000001ull,
    0x3fd5555555555555ull, 0x36a0000000000000ull, 0x47efffffe0000000ull,
};

static const uint16_t f16_edge[] = {
    0x0000, 0x8000, 0x3c00, 0xbc00, 0x7c00, 0xfc00, 0x7e00, 0x7d01, 0xfe12, 0x0001,
    0x83ff, 0x0400, 0x7bff, 0xfbff, 0x3555, 0x1234,
};

static uint64_t rng_state;

static uint64_t rng(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return x;
}

static const int16_t int_edge16[] = { 0, 1, -1, 2, 127, -128, 255, 256, 32767, -32768, 3, 15, 16, 31, 32, 63, 64 };

/* 16 bytes of lanes of one kind */
static void fill16(uint8_t *x)
{
    switch (rng() % 6) {
    case 0:
        for (int i = 0; i < 4; i++) {
            uint32_t v = f32_edge[rng() % G_N_ELEMENTS(f32_edge)];
            memcpy(x + 4 * i, &v, 4);
        }
        break;
    case 1:
        for (int i = 0; i < 2; i++) {
            uint64_t v = f64_edge[rng() % G_N_ELEMENTS(f64_edge)];
            memcpy(x + 8 * i, &v, 8);
        }
        break;
    case 2:
        for (int i = 0; i < 8; i++) {
            int16_t v = int_edge16[rng() % G_N_ELEMENTS(int_edge16)];
            memcpy(x + 2 * i, &v, 2);
        }
        break;
    case 3:
        for (int i = 0; i < 8; i++) {
            uint16_t v = f16_edge[rng() % G_N_ELEMENTS(f16_edge)];
            memcpy(x + 2 * i, &v, 2);
        }
        break;
    default:
        for (int i = 0; i < 2; i++) {
            uint64_t v = rng();
            memcpy(x + 8 * i, &v, 8);
        }
        break;
    }
}

static bool x87_init_img(const uint8_t *fx)
{
    static const uint8_t init[24] = { 0x7f, 0x03 };
    if (memcmp(fx, init, 24) != 0) {
        return false;
    }
    for (int i = 32; i < 160; i++) {
        if (fx[i] && ((i - 32) % 16) < 10) {
            return false;
        }
    }
    return true;
}

/* XSTATE_BV for a state: a component whose content is its initial
 * configuration is marked init, so the host's XINUSE matches emu's rule */
static uint64_t content_bv(const HxState *st)
{
    uint64_t bv = 0;
    bool zero = true;

    bv |= x87_init_img(st->fx) ? 0 : 1;
    for (int i = 160; i < 416; i++) {
        zero &= st->fx[i] == 0;
    }
    bv |= zero ? 0 : 2;   /* (MXCSR does not count) */
    zero = true;
    for (size_t i = 0; i < sizeof(st->ymmh); i++) {
        zero &= st->ymmh[i / 16][i % 16] == 0;
    }
    bv |= zero ? 0 : 4;
    return bv;
}

static void random_state(HxState *st)
{
    memset(st, 0, sizeof(*st));
    for (int i = 0; i < 16; i++) {
        switch (rng() % 4) {
        case 0: st->regs[i] = rng(); break;
        case 1: st->regs[i] = (uint64_t)(int64_t)int_edge16[rng() % G_N_ELEMENTS(int_edge16)]; break;
        case 2: st->regs[i] = rng() & 0x7f; break;
        default: st->regs[i] = (uint64_t)(int64_t)(int32_t)rng(); break;
        }
    }
    st->regs[R_ESP] = G_RSP;
    st->regs[R_ESI] = G_DATA;
    st->rflags = 0x202 | (rng() & CC_ARITH_MASK);
    st->rip = G_CODE;

    uint16_t fcw = 0x037f | ((rng() & 3) << 10);
    uint32_t mxcsr = 0x1f80 | ((rng() & 3) << 13);
    if (rng() % 4 == 0) {
        mxcsr |= 0x8000;   /* FTZ */
    }
    if (rng() % 4 == 0) {
        mxcsr |= 0x0040;   /* DAZ */
    }
    if (rng() % 8 == 0) {
        mxcsr &= ~(uint32_t)((rng() & 0x3f) << 7);   /* unmask some */
    }
    if (rng() % 2) {
        uint16_t fsw = (uint16_t)((rng() & 7) << 11);
        memcpy(st->fx + 2, &fsw, 2);
        st->fx[4] = (uint8_t)(rng() & rng());
        for (int i = 0; i < 8; i++) {
            uint64_t m = rng() | (1ull << 63);
            uint16_t se = (uint16_t)(0x3fff + rng() % 64);
            memcpy(st->fx + 32 + 16 * i, &m, 8);
            memcpy(st->fx + 40 + 16 * i, &se, 2);
        }
    }
    memcpy(st->fx + 0, &fcw, 2);
    memcpy(st->fx + 24, &mxcsr, 4);
    uint32_t mxcsr_mask = 0xffff;
    memcpy(st->fx + 28, &mxcsr_mask, 4);
    for (int i = 0; i < 16; i++) {
        fill16(st->fx + 160 + 16 * i);
        if (rng() % 8) {
            fill16(st->ymmh[i]);
        }
    }
    st->xstate_bv = content_bv(st);

    for (int i = 0; i < 64; i++) {
        uint32_t v = f32_edge[rng() % G_N_ELEMENTS(f32_edge)];
        memcpy(st->data + 4 * i, &v, 4);
    }
    for (int i = 0; i < 32; i++) {
        uint64_t v = f64_edge[rng() % G_N_ELEMENTS(f64_edge)];
        memcpy(st->data + 0x100 + 8 * i, &v, 8);
    }
    for (int i = 0x200; i < 0x800; i++) {
        st->data[i] = (uint8_t)rng();
    }
    for (int i = 0x400; i < 0x600; i += 2) {
        if (rng() % 4 == 0) {
            uint16_t v = f16_edge[rng() % G_N_ELEMENTS(f16_edge)];
            memcpy(st->data + i, &v, 2);
        }
    }
    for (int i = 0x800; i < 0xc00; i += 4) {
        int32_t v = rng() % 3 ? (int32_t)(rng() % 72) : (int32_t)rng();
        memcpy(st->data + i, &v, 4);
    }
    for (int i = 0xc00; i < 0x1000; i++) {
        st->data[i] = (uint8_t)rng();
    }
    for (size_t i = 0; i < STACK_SZ; i++) {
        st->stack[i] = (uint8_t)rng();
    }
}

/* ymm register r as 32 bytes of the image */
static void set_ymm_l(HxState *st, int r, int lane, uint32_t v)
{
    uint8_t *p = lane < 4 ? st->fx + 160 + 16 * r + 4 * lane : st->ymmh[r] + 4 * (lane - 4);
    memcpy(p, &v, 4);
}

static void set_ymm_q(HxState *st, int r, int lane, uint64_t v)
{
    set_ymm_l(st, r, 2 * lane, (uint32_t)v);
    set_ymm_l(st, r, 2 * lane + 1, (uint32_t)(v >> 32));
}

static void fix_bv(HxState *st)
{
    st->xstate_bv = content_bv(st);
}

static void gather_setup(HxState *st)
{
    for (int lane = 0; lane < 8; lane++) {
        set_ymm_l(st, 1, lane, (uint32_t)((int32_t)(rng() % 0x120) - 0x20));
        set_ymm_l(st, 4, lane, (uint32_t)((int32_t)(rng() % 0x120) - 0x20));
    }
    for (int lane = 0; lane < 4; lane++) {
        set_ymm_q(st, 7, lane, (uint64_t)((int64_t)(rng() % 0x120) - 0x20));
        set_ymm_q(st, 10, lane, (uint64_t)((int64_t)(rng() % 0x120) - 0x20));
    }
    fix_bv(st);
}

/* gather_fault_*: one selected element on the unmapped page */
static void gather_fault_setup(HxState *st)
{
    gather_setup(st);
    int lane = (int)(rng() % 4);
    set_ymm_l(st, 1, 2 * lane, 0x300 + (uint32_t)(rng() % 0x100));  /* 0x400 + 4*i */
    set_ymm_l(st, 2, 2 * lane, 0x80000000u);
    set_ymm_q(st, 7, lane, 0x700 + rng() % 0x100);                  /* 0x200 + 2*i */
    set_ymm_q(st, 8, lane, 0x8000000000000000ull);
    set_ymm_l(st, 4, lane, 0x1e0 + (uint32_t)(rng() % 0x20));       /* 0x100 + 8*i */
    set_ymm_q(st, 5, lane, 0x8000000000000000ull);
    fix_bv(st);
}

/* a valid image at data + 0x400 (random components init) and a random
 * instruction mask at 0x3f0 */
static void xrstor_setup(HxState *st)
{
    HxState *o = g_malloc(sizeof(HxState));
    uint64_t saved = rng_state;
    random_state(o);
    rng_state = saved ^ 0x5555;
    memcpy(st->data + 0x400, o->fx, 512);
    memcpy(st->data + 0x400 + XSAVE_AVX_OFF, o->ymmh, 256);
    uint64_t bv = rng() & 7;
    memcpy(st->data + 0x400 + XSAVE_HDR_OFF, &bv, 8);
    memset(st->data + 0x400 + XSAVE_HDR_OFF + 8, 0, 16);
    uint32_t m = (uint32_t)(rng() & 7);
    memcpy(st->data + 0x3f0, &m, 4);
    g_free(o);
}

static void xrstor_bad_setup(HxState *st)
{
    xrstor_setup(st);
    uint8_t *h = st->data + 0x400 + XSAVE_HDR_OFF;
    switch (rng() % 4) {
    case 0: h[8 + rng() % 8] = (uint8_t)(1u << (rng() % 8)); break;   /* XCOMP_BV */
    case 1: h[16 + rng() % 8] = (uint8_t)(1u << (rng() % 8)); break;  /* bytes 23:16 */
    case 2: h[0] |= 0x08; break;                                      /* XSTATE_BV bit 3 */
    default: st->data[0x400 + 26] = 0x01; break;                      /* MXCSR bit 16 */
    }
}

/* bytes of an XSAVE image emu does not track (FOP, FIP, FDP) or that
 * depend on the host (MXCSR_MASK) */
static bool skip_xsave_bytes(size_t i)
{
    for (size_t base = 0x400; base <= 0x800; base += 0x400) {
        if (i >= base + 6 && i < base + 24) {
            return true;
        }
        if (i >= base + 28 && i < base + 32) {
            return true;
        }
    }
    return false;
}

/* ---- comparison ---- */

static bool skip_data_bytes(const void *ctx, bool stack, size_t i)
{
    (void)ctx;
    return !stack && skip_xsave_bytes(i);
}

/* GPRs, rip, signal, arithmetic flags, x87, MXCSR, YMM, the data page */
static const HxCompare cmp = {
    .parts = HX_CMP_X87 | HX_CMP_MXCSR | HX_CMP_XMM | HX_CMP_YMM | HX_CMP_DATA,
    .rflags_mask = CC_ARITH_MASK,
    .mem_skip = skip_data_bytes,
};

/* runs per snippet: AVXTEST_ITERS=n, else def */
static int iters(int def)
{
    const char *n = getenv("AVXTEST_ITERS");
    return n ? atoi(n) : def;
}

static int run_snippet(const Snippet *sn, int idx, int n_iter)
{
    size_t n = (size_t)(sn->end - sn->start);
    uint8_t *code = hx_code_ud2(sn->start, n);
    int failures = 0;

    /* AVXTEST_SEED=n explores other inputs (the default is fixed) */
    const char *seed = getenv("AVXTEST_SEED");
    rng_state = (seed ? strtoull(seed, NULL, 0) * 0x9e3779b97f4a7c15ull : 0x2545f4914f6cdd1dull)
                ^ ((uint64_t)(idx + 1) * 0x100000001b3ull);
    for (int it = 0; it < n_iter && failures < 3; it++) {
        HxState *in = g_malloc(sizeof(HxState));
        random_state(in);
        if (sn->setup) {
            sn->setup(in);
        }
        failures += hx_check(&layout, &cmp, sn->name, it, code, n + 2, code, n + 2, in,
                             NULL, NULL) != 0;
        g_free(in);
    }
    g_free(code);
    return failures;
}

START_TEST(test_snippet)
{
    const Snippet *sn = &snippets[_i];
    const char *only = getenv("AVXTEST_ONLY");   /* one snippet by name */
    if (only && strcmp(only, sn->name) != 0) {
        return;
    }
    ck_assert(x86_cpu_model_force_for_test("x86-64-v3"));
    int failures = run_snippet(sn, _i, iters(100));
    ck_assert_msg(failures == 0, "%s: %d of the runs differ from native", sn->name, failures);
}
END_TEST

/* The FMA snippets again through the software path (fma()/fmaf()), which
 * emu uses on hosts without FMA. */
START_TEST(test_soft_fma)
{
    int i = (int)G_N_ELEMENTS(snippets) - N_FMA + _i;
    const char *only = getenv("AVXTEST_ONLY");
    if (only && strcmp(only, snippets[i].name) != 0) {
        return;
    }
    ck_assert(x86_cpu_model_force_for_test("x86-64-v3"));
    avx_helper_force_soft_fma(true);
    int failures = run_snippet(&snippets[i], i, iters(50));
    avx_helper_force_soft_fma(false);
    ck_assert_msg(failures == 0, "soft %s: %d of the runs differ from native",
                  snippets[i].name, failures);
}
END_TEST

/* Run code under emu from a zero state; returns the exception. */
static int emu_run_bytes(const uint8_t *code, size_t n)
{
    HxState *in = g_malloc0(sizeof(HxState)), *out = g_malloc(sizeof(HxState));
    uint8_t buf[64];
    memcpy(buf, code, n);
    buf[n] = 0x0f;
    buf[n + 1] = 0x0b;
    in->regs[R_ESP] = G_RSP;
    in->regs[R_ESI] = G_DATA;
    in->rflags = 0x202;
    hx_state_init_fp(in);
    hx_emu_run(&layout, buf, n + 2, in, out);
    int r = out->signo;
    if (r == SIGILL && out->rip != G_CODE + n) {
        r = SIGILL | 0x100;   /* #UD at the instruction, not at the ud2 */
    }
    g_free(in);
    g_free(out);
    return r;
}

/* XGETBV reports XCR0 = x87|SSE|AVX under v3 (the host's value differs:
 * not a native comparison); XSAVE, AVX, FMA, F16C are #UD under v2. */
START_TEST(test_model_gating)
{
    static const uint8_t xgetbv[] = { 0x31, 0xc9, 0x0f, 0x01, 0xd0 };
    static const uint8_t vpermd[] = { 0xc4, 0xe2, 0x75, 0x36, 0xc2 };
    static const uint8_t vfmadd[] = { 0xc4, 0xe2, 0x71, 0x98, 0xc2 };      /* vfmadd132ps */
    static const uint8_t vcvtph2ps[] = { 0xc4, 0xe2, 0x79, 0x13, 0xc1 };
    static const uint8_t vzeroupper[] = { 0xc5, 0xf8, 0x77 };
    static const uint8_t xsave[] = { 0x48, 0x0f, 0xae, 0xa6, 0x00, 0x04, 0x00, 0x00 };

    ck_assert(x86_cpu_model_force_for_test("x86-64-v3"));
    ck_assert_int_eq(emu_run_bytes(xgetbv, sizeof(xgetbv)), SIGILL);
    ck_assert_uint_eq(hx_emu_env()->regs[R_EAX], 7);
    ck_assert_uint_eq(hx_emu_env()->regs[R_EDX], 0);
    ck_assert_uint_eq(x86_cpu_xcr0(), 7);
    ck_assert_uint_eq(x86_cpu_xsave_size(), XS_SIZE);
    ck_assert_int_eq(emu_run_bytes(vpermd, sizeof(vpermd)), SIGILL);
    ck_assert_int_eq(emu_run_bytes(vfmadd, sizeof(vfmadd)), SIGILL);
    ck_assert_int_eq(emu_run_bytes(vcvtph2ps, sizeof(vcvtph2ps)), SIGILL);
    ck_assert_int_eq(emu_run_bytes(vzeroupper, sizeof(vzeroupper)), SIGILL);
    ck_assert_int_eq(emu_run_bytes(xsave, sizeof(xsave)), SIGILL);

    ck_assert(x86_cpu_model_force_for_test("x86-64-v2"));
    ck_assert_int_eq(emu_run_bytes(xgetbv, sizeof(xgetbv)), SIGILL | 0x100);
    ck_assert_int_eq(emu_run_bytes(vpermd, sizeof(vpermd)), SIGILL | 0x100);
    ck_assert_int_eq(emu_run_bytes(vfmadd, sizeof(vfmadd)), SIGILL | 0x100);
    ck_assert_int_eq(emu_run_bytes(vcvtph2ps, sizeof(vcvtph2ps)), SIGILL | 0x100);
    ck_assert_int_eq(emu_run_bytes(vzeroupper, sizeof(vzeroupper)), SIGILL | 0x100);
    ck_assert_int_eq(emu_run_bytes(xsave, sizeof(xsave)), SIGILL | 0x100);
    ck_assert(x86_cpu_model_force_for_test("x86-64-v3"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("x86-avx");
    TCase *tc = tcase_create("native-diff");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_snippet, 0, (int)G_N_ELEMENTS(snippets));
    tcase_add_loop_test(tc, test_soft_fma, 0, N_FMA);
    tcase_add_test(tc, test_model_gating);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? 0 : 1;
}
