/* count-seed: work that depends on random seeds, as in a Rust HashMap:
 * a hash table whose hash function is keyed by getrandom() and by the
 * kernel's AT_RANDOM bytes, filled with fixed keys inside a region.  The
 * number of probes, hence the instruction count, depends on the seeds:
 * natively it changes from run to run; under emu -seed N it must not. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "magic.h"

#define SLOTS 4096
static uint64_t table[SLOTS];

static uint64_t hash(uint64_t k, uint64_t seed)
{
    k ^= seed;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    return k ^ (k >> 29);
}

int main(void)
{
    uint64_t seed = 0, at = 0;
    /* the raw syscall: glibc versions differ in how getrandom() is served */
    if (syscall(SYS_getrandom, &seed, sizeof(seed), 0) != sizeof(seed))
        return 1;
    memcpy(&at, (const void *)getauxval(AT_RANDOM), sizeof(at));
    seed ^= at;

    magic_start();
    unsigned long probes = 0;
    for (uint64_t k = 1; k <= 3000; k++) {
        uint64_t i = hash(k, seed) % SLOTS;
        while (table[i]) {
            i = (i + 1) % SLOTS;
            probes++;
        }
        table[i] = k;
    }
    uint64_t n = magic_stop();
    /* printed so a run-to-run difference is visible, not compared */
    printf("probes %lu count %llu\n", probes, (unsigned long long)n);
    return 0;
}
