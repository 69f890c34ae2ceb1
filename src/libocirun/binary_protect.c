/* binary_protect.c - keep the runtime itself out of the container's reach.
 *
 * CVE-2019-5736: a container process opened /proc/<runc pid>/exe while
 * runc ran inside the container's namespaces, kept the fd, and rewrote the
 * host binary once runc exited.  ocirun forks without re-exec, so the
 * container init (until its execve) and the `exec` child are the ocirun
 * image, visible in the container's pid namespace.
 *
 * Mitigation: PR_SET_DUMPABLE 0 in those processes.  /proc/<pid>/exe,
 * fd/, mem, environ, ... then require CAP_SYS_PTRACE in the user namespace
 * that owns the runtime's mm (the host's), which a container process has
 * only when it runs in the host user namespace *and* was given
 * CAP_SYS_PTRACE (not in the default set): such a container is privileged
 * anyway.  execve of the container program makes the process dumpable
 * again (for a readable, non-setuid binary), so nothing else changes.
 *
 * Rejected: copying the binary into a sealed memfd and re-executing it
 * (runc's answer) costs a copy of the binary plus an execve per container
 * and contradicts the fork-only design; a read-only bind mount of the
 * binary needs a re-exec too (the running image's mount can't change).
 * The measured cost of the prctl is below a microsecond. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "libocirun/security.h"

int
ocirun_protect_runtime_binary (struct ocirun_error *err)
{
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return ocirun_error_errno (err, "prctl (PR_SET_DUMPABLE, 0)");
  return 0;
}

int
ocirun_verify_procfs_fd (int fd, const char *what, struct ocirun_error *err)
{
  struct statfs sfs;

  if (fstatfs (fd, &sfs) < 0)
    return ocirun_error_errno (err, "fstatfs `%s`", what);
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return ocirun_error_set (err, EXDEV,
                             "`%s` is not on procfs (f_type 0x%lx)", what,
                             (unsigned long)sfs.f_type);
  return 0;
}

int
ocirun_open_procfs (const char *path, int flags, struct ocirun_error *err)
{
  int fd;

  fd = open (path, flags | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return ocirun_error_errno (err, "open `%s`", path);
  if (ocirun_verify_procfs_fd (fd, path, err) < 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}
