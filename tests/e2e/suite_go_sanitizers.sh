#!/usr/bin/env bash
# long-only
# Go's sanitizer tests (cmd/cgo/internal/testsanitizers: MSan, ASan, TSan,
# LSan programs) under go test -exec "undead run --" and --stress, the
# sanitizer programs inheriting the shim; its ASan cases must run, not skip.
# UNDEAD_LONG=1 only.
# (tests/e2e/suite_go_lib.sh says how the sets are compared.)
# long-timeout: 14400
set -uo pipefail
. "$(dirname "$0")/suite_go_lib.sh"
go_suites "" "testsanitizers"
