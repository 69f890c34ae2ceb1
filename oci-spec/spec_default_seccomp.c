/* spec_default_seccomp.c - the default seccomp profile of `ocirun spec`:
 * seccomp-profiles/default.json, embedded in the binary by the security
 * area (src/libocirun/seccomp_default.c).
 *
 * The reference is weak so that targets linking only the oci-spec sources
 * (the fuzzer) still link; they simply get no profile. */
#include <stddef.h>

#include "libocirun/log.h"
#include "libocirun/security.h"
#include "oci-spec/spec_default.h"

extern int ocirun_default_seccomp (struct oci_seccomp **out,
                                   struct ocirun_error *err)
    __attribute__ ((weak));

struct oci_seccomp *
spec_default_seccomp (void)
{
  struct oci_seccomp *s = NULL;
  struct ocirun_error err = { 0 };

  if (ocirun_default_seccomp == NULL)
    return NULL;
  if (ocirun_default_seccomp (&s, &err) < 0)
    {
      /* A build-time file that fails to parse is a bug; say so, but still
       * produce a config (without seccomp) rather than nothing. */
      ocirun_log_error (&err);
      return NULL;
    }
  return s;
}
