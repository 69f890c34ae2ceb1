#!/usr/bin/env bats
# exec.bats - running more processes in a container: exit codes, the
# process attributes and flags, namespaces and cgroup joined, detach,
# concurrency and refusals.

load helpers

setup () {
  setup_bundle
  ID=$(new_id)
  config_set '.process.args = ["sleep", "300"] | .root.readonly = false'
  ocirun run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  PID=$(ocirun state "$ID" | jq .pid)
}

teardown () {
  teardown_bundle
}

@test "exec: exit code of the command is exec's" {
  run ocirun exec "$ID" sh -c 'echo out; exit 5'
  [ "$status" -eq 5 ]
  [ "$output" = out ]
  run ocirun exec "$ID" true
  [ "$status" -eq 0 ]
}

@test "exec: killed by a signal gives 128+signal" {
  run ocirun exec "$ID" sh -c 'kill -9 $$'
  [ "$status" -eq 137 ]
}

@test "exec: a missing command fails like runc" {
  run ocirun exec "$ID" nosuchcmd
  [ "$status" -ne 0 ]
  [[ "$output" == *"executable file not found"* ]]
}

@test "exec: joins every namespace of the container" {
  for ns in mnt pid net ipc uts cgroup; do
    run ocirun exec "$ID" readlink "/proc/self/ns/$ns"
    echo "$ns: $output vs $(readlink /proc/$PID/ns/$ns)"
    [ "$status" -eq 0 ]
    [ "$output" = "$(readlink "/proc/$PID/ns/$ns")" ]
  done
  # and sees the container's pid 1
  run ocirun exec "$ID" cat /proc/1/cmdline
  [[ "$output" == sleep* ]]
}

@test "exec: joins the container's cgroup" {
  run ocirun exec "$ID" cat /proc/self/cgroup
  echo "$output"
  [ "$status" -eq 0 ]
  # same cgroups as the container process (both see / in the cgroup ns)
  [ "$output" = "$(ocirun exec "$ID" cat /proc/1/cgroup)" ]
  local host_cg
  host_cg=$(grep -E '^[0-9]+:pids:' /proc/$PID/cgroup)
  local execpid
  ocirun exec -d --pid-file "$TEST_TMP/epid" "$ID" sleep 50
  execpid=$(cat "$TEST_TMP/epid")
  [ "$(grep -E '^[0-9]+:pids:' /proc/$execpid/cgroup)" = "$host_cg" ]
}

@test "exec: env, cwd and user flags" {
  run ocirun exec --env FOO=bar -e PATH=/bin:/usr/bin --cwd /tmp --user 65534:65534 "$ID" sh -c 'echo $FOO; pwd; id -u; id -g; echo $PATH'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = bar ]
  [ "${lines[1]}" = /tmp ]
  [ "${lines[2]}" = 65534 ]
  [ "${lines[3]}" = 65534 ]
  [ "${lines[4]}" = /bin:/usr/bin ]
}

@test "exec: additional gids" {
  run ocirun exec --user 1000:1000 --additional-gids 10 -g 20 "$ID" id -G
  echo "$output"
  [ "$output" = "1000 10 20" ]
}

@test "exec: inherits the container's process env" {
  run ocirun exec "$ID" sh -c 'echo $PATH'
  [ "$output" = "$(jq -r '.process.env[] | select(startswith("PATH="))' "$BUNDLE/config.json" | cut -d= -f2-)" ]
}

@test "exec: --process runs a process.json" {
  cat > "$TEST_TMP/process.json" <<EOF
{"args": ["sh", "-c", "echo from-json \$X; exit 9"], "cwd": "/tmp", "env": ["X=42", "PATH=/bin"], "user": {"uid": 0, "gid": 0}}
EOF
  run ocirun exec --process "$TEST_TMP/process.json" "$ID"
  [ "$status" -eq 9 ]
  [ "$output" = "from-json 42" ]
}

@test "exec: --detach returns at once with the pid in --pid-file" {
  local start=$SECONDS
  # (stdio on /dev/null: the detached process would hold bats' pipes)
  ocirun exec -d --pid-file "$TEST_TMP/epid" "$ID" sleep 30 </dev/null >/dev/null 2>&1
  [ $((SECONDS - start)) -lt 10 ]
  local epid
  epid=$(cat "$TEST_TMP/epid")
  [ -n "$epid" ]
  [[ "$(tr '\0' ' ' < /proc/$epid/cmdline)" == "sleep 30 " ]]
  [ "$(readlink /proc/$epid/ns/pid)" = "$(readlink /proc/$PID/ns/pid)" ]
}

