/* log.c - text or JSON-line logging to stderr or a --log file. */
#include "libocirun/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_fd = 2;
static enum ocirun_log_format log_format = OCIRUN_LOG_TEXT;
static bool log_debug = false;

static const char *const level_names[]
    = { "error", "warning", "info", "debug" };

int
ocirun_log_init (const char *path, enum ocirun_log_format format, bool debug,
                 struct ocirun_error *err)
{
  log_format = format;
  log_debug = debug;
  if (path == NULL || path[0] == '\0')
    return 0;
  int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return ocirun_error_errno (err, "open log file `%s`", path);
  log_fd = fd;
  return 0;
}

bool
ocirun_log_debug_enabled (void)
{
  return log_debug;
}

int
ocirun_log_fd (void)
{
  return log_fd;
}

/* Append s to out as a JSON string body (no quotes). */
static size_t
json_escape (char *out, size_t cap, const char *s)
{
  size_t n = 0;

  for (; *s && n + 7 < cap; s++)
    {
      unsigned char c = (unsigned char)*s;
      if (c == '"' || c == '\\')
        {
          out[n++] = '\\';
          out[n++] = (char)c;
        }
      else if (c == '\n')
        n += (size_t)snprintf (out + n, cap - n, "\\n");
      else if (c < 0x20)
        n += (size_t)snprintf (out + n, cap - n, "\\u%04x", c);
      else
        out[n++] = (char)c;
    }
  out[n] = '\0';
  return n;
}

static void
write_all (int fd, const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t w = write (fd, buf, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return;
      buf += w;
      len -= (size_t)w;
    }
}

static void
format_time (char *buf, size_t len)
{
  struct timespec now;
  struct tm tm;
  char ts[32];

  clock_gettime (CLOCK_REALTIME, &now);
  gmtime_r (&now.tv_sec, &tm);
  strftime (ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf, len, "%s.%09ldZ", ts, (long)now.tv_nsec);
}

/* Three shapes: JSON lines (--log-format=json), runc's logfmt-like
 * `time=".." level=.. msg=".."` for a --log file, and the plain
 * "ocirun: msg" a person expects on a terminal. */
static void
log_message (enum ocirun_log_level level, const char *msg)
{
  char line[OCIRUN_ERROR_MSG_MAX * 2 + 256];
  char esc[OCIRUN_ERROR_MSG_MAX * 2];
  char ts[64];
  int saved = errno;

  if (log_format == OCIRUN_LOG_JSON || log_fd != 2)
    {
      format_time (ts, sizeof ts);
      json_escape (esc, sizeof esc, msg);
    }
  if (log_format == OCIRUN_LOG_JSON)
    snprintf (line, sizeof line,
              "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
              level_names[level], esc, ts);
  else if (log_fd != 2)
    snprintf (line, sizeof line, "time=\"%s\" level=%s msg=\"%s\"\n", ts,
              level_names[level], esc);
  else if (level == OCIRUN_LOG_ERROR)
    snprintf (line, sizeof line, "ocirun: %s\n", msg);
  else
    snprintf (line, sizeof line, "ocirun: %s: %s\n", level_names[level], msg);
  write_all (log_fd, line, strlen (line));
  errno = saved;
}

void
ocirun_log (enum ocirun_log_level level, const char *fmt, ...)
{
  char msg[OCIRUN_ERROR_MSG_MAX * 2];
  va_list ap;

  if (level == OCIRUN_LOG_DEBUG && !log_debug)
    return;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  log_message (level, msg);
}

void
ocirun_log_error (const struct ocirun_error *err)
{
  char buf[OCIRUN_ERROR_MSG_MAX + 256];

  log_message (OCIRUN_LOG_ERROR, ocirun_error_text (err, buf, sizeof buf));
}
