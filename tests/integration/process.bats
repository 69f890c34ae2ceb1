#!/usr/bin/env bats
# process.bats - what reaches the container process: fds (preserve-fds,
# socket activation, no leaks), user and groups, scheduling attributes.

load helpers

setup () {
  setup_bundle
  ID=$(new_id)
}

teardown () {
  teardown_bundle
}

@test "process: only stdio reaches the container (no fd leak)" {
  config_set '.process.args = ["ls", "/proc/self/fd"]'
  # fds 5 and 7 open in the caller must not pass without --preserve-fds
  run ocirun run --bundle "$BUNDLE" "$ID" 5</etc/hostname 7</etc/hostname
  echo "$output"
  [ "$status" -eq 0 ]
  # 0 1 2 and the fd ls uses to read the directory
  [ "$(echo "$output" | tr '\n' ' ')" = "0 1 2 3 " ]
}

@test "process: no runtime fd leaks through create and start" {
  config_set '.process.args = ["sleep", "100"] | .hooks.createRuntime = [{"path": "/bin/true"}]'
  ocirun create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 9</etc/hostname
  ocirun start "$ID"
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  ls -l "/proc/$pid/fd"
  # only fds 0, 1, 2 of the container process
  [ "$(ls "/proc/$pid/fd" | tr '\n' ' ')" = "0 1 2 " ]
}

@test "process: --preserve-fds passes fds 3..3+N-1 and no more" {
  echo first > "$TEST_TMP/f3"
  echo second > "$TEST_TMP/f4"
  config_set '.process.args = ["sh", "-c", "cat <&3; cat <&4; ls /proc/self/fd | tr \"\\n\" \" \""]'
  run ocirun run --preserve-fds 2 --bundle "$BUNDLE" "$ID" 3<"$TEST_TMP/f3" 4<"$TEST_TMP/f4" 5</etc/hostname
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = first ]
  [ "${lines[1]}" = second ]
  # 0-2, 3, 4, and ls's own directory fd; never 5
  [[ "${lines[2]}" != *" 5 "* ]] || [[ "${lines[2]}" == "0 1 2 3 4 5 " ]]
  [ "$(echo "${lines[2]}" | wc -w)" -le 6 ]
}

@test "process: socket activation: LISTEN_FDS passed, LISTEN_PID is the container's view" {
  echo activated > "$TEST_TMP/sock3"
  config_set '.process.args = ["sh", "-c", "echo $LISTEN_FDS $LISTEN_PID; cat <&3"]'
  # LISTEN_PID must name ocirun itself: exec it from a shell whose pid
  # we know.
  run sh -c "LISTEN_FDS=1 LISTEN_PID=\$\$ exec \"$OCIRUN\" --root \"$ROOT\" run --bundle \"$BUNDLE\" \"$ID\" 3<\"$TEST_TMP/sock3\""
  echo "$output"
  [ "$status" -eq 0 ]
  # new pid namespace: the process is pid 1
  [ "${lines[0]}" = "1 1" ]
  [ "${lines[1]}" = activated ]
}

@test "process: LISTEN_FDS for another pid is ignored" {
  config_set '.process.args = ["sh", "-c", "echo fds=$LISTEN_FDS; ls /proc/self/fd | wc -l"]'
  run env LISTEN_FDS=1 LISTEN_PID=1 "$OCIRUN" --root "$ROOT" run --bundle "$BUNDLE" "$ID" 3</etc/hostname
  echo "$output"
  [ "${lines[0]}" = "fds=" ]
  [ "${lines[1]}" = 4 ]
}

@test "process: user uid, gid and additionalGids" {
  config_set '.process.args = ["id"] | .process.user = {"uid": 65534, "gid": 65534, "additionalGids": [10, 20]}'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == "uid=65534(nobody) gid=65534"*"groups="* ]]
  [[ "$output" == *10* ]]
  [[ "$output" == *20* ]]
}

@test "process: stdio belongs to a non-root process user" {
  config_set '.process.args = ["sh", "-c", "echo ok > /proc/self/fd/1"] | .process.user = {"uid": 65534, "gid": 65534}'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = ok ]
}

@test "process: scheduler policy and nice" {
  config_set '.process.args = ["sh", "-c", "cut -d\" \" -f19,41 /proc/self/stat"] | .process.scheduler = {"policy": "SCHED_BATCH", "nice": 5}'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  # field 19 nice, field 41 policy (3 = SCHED_BATCH)
  [ "$output" = "5 3" ]
}

@test "process: ioPriority" {
  command -v ionice >/dev/null || skip "no ionice on the host"
  config_set '.process.args = ["sleep", "100"] | .process.ioPriority = {"class": "IOPRIO_CLASS_IDLE"}'
  ocirun run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  run ionice -p "$(ocirun state "$ID" | jq .pid)"
  echo "$output"
  [[ "$output" == idle* ]]
}

@test "process: execCPUAffinity final" {
  [ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
  config_set '.process.args = ["sh", "-c", "grep Cpus_allowed_list /proc/self/status"] | .process.execCPUAffinity = {"final": "1"}'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *$'\t'1 ]]
}

@test "process: personality LINUX32" {
  config_set '.process.args = ["uname", "-m"] | .linux.personality = {"domain": "LINUX32"}'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == i686 || "$output" == i386 || "$output" == armv* ]]
}

@test "process: env is exactly process.env (plus HOME)" {
  config_set '.process.args = ["env"] | .process.env = ["PATH=/bin", "A=1"]'
  run env SECRET=leak "$OCIRUN" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" != *SECRET* ]]
  [[ "$output" == *A=1* ]]
}

@test "process: signal mask and dispositions of run do not leak" {
  config_set '.process.args = ["sh", "-c", "grep -E \"^Sig(Blk|Ign)\" /proc/self/status"]'
  run ocirun run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [[ "$output" == *"SigBlk:"*"0000000000000000"* ]]
}
