#!/usr/bin/env bash
# JSON reports: the sample reports (every kind, hostile strings) and real
# reports of the seed bug validate against docs/report-schema.json (and the
# counts record the program ends with, against docs/counts-schema.json); the real
# ones match tests/report/json.check; a report read back by `undead report`
# and written again is byte-identical; the validator rejects broken reports
# (so this test can fail).
set -uo pipefail
. "$(dirname "$0")/report_lib.sh"
report_need_tools
[ -x "$REPORT_SAMPLE" ] || fail "not built: $REPORT_SAMPLE"
work=$REPORT_WORK/report_json
rm -rf "$work"; mkdir -p "$work"

"$REPORT_SAMPLE" json 0 1 2 3 >"$work/sample.jsonl" || fail "report_sample"
validate "$REPORT_SCHEMA" "$work/sample.jsonl" jsonl || fail "sample reports do not validate"
# the schema has teeth: a report with a number where an address belongs, a
# missing field, an unknown kind must all be rejected
head -1 "$work/sample.jsonl" | sed 's/"frame_sp":"0x[0-9a-f]*"/"frame_sp":12/' >"$work/bad1.json"
head -1 "$work/sample.jsonl" | sed 's/"goid":[0-9]*,//' >"$work/bad2.json"
head -1 "$work/sample.jsonl" | sed 's/"kind":"undead-pointer"/"kind":"zombie"/' >"$work/bad3.json"
for b in 1 2 3; do
  if validate "$REPORT_SCHEMA" "$work/bad$b.json" >/dev/null; then fail "schema accepted bad$b.json"; fi
done
echo "ok: sample reports validate; broken ones do not"

for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  read -r xl yl < <(cgocall_xy "$tc") || fail "cannot read cgocall's X/Y lines for $tc"
  gv=$(go_version_of "$tc")
  cl=$(copystack_line "$tc") || fail "cannot read newstack's copystack line for $tc"
  rc=$(real_report "$tc" json "$work/$tc")
  need_report "$work/$tc" "$tc"
  log=$(ls "$work/$tc"/undead.*)
  # the report, then the counts record the program ended with
  [ "$(wc -l <"$log")" = 2 ] || fail "$tc: want two lines (a report, the counts) in $log"
  f=$work/$tc.report.json; head -1 "$log" >"$f"
  tail -1 "$log" >"$work/$tc.counts.json"
  validate "$REPORT_SCHEMA" "$f" jsonl || fail "$tc: real report does not validate ($f)"
  validate "$COUNTS_SCHEMA" "$work/$tc.counts.json" jsonl || fail "$tc: the counts record does not validate"
  "$FILECHECK" --input-file "$f" -DXLINE="$xl" -DYLINE="$yl" -DGOVERSION="$gv" -DCOPYLINE="$cl" \
    "$REPORT_CHECKS/json.check" || fail "$tc: JSON report does not match json.check ($f)"
  # JSON -> model -> JSON is the identity on a real report
  "$UNDEAD" report --json "$log" >"$work/$tc.summary.json"
  python3 - "$f" "$work/$tc.summary.json" "$work/$tc.counts.json" <<'PY' || fail "$tc: round trip changed the report"
import json, sys
orig = open(sys.argv[1]).read().strip()
summ = json.load(open(sys.argv[2]))
counts = json.load(open(sys.argv[3]))
assert summ["schema"] == "undead-report-summary/1" and summ["reports"] == 1, summ
assert summ["checked"]["processes"] == 1 and summ["checked"]["reports"] == counts["reports"] == 1, summ["checked"]
back = json.dumps(summ["groups"][0]["report"], separators=(",", ":"), ensure_ascii=False)
assert back == orig, "\n%s\n%s" % (orig[:300], back[:300])
PY
  echo "ok: $tc JSON report and counts validate, the report matches json.check and round-trips"
done
skip_missing_toolchains
echo PASS
