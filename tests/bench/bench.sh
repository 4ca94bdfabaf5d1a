#!/bin/sh
# tests/bench/bench.sh [--quick] [--mm-iterations N] [--no-mm] [--no-build]
#                      [--emu "COMMAND"] [--no-count] [--no-qemu] [--repeat N]
#                      [--mm-only] [--mm-modes "plain pinned threads"]
# Not a test: builds emu and the benchmark guests into build/ (via
# ./build.sh), then prints for each CPU-bound guest the native and emu wall
# time, their ratio, and peak RSS native vs emu (GNU time; the Debian
# package `time` is installed if missing), checking that emu's output equals
# the native one.  Then the memory scenario (tests/bench/mm-scenario.c;
# plain, pinned and 8 threads at once; 100,000 iterations by default):
# native vs emu peak RSS, their difference (must be <= 32 MiB), and whether
# the guest's /proc/self/maps line count returned to its baseline, with
# iterations per second; qemu-x86_64 runs it too, stopped once its RSS
# passes native + 4 GiB (QEMU 7.2 keeps per-page state of every range).
# BUILD_DIR=DIR uses DIR instead of build/.  --emu runs the guests under
# another command instead of build/emu (e.g. --emu qemu-x86_64, to compare).
# Counting (docs/counting.md): per program also emu with libinsncount
# counting the whole run (`started`), its overhead over plain emu (target:
# at most 15%), and, when qemu-user is installed (installed here as root
# if missing; --no-qemu skips it), qemu-x86_64 plain and with a
# per-block inline instruction counter (tests/bench/qemu-insn-v1.c).
# --no-count skips the counting columns.  --mm-only skips the CPU-bound
# programs; --mm-modes runs only the listed memory-scenario modes (a
# 100,000-iteration mode takes ~20 min natively: 1024 page faults each).  --repeat N (default 3) takes, in
# the counting table, the fastest of N runs of plain emu and of emu with
# the counter, measured back to back (single runs are too noisy for a 15%
# budget).  The issue-6 comparison over a larger set (real programs,
# valgrind, geomeans) is tests/bench/speed.sh (docs/benchmarks.md).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
quick=0
mm_iters=100000
do_mm=1
do_programs=1
mm_modes="plain pinned threads"
do_build=1
emu=""
do_count=1
do_qemu=1
repeat=3
qemu_cap_mib=4096
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1; mm_iters=1000 ;;
    --mm-iterations) mm_iters=$2; shift ;;
    --no-mm) do_mm=0 ;;
    --mm-only) do_programs=0 ;;
    --mm-modes) mm_modes=$2; shift ;;
    --no-build) do_build=0 ;;
    --emu) emu=$2; shift ;;
    --no-count) do_count=0 ;;
    --no-qemu) do_qemu=0 ;;
    --repeat) repeat=$2; shift ;;
    *) echo "usage: $0 [--quick] [--mm-iterations N] [--no-mm] [--no-build] [--emu CMD] [--no-count] [--no-qemu] [--repeat N] [--mm-only] [--mm-modes LIST]" >&2; exit 2 ;;
    esac
    shift
done
for mode in $mm_modes; do
    case $mode in plain|pinned|threads) ;; *) echo "$0: unknown memory-scenario mode '$mode'" >&2; exit 2 ;; esac
done

