/* rootless.h - what an unprivileged caller may do with user namespaces:
 * its own privileges, its subordinate id ranges (/etc/subuid, /etc/subgid)
 * and the setuid helpers (newuidmap/newgidmap, package uidmap) that write
 * maps it could not write itself. */
#ifndef OCIRUN_ROOTLESS_H
#define OCIRUN_ROOTLESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

/* Whether the calling process has capability cap (CAP_SETUID...) in its
 * effective set, i.e. in its own user namespace. */
bool ocirun_rootless_has_cap (int cap);

struct ocirun_subid_range
{
  uint64_t start;
  uint64_t count;
};

/* Ranges of `file` (/etc/subuid format, "owner:start:count" lines) whose
 * owner is user or the decimal id.  *out is malloc'ed (free it), *n may
 * be 0.  Returns -1 with errno ENOENT (in err) when the file is missing. */
int ocirun_subid_ranges (const char *file, const char *user, uid_t id,
                         struct ocirun_subid_range **out, size_t *n,
                         struct ocirun_error *err);

/* Whether [start, start+count) lies within the union of ranges. */
bool ocirun_subid_covers (const struct ocirun_subid_range *r, size_t n,
                          uint64_t start, uint64_t count);

/* Full path of a helper ("newuidmap") from $PATH or the usual
 * directories, NULL when not found.  The result is static. */
const char *ocirun_rootless_find_helper (const char *name);

/* Run helper (a full path) for pid with mappings m: "helper pid c h s...".
 * Its stderr becomes part of the error. */
int ocirun_rootless_run_map_helper (const char *helper, pid_t pid,
                                    const struct oci_id_mapping *m, size_t n,
                                    struct ocirun_error *err);

/* `kill --all` for a container without a cgroup (rootless, not
 * delegated): signal every process of its pid namespace, init last.  init
 * (pid, start time) must be pid 1 of a namespace of its own, or there is
 * no way to tell the container's processes from others: error then.
 * Returns 0 when init is gone already. */
int ocirun_rootless_signal_pidns (pid_t init, unsigned long long start,
                                  int signo, struct ocirun_error *err);

#endif
