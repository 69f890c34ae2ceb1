/* apparmor.c - process.apparmorProfile: "exec <profile>" written to the
 * AppArmor exec attribute, so the profile takes effect at execve. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "libocirun/lsm.h"

bool
ocirun_apparmor_real_enabled (void)
{
  /* Cached: asked in the parent (validate), where /sys is the host's;
   * the child inherits the answer. */
  static int enabled = -1;
  char c = 0;
  int fd;

  if (enabled >= 0)
    return enabled;
  fd = open ("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      if (read (fd, &c, 1) != 1)
        c = 0;
      close (fd);
    }
  enabled = c == 'Y';
  return enabled;
}

int
ocirun_apparmor_real_set_exec_profile (const char *profile)
{
  char buf[4096];
  int n, r;

  n = snprintf (buf, sizeof buf, "exec %s", profile);
  if (n < 0 || (size_t)n >= sizeof buf)
    return -ENAMETOOLONG;
  /* The per-LSM directory (Linux 5.1+) is unambiguous when several LSMs
   * are stacked; the shared attr/exec is the fallback. */
  r = ocirun_lsm_write_proc_attr ("/proc/thread-self/attr/apparmor/exec", buf);
  if (r == -ENOENT)
    r = ocirun_lsm_write_proc_attr ("/proc/self/attr/exec", buf);
  return r;
}
