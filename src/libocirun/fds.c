/* fds.c - file descriptors passed to the container process. */
#include "libocirun/fds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int
ocirun_fds_listen_count (void)
{
  const char *pid = getenv ("LISTEN_PID");
  const char *fds = getenv ("LISTEN_FDS");
  char *end;
  long n;

  if (pid == NULL || fds == NULL)
    return 0;
  if (strtol (pid, &end, 10) != (long)getpid () || *end)
    return 0;
  n = strtol (fds, &end, 10);
  if (*end || n < 0 || n > 4096)
    return 0;
  return (int)n;
}

int
ocirun_fds_close_from (int first, struct ocirun_error *err)
{
  if (syscall (SYS_close_range, (unsigned)first, ~0U, CLOSE_RANGE_CLOEXEC)
      == 0)
    return 0;
  /* Old kernels: walk /proc/self/fd is not possible after pivot without
   * /proc, so fall back to the rlimit bound. */
  long max = sysconf (_SC_OPEN_MAX);
  for (long fd = first; fd < max; fd++)
    {
      int flags = fcntl ((int)fd, F_GETFD);
      if (flags >= 0 && !(flags & FD_CLOEXEC)
          && fcntl ((int)fd, F_SETFD, flags | FD_CLOEXEC) < 0)
        return ocirun_error_errno (err, "set close-on-exec on fd %ld", fd);
    }
  return 0;
}

int
ocirun_fds_chown_stdio (uid_t uid, gid_t gid, struct ocirun_error *err)
{
  for (int fd = 0; fd < 3; fd++)
    {
      struct stat st;

      if (fstat (fd, &st) < 0)
        continue;
      /* /dev/null is shared with the whole system: never chown it. */
      if (S_ISCHR (st.st_mode) && major (st.st_rdev) == 1
          && minor (st.st_rdev) == 3)
        continue;
      if (st.st_uid != getuid ())
        continue;
      if (fchown (fd, uid, gid) < 0 && errno != EINVAL && errno != EPERM
          && errno != EROFS)
        return ocirun_error_errno (err, "chown stdio fd %d", fd);
    }
  return 0;
}

/* Control buffer for one fd, aligned for struct cmsghdr. */
union fd_cmsg
{
  char buf[CMSG_SPACE (sizeof (int))];
  struct cmsghdr align;
};

ssize_t
ocirun_fds_send (int sock, int fd, const void *data, size_t len)
{
  union fd_cmsg ctl;
  struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
  struct msghdr msg = { .msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = ctl.buf,
                        .msg_controllen = sizeof ctl.buf };
  struct cmsghdr *cm;
  ssize_t r;

  memset (&ctl, 0, sizeof ctl);
  cm = CMSG_FIRSTHDR (&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cm), &fd, sizeof fd);
  do
    r = sendmsg (sock, &msg, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  return r;
}

ssize_t
ocirun_fds_recv (int sock, void *data, size_t len, int *fd, bool retry_reset)
{
  union fd_cmsg ctl;
  struct iovec iov = { .iov_base = data, .iov_len = len };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
  struct cmsghdr *cm;
  ssize_t r;

  *fd = -1;
  do
    {
      msg.msg_control = ctl.buf;
      msg.msg_controllen = sizeof ctl.buf;
      r = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);
    }
  while (r < 0 && (errno == EINTR || (retry_reset && errno == ECONNRESET)));
  if (r < 0)
    return r;
  cm = CMSG_FIRSTHDR (&msg);
  if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS
      && cm->cmsg_len == CMSG_LEN (sizeof (int)))
    memcpy (fd, CMSG_DATA (cm), sizeof *fd);
  return r;
}
