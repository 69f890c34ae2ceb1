#!/usr/bin/env bats
# rootfs.bats - root.path, root.readonly, linux.rootfsPropagation,
# pivot_root and --no-pivot.

load helpers

setup () {
  setup_bundle
}

teardown () {
  teardown_bundle
}

@test "rootfs: root.readonly makes / read-only, other mounts stay writable" {
  config_set '.root.readonly = true'
  config_set '.process.args = ["sh", "-c", "touch /newfile || echo ROOT-RO; touch /dev/shm/x && echo SHM-RW; awk \"\\$5 == \\\"/\\\"\" /proc/self/mountinfo"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *ROOT-RO* ]]
  [[ "$output" == *SHM-RW* ]]
  [[ "$output" == *" / ro,"* ]]
  [ ! -e "$BUNDLE/rootfs/newfile" ]
}

@test "rootfs: root.readonly false leaves / writable" {
  config_set '.root.readonly = false'
  config_set '.process.args = ["touch", "/newfile"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ -e "$BUNDLE/rootfs/newfile" ]
}

@test "rootfs: the container sees only its rootfs" {
  touch "$BUNDLE/rootfs/i-am-the-rootfs"
  config_set ".process.args = [\"sh\", \"-c\", \"ls /i-am-the-rootfs && test ! -e $BUNDLE && pwd && grep -c . /proc/self/mountinfo\"]"
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = / ]
}

@test "rootfs: absolute root.path" {
  mv "$BUNDLE/rootfs" "$TEST_TMP/elsewhere"
  config_set ".root.path = \"$TEST_TMP/elsewhere\""
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "rootfs: missing root.path fails before anything is created" {
  config_set '.root.path = "no-such-rootfs"'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"root.path"* ]]
  [ -z "$(ls -A "$ROOT")" ]
}

@test "rootfs: root.path that is not a directory is rejected" {
  touch "$BUNDLE/afile"
  config_set '.root.path = "afile"'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"root.path"*"not a directory"* ]]
}

@test "rootfs: --no-pivot (MS_MOVE + chroot)" {
  touch "$BUNDLE/rootfs/i-am-the-rootfs"
  config_set '.process.args = ["sh", "-c", "ls /i-am-the-rootfs && cat /proc/self/mountinfo | wc -l"]'
  run ocirun run --no-pivot -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = /i-am-the-rootfs ]
}

@test "rootfs: rootfsPropagation values" {
  config_set '.process.args = ["sh", "-c", "awk \"\\$5 == \\\"/\\\"\" /proc/self/mountinfo"]'
  for p in shared rshared slave rslave private rprivate unbindable runbindable; do
    config_set ".linux.rootfsPropagation = \"$p\""
    run ocirun run -b "$BUNDLE" "$(new_id)"
    echo "$p: $output"
    [ "$status" -eq 0 ]
    case $p in
      shared|rshared) [[ "$output" == *" shared:"* ]] ;;
      private|rprivate) [[ "$output" != *" shared:"* && "$output" != *" master:"* ]] ;;
      unbindable|runbindable) [[ "$output" == *" unbindable "* ]] ;;
    esac
  done
}

# config-linux.md: slave: "if something is mounted on the host it will
# also appear in the container", but not the other way around.  The "host"
# is a private mount namespace (unshare) in which the rootfs is a shared
# mount point, as an engine's overlay rootfs would be.
@test "rootfs: rootfsPropagation slave receives host mounts and leaks none back" {
  local id=$(new_id)
  mkdir -p "$BUNDLE/rootfs/mnt/probe" "$BUNDLE/rootfs/sub"
  config_set '.linux.rootfsPropagation = "slave"
    | .mounts += [{"destination": "/sub/inner", "type": "tmpfs", "source": "tmpfs"}]
    | .process.args = ["sleep", "30"]'
  run unshare -m --propagation private sh -c "
    set -e
    mount --bind '$BUNDLE/rootfs' '$BUNDLE/rootfs'
    mount --make-shared '$BUNDLE/rootfs'
    mount -t tmpfs -o size=1m tmpfs '$BUNDLE/rootfs/sub'
    mount --make-shared '$BUNDLE/rootfs/sub'
    '$OCIRUN' --root '$ROOT' run -d -b '$BUNDLE' $id
    mount -t tmpfs -o size=1m tmpfs '$BUNDLE/rootfs/mnt/probe'
    echo INSIDE
    '$OCIRUN' --root '$ROOT' exec $id cat /proc/self/mountinfo
    echo OUTSIDE
    cat /proc/self/mountinfo
    '$OCIRUN' --root '$ROOT' delete --force $id"
  echo "$output"
  [ "$status" -eq 0 ]
  local inside=$(echo "$output" | sed -n '/^INSIDE$/,/^OUTSIDE$/p')
  local outside=$(echo "$output" | sed -n '/^OUTSIDE$/,$p')
  # "/" is a slave of the rootfs mount (master:N, not shared).
  local root=$(echo "$inside" | awk '$5 == "/"')
  [[ "$root" == *" master:"* ]]
  [[ "$root" != *" shared:"* ]]
  # The mount made outside after start is seen inside.
  echo "$inside" | awk '$5 == "/mnt/probe"' | grep -q " - tmpfs "
  # Nothing mounted by the container shows up outside, not even below
  # the shared submount.
  ! echo "$outside" | grep -q "$BUNDLE/rootfs/sub/inner" || false
  ! echo "$outside" | grep -q "$BUNDLE/rootfs/proc" || false
}

@test "rootfs: unknown rootfsPropagation is rejected" {
  config_set '.linux.rootfsPropagation = "sideways"'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *rootfsPropagation* ]]
}

@test "rootfs: the container's mounts never reach the host" {
  local id=$(new_id)
  config_set '.process.args = ["sleep", "30"]'
  run ocirun run -d -b "$BUNDLE" "$id"
  echo "$output"
  [ "$status" -eq 0 ]
  # proc, /dev, /sys... of the running container: none in the host's table.
  run grep -c "$BUNDLE" /proc/self/mountinfo
  ocirun delete --force "$id"
  [ "$output" = 0 ]
}

@test "rootfs: a missing process.cwd is created, even with a read-only root" {
  config_set '.root.readonly = true | .process.cwd = "/new/work/dir" | .process.args = ["pwd"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = /new/work/dir ]
  [ -d "$BUNDLE/rootfs/new/work/dir" ]
}
