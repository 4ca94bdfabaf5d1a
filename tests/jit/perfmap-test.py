#!/usr/bin/env python3
"""-perfmap (docs/cli.md): emu writes /tmp/perf-<pid>.map, one
"START SIZE guest 0xPC+LEN" line per translated block.

Checks, for a static guest: the file of emu's pid exists, every line has
the format, host ranges are non-empty, the guest's ELF entry point is
named; the same through QEMU_PERFMAP; and with a guest that forks, each
child emu writes its own well-formed file."""
import glob
import os
import re
import struct
import subprocess
import sys

LINE = re.compile(r'^([0-9a-f]+) ([0-9a-f]+) guest 0x([0-9a-f]+)\+(\d+)$')


def elf_entry(path):
    with open(path, 'rb') as f:
        head = f.read(32)
    return struct.unpack_from('<Q', head, 24)[0]


def check_map(path):
    """Parsed (start, size, pc, len) lines of path; fails on a bad line."""
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            m = LINE.match(line.rstrip('\n'))
            if not m:
                sys.exit(f'FAIL: {path}:{n}: bad line {line!r}')
            start, size, pc, glen = (int(m.group(1), 16), int(m.group(2), 16),
                                     int(m.group(3), 16), int(m.group(4)))
            if size == 0 or start == 0:
                sys.exit(f'FAIL: {path}:{n}: empty host range')
            out.append((start, size, pc, glen))
    if not out:
        sys.exit(f'FAIL: {path} is empty')
    return out


def run(emu, args, env=None):
    p = subprocess.Popen([emu] + args, stdout=subprocess.DEVNULL, env=env)
    rc = p.wait(timeout=120)
    if rc != 0:
        sys.exit(f'FAIL: {args} exited {rc}')
    return p.pid


def main():
    emu, static_prog, fork_prog = sys.argv[1:4]
    if os.environ.get('EMU_BACKEND') == 'interp':
        print('SKIP: the interpreter generates no host code to name')
        sys.exit(77)
    entry = elf_entry(static_prog)
    for how in ('option', 'env'):
        env = dict(os.environ)
        if how == 'option':
            pid = run(emu, ['-perfmap', static_prog], env)
        else:
            env['QEMU_PERFMAP'] = '1'
            pid = run(emu, [static_prog], env)
        path = f'/tmp/perf-{pid}.map'
        if not os.path.exists(path):
            sys.exit(f'FAIL ({how}): no {path}')
        lines = check_map(path)
        os.unlink(path)
        if not any(pc == entry for _, _, pc, _ in lines):
            sys.exit(f'FAIL ({how}): entry point {entry:#x} not in {path}')
        print(f'ok ({how}): {len(lines)} TBs named, entry {entry:#x} among them')

    before = set(glob.glob('/tmp/perf-*.map'))
    pid = run(emu, ['-perfmap', fork_prog])
    new = sorted(set(glob.glob('/tmp/perf-*.map')) - before)
    parent = f'/tmp/perf-{pid}.map'
    children = [p for p in new if p != parent]
    if parent not in new:
        sys.exit(f'FAIL (fork): no {parent}')
    if not children:
        sys.exit('FAIL (fork): no child wrote its own map')
    for p in new:
        check_map(p)
        os.unlink(p)
    print(f'ok (fork): parent and {len(children)} child map files')


main()
