#!/usr/bin/env bats
# pause.bats - pause freezes every process (a counter stops), resume
# continues it, state shows "paused" in between (runc behaviour).

load helpers

setup () {
  setup_bundle
  ID=$(new_id)
  config_set '.root.readonly = false
              | .process.args = ["sh", "-c",
                  "i=0; while true; do i=$((i+1)); echo $i > /tmp/counter; sleep 0.05; done"]'
}

teardown () {
  teardown_bundle
}

counter () {
  cat "$BUNDLE/rootfs/tmp/counter" 2>/dev/null || echo 0
}

@test "pause: freezes, state paused, resume continues" {
  ocirun run -d --bundle "$BUNDLE" "$ID"
  sleep 0.3
  ocirun pause "$ID"
  [ "$(ocirun state "$ID" | jq -r .status)" = paused ]
  ocirun list | grep "$ID" | grep -q paused
  local a b c
  a=$(counter)
  sleep 0.5
  b=$(counter)
  echo "while paused: $a $b"
  [ "$a" = "$b" ]
  ocirun resume "$ID"
  [ "$(ocirun state "$ID" | jq -r .status)" = running ]
  sleep 0.5
  c=$(counter)
  echo "after resume: $c"
  [ "$c" -gt "$b" ]
}

@test "pause: errors for a paused/unpaused container, delete --force of a paused one" {
  ocirun run -d --bundle "$BUNDLE" "$ID"
  run ocirun resume "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"not paused"* ]]
  ocirun pause "$ID"
  run ocirun pause "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"not running"* ]]
  local dirs
  dirs=$(awk '$1 != "mode" && $1 != "v2ctrls" { $1 = ""; print }' "$ROOT/$ID/cgroup")
  ocirun delete --force "$ID"
  for d in $dirs; do [ ! -d "$d" ]; done
}

@test "pause: unknown container" {
  run ocirun pause nosuchcontainer
  [ "$status" -ne 0 ]
  [[ "$output" == *"does not exist"* ]]
}
