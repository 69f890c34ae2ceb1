/* rootless.c - privileges, subordinate id ranges and the newuidmap /
 * newgidmap helpers (see rootless.h). */
#include "libocirun/rootless.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "libocirun/cleanup.h"
#include "libocirun/state.h"

bool
ocirun_rootless_has_cap (int cap)
{
  struct __user_cap_header_struct h
      = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

  memset (d, 0, sizeof d);
  if (cap < 0 || cap >= 32 * _LINUX_CAPABILITY_U32S_3
      || syscall (SYS_capget, &h, d) < 0)
    return false;
  return (d[cap / 32].effective & (1u << (cap % 32))) != 0;
}

/* "start:count" after the owner field; false on anything malformed, so
 * that a broken line is skipped rather than half-used. */
static bool
parse_range (char *s, struct ocirun_subid_range *r)
{
  char *colon = strchr (s, ':'), *end;
  unsigned long long start, count;

  if (colon == NULL)
    return false;
  *colon = '\0';
  errno = 0;
  start = strtoull (s, &end, 10);
  if (errno || end == s || *end != '\0')
    return false;
  s = colon + 1;
  count = strtoull (s, &end, 10);
  if (errno || end == s || (*end != '\0' && *end != '\n'))
    return false;
  if (count == 0 || start > UINT32_MAX || count > (1ULL << 32))
    return false;
  r->start = start;
  r->count = count;
  return true;
}

static bool
owner_matches (const char *owner, const char *user, uid_t id)
{
  char num[32];

  if (user && strcmp (owner, user) == 0)
    return true;
  snprintf (num, sizeof num, "%u", (unsigned)id);
  return strcmp (owner, num) == 0;
}

int
ocirun_subid_ranges (const char *file, const char *user, uid_t id,
                     struct ocirun_subid_range **out, size_t *n,
                     struct ocirun_error *err)
{
  cleanup_fclose FILE *f = fopen (file, "re");
  cleanup_free char *line = NULL;
  struct ocirun_subid_range *v = NULL;
  size_t cap = 0, len = 0, lsz = 0;

  *out = NULL;
  *n = 0;
  if (f == NULL)
    return ocirun_error_errno (err, "open `%s`", file);
  while (getline (&line, &lsz, f) > 0)
    {
      char *colon = strchr (line, ':');
      struct ocirun_subid_range r;

      if (line[0] == '#' || colon == NULL)
        continue;
      *colon = '\0';
      if (!owner_matches (line, user, id) || !parse_range (colon + 1, &r))
        continue;
      if (len == cap)
        {
          size_t ncap = cap ? cap * 2 : 4;
          struct ocirun_subid_range *nv = realloc (v, ncap * sizeof *v);
          if (nv == NULL)
            {
              free (v);
              return ocirun_error_errno (err, "read `%s`", file);
            }
          v = nv;
          cap = ncap;
        }
      v[len++] = r;
    }
  *out = v;
  *n = len;
  return 0;
}

bool
ocirun_subid_covers (const struct ocirun_subid_range *r, size_t n,
                     uint64_t start, uint64_t count)
{
  uint64_t cur = start, end = start + count;

  /* Walk forward through whichever range holds the next id: adjacent or
   * overlapping ranges together may cover a mapping none covers alone. */
  while (cur < end)
    {
      uint64_t best = cur;
      for (size_t i = 0; i < n; i++)
        if (r[i].start <= cur && cur < r[i].start + r[i].count
            && r[i].start + r[i].count > best)
          best = r[i].start + r[i].count;
      if (best == cur)
        return false;
      cur = best;
    }
  return true;
}

static bool
executable (const char *path)
{
  struct stat st;

  return stat (path, &st) == 0 && S_ISREG (st.st_mode)
         && access (path, X_OK) == 0;
}

const char *
ocirun_rootless_find_helper (const char *name)
{
  static char buf[PATH_MAX];
  static const char *const fallback[]
      = { "/usr/bin", "/usr/sbin", "/bin", "/sbin" };
  const char *path = getenv ("PATH");

  /* $PATH first, as a shell would; then the usual places, since a
   * sanitized environment may lack them. */
  while (path && *path)
    {
      const char *colon = strchrnul (path, ':');
      int dirlen = (int)(colon - path);

      if (dirlen > 0
          && snprintf (buf, sizeof buf, "%.*s/%s", dirlen, path, name)
                 < (int)sizeof buf
          && buf[0] == '/' && executable (buf))
        return buf;
      path = *colon ? colon + 1 : colon;
    }
  for (size_t i = 0; i < sizeof fallback / sizeof fallback[0]; i++)
    {
      snprintf (buf, sizeof buf, "%s/%s", fallback[i], name);
      if (executable (buf))
        return buf;
    }
  return NULL;
}

static char **
helper_argv (const char *helper, pid_t pid, const struct oci_id_mapping *m,
             size_t n)
{
  size_t argc = 2 + 3 * n;
  char **argv = calloc (argc + 1, sizeof *argv);

  if (argv == NULL)
    return NULL;
  if ((argv[0] = strdup (helper)) == NULL
      || asprintf (&argv[1], "%d", (int)pid) < 0)
    {
      argv[1] = NULL;
      ocirun_strvfreep (&argv);
      return NULL;
    }
  for (size_t i = 0; i < n; i++)
    {
      uint32_t v[3] = { m[i].container_id, m[i].host_id, m[i].size };
      for (int k = 0; k < 3; k++)
        if (asprintf (&argv[2 + 3 * i + k], "%" PRIu32, v[k]) < 0)
          {
            argv[2 + 3 * i + k] = NULL;
            ocirun_strvfreep (&argv);
            return NULL;
          }
    }
  return argv;
}

