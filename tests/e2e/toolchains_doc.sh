#!/usr/bin/env bash
# The toolchains the tests run are listed once (tests/lib/common.sh). This
# test ties the other places that name them to that list and to the real
# toolchains' versions:
#   - the release table (shim/core/goversion.c): a row is `.tested = true`
#     exactly for the releases of the six toolchains;
#   - scripts/setup installs the Debian package of every Debian toolchain;
#   - the README names the same list (`119 121 122 123 cur next`), every
#     toolchain's exact version in "Limits", and each Debian package in its
#     dependency table.
# A README or table that drifts from the list fails here.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
readme=$UNDEAD_ROOT/README.md
table=$UNDEAD_ROOT/shim/core/goversion.c
setup=$UNDEAD_ROOT/scripts/setup

bad=0
no() { echo "FAIL  $*"; bad=1; }

# The release of each toolchain, from its own go command.
declare -A release=() version=()
for tc in $UNDEAD_ALL_TOOLCHAINS; do
  go=$(go_for "$tc") || fail "toolchain $tc is not here (scripts/setup installs every one)"
  v=$("$go" env GOVERSION) || fail "$go env GOVERSION"
  v=${v#go}
  version[$tc]=$v
  release[$tc]=$(echo "$v" | cut -d. -f1,2)
  echo "toolchain $tc: go$v"
done

# The release table's tested rows, as 1.N.
tested=$(sed -n 's/.*UD_GO(1, \([0-9]*\)), \.tested = true.*/1.\1/p' "$table" | sort -u)
[ -n "$tested" ] || fail "no tested rows read from $table (its row format changed?)"
listed=$(printf '%s\n' "${release[@]}" | sort -u)
[ "$tested" = "$listed" ] ||
  no "goversion.c's tested rows ($(echo $tested)) are not the toolchains' releases ($(echo $listed))"

# scripts/setup: the Debian package of each Debian toolchain.
for tc in $UNDEAD_ALL_TOOLCHAINS; do
  case "$tc" in
    1[0-9][0-9]) pkg=golang-1.${tc#1}-go
      grep -qw -- "$pkg" "$setup" || no "scripts/setup does not install $pkg (toolchain $tc)"
      grep -q -- "$pkg" "$readme" || no "README's dependency table does not name $pkg (toolchain $tc)" ;;
  esac
done

# README: the list, and each exact version in Limits.
grep -qF "\`$UNDEAD_ALL_TOOLCHAINS\`" "$readme" || no "README does not give the toolchain list \`$UNDEAD_ALL_TOOLCHAINS\`"
limits=$(sed -n '/^## Limits/,/^## /p' "$readme" | tr '\n' ' ')
for tc in $UNDEAD_ALL_TOOLCHAINS; do
  case "$limits" in *"${version[$tc]}"*) ;; *) no "README's Limits does not name ${version[$tc]} (toolchain $tc)" ;; esac
done

# The comparison has teeth: a table with one more tested row is refused.
sed 's/UD_GO(1, 20), \.tested = false/UD_GO(1, 20), .tested = true/' "$table" |
  sed -n 's/.*UD_GO(1, \([0-9]*\)), \.tested = true.*/1.\1/p' | sort -u >"$UNDEAD_WORK/toolchains_doc.planted"
[ "$(cat "$UNDEAD_WORK/toolchains_doc.planted")" != "$listed" ] || no "a planted tested row for 1.20 was not told apart"

[ "$bad" = 0 ] || fail "the toolchain list and the places that name it disagree"
echo "six toolchains, the release table, scripts/setup and README agree"
