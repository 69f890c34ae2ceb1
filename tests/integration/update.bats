#!/usr/bin/env bats
# update.bats - `ocirun update` changes the limits of a running container
# (runc's flags, -r FILE and -r -), read back from the host cgroup files.

load helpers

setup () {
  setup_bundle
  ID=$(new_id)
  config_set '.process.args = ["sleep", "300"]
              | .linux.resources.memory = {"limit": 134217728}'
  ocirun run -d --bundle "$BUNDLE" "$ID"
}

teardown () {
  teardown_bundle
}

cg_dir () {
  awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print }' "$ROOT/$ID/cgroup"
}

ctrl_dir () {
  local d
  d=$(cg_dir "$1")
  [ -n "$d" ] || d=$(cg_dir unified)
  echo "$d"
}

v1 () {
  [ -n "$(cg_dir memory)" ]
}

@test "update: flags change memory, cpu and pids of a running container" {
  ocirun update --memory 64m --memory-swap 96M --memory-reservation 32m \
    --cpu-share 256 --cpu-quota 30000 --cpu-period 60000 \
    --cpuset-cpus 0 --pids-limit 33 "$ID"
  local mem cpu
  mem=$(ctrl_dir memory) cpu=$(ctrl_dir cpu)
  [ "$(cat "$(ctrl_dir pids)/pids.max")" = 33 ]
  [ "$(cat "$(ctrl_dir cpuset)/cpuset.cpus")" = 0 ]
  if v1; then
    [ "$(cat "$mem/memory.limit_in_bytes")" = 67108864 ]
    [ "$(cat "$mem/memory.memsw.limit_in_bytes")" = 100663296 ]
    [ "$(cat "$mem/memory.soft_limit_in_bytes")" = 33554432 ]
    [ "$(cat "$cpu/cpu.shares")" = 256 ]
    [ "$(cat "$cpu/cpu.cfs_quota_us")" = 30000 ]
    [ "$(cat "$cpu/cpu.cfs_period_us")" = 60000 ]
  else
    [ "$(cat "$mem/memory.max")" = 67108864 ]
    [ "$(cat "$mem/memory.swap.max")" = 33554432 ]
    [ "$(cat "$cpu/cpu.max")" = "30000 60000" ]
  fi
  # Raising again works too (memsw before the limit on v1).
  ocirun update --memory 256m --memory-swap 512m "$ID"
  if v1; then
    [ "$(cat "$mem/memory.limit_in_bytes")" = 268435456 ]
  else
    [ "$(cat "$mem/memory.max")" = 268435456 ]
  fi
  # The container kept running.
  [ "$(ocirun state "$ID" | jq -r .status)" = running ]
}

@test "update: -r FILE and -r - apply a resources JSON" {
  echo '{"pids": {"limit": 17}, "memory": {"limit": 100000000}}' > "$BATS_TEST_TMPDIR/r.json"
  ocirun update -r "$BATS_TEST_TMPDIR/r.json" "$ID"
  [ "$(cat "$(ctrl_dir pids)/pids.max")" = 17 ]
  echo '{"pids": {"limit": 0}}' | ocirun update -r - "$ID"
  [ "$(cat "$(ctrl_dir pids)/pids.max")" = max ]
  local mem
  mem=$(ctrl_dir memory)
  if v1; then
    [ "$(cat "$mem/memory.limit_in_bytes")" = 99999744 ]
  else
    [ "$(cat "$mem/memory.max")" = 99999744 ]
  fi
}

@test "update: a refused value names the file and leaves the rest" {
  run ocirun update --cpuset-cpus 4095 "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'write "4095" to '*cpuset.cpus* ]]
  run ocirun update --memory abc "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"invalid value"* ]]
}

@test "update: checkBeforeUpdate refuses a limit below the current usage" {
  run ocirun update -r - "$ID" <<< '{"memory": {"limit": 4096, "checkBeforeUpdate": true}}'
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"below the current usage"* ]]
}

@test "update: a stopped container cannot be updated" {
  kill -9 "$(ocirun state "$ID" | jq .pid)"
  sleep 0.2
  run ocirun update --pids-limit 5 "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"not running"* ]]
}
