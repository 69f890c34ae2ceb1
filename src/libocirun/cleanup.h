/* cleanup.h - scope-bound release of fds, memory, FILEs and child pids.
 *
 *   cleanup_free char *s = strdup (x);
 *   cleanup_close int fd = open (...);
 *   cleanup_pid pid_t pid = fork ();   // killed + reaped unless released
 *
 * To hand ownership out of the scope, steal it: `return steal_pointer (&s);`
 * or `int r = steal_fd (&fd);`. */
#ifndef OCIRUN_CLEANUP_H
#define OCIRUN_CLEANUP_H

#include <stdio.h>
#include <sys/types.h>

void ocirun_freep (void *p);
void ocirun_closep (int *fd);
void ocirun_fclosep (FILE **f);
void ocirun_killpidp (pid_t *pid);
void ocirun_strvfreep (char ***v);

#define cleanup_free __attribute__ ((cleanup (ocirun_freep)))
#define cleanup_close __attribute__ ((cleanup (ocirun_closep)))
#define cleanup_fclose __attribute__ ((cleanup (ocirun_fclosep)))
#define cleanup_pid __attribute__ ((cleanup (ocirun_killpidp)))
#define cleanup_strv __attribute__ ((cleanup (ocirun_strvfreep)))

static inline void *
steal_pointer (void *pp)
{
  void **p = (void **)pp;
  void *r = *p;
  *p = NULL;
  return r;
}

static inline int
steal_fd (int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}

#endif
