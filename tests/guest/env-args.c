/* env-args: argv, the environment (sorted) and the deterministic auxv
 * entries, as the harness's fixed environment makes them identical. */
#define _GNU_SOURCE
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;
extern char _start[];

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv, char **envp)
{
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=[%s]\n", i, argv[i]);
    int n = 0;
    while (envp[n]) n++;
    printf("envp == environ: %d, %d variables\n", envp == environ, n);
    char **sorted = malloc((n + 1) * sizeof *sorted);
    memcpy(sorted, envp, (n + 1) * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp);
    for (int i = 0; i < n; i++)
        printf("env: %s\n", sorted[i]);
    printf("getenv(PATH)=%s getenv(NOPE)=%s\n", getenv("PATH"), getenv("NOPE") ? "set" : "(null)");
    setenv("NEW_VAR", "new", 1);
    unsetenv("AA_FIRST");
    printf("after setenv/unsetenv: NEW_VAR=%s AA_FIRST=%s\n", getenv("NEW_VAR"),
           getenv("AA_FIRST") ? getenv("AA_FIRST") : "(null)");

    /* argv/envp layout that the loader must provide */
    printf("argv[argc]==NULL %d, envp follows argv %d\n", argv[argc] == NULL,
           envp == argv + argc + 1);
    printf("AT_PAGESZ=%lu AT_CLKTCK=%lu AT_SECURE=%lu AT_PHENT=%lu\n",
           getauxval(AT_PAGESZ), getauxval(AT_CLKTCK), getauxval(AT_SECURE),
           getauxval(AT_PHENT));
    printf("AT_UID==getuid %d AT_EUID==geteuid %d AT_GID==getgid %d AT_EGID==getegid %d\n",
           getauxval(AT_UID) == getuid(), getauxval(AT_EUID) == geteuid(),
           getauxval(AT_GID) == getgid(), getauxval(AT_EGID) == getegid());
    printf("AT_ENTRY==_start %d AT_PHNUM>0 %d AT_PHDR set %d AT_BASE set %d\n",
           getauxval(AT_ENTRY) == (uintptr_t)_start, getauxval(AT_PHNUM) > 0,
           getauxval(AT_PHDR) != 0, getauxval(AT_BASE) != 0);
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    int loads = 0;
    for (unsigned long i = 0; ph && i < getauxval(AT_PHNUM); i++)
        loads += ph[i].p_type == PT_LOAD;
    printf("PT_LOAD entries seen through AT_PHDR: %d\n", loads);
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    printf("AT_RANDOM set %d\n", rnd != NULL);
    const char *plat = (const char *)getauxval(AT_PLATFORM);
    printf("AT_PLATFORM=%s\n", plat ? plat : "(none)");
    const char *fn = (const char *)getauxval(AT_EXECFN);
    printf("AT_EXECFN==argv[0] %d\n", fn && !strcmp(fn, argv[0]));
    return 0;
}
