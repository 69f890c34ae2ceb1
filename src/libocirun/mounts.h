/* mounts.h - performing one mounts[] entry inside the rootfs.
 *
 * Internal to the rootfs area (rootfs.c drives it).  Destinations are
 * resolved with path_resolve.h; bind mounts are made with
 * open_tree(OPEN_TREE_CLONE) + mount_setattr() + move_mount() so that the
 * flags are applied before the mount becomes visible and flags locked on
 * the source (nosuid, nodev, noexec) are never lost by a read-only bind. */
#ifndef OCIRUN_MOUNTS_H
#define OCIRUN_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#include "libocirun/container.h"
#include "libocirun/error.h"
#include "libocirun/mount_options.h"
#include "oci-spec/config.h"

struct ocirun_mount_ctx
{
  int rootfd;                   /* O_PATH fd of the rootfs mount */
  const char *bundle;           /* relative bind sources start here */
  const struct oci_config *cfg; /* for idmap defaults */
  const struct ocirun_container *container; /* its cgroup paths (cgroup
                                               mounts); may be NULL */
  bool userns;             /* a new user namespace was created */
  bool cgroupns;           /* the container has a cgroup namespace */
  const char *mount_label; /* SELinux context=, NULL when disabled */
  int idmap_userns_fd;     /* cache for idmapped mounts, -1 */
  const struct oci_id_mapping *idmap_uid; /* mappings idmap_userns_fd has */
  const struct oci_id_mapping *idmap_gid;
  bool dev_readonly; /* set by a read-only /dev mount, made read-only only
                        once the device nodes exist */
  int parent_bind;   /* ocirun_mount_prepare_idmapped only: one more bind
                        mount (index) to open in the parent, -1 none: the
                        NOTIFY_SOCKET relay, in the runtime's 0700 state
                        dir, which the child's user may not traverse */
};

/* config.md (Linux): a relative destination is deprecated but allowed,
 * "interpreted as relative to /".  True when dest names the absolute
 * path abs ("/dev") once made absolute and lexically cleaned: repeated
 * "/", "." components and a trailing "/" are dropped, ".." removes the
 * previous component (never climbing above "/").  Used for the
 * destinations the runtime treats specially (/dev, /proc, ...); the
 * mount itself is always resolved inside the rootfs by path_resolve. */
bool ocirun_mount_dest_is (const char *dest, const char *abs);

/* Perform mounts[index] (m).  Errors read "mount `src` on `dest`: ...". */
int ocirun_mount_one (struct ocirun_mount_ctx *ctx, const struct oci_mount *m,
                      struct ocirun_error *err);

/* Parent, before the container process exists: make the detached trees
 * of idmapped bind mounts (only the host's root may idmap a mount of a
 * host filesystem; the child, in its user namespace, could not), and of
 * ctx->parent_bind.  The
 * child's ocirun_mount_one() attaches them.  Kept in process memory that
 * the forked child inherits. */
int ocirun_mount_prepare_idmapped (struct ocirun_mount_ctx *ctx,
                                   struct ocirun_error *err);
void ocirun_mount_release_prepared (void);

/* Release what the context cached. */
void ocirun_mount_ctx_release (struct ocirun_mount_ctx *ctx);

/* Attach the detached (or attached) mount tree treefd onto targetfd. */
int ocirun_move_mount_fd (int treefd, int targetfd);

/* Apply propagation[] (MS_* [| MS_REC]) to the mount whose root is fd. */
int ocirun_mount_set_propagation (int fd, unsigned long propagation);

/* mount_setattr() on the mount whose root is fd (AT_RECURSIVE if
 * recursive). */
int ocirun_mount_setattr_fd (int fd, bool recursive, uint64_t set,
                             uint64_t clr);

/* Mount a filesystem with mount(2) onto the directory or file fd
 * (through /proc/self/fd/N, which must be the host's /proc or a procfs of
 * the caller's pid namespace). */
int ocirun_mount_on_fd (const char *source, int targetfd, const char *type,
                        unsigned long flags, const char *data);

/* A fresh read-only, empty tmpfs on targetfd, made with fsopen() so that
 * it works without /proc (masked directories after pivot_root). */
int ocirun_mount_empty_ro_tmpfs (int targetfd);

/* cgroup mounts (mount_cgroup.c): `type: cgroup` at m->destination. */
int ocirun_mount_cgroup (struct ocirun_mount_ctx *ctx,
                         const struct oci_mount *m,
                         const struct ocirun_mount_opts *o, int destfd,
                         struct ocirun_error *err);

/* A user namespace fd with these mappings, for MOUNT_ATTR_IDMAP
 * (mount_idmap.c). */
int ocirun_userns_fd_from_mappings (const struct oci_id_mapping *uid,
                                    size_t uid_len,
                                    const struct oci_id_mapping *gid,
                                    size_t gid_len, struct ocirun_error *err);

/* Copy the contents of directory srcfd into directory dstfd: files,
 * directories, symlinks, device nodes and fifos with their owner, mode
 * and times (tmpcopyup, mount_copyup.c). */
int ocirun_copy_dir_contents (int srcfd, int dstfd, struct ocirun_error *err);

#endif
