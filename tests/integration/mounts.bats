#!/usr/bin/env bats
# mounts.bats - mounts[]: every kind and option as the container sees it
# in /proc/self/mountinfo, and destinations that try to leave the rootfs.
#
# Host-side helper mounts (a nosuid source, a submount) are made inside
# `unshare -m --propagation private`, around the ocirun call, so nothing is
# ever mounted in the host's namespace.

load helpers

setup () {
  setup_bundle
}

teardown () {
  # The cgroup namespace helper and its cgroup, if a test made them.
  if [ -n "${CG_HELPER:-}" ]; then
    kill "$CG_HELPER" 2>/dev/null || true
    wait "$CG_HELPER" 2>/dev/null || true
  fi
  if [ -n "${CG_NSROOT:-}" ]; then
    # Emptied asynchronously once the helper is gone.
    for _ in $(seq 50); do
      rmdir "$CG_NSROOT" 2>/dev/null && break
      [ -d "$CG_NSROOT" ] || break
      sleep 0.1
    done
  fi
  teardown_bundle
}

# The mountinfo line of the container for mount point $1 (last one wins),
# from the output of a `cat /proc/self/mountinfo` container.
mnt_line () {
  echo "$output" | awk -v mp="$1" '$5 == mp { l = $0 } END { print l }'
}

# Per-mount options (field 6) of mount point $1.
mnt_opts () {
  mnt_line "$1" | awk '{ print $6 }'
}

# Add a mount: add_mount JSON
add_mount () {
  config_set ".mounts += [$1]"
}

show_mountinfo () {
  config_set '.process.args = ["cat", "/proc/self/mountinfo"]'
}

has_opt () { # has_opt LIST OPT
  case ",$1," in *",$2,"*) return 0 ;; esac
  return 1
}

@test "mounts: the default mounts of ocirun spec, with their options" {
  show_mountinfo
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$(mnt_line /proc)" == *" - proc proc "* ]]
  [[ "$(mnt_line /dev)" == *" - tmpfs tmpfs "*size=65536k*mode=755* ]]
  has_opt "$(mnt_opts /dev)" nosuid
  [[ "$(mnt_line /dev/pts)" == *" - devpts devpts "*gid=5*mode=620*ptmxmode=666* ]]
  has_opt "$(mnt_opts /dev/pts)" noexec
  [[ "$(mnt_line /dev/shm)" == *" - tmpfs shm "*size=65536k* ]]
  has_opt "$(mnt_opts /dev/shm)" nodev
  [[ "$(mnt_line /dev/mqueue)" == *" - mqueue mqueue "* ]]
  [[ "$(mnt_line /sys)" == *" - sysfs sysfs "* ]]
  has_opt "$(mnt_opts /sys)" ro
  has_opt "$(mnt_opts /sys)" nosuid
  has_opt "$(mnt_opts /sys/fs/cgroup)" ro
}

@test "mounts: tmpfs size, mode and the flag options" {
  add_mount '{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs",
    "options": ["nosuid", "nodev", "noexec", "noatime", "nodiratime",
                "size=1m", "mode=0710", "uid=12", "gid=34"]}'
  config_set '.process.args = ["sh", "-c", "cat /proc/self/mountinfo; stat -c \"stat %a %u %g\" /scratch"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  local opts=$(mnt_opts /scratch)
  for o in rw nosuid nodev noexec noatime nodiratime; do
    has_opt "$opts" "$o"
  done
  [[ "$(mnt_line /scratch)" == *size=1024k*mode=710*uid=12*gid=34* ]]
  [[ "$output" == *"stat 710 12 34"* ]]
}

@test "mounts: atime and symlink options" {
  add_mount '{"destination": "/a", "type": "tmpfs", "source": "tmpfs", "options": ["strictatime"]}'
  add_mount '{"destination": "/b", "type": "tmpfs", "source": "tmpfs", "options": ["relatime", "nosymfollow", "ro"]}'
  add_mount '{"destination": "/c", "type": "tmpfs", "source": "tmpfs", "options": ["sync", "dirsync"]}'
  show_mountinfo
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  ! has_opt "$(mnt_opts /a)" relatime || false
  ! has_opt "$(mnt_opts /a)" noatime || false
  has_opt "$(mnt_opts /b)" relatime
  has_opt "$(mnt_opts /b)" nosymfollow
  has_opt "$(mnt_opts /b)" ro
  # sync and dirsync are superblock flags: in the super options.
  local super=$(mnt_line /c | awk '{ print $NF }')
  has_opt "$super" sync
  has_opt "$super" dirsync
}

