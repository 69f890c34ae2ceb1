"""config-linux.md and runtime-linux.md."""

import os
import re
import time

from .framework import test, check, eq, Fail, Skip, DEFAULT_CAPS, Result, host_mounts

EROFS, EACCES, EPERM, ENOENT, ENOSPC = 30, 13, 1, 2, 28
NS_FILE = {"pid": "pid", "network": "net", "mount": "mnt", "ipc": "ipc", "uts": "uts",
           "cgroup": "cgroup", "user": "user", "time": "time"}


def _mount(mounts, mp):
    found = [m for m in mounts if m["mountpoint"] == mp]
    if not found:
        raise Fail("%s is not a mount point in the container" % mp)
    return found[-1]


def _userns(b, host=100000, size=65536):
    b.ns("user")
    b.linux["uidMappings"] = [{"containerID": 0, "hostID": host, "size": size}]
    b.linux["gidMappings"] = [{"containerID": 0, "hostID": host, "size": size}]
    return b


def _default_probe(s):
    """One container with the default config, probing /dev and mounts."""
    def go():
        b = s.bundle("probe-default")
        b.sh("/bin/oci-helper stat /dev/null /dev/zero /dev/full /dev/random /dev/urandom "
             "/dev/tty /dev/ptmx /dev/pts/ptmx /dev/console /dev/fd /dev/stdin /dev/stdout /dev/stderr; "
             "/bin/oci-helper devcheck /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/ptmx; "
             "/bin/oci-helper mounts; /bin/oci-helper info")
        r = b.run()
        if not r.ok:
            raise Fail("default probe container failed: " + r.describe())
        j = r.jsons()
        if len(j) != 4:
            raise Fail("default probe output incomplete: " + r.describe())
        return {"stat": j[0], "dev": j[1], "mounts": j[2], "info": j[3]}
    return s.cached("default-probe", go)


def _pause_container(s, name, **cfg):
    b = s.bundle(name)
    b.helper_args("pause")
    for k, v in cfg.items():
        b.linux[k] = v
    b.must_create()
    b.must_start()
    return b


# ================================================================ namespaces
def _new_ns_test(s, typ):
    b = s.bundle("ns-new-" + typ)
    b.ns(typ)
    if typ == "user":
        _userns(b)
    info = b.helper("info")
    got = info["ns"][NS_FILE[typ]]
    check(got is not None, "/proc/self/ns/%s not available" % NS_FILE[typ])
    check(got != s.host_ns.get(NS_FILE[typ]), "%s namespace is the host's (%s)" % (typ, got))


def _mk_new_ns(typ):
    def fn(s):
        _new_ns_test(s, typ)
    fn.__name__ = "test_ns_new_" + typ
    fn.__doc__ = ('config-linux.md "Namespaces": "If path is not specified, the runtime MUST '
                  'create a new container namespace of type type" (%s).' % typ)
    return fn


for _t in ("pid", "network", "mount", "ipc", "uts", "cgroup", "user", "time"):
    test("config-linux.md#namespaces")(_mk_new_ns(_t))


def _inherit_ns_test(s, typ):
    b = s.bundle("ns-inh-" + typ)
    b.ns(typ, present=False)
    if typ == "uts":
        b.config.pop("hostname", None)
    info = b.helper("info")
    eq(info["ns"][NS_FILE[typ]], s.host_ns[NS_FILE[typ]], "%s namespace inode" % typ)


def _mk_inherit_ns(typ):
    def fn(s):
        _inherit_ns_test(s, typ)
    fn.__name__ = "test_ns_inherit_" + typ
    fn.__doc__ = ('config-linux.md "Namespaces": "If a namespace type is not specified in the '
                  'namespaces array, the container MUST inherit the runtime namespace of that type" (%s).' % typ)
    return fn


for _t in ("network", "ipc", "uts", "cgroup", "pid"):
    test("config-linux.md#namespaces")(_mk_inherit_ns(_t))


def _join_ns_test(s, typ):
    a = _pause_container(s, "ns-join-a-" + typ)
    pid = a.pid()
    target = os.stat("/proc/%d/ns/%s" % (pid, NS_FILE[typ])).st_ino
    b = s.bundle("ns-join-b-" + typ)
    b.ns(typ, path="/proc/%d/ns/%s" % (pid, NS_FILE[typ]))
    if typ == "uts":
        b.config.pop("hostname", None)
    info = b.helper("info")
    eq(info["ns"][NS_FILE[typ]], target, "%s namespace inode (joined by path)" % typ)


def _mk_join_ns(typ):
    def fn(s):
        _join_ns_test(s, typ)
    fn.__name__ = "test_ns_join_path_" + typ
    fn.__doc__ = ('config-linux.md "Namespaces": path: "The runtime MUST place the container '
                  'process in the namespace associated with that path" (%s).' % typ)
    return fn


for _t in ("network", "ipc", "uts", "pid", "cgroup"):
    test("config-linux.md#namespaces")(_mk_join_ns(_t))


@test("config-linux.md#namespaces")
def test_ns_join_wrong_type_fails(s):
    """config-linux.md "Namespaces": "The runtime MUST generate an error if path
    is not associated with a namespace of type type"."""
    a = _pause_container(s, "ns-wrong-a")
    b = s.bundle("ns-wrong-b")
    b.ns("ipc", path="/proc/%d/ns/net" % a.pid())
    b.helper_args("true")
    r = b.run()
    check(not r.ok, "joining a network namespace as ipc succeeded")


@test("config-linux.md#namespaces")
def test_ns_join_not_a_namespace_fails(s):
    """config-linux.md "Namespaces": "The runtime MUST generate an error if path
    is not associated with a namespace of type type" (a regular file)."""
    b = s.bundle("ns-notns")
    f = os.path.join(b.dir, "not-a-namespace")
    open(f, "w").close()
    b.ns("network", path=f)
    b.helper_args("true")
    r = b.run()
    check(not r.ok, "joining a regular file as network namespace succeeded")


@test("config-linux.md#namespaces")
def test_ns_duplicate_fails(s):
    """config-linux.md "Namespaces": "If a namespaces field contains duplicated
    namespaces with same type, the runtime MUST generate an error"."""
    b = s.bundle("ns-dup")
    b.linux["namespaces"].append({"type": "ipc"})
    b.helper_args("true")
    r = b.run()
    check(not r.ok, "duplicated ipc namespace entry accepted")


@test("config-linux.md#namespaces")
def test_ns_pid_is_init(s):
    """config-linux.md "Namespaces": pid: "processes inside the container will
    only be able to see other processes inside the same container" - the
    container process is pid 1 of its new pid namespace."""
    b = s.bundle("ns-pid1")
    eq(b.helper("info")["pid"], 1, "pid inside a new pid namespace")


