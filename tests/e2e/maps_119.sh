#!/usr/bin/env bash
# undead maps on runtime.cgocall (Go 1.19): slots, names, the seed bug, stripped builds.
set -u
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/maps_lib.sh"
maps_check 119
