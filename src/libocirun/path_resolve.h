/* path_resolve.h - open and create paths *inside* a root directory fd.
 *
 * Every lookup behaves as if rootfd were "/": absolute symlinks restart at
 * rootfd, ".." never climbs above it, magic links (/proc/self/fd/N style)
 * are refused.  This is what keeps a hostile rootfs (`/evil -> /etc`,
 * `/evil -> ../../..`) from redirecting a mount, a device node or a masked
 * path onto the host.  The common case (path already exists) is a single
 * openat2(RESOLVE_IN_ROOT); creation walks component by component with
 * O_NOFOLLOW so that nothing is ever created outside the root. */
#ifndef OCIRUN_PATH_RESOLVE_H
#define OCIRUN_PATH_RESOLVE_H

#include <sys/types.h>

#include "libocirun/error.h"

enum ocirun_path_create
{
  OCIRUN_PATH_NOCREATE = 0, /* fail with ENOENT if missing */
  OCIRUN_PATH_MKDIR,        /* create missing dirs, last one too */
  OCIRUN_PATH_MKFILE,       /* create missing dirs, last one as empty file */
};

/* Open path (absolute or relative, both taken from rootfd) as an O_PATH |
 * O_CLOEXEC fd, following symlinks inside the root.  Missing components
 * are created per `create` (directories 0755, files 0644, owned by the
 * caller).  Returns the fd or < 0 with err set ("resolve `path` in
 * rootfs: ..."); err->errnum is ENOENT for a missing path with
 * OCIRUN_PATH_NOCREATE so callers may ignore it. */
int ocirun_path_open_in_root (int rootfd, const char *path,
                              enum ocirun_path_create create,
                              struct ocirun_error *err);

/* Open the parent directory of path inside the root (creating missing
 * directories if mkdirs) and copy the last component of path into base
 * (base_len bytes).  The caller uses base with *at() calls that do not
 * follow symlinks, so the last component is never redirected.  Paths
 * without a last component ("/", "x/..") fail with EINVAL. */
int ocirun_path_open_parent_in_root (int rootfd, const char *path, int mkdirs,
                                     char *base, size_t base_len,
                                     struct ocirun_error *err);

/* "/proc/self/fd/<fd>" into buf (at least 32 bytes); returns buf. */
char *ocirun_proc_fd_path (int fd, char *buf, size_t len);

#endif
