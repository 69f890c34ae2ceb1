"""Core of the OCI runtime-spec conformance suite: test registry, bundle and
container handling through the standard runtime CLI, cleanup, reporting.

Standard library only.  Everything a run creates lives under one temporary
directory (bundles, the runtime --root, the static helper build) plus
container cgroups under one per-run parent cgroup; all of it is removed at
the end, also on failure or Ctrl-C.
"""

import array
import copy
import errno
import fnmatch
import json
import os
import random
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE_DIR = os.path.dirname(HERE)
HELPER_SRC = os.path.join(SUITE_DIR, "helper", "oci-helper.c")

CMD_TIMEOUT = 30          # seconds for one runtime command
TEST_TIMEOUT = 90         # seconds for one whole test
# whole-run budget: once spent, remaining tests fail without running, so that a
# hanging runtime cannot stall `make check` forever
SUITE_BUDGET = int(os.environ.get("OCI_CONF_BUDGET", "900"))

DEFAULT_CAPS = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
    "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP",
    "CAP_SETUID", "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE",
    "CAP_NET_RAW",
]

# capability name -> bit number (capabilities(7))
CAP_BITS = {
    "CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_DAC_READ_SEARCH": 2,
    "CAP_FOWNER": 3, "CAP_FSETID": 4, "CAP_KILL": 5, "CAP_SETGID": 6,
    "CAP_SETUID": 7, "CAP_SETPCAP": 8, "CAP_LINUX_IMMUTABLE": 9,
    "CAP_NET_BIND_SERVICE": 10, "CAP_NET_BROADCAST": 11, "CAP_NET_ADMIN": 12,
    "CAP_NET_RAW": 13, "CAP_IPC_LOCK": 14, "CAP_IPC_OWNER": 15,
    "CAP_SYS_MODULE": 16, "CAP_SYS_RAWIO": 17, "CAP_SYS_CHROOT": 18,
    "CAP_SYS_PTRACE": 19, "CAP_SYS_PACCT": 20, "CAP_SYS_ADMIN": 21,
    "CAP_SYS_BOOT": 22, "CAP_SYS_NICE": 23, "CAP_SYS_RESOURCE": 24,
    "CAP_SYS_TIME": 25, "CAP_SYS_TTY_CONFIG": 26, "CAP_MKNOD": 27,
    "CAP_LEASE": 28, "CAP_AUDIT_WRITE": 29, "CAP_AUDIT_CONTROL": 30,
    "CAP_SETFCAP": 31, "CAP_MAC_OVERRIDE": 32, "CAP_MAC_ADMIN": 33,
    "CAP_SYSLOG": 34, "CAP_WAKE_ALARM": 35, "CAP_BLOCK_SUSPEND": 36,
    "CAP_AUDIT_READ": 37, "CAP_PERFMON": 38, "CAP_BPF": 39,
    "CAP_CHECKPOINT_RESTORE": 40,
}


def capmask(names):
    m = 0
    for n in names:
        m |= 1 << CAP_BITS[n]
    return m


class Skip(Exception):
    """Raised by a test that cannot run on this host."""


class Fail(AssertionError):
    """Raised by a test whose expectation is not met."""


class TestTimeout(Exception):
    pass


# ---------------------------------------------------------------- registry
TESTS = []
SECTION_ORDER = []


def test(section, needs=()):
    """Register a test function.  `section` is 'file.md#anchor'."""
    def deco(fn):
        name = fn.__name__
        if name.startswith("test_"):
            name = name[5:]
        if not fn.__doc__:
            raise RuntimeError("test %s has no docstring" % name)
        if any(t["name"] == name for t in TESTS):
            raise RuntimeError("duplicate test name %s" % name)
        if section not in SECTION_ORDER:
            SECTION_ORDER.append(section)
        TESTS.append({"name": name, "section": section, "fn": fn,
                      "needs": tuple(needs), "doc": fn.__doc__.strip()})
        return fn
    return deco


