/* namespaces.h - which namespaces a container creates or joins, in which
 * order, and the user/time namespace setup the parent does for it.
 *
 * Fast path (nothing joined, no time namespace): one clone() with every
 * CLONE_NEW* flag (user included: the kernel creates it first and makes
 * it own the others); the cgroup namespace is unshared later, after the
 * child entered its cgroup.
 *
 * Two-stage path (a namespace joined by path, or a time namespace): a
 * stage-1 child joins (user first, mount last), unshares what is new
 * (user before the others, so it owns them) and clone()s the container
 * process with CLONE_PARENT, so that the runtime stays its parent. */
#ifndef OCIRUN_NAMESPACES_H
#define OCIRUN_NAMESPACES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

struct ocirun_ns_join
{
  enum oci_namespace_type type;
  const char *path;
  int fd; /* opened (and type-checked) in the parent before forking */
};

struct ocirun_ns_plan
{
  unsigned new_mask; /* 1u << type for every namespace created */
  unsigned mask;     /* created or joined */
  int clone_flags;   /* fast path: CLONE_NEW* given to clone() */
  bool two_stage;
  struct ocirun_ns_join joins[OCI_NS_COUNT_]; /* user first, mount last */
  size_t njoins;
};

#define OCIRUN_NS_BIT(t) (1u << (t))

/* Build the plan and check it against the config (mappings need a user
 * namespace and vice versa, hostname needs a UTS namespace...).  Opens
 * every namespace path (errors name the path); release with
 * ocirun_ns_plan_release. */
int ocirun_ns_plan_build (const struct oci_config *cfg,
                          struct ocirun_ns_plan *plan,
                          struct ocirun_error *err);
void ocirun_ns_plan_release (struct ocirun_ns_plan *plan);

/* Stage-1 helpers (child): setns into joins of `which` types. */
int ocirun_ns_join (const struct ocirun_ns_plan *plan, unsigned which,
                    struct ocirun_error *err);

/* Parent: write uid_map and gid_map of pid from linux.uidMappings /
 * gidMappings. */
int ocirun_ns_write_id_maps (pid_t pid, const struct oci_config *cfg,
                             struct ocirun_error *err);

/* Child: /proc/self/timens_offsets, opened before anything changes our
 * credentials; written right after unshare(CLONE_NEWTIME). */
int ocirun_ns_open_time_offsets (struct ocirun_error *err);
int ocirun_ns_write_time_offsets (int fd, const struct oci_config *cfg,
                                  struct ocirun_error *err);

/* Name for messages ("network"). */
const char *ocirun_ns_name (enum oci_namespace_type t);

#endif
