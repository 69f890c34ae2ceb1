/* cmd_pause.c - `ocirun pause ID`: freeze every process of a running (or
 * created) container, as runc allows. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/file.h>

#include "commands.h"
#include "libocirun/cgroup_target.h"

static void
pause_usage (FILE *out)
{
  fprintf (out, "Usage: ocirun pause CONTAINER_ID\n\n"
                "Suspend all processes of the container (cgroup freezer).\n");
}

int
cmd_pause (struct ocirun_global_options *g, int argc, char **argv)
{
  static const struct option opts[]
      = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  struct ocirun_cgroup_target t;
  struct ocirun_error err;
  int c, r;

  ocirun_error_clear (&err);
  while ((c = getopt_long (argc, argv, "+h", opts, NULL)) != -1)
    {
      if (c == 'h')
        {
          pause_usage (stdout);
          return 0;
        }
      return cmd_usage_error ("pause", "unknown option");
    }
  if (argc - optind != 1)
    return cmd_usage_error ("pause", "pause needs exactly one container id");
  r = ocirun_cgroup_target_open (g->root, argv[optind], LOCK_EX, &t, &err);
  if (r == 0
      && ((t.status != OCI_STATUS_RUNNING && t.status != OCI_STATUS_CREATED)
          || t.paused))
    r = ocirun_error_set (&err, EINVAL, "container `%s` is not running (%s)",
                          argv[optind], ocirun_cgroup_target_status (&t));
  if (r == 0)
    r = ocirun_cgroup_freeze (&t.c, &err);
  ocirun_cgroup_target_close (&t);
  return r < 0 ? cmd_fail (&err) : 0;
}
