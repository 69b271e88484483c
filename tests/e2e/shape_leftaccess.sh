#!/usr/bin/env bash
# An access to a stack the goroutine left, caught when it is made (the
# quarantine's protection, shim/check/quarantine.h and fault.h). In
# tests/go/leftaccess, C keeps an address in its caller's Go stack (passed
# as an integer), calls back into Go, whose callback moves the stack, then
# reads or writes through the address it kept. The stack left is of 4 KiB
# or more (-deep 10: it owns its pages), or a fresh goroutine's 2 KiB one
# (-deep 0: on a page of the shim's own, own_small_stacks):
#   - without the shim: a read gets the left stack's stale bytes, silently;
#     a write is lost (the program counts it);
#   - quarantine=1 and undead run --stress: a left-stack-access report on
#     every run, at the access, before it happens: a read reported as a
#     read and a write as a write, the C function that made it
#     (leftaccess_read_after / leftaccess_write_after) first in the C stack,
#     the frame that held the address at the move (main.round), and a JSON
#     report that the schema accepts, with access.op and a signature that
#     tells the two apart;
#   - halt_on_error=0: every access reported once, the program goes on as
#     without the shim (the access made, into the held stack) and ends
#     with exitcode.
# Toolchains: cur and 123 by default, all six with UNDEAD_LONG=1.
set -uo pipefail
. "$(dirname "$0")/report_lib.sh"
[ -f "$UNDEAD_SO" ] || fail "shim not built: $UNDEAD_SO"
"$SCHEMA_PY" -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema not installed"
RUNS=3; [ "${UNDEAD_LONG:-0}" = 1 ] && RUNS=10
if [ "${UNDEAD_LONG:-0}" = 1 ]; then tcs=$(undead_toolchains); else
  tcs=$(for tc in $(undead_toolchains); do case " cur 123 " in *" $tc "*) echo "$tc" ;; esac; done); fi

