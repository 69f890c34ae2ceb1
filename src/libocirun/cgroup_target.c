/* cgroup_target.c - find a container for the cgroup commands, through
 * the engine's state directory API. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libocirun/cgroup_target.h"

int
ocirun_cgroup_target_open (const char *root, const char *id, int lock,
                           struct ocirun_cgroup_target *t,
                           struct ocirun_error *err)
{
  memset (t, 0, sizeof *t);
  t->rootfd = t->dirfd = -1;
  t->c.sync_fd = -1;
  t->c.seccomp_notify_fd = -1;
  t->c.id = (char *)id;
  snprintf (t->state_dir, sizeof t->state_dir, "%s/%s", root, id);
  t->c.state_dir = t->state_dir;
  if (ocirun_state_validate_id (id, err) < 0)
    return -1;
  if (ocirun_state_root_open (root, false, &t->rootfd, err) < 0)
    {
      if (err->errnum == ENOENT)
        return ocirun_error_set (err, ENOENT, "container `%s` does not exist",
                                 id);
      return -1;
    }
  if (ocirun_state_dir_open (t->rootfd, id, lock, &t->dirfd, err) < 0)
    return -1;
  if (ocirun_state_read (t->dirfd, &t->state, err) < 0)
    {
      if (err->errnum == ENOENT)
        return ocirun_error_set (err, ENOENT,
                                 "container `%s` is being created", id);
      return ocirun_error_prefix (err, "container `%s`", id);
    }
  t->status = ocirun_state_status (t->state);
  if (ocirun_cgroup_load (&t->c, err) < 0)
    {
      if (err->errnum == ENOENT)
        /* ocirun_cgroup_create left it out: unprivileged, not delegated. */
        return ocirun_error_set (err, ENOENT,
                                 "container `%s` has no cgroup (created by "
                                 "an unprivileged user without a delegated "
                                 "cgroup)",
                                 id);
      return ocirun_error_prefix (err, "container `%s`", id);
    }
  if (t->status == OCI_STATUS_RUNNING || t->status == OCI_STATUS_CREATED)
    t->paused = ocirun_cgroup_is_paused (&t->c);
  return 0;
}

void
ocirun_cgroup_target_close (struct ocirun_cgroup_target *t)
{
  ocirun_cgroup_free (t->c.cgroup);
  t->c.cgroup = NULL;
  ocirun_state_free (t->state);
  t->state = NULL;
  if (t->dirfd >= 0)
    close (t->dirfd);
  if (t->rootfd >= 0)
    close (t->rootfd);
  t->dirfd = t->rootfd = -1;
}

const char *
ocirun_cgroup_target_status (const struct ocirun_cgroup_target *t)
{
  if (t->paused)
    return "paused";
  return oci_status_to_string (t->status);
}
