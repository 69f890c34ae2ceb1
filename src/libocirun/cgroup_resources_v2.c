/* cgroup_resources_v2.c - linux.resources to cgroup v2 files.
 *
 * The spec speaks v1 units; the conversions are the ones runc and crun
 * use, so a container gets the same values whichever runtime starts it:
 *   cpu.shares [2, 262144]   -> cpu.weight [1, 10000] (linear)
 *   blkio.weight [10, 1000]  -> io.weight  [1, 10000] (linear)
 *   memory.swap (mem+swap)   -> memory.swap.max = swap - limit
 * Fields with no v2 equivalent are ignored with a warning. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libocirun/cgroup_internal.h"
#include "libocirun/cleanup.h"
#include "libocirun/log.h"

uint64_t
cg_shares_to_weight (uint64_t shares)
{
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t
cg_blkio_weight_to_io_weight (uint64_t w)
{
  if (w < 10)
    w = 10;
  if (w > 1000)
    w = 1000;
  return 1 + ((w - 10) * 9999) / 990;
}

int
cg_swap_to_v2 (const struct oci_memory *m, int64_t *out, bool *out_max,
               bool *skip, struct ocirun_error *err)
{
  int64_t limit = m->limit.set ? m->limit.value : 0;
  int64_t swap = m->swap.set ? m->swap.value : 0;

  *skip = false;
  *out_max = false;
  /* v1 compatibility: unlimited memory without a swap value means both
   * unlimited. */
  if (limit == -1 && swap == 0)
    {
      *out_max = true;
      return 0;
    }
  if (swap == 0)
    {
      *skip = true;
      return 0;
    }
  if (swap == -1)
    {
      *out_max = true;
      return 0;
    }
  if (limit == 0 || limit == -1)
    return ocirun_error_set (err, EINVAL,
                             "cgroup: memory.swap %" PRId64
                             " needs a memory limit on cgroup v2",
                             swap);
  if (swap < limit)
    return ocirun_error_set (err, EINVAL,
                             "cgroup: memory.swap %" PRId64
                             " (memory+swap) is below memory.limit %" PRId64,
                             swap, limit);
  *out = swap - limit;
  return 0;
}

/* Keep the quota already in place when only the period changes. */
static int
current_quota (const char *dir, char *buf, size_t len)
{
  struct ocirun_error ignored;

  if (cg_read (dir, "cpu.max", buf, len, &ignored) <= 0)
    {
      snprintf (buf, len, "max");
      return 0;
    }
  buf[strcspn (buf, " \n")] = '\0';
  return 0;
}

int
cg_v2_set_cpu (const char *dir, const struct oci_cpu *cpu,
               struct ocirun_error *err)
{
  if (cpu->realtime_period.set || cpu->realtime_runtime.set)
    return ocirun_error_set (err, EOPNOTSUPP,
                             "cgroup: cpu.realtimeRuntime/realtimePeriod "
                             "are not supported on cgroup v2");
  if (cpu->shares.set && cpu->shares.value != 0
      && cg_writef (dir, "cpu.weight", err, "%" PRIu64,
                    cg_shares_to_weight (cpu->shares.value))
             < 0)
    return -1;
  if (cpu->quota.set || cpu->period.set)
    {
      char quota[32];

      if (cpu->quota.set)
        {
          if (cpu->quota.value > 0)
            snprintf (quota, sizeof quota, "%" PRId64, cpu->quota.value);
          else
            snprintf (quota, sizeof quota, "max");
        }
      else
        current_quota (dir, quota, sizeof quota);
      if (cpu->period.set ? cg_writef (dir, "cpu.max", err, "%s %" PRIu64,
                                       quota, cpu->period.value)
                                < 0
                          : cg_write (dir, "cpu.max", quota, err) < 0)
        return -1;
    }
  if (cpu->burst.set
      && cg_writef (dir, "cpu.max.burst", err, "%" PRIu64, cpu->burst.value)
             < 0)
    return -1;
  if (cpu->idle.set
      && cg_writef (dir, "cpu.idle", err, "%" PRId64, cpu->idle.value) < 0)
    return -1;
  return 0;
}

static int
write_limit (const char *dir, const char *file, int64_t v,
             struct ocirun_error *err)
{
  if (v < 0)
    return cg_write (dir, file, "max", err);
  return cg_writef (dir, file, err, "%" PRId64, v);
}

static void
warn_v1_only (const struct oci_memory *m)
{
  if (m->kernel.set)
    ocirun_warn ("cgroup: memory.kernel is ignored on cgroup v2");
  if (m->kernel_tcp.set)
    ocirun_warn ("cgroup: memory.kernelTCP is ignored on cgroup v2");
  if (m->swappiness.set && m->swappiness.value != UINT64_MAX)
    ocirun_warn ("cgroup: memory.swappiness is ignored on cgroup v2");
  if (m->disable_oom_killer.set && m->disable_oom_killer.value)
    ocirun_warn ("cgroup: memory.disableOOMKiller is ignored on cgroup v2");
}

int
cg_v2_set_memory (const char *dir, const struct oci_memory *m, bool update,
                  struct ocirun_error *err)
{
  int64_t swap = 0;
  bool swap_max, swap_skip;

