#!/usr/bin/env bash
# `go test -exec "undead run --"` runs each test binary under the shim while
# the go command and its compilers run untouched:
#  - tests/go/gotest built against the runtime with cgocall's KeepAlive
#    lines removed (-overlay): the test fails, with an undead report;
#  - the same package on the stock runtime: the test passes, no report.
# Then the same with the shim enabled by the environment alone, exported for
# the whole `go test` (the CI recipe in the README).
set -uo pipefail
. "$(dirname "$0")/suite_lib.sh"
need_shim
[ -x "$UNDEAD" ] || fail "undead not built: $UNDEAD"
"$UNDEAD" run -- true >/dev/null 2>&1 || fail "\`undead run -- true\` does not work"

work=$UNDEAD_WORK/goexec
mkdir -p "$work"
bad=0 n=0

# expect WANT LABEL DIR CMD... : WANT is "report" (nonzero exit and a report)
# or "clean" (exit 0, no report, and the shim's verbosity=1 line saying it
# was active in the test binary: the clean runs use -v and verbosity=1).
expect() {
  local want=$1 label=$2 dir=$3; shift 3
  local log=$work/$n.log rc reps; n=$((n+1))
  (cd "$dir" && timeout 600 "$@") >"$log" 2>&1; rc=$?
  reps=$(report_count "$log")
  if [ "$want" = report ] && [ $rc != 0 ] && [ "$reps" -gt 0 ]; then
    printf 'ok    %-58s exit %d, %d report(s)\n' "$label" $rc "$reps"
    grep -m1 -E 'SUMMARY: undead' "$log" | sed 's/^/      /'
  elif [ "$want" = clean ] && [ $rc = 0 ] && [ "$reps" = 0 ] && grep -q '^undead: active' "$log"; then
    printf 'ok    %-58s exit 0, no report, shim active\n' "$label"
  else
    printf 'BAD   %-58s exit %d, %d report(s), wanted %s\n' "$label" $rc "$reps" "$want"
    grep -m1 '^undead: ' "$log" | sed 's/^/    /'
    tail -25 "$log" | sed 's/^/    | /'
    bad=$((bad+1))
  fi
}

bug=$UNDEAD_ROOT/tests/go/gotest
clean=$UNDEAD_ROOT/tests/go/gotest
for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  go=$(go_for "$tc")
  ov=$(overlay_json "$tc") || fail "overlay for $tc"
  expect report "$tc: go test -exec 'undead run --' (bug runtime)" "$bug" \
    "$go" test -count=1 -overlay "$ov" -exec "$UNDEAD run --" .
  # go test links test binaries with -s -w (the shim finds the context
  # function in the code); -ldflags=-s=false keeps the symbol table.
  expect report "$tc: go test -ldflags=-s=false -exec 'undead run --' (bug)" "$bug" \
    "$go" test -count=1 -ldflags=-s=false -overlay "$ov" -exec "$UNDEAD run --" .
  expect clean "$tc: go test -exec 'undead run --' (stock runtime)" "$clean" \
    env UNDEAD_OPTIONS=verbosity=1 "$go" test -count=1 -v -exec "$UNDEAD run --" .
  expect report "$tc: LD_PRELOAD exported for go test (bug runtime)" "$bug" \
    env LD_PRELOAD="$UNDEAD_SO" "$go" test -count=1 -overlay "$ov" .
  expect clean "$tc: LD_PRELOAD exported for go test (stock runtime)" "$clean" \
    env LD_PRELOAD="$UNDEAD_SO" UNDEAD_OPTIONS=verbosity=1 "$go" test -count=1 -v .
done
[ $bad = 0 ] || fail "$bad of $n go test runs did not behave"
skip_missing_toolchains
echo "ok: $n go test runs behaved"