@test "mounts: read-only bind keeps the source's nosuid,nodev,noexec" {
  mkdir "$TEST_TMP/src"
  add_mount "{\"destination\": \"/ro\", \"type\": \"bind\", \"source\": \"$TEST_TMP/src\", \"options\": [\"rbind\", \"ro\"]}"
  config_set '.process.args = ["sh", "-c", "cat /proc/self/mountinfo; touch /ro/x && echo WRITABLE; true"]'
  run unshare -m --propagation private sh -c "
    mount -t tmpfs -o nosuid,nodev,noexec,size=1m tmpfs '$TEST_TMP/src' &&
    exec '$OCIRUN' --root '$ROOT' run -b '$BUNDLE' '$(new_id)'"
  echo "$output"
  [ "$status" -eq 0 ]
  local opts=$(mnt_opts /ro)
  for o in ro nosuid nodev noexec; do
    has_opt "$opts" "$o"
  done
  [[ "$output" != *WRITABLE* ]]
}

@test "mounts: bind of a file and a relative source" {
  echo "from the bundle" > "$BUNDLE/greeting"
  mkdir "$BUNDLE/shared-dir"
  echo data > "$BUNDLE/shared-dir/f"
  add_mount '{"destination": "/etc/greeting", "type": "bind", "source": "greeting", "options": ["bind", "ro"]}'
  add_mount '{"destination": "/opt/shared", "source": "./shared-dir", "options": ["rbind", "rw"]}'
  config_set '.process.args = ["sh", "-c", "cat /etc/greeting /opt/shared/f; echo new > /opt/shared/g; echo x > /etc/greeting || echo RO"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"from the bundle"* ]]
  [[ "$output" == *data* ]]
  [[ "$output" == *RO* ]]
  [ "$(cat "$BUNDLE/shared-dir/g")" = new ]
  [ -f "$BUNDLE/rootfs/etc/greeting" ]
}

@test "mounts: recursive options (rro, rnosuid, rnoexec) reach submounts" {
  mkdir -p "$TEST_TMP/tree"
  add_mount "{\"destination\": \"/tree\", \"source\": \"$TEST_TMP/tree\", \"options\": [\"rbind\", \"rro\", \"rnosuid\", \"rnoexec\"]}"
  show_mountinfo
  run unshare -m --propagation private sh -c "
    mount -t tmpfs tmpfs '$TEST_TMP/tree' && mkdir '$TEST_TMP/tree/sub' &&
    mount -t tmpfs tmpfs '$TEST_TMP/tree/sub' &&
    exec '$OCIRUN' --root '$ROOT' run -b '$BUNDLE' '$(new_id)'"
  echo "$output"
  [ "$status" -eq 0 ]
  for mp in /tree /tree/sub; do
    for o in ro nosuid noexec; do
      has_opt "$(mnt_opts $mp)" "$o"
    done
  done
}

@test "mounts: plain bind is not recursive, rbind is" {
  mkdir -p "$TEST_TMP/tree"
  add_mount "{\"destination\": \"/plain\", \"source\": \"$TEST_TMP/tree\", \"options\": [\"bind\"]}"
  add_mount "{\"destination\": \"/rec\", \"source\": \"$TEST_TMP/tree\", \"options\": [\"rbind\"]}"
  show_mountinfo
  run unshare -m --propagation private sh -c "
    mount -t tmpfs tmpfs '$TEST_TMP/tree' && mkdir '$TEST_TMP/tree/sub' &&
    mount -t tmpfs tmpfs '$TEST_TMP/tree/sub' &&
    exec '$OCIRUN' --root '$ROOT' run -b '$BUNDLE' '$(new_id)'"
  echo "$output"
  [ "$status" -eq 0 ]
  [ -z "$(mnt_line /plain/sub)" ]
  [ -n "$(mnt_line /rec/sub)" ]
}

@test "mounts: propagation options" {
  add_mount '{"destination": "/sh", "type": "tmpfs", "source": "tmpfs", "options": ["rshared"]}'
  add_mount '{"destination": "/pr", "type": "tmpfs", "source": "tmpfs", "options": ["private"]}'
  add_mount '{"destination": "/ub", "type": "tmpfs", "source": "tmpfs", "options": ["runbindable"]}'
  show_mountinfo
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$(mnt_line /sh)" == *" shared:"* ]]
  [[ "$(mnt_line /pr)" != *" shared:"* ]]
  [[ "$(mnt_line /pr)" != *" master:"* ]]
  [[ "$(mnt_line /ub)" == *" unbindable "* ]]
}

