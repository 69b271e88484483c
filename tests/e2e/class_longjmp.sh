#!/usr/bin/env bash
# Found shape F of the class (Go issue 63829; golua's lua_error in the
# wild): C longjmps over a Go callback. tests/go/longjmp -mode over: C sets
# a jmp_buf, calls back into Go, and the callback's C call jumps back to
# it. The stock runtime throws "exitsyscall: syscall frame is no longer
# valid" when the outer C call returns (shown as a note); the shim must
# report longjmp-over-callback at the jump, before it is made, on every
# run, with each of longjmp, _longjmp, siglongjmp and __longjmp_chk, on a
# Go thread and on a thread C made, and with --stress's options: the
# report names the C function that jumps (its C stack's first frame), the
# C function the jump lands in, the callback's frames (its Go stack), and
# a jump target that lies inside the outer C function's frame, whose
# address the program prints (an oracle of its own), above the C stack
# pointer the callback came from. -mode inside (jumps that stay inside one
# C call: in a callback's inner C call, before and after a callback, in a
# SIGUSR1 handler, and after a Go panic unwound a callback's C frames)
# stays clean and right in both modes. check_longjmp=0 leaves the jump to
# the runtime's throw. The JSON report validates against the report schema
# and the SARIF log against SARIF 2.1.0. The shim's dynamic symbols are
# pthread_create and the four jumps, nothing else.
# Toolchains: 1.19, 1.23 and the machine's (all six with --long).
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
. "$(dirname "$0")/report_lib.sh"
shim_need
work=$UNDEAD_WORK/class_longjmp
rm -rf "$work"; mkdir -p "$work"
STRESS=move_on_callback=1:quarantine=1

# The report in PRE.err against the program's own view: one summary of the
# kind, the jumping and landing functions, the callback's frames, and a
# target SP inside outer's frame and above the callback's C SP.
caught_right() {
  python3 - "$1.err" <<'PY'
import re, sys
e = open(sys.argv[1]).read()
s = re.findall(r"^SUMMARY: undead: longjmp-over-callback in (\S+): jmp_buf SP (0x[0-9a-f]+) above the open callback's C SP (0x[0-9a-f]+)$", e, re.M)
fa = re.search(r"^longjmp: outer's frame at (0x[0-9a-f]+)$", e, re.M)
head = re.search(r"longjmp over a Go callback: (\S+) is jumping to SP (0x[0-9a-f]+) \(pc (\S+),", " ".join(e.split()))
if len(s) != 1 or not fa or not head:
    sys.exit("no single report, or no frame line: %d %s %s" % (len(s), bool(fa), bool(head)))
gate, sp, csp = s[0][0], int(s[0][1], 16), int(s[0][2], 16)
frame = int(fa.group(1), 16)
checks = {
    "during longjmp": bool(re.search(r"during longjmp$", e, re.M)),
    "jumps from jump()": head.group(1).startswith("jump+"),
    "lands in outer()": head.group(3).startswith("outer+"),
    "the same SP": int(head.group(2), 16) == sp,
    "target in outer's frame": frame - 512 < sp < frame,
    "above the callback's C SP": csp < sp,
    "the callback's frames": bool(re.search(r"in _cgoexp_\w+_goCallback ", e)) and "main._Cfunc_inner" in e,
    "C stack from jump": bool(re.search(r"^\s+#0 0x[0-9a-f]+ in jump\+", e, re.M)),
}
bad = [k for k, v in checks.items() if not v]
sys.exit("not as expected: " + ", ".join(bad) if bad else 0)
PY
}

