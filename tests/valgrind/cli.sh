#!/bin/bash
# tests/valgrind/cli.sh OCIRUN - the CLI paths under valgrind's memcheck:
# no leak (definite, indirect or possible) and no memory error, on success
# and on error paths.  Prints TAP.
#
# OCIRUN must be a dynamically linked build (valgrind cannot replace
# malloc in a static binary): scripts/test-all.sh builds build-valgrind/
# with --disable-static-binary.
#
# valgrind 3.19 (Debian 12) does not know pidfd_open, open_tree, clone3 and
# the other new mount syscalls: a container can't be set up, signalled or
# exec'd into under it (ENOSYS).  Those paths run here only up to that
# error (which must still be leak-free); the sanitizer builds cover them
# fully (tests/stress/ocirun-hooks, ASan+UBSan, in make check).
set -u
OCIRUN=$(readlink -f "${1:?usage: cli.sh OCIRUN}")
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v valgrind >/dev/null; then
  echo "1..0 # SKIP valgrind is not installed (apt-get install valgrind)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "1..0 # SKIP needs root (it creates containers)"
  exit 0
fi
# A dynamically linked binary names its program interpreter (ld.so).
if ! readelf -l "$OCIRUN" 2>/dev/null | grep -q 'program interpreter'; then
  echo "1..0 # SKIP $OCIRUN is static: valgrind can't check its heap (build with --disable-static-binary)"
  exit 0
fi

tmp=$(mktemp -d /tmp/ocirun-valgrind.XXXXXX)
root=$tmp/root
bundle=$tmp/bundle
cleanup () {
  for id in $(ls "$root" 2>/dev/null); do
    "$OCIRUN" --root "$root" delete -f "$id" >/dev/null 2>&1
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$root" "$bundle/rootfs/bin" "$bundle/rootfs"/{proc,sys,dev,tmp}
cp /bin/busybox "$bundle/rootfs/bin/"
for a in sh sleep true; do ln -s busybox "$bundle/rootfs/bin/$a"; done
(cd "$bundle" && "$OCIRUN" spec) || exit 1
jq '.process.terminal = false | .process.args = ["sleep", "1000"]' \
  "$bundle/config.json" > "$tmp/c" && mv "$tmp/c" "$bundle/config.json"

n=0 failed=0
# vg NAME EXPECT ARGS...: ocirun ARGS under memcheck; EXPECT is the exit
# status it must have (0, or 1 for an error path).
vg () {
  local name=$1 expect=$2 rc
  shift 2
  n=$((n + 1))
  rm -f "$tmp"/vg.*.log
  valgrind -q --leak-check=full \
    --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible \
    --error-exitcode=99 --child-silent-after-fork=yes \
    --log-file="$tmp/vg.%p.log" \
    "$OCIRUN" --root "$root" "$@" >"$tmp/out" 2>&1 </dev/null
  rc=$?
  if [ "$rc" = "$expect" ] && ! grep -qs '^==' "$tmp"/vg.*.log; then
    echo "ok $n - $name"
  else
    echo "not ok $n - $name (exit $rc, wanted $expect)"
    sed 's/^/# /' "$tmp/out" "$tmp"/vg.*.log 2>/dev/null | grep -v '^# --' | head -40
    failed=$((failed + 1))
  fi
}

bad_config () { # NAME JQ-FILTER: create must fail on it
  mkdir -p "$tmp/bad"
  ln -sfn "$bundle/rootfs" "$tmp/bad/rootfs"
  jq "$2" "$bundle/config.json" > "$tmp/bad/config.json"
  vg "error path: $1" 1 create --bundle "$tmp/bad" vg-bad
}

vg "--version" 0 --version
vg "features" 0 features
mkdir -p "$tmp/spec" "$tmp/spec2"
vg "spec" 0 spec --bundle "$tmp/spec"
vg "spec --rootless" 0 spec --rootless --bundle "$tmp/spec2"
vg "state of a missing container" 1 state nope
vg "list, empty" 0 list
vg "delete of a missing container" 1 delete nope
vg "unknown command" 1 no-such-command
bad_config "unknown namespace" '.linux.namespaces += [{"type": "foo"}]'
bad_config "bad JSON type" '.process.args = "sh"'
bad_config "missing root" 'del(.root)'
bad_config "unknown seccomp action" '.linux.seccomp = {"defaultAction": "SCMP_ACT_NOPE"}'
bad_config "relative cwd" '.process.cwd = "tmp"'
# The container itself can't be set up under valgrind 3.19 (open_tree):
# the runtime reports the child's error and cleans up, leak-free.
vg "create failing in the container process" 1 create --bundle "$bundle" vg-child
n=$((n + 1))
if [ -z "$(ls -A "$root")" ]; then
  echo "ok $n - the failed create left no state behind"
else
  echo "not ok $n - the failed create left state behind: $(ls "$root")"
  failed=$((failed + 1))
fi

# A live container, created without valgrind.
"$OCIRUN" --root "$root" run -d --bundle "$bundle" vg-live </dev/null >/dev/null 2>&1 \
  || echo "# could not create the live container"
vg "state" 0 state vg-live
vg "list" 0 list
vg "list --format json" 0 list --format json
vg "ps" 0 ps vg-live
vg "pause" 0 pause vg-live
vg "resume" 0 resume vg-live
vg "events --stats" 0 events --stats vg-live
vg "update --pids-limit" 0 update --pids-limit 50 vg-live
# pidfd_open is unknown to valgrind 3.19: kill stops at that error.
vg "kill (stops at pidfd_open: ENOSYS)" 1 kill vg-live KILL

echo "1..$n"
echo "# valgrind: $((n - failed)) of $n command paths clean"
[ "$failed" -eq 0 ]
