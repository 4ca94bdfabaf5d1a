# proc-sh: a shell script run by busybox's sh (a static Debian program,
# package busybox-static), natively and under emu: pipelines, command
# substitution, subshells, exit statuses, a child killed by a signal,
# command not found.  Every command is a fork and an execve of busybox.
# (Background jobs with `wait` need rt_sigsuspend: not yet.)
B=/bin/busybox
x=$($B echo sub | $B tr a-z A-Z)
echo "cmdsub: $x"
( echo in subshell; exit 4 ); echo "subshell rc=$?"
for i in 1 2 3; do echo "n$i"; done | $B sort -r | $B head -n 2
$B seq 1 2000 | $B wc -l
$B seq 1 100000 | $B head -n 1
$B false || echo "false failed"
echo abc > f.txt; $B cat f.txt | $B md5sum
$B sh -c 'kill -TERM $$'; echo "killed rc=$?"
$B ls /nonexistent 2>/dev/null; echo "ls rc=$?"
nosuchcmd 2>/dev/null; echo "nosuch rc=$?"
echo hi | $B tr a-z A-Z; exit 3
