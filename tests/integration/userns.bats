#!/usr/bin/env bats
# userns.bats - containers in a user namespace, run by root: mappings,
# ownership seen from both sides, idmapped mounts, joining a user
# namespace by path, and the rest of the setup (mounts, devices, sysctl,
# hostname, cgroups) still working inside one.

load helpers

# host ids of the container's root (a range nobody uses on test hosts)
HOSTID=300000

setup () {
  [ -e /proc/self/ns/user ] || skip "no user namespaces"
  setup_bundle
  ID=$(new_id)
  # The container's root is host uid $HOSTID: it must reach the rootfs.
  chmod 755 "$TEST_TMP" "$BUNDLE"
  USERNS_PID=
}

teardown () {
  [ -n "${USERNS_PID:-}" ] && kill "$USERNS_PID" 2>/dev/null
  teardown_bundle
}

with_userns () { # size of the mapped range
  config_set ".linux.namespaces += [{\"type\": \"user\"}]
    | .linux.uidMappings = [{\"containerID\": 0, \"hostID\": $HOSTID, \"size\": $1}]
    | .linux.gidMappings = [{\"containerID\": 0, \"hostID\": $HOSTID, \"size\": $1}]"
}

add_mount () {
  config_set ".mounts += [$1]"
}

@test "userns: root inside, the mapped host uid outside (bind mount)" {
  mkdir "$TEST_TMP/vol"
  chown "$HOSTID:$HOSTID" "$TEST_TMP/vol"
  with_userns 65536
  add_mount "{\"destination\": \"/tmp\", \"type\": \"bind\", \"source\": \"$TEST_TMP/vol\", \"options\": [\"bind\"]}"
  config_set '.process.args = ["sh", "-c", "id -u; id -g; echo x > /tmp/by-root; stat -c %u:%g /tmp/by-root"]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 0 ]
  [ "${lines[2]}" = 0:0 ]
  [ "$(stat -c %u:%g "$TEST_TMP/vol/by-root")" = "$HOSTID:$HOSTID" ]
}

@test "userns: a non-root container user writes as host uid base+uid" {
  mkdir "$TEST_TMP/vol"
  chmod 1777 "$TEST_TMP/vol"
  with_userns 65536
  add_mount "{\"destination\": \"/tmp\", \"type\": \"bind\", \"source\": \"$TEST_TMP/vol\", \"options\": [\"bind\"]}"
  config_set '.process.user = {"uid": 1000, "gid": 1000}
    | .process.args = ["sh", "-c", "id -u; echo x > /tmp/f"]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = 1000 ]
  [ "$(stat -c %u:%g "$TEST_TMP/vol/f")" = "$((HOSTID + 1000)):$((HOSTID + 1000))" ]
}

@test "userns: /proc/self/uid_map and gid_map match several ranges" {
  config_set ".linux.namespaces += [{\"type\": \"user\"}]
    | .linux.uidMappings = [{\"containerID\": 0, \"hostID\": $HOSTID, \"size\": 1000},
                            {\"containerID\": 1000, \"hostID\": $((HOSTID + 5000)), \"size\": 10}]
    | .linux.gidMappings = [{\"containerID\": 0, \"hostID\": $((HOSTID + 100000)), \"size\": 500}]
    | .process.args = [\"sh\", \"-c\", \"cat /proc/self/uid_map; echo --; cat /proc/self/gid_map\"]"
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 4 ]
  [[ "${lines[0]}" =~ ^\ *0\ +$HOSTID\ +1000$ ]]
  [[ "${lines[1]}" =~ ^\ *1000\ +$((HOSTID + 5000))\ +10$ ]]
  [ "${lines[2]}" = -- ]
  [[ "${lines[3]}" =~ ^\ *0\ +$((HOSTID + 100000))\ +500$ ]]
}

@test "userns: the container process runs as the mapped host uid; exec joins it" {
  with_userns 65536
  config_set '.process.args = ["sleep", "100"]'
  ocirun run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  [ "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" = "$HOSTID" ]
  run ocirun exec "$ID" sh -c 'id -u; readlink /proc/self/ns/user'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = "$(readlink /proc/$pid/ns/user)" ]
}

@test "userns: an idmapped bind mount shows the mapped owner, host ownership unchanged" {
  mkdir "$TEST_TMP/ids" "$TEST_TMP/ids/sub"
  echo data > "$TEST_TMP/ids/f"
  chown 0:0 "$TEST_TMP/ids/f"
  chown 1000:1000 "$TEST_TMP/ids/sub"
  with_userns 65536
  local m="[{\"containerID\": 0, \"hostID\": $HOSTID, \"size\": 65536}]"
  add_mount "{\"destination\": \"/root\", \"type\": \"bind\", \"source\": \"$TEST_TMP/ids\", \"options\": [\"bind\", \"idmap\"], \"uidMappings\": $m, \"gidMappings\": $m}"
  add_mount "{\"destination\": \"/var\", \"type\": \"bind\", \"source\": \"$TEST_TMP/ids\", \"options\": [\"bind\"]}"
  config_set '.process.args = ["sh", "-c", "stat -c %u:%g /root/f /root/sub /var/f; echo new > /root/new"]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  if [[ "$output" == *"idmap"*"Invalid argument"* ]]; then
    skip "filesystem of $TEST_TMP does not support idmapped mounts"
  fi
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0:0 ]
  [ "${lines[1]}" = 1000:1000 ]
  # the same files through a plain bind: host root is unmapped inside
  [ "${lines[2]}" = 65534:65534 ]
  # nothing was chowned on the host; the container's root wrote as host root
  [ "$(stat -c %u:%g "$TEST_TMP/ids/f")" = 0:0 ]
  [ "$(stat -c %u:%g "$TEST_TMP/ids/sub")" = 1000:1000 ]
  [ "$(stat -c %u:%g "$TEST_TMP/ids/new")" = 0:0 ]
}

@test "userns: mounts, bind-mounted devices, sysctl, hostname and cgroup limits work inside" {
  with_userns 65536
  config_set '.hostname = "userbox"
    | .linux.sysctl = {"kernel.shmmax": "12345678"}
    | .linux.resources.pids = {"limit": 77}
    | .linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0}]
    | .process.args = ["sh", "-c", "hostname; cat /proc/sys/kernel/shmmax; ls -l /dev/null /dev/fuse | cut -c1; grep -q \" /dev/pts \" /proc/self/mountinfo && echo pts; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max"]'
  [ -e /dev/fuse ] || config_set 'del(.linux.devices)'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = userbox ]
  [ "${lines[1]}" = 12345678 ]
  # mknod is not allowed in a user namespace: the host's nodes, bound
  [ "${lines[2]}" = c ]
  if [ -e /dev/fuse ]; then
    [ "${lines[3]}" = c ]
    [ "${lines[4]}" = pts ]
    [ "${lines[5]}" = 77 ]
  else
    [ "${lines[3]}" = pts ]
    [ "${lines[4]}" = 77 ]
  fi
}

@test "userns: join an existing user namespace by path" {
  command -v unshare >/dev/null || skip "no unshare(1)"
  unshare -U sleep 100 &
  USERNS_PID=$!
  local i
  for i in $(seq 50); do
    [ "$(readlink /proc/$USERNS_PID/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break
    sleep 0.1
  done
  echo "0 $HOSTID 65536" > /proc/$USERNS_PID/uid_map
  echo "0 $HOSTID 65536" > /proc/$USERNS_PID/gid_map
  config_set ".linux.namespaces += [{\"type\": \"user\", \"path\": \"/proc/$USERNS_PID/ns/user\"}]
    | .process.args = [\"sh\", \"-c\", \"id -u; readlink /proc/self/ns/user; cat /proc/self/uid_map\"]"
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = "$(readlink /proc/$USERNS_PID/ns/user)" ]
  [[ "${lines[2]}" =~ ^\ *0\ +$HOSTID\ +65536$ ]]
}

@test "userns: overlapping ranges fail clearly and leave nothing behind" {
  config_set ".linux.namespaces += [{\"type\": \"user\"}]
    | .linux.uidMappings = [{\"containerID\": 0, \"hostID\": $HOSTID, \"size\": 100},
                            {\"containerID\": 50, \"hostID\": $((HOSTID + 1000)), \"size\": 100}]
    | .linux.gidMappings = [{\"containerID\": 0, \"hostID\": $HOSTID, \"size\": 100}]"
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.uidMappings[1]"*overlaps* ]]
  [ ! -e "$ROOT/$ID" ]
  config_set ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $HOSTID, \"size\": 100},
                                    {\"containerID\": 500, \"hostID\": $((HOSTID + 50)), \"size\": 100}]"
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.uidMappings[1]"*hostID*overlaps* ]]
  [ ! -e "$ROOT/$ID" ]
}

@test "userns: a new user namespace without mappings is refused" {
  config_set '.linux.namespaces += [{"type": "user"}]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *uidMappings* ]]
  [ ! -e "$ROOT/$ID" ]
}