@test "mounts: a rootfs symlink to a host directory never redirects a mount" {
  mkdir "$TEST_TMP/hostdir"
  echo precious > "$TEST_TMP/hostdir/marker"
  ln -s "$TEST_TMP/hostdir" "$BUNDLE/rootfs/evil"
  ln -s "../../../../../../../../..$TEST_TMP/hostdir" "$BUNDLE/rootfs/evil2"
  add_mount '{"destination": "/evil", "type": "tmpfs", "source": "tmpfs"}'
  add_mount '{"destination": "/evil2/sub", "type": "bind", "source": "/etc", "options": ["rbind", "ro"]}'
  config_set '.process.args = ["sh", "-c", "echo pwned > /evil/marker; ls /evil2/sub >/dev/null && echo BOUND"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *BOUND* ]]
  # The host directory kept its content and got nothing new.
  [ "$(cat "$TEST_TMP/hostdir/marker")" = precious ]
  [ "$(ls -A "$TEST_TMP/hostdir")" = marker ]
  # The mount points were created inside the rootfs instead.
  [ -d "$BUNDLE/rootfs$TEST_TMP/hostdir" ]
  ! grep -q "$TEST_TMP" /proc/self/mountinfo || false
}

@test "mounts: relative destination is taken relative to / (deprecated, warned)" {
  local n=$(jq '.mounts | length' "$BUNDLE/config.json")
  add_mount '{"destination": "relative/mnt", "type": "tmpfs", "source": "tmpfs"}'
  show_mountinfo
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"mounts[$n].destination"*deprecated* ]]
  [[ "$(mnt_line /relative/mnt)" == *" - tmpfs "* ]]
  # The mount point was created inside the rootfs.
  [ -d "$BUNDLE/rootfs/relative/mnt" ]
}

@test "mounts: relative destination with .. stays inside the rootfs" {
  # ../../.. from "/" is still "/": the mount lands at $TEST_TMP/hostdir
  # *inside* the rootfs, never on the host's directory.
  mkdir -p "$TEST_TMP/hostdir"
  echo precious > "$TEST_TMP/hostdir/marker"
  add_mount "{\"destination\": \"../../../..$TEST_TMP/hostdir\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}"
  show_mountinfo
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$(mnt_line "$TEST_TMP/hostdir")" == *" - tmpfs "* ]]
  [ "$(ls -A "$TEST_TMP/hostdir")" = marker ]
  [ -d "$BUNDLE/rootfs$TEST_TMP/hostdir" ]
  ! grep -q "$TEST_TMP" /proc/self/mountinfo || false
}

@test "mounts: unknown option of a bind mount is rejected, naming mounts[N].options" {
  local n=$(jq '.mounts | length' "$BUNDLE/config.json")
  add_mount '{"destination": "/x", "type": "bind", "source": "/etc", "options": ["rbind", "nosiud"]}'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"mounts[$n].options"* ]]
  [[ "$output" == *nosiud* ]]
  [ -z "$(ls -A "$ROOT")" ]
}

@test "mounts: tmpcopyup seeds the tmpfs with the covered directory" {
  mkdir -p "$BUNDLE/rootfs/data/sub"
  echo seeded > "$BUNDLE/rootfs/data/file"
  echo deep > "$BUNDLE/rootfs/data/sub/deep"
  chmod 0640 "$BUNDLE/rootfs/data/file"
  add_mount '{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup"]}'
  config_set '.process.args = ["sh", "-c", "grep \" /data \" /proc/self/mountinfo; cat /data/file /data/sub/deep; stat -c %a /data/file; echo new > /data/file"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *" - tmpfs "* ]]
  [[ "$output" == *seeded*deep*640* ]]
  # Writes went to the tmpfs, not the image.
  [ "$(cat "$BUNDLE/rootfs/data/file")" = seeded ]
}

@test "mounts: idmapped bind mount shifts owners" {
  mkdir "$TEST_TMP/ids"
  touch "$TEST_TMP/ids/f"
  chown 1:2 "$TEST_TMP/ids/f"
  add_mount "{\"destination\": \"/ids\", \"type\": \"bind\", \"source\": \"$TEST_TMP/ids\", \"options\": [\"bind\", \"idmap\"],
    \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],
    \"gidMappings\": [{\"containerID\": 0, \"hostID\": 200000, \"size\": 65536}]}"
  config_set '.process.args = ["stat", "-c", "%u:%g", "/ids/f"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  if [[ "$output" == *"idmap"*"Invalid argument"* ]]; then
    skip "filesystem of $TEST_TMP does not support idmapped mounts"
  fi
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "100001:200002" ]
  [ "$(stat -c %u:%g "$TEST_TMP/ids/f")" = "1:2" ]
}