@test("config-linux.md#namespaces")
def test_ns_network_isolated(s):
    """config-linux.md "Namespaces": network: "the container will have its own
    network stack" (only lo exists)."""
    b = s.bundle("ns-net")
    res = b.helper("ls", "/sys/class/net")
    eq(sorted(res["/sys/class/net"].get("entries", [])), ["lo"], "network interfaces")


# ================================================================ user ns
@test("config-linux.md#user-namespace-mappings")
def test_userns_uid_gid_mappings(s):
    """config-linux.md "User namespace mappings": uidMappings/gidMappings
    "describe the user namespace uid/gid mappings from the host to the
    container" (containerID, hostID, size)."""
    b = _userns(s.bundle("userns-map"), host=200000, size=70000)
    info = b.helper("info")
    eq(info["uid_map"].split(), ["0", "200000", "70000"], "uid_map")
    eq(info["gid_map"].split(), ["0", "200000", "70000"], "gid_map")
    eq(info["uid"], 0, "uid in the container")


@test("config-linux.md#user-namespace-mappings")
def test_userns_multiple_mappings(s):
    """config-linux.md "User namespace mappings": several mapping entries are
    applied ("the number of mapping entries MAY be limited by the kernel")."""
    b = s.bundle("userns-multi")
    b.ns("user")
    b.linux["uidMappings"] = [{"containerID": 0, "hostID": 300000, "size": 1000},
                              {"containerID": 1000, "hostID": 310000, "size": 64536}]
    b.linux["gidMappings"] = [{"containerID": 0, "hostID": 300000, "size": 65536}]
    info = b.helper("info")
    lines = sorted(tuple(l.split()) for l in info["uid_map"].strip().splitlines())
    eq(lines, [("0", "300000", "1000"), ("1000", "310000", "64536")], "uid_map lines")


@test("config-linux.md#user-namespace-mappings")
def test_userns_host_ids(s):
    """config-linux.md "User namespace mappings": container uid 0 maps to
    hostID as seen by the host (file created in the rootfs is owned by hostID);
    "The runtime SHOULD NOT modify the ownership of referenced filesystems"."""
    b = _userns(s.bundle("userns-owner"), host=400000)
    os.chmod(b.path("/tmp"), 0o1777)
    before = os.stat(b.path("/etc/passwd")).st_uid
    b.helper_args("write", "/tmp/created", "x")
    r = b.run()
    check(r.ok, r.describe())
    eq(os.stat(b.path("/tmp/created")).st_uid, 400000, "host owner of a file created by container root")
    eq(os.stat(b.path("/etc/passwd")).st_uid, before, "owner of rootfs files (must not be chowned)")


# ================================================================ devices
def _dev_check(s, path, major, minor, func=None):
    p = _default_probe(s)
    st = p["stat"][path]
    check(st["exists"], "%s does not exist" % path)
    t = st["stat"]
    check(t and t["type"] == "chr", "%s is not a character device: %r" % (path, t))
    eq((t["rdev_major"], t["rdev_minor"]), (major, minor), "%s major:minor" % path)
    if func:
        func(p["dev"][path])


def _mk_default_dev(path, major, minor, func, extra_doc):
    def fn(s):
        _dev_check(s, path, major, minor, func)
    fn.__name__ = "test_dev_default_" + path.split("/")[-1]
    fn.__doc__ = ('config-linux.md "Default Devices": "the runtime MUST also supply: %s" %s'
                  % (path, extra_doc))
    return fn


def _f_null(d):
    eq((d["open_errno"], d["read_len"], d["write_errno"]), (0, 0, 0), "/dev/null open/read/write")


def _f_zero(d):
    eq((d["open_errno"], d["read_hex"]), (0, "00000000"), "/dev/zero open/read")


def _f_full(d):
    eq((d["open_errno"], d["write_errno"]), (0, ENOSPC), "/dev/full open/write errno")


def _f_rand(d):
    eq((d["open_errno"], d["read_len"]), (0, 4), "open/read of random device")


for _p, _maj, _min, _f, _d in (("/dev/null", 1, 3, _f_null, "(char 1:3, usable)"),
                               ("/dev/zero", 1, 5, _f_zero, "(char 1:5, reads zeros)"),
                               ("/dev/full", 1, 7, _f_full, "(char 1:7, writes fail ENOSPC)"),
                               ("/dev/random", 1, 8, _f_rand, "(char 1:8, readable)"),
                               ("/dev/urandom", 1, 9, _f_rand, "(char 1:9, readable)"),
                               ("/dev/tty", 5, 0, None, "(char 5:0)")):
    test("config-linux.md#default-devices")(_mk_default_dev(_p, _maj, _min, _f, _d))


@test("config-linux.md#default-devices")
def test_dev_default_ptmx(s):
    """config-linux.md "Default Devices": "/dev/ptmx. A bind-mount or symlink of
    the container's /dev/pts/ptmx" (and it can allocate a pty)."""
    p = _default_probe(s)
    st = p["stat"]["/dev/ptmx"]
    check(st["exists"], "/dev/ptmx missing")
    if st["lstat"]["type"] == "link":
        check(st["target"] in ("pts/ptmx", "/dev/pts/ptmx"), "/dev/ptmx -> %r" % st["target"])
    else:
        pts = p["stat"]["/dev/pts/ptmx"]["stat"]
        eq((st["stat"]["dev"], st["stat"]["ino"]), (pts["dev"], pts["ino"]),
           "/dev/ptmx must be a bind mount of /dev/pts/ptmx")
    eq(p["dev"]["/dev/ptmx"]["open_errno"], 0, "errno opening /dev/ptmx")


@test("config-linux.md#default-devices")
def test_dev_default_console_with_terminal(s):
    """config-linux.md "Default Devices": "/dev/console is set up if terminal is
    enabled in the config by bind mounting the pseudoterminal pty to
    /dev/console"."""
    b = s.bundle("console")
    b.process["terminal"] = True
    b.sh("/bin/oci-helper stat /dev/console; /bin/oci-helper info")
    from .framework import read_pty
    master = b.create_with_console()
    b.must_start()
    out = read_pty(master)
    b.wait_status("stopped")
    j = Result(["pty"], 0, out, "").jsons()
    check(len(j) == 2, "unexpected pty output %r" % out[-500:])
    con = j[0]["/dev/console"]
    check(con["exists"], "/dev/console missing with terminal=true")
    c, tty = con["stat"], j[1]["stdin_stat"]
    check(c["type"] == "chr", "/dev/console is not a character device: %r" % c)
    eq((c["rdev_major"], c["rdev_minor"]), (tty["rdev_major"], tty["rdev_minor"]),
       "/dev/console device vs the process's terminal")


