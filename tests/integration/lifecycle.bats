#!/usr/bin/env bats
# lifecycle.bats - create/start/run/state/kill/delete/list and their
# transitions, exit codes and the state document.

load helpers

setup () {
  setup_bundle
  ID=$(new_id)
}

teardown () {
  teardown_bundle
}

# True while pid runs (a zombie whose reaper is slow does not count).
alive () {
  local st
  st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# Start `run` in the background as a direct child (not through the ocirun
# shell function, so that $! is ocirun itself).
run_bg () {
  "$OCIRUN" --root "$ROOT" run --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 &
  RUNNER=$!
  for _ in $(seq 50); do
    [ "$(ocirun state "$ID" 2>/dev/null | jq -r .status)" = running ] && return 0
    sleep 0.1
  done
  return 1
}

# create with the container's stdio on files, so that bats' pipes are not
# held open by a container that outlives the command.
create () {
  ocirun create --bundle "$BUNDLE" "$@" </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
}

@test "lifecycle: run prints and exits with the process's code" {
  config_set '.process.args = ["sh", "-c", "echo hello; exit 3"]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 3 ]
  [ "$output" = "hello" ]
  # deleted after it exited
  [ ! -e "$ROOT/$ID" ]
}

@test "lifecycle: run exit code is 128+signal when killed" {
  config_set '.process.args = ["sleep", "100"]'
  run_bg
  ocirun kill "$ID" KILL
  local code=0
  wait "$RUNNER" || code=$?
  [ "$code" -eq 137 ]
}

@test "lifecycle: run forwards signals to the container process" {
  config_set '.process.args = ["sh", "-c", "trap \"exit 42\" USR1; while :; do sleep 0.1; done"]'
  run_bg
  sleep 0.3
  kill -USR1 "$RUNNER"
  local code=0
  wait "$RUNNER" || code=$?
  [ "$code" -eq 42 ]
}

@test "lifecycle: run --keep leaves a stopped container" {
  run ocirun run --keep --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  run ocirun state "$ID"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .status)" = stopped ]
  [ "$(echo "$output" | jq -r .pid)" = 0 ]
  ocirun delete "$ID"
  [ ! -e "$ROOT/$ID" ]
}

@test "lifecycle: create, state created, start, running, kill, stopped, delete" {
  config_set '.process.args = ["sleep", "100"] | .annotations = {"org.test": "yes"}'
  create --pid-file "$TEST_TMP/pid" "$ID"
  run ocirun state "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .status)" = created ]
  [ "$(echo "$output" | jq -r .id)" = "$ID" ]
  [ "$(echo "$output" | jq -r .bundle)" = "$BUNDLE" ]
  [ "$(echo "$output" | jq -r .rootfs)" = "$BUNDLE/rootfs" ]
  [ "$(echo "$output" | jq -r '.annotations["org.test"]')" = yes ]
  [ -n "$(echo "$output" | jq -r .ociVersion)" ]
  echo "$output" | jq -e '.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")'
  local pid
  pid=$(echo "$output" | jq .pid)
  [ "$pid" = "$(cat "$TEST_TMP/pid")" ]
  # The waiting process already is in its namespaces.
  [ "$(readlink /proc/"$pid"/ns/pid)" != "$(readlink /proc/self/ns/pid)" ]

  ocirun start "$ID"
  [ "$(ocirun state "$ID" | jq -r .status)" = running ]
  # The pid in state is the user process.
  [[ "$(cat /proc/"$pid"/cmdline | tr '\0' ' ')" == "sleep 100 " ]]

  ocirun kill "$ID" KILL
  for _ in $(seq 50); do
    [ "$(ocirun state "$ID" | jq -r .status)" = stopped ] && break
    sleep 0.1
  done
  [ "$(ocirun state "$ID" | jq -r .status)" = stopped ]
  ocirun delete "$ID"
  [ ! -e "$ROOT/$ID" ]
  run ocirun state "$ID"
  [ "$status" -eq 1 ]
}

