#!/usr/bin/env python3
"""Corrupted-ELF tests: make a broken variant of a valid static binary and
check that emu handles it the way Linux's execve does, without crashing.

usage: corrupt-elf.py --list
       corrupt-elf.py --emu EMU --base BINARY --variant NAME [--keep DIR]

The native kernel is the oracle: the variant is first exec'ed natively.
  * execve fails (ENOEXEC, EINVAL, EACCES, ENOENT, ...): emu must print a
    line starting with "emu:" on stderr and exit with status 1;
  * it runs and exits: emu must run it too, with the same stdout and status
    (or may refuse it when natively the program's ld.so gave up on it);
  * it dies of a signal (the kernel gives up after the point of no return,
    or the program faults at once): emu may refuse it (status 1 with an
    "emu:" message) or let the guest die of the same signal.
The interp-* variants make the program name a broken ./interp (or
./nointerp) as its PT_INTERP, created beside it.
emu exiting with any other status, or being killed by a signal the native
run did not die of, is a crash: FAIL.  Exit status 0 pass, 1 fail, 99 error.
"""

import argparse
import errno
import os
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile

EHDR = 64
PHDR = 56
PT_LOAD, PT_INTERP, PT_NULL, PT_GNU_STACK = 1, 3, 0, 0x6474e551


class Elf:
    """Just enough ELF64 to find and patch the headers of a valid file."""

    def __init__(self, data):
        self.d = bytearray(data)
        (self.type, self.machine, _, self.entry, self.phoff, _, _, _,
         self.phentsize, self.phnum) = struct.unpack_from("<HHIQQQIHHH", self.d, 16)

    def ph(self, i):
        return struct.unpack_from("<IIQQQQQQ", self.d, self.phoff + i * PHDR)

    def set_ph(self, i, field, value):
        off = {"type": 0, "flags": 4, "offset": 8, "vaddr": 16, "paddr": 24,
               "filesz": 32, "memsz": 40, "align": 48}[field]
        fmt = "<I" if field in ("type", "flags") else "<Q"
        struct.pack_into(fmt, self.d, self.phoff + i * PHDR + off, value)

    def set(self, fmt, off, value):
        struct.pack_into(fmt, self.d, off, value)
        return self

    def loads(self):
        return [i for i in range(self.phnum) if self.ph(i)[0] == PT_LOAD]

    def exec_load(self):
        return next(i for i in self.loads() if self.ph(i)[1] & 1)

    def last_load(self):
        return self.loads()[-1]

    def bytes(self):
        return bytes(self.d)


def patched(fn):
    def make(data):
        e = Elf(data)
        fn(e)
        return e.bytes()
    return make


def trunc(where):
    def make(data):
        e = Elf(data)
        n = where(e, len(data))
        return data[:max(0, min(n, len(data) - 1))]
    return make


def ph_field(pick, field, value):
    """Set a program-header field; value may be a function of (elf, phdr)."""
    def fn(e):
        i = pick(e)
        v = value(e, e.ph(i)) if callable(value) else value
        e.set_ph(i, field, v & 0xffffffffffffffff)
    return patched(fn)


def interp_phdr(e):
    """The program's PT_INTERP (dynamic base) or its PT_GNU_STACK (static)."""
    for t in (PT_INTERP, PT_GNU_STACK):
        for k in range(e.phnum):
            if e.ph(k)[0] == t:
                return k
    raise ValueError("no PT_INTERP or PT_GNU_STACK to patch")


def interp_at(offset_fn, size_fn, append=b""):
    """Make a PT_INTERP (the existing one, else from PT_GNU_STACK); append
    bytes to the file first."""
    def make(data):
        e = Elf(data + append)
        i = interp_phdr(e)
        e.set_ph(i, "type", PT_INTERP)
        e.set_ph(i, "offset", offset_fn(len(data)))
        e.set_ph(i, "filesz", size_fn(len(data)))
        return e.bytes()
    return make


LDSO = "/lib64/ld-linux-x86-64.so.2"


def interp_named(name, content):
    """The program names ./NAME (relative: the kernel opens it from the
    working directory) as its interpreter; content(base, ldso) gives that
    file's bytes (None: no file), or is a special kind ("dir", "noexec")."""
    def make(data):
        path = b"./" + name.encode() + b"\0"
        return interp_at(lambda n: n, lambda n: len(path), path)(data)
    make.interp = (name, content)
    return make


