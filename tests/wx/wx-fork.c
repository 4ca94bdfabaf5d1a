/*
 * tests/wx/wx-fork.c — fork under the split-wx code cache (docs/jit.md,
 * "W^X split cache").  The cache's two views are MAP_SHARED: a fork
 * child that kept them would share its code with its parent, and both
 * would write their new translations at the same places.  So after each
 * fork, parent and child both run code neither ran before (a function
 * each, then the same one, then machine code each writes at the same
 * address of an RWX page), at the same time; one child forks again; and
 * a thread keeps translating new code (code it rewrites) while the main
 * thread forks.  Output is deterministic: compared with a native run.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 6

/* Distinct functions: each is code of its own, new to whoever runs it. */
#define F(n)                                                                  \
    __attribute__((noinline)) static uint64_t f##n(uint64_t x)               \
    {                                                                         \
        for (int i = 0; i < 3000; i++) {                                      \
            x = x * 6364136223846793005ull + (2 * n + 1);                     \
            x ^= x >> (n % 13 + 7);                                           \
            if ((x & 7) == n % 8) {                                           \
                x += (uint64_t)i << (n % 5);                                  \
            }                                                                 \
        }                                                                     \
        return x;                                                             \
    }
F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9) F(10) F(11) F(12) F(13) F(14) F(15)
static uint64_t (*const fns[16])(uint64_t) = {
    f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15,
};

/* Write "mov rax, k; add rax, rdi; ret" at page and call it n times. */
static uint64_t run_written(uint8_t *page, uint64_t k, unsigned n)
{
    uint8_t code[16] = { 0x48, 0xb8 };
    memcpy(code + 2, &k, 8);
    code[10] = 0x48;
    code[11] = 0x01;
    code[12] = 0xf8;
    code[13] = 0xc3;
    memcpy(page, code, sizeof(code));
    __asm__ volatile("" ::: "memory");
    uint64_t (*fn)(uint64_t) = (uint64_t (*)(uint64_t))(void *)page;
    uint64_t s = 0;
    for (unsigned i = 0; i < n; i++) {
        s += fn(i);
    }
    return s;
}

static uint64_t work(uint8_t *page, int mine, int shared, uint64_t k)
{
    return fns[mine](k) ^ fns[shared](k + 1) ^ run_written(page, k * 1000 + 7, 500);
}

/* A thread rewriting its own code page all the time: a new translation
 * (and cache writes) at every call, while the main thread forks. */
static volatile int stop;
static uint8_t *tpage;

static void *rewriter(void *arg)
{
    unsigned long bad = 0;
    (void)arg;
    for (uint64_t k = 1; !stop; k++) {
        if (run_written(tpage, k, 3) != 3 * k + 3) {
            bad++;
        }
    }
    return (void *)bad;
}

int main(void)
{
    int rwx = PROT_READ | PROT_WRITE | PROT_EXEC;
    uint8_t *page = mmap(NULL, 4096, rwx, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    tpage = mmap(NULL, 4096, rwx, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED || tpage == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    pthread_t t;
    pthread_create(&t, NULL, rewriter, NULL);

    for (int r = 0; r < ROUNDS; r++) {
        int fd[2];
        if (pipe(fd) != 0) {
            perror("pipe");
            return 1;
        }
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            close(fd[0]);
            uint64_t v[2] = { work(page, 2 * r, 12 + r % 4, (uint64_t)r + 100), 0 };
            if (r == 0) {
                /* a fork child forks: its copy of the cache is copied again */
                int gfd[2];
                if (pipe(gfd) != 0) {
                    _exit(2);
                }
                pid_t g = fork();
                if (g == 0) {
                    uint64_t w = work(page, 14, 15, 7);
                    if (write(gfd[1], &w, 8) != 8) {
                        _exit(2);
                    }
                    _exit(0);
                }
                v[1] = run_written(page, 42, 300);
                if (read(gfd[0], &v[1], 8) != 8 || waitpid(g, NULL, 0) != g) {
                    _exit(2);
                }
            }
            if (write(fd[1], v, sizeof(v)) != sizeof(v)) {
                _exit(2);
            }
            _exit(0);
        }
        close(fd[1]);
        uint64_t mine = work(page, 2 * r + 1, 12 + r % 4, (uint64_t)r + 200);
        uint64_t v[2];
        int st;
        if (read(fd[0], v, sizeof(v)) != sizeof(v) || waitpid(pid, &st, 0) != pid) {
            printf("round %d: child failed\n", r);
            return 1;
        }
        close(fd[0]);
        printf("round %d: child %016llx parent %016llx status %d", r,
               (unsigned long long)v[0], (unsigned long long)mine, st);
        if (r == 0) {
            printf(" grandchild %016llx", (unsigned long long)v[1]);
        }
        printf("\n");
    }
    stop = 1;
    void *bad;
    pthread_join(t, &bad);
    printf("rewriter thread: %lu wrong results\n", (unsigned long)(uintptr_t)bad);
    return 0;
}
