"""config.md "POSIX-platform Hooks" and runtime.md "Lifecycle" hook steps."""

import json
import os
import time

from .framework import test, check, eq, Fail, Skip

SEC = "config.md#posix-platform-hooks"
PHASES = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"]
CONTAINER_NS_PHASES = ("createContainer", "startContainer")


def _bb(s):
    return "/bin/busybox" if os.path.exists("/bin/busybox") else s.busybox


class HookBundle:
    """A bundle whose hooks log into a directory visible at the same absolute
    path on the host and in the container."""

    def __init__(self, s, name):
        self.s = s
        self.b = s.bundle(name)
        self.log = os.path.join(self.b.dir, "hooklog")
        os.mkdir(self.log)
        os.chmod(self.log, 0o777)
        self.b.add_mount(self.log, "bind", self.log, ["rbind", "rw"])
        self.b.config["hooks"] = {}
        self.n = 0

    def hook(self, phase, tag=None, exit_code=0, sleep=0, extra="", timeout=None,
             path=None, args_extra=(), env=None):
        self.n += 1
        tag = tag or phase
        bb = "/bin/busybox" if phase in CONTAINER_NS_PHASES else _bb(self.s)
        L = self.log
        script = (
            'B={bb}; $B cat > {L}/{tag}.state; echo {tag} >> {L}/order; '
            '$B readlink /proc/self/ns/mnt > {L}/{tag}.mntns; '
            '$B env > {L}/{tag}.env; echo "$0|$1|$2" > {L}/{tag}.args; '
            '{extra} '
            '{sleep}exit {rc}'
        ).format(bb=bb, L=L, tag=tag, extra=extra, rc=exit_code,
                 sleep=("exec $B sleep %d; " % sleep) if sleep else "")
        h = {"path": path or bb,
             "args": ["busybox", "sh", "-c", script] + list(args_extra),
             "env": env if env is not None else ["PATH=/bin:/usr/bin:/sbin:/usr/sbin",
                                                 "OCI_HOOK_TAG=" + tag]}
        if timeout is not None:
            h["timeout"] = timeout
        self.b.config["hooks"].setdefault(phase, []).append(h)
        return tag

    def order(self):
        try:
            with open(os.path.join(self.log, "order")) as f:
                return f.read().split()
        except FileNotFoundError:
            return []

    def state(self, tag):
        p = os.path.join(self.log, tag + ".state")
        if not os.path.exists(p):
            raise Fail("hook %s did not run" % tag)
        with open(p) as f:
            data = f.read()
        try:
            return json.loads(data)
        except ValueError:
            raise Fail("hook %s stdin is not JSON state: %r" % (tag, data[:300]))

    def read(self, tag, what):
        p = os.path.join(self.log, "%s.%s" % (tag, what))
        if not os.path.exists(p):
            raise Fail("hook %s did not run" % tag)
        with open(p) as f:
            return f.read().strip()


def _all_hooks(s, name):
    h = HookBundle(s, name)
    for p in PHASES:
        h.hook(p)
    h.b.helper_args("write", "/tmp/ran", "1")
    return h


def _full_lifecycle(h):
    b = h.b
    b.must_create()
    after_create = h.order()
    b.must_start()
    after_start = h.order()
    b.wait_status("stopped")
    b.must_delete()
    return after_create, after_start, h.order()


@test(SEC)
def test_hooks_order(s):
    """runtime.md "Lifecycle": prestart (3), createRuntime (4), createContainer
    (5) MUST run during create; startContainer (7) during start before the
    program; poststart (9) "before the start operation returns"; poststop (13)
    "before the delete operation returns"."""
    h = _all_hooks(s, "hooks-order")
    c, st, d = _full_lifecycle(h)
    eq(c, ["prestart", "createRuntime", "createContainer"], "hooks run by create")
    eq(st, ["prestart", "createRuntime", "createContainer", "startContainer", "poststart"],
       "hooks run by create+start")
    eq(d, PHASES, "hooks run by the whole lifecycle")


@test(SEC)
def test_hooks_listed_order_within_phase(s):
    """config.md "POSIX-platform Hooks": "Hooks MUST be called in the listed
    order" (several hooks of one phase)."""
    h = HookBundle(s, "hooks-listed")
    for i in range(3):
        h.hook("createRuntime", tag="cr%d" % i)
    for i in range(3):
        h.hook("poststop", tag="ps%d" % i)
    h.b.helper_args("true")
    _full_lifecycle(h)
    eq(h.order(), ["cr0", "cr1", "cr2", "ps0", "ps1", "ps2"], "hook order")


