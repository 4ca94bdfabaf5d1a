/*
 * emu/x86/sse4_helper.c — vec ops of SSE3, SSSE3, SSE4.1 and SSE4.2
 * (listed in sse4-ops.h; contract in sse_helper.h).
 */
#include "sse4-ops.h"
