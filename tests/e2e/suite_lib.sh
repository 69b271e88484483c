# Helpers for the peer suites: run a Go test binary without and with the
# shim and compare. Sourced by tests/e2e/suite_*.sh and sqlite_*.sh (files
# named *_lib.sh are not tests; scripts/test does not run them).
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

# A report, in any rendering, carries one of these markers once: the text
# report's last line, or the JSON report's schema tag.
UNDEAD_REPORT_RE='SUMMARY: undead|"undead-report/[0-9]'

need_shim() {
  [ -f "$UNDEAD_SO" ] || fail "shim not built: $UNDEAD_SO"
}

# with_shim CMD... : run CMD with the shim preloaded in front of any
# LD_PRELOAD already set, reports to stderr (default options otherwise).
with_shim() {
  LD_PRELOAD="$UNDEAD_SO${LD_PRELOAD:+:$LD_PRELOAD}" "$@"
}

# report_count LOG... : number of undead reports in the logs.
report_count() {
  cat "$@" 2>/dev/null | grep -Ec "$UNDEAD_REPORT_RE" || true
}

# test_results LOG : "RESULT name" per test and subtest from -test.v output,
# sorted (RESULT is PASS, FAIL or SKIP).
test_results() {
  sed -nE 's/^ *--- (PASS|FAIL|SKIP): ([^ ]+).*/\1 \2/p' "$1" | sort -u
}

# run_pair NAME DIR TIMEOUT CMD... : runs CMD (cwd DIR) without and then
# with the shim (and PAIR_OPTIONS, if set, added to its options), logs in
# $PEER_LOGS/NAME.{without,with}.log, and compares:
# same exit status, same PASS/FAIL/SKIP sets, no report. A test that fails
# only with the shim is run once more alone with the shim (to tell a flaky
# test from a shim problem). Returns nonzero on a difference.
run_pair() {
  local name=$1 dir=$2 limit=$3; shift 3
  local wo=$PEER_LOGS/$name.without.log w=$PEER_LOGS/$name.with.log
  local rc_wo rc_w t0 t1 t2 bad=0
  mkdir -p "$PEER_LOGS"
  t0=$(date +%s.%N)
  (cd "$dir" && timeout "$limit" "$@") >"$wo" 2>&1; rc_wo=$?
  t1=$(date +%s.%N)
  # Reports from any process of the run (tests start subprocesses) land in
  # $rep.PID as well as in the output; verbosity=1 shows the shim's status.
  local rep=$PEER_LOGS/$name.report
  rm -f "$rep".*
  (cd "$dir" && UNDEAD_OPTIONS=${UNDEAD_OPTIONS:-log_path=$rep:verbosity=1${PAIR_OPTIONS:+:$PAIR_OPTIONS}} \
    with_shim timeout "$limit" "$@") >"$w" 2>&1; rc_w=$?
  t2=$(date +%s.%N)
  local n_wo n_w reps
  n_wo=$(test_results "$wo" | grep -c '^PASS' || true)
  n_w=$(test_results "$w" | grep -c '^PASS' || true)
  reps=$(report_count "$w" "$rep".*)
  awk -v n="$name" -v a="$t0" -v b="$t1" -v c="$t2" -v pw="$n_wo" -v p="$n_w" -v r="$reps" \
      -v e1="$rc_wo" -v e2="$rc_w" 'BEGIN{printf "%-22s without: %3d passed, exit %d, %6.2fs | with shim: %3d passed, exit %d, %6.2fs, %d reports\n", n, pw, e1, b-a, p, e2, c-b, r}'
  cat "$w" "$rep".* 2>/dev/null | grep -E '^undead: ' | sort | uniq -c | sort -rn | head -3 |
    awk '{ n = $1; sub(/^ *[0-9]+ /, ""); print "    shim (" n "x): " $0 }'
  # A shim that turned itself off proves nothing about these tests.
  if cat "$w" "$rep".* 2>/dev/null | grep -qE '^undead: disabled'; then
    echo "  $name: the shim turned itself off on this binary"; bad=1
  fi
  if [ "$n_wo" = 0 ]; then
    echo "  $name: no test passed even without the shim (see $wo)"; bad=1
  fi
  if [ "$reps" != 0 ]; then
    echo "  $name: the shim reported on a correct program:"
    cat "$w" "$rep".* 2>/dev/null | grep -E -m3 -B30 "$UNDEAD_REPORT_RE" |
      grep -vE '^ *(=== RUN|--- PASS)' | head -40 | sed 's/^/    | /'
    bad=1
  fi
  local diffs
  diffs=$(diff <(test_results "$wo") <(test_results "$w"))
  if [ -n "$diffs" ]; then
    # Tests that failed (or went missing) only with the shim: retry alone.
    local t still=() lost
    lost=$(echo "$diffs" | sed -nE 's/^< PASS ([^/]+).*/\1/p' | sort -u)
    if [ "$(echo "$lost" | wc -w)" -gt 5 ]; then still=(many); lost=; fi
    for t in $lost; do
      if (cd "$dir" && with_shim timeout "$limit" "$@" -test.run "^${t}\$") >"$w.retry" 2>&1 &&
         [ "$(report_count "$w.retry")" = 0 ]; then
        echo "  $name: $t failed once with the shim and passed alone with it (flaky test)"
      else
        still+=("$t")
      fi
    done
    local others
    others=$(echo "$diffs" | grep -E '^[<>]' | grep -vE '^< PASS|^> (FAIL|SKIP)' || true)
    if [ ${#still[@]} -gt 0 ] || [ -n "$others" ]; then
      echo "  $name: results differ with the shim:"
      echo "$diffs" | grep -E '^[<>]' | head -20 | sed 's/^/    /'
      bad=1
    fi
  elif [ "$rc_wo" != "$rc_w" ]; then
    echo "  $name: exit status differs ($rc_wo without, $rc_w with the shim)"
    tail -15 "$w" | sed 's/^/    | /'
    bad=1
  fi
  return $bad
}

# run_pair_stress NAME DIR TIMEOUT CMD... : run_pair with what `undead run
# --stress` sets (move_on_callback=1: every callback moves its goroutine's
# stack; quarantine=1: the stacks left are held, poisoned and checked); also
# requires that the shim's counts (verbosity=1, at exit) show forced moves
# and quarantined stacks, so a run in which the options did nothing cannot
# pass.
run_pair_stress() {
  local name=$1 bad=0 forced held
  PAIR_OPTIONS=move_on_callback=1:quarantine=1 run_pair "$@" || bad=1
  forced=$(sed -nE 's/^undead: checked: .* \(([0-9]+) forced\).*/\1/p' "$PEER_LOGS/$name.with.log" |
           awk '{ n += $1 } END { print n + 0 }')
  echo "    forced moves: $forced"
  if [ "$forced" = 0 ]; then
    echo "  $name: move_on_callback=1 forced no move"; bad=1
  fi
  held=$(sed -nE 's/^undead: checked: .* ([0-9]+) left stack\(s\) quarantined.*/\1/p' "$PEER_LOGS/$name.with.log" |
         awk '{ n += $1 } END { print n + 0 }')
  echo "    quarantined stacks: $held"
  if [ "$held" = 0 ]; then
    echo "  $name: quarantine=1 held no stack"; bad=1
  fi
  return $bad
}