@test("config-linux.md#devices")
def test_devices_char(s):
    """config-linux.md "Devices": "devices (array of objects, OPTIONAL) lists
    devices that MUST be available in the container" with type c, major,
    minor, fileMode, uid, gid."""
    b = s.bundle("dev-char")
    b.linux["devices"] = [{"path": "/dev/oci-char", "type": "c", "major": 1, "minor": 3,
                           "fileMode": 0o620, "uid": 1234, "gid": 5678}]
    st = b.helper("stat", "/dev/oci-char")["/dev/oci-char"]
    check(st["exists"], "/dev/oci-char missing")
    t = st["stat"]
    eq((t["type"], t["rdev_major"], t["rdev_minor"]), ("chr", 1, 3), "type/major/minor")
    eq(oct(t["mode"]), oct(0o620), "fileMode")
    eq((t["uid"], t["gid"]), (1234, 5678), "uid/gid")


@test("config-linux.md#devices")
def test_devices_block(s):
    """config-linux.md "Devices": type "b" creates a block device with the given
    major/minor."""
    b = s.bundle("dev-block")
    b.linux["devices"] = [{"path": "/dev/oci-block", "type": "b", "major": 7, "minor": 0,
                           "fileMode": 0o600, "uid": 0, "gid": 0}]
    t = b.helper("stat", "/dev/oci-block")["/dev/oci-block"].get("stat")
    check(t is not None, "/dev/oci-block missing")
    eq((t["type"], t["rdev_major"], t["rdev_minor"]), ("blk", 7, 0), "type/major/minor")


@test("config-linux.md#devices")
def test_devices_fifo(s):
    """config-linux.md "Devices": type "p" creates a FIFO (major/minor not
    required)."""
    b = s.bundle("dev-fifo")
    b.linux["devices"] = [{"path": "/dev/oci-fifo", "type": "p", "fileMode": 0o644}]
    t = b.helper("stat", "/dev/oci-fifo")["/dev/oci-fifo"].get("stat")
    check(t is not None, "/dev/oci-fifo missing")
    eq(t["type"], "fifo", "type")


@test("config-linux.md#devices")
def test_devices_outside_dev(s):
    """config-linux.md "Devices": path "MAY be anywhere in the container
    filesystem, notably outside of /dev"."""
    b = s.bundle("dev-outside")
    b.linux["devices"] = [{"path": "/opt/devs/oci-null", "type": "c", "major": 1, "minor": 3,
                           "fileMode": 0o666}]
    t = b.helper("stat", "/opt/devs/oci-null")["/opt/devs/oci-null"].get("stat")
    check(t is not None, "/opt/devs/oci-null missing")
    eq((t["type"], t["rdev_major"], t["rdev_minor"]), ("chr", 1, 3), "type/major/minor")


@test("config-linux.md#devices")
def test_devices_usable(s):
    """config-linux.md "Devices": listed devices "MUST be available in the
    container" - /dev/net/tun (10:200, not a default device) can be opened."""
    if not os.path.exists("/dev/net/tun"):
        raise Skip("host has no /dev/net/tun")
    b = s.bundle("dev-usable")
    b.linux["devices"] = [{"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 200,
                           "fileMode": 0o666, "uid": 0, "gid": 0}]
    res = b.helper("try-open", "rw", "/dev/net/tun")
    eq(res["/dev/net/tun"], 0, "errno opening /dev/net/tun")


@test("config-linux.md#devices")
def test_devices_existing_mismatch_fails(s):
    """config-linux.md "Devices": "If a file already exists at path that does
    not match the requested device, the runtime MUST generate an error"."""
    b = s.bundle("dev-mismatch")
    with open(b.path("/opt/oci-notdev"), "w") as f:
        f.write("regular file")
    b.linux["devices"] = [{"path": "/opt/oci-notdev", "type": "c", "major": 1, "minor": 3}]
    b.helper_args("true")
    r = b.run()
    check(not r.ok, "a regular file at a device path was accepted")


# ------------------------------------------------ device cgroup allowlist
def _devcg(s, name, rules):
    b = s.bundle(name)
    b.linux["resources"]["devices"] = rules
    b.sh("/bin/oci-helper mknod /tmp/kmsg c 1 11; /bin/oci-helper try-open w /tmp/kmsg")
    r = b.run()
    check(r.ok, r.describe())
    mk, op = r.jsons()
    return mk["errno"], op["/tmp/kmsg"]


@test("config-linux.md#allowed-device-list")
def test_devcgroup_deny_all(s):
    """config-linux.md "Allowed Device list": an entry {allow: false, access:
    rwm} denies devices not otherwise allowed (mknod+open of 1:11 fails)."""
    mk, op = _devcg(s, "devcg-deny", [{"allow": False, "access": "rwm"}])
    check(mk == EPERM or op == EPERM, "device 1:11 usable despite deny-all (mknod=%d open=%d)" % (mk, op))


@test("config-linux.md#allowed-device-list")
def test_devcgroup_allow_entry(s):
    """config-linux.md "Allowed Device list": an allow entry (type c, major 1,
    minor 11, access rwm) after deny-all makes that device usable."""
    mk, op = _devcg(s, "devcg-allow", [{"allow": False, "access": "rwm"},
                                       {"allow": True, "type": "c", "major": 1, "minor": 11,
                                        "access": "rwm"}])
    eq((mk, op), (0, 0), "errno of mknod, open")


@test("config-linux.md#allowed-device-list")
def test_devcgroup_listed_order(s):
    """config-linux.md "Allowed Device list": "The runtime MUST apply entries in
    the listed order" - allow 1:11 followed by deny-all leaves it denied."""
    mk, op = _devcg(s, "devcg-order", [{"allow": True, "type": "c", "major": 1, "minor": 11,
                                        "access": "rwm"},
                                       {"allow": False, "access": "rwm"}])
    check(mk == EPERM or op == EPERM, "allow followed by deny-all still allowed 1:11 (mknod=%d open=%d)" % (mk, op))


# ================================================================ cgroups
def _cg_created(s, name, resources):
    b = s.bundle(name)
    b.linux["resources"].update(resources)
    b.helper_args("pause")
    b.must_create()
    return b


def _cg_read(s, b, controller, v1file, v2file=None):
    if s.cgroup_v2_only:
        if not v2file:
            raise Skip("no cgroup v2 equivalent")
        p = os.path.join(s.cgroup_dir(None, b.cgroups_path), v2file)
    else:
        d = s.cgroup_dir(controller, b.cgroups_path)
        if not d:
            raise Skip("no %s cgroup v1 hierarchy" % controller)
        p = os.path.join(d, v1file)
    if not os.path.exists(p):
        raise Skip("%s does not exist on this host" % p)
    with open(p) as f:
        return f.read().strip()


