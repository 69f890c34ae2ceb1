/* test_lsm.c - SELinux/AppArmor plumbing with fake LSM ops (this host has
 * neither enabled), and the procfs checks the writes go through. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "libocirun/caps.h"

#include "libocirun/lsm.h"
#include "libocirun/security.h"

/* ---- the fake --------------------------------------------------------- */

static struct
{
  bool selinux;
  bool apparmor;
  char exec_label[256];
  char apparmor_profile[256];
  char checked[256];
  int set_result;
} fake;

static bool
fake_selinux_enabled (void)
{
  return fake.selinux;
}

static int
fake_check_context (const char *label)
{
  snprintf (fake.checked, sizeof fake.checked, "%s", label);
  /* A context has at least user:role:type. */
  return strchr (label, ':') && strchr (strchr (label, ':') + 1, ':') ? 0 : -1;
}

static int
fake_set_exec_label (const char *label)
{
  snprintf (fake.exec_label, sizeof fake.exec_label, "%s", label);
  return fake.set_result;
}

static bool
fake_apparmor_enabled (void)
{
  return fake.apparmor;
}

static int
fake_set_profile (const char *profile)
{
  snprintf (fake.apparmor_profile, sizeof fake.apparmor_profile, "%s",
            profile);
  return fake.set_result;
}

static const struct ocirun_lsm_ops fake_ops = {
  .selinux_enabled = fake_selinux_enabled,
  .selinux_check_context = fake_check_context,
  .selinux_set_exec_label = fake_set_exec_label,
  .apparmor_enabled = fake_apparmor_enabled,
  .apparmor_set_exec_profile = fake_set_profile,
};

static int
setup (void **state)
{
  (void)state;
  memset (&fake, 0, sizeof fake);
  ocirun_lsm_set_ops (&fake_ops);
  return 0;
}

static int
teardown (void **state)
{
  (void)state;
  ocirun_lsm_set_ops (NULL);
  return 0;
}

static struct oci_process
process (char *selinux, char *apparmor)
{
  struct oci_process p;

  memset (&p, 0, sizeof p);
  p.selinux_label = selinux;
  p.apparmor_profile = apparmor;
  return p;
}

/* ---- SELinux ---------------------------------------------------------- */

static void
test_selinux_label_applied (void **state)
{
  struct oci_process p
      = process ("system_u:system_r:container_t:s0:c1,c2", NULL);
  struct ocirun_error err = { 0 };

  (void)state;
  fake.selinux = true;
  assert_int_equal (ocirun_lsm_validate (&p, "config.json: process", &err), 0);
  assert_string_equal (fake.checked, p.selinux_label);
  assert_int_equal (ocirun_lsm_apply (&p, &err), 0);
  assert_string_equal (fake.exec_label, p.selinux_label);
}

static void
test_selinux_invalid_label (void **state)
{
  struct oci_process p = process ("not-a-context", NULL);
  struct ocirun_error err = { 0 };

  (void)state;
  fake.selinux = true;
  assert_int_equal (ocirun_lsm_validate (&p, "config.json: process", &err),
                    -1);
  assert_string_equal (err.msg, "config.json: process.selinuxLabel: invalid "
                                "SELinux context \"not-a-context\"");
  assert_int_equal (ocirun_lsm_apply (&p, &err), -1);
  assert_string_equal (fake.exec_label, "");
}

static void
test_selinux_disabled_is_error (void **state)
{
  struct oci_process p = process ("system_u:system_r:container_t:s0", NULL);
  struct ocirun_error err = { 0 };

  (void)state;
  /* runc 1.1 and crun both refuse a label SELinux can't apply. */
  fake.selinux = false;
  assert_int_equal (ocirun_lsm_validate (&p, "config.json: process", &err),
                    -1);
  assert_string_equal (err.msg,
                       "config.json: process.selinuxLabel: the label "
                       "\"system_u:system_r:container_t:s0\" is set but "
                       "SELinux is disabled or not supported");
  assert_string_equal (fake.exec_label, "");
}

static void
test_no_labels_nothing_done (void **state)
{
  struct oci_process p = process (NULL, NULL);
  struct oci_process empty = process ("", "");
  struct ocirun_error err = { 0 };

  (void)state;
  assert_int_equal (ocirun_lsm_validate (&p, "process", &err), 0);
  assert_int_equal (ocirun_lsm_apply (&p, &err), 0);
  assert_int_equal (ocirun_lsm_validate (&empty, "process", &err), 0);
  assert_int_equal (ocirun_lsm_apply (&empty, &err), 0);
  assert_string_equal (fake.exec_label, "");
  assert_string_equal (fake.apparmor_profile, "");
}

static void
test_selinux_write_failure (void **state)
{
  struct oci_process p = process ("system_u:system_r:container_t:s0", NULL);
  struct ocirun_error err = { 0 };

  (void)state;
  fake.selinux = true;
  fake.set_result = -EACCES;
  assert_int_equal (ocirun_lsm_apply (&p, &err), -1);
  assert_int_equal (err.errnum, EACCES);
}

/* ---- AppArmor --------------------------------------------------------- */

static void
test_apparmor_applied (void **state)
{
  struct oci_process p = process (NULL, "ocirun-default");
  struct ocirun_error err = { 0 };

  (void)state;
  fake.apparmor = true;
  assert_int_equal (ocirun_lsm_validate (&p, "config.json: process", &err), 0);
  assert_int_equal (ocirun_lsm_apply (&p, &err), 0);
  assert_string_equal (fake.apparmor_profile, "ocirun-default");
}

