#!/usr/bin/env python3
"""Check the CPU model as glibc's dynamic loader sees it under emu.

usage: glibc-view.py EMU MODEL LEVEL

Runs `EMU -cpu MODEL ld.so --help` and `--list-diagnostics` (glibc >= 2.33)
and checks:
  - the glibc-hwcaps levels ld.so calls "supported" are exactly
    x86-64-v2..vLEVEL (LEVEL 1: none), i.e. glibc's own ISA-level rule
    agrees with the model;
  - glibc found cache information (data/shared cache sizes and the
    non-temporal threshold are nonzero) and rep_movsb is not preferred;
  - with AVX, glibc's XSAVE state size comes from CPUID 0xD (832 + 64).
Prints what it saw.  Exit 0 pass, 1 fail, 77 skip (no ld.so / too old).
"""
import re
import subprocess
import sys

LDSO = "/lib64/ld-linux-x86-64.so.2"


def run(emu, model, arg):
    p = subprocess.run([emu, "-cpu", model, LDSO, arg], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=120)
    return p.returncode, p.stdout.decode(errors="replace")


def main():
    emu, model, level = sys.argv[1], sys.argv[2], int(sys.argv[3])
    try:
        rc, out = run(emu, model, "--help")
    except FileNotFoundError:
        return 77
    if rc != 0 or "glibc-hwcaps" not in out:
        print("ld.so --help under emu failed (rc %d):\n%s" % (rc, out[-2000:]))
        return 1
    supported = sorted(int(m.group(1)) for m in
                       re.finditer(r"x86-64-v(\d) \(supported", out))
    want = list(range(2, level + 1))
    print("%s: glibc-hwcaps supported: %s (want %s)" % (model, supported, want))
    ok = supported == want

    rc, out = run(emu, model, "--list-diagnostics")
    if rc != 0 or "x86.cpu_features" not in out:
        print("ld.so --list-diagnostics unavailable (rc %d): skipping the rest" % rc)
        return 0 if ok else 1
    diag = {}
    for line in out.splitlines():
        m = re.match(r"x86\.cpu_features\.([a-z_0-9]+)=(0x[0-9a-f]+|\d+)$", line)
        if m:
            diag[m.group(1)] = int(m.group(2), 0)
    for k in ("data_cache_size", "shared_cache_size", "non_temporal_threshold",
              "rep_movsb_threshold", "xsave_state_size", "isa_1"):
        print("  %s = %s" % (k, hex(diag[k]) if k in diag else "-"))
    for k in ("data_cache_size", "shared_cache_size", "non_temporal_threshold"):
        if not diag.get(k):
            print("FAIL: glibc has no %s" % k)
            ok = False
    if level >= 3 and diag.get("xsave_state_size") != 832 + 64:
        print("FAIL: xsave_state_size %s, want %d (CPUID 0xD EBX + 64)"
              % (diag.get("xsave_state_size"), 832 + 64))
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
