#!/bin/bash
# bench/run.sh [RUNTIME...] - side-by-side benchmark of OCI runtimes.
#
# With no argument: ./ocirun (next to bench/, only if it can run a container),
# crun and runc.  A RUNTIME is a path or a name found in PATH.  Needs root.
# See bench/README.md for the figures and the BENCH_* settings.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
PY=/usr/bin/python3
shq() { # quote for the report only when needed
	case $1 in
	*[!A-Za-z0-9_./:=+,@%-]* | '') printf "'%s'" "${1//\'/\'\\\'\'}" ;;
	*) printf %s "$1" ;;
	esac
}
CMDLINE=""
while IFS= read -r v; do
	[ -n "$v" ] && CMDLINE+="${v%%=*}=$(shq "${v#*=}") "
done < <(compgen -e | grep -E '^BENCH_' | sort | while read -r n; do printf '%s=%s\n' "$n" "${!n}"; done)
CMDLINE+="bench/run.sh"
for a in "$@"; do CMDLINE+=" $(shq "$a")"; done

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }

[ "$(id -u)" = 0 ] || die "must run as root (runtimes need it)"
for t in gcc "$PY" /usr/bin/time timeout mountpoint; do
	command -v "$t" >/dev/null || die "missing $t"
done

# ---------------------------------------------------------------- settings
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	N=${BENCH_N:-5}; WARM=${BENCH_WARMUP:-1}; IDLE_N=${BENCH_IDLE_N:-2}
	TPUT_SECS=${BENCH_TPUT_SECS:-1}; TIMEV_N=${BENCH_TIMEV_N:-1}; TPUT_ROUNDS=${BENCH_TPUT_ROUNDS:-1}
	LABEL_DEFAULT="Latest quick run (BENCH_QUICK=1, few samples: not representative)"
else
	N=${BENCH_N:-50}; WARM=${BENCH_WARMUP:-5}; IDLE_N=${BENCH_IDLE_N:-10}
	TPUT_SECS=${BENCH_TPUT_SECS:-5}; TIMEV_N=${BENCH_TIMEV_N:-3}; TPUT_ROUNDS=${BENCH_TPUT_ROUNDS:-3}
	LABEL_DEFAULT="Latest run"
fi
IDLE_PAUSE=${BENCH_IDLE_PAUSE:-1}
TPUT_WORKERS=${BENCH_TPUT_WORKERS:-2 8}
TIMEOUT=${BENCH_TIMEOUT:-60}
CGROUPNS=${BENCH_CGROUPNS:-auto}
LABEL=${BENCH_LABEL:-$LABEL_DEFAULT}
RESULTS=${BENCH_RESULTS:-$HERE/RESULTS.md}
SUBJECT=${BENCH_SUBJECT:-ocirun}
PREFIX="ocb$$"

