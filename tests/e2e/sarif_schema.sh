#!/usr/bin/env bash
# SARIF: `undead report --sarif` over real JSON reports of several processes
# (and the sample reports of every kind), and the shim's own format=sarif,
# validate against the published SARIF 2.1.0 schema
# (tests/report/sarif-schema-2.1.0.json); duplicates are merged into one
# result located at the X line of runtime.cgocall, with Y as related
# location. A broken log must not validate (the check has teeth).
set -uo pipefail
. "$(dirname "$0")/report_lib.sh"
report_need_tools
[ -x "$REPORT_SAMPLE" ] || fail "not built: $REPORT_SAMPLE"
work=$REPORT_WORK/sarif_schema
rm -rf "$work"; mkdir -p "$work"

"$REPORT_SAMPLE" sarif 0 1 2 3 5 >"$work/sample.sarif" || fail "report_sample"
validate "$SARIF_SCHEMA" "$work/sample.sarif" || fail "sample SARIF does not validate"
sed 's/"version":"2.1.0"/"version":"2.2"/' "$work/sample.sarif" >"$work/bad.sarif"
if validate "$SARIF_SCHEMA" "$work/bad.sarif" >/dev/null; then fail "schema accepted version 2.2"; fi
sed 's/"startLine":167/"startLine":0/' "$work/sample.sarif" >"$work/bad2.sarif"
if validate "$SARIF_SCHEMA" "$work/bad2.sarif" >/dev/null; then fail "schema accepted startLine 0"; fi
echo "ok: sample SARIF validates; broken logs do not"

runs=3
for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  read -r xl yl < <(cgocall_xy "$tc") || fail "cannot read cgocall's X/Y lines for $tc"
  for i in $(seq 1 $runs); do
    real_report "$tc" json "$work/$tc" >/dev/null
  done
  need_report "$work/$tc" "$tc"
  # the shim's catch rate is shim_catch.sh's business: count what was written
  n=$(ls "$work/$tc"/undead.* | wc -l)
  "$REPORT_SAMPLE" json 2 >"$work/$tc/other.jsonl"
  "$UNDEAD" report --sarif "$work/$tc.sarif" "$work/$tc"/undead.* "$work/$tc/other.jsonl" \
    >"$work/$tc.summary"; rc=$?
  [ "$rc" = 1 ] || fail "$tc: undead report exit $rc, want 1"
  validate "$SARIF_SCHEMA" "$work/$tc.sarif" || fail "$tc: merged SARIF does not validate"
  python3 - "$work/$tc.sarif" "$xl" "$yl" "$n" <<'PY' || fail "$tc: merged SARIF content"
import json, sys
log = json.load(open(sys.argv[1])); xl, yl, runs = map(int, sys.argv[2:5])
run, = log["runs"]
assert run["tool"]["driver"]["name"] == "undead"
rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
res = run["results"]
assert len(res) == 2, "want 2 distinct results, got %d" % len(res)
r = res[0]
assert r["ruleId"] == "undead-pointer" and rules[r["ruleIndex"]] == "undead-pointer"
assert r["properties"]["occurrences"] == runs, r["properties"]
loc = r["locations"][0]["physicalLocation"]
assert loc["artifactLocation"]["uri"].endswith("/src/runtime/cgocall.go"), loc
assert loc["region"]["startLine"] == xl, (loc, xl)
rel = r["relatedLocations"][0]["physicalLocation"]
assert rel["region"]["startLine"] == yl, (rel, yl)
assert r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "runtime.cgocall"
assert any(f["location"]["logicalLocations"][0]["fullyQualifiedName"] == "main.growStack"
           for f in r["stacks"][0]["frames"]), "no main.growStack in the Go stack"
assert res[1]["ruleId"] == "stale-syscall-sp"
PY
  echo "ok: $tc: $n processes + 1 other report -> 2 SARIF results, valid"

  # the shim's own SARIF rendering
  real_report "$tc" sarif "$work/$tc-direct" >/dev/null
  f=$(ls "$work/$tc-direct"/undead.*)
  validate "$SARIF_SCHEMA" "$f" || fail "$tc: the shim's format=sarif output does not validate"
  echo "ok: $tc: format=sarif from the shim validates"
done
skip_missing_toolchains
echo PASS
