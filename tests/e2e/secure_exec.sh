#!/usr/bin/env bash
# Secure execution (AT_SECURE: setuid, setgid, file capabilities): the
# process runs with rights that the user who set its environment lacks, so
# UNDEAD_OPTIONS' log_path must not choose a file it writes. The shim
# ignores a log_path that names a file there, says so in one line, and
# reports on stderr.
#
# The AT_SECURE process: a copy of a cgo program (the seed's bug) owned by
# nobody with the set-user-ID bit, run by root (euid 65534 != ruid 0). The
# loader preloads into it only a library named without a slash, from a
# system directory, with the set-user-ID bit: a copy of the shim under a
# name of this test's own, in the loader's directory, removed on every way
# out (trap). (The alternative, /etc/ld.so.preload, would preload it into
# every process on the machine while the test runs.) The log directory is
# writable by everyone, so that code reading log_path there would leave a
# file in it. Then `undead run` on setuid and setgid programs: one line
# saying that the loader will drop the shim.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
[ -x "$UNDEAD" ] || fail "undead not built: $UNDEAD"
[ "$(id -u)" = 0 ] || skip "needs root (to make a setuid program and a setuid library in $libdir)"
nobody=$(id -u nobody 2>/dev/null) || skip "no user nobody"
nogroup=$(getent group nogroup | cut -d: -f3); [ -n "$nogroup" ] || nogroup=65534
libdir=/usr/lib/x86_64-linux-gnu
[ -d "$libdir" ] || skip "no $libdir"
work=$UNDEAD_WORK/secure_exec
rm -rf "$work"; mkdir -p "$work"
bad=$(gobuild cur undead "$UNDEAD_ROOT/tests/go/issue7978") || fail "build issue7978"

lib=$libdir/libundead-secure-exec-test-$$.so
cleanup() { rm -f "$lib"; }
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM HUP
cp "$UNDEAD_SO" "$lib" && chmod 4755 "$lib" || fail "cannot copy the shim to $lib"

# the program, a plain copy (the control) and a setuid-nobody copy, in a
# directory everyone can reach
chmod 755 "$work"
cp "$bad" "$work/plain" && cp "$bad" "$work/setuid" && chown "$nobody" "$work/setuid" &&
  chmod 4755 "$work/setuid" || fail "cannot make the setuid program"

# run LABEL PROG: the program with the system copy of the shim preloaded
# and log_path in a directory anyone can write; output in $work/LABEL.*
run() {
  mkdir -p "$work/$1.logs" && chmod 777 "$work/$1.logs"
  (LD_PRELOAD=$(basename "$lib") UNDEAD_OPTIONS=log_path=$work/$1.logs/rep timeout 60 "$2" \
    >"$work/$1.out" 2>"$work/$1.err"; exit $?) 2>/dev/null
  echo $?
}

# the control: not secure, the report goes to the log file
rc=$(run plain "$work/plain")
[ "$rc" = 134 ] && ls "$work/plain.logs"/rep.* >/dev/null 2>&1 ||
  fail "control (not setuid): exit $rc, no log file ($(grep undead "$work/plain.err" | head -2))"
echo "ok: not setuid: the shim is preloaded from $libdir and the report is in the log file"

rc=$(run setuid "$work/setuid")
[ "$rc" = 134 ] || fail "setuid: exit $rc, want 134 ($(grep undead "$work/setuid.err" | head -3))"
[ -z "$(ls -A "$work/setuid.logs")" ] || fail "setuid: log_path was used: $(ls -l "$work/setuid.logs")"
grep -q '==ERROR: undead: undead pointer' "$work/setuid.err" && grep -q '^SUMMARY: undead: ' "$work/setuid.err" ||
  fail "setuid: the report is not on stderr: $(head -3 "$work/setuid.err")"
lines=$(grep '^undead: ' "$work/setuid.err")
[ "$lines" = "undead: secure execution (setuid, setgid or capabilities): log_path is ignored, reports go to stderr" ] ||
  fail "setuid: want the one line saying log_path is ignored, got: $lines"
echo "ok: setuid: no file in the log directory, the report on stderr after: $lines"

# undead run on programs the loader will not preload into
cp "$bad" "$work/setgid" && chgrp "$nogroup" "$work/setgid" && chmod 2755 "$work/setgid" || fail "setgid copy"
for p in setuid setgid; do
  ("$UNDEAD" run --log-dir "$work/run-$p" -- "$work/$p" >/dev/null 2>"$work/run-$p.err"; exit $?) 2>/dev/null
  l=$(grep '^undead run: ' "$work/run-$p.err")
  [ "$l" = "undead run: $work/$p is $p: it runs in secure-execution mode, where the dynamic loader drops LD_PRELOAD's paths, so it runs unwatched" ] ||
    fail "undead run on a $p program: $l"
  echo "ok: undead run, $p: $l"
done
("$UNDEAD" run -- "$work/plain" >/dev/null 2>"$work/run-plain.err"; exit $?) 2>/dev/null
! grep -q '^undead run: ' "$work/run-plain.err" || fail "undead run on a plain program: $(grep '^undead run' "$work/run-plain.err")"
# the same bits to the same user change nothing: no line (root runs a setuid-root copy)
cp "$bad" "$work/setuid-self" && chmod 4755 "$work/setuid-self"
("$UNDEAD" run -- "$work/setuid-self" >/dev/null 2>"$work/run-self.err"; exit $?) 2>/dev/null
! grep -q '^undead run: ' "$work/run-self.err" || fail "setuid to oneself: $(grep '^undead run' "$work/run-self.err")"
echo "ok: undead run says nothing for a plain program or one setuid to its own user"
echo PASS
