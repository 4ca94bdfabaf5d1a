/*
 * tests/unit/test-decode.c — the x86_64 decoder: encodings -> decoded
 * fields (prefixes, REX, byte registers, addressing forms, immediates,
 * branch targets, groups, SSE mandatory prefixes, x87, VEX, EVEX, invalid
 * and truncated encodings, the 15-byte limit), properties over random
 * bytes, a cross-check against capstone on real binaries
 * (test-decode-xcheck.c), and the capstone wrapper disas.c.
 */
#include <check.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib.h>

#include "emu/cpu.h"
#include "emu/x86/decode.h"
#include "emu/x86/disas.h"
#include "test-decode.h"

/* Decode a hex string ("48 89 e5") at pc; returns x86_decode's result. */
static int dec_at(const char *hex, uint64_t pc, X86Insn *insn)
{
    uint8_t buf[64];
    size_t n = 0;
    for (const char *p = hex; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        ck_assert(g_ascii_isxdigit(p[0]) && g_ascii_isxdigit(p[1]));
        ck_assert_uint_lt(n, sizeof(buf));
        buf[n++] = g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]);
        p += 2;
    }
    int r = x86_decode(buf, n, pc, insn);
    /* the length-only entry point must agree */
    ck_assert_int_eq(x86_insn_length(buf, n), r);
    return r;
}

static int dec(const char *hex, X86Insn *insn)
{
    return dec_at(hex, 0x401000, insn);
}

/* Decode and check length and mnemonic. */
#define DEC(hex, len_, mn_) do {                                             \
        int r_ = dec(hex, &insn);                                            \
        ck_assert_msg(r_ == (len_), "%s: length %d, expected %d", hex, r_,   \
                      (int)(len_));                                          \
        ck_assert_msg(insn.mnemonic == X86_MN_##mn_, "%s: %s, expected %s",  \
                      hex, x86_mnemonic_names[insn.mnemonic], #mn_);         \
    } while (0)

#define CHECK_OP(i, kind_, reg_, size_) do {                                 \
        ck_assert_int_eq(insn.ops[i].kind, X86_OPK_##kind_);                 \
        ck_assert_int_eq(insn.ops[i].reg, (reg_));                           \
        ck_assert_int_eq(insn.ops[i].size, (size_));                         \
    } while (0)

#define CHECK_IMM(i, val, size_) do {                                        \
        ck_assert_int_eq(insn.ops[i].kind, X86_OPK_IMM);                     \
        ck_assert_int_eq(insn.ops[i].imm, (int64_t)(val));                   \
        ck_assert_int_eq(insn.ops[i].size, (size_));                         \
    } while (0)

#define CHECK_MEM(base_, index_, scale_, disp_) do {                         \
        ck_assert(insn.has_mem);                                             \
        ck_assert_int_eq(insn.mem.base, (base_));                            \
        ck_assert_int_eq(insn.mem.index, (index_));                          \
        ck_assert_int_eq(insn.mem.scale, (scale_));                          \
        ck_assert_int_eq(insn.mem.disp, (int64_t)(disp_));                   \
    } while (0)

START_TEST(test_mnemonic_table)
{
    ck_assert_str_eq(x86_mnemonic_names[X86_MN_UNKNOWN], "UNKNOWN");
    ck_assert_int_eq(X86_MN_UNKNOWN, 0);
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (int i = 0; i < X86_MN_NB; i++) {
        ck_assert_ptr_nonnull(x86_mnemonic_names[i]);
        ck_assert_msg(!g_hash_table_contains(seen, x86_mnemonic_names[i]),
                      "duplicate %s", x86_mnemonic_names[i]);
        g_hash_table_add(seen, (gpointer)x86_mnemonic_names[i]);
    }
    g_hash_table_destroy(seen);
}
END_TEST

START_TEST(test_basic_gpr)
{
    X86Insn insn;
    DEC("48 89 e5", 3, MOV);                     /* mov rbp, rsp */
    ck_assert_int_eq(insn.nb_ops, 2);
    CHECK_OP(0, GPR, R_EBP, 8);
    CHECK_OP(1, GPR, R_ESP, 8);
    ck_assert_int_eq(insn.opsize, 8);
    ck_assert_int_eq(insn.rex, 0x48);
    ck_assert(insn.prefixes & X86_PREFIX_REX);
    ck_assert_int_eq(insn.map, X86_MAP_ONE);
    ck_assert_int_eq(insn.opcode, 0x89);
    ck_assert(insn.has_modrm);
    ck_assert_int_eq(insn.modrm, 0xe5);
    ck_assert_uint_eq(insn.pc, 0x401000);
    ck_assert_int_eq(insn.len, 3);
    ck_assert_int_eq(insn.bytes[2], 0xe5);

    DEC("4d 01 c8", 3, ADD);                     /* add r8, r9 */
    CHECK_OP(0, GPR, 8, 8);
    CHECK_OP(1, GPR, 9, 8);
    DEC("01 c8", 2, ADD);                        /* add eax, ecx */
    ck_assert_int_eq(insn.opsize, 4);
    CHECK_OP(0, GPR, R_EAX, 4);
    DEC("05 78 56 34 12", 5, ADD);               /* add eax, 0x12345678 */
    CHECK_OP(0, GPR, R_EAX, 4);
    CHECK_IMM(1, 0x12345678, 4);
    DEC("a8 80", 2, TEST);                       /* test al, 0x80 */
    CHECK_OP(0, GPR, R_EAX, 1);
    ck_assert_int_eq(insn.opsize, 1);
    ck_assert_int_eq(insn.ops[1].imm & 0xff, 0x80);
    DEC("48 0f b6 c1", 4, MOVZX);                /* movzx rax, cl */
    CHECK_OP(0, GPR, R_EAX, 8);
    CHECK_OP(1, GPR, R_ECX, 1);
    ck_assert_int_eq(insn.opsize, 8);
    DEC("0f bf c1", 3, MOVSX);                   /* movsx eax, cx */
    CHECK_OP(1, GPR, R_ECX, 2);
    DEC("48 63 c7", 3, MOVSXD);                  /* movsxd rax, edi */
    CHECK_OP(0, GPR, R_EAX, 8);
    CHECK_OP(1, GPR, R_EDI, 4);
    DEC("0f c8", 2, BSWAP);                      /* bswap eax */
    DEC("49 0f cc", 3, BSWAP);                   /* bswap r12 */
    CHECK_OP(0, GPR, 12, 8);
}
END_TEST

