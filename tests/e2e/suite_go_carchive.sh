#!/usr/bin/env bash
# long-only
# Go's c-archive tests (cmd/cgo/internal/testcarchive: C programs with a Go
# archive linked in, signals, threads) under go test -exec "undead run --"
# and --stress, the C programs inheriting the shim. UNDEAD_LONG=1 only.
# (tests/e2e/suite_go_lib.sh says how the sets are compared.)
# long-timeout: 10800
set -uo pipefail
. "$(dirname "$0")/suite_go_lib.sh"
go_suites "" "testcarchive"