  if (cg_swap_to_v2 (m, &swap, &swap_max, &swap_skip, err) < 0)
    return -1;
  if (update && m->check_before_update.set && m->check_before_update.value
      && m->limit.set && m->limit.value >= 0)
    {
      uint64_t usage;

      if (cg_read_u64 (dir, "memory.current", &usage, err) < 0)
        return -1;
      if ((uint64_t)m->limit.value < usage)
        return ocirun_error_set (err, EBUSY,
                                 "cgroup: memory limit %" PRId64
                                 " is below the current usage %" PRIu64
                                 " (checkBeforeUpdate)",
                                 m->limit.value, usage);
    }
  /* Swap first: lowering memory.max with a swap.max of 0 would make the
   * kernel reclaim to disk it may not use. */
  if (!swap_skip
      && (swap_max ? cg_write (dir, "memory.swap.max", "max", err)
                   : write_limit (dir, "memory.swap.max", swap, err))
             < 0)
    return -1;
  if (m->limit.set && write_limit (dir, "memory.max", m->limit.value, err) < 0)
    return -1;
  if (m->reservation.set
      && write_limit (dir, "memory.low", m->reservation.value, err) < 0)
    return -1;
  warn_v1_only (m);
  return 0;
}

int
cg_v2_set_pids (const char *dir, const struct oci_pids *p, bool update,
                struct ocirun_error *err)
{
  if (p->limit > 0)
    return cg_writef (dir, "pids.max", err, "%" PRId64, p->limit);
  return update ? cg_write (dir, "pids.max", "max", err) : 0;
}

static int
write_io_max (const char *dir, const char *key,
              const struct oci_block_io_throttle_device *t, size_t n,
              struct ocirun_error *err)
{
  for (size_t i = 0; i < n; i++)
    if (cg_writef (dir, "io.max", err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
                   t[i].major, t[i].minor, key, t[i].rate)
        < 0)
      return -1;
  return 0;
}

/* dev NULL: the default weight.  BFQ takes the v1 value as is. */
static int
write_io_weight (const char *dir, bool bfq, const char *dev, uint16_t w,
                 struct ocirun_error *err)
{
  if (bfq)
    return dev ? cg_writef (dir, "io.bfq.weight", err, "%s %u", dev,
                            (unsigned)w)
               : cg_writef (dir, "io.bfq.weight", err, "%u", (unsigned)w);
  return cg_writef (dir, "io.weight", err, "%s %" PRIu64,
                    dev ? dev : "default", cg_blkio_weight_to_io_weight (w));
}

int
cg_v2_set_io (const char *dir, const struct oci_block_io *b,
              struct ocirun_error *err)
{
  /* BFQ takes v1 weights as they are (and per device); otherwise convert
   * for io.weight, which takes "default N" and "MAJ:MIN N". */
  bool bfq = (b->weight.set || b->weight_device_len > 0)
             && cg_file_exists (dir, "io.bfq.weight");

  if (b->weight.set
      && write_io_weight (dir, bfq, NULL, b->weight.value, err) < 0)
    return -1;
  for (size_t i = 0; i < b->weight_device_len; i++)
    {
      const struct oci_block_io_weight_device *d = &b->weight_device[i];
      char dev[48];

      snprintf (dev, sizeof dev, "%" PRId64 ":%" PRId64, d->major, d->minor);
      if (d->weight.set
          && write_io_weight (dir, bfq, dev, d->weight.value, err) < 0)
        return -1;
    }
  if (b->leaf_weight.set)
    ocirun_warn ("cgroup: blockIO.leafWeight is ignored on cgroup v2");
  if (write_io_max (dir, "rbps", b->throttle_read_bps_device,
                    b->throttle_read_bps_device_len, err)
          < 0
      || write_io_max (dir, "wbps", b->throttle_write_bps_device,
                       b->throttle_write_bps_device_len, err)
             < 0
      || write_io_max (dir, "riops", b->throttle_read_iops_device,
                       b->throttle_read_iops_device_len, err)
             < 0
      || write_io_max (dir, "wiops", b->throttle_write_iops_device,
                       b->throttle_write_iops_device_len, err)
             < 0)
    return -1;
  return 0;
}

int
cg_v2_set_hugetlb (const char *dir, const struct oci_hugepage_limit *h,
                   size_t n, struct ocirun_error *err)
{
  return cg_hugetlb_write (dir, h, n, "max", "rsvd.max", err);
}

int
cg_v2_set_unified (const char *dir, const struct oci_kv *kv, size_t n,
                   struct ocirun_error *err)
{
  for (size_t i = 0; i < n; i++)
    {
      if (kv[i].key[0] == '\0' || strchr (kv[i].key, '/')
          || strcmp (kv[i].key, "..") == 0 || strcmp (kv[i].key, ".") == 0)
        return ocirun_error_set (err, EINVAL,
                                 "cgroup: unified key \"%s\" is not a file "
                                 "name",
                                 kv[i].key);
      if (cg_write (dir, kv[i].key, kv[i].value, err) < 0)
        return -1;
    }
  return 0;
}
