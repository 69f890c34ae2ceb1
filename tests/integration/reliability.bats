#!/usr/bin/env bats
# reliability.bats - load, same-id races, crashes at every phase,
# resource exhaustion, hostile input, fuzz, long runs.  Nothing may leak
# and nothing may be left half-made.
#
# Every test snapshots what the runtime can leave behind (state root,
# cgroup directories, mounts, network namespaces, the test shell's fds,
# processes) in setup and compares at the end (`no_leaks`).  Processes are
# recognised by OCIRUN_REL_TAG=<tag> in their environment: every runtime
# invocation here and every container process gets it, so an orphan
# reparented to init is found too.  Container ids and so the cgroup
# directories hold the tag as well.
#
# Sizes are bounded for `make check`; OCIRUN_STRESS=1 (make check-stress)
# runs the heavy versions.  Crash tests need a runtime built with the
# crash injection points: $OCIRUN_HOOKS (make check builds
# tests/stress/ocirun-hooks, which is also ASan+UBSan), or $OCIRUN itself
# when it was configured with --enable-test-hooks; else they skip.
#
# Which runtime: when $OCIRUN_HOOKS is an ASan+UBSan build (make check),
# every test runs it, so $OCIRUN below is that build and $PLAIN the
# normal binary; OCIRUN_REL_RUNTIME=normal runs the normal binary instead
# (make check-stress runs the file both ways).  Hostile input always goes
# to both.  Under the sanitizers every runtime process writes its reports
# to $SAN_DIR (log_path, so that a detached or background process whose
# stderr nobody reads is heard too) and aborts at the first one; a report
# file fails the test (no_sanitizer_report, no_leaks and teardown).

load helpers

REL=$BATS_TEST_DIRNAME/../stress/reliability.py

stress () { [ -n "${OCIRUN_STRESS:-}" ]; }
# scale CI STRESS: the number for this run.
scale () { if stress; then echo "$2"; else echo "$1"; fi; }

# The ASan+UBSan build, when there is one (it links libasan.so: the
# symbol, not the word "AddressSanitizer", is in the binary).
san_bin () {
  if [ -n "${OCIRUN_HOOKS:-}" ] && [ -x "$OCIRUN_HOOKS" ] \
     && grep -qa __asan_init "$OCIRUN_HOOKS"; then
    echo "$OCIRUN_HOOKS"
  fi
}

# Say which runtime this run tests (OCIRUN_REL_RUNTIME=sanitized insists).
setup_file () {
  if [ -n "$(san_bin)" ] && [ "${OCIRUN_REL_RUNTIME:-}" != normal ]; then
    echo "# reliability.bats: runtime under test: $(san_bin) (ASan+UBSan)" >&3
  elif [ "${OCIRUN_REL_RUNTIME:-}" = sanitized ]; then
    echo "OCIRUN_REL_RUNTIME=sanitized, but \$OCIRUN_HOOKS is no ASan build" >&2
    return 1
  else
    echo "# reliability.bats: runtime under test: $OCIRUN (normal build; no sanitizers)" >&3
  fi
}

# Is $OCIRUN the sanitizer build?
sanitized () { [ -n "${SAN_DIR:-}" ]; }

setup () {
  PLAIN=$OCIRUN
  SAN_DIR=
  if [ "${OCIRUN_REL_RUNTIME:-}" != normal ] && [ -n "$(san_bin)" ]; then
    OCIRUN=$(san_bin)
  fi
  setup_bundle
  if grep -qa __asan_init "$OCIRUN"; then
    SAN_DIR=$TEST_TMP/sanitizer
    mkdir "$SAN_DIR"
    # Reports abort the process (status 134), leaks included.
    export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:log_path=$SAN_DIR/asan"
    export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$SAN_DIR/ubsan"
  fi
  TAG="rel$$r${BATS_TEST_NUMBER}x$RANDOM"
  ID="$TAG-c"
  config_set ".process.args = [\"sleep\", \"1000\"] | .process.env += [\"OCIRUN_REL_TAG=$TAG\"]"
  # The runtime's own setrlimit of RLIMIT_NOFILE would defeat `ulimit -n`.
  config_set 'del(.process.rlimits)'
  BUSYBOX_INODE=$(stat -c '%d:%i' "$BUNDLE/rootfs/bin/busybox")
  cp "$BUNDLE/config.json" "$TEST_TMP/base.json"
  /usr/bin/python3 "$REL" snapshot --tag "$TAG" --root "$ROOT" \
    --fd-pid "$BASHPID" --path "$TEST_TMP" --out "$TEST_TMP/snapshot.json"
}

teardown () {
  # Never leave anything behind, whatever failed.
  local p
  for p in $(tagged_pids) $(grep -lsazx "OCIRUN_REL_VICTIM=$TAG" /proc/[0-9]*/environ \
               | sed -n "s|^/proc/\([0-9]*\)/environ\$|\1|p"); do
    kill -9 "$p" 2>/dev/null || true
  done
  if [ -n "${ROOT:-}" ] && [ -d "$ROOT" ]; then
    for p in $(ls "$ROOT" 2>/dev/null); do
      "${HOOKS:-$OCIRUN}" --root "$ROOT" delete --force "$p" >/dev/null 2>&1 || true
    done
  fi
  if [ -n "${TAG:-}" ]; then
    find /sys/fs/cgroup -depth -type d -name "*$TAG*" -exec rmdir {} + 2>/dev/null || true
  fi
  if [ -n "${TEST_TMP:-}" ]; then
    awk -v t="$TEST_TMP" '$5 ~ "^" t { print $5 }' /proc/self/mountinfo \
      | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  fi
  # Reports of any runtime process, the cleanup above included.
  local reports
  reports=$(sanitizer_reports)
  teardown_bundle
  if [ -n "$reports" ]; then
    echo "$reports" >&2
    echo "FAIL: sanitizer report(s) (above)" >&2
    return 1
  fi
}

# The report files in $SAN_DIR, with their contents.
sanitizer_reports () {
  [ -n "${SAN_DIR:-}" ] && [ -d "$SAN_DIR" ] || return 0
  local f
  for f in "$SAN_DIR"/*; do
    [ -e "$f" ] || continue
    echo "== $f"
    head -c 20000 "$f"
  done
}

# Fail the test right here (exit: a `return` would be lost when the
# checking function runs in a conditional context, where errexit is off).
# $CTX, when set, says which case of a loop was running.
fail () {
  echo "FAIL: ${CTX:+$CTX: }$*" >&2
  exit 1
}

# ---- helpers ---------------------------------------------------------------

# pids with OCIRUN_REL_TAG=$TAG in their environment.
tagged_pids () {
  grep -lsazx "OCIRUN_REL_TAG=$TAG" /proc/[0-9]*/environ \
    | sed -n "s|^/proc/\([0-9]*\)/environ\$|\1|p" | grep -vx "$BASHPID" || true
}

# Compare with the snapshot of setup: the state root, cgroups with the
# tag, mounts under $TEST_TMP, network namespaces held by our processes,
# the test shell's fds, tagged processes.
no_leaks () {
  no_sanitizer_report
  if ! /usr/bin/python3 "$REL" compare --tag "$TAG" --root "$ROOT" \
         --fd-pid "$BASHPID" --path "$TEST_TMP" \
         --against "$TEST_TMP/snapshot.json" >"$TEST_TMP/leaks" 2>&1; then
    cat "$TEST_TMP/leaks" >&2
    fail "something was left behind"
  fi
}

