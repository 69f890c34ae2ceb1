/* test_cgroup_bpf.c - the cgroup v2 device eBPF program, loaded for real
 * into a temp cgroup2 directory (as root), checked with a forked child
 * that opens device nodes; and the v2 back end's freeze/kill/rmdir on
 * that same real hierarchy.  Skips when the host lacks what it needs. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "libocirun/cgroup_internal.h"

static char dir[512];

static const char *
unified_mount (void)
{
  const struct cg_host *h = cg_host_get ();
  return h->unified_mount;
}

/* A fresh cgroup2 directory, or skip. */
static int
setup (void **state)
{
  const char *m = unified_mount ();

  dir[0] = '\0';
  if (geteuid () != 0 || m == NULL)
    return 0;
  snprintf (dir, sizeof dir, "%s/ocirun-unit-%d", m, (int)getpid ());
  if (mkdir (dir, 0755) < 0)
    dir[0] = '\0';
  return 0;
}

static int
teardown (void **state)
{
  struct ocirun_error err;

  if (dir[0])
    assert_int_equal (cg_rmdir_tree (dir, &err), 0);
  return 0;
}

#define NEED_CGROUP2()                                                        \
  do                                                                          \
    {                                                                         \
      if (dir[0] == '\0')                                                     \
        {                                                                     \
          printf ("# SKIP needs root and a writable cgroup2 hierarchy\n");    \
          skip ();                                                            \
        }                                                                     \
    }                                                                         \
  while (0)

