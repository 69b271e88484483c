#!/usr/bin/env bash
# Under an address-space limit (ulimit -v) close to what the program itself
# needs, a cgo program whose goroutines make callbacks on several threads
# runs under the shim as without it: the check path allocates nothing after
# start-up (a thread's first count once allocated from jemalloc, which
# crashed inside jemalloc when its next mapping was refused).
# The program's own need is found here, without the shim: the smallest
# limit on a 10 MB ladder at which it passes twice (glibc's per-thread
# malloc arenas, 64 MB of address space each when there is room, are kept
# to one: MALLOC_ARENA_MAX=1). The shim is run 16, 24 and 32 MB above it
# (the old per-thread allocation needed about 50 MB more); at each limit,
# each run without the shim that passes must pass with it too (the shim
# active, its callbacks counted). Near its limit the Go runtime itself runs
# out of memory now and then, as it starts one thread more or less: a run
# under the shim gets three tries before it counts as failed.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/hotpath_ulimit
rm -rf "$work"; mkdir -p "$work"
args=(-workers 4 -calls 20)
export MALLOC_ARENA_MAX=1
runs=2; [ "${UNDEAD_LONG:-0}" = 1 ] && runs=6
# limited KB OUTPREFIX CMD... -> exit status, with 1 MB thread stacks (a
# thread's stack counts against the limit; the default 8 MB makes the need
# depend on how many threads the runtime happens to start)
limited() {
  local kb=$1 pre=$2; shift 2
  (ulimit -s 1024 && ulimit -v "$kb" && exec timeout 60 "$@" >"$pre.out" 2>"$pre.err"); echo $?
}
check() {
  local tc=$1 bin need="" kb i bad=0 rc
  bin=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/go/manycb") || fail "build $tc manycb"
  for kb in $(seq 400000 10000 2000000); do
    if [ "$(limited "$kb" "$work/$tc-find" "$bin" "${args[@]}")" = 0 ] &&
       [ "$(limited "$kb" "$work/$tc-find" "$bin" "${args[@]}")" = 0 ]; then need=$kb; break; fi
  done
  [ -n "$need" ] || fail "$tc: manycb does not run under any limit up to 2 GB"
  echo "$tc: manycb needs about $need KB of address space"
  for kb in $((need + 16384)) $((need + 24576)) $((need + 32768)); do
    for i in $(seq "$runs"); do
      rc=$(limited "$kb" "$work/$tc-plain" "$bin" "${args[@]}")
      [ "$rc" = 0 ] || { echo "  $kb KB: without the shim, exit $rc (left out)"; continue; }
      for try in 1 2 3; do
        rc=$(UNDEAD_OPTIONS=verbosity=1 LD_PRELOAD=$UNDEAD_SO limited "$kb" "$work/$tc-shim" "$bin" "${args[@]}")
        [ "$rc" = 0 ] && break
      done
      if [ "$rc" != 0 ]; then
        echo "FAIL  $kb KB: exit 0 without the shim, $rc with it:"; grep -m3 -E 'fatal|SIG|undead' "$work/$tc-shim.err"; bad=1
      elif ! grep -q '^undead: checked: 80 callback(s)' "$work/$tc-shim.err"; then
        echo "FAIL  $kb KB: the shim did not check the 80 callbacks:"; grep -m3 undead "$work/$tc-shim.err"; bad=1
      else
        echo "ok    $kb KB run $i"
      fi
    done
  done
  [ "$bad" = 0 ]
}
per_toolchain "the shim under ulimit -v" check $(heavy_toolchains)
