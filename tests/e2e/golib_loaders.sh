#!/usr/bin/env bash
# Every Go runtime in the process is found, however its library was
# loaded, or named in one line when it cannot be watched. tests/go/golib
# (-buildmode=c-shared) loaded at run time by tests/hosts/dlhost.c, built
# plain and with -fsanitize=address (gcc's libasan, whose pthread_create
# interceptor calls the shim's: the shim's caller is libasan, not the Go
# library), under `undead run`:
#   - dlopen, plain and ASan host: the seed bug caught, the stock library
#     clean (output as without the shim), no "not watched" line;
#   - RTLD_DEEPBIND (plain host; ASan refuses DEEPBIND by itself) and
#     dlmopen(LM_ID_NEWLM) (both hosts): the library's runtime never passes
#     through the shim; one line names it ("not watched: Go library PATH"),
#     and the program's output is as without the shim;
#   - a c-shared library whose .dynsym lacks crosscall2 (Debian's
#     libgovarnam1, Go 1.19, where installed): undead doctor says cgo yes
#     beside its exported functions (cgo told from the function table).
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/golib_loaders
mkdir -p "$work"
SRC=$UNDEAD_ROOT/tests/go/golib
gcc -O1 -o "$work/dlhost" "$UNDEAD_ROOT/tests/hosts/dlhost.c" -ldl || fail "build dlhost"
gcc -O1 -fsanitize=address -o "$work/dlhost-asan" "$UNDEAD_ROOT/tests/hosts/dlhost.c" -ldl || fail "build dlhost-asan"

check() {
  local tc=$1 go v lib host how pre rc want bad=0
  go=$(go_for "$tc") || return 1
  for v in stock undead; do
    lib=$work/$tc-$v/libgolib.so
    if [ ! -f "$lib" ] || [ -n "$(find "$SRC" -newer "$lib" -type f | head -1)" ]; then
      local flags=(); [ "$v" = undead ] && flags=(-overlay "$(overlay_json "$tc")")
      mkdir -p "$work/$tc-$v"
      (cd "$SRC" && CGO_ENABLED=1 "$go" build "${flags[@]}" -buildmode=c-shared -o "$lib" .) \
        >"$work/$tc-$v.log" 2>&1 || fail "$tc $v: go build: $(tail -3 "$work/$tc-$v.log")"
    fi
    for host in dlhost dlhost-asan; do
      for how in dlopen deepbind dlmopen; do
        [ "$host/$how" = dlhost-asan/deepbind ] && continue
        pre=$work/$tc-$v-$host-$how
        "$work/$host" "$lib" "$how" >"$pre.plain" 2>&1; want=$?
        timeout 120 "$UNDEAD" run -- "$work/$host" "$lib" "$how" >"$pre.out" 2>"$pre.err"; rc=$?
        case $how/$v in
          dlopen/undead)
            grep -q 'SUMMARY: undead: undead-pointer' "$pre.err" && [ "$rc" != 0 ] ||
              { echo "  BAD $tc $v $host $how: not caught (exit $rc): $(head -2 "$pre.err")"; bad=1; } ;;
          dlopen/stock)
            [ "$rc" = "$want" ] && cmp -s "$pre.plain" "$pre.out" && ! grep -q '^undead' "$pre.err" ||
              { echo "  BAD $tc $v $host $how: exit $rc (without: $want): $(head -2 "$pre.err")"; bad=1; } ;;
          *)
            grep -qF "undead: not watched: Go library $lib:" "$pre.err" ||
              { echo "  BAD $tc $v $host $how: no line names the unwatched library: $(head -2 "$pre.err")"; bad=1; }
            [ "$rc" = "$want" ] && cmp -s "$pre.plain" "$pre.out" ||
              { echo "  BAD $tc $v $host $how: exit $rc (without: $want), output differs"; bad=1; } ;;
        esac
      done
    done
  done
  [ "$bad" = 0 ] || return 1
  echo "$tc: dlopen (plain and ASan host) watched; RTLD_DEEPBIND and dlmopen named as not watched"
}
per_toolchain_quiet() { per_toolchain "$@" | grep -v '^PASS$'; return "${PIPESTATUS[0]}"; }
# (1.19 and the machine's by default: heavy_toolchains; all six with --long)
per_toolchain_quiet "Go libraries loaded at run time" check $(heavy_toolchains) || exit $?

govarnam=/usr/lib/x86_64-linux-gnu/libgovarnam.so.1
if [ -f "$govarnam" ]; then
  "$UNDEAD" doctor "$govarnam" >"$work/govarnam.txt" 2>&1
  nm -D --defined-only "$govarnam" | grep -qw crosscall2 && echo "  note: $govarnam exports crosscall2 now"
  grep -q '^  cgo  *yes' "$work/govarnam.txt" && grep -q '^  exported Go  *[1-9]' "$work/govarnam.txt" ||
    fail "doctor on $govarnam: $(grep -E '^  (cgo|exported Go)' "$work/govarnam.txt")"
  echo "libgovarnam1 (no crosscall2 in .dynsym): cgo yes, $(grep '^  exported Go' "$work/govarnam.txt" | awk '{print $3}') exported functions"
else
  echo "  note: libgovarnam1 is not installed: its doctor check is left out"
fi
echo PASS
