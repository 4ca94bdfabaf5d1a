#!/bin/bash
# tests/bench/speed.sh: the issue-6 speed comparison (docs/benchmarks.md).
#
# Runs every benchmark of the set -- C kernels (tests/bench/*.c) and real
# Debian programs (python3, perl, gzip, xz, sqlite3) on fixed inputs this
# script generates (tests/bench/gen-data.py, workload.py, workload.pl) --
# natively and under: emu (JIT), emu + libinsncount (`started`, whole-run
# count), emu's IR interpreter (-accel tcg,backend=interp), qemu-x86_64,
# valgrind --tool=none and valgrind --tool=lackey.  Every run's stdout (plus
# the exit status and checksums of the files it writes) is compared with
# the native run: a mismatch shows as FAIL in the table.  Prints one table
# of times and ratios, the geomeans, the issue-6 targets and the start-up
# time of a dynamic /bin/true.  Exit status 1 if anything FAILed.
#
# usage: speed.sh [--quick|--tiny] [--repeat N] [--only NAME,...] [--slow|--no-slow]
#                 [--no-qemu] [--no-valgrind] [--emu PATH] [--build]
#                 [--clock cpu|wall] [--timeout SECONDS] [--list]
#   --quick         inputs about 4x smaller (native ~0.05-0.3 s each)
#   --tiny          smoke-test inputs (seconds in all; used by the test suite)
#   --repeat N      time each run N times and keep the fastest (default 1;
#                   native runs are always the fastest of at least 3); the
#                   repeats go in rounds over the columns (interleaved)
#   --only A,B      only these benchmarks (also the groups `kernels`, `real`)
#   --slow          also run the slow columns, interp and lackey (the
#                   default with --quick and --tiny; --no-slow skips them)
#   --no-qemu, --no-valgrind   skip those columns
#   --emu "PATH [ARGS]"  the emu binary (default build/emu; BUILD_DIR=DIR
#                   picks another build dir), with extra options if any; the
#                   kernels and libinsncount.so are taken from BUILD_DIR, or
#                   else from the build dir holding PATH when it has them
#   --build         run ./build.sh first
#   --clock cpu     (default) seconds of CPU, user + system, of the whole
#                   process tree: robust on a shared, loaded machine
#   --clock wall    elapsed seconds
#   --timeout S     a run taking longer is killed and shows as TIME (600)
# qemu-user, valgrind, GNU time and the real programs are installed with
# apt-get when missing and we are root (or have sudo).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
src=$root/tests/bench

tier=full
repeat=1
only=""
slow=""
do_qemu=1
do_vg=1
emu=""
do_build=0
clock=cpu
tmo=600
list=0
usage() {
    sed -n '/^# usage:/,/^# qemu-user/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case $1 in
    --quick) tier=quick ;;
    --tiny) tier=tiny ;;
    --repeat) repeat=$2; shift ;;
    --only) only=$2; shift ;;
    --slow) slow=1 ;;
    --no-slow) slow=0 ;;
    --no-qemu) do_qemu=0 ;;
    --no-valgrind) do_vg=0 ;;
    --emu) emu=$2; shift ;;
    --build) do_build=1 ;;
    --clock) clock=$2; shift; [ "$clock" = cpu ] || [ "$clock" = wall ] || usage ;;
    --timeout) tmo=$2; shift ;;
    --list) list=1 ;;
    *) usage ;;
    esac
    shift
done
[ -n "$slow" ] || { [ $tier = full ] && slow=0 || slow=1; }

# The set: NAME KIND FULL QUICK TINY (sizes: the kernel's argument; for
# the real programs rounds, bytes of text or rows, see bench_script).
set_table="
sieve        kernel 20000000 5000000  100000
sha256       kernel 16       4        1
nbody        kernel 2000000  500000   2000
qsort-ints   kernel 1000000  300000   20000
strings      kernel 16384    4096     64
malloc-churn kernel 300000   75000    20000
simd         kernel 2000     500      5
python3      real   600000   150000   2000
perl         real   200000   50000    2000
gzip         real   16777216 4194304  65536
xz           real   1048576  262144   16384
sqlite3      real   50000    12500    200
"
names=()
declare -A kind size
while read -r n k f q t; do
    [ -n "$n" ] || continue
    case ",$only," in
    ,,|*,$n,*|*,${k}s,*|*,$k,*) ;;
    *) continue ;;
    esac
    names+=("$n"); kind[$n]=$k
    case $tier in full) size[$n]=$f ;; quick) size[$n]=$q ;; tiny) size[$n]=$t ;; esac
