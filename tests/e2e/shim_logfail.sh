#!/usr/bin/env bash
# A report is never lost: when log_path's PATH.PID cannot be written (a
# write cut by the file size limit, a symlink, a FIFO, a directory) or log_path=stdout is a full device, the shim says why in one
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

# a write cut short: the file size limit (EFBIG, as a full disk's ENOSPC)
# lets the first few KB of the report in, then fails (Go ignores SIGXFSZ)
# (stderr is a pipe: the limit would cut a file there too)
mkdir -p "$work/efbig"
rc=$(cd "$work/efbig" && { L=$work/efbig/rep UNDEAD_SO=$UNDEAD_SO BIN=$bin timeout 60 sh -c '
      ulimit -f 4; exec env LD_PRELOAD="$UNDEAD_SO" UNDEAD_OPTIONS="log_path=$L" "$BIN"' \
    2>&1 >"$work/efbig.out" | cat >"$work/efbig.err"; echo "${PIPESTATUS[0]}"; } 2>/dev/null)
expect efbig "$rc" "cannot write the report to .*/rep\.[0-9]+ \(File too large\): it follows on stderr"
# refused before anything is written (tests/e2e/log_safety.sh has the rest)
rc=$(run symlink 'ln -s /dev/full "$L.$$";')
expect symlink "$rc" "cannot open .*/rep\.[0-9]+ \(a symbolic link, not followed\): the report follows on stderr"
rc=$(run fifo 'mkfifo "$L.$$";')
expect fifo "$rc" "cannot open .*/rep\.[0-9]+ \(a FIFO\): the report follows on stderr"
rc=$(run dir 'mkdir "$L.$$";')
expect dir "$rc" "cannot open .*/rep\.[0-9]+ \(a directory\): the report follows on stderr"

# log_path=stdout on a full device. (A closed stdout cannot be tried: Go
# 1.22 and later open /dev/null for a closed standard descriptor.)
(UNDEAD_OPTIONS=log_path=stdout LD_PRELOAD="$UNDEAD_SO" timeout 60 "$bin" >/dev/full 2>"$work/stdout.err"; exit $?) 2>/dev/null
rc=$?
expect stdout "$rc" "cannot write the report to stdout \(No space left on device\): it follows on stderr"

# a log file that works is used, and stderr gets only the report's SUMMARY:
# line and where the report is (tests/e2e/log_summary.sh has more)
rc=$(run good ':;')
[ "$rc" = 134 ] && ls "$work/good"/rep.* >/dev/null 2>&1 ||
  fail "a writable log file: exit $rc, stderr $(head -3 "$work/good.err")"
grep -q '^SUMMARY: undead: ' "$work/good"/rep.* || fail "the log file lacks the report"
[ "$(grep -c 'undead' "$work/good.err")" = 2 ] && grep -q '^SUMMARY: undead: ' "$work/good.err" &&
  grep -q "^undead: the report is in $work/good/rep\.[0-9]*\$" "$work/good.err" ||
  fail "a writable log file: stderr is not SUMMARY and the file: $(grep undead "$work/good.err")"
echo "ok: a writable log file gets the report, stderr its SUMMARY: line and name"
echo PASS