# rtx BINARY ARGS...: run the runtime with the tag, stdio on files (a
# container process keeps them open); sets $rc, $out, $err.
rtx () {
  local bin=$1
  shift
  rc=0
  OCIRUN_REL_TAG=$TAG "$bin" --root "$ROOT" "$@" </dev/null \
    >"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?
  out=$(cat "$TEST_TMP/out")
  err=$(cat "$TEST_TMP/err")
}

rt () { rtx "$OCIRUN" "$@"; }

no_sanitizer_report () {
  # (the last: a report that could not be written to $SAN_DIR, EMFILE)
  if grep -qE "AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer|^ERROR: Can't open file: " <<<"$err"; then
    fail "sanitizer report: $err"
  fi
  local reports
  reports=$(sanitizer_reports)
  [ -z "$reports" ] || fail "sanitizer report: $reports"
}

# The last command succeeded.
expect_ok () {
  no_sanitizer_report
  [ "$rc" -eq 0 ] || fail "${1:-command} failed with $rc: $err"
}

# The last command failed with status 1 and an `ocirun: <message>` line,
# the message matching the extended regex $1 when given.
expect_clear_error () {
  no_sanitizer_report
  [ "$rc" -eq 1 ] || fail "expected exit status 1, got $rc; stderr: $err"
  grep -qE '^ocirun: .{6,}' <<<"$err" || fail "no clear error message: $err"
  if [ -n "${1:-}" ] && ! grep -qE -- "$1" <<<"$err"; then
    fail "error does not say /$1/: $err"
  fi
}

# Nothing of container $1 exists: state says so, no cgroup directory, no
# state directory, no process with the tag.
gone () {
  rt state "$1"
  expect_clear_error "does not exist"
  [ ! -e "$ROOT/$1" ] || fail "state directory $ROOT/$1 is left"
  local cg
  # (find fails when others' cgroups vanish during the walk)
  cg=$(find /sys/fs/cgroup -type d -name "$1" 2>/dev/null || true)
  [ -z "$cg" ] || fail "cgroup left: $cg"
  [ -z "$(tagged_pids)" ] || fail "processes left: $(tagged_pids)"
}

# The tagged processes, described.
describe_pids () {
  local p
  for p in $(tagged_pids); do
    echo "$p $(tr '\0' ' ' </proc/$p/cmdline 2>/dev/null) [$(awk '{print $3}' /proc/$p/stat 2>/dev/null)]"
  done
}

alive () {
  local st
  st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# The process runs the container's program (busybox of the rootfs).
runs_user_program () {
  [ "$(stat -L -c '%d:%i' "/proc/$1/exe" 2>/dev/null)" = "$BUSYBOX_INODE" ]
}

# What `state` and `list` (using binary $1) say about $2 matches reality:
#   created  the recorded process lives and has not exec'd the program;
#   running  it lives and runs the program (or a process is paused);
#   stopped  no process of the container is left;
#   failure  "does not exist" (or "being created" while a runtime lives).
truthful () {
  local bin=$1 id=$2 st pid lst
  rtx "$bin" state "$id"
  no_sanitizer_report
  if [ "$rc" -ne 0 ]; then
    expect_clear_error "does not exist|being created"
    if grep -q "being created" <<<"$err"; then
      pgrep -f -- "--root $ROOT" >/dev/null \
        || fail "state says \`$id\` is being created, but no runtime is running: $err"
    fi
    rtx "$bin" list --format json
    expect_ok "list"
    if jq -e --arg id "$id" '(. // []) | map(select(.id == $id and .status != "creating")) | length > 0' <<<"$out" >/dev/null; then
      fail "list shows \`$id\`, which state does not know: $out"
    fi
    return 0
  fi
  st=$(jq -r .status <<<"$out")
  pid=$(jq -r .pid <<<"$out")
  case $st in
    created)
      alive "$pid" || fail "state: created, but pid $pid is not alive"
      ! runs_user_program "$pid" \
        || fail "state: created, but pid $pid already runs the container's program ($(describe_pids))"
      ;;
    running | paused)
      alive "$pid" || fail "state: $st, but pid $pid is not alive"
      runs_user_program "$pid" \
        || fail "state: $st, but pid $pid does not run the container's program"
      ;;
    stopped)
      # A setup child that lost its runtime exits as soon as it sees EOF:
      # give it a moment (bounded) before calling it a leftover.
      local i
      for i in $(seq 100); do
        [ -z "$(tagged_pids)" ] && break
        sleep 0.02
      done
      [ -z "$(tagged_pids)" ] \
        || fail "state: stopped, but container processes live: $(describe_pids)"
      ;;
    *) fail "state printed status \`$st\`" ;;
  esac
  rtx "$bin" list --format json
  expect_ok "list"
  lst=$(jq -r --arg id "$id" '(. // [])[] | select(.id == $id) | .status' <<<"$out")
  [ "$lst" = "$st" ] || fail "list says \`$lst\`, state says \`$st\`"
}

# The crash injection build, or nothing.
hooks_bin () {
  if [ -n "${OCIRUN_HOOKS:-}" ] && [ -x "$OCIRUN_HOOKS" ]; then
    echo "$OCIRUN_HOOKS"
  elif grep -qa OCIRUN_TEST_STOP_AT "$OCIRUN" 2>/dev/null; then
    echo "$OCIRUN"
  fi
}

# The runtimes hostile input goes to: the normal binary, plus the
# sanitizer build.
hostile_bins () {
  echo "$PLAIN"
  local h
  h=$(san_bin)
  if [ -n "$h" ] && [ "$h" != "$PLAIN" ]; then
    echo "$h"
  fi
}

# ---- the leak checker itself -------------------------------------------------

@test "reliability: the leak checker sees each kind of leftover" {
  # A tagged process, a tagged cgroup, a mount, a state entry and an fd:
  # every one must be reported, and nothing once they are gone.
  OCIRUN_REL_TAG=$TAG sleep 1000 &
  local sleeper=$!
  mkdir /sys/fs/cgroup/pids/"$TAG"
  mkdir "$TEST_TMP/mnt" && mount -t tmpfs tmpfs "$TEST_TMP/mnt"
  mkdir "$ROOT/$TAG-fake"
  exec {extra}>"$TEST_TMP/extra-fd"
  local rc=0
  /usr/bin/python3 "$REL" compare --tag "$TAG" --root "$ROOT" \
    --fd-pid "$BASHPID" --path "$TEST_TMP" \
    --against "$TEST_TMP/snapshot.json" >"$TEST_TMP/leaks" 2>&1 || rc=$?
  exec {extra}>&-
  kill -9 "$sleeper"
  wait "$sleeper" || true
  rmdir /sys/fs/cgroup/pids/"$TAG"
  umount "$TEST_TMP/mnt"
  rmdir "$ROOT/$TAG-fake"
  cat "$TEST_TMP/leaks"
  [ "$rc" -eq 1 ]
  grep -q "process left running: $sleeper " "$TEST_TMP/leaks"
  grep -q "cgroup left behind: /sys/fs/cgroup/pids/$TAG" "$TEST_TMP/leaks"
  grep -q "mount left behind.*tmpfs on $TEST_TMP/mnt" "$TEST_TMP/leaks"
  grep -q "state root .*$TAG-fake" "$TEST_TMP/leaks"
  grep -q "fds of the test process changed: opened {$extra: '$TEST_TMP/extra-fd'}" "$TEST_TMP/leaks"
  no_leaks
}

