#!/usr/bin/env bats
# rootless.bats - an ordinary user runs containers: `spec --rootless`,
# state under $XDG_RUNTIME_DIR, run/exec/kill/delete, subordinate ids
# through newuidmap/newgidmap, and clear errors (leaving nothing behind)
# for what the user may not do.
#
# setup_file creates a user of its own (unique name, subordinate range
# SUBID-SUBID+65535); teardown_file removes it with whatever it left.

load helpers

SUBID=3000000

setup_file () {
  [ -e /proc/self/ns/user ] || return 0
  export RL_USER=ocirl$$
  # No automatic subordinate ranges: the tests choose them.
  useradd -m -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 -s /bin/sh "$RL_USER"
  usermod --add-subuids "$SUBID-$((SUBID + 65535))" \
          --add-subgids "$SUBID-$((SUBID + 65535))" "$RL_USER"
  export RL_UID RL_GID
  RL_UID=$(id -u "$RL_USER")
  RL_GID=$(id -g "$RL_USER")
  # The binary where the user can run it (the build tree may be private).
  export RL_BIN
  RL_BIN=$(mktemp -d /tmp/ocirun-rl-bin.XXXXXX)
  chmod 755 "$RL_BIN"
  cp "$OCIRUN" "$RL_BIN/ocirun"
  chmod 755 "$RL_BIN/ocirun"
}

teardown_file () {
  [ -n "${RL_USER:-}" ] || return 0
  local pid
  # Whatever a failed test left running as the user, by pid.
  for pid in $(pgrep -U "$RL_USER" 2>/dev/null); do
    kill -KILL "$pid" 2>/dev/null
  done
  sleep 0.2
  userdel -r "$RL_USER" >/dev/null 2>&1 || userdel -f -r "$RL_USER" >/dev/null 2>&1
  # userdel drops the subordinate ranges too; make sure.
  sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid 2>/dev/null
  [ -n "${RL_BIN:-}" ] && rm -rf "$RL_BIN"
  return 0
}

setup () {
  [ -e /proc/self/ns/user ] || skip "no user namespaces"
  [ -n "${RL_USER:-}" ] || skip "test user not created"
  command -v runuser >/dev/null || skip "no runuser(1)"
  RL_TMP=$(mktemp -d /tmp/ocirun-rl.XXXXXX)
  chmod 755 "$RL_TMP"
  BUNDLE=$RL_TMP/bundle
  XDG=$RL_TMP/xdg
  mkdir -p "$BUNDLE" "$XDG"
  chmod 700 "$XDG"
  make_busybox_rootfs "$BUNDLE/rootfs"
  chown -R "$RL_USER:" "$BUNDLE" "$XDG"
  ID=$(new_id)
  # Probe: can this user create a user namespace at all?
  if ! runuser -u "$RL_USER" -- unshare -U true 2>/dev/null; then
    skip "unprivileged user namespaces are disabled"
  fi
  (cd "$BUNDLE" && as_user "$RL_BIN/ocirun" spec --rootless) || return 1
  config_set '.process.terminal = false | .process.args = ["true"]'
}

teardown () {
  local id
  if [ -n "${XDG:-}" ] && [ -d "$XDG/ocirun" ]; then
    for id in $(ls "$XDG/ocirun"); do
      rl delete --force "$id" >/dev/null 2>&1
    done
  fi
  [ -n "${RL_TMP:-}" ] && rm -rf "$RL_TMP"
  return 0
}

as_user () {
  runuser -u "$RL_USER" -- env -i PATH=/usr/local/bin:/usr/bin:/bin \
    HOME="/home/$RL_USER" XDG_RUNTIME_DIR="$XDG" "$@"
}

# ocirun as the test user, state root left to its default
rl () {
  as_user "$RL_BIN/ocirun" "$@"
}

