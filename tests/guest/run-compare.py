#!/usr/bin/env python3
"""Run a guest program natively and under emu; compare everything visible.

usage: run-compare.py --emu EMU [options] -- PROGRAM [ARGS...]

Both runs get the same argv (PROGRAM as an absolute path), the same fixed
environment (nothing inherited from the caller), the same working directory
(a fresh scratch directory, emptied between the runs, also exported as
TMPDIR and HOME) and the same stdin.  The test passes when stdout, stderr and
the exit status -- or the terminating signal -- are identical byte for byte.

Exit status: 0 pass, 1 mismatch, 77 skip (meson's convention), 99 harness
error.  On a mismatch the report says which part differs and shows a diff.
"""

import argparse
import difflib
import os
import resource
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

# The fixed environment every guest sees; --env adds to it.  GLIBC_TUNABLES
# keeps the native run off the FMA/AVX2 variants of libm (selected by ifunc
# from CPUID): emu presents a baseline x86-64 CPU, and those variants may
# round the last bit differently, which is not what these tests are about.
BASE_ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C",
    "LC_ALL": "C",
    "TZ": "UTC",
    "EMU_TEST": "1",
    "GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2,-FMA,-FMA4,-AVX512F",
}

MAX_DIFF_LINES = 80


def describe(rc):
    if rc is None:
        return "timed out"
    if rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = "signal %d" % -rc
        return "killed by %s" % name
    return "exit status %d" % rc


def child_setup():
    # A guest dying of SIGSEGV/SIGABRT must not leave core files behind
    # (and the kernel must not spend time writing them).
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # The same 8 MiB stack limit everywhere: the guest stack's size follows it.
    hard = resource.getrlimit(resource.RLIMIT_STACK)[1]
    soft = 8 << 20
    if hard != resource.RLIM_INFINITY and hard < soft:
        soft = hard
    resource.setrlimit(resource.RLIMIT_STACK, (soft, hard))


