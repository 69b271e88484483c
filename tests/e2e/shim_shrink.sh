#!/usr/bin/env bash
# The relocation the garbage collector makes: tests/go/shrink parks a
# callback (its goroutine locked to its thread, g.m cleared) with little of
# a large stack in use while the collector shrinks it. On the seed-bug
# runtime the shim reports at the shrink, on every run and toolchain; on
# the stock runtime it is clean and counts those relocations.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
runs=$(shim_runs)
work=$UNDEAD_WORK/shim_shrink
mkdir -p "$work"
bad=0
for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  bug=$(gobuild "$tc" undead "$UNDEAD_ROOT/tests/go/shrink") || fail "build $tc undead shrink"
  stock=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/shrink") || fail "build $tc stock shrink"
  caught=0 clean=0
  for i in $(seq 1 "$runs"); do
    rc=$(run_shim "$work/$tc-bug-$i" "$bug")
    [ "$rc" = 134 ] && [ "$(grep -c 'SUMMARY: undead' "$work/$tc-bug-$i.err")" = 1 ] &&
      grep -q 'during stack shrink' "$work/$tc-bug-$i.err" && caught=$((caught+1))
    rc=$(UNDEAD_OPTIONS=verbosity=1 run_shim "$work/$tc-stock-$i" "$stock")
    [ "$rc" = 0 ] && ! grep -q 'SUMMARY: undead' "$work/$tc-stock-$i.err" &&
      grep -q 'checked: 1 callback(s), 1 return(s) into a gate, [1-9][0-9]* relocation' "$work/$tc-stock-$i.err" &&
      clean=$((clean+1))
  done
  printf '%-5s caught at a shrink %d/%d, stock clean %d/%d\n' "$tc" "$caught" "$runs" "$clean" "$runs"
  [ "$caught" = "$runs" ] && [ "$clean" = "$runs" ] || bad=1
done
[ "$bad" = 0 ] || fail "relocations by the collector are not checked"
skip_missing_toolchains
echo PASS
