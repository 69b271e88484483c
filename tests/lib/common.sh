# Shared helpers for undead's shell tests. Source it; do not run it.
#
# Go binaries are built by the tests themselves, with real toolchains, into
# $UNDEAD_WORK (default: build/testwork), and cached there across tests.
#   GO_CUR  the machine's current Go   (/usr/local/go/bin/go)
#   GO_119  Debian's Go 1.19           (/usr/lib/go-1.19/bin/go)

UNDEAD_ROOT=${UNDEAD_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
UNDEAD_BUILD=${UNDEAD_BUILD:-$UNDEAD_ROOT/build}
UNDEAD_WORK=${UNDEAD_WORK:-$UNDEAD_BUILD/testwork}
UNDEAD=${UNDEAD:-$UNDEAD_BUILD/tools/undead}
UNDEAD_SO=${UNDEAD_SO:-$UNDEAD_BUILD/shim/libundead.so}
GO_CUR=${GO_CUR:-/usr/local/go/bin/go}
GO_119=${GO_119:-/usr/lib/go-1.19/bin/go}
export GOFLAGS=${GOFLAGS:--mod=mod}
export GOTOOLCHAIN=local
export GOPROXY=${GOPROXY:-https://proxy.golang.org}
mkdir -p "$UNDEAD_WORK"

# The toolchains a test runs against: "cur 119", each name -> go binary.
# "next" is the newer release the Go module proxy serves (GO_NEXT_VERSION),
# fetched by the go command itself (GOTOOLCHAIN), for the tests that check
# undead ahead of the machine's Go.
GO_NEXT_VERSION=${GO_NEXT_VERSION:-go1.27.3}
undead_toolchains() { echo cur 119; }
# The same and "next" when it can be fetched (prints a note when not).
undead_toolchains_with_next() {
  if go_for next >/dev/null; then echo cur 119 next; else echo "note: $GO_NEXT_VERSION not fetched" >&2; echo cur 119; fi
}
go_for() {
  case "$1" in
    cur) echo "$GO_CUR" ;;
    119) echo "$GO_119" ;;
    next)
      # A copy of its GOROOT outside the module cache, where the go command
      # refuses -overlay replacements.
      local root=$UNDEAD_WORK/go-next src
      if [ ! -x "$root/bin/go" ]; then
        src=$(GOTOOLCHAIN=$GO_NEXT_VERSION "$GO_CUR" env GOROOT 2>/dev/null) && [ -x "$src/bin/go" ] || {
          echo "cannot fetch $GO_NEXT_VERSION from the Go module proxy" >&2; return 1; }
        rm -rf "$root.tmp" && cp -r "$src" "$root.tmp" && chmod -R u+w "$root.tmp" && mv "$root.tmp" "$root" ||
          return 1
      fi
      echo "$root/bin/go" ;;
    *) echo "unknown toolchain $1" >&2; return 1 ;;
  esac
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

# gobuild TOOLCHAIN VARIANT SRCDIR [EXTRA go build FLAGS...] -> prints the
# path of the built binary (cached by toolchain, variant and source dir).
# VARIANT: stock | undead (KeepAlive lines removed) | stock-stripped |
#          undead-stripped (-ldflags=-s -w) | stock-nodwarf (-ldflags=-w) |
#          undead-asan (-asan: AddressSanitizer, gcc's libasan)
gobuild() {
  local tc=$1 variant=$2 src=$3; shift 3
  local go out name flags=()
  go=$(go_for "$tc") || return 1
  name=$(basename "$src")
  out=$UNDEAD_WORK/bin/$tc-$variant/$name
  case "$variant" in
    undead*) flags+=(-overlay "$(overlay_json "$tc")") ;;
  esac
  case "$variant" in
    *-stripped) flags+=(-ldflags=-s\ -w) ;;
    *-nodwarf) flags+=(-ldflags=-w) ;;
    *-asan) flags+=(-asan) ;;
  esac
  # rebuild when any source file is newer than the binary
  if [ ! -x "$out" ] || [ -n "$(find "$src" -newer "$out" -type f 2>/dev/null | head -1)" ]; then
    mkdir -p "$(dirname "$out")"
    (cd "$src" && CGO_ENABLED=1 "$go" build "${flags[@]}" "$@" -o "$out" .) >"$out.log" 2>&1 || {
      echo "gobuild: $tc $variant $src failed:" >&2; tail -20 "$out.log" >&2; return 1; }
  fi
  echo "$out"
}

# Test result helpers: a test script exits 0 (pass), 77 (skip) or else (fail).
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
