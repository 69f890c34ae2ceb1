#!/usr/bin/env bats
# timens.bats - time namespaces: linux.timeOffsets written before the
# container's first process enters the namespace, seen by it and by exec.

load helpers

setup () {
  [ -e /proc/self/ns/time ] || skip "no time namespaces on this kernel"
  setup_bundle
  ID=$(new_id)
  chmod 755 "$TEST_TMP" "$BUNDLE"
}

teardown () {
  teardown_bundle
}

with_timens () {
  config_set '.linux.namespaces += [{"type": "time"}]
    | .linux.timeOffsets = {"boottime": {"secs": 864000, "nanosecs": 0},
                            "monotonic": {"secs": 7200, "nanosecs": 500}}'
}

host_uptime () {
  cut -d. -f1 /proc/uptime
}

@test "timens: boottime offset in /proc/uptime, offsets in timens_offsets" {
  with_timens
  config_set '.process.args = ["sh", "-c", "cut -d. -f1 /proc/uptime; cat /proc/self/timens_offsets"]'
  local before after
  before=$(host_uptime)
  run ocirun run --bundle "$BUNDLE" "$ID"
  after=$(host_uptime)
  echo "$output (host $before..$after)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" -ge $((before + 864000)) ]
  [ "${lines[0]}" -le $((after + 864000 + 1)) ]
  [[ "$output" == *"monotonic"*7200*500* ]]
  [[ "$output" == *"boottime"*864000*0* ]]
}

@test "timens: the container's first process is already in the new namespace" {
  with_timens
  config_set '.process.args = ["sleep", "100"]'
  ocirun run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  [ "$(readlink /proc/$pid/ns/time)" != "$(readlink /proc/self/ns/time)" ]
  # time_for_children too: its children stay in it
  [ "$(readlink /proc/$pid/ns/time_for_children)" = "$(readlink /proc/$pid/ns/time)" ]
  grep -q "boottime *864000" /proc/$pid/timens_offsets
}

@test "timens: exec enters the time namespace" {
  with_timens
  config_set '.process.args = ["sleep", "100"]'
  ocirun run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  local before
  before=$(host_uptime)
  run ocirun exec "$ID" cut -d. -f1 /proc/uptime
  echo "$output (host $before)"
  [ "$status" -eq 0 ]
  [ "$output" -ge $((before + 864000)) ]
}

@test "timens: with a user namespace too" {
  with_timens
  config_set '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 300000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 300000, "size": 65536}]
    | .process.args = ["sh", "-c", "id -u; cut -d. -f1 /proc/uptime"]'
  local before
  before=$(host_uptime)
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output (host $before)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" -ge $((before + 864000)) ]
}

@test "timens: a negative monotonic offset" {
  config_set '.linux.namespaces += [{"type": "time"}]
    | .linux.timeOffsets = {"monotonic": {"secs": -1, "nanosecs": 0}}
    | .process.args = ["cat", "/proc/self/timens_offsets"]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"monotonic"*-1*0* ]]
}

@test "timens: timeOffsets without a new time namespace is refused" {
  config_set '.linux.timeOffsets = {"boottime": {"secs": 10, "nanosecs": 0}}'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *timeOffsets* ]]
  [ ! -e "$ROOT/$ID" ]
}
