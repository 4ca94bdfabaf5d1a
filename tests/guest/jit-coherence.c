/*
 * jit-coherence.c — a small JIT: code written into memory, run, and
 * changed in every way a JIT (or a debugger, or another process) changes
 * it, each time run again: the new code must run, never the old.
 *
 *   rwx      rewrite in place in an RWX page
 *   wx-flip  W^X: RW to write, RX to run, back and forth
 *   remap    munmap + mmap different code at the same address
 *   mremap   code moved by mremap to another address
 *   read     read(2) from a pipe into a code page (a syscall writes it)
 *   alias    a memfd mapped twice: written through an RW view, run from a
 *            separate RX view (the dual-mapping JIT scheme)
 *   pwrite   the memfd's bytes changed with pwrite(2), run from the RX view
 *   child    a forked process rewrites the shared code, the parent runs it
 *   thread   a thread keeps running the RX view while the main thread
 *            rewrites it through the RW view, until it sees the last value
 *   self     code that rewrites an instruction of its own block, then
 *            runs it (same mapping)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

typedef int (*fn_t)(void);

/* mov eax, imm32; ret */
static void emit_ret(uint8_t *p, int v)
{
    p[0] = 0xb8;
    memcpy(p + 1, &v, 4);
    p[5] = 0xc3;
}

static int call(void *p)
{
    return ((fn_t)p)();
}

static void rwx(void)
{
    uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int seen[3];
    for (int i = 0; i < 3; i++) {
        emit_ret(p, 100 + i);
        seen[i] = call(p);
    }
    printf("rwx: %d %d %d\n", seen[0], seen[1], seen[2]);
    munmap(p, 4096);
}

static void wx_flip(void)
{
    uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int seen[3];
    for (int i = 0; i < 3; i++) {
        mprotect(p, 4096, PROT_READ | PROT_WRITE);
        emit_ret(p, 200 + i);
        mprotect(p, 4096, PROT_READ | PROT_EXEC);
        seen[i] = call(p);
        seen[i] += call(p) - seen[i];    /* twice: the second from the cache */
    }
    printf("wx-flip: %d %d %d\n", seen[0], seen[1], seen[2]);
    munmap(p, 4096);
}

static void remap(void)
{
    uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    emit_ret(p, 300);
    int a = call(p);
    munmap(p, 4096);
    uint8_t *q = mmap(p, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    emit_ret(q, 301);
    printf("remap: same address %d, %d %d\n", q == p, a, call(q));
    munmap(q, 4096);
}

static void moved(void)
{
    uint8_t *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    emit_ret(p, 400);
    int a = call(p);
    /* A hole to move into, then code written at the old address again. */
    uint8_t *dst = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint8_t *q = mremap(p, 8192, 8192, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
    int b = call(q);
    uint8_t *r = mmap(p, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    emit_ret(r, 401);
    printf("mremap: %d %d %d\n", a, b, call(r));
    munmap(q, 8192);
    munmap(r, 4096);
}

static void read_into_code(void)
{
    uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    emit_ret(p, 500);
    int a = call(p);
    uint8_t code[6];
    emit_ret(code, 501);
    int fds[2];
    pipe(fds);
    write(fds[1], code, sizeof(code));
    read(fds[0], p, sizeof(code));
    printf("read: %d %d\n", a, call(p));
    close(fds[0]);
    close(fds[1]);
    munmap(p, 4096);
}

static uint8_t *rw_view, *rx_view;

static void alias(void)
{
    int fd = memfd_create("jit", 0);
    ftruncate(fd, 4096);
    rw_view = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    rx_view = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    int seen[3];
    for (int i = 0; i < 3; i++) {
        emit_ret(rw_view, 600 + i);
        seen[i] = call(rx_view);
    }
    printf("alias: %d %d %d\n", seen[0], seen[1], seen[2]);

    uint8_t code[6];
    emit_ret(code, 700);
    pwrite(fd, code, sizeof(code), 0);
    printf("pwrite: %d\n", call(rx_view));

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        emit_ret(rw_view, 800);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    printf("child: %d\n", call(rx_view));
    close(fd);
}

static volatile int stop_value;

static void *runner(void *arg)
{
    long calls = 0;
    int v;
    do {
        v = call(rx_view);
        calls++;
    } while (v != stop_value && calls < 400000000L);
    return (void *)(intptr_t)(v == stop_value);
}

static void thread_running(void)
{
    emit_ret(rw_view, 900);
    stop_value = 999;
    pthread_t t;
    pthread_create(&t, NULL, runner, NULL);
    for (int i = 901; i <= 999; i++) {
        usleep(200);
        emit_ret(rw_view, i);
    }
    void *saw;
    pthread_join(t, &saw);
    printf("thread: saw the last value %d\n", (int)(intptr_t)saw);
}

/*
 *   self: mov byte [rel patch+1], 0x2a   ; make the next instruction "mov eax, 42"
 *   patch: mov eax, 7
 *         ret
 */
static void self_modifying(void)
{
    static const uint8_t code[] = {
        0xc6, 0x05, 0x01, 0x00, 0x00, 0x00, 0x2a,   /* mov byte [rip+1], 42 (patch+1) */
        0xb8, 0x07, 0x00, 0x00, 0x00,               /* patch: mov eax, 7 */
        0xc3,
    };
    uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memcpy(p, code, sizeof(code));
    int a = call(p);
    memcpy(p, code, sizeof(code));
    int b = call(p);
    printf("self: %d %d\n", a, b);
    munmap(p, 4096);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    rwx();
    wx_flip();
    remap();
    moved();
    read_into_code();
    alias();
    thread_running();
    self_modifying();
    return 0;
}
