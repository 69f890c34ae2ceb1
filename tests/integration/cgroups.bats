#!/usr/bin/env bats
# cgroups.bats - placement, resources read back from the host's cgroup
# files (v1, hybrid or v2, whichever this host is), limits enforced,
# cleanup on delete.

load helpers

setup () {
  setup_bundle
  config_set '.root.readonly = false'
  ID=$(new_id)
}

teardown () {
  teardown_bundle
  # An absolute cgroupsPath leaves its parent (as runc does): remove ours.
  if [ -n "${CG_PARENT:-}" ]; then
    for d in /sys/fs/cgroup/*/"$CG_PARENT" /sys/fs/cgroup/"$CG_PARENT"; do
      [ -d "$d" ] && rmdir "$d" 2>/dev/null
    done
  fi
  return 0
}

# v1 | hybrid | v2
host_mode () {
  if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
    echo v2
  elif grep -q ' - cgroup2 ' /proc/self/mountinfo; then
    echo hybrid
  else
    echo v1
  fi
}

# Directory of the container's cgroup for a v1 controller, or "unified".
cg_dir () {
  awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print }' "$ROOT/$ID/cgroup"
}

# The directory holding a controller's files: v1 if mounted, else v2.
ctrl_dir () {
  local d
  d=$(cg_dir "$1")
  [ -n "$d" ] || d=$(cg_dir unified)
  echo "$d"
}

run_sleeping () {
  config_set '.process.args = ["sleep", "300"]'
  ocirun run -d --bundle "$BUNDLE" "$ID"
}

@test "cgroups: the container is in its cgroup in every hierarchy before it runs" {
  config_set 'del(.linux.namespaces[] | select(.type == "cgroup"))
              | .process.args = ["cat", "/proc/self/cgroup"]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  # No cgroup namespace: the host path of every hierarchy ends in the id.
  local lines
  lines=$(echo "$output" | grep -c .)
  [ "$lines" -ge 1 ]
  [ "$(echo "$output" | grep -c "/$ID\$")" -eq "$lines" ]
}

@test "cgroups: with a cgroup namespace /proc/self/cgroup shows /" {
  config_set '.process.args = ["cat", "/proc/self/cgroup"]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ -z "$(echo "$output" | grep -v ':/$')" ]
}

@test "cgroups: default path follows runc (relative to the runtime's cgroup)" {
  run_sleeping
  local own mem
  if [ "$(host_mode)" = v2 ]; then
    own=$(sed -n 's/^0:://p' /proc/self/cgroup)
    own=$(dirname "$own")
    [ "$(cg_dir unified)" = "/sys/fs/cgroup${own%/}/$ID" ]
  else
    own=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)
    mem=$(cg_dir memory)
    [ "$mem" = "$(dirname "$mem")/$ID" ]
    case "$mem" in */memory"${own%/}/$ID") ;; *) false ;; esac
  fi
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  grep -q "/$ID\$" "/proc/$pid/cgroup"
}

@test "cgroups: every resource is written to the host files" {
  local mode
  mode=$(host_mode)
  config_set '.linux.resources.cpu = {"shares": 512, "quota": 20000,
                "period": 100000, "cpus": "0", "mems": "0"}
              | .linux.resources.memory = {"limit": 67108864,
                "reservation": 33554432, "swap": 134217728}
              | .linux.resources.pids = {"limit": 42}
              | .linux.resources.hugepageLimits = [{"pageSize": "2MB",
                "limit": 4194304}]
              | .linux.resources.blockIO = {"throttleReadBpsDevice":
                [{"major": 7, "minor": 0, "rate": 1048576}]}'
  if [ "$mode" != v2 ]; then
    config_set '.linux.resources.memory.swappiness = 20'
  fi
  run_sleeping
  local cpu mem pids huge blk cpuset
  cpu=$(ctrl_dir cpu) mem=$(ctrl_dir memory) pids=$(ctrl_dir pids)
  huge=$(ctrl_dir hugetlb) blk=$(ctrl_dir blkio) cpuset=$(ctrl_dir cpuset)
  [ "$(cat "$cpuset/cpuset.cpus")" = 0 ]
  [ "$(cat "$cpuset/cpuset.mems")" = 0 ]
  [ "$(cat "$pids/pids.max")" = 42 ]
  if [ -d "$(cg_dir memory)" ]; then
    [ "$(cat "$cpu/cpu.shares")" = 512 ]
    [ "$(cat "$cpu/cpu.cfs_quota_us")" = 20000 ]
    [ "$(cat "$cpu/cpu.cfs_period_us")" = 100000 ]
    [ "$(cat "$mem/memory.limit_in_bytes")" = 67108864 ]
    [ "$(cat "$mem/memory.soft_limit_in_bytes")" = 33554432 ]
    [ "$(cat "$mem/memory.memsw.limit_in_bytes")" = 134217728 ]
    [ "$(cat "$mem/memory.swappiness")" = 20 ]
    grep -q '^7:0 1048576$' "$blk/blkio.throttle.read_bps_device"
  else
    [ "$(cat "$cpu/cpu.weight")" = 20 ]
    [ "$(cat "$cpu/cpu.max")" = "20000 100000" ]
    [ "$(cat "$mem/memory.max")" = 67108864 ]
    [ "$(cat "$mem/memory.low")" = 33554432 ]
    [ "$(cat "$mem/memory.swap.max")" = 67108864 ]
    grep -q '^7:0 rbps=1048576 ' "$blk/io.max"
  fi
  if [ -f "$huge/hugetlb.2MB.limit_in_bytes" ]; then
    [ "$(cat "$huge/hugetlb.2MB.limit_in_bytes")" = 4194304 ]
  else
    [ "$(cat "$huge/hugetlb.2MB.max")" = 4194304 ]
  fi
}

