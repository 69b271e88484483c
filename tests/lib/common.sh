# Shared helpers for undead's shell tests. Source it; do not run it.
#
# Go binaries are built by the tests themselves, with real toolchains, into
# $UNDEAD_WORK (default: build/testwork), and cached there across tests.

UNDEAD_ROOT=${UNDEAD_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
UNDEAD_BUILD=${UNDEAD_BUILD:-$UNDEAD_ROOT/build}
UNDEAD_WORK=${UNDEAD_WORK:-$UNDEAD_BUILD/testwork}
UNDEAD=${UNDEAD:-$UNDEAD_BUILD/tools/undead}
UNDEAD_SO=${UNDEAD_SO:-$UNDEAD_BUILD/shim/libundead.so}
export GOFLAGS=${GOFLAGS:--mod=mod}
export GOTOOLCHAIN=local
mkdir -p "$UNDEAD_WORK"

# The toolchains the tests run, oldest first: name, go command, where it
# comes from (scripts/setup installs or fetches every one of them).
#   119   GO_119  /usr/lib/go-1.19/bin/go  Debian's golang-1.19-go
#   121   GO_121  /usr/lib/go-1.21/bin/go  Debian's golang-1.21-go (bookworm-backports)
#   122   GO_122  /usr/lib/go-1.22/bin/go  Debian's golang-1.22-go (bookworm-backports)
#   123   GO_123  /usr/lib/go-1.23/bin/go  Debian's golang-1.23-go (bookworm-backports)
#   cur   GO_CUR  /usr/local/go/bin/go     the machine's Go (1.26)
#   next  GO_NEXT_VERSION (go1.27.3)       the newer release the Go module proxy
#                                          serves, fetched by the go command (GOTOOLCHAIN)
# UNDEAD_TOOLCHAINS="121 next" narrows a run to some of them.
GO_119=${GO_119:-/usr/lib/go-1.19/bin/go}
GO_121=${GO_121:-/usr/lib/go-1.21/bin/go}
GO_122=${GO_122:-/usr/lib/go-1.22/bin/go}
GO_123=${GO_123:-/usr/lib/go-1.23/bin/go}
GO_CUR=${GO_CUR:-/usr/local/go/bin/go}
GO_NEXT_VERSION=${GO_NEXT_VERSION:-go1.27.3}
UNDEAD_ALL_TOOLCHAINS="119 121 122 123 cur next"
undead_toolchains() { echo ${UNDEAD_TOOLCHAINS:-$UNDEAD_ALL_TOOLCHAINS}; }

# heavy_toolchains: the toolchains of the tests that build or run the most
# per toolchain (Go's own cgo suite, go-sqlite3's tests, the go command
# under the shim with fresh build caches): every one with --long
# (UNDEAD_LONG=1), else those of UNDEAD_HEAVY_TOOLCHAINS (the oldest and the
# machine's), to keep the default run short.
UNDEAD_HEAVY_TOOLCHAINS=${UNDEAD_HEAVY_TOOLCHAINS:-119 cur}
heavy_toolchains() {
  local tc
  if [ "${UNDEAD_LONG:-0}" = 1 ]; then undead_toolchains; return; fi
  for tc in $(undead_toolchains); do
    case " $UNDEAD_HEAVY_TOOLCHAINS " in *" $tc "*) echo "$tc" ;; esac
  done
}

# class_toolchains: the toolchains of the tests that put one bug of the
# class back into the runtime (a rebuilt runtime per bug and toolchain):
# every one with --long (UNDEAD_LONG=1), else those of
# UNDEAD_CLASS_TOOLCHAINS (1.23, the first with g.syscallbp, and the
# machine's).
UNDEAD_CLASS_TOOLCHAINS=${UNDEAD_CLASS_TOOLCHAINS:-123 cur}
class_toolchains() {
  local tc
  if [ "${UNDEAD_LONG:-0}" = 1 ]; then undead_toolchains; return; fi
  for tc in $(undead_toolchains); do
    case " $UNDEAD_CLASS_TOOLCHAINS " in *" $tc "*) echo "$tc" ;; esac
  done
}