@test "reliability: sanitizer output of every runtime process is caught" {
  sanitized || skip "the runtime under test is not the ASan+UBSan build (\$OCIRUN_HOOKS)"
  # verbosity=1 makes ASan write to the report channel (log_path) at
  # start, as a report would: from the runtime and from what it leaves
  # running (the container's setup process, until it execs).
  ASAN_OPTIONS="$ASAN_OPTIONS:verbosity=1" rt run --detach --bundle "$BUNDLE" "$ID"
  [ "$rc" -eq 0 ] || fail "run --detach: $err"
  local files
  files=$(ls "$SAN_DIR")
  [ -n "$files" ] || fail "nothing was written to $SAN_DIR"
  grep -q "AddressSanitizer" "$SAN_DIR"/* || fail "not ASan's output: $(sanitizer_reports)"
  # Not on stderr, where a detached process's report would be lost...
  ! grep -q "AddressSanitizer" <<<"$err" || fail "ASan wrote to stderr: $err"
  # ...and the checks see it.
  if (no_sanitizer_report) 2>/dev/null; then
    fail "no_sanitizer_report passes with reports in $SAN_DIR"
  fi
  rm -f "$SAN_DIR"/*
  rt delete --force "$ID"
  expect_ok "delete --force"
  gone "$ID"
  no_leaks
}

# ---- concurrency ---------------------------------------------------------------

@test "reliability: containers by parallel workers (create/start/exec/kill/delete)" {
  # The driver runs in a private mount namespace as a child subreaper and
  # compares its own snapshot (mounts exact, strays by parent chain).
  local n jobs
  n=$(scale 25 50)
  jobs=$(scale 8 16)
  run /usr/bin/python3 "$REL" concurrency --ocirun "$OCIRUN" --root "$ROOT" \
    --bundle "$BUNDLE" --tag "$TAG" --containers "$n" --jobs "$jobs" \
    --workdir "$TEST_TMP/work"
  echo "$output"
  [ "$status" -eq 0 ]
  # exec was part of the load (a broken exec fails the driver's probe)
  grep -q "concurrency: $n containers, .* exec on" <<<"$output"
  grep -q "snapshot after: identical" <<<"$output"
  no_leaks
}

@test "reliability: same-id races (create/create, delete/delete, start/kill, ...)" {
  local rounds
  rounds=$(scale 6 200)
  run /usr/bin/python3 "$REL" races --ocirun "$OCIRUN" --root "$ROOT" \
    --bundle "$BUNDLE" --tag "$TAG" --rounds "$rounds" --jobs 16 \
    --workdir "$TEST_TMP/work"
  echo "$output"
  grep "skipped" <<<"$output" | sed 's/^#* */# /' >&3 || true
  [ "$status" -eq 0 ]
  grep -q "races: $rounds rounds" <<<"$output"
  grep -q "snapshot after: identical" <<<"$output"
  no_leaks
}

# ---- long run ------------------------------------------------------------------

@test "reliability: sequential run/delete cycles keep RSS and host resources flat" {
  local n
  n=$(scale 100 1000)
  command -v /usr/bin/time >/dev/null || skip "GNU time (/usr/bin/time) is not installed: no RSS figures"
  run /usr/bin/python3 "$REL" cycles --ocirun "$OCIRUN" --root "$ROOT" \
    --bundle "$BUNDLE" --tag "$TAG" --count "$n" --check-every "$(scale 25 100)" \
    --workdir "$TEST_TMP/work"
  echo "$output"
  [ "$status" -eq 0 ]
  grep -q "cycles: $n run/delete cycles" <<<"$output"
  grep -q "RSS of \`run\` over $n invocations" <<<"$output"
  no_leaks
}

# ---- crash consistency -----------------------------------------------------------

# crash_at PHASE: kill the runtime at PHASE; check what is left is told
# truthfully, that delete --force removes all of it and that the id can
# be used again.
crash_at () {
  local phase=$1
  HOOKS=$(hooks_bin)
  [ -n "$HOOKS" ] || skip "no runtime with crash injection points (set OCIRUN_HOOKS or configure --enable-test-hooks)"
  case $phase in
    create-*)
      OCIRUN_TEST_STOP_AT=$phase rtx "$HOOKS" create --bundle "$BUNDLE" "$ID"
      ;;
    start-*)
      rtx "$HOOKS" create --bundle "$BUNDLE" "$ID"
      expect_ok create
      OCIRUN_TEST_STOP_AT=$phase rtx "$HOOKS" start "$ID"
      ;;
    delete-*)
      rtx "$HOOKS" run --detach --bundle "$BUNDLE" "$ID"
      expect_ok "run --detach"
      OCIRUN_TEST_STOP_AT=$phase rtx "$HOOKS" delete --force "$ID"
      ;;
  esac
  [ "$rc" -eq 137 ] || fail "the runtime was not killed at $phase (status $rc): $err"
  grep -q "test hook: killed at $phase" <<<"$err" || fail "wrong phase: $err"
  truthful "$HOOKS" "$ID"
  # The id stays taken (never reclaimed by a create: it could be racing a
  # live one), and the error says what to do when a dead command left it.
  local hint=""
  case $phase in
    create-cgroup-dirs | create-cgroup | create-clone | create-child-ready | create-before-state)
      hint="already exists (left by a create that did not finish; remove it with 'ocirun delete --force $ID')"
      ;;
    create-state-dir | delete-state-files)
      # (no state.json: which command it was is not known)
      hint="already exists (left by a create or delete that did not finish; remove it with 'ocirun delete --force $ID')"
      ;;
  esac
  rtx "$HOOKS" create --bundle "$BUNDLE" "$ID"
  expect_clear_error "container .$ID. already exists"
  if [ -n "$hint" ]; then
    grep -qF -- "$hint" <<<"$err" || fail "create after a crash at $phase: no hint: $err"
  else
    # A container that is really there (created, running or stopped):
    # the plain message, as runc's.
    ! grep -q "did not finish" <<<"$err" || fail "create after a crash at $phase: $err"
  fi
  # That failed create changed nothing.
  truthful "$HOOKS" "$ID"
  rtx "$HOOKS" delete --force "$ID"
  expect_ok "delete --force after a crash at $phase"
  gone "$ID"
  # The id is free again and works.
  rtx "$HOOKS" create --bundle "$BUNDLE" "$ID"
  expect_ok "create again"
  rtx "$HOOKS" start "$ID"
  expect_ok "start"
  truthful "$HOOKS" "$ID"
  rtx "$HOOKS" delete --force "$ID"
  expect_ok "delete --force"
  gone "$ID"
  no_leaks
}

@test "crash: runtime killed after the state directory is made" {
  crash_at create-state-dir
}

@test "crash: runtime killed with the cgroup directories made, no limits yet" {
  config_set '.linux.resources.pids.limit = 100'
  crash_at create-cgroup-dirs
}

@test "crash: runtime killed after the cgroup is created" {
  crash_at create-cgroup
}

@test "crash: runtime killed right after clone" {
  crash_at create-clone
}

@test "crash: runtime killed when the child is ready" {
  crash_at create-child-ready
}

@test "crash: runtime killed before state.json is written" {
  crash_at create-before-state
}

@test "crash: runtime killed after state.json is written" {
  crash_at create-after-state
}

@test "crash: start killed before it signals the container" {
  crash_at start-before-signal
}

@test "crash: start killed after the container process exec'd" {
  crash_at start-after-signal
}

