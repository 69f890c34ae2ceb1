#!/usr/bin/env bats
# notify.bats - NOTIFY_SOCKET passthrough (sd_notify), as systemd uses it
# for Type=notify services: the container gets a socket at the host's
# NOTIFY_SOCKET path, and its messages reach the host's socket only once
# the container is started, READY=1 with the container's host pid as
# MAINPID.  `start` (and `run -d`) return once READY=1 went through.

load helpers

SD_NOTIFY=${SD_NOTIFY:-$BATS_TEST_DIRNAME/sd-notify}

setup () {
  [ -x "$SD_NOTIFY" ] || skip "tests/integration/sd-notify is not built (make check builds it)"
  setup_bundle
  ID=$(new_id)
  cp "$SD_NOTIFY" "$BUNDLE/rootfs/bin/sd-notify"
  HOST_SOCK=$TEST_TMP/host-notify.sock
  MSGS=$TEST_TMP/notify.msgs
  LISTENER=
}

teardown () {
  teardown_bundle
  [ -z "${LISTENER:-}" ] || kill "$LISTENER" 2>/dev/null || true
}

start_listener () { # [socket]
  /usr/bin/python3 "$BATS_TEST_DIRNAME/notify-listener.py" "${1:-$HOST_SOCK}" "$MSGS" &
  LISTENER=$!
  for _ in $(seq 50); do
    [ -e "$MSGS.ready" ] && return 0
    sleep 0.1
  done
  return 1
}

messages () { cat "$MSGS" 2>/dev/null; }

container_pid () {
  ocirun state "$1" | jq -r .pid
}

@test "notify: READY=1 reaches the host only after start, with the container's host pid" {
  start_listener
  config_set '.process.args = ["sh", "-c", "sleep 1; sd-notify STATUS=booting MAINPID=1; sd-notify READY=1; exec sleep 1000"]'
  NOTIFY_SOCKET=$HOST_SOCK run ocirun create --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  sleep 1.5
  # Created, not started: nothing may have reached the host.
  [ -z "$(messages)" ]
  NOTIFY_SOCKET=$HOST_SOCK run ocirun start "$ID"
  [ "$status" -eq 0 ]
  # start returned only once READY=1 went through: no waiting here.
  pid=$(container_pid "$ID")
  run messages
  echo "$output"
  [ "${lines[0]}" = "STATUS=booting" ]
  [ "${lines[1]}" = "READY=1|MAINPID=$pid" ]
  [ "${#lines[@]}" -eq 2 ]
  [ "$(ocirun state "$ID" | jq -r .status)" = running ]
}

@test "notify: the container sees a socket at the host's NOTIFY_SOCKET path" {
  start_listener
  config_set '.process.args = ["sh", "-c", "echo \"ns=$NOTIFY_SOCKET\"; test -S \"$NOTIFY_SOCKET\" && echo is-a-socket; sd-notify READY=1"]'
  NOTIFY_SOCKET=$HOST_SOCK run ocirun run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [[ "$output" == *"ns=$HOST_SOCK"* ]]
  [[ "$output" == *is-a-socket* ]]
  [[ "$(messages)" == "READY=1|MAINPID="* ]]
}

@test "notify: an abstract host socket appears as /run/notify/notify.sock" {
  local name="@ocirun-test-$ID"
  start_listener "$name"
  config_set '.process.args = ["sh", "-c", "echo \"ns=$NOTIFY_SOCKET\"; sd-notify READY=1"]'
  NOTIFY_SOCKET=$name run ocirun run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [[ "$output" == *"ns=/run/notify/notify.sock"* ]]
  [[ "$(messages)" == "READY=1|MAINPID="* ]]
}

@test "notify: foreground run keeps relaying after READY=1 (STATUS, STOPPING)" {
  start_listener
  config_set '.process.args = ["sh", "-c", "sd-notify READY=1; sleep 0.3; sd-notify STATUS=working; sd-notify STOPPING=1"]'
  NOTIFY_SOCKET=$HOST_SOCK run ocirun run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  run messages
  echo "$output"
  [[ "${lines[0]}" == "READY=1|MAINPID="* ]]
  [ "${lines[1]}" = "STATUS=working" ]
  [ "${lines[2]}" = "STOPPING=1" ]
}

