#!/usr/bin/env bats
# events.bats - `ocirun events`: runc's JSON lines, --stats once, oom
# events from the memory controller, exit when the container is gone.

load helpers

setup () {
  setup_bundle
  ID=$(new_id)
}

teardown () {
  [ -n "${EVENTS_PID:-}" ] && kill "$EVENTS_PID" 2>/dev/null
  teardown_bundle
}

@test "events --stats: one stats event for the container" {
  config_set '.process.args = ["sh", "-c", "sleep 300 & exec sleep 301"]
              | .linux.resources.pids = {"limit": 50}'
  ocirun run -d --bundle "$BUNDLE" "$ID"
  run ocirun events --stats "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | wc -l)" -eq 1 ]
  echo "$output" | jq -e '.type == "stats"'
  echo "$output" | jq -e ".id == \"$ID\""
  echo "$output" | jq -e '.data.pids.current == 2 and .data.pids.limit == 50'
  echo "$output" | jq -e '.data.memory.usage.usage > 0'
  echo "$output" | jq -e '.data.cpu.usage.total > 0'
  echo "$output" | jq -e '.data | has("blkio") and has("hugetlb") and has("cpuset")'
}

@test "events: periodic stats, oom events, ends when the container is deleted" {
  # sh survives; the dd it starts is OOM-killed.
  config_set '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}
              | .process.args = ["sh", "-c",
                  "sleep 1; dd if=/dev/zero of=/dev/null bs=128M count=1; sleep 300"]'
  ocirun run -d --bundle "$BUNDLE" "$ID"
  ocirun events --interval 300ms "$ID" > "$BATS_TEST_TMPDIR/events" &
  EVENTS_PID=$!
  sleep 2.5
  ocirun delete --force "$ID"
  # events notices the cgroup is gone and exits by itself.
  for i in $(seq 50); do kill -0 "$EVENTS_PID" 2>/dev/null || break; sleep 0.1; done
  ! kill -0 "$EVENTS_PID" 2>/dev/null
  EVENTS_PID=
  cat "$BATS_TEST_TMPDIR/events"
  [ "$(grep -c '"type":"stats"' "$BATS_TEST_TMPDIR/events")" -ge 3 ]
  grep -q "^{\"type\":\"oom\",\"id\":\"$ID\"}\$" "$BATS_TEST_TMPDIR/events"
}

@test "events: bad interval, stopped and unknown containers" {
  run ocirun events --interval 0s x
  [ "$status" -ne 0 ]
  run ocirun events --stats nosuchcontainer
  [ "$status" -ne 0 ]
  [[ "$output" == *"does not exist"* ]]
}
