/* test_cgroup_path.c - host probing from mountinfo / /proc/self/cgroup
 * text, cgroupsPath cleaning and resolution (runc semantics), the state
 * file round trip, and host-dependent validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libocirun/cgroup_internal.h"

static const char hybrid_mountinfo[]
    = "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - "
      "cgroup cgroup rw,cpu,cpuacct\n"
      "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup "
      "rw,cpuset\n"
      "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup "
      "rw,memory\n"
      "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup "
      "rw,xattr,name=systemd\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 "
      "rw,nsdelegate\n"
      "50 22 0:50 / /proc rw - proc proc rw\n";

static const char hybrid_cgroup[] = "4:memory:/user.slice/session-1.scope\n"
                                    "3:cpuset:/\n"
                                    "2:cpu,cpuacct:/user.slice\n"
                                    "1:name=systemd:/user.slice/x.scope\n"
                                    "0::/user.slice/x.scope\n";

static void
test_clean_path (void **state)
{
  static const struct
  {
    const char *in, *out;
  } cases[] = {
    { "/a/b", "/a/b" },   { "a/b", "a/b" },       { "/a//b/", "/a/b" },
    { "/a/./b", "/a/b" }, { "/a/../../..", "/" }, { "../../x", "x" },
    { "a/../..", "" },    { "/../etc", "/etc" },  { "", "c1" },
    { NULL, "c1" },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      char *p = cg_clean_path (cases[i].in, "c1");
      assert_string_equal (p, cases[i].out);
      free (p);
    }
}

static void
test_probe_hybrid (void **state)
{
  struct cg_host h;

  assert_int_equal (
      cg_host_parse (&h, hybrid_mountinfo, hybrid_cgroup, "hugetlb\n", false),
      0);
  assert_int_equal (h.mode, OCIRUN_CGROUP_HYBRID);
  assert_string_equal (h.v1_mount[CG_CPU], "/sys/fs/cgroup/cpu,cpuacct");
  assert_string_equal (h.v1_mount[CG_CPUACCT], "/sys/fs/cgroup/cpu,cpuacct");
  assert_string_equal (h.v1_mount[CG_SYSTEMD], "/sys/fs/cgroup/systemd");
  assert_null (h.v1_mount[CG_PIDS]);
  assert_string_equal (h.v1_own[CG_MEMORY], "/user.slice/session-1.scope");
  assert_string_equal (h.v1_own[CG_CPU], "/user.slice");
  assert_string_equal (h.unified_mount, "/sys/fs/cgroup/unified");
  assert_string_equal (h.unified_own, "/user.slice/x.scope");
  /* hugetlb is only on the unified tree here: usable through it. */
  assert_int_equal (h.v2_avail, CG_BIT (CG_HUGETLB));
  cg_host_release (&h);
}

static void
test_probe_v1_only (void **state)
{
  struct cg_host h;
  const char *mi = "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup "
                   "rw,memory\n";

  assert_int_equal (cg_host_parse (&h, mi, "4:memory:/\n", NULL, false), 0);
  assert_int_equal (h.mode, OCIRUN_CGROUP_V1);
  assert_null (h.unified_mount);
  cg_host_release (&h);
}

static void
test_probe_v2_and_resolve (void **state)
{
  struct cg_host h;
  struct ocirun_cgroup cg;
  struct ocirun_error err;

  assert_int_equal (cg_host_parse (&h, NULL, "0::/user.slice/sess.scope\n",
                                   "cpuset cpu io memory pids\n", true),
                    0);
  assert_int_equal (h.mode, OCIRUN_CGROUP_V2);
  assert_string_equal (h.unified_mount, "/sys/fs/cgroup");
  assert_int_equal (h.v2_avail, CG_BIT (CG_CPUSET) | CG_BIT (CG_CPU)
                                    | CG_BIT (CG_BLKIO) | CG_BIT (CG_MEMORY)
                                    | CG_BIT (CG_PIDS));
  /* Relative: under the parent of our own cgroup (runc fs2). */
  memset (&cg, 0, sizeof cg);
  assert_int_equal (cg_resolve (&cg, &h, "c1", &err), 0);
  assert_string_equal (cg.unified_path, "/sys/fs/cgroup/user.slice/c1");
  free (cg.unified_path);
  /* Absolute: from the root. */
  memset (&cg, 0, sizeof cg);
  assert_int_equal (cg_resolve (&cg, &h, "/machine/c1", &err), 0);
  assert_string_equal (cg.unified_path, "/sys/fs/cgroup/machine/c1");
  free (cg.unified_path);
  cg_host_release (&h);
}

