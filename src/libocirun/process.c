/* process.c - per-process attributes applied in the child before execve. */
#include "libocirun/process.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libocirun/cleanup.h"

int
ocirun_process_set_rlimits (pid_t pid, const struct oci_process *p,
                            struct ocirun_error *err)
{
  for (size_t i = 0; i < p->rlimits_len; i++)
    {
      const struct oci_rlimit *r = &p->rlimits[i];
      int res = oci_rlimit_from_name (r->type);
      struct rlimit rl = { .rlim_cur = r->soft, .rlim_max = r->hard };

      if (res < 0)
        return ocirun_error_set (err, EINVAL, "unknown rlimit `%s`", r->type);
      if (prlimit (pid, res, &rl, NULL) < 0)
        return ocirun_error_errno (
            err, "setrlimit `%s` (soft %llu, hard %llu)", r->type,
            (unsigned long long)r->soft, (unsigned long long)r->hard);
    }
  return 0;
}

int
ocirun_process_set_oom_score_adj (pid_t pid, const struct oci_process *p,
                                  struct ocirun_error *err)
{
  char buf[16], path[64];
  int n, fd;

  if (!p->oom_score_adj.set)
    return 0;
  n = snprintf (buf, sizeof buf, "%d", (int)p->oom_score_adj.value);
  if (pid > 0)
    snprintf (path, sizeof path, "/proc/%d/oom_score_adj", (int)pid);
  else
    snprintf (path, sizeof path, "/proc/self/oom_score_adj");
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirun_error_errno (err, "open %s", path);
  if (write (fd, buf, (size_t)n) != n)
    {
      int saved = errno;
      close (fd);
      return ocirun_error_set (err, saved, "set oom_score_adj to %s", buf);
    }
  close (fd);
  return 0;
}

int
ocirun_process_set_personality (const struct oci_config *cfg,
                                struct ocirun_error *err)
{
  const struct oci_personality *p
      = cfg->linux_ ? cfg->linux_->personality : NULL;
  unsigned long dom;

  if (p == NULL || p->domain == NULL)
    return 0;
  if (strcmp (p->domain, "LINUX") == 0)
    dom = PER_LINUX;
  else if (strcmp (p->domain, "LINUX32") == 0)
    dom = PER_LINUX32;
  else
    return ocirun_error_set (err, EINVAL, "unknown personality domain `%s`",
                             p->domain);
  if (personality (dom) < 0)
    return ocirun_error_errno (err, "personality `%s`", p->domain);
  return 0;
}

#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_WHO_PROCESS 1

int
ocirun_process_set_io_priority (const struct oci_process *p,
                                struct ocirun_error *err)
{
  const struct oci_io_priority *io = p->io_priority;
  int cls;

  if (io == NULL)
    return 0;
  if (strcmp (io->class_, "IOPRIO_CLASS_RT") == 0)
    cls = 1;
  else if (strcmp (io->class_, "IOPRIO_CLASS_BE") == 0)
    cls = 2;
  else if (strcmp (io->class_, "IOPRIO_CLASS_IDLE") == 0)
    cls = 3;
  else
    return ocirun_error_set (err, EINVAL, "unknown ioPriority class `%s`",
                             io->class_);
  int prio = io->priority.set ? io->priority.value : 0;
  if (syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
               (cls << IOPRIO_CLASS_SHIFT) | prio)
      < 0)
    return ocirun_error_errno (err, "ioprio_set %s %d", io->class_, prio);
  return 0;
}

/* The kernel's struct sched_attr (glibc 2.36 has no wrapper). */
struct ocirun_sched_attr
{
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
};

static int
sched_policy_value (const char *s)
{
  static const char *const names[] = {
    "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",       "SCHED_BATCH",
    "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE",
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp (s, names[i]) == 0)
      return (int)i;
  return -1;
}

static int
sched_flag_value (const char *s)
{
  static const char *const names[] = {
    "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
    "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
    "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX",
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp (s, names[i]) == 0)
      return 1 << i;
  return -1;
}

