#!/usr/bin/env bash
# `undead report DIR` with damaged records beside good ones: a record cut
# short by the file size limit (EFBIG, what a full disk's ENOSPC leaves too),
# written by the shim itself; invalid JSON in the middle of a file; a text
# report. Every readable record is summarised, each damaged file is named
# in one line on stderr (file and line), the exit status still says that
# reports were found (1), --sarif writes the good results and one
# toolExecutionNotification per damaged file (valid SARIF 2.1.0), --json
# lists them under "damaged". Damage and no report: exit 2.
set -uo pipefail
. "$(dirname "$0")/report_lib.sh"
report_need_tools
[ -x "$REPORT_SAMPLE" ] || fail "not built: $REPORT_SAMPLE"
work=$REPORT_WORK/report_damaged
rm -rf "$work"; mkdir -p "$work/logs"
bin=$(gobuild cur undead "$UNDEAD_ROOT/tests/go/issue7978") || fail "build issue7978"

# a log the shim cut: format=json under a 2 KB file size limit (the report
# is longer; stderr is a pipe, which the limit does not cut)
(cd "$work" && L=$work/logs/undead UNDEAD_SO=$UNDEAD_SO BIN=$bin timeout 60 sh -c '
    ulimit -f 4; exec env LD_PRELOAD="$UNDEAD_SO" UNDEAD_OPTIONS="log_path=$L:format=json" "$BIN"' \
  2>&1 >/dev/null | cat >"$work/cut.err") 2>/dev/null
cut=$(ls "$work/logs"/undead.*)
[ -n "$cut" ] && [ "$(stat -c %s "$cut")" -gt 0 ] && [ "$(tail -c 1 "$cut" | od -An -c | tr -d ' ')" != '\n' ] ||
  fail "the shim did not leave a cut record: $(ls -l "$work/logs")"
grep -q 'cannot write the report to .*(File too large)' "$work/cut.err" || fail "no EFBIG line: $(grep undead "$work/cut.err" | head -2)"
echo "ok: the shim left a record cut at $(stat -c %s "$cut") bytes in $(basename "$cut")"

# a record cut before, in a file the shim then appends to: the new report
# starts a line of its own
(cd "$work" && L=$work/logs/undead UNDEAD_SO=$UNDEAD_SO BIN=$bin timeout 60 sh -c '
    printf "{\"schema\":\"undead-rep" >"$L.$$"
    exec env LD_PRELOAD="$UNDEAD_SO" UNDEAD_OPTIONS="log_path=$L:format=json" "$BIN"' \
  >/dev/null 2>&1) 2>/dev/null
appended=$(ls "$work/logs"/undead.* | grep -vxF "$cut")
[ "$(grep -c '"schema":"undead-report/1"' "$appended")" = 1 ] || fail "no report appended: $(head -c 300 "$appended")"

# good reports of two processes; invalid JSON in the middle of a third file
# (its last line still good); a text report
"$REPORT_SAMPLE" json 0 >"$work/logs/undead.4242"
"$REPORT_SAMPLE" json 1 >"$work/logs/undead.5151"
{ "$REPORT_SAMPLE" json 0 | sed 's/"pid":4242/"pid":6161/'; echo '{"schema":"undead-report/1",'; \
  "$REPORT_SAMPLE" json 1 | sed 's/"pid":5151/"pid":7171/'; } >"$work/logs/undead.6161"
printf '==1==ERROR: undead: undead pointer in runtime.cgocall frame\n' >"$work/logs/undead.text"

"$UNDEAD" report "$work/logs" >"$work/sum.out" 2>"$work/sum.err"; rc=$?
[ "$rc" = 1 ] || fail "exit $rc, want 1 (reports found): $(cat "$work/sum.err")"
grep -q '^undead: 5 reports, .* from 5 processes' "$work/sum.out" || fail "summary: $(head -3 "$work/sum.out")"
grep -q '^undead: checked in 1 process: ' "$work/sum.out" || fail "the appended file's counts: $(head -3 "$work/sum.out")"
grep -q '^undead: warning: damage in 4 inputs (named on stderr)' "$work/sum.out" || fail "no damage warning: $(cat "$work/sum.out")"
[ "$(wc -l <"$work/sum.err")" = 4 ] || fail "want 4 lines on stderr, one per damaged file: $(cat "$work/sum.err")"
grep -qx "undead report: $appended:1: invalid JSON at byte [0-9]*: .*: skipped" "$work/sum.err" ||
  fail "the appended file's cut line: $(cat "$work/sum.err")"
grep -qx "undead report: $cut:1: invalid JSON at byte [0-9]*: .*: skipped" "$work/sum.err" &&
  grep -qx "undead report: $work/logs/undead.6161:2: invalid JSON at byte [0-9]*: .*: skipped" "$work/sum.err" &&
  grep -qx "undead report: $work/logs/undead.text:1: not a JSON report (is it a text report? .*): skipped" "$work/sum.err" ||
  fail "stderr does not name each damaged file and line: $(cat "$work/sum.err")"
echo "ok: 5 readable reports summarised (exit 1), stderr:"; sed 's/^/    /' "$work/sum.err"

# SARIF: the results, and a notification per damaged file
"$UNDEAD" report --sarif "$work/out.sarif" "$work/logs" >/dev/null 2>&1; rc=$?
[ "$rc" = 1 ] || fail "--sarif: exit $rc"
"$SCHEMA_PY" - "$SARIF_SCHEMA" "$work/out.sarif" "$cut" <<'EOF' || fail "SARIF with damaged input"
import json, sys, jsonschema
schema, log = (json.load(open(p)) for p in sys.argv[1:3])
jsonschema.validate(log, schema)
run = log["runs"][0]
occ = [r["properties"]["occurrences"] for r in run["results"]]
assert sum(occ) == 5, occ
notes = run["invocations"][0]["toolExecutionNotifications"]
assert len(notes) == 4, notes
where = {(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
          n["locations"][0]["physicalLocation"]["region"]["startLine"]) for n in notes}
assert ("file://" + sys.argv[3], 1) in where, where
assert all(n["level"] == "error" and n["message"]["text"] for n in notes), notes
print("ok: SARIF: %d results of 5 occurrences, notifications at" % len(occ), sorted(where))
EOF

# --json: "damaged"
"$UNDEAD" report --json "$work/logs" >"$work/sum.json" 2>/dev/null
"$SCHEMA_PY" - "$work/sum.json" <<'EOF' || fail "--json with damaged input"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["reports"] == 5 and len(s["damaged"]) == 4, s["damaged"]
assert all(d["line"] >= 1 and d["message"] for d in s["damaged"]), s["damaged"]
print("ok: --json lists", len(s["damaged"]), "damaged inputs")
EOF

# damage and no report: 2, and the summary still printed
"$UNDEAD" report "$cut" "$work/logs/undead.text" >"$work/only.out" 2>"$work/only.err"; rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$work/only.err")" = 2 ] && grep -q '^undead: no reports (2 files read)' "$work/only.out" ||
  fail "damage only: exit $rc, $(cat "$work/only.err" "$work/only.out")"
echo "ok: damage and no report: exit 2, each damaged file named"
echo PASS
