#!/usr/bin/env python3
"""The -L prefix: a program whose library exists only in the prefix.

usage: dyn-prefix.py --emu EMU --prog PROG --lib LIBEMUTEST.so

Builds a prefix directory: PREFIX/usr/lib/x86_64-linux-gnu/libemutest.so,
a copy of the host's ld.so at PREFIX/lib64/ld-linux-x86-64.so.2,
PREFIX/etc/emutest.conf, decoys PREFIX/proc/version, PREFIX/dev/null and
PREFIX/relative.txt (none of which may be used).  Then:
  1. native with LD_LIBRARY_PATH=PREFIX/usr/lib/x86_64-linux-gnu is the
     oracle for `emu -L PREFIX PROG PREFIX` and for QEMU_LD_PREFIX=PREFIX;
     the only lines allowed (and required) to differ are the ones the
     prefix changes: ld.so is mapped from the prefix, /etc/emutest.conf
     is the prefix's (access 0);
  2. without a prefix, emu must fail exactly as the native run without
     LD_LIBRARY_PATH (ld.so's message on stderr, status 127).
Exit 0 pass, 1 fail, 77 skip (no ld.so at the usual path).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

LDSO = "/lib64/ld-linux-x86-64.so.2"
ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "LANG": "C"}


def run(cmd, env, cwd):
    p = subprocess.run(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def show(what, r):
    print("%s: status %d\n--- stdout\n%s--- stderr\n%s" % (what, r[0], r[1], r[2]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emu", required=True)
    ap.add_argument("--prog", required=True)
    ap.add_argument("--lib", required=True)
    a = ap.parse_args()
    if not os.path.exists(LDSO):
        print("no %s: skip" % LDSO)
        return 77
    emu = os.path.abspath(a.emu)
    d = os.path.realpath(tempfile.mkdtemp(prefix="emu-prefix-"))
    ok = True
    try:
        pfx = os.path.join(d, "sysroot")
        libdir = os.path.join(pfx, "usr/lib/x86_64-linux-gnu")
        os.makedirs(libdir)
        os.makedirs(os.path.join(pfx, "lib64"))
        os.makedirs(os.path.join(pfx, "etc"))
        os.makedirs(os.path.join(pfx, "proc"))
        shutil.copy(a.lib, os.path.join(libdir, "libemutest.so"))
        shutil.copy(LDSO, os.path.join(pfx, "lib64/ld-linux-x86-64.so.2"))
        with open(os.path.join(pfx, "etc/emutest.conf"), "w") as f:
            f.write("from-the-prefix\n")
        with open(os.path.join(pfx, "proc/version"), "w") as f:
            f.write("decoy /proc/version in the prefix\n")
        os.makedirs(os.path.join(pfx, "dev"))
        with open(os.path.join(pfx, "dev/null"), "w") as f:
            f.write("decoy /dev/null in the prefix\n")
        with open(os.path.join(pfx, "relative.txt"), "w") as f:
            f.write("decoy\n")
        prog = os.path.join(d, "dyn-prefix")
        shutil.copy(a.prog, prog)
        work = os.path.join(d, "work")
        os.mkdir(work)

        native = run([prog, pfx], dict(ENV, LD_LIBRARY_PATH=libdir), work)
        show("native, LD_LIBRARY_PATH", native)
        expect_out = (native[1]
                      .replace("ld.so from prefix: no\n", "ld.so from prefix: yes\n")
                      .replace("conf: absent\n", "conf: from-the-prefix\n")
                      .replace("access conf: -1\n", "access conf: 0\n"))
        if native[0] != 0 or "libemutest from prefix: yes" not in native[1]:
            print("FAIL: the native run did not work as planned")
            return 1
        for how, cmd, env in (("-L", [emu, "-L", pfx, prog, pfx], ENV),
                              ("QEMU_LD_PREFIX", [emu, prog, pfx], dict(ENV, QEMU_LD_PREFIX=pfx))):
            r = run(cmd, env, work)
            show("emu " + how, r)
            if r != (0, expect_out, native[2]):
                print("FAIL: emu %s differs from the native run (with the prefix's "
                      "ld.so and /etc/emutest.conf):\n%s" % (how, expect_out))
                ok = False

        native = run([prog, pfx], ENV, work)
        r = run([emu, prog, pfx], ENV, work)
        show("native without the library", native)
        show("emu without a prefix", r)
        if native[0] != 127 or r != native:
            print("FAIL: without a prefix emu must fail as natively (status 127)")
            ok = False
    finally:
        shutil.rmtree(d, ignore_errors=True)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
