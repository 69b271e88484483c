#!/usr/bin/env bash
# The quarantine's SIGSEGV handler (shim/check/fault.h) stands in front of
# the program's from the first held stack made inaccessible on: every
# other fault must reach the program's own action as it would have without
# the shim. tests/go/segvok moves stacks inside callbacks (stacks of 4 KiB
# and more are left with a cgo call open, so they are held inaccessible)
# while it recovers nil dereferences as panics and faults on a page of its
# own with debug.SetPanicOnFault, in the callbacks and after them; then:
#   - nothing more: its output, byte for byte, and its exit status are the
#     same without the shim, with quarantine=1 and with undead run
#     --stress, and stacks were protected (counted, so the handler was in
#     front all along);
#   - a fault in C code (-then crash): Go's crash report (the signal, the
#     pc, the faulting goroutine's stack; addresses aside) and exit 2, the
#     same;
#   - the program set SIGSEGV to SIG_DFL (-then dfl) or SIG_IGN (-then ign)
#     itself: a sent SIGSEGV ignored (ign), a fault killing the process by
#     SIGSEGV, the same;
#   - built with -fsanitize=thread (gcc's TSan, whose own SIGSEGV handler
#     the shim's goes in front of, and whose sigaction interceptor it does
#     not go through), under undead run --stress: the same output, stacks
#     protected.
# Toolchains: 119 and cur by default, all six with UNDEAD_LONG=1.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
[ -f "$UNDEAD_SO" ] || fail "shim not built: $UNDEAD_SO"
if [ "${UNDEAD_LONG:-0}" = 1 ]; then tcs=$(undead_toolchains); else
  tcs=$(for tc in $(undead_toolchains); do case " 119 cur " in *" $tc "*) echo "$tc" ;; esac; done); fi

# run NAME ARGS...: the program as asked, stdout and stderr apart, the
# shell's notice of a death by signal kept out of both; the status in NAME.rc
run() {
  local name=$1; shift
  ("$@" >"$work/$name.out" 2>"$work/$name.err"; echo $? >"$work/$name.rc") 2>/dev/null
}

# Go's crash report up to the end of the faulting goroutine's stack, its
# addresses (which move from run to run) and offsets blanked.
crash_head() {
  awk 'NF == 0 { if (++blank == 2) exit } { print }' "$1" | sed -E 's/0x[0-9a-f]+/0xN/g'
}

