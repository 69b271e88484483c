#!/usr/bin/env bash
# long-only
# A runtime developer's toolchain: Go built from source (a copy of the
# machine's GOROOT, VERSION "devel go1.N-..." naming the release after the
# newest at hand (GO_NEXT_VERSION's minor + 1: go1.28 beside go1.27.3), as
# a development tree of the next release says, although its sources are
# the machine's older ones; src/make.bash), with a bug of
# the class put back in its runtime sources the way a developer editing the
# runtime would (the three KeepAlive lines at the end of runtime.cgocall,
# Go issue 17785), then `go test -exec "undead run --stress --"` on a cgo
# test (tests/go/gotest): the test fails with an undead report, and the
# shim's active line names the devel release. make.bash
# takes minutes: UNDEAD_LONG=1 only.
set -uo pipefail
. "$(dirname "$0")/suite_lib.sh"
need_shim
src=$("$GO_CUR" env GOROOT) || fail "no Go at $GO_CUR"
root=$UNDEAD_WORK/go-devel
minor=$(printf '%s\n' "$GO_NEXT_VERSION" | sed -nE 's/^go1\.([0-9]+).*/\1/p')
[ -n "$minor" ] || fail "GO_NEXT_VERSION=$GO_NEXT_VERSION is not go1.N"
release=1.$((minor + 1))
version="devel go$release-undead-keepalive"
if [ ! -x "$root/bin/go" ] || [ "$(head -1 "$root/VERSION" 2>/dev/null)" != "$version" ]; then
  rm -rf "$root"
  cp -r "$src" "$root" && chmod -R u+w "$root" || fail "copy of $src"
  rm -rf "$root/pkg/obj" "$root/bin"
  printf '%s\n' "$version" >"$root/VERSION"
  f=$root/src/runtime/cgocall.go
  sed -i -e '/^\tKeepAlive(fn)$/d' -e '/^\tKeepAlive(arg)$/d' -e '/^\tKeepAlive(mp)$/d' "$f"
  [ "$(diff "$src/src/runtime/cgocall.go" "$f" | grep -c '^<')" = 3 ] ||
    fail "expected to remove exactly 3 KeepAlive lines from $f"
  t0=$(date +%s)
  (cd "$root/src" && GOROOT_BOOTSTRAP=$src GOTOOLCHAIN=local ./make.bash) >"$UNDEAD_WORK/go-devel.log" 2>&1 ||
    { tail -20 "$UNDEAD_WORK/go-devel.log"; fail "make.bash"; }
  echo "make.bash: $(( $(date +%s) - t0 )) s"
fi
"$root/bin/go" version | grep -qF "$version" || fail "the built go says $("$root/bin/go" version)"

log=$UNDEAD_WORK/devel_toolchain.log
(cd "$UNDEAD_ROOT/tests/go/gotest" && GOROOT=$root PATH=$root/bin:$PATH GOFLAGS=-mod=mod \
  UNDEAD_OPTIONS=verbosity=1 timeout 900 "$root/bin/go" test -v -count=1 \
  -exec "$UNDEAD run --stress --" .) >"$log" 2>&1
rc=$?
reps=$(report_count "$log")
[ "$rc" != 0 ] && [ "$reps" -gt 0 ] ||
  { tail -30 "$log"; fail "go test with the devel toolchain: exit $rc, $reps report(s); want a failure with a report"; }
grep -q "^undead: active: devel go$release" "$log" || { grep '^undead' "$log" | head -3; fail "no active line naming the devel release"; }
echo "devel toolchain ($version): go test failed with $reps report(s):"
grep -m1 'SUMMARY: undead' "$log" | sed 's/^/    /'
echo PASS
