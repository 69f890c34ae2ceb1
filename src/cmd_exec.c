/* cmd_exec.c - `ocirun exec [options] ID [COMMAND ARGS...]`, runc's
 * flags and exit codes (the command's own in the foreground). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "libocirun/engine.h"

enum
{
  OPT_CONSOLE_SOCKET = 256,
  OPT_PID_FILE,
  OPT_CWD,
  OPT_NO_NEW_PRIVS,
  OPT_APPARMOR,
  OPT_PROCESS_LABEL,
  OPT_PRESERVE_FDS,
  OPT_CGROUP,
  OPT_IGNORED_FLAG,
};

static const struct option options[] = {
  { "process", required_argument, NULL, 'p' },
  { "tty", no_argument, NULL, 't' },
  { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
  { "detach", no_argument, NULL, 'd' },
  { "pid-file", required_argument, NULL, OPT_PID_FILE },
  { "env", required_argument, NULL, 'e' },
  { "user", required_argument, NULL, 'u' },
  { "additional-gids", required_argument, NULL, 'g' },
  { "cwd", required_argument, NULL, OPT_CWD },
  { "cap", required_argument, NULL, 'c' },
  { "no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS },
  { "apparmor", required_argument, NULL, OPT_APPARMOR },
  { "process-label", required_argument, NULL, OPT_PROCESS_LABEL },
  { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
  { "cgroup", required_argument, NULL, OPT_CGROUP },
  { "ignore-paused", no_argument, NULL, OPT_IGNORED_FLAG },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static void
usage (void)
{
  printf ("Usage: ocirun exec [OPTIONS] ID [COMMAND ARGS...]\n\n"
          "Run a process in a running container; exits with its exit code.\n\n"
          "  -p, --process FILE         process.json instead of COMMAND\n"
          "  -t, --tty                  allocate a terminal\n"
          "      --console-socket SOCK  send the terminal master to SOCK\n"
          "  -d, --detach               return once the process runs\n"
          "      --pid-file FILE        write the process's pid to FILE\n"
          "  -e, --env K=V              set an environment variable\n"
          "  -u, --user UID[:GID]       run as this user\n"
          "  -g, --additional-gids G    an additional group\n"
          "      --cwd DIR              working directory\n"
          "  -c, --cap CAP              add a capability\n"
          "      --no-new-privs         set no_new_privs\n"
          "      --apparmor PROFILE     AppArmor profile\n"
          "      --process-label LABEL  SELinux label\n"
          "      --preserve-fds N       pass N more fds (from 3)\n"
          "      --cgroup PATH          run in this sub-cgroup\n");
}

/* Append to a growing vector (the strings stay argv's). */
static int
push (char ***v, size_t *n, char *s)
{
  char **r = realloc (*v, (*n + 2) * sizeof *r);

  if (r == NULL)
    return -1;
  r[(*n)++] = s;
  r[*n] = NULL;
  *v = r;
  return 0;
}

static int
parse (struct ocirun_exec_options *o, int argc, char **argv)
{
  char *end;
  int c, r = 0;

  while ((c = getopt_long (argc, argv, "+p:tde:u:g:c:h", options, NULL)) != -1
         && r == 0)
    switch (c)
      {
      case 'p':
        o->process_file = optarg;
        break;
      case 't':
        o->tty = true;
        break;
      case OPT_CONSOLE_SOCKET:
        o->console_socket = optarg;
        break;
      case 'd':
        o->detach = true;
        break;
      case OPT_PID_FILE:
        o->pid_file = optarg;
        break;
      case 'e':
        r = push (&o->env, &o->env_len, optarg);
        break;
      case 'u':
        o->user = optarg;
        break;
      case 'g':
        r = push (&o->additional_gids, &o->additional_gids_len, optarg);
        break;
      case OPT_CWD:
        o->cwd = optarg;
        break;
      case 'c':
        r = push (&o->caps, &o->caps_len, optarg);
        break;
      case OPT_NO_NEW_PRIVS:
        o->no_new_privs = true;
        break;
      case OPT_APPARMOR:
        o->apparmor = optarg;
        break;
      case OPT_PROCESS_LABEL:
        o->process_label = optarg;
        break;
      case OPT_PRESERVE_FDS:
        o->preserve_fds = (int)strtol (optarg, &end, 10);
        if (*end || o->preserve_fds < 0)
          return cmd_usage_error ("exec", "invalid --preserve-fds `%s`",
                                  optarg);
        break;
      case OPT_CGROUP:
        o->cgroup = optarg;
        break;
      case OPT_IGNORED_FLAG:
        break;
      case 'h':
        usage ();
        return 2;
      default:
        return cmd_usage_error ("exec", "unknown option");
      }
  if (r != 0)
    return cmd_usage_error ("exec", "out of memory");
  if (optind >= argc)
    return cmd_usage_error ("exec", "expects a container ID");
  if (o->process_file == NULL && optind + 1 >= argc)
    return cmd_usage_error ("exec", "expects a COMMAND (or --process)");
  o->args = argv + optind + 1;
  o->args_len = (size_t)(argc - optind - 1);
  return 0;
}

int
cmd_exec (struct ocirun_global_options *g, int argc, char **argv)
{
  struct ocirun_exec_options o = { 0 };
  struct ocirun_error err;
  int r, code = 1;

  o.root = g->root;
  r = parse (&o, argc, argv);
  if (r == 0)
    {
      if (ocirun_container_exec (argv[optind], &o, &code, &err) < 0)
        code = cmd_fail (&err);
    }
  else
    code = r == 2 ? 0 : 1;
  free (o.env);
  free (o.additional_gids);
  free (o.caps);
  return code;
}
