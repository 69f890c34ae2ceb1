/* test_host_features.c - linux.intelRdt host check (intelrdt.c) and
 * linux.memoryPolicy validation and application (memory_policy.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "libocirun/intelrdt.h"
#include "libocirun/memory_policy.h"

/* ---- intelRdt ------------------------------------------------------------
 */

static char mountinfo[64];

static void
write_mountinfo (const char *text)
{
  FILE *f;

  strcpy (mountinfo, "/tmp/ocirun-mountinfo.XXXXXX");
  close (mkstemp (mountinfo));
  f = fopen (mountinfo, "w");
  assert_non_null (f);
  fputs (text, f);
  fclose (f);
}

static void
test_resctrl_mount_point (void **state)
{
  struct ocirun_error err = { 0 };
  char buf[256];

  (void)state;
  write_mountinfo (
      "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
      "30 22 0:26 / /sys/fs/cgroup/unified rw shared:9 - cgroup2 cgroup2 "
      "rw\n");
  assert_int_equal (
      ocirun_resctrl_mount_point (mountinfo, buf, sizeof buf, &err), 0);
  unlink (mountinfo);

  /* Optional fields and an escaped space in the mount point. */
  write_mountinfo ("22 1 0:21 / /proc rw - proc proc rw\n"
                   "40 22 0:40 / /sys/fs/my\\040resctrl rw,relatime "
                   "shared:12 master:3 - resctrl resctrl rw,cdp\n");
  assert_int_equal (
      ocirun_resctrl_mount_point (mountinfo, buf, sizeof buf, &err), 1);
  assert_string_equal (buf, "/sys/fs/my resctrl");
  /* Too small a buffer is an error, not a truncated path. */
  assert_int_equal (ocirun_resctrl_mount_point (mountinfo, buf, 8, &err), -1);
  unlink (mountinfo);

  /* "resctrl" as a source or mount point name is not the fstype. */
  write_mountinfo ("40 22 0:40 / /resctrl rw - tmpfs resctrl rw\n");
  assert_int_equal (
      ocirun_resctrl_mount_point (mountinfo, buf, sizeof buf, &err), 0);
  unlink (mountinfo);

  assert_int_equal (ocirun_resctrl_mount_point ("/nonexistent/mountinfo", buf,
                                                sizeof buf, &err),
                    -1);
  assert_int_equal (err.errnum, ENOENT);
}

static bool
resctrl_mounted (void)
{
  struct ocirun_error err = { 0 };
  char buf[4096];

  return ocirun_resctrl_mount_point ("/proc/self/mountinfo", buf, sizeof buf,
                                     &err)
         == 1;
}

static void
test_intelrdt_validate (void **state)
{
  struct oci_intel_rdt rdt = { .clos_id = "c1", .l3_cache_schema = "L3:0=f" };
  struct oci_linux with = { .intel_rdt = &rdt };
  struct oci_linux without = { 0 };
  struct oci_config cfg = { 0 };
  struct ocirun_error err = { 0 };

  (void)state;
  /* Not set: resctrl is never looked at. */
  assert_int_equal (ocirun_intelrdt_validate (&cfg, &err), 0);
  cfg.linux_ = &without;
  assert_int_equal (ocirun_intelrdt_validate (&cfg, &err), 0);

  cfg.linux_ = &with;
  assert_int_equal (ocirun_intelrdt_validate (&cfg, &err), -1);
  print_message ("# %s\n", err.msg);
  assert_non_null (strstr (err.msg, "config.json: linux.intelRdt: "));
  if (resctrl_mounted ())
    {
      assert_int_equal (err.errnum, EOPNOTSUPP);
      assert_non_null (strstr (err.msg, "not supported"));
    }
  else
    {
      assert_int_equal (err.errnum, ENOENT);
      assert_non_null (strstr (err.msg, "no resctrl filesystem is mounted"));
    }
}

/* ---- memoryPolicy --------------------------------------------------------
 */

#define NLONGS ((OCIRUN_MPOL_MAX_NODE + 1) / (8 * sizeof (unsigned long)))

