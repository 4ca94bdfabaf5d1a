/*
 * proc-exec: execve and execveat.
 *
 *   EMU_TEST=1 proc-exec OTHER     OTHER: another guest program (hello)
 *
 * Runs OTHER and itself (as "proc-exec child ...") through execve from
 * forked children and prints what the new programs see: AT_EXECFN, argv, the
 * environment exactly as passed, which descriptors crossed the exec.
 * Then every error the kernel gives before the old image is lost (ENOENT,
 * ENOTDIR, EACCES, ENOEXEC, ELOOP, EFAULT, E2BIG, EINVAL), `#!` scripts
 * (with an argument, nested up to the kernel's limit), execveat (a
 * descriptor with AT_EMPTY_PATH, relative to a directory descriptor,
 * AT_SYMLINK_NOFOLLOW), an empty argv, and execve from a thread.
 * Under emu the new programs run under emu too.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

extern char **environ;
static const char *self;     /* absolute path of this program */

/* ---- the exec'd side ---- */

static int child_main(int argc, char **argv)
{
    printf("  child: AT_EXECFN %s, argc=%d", (const char *)getauxval(AT_EXECFN), argc);
    for (int i = 1; i < argc; i++) {
        printf(" [%s]", argv[i]);
    }
    printf("\n  child: env:");
    for (char **e = environ; *e; e++) {
        if (strncmp(*e, "EXPECT_PID=", 11) != 0) {      /* a pid: differs */
            printf(" {%s}", *e);
        }
    }
    printf("\n");
    /* Descriptors 3..63 open here (the test opens 10 and 11). */
    printf("  child: open fds:");
    for (int fd = 3; fd < 64; fd++) {
        if (fcntl(fd, F_GETFD) >= 0) {
            printf(" %d", fd);
        }
    }
    printf("\n");
    const char *pid = getenv("EXPECT_PID");
    if (pid) {
        printf("  child: same pid as before the exec: %d\n", atoi(pid) == getpid());
    }
    fflush(stdout);
    return 17;
}

/* ---- the exec'ing side ---- */

static void wait_show(pid_t p)
{
    int st;
    if (waitpid(p, &st, 0) != p) {
        printf("  waitpid: %s\n", strerror(errno));
    } else if (WIFEXITED(st)) {
        printf("  exit status %d\n", WEXITSTATUS(st));
    } else {
        printf("  killed by signal %d\n", WTERMSIG(st));
    }
    fflush(stdout);
}

/* execve in a child; show what happened. */
static void run(const char *what, const char *path, char *const argv[], char *const envp[])
{
    printf("%s\n", what);
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        execve(path, argv, envp);
        printf("  execve: %s\n", strerror(errno));
        fflush(stdout);
        _exit(99);
    }
    wait_show(p);
}

/* The result of a raw system call that must fail. */
static void show(const char *what, long r)
{
    int e = errno;
    printf("%s: %ld %s\n", what, r, r < 0 ? strerror(e) : "");
}

/* An execve that must fail and leave this process as it was. */
static void fails(const char *what, const char *path, char *const argv[])
{
    static char *env[] = { "X=1", NULL };
    errno = 0;
    int r = execve(path, argv, env);
    printf("%s: %d %s\n", what, r, strerror(errno));
}

static void write_file(const char *name, const char *text, mode_t mode)
{
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        perror(name);
        exit(1);
    }
    close(fd);
    chmod(name, mode);
}

