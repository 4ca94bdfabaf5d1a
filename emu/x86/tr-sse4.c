/*
 * emu/x86/tr-sse4.c — emitters for SSE3/SSSE3/SSE4.1/SSE4.2 instructions
 * that do not fit the generic vec emitter of tr-sse.c (GPR results,
 * implicit operands, flags: PCMPxSTRx, PTEST, CRC32, PEXTRx and PINSRx, ...).
 */
#include "translate.h"
#include "sse4-ops.h"

const X86GenEntry x86_gen_sse4[] = {
    { 0, NULL },
};
