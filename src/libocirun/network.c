/* network.c - the network area's entry points (network.h): validation,
 * and which of loopback / netDevices / sysctl each stage runs. */
#include "libocirun/network.h"

#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libocirun/cleanup.h"
#include "libocirun/net_internal.h"
#include "libocirun/sysctl.h"

bool
ocirun_net_ifname_valid (const char *name, bool allow_template)
{
  const char *pct;
  size_t i, len;

  if (name == NULL)
    return false;
  len = strlen (name);
  if (len == 0 || len >= IFNAMSIZ || strcmp (name, ".") == 0
      || strcmp (name, "..") == 0)
    return false;
  for (i = 0; i < len; i++)
    if (name[i] == '/' || name[i] == ':' || isspace ((unsigned char)name[i]))
      return false;
  pct = strchr (name, '%');
  if (pct == NULL)
    return true;
  /* The kernel accepts exactly one "%d" in a template. */
  return allow_template && pct[1] == 'd' && strchr (pct + 2, '%') == NULL;
}

/* Same as oci_config_find_namespace(); kept here so the network area
 * (and its unit tests) link without the parser. */
const struct oci_namespace *
ocirun_net_find_ns (const struct oci_config *cfg, enum oci_namespace_type type)
{
  size_t i;

  if (cfg->linux_ == NULL)
    return NULL;
  for (i = 0; i < cfg->linux_->namespaces_len; i++)
    if (cfg->linux_->namespaces[i].type == type)
      return &cfg->linux_->namespaces[i];
  return NULL;
}

static const struct oci_namespace *
netns_of (const struct oci_config *cfg)
{
  return ocirun_net_find_ns (cfg, OCI_NS_NETWORK);
}

/* netDevices need a netns that is not the runtime's. */
static int
validate_netns_for_devices (const struct oci_config *cfg,
                            struct ocirun_error *err)
{
  const struct oci_namespace *ns = netns_of (cfg);
  bool same = false;

  if (ns == NULL)
    return ocirun_error_set (err, EINVAL,
                             "config.json: linux.netDevices: network devices "
                             "need a network namespace in linux.namespaces");
  if (ns->path == NULL || ns->path[0] == '\0')
    return 0;
  if (ocirun_ns_path_is_self (ns->path, "net", &same, err) < 0)
    return ocirun_error_prefix (err, "config.json: linux.netDevices");
  if (same)
    return ocirun_error_set (err, EINVAL,
                             "config.json: linux.netDevices: the network "
                             "namespace `%s` is the runtime's own",
                             ns->path);
  return 0;
}

static int
validate_device (const struct oci_linux *lx, size_t idx,
                 struct ocirun_error *err)
{
  const struct oci_net_device *d = &lx->net_devices[idx];
  const char *name = d->name != NULL && d->name[0] ? d->name : d->host_name;
  size_t j;

  if (!ocirun_net_ifname_valid (d->host_name, false))
    return ocirun_error_set (err, EINVAL,
                             "config.json: linux.netDevices.\"%s\": invalid "
                             "interface name",
                             d->host_name);
  /* The kernel never lets a loopback leave its netns. */
  if (strcmp (d->host_name, "lo") == 0)
    return ocirun_error_set (err, EINVAL,
                             "config.json: linux.netDevices.\"lo\": the "
                             "loopback device cannot be moved");
  if (!ocirun_net_ifname_valid (name, true))
    return ocirun_error_set (err, EINVAL,
                             "config.json: linux.netDevices.\"%s\".name: "
                             "invalid interface name \"%s\"",
                             d->host_name, name);
  for (j = 0; j < idx; j++)
    {
      const struct oci_net_device *o = &lx->net_devices[j];
      const char *oname
          = o->name != NULL && o->name[0] ? o->name : o->host_name;
      if (strchr (name, '%') == NULL && strcmp (oname, name) == 0)
        return ocirun_error_set (err, EINVAL,
                                 "config.json: linux.netDevices.\"%s\": "
                                 "name \"%s\" is also used by \"%s\"",
                                 d->host_name, name, o->host_name);
    }
  return 0;
}

