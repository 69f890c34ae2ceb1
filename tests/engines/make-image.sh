#!/bin/bash
# Build a tiny OCI image (busybox-static) without any registry, as an OCI
# image-layout tarball made here by hand, and optionally load it into a
# podman store and/or a containerd instance.
#
# usage: make-image.sh -o TARBALL [--podman "PODMAN-CMD..."] [--ctr "CTR-CMD..."]
#   -o TARBALL         where to write the OCI archive (required)
#   --podman CMD       e.g. "podman --root R --runroot RR --storage-driver vfs"
#                      runs: CMD load -i TARBALL
#   --ctr CMD          e.g. "ctr --address SOCK --namespace NS"
#                      runs: CMD images import TARBALL
# The image is named $IMAGE_NAME (default localhost/ocirun-test/busybox:latest).
set -euo pipefail

IMAGE_NAME=${IMAGE_NAME:-localhost/ocirun-test/busybox:latest}
out= podman_cmd= ctr_cmd=
while [ $# -gt 0 ]; do
    case "$1" in
        -o) out=$2; shift 2 ;;
        --podman) podman_cmd=$2; shift 2 ;;
        --ctr) ctr_cmd=$2; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "make-image.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -n "$out" ] || { echo "make-image.sh: -o TARBALL is required" >&2; exit 2; }

BUSYBOX=${BUSYBOX:-/bin/busybox}
if ! "$BUSYBOX" true >/dev/null 2>&1; then
    echo "make-image.sh: $BUSYBOX does not run (install busybox-static)" >&2; exit 1
fi
if ldd "$BUSYBOX" >/dev/null 2>&1; then
    echo "make-image.sh: $BUSYBOX is dynamically linked; need busybox-static" >&2; exit 1
fi

work=$(mktemp -d /tmp/ocirun-image.XXXXXX)
trap 'rm -rf "$work"' EXIT

# ---- rootfs --------------------------------------------------------------
r=$work/rootfs
mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,dev,proc,sys,tmp,run,var/tmp,root,home/user,mnt}
chmod 1777 "$r/tmp" "$r/var/tmp"
chmod 700 "$r/root"
cp "$BUSYBOX" "$r/bin/busybox"
chmod 755 "$r/bin/busybox"
# every applet as a symlink in /bin (absolute-free, relative links)
for a in $("$BUSYBOX" --list); do
    [ "$a" = busybox ] && continue
    [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
done
cat > "$r/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:Test User:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat > "$r/etc/group" <<'G'
root:x:0:
user:x:1000:
nogroup:x:65534:
G
chown 1000:1000 "$r/home/user"
: > "$r/etc/hostname"
: > "$r/etc/hosts"
: > "$r/etc/resolv.conf"
echo "ocirun engine test image" > "$r/etc/motd"

# Deterministic layer tar (uncompressed: its digest is also its diff_id).
layer=$work/layer.tar
tar --sort=name --mtime='2020-01-01 00:00:00Z' --numeric-owner \
    --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -C "$r" -cf "$layer" .

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

# ---- image layout --------------------------------------------------------
L=$work/layout
mkdir -p "$L/blobs/sha256"
layer_sha=$(sha "$layer")
mv "$layer" "$L/blobs/sha256/$layer_sha"
layer_size=$(size "$L/blobs/sha256/$layer_sha")

cfg=$work/config.json
printf '%s' '{"architecture":"amd64","os":"linux","created":"2020-01-01T00:00:00Z",'\
'"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],'\
'"Cmd":["/bin/sh"],"WorkingDir":"/","Labels":{"org.ocirun.test":"engines"}},'\
'"rootfs":{"type":"layers","diff_ids":["sha256:'"$layer_sha"'"]},'\
'"history":[{"created":"2020-01-01T00:00:00Z","created_by":"tests/engines/make-image.sh"}]}' > "$cfg"
cfg_sha=$(sha "$cfg"); cfg_size=$(size "$cfg")
mv "$cfg" "$L/blobs/sha256/$cfg_sha"

man=$work/manifest.json
printf '%s' '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'\
'"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:'"$cfg_sha"'","size":'"$cfg_size"'},'\
'"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:'"$layer_sha"'","size":'"$layer_size"'}]}' > "$man"
man_sha=$(sha "$man"); man_size=$(size "$man")
mv "$man" "$L/blobs/sha256/$man_sha"

printf '%s' '{"imageLayoutVersion":"1.0.0"}' > "$L/oci-layout"
printf '%s' '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",'\
'"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:'"$man_sha"'","size":'"$man_size"','\
'"platform":{"architecture":"amd64","os":"linux"},'\
'"annotations":{"org.opencontainers.image.ref.name":"'"$IMAGE_NAME"'","io.containerd.image.name":"'"$IMAGE_NAME"'"}}]}' > "$L/index.json"

# sanity: every blob's name is its sha256
for b in "$L"/blobs/sha256/*; do
    [ "$(sha "$b")" = "$(basename "$b")" ] || { echo "make-image.sh: digest mismatch $b" >&2; exit 1; }
done

mkdir -p "$(dirname "$out")"
tar --sort=name --mtime='2020-01-01 00:00:00Z' --owner=0 --group=0 --numeric-owner \
    -C "$L" -cf "$out" oci-layout index.json blobs
echo "make-image.sh: wrote $out (manifest sha256:$man_sha, layer $layer_size bytes) as $IMAGE_NAME"

if [ -n "$podman_cmd" ]; then
    # podman (containers/image) keeps a blob-info cache in
    # /var/lib/containers/cache whatever --root says: remove it again if it
    # was not there before
    cache_existed=; [ -e /var/lib/containers/cache ] && cache_existed=1
    varlib_existed=; [ -e /var/lib/containers ] && varlib_existed=1
    # oci-archive: the ref.name annotation becomes the image name
    $podman_cmd load -q -i "$out" >/dev/null
    if [ "$($podman_cmd images -q "$IMAGE_NAME" | wc -l)" -lt 1 ]; then
        # some podman versions name the image by the archive path; tag it
        id=$($podman_cmd images -q | head -1)
        $podman_cmd tag "$id" "$IMAGE_NAME"
    fi
    echo "make-image.sh: loaded into podman: $($podman_cmd images --format '{{.Repository}}:{{.Tag}} {{.ID}}' "$IMAGE_NAME")"
    [ -n "$cache_existed" ] || rm -rf /var/lib/containers/cache
    [ -n "$varlib_existed" ] || rmdir /var/lib/containers 2>/dev/null || true
fi
if [ -n "$ctr_cmd" ]; then
    $ctr_cmd images import --all-platforms "$out" >/dev/null
    $ctr_cmd images ls -q | grep -qx "$IMAGE_NAME" || { echo "make-image.sh: ctr import did not create $IMAGE_NAME" >&2; exit 1; }
    echo "make-image.sh: imported into containerd: $IMAGE_NAME"
fi