def run(cmd, env, cwd, stdin_path, timeout):
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    t0 = time.monotonic()
    try:
        p = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=stdin,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=child_setup, start_new_session=True)
    except OSError as e:
        return None, b"", ("harness: cannot start %s: %s\n" % (cmd[0], e)).encode(), 0.0, e
    try:
        out, err = p.communicate(timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        rc = None
    finally:
        if stdin is not subprocess.DEVNULL:
            stdin.close()
    return rc, out, err, time.monotonic() - t0, None


def is_text(b):
    if b"\0" in b:
        return False
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def hexlines(b):
    return ["%08x  %s" % (i, b[i:i + 16].hex(" ")) for i in range(0, len(b), 16)]


def show_diff(what, native, emu, rec=32):
    print("--- %s differs (native %d bytes, emu %d bytes)" % (what, len(native), len(emu)))
    if not (is_text(native) and is_text(emu)):
        # Binary output (the asm guests write fixed-size records): show where
        # it starts to differ, and how many records differ in all.
        first = next((i for i in range(min(len(native), len(emu)))
                      if native[i] != emu[i]), min(len(native), len(emu)))
        nrec = sum(1 for i in range(0, max(len(native), len(emu)), rec)
                   if native[i:i + rec] != emu[i:i + rec])
        print("first difference at byte %d (%d-byte record %d, +%d); %d records differ"
              % (first, rec, first // rec, first % rec, nrec))
        r0 = max(0, first // rec - 1)
        for r in range(r0, r0 + 3):
            for name, data in (("native", native), ("emu", emu)):
                chunk = data[r * rec:(r + 1) * rec]
                if rec % 8 == 0 and len(chunk) == rec:
                    body = " ".join("%016x" % q for q in struct.unpack("<%dQ" % (rec // 8), chunk))
                else:
                    body = chunk.hex(" ")
                print("record %-6d %-6s %s" % (r, name, body))
        return
    a = native.decode().splitlines()
    b = emu.decode().splitlines()
    diff = list(difflib.unified_diff(a, b, "native " + what, "emu " + what, lineterm="", n=2))
    for line in diff[:MAX_DIFF_LINES]:
        print(line)
    if len(diff) > MAX_DIFF_LINES:
        print("... (%d more diff lines)" % (len(diff) - MAX_DIFF_LINES))
    if not diff:
        print("(difference only in trailing newline)")


def clear_dir(d):
    for name in os.listdir(d):
        p = os.path.join(d, name)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        else:
            os.unlink(p)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--emu", required=True, help="the emulator binary")
    ap.add_argument("--emu-arg", action="append", default=[],
                    help="extra option for emu, before PROGRAM (repeatable)")
    ap.add_argument("--env", action="append", default=[], metavar="VAR=VALUE",
                    help="add to the guest environment (repeatable)")
    ap.add_argument("--stdin", help="file to feed on stdin (default /dev/null)")
    ap.add_argument("--timeout", type=float, default=240,
                    help="seconds allowed for the emu run (native gets the same)")
    ap.add_argument("--record", type=int, default=32,
                    help="record size of binary output, for the diff (default 32)")
    ap.add_argument("--ignore-stderr", action="store_true",
                    help="do not compare stderr")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no PROGRAM given")
    prog = os.path.abspath(cmd[0])
    if not os.path.exists(prog):
        print("harness: %s does not exist" % prog)
        return 99
    # EMU_TEST_EMU="COMMAND [ARGS]" replaces the emulator (e.g. with
    # "tests/guest/fake-emu.sh exec", to check the harness and the guests
    # natively).
    if os.environ.get("EMU_TEST_EMU"):
        emu_cmd = shlex.split(os.environ["EMU_TEST_EMU"])
        emu_cmd[0] = os.path.abspath(emu_cmd[0])
    else:
        emu_cmd = [os.path.abspath(a.emu)]
    argv = [prog] + cmd[1:]

    scratch = tempfile.mkdtemp(prefix="emu-test-")
    try:
        env = dict(BASE_ENV)
        env["HOME"] = scratch
        env["TMPDIR"] = scratch
        env["PWD"] = scratch
        for kv in a.env:
            k, _, v = kv.partition("=")
            env[k] = v
        stdin = os.path.abspath(a.stdin) if a.stdin else None

        n_rc, n_out, n_err, n_t, n_exc = run(argv, env, scratch, stdin, a.timeout)
        if n_exc is not None or n_rc is None:
            print("harness: the native run failed: %s" %
                  (n_exc if n_exc else "timed out after %gs" % a.timeout))
            return 99
        clear_dir(scratch)
        e_cmd = emu_cmd + a.emu_arg + argv
        e_rc, e_out, e_err, e_t, e_exc = run(e_cmd, env, scratch, stdin, a.timeout)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print("command: %s" % " ".join(argv))
    print("native: %s, %d+%d bytes out/err, %.2fs" % (describe(n_rc), len(n_out), len(n_err), n_t))
    print("emu:    %s, %d+%d bytes out/err, %.2fs" % (describe(e_rc), len(e_out), len(e_err), e_t))
    if e_exc is not None:
        print("harness: cannot run emu: %s" % e_exc)
        return 1
    ok = True
    if n_rc != e_rc:
        print("--- status differs: native %s, emu %s" % (describe(n_rc), describe(e_rc)))
        ok = False
    if n_out != e_out:
        show_diff("stdout", n_out, e_out, a.record)
        ok = False
    if n_err != e_err and not a.ignore_stderr:
        show_diff("stderr", n_err, e_err)
        ok = False
    if not ok and e_err and (a.ignore_stderr or n_err == e_err):
        # stderr was not part of the diff; its tail still explains crashes.
        print("--- emu stderr (tail)")
        print(e_err[-2000:].decode(errors="replace"))
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
