/* init.h - the container process side of create (engine-internal).
 *
 * The runtime clone()s the child, which runs ocirun_init_run(): it sets
 * itself up step by step (see container.h for the order), reports READY,
 * waits for `start`, and execve()s the user process.  Every failure goes
 * back to whoever waits (the runtime during create, `start` after) as an
 * ERROR message; the child then exits. */
#ifndef OCIRUN_INIT_H
#define OCIRUN_INIT_H

#include <stdbool.h>
#include <sys/types.h>

#include "libocirun/container.h"
#include "libocirun/namespaces.h"

struct ocirun_init_args
{
  struct ocirun_container *c;
  const struct ocirun_ns_plan *plan;
  int sync_fd;      /* child end of the setup socketpair */
  int start_fd;     /* listening start.sock (create), -1: START on sync_fd */
  int state_dirfd;  /* create: O_PATH fd of the state dir (no lock), to
                       remove start.sock once started: from then on the
                       state dir says "running" even if `start` dies */
  int console_fd;   /* connected console socket, -1 without a terminal */
  int notify_fd;    /* create: NOTIFY_SOCKET relay socket, handed to
                       `start` with START; -1 if none */
  int listen_fds;   /* LISTEN_FDS passed through (socket activation) */
  int keep_fds;     /* listen_fds + --preserve-fds */
  int close_fds[6]; /* the runtime's fds to drop first: the locked state
                       dir (flock belongs to the shared open file), the
                       runtime's socket ends (EOF must mean it died); -1 */
  bool wait_go;     /* must have GO before doing anything */
  bool stage2;      /* cloned by stage 1: namespaces and cgroup are done */
};

/* The container process.  Never returns. */
_Noreturn void ocirun_init_run (struct ocirun_init_args *a);

/* Two-stage path: join/unshare namespaces, clone the container process
 * (CLONE_PARENT: the runtime stays its parent), report its pid, exit. */
_Noreturn void ocirun_init_stage1 (struct ocirun_init_args *a);

/* clone3 without a new stack (fork semantics).  *pidfd gets a pidfd
 * when pidfd != NULL; cgroup_fd >= 0 places the child in that cgroup v2
 * directly (CLONE_INTO_CGROUP).  Falls back to clone() where clone3 is
 * filtered, but only without a cgroup: when a clone into a cgroup fails,
 * callers call ocirun_cgroup_clone_fd_unused () and clone again with -1
 * (the child then enters the cgroup itself).  Returns the pid, 0 in the
 * child, < 0 on error. */
pid_t ocirun_clone (unsigned long flags, int *pidfd, int cgroup_fd);

#endif
