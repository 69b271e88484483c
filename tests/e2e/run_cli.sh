#!/usr/bin/env bash
# `undead run`: puts the absolute path of libundead.so in front of any
# LD_PRELOAD (once), appends its options to UNDEAD_OPTIONS, says in one line
# when the command is statically linked (and runs it anyway), exec's the
# command (its exit status is undead's), finds the library from the build
# tree and from an installed tree (meson install into a DESTDIR), writes
# logs with --log-dir (absolute even when the command changes directory),
# and rejects bad usage with exit 2.
set -uo pipefail
. "$(dirname "$0")/report_lib.sh"
[ -x "$UNDEAD" ] || fail "undead not built: $UNDEAD"
[ -f "$UNDEAD_SO" ] || fail "shim not built: $UNDEAD_SO"
work=$UNDEAD_WORK/run_cli
rm -rf "$work"; mkdir -p "$work"
so=$(realpath "$UNDEAD_SO")
show='printf "%s|%s\n" "$LD_PRELOAD" "$UNDEAD_OPTIONS"'

out=$(env -u LD_PRELOAD -u UNDEAD_OPTIONS "$UNDEAD" run -- sh -c "$show")
[ "$out" = "$so|" ] || fail "plain: got '$out', want '$so|'"
other=$(realpath /lib/x86_64-linux-gnu/libm.so.6)
out=$(LD_PRELOAD="$other" UNDEAD_OPTIONS=verbosity=1 "$UNDEAD" run --format json \
      --options halt_on_error=0 -- sh -c "$show")
[ "$out" = "$so:$other|verbosity=1:format=json:halt_on_error=0" ] || fail "compose: got '$out'"
out=$(LD_PRELOAD="$so" "$UNDEAD" run sh -c "$show")
[ "$out" = "$so|" ] || fail "no duplicate preload: got '$out'"
echo "ok: LD_PRELOAD and UNDEAD_OPTIONS composed"

"$UNDEAD" run -- sh -c 'exit 7'; rc=$?
[ "$rc" = 7 ] || fail "exit status: $rc, want 7"
"$UNDEAD" run -- /nonexistent/cmd 2>"$work/err"; rc=$?
[ "$rc" = 127 ] && [ "$(wc -l <"$work/err")" = 1 ] || fail "missing command: exit $rc, $(cat "$work/err")"
for args in "" "--format xml -- true" "--bogus -- true" "--log-dir" "--options nokey -- true"; do
  # shellcheck disable=SC2086
  "$UNDEAD" run $args >/dev/null 2>"$work/err"; rc=$?
  [ "$rc" = 2 ] && [ "$(wc -l <"$work/err")" = 1 ] || fail "'undead run $args': exit $rc, $(cat "$work/err")"
done
echo "ok: exit status passed through; bad usage exits 2 with one line"

# a statically linked program loads nothing preloaded: it runs, after one
# line saying it is not watched, with its own output and status
printf '#include <stdio.h>\nint main(void) { puts("static"); return 5; }\n' >"$work/static.c"
if gcc -static "$work/static.c" -o "$work/static" 2>/dev/null; then
  "$UNDEAD" run -- "$work/static" >"$work/static.out" 2>"$work/static.err"; rc=$?
  [ "$rc" = 5 ] && [ "$(cat "$work/static.out")" = static ] && [ "$(wc -l <"$work/static.err")" = 1 ] &&
    grep -q "^undead run: $work/static is statically linked (no PT_INTERP): nothing can be preloaded into it, so it runs unwatched$" "$work/static.err" ||
    fail "static program: exit $rc, out '$(cat "$work/static.out")', err $(cat "$work/static.err")"
  # found on PATH as exec would find it; a dynamic program gets no such line
  PATH=$work:$PATH "$UNDEAD" run -- static >/dev/null 2>"$work/static.err"
  grep -q "$work/static is statically linked" "$work/static.err" || fail "static via PATH: $(cat "$work/static.err")"
  "$UNDEAD" run -- true 2>"$work/dyn.err"; [ ! -s "$work/dyn.err" ] || fail "true: $(cat "$work/dyn.err")"
  echo "ok: a static program runs, with one line saying it is not watched"
else
  echo "note: no static libc, static program not tested"
fi

# --log-dir: relative dir made absolute, format json by default
mkdir -p "$work/sub"
out=$(cd "$work" && env -u UNDEAD_OPTIONS "$UNDEAD" run --log-dir logs -- sh -c 'cd sub && echo "$UNDEAD_OPTIONS"')
[ "$out" = "log_path=$work/logs/undead:format=json" ] || fail "--log-dir: got '$out'"
[ -d "$work/logs" ] || fail "--log-dir did not create the directory"
echo "ok: --log-dir"

# installed layout: meson install into a DESTDIR, run from there
dest=$work/dest
if meson install -C "$UNDEAD_BUILD" --no-rebuild --destdir "$dest" >"$work/install.log" 2>&1; then
  inst=$(find "$dest" -path '*/bin/undead' -type f | head -1)
  [ -n "$inst" ] || fail "no bin/undead under $dest"
  out=$(env -u LD_PRELOAD "$inst" run -- sh -c 'echo "$LD_PRELOAD"')
  case "$out" in
    "$dest"/*/libundead.so) [ -f "$out" ] || fail "installed: $out does not exist" ;;
    *) fail "installed undead preloads '$out', not its own library under $dest" ;;
  esac
  echo "ok: installed layout: $inst -> $out"
else
  tail -5 "$work/install.log"; fail "meson install --destdir failed"
fi

# the shim really runs under `undead run`: the seed bug aborts with a report
bin=$(gobuild cur undead "$UNDEAD_ROOT/tests/go/issue7978") || fail "build issue7978"
# (a run that misses the bug is shim_catch.sh's concern; up to 3 tries here)
for try in 1 2 3; do
  ("$UNDEAD" run --log-dir "$work/real" -- "$bin" >/dev/null 2>&1; exit $?) 2>/dev/null; rc=$?
  [ "$rc" = 134 ] && break
done
[ "$rc" = 134 ] || fail "the shim did not report the seed bug under undead run in 3 runs (exit $rc)"
"$UNDEAD" report "$work/real"/undead.* >/dev/null; rc=$?
[ "$rc" = 1 ] || fail "undead report on the --log-dir output: exit $rc, want 1"
echo "ok: undead run --log-dir + undead report on a real run"
echo PASS
