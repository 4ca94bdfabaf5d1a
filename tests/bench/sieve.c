/* sieve: primes below N (default 20,000,000) with a byte sieve, repeated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000000;
    char *composite = malloc(n + 1);
    long count = 0;
    memset(composite, 0, n + 1);
    for (long i = 2; i * i <= n; i++)
        if (!composite[i])
            for (long j = i * i; j <= n; j += i)
                composite[j] = 1;
    for (long i = 2; i <= n; i++)
        count += !composite[i];
    printf("primes below %ld: %ld\n", n, count);
    return 0;
}
