#!/usr/bin/env bash
# The code that writes a report runs inside a program about to abort, on a
# thread that may hold any lock (stdio's, malloc's): it formats with the
# report library's own formatter and writes with write(2). This test reads
# the undefined symbols of every object on that path (nm) and fails if one
# of them calls stdio, the printf family, malloc or strerror (which may
# translate, and so allocate). The option parser, which runs before the
# program's own code, keeps to the same rule.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
command -v nm >/dev/null || skip "nm not found (binutils)"
objs=()
# The rooms on that path (shim/meson.build names objects ROOM_FILE.c.o):
# report/ and check/ whole, and base/'s log.
for room in report check; do
  n=0
  for o in "$UNDEAD_BUILD"/shim/libundead.so.p/${room}_*.c.o; do
    [ -f "$o" ] || continue
    objs+=("$o"); n=$((n+1))
  done
  [ "$n" -gt 0 ] || fail "no objects of shim/$room/ in $UNDEAD_BUILD/shim/libundead.so.p"
done
o=$UNDEAD_BUILD/shim/libundead.so.p/base_log.c.o
[ -f "$o" ] || fail "not built: $o"
objs+=("$o")
for o in "$UNDEAD_BUILD"/shim/libundeadreport.a.p/*.o "$UNDEAD_BUILD"/shim/libundeadoptions.a.p/*.o; do
  [ -f "$o" ] || fail "not built: $o"
  objs+=("$o")
done
banned='^(v?s?n?printf|v?fprintf|f?puts|fputc|putchar|fwrite|fflush|fopen|malloc|calloc|realloc|free|strdup|strerror|strerror_r|__printf_chk|__sprintf_chk|__snprintf_chk|__vsnprintf_chk|__fprintf_chk)$'
bad=0
for o in "${objs[@]}"; do
  syms=$(nm -u "$o") || fail "nm -u $o failed"
  hits=$(printf '%s\n' "$syms" | awk '{print $NF}' | sed 's/@.*//' | grep -E "$banned" | tr '\n' ' ')
  if [ -n "$hits" ]; then
    echo "FAIL  $(basename "$o"): calls $hits"
    bad=1
  else
    echo "ok    $(basename "$o")"
  fi
done
# the check has teeth: an object that calls snprintf is caught
printf '#include <stdio.h>\nint f(char *b, int n) { return snprintf(b, n, "%%d", n); }\n' >"$UNDEAD_WORK/libc_probe.c"
cc -O1 -c "$UNDEAD_WORK/libc_probe.c" -o "$UNDEAD_WORK/libc_probe.o" || fail "cc"
nm -u "$UNDEAD_WORK/libc_probe.o" | awk '{print $NF}' | sed 's/@.*//' | grep -qE "$banned" ||
  fail "the probe's snprintf call was not seen"
[ "$bad" = 0 ] || fail "stdio, malloc or strerror on the report path"
echo PASS
