#!/usr/bin/env bash
# The class, shape 4 (Go issue 8771): cmd/cgo's C wrapper stores a C
# function's result through a pointer into the Go argument frame after the
# call; when a callback moved the goroutine's stack in between, that pointer
# must be readjusted (_cgo_topofstack). Put back, with the readjustment
# removed from a cmd/cgo built from the toolchain's own source and
# substituted with -toolexec (cgo_notop_toolexec, tests/lib/common.sh),
# tests/go/leftwrite checks its own results:
#   - without the shim: wrong results (the stock runtime says nothing);
#   - quarantine=1 and undead run --stress: a left-stack-access report at
#     the write itself on every run, the faulting instruction in the
#     wrapper's C code (_cgo_HASH_Cfunc_leftwrite_call), both for the seed's
#     first growth (the stack left is a fresh goroutine's 2 KiB one, served
#     from a page of the shim's own: own_small_stacks) and with -deep 10
#     (the goroutine's stack has grown before the call, so the move inside
#     the callback leaves a stack of 4 KiB or more, which owns its pages);
#   - quarantine=1:own_small_stacks=0 (the 2 KiB stack stays on the
#     runtime's shared page, only poisoned): a left-stack-write report on
#     every run, naming the wrapper's frame, both when the quarantine lets
#     the stack go (many calls) and at exit (few calls);
#   - the stock cgo's build with quarantine=1, both ways: right results, no
#     report, stacks quarantined and protected (counted), 2 KiB stacks
#     served from the shim's pages (counted);
#   - the default options (quarantine=0): no report (the check is opt-in);
#   - a -race build of the stock program (cur only: its race runtime is a
#     build of its own) under quarantine=1: 2 KiB stacks stay on the
#     runtime's pages, with the one line naming the race runtime's call in
#     stackalloc (its stacks must be registered with TSan), right results,
#     no report, no race.
# Toolchains: cur and 123 by default, all six with UNDEAD_LONG=1.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
[ -f "$UNDEAD_SO" ] || fail "shim not built: $UNDEAD_SO"
RUNS=3; [ "${UNDEAD_LONG:-0}" = 1 ] && RUNS=10
if [ "${UNDEAD_LONG:-0}" = 1 ]; then tcs=$(undead_toolchains); else
  tcs=$(for tc in $(undead_toolchains); do case " cur 123 " in *" $tc "*) echo "$tc" ;; esac; done); fi

