/* mount_idmap.c - a user namespace holding given ID mappings, to pass to
 * mount_setattr(MOUNT_ATTR_IDMAP) for idmapped bind mounts.
 *
 * The namespace is created by a short-lived child: clone(CLONE_NEWUSER),
 * the parent writes the maps and opens /proc/<pid>/ns/user, then lets
 * the child exit.  The fd keeps the namespace alive. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libocirun/cleanup.h"
#include "libocirun/mounts.h"

static int
write_map (const char *pid, const char *file, const struct oci_id_mapping *m,
           size_t n, struct ocirun_error *err)
{
  char path[64], buf[4096];
  size_t len = 0;
  cleanup_close int fd = -1;

  for (size_t i = 0; i < n; i++)
    {
      int r = snprintf (buf + len, sizeof buf - len, "%u %u %u\n",
                        m[i].container_id, m[i].host_id, m[i].size);
      if (r < 0 || (size_t)r >= sizeof buf - len)
        return ocirun_error_set (err, E2BIG, "idmap: too many mappings");
      len += r;
    }
  snprintf (path, sizeof path, "/proc/%s/%s", pid, file);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirun_error_errno (err, "open `%s`", path);
  /* The kernel wants the whole map in one write. */
  if (write (fd, buf, len) != (ssize_t)len)
    return ocirun_error_errno (err, "write `%s`", path);
  return 0;
}

/* The helper's pid as the procfs mounted on /proc numbers it: we may be
 * in a new pid namespace while /proc is still the host's, so the pid
 * clone() returned is not the one to use in /proc paths.  The helper
 * reads it from /proc/self and sends it back. */
static void
helper (int to_parent, int from_parent)
{
  char pid[32], c;
  ssize_t n = readlink ("/proc/self", pid, sizeof pid - 1);

  if (n > 0)
    (void)!write (to_parent, pid, n);
  close (to_parent);
  (void)!read (from_parent, &c, 1);
  _exit (0);
}

static int
setup_maps (const char *pid, const struct oci_id_mapping *uid, size_t uid_len,
            const struct oci_id_mapping *gid, size_t gid_len,
            struct ocirun_error *err)
{
  char path[64];
  int fd;

  if (write_map (pid, "uid_map", uid, uid_len, err) < 0
      || write_map (pid, "gid_map", gid, gid_len, err) < 0)
    return -1;
  snprintf (path, sizeof path, "/proc/%s/ns/user", pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirun_error_errno (err, "open `%s`", path);
  return fd;
}

int
ocirun_userns_fd_from_mappings (const struct oci_id_mapping *uid,
                                size_t uid_len,
                                const struct oci_id_mapping *gid,
                                size_t gid_len, struct ocirun_error *err)
{
  int up[2], down[2], nsfd = -1, status;
  char pid[32];
  ssize_t n;
  pid_t child;

  if (uid_len == 0 || gid_len == 0)
    return ocirun_error_set (err, EINVAL,
                             "idmap: uidMappings and gidMappings needed");
  if (pipe2 (up, O_CLOEXEC) < 0)
    return ocirun_error_errno (err, "idmap: pipe");
  if (pipe2 (down, O_CLOEXEC) < 0)
    {
      close (up[0]);
      close (up[1]);
      return ocirun_error_errno (err, "idmap: pipe");
    }
  /* A raw clone without a new stack behaves like fork(); the child only
     uses async-signal-safe calls, so glibc's state doesn't matter. */
  child = syscall (SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0);
  if (child == 0)
    {
      close (up[0]);
      close (down[1]);
      helper (up[1], down[0]);
    }
  close (up[1]);
  close (down[0]);
  if (child < 0)
    {
      close (up[0]);
      close (down[1]);
      return ocirun_error_errno (err, "idmap: clone user namespace");
    }
  n = read (up[0], pid, sizeof pid - 1);
  close (up[0]);
  if (n <= 0)
    ocirun_error_set (err, n < 0 ? errno : EIO, "idmap: helper pid");
  else
    {
      pid[n] = '\0';
      nsfd = setup_maps (pid, uid, uid_len, gid, gid_len, err);
    }
  close (down[1]);
  while (waitpid (child, &status, 0) < 0 && errno == EINTR)
    ;
  return nsfd;
}