static void
test_parse_nodes (void **state)
{
  unsigned long mask[NLONGS];
  unsigned int hi;
  static const char *const bad[] = {
    "",     "-1", "1-",     "3-1",
    "0,,1", "0,", ",0",     "0 ",
    " 0",   "a",  "0-1-2",  "1024",
    "0x1",  "+1", "0-1024", "99999999999999999999",
  };

  (void)state;
  assert_int_equal (ocirun_memory_policy_parse_nodes ("0", mask, NLONGS, &hi),
                    0);
  assert_int_equal (mask[0], 1);
  assert_int_equal (hi, 0);
  assert_int_equal (
      ocirun_memory_policy_parse_nodes ("0-3,7", mask, NLONGS, &hi), 0);
  assert_int_equal (mask[0], 0x8f);
  assert_int_equal (hi, 7);
  assert_int_equal (
      ocirun_memory_policy_parse_nodes ("64,2,1023", mask, NLONGS, &hi), 0);
  assert_int_equal (mask[0], 4);
  assert_int_equal (mask[1], 1);
  assert_true (mask[NLONGS - 1] == 1UL << (8 * sizeof (unsigned long) - 1));
  assert_int_equal (hi, 1023);
  /* A node beyond the caller's mask. */
  assert_int_equal (ocirun_memory_policy_parse_nodes ("64", mask, 1, &hi), -1);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (ocirun_memory_policy_parse_nodes (bad[i], mask, NLONGS, &hi) == 0)
      fail_msg ("node list \"%s\" accepted", bad[i]);
  assert_int_equal (ocirun_memory_policy_parse_nodes (NULL, mask, NLONGS, &hi),
                    -1);
}

static void
test_names (void **state)
{
  (void)state;
  assert_int_equal (ocirun_memory_policy_mode ("MPOL_DEFAULT"), 0);
  assert_int_equal (ocirun_memory_policy_mode ("MPOL_PREFERRED"), 1);
  assert_int_equal (ocirun_memory_policy_mode ("MPOL_BIND"), 2);
  assert_int_equal (ocirun_memory_policy_mode ("MPOL_INTERLEAVE"), 3);
  assert_int_equal (ocirun_memory_policy_mode ("MPOL_LOCAL"), 4);
  assert_int_equal (ocirun_memory_policy_mode ("MPOL_PREFERRED_MANY"), 5);
  assert_int_equal (ocirun_memory_policy_mode ("MPOL_WEIGHTED_INTERLEAVE"), 6);
  assert_int_equal (ocirun_memory_policy_mode ("mpol_bind"), -1);
  assert_int_equal (ocirun_memory_policy_mode (NULL), -1);
  assert_int_equal (ocirun_memory_policy_flag ("MPOL_F_NUMA_BALANCING"),
                    1 << 13);
  assert_int_equal (ocirun_memory_policy_flag ("MPOL_F_RELATIVE_NODES"),
                    1 << 14);
  assert_int_equal (ocirun_memory_policy_flag ("MPOL_F_STATIC_NODES"),
                    1 << 15);
  assert_int_equal (ocirun_memory_policy_flag ("MPOL_F_NODE"), -1);
}

static int
validate (const char *mode, const char *nodes, char **flags, size_t nflags,
          struct ocirun_error *err)
{
  struct oci_memory_policy mp = { .mode = (char *)mode,
                                  .nodes = (char *)nodes,
                                  .flags = flags,
                                  .flags_len = nflags };
  struct oci_linux l = { .memory_policy = &mp };
  struct oci_config cfg = { .linux_ = &l };

  return ocirun_memory_policy_validate (&cfg, err);
}

static void
expect_invalid (const char *mode, const char *nodes, char **flags,
                size_t nflags, const char *message)
{
  struct ocirun_error err = { 0 };

  if (validate (mode, nodes, flags, nflags, &err) == 0)
    fail_msg ("mode %s nodes %s validated", mode, nodes ? nodes : "(null)");
  if (strcmp (err.msg, message) != 0)
    fail_msg ("got      %s\nexpected %s", err.msg, message);
}

static void
test_validate (void **state)
{
  struct ocirun_error err = { 0 };
  struct oci_config none = { 0 };
  char *both[] = { "MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES" };
  char *unknown[] = { "MPOL_F_STATIC_NODES", "MPOL_F_BOGUS" };
  char *balancing[] = { "MPOL_F_NUMA_BALANCING" };

  (void)state;
  assert_int_equal (ocirun_memory_policy_validate (&none, &err), 0);
  assert_int_equal (validate ("MPOL_BIND", "0-3,7", NULL, 0, &err), 0);
  assert_int_equal (validate ("MPOL_INTERLEAVE", "0", both, 1, &err), 0);
  assert_int_equal (validate ("MPOL_BIND", "0", balancing, 1, &err), 0);
  assert_int_equal (validate ("MPOL_DEFAULT", NULL, NULL, 0, &err), 0);
  assert_int_equal (validate ("MPOL_LOCAL", "", NULL, 0, &err), 0);

  expect_invalid ("MPOL_NOPE", "0", NULL, 0,
                  "config.json: linux.memoryPolicy.mode: unknown memory "
                  "policy mode \"MPOL_NOPE\"");
  expect_invalid ("MPOL_BIND", "0", unknown, 2,
                  "config.json: linux.memoryPolicy.flags[1]: unknown memory "
                  "policy flag \"MPOL_F_BOGUS\"");
  expect_invalid ("MPOL_BIND", "0", both, 2,
                  "config.json: linux.memoryPolicy.flags: "
                  "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude "
                  "each other");
  expect_invalid ("MPOL_BIND", NULL, NULL, 0,
                  "config.json: linux.memoryPolicy.nodes: required for "
                  "MPOL_BIND");
  expect_invalid ("MPOL_PREFERRED_MANY", "", NULL, 0,
                  "config.json: linux.memoryPolicy.nodes: required for "
                  "MPOL_PREFERRED_MANY");
  expect_invalid ("MPOL_INTERLEAVE", "0-", NULL, 0,
                  "config.json: linux.memoryPolicy.nodes: invalid node list "
                  "\"0-\" (expected e.g. \"0-3,7\", nodes 0-1023)");
  expect_invalid ("MPOL_DEFAULT", "0", NULL, 0,
                  "config.json: linux.memoryPolicy.nodes: MPOL_DEFAULT takes "
                  "no nodes, got \"0\"");
  expect_invalid ("MPOL_LOCAL", "1", NULL, 0,
                  "config.json: linux.memoryPolicy.nodes: MPOL_LOCAL takes "
                  "no nodes, got \"1\"");
}