START_TEST(test_byte_regs)
{
    X86Insn insn;
    DEC("88 e0", 2, MOV);                        /* mov al, ah */
    CHECK_OP(0, GPR, R_EAX, 1);
    ck_assert(!insn.ops[0].hi8);
    CHECK_OP(1, GPR, R_EAX, 1);
    ck_assert(insn.ops[1].hi8);
    DEC("88 fc", 2, MOV);                        /* mov ah, bh */
    CHECK_OP(0, GPR, R_EAX, 1);
    ck_assert(insn.ops[0].hi8);
    CHECK_OP(1, GPR, R_EBX, 1);
    ck_assert(insn.ops[1].hi8);
    DEC("40 88 e0", 3, MOV);                     /* mov al, spl */
    CHECK_OP(1, GPR, R_ESP, 1);
    ck_assert(!insn.ops[1].hi8);
    DEC("40 88 fc", 3, MOV);                     /* mov spl, dil */
    CHECK_OP(0, GPR, R_ESP, 1);
    CHECK_OP(1, GPR, R_EDI, 1);
    ck_assert(!insn.ops[0].hi8 && !insn.ops[1].hi8);
    DEC("44 88 f8", 3, MOV);                     /* mov al, r15b */
    CHECK_OP(1, GPR, 15, 1);
    DEC("b4 12", 2, MOV);                        /* mov ah, 0x12 */
    CHECK_OP(0, GPR, R_EAX, 1);
    ck_assert(insn.ops[0].hi8);
    DEC("41 b4 12", 3, MOV);                     /* mov r12b, 0x12 */
    CHECK_OP(0, GPR, 12, 1);
    ck_assert(!insn.ops[0].hi8);
    DEC("0f 94 c7", 3, SETCC);                   /* sete bh */
    CHECK_OP(0, GPR, R_EBX, 1);
    ck_assert(insn.ops[0].hi8);
    DEC("0f b6 c4", 3, MOVZX);                   /* movzx eax, ah */
    CHECK_OP(1, GPR, R_EAX, 1);
    ck_assert(insn.ops[1].hi8);
}
END_TEST

START_TEST(test_prefixes)
{
    X86Insn insn;
    DEC("66 01 c0", 3, ADD);                     /* add ax, ax */
    ck_assert_int_eq(insn.opsize, 2);
    CHECK_OP(0, GPR, R_EAX, 2);
    DEC("66 48 01 c0", 4, ADD);                  /* REX.W beats 66 */
    ck_assert_int_eq(insn.opsize, 8);
    DEC("48 66 01 c0", 4, ADD);                  /* REX not last: ignored */
    ck_assert_int_eq(insn.opsize, 2);
    ck_assert_int_eq(insn.rex, 0);
    DEC("41 48 01 c0", 4, ADD);                  /* only the last REX counts */
    CHECK_OP(0, GPR, R_EAX, 8);
    DEC("66 66 66 01 c0", 5, ADD);               /* repeated prefixes */
    ck_assert_int_eq(insn.opsize, 2);
    DEC("f0 01 00", 3, ADD);                     /* lock add [rax], eax */
    ck_assert(insn.prefixes & X86_PREFIX_LOCK);
    DEC("f0 66 0f b1 0a", 5, CMPXCHG);           /* lock cmpxchg [rdx], cx */
    ck_assert_int_eq(insn.opsize, 2);
    /* segment overrides: the last one wins, only FS/GS matter */
    DEC("64 48 8b 04 25 28 00 00 00", 9, MOV);   /* mov rax, fs:[0x28] */
    ck_assert_int_eq(insn.mem.seg, R_FS);
    CHECK_MEM(X86_REG_NONE, X86_REG_NONE, 0, 0x28);
    DEC("65 8b 00", 3, MOV);
    ck_assert_int_eq(insn.mem.seg, R_GS);
    DEC("64 2e 8b 00", 4, MOV);
    ck_assert_int_eq(insn.mem.seg, -1);
    DEC("2e 64 8b 00", 4, MOV);
    ck_assert_int_eq(insn.mem.seg, R_FS);
    DEC("3e 8b 00", 3, MOV);
    ck_assert_int_eq(insn.mem.seg, -1);
    /* SSE mandatory prefix: the last of F2/F3 wins, else 66 */
    DEC("0f 58 c1", 3, ADDPS);
    DEC("66 0f 58 c1", 4, ADDPD);
    DEC("f3 0f 58 c1", 4, ADDSS);
    DEC("f2 0f 58 c1", 4, ADDSD);
    DEC("66 f3 f2 0f 58 c1", 6, ADDSD);
    DEC("f2 66 f3 0f 58 c1", 6, ADDSS);
    DEC("f3 66 0f 58 c1", 5, ADDSS);
    DEC("66 f2 48 0f 2a c0", 6, CVTSI2SD);       /* cvtsi2sd xmm0, rax */
    CHECK_OP(1, GPR, R_EAX, 8);
    /* F3 as a mandatory prefix on general-purpose instructions */
    DEC("f3 48 0f b8 c1", 5, POPCNT);
    ck_assert_int_eq(insn.opsize, 8);
    DEC("66 f3 0f b8 c1", 5, POPCNT);            /* popcnt ax, cx */
    ck_assert_int_eq(insn.opsize, 2);
    DEC("0f bc c1", 3, BSF);
    DEC("f3 0f bc c1", 4, TZCNT);
    DEC("f3 0f bd c1", 4, LZCNT);
    DEC("f2 48 0f 38 f1 c1", 6, CRC32);          /* crc32 rax, rcx */
    CHECK_OP(0, GPR, R_EAX, 8);
    CHECK_OP(1, GPR, R_ECX, 8);
    DEC("66 f2 0f 38 f1 c1", 6, CRC32);          /* crc32 eax, cx */
    CHECK_OP(0, GPR, R_EAX, 4);
    CHECK_OP(1, GPR, R_ECX, 2);
    DEC("f2 0f 38 f0 c1", 5, CRC32);             /* crc32 eax, cl */
    CHECK_OP(1, GPR, R_ECX, 1);
    DEC("0f 38 f0 07", 4, MOVBE);                /* movbe eax, [rdi] */
    DEC("66 0f 38 f1 07", 5, MOVBE);             /* movbe [rdi], ax */
    ck_assert_int_eq(insn.opsize, 2);
    /* F2 on branches (BND) is ignored */
    DEC("f2 e9 00 00 00 00", 6, JMP);
    DEC("f2 c3", 2, RET);
    DEC("3e ff e0", 3, JMP);                     /* notrack jmp rax */
    CHECK_OP(0, GPR, R_EAX, 8);
}
END_TEST