static void
test_resolve_hybrid (void **state)
{
  struct cg_host h;
  struct ocirun_cgroup cg;
  struct ocirun_error err;
  const char *dirs[CG_NCTRL + 1];

  assert_int_equal (
      cg_host_parse (&h, hybrid_mountinfo, hybrid_cgroup, "", false), 0);
  memset (&cg, 0, sizeof cg);
  /* Relative (and the default "<id>"): our own cgroup per hierarchy. */
  assert_int_equal (cg_resolve (&cg, &h, "c1", &err), 0);
  assert_string_equal (cg.v1_path[CG_MEMORY],
                       "/sys/fs/cgroup/memory/user.slice/session-1.scope/c1");
  assert_string_equal (cg.v1_path[CG_CPUSET], "/sys/fs/cgroup/cpuset/c1");
  assert_string_equal (cg.v1_path[CG_CPU],
                       "/sys/fs/cgroup/cpu,cpuacct/user.slice/c1");
  assert_string_equal (cg.unified_path,
                       "/sys/fs/cgroup/unified/user.slice/x.scope/c1");
  /* Co-mounted cpu,cpuacct: one directory. */
  assert_int_equal (cg_dirs (&cg, dirs, CG_NCTRL + 1), 5);
  for (int i = 0; i < CG_NCTRL; i++)
    free (cg.v1_path[i]);
  free (cg.unified_path);
  memset (&cg, 0, sizeof cg);
  assert_int_equal (cg_resolve (&cg, &h, "/a/b", &err), 0);
  assert_string_equal (cg.v1_path[CG_MEMORY], "/sys/fs/cgroup/memory/a/b");
  assert_string_equal (cg.unified_path, "/sys/fs/cgroup/unified/a/b");
  for (int i = 0; i < CG_NCTRL; i++)
    free (cg.v1_path[i]);
  free (cg.unified_path);
  cg_host_release (&h);
}

static void
test_state_roundtrip (void **state)
{
  char tmpl[] = "/tmp/ocirun-cgstate.XXXXXX";
  char *dir = mkdtemp (tmpl);
  struct ocirun_container c;
  struct ocirun_cgroup *cg = calloc (1, sizeof *cg);
  struct ocirun_error err;
  char path[512];

  assert_non_null (dir);
  cg->mode = OCIRUN_CGROUP_HYBRID;
  cg->clone_fd = -1;
  cg->v1_path[CG_MEMORY] = strdup ("/sys/fs/cgroup/memory/a b/c1");
  cg->v1_path[CG_SYSTEMD] = strdup ("/sys/fs/cgroup/systemd/c1");
  cg->unified_path = strdup ("/sys/fs/cgroup/unified/c1");
  cg->v2_ctrls = CG_BIT (CG_HUGETLB);
  memset (&c, 0, sizeof c);
  c.state_dir = dir;
  c.cgroup = cg;
  assert_int_equal (ocirun_cgroup_save (&c, &err), 0);
  ocirun_cgroup_free (c.cgroup);
  c.cgroup = NULL;
  assert_int_equal (ocirun_cgroup_load (&c, &err), 0);
  assert_int_equal (c.cgroup->mode, OCIRUN_CGROUP_HYBRID);
  assert_ptr_equal (c.cgroup->ops, &cg_ops_hybrid);
  assert_string_equal (c.cgroup->v1_path[CG_MEMORY],
                       "/sys/fs/cgroup/memory/a b/c1");
  assert_string_equal (c.cgroup->v1_path[CG_SYSTEMD],
                       "/sys/fs/cgroup/systemd/c1");
  assert_null (c.cgroup->v1_path[CG_CPU]);
  assert_string_equal (c.cgroup->unified_path, "/sys/fs/cgroup/unified/c1");
  assert_int_equal (c.cgroup->v2_ctrls, CG_BIT (CG_HUGETLB));
  ocirun_cgroup_free (c.cgroup);
  c.cgroup = NULL;
  /* destroy without a state file is a no-op (delete --force after a
   * crash before create got that far). */
  snprintf (path, sizeof path, "%s/cgroup", dir);
  unlink (path);
  assert_int_equal (ocirun_cgroup_destroy (&c, &err), 0);
  assert_int_equal (rmdir (dir), 0);
}

