#!/usr/bin/env bats
# security.bats - LSM labels (SELinux/AppArmor) on a host that has neither
# enabled, and the runtime binary's protection against containers
# (CVE-2019-5736) while the init waits for `start` and during `exec`.

load helpers

setup () {
  setup_bundle
  ID=$(new_id)
}

teardown () {
  if [ -n "${PROBE_PID:-}" ]; then
    kill "$PROBE_PID" 2>/dev/null
    wait "$PROBE_PID" 2>/dev/null
  fi
  teardown_bundle
}

selinux_enabled () {
  [ -e /sys/fs/selinux/enforce ]
}

apparmor_enabled () {
  [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]
}

@test "security: selinuxLabel without SELinux is an error (as runc and crun)" {
  selinux_enabled && skip "SELinux is enabled on this host"
  config_set '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'config.json: process.selinuxLabel: the label "system_u:system_r:container_t:s0:c1,c2" is set but SELinux is disabled or not supported'* ]]
  [ -z "$(ls "$ROOT")" ]
  if command -v runc >/dev/null; then
    run runc --root "$TEST_TMP/runc" run -b "$BUNDLE" "$ID"
    echo "runc: $output"
    [ "$status" -ne 0 ]
  fi
}

@test "security: apparmorProfile without AppArmor is an error (as runc and crun)" {
  apparmor_enabled && skip "AppArmor is enabled on this host"
  config_set '.process.apparmorProfile = "ocirun-default"'
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'config.json: process.apparmorProfile: the profile "ocirun-default" is set but AppArmor is not enabled on this host'* ]]
  [ -z "$(ls "$ROOT")" ]
  if command -v runc >/dev/null; then
    run runc --root "$TEST_TMP/runc" run -b "$BUNDLE" "$ID"
    echo "runc: $output"
    [ "$status" -ne 0 ]
  fi
}

@test "security: empty selinuxLabel and apparmorProfile are ignored" {
  config_set '.process.selinuxLabel = "" | .process.apparmorProfile = ""'
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "security: exec --apparmor / --process-label are checked like the config" {
  apparmor_enabled && skip "AppArmor is enabled on this host"
  selinux_enabled && skip "SELinux is enabled on this host"
  config_set '.process.args = ["sleep", "60"]'
  ocirun run -d -b "$BUNDLE" "$ID" >/dev/null
  run ocirun exec --apparmor ocirun-default "$ID" true
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"AppArmor is not enabled"* ]]
  run ocirun exec --process-label "system_u:system_r:container_t:s0" "$ID" true
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"SELinux is disabled or not supported"* ]]
  run ocirun exec "$ID" true
  [ "$status" -eq 0 ]
}

# The script a container process runs to reach the runtime binary
# through /proc/<pid>/exe of every process it can see.
PROBE='for p in /proc/[0-9]*; do
  [ "$p" = /proc/$$ ] && continue
  t=$(readlink "$p/exe" 2>/dev/null) || continue
  case "$t" in *ocirun*) echo "LINK $p $t"
    cat "$p/exe" >/dev/null 2>&1 && echo "READ $p"
    (echo x >> "$p/exe") 2>/dev/null && echo "WROTE $p";;
  esac
done'

@test "security: CVE-2019-5736: a created container's init (the runtime image) is out of reach" {
  local sum
  sum=$(md5sum < "$OCIRUN")
  ocirun create -b "$BUNDLE" "$ID" >/dev/null
  [ "$(ocirun state "$ID" | jq -r .status)" = created ]
  # pid 1 of the container is ocirun until `start`.
  run ocirun exec "$ID" sh -c 'grep ^Name: /proc/1/status
    ls -l /proc/1/exe; cat /proc/1/exe >/dev/null && echo READ
    (echo x >> /proc/1/exe) && echo WROTE; true'
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Name:	ocirun"* ]]
  [[ "$output" == *"Permission denied"* ]]
  [[ "$output" != *READ* ]]
  [[ "$output" != *WROTE* ]]
  [ "$(md5sum < "$OCIRUN")" = "$sum" ]
}

@test "security: CVE-2019-5736: even with CAP_SYS_PTRACE the binary is not writable while in use" {
  ocirun create -b "$BUNDLE" "$ID" >/dev/null
  local sum
  sum=$(md5sum < "$OCIRUN")
  # A documented limit: CAP_SYS_PTRACE in the host user namespace passes
  # the non-dumpable check (such a container is privileged); the kernel
  # still refuses writes to a running executable.
  run ocirun exec --cap CAP_SYS_PTRACE "$ID" sh -c '(echo x >> /proc/1/exe) && echo WROTE; true'
  echo "$output"
  [[ "$output" != *WROTE* ]]
  [[ "$output" == *"Text file busy"* ]]
  [ "$(md5sum < "$OCIRUN")" = "$sum" ]
}

@test "security: CVE-2019-5736: exec's runtime process is out of reach while it runs in the container" {
  config_set ".process.args = [\"sh\", \"-c\", $(jq -Rn --arg s "echo probing; while :; do $PROBE; done" '$s')]"
  # The harness keeps a detached container's output in $TEST_TMP/$ID.out.
  ocirun run -d -b "$BUNDLE" "$ID" >/dev/null
  local i sum log=$TEST_TMP/$ID.out
  sum=$(md5sum < "$OCIRUN")
  # Each exec forks an ocirun child that joins the container's pid
  # namespace; the probe loop scans for it the whole time.
  for i in $(seq 30); do
    ocirun exec "$ID" true
  done
  sleep 0.5
  ocirun kill "$ID" KILL
  cat "$log"
  grep -q probing "$log"
  ! grep -q LINK "$log"
  ! grep -q READ "$log"
  ! grep -q WROTE "$log"
  [ "$(md5sum < "$OCIRUN")" = "$sum" ]
}
