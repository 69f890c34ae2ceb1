/* rootfs.c - validation, preparation (propagation, rootfs bind, mounts[],
 * /dev) and finalization (pivot_root, read-only and masked paths,
 * root.readonly) of the container's filesystem. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <selinux/selinux.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libocirun/compat.h"
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libocirun/cleanup.h"
#include "libocirun/devices.h"
#include "libocirun/log.h"
#include "libocirun/masked_paths.h"
#include "libocirun/mount_options.h"
#include "libocirun/mounts.h"
#include "libocirun/path_resolve.h"
#include "libocirun/rootfs.h"

/* ---- validation (parent) ------------------------------------------------ */

static int
validate_root (const struct oci_config *cfg, const char *bundle,
               struct ocirun_error *err)
{
  cleanup_free char *path = NULL;
  const char *p;
  struct stat st;

  if (cfg->root == NULL || cfg->root->path == NULL)
    return ocirun_error_set (err, EINVAL, "config.json: root.path: missing");
  p = cfg->root->path;
  if (p[0] != '/' && bundle != NULL)
    {
      if (asprintf (&path, "%s/%s", bundle, p) < 0)
        return ocirun_error_errno (err, "config.json: root.path");
      p = path;
    }
  if (stat (p, &st) < 0)
    return ocirun_error_errno (err, "config.json: root.path: `%s`", p);
  if (!S_ISDIR (st.st_mode))
    return ocirun_error_set (err, ENOTDIR,
                             "config.json: root.path: `%s` is not a "
                             "directory",
                             p);
  return 0;
}

static bool
has_container_mappings (const struct oci_config *cfg)
{
  const struct oci_linux *l = cfg->linux_;

  return l && l->uid_mappings_len > 0 && l->gid_mappings_len > 0;
}

static int
validate_mount_idmap (const struct oci_config *cfg, const struct oci_mount *m,
                      const struct ocirun_mount_opts *o, size_t i,
                      struct ocirun_error *err)
{
  bool mapped = m->uid_mappings_len || m->gid_mappings_len;

  if (!(o->extra & OCIRUN_MOPT_IDMAP) && !mapped)
    return 0;
  if (!(o->extra & OCIRUN_MOPT_BIND))
    return ocirun_error_set (err, EINVAL,
                             "config.json: mounts[%zu].options: idmapped "
                             "mounts must be bind mounts",
                             i);
  if (mapped && (m->uid_mappings_len == 0 || m->gid_mappings_len == 0))
    return ocirun_error_set (err, EINVAL,
                             "config.json: mounts[%zu]: uidMappings and "
                             "gidMappings must be given together",
                             i);
  if (!mapped && !has_container_mappings (cfg))
    return ocirun_error_set (err, EINVAL,
                             "config.json: mounts[%zu].options: idmap "
                             "without uidMappings/gidMappings",
                             i);
  return 0;
}

static int
validate_mount (const struct oci_config *cfg, const struct oci_mount *m,
                size_t i, struct ocirun_error *err)
{
  struct ocirun_mount_opts o;
  bool is_bind = m->type && strcmp (m->type, "bind") == 0;
  size_t bad;
  int r;

  if (m->destination == NULL || m->destination[0] == '\0')
    return ocirun_error_set (err, EINVAL,
                             "config.json: mounts[%zu].destination: "
                             "missing required field",
                             i);
  /* config.md (Linux): "MAY be a relative path, in which case it MUST be
     interpreted as relative to /" (deprecated; the config validator warns).
     Path resolution takes relative paths from the rootfs. */
  if (m->destination[0] != '/')
    ocirun_debug ("config.json: mounts[%zu].destination: `%s` taken as "
                  "`/%s`",
                  i, m->destination, m->destination);
  if (ocirun_mount_opts_parse (m->options, m->options_len, is_bind, &o, &bad,
                               err)
      < 0)
    return ocirun_error_prefix (err, "config.json: mounts[%zu].options[%zu]",
                                i, bad);
  if (is_bind)
    o.extra |= OCIRUN_MOPT_BIND;
  r = 0;
  if ((o.extra & OCIRUN_MOPT_BIND) && m->source == NULL)
    r = ocirun_error_set (err, EINVAL,
                          "config.json: mounts[%zu].source: required for "
                          "a bind mount",
                          i);
  else if (!(o.extra & OCIRUN_MOPT_BIND) && m->type == NULL)
    r = ocirun_error_set (err, EINVAL,
                          "config.json: mounts[%zu].type: required unless "
                          "the mount is a bind mount",
                          i);
  else
    r = validate_mount_idmap (cfg, m, &o, i, err);
  ocirun_mount_opts_clear (&o);
  return r;
}