@test "crash: delete killed after killing the process" {
  crash_at delete-after-kill
}

@test "crash: delete killed after removing the cgroup" {
  crash_at delete-after-cgroup
}

@test "crash: delete killed with the state directory emptied" {
  crash_at delete-state-files
}

# ---- resource exhaustion -----------------------------------------------------------

@test "exhaustion: pid limit reached inside a container" {
  config_set '.linux.resources.pids.limit = 4'
  rt run --detach --bundle "$BUNDLE" "$ID"
  expect_ok "run --detach"
  # A shell in the container forks until the kernel refuses.
  rt exec "$ID" sh -c 'i=0; while [ $i -lt 20 ]; do sleep 1000 & i=$((i+1)); done'
  no_sanitizer_report
  [ "$rc" -ne 0 ] || fail "20 forks under pids.limit 4 all succeeded"
  grep -q "can't fork" <<<"$err$out" || fail "the limit was not what stopped it: $err"
  local cg
  cg=$(find /sys/fs/cgroup/pids -type d -name "$ID" 2>/dev/null || true)
  [ -n "$cg" ] || fail "no pids cgroup for $ID"
  # The kernel counted refused forks.
  grep -qE '^max [1-9]' "$cg/pids.events" \
    || fail "pids.events: $(cat "$cg/pids.events")"
  # The runtime still manages it.
  truthful "$OCIRUN" "$ID"
  rt ps "$ID"
  expect_ok ps
  rt kill --all "$ID" KILL
  expect_ok "kill --all"
  local i
  for i in $(seq 200); do
    rt state "$ID"
    [ "$(jq -r .status <<<"$out")" = stopped ] && break
    sleep 0.05
  done
  [ "$(jq -r .status <<<"$out")" = stopped ] || fail "not stopped after kill --all"
  rt delete "$ID"
  expect_ok delete
  gone "$ID"
  no_leaks
}

@test "exhaustion: pid limit of 1 stops the container's own forks, not the runtime" {
  config_set '.linux.resources.pids.limit = 1 | .process.args = ["sh", "-c", "sleep 1 & wait; echo forked"]'
  rt run --bundle "$BUNDLE" "$ID"
  no_sanitizer_report
  [ "$rc" -ne 0 ] || fail "sh forked under pids.limit 1: $out"
  grep -q "can't fork" <<<"$err" || fail "unexpected failure: $err"
  gone "$ID"
  no_leaks
}

# ENOSPC: $ROOT on a tiny tmpfs in a private mount namespace (it goes away
# with the namespace).  Every create either works or fails clearly and
# leaves nothing; a full disk at start/delete is survived.
enospc_case () {
  local opt=$1 id=$2
  mount -t tmpfs -o "$opt" tmpfs "$ROOT" || return 1
  rt create --bundle "$BUNDLE" "$id"
  if [ "$rc" -eq 0 ]; then
    echo "# $opt: create works"
    rt start "$id"
    expect_ok start
    rt delete --force "$id"
    expect_ok "delete --force"
  else
    echo "# $opt: $err"
    expect_clear_error "No space left on device"
  fi
  [ -z "$(ls -A "$ROOT")" ] || fail "$opt: state root not empty: $(ls -A "$ROOT")"
  umount "$ROOT"
  gone "$id"
}

enospc_full_later () {
  local id=$1 what=$2 first
  mount -t tmpfs -o size=256k tmpfs "$ROOT" || return 1
  rt create --bundle "$BUNDLE" "$id"
  expect_ok create
  if [ "$what" = delete ]; then
    rt start "$id"
    expect_ok start
  fi
  # Fill it up.
  dd if=/dev/zero of="$ROOT/fill" bs=4k 2>/dev/null || true
  [ "$(df -k --output=avail "$ROOT" | tail -1)" -eq 0 ] || fail "could not fill $ROOT"
  if [ "$what" = start ]; then
    rt start "$id"
  else
    rt delete --force "$id"
  fi
  first=$rc
  echo "# $what on a full state root: status $rc: $err"
  [ "$rc" -eq 0 ] || expect_clear_error "No space left on device"
  truthful "$OCIRUN" "$id"
  if [ "$what" = start ] || [ "$first" -ne 0 ]; then
    rt delete --force "$id"
    expect_ok "delete --force on a full state root"
  fi
  rm -f "$ROOT/fill"
  [ -z "$(ls -A "$ROOT")" ] || fail "state root not empty: $(ls -A "$ROOT")"
  umount "$ROOT"
  gone "$id"
}

in_private_mountns () {
  unshare -m --propagation private -- bash -c "
    set -e
    $(declare -f rt rtx fail no_sanitizer_report sanitizer_reports expect_ok \
        expect_clear_error gone tagged_pids describe_pids truthful alive \
        runs_user_program enospc_case enospc_full_later)
    ROOT='$ROOT' TEST_TMP='$TEST_TMP' BUNDLE='$BUNDLE' TAG='$TAG' OCIRUN='$OCIRUN'
    SAN_DIR='$SAN_DIR'
    BUSYBOX_INODE='$BUSYBOX_INODE'
    $*"
}

@test "exhaustion: ENOSPC and no inodes on the state root" {
  command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
  local opts="nr_inodes=1 nr_inodes=2 nr_inodes=3 nr_inodes=4 nr_inodes=5 size=4k size=16k size=64k"
  stress && opts="$opts nr_inodes=6 nr_inodes=8 size=8k size=12k size=24k size=32k size=48k size=128k"
  local o i=0 script=""
  for o in $opts; do
    i=$((i + 1))
    script="$script enospc_case $o $ID$i;"
  done
  run in_private_mountns "$script"
  echo "$output"
  [ "$status" -eq 0 ]
  # The sizes did run it out of space (and, at the larger ones, not).
  grep -q "No space left on device" <<<"$output"
  grep -q "create works" <<<"$output"
  no_leaks
}

@test "exhaustion: state root full at start is told truthfully" {
  command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
  run in_private_mountns "enospc_full_later $ID start"
  echo "$output"
  [ "$status" -eq 0 ]
  no_leaks
}

@test "exhaustion: state root full at delete" {
  command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
  run in_private_mountns "enospc_full_later $ID delete"
  echo "$output"
  [ "$status" -eq 0 ]
  no_leaks
}

# with_nofile N CMD...: the runtime with RLIMIT_NOFILE N and only 0-2 open.
rt_nofile () {
  local n=$1
  shift
  rc=0
  (
    ulimit -n "$n"
    OCIRUN_REL_TAG=$TAG exec "$OCIRUN" --root "$ROOT" "$@"
  ) </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" \
    3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- || rc=$?
  out=$(cat "$TEST_TMP/out")
  err=$(cat "$TEST_TMP/err")
}

@test "exhaustion: EMFILE at every point of create leaves nothing" {
  local n id worked=0 failed=0
  for n in $(seq 4 40); do
    id=$ID$n
    CTX="create with nofile $n"
    rt_nofile "$n" create --bundle "$BUNDLE" "$id"
    if [ "$rc" -eq 0 ]; then
      worked=$((worked + 1))
      rt delete --force "$id"
      expect_ok "delete --force"
    else
      failed=$((failed + 1))
      expect_clear_error "Too many open files"
    fi
    gone "$id"
  done
  CTX=
  echo "# $failed creates failed, $worked worked"
  [ "$failed" -gt 0 ] && [ "$worked" -gt 0 ]
  no_leaks
}

