#!/bin/bash
# Podman (with conmon) scenarios against an OCI runtime, as TAP.
#
# usage: podman.sh RUNTIME
# RUNTIME is a runc-compatible binary (/usr/sbin/runc, /usr/bin/crun,
# /work/main/ocirun...). Podman is configured privately under a temp dir
# (own storage, run root, tmp dir, containers.conf, events file, cgroup
# parent), nothing of the host's podman state is used or changed.
# ENGINES_FILTER=regex runs only matching scenarios; ENGINES_VERBOSE=1 prints
# every scenario's log; ENGINES_KEEP=1 keeps the temp dir (not the containers).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 RUNTIME" >&2; exit 2; }
if ! RUNTIME=$(resolve_runtime "$1"); then
    echo "1..0 # SKIP runtime $1 not found"; exit 1
fi
if [ "$(id -u)" != 0 ]; then echo "1..0 # SKIP needs root"; exit 0; fi
for c in podman conmon python3; do
    command -v $c >/dev/null || { echo "Bail out! $c missing: run tests/engines/install.sh"; exit 1; }
done

WORK=$(mktemp -d /tmp/ocirun-podman.XXXXXX)
# containers/image writes a blob-info cache to /var/lib/containers/cache
# whatever --root says: remove it at the end if it was not there before
VARLIB_EXISTED=; [ -e /var/lib/containers ] && VARLIB_EXISTED=1
export WORK RUNTIME
IMG=localhost/ocirun-test/busybox:latest
CGP=/ocirun-engines-podman-$$
HOSTDIR=$WORK/host
mkdir -p "$WORK"/{tmp,net,host} 

cat > "$WORK/containers.conf" <<CONF
# private podman configuration for tests/engines/podman.sh
[containers]
# root here lacks CAP_SYS_RESOURCE: no default ulimits above the hard limit
default_ulimits = []
log_driver = "k8s-file"
netns = "none"
cgroupns = "host"
# --init and pods' infra containers use catatonit (Debian: /usr/bin)
init_path = "/usr/bin/catatonit"
[network]
network_config_dir = "$WORK/net"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$WORK/events.log"
tmp_dir = "$WORK/tmp"
runtime = "enginetest"
helper_binaries_dir = ["/usr/libexec/podman", "/usr/lib/podman", "/usr/bin"]
# runtimes that take --log-format=json --log FILE (podman then reads runtime
# errors from that file); podman's default list plus ocirun
runtime_supports_json = ["crun", "runc", "kata", "runsc", "youki", "krun", "ocirun", "enginetest"]
[engine.runtimes]
enginetest = ["$RUNTIME"]
CONF
cat > "$WORK/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$WORK/root"
runroot = "$WORK/runroot"
CONF
cat > "$WORK/registries.conf" <<CONF
unqualified-search-registries = []
CONF
export CONTAINERS_CONF=$WORK/containers.conf
export CONTAINERS_STORAGE_CONF=$WORK/storage.conf
export CONTAINERS_REGISTRIES_CONF=$WORK/registries.conf

PODMAN=(podman --root "$WORK/root" --runroot "$WORK/runroot" --storage-driver vfs
        --tmpdir "$WORK/tmp" --runtime "$RUNTIME" --cgroup-manager cgroupfs
        --events-backend file)

# ids of our containers (to find runtime calls that name only the id)
our_ids() { ls "$WORK/root/vfs-containers" 2>/dev/null; }
# remove every container; if podman hangs (a runtime call stuck on a lock),
# kill what is stuck and retry
rm_all() {
    timeout -k 2 20 "${PODMAN[@]}" pod rm -a -f >/dev/null 2>&1
    timeout -k 2 20 "${PODMAN[@]}" rm -a -f -t 0 >/dev/null 2>&1 && return 0
    echo "rm -a -f hung or failed: killing stuck processes" >&2
    kill_procs_mentioning "$WORK" $(our_ids)
    timeout -k 2 20 "${PODMAN[@]}" rm -a -f -t 0 >/dev/null 2>&1
}
cleanup() {
    local rc=$? id
    trap - EXIT INT TERM
    local ids; ids=$(our_ids)
    rm_all
    timeout -k 2 30 "${PODMAN[@]}" rmi -a -f >/dev/null 2>&1
    kill_procs_mentioning "$WORK" $ids
    # runtime state of containers podman could not remove
    for id in $ids; do timeout -k 1 10 "$RUNTIME" delete --force "$id" >/dev/null 2>&1; done
    umount_under "$WORK"
    rm_cgroups "$CGP"
    [ -n "$VARLIB_EXISTED" ] || rm -rf /var/lib/containers
    if [ -n "${ENGINES_KEEP:-}" ]; then
        echo "# kept $WORK" >&2
    else
        rm -rf "$WORK"
    fi
    exit $rc
}
trap cleanup EXIT
# every scenario starts with no container
after_each() { rm_all || true; }
trap 'exit 130' INT TERM

