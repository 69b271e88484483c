#!/usr/bin/env bash
# Random byte flips in copies of real Go binaries (seeded, reproducible):
# `undead maps`, `undead scan` and `undead doctor` may succeed or refuse with one line and
# status 2, but never crash or hang. UNDEAD_FLIPS sets the number of copies
# per binary (default 40), UNDEAD_FLIP_SEED the seed.
set -u
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/badinput_lib.sh"
[ -x "$UNDEAD" ] || fail "$UNDEAD not built"
d=$bad_dir
count=${UNDEAD_FLIPS:-40}
seed=${UNDEAD_FLIP_SEED:-1}
total=0; refused=0
for v in "cur stock" "119 stock-stripped"; do
  set -- $v
  bin=$(gobuild "$1" "$2" "$UNDEAD_ROOT/tests/go/cgosmall") || fail "build"
  # Most flips land in the Go function table, where the decoders live.
  read -r off size < <(readelf -SW "$bin" | sed 's/^ *\[ *[0-9]*\]//' | awk '$1 == ".gopclntab" {print $4, $5}')
  [ -n "${off:-}" ] || fail "no .gopclntab in $bin"
  for i in $(seq 1 "$count"); do
    python3 - "$bin" "$d/flip" "$((seed * 100000 + total))" "$((0x$off))" "$((0x$size))" <<'PY'
import random, sys
src, dst, seed, off, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
r = random.Random(seed)
data = bytearray(open(src, "rb").read())
for _ in range(r.choice([1, 2, 4, 16, 64])):
    if r.random() < 0.75:
        # the header and function table are the dense part
        p = off + (r.randrange(min(size, 4096)) if r.random() < 0.3 else r.randrange(size))
    else:
        p = r.randrange(len(data))
    data[p] ^= 1 << r.randrange(8) if r.random() < 0.5 else r.randrange(1, 256)
open(dst, "wb").write(data)
PY
    expect_no_crash "flip $1/$2 #$i (seed $((seed * 100000 + total)))" "$d/flip"
    "$UNDEAD" maps "$d/flip" runtime.cgocall > /dev/null 2>&1 || refused=$((refused + 1))
    total=$((total + 1))
  done
done
echo "byte flips: $total corrupted binaries, no crash or hang; maps refused $refused of them with one line"
