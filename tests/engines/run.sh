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
#   ENGINES_NO_SNAPSHOT=1         run RUNTIME in place instead of a copy
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

# Snapshot the runtime binary: others may relink ./ocirun while the engines
# run (conmon then fails with "Runtime path ... is not valid"). The copy keeps
# the file name, podman keys runtime features on it.
if [ -z "${ENGINES_NO_SNAPSHOT:-}" ]; then
    snap=$(mktemp -d /tmp/ocirun-engines-rt.XXXXXX)
    trap 'rm -rf "$snap"' EXIT
    cp "$runtime" "$snap/$(basename "$runtime")"
    echo "# runtime $runtime copied to $snap/$(basename "$runtime") for this run (sha256 $(sha256sum "$runtime" | cut -c1-16))"
    runtime=$snap/$(basename "$runtime")
fi

start=$(date +%s)
budget=${ENGINES_BUDGET:-840}
# podman has most scenarios: it may use up to 2/3 of the budget, the rest
# is kept for containerd
declare -A share=([podman]=$((budget * 2 / 3)) [containerd]=$budget)
echo "# engine tests with runtime $runtime ($("$runtime" --version 2>/dev/null | head -1))"
n=0 pass=0 fail=0 skip=0
for e in $engines; do
    script=$here/$e.sh
    [ -x "$script" ] || { echo "Bail out! no $script"; exit 1; }
    export ENGINES_DEADLINE=$((start + ${share[$e]:-$budget}))
    planned=0 seen=0
    # renumber the sub-stream's test lines into one stream; drop its plan
    while IFS= read -r line; do
        case "$line" in
            "1.."*) planned=${line#1..}; planned=${planned%% *}; continue ;;
            "ok "*|"not ok "*)
                n=$((n + 1)) seen=$((seen + 1))
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
    if [ "$seen" -lt "$planned" ]; then
        n=$((n + 1)); fail=$((fail + 1))
        echo "not ok $n - $e: $((planned - seen)) of $planned scenarios did not report (script ended early)"
    fi
done
echo "1..$n"
echo "# $((($(date +%s) - start)))s for: $engines with $runtime"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ] && [ $n -gt 0 ]
