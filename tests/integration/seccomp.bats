#!/usr/bin/env bats
# seccomp.bats - linux.seccomp inside real containers: the default profile
# of `ocirun spec` (busybox, dynamically linked host binaries, what it
# blocks), each action's effect, argument filters, flags, and the
# listenerPath protocol with a seccomp agent written in Python.

load helpers

setup () {
  setup_bundle
  config_set '.root.readonly = false'
  ID=$(new_id)
}

teardown () {
  if [ -n "${AGENT_PID:-}" ]; then
    kill -9 "$AGENT_PID" 2>/dev/null
    wait "$AGENT_PID" 2>/dev/null
  fi
  teardown_bundle
}

# set_args ARG...: the container process runs ARG...
set_args () {
  # Arguments may hold newlines and start with dashes: jq can't take
  # them verbatim, python can.
  config_set ".process.args = $(python3 -c 'import json, sys; print (json.dumps (sys.argv[1:]))' "$@")"
}

# A profile that allows everything but applies RULE (a JSON syscall object).
allow_all_but () {
  config_set ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [$1]}"
}

# Copy a host program and the libraries ldd lists into the rootfs.
copy_host_binary () {
  local bin=$1 lib
  mkdir -p "$BUNDLE/rootfs/host$(dirname "$bin")"
  cp "$bin" "$BUNDLE/rootfs/host$bin"
  for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
    mkdir -p "$BUNDLE/rootfs$(dirname "$lib")"
    cp -L "$lib" "$BUNDLE/rootfs$lib"
  done
}

@test "seccomp: the default profile is loaded (Seccomp: 2) and a busybox shell works" {
  set_args sh -c 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status
    ls / | wc -l; echo hello > /tmp/f; cat /tmp/f; rm /tmp/f
    mkdir -p /tmp/d/e; rmdir /tmp/d/e; find /etc -type f | sort; id
    ps -o pid,comm | head -3; date +%Y >/dev/null; sleep 0.1
    wget -q -T 1 http://127.0.0.1:1/ 2>/dev/null; echo $((6 * 7))'
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Seccomp:	2"* ]]
  [[ "$output" == *"NoNewPrivs:	1"* ]]
  [[ "$output" == *hello* ]]
  [[ "$output" == *"/etc/passwd"* ]]
  [[ "$output" == *"uid=0(root)"* ]]
  [[ "$output" == *42* ]]
}

@test "seccomp: the default profile runs dynamically linked host programs" {
  local b
  for b in /usr/bin/ls /bin/bash /usr/bin/sort /usr/bin/stat /usr/bin/env; do
    [ -x "$b" ] || skip "$b missing"
    copy_host_binary "$b"
  done
  set_args /host/bin/bash -c '
    /host/usr/bin/ls -la / >/dev/null && echo ls-ok
    printf "b\na\n" | /host/usr/bin/sort | tr "\n" " "; echo
    /host/usr/bin/stat -c %F /tmp; /host/usr/bin/env true && echo env-ok
    for i in 1 2 3; do (echo sub$i) & done; wait; echo bash-ok'
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *ls-ok* ]]
  [[ "$output" == *"a b"* ]]
  [[ "$output" == *directory* ]]
  [[ "$output" == *env-ok* ]]
  [[ "$output" == *sub3* ]]
  [[ "$output" == *bash-ok* ]]
}

@test "seccomp: the default profile blocks mount and unshare even with CAP_SYS_ADMIN" {
  config_set '.process.capabilities.bounding += ["CAP_SYS_ADMIN"]
    | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
    | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
  set_args sh -c 'mount -t tmpfs none /tmp && echo MOUNTED
    unshare -u true && echo UNSHARED; true'
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" != *MOUNTED* ]]
  [[ "$output" != *UNSHARED* ]]
  [[ "$output" == *"Operation not permitted"* ]]
  # The same without the profile: the capability alone allows both, so
  # the refusal above came from the filter.
  config_set 'del(.linux.seccomp)'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [[ "$output" == *MOUNTED* ]]
  [[ "$output" == *UNSHARED* ]]
}

