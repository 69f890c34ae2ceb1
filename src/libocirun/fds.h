/* fds.h - which file descriptors reach the container process.
 *
 * Only stdio, the LISTEN_FDS of socket activation (when LISTEN_PID names
 * this runtime, like runc) and --preserve-fds N pass: fds
 * 3 .. 3 + listen + N - 1.  Every other fd is marked close-on-exec right
 * before execve, so no runtime fd (state dir, cgroup, sockets) can leak
 * into the container. */
#ifndef OCIRUN_FDS_H
#define OCIRUN_FDS_H

#include <sys/types.h>

#include "libocirun/error.h"

/* LISTEN_FDS passed to this runtime by socket activation, or 0. */
int ocirun_fds_listen_count (void);

/* Child: CLOEXEC every fd >= 3 + nkeep; clear CLOEXEC on the kept ones
 * that we did not open ourselves is not needed (they came through exec). */
int ocirun_fds_close_from (int first, struct ocirun_error *err);

/* Child: give stdio (fds 0-2) to the process user, as runc does, unless
 * it is /dev/null or owned by someone else already. */
int ocirun_fds_chown_stdio (uid_t uid, gid_t gid, struct ocirun_error *err);

#endif
