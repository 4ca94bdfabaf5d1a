/*
 * mm-churn — the memory scenario of issue 2, as a guest.
 *
 *   mm-churn [ITERATIONS [pinned [LIMIT_MIB]]]
 *
 * ITERATIONS times: map 6 GiB PROT_NONE, mprotect its first 64 MiB
 * read/write, touch one byte per 64 KiB of it, munmap the 6 GiB.  With
 * "pinned", a small mapping is also made (placed wherever the kernel puts
 * it, i.e. next to the big one) and kept until the end, so the freed range
 * is bounded by live mappings.
 *
 * Prints only results that are the same natively and under emu:
 * /proc/self/maps has as many lines at the end as at the start, the big
 * mapping's address was reused (at most two distinct addresses), and the
 * process's peak RSS (VmHWM, which under an emulator is the emulator's)
 * stayed below LIMIT_MIB (default 160).  Set MM_CHURN_VERBOSE=1 to get the
 * actual VmHWM on stderr (for benchmarks).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define BIG (6ULL << 30)
#define HEAD (64ULL << 20)
#define STRIDE (64ULL << 10)
#define PIN (64ULL << 10)

static int maps_lines(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (f == NULL) {
        return -1;
    }
    int n = 0, c;
    while ((c = getc(f)) != EOF) {
        n += c == '\n';
    }
    fclose(f);
    return n;
}

static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    size_t kl = strlen(key);
    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
            kb = strtol(line + kl + 1, NULL, 10);
            break;
        }
    }
    if (f) {
        fclose(f);
    }
    return kb;
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? strtol(argv[1], NULL, 0) : 1000;
    int pinned = argc > 2 && strcmp(argv[2], "pinned") == 0;
    long limit_mib = argc > 3 ? strtol(argv[3], NULL, 0) : 160;

    /* Whatever stdio and the maps reader allocate, allocate it now. */
    int before = maps_lines();
    before = maps_lines();

    void **pins = pinned ? calloc((size_t)iters, sizeof(void *)) : NULL;
    uintptr_t addr1 = 0, addr2 = 0;
    int distinct = 0;
    for (long i = 0; i < iters; i++) {
        char *p = mmap(NULL, BIG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) {
            printf("iteration %ld: mmap failed: %s\n", i, strerror(errno));
            return 1;
        }
        if ((uintptr_t)p != addr1 && (uintptr_t)p != addr2) {
            distinct++;
            if (!addr1) {
                addr1 = (uintptr_t)p;
            } else {
                addr2 = (uintptr_t)p;
            }
        }
        if (mprotect(p, HEAD, PROT_READ | PROT_WRITE) != 0) {
            printf("iteration %ld: mprotect failed: %s\n", i, strerror(errno));
            return 1;
        }
        for (uint64_t off = 0; off < HEAD; off += STRIDE) {
            p[off] = (char)i;
        }
        if (pinned) {
            char *q = mmap(NULL, PIN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (q == MAP_FAILED) {
                printf("iteration %ld: small mmap failed: %s\n", i, strerror(errno));
                return 1;
            }
            q[0] = 1;
            pins[i] = q;
        }
        if (munmap(p, BIG) != 0) {
            printf("iteration %ld: munmap failed: %s\n", i, strerror(errno));
            return 1;
        }
    }
    if (pinned) {
        for (long i = 0; i < iters; i++) {
            munmap(pins[i], PIN);
        }
        free(pins);
    }
    int after = maps_lines();
    long hwm = status_kb("VmHWM");

    printf("mm-churn: %ld iterations%s\n", iters, pinned ? ", pinned" : "");
    printf("maps lines same before and after: %s\n",
           before > 0 && before == after ? "yes" : "NO");
    printf("big mapping address reused: %s\n", distinct <= 2 ? "yes" : "NO");
    printf("VmHWM below %ld MiB: %s\n", limit_mib,
           hwm >= 0 && hwm < limit_mib * 1024 ? "yes" : "NO");
    if (getenv("MM_CHURN_VERBOSE")) {
        fprintf(stderr, "VmHWM: %ld kB; maps lines %d -> %d; distinct big addresses %d\n",
                hwm, before, after, distinct);
    }
    return before > 0 && before == after && distinct <= 2 && hwm < limit_mib * 1024 ? 0 : 1;
}