static _Noreturn void
helper_child (const char *helper, char **argv, int errfd)
{
  sigset_t none;
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);

  /* The runtime may block signals to forward them: the helper must not
   * inherit that. */
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  signal (SIGPIPE, SIG_DFL);
  if (null >= 0)
    {
      dup2 (null, STDIN_FILENO);
      dup2 (errfd, STDOUT_FILENO);
    }
  dup2 (errfd, STDERR_FILENO);
  execv (helper, argv);
  dprintf (STDERR_FILENO, "exec: %s", ocirun_strerror (errno));
  _exit (127);
}

int
ocirun_rootless_run_map_helper (const char *helper, pid_t pid,
                                const struct oci_id_mapping *m, size_t n,
                                struct ocirun_error *err)
{
  cleanup_strv char **argv = helper_argv (helper, pid, m, n);
  char out[512];
  size_t len = 0;
  ssize_t r;
  int p[2], status;
  pid_t child;

  if (argv == NULL)
    return ocirun_error_errno (err, "%s", helper);
  if (pipe2 (p, O_CLOEXEC) < 0)
    return ocirun_error_errno (err, "%s: pipe", helper);
  child = fork ();
  if (child < 0)
    {
      close (p[0]);
      close (p[1]);
      return ocirun_error_errno (err, "%s: fork", helper);
    }
  if (child == 0)
    helper_child (helper, argv, p[1]);
  close (p[1]);
  while (len < sizeof out - 1
         && ((r = read (p[0], out + len, sizeof out - 1 - len)) > 0
             || (r < 0 && errno == EINTR)))
    if (r > 0)
      len += (size_t)r;
  close (p[0]);
  while (waitpid (child, &status, 0) < 0)
    if (errno != EINTR)
      return ocirun_error_errno (err, "%s: wait", helper);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  out[len] = '\0';
  while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == ' '))
    out[--len] = '\0';
  for (char *c = out; *c; c++)
    if (*c == '\n')
      *c = ' ';
  if (WIFSIGNALED (status))
    return ocirun_error_set (err, 0, "%s for pid %d: killed by signal %d%s%s",
                             helper, (int)pid, WTERMSIG (status),
                             len ? ": " : "", out);
  return ocirun_error_set (err, 0, "%s for pid %d failed (status %d)%s%s",
                           helper, (int)pid, WEXITSTATUS (status),
                           len ? ": " : "", out);
}

/* Whether pid is pid 1 of its own (innermost) pid namespace. */
static bool
is_pidns_init (pid_t pid)
{
  char path[64];
  cleanup_fclose FILE *f = NULL;
  cleanup_free char *line = NULL;
  size_t sz = 0;

  snprintf (path, sizeof path, "/proc/%d/status", (int)pid);
  f = fopen (path, "re");
  while (f && getline (&line, &sz, f) > 0)
    if (strncmp (line, "NSpid:", 6) == 0)
      {
        char *last = strrchr (line, '\t');
        return last && strtol (last + 1, NULL, 10) == 1;
      }
  return false;
}

int
ocirun_rootless_signal_pidns (pid_t init, unsigned long long start, int signo,
                              struct ocirun_error *err)
{
  cleanup_free pid_t *pids = NULL;
  size_t n = 0, cap = 0;
  struct stat ns;
  struct dirent *e;
  char path[64];
  DIR *d;

  snprintf (path, sizeof path, "/proc/%d/ns/pid", (int)init);
  if (stat (path, &ns) < 0 || !ocirun_pid_is (init, start))
    return 0;
  if (!is_pidns_init (init))
    return ocirun_error_set (err, 0,
                             "the container has neither a cgroup nor a pid "
                             "namespace of its own: its processes cannot "
                             "all be found");
  d = opendir ("/proc");
  if (d == NULL)
    return ocirun_error_errno (err, "open /proc");
  while ((e = readdir (d)) != NULL)
    {
      char *end;
      long pid = strtol (e->d_name, &end, 10);
      struct stat st;

      if (*end != '\0' || pid <= 0 || pid == init)
        continue;
      snprintf (path, sizeof path, "/proc/%ld/ns/pid", pid);
      /* Other users' processes are not readable: not ours to signal. */
      if (stat (path, &st) < 0 || st.st_dev != ns.st_dev
          || st.st_ino != ns.st_ino)
        continue;
      if (n == cap)
        {
          size_t ncap = cap ? cap * 2 : 16;
          pid_t *v = realloc (pids, ncap * sizeof *v);
          if (v == NULL)
            {
              closedir (d);
              return ocirun_error_errno (err, "kill --all");
            }
          pids = v;
          cap = ncap;
        }
      pids[n++] = (pid_t)pid;
    }
  closedir (d);
  /* init last: once it dies of SIGKILL the kernel kills the rest, and a
   * dead init would leave the others' pids to be reused. */
  for (size_t i = 0; i < n; i++)
    if (kill (pids[i], signo) < 0 && errno != ESRCH)
      return ocirun_error_errno (err, "kill %d", (int)pids[i]);
  if (ocirun_pid_is (init, start) && kill (init, signo) < 0 && errno != ESRCH)
    return ocirun_error_errno (err, "kill %d", (int)init);
  return 0;
}
