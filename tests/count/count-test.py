#!/usr/bin/env python3
"""count-test.py MODE [options] -- PROGRAM [ARGS...]: counting tests.

Modes (all exit 0 pass, 1 fail, 77 skip when emu cannot load plugins):
  compare   run PROGRAM natively under the ptrace oracle and under
            emu -plugin libinsncount.so; stdout, exit status, the
            counter's `executed ...` lines and the JSON regions (and the
            total with `started`) must be equal.  --runs N repeats the
            emu run (every run must agree), --load runs it beside busy
            processes.
  seed      emu -seed S several times: one count; a different seed must
            give a different count (the program's work depends on it).
  plugins   libinsncount (started), tests/plugins insn-cb (exec callbacks)
            and tb-inline (inline ops, also inline=off) totals agree.
  raw-write the raw-write plugin stores through the raw guest address.
  badopt    an unknown libinsncount option: clear message, exit status 1.
  oracle    the oracle alone against hand-counted figures (--expect-total,
            --expect-regions): the reference itself must be right.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

SKIP, FAIL = 77, 1
LINE = re.compile(r'^executed \d+ instructions; \d+ bytes read; \d+ bytes written$')


def status_of(rc):
    """Exit status as a shell shows it: 128+N for death by signal N."""
    return 128 - rc if rc < 0 else rc


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(FAIL)


GUEST_ENV = None     # os.environ plus --env settings


def run(cmd, timeout):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=timeout, env=GUEST_ENV)
    return p.returncode, p.stdout.decode(errors='replace'), p.stderr.decode(errors='replace')


def check_plugins_supported(stderr):
    if 'plugins are not supported' in stderr:
        print('SKIP: emu does not load plugins yet')
        sys.exit(SKIP)


def counter_lines(text):
    return [l for l in text.splitlines() if LINE.match(l)]


class Load:
    """Busy processes on every CPU while the emu runs happen."""
    def __init__(self, on):
        self.procs = []
        if on:
            for _ in range(os.cpu_count() or 2):
                self.procs.append(subprocess.Popen(
                    [sys.executable, '-c', 'while True: pass']))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            p.kill()
            p.wait()


def emu_cmd(a, plugin_args, extra=()):
    spec = ','.join([a.plugin] + plugin_args)
    return [a.emu] + list(extra) + ['-plugin', spec] + a.prog


def mode_compare(a, tmp):
    opts = [o for o in a.opts.split(',') if o]
    oracle_json = os.path.join(tmp, 'oracle.json')
    oracle_out = os.path.join(tmp, 'oracle.lines')
    ocmd = [a.oracle, '--json', oracle_json, '--out', oracle_out]
    for o in opts:
        ocmd.append('--' + o.split('=')[0].replace('_', '-'))
    rc, out, err = run(ocmd + ['--'] + a.prog, a.timeout)
    if rc == SKIP:
        print('SKIP: ' + err.strip())
        sys.exit(SKIP)
    with open(oracle_out) as f:
        olines = counter_lines(f.read())
    with open(oracle_json) as f:
        ojson = json.load(f)
    ors = status_of(rc)
    if ors >= 124 and ors not in (128 + 6, 128 + 11):
        fail('oracle failed (status %d): %s' % (ors, err))
    if not olines and not a.no_lines:
        fail('the oracle printed no counter line: the test would prove nothing')
    print('oracle: status %d, %d counter lines, %d regions'
          % (ors, len(olines), len(ojson['regions'])))

    first = None
    with Load(a.load):
        for i in range(a.runs):
            ejson = os.path.join(tmp, 'emu%d.json' % i)
            rc_e, out_e, err_e = run(emu_cmd(a, opts + ['json=' + ejson]), a.timeout)
            check_plugins_supported(err_e)
            elines = counter_lines(err_e)
            if status_of(rc_e) != ors:
                fail('run %d: exit status %d under emu, %d natively\nstderr: %s'
                     % (i, status_of(rc_e), ors, err_e[-2000:]))
            if out_e != out:
                fail('run %d: stdout differs\n--- native\n%s--- emu\n%s' % (i, out, out_e))
            if elines != olines:
                diff = [(n, o, e) for n, (o, e) in enumerate(zip(olines, elines)) if o != e]
                fail('run %d: counter lines differ (%d native, %d emu); first differences '
                     '(line, native, emu): %s' % (i, len(olines), len(elines), diff[:5]))
            try:
                with open(ejson) as f:
                    j = json.load(f)
            except (OSError, ValueError) as e:
                fail('run %d: bad JSON from libinsncount: %s' % (i, e))
            if j['regions'] != ojson['regions']:
                fail('run %d: JSON regions differ:\nnative %s\nemu    %s'
                     % (i, ojson['regions'], j['regions']))
            if 'started' in [o.split('=')[0] for o in opts]:
                if j['total'] != ojson['total'] or j['threads'] != ojson['threads']:
                    fail('run %d: total %s / threads %s under emu, natively %s / %s'
                         % (i, j['total'], j['threads'], ojson['total'], ojson['threads']))
            if not isinstance(j['total'], int) or j['total'] <= 0:
                fail('run %d: JSON total %r' % (i, j['total']))
            if 'count_per_thread' in [o.split('=')[0] for o in opts]:
                # only the starting thread's figures are promised: other
                # threads' totals may vary with scheduling (futex paths)
                j = {'regions': j['regions']}
            if first is None:
                first = j
            elif j != first:
                fail('run %d: JSON differs from run 0:\n%s\n%s' % (i, first, j))
    print('emu: %d run(s)%s equal the oracle: %s'
          % (a.runs, ' under load' if a.load else '', olines[:3]))


def one_count(a, seed, env_form=False):
    global GUEST_ENV
    saved = GUEST_ENV
    if env_form:
        GUEST_ENV = dict(GUEST_ENV, QEMU_RAND_SEED=str(seed))
        cmd = [a.emu, '-plugin', a.plugin] + a.prog
    else:
        cmd = [a.emu, '-seed', str(seed), '-plugin', a.plugin] + a.prog
    try:
        rc, out, err = run(cmd, a.timeout)
    finally:
        GUEST_ENV = saved
    check_plugins_supported(err)
    lines = counter_lines(err)
    if rc != 0 or len(lines) != 1:
        fail('seed %d: status %d, counter lines %s\n%s' % (seed, rc, lines, err[-2000:]))
    return lines[0], out


def mode_seed(a, tmp):
    counts = set()
    with Load(a.load):
        for i in range(a.runs):
            line, out = one_count(a, 42)
            counts.add(line)
    if len(counts) != 1:
        fail('-seed 42 gave %d different counts: %s' % (len(counts), counts))
    env_line = one_count(a, 42, env_form=True)[0]
    if {env_line} != counts:
        fail('QEMU_RAND_SEED=42 counts %s, -seed 42 %s' % (env_line, counts))
    other = {one_count(a, s)[0] for s in (1, 2, 3)}
    if other == counts:
        fail('seeds 1, 2, 3 and 42 all give %s: the program does not depend '
             'on the seed, so the test proves nothing' % counts)
    print('-seed 42: %d runs, one count %s; other seeds %s' % (a.runs, counts, other))


def mode_plugins(a, tmp):
    # libinsncount is loaded in every run: it answers the magic reads, and
    # the guest's own work depends on the answers (it prints the counts)
    setups = {
        'insn-cb': ['-plugin', a.insn_cb],
        'tb-inline': ['-plugin', a.tb_inline + ',inline=on'],
        'tb-cb': ['-plugin', a.tb_inline + ',inline=off'],
        'together': ['-plugin', a.insn_cb, '-plugin', a.tb_inline],
    }
    results = {}
    for name, pargs in setups.items():
        ejson = os.path.join(tmp, name + '.json')
        rc, out, err = run([a.emu, '-plugin', a.plugin + ',started,json=' + ejson]
                           + pargs + a.prog, a.timeout)
        check_plugins_supported(err)
        if rc != 0:
            fail('%s: emu exit status %d\n%s' % (name, rc, err[-2000:]))
        with open(ejson) as f:
            results[name + '/libinsncount'] = json.load(f)['total']
        m = re.search(r'^total insns: (\d+)$', err, re.M)
        if m:
            results[name + '/insn-cb'] = int(m.group(1))
        m = re.search(r"^bb's: (\d+), insns: (\d+)$", err, re.M)
        if m:
            results[name + '/tb-inline'] = int(m.group(2))
        if not counter_lines(err):
            fail('%s: libinsncount printed no counter line' % name)
    expect = {'insn-cb/libinsncount', 'insn-cb/insn-cb', 'tb-inline/libinsncount',
              'tb-inline/tb-inline', 'tb-cb/libinsncount', 'tb-cb/tb-inline',
              'together/libinsncount', 'together/insn-cb', 'together/tb-inline'}
    if set(results) != expect:
        fail('missing plugin output: got %s' % results)
    if len(set(results.values())) != 1:
        fail('plugin totals differ: %s' % results)
    print('all plugins count %d instructions' % results['together/libinsncount'])


def mode_raw_write(a, tmp):
    rc, out, err = run([a.emu, '-plugin', a.raw_write] + a.prog, a.timeout)
    check_plugins_supported(err)
    if rc != 0 or 'value 0x1234567887654321' not in out:
        fail('raw guest-address write not seen by the guest (status %d)\n%s%s'
             % (rc, out, err[-2000:]))
    print(out)


def mode_badopt(a, tmp):
    rc, out, err = run([a.emu, '-plugin', a.plugin + ',no_such_option'] + a.prog, a.timeout)
    check_plugins_supported(err)
    if rc != 1 or 'no_such_option' not in err:
        fail('unknown option: status %d, stderr %r' % (rc, err[-2000:]))
    # every accepted spelling of a boolean option gives the same count
    seen = {}
    for spec in ('started', 'started=on', 'started=true', 'arg=started', 'started=yes'):
        rc, out, err = run([a.emu, '-plugin', a.plugin + ',' + spec] + a.prog, a.timeout)
        lines = counter_lines(err)
        if rc != 0 or len(lines) != 1:
            fail('%s: status %d, lines %s\n%s' % (spec, rc, lines, err[-2000:]))
        seen[spec] = lines[0]
    rc, out, err = run([a.emu, '-plugin', a.plugin + ',started=off'] + a.prog, a.timeout)
    seen_off = counter_lines(err)
    if len(set(seen.values())) != 1:
        fail('option spellings count differently: %s' % seen)
    # the program STOPs without START: 0 unless counting from the start
    if seen_off != ['executed 0 instructions; 0 bytes read; 0 bytes written'] or \
            seen['started'] == seen_off[0]:
        fail('started=off: %s, started: %s' % (seen_off, seen['started']))
    print('spellings agree: %s; started=off: %s' % (seen['started'], seen_off))


def mode_oracle(a, tmp):
    oj = os.path.join(tmp, 'o.json')
    rc, out, err = run([a.oracle, '--started', '--json', oj, '--out', os.devnull, '--']
                       + a.prog, a.timeout)
    if rc == SKIP:
        print('SKIP: ' + err.strip())
        sys.exit(SKIP)
    with open(oj) as f:
        j = json.load(f)
    regions = [r['instructions'] for r in j['regions']]
    want = [int(x) for x in a.expect_regions.split(',') if x]
    if rc != 0 or j['total'] != a.expect_total or regions != want:
        fail('oracle: status %d, total %s, regions %s; hand count: total %d, regions %s'
             % (rc, j['total'], regions, a.expect_total, want))
    print('oracle: total %d, regions %s, as counted by hand' % (j['total'], regions))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('mode', choices=['compare', 'seed', 'plugins', 'raw-write', 'badopt',
                                    'oracle'])
    p.add_argument('--expect-total', type=int)
    p.add_argument('--expect-regions', default='')
    p.add_argument('--emu', required=True)
    p.add_argument('--plugin', help='libinsncount.so')
    p.add_argument('--oracle')
    p.add_argument('--insn-cb')
    p.add_argument('--tb-inline')
    p.add_argument('--raw-write')
    p.add_argument('--opts', default='', help='libinsncount options, comma separated')
    p.add_argument('--env', action='append', default=[],
                   help='VAR=VALUE for the guest, natively and under emu')
    p.add_argument('--runs', type=int, default=1)
    p.add_argument('--load', action='store_true')
    p.add_argument('--no-lines', action='store_true')
    p.add_argument('--timeout', type=float, default=120)
    argv = sys.argv[1:]
    if '--' not in argv:
        p.error('no program (give it after --)')
    cut = argv.index('--')
    a = p.parse_args(argv[:cut])
    a.prog = argv[cut + 1:]
    global GUEST_ENV
    GUEST_ENV = dict(os.environ)
    for e in a.env:
        k, _, v = e.partition('=')
        GUEST_ENV[k] = v
    if not a.prog:
        p.error('no program')
    with tempfile.TemporaryDirectory() as tmp:
        {'compare': mode_compare, 'seed': mode_seed, 'plugins': mode_plugins,
         'raw-write': mode_raw_write, 'badopt': mode_badopt,
         'oracle': mode_oracle}[a.mode](a, tmp)
    return 0


if __name__ == '__main__':
    sys.exit(main())
