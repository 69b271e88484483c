#!/usr/bin/env bash
# A report is never lost: when log_path's PATH.PID cannot be written (a
# symlink to /dev/full, a read-only /proc file, a FIFO nobody reads, a
# directory) or log_path=stdout is a full device, the shim says why in one
# line and writes the report to stderr; the program still stops as it
# would have (abort).
# The counts record written with the report falls back the same way.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/shim_logfail
rm -rf "$work"; mkdir -p "$work"
bin=$(gobuild cur undead "$UNDEAD_ROOT/tests/go/issue7978") || fail "build issue7978"

# run LABEL SETUP: SETUP is shell run in the process that then becomes the
# program (same pid), with $L the log_path prefix; output in $work/LABEL.*
run() {
  local label=$1 setup=$2
  mkdir -p "$work/$label"
  (cd "$work/$label" && L=$work/$label/rep UNDEAD_SO=$UNDEAD_SO BIN=$bin \
    timeout 60 sh -c "$setup"'
      exec env LD_PRELOAD="$UNDEAD_SO" UNDEAD_OPTIONS="log_path=$L" "$BIN"' \
    >"$work/$label.out" 2>"$work/$label.err"; exit $?) 2>/dev/null
  echo $?
}

# expect LABEL RC PATTERN: the run $work/LABEL.* aborted (134), said why in
# one line matching PATTERN, and the whole report is on stderr.
expect() {
  local label=$1 rc=$2 pat=$3
  [ "$rc" = 134 ] || fail "$label: exit $rc, want 134 (stderr: $(head -3 "$work/$label.err"))"
  local lines; lines=$(grep '^undead: ' "$work/$label.err" | grep -v 'record\|^undead: checked (pid')
  [ "$(echo "$lines" | grep -c .)" = 1 ] || fail "$label: want one 'undead:' line on the report, got: $lines"
  echo "$lines" | grep -qE "^undead: $pat" || fail "$label: '$lines' does not match '$pat'"
  grep -q '^undead: checked (pid [0-9]*): callbacks=.* reports=1$' "$work/$label.err" ||
    fail "$label: the counts record is not on stderr"
  grep -q '==ERROR: undead: undead pointer' "$work/$label.err" && grep -q '^SUMMARY: undead: ' "$work/$label.err" ||
    fail "$label: the report is not on stderr"
  echo "ok: $label: $lines"
}

rc=$(run full 'ln -s /dev/full "$L.$$";')
expect full "$rc" "cannot write the report to .*/rep\.[0-9]+ \(No space left on device\): it follows on stderr"
rc=$(run proc 'ln -s /proc/version "$L.$$";')
expect proc "$rc" "cannot (open|write the report to) .*/rep\.[0-9]+ \(.*\): (the report|it) follows on stderr"
rc=$(run fifo 'mkfifo "$L.$$";')
expect fifo "$rc" "cannot open .*/rep\.[0-9]+ \(No such device or address\): the report follows on stderr"
rc=$(run dir 'mkdir "$L.$$";')
expect dir "$rc" "cannot open .*/rep\.[0-9]+ \(Is a directory\): the report follows on stderr"

# log_path=stdout on a full device. (A closed stdout cannot be tried: Go
# 1.22 and later open /dev/null for a closed standard descriptor.)
(UNDEAD_OPTIONS=log_path=stdout LD_PRELOAD="$UNDEAD_SO" timeout 60 "$bin" >/dev/full 2>"$work/stdout.err"; exit $?) 2>/dev/null
rc=$?
expect stdout "$rc" "cannot write the report to stdout \(No space left on device\): it follows on stderr"

# a log file that works is still used, and nothing goes to stderr
rc=$(run good ':;')
[ "$rc" = 134 ] && ls "$work/good"/rep.* >/dev/null 2>&1 && ! grep -q 'undead' "$work/good.err" ||
  fail "a writable log file: exit $rc, stderr $(head -3 "$work/good.err")"
grep -q '^SUMMARY: undead: ' "$work/good"/rep.* || fail "the log file lacks the report"
echo "ok: a writable log file gets the report, stderr stays quiet"
echo PASS
