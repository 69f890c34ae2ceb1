"""runc-compatible command line behaviour that engines (conmon, containerd
shims) rely on.  Not normative runtime-spec text: these check the CLI
contract shared by runc and crun (section "cli")."""

import json
import os
import time

from .framework import test, check, eq, Fail, Skip

SEC = "cli (runc-compatible, non-normative)"


def _running(s, name):
    b = s.bundle(name)
    b.helper_args("pause")
    b.must_create()
    b.must_start()
    return b


@test(SEC)
def test_cli_run_exit_status(s):
    """runc CLI "run": the exit status of `run` is the exit status of the
    container process."""
    b = s.bundle("run-exit")
    b.helper_args("exit", "42")
    eq(b.run().rc, 42, "exit status of run")


@test(SEC)
def test_cli_run_removes_container(s):
    """runc CLI "run": a foreground run deletes the container when its process
    exits (the id is free again)."""
    b = s.bundle("run-rm")
    b.helper_args("true")
    r = b.run()
    check(r.ok, r.describe())
    check(b.state() is None, "container still exists after run returned")


@test(SEC)
def test_cli_exec_same_namespaces(s):
    """runc CLI "exec": runs a new process inside the running container's
    namespaces (pid, mnt, net, ipc, uts)."""
    b = _running(s, "exec-ns")
    pid = b.pid()
    r = b.exec_("/bin/oci-helper", "info")
    check(r.ok, "exec failed: " + r.describe())
    info = r.json()
    for ns in ("pid", "mnt", "net", "ipc", "uts"):
        eq(info["ns"][ns], os.stat("/proc/%d/ns/%s" % (pid, ns)).st_ino, "%s namespace of exec'd process" % ns)


@test(SEC)
def test_cli_exec_exit_status(s):
    """runc CLI "exec": the exit status of `exec` is the exit status of the
    executed process."""
    b = _running(s, "exec-exit")
    eq(b.exec_("/bin/oci-helper", "exit", "7").rc, 7, "exit status of exec")


@test(SEC)
def test_cli_exec_env_cwd_user(s):
    """runc CLI "exec": --env, --cwd and --user apply to the executed
    process."""
    b = _running(s, "exec-opts")
    os.makedirs(b.path("/opt/wd"), exist_ok=True)
    r = b.exec_("/bin/oci-helper", "info",
                extra=("--env", "OCI_EXEC_VAR=hello", "--cwd", "/opt/wd", "--user", "1234:5678"))
    check(r.ok, "exec failed: " + r.describe())
    info = r.json()
    check("OCI_EXEC_VAR=hello" in info["env"], "env %r" % info["env"])
    eq((info["cwd"], info["uid"], info["gid"]), ("/opt/wd", 1234, 5678), "cwd, uid, gid")


@test(SEC)
def test_cli_exec_process_json(s):
    """runc CLI "exec --process FILE": the process is described by a JSON
    process object (as used by containerd/conmon)."""
    b = _running(s, "exec-proc")
    proc = {"args": ["/bin/oci-helper", "info"], "cwd": "/", "env": ["PATH=/bin", "FROM_JSON=1"],
            "user": {"uid": 0, "gid": 0}, "terminal": False}
    pf = os.path.join(b.dir, "process.json")
    with open(pf, "w") as f:
        json.dump(proc, f)
    r = b.exec_(extra=("--process", pf))
    check(r.ok, "exec --process failed: " + r.describe())
    check("FROM_JSON=1" in r.json()["env"], "process.json env not applied")


@test(SEC)
def test_cli_exec_stopped_fails(s):
    """runc CLI "exec": exec into a stopped container fails."""
    b = s.bundle("exec-stopped")
    b.helper_args("true")
    b.must_create()
    b.must_start()
    b.wait_status("stopped")
    check(not b.exec_("/bin/oci-helper", "true").ok, "exec into a stopped container succeeded")


@test(SEC)
def test_cli_kill_signal_forms(s):
    """runc CLI "kill": the signal may be given as a name (USR1), a SIG-prefixed
    name (SIGUSR1) or a number (10)."""
    for form in ("USR1", "SIGUSR1", "10"):
        b = s.bundle("kill-form")
        b.helper_args("wait-signal", "/tmp/sig")
        b.must_create()
        b.must_start()
        b.wait_file(b.path("/tmp/sig.ready"))
        r = b.kill(form)
        check(r.ok, "kill %s failed: %s" % (form, r.describe()))
        b.wait_status("stopped")
        with open(b.path("/tmp/sig")) as f:
            eq(f.read().strip(), "10", "signal delivered for form %r" % form)
        b.must_delete()


@test(SEC)
def test_cli_kill_default_sigterm(s):
    """runc CLI "kill": without a signal argument SIGTERM is sent."""
    b = s.bundle("kill-default")
    b.helper_args("wait-signal", "/tmp/sig")
    b.must_create()
    b.must_start()
    b.wait_file(b.path("/tmp/sig.ready"))
    r = s.rt("kill", b.id)
    check(r.ok, "kill without signal failed: " + r.describe())
    b.wait_status("stopped")
    with open(b.path("/tmp/sig")) as f:
        eq(f.read().strip(), "15", "default signal")


@test(SEC)
def test_cli_delete_force_running(s):
    """runc CLI "delete --force": kills and deletes a running container."""
    b = _running(s, "del-force")
    pid = b.pid()
    r = b.delete(force=True)
    check(r.ok, "delete --force failed: " + r.describe())
    check(b.state() is None, "container still exists after delete --force")
    for _ in range(100):
        if not os.path.exists("/proc/%d" % pid):
            break
        time.sleep(0.02)
    check(not os.path.exists("/proc/%d" % pid), "process survived delete --force")


@test(SEC)
def test_cli_list(s):
    """runc CLI "list --format json": lists the containers of this --root with
    id and status."""
    b = s.bundle("list")
    b.helper_args("pause")
    b.must_create()
    r = s.rt("list", "--format", "json")
    check(r.ok, "list failed: " + r.describe())
    items = json.loads(r.out or "null") or []
    mine = [c for c in items if c.get("id") == b.id]
    check(mine, "container %s not listed: %r" % (b.id, items))
    eq(mine[0].get("status"), "created", "listed status")


@test(SEC)
def test_cli_features(s):
    """runtime-spec features.md via the "features" command: JSON with
    ociVersionMin/ociVersionMax (used by containerd to probe runtimes)."""
    r = s.rt("features")
    check(r.ok, "features failed: " + r.describe())
    try:
        f = json.loads(r.out)
    except ValueError:
        raise Fail("features output is not JSON: %r" % r.out[:300])
    for k in ("ociVersionMin", "ociVersionMax"):
        check(k in f, "features lacks %s" % k)


@test(SEC)
def test_cli_pid_file_relative_to_cwd(s):
    """runc CLI "create --pid-file": the file receives the container process
    pid as seen by the host."""
    b = s.bundle("pidfile")
    b.helper_args("pause")
    b.must_create()
    with open(b.pid_file) as f:
        pid = int(f.read().strip())
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        check(f.read(), "pid-file pid %d has no cmdline" % pid)
    eq(pid, b.pid(), "pid-file vs state pid")
