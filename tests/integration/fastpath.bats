#!/usr/bin/env bats
# fastpath.bats - the shortcuts taken for speed (bench/, issue 11) do what
# the slow ways did: an exec'd process joins the container's cgroups by
# itself (v1 `tasks`, clone3 into the cgroup2 directory) instead of the
# runtime writing its pid to cgroup.procs, --cgroup included; and the
# binary configure made (static PIE by default) runs every command.

load helpers

setup () {
  setup_bundle
  ID=$(new_id)
  config_set '.process.args = ["sleep", "300"]'
  ocirun run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  PID=$(ocirun state "$ID" | jq .pid)
  SUBS=()
}

teardown () {
  local d
  ocirun delete --force "$ID" >/dev/null 2>&1 || true
  for d in "${SUBS[@]}"; do rmdir "$d" 2>/dev/null || true; done
  teardown_bundle
}

# The container's cgroup directories, one per line (from its state file).
cg_dirs () {
  awk '$1 != "mode" && $1 != "v2ctrls" { $1 = ""; sub(/^ /, ""); print }' \
    "$ROOT/$ID/cgroup" | sort -u
}

# Host view of a process's cgroups, as "hierarchy:path" lines.
cg_of () {
  cut -d: -f2- "/proc/$1/cgroup" | sort
}

@test "fastpath: an exec'd process is in the container's cgroup in every hierarchy" {
  ocirun exec -d --pid-file "$TEST_TMP/epid" "$ID" sleep 60
  local epid
  epid=$(cat "$TEST_TMP/epid")
  echo "container: $(cg_of "$PID")"
  echo "exec:      $(cg_of "$epid")"
  [ "$(cg_of "$epid")" = "$(cg_of "$PID")" ]
  # cgroup2 (born there by clone3): its cgroup.procs lists it
  if grep -q '^unified ' "$ROOT/$ID/cgroup"; then
    grep -qx "$epid" "$(awk '$1 == "unified" { print $2 }' "$ROOT/$ID/cgroup")/cgroup.procs"
  fi
}

@test "fastpath: exec --cgroup SUB joins the sub-cgroup of every hierarchy" {
  local d
  while read -r d; do
    mkdir "$d/sub"
    SUBS+=("$d/sub")
    # a v1 cpuset cgroup takes no task before it has cpus and mems
    if [ -f "$d/cpuset.cpus" ]; then
      cat "$d/cpuset.cpus" > "$d/sub/cpuset.cpus"
      cat "$d/cpuset.mems" > "$d/sub/cpuset.mems"
    fi
  done < <(cg_dirs)
  ocirun exec -d --cgroup sub --pid-file "$TEST_TMP/epid" "$ID" sleep 60
  local epid
  epid=$(cat "$TEST_TMP/epid")
  cat "/proc/$epid/cgroup"
  # every line ends in /<id>/sub
  [ -z "$(cut -d: -f3 "/proc/$epid/cgroup" | grep -v "/$ID/sub\$")" ]
  kill -9 "$epid"
}

@test "fastpath: exec --cgroup to a missing sub-cgroup fails and runs nothing" {
  run ocirun exec --cgroup nosuch "$ID" sh -c 'touch /tmp/ran'
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *nosuch* ]]
  [ ! -e "/proc/$PID/root/tmp/ran" ]
}

@test "fastpath: every command of the built binary works (state, list, ps, exec, kill, delete)" {
  run ocirun state "$ID"
  [ "$status" -eq 0 ]
  run ocirun list
  [ "$status" -eq 0 ]
  [[ "$output" == *"$ID"*root* ]]
  run ocirun ps "$ID"
  [ "$status" -eq 0 ]
  run ocirun exec "$ID" true
  [ "$status" -eq 0 ]
  run ocirun kill "$ID" KILL
  [ "$status" -eq 0 ]
  run ocirun delete --force "$ID"
  [ "$status" -eq 0 ]
  run ocirun --version
  [ "$status" -eq 0 ]
}