static void
test_validate (void **state)
{
  struct cg_host v1, v2;
  struct oci_resources r = { 0 };
  struct oci_memory m = { 0 };
  struct oci_cpu cpu = { 0 };
  struct oci_kv kv = { "memory.high", "1" };
  struct ocirun_error err;

  memset (&v1, 0, sizeof v1);
  memset (&v2, 0, sizeof v2);
  v1.mode = OCIRUN_CGROUP_V1;
  v1.v1_mount[CG_MEMORY] = "/sys/fs/cgroup/memory";
  v1.v1_mount[CG_CPU] = "/sys/fs/cgroup/cpu";
  v2.mode = OCIRUN_CGROUP_V2;
  v2.unified_mount = "/sys/fs/cgroup";
  v2.v2_avail = CG_BIT (CG_MEMORY) | CG_BIT (CG_CPU);

  r.unified = &kv;
  r.unified_len = 1;
  assert_int_equal (cg_validate_resources (&v1, &r, &err), -1);
  assert_non_null (strstr (err.msg, "only cgroup v1"));
  assert_int_equal (cg_validate_resources (&v2, &r, &err), 0);
  kv.key = "../x";
  assert_int_equal (cg_validate_resources (&v2, &r, &err), -1);
  r.unified_len = 0;

  r.memory = &m;
  m.swappiness = (struct oci_opt_u64){ true, 101 };
  assert_int_equal (cg_validate_resources (&v1, &r, &err), -1);
  m.swappiness.value = UINT64_MAX; /* -1: leave alone */
  assert_int_equal (cg_validate_resources (&v1, &r, &err), 0);
  m.limit = (struct oci_opt_i64){ true, 200 };
  m.swap = (struct oci_opt_i64){ true, 100 };
  assert_int_equal (cg_validate_resources (&v1, &r, &err), -1);
  r.memory = NULL;

  r.cpu = &cpu;
  cpu.realtime_runtime = (struct oci_opt_i64){ true, 1000 };
  assert_int_equal (cg_validate_resources (&v1, &r, &err), 0);
  assert_int_equal (cg_validate_resources (&v2, &r, &err), -1);
  assert_non_null (strstr (err.msg, "not supported on cgroup v2"));
  cpu.realtime_runtime.set = false;
  cpu.idle = (struct oci_opt_i64){ true, 2 };
  assert_int_equal (cg_validate_resources (&v2, &r, &err), -1);
  cpu.idle.set = false;
  cpu.cpus = "0";
  assert_int_equal (cg_validate_resources (&v1, &r, &err), -1);
  assert_non_null (strstr (err.msg, "cpuset controller"));
}

static void
test_validate_config (void **state)
{
  struct oci_linux l = { 0 };
  struct oci_config cfg = { 0 };
  struct ocirun_error err;

  cfg.linux_ = &l;
  l.cgroups_path = "/";
  assert_int_equal (ocirun_cgroup_validate (&cfg, false, &err), -1);
  l.cgroups_path = "a/..";
  assert_int_equal (ocirun_cgroup_validate (&cfg, false, &err), -1);
  l.cgroups_path = "/machine/c1";
  assert_int_equal (ocirun_cgroup_validate (&cfg, false, &err), 0);
  l.cgroups_path = "/not/slice/form";
  assert_int_equal (ocirun_cgroup_validate (&cfg, true, &err), -1);
  assert_non_null (strstr (err.msg, "slice:prefix:name"));
  l.cgroups_path = "system.slice:ocirun:c1";
  assert_int_equal (ocirun_cgroup_validate (&cfg, true, &err), -1);
  if (access ("/run/systemd/system", F_OK) != 0)
    assert_non_null (strstr (err.msg, "systemd is not running as PID 1"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_clean_path),
    cmocka_unit_test (test_probe_hybrid),
    cmocka_unit_test (test_probe_v1_only),
    cmocka_unit_test (test_probe_v2_and_resolve),
    cmocka_unit_test (test_resolve_hybrid),
    cmocka_unit_test (test_state_roundtrip),
    cmocka_unit_test (test_validate),
    cmocka_unit_test (test_validate_config),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
