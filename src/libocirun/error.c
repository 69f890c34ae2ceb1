/* error.c - fixed-size error object with a context chain. */
#include "libocirun/error.h"

#include <stdio.h>
#include <string.h>

void
ocirun_error_clear (struct ocirun_error *err)
{
  err->errnum = 0;
  err->msg[0] = '\0';
}

int
ocirun_error_setv (struct ocirun_error *err, int errnum, const char *fmt,
                   va_list ap)
{
  if (err == NULL)
    return -1;
  err->errnum = errnum;
  vsnprintf (err->msg, sizeof err->msg, fmt, ap);
  return -1;
}

int
ocirun_error_set (struct ocirun_error *err, int errnum, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  ocirun_error_setv (err, errnum, fmt, ap);
  va_end (ap);
  return -1;
}

/* A long chain is cut at the buffer's end on purpose: the innermost detail
 * is lost before the outer context the user needs to place the error. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-truncation"
int
ocirun_error_prefix (struct ocirun_error *err, const char *fmt, ...)
{
  char context[OCIRUN_ERROR_MSG_MAX];
  char old[OCIRUN_ERROR_MSG_MAX];
  va_list ap;

  if (err == NULL)
    return -1;
  va_start (ap, fmt);
  vsnprintf (context, sizeof context, fmt, ap);
  va_end (ap);
  memcpy (old, err->msg, sizeof old);
  if (old[0] == '\0')
    snprintf (err->msg, sizeof err->msg, "%s", context);
  else
    snprintf (err->msg, sizeof err->msg, "%s: %s", context, old);
  return -1;
}
#pragma GCC diagnostic pop

const char *
ocirun_error_text (const struct ocirun_error *err, char *buf, size_t len)
{
  if (len == 0)
    return buf;
  if (err->errnum != 0)
    snprintf (buf, len, "%s: %s", err->msg, ocirun_strerror (err->errnum));
  else
    snprintf (buf, len, "%s", err->msg);
  return buf;
}
