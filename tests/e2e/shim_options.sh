#!/usr/bin/env bash
# UNDEAD and UNDEAD_OPTIONS: bad options turn the shim off with one line and
# the program still runs; help=1 prints the table and exits; verbosity=1
# says what was hooked (one line at start) and what was checked (one line
# at exit, with counts that match the program: 3 callbacks into a gate); log_path, format=json, abort_on_error=0/exitcode and
# halt_on_error=0 do what they say; a binary the shim cannot handle gets one
# "disabled" line and runs unchanged.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/shim_options
rm -rf "$work"; mkdir -p "$work"
stock=$(gobuild cur stock "$UNDEAD_ROOT/tests/go/issue7978") || fail "build stock"
undead=$(gobuild cur undead "$UNDEAD_ROOT/tests/go/issue7978") || fail "build undead"
bad=0
check() { # LABEL CONDITION-RESULT(0 ok) MESSAGE
  if [ "$2" = 0 ]; then echo "ok    $1"; else echo "FAIL  $1: $3"; bad=1; fi
}
lines() { wc -l <"$1" | tr -d ' '; }

for opt in bogus=1 verbosity=7 halt_on_error=yes format=xml exitcode=300 log_path= nokey; do
  rc=$(UNDEAD_OPTIONS=$opt run_shim "$work/bad" "$stock")
  ok=1
  [ "$rc" = 0 ] && [ "$(lines "$work/bad.err")" = 1 ] && grep -q '^undead: ' "$work/bad.err" &&
    grep -q '^issue7978: ok$' "$work/bad.out" && ok=0
  check "bad option '$opt' -> one line, program runs" $ok "exit $rc, stderr: $(head -2 "$work/bad.err")"
done

rc=$(UNDEAD_OPTIONS=help=1 run_shim "$work/help" "$stock")
ok=1; [ "$rc" = 0 ] && [ ! -s "$work/help.out" ] && grep -q 'log_path' "$work/help.err" &&
  grep -q 'halt_on_error' "$work/help.err" && ok=0
check "help=1 prints the table and exits" $ok "exit $rc"

rc=$(UNDEAD_OPTIONS=verbosity=1 run_shim "$work/v1" "$stock")
ok=1; [ "$rc" = 0 ] && [ "$(lines "$work/v1.err")" = 2 ] && head -1 "$work/v1.err" | grep -q '^undead: active' &&
  head -1 "$work/v1.err" | grep -q 'runtime.cgocall' &&
  tail -1 "$work/v1.err" | grep -q '^undead: checked: 3 callback(s), 3 return(s) into a gate, .*; 0 report(s)$' && ok=0
check "verbosity=1 says what it hooked and, at exit, what it checked" $ok "exit $rc, stderr: $(head -3 "$work/v1.err")"

rc=$(UNDEAD=0 UNDEAD_OPTIONS=verbosity=1 run_shim "$work/off" "$undead")
ok=1; ! grep -q 'undead' "$work/off.err" && ok=0
check "UNDEAD=0 does nothing" $ok "stderr: $(head -3 "$work/off.err")"

rc=$(UNDEAD_OPTIONS=log_path=$work/rep run_shim "$work/log" "$undead")
ok=1; f=$(ls "$work"/rep.* 2>/dev/null | head -1)
# stderr: only the report's SUMMARY: line and where the report is
[ "$rc" = 134 ] && [ -n "$f" ] && grep -q 'SUMMARY: undead' "$f" && [ "$(grep -c 'SUMMARY' "$work/log.err")" = 1 ] &&
  grep -qx "undead: the report is in $f" "$work/log.err" && ! grep -q '==ERROR' "$work/log.err" && ok=0
check "log_path writes the report to log_path.PID" $ok "exit $rc, file '${f:-none}', stderr $(grep undead "$work/log.err" | head -3)"

rc=$(UNDEAD_OPTIONS=format=json run_shim "$work/json" "$undead")
ok=1; [ "$rc" = 134 ] && grep -q '"undead-report/1"' "$work/json.err" && ok=0
check "format=json" $ok "exit $rc"

rc=$(UNDEAD_OPTIONS=abort_on_error=0:exitcode=42 run_shim "$work/exit" "$undead")
ok=1; [ "$rc" = 42 ] && grep -q 'SUMMARY: undead' "$work/exit.err" && ok=0
check "abort_on_error=0:exitcode=42" $ok "exit $rc"

rc=$(UNDEAD_OPTIONS=halt_on_error=0 run_shim "$work/go_on" "$undead" -rounds 2)
n=$(grep -c 'SUMMARY: undead' "$work/go_on.err")
ok=1; [ "$rc" = 66 ] && [ "$n" -ge 1 ] && ok=0 # exitcode at the end (README "Reports")
check "halt_on_error=0 reports and goes on" $ok "exit $rc, $n reports"

stripped=$(gobuild cur undead-stripped "$UNDEAD_ROOT/tests/go/issue7978") || fail "build stripped"
rc=$(run_shim "$work/strip" "$stripped")
ok=1
if grep -q 'SUMMARY: undead' "$work/strip.err"; then
  ok=0 # the shim could handle it: fine
elif [ "$(grep -c '^undead: ' "$work/strip.err")" = 1 ] && grep -q '^undead: disabled: ' "$work/strip.err"; then
  ok=0
fi
check "stripped binary: caught, or one 'disabled' line" $ok "exit $rc, stderr: $(head -2 "$work/strip.err")"

[ "$bad" = 0 ] || fail "option handling"
echo "PASS"
