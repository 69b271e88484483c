#!/usr/bin/env bash
# Runtime layout, on every toolchain: the offsets the core reads from the
# binary's type descriptors must equal gdb's reading of the DWARF (the
# oracle) for every field the core reads, and so must the core's DWARF
# reader and the release's table; an unstripped build gets its layout from
# the descriptors with DWARF and the table agreeing; -s -w, -w and PIE
# builds get the same offsets (descriptors, table agreeing); every tested
# table row is covered by a toolchain here.
# Then the cross-check: an offset planted in a copy's type descriptor
# (layout_plant.py) is refused, naming the field and the two sources, with
# DWARF and (stripped) with the table; a copy whose version string says
# go1.28 (newer than every row) works from its descriptors alone, and is
# refused when they are wrong where DWARF can tell.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
PROBE=$UNDEAD_BUILD/tests/unit/layout_probe
PLANT=$UNDEAD_ROOT/tests/e2e/layout_plant.py
[ -x "$PROBE" ] || fail "$PROBE not built (meson compile -C build)"
command -v gdb >/dev/null || fail "gdb is needed (scripts/setup installs it)"
SRC=$UNDEAD_ROOT/tests/go/cgosmall
work=$UNDEAD_WORK/layout_sources
mkdir -p "$work"
bad=0
err() { echo "  MISMATCH: $*"; bad=1; }
get() { sed -n "s/^$2=//p" "$1" | head -1; }

# probe BIN NAME -> $work/NAME.probe
probe() { "$PROBE" "$1" > "$work/$2.probe" || fail "layout_probe $1"; }

covered=" "
for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  bin=$(gobuild "$tc" stock "$SRC") || fail "build $tc stock"
  probe "$bin" "$tc"
  p=$work/$tc.probe
  release=$(get "$p" release)
  covered="$covered$release "
  fields=$(get "$p" fields)
  members=$(for f in $fields; do echo "${f%%:*}"; done)
  UNDEAD_FIELDS=$fields timeout 120 gdb -nx -batch -x "$UNDEAD_ROOT/tests/e2e/layout_gdb.py" "$bin" 2>/dev/null \
    | grep -E '^[a-z0-9_]+=-?[0-9]+$' > "$work/$tc.gdb"
  [ "$(wc -l < "$work/$tc.gdb")" = "$(echo "$members" | wc -l)" ] || fail "gdb could not read runtime.g/runtime.m of $bin"
  echo "== $tc (release $release): $(echo "$members" | wc -l) fields; descriptor $(get "$p" types.where)"
  for src in types dwarf table; do
    e=$(get "$p" "$src.error")
    [ -z "$e" ] || err "$tc: the $src source failed: $e"
  done
  [ "$(get "$p" load.source)" = "type descriptors" ] || err "$tc: layout from '$(get "$p" load.source)'"
  [ "$(get "$p" load.agreed)" = "DWARF, table go${release:0:1}.${release:1}" ] \
    || err "$tc: sources agreeing: '$(get "$p" load.agreed)'"
  for m in $members; do
    want=$(get "$work/$tc.gdb" "$m")
    for src in types dwarf table load; do
      got=$(get "$p" "$src.$m")
      [ "$got" = "$want" ] || err "$tc $src.$m=$got, DWARF (gdb) says $want"
    done
  done

  stripped=$(gobuild "$tc" stock-stripped "$SRC") || fail "build $tc stock-stripped"
  nodwarf=$(gobuild "$tc" stock-nodwarf "$SRC") || fail "build $tc stock-nodwarf"
  pie=$(gobuild "$tc" pie "$SRC" -buildmode=pie) || fail "build $tc pie"
  for b in "$stripped" "$nodwarf" "$pie"; do
    v=$tc.$(basename "$(dirname "$b")")
    probe "$b" "$v"
    q=$work/$v.probe
    if [ -n "$(get "$q" load.error)" ]; then
      err "$v: $(get "$q" load.error)"; continue
    fi
    [ "$(get "$q" load.source)" = "type descriptors" ] || err "$v: layout from '$(get "$q" load.source)'"
    case "$v" in
      *pie) want_agreed="DWARF, table go${release:0:1}.${release:1}" ;;
      *) want_agreed="table go${release:0:1}.${release:1}" ;;
    esac
    [ "$(get "$q" load.agreed)" = "$want_agreed" ] || err "$v: sources agreeing '$(get "$q" load.agreed)', want '$want_agreed'"
    for m in $members; do
      [ "$(get "$q" "load.$m")" = "$(get "$work/$tc.gdb" "$m")" ] \
        || err "$v: load.$m=$(get "$q" "load.$m"), DWARF says $(get "$work/$tc.gdb" "$m")"
    done
  done
  echo "   descriptors = DWARF (core and gdb) = table, in exe, -s -w, -w and PIE builds"

  # The cross-check must be able to fail: g.syscallsp moved by 8 in a copy.
  msgs=""
  for b in "$bin" "$stripped"; do
    v=$tc.$(basename "$(dirname "$b")").planted
    taddr=$(get "$work/$tc.probe" types.where); taddr=${taddr%%,*}
    python3 "$PLANT" "$b" "$work/$v" "$taddr" syscallsp 8 >/dev/null || fail "cannot plant into $b"
    probe "$work/$v" "$v"
    msg=$(get "$work/$v.probe" load.error)
    other=DWARF; [ "$b" = "$stripped" ] && other=table
    [[ "$msg" == *"g.syscallsp"*"type descriptors"*"$other"* ]] \
      || err "$v: a planted g.syscallsp was not refused by the $other cross-check (load.error='$msg')"
    msgs="$msgs; $msg"
  done
  echo "   planted g.syscallsp: refused${msgs#;}"
