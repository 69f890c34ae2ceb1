#!/bin/sh
# Installs everything ocirun needs to build, test and benchmark on Debian 12.
# Idempotent: packages already present are not downloaded again.
set -eu

# libpcre2-dev and libsepol-dev: the static archives libselinux.a needs
# (the default build links the dependencies statically, see configure.ac).
# musl-tools ... gperf: the musl build (scripts/build-musl.sh), whose
# dependencies scripts/musl-deps.sh builds from Debian's source packages.
BUILD="build-essential autoconf automake libtool pkg-config git
  libyajl-dev libseccomp-dev libcap-dev libselinux1-dev libnl-3-dev libnl-route-3-dev
  libpcre2-dev libsepol-dev
  musl-tools curl ca-certificates xz-utils patch gperf"
TEST="busybox-static bats jq python3 python3-jsonschema libcmocka-dev clang
  iproute2 uidmap time strace valgrind util-linux procps runc crun"

if [ "$(id -u)" != 0 ]; then
  echo "install-deps.sh: run as root (apt-get install)" >&2
  exit 1
fi

missing=""
for p in $BUILD $TEST; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "install-deps.sh: all packages present"
else
  echo "install-deps.sh: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# The engines the engine scenarios drive (podman, conmon, containerd, ...):
# installed here too, so that nothing is installed in the middle of a test
# run.
exec "$(cd "$(dirname "$0")/.." && pwd)/tests/engines/install.sh"