/* apply() in a child; the child reports get_mempolicy's mode and the
 * first word of the node mask as "mode mask" on a pipe. */
static int
apply_in_child (const struct oci_memory_policy *mp, int *mode,
                unsigned long *mask, char *msg, size_t msglen)
{
  int fds[2];
  pid_t pid;
  int status;
  char buf[2048] = "";
  ssize_t n;

  assert_int_equal (pipe (fds), 0);
  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      struct ocirun_error err = { 0 };
      unsigned long m[NLONGS] = { 0 };
      int md = -1;

      close (fds[0]);
      if (ocirun_memory_policy_apply (mp, &err) < 0)
        {
          dprintf (fds[1], "E %s", ocirun_error_text (&err, buf, sizeof buf));
          _exit (1);
        }
      if (syscall (SYS_get_mempolicy, &md, m, NLONGS * 8 * sizeof (long), NULL,
                   0UL)
          < 0)
        _exit (2);
      dprintf (fds[1], "%d %lu", md, m[0]);
      _exit (0);
    }
  close (fds[1]);
  n = read (fds[0], buf, sizeof buf - 1);
  close (fds[0]);
  assert_int_equal (waitpid (pid, &status, 0), pid);
  buf[n > 0 ? n : 0] = '\0';
  if (buf[0] == 'E')
    {
      snprintf (msg, msglen, "%s", buf + 2);
      return -1;
    }
  assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  assert_int_equal (sscanf (buf, "%d %lu", mode, mask), 2);
  return 0;
}

static void
test_apply (void **state)
{
  struct oci_memory_policy bind = { .mode = "MPOL_BIND", .nodes = "0" };
  char *static_nodes[] = { "MPOL_F_STATIC_NODES" };
  struct oci_memory_policy inter = { .mode = "MPOL_INTERLEAVE",
                                     .nodes = "0",
                                     .flags = static_nodes,
                                     .flags_len = 1 };
  struct oci_memory_policy local = { .mode = "MPOL_LOCAL" };
  struct oci_memory_policy missing = { .mode = "MPOL_BIND", .nodes = "1023" };
  struct ocirun_error err = { 0 };
  unsigned long mask;
  char msg[2048];
  int mode;

  (void)state;
  if (access ("/sys/devices/system/node/node0", F_OK) != 0)
    skip ();
  assert_int_equal (ocirun_memory_policy_apply (NULL, &err), 0);
  assert_int_equal (apply_in_child (&bind, &mode, &mask, msg, sizeof msg), 0);
  assert_int_equal (mode, 2);
  assert_int_equal (mask, 1);
  /* get_mempolicy reports the mode with its flags. */
  assert_int_equal (apply_in_child (&inter, &mode, &mask, msg, sizeof msg), 0);
  assert_int_equal (mode, 3 | (1 << 15));
  assert_int_equal (mask, 1);
  assert_int_equal (apply_in_child (&local, &mode, &mask, msg, sizeof msg), 0);
  assert_int_equal (mode, 4);
  /* A node the host does not have: the kernel's error, with context. */
  if (access ("/sys/devices/system/node/node1023", F_OK) != 0)
    {
      assert_int_equal (
          apply_in_child (&missing, &mode, &mask, msg, sizeof msg), -1);
      print_message ("# %s\n", msg);
      assert_non_null (
          strstr (msg, "linux.memoryPolicy: set_mempolicy MPOL_BIND"));
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_resctrl_mount_point),
    cmocka_unit_test (test_intelrdt_validate),
    cmocka_unit_test (test_parse_nodes),
    cmocka_unit_test (test_names),
    cmocka_unit_test (test_validate),
    cmocka_unit_test (test_apply),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
