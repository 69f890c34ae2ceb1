/* cmd_create.c - `ocirun create [options] ID`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "create_options.h"
#include "libocirun/engine.h"

static const struct option options[] = {
  CREATE_LONG_OPTIONS,
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static void
usage (void)
{
  printf ("Usage: ocirun create [OPTIONS] ID\n\n"
          "Create a container: set it up completely; it waits for "
          "`start`.\n\n" CREATE_OPTIONS_HELP);
}

int
cmd_create_parse_option (int c, const char *cmd,
                         struct ocirun_runtime_options *opts)
{
  char *end;

  switch (c)
    {
    case OPT_CREATE_BUNDLE:
      opts->bundle = optarg;
      return 0;
    case OPT_CREATE_PID_FILE:
      opts->pid_file = optarg;
      return 0;
    case OPT_CREATE_CONSOLE_SOCKET:
      opts->console_socket = optarg;
      return 0;
    case OPT_CREATE_PRESERVE_FDS:
      opts->preserve_fds = (int)strtol (optarg, &end, 10);
      if (*end || opts->preserve_fds < 0)
        return cmd_usage_error (cmd, "invalid --preserve-fds `%s`", optarg);
      return 0;
    case OPT_CREATE_NO_PIVOT:
      opts->no_pivot = true;
      return 0;
    case OPT_CREATE_NO_NEW_KEYRING:
      opts->no_new_keyring = true;
      return 0;
    case OPT_CREATE_IGNORED_FLAG:
      return 0;
    default:
      return cmd_usage_error (cmd, "unknown option");
    }
}

int
cmd_create (struct ocirun_global_options *g, int argc, char **argv)
{
  struct ocirun_runtime_options opts = { 0 };
  struct ocirun_error err;
  int c;

  opts.root = g->root;
  opts.systemd_cgroup = g->systemd_cgroup;
  while ((c = getopt_long (argc, argv, "+b:h", options, NULL)) != -1)
    {
      if (c == 'h')
        {
          usage ();
          return 0;
        }
      if (cmd_create_parse_option (c, "create", &opts) != 0)
        return 1;
    }
  if (optind + 1 != argc)
    return cmd_usage_error ("create", "expects exactly one container ID");
  if (ocirun_container_create (argv[optind], &opts, &err) < 0)
    return cmd_fail (&err);
  return 0;
}
