/* namespaces.c - the namespace plan of a container and the user/time
 * namespace writes that go with it. */
#include "libocirun/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "libocirun/cleanup.h"
#include "libocirun/userns.h"

const char *
ocirun_ns_name (enum oci_namespace_type t)
{
  const char *s = oci_namespace_type_to_string (t);
  return s ? s : "?";
}

/* Join order: the user namespace first (it grants the rights to join the
 * others), the mount namespace last (the paths of the others must still
 * resolve in ours). */
static const enum oci_namespace_type join_order[] = {
  OCI_NS_USER, OCI_NS_IPC,    OCI_NS_UTS,  OCI_NS_NETWORK,
  OCI_NS_PID,  OCI_NS_CGROUP, OCI_NS_TIME, OCI_NS_MOUNT,
};

static int
open_ns_path (const struct oci_namespace *ns, int *out,
              struct ocirun_error *err)
{
  int fd = open (ns->path, O_RDONLY | O_CLOEXEC);
  int type;

  if (fd < 0)
    return ocirun_error_errno (err, "open %s namespace path `%s`",
                               ocirun_ns_name (ns->type), ns->path);
  type = ioctl (fd, NS_GET_NSTYPE);
  if (type < 0 || type != oci_namespace_type_clone_flag (ns->type))
    {
      close (fd);
      return ocirun_error_set (err, EINVAL,
                               "namespace path `%s` is not a %s namespace",
                               ns->path, ocirun_ns_name (ns->type));
    }
  *out = fd;
  return 0;
}

static int
check_plan (const struct oci_config *cfg, const struct ocirun_ns_plan *plan,
            struct ocirun_error *err)
{
  const struct oci_linux *l = cfg->linux_;
  bool has_maps = l && (l->uid_mappings_len > 0 || l->gid_mappings_len > 0);

  if (has_maps && !(plan->mask & OCIRUN_NS_BIT (OCI_NS_USER)))
    return ocirun_error_set (err, EINVAL,
                             "config.json: linux.uidMappings: user namespace "
                             "mappings given, but no user namespace");
  if ((plan->new_mask & OCIRUN_NS_BIT (OCI_NS_USER))
      && (l == NULL || l->uid_mappings_len == 0 || l->gid_mappings_len == 0))
    return ocirun_error_set (err, EINVAL,
                             "config.json: linux.namespaces: a new user "
                             "namespace needs linux.uidMappings and "
                             "linux.gidMappings");
  if ((cfg->hostname && cfg->hostname[0])
      && !(plan->mask & OCIRUN_NS_BIT (OCI_NS_UTS)))
    return ocirun_error_set (err, EINVAL,
                             "config.json: hostname: cannot set the hostname "
                             "without a private UTS namespace");
  if ((cfg->domainname && cfg->domainname[0])
      && !(plan->mask & OCIRUN_NS_BIT (OCI_NS_UTS)))
    return ocirun_error_set (err, EINVAL,
                             "config.json: domainname: cannot set the domain "
                             "name without a private UTS namespace");
  if (l && l->time_offsets && !(plan->new_mask & OCIRUN_NS_BIT (OCI_NS_TIME)))
    return ocirun_error_set (err, EINVAL,
                             "config.json: linux.timeOffsets: needs a new "
                             "time namespace");
  return 0;
}

int
ocirun_ns_plan_build (const struct oci_config *cfg,
                      struct ocirun_ns_plan *plan, struct ocirun_error *err)
{
  const struct oci_linux *l = cfg->linux_;
  const struct oci_namespace *by_type[OCI_NS_COUNT_] = { 0 };

