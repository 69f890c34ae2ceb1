#!/usr/bin/env bats
# caps.bats - credentials of the container process: the five capability
# sets, uid/gid/additional groups, no_new_privs, as /proc/self/status shows
# them inside the container, for `run` and `exec`, and compared with runc.

load helpers

setup () {
  setup_bundle
  ID=$(new_id)
}

teardown () {
  teardown_bundle
}

STATUS_FIELDS='^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):'

show_status () {
  config_set ".process.args = [\"grep\", \"-E\", \"$STATUS_FIELDS\", \"/proc/self/status\"]"
}

# The hex mask of capability numbers, as /proc/self/status prints it.
mask () {
  local m=0 c
  for c in "$@"; do m=$((m | (1 << c))); done
  printf '%016x' "$m"
}

# The value of a /proc/self/status field in $output (tabs kept).
field () {
  echo "$output" | sed -n "s/^$1:[[:space:]]*//p"
}

# Detached container running `sleep 60`, stdio off the test's pipes.
run_sleeper () {
  config_set '.process.args = ["sleep", "60"]'
  ocirun run -d -b "$BUNDLE" "$ID" >/dev/null
}

@test "caps: default spec: AUDIT_WRITE, KILL, NET_BIND_SERVICE; no inheritable, no ambient" {
  show_status
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  local want
  want=$(mask 29 5 10)
  [ "$(field CapEff)" = "$want" ]
  [ "$(field CapPrm)" = "$want" ]
  [ "$(field CapBnd)" = "$want" ]
  [ "$(field CapInh)" = 0000000000000000 ]
  [ "$(field CapAmb)" = 0000000000000000 ]
  [ "$(field NoNewPrivs)" = 1 ]
}

@test "caps: all five sets exactly as configured, as a non-root user" {
  show_status
  config_set '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [5, 7]}
    | .process.noNewPrivileges = false
    | .process.capabilities = {
        "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_NET_BIND_SERVICE"],
        "effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
        "inheritable": ["CAP_NET_BIND_SERVICE"],
        "ambient": ["CAP_NET_BIND_SERVICE"]}'
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  # After execve of a plain binary by a non-root user, only the ambient
  # set survives into permitted and effective (capabilities(7)).
  [ "$(field CapBnd)" = "$(mask 0 5 13 10)" ]
  [ "$(field CapInh)" = "$(mask 10)" ]
  [ "$(field CapAmb)" = "$(mask 10)" ]
  [ "$(field CapPrm)" = "$(mask 10)" ]
  [ "$(field CapEff)" = "$(mask 10)" ]
  [ "$(field NoNewPrivs)" = 0 ]
  [ "$(field Uid)" = "1000	1000	1000	1000" ]
  [ "$(field Gid)" = "1001	1001	1001	1001" ]
  [ "$(field Groups | xargs)" = "5 7" ]
}

@test "caps: ambient capabilities the kernel refuses (not inheritable) are left out silently, as runc/crun" {
  show_status
  config_set '.process.user = {"uid": 1000, "gid": 1000}
    | .process.noNewPrivileges = false
    | .process.capabilities = {
        "bounding": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "inheritable": ["CAP_NET_BIND_SERVICE"],
        "ambient": ["CAP_KILL", "CAP_NET_BIND_SERVICE"]}'
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" != *"warning"* ]]
  # CAP_NET_BIND_SERVICE (10) could be raised, CAP_KILL (5) could not.
  [ "$(field CapAmb)" = "$(mask 10)" ]
  # With --debug the refusal is still told.
  run "$OCIRUN" --debug --root "$ROOT" run -b "$BUNDLE" "$(new_id)"
  [ "$status" -eq 0 ]
  [[ "$output" == *"can't raise ambient capability cap_kill"* ]]
}

@test "caps: root with no_new_privs: permitted as configured, effective = permitted (as runc)" {
  show_status
  config_set '.process.capabilities = {
        "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID"],
        "effective": ["CAP_KILL"],
        "permitted": ["CAP_KILL", "CAP_SETUID"]}'
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(field CapBnd)" = "$(mask 0 5 7)" ]
  # Root's execve would raise permitted to the bounding set, but
  # no_new_privs caps it at the permitted set we configured; root's
  # effective set is then all of permitted (capabilities(7)).
  [ "$(field CapPrm)" = "$(mask 5 7)" ]
  [ "$(field CapEff)" = "$(mask 5 7)" ]
  [ "$(field CapInh)" = 0000000000000000 ]
}

