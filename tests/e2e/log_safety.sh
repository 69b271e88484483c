#!/usr/bin/env bash
# The log file is opened as a tool preloaded into other people's programs
# must open it: in a shared directory another user can plant PATH.PID (the
# pid is predictable) as a symbolic link or a hard link to a file the
# victim can write, or as a FIFO that blocks. The shim creates PATH.PID new
# (O_EXCL, mode 0600) or appends only to a regular file of its own user
# with one link; anything else is refused in one line and the report goes
# to stderr. A log that stops taking bytes (log_path=stdout on a pipe
# nobody drains) is given up after 5 seconds, never waited on forever.
# Each planted file below is one the code before this rule followed,
# appended to, or blocked on.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
work=$UNDEAD_WORK/log_safety
rm -rf "$work"; mkdir -p "$work"
bin=$(gobuild cur undead "$UNDEAD_ROOT/tests/go/issue7978") || fail "build issue7978"
victim=$work/victim
other=$(id -u nobody 2>/dev/null) || skip "no user nobody"

# run LABEL SETUP [TIMEOUT]: SETUP runs in the shell that then becomes the
# program (same pid, so $L.$$ is its PATH.PID); output in $work/LABEL.*
run() {
  local label=$1 setup=$2 t=${3:-60}
  mkdir -p "$work/$label"
  (cd "$work/$label" && L=$work/$label/rep UNDEAD_SO=$UNDEAD_SO BIN=$bin \
    timeout "$t" sh -c "$setup"'
      exec env LD_PRELOAD="$UNDEAD_SO" UNDEAD_OPTIONS="log_path=$L${OPTS:-}" "$BIN"' \
    >"$work/$label.out" 2>"$work/$label.err"; exit $?) 2>/dev/null
  echo $?
}

# refused LABEL RC PATTERN: aborted (134) with the whole report on stderr,
# after one line saying why the log was refused, matching PATTERN.
refused() {
  local label=$1 rc=$2 pat=$3
  [ "$rc" = 134 ] || fail "$label: exit $rc, want 134 (stderr: $(grep undead "$work/$label.err" | head -3))"
  local line; line=$(grep '^undead: cannot' "$work/$label.err" | grep -v ' record ' | head -2)
  [ "$(echo "$line" | grep -c .)" = 1 ] && echo "$line" | grep -qE "^undead: cannot open .*/rep\.[0-9]+ \($pat\): the report follows on stderr$" ||
    fail "$label: want one line matching '$pat', got: $line"
  grep -q '==ERROR: undead: undead pointer' "$work/$label.err" && grep -q '^SUMMARY: undead: ' "$work/$label.err" ||
    fail "$label: the report is not on stderr"
  echo "ok: $label: $line"
}

# the victim's file is never written through a planted name
victim_intact() {
  [ "$(cat "$victim")" = "the victim's file" ] || fail "$1: the victim's file was written: $(head -c 200 "$victim")"
}
reset_victim() { echo "the victim's file" >"$victim"; chown "$1" "$victim"; }

# a symbolic link: not followed (O_NOFOLLOW), wherever it points
reset_victim 0
rc=$(VICTIM=$victim run symlink 'ln -s "$VICTIM" "$L.$$";')
victim_intact symlink
refused symlink "$rc" "a symbolic link, not followed"
# a dangling one: not created through it either
rc=$(VICTIM=$work/created-through-link run dangling 'ln -s "$VICTIM" "$L.$$";')
[ ! -e "$work/created-through-link" ] || fail "dangling: a file was created through the link"
refused dangling "$rc" "a symbolic link, not followed"

# a hard link to a file of the same user (the victim's own file, linked
# into the shared directory): a second name, refused
reset_victim 0
rc=$(VICTIM=$victim run hardlink 'ln "$VICTIM" "$L.$$";')
victim_intact hardlink
refused hardlink "$rc" "a file with 2 hard links"
# a file of another user (planted, or hard-linked from that user's file)
reset_victim "$other"
rc=$(VICTIM=$victim run otheruser 'ln "$VICTIM" "$L.$$";')
victim_intact otheruser
refused otheruser "$rc" "owned by uid $other, not by this process's $(id -u)"

# a FIFO whose reader never drains it: refused before it is opened (the
# code before opened it, found a reader, and blocked in write forever)
rc=$(run fifo 'mkfifo "$L.$$"; exec 3<>"$L.$$"; head -c 65536 /dev/zero >&3;' 30)
refused fifo "$rc" "a FIFO"
rc=$(run device 'ln /dev/null "$L.$$" 2>/dev/null || mknod "$L.$$" c 1 3;')
refused device "$rc" "a character device"

# log_path=stdout on a pipe nobody drains: given up after 5 seconds
mkdir -p "$work/stdout"
start=$(date +%s)
(cd "$work/stdout" && mkfifo pipe && UNDEAD_SO=$UNDEAD_SO BIN=$bin timeout 40 sh -c '
    exec 3<>pipe; head -c 65536 /dev/zero >&3; exec >&3
    exec env LD_PRELOAD="$UNDEAD_SO" UNDEAD_OPTIONS=log_path=stdout "$BIN"' 2>"$work/stdout.err"; exit $?) 2>/dev/null
rc=$?; took=$(( $(date +%s) - start ))
[ "$rc" = 134 ] || fail "stdout pipe: exit $rc after ${took}s, want 134 ($(grep undead "$work/stdout.err" | head -2))"
grep -q '^undead: cannot write the report to stdout (it took nothing for 5 seconds): it follows on stderr$' "$work/stdout.err" &&
  grep -q '^SUMMARY: undead: ' "$work/stdout.err" || fail "stdout pipe: $(grep undead "$work/stdout.err" | head -3)"
echo "ok: stdout on a full pipe: given up after ${took}s, the report on stderr"

# what is allowed: a new file (0600), and appending to this user's own file
rc=$(run new ':;')
f=$(ls "$work/new"/rep.* 2>/dev/null)
[ "$rc" = 134 ] && [ -n "$f" ] && grep -q '^SUMMARY: undead: ' "$f" || fail "new file: exit $rc, $(ls "$work/new")"
[ "$(stat -c %a "$f")" = 600 ] || fail "new file: mode $(stat -c %a "$f"), want 600"
rc=$(run append 'echo "an earlier record" >"$L.$$";')
f=$(ls "$work/append"/rep.* 2>/dev/null)
[ "$rc" = 134 ] && [ "$(head -1 "$f")" = "an earlier record" ] && grep -q '^SUMMARY: undead: ' "$f" &&
  ! grep -q '^undead: cannot' "$work/append.err" || fail "append: exit $rc, $(head -2 "$f"), $(grep undead "$work/append.err")"
echo "ok: a new log file is made 0600; this user's own file is appended to"
echo PASS
