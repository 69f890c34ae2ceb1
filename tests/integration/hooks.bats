#!/usr/bin/env bats
# hooks.bats - every hook kind runs at its point, in order, in the right
# namespaces, with the state on stdin, its args/env, and timeouts.

load helpers

setup () {
  setup_bundle
  ID=$(new_id)
  LOG=$TEST_TMP/hooks.log
  : > "$LOG"
  # A hook script on the host (also reachable inside the container
  # before pivot_root, through the host paths).
  HOOK=$TEST_TMP/hook.sh
  cat > "$HOOK" <<'EOF'
#!/bin/sh
# $1: hook kind; records order, state, namespace and argv/env.
kind=$1
state=$(cat)
{
  echo "kind=$kind"
  echo "state=$state"
  echo "mntns=$(readlink /proc/self/ns/mnt)"
  echo "args=$*"
  echo "env=$HOOK_ENV"
} >> "$LOG_FILE"
EOF
  chmod +x "$HOOK"
}

teardown () {
  teardown_bundle
}

# hooks JSON for kind $1 recording to $LOG
hook () {
  printf '{"path": "%s", "args": ["hook.sh", "%s", "extra"], "env": ["LOG_FILE=%s", "HOOK_ENV=%s-env"]}' \
    "$HOOK" "$1" "$LOG" "$1"
}

all_hooks () {
  config_set ".hooks = {
    \"prestart\": [$(hook prestart)],
    \"createRuntime\": [$(hook createRuntime)],
    \"createContainer\": [$(hook createContainer)],
    \"poststart\": [$(hook poststart)],
    \"poststop\": [$(hook poststop)]
  }"
}

field () { # kind field
  grep -A4 "^kind=$1\$" "$LOG" | sed -n "s/^$2=//p" | head -1
}

@test "hooks: order across create, start and delete" {
  all_hooks
  # startContainer runs inside the container, after pivot_root: give it
  # the script and a writable log there.
  cp "$HOOK" "$BUNDLE/rootfs/hook.sh"
  config_set ".hooks.startContainer = [$(hook startContainer)]
    | .hooks.startContainer[0].path = \"/hook.sh\"
    | .hooks.startContainer[0].env = [\"LOG_FILE=/tmp/sc.log\", \"HOOK_ENV=startContainer-env\"]
    | .root.readonly = false | .process.args = [\"sleep\", \"100\"]"
  ocirun create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  [ "$(grep ^kind= "$LOG" | tr '\n' ' ')" = "kind=prestart kind=createRuntime kind=createContainer " ]
  ocirun start "$ID"
  [ "$(grep ^kind= "$LOG" | tr '\n' ' ')" = "kind=prestart kind=createRuntime kind=createContainer kind=poststart " ]
  grep -q '^kind=startContainer$' "$BUNDLE/rootfs/tmp/sc.log"
  ocirun delete --force "$ID"
  [ "$(grep ^kind= "$LOG" | tr '\n' ' ')" = "kind=prestart kind=createRuntime kind=createContainer kind=poststart kind=poststop " ]
}

@test "hooks: state on stdin has the right status and fields" {
  all_hooks
  config_set '.annotations = {"a": "b"} | .process.args = ["sleep", "100"]'
  ocirun create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  ocirun start "$ID"
  ocirun delete --force "$ID"
  for kind in prestart createRuntime createContainer; do
    local st
    st=$(field "$kind" state)
    echo "$kind: $st"
    [ "$(echo "$st" | jq -r .status)" = creating ]
    [ "$(echo "$st" | jq -r .id)" = "$ID" ]
    [ "$(echo "$st" | jq -r .bundle)" = "$BUNDLE" ]
    [ "$(echo "$st" | jq -r .pid)" = "$pid" ]
    [ "$(echo "$st" | jq -r .annotations.a)" = b ]
    [ -n "$(echo "$st" | jq -r .ociVersion)" ]
  done
  [ "$(field poststart state | jq -r .status)" = running ]
  [ "$(field poststart state | jq -r .pid)" = "$pid" ]
  [ "$(field poststop state | jq -r .status)" = stopped ]
  [ "$(field poststop state | jq -r .id)" = "$ID" ]
}

@test "hooks: args and env are the hook's own" {
  all_hooks
  run ocirun run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "$(field createRuntime args)" = "createRuntime extra" ]
  [ "$(field createRuntime env)" = "createRuntime-env" ]
  [ "$(field poststop env)" = "poststop-env" ]
}

@test "hooks: createContainer runs in the container's mount namespace, createRuntime in ours" {
  all_hooks
  run ocirun run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  local self
  self=$(readlink /proc/self/ns/mnt)
  [ "$(field createRuntime mntns)" = "$self" ]
  [ "$(field prestart mntns)" = "$self" ]
  [ "$(field poststop mntns)" = "$self" ]
  [ "$(field createContainer mntns)" != "$self" ]
}

@test "hooks: a failing createRuntime hook fails create and leaves nothing" {
  config_set ".hooks.createRuntime = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo boom >&2; exit 7\"]}]
    | .process.args = [\"sleep\", \"100\"]"
  run ocirun create --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *createRuntime*"exit status 7"*boom* ]]
  [ ! -e "$ROOT/$ID" ]
  ! pgrep -f "sleep 100" >/dev/null || ! pgrep -f "sleep 100" | xargs -r -n1 sh -c 'cat /proc/$0/cgroup' | grep -q "$ID"
  [ ! -d "/sys/fs/cgroup/pids/$ID" ] && [ ! -d "/sys/fs/cgroup/unified/$ID" ]
}

@test "hooks: a failing prestart or createContainer hook fails create" {
  for kind in prestart createContainer; do
    config_set "del(.hooks) | .hooks.$kind = [{\"path\": \"/bin/false\"}]"
    run ocirun create --bundle "$BUNDLE" "$ID"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"$kind"* ]]
    [ ! -e "$ROOT/$ID" ]
  done
}

@test "hooks: a failing startContainer hook fails start" {
  config_set '.hooks.startContainer = [{"path": "/bin/false"}] | .process.args = ["sleep", "100"]'
  ocirun create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  run ocirun start "$ID"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *startContainer* ]]
  sleep 0.2
  [ "$(ocirun state "$ID" | jq -r .status)" = stopped ]
}

@test "hooks: poststart and poststop failures are only warnings" {
  config_set '.hooks.poststart = [{"path": "/bin/false"}] | .hooks.poststop = [{"path": "/bin/false"}]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *warning*poststart* ]]
  [[ "$output" == *warning*poststop* ]]
  [ ! -e "$ROOT/$ID" ]
}

@test "hooks: a hook that overruns its timeout is killed and fails create" {
  config_set '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]'
  local start=$SECONDS
  run ocirun create --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"timed out"* ]]
  [ $((SECONDS - start)) -lt 10 ]
  [ ! -e "$ROOT/$ID" ]
}

@test "hooks: a hook without env gets the runtime's environment" {
  config_set ".hooks.createRuntime = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo \$MY_VAR > $TEST_TMP/env.out\"]}]"
  MY_VAR=inherited run ocirun run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "$(cat "$TEST_TMP/env.out")" = inherited ]
}