@test "cgroups: unset resources keep the kernel defaults" {
  run_sleeping
  local mem pids
  mem=$(ctrl_dir memory) pids=$(ctrl_dir pids)
  [ "$(cat "$pids/pids.max")" = max ]
  if [ -f "$mem/memory.limit_in_bytes" ]; then
    [ "$(cat "$mem/memory.limit_in_bytes")" = "$(cat "$(dirname "$mem")/memory.limit_in_bytes")" ]
  else
    [ "$(cat "$mem/memory.max")" = max ]
  fi
}

@test "cgroups: a memory limit kills a process allocating past it (137)" {
  # memory+swap = limit: no swapping out of the limit.
  config_set '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}
              | .process.args = ["dd", "if=/dev/zero", "of=/dev/null",
                                 "bs=128M", "count=1"]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 137 ]
}

@test "cgroups: pids.max stops forks" {
  # The inner shell forks until refused, then dies; its sleeps stay.
  config_set '.linux.resources.pids = {"limit": 10}
              | .process.args = ["sh", "-c",
                  "sh -c \"i=0; while [ \\$i -lt 30 ]; do sleep 300 & i=\\$((i+1)); done\" 2>/tmp/err; exec sleep 300"]'
  ocirun run -d --bundle "$BUNDLE" "$ID"
  sleep 1
  local n
  n=$(ocirun ps -f json "$ID" | jq length)
  echo "processes: $n"
  cat "$BUNDLE/rootfs/tmp/err"
  [ "$n" -ge 9 ] && [ "$n" -le 10 ]
  [ "$(cat "$(ctrl_dir pids)/pids.current")" -le 10 ]
  grep -q "can't fork" "$BUNDLE/rootfs/tmp/err"
}

@test "cgroups: the device cgroup blocks an unlisted device" {
  [ -b /dev/loop0 ] || skip "needs /dev/loop0"
  config_set '.mounts += [{"destination": "/dev/loop0", "type": "bind",
                           "source": "/dev/loop0", "options": ["bind"]}]
              | .process.args = ["sh", "-c",
                  "true </dev/loop0 && echo opened; true </dev/null && echo null-ok"]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [[ "$output" == *"Operation not permitted"* ]]
  [[ "$output" != *opened* ]]
  [[ "$output" == *null-ok* ]]
  # Allowed explicitly (b 7:0 r): it opens.
  ID=$(new_id)
  config_set '.linux.resources.devices += [{"allow": true, "type": "b",
                "major": 7, "minor": 0, "access": "r"}]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [[ "$output" == *opened* ]]
}

@test "cgroups: gone after delete, also after the container died" {
  run_sleeping
  local dirs
  dirs=$(awk '$1 != "mode" && $1 != "v2ctrls" { $1 = ""; print }' "$ROOT/$ID/cgroup")
  [ -n "$dirs" ]
  for d in $dirs; do [ -d "$d" ]; done
  kill -9 "$(ocirun state "$ID" | jq .pid)"
  sleep 0.2
  ocirun delete "$ID"
  for d in $dirs; do [ ! -d "$d" ]; done
}

@test "cgroups: delete --force kills what is left and removes the dirs" {
  config_set '.process.args = ["sh", "-c", "sleep 300 & sleep 300 & sleep 300"]'
  ocirun run -d --bundle "$BUNDLE" "$ID"
  local dirs pids
  dirs=$(awk '$1 != "mode" && $1 != "v2ctrls" { $1 = ""; print }' "$ROOT/$ID/cgroup")
  pids=$(ocirun ps -f json "$ID" | jq -r '.[]')
  [ "$(echo "$pids" | wc -w)" -eq 3 ]
  ocirun delete --force "$ID"
  for d in $dirs; do [ ! -d "$d" ]; done
  for p in $pids; do [ ! -d "/proc/$p" ] || grep -q '^State:.*Z' "/proc/$p/status"; done
}

