#!/usr/bin/env bash
# move_on_callback=1: every callback moves the goroutine's stack once, so a
# bug that needs a relocation while a gate is open shows at the first
# callback, without a rebuild. With each toolchain (1.19 and the machine's by default: heavy_toolchains; all six with --long):
#   - latent (grown stacks, small callbacks: nothing moves inside a
#     callback) on the seed-bug runtime: no report without the option (as
#     before), caught on every run with it;
#   - issue7978, nested, manycb and cthread on the seed-bug runtime: caught
#     with it;
#   - every one of those on the stock runtime with it: clean, output as
#     without the shim.
#   UNDEAD_SHIM_RUNS=N   runs per case (default 3; 10 with --long)
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
runs=${UNDEAD_SHIM_RUNS:-3}; [ "${UNDEAD_LONG:-0}" = 1 ] && runs=${UNDEAD_SHIM_RUNS:-10}
work=$UNDEAD_WORK/shim_stress
mkdir -p "$work"
bad=0
for tc in $(heavy_toolchains); do
  have_toolchain "$tc" || continue
  for prog in latent $SHIM_PROGS; do
    bug=$(gobuild "$tc" undead "$UNDEAD_ROOT/tests/go/$prog") || fail "build $tc undead $prog"
    stock=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/$prog") || fail "build $tc stock $prog"
    caught=0 quiet=0 clean=0
    for i in $(seq 1 "$runs"); do
      pre=$work/$tc-$prog-$i
      rc=$(UNDEAD_OPTIONS=move_on_callback=1 run_shim "$pre.stress" "$bug")
      [ "$rc" = 134 ] && [ "$(grep -c 'SUMMARY: undead' "$pre.stress.err")" = 1 ] &&
        grep -q "undead-pointer in runtime.cgocall" "$pre.stress.err" && caught=$((caught+1))
      if [ "$prog" = latent ]; then
        rc=$(run_shim "$pre.plain" "$bug")
        [ "$rc" = 0 ] && ! grep -q 'SUMMARY: undead' "$pre.plain.err" && quiet=$((quiet+1))
      fi
      rc=$(UNDEAD_OPTIONS=move_on_callback=1 run_shim "$pre.stock" "$stock")
      base=$(run_plain "$pre.base" "$stock")
      [ "$rc" = 0 ] && [ "$base" = 0 ] && ! grep -q 'SUMMARY: undead' "$pre.stock.err" &&
        cmp -s "$pre.stock.out" "$pre.base.out" && clean=$((clean+1))
    done
    line="caught $caught/$runs with move_on_callback=1, stock clean $clean/$runs"
    [ "$prog" = latent ] && line="$line, no report without the option $quiet/$runs"
    printf '%-5s %-10s %s\n' "$tc" "$prog" "$line"
    [ "$caught" = "$runs" ] && [ "$clean" = "$runs" ] || bad=1
    [ "$prog" != latent ] || [ "$quiet" = "$runs" ] || bad=1
  done
done
[ "$bad" = 0 ] || fail "move_on_callback did not catch every run, or reported on a stock runtime"
skip_missing_toolchains
echo PASS
