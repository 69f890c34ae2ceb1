/* cgroup_resources_v1.c - linux.resources to cgroup v1 files.
 *
 * One function per controller; each writes only what the config sets
 * (an unset field costs nothing) and reports the file and value when
 * the kernel refuses one. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "libocirun/cgroup_internal.h"
#include "libocirun/cleanup.h"
#include "libocirun/log.h"

int
cg_v1_set_cpu (const char *dir, const struct oci_cpu *cpu,
               struct ocirun_error *err)
{
  bool period_pending = false;

  if (cpu->shares.set
      && cg_writef (dir, "cpu.shares", err, "%" PRIu64, cpu->shares.value) < 0)
    return -1;
  if (cpu->period.set)
    {
      /* A smaller period can be refused while the old quota is still in
       * place (old_quota/new_period above the parent's bandwidth); then
       * write it again after the quota. */
      if (cg_writef (dir, "cpu.cfs_period_us", err, "%" PRIu64,
                     cpu->period.value)
          < 0)
        {
          if (err->errnum != EINVAL || !cpu->quota.set)
            return -1;
          period_pending = true;
        }
    }
  if (cpu->quota.set)
    {
      if (cg_writef (dir, "cpu.cfs_quota_us", err, "%" PRId64,
                     cpu->quota.value)
          < 0)
        return -1;
      if (period_pending
          && cg_writef (dir, "cpu.cfs_period_us", err, "%" PRIu64,
                        cpu->period.value)
                 < 0)
        return -1;
    }
  /* burst <= quota: after the quota. */
  if (cpu->burst.set
      && cg_writef (dir, "cpu.cfs_burst_us", err, "%" PRIu64, cpu->burst.value)
             < 0)
    return -1;
  /* The runtime is checked against the period: period first. */
  if (cpu->realtime_period.set
      && cg_writef (dir, "cpu.rt_period_us", err, "%" PRIu64,
                    cpu->realtime_period.value)
             < 0)
    return -1;
  if (cpu->realtime_runtime.set
      && cg_writef (dir, "cpu.rt_runtime_us", err, "%" PRId64,
                    cpu->realtime_runtime.value)
             < 0)
    return -1;
  if (cpu->idle.set
      && cg_writef (dir, "cpu.idle", err, "%" PRId64, cpu->idle.value) < 0)
    return -1;
  return 0;
}

static int
write_i64 (const char *dir, const char *file, int64_t v,
           struct ocirun_error *err)
{
  return cg_writef (dir, file, err, "%" PRId64, v);
}

/* The kernel keeps memsw >= limit at every moment, so the order of the
 * two writes depends on whether the total grows or shrinks. */
static int
set_limit_and_swap (const char *dir, const struct oci_memory *m,
                    struct ocirun_error *err)
{
  bool limit = m->limit.set;
  bool swap = m->swap.set && m->swap.value != 0; /* 0: unset (runc) */
  int64_t swap_v = m->swap.value;

  /* "limit -1" alone means unlimited memory, swap included. */
  if (limit && m->limit.value == -1 && !swap
      && cg_file_exists (dir, "memory.memsw.limit_in_bytes"))
    {
      swap = true;
      swap_v = -1;
    }
  if (limit && swap)
    {
      uint64_t cur = 0;
      struct ocirun_error ignored;

      if (cg_read_u64 (dir, "memory.limit_in_bytes", &cur, &ignored) < 0)
        cur = 0;
      if (swap_v == -1 || cur < (uint64_t)swap_v)
        {
          if (write_i64 (dir, "memory.memsw.limit_in_bytes", swap_v, err) < 0)
            return -1;
          return write_i64 (dir, "memory.limit_in_bytes", m->limit.value, err);
        }
    }
  if (limit
      && write_i64 (dir, "memory.limit_in_bytes", m->limit.value, err) < 0)
    return -1;
  if (swap && write_i64 (dir, "memory.memsw.limit_in_bytes", swap_v, err) < 0)
    return -1;
  return 0;
}

/* checkBeforeUpdate: refuse a limit below what is in use now instead of
 * letting the kernel reclaim (or OOM-kill) to get there. */
static int
check_usage (const char *dir, const char *usage_file, int64_t limit,
             struct ocirun_error *err)
{
  uint64_t usage;

