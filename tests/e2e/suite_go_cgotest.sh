#!/usr/bin/env bash
# long-only
# Go's cgo test suite (cmd/cgo/internal/test) under go test -exec "undead
# run --" and --stress, against the same suite without the shim (suite_cgo.sh
# runs its test binary with LD_PRELOAD). UNDEAD_LONG=1 only.
# (tests/e2e/suite_go_lib.sh says how the sets are compared.)
# long-timeout: 10800
set -uo pipefail
. "$(dirname "$0")/suite_go_lib.sh"
go_suites "" "cgo"
