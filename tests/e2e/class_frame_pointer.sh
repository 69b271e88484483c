#!/usr/bin/env bash
# Shape 7 of the class (Go issue 18174): after a stack moves, nothing the
# runtime's frame-pointer unwinders follow may point into the stack left.
# With copystack's adjustment of g.sched.bp removed (tests/overlays/
# sched_bp_unadjusted.py), tests/go/fpmove's callback recursion grows the
# stack several times: the frames made after the first move save a frame
# pointer into the stack it left. The shim must report stale-frame-pointer
# at the next move, naming the stack left, on every run; in the stress mode
# (move_on_callback=1) too. Without the shim the program is silent (its
# results are right): shown as a note. The stock program stays clean in
# both modes. Toolchains: class_toolchains (1.23 and the machine's; all six
# with --long).
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
runs=$(shim_runs)
work=$UNDEAD_WORK/class_frame_pointer
rm -rf "$work"; mkdir -p "$work"

one() {
  local tc=$1 bug stock caught=0 clean=0 i rc plain
  bug=$(gobuild "$tc" rt-sched_bp_unadjusted "$UNDEAD_ROOT/tests/go/fpmove") || fail "build $tc bug"
  stock=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/fpmove") || fail "build $tc stock"
  for i in $(seq 1 "$runs"); do
    for mode in "" move_on_callback=1; do
      rc=$(UNDEAD_OPTIONS=${mode:-verbosity=0} run_shim "$work/$tc-bug-$i${mode:+-stress}" "$bug")
      [ "$rc" = 134 ] && [ "$(grep -c '^SUMMARY: undead: stale-frame-pointer in runtime.cgocall' "$work/$tc-bug-$i${mode:+-stress}.err")" = 1 ] &&
        tr -s '\n ' '  ' < "$work/$tc-bug-$i${mode:+-stress}.err" |
          grep -q 'inside the stack \[0x[0-9a-f]*, 0x[0-9a-f]*) it left at an earlier move' &&
        caught=$((caught+1))
    done
    for mode in "" move_on_callback=1; do
      rc=$(UNDEAD_OPTIONS=verbosity=1${mode:+:$mode} run_shim "$work/$tc-stock-$i${mode:+-stress}" "$stock")
      [ "$rc" = 0 ] && ! grep -q 'SUMMARY: undead' "$work/$tc-stock-$i${mode:+-stress}.err" &&
        grep -q '^fpmove: ok$' "$work/$tc-stock-$i${mode:+-stress}.out" && clean=$((clean+1))
    done
  done
  plain=$(run_plain "$work/$tc-plain" "$bug")
  printf '%-5s caught %d/%d, stock clean %d/%d; without the shim: exit %s, %s\n' "$tc" "$caught" $((2 * runs)) \
    "$clean" $((2 * runs)) "$plain" "$(head -1 "$work/$tc-plain.out")"
  [ "$caught" = $((2 * runs)) ] && [ "$clean" = $((2 * runs)) ]
}
per_toolchain "a frame pointer into a stack left was not reported" one $(class_toolchains)
