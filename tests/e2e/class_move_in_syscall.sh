#!/usr/bin/env bash
# Shape 6 of the class (Go issue 10976): the stack of a goroutine in a C
# call (g.syscallsp set, no callback running) must never move. With
# isShrinkStackSafe's syscallsp guard removed (tests/overlays/
# shrink_in_syscall.py), tests/go/syscallshrink has the collector shrink
# the stack of a goroutine that waits in C: the shim must report
# move-in-syscall at the shrink, before the copy, naming shrinkstack and
# the gate, on every run. Without the shim the runtime throws later
# (copystack's "stack growth not allowed in system call"), shown as a note.
# The stock program stays clean under the shim, in the default mode and with
# move_on_callback=1. Toolchains: class_toolchains (1.23 and the machine's;
# all six with --long).
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
runs=$(shim_runs)
work=$UNDEAD_WORK/class_move_in_syscall
rm -rf "$work"; mkdir -p "$work"

one() {
  local tc=$1 bug stock caught=0 clean=0 i rc plain
  bug=$(gobuild "$tc" rt-shrink_in_syscall "$UNDEAD_ROOT/tests/go/syscallshrink") || fail "build $tc bug"
  stock=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/syscallshrink") || fail "build $tc stock"
  for i in $(seq 1 "$runs"); do
    rc=$(run_shim "$work/$tc-bug-$i" "$bug")
    [ "$rc" = 134 ] && [ "$(grep -c '^SUMMARY: undead: move-in-syscall in runtime.cgocall g.syscallsp' "$work/$tc-bug-$i.err")" = 1 ] &&
      tr -s '\n ' '  ' < "$work/$tc-bug-$i.err" | grep -q 'runtime.shrinkstack (stack.go:[0-9]*) is moving the stack' &&
      grep -q 'during stack shrink' "$work/$tc-bug-$i.err" && caught=$((caught+1))
    for mode in "" move_on_callback=1; do
      rc=$(UNDEAD_OPTIONS=verbosity=1${mode:+:$mode} run_shim "$work/$tc-stock-$i${mode:+-stress}" "$stock")
      [ "$rc" = 0 ] && ! grep -q 'SUMMARY: undead' "$work/$tc-stock-$i${mode:+-stress}.err" &&
        grep -q '^syscallshrink: ok$' "$work/$tc-stock-$i${mode:+-stress}.out" && clean=$((clean+1))
    done
  done
  plain=$(run_plain "$work/$tc-plain" "$bug")
  printf '%-5s caught %d/%d, stock clean %d/%d; without the shim: exit %s%s\n' "$tc" "$caught" "$runs" \
    "$clean" $((2 * runs)) "$plain" \
    "$(grep -m1 -o 'fatal error: .*' "$work/$tc-plain.err" | sed 's/^/, /')"
  [ "$caught" = "$runs" ] && [ "$clean" = $((2 * runs)) ]
}
per_toolchain "a stack moved in a C call was not reported before the copy" one $(class_toolchains)