@test("config-linux.md#cgroups-path")
def test_cgroups_path_applied(s):
    """config-linux.md "Cgroups Path": "In the case of an absolute path
    (starting with /), the runtime MUST take the path to be relative to the
    cgroups mount point" - the container process is in that cgroup."""
    b = _cg_created(s, "cg-path", {})
    pid = b.pid()
    with open("/proc/%d/cgroup" % pid) as f:
        lines = f.read().splitlines()
    want = b.cgroups_path
    hits = [l for l in lines if l.split(":", 2)[2] == want]
    check(hits, "no hierarchy puts pid %d at %s: %r" % (pid, want, lines))
    ctrl = "unified" if s.cgroup_v2_only else "pids"
    d = s.cgroup_dir(ctrl, want)
    with open(os.path.join(d, "cgroup.procs")) as f:
        check(str(pid) in f.read().split(), "pid %d not in %s/cgroup.procs" % (pid, d))


@test("config-linux.md#cgroups-path")
def test_cgroups_path_visible_inside(s):
    """config-linux.md "Cgroups Path": without a cgroup namespace the container
    sees its cgroupsPath in /proc/self/cgroup."""
    b = s.bundle("cg-inside")
    info = b.helper("info")
    paths = {l.split(":", 2)[2] for l in info["cgroup"].splitlines()}
    check(b.cgroups_path in paths, "cgroupsPath %s not in /proc/self/cgroup %r" % (b.cgroups_path, info["cgroup"]))


@test("config-linux.md#memory")
def test_cgroup_memory_limit(s):
    """config-linux.md "Memory": "limit (int64, OPTIONAL) - sets limit of
    memory usage" (memory.limit_in_bytes / memory.max)."""
    b = _cg_created(s, "cg-mem", {"memory": {"limit": 64 * 1024 * 1024}})
    eq(_cg_read(s, b, "memory", "memory.limit_in_bytes", "memory.max"), str(64 * 1024 * 1024),
       "memory limit")


@test("config-linux.md#memory")
def test_cgroup_memory_reservation(s):
    """config-linux.md "Memory": "reservation (int64, OPTIONAL) - sets soft
    limit of memory usage" (memory.soft_limit_in_bytes / memory.low)."""
    b = _cg_created(s, "cg-memres", {"memory": {"limit": 128 * 1024 * 1024,
                                                "reservation": 32 * 1024 * 1024}})
    eq(_cg_read(s, b, "memory", "memory.soft_limit_in_bytes", "memory.low"),
       str(32 * 1024 * 1024), "memory reservation")


@test("config-linux.md#memory")
def test_cgroup_memory_visible_inside(s):
    """config-linux.md "Memory": the limit applies to the container's cgroup,
    as visible from inside (/sys/fs/cgroup/memory/memory.limit_in_bytes)."""
    b = s.bundle("cg-mem-inside")
    b.linux["resources"]["memory"] = {"limit": 48 * 1024 * 1024}
    f = "/sys/fs/cgroup/memory.max" if s.cgroup_v2_only else "/sys/fs/cgroup/memory/memory.limit_in_bytes"
    res = b.helper("read", f)[f]
    eq((res["errno"], (res["data"] or "").strip()), (0, str(48 * 1024 * 1024)), "limit read inside")


@test("config-linux.md#pids")
def test_cgroup_pids_limit(s):
    """config-linux.md "PIDs": "limit (int64, REQUIRED) - specifies the maximum
    number of tasks in the cgroup" (pids.max)."""
    b = _cg_created(s, "cg-pids", {"pids": {"limit": 123}})
    eq(_cg_read(s, b, "pids", "pids.max", "pids.max"), "123", "pids.max")


@test("config-linux.md#pids")
def test_cgroup_pids_enforced(s):
    """config-linux.md "PIDs": the limit is enforced - forking beyond it fails
    inside the container."""
    b = s.bundle("cg-pids-enf")
    b.linux["resources"]["pids"] = {"limit": 5}
    j = b.helper("fork", "8")
    check(j["forked"] < 8, "forked %d processes with pids.limit=5" % j["forked"])
    eq(j["errno"], 11, "errno of the failing fork (EAGAIN)")


@test("config-linux.md#cpu")
def test_cgroup_cpu_shares(s):
    """config-linux.md "CPU": "shares (uint64, OPTIONAL) - specifies a relative
    share of CPU time available to the tasks in a cgroup" (cpu.shares)."""
    b = _cg_created(s, "cg-shares", {"cpu": {"shares": 512}})
    if s.cgroup_v2_only:
        v = int(_cg_read(s, b, "cpu", "", "cpu.weight"))
        check(v != 100, "cpu.weight unchanged (100) with shares=512")
    else:
        eq(_cg_read(s, b, "cpu", "cpu.shares"), "512", "cpu.shares")


@test("config-linux.md#cpu")
def test_cgroup_cpu_quota_period(s):
    """config-linux.md "CPU": "quota ... the total amount of time in
    microseconds for which all tasks in a cgroup can run during one period";
    "period" (cpu.cfs_quota_us / cpu.cfs_period_us / cpu.max)."""
    b = _cg_created(s, "cg-quota", {"cpu": {"quota": 50000, "period": 200000}})
    if s.cgroup_v2_only:
        eq(_cg_read(s, b, "cpu", "", "cpu.max"), "50000 200000", "cpu.max")
    else:
        eq((_cg_read(s, b, "cpu", "cpu.cfs_quota_us"), _cg_read(s, b, "cpu", "cpu.cfs_period_us")),
           ("50000", "200000"), "quota/period")


@test("config-linux.md#cpu")
def test_cgroup_cpuset_cpus(s):
    """config-linux.md "CPU": "cpus (string, OPTIONAL) - list of CPUs the
    container will run in" (cpuset.cpus; affinity of the process)."""
    b = _cg_created(s, "cg-cpuset", {"cpu": {"cpus": "0", "mems": "0"}})
    eq(_cg_read(s, b, "cpuset", "cpuset.cpus", "cpuset.cpus"), "0", "cpuset.cpus")


