#!/usr/bin/env python3
"""Run real Debian programs natively and under emu and compare them.

usage: real-programs.py --emu EMU CASE
       real-programs.py --list

Each CASE is a command line (often a bash script: pipelines, subshells,
programs exec'ing programs) run twice in a fresh scratch directory holding
the same fixture files: natively, and as `EMU -d unimp -D LOG.%d PROGRAM
ARGS` (every program the case execs runs under emu too).  Passes when
stdout, stderr and the exit status are identical and no emu process
logged an unimplemented system call or instruction (issue 5: "the syscalls
emu still lacks ... should be empty").

Exit status: 0 pass, 1 mismatch, 77 skip (a program is not installed),
99 harness error.
"""

import argparse
import difflib
import glob
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C",
    "LC_ALL": "C",
    "TZ": "UTC",
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
}

BASH_SCRIPT = r"""
set -u
count() { wc -l | tr -d ' '; }
nums=$(seq 1 50 | paste -sd+)
echo "sum $((nums))"
printf '%s\n' pear apple fig apple | sort | uniq -c | sort -rn | head -2
(cd tree && echo "in subshell: $(pwd | sed 's#.*/##')"; exit 3); echo "subshell status $?"
lines=$(cat data.csv | grep -c ,)
echo "lines $lines $(cat data.csv | count)"
for i in 1 2 3; do echo "loop $((i * i))"; done | tac
cat <<EOF | tr a-z A-Z
here doc $((6 * 7))
EOF
f() { local x=$1; echo "f:$x:${#x}"; return $((x % 5)); }
f 12345; echo "f status $?"
arr=(one two three); echo "${arr[1]} ${#arr[@]}"
false | true; echo "pipe status ${PIPESTATUS[*]}"
exec 3>out.txt; echo to-fd-3 >&3; exec 3>&-; cat out.txt
echo "background"; sleep 0.1 & wait $!; echo "waited $?"
trap 'echo trapped EXIT' EXIT
exit 7
"""

PYTHON_SCRIPT = r"""
import hashlib, json, multiprocessing, re, subprocess, sys, threading

def square(x):
    return x * x

if __name__ == "__main__":
    d = json.loads('{"b": [1, 2.5, null], "a": "\\u00e9"}')
    print(json.dumps(d, sort_keys=True))
    print(re.findall(r"(\w+)@(\w+)\.com", "x@y.com, foo@bar.com"))
    print(hashlib.sha256(b"emu" * 1000).hexdigest())
    print(hashlib.md5(b"").hexdigest(), hashlib.blake2b(b"x", digest_size=8).hexdigest())
    total = []
    lock = threading.Lock()
    def work(n):
        s = sum(range(n))
        with lock:
            total.append(s)
    ts = [threading.Thread(target=work, args=(10000 * (i + 1),)) for i in range(4)]
    for t in ts: t.start()
    for t in ts: t.join()
    print(sorted(total))
    out = subprocess.run(["sh", "-c", "echo child $((2+3)); exit 4"], capture_output=True, text=True)
    print(repr(out.stdout), out.returncode)
    print(subprocess.check_output([sys.executable, "-c", "print(6*7)"], text=True).strip())
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        print(pool.map(square, range(10)))
"""

PERL_SCRIPT = r"""
use strict; use warnings;
my %h = (apple => 3, pear => 1, fig => 2);
for my $k (sort { $h{$a} <=> $h{$b} } keys %h) { printf "%-6s %3d\n", $k, $h{$k}; }
my $s = "The quick brown fox";
(my $t = $s) =~ s/(\w+)/\u\L$1/g;
print "$t\n", join(",", map { length } split / /, $s), "\n";
open(my $fh, "<", "data.csv") or die; my $n = 0; $n++ while <$fh>; close $fh;
print "lines $n\n";
print "sprintf ", sprintf("%.3e|%x|%o", 12345.678, 255, 8), "\n";
my @sorted = sort { $a <=> $b } (5, 3, 11, 1); print "@sorted\n";
print `echo from backticks`;
exit 2;
"""

