#!/usr/bin/env bash
# The shim is inert outside Go programs with cgo: sh, gcc, python3 and the go
# command give the same stdout, stderr and exit status under
# LD_PRELOAD=libundead.so as without it, and build byte-identical outputs.
set -uo pipefail
. "$(dirname "$0")/suite_lib.sh"
need_shim
work=$UNDEAD_WORK/inert
rm -rf "$work"; mkdir -p "$work"
# Default options: what a user who exports LD_PRELOAD for a whole job gets.
unset UNDEAD_OPTIONS UNDEAD
n=0 bad=0

# same LABEL CMD... : run CMD without and with the shim (cwd $work) and
# compare stdout, stderr and status.
same() {
  local label=$1; shift
  local d=$work/$n; n=$((n+1)); mkdir -p "$d"
  (cd "$work" && "$@") >"$d/out0" 2>"$d/err0"; echo $? >"$d/rc0"
  (cd "$work" && with_shim "$@") >"$d/out1" 2>"$d/err1"; echo $? >"$d/rc1"
  local f diffs=""
  for f in out err rc; do cmp -s "$d/${f}0" "$d/${f}1" || diffs="$diffs $f"; done
  if [ -n "$diffs" ]; then
    echo "DIFF  $label:$diffs differ"
    for f in $diffs; do diff "$d/${f}0" "$d/${f}1" | head -8 | sed 's/^/    /'; done
    bad=$((bad+1))
  else
    printf 'same  %-50s (exit %s)\n' "$label" "$(cat "$d/rc0")"
  fi
}

# same_file LABEL FILE0 FILE1 : two build outputs are byte-identical.
same_file() {
  if cmp -s "$2" "$3"; then printf 'same  %s\n' "$1"; else echo "DIFF  $1: outputs differ"; bad=$((bad+1)); fi
}

same "sh: echo, stderr, exit 3" sh -c 'echo out; echo err >&2; exit 3'
same "sh: pipeline and subshell" sh -c 'seq 1 2000 | sort -r | (head -3; cat >/dev/null); ls /nonexistent'
same "bash: fork loop" bash -c 'for i in 1 2 3 4 5; do (exit $i) || echo "sub $?"; done'

cat >"$work/hello.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) { void *p = malloc(100); printf("hello %d %s\n", argc, p ? "ok" : "no"); free(p); return 7; }
C
printf 'int main(void) { return undefined_thing; }\n' >"$work/bad.c"
same "gcc --version" gcc --version
same "gcc: compile" gcc -O2 -o hello hello.c
(cd "$work" && gcc -O2 -o hello.0 hello.c && with_shim gcc -O2 -o hello.1 hello.c) >/dev/null 2>&1
same_file "gcc: binary identical with and without the shim" "$work/hello.0" "$work/hello.1"
same "gcc: run the compiled C program" ./hello a b
same "gcc: compile error" gcc -c -o bad.o bad.c

PY=$(command -v python3)
same "python3: version, stderr, exit 4" "$PY" -c 'import sys; print(sys.version); print("e", file=sys.stderr); sys.exit(4)'
same "python3: threads and subprocess" "$PY" -c '
import threading, subprocess
r = []
ts = [threading.Thread(target=lambda i=i: r.append(sum(range(i*10000)))) for i in range(8)]
[t.start() for t in ts]; [t.join() for t in ts]
print(sorted(r)[-1], subprocess.run(["sh", "-c", "echo child"], capture_output=True).stdout)'
same "python3: exception" "$PY" -c 'raise ValueError("boom")'

# The go command and the compilers it starts. A fresh cache for each run so
# the shim sits under the compile, cgo, gcc and link steps every time: two
# builds of the standard library per toolchain, so with those of
# heavy_toolchains (tests/lib/common.sh: 119 and cur by default, all
# six with --long).
mkdir -p "$work/gomod"
printf 'module inert\n\ngo 1.19\n' >"$work/gomod/go.mod"
cat >"$work/gomod/main.go" <<'GO'
package main

// #include <stdlib.h>
// static int twice(int x) { return 2 * x; }
import "C"
import "fmt"

func main() { fmt.Println("cgo says", C.twice(21)) }
GO
for tc in $(heavy_toolchains); do
  have_toolchain "$tc" || continue
  go=$(go_for "$tc")
  same "go $tc: go version" "$go" version
  same "go $tc: go env GOROOT" "$go" env GOROOT
  same "go $tc: go vet" sh -c "cd gomod && '$go' vet ."
  for k in 0 1; do rm -rf "$work/gocache-$tc-$k"; done
  same "go $tc: go build (cgo, fresh cache)" sh -c \
    "cd gomod && if [ -n \"\${LD_PRELOAD:-}\" ]; then k=1; else k=0; fi; GOCACHE=$work/gocache-$tc-\$k '$go' build -o ../inert-$tc.\$k . && echo built"
  same_file "go $tc: binary identical with and without the shim" "$work/inert-$tc.0" "$work/inert-$tc.1"
  same "go $tc: go run with a compile error" sh -c "cd gomod && printf 'package main\nfunc x() { undefined() }\n' > bad.go; '$go' build -o /dev/null .; s=\$?; rm -f bad.go; exit \$s"
done

echo "$n commands compared, $bad differences"
[ $bad = 0 ] || fail "the shim is not inert"
skip_missing_toolchains
