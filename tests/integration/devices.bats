#!/usr/bin/env bats
# devices.bats - the container's /dev: default devices (runtime-linux.md),
# linux.devices, /dev/ptmx and the standard symlinks.

load helpers

setup () {
  setup_bundle
}

teardown () {
  teardown_bundle
}

# "type major:minor mode uid:gid" of each path, as the container sees it
# (busybox stat prints major/minor in hex).
stat_devs () {
  local script='for d in "$@"; do stat -c "$d %F %t:%T %a %u:%g" "$d"; done'
  config_set ".process.args = [\"sh\", \"-c\", $(jq -Rn --arg s "$script" '$s'), \"sh\", $1]"
}

@test "devices: default devices with their numbers and modes" {
  stat_devs '"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"/dev/null character special file 1:3 666 0:0"* ]]
  [[ "$output" == *"/dev/zero character special file 1:5 666 0:0"* ]]
  [[ "$output" == *"/dev/full character special file 1:7 666 0:0"* ]]
  [[ "$output" == *"/dev/random character special file 1:8 666 0:0"* ]]
  [[ "$output" == *"/dev/urandom character special file 1:9 666 0:0"* ]]
  [[ "$output" == *"/dev/tty character special file 5:0 666 0:0"* ]]
}

@test "devices: the devices work" {
  config_set '.process.args = ["sh", "-c", "echo x > /dev/null && head -c 4 /dev/zero | wc -c && head -c 4 /dev/urandom | wc -c"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 4 ]
  [ "${lines[1]}" = 4 ]
}

@test "devices: /dev/ptmx and the fd symlinks" {
  config_set '.process.args = ["sh", "-c", "for l in ptmx fd stdin stdout stderr; do echo $l=$(readlink /dev/$l); done"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"ptmx=pts/ptmx"* ]]
  [[ "$output" == *"fd=/proc/self/fd"* ]]
  [[ "$output" == *"stdin=/proc/self/fd/0"* ]]
  [[ "$output" == *"stdout=/proc/self/fd/1"* ]]
  [[ "$output" == *"stderr=/proc/self/fd/2"* ]]
}

@test "devices: linux.devices with exact fileMode, owner, all types" {
  config_set '.linux.devices = [
    {"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 416, "uid": 1000, "gid": 1001},
    {"path": "/dev/myfifo", "type": "p", "fileMode": 384},
    {"path": "/dev/sub/loop", "type": "b", "major": 7, "minor": 0, "fileMode": 432},
    {"path": "/dev/myurandom", "type": "u", "major": 1, "minor": 9}]'
  stat_devs '"/dev/mynull", "/dev/myfifo", "/dev/sub/loop", "/dev/myurandom"'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  # 416 = 0640, 384 = 0600, 432 = 0660; the umask doesn't apply.
  [[ "$output" == *"/dev/mynull character special file 1:3 640 1000:1001"* ]]
  [[ "$output" == *"/dev/myfifo fifo 0:0 600 0:0"* ]]
  [[ "$output" == *"/dev/sub/loop block special file 7:0 660 0:0"* ]]
  [[ "$output" == *"/dev/myurandom character special file 1:9 666 0:0"* ]]
}

@test "devices: a linux.devices entry replaces the default one" {
  config_set '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 384}]'
  stat_devs '"/dev/null"'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"/dev/null character special file 1:3 600 0:0"* ]]
}

@test "devices: invalid linux.devices entries are rejected before anything runs" {
  config_set '.linux.devices = [{"path": "/dev/bad", "type": "c"}]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.devices[0]"* ]]
  [ -z "$(ls -A "$ROOT")" ]
}

@test "devices: in a user namespace the host's nodes are bind-mounted" {
  config_set '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .mounts |= map(select(.type != "cgroup"))'
  chown -R 100000:100000 "$BUNDLE/rootfs"
  # The mapped root must be able to reach the rootfs.
  chmod 755 "$TEST_TMP" "$BUNDLE"
  config_set '.process.args = ["sh", "-c", "grep \" /dev/null \" /proc/self/mountinfo; stat -c \"%F %t:%T\" /dev/null; echo ok > /dev/null && echo WORKS"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *" /dev/null "* ]]
  [[ "$output" == *"character special file 1:3"* ]]
  [[ "$output" == *WORKS* ]]
}