# ---------------------------------------------------------------- runtimes
NAMES=(); PATHS=(); EXPLICIT=1; NOTES=()
add_rt() {
	local p=$1 base name n=2
	base=$(basename "$p"); name=$base
	while printf '%s\n' "${NAMES[@]}" | grep -qxF -- "$name"; do name="$base-$n"; n=$((n + 1)); done
	NAMES+=("$name"); PATHS+=("$p")
}
if [ $# -eq 0 ]; then
	EXPLICIT=0
	# The musl build (scripts/build-musl.sh) when there is one: it is the
	# fast one.  Then an in-tree build, then build/.
	OCIRUN=${BENCH_OCIRUN:-}
	if [ -z "$OCIRUN" ]; then
		for OCIRUN in "$TOP/build-musl/ocirun" "$TOP/ocirun" "$TOP/build/ocirun"; do
			[ -x "$OCIRUN" ] && break
		done
	fi
	if [ -x "$OCIRUN" ]; then add_rt "$(cd "$(dirname "$OCIRUN")" && pwd)/$(basename "$OCIRUN")"
	else NOTES+=("ocirun not included: $OCIRUN does not exist"); fi
	for r in crun runc; do
		p=$(command -v "$r") && add_rt "$p" || NOTES+=("$r not found")
	done
else
	for r in "$@"; do
		case "$r" in
		*/*) [ -x "$r" ] || die "$r is not executable"; add_rt "$(cd "$(dirname "$r")" && pwd)/$(basename "$r")" ;;
		*) p=$(command -v "$r") || die "$r not found in PATH"; add_rt "$p" ;;
		esac
	done
fi
[ ${#NAMES[@]} -gt 0 ] || die "no runtime to benchmark"
ALL_NAMES=("${NAMES[@]}"); ALL_PATHS=("${PATHS[@]}")   # for the cleanup

# ---------------------------------------------------------------- cleanup
W=""; HUGETLB_MOUNTED=0; HUGETLB_MKDIR=0; DRIVER_PID=""; CLEANED=0
cleanup() {
	[ "$CLEANED" = 1 ] && return
	CLEANED=1
	if [ -n "$DRIVER_PID" ] && kill -0 "$DRIVER_PID" 2>/dev/null; then
		kill -TERM "$DRIVER_PID" 2>/dev/null
		wait "$DRIVER_PID" 2>/dev/null
	fi
	DRIVER_PID=""
	if [ -n "$W" ] && [ -d "$W/state" ]; then
		local i root id
		for i in "${!ALL_NAMES[@]}"; do
			for root in "$W/state/${ALL_NAMES[$i]}" "$W/probe/${ALL_NAMES[$i]}"; do
				[ -d "$root" ] || continue
				for id in $(timeout 20 "${ALL_PATHS[$i]}" --root "$root" list -q 2>/dev/null); do
					say "cleanup: removing leftover container $id (${ALL_NAMES[$i]})"
					timeout 20 "${ALL_PATHS[$i]}" --root "$root" kill "$id" 9 >/dev/null 2>&1
					timeout 20 "${ALL_PATHS[$i]}" --root "$root" delete -f "$id" >/dev/null 2>&1
				done
			done
		done
	fi
	# processes a runtime failed to clean: in a cgroup named after one of our
	# container ids, or still showing our work directory on their command line
	local d p left=0
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$p" = $$ ] && continue
		if grep -qsF -- "/$PREFIX-" "$d/cgroup" ||
			{ [ -n "$W" ] && { tr '\0' ' ' < "$d/cmdline"; } 2>/dev/null | grep -qF -- "$W/"; }; then
			say "cleanup: killing leftover process $p ($({ tr '\0' ' ' < "$d/cmdline"; } 2>/dev/null | cut -c1-80))"
			kill -9 "$p" 2>/dev/null
		fi
	done
	# cgroups a runtime may have left behind (named after the container id)
	while read -r d; do
		[ -n "$d" ] || continue
		for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		rmdir "$d" 2>/dev/null || { sleep 0.2; rmdir "$d" 2>/dev/null; } || left=1
	done < <(find /sys/fs/cgroup -mindepth 1 -maxdepth 6 -type d -name "$PREFIX-*" 2>/dev/null | sort -r)
	[ "$left" = 0 ] || say "cleanup: some cgroups named $PREFIX-* could not be removed"
	if [ -n "$W" ] && [ -d "$W" ]; then
		if mountpoint -q "$W"; then
			umount "$W" 2>/dev/null || { sleep 0.5; umount "$W" 2>/dev/null; } || umount -l "$W" \
				|| say "cleanup: could not unmount $W"
		fi
		rmdir "$W" 2>/dev/null || say "cleanup: could not remove $W"
	fi
	if [ "$HUGETLB_MOUNTED" = 1 ]; then
		if [ "${BENCH_KEEP_HUGETLB:-0}" = 1 ]; then
			say "left the cgroup v1 hugetlb hierarchy mounted (BENCH_KEEP_HUGETLB=1)"
		elif [ -n "$(find /sys/fs/cgroup/hugetlb -mindepth 1 -maxdepth 1 -type d 2>/dev/null)" ]; then
			say "cleanup: /sys/fs/cgroup/hugetlb has child cgroups (someone else uses it): left mounted"
		elif umount /sys/fs/cgroup/hugetlb 2>/dev/null; then
			say "cleanup: unmounted the cgroup v1 hugetlb hierarchy this run mounted"
			[ "$HUGETLB_MKDIR" = 1 ] && rmdir /sys/fs/cgroup/hugetlb 2>/dev/null
		else
			say "cleanup: could not unmount /sys/fs/cgroup/hugetlb"
		fi
	fi
}
on_signal() { say "interrupted: cleaning up"; cleanup; exit 130; }
trap on_signal INT TERM HUP
trap cleanup EXIT

# ---------------------------------------------------------------- workdir on tmpfs
W=$(mktemp -d "${BENCH_TMP:-/tmp}/ocirun-bench.XXXXXX") || die "mktemp failed"
mount -t tmpfs -o size=1g,mode=0700 ocirun-bench "$W" || { rmdir "$W"; W=""; die "cannot mount tmpfs"; }
mkdir -p "$W"/{bin,state,probe,log,pid,tmp,rootfs,bundle-true,bundle-sleep}
export TMPDIR="$W/tmp"

# ---------------------------------------------------------------- crun vs hugetlb
is_crun=0
for n in "${NAMES[@]}"; do case "$n" in crun*) is_crun=1 ;; esac; done
if [ "$is_crun" = 1 ] && [ -r /sys/fs/cgroup/unified/cgroup.controllers ] \
	&& grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.controllers \
	&& ! grep -qE '^cgroup [^ ]+ cgroup [^ ]*hugetlb' /proc/mounts; then
	[ -d /sys/fs/cgroup/hugetlb ] || { mkdir -p /sys/fs/cgroup/hugetlb && HUGETLB_MKDIR=1; }
	if mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb; then
		HUGETLB_MOUNTED=1
		NOTES+=("mounted the cgroup v1 hugetlb hierarchy at /sys/fs/cgroup/hugetlb for crun 1.8.1 (it refuses hugetlb in the unified tree on this hybrid host); unmounted at the end")
		say "mounted cgroup v1 hugetlb at /sys/fs/cgroup/hugetlb (crun 1.8.1 needs it here); will unmount it at the end"
	else
		say "warning: could not mount cgroup v1 hugetlb; crun may fail"
	fi
fi

# ---------------------------------------------------------------- driver
gcc -O2 -Wall -o "$W/bin/bench" "$HERE/bench.c" || die "cannot compile bench.c"

# ---------------------------------------------------------------- bundle
BB=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"
ldd "$BB" >/dev/null 2>&1 && die "$BB is dynamically linked (apt-get install busybox-static)"
mkdir -p "$W/rootfs"/{bin,proc,dev,sys,tmp,etc,root}
cp "$BB" "$W/rootfs/bin/busybox"
for a in true sleep sh; do ln -s busybox "$W/rootfs/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$W/rootfs/etc/passwd"
echo 'root:x:0:' > "$W/rootfs/etc/group"
write_configs() { # $1 = 1 with a cgroup namespace
	"$PY" "$HERE/bench.py" config "$W/rootfs" '["/bin/true"]' "$1" > "$W/bundle-true/config.json" &&
	"$PY" "$HERE/bench.py" config "$W/rootfs" '["/bin/sleep","3600"]' "$1" > "$W/bundle-sleep/config.json"
}

# ---------------------------------------------------------------- probe
PROBE_WHY=""
PROBE_TIMEOUT=${BENCH_PROBE_TIMEOUT:-15}
probe() { # $1 = index: full lifecycle once, with checks; stops at the first failure
	local rt=${PATHS[$1]} root="$W/probe/${NAMES[$1]}" id="$PREFIX-p$1-$RANDOM" log="$W/log/probe-${NAMES[$1]}.log" i st
	local T="timeout -k 2 $PROBE_TIMEOUT"
	mkdir -p "$root"
	PROBE_WHY=""
	step() { # step WHY-IF-FAILED runtime-args...
		local why=$1; shift
		$T "$rt" --root "$root" "$@" </dev/null >/dev/null 2>>"$log" && return 0
		[ $? = 124 ] && why="$why (timed out after ${PROBE_TIMEOUT}s)"
		PROBE_WHY=$why; return 1
	}
	status() { $T "$rt" --root "$root" state "$id-l" 2>>"$log" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["status"])' 2>/dev/null; }
	if ! step "run failed" run --bundle "$W/bundle-true" "$id-r"; then
		$T "$rt" --root "$root" delete -f "$id-r" >/dev/null 2>&1
		return 1
	fi
	rm -f "$W/pid/probe"
	if step "create failed" create --bundle "$W/bundle-sleep" --pid-file "$W/pid/probe" "$id-l"; then
		if [ ! -s "$W/pid/probe" ]; then PROBE_WHY="create wrote no --pid-file"
		elif step "start failed" start "$id-l"; then
			st=$(status)
			if [ "$st" != running ]; then PROBE_WHY="state says '$st' instead of running"
			elif step "exec failed" exec "$id-l" /bin/true && step "kill failed" kill "$id-l" KILL; then
				for i in $(seq 50); do
					st=$(status); [ "$st" = stopped ] && break; sleep 0.1
				done
				if [ "$st" != stopped ]; then PROBE_WHY="container not stopped 5 s after kill (state '$st')"
				elif step "delete failed" delete "$id-l"; then
					[ -z "$($T "$rt" --root "$root" list -q 2>>"$log")" ] || PROBE_WHY="list still shows a container after delete"
				fi
			fi
		fi
	fi
	if [ -n "$PROBE_WHY" ]; then
		$T "$rt" --root "$root" kill "$id-l" 9 >/dev/null 2>&1
		$T "$rt" --root "$root" delete -f "$id-l" >/dev/null 2>&1
		return 1
	fi
}
probe_all() { # sets FAILED to the indexes that fail
	FAILED=()
	local i
	for i in "${!NAMES[@]}"; do probe "$i" || { FAILED+=("$i"); WHY[$i]=$PROBE_WHY; }; done
}
declare -a WHY FAILED
CG_USED=0
case "$CGROUPNS" in
auto)
	write_configs 1 || die "cannot write config.json"
	probe_all
	CG_USED=1
	if [ ${#FAILED[@]} -gt 0 ]; then
		F1=("${FAILED[@]}"); W1=("${WHY[@]}")
		write_configs 0 || die "cannot write config.json"
		probe_all
		if [ ${#FAILED[@]} -lt ${#F1[@]} ]; then
			CG_USED=0
			say "not every runtime can run the bundle with a cgroup namespace: dropped it"
			NOTES+=("no cgroup namespace: not every runtime could run the bundle with one")
		else
			write_configs 1 || die "cannot write config.json"
			FAILED=("${F1[@]}"); WHY=("${W1[@]}")
		fi
	fi ;;
1) write_configs 1 && CG_USED=1 && probe_all ;;
*) write_configs 0 && probe_all ;;
esac
if [ ${#FAILED[@]} -gt 0 ]; then
	KEEP_N=(); KEEP_P=()
	for i in "${!NAMES[@]}"; do
		bad=0
		for f in "${FAILED[@]}"; do [ "$f" = "$i" ] && bad=1; done
		if [ "$bad" = 1 ]; then
			last=$(grep -v '^###' "$W/log/probe-${NAMES[$i]}.log" 2>/dev/null | grep . | tail -n1 | cut -c1-200)
			msg="${NAMES[$i]} (${PATHS[$i]}) cannot run the benchmark bundle: ${WHY[$i]}${last:+ (\"$last\")}"
			say "$msg"
			tail -n 5 "$W/log/probe-${NAMES[$i]}.log" 2>/dev/null | sed 's/^/    /' >&2
			if [ "$EXPLICIT" = 1 ]; then die "giving up (a runtime given on the command line must work)"; fi
			NOTES+=("skipped $msg")
		else
			KEEP_N+=("${NAMES[$i]}"); KEEP_P+=("${PATHS[$i]}")
		fi
	done
	NAMES=("${KEEP_N[@]}"); PATHS=("${KEEP_P[@]}")
fi
[ ${#NAMES[@]} -gt 0 ] || die "no runtime could run a container"
say "runtimes: ${NAMES[*]}"

# ---------------------------------------------------------------- quiet machine
idle_pct() { # idle percentage of all CPUs over $1 seconds
	local a b
	a=($(head -n1 /proc/stat)); sleep "$1"; b=($(head -n1 /proc/stat))
	local ta=0 tb=0 i
	for i in 1 2 3 4 5 6 7 8; do ta=$((ta + a[i])); tb=$((tb + b[i])); done
	local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) tot=$((tb - ta))
	[ "$tot" -gt 0 ] && echo $((100 * idle / tot)) || echo 100
}
if [ -n "${BENCH_WAIT_IDLE:-}" ]; then
	waited=0; max=${BENCH_WAIT_MAX:-600}
	while :; do
		ip=$(idle_pct 3); waited=$((waited + 3))
		[ "$ip" -ge "$BENCH_WAIT_IDLE" ] && break
		if [ "$waited" -ge "$max" ]; then
			NOTES+=("the CPUs were still only $ip% idle after waiting ${max}s for $BENCH_WAIT_IDLE%")
			break
		fi
		say "waiting for the machine to be ${BENCH_WAIT_IDLE}% idle (now $ip%)"
	done
fi
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- memcg cost
# What one memory cgroup costs on this machine, for the report: every
# runtime pays it per container, and it varies a lot between machines.
# The kernel gives each memcg one 1 KiB block per 64 shrinker ids up to the
# highest id ever used (a high-water mark that only a reboot resets; every
# mounted superblock holds one id), so a machine that once had very many
# mounts makes every container slower.
memcg_probe() {
	local base="" out
	if [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then base=/sys/fs/cgroup/memory
	elif grep -qw memory /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then base=/sys/fs/cgroup
	fi
	[ -n "$base" ] || return 0
	# (python: a mkdir(1) process per directory would cost more than the mkdir)
	out=$("$PY" - "$base/$PREFIX-memcg" <<-'PY' 2>/dev/null
		import os, sys, time
		def kmalloc_1k():
		    try:
		        for line in open("/proc/slabinfo"):
		            if line.split()[0] == "kmalloc-1k":
		                return int(line.split()[1])
		    except OSError:
		        return None
		n, dirs = 10, ["%s-%d" % (sys.argv[1], i) for i in range(10)]
		a = kmalloc_1k()
		t0 = time.perf_counter()
		for d in dirs:
		    os.mkdir(d)
		t1 = time.perf_counter()
		b = kmalloc_1k()
		for d in dirs:
		    os.rmdir(d)
		us = (t1 - t0) / n * 1e6
		if a is not None and b is not None:
		    k = (b - a) // n
		    print("%.0f us, ~%d 1 KiB shrinker blocks each (about %d shrinker ids)" % (us, k, k * 64))
		else:
		    print("%.0f us" % us)
		PY
	) || return 0
	NOTES+=("creating one memory cgroup here ($base): $out; every runtime pays this per container (a kernel high-water mark of shrinker ids sets it; see README, Performance)")
}
memcg_probe

# ---------------------------------------------------------------- measure
RAW="$W/raw.tsv"
: > "$RAW"
RTARGS=()
for i in "${!NAMES[@]}"; do RTARGS+=(-r "${NAMES[$i]}=${PATHS[$i]}"); done
COMMON=(-S "$W/state" -L "$W/log" -t "$W/bundle-true" -s "$W/bundle-sleep" -P "$W/pid" -o "$RAW" -p "$PREFIX" -x "$TIMEOUT")
driver() { # runs the driver in the background so that a signal reaches our trap
	"$W/bin/bench" "$@" "${RTARGS[@]}" "${COMMON[@]}" &
	DRIVER_PID=$!
	wait "$DRIVER_PID"
	local rc=$?
	DRIVER_PID=""
	[ $rc = 0 ] || die "driver '$1' failed (exit $rc); runtime stderr is in $W/log (removed on exit)"
}
say "latency: $N iterations (+$WARM warm-up) of run + create/start/state/exec/kill/delete per runtime"
driver lat -n "$N" -w "$WARM"
say "run after ${IDLE_PAUSE}s idle: $IDLE_N per runtime"
driver idle -n "$IDLE_N" -w 0 -i "$IDLE_PAUSE"
for wk in $TPUT_WORKERS; do
	say "throughput: $wk workers, ${TPUT_SECS}s window x $TPUT_ROUNDS round(s) per runtime"
	driver tput -n "$TPUT_ROUNDS" -W "$wk" -T "$TPUT_SECS"
done
say "peak RSS cross-check with /usr/bin/time -v: $TIMEV_N iteration(s)"
driver timev -n "$TIMEV_N" -w 0

# ---------------------------------------------------------------- report
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
mem=$(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo)
if [ -r /sys/fs/cgroup/cgroup.controllers ]; then cg="cgroup v2"
elif [ -d /sys/fs/cgroup/unified ]; then cg="hybrid cgroups (v1 controllers + cgroup2 at /sys/fs/cgroup/unified)"
else cg="cgroup v1"; fi
vers=()
for i in "${!NAMES[@]}"; do
	# first line, plus ocirun's "libc:" line (musl or glibc build)
	v=$(timeout 10 "${PATHS[$i]}" --version 2>/dev/null |
		awk 'NR == 1 { l = $0 } /^libc: / { sub(/^libc: /, ""); c = $0 } END { print l (c != "" ? " (" c ")" : "") }')
	vers+=("${v:-unknown version}")
done
META="$W/meta.json"
NOTES+=("load average before / after the run: $LOAD0 / $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine adds noise)")
NOTES_JOINED=$(printf '%s\n' "${NOTES[@]:-}")
export M_NAMES="${NAMES[*]}" M_PATHS="$(printf '%s\n' "${PATHS[@]}")" M_VERS="$(printf '%s\n' "${vers[@]}")" \
	M_LABEL="$LABEL" M_CMD="$CMDLINE" M_NOTES="$NOTES_JOINED" M_SUBJECT="$SUBJECT" \
	M_HOST="$(hostname), Linux $(uname -r), $(nproc) CPUs, $cpu, $mem, $cg" \
	M_DATE="$(date -u '+%Y-%m-%d %H:%M:%S UTC')" M_WORKERS="$TPUT_WORKERS" \
	M_SETTINGS="$N iterations per runtime (+$WARM warm-up, discarded), runtimes alternated round-robin with the first one rotating; $IDLE_N runs per runtime after ${IDLE_PAUSE} s idle; throughput windows of $TPUT_SECS s x $TPUT_ROUNDS round(s) with $TPUT_WORKERS workers; $TIMEV_N /usr/bin/time -v iteration(s); state roots, TMPDIR and bundle on tmpfs" \
	M_BUNDLE="busybox-static rootfs (read-only), no terminal, process /bin/true (run) or sleep 3600 (create/start/state/exec/kill/delete, exec runs /bin/true); namespaces pid, network, ipc, uts, mount$([ "$CG_USED" = 1 ] && echo ', cgroup'); mounts proc, /dev tmpfs, devpts, /dev/shm, mqueue, sysfs; devices cgroup deny-all, masked and read-only /proc paths as in runc spec"
"$PY" - "$META" <<'EOF' || die "cannot write meta"
import json, os, sys
e = os.environ
names = e["M_NAMES"].split()
paths = e["M_PATHS"].split("\n")
vers = e["M_VERS"].split("\n")
json.dump({
    "label": e["M_LABEL"], "date": e["M_DATE"], "host": e["M_HOST"],
    "command": e["M_CMD"], "settings": e["M_SETTINGS"], "bundle": e["M_BUNDLE"],
    "notes": [n for n in e["M_NOTES"].split("\n") if n],
    "subject": e["M_SUBJECT"],
    "tput_workers": [int(w) for w in e["M_WORKERS"].split()],
    "runtimes": [{"name": n, "path": p, "version": v} for n, p, v in zip(names, paths, vers)],
}, open(sys.argv[1], "w"), indent=1)
EOF
[ -n "${BENCH_RAW:-}" ] && cp "$RAW" "$BENCH_RAW" && say "raw data copied to $BENCH_RAW"
OUT=-
[ -n "$RESULTS" ] && [ "$RESULTS" != - ] && OUT=$RESULTS
echo
"$PY" "$HERE/bench.py" report "$RAW" "$META" "$OUT" || die "report failed"
[ "$OUT" != - ] && say "results written to $OUT (section \"$LABEL\")"
exit 0