# go_for NAME -> the path of that toolchain's go command; status 1 and a
# line on stderr saying what is missing when it is not here.
go_for() {
  local go pkg
  case "$1" in
    119|121|122|123) go=GO_$1; go=${!go}; pkg=golang-1.${1#1}-go ;;
    cur) go=$GO_CUR pkg="the machine's Go" ;;
    next)
      # A copy of its GOROOT outside the module cache, where the go command
      # refuses -overlay replacements.
      local root=$UNDEAD_WORK/go-next src
      if [ ! -x "$root/bin/go" ]; then
        src=$(GOTOOLCHAIN=$GO_NEXT_VERSION "$GO_CUR" env GOROOT 2>/dev/null) && [ -x "$src/bin/go" ] || {
          echo "toolchain next: cannot fetch $GO_NEXT_VERSION from the Go module proxy" >&2; return 1; }
        rm -rf "$root.tmp" && cp -r "$src" "$root.tmp" && chmod -R u+w "$root.tmp" && mv "$root.tmp" "$root" ||
          return 1
      fi
      echo "$root/bin/go"; return 0 ;;
    *) echo "unknown toolchain $1 (known: $UNDEAD_ALL_TOOLCHAINS)" >&2; return 1 ;;
  esac
  [ -x "$go" ] || { echo "toolchain $1: no $go ($pkg; scripts/setup installs it)" >&2; return 1; }
  echo "$go"
}

# go_minor NAME -> the toolchain's minor version (19 for go1.19.8).
go_minor() {
  local go v
  go=$(go_for "$1") || return 1
  v=$("$go" env GOVERSION) || return 1
  v=${v#go1.}; echo "${v%%[!0-9]*}"
}

# In a test's loop over toolchains: `have_toolchain TC || continue` leaves
# out a toolchain that is not here and remembers it; `skip_missing_toolchains`
# at the end (after any failure) makes that a SKIP naming each one.
MISSING_TOOLCHAINS=""
have_toolchain() {
  local why
  why=$(go_for "$1" 2>&1 >/dev/null) && return 0
  MISSING_TOOLCHAINS="$MISSING_TOOLCHAINS${MISSING_TOOLCHAINS:+; }$why"
  echo "not here: $why"
  return 1
}
skip_missing_toolchains() {
  [ -z "$MISSING_TOOLCHAINS" ] || skip "$MISSING_TOOLCHAINS"
}

# left_stack_size REPORT: the size in bytes of the left stack a text
# report of the quarantine names ("Stacks: left [lo, hi) N bytes ...").
left_stack_size() {
  sed -nE 's/^Stacks: left \[0x[0-9a-f]+, 0x[0-9a-f]+\) ([0-9]+) bytes.*/\1/p' "$1"
}

# per_toolchain WHAT FUNC TOOLCHAIN... : the body of a test that checks each
# toolchain alone: FUNC TC runs in a subshell of its own (it may call fail
# or skip) for each toolchain that is here; then the test fails naming WHAT
# and the toolchains that failed, or skips naming those not here or skipped,
# or passes.
per_toolchain() {
  local what=$1 fn=$2 tc rc failed=""; shift 2
  [ $# -gt 0 ] || skip "no toolchain selected for $what (UNDEAD_TOOLCHAINS=${UNDEAD_TOOLCHAINS:-})"
  for tc in "$@"; do
    have_toolchain "$tc" || continue
    ("$fn" "$tc"); rc=$?
    case $rc in
      0) ;;
      77) MISSING_TOOLCHAINS="$MISSING_TOOLCHAINS${MISSING_TOOLCHAINS:+; }$tc skipped" ;;
      *) failed="$failed $tc" ;;
    esac
  done
  [ -z "$failed" ] || fail "$what:$failed"
  skip_missing_toolchains
  echo PASS
}

