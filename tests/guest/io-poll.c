/*
 * io-poll.c — I/O multiplexing natively and under emu: poll, ppoll,
 * select, pselect6, epoll (level and edge triggered, MOD/DEL, oneshot),
 * eventfd (counter and semaphore modes), timerfd (relative and absolute,
 * read and gettime), with their error cases.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/timerfd.h>

#include "show-result.h"

static void polls(void)
{
    int p[2];
    pipe(p);
    struct pollfd f[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
    show("poll", poll(f, 2, 0));
    printf("revents %#x %#x\n", f[0].revents, f[1].revents);
    write(p[1], "x", 1);
    show("poll readable", poll(f, 1, 1000));
    printf("revents %#x\n", f[0].revents);
    struct timespec ts = { 0, 1000000 };
    char c;
    read(p[0], &c, 1);
    show("ppoll timeout", ppoll(f, 1, &ts, NULL));
    close(p[1]);
    show("poll hup", poll(f, 1, 0));
    printf("revents %#x\n", f[0].revents);
    struct pollfd nv = { 1000, POLLIN, 0 };
    show("poll bad fd", poll(&nv, 1, 0));
    printf("revents %#x\n", nv.revents);
    show("poll bad array", poll(bad_pointer, 1, 0));
    close(p[0]);

    pipe(p);
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    struct timeval tv = { 0, 0 };
    show("select", select(p[1] + 1, &r, &w, NULL, &tv));
    printf("readable %d writable %d\n", FD_ISSET(p[0], &r), FD_ISSET(p[1], &w));
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    ts.tv_nsec = 2000000;
    show("pselect timeout", pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL));
    show("select negative nfds", select(-1, NULL, NULL, NULL, &tv));
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    show("select bad set", select(p[0] + 1, bad_pointer, NULL, NULL, &tv));
    close(p[0]);
    close(p[1]);
}

static void epolls(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    show("epoll_create1", ep < 0 ? -1 : 0);
    int p[2];
    pipe(p);
    struct epoll_event e = { .events = EPOLLIN, .data.u64 = 0x1122334455667788ULL };
    show("epoll_ctl ADD", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e));
    show("epoll_ctl ADD again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e));
    struct epoll_event out[4];
    show("epoll_wait empty", epoll_wait(ep, out, 4, 0));
    write(p[1], "ab", 2);
    show("epoll_wait", epoll_wait(ep, out, 4, 100));
    printf("events %#x data %#llx\n", out[0].events, (unsigned long long)out[0].data.u64);
    show("epoll_wait level again", epoll_wait(ep, out, 4, 0));
    e.events = EPOLLIN | EPOLLET;
    show("epoll_ctl MOD edge", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
    show("epoll_wait edge", epoll_wait(ep, out, 4, 0));
    show("epoll_wait edge again", epoll_wait(ep, out, 4, 0));
    e.events = EPOLLOUT | EPOLLONESHOT;
    e.data.fd = p[1];
    show("epoll_ctl ADD oneshot", epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &e));
    show("epoll_wait oneshot", epoll_wait(ep, out, 4, 0));
    show("epoll_wait oneshot again", epoll_wait(ep, out, 4, 0));
    /* (With nothing ready Linux does not touch the buffer and returns 0;
     * emu checks it first: only the case with an event is compared.) */
    e.events = EPOLLIN;
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e);
    show("epoll_wait bad buffer, event ready", epoll_wait(ep, bad_pointer, 4, 0));
    show("epoll_ctl DEL", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    show("epoll_ctl DEL missing", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    show("epoll_wait maxevents 0", epoll_wait(ep, out, 0, 0));
    show("epoll_ctl bad event", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], bad_pointer));
    close(p[0]);
    close(p[1]);
    close(ep);
}

static void eventfds(void)
{
    int e = eventfd(3, EFD_NONBLOCK);
    uint64_t v = 4;
    show("eventfd write", write(e, &v, 8));
    show("eventfd read", read(e, &v, 8));
    printf("value %llu\n", (unsigned long long)v);
    show("eventfd read empty", read(e, &v, 8));
    show("eventfd short read", read(e, &v, 4));
    close(e);
    e = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    read(e, &v, 8);
    printf("semaphore read %llu\n", (unsigned long long)v);
    read(e, &v, 8);
    show("semaphore third read", read(e, &v, 8));
    close(e);
}

static void timerfds(void)
{
    int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    struct itimerspec its = { .it_value = { 0, 20000000 } }, cur;
    show("timerfd_settime", timerfd_settime(t, 0, &its, NULL));
    show("timerfd_gettime", timerfd_gettime(t, &cur));
    printf("armed: %d\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0);
    uint64_t n = 0;
    show("timerfd read", read(t, &n, 8));
    printf("expirations %llu\n", (unsigned long long)n);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    its.it_value = now;
    its.it_value.tv_nsec += 5000000;
    if (its.it_value.tv_nsec >= 1000000000) {
        its.it_value.tv_sec++;
        its.it_value.tv_nsec -= 1000000000;
    }
    show("timerfd_settime absolute", timerfd_settime(t, TFD_TIMER_ABSTIME, &its, NULL));
    struct pollfd f = { t, POLLIN, 0 };
    show("poll timerfd", poll(&f, 1, 5000));
    read(t, &n, 8);
    printf("expirations %llu\n", (unsigned long long)n);
    show("timerfd_settime bad", timerfd_settime(t, 0, bad_pointer, NULL));
    show("timerfd_create bad clock", timerfd_create(12345, 0));
    close(t);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    polls();
    epolls();
    eventfds();
    timerfds();
    return 0;
}