done <<< "$set_table"
if [ $list = 1 ]; then
    for n in "${names[@]}"; do echo "$n ${kind[$n]} ${size[$n]}"; done
    exit 0
fi
[ ${#names[@]} -gt 0 ] || { echo "speed.sh: --only $only matches no benchmark (--list)" >&2; exit 2; }

# The command each benchmark runs, as a bash script: $RUN is the emulator
# prefix (empty natively), $D the data dir, $BIN the kernels, $SRC this
# directory; it runs in an empty scratch dir.  The output files it names
# after `#out:` are checksummed and compared too.
bench_script() {
    local n=$1 s=${size[$1]}
    case $n in
    python3) echo "\$RUN /usr/bin/python3 -B \$SRC/workload.py $s" ;;
    perl) echo "\$RUN /usr/bin/perl \$SRC/workload.pl $s" ;;
    gzip) echo "\$RUN /usr/bin/gzip -n -6 -c \$D/text-$s > out.gz && \$RUN /usr/bin/gzip -d -c out.gz > out.txt #out: out.gz out.txt" ;;
    xz) echo "\$RUN /usr/bin/xz -T1 -6 -c \$D/text-$s > out.xz && \$RUN /usr/bin/xz -d -c out.xz > out.txt #out: out.xz out.txt" ;;
    sqlite3) echo "\$RUN /usr/bin/sqlite3 db < \$D/sql-$s #out: db" ;;
    *) echo "\$RUN \$BIN/$n $s" ;;
    esac
}

