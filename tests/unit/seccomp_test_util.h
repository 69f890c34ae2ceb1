/* seccomp_test_util.h - helpers for the security unit tests. */
#ifndef OCIRUN_SECCOMP_TEST_UTIL_H
#define OCIRUN_SECCOMP_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "oci-spec/config.h"

/* Parse an OCI linux.seccomp object (JSON text); NULL + message on
 * stderr if the oci-spec parser rejects it. */
struct oci_seccomp *test_parse_seccomp (const char *json);

/* Convert a moby/containers-common profile (archMap, includes/excludes)
 * to the OCI form for this host: architectures from archMap's native
 * entry, rules kept when their includes/excludes match `caps` (a
 * NULL-terminated list of capability names) and the running kernel. */
struct oci_seccomp *test_load_engine_profile (const char *path,
                                              const char *const *caps);

/* seccomp_export_pfc() of the compiled filter, malloc'd text. */
char *test_seccomp_pfc (const struct oci_seccomp *s);

/* Count of non-overlapping occurrences of needle in hay. */
size_t test_count (const char *hay, const char *needle);

#endif