# pm ARGS...: podman with the private configuration
pm() { cmd "${PODMAN[@]}" "$@"; }
# prun ARGS...: podman run in our cgroup parent, no network
prun() { pm run --cgroup-parent "$CGP" --network none "$@"; }
# pdaemon ARGS...: start a detached container, print its id
pdaemon() { prun -d "$@"; }
pid_of() { pm inspect -f '{{.State.Pid}}' "$1"; }
state_of() { pm inspect -f '{{.State.Status}}' "$1"; }
exitcode_of() { pm inspect -f '{{.State.ExitCode}}' "$1"; }
SLEEPER=(sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done')
# wait_ready NAME: until the container's pid 1 has a child (its shell has set
# its traps and entered the loop)
wait_ready() {
    local p; p=$(pid_of "$1")
    wait_until 5 grep -q . /proc/$p/task/$p/children
}

if ! out=$("$here/make-image.sh" -o "$WORK/image.tar" --podman "${PODMAN[*]}" 2>&1); then
    echo "Bail out! could not build/load the test image: $out"
    exit 1
fi
echo "# podman $(podman --version | awk '{print $3}'), conmon $(conmon --version | awk 'NR==1 {print $3}'), runtime $RUNTIME"

# ---- scenarios --------------------------------------------------------------
t_uses_runtime() {
    id=$(pdaemon "$IMG" "${SLEEPER[@]}")
    rt=$(pm inspect -f '{{.OCIRuntime}}' "$id")
    echo "OCIRuntime=$rt"
    # conmon must have been started with -r RUNTIME
    cpid=$(pm inspect -f '{{.State.ConmonPid}}' "$id")
    args=$(tr '\0' ' ' < /proc/$cpid/cmdline)
    echo "conmon: $args"
    expect_match "$args" " -r $RUNTIME " "conmon runtime argument"
    # podman passes runtime-specific args through conmon: JSON error logging
    expect_match "$args" "--runtime-arg --log-format=json" "conmon asks the runtime for JSON logs"
    pm rm -f -t 0 "$id"
}
t "conmon is given the runtime under test" t_uses_runtime

t_output() {
    out=$(prun --rm "$IMG" echo hello-from-container)
    expect_eq "$out" hello-from-container "stdout"
    out=$(prun --rm "$IMG" sh -c 'echo to-stderr >&2' 2>&1)
    expect_eq "$out" to-stderr "stderr"
}
t "run --rm captures output" t_output

t_exitcode() {
    set +e
    prun --rm "$IMG" sh -c 'exit 3'; rc=$?
    set -e
    expect_eq $rc 3 "exit code of sh -c 'exit 3'"
    # podman maps the runtime's error text to 127 (command not found: "no such
    # file or directory" / "executable file not found") and 126 ("permission
    # denied"), read from the runtime's --log JSON
    set +e
    out=$(prun --rm "$IMG" /no/such/binary 2>&1); rc=$?
    set -e
    echo "$out"
    expect_eq $rc 127 "exit code for a missing binary"
    set +e
    out=$(prun --rm "$IMG" /etc/passwd 2>&1); rc=$?
    set -e
    echo "$out"
    expect_eq $rc 126 "exit code for a non-executable file"
    set +e
    out=$(prun --rm "$IMG" nosuchcmd 2>&1); rc=$?
    set -e
    echo "$out"
    expect_eq $rc 127 "exit code for a command not in PATH"
}
t "exit codes (3; 127 missing binary; 126 not executable)" t_exitcode

t_detach() {
    id=$(pdaemon --name det1 "$IMG" "${SLEEPER[@]}")
    expect_eq "$(state_of det1)" running "state after run -d"
    pm ps --format '{{.Names}} {{.Status}}' | grep -q '^det1 Up' || fail "ps does not show det1 Up"
    pid=$(pid_of det1)
    [ "$pid" -gt 0 ] && [ -d /proc/$pid ] || fail "no live pid for det1 ($pid)"
}
t "run -d: container running, shown by ps" t_detach

t_exec() {
    pdaemon --name ex1 -e FOO=bar "$IMG" "${SLEEPER[@]}" >/dev/null
    out=$(pm exec ex1 sh -c 'echo exec-ok $FOO')
    expect_eq "$out" "exec-ok bar" "exec output with container env"
    set +e; pm exec ex1 sh -c 'exit 7'; rc=$?; set -e
    expect_eq $rc 7 "exec exit code"
    out=$(pm exec --user 1000 -w /tmp -e X=1 ex1 sh -c 'echo $(id -u) $(pwd) $X')
    expect_eq "$out" "1000 /tmp 1" "exec --user -w -e"
    # the exec'd process is in the container's pid namespace
    out=$(pm exec ex1 sh -c 'echo $$ ; cat /proc/1/cmdline | tr "\0" " "')
    echo "$out"
    expect_match "$out" "sh -c trap" "exec sees the container's pid 1"
}
t "exec in a running container (output, exit code, --user/-w/-e)" t_exec

t_stop() {
    pdaemon --name st1 "$IMG" "${SLEEPER[@]}" >/dev/null
    wait_ready st1
    s=$SECONDS
    pm stop -t 10 st1
    expect_eq "$(state_of st1)" exited "state after stop"
    expect_eq "$(exitcode_of st1)" 0 "exit code after SIGTERM handled"
    [ $((SECONDS - s)) -lt 8 ] || fail "stop took $((SECONDS - s))s: SIGTERM not delivered?"
    # pid 1 ignoring SIGTERM: stop escalates to SIGKILL after the timeout
    pdaemon --name st2 "$IMG" sleep 1000 >/dev/null
    pm stop -t 1 st2
    expect_eq "$(state_of st2)" exited "state after stop of a SIGTERM-ignoring pid 1"
    expect_eq "$(exitcode_of st2)" 137 "exit code after SIGKILL"
    pm rm st1 st2
}
t "stop (SIGTERM, then SIGKILL after -t)" t_stop

t_rm() {
    pdaemon --name rm1 "$IMG" "${SLEEPER[@]}" >/dev/null
    pid=$(pid_of rm1)
    pm rm -f rm1
    if pm container exists rm1; then fail "rm1 still exists"; fi
    wait_until 5 test ! -d /proc/$pid || fail "pid $pid still alive after rm -f"
    prun --name rm2 "$IMG" true
    pm rm rm2
    if pm container exists rm2; then fail "rm2 still exists"; fi
}
t "rm (exited and running with -f)" t_rm

t_run_it() {
    out=$(cmd "$here/pty-run.py" -- "${PODMAN[@]}" run -it --rm --cgroup-parent "$CGP" --network none "$IMG" \
        sh -c 'tty; stty size; test -t 0 && echo STDIN-IS-TTY')
    echo "$out"
    expect_match "$out" "/dev/pts/[0-9]+" "tty in container"
    expect_match "$out" "24 80" "window size passed through"
    expect_match "$out" "STDIN-IS-TTY" "stdin is the tty"
    set +e
    out=$(cmd "$here/pty-run.py" --input 'echo from-stdin-$((6*7))\nexit 5\n' -- \
        "${PODMAN[@]}" run -it --rm --cgroup-parent "$CGP" --network none "$IMG" sh)
    rc=$?
    set -e
    echo "$out"
    expect_match "$out" "from-stdin-42" "interactive input reaches the shell"
    expect_eq $rc 5 "exit code through the tty"
}
t "run -it through a pty (tty, window size, interactive input)" t_run_it

t_exec_it() {
    pdaemon --name eit "$IMG" "${SLEEPER[@]}" >/dev/null
    out=$(cmd "$here/pty-run.py" -- "${PODMAN[@]}" exec -it eit sh -c 'tty; stty size; test -t 0 && echo STDIN-IS-TTY')
    echo "$out"
    expect_match "$out" "/dev/pts/[0-9]+" "tty in exec"
    expect_match "$out" "STDIN-IS-TTY" "exec stdin is the tty"
    set +e
    out=$(cmd "$here/pty-run.py" --input 'echo exec-stdin-$((6*7))\nexit 4\n' -- "${PODMAN[@]}" exec -it eit sh)
    rc=$?
    set -e
    echo "$out"
    expect_match "$out" "exec-stdin-42" "interactive input reaches the exec'd shell"
    expect_eq $rc 4 "exec exit code through the tty"
}
t "exec -it through a pty" t_exec_it

t_user() {
    out=$(prun --rm --user 1000:1000 "$IMG" sh -c 'echo $(id -u):$(id -g) $(id -un) $HOME; touch /home/user/f && echo home-writable')
    expect_eq "$out" "1000:1000 user /home/user
home-writable" "id, name, HOME"
    out=$(prun --rm --user 1000:1000 --group-add 65534 "$IMG" id -G)
    expect_match "$out" "65534" "supplementary group"
    out=$(prun --rm --user 1000 "$IMG" sh -c 'grep CapEff /proc/self/status')
    expect_match "$out" "0000000000000000" "non-root user has no effective caps"
}
t "--user 1000:1000" t_user

t_readonly() {
    set +e
    out=$(prun --rm --read-only "$IMG" sh -c 'touch /rootfile' 2>&1); rc=$?
    set -e
    echo "$out"
    [ $rc != 0 ] || fail "touch /rootfile succeeded on a read-only rootfs"
    expect_match "$out" "Read-only file system" "error"
    out=$(prun --rm --read-only "$IMG" sh -c 'touch /tmp/f /run/f /var/tmp/f && echo tmp-writable; grep " / " /proc/mounts')
    echo "$out"
    expect_match "$out" "tmp-writable" "/tmp /run /var/tmp stay writable"
    expect_match "$out" " / [^ ]+ ro[, ]" "/ mounted ro"
}
t "--read-only" t_readonly

t_caps() {
    out=$(prun --rm "$IMG" grep CapEff /proc/self/status)
    expect_eq "$out" "CapEff:	00000000a80425fb" "default capability set (podman's 11 caps)"
    out=$(prun --rm --cap-drop ALL "$IMG" grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status)
    expect_eq "$out" "CapPrm:	0000000000000000
CapEff:	0000000000000000
CapBnd:	0000000000000000" "--cap-drop ALL"
    out=$(prun --rm --cap-drop ALL --cap-add NET_ADMIN "$IMG" grep CapEff /proc/self/status)
    expect_eq "$out" "CapEff:	0000000000001000" "--cap-drop ALL --cap-add NET_ADMIN (bit 12)"
    out=$(prun --rm --cap-add NET_ADMIN "$IMG" grep CapEff /proc/self/status)
    expect_eq "$out" "CapEff:	00000000a80435fb" "--cap-add NET_ADMIN on top of the default"
    # and it works: NET_ADMIN lets us change lo's mtu in the private netns
    prun --rm --cap-drop ALL --cap-add NET_ADMIN "$IMG" ip link set lo mtu 1500
    set +e; prun --rm --cap-drop ALL "$IMG" ip link set lo mtu 1500; rc=$?; set -e
    [ $rc != 0 ] || fail "ip link set lo mtu worked without NET_ADMIN"
}
t "--cap-drop ALL / --cap-add NET_ADMIN" t_caps

t_seccomp() {
    out=$(prun --rm "$IMG" grep '^Seccomp:' /proc/self/status)
    expect_eq "$out" "Seccomp:	2" "default seccomp profile in filter mode"
    out=$(prun --rm --security-opt seccomp=unconfined "$IMG" grep '^Seccomp:' /proc/self/status)
    expect_eq "$out" "Seccomp:	0" "seccomp=unconfined"
    # the default profile blocks e.g. unshare(CLONE_NEWUSER)... with CAP_SYS_ADMIN
    # dropped anyway; check a syscall the default profile denies for everyone:
    # keyctl is in the blocked list -> busybox has no keyctl, so use swapon
    # (needs CAP_SYS_ADMIN, absent) only as a smoke test that the filter loads.
    prun --rm "$IMG" true
}
t "seccomp: default profile (Seccomp: 2) and unconfined (Seccomp: 0)" t_seccomp

t_nnp() {
    out=$(prun --rm "$IMG" grep '^NoNewPrivs:' /proc/self/status)
    expect_eq "$out" "NoNewPrivs:	0" "default no_new_privs"
    out=$(prun --rm --security-opt no-new-privileges "$IMG" grep '^NoNewPrivs:' /proc/self/status)
    expect_eq "$out" "NoNewPrivs:	1" "--security-opt no-new-privileges"
}
t "--security-opt no-new-privileges" t_nnp

t_privileged() {
    bnd=$(status_field $$ CapBnd)
    # a host device that is not in the default container /dev
    dev=
    for d in kmsg loop-control mem vda sda ttyS0 vcs; do
        [ -c /dev/$d ] || [ -b /dev/$d ] && { dev=/dev/$d; break; }
    done
    [ -n "$dev" ] || skip "no host device to look for"
    out=$(prun --rm --privileged "$IMG" sh -c "grep -E '^(CapEff|Seccomp):' /proc/self/status; test -e $dev && echo has-host-dev; grep ' /sys ' /proc/mounts")
    echo "$out"
    expect_match "$out" "CapEff:	$bnd" "all capabilities of the bounding set"
    expect_match "$out" "Seccomp:	0" "no seccomp"
    expect_match "$out" "has-host-dev" "host device $dev"
    expect_match "$out" " /sys sysfs rw" "/sys read-write"
    # not privileged: host device absent, /sys ro
    out=$(prun --rm "$IMG" sh -c "test -e $dev && echo has-host-dev; grep ' /sys ' /proc/mounts")
    echo "$out"
    [[ "$out" != *has-host-dev* ]] || fail "$dev visible without --privileged"
    expect_match "$out" " /sys sysfs ro" "/sys read-only without --privileged"
}
t "--privileged" t_privileged

t_memory() {
    pdaemon --name mem1 --memory 32m "$IMG" "${SLEEPER[@]}" >/dev/null
    pid=$(pid_of mem1)
    expect_eq "$(cgroup_file $pid memory memory.limit_in_bytes 2>/dev/null || cgroup_file $pid memory memory.max)" 33554432 "memory limit of the container cgroup"
    set +e
    # pid 1 itself allocates 128M (dd fills its buffer from /dev/zero), after
    # a second so that conmon watches the cgroup for OOM events by then
    prun --name oom1 --memory 32m --memory-swap 32m "$IMG" sh -c "sleep 1; exec dd if=/dev/zero of=/dev/null bs=128M count=1"
    rc=$?
    set -e
    expect_eq $rc 137 "exit code of a process OOM-killed"
    # conmon 2.1.6 sets State.OOMKilled from cgroup-v1 OOM events; on this
    # host it reports false with runc and crun alike: only a note
    oomk=$(pm inspect -f '{{.State.OOMKilled}}' oom1)
    [ "$oomk" = true ] || note "State.OOMKilled=$oomk (conmon did not see the OOM event; same with runc/crun on this host)"
    pm rm oom1
}
t "--memory 32m (limit set, OOM kill -> 137)" t_memory

t_pids() {
    pdaemon --name pids1 --pids-limit 20 "$IMG" "${SLEEPER[@]}" >/dev/null
    pid=$(pid_of pids1)
    expect_eq "$(cgroup_file $pid pids pids.max)" 20 "pids.max"
    out=$(pm exec pids1 sh -c 'for i in $(seq 40); do sleep 5 & done; echo loop-done' 2>&1 || true)
    echo "$out"
    expect_match "$out" "(fork|Resource temporarily unavailable|can't)" "forking past the limit fails"
}
t "--pids-limit 20" t_pids

t_cpus() {
    [ -e /sys/fs/cgroup/cpu/cpu.cfs_quota_us ] || [ -e /sys/fs/cgroup/unified/cpu.max ] || skip "no CFS bandwidth control on this host"
    pdaemon --name cpu1 --cpus 0.5 "$IMG" "${SLEEPER[@]}" >/dev/null
    pid=$(pid_of cpu1)
    q=$(cgroup_file $pid cpu cpu.cfs_quota_us); p=$(cgroup_file $pid cpu cpu.cfs_period_us)
    expect_eq "$q/$p" "50000/100000" "cfs quota/period"
}
t "--cpus 0.5" t_cpus

t_cpuset() {
    pdaemon --name cs1 --cpuset-cpus 0 "$IMG" "${SLEEPER[@]}" >/dev/null
    pid=$(pid_of cs1)
    expect_eq "$(cgroup_file $pid cpuset cpuset.cpus)" 0 "cpuset.cpus"
    expect_eq "$(pm exec cs1 awk '/Cpus_allowed_list/ {print $2}' /proc/self/status)" 0 "Cpus_allowed_list in the container"
}
t "--cpuset-cpus 0" t_cpuset

t_ulimit() {
    # podman adds RLIMIT_NPROC=4194304 (and NOFILE=1048576) for the limits not
    # given once one --ulimit is: above this host's hard limits, and root here
    # lacks CAP_SYS_RESOURCE, so nproc is always given too (below the host's
    # hard limit)
    out=$(prun --rm --ulimit nofile=512:512 --ulimit nproc=1024:1024 "$IMG" sh -c 'echo $(ulimit -Sn) $(ulimit -Hn)')
    expect_eq "$out" "512 512" "soft/hard nofile"
    out=$(prun --rm --ulimit nofile=256:1024 --ulimit nproc=100:200 "$IMG" sh -c 'echo $(ulimit -Sn) $(ulimit -Hn) $(ulimit -Su) $(ulimit -Hu)')
    expect_eq "$out" "256 1024 100 200" "soft/hard nofile and nproc"
}
t "--ulimit nofile=512:512" t_ulimit

t_shm() {
    out=$(prun --rm --shm-size 16m "$IMG" df -k /dev/shm)
    echo "$out"
    expect_eq "$(echo "$out" | awk 'NR == 2 { print $2 }')" 16384 "/dev/shm size in KiB"
}
t "--shm-size 16m" t_shm

t_sysctl() {
    before=$(cat /proc/sys/net/ipv4/ip_forward)
    out=$(prun --rm --sysctl net.ipv4.ip_forward=1 "$IMG" cat /proc/sys/net/ipv4/ip_forward)
    expect_eq "$out" 1 "ip_forward in the container"
    out=$(prun --rm --sysctl net.ipv4.ip_forward=0 "$IMG" cat /proc/sys/net/ipv4/ip_forward)
    expect_eq "$out" 0 "ip_forward=0 in the container"
    expect_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$before" "host ip_forward untouched"
    out=$(prun --rm --sysctl kernel.msgmax=4096 "$IMG" cat /proc/sys/kernel/msgmax)
    expect_eq "$out" 4096 "ipc sysctl kernel.msgmax"
}
t "--sysctl net.ipv4.ip_forward=1 (netns with --network none)" t_sysctl

t_pause() {
    pdaemon --name pa1 "$IMG" sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/c.new; mv /tmp/c.new /tmp/count; sleep 0.05; done' >/dev/null
    sleep 0.5
    pm pause pa1
    expect_eq "$(state_of pa1)" paused "state after pause"
    pid=$(pid_of pa1)
    fz=$(cgroup_file $pid freezer freezer.state 2>/dev/null || cgroup_file $pid freezer cgroup.freeze)
    expect_match "$fz" "^(FROZEN|1)$" "freezer state"
    c1=$(read_count $pid); sleep 0.5; c2=$(read_count $pid)
    expect_eq "$c2" "$c1" "counter does not move while paused"
    pm unpause pa1
    expect_eq "$(state_of pa1)" running "state after unpause"
    sleep 0.5; c3=$(read_count $pid)
    [ "$c3" -gt "$c2" ] || fail "counter did not move after unpause ($c2 -> $c3)"
}
t "pause / unpause" t_pause

t_paused_removal() {
    # (podman 4.3's `stop` of a paused container fails in podman itself,
    # "refusing to clean up", with runc and crun alike: not tested)
    pdaemon --name pz2 "$IMG" "${SLEEPER[@]}" >/dev/null
    pid=$(pid_of pz2)
    pm pause pz2
    pm rm -f pz2
    if pm container exists pz2; then fail "pz2 still exists"; fi
    wait_until 5 test ! -d /proc/$pid || fail "pid $pid of the paused container survived rm -f"
}
t "rm -f of a paused container" t_paused_removal

t_kill() {
    pdaemon --name k1 "$IMG" sh -c 'trap "echo got-usr1; exit 42" USR1; while :; do sleep 0.1; done' >/dev/null
    sleep 0.5
    pm kill -s USR1 k1
    expect_eq "$(pm wait k1)" 42 "exit code from the USR1 handler"
    expect_match "$(pm logs k1)" got-usr1 "handler output in logs"
    pdaemon --name k2 "$IMG" sleep 1000 >/dev/null
    pm kill k2
    expect_eq "$(pm wait k2)" 137 "default kill is SIGKILL"
    pm rm k1 k2
}
t "kill with a signal (USR1 handled, default KILL)" t_kill

t_rm_flag() {
    prun --rm --name rmflag "$IMG" true
    if pm container exists rmflag; then fail "--rm container still exists"; fi
    set +e; prun --rm --name rmflag2 "$IMG" false; rc=$?; set -e
    expect_eq $rc 1 "exit code kept with --rm"
    if pm container exists rmflag2; then fail "--rm container still exists after failure"; fi
}
t "--rm removes the container" t_rm_flag

t_hostname_env_workdir() {
    out=$(prun --rm --hostname box-42 -e FOO=bar -e "SPACED=a b" -w /home/user "$IMG" sh -c 'echo "$(hostname)|$FOO|$SPACED|$(pwd)"')
    expect_eq "$out" "box-42|bar|a b|/home/user" "hostname|FOO|SPACED|pwd"
    out=$(prun --rm "$IMG" sh -c 'echo $PATH')
    expect_match "$out" "/bin" "image PATH"
}
t "--hostname, -e, -w" t_hostname_env_workdir

t_tmpfs() {
    out=$(prun --rm --tmpfs /x --tmpfs /y:size=1m,mode=700 "$IMG" sh -c 'grep -E " /(x|y) " /proc/mounts; echo hi > /x/f && cat /x/f; stat -c %a /y')
    echo "$out"
    expect_match "$out" "tmpfs /x tmpfs rw" "/x is a rw tmpfs"
    expect_match "$out" "tmpfs /y tmpfs [^ ]*size=1024k" "/y size"
    expect_match "$out" "hi" "/x writable"
    expect_match "$out" "700$" "/y mode"
}
t "--tmpfs /x" t_tmpfs

t_volumes() {
    d=$HOSTDIR/vol; rm -rf "$d"; mkdir -p "$d"; echo from-host > "$d/in"
    out=$(prun --rm -v "$d:/data" "$IMG" sh -c 'cat /data/in; echo from-container > /data/out')
    expect_eq "$out" from-host "read host file"
    expect_eq "$(cat "$d/out")" from-container "host sees the container's write"
    set +e
    out=$(prun --rm -v "$d:/data:ro" "$IMG" sh -c 'cat /data/in; echo x > /data/out2' 2>&1); rc=$?
    set -e
    echo "$out"
    [ $rc != 0 ] || fail "write to a :ro bind mount succeeded"
    expect_match "$out" "from-host" "read through the ro mount"
    expect_match "$out" "Read-only file system" "ro error"
    [ ! -e "$d/out2" ] || fail "file appeared through a ro mount"
    # single file bind mount
    out=$(prun --rm -v "$d/in:/etc/motd:ro" "$IMG" cat /etc/motd)
    expect_eq "$out" from-host "file bind mount"
}
t "-v bind mounts (rw, ro, file)" t_volumes

t_uidmap() {
    id=$(pdaemon --name um1 --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMG" "${SLEEPER[@]}")
    out=$(pm exec um1 cat /proc/self/uid_map /proc/self/gid_map)
    echo "$out"
    expect_match "$(echo $out)" "^0 100000 65536 0 100000 65536$" "uid_map and gid_map"
    pid=$(pid_of um1)
    expect_eq "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" 100000 "host uid of container root"
    expect_eq "$(pm exec um1 id -u)" 0 "uid inside"
    pm exec um1 sh -c 'touch /tmp/f && ls -ln /tmp/f'
}
t "--uidmap 0:100000:65536 (user namespace)" t_uidmap

t_top() {
    pdaemon --name top1 "$IMG" sh -c 'sleep 1000 & trap "exit 0" TERM; while :; do sleep 0.2; done' >/dev/null
    sleep 0.5
    out=$(pm top top1)
    echo "$out"
    expect_match "$out" "sleep 1000" "top lists the container's processes"
    out=$(pm top top1 pid comm)
    expect_match "$out" "sleep" "top with descriptors"
}
t "podman top" t_top

t_stats() {
    pdaemon --name stat1 --memory 64m "$IMG" "${SLEEPER[@]}" >/dev/null
    sleep 1
    out=$(pm stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}' stat1)
    echo "$out"
    expect_match "$out" "^stat1 [0-9.]+[kMG]?B / 67.11MB [0-9]+$" "stats name, memory usage/limit, pids"
}
t "podman stats --no-stream" t_stats

t_restart() {
    pdaemon --name rs1 "$IMG" "${SLEEPER[@]}" >/dev/null
    p1=$(pid_of rs1)
    pm restart -t 5 rs1
    expect_eq "$(state_of rs1)" running "state after restart"
    p2=$(pid_of rs1)
    [ "$p1" != "$p2" ] || fail "same pid after restart"
    pm stop -t 5 rs1
    pm start rs1
    expect_eq "$(state_of rs1)" running "state after stop+start"
    # restart policy: on-failure restarts a failing container
    pdaemon --name rs2 --restart on-failure:2 "$IMG" sh -c 'sleep 0.3; exit 1' >/dev/null
    wait_until 20 sh -c "[ \"\$(${PODMAN[*]} inspect -f '{{.RestartCount}}' rs2)\" = 2 ] && [ \"\$(${PODMAN[*]} inspect -f '{{.State.Status}}' rs2)\" = exited ]"
}
t "restart (restart, stop/start, --restart on-failure)" t_restart

t_many() {
    s=$SECONDS
    for i in $(seq 20); do
        out=$(prun --rm --name many-$i "$IMG" echo "run-$i") || fail "run $i failed"
        [ "$out" = "run-$i" ] || fail "run $i printed '$out'"
    done
    echo "20 runs in $((SECONDS - s))s"
    [ -z "$(pm ps -aq --filter name=many-)" ] || fail "containers left: $(pm ps -a)"
}
t "20 containers in a row" t_many

t_netns() {
    out=$(prun --rm "$IMG" sh -c 'ip -o link show; readlink /proc/self/ns/net')
    echo "$out"
    expect_match "$out" "lo: <LOOPBACK,UP" "lo is up"
    [[ "$out" != *eth0* ]] || fail "host interfaces visible"
    [ "$(echo "$out" | tail -1)" != "$(readlink /proc/self/ns/net)" ] || fail "same netns as the host"
}
t "--network none: private netns with lo up" t_netns

t_stdin() {
    out=$(echo piped-input | cmd "${PODMAN[@]}" run -i --rm --cgroup-parent "$CGP" --network none "$IMG" sh -c 'cat; echo done')
    expect_eq "$out" "piped-input
done" "stdin piped through run -i"
    pdaemon --name in1 "$IMG" "${SLEEPER[@]}" >/dev/null
    out=$(printf 'a\nb\n' | cmd "${PODMAN[@]}" exec -i in1 wc -l)
    expect_eq "$(echo $out)" 2 "stdin piped through exec -i"
    # without -i the container's stdin is /dev/null
    out=$(echo lost | cmd "${PODMAN[@]}" run --rm --cgroup-parent "$CGP" --network none "$IMG" sh -c 'cat; echo end')
    expect_eq "$out" end "no stdin without -i"
}
t "run -i / exec -i with piped stdin" t_stdin

t_update() {
    pdaemon --name up1 --memory 32m "$IMG" "${SLEEPER[@]}" >/dev/null
    pid=$(pid_of up1)
    pm update --memory 64m --memory-swap 128m --cpu-shares 512 --cpu-quota 30000 --cpu-period 100000 up1
    expect_eq "$(cgroup_file $pid memory memory.limit_in_bytes)" 67108864 "memory limit after update"
    expect_eq "$(cgroup_file $pid memory memory.memsw.limit_in_bytes)" 134217728 "memory+swap limit after update"
    expect_eq "$(cgroup_file $pid cpu cpu.shares)" 512 "cpu.shares after update"
    expect_eq "$(cgroup_file $pid cpu cpu.cfs_quota_us)" 30000 "cfs quota after update"
    expect_eq "$(state_of up1)" running "still running"
}
t "podman update (runtime update --resources)" t_update

t_hooks() {
    hd=$WORK/hooks; out=$HOSTDIR/hooks; rm -rf "$hd" "$out"; mkdir -p "$hd" "$out"
    for stage in prestart createRuntime createContainer startContainer poststart; do
        # each hook saves its stdin (the container state) and where it ran
        cat > "$hd/$stage.json" <<J
{"version": "1.0.0",
 "hook": {"path": "/bin/sh", "args": ["sh", "-c", "cat > $out/$stage.state; readlink /proc/self/ns/mnt > $out/$stage.mntns"]},
 "when": {"annotations": {"^ocirun-test-hooks\$": "^yes\$"}},
 "stages": ["$stage"]}
J
    done
    # startContainer runs inside the container: /bin/sh is busybox there, and
    # the output dir is bind-mounted at the same path
    id=$(cmd "${PODMAN[@]}" --hooks-dir "$hd" run -d --cgroup-parent "$CGP" --network none \
        --annotation ocirun-test-hooks=yes -v "$out:$out" --name hk1 "$IMG" "${SLEEPER[@]}")
    pid=$(pid_of hk1)
    ls -la "$out"
    expect_eq "$(state_of hk1)" running "container state"
    for stage in prestart createRuntime createContainer startContainer poststart; do
        [ -s "$out/$stage.state" ] || fail "$stage hook did not run (or got no state on stdin)"
        st=$(cat "$out/$stage.state"); echo "$stage: $st"
        expect_match "$st" "\"id\": *\"$id\"" "$stage hook state has the container id"
        # hooks run in the container namespaces see other pids: runc and crun
        # disagree there (1 vs 0), only the host-side stages are checked
        if [ $stage != startContainer ] && [ $stage != createContainer ]; then
            expect_match "$st" "\"pid\": *$pid[,}]" "$stage hook state has the container pid"
        fi
    done
    expect_eq "$(cat "$out/prestart.mntns")" "$(readlink /proc/self/ns/mnt)" "prestart runs in the runtime's mount namespace"
    [ "$(cat "$out/createContainer.mntns")" != "$(readlink /proc/self/ns/mnt)" ] || fail "createContainer hook ran in the host mount namespace"
    expect_eq "$(cat "$out/startContainer.mntns")" "$(readlink /proc/$pid/ns/mnt)" "startContainer runs in the container's mount namespace"
}
t "OCI hooks from --hooks-dir (prestart, createRuntime, createContainer, startContainer, poststart)" t_hooks

t_oom_score() {
    out=$(prun --rm --oom-score-adj 500 "$IMG" cat /proc/self/oom_score_adj)
    expect_eq "$out" 500 "oom_score_adj"
}
t "--oom-score-adj 500" t_oom_score

t_device() {
    out=$(prun --rm --device /dev/null:/dev/mynull:rwm "$IMG" sh -c 'ls -l /dev/mynull; echo x > /dev/mynull && echo write-ok')
    echo "$out"
    expect_match "$out" "^c" "char device"
    expect_match "$out" "1, +3" "major/minor of /dev/null"
    expect_match "$out" "write-ok" "device usable (device cgroup allows it)"
    # a device not given is refused by the device cgroup even with mknod
    set +e; out=$(prun --rm --cap-add MKNOD "$IMG" sh -c 'mknod /tmp/loop c 10 237 && cat /tmp/loop' 2>&1); rc=$?; set -e
    echo "$out"
    [ $rc != 0 ] || fail "opening a device outside the allow list worked"
}
t "--device /dev/null:/dev/mynull (and the device cgroup)" t_device

t_masks() {
    # podman's default masked paths that exist on this host must be empty
    script='for p in /proc/acpi /proc/keys /proc/timer_list /proc/kcore /proc/sched_debug /sys/firmware /proc/scsi; do
        [ -e /host-check$p ] || continue
        if [ -d $p ]; then n=$(ls -A $p | wc -l); else n=$(cat $p 2>/dev/null | wc -c); fi
        echo "$p=$n"
    done
    echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo proc-sys-rw || echo proc-sys-ro
    echo > /proc/sysrq-trigger 2>/dev/null && echo sysrq-rw || echo sysrq-ro'
    out=$(prun --rm -v /:/host-check:ro "$IMG" sh -c "$script")
    echo "$out"
    for line in $(echo "$out" | grep =); do
        expect_eq "${line#*=}" 0 "masked ${line%%=*} is empty"
    done
    [ "$(echo "$out" | grep -c =)" -ge 2 ] || fail "no masked path checked"
    expect_match "$out" "proc-sys-ro" "/proc/sys read-only"
    expect_match "$out" "sysrq-ro" "/proc/sysrq-trigger read-only"
    out=$(prun --rm --security-opt unmask=/proc/keys --security-opt mask=/etc/motd "$IMG" sh -c 'echo motd=$(cat /etc/motd | wc -c); echo keys=$(cat /proc/keys | wc -c)')
    echo "$out"
    expect_match "$out" "motd=0" "mask=/etc/motd"
    expect_match "$out" "keys=[1-9]" "unmask=/proc/keys"
}
t "masked and read-only paths (default, mask=, unmask=)" t_masks

t_host_ns() {
    out=$(prun --rm --pid host "$IMG" cat /proc/1/comm)
    expect_eq "$out" "$(cat /proc/1/comm)" "--pid host sees host pid 1"
    out=$(prun --rm --uts host "$IMG" hostname)
    expect_eq "$out" "$(hostname)" "--uts host hostname"
    out=$(prun --rm --ipc host "$IMG" readlink /proc/self/ns/ipc)
    expect_eq "$out" "$(readlink /proc/self/ns/ipc)" "--ipc host"
    out=$(prun --rm "$IMG" readlink /proc/self/ns/ipc)
    [ "$out" != "$(readlink /proc/self/ns/ipc)" ] || fail "private ipc ns expected by default"
}
t "host namespaces (--pid/--uts/--ipc host)" t_host_ns

t_cgroupns() {
    out=$(prun --rm --cgroupns private "$IMG" cat /proc/self/cgroup)
    echo "$out"
    expect_match "$(echo "$out" | grep ':memory:')" ":memory:/$" "memory cgroup is / in a private cgroupns"
    out=$(prun --rm --cgroupns host "$IMG" cat /proc/self/cgroup)
    expect_match "$(echo "$out" | grep ':memory:')" "$CGP" "host cgroupns shows the full path"
}
t "--cgroupns private / host" t_cgroupns

t_cpu_shares() {
    pdaemon --name sh1 --cpu-shares 512 --memory-reservation 16m "$IMG" "${SLEEPER[@]}" >/dev/null
    pid=$(pid_of sh1)
    expect_eq "$(cgroup_file $pid cpu cpu.shares)" 512 "cpu.shares"
    expect_eq "$(cgroup_file $pid memory memory.soft_limit_in_bytes)" 16777216 "memory reservation"
}
t "--cpu-shares 512 / --memory-reservation" t_cpu_shares

t_exec_more() {
    pdaemon --name ex2 "$IMG" "${SLEEPER[@]}" >/dev/null
    out=$(pm exec --privileged ex2 grep CapEff /proc/self/status)
    expect_eq "$out" "CapEff:	$(status_field $$ CapBnd)" "exec --privileged has all caps"
    pm exec -d ex2 sh -c 'echo detached > /tmp/d'
    wait_until 5 sh -c "${PODMAN[*]} exec ex2 cat /tmp/d | grep -q detached"
    # exec'd processes join the container cgroup
    pid=$(pid_of ex2)
    out=$(pm exec ex2 cat /proc/self/cgroup | grep ':memory:')
    expect_eq "$out" "$(grep ':memory:' /proc/$pid/cgroup)" "exec process in the container's memory cgroup"
}
t "exec --privileged, exec -d, exec joins the cgroup" t_exec_more

t_preserve_fds() {
    echo passed-fd-content > "$HOSTDIR/fd3"
    out=$(cmd "${PODMAN[@]}" run --rm --cgroup-parent "$CGP" --network none --preserve-fds 1 "$IMG" \
        sh -c 'cat <&3; ls /proc/self/fd | sort -n | tr "\n" " "' 3<"$HOSTDIR/fd3")
    echo "$out"
    expect_match "$out" "passed-fd-content" "fd 3 reaches the container (runtime --preserve-fds)"
}
t "--preserve-fds 1" t_preserve_fds

t_kill_all() {
    # with a non-private pid namespace podman stops a container with
    # `RUNTIME kill --all`: every process of the container's cgroup
    pdaemon --name ka1 --pid host "$IMG" sh -c 'sleep 1000 & sleep 1001 & wait' >/dev/null
    pid=$(pid_of ka1)
    sleep 0.5
    kids=$(cat /proc/$pid/task/$pid/children)
    echo "children of $pid: $kids"
    [ -n "$kids" ] || fail "no children"
    pm stop -t 1 ka1
    for k in $pid $kids; do wait_until 5 test ! -d /proc/$k || fail "pid $k survived"; done
}
t "stop with the host pid namespace (runtime kill --all)" t_kill_all

t_init() {
    command -v catatonit >/dev/null || skip "catatonit not installed (install.sh installs it)"
    out=$(prun --rm --init "$IMG" sh -c 'tr "\0" " " < /proc/1/cmdline; echo; echo $$')
    echo "$out"
    expect_match "$out" "^/run/podman-init -- sh -c" "pid 1 is the init bind-mounted by podman"
    pdaemon --name in2 --init "$IMG" sleep 1000 >/dev/null
    # SIGTERM before catatonit has set up its handlers would be dropped (pid 1
    # of a namespace ignores default-action signals): wait for its child
    pid=$(pid_of in2)
    wait_until 5 grep -q . /proc/$pid/task/$pid/children
    sleep 0.2
    s=$SECONDS
    pm stop -t 10 in2
    [ $((SECONDS - s)) -lt 8 ] || fail "stop took $((SECONDS - s))s: init did not forward SIGTERM"
}
t "--init (catatonit as pid 1)" t_init

t_pod() {
    command -v catatonit >/dev/null || skip "catatonit not installed (install.sh installs it)"
    pm pod create --name pod1 --network none --cgroup-parent "$CGP" --share ipc,uts,net --hostname podhost
    pm run -d --pod pod1 --name pc1 "$IMG" "${SLEEPER[@]}" >/dev/null
    pm run -d --pod pod1 --name pc2 "$IMG" "${SLEEPER[@]}" >/dev/null
    for ns in ipc uts net; do
        a=$(pm exec pc1 readlink /proc/self/ns/$ns); b=$(pm exec pc2 readlink /proc/self/ns/$ns)
        expect_eq "$b" "$a" "pod containers share the $ns namespace"
    done
    a=$(pm exec pc1 readlink /proc/self/ns/mnt); b=$(pm exec pc2 readlink /proc/self/ns/mnt)
    [ "$a" != "$b" ] || fail "pod containers share a mount namespace"
    expect_eq "$(pm exec pc2 hostname)" podhost "pod hostname"
    infra=$(pm pod inspect -f '{{.InfraContainerID}}' pod1)
    ipid=$(pid_of "$infra")
    expect_eq "$(pm exec pc1 readlink /proc/self/ns/ipc)" "$(readlink /proc/$ipid/ns/ipc)" "ipc namespace is the infra container's"
    pm pod stop -t 2 pod1
    expect_eq "$(state_of pc1)" exited "pod member stopped"
    pm pod rm -f pod1
    if pm pod exists pod1; then fail "pod still exists"; fi
}
t "pod: containers join the infra container's namespaces" t_pod

t_checkpoint() {
    command -v criu >/dev/null || skip "criu not installed"
    if ! why=$(criu check 2>&1); then
        skip "criu check fails on this host ($(echo "$why" | grep -m1 Error | cut -c1-100)), runc cannot checkpoint either"
    fi
    pdaemon --name ck2 "$IMG" sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.1; done' >/dev/null
    sleep 1
    pm container checkpoint ck2
    expect_eq "$(state_of ck2)" exited "state after checkpoint"
    pm container restore ck2
    expect_eq "$(state_of ck2)" running "state after restore"
    n=$(pm exec ck2 cat /tmp/n)
    [ "$n" -gt 5 ] || fail "counter restarted from scratch ($n)"
}
t "container checkpoint / restore (criu)" t_checkpoint

t_leftovers() {
    # after all scenarios: no container left, runtime state clean
    pm rm -a -f -t 0 >/dev/null
    [ -z "$(pm ps -aq)" ] || fail "containers left"
    left=$(find /sys/fs/cgroup/*/"${CGP#/}" -mindepth 1 -type d -name 'libpod-*' 2>/dev/null | grep -v conmon || true)
    [ -z "$left" ] || fail "container cgroups left behind: $left"
}
t "no leftover containers or cgroups" t_leftovers

run_tests podman
