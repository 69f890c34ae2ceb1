#!/usr/bin/python3
"""OCI runtime-spec 1.3 conformance suite for ocirun (and any runc-compatible
runtime).  Standard library only; run as root with /usr/bin/python3.

    RUNTIME=/usr/bin/runc /usr/bin/python3 tests/oci-conformance/run.py [-k PATTERN] [--list] [--verbose]

The runtime under test comes from $RUNTIME (default: <repo>/ocirun) and is
driven only through the standard CLI (create/start/state/kill/delete/run/exec).
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # keep the source tree clean (no __pycache__)
sys.path.insert(0, HERE)

from ociconf import framework  # noqa: E402
from ociconf import tests_runtime, tests_hooks, tests_config, tests_linux, tests_cli  # noqa: E402,F401


def main():
    repo = os.path.dirname(os.path.dirname(HERE))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--list", action="store_true", help="list tests and exit")
    ap.add_argument("-k", action="append", default=[], metavar="PATTERN",
                    help="only tests whose name or section contains PATTERN (or matches it as a glob); repeatable")
    ap.add_argument("--verbose", "-v", action="store_true", help="show runtime commands and details")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (debugging)")
    ap.add_argument("--allow-known", action="store_true",
                    help="exit 0 when every failure is a known divergence of the runtime (runc/crun only)")
    ap.add_argument("--runtime", default=None, help="runtime binary (overrides $RUNTIME)")
    a = ap.parse_args()
    if a.list:
        cur = None
        for t in framework.select_tests(a.k):
            if t["section"] != cur:
                cur = t["section"]
                print("%s:" % cur)
            print("  %-40s %s" % (t["name"], t["doc"].splitlines()[0]))
        print("%d tests" % len(framework.select_tests(a.k)))
        return 0
    runtime = a.runtime or os.environ.get("RUNTIME") or os.path.join(repo, "ocirun")
    if os.sep not in runtime:
        import shutil
        runtime = shutil.which(runtime) or runtime
    runtime = os.path.abspath(runtime)
    if not os.access(runtime, os.X_OK):
        print("runtime %s not found or not executable (set RUNTIME=...)" % runtime)
        print("0 passed, 1 failed")
        return 1
    if os.geteuid() != 0:
        print("the conformance suite must run as root")
        print("0 passed, 1 failed")
        return 1
    return framework.run_suite(runtime, a.k, verbose=a.verbose, keep=a.keep,
                               allow_known=a.allow_known)


if __name__ == "__main__":
    sys.exit(main())