check() {
  local tc=$1 bad stock work i rc rounds
  bad=$(gobuild "$tc" cgonotop tests/go/leftwrite) || fail "$tc: build with the changed cmd/cgo"
  stock=$(gobuild "$tc" stock tests/go/leftwrite) || fail "$tc: stock build"
  work=$UNDEAD_WORK/shape_leftwrite/$tc
  rm -rf "$work"; mkdir -p "$work"

  "$bad" >"$work/plain.out" 2>&1; rc=$?
  [ "$rc" = 1 ] && grep -q 'results wrong' "$work/plain.out" ||
    fail "$tc: the changed cmd/cgo did not give wrong results (rc $rc): $(tail -2 "$work/plain.out")"
  echo "$tc: without the shim: $(tail -1 "$work/plain.out") (exit $rc, nothing else said)"

  for rounds in 200 5; do
    for i in $(seq "$RUNS"); do
      UNDEAD_OPTIONS=quarantine=1:own_small_stacks=0 LD_PRELOAD=$UNDEAD_SO "$bad" -rounds "$rounds" >"$work/q$rounds.$i" 2>&1; rc=$?
      [ "$rc" = 134 ] || fail "$tc: quarantine=1, $rounds calls, run $i: exit $rc, not the report's abort"
      grep -q '^SUMMARY: undead: left-stack-write in runtime.cgocall main._Cfunc_leftwrite_call (argument area)+[0-9]* ' "$work/q$rounds.$i" ||
        fail "$tc: quarantine=1, $rounds calls, run $i: no left-stack-write report naming the wrapper's frame: $(grep SUMMARY "$work/q$rounds.$i")"
      want="release of a quarantined stack"; [ "$rounds" = 5 ] && want="process exit"
      grep -q "during $want" "$work/q$rounds.$i" || fail "$tc: $rounds calls: not found at the $want"
    done
  done
  echo "$tc: quarantine=1:own_small_stacks=0: caught $((2 * RUNS))/$((2 * RUNS)) (at release and at exit)"

  # Caught at the write, by the wrapper's code: the 2 KiB stack of the
  # seed's first growth (on a page of the shim's), and with -deep 10 a left
  # stack of 4 KiB or more.
  local deep size
  for deep in 0 10; do
    "$bad" -deep $deep >"$work/deep$deep-plain.out" 2>&1; rc=$?
    [ "$rc" = 1 ] && grep -q 'results wrong' "$work/deep$deep-plain.out" ||
      fail "$tc: -deep $deep without the shim: expected wrong results (rc $rc)"
    for i in $(seq "$RUNS") stress; do
      out=$work/deep$deep.$i
      if [ "$i" = stress ]; then
        "$UNDEAD" run --stress -- "$bad" -deep $deep >"$out" 2>&1; rc=$?
      else
        UNDEAD_OPTIONS=quarantine=1 LD_PRELOAD=$UNDEAD_SO "$bad" -deep $deep >"$out" 2>&1; rc=$?
      fi
      [ "$rc" = 134 ] || fail "$tc: -deep $deep, run $i: exit $rc, not the report's abort: $(tail -2 "$out")"
      grep -q '^SUMMARY: undead: left-stack-access in runtime.cgocall main._Cfunc_leftwrite_call (argument area)+[0-9]* ' "$out" ||
        fail "$tc: -deep $deep, run $i: no left-stack-access report naming the wrapper's frame: $(grep -E 'SUMMARY|ERROR' "$out")"
      grep -q 'during access to the held stack' "$out" || fail "$tc: -deep $deep, run $i: not caught at the access"
      grep -q '^Access: a write at 0x' "$out" || fail "$tc: -deep $deep, run $i: not reported as a write"
      grep -qE '^        by 0x[0-9a-f]+ in _cgo_[0-9a-f]+_Cfunc_leftwrite_call\+0x[0-9a-f]+ ' "$out" ||
        fail "$tc: -deep $deep, run $i: the access is not named as the wrapper's C code: $(grep -A1 '^Access' "$out")"
      grep -A1 '^C stack of thread [0-9]* at the access:' "$out" |
        grep -qE '#0 0x[0-9a-f]+ in _cgo_[0-9a-f]+_Cfunc_leftwrite_call\+' ||
        fail "$tc: -deep $deep, run $i: the C stack does not start at the faulting instruction"
      size=$(left_stack_size "$out")
      [ "$deep" = 10 ] || [ "$size" = 2048 ] || fail "$tc: -deep 0, run $i: the left stack is $size bytes, not the fresh 2048"
      [ "$deep" = 0 ] || [ "${size:-0}" -ge 4096 ] || fail "$tc: -deep 10, run $i: the left stack is $size bytes, not 4 KiB or more"
    done
    echo "$tc: -deep $deep (left stack $size bytes): caught at the write by _cgo_*_Cfunc_leftwrite_call, $RUNS/$RUNS with quarantine=1, and with undead run --stress"
  done

  local prot own
  for deep in 0 10; do
    UNDEAD_OPTIONS=quarantine=1:verbosity=1 LD_PRELOAD=$UNDEAD_SO "$stock" -deep $deep >"$work/stock$deep.out" 2>&1; rc=$?
    [ "$rc" = 0 ] || fail "$tc: the stock build under quarantine=1 (-deep $deep) failed (exit $rc): $(tail -3 "$work/stock$deep.out")"
    ! grep -q 'ERROR: undead' "$work/stock$deep.out" || fail "$tc: a report on the stock build (-deep $deep)"
    held=$(sed -nE 's/^undead: checked: .* ([0-9]+) left stack\(s\) quarantined.*/\1/p' "$work/stock$deep.out")
    prot=$(sed -nE 's/^undead: checked: .* quarantined \(([0-9]+) protected\).*/\1/p' "$work/stock$deep.out")
    [ "${held:-0}" -gt 0 ] || fail "$tc: the stock build under quarantine=1 (-deep $deep) held no stack"
    own=$(sed -nE 's/^undead: checked: .*protected\), ([0-9]+) small stack\(s\) on own pages.*/\1/p' "$work/stock$deep.out")
    [ "${prot:-0}" -gt 0 ] || fail "$tc: the stock build, -deep $deep: no held stack was protected"
    [ "${own:-0}" -gt 0 ] || fail "$tc: the stock build, -deep $deep: no 2 KiB stack was served from the shim's pages"
    echo "$tc: stock, quarantine=1, -deep $deep: clean, $held left stack(s) held and checked, $prot protected, $own small stack(s) on own pages"
  done

  LD_PRELOAD=$UNDEAD_SO "$bad" >"$work/default.out" 2>&1; rc=$?
  [ "$rc" = 1 ] && ! grep -q 'ERROR: undead' "$work/default.out" ||
    fail "$tc: default options: expected the program's own failure and no report (exit $rc)"
}

race() {
  local tc=$1 bin work=$UNDEAD_WORK/shape_leftwrite/$tc rc
  bin=$(gobuild "$tc" stock-race tests/go/leftwrite -race) || fail "$tc: -race build"
  UNDEAD_OPTIONS=quarantine=1:verbosity=1 LD_PRELOAD=$UNDEAD_SO "$bin" >"$work/race.out" 2>&1; rc=$?
  [ "$rc" = 0 ] && grep -q 'all results right' "$work/race.out" || fail "$tc: -race under quarantine=1: exit $rc: $(tail -3 "$work/race.out")"
  ! grep -qE 'ERROR: undead|WARNING: DATA RACE' "$work/race.out" || fail "$tc: -race under quarantine=1: a report"
  grep -q "^undead: 2 KiB stacks stay on the runtime's shared pages in .* (own_small_stacks): runtime.stackalloc calls runtime.race" "$work/race.out" ||
    fail "$tc: -race: own_small_stacks did not stay off: $(grep '^undead' "$work/race.out" | head -2)"
  echo "$tc: -race, quarantine=1: right results, no report; $(grep -o 'runtime.stackalloc calls [^ ]*' "$work/race.out")"
}

per_toolchain "left stack written after a callback moved it" check $tcs
case " $(echo $tcs) " in *" cur "*) per_toolchain "a -race build under the quarantine" race cur ;; esac
