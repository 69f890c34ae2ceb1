/* cmd_start.c - `ocirun start ID`. */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "libocirun/engine.h"

static const struct option options[] = {
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_start (struct ocirun_global_options *g, int argc, char **argv)
{
  struct ocirun_error err;
  int c;

  while ((c = getopt_long (argc, argv, "+h", options, NULL)) != -1)
    {
      if (c == 'h')
        {
          printf ("Usage: ocirun start ID\n\n"
                  "Run the user process of a created container.\n");
          return 0;
        }
      return cmd_usage_error ("start", "unknown option");
    }
  if (optind + 1 != argc)
    return cmd_usage_error ("start", "expects exactly one container ID");
  if (ocirun_container_start (g->root, argv[optind], &err) < 0)
    return cmd_fail (&err);
  return 0;
}
