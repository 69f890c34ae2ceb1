/* test_cgroup_resources.c - the v1 and v2 resource writers over a fake
 * cgroup tree in a temp dir: each resource lands in the right file with
 * the right (converted) value, unset resources write nothing, a refused
 * write names the file and the value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "libocirun/cgroup_internal.h"

static char tmpl[] = "/tmp/ocirun-cgtest.XXXXXX";
static char *root;

static int
setup (void **state)
{
  char *d = strdup (tmpl);

  root = mkdtemp (d);
  assert_non_null (root);
  cg_fs_set_fake (true);
  return 0;
}

static int
teardown (void **state)
{
  char cmd[256];

  snprintf (cmd, sizeof cmd, "rm -rf '%s'", root);
  assert_int_equal (system (cmd), 0);
  free (root);
  cg_fs_set_fake (false);
  return 0;
}

/* A fresh directory per test case. */
static char *
fresh_dir (const char *name)
{
  char *p = NULL;

  assert_true (asprintf (&p, "%s/%s", root, name) > 0);
  assert_int_equal (mkdir (p, 0755), 0);
  return p;
}

/* File content or NULL when the file was never written. */
static char *
content (const char *dir, const char *file)
{
  char *s = NULL;
  struct ocirun_error err;

  if (cg_read_all (dir, file, &s, &err) < 0)
    return NULL;
  return s;
}

static void
assert_file (const char *dir, const char *file, const char *expect)
{
  char *s = content (dir, file);

  if (s == NULL)
    fail_msg ("%s/%s was not written (expected \"%s\")", dir, file, expect);
  if (strcmp (s, expect) != 0)
    fail_msg ("%s/%s: got \"%s\", expected \"%s\"", dir, file, s, expect);
  free (s);
}

