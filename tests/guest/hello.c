/* hello: print the arguments; exit with the last one if it is a number. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    printf("hello from %s, argc=%d\n", base, argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = [%s] (%zu bytes)\n", i, argv[i], strlen(argv[i]));
    if (argv[argc] != NULL)
        printf("argv not NULL-terminated\n");
    int code = 0;
    if (argc > 1) {
        char *end;
        long v = strtol(argv[argc - 1], &end, 10);
        if (*argv[argc - 1] && !*end)
            code = (int)v;
    }
    fprintf(stderr, "exiting with %d\n", code);
    return code;
}
