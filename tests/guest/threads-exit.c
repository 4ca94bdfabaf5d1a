/*
 * threads-exit: how a multi-threaded process ends.
 *   group-from-thread  a non-main thread calls _exit(N) (exit_group) while
 *                      others spin and block
 *   exit-from-thread   a non-main thread calls exit(N): atexit handlers run
 *   main-pthread-exit  main calls pthread_exit; the others finish, the
 *                      process ends with status 0 when the last one exits
 *   main-returns       main returns while threads are blocked
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile int stop;
static pthread_barrier_t bar;

static void at_exit_handler(void) { printf("atexit handler\n"); fflush(stdout); }

static void *spinner(void *a)
{
    pthread_barrier_wait(&bar);
    unsigned long x = 0;
    while (!stop) x++;
    return (void *)x;
}

static void *blocker(void *a)
{
    pthread_barrier_wait(&bar);
    pause();
    return NULL;
}

static void *exiter(void *a)
{
    pthread_barrier_wait(&bar);
    usleep(20000);
    if (!strcmp(a, "group")) _exit(42);
    exit(43);
}

static void *finisher(void *a)
{
    usleep(40000 * (1 + (int)(long)a));
    printf("finisher %ld done\n", (long)a);
    fflush(stdout);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "group-from-thread";
    pthread_t t;
    atexit(at_exit_handler);
    if (!strcmp(mode, "group-from-thread") || !strcmp(mode, "exit-from-thread")) {
        pthread_barrier_init(&bar, NULL, 9);
        for (int i = 0; i < 4; i++) pthread_create(&t, NULL, spinner, NULL);
        for (int i = 0; i < 3; i++) pthread_create(&t, NULL, blocker, NULL);
        pthread_create(&t, NULL, exiter, mode[0] == 'g' ? "group" : "exit");
        printf("main waiting\n");
        fflush(stdout);
        pthread_barrier_wait(&bar);
        for (;;) pause();
    }
    if (!strcmp(mode, "main-pthread-exit")) {
        for (long i = 0; i < 3; i++) pthread_create(&t, NULL, finisher, (void *)i);
        printf("main leaving\n");
        fflush(stdout);
        pthread_exit(NULL);
    }
    if (!strcmp(mode, "main-returns")) {
        pthread_barrier_init(&bar, NULL, 5);
        for (int i = 0; i < 4; i++) pthread_create(&t, NULL, blocker, NULL);
        pthread_barrier_wait(&bar);
        printf("main returns 5\n");
        return 5;
    }
    return 2;
}
