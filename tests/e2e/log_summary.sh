#!/usr/bin/env bash
# A report written to a log file is not invisible in the log people read:
# the program's stderr gets the report's SUMMARY: line and the file it is
# in, one line each, so `go test -exec "undead run --log-dir DIR --"` shows
# what stopped the test and where to look; a clean run's stderr is what it
# is without the shim. halt_on_error=0: one pair of lines per report.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
[ -x "$UNDEAD" ] || fail "undead not built: $UNDEAD"
work=$UNDEAD_WORK/log_summary
rm -rf "$work"; mkdir -p "$work"
tc=cur
bad=$(gobuild $tc undead "$UNDEAD_ROOT/tests/go/issue7978") || fail "build issue7978 (bug runtime)"
good=$(gobuild $tc stock "$UNDEAD_ROOT/tests/go/issue7978") || fail "build issue7978 (stock)"

# a report under --log-dir: stderr is exactly the SUMMARY: line and the file
(timeout 60 "$UNDEAD" run --log-dir "$work/logs" -- "$bad" >/dev/null 2>"$work/bad.err"; exit $?) 2>/dev/null; rc=$?
[ "$rc" = 134 ] || fail "bug runtime: exit $rc, want 134: $(head -3 "$work/bad.err")"
f=$(ls "$work/logs"/undead.* 2>/dev/null)
[ "$(echo "$f" | grep -c .)" = 1 ] || fail "want one log file, got: $f"
sum=$(sed -n 1p "$work/bad.err")
[ "$(wc -l <"$work/bad.err")" = 2 ] && [[ "$sum" == "SUMMARY: undead: undead-pointer in runtime.cgocall "* ]] &&
  [ "$(sed -n 2p "$work/bad.err")" = "undead: the report is in $f" ] ||
  fail "bug runtime: stderr is not the SUMMARY: line and the file: $(cat "$work/bad.err")"
# the same SUMMARY: line as the report's own (rendered from the JSON)
"$UNDEAD" report --text "$f" >"$work/text.out"
grep -qxF "$sum" "$work/text.out" || fail "the SUMMARY: line differs from the report's"
echo "ok: --log-dir: stderr says: $sum / $(sed -n 2p "$work/bad.err")"

# halt_on_error=0: the reports of each (gate, slot) once, each with its pair
(timeout 60 "$UNDEAD" run --log-dir "$work/logs2" --options halt_on_error=0:abort_on_error=0 -- \
  "$bad" -rounds 3 >/dev/null 2>"$work/many.err"; exit $?) 2>/dev/null; rc=$?
f=$(ls "$work/logs2"/undead.*)
n=$("$UNDEAD" report --json "$f" | { python3 -c 'import json,sys; print(json.load(sys.stdin)["reports"])'; })
[ "$n" -ge 1 ] && [ "$(grep -c '^SUMMARY: undead: ' "$work/many.err")" = "$n" ] &&
  [ "$(grep -cxF "undead: the report is in $f" "$work/many.err")" = "$n" ] ||
  fail "halt_on_error=0: $n report(s), stderr: $(cat "$work/many.err")"
echo "ok: halt_on_error=0: $n report(s), as many SUMMARY: lines (exit $rc)"

# a clean run: stderr as without the shim (empty)
(timeout 60 "$UNDEAD" run --log-dir "$work/clean" -- "$good" >/dev/null 2>"$work/clean.err"); rc=$?
(timeout 60 "$good" >/dev/null 2>"$work/noshim.err")
[ "$rc" = 0 ] && cmp -s "$work/clean.err" "$work/noshim.err" ||
  fail "stock runtime: exit $rc, stderr differs from the run without the shim: $(head -3 "$work/clean.err")"
echo "ok: a clean run's stderr is unchanged"

# go test: the test log names the report and the file
go=$(go_for $tc) || fail "no toolchain $tc"
ov=$(overlay_json $tc) || fail "overlay for $tc"
(cd "$UNDEAD_ROOT/tests/go/gotest" && timeout 300 "$go" test -count=1 -overlay "$ov" \
  -exec "$UNDEAD run --log-dir $work/gotest --" .) >"$work/gotest.log" 2>&1; rc=$?
f=$(ls "$work/gotest"/undead.* 2>/dev/null | xargs -r grep -l '"schema":"undead-report/1"')
[ "$rc" != 0 ] && [ -n "$f" ] && grep -q '^SUMMARY: undead: undead-pointer in runtime.cgocall ' "$work/gotest.log" &&
  grep -qxF "undead: the report is in $f" "$work/gotest.log" ||
  fail "go test: exit $rc, log: $(cat "$work/gotest.log")"
echo "ok: go test's log:"; sed 's/^/    | /' "$work/gotest.log"
echo PASS