# ---------------------------------------------------------------- asserts
def check(cond, msg):
    if not cond:
        raise Fail(msg)


def eq(actual, expected, what):
    if actual != expected:
        raise Fail("%s: expected %r, got %r" % (what, expected, actual))


class Result:
    def __init__(self, args, rc, out, err):
        self.args = args
        self.rc = rc
        self.out = out
        self.err = err

    @property
    def ok(self):
        return self.rc == 0

    def json(self, what="output"):
        """Parse the last JSON line of stdout."""
        lines = [l for l in self.out.replace("\r", "").splitlines() if l.strip()]
        for l in reversed(lines):
            l = l.strip()
            if l.startswith("{") or l.startswith("["):
                try:
                    return json.loads(l)
                except ValueError:
                    continue
        raise Fail("%s: no JSON on stdout (rc=%s) stdout=%r stderr=%r"
                   % (what, self.rc, self.out[-800:], self.err[-800:]))

    def jsons(self):
        res = []
        for l in self.out.replace("\r", "").splitlines():
            l = l.strip()
            if l.startswith("{") or l.startswith("["):
                res.append(json.loads(l))
        return res

    def describe(self):
        return "rc=%s cmd=%s stdout=%r stderr=%r" % (
            self.rc, " ".join(self.args), self.out[-600:], self.err[-600:])


def host_mounts():
    res = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            parts = line.split()
            dash = parts.index("-")
            res.append({"id": int(parts[0]), "mountpoint": parts[4].replace("\\040", " "),
                        "optional": parts[6:dash], "fstype": parts[dash + 1],
                        "superopts": parts[dash + 3] if len(parts) > dash + 3 else ""})
    return res


def run_cmd(args, timeout=CMD_TIMEOUT, input=None, check_rc=False, **kw):
    try:
        p = subprocess.run(args, input=input, stdout=kw.pop("stdout", subprocess.PIPE),
                           stderr=kw.pop("stderr", subprocess.PIPE), timeout=timeout,
                           universal_newlines=True, errors="replace",
                           stdin=(None if input is not None else subprocess.DEVNULL), **kw)
    except subprocess.TimeoutExpired:
        raise Fail("command timed out after %ss: %s" % (timeout, " ".join(args)))
    except OSError as e:
        # e.g. the runtime binary vanished while it is being rebuilt
        return Result(args, 127, "", "cannot execute %s: %s" % (args[0], e))
    r = Result(args, p.returncode, p.stdout or "", p.stderr or "")
    if check_rc and r.rc != 0:
        raise Fail("command failed: " + r.describe())
    return r