START_TEST(test_addressing)
{
    X86Insn insn;
    DEC("8b 00", 2, MOV);                        /* [rax] */
    CHECK_MEM(R_EAX, X86_REG_NONE, 0, 0);
    CHECK_OP(1, MEM, 0, 4);
    ck_assert_int_eq(insn.mem.addr_size, 8);
    DEC("8b 04 24", 3, MOV);                     /* [rsp] */
    CHECK_MEM(R_ESP, X86_REG_NONE, 0, 0);
    DEC("8b 04 25 78 56 34 12", 7, MOV);         /* [0x12345678]: no base */
    CHECK_MEM(X86_REG_NONE, X86_REG_NONE, 0, 0x12345678);
    DEC("8b 04 a5 f0 ff ff ff", 7, MOV);         /* index 100 = none */
    CHECK_MEM(X86_REG_NONE, X86_REG_NONE, 2, -16);
    DEC("42 8b 04 20", 4, MOV);                  /* [rax + r12]: REX.X */
    CHECK_MEM(R_EAX, 12, 0, 0);
    DEC("8b 44 8d 08", 4, MOV);                  /* [rbp + rcx*4 + 8] */
    CHECK_MEM(R_EBP, R_ECX, 2, 8);
    DEC("8b 44 cd f8", 4, MOV);                  /* [rbp + rcx*8 - 8] */
    CHECK_MEM(R_EBP, R_ECX, 3, -8);
    DEC("41 8b 04 24", 4, MOV);                  /* [r12]: needs a SIB */
    CHECK_MEM(12, X86_REG_NONE, 0, 0);
    DEC("41 8b 45 00", 4, MOV);                  /* [r13 + 0]: needs disp8 */
    CHECK_MEM(13, X86_REG_NONE, 0, 0);
    DEC("41 8b 04 25 00 10 00 00", 8, MOV);      /* SIB base 101, mod 00: no base even with REX.B */
    CHECK_MEM(X86_REG_NONE, X86_REG_NONE, 0, 0x1000);
    DEC("43 8b 04 2c", 4, MOV);                  /* [r12 + r13] */
    CHECK_MEM(12, 13, 0, 0);
    DEC("8b 45 00", 3, MOV);                     /* [rbp + 0] */
    CHECK_MEM(R_EBP, X86_REG_NONE, 0, 0);
    DEC("8b 80 00 01 00 00", 6, MOV);            /* [rax + 0x100] */
    CHECK_MEM(R_EAX, X86_REG_NONE, 0, 0x100);
    DEC("8b 80 00 00 00 80", 6, MOV);            /* disp32 is signed */
    CHECK_MEM(R_EAX, X86_REG_NONE, 0, -0x80000000ll);
    /* RIP-relative: mod 00 rm 101 */
    ck_assert_int_eq(dec_at("48 8b 05 10 00 00 00", 0x1000, &insn), 7);
    CHECK_MEM(X86_REG_RIP, X86_REG_NONE, 0, 0x10);
    ck_assert_int_eq(dec_at("48 8d 0d f9 ff ff ff", 0x1000, &insn), 7);
    ck_assert_int_eq(insn.mnemonic, X86_MN_LEA);
    CHECK_MEM(X86_REG_RIP, X86_REG_NONE, 0, -7);
    CHECK_OP(1, MEM, 0, 0);                      /* LEA: no access */
    DEC("41 8b 05 00 00 00 00", 7, MOV);         /* REX.B doesn't change RIP-relative */
    CHECK_MEM(X86_REG_RIP, X86_REG_NONE, 0, 0);
    /* a RIP-relative operand followed by an immediate */
    DEC("c7 05 00 01 00 00 2a 00 00 00", 10, MOV);
    CHECK_MEM(X86_REG_RIP, X86_REG_NONE, 0, 0x100);
    CHECK_IMM(1, 42, 4);
    DEC("80 3d 00 01 00 00 05", 7, CMP);
    CHECK_IMM(1, 5, 1);
    /* 0x67: 32-bit addressing */
    DEC("67 8b 00", 3, MOV);                     /* [eax] */
    CHECK_MEM(R_EAX, X86_REG_NONE, 0, 0);
    ck_assert_int_eq(insn.mem.addr_size, 4);
    DEC("67 8b 05 00 00 00 00", 7, MOV);         /* [eip + 0] */
    ck_assert_int_eq(insn.mem.base, X86_REG_RIP);
    ck_assert_int_eq(insn.mem.addr_size, 4);
    DEC("67 8d 04 0a", 4, LEA);                  /* lea eax, [edx + ecx] */
    CHECK_MEM(R_EDX, R_ECX, 0, 0);
    ck_assert_int_eq(insn.mem.addr_size, 4);
    /* moffs */
    DEC("48 a1 88 77 66 55 44 33 22 11", 10, MOV);
    CHECK_OP(0, GPR, R_EAX, 8);
    CHECK_OP(1, MEM, 0, 8);
    CHECK_MEM(X86_REG_NONE, X86_REG_NONE, 0, 0x1122334455667788ll);
    DEC("67 a2 44 33 22 11", 6, MOV);            /* mov [0x11223344], al (addr32) */
    CHECK_OP(0, MEM, 0, 1);
    ck_assert_int_eq(insn.mem.disp, 0x11223344);
    DEC("64 a1 00 00 00 00 00 00 00 00", 10, MOV);
    ck_assert_int_eq(insn.mem.seg, R_FS);
}
END_TEST

START_TEST(test_immediates)
{
    X86Insn insn;
    DEC("83 c0 ff", 3, ADD);                     /* add eax, -1 */
    CHECK_IMM(1, -1, 4);
    DEC("48 83 c0 80", 4, ADD);                  /* add rax, -128 */
    CHECK_IMM(1, -128, 8);
    DEC("48 81 c0 00 00 00 80", 7, ADD);         /* add rax, sext(0x80000000) */
    CHECK_IMM(1, (int64_t)0xffffffff80000000ull, 8);
    DEC("66 81 c0 34 12", 5, ADD);               /* add ax, 0x1234: Iz is 2 bytes */
    CHECK_IMM(1, 0x1234, 2);
    DEC("66 05 ff ff", 4, ADD);                  /* add ax, 0xffff */
    ck_assert_int_eq(insn.ops[1].imm & 0xffff, 0xffff);
    DEC("6b c0 fe", 3, IMUL);                    /* imul eax, eax, -2 */
    ck_assert_int_eq(insn.nb_ops, 3);
    CHECK_IMM(2, -2, 4);
    DEC("69 c0 00 01 00 00", 6, IMUL);
    CHECK_IMM(2, 256, 4);
    DEC("6a ff", 2, PUSH);                       /* push -1 (64-bit) */
    CHECK_IMM(0, -1, 8);
    ck_assert_int_eq(insn.opsize, 8);
    DEC("68 00 00 00 80", 5, PUSH);
    CHECK_IMM(0, (int64_t)0xffffffff80000000ull, 8);
    DEC("48 c7 c0 ff ff ff ff", 7, MOV);         /* mov rax, -1 */
    CHECK_IMM(1, -1, 8);
    DEC("48 b8 88 77 66 55 44 33 22 11", 10, MOV);   /* movabs */
    CHECK_IMM(1, 0x1122334455667788ll, 8);
    DEC("b8 ff ff ff ff", 5, MOV);               /* mov eax, 0xffffffff */
    ck_assert_int_eq(insn.ops[1].size, 4);
    ck_assert_uint_eq((uint32_t)insn.ops[1].imm, 0xffffffffu);
    DEC("66 b8 34 12", 4, MOV);
    CHECK_IMM(1, 0x1234, 2);
    DEC("41 b8 01 00 00 00", 6, MOV);            /* mov r8d, 1 */
    CHECK_OP(0, GPR, 8, 4);
    /* zero-extended: shift counts, ENTER, INT, ports, SSE imm8 */
    DEC("c1 e0 ff", 3, SHL);
    CHECK_IMM(1, 0xff, 1);
    DEC("c8 10 00 ff", 4, ENTER);                /* enter 16, 255 */
    CHECK_IMM(0, 16, 2);
    CHECK_IMM(1, 255, 1);
    DEC("cd 80", 2, INT);
    CHECK_IMM(0, 0x80, 1);
    DEC("e4 f0", 2, IN);                         /* in al, 0xf0 */
    CHECK_OP(0, GPR, R_EAX, 1);
    CHECK_IMM(1, 0xf0, 1);
    DEC("ed", 1, IN);                            /* in eax, dx */
    CHECK_OP(0, GPR, R_EAX, 4);
    CHECK_OP(1, GPR, R_EDX, 2);
    DEC("c2 08 00", 3, RET);
    CHECK_IMM(0, 8, 2);
    DEC("66 0f 70 c1 ff", 5, PSHUFD);
    CHECK_IMM(2, 0xff, 1);
    /* implicit shift operands: 1 and CL */
    DEC("d1 e0", 2, SHL);
    CHECK_IMM(1, 1, 1);
    DEC("48 d3 f8", 3, SAR);
    CHECK_OP(0, GPR, R_EAX, 8);
    CHECK_OP(1, GPR, R_ECX, 1);
    DEC("d0 f0", 2, SHL);                        /* /6 is SAL = SHL */
}
END_TEST

