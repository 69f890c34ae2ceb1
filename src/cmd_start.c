/* cmd_start.c - `ocirun start ID`. */
#include "commands.h"
#include "libocirun/engine.h"

int
cmd_start (struct ocirun_global_options *g, int argc, char **argv)
{
  struct ocirun_error err;
  const char *id;
  int code;

  if (!cmd_one_id ("start", "Run the user process of a created container.",
                   argc, argv, &id, &code))
    return code;
  if (ocirun_container_start (g->root, id, &err) < 0)
    return cmd_fail (&err);
  return 0;
}