static int
validate_paths (char *const *paths, size_t n, const char *what,
                struct ocirun_error *err)
{
  for (size_t i = 0; i < n; i++)
    if (paths[i] == NULL || paths[i][0] != '/')
      return ocirun_error_set (err, EINVAL,
                               "config.json: linux.%s[%zu]: `%s` must be an "
                               "absolute path",
                               what, i, paths[i] ? paths[i] : "");
  return 0;
}

int
ocirun_rootfs_validate (const struct oci_config *cfg, const char *bundle,
                        struct ocirun_error *err)
{
  const struct oci_linux *l = cfg->linux_;

  if (validate_root (cfg, bundle, err) < 0)
    return -1;
  for (size_t i = 0; i < cfg->mounts_len; i++)
    if (validate_mount (cfg, &cfg->mounts[i], i, err) < 0)
      return -1;
  if (l == NULL)
    return 0;
  if (l->rootfs_propagation
      && ocirun_propagation_from_string (l->rootfs_propagation) == 0)
    return ocirun_error_set (err, EINVAL,
                             "config.json: linux.rootfsPropagation: unknown "
                             "value \"%s\"",
                             l->rootfs_propagation);
  if (validate_paths (l->masked_paths, l->masked_paths_len, "maskedPaths", err)
          < 0
      || validate_paths (l->readonly_paths, l->readonly_paths_len,
                         "readonlyPaths", err)
             < 0)
    return -1;
  return ocirun_devices_validate (cfg, err);
}

/* ---- preparation (child, before pivot_root) ----------------------------- */

static unsigned long
root_propagation (const struct oci_config *cfg)
{
  const struct oci_linux *l = cfg->linux_;

  if (l && l->rootfs_propagation)
    return ocirun_propagation_from_string (l->rootfs_propagation);
  return 0;
}

/* The mount holding path (its topmost directory with the same mount id)
 * gets propagation `how` (MS_PRIVATE or MS_SLAVE): pivot_root refuses a
 * shared parent, and the rootfs bind must not propagate back to the host.
 * A slave still receives the host's mount events, and the bind of a slave
 * is a slave of the same master.  Only needed when "/" wasn't made
 * rslave/rprivate as a whole. */
static int
make_parent_mount (const char *rootfs, unsigned long how,
                   struct ocirun_error *err)
{
  char path[PATH_MAX];
  struct statx stx;
  uint64_t id;

  if (strlen (rootfs) >= sizeof path)
    return ocirun_error_set (err, ENAMETOOLONG, "rootfs path");
  strcpy (path, rootfs);
  if (statx (AT_FDCWD, path, 0, STATX_MNT_ID, &stx) < 0)
    return ocirun_error_errno (err, "statx `%s`", path);
  id = stx.stx_mnt_id;
  while (strcmp (path, "/") != 0)
    {
      char *slash = strrchr (path, '/');
      char saved = slash[slash == path ? 1 : 0];

      slash[slash == path ? 1 : 0] = '\0';
      if (statx (AT_FDCWD, path, 0, STATX_MNT_ID, &stx) < 0)
        return ocirun_error_errno (err, "statx `%s`", path);
      if (stx.stx_mnt_id != id)
        {
          slash[slash == path ? 1 : 0] = saved; /* back to the mount root */
          break;
        }
    }
  if (mount (NULL, path, NULL, how, NULL) < 0)
    return ocirun_error_errno (err, "make `%s` %s", path,
                               how == MS_SLAVE ? "slave" : "private");
  return 0;
}

/* Before the rootfs is bound onto itself:
 *   default (and rslave/rprivate)  the whole tree rslave (rprivate);
 *   slave     "/" and the mount holding the rootfs slave: the rootfs bind
 *             is then a slave of the host's rootfs mount (`master:N`) and
 *             receives its mount events; its submounts are made rslave
 *             too so that nothing mounted in the container reaches the
 *             host;
 *   others    "/" as requested, the mount holding the rootfs private; a
 *             shared rootfs is kept private until after pivot_root, where
 *             ocirun_rootfs_finalize() applies the final propagation (a
 *             new peer group for shared). */