@test "notify: run -d returns once READY=1 went through" {
  start_listener
  config_set '.process.args = ["sh", "-c", "sleep 1; sd-notify READY=1; exec sleep 1000"]'
  NOTIFY_SOCKET=$HOST_SOCK run ocirun run -d --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "$(messages)" = "READY=1|MAINPID=$(container_pid "$ID")" ]
}

@test "notify: start without NOTIFY_SOCKET relays to the socket create was given" {
  start_listener
  config_set '.process.args = ["sh", "-c", "sd-notify READY=1; exec sleep 1000"]'
  NOTIFY_SOCKET=$HOST_SOCK run ocirun create --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  run env -u NOTIFY_SOCKET "$OCIRUN" --root "$ROOT" start "$ID"
  [ "$status" -eq 0 ]
  [ "$(messages)" = "READY=1|MAINPID=$(container_pid "$ID")" ]
}

@test "notify: a container in a user namespace can notify" {
  local hostid=200000
  chmod 755 "$TEST_TMP" "$BUNDLE"
  config_set ".linux.namespaces += [{\"type\": \"user\"}]
    | .linux.uidMappings = [{\"containerID\": 0, \"hostID\": $hostid, \"size\": 65536}]
    | .linux.gidMappings = [{\"containerID\": 0, \"hostID\": $hostid, \"size\": 65536}]
    | .process.args = [\"sh\", \"-c\", \"id -u; sd-notify READY=1\"]"
  start_listener
  NOTIFY_SOCKET=$HOST_SOCK run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$(messages)" == "READY=1|MAINPID="* ]]
}

@test "notify: start of a container that exits without READY=1 returns" {
  start_listener
  config_set '.process.args = ["true"]'
  NOTIFY_SOCKET=$HOST_SOCK run ocirun create --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  NOTIFY_SOCKET=$HOST_SOCK run ocirun start "$ID"
  [ "$status" -eq 0 ]
  [[ "$output" == *"exited before sending READY=1"* ]]
  [ -z "$(messages)" ]
}

@test "notify: start returns when the container is gone before it looks (10 rounds)" {
  start_listener
  config_set '.process.args = ["true"]'
  for i in $(seq 10); do
    NOTIFY_SOCKET=$HOST_SOCK run ocirun create --bundle "$BUNDLE" "$ID-$i"
    [ "$status" -eq 0 ]
    # Bounded by BATS_TEST_TIMEOUT: a start that waits for a process
    # already reaped would hang here.
    NOTIFY_SOCKET=$HOST_SOCK run timeout 20 "$OCIRUN" --root "$ROOT" start "$ID-$i"
    [ "$status" -eq 0 ]
  done
  [ -z "$(messages)" ]
}

@test "notify: run -d through the two-stage path (time namespace) returns when the container exits without READY=1" {
  [ -e /proc/self/ns/time ] || skip "no time namespaces on this kernel"
  start_listener
  config_set '.linux.namespaces += [{"type": "time"}] | .process.args = ["true"]'
  NOTIFY_SOCKET=$HOST_SOCK run timeout 20 "$OCIRUN" --root "$ROOT" run -d --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"exited before sending READY=1"* ]]
}

@test "notify: a relative NOTIFY_SOCKET is refused before anything is created" {
  NOTIFY_SOCKET=relative/notify.sock run ocirun create --bundle "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"NOTIFY_SOCKET \`relative/notify.sock\`"* ]]
  [ -z "$(ls -A "$ROOT")" ]
}

@test "notify: delete leaves nothing of the relay behind" {
  start_listener
  config_set '.process.args = ["sh", "-c", "sd-notify READY=1; exec sleep 1000"]'
  NOTIFY_SOCKET=$HOST_SOCK run ocirun run -d --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ -S "$ROOT/$ID/notify.sock" ]
  # The relay is mounted in the container's mount namespace only.
  pid=$(container_pid "$ID")
  grep -q " $HOST_SOCK " "/proc/$pid/mountinfo"
  ! grep -q " $HOST_SOCK " /proc/self/mountinfo
  run ocirun delete --force "$ID"
  [ "$status" -eq 0 ]
  [ ! -e "$ROOT/$ID" ]
}
