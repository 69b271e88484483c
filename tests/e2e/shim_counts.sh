#!/usr/bin/env bash
# The counts the shim writes at exit (verbosity=1 on stderr; a final
# undead-counts/1 record in a JSON log) match programs whose numbers are
# known: latent makes WORKERS*CALLS callbacks, each returning into its
# cgocall gate, none moving the stack; with move_on_callback=1 each moves it
# once (a forced move: same size), with one gate frame on the stack - all
# but a callback entered with a preemption request pending, which the
# runtime serves instead (at most 1% here).
# issue7978 makes one callback per round. A report ends the program with the
# counts written too.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/shim_counts
rm -rf "$work"; mkdir -p "$work"
bad=0
field() { python3 -c 'import json,sys
recs=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
c=[r for r in recs if r.get("schema")=="undead-counts/1"]
print(len(c), *(c[-1][k] for k in sys.argv[2:]) if c else "")' "$@"; }
expect() { # NAME GOT WANT
  if [ "$2" = "$3" ]; then echo "ok    $1: $2"; else echo "FAIL  $1: got '$2', want '$3'"; bad=1; fi
}
keys="callbacks gate_returns relocations forced_moves gate_frames quarantined protected own_stacks reports"
for tc in $(heavy_toolchains); do # (1.19 and the machine's by default: heavy_toolchains; all six with --long)
  have_toolchain "$tc" || continue
  stock=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/latent") || fail "build $tc latent"
  bug=$(gobuild "$tc" undead "$UNDEAD_ROOT/tests/go/latent") || fail "build $tc undead latent"
  w=3 c=500 n=$((3 * 500))
  pre=$work/$tc-plain
  UNDEAD_OPTIONS=log_path=$pre:format=json run_shim "$pre" "$stock" -workers $w -calls $c >/dev/null
  expect "$tc latent" "$(field "$pre".[0-9]* $keys)" "1 $n $n 0 0 0 0 0 0 0"
  pre=$work/$tc-stress
  UNDEAD_OPTIONS=log_path=$pre:format=json:move_on_callback=1 run_shim "$pre" "$stock" -workers $w -calls $c >/dev/null
  read -r recs cb gr rel fm gf q prot own rep < <(field "$pre".[0-9]* $keys)
  expect "$tc latent move_on_callback=1" "$recs $cb $gr $rep $((rel == fm && fm == gf && fm * 100 >= n * 99 && fm <= n))" "1 $n $n 0 1"
  echo "      ($fm forced moves for $n callbacks)"
  pre=$work/$tc-v1
  UNDEAD_OPTIONS=verbosity=1 run_shim "$pre" "$stock" -workers $w -calls $c >/dev/null
  expect "$tc verbosity=1 line" "$(grep -c "^undead: checked: $n callback(s), $n return(s) into a gate, 0 relocation" "$pre.err")" 1
  pre=$work/$tc-report
  UNDEAD_OPTIONS=log_path=$pre:format=json:move_on_callback=1 run_shim "$pre" "$bug" -workers 1 >/dev/null
  got=$(field "$pre".[0-9]* reports forced_moves)
  expect "$tc report ends the run with counts" "${got%% *} ${got#* }" "1 1 1"
  i78=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/issue7978") || fail "build $tc issue7978"
  pre=$work/$tc-i78
  UNDEAD_OPTIONS=log_path=$pre:format=json run_shim "$pre" "$i78" -rounds 4 >/dev/null
  got=$(field "$pre".[0-9]* callbacks gate_returns reports)
  expect "$tc issue7978 4 rounds" "$got" "1 4 4 0"
done
[ "$bad" = 0 ] || fail "counts do not match the programs"
skip_missing_toolchains
echo PASS
