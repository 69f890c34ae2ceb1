/* mounts.c - one mounts[] entry: bind mounts through the new mount API,
 * filesystems through mount(2) onto an fd resolved inside the rootfs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libocirun/compat.h"
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "libocirun/cleanup.h"
#include "libocirun/log.h"
#include "libocirun/mounts.h"
#include "libocirun/path_resolve.h"

/* ---- small fd-based primitives ---------------------------------------- */

int
ocirun_move_mount_fd (int treefd, int targetfd)
{
  return move_mount (treefd, "", targetfd, "",
                     MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

int
ocirun_mount_set_propagation (int fd, unsigned long propagation)
{
  struct mount_attr attr = { .propagation = propagation & ~MS_REC };
  unsigned int flags = AT_EMPTY_PATH;

  if (propagation & MS_REC)
    flags |= AT_RECURSIVE;
  return mount_setattr (fd, "", flags, &attr, sizeof attr);
}

int
ocirun_mount_setattr_fd (int fd, bool recursive, uint64_t set, uint64_t clr)
{
  struct mount_attr attr = { .attr_set = set, .attr_clr = clr };

  return mount_setattr (fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0),
                        &attr, sizeof attr);
}

int
ocirun_mount_on_fd (const char *source, int targetfd, const char *type,
                    unsigned long flags, const char *data)
{
  char path[32];

  return mount (source, ocirun_proc_fd_path (targetfd, path, sizeof path),
                type, flags, data);
}

int
ocirun_mount_empty_ro_tmpfs (int targetfd)
{
  cleanup_close int fsfd = fsopen ("tmpfs", FSOPEN_CLOEXEC);
  cleanup_close int mfd = -1;

  if (fsfd < 0)
    return -1;
  if (fsconfig (fsfd, FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0
      || fsconfig (fsfd, FSCONFIG_SET_STRING, "size", "0", 0) < 0
      || fsconfig (fsfd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0
      || fsconfig (fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  mfd = fsmount (fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
  if (mfd < 0)
    return -1;
  return ocirun_move_mount_fd (mfd, targetfd);
}

/* ---- checks ------------------------------------------------------------- */

/* dest made absolute and cleaned (see mounts.h) into buf; false if it
   does not fit. */
static bool
dest_clean (const char *dest, char *buf, size_t len)
{
  size_t n = 0;

  if (len < 2)
    return false;
  while (*dest)
    {
      const char *c = dest;
      size_t clen;

      while (*c == '/')
        c++;
      clen = strcspn (c, "/");
      dest = c + clen;
      if (clen == 0 || (clen == 1 && c[0] == '.'))
        continue;
      if (clen == 2 && c[0] == '.' && c[1] == '.')
        {
          while (n > 0 && buf[n - 1] != '/')
            n--;
          if (n > 0)
            n--; /* and the "/" before it */
          continue;
        }
      if (n + 1 + clen >= len)
        return false;
      buf[n++] = '/';
      memcpy (buf + n, c, clen);
      n += clen;
    }
  if (n == 0)
    buf[n++] = '/';
  buf[n] = '\0';
  return true;
}

bool
ocirun_mount_dest_is (const char *dest, const char *abs)
{
  char buf[PATH_MAX];

  return dest != NULL && dest_clean (dest, buf, sizeof buf)
         && strcmp (buf, abs) == 0;
}

static bool
type_is (const struct oci_mount *m, const char *t)
{
  return m->type != NULL && strcmp (m->type, t) == 0;
}

/* Files under /proc that lxcfs-style bind mounts may cover; anything else
 * inside a procfs would let a config hide or fake kernel interfaces the
 * runtime relies on (runc refuses those too). */
static bool
proc_mount_allowed (const char *dest)
{
  static const char *const allowed[] = {
    "/proc/cpuinfo", "/proc/diskstats",
    "/proc/meminfo", "/proc/stat",
    "/proc/swaps",   "/proc/uptime",
    "/proc/loadavg", "/proc/slabinfo",
    "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
  };
  for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
    if (ocirun_mount_dest_is (dest, allowed[i]))
      return true;
  return false;
}

/* destfd is the resolved destination.  If it lives in a procfs (or is
 * the rootfs's /proc and the mount would cover it with something that is
 * not procfs), refuse unless it is one of the allowed files. */
static int
check_proc_destination (const struct oci_mount *m, int destfd, int srcfd,
                        struct ocirun_error *err)
{
  struct statfs sfs;

  if (fstatfs (destfd, &sfs) < 0)
    return ocirun_error_errno (err, "statfs");
  if (sfs.f_type == PROC_SUPER_MAGIC)
    {
      if (proc_mount_allowed (m->destination))
        return 0;
      return ocirun_error_set (err, EPERM,
                               "destination is inside /proc, refusing");
    }
  if (ocirun_mount_dest_is (m->destination, "/proc") && srcfd >= 0
      && (fstatfs (srcfd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC))
    return ocirun_error_set (err, EPERM,
                             "only a procfs may be mounted on /proc");
  return 0;
}

/* ---- bind mounts -------------------------------------------------------- */

static int
idmap_userns (struct ocirun_mount_ctx *ctx, const struct oci_mount *m,
              struct ocirun_error *err)
{
  const struct oci_id_mapping *uid = m->uid_mappings, *gid = m->gid_mappings;
  size_t uid_len = m->uid_mappings_len, gid_len = m->gid_mappings_len;
  const struct oci_linux *l = ctx->cfg->linux_;

  /* Without mappings of its own the mount takes the container's. */
  if (uid_len == 0 && gid_len == 0 && l != NULL)
    {
      uid = l->uid_mappings;
      uid_len = l->uid_mappings_len;
      gid = l->gid_mappings;
      gid_len = l->gid_mappings_len;
    }
  if (ctx->idmap_userns_fd >= 0 && ctx->idmap_uid == uid
      && ctx->idmap_gid == gid)
    return ctx->idmap_userns_fd;
  if (ctx->idmap_userns_fd >= 0)
    close (ctx->idmap_userns_fd);
  ctx->idmap_userns_fd
      = ocirun_userns_fd_from_mappings (uid, uid_len, gid, gid_len, err);
  ctx->idmap_uid = uid;
  ctx->idmap_gid = gid;
  return ctx->idmap_userns_fd;
}

static int
apply_idmap (struct ocirun_mount_ctx *ctx, const struct oci_mount *m,
             const struct ocirun_mount_opts *o, int treefd,
             struct ocirun_error *err)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };
  unsigned int flags = AT_EMPTY_PATH;
  int nsfd = idmap_userns (ctx, m, err);

  if (nsfd < 0)
    return -1;
  attr.userns_fd = nsfd;
  if (o->extra & OCIRUN_MOPT_REC)
    flags |= AT_RECURSIVE;
  if (mount_setattr (treefd, "", flags, &attr, sizeof attr) < 0)
    return ocirun_error_errno (err, "idmap");
  return 0;
}

static char *
bind_source (const struct ocirun_mount_ctx *ctx, const char *source)
{
  char *s;

  if (source[0] == '/' || ctx->bundle == NULL)
    return strdup (source);
  if (asprintf (&s, "%s/%s", ctx->bundle, source) < 0)
    return NULL;
  return s;
}

/* Bind trees prepared by the parent (ocirun_mount_prepare_idmapped), by
 * mount index.  Plain process memory: the container child, forked from
 * the parent, inherits the table along with the fds. */
static int *prepared_trees;
static size_t prepared_len;

/* A detached clone of the bind source with every attribute and the
 * idmapping applied.  Returns the tree fd. */
static int
open_bind_tree (struct ocirun_mount_ctx *ctx, const struct oci_mount *m,
                const struct ocirun_mount_opts *o, struct ocirun_error *err)
{
  cleanup_free char *src = NULL;
  cleanup_close int treefd = -1;
  unsigned int tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
  uint64_t set, clr;

  if (m->source == NULL)
    return ocirun_error_set (err, EINVAL, "bind mount without a source");
  src = bind_source (ctx, m->source);
  if (src == NULL)
    return ocirun_error_errno (err, "bind source");
  if (o->flags & MS_REC)
    tree_flags |= AT_RECURSIVE;
  /* The clone is private to us until move_mount(): every attribute below
     is in place before the container could see the mount. */
  treefd = open_tree (AT_FDCWD, src, tree_flags);
  if (treefd < 0)
    return ocirun_error_errno (err, "open source `%s`", src);
  if (ocirun_mount_opts_need_bind_attrs (o))
    {
      /* Only the flags the options name change: a read-only bind of a
         nosuid,nodev source stays nosuid,nodev. */
      ocirun_mount_opts_bind_attrs (o, &set, &clr);
      if (ocirun_mount_setattr_fd (treefd, false, set, clr) < 0)
        return ocirun_error_errno (err, "set mount flags");
    }
  if ((o->rec_attr_set | o->rec_attr_clr)
      && ocirun_mount_setattr_fd (treefd, true, o->rec_attr_set,
                                  o->rec_attr_clr)
             < 0)
    return ocirun_error_errno (err, "set recursive mount flags");
  if ((o->extra & OCIRUN_MOPT_IDMAP)
      && apply_idmap (ctx, m, o, treefd, err) < 0)
    return -1;
  return steal_fd (&treefd);
}

static int
take_prepared_tree (const struct ocirun_mount_ctx *ctx,
                    const struct oci_mount *m)
{
  size_t i = m - ctx->cfg->mounts;
  int fd;

  if (i >= prepared_len || prepared_trees[i] < 0)
    return -1;
  fd = prepared_trees[i];
  prepared_trees[i] = -1;
  return fd;
}

static int
mount_bind (struct ocirun_mount_ctx *ctx, const struct oci_mount *m,
            const struct ocirun_mount_opts *o, struct ocirun_error *err)
{
  cleanup_close int treefd = take_prepared_tree (ctx, m);
  cleanup_close int destfd = -1;
  struct stat st;

  if (treefd < 0 && (treefd = open_bind_tree (ctx, m, o, err)) < 0)
    return -1;
  if (fstat (treefd, &st) < 0)
    return ocirun_error_errno (err, "stat source");
  destfd = ocirun_path_open_in_root (
      ctx->rootfd, m->destination,
      S_ISDIR (st.st_mode) ? OCIRUN_PATH_MKDIR : OCIRUN_PATH_MKFILE, err);
  if (destfd < 0)
    return -1;
  if (check_proc_destination (m, destfd, treefd, err) < 0)
    return -1;
  if (ocirun_move_mount_fd (treefd, destfd) < 0)
    return ocirun_error_errno (err, "move_mount");
  for (size_t i = 0; i < o->propagation_len; i++)
    if (ocirun_mount_set_propagation (treefd, o->propagation[i]) < 0)
      return ocirun_error_errno (err, "set propagation");
  return 0;
}

/* Parse the options of m the way ocirun_mount_one does. */
static int
parse_mount (const struct oci_mount *m, struct ocirun_mount_opts *o,
             struct ocirun_error *err)
{
  bool is_bind = type_is (m, "bind");
  size_t bad;

  if (ocirun_mount_opts_parse (m->options, m->options_len, is_bind, o, &bad,
                               err)
      < 0)
    return -1;
  if (is_bind)
    o->extra |= OCIRUN_MOPT_BIND;
  if (m->uid_mappings_len || m->gid_mappings_len)
    o->extra |= OCIRUN_MOPT_IDMAP;
  return 0;
}

/* Cheap pre-check, so that the common create (no idmapped mount, no
 * NOTIFY_SOCKET) parses no mount options here: the child does that. */
static bool
may_prepare_in_parent (const struct ocirun_mount_ctx *ctx, size_t i)
{
  const struct oci_mount *m = &ctx->cfg->mounts[i];

  if ((int)i == ctx->parent_bind || m->uid_mappings_len || m->gid_mappings_len)
    return true;
  for (size_t j = 0; j < m->options_len; j++)
    if (strcmp (m->options[j], "idmap") == 0
        || strcmp (m->options[j], "ridmap") == 0)
      return true;
  return false;
}

int
ocirun_mount_prepare_idmapped (struct ocirun_mount_ctx *ctx,
                               struct ocirun_error *err)
{
  const struct oci_config *cfg = ctx->cfg;

  for (size_t i = 0; i < cfg->mounts_len; i++)
    {
      const struct oci_mount *m = &cfg->mounts[i];
      struct ocirun_mount_opts o;
      int fd;

      if (!may_prepare_in_parent (ctx, i))
        continue;
      if (parse_mount (m, &o, err) < 0)
        return ocirun_error_prefix (err, "mount `%s`", m->destination);
      fd = ((o.extra & OCIRUN_MOPT_IDMAP) || (int)i == ctx->parent_bind)
                   && (o.extra & OCIRUN_MOPT_BIND)
               ? open_bind_tree (ctx, m, &o, err)
               : -2;
      ocirun_mount_opts_clear (&o);
      if (fd == -2)
        continue;
      if (fd < 0)
        return ocirun_error_prefix (err, "mount `%s` on `%s`", m->source,
                                    m->destination);
      if (prepared_trees == NULL)
        {
          prepared_trees = malloc (cfg->mounts_len * sizeof (int));
          if (prepared_trees == NULL)
            {
              close (fd);
              return ocirun_error_errno (err, "idmapped mounts");
            }
          prepared_len = cfg->mounts_len;
          for (size_t j = 0; j < prepared_len; j++)
            prepared_trees[j] = -1;
        }
      prepared_trees[i] = fd;
    }
  return 0;
}

void
ocirun_mount_release_prepared (void)
{
  for (size_t i = 0; i < prepared_len; i++)
    if (prepared_trees[i] >= 0)
      close (prepared_trees[i]);
  free (prepared_trees);
  prepared_trees = NULL;
  prepared_len = 0;
}

/* ---- filesystems -------------------------------------------------------- */

/* The data string into *out (NULL if none), plus the SELinux context
 * for the filesystems whose files carry no labels of their own. */
static int
fs_data (const struct ocirun_mount_ctx *ctx, const struct oci_mount *m,
         const struct ocirun_mount_opts *o, char **out)
{
  bool labelled
      = type_is (m, "tmpfs") || type_is (m, "devpts") || type_is (m, "mqueue");

  *out = NULL;
  if (ctx->mount_label == NULL || !labelled
      || (o->data && strstr (o->data, "context=")))
    return o->data && (*out = strdup (o->data)) == NULL ? -1 : 0;
  if (asprintf (out, "%s%scontext=\"%s\"", o->data ? o->data : "",
                o->data ? "," : "", ctx->mount_label)
      < 0)
    {
      *out = NULL;
      return -1;
    }
  return 0;
}

/* sysfs can't be mounted in a user namespace that doesn't own the network
 * namespace, nor mqueue without owning the IPC namespace: fall back to a
 * recursive bind of the host's, as runc and crun do for rootless
 * containers. */
static int
host_bind_fallback (const char *host_path, const struct ocirun_mount_opts *o,
                    int destfd)
{
  cleanup_close int treefd = open_tree (
      AT_FDCWD, host_path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  struct ocirun_mount_opts bind = *o;
  uint64_t set, clr;

  if (treefd < 0)
    return -1;
  bind.cleared = 0; /* only add restrictions, never lift locked ones */
  ocirun_mount_opts_bind_attrs (&bind, &set, &clr);
  if ((set | clr) && ocirun_mount_setattr_fd (treefd, false, set, clr) < 0)
    return -1;
  return ocirun_move_mount_fd (treefd, destfd);
}

static bool
try_host_bind (const struct ocirun_mount_ctx *ctx, const struct oci_mount *m,
               const struct ocirun_mount_opts *o, int destfd)
{
  const char *host = type_is (m, "sysfs")    ? "/sys"
                     : type_is (m, "mqueue") ? "/dev/mqueue"
                                             : NULL;
  int saved = errno;

  if (host == NULL || !ctx->userns || (errno != EPERM && errno != EBUSY))
    return false;
  ocirun_debug ("mount %s: %m, binding the host's %s", m->type, host);
  if (host_bind_fallback (host, o, destfd) == 0)
    return true;
  errno = saved;
  return false;
}

static int
copy_up (int lowerfd, int mountfd, struct ocirun_error *err)
{
  cleanup_close int dst
      = openat (mountfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (dst < 0)
    return ocirun_error_errno (err, "tmpcopyup");
  return ocirun_copy_dir_contents (lowerfd, dst, err);
}

static int
mount_fs (struct ocirun_mount_ctx *ctx, const struct oci_mount *m,
          const struct ocirun_mount_opts *o, struct ocirun_error *err)
{
  cleanup_close int destfd = -1;
  cleanup_close int lowerfd = -1;
  cleanup_close int mountfd = -1;
  cleanup_free char *data = NULL;
  unsigned long flags = o->flags;
  bool copyup = (o->extra & OCIRUN_MOPT_TMPCOPYUP) && type_is (m, "tmpfs");
  bool known = type_is (m, "proc") || type_is (m, "sysfs")
               || type_is (m, "tmpfs") || type_is (m, "devpts")
               || type_is (m, "mqueue") || type_is (m, "cgroup2");

  destfd = ocirun_path_open_in_root (ctx->rootfd, m->destination,
                                     OCIRUN_PATH_MKDIR, err);
  if (destfd < 0)
    return -1;
  if (!known && check_proc_destination (m, destfd, -1, err) < 0)
    return -1;
  if (copyup)
    {
      /* The fd keeps reaching the covered directory after the mount. */
      lowerfd = openat (destfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (lowerfd < 0)
        return ocirun_error_errno (err, "tmpcopyup");
      flags &= ~MS_RDONLY; /* made read-only after the copy */
    }
  if ((flags & MS_RDONLY) && ocirun_mount_dest_is (m->destination, "/dev"))
    {
      /* Device nodes are created in it later (see rootfs.c). */
      flags &= ~MS_RDONLY;
      ctx->dev_readonly = true;
    }
  if (fs_data (ctx, m, o, &data) < 0)
    return ocirun_error_errno (err, "mount data");
  if (ocirun_mount_on_fd (m->source ? m->source : m->type, destfd, m->type,
                          flags, data)
          < 0
      && !try_host_bind (ctx, m, o, destfd))
    return ocirun_error_errno (err, "mount");
  if (!copyup && o->propagation_len == 0
      && (o->rec_attr_set | o->rec_attr_clr) == 0)
    return 0;
  /* Re-resolve: destfd is the covered directory, we need the new mount. */
  mountfd = ocirun_path_open_in_root (ctx->rootfd, m->destination,
                                      OCIRUN_PATH_NOCREATE, err);
  if (mountfd < 0)
    return -1;
  if (copyup)
    {
      if (copy_up (lowerfd, mountfd, err) < 0)
        return -1;
      if ((o->flags & MS_RDONLY)
          && ocirun_mount_setattr_fd (mountfd, false, MOUNT_ATTR_RDONLY, 0)
                 < 0)
        return ocirun_error_errno (err, "make read-only");
    }
  if ((o->rec_attr_set | o->rec_attr_clr)
      && ocirun_mount_setattr_fd (mountfd, true, o->rec_attr_set,
                                  o->rec_attr_clr)
             < 0)
    return ocirun_error_errno (err, "set recursive mount flags");
  for (size_t i = 0; i < o->propagation_len; i++)
    if (ocirun_mount_set_propagation (mountfd, o->propagation[i]) < 0)
      return ocirun_error_errno (err, "set propagation");
  return 0;
}

/* ---- entry point -------------------------------------------------------- */

static int
mount_dispatch (struct ocirun_mount_ctx *ctx, const struct oci_mount *m,
                const struct ocirun_mount_opts *o, struct ocirun_error *err)
{
  cleanup_close int destfd = -1;

  if (o->extra & OCIRUN_MOPT_BIND)
    return mount_bind (ctx, m, o, err);
  if (m->type == NULL)
    return ocirun_error_set (err, EINVAL, "no type and not a bind mount");
  if (!type_is (m, "cgroup"))
    return mount_fs (ctx, m, o, err);
  destfd = ocirun_path_open_in_root (ctx->rootfd, m->destination,
                                     OCIRUN_PATH_MKDIR, err);
  if (destfd < 0)
    return -1;
  return ocirun_mount_cgroup (ctx, m, o, destfd, err);
}

int
ocirun_mount_one (struct ocirun_mount_ctx *ctx, const struct oci_mount *m,
                  struct ocirun_error *err)
{
  struct ocirun_mount_opts o;
  int r;

  if (parse_mount (m, &o, err) < 0)
    goto fail;
  ocirun_debug ("mount `%s` on `%s` type %s flags %#lx data %s",
                m->source ? m->source : "", m->destination,
                m->type ? m->type : "", o.flags, o.data ? o.data : "");
  r = mount_dispatch (ctx, m, &o, err);
  ocirun_mount_opts_clear (&o);
  if (r == 0)
    return 0;
fail:
  return ocirun_error_prefix (
      err, "mount `%s` on `%s`",
      m->source ? m->source : (m->type ? m->type : "none"), m->destination);
}

void
ocirun_mount_ctx_release (struct ocirun_mount_ctx *ctx)
{
  if (ctx->idmap_userns_fd >= 0)
    close (ctx->idmap_userns_fd);
  ctx->idmap_userns_fd = -1;
}
