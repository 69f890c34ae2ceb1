#!/usr/bin/python3
"""reliability.py - load, race and long-run driver for ocirun.

Runs many ocirun invocations at once from one single-threaded event loop
(each container is a generator that yields the commands it runs), checks
every result, and compares a snapshot of everything the runtime may leave
behind taken before the run with one taken after:

  state     the entries of the state root (exact)
  cgroups   directories under /sys/fs/cgroup (every v1 hierarchy and the
            unified one) whose path holds the run's tag (container ids
            carry the tag, cgroupsPath defaults to the id)
  mounts    /proc/self/mountinfo: exact when the driver runs in its own
            private mount namespace (the default: it unshares one, so
            nobody else's mounts show up), else the lines naming the tag
            or one of the run's paths
  netns     network namespaces that appeared (by inode) and are held by a
            process of ours or a mount we compare
  fds       the driver's own open fds (exact)
  processes nothing left whose parent chain leads to the driver (it is a
            child subreaper, so orphaned container processes are
            reparented to it and cannot hide), no zombies, and no process
            anywhere whose environment holds the tag (ocirun and every
            container process get OCIRUN_REL_TAG=<tag>)

Every ocirun invocation's peak RSS comes from GNU time (/usr/bin/time -f
%M): ru_maxrss of a child of this interpreter would carry the
interpreter's own RSS over execve.

Sub-commands (exit 0 = every check passed; 77 = cannot run here):
  concurrency  N containers by P parallel workers: create, state, start,
               exec (if it works), kill, wait for stopped, delete, state
               (gone); a lister runs `list` all along.
  races        same-id races: two creates, two deletes, create vs delete,
               start vs kill, start vs delete, kill vs delete, exec vs
               delete, state/list vs delete.
  cycles       N sequential `run --keep` + `delete`; RSS flat, host
               resources flat (checked every --check-every cycles).
  snapshot, compare
               the snapshot alone, for shell tests:
               snapshot --out F ...; later compare --against F ... prints
               one `LEAK: ...` line per problem and exits 1 if any.
"""

import argparse
import collections
import ctypes
import json
import os
import shutil
import signal
import sys
import tempfile
import time

TAG_ENV = "OCIRUN_REL_TAG"
SKIP = 77

libc = ctypes.CDLL(None, use_errno=True)
PR_SET_CHILD_SUBREAPER = 36
CLONE_NEWNS = 0x00020000
MS_REC = 16384
MS_PRIVATE = 1 << 18


def die(msg, code=1):
    print("reliability: " + msg, file=sys.stderr)
    sys.exit(code)


def log(msg):
    print("# " + msg, flush=True)


# ---- processes ------------------------------------------------------------


