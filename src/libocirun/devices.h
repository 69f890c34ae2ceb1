/* devices.h - the container's /dev: default devices (runtime-linux.md),
 * linux.devices, /dev/ptmx and the standard symlinks.
 *
 * Internal to the rootfs area: called by ocirun_rootfs_prepare() after
 * mounts[], with every path resolved inside the rootfs. */
#ifndef OCIRUN_DEVICES_H
#define OCIRUN_DEVICES_H

#include <stdbool.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

/* Create the nodes, the ptmx symlink, the fd/stdin/stdout/stderr/core
 * symlinks and (terminal) the /dev/console mount point.  Device nodes are
 * made with mknod (mode exactly fileMode, owner uid/gid) unless userns,
 * where the host's node is bind-mounted onto an empty file, as mknod is
 * not allowed there.  A file already at a linux.devices path is kept if
 * it is the same kind of node with the same major:minor, and is an error
 * naming "linux.devices[i]" otherwise (config-linux.md); whatever the
 * image has at a default device's path is kept.  Nothing is done when
 * /dev is a bind mount. */
int ocirun_devices_setup (int rootfd, const struct oci_config *cfg,
                          bool userns, bool terminal,
                          struct ocirun_error *err);

/* Validation of linux.devices[i] for the parent (type, major/minor,
 * absolute path).  Messages name "linux.devices[i]...". */
int ocirun_devices_validate (const struct oci_config *cfg,
                             struct ocirun_error *err);

#endif
