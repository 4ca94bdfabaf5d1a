#!/usr/bin/env python3
"""Tests of emu's plugin loader and API (suite 'plugins').

  plugin-test.py loader  --emu EMU --dir PLUGIN_DIR --guest PROG
      load errors (exit 1 with a message naming the file), QEMU's argument
      conventions, plugin output to stderr or the -D file, several plugins
  plugin-test.py api     --emu EMU --dir PLUGIN_DIR -- PROG...
      the self-checking api-check plugin on each guest
  plugin-test.py exact   --emu EMU --dir PLUGIN_DIR --oracle ORACLE -- PROG...
      per-instruction inline counts, merged per TB or not, equal the native
      single-step count of the whole run (faults, SMC and REP included)
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)
    else:
        print("ok:  ", what)


def run(args, timeout=120):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def lib(d, name):
    return os.path.join(d, "lib%s.so" % name)


def test_loader(a):
    emu, d, guest = a.emu, a.dir, a.guest
    # what the guest prints natively, to see whether it ran
    _, native_out, _ = run([guest])

    def refused(spec, needle, what):
        rc, out, err = run([emu, "-plugin", spec, guest])
        check(rc == 1, "%s: exit status 1 (got %d)" % (what, rc))
        check(re.search(needle, err) is not None,
              "%s: message matches %r (stderr: %r)" % (what, needle, err.strip()))
        check(out == "" or out != native_out, "%s: the guest did not run" % what)
        return err

    missing = os.path.join(d, "no-such-plugin.so")
    refused(missing, r"^emu: plugin .*no-such-plugin\.so: cannot load", "missing file")
    refused(os.path.abspath(__file__), r"emu: plugin .*plugin-test\.py: cannot load", "not a shared object")
    refused(lib(d, "broken-noversion"), r"does not export qemu_plugin_version", "no version symbol")
    refused(lib(d, "broken-newversion"), r"API version \d+; emu supports versions 2 to \d+", "too new")
    refused(lib(d, "broken-oldversion"), r"API version 1; emu supports", "too old")
    refused(lib(d, "broken-noinstall"), r"does not export qemu_plugin_install", "no install")
    err = refused(lib(d, "broken-install"), r"qemu_plugin_install failed \(returned -1\)",
                  "install returns an error")
    check("atexit ran" not in err, "failed install: its atexit callback does not run")
    refused(lib(d, "args") + ",=x", r"bad argument '=x'", "argument with an empty name")
    refused(",a=b", r"(no plugin file name|-plugin expects FILE)", "no file name")
    refused("file=,a=b", r"no plugin file name", "empty file=")

    # QEMU's argument conventions
    spec = lib(d, "args") + ",a=b,flag,arg=x,arg=k=v,s=a,,b,arg=on"
    rc, out, err = run([emu, "-plugin", spec, guest])
    check(rc == 0 and out == native_out, "args plugin: guest runs normally")
    argv = re.findall(r"^args: argv\[\d+\]=(.*)$", err, re.M)
    check(argv == ["a=b", "flag=on", "x=on", "k=v", "s=a,b", "arg=on"],
          "arguments as QEMU gives them: %r" % argv)
    check(re.search(r"^args: target=x86_64 min=2 cur=\d+ system=0 argc=6$", err, re.M) is not None,
          "qemu_info_t: %r" % err.splitlines()[:1])
    check(err.rstrip().endswith("args: atexit"), "atexit callback runs at exit")
    rc, out, err = run([emu, "-plugin", "file=" + lib(d, "args") + ",z=1", guest])
    check(rc == 0 and "args: argv[0]=z=1" in err, "file=PATH spelling")

    # several plugins, in order
    rc, out, err = run([emu, "-plugin", lib(d, "args") + ",first=1",
                        "-plugin", lib(d, "args") + ",second=2", guest])
    got = re.findall(r"^args: argv\[0\]=(.*)$", err, re.M)
    check(rc == 0 and got == ["first=1", "second=2"], "two plugins installed in order: %r" % got)
    check(err.count("args: atexit") == 2, "both atexit callbacks run")

    # plugin output goes to the -D file when one is given
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log.txt")
        rc, out, err = run([emu, "-D", log, "-plugin", lib(d, "args") + ",to=log", guest])
        text = open(log).read() if os.path.exists(log) else ""
        check(rc == 0 and "args: argv[0]=to=log" in text and "args: atexit" in text,
              "-D FILE receives the plugin output")
        check("args:" not in err, "nothing of the plugin on stderr with -D")


def test_api(a):
    for prog in a.progs:
        for opts in ("", ",regs=on", ",unmerged=on", ",mem=on", ",cond=on"):
            rc, out, err = run([a.emu, "-plugin", lib(a.dir, "api-check") + opts, prog])
            bad = [l for l in err.splitlines() if "api-check: FAIL" in l]
            check(not bad and re.search(r"^api-check: ok ", err, re.M) is not None,
                  "api-check%s on %s: %s" % (opts, os.path.basename(prog), bad or "ok"))
            if opts == ",mem=on" and os.path.basename(prog).startswith("vec-mem"):
                # its SSE/AVX moves are reported as 16-byte accesses
                m = re.search(r"^api-check: mem16 (\d+)$", err, re.M)
                check(m is not None and int(m.group(1)) > 0,
                      "16-byte accesses reported on %s: %s" % (os.path.basename(prog),
                                                              m.group(1) if m else None))


def test_exact(a):
    for prog in a.progs:
        rc, out, err = run([a.oracle, "--started", "--", prog], timeout=300)
        m = re.search(r"executed (\d+) instructions", err)
        if not m:
            check(False, "oracle counted %s (stderr %r)" % (prog, err[-300:]))
            continue
        native = int(m.group(1))
        for opts in ("", ",unmerged=on"):
            rc, out, err = run([a.emu, "-plugin", lib(a.dir, "api-check") + opts, prog])
            m = re.search(r"^api-check: insns (\d+)$", err, re.M)
            got = int(m.group(1)) if m else None
            check(got == native, "%s%s: inline count %s == native single-step %d" %
                  (os.path.basename(prog), opts or " (merged)", got, native))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["loader", "api", "exact"])
    ap.add_argument("--emu", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--guest")
    ap.add_argument("--oracle")
    argv = sys.argv[1:]
    progs = []
    if "--" in argv:
        progs = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    a = ap.parse_args(argv)
    a.progs = progs
    {"loader": test_loader, "api": test_api, "exact": test_exact}[a.mode](a)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
