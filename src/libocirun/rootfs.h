/* rootfs.h - the container's filesystem: root, mounts[], /dev, masked and
 * read-only paths, pivot_root.
 *
 * Call order (see container.h):
 *   parent, before fork   ocirun_rootfs_validate()
 *   child, new mount ns   ocirun_rootfs_prepare()   (before createContainer
 *                                                    hooks)
 *   child                 ocirun_rootfs_finalize()  (after them)
 *
 * Every mount destination, device, masked and read-only path is resolved
 * inside the rootfs (openat2 RESOLVE_IN_ROOT), so a symlink in the rootfs
 * can never redirect a mount onto the host. */
#ifndef OCIRUN_ROOTFS_H
#define OCIRUN_ROOTFS_H

#include "libocirun/container.h"
#include "libocirun/error.h"
#include "oci-spec/config.h"

/* The area's other entry points for the engine: linux.intelRdt host
 * check, linux.memoryPolicy validation and application. */
#include "libocirun/intelrdt.h"
#include "libocirun/memory_policy.h"

/* Parent, before any fork: root.path exists and is a directory (relative
 * paths are taken from bundle), every mounts[] destination is set
 * (relative ones, deprecated, are taken from "/"), every mount option is
 * known, idmapped mounts have mappings, the rootfsPropagation value is known,
 * masked/readonly paths and devices are absolute and well-formed.  Messages
 * look like "config.json: mounts[2].destination: ...". */
int ocirun_rootfs_validate (const struct oci_config *cfg, const char *bundle,
                            struct ocirun_error *err);

/* Parent, after ocirun_rootfs_validate() and before the container
 * process is created (optional without a user namespace): prepare the
 * idmapped bind mounts (mounts[] with idmap/ridmap or uid/gidMappings).
 * Only the host's root can idmap a host filesystem, so with a user
 * namespace the child could not do it itself; it inherits the prepared
 * mount fds and attaches them.  Call ocirun_rootfs_parent_done() in the
 * parent once the child exists (or on failure) to close the parent's
 * copies. */
int ocirun_rootfs_prepare_parent (struct ocirun_container *c,
                                  struct ocirun_error *err);
void ocirun_rootfs_parent_done (void);

/* Child, in its new mount namespace, before pivot_root: make the mount
 * tree rslave (or linux.rootfsPropagation), bind the rootfs onto itself,
 * perform mounts[] in order, set up /dev.  Does nothing when the mount
 * namespace was joined (c->new_mountns false). */
int ocirun_rootfs_prepare (struct ocirun_container *c,
                           struct ocirun_error *err);

/* Child, after createContainer hooks: pivot_root (or MS_MOVE + chroot
 * with c->opts.no_pivot), detach the old root, masked paths, read-only
 * paths, root.readonly, final rootfsPropagation, chdir ("/").  With a
 * joined mount namespace only chdir ("/") is done. */
int ocirun_rootfs_finalize (struct ocirun_container *c,
                            struct ocirun_error *err);

/* Child, after ocirun_rootfs_finalize(), with process.terminal: bind the
 * pty slave pty_fd (opened in the container's devpts) onto /dev/console,
 * creating it if needed. */
int ocirun_rootfs_mount_console (int pty_fd, struct ocirun_error *err);

#endif
