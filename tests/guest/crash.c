/* crash: die of a CPU exception turned signal.  Usage: crash KIND with KIND
 * segv (NULL store), fpe (integer divide by zero), fpe-min (INT_MIN / -1),
 * ud2, 0f04 (an unassigned opcode), int3 (SIGTRAP).  The output before the
 * fault is flushed so the comparison sees it. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

static volatile int zero = 0, minus1 = -1, imin = INT_MIN;

int main(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "segv";
    printf("about to %s\n", kind);
    fflush(stdout);
    if (!strcmp(kind, "segv"))
        *(volatile int *)(long)zero = 1;
    else if (!strcmp(kind, "fpe"))
        printf("%d\n", 1 / zero);
    else if (!strcmp(kind, "fpe-min"))
        printf("%d\n", imin / minus1);
    else if (!strcmp(kind, "ud2"))
        __asm__ volatile("ud2");
    else if (!strcmp(kind, "0f04"))
        __asm__ volatile(".byte 0x0f, 0x04");
    else if (!strcmp(kind, "int3"))
        __asm__ volatile("int3");
    printf("still alive after %s\n", kind);
    return 0;
}
