#!/usr/bin/env bash
# Ahead of the machine's Go: the newer release the Go module proxy serves
# ($GO_NEXT_VERSION, fetched by the go command; skipped when it cannot be).
# The same checks as for the two supported toolchains, in one place:
#   - stack maps equal the runtime's own getStackMap at every safe point;
#   - scan: the stock runtime is clean, the seed bug shows `arg` and `fn`;
#   - the shim catches the seed bug on every run in each program shape, at a
#     stack growth, and stays silent on the stock runtime;
#   - a stripped build (-s -w: layout from the table, context function from
#     the code) is caught too.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
. "$(dirname "$0")/oracle_lib.sh"
shim_need
go_for next >/dev/null || skip "$GO_NEXT_VERSION cannot be fetched from the Go module proxy"
tc=next
runs=${UNDEAD_SHIM_RUNS:-3}
work=$UNDEAD_WORK/next_go
mkdir -p "$work"
bad=0
note() { if [ -z "$2" ]; then printf 'ok    %s\n' "$1"; else printf 'FAIL  %s:%s\n' "$1" "$2"; bad=1; fi; }

(oracle_compare next) || bad=1

read -r xl yl < <(cgocall_lines "$tc") || fail "cannot find the X/Y lines of cgocall for $tc"
for v in stock undead; do
  bin=$(gobuild "$tc" "$v" "$UNDEAD_ROOT/tests/go/issue7978") || fail "build $tc $v issue7978"
  "$UNDEAD" scan --json "$bin" > "$work/scan-$v.json"; rc=$?
  names=$(python3 -c 'import json,sys; print(" ".join(sorted(s["name"] or "?" for g in json.load(open(sys.argv[1]))["gates"] for s in g["undead"])))' "$work/scan-$v.json")
  case $v in
    stock) want_rc=0 want_names="" ;;
    undead) want_rc=1 want_names="arg fn" ;;
  esac
  why=""
  [ "$rc" = "$want_rc" ] || why="$why exit $rc, want $want_rc;"
  [ "$names" = "$want_names" ] || why="$why undead slots '$names', want '$want_names';"
  note "$tc scan $v" "$why"
done

for prog in $SHIM_PROGS; do
  for v in undead stock undead-stripped; do
    [ "$v" = undead-stripped ] && [ "$prog" != issue7978 ] && continue
    bin=$(gobuild "$tc" "$v" "$UNDEAD_ROOT/tests/go/$prog") || fail "build $tc $v $prog"
    good=0
    for i in $(seq 1 "$runs"); do
      pre=$work/$v-$prog-$i
      rc=$(UNDEAD_OPTIONS=verbosity=1 run_shim "$pre" "$bin")
      ok=1
      grep -q '^undead: active' "$pre.err" || ok=0
      if [ "$v" = stock ]; then
        [ "$rc" = 0 ] && ! grep -q 'SUMMARY: undead' "$pre.err" || ok=0
      else
        [ "$rc" = 134 ] && [ "$(grep -c 'SUMMARY: undead' "$pre.err")" = 1 ] &&
          grep -q "cgocall\.go:$xl" "$pre.err" && grep -q "cgocall\.go:$yl" "$pre.err" &&
          grep -q 'stack growth' "$pre.err" || ok=0
      fi
      good=$((good + ok))
    done
    note "$tc $v $prog: $good/$runs as expected" "$([ "$good" = "$runs" ] || echo " see $work/$v-$prog-*.err")"
  done
done
[ "$bad" = 0 ] || fail "$GO_NEXT_VERSION is not handled as the supported toolchains are"
echo "PASS"
