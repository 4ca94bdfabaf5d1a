/*
 * net-loopback.c — sockets over loopback, natively and under emu: a TCP
 * server thread and client (bind to port 0, getsockname, listen, accept4,
 * connect, send/recv, MSG_PEEK, shutdown, options), UDP sendto/recvfrom,
 * a unix socketpair passing a file descriptor with SCM_RIGHTS and the
 * sender's credentials with SCM_CREDENTIALS, and the errors of misuse.
 * Only facts that are the same on every run are printed (no port numbers).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "show-result.h"

static int listener;

static void *server(void *arg)
{
    struct sockaddr_in peer;
    socklen_t len = sizeof(peer);
    int c = accept4(listener, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
    if (c < 0) {
        return NULL;
    }
    char buf[256];
    size_t total = 0;
    long n;
    while ((n = recv(c, buf, sizeof(buf), 0)) > 0) {
        total += (size_t)n;
        for (long i = 0; i < n; i++) {
            buf[i] = (char)(buf[i] >= 'a' && buf[i] <= 'z' ? buf[i] - 32 : buf[i]);
        }
        send(c, buf, (size_t)n, MSG_NOSIGNAL);
    }
    /* The client shut down its write side: say how much came. */
    dprintf(c, "server got %zu bytes, peer is loopback: %d\n", total,
            peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    close(c);
    return NULL;
}

static void tcp(void)
{
    listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    show("setsockopt SO_REUSEADDR", setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    show("bind", bind(listener, (struct sockaddr *)&a, sizeof(a)));
    socklen_t len = sizeof(a);
    show("getsockname", getsockname(listener, (struct sockaddr *)&a, &len));
    printf("bound port nonzero: %d, len %u\n", a.sin_port != 0, len);
    show("listen", listen(listener, 4));
    pthread_t t;
    pthread_create(&t, NULL, server, NULL);

    int c = socket(AF_INET, SOCK_STREAM, 0);
    show("connect", connect(c, (struct sockaddr *)&a, sizeof(a)));
    show("setsockopt TCP_NODELAY", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));
    int v = 0;
    len = sizeof(v);
    show("getsockopt TCP_NODELAY", getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &len));
    printf("nodelay %d len %u\n", v != 0, len);
    len = sizeof(v);
    show("getsockopt SO_TYPE", getsockopt(c, SOL_SOCKET, SO_TYPE, &v, &len));
    printf("type %d\n", v);
    const char *msg = "hello over loopback";
    show("send", send(c, msg, strlen(msg), 0));
    char buf[512] = "";
    size_t got = 0;
    while (got < strlen(msg)) {
        long n = recv(c, buf + got, sizeof(buf) - 1 - got, 0);
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
    }
    printf("echo: %.*s\n", (int)got, buf);
    show("shutdown SHUT_WR", shutdown(c, SHUT_WR));
    memset(buf, 0, sizeof(buf));
    long n = recv(c, buf, sizeof(buf) - 1, MSG_PEEK | MSG_WAITALL);
    printf("peeked something: %d\n", n > 0);
    got = 0;
    while ((n = recv(c, buf + got, sizeof(buf) - 1 - got, 0)) > 0) {
        got += (size_t)n;
    }
    printf("%s", buf);
    show("recv after EOF", recv(c, buf, 10, 0));
    show("send after shutdown", send(c, "x", 1, MSG_NOSIGNAL));
    pthread_join(t, NULL);
    close(c);
    show("connect while still listening", ({
        int d = socket(AF_INET, SOCK_STREAM, 0);
        long r = connect(d, (struct sockaddr *)&a, sizeof(a));
        int e = errno;
        close(d);
        errno = e;
        r;
    }));
    close(listener);
}

static void udp(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0), r = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    bind(r, (struct sockaddr *)&a, sizeof(a));
    socklen_t len = sizeof(a);
    getsockname(r, (struct sockaddr *)&a, &len);
    show("sendto", sendto(s, "datagram", 8, 0, (struct sockaddr *)&a, sizeof(a)));
    show("sendto", sendto(s, "two", 3, 0, (struct sockaddr *)&a, sizeof(a)));
    char buf[64];
    struct sockaddr_in from;
    len = sizeof(from);
    long n = recvfrom(r, buf, 4, 0, (struct sockaddr *)&from, &len);
    printf("recvfrom %ld (truncated) '%.*s' from loopback: %d len %u\n", n, (int)n, buf,
           from.sin_addr.s_addr == htonl(INADDR_LOOPBACK), len);
    n = recv(r, buf, sizeof(buf), MSG_TRUNC);
    printf("MSG_TRUNC recv %ld\n", n);
    show("recv empty", recv(r, buf, sizeof(buf), MSG_DONTWAIT));
    show("sendto bad address", sendto(s, "x", 1, 0, (struct sockaddr *)(uintptr_t)8, sizeof(a)));
    show("sendto bad addrlen", sendto(s, "x", 1, 0, (struct sockaddr *)&a, 1000));
    close(s);
    close(r);
}

static void unix_rights(void)
{
    int sv[2];
    show("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    int one = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
    int p[2];
    pipe(p);
    write(p[1], "through a passed fd\n", 20);
    struct iovec iov = { "x", 1 };
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                        .msg_controllen = sizeof(u.buf) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p[0], sizeof(int));
    show("sendmsg SCM_RIGHTS", sendmsg(sv[0], &m, 0));
    close(p[0]);

    char data[4];
    union { char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))]; struct cmsghdr a; } r;
    struct iovec riov = { data, sizeof(data) };
    struct msghdr rm = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = r.buf,
                         .msg_controllen = sizeof(r.buf) };
    show("recvmsg", recvmsg(sv[1], &rm, MSG_CMSG_CLOEXEC));
    int fd = -1, creds_ok = 0;
    for (c = CMSG_FIRSTHDR(&rm); c; c = CMSG_NXTHDR(&rm, c)) {
        if (c->cmsg_type == SCM_RIGHTS) {
            memcpy(&fd, CMSG_DATA(c), sizeof(int));
        } else if (c->cmsg_type == SCM_CREDENTIALS) {
            struct ucred cr;
            memcpy(&cr, CMSG_DATA(c), sizeof(cr));
            creds_ok = cr.pid == getpid() && cr.uid == getuid();
        }
    }
    printf("got an fd: %d, cloexec %d, credentials are ours: %d, flags 0x%x\n", fd >= 0,
           fd >= 0 ? fcntl(fd, F_GETFD) : -1, creds_ok, rm.msg_flags);
    char line[64] = "";
    if (fd >= 0) {
        read(fd, line, sizeof(line) - 1);
    }
    printf("%s", line);

    struct sockaddr_un ua = { .sun_family = AF_UNIX };
    snprintf(ua.sun_path, sizeof(ua.sun_path), "unix-sock");
    int ls = socket(AF_UNIX, SOCK_DGRAM, 0);
    show("bind unix path", bind(ls, (struct sockaddr *)&ua, sizeof(ua)));
    show("bind again", bind(socket(AF_UNIX, SOCK_DGRAM, 0), (struct sockaddr *)&ua, sizeof(ua)));
    struct sockaddr_un back;
    socklen_t len = sizeof(back);
    getsockname(ls, (struct sockaddr *)&back, &len);
    printf("unix name %s\n", back.sun_path);
    unlink("unix-sock");
    show("socket bad family", socket(12345, SOCK_STREAM, 0));
    show("getsockopt bad optlen ptr", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &one, (socklen_t *)8));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    tcp();
    udp();
    unix_rights();
    return 0;
}
