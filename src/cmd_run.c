/* cmd_run.c - `ocirun run [--detach] [--keep] [create's options] ID`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "create_options.h"
#include "libocirun/engine.h"

enum
{
  OPT_DETACH = 'd',
  OPT_KEEP = OPT_CREATE_LAST,
};

static const struct option options[] = {
  CREATE_LONG_OPTIONS,
  { "detach", no_argument, NULL, OPT_DETACH },
  { "keep", no_argument, NULL, OPT_KEEP },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static void
usage (void)
{
  printf ("Usage: ocirun run [OPTIONS] ID\n\n"
          "Create and start a container.  In the foreground, wait for it,\n"
          "forward signals, exit with its exit code (128+N if killed by\n"
          "signal N) and delete it.\n\n"
          "  -d, --detach              return once the container runs\n"
          "      --keep                do not delete it after it "
          "exits\n" CREATE_OPTIONS_HELP);
}

int
cmd_run (struct ocirun_global_options *g, int argc, char **argv)
{
  struct ocirun_runtime_options opts = { 0 };
  struct ocirun_error err;
  bool keep = false;
  int c, code;

  opts.root = g->root;
  opts.systemd_cgroup = g->systemd_cgroup;
  while ((c = getopt_long (argc, argv, "+b:dh", options, NULL)) != -1)
    {
      if (c == 'h')
        {
          usage ();
          return 0;
        }
      if (c == OPT_DETACH)
        opts.detach = true;
      else if (c == OPT_KEEP)
        keep = true;
      else if (cmd_create_parse_option (c, "run", &opts) != 0)
        return 1;
    }
  if (optind + 1 != argc)
    return cmd_usage_error ("run", "expects exactly one container ID");
  if (ocirun_container_run (argv[optind], &opts, keep, &code, &err) < 0)
    return cmd_fail (&err);
  return code;
}
