#!/usr/bin/env bash
# Peer suite: github.com/mattn/go-sqlite3's own tests (SQL functions,
# aggregators, hooks and virtual tables are C->Go callbacks) without and with
# the shim: the same tests pass, no reports, by default and with
# move_on_callback=1 (every callback moves its stack). Toolchains: those of
# heavy_toolchains (tests/lib/common.sh: 119 and cur by default, all
# six with --long).
# Source: Debian's golang-github-mattn-go-sqlite3-dev (built against the
# system libsqlite3), else the module from the Go module proxy.
# UNDEAD_LONG=1: repeated runs and a build where every prologue moves the stack.
set -uo pipefail
. "$(dirname "$0")/suite_lib.sh"
need_shim
work=$UNDEAD_WORK/sqlite
PEER_LOGS=$work/logs
mkdir -p "$work"

debsrc=/usr/share/gocode/src/github.com/mattn/go-sqlite3
tags="sqlite_vtable sqlite_preupdate_hook sqlite_math_functions"
if [ ! -f "$work/src/go.mod" ]; then
  rm -rf "$work/src.tmp"
  if [ -f "$debsrc/go.mod" ]; then
    cp -rL "$debsrc" "$work/src.tmp"
  else
    modcache=$("$GO_CUR" env GOMODCACHE)
    dir=$(cd "$work" && "$GO_CUR" mod download -json github.com/mattn/go-sqlite3@v1.14.22 2>/dev/null |
          sed -nE 's/^\s*"Dir": "(.*)",?$/\1/p')
    [ -n "$dir" ] && [ -d "$dir" ] || skip "go-sqlite3 neither in Debian's package nor on the module proxy"
    cp -r "$dir" "$work/src.tmp"
  fi
  chmod -R u+w "$work/src.tmp" && mv "$work/src.tmp" "$work/src"
fi
# Debian's copy has no bundled amalgamation: link the system libsqlite3.
[ -f "$work/src/sqlite3-binding.c" ] || tags="libsqlite3 $tags"

# build_test TC VARIANT [FLAGS...] -> path of the cached test binary
build_test() {
  local tc=$1 variant=$2; shift 2
  local go out
  go=$(go_for "$tc") || return 1
  out=$work/$tc-$variant.test
  if [ ! -x "$out" ] || [ "$(cat "$out.stamp" 2>/dev/null)" != "$("$go" version) $tags $*" ]; then
    (cd "$work/src" && CGO_ENABLED=1 "$go" test -c -tags "$tags" "$@" -o "$out" .) >"$out.log" 2>&1 ||
      { tail -20 "$out.log" >&2; return 1; }
    echo "$("$go" version) $tags $*" >"$out.stamp"
  fi
  echo "$out"
}

status=0
for tc in $(heavy_toolchains); do
  have_toolchain "$tc" || continue
  go=$(go_for "$tc")
  bin=$(build_test "$tc" plain) || fail "building go-sqlite3's tests with $tc"
  run_pair "sqlite-$tc" "$work/src" 300 "$bin" -test.v || status=1
  run_pair_stress "sqlite-$tc-stress" "$work/src" 300 "$bin" -test.v || status=1
  if [ "${UNDEAD_LONG:-0}" = 1 ]; then
    # The tests register drivers by name, so -test.count>1 panics: repeat
    # whole runs instead.
    for i in 2 3 4; do
      run_pair "sqlite-$tc-run$i" "$work/src" 300 "$bin" -test.v || status=1
    done
    # Every prologue moves the stack; leave out the tests that only sleep
    # and cancel (minutes in this mode, no callbacks).
    mbin=$(build_test "$tc" move -gcflags=all=-d=maymorestack=runtime.mayMoreStackMove) ||
      fail "maymorestack build with $tc"
    sel=$("$mbin" -test.list '.*' | grep -vE '^(TestQueryRowContextCancel|TestQueryRowContextCancelParallel|TestExecContextCancel|TestStress|ok )' |
          grep '^Test' | paste -sd'|')
    run_pair "sqlite-$tc-move" "$work/src" 900 "$mbin" -test.v -test.run "^($sel)\$" || status=1
  fi
done
[ $status = 0 ] || fail "go-sqlite3's tests differ under the shim"
skip_missing_toolchains
echo "ok: go-sqlite3 ($tags) same results with the shim, no reports"
