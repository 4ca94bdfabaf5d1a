/* stack-touch: the stack grows on demand within RLIMIT_STACK: touch a 7 MiB
 * VLA first at its lowest address (far below the stack pointer's previous
 * low-water mark), then in 4 KiB and 64 KiB strides upward and downward.
 * Usage: stack-touch [KIB] (default 7168). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long __attribute__((noinline)) touch(size_t n, int order)
{
    volatile char big[n];
    unsigned long sum = 0;
    big[0] = 1;                             /* the lowest address first */
    if (order == 0)
        for (size_t i = 0; i < n; i += 4096) big[i] = (char)(i >> 12);
    else
        for (size_t i = n; i >= 65536; i -= 65536) big[i - 1] = (char)(i >> 16);
    for (size_t i = 0; i < n; i += 4096)
        sum += (unsigned char)big[i];
    return sum + big[n - 1];
}

int main(int argc, char **argv)
{
    size_t kib = argc > 1 ? strtoul(argv[1], NULL, 0) : 7168;
    printf("touch %zu KiB upward: %lu\n", kib, touch(kib << 10, 0));
    printf("touch %zu KiB downward: %lu\n", kib, touch(kib << 10, 1));
    printf("touch %zu KiB again: %lu\n", kib / 2, touch(kib << 9, 0));
    return 0;
}