  if (limit < 0 || cg_read_u64 (dir, usage_file, &usage, err) < 0)
    return limit < 0 ? 0 : -1;
  if ((uint64_t)limit < usage)
    return ocirun_error_set (err, EBUSY,
                             "cgroup: memory limit %" PRId64
                             " is below the current usage %" PRIu64
                             " (checkBeforeUpdate)",
                             limit, usage);
  return 0;
}

int
cg_v1_set_memory (const char *dir, const struct oci_memory *m, bool update,
                  struct ocirun_error *err)
{
  if (update && m->check_before_update.set && m->check_before_update.value
      && m->limit.set
      && check_usage (dir, "memory.usage_in_bytes", m->limit.value, err) < 0)
    return -1;
  if (set_limit_and_swap (dir, m, err) < 0)
    return -1;
  if (m->reservation.set
      && write_i64 (dir, "memory.soft_limit_in_bytes", m->reservation.value,
                    err)
             < 0)
    return -1;
  if (m->kernel.set)
    ocirun_warn ("cgroup: linux.resources.memory.kernel is ignored: kernel "
                 "memory limits are deprecated and not enforced by this "
                 "kernel");
  if (m->kernel_tcp.set
      && write_i64 (dir, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp.value,
                    err)
             < 0)
    return -1;
  /* -1 (as unsigned) is how engines say "leave it alone". */
  if (m->swappiness.set && m->swappiness.value != UINT64_MAX
      && cg_writef (dir, "memory.swappiness", err, "%" PRIu64,
                    m->swappiness.value)
             < 0)
    return -1;
  /* false is the kernel default: only an update needs to write it. */
  if (m->disable_oom_killer.set && (m->disable_oom_killer.value || update)
      && cg_write (dir, "memory.oom_control",
                   m->disable_oom_killer.value ? "1" : "0", err)
             < 0)
    return -1;
  /* Always 1 on current kernels; writing 0 lets the kernel refuse. */
  if (m->use_hierarchy.set && !m->use_hierarchy.value
      && cg_write (dir, "memory.use_hierarchy", "0", err) < 0)
    return -1;
  return 0;
}

int
cg_v1_set_pids (const char *dir, const struct oci_pids *p, bool update,
                struct ocirun_error *err)
{
  if (p->limit > 0)
    return cg_writef (dir, "pids.max", err, "%" PRId64, p->limit);
  /* Unlimited is the default of a new cgroup. */
  return update ? cg_write (dir, "pids.max", "max", err) : 0;
}

static int
write_throttle (const char *dir, const char *file,
                const struct oci_block_io_throttle_device *t, size_t n,
                struct ocirun_error *err)
{
  for (size_t i = 0; i < n; i++)
    if (cg_writef (dir, file, err, "%" PRId64 ":%" PRId64 " %" PRIu64,
                   t[i].major, t[i].minor, t[i].rate)
        < 0)
      return -1;
  return 0;
}

int
cg_v1_set_blkio (const char *dir, const struct oci_block_io *b,
                 struct ocirun_error *err)
{
  /* Kernels with only BFQ have blkio.bfq.weight instead of blkio.weight
   * (CFQ is gone since 5.0). */
  bool bfq = cg_file_exists (dir, "blkio.bfq.weight");
  const char *weight = bfq ? "blkio.bfq.weight" : "blkio.weight";
  const char *weight_dev
      = bfq ? "blkio.bfq.weight_device" : "blkio.weight_device";

  if (b->weight.set
      && cg_writef (dir, weight, err, "%u", (unsigned)b->weight.value) < 0)
    return -1;
  if (b->leaf_weight.set
      && cg_writef (dir, "blkio.leaf_weight", err, "%u",
                    (unsigned)b->leaf_weight.value)
             < 0)
    return -1;
  for (size_t i = 0; i < b->weight_device_len; i++)
    {
      const struct oci_block_io_weight_device *d = &b->weight_device[i];

      if (d->weight.set
          && cg_writef (dir, weight_dev, err, "%" PRId64 ":%" PRId64 " %u",
                        d->major, d->minor, (unsigned)d->weight.value)
                 < 0)
        return -1;
      if (d->leaf_weight.set
          && cg_writef (dir, "blkio.leaf_weight_device", err,
                        "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
                        (unsigned)d->leaf_weight.value)
                 < 0)
        return -1;
    }
  if (write_throttle (dir, "blkio.throttle.read_bps_device",
                      b->throttle_read_bps_device,
                      b->throttle_read_bps_device_len, err)
          < 0
      || write_throttle (dir, "blkio.throttle.write_bps_device",
                         b->throttle_write_bps_device,
                         b->throttle_write_bps_device_len, err)
             < 0
      || write_throttle (dir, "blkio.throttle.read_iops_device",
                         b->throttle_read_iops_device,
                         b->throttle_read_iops_device_len, err)
             < 0
      || write_throttle (dir, "blkio.throttle.write_iops_device",
                         b->throttle_write_iops_device,
                         b->throttle_write_iops_device_len, err)
             < 0)
    return -1;
  return 0;
}

