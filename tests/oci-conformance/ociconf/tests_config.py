"""config.md: ociVersion, root, mounts, process, hostname/domainname."""

import os
import stat
import time

from .framework import (test, check, eq, Fail, Skip, capmask, DEFAULT_CAPS, read_pty,
                        run_cmd)

EROFS, EACCES, EPERM, ENOENT = 30, 13, 1, 2


def _mount(mounts, mp):
    found = [m for m in mounts if m["mountpoint"] == mp]
    if not found:
        raise Fail("%s is not a mount point in the container" % mp)
    return found[-1]


def _opts(m):
    return set(m["options"].split(",")) | set(m["superopts"].split(","))


# ------------------------------------------------------------------ version
@test("config.md#specification-version")
def test_ociversion_1_3_accepted(s):
    """config.md "Specification version": ociVersion "MUST be in SemVer v2.0.0
    format"; a runtime implementing 1.3 accepts a bundle declaring 1.3.0."""
    b = s.bundle("ociver")
    b.config["ociVersion"] = "1.3.0"
    b.helper_args("true")
    r = b.run()
    check(r.ok, "bundle with ociVersion 1.3.0 rejected: " + r.describe())


# ------------------------------------------------------------------ root
@test("config.md#root")
def test_root_readonly(s):
    """config.md "Root": "readonly (bool, OPTIONAL) If true then the root
    filesystem MUST be read-only inside the container"."""
    b = s.bundle("root-ro")
    b.config["root"]["readonly"] = True
    res = b.helper("try-write", "/rofile", "/tmp/rofile")
    eq(res["/rofile"], EROFS, "errno writing /rofile on a readonly root")
    eq(res["/tmp/rofile"], EROFS, "errno writing /tmp/rofile on a readonly root")


@test("config.md#root")
def test_root_writable_by_default(s):
    """config.md "Root": readonly "defaults to false" - the root is writable."""
    b = s.bundle("root-rw")
    b.config["root"].pop("readonly", None)
    res = b.helper("try-write", "/rwfile")
    eq(res["/rwfile"], 0, "errno writing /rwfile")
    check(os.path.exists(b.path("/rwfile")), "write did not reach the bundle rootfs")


@test("config.md#root")
def test_root_absolute_path(s):
    """config.md "Root": "path ... On POSIX platforms, path is either an
    absolute path or a relative path to the bundle"."""
    b = s.bundle("root-abs")
    b.config["root"]["path"] = b.rootfs
    info = b.helper("stat", "/etc/oci-conf-marker")
    check(info["/etc/oci-conf-marker"]["exists"], "rootfs content not visible")


@test("config.md#root")
def test_root_is_container_root(s):
    """config.md "Root": "path (string, REQUIRED) Specifies the path to the root
    filesystem for the container" - the container sees that tree as /."""
    b = s.bundle("root-content")
    with open(b.path("/etc/unique-file"), "w") as f:
        f.write(b.id)
    res = b.helper("read", "/etc/unique-file")
    eq(res["/etc/unique-file"]["data"], b.id, "content of /etc/unique-file")


# ------------------------------------------------------------------ mounts
@test("config.md#mounts")
def test_mounts_bind(s):
    """config.md "Mounts": a mount "is a bind mount if it has either bind or
    rbind in the options"; source content appears at destination."""
    b = s.bundle("mnt-bind")
    src = os.path.join(b.dir, "vol")
    os.mkdir(src)
    with open(os.path.join(src, "f"), "w") as f:
        f.write("from-host")
    b.add_mount("/data", "bind", src, ["bind"])
    res = b.helper("read", "/data/f")
    eq(res["/data/f"]["data"], "from-host", "bind mounted file content")


