/* net_devices.c - move linux.netDevices into the container netns (libnl).
 *
 * What the spec (config-linux.md, Network Devices) asks, and how:
 *  - check the move is possible first: the host device exists, and the
 *    container name is free inside unless it is a %d template;
 *  - move and rename in one RTM_NEWLINK (IFLA_NET_NS_FD + IFLA_IFNAME);
 *  - keep attributes: MTU, MAC, ... survive a move, but the kernel
 *    flushes addresses, so the permanent global-scope ones are read
 *    before the move and added again inside;
 *  - set the device up inside.
 * The parent does all of it with a second rtnetlink socket created in the
 * container netns, so it never has to leave its own namespace for long.
 * Nothing is moved out again on delete (the spec forbids it); moving
 * back only happens when a create fails, see ocirun_net_devices_restore. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "libocirun/cleanup.h"
#include "libocirun/log.h"
#include "libocirun/net_internal.h"
#include "libocirun/nl_api.h"

struct net_moved_dev
{
  char host_name[IFNAMSIZ];
  char name[IFNAMSIZ]; /* the name inside, once known */
  int host_ifindex;
  int ifindex; /* inside, 0 until known */
  bool host_up;
  struct nl_addr *mac;      /* to find the device again after a %d rename */
  struct rtnl_addr **addrs; /* permanent global addresses, host view */
  size_t addrs_len;
};

/* Address flags a user may set on RTM_NEWADDR; the others (secondary,
 * tentative, ...) are kernel state. */
#define KEEP_ADDR_FLAGS                                                       \
  (IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_NOPREFIXROUTE                      \
   | IFA_F_MANAGETEMPADDR | IFA_F_MCAUTOJOIN)

static void
link_putp (struct rtnl_link **l)
{
  if (*l != NULL)
    nlapi.rtnl_link_put (*l);
}
#define cleanup_link __attribute__ ((cleanup (link_putp)))

static void
cache_freep (struct nl_cache **c)
{
  if (*c != NULL)
    nlapi.nl_cache_free (*c);
}
#define cleanup_cache __attribute__ ((cleanup (cache_freep)))

static void
moved_clear (struct net_moved_dev *m)
{
  size_t i;

  for (i = 0; i < m->addrs_len; i++)
    nlapi.rtnl_addr_put (m->addrs[i]);
  free (m->addrs);
  if (m->mac != NULL)
    nlapi.nl_addr_put (m->mac);
  memset (m, 0, sizeof *m);
}

void
ocirun_net_devices_free (struct ocirun_netstate *st)
{
  size_t i;

  for (i = 0; i < st->moved_len; i++)
    moved_clear (&st->moved[i]);
  free (st->moved);
  st->moved = NULL;
  st->moved_len = 0;
}

static bool
is_template (const char *name)
{
  return strchr (name, '%') != NULL;
}

/* ---- addresses -------------------------------------------------------- */

/* The spec keeps permanent addresses of global scope: those are the
 * configured ones; link-local and temporary ones are regenerated. */
static bool
addr_to_keep (struct rtnl_addr *a, int ifindex)
{
  return nlapi.rtnl_addr_get_ifindex (a) == ifindex
         && (nlapi.rtnl_addr_get_flags (a) & IFA_F_PERMANENT)
         && nlapi.rtnl_addr_get_scope (a) == RT_SCOPE_UNIVERSE;
}

static int
save_addrs (struct nl_cache *addrs, struct net_moved_dev *m,
            struct ocirun_error *err)
{
  struct nl_object *o;

  for (o = nlapi.nl_cache_get_first (addrs); o != NULL;
       o = nlapi.nl_cache_get_next (o))
    {
      struct rtnl_addr *a = (struct rtnl_addr *)o;
      struct rtnl_addr **v;

      if (!addr_to_keep (a, m->host_ifindex))
        continue;
      v = realloc (m->addrs, (m->addrs_len + 1) * sizeof *v);
      if (v == NULL)
        return ocirun_error_set (err, ENOMEM, "save addresses");
      m->addrs = v;
      nlapi.nl_object_get (o);
      m->addrs[m->addrs_len++] = a;
    }
  return 0;
}

/* IPv4 labels are "<ifname>" or "<ifname>:<alias>": follow a rename. */
static void
relabel (struct rtnl_addr *dst, struct rtnl_addr *src, const char *from,
         const char *to)
{
  const char *label = nlapi.rtnl_addr_get_label (src);
  size_t n = strlen (from), tlen = strlen (to), rest;
  char buf[IFNAMSIZ];

  if (label == NULL || strcmp (label, from) == 0)
    return; /* the kernel defaults the label to the device name */
  rest = strncmp (label, from, n) == 0 && label[n] == ':' ? strlen (label + n)
                                                          : sizeof buf;
  if (tlen + rest < sizeof buf)
    {
      memcpy (buf, to, tlen);
      memcpy (buf + tlen, label + n, rest + 1);
      nlapi.rtnl_addr_set_label (dst, buf);
      return;
    }
  nlapi.rtnl_addr_set_label (dst, label);
}

