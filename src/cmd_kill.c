/* cmd_kill.c - `ocirun kill [--all] ID [SIGNAL]`. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>

#include "commands.h"
#include "libocirun/engine.h"

static const struct option options[] = {
  { "all", no_argument, NULL, 'a' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_kill (struct ocirun_global_options *g, int argc, char **argv)
{
  struct ocirun_error err;
  bool all = false;
  int c, signo = SIGTERM;

  while ((c = getopt_long (argc, argv, "+ah", options, NULL)) != -1)
    switch (c)
      {
      case 'a':
        all = true;
        break;
      case 'h':
        printf ("Usage: ocirun kill [--all] ID [SIGNAL]\n\n"
                "Send SIGNAL (name with or without SIG, or number; default\n"
                "TERM) to the container process, or with --all to every\n"
                "process of the container.\n");
        return 0;
      default:
        return cmd_usage_error ("kill", "unknown option");
      }
  if (optind >= argc || argc - optind > 2)
    return cmd_usage_error ("kill", "expects ID and an optional SIGNAL");
  if (argc - optind == 2)
    {
      signo = ocirun_signal_parse (argv[optind + 1]);
      if (signo < 0)
        return cmd_usage_error ("kill", "unknown signal `%s`",
                                argv[optind + 1]);
    }
  if (ocirun_container_kill (g->root, argv[optind], signo, all, &err) < 0)
    return cmd_fail (&err);
  return 0;
}