@test("config.md#mounts")
def test_mounts_bind_type_none(s):
    """config.md "Mounts": "A mount is a bind mount if it has either bind or
    rbind in the options" - regardless of type (here type "none")."""
    b = s.bundle("mnt-bind-none")
    src = os.path.join(b.dir, "vol")
    os.mkdir(src)
    with open(os.path.join(src, "f"), "w") as f:
        f.write("none-type")
    b.add_mount("/data", "none", src, ["rbind"])
    res = b.helper("read", "/data/f")
    eq(res["/data/f"]["data"], "none-type", "bind mounted file content")


@test("config.md#mounts")
def test_mounts_bind_relative_source(s):
    """config.md "Mounts": "Path values for bind mounts are either absolute or
    relative to the bundle"."""
    b = s.bundle("mnt-relsrc")
    os.mkdir(os.path.join(b.dir, "relvol"))
    with open(os.path.join(b.dir, "relvol", "f"), "w") as f:
        f.write("relative")
    b.add_mount("/data", "bind", "relvol", ["rbind"])
    res = b.helper("read", "/data/f")
    eq(res["/data/f"]["data"], "relative", "content via relative bind source")


@test("config.md#mounts")
def test_mounts_bind_file(s):
    """config.md "Mounts": "source ... can also be a file or directory name for
    bind mounts" (a single file)."""
    b = s.bundle("mnt-file")
    src = os.path.join(b.dir, "single")
    with open(src, "w") as f:
        f.write("single-file")
    b.add_mount("/etc/single", "bind", src, ["bind", "ro"])
    res = b.helper("read", "/etc/single")
    eq(res["/etc/single"]["data"], "single-file", "bind mounted file")


@test("config.md#mounts")
def test_mounts_bind_ro(s):
    """config.md "Linux mount options": "ro" - the bind mount MUST be
    read-only (writes fail with EROFS) while the source stays writable."""
    b = s.bundle("mnt-ro")
    src = os.path.join(b.dir, "vol")
    os.mkdir(src)
    b.add_mount("/data", "bind", src, ["rbind", "ro"])
    res = b.helper("try-write", "/data/x")
    eq(res["/data/x"], EROFS, "errno writing into a ro bind mount")
    check(os.access(src, os.W_OK), "host source became read-only")


@test("config.md#mounts")
def test_mounts_destination_created(s):
    """config.md "Mounts": "destination (string, REQUIRED) Destination of mount
    point: path inside the container" - a missing destination is created."""
    b = s.bundle("mnt-mkdir")
    b.add_mount("/new/deep/dir", "tmpfs", "tmpfs", ["size=1m"])
    m = b.helper("mounts")
    check(any(x["mountpoint"] == "/new/deep/dir" for x in m), "tmpfs not mounted at /new/deep/dir")


@test("config.md#mounts")
def test_mounts_listed_order(s):
    """config.md "Mounts": "The runtime MUST mount entries in the listed order"
    (a later mount on the same destination hides the earlier one)."""
    b = s.bundle("mnt-order")
    for n in ("one", "two"):
        d = os.path.join(b.dir, n)
        os.mkdir(d)
        with open(os.path.join(d, "which"), "w") as f:
            f.write(n)
    b.add_mount("/data", "bind", os.path.join(b.dir, "one"), ["rbind"])
    b.add_mount("/data", "bind", os.path.join(b.dir, "two"), ["rbind"])
    b.add_mount("/data/sub", "tmpfs", "tmpfs", ["size=1m"])
    b.sh("/bin/oci-helper read /data/which; /bin/oci-helper mounts")
    r = b.run()
    check(r.ok, "run failed: " + r.describe())
    out = r.jsons()
    eq(out[0]["/data/which"]["data"], "two", "visible /data after two mounts")
    mounts = out[1]
    data = [m for m in mounts if m["mountpoint"] == "/data"]
    sub = _mount(mounts, "/data/sub")
    check(len(data) == 2, "expected two stacked mounts on /data, got %d" % len(data))
    eq(sub["parent"], data[-1]["id"], "parent of /data/sub (must be the last /data mount)")


