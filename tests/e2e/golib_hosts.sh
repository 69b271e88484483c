#!/usr/bin/env bash
# Go inside other programs, on each toolchain (1.19 and the machine's by default: heavy_toolchains; all six with --long).
# tests/go/golib, a Go library
# that calls back into its host (whose callback calls back into Go and
# grows the stack), built with -buildmode=c-shared and loaded by python3
# through ctypes (tests/hosts/host.py), and with -buildmode=c-archive and
# linked into a C program (tests/hosts/host.c), each in three shapes (walk,
# nested callbacks, callbacks from host threads):
#   - on the seed-bug runtime: caught with a report on every run under the
#     shim (the run without it is not required to pass, as the bug may crash
#     it on its own: when it does not, its exit status is shown as a note);
#   - on the stock runtime: clean, output identical to a run without it;
#   - verbosity=1 names the library or program it watches (its path, on the
#     `undead: active:` line).
# Two c-shared libraries in one python3 process: a bug in either is caught,
# two stock ones are clean. python3 alone and a C program without Go are
# left alone (nothing printed at verbosity=1). undead doctor and scan
# accept the library and the C program: the shim can work on both, and the
# seed bug's candidates are listed. `undead run --log-dir DIR -- python3
# host.py` then `undead report DIR`: the seed bug's report; stock: exit 0.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
PY=/usr/bin/python3
[ -x "$PY" ] || fail "$PY not installed (scripts/setup installs python3)"
work=$UNDEAD_WORK/golib_hosts
mkdir -p "$work"
HOSTS=$UNDEAD_ROOT/tests/hosts
SRC=$UNDEAD_ROOT/tests/go/golib
bad=0
note() { echo "  BAD $*"; bad=1; }

# golib TOOLCHAIN VARIANT MODE(c-shared|c-archive) -> path of the .so, or
# of the C host linked with the archive.
golib() {
  local tc=$1 v=$2 mode=$3 go out flags=()
  go=$(go_for "$tc") || return 1
  out=$work/$tc-$v-$mode
  [ "$v" = undead ] && flags=(-overlay "$(overlay_json "$tc")")
  if [ ! -e "$out.done" ] || [ -n "$(find "$SRC" "$HOSTS" -newer "$out.done" -type f | head -1)" ]; then
    mkdir -p "$out"
    if [ "$mode" = c-shared ]; then
      (cd "$SRC" && CGO_ENABLED=1 "$go" build "${flags[@]}" -buildmode=c-shared -o "$out/libgolib.so" .) >"$out.log" 2>&1 || return 1
    else
      (cd "$SRC" && CGO_ENABLED=1 "$go" build "${flags[@]}" -buildmode=c-archive -o "$out/golib.a" .) >"$out.log" 2>&1 &&
        gcc -O1 -I"$out" -o "$out/host" "$HOSTS/host.c" "$out/golib.a" -lpthread >>"$out.log" 2>&1 || return 1
    fi
    touch "$out.done"
  fi
  if [ "$mode" = c-shared ]; then echo "$out/libgolib.so"; else echo "$out/host"; fi
}

# run_case LABEL WANT(caught|clean) WATCHED CMD...
# WATCHED: the objects the shim must name as watched, ':' between them: a
# c-shared library as "Go library PATH:", a program as "PATH:".
run_case() {
  local label=$1 want=$2 watched=$3; shift 3
  local pre=$work/run-$label rc base w
  base=$(run_plain "$pre.plain" "$@")
  rc=$(UNDEAD_OPTIONS=verbosity=1 run_shim "$pre" "$@")
  local n; n=$(grep -c 'SUMMARY: undead' "$pre.err")
  grep '^undead: active: go1\.' "$pre.err" >"$pre.active" || note "$label: the shim did not say it watches a Go runtime: $(head -2 "$pre.err")"
  local ws; IFS=: read -ra ws <<<"$watched"
  for w in "${ws[@]}"; do
    case "$w" in *.so) w="Go library $w" ;; esac
    grep -qF " $w: " "$pre.active" || note "$label: the shim did not name $w as watched: $(head -2 "$pre.active")"
  done
  if [ "$want" = caught ]; then
    [ "$rc" = 134 ] && [ "$n" = 1 ] && grep -q 'undead-pointer in runtime.cgocall arg' "$pre.err" ||
      note "$label: not caught (exit $rc, $n report(s)): $(grep -m3 'undead' "$pre.err")"
    [ "$base" = 0 ] || echo "  note: $label without the shim: exit $base (the bug crashed it on its own)"
  else
    [ "$rc" = 0 ] && [ "$n" = 0 ] && [ "$base" = 0 ] && cmp -s "$pre.out" "$pre.plain.out" ||
      note "$label: not clean (exit $rc, $base without; $n report(s); output $(head -c 80 "$pre.out") vs $(head -c 80 "$pre.plain.out"))"
  fi
}

