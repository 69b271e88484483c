#!/usr/bin/env bash
# A program that sets its own cgo context function (runtime.SetCgoTraceback)
# keeps it under the shim: the runtime's own TracebackContext tests
# (runtime/testdata/testprogcgo) pass with the shim active, with each
# of the six toolchains, and nothing is reported.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/shim_chain
mkdir -p "$work"
bad=0
for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  go=$(go_for "$tc")
  src=$("$go" env GOROOT)/src/runtime/testdata/testprogcgo
  bin=$work/testprogcgo-$tc
  if [ ! -x "$bin" ]; then
    (cd "$src" && CGO_ENABLED=1 GOFLAGS= "$go" build -o "$bin" .) >"$work/build-$tc.log" 2>&1 ||
      { tail -5 "$work/build-$tc.log"; fail "build testprogcgo ($tc)"; }
  fi
  for t in TracebackContext TracebackContextPreemption CgoCallbackGC; do
    pre=$work/$tc-$t
    rc=$(UNDEAD_OPTIONS=verbosity=1 run_shim "$pre" "$bin" "$t")
    if [ "$rc" = 0 ] && grep -qx OK "$pre.out" && grep -q '^undead: active' "$pre.err" &&
       ! grep -q 'SUMMARY: undead' "$pre.err"; then
      printf 'ok    %-4s %s\n' "$tc" "$t"
    else
      printf 'FAIL  %-4s %s: exit %s, out: %s, err: %s\n' "$tc" "$t" "$rc" \
        "$(head -c 200 "$pre.out")" "$(head -c 300 "$pre.err")"
      bad=1
    fi
  done
done
[ "$bad" = 0 ] || fail "a program's own context function is not kept"
skip_missing_toolchains
echo "PASS"
