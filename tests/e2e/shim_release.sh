#!/usr/bin/env bash
# The second check stands on its own: with check_relocations=0 the shim does
# not look at the gate frames when the stack moves, only records the move,
# and the seed bug must still be caught when the callback returns to C (the
# moment X is restored), in every program shape, with each of the six
# toolchains, with a report that says so; the stock runtime stays clean.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/shim_release
mkdir -p "$work"
runs=${UNDEAD_SHIM_RUNS:-3}
bad=0
for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  read -r xl yl < <(cgocall_lines "$tc") || fail "cannot find the X/Y lines of cgocall for $tc"
  for prog in $SHIM_PROGS; do
    for variant in undead stock; do
      bin=$(gobuild "$tc" "$variant" "$UNDEAD_ROOT/tests/go/$prog") || fail "build $tc $variant $prog"
      good=0
      for i in $(seq 1 "$runs"); do
        pre=$work/$tc-$variant-$prog-$i
        rc=$(UNDEAD_OPTIONS=check_relocations=0 run_shim "$pre" "$bin")
        why=""
        if [ "$variant" = undead ]; then
          [ "$rc" = 134 ] || why="exit status $rc, want 134"
          [ "$(grep -c 'SUMMARY: undead' "$pre.err")" = 1 ] || why="$why; want exactly one report"
          grep -q 'when a\s*callback returned to C\|callback return' "$pre.err" || why="$why; not at callback return"
          grep -q 'stack growth' "$pre.err" && why="$why; reported at a stack move"
          grep -q "cgocall\.go:$xl" "$pre.err" && grep -q "cgocall\.go:$yl" "$pre.err" || why="$why; no X/Y lines"
        else
          [ "$rc" = 0 ] && [ ! -s "$pre.err" ] || why="exit $rc, stderr: $(head -c 200 "$pre.err")"
        fi
        if [ -z "$why" ]; then good=$((good+1)); else echo "  $tc $variant $prog run $i: ${why#; } ($pre.err)"; fi
      done
      printf '%-4s %-7s %-10s %s %d/%d\n' "$tc" "$variant" "$prog" \
        "$([ "$variant" = undead ] && echo "caught at callback return" || echo clean)" "$good" "$runs"
      [ "$good" = "$runs" ] || bad=1
    done
  done
done
[ "$bad" = 0 ] || fail "the callback-return check does not stand on its own"
skip_missing_toolchains
echo "PASS"
