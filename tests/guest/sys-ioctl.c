/*
 * sys-ioctl.c — ioctl requests on terminals (a pty pair), files, pipes
 * and sockets, printed natively and under emu; unknown requests and bad
 * pointers must fail as Linux fails them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/fs.h>
#include <linux/sockios.h>

#include "show-result.h"

static void terminals(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    show("posix_openpt", m < 0 ? -1 : 0);
    if (m < 0) {
        return;
    }
    int n = -1, lock = 0;
    show("TIOCGPTN", ioctl(m, TIOCGPTN, &n));
    printf("pty number valid: %d\n", n >= 0);
    show("TIOCSPTLCK", ioctl(m, TIOCSPTLCK, &lock));
    show("TIOCGPTLCK", ioctl(m, TIOCGPTLCK, &lock));
    printf("locked %d\n", lock);
    int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    show("TIOCGPTPEER", s < 0 ? -1 : 0);
    struct termios t;
    show("tcgetattr", tcgetattr(s, &t));
    printf("icanon %d echo %d\n", !!(t.c_lflag & ICANON), !!(t.c_lflag & ECHO));
    cfmakeraw(&t);
    show("tcsetattr", tcsetattr(s, TCSANOW, &t));
    tcgetattr(s, &t);
    printf("after raw: icanon %d\n", !!(t.c_lflag & ICANON));
    struct winsize w = { 24, 80, 0, 0 }, w2 = { 0 };
    show("TIOCSWINSZ", ioctl(m, TIOCSWINSZ, &w));
    show("TIOCGWINSZ", ioctl(s, TIOCGWINSZ, &w2));
    printf("winsize %dx%d\n", w2.ws_col, w2.ws_row);
    write(m, "abc", 3);
    /* The tty layer moves the bytes to the slave asynchronously: wait. */
    struct pollfd pf = { s, POLLIN, 0 };
    poll(&pf, 1, 5000);
    int avail = 0;
    show("FIONREAD pty", ioctl(s, FIONREAD, &avail));
    printf("avail %d\n", avail);
    show("TCFLSH", ioctl(s, TCFLSH, TCIFLUSH));
    ioctl(s, FIONREAD, &avail);
    printf("avail after flush %d\n", avail);
    int disc = -1;
    show("TIOCGETD", ioctl(s, TIOCGETD, &disc));
    printf("line discipline %d\n", disc);
    show("TCGETS bad pointer", ioctl(s, TCGETS, bad_pointer));
    show("isatty(pipe)", isatty(0));
    close(s);
    close(m);
}

static void files(void)
{
    int p[2];
    pipe(p);
    write(p[1], "12345", 5);
    int n = 0;
    show("FIONREAD pipe", ioctl(p[0], FIONREAD, &n));
    printf("pipe holds %d\n", n);
    int on = 1;
    show("FIONBIO", ioctl(p[0], FIONBIO, &on));
    printf("O_NONBLOCK %d\n", !!(fcntl(p[0], F_GETFL) & O_NONBLOCK));
    show("FIOCLEX", ioctl(p[0], FIOCLEX));
    printf("FD_CLOEXEC %d\n", fcntl(p[0], F_GETFD));
    show("FIONCLEX", ioctl(p[0], FIONCLEX));
    int f = open("ioctl-file", O_CREAT | O_RDWR, 0600);
    int bsz = 0;
    show("FIGETBSZ", ioctl(f, FIGETBSZ, &bsz));
    printf("block size > 0: %d\n", bsz > 0);
    int flags = 0;
    long r = ioctl(f, FS_IOC_GETFLAGS, &flags);
    printf("FS_IOC_GETFLAGS: %s\n", r == 0 ? "ok" : strerrorname_np(errno));
    show("unknown ioctl", ioctl(f, _IOR('z', 99, int), &flags));
    show("ioctl bad fd", ioctl(1000, FIONREAD, &n));
    show("FIONREAD bad pointer", ioctl(p[0], FIONREAD, bad_pointer));
}

static void sockets(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    show("SIOCGIFINDEX lo", ioctl(s, SIOCGIFINDEX, &ifr));
    int idx = ifr.ifr_ifindex;
    printf("lo index > 0: %d\n", idx > 0);
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_ifindex = idx;
    show("SIOCGIFNAME", ioctl(s, SIOCGIFNAME, &ifr));
    printf("name %s\n", ifr.ifr_name);
    show("SIOCGIFFLAGS", ioctl(s, SIOCGIFFLAGS, &ifr));
    printf("loopback flag %d\n", !!(ifr.ifr_flags & IFF_LOOPBACK));
    show("SIOCGIFMTU", ioctl(s, SIOCGIFMTU, &ifr));
    printf("mtu %d\n", ifr.ifr_mtu);
    char buf[40 * 32];
    struct ifconf ic = { .ifc_len = sizeof(buf), .ifc_buf = buf };
    show("SIOCGIFCONF", ioctl(s, SIOCGIFCONF, &ic));
    int has_lo = 0;
    for (int i = 0; i < ic.ifc_len / (int)sizeof(struct ifreq); i++) {
        has_lo |= strcmp(ic.ifc_req[i].ifr_name, "lo") == 0;
    }
    printf("ifconf lists lo: %d\n", has_lo);
    struct ifconf probe = { .ifc_len = 0, .ifc_buf = NULL };
    show("SIOCGIFCONF length probe", ioctl(s, SIOCGIFCONF, &probe));
    printf("length matches: %d\n", probe.ifc_len == ic.ifc_len);
    struct ifconf bad = { .ifc_len = 80, .ifc_buf = bad_pointer };
    show("SIOCGIFCONF bad buffer", ioctl(s, SIOCGIFCONF, &bad));
    strcpy(ifr.ifr_name, "no-such-if0");
    show("SIOCGIFINDEX missing", ioctl(s, SIOCGIFINDEX, &ifr));
    close(s);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    terminals();
    files();
    sockets();
    return 0;
}
