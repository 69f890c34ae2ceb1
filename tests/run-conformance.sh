#!/bin/sh
# Runs the conformance suite (tests/oci-conformance) against $OCIRUN and
# turns its PASS/FAIL/SKIP lines into TAP, so each conformance test counts
# as one test in `make check`. The suite's own summary follows as comments.
top=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${OCIRUN_UNIT_ONLY:-}" ]; then
  echo "1..0 # SKIP OCIRUN_UNIT_ONLY is set (sanitizer run of the unit tests)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "1..0 # SKIP the conformance suite needs root"
  exit 0
fi
RUNTIME=${RUNTIME:-${OCIRUN:-$top/ocirun}} /usr/bin/python3 "$top/tests/oci-conformance/run.py" 2>&1 | awk '
  /^PASS / { n++; sub(/^PASS /, ""); print "ok " n " - " $0; next }
  /^FAIL / { n++; sub(/^FAIL /, ""); print "not ok " n " - " $0; next }
  /^SKIP / { n++; sub(/^SKIP /, ""); name = $0; reason = $0
             sub(/:.*/, "", name); sub(/^[^:]*: */, "", reason)
             print "ok " n " - " name " # SKIP " reason; next }
  { print "# " $0 }
  END { print "1.." n }'
