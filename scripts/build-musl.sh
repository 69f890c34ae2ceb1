#!/bin/sh
# Builds the fast ocirun: a static PIE on musl instead of glibc.
#   scripts/build-musl.sh [BUILDDIR] [configure args...]   (default: build-musl/)
#
# Why: glibc 2.36 works out the CPU's cache sizes at every process start
# with ~80 cpuid instructions, and on a virtual machine each one is a VM
# exit: ~0.47 ms per ocirun command here, against ~0.07 ms for a musl
# binary (bench/exec-cost.sh).  Debian ships the dependencies for glibc
# only, so scripts/musl-deps.sh builds them from Debian's sources first.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-$top/build-musl}
[ $# -gt 0 ] && shift
command -v musl-gcc >/dev/null || { echo "build-musl.sh: musl-gcc not found (apt-get install musl-tools)" >&2; exit 2; }
mkdir -p "$builddir"
builddir=$(cd "$builddir" && pwd)
deps=$builddir/deps
"$top/scripts/musl-deps.sh" "$deps"

# musl-deps.sh also installs a musl-gcc that can link a static PIE (Debian's
# can't), so the binary keeps ASLR like the glibc build's static PIE.
cc=$deps/bin/musl-gcc

[ -x "$top/configure" ] || "$top/autogen.sh" >/dev/null
cd "$builddir"
# -isystem: deps/include also holds the kernel's uapi headers, and those
# redefine a few of musl's macros (_IOR, ...); as system headers they may.
[ -f Makefile ] || "$top/configure" -q CC="$cc" CFLAGS="-g -O2 -isystem $deps/include" \
  PKG_CONFIG_LIBDIR="$deps/lib/pkgconfig" PKG_CONFIG_PATH= "$@"
grep -q '^#define OCIRUN_NL_LINKED' config.h || { echo "build-musl.sh: $builddir is not a musl build" >&2; exit 1; }
make -j"$(nproc)" >/dev/null
file ocirun | grep -q 'static-pie linked' || { echo "build-musl.sh: ocirun is not a static PIE" >&2; exit 1; }
echo "build-musl.sh: built $builddir/ocirun"
