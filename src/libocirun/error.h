/* error.h - the error object every fallible function fills.
 *
 * Convention: a function that can fail returns < 0 and fills *err; the
 * caller may add context with ocirun_error_prefix() and return < 0 again.
 * The message chain reads outermost context first:
 *   "create `c1`: mount `proc` on `/proc`: Operation not permitted"
 * The buffer is fixed-size so that filling an error never allocates (it
 * is used in the forked child and after ENOMEM) and so that the child can
 * ship it to the parent over the setup socket as one message. */
#ifndef OCIRUN_ERROR_H
#define OCIRUN_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#define OCIRUN_ERROR_MSG_MAX 2048

struct ocirun_error
{
  int errnum;                     /* errno of the root cause, 0 if none */
  char msg[OCIRUN_ERROR_MSG_MAX]; /* context chain, without strerror */
};

/* Reset to "no error". */
void ocirun_error_clear (struct ocirun_error *err);

/* Set the root cause; errnum may be 0. Always returns -1. */
int ocirun_error_set (struct ocirun_error *err, int errnum, const char *fmt,
                      ...) __attribute__ ((format (printf, 3, 4)));
int ocirun_error_setv (struct ocirun_error *err, int errnum, const char *fmt,
                       va_list ap) __attribute__ ((format (printf, 3, 0)));

/* Add outer context: "<context>: <previous message>". Returns -1. */
int ocirun_error_prefix (struct ocirun_error *err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* strerror(errnum), worded as glibc words it in every build (musl's
 * wording differs for some numbers; errno_text.c). */
const char *ocirun_strerror (int errnum);

/* The full text: message plus ": strerror(errnum)" when errnum != 0.
 * Writes into buf (always NUL-terminated) and returns buf. */
const char *ocirun_error_text (const struct ocirun_error *err, char *buf,
                               size_t len);

/* Convenience: set from errno at the call site. */
#define ocirun_error_errno(err, ...)                                          \
  ocirun_error_set ((err), errno, __VA_ARGS__)

#endif
