/* spec_default.h - the config.json that `ocirun spec` writes.
 *
 * Modelled on runc's `spec` output: `sh` on a terminal, the default
 * capability set (AUDIT_WRITE, KILL, NET_BIND_SERVICE), NOFILE 1024,
 * noNewPrivileges, read-only "rootfs", the standard mounts, masked and
 * read-only /proc paths and new pid/network/ipc/uts/mount/cgroup
 * namespaces.  Rootless: plus a user namespace mapping uid/gid -> 0, no
 * network namespace, /sys as an rbind, no devpts gid=5, no cgroup
 * resources. */
#ifndef OCI_SPEC_SPEC_DEFAULT_H
#define OCI_SPEC_SPEC_DEFAULT_H

#include <stdbool.h>
#include <sys/types.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

/* Build the default config.  uid/gid are the host ids mapped to root in
 * the rootless variant (ignored otherwise). */
int oci_spec_default (bool rootless, uid_t uid, gid_t gid,
                      struct oci_config **out, struct ocirun_error *err);

/* Hook point for the security area: the default seccomp profile to embed
 * into `ocirun spec` output, or NULL for none.  The caller owns (and frees)
 * the result; it is attached as config->linux_->seccomp.  Defined in
 * oci-spec/spec_default_seccomp.c. */
struct oci_seccomp *spec_default_seccomp (void);

#endif