@test(SEC)
def test_hooks_state_on_stdin(s):
    """config.md "POSIX-platform Hooks": "The state of the container MUST be
    passed to hooks over stdin" (id, bundle, ociVersion, pid)."""
    h = _all_hooks(s, "hooks-stdin")
    h.b.must_create()
    pid = h.b.pid()
    h.b.must_start()
    h.b.wait_status("stopped")
    h.b.must_delete()
    errs = []
    for p in PHASES:
        st = h.state(p)
        if st.get("id") != h.b.id:
            errs.append("%s: id=%r" % (p, st.get("id")))
        if os.path.realpath(st.get("bundle", "")) != os.path.realpath(h.b.dir):
            errs.append("%s: bundle=%r" % (p, st.get("bundle")))
        if "ociVersion" not in st:
            errs.append("%s: no ociVersion" % p)
        if p != "poststop" and st.get("pid") != pid:
            errs.append("%s: pid=%r (container pid %r)" % (p, st.get("pid"), pid))
    check(not errs, "; ".join(errs))


@test(SEC)
def test_hooks_state_status(s):
    """runtime.md "State": status creating ("being created", step 2) during
    prestart/createRuntime/createContainer, created before the program runs
    (startContainer), running after it started (poststart), stopped (poststop)."""
    h = _all_hooks(s, "hooks-status")
    _full_lifecycle(h)
    want = {"prestart": "creating", "createRuntime": "creating", "createContainer": "creating",
            "startContainer": "created", "poststart": "running", "poststop": "stopped"}
    got = {p: h.state(p).get("status") for p in PHASES}
    eq(got, want, "status passed to each hook")


@test(SEC)
def test_hooks_runtime_namespace(s):
    """config.md "POSIX-platform Hooks": prestart, createRuntime, poststart and
    poststop hooks "MUST be executed in the runtime namespace"."""
    h = _all_hooks(s, "hooks-rt-ns")
    _full_lifecycle(h)
    host = "mnt:[%d]" % s.host_ns["mnt"]
    got = {p: h.read(p, "mntns") for p in ("prestart", "createRuntime", "poststart", "poststop")}
    bad = {p: v for p, v in got.items() if v != host}
    check(not bad, "hooks not in the runtime mount namespace %s: %r" % (host, bad))


@test(SEC)
def test_hooks_container_namespace(s):
    """config.md "POSIX-platform Hooks": createContainer and startContainer
    hooks "MUST be executed in the container namespace"."""
    h = HookBundle(s, "hooks-ctr-ns")
    h.hook("createContainer")
    h.hook("startContainer")
    h.b.helper_args("pause")
    h.b.must_create()
    pid = h.b.pid()
    ctr = os.readlink("/proc/%d/ns/mnt" % pid)
    h.b.must_start()
    h.b.wait_file(os.path.join(h.log, "startContainer.mntns"))
    time.sleep(0.1)
    got = {p: h.read(p, "mntns") for p in CONTAINER_NS_PHASES}
    bad = {p: v for p, v in got.items() if v != ctr}
    check(not bad, "hooks not in the container mount namespace %s: %r" % (ctr, bad))


@test(SEC)
def test_hooks_startcontainer_path_in_container(s):
    """config.md "POSIX-platform Hooks": for startContainer "the path MUST
    resolve in the container namespace" (a binary only present in the rootfs)."""
    h = HookBundle(s, "hooks-sc-path")
    os.symlink("busybox", h.b.path("/bin/oci-ctr-only-hook"))
    h.hook("startContainer", path="/bin/oci-ctr-only-hook")
    h.b.helper_args("true")
    _full_lifecycle(h)
    eq(h.order(), ["startContainer"], "hooks that ran")


@test(SEC)
def test_hooks_args_env(s):
    """config.md "POSIX-platform Hooks": args "with the same semantics as
    execv's argv" and env "with the same semantics as environ" are passed."""
    h = HookBundle(s, "hooks-args")
    h.hook("createRuntime", tag="cr", args_extra=["first arg", "second"],
           env=["PATH=/bin:/usr/bin", "OCI_HOOK_VAR=some value"])
    h.b.helper_args("true")
    _full_lifecycle(h)
    eq(h.read("cr", "args"), "first arg|second|", "hook $0|$1|$2")
    env = h.read("cr", "env").splitlines()
    check("OCI_HOOK_VAR=some value" in env, "hook env lacks OCI_HOOK_VAR: %r" % env)
    leaked = [e for e in env if e.startswith("OCI_CONF_LEAK=")]
    check(not leaked, "runtime environment leaked into hook env: %r" % leaked)


@test(SEC)
def test_hooks_timeout(s):
    """config.md "POSIX-platform Hooks": "timeout is the number of seconds
    before aborting the hook"; an aborted createRuntime hook fails create."""
    h = HookBundle(s, "hooks-timeout")
    h.hook("createRuntime", sleep=20, timeout=1)
    t0 = time.time()
    r = h.b.create(timeout=40)
    dt = time.time() - t0
    check(dt < 12, "create took %.1fs: hook timeout of 1s not enforced" % dt)
    check(not r.ok, "create succeeded although the hook timed out")