for tc in $(heavy_toolchains); do
  have_toolchain "$tc" || continue
  for v in stock undead; do
    so=$(golib "$tc" "$v" c-shared) || fail "build $tc $v c-shared: $(tail -5 "$work/$tc-$v-c-shared.log")"
    host=$(golib "$tc" "$v" c-archive) || fail "build $tc $v c-archive: $(tail -5 "$work/$tc-$v-c-archive.log")"
    want=clean; [ "$v" = undead ] && want=caught
    for shape in walk nested threads; do
      run_case "$tc-$v-c-shared-$shape" $want "$so" "$PY" "$HOSTS/host.py" "$shape" "$so"
      run_case "$tc-$v-c-archive-$shape" $want "$host" "$host" "$shape"
    done
    for b in "$so" "$host"; do
      "$UNDEAD" doctor "$b" > "$work/doctor.txt" 2>&1 || note "$tc $v: doctor $b: exit $?: $(tail -3 "$work/doctor.txt")"
      grep -q '^verdict: the shim can work on this binary$' "$work/doctor.txt" || note "$tc $v: doctor $b: no positive verdict"
      "$UNDEAD" scan "$b" > "$work/scan.txt" 2>&1; rc=$?
      [ "$rc" = "$([ "$v" = undead ] && echo 1 || echo 0)" ] || note "$tc $v: scan $b: exit $rc"
    done
    grep -q '^  linking  *a shared library' <("$UNDEAD" doctor "$so") || note "$tc $v: doctor does not call $so a shared library"
    echo "$tc $v: c-shared in python3 and c-archive in C, walk/nested/threads: $want; doctor and scan agree"
  done
  stock=$(golib "$tc" stock c-shared) bug=$(golib "$tc" undead c-shared)
  cp "$stock" "$work/$tc-libgolib-copy.so"
  # each library is loaded and run in turn: the bug's report ends the run
  # before a library after it is loaded
  run_case "$tc-two-stock-bug" caught "$stock:$bug" "$PY" "$HOSTS/host.py" walk "$stock" "$bug"
  run_case "$tc-two-bug-stock" caught "$bug" "$PY" "$HOSTS/host.py" walk "$bug" "$stock"
  run_case "$tc-two-stock" clean "$stock:$work/$tc-libgolib-copy.so" "$PY" "$HOSTS/host.py" walk "$stock" "$work/$tc-libgolib-copy.so"
  [ "$(grep -c '^undead: active: go1\..* Go library ' "$work/run-$tc-two-stock.err")" = 2 ] ||
    note "$tc: two libraries, not both watched: $(grep '^undead:' "$work/run-$tc-two-stock.err" | head -3)"
  echo "$tc: two c-shared libraries in one process: each watched"
  # The CI path: undead run with a log directory, then undead report.
  logs=$work/$tc-runlogs; rm -rf "$logs"
  "$UNDEAD" run --log-dir "$logs" -- "$PY" "$HOSTS/host.py" walk "$bug" >/dev/null 2>&1; rc=$?
  "$UNDEAD" report "$logs" > "$work/$tc-report.txt" 2>&1; rrc=$?
  [ "$rc" != 0 ] && [ "$rrc" = 1 ] && grep -q '^undead: 1 report' "$work/$tc-report.txt" ||
    note "$tc: undead run -- python3 host.py: exit $rc, undead report exit $rrc: $(head -3 "$work/$tc-report.txt")"
  "$UNDEAD" run -- "$PY" "$HOSTS/host.py" walk "$stock" >/dev/null 2>&1 || note "$tc: undead run -- python3 host.py (stock): exit $?"
done
# Hosts without Go: nothing.
for cmd in "$PY -c print(1)" "/bin/true"; do
  # shellcheck disable=SC2086
  out=$(UNDEAD_OPTIONS=verbosity=1 LD_PRELOAD="$UNDEAD_SO" $cmd 2>&1 >/dev/null)
  [ -z "$out" ] || note "'$cmd' with the shim printed: $out"
done
[ "$bad" = 0 ] || fail "Go libraries in C and Python hosts are not watched as they should be"
skip_missing_toolchains
echo PASS