# ---------------------------------------------------------------- suite
class Suite:
    def __init__(self, runtime, verbose=False, keep=False):
        self.runtime = runtime
        self.verbose = verbose
        self.keep = keep
        self.kind = self._runtime_kind()
        self.runid = "%d%04x" % (os.getpid(), random.randrange(0x10000))
        self.base = tempfile.mkdtemp(prefix="oci-conf-", dir="/tmp")
        os.chmod(self.base, 0o755)
        self.root = os.path.join(self.base, "state")
        os.mkdir(self.root, 0o700)
        self.cgroup_parent = "oci-conf-" + self.runid
        self.counter = 0
        self.containers = []          # ids possibly alive
        self.host_mount_stack = []    # host mounts we made, umounted LIFO
        self.cleanups = []            # extra callables (per test)
        self.cache = {}
        self.notes = []
        self.host_ns = {}
        for ns in ("cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"):
            try:
                self.host_ns[ns] = os.stat("/proc/self/ns/" + ns).st_ino
            except OSError:
                pass
        self.cgroup_v2_only = os.path.exists("/sys/fs/cgroup/cgroup.controllers")
        self.busybox = shutil.which("busybox") or "/bin/busybox"
        # ociVersion written into test configs.  crun 1.8.1 rejects anything
        # newer than 1.1.x ("unknown version specified"), so it gets 1.1.0;
        # test ociversion_1_3_accepted still checks 1.3.0 for every runtime.
        self.oci_version = os.environ.get("OCI_VERSION") or (
            "1.1.0" if self.kind == "crun" else "1.3.0")
        if self.oci_version != "1.3.0":
            self.notes.append("configs use ociVersion %s for %s (1.3.0 is rejected by it)"
                              % (self.oci_version, self.kind))
        # a marker that must not leak from the runtime's environment into
        # hooks or the container process
        os.environ["OCI_CONF_LEAK"] = "1"

    # --- identity
    def _runtime_kind(self):
        try:
            out = subprocess.run([self.runtime, "--version"], stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, universal_newlines=True,
                                 timeout=10).stdout
        except (OSError, subprocess.TimeoutExpired) as e:
            raise SystemExit("cannot run runtime %s: %s" % (self.runtime, e))
        self.version = out.strip()
        first = out.split()[0].lower() if out.split() else ""
        if first in ("runc", "crun", "ocirun", "youki"):
            return first
        return os.path.basename(self.runtime)

    # --- setup
    def setup(self):
        self._host_fixups()
        self._build_helper()
        self._build_template()
        # Make our whole temp dir a shared mount point so that propagation
        # tests can observe host->container mount events.
        try:
            self.host_mount(self.base, self.base, bind=True)
            run_cmd(["mount", "--make-shared", self.base], check_rc=True)
        except Fail as e:
            self.notes.append("could not make %s a shared mount: %s" % (self.base, e))
        self.shared_base = any(m["mountpoint"] == self.base and
                               any(o.startswith("shared:") for o in m["optional"])
                               for m in host_mounts())

    def _host_fixups(self):
        if self.kind != "crun" or self.cgroup_v2_only:
            return
        try:
            with open("/sys/fs/cgroup/unified/cgroup.controllers") as f:
                ctrls = f.read().split()
        except OSError:
            return
        if "hugetlb" in ctrls and not os.path.ismount("/sys/fs/cgroup/hugetlb"):
            os.makedirs("/sys/fs/cgroup/hugetlb", exist_ok=True)
            r = run_cmd(["mount", "-t", "cgroup", "-o", "hugetlb", "cgroup",
                         "/sys/fs/cgroup/hugetlb"])
            self.notes.append(
                "crun refuses hybrid cgroups while hugetlb is enabled in cgroup2: "
                "mounted a v1 hugetlb hierarchy at /sys/fs/cgroup/hugetlb (%s); left in place"
                % ("ok" if r.ok else "FAILED: " + r.err.strip()))

    def _build_helper(self):
        bdir = os.path.join(self.base, "build")
        os.mkdir(bdir)
        self.helper = os.path.join(bdir, "oci-helper")
        cc = os.environ.get("CC", "gcc")
        r = run_cmd([cc, "-static", "-O2", "-Wall", "-o", self.helper, HELPER_SRC], timeout=120)
        if not r.ok:
            raise SystemExit("building helper failed:\n" + r.err)

    def _build_template(self):
        t = os.path.join(self.base, "rootfs-template")
        self.template = t
        for d in ("bin", "dev", "proc", "sys", "etc", "tmp", "root", "mnt", "opt",
                  "usr/bin", "var/tmp"):
            os.makedirs(os.path.join(t, d), exist_ok=True)
        os.chmod(os.path.join(t, "tmp"), 0o1777)
        shutil.copy2(self.busybox, os.path.join(t, "bin", "busybox"))
        shutil.copy2(self.helper, os.path.join(t, "bin", "oci-helper"))
        r = run_cmd([self.busybox, "--list"])
        for applet in r.out.split():
            if applet in ("busybox",) or "/" in applet:
                continue
            p = os.path.join(t, "bin", applet)
            if not os.path.lexists(p):
                os.symlink("busybox", p)
        with open(os.path.join(t, "etc", "passwd"), "w") as f:
            f.write("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n")
        with open(os.path.join(t, "etc", "group"), "w") as f:
            f.write("root:x:0:\ntty:x:5:\nnogroup:x:65534:\n")
        with open(os.path.join(t, "etc", "oci-conf-marker"), "w") as f:
            f.write("container\n")

    # --- runtime CLI
    def rt(self, *args, timeout=CMD_TIMEOUT, **kw):
        cmd = [self.runtime, "--root", self.root] + [str(a) for a in args]
        r = run_cmd(cmd, timeout=timeout, **kw)
        if self.verbose:
            print("    $ %s -> rc=%s" % (" ".join(cmd[3:]), r.rc))
            if r.err.strip():
                print("      stderr: %s" % r.err.strip()[-400:])
        return r

    def new_id(self, name):
        self.counter += 1
        return "oc%s-%d-%s" % (self.runid, self.counter, name[:24].replace("_", "-"))

    def bundle(self, name="c"):
        return Bundle(self, name)

    def host_mount(self, source, target, fstype=None, options=None, bind=False):
        args = ["mount"]
        if bind:
            args.append("--bind")
        if fstype:
            args += ["-t", fstype]
        if options:
            args += ["-o", options]
        args += [source, target]
        r = run_cmd(args)
        if not r.ok:
            raise Fail("host mount failed: " + r.describe())
        self.host_mount_stack.append(target)

    def host_umount(self, target):
        run_cmd(["umount", "-l", target])
        if target in self.host_mount_stack:
            self.host_mount_stack.remove(target)

    # --- cgroups
    def cgroup_mounts(self):
        res = {}
        for m in host_mounts():
            if m["fstype"] == "cgroup2":
                res.setdefault("unified", m["mountpoint"])
            elif m["fstype"] == "cgroup":
                for o in m["superopts"].split(","):
                    if o in ("rw", "ro") or o.startswith("release_agent") or o == "clone_children":
                        continue
                    res.setdefault(o, m["mountpoint"])
        return res

    def cgroup_dir(self, controller, cgpath):
        """Host directory of cgroup `cgpath` for `controller` (v1) or unified."""
        mounts = self.cgroup_mounts()
        if self.cgroup_v2_only:
            return os.path.join("/sys/fs/cgroup", cgpath.lstrip("/"))
        mp = mounts.get(controller)
        if not mp:
            return None
        return os.path.join(mp, cgpath.lstrip("/"))

    def cleanup_cgroups(self):
        mps = set(self.cgroup_mounts().values())
        if self.cgroup_v2_only:
            mps = {"/sys/fs/cgroup"}
        for mp in mps:
            top = os.path.join(mp, self.cgroup_parent)
            if not os.path.isdir(top):
                continue
            for dirpath, dirnames, _ in sorted(os.walk(top, topdown=False),
                                               key=lambda x: -len(x[0])):
                procs = os.path.join(dirpath, "cgroup.procs")
                try:
                    with open(procs) as f:
                        for pid in f.read().split():
                            try:
                                os.kill(int(pid), signal.SIGKILL)
                            except OSError:
                                pass
                except OSError:
                    pass
                for _ in range(20):
                    try:
                        os.rmdir(dirpath)
                        break
                    except FileNotFoundError:
                        break
                    except OSError:
                        time.sleep(0.05)

    # --- cleanup
    def cleanup_containers(self):
        """Kill and delete every container a test may have left behind.  Never
        raises: a hanging or broken runtime must not break the next tests."""
        for cid in list(self.containers):
            self.containers.remove(cid)
            pid = None
            try:
                r = self.rt("state", cid, timeout=10)
                if r.ok:
                    pid = json.loads(r.out).get("pid")
            except (Fail, ValueError, AttributeError):
                pass
            gone = False
            for args, to in ((("kill", cid, "KILL"), 10), (("delete", "--force", cid), 20)):
                try:
                    r = self.rt(*args, timeout=to)
                    gone = gone or (args[0] == "delete" and r.ok)
                except Fail as e:
                    print("    warning: cleanup of %s: %s" % (cid, e))
            if not gone:
                try:
                    self.rt("delete", "--force", cid, timeout=20)
                except Fail:
                    pass
            if pid:
                # last resort for a runtime that could not kill its container
                try:
                    with open("/proc/%d/cgroup" % pid) as f:
                        mine = self.cgroup_parent in f.read()
                    if mine:
                        os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass

    def run_cleanups(self):
        while self.cleanups:
            fn = self.cleanups.pop()
            try:
                fn()
            except Exception as e:  # noqa
                print("    warning: cleanup failed: %s" % e)

    def teardown(self):
        for step in (self.run_cleanups, self.cleanup_containers):
            try:
                step()
            except Exception as e:  # noqa - teardown must go on
                print("    warning: teardown: %s" % e)
        for t in reversed(list(self.host_mount_stack)):
            run_cmd(["umount", "-l", t])
        self.host_mount_stack = []
        try:
            self.cleanup_cgroups()
        except Exception as e:  # noqa
            print("    warning: cgroup cleanup: %s" % e)
        if self.keep:
            print("kept %s" % self.base)
        else:
            shutil.rmtree(self.base, ignore_errors=True)
            if os.path.exists(self.base):
                # something is still mounted below: detach and retry
                run_cmd(["umount", "-R", "-l", self.base])
                shutil.rmtree(self.base, ignore_errors=True)

    # --- cache shared between tests (e.g. one probe container for /dev checks)
    def cached(self, key, fn):
        if key not in self.cache:
            try:
                self.cache[key] = ("ok", fn())
            except (Fail, Skip) as e:
                self.cache[key] = ("exc", e)
        kind, val = self.cache[key]
        if kind == "exc":
            raise val
        return val


