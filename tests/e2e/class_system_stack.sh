#!/usr/bin/env bash
# Found shape D of the class (Go issues 62440, 68285): the system stack
# bounds the runtime keeps for a thread C made (m.g0.stack of its extra M)
# are kept from its first callback (tests/overlays/g0_bounds_once.py, Go
# 1.21 and later, where the M stays bound to the thread). tests/go/
# stackswitch's C thread calls back from its own stack, then from a
# coroutine stack in the program's data (swapcontext), then from its own
# stack again. The shim must report stale-system-stack at the entry of the
# first callback from the coroutine stack, before its Go code runs, naming
# the C stack pointer and the bounds, on every run, in the stress mode
# (move_on_callback=1) too; without the shim the runtime dies with
# "morestack on g0" (shown as a note). The stock program stays clean in
# both modes, on 1.19 too (whose runtime sets the bounds at every callback
# of such a thread). The bounds the report gives are checked against the
# C thread's own stack (pthread_getattr_np, printed by the program).
# Its second form (68285, Go 1.23 and later, tests/overlays/
# g0_bounds_unrestored.py): an inner callback from another stack (-nested)
# leaves its bounds in place when it returns; the outer callback's return
# to C must be reported (without the shim the program ends well, its
# thread's bounds wrong), the bounds named being the inner stack's.
# The report as JSON validates against docs/report-schema.json and as
# SARIF against the SARIF 2.1.0 schema, located at the callback's Go code.
# Toolchains: class_toolchains (1.23 and the machine's; all six with --long).
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
. "$(dirname "$0")/report_lib.sh"
shim_need
runs=$(shim_runs)
work=$UNDEAD_WORK/class_system_stack
rm -rf "$work"; mkdir -p "$work"

one() {
  local tc=$1 bug stock caught=0 clean=0 i rc plain mode f
  stock=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/stackswitch") || fail "build $tc stock"
  if bug=$(gobuild "$tc" rt-g0_bounds_once "$UNDEAD_ROOT/tests/go/stackswitch" 2>"$work/$tc-overlay.err"); then :
  else
    case "$tc" in
      119) echo "$tc: the shape does not apply (no callbackUpdateSystemStack: needm sets the bounds at every callback)"; bug= ;;
      *) cat "$work/$tc-overlay.err"; fail "build $tc with the overlay" ;;
    esac
  fi
  for i in $(seq 1 "$runs"); do
    for mode in "" move_on_callback=1; do
      if [ -n "$bug" ]; then
        f=$work/$tc-bug-$i${mode:+-stress}
        rc=$(UNDEAD_OPTIONS=${mode:-verbosity=0} run_shim "$f" "$bug")
        if [ "$rc" = 134 ] &&
           [ "$(grep -c '^SUMMARY: undead: stale-system-stack in a callback from C: m.g0.sched.sp 0x[0-9a-f]* outside m.g0.stack \[0x[0-9a-f]*, 0x[0-9a-f]*\]$' "$f.err")" = 1 ] &&
           grep -q 'during callback entry$' "$f.err" && bounds_are_the_threads "$f"; then
          caught=$((caught+1))
        else
          echo "  $tc run $i ${mode:-default}: exit $rc: $(grep -E 'SUMMARY|fatal|morestack' "$f.err" | head -2)"
        fi
      fi
      f=$work/$tc-stock-$i${mode:+-stress}
      rc=$(UNDEAD_OPTIONS=verbosity=1${mode:+:$mode} run_shim "$f" "$stock")
      if [ "$rc" = 0 ] && ! grep -q 'SUMMARY: undead' "$f.err" && grep -q '^stackswitch: 5 callbacks returned' "$f.out"; then
        clean=$((clean+1))
      else
        echo "  $tc stock run $i ${mode:-default}: exit $rc: $(grep -E 'SUMMARY|stackswitch' "$f.err" "$f.out" | head -2)"
      fi
    done
  done
  local nest nested=0 nclean=0
  if nest=$(gobuild "$tc" rt-g0_bounds_unrestored "$UNDEAD_ROOT/tests/go/stackswitch" 2>/dev/null); then
    for i in $(seq 1 "$runs"); do
      f=$work/$tc-nested-$i
      rc=$(UNDEAD_OPTIONS=verbosity=0 run_shim "$f" "$nest" -nested)
      if [ "$rc" = 134 ] && grep -q '^SUMMARY: undead: stale-system-stack in a callback from C: m.g0.sched.sp' "$f.err" &&
         grep -q 'during callback return$' "$f.err" && bounds_are_the_threads "$f" nested; then
        nested=$((nested+1))
      else
        echo "  $tc nested run $i: exit $rc: $(grep -E 'SUMMARY' "$f.err" | head -1)"
      fi
      f=$work/$tc-nested-stock-$i
      rc=$(UNDEAD_OPTIONS=verbosity=1 run_shim "$f" "$stock" -nested)
      [ "$rc" = 0 ] && ! grep -q 'SUMMARY: undead' "$f.err" && grep -q '^stackswitch: 6 callbacks returned' "$f.out" &&
        nclean=$((nclean+1))
    done
    plain=$(run_plain "$work/$tc-nested-plain" "$nest" -nested)
    printf '%-5s nested: caught %d/%d at the outer callback'"'"'s return, stock clean %d/%d; without the shim: exit %s, %s\n' \
      "$tc" "$nested" "$runs" "$nclean" "$runs" "$plain" "$(tail -1 "$work/$tc-nested-plain.out")"
    [ "$nested" = "$runs" ] && [ "$nclean" = "$runs" ] || return 1
  else
    echo "$tc: the nested form does not apply (no restore of the bounds to remove: before 1.23, the runtime refuses a nested callback from another stack)"
  fi
  if [ -n "$bug" ]; then
    plain=$(run_plain "$work/$tc-plain" "$bug")
    printf '%-5s caught %d/%d, stock clean %d/%d; without the shim: exit %s, %s\n' "$tc" "$caught" $((2 * runs)) \
      "$clean" $((2 * runs)) "$plain" "$(grep -m1 -E 'morestack|fatal' "$work/$tc-plain.err" | cut -c1-80)"
    [ "$caught" = $((2 * runs)) ] && [ "$clean" = $((2 * runs)) ]
  else
    printf '%-5s stock clean %d/%d\n' "$tc" "$clean" $((2 * runs))
    [ "$clean" = $((2 * runs)) ]
  fi
}

