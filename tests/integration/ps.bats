#!/usr/bin/env bats
# ps.bats - `ocirun ps` lists the container's processes (host pids), as
# JSON or as ps(1) output filtered to them, like runc.

load helpers

setup () {
  setup_bundle
  ID=$(new_id)
  config_set '.process.args = ["sh", "-c", "sleep 300 & exec sleep 301"]'
  ocirun run -d --bundle "$BUNDLE" "$ID"
  sleep 0.2
}

teardown () {
  teardown_bundle
}

@test "ps: json lists the container's pids" {
  run ocirun ps --format json "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq length)" -eq 2 ]
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  echo "$output" | jq -e "index($pid) != null"
}

@test "ps: table is ps -ef filtered to the container" {
  run ocirun ps "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$(echo "$output" | head -1)" == *PID* ]]
  [ "$(echo "$output" | wc -l)" -eq 3 ]
  [[ "$output" == *"sleep 300"* ]]
  [[ "$output" == *"sleep 301"* ]]
}

@test "ps: extra arguments go to ps" {
  run ocirun ps "$ID" -o pid,comm
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | head -1 | tr -s ' ' | sed 's/^ //')" = "PID COMMAND" ]
  [ "$(echo "$output" | grep -c sleep)" -eq 2 ]
}

@test "ps: bad format and unknown container" {
  run ocirun ps -f yaml "$ID"
  [ "$status" -ne 0 ]
  run ocirun ps nosuchcontainer
  [ "$status" -ne 0 ]
  [[ "$output" == *"does not exist"* ]]
}
