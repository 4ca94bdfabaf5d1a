/*
 * count-threads.S: a freestanding multi-threaded guest whose every thread
 * executes a fixed number of instructions, whatever the scheduling.
 * The main thread creates NTHREADS threads with raw clone (pthread's
 * flags; a stack each from mmap) and leaves with exit (this thread only);
 * thread k loops k*3000 times; with an argument, thread 2 brackets its
 * loop with START/STOP (magic reads, docs/counting.md); each leaves with exit; the last
 * one ends the process (status 0).  No thread waits for another, so
 * per-thread counts (and their sum) are exact and deterministic: emu with
 * libinsncount (`started`, or `count_per_thread`) must equal the oracle.
 */
#define NTHREADS 6
#define CLONE_FLAGS 0x50f00   /* VM|FS|FILES|SIGHAND|THREAD|SYSVSEM */

    .text
    .globl _start
_start:
    mov (%rsp), %r13             /* argc: > 1 = thread 2 counts a region */
    mov $1, %r12                 /* thread number */
1:  /* stack: mmap(0, 65536, RW, PRIVATE|ANON, -1, 0) */
    mov $9, %eax
    xor %edi, %edi
    mov $65536, %esi
    mov $3, %edx
    mov $0x22, %r10d
    mov $-1, %r8
    xor %r9d, %r9d
    syscall
    lea 65536(%rax), %rsi        /* child stack top */
    mov $56, %eax                /* clone(flags, stack, 0, 0, 0) */
    mov $CLONE_FLAGS, %edi
    xor %edx, %edx
    xor %r10d, %r10d
    xor %r8d, %r8d
    syscall
    test %rax, %rax
    jz worker
    inc %r12
    cmp $NTHREADS, %r12
    jbe 1b
    mov $60, %eax                /* exit(0): the main thread only */
    xor %edi, %edi
    syscall

worker:                          /* r12 = thread number (copied registers) */
    cmp $2, %r12
    jne 2f
    cmp $1, %r13
    je 2f
    mov $0, %eax                 /* START: read(0xcafebabe, rsp-16, 8) */
    mov $0xcafebabe, %edi
    lea -16(%rsp), %rsi
    mov $8, %edx
    syscall
2:  imul $3000, %r12, %rcx
    xor %ebx, %ebx
3:  add %rcx, %rbx
    dec %rcx
    jnz 3b
    cmp $2, %r12
    jne 4f
    cmp $1, %r13
    je 4f
    mov $0, %eax                 /* STOP */
    mov $0xcafebabf, %edi
    lea -16(%rsp), %rsi
    mov $8, %edx
    syscall
4:  mov $60, %eax
    xor %edi, %edi
    syscall