/* hugetlb.<size>.<suffix>; the reservation file (rsvd) mirrors the limit
 * where the kernel has it (5.7+), so mmap(MAP_NORESERVE) cannot dodge it. */
int
cg_hugetlb_write (const char *dir, const struct oci_hugepage_limit *h,
                  size_t n, const char *suffix, const char *rsvd_suffix,
                  struct ocirun_error *err)
{
  bool rsvd = true;

  for (size_t i = 0; i < n; i++)
    {
      char file[128];

      snprintf (file, sizeof file, "hugetlb.%s.%s", h[i].page_size, suffix);
      if (cg_writef (dir, file, err, "%" PRIu64, h[i].limit) < 0)
        return -1;
      if (!rsvd || cg_fs_is_fake ())
        continue;
      snprintf (file, sizeof file, "hugetlb.%s.%s", h[i].page_size,
                rsvd_suffix);
      if (cg_writef (dir, file, err, "%" PRIu64, h[i].limit) < 0)
        {
          if (err->errnum != ENOENT)
            return -1;
          rsvd = false;
        }
    }
  return 0;
}

int
cg_v1_set_hugetlb (const char *dir, const struct oci_hugepage_limit *h,
                   size_t n, struct ocirun_error *err)
{
  return cg_hugetlb_write (dir, h, n, "limit_in_bytes", "rsvd.limit_in_bytes",
                           err);
}

int
cg_v1_set_net_cls (const char *dir, const struct oci_network *n,
                   struct ocirun_error *err)
{
  if (!n->class_id.set)
    return 0;
  return cg_writef (dir, "net_cls.classid", err, "%" PRIu32,
                    n->class_id.value);
}

int
cg_v1_set_net_prio (const char *dir, const struct oci_network *n,
                    struct ocirun_error *err)
{
  for (size_t i = 0; i < n->priorities_len; i++)
    if (cg_writef (dir, "net_prio.ifpriomap", err, "%s %" PRIu32,
                   n->priorities[i].name, n->priorities[i].priority)
        < 0)
      return -1;
  return 0;
}

int
cg_v1_set_devices (const char *dir, const struct cg_dev_rule *rules, size_t n,
                   struct ocirun_error *err)
{
  /* Two opens for the whole list: each write() is one rule to the
   * kernel, so the fds can be reused. */
  cleanup_close int deny = cg_open_w (dir, "devices.deny", err);
  cleanup_close int allow = -1;

  if (deny < 0)
    return -1;
  allow = cg_open_w (dir, "devices.allow", err);
  if (allow < 0)
    return -1;
  /* Start from nothing, then the rules in order: the kernel's exception
   * list then has last-rule-wins semantics, like the v2 program. */
  if (cg_write_fd (deny, dir, "devices.deny", "a", err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      char rule[64];

      cg_dev_rule_format (&rules[i], rule, sizeof rule);
      if (cg_write_fd (rules[i].allow ? allow : deny, dir,
                       rules[i].allow ? "devices.allow" : "devices.deny", rule,
                       err)
          < 0)
        return -1;
    }
  return 0;
}

int
cg_set_rdma (const char *dir, const struct oci_rdma *r, size_t n,
             struct ocirun_error *err)
{
  for (size_t i = 0; i < n; i++)
    {
      char value[256];
      int len = snprintf (value, sizeof value, "%s", r[i].device);

      if (r[i].hca_handles.set)
        len += snprintf (value + len, sizeof value - len,
                         " hca_handle=%" PRIu32, r[i].hca_handles.value);
      if (r[i].hca_objects.set)
        len += snprintf (value + len, sizeof value - len,
                         " hca_object=%" PRIu32, r[i].hca_objects.value);
      if (!r[i].hca_handles.set && !r[i].hca_objects.set)
        continue;
      if (cg_write (dir, "rdma.max", value, err) < 0)
        return -1;
    }
  return 0;
}