static void
test_apparmor_disabled_is_error (void **state)
{
  struct oci_process p = process (NULL, "ocirun-default");
  struct ocirun_error err = { 0 };

  (void)state;
  /* runc: "apparmor failed to apply profile"; crun: "AppArmor is not
   * initialized correctly": both fail. */
  fake.apparmor = false;
  assert_int_equal (ocirun_lsm_validate (&p, "config.json: process", &err),
                    -1);
  assert_string_equal (err.msg, "config.json: process.apparmorProfile: the "
                                "profile \"ocirun-default\" is set but "
                                "AppArmor is not enabled on this host");
  assert_int_equal (ocirun_lsm_apply (&p, &err), -1);
  assert_string_equal (fake.apparmor_profile, "");
}

static void
test_real_ops_on_this_host (void **state)
{
  (void)state;
  ocirun_lsm_set_ops (NULL);
  assert_ptr_equal (ocirun_lsm_get_ops (), &ocirun_lsm_default_ops);
  /* Whatever the host, the real predicates must agree with the files. */
  if (access ("/sys/fs/selinux/enforce", F_OK) != 0)
    assert_false (ocirun_lsm_default_ops.selinux_enabled ());
  if (access ("/sys/module/apparmor/parameters/enabled", F_OK) != 0)
    assert_false (ocirun_lsm_default_ops.apparmor_enabled ());
}

/* ---- procfs checks ---------------------------------------------------- */

static void
test_procfs_verification (void **state)
{
  struct ocirun_error err = { 0 };
  char tmpl[] = "/tmp/ocirun-lsm-XXXXXX";
  int fd;

  (void)state;
  fd = ocirun_open_procfs ("/proc/self/status", O_RDONLY, &err);
  assert_true (fd >= 0);
  close (fd);
  fd = mkstemp (tmpl);
  assert_true (fd >= 0);
  assert_int_equal (ocirun_verify_procfs_fd (fd, tmpl, &err), -1);
  assert_int_equal (err.errnum, EXDEV);
  close (fd);
  assert_int_equal (ocirun_open_procfs (tmpl, O_RDONLY, &err), -1);
  unlink (tmpl);
  /* attr/exec through the verified path: no LSM takes the write here,
   * so the kernel refuses it, but it must get that far. */
  if (!ocirun_lsm_default_ops.selinux_enabled ()
      && !ocirun_lsm_default_ops.apparmor_enabled ())
    assert_true (
        ocirun_lsm_write_proc_attr ("/proc/thread-self/attr/exec", "x") < 0);
}

/* Open /proc/<target>/exe from a process that is root but lacks
 * CAP_SYS_PTRACE, like a container process.  Returns 0 if it could. */
static int
drop_ptrace_cap (void)
{
  struct ocirun_error err = { 0 };
  uint64_t eff, prm, inh;
  uint64_t no_ptrace = ~(UINT64_C (1) << 19); /* CAP_SYS_PTRACE */

  if (ocirun_caps_get (&eff, &prm, &inh, &err) < 0)
    return -1;
  return ocirun_caps_set (eff & no_ptrace, prm & no_ptrace, 0, &err);
}

static int
open_exe_without_ptrace_cap (pid_t target)
{
  char path[64];
  pid_t pid;
  int st;

  pid = fork ();
  if (pid == 0)
    {
      int fd;

      if (drop_ptrace_cap () < 0)
        _exit (2);
      snprintf (path, sizeof path, "/proc/%d/exe", target);
      fd = open (path, O_PATH);
      _exit (fd >= 0 ? 0 : 1);
    }
  waitpid (pid, &st, 0);
  return WIFEXITED (st) ? WEXITSTATUS (st) : 3;
}

static pid_t
sleeper (bool protect)
{
  struct ocirun_error err = { 0 };
  int p[2];
  char c;
  pid_t pid;

  assert_int_equal (pipe (p), 0);
  pid = fork ();
  if (pid == 0)
    {
      /* The same capabilities as the prober: the kernel also refuses a
       * prober whose permitted set is smaller than the target's. */
      if (drop_ptrace_cap () < 0
          || (protect && ocirun_protect_runtime_binary (&err) < 0))
        _exit (1);
      if (write (p[1], "x", 1) != 1)
        _exit (1);
      pause ();
      _exit (0);
    }
  assert_int_equal (read (p[0], &c, 1), 1);
  close (p[0]);
  close (p[1]);
  return pid;
}

static void
test_protect_runtime_binary (void **state)
{
  pid_t open_target, protected_target;
  int r_open, r_protected;

  (void)state;
  if (geteuid () != 0)
    skip ();
  /* CVE-2019-5736: a dumpable runtime's /proc/<pid>/exe is open to the
   * container's root; a non-dumpable one needs CAP_SYS_PTRACE. */

  open_target = sleeper (false);
  protected_target = sleeper (true);
  r_open = open_exe_without_ptrace_cap (open_target);
  r_protected = open_exe_without_ptrace_cap (protected_target);
  kill (open_target, SIGKILL);
  kill (protected_target, SIGKILL);
  waitpid (open_target, NULL, 0);
  waitpid (protected_target, NULL, 0);
  assert_int_equal (r_open, 0);
  assert_int_equal (r_protected, 1);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_selinux_label_applied, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_selinux_invalid_label, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_selinux_disabled_is_error, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_no_labels_nothing_done, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_selinux_write_failure, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_apparmor_applied, setup, teardown),
    cmocka_unit_test_setup_teardown (test_apparmor_disabled_is_error, setup,
                                     teardown),
    cmocka_unit_test (test_real_ops_on_this_host),
    cmocka_unit_test (test_procfs_verification),
    cmocka_unit_test (test_protect_runtime_binary),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
