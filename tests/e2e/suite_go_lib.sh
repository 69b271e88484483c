# Go's own tests as the false-positive oracle: `go test -v -short` of Go's
# runtime and cgo test packages gives the same PASS/FAIL/SKIP per test (and
# the same package result) without the shim, under `go test -exec "undead
# run --"` and under `-exec "undead run --stress --"` (every callback moves
# its stack: forced moves counted; runtime-cgo, by default, in this mode
# only: see suite_modes), and no process under the shim reports
# (every process's log goes to a --log-dir; `undead report` on it must find
# no report, and says what was checked). The test binaries' children
# (testprogcgo, the C hosts of testcarchive and testcshared, the sanitizer
# programs) inherit the shim. Sourced by tests/e2e/suite_go*.sh:
#   runtime-cgo     runtime -run 'Cgo|StackSwitchCallback'
#   runtime         runtime -run 'Cgo|Pprof|Traceback|Signal|Callback|Stack'
#   cgo             cmd/cgo/internal/test
#   testcarchive    cmd/cgo/internal/testcarchive
#   testcshared     cmd/cgo/internal/testcshared
#   testsanitizers  cmd/cgo/internal/testsanitizers (its ASan cases must run:
#                   a SKIP of TestASAN* fails the test)
# (the cmd/cgo/internal packages exist since Go 1.21: with older toolchains
# those suites say so and are not run).
# A test whose result differs is run alone 3 more times in that mode: if all
# 3 give the result it has without the shim it is named as flaky and does not
# fail the run; otherwise it does. The differences known today (known_cause)
# are not retried, and fail the run until they are fixed.
# Logs: $UNDEAD_WORK/suite_go/TC/SUITE.MODE.log, reports SUITE.MODE.reports/.
. "$(dirname "${BASH_SOURCE[0]}")/suite_lib.sh"
need_shim
export LC_ALL=C  # one collation for sort and join
[ -x "$UNDEAD" ] || fail "undead not built: $UNDEAD"

# Differences known today, with their cause. They are printed next to the
# difference and still fail the test: the test passes when they are fixed.
# (None is known now: the pprof tests failed while the shim mapped a copy of
# the executable, and tsan15 while its exit hook ran C on a stack of its own.)
known_cause() {
  case "$1" in
    *) ;;
  esac
}

# suite NAME -> "PACKAGE;RUN-PATTERN;TIMEOUT-SECONDS" (the limit of one go test
# run: a loaded 2-core machine takes half of it for testsanitizers)
suite_spec() {
  case "$1" in
    runtime-cgo) echo "runtime;Cgo|StackSwitchCallback;1200" ;;
    runtime) echo "runtime;Cgo|Pprof|Traceback|Signal|Callback|Stack;2400" ;;
    cgo) echo "cmd/cgo/internal/test;;1200" ;;
    testcarchive) echo "cmd/cgo/internal/testcarchive;;2400" ;;
    testcshared) echo "cmd/cgo/internal/testcshared;;2400" ;;
    testsanitizers) echo "cmd/cgo/internal/testsanitizers;;3600" ;;
    *) return 1 ;;
  esac
}

# suite_modes SUITE -> the modes with the shim: run (the default options)
# and stress (every check on, and a forced move at every callback). The
# runtime's default suite, the slowest of the default run, runs in the
# stress mode only (its checks are the default's and more), and in both
# with --long.
suite_modes() {
  if [ "$1" = runtime-cgo ] && [ "${UNDEAD_LONG:-0}" != 1 ]; then echo stress; else echo run stress; fi
}

# results LOG : "NAME RESULT" per test and subtest, and "package RESULT"
# (ok or FAIL: the line go test ends a package with), sorted.
results() {
  sed -nE 's/^ *--- (PASS|FAIL|SKIP): ([^ ]+).*/\2 \1/p; s/^(ok|FAIL)[[:space:]]+([^ ]+)[[:space:]].*/package \1/p' "$1" | sort -u
}

