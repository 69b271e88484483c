#!/usr/bin/env bash
# A Go release newer than every row of the release table: the newest
# toolchain's builds with their version string rewritten to go1.28.0 (same
# length), as a stand-in for the next release. The shim still works there
# when the binary's own facts agree - the seed bug is caught in a stripped
# build (type descriptors alone) and an unstripped one (DWARF agreeing), the
# stock runtime is clean, and doctor says the release is newer than every
# one it knows - and turns itself off, with one line naming the field and
# the two sources, when they do not (an offset planted in a copy's type
# descriptor, where DWARF can tell). Older trees named go1.28 (a development
# tree's VERSION) work too: class_toolchains' builds, stripped.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/next_release
rm -rf "$work"; mkdir -p "$work"
PLANT=$UNDEAD_ROOT/tests/e2e/layout_plant.py
newest=$(undead_toolchains | awk '{print $NF}')
have_toolchain "$newest" || skip_missing_toolchains
bad=0
note() { echo "  BAD $*"; bad=1; }
for v in undead undead-stripped stock; do
  b=$(gobuild "$newest" "$v" "$UNDEAD_ROOT/tests/go/issue7978") || fail "build $newest $v"
  as_next_release "$newest" "$b" "$work/$v"
  "$UNDEAD" doctor "$work/$v" > "$work/$v.doctor"; rc=$?
  [ "$rc" = 0 ] && grep -q '^  Go release       1\.28: newer than every release undead knows' "$work/$v.doctor" ||
    note "$v: doctor exit $rc: $(grep -E '^  Go release|^  - ' "$work/$v.doctor")"
  rc=$(UNDEAD_OPTIONS=verbosity=1 run_shim "$work/$v" "$work/$v")
  grep -q '^undead: active: go1\.28\.0 ' "$work/$v.err" || note "$v: not active: $(head -1 "$work/$v.err")"
  case $v in
    undead*) [ "$rc" = 134 ] && grep -q 'SUMMARY: undead: undead-pointer in runtime.cgocall' "$work/$v.err" ||
               note "$v: go1.28 seed bug not caught (exit $rc)" ;;
    *) [ "$rc" = 0 ] && ! grep -q 'SUMMARY: undead' "$work/$v.err" || note "$v: go1.28 stock not clean (exit $rc)" ;;
  esac
  echo "go1.28 ($v of $newest): $(grep -o 'layout from [^;]*' "$work/$v.err")"
done
# a planted offset: the type descriptors and DWARF disagree -> off, one line
taddr=$(sed -n 's/^    type descriptors \(0x[0-9a-f]*\),.*/\1/p' "$work/undead.doctor")
[ -n "$taddr" ] || fail "doctor did not say where runtime.g's descriptor is"
python3 "$PLANT" "$work/undead" "$work/planted" "$taddr" syscallsp 8 >/dev/null && chmod +x "$work/planted" ||
  fail "cannot plant"
# A release newer than every row has no exact table row to agree with:
# the DWARF cross-check (check_layout_dwarf=1) is what tells the offset wrong.
rc=$(UNDEAD_OPTIONS=verbosity=1:check_layout_dwarf=1 run_shim "$work/planted" "$work/planted")
n=$(grep -c '^undead: ' "$work/planted.err")
[ "$rc" = 0 ] && [ "$n" = 1 ] &&
  grep -q '^undead: disabled in .*: runtime layout: g\.syscallsp is at [0-9]* in the type descriptors but at [0-9]* in the DWARF$' "$work/planted.err" ||
  note "planted offset: exit $rc, $n line(s): $(head -2 "$work/planted.err")"
echo "planted: $(head -1 "$work/planted.err")"
# A development tree may name a release its sources are not (VERSION
# "devel go1.28-..." written on a 1.26 or 1.23 tree): the moduledata row is
# then the newest whose FUNCDATA base reads as stack maps, not the newest.
for tc in $(class_toolchains); do
  [ "$tc" = "$newest" ] && continue
  have_toolchain "$tc" || continue
  b=$(gobuild "$tc" undead-stripped "$UNDEAD_ROOT/tests/go/issue7978") || fail "build $tc undead-stripped"
  as_next_release "$tc" "$b" "$work/older-$tc"
  rc=$(UNDEAD_OPTIONS=verbosity=1 run_shim "$work/older-$tc" "$work/older-$tc")
  grep -q '^undead: active: go1\.28\.0 ' "$work/older-$tc.err" && [ "$rc" = 134 ] &&
    grep -q 'SUMMARY: undead: undead-pointer in runtime.cgocall' "$work/older-$tc.err" ||
    note "a $tc tree named go1.28: exit $rc: $(head -1 "$work/older-$tc.err")"
  echo "go1.28 (undead-stripped of $tc): exit $rc, $(grep -c '^SUMMARY: undead' "$work/older-$tc.err") report(s)"
done
[ "$bad" = 0 ] || fail "the next release is not handled as it should be"
echo PASS