@test("config-linux.md#block-io")
def test_cgroup_blkio_weight(s):
    """config-linux.md "Block IO": "weight (uint16, OPTIONAL) - specifies
    per-cgroup weight" (blkio.weight / blkio.bfq.weight / io.weight)."""
    d = s.cgroup_dir("blkio", "/")
    if s.cgroup_v2_only or not d:
        raise Skip("no cgroup v1 blkio hierarchy")
    fname = None
    for f in ("blkio.weight", "blkio.bfq.weight"):
        if os.path.exists(os.path.join(d, f)):
            fname = f
    if not fname:
        raise Skip("host blkio controller has no weight file (no CFQ/BFQ scheduler)")
    b = _cg_created(s, "cg-blkio", {"blockIO": {"weight": 300}})
    v = _cg_read(s, b, "blkio", fname)
    check(v.split()[-1] == "300", "%s = %r" % (fname, v))


@test("config-linux.md#namespaces")
def test_cgroup_ns_root(s):
    """config-linux.md "Namespaces": cgroup: "the container will have an
    isolated view of the cgroup hierarchy" - its cgroup appears as /."""
    b = s.bundle("cgns-root")
    b.ns("cgroup")
    info = b.helper("info")
    paths = {l.split(":", 2)[2] for l in info["cgroup"].splitlines() if l}
    eq(paths, {"/"}, "cgroup paths inside a new cgroup namespace")


# ================================================================ sysctl
@test("config-linux.md#sysctl")
def test_sysctl_net(s):
    """config-linux.md "Sysctl": "sysctl (object, OPTIONAL) allows kernel
    parameters to be modified at runtime for the container"
    (net.ipv4.ip_forward, net.core.somaxconn)."""
    with open("/proc/sys/net/ipv4/ip_forward") as f:
        host = f.read().strip()
    b = s.bundle("sysctl-net")
    val = "0" if host == "1" else "1"
    b.linux["sysctl"] = {"net.ipv4.ip_forward": val, "net.core.somaxconn": "256"}
    res = b.helper("sysctl", "net.ipv4.ip_forward", "net.core.somaxconn")
    eq(res, {"net.ipv4.ip_forward": val, "net.core.somaxconn": "256"}, "sysctl values inside")
    with open("/proc/sys/net/ipv4/ip_forward") as f:
        eq(f.read().strip(), host, "host net.ipv4.ip_forward")


@test("config-linux.md#sysctl")
def test_sysctl_ipc(s):
    """config-linux.md "Sysctl": kernel parameters of the IPC namespace
    (kernel.shmmax, kernel.msgmax) are set for the container."""
    b = s.bundle("sysctl-ipc")
    b.linux["sysctl"] = {"kernel.shmmax": "12345678", "kernel.msgmax": "4321"}
    res = b.helper("sysctl", "kernel.shmmax", "kernel.msgmax")
    eq(res, {"kernel.shmmax": "12345678", "kernel.msgmax": "4321"}, "sysctl values inside")


# ================================================================ seccomp
ARCHES = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]


def _seccomp(b, default, syscalls, **extra):
    sc = {"defaultAction": default, "architectures": ARCHES, "syscalls": syscalls}
    sc.update(extra)
    b.linux["seccomp"] = sc


def _all_syscalls():
    names = []
    for hdr in ("/usr/include/x86_64-linux-gnu/asm/unistd_64.h", "/usr/include/asm/unistd_64.h"):
        if os.path.exists(hdr):
            with open(hdr) as f:
                for l in f:
                    m = re.match(r"#define __NR_(\w+)\s+\d+", l)
                    if m:
                        names.append(m.group(1))
            break
    return names


@test("config-linux.md#seccomp")
def test_seccomp_errno_default_eperm(s):
    """config-linux.md "Seccomp": SCMP_ACT_ERRNO "errnoRet ... If not specified
    its default value is EPERM"."""
    b = s.bundle("sc-eperm")
    _seccomp(b, "SCMP_ACT_ALLOW", [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}])
    eq(b.helper("syscall", "mkdir", "/tmp/x")["errno"], EPERM, "errno of blocked mkdir")


@test("config-linux.md#seccomp")
def test_seccomp_errno_ret(s):
    """config-linux.md "Seccomp": "errnoRet (uint, OPTIONAL) - the errno return
    code to use" with SCMP_ACT_ERRNO."""
    b = s.bundle("sc-errnoret")
    _seccomp(b, "SCMP_ACT_ALLOW", [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO",
                                    "errnoRet": 42}])
    eq(b.helper("syscall", "mkdir", "/tmp/x")["errno"], 42, "errno of blocked mkdir")


@test("config-linux.md#seccomp")
def test_seccomp_kill(s):
    """config-linux.md "Seccomp": action SCMP_ACT_KILL kills the process that
    makes the matched syscall (SIGSYS)."""
    b = s.bundle("sc-kill")
    _seccomp(b, "SCMP_ACT_ALLOW", [{"names": ["mkdir"], "action": "SCMP_ACT_KILL"}])
    b.sh('/bin/oci-helper syscall mkdir /tmp/x; echo "{\\"rc\\": $?}"')
    r = b.run()
    j = r.json("seccomp kill probe")
    eq(j["rc"], 128 + 31, "shell status of the helper (128+SIGSYS)")


@test("config-linux.md#seccomp")
def test_seccomp_default_action(s):
    """config-linux.md "Seccomp": "defaultAction (string, REQUIRED) - the default
    action for seccomp" applies to syscalls not listed (ERRNO default, all
    others allowed; mkdir unlisted)."""
    names = [n for n in _all_syscalls() if n not in ("mkdir", "mkdirat")]
    if not names:
        raise Skip("no asm/unistd_64.h to list syscalls")
    b = s.bundle("sc-default")
    _seccomp(b, "SCMP_ACT_ERRNO", [{"names": names, "action": "SCMP_ACT_ALLOW"}])
    b.sh("/bin/oci-helper syscall mkdir /tmp/x; /bin/oci-helper syscall getpid")
    r = b.run()
    check(r.ok, r.describe())
    mk, gp = r.jsons()
    eq(mk["errno"], EPERM, "errno of unlisted mkdir (defaultAction ERRNO)")
    eq(gp["errno"], 0, "errno of allowed getpid")


@test("config-linux.md#seccomp")
def test_seccomp_default_errno_ret(s):
    """config-linux.md "Seccomp": "defaultErrnoRet (uint, OPTIONAL) - the errno
    return code to use" for the default action."""
    names = [n for n in _all_syscalls() if n not in ("mkdir", "mkdirat")]
    if not names:
        raise Skip("no asm/unistd_64.h to list syscalls")
    b = s.bundle("sc-deferrno")
    _seccomp(b, "SCMP_ACT_ERRNO", [{"names": names, "action": "SCMP_ACT_ALLOW"}],
             defaultErrnoRet=95)
    eq(b.helper("syscall", "mkdir", "/tmp/x")["errno"], 95, "errno of unlisted mkdir")