def read_stat(pid):
    """(ppid, state) of pid, or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            data = f.read().decode("latin-1")
    except OSError:
        return None
    rest = data[data.rfind(")") + 2:].split()
    return int(rest[1]), rest[0]


def read_comm(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode("latin-1").strip()
        return cmd or "[%s]" % open("/proc/%d/comm" % pid).read().strip()
    except OSError:
        return "?"


def all_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def descendants(root_pid):
    """{pid: (ppid, state)} of every process whose parent chain leads to
    root_pid (root_pid itself excluded)."""
    info = {}
    for pid in all_pids():
        st = read_stat(pid)
        if st:
            info[pid] = st
    out = {}
    for pid in info:
        p, seen = pid, 0
        while p in info and p != root_pid and p > 1 and seen < 4096:
            p = info[p][0]
            seen += 1
        if p == root_pid and pid != root_pid:
            out[pid] = info[pid]
    return out


def tagged_processes(tag):
    """pids whose environment holds OCIRUN_REL_TAG=tag (zombies have no
    environment any more: they are found through the parent chain)."""
    needle = ("%s=%s" % (TAG_ENV, tag)).encode()
    found = []
    me = os.getpid()
    for pid in all_pids():
        if pid == me:
            continue
        try:
            with open("/proc/%d/environ" % pid, "rb") as f:
                env = f.read().split(b"\0")
        except OSError:
            continue
        if needle in env:
            found.append(pid)
    return found


# ---- snapshot -------------------------------------------------------------


def mountinfo_entries():
    """Multiset of (mount point, root, fstype, source) of our namespace."""
    c = collections.Counter()
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            l, r = left.split(), right.split()
            c[(l[4], l[3], r[0], r[1] if len(r) > 1 else "")] += 1
    return c


def cgroup_dirs():
    out = set()
    for top, dirs, _ in os.walk("/sys/fs/cgroup", followlinks=False):
        for d in dirs:
            out.add(os.path.join(top, d))
    return out


def netns_inodes(mounts):
    """{netns inode string: [holders]} of every process and nsfs mount."""
    held = collections.defaultdict(list)
    for pid in all_pids():
        try:
            held[os.readlink("/proc/%d/ns/net" % pid)].append(("pid", pid))
        except OSError:
            pass
    for (mp, root, fstype, _src), _n in mounts.items():
        if fstype == "nsfs" and root.startswith("net:"):
            held[root].append(("mount", mp))
    return held


def own_fds():
    fds = {}
    d = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY)
    try:
        for name in os.listdir(d):
            fd = int(name)
            if fd == d:
                continue
            try:
                fds[fd] = os.readlink("/proc/self/fd/%d" % fd)
            except OSError:
                pass
    finally:
        os.close(d)
    return fds


def pid_fds(pid):
    fds = {}
    base = "/proc/%d/fd" % pid
    for name in os.listdir(base):
        try:
            fds[int(name)] = os.readlink(os.path.join(base, name))
        except OSError:
            pass
    return fds


def state_entries(root):
    out = []
    if not os.path.isdir(root):
        return out
    for top, dirs, files in os.walk(root):
        for n in dirs + files:
            out.append(os.path.relpath(os.path.join(top, n), root))
    return sorted(out)


class Snapshot:
    def __init__(self, tag, root, fd_pid=None):
        self.state = state_entries(root)
        self.cgroups = sorted(d for d in cgroup_dirs() if tag in d)
        mounts = mountinfo_entries()
        self.mounts = mounts
        self.netns = sorted(netns_inodes(mounts))
        self.fds = own_fds() if fd_pid is None else pid_fds(fd_pid)
        self.run_netns = sorted(os.listdir("/run/netns")) \
            if os.path.isdir("/run/netns") else []

    def to_json(self):
        return {"state": self.state, "cgroups": self.cgroups,
                "mounts": [list(k) + [n] for k, n in self.mounts.items()],
                "netns": self.netns,
                "fds": {str(k): v for k, v in self.fds.items()},
                "run_netns": self.run_netns}

    @classmethod
    def from_json(cls, d):
        s = cls.__new__(cls)
        s.state = d["state"]
        s.cgroups = d["cgroups"]
        s.mounts = collections.Counter(
            {tuple(m[:4]): m[4] for m in d["mounts"]})
        s.netns = d["netns"]
        s.fds = {int(k): v for k, v in d["fds"].items()}
        s.run_netns = d["run_netns"]
        return s


def compare(before, tag, root, paths, exact_mounts, fd_pid=None,
            tree_root=None):
    """Problems (strings) found comparing `before` with now."""
    after = Snapshot(tag, root, fd_pid)
    problems = []

    def attributable(text):
        return tag in text or any(p and p in text for p in paths)

    if after.state != before.state:
        problems.append("state root %s: before %s, after %s"
                        % (root, before.state, after.state))
    for d in sorted(set(after.cgroups) - set(before.cgroups)):
        problems.append("cgroup left behind: %s" % d)
    for d in sorted(set(before.cgroups) - set(after.cgroups)):
        problems.append("cgroup that existed before is gone: %s" % d)
    added = after.mounts - before.mounts
    removed = before.mounts - after.mounts
    for (mp, mroot, fstype, src), n in sorted(added.items()):
        if exact_mounts or attributable(mp + " " + mroot + " " + src):
            problems.append("mount left behind (x%d): %s on %s (root %s)"
                            % (n, fstype, mp, mroot))
    # A mount can vanish from a private namespace when someone removes
    # its mount point elsewhere: only ours count.
    for (mp, mroot, fstype, src), n in sorted(removed.items()):
        if attributable(mp + " " + mroot + " " + src):
            problems.append("mount gone (x%d): %s on %s" % (n, fstype, mp))
    ours = set(tagged_processes(tag))
    if tree_root:
        ours |= set(descendants(tree_root))
    held = netns_inodes(after.mounts)
    for ns in sorted(set(held) - set(before.netns)):
        for kind, who in held[ns]:
            if (kind == "pid" and who in ours) or \
               (kind == "mount" and (exact_mounts or attributable(who))):
                problems.append("network namespace %s left, held by %s %s"
                                % (ns, kind, who))
    for n in sorted(set(after.run_netns) - set(before.run_netns)):
        if exact_mounts or attributable(n):
            problems.append("/run/netns/%s left behind" % n)
    if after.fds != before.fds:
        opened = {k: v for k, v in after.fds.items()
                  if before.fds.get(k) != v}
        closed = {k: v for k, v in before.fds.items()
                  if after.fds.get(k) != v}
        problems.append("fds of the test process changed: opened %s, "
                        "closed %s" % (opened, closed))
    for pid in sorted(tagged_processes(tag)):
        st = read_stat(pid)
        problems.append("process left running: %d (%s) state %s ppid %s"
                        % (pid, read_comm(pid), st and st[1],
                           st and st[0]))
    if tree_root:
        for pid, (ppid, state) in sorted(descendants(tree_root).items()):
            what = "zombie" if state == "Z" else "stray process"
            problems.append("%s under the test: %d (%s) ppid %d"
                            % (what, pid, read_comm(pid), ppid))
    return problems


# ---- the event loop -------------------------------------------------------


class Cmd:
    """One ocirun invocation: yield it from a flow to get its Result."""

    def __init__(self, *args, prefix=None, env=None):
        self.args = list(args)
        self.prefix = prefix or []
        # Peak RSS per invocation through GNU time (see Result).
        self.time = shutil.which("time", path="/usr/bin:/bin")
        self.env = env


class Par:
    """Several invocations at the same time: yields a list of Results."""

    def __init__(self, *cmds):
        self.cmds = cmds


class Sleep:
    def __init__(self, seconds):
        self.seconds = seconds


class Result:
    def __init__(self, argv, status, out, err, maxrss, timed=None):
        self.argv = argv
        self.status = status
        self.rc = os.waitstatus_to_exitcode(status)
        if timed is not None:
            # GNU time's report: the peak RSS of ocirun alone (a fork of
            # the small `time`, not of this big interpreter, whose RSS
            # execve would carry over into ru_maxrss), and whether it died
            # of a signal (time then exits 128 + N).
            lines = timed.strip().splitlines()
            maxrss = int(lines[-1]) if lines and lines[-1].isdigit() else -1
            for line in lines:
                if line.startswith("Command terminated by signal "):
                    self.rc = -int(line.split()[-1])
        self.out = out
        self.err = err
        self.maxrss = maxrss

    def __str__(self):
        return "`%s` -> %s, stdout %r, stderr %r" % (
            " ".join(self.argv), self.rc, self.out[-400:], self.err[-800:])


SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:",
                   "UndefinedBehaviorSanitizer")


class Failure(Exception):
    pass


def check(cond, msg, *results):
    if not cond:
        raise Failure(msg + "".join("\n    " + str(r) for r in results))


def clean_exit(r):
    """Whatever the outcome: no crash and no sanitizer report."""
    check(r.rc >= 0, "killed by signal %d" % -r.rc, r)
    check(not any(m in r.err for m in SANITIZER_MARKS),
          "sanitizer report", r)


def ok(r, what=""):
    clean_exit(r)
    check(r.rc == 0, "failed: " + what, r)
    return r


def clear_error(r, *accepted):
    """Failed with exit status 1 and an `ocirun: <message>` line; when
    `accepted` is given the message holds one of those texts."""
    clean_exit(r)
    check(r.rc == 1, "expected a failure with exit status 1", r)
    lines = [l for l in r.err.splitlines() if l.startswith("ocirun: ")]
    check(lines and len(lines[0]) > len("ocirun: ") + 5,
          "no clear error message", r)
    if accepted:
        check(any(a in r.err for a in accepted),
              "error does not say %s" % " or ".join(map(repr, accepted)), r)
    return r


class Loop:
    def __init__(self, ocirun, root, tag, workdir, prefix=None):
        self.ocirun = ocirun
        self.root = root
        self.tag = tag
        self.workdir = workdir
        self.prefix = prefix or []
        # Peak RSS per invocation through GNU time (see Result).
        self.time = shutil.which("time", path="/usr/bin:/bin")
        self.env = dict(os.environ)
        self.env[TAG_ENV] = tag
        self.running = {}   # pid -> (flow, index in Par or None, argv, files)
        self.pending = {}   # flow -> list of results for a Par
        self.timers = []    # (when, flow)
        self.flows = []
        self.failures = []
        self.orphans_reaped = 0
        self.rss = collections.defaultdict(list)
        self.foreground_done = False
        self.invocations = 0
        self.seq = 0

    def spawn(self, flow, cmd, slot):
        self.seq += 1
        out = os.path.join(self.workdir, "%d.out" % self.seq)
        err = os.path.join(self.workdir, "%d.err" % self.seq)
        argv = self.prefix + cmd.prefix + [self.ocirun, "--root", self.root] \
            + cmd.args
        env = self.env if cmd.env is None else dict(self.env, **cmd.env)
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, out,
             os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
            (os.POSIX_SPAWN_OPEN, 2, err,
             os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
        ]
        rss = None
        if self.time:
            rss = os.path.join(self.workdir, "%d.rss" % self.seq)
            argv = [self.time, "-f", "%M", "-o", rss] + argv
        pid = os.posix_spawnp(argv[0], argv, env, file_actions=actions)
        self.invocations += 1
        self.running[pid] = (flow, slot, argv, out, err, rss, cmd)

    def advance(self, flow, value):
        try:
            req = flow.send(value)
        except StopIteration:
            self.flows.remove(flow)
            return
        except Failure as e:
            self.failures.append("%s: %s" % (flow.__name__, e))
            self.flows.remove(flow)
            return
        if isinstance(req, Cmd):
            self.spawn(flow, req, None)
        elif isinstance(req, Par):
            self.pending[flow] = [None] * len(req.cmds)
            for i, c in enumerate(req.cmds):
                self.spawn(flow, c, i)
        elif isinstance(req, Sleep):
            self.timers.append((time.monotonic() + req.seconds, flow))
        else:
            raise TypeError(req)

    def collect(self, pid, status, ru):
        flow, slot, argv, out, err, rss, cmd = self.running.pop(pid)
        timed = None
        with open(out, errors="replace") as f:
            o = f.read()
        with open(err, errors="replace") as f:
            e = f.read()
        os.unlink(out)
        os.unlink(err)
        if rss:
            with open(rss) as f:
                timed = f.read()
            os.unlink(rss)
        skip = len(self.prefix) + len(cmd.prefix) + (5 if rss else 0)
        r = Result(argv[skip:], status, o, e, ru.ru_maxrss, timed)
        if rss:
            self.rss[cmd.args[0]].append(r.maxrss)
        if slot is None:
            self.advance(flow, r)
            return
        results = self.pending[flow]
        results[slot] = r
        if all(x is not None for x in results):
            del self.pending[flow]
            self.advance(flow, results)

    def run(self, flows, jobs, background=()):
        """Run the flows, at most `jobs` at a time, and the background
        flows (which watch self.foreground_done) beside them."""
        queue = collections.deque(flows)
        self.foreground_done = False
        for f in background:
            self.flows.append(f)
            self.advance(f, None)
        while queue or self.flows:
            busy = [f for f in self.flows if f not in background]
            self.foreground_done = not queue and not busy
            while queue and len(busy) < jobs:
                busy.append(queue[0])
                f = queue.popleft()
                self.flows.append(f)
                self.advance(f, None)
            now = time.monotonic()
            due = [t for t in self.timers if t[0] <= now]
            for t in due:
                self.timers.remove(t)
                self.advance(t[1], None)
            progressed = bool(due)
            while True:
                try:
                    pid, status, ru = os.wait4(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                progressed = True
                if pid in self.running:
                    self.collect(pid, status, ru)
                else:
                    # A container process reparented to us (subreaper).
                    self.orphans_reaped += 1
            if not progressed:
                time.sleep(0.002)

    def reap_orphans(self):
        """Reap reparented container processes that already exited."""
        while True:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.orphans_reaped += 1


# ---- the scenarios --------------------------------------------------------


def make_bundle(src_bundle, dest, tag, args):
    """A bundle in dest using src_bundle's rootfs, running args, with the
    tag in the process environment."""
    with open(os.path.join(src_bundle, "config.json")) as f:
        cfg = json.load(f)
    root = cfg["root"]["path"]
    if not root.startswith("/"):
        root = os.path.join(os.path.realpath(src_bundle), root)
    cfg["root"]["path"] = root
    cfg["process"]["terminal"] = False
    cfg["process"]["args"] = args
    env = [e for e in cfg["process"].get("env", [])
           if not e.startswith(TAG_ENV + "=")]
    cfg["process"]["env"] = env + ["%s=%s" % (TAG_ENV, tag)]
    os.makedirs(dest, exist_ok=True)
    with open(os.path.join(dest, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    return dest


def state_status(r):
    try:
        return json.loads(r.out)["status"]
    except (ValueError, KeyError, TypeError):
        return None


def wait_stopped(cid, tries=800):
    """Poll `state` until stopped (kill is asynchronous)."""
    for _ in range(tries):
        r = yield Cmd("state", cid)
        ok(r, "state of " + cid)
        st = state_status(r)
        check(st in ("created", "running", "stopped"),
              "state printed no valid status", r)
        if st == "stopped":
            return
        yield Sleep(0.02)
    raise Failure("%s never reached stopped after SIGKILL" % cid)


def expect_gone(cid):
    r = yield Cmd("state", cid)
    clear_error(r, "does not exist")


def probe_exec(opts, tag, bundle):
    """`exec` must work before the load uses it: a broken exec fails the
    run here, with the reason (only --no-exec leaves exec out)."""
    loop = Loop(opts.ocirun, opts.root, tag, opts.workdir)
    res = {}

    def flow():
        cid = tag + "-probe"
        r = yield Cmd("run", "--detach", "--bundle", bundle, cid)
        if r.rc != 0:
            res["why"] = "run --detach failed: %s" % r
            return
        r = yield Cmd("exec", cid, "sh", "-c", "echo probe")
        if r.rc != 0 or r.out != "probe\n":
            res["why"] = "exec does not work: %s" % r
        yield Cmd("delete", "--force", cid)
    loop.run([flow()], 1)
    loop.reap_orphans()
    if res.get("why"):
        raise Failure("exec probe: " + res["why"])


def container_flow(i, tag, bundle, use_exec):
    cid = "%s-c%d" % (tag, i)
    ok((yield Cmd("create", "--bundle", bundle, cid)), "create " + cid)
    r = ok((yield Cmd("state", cid)), "state")
    check(state_status(r) == "created", "state after create", r)
    pid = json.loads(r.out)["pid"]
    check(pid > 0 and read_stat(pid) is not None,
          "state reports pid %d which does not exist" % pid, r)
    ok((yield Cmd("start", cid)), "start " + cid)
    r = ok((yield Cmd("state", cid)), "state")
    check(state_status(r) == "running", "state after start", r)
    if use_exec:
        r = ok((yield Cmd("exec", cid, "sh", "-c", "echo exec-%d" % i)),
               "exec")
        check(r.out == "exec-%d\n" % i, "exec output", r)
    ok((yield Cmd("kill", cid, "KILL")), "kill " + cid)
    yield from wait_stopped(cid)
    ok((yield Cmd("delete", cid)), "delete " + cid)
    yield from expect_gone(cid)


def lister_flow(loop):
    """`list` all along: always exit 0 with a valid document."""
    while not loop.foreground_done:
        r = ok((yield Cmd("list", "--format", "json")), "list")
        try:
            v = json.loads(r.out)
        except ValueError:
            raise Failure("list printed invalid JSON: %r" % r.out[:300])
        check(v is None or isinstance(v, list), "list document", r)
        for e in v or []:
            check(e.get("status") in ("creating", "created", "running", "stopped",
                                      "paused"),
                  "list entry with status %r" % e.get("status"), r)
        yield Sleep(0.01)


def scenario_concurrency(opts, tag, bundles):
    use_exec = opts.exec
    if use_exec:
        probe_exec(opts, tag, bundles["sleep"])
    else:
        log("exec step skipped: --no-exec")
    loop = Loop(opts.ocirun, opts.root, tag, opts.workdir)
    flows = [container_flow(i, tag, bundles["sleep"], use_exec)
             for i in range(opts.containers)]
    loop.run(flows, opts.jobs, background=[lister_flow(loop)])
    loop.reap_orphans()
    log("concurrency: %d containers, %d parallel, %d invocations, exec %s, "
        "%d reparented container processes reaped"
        % (opts.containers, opts.jobs, loop.invocations,
           "on" if use_exec else "off", loop.orphans_reaped))
    return loop


def race_flows(tag, bundles, rounds, use_exec):
    sleep = bundles["sleep"]

    def create(cid):
        return Cmd("create", "--bundle", sleep, cid)

    def dup_create(k):
        cid = "%s-dc%d" % (tag, k)
        a, b = yield Par(create(cid), create(cid))
        clean_exit(a)
        clean_exit(b)
        check((a.rc == 0) != (b.rc == 0),
              "two creates of one id: exactly one must succeed", a, b)
        clear_error(b if a.rc == 0 else a, "already exists")
        r = ok((yield Cmd("state", cid)), "state")
        check(state_status(r) == "created", "the winner is created", r)
        ok((yield Cmd("start", cid)), "the winner starts")
        ok((yield Cmd("delete", "--force", cid)), "delete")
        yield from expect_gone(cid)

    def dup_delete(k, force, start):
        cid = "%s-dd%d%s%s" % (tag, k, "f" if force else "", "s" if start
                               else "")
        ok((yield create(cid)), "create")
        if start:
            ok((yield Cmd("start", cid)), "start")
        if not force:
            ok((yield Cmd("kill", cid, "KILL")), "kill")
            yield from wait_stopped(cid)
        args = ["delete"] + (["--force"] if force else []) + [cid]
        a, b = yield Par(Cmd(*args), Cmd(*args))
        clean_exit(a)
        clean_exit(b)
        check(a.rc == 0 or b.rc == 0, "one of two deletes succeeds", a, b)
        for r in (a, b):
            if r.rc != 0:
                clear_error(r, "does not exist")
        yield from expect_gone(cid)

    def create_vs_delete(k):
        cid = "%s-cd%d" % (tag, k)
        c, d = yield Par(create(cid), Cmd("delete", "--force", cid))
        # delete either came first (like runc, --force on a missing
        # container succeeds), or waited for create's lock and removed it
        # all, or took the lock of the brand-new directory first (create
        # then fails); either way what is left is whole: gone, or created.
        if c.rc != 0:
            clear_error(c)
        if d.rc != 0:
            clear_error(d, "does not exist")
        r = yield Cmd("state", cid)
        if r.rc == 0:
            check(state_status(r) == "created",
                  "left after create vs delete", c, d, r)
            ok((yield Cmd("start", cid)), "start what is left")
            ok((yield Cmd("delete", "--force", cid)), "delete --force")
        else:
            clear_error(r, "does not exist")
        yield from expect_gone(cid)

    def start_vs_kill(k):
        cid = "%s-sk%d" % (tag, k)
        ok((yield create(cid)), "create")
        s, kl = yield Par(Cmd("start", cid), Cmd("kill", cid, "KILL"))
        for r in (s, kl):
            if r.rc != 0:
                clear_error(r)
        check(kl.rc == 0, "kill of a created container succeeds", kl)
        yield from wait_stopped(cid)
        ok((yield Cmd("delete", cid)), "delete a stopped container")
        yield from expect_gone(cid)

    def start_vs_delete(k):
        cid = "%s-sd%d" % (tag, k)
        ok((yield create(cid)), "create")
        s, d = yield Par(Cmd("start", cid), Cmd("delete", "--force", cid))
        if s.rc != 0:
            clear_error(s)
        ok(d, "delete --force")
        yield from expect_gone(cid)

    def kill_vs_delete(k):
        cid = "%s-kd%d" % (tag, k)
        ok((yield create(cid)), "create")
        ok((yield Cmd("start", cid)), "start")
        kl, d = yield Par(Cmd("kill", cid, "TERM"),
                          Cmd("delete", "--force", cid))
        if kl.rc != 0:
            clear_error(kl, "does not exist", "not running")
        ok(d, "delete --force")
        yield from expect_gone(cid)

    def exec_vs_delete(k):
        cid = "%s-ed%d" % (tag, k)
        ok((yield create(cid)), "create")
        ok((yield Cmd("start", cid)), "start")
        e, d = yield Par(Cmd("exec", cid, "sleep", "30"),
                         Cmd("delete", "--force", cid))
        if e.rc != 0 and e.rc != 137:
            clear_error(e)
        check(e.rc >= 0 or e.rc == -signal.SIGKILL, "exec crashed", e)
        ok(d, "delete --force")
        yield from expect_gone(cid)

    def observe_vs_delete(k):
        cid = "%s-od%d" % (tag, k)
        ok((yield create(cid)), "create")
        ok((yield Cmd("start", cid)), "start")
        st, ls, d = yield Par(Cmd("state", cid), Cmd("list", "-f", "json"),
                              Cmd("delete", "--force", cid))
        ok(d, "delete --force")
        ok(ls, "list")
        json.loads(ls.out)
        if st.rc == 0:
            check(state_status(st) in ("running", "stopped"),
                  "state during delete", st)
        else:
            clear_error(st, "does not exist")
        yield from expect_gone(cid)

    flows = []
    for k in range(rounds):
        flows += [dup_create(k), dup_delete(k, True, False),
                  dup_delete(k, True, True), dup_delete(k, False, True),
                  create_vs_delete(k), start_vs_kill(k), start_vs_delete(k),
                  kill_vs_delete(k),
                  observe_vs_delete(k)]
        if use_exec:
            flows.append(exec_vs_delete(k))
    return flows


def scenario_races(opts, tag, bundles):
    if opts.exec:
        probe_exec(opts, tag, bundles["sleep"])
    else:
        log("exec vs delete skipped: --no-exec")
    loop = Loop(opts.ocirun, opts.root, tag, opts.workdir)
    flows = race_flows(tag, bundles, opts.rounds, opts.exec)
    loop.run(flows, opts.jobs)
    loop.reap_orphans()
    log("races: %d rounds, %d flows, %d invocations" % (
        opts.rounds, len(flows), loop.invocations))
    return loop


def rss_flat(values, slack_kb):
    """(ok, text): the peak RSS of the last tenth of the invocations is
    not above the first tenth's peak plus slack."""
    n = max(1, len(values) // 10)
    first, last = max(values[:n]), max(values[-n:])
    return last <= first + slack_kb, "first %d: max %d KiB, last %d: max " \
        "%d KiB (slack %d KiB)" % (n, first, n, last, slack_kb)


def scenario_cycles(opts, tag, bundles, check_fn):
    loop = Loop(opts.ocirun, opts.root, tag, opts.workdir)
    problems = []

    def cycles():
        for i in range(opts.count):
            cid = "%s-r%d" % (tag, i)
            r = yield Cmd("run", "--keep", "--bundle", bundles["true"], cid)
            ok(r, "run --keep")
            r = ok((yield Cmd("state", cid)), "state")
            check(state_status(r) == "stopped", "state after run --keep", r)
            ok((yield Cmd("delete", cid)), "delete")
            if (i + 1) % opts.check_every == 0:
                p = check_fn()
                if p:
                    problems.extend("after cycle %d: %s" % (i + 1, x)
                                    for x in p)
                    raise Failure("host resources changed")
    loop.run([cycles()], 1)
    loop.reap_orphans()
    if not loop.time:
        log("RSS not measured: GNU time (/usr/bin/time) is not installed")
    for cmd in ("run", "delete"):
        vals = loop.rss[cmd]
        if not vals:
            continue
        if min(vals) <= 0:
            loop.failures.append("no RSS figure for some `%s`" % cmd)
            continue
        good, text = rss_flat(vals, opts.rss_slack_kb)
        log("RSS of `%s` over %d invocations: %s" % (cmd, len(vals), text))
        if not good:
            loop.failures.append("RSS of `%s` grew: %s" % (cmd, text))
    loop.failures.extend(problems)
    log("cycles: %d run/delete cycles, %d invocations"
        % (opts.count, loop.invocations))
    return loop


# ---- main -----------------------------------------------------------------


def private_mount_ns():
    if libc.unshare(CLONE_NEWNS) != 0:
        return False
    if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        return False
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["concurrency", "races", "cycles",
                                        "snapshot", "compare"])
    ap.add_argument("--ocirun", default=os.environ.get("OCIRUN", "ocirun"))
    ap.add_argument("--root", required=True, help="state root")
    ap.add_argument("--bundle", help="bundle whose rootfs and config to use")
    ap.add_argument("--tag", required=True,
                    help="unique text in every id (and process env)")
    ap.add_argument("--workdir")
    ap.add_argument("--containers", type=int, default=50)
    ap.add_argument("--jobs", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--check-every", type=int, default=50)
    ap.add_argument("--rss-slack-kb", type=int, default=512)
    ap.add_argument("--no-exec", dest="exec", action="store_false")
    ap.add_argument("--no-unshare", dest="unshare", action="store_false")
    ap.add_argument("--out", help="snapshot: where to write it")
    ap.add_argument("--against", help="compare: the snapshot file")
    ap.add_argument("--fd-pid", type=int,
                    help="snapshot/compare: whose fds (default: none)")
    ap.add_argument("--path", action="append", default=[],
                    help="snapshot/compare: paths whose mounts count")
    opts = ap.parse_args()
    if os.geteuid() != 0:
        die("needs root", SKIP)
    if len(opts.tag) < 6:
        die("--tag must be unique text (6+ characters)")

    if opts.command == "snapshot":
        s = Snapshot(opts.tag, opts.root, opts.fd_pid)
        with open(opts.out, "w") as f:
            json.dump(s.to_json(), f)
        return 0
    if opts.command == "compare":
        with open(opts.against) as f:
            before = Snapshot.from_json(json.load(f))
        problems = compare(before, opts.tag, opts.root, opts.path, False,
                           opts.fd_pid)
        for p in problems:
            print("LEAK: " + p)
        return 1 if problems else 0

    if not opts.bundle:
        die("--bundle is required")
    exact = opts.unshare and private_mount_ns()
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        die("prctl(PR_SET_CHILD_SUBREAPER) failed", SKIP)
    own_workdir = opts.workdir is None
    if own_workdir:
        opts.workdir = tempfile.mkdtemp(prefix="ocirun-rel-")
    os.makedirs(opts.root, exist_ok=True)
    paths = [opts.workdir, os.path.realpath(opts.bundle), opts.root]
    bundles = {
        "sleep": make_bundle(opts.bundle, os.path.join(opts.workdir, "b-sleep"),
                             opts.tag, ["sleep", "600"]),
        "true": make_bundle(opts.bundle, os.path.join(opts.workdir, "b-true"),
                            opts.tag, ["true"]),
    }
    me = os.getpid()
    before = Snapshot(opts.tag, opts.root)
    log("snapshot before: %d state entries, %d tagged cgroups, %d mounts "
        "(%s), %d netns, %d fds"
        % (len(before.state), len(before.cgroups),
           sum(before.mounts.values()),
           "private namespace, exact" if exact else "filtered",
           len(before.netns), len(before.fds)))

    def check_now():
        return compare(before, opts.tag, opts.root, paths, exact,
                       tree_root=me)

    loop = None
    early = None  # a Failure before the load ran (the exec probe)
    try:
        try:
            if opts.command == "concurrency":
                loop = scenario_concurrency(opts, opts.tag, bundles)
            elif opts.command == "races":
                loop = scenario_races(opts, opts.tag, bundles)
            else:
                loop = scenario_cycles(opts, opts.tag, bundles, check_now)
        except Failure as e:
            early = str(e)
    finally:
        failures = list(loop.failures) if loop else [early or "driver crashed"]
        # Reap what exited last, then compare.
        for _ in range(100):
            if loop:
                loop.reap_orphans()
            problems = check_now()
            if not any("zombie" in p for p in problems):
                break
            time.sleep(0.02)
        for f in failures:
            print("FAIL: " + f)
        for p in problems:
            print("LEAK: " + p)
        if not problems:
            log("snapshot after: identical (state, cgroups, mounts, netns, "
                "fds, processes)")
        # Never leave anything behind, even after a failure.
        if failures or problems:
            for pid in tagged_processes(opts.tag):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            for cid in os.listdir(opts.root) if os.path.isdir(opts.root) \
                    else []:
                os.spawnv(os.P_WAIT, opts.ocirun,
                          [opts.ocirun, "--root", opts.root, "delete",
                           "--force", cid])
            if loop:
                time.sleep(0.1)
                loop.reap_orphans()
        if own_workdir:
            shutil.rmtree(opts.workdir, ignore_errors=True)
    return 1 if failures or problems else 0


if __name__ == "__main__":
    sys.exit(main())
