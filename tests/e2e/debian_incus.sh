#!/usr/bin/env bash
# A real program nobody here wrote, as a distribution ships it: Debian's
# incus client (bookworm-backports, Go 1.23.5, stripped: no symbol table,
# no DWARF). undead doctor says the shim can work on it and names where the
# runtime layout came from (the type descriptors, the Go 1.23 table
# agreeing); `incus --version` and `incus remote list` under the shim give
# the same output and exit status as without it, and verbosity=1 says the
# shim is active (and that, with no exported Go function, nothing can call
# back into Go to be checked).
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
INCUS=/usr/bin/incus
[ -x "$INCUS" ] || fail "$INCUS missing (scripts/setup installs incus-client from bookworm-backports)"
work=$UNDEAD_WORK/debian_incus
rm -rf "$work"; mkdir -p "$work/home"
bad=0
"$UNDEAD" doctor "$INCUS" > "$work/doctor.txt"; rc=$?
cat "$work/doctor.txt" | grep -E '^  (Go version|Go release|runtime layout|exported)|^verdict'
[ "$rc" = 0 ] || { echo "  doctor exit $rc"; bad=1; }
grep -q '^  \.symtab  *absent' "$work/doctor.txt" && grep -q '^  DWARF  *absent' "$work/doctor.txt" ||
  { echo "  incus is expected stripped, as Debian ships it"; bad=1; }
grep -q '^  runtime layout   from the type descriptors, agreeing: table go1\.23$' "$work/doctor.txt" ||
  { echo "  doctor does not name the layout's sources"; bad=1; }
for args in "--version" "remote list"; do
  # shellcheck disable=SC2086
  HOME=$work/home timeout 60 "$INCUS" $args > "$work/plain.out" 2> "$work/plain.err"; want=$?
  # shellcheck disable=SC2086
  HOME=$work/home UNDEAD_OPTIONS=verbosity=1 LD_PRELOAD="$UNDEAD_SO" timeout 60 "$INCUS" $args \
    > "$work/shim.out" 2> "$work/shim.err"; got=$?
  if [ "$got" != "$want" ] || ! cmp -s "$work/plain.out" "$work/shim.out" ||
     ! diff <(grep -v '^undead: ' "$work/shim.err") "$work/plain.err" >/dev/null; then
    echo "  incus $args: exit $got with the shim, $want without, or output differs"; bad=1
  fi
  grep -q '^undead: active: go1\.23\.5 /usr/bin/incus: .*nothing will be checked$' "$work/shim.err" ||
    { echo "  incus $args: the shim does not say it is active: $(head -2 "$work/shim.err")"; bad=1; }
  echo "incus $args: exit $got, same output with and without the shim"
done
[ "$bad" = 0 ] || fail "incus under the shim"
echo PASS
