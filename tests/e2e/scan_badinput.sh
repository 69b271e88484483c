#!/usr/bin/env bash
# undead scan on bad input: usage errors, a missing file, a directory, a
# non-ELF file, a non-Go ELF, truncated and corrupted Go binaries. Each
# must end with exit 2 and exactly one line "undead scan: ..." on stderr
# (or, for a corruption that leaves the binary readable, a normal 0/1
# result), never a crash or a hang.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
[ -x "$UNDEAD" ] || fail "$UNDEAD not built"
work=$UNDEAD_WORK/scan_badinput
mkdir -p "$work"
bin=$(gobuild cur undead "$UNDEAD_ROOT/tests/go/cgosmall") || fail "build"
size=$(stat -c %s "$bin")
bad=0

# expect_error NAME ARGS...: exit 2, nothing on stdout, one stderr line
expect_error() {
  local name=$1; shift
  timeout 30 "$UNDEAD" scan "$@" > "$work/out" 2> "$work/err"; local rc=$?
  if [ "$rc" = 2 ] && [ ! -s "$work/out" ] && [ "$(wc -l < "$work/err")" = 1 ] \
     && grep -q '^undead scan: ' "$work/err"; then
    printf '%-22s exit 2: %s\n' "$name" "$(cat "$work/err")"
  else
    printf '%-22s FAIL: exit %s, stdout %s bytes, stderr: %s\n' "$name" "$rc" \
      "$(wc -c < "$work/out")" "$(head -3 "$work/err")"
    bad=1
  fi
}

# expect_sane NAME FILE: any of 0/1/2, no signal, no hang; one line if 2
expect_sane() {
  local name=$1 file=$2
  timeout 30 "$UNDEAD" scan --json "$file" > "$work/out" 2> "$work/err"; local rc=$?
  case "$rc" in
    0|1) python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/out" 2>/dev/null \
           || { echo "$name: exit $rc but invalid JSON"; bad=1; return; } ;;
    2) [ "$(wc -l < "$work/err")" = 1 ] || { echo "$name: exit 2 with $(wc -l < "$work/err") stderr lines"; bad=1; return; } ;;
    *) echo "$name: FAIL: exit $rc ($(head -1 "$work/err"))"; bad=1; return ;;
  esac
  results="$results $rc"
}

expect_error "no arguments"
expect_error "unknown option" --frobnicate "$bin"
expect_error "two binaries" "$bin" "$bin"
expect_error "missing file" "$work/does-not-exist"
expect_error "directory" "$work"
printf 'hello, world\n' > "$work/text"; expect_error "text file" "$work/text"
: > "$work/empty"; expect_error "empty file" "$work/empty"
expect_error "non-Go ELF" "$(command -v sh)"
for n in 16 64 4096 $((size / 4)) $((size / 2)) $((size - 4096)); do
  head -c "$n" "$bin" > "$work/trunc"
  timeout 30 "$UNDEAD" scan "$work/trunc" > /dev/null 2> "$work/err"; rc=$?
  if [ "$rc" = 2 ] && [ "$(wc -l < "$work/err")" = 1 ]; then
    printf '%-22s exit 2: %s\n' "truncated at $n" "$(cat "$work/err")"
  elif [ "$rc" = 0 ] || [ "$rc" = 1 ]; then
    printf '%-22s exit %s (what remains is readable)\n' "truncated at $n" "$rc"
  else
    printf '%-22s FAIL: exit %s: %s\n' "truncated at $n" "$rc" "$(head -2 "$work/err")"; bad=1
  fi
done

# Corruptions: random bytes over the function table and over the text.
results=""
read -r pcoff pcsize < <(readelf -SW "$bin" | awk '$2==".gopclntab"{print $5, $6}')
read -r txoff txsize < <(readelf -SW "$bin" | awk '$2==".text"{print $5, $6}')
for region in "pclntab $pcoff $pcsize" "text $txoff $txsize"; do
  set -- $region
  off=$((16#$2)) len=$((16#$3))
  for seed in 1 2 3 4 5 6 7 8; do
    cp "$bin" "$work/corrupt"
    python3 - "$work/corrupt" "$off" "$len" "$seed" <<'PY'
import random, sys
path, off, length, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(seed)
data = bytearray(open(path, "rb").read())
for _ in range(64 * seed):
    data[off + rnd.randrange(min(length, 1 << 16) if seed % 2 else length)] = rnd.randrange(256)
open(path, "wb").write(data)
PY
    expect_sane "corrupt $1 seed $seed" "$work/corrupt"
  done
done
echo "corrupted binaries: exit statuses$results"
[ "$bad" = 0 ] || fail "bad input not handled"
echo PASS
