#!/usr/bin/env bash
# The same programs on the stock runtime run clean under the shim: exit 0,
# the program's own output, no report and nothing else on stderr.
#   UNDEAD_SHIM_RUNS=N   runs per program and toolchain (default 5; 20 with --long)
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
runs=$(shim_runs)
work=$UNDEAD_WORK/shim_stock
mkdir -p "$work"
bad=0
for tc in $(undead_toolchains); do
  for prog in $SHIM_PROGS; do
    bin=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/$prog") || fail "build $tc stock $prog"
    clean=0
    for i in $(seq 1 "$runs"); do
      pre=$work/$tc-$prog-$i
      rc=$(run_shim "$pre" "$bin")
      if [ "$rc" = 0 ] && [ ! -s "$pre.err" ] && grep -q "^$prog: ok$" "$pre.out"; then
        clean=$((clean+1))
      else
        echo "  $tc $prog run $i: exit $rc; stderr:"; head -5 "$pre.err" | sed 's/^/    /'
      fi
    done
    printf '%-4s %-10s clean %d/%d\n' "$tc" "$prog" "$clean" "$runs"
    [ "$clean" = "$runs" ] || bad=1
  done
done
[ "$bad" = 0 ] || fail "the shim changed a correct program's behaviour"
echo "PASS"
