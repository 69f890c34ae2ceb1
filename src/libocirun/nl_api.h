/* nl_api.h - libnl, loaded on first use (network area only).
 *
 * Linking libnl-route-3/libnl-3 costs every ocirun invocation ~0.1-0.2 ms
 * of loading, relocation and library constructors (measured: 600 vs
 * 740-780 us per spawn of an empty program), while only a container with
 * linux.netDevices needs it.  So the network area calls libnl through this
 * table, filled by dlopen() the first time a netlink socket is needed.
 * The libnl headers still give every entry its exact prototype. */
#ifndef OCIRUN_NL_API_H
#define OCIRUN_NL_API_H

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/object.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "libocirun/error.h"

/* Every libnl function the network area calls. */
/* clang-format off */
#define OCIRUN_NL_SYMBOLS(X) \
  X (nl_addr2str) \
  X (nl_addr_clone) \
  X (nl_addr_cmp) \
  X (nl_addr_put) \
  X (nl_cache_free) \
  X (nl_cache_get_first) \
  X (nl_cache_get_next) \
  X (nl_connect) \
  X (nl_object_get) \
  X (nl_socket_alloc) \
  X (nl_socket_free) \
  X (rtnl_addr_add) \
  X (rtnl_addr_alloc) \
  X (rtnl_addr_alloc_cache) \
  X (rtnl_addr_get_broadcast) \
  X (rtnl_addr_get_family) \
  X (rtnl_addr_get_flags) \
  X (rtnl_addr_get_ifindex) \
  X (rtnl_addr_get_label) \
  X (rtnl_addr_get_local) \
  X (rtnl_addr_get_peer) \
  X (rtnl_addr_get_prefixlen) \
  X (rtnl_addr_get_scope) \
  X (rtnl_addr_put) \
  X (rtnl_addr_set_broadcast) \
  X (rtnl_addr_set_family) \
  X (rtnl_addr_set_flags) \
  X (rtnl_addr_set_ifindex) \
  X (rtnl_addr_set_label) \
  X (rtnl_addr_set_local) \
  X (rtnl_addr_set_peer) \
  X (rtnl_addr_set_prefixlen) \
  X (rtnl_addr_set_scope) \
  X (rtnl_link_alloc) \
  X (rtnl_link_alloc_cache) \
  X (rtnl_link_change) \
  X (rtnl_link_get_addr) \
  X (rtnl_link_get_flags) \
  X (rtnl_link_get_ifindex) \
  X (rtnl_link_get_kernel) \
  X (rtnl_link_get_name) \
  X (rtnl_link_put) \
  X (rtnl_link_set_flags) \
  X (rtnl_link_set_name) \
  X (rtnl_link_set_ns_fd)
/* clang-format on */

struct ocirun_nl_api
{
#define OCIRUN_NL_MEMBER(fn) __typeof__ (fn) *fn;
  OCIRUN_NL_SYMBOLS (OCIRUN_NL_MEMBER)
#undef OCIRUN_NL_MEMBER
};

/* Valid after ocirun_nl_load() succeeded (ocirun_nl_open() calls it). */
extern struct ocirun_nl_api nlapi;

/* Load libnl-route-3 (and with it libnl-3) once.  Idempotent. */
int ocirun_nl_load (struct ocirun_error *err);

#endif
