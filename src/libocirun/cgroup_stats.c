/* cgroup_stats.c - the numbers behind `events --stats`, read from v1 or
 * v2 files into one runc-shaped structure.  Missing files leave zeros:
 * a host without swap accounting still reports memory. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libocirun/cgroup_internal.h"
#include "libocirun/cleanup.h"

static uint64_t
u64_or_zero (const char *dir, const char *file)
{
  struct ocirun_error ignored;
  uint64_t v = 0;

  if (dir == NULL || cg_read_u64 (dir, file, &v, &ignored) < 0)
    return 0;
  return v;
}

static char *
text_or_null (const char *dir, const char *file)
{
  struct ocirun_error ignored;
  char *s = NULL;

  if (dir == NULL || cg_read_all (dir, file, &s, &ignored) < 0)
    return NULL;
  return s;
}

static const char *
dir_for (const struct ocirun_cgroup *cg, enum cg_ctrl c, bool *v1)
{
  *v1 = cg->v1_path[c] != NULL;
  if (*v1)
    return cg->v1_path[c];
  if (cg->unified_path
      && (cg->mode == OCIRUN_CGROUP_V2 || (cg->v2_ctrls & CG_BIT (c))))
    return cg->unified_path;
  return NULL;
}

static uint64_t
kv (const char *text, const char *key)
{
  uint64_t v = 0;

  if (text)
    cg_kv_lookup (text, key, &v);
  return v;
}

static void
append_u64 (uint64_t **v, size_t *n, uint64_t x)
{
  uint64_t *p = realloc (*v, (*n + 1) * sizeof *p);

  if (p == NULL)
    return;
  p[(*n)++] = x;
  *v = p;
}

/* cpuacct.usage_all: "cpu user system" header, then one line per cpu
 * (nanoseconds). */
static void
cpu_v1_split (const char *acct, struct ocirun_cgroup_stats *st)
{
  cleanup_free char *all = text_or_null (acct, "cpuacct.usage_all");
  size_t nk = 0, nu = 0;
  char *p = all ? strchr (all, '\n') : NULL;

  for (; p && *p; p = strchr (p, '\n'))
    {
      unsigned cpu;
      unsigned long long user, sys;

      p++;
      if (sscanf (p, "%u %llu %llu", &cpu, &user, &sys) != 3)
        break;
      append_u64 (&st->cpu_percpu_user, &nu, user);
      append_u64 (&st->cpu_percpu_kernel, &nk, sys);
    }
  st->cpu_percpu_split_len = nk < nu ? nk : nu;
}

/* "0-2,5" -> 0 1 2 5. */
static void
parse_list (const char *s, uint16_t **out, size_t *n)
{
  const char *p = s;

  while (p && *p && *p != '\n')
    {
      char *end;
      unsigned long a = strtoul (p, &end, 10), b;

      if (end == p)
        break;
      b = a;
      if (*end == '-')
        b = strtoul (end + 1, &end, 10);
      for (unsigned long i = a; i <= b && i < 65536; i++)
        {
          uint16_t *v = realloc (*out, (*n + 1) * sizeof *v);
          if (v == NULL)
            return;
          v[(*n)++] = (uint16_t)i;
          *out = v;
        }
      p = *end == ',' ? end + 1 : end;
    }
}

static void
cpuset_stats (const char *dir, bool v1, struct ocirun_cgroup_stats *st)
{
  cleanup_free char *cpus
      = text_or_null (dir, v1 ? "cpuset.cpus" : "cpuset.cpus.effective");
  cleanup_free char *mems
      = text_or_null (dir, v1 ? "cpuset.mems" : "cpuset.mems.effective");
  char buf[32];
  struct ocirun_error ignored;

  parse_list (cpus, &st->cpuset_cpus, &st->cpuset_cpus_len);
  parse_list (mems, &st->cpuset_mems, &st->cpuset_mems_len);
  if (!v1)
    return;
  st->cpuset_cpu_exclusive = u64_or_zero (dir, "cpuset.cpu_exclusive");
  st->cpuset_mem_hardwall = u64_or_zero (dir, "cpuset.mem_hardwall");
  st->cpuset_mem_exclusive = u64_or_zero (dir, "cpuset.mem_exclusive");
  st->cpuset_memory_migrate = u64_or_zero (dir, "cpuset.memory_migrate");
  st->cpuset_memory_spread_page
      = u64_or_zero (dir, "cpuset.memory_spread_page");
  st->cpuset_memory_spread_slab
      = u64_or_zero (dir, "cpuset.memory_spread_slab");
  st->cpuset_memory_pressure = u64_or_zero (dir, "cpuset.memory_pressure");
  st->cpuset_sched_load_balance
      = u64_or_zero (dir, "cpuset.sched_load_balance");
  if (cg_read (dir, "cpuset.sched_relax_domain_level", buf, sizeof buf,
               &ignored)
      > 0)
    st->cpuset_sched_relax_domain_level = strtoll (buf, NULL, 10);
}

