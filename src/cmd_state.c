/* cmd_state.c - `ocirun state ID`: runc's state JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "libocirun/engine.h"

static const struct option options[] = {
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_state (struct ocirun_global_options *g, int argc, char **argv)
{
  struct ocirun_error err;
  char *json = NULL;
  int c;

  while ((c = getopt_long (argc, argv, "+h", options, NULL)) != -1)
    {
      if (c == 'h')
        {
          printf ("Usage: ocirun state ID\n\n"
                  "Print the state of a container as JSON.\n");
          return 0;
        }
      return cmd_usage_error ("state", "unknown option");
    }
  if (optind + 1 != argc)
    return cmd_usage_error ("state", "expects exactly one container ID");
  if (ocirun_container_state (g->root, argv[optind], &json, &err) < 0)
    return cmd_fail (&err);
  /* Like runc: no trailing newline. */
  fwrite (json, 1, strlen (json), stdout);
  free (json);
  return fflush (stdout) == 0 ? 0 : 1;
}
