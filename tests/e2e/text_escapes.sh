#!/usr/bin/env bash
# Names printed as text never reach a terminal raw: a program path, a log
# file name or a report field holding ESC (a colour, a screen clear, a
# window title) is written \x1b, in the shim's text report and its own
# lines, in `undead report`'s summary, --text and error lines, and in
# `undead doctor`, `scan` and `maps`. JSON keeps the bytes (as \u001b).
set -uo pipefail
. "$(dirname "$0")/report_lib.sh"
report_need_tools
E=$'\x1b'
work=$UNDEAD_WORK/text_escapes
rm -rf "$work"; mkdir -p "$work"
bug=$(gobuild cur undead "$UNDEAD_ROOT/tests/go/issue7978") || fail "build issue7978"
dir="$work/bin${E}[31mred${E}]0;title"$'\a'
mkdir -p "$dir" "$work/logs${E}[2J"
cp "$bug" "$dir/prog${E}[1m"
prog="$dir/prog${E}[1m"

# raw FILE LABEL: fails when FILE holds an ESC byte; then wants \x1b in it
no_raw() {
  ! grep -q "$E" "$1" || fail "$2: a raw ESC: $(grep -a "$E" "$1" | head -2 | od -c | head -3)"
  grep -qF '\x1b' "$1" || fail "$2: no \\x1b in: $(head -5 "$1")"
  echo "ok: $2: escaped ($(grep -aoF -m1 '\x1b[31mred\x1b]0;title\x07' "$1" | head -1 || true))"
}

# the shim: a text report of a program at that path (stderr), the
# start-up line (verbosity=1), and the lines about a log file there
(UNDEAD_OPTIONS=verbosity=1 LD_PRELOAD=$UNDEAD_SO timeout 60 "$prog" >/dev/null 2>"$work/shim.err"; exit $?) 2>/dev/null
grep -q '==ERROR: undead: undead pointer' "$work/shim.err" || fail "no report: $(head -3 "$work/shim.err")"
no_raw "$work/shim.err" "the shim's text report and lines"
(UNDEAD_OPTIONS="log_path=$work/logs${E}[2J/undead:format=json" LD_PRELOAD=$UNDEAD_SO timeout 60 "$prog" \
  >/dev/null 2>"$work/shimlog.err"; exit $?) 2>/dev/null
grep -q '^undead: the report is in .*logs\\x1b\[2J/undead\.[0-9]*$' "$work/shimlog.err" ||
  fail "the log file's line: $(cat "$work/shimlog.err")"
! grep -q "$E" "$work/shimlog.err" || fail "raw ESC in the SUMMARY/log lines: $(od -c "$work/shimlog.err" | head)"
echo "ok: the shim's SUMMARY: and log-file lines escaped"

# undead report: the JSON keeps the bytes; the summary, --text and the
# error lines escape them
log=$(ls "$work/logs${E}[2J"/undead.*)
grep -qF '\u001b[31mred' "$log" || fail "the JSON lost the bytes: $(head -c 300 "$log")"
"$UNDEAD" report "$work/logs${E}[2J" >"$work/summary.out" 2>&1
no_raw "$work/summary.out" "undead report's summary (file names, fields)"
"$UNDEAD" report --text "$log" >"$work/text.out" 2>&1
no_raw "$work/text.out" "undead report --text (binary path)"
printf 'not json\n' >"$work/logs${E}[2J/bad${E}[5m"
"$UNDEAD" report "$work/logs${E}[2J" >/dev/null 2>"$work/bad.err"
grep -q 'bad\\x1b\[5m:1: not a JSON report' "$work/bad.err" && ! grep -q "$E" "$work/bad.err" ||
  fail "undead report's damaged-file line: $(od -c "$work/bad.err" | head -4)"
echo "ok: undead report's damaged-file line escaped"

# doctor, scan, maps: the binary's path
for c in "doctor" "scan" "maps"; do
  args=("$prog"); [ "$c" = maps ] && args+=(runtime.cgocall)
  "$UNDEAD" $c "${args[@]}" >"$work/$c.out" 2>&1
  no_raw "$work/$c.out" "undead $c"
done
"$UNDEAD" doctor "$work/missing${E}[2J" >"$work/missing.out" 2>&1
grep -qF 'missing\x1b[2J' "$work/missing.out" && ! grep -q "$E" "$work/missing.out" ||
  fail "doctor's error line: $(od -c "$work/missing.out" | head -3)"
echo PASS
