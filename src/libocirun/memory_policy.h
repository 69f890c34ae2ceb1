/* memory_policy.h - linux.memoryPolicy (runtime-spec 1.3): the NUMA
 * memory policy of the container process, set with set_mempolicy(2)
 * before execve (the policy is kept across execve and fork).
 *
 *   mode   MPOL_DEFAULT, MPOL_BIND, MPOL_INTERLEAVE,
 *          MPOL_WEIGHTED_INTERLEAVE, MPOL_PREFERRED, MPOL_PREFERRED_MANY,
 *          MPOL_LOCAL
 *   nodes  a node list like "0-3,7"; required except for MPOL_DEFAULT and
 *          MPOL_LOCAL, which take none
 *   flags  MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES,
 *          MPOL_F_STATIC_NODES (the last two exclude each other)
 *
 * Whether the nodes exist, and which flags a mode accepts, is the
 * kernel's call: set_mempolicy's error is reported by apply. */
#ifndef OCIRUN_MEMORY_POLICY_H
#define OCIRUN_MEMORY_POLICY_H

#include <stddef.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

/* Highest node number accepted in a node list (the kernel's MAX_NUMNODES
 * is at most 1 << 10). */
#define OCIRUN_MPOL_MAX_NODE 1023

/* Parent, before fork: mode and flag names, node list syntax, nodes
 * present when the mode needs them.  Messages read
 * "config.json: linux.memoryPolicy.<field>: ...". */
int ocirun_memory_policy_validate (const struct oci_config *cfg,
                                   struct ocirun_error *err);

/* Container child, before execve: set_mempolicy(2).  Does nothing when
 * mp is NULL. */
int ocirun_memory_policy_apply (const struct oci_memory_policy *mp,
                                struct ocirun_error *err);

/* Parse a node list ("0-3,7") into the bitmap mask of len unsigned
 * longs (cleared first).  *max_node gets the highest node set.  -1 on a
 * syntax error, a reversed range or a node above OCIRUN_MPOL_MAX_NODE or
 * beyond the mask. */
int ocirun_memory_policy_parse_nodes (const char *nodes, unsigned long *mask,
                                      size_t len, unsigned int *max_node);

/* The kernel's value of a mode / flag name; -1 if unknown. */
int ocirun_memory_policy_mode (const char *name);
int ocirun_memory_policy_flag (const char *name);

#endif
