/*
 * bench.c - timing driver for bench/run.sh (side-by-side OCI runtime
 * benchmark).
 *
 * It spawns runtime commands (posix_spawn, stdio on /dev/null, stderr appended
 * to a per-runtime log), times each one with CLOCK_MONOTONIC and takes the CPU
 * time and peak RSS from wait4()'s rusage.  Runtimes are alternated
 * round-robin inside every iteration, and the starting runtime rotates from
 * iteration to iteration, so that slow drifts of the machine hit every runtime
 * alike.
 *
 * One record per command is appended to the output file, tab separated:
 *   mode runtime workers iter op wall_ns user_us sys_us maxrss_kb status
 * mode:   warm (discarded warm-up), lat, idle, tput, window, timev
 * status: 0 = exit 0, >0 = exit code, <0 = -signal, 1000 = timeout,
 *         1001 = spawn failure, 1002 = container did not stop after kill
 * "window" records (mode window, op "window") give the wall time of one
 * throughput window; status holds the number of completed runs.
 *
 * Usage: bench MODE [options]
 *   MODE: lat | idle | tput | timev
 *   -r NAME=PATH   runtime (repeat, at most 16); its state root is
 * STATEBASE/NAME -S STATEBASE   directory holding one --root directory per
 * runtime -L LOGDIR      stderr of runtime commands goes to LOGDIR/NAME.log -t
 * BUNDLE      bundle whose process is /bin/true (used by `run`) -s BUNDLE
 * bundle whose process is `sleep 3600` (create/start/exec/...) -P DIR
 * directory for --pid-file files -o FILE        output file (appended) -p
 * PREFIX      container id prefix (default "ocb") -n N           measured
 * iterations (default 50) -w N           warm-up iterations, discarded
 * (default 5) -i SECONDS     idle pause before each run in idle mode (default
 * 1) -W N           parallel workers for tput mode (default 2) -T SECONDS
 * throughput window (default 5) -x SECONDS     timeout for one runtime command
 * (default 60) -X PATH        wrapper for timev mode (default /usr/bin/time)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAXRT 16
#define ST_TIMEOUT 1000
#define ST_SPAWN 1001
#define ST_NOSTOP 1002

struct rt
{
  char name[64];
  char path[PATH_MAX];
  char root[PATH_MAX];
  int logfd;
};

struct res
{
  long long wall_ns;
  long long user_us, sys_us, maxrss_kb;
  int status;
};

static struct rt rts[MAXRT];
static int nrt;
static const char *mode, *statebase, *logdir, *bundle_true, *bundle_sleep;
static const char *piddir, *outpath, *prefix = "ocb";
static const char *wrapper = "/usr/bin/time";
static int n_iter = 50, n_warm = 5, workers = 2;
static double idle_pause = 1.0, window_secs = 5.0, cmd_timeout = 60.0;
static int out_fd = -1, devnull = -1;
static volatile sig_atomic_t got_alarm, stop;

static void
die (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fputs ("bench: ", stderr);
  vfprintf (stderr, fmt, ap);
  fputc ('\n', stderr);
  va_end (ap);
  exit (2);
}

static long long
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
sleep_secs (double s)
{
  struct timespec ts;
  if (s <= 0)
    return;
  ts.tv_sec = (time_t)s;
  ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

static void
on_alarm (int sig)
{
  (void)sig;
  got_alarm = 1;
}

/* SIGINT/SIGTERM/SIGHUP: finish the command in flight, clean up, stop. */
static void
on_stop (int sig)
{
  stop = sig;
}

static void
reap_strays (void)
{
  while (waitpid (-1, NULL, WNOHANG) > 0)
    ;
}

static void
emit (const char *m, const struct rt *r, int w, int iter, const char *op,
      const struct res *res)
{
  char line[512];
  int n = snprintf (line, sizeof line,
                    "%s\t%s\t%d\t%d\t%s\t%lld\t%lld\t%lld\t%lld\t%d\n", m,
                    r->name, w, iter, op, res->wall_ns, res->user_us,
                    res->sys_us, res->maxrss_kb, res->status);
  /* O_APPEND + one write() per line: lines of parallel workers do not mix */
  if (write (out_fd, line, (size_t)n) != n)
    die ("write %s: %s", outpath, strerror (errno));
}