def _failing_create_hook(s, phase):
    h = HookBundle(s, "hookfail-" + phase)
    h.hook(phase, exit_code=1)
    h.b.helper_args("write", "/tmp/ran", "1")
    r = h.b.create()
    check(not r.ok, "create succeeded although a %s hook failed" % phase)
    st = h.b.state()
    check(st is None or st.get("status") == "stopped",
          "container not stopped after failing %s hook: %r" % (phase, st))
    if st is not None:
        h.b.start()
    time.sleep(0.2)
    check(not os.path.exists(h.b.path("/tmp/ran")), "user program ran after a failing %s hook" % phase)


@test(SEC)
def test_hooks_prestart_failure(s):
    """runtime.md "Lifecycle" step 3: "If any prestart hook fails, the runtime
    MUST generate an error, stop the container, and continue the lifecycle at
    step 12"."""
    _failing_create_hook(s, "prestart")


@test(SEC)
def test_hooks_createruntime_failure(s):
    """runtime.md "Lifecycle" step 4: "If any createRuntime hook fails, the
    runtime MUST generate an error, stop the container, and continue the
    lifecycle at step 12"."""
    _failing_create_hook(s, "createRuntime")


@test(SEC)
def test_hooks_createcontainer_failure(s):
    """runtime.md "Lifecycle" step 5: "If any createContainer hook fails, the
    runtime MUST generate an error, stop the container, and continue the
    lifecycle at step 12"."""
    _failing_create_hook(s, "createContainer")


@test(SEC)
def test_hooks_startcontainer_failure(s):
    """runtime.md "Lifecycle" step 7: "If any startContainer hook fails, the
    runtime MUST generate an error, stop the container, and continue the
    lifecycle at step 12"."""
    h = HookBundle(s, "hookfail-sc")
    h.hook("startContainer", exit_code=1)
    h.b.helper_args("write", "/tmp/ran", "1")
    h.b.must_create()
    r = h.b.start()
    check(not r.ok, "start succeeded although a startContainer hook failed")
    time.sleep(0.2)
    check(not os.path.exists(h.b.path("/tmp/ran")), "user program ran after a failing startContainer hook")
    st = h.b.state()
    check(st is None or st.get("status") == "stopped", "container not stopped: %r" % st)


@test(SEC)
def test_hooks_poststart_failure_continues(s):
    """runtime.md "Lifecycle" step 9: "If any poststart hook fails, the runtime
    MUST log a warning, but the remaining hooks and lifecycle continue as if
    the hook had succeeded"."""
    h = HookBundle(s, "hookfail-poststart")
    h.hook("poststart", tag="ps1", exit_code=1)
    h.hook("poststart", tag="ps2")
    h.b.sh("/bin/oci-helper write /tmp/ran 1; /bin/oci-helper pause")
    h.b.must_create()
    r = h.b.start()
    check(r.ok, "start failed because of a failing poststart hook: " + r.describe())
    eq(h.order(), ["ps1", "ps2"], "poststart hooks run")
    eq(h.b.must_state()["status"], "running", "container status after failing poststart hook")


@test(SEC)
def test_hooks_poststop_failure_continues(s):
    """runtime.md "Lifecycle" step 13: "If any poststop hook fails, the runtime
    MUST log a warning, but the remaining hooks and lifecycle continue as if
    the hook had succeeded"."""
    h = HookBundle(s, "hookfail-poststop")
    h.hook("poststop", tag="pp1", exit_code=1)
    h.hook("poststop", tag="pp2")
    h.b.helper_args("true")
    h.b.must_create()
    h.b.must_start()
    h.b.wait_status("stopped")
    r = h.b.delete()
    check(r.ok, "delete failed because of a failing poststop hook: " + r.describe())
    eq(h.order(), ["pp1", "pp2"], "poststop hooks run")
    check(h.b.state() is None, "container still exists after delete")


@test(SEC)
def test_hooks_poststart_after_program_started(s):
    """runtime.md "Lifecycle" step 9: poststart hooks are invoked "after the
    user-specified process is executed but before the start operation
    returns"."""
    h = HookBundle(s, "hooks-poststart-when")
    h.hook("poststart", extra=(
        'P=$($B sed -n "s/.*\\"pid\\": *\\([0-9]*\\).*/\\1/p" %s/poststart.state); '
        '$B cat /proc/$P/cmdline | $B tr "\\0" " " > %s/poststart.cmdline;' % (os.path.join(h.b.dir, "hooklog"), os.path.join(h.b.dir, "hooklog"))))
    h.b.helper_args("pause")
    h.b.must_create()
    h.b.must_start()
    check(os.path.exists(os.path.join(h.log, "poststart.state")),
          "poststart hook had not run when start returned")
    cmd = h.read("poststart", "cmdline")
    check("oci-helper pause" in cmd,
          "when poststart ran, the container process was not the user program yet: %r" % cmd)
