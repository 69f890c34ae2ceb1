/* masked_paths.c - hide (maskedPaths) or freeze (readonlyPaths) parts of
 * the container's tree, all through fds: no dependency on the container
 * having /proc mounted. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include "libocirun/compat.h"
#include <sys/stat.h>
#include <unistd.h>

#include "libocirun/cleanup.h"
#include "libocirun/log.h"
#include "libocirun/masked_paths.h"
#include "libocirun/mounts.h"
#include "libocirun/path_resolve.h"

/* Open path inside the root; 0 (and *fd = -1) if it doesn't exist. */
static int
open_existing (int rootfd, const char *path, int *fd, struct ocirun_error *err)
{
  *fd = ocirun_path_open_in_root (rootfd, path, OCIRUN_PATH_NOCREATE, err);
  if (*fd >= 0)
    return 0;
  if (err->errnum == ENOENT)
    {
      ocirun_debug ("`%s` does not exist, skipped", path);
      return 0;
    }
  return -1;
}

static int
readonly_one (int rootfd, const char *path, struct ocirun_error *err)
{
  cleanup_close int fd = -1;
  cleanup_close int treefd = -1;

  if (open_existing (rootfd, path, &fd, err) < 0)
    return -1;
  if (fd < 0)
    return 0;
  treefd = open_tree (fd, "",
                      AT_EMPTY_PATH | AT_RECURSIVE | OPEN_TREE_CLONE
                          | OPEN_TREE_CLOEXEC);
  if (treefd < 0)
    return ocirun_error_errno (err, "bind");
  /* Recursive: a submount can't be a way around the read-only path. */
  if (ocirun_mount_setattr_fd (treefd, true, MOUNT_ATTR_RDONLY, 0) < 0)
    return ocirun_error_errno (err, "make read-only");
  if (ocirun_move_mount_fd (treefd, fd) < 0)
    return ocirun_error_errno (err, "move_mount");
  return 0;
}

int
ocirun_readonly_paths_apply (int rootfd, char *const *paths, size_t n,
                             struct ocirun_error *err)
{
  for (size_t i = 0; i < n; i++)
    if (readonly_one (rootfd, paths[i], err) < 0)
      return ocirun_error_prefix (err, "readonly path `%s`", paths[i]);
  return 0;
}

static int
mask_dir (int fd, const char *label)
{
  cleanup_close int fsfd = -1;
  cleanup_close int mfd = -1;

  if (label == NULL)
    return ocirun_mount_empty_ro_tmpfs (fd);
  fsfd = fsopen ("tmpfs", FSOPEN_CLOEXEC);
  if (fsfd < 0)
    return -1;
  if (fsconfig (fsfd, FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0
      || fsconfig (fsfd, FSCONFIG_SET_STRING, "size", "0", 0) < 0
      || fsconfig (fsfd, FSCONFIG_SET_STRING, "context", label, 0) < 0
      || fsconfig (fsfd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0
      || fsconfig (fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  mfd = fsmount (fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
  if (mfd < 0)
    return -1;
  return ocirun_move_mount_fd (mfd, fd);
}

/* The /dev/null source: a detached clone made before pivot_root (the
 * host's node can't be cloned once the old root is gone).  The first
 * masked file gets the clone itself; later ones clone it again, which
 * works once it is attached. */
static int
bind_null (int *nulltree, bool *attached, int fd)
{
  cleanup_close int treefd = -1;

  if (!*attached)
    {
      if (ocirun_move_mount_fd (*nulltree, fd) < 0)
        return -1;
      *attached = true;
      return 0;
    }
  treefd = open_tree (*nulltree, "",
                      AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (treefd < 0)
    return -1;
  return ocirun_move_mount_fd (treefd, fd);
}

static int
mask_one (int rootfd, int *nulltree, bool *attached, const char *path,
          const char *label, struct ocirun_error *err)
{
  cleanup_close int fd = -1;
  struct stat st;

  if (open_existing (rootfd, path, &fd, err) < 0)
    return -1;
  if (fd < 0)
    return 0;
  if (fstat (fd, &st) < 0)
    return ocirun_error_errno (err, "stat");
  if (S_ISDIR (st.st_mode))
    {
      if (mask_dir (fd, label) < 0)
        return ocirun_error_errno (err, "mount tmpfs");
      return 0;
    }
  if (bind_null (nulltree, attached, fd) < 0)
    return ocirun_error_errno (err, "bind /dev/null");
  return 0;
}

int
ocirun_masked_paths_open_null (void)
{
  return open_tree (AT_FDCWD, "/dev/null",
                    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
}

/* Fallback when the host's node couldn't be cloned (e.g. "/" made
 * runbindable): the container's own /dev/null, if it is one. */
static int
container_null (int rootfd, struct ocirun_error *err)
{
  cleanup_close int fd = ocirun_path_open_in_root (rootfd, "/dev/null",
                                                   OCIRUN_PATH_NOCREATE, err);
  struct stat st;
  int treefd;

  if (fd < 0)
    return ocirun_error_prefix (err, "no /dev/null to mask files with");
  if (fstat (fd, &st) < 0 || !S_ISCHR (st.st_mode))
    return ocirun_error_set (err, ENODEV, "`/dev/null` is not a device");
  treefd = open_tree (fd, "",
                      AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (treefd < 0)
    return ocirun_error_errno (err, "clone `/dev/null`");
  return treefd;
}

int
ocirun_masked_paths_apply (int rootfd, int nulltree, char *const *paths,
                           size_t n, const char *label,
                           struct ocirun_error *err)
{
  cleanup_close int own = -1;
  bool attached = false;

  if (nulltree < 0 && n > 0)
    {
      own = container_null (rootfd, err);
      if (own < 0)
        return -1;
      nulltree = own;
    }
  for (size_t i = 0; i < n; i++)
    if (mask_one (rootfd, &nulltree, &attached, paths[i], label, err) < 0)
      return ocirun_error_prefix (err, "masked path `%s`", paths[i]);
  return 0;
}