START_TEST(test_branches)
{
    X86Insn insn;
    ck_assert_int_eq(dec_at("eb fe", 0x1000, &insn), 2);
    ck_assert_int_eq(insn.mnemonic, X86_MN_JMP);
    ck_assert_int_eq(insn.ops[0].kind, X86_OPK_REL);
    ck_assert_int_eq(insn.ops[0].imm, 0x1000);
    ck_assert_int_eq(dec_at("e8 00 00 00 00", 0x2000, &insn), 5);
    ck_assert_int_eq(insn.mnemonic, X86_MN_CALL);
    ck_assert_int_eq(insn.ops[0].imm, 0x2005);
    ck_assert_int_eq(insn.opsize, 8);
    ck_assert_int_eq(dec_at("0f 84 f0 ff ff ff", 0x3000, &insn), 6);
    ck_assert_int_eq(insn.mnemonic, X86_MN_JCC);
    ck_assert_int_eq(insn.cond, 4);
    ck_assert_int_eq(insn.ops[0].imm, 0x3006 - 0x10);
    ck_assert_int_eq(dec_at("70 10", 0x10, &insn), 2);
    ck_assert_int_eq(insn.cond, 0);
    ck_assert_int_eq(insn.ops[0].imm, 0x22);
    ck_assert_int_eq(dec_at("7f 80", 0x1000, &insn), 2);
    ck_assert_int_eq(insn.cond, 15);
    ck_assert_int_eq(insn.ops[0].imm, 0x1002 - 128);
    ck_assert_int_eq(dec_at("e3 00", 0x1000, &insn), 2);
    ck_assert_int_eq(insn.mnemonic, X86_MN_JRCXZ);
    ck_assert_int_eq(dec_at("e2 fe", 0x1000, &insn), 2);
    ck_assert_int_eq(insn.mnemonic, X86_MN_LOOP);
    ck_assert_int_eq(insn.ops[0].imm, 0x1000);
    /* a RIP-relative target after prefixes */
    ck_assert_int_eq(dec_at("f2 0f 85 00 00 00 00", 0x1000, &insn), 7);
    ck_assert_int_eq(insn.ops[0].imm, 0x1007);
    DEC("ff d0", 2, CALL);                       /* call rax */
    CHECK_OP(0, GPR, R_EAX, 8);
    DEC("41 ff e3", 3, JMP);                     /* jmp r11 */
    CHECK_OP(0, GPR, 11, 8);
    DEC("ff 25 00 00 00 00", 6, JMP);            /* jmp [rip] */
    CHECK_OP(0, MEM, 0, 8);
    DEC("ff 1c 24", 3, CALLF);
    DEC("c3", 1, RET);
    DEC("48 0f 4c c1", 4, CMOVCC);               /* cmovl rax, rcx */
    ck_assert_int_eq(insn.cond, 12);
    DEC("0f 94 c0", 3, SETCC);
    ck_assert_int_eq(insn.cond, 4);
    CHECK_OP(0, GPR, R_EAX, 1);
}
END_TEST

START_TEST(test_groups_misc)
{
    X86Insn insn;
    DEC("f7 d8", 2, NEG);
    DEC("f7 e1", 2, MUL);
    CHECK_OP(0, GPR, R_ECX, 4);
    DEC("48 f7 f9", 3, IDIV);
    DEC("f6 c1 01", 3, TEST);
    CHECK_IMM(1, 1, 1);
    DEC("f7 c1 00 01 00 00", 6, TEST);
    DEC("fe c8", 2, DEC);
    DEC("ff c0", 2, INC);
    DEC("80 38 05", 3, CMP);
    CHECK_OP(0, MEM, 0, 1);
    DEC("0f ba e0 05", 4, BT);
    CHECK_IMM(1, 5, 1);
    DEC("f0 0f ba 28 05", 5, BTS);
    DEC("8f c0", 2, POP);
    ck_assert_int_eq(insn.opsize, 8);
    DEC("50", 1, PUSH);
    CHECK_OP(0, GPR, R_EAX, 8);
    DEC("66 50", 2, PUSH);
    ck_assert_int_eq(insn.opsize, 2);
    DEC("41 5f", 2, POP);
    CHECK_OP(0, GPR, 15, 8);
    DEC("0f a0", 2, PUSH);
    CHECK_OP(0, SEG, R_FS, 2);
    DEC("0f a9", 2, POP);
    CHECK_OP(0, SEG, R_GS, 2);
    DEC("8c d8", 2, MOV);                        /* mov eax, ds */
    CHECK_OP(1, SEG, R_DS, 2);
    DEC("98", 1, CWDE);
    DEC("48 98", 2, CDQE);
    DEC("66 98", 2, CBW);
    DEC("99", 1, CDQ);
    DEC("48 99", 2, CQO);
    DEC("66 99", 2, CWD);
    DEC("90", 1, NOP);
    DEC("66 90", 2, NOP);
    DEC("f3 90", 2, PAUSE);
    DEC("41 90", 2, XCHG);                       /* xchg eax, r8d */
    CHECK_OP(0, GPR, R_EAX, 4);
    CHECK_OP(1, GPR, 8, 4);
    DEC("48 93", 2, XCHG);
    CHECK_OP(1, GPR, R_EBX, 8);
    DEC("0f 1f 44 00 00", 5, NOP);
    DEC("66 2e 0f 1f 84 00 00 00 00 00", 10, NOP);
    DEC("0f 1f 00", 3, NOP);
    DEC("f3 0f 1e fa", 4, ENDBR64);
    DEC("f3 0f 1e fb", 4, ENDBR32);
    DEC("f3 48 0f 1e c8", 5, NOP);               /* rdsspq: no-op without CET */
    DEC("0f 18 08", 3, PREFETCHT0);
    CHECK_OP(0, MEM, 0, 0);
    DEC("0f 0d 08", 3, PREFETCHW);
    DEC("0f ae 38", 3, CLFLUSH);
    CHECK_OP(0, MEM, 0, 0);
    DEC("0f ae e8", 3, LFENCE);
    DEC("0f ae f0", 3, MFENCE);
    DEC("0f ae f8", 3, SFENCE);
    DEC("0f ae 10", 3, LDMXCSR);
    CHECK_OP(0, MEM, 0, 4);
    DEC("48 0f ae 00", 4, FXSAVE);
    ck_assert_int_eq(insn.opsize, 8);
    DEC("0f ae 20", 3, XSAVE);
    DEC("f3 48 0f ae c0", 5, RDFSBASE);
    CHECK_OP(0, GPR, R_EAX, 8);
    DEC("0f c7 0f", 3, CMPXCHG8B);
    CHECK_OP(0, MEM, 0, 8);
    DEC("f0 48 0f c7 0f", 5, CMPXCHG16B);
    CHECK_OP(0, MEM, 0, 16);
    DEC("0f c7 f0", 3, RDRAND);
    DEC("48 0f c7 f8", 4, RDSEED);
    CHECK_OP(0, GPR, R_EAX, 8);
    DEC("0f 01 d0", 3, XGETBV);
    DEC("0f 01 f9", 3, RDTSCP);
    DEC("0f 01 15 00 00 00 00", 7, LGDT);
    DEC("0f a2", 2, CPUID);
    DEC("0f 31", 2, RDTSC);
    DEC("0f 05", 2, SYSCALL);
    DEC("0f 0b", 2, UD2);
    DEC("f4", 1, HLT);
    DEC("fa", 1, CLI);
    DEC("ee", 1, OUT);
    DEC("cc", 1, INT3);
    DEC("f1", 1, INT1);
    DEC("9b", 1, FWAIT);
    DEC("c9", 1, LEAVE);
    DEC("0f 20 c0", 3, MOV_CR);
    ck_assert_int_eq(insn.ops[1].kind, X86_OPK_CTRL);
    DEC("0f 22 18", 3, MOV_CR);                  /* mod is ignored */
    DEC("c6 f8 01", 3, XABORT);
    DEC("c7 f8 00 00 00 00", 6, XBEGIN);
    DEC("0f a4 c1 03", 4, SHLD);
    ck_assert_int_eq(insn.nb_ops, 3);
    DEC("0f ad c1", 3, SHRD);
    CHECK_OP(2, GPR, R_ECX, 1);
    DEC("48 0f c1 07", 4, XADD);
    /* string instructions: element size in opsize, REP in prefixes */
    DEC("f3 48 a5", 3, MOVS);
    ck_assert_int_eq(insn.opsize, 8);
    ck_assert(insn.prefixes & X86_PREFIX_REPZ);
    DEC("aa", 1, STOS);
    ck_assert_int_eq(insn.opsize, 1);
    DEC("f2 ae", 2, SCAS);
    ck_assert(insn.prefixes & X86_PREFIX_REPNZ);
    DEC("66 a7", 2, CMPS);
    ck_assert_int_eq(insn.opsize, 2);
    DEC("ad", 1, LODS);
    ck_assert_int_eq(insn.opsize, 4);
    DEC("64 a4", 2, MOVS);                       /* fs: source override */
    ck_assert_int_eq(insn.mem.seg, R_FS);
    DEC("67 f3 aa", 3, STOS);
    ck_assert_int_eq(insn.mem.addr_size, 4);
    DEC("48 6d", 2, INS);                        /* no 64-bit INS */
    ck_assert_int_eq(insn.opsize, 4);
    DEC("d7", 1, XLAT);
}
END_TEST

