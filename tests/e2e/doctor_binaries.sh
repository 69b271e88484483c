#!/usr/bin/env bash
# `undead doctor` on real binaries of each toolchain (1.19 and the machine's by default: heavy_toolchains; all six with --long)
# (stock, seed bug,
# stripped, no DWARF, PIE, pure Go static and PIE): each fact checked against an
# independent oracle (`go version`, `go version -m`, readelf), and the
# verdict against what the shim itself does when preloaded into the same
# binary (verbosity=1 says "active" or "disabled"). --json is valid UTF-8
# JSON whatever bytes the path holds. Bad input exits 2.
set -uo pipefail
. "$(dirname "$0")/report_lib.sh"
[ -x "$UNDEAD" ] || fail "undead not built: $UNDEAD"
[ -f "$UNDEAD_SO" ] || fail "shim not built: $UNDEAD_SO"
"$UNDEAD" doctor --help >/dev/null 2>&1 || fail "undead doctor --help fails"
work=$UNDEAD_WORK/doctor
rm -rf "$work"; mkdir -p "$work"
bad=0
note() { echo "  BAD $*"; bad=$((bad+1)); }

# pure Go (static) and PIE builds, made here
mkdir -p "$work/purego"
cat >"$work/purego/main.go" <<'GO'
package main

func main() { println("pure go") }
GO
printf 'module purego\n\ngo 1.19\n' >"$work/purego/go.mod"

check() { # LABEL TOOLCHAIN BIN
  local label=$1 tc=$2 bin=$3 go out rc want_rc
  go=$(go_for "$tc")
  "$UNDEAD" doctor "$bin" >"$work/$label.txt" 2>&1; rc=$?
  "$UNDEAD" doctor --json "$bin" >"$work/$label.json" 2>&1
  python3 -m json.tool "$work/$label.json" >/dev/null 2>&1 || note "$label: --json output is not JSON"
  out=$work/$label.txt
  # Go version
  local gv; gv=$("$go" version "$bin" | awk '{print $2}')
  grep -q "^  Go version  *$gv\$" "$out" || note "$label: Go version, want $gv"
  # cgo
  local cgo=no; "$go" version -m "$bin" | grep -q 'CGO_ENABLED=1' && cgo=yes
  grep -q "^  cgo  *$cgo" "$out" || note "$label: cgo, want $cgo"
  # PIE, linking, .symtab, DWARF from readelf
  local pie=no; readelf -h "$bin" | grep -q 'Type: *DYN' && pie=yes
  grep -q "^  PIE  *$pie\$" "$out" || note "$label: PIE, want $pie"
  local link=static; readelf -l "$bin" | grep -q INTERP && link=dynamic
  grep -q "^  linking  *$link" "$out" || note "$label: linking, want $link"
  local st=absent; readelf -S "$bin" | grep -q ' \.symtab ' && st=present
  grep -q "^  \.symtab  *$st" "$out" || note "$label: .symtab, want $st"
  # (Go's DWARF has a compile unit named runtime; a -w build of Go 1.19 to
  # 1.23 keeps gcc's DWARF for the C objects only)
  local dw=absent
  if readelf -S "$bin" | grep -q ' \.z\?debug_info '; then
    # (grep reads it all: with pipefail, -q would fail the pipe by SIGPIPE)
    if readelf --debug-dump=info --dwarf-depth=1 "$bin" 2>/dev/null | grep -E 'DW_AT_name +: runtime$' >/dev/null
    then dw="present, Go's"; else dw="present, only the C objects'"; fi
  fi
  grep -q "^  DWARF  *$dw" "$out" || note "$label: DWARF, want $dw"
  # verdict vs the shim's own decision
  local shim; shim=$(UNDEAD_OPTIONS=verbosity=1 LD_PRELOAD="$UNDEAD_SO" timeout 60 "$bin" -rounds 1 2>&1 >/dev/null | grep -o 'undead: \(active\|disabled\)' | head -1)
  case "$shim" in
    "undead: active") want_rc=0 ;;
    *) want_rc=1 ;;
  esac
  [ "$rc" = "$want_rc" ] || note "$label: doctor exit $rc, but the shim says '${shim:-nothing}' (want $want_rc)"
  if [ "$rc" = 0 ]; then
    grep -q '^verdict: the shim can work' "$out" || note "$label: no positive verdict"
    grep -q 'runtime.cgocall X 0x' "$out" || note "$label: no gate frame listed"
    grep -Eq '^    growth +[1-9][0-9]* call site' "$out" || note "$label: no growth hook site"
    grep -Eq '^    shrink +[1-9][0-9]* call site' "$out" || note "$label: no shrink hook site"
  elif [ "$rc" = 1 ]; then
    grep -q '^verdict: the shim cannot work' "$out" && grep -q '^  - ' "$out" ||
      note "$label: exit 1 without reasons"
  fi
  printf '%-28s exit %s  shim: %-16s %s\n' "$label" "$rc" "${shim:-(not loaded)}" \
    "$(grep -m1 '^  - ' "$out" | sed 's/^  - //')"
}