[ $do_build = 0 ] || "$root/build.sh" >&2
if [ ! -x /usr/bin/time ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >&2 ||
        { $sudo apt-get update -q >&2 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >&2; }
fi
[ -n "$emu" ] || emu="$root/${BUILD_DIR:-build}/emu"
bin="$root/${BUILD_DIR:-build}/tests/bench"
insncount="$root/${BUILD_DIR:-build}/plugins/libinsncount.so"
[ -f "$insncount" ] || do_count=0
qemu=""
if [ $do_qemu = 1 ]; then
    if ! command -v qemu-x86_64 >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        env DEBIAN_FRONTEND=noninteractive apt-get install -y -q qemu-user >&2 ||
            { apt-get update -q >&2 && env DEBIAN_FRONTEND=noninteractive apt-get install -y -q qemu-user >&2; } || true
    fi
    qemu=$(command -v qemu-x86_64 || true)
fi
qemu_plugin="$bin/libqemu-insn-v1.so"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure NAME CMD...: sets t (seconds), rss (KiB), rc; stdout in $tmp/NAME.out
measure() {
    name=$1; shift
    rc=0
    /usr/bin/time -f "%e %M" -o "$tmp/$name.time" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" || rc=$?
    t=$(tail -n 1 "$tmp/$name.time" | cut -d' ' -f1)
    rss=$(tail -n 1 "$tmp/$name.time" | cut -d' ' -f2)
}

# measure_capped LIMIT_KIB NAME CMD...: measure, but kill the measured
# process if its RSS passes LIMIT_KIB (an emulator that leaks per-page
# state in the memory scenario would otherwise take the machine's memory).
measure_capped() {
    limit=$1; shift
    name=$1; shift
    rc=0
    /usr/bin/time -f "%e %M" -o "$tmp/$name.time" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" &
    tpid=$!
    capped=0
    while kill -0 $tpid 2>/dev/null; do
        for c in $(cat /proc/$tpid/task/$tpid/children 2>/dev/null); do
            r=$(awk '/^VmRSS/ { print $2 }' /proc/$c/status 2>/dev/null)
            if [ -n "$r" ] && [ "$r" -gt "$limit" ]; then
                kill -9 $c 2>/dev/null || true
                capped=$r
            fi
        done
        sleep 0.2
    done
    wait $tpid || rc=$?
    t=$(tail -n 1 "$tmp/$name.time" | cut -d' ' -f1)
    rss=$(tail -n 1 "$tmp/$name.time" | cut -d' ' -f2)
}

if [ $do_programs = 1 ]; then
    if [ $quick = 1 ]; then
        set -- "sieve 5000000" "sha256 4" "nbody 500000" "qsort-ints 300000"
    else
        set -- "sieve 20000000" "sha256 16" "nbody 2000000" "qsort-ints 1000000"
    fi
    printf '%-22s %9s %9s %8s %12s %12s  %s\n' program native_s emu_s ratio native_rss emu_rss output
    for spec in "$@"; do
        prog=${spec%% *}; arg=${spec#* }
        measure native "$bin/$prog" $arg; nt=$t; nrss=$rss; nrc=$rc
        measure emu $emu "$bin/$prog" $arg; et=$t; erss=$rss; erc=$rc
        if [ $nrc = $erc ] && cmp -s "$tmp/native.out" "$tmp/emu.out"; then same=same; else same="DIFFERS (rc $nrc vs $erc)"; fi
        ratio=$(awk -v a="$et" -v b="$nt" 'BEGIN { if (b > 0) printf "%.1f", a / b; else printf "n/a" }')
        printf '%-22s %9s %9s %8s %9s KiB %9s KiB  %s\n' "$prog $arg" "$nt" "$et" "${ratio}x" "$nrss" "$erss" "$same"
        echo "$prog $arg|$nt|$nrss|$et|$erss" >> "$tmp/results"
    done

    # measure_min N NAME CMD...: measure N times; t = the fastest run's time,
    # rss = the largest peak RSS, rc = the last status
    measure_min() {
        n=$1; shift
        best=""; maxrss=0
        while [ "$n" -gt 0 ]; do
            measure "$@"
            best=$(awk -v a="$t" -v b="$best" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }')
            [ "$rss" -le "$maxrss" ] || maxrss=$rss
            n=$((n - 1))
        done
        t=$best; rss=$maxrss
    }

    # overhead BASE NEW: "+12.3%"
    overhead() {
        awk -v a="$2" -v b="$1" 'BEGIN { if (b > 0) printf "%+.1f%%", (a - b) * 100 / b; else printf "n/a" }'
    }

    if [ $do_count = 1 ] || [ -n "$qemu" ]; then
        echo
        echo "counting: emu with libinsncount,started (whole run); qemu-x86_64 $([ -n "$qemu" ] && "$qemu" --version | head -n 1 | sed 's/.*version //' || echo 'not installed')"
        printf '%-22s %9s %9s %9s %13s %9s %9s %9s %13s %13s  %s\n' program native_s emu_s count_s count_overhead count_rss \
            qemu_s qemu_cnt_s qemu_overhead qemu_rss instructions
        while IFS='|' read -r spec nt nrss et erss; do
            prog=${spec%% *}; arg=${spec#* }
            ct=-; crss=-; cover=-; insns=-
            if [ $do_count = 1 ]; then
                measure_min "$repeat" emu $emu "$bin/$prog" $arg
                et=$t
                measure_min "$repeat" count $emu -plugin "$insncount,started" "$bin/$prog" $arg
                ct=$t; crss=$rss
                cover=$(overhead "$et" "$ct")
                echo "$cover" | tr -d '%+' >> "$tmp/overheads"
                insns=$(sed -n 's/^executed \([0-9]*\) instructions.*/\1/p' "$tmp/count.err" | tail -n 1)
                [ -n "$insns" ] || insns="NO COUNT (rc $rc)"
            fi
            qt=-; qct=-; qover=-; qrss=-
            if [ -n "$qemu" ]; then
                measure qemu "$qemu" "$bin/$prog" $arg
                qt=$t; qrss=$rss
                if [ -f "$qemu_plugin" ]; then
                    measure qemucount "$qemu" -plugin "$qemu_plugin" -d plugin "$bin/$prog" $arg
                    qct=$t
                    qover=$(overhead "$qt" "$qct")
                    qi=$(sed -n 's/^insns: //p' "$tmp/qemucount.err" | tail -n 1)
                    [ -z "$qi" ] || insns="$insns (qemu $qi)"
                fi
            fi
            printf '%-22s %9s %9s %9s %13s %9s %9s %9s %13s %9s KiB  %s\n' "$spec" "$nt" "$et" "$ct" "$cover" \
                "$crss" "$qt" "$qct" "$qover" "$qrss" "$insns"
        done < "$tmp/results"
        if [ -s "$tmp/overheads" ]; then
            awk '{ if (NR == 1 || $1 > m) m = $1 } END { v = ""; if (m > 15) v = "  OVER BUDGET"; printf "largest counting overhead: %+.1f%% (budget: +15%%)%s\n", m, v }' "$tmp/overheads"
        fi
    fi
fi

[ $do_mm = 1 ] || exit 0
# iters_per_s SECONDS: the scenario's iterations per second
iters_per_s() {
    awk -v n="$mm_iters" -v t="$1" 'BEGIN { if (t > 0) printf "%.0f", n / t; else printf "n/a" }'
}
echo
echo "memory scenario: $mm_iters x (map 6 GiB PROT_NONE, mprotect 64 MiB RW, touch 1 byte / 64 KiB, unmap)"
[ -z "$qemu" ] || echo "qemu-x86_64 is stopped when its RSS passes native + $qemu_cap_mib MiB (it tracks every page it has seen)"
printf '%-8s %9s %9s %9s %12s %12s %10s  %-14s %s\n' mode native_s emu_s native_it/s native_rss emu_rss diff verdict emu_it/s
status=0
for mode in $mm_modes; do
    measure native "$bin/mm-scenario" "$mm_iters" $mode; nt=$t; nrss=$rss
    measure_capped $(( nrss + 1024 * 1024 )) emu $emu "$bin/mm-scenario" "$mm_iters" $mode
    et=$t; erss=$rss; erc=$rc
    diff=$(( (erss - nrss) / 1024 ))
    verdict="ok"
    [ $diff -le 32 ] || { verdict="RSS TOO HIGH"; status=1; }
    [ $erc = 0 ] || { verdict="$verdict, emu exit $erc"; status=1; }
    [ $capped = 0 ] || verdict="$verdict (killed at $(( capped / 1024 )) MiB RSS)"
    printf '%-8s %9s %9s %11s %8s KiB %8s KiB %6s MiB  %-14s %s\n' $mode "$nt" "$et" "$(iters_per_s "$nt")" "$nrss" "$erss" \
        "$diff" "$verdict" "$(iters_per_s "$et")"
    echo "  native: $(cat "$tmp/native.out")"
    echo "  emu:    $(cat "$tmp/emu.out" | head -c 300)$(head -c 300 "$tmp/emu.err")"
    if [ -n "$qemu" ]; then
        measure_capped $(( nrss + qemu_cap_mib * 1024 )) qemu "$qemu" "$bin/mm-scenario" "$mm_iters" $mode
        if [ $capped = 0 ] && [ $rc = 0 ]; then
            echo "  qemu:   $t s, $(iters_per_s "$t") it/s, $rss KiB peak RSS: $(head -c 300 "$tmp/qemu.out")"
        else
            echo "  qemu:   stopped after $t s at $(( capped / 1024 )) MiB RSS (exit $rc), before finishing"
        fi
    fi
done
exit $status
