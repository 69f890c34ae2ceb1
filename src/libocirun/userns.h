/* userns.h - the uid/gid maps of a container's new user namespace, as
 * root or as an unprivileged ("rootless") user.
 *
 * Who writes the maps (parent side, the child waits meanwhile):
 *   - with CAP_SETUID (CAP_SETGID for gid_map): ocirun, directly;
 *   - without it, a map of just the caller's own id (one line, size 1):
 *     ocirun, directly (gid_map after "deny" in /proc/<pid>/setgroups, as
 *     the kernel requires of an unprivileged writer);
 *   - any other map: newuidmap / newgidmap (setuid, package uidmap),
 *     which allow the caller's /etc/subuid and /etc/subgid ranges.
 *
 * ocirun_userns_validate() checks all of that before anything is created,
 * so that a map the caller may not write fails with a clear message and
 * leaves no state directory, cgroup or process behind. */
#ifndef OCIRUN_USERNS_H
#define OCIRUN_USERNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "libocirun/error.h"
#include "libocirun/namespaces.h"
#include "oci-spec/config.h"

/* Parent, after the namespace plan is built and before anything is
 * created: namespaces an unprivileged caller cannot create without a user
 * namespace, maps it may not write (neither its own id nor in its
 * subordinate ranges), a missing newuidmap/newgidmap, idmapped mounts
 * (which need the host's root). */
int ocirun_userns_validate (const struct oci_config *cfg,
                            const struct ocirun_ns_plan *plan,
                            struct ocirun_error *err);

/* Parent: write /proc/<pid>/uid_map and gid_map from linux.uidMappings
 * and gidMappings, choosing the writer as described above. */
int ocirun_userns_write_id_maps (pid_t pid, const struct oci_linux *l,
                                 struct ocirun_error *err);

/* exec, parent, before joining the pid (and time) namespace of a
 * container whose namespaces include ns_mask's user namespace: without
 * CAP_SYS_ADMIN here (rootless) those can only be joined from inside the
 * container's user namespace, so join it first (through pidfd) and take
 * CLONE_NEWUSER out of *child_flags (the child inherits it; joining one's
 * own user namespace again fails).  A no-op when privileged. */
int ocirun_userns_join_for_exec (int pidfd, unsigned ns_mask, int parent_flags,
                                 int *child_flags, struct ocirun_error *err);

/* Whether the map m can be written by an unprivileged process whose
 * effective id is self: one line of size 1 mapping self. */
bool ocirun_userns_map_is_self (const struct oci_id_mapping *m, size_t n,
                                uint32_t self);

#endif
