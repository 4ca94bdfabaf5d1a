/* setjmp: longjmp out of deep recursion, nested jump buffers, values kept in
 * volatile locals, sigsetjmp/siglongjmp, and longjmp(env, 0) returning 1. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static jmp_buf outer, inner;
static int depth_reached;

static void dive(int depth, int target, jmp_buf *env)
{
    char pad[64];
    pad[depth % 64] = (char)depth;
    depth_reached = depth + pad[depth % 64] - (char)depth;
    if (depth == target)
        longjmp(*env, depth);
    if (depth < 1000000)
        dive(depth + 1, target, env);
}

static int nested(int n)
{
    volatile int count = 0;
    jmp_buf env;
    int v = setjmp(env);
    if (v < n) {
        count++;
        if (v % 3 == 0)
            dive(0, 10 * v + 1, &env), (void)0;  /* never returns */
        longjmp(env, v + 1);
    }
    return count;
}

int main(void)
{
    volatile int stage = 0;
    int v = setjmp(outer);
    printf("outer setjmp returned %d at stage %d\n", v, stage);
    if (stage < 4) {
        stage++;
        if (stage == 1)
            dive(0, 1000, &outer);
        else if (stage == 2)
            longjmp(outer, 0);      /* must come back as 1 */
        else
            longjmp(outer, -stage);
    }
    printf("depth reached %d\n", depth_reached);

    if ((v = setjmp(inner)) == 0) {
        if (setjmp(outer) == 0)
            longjmp(inner, 42);     /* jump over a live, newer buffer */
        printf("not reached\n");
    }
    printf("inner returned %d\n", v);
    printf("nested(20) counted %d\n", nested(20));

    sigjmp_buf senv;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    volatile int round = 0;
    if (sigsetjmp(senv, 1) == 0) {
        sigprocmask(SIG_BLOCK, &set, NULL);
        round = 1;
        siglongjmp(senv, 7);
    }
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    printf("siglongjmp round %d, SIGUSR1 blocked after restore: %d\n",
           round, sigismember(&now, SIGUSR1));
    return 0;
}