START_TEST(test_sse)
{
    X86Insn insn;
    DEC("66 0f 6f 07", 4, MOVDQA);
    CHECK_OP(0, XMM, 0, 16);
    CHECK_OP(1, MEM, 0, 16);
    DEC("f3 0f 6f c1", 4, MOVDQU);
    CHECK_OP(1, XMM, 1, 16);
    DEC("f2 0f 10 02", 4, MOVSD_SSE);
    CHECK_OP(1, MEM, 0, 8);
    DEC("f3 0f 10 c1", 4, MOVSS);
    ck_assert_int_eq(insn.nb_ops, 2);
    DEC("f2 0f 11 07", 4, MOVSD_SSE);
    CHECK_OP(0, MEM, 0, 8);
    DEC("66 48 0f 6e c0", 5, MOVQ);              /* movq xmm0, rax */
    CHECK_OP(1, GPR, R_EAX, 8);
    DEC("66 0f 6e c0", 4, MOVD);
    CHECK_OP(1, GPR, R_EAX, 4);
    DEC("66 0f 7e c0", 4, MOVD);                 /* movd eax, xmm0 */
    CHECK_OP(0, GPR, R_EAX, 4);
    DEC("f3 0f 7e c1", 4, MOVQ);
    DEC("66 0f d6 07", 4, MOVQ);
    CHECK_OP(0, MEM, 0, 8);
    DEC("66 0f 73 d8 04", 5, PSRLDQ);
    ck_assert_int_eq(insn.nb_ops, 2);
    CHECK_OP(0, XMM, 0, 16);
    CHECK_IMM(1, 4, 1);
    DEC("66 0f 72 e1 1f", 5, PSRAD);
    CHECK_OP(0, XMM, 1, 16);
    DEC("0f 28 c1", 3, MOVAPS);
    DEC("66 44 0f ef c0", 5, PXOR);
    CHECK_OP(0, XMM, 8, 16);
    DEC("66 41 0f ef c7", 5, PXOR);
    CHECK_OP(1, XMM, 15, 16);
    ck_assert_int_eq(insn.nb_ops, 2);            /* legacy: no H operand */
    DEC("0f 12 c1", 3, MOVHLPS);
    DEC("0f 12 07", 3, MOVLPS);
    DEC("0f 16 c1", 3, MOVLHPS);
    DEC("66 0f 17 07", 4, MOVHPD);
    DEC("f2 0f c2 c1 01", 5, CMPSD);
    CHECK_IMM(2, 1, 1);
    DEC("66 0f c5 c1 03", 5, PEXTRW);
    CHECK_OP(0, GPR, R_EAX, 4);
    DEC("66 0f d7 c1", 4, PMOVMSKB);
    DEC("f2 48 0f 2c c1", 5, CVTTSD2SI);
    CHECK_OP(0, GPR, R_EAX, 8);
    DEC("0f 2e c1", 3, UCOMISS);
    DEC("66 0f 3a 0f c1 08", 6, PALIGNR);
    DEC("66 0f 38 00 c1", 5, PSHUFB);
    DEC("66 0f 38 17 c1", 5, PTEST);
    DEC("66 0f 38 10 c1", 5, PBLENDVB);          /* XMM0 is implicit */
    ck_assert_int_eq(insn.nb_ops, 2);
    DEC("66 0f 3a 63 c1 0c", 6, PCMPISTRI);
    DEC("66 48 0f 3a 16 c0 01", 7, PEXTRQ);
    CHECK_OP(0, GPR, R_EAX, 8);
    DEC("66 0f 3a 16 c0 01", 6, PEXTRD);
    DEC("66 0f 3a 20 07 03", 6, PINSRB);
    CHECK_OP(1, MEM, 0, 1);
    DEC("66 0f 38 20 07", 5, PMOVSXBW);
    CHECK_OP(1, MEM, 0, 8);
    DEC("66 0f 38 21 07", 5, PMOVSXBD);
    CHECK_OP(1, MEM, 0, 4);
    DEC("0f 5a 07", 3, CVTPS2PD);
    CHECK_OP(1, MEM, 0, 8);
    DEC("66 0f 3a 44 c1 11", 6, PCLMULQDQ);
    DEC("66 0f 38 dc c1", 5, AESENC);
    DEC("66 0f 38 f6 c1", 5, ADCX);
    DEC("f3 48 0f 38 f6 c1", 6, ADOX);
    CHECK_OP(0, GPR, R_EAX, 8);
    /* MMX forms share the mnemonic; operands are MMX registers */
    DEC("0f ef c0", 3, PXOR);
    CHECK_OP(0, MMX, 0, 8);
    CHECK_OP(1, MMX, 0, 8);
    DEC("41 0f ef c1", 4, PXOR);                 /* REX.B doesn't reach MMX */
    CHECK_OP(1, MMX, 1, 8);
    DEC("0f 6f 07", 3, MOVQ);
    CHECK_OP(0, MMX, 0, 8);
    DEC("0f 6e c0", 3, MOVD);
    DEC("0f 77", 2, EMMS);
    DEC("0f 38 00 c1", 4, PSHUFB);
    CHECK_OP(0, MMX, 0, 8);
}
END_TEST

