/*
 * emu/x86/tr-avx.c — emitters for VEX-only instructions of AVX, AVX2, FMA
 * and F16C, and for XSAVE/XRSTOR/XGETBV.  VEX forms of SSE..SSE4.2
 * instructions go through the generic vec emitter of tr-sse.c instead.
 */
#include "translate.h"

const X86GenEntry x86_gen_avx[] = {
    { 0, NULL },
};
