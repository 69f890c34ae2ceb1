#!/usr/bin/env bats
# errors.bats - bad bundles and failing setup steps: a clear message, exit
# status 1, and nothing left behind (no state entry, no process, no
# cgroup).

load helpers

setup () {
  setup_bundle
  ID=$(new_id)
}

teardown () {
  teardown_bundle
}

# Nothing of container $ID remains anywhere.
nothing_left () {
  [ ! -e "$ROOT/$ID" ]
  [ -z "$(ls "$ROOT")" ]
  ! pgrep -f -- "$ID" >/dev/null
  [ -z "$(find /sys/fs/cgroup -maxdepth 5 -type d -name "$ID" 2>/dev/null)" ]
}

fails_cleanly () { # expected-message-fragment
  run ocirun create --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "${output,,}" == *"${1,,}"* ]]
  nothing_left
}

@test "errors: missing rootfs" {
  rm -rf "$BUNDLE/rootfs"
  fails_cleanly "rootfs"
}

@test "errors: missing config.json" {
  rm "$BUNDLE/config.json"
  fails_cleanly "config.json"
}

@test "errors: invalid config.json" {
  echo '{"ociVersion": "1.3.0", "process": ' > "$BUNDLE/config.json"
  fails_cleanly "config.json"
}

@test "errors: empty mount destination" {
  config_set '.mounts += [{"destination": "", "type": "tmpfs", "source": "tmpfs"}]'
  fails_cleanly "destination"
}

@test "errors: a relative mount destination is taken from the rootfs (runc, spec 1.1+)" {
  config_set '.mounts += [{"destination": "relative/dir", "type": "tmpfs", "source": "tmpfs"}]
    | .process.args = ["sh", "-c", "grep -c \" /relative/dir \" /proc/self/mountinfo"]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = 1 ]
}

@test "errors: relative cwd is rejected" {
  config_set '.process.cwd = "tmp"'
  fails_cleanly "cwd"
}

@test "errors: cwd that is not a directory" {
  config_set '.process.cwd = "/etc/passwd"'
  fails_cleanly "/etc/passwd"
}

@test "errors: a missing cwd is created inside the rootfs, like runc" {
  config_set '.process.cwd = "/no/such/dir" | .process.args = ["pwd"]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = /no/such/dir ]
  [ -d "$BUNDLE/rootfs/no/such/dir" ]
}

@test "errors: cwd through a symlink pointing outside stays inside the rootfs" {
  mkdir -p "$TEST_TMP/hostdir"
  touch "$TEST_TMP/hostdir/host-secret"
  ln -s "$TEST_TMP/hostdir" "$BUNDLE/rootfs/escape"
  config_set ".process.cwd = \"/escape\" | .process.args = [\"ls\"]"
  # The link resolves inside the container root, where the target does
  # not exist: either an error, or anything but the host directory.
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [[ "$output" != *host-secret* ]]
}

@test "errors: missing executable is reported by create" {
  config_set '.process.args = ["/no/such/binary"]'
  fails_cleanly "/no/such/binary"
  config_set '.process.args = ["nosuchcmd"]'
  fails_cleanly "executable file not found"
}

@test "errors: a failing mount in the child shows the real cause" {
  config_set '.mounts += [{"destination": "/mnt", "type": "nosuchfs", "source": "none"}]'
  fails_cleanly "/mnt"
  [[ "$output" == *"No such device"* ]]
}

@test "errors: a console socket without terminal is refused" {
  run ocirun create --bundle "$BUNDLE" --console-socket "$TEST_TMP/sock" "$ID"
  [ "$status" -eq 1 ]
  nothing_left
}

@test "errors: terminal without console socket on create is refused" {
  config_set '.process.terminal = true'
  fails_cleanly "console-socket"
}

@test "errors: hostname without a UTS namespace is refused" {
  config_set '.hostname = "h" | .linux.namespaces |= map(select(.type != "uts"))'
  fails_cleanly "uts"
}

@test "errors: user namespace without mappings is refused" {
  config_set '.linux.namespaces += [{"type": "user"}] | del(.linux.uidMappings, .linux.gidMappings)'
  fails_cleanly "Mappings"
}

@test "errors: a namespace path that is not a namespace is refused" {
  config_set ".linux.namespaces |= map(if .type == \"network\" then .path = \"$BUNDLE/config.json\" else . end)"
  fails_cleanly "namespace"
}

@test "errors: an unknown rlimit is refused before anything runs" {
  config_set '.process.rlimits = [{"type": "RLIMIT_BOGUS", "hard": 1, "soft": 1}]'
  fails_cleanly "RLIMIT_BOGUS"
}

@test "errors: run of a bad bundle leaves nothing either" {
  config_set '.process.args = ["nosuchcmd"]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  nothing_left
}
