/* cmd_state.c - `ocirun state ID`: runc's state JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "libocirun/engine.h"

int
cmd_state (struct ocirun_global_options *g, int argc, char **argv)
{
  struct ocirun_error err;
  char *json = NULL;
  const char *id;
  int code;

  if (!cmd_one_id ("state", "Print the state of a container as JSON.", argc,
                   argv, &id, &code))
    return code;
  if (ocirun_container_state (g->root, id, &json, &err) < 0)
    return cmd_fail (&err);
  /* Like runc: no trailing newline. */
  fwrite (json, 1, strlen (json), stdout);
  free (json);
  return fflush (stdout) == 0 ? 0 : 1;
}
