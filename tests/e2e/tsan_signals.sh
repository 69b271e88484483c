#!/usr/bin/env bash
# Go's testsanitizers cases tsan15 (Go issue 66427: C threads call back into Go
# while another thread sends them signals) and tsan11 (a signal handler set
# up in C before Go's), built as that suite builds them (-fsanitize=thread,
# gcc's static libtsan), run under `undead run --` as the suite runs them
# (TSAN_OPTIONS=halt_on_error=1, ASLR off): every run passes, as without
# the shim. TSan defers a signal that arrives in Go code and delivers it in
# the next function it intercepts, on whatever stack the thread is on; Go
# throws "signal handler not on signal stack" unless that is the M's gsignal
# or g0 stack, so no C code of the shim may run on a stack of its own.
# By default tsan15, 10 runs, with the newest toolchain (where the old exit
# hook failed 4 runs in 40); with --long both cases, 40 runs each, with the
# machine's Go too (UNDEAD_TSAN_RUNS sets the runs).
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
[ -x "$UNDEAD" ] || fail "undead not built: $UNDEAD"
work=$UNDEAD_WORK/tsan_signals
rm -rf "$work"; mkdir -p "$work"
runs=${UNDEAD_TSAN_RUNS:-10}; [ "${UNDEAD_LONG:-0}" = 1 ] && runs=${UNDEAD_TSAN_RUNS:-40}
norand=(); setarch "$(uname -m)" -R true 2>/dev/null && norand=(setarch "$(uname -m)" -R)
check() {
  local tc=$1 go goroot src bin i rc failed=0 case
  go=$(go_for "$tc") || return 1
  goroot=$("$go" env GOROOT)
  local cases=tsan15; [ "${UNDEAD_LONG:-0}" = 1 ] && cases="tsan15 tsan11"
  for case in $cases; do
    src=$goroot/src/cmd/cgo/internal/testsanitizers/testdata/$case.go
    [ -f "$src" ] || { echo "$tc: no $case.go in this release"; continue; }
    mkdir -p "$work/$tc-$case" && cp "$src" "$work/$tc-$case/" &&
      printf 'module %s\n\ngo 1.19\n' "$case" > "$work/$tc-$case/go.mod"
    bin=$work/$tc-$case/$case
    (cd "$work/$tc-$case" && CGO_ENABLED=1 CGO_CFLAGS="-fsanitize=thread -fPIC" \
      CGO_LDFLAGS="-fsanitize=thread -fPIC -static-libtsan" \
      "$go" build -installsuffix=tsan -o "$bin" .) >"$bin.log" 2>&1 || {
      tail -5 "$bin.log"; fail "$tc: cannot build $case with -fsanitize=thread"; }
    failed=0
    for i in $(seq "$runs"); do
      TSAN_OPTIONS=halt_on_error=1 timeout 60 "$UNDEAD" run -- "${norand[@]}" "$bin" \
        >"$bin.$i.out" 2>"$bin.$i.err"; rc=$?
      if [ "$rc" != 0 ]; then
        failed=$((failed + 1)); echo "  $case run $i: exit $rc"; grep -m2 -E 'signal|fatal|WARNING' "$bin.$i.err"
      fi
    done
    echo "$tc $case: $failed of $runs runs failed under the shim"
    [ "$failed" = 0 ] || return 1
  done
}
tcs=next; [ "${UNDEAD_LONG:-0}" = 1 ] && tcs="cur next"
[ -z "${UNDEAD_TOOLCHAINS:-}" ] || tcs=$(undead_toolchains)
per_toolchain "TSan programs with signals" check $tcs