@test("config.md#mounts")
def test_mounts_tmpfs_size_mode(s):
    """config.md "Mounts": "options ... Mount options of the filesystem to be
    used" - tmpfs size= and mode= are applied."""
    b = s.bundle("mnt-tmpfs")
    b.add_mount("/scratch", "tmpfs", "tmpfs", ["size=2m", "mode=0710"])
    b.sh("/bin/oci-helper statfs /scratch; /bin/oci-helper stat /scratch")
    r = b.run()
    check(r.ok, r.describe())
    sf, st = r.jsons()
    eq(sf["/scratch"]["bytes"], 2 * 1024 * 1024, "tmpfs size in bytes")
    eq(st["/scratch"]["lstat"]["mode"], 0o710, "tmpfs root mode")


@test("config.md#mounts")
def test_mounts_nosuid_nodev_noexec(s):
    """config.md "Linux mount options": nosuid, nodev, noexec MUST be applied
    as mount flags (visible in mountinfo; exec fails with EACCES)."""
    b = s.bundle("mnt-flags")
    b.add_mount("/scratch", "tmpfs", "tmpfs", ["nosuid", "nodev", "noexec", "size=4m"])
    b.sh("cp /bin/oci-helper /scratch/h && /bin/oci-helper try-exec /scratch/h; /bin/oci-helper mounts")
    r = b.run()
    check(r.ok, r.describe())
    ex, mounts = r.jsons()
    m = _mount(mounts, "/scratch")
    o = set(m["options"].split(","))
    for f in ("nosuid", "nodev", "noexec"):
        check(f in o, "%s missing from /scratch options %r" % (f, m["options"]))
    eq(ex["errno"], EACCES, "errno of execve on a noexec mount")


@test("config.md#mounts")
def test_mounts_rbind_submounts(s):
    """config.md "Linux mount options": "rbind" makes a recursive bind mount -
    submounts of the source are visible in the container."""
    b = s.bundle("mnt-rbind")
    src = os.path.join(b.dir, "vol")
    os.makedirs(os.path.join(src, "sub"))
    s.host_mount("tmpfs", os.path.join(src, "sub"), fstype="tmpfs", options="size=1m")
    s.cleanups.append(lambda: s.host_umount(os.path.join(src, "sub")))
    with open(os.path.join(src, "sub", "inner"), "w") as f:
        f.write("submount")
    b.add_mount("/data", "bind", src, ["rbind"])
    res = b.helper("read", "/data/sub/inner")
    eq(res["/data/sub/inner"]["data"], "submount", "file on the submount through rbind")


@test("config.md#mounts")
def test_mounts_bind_not_recursive(s):
    """config.md "Linux mount options": "bind" (as opposed to rbind) creates a
    non-recursive bind mount - submounts of the source are not visible."""
    b = s.bundle("mnt-bind-nr")
    src = os.path.join(b.dir, "vol")
    os.makedirs(os.path.join(src, "sub"))
    s.host_mount("tmpfs", os.path.join(src, "sub"), fstype="tmpfs", options="size=1m")
    s.cleanups.append(lambda: s.host_umount(os.path.join(src, "sub")))
    with open(os.path.join(src, "sub", "inner"), "w") as f:
        f.write("submount")
    b.add_mount("/data", "bind", src, ["bind"])
    res = b.helper("read", "/data/sub/inner")
    eq(res["/data/sub/inner"]["errno"], ENOENT, "errno reading a submount through a non-recursive bind")


@test("config.md#mounts")
def test_mounts_rro_recursive(s):
    """config.md "Linux mount options": "rro" (recursive read-only, via
    mount_setattr) MUST make the mount and all its submounts read-only."""
    b = s.bundle("mnt-rro")
    src = os.path.join(b.dir, "vol")
    os.makedirs(os.path.join(src, "sub"))
    s.host_mount("tmpfs", os.path.join(src, "sub"), fstype="tmpfs", options="size=1m")
    s.cleanups.append(lambda: s.host_umount(os.path.join(src, "sub")))
    b.add_mount("/data", "bind", src, ["rbind", "rro"])
    res = b.helper("try-write", "/data/x", "/data/sub/x")
    eq(res, {"/data/x": EROFS, "/data/sub/x": EROFS}, "errno writing top and submount")


