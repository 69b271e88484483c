#!/usr/bin/env bash
# A short run of the libFuzzer targets for the parsers of user input: the
# UNDEAD_OPTIONS parser and what `undead report` reads (scripts/fuzz options
# report, 20000 inputs each from the seeds, with ASan and UBSan). The long
# runs are scripts/fuzz's, outside the default test run.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
command -v clang >/dev/null || skip "no clang (scripts/setup installs it)"
export UNDEAD_FUZZ_DIR=$UNDEAD_WORK/fuzz_smoke
"$UNDEAD_ROOT/scripts/fuzz" --runs 20000 options report || fail "a fuzz target found a crash (logs in $UNDEAD_FUZZ_DIR)"
echo PASS