  memset (plan, 0, sizeof *plan);
  for (size_t i = 0; l && i < l->namespaces_len; i++)
    {
      const struct oci_namespace *ns = &l->namespaces[i];
      if (ns->type <= OCI_NS_INVALID || ns->type >= OCI_NS_COUNT_)
        return ocirun_error_set (err, EINVAL,
                                 "config.json: linux.namespaces[%zu]: invalid "
                                 "type",
                                 i);
      if (by_type[ns->type])
        return ocirun_error_set (err, EINVAL,
                                 "config.json: linux.namespaces[%zu]: "
                                 "duplicate %s namespace",
                                 i, ocirun_ns_name (ns->type));
      by_type[ns->type] = ns;
      plan->mask |= OCIRUN_NS_BIT (ns->type);
      if (ns->path == NULL || ns->path[0] == '\0')
        plan->new_mask |= OCIRUN_NS_BIT (ns->type);
    }
  for (size_t k = 0; k < sizeof join_order / sizeof join_order[0]; k++)
    {
      const struct oci_namespace *ns = by_type[join_order[k]];
      struct ocirun_ns_join *j;

      if (ns == NULL || ns->path == NULL || ns->path[0] == '\0')
        continue;
      j = &plan->joins[plan->njoins];
      if (open_ns_path (ns, &j->fd, err) < 0)
        {
          ocirun_ns_plan_release (plan);
          return -1;
        }
      j->type = ns->type;
      j->path = ns->path;
      plan->njoins++;
    }
  plan->two_stage
      = plan->njoins > 0 || (plan->new_mask & OCIRUN_NS_BIT (OCI_NS_TIME));
  for (int t = 1; t < OCI_NS_COUNT_; t++)
    if ((plan->new_mask & OCIRUN_NS_BIT (t)) && t != OCI_NS_CGROUP
        && t != OCI_NS_TIME)
      plan->clone_flags |= oci_namespace_type_clone_flag (t);
  if (check_plan (cfg, plan, err) < 0)
    {
      ocirun_ns_plan_release (plan);
      return -1;
    }
  return 0;
}

void
ocirun_ns_plan_release (struct ocirun_ns_plan *plan)
{
  for (size_t i = 0; i < plan->njoins; i++)
    if (plan->joins[i].fd >= 0)
      {
        close (plan->joins[i].fd);
        plan->joins[i].fd = -1;
      }
}

int
ocirun_ns_join (const struct ocirun_ns_plan *plan, unsigned which,
                struct ocirun_error *err)
{
  for (size_t i = 0; i < plan->njoins; i++)
    {
      const struct ocirun_ns_join *j = &plan->joins[i];
      if (!(which & OCIRUN_NS_BIT (j->type)))
        continue;
      if (setns (j->fd, oci_namespace_type_clone_flag (j->type)) < 0)
        return ocirun_error_errno (err, "join %s namespace `%s`",
                                   ocirun_ns_name (j->type), j->path);
    }
  return 0;
}

int
ocirun_ns_write_id_maps (pid_t pid, const struct oci_config *cfg,
                         struct ocirun_error *err)
{
  /* Who may write which map (root, rootless, newuidmap) is userns.c's. */
  return ocirun_userns_write_id_maps (pid, cfg->linux_, err);
}

int
ocirun_ns_open_time_offsets (struct ocirun_error *err)
{
  int fd = open ("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);

  if (fd < 0)
    return ocirun_error_errno (err, "open /proc/self/timens_offsets");
  return fd;
}

int
ocirun_ns_write_time_offsets (int fd, const struct oci_config *cfg,
                              struct ocirun_error *err)
{
  const struct oci_time_offsets *t
      = cfg->linux_ ? cfg->linux_->time_offsets : NULL;
  char buf[256];
  int len = 0;

  if (t == NULL || (!t->monotonic.set && !t->boottime.set))
    return 0;
  if (t->monotonic.set)
    len += snprintf (buf + len, sizeof buf - (size_t)len,
                     "monotonic %lld %u\n", (long long)t->monotonic.secs,
                     t->monotonic.nanosecs);
  if (t->boottime.set)
    len += snprintf (buf + len, sizeof buf - (size_t)len, "boottime %lld %u\n",
                     (long long)t->boottime.secs, t->boottime.nanosecs);
  if (write (fd, buf, (size_t)len) != len)
    return ocirun_error_errno (err, "write /proc/self/timens_offsets");
  return 0;
}
