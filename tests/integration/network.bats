#!/usr/bin/env bats
# network.bats - loopback and linux.netDevices (sysctl: sysctl.bats).
#
# Every interface and namespace a test makes has a unique name and is
# removed in teardown, even on failure; host interfaces the test did not
# create are never touched.  Each test also checks it leaves nothing
# behind in the state root.

load helpers

setup () {
  setup_bundle
  # Short unique names: IFNAMSIZ leaves 15 characters.
  local tag=$(( $$ % 100000 ))
  HOST_A="ocn${BATS_TEST_NUMBER}a$tag"
  HOST_B="ocn${BATS_TEST_NUMBER}b$tag"
  HOST_M="ocn${BATS_TEST_NUMBER}m$tag"
  NETNS="ocirun-net-${BATS_TEST_NUMBER}-$$"
}

teardown () {
  teardown_bundle
  # A veth pair dies with either end; the macvlan with its lower device.
  for dev in "$HOST_M" "$HOST_A" "$HOST_B"; do
    ip link del "$dev" >/dev/null 2>&1 || true
  done
  ip netns del "$NETNS" >/dev/null 2>&1 || true
}

# A veth pair $HOST_A <-> $HOST_B on the host, $HOST_A with addresses and
# MTU 1400.  Skips when the kernel has no veth.
make_veth () {
  ip link add "$HOST_A" type veth peer name "$HOST_B" 2>/dev/null ||
    skip "veth interfaces not available"
  ip addr add 10.231.7.2/24 dev "$HOST_A"
  ip addr add 10.231.8.2/24 dev "$HOST_A" label "$HOST_A:s"
  ip -6 addr add fd00:231:7::2/64 dev "$HOST_A" nodad
  ip link set "$HOST_A" mtu 1400
}

# The container prints what `ip` sees inside, then exits.
run_inside () {
  config_set ".process.args = [\"sh\", \"-c\", \"$1\"]"
  run ocirun run --bundle "$BUNDLE" "$(new_id)"
}

host_has () {
  ip link show "$1" >/dev/null 2>&1
}

# No container state left by this test.
assert_nothing_left () {
  ! ocirun list 2>/dev/null | grep -q "t$$-"
}

@test "network: lo is up with 127.0.0.1 and ::1 in a new netns" {
  run_inside "ip addr show lo"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"<LOOPBACK,UP,LOWER_UP>"* ]]
  [[ "$output" == *"inet 127.0.0.1/8"* ]]
  if [ -e /proc/sys/net/ipv6 ]; then
    [[ "$output" == *"inet6 ::1/128"* ]]
  fi
  assert_nothing_left
}

@test "network: without a network namespace the host network is shared" {
  config_set 'del(.linux.namespaces[] | select(.type == "network"))'
  run_inside "readlink /proc/self/ns/net"
  [ "$status" -eq 0 ]
  [ "$output" = "$(readlink /proc/self/ns/net)" ]
}

@test "network: a new netns is not the host's" {
  run_inside "readlink /proc/self/ns/net"
  [ "$status" -eq 0 ]
  [[ "$output" == "net:["* ]]
  [ "$output" != "$(readlink /proc/self/ns/net)" ]
}

@test "netDevices: a veth moves in renamed, with addresses, MTU, up" {
  make_veth
  config_set ".linux.netDevices = {\"$HOST_A\": {\"name\": \"ctr0\"}}"
  run_inside "ip addr show ctr0; ip link show $HOST_A 2>&1 || true"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"ctr0@"*"UP"*"mtu 1400"* ]]
  [[ "$output" == *"inet 10.231.7.2/24"*"ctr0"* ]]
  # The alias label follows the rename.
  [[ "$output" == *"inet 10.231.8.2/24"*"ctr0:s"* ]]
  [[ "$output" == *"inet6 fd00:231:7::2/64"* ]]
  [[ "$output" != *"$HOST_A@"* ]]
  # The container's netns died with it: per the spec a virtual device is
  # destroyed (not moved back), and its peer with it.
  sleep 0.2
  ! host_has "$HOST_A"
  ! host_has "$HOST_B"
  assert_nothing_left
}

