#!/usr/bin/env bats
# namespaces.bats - namespaces created (pid, mount, uts, ipc, net, cgroup,
# user, time) and joined by path.

load helpers

setup () {
  setup_bundle
  ID=$(new_id)
  chmod 755 "$TEST_TMP" "$BUNDLE"
}

teardown () {
  teardown_bundle
}

ns_of () { # pid ns
  readlink "/proc/$1/ns/$2"
}

@test "namespaces: every configured namespace is new" {
  config_set '.process.args = ["sleep", "100"]'
  ocirun run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  for ns in pid mnt net uts ipc cgroup; do
    echo "$ns"
    [ "$(ns_of "$pid" "$ns")" != "$(ns_of $$ "$ns")" ]
  done
  # not configured: shared with the host
  [ "$(ns_of "$pid" user)" = "$(ns_of $$ user)" ]
}

@test "namespaces: pid 1, own hostname, only lo, cgroup namespace root" {
  config_set '.hostname = "nsbox" | .process.args = ["sh", "-c", "echo $$; hostname; ls /sys/class/net; cat /proc/self/cgroup | grep -c -v \":/$\"; true"]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" = nsbox ]
  [ "${lines[2]}" = lo ]
  # every cgroup line ends with ":/": the container sees its cgroup as /
  [ "${lines[3]}" = 0 ]
}

@test "namespaces: lo is up in a new network namespace" {
  config_set '.process.args = ["cat", "/sys/class/net/lo/operstate"]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  [ "$output" = unknown ] || [ "$output" = up ]
}

@test "namespaces: join network, ipc, uts and pid namespaces by path" {
  config_set '.process.args = ["sleep", "100"] | .hostname = "first"'
  ocirun run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  local id2
  id2=$(new_id)j
  config_set "del(.hostname) | .linux.namespaces |= map(
      if .type == \"network\" then .path = \"/proc/$pid/ns/net\"
      elif .type == \"ipc\" then .path = \"/proc/$pid/ns/ipc\"
      elif .type == \"uts\" then .path = \"/proc/$pid/ns/uts\"
      elif .type == \"pid\" then .path = \"/proc/$pid/ns/pid\"
      else . end)
    | .process.args = [\"sh\", \"-c\", \"hostname; cat /proc/1/comm; readlink /proc/self/ns/net\"]"
  run ocirun run --bundle "$BUNDLE" "$id2"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = first ]
  [ "${lines[1]}" = sleep ]
  [ "${lines[2]}" = "$(ns_of "$pid" net)" ]
  # the first container is untouched
  [ "$(ocirun state "$ID" | jq -r .status)" = running ]
}

@test "namespaces: join a mount namespace by path" {
  config_set '.process.args = ["sleep", "100"] | .root.readonly = false'
  ocirun run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  touch "$BUNDLE/rootfs/marker-of-first"
  local id2
  id2=$(new_id)m
  config_set ".linux.namespaces |= map(if .type == \"mount\" then .path = \"/proc/$pid/ns/mnt\" else . end)
    | .process.args = [\"ls\", \"/marker-of-first\"] | .mounts = []"
  run ocirun run --bundle "$BUNDLE" "$id2"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = /marker-of-first ]
}

@test "namespaces: a user namespace with mappings" {
  config_set '.process.args = ["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u"]
    | .linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 300000, "size": 1000}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 300000, "size": 2000}]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^\ *0\ +300000\ +1000$ ]]
  [[ "${lines[1]}" =~ ^\ *0\ +300000\ +2000$ ]]
  [ "${lines[2]}" = 0 ]
}

@test "namespaces: the container process in a user namespace runs as the mapped host uid" {
  config_set '.process.args = ["sleep", "100"]
    | .linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 300000, "size": 1000}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 300000, "size": 1000}]'
  ocirun run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  [ "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" = 300000 ]
  [ "$(ns_of "$pid" user)" != "$(ns_of $$ user)" ]
}

@test "namespaces: a new user namespace with a joined network namespace" {
  config_set '.process.args = ["sleep", "100"]'
  ocirun run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  config_set ".linux.namespaces |= map(if .type == \"network\" then .path = \"/proc/$pid/ns/net\" else . end)
    | .linux.namespaces += [{\"type\": \"user\"}]
    | .linux.uidMappings = [{\"containerID\": 0, \"hostID\": 300000, \"size\": 1000}]
    | .linux.gidMappings = [{\"containerID\": 0, \"hostID\": 300000, \"size\": 1000}]
    | .process.args = [\"sh\", \"-c\", \"readlink /proc/self/ns/net; cat /proc/self/uid_map\"]"
  run ocirun run --bundle "$BUNDLE" "$(new_id)u"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(ns_of "$pid" net)" ]
  [[ "${lines[1]}" == *300000* ]]
}

@test "namespaces: a time namespace with offsets" {
  [ -e /proc/self/ns/time ] || skip "no time namespaces"
  config_set '.process.args = ["cut", "-d.", "-f1", "/proc/uptime"]
    | .linux.namespaces += [{"type": "time"}]
    | .linux.timeOffsets = {"boottime": {"secs": 864000, "nanosecs": 0}}'
  local host
  host=$(cut -d. -f1 /proc/uptime)
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output vs $host"
  [ "$status" -eq 0 ]
  [ "$output" -ge $((host + 864000 - 5)) ]
}

@test "namespaces: exec joins a time namespace" {
  [ -e /proc/self/ns/time ] || skip "no time namespaces"
  config_set '.process.args = ["sleep", "100"]
    | .linux.namespaces += [{"type": "time"}]
    | .linux.timeOffsets = {"boottime": {"secs": 864000, "nanosecs": 0}}'
  ocirun run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  local host
  host=$(cut -d. -f1 /proc/uptime)
  run ocirun exec "$ID" cut -d. -f1 /proc/uptime
  echo "$output vs $host"
  [ "$output" -ge $((host + 864000 - 5)) ]
}

@test "namespaces: without a pid namespace the process sees the host's pids" {
  config_set '.process.args = ["sh", "-c", "echo $$"] | .linux.namespaces |= map(select(.type != "pid"))'
  run ocirun run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" -gt 1 ]
}