@test "lifecycle: state is pretty JSON like runc's" {
  config_set '.process.args = ["sleep", "100"]'
  create "$ID"
  run ocirun state "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "{" ]
  [[ "${lines[1]}" == '  "ociVersion": '* ]]
  [ "$(echo "$output" | jq -r 'keys_unsorted | join(",")')" = "ociVersion,id,pid,status,bundle,rootfs,created,owner" ]
}

@test "lifecycle: state of a container whose process died is stopped" {
  config_set '.process.args = ["sleep", "100"]'
  create "$ID"
  ocirun start "$ID"
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  kill -9 "$pid"
  for _ in $(seq 50); do
    [ "$(ocirun state "$ID" | jq -r .status)" = stopped ] && break
    sleep 0.1
  done
  [ "$(ocirun state "$ID" | jq -r .status)" = stopped ]
  [ "$(ocirun state "$ID" | jq -r .pid)" = 0 ]
}

@test "lifecycle: a recycled pid is not taken for the container" {
  config_set '.process.args = ["sleep", "100"]'
  create "$ID"
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  # Pretend the pid now belongs to another process (ours): same pid
  # number in state.json, different start time.
  kill -9 "$pid"
  sleep 0.2
  jq -c ".pid = $$" "$ROOT/$ID/state.json" > "$ROOT/$ID/state.json.new"
  mv "$ROOT/$ID/state.json.new" "$ROOT/$ID/state.json"
  [ "$(ocirun state "$ID" | jq -r .status)" = stopped ]
  run ocirun kill "$ID" TERM
  [ "$status" -eq 1 ]
  # and we are still alive
  kill -0 $$
}

@test "lifecycle: start of a running container fails, nothing changes" {
  config_set '.process.args = ["sleep", "100"]'
  create "$ID"
  ocirun start "$ID"
  local before
  before=$(cat "$ROOT/$ID/state.json")
  run ocirun start "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"running"* ]]
  [ "$(cat "$ROOT/$ID/state.json")" = "$before" ]
  [ "$(ocirun state "$ID" | jq -r .status)" = running ]
}

@test "lifecycle: start of a stopped container fails" {
  config_set '.process.args = ["sleep", "100"]'
  create "$ID"
  ocirun kill "$ID" KILL
  sleep 0.3
  run ocirun start "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"stopped"* ]]
}

@test "lifecycle: create with an existing id fails and keeps the first" {
  config_set '.process.args = ["sleep", "100"]'
  create "$ID"
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  run ocirun create --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"already exists"* ]]
  [ "$(ocirun state "$ID" | jq .pid)" = "$pid" ]
  [ "$(ocirun state "$ID" | jq -r .status)" = created ]
}

@test "lifecycle: commands on an unknown id fail with a clear message" {
  for cmd in start state delete kill; do
    run ocirun "$cmd" nosuchcontainer
    echo "$cmd: $output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"does not exist"* ]]
  done
  run ocirun exec nosuchcontainer true
  [ "$status" -eq 1 ]
  [[ "$output" == *"does not exist"* ]]
}

@test "lifecycle: delete --force of an unknown id succeeds, like runc" {
  run ocirun delete --force nosuchcontainer
  [ "$status" -eq 0 ]
  run ocirun delete nosuchcontainer
  [ "$status" -eq 1 ]
}

@test "lifecycle: invalid ids are rejected" {
  for bad in 'a/b' '..' '.' 'a b' ''; do
    run ocirun create --bundle "$BUNDLE" "$bad"
    [ "$status" -eq 1 ]
  done
  [ -z "$(ls "$ROOT")" ]
}