static void plain(const char *other)
{
    char *a1[] = { "hello-renamed", "one", "two words", "3", NULL };
    char *e1[] = { "ONLY=this", NULL };
    run("execve OTHER", other, a1, e1);

    char *a2[] = { "argv0-is-free", "child", "x", NULL };
    char *e2[] = { "B=2", "A=1", "EMPTY=", "QEMU_STRACE_LIKE=not-an-option", NULL };
    run("execve self with an exact environment", self, a2, e2);
    char *e3[] = { NULL };
    run("execve self with an empty environment", self, a2, e3);
    run("execve /proc/self/exe (this program, not the emulator)", "/proc/self/exe", a2, e3);

    /* Descriptors: 10 crosses the exec, 11 (close-on-exec) does not. */
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    dup2(fd, 10);
    dup3(fd, 11, O_CLOEXEC);
    close(fd);
    run("execve with fd 10 inheritable and fd 11 close-on-exec", self, a2, e3);
    close(10);
    close(11);

    char *a4[] = { NULL };
    printf("execve with an empty argv (Linux passes argv[0] = \"\")\n");
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        char *e[] = { "EMPTY_ARGV=1", NULL };
        execve(self, a4, e);
        _exit(99);
    }
    wait_show(p);
}

static void errors(void)
{
    char *av[] = { "x", NULL };
    char longpath[PATH_MAX + 10];
    memset(longpath, 'a', sizeof(longpath) - 1);
    longpath[sizeof(longpath) - 1] = '\0';

    mkdir("dir", 0755);
    write_file("noexec", "#!/bin/sh\n", 0644);
    write_file("garbage", "this is no program\n", 0755);
    write_file("empty", "", 0755);
    write_file("elf-trunc", "\177ELF\2\1\1", 0755);
    write_file("shebang-only", "#!\n", 0755);
    write_file("shebang-blank", "#!  \t \n", 0755);
    write_file("bad-interp", "#!/nonexistent/interp arg\n", 0755);
    write_file("interp-noexec", "#!./noexec\n", 0755);
    symlink("loop-b", "loop-a");
    symlink("loop-a", "loop-b");

    fails("ENOENT", "/nonexistent", av);
    fails("empty path", "", av);
    fails("ENOTDIR", "garbage/x", av);
    fails("directory", "dir", av);
    fails("no execute bit", "noexec", av);
    fails("not a program", "garbage", av);
    fails("empty file", "empty", av);
    fails("truncated ELF", "elf-trunc", av);
    fails("#! alone", "shebang-only", av);
    fails("#! and blanks", "shebang-blank", av);
    fails("#! missing interpreter", "bad-interp", av);
    fails("#! interpreter not executable", "interp-noexec", av);
    fails("symlink loop", "loop-a", av);
    fails("path too long", longpath, av);
    show("bad path pointer", syscall(SYS_execve, (char *)8, av, NULL));
    show("bad argv pointer", syscall(SYS_execve, self, (char **)8, NULL));
    char *bad_arg[] = { "x", (char *)8, NULL };
    show("bad argv string", syscall(SYS_execve, self, bad_arg, NULL));
    char *huge = malloc(200 * 1024);
    memset(huge, 'h', 200 * 1024 - 1);
    huge[200 * 1024 - 1] = '\0';
    char *big[] = { "x", huge, NULL };
    fails("one argument over 128 KiB", self, big);
    free(huge);
    printf("still here\n");
}

static void scripts(void)
{
    char text[PATH_MAX + 64];
    char *av[] = { "script-argv0", "A", "B C", NULL };
    char *env[] = { "S=1", NULL };

    snprintf(text, sizeof(text), "#!%s child\n", self);
    write_file("s1", text, 0755);
    run("#! with an argument", "./s1", av, env);
    snprintf(text, sizeof(text), "#! \t%s\tchild  with spaces \t\necho ignored\n", self);
    write_file("s-spaces", text, 0755);
    run("#! with blanks and an argument with spaces", "s-spaces", av, env);
    snprintf(text, sizeof(text), "#!%s", self);
    write_file("s-nonl", text, 0755);
    run("#! without a newline, no argument (child mode is argv[1], the script)", "./s-nonl",
        av, env);
    /* s2 .. s6: each runs the previous one; s6 is one level too many. */
    for (int i = 2; i <= 6; i++) {
        snprintf(text, sizeof(text), "#!./s%d\n", i - 1);
        char name[8];
        snprintf(name, sizeof(name), "s%d", i);
        write_file(name, text, 0755);
    }
    run("#! nested 5 deep", "./s5", av, env);
    fails("#! nested 6 deep", "./s6", av);
}

