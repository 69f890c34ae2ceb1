#!/usr/bin/env bats
# sysctl.bats - linux.sysctl: written in the container's namespaces only,
# and refused when those namespaces would be the host's.

load helpers

setup () {
  setup_bundle
}

teardown () {
  teardown_bundle
}

run_inside () {
  config_set ".process.args = [\"sh\", \"-c\", \"$1\"]"
  run ocirun run --bundle "$BUNDLE" "$(new_id)"
}

assert_nothing_left () {
  ! ocirun list 2>/dev/null | grep -q "t$$-"
}

@test "sysctl: net.* sysctls apply inside only" {
  local fwd_before all_before
  fwd_before=$(cat /proc/sys/net/ipv4/ip_forward)
  all_before=$(cat /proc/sys/net/ipv4/conf/all/forwarding)
  config_set '.linux.sysctl = {"net.ipv4.ip_forward": "1",
                               "net/ipv4/conf/all/forwarding": "1",
                               "net.ipv4.ping_group_range": "0 0"}'
  run_inside "cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/all/forwarding /proc/sys/net/ipv4/ping_group_range"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | sed -n 1p)" = 1 ]
  [ "$(echo "$output" | sed -n 2p)" = 1 ]
  [ "$(echo "$output" | sed -n 3p | tr -s ' \t' ' ')" = "0 0" ]
  [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$fwd_before" ]
  [ "$(cat /proc/sys/net/ipv4/conf/all/forwarding)" = "$all_before" ]
  assert_nothing_left
}

@test "sysctl: ipc and uts sysctls apply inside only" {
  local shm_before
  shm_before=$(cat /proc/sys/kernel/shmmni)
  config_set '.linux.sysctl = {"kernel.shmmni": "1234",
                               "fs.mqueue.msg_max": "17",
                               "kernel.domainname": "ocirun.test"}'
  run_inside "cat /proc/sys/kernel/shmmni /proc/sys/fs/mqueue/msg_max /proc/sys/kernel/domainname"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '1234\n17\nocirun.test')" ]
  [ "$(cat /proc/sys/kernel/shmmni)" = "$shm_before" ]
}

@test "sysctl: forbidden sysctls are refused before anything runs" {
  local key
  for key in kernel.foo vm.swappiness kernel.pid_max; do
    config_set ".linux.sysctl = {\"$key\": \"1\"}"
    run ocirun run --bundle "$BUNDLE" "$(new_id)"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" == *"linux.sysctl.\"$key\""* ]]
  done
  # net.* needs a private netns.
  config_set 'del(.linux.namespaces[] | select(.type == "network"))
              | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
  run ocirun run --bundle "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'linux.sysctl."net.ipv4.ip_forward"'* ]]
  # ipc keys need an ipc namespace.
  config_set '.linux.namespaces |= map(select(.type != "ipc"))
              | .linux.sysctl = {"kernel.shmmax": "1"}'
  run ocirun run --bundle "$BUNDLE" "$(new_id)"
  [ "$status" -ne 0 ]
  [[ "$output" == *'linux.sysctl."kernel.shmmax"'* ]]
  assert_nothing_left
}
