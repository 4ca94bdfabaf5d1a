/*
 * proc-pipe: a shell's work without a shell — pipelines built with pipe,
 * fork, dup2 and execve (this program plays the commands: "gen N",
 * "upper", "count"), their exit statuses, SIGPIPE for a writer whose
 * reader is gone, process groups and sessions (setpgid, getpgid, setsid,
 * getsid, killing a group, waiting for a group, tcsetpgrp without a
 * terminal).
 *
 *   EMU_TEST=1 proc-pipe
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

static const char *self;

/* ---- the commands ---- */

static int cmd_main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "gen")) {
        int n = atoi(argv[2]);
        for (int i = 1; i <= n; i++) {
            printf("line %d of %d\n", i, n);
        }
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "upper")) {
        int c;
        while ((c = getchar()) != EOF) {
            putchar(toupper(c));
        }
        return 3;
    }
    if (argc > 1 && !strcmp(argv[1], "count")) {
        long lines = 0, bytes = 0;
        int c;
        while ((c = getchar()) != EOF) {
            bytes++;
            lines += c == '\n';
        }
        printf("%ld lines, %ld bytes\n", lines, bytes);
        return 5;
    }
    if (argc > 1 && !strcmp(argv[1], "head1")) {
        char buf[256];
        if (fgets(buf, sizeof(buf), stdin)) {
            fputs(buf, stdout);
        }
        return 0;       /* leaves without reading the rest */
    }
    fprintf(stderr, "proc-pipe: unknown command\n");
    return 2;
}

/* ---- running them ---- */

static void show_status(const char *what, int st)
{
    if (WIFEXITED(st)) {
        printf("  %s: exit %d\n", what, WEXITSTATUS(st));
    } else if (WIFSIGNALED(st)) {
        printf("  %s: signal %d\n", what, WTERMSIG(st));
    }
}

/* Start `self ARGS` with stdin/stdout redirected to in/out (-1: keep)
 * and no other descriptor. */
static pid_t start(int in, int out, char *const args[])
{
    pid_t p = fork();
    if (p == 0) {
        if (in >= 0) {
            dup2(in, 0);
        }
        if (out >= 0) {
            dup2(out, 1);
        }
        close_range(3, ~0u, 0);     /* every pipe end but the two */
        char *av[8] = { "cmd" };
        for (int i = 0; args[i] && i < 6; i++) {
            av[i + 1] = args[i];
        }
        char *env[] = { NULL };
        execve(self, av, env);
        _exit(127);
    }
    return p;
}

/* gen N | MIDDLE | LAST, all three waited for in order. */
static void pipeline3(const char *n, char *middle, char *last)
{
    int p1[2], p2[2];
    pipe(p1);
    pipe(p2);
    char *g[] = { "gen", (char *)n, NULL };
    char *m[] = { middle, NULL };
    char *l[] = { last, NULL };
    pid_t a = start(-1, p1[1], g);
    pid_t b = start(p1[0], p2[1], m);
    fflush(stdout);
    pid_t c = start(p2[0], -1, l);
    close(p1[0]);
    close(p1[1]);
    close(p2[0]);
    close(p2[1]);
    int st;
    waitpid(c, &st, 0);
    show_status(last, st);
    waitpid(b, &st, 0);
    show_status(middle, st);
    waitpid(a, &st, 0);
    show_status("gen", st);
}

static void pipelines(void)
{
    printf("gen 3 | upper | upper\n");
    fflush(stdout);
    pipeline3("3", "upper", "upper");
    printf("gen 2000 | upper | count\n");
    fflush(stdout);
    pipeline3("2000", "upper", "count");
    /* The writer outlives its reader: SIGPIPE (the default action). */
    printf("gen 100000 | upper | head1\n");
    fflush(stdout);
    pipeline3("100000", "upper", "head1");
}

static void groups(void)
{
    pid_t me = getpid();
    printf("own group leader: %d, session leader: %d\n", getpgrp() == me, getsid(0) == me);

    /* Two children in a new group led by the first; the group is killed
     * at once and waited for by group id. */
    int ready[2];
    pipe(ready);
    fflush(stdout);
    pid_t leader = fork();
    if (leader == 0) {
        setpgid(0, 0);
        write(ready[1], "l", 1);
        for (;;) {
            pause();
        }
    }
    char c;
    read(ready[0], &c, 1);
    setpgid(leader, leader);        /* as a shell does it on both sides */
    pid_t member = fork();
    if (member == 0) {
        setpgid(0, leader);
        write(ready[1], "m", 1);
        for (;;) {
            pause();
        }
    }
    read(ready[0], &c, 1);
    printf("leader's group is its pid: %d, member joined it: %d, ours is unchanged: %d\n",
           getpgid(leader) == leader, getpgid(member) == leader, getpgrp() == me);
    errno = 0;
    int r = setpgid(member, 1);
    printf("setpgid into a group of another session: %d %s\n", r, strerror(errno));
    errno = 0;
    r = setpgid(999999, 0);
    printf("setpgid of no such process: %d %s\n", r, strerror(errno));
    kill(-leader, SIGTERM);
    /* Both die at once: reap the group in whatever order, print in a
     * fixed one. */
    int st, st_leader = -1, st_member = -1;
    for (int i = 0; i < 2; i++) {
        pid_t w = waitpid(-leader, &st, 0);
        if (w == leader) {
            st_leader = st;
        } else if (w == member) {
            st_member = st;
        }
    }
    for (int i = 0; i < 2; i++) {
        show_status(i == 0 ? "group leader" : "group member", i == 0 ? st_leader : st_member);
    }
    errno = 0;
    r = (int)waitpid(-leader, &st, 0);
    printf("group empty: %d %s\n", r, strerror(errno));

    /* A new session: setsid in a child (not a group leader). */
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        pid_t s = setsid();
        int ok = s == getpid() && getsid(0) == getpid() && getpgrp() == getpid();
        errno = 0;
        int again = setsid();
        int e = errno;
        pid_t fg = tcgetpgrp(0);
        int fge = errno;
        printf("  child: setsid made it leader of both: %d; again: %d %s; "
               "tcgetpgrp without a terminal: %d %s\n",
               ok, again, strerror(e), (int)fg, strerror(fge));
        fflush(stdout);
        _exit(0);
    }
    waitpid(p, &st, 0);
    show_status("setsid child", st);
    errno = 0;
    r = setsid();
    printf("setsid as a group leader (the harness made us one): %d %s\n", r, strerror(errno));
    errno = 0;
    r = tcsetpgrp(0, getpgrp());
    printf("tcsetpgrp on /dev/null: %d %s\n", r, strerror(errno));
    pid_t pg;
    errno = 0;
    r = ioctl(1, TIOCGPGRP, &pg);
    printf("TIOCGPGRP on a pipe: %d %s\n", r, strerror(errno));
}

int main(int argc, char **argv)
{
    if (getenv("EMU_TEST") == NULL) {
        return cmd_main(argc, argv);
    }
    self = argv[0];
    setvbuf(stdout, NULL, _IOFBF, 0);
    signal(SIGPIPE, SIG_DFL);
    pipelines();
    groups();
    printf("done\n");
    return 0;
}
