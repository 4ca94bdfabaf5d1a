/*
 * emu/x86/avx_helper.c — helpers of the AVX/AVX2-only instructions
 * (permutes, broadcasts, gathers, masked moves, FMA, F16C) and XSAVE.
 */
#include "emu/cpu.h"
