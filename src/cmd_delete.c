/* cmd_delete.c - `ocirun delete [--force] ID`. */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "libocirun/engine.h"

static const struct option options[] = {
  { "force", no_argument, NULL, 'f' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_delete (struct ocirun_global_options *g, int argc, char **argv)
{
  struct ocirun_error err;
  bool force = false;
  int c;

  while ((c = getopt_long (argc, argv, "+fh", options, NULL)) != -1)
    switch (c)
      {
      case 'f':
        force = true;
        break;
      case 'h':
        printf ("Usage: ocirun delete [--force] ID\n\n"
                "Delete a container; a running one needs --force (it is\n"
                "killed first).\n");
        return 0;
      default:
        return cmd_usage_error ("delete", "unknown option");
      }
  if (optind + 1 != argc)
    return cmd_usage_error ("delete", "expects exactly one container ID");
  if (ocirun_container_delete (g->root, argv[optind], force, &err) < 0)
    return cmd_fail (&err);
  return 0;
}
