#!/usr/bin/env bash
# A process that wrote a report never exits as if clean, whoever calls
# exit and when, and concurrent exits leave the counts once, whole.
# tests/go/exitrace on the runtime with the seed bug: four goroutines whose
# callbacks grow their stacks (a report at the first copy) while main calls
# os.Exit(0) as soon as the first callback began, after a delay that varies
# from run to run (0 to 2 ms: before, during and after the report). Every run
# that left a report (on stderr, or in its JSON log) must end nonzero: with
# the default options by SIGABRT (134), with abort_on_error=0 with exitcode,
# with halt_on_error=0 with exitcode too (66, README "Options").
# On the stock runtime, four goroutines call os.Exit(0) at once: each
# process leaves exactly one whole undead-counts/1 record in its log.
# UNDEAD_EXIT_RUNS runs for the default options and for the exits at once
# (20; 100 with --long), a quarter of that for the other options; the
# machine's Go and the newest by default, every toolchain with --long.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/exit_race
ulimit -c 0 # the aborts leave no core
rm -rf "$work"; mkdir -p "$work"
runs=${UNDEAD_EXIT_RUNS:-20}; [ "${UNDEAD_LONG:-0}" = 1 ] && runs=${UNDEAD_EXIT_RUNS:-100}
delays=(0 50us 200us 500us 1ms 2ms)
check() {
  local tc=$1 bug stock i d rc bad=0 opts want pre n reported clean recs
  bug=$(gobuild "$tc" undead "$UNDEAD_ROOT/tests/go/exitrace") || fail "build $tc undead exitrace"
  stock=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/exitrace") || fail "build $tc exitrace"
  # case name, options, status wanted after a report
  while read -r name opts want; do
    reported=0 clean=0 n=$runs
    [ "$name" = default ] || [ "${UNDEAD_LONG:-0}" = 1 ] || n=$(( (runs + 3) / 4 ))
    for i in $(seq "$n"); do
      d=${delays[$((i % ${#delays[@]}))]}
      pre=$work/$tc-$name-$i
      case $opts in *log_path*) opts=${opts/LOG/$pre.log} ;; esac
      rc=$(UNDEAD_OPTIONS=${opts#-} run_shim "$pre" "$bug" -delay "$d")
      opts=${opts/$pre.log/LOG}
      if grep -qs 'ERROR: undead' "$pre.err" || grep -qs '"undead-report/1"' "$pre".log.* ; then
        reported=$((reported + 1))
        if [ "$rc" != "$want" ]; then
          echo "FAIL  $name run $i (delay $d): a report was written and the process exited $rc, want $want"; bad=1
        fi
      elif [ "$rc" != 0 ]; then
        echo "FAIL  $name run $i (delay $d): no report, exit $rc"; tail -3 "$pre.err"; bad=1
      else
        clean=$((clean + 1))
      fi
    done
    echo "$tc $name: $reported of $n runs reported, $clean exited before any report"
    [ "$reported" -gt 0 ] || { echo "FAIL  $name: no run reported"; bad=1; }
  done <<'CASES'
default - 134
json_log log_path=LOG:format=json 134
exitcode abort_on_error=0 66
go_on halt_on_error=0 66
go_on_json halt_on_error=0:log_path=LOG:format=json 66
CASES
  for i in $(seq "$runs"); do
    pre=$work/$tc-exits-$i
    rc=$(UNDEAD_OPTIONS=log_path=$pre.log:format=json run_shim "$pre" "$stock" -exiters 4)
    recs=$(python3 -c 'import json,sys
n=0
for f in sys.argv[1:]:
    for l in open(f):
        r=json.loads(l)
        if r.get("schema")=="undead-counts/1" and r["callbacks"]>=4: n+=1
        else: print("bad record", l[:80]); sys.exit(0)
print(n)' "$pre".log.* 2>&1)
    if [ "$rc" != 0 ] || [ "$recs" != 1 ]; then
      echo "FAIL  four os.Exit at once, run $i: exit $rc, counts records: '${recs:-no log}'"; bad=1
    fi
  done
  echo "$tc four os.Exit at once: $runs runs checked"
  [ "$bad" = 0 ]
}
tcs="cur next"; [ "${UNDEAD_LONG:-0}" = 1 ] && tcs=$(undead_toolchains)
[ -z "${UNDEAD_TOOLCHAINS:-}" ] || tcs=$(undead_toolchains)
per_toolchain "exit racing a report" check $tcs
