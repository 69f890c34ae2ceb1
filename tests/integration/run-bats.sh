#!/bin/sh
# Runs every integration test file (tests/integration/*.bats) as one TAP
# stream. BATS_FILTER=regex narrows to matching test names.
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${OCIRUN_UNIT_ONLY:-}" ]; then
  echo "1..0 # SKIP OCIRUN_UNIT_ONLY is set (sanitizer run of the unit tests)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "1..0 # SKIP integration tests need root (they create namespaces, mounts and cgroups)"
  exit 0
fi
if ! command -v bats >/dev/null 2>&1; then
  echo "Bail out! bats is not installed (apt-get install bats)"
  exit 1
fi
set -- "$here"/*.bats
[ -e "$1" ] || { echo "1..0 # SKIP no integration test files"; exit 0; }
# A test that hangs is failed after BATS_TEST_TIMEOUT seconds, and the whole
# run is bounded, so CI always ends with a summary.
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-180}
exec timeout -k 10 ${OCIRUN_BATS_TIMEOUT:-2700} bats --tap ${BATS_FILTER:+--filter "$BATS_FILTER"} "$@"
