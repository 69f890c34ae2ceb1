/* cgroup_target.h - a container looked up by id for the cgroup commands
 * (ps, pause, resume, update, events): state directory, lock, status and
 * a struct ocirun_container the cgroup API can load into. */
#ifndef OCIRUN_CGROUP_TARGET_H
#define OCIRUN_CGROUP_TARGET_H

#include <stdbool.h>

#include "libocirun/cgroup.h"
#include "libocirun/container.h"
#include "libocirun/state.h"

struct ocirun_cgroup_target
{
  struct ocirun_container c; /* id, state_dir; c.cgroup loaded */
  char state_dir[4096];
  struct ocirun_state *state;
  enum oci_status status; /* live status (stopped if the process is gone) */
  bool paused;
  int rootfd;
  int dirfd;
};

/* Open <root>/<id> (lock: LOCK_EX, LOCK_SH or 0), read its state and load
 * its cgroup.  "container `id` does not exist" (ENOENT) when unknown. */
int ocirun_cgroup_target_open (const char *root, const char *id, int lock,
                               struct ocirun_cgroup_target *t,
                               struct ocirun_error *err);
void ocirun_cgroup_target_close (struct ocirun_cgroup_target *t);

/* "running", "paused", "created", "stopped"... as `state` shows it. */
const char *ocirun_cgroup_target_status (const struct ocirun_cgroup_target *t);

#endif
