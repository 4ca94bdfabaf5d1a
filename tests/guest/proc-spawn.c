/*
 * proc-spawn: posix_spawn and friends.
 *
 *   EMU_TEST=1 proc-spawn [shell]
 *
 * glibc's posix_spawn runs the child with clone3(CLONE_VM | CLONE_VFORK)
 * on a stack of its own; a child that cannot exec writes the error into
 * the parent's memory and exits 127, so success and failure (ENOENT,
 * EACCES, ENOEXEC) are reported only if the child really shares the
 * parent's memory.  Also posix_spawnp's PATH search, file actions (open,
 * dup2, close), attributes (signal mask, process group, session), and
 * posix_spawn and fork from four threads at once.  With the argument "shell", system() and popen() too:
 * they run /bin/sh, a dynamic program.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;
static const char *self;

static int child_main(int argc, char **argv)
{
    printf("  child:");
    for (int i = 1; i < argc; i++) {
        printf(" [%s]", argv[i]);
    }
    sigset_t m;
    sigprocmask(SIG_SETMASK, NULL, &m);
    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    printf(" usr2-blocked=%d usr1-default=%d same-pgrp-as-pid=%d own-session=%d\n",
           sigismember(&m, SIGUSR2), sa.sa_handler == SIG_DFL, getpgrp() == getpid(),
           getsid(0) == getpid());
    char buf[64];
    ssize_t n = read(0, buf, sizeof(buf) - 1);
    if (n > 0) {
        buf[n] = '\0';
        printf("  child: stdin says %s", buf);
    }
    fflush(stdout);
    return argc > 2 ? atoi(argv[argc - 1]) : 0;
}

static void spawn(const char *what, const char *path, bool use_path,
                  const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *at,
                  char *const argv[])
{
    pid_t p = -1;
    printf("%s\n", what);
    fflush(stdout);
    int r = use_path ? posix_spawnp(&p, path, fa, at, argv, environ)
                     : posix_spawn(&p, path, fa, at, argv, environ);
    int st = 0;
    if (r == 0) {
        waitpid(p, &st, 0);     /* before printing: the child writes too */
    }
    printf("  posix_spawn: %d %s\n", r, r ? strerror(r) : "");
    if (r == 0) {
        printf("  exit status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));
    }
    fflush(stdout);
}

static void on_usr1(int sig)
{
}

/* posix_spawn (success and ENOENT) and fork from several threads at once:
 * vfork children of one thread run while the other threads go on. */
#define SPAWN_THREADS 4
#define SPAWN_ROUNDS 8
static int thread_ok[SPAWN_THREADS], thread_enoent[SPAWN_THREADS];

static void *spawner(void *arg)
{
    long id = (long)arg;
    for (int i = 0; i < SPAWN_ROUNDS; i++) {
        pid_t p;
        int st;
        char *a[] = { "quiet", "child-quiet", NULL };
        if (posix_spawn(&p, self, NULL, NULL, a, environ) == 0 && waitpid(p, &st, 0) == p) {
            thread_ok[id] += WIFEXITED(st) && WEXITSTATUS(st) == 3;
        }
        thread_enoent[id] += posix_spawn(&p, "/nonexistent", NULL, NULL, a, environ) == ENOENT;
        p = fork();
        if (p == 0) {
            char *m = malloc(1000);
            memset(m, 1, 1000);
            _exit(m[5]);
        }
        if (waitpid(p, &st, 0) == p) {
            thread_ok[id] += WIFEXITED(st) && WEXITSTATUS(st) == 1;
        }
    }
    return NULL;
}

static void spawn_from_threads(void)
{
    pthread_t t[SPAWN_THREADS];
    for (long i = 0; i < SPAWN_THREADS; i++) {
        pthread_create(&t[i], NULL, spawner, (void *)i);
    }
    for (int i = 0; i < SPAWN_THREADS; i++) {
        pthread_join(t[i], NULL);
        printf("thread %d: %d of %d children right, %d of %d ENOENT\n", i, thread_ok[i],
               2 * SPAWN_ROUNDS, thread_enoent[i], SPAWN_ROUNDS);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child-quiet") == 0) {
        return 3;
    }
    if (getenv("EMU_TEST") == NULL || (argc > 1 && strcmp(argv[1], "child") == 0)) {
        return child_main(argc, argv);
    }
    self = argv[0];
    setvbuf(stdout, NULL, _IOFBF, 0);

    char *av[] = { "spawned", "child", "a b", "7", NULL };
    spawn("posix_spawn of this program", self, false, NULL, NULL, av);
    spawn("ENOENT", "/nonexistent/prog", false, NULL, NULL, av);
    int fd = open("plain", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "not a program\n", 14);
    close(fd);
    spawn("EACCES (no execute bit)", "./plain", false, NULL, NULL, av);
    chmod("plain", 0755);
    /* glibc runs a file the kernel calls ENOEXEC with /bin/sh only for
     * posix_spawnp's compat mode; posix_spawn reports the error. */
    spawn("ENOEXEC", "./plain", false, NULL, NULL, av);

    /* posix_spawnp: a PATH search that finds this program in ./bin. */
    mkdir("bin", 0755);
    unlink("bin/myself");
    symlink(self, "bin/myself");
    char *path = getenv("PATH");
    char *saved = path ? strdup(path) : NULL;
    setenv("PATH", "/nonexistent:./bin", 1);
    spawn("posix_spawnp through PATH", "myself", true, NULL, NULL, av);
    spawn("posix_spawnp not found", "no-such-program-here", true, NULL, NULL, av);
    if (saved) {
        setenv("PATH", saved, 1);
        free(saved);
    }

    /* File actions: stdin from a file, stdout to a file, then shown. */
    fd = open("input", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "hello through stdin\n", 20);
    close(fd);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "input", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 5, "output", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 5, 1);
    posix_spawn_file_actions_addclose(&fa, 5);
    spawn("file actions: open, dup2, close", self, false, &fa, NULL, av);
    posix_spawn_file_actions_destroy(&fa);
    char buf[256];
    fd = open("output", O_RDONLY);
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    printf("  the child's output file:\n%s", buf);

    /* A failing file action is the spawn's error, too. */
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "no/such/file", O_RDONLY, 0);
    spawn("failing file action", self, false, &fa, NULL, av);
    posix_spawn_file_actions_destroy(&fa);

    /* Attributes: signal mask, signal defaults, process group, session. */
    signal(SIGUSR1, on_usr1);
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    posix_spawnattr_setsigmask(&at, &m);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
    spawn("attributes: mask, new process group", self, false, NULL, &at, av);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID);
    spawn("attributes: new session", self, false, NULL, &at, av);
    posix_spawnattr_destroy(&at);
    signal(SIGUSR1, SIG_DFL);

    spawn_from_threads();

    if (argc > 1 && strcmp(argv[1], "shell") == 0) {
        printf("system: %d\n", system("echo from sh; exit 3"));
        fflush(stdout);
        FILE *f = popen("echo popen line; echo second", "r");
        while (f && fgets(buf, sizeof(buf), f)) {
            printf("  popen read: %s", buf);
        }
        printf("  pclose: %d\n", f ? pclose(f) : -1);
    }
    printf("done\n");
    return 0;
}
