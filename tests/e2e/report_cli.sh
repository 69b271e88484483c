#!/usr/bin/env bash
# `undead report`: groups real JSON reports of several processes by
# signature (tests/report/summary.check), keeps distinct defects apart,
# takes several reports per file and directories of files, and rejects bad
# input with one line and exit status 2, never a crash or a hang; reads a
# stream in bounded memory; an empty log directory is a clean run (exit 0);
# output it cannot write is an error (exit 3).
set -uo pipefail
. "$(dirname "$0")/report_lib.sh"
report_need_tools
[ -x "$REPORT_SAMPLE" ] || fail "not built: $REPORT_SAMPLE"
work=$REPORT_WORK/report_cli
rm -rf "$work"; mkdir -p "$work"
R=$UNDEAD

# bad input: exit 2 and exactly one line on stderr, within 60 s
bad_input() {
  local label=$1; shift
  timeout 60 "$R" report "$@" >"$work/bad.out" 2>"$work/bad.err"; local rc=$?
  [ "$rc" = 2 ] || fail "$label: exit $rc, want 2 ($(head -2 "$work/bad.err"))"
  [ "$(wc -l <"$work/bad.err")" = 1 ] || fail "$label: want one line on stderr, got: $(cat "$work/bad.err")"
  echo "ok: $label -> $(cat "$work/bad.err")"
}
"$REPORT_SAMPLE" json 0 >"$work/good.json"
printf 'not json\n' >"$work/text.txt"
head -c 200 "$work/good.json" >"$work/trunc.json"
sed 's/"pid":4242/"pid":"x"/' "$work/good.json" >"$work/type.json"
sed 's|undead-report/1|undead-report/9|' "$work/good.json" >"$work/schema.json"
head -c 3000 /dev/urandom | tr -d '\n' >"$work/random.bin"; echo >>"$work/random.bin"
printf '{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\n' >"$work/deep.json"
bad_input "no files"
bad_input "unknown option" --frob "$work/good.json"
bad_input "missing file" "$work/nonexistent"
bad_input "text line" "$work/text.txt"
bad_input "truncated report" "$work/trunc.json"
bad_input "wrong type" "$work/type.json"
bad_input "unknown schema" "$work/schema.json"
bad_input "random bytes" "$work/random.bin"
bad_input "deep nesting" "$work/deep.json"
bad_input "--sarif without file" --sarif
# not files of reports: refused at once, never waited on or read forever
mkfifo "$work/fifo"
bad_input "a FIFO" "$work/fifo"
grep -q 'a FIFO, not a file of reports' "$work/bad.err" || fail "FIFO: $(cat "$work/bad.err")"
bad_input "/dev/zero" /dev/zero
truncate -s 8G "$work/sparse"
bad_input "an 8 GB sparse file" "$work/sparse"
rm -f "$work/sparse"
grep -q 'sparse:1: not a JSON report (binary data)' "$work/bad.err" || fail "sparse: $(cat "$work/bad.err")"
# lines are bounded: a longer one is refused, naming the file and line
{ echo; printf '{"a":"'; head -c 1100000 /dev/zero | tr '\0' x; printf '"}\n'; } >"$work/long.json"
bad_input "a line longer than 1 MiB" "$work/long.json"
grep -q 'long.json:2: line longer than 1048576 bytes' "$work/bad.err" || fail "long line: $(cat "$work/bad.err")"
# (report_damaged.sh: the readable records beside damaged ones are summarised)
# stdin that never ends, in limited memory: an error, never a clean result
(ulimit -v 300000; timeout 60 "$R" report - </dev/zero >"$work/zero.out" 2>"$work/zero.err"); rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$work/zero.err")" = 1 ] ||
  fail "/dev/zero on stdin under ulimit -v: exit $rc, $(head -2 "$work/zero.err") $(head -2 "$work/zero.out")"
echo "ok: FIFO, devices, sparse files, long lines and endless stdin refused in one line"

# no reports at all: exit 0, "no reports"
clean_run() {
  local label=$1; shift
  "$R" report "$@" >"$work/clean.out" 2>"$work/clean.err"; local rc=$?
  [ "$rc" = 0 ] && [ ! -s "$work/clean.err" ] || fail "$label: exit $rc, want 0 ($(head -2 "$work/clean.err"))"
  grep -q '^undead: no reports' "$work/clean.out" || fail "$label: $(cat "$work/clean.out")"
  echo "ok: $label: $(cat "$work/clean.out")"
}
: >"$work/empty.jsonl"
clean_run "empty file" "$work/empty.jsonl"
mkdir -p "$work/emptydir"
clean_run "empty log directory" "$work/emptydir"
clean_run "unmatched pattern (empty log directory, dir/*)" "$work/emptydir/*"
# a missing file is not a clean run
bad_input "missing file among others" "$work/emptydir" "$work/nonexistent"
# a directory: its regular files, in name order; other entries passed over
mkdir -p "$work/logs/sub"
"$REPORT_SAMPLE" json 0 >"$work/logs/undead.4242"
"$REPORT_SAMPLE" json 1 >"$work/logs/undead.5151"
mkfifo "$work/logs/fifo"
"$R" report "$work/logs" >"$work/dir.out"; rc=$?
[ "$rc" = 1 ] && grep -q '^undead: 2 reports, 1 distinct violation, from 2 processes' "$work/dir.out" &&
  grep -q "first seen: $work/logs/undead.4242:1 " "$work/dir.out" || fail "directory: exit $rc, $(cat "$work/dir.out")"
