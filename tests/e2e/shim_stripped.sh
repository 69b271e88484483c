#!/usr/bin/env bash
# Stripped binaries (-ldflags=-s -w, as `go test` links its test binaries)
# keep no symbol for the cgo context setter; the shim finds it, or the
# static it writes, in the code (shim/core/cgoctx.c), and the runtime's
# layout without DWARF. With each of the six toolchains:
#   - the seed bug is caught in a stripped issue7978 (no SetCgoTraceback:
#     the static is written directly), at a stack growth, with the X and Y
#     lines of cgocall, and in a stripped ctxchain (its own context
#     function, set with runtime.SetCgoTraceback: ours is chained);
#   - ctxchain's own context function sees every callback enter and exit and
#     gets back only the values it returned, stripped or not, bug or not;
#   - the same in a stripped PIE;
#   - the stock runtime gives no report.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/shim_stripped
mkdir -p "$work"
bad=0
calls=6
check() { # NAME WHY...: prints ok/FAIL
  local name=$1; shift
  if [ -z "$*" ]; then printf 'ok    %s\n' "$name"; else printf 'FAIL  %s:%s\n' "$name" "$*"; bad=1; fi
}
# Where the shim should find the context function: in the symbol table when
# the binary has one, or a dynamic symbol for the setter (Go 1.19 exports
# it); else in the code (readelf and nm as the oracle).
ctx_source() {
  if readelf -SW "$1" | grep -q ' \.symtab ' ||
     nm -D "$1" 2>/dev/null | grep -Eq ' x_cgo_set_(context|traceback)_function'; then
    echo "symbol table"
  else
    echo code
  fi
}
for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  read -r xl yl < <(cgocall_lines "$tc") || fail "cannot find the X/Y lines of cgocall for $tc"
  bin=$(gobuild "$tc" undead-stripped "$UNDEAD_ROOT/tests/go/issue7978") || fail "build $tc issue7978"
  pre=$work/$tc-issue7978
  rc=$(UNDEAD_OPTIONS=verbosity=1 run_shim "$pre" "$bin")
  why=""
  [ "$rc" = 134 ] || why="$why exit $rc, want 134;"
  want=$(ctx_source "$bin")
  grep -q "context function found in the $want" "$pre.err" || why="$why context function not found in the $want;"
  [ "$(grep -c 'SUMMARY: undead' "$pre.err")" = 1 ] || why="$why want one report;"
  grep -q "cgocall\.go:$xl" "$pre.err" && grep -q "cgocall\.go:$yl" "$pre.err" ||
    why="$why no X/Y lines cgocall.go:$xl/$yl;"
  grep -q 'stack growth' "$pre.err" || why="$why not caught at a stack growth;"
  [ -z "$why" ] || why="$why $(grep -m1 '^undead: ' "$pre.err")"
  check "$tc issue7978 stripped: caught" "$why"

  # The same as a stripped PIE: every address the code routes find moves.
  bin=$(gobuild "$tc" undead-pie-stripped "$UNDEAD_ROOT/tests/go/issue7978" -buildmode=pie) ||
    fail "build $tc issue7978 (pie)"
  pre=$work/$tc-issue7978-pie
  rc=$(run_shim "$pre" "$bin")
  why=""
  [ "$rc" = 134 ] || why="$why exit $rc, want 134;"
  [ "$(grep -c 'SUMMARY: undead' "$pre.err")" = 1 ] || why="$why want one report;"
  [ -z "$why" ] || why="$why $(grep -m1 '^undead: ' "$pre.err")"
  check "$tc issue7978 stripped PIE: caught" "$why"

  for v in stock undead stock-stripped undead-stripped; do
    bin=$(gobuild "$tc" "$v" "$UNDEAD_ROOT/tests/go/ctxchain") || fail "build $tc $v ctxchain"
    pre=$work/$tc-ctxchain-$v
    rc=$(UNDEAD_OPTIONS=verbosity=1:halt_on_error=0:exitcode=0 run_shim "$pre" "$bin" -calls "$calls")
    why=""
    [ "$rc" = 0 ] || why="$why exit $rc;"
    grep -qx "ctxchain: entries=$calls exits=$calls foreign=0" "$pre.out" ||
      why="$why own context function saw: $(head -c 100 "$pre.out");"
    src=$(ctx_source "$bin")
    grep -q "context function found in the $src" "$pre.err" || why="$why not found in the $src;"
    n=$(grep -c 'SUMMARY: undead' "$pre.err")
    case $v in
      undead*) [ "$n" -ge 1 ] || why="$why bug not reported;" ;;
      *) [ "$n" = 0 ] || why="$why $n report(s) on the stock runtime;" ;;
    esac
    [ -z "$why" ] || why="$why $(grep -m1 '^undead: ' "$pre.err")"
    check "$tc ctxchain $v" "$why"
  done
done
[ "$bad" = 0 ] || fail "stripped binaries are not watched as unstripped ones are"
skip_missing_toolchains
echo "PASS"
