#!/bin/sh
# Configures and builds ocirun in a build directory (default: build/).
#   scripts/build.sh [BUILDDIR] [configure args...]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-$top/build}
[ $# -gt 0 ] && shift
[ -x "$top/configure" ] || "$top/autogen.sh" >/dev/null
mkdir -p "$builddir"
cd "$builddir"
[ -f Makefile ] || "$top/configure" -q "$@"
make -j"$(nproc)" >/dev/null
echo "build.sh: built $builddir/ocirun"
