#!/usr/bin/env bash
# The text report of real runs of the seed bug (cgocall without its KeepAlive
# lines), with each of the six toolchains, against tests/report/text.check
# (FileCheck: structure, names and lines; addresses and ids by pattern). Then the same
# report re-rendered by `undead report --text` from its JSON twin must pass
# the same checks.
set -uo pipefail
. "$(dirname "$0")/report_lib.sh"
report_need_tools
work=$REPORT_WORK/report_text
rm -rf "$work"; mkdir -p "$work"
for tc in $(undead_toolchains); do
  have_toolchain "$tc" || continue
  read -r xl yl < <(cgocall_xy "$tc") || fail "cannot read cgocall's X/Y lines for $tc"
  gv=$(go_version_of "$tc")
  cl=$(copystack_line "$tc") || fail "cannot read newstack's copystack line for $tc"
  rc=$(real_report "$tc" text "$work/$tc")
  need_report "$work/$tc" "$tc"
  [ "$rc" = 134 ] || fail "$tc: exit status $rc, want 134 (abort after the report)"
  f=$(ls "$work/$tc"/undead.*)
  "$FILECHECK" --input-file "$f" -DXLINE="$xl" -DYLINE="$yl" -DGOVERSION="$gv" -DCOPYLINE="$cl" \
    "$REPORT_CHECKS/text.check" || fail "$tc: text report does not match text.check ($f)"
  echo "ok: $tc text report ($f)"

  rc=$(real_report "$tc" json "$work/$tc-json")
  j=$(ls "$work/$tc-json"/undead.*)
  "$UNDEAD" report --text "$j" >"$work/$tc.rerendered"; rc=$?
  [ "$rc" = 1 ] || fail "$tc: undead report --text exit $rc, want 1 (findings)"
  "$FILECHECK" --input-file "$work/$tc.rerendered" -DXLINE="$xl" -DYLINE="$yl" -DGOVERSION="$gv" -DCOPYLINE="$cl" \
    "$REPORT_CHECKS/text.check" || fail "$tc: undead report --text does not match text.check"
  echo "ok: $tc undead report --text"
done
skip_missing_toolchains
echo PASS