/* Add a copy of `src` on ifindex through sk.  Only what defines the
 * address is copied; lifetimes stay infinite (permanent). */
static int
add_addr (struct nl_sock *sk, struct rtnl_addr *src, int ifindex,
          const char *from, const char *to, struct ocirun_error *err)
{
  struct rtnl_addr *a = nlapi.rtnl_addr_alloc ();
  struct nl_addr *peer = nlapi.rtnl_addr_get_peer (src);
  struct nl_addr *bcast = nlapi.rtnl_addr_get_broadcast (src);
  char txt[128];
  int r;

  if (a == NULL)
    return ocirun_error_set (err, ENOMEM, "allocate address");
  nlapi.rtnl_addr_set_ifindex (a, ifindex);
  nlapi.rtnl_addr_set_family (a, nlapi.rtnl_addr_get_family (src));
  r = nlapi.rtnl_addr_set_local (a, nlapi.rtnl_addr_get_local (src));
  if (r >= 0 && peer != NULL)
    r = nlapi.rtnl_addr_set_peer (a, peer);
  if (r >= 0 && bcast != NULL)
    r = nlapi.rtnl_addr_set_broadcast (a, bcast);
  if (r >= 0)
    {
      nlapi.rtnl_addr_set_prefixlen (a, nlapi.rtnl_addr_get_prefixlen (src));
      nlapi.rtnl_addr_set_scope (a, nlapi.rtnl_addr_get_scope (src));
      nlapi.rtnl_addr_set_flags (a, nlapi.rtnl_addr_get_flags (src)
                                        & KEEP_ADDR_FLAGS);
      relabel (a, src, from, to);
      r = nlapi.rtnl_addr_add (sk, a, 0);
    }
  nlapi.rtnl_addr_put (a);
  /* Already there is what we want. */
  if (r < 0 && ocirun_nl_errno (r) != EEXIST)
    {
      nlapi.nl_addr2str (nlapi.rtnl_addr_get_local (src), txt, sizeof txt);
      return ocirun_error_set (err, ocirun_nl_errno (r),
                               "add address %s to `%s`", txt, to);
    }
  return 0;
}

static int
add_addrs (struct nl_sock *sk, const struct net_moved_dev *m, int ifindex,
           const char *from, const char *to, struct ocirun_error *err)
{
  size_t i;

  for (i = 0; i < m->addrs_len; i++)
    if (add_addr (sk, m->addrs[i], ifindex, from, to, err) < 0)
      return -1;
  return 0;
}

/* ---- links ------------------------------------------------------------ */

static int
get_link (struct nl_sock *sk, int ifindex, const char *name,
          struct rtnl_link **out)
{
  return nlapi.rtnl_link_get_kernel (sk, ifindex, name, out);
}

static bool
same_mac (struct rtnl_link *l, const struct nl_addr *mac)
{
  struct nl_addr *a = nlapi.rtnl_link_get_addr (l);

  if (a == NULL || mac == NULL)
    return a == NULL && mac == NULL;
  return nlapi.nl_addr_cmp (a, mac) == 0;
}

/* Find the moved device inside: by its name, else (a %d template picked
 * the name) by its kept ifindex, else by its MAC. */
static int
find_inside (struct nl_sock *in, struct net_moved_dev *m, const char *target,
             struct rtnl_link **out)
{
  cleanup_cache struct nl_cache *links = NULL;
  struct nl_object *o;
  struct rtnl_link *l = NULL;

  if (!is_template (target) && get_link (in, 0, target, &l) == 0)
    goto found;
  if (get_link (in, m->host_ifindex, NULL, &l) == 0)
    {
      if (same_mac (l, m->mac))
        goto found;
      nlapi.rtnl_link_put (l);
    }
  if (m->mac == NULL
      || nlapi.rtnl_link_alloc_cache (in, AF_UNSPEC, &links) < 0)
    return -1;
  for (o = nlapi.nl_cache_get_first (links); o != NULL;
       o = nlapi.nl_cache_get_next (o))
    if (same_mac ((struct rtnl_link *)o, m->mac))
      {
        l = (struct rtnl_link *)o;
        nlapi.nl_object_get (o);
        goto found;
      }
  return -1;

found:
  m->ifindex = nlapi.rtnl_link_get_ifindex (l);
  snprintf (m->name, sizeof m->name, "%s", nlapi.rtnl_link_get_name (l));
  *out = l;
  return 0;
}

