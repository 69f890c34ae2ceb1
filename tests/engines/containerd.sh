#!/bin/bash
# containerd (ctr + containerd-shim-runc-v2) scenarios against an OCI
# runtime, as TAP.
#
# usage: containerd.sh RUNTIME
# A private containerd is started in the background with its own config.toml,
# root, state, socket and namespace under a temp dir, and stopped at the end.
# The runtime is selected the way Kubernetes/CRI setups do it: the runc shim
# (io.containerd.runc.v2) with the runc option BinaryName=RUNTIME (ctr's
# --runc-binary sets that option on the task).
# ENGINES_FILTER / ENGINES_VERBOSE / ENGINES_KEEP as in podman.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 RUNTIME" >&2; exit 2; }
if ! RUNTIME=$(resolve_runtime "$1"); then
    echo "1..0 # SKIP runtime $1 not found"; exit 1
fi
if [ "$(id -u)" != 0 ]; then echo "1..0 # SKIP needs root"; exit 0; fi
for c in containerd ctr containerd-shim-runc-v2 python3; do
    command -v $c >/dev/null || { echo "Bail out! $c missing: run tests/engines/install.sh"; exit 1; }
done

WORK=$(mktemp -d /tmp/ocirun-ctrd.XXXXXX)
export WORK RUNTIME
IMG=localhost/ocirun-test/busybox:latest
NS=ocirun-engines-$$
SOCK=$WORK/containerd.sock
# runc shim's state for the runtime (--root of every runtime call)
RTROOT=$WORK/runtime-root
mkdir -p "$WORK"/{root,state} "$RTROOT"
# the runc shim keeps sockets and fifos under /run/containerd whatever the
# config says: remove what it leaves there if that directory was not ours
RUN_CTRD_EXISTED=; [ -d /run/containerd ] && RUN_CTRD_EXISTED=1

cat > "$WORK/config.toml" <<CONF
# private containerd configuration for tests/engines/containerd.sh
version = 2
root = "$WORK/root"
state = "$WORK/state"
# CRI is not used by these tests (ctr talks to containerd directly); it is
# disabled so that it does not look for CNI or open a streaming port.
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = ""
  level = "info"
[metrics]
  address = ""
# the "opt" plugin would create /opt/containerd otherwise
[plugins."io.containerd.internal.v1.opt"]
  path = "$WORK/opt"

# What a CRI user (kubelet) would configure; kept for reference, ignored
# while the cri plugin is disabled:
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.ocirun]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.ocirun.options]
  BinaryName = "$RUNTIME"
  Root = "$RTROOT"
CONF

CTR=(ctr --address "$SOCK" --namespace "$NS")
# options of every `ctr run`: the runc v2 shim with BinaryName=RUNTIME
RUNOPTS=(--runtime io.containerd.runc.v2 --runc-binary "$RUNTIME" --runc-root "$RTROOT")
CGP=/$NS

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -S "$SOCK" ]; then
        for c in $(timeout 20 "${CTR[@]}" c ls -q 2>/dev/null); do
            timeout 20 "${CTR[@]}" t kill -s SIGKILL "$c" >/dev/null 2>&1
            sleep 0.2
            timeout 20 "${CTR[@]}" t rm -f "$c" >/dev/null 2>&1
            timeout 20 "${CTR[@]}" c rm "$c" >/dev/null 2>&1
        done
        timeout 20 "${CTR[@]}" images rm "$IMG" >/dev/null 2>&1
        timeout 20 "${CTR[@]}" namespaces rm "$NS" >/dev/null 2>&1
    fi
    if [ -n "${CTRD_PID:-}" ]; then
        kill "$CTRD_PID" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$CTRD_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$CTRD_PID" 2>/dev/null
    fi
    # shims outlive containerd: they mention our socket/namespace
    kill_procs_mentioning "$WORK"
    umount_under "$WORK"
    umount_under "/run/containerd/io.containerd.runtime.v2.task/$NS"
    rm -rf "/run/containerd/io.containerd.runtime.v2.task/$NS" 2>/dev/null
    rm_cgroups "$CGP"
    # fifos ctr made for our tasks (created after our config file)
    find /run/containerd/fifo -mindepth 1 -maxdepth 1 -type d -newer "$WORK/config.toml" \
        -exec rm -rf {} + 2>/dev/null
    rmdir /run/containerd/io.containerd.runtime.v2.task /run/containerd/fifo /run/containerd/s 2>/dev/null
    [ -n "$RUN_CTRD_EXISTED" ] || rmdir /run/containerd 2>/dev/null
    if [ -n "${ENGINES_KEEP:-}" ]; then
        echo "# kept $WORK" >&2
    else
        rm -rf "$WORK"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