@test "cgroups: absolute cgroupsPath from each hierarchy's root" {
  CG_PARENT="ocirun-test-$$-$RANDOM"
  config_set ".linux.cgroupsPath = \"/$CG_PARENT/$ID\""
  run_sleeping
  [ "$(ctrl_dir pids)" = "$(dirname "$(ctrl_dir pids)")/$ID" ]
  case "$(ctrl_dir pids)" in /sys/fs/cgroup/*"/$CG_PARENT/$ID") ;; *) false ;; esac
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  grep -q ":/$CG_PARENT/$ID\$" "/proc/$pid/cgroup"
}

@test "cgroups: a value the kernel refuses names file and value, nothing left" {
  config_set '.linux.resources.cpu = {"cpus": "4095"}'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'write "4095" to '*'/cpuset.cpus: '* ]]
  run find /sys/fs/cgroup -maxdepth 5 -type d -name "$ID"
  [ -z "$output" ]
}

@test "cgroups: unified keys: written on v2/hybrid, refused on v1" {
  config_set '.linux.resources.unified = {"cgroup.max.descendants": "7"}'
  if [ "$(host_mode)" = v1 ]; then
    run ocirun run -d --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"only cgroup v1"* ]]
    return
  fi
  run_sleeping
  [ "$(cat "$(cg_dir unified)/cgroup.max.descendants")" = 7 ]
}

@test "cgroups: --systemd-cgroup is refused without systemd as PID 1" {
  [ -d /run/systemd/system ] && skip "systemd is running on this host"
  config_set '.linux.cgroupsPath = "system.slice:ocirun:'"$ID"'"'
  run "$OCIRUN" --root "$ROOT" --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"systemd is not running as PID 1"* ]]
}

@test "cgroups: realtime cpu or invalid swappiness refused before anything runs" {
  config_set '.linux.resources.memory = {"swappiness": 200}'
  run ocirun run --bundle "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"swappiness"* ]]
}

# A pure cgroup v2 host, emulated: cgroup2 mounted on /sys/fs/cgroup in a
# private mount namespace (the v1 controllers stay bound to their v1
# hierarchies, so this exercises the v2 code paths without controllers:
# placement, the device eBPF filter, freeze, kill, unified files, rmdir).
@test "cgroups: pure v2 back end (emulated in a private mount namespace)" {
  [ "$(host_mode)" = v2 ] && skip "host is pure v2: covered by the other tests"
  grep -q ' - cgroup2 ' /proc/self/mountinfo || skip "no cgroup2 on this host"
  [ -b /dev/loop0 ] || skip "needs /dev/loop0"
  cat > "$TEST_TMP/v2.sh" <<SCRIPT
set -ex
mount -t cgroup2 cgroup2 /sys/fs/cgroup
o () { "$OCIRUN" --root "$ROOT" "\$@"; }
cd "$BUNDLE"
o run -d "$ID"
grep -q '^mode v2\$' "$ROOT/$ID/cgroup"
d=/sys/fs/cgroup/$ID
pid=\$(o state "$ID" | jq .pid)
grep -qx "\$pid" \$d/cgroup.procs
o pause "$ID"
[ "\$(cat \$d/cgroup.freeze)" = 1 ]
grep -q 'frozen 1' \$d/cgroup.events
[ "\$(o state "$ID" | jq -r .status)" = paused ]
o resume "$ID"
[ "\$(o state "$ID" | jq -r .status)" = running ]
[ "\$(o ps -f json "$ID" | jq length)" = 1 ]
o events --stats "$ID" | jq -e '.type == "stats"'
echo '{"unified": {"cgroup.max.descendants": "3"}}' | o update -r - "$ID"
[ "\$(cat \$d/cgroup.max.descendants)" = 3 ]
o delete --force "$ID"
[ ! -d \$d ]
# The device filter: /dev/loop0 is not in the allowed list.
ID2=${ID}b
o run "\$ID2" > "$TEST_TMP/dev.out" 2>&1 || true
[ ! -d /sys/fs/cgroup/\$ID2 ]
SCRIPT
  config_set '.process.args = ["sleep", "300"]'
  cp "$BUNDLE/config.json" "$TEST_TMP/sleep.json"
  config_set '.mounts += [{"destination": "/dev/loop0", "type": "bind",
                           "source": "/dev/loop0", "options": ["bind"]}]
              | .process.args = ["sh", "-c",
                  "true </dev/loop0 && echo opened; true </dev/null && echo null-ok"]'
  cp "$BUNDLE/config.json" "$TEST_TMP/dev.json"
  # First the lifecycle with the sleeping config, then the device run.
  cp "$TEST_TMP/sleep.json" "$BUNDLE/config.json"
  sed -i "s|^ID2=.*|&\ncp $TEST_TMP/dev.json $BUNDLE/config.json|" "$TEST_TMP/v2.sh"
  run unshare -m --propagation private sh "$TEST_TMP/v2.sh"
  echo "$output"
  [ "$status" -eq 0 ]
  cat "$TEST_TMP/dev.out"
  grep -q null-ok "$TEST_TMP/dev.out"
  grep -q "Operation not permitted" "$TEST_TMP/dev.out"
  ! grep -q opened "$TEST_TMP/dev.out"
}
