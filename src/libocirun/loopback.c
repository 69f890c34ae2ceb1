/* loopback.c - bring `lo` up in a fresh network namespace.
 *
 * This runs on every container start with a new netns, so it is one raw
 * rtnetlink request: no libnl socket object, no cache, no allocation.
 * The kernel adds 127.0.0.1/8 and ::1 by itself when lo goes up. */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "libocirun/cleanup.h"
#include "libocirun/network.h"

/* lo is always created first in a netns, with this fixed index
 * (LOOPBACK_IFINDEX in the kernel since Linux 3.7). */
#define LO_IFINDEX 1

int
ocirun_net_loopback_up (struct ocirun_error *err)
{
  struct
  {
    struct nlmsghdr nh;
    struct ifinfomsg ifi;
  } req;
  struct
  {
    struct nlmsghdr nh;
    struct nlmsgerr e;
  } ack;
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  cleanup_close int fd = -1;
  ssize_t n;

  memset (&req, 0, sizeof req);
  req.nh.nlmsg_len = sizeof req;
  req.nh.nlmsg_type = RTM_NEWLINK;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  req.nh.nlmsg_seq = 1;
  req.ifi.ifi_family = AF_UNSPEC;
  req.ifi.ifi_index = LO_IFINDEX;
  req.ifi.ifi_flags = IFF_UP;
  req.ifi.ifi_change = IFF_UP;

  fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0)
    return ocirun_error_errno (err, "bring up `lo`: open rtnetlink socket");
  if (sendto (fd, &req, sizeof req, 0, (struct sockaddr *)&kernel,
              sizeof kernel)
      < 0)
    return ocirun_error_errno (err, "bring up `lo`: send");
  do
    n = recv (fd, &ack, sizeof ack, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return ocirun_error_errno (err, "bring up `lo`: receive");
  /* The only possible answer is the ack: an NLMSG_ERROR with error 0 on
   * success; the kernel truncates the echoed request (NLM_F_CAPPED or
   * buffer end), which does not matter since only e.error is read. */
  if ((size_t)n < sizeof ack.nh + sizeof (int)
      || ack.nh.nlmsg_type != NLMSG_ERROR)
    return ocirun_error_set (err, EPROTO, "bring up `lo`: unexpected reply");
  if (ack.e.error != 0)
    return ocirun_error_set (err, -ack.e.error, "bring up `lo`");
  return 0;
}
