#!/usr/bin/env bash
# Stripped binaries (-ldflags=-s -w, as `go test` links its test binaries)
# keep no symbol for the cgo context setter; the shim finds it, or the
# static it writes, in the code (shim/core/cgoctx.c). With both toolchains:
#   - the seed bug is caught in a stripped issue7978 (no SetCgoTraceback:
#     the static is written directly) and a stripped ctxchain (its own
#     context function, set with runtime.SetCgoTraceback: ours is chained);
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
# Where the shim should find the context function: Go 1.19 exports its
# setter (dynamic symbol table), current Go keeps it in .symtab only.
ctx_source() {
  case "$1:$2" in
    cur:*-stripped) echo code ;;
    *) echo "symbol table" ;;
  esac
}
for tc in $(undead_toolchains); do
  bin=$(gobuild "$tc" undead-stripped "$UNDEAD_ROOT/tests/go/issue7978") || fail "build $tc issue7978"
  pre=$work/$tc-issue7978
  rc=$(UNDEAD_OPTIONS=verbosity=1 run_shim "$pre" "$bin")
  why=""
  [ "$rc" = 134 ] || why="$why exit $rc, want 134;"
  want=$(ctx_source "$tc" undead-stripped)
  grep -q "context function found in the $want" "$pre.err" || why="$why context function not found in the $want;"
  [ "$(grep -c 'SUMMARY: undead' "$pre.err")" = 1 ] || why="$why want one report;"
  check "$tc issue7978 stripped: caught" "$why"

  # The same as a stripped PIE: every address the code routes find moves.
  bin=$(gobuild "$tc" undead-pie-stripped "$UNDEAD_ROOT/tests/go/issue7978" -buildmode=pie) ||
    fail "build $tc issue7978 (pie)"
  pre=$work/$tc-issue7978-pie
  rc=$(run_shim "$pre" "$bin")
  why=""
  [ "$rc" = 134 ] || why="$why exit $rc, want 134;"
  [ "$(grep -c 'SUMMARY: undead' "$pre.err")" = 1 ] || why="$why want one report;"
  check "$tc issue7978 stripped PIE: caught" "$why"

  for v in stock undead stock-stripped undead-stripped; do
    bin=$(gobuild "$tc" "$v" "$UNDEAD_ROOT/tests/go/ctxchain") || fail "build $tc $v ctxchain"
    pre=$work/$tc-ctxchain-$v
    rc=$(UNDEAD_OPTIONS=verbosity=1:halt_on_error=0:exitcode=0 run_shim "$pre" "$bin" -calls "$calls")
    why=""
    [ "$rc" = 0 ] || why="$why exit $rc;"
    grep -qx "ctxchain: entries=$calls exits=$calls foreign=0" "$pre.out" ||
      why="$why own context function saw: $(head -c 100 "$pre.out");"
    src=$(ctx_source "$tc" "$v")
    grep -q "context function found in the $src" "$pre.err" || why="$why not found in the $src;"
    n=$(grep -c 'SUMMARY: undead' "$pre.err")
    case $v in
      undead*) [ "$n" -ge 1 ] || why="$why bug not reported;" ;;
      *) [ "$n" = 0 ] || why="$why $n report(s) on the stock runtime;" ;;
    esac
    check "$tc ctxchain $v" "$why"
  done
done
[ "$bad" = 0 ] || fail "stripped binaries are not watched as unstripped ones are"
echo "PASS"
