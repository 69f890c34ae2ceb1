# helpers.bash - shared setup for integration tests. Load with
#   load helpers
# Gives each test a private state root, a busybox bundle and cleanup of
# every container the test created, even when the test fails.

OCIRUN=${OCIRUN:-$BATS_TEST_DIRNAME/../../ocirun}

# A fresh temp dir per test with: $ROOT (state root), $BUNDLE (bundle dir
# with rootfs/ holding busybox and a config.json from `ocirun spec`).
setup_bundle () {
  TEST_TMP=$(mktemp -d /tmp/ocirun-test.XXXXXX)
  ROOT=$TEST_TMP/root
  BUNDLE=$TEST_TMP/bundle
  mkdir -p "$ROOT" "$BUNDLE/rootfs"
  make_busybox_rootfs "$BUNDLE/rootfs"
  (cd "$BUNDLE" && "$OCIRUN" spec) || return 1
  # Tests want a non-interactive process by default.
  config_set '.process.terminal = false | .process.args = ["true"]'
}

make_busybox_rootfs () {
  local rootfs=$1
  mkdir -p "$rootfs"/{bin,sbin,etc,proc,sys,dev,tmp,root,usr/bin,usr/sbin,var}
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
  done
  echo "root:x:0:0:root:/root:/bin/sh" > "$rootfs/etc/passwd"
  echo "nobody:x:65534:65534:nobody:/:/bin/sh" >> "$rootfs/etc/passwd"
  echo "root:x:0:" > "$rootfs/etc/group"
  chmod 1777 "$rootfs/tmp"
}

# Apply a jq filter to the bundle's config.json in place.
config_set () {
  local tmp=$BUNDLE/config.json.tmp
  jq "$1" "$BUNDLE/config.json" > "$tmp" && mv "$tmp" "$BUNDLE/config.json"
}

# `create` and `run -d` leave a container process that inherits the
# runtime's stdout/stderr (as with runc). Inside bats' `run`, that would be
# bats' capture pipe, and bats would wait for it until the container dies.
# So for those, the container's stdio goes to a file and the runtime's own
# output is replayed from it. A test wanting the container's output reads
# "$TEST_TMP/<id>.out".
ocirun () {
  if _detaches "$@"; then
    local id=${!#}
    local out=${TEST_TMP:-/tmp}/$id.out
    "$OCIRUN" --root "$ROOT" "$@" </dev/null >"$out" 2>&1
    local rc=$?
    cat "$out"
    return $rc
  fi
  "$OCIRUN" --root "$ROOT" "$@"
}

_detaches () {
  local a
  case "$1" in
    create) return 0 ;;
    run)
      for a in "$@"; do
        case "$a" in -d|--detach) return 0 ;; esac
      done ;;
  esac
  return 1
}

# A container id unique across parallel test runs.
new_id () {
  echo "t$$-${BATS_TEST_NUMBER:-0}-$RANDOM"
}

teardown_bundle () {
  if [ -n "${ROOT:-}" ] && [ -d "$ROOT" ]; then
    for id in $(ls "$ROOT" 2>/dev/null); do
      "$OCIRUN" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
    done
  fi
  [ -n "${TEST_TMP:-}" ] && rm -rf "$TEST_TMP"
  return 0
}