static void
logmark (const struct rt *r, const char *op, const char *id)
{
  char line[256];
  int n = snprintf (line, sizeof line, "### %s %s\n", op, id);
  if (write (r->logfd, line, (size_t)n) < 0)
    {
      /* the log is only for diagnostics */
    }
}

/* Parse "Maximum resident set size (kbytes): N" from a /usr/bin/time -v file.
 */
static long long
timev_maxrss (const char *file)
{
  FILE *f = fopen (file, "r");
  char buf[512];
  long long v = -1;
  if (!f)
    return -1;
  while (fgets (buf, sizeof buf, f))
    {
      char *p = strstr (buf, "Maximum resident set size (kbytes):");
      if (p)
        {
          v = atoll (strchr (p, ':') + 1);
          break;
        }
    }
  fclose (f);
  return v;
}

/*
 * Run one runtime command: argv[0] is the runtime path.  With timev_file set,
 * the command is run under `/usr/bin/time -v -o timev_file` and maxrss_kb is
 * taken from its report instead of from wait4().
 */
static void
runcmd (struct rt *r, char **argv, const char *timev_file, struct res *res)
{
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t sa;
  sigset_t none;
  char *wargv[64];
  char **av = argv;
  struct rusage ru;
  pid_t pid;
  int st = 0, e, timed_out = 0, i, k = 0;
  long long t0, t1;

  memset (res, 0, sizeof *res);
  if (timev_file)
    {
      wargv[k++] = (char *)wrapper;
      wargv[k++] = "-v";
      wargv[k++] = "-o";
      wargv[k++] = (char *)timev_file;
      for (i = 0; argv[i] && k < 63; i++)
        wargv[k++] = argv[i];
      wargv[k] = NULL;
      av = wargv;
    }
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_adddup2 (&fa, devnull, 0);
  posix_spawn_file_actions_adddup2 (&fa, devnull, 1);
  posix_spawn_file_actions_adddup2 (&fa, r->logfd, 2);
  posix_spawnattr_init (&sa);
  sigemptyset (&none);
  posix_spawnattr_setsigmask (&sa, &none);
  posix_spawnattr_setflags (&sa, POSIX_SPAWN_SETSIGMASK);

  got_alarm = 0;
  t0 = now_ns ();
  e = posix_spawn (&pid, av[0], &fa, &sa, av, environ);
  posix_spawnattr_destroy (&sa);
  if (e)
    {
      posix_spawn_file_actions_destroy (&fa);
      res->status = ST_SPAWN;
      return;
    }
  alarm ((unsigned)(cmd_timeout + 0.999));
  for (;;)
    {
      pid_t w = wait4 (pid, &st, 0, &ru);
      if (w == pid)
        break;
      if (w < 0 && errno == EINTR)
        {
          if (got_alarm && !timed_out)
            {
              timed_out = 1;
              kill (pid, SIGKILL);
            }
          continue;
        }
      die ("wait4: %s", strerror (errno));
    }
  t1 = now_ns ();
  alarm (0);
  posix_spawn_file_actions_destroy (&fa);

  res->wall_ns = t1 - t0;
  res->user_us = (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
  res->sys_us = (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
  res->maxrss_kb = ru.ru_maxrss;
  if (timed_out)
    res->status = ST_TIMEOUT;
  else if (WIFEXITED (st))
    res->status = WEXITSTATUS (st);
  else if (WIFSIGNALED (st))
    res->status = -WTERMSIG (st);
  if (timev_file)
    {
      res->maxrss_kb = timev_maxrss (timev_file);
      unlink (timev_file);
    }
}

/* argv builder: runtime --root ROOT args... */
static void
build (char **argv, struct rt *r, const char *a, const char *b, const char *c,
       const char *d, const char *e, const char *f)
{
  int k = 0;
  argv[k++] = r->path;
  argv[k++] = "--root";
  argv[k++] = r->root;
  if (a)
    argv[k++] = (char *)a;
  if (b)
    argv[k++] = (char *)b;
  if (c)
    argv[k++] = (char *)c;
  if (d)
    argv[k++] = (char *)d;
  if (e)
    argv[k++] = (char *)e;
  if (f)
    argv[k++] = (char *)f;
  argv[k] = NULL;
}

/* Untimed best-effort removal of a container (after a failure). */
static void
force_delete (struct rt *r, const char *id)
{
  char *argv[16];
  struct res res;
  build (argv, r, "kill", id, "9", NULL, NULL, NULL);
  runcmd (r, argv, NULL, &res);
  build (argv, r, "delete", "-f", id, NULL, NULL, NULL);
  runcmd (r, argv, NULL, &res);
  reap_strays ();
}

static int
read_pidfile (const char *file)
{
  char buf[32];
  int fd = open (file, O_RDONLY | O_CLOEXEC), n;
  if (fd < 0)
    return -1;
  n = (int)read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return -1;
  buf[n] = 0;
  return atoi (buf);
}

/* Wait until the container process is gone.  We are a child subreaper, so
 * normally it was reparented to us and we reap it; otherwise poll. */
static int
wait_gone (int pid, double timeout)
{
  long long deadline = now_ns () + (long long)(timeout * 1e9);
  char path[64], buf[512];
  while (now_ns () < deadline)
    {
      int st;
      pid_t w = waitpid (pid, &st, WNOHANG);
      if (w == pid)
        return 0;
      if (w < 0 && errno == ECHILD)
        {
          int fd;
          if (kill (pid, 0) < 0 && errno == ESRCH)
            return 0;
          snprintf (path, sizeof path, "/proc/%d/stat", pid);
          fd = open (path, O_RDONLY | O_CLOEXEC);
          if (fd < 0)
            return 0;
          ssize_t n = read (fd, buf, sizeof buf - 1);
          close (fd);
          if (n > 0)
            {
              char *p;
              buf[n] = 0;
              p = strrchr (buf, ')');
              if (p && (p[2] == 'Z' || p[2] == 'X'))
                return 0;
            }
        }
      sleep_secs (0.0002);
    }
  return -1;
}

/* `run` of the /bin/true bundle. */
static int
do_run (struct rt *r, const char *m, int w, int iter, const char *id,
        const char *timev_file)
{
  char *argv[16];
  struct res res;
  build (argv, r, "run", "--bundle", bundle_true, id, NULL, NULL);
  logmark (r, "run", id);
  runcmd (r, argv, timev_file, &res);
  emit (m, r, w, iter, "run", &res);
  if (res.status != 0)
    force_delete (r, id);
  return res.status;
}

/* create / start / state / exec / kill / delete of the sleep bundle. */
static void
do_lifecycle (struct rt *r, const char *m, int iter, const char *id,
              const char *timev_file)
{
  char *argv[16], pidfile[PATH_MAX];
  struct res res;
  int cpid;

  snprintf (pidfile, sizeof pidfile, "%s/%s.pid", piddir, id);
  unlink (pidfile);

  build (argv, r, "create", "--bundle", bundle_sleep, "--pid-file", pidfile,
         id);
  logmark (r, "create", id);
  runcmd (r, argv, timev_file, &res);
  emit (m, r, 1, iter, "create", &res);
  if (res.status != 0)
    goto fail;
  cpid = read_pidfile (pidfile);
  unlink (pidfile);

  build (argv, r, "start", id, NULL, NULL, NULL, NULL);
  logmark (r, "start", id);
  runcmd (r, argv, timev_file, &res);
  emit (m, r, 1, iter, "start", &res);
  if (res.status != 0)
    goto fail;

  build (argv, r, "state", id, NULL, NULL, NULL, NULL);
  logmark (r, "state", id);
  runcmd (r, argv, timev_file, &res);
  emit (m, r, 1, iter, "state", &res);

  build (argv, r, "exec", id, "/bin/true", NULL, NULL, NULL);
  logmark (r, "exec", id);
  runcmd (r, argv, timev_file, &res);
  emit (m, r, 1, iter, "exec", &res);

  build (argv, r, "kill", id, "KILL", NULL, NULL, NULL);
  logmark (r, "kill", id);
  runcmd (r, argv, timev_file, &res);
  emit (m, r, 1, iter, "kill", &res);
  if (res.status != 0)
    goto fail;
  if (cpid > 0 && wait_gone (cpid, 10.0) < 0)
    {
      memset (&res, 0, sizeof res);
      res.status = ST_NOSTOP;
      emit (m, r, 1, iter, "stop", &res);
      goto fail;
    }

  build (argv, r, "delete", id, NULL, NULL, NULL, NULL);
  logmark (r, "delete", id);
  runcmd (r, argv, timev_file, &res);
  emit (m, r, 1, iter, "delete", &res);
  if (res.status != 0)
    goto fail;
  reap_strays ();
  return;
fail:
  force_delete (r, id);
}

static void
mode_lat (int timev)
{
  char id[128], tvfile[PATH_MAX];
  const char *tv = NULL;
  int it, k;
  if (timev)
    {
      snprintf (tvfile, sizeof tvfile, "%s/timev.%d", piddir, (int)getpid ());
      tv = tvfile;
    }
  for (it = 0; it < n_warm + n_iter && !stop; it++)
    {
      const char *m = timev ? "timev" : (it < n_warm ? "warm" : "lat");
      int iter = it - n_warm;
      for (k = 0; k < nrt && !stop; k++)
        {
          int ri = (it + k) % nrt;
          struct rt *r = &rts[ri];
          snprintf (id, sizeof id, "%s-%d-%c%d", prefix, ri, timev ? 'v' : 'r',
                    it);
          do_run (r, m, 1, iter, id, tv);
          if (stop)
            break;
          snprintf (id, sizeof id, "%s-%d-%c%d", prefix, ri, timev ? 'V' : 'l',
                    it);
          do_lifecycle (r, m, iter, id, tv);
        }
    }
}

static void
mode_idle (void)
{
  char id[128];
  int it, k;
  for (it = 0; it < n_warm + n_iter && !stop; it++)
    {
      const char *m = it < n_warm ? "warm" : "idle";
      for (k = 0; k < nrt && !stop; k++)
        {
          int ri = (it + k) % nrt;
          snprintf (id, sizeof id, "%s-%d-i%d", prefix, ri, it);
          sleep_secs (idle_pause);
          if (stop)
            break;
          do_run (&rts[ri], m, 1, it - n_warm, id, NULL);
        }
    }
}

static void
tput_worker (struct rt *r, int ri, int wk, int round, long long deadline)
{
  char id[128];
  int n = 0;
  while (now_ns () < deadline && !stop)
    {
      snprintf (id, sizeof id, "%s-%d-t%dw%dr%dn%d", prefix, ri, workers, wk,
                round, n++);
      do_run (r, "tput", workers, round, id, NULL);
    }
  _exit (0);
}

/* Busy and total jiffies of all CPUs (first line of /proc/stat). */
static int
cpu_jiffies (unsigned long long *busy, unsigned long long *total)
{
  unsigned long long v[8] = { 0 }, sum = 0;
  FILE *f = fopen ("/proc/stat", "r");
  int n, i;

  if (f == NULL)
    return -1;
  n = fscanf (f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
              &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
  fclose (f);
  if (n < 5)
    return -1;
  for (i = 0; i < 8; i++)
    sum += v[i];
  *total = sum;
  *busy = sum - v[3] - v[4]; /* all but idle and iowait */
  return 0;
}

#define DRAIN_STEP 0.1
/* Wait until the kernel work the finished runs left behind (cgroups and
 * namespaces released by kworkers, RCU callbacks) is done: the CPUs at
 * least 90% idle over DRAIN_STEP, for at most 10 s.  Returns the time
 * until the start of that idle step.  A runtime whose containers leave
 * more such work pays for it in its own window, not in the next
 * runtime's. */
static long long
drain (void)
{
  long long t0 = now_ns (), t;
  unsigned long long b0, n0, b1, n1;

  for (;;)
    {
      t = now_ns ();
      if (stop || t - t0 > 10000000000LL || cpu_jiffies (&b0, &n0) < 0)
        return t - t0;
      sleep_secs (DRAIN_STEP);
      if (cpu_jiffies (&b1, &n1) < 0)
        return t - t0;
      if (n1 > n0 && (b1 - b0) * 10 <= n1 - n0)
        return t - t0;
    }
}

/* For every round (-n) and runtime: `workers` processes loop on `run` until
 * the window closes; runs started before the deadline are waited for.  The
 * window record's wall_ns spans from the start to the end of the last run,
 * plus the time the kernel then needs to finish their clean-up (drain). */
static void
mode_tput (void)
{
  int round, k, w;
  for (round = 0; round < n_iter && !stop; round++)
    {
      for (k = 0; k < nrt && !stop; k++)
        {
          int ri = (round + k) % nrt;
          struct rt *r = &rts[ri];
          pid_t pids[256];
          int left = workers, failed = 0;
          long long t0, t1, deadline;
          struct res res;

          drain (); /* nothing left over from the previous runtime */
          t0 = now_ns ();
          deadline = t0 + (long long)(window_secs * 1e9);
          for (w = 0; w < workers; w++)
            {
              pid_t p = fork ();
              if (p < 0)
                die ("fork: %s", strerror (errno));
              if (p == 0)
                {
                  prctl (PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
                  tput_worker (r, ri, w, round, deadline);
                }
              pids[w] = p;
            }
          while (left > 0)
            {
              int st;
              pid_t p = waitpid (-1, &st, 0);
              if (p < 0)
                {
                  if (errno == EINTR)
                    {
                      if (stop)
                        for (w = 0; w < workers; w++)
                          kill (pids[w], SIGTERM);
                      continue;
                    }
                  die ("waitpid: %s", strerror (errno));
                }
              for (w = 0; w < workers; w++)
                if (pids[w] == p)
                  {
                    left--;
                    if (!WIFEXITED (st) || WEXITSTATUS (st))
                      failed++;
                  }
            }
          t1 = now_ns () + drain ();
          memset (&res, 0, sizeof res);
          res.wall_ns = t1 - t0;
          res.status = failed;
          emit ("window", r, workers, round, "window", &res);
          reap_strays ();
        }
    }
}

int
main (int argc, char **argv)
{
  struct sigaction sa;
  int c, k;

  if (argc < 2)
    die ("usage: bench lat|idle|tput|timev [options] (see bench.c)");
  mode = argv[1];
  optind = 2;
  while ((c = getopt (argc, argv, "r:S:L:t:s:P:o:p:n:w:i:W:T:x:X:")) != -1)
    {
      switch (c)
        {
        case 'r':
          {
            char *eq = strchr (optarg, '=');
            if (!eq || nrt >= MAXRT)
              die ("bad -r %s", optarg);
            snprintf (rts[nrt].name, sizeof rts[nrt].name, "%.*s",
                      (int)(eq - optarg), optarg);
            snprintf (rts[nrt].path, sizeof rts[nrt].path, "%s", eq + 1);
            nrt++;
            break;
          }
        case 'S':
          statebase = optarg;
          break;
        case 'L':
          logdir = optarg;
          break;
        case 't':
          bundle_true = optarg;
          break;
        case 's':
          bundle_sleep = optarg;
          break;
        case 'P':
          piddir = optarg;
          break;
        case 'o':
          outpath = optarg;
          break;
        case 'p':
          prefix = optarg;
          break;
        case 'n':
          n_iter = atoi (optarg);
          break;
        case 'w':
          n_warm = atoi (optarg);
          break;
        case 'i':
          idle_pause = atof (optarg);
          break;
        case 'W':
          workers = atoi (optarg);
          break;
        case 'T':
          window_secs = atof (optarg);
          break;
        case 'x':
          cmd_timeout = atof (optarg);
          break;
        case 'X':
          wrapper = optarg;
          break;
        default:
          die ("bad option");
        }
    }
  if (!nrt || !statebase || !logdir || !bundle_true || !bundle_sleep || !piddir
      || !outpath)
    die ("need -r, -S, -L, -t, -s, -P and -o");
  if (workers < 1 || workers > 256)
    die ("-W must be 1..256");

  devnull = open ("/dev/null", O_RDWR | O_CLOEXEC);
  out_fd = open (outpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (devnull < 0 || out_fd < 0)
    die ("open: %s", strerror (errno));
  for (k = 0; k < nrt; k++)
    {
      char p[PATH_MAX];
      snprintf (rts[k].root, sizeof rts[k].root, "%s/%s", statebase,
                rts[k].name);
      mkdir (rts[k].root, 0700);
      snprintf (p, sizeof p, "%s/%s.log", logdir, rts[k].name);
      rts[k].logfd = open (p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (rts[k].logfd < 0)
        die ("open %s: %s", p, strerror (errno));
    }

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm; /* no SA_RESTART: wait4 gets EINTR */
  sigaction (SIGALRM, &sa, NULL);
  sa.sa_handler = on_stop;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
  /* Containers left by `create` are reparented to us, so we can reap them. */
  prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

  if (!strcmp (mode, "lat"))
    mode_lat (0);
  else if (!strcmp (mode, "timev"))
    mode_lat (1);
  else if (!strcmp (mode, "idle"))
    mode_idle ();
  else if (!strcmp (mode, "tput"))
    mode_tput ();
  else
    die ("unknown mode %s", mode);
  reap_strays ();
  if (stop)
    {
      /* die of the signal, so that the calling shell runs its trap */
      signal (stop, SIG_DFL);
      raise (stop);
      return 128 + stop;
    }
  return 0;
}
