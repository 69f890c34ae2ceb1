/* sysctl.h - linux.sysctl: which keys a container may set, and writing
 * them under /proc/sys from inside the container's namespaces.
 *
 * ocirun_net_validate() and ocirun_net_child_setup() (network.h) call
 * these; the engine needs only network.h. */
#ifndef OCIRUN_SYSCTL_H
#define OCIRUN_SYSCTL_H

#include <stddef.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

/* The namespace that isolates a sysctl key, as runc classifies them. */
enum ocirun_sysctl_ns
{
  OCIRUN_SYSCTL_NS_NONE = 0, /* global: never allowed in a container */
  OCIRUN_SYSCTL_NS_NET,      /* net.* */
  OCIRUN_SYSCTL_NS_IPC,      /* kernel.msg{max,mnb,mni}, kernel.sem,
                                kernel.shm{all,max,mni}, kernel.shm_rmid_forced,
                                fs.mqueue.* */
  OCIRUN_SYSCTL_NS_UTS,      /* kernel.hostname, kernel.domainname */
};

/* Classify a key in either sysctl(8) notation ("net.ipv4.ip_forward" or
 * "net/ipv4/ip_forward").  An invalid key is NS_NONE. */
enum ocirun_sysctl_ns ocirun_sysctl_namespace (const char *key);

/* "/proc/sys/<key>" with sysctl(8) rules: in dotted keys '.' separates
 * components and '/' stands for a literal '.', so
 * net.ipv4.conf.eth0/100.rp_filter is
 * /proc/sys/net/ipv4/conf/eth0.100/rp_filter; a key whose first
 * separator is '/' is a path already.  Returns -1 for an empty key, an
 * empty, "." or ".." component, or a result that does not fit. */
int ocirun_sysctl_path (const char *key, char *buf, size_t len);

/* Refuse keys the container's namespaces do not isolate (see network.h).
 * Host-dependent: a net.* key with a netns path naming the runtime's own
 * netns is refused. */
int ocirun_sysctl_validate (const struct oci_config *cfg,
                            struct ocirun_error *err);

/* Write every key, in document order.  Runs in the container child. */
int ocirun_sysctl_apply (const struct oci_config *cfg,
                         struct ocirun_error *err);

#endif
