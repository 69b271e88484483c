#!/usr/bin/env bash
# A real program whose C library calls back into Go, as a distribution ships
# it: Debian's skopeo (Go 1.19.8, stripped). Its image signatures go through
# gpgme, and gpgme reads and writes the data through Go functions exported
# to it (go-gpgme's //export read and write callbacks): C->Go callbacks in a
# binary nobody here wrote.
#  - `undead doctor skopeo` (a bare name is looked up in PATH): the shim can
#    work on it, the layout from the type descriptors with the Go 1.19 table
#    agreeing, exported Go functions;
#  - `skopeo standalone-sign` and `standalone-verify` with a throwaway key:
#    the same exit status and verdict with the shim, with it and
#    move_on_callback=1, and without it; signatures made under the shim verify
#    without it; the shim counts at least one callback (and, stressed, one
#    forced move) and reports nothing.
set -uo pipefail
. "$(dirname "$0")/shim_lib.sh"
shim_need
SKOPEO=/usr/bin/skopeo
[ -x "$SKOPEO" ] || fail "$SKOPEO missing (scripts/setup installs skopeo)"
command -v gpg >/dev/null && command -v gpgconf >/dev/null || fail "gpg missing (scripts/setup installs gpg)"
work=$UNDEAD_WORK/debian_skopeo
rm -rf "$work"; mkdir -p "$work/gnupg"; chmod 700 "$work/gnupg"
export GNUPGHOME=$work/gnupg
trap 'gpgconf --kill all >/dev/null 2>&1' EXIT
bad=0

# By name, as `undead run` would find it: looked up in PATH.
PATH=${SKOPEO%/*}:$PATH "$UNDEAD" doctor skopeo > "$work/doctor.txt"; rc=$?
grep -E '^  (Go version|runtime layout|exported)|^verdict' "$work/doctor.txt"
[ "$rc" = 0 ] || { echo "  doctor exit $rc"; bad=1; }
grep -qx "undead doctor: $SKOPEO" "$work/doctor.txt" || { echo "  doctor skopeo: $(head -1 "$work/doctor.txt")"; bad=1; }
PATH=/nonexistent "$UNDEAD" doctor skopeo >/dev/null 2>"$work/doctor-nopath.err"; rc=$?
[ "$rc" = 2 ] && [ "$(wc -l < "$work/doctor-nopath.err")" = 1 ] ||
  { echo "  doctor skopeo with no skopeo in PATH: exit $rc, $(cat "$work/doctor-nopath.err")"; bad=1; }
grep -q '^  \.symtab  *absent' "$work/doctor.txt" || { echo "  skopeo is expected stripped"; bad=1; }
grep -q '^  runtime layout   from the type descriptors, agreeing: table go1\.19$' "$work/doctor.txt" ||
  { echo "  doctor does not name the layout's sources"; bad=1; }
grep -qE '^  exported Go      [1-9][0-9]* function' "$work/doctor.txt" ||
  { echo "  doctor finds no exported Go function (gpgme's callbacks)"; bad=1; }
grep -q '^verdict: the shim can work on this binary$' "$work/doctor.txt" || bad=1

timeout 120 gpg --batch --passphrase '' --quick-gen-key 'undead test <test@undead.invalid>' \
  ed25519 sign never >"$work/gpg.log" 2>&1 || { cat "$work/gpg.log"; fail "cannot make a gpg key"; }
fpr=$(gpg --list-keys --with-colons | awk -F: '/^fpr/ { print $10; exit }')
[ -n "$fpr" ] || fail "no key fingerprint"
ref=docker.io/library/undead:test
printf '%s' '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}' \
  > "$work/manifest.json"

# run LABEL OPTIONS ARG... : skopeo ARG... under the shim (OPTIONS "" = no
# shim), output in $work/LABEL.{out,err}, exit status in $work/LABEL.rc.
run() {
  local label=$1 opts=$2 rc; shift 2
  if [ -z "$opts" ]; then rc=$(run_plain "$work/$label" "$SKOPEO" "$@")
  else rc=$(UNDEAD_OPTIONS=$opts run_shim "$work/$label" "$SKOPEO" "$@"); fi
  echo "$rc" > "$work/$label.rc"
}
# checked LABEL -> "CALLBACKS FORCED" from the shim's exit line, or fails.
checked() {
  sed -nE 's/^undead: checked: ([0-9]+) callback\(s\), .*\(([0-9]+) forced\).*; 0 report\(s\)$/\1 \2/p' \
    "$work/$1.err" | grep . || { echo "  $1: no clean 'undead: checked' line:"; sed 's/^/    | /' "$work/$1.err"; return 1; }
}

sign() { echo standalone-sign "$work/manifest.json" "$ref" "$fpr" -o "$work/$1.sig"; }
verify() { echo standalone-verify "$work/manifest.json" "$ref" "$fpr" "$work/$1.sig"; }
# (the paths have no spaces: $UNDEAD_WORK is the build tree's)
run sign-plain "" $(sign plain)
run sign-shim verbosity=1 $(sign shim)
run sign-stress verbosity=1:move_on_callback=1 $(sign stress)
run verify-plain "" $(verify plain)
for s in plain shim stress; do
  run "verify-$s-shim" verbosity=1 $(verify "$s")
  run "verify-$s-stress" verbosity=1:move_on_callback=1 $(verify "$s")
  run "verify-$s-noshim" "" $(verify "$s")
done

want_rc=$(cat "$work/verify-plain.rc")
[ "$want_rc" = 0 ] && [ "$(cat "$work/sign-plain.rc")" = 0 ] ||
  { cat "$work/sign-plain.err" "$work/verify-plain.err"; fail "skopeo cannot sign and verify without the shim"; }
grep -q '^Signature verified' "$work/verify-plain.out" || fail "no verdict without the shim"
for l in sign-shim sign-stress verify-{plain,shim,stress}-{shim,stress,noshim}; do
  if [ "$(cat "$work/$l.rc")" != 0 ]; then
    echo "  $l: exit $(cat "$work/$l.rc")"; sed 's/^/    | /' "$work/$l.err"; bad=1; continue
  fi
  case $l in verify-*)
    cmp -s "$work/$l.out" "$work/verify-plain.out" || { echo "  $l: verdict differs"; bad=1; } ;;
  esac
  case $l in *-noshim) continue ;; esac
  counts=$(checked "$l") || { bad=1; continue; }
  set -- $counts
  if [ "$1" -lt 1 ]; then echo "  $l: no callback seen"; bad=1
  elif [[ $l == *-stress ]] && [ "$2" -lt 1 ]; then echo "  $l: no forced move"; bad=1
  fi
  printf '%-22s exit 0, %d callback(s), %d forced move(s), 0 reports\n' "$l" "$1" "$2"
done
[ "$bad" = 0 ] || fail "skopeo under the shim"
echo PASS