@test("config-linux.md#seccomp")
def test_seccomp_args(s):
    """config-linux.md "Seccomp": "args (array of objects, OPTIONAL) - the
    specific syscall in seccomp" (index, value, op SCMP_CMP_EQ): only the
    matching call is blocked."""
    b = s.bundle("sc-args")
    _seccomp(b, "SCMP_ACT_ALLOW", [{"names": ["personality"], "action": "SCMP_ACT_ERRNO",
                                    "errnoRet": 77,
                                    "args": [{"index": 0, "value": 0x0abc, "op": "SCMP_CMP_EQ"}]}])
    b.sh("/bin/oci-helper syscall personality 0x0abc; /bin/oci-helper syscall personality 0xffffffff")
    r = b.run()
    check(r.ok, r.describe())
    hit, miss = r.jsons()
    eq(hit["errno"], 77, "errno of personality(0xabc)")
    eq(miss["errno"], 0, "errno of personality(0xffffffff)")


@test("config-linux.md#seccomp")
def test_seccomp_args_masked_eq(s):
    """config-linux.md "Seccomp": op SCMP_CMP_MASKED_EQ (value = mask, valueTwo
    = expected) matches on masked arguments."""
    b = s.bundle("sc-masked")
    _seccomp(b, "SCMP_ACT_ALLOW", [{"names": ["personality"], "action": "SCMP_ACT_ERRNO",
                                    "errnoRet": 78,
                                    "args": [{"index": 0, "value": 0xff00, "valueTwo": 0x0a00,
                                              "op": "SCMP_CMP_MASKED_EQ"}]}])
    b.sh("/bin/oci-helper syscall personality 0x0a12; /bin/oci-helper syscall personality 0x0b12")
    r = b.run()
    check(r.ok, r.describe())
    hit, miss = r.jsons()
    eq((hit["errno"], miss["errno"]), (78, 0), "errno of matching / non-matching calls")


@test("config-linux.md#seccomp")
def test_seccomp_filter_mode(s):
    """config-linux.md "Seccomp": the profile is installed as a seccomp filter
    (/proc/self/status Seccomp: 2)."""
    b = s.bundle("sc-mode")
    _seccomp(b, "SCMP_ACT_ALLOW", [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}])
    eq(b.helper("info")["seccomp"], 2, "Seccomp mode")


@test("config-linux.md#seccomp")
def test_seccomp_errnoret_unsupported_action_fails(s):
    """config-linux.md "Seccomp": errnoRet: "When the action doesn't support an
    errno, the runtime MUST print and error and fail" (SCMP_ACT_ALLOW)."""
    b = s.bundle("sc-badret")
    _seccomp(b, "SCMP_ACT_ALLOW", [{"names": ["mkdir"], "action": "SCMP_ACT_KILL", "errnoRet": 5}])
    b.helper_args("true")
    r = b.run()
    check(not r.ok, "errnoRet with SCMP_ACT_KILL accepted")


@test("config-linux.md#seccomp")
def test_seccomp_no_filter_without_config(s):
    """config-linux.md "Seccomp": seccomp is OPTIONAL - without it no filter is
    installed (Seccomp: 0)."""
    p = _default_probe(s)
    eq(p["info"]["seccomp"], 0, "Seccomp mode without linux.seccomp")


# ================================================================ masked / readonly
@test("config-linux.md#masked-paths")
def test_masked_file(s):
    """config-linux.md "Masked Paths": "will mask over the provided paths inside
    the container so that they cannot be read" (a file)."""
    b = s.bundle("mask-file")
    with open(b.path("/etc/oci-secret"), "w") as f:
        f.write("secret")
    b.linux["maskedPaths"] = ["/etc/oci-secret"]
    res = b.helper("read", "/etc/oci-secret")["/etc/oci-secret"]
    check(res["errno"] != 0 or res["data"] == "", "masked file still readable: %r" % res)


@test("config-linux.md#masked-paths")
def test_masked_dir(s):
    """config-linux.md "Masked Paths": "will mask over the provided paths inside
    the container so that they cannot be read" (a directory)."""
    b = s.bundle("mask-dir")
    os.makedirs(b.path("/etc/oci-secret-dir"))
    with open(b.path("/etc/oci-secret-dir/f"), "w") as f:
        f.write("secret")
    b.linux["maskedPaths"] = ["/etc/oci-secret-dir"]
    b.sh("/bin/oci-helper ls /etc/oci-secret-dir; /bin/oci-helper read /etc/oci-secret-dir/f")
    r = b.run()
    ls, rd = r.jsons()
    d = ls["/etc/oci-secret-dir"]
    check(d["errno"] != 0 or not d["entries"], "masked dir still lists %r" % d)
    check(rd["/etc/oci-secret-dir/f"]["data"] in (None, ""), "file in masked dir readable")


@test("config-linux.md#masked-paths")
def test_masked_proc_kcore(s):
    """config-linux.md "Masked Paths": example "/proc/kcore" - masked proc files
    cannot be read."""
    b = s.bundle("mask-kcore")
    b.linux["maskedPaths"] = ["/proc/kcore"]
    res = b.helper("read", "/proc/kcore")["/proc/kcore"]
    check(res["errno"] != 0 or res["len"] == 0, "masked /proc/kcore readable: len=%r" % res["len"])


@test("config-linux.md#readonly-paths")
def test_readonly_dir(s):
    """config-linux.md "Readonly Paths": "will set the provided paths as
    readonly inside the container" (a directory)."""
    b = s.bundle("ro-dir")
    os.makedirs(b.path("/etc/oci-ro"))
    b.linux["readonlyPaths"] = ["/etc/oci-ro"]
    res = b.helper("try-write", "/etc/oci-ro/new", "/etc/rw-ok")
    eq(res, {"/etc/oci-ro/new": EROFS, "/etc/rw-ok": 0}, "errno writing ro path / other path")


@test("config-linux.md#readonly-paths")
def test_readonly_file(s):
    """config-linux.md "Readonly Paths": "will set the provided paths as
    readonly inside the container" (a file)."""
    b = s.bundle("ro-file")
    with open(b.path("/etc/oci-ro-file"), "w") as f:
        f.write("x")
    b.linux["readonlyPaths"] = ["/etc/oci-ro-file"]
    eq(b.helper("try-write", "/etc/oci-ro-file")["/etc/oci-ro-file"], EROFS, "errno writing ro file")


@test("config-linux.md#readonly-paths")
def test_readonly_proc_sys(s):
    """config-linux.md "Readonly Paths": example "/proc/sys" - writes fail."""
    b = s.bundle("ro-procsys")
    b.linux["readonlyPaths"] = ["/proc/sys"]
    p = "/proc/sys/kernel/hostname"
    eq(b.helper("try-write", p)[p], EROFS, "errno writing %s" % p)


