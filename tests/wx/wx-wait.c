/*
 * tests/wx/wx-wait.c — a guest that has run some code, says "ready PID"
 * and waits for its stdin to close, so that tests/wx/wx-maps.py can read
 * emu's own /proc/PID/maps meanwhile.  With an argument it forks first
 * (both processes wait), and writes and runs code in an RWX page too.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    (void)argv;
    /* code the guest writes itself: mov eax, 42; ret */
    uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        return 1;
    }
    static const uint8_t code[] = { 0xb8, 42, 0, 0, 0, 0xc3 };
    memcpy(page, code, sizeof(code));
    int v = ((int (*)(void))(void *)page)();
    pid_t child = argc > 1 ? fork() : -1;
    printf("ready %d %d\n", (int)getpid(), v);
    fflush(stdout);
    char buf[256];
    while (read(0, buf, sizeof(buf)) > 0) {
    }
    if (child > 0) {
        waitpid(child, NULL, 0);
    }
    return 0;
}