static void
cpu_v1 (const struct ocirun_cgroup *cg, struct ocirun_cgroup_stats *st)
{
  const char *acct = cg->v1_path[CG_CPUACCT];
  cleanup_free char *percpu = text_or_null (acct, "cpuacct.usage_percpu");
  cleanup_free char *stat = text_or_null (acct, "cpuacct.stat");
  cleanup_free char *cpustat = text_or_null (cg->v1_path[CG_CPU], "cpu.stat");
  long hz = sysconf (_SC_CLK_TCK);

  st->cpu_total = u64_or_zero (acct, "cpuacct.usage");
  if (hz <= 0)
    hz = 100;
  /* cpuacct.stat counts USER_HZ ticks. */
  st->cpu_user = kv (stat, "user") * (1000000000ull / hz);
  st->cpu_kernel = kv (stat, "system") * (1000000000ull / hz);
  for (char *p = percpu, *end; p && *p; p = end)
    {
      uint64_t v = strtoull (p, &end, 10);
      uint64_t *n;

      if (end == p)
        break;
      n = realloc (st->cpu_percpu, (st->cpu_percpu_len + 1) * sizeof *n);
      if (n == NULL)
        break;
      st->cpu_percpu = n;
      n[st->cpu_percpu_len++] = v;
    }
  st->throttling_periods = kv (cpustat, "nr_periods");
  st->throttling_throttled_periods = kv (cpustat, "nr_throttled");
  st->throttling_throttled_time = kv (cpustat, "throttled_time");
  cpu_v1_split (acct, st);
}

static void
cpu_v2 (const char *dir, struct ocirun_cgroup_stats *st)
{
  cleanup_free char *s = text_or_null (dir, "cpu.stat");

  st->cpu_total = kv (s, "usage_usec") * 1000;
  st->cpu_user = kv (s, "user_usec") * 1000;
  st->cpu_kernel = kv (s, "system_usec") * 1000;
  st->throttling_periods = kv (s, "nr_periods");
  st->throttling_throttled_periods = kv (s, "nr_throttled");
  st->throttling_throttled_time = kv (s, "throttled_usec") * 1000;
}

static int
cmp_kv (const void *a, const void *b)
{
  return strcmp (((const struct ocirun_cgroup_kv_u64 *)a)->key,
                 ((const struct ocirun_cgroup_kv_u64 *)b)->key);
}

/* Every "key value" line of memory.stat as raw data. */
static void
memory_raw (const char *text, struct ocirun_cgroup_stats *st)
{
  const char *p = text;

  while (p && *p)
    {
      const char *sp = strchr (p, ' ');
      const char *nl = strchr (p, '\n');
      struct ocirun_cgroup_kv_u64 *n;

      if (sp == NULL || (nl && sp > nl))
        break;
      n = realloc (st->memory_raw, (st->memory_raw_len + 1) * sizeof *n);
      if (n == NULL)
        break;
      st->memory_raw = n;
      n[st->memory_raw_len].key = strndup (p, sp - p);
      n[st->memory_raw_len].value = strtoull (sp + 1, NULL, 10);
      if (n[st->memory_raw_len].key)
        st->memory_raw_len++;
      p = nl ? nl + 1 : NULL;
    }
  /* Sorted, as Go prints maps. */
  if (st->memory_raw_len)
    qsort (st->memory_raw, st->memory_raw_len, sizeof *st->memory_raw, cmp_kv);
}

static void
mem_entry_v1 (const char *dir, const char *prefix,
              struct ocirun_cgroup_memory_entry *e)
{
  char f[96];

  snprintf (f, sizeof f, "%susage_in_bytes", prefix);
  e->usage = u64_or_zero (dir, f);
  snprintf (f, sizeof f, "%smax_usage_in_bytes", prefix);
  e->max = u64_or_zero (dir, f);
  snprintf (f, sizeof f, "%sfailcnt", prefix);
  e->failcnt = u64_or_zero (dir, f);
  snprintf (f, sizeof f, "%slimit_in_bytes", prefix);
  e->limit = u64_or_zero (dir, f);
}