SQL_SCRIPT = """
CREATE TABLE fruit(name TEXT PRIMARY KEY, qty INTEGER, price REAL);
INSERT INTO fruit VALUES ('apple', 3, 0.5), ('pear', 1, 0.75), ('fig', 12, 0.2);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO fruit SELECT 'x' || i, i % 7, i / 10.0 FROM n;
SELECT name, qty, printf('%.2f', qty * price) FROM fruit WHERE name NOT LIKE 'x%' ORDER BY qty;
SELECT count(*), sum(qty), printf('%.3f', avg(price)) FROM fruit;
CREATE INDEX q ON fruit(qty);
SELECT qty, count(*) FROM fruit GROUP BY qty ORDER BY 2 DESC, 1 LIMIT 3;
SELECT * FROM nosuchtable;
"""

MAKEFILE = """\
CFLAGS = -O2 -Wall
prog: main.o util.o
\t$(CC) -o $@ main.o util.o
%.o: %.c util.h
\t$(CC) $(CFLAGS) -c $<
"""

MAIN_C = """\
#include <stdio.h>
#include "util.h"
int main(void) { printf("fib(30) = %ld, gcd = %d\\n", fib(30), gcd(1071, 462)); return 0; }
"""

UTIL_C = """\
#include "util.h"
long fib(int n) { long a = 0, b = 1; while (n--) { long t = a + b; a = b; b = t; } return a; }
int gcd(int a, int b) { return b ? gcd(b, a % b) : a; }
"""


