#!/usr/bin/env bash
# `undead report`: groups real JSON reports of several processes by
# signature (tests/report/summary.check), keeps distinct defects apart,
# takes several reports per file, and rejects bad input with one line and
# exit status 2, never a crash.
set -uo pipefail
. "$(dirname "$0")/report_lib.sh"
report_need_tools
[ -x "$REPORT_SAMPLE" ] || fail "not built: $REPORT_SAMPLE"
work=$UNDEAD_WORK/report_cli
rm -rf "$work"; mkdir -p "$work"
R=$UNDEAD

# bad input: exit 2 and exactly one line on stderr
bad_input() {
  local label=$1; shift
  "$R" report "$@" >"$work/bad.out" 2>"$work/bad.err"; local rc=$?
  [ "$rc" = 2 ] || fail "$label: exit $rc, want 2"
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
# no reports at all: exit 0
: >"$work/empty.jsonl"
"$R" report "$work/empty.jsonl" >"$work/empty.out"; rc=$?
[ "$rc" = 0 ] || fail "empty file: exit $rc, want 0"
grep -q '^undead: 0 reports' "$work/empty.out" || fail "empty file: $(cat "$work/empty.out")"

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
