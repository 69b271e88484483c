#!/usr/bin/env bash
# The seed bug (Go issue 17785: the KeepAlive lines of runtime.cgocall
# removed) is caught by the shim on every run, at the first stack relocation,
# in issue7978-, nested-, many-callback- and C-thread-shaped programs, plain
# and stripped as `go test` links them (and issue7978 as a PIE, plain and
# stripped), with each of the six toolchains (the stripped and PIE builds
# but issue7978-stripped on heavy_toolchains only, all with --long): the
# program aborts (SIGABRT)
# with one report naming runtime.cgocall, the `arg` slot (stripped: the slot
# the unstripped build's report names) and the cgocall.go lines of X and Y.
#   UNDEAD_SHIM_RUNS=N   runs per program and toolchain (default 3; 20 with --long)
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
runs=$(shim_runs)
work=$UNDEAD_WORK/shim_catch
mkdir -p "$work"
bad=0
# slot_of REPORT -> "KIND OFFSET NAME" of its undead slot ("arg 64 arg").
slot_of() { sed -n "s/^Slot: \([a-z]*\) '\([^']*\)' at sp+\([0-9]*\) .*/\1 \3 \2/p" "$1" | head -1; }
for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  read -r xl yl < <(cgocall_lines "$tc") || fail "cannot find the X/Y lines of cgocall for $tc"
  for prog in $(shim_builds "$tc"); do
    bin=$(shim_build "$tc" undead "$prog") || fail "build $tc undead $prog"
    caught=0
    for i in $(seq 1 "$runs"); do
      pre=$work/$tc-$prog-$i
      rc=$(run_shim "$pre" "$bin")
      why=""
      [ "$rc" = 134 ] || why="exit status $rc, want 134 (SIGABRT)"
      [ "$(grep -c 'SUMMARY: undead' "$pre.err")" = 1 ] || why="$why; want exactly one report"
      grep -q 'runtime\.cgocall' "$pre.err" || why="$why; no runtime.cgocall"
      slot=$(slot_of "$pre.err")
      case $prog in
        *-stripped)
          # No DWARF: the slot the unstripped build reports, with the name
          # its DWARF gives (here read from the signature and the code).
          want=$(slot_of "$work/$tc-${prog%-stripped}-1.err")
          [ "$slot" = "$want" ] || why="$why; slot '$slot', the unstripped build's is '$want'" ;;
        *) [[ "$slot" == *" arg" ]] || why="$why; slot '$slot', not 'arg'" ;;
      esac
      grep -q "cgocall\.go:$xl" "$pre.err" || why="$why; no X line cgocall.go:$xl"
      grep -q "cgocall\.go:$yl" "$pre.err" || why="$why; no Y line cgocall.go:$yl"
      grep -q 'stack-growth\|stack growth' "$pre.err" || why="$why; not caught at a stack growth"
      if [ -z "$why" ]; then
        caught=$((caught+1))
      else
        echo "  $tc $prog run $i: ${why#; } (log $pre.err)"
      fi
    done
    printf '%-4s %-22s caught %d/%d\n' "$tc" "$prog" "$caught" "$runs"
    [ "$caught" = "$runs" ] || bad=1
  done
done
[ "$bad" = 0 ] || fail "the seed bug was not caught on every run"
skip_missing_toolchains
echo "PASS"
