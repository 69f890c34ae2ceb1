/* masked_paths.h - linux.maskedPaths and linux.readonlyPaths.
 *
 * Internal to the rootfs area: applied by ocirun_rootfs_finalize() after
 * pivot_root, each path resolved inside the new root so that a symlink
 * in the image can't point the mask or the read-only bind elsewhere.
 * Missing paths are skipped, as runc and crun do. */
#ifndef OCIRUN_MASKED_PATHS_H
#define OCIRUN_MASKED_PATHS_H

#include "libocirun/error.h"
#include "oci-spec/config.h"

/* Read-only recursive bind of each path onto itself. */
int ocirun_readonly_paths_apply (int rootfd, char *const *paths, size_t n,
                                 struct ocirun_error *err);

/* A detached clone of the host's /dev/null, to call before pivot_root
 * and pass to ocirun_masked_paths_apply(); -1 with errno on failure. */
int ocirun_masked_paths_open_null (void);

/* Files: bind of nulltree (from ocirun_masked_paths_open_null(), still
 * owned by the caller; -1: the container's /dev/null); directories: an empty
 * read-only tmpfs (with SELinux context label when not NULL). */
int ocirun_masked_paths_apply (int rootfd, int nulltree, char *const *paths,
                               size_t n, const char *label,
                               struct ocirun_error *err);

#endif
