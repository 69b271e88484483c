#!/usr/bin/env bash
# undead scan with each of the six toolchains: the stock runtime scans clean
# (exit 0); the runtime with the three KeepAlive lines of cgocall removed (Go
# issue 17785 put back) reports runtime.cgocall's undead `fn` and `arg` slots
# (exit 1), naming the cgocall.go lines of X (the entersyscall call) and Y
# (the asmcgocall call) as they are in the overlay's source; a stripped
# (-s -w) build reports the same slots and lines, named from cgocall's
# signature (arguments by position, a local by the argument register the
# code spills into it) exactly as the unstripped build's DWARF names them.
# X and Y are checked against `go tool objdump`, the lines against the
# source.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
[ -x "$UNDEAD" ] || fail "$UNDEAD not built"
SRC=$UNDEAD_ROOT/tests/go/cgosmall
work=$UNDEAD_WORK/scan_cgocall
mkdir -p "$work"

# check_json FILE WANT_CANDIDATES XLINE YLINE WANT_NAMES(1|0) [REF_JSON]
check_json() {
  python3 - "$@" <<'PY'
import json, sys
path, want_cand, xline, yline, names = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
ref = json.load(open(sys.argv[6])) if len(sys.argv) > 6 else None
d = json.load(open(path))
errs = []
gates = [g for g in d["gates"] if g["function"] == "runtime.cgocall"]
if len(gates) != 1:
    errs.append("want exactly one runtime.cgocall gate, got %d" % len(gates))
else:
    g = gates[0]
    for side, line, callee in (("x", xline, "runtime.entersyscall"), ("y", yline, "runtime.asmcgocall")):
        s = g[side]
        if not s["file"].endswith("runtime/cgocall.go") or s["line"] != line:
            errs.append("%s at %s:%d, want runtime/cgocall.go:%d" % (side.upper(), s["file"], s["line"], line))
        if s["callee"] != callee:
            errs.append("%s callee %s, want %s" % (side.upper(), s["callee"], callee))
    got = sorted((u["name"] or "") for u in g["undead"])
    if want_cand == 0:
        if g["undead"]:
            errs.append("stock runtime: unexpected undead slots %s" % g["undead"])
    elif names:
        if got != ["arg", "fn"]:
            errs.append("undead names %s, want ['arg', 'fn']" % got)
    else:
        # Without DWARF, names come from cgocall's signature (arguments by
        # position, locals an argument register was spilled to, read from
        # the code): each must be the one the unstripped build's DWARF gives.
        rnames = {}
        if ref is not None:
            for rg in ref["gates"]:
                if rg["function"] == "runtime.cgocall":
                    rnames = {u["fp_offset"]: u["name"] for u in rg["undead"]}
        for u in g["undead"]:
            want = rnames.get(u["fp_offset"])
            if u["name"] != want:
                errs.append("without DWARF, %s slot fp%+d named %r, want %r (DWARF of the unstripped build)" % (
                    u["kind"], u["fp_offset"], u["name"], want))
    if ref is not None:
        rg = [x for x in ref["gates"] if x["function"] == "runtime.cgocall"][0]
        key = lambda u: (u["kind"], u["sp_offset"], u["fp_offset"])
        if sorted(map(key, g["undead"])) != sorted(map(key, rg["undead"])):
            errs.append("slots %s differ from the unstripped build's %s" % (
                sorted(map(key, g["undead"])), sorted(map(key, rg["undead"]))))
    for u in g["undead"]:
        if u["fp_offset"] != u["sp_offset"] - g["frame_size"] - 8:
            errs.append("fp_offset inconsistent: %s" % u)
if d["candidates"] != sum(len(g["undead"]) for g in d["gates"]):
    errs.append("candidates %d != sum of undead lists" % d["candidates"])
if (d["candidates"] > 0) != (want_cand > 0):
    errs.append("candidates %d" % d["candidates"])
for e in errs:
    print("  " + e)
sys.exit(1 if errs else 0)
PY
}

