/* cmd_pause.c - `ocirun pause ID`: freeze every process of a running (or
 * created) container, as runc allows. */
#include <errno.h>
#include <sys/file.h>

#include "commands.h"
#include "libocirun/cgroup_target.h"

int
cmd_pause (struct ocirun_global_options *g, int argc, char **argv)
{
  struct ocirun_cgroup_target t;
  struct ocirun_error err;
  const char *id;
  int code, r;

  if (!cmd_one_id ("pause",
                   "Suspend all processes of the container (cgroup freezer).",
                   argc, argv, &id, &code))
    return code;
  ocirun_error_clear (&err);
  r = ocirun_cgroup_target_open (g->root, id, LOCK_EX, &t, &err);
  if (r == 0
      && ((t.status != OCI_STATUS_RUNNING && t.status != OCI_STATUS_CREATED)
          || t.paused))
    r = ocirun_error_set (&err, EINVAL, "container `%s` is not running (%s)",
                          id, ocirun_cgroup_target_status (&t));
  if (r == 0)
    r = ocirun_cgroup_freeze (&t.c, &err);
  ocirun_cgroup_target_close (&t);
  return r < 0 ? cmd_fail (&err) : 0;
}
