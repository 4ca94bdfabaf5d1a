#!/usr/bin/env python3
"""W^X of emu's own mappings with -accel tcg,split-wx=on (docs/jit.md).

Runs a guest that waits on its stdin (tests/wx/wx-wait.c, forking first)
and reads emu's /proc/PID/maps from outside (emu shows the guest its own
view of /proc/self/maps): with split-wx no mapping may be writable and
executable, the code cache must be one memfd mapped r-xs and rw-s, and
the fork child's memfd must not be its parent's; also in a program a
guest execs (emu passes -accel on).  Without split-wx the
same check must find the RWX cache (so it can fail).  Also the option
errors: split-wx=maybe, split-wx with backend=interp.

usage: wx-maps.py --emu EMU --guest WX_WAIT
"""
import argparse
import os
import queue
import subprocess
import sys
import threading

FAILS = []


def fail(msg):
    FAILS.append(msg)
    print('FAIL: ' + msg)


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('EMU_JIT_') and k not in ('EMU_BACKEND',)}
    env.update(extra)
    return env


def maps_of(pid):
    rows = []
    with open('/proc/%d/maps' % pid) as f:
        for line in f:
            parts = line.split(None, 5)
            rows.append({'range': parts[0], 'perms': parts[1], 'inode': parts[4],
                         'path': parts[5].strip() if len(parts) > 5 else '',
                         'line': line.rstrip()})
    return rows


def wx_rows(rows):
    return [r for r in rows if 'w' in r['perms'] and 'x' in r['perms']]


def run_waiting(cmd, env, nproc):
    """Start cmd, wait for nproc "ready PID" lines; return (proc, pids)."""
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in p.stdout] and None,
                     daemon=True).start()
    pids = []
    for _ in range(nproc):
        try:
            line = lines.get(timeout=60)
        except queue.Empty:
            line = '(nothing within 60 s)'
        if not line.startswith('ready '):
            p.kill()
            p.wait()
            raise RuntimeError('%s: no "ready" line (got %r; stderr %r)'
                               % (cmd, line, p.stderr.read()))
        pid, val = line.split()[1:3]
        if val != '42':
            fail('%s: the guest-written code returned %s' % (cmd, val))
        pids.append(int(pid))
    return p, pids


def finish(p, what):
    p.stdin.close()
    err = p.stderr.read()
    rc = p.wait(timeout=60)
    if rc != 0:
        fail('%s: exit status %d, stderr %r' % (what, rc, err))


def check_split(emu, guest, opts, env, what, via_exec=False):
    # via_exec: the guest is exec'd by a shell under emu (-accel passed on)
    cmd = ['/bin/sh', '-c', 'exec "$0" fork', guest] if via_exec else [guest, 'fork']
    p, pids = run_waiting([emu] + opts + cmd, env, 2)
    try:
        memfds = []
        for pid in pids:
            rows = maps_of(pid)
            bad = wx_rows(rows)
            if bad:
                fail('%s: pid %d has writable+executable mappings:\n  %s'
                     % (what, pid, '\n  '.join(r['line'] for r in bad)))
            cache = [r for r in rows if 'emu-jit-code' in r['path']]
            perms = sorted(r['perms'] for r in cache)
            if perms != ['r-xs', 'rw-s']:
                fail('%s: pid %d: code cache mappings %s, expected one r-xs and one rw-s'
                     % (what, pid, [r['line'] for r in cache]))
            memfds.append(set(r['inode'] for r in cache))
        if len(memfds) == 2 and memfds[0] & memfds[1]:
            fail('%s: parent and fork child map the same memfd %s' % (what, memfds[0]))
        print('%s: %d processes, no W+X mapping, cache memfds %s'
              % (what, len(pids), [sorted(m) for m in memfds]))
    finally:
        finish(p, what)


def check_rwx_default(emu, guest):
    p, pids = run_waiting([emu, guest], clean_env(), 1)
    try:
        bad = wx_rows(maps_of(pids[0]))
        if not bad:
            fail('split-wx off: no RWX mapping found (the check would prove nothing)')
        print('split-wx off: %d writable+executable mapping(s), as expected' % len(bad))
    finally:
        finish(p, 'split-wx off')


def check_error(emu, guest, opts, want, env=None):
    r = subprocess.run([emu] + opts + [guest], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, env=env or clean_env(), timeout=60)
    if r.returncode != 1 or any(w not in r.stderr for w in want) or r.stdout:
        fail('%s: status %d, stdout %r, stderr %r; expected status 1 and %s in stderr'
             % (' '.join(opts), r.returncode, r.stdout, r.stderr, want))
    else:
        print('%s: %s' % (' '.join(opts), r.stderr.strip()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--emu', required=True)
    ap.add_argument('--guest', required=True)
    a = ap.parse_args()
    emu, guest = os.path.abspath(a.emu), os.path.abspath(a.guest)

    check_split(emu, guest, ['-accel', 'tcg,backend=jit,split-wx=on'], clean_env(),
                '-accel split-wx=on')
    check_split(emu, guest, [], clean_env(EMU_JIT_SPLIT_WX='1'), 'EMU_JIT_SPLIT_WX=1')
    if os.path.exists('/bin/sh'):
        check_split(emu, guest, ['-accel', 'tcg,split-wx=on'], clean_env(),
                    'split-wx=on, after a guest execve', via_exec=True)
    check_rwx_default(emu, guest)
    check_error(emu, guest, ['-accel', 'tcg,split-wx=maybe'], ['split-wx', "'maybe'"])
    check_error(emu, guest, ['-accel', 'tcg,backend=interp,split-wx=on'],
                ['split-wx=on', 'backend=jit'])
    check_error(emu, guest, ['-accel', 'tcg,split-wx=on'], ['split-wx=on', 'backend=jit'],
                env=clean_env(EMU_BACKEND='interp'))
    h = subprocess.run([emu, '-help'], capture_output=True, text=True, timeout=60)
    if 'split-wx=on|off' not in h.stdout + h.stderr:
        fail('-help does not mention split-wx=on|off')
    return 1 if FAILS else 0


if __name__ == '__main__':
    sys.exit(main())
