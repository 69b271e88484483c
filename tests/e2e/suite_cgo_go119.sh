#!/usr/bin/env bash
# Peer suite: Go 1.19's own cgo test suite (misc/cgo/test) without and with
# the shim: the same tests pass and the shim reports nothing.
# UNDEAD_LONG=1 adds a build in which every function prologue moves the
# stack (-d=maymorestack=runtime.mayMoreStackMove), so every callback relocates.
set -uo pipefail
. "$(dirname "$0")/suite_lib.sh"
need_shim
go=$GO_119
[ -x "$go" ] || skip "no Go 1.19 at $go"
goroot=$("$go" env GOROOT)
src=$goroot/misc/cgo/test
[ -d "$src" ] || skip "no misc/cgo/test in $goroot (Debian: golang-1.19-src)"

# A scratch copy in the layout the suite expects (module "misc" above it);
# the toolchain's tree is never written to.
work=$UNDEAD_WORK/suite-cgo119
PEER_LOGS=$work/logs
stamp="$("$go" version) $(find "$src" -type f -newer "$work/stamp" 2>/dev/null | head -1)"
if [ ! -f "$work/stamp" ] || [ "$(cat "$work/stamp")" != "$stamp" ] || [ ! -x "$work/cgo.test" ]; then
  rm -rf "$work/misc"
  mkdir -p "$work/misc/cgo"
  cp "$goroot/misc/go.mod" "$work/misc/" || fail "no $goroot/misc/go.mod"
  cp -r "$src" "$work/misc/cgo/" && chmod -R u+w "$work/misc"
  (cd "$work/misc/cgo/test" && "$go" test -c -o "$work/cgo.test" .) >"$work/build.log" 2>&1 ||
    { tail -20 "$work/build.log"; fail "go test -c misc/cgo/test"; }
  echo "$("$go" version) " >"$work/stamp"
fi

# TestCrossPackageTests runs `go test` on testdata: it must find Go 1.19.
export PATH=$goroot/bin:$PATH
status=0
run_pair cgo119 "$work/misc/cgo/test" 300 "$work/cgo.test" -test.v -test.short || status=1

if [ "${UNDEAD_LONG:-0}" = 1 ]; then
  if [ ! -x "$work/cgo-move.test" ]; then
    (cd "$work/misc/cgo/test" &&
      "$go" test -c -gcflags=all=-d=maymorestack=runtime.mayMoreStackMove -o "$work/cgo-move.test" .) \
      >"$work/build-move.log" 2>&1 || { tail -20 "$work/build-move.log"; fail "maymorestack build"; }
  fi
  run_pair cgo119-move "$work/misc/cgo/test" 900 "$work/cgo-move.test" -test.v -test.short \
    -test.run '^Test[^C]|^TestC[^r]' || status=1
  for i in 1 2 3; do
    run_pair cgo119-rep$i "$work/misc/cgo/test" 300 "$work/cgo.test" -test.v -test.short || status=1
  done
fi
[ $status = 0 ] || fail "misc/cgo/test differs under the shim"
echo "ok: misc/cgo/test (Go 1.19) same results with the shim, no reports"
