/*
 * tests/guest/emutest-lib.c — libemutest.so, a tiny shared library for the
 * dynamic-program tests: a constructor and destructor, exported data, a
 * thread-local variable, a callback into the caller.  Loaded by dlopen
 * (dyn-dlopen.c) and as a DT_NEEDED of dyn-prefix.c found only in the -L
 * prefix (dyn-prefix.py).
 */
#include <stdio.h>

__thread int emutest_tls = 5;
int emutest_counter = 100;

__attribute__((constructor)) static void emutest_ctor(void)
{
    printf("libemutest: constructor\n");
}

__attribute__((destructor)) static void emutest_dtor(void)
{
    printf("libemutest: destructor\n");
    fflush(stdout);
}

unsigned long emutest_mix(unsigned long a, unsigned long b)
{
    unsigned long h = a * 0x9e3779b97f4a7c15UL ^ b;
    for (int i = 0; i < 10; i++) {
        h = (h << 7 | h >> 57) * 31 + (unsigned long)i;
    }
    emutest_counter++;
    return h;
}

int emutest_apply(int (*f)(int), int n)
{
    int s = 0;
    for (int i = 0; i < n; i++) {
        s += f(i);
    }
    return s;
}

int emutest_tls_bump(void)
{
    return ++emutest_tls;
}

const char *emutest_name(void)
{
    return "libemutest";
}