@test("config.md#mounts")
def test_mounts_ro_not_recursive(s):
    """config.md "Linux mount options": plain "ro" on an rbind applies to the
    top mount; "rro" is the recursive variant (submounts stay writable with ro)."""
    b = s.bundle("mnt-ro-nr")
    src = os.path.join(b.dir, "vol")
    os.makedirs(os.path.join(src, "sub"))
    s.host_mount("tmpfs", os.path.join(src, "sub"), fstype="tmpfs", options="size=1m")
    s.cleanups.append(lambda: s.host_umount(os.path.join(src, "sub")))
    b.add_mount("/data", "bind", src, ["rbind", "ro"])
    res = b.helper("try-write", "/data/x")
    eq(res["/data/x"], EROFS, "errno writing the top of a ro rbind")


@test("config.md#mounts")
def test_mounts_rnosuid_recursive(s):
    """config.md "Linux mount options": "rnosuid"/"rnodev"/"rnoexec" apply the
    flag recursively to every submount."""
    b = s.bundle("mnt-rnosuid")
    src = os.path.join(b.dir, "vol")
    os.makedirs(os.path.join(src, "sub"))
    s.host_mount("tmpfs", os.path.join(src, "sub"), fstype="tmpfs", options="size=1m")
    s.cleanups.append(lambda: s.host_umount(os.path.join(src, "sub")))
    b.add_mount("/data", "bind", src, ["rbind", "rnosuid", "rnoexec"])
    mounts = b.helper("mounts")
    for mp in ("/data", "/data/sub"):
        o = set(_mount(mounts, mp)["options"].split(","))
        check("nosuid" in o and "noexec" in o, "%s options %r lack nosuid/noexec" % (mp, sorted(o)))


@test("config.md#mounts")
def test_mounts_relative_destination(s):
    """config.md "Mounts": destination "MAY be a relative path, in which case
    it MUST be interpreted as relative to /" (deprecated but defined)."""
    b = s.bundle("mnt-reldst")
    b.add_mount("reltmp", "tmpfs", "tmpfs", ["size=1m"])
    mounts = b.helper("mounts")
    check(any(m["mountpoint"] == "/reltmp" for m in mounts), "relative destination not mounted at /reltmp")


# ------------------------------------------------------------------ process
@test("config.md#process")
def test_process_args(s):
    """config.md "Process": "args (array of strings) with similar semantics to
    IEEE Std 1003.1-2008 execvp's argv" - passed verbatim."""
    b = s.bundle("args")
    info = b.helper("info", "with space", "", "tab\there", "ünï")
    eq(info["argv"], ["/bin/oci-helper", "info", "with space", "", "tab\there", "ünï"], "argv")


@test("config.md#process")
def test_process_args_path_lookup(s):
    """config.md "Process": the first args entry "is used with the same
    semantics as execvp's file" - a bare name is searched in $PATH."""
    b = s.bundle("args-path")
    b.set_args("oci-helper", "info")
    r = b.run()
    check(r.ok, "bare executable name not found via PATH: " + r.describe())
    eq(r.json()["argv"][0], "oci-helper", "argv[0]")


@test("config.md#process")
def test_process_env(s):
    """config.md "Process": "env (array of strings) with the same semantics as
    IEEE Std 1003.1-2008's environ" - exactly the configured variables."""
    b = s.bundle("env")
    b.process["env"] = ["PATH=/bin", "FOO=bar baz", "EMPTY=", "TERM=dumb"]
    info = b.helper("info")
    env = info["env"]
    for e in b.process["env"]:
        check(e in env, "%r missing from environment %r" % (e, env))
    extra = [e for e in env if e not in b.process["env"] and not e.startswith("HOME=")]
    check(not extra, "unexpected variables in the environment: %r" % extra)


