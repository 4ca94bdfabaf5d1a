/*
 * count-pthreads: a libc pthread program; one worker (of 8) measures a
 * region of pure computation (no locks, no libc calls) while the others
 * run, block and exit around it.  With count_per_thread only that
 * worker's instructions count, so emu equals the oracle exactly whatever
 * the scheduling.  Main prints the workers' results after joining.
 */
#include <pthread.h>
#include <stdio.h>
#include "magic.h"

#define NW 8
static pthread_barrier_t bar;
static unsigned long results[NW];

static unsigned long work(unsigned long seed, int n)
{
    unsigned long h = seed;
    for (int i = 0; i < n; i++) {
        h ^= h << 13;
        h ^= h >> 7;
        h ^= h << 17;
        h += (unsigned long)i * 2654435761u;
    }
    return h;
}

static void *worker(void *arg)
{
    long id = (long)arg;
    pthread_barrier_wait(&bar);
    if (id == 3) {
        magic_start();
        results[id] = work((unsigned long)id, 20000);
        magic_stop();
    } else {
        results[id] = work((unsigned long)id, 5000 * (int)(id + 1));
    }
    return NULL;
}

int main(void)
{
    pthread_t t[NW];
    pthread_barrier_init(&bar, NULL, NW);
    for (long i = 0; i < NW; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < NW; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < NW; i++)
        printf("worker %d: %lx\n", i, results[i]);
    return 0;
}