# overlay_json TOOLCHAIN -> path of an overlay.json whose cgocall.go is the
# toolchain's own with the three KeepAlive lines at the end of cgocall
# removed: the seed bug (Go issue 17785) put back. The installed toolchain is
# never touched: the replacement lives in a directory of its own.
overlay_json() {
  local tc=$1 go goroot dir
  go=$(go_for "$tc") || return 1
  goroot=$("$go" env GOROOT) || return 1
  dir=$UNDEAD_WORK/overlay-$tc
  if [ ! -f "$dir/overlay.json" ]; then
    mkdir -p "$dir/rt"
    sed -e '/^\tKeepAlive(fn)$/d' -e '/^\tKeepAlive(arg)$/d' -e '/^\tKeepAlive(mp)$/d' \
      "$goroot/src/runtime/cgocall.go" > "$dir/rt/cgocall.go"
    if [ "$(diff "$goroot/src/runtime/cgocall.go" "$dir/rt/cgocall.go" | grep -c '^<')" != 3 ]; then
      echo "overlay_json: expected to remove exactly 3 KeepAlive lines from $goroot/src/runtime/cgocall.go" >&2
      return 1
    fi
    printf '{"Replace":{"%s":"%s"}}\n' "$goroot/src/runtime/cgocall.go" "$dir/rt/cgocall.go" > "$dir/overlay.json"
  fi
  echo "$dir/overlay.json"
}

# cgo_notop_toolexec TOOLCHAIN -> a -toolexec wrapper that runs, in place of
# the toolchain's cmd/cgo, one built with the readjustment of the argument
# pointer after the call (_cgo_topofstack, Go issue 8771) removed from the C
# wrappers it writes: a C function's result is then stored into the stack a
# callback left. Built with -overlay from the toolchain's own source.
cgo_notop_toolexec() {
  local tc=$1 go goroot dir line
  go=$(go_for "$tc") || return 1
  goroot=$("$go" env GOROOT) || return 1
  dir=$UNDEAD_WORK/cgonotop-$tc
  if [ ! -x "$dir/toolexec" ]; then
    mkdir -p "$dir/src"
    line='_cgo_a = (void\*)((char\*)_cgo_a + (_cgo_topofstack() - _cgo_stktop));'
    sed "/$line/d" "$goroot/src/cmd/cgo/out.go" > "$dir/src/out.go"
    if [ "$(diff "$goroot/src/cmd/cgo/out.go" "$dir/src/out.go" | grep -c '^<')" != 1 ]; then
      echo "cgo_notop_toolexec: expected to remove one _cgo_topofstack line from $goroot/src/cmd/cgo/out.go" >&2
      return 1
    fi
    printf '{"Replace":{"%s":"%s"}}\n' "$goroot/src/cmd/cgo/out.go" "$dir/src/out.go" > "$dir/overlay.json"
    "$go" build -overlay "$dir/overlay.json" -o "$dir/cgo" cmd/cgo || return 1
    printf '#!/bin/sh\ntool=$1; shift\ncase "${tool##*/}" in cgo) exec %s "$@" ;; esac\nexec "$tool" "$@"\n' \
      "$dir/cgo" > "$dir/toolexec.tmp" && chmod +x "$dir/toolexec.tmp" && mv "$dir/toolexec.tmp" "$dir/toolexec"
  fi
  echo "$dir/toolexec"
}

# overlay_variant TOOLCHAIN NAME -> path of an overlay.json that replaces
# the files tests/overlays/NAME.py changes in a copy of the toolchain's own
# sources (one bug of the class put back into its runtime; see
# tests/overlays/README). Made once per toolchain and patch, again when the
# patch is newer; the installed toolchain is never touched (go1.27.3 is a
# copy of its GOROOT outside the module cache, see go_for).
overlay_variant() {
  local tc=$1 name=$2 go goroot dir patch f json sep=""
  patch=$UNDEAD_ROOT/tests/overlays/$name.py
  [ -f "$patch" ] || { echo "overlay_variant: no $patch" >&2; return 1; }
  go=$(go_for "$tc") || return 1
  goroot=$("$go" env GOROOT) || return 1
  dir=$UNDEAD_WORK/overlay-$tc-$name
  if [ ! -f "$dir/overlay.json" ] || [ "$patch" -nt "$dir/overlay.json" ] ||
     [ "$UNDEAD_ROOT/tests/overlays/overlay_lib.py" -nt "$dir/overlay.json" ]; then
    rm -rf "$dir" && mkdir -p "$dir/files" || return 1
    PYTHONDONTWRITEBYTECODE=1 python3 "$patch" "$goroot" "$dir/files" >&2 || {
      echo "overlay_variant: $name does not apply to toolchain $tc ($goroot)" >&2; rm -rf "$dir"; return 1; }
    json='{"Replace":{'
    while IFS= read -r f; do
      json+="$sep\"$goroot/$f\":\"$dir/files/$f\""; sep=,
    done < <(cd "$dir/files" && find . -type f | sed 's|^\./||' | sort)
    [ -n "$sep" ] || { echo "overlay_variant: $name changed no file" >&2; return 1; }
    printf '%s}}\n' "$json" > "$dir/overlay.json"
  fi
  echo "$dir/overlay.json"
}

