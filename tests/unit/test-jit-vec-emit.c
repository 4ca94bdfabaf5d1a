/*
 * tests/unit/test-jit-vec-emit.c — the JIT's SSE/VEX encoder
 * (emu/tcg/x86_64/vec-emit.c) against capstone.
 *
 * Each line emits one instruction the vec lowering uses (moves between env
 * and xmm/ymm, movq from GPRs, operations in the three maps with legacy
 * prefixes or VEX, group forms with an imm8, LDMXCSR/STMXCSR) and checks
 * that capstone decodes exactly those bytes as one instruction with the
 * expected text: REX/VEX register extension bits, VEX.vvvv/L/W/pp/mmmmm,
 * ModRM corner cases (rsp/r12 bases need a SIB, rbp/r13 a displacement),
 * [base + index] forms (REX.X / VEX.X for r8-r15 indexes).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <capstone/capstone.h>

#include "emu/tcg/x86_64/vec.h"
#include "jit-emit-check.h"

/* CASE(capstone's "mnemonic op_str", code emitting into JitBuf *b) */
#define VEC_EMIT_CASES(CASE) \
    CASE("movdqu xmm0, xmmword ptr [rbp + 0x2a0]", jit_sse_rm(b, 2, 1, false, 0x6F, 0, RBP, 0x2a0)) \
    CASE("movdqu xmmword ptr [rbp + 0x120], xmm0", jit_sse_rm(b, 2, 1, false, 0x7F, 0, RBP, 0x120)) \
    CASE("movdqu xmm9, xmmword ptr [r12 + 8]", jit_sse_rm(b, 2, 1, false, 0x6F, 9, R12, 8)) \
    CASE("movdqu xmm1, xmmword ptr [r13]", jit_sse_rm(b, 2, 1, false, 0x6F, 1, R13, 0)) \
    CASE("movdqu xmm1, xmmword ptr [rsp - 0x10]", jit_sse_rm(b, 2, 1, false, 0x6F, 1, RSP, -16)) \
    CASE("movq xmm1, rax", jit_sse_rr(b, 1, 1, true, 0x6E, 1, RAX)) \
    CASE("movq xmm2, r10", jit_sse_rr(b, 1, 1, true, 0x6E, 2, R10)) \
    CASE("punpcklqdq xmm1, xmm2", jit_sse_rr(b, 1, 1, false, 0x6C, 1, 2)) \
    CASE("addsd xmm0, xmm1", jit_sse_rr(b, 3, 1, false, 0x58, 0, 1)) \
    CASE("mulpd xmm0, xmm1", jit_sse_rr(b, 1, 1, false, 0x59, 0, 1)) \
    CASE("sqrtss xmm0, xmm1", jit_sse_rr(b, 2, 1, false, 0x51, 0, 1)) \
    CASE("addps xmm8, xmm15", jit_sse_rr(b, 0, 1, false, 0x58, 8, 15)) \
    CASE("paddd xmm0, xmm1", jit_sse_rr(b, 1, 1, false, 0xFE, 0, 1)) \
    CASE("psrld xmm0, 7", (jit_sse_rr(b, 1, 1, false, 0x72, 2, 0), jit_byte(b, 7))) \
    CASE("pslldq xmm0, 3", (jit_sse_rr(b, 1, 1, false, 0x73, 7, 0), jit_byte(b, 3))) \
    CASE("pshufd xmm0, xmm1, 0x1b", (jit_sse_rr(b, 1, 1, false, 0x70, 0, 1), jit_byte(b, 0x1b))) \
    CASE("pshufb xmm0, xmm1", jit_sse_rr(b, 1, 2, false, 0x00, 0, 1)) \
    CASE("palignr xmm0, xmm1, 5", (jit_sse_rr(b, 1, 3, false, 0x0F, 0, 1), jit_byte(b, 5))) \
    CASE("roundsd xmm0, xmm1, 4", (jit_sse_rr(b, 1, 3, false, 0x0B, 0, 1), jit_byte(b, 4))) \
    CASE("vmovdqu ymm1, ymmword ptr [rbp + 0x300]", jit_vex_rm(b, 2, 1, false, true, 0x6F, 1, 0, RBP, 0x300)) \
    CASE("vmovdqu ymmword ptr [rbp + 0x300], ymm0", jit_vex_rm(b, 2, 1, false, true, 0x7F, 0, 0, RBP, 0x300)) \
    CASE("vmovdqu xmm2, xmmword ptr [rbp + 0x40]", jit_vex_rm(b, 2, 1, false, false, 0x6F, 2, 0, RBP, 0x40)) \
    CASE("vmovdqu ymm10, ymmword ptr [r12]", jit_vex_rm(b, 2, 1, false, true, 0x6F, 10, 0, R12, 0)) \
    CASE("vmovq xmm2, rcx", jit_vex_rr(b, 1, 1, true, false, 0x6E, 2, 0, RCX)) \
    CASE("vmovq xmm3, r9", jit_vex_rr(b, 1, 1, true, false, 0x6E, 3, 0, R9)) \
    CASE("vpunpcklqdq xmm2, xmm2, xmm3", jit_vex_rr(b, 1, 1, false, false, 0x6C, 2, 2, 3)) \
    CASE("vaddpd ymm0, ymm1, ymm2", jit_vex_rr(b, 1, 1, false, true, 0x58, 0, 1, 2)) \
    CASE("vaddsd xmm0, xmm1, xmm2", jit_vex_rr(b, 3, 1, false, false, 0x58, 0, 1, 2)) \
    CASE("vaddps ymm10, ymm11, ymm12", jit_vex_rr(b, 0, 1, false, true, 0x58, 10, 11, 12)) \
    CASE("vsqrtpd ymm0, ymm2", jit_vex_rr(b, 1, 1, false, true, 0x51, 0, 0, 2)) \
    CASE("vpsrld ymm0, ymm1, 3", (jit_vex_rr(b, 1, 1, false, true, 0x72, 2, 0, 1), jit_byte(b, 3))) \
    CASE("vpshufb ymm0, ymm1, ymm2", jit_vex_rr(b, 1, 2, false, true, 0x00, 0, 1, 2)) \
    CASE("vpalignr ymm0, ymm1, ymm2, 4", (jit_vex_rr(b, 1, 3, false, true, 0x0F, 0, 1, 2), jit_byte(b, 4))) \
    CASE("vcmpgt_oqps ymm0, ymm1, ymm2", (jit_vex_rr(b, 0, 1, false, true, 0xC2, 0, 1, 2), jit_byte(b, 0x1e))) \
    CASE("vcvtpd2ps xmm0, ymm2", jit_vex_rr(b, 1, 1, false, true, 0x5A, 0, 0, 2)) \
    CASE("vpinsrq xmm2, xmm2, r10, 1", (jit_vex_rr(b, 1, 3, true, false, 0x22, 2, 2, R10), jit_byte(b, 1))) \
    CASE("vinsertf128 ymm2, ymm2, xmm3, 1", (jit_vex_rr(b, 1, 3, false, true, 0x18, 2, 2, 3), jit_byte(b, 1))) \
    CASE("vpmovmskb eax, ymm2", jit_vex_rr(b, 1, 1, false, true, 0xD7, RAX, 0, 2)) \
    CASE("vpmovmskb r9d, xmm2", jit_vex_rr(b, 1, 1, false, false, 0xD7, R9, 0, 2)) \
    CASE("vmovmskpd r12d, ymm2", jit_vex_rr(b, 1, 1, false, true, 0x50, R12, 0, 2)) \
    CASE("vcvttsd2si r8, xmm2", jit_vex_rr(b, 3, 1, true, false, 0x2C, R8, 0, 2)) \
    CASE("vptest ymm0, ymm2", jit_vex_rr(b, 1, 2, false, true, 0x17, 0, 0, 2)) \
    CASE("ptest xmm0, xmm1", jit_sse_rr(b, 1, 2, false, 0x17, 0, 1)) \
    CASE("pcmpistri xmm1, xmm2, 0xc", (jit_sse_rr(b, 1, 3, false, 0x63, 1, 2), jit_byte(b, 0x0c))) \
    CASE("pcmpestri xmm1, xmm2, 0x18", (jit_sse_rr(b, 1, 3, false, 0x61, 1, 2), jit_byte(b, 0x18))) \
    CASE("pcmpestrm xmm1, xmm2, 0x40", (jit_sse_rr(b, 1, 3, true, 0x60, 1, 2), jit_byte(b, 0x40))) \
    CASE("vpcmpistrm xmm1, xmm2, 0x44", (jit_vex_rr(b, 1, 3, false, false, 0x62, 1, 0, 2), jit_byte(b, 0x44))) \
    CASE("vpcmpestri xmm1, xmm2, 0x3a", (jit_vex_rr(b, 1, 3, true, false, 0x61, 1, 0, 2), jit_byte(b, 0x3a))) \
    CASE("movdqu xmm0, xmmword ptr [r15 + rax]", jit_sse_rbi(b, 2, 1, false, 0x6F, 0, R15, RAX)) \
    CASE("movdqu xmmword ptr [r15 + r12], xmm4", jit_sse_rbi(b, 2, 1, false, 0x7F, 4, R15, R12)) \
    CASE("movdqu xmm9, xmmword ptr [r15 + r11]", jit_sse_rbi(b, 2, 1, false, 0x6F, 9, R15, R11)) \
    CASE("movdqu xmm1, xmmword ptr [r13 + rcx]", jit_sse_rbi(b, 2, 1, false, 0x6F, 1, R13, RCX)) \
    CASE("vmovdqu ymm0, ymmword ptr [r15 + rdx]", jit_vex_rbi(b, 2, 1, false, true, 0x6F, 0, 0, R15, RDX)) \
    CASE("vmovdqu ymmword ptr [r15 + r10], ymm0", jit_vex_rbi(b, 2, 1, false, true, 0x7F, 0, 0, R15, R10)) \
    CASE("vmovdqu ymmword ptr [rbx + r9], ymm12", jit_vex_rbi(b, 2, 1, false, true, 0x7F, 12, 0, RBX, R9)) \
    CASE("vmovdqu xmm1, xmmword ptr [rbp + r8]", jit_vex_rbi(b, 2, 1, false, false, 0x6F, 1, 0, RBP, R8)) \
    CASE("ldmxcsr dword ptr [rbp + 0x318]", jit_ldmxcsr(b, RBP, 0x318)) \
    CASE("stmxcsr dword ptr [rbp + 0x318]", jit_stmxcsr(b, RBP, 0x318)) \
    CASE("ldmxcsr dword ptr [r11]", jit_ldmxcsr(b, R11, 0)) \
    CASE("vzeroupper", jit_vzeroupper(b)) \
/* end */

JIT_EMIT_CASE_TABLE(VEC_EMIT_CASES)

START_TEST(test_encodings)
{
    jit_check_encoding(_i, wants[_i], emit_case);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("jit-vec-emit");
    TCase *tc = tcase_create("vec-emit");
    tcase_add_loop_test(tc, test_encodings, 0, (int)(sizeof(wants) / sizeof(wants[0])));
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