static int
check_device_exists (const struct oci_net_device *d, struct ocirun_error *err)
{
  if (if_nametoindex (d->host_name) == 0)
    return ocirun_error_set (err, errno == ENXIO ? ENODEV : errno,
                             "config.json: linux.netDevices.\"%s\": network "
                             "device not found in the runtime network "
                             "namespace",
                             d->host_name);
  return 0;
}

int
ocirun_net_validate (const struct oci_config *cfg, struct ocirun_error *err)
{
  const struct oci_linux *lx = cfg->linux_;
  size_t i;

  if (lx == NULL)
    return 0;
  if (lx->net_devices_len > 0)
    {
      if (validate_netns_for_devices (cfg, err) < 0)
        return -1;
      /* Config errors first, then what depends on the host. */
      for (i = 0; i < lx->net_devices_len; i++)
        if (validate_device (lx, i, err) < 0)
          return -1;
      for (i = 0; i < lx->net_devices_len; i++)
        if (check_device_exists (&lx->net_devices[i], err) < 0)
          return -1;
    }
  return ocirun_sysctl_validate (cfg, err);
}

/* The container netns as an fd: the configured path when joining, else
 * the child's.  Refuses the runtime's own netns: the child must already
 * be in its final one, or devices would "move" nowhere. */
static int
open_container_netns (struct ocirun_container *c,
                      const struct oci_namespace *ns, struct ocirun_error *err)
{
  cleanup_close int fd = -1;
  char path[64];
  bool same = false;

  if (ns->path != NULL && ns->path[0] != '\0')
    fd = ocirun_ns_open (ns->path, err);
  else if (c->pid > 0)
    {
      snprintf (path, sizeof path, "/proc/%d/ns/net", (int)c->pid);
      fd = ocirun_ns_open (path, err);
    }
  else
    return ocirun_error_set (err, EINVAL, "no container process yet");
  if (fd < 0)
    return -1;
  if (ocirun_ns_fd_is_self (fd, "net", &same, err) < 0)
    return -1;
  if (same)
    return ocirun_error_set (err, EINVAL,
                             "the container is still in the "
                             "runtime network namespace");
  return steal_fd (&fd);
}

int
ocirun_net_parent_setup (struct ocirun_container *c, struct ocirun_error *err)
{
  const struct oci_linux *lx = c->config->linux_;
  const struct oci_namespace *ns = netns_of (c->config);
  int fd;

  if (lx == NULL || lx->net_devices_len == 0 || ns == NULL)
    return 0;
  if (c->net == NULL)
    {
      c->net = calloc (1, sizeof *c->net);
      if (c->net == NULL)
        return ocirun_error_set (err, ENOMEM, "network devices");
      c->net->netns_fd = -1;
    }
  fd = open_container_netns (c, ns, err);
  if (fd < 0)
    return ocirun_error_prefix (err, "network devices");
  if (ocirun_net_devices_move (c, fd, err) < 0)
    {
      ocirun_net_free (c);
      return ocirun_error_prefix (err, "network devices");
    }
  return 0;
}

int
ocirun_net_parent_rollback (struct ocirun_container *c,
                            struct ocirun_error *err)
{
  int r;

  if (c->net == NULL)
    return 0;
  r = ocirun_net_devices_restore (c, err);
  if (r < 0)
    ocirun_error_prefix (err, "network devices rollback");
  ocirun_net_free (c);
  return r;
}

int
ocirun_net_child_setup (struct ocirun_container *c, struct ocirun_error *err)
{
  const struct oci_namespace *ns = netns_of (c->config);

  /* Only a netns we created is ours to configure; a joined one belongs
   * to whoever made it. */
  if (ns != NULL && (ns->path == NULL || ns->path[0] == '\0')
      && ocirun_net_loopback_up (err) < 0)
    return -1;
  return ocirun_sysctl_apply (c->config, err);
}

int
ocirun_net_teardown (struct ocirun_container *c, struct ocirun_error *err)
{
  ocirun_net_free (c);
  return 0;
}

void
ocirun_net_free (struct ocirun_container *c)
{
  if (c->net == NULL)
    return;
  ocirun_net_devices_free (c->net);
  if (c->net->netns_fd >= 0)
    close (c->net->netns_fd);
  free (c->net);
  c->net = NULL;
}
