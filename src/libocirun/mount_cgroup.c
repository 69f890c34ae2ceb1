/* mount_cgroup.c - `type: cgroup` mounts: the container's view of its own
 * cgroups, like runc gives it.
 *
 * cgroup v2 host: a cgroup2 mount when the container has a cgroup
 * namespace (the kernel roots it at the namespace), else a bind of the
 * container's own cgroup directory.
 *
 * cgroup v1 / hybrid host: a tmpfs at the destination with one directory
 * per v1 hierarchy holding the container's cgroup of that hierarchy (a
 * cgroup mount inside a cgroup namespace, else a bind of the host
 * directory), plus "cpu -> cpu,cpuacct" style symlinks for co-mounted
 * controllers.  As runc and crun do, the v2 part of a hybrid host
 * (/sys/fs/cgroup/unified) is not exposed.
 *
 * The kernel may refuse the cgroup mount inside a cgroup namespace (one
 * owned by another user namespace than the container's, e.g. a joined
 * one).  The fallback binds the container's own directory, whose host
 * path comes from the cgroup area (ocirun_cgroup_path): inside the
 * namespace /proc/self/cgroup is relative to the namespace root and
 * would name the wrong directory (for a new namespace "/", the whole
 * hierarchy).  A hierarchy whose directory is unknown is left empty
 * rather than exposed. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libocirun/compat.h"
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "libocirun/cgroup.h"
#include "libocirun/cleanup.h"
#include "libocirun/log.h"
#include "libocirun/mounts.h"
#include "libocirun/path_resolve.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

/* Whole small /proc file into a NUL-terminated malloc'd buffer. */
static char *
read_proc_file (const char *path)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  size_t cap = 8192, len = 0;
  char *buf = NULL;

  if (fd < 0)
    return NULL;
  for (;;)
    {
      char *n = realloc (buf, cap + 1);
      ssize_t r;

      if (n == NULL)
        break;
      buf = n;
      r = read (fd, buf + len, cap - len);
      if (r < 0)
        break;
      if (r == 0)
        {
          buf[len] = '\0';
          return buf;
        }
      len += r;
      if (len == cap)
        cap *= 2;
    }
  free (buf);
  return NULL;
}

/* This process's cgroup path for the hierarchy whose /proc/self/cgroup
 * controller field is ctrl ("" for v2), pointing into buf; NULL if not
 * found. */
static const char *
own_cgroup_path (char *cgroup_file, const char *ctrl)
{
  for (char *line = cgroup_file; line && *line;)
    {
      char *next = strchr (line, '\n');
      char *c1 = strchr (line, ':');
      char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;

      if (next)
        *next++ = '\0';
      if (c2 && (size_t)(c2 - c1 - 1) == strlen (ctrl)
          && strncmp (c1 + 1, ctrl, c2 - c1 - 1) == 0)
        return c2 + 1;
      line = next;
    }
  return NULL;
}

/* ---- cgroup v2 ---------------------------------------------------------- */

