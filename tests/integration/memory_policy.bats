#!/usr/bin/env bats
# memory_policy.bats - linux.memoryPolicy (runtime-spec 1.3, set with
# set_mempolicy(2) before execve) and the linux.intelRdt host check.
#
# The policy is read back from /proc/self/numa_maps (the first mapping
# falls back to the task's policy): "bind:0", "interleave:0", "local"...

load helpers

setup () {
  setup_bundle
  config_set '.process.args = ["head", "-1", "/proc/self/numa_maps"]'
}

teardown () {
  teardown_bundle
}

need_node0 () {
  [ -e /sys/devices/system/node/node0 ] || skip "no NUMA node 0"
}

@test "memoryPolicy: every mode is applied to the container process" {
  need_node0
  local m
  for m in "MPOL_BIND bind:0" "MPOL_INTERLEAVE interleave:0" \
      "MPOL_PREFERRED prefer:0" "MPOL_PREFERRED_MANY prefer (many):0" \
      "MPOL_WEIGHTED_INTERLEAVE weighted interleave:0"; do
    config_set ".linux.memoryPolicy = {\"mode\": \"${m%% *}\", \"nodes\": \"0\"}"
    run ocirun run -b "$BUNDLE" "$(new_id)"
    echo "$m: $output"
    if [ "$status" -ne 0 ] && [[ "$output" == *"Invalid argument"* ]] \
        && [[ $m == MPOL_PREFERRED_MANY* || $m == MPOL_WEIGHTED* ]]; then
      continue # older kernel without this mode
    fi
    [ "$status" -eq 0 ]
    [[ "$output" == *" ${m#* } "* ]]
  done
  for m in "MPOL_LOCAL local" "MPOL_DEFAULT default"; do
    config_set ".linux.memoryPolicy = {\"mode\": \"${m%% *}\"}"
    run ocirun run -b "$BUNDLE" "$(new_id)"
    echo "$m: $output"
    [ "$status" -eq 0 ]
    [[ "$output" == *" ${m#* } "* ]]
  done
}

@test "memoryPolicy: flags, and the policy is inherited by exec'd children" {
  need_node0
  config_set '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}
    | .process.args = ["sh", "-c", "head -1 /proc/self/numa_maps; sh -c \"head -1 /proc/self/numa_maps\""]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 2 ]
  [[ "${lines[0]}" == *" bind=static:0 "* ]]
  [[ "${lines[1]}" == *" bind=static:0 "* ]]
}

@test "memoryPolicy: exec'd processes get the container's policy" {
  need_node0
  local id
  id=$(new_id)
  config_set '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0"}
    | .process.args = ["sleep", "1000"]'
  run ocirun run -d -b "$BUNDLE" "$id"
  [ "$status" -eq 0 ]
  run ocirun exec "$id" head -1 /proc/self/numa_maps
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *" interleave:0 "* ]]
}

@test "memoryPolicy: without it the process keeps the default policy" {
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *" default "* ]]
}

@test "memoryPolicy: bad configs are rejected before anything runs" {
  local n
  for n in \
      '{"mode": "MPOL_BIND"}|linux.memoryPolicy.nodes: required for MPOL_BIND' \
      '{"mode": "MPOL_BIND", "nodes": "3-1"}|linux.memoryPolicy.nodes: invalid node list' \
      '{"mode": "MPOL_BIND", "nodes": "0,a"}|linux.memoryPolicy.nodes: invalid node list' \
      '{"mode": "MPOL_DEFAULT", "nodes": "0"}|MPOL_DEFAULT takes no nodes' \
      '{"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"]}|exclude each other' \
      '{"mode": "MPOL_NOPE", "nodes": "0"}|linux.memoryPolicy.mode' \
      '{"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_NOPE"]}|linux.memoryPolicy.flags[0]'; do
    config_set ".linux.memoryPolicy = ${n%%|*}"
    run ocirun run -b "$BUNDLE" "$(new_id)"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" == *"${n#*|}"* ]]
    [ -z "$(ls -A "$ROOT")" ]
  done
}

@test "memoryPolicy: a node the host lacks fails create with the kernel's error" {
  [ ! -e /sys/devices/system/node/node1023 ] || skip "host has node 1023"
  config_set '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "1023"}'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.memoryPolicy: set_mempolicy MPOL_BIND"* ]]
  [ -z "$(ls -A "$ROOT")" ]
}

@test "features: memoryPolicy lists the modes and flags that are applied" {
  run "$OCIRUN" features
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -c '.linux.memoryPolicy.modes | sort')" = \
    '["MPOL_BIND","MPOL_DEFAULT","MPOL_INTERLEAVE","MPOL_LOCAL","MPOL_PREFERRED","MPOL_PREFERRED_MANY","MPOL_WEIGHTED_INTERLEAVE"]' ]
  [ "$(echo "$output" | jq -c '.linux.memoryPolicy.flags | sort')" = \
    '["MPOL_F_NUMA_BALANCING","MPOL_F_RELATIVE_NODES","MPOL_F_STATIC_NODES"]' ]
  [ "$(echo "$output" | jq '.linux.intelRdt.enabled')" = false ]
}

# config-linux.md "IntelRdt": "If no mounted resctrl pseudo-filesystem is
# available in the runtime mount namespace, the runtime MUST generate an
# error".  With resctrl mounted ocirun refuses too (not supported).
@test "intelRdt: refused before anything runs, naming linux.intelRdt" {
  config_set '.linux.intelRdt = {"closID": "ocirun-test", "l3CacheSchema": "L3:0=f"}'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"config.json: linux.intelRdt: "* ]]
  if grep -q " - resctrl " /proc/self/mountinfo; then
    [[ "$output" == *"not supported"* ]]
  else
    [[ "$output" == *"no resctrl filesystem is mounted"* ]]
  fi
  [ -z "$(ls -A "$ROOT")" ]
}
