#!/usr/bin/env python3
"""tests/count/vclock-test.py EMU PROG: the virtual clock (-icount).

For several shifts: PROG checks the clock's promises itself (exit 0) and
prints what it read; two runs must print the same bytes (time and RDTSC
come from the instruction count, not the host).  With sleep=off a guest
sleep of 3.5 s must take (almost) no real time; with the default
sleep=on it must really sleep.  Without -icount the values change from
run to run (the test would prove nothing otherwise)."""
import subprocess
import sys
import time

emu, prog = sys.argv[1], sys.argv[2]


def run(opts, shift):
    t0 = time.monotonic()
    p = subprocess.run([emu] + opts + [prog, str(shift)], capture_output=True, text=True,
                       timeout=120)
    return p, time.monotonic() - t0


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


for shift in (0, 3):
    opts = ['-icount', 'shift=%d,sleep=off' % shift]
    a, ta = run(opts, shift)
    b, _ = run(opts, shift)
    print('shift %d: exit %d, %.2fs\n%s' % (shift, a.returncode, ta, a.stdout))
    if a.returncode != 0:
        fail('the guest found the clock wrong:\n' + a.stdout + a.stderr)
    if a.stdout != b.stdout:
        fail('two runs read different times:\n' + a.stdout + '---\n' + b.stdout)
    if ta > 3.0:
        fail('sleep=off still slept (%.1fs)' % ta)

p, t = run(['-icount', '0'], 0)
if p.returncode != 0:
    fail('default sleep=on run failed:\n' + p.stdout + p.stderr)
if t < 3.4:
    fail('sleep=on did not sleep (%.1fs for 3.5s asked)' % t)
print('sleep=on: %.2fs' % t)

# Without -icount the guest reads the host clock: two runs differ, and
# the first check (rdtsc exact) normally fails.
n1, _ = run([], 0)
n2, _ = run([], 0)
if n1.stdout == n2.stdout:
    fail('without -icount two runs printed the same times: the test proves nothing')

# Bad arguments: a clear error, exit status 1.
for bad in ('shift=11', 'auto', 'shift=x', 'sleep=maybe', 'foo=1'):
    p = subprocess.run([emu, '-icount', bad, prog], capture_output=True, text=True)
    if p.returncode != 1 or '-icount' not in p.stderr:
        fail('-icount %s: status %d, stderr %r' % (bad, p.returncode, p.stderr))
print('ok')