# run -d / create: the container's stdio must not be bats' pipe.
rl_detached () {
  local id=${!#}
  rl "$@" </dev/null >"$RL_TMP/$id.out" 2>&1
  local rc=$?
  cat "$RL_TMP/$id.out"
  return $rc
}

# in the bundle's config.json, as root: the file stays readable by all
config_set () {
  local tmp=$BUNDLE/config.json.tmp
  jq "$1" "$BUNDLE/config.json" > "$tmp" && mv "$tmp" "$BUNDLE/config.json"
  chmod 644 "$BUNDLE/config.json"
}

wait_stopped () {
  local i
  for i in $(seq 50); do
    [ "$(rl state "$1" | jq -r .status)" = stopped ] && return 0
    sleep 0.1
  done
  return 1
}

# live (non-zombie) processes of the test user
user_procs () {
  ps -o pid=,stat= -U "$RL_USER" 2>/dev/null | awk '$2 !~ /^Z/ {print $1}'
}

# nothing left: no state directory, no process of the user.  A killed
# detached container's init is reaped by the host's init (its parent
# `run -d` exited): give that a moment.
nothing_left () {
  [ ! -e "$XDG/ocirun/$1" ]
  local i
  for i in $(seq 50); do
    [ -z "$(user_procs)" ] && return 0
    sleep 0.1
  done
  ps -o pid,stat,cmd -U "$RL_USER"
  return 1
}

@test "rootless: spec --rootless maps the user to root, no netns, no resources" {
  run jq -c '[.linux.uidMappings, .linux.gidMappings, ([.linux.namespaces[].type] | sort), .linux.resources]' "$BUNDLE/config.json"
  echo "$output"
  [ "$output" = "[[{\"containerID\":0,\"hostID\":$RL_UID,\"size\":1}],[{\"containerID\":0,\"hostID\":$RL_GID,\"size\":1}],[\"cgroup\",\"ipc\",\"mount\",\"pid\",\"user\",\"uts\"],null]" ]
  # gid=5 (tty) is not mapped: dropped from /dev/pts
  ! jq -e '.mounts[] | select(.destination == "/dev/pts") | .options | index("gid=5")' "$BUNDLE/config.json"
  # /sys is the host's, bound read-only
  [ "$(jq -c '.mounts[] | select(.destination == "/sys") | [.type, .source]' "$BUNDLE/config.json")" = '["none","/sys"]' ]
}

@test "rootless: run as the user, root inside, state under \$XDG_RUNTIME_DIR" {
  config_set '.process.args = ["sh", "-c", "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; hostname; ls /proc/1/ns >/dev/null && echo proc"]'
  run rl run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 0 ]
  [[ "${lines[2]}" =~ ^\ *0\ +$RL_UID\ +1$ ]]
  [[ "${lines[3]}" =~ ^\ *0\ +$RL_GID\ +1$ ]]
  [ "${lines[4]}" = ocirun ]
  [ "${lines[5]}" = proc ]
  # foreground run cleans up: the default root exists, the container not
  [ -d "$XDG/ocirun" ]
  nothing_left "$ID"
}

@test "rootless: run -d, exec, kill, delete" {
  config_set '.process.args = ["sleep", "100"]'
  rl_detached run -d --bundle "$BUNDLE" "$ID"
  [ -f "$XDG/ocirun/$ID/state.json" ]
  [ "$(stat -c %U "$XDG/ocirun/$ID")" = "$RL_USER" ]
  run rl list
  echo "$output"
  [[ "$output" == *"$ID"*running* ]]
  local pid
  pid=$(rl state "$ID" | jq .pid)
  [ "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" = "$RL_UID" ]

  run rl exec "$ID" sh -c 'id -u; echo $$; readlink /proc/1/exe'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" -gt 1 ]
  [[ "${lines[2]}" == */sleep || "${lines[2]}" == */busybox ]]

  run rl kill "$ID" KILL
  [ "$status" -eq 0 ]
  wait_stopped "$ID"
  run rl delete "$ID"
  [ "$status" -eq 0 ]
  nothing_left "$ID"
}