@test "exhaustion: EMFILE in state, list, exec, kill, start and delete" {
  local n
  for n in $(seq 4 $(scale 2 1) 24); do
    CTX="nofile $n"
    rt run --detach --bundle "$BUNDLE" "$ID"
    expect_ok "run --detach"
    # Each either does its job or says it ran out of fds: a running
    # container is never reported stopped, missing or not running.
    rt_nofile "$n" state "$ID"
    if [ "$rc" -eq 0 ]; then
      [ "$(jq -r .status <<<"$out")" = running ] || fail "state: $out"
    else
      expect_clear_error "Too many open files"
    fi
    rt_nofile "$n" list --format json
    if [ "$rc" -eq 0 ]; then
      [ "$(jq -r --arg id "$ID" '(. // [])[] | select(.id == $id) | .status' <<<"$out")" = running ] \
        || fail "list does not show the running container: $out"
    else
      expect_clear_error "Too many open files"
    fi
    rt_nofile "$n" exec "$ID" true
    [ "$rc" -eq 0 ] || expect_clear_error "Too many open files"
    truthful "$OCIRUN" "$ID"
    rt_nofile "$n" kill "$ID" CONT
    [ "$rc" -eq 0 ] || expect_clear_error "Too many open files"
    rt_nofile "$n" delete --force "$ID"
    if [ "$rc" -ne 0 ]; then
      expect_clear_error "Too many open files"
      truthful "$OCIRUN" "$ID"
      rt delete --force "$ID"
      expect_ok "delete --force with enough fds"
    fi
    gone "$ID"
    rt create --bundle "$BUNDLE" "$ID"
    expect_ok create
    rt_nofile "$n" start "$ID"
    [ "$rc" -eq 0 ] || expect_clear_error "Too many open files"
    truthful "$OCIRUN" "$ID"
    rt delete --force "$ID"
    expect_ok "delete --force"
    gone "$ID"
  done
  CTX=
  no_leaks
}

@test "exhaustion: memory-limited runtime (prlimit --as) fails cleanly" {
  command -v prlimit >/dev/null || skip "prlimit (util-linux) is not installed"
  local k id worked=0 failed=0 step
  # ASan reserves terabytes of address space for its shadow at start, so
  # an ASan build cannot run under any of these limits at all: this test
  # measures the normal binary (the memory cgroup test below runs both).
  if sanitized; then
    echo "# prlimit --as: the normal binary (ASan cannot start under an address-space limit)" >&3
  fi
  step=$(scale 128 4)
  for k in $(seq 2048 "$step" $(scale 6144 8192)); do
    id=$ID$k
    CTX="address space ${k}K"
    rc=0
    OCIRUN_REL_TAG=$TAG prlimit --as=$((k * 1024)) "$PLAIN" --root "$ROOT" \
      create --bundle "$BUNDLE" "$id" </dev/null >"$TEST_TMP/out" \
      2>"$TEST_TMP/err" || rc=$?
    err=$(cat "$TEST_TMP/err")
    if [ "$rc" -eq 127 ] && grep -q "error while loading shared libraries" <<<"$err"; then
      continue # the dynamic loader, before ocirun runs at all
    fi
    if [ "$rc" -eq 0 ]; then
      worked=$((worked + 1))
      rt start "$id"
      expect_ok start
      rt delete --force "$id"
      expect_ok "delete --force"
    else
      failed=$((failed + 1))
      [ "$rc" -eq 1 ] || fail "address space ${k}K: status $rc (crash?): $err"
      expect_clear_error "Cannot allocate memory|Resource temporarily unavailable"
    fi
    gone "$id"
  done
  CTX=
  echo "# $failed creates failed for lack of memory, $worked worked"
  [ "$worked" -gt 0 ]
  no_leaks
}

# ---- memory cgroup of the runtime ------------------------------------------------

# Where a memory cgroup for the runtime process can be made: the v1
# memory hierarchy, else a unified hierarchy whose root delegates the
# memory controller.
memcg_root () {
  local d
  if [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
    echo /sys/fs/cgroup/memory
    return
  fi
  for d in /sys/fs/cgroup/unified /sys/fs/cgroup; do
    if [ -f "$d/cgroup.subtree_control" ] && grep -qw memory "$d/cgroup.subtree_control"; then
      echo "$d"
      return
    fi
  done
}

# How many times the kernel's OOM killer acted in cgroup $1.
oom_kills () {
  if [ -f "$1/memory.events" ]; then
    awk '$1 == "oom_kill" { print $2 }' "$1/memory.events"
  else
    awk '$1 == "oom_kill" { print $2 }' "$1/memory.oom_control"
  fi
}

# memcg_create BIN KIB ID: `BIN create ID` run by a shell that first moves
# itself into a fresh memory cgroup limited to KIB KiB (swap included),
# which is removed afterwards.  Sets $rc, $err and $oom (OOM kills in it).
memcg_create () {
  local bin=$1 k=$2 id=$3 cg i
  cg=$(memcg_root)/$TAG-rt
  mkdir "$cg" || fail "mkdir $cg"
  if [ -f "$cg/memory.limit_in_bytes" ]; then
    echo $((k * 1024)) >"$cg/memory.limit_in_bytes"
    if [ -f "$cg/memory.memsw.limit_in_bytes" ]; then
      echo $((k * 1024)) >"$cg/memory.memsw.limit_in_bytes"
    fi
  else
    echo $((k * 1024)) >"$cg/memory.max"
    if [ -f "$cg/memory.swap.max" ]; then echo 0 >"$cg/memory.swap.max"; fi
  fi
  rc=0
  OCIRUN_REL_TAG=$TAG /bin/sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' \
    sh "$cg" "$bin" --root "$ROOT" create --bundle "$BUNDLE" "$id" \
    </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?
  err=$(cat "$TEST_TMP/err")
  oom=$(oom_kills "$cg")
  # A setup child that lost its runtime exits on EOF: wait (bounded).
  for i in $(seq 250); do
    [ -z "$(cat "$cg/cgroup.procs")" ] && break
    sleep 0.02
  done
  [ -z "$(cat "$cg/cgroup.procs")" ] || fail "processes left in $cg: $(cat "$cg/cgroup.procs")"
  rmdir "$cg" || fail "cannot remove $cg"
}

@test "exhaustion: runtime in a small memory cgroup fails cleanly or is OOM-killed, nothing leaks" {
  [ -n "$(memcg_root)" ] || skip "no memory cgroup controller (v1 memory hierarchy or v2 memory in subtree_control)"
  # Only the runtime (and its setup child until it joins the container's
  # cgroups) is charged to the limited cgroup: the container gets an
  # absolute cgroupsPath, not the default, which would nest it under
  # the runtime's own cgroup and so under the limit.
  local bin k id worked killed failed limits
  # (finer around where the normal build, then the ASan one, starts to fit)
  limits="256 512 640 768 896 1024 2048 4096 8192 10240 12288 14336 16384 32768 131072"
  stress && limits="128 256 384 512 576 640 704 768 832 896 960 1024 1536 2048 3072 4096 6144 8192 9216 10240 11264 12288 13312 14336 15360 16384 24576 32768 65536 131072"
  for bin in $(hostile_bins); do
    worked=0 killed=0 failed=0
    for k in $limits; do
      id=$ID-m$k
      CTX="$(basename "$bin") create in a ${k}K memory cgroup"
      config_set ".linux.cgroupsPath = \"/$id\""
      memcg_create "$bin" "$k" "$id"
      no_sanitizer_report
      case $rc in
        0)
          worked=$((worked + 1))
          truthful "$OCIRUN" "$id"
          rt start "$id"
          expect_ok start
          truthful "$OCIRUN" "$id"
          rt delete --force "$id"
          expect_ok "delete --force"
          ;;
        137)
          # SIGKILL: only the OOM killer of that cgroup may have sent it.
          [ "${oom:-0}" -gt 0 ] || fail "killed, but not by the OOM killer: $err"
          killed=$((killed + 1))
          # The create may have died at any point: state tells the
          # truth, delete --force (when there is anything) cleans up.
          truthful "$OCIRUN" "$id"
          rt state "$id"
          echo "# ${k}K: OOM-killed; state: $([ "$rc" -eq 0 ] && jq -r .status <<<"$out" || echo "$err")" >&3
          rt delete --force "$id"
          [ "$rc" -eq 0 ] || expect_clear_error "does not exist"
          ;;
        *)
          failed=$((failed + 1))
          expect_clear_error
          echo "# ${k}K: $err" >&3
          ;;
      esac
      gone "$id"
    done
    CTX=
    echo "# $(basename "$bin"): $worked worked, $failed failed with an error, $killed OOM-killed ($limits KiB)" >&3
    # The smallest limit did stop it, the largest did not.
    [ $((failed + killed)) -gt 0 ] || fail "$(basename "$bin"): no limit was too small"
    [ "$worked" -gt 0 ] || fail "$(basename "$bin"): no limit was large enough"
  done
  no_leaks
}