def default_config(suite, cid):
    caps = list(DEFAULT_CAPS)
    return {
        "ociVersion": suite.oci_version,
        "process": {
            "terminal": False,
            "user": {"uid": 0, "gid": 0},
            "args": ["/bin/oci-helper", "info"],
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "TERM=xterm"],
            "cwd": "/",
            "capabilities": {"bounding": list(caps), "effective": list(caps),
                             "permitted": list(caps)},
            "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
            "noNewPrivileges": True,
        },
        "root": {"path": "rootfs", "readonly": False},
        "hostname": "oci-conf",
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
             "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
            {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
             "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
            {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
             "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs",
             "options": ["nosuid", "noexec", "nodev", "ro"]},
            {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
             "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]},
        ],
        "linux": {
            "cgroupsPath": "/%s/%s" % (suite.cgroup_parent, cid),
            "resources": {"devices": [{"allow": False, "access": "rwm"}]},
            "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
                           {"type": "uts"}, {"type": "mount"}],
            "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                            "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
            "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                              "/proc/sysrq-trigger"],
        },
    }


class Bundle:
    """A bundle directory with its own rootfs copy and config; one container id."""

    def __init__(self, suite, name):
        self.suite = suite
        self.id = suite.new_id(name)
        self.dir = os.path.join(suite.base, "bundles", self.id)
        os.makedirs(self.dir)
        self.rootfs = os.path.join(self.dir, "rootfs")
        shutil.copytree(suite.template, self.rootfs, symlinks=True)
        self.config = default_config(suite, self.id)
        self.pid_file = os.path.join(self.dir, "pid")
        self.out_file = os.path.join(self.dir, "stdout")
        self.err_file = os.path.join(self.dir, "stderr")

    # --- config helpers
    @property
    def process(self):
        return self.config["process"]

    @property
    def linux(self):
        return self.config["linux"]

    def set_args(self, *args):
        self.config["process"]["args"] = list(args)
        return self

    def helper_args(self, *args):
        return self.set_args("/bin/oci-helper", *args)

    def sh(self, script):
        return self.set_args("/bin/sh", "-c", script)

    def ns(self, typ, path=None, present=True):
        nss = [n for n in self.linux["namespaces"] if n["type"] != typ]
        if present:
            e = {"type": typ}
            if path:
                e["path"] = path
            nss.append(e)
        self.linux["namespaces"] = nss
        return self

    def add_mount(self, destination, typ, source, options=None, **extra):
        m = {"destination": destination, "type": typ, "source": source}
        if options is not None:
            m["options"] = list(options)
        m.update(extra)
        self.config["mounts"].append(m)
        return self

    def write_config(self, cfg=None):
        with open(os.path.join(self.dir, "config.json"), "w") as f:
            json.dump(self.config if cfg is None else cfg, f, indent=1)

    def path(self, p):
        """Host path of container path p inside the rootfs."""
        return os.path.join(self.rootfs, p.lstrip("/"))

    @property
    def cgroups_path(self):
        return self.linux.get("cgroupsPath")

    # --- runtime operations
    def _track(self):
        if self.id not in self.suite.containers:
            self.suite.containers.append(self.id)

    def run(self, timeout=CMD_TIMEOUT, write=True, extra=()):
        """`run` the container in the foreground, stdout/stderr captured."""
        if write:
            self.write_config()
        self._track()
        r = self.suite.rt("run", "--bundle", self.dir, *extra, self.id, timeout=timeout)
        # foreground run deletes the container on exit
        if r.rc is not None:
            st = self.suite.rt("state", self.id)
            if not st.ok and self.id in self.suite.containers:
                self.suite.containers.remove(self.id)
        return r

    def helper(self, *args, what=None):
        """Run /bin/oci-helper ARGS as the container process; return its JSON."""
        if args:
            self.helper_args(*args)
        r = self.run()
        if r.rc != 0:
            raise Fail("container run failed: " + r.describe())
        return r.json(what or "oci-helper " + " ".join(args))

    def create(self, write=True, pid_file=True, console_socket=None, stdin=None, extra=(),
               timeout=CMD_TIMEOUT):
        if write:
            self.write_config()
        self._track()
        args = ["create", "--bundle", self.dir]
        if pid_file:
            args += ["--pid-file", self.pid_file]
        if console_socket:
            args += ["--console-socket", console_socket]
        args += list(extra)
        args.append(self.id)
        with open(self.out_file, "w") as out, open(self.err_file, "w") as err:
            r = self.suite.rt(*args, stdout=out, stderr=err, timeout=timeout)
        with open(self.err_file) as f:
            r.err = f.read()
        return r

    def must_create(self, **kw):
        r = self.create(**kw)
        if not r.ok:
            raise Fail("create failed: " + r.describe())
        return r

    def start(self):
        return self.suite.rt("start", self.id)

    def must_start(self):
        r = self.start()
        if not r.ok:
            raise Fail("start failed: " + r.describe())
        return r

    def state(self):
        r = self.suite.rt("state", self.id)
        if not r.ok:
            return None
        try:
            return json.loads(r.out)
        except ValueError:
            raise Fail("state output is not JSON: %r" % r.out)

    def must_state(self):
        st = self.state()
        if st is None:
            raise Fail("state %s failed" % self.id)
        return st

    def kill(self, sig="KILL", extra=()):
        return self.suite.rt("kill", *extra, self.id, sig)

    def delete(self, force=False):
        args = ["delete"] + (["--force"] if force else []) + [self.id]
        r = self.suite.rt(*args)
        if r.ok and self.id in self.suite.containers:
            self.suite.containers.remove(self.id)
        return r

    def must_delete(self, force=False):
        r = self.delete(force)
        if not r.ok:
            raise Fail("delete failed: " + r.describe())
        return r

    def wait_status(self, status, timeout=15):
        deadline = time.time() + timeout
        st = None
        while time.time() < deadline:
            st = self.state()
            if st and st.get("status") == status:
                return st
            time.sleep(0.02)
        raise Fail("container never reached status %r (last state: %r)" % (status, st))

    def wait_file(self, path, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if os.path.exists(path):
                return True
            time.sleep(0.02)
        raise Fail("timed out waiting for %s" % path)

    def stdout(self):
        with open(self.out_file, errors="replace") as f:
            return f.read()

    def output_json(self):
        return Result(["container"], 0, self.stdout(), "").json("container stdout")

    def run_detached(self, timeout=15):
        """create + start + wait until stopped; returns container stdout JSON."""
        self.must_create()
        self.must_start()
        self.wait_status("stopped", timeout)
        out = self.output_json()
        self.must_delete()
        return out

    def exec_(self, *args, extra=(), timeout=CMD_TIMEOUT):
        return self.suite.rt("exec", *extra, self.id, *args, timeout=timeout)

    def pid(self):
        st = self.must_state()
        return st.get("pid")

    # --- terminal
    def create_with_console(self):
        """create with --console-socket; returns the pty master fd."""
        sock_path = os.path.join(self.dir, "console.sock")
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(sock_path)
        srv.listen(1)
        srv.settimeout(CMD_TIMEOUT)
        self.write_config()
        self._track()
        args = [self.suite.runtime, "--root", self.suite.root, "create", "--bundle", self.dir,
                "--pid-file", self.pid_file, "--console-socket", sock_path, self.id]
        errf = open(self.err_file, "w")
        p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=errf, stderr=errf)
        master = None
        try:
            srv.settimeout(0.1)
            deadline = time.time() + CMD_TIMEOUT
            conn = None
            while conn is None:
                try:
                    conn, _ = srv.accept()
                except socket.timeout:
                    if p.poll() is not None or time.time() > deadline:
                        if p.poll() is None:
                            p.kill()
                        errf.close()
                        with open(self.err_file) as f:
                            err = f.read()[-500:]
                        raise Fail("runtime never connected to the console socket (rc=%s): %s"
                                   % (p.poll(), err))
            conn.settimeout(CMD_TIMEOUT)
            try:
                msg, fds, _, _ = socket.recv_fds(conn, 4096, 4)
            except (OSError, socket.timeout) as e:
                raise Fail("receiving console fd failed: %s" % e)
            conn.close()
            if not fds:
                raise Fail("no file descriptor received on the console socket")
            master = fds[0]
            for extra in fds[1:]:
                os.close(extra)
            try:
                rc = p.wait(CMD_TIMEOUT)
            except subprocess.TimeoutExpired:
                p.kill()
                raise Fail("create with console socket timed out")
            errf.close()
            if rc != 0:
                with open(self.err_file) as f:
                    raise Fail("create --console-socket failed rc=%s: %s" % (rc, f.read()[-500:]))
            self.suite.cleanups.append(lambda: _close(master))
            return master
        finally:
            srv.close()
            if not errf.closed:
                errf.close()