@test "seccomp: default profile errnos for blocked, unknown and filtered calls" {
  command -v gcc >/dev/null || skip "gcc not installed"
  cat > "$TEST_TMP/probe.c" <<'EOF'
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
static void show (const char *what, long r)
{
  printf ("%s=%s\n", what, r < 0 ? strerrorname_np (errno) : "ok");
}
int main (void)
{
  show ("keyctl", syscall (SYS_keyctl, 0, 0, 0, 0, 0));
  show ("add_key", syscall (SYS_add_key, "user", "x", "y", 1, 0));
  show ("bpf", syscall (SYS_bpf, 0, 0, 0));
  show ("ptrace", syscall (SYS_ptrace, 0, 0, 0, 0));
  show ("unshare", syscall (SYS_unshare, 0));
  show ("setns", syscall (SYS_setns, 0, 0));
  show ("kexec_load", syscall (SYS_kexec_load, 0, 0, 0, 0));
  show ("init_module", syscall (SYS_init_module, 0, 0, ""));
  show ("clone_newns", syscall (SYS_clone, 0x20000 | 17, 0, 0, 0, 0));
  show ("clone3", syscall (SYS_clone3, 0, 0));
  show ("io_uring_setup", syscall (SYS_io_uring_setup, 1, 0));
  show ("vsock", socket (40, SOCK_STREAM, 0));
  show ("personality_norandom", syscall (SYS_personality, 0x0040000));
  show ("getpid", syscall (SYS_getpid));
  return 0;
}
EOF
  gcc -static -O -o "$BUNDLE/rootfs/bin/probe" "$TEST_TMP/probe.c" 2>"$TEST_TMP/cc.log" \
    || skip "no static libc: $(cat "$TEST_TMP/cc.log")"
  set_args /bin/probe
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  local c
  for c in keyctl add_key bpf ptrace unshare setns kexec_load init_module clone_newns; do
    [[ "$output" == *"$c=EPERM"* ]]
  done
  # ENOSYS so that glibc falls back (clone3 -> clone) or programs treat
  # the call as absent (io_uring -> epoll).
  [[ "$output" == *"clone3=ENOSYS"* ]]
  [[ "$output" == *"io_uring_setup=ENOSYS"* ]]
  [[ "$output" == *"vsock=EAFNOSUPPORT"* ]]
  [[ "$output" == *"personality_norandom=ENOSYS"* ]]
  [[ "$output" == *"getpid=ok"* ]]
}

@test "seccomp: SCMP_ACT_ERRNO returns errnoRet (mkdir, mkdirat)" {
  allow_all_but '{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 122}'
  set_args mkdir /tmp/x
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"Disk quota exceeded"* ]]
  # Without errnoRet: EPERM.
  allow_all_but '{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  [[ "$output" == *"Operation not permitted"* ]]
}

# The default profile (a JSON object) with the names given taken out of
# its allowlist.
default_profile_without () {
  mkdir -p "$TEST_TMP/spec"
  rm -f "$TEST_TMP/spec/config.json"
  "$OCIRUN" spec --bundle "$TEST_TMP/spec" >/dev/null
  jq -c '.linux.seccomp | .syscalls[0].names -= $ARGS.positional' \
    "$TEST_TMP/spec/config.json" --args "$@"
}

@test "seccomp: defaultAction SCMP_ACT_ERRNO with defaultErrnoRet" {
  config_set ".linux.seccomp = $(default_profile_without mkdir mkdirat)
    | .linux.seccomp.defaultErrnoRet = 122"
  set_args mkdir /tmp/x
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"Disk quota exceeded"* ]]
}

@test "seccomp: SCMP_ACT_KILL, KILL_THREAD, KILL_PROCESS and TRAP end the process with SIGSYS (159)" {
  local a
  for a in SCMP_ACT_KILL SCMP_ACT_KILL_THREAD SCMP_ACT_KILL_PROCESS SCMP_ACT_TRAP; do
    allow_all_but "{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"$a\"}"
    set_args mkdir /tmp/x
    run ocirun run -b "$BUNDLE" "$(new_id)"
    echo "$a: $status $output"
    [ "$status" -eq 159 ]
  done
}

