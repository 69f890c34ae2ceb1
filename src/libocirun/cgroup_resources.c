/* cgroup_resources.c - route each resource to the hierarchy that has its
 * controller: the v1 one if mounted, else cgroup2 if the controller is
 * enabled there.  This one routine serves pure v1, pure v2 and hybrid
 * hosts (where e.g. hugetlb may live on the unified tree). */
#include <errno.h>
#include <stdlib.h>

#include "libocirun/cgroup_internal.h"
#include "libocirun/cleanup.h"

static bool
cpu_fields_set (const struct oci_cpu *c)
{
  return c->shares.set || c->quota.set || c->period.set || c->burst.set
         || c->realtime_runtime.set || c->realtime_period.set || c->idle.set;
}

static bool
memory_set (const struct oci_memory *m)
{
  return m->limit.set || m->reservation.set || m->swap.set || m->kernel.set
         || m->kernel_tcp.set || m->swappiness.set || m->disable_oom_killer.set
         || m->use_hierarchy.set;
}

static bool
blkio_set (const struct oci_block_io *b)
{
  return b->weight.set || b->leaf_weight.set || b->weight_device_len
         || b->throttle_read_bps_device_len || b->throttle_write_bps_device_len
         || b->throttle_read_iops_device_len
         || b->throttle_write_iops_device_len;
}

/* Where a controller's files are: *v1 tells which syntax to use. */
static const char *
ctrl_dir (const struct ocirun_cgroup *cg, enum cg_ctrl c, bool *v1)
{
  *v1 = cg->v1_path[c] != NULL;
  if (*v1)
    return cg->v1_path[c];
  if (cg->unified_path && (cg->v2_ctrls & CG_BIT (c)))
    return cg->unified_path;
  return NULL;
}

static int
missing (const char *what, enum cg_ctrl c, struct ocirun_error *err)
{
  return ocirun_error_set (err, ENODEV,
                           "cgroup: linux.resources.%s is set but the %s "
                           "controller is not available on this host",
                           what, cg_ctrl_name (c));
}

static int
apply_cpu (struct ocirun_cgroup *cg, const struct oci_cpu *cpu,
           struct ocirun_error *err)
{
  bool v1;
  const char *dir;

  if (cpu_fields_set (cpu))
    {
      dir = ctrl_dir (cg, CG_CPU, &v1);
      if (dir == NULL)
        return missing ("cpu", CG_CPU, err);
      if ((v1 ? cg_v1_set_cpu (dir, cpu, err) : cg_v2_set_cpu (dir, cpu, err))
          < 0)
        return -1;
    }
  if (cpu->cpus || cpu->mems)
    {
      dir = ctrl_dir (cg, CG_CPUSET, &v1);
      if (dir == NULL)
        return missing ("cpu.cpus/mems", CG_CPUSET, err);
      /* The same two files on v1 and v2. */
      if (cpu->cpus && cg_write (dir, "cpuset.cpus", cpu->cpus, err) < 0)
        return -1;
      if (cpu->mems && cg_write (dir, "cpuset.mems", cpu->mems, err) < 0)
        return -1;
    }
  return 0;
}

static int
apply_memory_pids_io (struct ocirun_cgroup *cg, const struct oci_resources *r,
                      bool update, struct ocirun_error *err)
{
  bool v1;
  const char *dir;

  if (r->memory && memory_set (r->memory))
    {
      dir = ctrl_dir (cg, CG_MEMORY, &v1);
      if (dir == NULL)
        return missing ("memory", CG_MEMORY, err);
      if ((v1 ? cg_v1_set_memory (dir, r->memory, update, err)
              : cg_v2_set_memory (dir, r->memory, update, err))
          < 0)
        return -1;
    }
  if (r->pids && (r->pids->limit > 0 || update))
    {
      dir = ctrl_dir (cg, CG_PIDS, &v1);
      if (dir == NULL)
        return missing ("pids", CG_PIDS, err);
      if ((v1 ? cg_v1_set_pids (dir, r->pids, update, err)
              : cg_v2_set_pids (dir, r->pids, update, err))
          < 0)
        return -1;
    }
  if (r->block_io && blkio_set (r->block_io))
    {
      dir = ctrl_dir (cg, CG_BLKIO, &v1);
      if (dir == NULL)
        return missing ("blockIO", CG_BLKIO, err);
      if ((v1 ? cg_v1_set_blkio (dir, r->block_io, err)
              : cg_v2_set_io (dir, r->block_io, err))
          < 0)
        return -1;
    }
  return 0;
}