static int
set_up (struct nl_sock *sk, struct rtnl_link *l, struct ocirun_error *err)
{
  cleanup_link struct rtnl_link *change = nlapi.rtnl_link_alloc ();
  int r;

  if (change == NULL)
    return ocirun_error_set (err, ENOMEM, "allocate link");
  nlapi.rtnl_link_set_flags (change, IFF_UP);
  r = nlapi.rtnl_link_change (sk, l, change, 0);
  if (r < 0)
    return ocirun_error_set (err, ocirun_nl_errno (r), "set `%s` up",
                             nlapi.rtnl_link_get_name (l));
  return 0;
}

/* One RTM_NEWLINK: into netns_fd, renamed to `name` if it differs. */
static int
change_netns (struct nl_sock *sk, struct rtnl_link *l, int netns_fd,
              const char *name)
{
  cleanup_link struct rtnl_link *change = nlapi.rtnl_link_alloc ();

  if (change == NULL)
    return -NLE_NOMEM;
  nlapi.rtnl_link_set_ns_fd (change, netns_fd);
  if (strcmp (name, nlapi.rtnl_link_get_name (l)) != 0)
    nlapi.rtnl_link_set_name (change, name);
  return nlapi.rtnl_link_change (sk, l, change, 0);
}

/* ---- the move --------------------------------------------------------- */

static const char *
target_name (const struct oci_net_device *d)
{
  return d->name != NULL && d->name[0] != '\0' ? d->name : d->host_name;
}

/* Everything that can be checked without moving anything. */
static int
precheck (struct nl_sock *host, struct nl_sock *in,
          const struct oci_net_device *d, struct rtnl_link **host_link,
          struct ocirun_error *err)
{
  const char *target = target_name (d);
  struct rtnl_link *l = NULL;
  int r;

  r = get_link (host, 0, d->host_name, host_link);
  if (r < 0)
    return ocirun_error_set (err, ocirun_nl_errno (r),
                             "network device `%s` in the runtime network "
                             "namespace",
                             d->host_name);
  if (is_template (target))
    return 0;
  r = get_link (in, 0, target, &l);
  if (r == 0)
    {
      nlapi.rtnl_link_put (l);
      return ocirun_error_set (err, EEXIST,
                               "network device `%s`: the name `%s` is "
                               "already taken in the container network "
                               "namespace",
                               d->host_name, target);
    }
  if (ocirun_nl_errno (r) != ENODEV)
    return ocirun_error_set (err, ocirun_nl_errno (r),
                             "look up `%s` in the container network "
                             "namespace",
                             target);
  return 0;
}

static struct net_moved_dev *
record_new (struct ocirun_netstate *st, struct rtnl_link *host_link)
{
  struct net_moved_dev *v, *m;
  struct nl_addr *mac = nlapi.rtnl_link_get_addr (host_link);

  v = realloc (st->moved, (st->moved_len + 1) * sizeof *v);
  if (v == NULL)
    return NULL;
  st->moved = v;
  m = &v[st->moved_len];
  memset (m, 0, sizeof *m);
  snprintf (m->host_name, sizeof m->host_name, "%s",
            nlapi.rtnl_link_get_name (host_link));
  m->host_ifindex = nlapi.rtnl_link_get_ifindex (host_link);
  m->host_up = (nlapi.rtnl_link_get_flags (host_link) & IFF_UP) != 0;
  m->mac = mac != NULL ? nlapi.nl_addr_clone (mac) : NULL;
  return m;
}

/* Whether the device left the host after a failed change (the kernel
 * moves before it renames, so a rename clash inside fails late). */
static bool
left_host (struct nl_sock *host, const struct net_moved_dev *m)
{
  struct rtnl_link *l = NULL;

  if (get_link (host, m->host_ifindex, NULL, &l) < 0)
    return true;
  nlapi.rtnl_link_put (l);
  return false;
}

static int
move_one (struct ocirun_netstate *st, struct nl_sock *host, struct nl_sock *in,
          struct nl_cache *addrs, const struct oci_net_device *d,
          struct rtnl_link *host_link, struct ocirun_error *err)
{
  const char *target = target_name (d);
  cleanup_link struct rtnl_link *inside = NULL;
  struct net_moved_dev *m;
  int r;

  m = record_new (st, host_link);
  if (m == NULL)
    return ocirun_error_set (err, ENOMEM, "record network device");
  if (save_addrs (addrs, m, err) < 0)
    {
      moved_clear (m);
      return -1;
    }
  r = change_netns (host, host_link, st->netns_fd, target);
  if (r < 0)
    {
      int e = ocirun_nl_errno (r);
      if (left_host (host, m))
        {
          /* Moved but not renamed: keep the record for the rollback. */
          snprintf (m->name, sizeof m->name, "%s", m->host_name);
          st->moved_len++;
          find_inside (in, m, m->host_name, &inside);
        }
      else
        moved_clear (m);
      return ocirun_error_set (err, e,
                               "move `%s` to `%s` in the container "
                               "network namespace",
                               d->host_name, target);
    }
  st->moved_len++;
  if (find_inside (in, m, target, &inside) < 0)
    return ocirun_error_set (err, ENODEV, "`%s` not found after the move",
                             d->host_name);
  if (add_addrs (in, m, m->ifindex, m->host_name, m->name, err) < 0)
    return -1;
  return set_up (in, inside, err);
}