def _close(fd):
    try:
        os.close(fd)
    except OSError:
        pass


def read_pty(master, timeout=10, until_eof=True):
    data = b""
    deadline = time.time() + timeout
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.1)
        if not r:
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError as e:
            if e.errno == errno.EIO:
                break
            raise
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace")


# ---------------------------------------------------------------- runner
def _alarm(signum, frame):
    raise TestTimeout()


def select_tests(patterns):
    if not patterns:
        return list(TESTS)
    res = []
    for t in TESTS:
        for p in patterns:
            if (p in t["name"] or p in t["section"] or fnmatch.fnmatch(t["name"], p)):
                res.append(t)
                break
    return res


def run_suite(runtime, patterns, verbose=False, keep=False, allow_known=False):
    from . import divergences
    tests = select_tests(patterns)
    suite = Suite(runtime, verbose=verbose, keep=keep)
    print("OCI runtime-spec conformance: runtime=%s (%s)" % (runtime, suite.version.splitlines()[0] if suite.version else "?"))
    results = []   # (test, status, message)
    interrupted = False
    old_int = signal.getsignal(signal.SIGINT)

    def on_term(signum, frame):
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)
    start_time = time.time()
    try:
        suite.setup()
        for n in suite.notes:
            print("NOTE: " + n)
        current = None
        for t in sorted(tests, key=lambda t: SECTION_ORDER.index(t["section"])):
            if t["section"] != current:
                current = t["section"]
                print("\n== %s ==" % current)
            t0 = time.time()
            signal.signal(signal.SIGALRM, _alarm)
            signal.alarm(TEST_TIMEOUT)
            status, msg = "PASS", ""
            try:
                if time.time() - start_time > SUITE_BUDGET:
                    raise Fail("not run: suite time budget of %ss exhausted (OCI_CONF_BUDGET)"
                               % SUITE_BUDGET)
                t["fn"](suite)
            except Skip as e:
                status, msg = "SKIP", str(e)
            except Fail as e:
                status, msg = "FAIL", str(e)
            except TestTimeout:
                status, msg = "FAIL", "test timed out after %ss" % TEST_TIMEOUT
            except KeyboardInterrupt:
                raise
            except Exception as e:  # noqa - a crash in a test is a failure
                status, msg = "FAIL", "exception: %s\n%s" % (e, traceback.format_exc())
            finally:
                signal.alarm(0)
                try:
                    suite.run_cleanups()
                    suite.cleanup_containers()
                except KeyboardInterrupt:
                    raise
                except Exception as e:  # noqa
                    print("    warning: cleanup error: %s" % e)
            known = divergences.lookup(t["name"], suite.kind) if status == "FAIL" else None
            dt = time.time() - t0
            if status == "SKIP":
                print("SKIP %s: %s" % (t["name"], msg))
            elif status == "FAIL":
                line = "FAIL %s: %s" % (t["name"], msg.strip().splitlines()[0] if msg.strip() else "")
                if known:
                    line += "  [known %s divergence: %s]" % (suite.kind, known)
                if verbose:
                    line += " (%.1fs)" % dt
                print(line)
                if verbose and len(msg.strip().splitlines()) > 1:
                    print("     " + "\n     ".join(msg.strip().splitlines()[1:]))
            else:
                print("PASS %s%s" % (t["name"], (" (%.1fs)" % dt) if verbose else ""))
            results.append((t, status, msg, known))
    except KeyboardInterrupt:
        interrupted = True
        print("\ninterrupted: cleaning up")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        suite.teardown()
        signal.signal(signal.SIGINT, old_int)

    # --- report
    print("\n== Summary per spec section ==")
    sections = []
    for t, s, m, k in results:
        if t["section"] not in sections:
            sections.append(t["section"])
    for sec in sections:
        rs = [r for r in results if r[0]["section"] == sec]
        print("  %-45s %3d passed, %3d failed, %3d skipped" % (
            sec, sum(1 for r in rs if r[1] == "PASS"), sum(1 for r in rs if r[1] == "FAIL"),
            sum(1 for r in rs if r[1] == "SKIP")))
    failed = [r for r in results if r[1] == "FAIL"]
    known = [r for r in failed if r[3]]
    if known:
        print("\nKnown divergences of %s (still counted as failures):" % suite.kind)
        for t, s, m, k in known:
            print("  %s: %s" % (t["name"], k))
    unknown = [r for r in failed if not r[3]]
    if unknown:
        print("\nFailures:")
        for t, s, m, k in unknown:
            print("  %s (%s)" % (t["name"], t["section"]))
    print("\nelapsed %.1fs" % (time.time() - start_time))
    npass = sum(1 for r in results if r[1] == "PASS")
    nskip = sum(1 for r in results if r[1] == "SKIP")
    print("%d passed, %d failed, %d skipped" % (npass, len(failed), nskip))
    if interrupted:
        return 130
    if not failed:
        return 0
    if allow_known and not unknown:
        return 0
    return 1
