/* log.h - runtime logging, text or JSON lines.
 *
 * JSON lines are {"level":"error","msg":"...","time":"RFC3339"}, the form
 * containerd and conmon parse from runc's --log-format=json. The CLI sets
 * the destination once; the library only calls ocirun_log*(). */
#ifndef OCIRUN_LOG_H
#define OCIRUN_LOG_H

#include <stdbool.h>

#include "libocirun/error.h"

enum ocirun_log_level
{
  OCIRUN_LOG_ERROR = 0,
  OCIRUN_LOG_WARNING,
  OCIRUN_LOG_INFO,
  OCIRUN_LOG_DEBUG,
};

enum ocirun_log_format
{
  OCIRUN_LOG_TEXT = 0,
  OCIRUN_LOG_JSON,
};

/* path NULL: stderr. Returns < 0 if the file can't be opened. */
int ocirun_log_init (const char *path, enum ocirun_log_format format,
                     bool debug, struct ocirun_error *err);
bool ocirun_log_debug_enabled (void);
/* The fd logs go to (for the container child, which must close others). */
int ocirun_log_fd (void);

void ocirun_log (enum ocirun_log_level level, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
/* Log an error object at error level. */
void ocirun_log_error (const struct ocirun_error *err);

#define ocirun_debug(...)                                                     \
  do                                                                          \
    {                                                                         \
      if (ocirun_log_debug_enabled ())                                        \
        ocirun_log (OCIRUN_LOG_DEBUG, __VA_ARGS__);                           \
    }                                                                         \
  while (0)
#define ocirun_warn(...) ocirun_log (OCIRUN_LOG_WARNING, __VA_ARGS__)

#endif