static int
apply_misc (struct ocirun_cgroup *cg, const struct oci_resources *r,
            struct ocirun_error *err)
{
  bool v1;
  const char *dir;

  if (r->hugepage_limits_len)
    {
      dir = ctrl_dir (cg, CG_HUGETLB, &v1);
      if (dir == NULL)
        return missing ("hugepageLimits", CG_HUGETLB, err);
      if ((v1 ? cg_v1_set_hugetlb (dir, r->hugepage_limits,
                                   r->hugepage_limits_len, err)
              : cg_v2_set_hugetlb (dir, r->hugepage_limits,
                                   r->hugepage_limits_len, err))
          < 0)
        return -1;
    }
  if (r->network && r->network->class_id.set)
    {
      if (cg->v1_path[CG_NET_CLS] == NULL)
        return missing ("network.classID", CG_NET_CLS, err);
      if (cg_v1_set_net_cls (cg->v1_path[CG_NET_CLS], r->network, err) < 0)
        return -1;
    }
  if (r->network && r->network->priorities_len)
    {
      if (cg->v1_path[CG_NET_PRIO] == NULL)
        return missing ("network.priorities", CG_NET_PRIO, err);
      if (cg_v1_set_net_prio (cg->v1_path[CG_NET_PRIO], r->network, err) < 0)
        return -1;
    }
  if (r->rdma_len)
    {
      dir = ctrl_dir (cg, CG_RDMA, &v1);
      if (dir == NULL)
        return missing ("rdma", CG_RDMA, err);
      if (cg_set_rdma (dir, r->rdma, r->rdma_len, err) < 0)
        return -1;
    }
  return 0;
}

static int
apply_devices (struct ocirun_cgroup *cg, const struct cg_dev_rule *rules,
               size_t n, struct ocirun_error *err)
{
  if (cg->v1_path[CG_DEVICES])
    return cg_v1_set_devices (cg->v1_path[CG_DEVICES], rules, n, err);
  /* A cgroup2 device filter also works on a hybrid host lacking the v1
   * devices controller: every process is in the unified tree too. */
  if (cg->unified_path)
    return cg_bpf_dev_apply (cg->unified_path, rules, n, err);
  /* Device control is security relevant: never skip it silently. */
  return ocirun_error_set (err, ENODEV,
                           "cgroup: no devices controller and no cgroup2 "
                           "hierarchy to attach a device filter to");
}

int
cg_apply_resources (struct ocirun_cgroup *cg, const struct oci_resources *r,
                    const struct cg_dev_rule *rules, size_t n_rules,
                    bool update, struct ocirun_error *err)
{
  if (rules && apply_devices (cg, rules, n_rules, err) < 0)
    return -1;
  if (r == NULL)
    return 0;
  if (r->cpu && apply_cpu (cg, r->cpu, err) < 0)
    return -1;
  if (apply_memory_pids_io (cg, r, update, err) < 0)
    return -1;
  if (apply_misc (cg, r, err) < 0)
    return -1;
  if (r->unified_len)
    {
      if (cg->unified_path == NULL)
        return ocirun_error_set (err, EOPNOTSUPP,
                                 "cgroup: linux.resources.unified needs "
                                 "cgroup v2, this host has only cgroup v1");
      if (cg_v2_set_unified (cg->unified_path, r->unified, r->unified_len, err)
          < 0)
        return -1;
    }
  return 0;
}
