/*
 * tests/unit/test-jit-emit.c — the JIT's x86-64 encoder against capstone.
 *
 * Each table line emits one instruction with emu/tcg/x86_64/emit.c and
 * checks that capstone decodes exactly those bytes as one instruction with
 * the expected text: REX bits, ModRM/SIB corner cases (rsp/r12 bases need a
 * SIB, rbp/r13 a displacement), byte registers needing REX, prefixes, VEX.
 * Compiled with emit.c alone.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <capstone/capstone.h>

#include "emu/tcg/x86_64/emit.h"
#include "jit-emit-check.h"

/* CASE(capstone's "mnemonic op_str", code emitting into JitBuf *b) */
#define EMIT_CASES(CASE) \
    CASE("mov rax, r13", jit_mov_rr(b, RAX, R13)) \
    CASE("mov r8, rdi", jit_mov_rr(b, R8, RDI)) \
    CASE("mov ecx, 5", jit_movi(b, RCX, 5)) \
    CASE("mov r9d, 0xffffffff", jit_movi(b, R9, 0xffffffffu)) \
    CASE("mov r9, -1", jit_movi(b, R9, (uint64_t)-1)) \
    CASE("movabs rdx, 0x123456789", jit_movi(b, RDX, 0x123456789ull)) \
    CASE("movabs r12, 0x8000000000000000", jit_movi(b, R12, 0x8000000000000000ull)) \
    CASE("mov rbx, qword ptr [rbp + 0x10]", jit_ld64(b, RBX, RBP, 0x10)) \
    CASE("mov rax, qword ptr [rbp + 0x400]", jit_ld64(b, RAX, RBP, 0x400)) \
    CASE("mov rax, qword ptr [r12]", jit_ld64(b, RAX, R12, 0)) \
    CASE("mov rax, qword ptr [r13]", jit_ld64(b, RAX, R13, 0)) \
    CASE("mov rsi, qword ptr [rsp + 0x200]", jit_ld64(b, RSI, RSP, 0x200)) \
    CASE("mov r11, qword ptr [r11]", jit_ld64(b, R11, R11, 0)) \
    CASE("mov qword ptr [rbp - 8], r10", jit_st64(b, R10, RBP, -8)) \
    CASE("mov qword ptr [rsp + 0x48], rax", jit_st64(b, RAX, RSP, 0x48)) \
    CASE("mov qword ptr [rbp + 0x80], -1", jit_st64i(b, RBP, 0x80, -1)) \
    CASE("add r8, 1", jit_alu_ri(b, P_W, EXT_ADD, R8, 1)) \
    CASE("cmp rax, 0x1000", jit_alu_ri(b, P_W, EXT_CMP, RAX, 0x1000)) \
    CASE("sub rsp, 8", jit_alu_ri(b, P_W, EXT_SUB, RSP, 8)) \
    CASE("and r13, 0xfffffffffffffff0", jit_alu_ri(b, P_W, EXT_AND, R13, -16)) \
    CASE("xor r11, 0x3f", jit_alu_ri(b, P_W, EXT_XOR, R11, 63)) \
    CASE("or rdi, 0x12345", jit_alu_ri(b, P_W, EXT_OR, RDI, 0x12345)) \
    CASE("sub rdi, r15", jit_op_rr(b, P_W | OPC_SUB, RDI, R15)) \
    CASE("add rax, rax", jit_op_rr(b, P_W | OPC_ADD, RAX, RAX)) \
    CASE("cmp r12, r14", jit_op_rr(b, P_W | OPC_CMP, R12, R14)) \
    CASE("imul r12, rcx", jit_op_rr(b, P_W | OPC_IMUL, R12, RCX)) \
    CASE("imul rax, rbx, 0x64", jit_imul_ri(b, RAX, RBX, 100)) \
    CASE("imul r11, r11, 0x12340", jit_imul_ri(b, R11, R11, 0x12340)) \
    CASE("shl rdx, 3", jit_shift_ri(b, P_W, EXT_SHL, RDX, 3)) \
    CASE("sar r11, 1", jit_shift_ri(b, P_W, EXT_SAR, R11, 1)) \
    CASE("shr r9, 0x3f", jit_shift_ri(b, P_W, EXT_SHR, R9, 63)) \
    CASE("ror rbx, 0x20", jit_shift_ri(b, P_W, EXT_ROR, RBX, 32)) \
    CASE("rol esi, 7", jit_shift_ri(b, 0, EXT_ROL, RSI, 7)) \
    CASE("rol ax, 8", jit_shift_ri(b, P_66, EXT_ROL, RAX, 8)) \
    CASE("neg r14", jit_unary(b, EXT_NEG, R14)) \
    CASE("not rcx", jit_unary(b, EXT_NOT, RCX)) \
    CASE("mul rbx", jit_unary(b, EXT_MUL, RBX)) \
    CASE("imul r10", jit_unary(b, EXT_IMUL, R10)) \
    CASE("movzx eax, sil", jit_op_rr(b, P_BREG | OPC_MOVZB, RAX, RSI)) \
    CASE("movzx r8d, bl", jit_op_rr(b, P_BREG | OPC_MOVZB, R8, RBX)) \
    CASE("movsx r9, dil", jit_op_rr(b, P_W | P_BREG | OPC_MOVSB, R9, RDI)) \
    CASE("movzx edx, r12w", jit_op_rr(b, OPC_MOVZW, RDX, R12)) \
    CASE("movsx rax, cx", jit_op_rr(b, P_W | OPC_MOVSW, RAX, RCX)) \
    CASE("movsxd rax, r10d", jit_op_rr(b, P_W | OPC_MOVSXD, RAX, R10)) \
    CASE("mov ecx, ecx", jit_op_rr(b, OPC_MOV_LD, RCX, RCX)) \
    CASE("bswap r12", jit_bswap(b, P_W, R12)) \
    CASE("bswap eax", jit_bswap(b, 0, RAX)) \
    CASE("popcnt rax, r13", jit_op_rr(b, P_W | OPC_POPCNT, RAX, R13)) \
    CASE("bsr r11, rax", jit_op_rr(b, P_W | OPC_BSR, R11, RAX)) \
    CASE("bsf r11, r9", jit_op_rr(b, P_W | OPC_BSF, R11, R9)) \
    CASE("cmove r11, rdx", jit_op_rr(b, P_W | OPC_CMOV(JCC_E), R11, RDX)) \
    CASE("cmovg rax, r8", jit_op_rr(b, P_W | OPC_CMOV(JCC_G), RAX, R8)) \
    CASE("setl r11b", jit_op_rr(b, OPC_SET(JCC_L), 0, R11)) \
    CASE("seta r11b", jit_op_rr(b, OPC_SET(JCC_A), 0, R11)) \
    CASE("test rax, 0x10", jit_test_ri(b, RAX, 0x10)) \
    CASE("test r9, rax", jit_op_rr(b, P_W | OPC_TEST, RAX, R9)) \
    CASE("mov rax, qword ptr [r15 + rbx]", jit_op_rbi(b, P_W | OPC_MOV_LD, RAX, R15, RBX)) \
    CASE("mov r13, qword ptr [r15 + r13]", jit_op_rbi(b, P_W | OPC_MOV_LD, R13, R15, R13)) \
    CASE("mov byte ptr [r15 + r13], sil", jit_op_rbi(b, P_BREG | OPC_MOV_ST8, RSI, R15, R13)) \
    CASE("mov byte ptr [r15 + rax], cl", jit_op_rbi(b, P_BREG | OPC_MOV_ST8, RCX, R15, RAX)) \
    CASE("mov word ptr [r15 + rcx], ax", jit_op_rbi(b, P_66 | OPC_MOV_ST, RAX, R15, RCX)) \
    CASE("mov dword ptr [r15 + r10], r9d", jit_op_rbi(b, OPC_MOV_ST, R9, R15, R10)) \
    CASE("mov qword ptr [r15 + rdi], r12", jit_op_rbi(b, P_W | OPC_MOV_ST, R12, R15, RDI)) \
    CASE("movzx edx, word ptr [r15 + rax]", jit_op_rbi(b, OPC_MOVZW, RDX, R15, RAX)) \
    CASE("movzx ebx, byte ptr [r15 + rsi]", jit_op_rbi(b, OPC_MOVZB, RBX, R15, RSI)) \
    CASE("movsx rbx, byte ptr [r15 + rsi]", jit_op_rbi(b, P_W | OPC_MOVSB, RBX, R15, RSI)) \
    CASE("movsxd rdx, dword ptr [r15 + r8]", jit_op_rbi(b, P_W | OPC_MOVSXD, RDX, R15, R8)) \
    CASE("mov eax, dword ptr [r13 + rax]", jit_op_rbi(b, OPC_MOV_LD, RAX, R13, RAX)) \
    CASE("movsxd r11, dword ptr [rbp + 0x2a0]", jit_op_rm(b, P_W | OPC_MOVSXD, R11, RBP, 0x2a0)) \
    CASE("lea rax, [rcx + rdx*4]", jit_lea_sib(b, P_W, RAX, RCX, RDX, 2, 0)) \
    CASE("lea r9d, [r13 + r12*8 + 0x10]", jit_lea_sib(b, 0, R9, R13, R12, 3, 0x10)) \
    CASE("lea rsi, [rbp + rbx*2 - 0x1000]", jit_lea_sib(b, P_W, RSI, RBP, RBX, 1, -0x1000)) \
    CASE("lea r10, [r12 + r8]", jit_lea_sib(b, P_W, R10, R12, R8, 0, 0)) \
    CASE("lea rdi, [rax*8 + 0x4000]", jit_lea_sib(b, P_W, RDI, -1, RAX, 3, 0x4000)) \
    CASE("lea ecx, [r11*4 - 8]", jit_lea_sib(b, 0, RCX, -1, R11, 2, -8)) \
    CASE("mov byte ptr [r15 + rdi], 1", jit_st_imm(b, 0, R15, RDI, 0, 1)) \
    CASE("mov word ptr [r15 + r9], 0xfffe", jit_st_imm(b, 1, R15, R9, 0, -2)) \
    CASE("mov dword ptr [r15 + rax], 0x7fff", jit_st_imm(b, 2, R15, RAX, 0, 0x7fff)) \
    CASE("mov qword ptr [r15 + r12], -0x8000", jit_st_imm(b, 3, R15, R12, 0, -0x8000)) \
    CASE("mov qword ptr [r15 + 0x601040], 0", jit_st_imm(b, 3, R15, -1, 0x601040, 0)) \
    CASE("shlx rax, rbx, rcx", jit_shiftx(b, EXT_SHL, RAX, RBX, RCX)) \
    CASE("shrx r9, r10, r11", jit_shiftx(b, EXT_SHR, R9, R10, R11)) \
    CASE("sarx r12, rdx, r13", jit_shiftx(b, EXT_SAR, R12, RDX, R13)) \
    CASE("push r15", jit_push(b, R15)) \
    CASE("push rbx", jit_push(b, RBX)) \
    CASE("pop rbx", jit_pop(b, RBX)) \
    CASE("pop r12", jit_pop(b, R12)) \
    CASE("call r11", jit_call_r(b, R11)) \
    CASE("jmp rsi", jit_jmp_r(b, RSI)) \
    CASE("mfence", jit_mfence(b)) \
    CASE("ret", jit_ret(b)) \
    CASE("ja 0x1020", jit_patch_rel32(b, jit_jcc32(b, JCC_A), 0x20)) \
    CASE("jne 0x1000", jit_patch_rel32(b, jit_jcc32(b, JCC_NE), 0)) \
    CASE("jmp 0x1100", jit_patch_rel32(b, jit_jmp32(b), 0x100)) \
/* end */

JIT_EMIT_CASE_TABLE(EMIT_CASES)

START_TEST(test_encodings)
{
    jit_check_encoding(_i, wants[_i], emit_case);
}
END_TEST

/* Bytes past the end are counted, not written, and reported. */
START_TEST(test_overflow)
{
    uint8_t buf[8];
    memset(buf, 0xAA, sizeof(buf));
    JitBuf b = { .start = buf, .p = buf, .end = buf + 4 };
    jit_movi(&b, RAX, 0x123456789ull);   /* 10 bytes */
    ck_assert(b.overflow);
    ck_assert_int_eq((int)(b.p - b.start), 10);
    ck_assert_uint_eq(buf[4], 0xAA);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("jit-emit");
    TCase *tc = tcase_create("emit");
    tcase_add_loop_test(tc, test_encodings, 0, (int)(sizeof(wants) / sizeof(wants[0])));
    tcase_add_test(tc, test_overflow);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