@test "netDevices: the host name is kept when no name is given" {
  make_veth
  config_set ".linux.netDevices = {\"$HOST_A\": {}}"
  run_inside "ip -o addr show $HOST_A"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"$HOST_A"*"inet 10.231.7.2/24"* ]]
}

@test "netDevices: a macvlan moves in" {
  make_veth
  ip link add "$HOST_M" link "$HOST_B" type macvlan mode bridge 2>/dev/null ||
    skip "macvlan not available"
  ip addr add 10.231.9.5/24 dev "$HOST_M"
  config_set ".linux.netDevices = {\"$HOST_M\": {\"name\": \"mv0\"}}"
  run_inside "ip addr show mv0"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"mv0@"*"UP"* ]]
  [[ "$output" == *"inet 10.231.9.5/24"* ]]
  sleep 0.2
  ! host_has "$HOST_M"
  host_has "$HOST_B" # the lower device stays
}

@test "netDevices: several devices and a %d template" {
  make_veth
  ip link add "$HOST_M" link "$HOST_B" type macvlan mode bridge 2>/dev/null ||
    skip "macvlan not available"
  config_set ".linux.netDevices = {\"$HOST_A\": {\"name\": \"net%d\"},
                                   \"$HOST_M\": {\"name\": \"net%d\"}}"
  run_inside "ip -o link show | grep -o 'net[0-9]*@' | sort | tr '\n' ' '"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "net0@ net1@ " ]
}

@test "netDevices: joining a netns by path, devices stay there on delete" {
  make_veth
  ip netns add "$NETNS"
  config_set ".linux.namespaces |= map(if .type == \"network\"
                                        then .path = \"/run/netns/$NETNS\"
                                        else . end)
              | .linux.netDevices = {\"$HOST_A\": {\"name\": \"eth0\"}}
              | .linux.sysctl = {\"net.ipv4.ip_forward\": \"1\"}"
  run_inside "ip addr show eth0; ip link show lo; cat /proc/sys/net/ipv4/ip_forward"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"eth0@"*"UP"*"inet 10.231.7.2/24"* ]]
  # A joined netns is not ours to configure: lo stays as its owner left it.
  [[ "$output" == *"lo: <LOOPBACK>"* ]]
  # The spec forbids moving devices out: they stay in the joined netns.
  run ip -n "$NETNS" -o addr show eth0
  [[ "$output" == *"10.231.7.2/24"* ]]
  [ "$(ip netns exec "$NETNS" cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
  ! host_has "$HOST_A"
  host_has "$HOST_B"
  assert_nothing_left
}