check() {
  local tc=$1 bin work op fn i rc n
  bin=$(gobuild "$tc" stock tests/go/leftaccess) || fail "$tc: build"
  work=$UNDEAD_WORK/shape_leftaccess/$tc
  rm -rf "$work"; mkdir -p "$work"

  "$bin" -op read >"$work/plain-read.out" 2>&1; rc=$?
  [ "$rc" = 0 ] || fail "$tc: without the shim the read should pass unseen (rc $rc): $(tail -1 "$work/plain-read.out")"
  "$bin" -op write >"$work/plain-write.out" 2>&1; rc=$?
  [ "$rc" = 1 ] && grep -q 'rounds saw the left stack' "$work/plain-write.out" ||
    fail "$tc: without the shim the write should be lost (rc $rc)"
  echo "$tc: without the shim: the read passes unseen, $(tail -1 "$work/plain-write.out")"

  local deep size
  for op in read write; do
    fn=leftaccess_${op}_after
    for deep in 10 0; do
    for i in $(seq "$RUNS") stress; do
      if [ "$i" = stress ]; then
        "$UNDEAD" run --stress -- "$bin" -op $op -deep $deep >"$work/$op.$i" 2>&1; rc=$?
      else
        UNDEAD_OPTIONS=quarantine=1 LD_PRELOAD=$UNDEAD_SO "$bin" -op $op -deep $deep >"$work/$op.$i" 2>&1; rc=$?
      fi
      [ "$rc" = 134 ] || fail "$tc: $op, run $i: exit $rc, not the report's abort: $(tail -2 "$work/$op.$i")"
      grep -q '^SUMMARY: undead: left-stack-access in runtime.cgocall main.round+[0-9]* ' "$work/$op.$i" ||
        fail "$tc: $op, run $i: no left-stack-access report naming main.round's frame: $(grep -E 'SUMMARY|ERROR' "$work/$op.$i")"
      grep -q "^Access: a $op at 0x" "$work/$op.$i" || fail "$tc: $op, run $i: not reported as a $op: $(grep '^Access' "$work/$op.$i")"
      grep -qE "^        by 0x[0-9a-f]+ in $fn\\+0x[0-9a-f]+ " "$work/$op.$i" ||
        fail "$tc: $op, run $i: the access is not named as $fn's: $(grep -A1 '^Access' "$work/$op.$i")"
      grep -A1 '^C stack of thread [0-9]* at the access:' "$work/$op.$i" | grep -qE "#0 0x[0-9a-f]+ in $fn\\+" ||
        fail "$tc: $op, run $i: the C stack does not start at the faulting instruction"
      grep -q 'at the move that address was in the frame of main.round, at sp+' "$work/$op.$i" ||
        fail "$tc: $op, run $i: the frame that held the address is not named"
      size=$(left_stack_size "$work/$op.$i")
      [ "$deep" = 10 ] || [ "$size" = 2048 ] || fail "$tc: $op -deep 0, run $i: the left stack is $size bytes, not the fresh 2048"
      [ "$deep" = 0 ] || [ "${size:-0}" -ge 4096 ] || fail "$tc: $op -deep 10, run $i: the left stack is $size bytes"
    done
    echo "$tc: $op, left stack $size bytes: caught at the access ($fn), $RUNS/$RUNS with quarantine=1, and with undead run --stress"
    done

    UNDEAD_OPTIONS=quarantine=1:format=json:log_path=$work/json-$op LD_PRELOAD=$UNDEAD_SO "$bin" -op $op \
      >"$work/json-$op.out" 2>&1; rc=$?
    [ "$rc" = 134 ] || fail "$tc: $op, format=json: exit $rc"
    "$SCHEMA_PY" - "$REPORT_SCHEMA" "$op" "$fn" "$work"/json-$op.* <<'PY' || fail "$tc: $op: the JSON report"
import json, sys, jsonschema
schema, op, fn, *files = sys.argv[1:]
recs = [json.loads(l) for f in files if not f.endswith(".out") for l in open(f) if l.strip()]
reps = [r for r in recs if r["schema"] == "undead-report/1"]
assert len(reps) == 1, f"{len(reps)} reports"
r = reps[0]
jsonschema.validate(r, json.load(open(schema)))
assert r["kind"] == "left-stack-access" and r["trigger"] == "access", (r["kind"], r["trigger"])
a = r["access"]
assert a["op"] == op and a["func"].startswith(fn + "+0x") and a["pc"] != "0x0", a
assert r["c_stack"][0]["pc"] == a["pc"], (r["c_stack"][0], a)
assert r["signature"].startswith("left-stack-access|runtime.cgocall|stack-word@main.round+"), r["signature"]
assert r["signature"].split("|")[2].endswith(":" + op), r["signature"]
assert r["points_to"]["frame_func"] == "main.round", r["points_to"]
lo, hi, addr = (int(x, 16) for x in (r["stacks"]["old"]["lo"], r["stacks"]["old"]["hi"], r["slot"]["addr"]))
assert lo <= addr < hi and hi - lo >= 4096 and lo % 4096 == 0, (hex(lo), hex(hi), hex(addr))
print(f"json: {op} by {a['func']}, {r['signature']}")
PY
  done

  n=5
  UNDEAD_OPTIONS=quarantine=1:halt_on_error=0 LD_PRELOAD=$UNDEAD_SO "$bin" -op write -rounds $n \
    >"$work/goon.out" 2>&1; rc=$?
  [ "$rc" = 66 ] || fail "$tc: halt_on_error=0: exit $rc, not exitcode 66"
  [ "$(grep -c '^SUMMARY: undead: left-stack-access' "$work/goon.out")" = $n ] ||
    fail "$tc: halt_on_error=0: $(grep -c '^SUMMARY' "$work/goon.out") reports for $n accesses"
  grep -q "leftaccess: write: $n of $n rounds saw the left stack" "$work/goon.out" ||
    fail "$tc: halt_on_error=0: the program did not go on as without the shim: $(grep leftaccess: "$work/goon.out")"
  echo "$tc: halt_on_error=0: $n accesses, $n reports, the program went on (exit 66)"
}

per_toolchain "access to a left stack caught at the access" check $tcs
