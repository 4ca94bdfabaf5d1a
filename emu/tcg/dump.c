/*
 * emu/tcg/dump.c — print the IR of the current TB, one op per line
 * (-d op, -d op_opt):
 *
 *    ---- 0x401000 cc_op=5
 *    add_i64 tmp3, rax, $0x10
 *    brcond_i64 tmp3, $0x0, eq, $L1
 *    set_label $L1
 */
#include <inttypes.h>
#include <stdio.h>

#include "emu/tcg/tcg.h"
#include "emu/tcg/internal.h"

static void dump_temp(TCGContext *s, FILE *f, const TCGTemp *t)
{
    switch (t->kind) {
    case TEMP_GLOBAL:
        if (t->name) {
            fputs(t->name, f);
        } else {
            fprintf(f, "slot%u", t->slot);
        }
        break;
    case TEMP_TB:
        fprintf(f, "tmp%u", t->index - s->nb_globals);
        break;
    case TEMP_CONST:
        fprintf(f, "$0x%" PRIx64, t->val);
        break;
    }
}

static const char *memop_name(unsigned mo)
{
    static const char *const names[8] = { "ub", "uw", "ul", "uq", "sb", "sw", "sl", "sq" };
    return names[mo & 7];
}

void tcg_dump_ops(TCGContext *s, FILE *f)
{
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        unsigned no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
        unsigned k = 0;
        const char *sep = " ";

        switch (op->opc) {
        case INDEX_op_insn_start:
            fprintf(f, " ---- 0x%" PRIx64 " cc_op=%" PRIu64 "\n",
                    (uint64_t)op->args[0], (uint64_t)op->args[1]);
            continue;
        case INDEX_op_set_label:
            fprintf(f, "set_label $L%u\n", tcg_op_label(op, 0)->id);
            continue;
        case INDEX_op_br:
            fprintf(f, " br $L%u\n", tcg_op_label(op, 0)->id);
            continue;
        case INDEX_op_call: {
            const TCGHelperInfo *info = tcg_op_helper(op);
            fprintf(f, " call %s, $0x%x", info->name ? info->name : "?", info->flags);
            sep = ", ";
            break;
        }
        default:
            fprintf(f, " %s%s", def->name, no + ni ? "_i64" : "");
            break;
        }
        for (; k < no + ni; k++) {
            fputs(sep, f);
            dump_temp(s, f, tcg_op_temp(op, k));
            sep = ", ";
        }
        switch (op->opc) {
        case INDEX_op_call:
            break;
        case INDEX_op_setcond:
        case INDEX_op_movcond:
            fprintf(f, "%s%s", sep, tcg_cond_name((TCGCond)op->args[k]));
            break;
        case INDEX_op_brcond:
            fprintf(f, "%s%s, $L%u", sep, tcg_cond_name((TCGCond)op->args[k]),
                    tcg_op_label(op, k + 1)->id);
            break;
        case INDEX_op_qemu_ld:
        case INDEX_op_qemu_st:
            fprintf(f, "%s%s", sep, memop_name((unsigned)op->args[k]));
            break;
        default:
            for (unsigned c = 0; c < def->nb_cargs; c++) {
                fprintf(f, "%s$0x%" PRIx64, sep, (uint64_t)op->args[k + c]);
                sep = ", ";
            }
            break;
        }
        fputc('\n', f);
    }
}
