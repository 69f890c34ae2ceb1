/* cgroup_fs.c - the one place that reads and writes cgroup files.
 *
 * Everything else names files as (dir, file) pairs and goes through here,
 * so unit tests can point the back ends at a temp dir: in fake mode a
 * write creates the file and appends "value\n", making every write (and
 * its order) visible. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libocirun/cgroup_internal.h"
#include "libocirun/cleanup.h"

static bool fake_mode;
static char fake_log[4096];

void
cg_fs_set_fake (bool fake)
{
  fake_mode = fake;
}

void
cg_fs_set_fake_log (const char *path)
{
  snprintf (fake_log, sizeof fake_log, "%s", path ? path : "");
}

/* Fake mode: one "<file> <value>" line per write, across all files, so a
 * test can check the order of writes to different files. */
static void
log_fake_write (const char *file, const char *value)
{
  FILE *f;

  if (fake_log[0] == '\0' || (f = fopen (fake_log, "a")) == NULL)
    return;
  fprintf (f, "%s %s\n", file, value);
  fclose (f);
}

bool
cg_fs_is_fake (void)
{
  return fake_mode;
}

static int
join (char *buf, size_t len, const char *dir, const char *file,
      struct ocirun_error *err)
{
  int n = snprintf (buf, len, "%s/%s", dir, file);

  if (n < 0 || (size_t)n >= len)
    return ocirun_error_set (err, ENAMETOOLONG, "cgroup: path %s/%s", dir,
                             file);
  return 0;
}

int
cg_open_w (const char *dir, const char *file, struct ocirun_error *err)
{
  char path[PATH_MAX];
  int flags = O_WRONLY | O_CLOEXEC;
  int fd;

  if (join (path, sizeof path, dir, file, err) < 0)
    return -1;
  if (fake_mode)
    flags |= O_CREAT | O_APPEND;
  fd = open (path, flags, 0644);
  if (fd < 0)
    return ocirun_error_errno (err, "cgroup: open %s", path);
  return fd;
}

int
cg_write_fd (int fd, const char *dir, const char *file, const char *value,
             struct ocirun_error *err)
{
  size_t len = strlen (value);
  /* One write() per value: the kernel parses each write as a whole. */
  ssize_t w = write (fd, value, len);

  if (w < 0 || (size_t)w != len)
    return ocirun_error_set (err, w < 0 ? errno : EIO,
                             "cgroup: write \"%s\" to %s/%s", value, dir,
                             file);
  if (fake_mode)
    {
      if (write (fd, "\n", 1) != 1)
        return ocirun_error_errno (err, "cgroup: write to %s/%s", dir, file);
      log_fake_write (file, value);
    }
  return 0;
}

int
cg_write (const char *dir, const char *file, const char *value,
          struct ocirun_error *err)
{
  cleanup_close int fd = cg_open_w (dir, file, err);

  if (fd < 0)
    {
      /* Name the value too: "write "x" to <path>: No such file". */
      ocirun_error_set (err, err->errnum, "cgroup: write \"%s\" to %s/%s",
                        value, dir, file);
      return -1;
    }
  return cg_write_fd (fd, dir, file, value, err);
}

int
cg_writef (const char *dir, const char *file, struct ocirun_error *err,
           const char *fmt, ...)
{
  char value[512];
  va_list ap;
  int n;

  va_start (ap, fmt);
  n = vsnprintf (value, sizeof value, fmt, ap);
  va_end (ap);
  if (n < 0 || (size_t)n >= sizeof value)
    return ocirun_error_set (err, E2BIG, "cgroup: value for %s too long",
                             file);
  return cg_write (dir, file, value, err);
}

ssize_t
cg_read (const char *dir, const char *file, char *buf, size_t len,
         struct ocirun_error *err)
{
  char path[PATH_MAX];
  cleanup_close int fd = -1;
  ssize_t r;

  if (join (path, sizeof path, dir, file, err) < 0)
    return -1;
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirun_error_errno (err, "cgroup: open %s", path);
  r = read (fd, buf, len - 1);
  if (r < 0)
    return ocirun_error_errno (err, "cgroup: read %s", path);
  buf[r] = '\0';
  return r;
}

int
cg_read_all (const char *dir, const char *file, char **out,
             struct ocirun_error *err)
{
  char path[PATH_MAX];
  cleanup_close int fd = -1;
  cleanup_free char *buf = NULL;
  size_t cap = 4096, len = 0;

  if (join (path, sizeof path, dir, file, err) < 0)
    return -1;
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirun_error_errno (err, "cgroup: open %s", path);
  buf = malloc (cap);
  if (buf == NULL)
    return ocirun_error_errno (err, "cgroup: read %s", path);
  for (;;)
    {
      ssize_t r;

      if (cap - len < 2)
        {
          char *n = realloc (buf, cap * 2);
          if (n == NULL)
            return ocirun_error_errno (err, "cgroup: read %s", path);
          buf = n;
          cap *= 2;
        }
      r = read (fd, buf + len, cap - len - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return ocirun_error_errno (err, "cgroup: read %s", path);
      if (r == 0)
        break;
      len += r;
    }
  buf[len] = '\0';
  *out = steal_pointer (&buf);
  return 0;
}

int
cg_read_u64 (const char *dir, const char *file, uint64_t *v,
             struct ocirun_error *err)
{
  char buf[64];
  char *end;

  if (cg_read (dir, file, buf, sizeof buf, err) < 0)
    return -1;
  if (strncmp (buf, "max", 3) == 0)
    {
      *v = UINT64_MAX;
      return 0;
    }
  errno = 0;
  *v = strtoull (buf, &end, 10);
  if (errno != 0 || end == buf)
    return ocirun_error_set (err, EINVAL, "cgroup: parse %s/%s: \"%s\"", dir,
                             file, buf);
  return 0;
}

bool
cg_file_exists (const char *dir, const char *file)
{
  char path[PATH_MAX];

  if ((size_t)snprintf (path, sizeof path, "%s/%s", dir, file) >= sizeof path)
    return false;
  return access (path, F_OK) == 0;
}

bool
cg_kv_lookup (const char *text, const char *key, uint64_t *v)
{
  size_t klen = strlen (key);
  const char *p = text;

  while (p != NULL && *p)
    {
      if (strncmp (p, key, klen) == 0 && p[klen] == ' ')
        {
          *v = strtoull (p + klen + 1, NULL, 10);
          return true;
        }
      p = strchr (p, '\n');
      if (p)
        p++;
    }
  return false;
}

void
cg_sleep_ms (unsigned ms)
{
  struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}
