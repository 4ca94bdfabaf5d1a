#!/usr/bin/env python3
"""Check emu's -strace output for tests/strace/strace-probe.c.

usage: strace-test.py EMU PROBE

Each expected pattern (a regular expression for one whole line, without
the leading pid) must match a line of the log, in this order.  The
errno numbers and messages come from the host's own tables, so they are
checked against Python's (the same libc).
"""
import errno
import os
import re
import subprocess
import sys

emu, probe = sys.argv[1], sys.argv[2]
E = lambda name: r"-1 errno=%d \(%s\)" % (getattr(errno, name), re.escape(os.strerror(getattr(errno, name))))
EXPECT = [
    r'openat\(AT_FDCWD,"/nonexistent-dir/emu-strace",O_WRONLY\|O_CREAT\|O_EXCL\|O_CLOEXEC,0644\) = ' + E("ENOENT"),
    r"mmap\(NULL,8192,PROT_READ\|PROT_WRITE,MAP_PRIVATE\|MAP_ANONYMOUS,-1,0x0\) = 0x[0-9a-f]+",
    r"mprotect\(0x[0-9a-f]+,4096,PROT_NONE\) = 0",
    r"mprotect\(0x[0-9a-f]+,4096,PROT_READ\|0x1000\) = " + E("EINVAL"),
    r"clock_gettime\(CLOCK_MONOTONIC,0x[0-9a-f]+\) = 0",
    r"rt_sigaction\(SIGUSR1,0x[0-9a-f]+,0x[0-9a-f]+,8\) = 0",
    r"kill\(\d+,SIGUSR1\) = 0",
    r"rt_sigaction\(SIGRT_8,NULL,0x[0-9a-f]+,8\) = 0",
    r"fcntl\(1,F_DUPFD_CLOEXEC,0xa\) = \d+",
    r"lseek\(0,0,SEEK_CUR\) = .*",
    r"socket\(AF_UNIX,0x1,0\) = \d+",
    r"wait4\(-1,NULL,WNOHANG,NULL\) = " + E("ECHILD"),
    r'write\(1,0x[0-9a-f]+,21\) = 21',
    r'execve\("/nonexistent-dir/prog",\["one","two words"\],\["one","two words"\]\) = ' + E("ENOENT") + "|" +
    r'execve\("/nonexistent-dir/prog",\["one","two words"\],\["one","two words"\]\) = ' + E("ENOSYS"),
    r"exit_group\(0\) = \?",
]

r = subprocess.run([emu, "-strace", probe], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                   text=True, timeout=60)
lines = [re.sub(r"^\d+ ", "", l) for l in r.stderr.splitlines()]
i = 0
for pat in EXPECT:
    rx = re.compile(pat)
    while i < len(lines) and not rx.fullmatch(lines[i]):
        i += 1
    if i == len(lines):
        print("strace-test: no line matches (in order):\n  " + pat)
        print("log was:\n" + r.stderr)
        sys.exit(1)
    i += 1
print("strace-test: %d expected lines found in order" % len(EXPECT))
