/* fds.h - which file descriptors reach the container process.
 *
 * Only stdio, the LISTEN_FDS of socket activation (when LISTEN_PID names
 * this runtime, like runc) and --preserve-fds N pass: fds
 * 3 .. 3 + listen + N - 1.  Every other fd is marked close-on-exec right
 * before execve, so no runtime fd (state dir, cgroup, sockets) can leak
 * into the container. */
#ifndef OCIRUN_FDS_H
#define OCIRUN_FDS_H

#include <stdbool.h>
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

/* Send fd over the unix socket sock (SCM_RIGHTS) with len bytes of data
 * (the fd goes with the first byte).  Returns sendmsg's result: the bytes
 * sent (a stream may take fewer than len), -1 with errno on failure. */
ssize_t ocirun_fds_send (int sock, int fd, const void *data, size_t len);

/* Receive up to len bytes from sock, and the fd the message carried into
 * *fd (close-on-exec; -1 if none).  Retries EINTR and, with
 * retry_reset, ECONNRESET (a peer that closed with our data unread: what
 * it sent before is still queued).  Returns recvmsg's result. */
ssize_t ocirun_fds_recv (int sock, void *data, size_t len, int *fd,
                         bool retry_reset);

#endif
