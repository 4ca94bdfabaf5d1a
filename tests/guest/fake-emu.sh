#!/bin/sh
# Stand-in for build/emu used to test run-compare.py itself:
#   fake-emu.sh MODE PROGRAM [ARGS...]
# exec: behave exactly like the program (the harness must report PASS);
# stdout/stderr/status/signal: change one observable (must report FAIL).
mode=$1; shift
case $mode in
exec)   exec "$@" ;;
stdout) "$@"; rc=$?; echo extra; exit $rc ;;
stderr) "$@"; rc=$?; echo extra >&2; exit $rc ;;
status) "$@"; exit $(( $? + 1 )) ;;
signal) "$@"; kill -TERM $$ ;;
*)      echo "fake-emu: unknown mode $mode" >&2; exit 99 ;;
esac