@test("config.md#process")
def test_process_cwd(s):
    """config.md "Process": "cwd (string, REQUIRED) is the working directory
    that will be set for the executable"."""
    b = s.bundle("cwd")
    os.makedirs(b.path("/opt/work dir"))
    b.process["cwd"] = "/opt/work dir"
    eq(b.helper("info")["cwd"], "/opt/work dir", "cwd")


@test("config.md#process")
def test_process_user_uid_gid(s):
    """config.md "User": "uid (int, REQUIRED) specifies the user ID in the
    container namespace"; "gid ... specifies the group ID"."""
    b = s.bundle("user")
    b.process["user"] = {"uid": 1234, "gid": 5678}
    info = b.helper("info")
    eq((info["uid"], info["euid"], info["gid"], info["egid"]), (1234, 1234, 5678, 5678),
       "uid, euid, gid, egid")


@test("config.md#process")
def test_process_additional_gids(s):
    """config.md "User": "additionalGids (array of ints, OPTIONAL) specifies
    additional group IDs in the container namespace to be added to the process"."""
    b = s.bundle("addgids")
    b.process["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [5, 2000, 3000]}
    info = b.helper("info")
    check({5, 2000, 3000} <= set(info["groups"]), "supplementary groups %r" % info["groups"])
    extra = set(info["groups"]) - {5, 2000, 3000, 1000}
    check(not extra, "unexpected supplementary groups %r" % sorted(extra))


@test("config.md#process")
def test_process_no_additional_gids(s):
    """config.md "User": without additionalGids the process gets no
    supplementary groups from the runtime (only its own gid, if any)."""
    b = s.bundle("nogids")
    b.process["user"] = {"uid": 1000, "gid": 1000}
    info = b.helper("info")
    check(set(info["groups"]) <= {1000}, "unexpected supplementary groups %r" % info["groups"])


@test("config.md#process")
def test_process_umask(s):
    """config.md "User": "umask (int, OPTIONAL) specifies the umask of the
    user" (set to 077)."""
    b = s.bundle("umask")
    b.process["user"]["umask"] = 0o77
    eq(b.helper("info")["umask"], 0o77, "umask")


@test("config.md#process")
def test_process_rlimits(s):
    """config.md "POSIX process": rlimits: "rlim.rlim_cur MUST match the
    configured value" (soft) and "rlim.rlim_max MUST match" (hard)."""
    b = s.bundle("rlimits")
    b.process["rlimits"] = [
        {"type": "RLIMIT_NOFILE", "soft": 512, "hard": 777},
        {"type": "RLIMIT_CORE", "soft": 4096, "hard": 8192},
        {"type": "RLIMIT_NPROC", "soft": 3000, "hard": 4000},
    ]
    rl = b.helper("info")["rlimits"]
    eq(rl["RLIMIT_NOFILE"], [512, 777], "RLIMIT_NOFILE")
    eq(rl["RLIMIT_CORE"], [4096, 8192], "RLIMIT_CORE")
    eq(rl["RLIMIT_NPROC"], [3000, 4000], "RLIMIT_NPROC")


@test("config.md#process")
def test_process_rlimits_invalid_type(s):
    """config.md "POSIX process": rlimits type: "The runtime MUST generate an
    error for any values which cannot be mapped to a relevant kernel
    interface"."""
    b = s.bundle("rlimit-bad")
    b.process["rlimits"] = [{"type": "RLIMIT_NO_SUCH_THING", "soft": 1, "hard": 1}]
    b.helper_args("true")
    r = b.run()
    check(not r.ok, "unknown rlimit type accepted")


@test("config.md#process")
def test_process_rlimits_duplicate(s):
    """config.md "POSIX process": "If rlimits contains duplicated entries with
    same type, the runtime MUST generate an error"."""
    b = s.bundle("rlimit-dup")
    b.process["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 100},
                            {"type": "RLIMIT_NOFILE", "soft": 200, "hard": 200}]
    b.helper_args("true")
    r = b.run()
    check(not r.ok, "duplicated rlimit type accepted")


@test("config.md#process")
def test_process_no_new_privileges(s):
    """config.md "Linux process": "noNewPrivileges (bool, OPTIONAL) setting
    noNewPrivileges to true prevents the process from gaining additional
    privileges" (PR_SET_NO_NEW_PRIVS)."""
    b = s.bundle("nnp")
    b.process["noNewPrivileges"] = True
    info = b.helper("info")
    eq(info["no_new_privs"], 1, "NoNewPrivs")


@test("config.md#process")
def test_process_no_new_privileges_false(s):
    """config.md "Linux process": with noNewPrivileges false the no_new_privs
    bit is not set on the process."""
    b = s.bundle("nnp-off")
    b.process["noNewPrivileges"] = False
    eq(b.helper("info")["no_new_privs"], 0, "NoNewPrivs")


@test("config.md#process")
def test_process_oom_score_adj(s):
    """config.md "Linux process": "If oomScoreAdj is set, the runtime MUST set
    oom_score_adj to the given value"."""
    b = s.bundle("oom")
    b.process["oomScoreAdj"] = 345
    eq(b.helper("info")["oom_score_adj"].strip(), "345", "oom_score_adj")


@test("config.md#process")
def test_process_oom_score_adj_unset(s):
    """config.md "Linux process": "If oomScoreAdj is not set, the runtime MUST
    NOT change the value of oom_score_adj" (inherits the caller's value)."""
    with open("/proc/self/oom_score_adj") as f:
        mine = f.read().strip()
    b = s.bundle("oom-unset")
    b.process.pop("oomScoreAdj", None)
    eq(b.helper("info")["oom_score_adj"].strip(), mine, "oom_score_adj (caller has %s)" % mine)


def _caps_test(s, name, caps, field, setname):
    b = s.bundle(name)
    full = {"bounding": list(DEFAULT_CAPS), "effective": list(DEFAULT_CAPS),
            "permitted": list(DEFAULT_CAPS), "inheritable": [], "ambient": []}
    full.update(caps)
    b.process["capabilities"] = full
    b.process["user"] = {"uid": 0, "gid": 0}
    info = b.helper("info")
    got = int(info["caps"][field], 16)
    want = capmask(full[setname])
    eq(hex(got), hex(want), "%s (%s)" % (field, setname))


@test("config.md#process")
def test_process_caps_bounding(s):
    """config.md "Linux process": "bounding (array of strings, OPTIONAL) the
    bounding capabilities that are kept for the process"."""
    _caps_test(s, "cap-bnd", {"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_SETGID",
                                           "CAP_SETPCAP", "CAP_NET_RAW"],
                              "effective": ["CAP_CHOWN"], "permitted": ["CAP_CHOWN"]},
               "CapBnd", "bounding")