@test "lifecycle: kill accepts names with and without SIG, and numbers" {
  config_set '.process.args = ["sh", "-c", "trap \"echo usr1 >> /tmp/sigs\" USR1; trap \"echo usr2 >> /tmp/sigs\" USR2; trap \"echo hup >> /tmp/sigs\" HUP; while :; do sleep 0.05; done"] | .root.readonly = false'
  create "$ID"
  ocirun start "$ID"
  sleep 0.3
  ocirun kill "$ID" USR1
  sleep 0.3
  ocirun kill "$ID" SIGUSR2
  sleep 0.3
  ocirun kill "$ID" 1
  sleep 0.3
  run cat "$BUNDLE/rootfs/tmp/sigs"
  [ "$output" = "$(printf 'usr1\nusr2\nhup')" ]
  run ocirun kill "$ID" NOTASIGNAL
  [ "$status" -eq 1 ]
}

@test "lifecycle: kill defaults to TERM" {
  config_set '.process.args = ["sh", "-c", "trap \"echo term > /tmp/sigs; exit 0\" TERM; while :; do sleep 0.05; done"] | .root.readonly = false'
  create "$ID"
  ocirun start "$ID"
  sleep 0.3
  ocirun kill "$ID"
  sleep 0.5
  [ "$(cat "$BUNDLE/rootfs/tmp/sigs")" = term ]
}

@test "lifecycle: kill of a stopped container fails" {
  config_set '.process.args = ["true"]'
  create "$ID"
  ocirun start "$ID"
  sleep 0.3
  run ocirun kill "$ID" KILL
  [ "$status" -eq 1 ]
  [[ "$output" == *"not running"* ]]
}

@test "lifecycle: kill --all signals every process of the container" {
  config_set '.process.args = ["sh", "-c", "sleep 100 & sleep 101 & wait"]'
  config_set '.linux.namespaces |= map(select(.type != "pid"))'
  create "$ID"
  ocirun start "$ID"
  sleep 0.3
  local pids
  pids=$(pgrep -f 'sleep 10[01]' | wc -l)
  [ "$pids" -ge 2 ]
  ocirun kill --all "$ID" KILL
  sleep 0.5
  [ "$(ocirun state "$ID" | jq -r .status)" = stopped ]
}

@test "lifecycle: delete of a running container needs --force" {
  config_set '.process.args = ["sleep", "100"]'
  create "$ID"
  ocirun start "$ID"
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  run ocirun delete "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"not stopped"* ]]
  alive "$pid"
  run ocirun delete --force "$ID"
  [ "$status" -eq 0 ]
  [ ! -e "$ROOT/$ID" ]
  ! alive "$pid"
}

@test "lifecycle: delete of a created container kills it" {
  config_set '.process.args = ["sleep", "100"]'
  create "$ID"
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  ocirun delete "$ID"
  [ ! -e "$ROOT/$ID" ]
  ! alive "$pid"
}

@test "lifecycle: list shows runc's columns, json and quiet" {
  config_set '.process.args = ["sleep", "100"]'
  create "$ID"
  run ocirun list
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER$ ]]
  [[ "${lines[1]}" =~ ^$ID\ +[0-9]+\ +created\ +$BUNDLE\ +[0-9T:.Z-]+\ +root$ ]]
  run ocirun list -q
  [ "$output" = "$ID" ]
  run ocirun list --format json
  [ "$(echo "$output" | jq -r '.[0].id')" = "$ID" ]
  [ "$(echo "$output" | jq -r '.[0].status')" = created ]
  [ "$(echo "$output" | jq -r '.[0].owner')" = root ]
}

@test "lifecycle: list of an empty root" {
  run ocirun list -q
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  run ocirun list -f json
  [ "$output" = null ]
}

@test "lifecycle: state directory is private and atomic" {
  config_set '.process.args = ["sleep", "100"]'
  create "$ID"
  [ "$(stat -c %a "$ROOT/$ID")" = 700 ]
  ls -a "$ROOT/$ID"
  # no temporary files left behind
  ! ls -a "$ROOT/$ID" | grep -q '\.tmp$'
}

@test "lifecycle: a fresh state root is created 0700" {
  local root2=$TEST_TMP/newroot/sub
  run "$OCIRUN" --root "$root2" run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "$(stat -c %a "$root2")" = 700 ]
}

