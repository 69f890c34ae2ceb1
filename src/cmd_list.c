/* cmd_list.c - `ocirun list [--format table|json] [--quiet]`, runc's
 * table (tabwriter: min width 12, padding 3) and JSON. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "libocirun/engine.h"

static const struct option options[] = {
  { "format", required_argument, NULL, 'f' },
  { "quiet", no_argument, NULL, 'q' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

enum
{
  COLS = 6
};

static size_t
col_width (size_t w)
{
  return w + 3 > 12 ? w + 3 : 12;
}

static void
print_table (const struct ocirun_list_entry *v, size_t n)
{
  static const char *const head[COLS]
      = { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" };
  size_t width[COLS];
  char pid[32];

  for (int k = 0; k < COLS; k++)
    width[k] = strlen (head[k]);
  for (size_t i = 0; i < n; i++)
    {
      const char *cells[COLS] = { v[i].id,     pid,          v[i].status,
                                  v[i].bundle, v[i].created, v[i].owner };
      snprintf (pid, sizeof pid, "%d", (int)v[i].pid);
      for (int k = 0; k < COLS; k++)
        if (strlen (cells[k]) > width[k])
          width[k] = strlen (cells[k]);
    }
  for (int k = 0; k < COLS - 1; k++)
    printf ("%-*s", (int)col_width (width[k]), head[k]);
  printf ("%s\n", head[COLS - 1]);
  for (size_t i = 0; i < n; i++)
    {
      snprintf (pid, sizeof pid, "%d", (int)v[i].pid);
      const char *cells[COLS] = { v[i].id,     pid,          v[i].status,
                                  v[i].bundle, v[i].created, v[i].owner };
      for (int k = 0; k < COLS - 1; k++)
        printf ("%-*s", (int)col_width (width[k]), cells[k]);
      printf ("%s\n", cells[COLS - 1]);
    }
}

static void
print_json (const struct ocirun_list_entry *v, size_t n)
{
  /* runc marshals an empty list as null. */
  if (n == 0)
    {
      printf ("null\n");
      return;
    }
  putchar ('[');
  for (size_t i = 0; i < n; i++)
    printf ("%s%s", i ? "," : "", v[i].json);
  printf ("]\n");
}

int
cmd_list (struct ocirun_global_options *g, int argc, char **argv)
{
  struct ocirun_error err;
  struct ocirun_list_entry *v;
  const char *format = "table";
  bool quiet = false;
  size_t n;
  int c;

  while ((c = getopt_long (argc, argv, "+f:qh", options, NULL)) != -1)
    switch (c)
      {
      case 'f':
        format = optarg;
        break;
      case 'q':
        quiet = true;
        break;
      case 'h':
        printf ("Usage: ocirun list [--format table|json] [--quiet]\n\n"
                "List containers.\n");
        return 0;
      default:
        return cmd_usage_error ("list", "unknown option");
      }
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return cmd_usage_error ("list", "invalid format `%s`", format);
  if (optind != argc)
    return cmd_usage_error ("list", "takes no arguments");
  if (ocirun_container_list (g->root, &v, &n, &err) < 0)
    return cmd_fail (&err);
  if (quiet)
    for (size_t i = 0; i < n; i++)
      printf ("%s\n", v[i].id);
  else if (strcmp (format, "json") == 0)
    print_json (v, n);
  else
    print_table (v, n);
  ocirun_list_free (v, n);
  return fflush (stdout) == 0 ? 0 : 1;
}