@test "seccomp: SCMP_ACT_LOG and SCMP_ACT_ALLOW let the call through" {
  local a profile
  profile=$(default_profile_without mkdir mkdirat)
  for a in SCMP_ACT_LOG SCMP_ACT_ALLOW; do
    config_set ".linux.seccomp = $profile
      | .linux.seccomp.syscalls += [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"$a\"}]"
    set_args sh -c 'mkdir /tmp/x && echo made'
    run ocirun run -b "$BUNDLE" "$(new_id)"
    echo "$a: $output"
    [ "$status" -eq 0 ]
    [[ "$output" == *made* ]]
    rmdir "$BUNDLE/rootfs/tmp/x"
  done
}

@test "seccomp: argument filters: EQ, MASKED_EQ, AND of two args" {
  # busybox chmod calls chmod(path, mode): refuse mode 0700 only.
  allow_all_but '{"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 122,
    "args": [{"index": 1, "value": 448, "op": "SCMP_CMP_EQ"}]}'
  set_args sh -c 'mkdir /tmp/a; chmod 700 /tmp/a || echo refused-700; chmod 755 /tmp/a && echo changed-755'
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [[ "$output" == *refused-700* ]]
  [[ "$output" == *changed-755* ]]
  # Any mode with the group-write bit (mask 020).
  allow_all_but '{"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 122,
    "args": [{"index": 1, "value": 16, "valueTwo": 16, "op": "SCMP_CMP_MASKED_EQ"}]}'
  set_args sh -c 'chmod 775 /tmp/a || echo refused-775; chmod 755 /tmp/a && echo changed-755'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [[ "$output" == *refused-775* ]]
  [[ "$output" == *changed-755* ]]
  # Two args in one rule: both must match.
  allow_all_but '{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 122,
    "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_GT"},
             {"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]}'
  set_args sh -c 'kill -0 $$ || echo refused-0; kill -CONT $$ && echo sent-cont'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [[ "$output" == *refused-0* ]]
  [[ "$output" == *sent-cont* ]]
}

@test "seccomp: architectures, flags and unknown syscall names" {
  allow_all_but '{"names": ["no_such_syscall", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 122}'
  config_set '.linux.seccomp.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]
    | .linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]'
  set_args sh -c 'grep ^Seccomp: /proc/self/status; mkdir /tmp/x'
  # No cache: the compiler's debug message is what we look for.
  OCIRUN_SECCOMP_CACHE=0 run "$OCIRUN" --debug --root "$ROOT" run -b "$BUNDLE" "$ID"
  echo "$output"
  [[ "$output" == *"Seccomp:	2"* ]]
  [[ "$output" == *"Disk quota exceeded"* ]]
  [[ "$output" == *"no_such_syscall"*"skipped"* ]]
}

@test "seccomp: compiled programs are cached by content" {
  local cache=$TEST_TMP/cache
  set_args true
  OCIRUN_SECCOMP_CACHE=$cache run "$OCIRUN" --debug --root "$ROOT" run -b "$BUNDLE" "$(new_id)"
  [ "$status" -eq 0 ]
  [[ "$output" != *"cached program"* ]]
  [ "$(stat -c %a "$cache")" = 700 ]
  [ "$(ls "$cache" | wc -l)" = 1 ]
  OCIRUN_SECCOMP_CACHE=$cache run "$OCIRUN" --debug --root "$ROOT" run -b "$BUNDLE" "$(new_id)"
  [ "$status" -eq 0 ]
  [[ "$output" == *"cached program $cache/"* ]]
  # A different profile is a different entry.
  config_set '.linux.seccomp.syscalls += [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]'
  OCIRUN_SECCOMP_CACHE=$cache run "$OCIRUN" --root "$ROOT" run -b "$BUNDLE" "$(new_id)"
  [ "$status" -eq 0 ]
  [ "$(ls "$cache" | wc -l)" = 2 ]
  # A cache directory others can write to is ignored, not trusted.
  chmod 777 "$cache"
  OCIRUN_SECCOMP_CACHE=$cache run "$OCIRUN" --debug --root "$ROOT" run -b "$BUNDLE" "$(new_id)"
  [ "$status" -eq 0 ]
  [[ "$output" == *"is not private: not used"* ]]
  [[ "$output" != *"cached program"* ]]
}

@test "seccomp: invalid profiles are refused before anything is created" {
  allow_all_but '{"names": ["getppid"], "action": "SCMP_ACT_NOTIFY"}'
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY"* ]]
  config_set '.linux.seccomp.defaultAction = "SCMP_ACT_NOTIFY" | .linux.seccomp.listenerPath = "/x"'
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"SCMP_ACT_NOTIFY cannot be the default action"* ]]
  [ -z "$(ls "$ROOT")" ]
}

@test "seccomp: exec processes get the container's filter" {
  allow_all_but '{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 122}'
  set_args sleep 60
  ocirun run -d -b "$BUNDLE" "$ID" >/dev/null
  run ocirun exec "$ID" sh -c 'grep ^Seccomp: /proc/self/status; mkdir /tmp/x'
  echo "$output"
  [[ "$output" == *"Seccomp:	2"* ]]
  [[ "$output" == *"Disk quota exceeded"* ]]
}

