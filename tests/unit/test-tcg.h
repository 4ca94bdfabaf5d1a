/* tests/unit/test-tcg.h — fixture shared by the tcg unit test files. */
#ifndef TEST_TCG_H
#define TEST_TCG_H

#include <check.h>
#include "emu/cpu.h"
#include "emu/tcg/tcg.h"

#define GMEM_SIZE 4096

extern CPUX86State *env;    /* zeroed before each test */
extern TCGv R[16];          /* globals on env->regs[] */
extern uint8_t *gmem;       /* guest memory 0..GMEM_SIZE (guest_base) */

/* Compile the current IR (optimized if asked), run it once, free it. */
unsigned run_tb(bool optimize);

void tcg_add_random_tests(TCase *tc);
void tcg_add_liveness_tests(TCase *tc);

/* Run the current IR (optimized if asked); true if it raised an access
 * fault, whose address, direction and insn_pc are then in fault_*. */
bool run_catching(bool opt, unsigned *ret);
extern uint64_t fault_addr;
extern int fault_is_write;
extern uint64_t fault_insn_pc;
/* How many ops of kind opc the current IR holds. */
unsigned count_ops(TCGOpcode opc);

/* Reference semantics (test-tcg.c), independent of the implementation. */
uint64_t ref_binop(TCGOpcode opc, uint64_t a, uint64_t b);
uint64_t ref_unop(TCGOpcode opc, uint64_t a);
bool ref_cond(TCGCond c, uint64_t a, uint64_t b);
uint64_t ref_extract(uint64_t a, unsigned pos, unsigned len, bool sign);
uint64_t ref_deposit(uint64_t a, uint64_t b, unsigned pos, unsigned len);
void ref_mulu2(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi);
void ref_muls2(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi);

#endif
