"""Expected divergences of the reference runtimes on the development host
(Debian 12: runc 1.1.5, crun 1.8.1, kernel 6.18, hybrid cgroups).

A failure listed here is still counted as a failure; the report only labels
it so that readers know why runc or crun fail a test.  Nothing here ever
applies to ocirun: a failure against ocirun is always a failure.
"""

_RUNC_OLD = "not implemented by runc 1.1.5 (implements spec 1.0.2; feature added in spec %s)"
_CRUN_OLD = "not implemented by crun 1.8.1 (feature added in spec %s)"

# test name -> {runtime kind: reason}
DIVERGENCES = {
    # runtime.md: delete_created_fails is skipped for every runtime (a
    # deliberate divergence shared by runc and crun, see README.md).
    # hooks
    "hooks_order": {
        "runc": "runc 1.1.5 runs poststart hooks during create, not start (runc bug)",
        "crun": "crun runs poststart concurrently with the in-container startContainer "
                "hook, so the order is racy (fails intermittently)"},
    "hooks_state_on_stdin": {
        "runc": "runc passes pid as seen in the container pid namespace (1) to "
                "createContainer/startContainer hooks",
        "crun": "crun passes pid 0 to createContainer/startContainer and bundle '/' to "
                "startContainer"},
    "hooks_state_status": {
        "runc": "runc passes status 'created' to poststart (it runs poststart in create)",
        "crun": "crun passes 'created' to create-phase hooks and 'starting' to startContainer"},
    "hooks_startcontainer_failure": {
        "runc": "runc start returns success when a startContainer hook fails",
        "crun": "crun start returns success when a startContainer hook fails"},
    "hooks_poststart_failure_continues": {
        "runc": "runc runs poststart in create and fails create when one fails"},
    "hooks_poststop_failure_continues": {
        "runc": "runc stops at the first failing poststop hook"},
    "hooks_poststart_after_program_started": {
        "runc": "runc runs poststart hooks before the user program is executed"},
    # config.md
    "ociversion_1_3_accepted": {
        "crun": "crun 1.8.1 rejects ociVersion > 1.1.x ('unknown version specified')"},
    "domainname": {"runc": _RUNC_OLD % "1.2"},
    "process_scheduler": {"runc": _RUNC_OLD % "1.2", "crun": _CRUN_OLD % "1.2"},
    "process_io_priority": {"runc": _RUNC_OLD % "1.2", "crun": _CRUN_OLD % "1.2"},
    "process_exec_cpu_affinity": {"runc": _RUNC_OLD % "1.2", "crun": _CRUN_OLD % "1.2"},
    "mounts_idmap": {"runc": _RUNC_OLD % "1.2"},
    "mounts_rslave_option": {
        "crun": "crun 1.8.1 does not keep host->container propagation for an rslave bind"},
    # config-linux.md
    "ns_new_time": {
        "runc": _RUNC_OLD % "1.2",
        "crun": "crun 1.8.1 fails to set up a time namespace on this host "
                "('write to sync socket: Broken pipe')"},
    "time_offsets": {
        "runc": _RUNC_OLD % "1.2",
        "crun": "crun 1.8.1 fails to set up a time namespace on this host"},
    "personality_linux32": {"runc": _RUNC_OLD % "1.1"},
    "memory_policy": {"runc": _RUNC_OLD % "1.3", "crun": _CRUN_OLD % "1.3"},
    "ns_duplicate_fails": {"crun": "crun accepts a duplicated namespace entry"},
    "devices_usable": {
        "crun": "crun applies the explicit deny-all device cgroup rule to linux.devices "
                "entries too (runc implicitly allows listed devices)"},
    "devices_existing_mismatch_fails": {
        "runc": "runc replaces/bind-mounts over an existing regular file",
        "crun": "crun replaces/bind-mounts over an existing regular file"},
    "seccomp_errnoret_unsupported_action_fails": {
        "runc": "runc ignores errnoRet on actions without an errno"},
    "intelrdt_without_resctrl_fails": {
        "crun": "crun ignores intelRdt when resctrl is not mounted"},
    "rootfs_propagation_shared": {
        "runc": "runc applies rootfsPropagation to the pre-pivot / only; the final root "
                "mount is private"},
    "rootfs_propagation_slave": {
        "runc": "runc makes the final root mount private",
        "crun": "crun makes the rootfs private before pivot_root, so 'slave' ends private"},
    "rootfs_propagation_unbindable": {
        "runc": "runc makes the final root mount private"},
    "rootfs_propagation_slave_receives": {
        "runc": "runc makes the final root mount private: host mounts do not propagate",
        "crun": "crun makes the rootfs private before pivot_root: host mounts do not propagate"},
    # cli
    "cli_features": {"crun": "crun 1.8.1 has no 'features' command"},
}


def lookup(name, kind):
    if kind not in ("runc", "crun"):
        return None
    return DIVERGENCES.get(name, {}).get(kind)
