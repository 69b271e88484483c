#!/usr/bin/env bash
# Thousands of goroutines with callbacks: more than the shim's table of
# goroutines holds at once, so the records of goroutines between callbacks
# are evicted and reused. With each of the six toolchains the stock runtime
# stays clean (every callback accounted for, no report) and the seed bug is
# still caught.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/shim_manyg
mkdir -p "$work"
bad=0
for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  for variant in stock undead; do
    bin=$(gobuild "$tc" "$variant" "$UNDEAD_ROOT/tests/go/manycb") || fail "build $tc $variant manycb"
    pre=$work/$tc-$variant
    rc=$(run_shim "$pre" "$bin" -workers 3000 -calls 2 -stay 1)
    n=$(grep -c 'SUMMARY: undead' "$pre.err")
    if [ "$variant" = stock ] && [ "$rc" = 0 ] && [ "$n" = 0 ] && grep -qx 'manycb: ok' "$pre.out"; then
      echo "ok    $tc stock: 3000 goroutines, clean"
    elif [ "$variant" = undead ] && [ "$rc" = 134 ] && [ "$n" = 1 ]; then
      echo "ok    $tc undead: 3000 goroutines, caught"
    else
      echo "FAIL  $tc $variant: exit $rc, $n report(s): $(head -c 300 "$pre.err")"; bad=1
    fi
  done
done
[ "$bad" = 0 ] || fail "many goroutines with callbacks are not handled"
skip_missing_toolchains
echo "PASS"
