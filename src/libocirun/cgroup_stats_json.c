/* cgroup_stats_json.c - stats as runc 1.1 prints them in `events`.
 *
 * Field names and the omit-when-zero rules follow runc's types.Stats
 * (Go's omitempty: zero numbers and empty lists are left out, structs
 * are always there), so tools parsing runc's output parse ours. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "libocirun/cgroup_internal.h"

typedef yajl_gen G;

static void
key (G g, const char *k)
{
  yajl_gen_string (g, (const unsigned char *)k, strlen (k));
}

static void
str (G g, const char *k, const char *v)
{
  key (g, k);
  yajl_gen_string (g, (const unsigned char *)v, strlen (v));
}

static void
num (G g, const char *k, uint64_t v)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%llu", (unsigned long long)v);

  key (g, k);
  yajl_gen_number (g, buf, n);
}

static void
num_omit (G g, const char *k, uint64_t v)
{
  if (v)
    num (g, k, v);
}

static void
u64_list (G g, const char *k, const uint64_t *v, size_t n)
{
  if (n == 0)
    return;
  key (g, k);
  yajl_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    {
      char buf[32];
      int len = snprintf (buf, sizeof buf, "%llu", (unsigned long long)v[i]);
      yajl_gen_number (g, buf, len);
    }
  yajl_gen_array_close (g);
}

static void
u16_list (G g, const char *k, const uint16_t *v, size_t n)
{
  if (n == 0)
    return;
  key (g, k);
  yajl_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    yajl_gen_integer (g, v[i]);
  yajl_gen_array_close (g);
}

static void
cpu (G g, const struct ocirun_cgroup_stats *s)
{
  key (g, "cpu");
  yajl_gen_map_open (g);
  key (g, "usage");
  yajl_gen_map_open (g);
  num_omit (g, "total", s->cpu_total);
  u64_list (g, "percpu", s->cpu_percpu, s->cpu_percpu_len);
  u64_list (g, "percpu_kernel", s->cpu_percpu_kernel, s->cpu_percpu_split_len);
  u64_list (g, "percpu_user", s->cpu_percpu_user, s->cpu_percpu_split_len);
  num (g, "kernel", s->cpu_kernel);
  num (g, "user", s->cpu_user);
  yajl_gen_map_close (g);
  key (g, "throttling");
  yajl_gen_map_open (g);
  num_omit (g, "periods", s->throttling_periods);
  num_omit (g, "throttledPeriods", s->throttling_throttled_periods);
  num_omit (g, "throttledTime", s->throttling_throttled_time);
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
}

static void
cpuset (G g, const struct ocirun_cgroup_stats *s)
{
  key (g, "cpuset");
  yajl_gen_map_open (g);
  u16_list (g, "cpus", s->cpuset_cpus, s->cpuset_cpus_len);
  num (g, "cpu_exclusive", s->cpuset_cpu_exclusive);
  u16_list (g, "mems", s->cpuset_mems, s->cpuset_mems_len);
  num (g, "mem_hardwall", s->cpuset_mem_hardwall);
  num (g, "mem_exclusive", s->cpuset_mem_exclusive);
  num (g, "memory_migrate", s->cpuset_memory_migrate);
  num (g, "memory_spread_page", s->cpuset_memory_spread_page);
  num (g, "memory_spread_slab", s->cpuset_memory_spread_slab);
  num (g, "memory_pressure", s->cpuset_memory_pressure);
  num (g, "sched_load_balance", s->cpuset_sched_load_balance);
  key (g, "sched_relax_domain_level");
  yajl_gen_integer (g, s->cpuset_sched_relax_domain_level);
  yajl_gen_map_close (g);
}

static void
mem_entry (G g, const char *k, const struct ocirun_cgroup_memory_entry *e)
{
  key (g, k);
  yajl_gen_map_open (g);
  num (g, "limit", e->limit);
  num_omit (g, "usage", e->usage);
  num_omit (g, "max", e->max);
  num (g, "failcnt", e->failcnt);
  yajl_gen_map_close (g);
}

static void
memory (G g, const struct ocirun_cgroup_stats *s)
{
  key (g, "memory");
  yajl_gen_map_open (g);
  num_omit (g, "cache", s->memory_cache);
  mem_entry (g, "usage", &s->memory_usage);
  mem_entry (g, "swap", &s->memory_swap);
  mem_entry (g, "kernel", &s->memory_kernel);
  mem_entry (g, "kernelTCP", &s->memory_kernel_tcp);
  if (s->memory_raw_len)
    {
      key (g, "raw");
      yajl_gen_map_open (g);
      for (size_t i = 0; i < s->memory_raw_len; i++)
        num (g, s->memory_raw[i].key, s->memory_raw[i].value);
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
}

static void
blkio_list (G g, const char *k, const struct ocirun_cgroup_blkio_entry *e,
            size_t n)
{
  if (n == 0)
    return;
  key (g, k);
  yajl_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    {
      yajl_gen_map_open (g);
      num_omit (g, "major", e[i].major);
      num_omit (g, "minor", e[i].minor);
      if (e[i].op[0])
        str (g, "op", e[i].op);
      num_omit (g, "value", e[i].value);
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
}

static void
pids_blkio_hugetlb (G g, const struct ocirun_cgroup_stats *s)
{
  key (g, "pids");
  yajl_gen_map_open (g);
  num_omit (g, "current", s->pids_current);
  num_omit (g, "limit", s->pids_limit);
  yajl_gen_map_close (g);
  key (g, "blkio");
  yajl_gen_map_open (g);
  blkio_list (g, "ioServiceBytesRecursive", s->io_service_bytes,
              s->io_service_bytes_len);
  blkio_list (g, "ioServicedRecursive", s->io_serviced, s->io_serviced_len);
  yajl_gen_map_close (g);
  key (g, "hugetlb");
  yajl_gen_map_open (g);
  for (size_t i = 0; i < s->hugetlb_len; i++)
    {
      key (g, s->hugetlb[i].page_size);
      yajl_gen_map_open (g);
      num_omit (g, "usage", s->hugetlb[i].usage);
      num_omit (g, "max", s->hugetlb[i].max);
      num (g, "failcnt", s->hugetlb[i].failcnt);
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
}

int
ocirun_cgroup_stats_to_json (const char *id,
                             const struct ocirun_cgroup_stats *st, char **json,
                             struct ocirun_error *err)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len;

  if (g == NULL)
    return ocirun_error_set (err, ENOMEM, "events: JSON");
  yajl_gen_map_open (g);
  str (g, "type", "stats");
  str (g, "id", id);
  key (g, "data");
  yajl_gen_map_open (g);
  cpu (g, st);
  cpuset (g, st);
  memory (g, st);
  pids_blkio_hugetlb (g, st);
  key (g, "intel_rdt");
  yajl_gen_map_open (g);
  yajl_gen_map_close (g);
  key (g, "network_interfaces");
  yajl_gen_null (g);
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
  if (yajl_gen_get_buf (g, &buf, &len) != yajl_gen_status_ok
      || (*json = strndup ((const char *)buf, len)) == NULL)
    {
      yajl_gen_free (g);
      return ocirun_error_set (err, ENOMEM, "events: JSON");
    }
  yajl_gen_free (g);
  return 0;
}
