#!/bin/bash
# Install the container engines used by tests/engines/ from Debian packages.
# Idempotent: packages already installed are skipped, and apt-get update runs
# only when something is missing.
set -euo pipefail

PKGS=(podman conmon containerd golang-github-containers-common catatonit
      containers-storage uidmap busybox-static util-linux python3 iproute2)
missing=()
for p in "${PKGS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install.sh: all packages already installed: ${PKGS[*]}"
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    echo "install.sh: need root to install: ${missing[*]}" >&2
    exit 1
fi

echo "install.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# --no-install-recommends keeps runc/crun/slirp4netns/fuse-overlayfs choices
# to the host (recommends would pull in networking helpers we do not use).
apt-get install -y -qq --no-install-recommends "${missing[@]}"