bad=0
for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  go=$(go_for "$tc")
  goroot=$("$go" env GOROOT)
  overlay_src=$(dirname "$(overlay_json "$tc")")/rt/cgocall.go
  for f in "$goroot/src/runtime/cgocall.go" "$overlay_src"; do
    # the lines inside func cgocall: X = entersyscall(), Y = asmcgocall(fn, arg)
    read -r xl yl < <(awk '/^func cgocall\(/{p=1} p&&/^}/{p=0}
      p&&/^\tentersyscall\(\)/{x=NR} p&&/asmcgocall\(fn, arg\)/{y=NR} END{print x, y}' "$f")
    [ -n "$xl" ] && [ -n "$yl" ] || fail "cannot find the entersyscall/asmcgocall lines in $f"
    if [ "$f" = "$overlay_src" ]; then oxl=$xl oyl=$yl; else sxl=$xl syl=$yl; fi
  done
  for variant in stock stock-stripped undead undead-stripped; do
    bin=$(gobuild "$tc" "$variant" "$SRC") || fail "build $tc $variant"
    out=$work/$tc-$variant
    "$UNDEAD" scan --json "$bin" > "$out.json" 2> "$out.err"; rc=$?
    "$UNDEAD" scan "$bin" > "$out.txt" 2>> "$out.err"; rc_text=$?
    case "$variant" in
      stock*) want_rc=0 want_cand=0 xl=$sxl yl=$syl ;;
      undead*) want_rc=1 want_cand=2 xl=$oxl yl=$oyl ;;
    esac
    case "$variant" in *-stripped) names=0 ref=$work/$tc-${variant%-stripped}.json ;; *) names=1 ref= ;; esac
    msg=""
    [ "$rc" = "$want_rc" ] || msg="exit $rc (json), want $want_rc"
    [ "$rc_text" = "$want_rc" ] || msg="$msg exit $rc_text (text), want $want_rc"
    [ -s "$out.err" ] && msg="$msg stderr: $(head -1 "$out.err")"
    if [ -z "$msg" ]; then
      check_json "$out.json" "$want_cand" "$xl" "$yl" "$names" ${ref:+"$ref"} > "$out.check" || msg=$(cat "$out.check")
    fi
    if [ "$names" = 1 ] && [ -z "$msg" ]; then
      # X and Y against the Go toolchain's own disassembler
      read -r ox oy < <("$go" tool objdump -s 'runtime.cgocall$' "$bin" | awk '
        /CALL runtime\.entersyscall\(SB\)/{x=$2} /CALL runtime\.asmcgocall(\.abi0)?\(SB\)/{y=$2} END{print x, y}')
      read -r jx jy < <(python3 -c 'import json,sys; g=[g for g in json.load(open(sys.argv[1]))["gates"] if g["function"]=="runtime.cgocall"][0]; print(g["x"]["ret"], g["y"]["ret"])' "$out.json")
      [ -n "$ox" ] && [ $((ox + 5)) = $((jx)) ] && [ $((oy + 5)) = $((jy)) ] \
        || msg="X/Y $jx/$jy, go tool objdump has the calls at ${ox:-?}/${oy:-?}"
    fi
    if [ "$want_rc" = 1 ] && [ -z "$msg" ]; then
      grep -q "cgocall.go:$xl .*runtime.entersyscall" "$out.txt" && grep -q "cgocall.go:$yl .*runtime.asmcgocall" "$out.txt" \
        && [ "$(grep -c '^  undead ' "$out.txt")" = 2 ] || msg="text output lacks the X/Y lines or the two undead slots"
      if [ "$names" = 1 ]; then
        grep -qE '^  undead .* fn$' "$out.txt" && grep -qE '^  undead .* arg$' "$out.txt" || msg="text output does not name fn and arg"
      fi
    fi
    if [ -z "$msg" ]; then
      printf '%-4s %-16s exit %d  X cgocall.go:%s  Y cgocall.go:%s  %s\n' "$tc" "$variant" "$rc" "$xl" "$yl" \
        "$(grep -E '^  undead' "$out.txt" | awk '{n=$5; for (i=6; i<=NF; i++) n=n" "$i; printf "%s%s [%s %s]", sep, n, $2, $3; sep=", "}')"
    else
      printf '%-4s %-16s FAIL: %s\n' "$tc" "$variant" "$msg"; bad=1
    fi
  done
done
[ "$bad" = 0 ] || fail "undead scan"
skip_missing_toolchains
echo PASS