/* Run `fn` in a child placed in dir; returns its exit status. */
static int
in_cgroup (int (*fn) (void))
{
  pid_t pid = fork ();
  int status;

  assert_true (pid >= 0);
  if (pid == 0)
    {
      struct ocirun_error err;
      if (cg_enter (dir, 0, &err) < 0)
        _exit (100);
      _exit (fn ());
    }
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

/* bit 0: /dev/null rw failed; bit 1: /dev/full read failed; bit 2:
 * /dev/full write failed; bit 3: a denial was not EPERM. */
static int
probe_devices (void)
{
  int r = 0, fd;

  fd = open ("/dev/null", O_RDWR);
  if (fd < 0)
    r |= 1;
  else
    close (fd);
  fd = open ("/dev/full", O_RDONLY);
  if (fd < 0)
    r |= 2 | (errno != EPERM ? 8 : 0);
  else
    close (fd);
  fd = open ("/dev/full", O_WRONLY);
  if (fd < 0)
    r |= 4 | (errno != EPERM ? 8 : 0);
  else
    close (fd);
  return r;
}

static void
test_program_shape (void **state)
{
  struct cg_dev_rule rules[] = {
    { false, 'a', -1, -1, CG_DEV_R | CG_DEV_W | CG_DEV_M },
    { true, 'c', 1, 3, CG_DEV_R | CG_DEV_W | CG_DEV_M },
  };
  struct bpf_insn *p = NULL;
  size_t n = 0;
  struct ocirun_error err;

  assert_int_equal (cg_bpf_dev_program (rules, 2, &p, &n, &err), 0);
  /* 6 loads + allow block (type, major, minor jumps + mov + exit) + the
   * unconditional deny, and no unreachable default after it (the
   * verifier refuses dead code). */
  assert_int_equal (n, 6 + 5 + 2);
  assert_int_equal (p[n - 1].code, BPF_JMP | BPF_EXIT);
  assert_int_equal (p[n - 2].imm, 0);
  free (p);
  /* No unconditional rule: the default deny ends the program. */
  assert_int_equal (cg_bpf_dev_program (rules + 1, 1, &p, &n, &err), 0);
  assert_int_equal (n, 6 + 5 + 2);
  free (p);
}

static void
test_bpf_null_allowed_full_denied (void **state)
{
  struct cg_dev_rule rules[] = {
    { false, 'a', -1, -1, CG_DEV_R | CG_DEV_W | CG_DEV_M },
    { true, 'c', 1, 3, CG_DEV_R | CG_DEV_W | CG_DEV_M },
  };
  struct ocirun_error err;
  char text[4096];

  NEED_CGROUP2 ();
  if (cg_bpf_dev_apply (dir, rules, 2, &err) < 0)
    {
      printf ("# SKIP BPF cgroup device programs unavailable: %s\n",
              ocirun_error_text (&err, text, sizeof text));
      skip ();
    }
  assert_int_equal (in_cgroup (probe_devices), 2 | 4);
}

/* Last match wins: allow rwm, then deny w, for /dev/full. */
static void
test_bpf_last_match_wins (void **state)
{
  struct cg_dev_rule rules[] = {
    { false, 'a', -1, -1, CG_DEV_R | CG_DEV_W | CG_DEV_M },
    { true, 'c', 1, 3, CG_DEV_R | CG_DEV_W | CG_DEV_M },
    { true, 'c', 1, 7, CG_DEV_R | CG_DEV_W | CG_DEV_M },
    { false, 'c', 1, 7, CG_DEV_W },
  };
  struct ocirun_error err;

  NEED_CGROUP2 ();
  if (cg_bpf_dev_apply (dir, rules, 4, &err) < 0)
    skip ();
  assert_int_equal (in_cgroup (probe_devices), 4);
  /* Replacing the program (update): now everything allowed. */
  rules[3].allow = true;
  assert_int_equal (cg_bpf_dev_apply (dir, rules, 4, &err), 0);
  assert_int_equal (in_cgroup (probe_devices), 0);
}

/* The runtime defaults keep /dev/full usable whatever the config says. */
static void
test_bpf_defaults (void **state)
{
  struct oci_device_cgroup deny_all
      = { false, OCI_DEVICE_ALL, { false, 0 }, { false, 0 }, "rwm" };
  struct cg_dev_rule *rules = NULL;
  size_t n;
  struct ocirun_error err;

  NEED_CGROUP2 ();
  assert_int_equal (
      cg_dev_rules_build (&deny_all, 1, NULL, 0, &rules, &n, &err), 0);
  if (cg_bpf_dev_apply (dir, rules, n, &err) < 0)
    {
      free (rules);
      skip ();
    }
  free (rules);
  assert_int_equal (in_cgroup (probe_devices), 0);
}

static int
sleeper (void)
{
  pause ();
  return 0;
}

/* v2 back end on the real hierarchy: freeze, is_frozen, kill, rmdir. */
static void
test_v2_freeze_kill (void **state)
{
  struct ocirun_cgroup cg;
  struct ocirun_error err;
  pid_t pid;
  char state_[8];

  NEED_CGROUP2 ();
  if (!cg_file_exists (dir, "cgroup.freeze")
      || !cg_file_exists (dir, "cgroup.kill"))
    skip ();
  memset (&cg, 0, sizeof cg);
  cg.mode = OCIRUN_CGROUP_V2;
  cg.unified_path = dir;
  cg.ops = &cg_ops_v2;
  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      if (cg_enter (dir, 0, &err) < 0)
        _exit (100);
      _exit (sleeper ());
    }
  /* Wait until the child is in. */
  for (int i = 0; i < 1000; i++)
    {
      pid_t *pids = NULL;
      size_t np = 0;
      assert_int_equal (cg_collect_pids (dir, &pids, &np, &err), 0);
      free (pids);
      if (np == 1)
        break;
      cg_sleep_ms (1);
    }
  assert_int_equal (cg.ops->set_freeze (&cg, true, &err), 0);
  assert_true (cg.ops->is_frozen (&cg));
  assert_int_equal (
      cg_read (dir, "cgroup.freeze", state_, sizeof state_, &err), 2);
  assert_int_equal (cg.ops->set_freeze (&cg, false, &err), 0);
  assert_false (cg.ops->is_frozen (&cg));
  /* kill_all must also work while frozen. */
  assert_int_equal (cg.ops->set_freeze (&cg, true, &err), 0);
  assert_int_equal (cg.ops->kill_all (&cg, &err), 0);
  assert_int_equal (waitpid (pid, NULL, 0), pid);
  assert_int_equal (cg.ops->rmdirs (&cg, &err), 0);
  assert_int_equal (access (dir, F_OK), -1);
  /* Idempotent: gone is fine. */
  assert_int_equal (cg.ops->kill_all (&cg, &err), 0);
  assert_int_equal (cg.ops->rmdirs (&cg, &err), 0);
  assert_int_equal (mkdir (dir, 0755), 0); /* for teardown */
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_program_shape),
    cmocka_unit_test_setup_teardown (test_bpf_null_allowed_full_denied, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_bpf_last_match_wins, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_bpf_defaults, setup, teardown),
    cmocka_unit_test_setup_teardown (test_v2_freeze_kill, setup, teardown),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