START_TEST(test_x87)
{
    X86Insn insn;
    DEC("d9 c9", 2, FXCH);
    ck_assert_int_eq(insn.map, X86_MAP_X87);
    ck_assert_int_eq(insn.opcode, 0xd9);
    CHECK_OP(0, ST, 1, 10);
    DEC("dd 04 24", 3, FLD);
    CHECK_OP(0, MEM, 0, 8);
    DEC("d9 07", 2, FLD);
    CHECK_OP(0, MEM, 0, 4);
    DEC("db 2c 24", 3, FLD);
    CHECK_OP(0, MEM, 0, 10);
    DEC("d9 c0", 2, FLD);
    CHECK_OP(0, ST, 0, 10);
    DEC("da c1", 2, FCMOVCC);                    /* fcmovb */
    ck_assert_int_eq(insn.cond, 2);
    CHECK_OP(0, ST, 0, 10);
    CHECK_OP(1, ST, 1, 10);
    DEC("db d1", 2, FCMOVCC);                    /* fcmovnbe */
    ck_assert_int_eq(insn.cond, 7);
    DEC("da d9", 2, FCMOVCC);                    /* fcmovu */
    ck_assert_int_eq(insn.cond, 10);
    DEC("df e0", 2, FNSTSW);
    CHECK_OP(0, GPR, R_EAX, 2);
    DEC("dd 38", 2, FNSTSW);
    CHECK_OP(0, MEM, 0, 2);
    DEC("d9 ee", 2, FLDZ);
    DEC("d9 e8", 2, FLD1);
    DEC("d9 e0", 2, FCHS);
    DEC("d9 fa", 2, FSQRT);
    DEC("de e9", 2, FSUBP);                      /* fsubp st(1), st */
    CHECK_OP(0, ST, 1, 10);
    CHECK_OP(1, ST, 0, 10);
    DEC("de e1", 2, FSUBRP);
    DEC("dc e1", 2, FSUBR);                      /* DC E0+i: fsubr st(i), st */
    DEC("dc e9", 2, FSUB);
    DEC("d8 e1", 2, FSUB);                       /* fsub st, st(1) */
    CHECK_OP(0, ST, 0, 10);
    DEC("de f9", 2, FDIVP);
    DEC("de c1", 2, FADDP);
    DEC("de d9", 2, FCOMPP);
    DEC("da e9", 2, FUCOMPP);
    DEC("df e9", 2, FUCOMIP);
    DEC("db f1", 2, FCOMI);
    DEC("d9 7c 24 fe", 4, FNSTCW);
    DEC("d9 6c 24 fe", 4, FLDCW);
    DEC("df 2c 24", 3, FILD);
    CHECK_OP(0, MEM, 0, 8);
    DEC("df 04 24", 3, FILD);
    CHECK_OP(0, MEM, 0, 2);
    DEC("db 1c 24", 3, FISTP);
    CHECK_OP(0, MEM, 0, 4);
    DEC("dd 0c 24", 3, FISTTP);
    DEC("db e3", 2, FNINIT);
    DEC("db e2", 2, FNCLEX);
    DEC("dd 20", 2, FRSTOR);
    DEC("de 04 24", 3, FIADD);
    CHECK_OP(0, MEM, 0, 2);
    /* unassigned x87 encodings */
    ck_assert_int_eq(dec("d9 08", &insn), X86_DECODE_INVALID);
    ck_assert_int_eq(dec("d9 d1", &insn), X86_DECODE_INVALID);
    ck_assert_int_eq(dec("da f0", &insn), X86_DECODE_INVALID);
}
END_TEST

START_TEST(test_vex)
{
    X86Insn insn;
    DEC("c5 fd 6f 07", 4, VMOVDQA);              /* vmovdqa ymm0, [rdi] */
    ck_assert(insn.prefixes & X86_PREFIX_VEX);
    ck_assert_int_eq(insn.vex_l, 1);
    CHECK_OP(0, XMM, 0, 32);
    CHECK_OP(1, MEM, 0, 32);
    DEC("c5 f1 58 c2", 4, VADDPD);               /* vaddpd xmm0, xmm1, xmm2 */
    ck_assert_int_eq(insn.nb_ops, 3);
    ck_assert_int_eq(insn.vex_v, 1);
    CHECK_OP(0, XMM, 0, 16);
    CHECK_OP(1, XMM, 1, 16);
    CHECK_OP(2, XMM, 2, 16);
    DEC("c5 74 58 c2", 4, VADDPS);               /* vaddps ymm8, ymm1, ymm2: VEX2 R */
    CHECK_OP(0, XMM, 8, 32);
    DEC("c4 c1 74 58 c7", 5, VADDPS);            /* vaddps ymm0, ymm1, ymm15: VEX3 B */
    CHECK_OP(2, XMM, 15, 32);
    DEC("c4 a1 7a 10 04 c8", 6, VMOVSS);         /* vmovss xmm0, [rax + r9*8]: VEX3 X */
    CHECK_MEM(R_EAX, 9, 3, 0);
    ck_assert_int_eq(insn.nb_ops, 2);
    DEC("c5 f2 10 c2", 4, VMOVSS);               /* vmovss xmm0, xmm1, xmm2 */
    ck_assert_int_eq(insn.nb_ops, 3);
    DEC("c5 fb 10 07", 4, VMOVSD);
    DEC("c5 f8 77", 3, VZEROUPPER);
    DEC("c5 fc 77", 3, VZEROALL);
    DEC("c5 f9 7e c0", 4, VMOVD);
    DEC("c4 e1 f9 7e c0", 5, VMOVQ);             /* vmovq rax, xmm0 (VEX.W1) */
    CHECK_OP(0, GPR, R_EAX, 8);
    DEC("c4 e2 7d 58 c1", 5, VPBROADCASTD);
    CHECK_OP(0, XMM, 0, 32);
    CHECK_OP(1, XMM, 1, 16);
    DEC("c4 e2 7d 78 07", 5, VPBROADCASTB);
    CHECK_OP(1, MEM, 0, 1);
    DEC("c4 e3 7d 4a c2 30", 6, VBLENDVPS);      /* vblendvps ymm0, ymm0, ymm2, ymm3 */
    ck_assert_int_eq(insn.nb_ops, 4);
    CHECK_OP(3, XMM, 3, 32);
    DEC("c4 e3 7d 18 c1 01", 6, VINSERTF128);
    DEC("c4 e3 7d 39 c1 01", 6, VEXTRACTI128);
    CHECK_OP(0, XMM, 1, 16);
    DEC("c4 e2 f1 98 c2", 5, VFMADD132PD);       /* W1: double */
    DEC("c4 e2 71 98 c2", 5, VFMADD132PS);
    DEC("c4 e2 71 b9 c2", 5, VFMADD231SS);
    DEC("c4 e2 79 13 c1", 5, VCVTPH2PS);
    DEC("c5 fd 71 d1 04", 5, VPSRLW);            /* vpsrlw ymm0, ymm1, 4: dest is vvvv */
    CHECK_OP(0, XMM, 0, 32);
    CHECK_OP(1, XMM, 1, 32);
    DEC("c5 fd d7 c1", 4, VPMOVMSKB);
    CHECK_OP(0, GPR, R_EAX, 4);
    DEC("c5 f8 ae 10", 4, VLDMXCSR);
    DEC("c4 e2 6d 90 04 88", 6, VPGATHERDD);     /* [rax + ymm1*4], mask ymm2 */
    ck_assert_int_eq(insn.mem.index, 1);
    /* VEX-only general-purpose instructions (BMI1/BMI2) */
    DEC("c4 e2 e0 f2 c1", 5, ANDN);              /* andn rax, rbx, rcx */
    CHECK_OP(0, GPR, R_EAX, 8);
    CHECK_OP(1, GPR, R_EBX, 8);
    CHECK_OP(2, GPR, R_ECX, 8);
    ck_assert_int_eq(insn.opsize, 8);
    DEC("c4 e2 70 f3 c8", 5, BLSR);              /* blsr ecx, eax */
    CHECK_OP(0, GPR, R_ECX, 4);
    CHECK_OP(1, GPR, R_EAX, 4);
    DEC("c4 e2 70 f3 d8", 5, BLSI);
    DEC("c4 e2 70 f3 d0", 5, BLSMSK);
    DEC("c4 e2 78 f7 c1", 5, BEXTR);             /* bextr eax, ecx, eax */
    CHECK_OP(1, GPR, R_ECX, 4);
    CHECK_OP(2, GPR, R_EAX, 4);
    DEC("c4 e2 f9 f7 c1", 5, SHLX);
    DEC("c4 e2 fa f7 c1", 5, SARX);
    DEC("c4 e2 fb f7 c1", 5, SHRX);
    DEC("c4 e2 f8 f5 c1", 5, BZHI);
    DEC("c4 e2 f3 f5 c1", 5, PDEP);
    DEC("c4 e2 f2 f5 c1", 5, PEXT);
    DEC("c4 e2 f3 f6 c1", 5, MULX);
    DEC("c4 e3 fb f0 c1 05", 6, RORX);
    CHECK_IMM(2, 5, 1);
    /* invalid VEX: prefixes before it, unused vvvv, bad map, L/W */
    ck_assert_int_eq(dec("66 c5 f9 6f c1", &insn), X86_DECODE_INVALID);
    ck_assert_int_eq(dec("f3 c5 f9 6f c1", &insn), X86_DECODE_INVALID);
    ck_assert_int_eq(dec("48 c5 f9 6f c1", &insn), X86_DECODE_INVALID);
    ck_assert_int_eq(dec("f0 c5 f9 6f c1", &insn), X86_DECODE_INVALID);
    ck_assert_int_eq(dec("c5 f1 6f c1", &insn), X86_DECODE_INVALID);
    ck_assert_int_eq(dec("c4 e4 79 6f c1", &insn), X86_DECODE_INVALID);
    ck_assert_int_eq(dec("c4 e2 e4 f2 c1", &insn), X86_DECODE_INVALID);   /* ANDN L1 */
    ck_assert_int_eq(dec("c5 f9 0f c1", &insn), X86_DECODE_INVALID);      /* no VEX 3DNow! */
    /* legacy instructions have no VEX form */
    ck_assert_int_eq(dec("c5 f8 a2", &insn), X86_DECODE_INVALID);
    ck_assert_int_eq(dec("c4 e2 79 f0 07", &insn), X86_DECODE_INVALID);   /* no VEX MOVBE */
}
END_TEST

