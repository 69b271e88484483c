#!/usr/bin/env bash
# undead maps on runtime.cgocall with each of the six toolchains: the call
# sites, the argument slots and their names, the seed bug (fn and arg live
# at X, dead at Y), a stripped build (the same slots, unnamed), and an
# unknown function refused with one line.
set -u
. "$(dirname "$0")/../lib/common.sh"
maps_slots() { # JSON on stdin, callee -> "kind:sp:fp:name ..." at its call site
  python3 -c '
import json, sys
d = json.load(sys.stdin)
for s in d["sites"]:
    if s["callee"] == sys.argv[1]:
        if s.get("error"):
            print("call to %s: %s" % (sys.argv[1], s["error"]), file=sys.stderr)
        print(" ".join("%s:%d:%d:%s" % (x["kind"], x["sp_offset"], x["fp_offset"], x["name"]) for x in s["slots"]))
        break
else:
    sys.exit("no call to " + sys.argv[1])' "$1"
}

maps_check() {
  local tc=$1 stock undead stripped out x y n err
  stock=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/cgosmall") || fail "build"
  undead=$(gobuild "$tc" undead "$UNDEAD_ROOT/tests/go/cgosmall") || fail "build"
  stripped=$(gobuild "$tc" stock-stripped "$UNDEAD_ROOT/tests/go/cgosmall") || fail "build"

  out=$("$UNDEAD" maps "$stock" runtime.cgocall) || fail "$tc: undead maps exited $?"
  echo "$out" | grep -q 'runtime.entersyscall' || fail "$tc: no entersyscall call site in: $out"
  n=$(echo "$out" | grep -c '^call ')
  [ "$n" -ge 3 ] || fail "$tc: only $n call sites"

  # Stock runtime: fn and arg are kept alive across the foreign call.
  x=$("$UNDEAD" maps --json "$stock" runtime.cgocall | maps_slots runtime.entersyscall) || fail "$tc: json"
  y=$("$UNDEAD" maps --json "$stock" runtime.cgocall | maps_slots runtime.asmcgocall) || fail "$tc: json"
  for v in fn arg; do
    echo "$x" | grep -q "^\(.* \)\?arg:[0-9]*:[0-9]*:$v\( \|$\)" || fail "$tc stock: $v not live at X: $x"
    echo "$y" | grep -q "arg:[0-9]*:[0-9]*:$v\( \|$\)" || fail "$tc stock: $v not live at Y: $y"
  done
  echo "$x" | grep -q "arg:0*[1-9][0-9]*:0:fn" || fail "$tc: fn is not at fp+0: $x"

  # Seed bug: live at X, dead at Y.
  x=$("$UNDEAD" maps --json "$undead" runtime.cgocall | maps_slots runtime.entersyscall) || fail "$tc: json"
  y=$("$UNDEAD" maps --json "$undead" runtime.cgocall | maps_slots runtime.asmcgocall) || fail "$tc: json"
  for v in fn arg; do
    echo "$x" | grep -q ":$v\( \|$\)" || fail "$tc undead: $v not live at X: $x"
    echo "$y" | grep -q ":$v\( \|$\)" && fail "$tc undead: $v still live at Y: $y"
  done

  # Without symbols or DWARF: same slots, no names.
  x=$("$UNDEAD" maps --json "$stock" runtime.cgocall | maps_slots runtime.entersyscall | sed 's/:[^: ]*\( \|$\)/\1/g')
  y=$("$UNDEAD" maps --json "$stripped" runtime.cgocall | maps_slots runtime.entersyscall) || fail "$tc stripped: json"
  [ "$(echo "$y" | sed 's/:None\( \|$\)/\1/g')" = "$x" ] || fail "$tc stripped: slots '$y' differ from '$x'"

  # Unknown function: one line, status 2.
  err=$(mktemp "$UNDEAD_WORK/maps-err.XXXXXX")
  "$UNDEAD" maps "$stock" main.noSuchFunction > /dev/null 2> "$err"
  [ $? = 2 ] || fail "$tc: unknown function: status not 2"
  [ "$(wc -l < "$err")" = 1 ] || fail "$tc: unknown function: stderr not one line"
  grep -q '^undead maps: .*main.noSuchFunction' "$err" || fail "$tc: unclear message: $(cat "$err")"
  rm -f "$err"
  echo "maps $tc: runtime.cgocall: $n call sites; fn/arg live at X and Y (stock), at X only (seed bug); stripped agrees"
}

per_toolchain "undead maps failed with" maps_check $(undead_toolchains)
