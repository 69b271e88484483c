#!/usr/bin/env bash
# Found shape A of the class (Go issues 10303, 11089): a C function gets
# the address of a Go variable as an argument (C.uintptr_t(uintptr(
# unsafe.Pointer(&x))) keeps x on the stack), calls back into Go, whose
# callback grows the stack, and then writes through it: the write goes to
# the stack left, and the program loses it (tests/go/argkeep, 3 of 3
# writes lost without the shim, a silent wrong result, shown as a note).
# The shim must report left-stack-argument at the move, before the copy,
# on every run, with the default options and with --stress's (and, with
# check_relocations=0, when the callback returns, before C writes): the value
# must be the address C printed, the word the first of the C call's
# argument block, and the frame that held the address main.round. The
# correct program (-arg heap: a pointer argument, x on the heap) stays
# clean and right in both modes.
# Toolchains: 1.19, 1.23 and the machine's (all six with --long).
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
runs=$(shim_runs)
work=$UNDEAD_WORK/class_c_argument
rm -rf "$work"; mkdir -p "$work"

# The report in PRE.err against what C printed.
caught_right() {
  python3 - "$1.err" "$2" <<'PY'
import re, sys
e = open(sys.argv[1]).read()
s = re.findall(r"^SUMMARY: undead: left-stack-argument in runtime\.cgocall main\._Cfunc_write_after\+0 ", e, re.M)
got = re.findall(r"^argkeep: C got (0x[0-9a-f]+)$", e, re.M)
val = re.search(r"^Value: (0x[0-9a-f]+) points into (the old stack|a stack the goroutine left earlier)", e, re.M)
owner = re.search(r"before the move that address was in the frame of (\S+), at sp", e)
checks = {
    "one summary": len(s) == 1,
    "during " + sys.argv[2]: bool(re.search(r"during " + sys.argv[2] + "$", e, re.M)),
    "the address C got": bool(val and got and int(val.group(1), 16) == int(got[-1], 16)),
    "held by main.round": bool(owner and owner.group(1) == "main.round"),
}
bad = [k for k, v in checks.items() if not v]
sys.exit("not as expected: " + ", ".join(bad) if bad else 0)
PY
}

one() {
  local tc=$1 bin caught=0 clean=0 i mode f rc why plain
  bin=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/argkeep") || fail "build $tc"
  for i in $(seq 1 "$runs"); do
    for mode in "" move_on_callback=1:quarantine=1 check_relocations=0; do
      f=$work/$tc-uintptr-$i${mode:+-stress}
      rc=$(UNDEAD_OPTIONS=${mode:-verbosity=0} run_shim "$f" "$bin" -arg uintptr)
      local when="stack growth"
      [ "$mode" = check_relocations=0 ] && when="callback return"
      if [ "$rc" = 134 ] && why=$(caught_right "$f" "$when" 2>&1); then
        caught=$((caught + 1))
      else
        echo "  $tc run $i ${mode:-default}: exit $rc: ${why:-} $(grep -E 'SUMMARY|argkeep' "$f.err" "$f.out" | head -2)"
      fi
      f=$work/$tc-heap-$i${mode:+-stress}
      rc=$(UNDEAD_OPTIONS=verbosity=1${mode:+:$mode} run_shim "$f" "$bin" -arg heap)
      if [ "$rc" = 0 ] && ! grep -q 'SUMMARY: undead' "$f.err" && grep -q '0 of 3 writes lost$' "$f.out"; then
        clean=$((clean + 1))
      else
        echo "  $tc heap run $i ${mode:-default}: exit $rc: $(grep -E 'SUMMARY|argkeep' "$f.err" "$f.out" | head -2)"
      fi
    done
  done
  plain=$(run_plain "$work/$tc-plain" "$bin" -arg uintptr)
  printf '%-5s caught %d/%d (at the move, or at the return), the correct program clean %d/%d; without the shim: exit %s, %s\n' \
    "$tc" "$caught" $((3 * runs)) "$clean" $((3 * runs)) "$plain" "$(tail -1 "$work/$tc-plain.out")"
  [ "$caught" = $((3 * runs)) ] && [ "$clean" = $((3 * runs)) ]
}

pick=" $(heavy_toolchains | tr '\n' ' ') $(class_toolchains | tr '\n' ' ') "
toolchains=$(for tc in $(undead_toolchains); do case "$pick" in *" $tc "*) echo "$tc" ;; esac; done)
per_toolchain "a C argument into the stack being left was not reported" one $toolchains