@test "rootless: kill --all reaches exec'd processes without a cgroup" {
  config_set '.process.args = ["sleep", "100"]'
  rl_detached run -d --bundle "$BUNDLE" "$ID"
  rl exec -d "$ID" sleep 99 </dev/null >/dev/null 2>&1
  local pids
  # live ones: the host's init may not have reaped earlier zombies yet
  pids=$(ps -o stat=,comm= -U "$RL_USER" | awk '$1 !~ /^Z/ && $2 == "sleep"' | wc -l)
  echo "sleeps: $pids"
  [ "$pids" -eq 2 ]
  run rl kill --all "$ID" KILL
  echo "$output"
  [ "$status" -eq 0 ]
  wait_stopped "$ID"
  rl delete "$ID"
  nothing_left "$ID"
}

@test "rootless: delete --force a running container; create + start" {
  config_set '.process.args = ["sleep", "100"]'
  rl_detached create --bundle "$BUNDLE" "$ID"
  [ "$(rl state "$ID" | jq -r .status)" = created ]
  rl start "$ID"
  [ "$(rl state "$ID" | jq -r .status)" = running ]
  run rl delete --force "$ID"
  [ "$status" -eq 0 ]
  nothing_left "$ID"
}

@test "rootless: subordinate ids through newuidmap/newgidmap" {
  command -v newuidmap >/dev/null && command -v newgidmap >/dev/null \
    || skip "newuidmap/newgidmap not installed (package uidmap)"
  mkdir "$RL_TMP/vol"
  chmod 1777 "$RL_TMP/vol"
  config_set ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $RL_UID, \"size\": 1},
                                    {\"containerID\": 1, \"hostID\": $SUBID, \"size\": 65536}]
    | .linux.gidMappings = [{\"containerID\": 0, \"hostID\": $RL_GID, \"size\": 1},
                            {\"containerID\": 1, \"hostID\": $SUBID, \"size\": 65536}]
    | .mounts += [{\"destination\": \"/tmp\", \"type\": \"bind\", \"source\": \"$RL_TMP/vol\", \"options\": [\"bind\"]}]
    | .process.user = {\"uid\": 1000, \"gid\": 1000}
    | .process.args = [\"sh\", \"-c\", \"cat /proc/self/uid_map /proc/self/gid_map; id -u; echo x > /tmp/f\"]"
  run rl run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^\ *0\ +$RL_UID\ +1$ ]]
  [[ "${lines[1]}" =~ ^\ *1\ +$SUBID\ +65536$ ]]
  [[ "${lines[2]}" =~ ^\ *0\ +$RL_GID\ +1$ ]]
  [[ "${lines[3]}" =~ ^\ *1\ +$SUBID\ +65536$ ]]
  [ "${lines[4]}" = 1000 ]
  # container uid 1000 is the 1000th id of the range (1 -> SUBID)
  [ "$(stat -c %u:%g "$RL_TMP/vol/f")" = "$((SUBID + 999)):$((SUBID + 999))" ]
  nothing_left "$ID"
}

@test "rootless: a map the user may not write fails clearly, nothing left" {
  config_set '.linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 1}]'
  run rl run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.uidMappings[0]: host uids 0-0 may not be mapped"*"/etc/subuid"* ]]
  nothing_left "$ID"

  # beyond the user's range
  config_set ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $RL_UID, \"size\": 1},
                                    {\"containerID\": 1, \"hostID\": $SUBID, \"size\": 65537}]"
  run rl run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.uidMappings[1]"*"may not be mapped"* ]]
  nothing_left "$ID"
}

@test "rootless: overlapping ranges fail clearly, nothing left" {
  config_set ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $RL_UID, \"size\": 1},
                                    {\"containerID\": 0, \"hostID\": $SUBID, \"size\": 10}]"
  run rl run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.uidMappings[1]"*overlaps* ]]
  nothing_left "$ID"
}

@test "rootless: no /etc/subgid range for the user" {
  usermod --del-subgids "$SUBID-$((SUBID + 65535))" "$RL_USER"
  config_set ".linux.gidMappings = [{\"containerID\": 0, \"hostID\": $RL_GID, \"size\": 1},
                                    {\"containerID\": 1, \"hostID\": $SUBID, \"size\": 10}]"
  run rl run --bundle "$BUNDLE" "$ID"
  usermod --add-subgids "$SUBID-$((SUBID + 65535))" "$RL_USER"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.gidMappings[1]"*"has no range in /etc/subgid"* ]]
  nothing_left "$ID"
}

@test "rootless: newuidmap missing is named, with its package" {
  command -v unshare >/dev/null || skip "no unshare(1)"
  config_set ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $RL_UID, \"size\": 1},
                                    {\"containerID\": 1, \"hostID\": $SUBID, \"size\": 10}]"
  # Hide the helper in a private mount namespace: /dev/null over it.
  local hide="" d
  for d in /usr/local/bin /usr/bin /usr/sbin /bin /sbin; do
    [ -f "$d/newuidmap" ] && hide="$hide mount --bind /dev/null $d/newuidmap;"
  done
  run unshare -m --propagation private sh -c "$hide cd / && runuser -u $RL_USER -- env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR=$XDG $RL_BIN/ocirun run --bundle $BUNDLE $ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.uidMappings"*newuidmap*"package uidmap"* ]]
  nothing_left "$ID"
}

@test "rootless: namespaces without a user namespace are refused clearly" {
  config_set 'del(.linux.uidMappings, .linux.gidMappings) | .linux.namespaces |= map(select(.type != "user"))'
  run rl run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"unprivileged user"*"user namespace"*"spec --rootless"* ]]
  nothing_left "$ID"
}

@test "rootless: limits without a delegated cgroup are refused clearly" {
  config_set '.linux.resources = {"pids": {"limit": 10}}'
  run rl run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.resources"*"delegated"* ]]
  nothing_left "$ID"
}

@test "rootless: an idmapped mount is refused clearly" {
  mkdir "$RL_TMP/vol"
  chown "$RL_USER:" "$RL_TMP/vol"
  config_set ".mounts += [{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$RL_TMP/vol\", \"options\": [\"bind\", \"idmap\"]}]"
  run rl run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"idmapped mount"*"CAP_SYS_ADMIN"* ]]
  nothing_left "$ID"
}

@test "rootless: a time namespace with offsets" {
  [ -e /proc/self/ns/time ] || skip "no time namespaces"
  config_set '.linux.namespaces += [{"type": "time"}]
    | .linux.timeOffsets = {"boottime": {"secs": 864000, "nanosecs": 0}}
    | .process.args = ["cut", "-d.", "-f1", "/proc/uptime"]'
  local before
  before=$(cut -d. -f1 /proc/uptime)
  run rl run --bundle "$BUNDLE" "$ID"
  echo "$output (host $before)"
  [ "$status" -eq 0 ]
  [ "$output" -ge $((before + 864000)) ]
}

@test "rootless: joining the user namespace of another rootless container" {
  config_set '.process.args = ["sleep", "100"]'
  rl_detached run -d --bundle "$BUNDLE" "$ID"
  local pid
  pid=$(rl state "$ID" | jq .pid)
  config_set "del(.linux.uidMappings, .linux.gidMappings)
    | .linux.namespaces |= map(if .type == \"user\" then .path = \"/proc/$pid/ns/user\" else . end)
    | .process.args = [\"sh\", \"-c\", \"id -u; readlink /proc/self/ns/user\"]"
  run rl run --bundle "$BUNDLE" "${ID}j"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = "$(readlink /proc/$pid/ns/user)" ]
}

# Delegate a cgroup subtree to the user in every hierarchy (v1 and
# cgroup2), as a login manager would.  DELEG is its name under each root.
delegate_cgroup () {
  DELEG=ocirl-deleg-$$-$RANDOM
  local h f
  for h in /sys/fs/cgroup /sys/fs/cgroup/*; do
    [ "$(stat -f -c %T "$h" 2>/dev/null)" = cgroup2fs ] \
      || [ "$(stat -f -c %T "$h" 2>/dev/null)" = cgroupfs ] || continue
    [ -L "$h" ] && continue
    mkdir "$h/$DELEG" || return 1
    DELEG_DIRS="$DELEG_DIRS $h/$DELEG"
    [ -e "$h/cpuset.cpus" ] && cat "$h/cpuset.cpus" > "$h/$DELEG/cpuset.cpus"
    [ -e "$h/cpuset.mems" ] && cat "$h/cpuset.mems" > "$h/$DELEG/cpuset.mems"
    chown "$RL_USER:" "$h/$DELEG"
    for f in cgroup.procs tasks cgroup.subtree_control cgroup.threads; do
      [ -e "$h/$DELEG/$f" ] && chown "$RL_USER:" "$h/$DELEG/$f"
    done
  done
  [ -n "$DELEG_DIRS" ]
}

undelegate_cgroup () {
  local d i left
  # A killed init may wait to be reaped by the host's init: its cgroup
  # stays busy until then.
  for i in $(seq 100); do
    left=
    for d in $DELEG_DIRS; do
      [ -d "$d" ] || continue
      find "$d" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null || true
      rmdir "$d" 2>/dev/null || left=1
    done
    [ -z "$left" ] && break
    sleep 0.1
  done
  DELEG_DIRS=
  return 0
}

# ocirun as the user, itself inside the delegated cgroups (moving a
# process between cgroups needs write access to their common ancestor).
rl_in_deleg () {
  local d procs=""
  for d in $DELEG_DIRS; do procs="$procs $d/cgroup.procs"; done
  sh -c 'for f in '"$procs"'; do echo $$ > $f || exit 1; done; exec "$@"' sh \
    runuser -u "$RL_USER" -- env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$XDG" \
    "$RL_BIN/ocirun" "$@"
}

@test "rootless: limits in a cgroup delegated to the user" {
  [ -d /sys/fs/cgroup ] || skip "no cgroup hierarchy"
  DELEG_DIRS=
  delegate_cgroup || { undelegate_cgroup; skip "cannot delegate a cgroup here"; }
  config_set ".linux.cgroupsPath = \"/$DELEG/$ID\"
    | .linux.resources = {\"pids\": {\"limit\": 42}}
    | .process.args = [\"sleep\", \"100\"]"
  rl_in_deleg run -d --bundle "$BUNDLE" "$ID" </dev/null >"$RL_TMP/out" 2>&1
  local rc=$?
  cat "$RL_TMP/out"
  [ "$rc" -eq 0 ] || { undelegate_cgroup; false; }
  local pid max
  pid=$(rl state "$ID" | jq .pid)
  [ -f "$XDG/ocirun/$ID/cgroup" ]
  # the container's own cgroup, with the limit, under the delegated one
  if [ -d "/sys/fs/cgroup/pids/$DELEG/$ID" ]; then
    max=$(cat "/sys/fs/cgroup/pids/$DELEG/$ID/pids.max")
    grep -qx "$pid" "/sys/fs/cgroup/pids/$DELEG/$ID/cgroup.procs"
  else
    max=$(cat "/sys/fs/cgroup/$DELEG/$ID/pids.max")
    grep -qx "$pid" "/sys/fs/cgroup/$DELEG/$ID/cgroup.procs"
  fi
  echo "pids.max $max"
  [ "$max" = 42 ]
  run rl_in_deleg exec "$ID" cat /sys/fs/cgroup/pids/pids.max
  echo "$output"
  run rl_in_deleg delete --force "$ID"
  echo "$output"
  local st=$status
  [ ! -e "/sys/fs/cgroup/pids/$DELEG/$ID" ] && [ ! -e "/sys/fs/cgroup/$DELEG/$ID" ]
  local gone=$?
  undelegate_cgroup
  [ "$st" -eq 0 ]
  [ "$gone" -eq 0 ]
  nothing_left "$ID"
}