# as_next_release TOOLCHAIN IN OUT: a copy of IN (built by TOOLCHAIN) whose
# version string says go1.28.0 (padded to the same length), the stand-in
# for a release newer than every row of the release table.
as_next_release() {
  local ver new
  ver=$("$(go_for "$1")" version "$2" | awk '{print $2}')
  [[ "$ver" =~ ^go1\.[0-9]+\.[0-9]+$ ]] || fail "cannot read the Go version of $2 ('$ver')"
  new=go1.28.0; [ ${#new} = ${#ver} ] || new=go1.28.$(printf '%0*d' $(( ${#ver} - 7 )) 0)
  LC_ALL=C sed "s/$ver/$new/g" "$2" > "$3" && chmod +x "$3"
}

# gobuild TOOLCHAIN VARIANT SRCDIR [EXTRA go build FLAGS...] -> prints the
# path of the built binary (cached by toolchain, variant and source dir).
# VARIANT: stock | undead (KeepAlive lines removed) | stock-stripped |
#          undead-stripped (-ldflags=-s -w) | stock-nodwarf (-ldflags=-w) |
#          undead-asan (-asan: AddressSanitizer, gcc's libasan) |
#          cgonotop (cmd/cgo without the _cgo_topofstack readjustment,
#          cgo_notop_toolexec; its own build cache, since the tool reports
#          the stock tool's version)
#          rt-NAME (the runtime changed by tests/overlays/NAME.py, overlay_variant)
gobuild() {
  local tc=$1 variant=$2 src=$3; shift 3
  local go out name ov="" flags=()
  go=$(go_for "$tc") || return 1
  name=$(basename "$src")
  out=$UNDEAD_WORK/bin/$tc-$variant/$name
  case "$variant" in
    undead*) flags+=(-overlay "$(overlay_json "$tc")") ;;
    rt-*) ov=$(overlay_variant "$tc" "${variant#rt-}") || return 1; flags+=(-overlay "$ov") ;;
  esac
  local cache=
  case "$variant" in
    cgonotop*) flags+=(-toolexec "$(cgo_notop_toolexec "$tc")") || return 1
      cache=$UNDEAD_WORK/gocache-cgonotop-$tc ;;
  esac
  case "$variant" in
    *-stripped) flags+=(-ldflags=-s\ -w) ;;
    *-nodwarf) flags+=(-ldflags=-w) ;;
    *-asan) flags+=(-asan) ;;
  esac
  # rebuild when any source file (or the runtime overlay) is newer than the binary
  if [ ! -x "$out" ] || [ -n "$(find "$src" -newer "$out" -type f 2>/dev/null | head -1)" ] ||
     { [ -n "$ov" ] && [ "$ov" -nt "$out" ]; }; then
    mkdir -p "$(dirname "$out")"
    (cd "$src" && { [ -z "$cache" ] || export GOCACHE=$cache; } &&
      CGO_ENABLED=1 "$go" build "${flags[@]}" "$@" -o "$out" .) >"$out.log" 2>&1 || {
      echo "gobuild: $tc $variant $src failed:" >&2; tail -20 "$out.log" >&2; return 1; }
  fi
  echo "$out"
}

# Test result helpers: a test script exits 0 (pass), 77 (skip) or else (fail).
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
