#!/usr/bin/env bash
# undead maps on runtime.cgocall (current Go): slots, names, the seed bug, stripped builds.
set -u
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/maps_lib.sh"
maps_check cur