done

# A release newer than every table row: the newest toolchain's build with
# its version string rewritten to go1.28.0 (same length) works from the
# descriptors (DWARF agreeing where present, no table), and is refused when
# a planted offset makes DWARF disagree.
newest=$(undead_toolchains | awk '{print $NF}')
for variant in stock stock-stripped; do
  b=$(gobuild "$newest" "$variant" "$SRC") || fail "build $newest $variant"
  as_next_release "$newest" "$b" "$work/$variant.next"
  ver=$("$(go_for "$newest")" version "$b" | awk '{print $2}')
  new=$("$(go_for "$newest")" version "$work/$variant.next" | awk '{print $2}')
  probe "$work/$variant.next" "$variant.next"
  q=$work/$variant.next.probe
  [ "$(get "$q" release)" = 128 ] || fail "$variant.next: release $(get "$q" release), want 128 ($ver -> $new)"
  want_agreed=""; [ "$variant" = stock ] && want_agreed=DWARF
  if [ -n "$(get "$q" load.error)" ] || [ "$(get "$q" load.source)" != "type descriptors" ] \
     || [ "$(get "$q" load.agreed)" != "$want_agreed" ]; then
    err "$new ($variant): load.error='$(get "$q" load.error)' source='$(get "$q" load.source)' agreed='$(get "$q" load.agreed)'"
  fi
  for m in $members; do
    [ "$(get "$q" "load.$m")" = "$(get "$work/$newest.gdb" "$m")" ] || err "$new ($variant): load.$m differs from DWARF"
  done
  echo "== $new ($variant of $ver): from $(get "$q" load.source)${want_agreed:+, $want_agreed agreeing}"
done
taddr=$(get "$work/stock.next.probe" types.where); taddr=${taddr%%,*}
python3 "$PLANT" "$work/stock.next" "$work/stock.next.planted" "$taddr" goid 8 >/dev/null || fail "cannot plant into stock.next"
probe "$work/stock.next.planted" next.planted
msg=$(get "$work/next.planted.probe" load.error)
[[ "$msg" == *"g.goid"*"DWARF"* ]] || err "go1.28 with a planted g.goid was not refused (load.error='$msg')"
echo "   planted g.goid in go1.28: refused: $msg"

# Every tested table row is covered by a toolchain here.
rows=$("$PROBE" --rows) && [ -n "$rows" ] || fail "layout_probe --rows listed nothing"
for r in $rows; do
  [[ "$covered" == *" $r "* ]] || err "table row $r is marked tested but no toolchain here covers it"
done
[ "$bad" = 0 ] || fail "runtime layout mismatch"
skip_missing_toolchains
echo PASS
