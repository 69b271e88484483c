# Helpers for the shim's end-to-end tests (tests/e2e/shim_*.sh). Sourced;
# files named *_lib.sh are not tests.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

SHIM_PROGS="issue7978 nested manycb cthread"
# The same as `go test` links them (-s -w: no symbol table, no DWARF), and
# issue7978 as a PIE, plain and stripped.
SHIM_BUILDS="$SHIM_PROGS issue7978-pie issue7978-stripped nested-stripped manycb-stripped
  cthread-stripped issue7978-pie-stripped"
# shim_builds TOOLCHAIN -> the builds of SHIM_BUILDS a test makes with it:
# all of them with heavy_toolchains (1.19 and the machine's by default,
# every toolchain with --long), else the plain programs and issue7978 as
# `go test` links it (the link shapes are the same on every release; the
# runtime's code is what differs).
shim_builds() {
  case " $(heavy_toolchains | tr '\n' ' ') " in
    *" $1 "*) echo "$SHIM_BUILDS" ;;
    *) echo "$SHIM_PROGS issue7978-stripped" ;;
  esac
}
# shim_build TOOLCHAIN VARIANT PROG -> the binary of tests/go/PROG; PROG
# "NAME-pie" is NAME built as a PIE (-buildmode=pie), "NAME-stripped" and
# "NAME-pie-stripped" the same linked with -s -w.
shim_build() {
  local name=$3 variant=$2 strip=0 flags=()
  case $name in *-stripped) name=${name%-stripped}; strip=1 ;; esac
  case $name in *-pie) name=${name%-pie}; variant=$variant-pie; flags=(-buildmode=pie) ;; esac
  [ "$strip" = 1 ] && variant=$variant-stripped
  gobuild "$1" "$variant" "$UNDEAD_ROOT/tests/go/$name" "${flags[@]}"
}
# shim_prog_name PROG -> the program's own name ("issue7978-pie-stripped" -> "issue7978").
shim_prog_name() { local n=${1%-stripped}; echo "${n%-pie}"; }
# Runs per (toolchain, program): UNDEAD_SHIM_RUNS, else 20 with --long, else 3.
shim_runs() {
  if [ -n "${UNDEAD_SHIM_RUNS:-}" ]; then echo "$UNDEAD_SHIM_RUNS"
  elif [ "${UNDEAD_LONG:-0}" = 1 ]; then echo 20
  else echo 3; fi
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