# ================================================================ propagation
def _root_mount(mounts):
    return _mount(mounts, "/")


def _rootfs_mountpoint(s, b):
    """Make the bundle rootfs a shared mount point on the host, as engines do
    (overlay rootfs), so that rootfsPropagation has something to act on."""
    s.host_mount(b.rootfs, b.rootfs, bind=True)
    s.cleanups.append(lambda: s.host_umount(b.rootfs))
    r = __import__("subprocess").run(["mount", "--make-shared", b.rootfs])
    if r.returncode != 0:
        raise Skip("cannot make the rootfs a shared mount")


def _prop_tags(s, prop):
    b = s.bundle("prop-" + prop)
    _rootfs_mountpoint(s, b)
    b.linux["rootfsPropagation"] = prop
    b.helper_args("mounts")
    return [t.split(":")[0] for t in _root_mount(b.helper())["optional"]]


@test("config-linux.md#rootfs-mount-propagation")
def test_rootfs_propagation_private(s):
    """config-linux.md "Rootfs Mount Propagation": "private: the rootfs mount
    doesn't receive mount propagation events from the host" (no shared or
    master tag on /)."""
    tags = _prop_tags(s, "private")
    check("shared" not in tags and "master" not in tags, "root mount tags %r" % tags)


@test("config-linux.md#rootfs-mount-propagation")
def test_rootfs_propagation_shared(s):
    """config-linux.md "Rootfs Mount Propagation": "shared: the rootfs mount
    belongs to a new peer group" (shared:N on /)."""
    tags = _prop_tags(s, "shared")
    check("shared" in tags, "root mount is not shared: %r" % tags)


@test("config-linux.md#rootfs-mount-propagation")
def test_rootfs_propagation_slave(s):
    """config-linux.md "Rootfs Mount Propagation": "slave: the rootfs mount
    receives propagation events from the host ... but not the other way
    around" (master:N on /, no shared)."""
    if not s.shared_base:
        raise Skip("could not make the bundle directory a shared mount on the host")
    tags = _prop_tags(s, "slave")
    check("master" in tags and "shared" not in tags, "root mount tags %r" % tags)


@test("config-linux.md#rootfs-mount-propagation")
def test_rootfs_propagation_unbindable(s):
    """config-linux.md "Rootfs Mount Propagation": "unbindable: the rootfs
    mount is a private mount that cannot be bind-mounted"."""
    tags = _prop_tags(s, "unbindable")
    check("unbindable" in tags, "root mount is not unbindable: %r" % tags)


def _host_mount_seen(s, name, setup):
    """Start a pausing container configured by setup(b) -> (host_dir, ctr_dir);
    then mount a tmpfs on host_dir/probe and report whether the container
    sees ctr_dir/probe as a mount point."""
    if not s.shared_base:
        raise Skip("could not make the bundle directory a shared mount on the host")
    b = s.bundle(name)
    _rootfs_mountpoint(s, b)
    host_dir, ctr_dir = setup(b)
    os.makedirs(os.path.join(host_dir, "probe"), exist_ok=True)
    b.helper_args("pause")
    b.must_create()
    b.must_start()
    target = os.path.join(host_dir, "probe")
    s.host_mount("tmpfs", target, fstype="tmpfs", options="size=1m")
    s.cleanups.append(lambda: s.host_umount(target))
    time.sleep(0.05)
    r = b.exec_("/bin/oci-helper", "mounts")
    check(r.ok, "exec failed: " + r.describe())
    return any(m["mountpoint"] == ctr_dir + "/probe" for m in r.json())


@test("config-linux.md#rootfs-mount-propagation")
def test_rootfs_propagation_slave_receives(s):
    """config-linux.md "Rootfs Mount Propagation": slave: "if something is
    mounted on the host it will also appear in the container"."""
    def setup(b):
        b.linux["rootfsPropagation"] = "slave"
        return b.path("/mnt"), "/mnt"
    check(_host_mount_seen(s, "prop-slave-recv", setup), "host mount did not propagate into the container")


@test("config-linux.md#rootfs-mount-propagation")
def test_rootfs_propagation_private_isolated(s):
    """config-linux.md "Rootfs Mount Propagation": private: "the rootfs mount
    doesn't receive mount propagation events from the host"."""
    def setup(b):
        b.linux["rootfsPropagation"] = "private"
        return b.path("/mnt"), "/mnt"
    check(not _host_mount_seen(s, "prop-priv-iso", setup), "host mount propagated into a private rootfs")


@test("config.md#mounts")
def test_mounts_rslave_option(s):
    """config.md "Linux mount options": propagation option "rslave" on a bind
    mount - later host mounts below the source appear in the container."""
    def setup(b):
        src = os.path.join(b.dir, "vol")
        os.mkdir(src)
        b.add_mount("/data", "bind", src, ["rbind", "rslave"])
        return src, "/data"
    check(_host_mount_seen(s, "mnt-rslave", setup), "host mount did not propagate through an rslave bind")


@test("config.md#mounts")
def test_mounts_rprivate_option(s):
    """config.md "Linux mount options": propagation option "rprivate" on a bind
    mount - later host mounts below the source do not appear."""
    def setup(b):
        src = os.path.join(b.dir, "vol")
        os.mkdir(src)
        b.add_mount("/data", "bind", src, ["rbind", "rprivate"])
        return src, "/data"
    check(not _host_mount_seen(s, "mnt-rprivate", setup), "host mount propagated through an rprivate bind")


# ================================================================ misc linux
@test("config-linux.md#intelrdt")
def test_intelrdt_without_resctrl_fails(s):
    """config-linux.md "IntelRdt": "If no mounted resctrl pseudo-filesystem is
    available in the runtime mount namespace, the runtime MUST generate an
    error"."""
    if any(m["fstype"] == "resctrl" for m in host_mounts()):
        raise Skip("resctrl is mounted on this host")
    b = s.bundle("rdt")
    b.linux["intelRdt"] = {"closID": "oci-conf", "l3CacheSchema": "L3:0=f"}
    b.helper_args("true")
    r = b.run()
    check(not r.ok, "intelRdt accepted without a resctrl filesystem")


@test("config-linux.md#personality")
def test_personality_linux32(s):
    """config-linux.md "Personality": "LINUX32 will set the uname system call
    to show a 32 bit CPU type, such as i686"."""
    if os.uname().machine != "x86_64":
        raise Skip("host is not x86_64")
    b = s.bundle("personality")
    b.linux["personality"] = {"domain": "LINUX32"}
    eq(b.helper("info")["machine"], "i686", "uname machine")