def fixtures(d):
    """The same files, byte for byte and with the same times, every run."""
    rows = ["%s,%d" % (w, (i * 7919) % 1000) for i, w in
            enumerate(("delta alpha charlie bravo echo golf foxtrot hotel " * 40).split())]
    with open(os.path.join(d, "data.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    with open(os.path.join(d, "big.bin"), "wb") as f:
        x = 12345
        buf = bytearray()
        for _ in range(200000):
            x = (x * 1103515245 + 12345) & 0x7fffffff
            buf.append((x >> 16) & 0xff if x % 3 else 0x41)
        f.write(buf)
    tree = os.path.join(d, "tree")
    for sub in ("a", "a/b", "c"):
        os.makedirs(os.path.join(tree, sub))
    for i, name in enumerate(("a/one.txt", "a/b/two.txt", "c/three.txt", "four.txt")):
        p = os.path.join(tree, name)
        with open(p, "w") as f:
            f.write("file %d\n" % i * (i + 1))
        os.chmod(p, 0o640 if i % 2 else 0o644)
    for name, text in (("script.sh", BASH_SCRIPT), ("script.py", PYTHON_SCRIPT),
                       ("script.pl", PERL_SCRIPT), ("script.sql", SQL_SCRIPT),
                       ("Makefile", MAKEFILE), ("main.c", MAIN_C), ("util.c", UTIL_C),
                       ("util.h", "long fib(int n);\nint gcd(int a, int b);\n"),
                       ("node-wasm.js", open(os.path.join(HERE, "node-wasm.js")).read()),
                       ("ctypes-jit.py", open(os.path.join(HERE, "ctypes-jit.py")).read())):
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
    for root, dirs, files in os.walk(d, topdown=False):
        for n in dirs + files:
            os.utime(os.path.join(root, n), (1700000000, 1700000000))
    os.utime(d, (1700000000, 1700000000))


# name: (argv, programs that must exist, timeout for the emu run in s)
CASES = {
    "ls": (["ls", "-la", "--time-style=+%s", "tree", "tree/a"], ["ls"], 60),
    "sort": (["sort", "-t,", "-k2,2n", "-k1,1", "data.csv"], ["sort"], 60),
    "sha256sum": (["sha256sum", "data.csv", "big.bin", "missing"], ["sha256sum"], 60),
    "find": (["find", "tree", "-printf", "%p %s %m %y\\n"], ["find"], 60),
    "tar": (["bash", "-c", "tar cf - --sort=name --mtime=@0 --owner=0 --group=0 tree | "
             "tar tvf - | sort; echo status ${PIPESTATUS[*]}"], ["bash", "tar"], 120),
    "bash": (["bash", "script.sh"], ["bash", "seq", "paste", "tac"], 180),
    "python3": (["python3", "script.py"], ["python3", "sh"], 600),
    "perl": (["perl", "script.pl"], ["perl"], 120),
    "sqlite3": (["bash", "-c", "sqlite3 db.sqlite < script.sql; echo status $?"],
                ["bash", "sqlite3"], 120),
    "gzip": (["bash", "-c", "gzip -9 -n -c big.bin | sha256sum; gzip -9 -n -c big.bin | "
              "gzip -dc | cmp - big.bin && echo round-trip ok"], ["bash", "gzip"], 300),
    "xz": (["bash", "-c", "xz -T1 -6 -c big.bin | sha256sum; xz -T1 -c data.csv | xz -dc | "
            "cmp - data.csv && echo round-trip ok"], ["bash", "xz"], 600),
    "make-gcc": (["bash", "-c", "make -s CC=gcc 2>&1 && ./prog; echo status $?"],
                 ["bash", "make", "gcc"], 900),
    # V8 with WebAssembly: a module instantiated 200 times, each with a
    # fresh WebAssembly.Memory (guard-region reservation churn; issue 7)
    "node-wasm": (["node", "--expose-gc", "node-wasm.js", "200"], ["node"], 900),
    # python3 with ctypes calling machine code it wrote (issue 7)
    "python3-ctypes-jit": (["python3", "ctypes-jit.py"], ["python3"], 600),
}


def run(argv, cwd, timeout):
    """(stdout, stderr, status, peak RSS in KiB or None).  The peak RSS
    comes from GNU time when installed (a child forked from this Python
    process would inherit Python's own high-water mark)."""
    rss_file = None
    if os.path.exists("/usr/bin/time"):
        fd, rss_file = tempfile.mkstemp(prefix="emu-real-rss-")
        os.close(fd)
        argv = ["/usr/bin/time", "-f", "%M", "-o", rss_file] + argv
    try:
        p = subprocess.run(argv, cwd=cwd, env=dict(ENV, HOME=cwd, TMPDIR=cwd),
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
        rss = None
        if rss_file:
            with open(rss_file) as f:
                lines = f.read().split()
            rss = int(lines[-1]) if lines and lines[-1].isdigit() else None
        return p.stdout, p.stderr, p.returncode, rss
    finally:
        if rss_file:
            os.unlink(rss_file)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emu")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("case", nargs="?")
    args = ap.parse_args()
    if args.list:
        print("\n".join(CASES))
        return 0
    if args.case not in CASES or not args.emu:
        print("real-programs: unknown case %r (try --list)" % args.case)
        return 99
    args.emu = os.path.abspath(args.emu)
    argv, needs, timeout = CASES[args.case]
    for prog in needs:
        if not shutil.which(prog, path=ENV["PATH"]):
            print("real-programs: %s not installed: skip" % prog)
            return 77
    exe = shutil.which(argv[0], path=ENV["PATH"])
    work = tempfile.mkdtemp(prefix="emu-real-")
    logs = tempfile.mkdtemp(prefix="emu-real-log-")
    try:
        d = os.path.join(work, "w")
        os.mkdir(d)
        fixtures(d)
        native = run([exe] + argv[1:], d, timeout)
        shutil.rmtree(d)
        os.mkdir(d)
        fixtures(d)
        emu = run([args.emu, "-d", "unimp", "-D", os.path.join(logs, "log.%d"), exe] + argv[1:],
                  d, timeout)
        unimp = []
        for f in sorted(glob.glob(os.path.join(logs, "log.*"))):
            with open(f, errors="replace") as fh:
                unimp += [l.rstrip("\n") for l in fh if l.strip()]
        ok = True
        for what, a, b in (("stdout", native[0], emu[0]), ("stderr", native[1], emu[1])):
            if a != b:
                ok = False
                print("MISMATCH %s of %s:" % (what, args.case))
                diff = list(difflib.unified_diff(a.decode(errors="replace").splitlines(),
                                                 b.decode(errors="replace").splitlines(),
                                                 "native", "emu", lineterm=""))
                sys.stdout.writelines("  " + l + "\n" for l in diff[:60])
                if len(diff) > 60:
                    print("  ... (%d more diff lines)" % (len(diff) - 60))
        if native[2] != emu[2]:
            ok = False
            print("MISMATCH exit status: native %d, emu %d" % (native[2], emu[2]))
        print("%s: %s (%d bytes of output, status %d), emu processes logged %d "
              "unimplemented item(s)" % (args.case, "same" if ok else "DIFFERENT",
                                         len(native[0]) + len(native[1]), native[2], len(unimp)))
        if native[3] and emu[3]:
            print("peak RSS: native %d KiB, emu %d KiB" % (native[3], emu[3]))
        for l in sorted(set(unimp)):
            print("  " + l)
        return 0 if ok and not unimp else 1
    except subprocess.TimeoutExpired as e:
        print("real-programs: %s timed out after %ss" % (args.case, e.timeout))
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(logs, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
