/* errno_text.c - the text of an errno, worded as glibc (and so runc, crun
 * and the kernel's man pages) words it, whatever C library ocirun was
 * built with.  musl says "No file descriptors available" for EMFILE and
 * "Resource busy" for EBUSY; users, scripts and engines that grep our
 * errors should not see the wording change with the build. */
#include "libocirun/error.h"

#include <errno.h>
#include <string.h>

#ifndef __GLIBC__
/* Only the numbers whose wording differs from musl's. */
static const char *const glibc_text[] = {
  [EIO] = "Input/output error",
  [ECHILD] = "No child processes",
  [ENOMEM] = "Cannot allocate memory",
  [EBUSY] = "Device or resource busy",
  [EXDEV] = "Invalid cross-device link",
  [EMFILE] = "Too many open files",
  [ENOTTY] = "Inappropriate ioctl for device",
  [ESPIPE] = "Illegal seek",
  [EDOM] = "Numerical argument out of domain",
  [ERANGE] = "Numerical result out of range",
  [EDEADLK] = "Resource deadlock avoided",
  [ENAMETOOLONG] = "File name too long",
  [ELOOP] = "Too many levels of symbolic links",
  [ETIME] = "Timer expired",
  [EOVERFLOW] = "Value too large for defined data type",
  [EILSEQ] = "Invalid or incomplete multibyte or wide character",
  [ENOTSOCK] = "Socket operation on non-socket",
  [EMSGSIZE] = "Message too long",
  [EOPNOTSUPP] = "Operation not supported",
  [EADDRINUSE] = "Address already in use",
  [EADDRNOTAVAIL] = "Cannot assign requested address",
  [ENETUNREACH] = "Network is unreachable",
  [ENETRESET] = "Network dropped connection on reset",
  [ECONNABORTED] = "Software caused connection abort",
  [EISCONN] = "Transport endpoint is already connected",
  [ENOTCONN] = "Transport endpoint is not connected",
  [ESHUTDOWN] = "Cannot send after transport endpoint shutdown",
  [ETIMEDOUT] = "Connection timed out",
  [EHOSTUNREACH] = "No route to host",
  [EINPROGRESS] = "Operation now in progress",
  [EUCLEAN] = "Structure needs cleaning",
  [EDQUOT] = "Disk quota exceeded",
  [EOWNERDEAD] = "Owner died",
};
#endif

const char *
ocirun_strerror (int errnum)
{
#ifndef __GLIBC__
  if (errnum > 0 && (size_t)errnum < sizeof glibc_text / sizeof glibc_text[0]
      && glibc_text[errnum] != NULL)
    return glibc_text[errnum];
#endif
  return strerror (errnum);
}
