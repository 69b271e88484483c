# Helpers for the report tests (tests/e2e/report_*.sh, sarif_*.sh). Sourced.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

FILECHECK=${FILECHECK:-/usr/lib/llvm-15/bin/FileCheck}
REPORT_CHECKS=$UNDEAD_ROOT/tests/report
SARIF_SCHEMA=$REPORT_CHECKS/sarif-schema-2.1.0.json
REPORT_SCHEMA=$UNDEAD_ROOT/docs/report-schema.json
COUNTS_SCHEMA=$UNDEAD_ROOT/docs/counts-schema.json
REPORT_SAMPLE=$UNDEAD_BUILD/tests/unit/report_sample
# Where the report tests keep their files (Go builds stay in UNDEAD_WORK):
# report_noshim.sh runs them elsewhere, to leave these untouched.
REPORT_WORK=${REPORT_WORK:-$UNDEAD_WORK}

# Debian's python3 first: python3-jsonschema is installed for it, whatever
# other python3 comes first in PATH.
SCHEMA_PY=${SCHEMA_PY:-$([ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)}

report_need_tools() {
  [ -x "$FILECHECK" ] || skip "FileCheck not found at $FILECHECK (llvm-15-tools)"
  "$SCHEMA_PY" -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema not installed"
  [ -x "$UNDEAD" ] || fail "undead not built: $UNDEAD"
  [ -f "$UNDEAD_SO" ] || fail "shim not built: $UNDEAD_SO"
}

# cgocall_xy TOOLCHAIN -> "XLINE YLINE": the lines of runtime.cgocall's calls
# to entersyscall (X) and asmcgocall (Y), read from the toolchain's source
# (an oracle independent of the shim's line tables).
cgocall_xy() {
  local go goroot
  go=$(go_for "$1") || return 1
  goroot=$("$go" env GOROOT) || return 1
  awk '/^func cgocall\(/ {f=1} f && /^\tentersyscall\(\)$/ && !x {x=NR}
       f && /asmcgocall\(fn, arg\)/ && !y {y=NR} f && /^}/ {f=0}
       END {if (x && y) print x, y; else exit 1}' "$goroot/src/runtime/cgocall.go"
}

# copystack_line TOOLCHAIN -> the line of runtime.newstack's call to
# copystack in the toolchain's stack.go: where the shim's hook is called
# from at a growth, so the first C frame of a report (a return address,
# named by its call).
copystack_line() {
  local go goroot
  go=$(go_for "$1") || return 1
  goroot=$("$go" env GOROOT) || return 1
  awk '/^func newstack\(/ {f=1} f && /^\tcopystack\(gp, newsize\)$/ {print NR; found=1; exit}
       END {if (!found) exit 1}' "$goroot/src/runtime/stack.go"
}

go_version_of() { "$(go_for "$1")" env GOVERSION; }

# real_report TOOLCHAIN FORMAT OUTDIR -> runs the seed-bug program once under
# the shim with log_path=OUTDIR/undead; prints the exit status. The report is
# OUTDIR/undead.PID.
real_report() {
  local tc=$1 fmt=$2 dir=$3 bin
  bin=$(gobuild "$tc" undead "$UNDEAD_ROOT/tests/go/issue7978") || return 1
  mkdir -p "$dir"
  # the subshell takes the shell's "Aborted" notice: the abort is expected
  (UNDEAD_OPTIONS="log_path=$dir/undead:format=$fmt" LD_PRELOAD="$UNDEAD_SO" \
    timeout 120 "$bin" >"$dir/out" 2>"$dir/err"; exit $?) 2>/dev/null
  echo $?
}

# need_report DIR TOOLCHAIN: fails unless the shim wrote a report there.
need_report() {
  compgen -G "$1/undead.*" >/dev/null ||
    fail "$2: libundead.so wrote no report for the seed bug ($(head -c 300 "$1/err" | tr '\n' ' '))"
}

# validate SCHEMA FILE [jsonl]: validates the JSON document FILE (or, with
# jsonl, each line of it) against the JSON Schema SCHEMA; one line per error.
validate() {
  "$SCHEMA_PY" - "$@" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
v = cls(schema)
text = open(sys.argv[2], encoding="utf-8").read()
docs = [l for l in text.splitlines() if l.strip()] if len(sys.argv) > 3 else [text]
bad = 0
for i, d in enumerate(docs, 1):
    for e in v.iter_errors(json.loads(d)):
        bad += 1
        print(f"{sys.argv[2]}:{i}: {'/'.join(map(str, e.absolute_path))}: {e.message[:200]}")
sys.exit(1 if bad or not docs else 0)
PY
}

# report_formats PREFIX BIN ARGS... : runs BIN under the shim once with
# format=json and once with format=sarif (logs PREFIX.json.PID and
# PREFIX.sarif.PID), and validates the report against the report schema
# and the log against SARIF 2.1.0 (the errors on stderr, status 1). Prints
# the two files, the JSON log's first, for the caller's check of their
# content.
report_formats() {
  local pre=$1; shift
  rm -f "$pre".*
  UNDEAD_OPTIONS=format=json:log_path=$pre.json run_shim "$pre-json" "$@" >/dev/null
  UNDEAD_OPTIONS=format=sarif:log_path=$pre.sarif run_shim "$pre-sarif" "$@" >/dev/null
  local json sarif
  json=$(ls "$pre.json".* 2>/dev/null | head -1) sarif=$(ls "$pre.sarif".* 2>/dev/null | head -1)
  [ -n "$json" ] && [ -n "$sarif" ] || { echo "$pre: no JSON or SARIF log written" >&2; return 1; }
  grep -h '"schema":"undead-report/1"' "$json" >"$pre.report.jsonl"
  validate "$REPORT_SCHEMA" "$pre.report.jsonl" jsonl >&2 || { echo "$pre: the JSON report does not validate" >&2; return 1; }
  validate "$SARIF_SCHEMA" "$sarif" >&2 || { echo "$pre: the SARIF log does not validate" >&2; return 1; }
  echo "$json $sarif"
}