START_TEST(test_evex)
{
    X86Insn insn;
    /* EVEX is decoded for its length and left UNKNOWN (#UD) */
    DEC("62 f1 7c 48 28 c1", 6, UNKNOWN);        /* vmovaps zmm0, zmm1 */
    ck_assert(insn.prefixes & X86_PREFIX_EVEX);
    DEC("62 f1 fd 48 7f 44 24 01", 8, UNKNOWN);  /* vmovdqa64 [rsp+0x40], zmm0 (disp8*N) */
    DEC("62 f3 fd 48 00 c1 05", 7, UNKNOWN);     /* map 0F3A: imm8 */
    DEC("62 f1 7d 48 72 f1 03", 7, UNKNOWN);     /* map 0F, 72 /6: imm8 */
    DEC("62 f2 7d 48 58 05 00 00 00 00", 10, UNKNOWN);  /* RIP-relative */
    ck_assert_int_eq(dec("62 f1 7c", &insn), X86_DECODE_TRUNCATED);
}
END_TEST

START_TEST(test_invalid)
{
    X86Insn insn;
    static const char *const bad[] = {
        "06", "07", "0e", "16", "17", "1e", "1f", "27", "2f", "37", "3f",
        "60", "61", "82 c0 01", "9a 00 00 00 00 00 00", "ce", "d4 0a", "d5 0a",
        "d6", "ea 00 00 00 00 00 00",
        "8f c8",                    /* 8F /1 (XOP on AMD) */
        "fe d0",                    /* FE /2 */
        "ff f8",                    /* FF /7 */
        "ff d8",                    /* FF /3 with a register: far call needs memory */
        "8d c0",                    /* LEA with a register */
        "f0 01 c0",                 /* LOCK with a register destination */
        "f0 8b 00",                 /* LOCK on MOV */
        "f0 90",
        "0f 04", "0f 0a", "0f 0c", "0f 24", "0f 36", "0f 39", "0f 3b",
        "0f b8 c0",                 /* JMPE without F3 */
        "0f c7 c8",                 /* CMPXCHG8B with a register */
        "66 0f 38 c8 c1",           /* SHA1NEXTE takes no 66 */
        NULL,
    };
    for (int i = 0; bad[i]; i++) {
        int r = dec(bad[i], &insn);
        ck_assert_msg(r == X86_DECODE_INVALID, "%s: got %d (%s)", bad[i], r,
                      r > 0 ? x86_mnemonic_names[insn.mnemonic] : "-");
    }
    /* valid but not modelled: UNKNOWN with the right length */
    DEC("0f 01 c1", 3, UNKNOWN);                 /* VMCALL */
    DEC("0f 0f c1 b4", 4, UNKNOWN);              /* 3DNow! pfadd */
    DEC("66 0f 38 f8 07", 5, UNKNOWN);           /* MOVDIR64B */
    DEC("c4 e2 79 50 c1", 5, UNKNOWN);           /* AVX-VNNI vpdpbusd */
}
END_TEST

START_TEST(test_length_limits)
{
    X86Insn insn;
    char buf[128];
    /* 14 prefixes + opcode = 15 bytes: valid */
    buf[0] = 0;
    for (int i = 0; i < 14; i++) {
        strcat(buf, "66 ");
    }
    strcat(buf, "90");
    DEC(buf, 15, NOP);
    /* 15 prefixes + opcode: over the limit */
    buf[0] = 0;
    for (int i = 0; i < 15; i++) {
        strcat(buf, "66 ");
    }
    strcat(buf, "90");
    ck_assert_int_eq(dec(buf, &insn), X86_DECODE_INVALID);
    /* a long instruction pushed past 15 by prefixes */
    ck_assert_int_eq(dec("66 66 66 66 66 2e 48 c7 84 88 00 01 00 00 01 00 00 00",
                         &insn), X86_DECODE_INVALID);
    DEC("66 66 2e 48 c7 84 88 00 01 00 00 01 00 00 00", 15, MOV);
    DEC("f0 2e 48 81 84 88 00 01 00 00 01 00 00 00", 14, ADD);
    DEC("f0 66 2e 48 81 84 88 00 01 00 00 01 00 00 00", 15, ADD);
    /* truncated input */
    static const char *const trunc[] = {
        "", "48", "66", "0f", "0f 38", "0f 3a 0f c1", "c5", "c5 f8", "c4 e2",
        "c4 e2 7d", "e8 00 00", "8b", "8b 04", "8b 44 24", "8b 80 00 00",
        "48 b8 00 00 00 00 00 00 00", "66 0f 73 d8", "c8 10 00", "d9",
        "62", "f3 0f 1e", "a1 00 00 00 00", NULL,
    };
    for (int i = 0; trunc[i]; i++) {
        int r = dec(trunc[i], &insn);
        ck_assert_msg(r == X86_DECODE_TRUNCATED, "'%s': got %d", trunc[i], r);
    }
}
END_TEST

