/* cleanup.c - the functions behind the cleanup_* attributes. */
#include "libocirun/cleanup.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void
ocirun_freep (void *p)
{
  free (*(void **)p);
}

void
ocirun_closep (int *fd)
{
  /* Preserve errno: cleanups run on error paths after the error object
   * was filled, and callers may still look at errno. */
  int saved = errno;

  if (*fd >= 0)
    close (*fd);
  *fd = -1;
  errno = saved;
}

void
ocirun_fclosep (FILE **f)
{
  int saved = errno;

  if (*f)
    fclose (*f);
  *f = NULL;
  errno = saved;
}

void
ocirun_killpidp (pid_t *pid)
{
  int saved = errno;

  if (*pid > 0)
    {
      kill (*pid, SIGKILL);
      while (waitpid (*pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  *pid = 0;
  errno = saved;
}

void
ocirun_strvfreep (char ***v)
{
  if (*v)
    {
      for (char **p = *v; *p; p++)
        free (*p);
      free (*v);
    }
  *v = NULL;
}
