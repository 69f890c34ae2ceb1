#!/bin/sh
# README command 1: install, build, run the demo container.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh"
"$top/scripts/demo.sh"
