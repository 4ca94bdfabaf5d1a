/* magic.h: the guest side of the magic-fd protocol (docs/counting.md).
 * magic_sys() is a bare `syscall` instruction, so a region measured with
 * it holds only the guest's own code; the libc read() form is used too. */
#ifndef COUNT_MAGIC_H
#define COUNT_MAGIC_H
#include <stdint.h>

#define MAGIC_A 0xcafebabeu
#define MAGIC_B 0x0afebabeu
enum { MAGIC_START, MAGIC_STOP, MAGIC_READ, MAGIC_WRITTEN };

/* read(fd, buf, len) as one `syscall`; fd sign-extended like an int */
static inline long magic_sys(uint32_t base, int k, void *buf, unsigned long len)
{
    long ret;
    long fd = (int)(base + k);
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"(0L), "D"(fd), "S"(buf), "d"(len)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline uint64_t magic_start(void)
{
    uint64_t v = 0;
    magic_sys(MAGIC_A, MAGIC_START, &v, 8);
    return v;
}

static inline uint64_t magic_stop(void)
{
    uint64_t v = 0;
    magic_sys(MAGIC_A, MAGIC_STOP, &v, 8);
    return v;
}
#endif
