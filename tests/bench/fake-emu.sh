#!/bin/sh
# Stand-in emulator for testing speed.sh itself (suite bench-smoke):
#   fake-emu.sh MODE [EMU-OPTIONS] PROGRAM [ARGS...]
# drops emu's options (-D FILE, -plugin SPEC, -accel SPEC) and runs PROGRAM
# natively.  exec: exactly like the program (speed.sh must pass); stdout:
# one extra line of output (speed.sh must report FAIL and exit 1).
mode=$1; shift
while :; do
    case $1 in
    -D|-plugin|-accel) shift 2 ;;
    *) break ;;
    esac
done
case $mode in
exec)   exec "$@" ;;
stdout) "$@"; rc=$?; echo extra; exit $rc ;;
*)      echo "fake-emu: unknown mode $mode" >&2; exit 99 ;;
esac
