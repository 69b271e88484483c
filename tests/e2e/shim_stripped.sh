#!/usr/bin/env bash
# Stripped binaries (-ldflags=-s -w, as `go test` links its test binaries)
# keep no symbol table and no DWARF: the shim reads the runtime layout from
# the binary's type descriptors (the release's table agreeing) and finds its
# hook sites in the function table. With each toolchain
# (1.19 and the machine's by default: heavy_toolchains; all six with --long):
#   - the seed bug is caught in a stripped issue7978, at a stack growth,
#     with the X and Y lines of cgocall, and in a stripped PIE; verbosity=1
#     says the layout came from the type descriptors and which source
#     agreed;
#   - ctxchain (a program with its own cgo context function, set with
#     runtime.SetCgoTraceback) is caught too, and its context function sees
#     every callback enter and exit exactly as without the shim (its output
#     is compared with a run without it), stripped or not, bug or not;
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
for tc in $(heavy_toolchains); do
  have_toolchain "$tc" || continue
  read -r xl yl < <(cgocall_lines "$tc") || fail "cannot find the X/Y lines of cgocall for $tc"
  for v in undead-stripped undead-pie-stripped; do
    flags=(); [ "$v" = undead-pie-stripped ] && flags=(-buildmode=pie)
    bin=$(gobuild "$tc" "$v" "$UNDEAD_ROOT/tests/go/issue7978" "${flags[@]}") || fail "build $tc $v issue7978"
    pre=$work/$tc-issue7978-$v
    rc=$(UNDEAD_OPTIONS=verbosity=1 run_shim "$pre" "$bin")
    why=""
    [ "$rc" = 134 ] || why="$why exit $rc, want 134;"
    grep -q "layout from type descriptors, agreeing: table go1\.[0-9]*;" "$pre.err" ||
      why="$why layout not from the type descriptors with the table agreeing;"
    [ "$(grep -c 'SUMMARY: undead' "$pre.err")" = 1 ] || why="$why want one report;"
    grep -q "cgocall\.go:$xl" "$pre.err" && grep -q "cgocall\.go:$yl" "$pre.err" ||
      why="$why no X/Y lines cgocall.go:$xl/$yl;"
    grep -q 'stack growth' "$pre.err" || why="$why not caught at a stack growth;"
    [ -z "$why" ] || why="$why $(grep -m1 '^undead: ' "$pre.err")"
    check "$tc issue7978 $v: caught" "$why"
  done

  for v in stock undead stock-stripped undead-stripped; do
    bin=$(gobuild "$tc" "$v" "$UNDEAD_ROOT/tests/go/ctxchain") || fail "build $tc $v ctxchain"
    pre=$work/$tc-ctxchain-$v
    plain=$(run_plain "$pre.plain" "$bin" -calls "$calls")
    rc=$(UNDEAD_OPTIONS=verbosity=1:halt_on_error=0:exitcode=0 run_shim "$pre" "$bin" -calls "$calls")
    why=""
    [ "$rc" = 0 ] || why="$why exit $rc;"
    grep -qx "ctxchain: entries=$calls exits=$calls foreign=0" "$pre.out" ||
      why="$why own context function saw: $(head -c 100 "$pre.out");"
    cmp -s "$pre.out" "$pre.plain.out" || why="$why output differs from a run without the shim (exit $plain);"
    grep -q '^undead: active' "$pre.err" || why="$why not active;"
    n=$(grep -c 'SUMMARY: undead' "$pre.err")
    case $v in
      undead*) [ "$n" -ge 1 ] || why="$why bug not reported;" ;;
      *) [ "$n" = 0 ] || why="$why $n report(s) on the stock runtime;" ;;
    esac
    check "$tc ctxchain $v" "$why"
  done
done
[ "$bad" = 0 ] || fail "stripped binaries are not watched as unstripped ones are"
skip_missing_toolchains
echo "PASS"
