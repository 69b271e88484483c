#!/usr/bin/env bash
# DWARF kept apart from the binary, as distributions ship it: a build split
# with objcopy (--only-keep-debug, then --strip-debug) on every toolchain.
#   - .gnu_debuglink to a file beside the binary: doctor and the shim read
#     it (doctor names the file; the layout's DWARF source agrees);
#   - the build ID under a debug root (/usr/lib/debug/.build-id/xx/yyy.debug
#     layout): doctor --debuginfo-path ROOT reads it, without it there is
#     no DWARF;
#   - the seed bug is still caught from the debuglinked binary;
#   - with DEBUGINFOD_URLS set, the shim looks only on this machine (never
#     through debuginfod, tests/e2e/no_debuginfod.sh), and a binary with no
#     debug file to find still works from the descriptors.
# The shim reads DWARF at start-up only with check_layout_dwarf=1, which
# the runs here set.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/debuginfo_separate
rm -rf "$work"; mkdir -p "$work"
bad=0
note() { echo "  BAD $*"; bad=1; }
for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  for v in stock undead; do
    src=$(gobuild "$tc" "$v" "$UNDEAD_ROOT/tests/go/issue7978") || fail "build $tc $v"
    d=$work/$tc-$v; mkdir -p "$d/link" "$d/root"
    objcopy --only-keep-debug "$src" "$d/link/prog.debug" || fail "objcopy --only-keep-debug $src"
    (cd "$d/link" && objcopy --strip-debug --add-gnu-debuglink=prog.debug "$src" prog) || fail "objcopy debuglink"
    objcopy --strip-debug "$src" "$d/nolink" || fail "objcopy --strip-debug"
    id=$(readelf -n "$src" | awk '/Build ID/ {print $3}')
    [ -n "$id" ] || fail "$src has no GNU build ID"
    mkdir -p "$d/root/.build-id/${id:0:2}" && cp "$d/link/prog.debug" "$d/root/.build-id/${id:0:2}/${id:2}.debug"
    readelf -S "$d/link/prog" | grep -q '\.debug_info' && fail "$d/link/prog still has DWARF"

    "$UNDEAD" doctor "$d/link/prog" > "$d/doctor-link.txt"
    grep -q "^  DWARF  *in a separate debug file, Go's: .*prog\.debug$" "$d/doctor-link.txt" &&
      grep -q '^  runtime layout   from the type descriptors, agreeing: DWARF, table go' "$d/doctor-link.txt" ||
      note "$tc $v: doctor on the debuglinked binary: $(grep -E '^  (DWARF|runtime layout)' "$d/doctor-link.txt")"
    "$UNDEAD" doctor "$d/nolink" > "$d/doctor-nolink.txt"
    grep -q '^  DWARF  *absent' "$d/doctor-nolink.txt" || note "$tc $v: DWARF found for a binary without any"
    "$UNDEAD" doctor --debuginfo-path "$d/root" "$d/nolink" > "$d/doctor-root.txt"
    grep -q "^  DWARF  *in a separate debug file, Go's: $d/root/\.build-id/${id:0:2}/${id:2}\.debug$" "$d/doctor-root.txt" ||
      note "$tc $v: doctor --debuginfo-path: $(grep '^  DWARF' "$d/doctor-root.txt")"

    pre=$d/shim
    rc=$(UNDEAD_OPTIONS=verbosity=1:check_layout_dwarf=1 run_shim "$pre" "$d/link/prog")
    grep -q 'layout from type descriptors, agreeing: DWARF, table go' "$pre.err" ||
      note "$tc $v: the shim did not read the separate DWARF: $(head -1 "$pre.err")"
    if [ "$v" = undead ]; then
      [ "$rc" = 134 ] && grep -q 'SUMMARY: undead' "$pre.err" || note "$tc $v: not caught (exit $rc)"
    else
      [ "$rc" = 0 ] && ! grep -q 'SUMMARY: undead' "$pre.err" || note "$tc $v: not clean (exit $rc)"
    fi
    rc=$(DEBUGINFOD_URLS=http://debuginfod.invalid UNDEAD_OPTIONS=verbosity=1:check_layout_dwarf=1 run_shim "$pre.net" "$d/nolink")
    grep -q 'layout from type descriptors, agreeing: table go[0-9.]*;' "$pre.net.err" ||
      note "$tc $v: with DEBUGINFOD_URLS: $(head -1 "$pre.net.err")"
    echo "$tc $v: debuglink and build-id DWARF read; $([ "$v" = undead ] && echo caught || echo clean)"
  done
done
[ "$bad" = 0 ] || fail "separate debug files"
skip_missing_toolchains
echo PASS