# ---- hostile input ------------------------------------------------------------------

# hostile_config FILE REGEX: create with FILE as config.json must fail
# with an error matching REGEX (the problem named), in every build, and
# leave nothing.
hostile_config () {
  local file=$1 regex=$2 bin
  cp "$file" "$BUNDLE/config.json"
  for bin in $(hostile_bins); do
    CTX="$(basename "$bin") with $(basename "$file")"
    rtx "$bin" create --bundle "$BUNDLE" "$ID"
    # A setup error is sometimes lost to a broken pipe: a bug of its own,
    # tested by "setup errors reach the user"; not the point here.
    if grep -q "send setup message: Broken pipe" <<<"$err"; then
      gone "$ID"
      rtx "$bin" create --bundle "$BUNDLE" "$ID"
    fi
    expect_clear_error "$regex"
    gone "$ID"
  done
}

# hostile_ok FILE CHECK...: the config works; the container's output
# passes `CHECK "$out"`.
hostile_ok () {
  local file=$1 bin
  shift
  cp "$file" "$BUNDLE/config.json"
  for bin in $(hostile_bins); do
    rtx "$bin" run --bundle "$BUNDLE" "$ID"
    expect_ok "$(basename "$bin") run with $(basename "$file")"
    "$@" "$out" || fail "$(basename "$bin"): unexpected output: ${out:0:300}"
    gone "$ID"
  done
}

# gen NAME PYTHON-CODE: write $TEST_TMP/NAME.json from the test's base
# config `c` (a dict, as setup made it); `raw(text)` appends raw JSON text
# to the object.
gen () {
  local name=$1 expr=$2
  /usr/bin/python3 - "$TEST_TMP/base.json" "$TEST_TMP/$name.json" "$expr" <<'EOF'
import json, sys
src, dst, expr = sys.argv[1:4]
c = json.load(open(src))
extra = []
def raw(text):
    extra.append(text)
exec(expr, {"c": c, "raw": raw, "json": json})
text = json.dumps(c)
for e in extra:
    text = text[:-1] + ", " + e + "}"
with open(dst, "w") as f:
    f.write(text)
EOF
}

@test "hostile: huge and deeply nested config.json" {
  cp "$BUNDLE/config.json" "$TEST_TMP/orig.json"
  # Over the 64 MiB cap: refused before parsing.
  gen huge 'raw("\"pad\": \"" + "x" * (65 * 1024 * 1024) + "\"")'
  hostile_config "$TEST_TMP/huge.json" "larger than|too large"
  gen deep 'raw("\"x\": " + "[" * 100000 + "]" * 100000)'
  hostile_config "$TEST_TMP/deep.json" "nesting|deep"
  gen deepobj 'raw("\"x\": " + "{\"a\": " * 100000 + "1" + "}" * 100000)'
  hostile_config "$TEST_TMP/deepobj.json" "nesting|deep"
  # Unclosed: the parser must not run off the end.
  gen open 'raw("\"x\": " + "[" * 60)'
  hostile_config "$TEST_TMP/open.json" "invalid JSON|premature|parse"
  # Under the cap: a big annotation value is carried into the state.
  local mib
  mib=$(scale 8 60)
  gen bigann "c.update(annotations={'big': 'y' * ($mib * 1024 * 1024)}); c['process'].update(args=['true'])"
  hostile_ok "$TEST_TMP/bigann.json" true
  no_leaks
}

@test "hostile: 100k-entry arrays and maps" {
  gen args "c['process'].update(args=['sh', '-c', 'echo \$#', 'zero'] + ['a'] * 100000)"
  has_n () { [ "$1" = "$N" ]; }
  N=100000 hostile_ok "$TEST_TMP/args.json" has_n
  # (env, not sh: busybox sh takes a minute to import 100k variables)
  gen env "c['process'].update(args=['env'], env=c['process']['env'] + ['V%d=x' % i for i in range(100000)])"
  count_v () { [ "$(grep -c '^V[0-9]*=x$' <<<"$1")" = 100000 ]; }
  hostile_ok "$TEST_TMP/env.json" count_v
  gen ann "c.update(annotations={'k%d' % i: 'v' for i in range(100000)}); c['process'].update(args=['true'])"
  hostile_ok "$TEST_TMP/ann.json" true
  # The kernel takes 340 lines of uid_map: refused up front, no overlap work.
  gen uidmap "c['linux'].update(uidMappings=[{'containerID': i, 'hostID': i, 'size': 1} for i in range(100000)])"
  hostile_config "$TEST_TMP/uidmap.json" 'config\.json: linux\.uidMappings: 100000 entries, the kernel accepts at most 340'
  if stress; then
    # Bind mounts of one directory, not tmpfs: every tmpfs is a superblock,
    # and 100k superblocks at once raise the kernel's shrinker-id high-water
    # mark for good (until reboot).  Each memory cgroup created afterwards
    # then allocates ~1,560 KiB-sized blocks and every container on the
    # machine gets ~1.5 ms slower.
    mkdir -p "$TEST_TMP/empty"
    gen mounts "c.update(mounts=c['mounts'] + [{'destination': '/m%d' % i, 'type': 'bind', 'source': '$TEST_TMP/empty', 'options': ['bind', 'ro']} for i in range(100000)]); c['process'].update(args=['true'])"
    cp "$TEST_TMP/mounts.json" "$BUNDLE/config.json"
    rt run --bundle "$BUNDLE" "$ID"
    [ "$rc" -eq 0 ] || expect_clear_error "mount"
    gone "$ID"
  fi
  no_leaks
}