@test "netDevices: into a netns owned by a new user namespace" {
  make_veth
  # The mapped root must reach the rootfs (mktemp made the dir 0700).
  chmod 755 "$TEST_TMP"
  # sysfs and cgroup mounts need more than a mapped root: keep the test on
  # the network.
  config_set ".linux.namespaces += [{\"type\": \"user\"}]
              | .linux.uidMappings = [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]
              | .linux.gidMappings = [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]
              | del(.mounts[] | select(.type == \"sysfs\" or .type == \"cgroup\"))
              | .linux.netDevices = {\"$HOST_A\": {\"name\": \"eth0\"}}
              | .linux.sysctl = {\"net.ipv4.ip_forward\": \"1\"}"
  run_inside "ip addr show eth0; ip link show lo; cat /proc/sys/net/ipv4/ip_forward"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"eth0@"*"UP"*"inet 10.231.7.2/24"* ]]
  [[ "$output" == *"lo: <LOOPBACK,UP"* ]]
  [ "$(echo "$output" | tail -n 1)" = 1 ]
  assert_nothing_left
}

@test "netDevices: a missing host interface fails before anything runs" {
  config_set '.linux.netDevices = {"ocirun-nodev0": {}}'
  run ocirun run --bundle "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'linux.netDevices."ocirun-nodev0"'*"not found"* ]]
  assert_nothing_left
}

@test "netDevices: refused without a network namespace" {
  make_veth
  config_set "del(.linux.namespaces[] | select(.type == \"network\"))
              | .linux.netDevices = {\"$HOST_A\": {}}"
  run ocirun run --bundle "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.netDevices"*"network namespace"* ]]
  run ip -o addr show "$HOST_A"
  [[ "$output" == *"10.231.7.2/24"* ]]
  assert_nothing_left
}

@test "netDevices: a name taken inside fails and leaves the host as it was" {
  make_veth
  ip link set "$HOST_A" up
  ip netns add "$NETNS"
  ip -n "$NETNS" link add taken0 type veth peer name taken1
  config_set ".linux.namespaces |= map(if .type == \"network\"
                                        then .path = \"/run/netns/$NETNS\"
                                        else . end)
              | .linux.netDevices = {\"$HOST_A\": {\"name\": \"taken0\"}}"
  run ocirun run --bundle "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"taken0"*"already taken"* ]]
  run ip -o addr show "$HOST_A"
  [[ "$output" == *"10.231.7.2/24"* ]]
  run ip -o link show "$HOST_A"
  [[ "$output" == *"mtu 1400"* ]]
  [[ "$output" == *",UP"* ]]
  assert_nothing_left
}

@test "netDevices: a failure after a first move brings that device back" {
  make_veth
  ip link set "$HOST_A" up
  ip link add "$HOST_M" link "$HOST_B" type macvlan mode bridge 2>/dev/null ||
    skip "macvlan not available"
  ip netns add "$NETNS"
  ip -n "$NETNS" link add taken0 type veth peer name taken1
  # An altname clash is only found by the kernel during the move itself,
  # after $HOST_A (listed first) has moved in.
  ip link property add dev "$HOST_M" altname taken1 2>/dev/null ||
    skip "alternative interface names not supported"
  config_set ".linux.namespaces |= map(if .type == \"network\"
                                        then .path = \"/run/netns/$NETNS\"
                                        else . end)
              | .linux.netDevices = {\"$HOST_A\": {\"name\": \"a0\"},
                                     \"$HOST_M\": {\"name\": \"m0\"}}"
  run ocirun run --bundle "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"$HOST_M"* ]]
  host_has "$HOST_M"
  run ip -o addr show "$HOST_A"
  echo "$output"
  [[ "$output" == *"10.231.7.2/24"* ]]
  [[ "$output" == *"10.231.8.2/24"*"$HOST_A:s"* ]]
  [[ "$output" == *"fd00:231:7::2/64"* ]]
  run ip -o link show "$HOST_A"
  [[ "$output" == *"mtu 1400"* ]]
  [[ "$output" == *",UP"* ]]
  [ -z "$(ip -n "$NETNS" -o link show a0 2>/dev/null)" ]
  assert_nothing_left
}

@test "netDevices: a create failing later brings the devices back" {
  make_veth
  ip link set "$HOST_A" up
  # Valid for validation, fails when the container writes it.
  config_set ".linux.netDevices = {\"$HOST_A\": {\"name\": \"eth0\"}}
              | .linux.sysctl = {\"net.ipv4.ocirun_no_such_key\": \"1\"}"
  run ocirun run --bundle "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"ocirun_no_such_key"* ]]
  sleep 0.2
  run ip -o addr show "$HOST_A"
  [[ "$output" == *"10.231.7.2/24"* ]]
  [[ "$output" == *"fd00:231:7::2/64"* ]]
  run ip -o link show "$HOST_A"
  [[ "$output" == *"mtu 1400"* ]]
  [[ "$output" == *",UP"* ]]
  assert_nothing_left
}

@test "netDevices: create, exec sees the device, delete" {
  make_veth
  config_set ".linux.netDevices = {\"$HOST_A\": {\"name\": \"eth1\"}}
              | .process.args = [\"sleep\", \"100\"]"
  local id
  id=$(new_id)
  # The container keeps create's stdio: give it a file, not bats' pipe.
  ocirun create --bundle "$BUNDLE" "$id" </dev/null >"$TEST_TMP/out" 2>&1 ||
    { cat "$TEST_TMP/out"; false; }
  run ocirun exec "$id" ip -o addr show eth1
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"10.231.7.2/24"* ]]
  ! host_has "$HOST_A"
  run ocirun delete --force "$id"
  [ "$status" -eq 0 ]
  sleep 0.2
  ! host_has "$HOST_A"
  ! host_has "$HOST_B"
  assert_nothing_left
}
