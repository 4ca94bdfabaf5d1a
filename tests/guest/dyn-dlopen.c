/*
 * tests/guest/dyn-dlopen.c — dlopen() a shared library (argv[1], the
 * build's libemutest.so) and call into it: functions, data, TLS, a
 * callback into the program, dladdr, a missing symbol, dlclose (the
 * library's destructor runs).  Output is the same natively and under emu.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static int square(int x)
{
    return x * x;
}

static void *thread_main(void *arg)
{
    int (*bump)(void) = (int (*)(void))arg;
    /* A new thread sees the initial TLS value. */
    printf("thread tls: %d\n", bump());
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: dyn-dlopen LIB\n");
        return 2;
    }
    printf("before dlopen\n");
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        printf("dlopen failed: %s\n", dlerror());
        return 1;
    }
    unsigned long (*mix)(unsigned long, unsigned long) = (unsigned long (*)(unsigned long, unsigned long))dlsym(h, "emutest_mix");
    int (*apply)(int (*)(int), int) = (int (*)(int (*)(int), int))dlsym(h, "emutest_apply");
    int (*bump)(void) = (int (*)(void))dlsym(h, "emutest_tls_bump");
    const char *(*name)(void) = (const char *(*)(void))dlsym(h, "emutest_name");
    int *counter = dlsym(h, "emutest_counter");
    if (!mix || !apply || !bump || !name || !counter) {
        printf("dlsym failed\n");
        return 1;
    }
    printf("name: %s\n", name());
    printf("mix: %016lx %016lx\n", mix(1, 2), mix(0xdeadbeef, 42));
    printf("counter: %d\n", *counter);
    printf("apply(square, 10): %d\n", apply(square, 10));
    printf("tls: %d %d\n", bump(), bump());
    pthread_t t;
    pthread_create(&t, NULL, thread_main, (void *)bump);
    pthread_join(t, NULL);
    printf("tls after thread: %d\n", bump());

    Dl_info di;
    if (dladdr((void *)mix, &di) && di.dli_fname && di.dli_sname) {
        const char *slash = strrchr(di.dli_fname, '/');
        printf("dladdr: %s %s\n", slash ? slash + 1 : di.dli_fname, di.dli_sname);
    } else {
        printf("dladdr failed\n");
    }
    dlerror();
    void *missing = dlsym(h, "emutest_no_such_symbol");
    printf("missing symbol: %s, error reported: %d\n", missing ? "found" : "NULL",
           dlerror() != NULL);
    void *h2 = dlopen("libemutest-does-not-exist.so", RTLD_NOW);
    printf("missing library: %s\n", h2 ? "loaded" : "NULL");
    fflush(stdout);
    printf("dlclose: %d\n", dlclose(h));
    printf("after dlclose\n");
    return 0;
}
