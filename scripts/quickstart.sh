#!/bin/sh
# README command 1: install, build, run the demo container.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh"
# The fast build (static PIE on musl) runs the demo; build/ocirun (glibc)
# if it can't be built here.
if "$top/scripts/build-musl.sh"; then
  "$top/scripts/demo.sh" "$top/build-musl/ocirun"
else
  echo "quickstart.sh: the musl build failed (see above); the demo uses build/ocirun" >&2
  "$top/scripts/demo.sh" "$top/build/ocirun"
fi
