#!/usr/bin/env bash
# Peer suite: each toolchain's own cgo test suite (misc/cgo/test in Go 1.19
# and 1.20, cmd/cgo/internal/test since Go 1.21) without and with the shim:
# the same tests pass and the shim reports nothing, by default and with
# move_on_callback=1 (every callback moves its stack; forced moves counted).
# Toolchains: those of heavy_toolchains (tests/lib/common.sh: 119 and cur
# by default, all six with --long).
# UNDEAD_LONG=1 also adds a build in which every function prologue moves the
# stack (-d=maymorestack=runtime.mayMoreStackMove), so every callback
# relocates, and three more runs of the plain build.
set -uo pipefail
. "$(dirname "$0")/suite_lib.sh"
need_shim

# suite_cgo TC: builds the suite's test binary with TC (cached by go
# version) and compares its runs without and with the shim.
suite_cgo() {
  local tc=$1 go goroot src pkg work dir stamp run=() status=0 i
  go=$(go_for "$tc") || fail "no toolchain $tc"
  goroot=$("$go" env GOROOT)
  work=$UNDEAD_WORK/suite-cgo$tc
  PEER_LOGS=$work/logs
  mkdir -p "$work"
  if [ -d "$goroot/src/cmd/cgo/internal/test" ]; then
    src=$goroot/src/cmd/cgo/internal/test dir=$work/run pkg=cmd/cgo/internal/test
  else
    # Go 1.19 and 1.20: misc/cgo/test, built in a scratch copy in the layout
    # it expects (module "misc" above it); the toolchain's tree is never
    # written to. Its TestCrossPackageTests starts `go test` itself: not in
    # the maymorestack build.
    src=$goroot/misc/cgo/test dir=$work/misc/cgo/test pkg=.
    [ -d "$src" ] || skip "no misc/cgo/test or cmd/cgo/internal/test in $goroot (Debian: golang-1.${tc#1}-src)"
    run=(-test.run '^Test[^C]|^TestC[^r]')
  fi
  stamp=$("$go" version)
  if [ ! -x "$work/cgo.test" ] || [ "$(cat "$work/stamp" 2>/dev/null)" != "$stamp" ] ||
     [ -n "$(find "$src" -type f -newer "$work/stamp" 2>/dev/null | head -1)" ]; then
    rm -rf "$work/misc" "$work/cgo-move.test"
    mkdir -p "$dir"
    if [ "$pkg" = . ]; then
      cp "$goroot/misc/go.mod" "$work/misc/" || fail "no $goroot/misc/go.mod"
      cp -r "$src/." "$dir/" && chmod -R u+w "$work/misc"
    fi
    (cd "$dir" && "$go" test -c -o "$work/cgo.test" "$pkg") >"$work/build.log" 2>&1 ||
      { tail -20 "$work/build.log"; fail "$tc: go test -c ${src#$goroot/}"; }
    echo "$stamp" >"$work/stamp"
  fi

  # TestCrossPackageTests (Go 1.19) runs `go test` on testdata: the same Go.
  export PATH=$goroot/bin:$PATH
  run_pair "cgo$tc" "$dir" 300 "$work/cgo.test" -test.v -test.short || status=1
  run_pair_stress "cgo$tc-stress" "$dir" 300 "$work/cgo.test" -test.v -test.short || status=1
  if [ "${UNDEAD_LONG:-0}" = 1 ]; then
    if [ ! -x "$work/cgo-move.test" ]; then
      (cd "$dir" && "$go" test -c -gcflags=all=-d=maymorestack=runtime.mayMoreStackMove \
        -o "$work/cgo-move.test" "$pkg") >"$work/build-move.log" 2>&1 ||
        { tail -20 "$work/build-move.log"; fail "$tc: maymorestack build"; }
    fi
    run_pair "cgo$tc-move" "$dir" 900 "$work/cgo-move.test" -test.v -test.short "${run[@]}" || status=1
    for i in 1 2 3; do
      run_pair "cgo$tc-rep$i" "$dir" 300 "$work/cgo.test" -test.v -test.short || status=1
    done
  fi
  [ $status = 0 ] || fail "$tc: ${src#$goroot/} differs under the shim"
  echo "ok: ${src#$goroot/} ($stamp) same results with the shim, no reports"
}

per_toolchain "Go's own cgo suite differs under the shim with" suite_cgo $(heavy_toolchains)
