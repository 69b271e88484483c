# Helpers for the shim's end-to-end tests (tests/e2e/shim_*.sh). Sourced;
# files named *_lib.sh are not tests.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

SHIM_PROGS="issue7978 nested manycb cthread"
# shim_build TOOLCHAIN VARIANT PROG -> the binary of tests/go/PROG, or with
# PROG "NAME-pie", of tests/go/NAME built as a PIE (-buildmode=pie).
shim_build() {
  case $3 in
    *-pie) gobuild "$1" "$2-pie" "$UNDEAD_ROOT/tests/go/${3%-pie}" -buildmode=pie ;;
    *) gobuild "$1" "$2" "$UNDEAD_ROOT/tests/go/$3" ;;
  esac
}
# Runs per (toolchain, program): UNDEAD_SHIM_RUNS, else 20 with --long, else 5.
shim_runs() {
  if [ -n "${UNDEAD_SHIM_RUNS:-}" ]; then echo "$UNDEAD_SHIM_RUNS"
  elif [ "${UNDEAD_LONG:-0}" = 1 ]; then echo 20
  else echo 5; fi
}

shim_need() {
  [ -f "$UNDEAD_SO" ] || fail "shim not built: $UNDEAD_SO"
}

# cgocall_lines TOOLCHAIN -> "XLINE YLINE": the lines of runtime.cgocall's
# calls to entersyscall (X) and asmcgocall (Y) in that toolchain's source.
cgocall_lines() {
  local go goroot f
  go=$(go_for "$1") || return 1
  goroot=$("$go" env GOROOT) || return 1
  f=$goroot/src/runtime/cgocall.go
  awk '/^func cgocall\(/ {in_f=1} in_f && /^\tentersyscall\(\)$/ && !x {x=NR}
       in_f && /asmcgocall\(fn, arg\)/ && !y {y=NR} in_f && /^}/ {in_f=0}
       END {if (x && y) print x, y; else exit 1}' "$f"
}

# run_shim OUTPREFIX BIN ARGS... : runs BIN under the shim with a time
# limit; stdout/stderr to OUTPREFIX.{out,err}; prints the exit status.
run_shim() {
  local pre=$1; shift
  LD_PRELOAD="$UNDEAD_SO" timeout 120 "$@" >"$pre.out" 2>"$pre.err"
  echo $?
}

# run_plain OUTPREFIX BIN ARGS... : the same without the shim.
run_plain() {
  local pre=$1; shift
  timeout 120 "$@" >"$pre.out" 2>"$pre.err"
  echo $?
}