one() {
  local tc=$1 bin caught=0 want=0 clean=0 cwant=0 fn thread mode f rc why plain
  bin=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/longjmp") || fail "build $tc"
  for fn in longjmp _longjmp siglongjmp __longjmp_chk; do
    for thread in go c; do
      for mode in "" "$STRESS"; do
        # the stress options once per thread kind, not per function
        [ -n "$mode" ] && [ "$fn" != longjmp ] && continue
        f=$work/$tc-over-$fn-$thread${mode:+-stress}
        want=$((want + 1))
        rc=$(UNDEAD_OPTIONS=${mode:-verbosity=0} run_shim "$f" "$bin" -mode over -fn "$fn" -thread "$thread")
        if [ "$rc" = 134 ] && why=$(caught_right "$f" 2>&1); then
          caught=$((caught + 1))
        else
          echo "  $tc over $fn $thread ${mode:-default}: exit $rc: ${why:-} $(grep -E 'SUMMARY|fatal' "$f.err" | head -2)"
        fi
        f=$work/$tc-inside-$fn-$thread${mode:+-stress}
        cwant=$((cwant + 1))
        rc=$(UNDEAD_OPTIONS=verbosity=1${mode:+:$mode} run_shim "$f" "$bin" -mode inside -fn "$fn" -thread "$thread")
        if [ "$rc" = 0 ] && ! grep -q 'SUMMARY: undead' "$f.err" && grep -q 'all as expected$' "$f.out" &&
           grep -q ' 0 report(s)$' "$f.err"; then
          clean=$((clean + 1))
        else
          echo "  $tc inside $fn $thread ${mode:-default}: exit $rc: $(grep -E 'SUMMARY|longjmp:' "$f.err" "$f.out" | head -2)"
        fi
      done
    done
  done
  # check_longjmp=0: no report, the runtime's own throw
  f=$work/$tc-off
  rc=$(UNDEAD_OPTIONS=check_longjmp=0 run_shim "$f" "$bin" -mode over)
  local off=ok
  if [ "$rc" != 2 ] || grep -q 'SUMMARY: undead' "$f.err" ||
     ! grep -q 'exitsyscall: syscall frame is no longer valid' "$f.err"; then
    off="exit $rc: $(grep -E 'SUMMARY|fatal' "$f.err" | head -1)"
  fi
  plain=$(run_plain "$work/$tc-plain" "$bin" -mode over)
  printf '%-5s caught %d/%d at the jump, clean %d/%d, check_longjmp=0 %s; without the shim: exit %s, %s\n' \
    "$tc" "$caught" "$want" "$clean" "$cwant" "$off" "$plain" \
    "$(grep -m1 'fatal error' "$work/$tc-plain.err" | cut -c1-70)"
  [ "$caught" = "$want" ] && [ "$clean" = "$cwant" ] && [ "$off" = ok ]
}

# The JSON and SARIF reports of one toolchain.
formats() {
  local tc=$1 bin
  "$SCHEMA_PY" -c 'import jsonschema' 2>/dev/null || { echo "$tc: python3-jsonschema missing: formats not checked"; return 0; }
  bin=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/longjmp") || fail "build $tc"
  local files
  files=$(report_formats "$work/$tc-fmt" "$bin" -mode over) || fail "$tc: the JSON or SARIF log"
  # shellcheck disable=SC2086
  python3 - $files <<'PY' || fail "$tc: the JSON or SARIF report's content"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
r = [x for x in recs if x.get("schema") == "undead-report/1"][0]
assert r["kind"] == "longjmp-over-callback" and r["trigger"] == "longjmp", (r["kind"], r["trigger"])
assert r["slot"]["kind"] == "jmp-buf", r["slot"]
assert r["points_to"]["region"] == "above-callback", r["points_to"]
sp, csp, hi = int(r["slot"]["value"], 16), int(r["stacks"]["old"]["lo"], 16), int(r["stacks"]["old"]["hi"], 16)
assert csp < sp <= hi, (hex(sp), hex(csp), hex(hi))
res = json.load(open(sys.argv[2]))["runs"][0]["results"][0]
assert res["ruleId"] == "longjmp-over-callback", res["ruleId"]
loc = res["locations"][0]
assert "physicalLocation" in loc, loc
print(f"json and sarif: {r['signature']}, located at {loc['physicalLocation']['artifactLocation']['uri']}:{loc['physicalLocation'].get('region', {}).get('startLine')}")
PY
}

# those of heavy_toolchains and class_toolchains, oldest first
pick=" $(heavy_toolchains | tr '\n' ' ') $(class_toolchains | tr '\n' ' ') "
# What the shim defines for the process: pthread_create and the four
# jumps, nothing else (README "Using it").
exports=$(nm -D --defined-only "$UNDEAD_SO" | awk '{ print $3 }' | sort | tr '\n' ' ')
[ "$exports" = "__longjmp_chk _longjmp longjmp pthread_create siglongjmp " ] ||
  fail "the shim defines: $exports"

toolchains=$(for tc in $(undead_toolchains); do case "$pick" in *" $tc "*) echo "$tc" ;; esac; done)
newest=$(echo "$toolchains" | tail -1)
[ -z "$newest" ] || have_toolchain "$newest" && formats "$newest"
per_toolchain "a longjmp over a Go callback was not reported" one $toolchains
