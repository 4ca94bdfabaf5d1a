#!/usr/bin/env python3
"""Check that programs a guest execs run under emu, with emu's options.

usage: proc-under-emu.py --emu EMU --plugin LIBINSNCOUNT -- PROC-PIPE

PROC-PIPE (tests/guest/proc-pipe.c) forks and execs itself as the commands
of three pipelines.  Under `emu -strace -D LOG`, every exec'd image must
log its own system calls into the same file (the log is handed over, not
truncated: the first image's lines stay); under `emu -plugin
libinsncount.so,started`, every exec'd image loads the plugin again and
prints its own count.  A child exec'd natively (outside emu) would do
neither.  Exit status: 0 pass, 1 fail.
"""

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

# gen|upper|upper, gen|upper|count, gen|upper|head1: nine exec'd images
EXECS = 9


def run(cmd, cwd):
    env = {"PATH": "/usr/bin:/bin", "LANG": "C", "EMU_TEST": "1"}
    return subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=300, start_new_session=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emu", required=True)
    ap.add_argument("--plugin", required=True)
    ap.add_argument("prog", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    prog = [os.path.abspath(p) for p in a.prog if p != "--"]
    emu = os.path.abspath(a.emu)
    fails = []

    with tempfile.TemporaryDirectory(prefix="emu-test-") as d:
        log = os.path.join(d, "strace.log")
        r = run([emu, "-strace", "-D", log] + prog, d)
        if r.returncode != 0:
            fails.append("-strace run: exit status %d, stderr %r" % (r.returncode, r.stderr[-400:]))
        text = open(log, errors="replace").read()
        lines = collections.defaultdict(list)
        # Processes write concurrently: a call shown before it blocks (or
        # one whose process is killed in it) can have another process's
        # line glued to it, so entries are found anywhere, not per line.
        for m in re.finditer(r"(\d+) ([a-z_0-9]+)\(", text):
            lines[int(m.group(1))].append(m.group(2))
        first = int(text.split()[0]) if text else 0
        execs = text.count(' execve("')
        # Every child: its execve, then system calls of the new image
        # (the children that run a command end with exit_group).
        new_images = [p for p, calls in lines.items()
                      if p != first and "execve" in calls and
                      calls.index("execve") < len(calls) - 1]
        print("strace: %d processes, %d execve lines, %d images after execve, "
              "%d lines of the first image" % (len(lines), execs, len(new_images),
                                               len(lines.get(first, []))))
        if execs < EXECS or len(new_images) < EXECS:
            fails.append("expected %d exec'd images logging their system calls" % EXECS)
        if "exit_group" not in lines.get(first, []):
            fails.append("the first image's last lines are missing (log truncated?)")

        r = run([emu, "-plugin", os.path.abspath(a.plugin) + ",started"] + prog, d)
        counts = re.findall(rb"executed (\d+) instructions", r.stderr)
        print("insncount: %d counts printed" % len(counts))
        if r.returncode != 0:
            fails.append("-plugin run: exit status %d" % r.returncode)
        # the first image, each exec'd image that exits (not those killed
        # by SIGPIPE: two), and the forked child that exits after setsid
        if len(counts) < 1 + EXECS - 2:
            fails.append("expected a count from every exec'd image that exits")

    for f in fails:
        print("FAIL:", f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
