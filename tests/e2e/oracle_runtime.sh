#!/usr/bin/env bash
# Stack maps decoded by undead == the Go runtime's own getStackMap, at every
# safe point of a cgo program (tests/oracle/helper), built with each of the
# six toolchains (tests/lib/common.sh).
set -u
. "$(dirname "$0")/../lib/common.sh"

# oracle_compare TOOLCHAIN: the Go helper (tests/oracle/helper) is built with
# the toolchain and fed every function entry and every call's return address
# of its own binary; it answers with the runtime's own getStackMap (reached
# through go:linkname). oracle_view answers the same PCs with undead's
# decoders. The two must agree on every line, and a planted decoder bug
# (oracle_view mutant) must be caught.
oracle_compare() {
  local tc=$1 flags=() bin view dir pcs n funcs ndiff
  view=$UNDEAD_BUILD/tests/oracle/oracle_view
  [ -x "$view" ] || fail "$view not built (meson compile -C build)"
  [ "$(go_minor "$tc")" -ge 23 ] && flags=(-ldflags=-checklinkname=0) # Go 1.23+ checks linknames
  bin=$(gobuild "$tc" stock "$UNDEAD_ROOT/tests/oracle/helper" "${flags[@]}") || fail "cannot build the oracle helper with $tc"
  "$bin" work >/dev/null || fail "oracle helper workload failed ($tc)"
  dir=$(mktemp -d "$UNDEAD_WORK/oracle-$tc.XXXXXX")
  pcs=$dir/pcs
  "$view" pcs "$bin" > "$pcs" || fail "oracle_view pcs failed on $bin"
  n=$(wc -l < "$pcs")
  [ "$n" -gt 5000 ] || fail "only $n PCs listed for $bin"
  "$bin" < "$pcs" > "$dir/runtime.txt" || fail "the oracle helper failed ($tc); see $dir"
  "$view" view "$bin" < "$pcs" > "$dir/undead.txt" || fail "oracle_view view failed ($tc)"
  [ "$(wc -l < "$dir/runtime.txt")" = "$n" ] || fail "runtime view has $(wc -l < "$dir/runtime.txt") lines, want $n"
  if ! diff "$dir/undead.txt" "$dir/runtime.txt" > "$dir/diff.txt"; then
    ndiff=$(grep -c '^<' "$dir/diff.txt")
    head -20 "$dir/diff.txt" >&2
    fail "$tc: $ndiff of $n PCs disagree with the runtime (< undead, > runtime; $dir/diff.txt)"
  fi
  # The comparison must be able to fail.
  "$view" mutant "$bin" < "$pcs" > "$dir/mutant.txt"
  if cmp -s "$dir/mutant.txt" "$dir/runtime.txt"; then
    fail "$tc: a planted decoder bug went unnoticed"
  fi
  funcs=$(awk '{print $3}' "$dir/runtime.txt" | sort -u | wc -l)
  grep -q ' L=[1-9][0-9]*:[0-9a-f]*[1-9a-f]' "$dir/runtime.txt" || fail "$tc: no live locals anywhere: the workload checks nothing"
  echo "oracle $tc: $n PCs in $funcs functions agree with the runtime's getStackMap" \
       "($(grep -c ' L=' "$dir/runtime.txt") with maps, $(grep -c ' throw=' "$dir/runtime.txt") where it would throw)"
  rm -rf "$dir"
}

per_toolchain "stack maps differ from the runtime's with" oracle_compare $(undead_toolchains)
