/* exit-ways: leave by return, exit() (atexit handlers and stdio flushing
 * run), _exit() (neither runs), abort() (SIGABRT), on_exit handlers.
 * Usage: exit-ways HOW [CODE] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void handler1(void) { printf("atexit handler 1\n"); }
static void handler2(void) { printf("atexit handler 2 (runs first)\n"); }
static void on_exit_handler(int status, void *arg)
{
    printf("on_exit handler: status %d, arg %s\n", status, (const char *)arg);
}

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "return";
    int code = argc > 2 ? atoi(argv[2]) : 0;
    atexit(handler1);
    atexit(handler2);
    printf("buffered line before leaving via %s\n", how);   /* stdout is a pipe */
    fprintf(stderr, "stderr is unbuffered\n");
    if (!strcmp(how, "exit"))
        exit(code);
    if (!strcmp(how, "_exit"))
        _exit(code);                 /* the buffered line is lost */
    if (!strcmp(how, "abort")) {
        fflush(stdout);
        abort();
    }
    if (!strcmp(how, "on_exit"))
        on_exit(on_exit_handler, (void *)"cookie");
    return code;
}
