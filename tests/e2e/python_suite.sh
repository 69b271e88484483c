#!/usr/bin/env bash
# A host nobody here wrote: CPython's own test suite (Debian's
# libpython3.11-testsuite), a subset that makes threads, loads libraries
# with ctypes and handles signals, run by python3 without and with the
# shim, and with the shim while a Go library (tests/go/golib, c-shared) is
# loaded into the same interpreter (its runtime started and watched, with
# callbacks made through it first): the same tests pass every time, and the
# shim reports nothing. test_signal is in the --long run (a minute).
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
PY=/usr/bin/python3
"$PY" -c 'import test.libregrtest' 2>/dev/null || fail "CPython's test suite is missing (scripts/setup installs libpython3.11-testsuite)"
work=$UNDEAD_WORK/python_suite
mkdir -p "$work"
TESTS="test_threading test_thread test_ctypes"
[ "${UNDEAD_LONG:-0}" = 1 ] && TESTS="$TESTS test_signal"
bad=0
so=$work/libgolib.so
go=$(go_for cur) || fail "no Go toolchain"
if [ ! -f "$so" ] || [ -n "$(find "$UNDEAD_ROOT/tests/go/golib" -newer "$so" -type f | head -1)" ]; then
  (cd "$UNDEAD_ROOT/tests/go/golib" && CGO_ENABLED=1 "$go" build -buildmode=c-shared -o "$so" .) >"$work/build.log" 2>&1 ||
    fail "build golib: $(tail -3 "$work/build.log")"
fi
# With the Go library loaded first: its runtime runs in the interpreter for
# the whole suite, after a walk with callbacks through it.
cat > "$work/with_go.py" <<'PYEOF'
import ctypes, runpy, sys
lib = ctypes.CDLL(sys.argv[1])
CB = ctypes.CFUNCTYPE(None, ctypes.c_int64)
lib.GoGrow.argtypes = [ctypes.c_int64]
lib.GoWalk.argtypes = [CB, ctypes.c_int64]
lib.GoWalk.restype = ctypes.c_int64
cb = CB(lambda item: lib.GoGrow(32))
assert lib.GoWalk(cb, 3) == 3
sys.argv = ["test"] + sys.argv[2:]
runpy.run_module("test", run_name="__main__")
PYEOF
results() { # the regrtest summary: "All N tests OK.", failed tests, the verdict
  sed -nE 's/^All ([0-9]+) tests? OK\./ok \1/p; s/^([0-9]+) tests? failed:/failed \1/p; s/^Tests result: (.*)/result \1/p' "$1" |
    sort | tr '\n' ' '
}
run() { # NAME PRELOAD CMD...
  local name=$1 pre=$2; shift 2
  (cd "$work" && LD_PRELOAD=$pre UNDEAD_OPTIONS=verbosity=1 timeout 600 "$@") >"$work/$name.log" 2>&1
  echo $?
}
rc0=$(run plain "" "$PY" -m test $TESTS)
rc1=$(run shim "$UNDEAD_SO" "$PY" -m test $TESTS)
rc2=$(run go-plain "" "$PY" "$work/with_go.py" "$so" $TESTS)
rc3=$(run go-shim "$UNDEAD_SO" "$PY" "$work/with_go.py" "$so" $TESTS)
want="$(results "$work/plain.log")"
[[ "$want" == *"result SUCCESS"* ]] || { echo "  the subset does not pass even without the shim: '$want'"; bad=1; }
for n in shim go-plain go-shim; do
  [ "$(results "$work/$n.log")" = "$want" ] || { echo "  $n: '$(results "$work/$n.log")', without the shim '$want'"; bad=1; }
done
[ "$rc0 $rc1 $rc2 $rc3" = "0 0 0 0" ] || { echo "  exit statuses $rc0 $rc1 $rc2 $rc3"; bad=1; }
grep -q 'SUMMARY: undead\|^undead: disabled' "$work"/*shim.log && { echo "  the shim reported or turned off"; bad=1; }
grep -q '^undead: ' "$work/shim.log" && { echo "  the shim spoke in python3 without Go: $(grep -m1 '^undead: ' "$work/shim.log")"; bad=1; }
grep -q '^undead: active: go1\..* Go library ' "$work/go-shim.log" || { echo "  the Go library was not watched"; bad=1; }
grep -q '^undead: checked: [1-9][0-9]* callback' "$work/go-shim.log" || { echo "  no callback checked: $(grep -m1 'checked' "$work/go-shim.log")"; bad=1; }
echo "CPython $TESTS: $want; the same with the shim, and with a Go library loaded and watched"
[ "$bad" = 0 ] || fail "python3's own tests differ under the shim"
echo PASS