/* Properties over random bytes: never more than 15 bytes, the length is
 * the shortest sufficient prefix, and decoding doesn't depend on what
 * follows the instruction. */
START_TEST(test_random_properties)
{
    GRand *rng = g_rand_new_with_seed(12345);
    static const uint8_t hot[] = {
        0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x64, 0x48, 0x41, 0x0f, 0x0f,
        0x38, 0x3a, 0xc4, 0xc5, 0x62, 0xd9, 0xdf, 0x8f, 0xff, 0x04, 0x05,
    };
    long valid = 0;

    for (int iter = 0; iter < 300000; iter++) {
        uint8_t buf[32], buf2[32];
        for (int i = 0; i < 32; i++) {
            buf[i] = g_rand_int_range(rng, 0, 4) == 0 ?
                     hot[g_rand_int_range(rng, 0, sizeof(hot))] :
                     (uint8_t)g_rand_int(rng);
        }
        X86Insn a, b;
        int r = x86_decode(buf, sizeof(buf), 0x1000, &a);
        ck_assert(r == X86_DECODE_INVALID || (r >= 1 && r <= 15));
        if (r < 0) {
            continue;
        }
        valid++;
        ck_assert_int_eq(a.len, r);
        ck_assert_int_lt(a.mnemonic, X86_MN_NB);
        ck_assert_int_le(a.nb_ops, 4);
        ck_assert_int_eq(memcmp(a.bytes, buf, r), 0);
        ck_assert_int_eq(x86_decode(buf, r, 0x1000, &b), r);
        ck_assert_int_eq(b.mnemonic, a.mnemonic);
        ck_assert_int_eq(x86_decode(buf, r - 1, 0x1000, &b), X86_DECODE_TRUNCATED);
        memcpy(buf2, buf, sizeof(buf));
        for (int i = r; i < 32; i++) {
            buf2[i] ^= 0xa5;
        }
        ck_assert_int_eq(x86_decode(buf2, sizeof(buf2), 0x1000, &b), r);
        ck_assert_int_eq(memcmp(&a.ops, &b.ops, sizeof(a.ops)), 0);
        ck_assert_int_eq(memcmp(&a.mem, &b.mem, sizeof(a.mem)), 0);
        for (int k = 0; k < a.nb_ops; k++) {
            ck_assert_int_ne(a.ops[k].kind, X86_OPK_NONE);
            if (a.ops[k].kind == X86_OPK_GPR) {
                ck_assert_int_lt(a.ops[k].reg, a.ops[k].hi8 ? 4 : 16);
            }
        }
    }
    ck_assert_int_gt(valid, 10000);
    g_rand_free(rng);
}
END_TEST


/* See test-decode-host.c. */
START_TEST(test_host_valid)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int bad = decode_host_sweep();
        _exit(bad > 100 ? 100 : bad);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status), "host sweep crashed (status %d)", status);
    ck_assert_msg(WEXITSTATUS(status) == 0, "%d encodings the host executes are "
                  "rejected", WEXITSTATUS(status));
}
END_TEST

/* Lengths against capstone on the .text of host binaries. */
START_TEST(test_capstone_xcheck)
{
    static const char *const files[] = {
        "/usr/bin/ls", "/usr/bin/bash", "/usr/bin/perl", "/usr/bin/python3",
        "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib64/libc.so.6",
        "/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libcapstone.so.4",
        NULL,
    };
    long total = 0, bad_total = 0;
    int nfiles = 0;
    for (int i = 0; files[i]; i++) {
        long n, bad;
        if (xcheck_elf(files[i], &n, &bad)) {
            nfiles++;
            total += n;
            bad_total += bad;
        }
    }
    ck_assert_int_ge(nfiles, 2);
    ck_assert_int_gt(total, 100000);
    ck_assert_msg(bad_total == 0, "%ld disagreements with capstone", bad_total);
}
END_TEST

START_TEST(test_disas)
{
    static const uint8_t code[] = { 0x48, 0x89, 0xe5, 0x90, 0x0f, 0x0b, 0x06 };
    char *s = x86_disas_insn(0x401000, code, sizeof(code));
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, "mov rbp, rsp");
    g_free(s);
    ck_assert_ptr_null(x86_disas_insn(0, code + 6, 1));     /* invalid */
    ck_assert_ptr_null(x86_disas_insn(0, code, 2));         /* truncated */

    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    x86_disas_log(f, 0x401000, code, sizeof(code));
    fclose(f);
    ck_assert_msg(strstr(out, "0x401000:  48 89 e5") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "mov rbp, rsp\n") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "0x401003:  90") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "0x401004:  0f 0b") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "ud2\n") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "0x401006:  06") != NULL, "%s", out);
    int lines = 0;
    for (char *p = out; *p; p++) {
        lines += *p == '\n';
    }
    ck_assert_int_eq(lines, 4);
    free(out);
}
END_TEST

static gpointer disas_thread(gpointer data)
{
    static const uint8_t code[] = { 0x48, 0x01, 0xd8 };     /* add rax, rbx */
    for (int i = 0; i < 2000; i++) {
        char *s = x86_disas_insn(0x1000 + i, code, sizeof(code));
        if (!s || strcmp(s, "add rax, rbx")) {
            g_free(s);
            return GINT_TO_POINTER(1);
        }
        g_free(s);
    }
    return NULL;
}

START_TEST(test_disas_threads)
{
    GThread *t[8];
    for (int i = 0; i < 8; i++) {
        t[i] = g_thread_new("disas", disas_thread, NULL);
    }
    for (int i = 0; i < 8; i++) {
        ck_assert_ptr_null(g_thread_join(t[i]));
    }
}
END_TEST

static Suite *decode_suite(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("decode");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_mnemonic_table);
    tcase_add_test(tc, test_basic_gpr);
    tcase_add_test(tc, test_byte_regs);
    tcase_add_test(tc, test_prefixes);
    tcase_add_test(tc, test_addressing);
    tcase_add_test(tc, test_immediates);
    tcase_add_test(tc, test_branches);
    tcase_add_test(tc, test_groups_misc);
    tcase_add_test(tc, test_sse);
    tcase_add_test(tc, test_x87);
    tcase_add_test(tc, test_vex);
    tcase_add_test(tc, test_evex);
    tcase_add_test(tc, test_invalid);
    tcase_add_test(tc, test_length_limits);
    tcase_add_test(tc, test_random_properties);
    tcase_add_test(tc, test_host_valid);
    tcase_add_test(tc, test_capstone_xcheck);
    tcase_add_test(tc, test_disas);
    tcase_add_test(tc, test_disas_threads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(decode_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