int
ocirun_process_set_scheduler (const struct oci_process *p,
                              struct ocirun_error *err)
{
  const struct oci_scheduler *s = p->scheduler;
  struct ocirun_sched_attr attr = { .size = sizeof attr };
  int policy;

  if (s == NULL)
    return 0;
  policy = sched_policy_value (s->policy);
  if (policy < 0)
    return ocirun_error_set (err, EINVAL, "unknown scheduler policy `%s`",
                             s->policy);
  attr.sched_policy = (uint32_t)policy;
  for (size_t i = 0; i < s->flags_len; i++)
    {
      int f = sched_flag_value (s->flags[i]);
      if (f < 0)
        return ocirun_error_set (err, EINVAL, "unknown scheduler flag `%s`",
                                 s->flags[i]);
      attr.sched_flags |= (uint64_t)f;
    }
  attr.sched_nice = s->nice.set ? s->nice.value : 0;
  attr.sched_priority = s->priority.set ? (uint32_t)s->priority.value : 0;
  attr.sched_runtime = s->runtime.set ? s->runtime.value : 0;
  attr.sched_deadline = s->deadline.set ? s->deadline.value : 0;
  attr.sched_period = s->period.set ? s->period.value : 0;
  if (syscall (SYS_sched_setattr, 0, &attr, 0) < 0)
    return ocirun_error_errno (err, "sched_setattr %s", s->policy);
  return 0;
}

int
ocirun_parse_cpu_list (const char *s, void *cpuset, size_t setsize)
{
  cpu_set_t *set = cpuset;
  const char *p = s;

  CPU_ZERO_S (setsize, set);
  while (*p)
    {
      char *end;
      unsigned long a = strtoul (p, &end, 10), b;

      if (end == p)
        return -1;
      b = a;
      p = end;
      if (*p == '-')
        {
          p++;
          b = strtoul (p, &end, 10);
          if (end == p || b < a)
            return -1;
          p = end;
        }
      if (b >= setsize * 8)
        return -1;
      for (unsigned long i = a; i <= b; i++)
        CPU_SET_S (i, setsize, set);
      if (*p == ',')
        p++;
      else if (*p)
        return -1;
    }
  return 0;
}

int
ocirun_process_set_cpu_affinity (const char *cpus, struct ocirun_error *err)
{
  cpu_set_t set;

  if (cpus == NULL || cpus[0] == '\0')
    return 0;
  if (ocirun_parse_cpu_list (cpus, &set, sizeof set) < 0)
    return ocirun_error_set (err, EINVAL, "invalid CPU list `%s`", cpus);
  if (sched_setaffinity (0, sizeof set, &set) < 0)
    return ocirun_error_errno (err, "set CPU affinity to `%s`", cpus);
  return 0;
}

int
ocirun_process_set_hostname (const struct oci_config *cfg,
                             struct ocirun_error *err)
{
  if (cfg->hostname && cfg->hostname[0]
      && sethostname (cfg->hostname, strlen (cfg->hostname)) < 0)
    return ocirun_error_errno (err, "set hostname to `%s`", cfg->hostname);
  if (cfg->domainname && cfg->domainname[0]
      && setdomainname (cfg->domainname, strlen (cfg->domainname)) < 0)
    return ocirun_error_errno (err, "set domainname to `%s`", cfg->domainname);
  return 0;
}

int
ocirun_process_chdir (const char *cwd, struct ocirun_error *err)
{
  char buf[4096];

  if (cwd == NULL || cwd[0] == '\0')
    cwd = "/";
  if (chdir (cwd) < 0)
    return ocirun_error_errno (err, "chdir to cwd `%s` set in config.json",
                               cwd);
  /* A cwd reached through a leaked fd of the host has no path in our
   * root: getcwd fails (ENOENT) or answers "(unreachable)/...". */
  if (getcwd (buf, sizeof buf) == NULL)
    {
      if (errno == ENAMETOOLONG || errno == ERANGE)
        return 0;
      return ocirun_error_errno (err,
                                 "cwd `%s` is outside the container "
                                 "root",
                                 cwd);
    }
  if (buf[0] != '/')
    return ocirun_error_set (err, EPERM,
                             "cwd `%s` is outside the container root", cwd);
  return 0;
}

