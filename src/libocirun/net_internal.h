/* net_internal.h - shared between the network area's files only. */
#ifndef OCIRUN_NET_INTERNAL_H
#define OCIRUN_NET_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "libocirun/container.h"
#include "libocirun/error.h"
#include "oci-spec/config.h"

struct nl_sock;
struct net_moved_dev;

/* c->net: what ocirun_net_parent_setup() moved, for rollback. */
struct ocirun_netstate
{
  int netns_fd; /* the container netns, kept open for rollback */
  struct net_moved_dev *moved;
  size_t moved_len;
};

/* ---- network.c ------------------------------------------------------ */

/* The namespace entry of that type, or NULL. */
const struct oci_namespace *ocirun_net_find_ns (const struct oci_config *cfg,
                                                enum oci_namespace_type type);

/* ---- netlink.c ------------------------------------------------------ */

/* An rtnetlink libnl socket bound in the netns `netns_fd` (-1: the
 * current one).  A socket keeps the netns it was created in, so the
 * parent can configure the container's netns without leaving its own. */
int ocirun_nl_open (int netns_fd, struct nl_sock **out,
                    struct ocirun_error *err);
void ocirun_nl_closep (struct nl_sock **sk);
#define cleanup_nl_sock __attribute__ ((cleanup (ocirun_nl_closep)))

/* errno for a libnl error code (negative NLE_*). */
int ocirun_nl_errno (int nlerr);

/* Open a namespace file O_RDONLY|O_CLOEXEC.  */
int ocirun_ns_open (const char *path, struct ocirun_error *err);
/* Whether two namespace files (or fds, path NULL) are the same namespace. */
int ocirun_ns_fd_is_self (int fd, const char *proc_name, bool *same,
                          struct ocirun_error *err);
int ocirun_ns_path_is_self (const char *path, const char *proc_name,
                            bool *same, struct ocirun_error *err);

/* ---- net_devices.c -------------------------------------------------- */

/* Move linux.netDevices into the netns open as netns_fd; on success
 * c->net holds what moved. */
int ocirun_net_devices_move (struct ocirun_container *c, int netns_fd,
                             struct ocirun_error *err);
/* Move what c->net holds back to the runtime's netns. */
int ocirun_net_devices_restore (struct ocirun_container *c,
                                struct ocirun_error *err);
void ocirun_net_devices_free (struct ocirun_netstate *st);

#endif
