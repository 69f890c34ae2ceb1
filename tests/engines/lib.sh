# Shared helpers for tests/engines/*.sh: TAP output, assertions, cleanup.
# Sourced, not run.

# ---- scenario registry and TAP runner --------------------------------------
ENGINE_TESTS=()
# t NAME FUNCTION: register a scenario
t() { ENGINE_TESTS+=("$2|$1"); }

_tap_n=0 _tap_pass=0 _tap_fail=0 _tap_skip=0

# run_tests PREFIX: run the registered scenarios (those whose name matches
# $ENGINES_FILTER, an extended regex, when set), one TAP line each.
# A scenario function runs in a subshell under `set -eu`, its output goes to
# a log printed as TAP diagnostics when it fails. It passes by returning 0,
# fails on any failing command, skips through `skip REASON`.
run_tests() {
    local prefix=$1 entry fn name log rc sel=()
    for entry in "${ENGINE_TESTS[@]}"; do
        name=${entry#*|}
        if [ -n "${ENGINES_FILTER:-}" ] && ! [[ "$prefix: $name" =~ $ENGINES_FILTER ]]; then
            continue
        fi
        sel+=("$entry")
    done
    echo "1..${#sel[@]}"
    mkdir -p "$WORK/logs"
    for entry in "${sel[@]}"; do
        fn=${entry%%|*} name=${entry#*|}
        _tap_n=$((_tap_n + 1))
        log=$WORK/logs/$_tap_n.log
        rm -f "$WORK/skip-reason" "$WORK/notes"
        local t0=$SECONDS
        if [ -n "${ENGINES_DEADLINE:-}" ] && [ "$(date +%s)" -ge "$ENGINES_DEADLINE" ]; then
            _tap_fail=$((_tap_fail + 1))
            echo "not ok $_tap_n - $prefix: $name"
            echo "# not run: the time budget (ENGINES_DEADLINE) is used up"
            continue
        fi
        # fd 3 is the log too: cmd() traces there, out of captured output.
        # The scenario runs as its own process group (set -m) so that a
        # watchdog can end it, children included, after $SCENARIO_TIMEOUT s.
        set -m
        ( set -eu; "$fn" ) >"$log" 2>&1 3>&1 </dev/null &
        local job=$!
        set +m
        ( for _ in $(seq "${SCENARIO_TIMEOUT:-150}"); do sleep 1; kill -0 $job 2>/dev/null || exit 0; done
          echo "WATCHDOG: scenario still running after ${SCENARIO_TIMEOUT:-150}s, killed" >> "$log"
          kill -TERM -- -$job 2>/dev/null; sleep 2; kill -KILL -- -$job 2>/dev/null ) >/dev/null 2>&1 </dev/null &
        local dog=$!
        wait $job
        rc=$?
        kill $dog 2>/dev/null; wait $dog 2>/dev/null
        if declare -F after_each >/dev/null; then after_each >>"$log" 2>&1 3>&1 </dev/null; fi
        local dt=$((SECONDS - t0))
        if [ $rc = 0 ]; then
            _tap_pass=$((_tap_pass + 1))
            echo "ok $_tap_n - $prefix: $name"
        elif [ $rc = 77 ]; then
            _tap_skip=$((_tap_skip + 1))
            echo "ok $_tap_n - $prefix: $name # SKIP $(cat "$WORK/skip-reason" 2>/dev/null || echo 'no reason given')"
        else
            _tap_fail=$((_tap_fail + 1))
            echo "not ok $_tap_n - $prefix: $name"
            echo "# exit status $rc after ${dt}s; last lines of the scenario log:"
            tail -n "${ENGINES_DIAG_LINES:-25}" "$log" | sed 's/^/#   /'
        fi
        if [ -s "$WORK/notes" ]; then sed 's/^/# note: /' "$WORK/notes"; fi
        if [ -n "${ENGINES_VERBOSE:-}" ]; then sed 's/^/#   | /' "$log"; fi
    done
    echo "# $prefix: $_tap_pass passed, $_tap_fail failed, $_tap_skip skipped"
    [ $_tap_fail = 0 ]
}

# skip REASON: end the current scenario as a TAP skip
skip() { echo "$*" > "$WORK/skip-reason"; echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
# note TEXT: a remark printed as a TAP comment under the scenario's result
note() { echo "NOTE: $*"; echo "$*" >> "$WORK/notes"; }

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
    if [ "$1" != "$2" ]; then
        echo "FAIL: $3: expected '$2', got '$1'"; exit 1
    fi
    echo "checked: $3 = '$2'"
}
# expect_match ACTUAL ERE WHAT
expect_match() {
    if ! [[ "$1" =~ $2 ]]; then
        echo "FAIL: $3: expected to match /$2/, got '$1'"; exit 1
    fi
    echo "checked: $3 =~ /$2/"
}

# cmd ARGS...: log and run a command, with a time limit ($CMD_TIMEOUT)
cmd() {
    echo "+ $*" >&3
    timeout -k 5 "${CMD_TIMEOUT:-40}" "$@"
}

# status_field PID FIELD: a field of /proc/PID/status
status_field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# cgroup_file PID CONTROLLER FILE: read a cgroup v1 file of a (host) pid,
# falling back to its cgroup2 directory. Prints the value.
cgroup_file() {
    local pid=$1 ctrl=$2 file=$3 path
    path=$(awk -F: -v c="$ctrl" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$pid/cgroup")
    if [ -n "$path" ] && [ -e "/sys/fs/cgroup/$ctrl$path/$file" ]; then
        echo "reading /sys/fs/cgroup/$ctrl$path/$file" >&2
        cat "/sys/fs/cgroup/$ctrl$path/$file"; return
    fi
    path=$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")
    local base=/sys/fs/cgroup/unified
    [ -d $base ] || base=/sys/fs/cgroup
    echo "reading $base$path/$file" >&2
    cat "$base$path/$file"
}

# wait_until SECONDS COMMAND...: poll COMMAND every 0.2s
wait_until() {
    local limit=$1; shift
    local end=$((SECONDS + limit))
    while [ $SECONDS -lt $end ]; do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    echo "timed out after ${limit}s waiting for: $*"
    return 1
}

# read_count PID: the counter a pause scenario's container writes to /tmp/count
read_count() {
    local v
    for _ in 1 2 3 4 5; do
        v=$(cat "/proc/$1/root/tmp/count" 2>/dev/null) && [ -n "$v" ] && { echo "$v"; return; }
        sleep 0.05
    done
    echo "no counter in /proc/$1/root/tmp/count" >&2; echo 0
}

# ---- cleanup helpers --------------------------------------------------------
# umount_under DIR: unmount everything mounted at or below DIR (deepest first)
umount_under() {
    local d=$1 m
    [ -n "$d" ] || return 0
    for m in $(awk -v d="$d" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
        umount -l "$m" 2>/dev/null || true
    done
}

# rm_cgroups NAME: remove cgroup directories /sys/fs/cgroup/*/NAME (deepest
# first), killing nothing: only empty directories go.
rm_cgroups() {
    local name=${1#/} d
    [ -n "$name" ] || return 0
    for d in /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name"; do
        [ -d "$d" ] || continue
        find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    done
}

# kill_procs_mentioning STRING...: SIGKILL processes whose command line
# contains one of the STRINGs (our unique temp dir, our container ids):
# leftover conmon/shim processes and runtime calls stuck on a lock. Each is
# killed by its own pid; this shell and its parents are spared.
kill_procs_mentioning() {
    local p s line spare=" $$ $PPID ${BASHPID:-} "
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [[ "$spare" == *" $p "* ]] && continue
        line=$({ tr '\0' ' ' < "/proc/$p/cmdline"; } 2>/dev/null) || continue
        [ -n "$line" ] || continue
        for s in "$@"; do
            [ ${#s} -gt 8 ] || continue
            if [[ "$line" == *"$s"* ]] && [[ "$line" != *"tests/engines/"* ]]; then
                echo "cleanup: killing leftover pid $p: ${line:0:150}" >&2
                kill -9 "$p" 2>/dev/null || true
                break
            fi
        done
    done
}

# resolve_runtime NAME-OR-PATH: print an absolute path of an executable
resolve_runtime() {
    local r=$1
    case "$r" in
        */*) ;;
        *) r=$(command -v "$r" || true) ;;
    esac
    [ -n "$r" ] && [ -x "$r" ] || { echo "runtime '$1' is not an executable" >&2; return 1; }
    echo "$(cd "$(dirname "$r")" && pwd)/$(basename "$r")"
}
