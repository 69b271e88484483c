#!/usr/bin/env bash
# The core's call-site decoder against GNU objdump (an independent x86
# decoder): every CALL in the Go text of real cgo binaries of each of the
# six toolchains, with its direct target (or none for an indirect call),
# must be found, at the same address, and nothing else. And the sites
# own_small_stacks patches (`undead doctor --json`, hooks.small_stacks):
# every CALL runtime.stackalloc and runtime.stackfree, as objdump's
# symbolized disassembly of the whole text lists them (the shim looks in
# runtime.* functions only; a free it missed would hand the runtime a stack
# it never allocated).
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
PROBE=$UNDEAD_BUILD/tests/unit/calls_probe
[ -x "$PROBE" ] || fail "$PROBE not built (meson compile -C build)"
command -v objdump >/dev/null || skip "no objdump"
work=$UNDEAD_WORK/x86_calls
mkdir -p "$work"
bad=0
for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  for prog in cgosmall issue7978; do
    [ -d "$UNDEAD_ROOT/tests/go/$prog" ] || continue
    bin=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/$prog") || fail "build $tc $prog"
    lo=$(readelf -sW "$bin" | awk '$8=="runtime.text"{print $2; exit}')
    hi=$(readelf -sW "$bin" | awk '$8=="runtime.etext"{print $2; exit}')
    [ -n "$lo" ] && [ -n "$hi" ] || fail "$bin: no runtime.text/etext symbols"
    "$PROBE" "$bin" | sort > "$work/$tc-$prog.core" || fail "calls_probe $bin"
    # objdump: "  4011e5:\tcall   401000 <x>" / "call   *%rax"; keep the Go text
    objdump -d --no-show-raw-insn -j .text "$bin" \
      | awk -v lo=$((16#$lo)) -v hi=$((16#$hi)) -F'\t' '
          $2 ~ /^call/ {
            a = $1; sub(/^ */, "", a); sub(/:$/, "", a)
            split($2, w, / +/); t = w[2]
            if (t ~ /^\*/) t = "0"
            print a, t
          }' \
      | while read -r a t; do
          v=$((16#$a)); if [ "$v" -ge $((16#$lo)) ] && [ "$v" -lt $((16#$hi)) ]; then echo "$a $t"; fi
        done | sort > "$work/$tc-$prog.objdump"
    n=$(wc -l < "$work/$tc-$prog.core")
    m=$(wc -l < "$work/$tc-$prog.objdump")
    if cmp -s "$work/$tc-$prog.core" "$work/$tc-$prog.objdump"; then
      printf '%-4s %-10s %6d calls: core = objdump\n' "$tc" "$prog" "$n"
    else
      printf '%-4s %-10s core %d calls, objdump %d; first differences:\n' "$tc" "$prog" "$n" "$m"
      diff "$work/$tc-$prog.core" "$work/$tc-$prog.objdump" | head -10 | sed 's/^/    /'
      bad=1
    fi
    "$UNDEAD" doctor --json "$bin" 2>/dev/null | python3 -c '
import json, sys
s = json.load(sys.stdin)["hooks"]["small_stacks"]
assert not s["error"], s["error"]
for k in ("stackalloc", "stackfree"):
    for a in s[k]: print(k, "%x" % int(a, 16))' | sort > "$work/$tc-$prog.stacks.core" || { echo "$tc $prog: doctor small_stacks"; bad=1; }
    objdump -d --no-show-raw-insn -j .text "$bin" | awk '
        /^[0-9a-f]+ <.*>:$/ { f = $2; sub(/^</, "", f); sub(/>:$/, "", f); next }
        $0 ~ /\tcall +[0-9a-f]+ <runtime\.stack(alloc|free)>$/ {
          a = $1; sub(/:$/, "", a); n = $NF; gsub(/[<>]/, "", n); sub(/^runtime\./, "", n)
          print n, a }' | sort > "$work/$tc-$prog.stacks.objdump"
    if [ -s "$work/$tc-$prog.stacks.core" ] && cmp -s "$work/$tc-$prog.stacks.core" "$work/$tc-$prog.stacks.objdump"; then
      printf '%-4s %-10s %6d stackalloc/stackfree sites: doctor = objdump\n' "$tc" "$prog" "$(wc -l < "$work/$tc-$prog.stacks.core")"
    else
      echo "$tc $prog: stackalloc/stackfree sites differ (doctor < > objdump):"
      diff "$work/$tc-$prog.stacks.core" "$work/$tc-$prog.stacks.objdump" | head -10 | sed 's/^/    /'
      bad=1
    fi
  done
done
[ "$bad" = 0 ] || fail "call sites differ from objdump"
skip_missing_toolchains
echo PASS