static int
prepare_propagation (struct ocirun_container *c, struct ocirun_error *err)
{
  unsigned long prop = root_propagation (c->config);
  unsigned long flag = prop ? prop : MS_SLAVE | MS_REC;
  bool slave = (flag & MS_SLAVE) != 0;

  if (mount (NULL, "/", NULL, flag, NULL) < 0)
    return ocirun_error_errno (err, "set propagation of `/`");
  if (flag != (MS_SLAVE | MS_REC) && flag != (MS_PRIVATE | MS_REC)
      && make_parent_mount (c->rootfs, slave ? MS_SLAVE : MS_PRIVATE, err) < 0)
    return -1;
  if (mount (c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return ocirun_error_errno (err, "bind rootfs `%s`", c->rootfs);
  if (slave && !(flag & MS_REC)
      && mount (NULL, c->rootfs, NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return ocirun_error_errno (err, "make rootfs rslave");
  /* With a shared "/", keep the container's own mounts from reaching the
     host; the final propagation is applied after pivot_root. */
  if ((flag & MS_SHARED)
      && mount (NULL, c->rootfs, NULL, MS_PRIVATE | MS_REC, NULL) < 0)
    return ocirun_error_errno (err, "make rootfs private");
  return 0;
}

static bool
has_namespace (const struct oci_config *cfg, enum oci_namespace_type t)
{
  const struct oci_linux *l = cfg->linux_;

  for (size_t i = 0; l && i < l->namespaces_len; i++)
    if (l->namespaces[i].type == t)
      return true;
  return false;
}

/* linux.mountLabel only means something with SELinux enabled. */
static const char *
mount_label (const struct oci_config *cfg)
{
  const char *label = cfg->linux_ ? cfg->linux_->mount_label : NULL;

  if (label == NULL || *label == '\0')
    return NULL;
  if (is_selinux_enabled () <= 0)
    {
      ocirun_debug ("SELinux disabled: mountLabel `%s` ignored", label);
      return NULL;
    }
  return label;
}

static int
make_dev_readonly (int rootfd, struct ocirun_error *err)
{
  cleanup_close int fd
      = ocirun_path_open_in_root (rootfd, "/dev", OCIRUN_PATH_NOCREATE, err);

  if (fd < 0)
    return -1;
  if (ocirun_mount_setattr_fd (fd, false, MOUNT_ATTR_RDONLY, 0) < 0)
    return ocirun_error_errno (err, "make `/dev` read-only");
  return 0;
}

static int
prepare_mounts (struct ocirun_container *c, int rootfd,
                struct ocirun_error *err)
{
  const struct oci_config *cfg = c->config;
  const struct oci_process *p = cfg->process;
  struct ocirun_mount_ctx ctx = {
    .rootfd = rootfd,
    .bundle = c->bundle,
    .cfg = cfg,
    .container = c,
    .userns = c->new_userns,
    .cgroupns = has_namespace (cfg, OCI_NS_CGROUP),
    .mount_label = mount_label (cfg),
    .idmap_userns_fd = -1,
  };
  bool terminal = p && p->terminal.set && p->terminal.value;
  int r = 0;

  for (size_t i = 0; i < cfg->mounts_len && r == 0; i++)
    r = ocirun_mount_one (&ctx, &cfg->mounts[i], err);
  ocirun_mount_ctx_release (&ctx);
  ocirun_mount_release_prepared ();
  if (r < 0)
    return -1;
  if (ocirun_devices_setup (rootfd, cfg, c->new_userns, terminal, err) < 0)
    return -1;
  if (ctx.dev_readonly)
    return make_dev_readonly (rootfd, err);
  return 0;
}

int
ocirun_rootfs_prepare_parent (struct ocirun_container *c,
                              struct ocirun_error *err)
{
  struct ocirun_mount_ctx ctx = {
    .bundle = c->bundle,
    .cfg = c->config,
    .idmap_userns_fd = -1,
    .parent_bind = c->notify_mount,
  };
  int r;

  if (!c->new_mountns)
    return 0;
  r = ocirun_mount_prepare_idmapped (&ctx, err);
  ocirun_mount_ctx_release (&ctx);
  if (r < 0)
    ocirun_mount_release_prepared ();
  return r;
}

void
ocirun_rootfs_parent_done (void)
{
  ocirun_mount_release_prepared ();
}

int
ocirun_rootfs_prepare (struct ocirun_container *c, struct ocirun_error *err)
{
  cleanup_close int rootfd = -1;

  if (!c->new_mountns)
    {
      ocirun_debug ("mount namespace joined: rootfs left as it is");
      return 0;
    }
  if (prepare_propagation (c, err) < 0)
    return -1;
  /* Opened after the bind so that it is the root of the new mount. */
  rootfd = open (c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return ocirun_error_errno (err, "open rootfs `%s`", c->rootfs);
  return prepare_mounts (c, rootfd, err);
}

/* ---- finalization (child, after createContainer hooks) ----------------- */

/* pivot_root(".", ".") stacks the old root on top of the new one; the
 * old root is then detached.  It is made rslave first so that the
 * unmount can't propagate to the host. */
static int
pivot (const char *rootfs, struct ocirun_error *err)
{
  cleanup_close int oldroot = open ("/", O_DIRECTORY | O_PATH | O_CLOEXEC);
  cleanup_close int newroot = open (rootfs, O_DIRECTORY | O_PATH | O_CLOEXEC);

  if (oldroot < 0 || newroot < 0)
    return ocirun_error_errno (err, "open `%s`", oldroot < 0 ? "/" : rootfs);
  if (fchdir (newroot) < 0)
    return ocirun_error_errno (err, "chdir `%s`", rootfs);
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return ocirun_error_errno (err, "pivot_root `%s`", rootfs);
  if (fchdir (oldroot) < 0)
    return ocirun_error_errno (err, "chdir old root");
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return ocirun_error_errno (err, "make old root rslave");
  if (umount2 (".", MNT_DETACH) < 0)
    return ocirun_error_errno (err, "detach old root");
  if (chdir ("/") < 0)
    return ocirun_error_errno (err, "chdir `/`");
  return 0;
}

/* --no-pivot: for roots where pivot_root is impossible (initramfs). */
static int
move_root (const char *rootfs, struct ocirun_error *err)
{
  if (chdir (rootfs) < 0)
    return ocirun_error_errno (err, "chdir `%s`", rootfs);
  if (mount (rootfs, "/", NULL, MS_MOVE, NULL) < 0)
    return ocirun_error_errno (err, "move `%s` to `/`", rootfs);
  if (chroot (".") < 0)
    return ocirun_error_errno (err, "chroot `%s`", rootfs);
  if (chdir ("/") < 0)
    return ocirun_error_errno (err, "chdir `/`");
  return 0;
}

static int
ensure_cwd (int rootfd, const char *cwd, struct ocirun_error *err)
{
  int fd = ocirun_path_open_in_root (rootfd, cwd, OCIRUN_PATH_MKDIR, err);

  if (fd < 0)
    return ocirun_error_prefix (err, "process.cwd");
  close (fd);
  return 0;
}

static int
finalize_paths (const struct oci_config *cfg, int nullfd,
                struct ocirun_error *err)
{
  const struct oci_linux *l = cfg->linux_;
  cleanup_close int rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (rootfd < 0)
    return ocirun_error_errno (err, "open `/`");
  if (l
      && (ocirun_readonly_paths_apply (rootfd, l->readonly_paths,
                                       l->readonly_paths_len, err)
              < 0
          || ocirun_masked_paths_apply (rootfd, nullfd, l->masked_paths,
                                        l->masked_paths_len, mount_label (cfg),
                                        err)
                 < 0))
    return -1;
  /* runc and crun create a missing process.cwd, even under a read-only
     root: do it before that root turns read-only. */
  if (cfg->process && cfg->process->cwd
      && ensure_cwd (rootfd, cfg->process->cwd, err) < 0)
    return -1;
  /* Non-recursive, and only the read-only bit changes: flags locked on
     the rootfs mount (nosuid, ...) stay as they are. */
  if (cfg->root && cfg->root->readonly.set && cfg->root->readonly.value
      && ocirun_mount_setattr_fd (rootfd, false, MOUNT_ATTR_RDONLY, 0) < 0)
    return ocirun_error_errno (err, "make `/` read-only");
  return 0;
}

int
ocirun_rootfs_finalize (struct ocirun_container *c, struct ocirun_error *err)
{
  const struct oci_linux *l = c->config->linux_;
  unsigned long prop = root_propagation (c->config);
  cleanup_close int nullfd = -1;
  bool need_null = l && l->masked_paths_len > 0;

  if (!c->new_mountns)
    {
      if (chdir ("/") < 0)
        return ocirun_error_errno (err, "chdir `/`");
      return 0;
    }
  /* The host's /dev/null, for masking files: the container's /dev may
     not have one. */
  if (need_null && (nullfd = ocirun_masked_paths_open_null ()) < 0)
    ocirun_debug ("clone `/dev/null`: %m: masking with the container's");
  if ((c->opts.no_pivot ? move_root (c->rootfs, err) : pivot (c->rootfs, err))
      < 0)
    return -1;
  if (finalize_paths (c->config, nullfd, err) < 0)
    return -1;
  if (prop && mount (NULL, "/", NULL, prop, NULL) < 0)
    return ocirun_error_errno (err, "set propagation of `/` to %s",
                               l->rootfs_propagation);
  return 0;
}

int
ocirun_rootfs_mount_console (int pty_fd, struct ocirun_error *err)
{
  cleanup_close int rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int target = -1;
  cleanup_close int treefd = -1;

  if (rootfd < 0)
    return ocirun_error_errno (err, "open `/`");
  target = ocirun_path_open_in_root (rootfd, "/dev/console",
                                     OCIRUN_PATH_MKFILE, err);
  if (target < 0)
    return ocirun_error_prefix (err, "mount console");
  treefd = open_tree (pty_fd, "",
                      AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (treefd < 0 || ocirun_move_mount_fd (treefd, target) < 0)
    return ocirun_error_errno (err, "mount console on `/dev/console`");
  return 0;
}
