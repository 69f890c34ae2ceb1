/* sanitizer.h - what the runtime does differently under ASan (LSan).
 *
 * LeakSanitizer's exit-time check stops the world through a helper task
 * cloned from the process, which gives up unless getppid() is the
 * process it came from.  After setns (CLONE_NEWPID) that helper is born
 * in the container's pid namespace, where its parent has no pid (0), so
 * the exit-time check waits for it forever: `ocirun exec` never exits.
 * ocirun_leak_check_now () runs the leak check right away instead (a leak
 * found is reported and the process exits with an error, as at exit);
 * LSan then skips the check at exit.  Allocations made after this point
 * go unchecked.  The check itself needs free fds (LSan opens
 * /proc/<pid>/task, /proc/self/maps and its report file): with fewer
 * than `need` it fails with EMFILE instead, and the caller must fail
 * too, before the setns (the caller needs that many fds anyway).  In
 * builds without ASan it is an empty inline function. */
#ifndef OCIRUN_SANITIZER_H
#define OCIRUN_SANITIZER_H

#if defined(__SANITIZE_ADDRESS__)
#include <errno.h>
#include <fcntl.h>
#include <sanitizer/lsan_interface.h>
#include <sys/resource.h>

static inline int
ocirun_leak_check_now (int need)
{
  struct rlimit rl;

  /* Only a low limit can be short: count what is free under it. */
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096)
    {
      int free_fds = 0;

      for (int fd = 0; fd < (int)rl.rlim_cur; fd++)
        if (fcntl (fd, F_GETFD) < 0)
          free_fds++;
      if (free_fds < need)
        {
          errno = EMFILE;
          return -1;
        }
    }
  __lsan_do_leak_check ();
  return 0;
}
#else
static inline int
ocirun_leak_check_now (int need)
{
  (void)need;
  return 0;
}
#endif

#endif
