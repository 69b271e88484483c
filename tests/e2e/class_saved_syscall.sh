#!/usr/bin/env bash
# Shapes 2 and 3 of the class: cgocallbackg keeps the saved syscall SP
# (tests/overlays/savedsp_uintptr.py) or, from Go 1.23, the saved syscall
# BP with reentersyscall's bp check removed (savedbp_uintptr.py, Go issue
# 69085) as a uintptr, so the stack moves of tests/go/fpmove's callback
# leave it stale. The shim must report stale-syscall-sp / stale-syscall-bp
# when the callback returns, before reentersyscall restores it, on every
# run, naming the stack the goroutine left. Without the shim: the runtime's
# throw for the SP, silence for the BP (shown as a note). The stock
# program's cleanliness is class_frame_pointer's. Toolchains:
# class_toolchains (1.23 and the machine's; all six with --long; the BP
# shape only where g.syscallbp exists).
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
runs=$(shim_runs)
work=$UNDEAD_WORK/class_saved_syscall
rm -rf "$work"; mkdir -p "$work"

# shape TC OVERLAY KIND FIELD -> one line; status 0 when caught every run
shape() {
  local tc=$1 ov=$2 kind=$3 field=$4 bug caught=0 i rc plain
  bug=$(gobuild "$tc" "rt-$ov" "$UNDEAD_ROOT/tests/go/fpmove") || { echo "build $tc $ov failed"; return 1; }
  for i in $(seq 1 "$runs"); do
    rc=$(run_shim "$work/$tc-$ov-$i" "$bug")
    [ "$rc" = 134 ] && [ "$(grep -c "^SUMMARY: undead: $kind in runtime.cgocall g.$field" "$work/$tc-$ov-$i.err")" = 1 ] &&
      tr -s '\n ' '  ' < "$work/$tc-$ov-$i.err" | grep -q "points into a stack the goroutine left earlier" &&
      caught=$((caught+1))
  done
  plain=$(run_plain "$work/$tc-$ov-plain" "$bug")
  printf '%-5s %-16s caught %d/%d; without the shim: exit %s%s\n' "$tc" "$kind" "$caught" "$runs" "$plain" \
    "$(grep -m1 -o 'fatal error: .*' "$work/$tc-$ov-plain.err" | sed 's/^/, /')"
  [ "$caught" = "$runs" ]
}

one() {
  local tc=$1 ok=0 minor
  minor=$(go_minor "$tc") || fail "go version of $tc"
  shape "$tc" savedsp_uintptr stale-syscall-sp syscallsp || ok=1
  if [ "$minor" -ge 23 ]; then shape "$tc" savedbp_uintptr stale-syscall-bp syscallbp || ok=1
  else echo "$tc   stale-syscall-bp: no g.syscallbp before Go 1.23"; fi
  return $ok
}
per_toolchain "a stale saved syscall SP or BP was not reported" one $(class_toolchains)
