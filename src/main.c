/* main.c - global options and dispatch to one src/cmd_<name>.c per command.
 *
 * Global flags come before the command, as with runc and crun:
 *   ocirun [--root DIR] [--log FILE] [--log-format text|json] [--debug]
 *          [--systemd-cgroup] COMMAND [command flags] [args] */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "libocirun/features_flags.h"
#include "oci-spec/config.h"

struct command
{
  const char *name;
  ocirun_command_fn fn;
  const char *summary;
};

static const struct command commands[] = {
  { "create", cmd_create, "create a container" },
  { "start", cmd_start, "start the user process of a created container" },
  { "run", cmd_run, "create and start a container" },
  { "state", cmd_state, "print the state of a container" },
  { "kill", cmd_kill, "send a signal to a container's process" },
  { "delete", cmd_delete, "delete a container" },
  { "list", cmd_list, "list containers" },
  { "exec", cmd_exec, "run a process in a running container" },
  { "ps", cmd_ps, "list the processes of a container" },
  { "pause", cmd_pause, "freeze all processes of a container" },
  { "resume", cmd_resume, "thaw a paused container" },
  { "update", cmd_update, "change the resources of a container" },
  { "events", cmd_events, "print container events and statistics" },
  { "spec", cmd_spec, "write a default config.json" },
  { "features", cmd_features, "print the features this runtime supports" },
};

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage: ocirun [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
           "An OCI runtime-spec %s container runtime.\n\nCommands:\n",
           OCI_SPEC_VERSION);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out,
           "\nGlobal options:\n"
           "  --root DIR             state directory (default /run/ocirun,\n"
           "                         $XDG_RUNTIME_DIR/ocirun when not root)\n"
           "  --log FILE             write log messages to FILE\n"
           "  --log-format FORMAT    text (default) or json\n"
           "  --debug                enable debug logging\n"
           "  --systemd-cgroup       use the systemd cgroup driver\n"
           "  -v, --version          print the version\n"
           "  -h, --help             print this help\n\n"
           "Run 'ocirun COMMAND --help' for a command's options.\n");
}

/* Which C library the binary was built with: the musl build starts
 * ~0.4 ms faster per command on a VM (scripts/build-musl.sh). */
#define OCIRUN_STR_(x) #x
#define OCIRUN_STR(x) OCIRUN_STR_ (x)
#ifdef __GLIBC__
#define OCIRUN_LIBC_STR                                                       \
  "glibc " OCIRUN_STR (__GLIBC__) "." OCIRUN_STR (__GLIBC_MINOR__)
#else
#define OCIRUN_LIBC_STR "musl"
#endif

static void
print_version (void)
{
  printf ("ocirun version %s\ncommit: %s\nspec: %s\nlibc: %s\n%s\n",
          PACKAGE_VERSION, GIT_COMMIT, OCI_SPEC_VERSION, OCIRUN_LIBC_STR,
          OCIRUN_FEATURE_LINE);
}

int
cmd_fail (const struct ocirun_error *err)
{
  char buf[OCIRUN_ERROR_MSG_MAX + 256];

  ocirun_log_error (err);
  /* Like runc: with --log the error also goes to stderr, where a person
   * (or conmon's fallback) sees it. */
  if (ocirun_log_fd () != 2)
    fprintf (stderr, "ocirun: %s\n", ocirun_error_text (err, buf, sizeof buf));
  return 1;
}

int
cmd_usage_error (const char *cmd, const char *fmt, ...)
{
  va_list ap;

  fputs ("ocirun: ", stderr);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fprintf (stderr, "\nRun 'ocirun%s%s --help' for usage.\n", cmd ? " " : "",
           cmd ? cmd : "");
  return 1;
}

bool
cmd_one_id (const char *cmd, const char *help, int argc, char **argv,
            const char **id, int *code)
{
  static const struct option opts[]
      = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  int c;

  while ((c = getopt_long (argc, argv, "+h", opts, NULL)) != -1)
    {
      if (c == 'h')
        {
          printf ("Usage: ocirun %s ID\n\n%s\n", cmd, help);
          *code = 0;
          return false;
        }
      *code = cmd_usage_error (cmd, "unknown option");
      return false;
    }
  if (optind + 1 != argc)
    {
      *code = cmd_usage_error (cmd, "expects exactly one container ID");
      return false;
    }
  *id = argv[optind];
  return true;
}

static const char *
default_root (struct ocirun_global_options *g)
{
  static char buf[4096];
  const char *xdg = getenv ("XDG_RUNTIME_DIR");

  if (geteuid () == 0 || xdg == NULL || xdg[0] == '\0')
    return "/run/ocirun";
  g->rootless_auto = true;
  snprintf (buf, sizeof buf, "%s/ocirun", xdg);
  return buf;
}

enum
{
  OPT_ROOT = 256,
  OPT_LOG,
  OPT_LOG_FORMAT,
  OPT_DEBUG,
  OPT_SYSTEMD_CGROUP,
  OPT_IGNORED_ARG,
  OPT_IGNORED_FLAG,
};

static const struct option global_options[] = {
  { "root", required_argument, NULL, OPT_ROOT },
  { "log", required_argument, NULL, OPT_LOG },
  { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
  { "debug", no_argument, NULL, OPT_DEBUG },
  { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
  /* Accepted for runc compatibility; engines pass them. */
  { "rootless", required_argument, NULL, OPT_IGNORED_ARG },
  { "criu", required_argument, NULL, OPT_IGNORED_ARG },
  { "cgroup-manager", required_argument, NULL, OPT_IGNORED_ARG },
  { "version", no_argument, NULL, 'v' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static int
parse_global_options (struct ocirun_global_options *g, int argc, char **argv)
{
  int c;

  /* '+': stop at the command name; its flags are its own. */
  while ((c = getopt_long (argc, argv, "+vh", global_options, NULL)) != -1)
    {
      switch (c)
        {
        case OPT_ROOT:
          g->root = optarg;
          break;
        case OPT_LOG:
          g->log = optarg;
          break;
        case OPT_LOG_FORMAT:
          if (strcmp (optarg, "json") == 0)
            g->log_format = OCIRUN_LOG_JSON;
          else if (strcmp (optarg, "text") == 0)
            g->log_format = OCIRUN_LOG_TEXT;
          else
            return cmd_usage_error (NULL, "unknown log format `%s`", optarg);
          break;
        case OPT_DEBUG:
          g->debug = true;
          break;
        case OPT_SYSTEMD_CGROUP:
          g->systemd_cgroup = true;
          break;
        case OPT_IGNORED_ARG:
        case OPT_IGNORED_FLAG:
          break;
        case 'v':
          print_version ();
          exit (0);
        case 'h':
          print_usage (stdout);
          exit (0);
        default:
          return cmd_usage_error (NULL, "unknown global option");
        }
    }
  return 0;
}

int
main (int argc, char **argv)
{
  struct ocirun_global_options g = { 0 };
  struct ocirun_error err;

  if (parse_global_options (&g, argc, argv) != 0)
    return 1;
  if (g.root == NULL)
    g.root = default_root (&g);
  if (ocirun_log_init (g.log, g.log_format, g.debug, &err) < 0)
    return cmd_fail (&err);
  if (optind >= argc)
    {
      print_usage (stderr);
      return 1;
    }

  const char *name = argv[optind];
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp (name, commands[i].name) == 0)
      {
        int cargc = argc - optind;
        char **cargv = argv + optind;
        optind = 0; /* reset getopt for the command's own parsing */
        return commands[i].fn (&g, cargc, cargv);
      }
  return cmd_usage_error (NULL, "unknown command `%s`", name);
}