static int
bind_cgroup_dir (const char *host_dir, const struct ocirun_mount_opts *o,
                 int destfd)
{
  cleanup_close int treefd = open_tree (
      AT_FDCWD, host_dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  struct ocirun_mount_opts only_add = *o;
  uint64_t set, clr;

  if (treefd < 0)
    return -1;
  only_add.cleared = 0; /* never lift the host's restrictions */
  ocirun_mount_opts_bind_attrs (&only_add, &set, &clr);
  if ((set | clr) && ocirun_mount_setattr_fd (treefd, false, set, clr) < 0)
    return -1;
  return ocirun_move_mount_fd (treefd, destfd);
}

static int
mount_cgroup_v2 (struct ocirun_mount_ctx *ctx,
                 const struct ocirun_mount_opts *o, int destfd,
                 struct ocirun_error *err)
{
  cleanup_free char *cg = NULL;
  cleanup_free char *dir = NULL;
  const char *path;

  if (ctx->cgroupns)
    {
      if (ocirun_mount_on_fd ("cgroup2", destfd, "cgroup2", o->flags, o->data)
          == 0)
        return 0;
      if (errno != EPERM && errno != EBUSY)
        return ocirun_error_errno (err, "mount cgroup2");
      ocirun_debug ("mount cgroup2: %m, binding the container's cgroup");
    }
  path = ocirun_cgroup_path (ctx->container, NULL);
  if (path == NULL && ctx->cgroupns)
    {
      ocirun_debug ("cgroup2: no cgroup directory of the container known, "
                    "`%s` left empty",
                    CGROUP_ROOT);
      return 0;
    }
  if (path == NULL)
    {
      /* No cgroup of its own (rootless): the one it runs in. */
      cg = read_proc_file ("/proc/self/cgroup");
      path = cg ? own_cgroup_path (cg, "") : NULL;
      if (asprintf (&dir, CGROUP_ROOT "%s", path ? path : "") < 0)
        return ocirun_error_errno (err, "cgroup path");
      path = dir;
    }
  if (bind_cgroup_dir (path, o, destfd) < 0)
    return ocirun_error_errno (err, "bind `%s`", path);
  return 0;
}

/* ---- cgroup v1 ---------------------------------------------------------- */

/* One v1 hierarchy as the host mounts it. */
struct v1_hierarchy
{
  const char *name;  /* basename of the mount point: "cpu,cpuacct" */
  const char *root;  /* root of the mount inside the hierarchy */
  const char *super; /* super options: "rw,cpu,cpuacct" */
};

static bool
super_has (const char *super, const char *opt, size_t len)
{
  for (const char *p = super; *p;)
    {
      size_t n = strcspn (p, ",");
      if (n == len && strncmp (p, opt, len) == 0)
        return true;
      p += n;
      if (*p)
        p++;
    }
  return false;
}

/* Split one mountinfo line in place; false if it isn't a v1 hierarchy
 * mounted directly under /sys/fs/cgroup. */
static bool
parse_v1_line (char *line, struct v1_hierarchy *h)
{
  char *f[6], *dash, *fstype, *src, *super;
  char *save = NULL;

  for (int i = 0; i < 6; i++)
    if ((f[i] = strtok_r (i ? NULL : line, " ", &save)) == NULL)
      return false;
  /* Optional fields, then "- fstype source super". */
  if (save == NULL)
    return false;
  if (strncmp (save, "- ", 2) == 0)
    dash = save;
  else if ((dash = strstr (save, " - ")) != NULL)
    dash++;
  else
    return false;
  fstype = strtok_r (dash + 2, " ", &save);
  src = fstype ? strtok_r (NULL, " ", &save) : NULL;
  super = src ? strtok_r (NULL, " ", &save) : NULL;
  if (super == NULL || strcmp (fstype, "cgroup") != 0
      || strncmp (f[4], CGROUP_ROOT "/", sizeof CGROUP_ROOT) != 0
      || strchr (f[4] + sizeof CGROUP_ROOT, '/') != NULL)
    return false;
  h->name = f[4] + sizeof CGROUP_ROOT;
  h->root = f[3];
  h->super = super;
  return true;
}

/* The controller field of /proc/self/cgroup for hierarchy h. */
static const char *
v1_cgroup_path (const char *cgroup_file, const struct v1_hierarchy *h,
                char **copy)
{
  /* Each line is "id:ctrl1,ctrl2:path"; a hierarchy matches when its
     first controller is among the mount's super options. */
  for (const char *line = cgroup_file; line && *line;)
    {
      const char *next = strchr (line, '\n');
      const char *c1 = strchr (line, ':');
      const char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;

      if (c2 && c2 > c1 + 1 && (!next || c2 < next)
          && super_has (h->super, c1 + 1, strcspn (c1 + 1, ",:")))
        {
          size_t n = next ? (size_t)(next - c2 - 1) : strlen (c2 + 1);
          *copy = strndup (c2 + 1, n);
          return *copy;
        }
      line = next ? next + 1 : NULL;
    }
  return NULL;
}

/* The controllers of h as cgroup mount data: super options minus the
 * generic ones. */
static void
v1_controllers (const struct v1_hierarchy *h, char *buf, size_t len)
{
  size_t used = 0;

  buf[0] = '\0';
  for (const char *p = h->super; *p;)
    {
      size_t n = strcspn (p, ",");
      bool generic
          = (n == 2
             && (strncmp (p, "rw", 2) == 0 || strncmp (p, "ro", 2) == 0))
            || (n >= 8 && strncmp (p, "release_", 8) == 0)
            || (n == 15 && strncmp (p, "clone_children", 14) == 0)
            || (n >= 6 && strncmp (p, "noprefix", 6) == 0);

      if (!generic && used + n + 2 < len)
        {
          if (used)
            buf[used++] = ',';
          memcpy (buf + used, p, n);
          used += n;
          buf[used] = '\0';
        }
      p += n;
      if (*p)
        p++;
    }
}

/* The container's directory in hierarchy h (absolute host path) from the
 * cgroup area: that of the first of h's controllers it knows. */
static const char *
container_v1_dir (const struct ocirun_mount_ctx *ctx,
                  const struct v1_hierarchy *h)
{
  for (const char *p = h->super; *p;)
    {
      size_t n = strcspn (p, ",");
      char name[64];

      if (n < sizeof name)
        {
          const char *dir;

          memcpy (name, p, n);
          name[n] = '\0';
          dir = ocirun_cgroup_path (ctx->container, name);
          if (dir)
            return dir;
        }
      p += n;
      if (*p)
        p++;
    }
  return NULL;
}

static int
mount_v1_hierarchy (struct ocirun_mount_ctx *ctx,
                    const struct ocirun_mount_opts *o, int tmpfd,
                    const struct v1_hierarchy *h, const char *cgroup_file,
                    struct ocirun_error *err)
{
  cleanup_close int dirfd = -1;
  cleanup_free char *path = NULL;
  cleanup_free char *host = NULL;
  const char *rel, *dir;

  if (mkdirat (tmpfd, h->name, 0755) < 0 && errno != EEXIST)
    return ocirun_error_errno (err, "mkdir `%s`", h->name);
  dirfd
      = openat (tmpfd, h->name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return ocirun_error_errno (err, "open `%s`", h->name);
  if (ctx->cgroupns)
    {
      char data[256];
      v1_controllers (h, data, sizeof data);
      if (ocirun_mount_on_fd ("cgroup", dirfd, "cgroup", o->flags & ~MS_REC,
                              data)
          == 0)
        return 0;
      if (errno != EPERM && errno != EBUSY)
        return ocirun_error_errno (err, "mount cgroup `%s`", h->name);
      ocirun_debug ("mount cgroup `%s`: %m, binding the container's cgroup",
                    h->name);
    }
  /* Bind the container's own directory. */
  dir = container_v1_dir (ctx, h);
  if (dir == NULL && ctx->cgroupns)
    {
      ocirun_debug ("cgroup `%s`: no directory of the container known, "
                    "left empty",
                    h->name);
      return 0;
    }
  if (dir == NULL)
    {
      /* No cgroup of its own here (rootless, a hierarchy the cgroup area
         does not manage): the one it runs in, from /proc/self/cgroup,
         which outside a cgroup namespace is a host path. */
      rel = v1_cgroup_path (cgroup_file, h, &path);
      if (rel == NULL)
        rel = "/";
      if (strcmp (h->root, "/") != 0
          && strncmp (rel, h->root, strlen (h->root)) == 0)
        rel += strlen (h->root);
      if (asprintf (&host, CGROUP_ROOT "/%s%s", h->name, rel) < 0)
        return ocirun_error_errno (err, "cgroup path");
      dir = host;
    }
  if (bind_cgroup_dir (dir, o, dirfd) < 0)
    return ocirun_error_errno (err, "bind `%s`", dir);
  return 0;
}

/* "cpu" -> "cpu,cpuacct" and "cpuacct" -> "cpu,cpuacct". */
static void
v1_symlinks (int tmpfd, const char *name)
{
  if (strchr (name, ',') == NULL)
    return;
  for (const char *p = name; *p;)
    {
      size_t n = strcspn (p, ",");
      char link[128];

      if (n < sizeof link && strncmp (p, "name=", 5) != 0)
        {
          memcpy (link, p, n);
          link[n] = '\0';
          if (symlinkat (name, tmpfd, link) < 0 && errno != EEXIST)
            ocirun_debug ("cgroup symlink `%s`: %s", link,
                          ocirun_strerror (errno));
        }
      p += n;
      if (*p)
        p++;
    }
}

static int
mount_cgroup_v1 (struct ocirun_mount_ctx *ctx, const struct oci_mount *m,
                 const struct ocirun_mount_opts *o, int destfd,
                 struct ocirun_error *err)
{
  cleanup_free char *mountinfo = read_proc_file ("/proc/self/mountinfo");
  cleanup_free char *cgroups = read_proc_file ("/proc/self/cgroup");
  cleanup_close int tmpfd = -1;
  unsigned long tmp_flags
      = (o->flags & ~(MS_RDONLY | MS_REC)) | MS_NOSUID | MS_NODEV | MS_NOEXEC;

  if (mountinfo == NULL || cgroups == NULL)
    return ocirun_error_errno (err, "read /proc/self/{mountinfo,cgroup}");
  if (ocirun_mount_on_fd ("tmpfs", destfd, "tmpfs", tmp_flags, "mode=755") < 0)
    return ocirun_error_errno (err, "mount tmpfs");
  tmpfd = ocirun_path_open_in_root (ctx->rootfd, m->destination,
                                    OCIRUN_PATH_NOCREATE, err);
  if (tmpfd < 0)
    return -1;
  for (char *line = mountinfo; line && *line;)
    {
      char *next = strchr (line, '\n');
      struct v1_hierarchy h;

      if (next)
        *next++ = '\0';
      if (parse_v1_line (line, &h))
        {
          if (mount_v1_hierarchy (ctx, o, tmpfd, &h, cgroups, err) < 0)
            return -1;
          v1_symlinks (tmpfd, h.name);
        }
      line = next;
    }
  if ((o->flags & MS_RDONLY)
      && ocirun_mount_setattr_fd (tmpfd, false, MOUNT_ATTR_RDONLY, 0) < 0)
    return ocirun_error_errno (err, "make read-only");
  return 0;
}

int
ocirun_mount_cgroup (struct ocirun_mount_ctx *ctx, const struct oci_mount *m,
                     const struct ocirun_mount_opts *o, int destfd,
                     struct ocirun_error *err)
{
  struct statfs sfs;

  if (statfs (CGROUP_ROOT, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    return mount_cgroup_v2 (ctx, o, destfd, err);
  return mount_cgroup_v1 (ctx, m, o, destfd, err);
}