@test "mounts: cgroup mount shows the container's own cgroups read-only" {
  config_set '.process.args = ["sh", "-c", "cat /proc/self/mountinfo; ls /sys/fs/cgroup; touch /sys/fs/cgroup/x || echo RO"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *RO* ]]
  if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
    [[ "$(mnt_line /sys/fs/cgroup)" == *" - cgroup2 "* ]]
  else
    [[ "$(mnt_line /sys/fs/cgroup)" == *" - tmpfs "* ]]
    for h in /sys/fs/cgroup/*; do
      [ -L "$h" ] && continue
      [ "$(stat -f -c %T "$h")" = cgroupfs ] || continue
      [[ "$(mnt_line "$h")" == *" - cgroup "* ]]
      has_opt "$(mnt_opts "$h")" ro
    done
  fi
}

@test "mounts: cgroup mount without a cgroup namespace binds the container's cgroup" {
  config_set '.linux.namespaces |= map(select(.type != "cgroup"))'
  config_set '.process.args = ["sh", "-c", "cat /proc/self/mountinfo; cat /proc/self/cgroup"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
    local path=$(echo "$output" | awk -F: '$1 == "0" { print $3 }')
  else
    local path=$(echo "$output" | awk -F: '$2 == "pids" { print $3 }')
    local line=$(mnt_line /sys/fs/cgroup/pids)
    [ -n "$line" ]
    # Root of the bind is the container's own cgroup, not the hierarchy.
    [ "$(echo "$line" | awk '{ print $4 }')" = "$path" ]
    has_opt "$(mnt_opts /sys/fs/cgroup/pids)" ro
  fi
}

@test "mounts: mountLabel is ignored without SELinux" {
  if selinuxenabled 2>/dev/null; then
    skip "SELinux is enabled on this host"
  fi
  config_set '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
  show_mountinfo
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" != *context=* ]]
}

@test "mounts: destination inside /proc is refused for bind mounts" {
  add_mount '{"destination": "/proc/self/attr", "type": "bind", "source": "/tmp", "options": ["rbind"]}'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"/proc/self/attr"* ]]
}

# The kernel refuses a v1 cgroup mount in a cgroup namespace owned by
# another user namespace (here: a joined one owned by the host's).  The
# fallback must bind the container's own cgroup directory of each
# hierarchy: not the whole host hierarchy, nor a path taken from
# /proc/self/cgroup, which inside the namespace is relative to its root.
@test "mounts: cgroup mount refused in a cgroup+user namespace binds only the container's cgroup" {
  [ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] || skip "not a v1/hybrid host"
  [ -d /sys/fs/cgroup/memory ] || skip "no v1 memory hierarchy"
  local own=$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
  CG_NSROOT="/sys/fs/cgroup/memory${own%/}/ocirun-nsroot-$$"
  mkdir "$CG_NSROOT"
  # The namespace root is a sibling of the container's memory cgroup.
  sh -c "echo \$\$ > '$CG_NSROOT/cgroup.procs' && exec unshare -C sleep 300" &
  CG_HELPER=$!
  local helper=$CG_HELPER
  for _ in $(seq 50); do
    [ "$(readlink /proc/$helper/ns/cgroup)" != "$(readlink /proc/self/ns/cgroup)" ] && break
    sleep 0.05
  done
  config_set ".linux.namespaces |= map(select(.type != \"cgroup\"))
    | .linux.namespaces += [{\"type\": \"user\"}, {\"type\": \"cgroup\", \"path\": \"/proc/$helper/ns/cgroup\"}]
    | .linux.uidMappings = [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]
    | .linux.gidMappings = [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]
    | .linux.resources.memory = {\"limit\": 50331648}"
  chown -R 100000:100000 "$BUNDLE/rootfs"
  chmod 755 "$TEST_TMP" "$BUNDLE"
  config_set '.process.args = ["sh", "-c", "echo LIMIT=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes); echo SUBDIRS=$(find /sys/fs/cgroup -mindepth 2 -type d | wc -l); grep -qx 1 /sys/fs/cgroup/memory/cgroup.procs && echo INIT_IN_IT; touch /sys/fs/cgroup/memory/x || echo READONLY"]'
  run "$OCIRUN" --debug --root "$ROOT" run -b "$BUNDLE" "$(new_id)"
  echo "$output" | grep -v "^ocirun: debug: \(mount \`\|set\|create\|clone\)" || true
  [ "$status" -eq 0 ]
  # The fallback ran (the kernel refused the mount)...
  [[ "$output" == *"mount cgroup \`memory\`"*"binding the container's cgroup"* ]]
  # ...and the container sees its own memory cgroup, nothing above or
  # beside it, read-only.
  [[ "$output" == *LIMIT=50331648* ]]
  [[ "$output" == *SUBDIRS=0* ]]
  [[ "$output" == *INIT_IN_IT* ]]
  [[ "$output" == *READONLY* ]]
}