@test "hostile: NUL bytes in strings" {
  gen nul_arg "c['process'].update(args=['sh\u0000evil'])"
  hostile_config "$TEST_TMP/nul_arg.json" 'process\.args\[0\].*NUL'
  gen nul_env "c['process'].update(env=['A=b\u0000c'])"
  hostile_config "$TEST_TMP/nul_env.json" 'process\.env.*NUL'
  gen nul_cwd "c['process'].update(cwd='/tmp\u0000/x')"
  hostile_config "$TEST_TMP/nul_cwd.json" 'process\.cwd.*NUL'
  gen nul_host "c.update(hostname='a\u0000b')"
  hostile_config "$TEST_TMP/nul_host.json" 'hostname.*NUL'
  gen nul_mount "c['mounts'].append({'destination': '/mnt\u0000x', 'type': 'tmpfs', 'source': 'tmpfs'})"
  hostile_config "$TEST_TMP/nul_mount.json" 'mounts\[[0-9]+\]\.destination.*NUL'
  gen nul_key "c.update(annotations={'a\u0000b': 'c'})"
  hostile_config "$TEST_TMP/nul_key.json" 'annotations.*NUL'
  gen nul_root "c['root'].update(path='rootfs\u0000x')"
  hostile_config "$TEST_TMP/nul_root.json" 'root\.path.*NUL'
  # A raw NUL byte is not JSON at all.
  gen raw_nul 'raw("\"x\": \"a\0b\"")'
  hostile_config "$TEST_TMP/raw_nul.json" "invalid JSON"
  no_leaks
}

@test "hostile: paths longer than PATH_MAX" {
  local long comp
  long=/$(printf 'p/%.0s' $(seq 2100))
  comp=$(printf 'c%.0s' $(seq 300))
  gen root "c['root'].update(path='$long')"
  hostile_config "$TEST_TMP/root.json" "root\.path|too long"
  gen cwd "c['process'].update(cwd='$long')"
  hostile_config "$TEST_TMP/cwd.json" "process\.cwd|too long"
  gen dest "c['mounts'].append({'destination': '$long', 'type': 'tmpfs', 'source': 'tmpfs'})"
  hostile_config "$TEST_TMP/dest.json" "too long|mount"
  gen comp "c['mounts'].append({'destination': '/$comp/x', 'type': 'tmpfs', 'source': 'tmpfs'})"
  hostile_config "$TEST_TMP/comp.json" "too long|mount"
  gen hook "c.update(hooks={'createRuntime': [{'path': '$long'}]})"
  hostile_config "$TEST_TMP/hook.json" "too long|hook"
  cp "$TEST_TMP/base.json" "$BUNDLE/config.json"
  local bin
  for bin in $(hostile_bins); do
    CTX="$(basename "$bin") with long command line paths"
    rtx "$bin" create --bundle "$TEST_TMP$long" "$ID"
    expect_clear_error "bundle|too long|No such file"
    OCIRUN_REL_TAG=$TAG "$bin" --root "$TEST_TMP$long" create --bundle "$BUNDLE" "$ID" \
      </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" && rc=0 || rc=$?
    err=$(cat "$TEST_TMP/err")
    expect_clear_error "too long|state root"
    rtx "$bin" create --bundle "$BUNDLE" --pid-file "$TEST_TMP$long" "$ID"
    expect_clear_error "pid.file|too long|No such file"
    gone "$ID"
    config_set '.process.terminal = true'
    rtx "$bin" create --bundle "$BUNDLE" --console-socket "$TEST_TMP$long" "$ID"
    expect_clear_error "console|too long"
    config_set '.process.terminal = false'
    gone "$ID"
  done
  CTX=
  [ ! -e "$TEST_TMP/p" ] || fail "a long path was created: $(find "$TEST_TMP/p" | head -3)"
  no_leaks
}

@test "hostile: negative and overflowing numbers" {
  local cfg=$BUNDLE/config.json
  cp "$cfg" "$TEST_TMP/orig.json"
  # field-path regex, then a replacement for the number in raw JSON text.
  num_case () {
    local path=$1 jqpath=$2 value=$3
    jq "$jqpath = 424242" "$TEST_TMP/orig.json" | sed "s/424242/$value/" >"$TEST_TMP/num.json"
    grep -q -- "$value" "$TEST_TMP/num.json" || fail "could not write $value"
    hostile_config "$TEST_TMP/num.json" "$path"
  }
  num_case 'process\.user\.uid' .process.user.uid -1
  num_case 'process\.user\.uid' .process.user.uid 4294967296
  num_case 'process\.user\.uid' .process.user.uid 99999999999999999999999999999999
  num_case 'process\.user\.uid' .process.user.uid 1e400
  num_case 'process\.user\.uid' .process.user.uid 1.5
  num_case 'process\.user\.gid' .process.user.gid -4294967296
  num_case 'process\.oomScoreAdj' .process.oomScoreAdj 1001
  num_case 'process\.oomScoreAdj' .process.oomScoreAdj -2147483649
  num_case 'memory\.limit' .linux.resources.memory.limit 9223372036854775808
  num_case 'memory\.limit' .linux.resources.memory.limit -9223372036854775809
  num_case 'cpu\.shares' .linux.resources.cpu.shares -1
  num_case 'cpu\.quota' .linux.resources.cpu.quota 18446744073709551616
  num_case 'pids\.limit' .linux.resources.pids.limit 9223372036854775808
  num_case 'rlimits\[0\]\.soft' '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1}] | .process.rlimits[0].soft' 18446744073709551616
  num_case 'rlimits\[0\]\.hard' '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1}] | .process.rlimits[0].hard' -1
  num_case 'consoleSize\.height' '.process.consoleSize = {"height": 1, "width": 1} | .process.consoleSize.height' -1
  num_case 'timeout' '.hooks = {"createRuntime": [{"path": "/bin/true", "timeout": 1}]} | .hooks.createRuntime[0].timeout' -1
  num_case 'timeout' '.hooks = {"createRuntime": [{"path": "/bin/true", "timeout": 1}]} | .hooks.createRuntime[0].timeout' 9223372036854775808
  # In range for the parser, refused by the kernel: a clear error naming
  # the cgroup file, and nothing left.
  num_case 'memory\.limit' .linux.resources.memory.limit -2
  no_leaks
}

@test "hostile: mount destinations with .. and symlinks stay in the rootfs" {
  local out_dir=$TEST_TMP/outside
  mkdir -p "$out_dir"
  ln -s "$out_dir" "$BUNDLE/rootfs/evil"
  ln -s "../../../../../../../../..$out_dir" "$BUNDLE/rootfs/evilrel"
  local prog='awk '"'"'$9 == "tmpfs" { print $5 }'"'"' /proc/self/mountinfo'
  jq --arg out "$out_dir" --arg prog "$prog" '.root.readonly = false
     | .mounts += [
         {destination: ("/../../../../../.." + $out + "/dotdot"), type: "tmpfs", source: "tmpfs"},
         {destination: "/evil/abs", type: "tmpfs", source: "tmpfs"},
         {destination: "/evilrel/rel", type: "tmpfs", source: "tmpfs"}]
     | .process.args = ["sh", "-c", $prog]' "$BUNDLE/config.json" >"$TEST_TMP/c.json"
  mv "$TEST_TMP/c.json" "$BUNDLE/config.json"
  local bin
  for bin in $(hostile_bins); do
    rtx "$bin" run --bundle "$BUNDLE" "$ID"
    [ "$rc" -eq 0 ] || expect_clear_error "mount|symlink|outside|escape"
    if [ "$rc" -eq 0 ]; then
      # Each landed inside the container, where the symlinks resolve
      # against the container's root.
      grep -qx "$out_dir/dotdot" <<<"$out" || fail "no /..$out_dir/dotdot mount: $out"
      grep -qx "$out_dir/abs" <<<"$out" || fail "no /evil/abs mount: $out"
      grep -qx "$out_dir/rel" <<<"$out" || fail "no /evilrel/rel mount: $out"
    fi
    # Nothing was created or mounted on the host's side of the links.
    [ -z "$(ls -A "$out_dir")" ] || fail "created outside the rootfs: $(ls -A "$out_dir")"
    ! grep -q " $out_dir" /proc/self/mountinfo || fail "mounted outside the rootfs"
    gone "$ID"
  done
  no_leaks
}

