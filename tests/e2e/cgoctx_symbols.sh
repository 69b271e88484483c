#!/usr/bin/env bash
# The code routes that find the cgo context function in stripped binaries
# (shim/core/cgoctx.c) against the symbol table as oracle: each program is
# built unstripped, a copy is stripped with GNU strip (same addresses), and
# `undead doctor --json` on the copy must name the setter, the variable
# runtime.SetCgoTraceback calls through and the C static exactly where `nm`
# on the original puts x_cgo_set_*, _cgo_set_* and cgo_context_function.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
command -v nm >/dev/null && command -v strip >/dev/null || skip "no binutils (nm, strip)"
work=$UNDEAD_WORK/cgoctx_symbols
mkdir -p "$work"
bad=0
sym() { # BIN NAME -> its address in decimal, 0 when absent
  local v
  v=$(nm "$1" 2>/dev/null | awk -v n="$2" '$3 == n { print $1; exit }')
  echo $((16#${v:-0}))
}
for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  for prog in issue7978 ctxchain; do
    bin=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/$prog") || fail "build $tc $prog"
    copy=$work/$tc-$prog
    strip -s -o "$copy" "$bin" || fail "strip $bin"
    "$UNDEAD" doctor --json "$copy" > "$copy.json"
    got=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["context"]
print(c["found"], c["source"].replace(" ", "_"), int(c["setter"],16), int(c["setter_var"],16), int(c["slot"],16))' "$copy.json") ||
      fail "doctor --json $copy: no context"
    read -r found source setter var slot <<<"$got"
    if nm "$bin" | grep -q ' x_cgo_set_context_function$'; then
      want_setter=$(sym "$bin" x_cgo_set_context_function); want_var=$(sym "$bin" _cgo_set_context_function)
    else
      want_setter=$(sym "$bin" x_cgo_set_traceback_functions); want_var=$(sym "$bin" _cgo_set_traceback_functions)
    fi
    want_slot=$(sym "$bin" cgo_context_function)
    why=""
    [ "$found" = True ] || why="$why not found;"
    [ "$var" = "$want_var" ] || why="$why variable $(printf %#x "$var"), nm says $(printf %#x "$want_var");"
    # A setter found is the setter; one not found is fine only when the
    # static is (SetCgoTraceback not linked, nothing else writes it).
    if [ "$setter" != 0 ] || [ "$want_var" != 0 ]; then
      [ "$setter" = "$want_setter" ] || why="$why setter $(printf %#x "$setter"), nm says $(printf %#x "$want_setter");"
    fi
    if [ "$source" = code ]; then
      [ "$slot" = "$want_slot" ] || why="$why static $(printf %#x "$slot"), nm says $(printf %#x "$want_slot");"
    elif [ "$slot" != 0 ]; then
      why="$why static reported from the symbol route;"
    fi
    if [ -z "$why" ]; then
      printf 'ok    %-4s %-10s %s: setter %#x var %#x static %#x\n' "$tc" "$prog" "$source" "$setter" "$var" "$slot"
    else
      printf 'FAIL  %-4s %-10s %s:%s\n' "$tc" "$prog" "$source" "$why"; bad=1
    fi
  done
done
[ "$bad" = 0 ] || fail "the cgo context function is not where the symbol table says"
skip_missing_toolchains
echo "PASS"