static int
count_entries (const char *dir)
{
  char cmd[512];
  FILE *f;
  int n = -1;

  snprintf (cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
  f = popen (cmd, "r");
  assert_non_null (f);
  assert_int_equal (fscanf (f, "%d", &n), 1);
  pclose (f);
  return n;
}

/* A v1 cgroup with every controller in its own subdirectory of base. */
static void
v1_cgroup (struct ocirun_cgroup *cg, const char *base)
{
  memset (cg, 0, sizeof *cg);
  cg->mode = OCIRUN_CGROUP_V1;
  cg->clone_fd = -1;
  for (int i = 0; i < CG_NCTRL; i++)
    {
      assert_true (asprintf (&cg->v1_path[i], "%s/%s", base,
                             i == CG_SYSTEMD ? "systemd" : cg_ctrl_name (i))
                   > 0);
      assert_int_equal (mkdir (cg->v1_path[i], 0755), 0);
    }
}

static void
v2_cgroup (struct ocirun_cgroup *cg, const char *dir)
{
  memset (cg, 0, sizeof *cg);
  cg->mode = OCIRUN_CGROUP_V2;
  cg->clone_fd = -1;
  cg->unified_path = strdup (dir);
  cg->v2_ctrls = ~0u;
}

static void
release (struct ocirun_cgroup *cg)
{
  for (int i = 0; i < CG_NCTRL; i++)
    free (cg->v1_path[i]);
  free (cg->unified_path);
}

/* ---- v1 -------------------------------------------------------------- */

static void
test_v1_cpu (void **state)
{
  char *base = fresh_dir ("v1cpu");
  struct ocirun_cgroup cg;
  struct oci_cpu cpu = { 0 };
  struct oci_resources r = { 0 };
  struct ocirun_error err;

  v1_cgroup (&cg, base);
  cpu.shares = (struct oci_opt_u64){ true, 512 };
  cpu.quota = (struct oci_opt_i64){ true, 50000 };
  cpu.period = (struct oci_opt_u64){ true, 100000 };
  cpu.burst = (struct oci_opt_u64){ true, 1000 };
  cpu.realtime_period = (struct oci_opt_u64){ true, 1000000 };
  cpu.realtime_runtime = (struct oci_opt_i64){ true, 950000 };
  cpu.idle = (struct oci_opt_i64){ true, 1 };
  cpu.cpus = "0-1";
  cpu.mems = "0";
  r.cpu = &cpu;
  assert_int_equal (cg_apply_resources (&cg, &r, NULL, 0, false, &err), 0);
  assert_file (cg.v1_path[CG_CPU], "cpu.shares", "512\n");
  assert_file (cg.v1_path[CG_CPU], "cpu.cfs_period_us", "100000\n");
  assert_file (cg.v1_path[CG_CPU], "cpu.cfs_quota_us", "50000\n");
  assert_file (cg.v1_path[CG_CPU], "cpu.cfs_burst_us", "1000\n");
  assert_file (cg.v1_path[CG_CPU], "cpu.rt_period_us", "1000000\n");
  assert_file (cg.v1_path[CG_CPU], "cpu.rt_runtime_us", "950000\n");
  assert_file (cg.v1_path[CG_CPU], "cpu.idle", "1\n");
  assert_file (cg.v1_path[CG_CPUSET], "cpuset.cpus", "0-1\n");
  assert_file (cg.v1_path[CG_CPUSET], "cpuset.mems", "0\n");
  release (&cg);
  free (base);
}

static void
test_v1_memory (void **state)
{
  char *base = fresh_dir ("v1mem");
  struct ocirun_cgroup cg;
  struct oci_memory m = { 0 };
  struct oci_resources r = { 0 };
  struct ocirun_error err;
  const char *d;

  v1_cgroup (&cg, base);
  d = cg.v1_path[CG_MEMORY];
  m.limit = (struct oci_opt_i64){ true, 1 << 20 };
  m.swap = (struct oci_opt_i64){ true, 2 << 20 };
  m.reservation = (struct oci_opt_i64){ true, 1 << 19 };
  m.kernel_tcp = (struct oci_opt_i64){ true, 4096 };
  m.swappiness = (struct oci_opt_u64){ true, 10 };
  m.disable_oom_killer = (struct oci_opt_bool){ true, true };
  m.kernel = (struct oci_opt_i64){ true, 1 << 20 }; /* ignored: warning */
  r.memory = &m;
  assert_int_equal (cg_apply_resources (&cg, &r, NULL, 0, false, &err), 0);
  assert_file (d, "memory.limit_in_bytes", "1048576\n");
  assert_file (d, "memory.memsw.limit_in_bytes", "2097152\n");
  assert_file (d, "memory.soft_limit_in_bytes", "524288\n");
  assert_file (d, "memory.kmem.tcp.limit_in_bytes", "4096\n");
  assert_file (d, "memory.swappiness", "10\n");
  assert_file (d, "memory.oom_control", "1\n");
  assert_null (content (d, "memory.kmem.limit_in_bytes"));
  assert_null (content (d, "memory.use_hierarchy"));
  release (&cg);
  free (base);
}

/* memsw >= limit at every moment: raising both writes memsw first,
 * lowering both writes the limit first. */
static void
test_v1_memory_swap_order (void **state)
{
  char *d = fresh_dir ("v1order");
  struct oci_memory m = { 0 };
  struct ocirun_error err;
  char path[512], log[512];
  FILE *f;

  snprintf (log, sizeof log, "%s/writes.log", d);
  cg_fs_set_fake_log (log);
  /* Current limit 4M: lowering to 1M/2M -> limit first. */
  snprintf (path, sizeof path, "%s/memory.limit_in_bytes", d);
  f = fopen (path, "w");
  fputs ("4194304\n", f);
  fclose (f);
  m.limit = (struct oci_opt_i64){ true, 1 << 20 };
  m.swap = (struct oci_opt_i64){ true, 2 << 20 };
  assert_int_equal (cg_v1_set_memory (d, &m, true, &err), 0);
  /* Raising above the current limit (4M, first value of the fake file):
   * memsw first. */
  m.limit = (struct oci_opt_i64){ true, 6 << 20 };
  m.swap = (struct oci_opt_i64){ true, 8 << 20 };
  assert_int_equal (cg_v1_set_memory (d, &m, true, &err), 0);
  /* Unlimited memory alone: swap unlimited too, swap first. */
  m.limit = (struct oci_opt_i64){ true, -1 };
  m.swap.set = false;
  assert_int_equal (cg_v1_set_memory (d, &m, true, &err), 0);
  cg_fs_set_fake_log (NULL);
  assert_file (d, "writes.log",
               "memory.limit_in_bytes 1048576\n"
               "memory.memsw.limit_in_bytes 2097152\n"
               "memory.memsw.limit_in_bytes 8388608\n"
               "memory.limit_in_bytes 6291456\n"
               "memory.memsw.limit_in_bytes -1\n"
               "memory.limit_in_bytes -1\n");
  free (d);
}

static void
test_v1_pids_blkio_hugetlb_net_rdma (void **state)
{
  char *base = fresh_dir ("v1misc");
  struct ocirun_cgroup cg;
  struct oci_pids pids = { 100 };
  struct oci_block_io b = { 0 };
  struct oci_block_io_weight_device wd = { 8, 0, { true, 300 }, { false, 0 } };
  struct oci_block_io_throttle_device rbps = { 8, 0, 1048576 };
  struct oci_block_io_throttle_device wiops = { 8, 16, 100 };
  struct oci_hugepage_limit h = { "2MB", 4194304 };
  struct oci_net_priority prio[] = { { "eth0", 5 }, { "lo", 1 } };
  struct oci_network net = { { true, 0x100001 }, prio, 2 };
  struct oci_rdma rdma = { "mlx5_0", { true, 10 }, { true, 20 } };
  struct oci_resources r = { 0 };
  struct ocirun_error err;

  v1_cgroup (&cg, base);
  b.weight = (struct oci_opt_u16){ true, 500 };
  b.weight_device = &wd;
  b.weight_device_len = 1;
  b.throttle_read_bps_device = &rbps;
  b.throttle_read_bps_device_len = 1;
  b.throttle_write_iops_device = &wiops;
  b.throttle_write_iops_device_len = 1;
  r.pids = &pids;
  r.block_io = &b;
  r.hugepage_limits = &h;
  r.hugepage_limits_len = 1;
  r.network = &net;
  r.rdma = &rdma;
  r.rdma_len = 1;
  assert_int_equal (cg_apply_resources (&cg, &r, NULL, 0, false, &err), 0);
  assert_file (cg.v1_path[CG_PIDS], "pids.max", "100\n");
  assert_file (cg.v1_path[CG_BLKIO], "blkio.weight", "500\n");
  assert_file (cg.v1_path[CG_BLKIO], "blkio.weight_device", "8:0 300\n");
  assert_file (cg.v1_path[CG_BLKIO], "blkio.throttle.read_bps_device",
               "8:0 1048576\n");
  assert_file (cg.v1_path[CG_BLKIO], "blkio.throttle.write_iops_device",
               "8:16 100\n");
  assert_file (cg.v1_path[CG_HUGETLB], "hugetlb.2MB.limit_in_bytes",
               "4194304\n");
  assert_file (cg.v1_path[CG_NET_CLS], "net_cls.classid", "1048577\n");
  assert_file (cg.v1_path[CG_NET_PRIO], "net_prio.ifpriomap",
               "eth0 5\nlo 1\n");
  assert_file (cg.v1_path[CG_RDMA], "rdma.max",
               "mlx5_0 hca_handle=10 hca_object=20\n");
  release (&cg);
  free (base);
}

/* Kernels with only BFQ expose blkio.bfq.weight. */
static void
test_v1_blkio_bfq (void **state)
{
  char *d = fresh_dir ("v1bfq");
  struct oci_block_io b = { 0 };
  struct ocirun_error err;
  char path[512];

  snprintf (path, sizeof path, "%s/blkio.bfq.weight", d);
  fclose (fopen (path, "w"));
  b.weight = (struct oci_opt_u16){ true, 200 };
  assert_int_equal (cg_v1_set_blkio (d, &b, &err), 0);
  assert_file (d, "blkio.bfq.weight", "200\n");
  assert_null (content (d, "blkio.weight"));
  free (d);
}

static void
test_v1_devices (void **state)
{
  char *base = fresh_dir ("v1dev");
  struct ocirun_cgroup cg;
  struct oci_device_cgroup rules[] = {
    { false, OCI_DEVICE_ALL, { false, 0 }, { false, 0 }, "rwm" },
    { true, OCI_DEVICE_CHAR, { true, 10 }, { true, 229 }, "rw" },
    { false, OCI_DEVICE_BLOCK, { true, 8 }, { false, 0 }, "m" },
  };
  struct oci_device node
      = { OCI_DEVICE_CHAR, "/dev/fuse", { true, 10 }, { true, 229 } };
  struct cg_dev_rule *built = NULL;
  size_t n = 0;
  struct ocirun_error err;
  char *allow, *deny;

  v1_cgroup (&cg, base);
  assert_int_equal (cg_dev_rules_build (rules, 3, &node, 1, &built, &n, &err),
                    0);
  assert_int_equal (n, 3 + 11 + 1);
  assert_int_equal (cg_apply_resources (&cg, NULL, built, n, false, &err), 0);
  deny = content (cg.v1_path[CG_DEVICES], "devices.deny");
  allow = content (cg.v1_path[CG_DEVICES], "devices.allow");
  /* Blanket deny first, then the config's rules in order. */
  assert_string_equal (deny, "a\na *:* rwm\nb 8:* m\n");
  assert_non_null (strstr (allow, "c 10:229 rw\nc *:* m\nb *:* m\n"
                                  "c 1:3 rwm\n"));
  /* linux.devices nodes last, rwm. */
  assert_non_null (strstr (allow, "c 10:200 rwm\nc 10:229 rwm\n"));
  free (allow);
  free (deny);
  free (built);
  release (&cg);
  free (base);
}

/* ---- v2 -------------------------------------------------------------- */

static void
test_conversions (void **state)
{
  assert_int_equal (cg_shares_to_weight (2), 1);
  assert_int_equal (cg_shares_to_weight (1024), 39);
  assert_int_equal (cg_shares_to_weight (262144), 10000);
  assert_int_equal (cg_shares_to_weight (1), 1);           /* clamped */
  assert_int_equal (cg_shares_to_weight (1000000), 10000); /* clamped */
  assert_int_equal (cg_blkio_weight_to_io_weight (10), 1);
  assert_int_equal (cg_blkio_weight_to_io_weight (1000), 10000);
  assert_int_equal (cg_blkio_weight_to_io_weight (500), 4950);
}

static void
test_swap_conversion (void **state)
{
  struct oci_memory m = { 0 };
  struct ocirun_error err;
  int64_t v = 0;
  bool max, skip;

  m.limit = (struct oci_opt_i64){ true, 100 };
  m.swap = (struct oci_opt_i64){ true, 300 };
  assert_int_equal (cg_swap_to_v2 (&m, &v, &max, &skip, &err), 0);
  assert_false (max);
  assert_false (skip);
  assert_int_equal (v, 200);
  m.swap.value = -1;
  assert_int_equal (cg_swap_to_v2 (&m, &v, &max, &skip, &err), 0);
  assert_true (max);
  m.swap.set = false;
  assert_int_equal (cg_swap_to_v2 (&m, &v, &max, &skip, &err), 0);
  assert_true (skip);
  m.limit.value = -1; /* unlimited memory, swap unset: both unlimited */
  assert_int_equal (cg_swap_to_v2 (&m, &v, &max, &skip, &err), 0);
  assert_true (max);
  assert_false (skip);
  m.limit.value = 100;
  m.swap = (struct oci_opt_i64){ true, 50 };
  assert_int_equal (cg_swap_to_v2 (&m, &v, &max, &skip, &err), -1);
  assert_non_null (strstr (err.msg, "below"));
  m.limit.set = false;
  assert_int_equal (cg_swap_to_v2 (&m, &v, &max, &skip, &err), -1);
  assert_non_null (strstr (err.msg, "needs a memory limit"));
}

static void
test_v2_all (void **state)
{
  char *d = fresh_dir ("v2all");
  struct ocirun_cgroup cg;
  struct oci_cpu cpu = { 0 };
  struct oci_memory m = { 0 };
  struct oci_pids pids = { 0 };
  struct oci_block_io b = { 0 };
  struct oci_block_io_throttle_device wbps = { 8, 0, 2097152 };
  struct oci_block_io_weight_device wd
      = { 8, 16, { true, 1000 }, { false, 0 } };
  struct oci_hugepage_limit h = { "1GB", 1073741824 };
  struct oci_kv unified[]
      = { { "memory.high", "12345678" }, { "pids.max", "7" } };
  struct oci_resources r = { 0 };
  struct ocirun_error err;

  v2_cgroup (&cg, d);
  cpu.shares = (struct oci_opt_u64){ true, 1024 };
  cpu.quota = (struct oci_opt_i64){ true, 50000 };
  cpu.period = (struct oci_opt_u64){ true, 100000 };
  cpu.burst = (struct oci_opt_u64){ true, 2000 };
  cpu.idle = (struct oci_opt_i64){ true, 0 };
  cpu.cpus = "1";
  cpu.mems = "0";
  m.limit = (struct oci_opt_i64){ true, 1 << 20 };
  m.swap = (struct oci_opt_i64){ true, 3 << 20 };
  m.reservation = (struct oci_opt_i64){ true, -1 };
  pids.limit = -1; /* unlimited: default of a new cgroup, nothing written */
  b.weight = (struct oci_opt_u16){ true, 10 };
  b.weight_device = &wd;
  b.weight_device_len = 1;
  b.throttle_write_bps_device = &wbps;
  b.throttle_write_bps_device_len = 1;
  r.cpu = &cpu;
  r.memory = &m;
  r.pids = &pids;
  r.block_io = &b;
  r.hugepage_limits = &h;
  r.hugepage_limits_len = 1;
  r.unified = unified;
  r.unified_len = 2;
  assert_int_equal (cg_apply_resources (&cg, &r, NULL, 0, false, &err), 0);
  assert_file (d, "cpu.weight", "39\n");
  assert_file (d, "cpu.max", "50000 100000\n");
  assert_file (d, "cpu.max.burst", "2000\n");
  assert_file (d, "cpu.idle", "0\n");
  assert_file (d, "cpuset.cpus", "1\n");
  assert_file (d, "cpuset.mems", "0\n");
  assert_file (d, "memory.max", "1048576\n");
  assert_file (d, "memory.swap.max", "2097152\n");
  assert_file (d, "memory.low", "max\n");
  assert_file (d, "io.weight", "default 1\n8:16 10000\n");
  assert_file (d, "io.max", "8:0 wbps=2097152\n");
  assert_file (d, "hugetlb.1GB.max", "1073741824\n");
  assert_file (d, "memory.high", "12345678\n");
  /* unified is applied last and wins over pids.limit. */
  assert_file (d, "pids.max", "7\n");
  release (&cg);
  free (d);
}

static void
test_v2_cpu_max_forms (void **state)
{
  char *d = fresh_dir ("v2cpumax");
  struct oci_cpu cpu = { 0 };
  struct ocirun_error err;

  /* Quota -1: "max". */
  cpu.quota = (struct oci_opt_i64){ true, -1 };
  assert_int_equal (cg_v2_set_cpu (d, &cpu, &err), 0);
  /* Period alone keeps the quota in place (fake file says "max"). */
  cpu.quota.set = false;
  cpu.period = (struct oci_opt_u64){ true, 20000 };
  assert_int_equal (cg_v2_set_cpu (d, &cpu, &err), 0);
  assert_file (d, "cpu.max", "max\nmax 20000\n");
  /* Realtime has no v2 equivalent: refused, not skipped. */
  cpu.realtime_runtime = (struct oci_opt_i64){ true, 1000 };
  assert_int_equal (cg_v2_set_cpu (d, &cpu, &err), -1);
  assert_non_null (strstr (err.msg, "not supported on cgroup v2"));
  free (d);
}

static void
test_v2_io_bfq (void **state)
{
  char *d = fresh_dir ("v2bfq");
  struct oci_block_io b = { 0 };
  struct oci_block_io_weight_device wd = { 8, 0, { true, 700 }, { false, 0 } };
  struct ocirun_error err;
  char path[512];

  snprintf (path, sizeof path, "%s/io.bfq.weight", d);
  fclose (fopen (path, "w"));
  b.weight = (struct oci_opt_u16){ true, 300 };
  b.weight_device = &wd;
  b.weight_device_len = 1;
  assert_int_equal (cg_v2_set_io (d, &b, &err), 0);
  /* BFQ takes the v1 values unconverted. */
  assert_file (d, "io.bfq.weight", "300\n8:0 700\n");
  assert_null (content (d, "io.weight"));
  free (d);
}

/* ---- nothing set, nothing written ------------------------------------ */

static void
test_unset_writes_nothing (void **state)
{
  char *base = fresh_dir ("unset");
  char *v2 = fresh_dir ("unset2");
  struct ocirun_cgroup cg1, cg2;
  struct oci_cpu cpu = { 0 };
  struct oci_memory m = { 0 };
  struct oci_block_io b = { 0 };
  struct oci_network net = { 0 };
  struct oci_pids pids = { 0 };
  struct oci_resources r = { 0 };
  struct ocirun_error err;

  v1_cgroup (&cg1, base);
  v2_cgroup (&cg2, v2);
  r.cpu = &cpu;
  r.memory = &m;
  r.block_io = &b;
  r.network = &net;
  r.pids = &pids;
  /* Only disableOOMKiller=false, the kernel default. */
  m.disable_oom_killer = (struct oci_opt_bool){ true, false };
  assert_int_equal (cg_apply_resources (&cg1, &r, NULL, 0, false, &err), 0);
  assert_int_equal (cg_apply_resources (&cg2, &r, NULL, 0, false, &err), 0);
  for (int i = 0; i < CG_NCTRL; i++)
    assert_int_equal (count_entries (cg1.v1_path[i]), 0);
  assert_int_equal (count_entries (v2), 0);
  release (&cg1);
  release (&cg2);
  free (base);
  free (v2);
}

/* ---- errors name the file and the value ------------------------------ */

static void
test_write_error_names_file_and_value (void **state)
{
  char *d = fresh_dir ("err");
  struct ocirun_cgroup cg;
  struct oci_memory m = { 0 };
  struct oci_resources r = { 0 };
  struct ocirun_error err;
  char path[512], text[4096];

  /* A directory where memory.max should be: the write fails. */
  snprintf (path, sizeof path, "%s/memory.max", d);
  assert_int_equal (mkdir (path, 0755), 0);
  v2_cgroup (&cg, d);
  m.limit = (struct oci_opt_i64){ true, 123 };
  r.memory = &m;
  assert_int_equal (cg_apply_resources (&cg, &r, NULL, 0, false, &err), -1);
  ocirun_error_text (&err, text, sizeof text);
  assert_non_null (strstr (text, "cgroup: write \"123\" to "));
  assert_non_null (strstr (text, "/memory.max: Is a directory"));
  release (&cg);
  free (d);
}

static void
test_unified_on_v1_refused (void **state)
{
  char *base = fresh_dir ("unifiedv1");
  struct ocirun_cgroup cg;
  struct oci_kv kv = { "memory.high", "1" };
  struct oci_resources r = { 0 };
  struct ocirun_error err;

  v1_cgroup (&cg, base);
  r.unified = &kv;
  r.unified_len = 1;
  assert_int_equal (cg_apply_resources (&cg, &r, NULL, 0, false, &err), -1);
  assert_non_null (strstr (err.msg, "needs cgroup v2"));
  release (&cg);
  free (base);
}

static void
test_missing_controller (void **state)
{
  char *d = fresh_dir ("missing");
  struct ocirun_cgroup cg;
  struct oci_pids pids = { 10 };
  struct oci_resources r = { 0 };
  struct ocirun_error err;

  v2_cgroup (&cg, d);
  cg.v2_ctrls = CG_BIT (CG_MEMORY); /* no pids controller delegated */
  r.pids = &pids;
  assert_int_equal (cg_apply_resources (&cg, &r, NULL, 0, false, &err), -1);
  assert_non_null (strstr (err.msg, "pids controller is not available"));
  release (&cg);
  free (d);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_v1_cpu),
    cmocka_unit_test (test_v1_memory),
    cmocka_unit_test (test_v1_memory_swap_order),
    cmocka_unit_test (test_v1_pids_blkio_hugetlb_net_rdma),
    cmocka_unit_test (test_v1_blkio_bfq),
    cmocka_unit_test (test_v1_devices),
    cmocka_unit_test (test_conversions),
    cmocka_unit_test (test_swap_conversion),
    cmocka_unit_test (test_v2_all),
    cmocka_unit_test (test_v2_cpu_max_forms),
    cmocka_unit_test (test_v2_io_bfq),
    cmocka_unit_test (test_unset_writes_nothing),
    cmocka_unit_test (test_write_error_names_file_and_value),
    cmocka_unit_test (test_unified_on_v1_refused),
    cmocka_unit_test (test_missing_controller),
  };

  return cmocka_run_group_tests (tests, setup, teardown);
}
