#!/bin/sh
# README command 2 (and CI): install, build, run every test suite, then run
# the unit tests again under AddressSanitizer + UBSan and the CLI paths
# under valgrind. Ends with the line
# "N passed, N failed, N skipped" counted over every test of both runs.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

"$top/scripts/install-deps.sh" || exit 1

status=0
echo "=== build (-Wall -Wextra -Werror) ==="
"$top/scripts/build.sh" "$top/build" || exit 1
echo "=== make check: unit, integration, conformance ==="
(cd "$top/build" && make -j1 check) || status=1

echo "=== engines: podman (conmon) and containerd driving ocirun ==="
(cd "$top/build" && make check-engines) > "$top/build/engines.tap" 2>&1 || status=1
cat "$top/build/engines.tap"

echo "=== the musl build (static PIE): integration, conformance and engines on its binary ==="
# The same suites again on the binary built without glibc (the fast one,
# scripts/build-musl.sh); unit, sanitizer and fuzz programs need glibc and
# ran above.
mkdir -p "$top/build-musl"
if "$top/scripts/build-musl.sh" "$top/build-musl"; then
  (cd "$top/build-musl" && make -j1 check) || status=1
  (cd "$top/build-musl" && make check-engines) > "$top/build-musl/engines.tap" 2>&1 || status=1
else
  echo "not ok 1 - build-musl did not build" > "$top/build-musl/engines.tap"
  status=1
fi
cat "$top/build-musl/engines.tap"

echo "=== unit tests under AddressSanitizer + UBSan ==="
if "$top/scripts/build.sh" "$top/build-asan" --enable-sanitizers; then
  (cd "$top/build-asan" && OCIRUN_UNIT_ONLY=1 \
     ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 make -j1 check) || status=1
else
  status=1
fi

echo "=== CLI paths under valgrind (leaks, memory errors) ==="
if "$top/scripts/build.sh" "$top/build-valgrind" --disable-static-binary; then
  (cd "$top/build-valgrind" && make check-valgrind) > "$top/build-valgrind/valgrind.tap" 2>&1 || status=1
else
  echo "not ok 1 - build-valgrind did not build" > "$top/build-valgrind/valgrind.tap"
  status=1
fi
cat "$top/build-valgrind/valgrind.tap"

# Show the logs of failed tests so CI output explains itself.
for log in $(grep -l -E '^:test-result: (FAIL|ERROR)' \
               $(find "$top/build" "$top/build-musl" "$top/build-asan" -name '*.trs' 2>/dev/null) 2>/dev/null); do
  echo "=== FAILED: ${log%.trs}.log ==="
  grep -v -E '^(ok |# )' "${log%.trs}.log" | tail -60
done

# Every test counts once: automake's .trs results plus the engines' TAP.
{ find "$top/build" "$top/build-musl" "$top/build-asan" -name '*.trs' -exec cat {} + 2>/dev/null
  sed -n -e 's/^ok [0-9]* .*# SKIP.*/:test-result: SKIP/p' \
         -e 's/^1\.\.0 # SKIP.*/:test-result: SKIP/p' \
         -e '/# SKIP/!s/^ok [0-9]* .*/:test-result: PASS/p' \
         -e 's/^not ok [0-9]* .*/:test-result: FAIL/p' \
         "$top/build/engines.tap" "$top/build-musl/engines.tap" \
         "$top/build-valgrind/valgrind.tap" 2>/dev/null
} | awk '
  /^:test-result: PASS/  { p++ }
  /^:test-result: XFAIL/ { p++ }
  /^:test-result: FAIL/  { f++ }
  /^:test-result: XPASS/ { f++ }
  /^:test-result: ERROR/ { f++ }
  /^:test-result: SKIP/  { s++ }
  END { printf "%d passed, %d failed, %d skipped\n", p, f, s; exit (f > 0) }' || status=1
exit $status