def ldso_patched(fn):
    """A copy of the host's ld.so changed by fn(Elf)."""
    def content(base, ldso):
        e = Elf(ldso)
        fn(e)
        return e.bytes()
    return content


def no_loads(e):
    for i in e.loads():
        e.set_ph(i, "type", PT_NULL)


def overlap(e):
    a, b = e.loads()[0], e.exec_load()
    if a == b:
        b = e.loads()[1]
    e.set_ph(b, "vaddr", e.ph(a)[3])
    e.set_ph(b, "paddr", e.ph(a)[3])


def nonexec_entry(e):
    ro = next(i for i in e.loads() if not e.ph(i)[1] & 1)
    e.set("<Q", 24, e.ph(ro)[3] + 16)


# name -> bytes transform, or a special kind handled in prepare()
VARIANTS = {
    "empty": "empty",
    "directory": "directory",
    "unreadable": "unreadable",
    "text": "text",
    "missing": "missing",
    "trunc-1": trunc(lambda e, n: 1),
    "trunc-4": trunc(lambda e, n: 4),
    "trunc-16": trunc(lambda e, n: 16),
    "trunc-ehdr-mid": trunc(lambda e, n: 40),
    "trunc-ehdr-end": trunc(lambda e, n: EHDR - 1),
    "trunc-after-ehdr": trunc(lambda e, n: EHDR),
    "trunc-phdr-first": trunc(lambda e, n: e.phoff + 20),
    "trunc-phdr-last": trunc(lambda e, n: e.phoff + e.phnum * PHDR - 1),
    "trunc-after-phdrs": trunc(lambda e, n: e.phoff + e.phnum * PHDR),
    "trunc-in-text": trunc(lambda e, n: e.ph(e.exec_load())[2] + 16),
    "trunc-half": trunc(lambda e, n: n // 2),
    "trunc-last-byte": trunc(lambda e, n: n - 1),
    "bad-magic0": patched(lambda e: e.set("B", 0, 0x7e)),
    "bad-magic3": patched(lambda e: e.set("B", 3, ord("G"))),
    "class32": patched(lambda e: e.set("B", 4, 1)),
    "class-invalid": patched(lambda e: e.set("B", 4, 9)),
    "big-endian": patched(lambda e: e.set("B", 5, 2)),
    "data-invalid": patched(lambda e: e.set("B", 5, 0)),
    "version0": patched(lambda e: e.set("<I", 20, 0)),
    "osabi-linux": patched(lambda e: e.set("B", 7, 3)),
    "machine-i386": patched(lambda e: e.set("<H", 18, 3)),
    "machine-aarch64": patched(lambda e: e.set("<H", 18, 183)),
    "type-rel": patched(lambda e: e.set("<H", 16, 1)),
    "type-core": patched(lambda e: e.set("<H", 16, 4)),
    "type-none": patched(lambda e: e.set("<H", 16, 0)),
    "phoff-huge": patched(lambda e: e.set("<Q", 32, 0xffffffffffff0000)),
    "phoff-beyond-file": patched(lambda e: e.set("<Q", 32, len(e.d) + 4096)),
    "phoff-wrap": patched(lambda e: e.set("<Q", 32, 0xfffffffffffffff8)),
    "phoff-misaligned": patched(lambda e: e.set("<Q", 32, e.phoff + 1)),
    "phnum-0": patched(lambda e: e.set("<H", 56, 0)),
    "phnum-huge": patched(lambda e: e.set("<H", 56, 0xffff)),
    "phnum-beyond-file": patched(lambda e: e.set("<H", 56, (len(e.d) - e.phoff) // PHDR + 2)),
    "phentsize-0": patched(lambda e: e.set("<H", 54, 0)),
    "phentsize-32": patched(lambda e: e.set("<H", 54, 32)),
    "phentsize-64": patched(lambda e: e.set("<H", 54, 64)),
    "load-offset-beyond-file":
        ph_field(lambda e: e.exec_load(), "offset", lambda e, p: (len(e.d) + 0x10fff) & ~0xfff),
    "load-filesz-beyond-file":
        ph_field(lambda e: e.exec_load(), "filesz", lambda e, p: len(e.d) * 4),
    "load-offset-wrap":
        ph_field(lambda e: e.exec_load(), "offset", lambda e, p: 0xfffffffffffff000),
    "filesz-gt-memsz":
        ph_field(lambda e: e.exec_load(), "memsz", lambda e, p: max(p[5] // 2, 1)),
    "memsz-huge": ph_field(lambda e: e.last_load(), "memsz", 1 << 46),
    "memsz-wrap": ph_field(lambda e: e.last_load(), "memsz", 0xffffffffff000000),
    "vaddr-kernel": ph_field(lambda e: e.exec_load(), "vaddr", 0xffff800000000000),
    "vaddr-noncanonical": ph_field(lambda e: e.exec_load(), "vaddr", 0x0000900000001000),
    "vaddr-misaligned": ph_field(lambda e: e.exec_load(), "vaddr", lambda e, p: p[3] + 1),
    "offset-misaligned": ph_field(lambda e: e.exec_load(), "offset", lambda e, p: p[2] + 1),
    "align-not-pow2": ph_field(lambda e: e.exec_load(), "align", 0x3000),
    "align-zero": ph_field(lambda e: e.exec_load(), "align", 0),
    "overlapping-loads": patched(overlap),
    "no-loads": patched(no_loads),
    "interp-outside-file": interp_at(lambda n: n + 0x100000, lambda n: 16),
    "interp-huge": interp_at(lambda n: 0, lambda n: 1 << 40),
    "interp-unterminated": interp_at(lambda n: 0, lambda n: 8),
    "interp-missing": interp_at(lambda n: n, lambda n: 20, b"/nonexistent/ld.so\0\0"),
    # the interpreter file itself: missing, not a program, broken
    "interp-rel-missing": interp_named("nointerp", lambda b, l: None),
    "interp-empty": interp_named("interp", lambda b, l: b""),
    "interp-text": interp_named("interp", lambda b, l: b"#!/bin/sh\necho not a loader\n"),
    "interp-dir": interp_named("interp", "dir"),
    "interp-noexec": interp_named("interp", "noexec"),
    "interp-ldso-copy": interp_named("interp", lambda b, l: l),
    "interp-ldso-trunc-ehdr": interp_named("interp", lambda b, l: l[:40]),
    "interp-ldso-trunc-phdrs": interp_named("interp", lambda b, l: l[:64 + 56 + 8]),
    "interp-ldso-i386": interp_named("interp", ldso_patched(lambda e: e.set("<H", 18, 3))),
    "interp-ldso-type-rel": interp_named("interp", ldso_patched(lambda e: e.set("<H", 16, 1))),
    "interp-ldso-phnum-0": interp_named("interp", ldso_patched(lambda e: e.set("<H", 56, 0))),
    "interp-ldso-no-loads": interp_named("interp", ldso_patched(no_loads)),
    "interp-ldso-filesz-gt-memsz": interp_named("interp", ldso_patched(
        lambda e: e.set_ph(e.exec_load(), "memsz", max(e.ph(e.exec_load())[5] // 2, 1)))),
    "interp-ldso-entry-zero": interp_named("interp", ldso_patched(lambda e: e.set("<Q", 24, 0))),
    "interp-self": interp_named("variant", "self"),
    "interp-base-copy": interp_named("interp", lambda b, l: b),
    "entry-zero": patched(lambda e: e.set("<Q", 24, 0)),
    "entry-unmapped": patched(lambda e: e.set("<Q", 24, 0x10)),
    "entry-noncanonical": patched(lambda e: e.set("<Q", 24, 0x8000000000000000)),
    "entry-nonexec": patched(nonexec_entry),
    "stack-exec": ph_field(lambda e: next(i for i in range(e.phnum)
                                          if e.ph(i)[0] == PT_GNU_STACK), "flags", 7),
}


# Identification bytes that Linux ignores on x86_64 (it checks the magic,
# e_type and e_machine only) but that every ELF parser, libelf and QEMU's
# loader among them, takes at its word: emu may refuse these or run them.
IDENT_LENIENT = {"class32", "class-invalid", "big-endian", "data-invalid", "version0"}
# A program that is its own interpreter (or a copy of the unpatched base,
# dynamic for the dyn base): Linux loads it twice and runs the copy; emu
# refuses an interpreter that has a PT_INTERP itself (a loader that needs
# a loader cannot work): it may refuse these or run them.
INTERP_LENIENT = {"interp-self"}


def prepare(kind, data, d):
    """Create the variant under directory d; return its path."""
    path = os.path.join(d, "variant")
    if kind == "directory":
        os.mkdir(path)
        return path
    if kind == "missing":
        return os.path.join(d, "does-not-exist")
    interp = getattr(kind, "interp", None)
    if interp:
        name, content = interp
        ipath = os.path.join(d, name)
        if content == "dir":
            os.mkdir(ipath)
        elif content == "noexec":
            shutil.copy(LDSO, ipath)
            os.chmod(ipath, 0o644)
        elif content != "self":
            with open(LDSO, "rb") as f:
                b = content(data, f.read())
            if b is not None:
                with open(ipath, "wb") as f:
                    f.write(b)
                os.chmod(ipath, 0o755)
    content = {"empty": b"", "text": b"just some text, not a program\n",
               "unreadable": data}.get(kind) if isinstance(kind, str) else kind(data)
    with open(path, "wb") as f:
        f.write(content)
    os.chmod(path, 0o111 if kind == "unreadable" else 0o755)
    return path


def no_core():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(cmd, cwd, timeout):
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": cwd, "TMPDIR": cwd, "PWD": cwd}
    try:
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=no_core, start_new_session=True)
    except OSError as e:
        return ("execfail", e.errno, b"", b"")
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        return ("timeout", None, out, err)
    if p.returncode < 0:
        return ("signal", -p.returncode, out, err)
    return ("exit", p.returncode, out, err)


def show(r):
    kind, v = r[0], r[1]
    if kind == "execfail":
        return "execve failed: %s" % errno.errorcode.get(v, v)
    if kind == "signal":
        return "killed by %s" % signal.Signals(v).name
    if kind == "timeout":
        return "timed out"
    return "exit status %d" % v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--emu")
    ap.add_argument("--base")
    ap.add_argument("--variant")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--keep", help="also copy the variant into this directory")
    a = ap.parse_args()
    if a.list:
        print("\n".join(VARIANTS))
        return 0
    if not (a.emu and a.base and a.variant in VARIANTS):
        ap.error("need --emu, --base and a --variant from --list")
    with open(a.base, "rb") as f:
        data = f.read()
    emu = os.path.abspath(a.emu)
    d = tempfile.mkdtemp(prefix="emu-elf-")
    try:
        path = prepare(VARIANTS[a.variant], data, d)
        if a.keep and os.path.isfile(path):
            os.makedirs(a.keep, exist_ok=True)
            shutil.copy(path, os.path.join(a.keep, a.variant))
        native = run([path], d, a.timeout)
        if a.variant == "unreadable" and not os.access(path, os.R_OK):
            # execve needs only x permission; a user-space loader needs r.
            native = ("execfail", errno.EACCES, b"", b"")
        emu_r = run([emu, path], d, a.timeout)
    finally:
        shutil.rmtree(d, ignore_errors=True)

    print("variant %s of %s" % (a.variant, a.base))
    print("native: %s" % show(native))
    print("emu:    %s" % show(emu_r))
    err = emu_r[3].decode(errors="replace")
    if err:
        print("emu stderr: " + err[-1500:].rstrip())
    refused = emu_r[0] == "exit" and emu_r[1] == 1 and any(
        l.startswith("emu:") for l in err.splitlines())
    if emu_r[0] == "execfail":
        print("FAIL: could not start emu itself")
        return 1
    ok, why = False, ""
    if native[0] == "execfail":
        ok = refused
        why = "the kernel refuses this file: emu must print 'emu: ...' and exit 1"
    elif native[0] == "exit":
        ok = emu_r[0] == "exit" and emu_r[1] == native[1] and emu_r[2] == native[2]
        why = "the kernel runs this file: emu must run it with the same stdout and status"
        if a.variant in IDENT_LENIENT | INTERP_LENIENT:
            ok = ok or refused
            why += " (or refuse it: the ELF identification is invalid)"
        elif native[1] == 127 and b"ld.so" in native[3]:
            # The kernel ran it, but the program's own dynamic loader gave
            # up on the broken image ("Inconsistency detected by ld.so").
            ok = ok or refused
            why += " (or refuse it: ld.so refuses it natively)"
    elif native[0] == "signal":
        same = emu_r[0] == "signal" and (emu_r[1] == native[1] or
                                          (native[1] == signal.SIGKILL and emu_r[1] == signal.SIGSEGV))
        ok = refused or same
        why = "the program cannot start natively: emu must refuse it or die of the same signal"
    else:
        ok = refused or emu_r[0] == "timeout"
        why = "the native run hangs: emu must refuse it or hang too"
    if emu_r[0] == "exit" and emu_r[1] >= 128:
        ok, why = False, "emu exited with status >= 128: it crashed"
    print(("PASS: " if ok else "FAIL: ") + why)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
