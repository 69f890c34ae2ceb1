/* cgroup_validate.c - refuse, before anything is forked, what the cgroup
 * code would fail on later or what the kernel would take wrongly. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libocirun/cgroup_internal.h"
#include "libocirun/cleanup.h"

#define R "linux.resources."

static bool
systemd_is_pid1 (void)
{
  /* sd_booted()'s test: systemd creates this directory very early. */
  return access ("/run/systemd/system", F_OK) == 0;
}

static int
validate_systemd (const char *path, struct ocirun_error *err)
{
  if (path && *path)
    {
      const char *c1 = strchr (path, ':');
      const char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;

      if (c1 == NULL || c2 == NULL || strchr (c2 + 1, ':') != NULL)
        return ocirun_error_set (err, EINVAL,
                                 "linux.cgroupsPath \"%s\": with "
                                 "--systemd-cgroup it must be "
                                 "\"slice:prefix:name\"",
                                 path);
    }
  if (!systemd_is_pid1 ())
    return ocirun_error_set (err, ENOTSUP,
                             "--systemd-cgroup: systemd is not running as "
                             "PID 1 on this host, so the systemd cgroup "
                             "driver cannot be used; run without "
                             "--systemd-cgroup (cgroupfs driver)");
  return ocirun_error_set (err, ENOTSUP,
                           "--systemd-cgroup: the systemd cgroup driver is "
                           "not implemented; run without --systemd-cgroup");
}

static int
validate_path (const char *path, struct ocirun_error *err)
{
  cleanup_free char *clean = NULL;

  if (path == NULL || *path == '\0')
    return 0;
  if (strchr (path, '\n'))
    return ocirun_error_set (err, EINVAL,
                             "linux.cgroupsPath: newline not allowed");
  clean = cg_clean_path (path, "x");
  if (clean == NULL)
    return ocirun_error_errno (err, "linux.cgroupsPath");
  /* "/" or "." would make the container own (and on delete kill) a
   * cgroup shared with the host or with this runtime. */
  if (strcmp (clean, "/") == 0 || clean[0] == '\0')
    return ocirun_error_set (err, EINVAL,
                             "linux.cgroupsPath \"%s\" names the cgroup "
                             "root or the runtime's own cgroup",
                             path);
  return 0;
}

static bool
host_has (const struct cg_host *h, enum cg_ctrl c)
{
  return h->v1_mount[c] != NULL || (h->v2_avail & CG_BIT (c));
}

static int
need (const struct cg_host *h, enum cg_ctrl c, const char *what,
      struct ocirun_error *err)
{
  if (host_has (h, c))
    return 0;
  return ocirun_error_set (err, ENODEV,
                           R "%s: the %s controller is not available on "
                             "this host",
                           what, cg_ctrl_name (c));
}

static int
check_weight (const char *what, struct oci_opt_u16 w, struct ocirun_error *err)
{
  if (w.set && (w.value < 10 || w.value > 1000))
    return ocirun_error_set (err, EINVAL,
                             R "%s: %u is out of range [10, 1000]", what,
                             (unsigned)w.value);
  return 0;
}

static int
validate_cpu (const struct cg_host *h, const struct oci_cpu *c,
              struct ocirun_error *err)
{
  if ((c->shares.set || c->quota.set || c->period.set || c->burst.set
       || c->idle.set || c->realtime_period.set || c->realtime_runtime.set)
      && need (h, CG_CPU, "cpu", err) < 0)
    return -1;
  if ((c->cpus || c->mems) && need (h, CG_CPUSET, "cpu.cpus", err) < 0)
    return -1;
  if ((c->realtime_period.set || c->realtime_runtime.set)
      && h->v1_mount[CG_CPU] == NULL)
    return ocirun_error_set (err, EOPNOTSUPP,
                             R "cpu.realtimeRuntime/realtimePeriod: not "
                               "supported on cgroup v2");
  if (c->idle.set && c->idle.value != 0 && c->idle.value != 1)
    return ocirun_error_set (err, EINVAL,
                             R "cpu.idle: %" PRId64 " (must be 0 or 1)",
                             c->idle.value);
  return 0;
}

static int
validate_memory (const struct cg_host *h, const struct oci_memory *m,
                 struct ocirun_error *err)
{
  int64_t limit = m->limit.set ? m->limit.value : 0;
  int64_t swap = m->swap.set ? m->swap.value : 0;

  if (m->swappiness.set && m->swappiness.value > 100
      && m->swappiness.value != UINT64_MAX)
    return ocirun_error_set (err, EINVAL,
                             R "memory.swappiness: %" PRIu64
                               " is out of range [0, 100]",
                             m->swappiness.value);
  if (limit > 0 && swap > 0 && swap < limit)
    return ocirun_error_set (err, EINVAL,
                             R "memory.swap %" PRId64
                               " (memory+swap) is below memory.limit %" PRId64,
                             swap, limit);
  if (h->v1_mount[CG_MEMORY] == NULL && swap > 0 && limit <= 0)
    return ocirun_error_set (err, EINVAL,
                             R "memory.swap needs memory.limit on cgroup v2");
  if ((m->limit.set || m->reservation.set || m->swap.set || m->kernel.set
       || m->kernel_tcp.set || m->swappiness.set || m->disable_oom_killer.set
       || m->use_hierarchy.set)
      && need (h, CG_MEMORY, "memory", err) < 0)
    return -1;
  return 0;
}

