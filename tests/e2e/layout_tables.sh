#!/usr/bin/env bash
# Runtime layout: for each toolchain, the offsets the core reads from an
# unstripped cgo build's DWARF must equal gdb's reading of the same DWARF;
# the built-in table entry for that Go version must equal them too, field by
# field; builds without DWARF (-s -w, -w) must get the same layout from the
# table; the TLS slot of g read from the code must match PT_TLS and
# runtime.tlsg (readelf), in the exe and in a PIE; every table entry must be
# covered by a toolchain here; and an unknown Go version without DWARF must
# be refused with a clear message.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
PROBE=$UNDEAD_BUILD/tests/unit/layout_probe
[ -x "$PROBE" ] || fail "$PROBE not built (meson compile -C build)"
SRC=$UNDEAD_ROOT/tests/go/cgosmall
FIELDS="g_stack_lo g_stack_hi g_stackguard0 g_sched_sp g_sched_pc g_sched_bp g_syscallsp
g_syscallpc g_syscallbp g_m g_atomicstatus g_goid m_g0 m_curg"
have_gdb=1
command -v gdb >/dev/null || { have_gdb=0; echo "note: no gdb; DWARF checked by the core's reader only"; }
work=$UNDEAD_WORK/layout_tables
mkdir -p "$work"
bad=0
err() { echo "  MISMATCH: $*"; bad=1; }
get() { sed -n "s/^$2=//p" "$1" | head -1; }