@test("config-linux.md#offset-for-time-namespace")
def test_time_offsets(s):
    """config-linux.md "Offset for Time Namespace": "timeOffsets (object,
    OPTIONAL) sets the offset for Time Namespace" (monotonic, boottime secs)."""
    if s.host_ns.get("time") is None:
        raise Skip("kernel has no time namespaces")
    b = s.bundle("timens")
    b.ns("time")
    day = 86400
    b.linux["timeOffsets"] = {"monotonic": {"secs": 1000 * day, "nanosecs": 0},
                              "boottime": {"secs": 2000 * day, "nanosecs": 0}}
    info = b.helper("info")
    with open("/proc/uptime") as f:
        up = float(f.read().split()[0])
    check(info["monotonic"] >= 1000 * day and info["monotonic"] < 1000 * day + up + 3600 * 24 * 30,
          "CLOCK_MONOTONIC inside = %r" % info["monotonic"])
    check(info["boottime"] >= 2000 * day, "CLOCK_BOOTTIME inside = %r" % info["boottime"])


@test("config-linux.md#memory-policy")
def test_memory_policy(s):
    """config-linux.md "Memory policy" (1.3): "memoryPolicy" mode MPOL_BIND with
    nodes "0" is set for the container process (get_mempolicy)."""
    if not os.path.exists("/sys/devices/system/node/node0"):
        raise Skip("no NUMA node 0")
    b = s.bundle("mempolicy")
    b.linux["memoryPolicy"] = {"mode": "MPOL_BIND", "nodes": "0"}
    info = b.helper("info")
    eq((info["mempolicy"], info["mempolicy_nodes"]), (2, 1), "mempolicy mode (2=MPOL_BIND), nodemask")


# ================================================================ process (linux specific, 1.2+)
@test("config.md#process")
def test_process_scheduler(s):
    """config.md "Linux process": "scheduler (object, OPTIONAL) represents the
    scheduling attributes for a process" (policy SCHED_BATCH, nice)."""
    b = s.bundle("sched")
    b.process["scheduler"] = {"policy": "SCHED_BATCH", "nice": 7}
    info = b.helper("info")
    eq((info["sched_policy"], info["nice"]), (3, 7), "sched policy (3=SCHED_BATCH), nice")


@test("config.md#process")
def test_process_io_priority(s):
    """config.md "Linux process": "ioPriority (object, OPTIONAL) configures the
    I/O priority settings for the container's processes" (class, priority)."""
    b = s.bundle("ioprio")
    b.process["ioPriority"] = {"class": "IOPRIO_CLASS_BE", "priority": 5}
    eq(b.helper("info")["ioprio"], (2 << 13) | 5, "ioprio_get value (BE, 5)")


@test("config.md#process")
def test_process_exec_cpu_affinity(s):
    """config.md "Linux Process": execCPUAffinity ("not applicable to the
    container's init process"): "final (string, OPTIONAL) is a list of CPUs the
    process will be run on after the transition to container's cgroup"
    (checked on a process started with exec --process)."""
    if (os.cpu_count() or 1) < 2:
        raise Skip("needs at least 2 CPUs")
    import json as _json
    b = _pause_container(s, "affinity")
    proc = {"args": ["/bin/oci-helper", "info"], "cwd": "/", "env": ["PATH=/bin"],
            "user": {"uid": 0, "gid": 0}, "execCPUAffinity": {"final": "1"}}
    pf = os.path.join(b.dir, "process.json")
    with open(pf, "w") as f:
        _json.dump(proc, f)
    r = b.exec_(extra=("--process", pf))
    check(r.ok, "exec --process failed: " + r.describe())
    eq(r.json()["affinity"], [1], "CPU affinity of the exec'd process")


# ================================================================ default filesystems
def _mk_default_fs(path, fstype):
    def fn(s):
        m = _mount(_default_probe(s)["mounts"], path)
        eq(m["fstype"], fstype, "filesystem type of %s" % path)
    fn.__name__ = "test_default_fs_" + path.strip("/").replace("/", "_")
    fn.__doc__ = ('config-linux.md "Default Filesystems": "The following filesystems SHOULD be '
                  'made available in each container\'s filesystem": %s (%s).' % (path, fstype))
    return fn


for _p, _t in (("/proc", "proc"), ("/sys", "sysfs"), ("/dev/pts", "devpts"), ("/dev/shm", "tmpfs")):
    test("config-linux.md#default-filesystems")(_mk_default_fs(_p, _t))


# ================================================================ runtime-linux.md
def _mk_symlink(link, target):
    def fn(s):
        st = _default_probe(s)["stat"][link]
        check(st["exists"], "%s missing" % link)
        eq((st["lstat"]["type"], st.get("target")), ("link", target), "%s symlink" % link)
    fn.__name__ = "test_dev_symlink_" + link.split("/")[-1]
    fn.__doc__ = ('runtime-linux.md "Dev symbolic links": "runtime MUST create the following '
                  'symlinks if the source file exists after processing mounts": %s -> %s.' % (link, target))
    return fn


for _l, _t in (("/dev/fd", "/proc/self/fd"), ("/dev/stdin", "/proc/self/fd/0"),
               ("/dev/stdout", "/proc/self/fd/1"), ("/dev/stderr", "/proc/self/fd/2")):
    test("runtime-linux.md#dev-symbolic-links")(_mk_symlink(_l, _t))


@test("runtime-linux.md#file-descriptors")
def test_fds_only_stdio(s):
    """runtime-linux.md "File descriptors": "By default, only the stdin, stdout
    and stderr file descriptors are kept open for the application by the
    runtime" (an extra fd inherited by the runtime must not leak)."""
    b = s.bundle("fds")
    b.helper_args("info")
    b.write_config()
    fd = os.open("/dev/null", os.O_RDONLY)
    try:
        os.set_inheritable(fd, True)
        b._track()
        r = s.rt("run", "--bundle", b.dir, b.id, pass_fds=(fd,))
    finally:
        os.close(fd)
    check(r.ok, r.describe())
    eq(sorted(r.json()["fds"]), [0, 1, 2], "open fds of the container process")


@test("runtime-linux.md#file-descriptors")
def test_fds_stdio_passed(s):
    """runtime-linux.md "File descriptors": stdin, stdout and stderr of the
    caller are kept open for the application (non-terminal mode)."""
    b = s.bundle("fds-stdio")
    b.sh("echo out-line; echo err-line >&2")
    r = b.run()
    check("out-line" in r.out, "stdout not passed: %r" % r.out)
    check("err-line" in r.err, "stderr not passed: %r" % r.err)
