/* network.h - container networking: linux.netDevices, loopback, sysctl.
 *
 * Call order (see container.h):
 *
 *   parent, before fork   ocirun_net_validate (cfg)
 *   parent, after clone   ocirun_net_parent_setup (c)  -- c->pid must already
 *                         be in its final network namespace (cloned with
 *                         CLONE_NEWNET, or joined), or the config names a
 *                         netns path; moves linux.netDevices in.
 *   parent, create fails  ocirun_net_parent_rollback (c) -- BEFORE killing
 *                         the child: moves the devices back to the host so
 *                         a failed create does not destroy them (a dying
 *                         netns destroys virtual devices).
 *   child, in its ns      ocirun_net_child_setup (c) -- `lo` up (new netns
 *                         only) and every linux.sysctl key.  The engine
 *                         does not apply sysctl separately.
 *   delete                ocirun_net_teardown (c)
 *
 * Everything network-related is skipped when the config has no network
 * namespace; sysctl is still applied (ipc/uts keys). */
#ifndef OCIRUN_NETWORK_H
#define OCIRUN_NETWORK_H

#include <stdbool.h>

#include "libocirun/container.h"
#include "libocirun/error.h"
#include "oci-spec/config.h"

/* Host-dependent checks, before anything is forked:
 *  - linux.netDevices only with a network namespace other than the
 *    runtime's; host names exist in the runtime's netns; host and
 *    container names are valid interface names; no two devices get the
 *    same container name;
 *  - linux.sysctl: net.* only with a private netns; kernel.msg*, kernel.sem,
 *    kernel.shm*, fs.mqueue.* only with an ipc namespace;
 *    kernel.hostname/kernel.domainname only with a uts namespace; anything
 *    else is refused.  Messages: config.json: linux.sysctl."<key>": ...  */
int ocirun_net_validate (const struct oci_config *cfg,
                         struct ocirun_error *err);

/* Parent, after clone: move each linux.netDevices host interface into the
 * container's netns (renamed to `name` when given), re-add its permanent
 * global-scope addresses (the kernel flushes them on a netns move) and
 * set it up.  A name already taken inside is refused before anything
 * moves (unless the name is a %d template).  On error every device this
 * call moved is back on the host with its name, addresses and state.
 * Stores what it moved in c->net (for rollback). */
int ocirun_net_parent_setup (struct ocirun_container *c,
                             struct ocirun_error *err);

/* Undo ocirun_net_parent_setup() while the container netns is still
 * alive.  No-op when nothing was moved. */
int ocirun_net_parent_rollback (struct ocirun_container *c,
                                struct ocirun_error *err);

/* Child, after unshare/setns of its namespaces, host /proc still mounted:
 * bring `lo` up when the netns is new, then write linux.sysctl. */
int ocirun_net_child_setup (struct ocirun_container *c,
                            struct ocirun_error *err);

/* On delete.  Per the spec, the runtime MUST NOT move devices out of the
 * container netns: when the netns dies the kernel returns physical
 * devices to the initial netns and destroys virtual ones; a joined netns
 * keeps them.  Only frees c->net.  Never fails today. */
int ocirun_net_teardown (struct ocirun_container *c, struct ocirun_error *err);

/* Free c->net (also done by teardown).  Accepts c->net == NULL. */
void ocirun_net_free (struct ocirun_container *c);

/* ---- helpers, exposed for unit tests -------------------------------- */

/* A name the kernel accepts for an interface: non-empty, < IFNAMSIZ,
 * not "." or "..", no '/', ':' or whitespace.  allow_template: a single
 * "%d" is allowed (the kernel picks a free number). */
bool ocirun_net_ifname_valid (const char *name, bool allow_template);

/* Bring up the loopback of the current netns with one raw rtnetlink
 * request (lo is ifindex 1 in every netns). */
int ocirun_net_loopback_up (struct ocirun_error *err);

#endif