# TLS offset of g per readelf: runtime.tlsg's value minus the TLS block size
# (PT_TLS memsz rounded up to its alignment; x86-64 variant II).
tls_oracle() {
  local memsz align tlsg
  read -r memsz align < <(readelf -lW "$1" | awk '$1=="TLS"{print $6, $8}')
  tlsg=$(readelf -sW "$1" | awk '$8=="runtime.tlsg"{print $2}')
  [ -n "$memsz" ] && [ -n "$tlsg" ] || return 1
  memsz=$((memsz)) align=$((align)) tlsg=$((16#$tlsg))
  echo $(( tlsg - (memsz + align - 1) / align * align ))
}

covered=""
for tc in $(undead_toolchains_with_next); do
  bin=$(gobuild "$tc" stock "$SRC") || fail "build $tc stock"
  stripped=$(gobuild "$tc" stock-stripped "$SRC") || fail "build $tc stock-stripped"
  nodwarf=$(gobuild "$tc" stock-nodwarf "$SRC") || fail "build $tc stock-nodwarf"
  pie=$(gobuild "$tc" pie "$SRC" -buildmode=pie) || fail "build $tc pie"
  "$PROBE" "$bin" > "$work/$tc.probe" || fail "layout_probe $bin"
  minor=$(get "$work/$tc.probe" go_minor)
  tables=$(get "$work/$tc.probe" tables)
  covered="$covered $minor"
  echo "== $tc (go_minor $minor, tables $tables)"
  if [ "$have_gdb" = 1 ]; then
    timeout 120 gdb -nx -batch -x "$UNDEAD_ROOT/tests/e2e/layout_gdb.py" "$bin" 2>/dev/null \
      | grep -E '^[a-z0-9_]+=-?[0-9]+$' > "$work/$tc.gdb"
    [ "$(wc -l < "$work/$tc.gdb")" = 14 ] || fail "gdb could not read runtime.g/runtime.m of $bin"
  else
    sed -n 's/^dwarf\.//p' "$work/$tc.probe" > "$work/$tc.gdb"
  fi
  [ "$(get "$work/$tc.probe" load.source)" = dwarf ] || err "$tc: unstripped build not read from DWARF"
  grep -q '^table.error' "$work/$tc.probe" && err "$tc: no table for go_minor $minor: $(get "$work/$tc.probe" table.error)"
  n=0
  for f in $FIELDS; do
    want=$(get "$work/$tc.gdb" "$f")
    [ -n "$want" ] || { err "$tc: oracle has no $f"; continue; }
    for src in dwarf table load; do
      got=$(get "$work/$tc.probe" "$src.$f")
      [ "$got" = "$want" ] || err "$tc $src.$f=$got, DWARF (gdb) says $want"
    done
    n=$((n+1))
  done
  echo "   $n fields: core DWARF reader = gdb = table entry go$minor"
  want_tls=$(tls_oracle "$bin") || fail "readelf: no PT_TLS/runtime.tlsg in $bin"
  [ "$(get "$work/$tc.probe" load.tls_g_offset)" = "$want_tls" ] \
    || err "$tc tls_g_offset=$(get "$work/$tc.probe" load.tls_g_offset), readelf says $want_tls"
  for b in "$stripped" "$nodwarf" "$pie"; do
    v=$(basename "$(dirname "$b")")
    "$PROBE" "$b" > "$work/$tc.$v.probe" || fail "layout_probe $b"
    if grep -q '^load.error' "$work/$tc.$v.probe"; then
      err "$v: $(get "$work/$tc.$v.probe" load.error)"; continue
    fi
    case "$v" in
      *pie) want_src=dwarf; want_tls=$(tls_oracle "$b") || fail "readelf: no TLS in $b" ;;
      *) want_src="table go${minor:0:1}.${minor:1}" ;;
    esac
    [ "$(get "$work/$tc.$v.probe" load.source)" = "$want_src" ] \
      || err "$v: layout from '$(get "$work/$tc.$v.probe" load.source)', want '$want_src'"
    for f in $FIELDS; do
      [ "$(get "$work/$tc.$v.probe" "load.$f")" = "$(get "$work/$tc.gdb" "$f")" ] \
        || err "$v: load.$f=$(get "$work/$tc.$v.probe" "load.$f"), DWARF says $(get "$work/$tc.gdb" "$f")"
    done
    [ "$(get "$work/$tc.$v.probe" load.tls_g_offset)" = "$want_tls" ] \
      || err "$v: tls_g_offset=$(get "$work/$tc.$v.probe" load.tls_g_offset), want $want_tls"
    echo "   $v: $(get "$work/$tc.$v.probe" load.source), tls_g_offset $(get "$work/$tc.$v.probe" load.tls_g_offset)"
  done

  # A Go version no table covers, without DWARF: refused, clearly.
  fake=$work/$tc-fakever
  ver=$(strings -a "$stripped" | grep -m1 -oE "^go1\.[0-9]+\.[0-9]+$" || true)
  [ -z "$ver" ] && ver=$(strings -a "$stripped" | grep -m1 -oE "go1\.[0-9]+\.[0-9]+" || true)
  if [ -n "$ver" ]; then
    minorv=${ver#go1.}; minorv=${minorv%%.*}
    fakever="go1.$((minorv == 99 ? 98 : 99)).${ver##*.}"
    [ ${#fakever} = ${#ver} ] || fakever="go1.$(printf '%0*d' ${#minorv} 9).${ver##*.}"
    LC_ALL=C sed "s/$ver/$fakever/g" "$stripped" > "$fake"
    "$PROBE" "$fake" > "$work/$tc.fake.probe" 2>&1
    msg=$(get "$work/$tc.fake.probe" load.error)
    if [ "$(get "$work/$tc.fake.probe" go_minor)" = "$minor" ]; then
      echo "   (version string not where the core reads it; unknown-version check skipped)"
    elif [[ "$msg" == *"no built-in runtime layout for Go 1."* ]]; then
      echo "   $fakever, no DWARF: refused: $msg"
    else
      err "$tc: a $fakever binary without DWARF gave '$msg' (load.source=$(get "$work/$tc.fake.probe" load.source))"
    fi
  fi
done
# The next release's entry is checked only when its toolchain could be
# fetched; offline that is said, not failed.
next_minor=${GO_NEXT_VERSION#go1.}; next_minor=1${next_minor%%.*}
for t in ${tables//,/ }; do
  if [[ " $covered " == *" $t "* ]]; then continue; fi
  if [ "$t" = "$next_minor" ]; then
    echo "note: table entry go_minor $t not checked: $GO_NEXT_VERSION could not be fetched"
  else
    err "table entry go_minor $t not checked: no toolchain for it here"
  fi
done
[ "$bad" = 0 ] || fail "runtime layout mismatch"
echo PASS