static int
validate_blkio (const struct cg_host *h, const struct oci_block_io *b,
                struct ocirun_error *err)
{
  if (check_weight ("blockIO.weight", b->weight, err) < 0
      || check_weight ("blockIO.leafWeight", b->leaf_weight, err) < 0)
    return -1;
  for (size_t i = 0; i < b->weight_device_len; i++)
    if (check_weight ("blockIO.weightDevice[].weight",
                      b->weight_device[i].weight, err)
            < 0
        || check_weight ("blockIO.weightDevice[].leafWeight",
                         b->weight_device[i].leaf_weight, err)
               < 0)
      return -1;
  if ((b->weight.set || b->leaf_weight.set || b->weight_device_len
       || b->throttle_read_bps_device_len || b->throttle_write_bps_device_len
       || b->throttle_read_iops_device_len
       || b->throttle_write_iops_device_len)
      && need (h, CG_BLKIO, "blockIO", err) < 0)
    return -1;
  return 0;
}

/* "2MB" -> 2048 (kB); 0 if malformed. */
static uint64_t
page_size_kb (const char *s)
{
  char *end;
  uint64_t n = strtoull (s, &end, 10);

  if (end == s)
    return 0;
  if (strcmp (end, "KB") == 0)
    return n;
  if (strcmp (end, "MB") == 0)
    return n * 1024;
  if (strcmp (end, "GB") == 0)
    return n * 1024 * 1024;
  return 0;
}

static int
validate_hugetlb (const struct cg_host *h, const struct oci_resources *r,
                  struct ocirun_error *err)
{
  if (r->hugepage_limits_len == 0)
    return 0;
  if (need (h, CG_HUGETLB, "hugepageLimits", err) < 0)
    return -1;
  for (size_t i = 0; i < r->hugepage_limits_len; i++)
    {
      const char *ps = r->hugepage_limits[i].page_size;
      uint64_t kb = ps ? page_size_kb (ps) : 0;
      char path[128];

      snprintf (path, sizeof path,
                "/sys/kernel/mm/hugepages/hugepages-%" PRIu64 "kB", kb);
      if (kb == 0 || access (path, F_OK) != 0)
        return ocirun_error_set (err, EINVAL,
                                 R "hugepageLimits[%zu].pageSize \"%s\": "
                                   "not a huge page size of this host",
                                 i, ps ? ps : "");
    }
  return 0;
}

static int
validate_other (const struct cg_host *h, const struct oci_resources *r,
                struct ocirun_error *err)
{
  if (r->network && r->network->class_id.set
      && h->v1_mount[CG_NET_CLS] == NULL)
    return ocirun_error_set (err, ENODEV,
                             R "network.classID: needs the cgroup v1 "
                               "net_cls controller, not mounted here");
  if (r->network && r->network->priorities_len
      && h->v1_mount[CG_NET_PRIO] == NULL)
    return ocirun_error_set (err, ENODEV,
                             R "network.priorities: needs the cgroup v1 "
                               "net_prio controller, not mounted here");
  if (r->rdma_len && need (h, CG_RDMA, "rdma", err) < 0)
    return -1;
  if (r->unified_len && h->unified_mount == NULL)
    return ocirun_error_set (err, EOPNOTSUPP,
                             R "unified: needs cgroup v2, this host has "
                               "only cgroup v1");
  for (size_t i = 0; i < r->unified_len; i++)
    {
      const char *k = r->unified[i].key;
      if (k[0] == '\0' || strchr (k, '/') || strcmp (k, ".") == 0
          || strcmp (k, "..") == 0)
        return ocirun_error_set (err, EINVAL,
                                 R "unified: \"%s\" is not a file name", k);
    }
  return 0;
}

int
cg_validate_resources (const struct cg_host *h, const struct oci_resources *r,
                       struct ocirun_error *err)
{
  if (r->cpu && validate_cpu (h, r->cpu, err) < 0)
    return -1;
  if (r->memory && validate_memory (h, r->memory, err) < 0)
    return -1;
  if (r->pids && r->pids->limit > 0 && need (h, CG_PIDS, "pids", err) < 0)
    return -1;
  if (r->block_io && validate_blkio (h, r->block_io, err) < 0)
    return -1;
  if (validate_hugetlb (h, r, err) < 0)
    return -1;
  return validate_other (h, r, err);
}

int
ocirun_cgroup_validate (const struct oci_config *cfg, bool systemd_cgroup,
                        struct ocirun_error *err)
{
  const struct oci_linux *l = cfg->linux_;
  const char *path = l ? l->cgroups_path : NULL;

  if (systemd_cgroup)
    return validate_systemd (path, err);
  if (validate_path (path, err) < 0)
    return -1;
  if (l && l->resources
      && cg_validate_resources (cg_host_get (), l->resources, err) < 0)
    return -1;
  return 0;
}