@test "lifecycle: concurrent starts: exactly one wins" {
  config_set '.process.args = ["sleep", "100"]'
  create "$ID"
  local ok=0 pids=()
  for i in 1 2 3 4; do
    ocirun start "$ID" 2>/dev/null &
    pids+=($!)
  done
  # Each pid, not `jobs -p`: a start that is already done by then is no
  # longer listed there and its success would be missed.
  for pid in "${pids[@]}"; do
    if wait "$pid"; then ok=$((ok + 1)); fi
  done
  [ "$ok" -eq 1 ]
  [ "$(ocirun state "$ID" | jq -r .status)" = running ]
}

@test "lifecycle: pid-file holds the host pid, written atomically" {
  config_set '.process.args = ["sleep", "100"]'
  create --pid-file "$TEST_TMP/the.pid" "$ID"
  [ -f "$TEST_TMP/the.pid" ]
  [ "$(cat "$TEST_TMP/the.pid")" = "$(ocirun state "$ID" | jq .pid)" ]
  ! ls -a "$TEST_TMP" | grep -q 'the.pid.tmp'
}

@test "lifecycle: run --detach returns with the container running" {
  config_set '.process.args = ["sleep", "100"]'
  ocirun run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  [ "$(ocirun state "$ID" | jq -r .status)" = running ]
}

@test "lifecycle: the process gets args, env, cwd, hostname, rlimits, umask" {
  config_set '.process.args = ["sh", "-c", "echo $FOO; pwd; hostname; ulimit -n; umask"]
    | .process.env += ["FOO=bar"] | .process.cwd = "/tmp" | .hostname = "box1"
    | .process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 512, "soft": 256}]
    | .process.user.umask = 23'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = bar ]
  [ "${lines[1]}" = /tmp ]
  [ "${lines[2]}" = box1 ]
  [ "${lines[3]}" = 256 ]
  [ "${lines[4]}" = 0027 ]
}

@test "lifecycle: oomScoreAdj is applied" {
  config_set '.process.args = ["cat", "/proc/self/oom_score_adj"] | .process.oomScoreAdj = 123'
  run ocirun run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = 123 ]
}

@test "lifecycle: HOME comes from the container's /etc/passwd" {
  config_set '.process.args = ["sh", "-c", "echo $HOME"] | .process.env = ["PATH=/bin"]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  [ "$output" = /root ]
  config_set '.process.env = ["PATH=/bin", "HOME=/elsewhere"]'
  run ocirun run --bundle "$BUNDLE" "$(new_id)"
  [ "$output" = /elsewhere ]
}

@test "lifecycle: a new session keyring unless --no-new-keyring" {
  [ -r /proc/keys ] || skip "no /proc/keys"
  config_set '.process.args = ["sh", "-c", "cat /proc/keys"] | .linux.maskedPaths |= map(select(. != "/proc/keys"))'
  run ocirun run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [[ "$output" == *"keyring"*"$ID"* ]]
}

@test "lifecycle: a state root too long for a socket address still works" {
  local long=$TEST_TMP/$(printf 'x%.0s' $(seq 120))/root
  config_set '.process.args = ["sleep", "100"]'
  "$OCIRUN" --root "$long" create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  "$OCIRUN" --root "$long" start "$ID"
  [ "$("$OCIRUN" --root "$long" state "$ID" | jq -r .status)" = running ]
  "$OCIRUN" --root "$long" delete --force "$ID"
  [ ! -e "$long/$ID" ]
}

@test "lifecycle: delete --force of a paused container" {
  config_set '.process.args = ["sleep", "100"]'
  ocirun run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  ocirun pause "$ID" || skip "pause not available"
  [ "$(ocirun state "$ID" | jq -r .status)" = paused ]
  run ocirun delete "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *paused* ]]
  local start=$SECONDS
  ocirun delete --force "$ID"
  [ $((SECONDS - start)) -lt 5 ]
  [ ! -e "$ROOT/$ID" ]
}