@test "hostile: container ids (runc's rules)" {
  local bin id cmd long255 long256 long1025
  long255=$(printf 'x%.0s' $(seq 255))
  long256=$(printf 'x%.0s' $(seq 256))
  long1025=$(printf 'x%.0s' $(seq 1025))
  local before
  touch "$TEST_TMP/out" "$TEST_TMP/err"
  before=$(ls -A "$TEST_TMP" "$ROOT" | md5sum)
  for bin in $(hostile_bins); do
    for id in "a/b" "/abs" "../$TAG" ".." "." "a b" "a:b" 'a$b' "é" "$(printf 'a\nb')" "$long1025"; do
      for cmd in "create --bundle $BUNDLE" "run --bundle $BUNDLE" state start kill delete "delete --force" exec pause resume ps; do
        # shellcheck disable=SC2086
        CTX="$(basename "$bin") $cmd with id \`$id\`"
        if [ "$cmd" = exec ]; then
          rtx "$bin" exec "$id" true
        else
          rtx "$bin" $cmd "$id"
        fi
        expect_clear_error "invalid container id|too long"
      done
    done
    rtx "$bin" create --bundle "$BUNDLE" ""
    expect_clear_error "empty"
    rtx "$bin" state ""
    expect_clear_error "empty"
    # One byte more than a file name may hold: a clear error, nothing made.
    rtx "$bin" create --bundle "$BUNDLE" "$long256"
    expect_clear_error "too long"
    [ -z "$(ls -A "$ROOT")" ] || fail "state root: $(ls -A "$ROOT")"
  done
  CTX=
  [ "$before" = "$(ls -A "$TEST_TMP" "$ROOT" | md5sum)" ] \
    || fail "a hostile id created something"
  # The longest name that fits works end to end (runc has no lower cap).
  rt create --bundle "$BUNDLE" "$long255"
  expect_ok "create with a 255-byte id"
  rt start "$long255"
  expect_ok start
  rt state "$long255"
  [ "$(jq -r .status <<<"$out")" = running ]
  rt delete --force "$long255"
  expect_ok delete
  gone "$long255"
  no_leaks
}

@test "hostile: a corrupt state.json can still be deleted with --force" {
  local bad i=0
  for bad in '{' '' 'null' '[]' '{"id": 5}' "$(printf 'x\001\377y')"; do
    i=$((i + 1))
    CTX="state.json \`$bad\`"
    rt run --detach --bundle "$BUNDLE" "$ID$i"
    expect_ok "run --detach"
    printf '%s' "$bad" >"$ROOT/$ID$i/state.json"
    rt state "$ID$i"
    expect_clear_error "state.json|corrupt|invalid"
    rt list
    expect_ok list
    rt kill "$ID$i" KILL
    expect_clear_error
    # The saved cgroup still says where the processes are: --force must
    # remove them and the container (it is the only way to).
    rt delete --force "$ID$i"
    expect_ok "delete --force with a corrupt state.json"
    gone "$ID$i"
  done
  CTX=
  no_leaks
}

@test "hostile: a forged pid in state.json never signals another process" {
  local victim pid
  OCIRUN_REL_VICTIM=$TAG sleep 1000 &
  victim=$!
  for pid in "$victim" 1 0 -1 4294967295 9223372036854775808 '"abc"' null; do
    CTX="pid $pid"
    rt run --detach --bundle "$BUNDLE" "$ID"
    expect_ok "run --detach"
    jq -c ".pid = $pid | .pidStart = 1" "$ROOT/$ID/state.json" >"$TEST_TMP/st"
    cp "$TEST_TMP/st" "$ROOT/$ID/state.json"
    rt state "$ID"
    no_sanitizer_report
    if [ "$rc" -eq 0 ]; then
      [ "$(jq -r .status <<<"$out")" = stopped ] \
        || fail "state trusts the forged pid: $out"
    else
      expect_clear_error
    fi
    rt kill "$ID" KILL
    [ "$rc" -ne 0 ] || fail "kill signalled the forged pid"
    expect_clear_error
    alive "$victim" || fail "the unrelated process $victim was killed"
    rt delete --force "$ID"
    expect_ok "delete --force"
    alive "$victim" || fail "delete killed the unrelated process $victim"
    gone "$ID"
  done
  CTX=
  kill "$victim"
  wait "$victim" || true
  no_leaks
}

@test "reliability: setup errors reach the user, never a broken pipe" {
  # The container process fails early (a mount point name longer than
  # NAME_MAX) while the runtime may still be sending to it.
  local comp i n
  comp=$(printf 'c%.0s' $(seq 300))
  config_set ".mounts += [{\"destination\": \"/$comp/x\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]"
  n=$(scale 60 500)
  for i in $(seq "$n"); do
    CTX="run $i of $n"
    rt create --bundle "$BUNDLE" "$ID"
    expect_clear_error "mount .*$comp.*too long"
    gone "$ID"
  done
  CTX=
  no_leaks
}

# ---- fuzzing --------------------------------------------------------------------------

@test "fuzz: the libFuzzer targets run clean for a fixed time" {
  local builddir seconds
  builddir=$(cd "$(dirname "$PLAIN")" && pwd)
  [ -f "$builddir/Makefile" ] || skip "no build directory next to $PLAIN"
  command -v clang >/dev/null || skip "clang is not installed (apt-get install clang)"
  # configure leaves the fuzz targets out of a build without glibc (the
  # glibc build runs them): HAVE_CLANG is then false in config.status.
  ! grep -qF 'S["HAVE_CLANG_TRUE"]="#"' "$builddir/config.status" \
    || skip "this build has no libFuzzer targets (not a glibc build; the glibc build runs them)"
  # (check-stress fuzzes for longer on its own, after this file)
  seconds=${OCIRUN_FUZZ_SECONDS:-30}
  # (libFuzzer reports on its own: not into $SAN_DIR)
  run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u ASAN_OPTIONS -u UBSAN_OPTIONS \
    make -C "$builddir" fuzz FUZZ_SECONDS="$seconds"
  echo "$output" | grep -vE '^#[0-9]+' | tail -40
  if [ "$status" -ne 0 ]; then
    echo "A crash input was saved as tests/fuzz/crash-*, leak-* or timeout-* in $builddir:"
    echo "copy it to tests/fuzz/regressions/ (fuzz_config) or tests/fuzz/regressions-state/"
    echo "(fuzz_state): make check replays it; and fix the parser."
    ls "$builddir"/tests/fuzz/crash-* "$builddir"/tests/fuzz/leak-* "$builddir"/tests/fuzz/timeout-* 2>/dev/null || true
  fi
  [ "$status" -eq 0 ]
  # fuzz_config, then fuzz_state (FUZZ_SECONDS each)
  [ "$(grep -cE "^Done [0-9]+ runs in" <<<"$output")" -eq 2 ]
  grep -q "^fuzz_state: " <<<"$output"
}
