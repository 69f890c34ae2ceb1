/* cmd_resume.c - `ocirun resume ID`: thaw a paused container. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/file.h>

#include "commands.h"
#include "libocirun/cgroup_target.h"

static void
resume_usage (FILE *out)
{
  fprintf (out, "Usage: ocirun resume CONTAINER_ID\n\n"
                "Resume all processes of a paused container.\n");
}

int
cmd_resume (struct ocirun_global_options *g, int argc, char **argv)
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
          resume_usage (stdout);
          return 0;
        }
      return cmd_usage_error ("resume", "unknown option");
    }
  if (argc - optind != 1)
    return cmd_usage_error ("resume", "resume needs exactly one container id");
  r = ocirun_cgroup_target_open (g->root, argv[optind], LOCK_EX, &t, &err);
  if (r == 0 && !t.paused)
    r = ocirun_error_set (&err, EINVAL, "container `%s` is not paused (%s)",
                          argv[optind], ocirun_cgroup_target_status (&t));
  if (r == 0)
    r = ocirun_cgroup_thaw (&t.c, &err);
  ocirun_cgroup_target_close (&t);
  return r < 0 ? cmd_fail (&err) : 0;
}