static void at_variants(void)
{
    char *av[] = { "at", "child", "via-execveat", NULL };
    char *env[] = { "E=1", NULL };

    printf("execveat(fd, \"\", AT_EMPTY_PATH) (fexecve)\n");
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        int fd = open(self, O_RDONLY | O_CLOEXEC);
        syscall(SYS_execveat, fd, "", av, env, AT_EMPTY_PATH);
        printf("  execveat: %s\n", strerror(errno));
        _exit(99);
    }
    wait_show(p);

    printf("execveat(dirfd, \"s1\", 0), dirfd kept across exec\n");
    fflush(stdout);
    p = fork();
    if (p == 0) {
        int dfd = open(".", O_RDONLY | O_DIRECTORY);
        if (dfd != 3) {
            dup2(dfd, 3);   /* the script name /dev/fd/3/s1 is in the output */
        }
        syscall(SYS_execveat, 3, "s1", av, env, 0);
        printf("  execveat: %s\n", strerror(errno));
        _exit(99);
    }
    wait_show(p);

    int dfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    show("script through a close-on-exec dirfd", syscall(SYS_execveat, dfd, "s1", av, env, 0));
    symlink("s1", "s1-link");
    show("AT_SYMLINK_NOFOLLOW on a symlink",
         syscall(SYS_execveat, dfd, "s1-link", av, env, AT_SYMLINK_NOFOLLOW));
    show("empty path without AT_EMPTY_PATH", syscall(SYS_execveat, dfd, "", av, env, 0));
    show("AT_EMPTY_PATH on a directory",
         syscall(SYS_execveat, dfd, "", av, env, AT_EMPTY_PATH));
    show("unknown flag", syscall(SYS_execveat, dfd, "s1", av, env, 0x40000));
    close(dfd);
}

/* execve from a second thread: the process keeps its pid, the other
 * threads are gone. */
static void *exec_thread(void *arg)
{
    char pid[32];
    snprintf(pid, sizeof(pid), "EXPECT_PID=%d", (int)getpid());
    char *av[] = { "from-thread", "child", NULL };
    char *env[] = { pid, NULL };
    execve(self, av, env);
    printf("  execve: %s\n", strerror(errno));
    _exit(99);
}

static void *sleeper(void *arg)
{
    for (;;) {
        pause();
    }
    return NULL;
}

static void from_thread(void)
{
    printf("execve from a second thread while a third one waits\n");
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        pthread_t a, b;
        pthread_create(&a, NULL, sleeper, NULL);
        pthread_create(&b, NULL, exec_thread, NULL);
        pthread_join(b, NULL);
        _exit(98);
    }
    wait_show(p);
}

int main(int argc, char **argv)
{
    if (argc == 1 && argv[0][0] == '\0') {
        printf("  child: argc=1, argv[0] empty, env %s\n", environ[0] ? environ[0] : "-");
        return 18;
    }
    /* Only the harness's run (EMU_TEST=1 in its environment) tests; every
     * exec'd copy, whatever its argv, is a child. */
    if (getenv("EMU_TEST") == NULL) {
        return child_main(argc, argv);
    }
    if (argc != 2) {
        fprintf(stderr, "usage: proc-exec OTHER-PROGRAM\n");
        return 2;
    }
    self = argv[0];
    if (self[0] != '/') {
        fprintf(stderr, "proc-exec: run it with an absolute path\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOFBF, 0);
    plain(argv[1]);
    errors();
    fflush(stdout);
    scripts();
    at_variants();
    from_thread();
    printf("done\n");
    return 0;
}
