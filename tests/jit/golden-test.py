#!/usr/bin/env python3
"""tests/jit/golden-test.py — the golden code-size table test (docs/jit.md).

    golden-test.py TOOL LIST GOLDEN            check
    golden-test.py --update TOOL LIST GOLDEN   rewrite LIST's bytes and GOLDEN

Check: (1) every LIST entry's bytes are what the host's `as` makes of its
text (skipped with a note if binutils are missing), (2) TOOL's table
(jit-golden LIST) equals GOLDEN; any difference fails with a unified diff.
--update writes the bytes from `as` into LIST and TOOL's table into GOLDEN
(the same as `ninja -C build jit-golden-update`).
"""
import difflib
import os
import shutil
import subprocess
import sys
import tempfile


def parse_list(path):
    """Lines of LIST; entries as (index, text, bytes-string)."""
    with open(path) as f:
        lines = f.read().split('\n')
    entries = []
    for i, line in enumerate(lines):
        s = line.strip()
        if not s or s.startswith('#'):
            continue
        if '|' not in s:
            sys.exit(f'{path}:{i + 1}: no "|" in list entry: {s}')
        text, _, hexs = s.rpartition('|')
        entries.append((i, text.strip(), ' '.join(hexs.split())))
    return lines, entries


def assemble(texts):
    """Bytes (as hex strings) that GNU as makes of each text, or None
    if binutils are not there.  One run of as for all: entry i lies
    between labels golden_i and golden_{i+1} (displacements such as .+0x40
    are relative to the instruction itself, so position does not matter)."""
    tools = [shutil.which(t) for t in ('as', 'nm', 'objcopy')]
    if not all(tools):
        return None
    as_, nm, objcopy = tools
    with tempfile.TemporaryDirectory() as d:
        src, obj, bin_ = (os.path.join(d, n) for n in ('e.s', 'e.o', 'e.bin'))
        with open(src, 'w') as f:
            f.write('.intel_syntax noprefix\n.text\n')
            for i, text in enumerate(texts):
                f.write(f'golden_{i}:\n')
                f.write('\n'.join(p.strip() for p in text.split(';')) + '\n')
            f.write(f'golden_{len(texts)}:\n')
        r = subprocess.run([as_, '--64', '-o', obj, src], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f'as rejects the list:\n{r.stderr}')
        syms = subprocess.run([nm, obj], capture_output=True, text=True, check=True).stdout
        off = {}
        for line in syms.split('\n'):
            parts = line.split()
            if len(parts) == 3 and parts[2].startswith('golden_'):
                off[int(parts[2][7:])] = int(parts[0], 16)
        subprocess.run([objcopy, '-O', 'binary', '-j', '.text', obj, bin_], check=True)
        with open(bin_, 'rb') as f:
            code = f.read()
    return [' '.join(f'{b:02x}' for b in code[off[i]:off[i + 1]])
            for i in range(len(texts))]


def main():
    args = sys.argv[1:]
    update = '--update' in args
    args = [a for a in args if a != '--update']
    if len(args) != 3:
        sys.exit(__doc__)
    tool, list_path, golden_path = args

    lines, entries = parse_list(list_path)
    encoded = assemble([t for _, t, _ in entries])
    if encoded is None:
        print('note: no as/objcopy on the host: list bytes not checked against the text')
        if update:
            sys.exit('--update needs as and objcopy')
    elif update:
        w = max(len(t) for _, t, _ in entries)
        for (i, text, _), enc in zip(entries, encoded):
            lines[i] = f'{text:<{w}} | {enc}'
        with open(list_path, 'w') as f:
            f.write('\n'.join(lines))
    else:
        bad = [(t, h, e) for (_, t, h), e in zip(entries, encoded) if h != e]
        for t, h, e in bad:
            print(f'{list_path}: "{t}": bytes {h or "(none)"}, as makes {e}')
        if bad:
            print('run golden-test.py --update (ninja jit-golden-update) to fix the bytes')
            return 1

    r = subprocess.run([tool, list_path], capture_output=True, text=True)
    if r.returncode == 77:
        print(r.stdout, end='')
        return 77
    if r.returncode != 0:
        print(r.stdout + r.stderr, end='')
        print(f'{tool} failed (exit {r.returncode})')
        return 1
    if update:
        with open(golden_path, 'w') as f:
            f.write(r.stdout)
        print(f'wrote {golden_path} and the bytes of {list_path}')
        return 0
    with open(golden_path) as f:
        golden = f.read()
    if golden == r.stdout:
        print(f'{len(entries)} entries: host code sizes as in {golden_path}')
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        golden.splitlines(True), r.stdout.splitlines(True),
        fromfile=golden_path, tofile='now'))
    print('\nThe JIT\'s code for these instructions changed.  If that is intended, '
          'update the table in the same commit, with the reason in its message:\n'
          '  ninja -C BUILD jit-golden-update   (docs/jit.md, "Golden code-size table")')
    return 1


if __name__ == '__main__':
    sys.exit(main())
