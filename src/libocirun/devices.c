/* devices.c - device nodes and symlinks of the container's /dev. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "libocirun/compat.h"
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "libocirun/cleanup.h"
#include "libocirun/devices.h"
#include "libocirun/log.h"
#include "libocirun/mounts.h"
#include "libocirun/path_resolve.h"

/* runtime-linux.md "Default Devices"; /dev/console and /dev/ptmx are
 * handled separately. */
static const struct
{
  const char *path;
  unsigned int major, minor;
} default_devices[] = {
  { "/dev/null", 1, 3 },   { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
  { "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

/* A device to create: a default one or a linux.devices entry. */
struct node
{
  const char *path;
  mode_t type; /* S_IFCHR, S_IFBLK, S_IFIFO */
  dev_t dev;
  mode_t mode; /* permission bits, applied exactly */
  uid_t uid;
  gid_t gid;
};

static mode_t
device_type (enum oci_device_type t)
{
  switch (t)
    {
    case OCI_DEVICE_CHAR:
    case OCI_DEVICE_UNBUFFERED:
      return S_IFCHR;
    case OCI_DEVICE_BLOCK:
      return S_IFBLK;
    case OCI_DEVICE_FIFO:
      return S_IFIFO;
    default:
      return 0;
    }
}

/* In a user namespace mknod is refused: bind the host's node (same path)
 * onto an empty file instead. */
static int
bind_node (int parentfd, const char *base, const struct node *n,
           struct ocirun_error *err)
{
  cleanup_close int treefd = -1;
  cleanup_close int target = -1;

  if (mknodat (parentfd, base, S_IFREG | 0000, 0) < 0 && errno != EEXIST)
    return ocirun_error_errno (err, "create `%s`", n->path);
  target = openat (parentfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target < 0)
    return ocirun_error_errno (err, "open `%s`", n->path);
  treefd = open_tree (AT_FDCWD, n->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (treefd < 0)
    return ocirun_error_errno (err, "open host device `%s`", n->path);
  if (ocirun_move_mount_fd (treefd, target) < 0)
    return ocirun_error_errno (err, "bind host device `%s`", n->path);
  return 0;
}

/* Nearly every node lives directly in /dev: reuse its fd then. */
static bool
directly_in_dev (const char *path)
{
  const char *name = path + 5;

  return strncmp (path, "/dev/", 5) == 0 && *name && !strchr (name, '/')
         && strcmp (name, ".") != 0 && strcmp (name, "..") != 0;
}

static const char *
describe_file (const struct stat *st, char *buf, size_t len)
{
  switch (st->st_mode & S_IFMT)
    {
    case S_IFCHR:
    case S_IFBLK:
      snprintf (buf, len, "a %s device %u:%u",
                S_ISCHR (st->st_mode) ? "character" : "block",
                major (st->st_rdev), minor (st->st_rdev));
      return buf;
    case S_IFIFO:
      return "a fifo";
    case S_IFREG:
      return "a regular file";
    case S_IFDIR:
      return "a directory";
    case S_IFLNK:
      return "a symlink";
    case S_IFSOCK:
      return "a socket";
    default:
      return "an unknown file type";
    }
}

/* config-linux.md "Devices": "If a file already exists at path that does
 * not match the requested device, the runtime MUST generate an error".
 * 0 if nothing is at name, 1 if the same kind of node (and for character
 * and block devices the same major:minor) is there already, < 0 with
 * "config.json: linux.devices[index]: ..." otherwise. */
static int
check_existing (int parentfd, const char *name, const struct node *n,
                size_t index, struct ocirun_error *err)
{
  struct stat st;
  char what[64];

  if (fstatat (parentfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    {
      if (errno == ENOENT)
        return 0;
      return ocirun_error_errno (err,
                                 "config.json: linux.devices[%zu]: "
                                 "stat `%s`",
                                 index, n->path);
    }
  if ((st.st_mode & S_IFMT) == n->type
      && (n->type == S_IFIFO || st.st_rdev == n->dev))
    {
      ocirun_debug ("device `%s` already exists, keeping it", n->path);
      return 1;
    }
  return ocirun_error_set (err, EEXIST,
                           "config.json: linux.devices[%zu]: `%s` already "
                           "exists and is not the requested device (it is "
                           "%s)",
                           index, n->path,
                           describe_file (&st, what, sizeof what));
}

/* index: the linux.devices entry, or DEFAULT_NODE for a default device
 * (whatever the image has at its path is kept). */
#define DEFAULT_NODE ((size_t)-1)

static int
create_node (int rootfd, int devfd, const struct node *n, size_t index,
             bool userns, struct ocirun_error *err)
{
  cleanup_close int own = -1;
  char base[NAME_MAX + 1];
  int parentfd = devfd;
  const char *name = n->path + 5;
  int r;

  if (!directly_in_dev (n->path))
    {
      own = ocirun_path_open_parent_in_root (rootfd, n->path, 1, base,
                                             sizeof base, err);
      if (own < 0)
        return -1;
      parentfd = own;
      name = base;
    }
  if (index != DEFAULT_NODE
      && (r = check_existing (parentfd, name, n, index, err)) != 0)
    return r < 0 ? -1 : 0;
  if (userns && n->type != S_IFIFO)
    return bind_node (parentfd, name, n, err);
  if (mknodat (parentfd, name, n->type | n->mode, n->dev) < 0)
    {
      /* Already there (an image's /dev, a repeated entry): keep it, as
         runc does.  Refused (e.g. in a restricted parent): bind. */
      if (errno == EEXIST)
        return 0;
      if (errno == EPERM && n->type != S_IFIFO)
        return bind_node (parentfd, name, n, err);
      return ocirun_error_errno (err, "mknod `%s`", n->path);
    }
  if ((n->uid || n->gid)
      && fchownat (parentfd, name, n->uid, n->gid, AT_SYMLINK_NOFOLLOW) < 0)
    return ocirun_error_errno (err, "chown `%s`", n->path);
  return 0;
}

static bool
configured (const struct oci_linux *l, const char *path)
{
  for (size_t i = 0; l && i < l->devices_len; i++)
    if (l->devices[i].path && strcmp (l->devices[i].path, path) == 0)
      return true;
  return false;
}

static int
create_devices (int rootfd, int devfd, const struct oci_config *cfg,
                bool userns, struct ocirun_error *err)
{
  const struct oci_linux *l = cfg->linux_;

  for (size_t i = 0; i < sizeof default_devices / sizeof default_devices[0];
       i++)
    {
      struct node n
          = { default_devices[i].path,
              S_IFCHR,
              makedev (default_devices[i].major, default_devices[i].minor),
              0666,
              0,
              0 };
      if (!configured (l, n.path)
          && create_node (rootfd, devfd, &n, DEFAULT_NODE, userns, err) < 0)
        return -1;
    }
  for (size_t i = 0; l && i < l->devices_len; i++)
    {
      const struct oci_device *d = &l->devices[i];
      struct node n = {
        d->path,
        device_type (d->type),
        makedev (d->major.set ? d->major.value : 0,
                 d->minor.set ? d->minor.value : 0),
        d->file_mode.set ? d->file_mode.value & 07777 : 0666,
        d->uid.set ? d->uid.value : 0,
        d->gid.set ? d->gid.value : 0,
      };
      if (create_node (rootfd, devfd, &n, i, userns, err) < 0)
        return -1;
    }
  return 0;
}

/* symlinkat() inside /dev, keeping whatever is already there. */
static int
dev_symlink (int devfd, const char *target, const char *name,
             struct ocirun_error *err)
{
  if (symlinkat (target, devfd, name) < 0 && errno != EEXIST)
    return ocirun_error_errno (err, "symlink `/dev/%s` -> `%s`", name, target);
  return 0;
}

static int
dev_links (int devfd, bool terminal, struct ocirun_error *err)
{
  static const char *const links[][2] = {
    { "/proc/self/fd", "fd" },
    { "/proc/self/fd/0", "stdin" },
    { "/proc/self/fd/1", "stdout" },
    { "/proc/self/fd/2", "stderr" },
  };

  /* runtime-linux.md: /dev/ptmx is the devpts instance's ptmx. */
  if (unlinkat (devfd, "ptmx", 0) < 0 && errno != ENOENT)
    return ocirun_error_errno (err, "remove `/dev/ptmx`");
  if (dev_symlink (devfd, "pts/ptmx", "ptmx", err) < 0)
    return -1;
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
    if (dev_symlink (devfd, links[i][0], links[i][1], err) < 0)
      return -1;
  if (access ("/proc/kcore", F_OK) == 0
      && dev_symlink (devfd, "/proc/kcore", "core", err) < 0)
    return -1;
  /* The engine bind-mounts the pty here (ocirun_rootfs_mount_console). */
  if (terminal && mknodat (devfd, "console", S_IFREG | 0666, 0) < 0
      && errno != EEXIST)
    return ocirun_error_errno (err, "create `/dev/console`");
  return 0;
}

static bool
dev_is_bind_mounted (const struct oci_config *cfg)
{
  for (size_t i = 0; i < cfg->mounts_len; i++)
    {
      const struct oci_mount *m = &cfg->mounts[i];
      bool bind = m->type && strcmp (m->type, "bind") == 0;

      if (!ocirun_mount_dest_is (m->destination, "/dev"))
        continue;
      for (size_t j = 0; j < m->options_len && !bind; j++)
        bind = strcmp (m->options[j], "bind") == 0
               || strcmp (m->options[j], "rbind") == 0;
      if (bind)
        return true;
    }
  return false;
}

int
ocirun_devices_setup (int rootfd, const struct oci_config *cfg, bool userns,
                      bool terminal, struct ocirun_error *err)
{
  cleanup_close int devfd = -1;
  mode_t old;
  int r;

  /* A bind-mounted /dev is the host's (or a prepared) tree: leave it. */
  if (dev_is_bind_mounted (cfg))
    return 0;
  devfd = ocirun_path_open_in_root (rootfd, "/dev", OCIRUN_PATH_MKDIR, err);
  if (devfd < 0)
    return -1;
  old = umask (0); /* fileMode is applied exactly */
  r = create_devices (rootfd, devfd, cfg, userns, err);
  umask (old);
  if (r < 0)
    return -1;
  return dev_links (devfd, terminal, err);
}

int
ocirun_devices_validate (const struct oci_config *cfg,
                         struct ocirun_error *err)
{
  const struct oci_linux *l = cfg->linux_;

  for (size_t i = 0; l && i < l->devices_len; i++)
    {
      const struct oci_device *d = &l->devices[i];

      if (d->path == NULL || d->path[0] != '/')
        return ocirun_error_set (err, EINVAL,
                                 "config.json: linux.devices[%zu].path: "
                                 "must be an absolute path",
                                 i);
      if (device_type (d->type) == 0)
        return ocirun_error_set (err, EINVAL,
                                 "config.json: linux.devices[%zu].type: "
                                 "must be one of c, b, u, p",
                                 i);
      if (d->type != OCI_DEVICE_FIFO && (!d->major.set || !d->minor.set))
        return ocirun_error_set (err, EINVAL,
                                 "config.json: linux.devices[%zu]: major "
                                 "and minor are required for type %s",
                                 i, d->type == OCI_DEVICE_BLOCK ? "b" : "c");
      if ((d->major.set && (d->major.value < 0 || d->major.value > 0xfff))
          || (d->minor.set
              && (d->minor.value < 0 || d->minor.value > 0xfffff)))
        return ocirun_error_set (err, EINVAL,
                                 "config.json: linux.devices[%zu]: major "
                                 "or minor out of range",
                                 i);
    }
  return 0;
}