@test "devices: a bind-mounted /dev is left alone" {
  mkdir "$TEST_TMP/devdir"
  touch "$TEST_TMP/devdir/only-this"
  config_set ".mounts |= map(select(.destination | startswith(\"/dev\") | not))
    | .mounts += [{\"destination\": \"/dev\", \"type\": \"bind\", \"source\": \"$TEST_TMP/devdir\", \"options\": [\"rbind\"]}]"
  config_set '.process.args = ["ls", "/dev"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = only-this ]
}

# config-linux.md "Devices": "If a file already exists at path that does
# not match the requested device, the runtime MUST generate an error."
@test "devices: an existing regular file at a device path is an error naming linux.devices[N]" {
  mkdir -p "$BUNDLE/rootfs/opt"
  echo "regular file" > "$BUNDLE/rootfs/opt/notdev"
  config_set '.linux.devices = [
    {"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3},
    {"path": "/opt/notdev", "type": "c", "major": 1, "minor": 3}]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.devices[1]"*"/opt/notdev"*"regular file"* ]]
  # The image's file is untouched and no container is left.
  [ "$(cat "$BUNDLE/rootfs/opt/notdev")" = "regular file" ]
  [ -z "$(ls -A "$ROOT")" ]
}

@test "devices: an existing node of another type or number is an error" {
  mkdir -p "$BUNDLE/rootfs/opt"
  mknod "$BUNDLE/rootfs/opt/zero" c 1 5
  mkfifo "$BUNDLE/rootfs/opt/fifo"
  config_set '.linux.devices = [{"path": "/opt/zero", "type": "c", "major": 1, "minor": 3}]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.devices[0]"*"character device 1:5"* ]]
  config_set '.linux.devices = [{"path": "/opt/fifo", "type": "b", "major": 7, "minor": 0}]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.devices[0]"*fifo* ]]
  [ -z "$(ls -A "$ROOT")" ]
}

@test "devices: an existing matching node (or a repeated entry) is kept" {
  mkdir -p "$BUNDLE/rootfs/opt"
  mknod -m 640 "$BUNDLE/rootfs/opt/mynull" c 1 3
  mkfifo "$BUNDLE/rootfs/opt/fifo"
  config_set '.linux.devices = [
    {"path": "/opt/mynull", "type": "c", "major": 1, "minor": 3},
    {"path": "/opt/fifo", "type": "p"},
    {"path": "/dev/twice", "type": "c", "major": 1, "minor": 5},
    {"path": "/dev/twice", "type": "c", "major": 1, "minor": 5}]'
  stat_devs '"/opt/mynull", "/dev/twice"'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"/opt/mynull character special file 1:3 640 0:0"* ]]
  [[ "$output" == *"/dev/twice character special file 1:5"* ]]
}

@test "devices: in a user namespace a mismatching file is an error, not covered" {
  mkdir -p "$BUNDLE/rootfs/opt"
  echo "regular file" > "$BUNDLE/rootfs/opt/notdev"
  config_set '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .mounts |= map(select(.type != "cgroup"))
    | .linux.devices = [{"path": "/opt/notdev", "type": "c", "major": 1, "minor": 3}]'
  chown -R 100000:100000 "$BUNDLE/rootfs"
  chmod 755 "$TEST_TMP" "$BUNDLE"
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.devices[0]"*"regular file"* ]]
  [ -z "$(ls -A "$ROOT")" ]
}

@test "devices: fileMode with the node's file-type bits (podman writes st_mode) is accepted" {
  # 020666 = S_IFCHR|0666, what podman puts in linux.devices for --device.
  config_set '.linux.devices = [{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 8630}]
              | .process.args = ["stat", "-c", "%t:%T %a %F", "/dev/mynull"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"1:3 666 character special file"* ]]
}

@test "devices: fileMode file-type bits that contradict the type are refused" {
  # 060666 = S_IFBLK|0666 on a character device.
  config_set '.linux.devices = [{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 25014}]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'linux.devices[0]: fileMode 060666 has file type bits that do not match type "c"'* ]]
  [ -z "$(ls "$ROOT")" ]
}
