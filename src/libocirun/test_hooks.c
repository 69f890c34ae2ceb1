/* test_hooks.c - see test_hooks.h.  Compiled to nothing unless the build
 * was configured with --enable-test-hooks. */
#include "libocirun/test_hooks.h"

#ifdef OCIRUN_TEST_HOOKS

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
ocirun_test_stop_at (const char *phase)
{
  static const char prefix[] = "ocirun: test hook: killed at ";
  const char *want = getenv (OCIRUN_TEST_STOP_AT_ENV);

  if (want == NULL || strcmp (want, phase) != 0)
    return;
  /* Tell the test which phase it hit: one write(), nothing buffered. */
  char msg[256];
  int n = snprintf (msg, sizeof msg, "%s%s\n", prefix, phase);
  if (n > 0)
    {
      ssize_t w = write (STDERR_FILENO, msg,
                         (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
      (void)w;
    }
  /* No cleanup of any kind: this is a crash. */
  for (;;)
    kill (getpid (), SIGKILL);
}

#else

/* ISO C wants at least one declaration in a translation unit. */
typedef int ocirun_test_hooks_unused_t;

#endif
