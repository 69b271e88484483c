#!/usr/bin/env bash
# The report tests must FAIL, not skip, when the shim writes no report: run
# with a stand-in libundead.so that does nothing, each of them must exit 1.
# (A test that turns into a skip when the product breaks hides the break.)
set -uo pipefail
. "$(dirname "$0")/report_lib.sh"
report_need_tools
work=$UNDEAD_WORK/report_noshim
rm -rf "$work"; mkdir -p "$work"
echo 'int undead_stand_in;' >"$work/empty.c"
cc -shared -fPIC -o "$work/libundead.so" "$work/empty.c" || fail "cc"
for t in report_text report_json sarif_schema report_cli; do
  REPORT_WORK=$work UNDEAD_SO=$work/libundead.so bash "$UNDEAD_ROOT/tests/e2e/$t.sh" >"$work/$t.log" 2>&1
  rc=$?
  [ "$rc" = 1 ] && grep -q 'FAIL: .*wrote no report' "$work/$t.log" ||
    fail "$t without a working shim: exit $rc, want 1 ($(tail -2 "$work/$t.log"))"
  echo "ok: $t fails without a working shim: $(grep -m1 'FAIL:' "$work/$t.log" | cut -c1-120)"
done
echo PASS