@test "exec: 20 concurrent execs all succeed" {
  # Wait on our own pids: `jobs -p` also lists bats' timeout watcher.
  local pids=() fails=0 i code
  for i in $(seq 20); do
    ocirun exec "$ID" sh -c "echo $i > /tmp/c$i; exit $((i % 7))" &
    pids[$i]=$!
  done
  for i in $(seq 20); do
    code=0
    wait "${pids[$i]}" || code=$?
    [ "$code" -eq $((i % 7)) ] || { echo "exec $i exited $code"; fails=$((fails + 1)); }
  done
  [ "$fails" -eq 0 ]
  for i in $(seq 20); do
    [ "$(cat "$BUNDLE/rootfs/tmp/c$i")" = "$i" ]
  done
}

@test "exec: into a stopped container fails clearly" {
  ocirun kill "$ID" KILL
  sleep 0.3
  run ocirun exec "$ID" true
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *stopped* ]]
}

@test "exec: into a paused container fails clearly" {
  ocirun pause "$ID" || skip "pause not available"
  run ocirun exec "$ID" true
  echo "$output"
  ocirun resume "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *paused* ]]
}

@test "exec: into a created container works" {
  local id2
  id2=$(new_id)x
  ocirun create --bundle "$BUNDLE" "$id2" </dev/null >/dev/null 2>&1
  run ocirun exec "$id2" echo in-created
  [ "$status" -eq 0 ]
  [ "$output" = in-created ]
  [ "$(ocirun state "$id2" | jq -r .status)" = created ]
}

@test "exec: --cap adds a capability, default set otherwise" {
  run ocirun exec "$ID" sh -c 'grep CapEff /proc/self/status'
  local def=$output
  run ocirun exec --cap CAP_SYS_ADMIN "$ID" sh -c 'grep CapEff /proc/self/status'
  echo "$def / $output"
  [ "$output" != "$def" ]
}

@test "exec: --no-new-privs sets no_new_privs" {
  config_set '.process.noNewPrivileges = false'
  local id2
  id2=$(new_id)n
  ocirun run -d --bundle "$BUNDLE" "$id2" </dev/null >/dev/null 2>&1
  run ocirun exec "$id2" grep NoNewPrivs /proc/self/status
  [[ "$output" == *0 ]]
  run ocirun exec --no-new-privs "$id2" grep NoNewPrivs /proc/self/status
  [[ "$output" == *1 ]]
}

@test "exec: --preserve-fds and no leaks" {
  echo passed > "$TEST_TMP/f3"
  run ocirun exec --preserve-fds 1 "$ID" sh -c 'cat <&3; ls /proc/self/fd | wc -l' 3<"$TEST_TMP/f3" 4</etc/hostname
  echo "$output"
  [ "${lines[0]}" = passed ]
  # 0 1 2 3 + ls's directory fd
  [ "${lines[1]}" = 5 ]
  run ocirun exec "$ID" ls /proc/self/fd
  [ "$(echo "$output" | tr '\n' ' ')" = "0 1 2 3 " ]
}

@test "exec: --tty with a console socket" {
  local sock=$TEST_TMP/c.sock out=$TEST_TMP/c.out
  /usr/bin/python3 "$BATS_TEST_DIRNAME/recvtty.py" "$sock" "$out" &
  local recv=$!
  for _ in $(seq 50); do [ -e "$out.ready" ] && break; sleep 0.1; done
  run ocirun exec -t -d --console-socket "$sock" "$ID" sh -c 'tty; echo tty-ok'
  [ "$status" -eq 0 ]
  for _ in $(seq 50); do kill -0 "$recv" 2>/dev/null || break; sleep 0.1; done
  [[ "$(cat "$out")" == *"/dev/pts/"*tty-ok* ]]
}

@test "exec: foreground --tty proxies the terminal" {
  run sh -c "echo hi | \"$OCIRUN\" --root \"$ROOT\" exec -t \"$ID\" sh -c 'read x; echo got:\$x; tty'"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *got:hi* ]]
  [[ "$output" == *"/dev/pts/"* ]]
}

@test "exec: a container in a user namespace" {
  local id2
  id2=$(new_id)u
  # the mapped root must be able to reach the rootfs
  chmod 755 "$TEST_TMP" "$BUNDLE"
  config_set '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
  ocirun run -d --bundle "$BUNDLE" "$id2" </dev/null >/dev/null 2>"$TEST_TMP/err" || { cat "$TEST_TMP/err"; false; }
  local pid2
  pid2=$(ocirun state "$id2" | jq .pid)
  run ocirun exec "$id2" sh -c 'cat /proc/self/uid_map; readlink /proc/self/ns/user'
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *200000* ]]
  [ "${lines[1]}" = "$(readlink /proc/$pid2/ns/user)" ]
}
