#!/usr/bin/env bash
# The same programs (plain and stripped, issue7978 as a PIE too) on the
# stock runtime run clean under the shim, with each of the six toolchains
# (shim_builds: the stripped and PIE builds but issue7978-stripped on
# heavy_toolchains only, all with --long): exit 0, the program's own
# output, no report and nothing else on stderr; and with verbosity=1, two
# lines: the shim is active, and at exit what it checked (no report).
#   UNDEAD_SHIM_RUNS=N   runs per program and toolchain (default 3; 20 with --long)
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
runs=$(shim_runs)
work=$UNDEAD_WORK/shim_stock
mkdir -p "$work"
bad=0
for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  for prog in $(shim_builds "$tc"); do
    name=$(shim_prog_name "$prog")
    bin=$(shim_build "$tc" stock "$prog") || fail "build $tc stock $prog"
    clean=0
    for i in $(seq 1 "$runs"); do
      pre=$work/$tc-$prog-$i
      rc=$(run_shim "$pre" "$bin")
      if [ "$rc" = 0 ] && [ ! -s "$pre.err" ] && grep -q "^$name: ok$" "$pre.out"; then
        clean=$((clean+1))
      else
        echo "  $tc $prog run $i: exit $rc; stderr:"; head -5 "$pre.err" | sed 's/^/    /'
      fi
    done
    # Silence proves nothing unless the shim was there: verbosity=1 says
    # in one line that it is active (not turned off) on this binary, and in
    # one more at exit what it checked.
    pre=$work/$tc-$prog-v
    rc=$(UNDEAD_OPTIONS=verbosity=1 run_shim "$pre" "$bin")
    active=active
    if [ "$rc" != 0 ] || [ "$(wc -l < "$pre.err")" != 2 ] || ! head -1 "$pre.err" | grep -q '^undead: active' ||
       ! tail -1 "$pre.err" | grep -q '^undead: checked: [1-9][0-9]* callback(s), .*; 0 report(s)$' ||
       ! grep -q "^$name: ok$" "$pre.out"; then
      active="NOT active"; bad=1
      echo "  $tc $prog verbosity=1: exit $rc; stderr:"; head -5 "$pre.err" | sed 's/^/    /'
    fi
    printf '%-4s %-22s clean %d/%d, %s\n' "$tc" "$prog" "$clean" "$runs" "$active"
    [ "$clean" = "$runs" ] || bad=1
  done
done
[ "$bad" = 0 ] || fail "the shim changed a correct program's behaviour, or was not active"
skip_missing_toolchains
echo "PASS"
