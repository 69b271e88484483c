# Shared by tests/e2e/badinput_*.sh. Sourced after tests/lib/common.sh.
# Each run works in a directory of its own: concurrent runs must never
# rewrite a file another one has mapped.
bad_dir=$(mktemp -d "$UNDEAD_WORK/badinput.XXXXXX")
trap 'rm -rf "$bad_dir"' EXIT
#
# expect_error NAME FILE [PATTERN]: `undead maps FILE runtime.cgocall` and
# `undead scan FILE` must each exit with status exactly 2 and write exactly
# one line on stderr (matching PATTERN if given), within 20 seconds.
expect_error() {
  local name=$1 file=$2 pat=${3:-} cmd rc err
  err=$bad_dir/stderr
  for cmd in maps scan; do
    if [ $cmd = maps ]; then
      timeout 20 "$UNDEAD" maps "$file" runtime.cgocall > /dev/null 2> "$err"; rc=$?
    else
      timeout 20 "$UNDEAD" scan "$file" > /dev/null 2> "$err"; rc=$?
    fi
    [ $rc = 2 ] || fail "$name: undead $cmd exited $rc, want 2 (stderr: $(head -3 "$err"))"
    [ "$(wc -l < "$err")" = 1 ] || fail "$name: undead $cmd wrote $(wc -l < "$err") lines on stderr: $(head -3 "$err")"
    grep -q "^undead $cmd: " "$err" || fail "$name: undead $cmd: unprefixed message: $(cat "$err")"
    [ -z "$pat" ] || grep -q -- "$pat" "$err" || fail "$name: undead $cmd: '$(cat "$err")' does not match '$pat'"
  done
}

# expect_no_crash NAME FILE: status 0, 1 or 2 (and then one line), no signal,
# from maps, scan and doctor (which also reads the DWARF and the type
# descriptors, and decodes the runtime's code for the gates and hook sites).
expect_no_crash() {
  local name=$1 file=$2 cmd rc err
  err=$bad_dir/stderr
  for cmd in maps scan doctor; do
    if [ $cmd = maps ]; then
      timeout 20 "$UNDEAD" maps "$file" runtime.cgocall > /dev/null 2> "$err"; rc=$?
    else
      timeout 20 "$UNDEAD" $cmd "$file" > /dev/null 2> "$err"; rc=$?
    fi
    case $rc in
      0|1) ;;
      2) [ "$(wc -l < "$err")" = 1 ] || fail "$name: undead $cmd: status 2 with $(wc -l < "$err") lines: $(head -3 "$err")" ;;
      124) fail "$name: undead $cmd hung (killed after 20 s)" ;;
      *) fail "$name: undead $cmd exited $rc (signal?): $(head -3 "$err")" ;;
    esac
  done
}