[ $do_build = 0 ] || "$root/build.sh" >&2
case ${BUILD_DIR:-build} in /*) bdir=$BUILD_DIR ;; *) bdir=$root/${BUILD_DIR:-build} ;; esac
if [ -n "$emu" ]; then
    read -r emu_path emu_args <<< "$emu"
    case $emu_path in /*) ;; *) emu_path=$(pwd)/$emu_path ;; esac
    emu="$emu_path${emu_args:+ $emu_args}"
    [ -n "${BUILD_DIR:-}" ] || [ ! -d "$(dirname "$emu_path")/tests/bench" ] || bdir=$(dirname "$emu_path")
else
    emu=$bdir/emu; emu_path=$emu
fi
bin=$bdir/tests/bench
insncount=$bdir/plugins/libinsncount.so
[ -x "$emu_path" ] || { echo "speed.sh: no emu at $emu_path (build it: --build)" >&2; exit 2; }
[ -f "$insncount" ] || echo "speed.sh: $insncount missing: no emu+count column" >&2

# ensure COMMAND PACKAGE: install PACKAGE if COMMAND is missing and we may
ensure() {
    command -v "$1" >/dev/null 2>&1 && return 0
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 || return 1
        sudo=sudo
    fi
    echo "speed.sh: installing $2" >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$2" >&2 ||
        { $sudo apt-get update -q >&2 &&
          $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$2" >&2; } || true
    command -v "$1" >/dev/null 2>&1
}
# (77: meson's "skipped", for the bench-smoke tests)
ensure /usr/bin/time time || { echo "speed.sh: needs GNU time (/usr/bin/time)" >&2; exit 77; }
qemu=""
[ $do_qemu = 0 ] || { ensure qemu-x86_64 qemu-user && qemu=$(command -v qemu-x86_64); } ||
    echo "speed.sh: no qemu-x86_64: no qemu column" >&2
valgrind=""
[ $do_vg = 0 ] || { ensure valgrind valgrind && valgrind=$(command -v valgrind); } ||
    echo "speed.sh: no valgrind: no valgrind columns" >&2
declare -A pkg=([python3]=python3 [perl]=perl [gzip]=gzip [xz]=xz-utils [sqlite3]=sqlite3)
for n in "${names[@]}"; do
    [ ${kind[$n]} = real ] || continue
    ensure "/usr/bin/$n" "${pkg[$n]}" || echo "speed.sh: /usr/bin/$n missing: $n is skipped" >&2
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The columns: name, header, prefix ($RUN), enabled.  The counter writes
# to a -D log per process: xz closes its stderr before exiting.
cols=(native emu count interp qemu vgnone lackey)
declare -A head=([native]=native [emu]=emu [count]=emu+cnt [interp]=interp [qemu]=qemu
                 [vgnone]=vg-none [lackey]=lackey)
declare -A prefix=([native]="" [emu]="$emu" [count]="$emu -D $tmp/count-%d.log -plugin $insncount,started"
                   [interp]="$emu -accel tcg,backend=interp" [qemu]="$qemu"
                   [vgnone]="$valgrind --tool=none" [lackey]="$valgrind --tool=lackey")
declare -A on=([native]=1 [emu]=1 [count]=0 [interp]=$slow [qemu]=0 [vgnone]=0 [lackey]=0)
[ ! -f "$insncount" ] || on[count]=1
[ -z "$qemu" ] || on[qemu]=1
[ -z "$valgrind" ] || { on[vgnone]=1; on[lackey]=$slow; }

data=$tmp/data
work=$tmp/work
mkdir -p "$data" "$work"

# the inputs the selected benchmarks need
for n in "${names[@]}"; do
    s=${size[$n]}
    case $n in
    gzip|xz) [ -f "$data/text-$s" ] || python3 "$src/gen-data.py" text "$s" "$data/text-$s" ;;
    sqlite3) python3 "$src/gen-data.py" sql "$s" "$data/sql-$s" ;;
    esac
done

# run_once SCRIPT PREFIX: run SCRIPT in an empty $work with $RUN=PREFIX;
# sets rc, wall, cpu; stdout (+ exit status and output checksums) in
# $tmp/out, stderr in $tmp/err
run_once() {
    local script=$1 pfx=$2
    find "$work" -mindepth 1 -delete
    rm -f "$tmp"/count-*.log
    rc=0
    (cd "$work" && /usr/bin/time -f "%e %U %S" -o "$tmp/time" \
        timeout -k 5 "$tmo" env -i PATH=/usr/bin:/bin LANG=C LC_ALL=C TZ=UTC HOME="$work" \
        PYTHONHASHSEED=0 PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 \
        RUN="$pfx" D="$data" BIN="$bin" SRC="$src" bash -c "${script%%#out:*}" \
        > "$tmp/out" 2> "$tmp/err" < /dev/null) || rc=$?
    echo "exit status $rc" >> "$tmp/out"
    case $script in
    *"#out:"*) (cd "$work" && for f in ${script##*#out:}; do cksum "$f" 2>&1 || true; done) >> "$tmp/out" ;;
    esac
    read -r wall u s < <(tail -n 1 "$tmp/time")
    cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
}

declare -A t why
insns_of() {
    cat "$tmp"/count-*.log 2>/dev/null |
        sed -n 's/^executed \([0-9]*\) instructions.*/\1/p' | awk '{ s += $1 } END { if (NR) print s }'
}
declare -A insns
# measure_once NAME COL: one timed run; t[NAME,COL] keeps the fastest so
# far (or becomes FAIL / TIME, and stays so)
measure_once() {
    local n=$1 c=$2 script v
    case ${t[$n,$c]:-} in FAIL|TIME) return ;; esac
    script=$(bench_script "$n")
    run_once "$script" "${prefix[$c]}"
    if [ $rc = 124 ] || [ $rc = 137 ]; then
        t[$n,$c]=TIME; why[$n,$c]="killed after ${tmo}s"
        return
    fi
    if [ $c = native ]; then
        [ -f "$tmp/native.out" ] || cp "$tmp/out" "$tmp/native.out"
        [ $rc = 0 ] || why[$n,native]="exit status $rc natively: $(head -c 200 "$tmp/err")"
    elif ! cmp -s "$tmp/out" "$tmp/native.out"; then
        t[$n,$c]=FAIL
        why[$n,$c]="$(diff "$tmp/native.out" "$tmp/out" | grep '^[<>]' | head -n 4 | tr '\n' ' ' | head -c 300) | stderr: $(tail -n 3 "$tmp/err" | tr '\n' ' ' | head -c 300)"
        return
    fi
    [ $c != count ] || insns[$n]=$(insns_of)
    [ $clock = cpu ] && v=$cpu || v=$wall
    t[$n,$c]=$(awk -v a="$v" -v b="${t[$n,$c]:-}" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }')
}

