/* cmd_ps.c - `ocirun ps [-f table|json] ID [PS_ARGS...]`, as runc:
 * json prints the container's pids (host pid namespace) as an array;
 * table runs ps(1) (default `ps -ef`) and keeps the header plus the
 * lines whose PID column is one of the container's. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "libocirun/cgroup_target.h"
#include "libocirun/cleanup.h"

static void
ps_usage (FILE *out)
{
  fprintf (out, "Usage: ocirun ps [OPTIONS] CONTAINER_ID [PS_ARGS...]\n\n"
                "List the processes running inside a container.\n\n"
                "Options:\n"
                "  -f, --format FORMAT  table (default) or json\n"
                "  -h, --help           print this help\n");
}

static void
print_json (const pid_t *pids, size_t n)
{
  putchar ('[');
  for (size_t i = 0; i < n; i++)
    printf ("%s%d", i ? "," : "", (int)pids[i]);
  puts ("]");
}

static bool
has_pid (const pid_t *pids, size_t n, long pid)
{
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Index of the "PID" column in ps's header, -1 if absent. */
static int
pid_column (char *header)
{
  cleanup_free char *copy = strdup (header);
  char *save = NULL;
  int i = 0;

  if (copy == NULL)
    return -1;
  for (char *f = strtok_r (copy, " \t\n", &save); f;
       f = strtok_r (NULL, " \t\n", &save), i++)
    if (strcmp (f, "PID") == 0)
      return i;
  return -1;
}

static long
field_as_pid (const char *line, int col)
{
  cleanup_free char *copy = strdup (line);
  char *save = NULL, *f;
  int i = 0;

  if (copy == NULL)
    return -1;
  for (f = strtok_r (copy, " \t\n", &save); f && i < col;
       f = strtok_r (NULL, " \t\n", &save))
    i++;
  return f ? strtol (f, NULL, 10) : -1;
}

static int
filter_ps_output (FILE *in, const pid_t *pids, size_t n,
                  struct ocirun_error *err)
{
  cleanup_free char *line = NULL;
  size_t cap = 0;
  int col;

  if (getline (&line, &cap, in) < 0)
    return ocirun_error_set (err, EIO, "ps: no output");
  col = pid_column (line);
  if (col < 0)
    return ocirun_error_set (err, EINVAL,
                             "couldn't find PID field in ps output");
  fputs (line, stdout);
  while (getline (&line, &cap, in) >= 0)
    if (has_pid (pids, n, field_as_pid (line, col)))
      fputs (line, stdout);
  return 0;
}

static int
run_ps (char **ps_args, int n_args, const pid_t *pids, size_t n,
        struct ocirun_error *err)
{
  char *argv_def[] = { "ps", "-ef", NULL };
  cleanup_free char **argv = calloc (n_args + 2, sizeof *argv);
  int fds[2], status, r;
  FILE *in;
  pid_t child;

  if (argv == NULL)
    return ocirun_error_errno (err, "ps");
  argv[0] = "ps";
  for (int i = 0; i < n_args; i++)
    argv[i + 1] = ps_args[i];
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return ocirun_error_errno (err, "ps: pipe");
  fflush (stdout);
  child = fork ();
  if (child < 0)
    return ocirun_error_errno (err, "ps: fork");
  if (child == 0)
    {
      dup2 (fds[1], 1);
      execvp ("ps", n_args ? argv : argv_def);
      fprintf (stderr, "ocirun: exec ps: %s\n", ocirun_strerror (errno));
      _exit (127);
    }
  close (fds[1]);
  in = fdopen (fds[0], "r");
  if (in == NULL)
    return ocirun_error_errno (err, "ps");
  r = filter_ps_output (in, pids, n, err);
  fclose (in);
  if (waitpid (child, &status, 0) == child && r == 0
      && (!WIFEXITED (status) || WEXITSTATUS (status) != 0))
    return ocirun_error_set (err, 0, "ps failed (status %d)", status);
  return r;
}

int
cmd_ps (struct ocirun_global_options *g, int argc, char **argv)
{
  static const struct option opts[]
      = { { "format", required_argument, NULL, 'f' },
          { "help", no_argument, NULL, 'h' },
          { NULL, 0, NULL, 0 } };
  const char *format = "table";
  struct ocirun_cgroup_target t;
  struct ocirun_error err;
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  int c, r, first_arg;

  ocirun_error_clear (&err);
  while ((c = getopt_long (argc, argv, "+f:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'f':
        format = optarg;
        break;
      case 'h':
        ps_usage (stdout);
        return 0;
      default:
        return cmd_usage_error ("ps", "unknown option");
      }
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return cmd_usage_error ("ps", "invalid format option \"%s\"", format);
  if (optind >= argc)
    return cmd_usage_error ("ps", "ps needs a container id");
  first_arg = optind + 1;
  if (first_arg < argc && strcmp (argv[first_arg], "--") == 0)
    first_arg++;
  r = ocirun_cgroup_target_open (g->root, argv[optind], 0, &t, &err);
  if (r == 0)
    r = ocirun_cgroup_pids (&t.c, &pids, &n, &err);
  ocirun_cgroup_target_close (&t);
  if (r < 0)
    return cmd_fail (&err);
  if (strcmp (format, "json") == 0)
    {
      print_json (pids, n);
      return 0;
    }
  if (run_ps (argv + first_arg, argc - first_arg, pids, n, &err) < 0)
    return cmd_fail (&err);
  return 0;
}