@test("config.md#process")
def test_process_caps_effective(s):
    """config.md "Linux process": "effective (array of strings, OPTIONAL) the
    effective capabilities that are kept for the process" (uid 0 with
    noNewPrivileges: after execve effective equals the configured set)."""
    _caps_test(s, "cap-eff", {"effective": ["CAP_CHOWN", "CAP_KILL"],
                              "permitted": ["CAP_CHOWN", "CAP_KILL"]}, "CapEff", "effective")


@test("config.md#process")
def test_process_caps_permitted(s):
    """config.md "Linux process": "permitted (array of strings, OPTIONAL) the
    permitted capabilities that are kept for the process"."""
    _caps_test(s, "cap-prm", {"permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_FOWNER"],
                              "effective": ["CAP_CHOWN"]}, "CapPrm", "permitted")


@test("config.md#process")
def test_process_caps_inheritable(s):
    """config.md "Linux process": "inheritable (array of strings, OPTIONAL) the
    inheritable capabilities that are kept for the process"."""
    _caps_test(s, "cap-inh", {"inheritable": ["CAP_KILL", "CAP_CHOWN"]}, "CapInh", "inheritable")


@test("config.md#process")
def test_process_caps_ambient(s):
    """config.md "Linux process": "ambient (array of strings, OPTIONAL) the
    ambient capabilities that are kept for the process"."""
    _caps_test(s, "cap-amb", {"inheritable": ["CAP_KILL", "CAP_CHOWN"],
                              "ambient": ["CAP_KILL", "CAP_CHOWN"]}, "CapAmb", "ambient")