int
ocirun_net_devices_move (struct ocirun_container *c, int netns_fd,
                         struct ocirun_error *err)
{
  const struct oci_linux *lx = c->config->linux_;
  struct ocirun_netstate *st = c->net;
  cleanup_nl_sock struct nl_sock *host = NULL;
  cleanup_nl_sock struct nl_sock *in = NULL;
  cleanup_cache struct nl_cache *addrs = NULL;
  struct rtnl_link **links;
  struct ocirun_error rb;
  size_t i;
  int r, ret = -1;

  st->netns_fd = netns_fd;
  if (ocirun_nl_open (-1, &host, err) < 0
      || ocirun_nl_open (netns_fd, &in, err) < 0)
    return -1;
  links = calloc (lx->net_devices_len, sizeof *links);
  if (links == NULL)
    return ocirun_error_set (err, ENOMEM, "allocate");
  for (i = 0; i < lx->net_devices_len; i++)
    if (precheck (host, in, &lx->net_devices[i], &links[i], err) < 0)
      goto out;
  r = nlapi.rtnl_addr_alloc_cache (host, &addrs);
  if (r < 0)
    {
      ocirun_error_set (err, ocirun_nl_errno (r), "list host addresses");
      goto out;
    }
  for (i = 0; i < lx->net_devices_len; i++)
    if (move_one (st, host, in, addrs, &lx->net_devices[i], links[i], err) < 0)
      {
        /* Leave the host as it was: the caller's error is the one that
         * matters, a failed rollback is only logged. */
        if (ocirun_net_devices_restore (c, &rb) < 0)
          ocirun_log_error (&rb);
        goto out;
      }
  ret = 0;
out:
  for (i = 0; i < lx->net_devices_len; i++)
    if (links[i] != NULL)
      nlapi.rtnl_link_put (links[i]);
  free (links);
  return ret;
}

/* ---- moving back (failed create only) --------------------------------- */

static int
restore_one (struct nl_sock *host, struct nl_sock *in, int host_ns,
             struct net_moved_dev *m, struct ocirun_error *err)
{
  cleanup_link struct rtnl_link *l = NULL;
  int r;

  if (m->ifindex == 0 && find_inside (in, m, m->name, &l) < 0)
    return ocirun_error_set (err, ENODEV, "find `%s` in the container",
                             m->host_name);
  if (l == NULL && (r = get_link (in, m->ifindex, NULL, &l)) < 0)
    return ocirun_error_set (err, ocirun_nl_errno (r),
                             "find `%s` in the "
                             "container",
                             m->host_name);
  r = change_netns (in, l, host_ns, m->host_name);
  if (r < 0)
    return ocirun_error_set (err, ocirun_nl_errno (r),
                             "move `%s` back to the host as `%s`", m->name,
                             m->host_name);
  nlapi.rtnl_link_put (l);
  l = NULL;
  if ((r = get_link (host, 0, m->host_name, &l)) < 0)
    return ocirun_error_set (err, ocirun_nl_errno (r),
                             "find `%s` on the "
                             "host",
                             m->host_name);
  if (add_addrs (host, m, nlapi.rtnl_link_get_ifindex (l), m->name,
                 m->host_name, err)
      < 0)
    return -1;
  return m->host_up ? set_up (host, l, err) : 0;
}

int
ocirun_net_devices_restore (struct ocirun_container *c,
                            struct ocirun_error *err)
{
  struct ocirun_netstate *st = c->net;
  cleanup_nl_sock struct nl_sock *host = NULL;
  cleanup_nl_sock struct nl_sock *in = NULL;
  cleanup_close int host_ns = -1;
  struct ocirun_error one;
  int ret = 0;

  if (st == NULL || st->moved_len == 0)
    return 0;
  host_ns = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (host_ns < 0)
    return ocirun_error_errno (err, "open /proc/thread-self/ns/net");
  if (ocirun_nl_open (-1, &host, err) < 0
      || ocirun_nl_open (st->netns_fd, &in, err) < 0)
    return -1;
  /* Reverse order, and keep going: each device restored is one less
   * destroyed with the netns. */
  while (st->moved_len > 0)
    {
      struct net_moved_dev *m = &st->moved[st->moved_len - 1];
      if (restore_one (host, in, host_ns, m, &one) < 0 && ret == 0)
        {
          *err = one;
          ret = -1;
        }
      moved_clear (m);
      st->moved_len--;
    }
  return ret;
}
