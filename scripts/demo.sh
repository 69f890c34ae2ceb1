#!/bin/sh
# Makes a busybox bundle and runs a container from it with ocirun.
#   scripts/demo.sh [OCIRUN]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
OCIRUN=${1:-$top/build/ocirun}
demo=$(mktemp -d /tmp/ocirun-demo.XXXXXX)
trap 'rm -rf "$demo"' EXIT

mkdir -p "$demo/bundle/rootfs/bin" "$demo/root"
cp /bin/busybox "$demo/bundle/rootfs/bin/busybox"
for applet in sh echo cat hostname id uname; do
  ln -s busybox "$demo/bundle/rootfs/bin/$applet"
done

"$OCIRUN" --version
cd "$demo/bundle"
"$OCIRUN" spec
jq '.process.terminal = false
    | .process.args = ["sh", "-c", "echo \"Hello from an ocirun container: $(hostname), uid $(id -u), pid $$\""]' \
  config.json > config.json.new && mv config.json.new config.json
echo "--- ocirun run demo ---"
"$OCIRUN" --root "$demo/root" run "demo-$$"
