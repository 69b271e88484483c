#!/usr/bin/env bash
# Go's runtime tests as the false-positive oracle: the same PASS/FAIL/SKIP
# per test without the shim and under -exec "undead run --stress --" (and
# under -exec "undead run --" with UNDEAD_LONG=1), and no report. Default: runtime -run 'Cgo|StackSwitchCallback'
# on the machine's Go (a few minutes: go test builds testprogcgo each
# time). UNDEAD_LONG=1: runtime -run 'Cgo|Pprof|Traceback|Signal|Callback|Stack'
# on every toolchain.
# (tests/e2e/suite_go_lib.sh says how the sets are compared.)
# long-timeout: 10800
set -uo pipefail
. "$(dirname "$0")/suite_go_lib.sh"
go_suites "runtime-cgo" "runtime"