static void
memory_v1 (const char *dir, struct ocirun_cgroup_stats *st)
{
  cleanup_free char *stat = text_or_null (dir, "memory.stat");

  mem_entry_v1 (dir, "memory.", &st->memory_usage);
  mem_entry_v1 (dir, "memory.memsw.", &st->memory_swap);
  mem_entry_v1 (dir, "memory.kmem.", &st->memory_kernel);
  mem_entry_v1 (dir, "memory.kmem.tcp.", &st->memory_kernel_tcp);
  st->memory_cache = kv (stat, "cache");
  memory_raw (stat, st);
}

static void
memory_v2 (const char *dir, struct ocirun_cgroup_stats *st)
{
  cleanup_free char *stat = text_or_null (dir, "memory.stat");
  cleanup_free char *events = text_or_null (dir, "memory.events");

  st->memory_usage.usage = u64_or_zero (dir, "memory.current");
  st->memory_usage.max = u64_or_zero (dir, "memory.peak");
  st->memory_usage.limit = u64_or_zero (dir, "memory.max");
  st->memory_usage.failcnt = kv (events, "max");
  /* v1 reported memory+swap; keep that meaning as runc does. */
  st->memory_swap.usage
      = st->memory_usage.usage + u64_or_zero (dir, "memory.swap.current");
  st->memory_swap.limit = u64_or_zero (dir, "memory.swap.max");
  st->memory_cache = kv (stat, "file");
  memory_raw (stat, st);
}

static int
add_blkio (struct ocirun_cgroup_blkio_entry **v, size_t *n, uint64_t major,
           uint64_t minor, const char *op, uint64_t value)
{
  struct ocirun_cgroup_blkio_entry *e = realloc (*v, (*n + 1) * sizeof **v);

  if (e == NULL)
    return -1;
  *v = e;
  e[*n].major = major;
  e[*n].minor = minor;
  snprintf (e[*n].op, sizeof e[*n].op, "%s", op);
  e[*n].value = value;
  (*n)++;
  return 0;
}

/* v1 "MAJ:MIN Op value" lines (plus a final "Total N"). */
static void
blkio_v1_file (const char *text, struct ocirun_cgroup_blkio_entry **v,
               size_t *n)
{
  for (const char *p = text; p && *p;)
    {
      unsigned long long maj, min, val;
      char op[16];

      if (sscanf (p, "%llu:%llu %15s %llu", &maj, &min, op, &val) == 4)
        add_blkio (v, n, maj, min, op, val);
      p = strchr (p, '\n');
      if (p)
        p++;
    }
}

static void
blkio_v1 (const char *dir, struct ocirun_cgroup_stats *st)
{
  bool bfq = cg_file_exists (dir, "blkio.bfq.io_service_bytes_recursive");
  cleanup_free char *bytes
      = text_or_null (dir, bfq ? "blkio.bfq.io_service_bytes_recursive"
                               : "blkio.throttle.io_service_bytes_recursive");
  cleanup_free char *ios
      = text_or_null (dir, bfq ? "blkio.bfq.io_serviced_recursive"
                               : "blkio.throttle.io_serviced_recursive");

  blkio_v1_file (bytes, &st->io_service_bytes, &st->io_service_bytes_len);
  blkio_v1_file (ios, &st->io_serviced, &st->io_serviced_len);
}

/* io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N". */
static void
blkio_v2 (const char *dir, struct ocirun_cgroup_stats *st)
{
  cleanup_free char *text = text_or_null (dir, "io.stat");

  for (char *p = text, *nl; p && *p; p = nl ? nl + 1 : NULL)
    {
      unsigned long long maj, min;
      int off = 0;
      char *f;

      nl = strchr (p, '\n');
      if (nl)
        *nl = '\0';
      if (sscanf (p, "%llu:%llu%n", &maj, &min, &off) != 2)
        continue;
      for (f = strtok (p + off, " "); f; f = strtok (NULL, " "))
        {
          char *eq = strchr (f, '=');
          uint64_t val;

          if (eq == NULL)
            continue;
          val = strtoull (eq + 1, NULL, 10);
          *eq = '\0';
          if (strcmp (f, "rbytes") == 0)
            add_blkio (&st->io_service_bytes, &st->io_service_bytes_len, maj,
                       min, "Read", val);
          else if (strcmp (f, "wbytes") == 0)
            add_blkio (&st->io_service_bytes, &st->io_service_bytes_len, maj,
                       min, "Write", val);
          else if (strcmp (f, "rios") == 0)
            add_blkio (&st->io_serviced, &st->io_serviced_len, maj, min,
                       "Read", val);
          else if (strcmp (f, "wios") == 0)
            add_blkio (&st->io_serviced, &st->io_serviced_len, maj, min,
                       "Write", val);
        }
    }
}