@test("config.md#process")
def test_process_caps_ambient_nonroot(s):
    """config.md "Linux process": ambient capabilities are kept across execve
    for a non-root user (effective set of uid 1000 = ambient set)."""
    b = s.bundle("cap-amb-user")
    b.process["user"] = {"uid": 1000, "gid": 1000}
    b.process["capabilities"] = {"bounding": list(DEFAULT_CAPS), "effective": ["CAP_KILL", "CAP_NET_RAW"],
                                 "permitted": ["CAP_KILL", "CAP_NET_RAW"],
                                 "inheritable": ["CAP_KILL", "CAP_NET_RAW"],
                                 "ambient": ["CAP_KILL", "CAP_NET_RAW"]}
    b.process["noNewPrivileges"] = False
    info = b.helper("info")
    eq(hex(int(info["caps"]["CapEff"], 16)), hex(capmask(["CAP_KILL", "CAP_NET_RAW"])), "CapEff of uid 1000")


@test("config.md#process")
def test_process_caps_enforced(s):
    """config.md "Linux process": capabilities not listed are not granted - a
    root process without CAP_CHOWN gets EPERM from chown(2)."""
    b = s.bundle("cap-enforced")
    caps = [c for c in DEFAULT_CAPS if c != "CAP_CHOWN"]
    b.process["capabilities"] = {"bounding": caps, "effective": caps, "permitted": caps}
    b.helper_args("syscall", "chown", "/etc/passwd", "1", "1")
    eq(b.helper()["errno"], EPERM, "errno of chown without CAP_CHOWN")


@test("config.md#process")
def test_process_caps_unknown_not_fatal(s):
    """config.md "Linux process": capabilities that cannot be mapped "MUST be
    logged as a warning by the runtime. Runtimes SHOULD NOT fail if the
    container configuration requests capabilities that cannot be granted"."""
    b = s.bundle("cap-unknown")
    caps = list(DEFAULT_CAPS) + ["CAP_OCI_CONF_DOES_NOT_EXIST"]
    b.process["capabilities"] = {"bounding": caps, "effective": caps, "permitted": caps}
    b.helper_args("true")
    r = b.run()
    check(r.ok, "runtime failed on an unknown capability: " + r.describe())


@test("config.md#process")
def test_process_terminal(s):
    """config.md "Process": "terminal ... if set to true on Linux a
    pseudoterminal pair is allocated for the process and the pseudoterminal pty
    is duplicated on the process's standard streams" (--console-socket)."""
    b = s.bundle("terminal")
    b.process["terminal"] = True
    b.helper_args("info")
    master = b.create_with_console()
    b.must_start()
    out = read_pty(master, timeout=10)
    b.wait_status("stopped")
    from .framework import Result
    info = Result(["pty"], 0, out, "").json("output read from the pty master")
    eq(info["isatty"], [True, True, True], "isatty(0), isatty(1), isatty(2)")
    check(len(set(info["fd_targets"].values())) == 1,
          "stdio are not the same pty: %r" % info["fd_targets"])
    check(info["fd_targets"]["0"].startswith("/dev/pts/"), "stdin is %r" % info["fd_targets"]["0"])


@test("config.md#process")
def test_process_terminal_console_size(s):
    """config.md "Process": "consoleSize (object, OPTIONAL) specifies the
    console size in characters of the terminal" (height, width)."""
    b = s.bundle("consolesize")
    b.process["terminal"] = True
    b.process["consoleSize"] = {"height": 33, "width": 111}
    b.helper_args("info")
    master = b.create_with_console()
    b.must_start()
    out = read_pty(master, timeout=10)
    b.wait_status("stopped")
    from .framework import Result
    info = Result(["pty"], 0, out, "").json("pty output")
    eq(info["winsize"], {"rows": 33, "cols": 111}, "window size")