# gotest TC GO MODE LOG LOGDIR TIMEOUT PKG [ARGS...] : go test -v -short
# of PKG without the shim (MODE plain), or with -exec "undead run
# [--stress] --log-dir LOGDIR --" (MODE run or stress).
gotest() {
  local tc=$1 go=$2 mode=$3 log=$4 logdir=$5 limit=$6; shift 6
  local exec=()
  case "$mode" in
    run) exec=(-exec "$UNDEAD run --log-dir $logdir --") ;;
    stress) exec=(-exec "$UNDEAD run --stress --log-dir $logdir --") ;;
  esac
  rm -rf "$logdir"
  GOFLAGS= timeout "$limit" "$go" test -count=1 -v -short -timeout "$((limit - 30))s" "${exec[@]}" "$@" >"$log" 2>&1
}

run_suite() {
  local tc=$1 s=$2 go goroot spec pkg pat limit work bad=0 mode t0 t1 secs=""
  go=$(go_for "$tc") || fail "no toolchain $tc"
  goroot=$("$go" env GOROOT)
  spec=$(suite_spec "$s") || fail "unknown suite '$s'"
  pkg=${spec%%;*} limit=${spec##*;}; pat=${spec#*;}; pat=${pat%;*}
  if [ ! -d "$goroot/src/$pkg" ]; then
    echo "$tc $s: no $pkg in this toolchain (Go 1.21 and later): not run"
    return 0
  fi
  work=$UNDEAD_WORK/suite_go/$tc
  mkdir -p "$work"
  # The tests start `go` from PATH (testsanitizers, testcarchive): this one.
  export PATH=$goroot/bin:$PATH
  local args=("$pkg")
  [ -n "$pat" ] && args=(-run "$pat" "$pkg")
  for mode in plain $(suite_modes "$s"); do
    t0=$(date +%s)
    gotest "$tc" "$go" "$mode" "$work/$s.$mode.log" "$work/$s.$mode.reports" "$limit" "${args[@]}"
    t1=$(date +%s)
    results "$work/$s.$mode.log" >"$work/$s.$mode.results"
    secs="$secs $mode $((t1 - t0))s"
  done
  local n_pass n_fail n_skip
  n_pass=$(grep -c ' PASS$' "$work/$s.plain.results"); n_fail=$(grep -c ' FAIL$' "$work/$s.plain.results")
  n_skip=$(grep -c ' SKIP$' "$work/$s.plain.results")
  echo "$tc $s: without the shim $n_pass passed, $n_fail failed, $n_skip skipped;${secs}"
  [ "$n_pass" -gt 0 ] || { echo "  $tc $s: nothing passed even without the shim (see $work/$s.plain.log)"; tail -5 "$work/$s.plain.log" | sed 's/^/    | /'; bad=1; }
  for mode in $(suite_modes "$s"); do
    local rep="$work/$s.$mode.reports" summary rc
    summary=$("$UNDEAD" report "$rep" 2>&1); rc=$?
    echo "  $mode: $(echo "$summary" | grep -m1 'checked in' || echo 'no counts')"
    if [ "$mode" = stress ] && ! echo "$summary" | grep -qE 'checked in .*\([1-9][0-9]* forced\)'; then
      echo "  $tc $s stress: --stress forced no stack move"; bad=1
    fi
    if [ "$rc" != 0 ]; then
      echo "  $tc $s $mode: undead report exit $rc: the shim reported on Go's own tests:"
      echo "$summary" | head -20 | sed 's/^/    | /'; bad=1
    fi
    local diffs t name want got retry_ok i line
    diffs=$(join -a1 -a2 -e MISSING -o 0,1.2,2.2 "$work/$s.plain.results" "$work/$s.$mode.results" |
            awk '$2 != $3')
    [ -z "$diffs" ] && continue
    # Top-level tests of the differences, retried alone (at most 5).
    local tops
    tops=$(echo "$diffs" | awk '$1 != "package" { sub(/\/.*/, "", $1); print $1 }' | sort -u)
    if [ "$(echo "$tops" | grep -c .)" -gt 5 ]; then
      echo "  $tc $s $mode: $(echo "$diffs" | wc -l) results differ (without -> with the shim):"
      echo "$diffs" | head -30 | awk '{ print "    " $1 ": " $2 " -> " $3 }'
      bad=1; continue
    fi
    local still=()
    for t in $tops; do
      # a known difference is not retried: it stays until fixed
      if [ -n "$(known_cause "$t")" ]; then still+=("$t"); continue; fi
      retry_ok=1
      for i in 1 2 3; do
        gotest "$tc" "$go" "$mode" "$work/$s.$mode.retry.log" "$work/$s.$mode.retry.reports" "$limit" \
          -run "^$t\$" "$pkg"
        if ! diff -q <(grep -E "^$t(/| )" "$work/$s.plain.results") \
                     <(results "$work/$s.$mode.retry.log" | grep -E "^$t(/| )") >/dev/null; then
          retry_ok=0; cp "$work/$s.$mode.retry.log" "$work/$s.$mode.$t.log"; break
        fi
      done
      [ $retry_ok = 1 ] || still+=("$t")
    done
    echo "$diffs" | while read -r name want got; do
      t=${name%%/*}
      line="$name: $want -> $got"
      if [ "$name" != package ] && [[ " ${still[*]} " != *" $t "* ]]; then
        echo "  $tc $s $mode: flaky: $line (then the same alone, 3 runs of 3)"
      else
        echo "  $tc $s $mode: DIFFERS: $line${t:+ $(known_cause "$name")}"
      fi
    done
    # A package result that differs with no test left differing: a crash
    # or a hang of the package itself.
    if [ ${#still[@]} -gt 0 ] || { echo "$diffs" | grep -q '^package ' && [ -z "$tops" ]; }; then
      bad=1
    fi
  done
  if [ "$s" = testsanitizers ]; then
    # Its ASan cases must run under the shim, not skip ("ASan runtime does
    # not come first").
    for mode in plain $(suite_modes "$s"); do
      if grep -E '^TestASAN[^ ]* SKIP$' "$work/$s.$mode.results" | grep -q .; then
        echo "  $tc $s $mode: ASan cases skipped: $(grep -E '^TestASAN[^ ]* SKIP$' "$work/$s.$mode.results" | head -3 | tr '\n' ' ')"
        bad=1
      fi
    done
    grep -qE '^TestASAN[^ ]* PASS$' "$work/$s.run.results" || { echo "  $tc $s: no ASan case passed under the shim"; bad=1; }
  fi
  return $bad
}

suite_go() {
  local tc=$1 s status=0
  for s in $SUITES; do
    run_suite "$tc" "$s" || status=1
  done
  [ $status = 0 ] || fail "$tc: Go's own tests differ under the shim"
}

# go_suites DEFAULT-SUITES LONG-SUITES : the test's body. Without
# UNDEAD_LONG, DEFAULT-SUITES on the machine's Go (cur) only (none: the test
# says so and passes); with it, LONG-SUITES on every toolchain of
# heavy_toolchains. UNDEAD_GO_SUITES overrides the suites.
go_suites() {
  local tcs
  if [ "${UNDEAD_LONG:-0}" = 1 ]; then
    SUITES=${UNDEAD_GO_SUITES:-$2}
    tcs=$(heavy_toolchains)
  else
    SUITES=${UNDEAD_GO_SUITES:-$1}
    if [ -z "$SUITES" ]; then
      echo "PASS: nothing in the default run; UNDEAD_LONG=1 (scripts/test --long) runs $2"
      exit 0
    fi
    tcs=$(for tc in $(undead_toolchains); do [ "$tc" = cur ] && echo cur; done)
  fi
  per_toolchain "Go's own tests ($SUITES) differ under the shim with" suite_go $tcs
}
