/* recursion: N-deep non-tail recursion (default 100000 frames of ~64 bytes,
 * well inside the 8 MiB stack), mutual recursion, and Ackermann. */
#include <stdio.h>
#include <stdlib.h>

static unsigned long __attribute__((noinline)) deep(unsigned long n, volatile char *prev)
{
    volatile char frame[32];
    frame[0] = (char)n;
    frame[31] = prev ? prev[0] : 0;
    if (n == 0)
        return 0;
    unsigned long r = deep(n - 1, frame);
    return r + (unsigned char)frame[0] + (unsigned char)frame[31];   /* not a tail call */
}

static int is_odd(unsigned n);
static int __attribute__((noinline)) is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int __attribute__((noinline)) is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static unsigned long ack(unsigned long m, unsigned long n)
{
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static unsigned long fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(int argc, char **argv)
{
    unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000;
    printf("deep(%lu) = %lu\n", n, deep(n, NULL));
    printf("is_even(%lu) = %d\n", n / 2 + 1, is_even(n / 2 + 1));
    printf("ack(2, 300) = %lu, ack(3, 5) = %lu\n", ack(2, 300), ack(3, 5));
    printf("fib(22) = %lu\n", fib(22));
    return 0;
}
