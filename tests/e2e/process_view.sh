#!/usr/bin/env bash
# The process as the program left it: a cgo program (tests/go/procview)
# prints the files of its own /proc/self/maps, each with its number of
# mappings, and its loaded-object count (dl_iterate_phdr). Under the shim,
# active on it, the executable must be mapped exactly as without the shim
# (no second copy of the file, the patched text still one mapping: what
# runtime/pprof builds its mapping table from), and the files added must be
# the shim and the shared libraries it may still bring (libunwind, Zydis,
# and their liblzma and libm), nothing else: elfutils and the compression
# libraries are linked into the shim. On every toolchain; PIE too.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/process_view
rm -rf "$work"; mkdir -p "$work"
allowed='/libundead\.so$|/libunwind\.so|/libZydis\.so|/liblzma\.so|/libm\.so'

check() {
  local tc=$1 b
  for pie in "" -pie; do
    if [ -n "$pie" ]; then b=$(gobuild "$tc" stock-pie "$UNDEAD_ROOT/tests/go/procview" -buildmode=pie) || fail "build $tc pie"
    else b=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/procview") || fail "build $tc"; fi
    local pre=$work/$tc$pie
    "$b" >"$pre.plain" 2>&1 || fail "$tc$pie: procview without the shim: $(tail -2 "$pre.plain")"
    UNDEAD_OPTIONS=verbosity=1 LD_PRELOAD="$UNDEAD_SO" "$b" >"$pre.shim" 2>"$pre.err" ||
      fail "$tc$pie: procview under the shim: $(tail -2 "$pre.err")"
    grep -q "^undead: active: .*$b" "$pre.err" || fail "$tc$pie: the shim is not active: $(head -2 "$pre.err")"
    local want got
    want=$(grep " $b\$" "$pre.plain"); got=$(grep " $b\$" "$pre.shim")
    [ -n "$want" ] && [ "$want" = "$got" ] ||
      fail "$tc$pie: the executable is mapped '$got' under the shim, '$want' without"
    local added
    added=$(comm -13 <(grep '^mapped' "$pre.plain" | awk '{print $3}' | sort) \
                     <(grep '^mapped' "$pre.shim" | awk '{print $3}' | sort) | grep -Ev "$allowed")
    [ -z "$added" ] || fail "$tc$pie: the shim added $(echo $added)"
    local n0 n1
    n0=$(awk '/^objects/ {print $2}' "$pre.plain"); n1=$(awk '/^objects/ {print $2}' "$pre.shim")
    [ -n "$n0" ] && [ -n "$n1" ] && [ $((n1 - n0)) -le 5 ] ||
      fail "$tc$pie: $n1 loaded objects under the shim, $n0 without (at most 5 more)"
    echo "$tc$pie: executable mapped as without the shim ($(echo "$want" | awk '{print $2}') mappings); objects $n0 -> $n1"
  done
}
per_toolchain "the process view under the shim" check $(undead_toolchains)
