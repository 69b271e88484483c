#!/usr/bin/env bash
# Bad input to `undead maps` and `undead scan`: one clear line, status 2.
set -u
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/badinput_lib.sh"
[ -x "$UNDEAD" ] || fail "$UNDEAD not built"
d=$bad_dir
go=$(gobuild cur stock "$UNDEAD_ROOT/tests/go/cgosmall") || fail "build"
go119=$(gobuild 119 stock-stripped "$UNDEAD_ROOT/tests/go/cgosmall") || fail "build"

: > "$d/empty"
expect_error empty "$d/empty" "not an ELF file"
printf 'hello, world\n' > "$d/text"
expect_error text "$d/text" "not an ELF file"
head -c 4096 /dev/urandom > "$d/random"
expect_error random "$d/random" "not an ELF file"
expect_error directory "$UNDEAD_ROOT/tests" "not a regular file"
# never waited on: a FIFO without a writer, a device that never ends
mkfifo "$d/fifo"
expect_error fifo "$d/fifo" "not a regular file"
expect_error /dev/zero /dev/zero "not a regular file"
timeout 20 "$UNDEAD" doctor "$d/fifo" >/dev/null 2>"$d/doctor.err"; rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$d/doctor.err")" = 1 ] && grep -q 'not a regular file' "$d/doctor.err" ||
  fail "fifo: undead doctor exited $rc: $(head -3 "$d/doctor.err")"
expect_error missing "$d/does-not-exist" "No such file"
expect_error c-elf /bin/sh "not a Go program"
# A 32-bit ELF header on an otherwise valid file.
cp "$go" "$d/elf32"; printf '\x01' | dd of="$d/elf32" bs=1 seek=4 conv=notrunc 2>/dev/null
expect_error elf32 "$d/elf32" "not an x86-64 ELF"

n=0
for bin in "$go" "$go119"; do
  size=$(stat -c %s "$bin")
  for cut in 4 40 64 65 512 4096 65536 $((size / 3)) $((size / 2)) $((size - 4096)) $((size - 1)); do
    head -c "$cut" "$bin" > "$d/cut"
    expect_error "cut at $cut of $(basename "$(dirname "$bin")")" "$d/cut" "truncated ELF file"
    n=$((n + 1))
  done
done

# Unknown pclntab magics: Go 1.16/1.17 (0xfffffffa), Go 1.2-1.15 (0xfffffffb), garbage.
off=$(readelf -SW "$go" | awk '$2 == ".gopclntab" {print $5} $3 == ".gopclntab" {print $6}' | head -1)
[ -n "$off" ] || fail "no .gopclntab in $go"
for magic in '\xfa\xff\xff\xff' '\xfb\xff\xff\xff' '\x00\x00\x00\x00'; do
  cp "$go" "$d/magic"
  printf "$magic" | dd of="$d/magic" bs=1 seek=$((0x$off)) conv=notrunc 2>/dev/null
  expect_error "magic $magic" "$d/magic" "unsupported Go version (pclntab magic 0x"
done
echo "bad input: 9 kinds of non-Go input, $n truncated binaries, 3 unknown magics: one line, status 2"
