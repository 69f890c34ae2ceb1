/* cmd_delete.c - PLACEHOLDER until its area lands: reports that the command is
 * not available yet and fails. Replace this file entirely. */
#include <stdio.h>

#include "commands.h"

int
cmd_delete (struct ocirun_global_options *g, int argc, char **argv)
{
  (void) g;
  (void) argc;
  (void) argv;
  fprintf (stderr, "ocirun: `delete` is not available in this build yet\n");
  return 1;
}
