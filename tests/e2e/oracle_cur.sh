#!/usr/bin/env bash
# Stack maps decoded by undead == the Go runtime's own getStackMap, at every
# safe point of a cgo program built with the current Go toolchain.
set -u
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/oracle_lib.sh"
oracle_compare cur
