/*
 * show-result.h — shared by the system-call guest tests: print a call's
 * result the same way natively and under emu ("what: N" or
 * "what: -1 ENAME"), and a pointer that is never mapped, for EFAULT cases
 * (volatile, so the compiler cannot see through it and warn or fold).
 */
#ifndef SHOW_RESULT_H
#define SHOW_RESULT_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void *volatile bad_pointer = (void *)8;

static inline void show(const char *what, long r)
{
    if (r < 0) {
        printf("%s: -1 %s\n", what, strerrorname_np(errno));
    } else {
        printf("%s: %ld\n", what, r);
    }
}

#endif
