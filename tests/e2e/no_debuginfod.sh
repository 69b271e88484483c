#!/usr/bin/env bash
# No debuginfod, no network stack in the target. A stripped binary whose
# debug file is looked up at start-up (check_layout_dwarf=1): one found by
# .gnu_debuglink beside it, one whose debuglink names a file that is not
# there (the lookup runs to its end). With DEBUGINFOD_URLS set, as on a
# machine configured for it, the loader's log (LD_DEBUG=files) must show
# no libdebuginfod, curl or TLS library initialised, and the found file's
# DWARF must be read (the layout's DWARF source agrees).
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/no_debuginfod
rm -rf "$work"; mkdir -p "$work/link" "$work/missing"
src=$(gobuild cur stock "$UNDEAD_ROOT/tests/go/issue7978") || fail "build"
objcopy --only-keep-debug "$src" "$work/link/prog.debug" || fail "objcopy --only-keep-debug"
(cd "$work/link" && objcopy --strip-debug --add-gnu-debuglink=prog.debug "$src" prog) || fail "objcopy debuglink"
cp "$work/link/prog.debug" "$work/missing/prog.debug"
(cd "$work/missing" && objcopy --strip-debug --add-gnu-debuglink=prog.debug "$src" prog && rm prog.debug) ||
  fail "objcopy debuglink (missing)"
for case in link missing; do
  DEBUGINFOD_URLS=http://127.0.0.1:9 LD_DEBUG=files UNDEAD_OPTIONS=verbosity=1:check_layout_dwarf=1 \
    LD_PRELOAD="$UNDEAD_SO" timeout 60 "$work/$case/prog" >"$work/$case.out" 2>"$work/$case.err" ||
    fail "$case: exit $?: $(grep -v '^ *[0-9]*:' "$work/$case.err" | tail -2)"
  grep -q 'undead: active:' "$work/$case.err" || fail "$case: the shim is not active"
  loaded=$(grep -Eo 'calling init: [^ ]*(debuginfod|curl|gnutls|ssl|nettle|krb5)[^ ]*' "$work/$case.err" | sort -u)
  [ -z "$loaded" ] || fail "$case: initialised in the target: $(echo $loaded)"
done
grep -q 'layout from type descriptors, agreeing: DWARF' "$work/link.err" ||
  fail "the debuglinked file's DWARF was not read: $(grep 'undead: active' "$work/link.err")"
grep -q 'layout from type descriptors, agreeing: table' "$work/missing.err" ||
  fail "without its debug file: $(grep 'undead: active' "$work/missing.err")"
echo "debug file found by debuglink and read; a missing one looked for to the end; no debuginfod, curl or TLS library in either"
echo PASS