@test("config.md#process")
def test_process_console_size_ignored_without_terminal(s):
    """config.md "Process": "Runtimes MUST ignore consoleSize if terminal is
    false or unset"."""
    b = s.bundle("consolesize-noterm")
    b.process["terminal"] = False
    b.process["consoleSize"] = {"height": 10, "width": 10}
    info = b.helper("info")
    eq(info["isatty"], [False, False, False], "isatty without terminal")


@test("config.md#process")
def test_process_terminal_false_no_tty(s):
    """config.md "Process": terminal "defaults to false" - without it the
    process gets the caller's (non-tty) stdio, not a pseudoterminal."""
    b = s.bundle("noterm")
    b.process.pop("terminal", None)
    info = b.helper("info")
    eq(info["isatty"], [False, False, False], "isatty")


# ------------------------------------------------------------------ hostname
@test("config.md#hostname")
def test_hostname(s):
    """config.md "Hostname": "hostname (string, OPTIONAL) specifies the
    container's hostname as seen by processes running inside the container"."""
    b = s.bundle("hostname")
    b.config["hostname"] = "oci-conf-host"
    eq(b.helper("info")["hostname"], "oci-conf-host", "hostname")


@test("config.md#domainname")
def test_domainname(s):
    """config.md "Domainname": "domainname (string, OPTIONAL) specifies the
    container's domainname as seen by processes running inside the container"."""
    b = s.bundle("domainname")
    b.config["domainname"] = "oci-conf.example"
    eq(b.helper("info")["domainname"], "oci-conf.example", "domainname")


@test("config.md#hostname")
def test_hostname_host_unchanged(s):
    """config.md "Hostname": the hostname is changed "in the container UTS
    namespace" - the host's hostname stays the same."""
    before = os.uname().nodename
    b = s.bundle("hostname-host")
    b.config["hostname"] = "oci-conf-other"
    b.helper("info")
    eq(os.uname().nodename, before, "host hostname after the container ran")


# ------------------------------------------------------------------ annotations / platform
@test("config.md#annotations")
def test_annotations_accepted(s):
    """config.md "Annotations": "annotations (object, OPTIONAL) contains
    arbitrary metadata for the container" - the runtime MUST NOT fail on them."""
    b = s.bundle("annotations")
    b.config["annotations"] = {"com.example.key1": "value1", "org.opencontainers.x": "y"}
    b.helper_args("true")
    r = b.run()
    check(r.ok, r.describe())



@test("config.md#mounts")
def test_mounts_idmap(s):
    """config.md "Mounts": "uidMappings/gidMappings ... The mapping to convert
    UIDs/GIDs from the source file system to the destination mount point" with
    option "idmap" (an idmapped bind mount in a user namespace container)."""
    b = s.bundle("mnt-idmap")
    b.ns("user")
    m = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    b.linux["uidMappings"] = m
    b.linux["gidMappings"] = m
    src = os.path.join(b.dir, "vol")
    os.mkdir(src)
    with open(os.path.join(src, "f"), "w") as f:
        f.write("x")
    os.chown(os.path.join(src, "f"), 0, 0)
    os.makedirs(b.path("/idmapped"))
    os.makedirs(b.path("/plain"))
    b.add_mount("/idmapped", "bind", src, ["bind", "idmap"], uidMappings=m, gidMappings=m)
    b.add_mount("/plain", "bind", src, ["bind"])
    st = b.helper("stat", "/idmapped/f", "/plain/f")
    idm, plain = st["/idmapped/f"].get("stat"), st["/plain/f"].get("stat")
    check(idm and plain, "bind mounts missing: %r" % st)
    eq((plain["uid"], plain["gid"]), (65534, 65534), "owner through a plain bind (overflow id)")
    eq((idm["uid"], idm["gid"]), (0, 0), "owner through the idmapped bind")