for tc in $(heavy_toolchains); do
  have_toolchain "$tc" || continue
  go=$(go_for "$tc")
  src=$UNDEAD_ROOT/tests/go/issue7978
  for v in stock undead stock-stripped undead-stripped stock-nodwarf; do
    bin=$(gobuild "$tc" "$v" "$src") || fail "build $tc $v"
    check "$tc-$v" "$tc" "$bin"
  done
  # seed-bug binaries list the undead candidates, stock ones none
  grep -Eq '^      [1-9][0-9]* undead candidate' "$work/$tc-undead.txt" || note "$tc-undead: no candidates"
  grep -q '^      0 undead candidate' "$work/$tc-stock.txt" || note "$tc-stock: candidates on the stock runtime"
  (cd "$src" && CGO_ENABLED=1 "$go" build -buildmode=pie -o "$work/$tc-pie" .) >"$work/$tc-pie.log" 2>&1 ||
    fail "PIE build: $(tail -3 "$work/$tc-pie.log")"
  check "$tc-pie" "$tc" "$work/$tc-pie"
  (cd "$work/purego" && CGO_ENABLED=0 GOFLAGS= "$go" build -o "$work/$tc-purego" .) >"$work/$tc-purego.log" 2>&1 ||
    fail "pure Go build: $(tail -3 "$work/$tc-purego.log")"
  check "$tc-purego" "$tc" "$work/$tc-purego"
  # A pure Go PIE is dynamically linked, so the shim is loaded into it: it
  # has no cgo gate, and the shim says nothing at the default verbosity.
  (cd "$work/purego" && CGO_ENABLED=0 GOFLAGS= "$go" build -buildmode=pie -o "$work/$tc-purego-pie" .) >"$work/$tc-purego-pie.log" 2>&1 ||
    fail "pure Go PIE build: $(tail -3 "$work/$tc-purego-pie.log")"
  check "$tc-purego-pie" "$tc" "$work/$tc-purego-pie"
  out=$(LD_PRELOAD="$UNDEAD_SO" timeout 60 "$work/$tc-purego-pie" 2>&1)
  [ "$out" = "pure go" ] || note "$tc-purego-pie: under the shim printed '$out', want only 'pure go'"
done

# --json is valid UTF-8 JSON whatever bytes the path holds (invalid UTF-8
# becomes U+FFFD); python's strict decoder is the oracle.
odd=$work/$'odd\xffname'
cp "$bin" "$odd"
"$UNDEAD" doctor --json "$odd" >"$work/odd.json" 2>&1
python3 -c 'import json, sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))' "$work/odd.json" ||
  note "doctor --json on a path with invalid UTF-8 is not valid UTF-8 JSON"

# bad input: exit 2, one line
for args in "" "/nonexistent/file" "/etc/passwd" "--bogus x" "a b"; do
  # shellcheck disable=SC2086
  "$UNDEAD" doctor $args >/dev/null 2>"$work/err"; rc=$?
  [ "$rc" = 2 ] && [ "$(wc -l <"$work/err")" = 1 ] || note "'doctor $args': exit $rc, $(cat "$work/err")"
done
"$UNDEAD" doctor /bin/sh >/dev/null 2>&1; rc=$?
[ "$rc" = 1 ] || note "doctor /bin/sh (not Go): exit $rc, want 1"

[ "$bad" = 0 ] || fail "$bad check(s) failed"
skip_missing_toolchains
echo PASS
