#!/usr/bin/env bash
# `undead report` over a log directory sums the counts each process wrote at
# exit, so a clean CI run can say what was checked: two runs of latent
# (known numbers of callbacks) give their sum, in text and in --json, with
# exit 0 (no reports); `undead run --stress` (move_on_callback=1) gives one
# forced move per callback (and no note that nothing moved); a directory
# whose processes exercised nothing (cgosmall: no callback at all) is warned
# about.
set -uo pipefail
. "$(dirname "$0")/report_lib.sh"
report_need_tools
work=$REPORT_WORK/report_counts
rm -rf "$work"; mkdir -p "$work"
bin=$(gobuild cur stock "$UNDEAD_ROOT/tests/go/latent") || fail "build latent"
small=$(gobuild cur stock "$UNDEAD_ROOT/tests/go/cgosmall") || fail "build cgosmall"
"$UNDEAD" run --log-dir "$work/logs" -- "$bin" -workers 2 -calls 300 >/dev/null || fail "latent run 1"
"$UNDEAD" run --log-dir "$work/logs" -- "$bin" -workers 3 -calls 100 >/dev/null || fail "latent run 2"
"$UNDEAD" report "$work/logs" >"$work/summary.txt"; rc=$?
cat "$work/summary.txt"
[ "$rc" = 0 ] || fail "exit $rc, want 0 (no reports)"
grep -q '^undead: checked in 2 processes: 900 callback(s), 900 return(s) into a gate, ' "$work/summary.txt" ||
  fail "the counts of the two runs are not summed"
grep -q '^undead: no reports' "$work/summary.txt" || fail "no 'no reports' line"
grep -q 'warning' "$work/summary.txt" && fail "warned although callbacks were checked"
grep -q '^undead: note: no stack moved while a gate was open' "$work/summary.txt" ||
  fail "no note that no relocation was checked (latent's callbacks never move the stack)"
"$UNDEAD" report --json "$work/logs" >"$work/summary.json"
python3 - "$work/summary.json" <<'PY' || fail "--json: checked is wrong"
import json, sys
c = json.load(open(sys.argv[1]))["checked"]
assert c["processes"] == 2 and c["callbacks"] == 900 and c["gate_returns"] == 900 and c["reports"] == 0, c
PY
"$UNDEAD" run --stress --log-dir "$work/stress" -- "$bin" -workers 1 -calls 200 >/dev/null || fail "latent --stress"
"$UNDEAD" report "$work/stress" >"$work/stress.txt"; rc=$?
cat "$work/stress.txt"
[ "$rc" = 0 ] || fail "--stress: exit $rc, want 0 (no reports)"
grep -q 'note\|warning' "$work/stress.txt" && fail "--stress: a note or warning although relocations were checked"
"$UNDEAD" report --json "$work/stress" >"$work/stress.json"
python3 - "$work/stress.json" <<'PY' || fail "--stress: no forced move per callback"
import json, sys
c = json.load(open(sys.argv[1]))["checked"]
assert c["callbacks"] == 200 and c["forced_moves"] == c["relocations"] and 198 <= c["forced_moves"] <= 200, c
PY
"$UNDEAD" run --log-dir "$work/idle" -- "$small" >/dev/null || fail "cgosmall run"
"$UNDEAD" report "$work/idle" >"$work/idle.txt"; rc=$?
cat "$work/idle.txt"
[ "$rc" = 0 ] && grep -q '^undead: warning: nothing was exercised' "$work/idle.txt" ||
  fail "a run that checked nothing is not warned about (exit $rc)"
echo PASS
