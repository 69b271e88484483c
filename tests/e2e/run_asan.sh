#!/usr/bin/env bash
# AddressSanitizer and the shim together. gcc's ASan runtime (libasan, linked
# dynamically by -fsanitize=address and by `go build -asan`) refuses to start
# unless it comes first in the library list, so LD_PRELOAD=libundead.so alone
# stops such a program. `undead run` preloads the program's ASan runtime
# first and the shim after it (or keeps one already preloaded first): the
# program starts, ASan still finds its errors, and in a Go program built
# with -asan the shim still catches the seed bug. An ASan program started by
# CMD (behind a shell) has the shim in front of its runtime: undead run's
# verify_asan_link_order=0 lets it start, with the same results. scripts/setup installs gcc
# and its libasan, and Go's -asan needs nothing more: on a machine it set up,
# an ASan build that fails is a failure, not a skip.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
[ -x "$UNDEAD" ] || fail "$UNDEAD not built"
[ -f "$UNDEAD_SO" ] || fail "shim not built: $UNDEAD_SO"
command -v gcc >/dev/null || fail "no gcc (scripts/setup installs it)"
work=$UNDEAD_WORK/run_asan
rm -rf "$work"; mkdir -p "$work"
so=$(realpath "$UNDEAD_SO")
export ASAN_OPTIONS=detect_leaks=0

printf '#include <stdio.h>\nint main(void) { puts("hello"); return 3; }\n' >"$work/hello.c"
printf '#include <stdlib.h>\nint main(int c, char **v) { char *p = malloc(8); p[c + 8] = 1; return p[0]; }\n' >"$work/ovf.c"
gcc -fsanitize=address -g "$work/hello.c" -o "$work/hello" 2>"$work/cc.err" ||
  fail "gcc cannot build with -fsanitize=address (libasan missing? scripts/setup installs it): $(head -1 "$work/cc.err")"
gcc -fsanitize=address -g "$work/ovf.c" -o "$work/ovf" || fail "gcc ovf"
asan=$(readelf -d "$work/hello" | sed -n 's/.*NEEDED.*\[\(libasan[^]]*\)\].*/\1/p')
[ -n "$asan" ] || fail "gcc's -fsanitize=address did not link libasan dynamically"

# the problem: the shim alone in front of ASan stops the program
LD_PRELOAD=$so "$work/hello" >"$work/plain.out" 2>"$work/plain.err"
grep -q 'ASan runtime does not come first' "$work/plain.err" ||
  echo "note: LD_PRELOAD=libundead.so no longer upsets ASan ($(head -1 "$work/plain.err"))"

"$UNDEAD" run -- "$work/hello" >"$work/run.out" 2>"$work/run.err"; rc=$?
[ "$rc" = 3 ] && [ "$(cat "$work/run.out")" = hello ] && [ ! -s "$work/run.err" ] ||
  fail "undead run on a gcc-ASan program: exit $rc, out '$(cat "$work/run.out")', err $(head -2 "$work/run.err")"
out=$(env -u LD_PRELOAD "$UNDEAD" run -- sh -c 'echo "$LD_PRELOAD"')
[ "$out" = "$so" ] || fail "a program without ASan gets LD_PRELOAD '$out'"
echo "ok: undead run starts a gcc-ASan program ($asan preloaded first)"

"$UNDEAD" run -- "$work/ovf" >/dev/null 2>"$work/ovf.err"; rc=$?
[ "$rc" != 0 ] && grep -q 'ERROR: AddressSanitizer: heap-buffer-overflow' "$work/ovf.err" ||
  fail "ASan under undead run missed the overflow: exit $rc, $(head -2 "$work/ovf.err")"
echo "ok: ASan still finds a heap overflow under undead run"

# an ASan runtime the user preloaded stays first, the shim right after it
out=$(LD_PRELOAD="$asan" "$UNDEAD" run -- sh -c 'echo "$LD_PRELOAD"')
[ "$out" = "$asan:$so" ] || fail "preloaded ASan: LD_PRELOAD '$out', want '$asan:$so'"
out=$(LD_PRELOAD="$asan $so" "$UNDEAD" run -- sh -c 'echo "$LD_PRELOAD"')
[ "$out" = "$asan:$so" ] || fail "preloaded ASan and shim: LD_PRELOAD '$out', want '$asan:$so'"
echo "ok: a preloaded ASan runtime stays first"

# an ASan program that CMD starts (behind a shell: a test binary's child)
# inherits the shim in front of its runtime; verify_asan_link_order=0 in
# ASAN_OPTIONS lets it start, and ASan still works there
"$UNDEAD" run -- sh -c "exec '$work/hello'" >"$work/child.out" 2>"$work/child.err"; rc=$?
[ "$rc" = 3 ] && [ "$(cat "$work/child.out")" = hello ] && [ ! -s "$work/child.err" ] ||
  fail "a gcc-ASan program behind a shell under undead run: exit $rc, out '$(cat "$work/child.out")', err $(head -2 "$work/child.err")"
"$UNDEAD" run -- sh -c "exec '$work/ovf'" >/dev/null 2>"$work/child-ovf.err"; rc=$?
[ "$rc" != 0 ] && grep -q 'ERROR: AddressSanitizer: heap-buffer-overflow' "$work/child-ovf.err" ||
  fail "ASan behind a shell under undead run missed the overflow: exit $rc, $(head -2 "$work/child-ovf.err")"
out=$(ASAN_OPTIONS=verify_asan_link_order=1:detect_leaks=0 "$UNDEAD" run -- sh -c 'echo "$ASAN_OPTIONS"')
[ "$out" = verify_asan_link_order=1:detect_leaks=0 ] || fail "the user's verify_asan_link_order changed: '$out'"
[ "$(ASAN_OPTIONS= "$UNDEAD" run -- sh -c 'echo "$ASAN_OPTIONS"')" = verify_asan_link_order=0 ] ||
  fail "undead run does not set ASAN_OPTIONS=verify_asan_link_order=0"
echo "ok: an ASan program behind a shell starts under undead run (shim first), ASan still finds the overflow"

# a Go program built with -asan: it starts, and the shim catches the seed bug
bin=$(gobuild cur undead-asan "$UNDEAD_ROOT/tests/go/issue7978") ||
  fail "go build -asan failed (see the log above)"
for try in 1 2 3; do
  ("$UNDEAD" run --format text -- "$bin" >/dev/null 2>"$work/go.err"; exit $?) 2>/dev/null; rc=$?
  [ "$rc" = 134 ] && break
done
[ "$rc" = 134 ] && grep -q '^SUMMARY: undead: undead-pointer in runtime.cgocall' "$work/go.err" ||
  fail "go build -asan program under undead run: exit $rc, $(grep -m2 -E 'ERROR|undead' "$work/go.err")"
echo "ok: a Go -asan build under undead run: $(grep '^SUMMARY' "$work/go.err")"
# the same behind a shell: the shim in front of libasan, still catching it
for try in 1 2 3; do
  ("$UNDEAD" run --format text -- sh -c "exec '$bin'" >/dev/null 2>"$work/go-child.err"; exit $?) 2>/dev/null; rc=$?
  [ "$rc" = 134 ] && break
done
[ "$rc" = 134 ] && grep -q '^SUMMARY: undead: undead-pointer in runtime.cgocall' "$work/go-child.err" ||
  fail "go build -asan program behind a shell under undead run: exit $rc, $(grep -m2 -E 'ERROR|undead' "$work/go-child.err")"
echo "ok: a Go -asan build behind a shell (shim before libasan): caught"
echo PASS
