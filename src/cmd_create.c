/* cmd_create.c - `ocirun create [options] ID`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "libocirun/engine.h"

enum
{
  OPT_BUNDLE = 'b',
  OPT_PID_FILE = 256,
  OPT_CONSOLE_SOCKET,
  OPT_PRESERVE_FDS,
  OPT_NO_PIVOT,
  OPT_NO_NEW_KEYRING,
  OPT_IGNORED_ARG,
  OPT_IGNORED_FLAG,
};

static const struct option options[] = {
  { "bundle", required_argument, NULL, OPT_BUNDLE },
  { "pid-file", required_argument, NULL, OPT_PID_FILE },
  { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
  { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
  { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
  { "no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING },
  /* runc flags engines pass that change nothing here. */
  { "no-subreaper", no_argument, NULL, OPT_IGNORED_FLAG },
  { "systemd-cgroup", no_argument, NULL, OPT_IGNORED_FLAG },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static void
usage (void)
{
  printf ("Usage: ocirun create [OPTIONS] ID\n\n"
          "Create a container: set it up completely; it waits for `start`.\n\n"
          "  -b, --bundle DIR          bundle directory (default: .)\n"
          "      --pid-file FILE       write the container's pid to FILE\n"
          "      --console-socket SOCK send the terminal master to SOCK\n"
          "      --preserve-fds N      pass N more fds (from 3) to the "
          "process\n"
          "      --no-pivot            use MS_MOVE + chroot, not pivot_root\n"
          "      --no-new-keyring      keep the caller's session keyring\n");
}

/* Parse create's flags into opts; shared with run (which adds its own).
 * Returns 0, 1 for a usage error, 2 when help was printed. */
int
cmd_create_parse_option (int c, const char *cmd,
                         struct ocirun_runtime_options *opts)
{
  char *end;

  switch (c)
    {
    case OPT_BUNDLE:
      opts->bundle = optarg;
      return 0;
    case OPT_PID_FILE:
      opts->pid_file = optarg;
      return 0;
    case OPT_CONSOLE_SOCKET:
      opts->console_socket = optarg;
      return 0;
    case OPT_PRESERVE_FDS:
      opts->preserve_fds = (int)strtol (optarg, &end, 10);
      if (*end || opts->preserve_fds < 0)
        return cmd_usage_error (cmd, "invalid --preserve-fds `%s`", optarg);
      return 0;
    case OPT_NO_PIVOT:
      opts->no_pivot = true;
      return 0;
    case OPT_NO_NEW_KEYRING:
      opts->no_new_keyring = true;
      return 0;
    case OPT_IGNORED_FLAG:
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