# A seccomp agent: accepts connections on $1, stores each container
# process state document in $2.N, and answers every notification with
# errno 122 (EDQUOT).
start_agent () {
  command -v python3 >/dev/null || skip "python3 not installed"
  cat > "$TEST_TMP/agent.py" <<'EOF'
import fcntl, os, socket, struct, sys, threading
path, out = sys.argv[1], sys.argv[2]
NOTIF_RECV, NOTIF_SEND = 0xC0502100, 0xC0182101  # _IOWR('!', 0/1, ...)

def answer(fd):
    while True:
        buf = bytearray(80)  # struct seccomp_notif
        try:
            fcntl.ioctl(fd, NOTIF_RECV, buf, True)
        except OSError:
            return  # the filtered processes are gone
        nid = struct.unpack_from("<Q", buf)[0]
        try:
            fcntl.ioctl(fd, NOTIF_SEND, struct.pack("<QqiI", nid, 0, -122, 0))
        except OSError:
            pass

srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(8)
open(out + ".ready", "w").close()
n = 0
while True:
    conn, _ = srv.accept()
    msg, fds, _, _ = socket.recv_fds(conn, 65536, 4)
    while True:
        more = conn.recv(65536)
        if not more:
            break
        msg += more
    conn.close()
    with open("%s.%d.tmp" % (out, n), "wb") as f:
        f.write(msg)
    os.rename("%s.%d.tmp" % (out, n), "%s.%d" % (out, n))
    with open("%s.%d.nfds" % (out, n), "w") as f:
        f.write(str(len(fds)))
    n += 1
    for fd in fds:
        threading.Thread(target=answer, args=(fd,), daemon=True).start()
EOF
  python3 "$TEST_TMP/agent.py" "$1" "$2" &
  AGENT_PID=$!
  local i
  for i in $(seq 50); do [ -e "$2.ready" ] && return 0; sleep 0.1; done
  return 1
}

wait_file () {
  local i
  for i in $(seq 100); do [ -e "$1" ] && return 0; sleep 0.1; done
  return 1
}

@test "seccomp: listenerPath: the agent gets the notify fd and the container process state" {
  local sock=$TEST_TMP/agent.sock out=$TEST_TMP/state
  start_agent "$sock" "$out"
  allow_all_but '{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}'
  config_set ".linux.seccomp.listenerPath = \"$sock\"
    | .linux.seccomp.listenerMetadata = \"meta data 1\"
    | .annotations = {\"org.example.key\": \"value\"}"
  set_args sh -c 'mkdir /tmp/x; echo init-done; sleep 60'
  # The harness keeps a detached container's output in $TEST_TMP/$ID.out.
  ocirun create -b "$BUNDLE" "$ID" >/dev/null
  local pid
  pid=$(ocirun state "$ID" | jq .pid)
  ocirun start "$ID"
  wait_file "$out.0"
  cat "$out.0"
  [ "$(cat "$out.0.nfds")" = 1 ]
  run jq -r '[.ociVersion, (.fds | join(",")), .pid, .metadata,
              .state.id, .state.status, .state.pid, .state.bundle,
              .state.annotations["org.example.key"]] | join("|")' "$out.0"
  echo "$output"
  [ "$output" = "1.3.0|seccompFd|$pid|meta data 1|$ID|creating|$pid|$BUNDLE|value" ]
  # The agent answered the container's mkdir with EDQUOT.
  wait_file_contains () { local i; for i in $(seq 100); do grep -q "$2" "$1" && return 0; sleep 0.1; done; return 1; }
  wait_file_contains "$TEST_TMP/$ID.out" init-done
  cat "$TEST_TMP/$ID.out"
  grep -q "Disk quota exceeded" "$TEST_TMP/$ID.out"
  [ ! -e "$BUNDLE/rootfs/tmp/x" ]

  # exec: a second connection, status running, its own pid.
  run ocirun exec "$ID" mkdir /tmp/y
  echo "$output"
  [[ "$output" == *"Disk quota exceeded"* ]]
  wait_file "$out.1"
  cat "$out.1"
  [ "$(jq -r .state.status "$out.1")" = running ]
  [ "$(jq -r .state.id "$out.1")" = "$ID" ]
  [ "$(jq -r .pid "$out.1")" -gt 0 ]
  [ "$(jq -r .pid "$out.1")" != "$pid" ]
}

@test "seccomp: listenerPath that nobody listens on fails create" {
  allow_all_but '{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}'
  config_set ".linux.seccomp.listenerPath = \"$TEST_TMP/nobody.sock\""
  run ocirun run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"connect to seccomp listenerPath"* ]]
  [ -z "$(ls "$ROOT")" ]
}
