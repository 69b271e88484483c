#!/usr/bin/env bash
# Reports keep real names whole: the seed bug built with GOEXPERIMENT (a Go
# version like "go1.26.8 X:norandomizedheapbase64,heapminimum512kib") and
# run from a directory path of some 600 bytes. The JSON report's binary and
# go_version are the whole path and the whole version (as `go version`
# says), in the text report too, and after `undead report` reads the JSON
# back and writes it again.
set -uo pipefail
. "$(dirname "$0")/report_lib.sh"
report_need_tools
work=$UNDEAD_WORK/report_long_names
rm -rf "$work"; mkdir -p "$work"
go=$(go_for cur) || fail "no Go"
ov=$(overlay_json cur) || fail "overlay"
deep=$work
for i in 1 2 3 4 5 6 7 8 9 10; do deep=$deep/directory-with-a-long-name-$i-$(printf 'x%.0s' $(seq 1 20)); done
mkdir -p "$deep"
bin=$deep/issue7978
(cd "$UNDEAD_ROOT/tests/go/issue7978" &&
  GOEXPERIMENT=norandomizedheapbase64,heapminimum512kib CGO_ENABLED=1 \
  "$go" build -overlay "$ov" -o "$bin" .) >"$work/build.log" 2>&1 ||
  { tail -5 "$work/build.log"; fail "GOEXPERIMENT build failed"; }
want_ver=$("$go" version "$bin" | sed 's/^[^:]*: //')
case "$want_ver" in *X:*) ;; *) fail "the build's version has no experiments: '$want_ver'" ;; esac
[ ${#want_ver} -gt 31 ] || fail "version '$want_ver' is too short to test anything"
[ ${#bin} -gt 255 ] || fail "path too short: ${#bin}"
echo "binary path ${#bin} bytes, version '$want_ver' (${#want_ver} characters)"

for fmt in json text; do
  (cd "$deep" && UNDEAD_OPTIONS="log_path=$work/log-$fmt:format=$fmt" LD_PRELOAD="$UNDEAD_SO" \
    timeout 120 ./issue7978 >/dev/null 2>"$work/$fmt.err"; exit $?) 2>/dev/null
  rc=$?
  [ "$rc" = 134 ] || fail "$fmt run: exit $rc ($(head -3 "$work/$fmt.err"))"
done
j=$(ls "$work"/log-json.*)
"$SCHEMA_PY" - "$j" "$bin" "$want_ver" <<'PY' || fail "JSON report cut a name"
import json, sys
# the report, then the counts record: both name the program whole
for r in (json.loads(l) for l in open(sys.argv[1]) if l.strip()):
    assert r["binary"] == sys.argv[2], (r["schema"], len(r["binary"]), r["binary"][-40:])
    assert r["go_version"] == sys.argv[3], (r["schema"], r["go_version"])
PY
grep -qF "program $bin ($want_ver), pid" "$work"/log-text.* || fail "text report: $(grep '^  program' "$work"/log-text.*)"
# JSON -> model -> JSON keeps both
"$UNDEAD" report --json "$j" >"$work/summary.json"
"$SCHEMA_PY" - "$work/summary.json" "$bin" "$want_ver" <<'PY' || fail "undead report cut a name"
import json, sys
r = json.load(open(sys.argv[1]))["groups"][0]["report"]
assert r["binary"] == sys.argv[2] and r["go_version"] == sys.argv[3], (r["binary"][-40:], r["go_version"])
PY
echo "ok: the whole path and version, in JSON, text and after undead report"
echo PASS