"$R" report "$work/logs/undead.*" >"$work/pat.out"; rc=$?
[ "$rc" = 1 ] && cmp -s "$work/dir.out" "$work/pat.out" || fail "quoted pattern: exit $rc, $(head -3 "$work/pat.out")"
echo "ok: a log directory and a pattern read the files in it"

# output that cannot be written: exit 3, one line
for mode in "" --text --json; do
  # shellcheck disable=SC2086
  "$R" report $mode "$work/good.json" >/dev/full 2>"$work/full.err"; rc=$?
  [ "$rc" = 3 ] && [ "$(wc -l <"$work/full.err")" = 1 ] && grep -q 'cannot write to stdout: No space left on device' "$work/full.err" ||
    fail "report ${mode:-(summary)} >/dev/full: exit $rc, $(cat "$work/full.err")"
done
"$R" report --sarif /dev/full "$work/good.json" >/dev/null 2>"$work/full.err"; rc=$?
[ "$rc" = 3 ] && [ "$(wc -l <"$work/full.err")" = 1 ] || fail "--sarif /dev/full: exit $rc, $(cat "$work/full.err")"
echo "ok: unwritable output is exit 3"

# a stream: 20000 reports of distinct processes in 300 MB of address space
# (each report in memory is some 60 KB: kept all, they would need 1.2 GB)
n=20000
/usr/bin/python3 - "$work/good.json" "$work/many.jsonl" $n <<'PY'
import re, sys
line = open(sys.argv[1]).read().rstrip("\n")
with open(sys.argv[2], "w") as f:
    for i in range(int(sys.argv[3])):
        f.write(re.sub(r'"pid":\d+', '"pid":%d' % (100000 + i), line, count=1) + "\n")
PY
(ulimit -v 300000; timeout 120 "$R" report "$work/many.jsonl" >"$work/many.out" 2>"$work/many.err"); rc=$?
[ "$rc" = 1 ] && grep -q "^undead: $n reports, 1 distinct violation, from $n processes" "$work/many.out" ||
  fail "$n reports in 300 MB: exit $rc, $(head -2 "$work/many.err") $(head -1 "$work/many.out")"
grep -q "pids: 100000, 100001, .*, ... ($n in all)" "$work/many.out" || fail "many pids: $(sed -n 4p "$work/many.out")"
echo "ok: $n reports of distinct processes read as a stream"

# several reports in one file (appended by several processes), two defects
"$REPORT_SAMPLE" json 0 2 1 >"$work/multi.jsonl"
"$R" report "$work/multi.jsonl" >"$work/multi.out"; rc=$?
[ "$rc" = 1 ] || fail "multi: exit $rc, want 1"
grep -q '^undead: 3 reports, 2 distinct violations, from 2 processes' "$work/multi.out" ||
  fail "multi: $(head -3 "$work/multi.out")"
grep -q '^\[1\] 2x undead-pointer in runtime.cgocall arg' "$work/multi.out" || fail "multi: group 1"
grep -q '^    pids: 4242, 5151$' "$work/multi.out" || fail "multi: pids"
grep -q '^\[2\] 1x stale-syscall-sp in runtime.cgocall g.syscallsp' "$work/multi.out" || fail "multi: group 2"
echo "ok: several reports per file, grouped by signature"

# real reports of several processes
runs=3
for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  read -r xl yl < <(cgocall_xy "$tc") || fail "cannot read cgocall's X/Y lines for $tc"
  for i in $(seq 1 $runs); do real_report "$tc" json "$work/$tc" >/dev/null; done
  need_report "$work/$tc" "$tc"
  n=$(ls "$work/$tc"/undead.* | wc -l)
  "$R" report "$work/$tc"/undead.* >"$work/$tc.summary"; rc=$?
  [ "$rc" = 1 ] || fail "$tc: exit $rc, want 1"
  "$FILECHECK" --input-file "$work/$tc.summary" -DXLINE="$xl" -DYLINE="$yl" -DRUNS="$n" \
    "$REPORT_CHECKS/summary.check" || fail "$tc: summary does not match summary.check"
  echo "ok: $tc: $n processes summarized as one violation"
done
skip_missing_toolchains
echo PASS
