/* cmd_events.c - `ocirun events [--stats] [--interval D] ID`, runc's
 * output: one JSON object a line, {"type":"stats","id":..,"data":{..}}
 * every interval (default 5s) and {"type":"oom","id":..} on each OOM kill,
 * until the container's cgroup is removed.  --stats prints one stats
 * event and exits. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "libocirun/cgroup_target.h"
#include "libocirun/cleanup.h"

static void
events_usage (FILE *out)
{
  fprintf (out,
           "Usage: ocirun events [OPTIONS] CONTAINER_ID\n\n"
           "Print container events (OOM kills) and resource statistics.\n\n"
           "Options:\n"
           "      --interval DURATION  stats interval (default 5s; Go "
           "syntax: 500ms, 2s, 1m30s)\n"
           "      --stats              print the statistics once and exit\n"
           "  -h, --help               print this help\n");
}

/* Go's time.ParseDuration subset: "1h2m3.5s", "250ms", "10us", "7ns". */
static int
parse_duration_ms (const char *s, long long *ms)
{
  static const struct
  {
    const char *unit;
    double ms;
  } units[] = { { "ns", 1e-6 }, { "us", 1e-3 }, { "µs", 1e-3 },  { "ms", 1 },
                { "s", 1000 },  { "m", 60000 }, { "h", 3600000 } };
  double total = 0;

  if (*s == '\0')
    return -1;
  while (*s)
    {
      char *end;
      double v = strtod (s, &end);
      size_t best = 0, best_len = 0;

      if (end == s || v < 0)
        return -1;
      for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        {
          size_t l = strlen (units[i].unit);
          if (strncmp (end, units[i].unit, l) == 0 && l > best_len)
            {
              best = i;
              best_len = l;
            }
        }
      if (best_len == 0)
        return -1;
      total += v * units[best].ms;
      s = end + best_len;
    }
  *ms = (long long)total;
  return 0;
}

static int
print_stats (struct ocirun_cgroup_target *t, struct ocirun_error *err)
{
  struct ocirun_cgroup_stats st;
  cleanup_free char *json = NULL;
  int r;

  if (ocirun_cgroup_stats (&t->c, &st, err) < 0)
    return -1;
  r = ocirun_cgroup_stats_to_json (t->c.id, &st, &json, err);
  ocirun_cgroup_stats_release (&st);
  if (r < 0)
    return -1;
  printf ("%s\n", json);
  fflush (stdout);
  return 0;
}

static long long
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The container is gone once its cgroup directory is. */
static bool
cgroup_alive (struct ocirun_cgroup_target *t)
{
  pid_t *pids = NULL;
  size_t n = 0;
  struct ocirun_error ignored;
  int r = ocirun_cgroup_pids (&t->c, &pids, &n, &ignored);

  free (pids);
  return r == 0;
}

static int
event_loop (struct ocirun_cgroup_target *t, long long interval,
            struct ocirun_error *err)
{
  struct ocirun_cgroup_oom *oom = NULL;
  int oom_fd = -1;
  long long next = now_ms () + interval;
  struct ocirun_error e;

  /* No memory controller: stats only. */
  if (ocirun_cgroup_oom_open (&t->c, &oom, &oom_fd, &e) < 0)
    oom_fd = -1;
  for (;;)
    {
      struct pollfd pfd = { oom_fd, POLLIN, 0 };
      long long wait = next - now_ms ();
      int r = poll (&pfd, oom_fd >= 0 ? 1 : 0, wait > 0 ? (int)wait : 0);

      if (r < 0 && errno != EINTR)
        {
          ocirun_cgroup_oom_close (oom);
          return ocirun_error_errno (err, "events: poll");
        }
      if (r > 0 && (pfd.revents & POLLIN))
        {
          int n = ocirun_cgroup_oom_read (oom, &e);
          for (int i = 0; i < n; i++)
            printf ("{\"type\":\"oom\",\"id\":\"%s\"}\n", t->c.id);
          fflush (stdout);
        }
      if (!cgroup_alive (t))
        break;
      if (now_ms () >= next)
        {
          if (print_stats (t, &e) < 0)
            ocirun_log_error (&e);
          next += interval;
        }
    }
  ocirun_cgroup_oom_close (oom);
  return 0;
}

int
cmd_events (struct ocirun_global_options *g, int argc, char **argv)
{
  enum
  {
    O_INTERVAL = 256,
    O_STATS
  };
  static const struct option opts[]
      = { { "interval", required_argument, NULL, O_INTERVAL },
          { "stats", no_argument, NULL, O_STATS },
          { "help", no_argument, NULL, 'h' },
          { NULL, 0, NULL, 0 } };
  struct ocirun_cgroup_target t;
  struct ocirun_error err;
  long long interval = 5000;
  bool stats_only = false;
  int c, r;

  ocirun_error_clear (&err);
  while ((c = getopt_long (argc, argv, "+h", opts, NULL)) != -1)
    switch (c)
      {
      case O_INTERVAL:
        if (parse_duration_ms (optarg, &interval) < 0 || interval <= 0)
          return cmd_usage_error ("events",
                                  "invalid --interval \"%s\" "
                                  "(a positive duration like 5s)",
                                  optarg);
        break;
      case O_STATS:
        stats_only = true;
        break;
      case 'h':
        events_usage (stdout);
        return 0;
      default:
        return cmd_usage_error ("events", "unknown option");
      }
  if (argc - optind != 1)
    return cmd_usage_error ("events", "events needs exactly one container id");
  r = ocirun_cgroup_target_open (g->root, argv[optind], 0, &t, &err);
  if (r == 0 && t.status == OCI_STATUS_STOPPED)
    r = ocirun_error_set (&err, ESRCH, "container `%s` is not running",
                          argv[optind]);
  /* Nothing below needs the state directory's lock or fds. */
  if (r == 0)
    r = stats_only ? print_stats (&t, &err) : event_loop (&t, interval, &err);
  ocirun_cgroup_target_close (&t);
  return r < 0 ? cmd_fail (&err) : 0;
}
