/* cmd_resume.c - `ocirun resume ID`: thaw a paused container. */
#include <errno.h>
#include <sys/file.h>

#include "commands.h"
#include "libocirun/cgroup_target.h"

int
cmd_resume (struct ocirun_global_options *g, int argc, char **argv)
{
  struct ocirun_cgroup_target t;
  struct ocirun_error err;
  const char *id;
  int code, r;

  if (!cmd_one_id ("resume", "Resume all processes of a paused container.",
                   argc, argv, &id, &code))
    return code;
  ocirun_error_clear (&err);
  r = ocirun_cgroup_target_open (g->root, id, LOCK_EX, &t, &err);
  if (r == 0 && !t.paused)
    r = ocirun_error_set (&err, EINVAL, "container `%s` is not paused (%s)",
                          id, ocirun_cgroup_target_status (&t));
  if (r == 0)
    r = ocirun_cgroup_thaw (&t.c, &err);
  ocirun_cgroup_target_close (&t);
  return r < 0 ? cmd_fail (&err) : 0;
}
