/* test_rootfs.c - ocirun_rootfs_validate/prepare/finalize on hand-built
 * configs, as root, each case in a forked child with its own private
 * mount namespace (nothing is ever left mounted on the host). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "libocirun/container.h"
#include "libocirun/rootfs.h"

/* snprintf that treats truncation as a bug of the test. */
static void __attribute__ ((format (printf, 3, 4)))
xsnprintf (char *buf, size_t len, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start (ap, fmt);
  n = vsnprintf (buf, len, fmt, ap);
  va_end (ap);
  if (n < 0 || (size_t)n >= len)
    abort ();
}

#define OPTS(...)                                                             \
  .options = (char *[]){ __VA_ARGS__, NULL },                                 \
  .options_len = sizeof ((char *[]){ __VA_ARGS__ }) / sizeof (char *)

/* Paths of the current test's bundle. */
static char tmp[64];
static char rootfs[PATH_MAX];
static char hostdir[PATH_MAX]; /* outside the rootfs: must stay untouched */

/* ---- helpers ------------------------------------------------------------ */

#define CHECK(cond, ...)                                                      \
  do                                                                          \
    {                                                                         \
      if (!(cond))                                                            \
        {                                                                     \
          fprintf (stderr, "# %s:%d: check failed: %s: ", __FILE__, __LINE__, \
                   #cond);                                                    \
          fprintf (stderr, __VA_ARGS__);                                      \
          fprintf (stderr, "\n");                                             \
          return -1;                                                          \
        }                                                                     \
    }                                                                         \
  while (0)

static void
xwrite (const char *rel, const char *content)
{
  char p[PATH_MAX * 2];
  FILE *f;

  xsnprintf (p, sizeof p, "%s/%s", rootfs, rel);
  f = fopen (p, "w");
  assert_non_null (f);
  fputs (content, f);
  fclose (f);
}

static void
xmkdir (const char *rel)
{
  char p[PATH_MAX * 2];
  xsnprintf (p, sizeof p, "%s/%s", rootfs, rel);
  assert_int_equal (mkdir (p, 0755), 0);
}

static int
setup (void **state)
{
  char p[PATH_MAX + 16];

  strcpy (tmp, "/tmp/ocirun-rootfs.XXXXXX");
  if (mkdtemp (tmp) == NULL)
    return -1;
  xsnprintf (rootfs, sizeof rootfs, "%s/bundle/rootfs", tmp);
  xsnprintf (hostdir, sizeof hostdir, "%s/host", tmp);
  xsnprintf (p, sizeof p, "%s/bundle", tmp);
  mkdir (p, 0700);
  mkdir (rootfs, 0755);
  mkdir (hostdir, 0755);
  xsnprintf (p, sizeof p, "%s/marker", hostdir);
  close (open (p, O_CREAT | O_WRONLY, 0644));
  xmkdir ("proc");
  xmkdir ("sys");
  xmkdir ("dev");
  xmkdir ("etc");
  xmkdir ("tmp");
  return 0;
}

static int
teardown (void **state)
{
  char cmd[128];
  xsnprintf (cmd, sizeof cmd, "rm -rf '%s'", tmp);
  return system (cmd) == 0 ? 0 : -1;
}

/* Run fn in a child with a private mount namespace; 0 if it returned 0. */
static int
in_child (int (*fn) (void *), void *arg)
{
  pid_t pid = fork ();
  int status;

  if (pid == 0)
    {
      if (unshare (CLONE_NEWNS) < 0
          || mount (NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL) < 0)
        _exit (2);
      _exit (fn (arg) == 0 ? 0 : 1);
    }
  if (pid < 0 || waitpid (pid, &status, 0) < 0)
    return -1;
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128;
}

static void
require_root (void)
{
  if (geteuid () != 0)
    skip ();
}

/* The last mountinfo entry mounted at path (later mounts cover earlier
 * ones).  opts: per-mount options, optional: "shared:N ..." fields. */
struct mnt
{
  char opts[256];
  char optional[128];
  char fstype[64];
  char super[512];
};

static bool
find_mount (const char *path, struct mnt *out)
{
  FILE *f = fopen ("/proc/self/mountinfo", "r");
  char line[4096];
  bool found = false;

  while (f && fgets (line, sizeof line, f))
    {
      char mp[PATH_MAX], opts[256], fstype[64], src[PATH_MAX], super[512];
      char *dash = strstr (line, " - ");
      char *rest;
      int n;

      if (dash == NULL
          || sscanf (line, "%*s %*s %*s %*s %s %255s %n", mp, opts, &n) < 2
          || strcmp (mp, path) != 0)
        continue;
      if (sscanf (dash + 3, "%63s %s %511s", fstype, src, super) < 3)
        continue;
      rest = line + n;
      snprintf (out->optional, sizeof out->optional, "%.*s",
                (int)(dash > rest ? dash - rest : 0), rest);
      strcpy (out->opts, opts);
      strcpy (out->fstype, fstype);
      strcpy (out->super, super);
      found = true;
    }
  if (f)
    fclose (f);
  return found;
}

static bool
has_opt (const char *list, const char *opt)
{
  size_t n = strlen (opt);
  for (const char *p = list; p && *p;)
    {
      if (strncmp (p, opt, n) == 0 && (p[n] == ',' || p[n] == '\0'))
        return true;
      p = strchr (p, ',');
      if (p)
        p++;
    }
  return false;
}

static char *
in_rootfs (const char *rel, char *buf)
{
  xsnprintf (buf, PATH_MAX, "%s%s", rootfs, rel);
  return buf;
}

static struct ocirun_container
container_for (struct oci_config *cfg)
{
  static char bundle[PATH_MAX];
  struct ocirun_container c = { 0 };

  xsnprintf (bundle, sizeof bundle, "%s/bundle", tmp);
  c.id = "test";
  c.bundle = bundle;
  c.config = cfg;
  c.rootfs = rootfs;
  c.new_mountns = true;
  c.sync_fd = -1;
  c.seccomp_notify_fd = -1;
  return c;
}

static int
prepare (struct oci_config *cfg)
{
  struct ocirun_container c = container_for (cfg);
  struct ocirun_error err = { 0 };
  char buf[4096];

  if (ocirun_rootfs_prepare (&c, &err) < 0)
    {
      fprintf (stderr, "# prepare: %s\n",
               ocirun_error_text (&err, buf, sizeof buf));
      return -1;
    }
  return 0;
}

static int
check_dev (const char *rel, mode_t type, unsigned ma, unsigned mi, mode_t mode,
           uid_t uid, gid_t gid)
{
  char p[PATH_MAX];
  struct stat st;

  CHECK (lstat (in_rootfs (rel, p), &st) == 0, "%s: %m", rel);
  CHECK ((st.st_mode & S_IFMT) == type, "%s type %o", rel, st.st_mode);
  CHECK ((st.st_mode & 07777) == mode, "%s mode %o", rel, st.st_mode);
  if (type != S_IFIFO)
    CHECK (major (st.st_rdev) == ma && minor (st.st_rdev) == mi,
           "%s dev %u:%u", rel, major (st.st_rdev), minor (st.st_rdev));
  CHECK (st.st_uid == uid && st.st_gid == gid, "%s owner %u:%u", rel,
         st.st_uid, st.st_gid);
  return 0;
}

static int
check_link (const char *rel, const char *target)
{
  char p[PATH_MAX], t[PATH_MAX];
  ssize_t n = readlink (in_rootfs (rel, p), t, sizeof t - 1);

  CHECK (n > 0, "readlink %s: %m", rel);
  t[n] = '\0';
  CHECK (strcmp (t, target) == 0, "%s -> %s", rel, t);
  return 0;
}

/* ---- the default mounts of `ocirun spec` -------------------------------- */

static struct oci_mount default_mounts[] = {
  { .destination = "/proc", .type = "proc", .source = "proc" },
  { .destination = "/dev",
    .type = "tmpfs",
    .source = "tmpfs",
    OPTS ("nosuid", "strictatime", "mode=755", "size=65536k") },
  { .destination = "/dev/pts",
    .type = "devpts",
    .source = "devpts",
    OPTS ("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620",
          "gid=5") },
  { .destination = "/dev/shm",
    .type = "tmpfs",
    .source = "shm",
    OPTS ("nosuid", "noexec", "nodev", "mode=1777", "size=65536k") },
  { .destination = "/dev/mqueue",
    .type = "mqueue",
    .source = "mqueue",
    OPTS ("nosuid", "noexec", "nodev") },
  { .destination = "/sys",
    .type = "sysfs",
    .source = "sysfs",
    OPTS ("nosuid", "noexec", "nodev", "ro") },
  { .destination = "/sys/fs/cgroup",
    .type = "cgroup",
    .source = "cgroup",
    OPTS ("nosuid", "noexec", "nodev", "relatime", "ro") },
};

static int
standard_child (void *arg)
{
  struct oci_config cfg = { .mounts = default_mounts, .mounts_len = 7 };
  char p[PATH_MAX];
  struct mnt m;

  if (prepare (&cfg) < 0)
    return -1;
  CHECK (find_mount (in_rootfs ("/proc", p), &m), "proc");
  CHECK (strcmp (m.fstype, "proc") == 0, "%s", m.fstype);
  CHECK (find_mount (in_rootfs ("/dev", p), &m), "dev");
  CHECK (strcmp (m.fstype, "tmpfs") == 0 && has_opt (m.opts, "nosuid")
             && has_opt (m.super, "size=65536k")
             && has_opt (m.super, "mode=755"),
         "dev %s %s", m.opts, m.super);
  CHECK (find_mount (in_rootfs ("/dev/pts", p), &m), "pts");
  CHECK (strcmp (m.fstype, "devpts") == 0 && has_opt (m.super, "gid=5")
             && has_opt (m.super, "ptmxmode=666"),
         "pts %s", m.super);
  CHECK (find_mount (in_rootfs ("/dev/shm", p), &m), "shm");
  CHECK (has_opt (m.opts, "nodev") && has_opt (m.opts, "noexec"), "%s",
         m.opts);
  CHECK (find_mount (in_rootfs ("/dev/mqueue", p), &m), "mqueue");
  CHECK (find_mount (in_rootfs ("/sys", p), &m), "sys");
  CHECK (has_opt (m.opts, "ro") && has_opt (m.opts, "nosuid"), "sys %s",
         m.opts);
  CHECK (find_mount (in_rootfs ("/sys/fs/cgroup", p), &m), "cgroup");
  if (strcmp (m.fstype, "tmpfs") == 0)
    {
      /* cgroup v1 / hybrid: one read-only entry per hierarchy. */
      struct stat st;
      CHECK (stat ("/sys/fs/cgroup/memory", &st) != 0
                 || (find_mount (in_rootfs ("/sys/fs/cgroup/memory", p), &m)
                     && has_opt (m.opts, "ro")
                     && strcmp (m.fstype, "cgroup") == 0),
             "memory %s %s", m.opts, m.fstype);
    }
  else
    CHECK (strcmp (m.fstype, "cgroup2") == 0 && has_opt (m.opts, "ro"),
           "cgroup %s %s", m.fstype, m.opts);
  /* Default devices and links (runtime-linux.md). */
  if (check_dev ("/dev/null", S_IFCHR, 1, 3, 0666, 0, 0) < 0
      || check_dev ("/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0) < 0
      || check_dev ("/dev/full", S_IFCHR, 1, 7, 0666, 0, 0) < 0
      || check_dev ("/dev/random", S_IFCHR, 1, 8, 0666, 0, 0) < 0
      || check_dev ("/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0) < 0
      || check_dev ("/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0) < 0
      || check_link ("/dev/ptmx", "pts/ptmx") < 0
      || check_link ("/dev/fd", "/proc/self/fd") < 0
      || check_link ("/dev/stdin", "/proc/self/fd/0") < 0
      || check_link ("/dev/stdout", "/proc/self/fd/1") < 0
      || check_link ("/dev/stderr", "/proc/self/fd/2") < 0)
    return -1;
  /* No terminal: no console mount point. */
  CHECK (access (in_rootfs ("/dev/console", p), F_OK) < 0, "console");
  return 0;
}

static void
test_standard_mounts (void **state)
{
  require_root ();
  assert_int_equal (in_child (standard_child, NULL), 0);
}

/* ---- symlinks in the rootfs never redirect a mount to the host ---------- */

static bool
is_mountpoint (const char *path)
{
  struct mnt m;
  return find_mount (path, &m);
}

static int
escape_child (void *arg)
{
  char evil_target[PATH_MAX + 32], p[PATH_MAX], q[PATH_MAX * 2 + 16];
  struct oci_mount mounts[] = {
    { .destination = "/evil", .type = "tmpfs", .source = "tmpfs" },
    { .destination = "/evil2/sub",
      .type = "bind",
      .source = "/etc",
      OPTS ("rbind", "ro") },
    { .destination = "/evil3", .type = "tmpfs", .source = "tmpfs" },
  };
  struct oci_config cfg = { .mounts = mounts, .mounts_len = 3 };
  struct stat st;

  /* /evil -> <hostdir> (absolute), /evil2 -> ../../../..<hostdir>,
     /evil3 -> /proc/self/cwd (a magic link if followed on the host). */
  CHECK (symlink (hostdir, in_rootfs ("/evil", p)) == 0, "%m");
  xsnprintf (evil_target, sizeof evil_target, "../../../../../..%s", hostdir);
  CHECK (symlink (evil_target, in_rootfs ("/evil2", p)) == 0, "%m");
  CHECK (symlink ("/proc/self/cwd", in_rootfs ("/evil3", p)) == 0, "%m");
  if (prepare (&cfg) < 0)
    return -1;
  CHECK (!is_mountpoint (hostdir), "host dir was mounted on");
  xsnprintf (q, sizeof q, "%s/sub", hostdir);
  CHECK (access (q, F_OK) < 0, "created %s on the host", q);
  xsnprintf (q, sizeof q, "%s/marker", hostdir);
  CHECK (access (q, F_OK) == 0, "host marker hidden");
  /* The mounts landed inside the rootfs instead. */
  xsnprintf (q, sizeof q, "%s%s", rootfs, hostdir);
  CHECK (is_mountpoint (q), "tmpfs not at %s", q);
  xsnprintf (q, sizeof q, "%s%s/sub", rootfs, hostdir);
  CHECK (is_mountpoint (q) && stat (q, &st) == 0, "bind not at %s", q);
  /* /proc of the rootfs is empty here: resolved to rootfs/proc/self/cwd. */
  CHECK (is_mountpoint (in_rootfs ("/proc/self/cwd", p)), "evil3");
  return 0;
}

static void
test_symlink_escape (void **state)
{
  require_root ();
  assert_int_equal (in_child (escape_child, NULL), 0);
}

/* ---- relative destinations (config.md: taken relative to "/") ----------- */

static int
relative_child (void *arg)
{
  char up[PATH_MAX + 32], p[PATH_MAX], q[PATH_MAX * 2 + 16];
  struct oci_mount mounts[] = {
    { .destination = "reltmp", .type = "tmpfs", .source = "tmpfs" },
    { .destination = "./a//b/", .type = "tmpfs", .source = "tmpfs" },
    /* Climbs with "..": stays inside the rootfs. */
    { .destination = up, .type = "tmpfs", .source = "tmpfs" },
    /* A relative "dev" is /dev: "ro" is applied after the nodes exist. */
    { .destination = "dev",
      .type = "tmpfs",
      .source = "tmpfs",
      OPTS ("nosuid", "mode=755", "ro") },
  };
  struct oci_config cfg = { .mounts = mounts, .mounts_len = 4 };
  struct mnt m;
  struct stat st;

  xsnprintf (up, sizeof up, "../../../../../..%s", hostdir);
  if (prepare (&cfg) < 0)
    return -1;
  CHECK (find_mount (in_rootfs ("/reltmp", p), &m)
             && strcmp (m.fstype, "tmpfs") == 0,
         "reltmp not at /reltmp");
  CHECK (is_mountpoint (in_rootfs ("/a/b", p)), "./a//b/ not at /a/b");
  CHECK (!is_mountpoint (hostdir), "host dir was mounted on");
  xsnprintf (q, sizeof q, "%s/marker", hostdir);
  CHECK (access (q, F_OK) == 0, "host marker hidden");
  xsnprintf (q, sizeof q, "%s%s", rootfs, hostdir);
  CHECK (is_mountpoint (q), "tmpfs not at %s", q);
  CHECK (find_mount (in_rootfs ("/dev", p), &m) && has_opt (m.opts, "ro"),
         "dev %s", m.opts);
  CHECK (lstat (in_rootfs ("/dev/null", p), &st) == 0 && S_ISCHR (st.st_mode),
         "/dev/null missing in a relative `dev` mount");
  return 0;
}

static void
test_relative_destination (void **state)
{
  require_root ();
  assert_int_equal (in_child (relative_child, NULL), 0);
}

/* ---- bind mounts -------------------------------------------------------- */

static int
bind_child (void *arg)
{
  char src[PATH_MAX + 16], file[PATH_MAX + 32], sub[PATH_MAX + 16];
  char p[PATH_MAX];
  struct mnt m;

  xsnprintf (src, sizeof src, "%s/src", tmp);
  xsnprintf (file, sizeof file, "%s/src/file", tmp);
  xsnprintf (sub, sizeof sub, "%s/src/sub", tmp);
  mkdir (src, 0755);
  /* A nosuid,nodev,noexec source: "ro" must not drop those. */
  CHECK (mount ("tmpfs", src, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                "size=1m")
             == 0,
         "%m");
  close (open (file, O_CREAT | O_WRONLY, 0644));
  mkdir (sub, 0755);
  CHECK (mount ("tmpfs", sub, "tmpfs", 0, "size=1m") == 0, "%m");

  struct oci_mount mounts[] = {
    { .destination = "/ro",
      .type = "bind",
      .source = src,
      OPTS ("bind", "ro") },
    { .destination = "/etc/file",
      .type = "bind",
      .source = file,
      OPTS ("bind") },
    { .destination = "/rec",
      .source = src,
      OPTS ("rbind", "rro", "rnosuid", "rnoatime") },
    { .destination = "/relsrc",
      .type = "bind",
      .source = "../host",
      OPTS ("rbind", "nosuid", "rprivate") },
  };
  struct oci_config cfg = { .mounts = mounts, .mounts_len = 4 };

  if (prepare (&cfg) < 0)
    return -1;
  CHECK (find_mount (in_rootfs ("/ro", p), &m), "ro");
  CHECK (has_opt (m.opts, "ro") && has_opt (m.opts, "nosuid")
             && has_opt (m.opts, "nodev") && has_opt (m.opts, "noexec"),
         "ro bind lost flags: %s", m.opts);
  /* Non-recursive bind: the submount isn't there. */
  CHECK (!is_mountpoint (in_rootfs ("/ro/sub", p)), "ro/sub");
  CHECK (find_mount (in_rootfs ("/etc/file", p), &m), "file bind");
  CHECK (has_opt (m.opts, "rw"), "%s", m.opts);
  /* rro etc. reach the submount. */
  CHECK (find_mount (in_rootfs ("/rec/sub", p), &m), "rec/sub");
  CHECK (has_opt (m.opts, "ro") && has_opt (m.opts, "nosuid")
             && has_opt (m.opts, "noatime"),
         "rec/sub %s", m.opts);
  /* The source's own mount is untouched. */
  CHECK (find_mount (sub, &m) && has_opt (m.opts, "rw")
             && !has_opt (m.opts, "nosuid"),
         "source changed: %s", m.opts);
  /* Relative source: from the bundle directory. */
  CHECK (find_mount (in_rootfs ("/relsrc", p), &m), "relsrc");
  CHECK (has_opt (m.opts, "nosuid") && strstr (m.optional, "shared") == NULL
             && strstr (m.optional, "master") == NULL,
         "relsrc %s [%s]", m.opts, m.optional);
  CHECK (access (in_rootfs ("/relsrc/marker", p), F_OK) == 0, "marker");
  return 0;
}

static void
test_bind_mounts (void **state)
{
  require_root ();
  assert_int_equal (in_child (bind_child, NULL), 0);
}

/* ---- propagation options ------------------------------------------------ */

static int
propagation_child (void *arg)
{
  struct oci_mount mounts[] = {
    { .destination = "/shared",
      .type = "tmpfs",
      .source = "tmpfs",
      OPTS ("rshared") },
    { .destination = "/unbindable",
      .type = "tmpfs",
      .source = "tmpfs",
      OPTS ("unbindable") },
  };
  struct oci_config cfg = { .mounts = mounts, .mounts_len = 2 };
  char p[PATH_MAX];
  struct mnt m;

  if (prepare (&cfg) < 0)
    return -1;
  CHECK (find_mount (in_rootfs ("/shared", p), &m), "shared");
  CHECK (strstr (m.optional, "shared:") != NULL, "[%s]", m.optional);
  CHECK (find_mount (in_rootfs ("/unbindable", p), &m), "unbindable");
  CHECK (strstr (m.optional, "unbindable") != NULL, "[%s]", m.optional);
  return 0;
}

static void
test_mount_propagation (void **state)
{
  require_root ();
  assert_int_equal (in_child (propagation_child, NULL), 0);
}

/* ---- devices ------------------------------------------------------------ */

static int
devices_child (void *arg)
{
  struct oci_mount mounts[] = {
    { .destination = "/dev",
      .type = "tmpfs",
      .source = "tmpfs",
      OPTS ("nosuid", "mode=755", "ro") },
  };
  struct oci_device devs[] = {
    { .type = OCI_DEVICE_CHAR,
      .path = "/dev/mynull",
      .major = { true, 1 },
      .minor = { true, 3 },
      .file_mode = { true, 0620 },
      .uid = { true, 1000 },
      .gid = { true, 1001 } },
    { .type = OCI_DEVICE_FIFO,
      .path = "/dev/myfifo",
      .file_mode = { true, 0600 } },
    { .type = OCI_DEVICE_BLOCK,
      .path = "/dev/sub/blk",
      .major = { true, 7 },
      .minor = { true, 0 },
      .file_mode = { true, 0640 } },
    /* Overrides the default /dev/null. */
    { .type = OCI_DEVICE_CHAR,
      .path = "/dev/null",
      .major = { true, 1 },
      .minor = { true, 3 },
      .file_mode = { true, 0600 } },
  };
  struct oci_linux lx = { .devices = devs, .devices_len = 4 };
  struct oci_process proc = { .terminal = { true, true } };
  struct oci_config cfg
      = { .mounts = mounts, .mounts_len = 1, .linux_ = &lx, .process = &proc };
  char p[PATH_MAX];
  struct mnt m;
  struct stat st;

  umask (022); /* fileMode must win over it */
  if (prepare (&cfg) < 0)
    return -1;
  if (check_dev ("/dev/mynull", S_IFCHR, 1, 3, 0620, 1000, 1001) < 0
      || check_dev ("/dev/myfifo", S_IFIFO, 0, 0, 0600, 0, 0) < 0
      || check_dev ("/dev/sub/blk", S_IFBLK, 7, 0, 0640, 0, 0) < 0
      || check_dev ("/dev/null", S_IFCHR, 1, 3, 0600, 0, 0) < 0
      || check_dev ("/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0) < 0)
    return -1;
  /* terminal: /dev/console exists as a mount point for the pty. */
  CHECK (lstat (in_rootfs ("/dev/console", p), &st) == 0
             && S_ISREG (st.st_mode),
         "console");
  /* "ro" on /dev applied after the nodes were made. */
  CHECK (find_mount (in_rootfs ("/dev", p), &m) && has_opt (m.opts, "ro"),
         "dev %s", m.opts);
  return 0;
}

static void
test_devices (void **state)
{
  require_root ();
  assert_int_equal (in_child (devices_child, NULL), 0);
}

/* ---- tmpcopyup ---------------------------------------------------------- */

static int
copyup_child (void *arg)
{
  struct oci_mount mounts[] = {
    { .destination = "/etc",
      .type = "tmpfs",
      .source = "tmpfs",
      OPTS ("tmpcopyup", "mode=755", "ro") },
  };
  struct oci_config cfg = { .mounts = mounts, .mounts_len = 1 };
  char p[PATH_MAX];
  struct mnt m;
  struct stat st;

  if (prepare (&cfg) < 0)
    return -1;
  CHECK (find_mount (in_rootfs ("/etc", p), &m), "etc");
  CHECK (strcmp (m.fstype, "tmpfs") == 0 && has_opt (m.opts, "ro"), "%s %s",
         m.fstype, m.opts);
  CHECK (stat (in_rootfs ("/etc/hostname", p), &st) == 0 && st.st_size == 5
             && (st.st_mode & 07777) == 0640,
         "hostname %o", st.st_mode);
  CHECK (stat (in_rootfs ("/etc/sub/deep", p), &st) == 0, "deep");
  return check_link ("/etc/link", "hostname");
}

static void
test_tmpcopyup (void **state)
{
  char p[PATH_MAX];

  require_root ();
  xwrite ("etc/hostname", "ctr1\n");
  chmod (in_rootfs ("/etc/hostname", p), 0640);
  xmkdir ("etc/sub");
  xwrite ("etc/sub/deep", "x");
  assert_int_equal (symlink ("hostname", in_rootfs ("/etc/link", p)), 0);
  assert_int_equal (in_child (copyup_child, NULL), 0);
}

/* ---- finalize: pivot_root, masked and read-only paths ------------------- */

struct finalize_args
{
  bool no_pivot;
  const char *propagation;
};

static int
finalize_child (void *arg)
{
  const struct finalize_args *a = arg;
  struct oci_mount mounts[] = {
    { .destination = "/proc", .type = "proc", .source = "proc" },
    { .destination = "/tmp", .type = "tmpfs", .source = "tmpfs" },
  };
  char *masked[]
      = { "/secret", "/secretdir", "/nonexistent", "/proc/version", NULL };
  char *ro[] = { "/rodir", "/nonexistent2", "/proc/sys", NULL };
  struct oci_linux lx = { .masked_paths = masked,
                          .masked_paths_len = 4,
                          .readonly_paths = ro,
                          .readonly_paths_len = 3,
                          .rootfs_propagation = (char *)a->propagation };
  struct oci_root root = { .path = "rootfs", .readonly = { true, true } };
  struct oci_config cfg
      = { .mounts = mounts, .mounts_len = 2, .linux_ = &lx, .root = &root };
  struct ocirun_container c = container_for (&cfg);
  struct ocirun_error err = { 0 };
  char buf[4096], cwd[PATH_MAX];
  struct mnt m;
  int fd;

  c.opts.no_pivot = a->no_pivot;
  if (ocirun_rootfs_prepare (&c, &err) < 0
      || ocirun_rootfs_finalize (&c, &err) < 0)
    {
      fprintf (stderr, "# %s\n", ocirun_error_text (&err, buf, sizeof buf));
      return -1;
    }
  CHECK (getcwd (cwd, sizeof cwd) && strcmp (cwd, "/") == 0, "cwd %s", cwd);
  /* The host is gone: only the rootfs's own files are visible. */
  CHECK (access ("/marker-of-rootfs", F_OK) == 0, "not in rootfs");
  CHECK (access (tmp, F_OK) < 0, "host tmp visible");
  /* Masked: the file reads empty, the directory is empty and read-only. */
  fd = open ("/secret", O_RDONLY);
  CHECK (fd >= 0 && read (fd, buf, sizeof buf) == 0, "secret readable");
  close (fd);
  CHECK (access ("/secretdir/x", F_OK) < 0, "secretdir not masked");
  CHECK (mkdir ("/secretdir/y", 0755) < 0 && errno == EROFS, "%m");
  fd = open ("/proc/version", O_RDONLY);
  CHECK (fd >= 0 && read (fd, buf, 16) == 0, "/proc/version: %m");
  close (fd);
  /* Read-only paths and root. */
  CHECK (open ("/rodir/new", O_CREAT | O_WRONLY, 0644) < 0 && errno == EROFS,
         "rodir writable: %m");
  CHECK (open ("/proc/sys/kernel/hostname", O_WRONLY) < 0 && errno == EROFS,
         "/proc/sys writable: %m");
  CHECK (open ("/newfile", O_CREAT | O_WRONLY, 0644) < 0 && errno == EROFS,
         "root writable: %m");
  CHECK (open ("/tmp/ok", O_CREAT | O_WRONLY, 0644) >= 0, "tmp: %m");
  CHECK (find_mount ("/", &m) && has_opt (m.opts, "ro"), "/ %s", m.opts);
  if (a->propagation && strcmp (a->propagation, "shared") == 0)
    CHECK (strstr (m.optional, "shared:") != NULL, "[%s]", m.optional);
  if (a->propagation && strcmp (a->propagation, "private") == 0)
    CHECK (m.optional[0] == '\0', "[%s]", m.optional);
  return 0;
}

static void
finalize_fixture (void)
{
  char p[PATH_MAX];

  xwrite ("marker-of-rootfs", "");
  xwrite ("secret", "s3cret");
  xmkdir ("secretdir");
  xwrite ("secretdir/x", "x");
  xmkdir ("rodir");
  (void)p;
}

static void
test_finalize_pivot (void **state)
{
  struct finalize_args a = { false, NULL };

  require_root ();
  finalize_fixture ();
  assert_int_equal (in_child (finalize_child, &a), 0);
}

static void
test_finalize_no_pivot (void **state)
{
  struct finalize_args a = { true, NULL };

  require_root ();
  finalize_fixture ();
  assert_int_equal (in_child (finalize_child, &a), 0);
}

static void
test_finalize_rootfs_propagation (void **state)
{
  static const char *const values[]
      = { "shared",  "rshared",  "slave",      "rslave",
          "private", "rprivate", "unbindable", "runbindable" };

  require_root ();
  finalize_fixture ();
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
    {
      struct finalize_args a = { false, values[i] };
      print_message ("# rootfsPropagation %s\n", values[i]);
      assert_int_equal (in_child (finalize_child, &a), 0);
    }
}

/* ---- cgroup v2 host ------------------------------------------------------
 */

/* A pure cgroup v2 host, simulated in the child's mount namespace by
 * mounting cgroup2 on /sys/fs/cgroup. */
static int
cgroup2_child (void *arg)
{
  bool cgroupns = arg != NULL;
  struct oci_mount mounts[] = {
    { .destination = "/sys/fs/cgroup",
      .type = "cgroup",
      .source = "cgroup",
      OPTS ("nosuid", "noexec", "nodev", "relatime", "ro") },
  };
  struct oci_namespace ns = { .type = OCI_NS_CGROUP };
  struct oci_linux lx = { .namespaces = &ns, .namespaces_len = 1 };
  struct oci_config cfg
      = { .mounts = mounts, .mounts_len = 1, .linux_ = cgroupns ? &lx : NULL };
  char p[PATH_MAX];
  struct mnt m;

  CHECK (mount ("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL) == 0,
         "cgroup2: %m");
  if (prepare (&cfg) < 0)
    return -1;
  CHECK (find_mount (in_rootfs ("/sys/fs/cgroup", p), &m), "not mounted");
  CHECK (strcmp (m.fstype, "cgroup2") == 0, "%s", m.fstype);
  CHECK (has_opt (m.opts, "ro") && has_opt (m.opts, "nosuid")
             && has_opt (m.opts, "noexec"),
         "%s", m.opts);
  CHECK (access (in_rootfs ("/sys/fs/cgroup/cgroup.procs", p), F_OK) == 0,
         "no cgroup.procs");
  return 0;
}

static void
test_cgroup2_host (void **state)
{
  require_root ();
  if (access ("/sys/fs/cgroup", F_OK) < 0)
    skip ();
  assert_int_equal (in_child (cgroup2_child, NULL), 0);
  assert_int_equal (in_child (cgroup2_child, (void *)1), 0);
}

/* ---- joined mount namespace: nothing to do ------------------------------ */

static int
joined_child (void *arg)
{
  struct oci_mount mounts[] = {
    { .destination = "/proc", .type = "proc", .source = "proc" },
  };
  struct oci_config cfg = { .mounts = mounts, .mounts_len = 1 };
  struct ocirun_container c = container_for (&cfg);
  struct ocirun_error err = { 0 };
  char p[PATH_MAX], cwd[64];

  c.new_mountns = false;
  CHECK (ocirun_rootfs_prepare (&c, &err) == 0, "%s", err.msg);
  CHECK (!is_mountpoint (in_rootfs ("/proc", p)), "mounted");
  CHECK (ocirun_rootfs_finalize (&c, &err) == 0, "%s", err.msg);
  CHECK (getcwd (cwd, sizeof cwd) && strcmp (cwd, "/") == 0, "cwd");
  return 0;
}

static void
test_joined_mountns (void **state)
{
  require_root ();
  assert_int_equal (in_child (joined_child, NULL), 0);
}

/* ---- idmapped mounts ---------------------------------------------------- */

static int
idmap_child (void *arg)
{
  char src[PATH_MAX + 16], file[PATH_MAX + 32], p[PATH_MAX];
  struct oci_id_mapping map
      = { .container_id = 0, .host_id = 100000, .size = 65536 };
  struct stat st;

  xsnprintf (src, sizeof src, "%s/idsrc", tmp);
  xsnprintf (file, sizeof file, "%s/idsrc/owned-by-1", tmp);
  mkdir (src, 0755);
  CHECK (mount ("tmpfs", src, "tmpfs", 0, "size=1m") == 0, "%m");
  close (open (file, O_CREAT | O_WRONLY, 0644));
  CHECK (chown (file, 1, 1) == 0, "%m");

  struct oci_mount mounts[] = {
    { .destination = "/idmapped",
      .type = "bind",
      .source = src,
      OPTS ("bind", "idmap"),
      .uid_mappings = &map,
      .uid_mappings_len = 1,
      .gid_mappings = &map,
      .gid_mappings_len = 1 },
  };
  struct oci_config cfg = { .mounts = mounts, .mounts_len = 1 };

  if (prepare (&cfg) < 0)
    return 3;
  /* On-disk uid 1 is container uid 1, i.e. host uid 100001. */
  CHECK (stat (in_rootfs ("/idmapped/owned-by-1", p), &st) == 0, "%m");
  CHECK (st.st_uid == 100001 && st.st_gid == 100001, "owner %u:%u", st.st_uid,
         st.st_gid);
  CHECK (stat (file, &st) == 0 && st.st_uid == 1, "source changed");
  return 0;
}

static void
test_idmapped_mount (void **state)
{
  require_root ();
  assert_int_equal (in_child (idmap_child, NULL), 0);
}

/* With a user namespace the child can't idmap a host filesystem: the
 * parent prepares the tree, the child (in its user and mount namespaces)
 * only attaches it. */
static int
userns_grandchild (int ready_w, int mapped_r, const char *file)
{
  struct oci_id_mapping map = { 0, 100000, 65536 };
  struct oci_mount mounts[] = {
    { .destination = "/idmapped",
      .type = "bind",
      .source = (char *)file,
      OPTS ("bind", "ro"),
      .uid_mappings = &map,
      .uid_mappings_len = 1,
      .gid_mappings = &map,
      .gid_mappings_len = 1 },
  };
  struct oci_config cfg = { .mounts = mounts, .mounts_len = 1 };
  struct ocirun_container c = container_for (&cfg);
  struct ocirun_error err = { 0 };
  char p[PATH_MAX], x;
  struct stat st;
  struct mnt m;

  CHECK (unshare (CLONE_NEWUSER) == 0, "%m");
  CHECK (write (ready_w, "r", 1) == 1 && read (mapped_r, &x, 1) == 1, "sync");
  CHECK (unshare (CLONE_NEWNS) == 0, "%m");
  c.new_userns = true;
  /* Only attaching: no mounts of our own that need more. */
  CHECK (ocirun_rootfs_prepare (&c, &err) == 0, "%s", err.msg);
  CHECK (stat (in_rootfs ("/idmapped/owned-by-1", p), &st) == 0, "%m");
  CHECK (st.st_uid == 1 && st.st_gid == 1, "owner %u:%u", st.st_uid,
         st.st_gid);
  CHECK (find_mount (in_rootfs ("/idmapped", p), &m) && has_opt (m.opts, "ro")
             && has_opt (m.opts, "idmapped"),
         "%s", m.opts);
  return 0;
}

static int
idmap_userns_child (void *arg)
{
  char src[PATH_MAX + 16], file[PATH_MAX + 32], buf[64];
  struct oci_id_mapping map = { 0, 100000, 65536 };
  int ready[2], mapped[2], status, fd;
  pid_t pid;

  xsnprintf (src, sizeof src, "%s/idsrc", tmp);
  xsnprintf (file, sizeof file, "%s/idsrc/owned-by-1", tmp);
  mkdir (src, 0755);
  CHECK (mount ("tmpfs", src, "tmpfs", 0, "size=1m,mode=755") == 0, "%m");
  close (open (file, O_CREAT | O_WRONLY, 0644));
  CHECK (chown (file, 1, 1) == 0, "%m");
  /* The mapped root must reach the rootfs. */
  chmod (tmp, 0755);

  struct oci_mount mounts[] = {
    { .destination = "/idmapped",
      .type = "bind",
      .source = src,
      OPTS ("bind", "ro"),
      .uid_mappings = &map,
      .uid_mappings_len = 1,
      .gid_mappings = &map,
      .gid_mappings_len = 1 },
  };
  struct oci_config cfg = { .mounts = mounts, .mounts_len = 1 };
  struct ocirun_container c = container_for (&cfg);
  struct ocirun_error err = { 0 };

  CHECK (ocirun_rootfs_prepare_parent (&c, &err) == 0, "%s", err.msg);
  CHECK (pipe (ready) == 0 && pipe (mapped) == 0, "%m");
  pid = fork ();
  if (pid == 0)
    _exit (userns_grandchild (ready[1], mapped[0], src) == 0 ? 0 : 1);
  ocirun_rootfs_parent_done ();
  CHECK (read (ready[0], buf, 1) == 1, "grandchild");
  for (int i = 0; i < 2; i++)
    {
      char path[64];
      xsnprintf (path, sizeof path, "/proc/%d/%s", pid,
                 i ? "gid_map" : "uid_map");
      fd = open (path, O_WRONLY);
      CHECK (fd >= 0 && write (fd, "0 100000 65536\n", 15) == 15, "%s: %m",
             path);
      close (fd);
    }
  CHECK (write (mapped[1], "m", 1) == 1, "sync");
  CHECK (waitpid (pid, &status, 0) == pid && WIFEXITED (status)
             && WEXITSTATUS (status) == 0,
         "grandchild failed");
  return 0;
}

static void
test_idmapped_mount_userns (void **state)
{
  require_root ();
  assert_int_equal (in_child (idmap_userns_child, NULL), 0);
}

/* ---- validation (parent side, nothing touched) -------------------------- */

static void
expect_invalid (struct oci_config *cfg, const char *needle)
{
  struct ocirun_error err = { 0 };
  char bundle[PATH_MAX];

  xsnprintf (bundle, sizeof bundle, "%s/bundle", tmp);
  assert_int_equal (ocirun_rootfs_validate (cfg, bundle, &err), -1);
  print_message ("# %s\n", err.msg);
  assert_non_null (strstr (err.msg, needle));
}

static void
test_validate (void **state)
{
  struct oci_root root = { .path = "rootfs" };
  struct oci_root missing = { .path = "nope" };
  struct oci_mount relative[] = {
    { .destination = "/ok", .type = "tmpfs" },
    { .destination = "mnt", .type = "tmpfs" },
  };
  struct oci_mount empty[] = { { .destination = "", .type = "tmpfs" } };
  struct oci_mount unknown[] = {
    { .destination = "/x",
      .type = "bind",
      .source = "/tmp",
      OPTS ("rbind", "nosiud") },
  };
  struct oci_mount notype[] = { { .destination = "/x", .source = "x" } };
  struct oci_mount nosrc[] = { { .destination = "/x", OPTS ("rbind") } };
  struct oci_mount idmap_tmpfs[] = {
    { .destination = "/x", .type = "tmpfs", OPTS ("idmap") },
  };
  struct oci_mount good[] = {
    { .destination = "/x", .type = "tmpfs", OPTS ("size=1k", "rro") },
  };
  char *rel[] = { "/ok", "proc/kcore", NULL };
  struct oci_linux badprop = { .rootfs_propagation = "sideways" };
  struct oci_linux badmask = { .masked_paths = rel, .masked_paths_len = 2 };
  struct oci_device dev = { .type = OCI_DEVICE_CHAR, .path = "/dev/x" };
  struct oci_linux baddev = { .devices = &dev, .devices_len = 1 };
  struct oci_config cfg = { .root = &root };
  struct ocirun_error err = { 0 };
  char bundle[PATH_MAX];

  xsnprintf (bundle, sizeof bundle, "%s/bundle", tmp);
  assert_int_equal (ocirun_rootfs_validate (&cfg, bundle, &err), 0);
  cfg.mounts = good;
  cfg.mounts_len = 1;
  assert_int_equal (ocirun_rootfs_validate (&cfg, bundle, &err), 0);

  cfg.root = &missing;
  expect_invalid (&cfg, "root.path");
  cfg.root = &root;
  /* config.md: relative destinations are deprecated but valid. */
  cfg.mounts = relative;
  cfg.mounts_len = 2;
  assert_int_equal (ocirun_rootfs_validate (&cfg, bundle, &err), 0);
  cfg.mounts = empty;
  cfg.mounts_len = 1;
  expect_invalid (&cfg, "config.json: mounts[0].destination");
  cfg.mounts = unknown;
  cfg.mounts_len = 1;
  expect_invalid (&cfg, "config.json: mounts[0].options[1]");
  cfg.mounts = notype;
  expect_invalid (&cfg, "mounts[0].type");
  cfg.mounts = nosrc;
  expect_invalid (&cfg, "mounts[0].source");
  cfg.mounts = idmap_tmpfs;
  expect_invalid (&cfg, "mounts[0].options");
  cfg.mounts = good;
  cfg.linux_ = &badprop;
  expect_invalid (&cfg, "linux.rootfsPropagation");
  cfg.linux_ = &badmask;
  expect_invalid (&cfg, "linux.maskedPaths[1]");
  cfg.linux_ = &baddev;
  expect_invalid (&cfg, "linux.devices[0]");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_validate, setup, teardown),
    cmocka_unit_test_setup_teardown (test_standard_mounts, setup, teardown),
    cmocka_unit_test_setup_teardown (test_symlink_escape, setup, teardown),
    cmocka_unit_test_setup_teardown (test_relative_destination, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_bind_mounts, setup, teardown),
    cmocka_unit_test_setup_teardown (test_mount_propagation, setup, teardown),
    cmocka_unit_test_setup_teardown (test_devices, setup, teardown),
    cmocka_unit_test_setup_teardown (test_tmpcopyup, setup, teardown),
    cmocka_unit_test_setup_teardown (test_finalize_pivot, setup, teardown),
    cmocka_unit_test_setup_teardown (test_finalize_no_pivot, setup, teardown),
    cmocka_unit_test_setup_teardown (test_finalize_rootfs_propagation, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_cgroup2_host, setup, teardown),
    cmocka_unit_test_setup_teardown (test_joined_mountns, setup, teardown),
    cmocka_unit_test_setup_teardown (test_idmapped_mount, setup, teardown),
    cmocka_unit_test_setup_teardown (test_idmapped_mount_userns, setup,
                                     teardown),
  };

  cmocka_set_message_output (CM_OUTPUT_TAP);
  return cmocka_run_group_tests (tests, NULL, NULL);
}
