#!/bin/bash
# Run the container-engine scenarios (podman+conmon, containerd+ctr) against
# an OCI runtime and print one TAP stream with a closing summary line
# "N passed, N failed, N skipped". Exit status 1 on any failure.
#
# usage: tests/engines/run.sh [RUNTIME]      (default: the repo's ./ocirun)
#   ENGINES="podman containerd"   which engines to run
#   ENGINES_FILTER=regex          only matching scenarios ("podman: --user")
#   ENGINES_NO_INSTALL=1          do not call install.sh for missing engines
#   ENGINES_BUDGET=seconds        total time budget (default 840 = 14 min)
#   ENGINES_VERBOSE=1             print every scenario's log
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
runtime=${1:-$repo/ocirun}
engines=${ENGINES:-podman containerd}

if [ "$(id -u)" != 0 ]; then
    echo "1..0 # SKIP the engine tests need root"
    exit 0
fi
if [ ! -x "$runtime" ]; then
    echo "Bail out! runtime $runtime is not an executable (build it: make -j2)"
    echo "0 passed, 1 failed"
    exit 1
fi
if [ -z "${ENGINES_NO_INSTALL:-}" ]; then
    if ! inst=$("$here/install.sh" 2>&1); then
        echo "Bail out! tests/engines/install.sh failed:"; echo "$inst" | sed 's/^/# /' | tail -20
        echo "0 passed, 1 failed"
        exit 1
    fi
fi

start=$(date +%s)
export ENGINES_DEADLINE=$((start + ${ENGINES_BUDGET:-840}))
echo "# engine tests with runtime $runtime ($("$runtime" --version 2>/dev/null | head -1))"
n=0 pass=0 fail=0 skip=0
for e in $engines; do
    script=$here/$e.sh
    [ -x "$script" ] || { echo "Bail out! no $script"; exit 1; }
    sub_ok=0
    # renumber the sub-stream's test lines into one stream; drop its plan
    while IFS= read -r line; do
        case "$line" in
            "1.."*) continue ;;
            "ok "*|"not ok "*)
                n=$((n + 1))
                if [[ "$line" == "not ok "* ]]; then
                    fail=$((fail + 1)); rest=${line#not ok }
                    echo "not ok $n ${rest#* }"
                else
                    rest=${line#ok }
                    if [[ "$line" == *"# SKIP"* ]]; then skip=$((skip + 1)); else pass=$((pass + 1)); fi
                    echo "ok $n ${rest#* }"
                fi
                ;;
            "Bail out!"*)
                n=$((n + 1)); fail=$((fail + 1))
                echo "not ok $n - $e: setup (${line#Bail out! })"
                ;;
            *) echo "$line" ;;
        esac
    done < <("$script" "$runtime" 2>&1)
done
echo "1..$n"
echo "# $((($(date +%s) - start)))s for: $engines with $runtime"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ] && [ $n -gt 0 ]
