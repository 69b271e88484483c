#!/usr/bin/env bash
# Once started, the shim holds nothing of the program's, on each
# toolchain (1.19 and the machine's by default: heavy_toolchains; all six with --long): no file descriptor (the program's first os.Open gets the same
# descriptor, 3, as without the shim) and no memory of the program's malloc
# (libelf and libdw allocate from it while the shim starts: all of it is
# freed). tests/go/hygiene built with -asan asks LeakSanitizer for a check
# before it exits; it reports no leak under the shim, and its -leak flag (a
# deliberate leak) shows the check can fail.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/shim_hygiene
mkdir -p "$work"
ASAN=$(gcc -print-file-name=libasan.so)
[ -f "$ASAN" ] || fail "gcc's libasan.so not found"
bad=0
note() { echo "  BAD $*"; bad=1; }
for tc in $(heavy_toolchains); do
  have_toolchain "$tc" || continue
  bin=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/hygiene") || fail "build $tc hygiene"
  asan=$(gobuild "$tc" stock-asan "$UNDEAD_ROOT/tests/go/hygiene") || fail "build $tc hygiene -asan"
  run_plain "$work/$tc-plain" "$bin" >/dev/null
  rc=$(UNDEAD_OPTIONS=verbosity=1 run_shim "$work/$tc-shim" "$bin")
  grep -q '^undead: active' "$work/$tc-shim.err" || note "$tc: the shim is not active: $(head -1 "$work/$tc-shim.err")"
  [ "$rc" = 0 ] && grep -qx 'first fd: 3' "$work/$tc-plain.out" && cmp -s "$work/$tc-plain.out" "$work/$tc-shim.out" ||
    note "$tc: first descriptor $(cat "$work/$tc-shim.out") with the shim, $(cat "$work/$tc-plain.out") without"
  for leak in "" -leak; do
    out=$(LD_PRELOAD="$ASAN:$UNDEAD_SO" UNDEAD_OPTIONS=verbosity=1 timeout 60 "$asan" $leak 2>"$work/$tc-asan$leak.err")
    grep -q '^undead: active' "$work/$tc-asan$leak.err" || note "$tc $leak: the shim is not active under ASan"
    echo "$out" | grep -qx "leak check: done" || note "$tc asan $leak: no leak check ran: $out"
    n=$(grep -c 'byte(s) leaked' "$work/$tc-asan$leak.err")
    if [ -z "$leak" ] && [ "$n" != 0 ]; then
      note "$tc: leaks under the shim: $(grep -m6 'leaked\|#[0-4] ' "$work/$tc-asan$leak.err" | tr '\n' ' ')"
    elif [ -n "$leak" ] && ! grep -q '12345 byte(s) leaked' "$work/$tc-asan$leak.err"; then
      note "$tc: the planted leak was not seen: the check cannot fail"
    fi
  done
  echo "$tc: first descriptor 3 as without the shim; no leak from the shim (LeakSanitizer), a planted leak seen"
done
[ "$bad" = 0 ] || fail "the shim leaves something of the program's behind"
skip_missing_toolchains
echo PASS
