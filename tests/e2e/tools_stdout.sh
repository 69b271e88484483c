#!/usr/bin/env bash
# What the undead command prints must reach stdout: with stdout on a full
# disk (/dev/full) doctor, scan, maps, report and --help exit with status 3
# and one line "undead CMD: cannot write to stdout: ..." on stderr, never a
# silent 0 or 1. With a working stdout they still exit as before.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
[ -x "$UNDEAD" ] || fail "$UNDEAD not built"
work=$UNDEAD_WORK/tools_stdout
rm -rf "$work"; mkdir -p "$work"
bin=$(gobuild cur stock "$UNDEAD_ROOT/tests/go/cgosmall") || fail "build cgosmall"
"$UNDEAD_BUILD/tests/unit/report_sample" json 0 >"$work/report.json" || fail "report_sample"

# full WANT_OK_STATUS LABEL ARGS...: status WANT_OK_STATUS to a pipe, 3 to /dev/full
full() {
  local ok=$1 label=$2; shift 2
  "$UNDEAD" "$@" >"$work/out" 2>"$work/err"; local rc=$?
  [ "$rc" = "$ok" ] && [ -s "$work/out" ] || fail "$label: exit $rc to a file, want $ok ($(head -2 "$work/err"))"
  "$UNDEAD" "$@" >/dev/full 2>"$work/err"; rc=$?
  [ "$rc" = 3 ] || fail "$label >/dev/full: exit $rc, want 3 ($(head -2 "$work/err"))"
  [ "$(wc -l <"$work/err")" = 1 ] && grep -q ': cannot write to stdout: No space left on device$' "$work/err" ||
    fail "$label >/dev/full: stderr: $(cat "$work/err")"
  echo "ok: $label: $(cat "$work/err")"
}
full 0 "undead --help" --help
full 0 "undead doctor" doctor "$bin"
full 0 "undead doctor --json" doctor --json "$bin"
full 0 "undead scan" scan "$bin"
full 0 "undead scan --json" scan --json "$bin"
full 0 "undead maps" maps "$bin" runtime.cgocall
full 1 "undead report" report "$work/report.json"
full 1 "undead report --text" report --text "$work/report.json"
full 1 "undead report --json" report --json "$work/report.json"
full 0 "undead run --help" run --help
echo PASS