containerd --config "$WORK/config.toml" >"$WORK/containerd.log" 2>&1 &
CTRD_PID=$!
for _ in $(seq 100); do
    [ -S "$SOCK" ] && "${CTR[@]}" version >/dev/null 2>&1 && break
    sleep 0.1
done
if ! "${CTR[@]}" version >/dev/null 2>&1; then
    echo "Bail out! containerd did not start:"; sed 's/^/# /' "$WORK/containerd.log" | tail -20
    exit 1
fi
if ! out=$("$here/make-image.sh" -o "$WORK/image.tar" --ctr "${CTR[*]}" 2>&1); then
    echo "Bail out! could not build/import the test image: $out"
    exit 1
fi
echo "# containerd $(containerd --version | awk '{print $3}'), runtime $RUNTIME"

c() { cmd "${CTR[@]}" "$@"; }
# crun ID ARGS...: ctr run with our runtime; the container's cgroup is /NS/ID
crun_ctr() { local id=$1; shift; c run "${RUNOPTS[@]}" --cgroup "$CGP/$id" "$@"; }
SLEEPER=(sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done')
task_pid() { "${CTR[@]}" t ls | awk -v id="$1" '$1 == id { print $2 }'; }
task_status() { "${CTR[@]}" t ls | awk -v id="$1" '$1 == id { print $3 }'; }
# start a detached task and wait until it runs
cdaemon() {
    local id=$1; shift
    crun_ctr "$id" -d "$@" "$IMG" "$id" "${SLEEPER[@]}"
    wait_until 10 sh -c "[ \"\$(${CTR[*]} t ls | awk '\$1 == \"$id\" { print \$3 }')\" = RUNNING ]"
}
# remove a task and its container whatever their state
cgone() {
    local id
    for id in "$@"; do
        "${CTR[@]}" t kill -s SIGKILL "$id" >/dev/null 2>&1 || true
        "${CTR[@]}" t rm -f "$id" >/dev/null 2>&1 || true
        "${CTR[@]}" c rm "$id" >/dev/null 2>&1 || true
    done
}
after_each() {
    local ids; ids=$(timeout 10 "${CTR[@]}" c ls -q 2>/dev/null)
    [ -n "$ids" ] || return 0
    timeout -k 2 30 bash -c "$(declare -f cgone); CTR=(${CTR[*]}); cgone $ids" && return 0
    echo "container removal hung: killing stuck runtime calls" >&2
    kill_procs_mentioning "$RTROOT"
    timeout -k 2 30 bash -c "$(declare -f cgone); CTR=(${CTR[*]}); cgone $ids"
}

# ---- scenarios --------------------------------------------------------------
t_shim_runtime() {
    cdaemon sr1
    info=$(c c info sr1)
    echo "$info" | grep -A4 '"Runtime"' || true
    # runc options are a protobuf (containerd.runc.v1.Options), base64 in JSON
    opts=$(echo "$info" | awk -F'"' '/"value":/ { print $4; exit }' | base64 -d | tr -c '[:print:]' ' ')
    echo "decoded runc options: $opts"
    expect_match "$opts" "$RUNTIME" "BinaryName option of the container's runtime"
    # the runtime's state for the container sits under the --root we gave
    ls -la "$RTROOT/$NS" || true
    [ -e "$RTROOT/$NS/sr1" ] || fail "no $RTROOT/$NS/sr1: the runtime was not called with --root $RTROOT/$NS"
    cgone sr1
}
t "runc shim with BinaryName = runtime under test" t_shim_runtime

t_run_output() {
    out=$(crun_ctr o1 --rm "$IMG" o1 echo hello-from-containerd)
    expect_eq "$out" hello-from-containerd "stdout"
    out=$(crun_ctr o2 --rm "$IMG" o2 sh -c 'echo to-stderr >&2' 2>&1)
    expect_eq "$out" to-stderr "stderr"
    out=$(crun_ctr o3 --rm --env FOO=bar --cwd /tmp "$IMG" o3 sh -c 'echo $FOO $(pwd) $(id -u)')
    expect_eq "$out" "bar /tmp 0" "env, cwd, uid"
    [ -z "$("${CTR[@]}" c ls -q)" ] || fail "--rm left containers: $("${CTR[@]}" c ls -q)"
}
t "ctr run --rm with output" t_run_output

t_exit_code() {
    set +e; crun_ctr e1 --rm "$IMG" e1 sh -c 'exit 3'; rc=$?; set -e
    expect_eq $rc 3 "exit code"
    # a process that cannot be started: an error naming the cause, no task left
    for bad in /no/such/binary /etc/passwd; do
        set +e; out=$(crun_ctr e2 --rm "$IMG" e2 $bad 2>&1); rc=$?; set -e
        echo "$bad: rc=$rc: $out"
        [ $rc != 0 ] || fail "ctr run $bad succeeded"
        expect_match "$out" "([Nn]o such file|not found|[Pp]ermission denied)" "error names the cause"
        "${CTR[@]}" c rm e2 >/dev/null 2>&1 || true
    done
}
t "exit code propagates (3); unstartable process reported" t_exit_code

t_exec() {
    cdaemon x1
    out=$(c t exec --exec-id e1 x1 sh -c 'echo exec-ok; cat /proc/1/cmdline | tr "\0" " "')
    echo "$out"
    expect_match "$out" "exec-ok" "exec output"
    expect_match "$out" "sh -c trap" "exec sees pid 1 of the container"
    set +e; c t exec --exec-id e2 x1 sh -c 'exit 7'; rc=$?; set -e
    expect_eq $rc 7 "exec exit code"
    out=$(c t exec --exec-id e3 --user 1000 --cwd /home/user x1 sh -c 'echo $(id -u) $(pwd)')
    expect_eq "$out" "1000 /home/user" "exec --user --cwd"
    cgone x1
}
t "task exec (output, exit code, --user)" t_exec

t_kill() {
    crun_ctr k1 -d "$IMG" k1 sh -c 'trap "exit 42" USR1; while :; do sleep 0.1; done'
    wait_until 10 sh -c "[ \"\$(${CTR[*]} t ls | awk '\$1 == \"k1\" { print \$3 }')\" = RUNNING ]"
    sleep 0.3
    c t kill -s SIGUSR1 k1
    wait_until 10 sh -c "[ \"\$(${CTR[*]} t ls | awk '\$1 == \"k1\" { print \$3 }')\" = STOPPED ]"
    set +e; c t rm k1; rc=$?; set -e
    echo "task rm exit status: $rc"
    cdaemon k2
    pid=$(task_pid k2)
    c t kill -s SIGKILL k2
    wait_until 10 sh -c "[ \"\$(${CTR[*]} t ls | awk '\$1 == \"k2\" { print \$3 }')\" = STOPPED ]"
    wait_until 5 test ! -d /proc/$pid
    cgone k1 k2
}
t "task kill with a signal (USR1 handled, SIGKILL)" t_kill

t_pause() {
    crun_ctr p1 -d "$IMG" p1 sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/c.new; mv /tmp/c.new /tmp/count; sleep 0.05; done'
    wait_until 10 sh -c "[ \"\$(${CTR[*]} t ls | awk '\$1 == \"p1\" { print \$3 }')\" = RUNNING ]"
    sleep 0.5
    pid=$(task_pid p1)
    c t pause p1
    expect_eq "$(task_status p1)" PAUSED "status after pause"
    fz=$(cgroup_file $pid freezer freezer.state 2>/dev/null || cgroup_file $pid freezer cgroup.freeze)
    expect_match "$fz" "^(FROZEN|1)$" "freezer state"
    c1=$(read_count $pid); sleep 0.5; c2=$(read_count $pid)
    expect_eq "$c2" "$c1" "counter frozen"
    c t resume p1
    expect_eq "$(task_status p1)" RUNNING "status after resume"
    sleep 0.5; c3=$(read_count $pid)
    [ "$c3" -gt "$c2" ] || fail "counter did not move after resume"
    cgone p1
}
t "task pause / resume" t_pause

t_paused_kill() {
    cdaemon pk1
    pid=$(task_pid pk1)
    c t pause pk1
    c t kill -s SIGKILL pk1
    # a frozen task dies only once thawed: the shim/runtime must handle that
    c t resume pk1 2>/dev/null || true
    wait_until 10 test ! -d /proc/$pid || fail "paused task survived SIGKILL"
    c t rm -f pk1
    c c rm pk1
}
t "SIGKILL a paused task, then delete" t_paused_kill

t_tty() {
    out=$(cmd "$here/pty-run.py" -- "${CTR[@]}" run "${RUNOPTS[@]}" --cgroup "$CGP/tty1" --rm -t "$IMG" tty1 \
        sh -c 'tty; stty size; test -t 0 && echo STDIN-IS-TTY; sleep 1')
    echo "$out"
    expect_match "$out" "/dev/pts/[0-9]+" "tty in container"
    expect_match "$out" "STDIN-IS-TTY" "stdin is the tty"
    set +e
    out=$(cmd "$here/pty-run.py" --input 'echo from-stdin-$((6*7))\nexit 5\n' -- \
        "${CTR[@]}" run "${RUNOPTS[@]}" --cgroup "$CGP/tty2" --rm -t "$IMG" tty2 sh)
    rc=$?
    set -e
    echo "$out"
    expect_match "$out" "from-stdin-42" "interactive input"
    expect_eq $rc 5 "exit code through the tty"
}
t "run -t through a pty" t_tty

t_exec_tty() {
    cdaemon xt1
    # (the process lingers a second: ctr resizes the pty after starting it
    # and gives up, output lost, when the process is already gone)
    out=$(cmd "$here/pty-run.py" -- "${CTR[@]}" t exec -t --exec-id t1 xt1 sh -c 'tty; test -t 0 && echo STDIN-IS-TTY; sleep 1')
    echo "$out"
    expect_match "$out" "/dev/pts/[0-9]+" "tty in exec"
    expect_match "$out" "STDIN-IS-TTY" "exec stdin is the tty"
    cgone xt1
}
t "task exec -t through a pty" t_exec_tty

t_memory() {
    crun_ctr m1 -d --memory-limit 33554432 "$IMG" m1 "${SLEEPER[@]}"
    wait_until 10 sh -c "[ \"\$(${CTR[*]} t ls | awk '\$1 == \"m1\" { print \$3 }')\" = RUNNING ]"
    pid=$(task_pid m1)
    expect_eq "$(cgroup_file $pid memory memory.limit_in_bytes 2>/dev/null || cgroup_file $pid memory memory.max)" 33554432 "memory limit"
    cgone m1
    set +e
    crun_ctr m2 --rm --memory-limit 33554432 "$IMG" m2 sh -c 'sleep 0.5; exec dd if=/dev/zero of=/dev/null bs=128M count=1'
    rc=$?
    set -e
    expect_eq $rc 137 "OOM-killed exit code"
}
t "--memory-limit (limit set, OOM kill -> 137)" t_memory

t_cpu_limits() {
    crun_ctr l1 -d --cpu-quota 50000 --cpu-period 100000 "$IMG" l1 "${SLEEPER[@]}"
    wait_until 10 sh -c "[ \"\$(${CTR[*]} t ls | awk '\$1 == \"l1\" { print \$3 }')\" = RUNNING ]"
    pid=$(task_pid l1)
    expect_eq "$(cgroup_file $pid cpu cpu.cfs_quota_us)/$(cgroup_file $pid cpu cpu.cfs_period_us)" 50000/100000 "cfs quota/period"
    cgone l1
}
t "--cpu-quota/--cpu-period" t_cpu_limits

t_task_ps_metrics() {
    cdaemon ps1
    out=$(c t ps ps1)
    echo "$out"
    expect_match "$out" "$(task_pid ps1)" "task ps lists the init pid"
    out=$(c t metrics ps1)
    echo "$out"
    expect_match "$out" "memory" "metrics has memory"
    cgone ps1
}
t "task ps / task metrics" t_task_ps_metrics

t_readonly_mounts() {
    d=$WORK/vol; mkdir -p "$d"; echo from-host > "$d/in"
    out=$(crun_ctr ro1 --rm --mount "type=bind,src=$d,dst=/data,options=rbind:rw" "$IMG" ro1 sh -c 'cat /data/in; echo from-ctr > /data/out')
    expect_eq "$out" from-host "bind mount read"
    expect_eq "$(cat "$d/out")" from-ctr "bind mount write"
    set +e; crun_ctr ro2 --rm --readonly "$IMG" ro2 touch /x; rc=$?; set -e
    [ $rc != 0 ] || fail "write to a --readonly rootfs succeeded"
}
t "bind mount and --readonly rootfs" t_readonly_mounts

t_security() {
    out=$(crun_ctr s1 --rm "$IMG" s1 grep -E '^(CapEff|Seccomp|NoNewPrivs):' /proc/self/status)
    echo "$out"
    expect_match "$out" "CapEff:	00000000a80425fb" "containerd default capabilities"
    expect_match "$out" "Seccomp:	0" "no seccomp without --seccomp"
    out=$(crun_ctr s2 --rm --seccomp "$IMG" s2 grep '^Seccomp:' /proc/self/status)
    expect_eq "$out" "Seccomp:	2" "--seccomp (containerd default profile)"
    out=$(crun_ctr s3 --rm --cap-drop CAP_CHOWN --cap-add CAP_NET_ADMIN "$IMG" s3 grep CapEff /proc/self/status)
    expect_eq "$out" "CapEff:	00000000a80435fa" "--cap-drop CAP_CHOWN --cap-add CAP_NET_ADMIN"
    bnd=$(status_field $$ CapBnd)
    out=$(crun_ctr s5 --rm --privileged "$IMG" s5 sh -c 'grep CapEff /proc/self/status; test -e /dev/kmsg && echo host-devs')
    echo "$out"
    expect_match "$out" "CapEff:	$bnd" "--privileged: all caps"
    expect_match "$out" "host-devs" "--privileged: host devices"
}
t "security: default caps, --seccomp, --cap-add/--cap-drop, --privileged" t_security

t_kill_all() {
    cdaemon ka1
    # a second process in the container (orphaned to its pid 1)
    c t exec --exec-id bg ka1 sh -c 'sleep 1000 >/dev/null 2>&1 &'
    expect_match "$(c t ps ka1 | wc -l)" "^[3-9]" "two processes in the task"
    pid=$(task_pid ka1)
    sleep 0.3
    c t kill --all -s SIGKILL ka1
    wait_until 10 sh -c "[ \"\$(${CTR[*]} t ls | awk '\$1 == \"ka1\" { print \$3 }')\" = STOPPED ]"
    wait_until 5 test ! -d /proc/$pid
}
t "task kill --all" t_kill_all

t_many() {
    for i in $(seq 10); do
        out=$(crun_ctr many$i --rm "$IMG" many$i echo "run-$i") || fail "run $i failed"
        [ "$out" = "run-$i" ] || fail "run $i printed '$out'"
    done
    [ -z "$("${CTR[@]}" c ls -q)" ] || fail "containers left"
}
t "10 containers in a row" t_many

t_leftovers() {
    left=$(ls "$RTROOT/$NS" 2>/dev/null || true)
    [ -z "$left" ] || fail "runtime state left in $RTROOT: $left"
    left=$(find /sys/fs/cgroup/*/"$NS" -mindepth 1 -type d 2>/dev/null || true)
    [ -z "$left" ] || fail "cgroups left: $left"
}
t "no leftover runtime state or cgroups" t_leftovers

run_tests containerd