# The repeats of a benchmark go in rounds, each running every column once
# (native: at least 3 runs in all): a burst of load from another tenant of
# the machine then slows one round of every column, which the fastest-of
# drops, instead of all the runs of the one column it met.
nat_runs=$((repeat > 3 ? repeat : 3))
echo "speed.sh: $tier sizes, $clock seconds, best of $repeat (native: of $nat_runs), interleaved, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for n in "${names[@]}"; do
    if [ ${kind[$n]} = real ] && [ ! -x "/usr/bin/$n" ]; then
        for c in "${cols[@]}"; do t[$n,$c]=-; done
        continue
    fi
    rm -f "$tmp/native.out"
    for ((k = 0; k < repeat; k++)); do
        for c in "${cols[@]}"; do
            if [ ${on[$c]} = 0 ] || [ "${t[$n,native]:-}" = TIME ]; then
                continue
            fi
            measure_once "$n" "$c"
            if [ $c = native ] && [ $k = $((repeat - 1)) ]; then
                for ((j = repeat; j < nat_runs; j++)); do measure_once "$n" native; done
            fi
        done
    done
    for c in "${cols[@]}"; do
        if [ ${on[$c]} = 1 ] && [ -n "${t[$n,$c]:-}" ] &&
           { [ $c = native ] || [ "${t[$n,native]:-}" != TIME ]; }; then
            echo "speed.sh: $n ${size[$n]}: $c ${t[$n,$c]}" >&2
        else
            t[$n,$c]=-
        fi
    done
done

# ratio A B: A / B formatted, or "-" when either is not a time
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b + 0 == 0) { print "-"; exit }
        r = a / b; printf (r < 10 ? "%.2fx" : "%.1fx"), r }'
}

echo
echo "emu: $emu ($(git -C "$root" describe --always --dirty 2>/dev/null || echo '?'))"
[ -z "$qemu" ] || echo "qemu: $("$qemu" --version | head -n 1)"
[ -z "$valgrind" ] || echo "valgrind: $("$valgrind" --version)"
echo "host: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "times: $clock seconds ($([ $clock = cpu ] && echo 'user + system' || echo 'elapsed')), $tier sizes, fastest of $repeat interleaved run(s) (native: of $nat_runs)"
echo
fmt='%-13s %9s'
line=$(printf "$fmt" benchmark size)
for c in "${cols[@]}"; do line+=$(printf ' %8s' "${head[$c]}"); done
line+=$(printf ' | %8s %8s %8s %8s | %s' emu/nat cnt/nat qemu/nat cnt/qemu "insns(M)")
echo "$line"
status=0
for n in "${names[@]}"; do
    line=$(printf "$fmt" "$n" "${size[$n]}")
    for c in "${cols[@]}"; do
        line+=$(printf ' %8s' "${t[$n,$c]}")
        [ "${t[$n,$c]}" != FAIL ] && [ "${t[$n,$c]}" != TIME ] || status=1
    done
    nt=${t[$n,native]}
    line+=$(printf ' | %8s %8s %8s %8s | %s' "$(ratio "${t[$n,emu]}" "$nt")" "$(ratio "${t[$n,count]}" "$nt")" \
        "$(ratio "${t[$n,qemu]}" "$nt")" "$(ratio "${t[$n,count]}" "${t[$n,qemu]}")" \
        "$(awk -v i="${insns[$n]:-}" 'BEGIN { if (i == "") print "-"; else printf "%.0f", i / 1e6 }')")
    echo "$line"