check() {
  local tc=$1 bin then mode held prot
  bin=$(gobuild "$tc" stock tests/go/segvok) || fail "$tc: build"
  work=$UNDEAD_WORK/quarantine_signals/$tc
  rm -rf "$work"; mkdir -p "$work"

  for then in none crash dfl ign; do
    run "$then.plain" "$bin" -then "$then"
    run "$then.shim" env UNDEAD_OPTIONS=quarantine=1 LD_PRELOAD="$UNDEAD_SO" "$bin" -then "$then"
    run "$then.stress" "$UNDEAD" run --stress -- "$bin" -then "$then"
    for mode in shim stress; do
      [ "$(cat "$work/$then.$mode.rc")" = "$(cat "$work/$then.plain.rc")" ] ||
        fail "$tc: -then $then, $mode: exit $(cat "$work/$then.$mode.rc"), without the shim $(cat "$work/$then.plain.rc"): $(tail -3 "$work/$then.$mode.err")"
      cmp -s "$work/$then.plain.out" "$work/$then.$mode.out" ||
        fail "$tc: -then $then, $mode: stdout differs: $(diff "$work/$then.plain.out" "$work/$then.$mode.out" | head -5)"
      ! grep -q 'undead' "$work/$then.$mode.err" || fail "$tc: -then $then, $mode: the shim spoke: $(grep undead "$work/$then.$mode.err" | head -3)"
      case $then in
        none) cmp -s "$work/$then.plain.err" "$work/$then.$mode.err" || fail "$tc: $mode: stderr differs" ;;
        crash) diff <(crash_head "$work/$then.plain.err") <(crash_head "$work/$then.$mode.err") >"$work/$then.$mode.diff" ||
          fail "$tc: -then crash, $mode: Go's crash report differs: $(head -6 "$work/$then.$mode.diff")" ;;
        *) cmp -s "$work/$then.plain.err" "$work/$then.$mode.err" || fail "$tc: -then $then, $mode: stderr differs" ;;
      esac
    done
    echo "$tc: -then $then: exit $(cat "$work/$then.plain.rc"), the same output with quarantine=1 and undead run --stress"
  done
  [ "$(cat "$work/none.plain.rc")" = 0 ] && grep -q '^segvok: 200 nil dereferences recovered: runtime error: ' "$work/none.plain.out" &&
    grep -q '^segvok: 200 faults recovered at page+0x18: runtime error: ' "$work/none.plain.out" ||
    fail "$tc: the program itself did not recover its faults: $(cat "$work/none.plain.out" "$work/none.plain.err" | head -5)"
  [ "$(cat "$work/crash.plain.rc")" = 2 ] && grep -qE '^(SIGSEGV: segmentation violation|\[signal SIGSEGV: segmentation violation )' "$work/crash.plain.err" ||
    fail "$tc: -then crash: not Go's crash report (exit $(cat "$work/crash.plain.rc")): $(head -2 "$work/crash.plain.err")"
  for then in dfl ign; do
    [ "$(cat "$work/$then.plain.rc")" = 139 ] || fail "$tc: -then $then: exit $(cat "$work/$then.plain.rc"), not a death by SIGSEGV"
  done
  grep -q 'the SIGSEGV sent was ignored' "$work/ign.plain.out" || fail "$tc: -then ign: the sent SIGSEGV was not ignored"

  # the handler was in front: held stacks were protected
  UNDEAD_OPTIONS=quarantine=1:verbosity=1 LD_PRELOAD=$UNDEAD_SO "$bin" >"$work/counted.out" 2>&1 ||
    fail "$tc: quarantine=1:verbosity=1 failed"
  held=$(sed -nE 's/^undead: checked: .* ([0-9]+) left stack\(s\) quarantined.*/\1/p' "$work/counted.out")
  prot=$(sed -nE 's/^undead: checked: .* quarantined \(([0-9]+) protected\).*/\1/p' "$work/counted.out")
  [ "${prot:-0}" -gt 0 ] || fail "$tc: no held stack was protected (held ${held:-0}): the test saw nothing"
  echo "$tc: $held left stack(s) held, $prot protected while the program took its own faults"

  local tsan norand=()
  setarch "$(uname -m)" -R true 2>/dev/null && norand=(setarch "$(uname -m)" -R)
  tsan=$(export CGO_CFLAGS=-fsanitize=thread CGO_LDFLAGS=-fsanitize=thread; gobuild "$tc" stock-tsan tests/go/segvok) ||
    fail "$tc: build with -fsanitize=thread"
  run tsan.plain env TSAN_OPTIONS=halt_on_error=1 "${norand[@]}" "$tsan"
  run tsan.stress env TSAN_OPTIONS=halt_on_error=1 "$UNDEAD" run --stress --options verbosity=1 -- "${norand[@]}" "$tsan"
  [ "$(cat "$work/tsan.plain.rc")" = 0 ] && [ "$(cat "$work/tsan.stress.rc")" = 0 ] ||
    fail "$tc: TSan: exit $(cat "$work/tsan.plain.rc") without the shim, $(cat "$work/tsan.stress.rc") with: $(tail -3 "$work/tsan.stress.err")"
  cmp -s "$work/tsan.plain.out" "$work/tsan.stress.out" || fail "$tc: TSan: stdout differs"
  prot=$(sed -nE 's/^undead: checked: .* quarantined \(([0-9]+) protected\).*/\1/p' "$work/tsan.stress.err")
  [ "${prot:-0}" -gt 0 ] || fail "$tc: TSan: no held stack was protected"
  echo "$tc: TSan, undead run --stress: the same output, $prot stack(s) protected"
}

per_toolchain "Go's own SIGSEGV uses behind the quarantine's handler" check $tcs
