#!/usr/bin/env bash
# Peer suite: the current Go's own cgo test suite (cmd/cgo/internal/test)
# without and with the shim: the same tests pass and the shim reports nothing.
# UNDEAD_LONG=1 adds a build in which every function prologue moves the
# stack (-d=maymorestack=runtime.mayMoreStackMove), so every callback relocates.
set -uo pipefail
. "$(dirname "$0")/suite_lib.sh"
need_shim
go=$GO_CUR
[ -x "$go" ] || skip "no current Go at $go"
goroot=$("$go" env GOROOT)
[ -d "$goroot/src/cmd/cgo/internal/test" ] || skip "no cmd/cgo/internal/test in $goroot"

work=$UNDEAD_WORK/suite-cgocur
PEER_LOGS=$work/logs
mkdir -p "$work/run"
stamp=$("$go" version)
if [ ! -x "$work/cgo.test" ] || [ "$(cat "$work/stamp" 2>/dev/null)" != "$stamp" ]; then
  (cd "$work" && "$go" test -c -o "$work/cgo.test" cmd/cgo/internal/test) >"$work/build.log" 2>&1 ||
    { tail -20 "$work/build.log"; fail "go test -c cmd/cgo/internal/test"; }
  echo "$stamp" >"$work/stamp"
fi

export PATH=$goroot/bin:$PATH
status=0
run_pair cgocur "$work/run" 300 "$work/cgo.test" -test.v -test.short || status=1

if [ "${UNDEAD_LONG:-0}" = 1 ]; then
  if [ ! -x "$work/cgo-move.test" ]; then
    (cd "$work" && "$go" test -c -gcflags=all=-d=maymorestack=runtime.mayMoreStackMove \
      -o "$work/cgo-move.test" cmd/cgo/internal/test) >"$work/build-move.log" 2>&1 ||
      { tail -20 "$work/build-move.log"; fail "maymorestack build"; }
  fi
  run_pair cgocur-move "$work/run" 900 "$work/cgo-move.test" -test.v -test.short || status=1
  for i in 1 2 3; do
    run_pair cgocur-rep$i "$work/run" 300 "$work/cgo.test" -test.v -test.short || status=1
  done
fi
[ $status = 0 ] || fail "cmd/cgo/internal/test differs under the shim"
echo "ok: cmd/cgo/internal/test ($stamp) same results with the shim, no reports"