done
for k in "${!why[@]}"; do
    echo "  ${k%,*} under ${head[${k#*,}]}: ${why[$k]}"
done | sort

# geomean over the benchmarks where both columns have a time
geo() {
    local a=$1 b=$2 n
    for n in "${names[@]}"; do echo "${t[$n,$a]} ${t[$n,$b]}"; done |
        awk '$1 ~ /^[0-9.]+$/ && $2 ~ /^[0-9.]+$/ && $1 > 0 && $2 > 0 { s += log($1 / $2); k++ }
             END { if (k) printf "%.2fx (%d)", exp(s / k), k; else print "-" }'
}
echo
line="geomean vs native (benchmarks counted):"
for c in "${cols[@]}"; do
    [ $c = native ] || [ ${on[$c]} = 0 ] || line+=" ${head[$c]} $(geo "$c" native)"
done
echo "$line"
if [ ${on[qemu]} = 1 ]; then
    g=$(geo count qemu)
    line="geomean vs qemu:"
    for c in "${cols[@]}"; do
        [ $c = native ] || [ $c = qemu ] || [ ${on[$c]} = 0 ] || line+=" ${head[$c]} $(geo "$c" qemu)"
    done
    echo "$line"
    slower=""; k=0
    for n in "${names[@]}"; do
        r=$(ratio "${t[$n,count]}" "${t[$n,qemu]}")
        [ "$r" != - ] || continue
        k=$((k + 1))
        awk -v r="${r%x}" 'BEGIN { exit !(r > 1) }' && slower+=" $n"
    done
    verdict() { awk -v r="${1%%x*}" -v m="$2" 'BEGIN { if (r !~ /^[0-9.]+$/) print "n/a"; else print (r <= m ? "met" : "MISSED") }'; }
    echo "target: emu+cnt geomean <= 0.5x qemu: ${g%% *} $(verdict "$g" 0.5)"
    echo "target: no benchmark slower than qemu (emu+cnt): $(echo $slower | wc -w) of $k slower${slower:+:$slower}"
    g=$(geo count native)
    echo "stretch: emu+cnt geomean <= 2x native: ${g%% *} $(verdict "$g" 2)"
fi

# start-up: a dynamic /bin/true, N times in a loop per column
if [ -x /bin/true ]; then
    loops=20; [ $tier = full ] || loops=10
    declare -A st
    line="startup /bin/true ($(head -c 4096 /bin/true | grep -qa ld-linux && echo dynamic || echo static)), per run, fastest of 3 loops of $loops:"
    for c in native emu count qemu vgnone; do
        [ ${on[$c]} = 1 ] || continue
        best=""
        for k in 1 2 3; do
            run_once "for i in \$(seq $loops); do \$RUN /bin/true || exit 1; done" "${prefix[$c]}"
            [ $clock = cpu ] && v=$cpu || v=$wall
            [ $rc = 0 ] || v=FAIL
            best=$(awk -v a="$v" -v b="$best" 'BEGIN { if (a == "FAIL" || b == "FAIL") print "FAIL"; else print (b == "" || a + 0 < b + 0) ? a : b }')
        done
        st[$c]=$best
        [ "$best" = FAIL ] && { line+=" ${head[$c]} FAIL"; status=1; } ||
            line+=" ${head[$c]} $(awk -v v="$best" -v l=$loops 'BEGIN { printf "%.1f ms", v * 1000 / l }')"
    done
    echo "$line"
    [ ${on[qemu]} = 0 ] || echo "target: emu startup <= qemu: emu/qemu $(ratio "${st[emu]}" "${st[qemu]}"), emu+cnt/qemu $(ratio "${st[count]:--}" "${st[qemu]}")"
fi
echo "speed.sh took $((SECONDS / 60)) min $((SECONDS % 60)) s (elapsed), load $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