@test "caps: empty capabilities object drops everything" {
  show_status
  config_set '.process.capabilities = {}'
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(field CapBnd)" = 0000000000000000 ]
  [ "$(field CapEff)" = 0000000000000000 ]
  [ "$(field CapPrm)" = 0000000000000000 ]
}

@test "caps: an unknown capability is ignored with a warning naming it (spec: SHOULD NOT fail)" {
  config_set '.process.capabilities.bounding = ["CAP_KILL", "CAP_FOO"]
              | .process.capabilities.effective = ["CAP_KILL"]
              | .process.capabilities.permitted = ["CAP_KILL"]
              | .process.args = ["grep", "CapBnd", "/proc/self/status"]'
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *'config.json: process.capabilities.bounding[1]: unknown capability "CAP_FOO" ignored'* ]]
  # CAP_KILL is bit 5: the known capability is still granted.
  [[ "$output" == *"CapBnd:"*"0000000000000020"* ]]
}

@test "caps: exec gets the config's capabilities, and --cap adds to them" {
  run_sleeper
  run ocirun exec "$ID" grep -E "$STATUS_FIELDS" /proc/self/status
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(field CapEff)" = "$(mask 29 5 10)" ]
  [ "$(field CapBnd)" = "$(mask 29 5 10)" ]
  [ "$(field CapInh)" = 0000000000000000 ]
  [ "$(field NoNewPrivs)" = 1 ]
  [ "$(field Seccomp)" = 2 ]
  run ocirun exec --cap CAP_CHOWN "$ID" grep -E "$STATUS_FIELDS" /proc/self/status
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(field CapEff)" = "$(mask 29 5 10 0)" ]
}

@test "caps: exec --process with its own user and capabilities" {
  run_sleeper
  jq -n --arg re "$STATUS_FIELDS" '{
    "cwd": "/", "args": ["grep", "-E", $re, "/proc/self/status"],
    "user": {"uid": 65534, "gid": 65534},
    "noNewPrivileges": false,
    "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"],
                     "permitted": ["CAP_KILL"], "inheritable": ["CAP_KILL"],
                     "ambient": ["CAP_KILL"]}}' > "$TEST_TMP/process.json"
  run ocirun exec --process "$TEST_TMP/process.json" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(field Uid)" = "65534	65534	65534	65534" ]
  [ "$(field CapBnd)" = "$(mask 5)" ]
  [ "$(field CapAmb)" = "$(mask 5)" ]
  [ "$(field CapEff)" = "$(mask 5)" ]
  [ "$(field NoNewPrivs)" = 0 ]
  jq '.capabilities.bounding = ["CAP_NOPE", "CAP_KILL"]' "$TEST_TMP/process.json" > "$TEST_TMP/bad.json"
  run ocirun exec --process "$TEST_TMP/bad.json" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *'capabilities.bounding[0]: unknown capability "CAP_NOPE" ignored'* ]]
}

@test "caps: same /proc/self/status credentials as runc" {
  command -v runc >/dev/null || skip "runc not installed"
  show_status
  config_set '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [10]}
    | .process.noNewPrivileges = false
    | .process.capabilities = {
        "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "effective": ["CAP_KILL"], "permitted": ["CAP_KILL", "CAP_CHOWN"],
        "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}
    | del(.linux.seccomp)'
  run ocirun run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  local ours=$output
  run runc --root "$TEST_TMP/runc" run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  echo "ocirun:"; echo "$ours"; echo "runc:"; echo "$output"
  [ "$ours" = "$output" ]
}

@test "caps: in a new user namespace, with seccomp loaded without no_new_privs" {
  grep -q . /proc/self/uid_map 2>/dev/null || skip "no user namespaces"
  # The mapped root (host uid 100000) must reach the bundle.
  chmod 755 "$TEST_TMP"
  show_status
  config_set '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5]}
    | .process.noNewPrivileges = false
    | .process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"],
        "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"],
        "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}'
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(field Uid)" = "1000	1000	1000	1000" ]
  [ "$(field Groups | xargs)" = 5 ]
  [ "$(field CapBnd)" = "$(mask 0 5)" ]
  [ "$(field CapEff)" = "$(mask 5)" ]
  [ "$(field CapAmb)" = "$(mask 5)" ]
  [ "$(field NoNewPrivs)" = 0 ]
  [ "$(field Seccomp)" = 2 ]
}