# The report's m.g0.stack must be the bounds of the thread's own stack
# (where the first callback came from), which the program printed from
# pthread_getattr_np, and its SP must be in the coroutine stack; nested:
# the bounds in the inner coroutine's stack, the SP in the thread's.
bounds_are_the_threads() {
  python3 - "$1.err" "$1.out" "${2:-}" <<'PY'
import re, sys
err = open(sys.argv[1]).read(); out = open(sys.argv[2]).read(); nested = sys.argv[3] == "nested"
m = re.search(r"^SUMMARY: .* m\.g0\.sched\.sp (0x[0-9a-f]+) outside m\.g0\.stack \[(0x[0-9a-f]+), (0x[0-9a-f]+)\]$", err, re.M)
t = re.search(r"^stackswitch: thread stack \[(0x[0-9a-f]+), (0x[0-9a-f]+)\), coroutine stack \[(0x[0-9a-f]+), (0x[0-9a-f]+)\), inner \[(0x[0-9a-f]+), (0x[0-9a-f]+)\)$", out + err, re.M)
if not (m and t):
    sys.exit(1)
sp, lo, hi = (int(x, 16) for x in m.groups())
tlo, thi, clo, chi, ilo, ihi = (int(x, 16) for x in t.groups())
if nested:
    # the inner callback's estimated bounds: around its SP, in its stack
    sys.exit(0 if tlo <= sp < thi and ilo <= hi <= ihi + 1024 and lo < hi else 1)
sys.exit(0 if tlo <= lo < hi <= thi and clo <= sp < chi else 1)
PY
}

# The JSON and SARIF reports of the newest toolchain's changed build.
formats() {
  local tc=$1 bug
  "$SCHEMA_PY" -c 'import jsonschema' 2>/dev/null || { echo "$tc: python3-jsonschema missing: formats not checked"; return 0; }
  bug=$(gobuild "$tc" rt-g0_bounds_once "$UNDEAD_ROOT/tests/go/stackswitch") || return 0
  local files
  files=$(report_formats "$work/$tc-fmt" "$bug") || fail "$tc: the JSON or SARIF log"
  # shellcheck disable=SC2086
  python3 - $files <<'PY' || fail "$tc: the JSON or SARIF report's content"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
r = [x for x in recs if x.get("schema") == "undead-report/1"][0]
assert r["kind"] == "stale-system-stack" and r["trigger"] == "callback-entry", (r["kind"], r["trigger"])
assert r["slot"]["kind"] == "g" and r["slot"]["name"] == "m.g0.sched.sp", r["slot"]
assert r["points_to"]["region"] == "outside-system-stack", r["points_to"]
sp, lo, hi = int(r["slot"]["value"], 16), int(r["stacks"]["old"]["lo"], 16), int(r["stacks"]["old"]["hi"], 16)
assert not (lo < sp <= hi), (hex(sp), hex(lo), hex(hi))
res = json.load(open(sys.argv[2]))["runs"][0]["results"][0]
assert res["ruleId"] == "stale-system-stack", res["ruleId"]
loc = res["locations"][0]
assert "physicalLocation" in loc, loc
print(f"json and sarif: {r['signature']}, located at {loc['physicalLocation']['artifactLocation']['uri']}:{loc['physicalLocation'].get('region', {}).get('startLine')}")
PY
}

newest=$(class_toolchains | tail -1)
[ -z "$newest" ] || have_toolchain "$newest" && formats "$newest"
per_toolchain "a callback from C outside the system stack bounds was not reported" one $(class_toolchains)