static int
cmp_hugetlb (const void *a, const void *b)
{
  return strcmp (((const struct ocirun_cgroup_hugetlb_stats *)a)->page_size,
                 ((const struct ocirun_cgroup_hugetlb_stats *)b)->page_size);
}

/* hugepages-2048kB -> "2MB", the name cgroup files use. */
static void
page_size_name (unsigned long kb, char *out, size_t len)
{
  if (kb >= 1024 * 1024 && kb % (1024 * 1024) == 0)
    snprintf (out, len, "%luGB", kb / (1024 * 1024));
  else if (kb >= 1024 && kb % 1024 == 0)
    snprintf (out, len, "%luMB", kb / 1024);
  else
    snprintf (out, len, "%luKB", kb);
}

static void
hugetlb_stats (const char *dir, bool v1, struct ocirun_cgroup_stats *st)
{
  DIR *d = opendir ("/sys/kernel/mm/hugepages");
  struct dirent *de;

  if (d == NULL)
    return;
  while ((de = readdir (d)) != NULL)
    {
      unsigned long kb;
      struct ocirun_cgroup_hugetlb_stats *h;
      char name[32], f[128];

      if (sscanf (de->d_name, "hugepages-%lukB", &kb) != 1)
        continue;
      h = realloc (st->hugetlb, (st->hugetlb_len + 1) * sizeof *h);
      if (h == NULL)
        break;
      st->hugetlb = h;
      h += st->hugetlb_len++;
      memset (h, 0, sizeof *h);
      page_size_name (kb, name, sizeof name);
      snprintf (h->page_size, sizeof h->page_size, "%.15s", name);
      snprintf (f, sizeof f,
                v1 ? "hugetlb.%s.usage_in_bytes" : "hugetlb.%s.current", name);
      h->usage = u64_or_zero (dir, f);
      if (v1)
        {
          snprintf (f, sizeof f, "hugetlb.%s.max_usage_in_bytes", name);
          h->max = u64_or_zero (dir, f);
          snprintf (f, sizeof f, "hugetlb.%s.failcnt", name);
          h->failcnt = u64_or_zero (dir, f);
        }
      else
        {
          cleanup_free char *ev = NULL;
          snprintf (f, sizeof f, "hugetlb.%s.events", name);
          ev = text_or_null (dir, f);
          h->failcnt = kv (ev, "max");
        }
    }
  closedir (d);
  if (st->hugetlb_len)
    qsort (st->hugetlb, st->hugetlb_len, sizeof *st->hugetlb, cmp_hugetlb);
}

int
ocirun_cgroup_stats (struct ocirun_container *c,
                     struct ocirun_cgroup_stats *st, struct ocirun_error *err)
{
  const struct ocirun_cgroup *cg;
  const char *dir;
  bool v1;

  memset (st, 0, sizeof *st);
  if (c->cgroup == NULL && ocirun_cgroup_load (c, err) < 0)
    return -1;
  cg = c->cgroup;
  if (cg->v1_path[CG_CPUACCT])
    cpu_v1 (cg, st);
  else if ((dir = dir_for (cg, CG_CPU, &v1)) != NULL)
    cpu_v2 (dir, st);
  if ((dir = dir_for (cg, CG_CPUSET, &v1)) != NULL)
    cpuset_stats (dir, v1, st);
  if ((dir = dir_for (cg, CG_MEMORY, &v1)) != NULL)
    (v1 ? memory_v1 : memory_v2) (dir, st);
  if ((dir = dir_for (cg, CG_PIDS, &v1)) != NULL)
    {
      st->pids_current = u64_or_zero (dir, "pids.current");
      st->pids_limit = u64_or_zero (dir, "pids.max");
      if (st->pids_limit == UINT64_MAX)
        st->pids_limit = 0;
    }
  if ((dir = dir_for (cg, CG_BLKIO, &v1)) != NULL)
    (v1 ? blkio_v1 : blkio_v2) (dir, st);
  if ((dir = dir_for (cg, CG_HUGETLB, &v1)) != NULL)
    hugetlb_stats (dir, v1, st);
  return 0;
}

void
ocirun_cgroup_stats_release (struct ocirun_cgroup_stats *st)
{
  free (st->cpu_percpu);
  free (st->cpu_percpu_kernel);
  free (st->cpu_percpu_user);
  free (st->cpuset_cpus);
  free (st->cpuset_mems);
  for (size_t i = 0; i < st->memory_raw_len; i++)
    free (st->memory_raw[i].key);
  free (st->memory_raw);
  free (st->io_service_bytes);
  free (st->io_serviced);
  free (st->hugetlb);
  memset (st, 0, sizeof *st);
}