const char *
ocirun_env_get (char *const *env, const char *name)
{
  size_t n = strlen (name);

  for (; env && *env; env++)
    if (strncmp (*env, name, n) == 0 && (*env)[n] == '=')
      return *env + n + 1;
  return NULL;
}

char **
ocirun_env_with (char *const *env, size_t n, const char *const *set,
                 size_t nset)
{
  char **r = calloc (n + nset + 1, sizeof *r);
  size_t k = 0;

  if (r == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++)
    {
      bool replaced = false;
      for (size_t j = 0; j < nset && !replaced; j++)
        {
          size_t len = strcspn (set[j], "=");
          replaced = strncmp (env[i], set[j], len) == 0 && env[i][len] == '=';
        }
      if (!replaced)
        r[k++] = env[i];
    }
  for (size_t j = 0; j < nset; j++)
    r[k++] = (char *)set[j];
  r[k] = NULL;
  return r;
}

static bool
is_executable (const char *path)
{
  struct stat st;

  return stat (path, &st) == 0 && S_ISREG (st.st_mode)
         && (st.st_mode & 0111) != 0;
}

int
ocirun_process_find_executable (const char *arg0, char *const *env, char *out,
                                size_t out_len, struct ocirun_error *err)
{
  const char *path;

  if (arg0 == NULL || arg0[0] == '\0')
    return ocirun_error_set (err, EINVAL, "process.args[0] is empty");
  if (strchr (arg0, '/'))
    {
      struct stat st;
      if (stat (arg0, &st) < 0)
        return ocirun_error_errno (err, "exec: \"%s\": stat %s", arg0, arg0);
      if (S_ISDIR (st.st_mode))
        return ocirun_error_set (err, EACCES, "exec: \"%s\": is a directory",
                                 arg0);
      if (snprintf (out, out_len, "%s", arg0) >= (int)out_len)
        return ocirun_error_set (err, ENAMETOOLONG, "exec: \"%s\"", arg0);
      return 0;
    }
  path = ocirun_env_get (env, "PATH");
  if (path == NULL)
    path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  while (*path)
    {
      size_t len = strcspn (path, ":");
      int n;

      /* An empty PATH element means the current directory. */
      if (len == 0)
        n = snprintf (out, out_len, "%s", arg0);
      else
        n = snprintf (out, out_len, "%.*s/%s", (int)len, path, arg0);
      if (n > 0 && (size_t)n < out_len && is_executable (out))
        return 0;
      path += len;
      if (*path == ':')
        path++;
    }
  return ocirun_error_set (
      err, 0, "exec: \"%s\": executable file not found in $PATH", arg0);
}

/* Home directory of uid in the container's /etc/passwd, "/" if none. */
static void
passwd_home (uid_t uid, char *out, size_t len)
{
  char line[1024];
  FILE *f = fopen ("/etc/passwd", "re");

  snprintf (out, len, "/");
  if (f == NULL)
    return;
  while (fgets (line, sizeof line, f))
    {
      /* name:passwd:uid:gid:gecos:home:shell */
      char *field[7] = { 0 };
      char *p = line;
      int n = 0;

      while (n < 7 && p)
        {
          field[n++] = p;
          p = strchr (p, ':');
          if (p)
            *p++ = '\0';
        }
      if (n < 6 || strtoul (field[2], NULL, 10) != uid || !field[2][0])
        continue;
      field[5][strcspn (field[5], "\n")] = '\0';
      if (field[5][0])
        snprintf (out, len, "%s", field[5]);
      break;
    }
  fclose (f);
}

char **
ocirun_env_with_home (char **env, uid_t uid)
{
  static char home[4096 + 8];
  const char *set[1] = { home };
  size_t n = 0;
  char **r;

  if (ocirun_env_get (env, "HOME"))
    return env;
  memcpy (home, "HOME=", 5);
  passwd_home (uid, home + 5, sizeof home - 5);
  while (env && env[n])
    n++;
  r = ocirun_env_with (env, n, set, 1);
  return r ? r : env;
}
