#!/usr/bin/env python3
"""-d in_asm,out_asm (docs/cli.md): the guest code of each translated block
and the host code the JIT made of it, both disassembled by capstone, which
emu loads only when it first disassembles (emu/x86/capstone-load.h).

Checks, for a static guest: the log has blocks; the first IN: block starts
at the ELF entry point with the bytes the file holds there, and every guest
line and every host line is a decoded instruction (a mnemonic, not
"(bad)" or a note that capstone is missing); and emu itself does not link
capstone (ldd), so a run without -d does not load it."""
import os
import re
import struct
import subprocess
import sys
import tempfile

GUEST = re.compile(r'^0x([0-9a-f]+):  ((?:[0-9a-f]{2} ?)+)\s+([a-z][a-z0-9.]*)')
HOST = re.compile(r'^  0x[0-9a-f]+:  [a-z][a-z0-9.]*')


def elf_entry_bytes(path, n):
    """The entry point of a static ELF and the n file bytes there."""
    with open(path, 'rb') as f:
        data = f.read()
    entry = struct.unpack_from('<Q', data, 24)[0]
    phoff, phentsize, phnum = (struct.unpack_from('<Q', data, 32)[0],
                               struct.unpack_from('<H', data, 54)[0],
                               struct.unpack_from('<H', data, 56)[0])
    for k in range(phnum):
        p_type, _, off, vaddr, _, filesz = struct.unpack_from('<IIQQQQ', data, phoff + k * phentsize)
        if p_type == 1 and vaddr <= entry < vaddr + filesz:
            at = off + entry - vaddr
            return entry, data[at:at + n]
    sys.exit(f'FAIL: no PT_LOAD holds the entry point of {path}')


def main():
    emu, guest = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, 'log')
        r = subprocess.run([emu, '-d', 'in_asm,out_asm', '-D', log, guest],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.exit(f'FAIL: emu exited {r.returncode}: {r.stderr}')
        if 'capstone' in r.stderr:
            sys.exit(f'FAIL: emu said: {r.stderr}')
        with open(log) as f:
            lines = f.read().split('\n')
    ins = outs = 0
    first = None
    section = None
    for line in lines:
        if line.startswith('IN:'):
            section, ins = 'in', ins + 1
        elif line.startswith('OUT:'):
            section, outs = 'out', outs + 1
        elif not line.strip():
            section = None
        elif section == 'in':
            m = GUEST.match(line)
            if not m or '(bad)' in line:
                sys.exit(f'FAIL: guest line not decoded: {line!r}')
            if first is None:
                first = (int(m.group(1), 16), bytes.fromhex(m.group(2).replace(' ', '')))
        elif section == 'out':
            if not HOST.match(line) or 'capstone' in line:
                sys.exit(f'FAIL: host line not decoded: {line!r}')
    if ins < 10 or outs < 10:
        sys.exit(f'FAIL: {ins} IN: and {outs} OUT: blocks in the log')
    entry, want = elf_entry_bytes(guest, len(first[1]))
    if first != (entry, want):
        sys.exit(f'FAIL: first guest line {first[0]:#x} {first[1].hex()}, '
                 f'want the entry point {entry:#x} {want.hex()}')
    ldd = subprocess.run(['ldd', emu], capture_output=True, text=True).stdout
    if 'capstone' in ldd:
        sys.exit('FAIL: emu links capstone (it should load it on first use)')
    print(f'ok: {ins} guest blocks, {outs} host blocks disassembled')


main()
