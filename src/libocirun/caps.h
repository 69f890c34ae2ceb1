/* caps.h - capability names, validation and the five capability sets.
 *
 * Internal to the security area (the engine uses security.h). */
#ifndef OCIRUN_CAPS_H
#define OCIRUN_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

/* The five sets as bit masks (bit n = capability n). */
struct ocirun_capset
{
  uint64_t bounding;
  uint64_t effective;
  uint64_t permitted;
  uint64_t inheritable;
  uint64_t ambient;
};

/* "CAP_SYS_ADMIN" -> 21.  -1 when libcap does not know the name or it
 * lacks the CAP_ prefix (names are case-sensitive, as in the spec). */
int ocirun_cap_from_name (const char *name);

/* The highest capability the running kernel knows
 * (/proc/sys/kernel/cap_last_cap, read once; CAP_LAST_CAP of the headers
 * when unreadable). */
int ocirun_cap_last_cap (void);

/* Every name in every set is a known capability.  `what` prefixes the
 * JSON path: "config.json: process.capabilities" gives
 * `config.json: process.capabilities.bounding[3]: unknown capability
 * "CAP_FOO"`. */
int ocirun_caps_validate (const struct oci_capabilities *caps,
                          const char *what, struct ocirun_error *err);

/* Names -> masks.  Capabilities above ocirun_cap_last_cap() are skipped
 * with a debug log (a newer config on an older kernel). */
int ocirun_caps_resolve (const struct oci_capabilities *caps,
                         struct ocirun_capset *out, struct ocirun_error *err);

/* PR_CAPBSET_DROP every capability not in keep (needs CAP_SETPCAP). */
int ocirun_caps_drop_bounding (uint64_t keep, struct ocirun_error *err);

/* capset(2) of effective/permitted/inheritable. */
int ocirun_caps_set (uint64_t effective, uint64_t permitted,
                     uint64_t inheritable, struct ocirun_error *err);

/* The current effective/permitted/inheritable sets. */
int ocirun_caps_get (uint64_t *effective, uint64_t *permitted,
                     uint64_t *inheritable, struct ocirun_error *err);

/* Clear the ambient set, then raise each capability of `ambient`.  A raise
 * the kernel refuses (not in permitted and inheritable) is a warning, as
 * with runc. */
int ocirun_caps_set_ambient (uint64_t ambient, struct ocirun_error *err);

#endif
