#!/usr/bin/env bash
# Shape 5 of the class: asmcgocall saves the goroutine's absolute SP on the
# system stack instead of its depth below g.stack.hi (tests/overlays/
# asmcgocall_absolute_sp.py). tests/go/fpmove's callback grows the stack
# several times; when it returns, the gate would resume on the stack the
# goroutine left. The shim follows asmcgocall's own rule, read from its code
# (`undead doctor`'s "resume point"), and must report stale-resume-point
# when the callback returns, naming the stack left, on every run, in the
# stress mode (move_on_callback=1) too; without the shim the program
# crashes (split stack overflow or a fault), shown as a note. The stock
# program stays clean in both modes. The rule read from each binary is
# checked against the runtime's own source (asm_amd64.s: the frame it
# carves, where it saves the word and the g) for the stock and the changed
# runtime. Toolchains: class_toolchains (1.23 and the machine's; all six
# with --long).
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
runs=$(shim_runs)
work=$UNDEAD_WORK/class_resume_point
rm -rf "$work"; mkdir -p "$work"

# the rule as asm_amd64.s writes it: "RULE FRAME_SUB WORD_DISP G_DISP"
rule_from_source() {
  python3 - "$1" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
body = src[src.index("TEXT ·asmcgocall(SB)"):]
body = body[:body.index("nosave:")]
sub = re.search(r"MOVQ\t\(g_sched\+gobuf_sp\)\(SI\), SP\n(?:\s*//[^\n]*\n)*\tSUBQ\t\$(\d+), SP", body)
g = re.search(r"MOVQ\tDI, (\d+)\(SP\)\t// save g", body)
depth = re.search(r"MOVQ\tDI, (\d+)\(SP\)\t// save depth", body)
sp = re.search(r"MOVQ\tDX, (\d+)\(SP\)\t// save SP", body)
w = depth or sp
if not (sub and g and w):
    sys.exit("asmcgocall: the frame, the g or the word not found in " + sys.argv[1])
print("depth" if depth else "absolute", sub.group(1), w.group(1), g.group(1))
PY
}

rule_from_binary() {
  "$UNDEAD" doctor --json "$1" | python3 -c '
import json, sys
r = json.load(sys.stdin)["hooks"]["resume_point"]
print(r["rule"], r["frame_sub"], r["word_disp"], r["g_disp"]) if r else sys.exit("no resume rule")'
}

one() {
  local tc=$1 bug stock caught=0 clean=0 i rc plain go goroot want got
  bug=$(gobuild "$tc" rt-asmcgocall_absolute_sp "$UNDEAD_ROOT/tests/go/fpmove") || fail "build $tc bug"
  stock=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/fpmove") || fail "build $tc stock"
  go=$(go_for "$tc") && goroot=$("$go" env GOROOT) || fail "$tc: no GOROOT"
  want=$(rule_from_source "$goroot/src/runtime/asm_amd64.s") || fail "$tc: the stock source"
  got=$(rule_from_binary "$stock") || fail "$tc: doctor gave no resume rule for the stock build"
  [ "$want" = "$got" ] || fail "$tc: stock: the binary's rule '$got' is not the source's '$want'"
  want=$(rule_from_source "$UNDEAD_WORK/overlay-$tc-asmcgocall_absolute_sp/files/src/runtime/asm_amd64.s") ||
    fail "$tc: the changed source"
  got=$(rule_from_binary "$bug") || fail "$tc: doctor gave no resume rule for the changed build"
  [ "$want" = "$got" ] || fail "$tc: changed: the binary's rule '$got' is not the source's '$want'"
  echo "$tc: resume rule as the source has it: stock '$(rule_from_binary "$stock")', changed '$got'"
  for i in $(seq 1 "$runs"); do
    for mode in "" move_on_callback=1; do
      local f=$work/$tc-bug-$i${mode:+-stress}
      rc=$(UNDEAD_OPTIONS=${mode:-verbosity=0} run_shim "$f" "$bug")
      [ "$rc" = 134 ] && [ "$(grep -c "^SUMMARY: undead: stale-resume-point in runtime.cgocall asmcgocall's saved SP" "$f.err")" = 1 ] &&
        tr -s '\n ' '  ' < "$f.err" |
          grep -q 'at SP 0x[0-9a-f]*, inside the stack \[0x[0-9a-f]*, 0x[0-9a-f]*) it left at an earlier move, not on its gate' &&
        caught=$((caught+1))
    done
    for mode in "" move_on_callback=1; do
      local f=$work/$tc-stock-$i${mode:+-stress}
      rc=$(UNDEAD_OPTIONS=verbosity=1${mode:+:$mode} run_shim "$f" "$stock")
      [ "$rc" = 0 ] && ! grep -q 'SUMMARY: undead' "$f.err" && grep -q '^fpmove: ok$' "$f.out" &&
        clean=$((clean+1))
    done
  done
  plain=$(run_plain "$work/$tc-plain" "$bug")
  printf '%-5s caught %d/%d, stock clean %d/%d; without the shim: exit %s, %s\n' "$tc" "$caught" $((2 * runs)) \
    "$clean" $((2 * runs)) "$plain" "$(head -1 "$work/$tc-plain.err" | cut -c1-80)"
  [ "$caught" = $((2 * runs)) ] && [ "$clean" = $((2 * runs)) ]
}
per_toolchain "a gate resumed outside its stack was not reported" one $(class_toolchains)
