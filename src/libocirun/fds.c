/* fds.c - file descriptors passed to the container process. */
#include "libocirun/fds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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
