#!/usr/bin/env bash
# Exported Go functions (//export: the only way C calls back into Go): the
# core counts them from the function table, which survives stripping; the
# oracle is `go tool nm` on the unstripped build (the _cgoexp_ functions).
# doctor says so for a stripped copy too; a cgo program with no //export
# function is said to have nothing to watch, and the shim says the same
# at start (verbosity=1) while staying active.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/exports_oracle
mkdir -p "$work"
bad=0
for tc in $(heavy_toolchains); do # (1.19 and the machine's by default: heavy_toolchains; all six with --long)
  have_toolchain "$tc" || continue
  go=$(go_for "$tc")
  for prog in issue7978 nested manycb cgosmall; do
    bin=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/$prog") || fail "build $tc $prog"
    stripped=$(gobuild "$tc" stock-stripped "$UNDEAD_ROOT/tests/go/$prog") || fail "build $tc $prog stripped"
    want=$("$go" tool nm "$bin" | awk '$2 == "T" && $3 ~ /(^|\.)_cgoexp_/' | wc -l)
    for b in "$bin" "$stripped"; do
      "$UNDEAD" doctor --json "$b" > "$work/d.json"
      got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["exports"], d["nothing_to_watch"])' "$work/d.json")
      want_nothing=False; [ "$want" = 0 ] && want_nothing=True
      if [ "$got" != "$want $want_nothing" ]; then
        echo "  MISMATCH $tc $prog ($(basename "$(dirname "$b")")): doctor says '$got', go tool nm counts $want"; bad=1
      fi
    done
    if [ "$want" = 0 ]; then
      # From a deep directory too: the start-up line names the binary and
      # two source files, and must not be cut short of its end.
      deep=$work/$(printf 'd%.0s' $(seq 1 200))/$(printf 'e%.0s' $(seq 1 200))/$(printf 'f%.0s' $(seq 1 200))
      mkdir -p "$deep" && cp "$stripped" "$deep/$prog"
      for b in "$stripped" "$deep/$prog"; do
        UNDEAD_OPTIONS=verbosity=1 run_shim "$work/$tc-$prog" "$b" >/dev/null
        grep -q '^undead: active.*no callback can open a gate, nothing will be checked$' "$work/$tc-$prog.err" ||
          { echo "  $tc $prog: the shim does not say there is nothing to watch: $(head -2 "$work/$tc-$prog.err")"; bad=1; }
      done
      # A line too long for the shim's buffer (a 3000-byte path) says it was cut.
      deeper=$deep/$(printf 'g%.0s' $(seq 1 250))/$(printf 'h%.0s' $(seq 1 250))
      for i in 1 2 3 4 5 6 7; do deeper=$deeper/$(printf 'i%.0s' $(seq 1 250)); done
      mkdir -p "$deeper" && cp "$stripped" "$deeper/$prog"
      UNDEAD_OPTIONS=verbosity=1 run_shim "$work/$tc-$prog" "$deeper/$prog" >/dev/null
      grep -q '^undead: active: .*\.\.\.$' "$work/$tc-$prog.err" ||
        { echo "  $tc $prog: a cut start-up line does not end in '...': $(head -c 300 "$work/$tc-$prog.err")"; bad=1; }
      rm -rf "$work/$(printf 'd%.0s' $(seq 1 200))"
    fi
    echo "$tc $prog: $want exported function(s)"
  done
done
[ "$bad" = 0 ] || fail "exported functions miscounted"
skip_missing_toolchains
echo PASS
